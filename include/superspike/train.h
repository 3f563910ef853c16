/* train.h - a training run: experiment + engine + learner + optimizers.
 *
 * The trainer drives an experiment that has a [learning] section window by
 * window: run the engine to the window end, compute the gradients of every
 * plastic projection (learn.h), apply the optimizer of each projection
 * (optim.h), and record the cost, rates and weight changes of the window.
 * Outputs (written by ss_trainer_finish, atomically): the learning curve,
 * the spike rasters of every population for the first and the last loop,
 * the final weights of every plastic projection, and a JSON summary. */
#ifndef SUPERSPIKE_TRAIN_H
#define SUPERSPIKE_TRAIN_H

#include <stdint.h>

#include "superspike/experiment.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_trainer ss_trainer;

/* One row of the learning curve. */
typedef struct ss_train_row {
  double t;          /* window end (ms) */
  double cost;       /* moving average, reference-code units (1.2e5 ms^2 <e^2>) */
  double cost_window;/* the same over this window only */
  double mean_dw;    /* mean |dw| over plastic synapses (mV) */
  double accuracy;   /* classification: fraction correct of the last 100 judged stimuli (NaN otherwise) */
} ss_train_row;

/* Set up a training run of experiment x (which must have a [learning]
 * section and use the event-driven engine).  x is not owned. */
ss_trainer *ss_trainer_create(ss_experiment *x, ss_error *err);
void ss_trainer_destroy(ss_trainer *tr);

/* Run the next update window; returns 1 while windows remain, 0 when the
 * run is complete, negative on error.  *row (optional) describes it. */
int ss_trainer_step(ss_trainer *tr, ss_train_row *row, ss_error *err);

/* Simulated time (ms), duration (ms) and the engine's counters. */
double ss_trainer_time(const ss_trainer *tr);
const ss_stats *ss_trainer_stats(const ss_trainer *tr);
const ss_learn *ss_trainer_learner(const ss_trainer *tr);

/* Write every window's raw gradient G of every plastic synapse to `path`
 * (lines `window projection pre post G`, local ids, %.17g; committed
 * atomically by ss_trainer_finish).  Call before the first step (after
 * ss_trainer_resume if resuming: the dump then starts at the resumed window). */
int ss_trainer_dump_gradients(ss_trainer *tr, const char *path, ss_error *err);

/* Save all learning state (weights, optimizer state, learner traces, engine
 * state, source cursors, recorded spikes, the learning curve so far, time)
 * to a checkpoint at `path`, atomically; ss_trainer_resume restores it into
 * a trainer freshly created from the same configuration (the checkpoint's
 * config hash must match), after which the run continues bit-identically.
 * With [learning] checkpoint_every = N, ss_trainer_step writes
 * OUT/checkpoint.ssck every N windows, and ss_trainer_finish at the end. */
int ss_trainer_checkpoint(const ss_trainer *tr, const char *path, ss_error *err);
int ss_trainer_resume(ss_trainer *tr, const char *path, ss_error *err);

/* Write every output into the experiment's output directory; wall_s is the
 * wall time to report in the summary. */
int ss_trainer_finish(ss_trainer *tr, double wall_s, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
