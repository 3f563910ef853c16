/* superspike.h - umbrella header of libsuperspike.
 *
 * Event-driven simulation of current-based LIF networks (exact spike times,
 * cost proportional to the number of events) and SuperSpike learning.
 * Units inside the library: time in ms, voltage (and weights) in mV; files
 * and configs carry explicit units and are converted at the boundary. */
#ifndef SUPERSPIKE_H
#define SUPERSPIKE_H

#define SS_VERSION_MAJOR 0
#define SS_VERSION_MINOR 1
#define SS_VERSION_PATCH 0
#define SS_VERSION_STRING "0.1.0"

#include "superspike/atomicfile.h"
#include "superspike/checkpoint.h"
#include "superspike/classify.h"
#include "superspike/clock.h"
#include "superspike/clock_learn.h"
#include "superspike/config.h"
#include "superspike/cost.h"
#include "superspike/engine.h"
#include "superspike/error.h"
#include "superspike/experiment.h"
#include "superspike/learn.h"
#include "superspike/lif.h"
#include "superspike/network.h"
#include "superspike/optim.h"
#include "superspike/queue.h"
#include "superspike/record.h"
#include "superspike/rng.h"
#include "superspike/source.h"
#include "superspike/spikefile.h"
#include "superspike/spikestats.h"
#include "superspike/task.h"
#include "superspike/curves.h"
#include "superspike/train.h"

#endif
