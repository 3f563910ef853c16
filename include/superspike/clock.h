/* clock.h - the clock-driven reference engine.
 *
 * Steps the same network with a fixed dt, in the order of the authors'
 * reference code (paper-spec §1.2): membrane update (forward Euler, or the
 * exact exponential propagator), threshold test U > theta (spike stamped at
 * the step's time t_n = n dt) or refractory clamp, synaptic decay, then the
 * arrivals due at this step (spike step + round(delay/dt)).  Input spikes
 * are stamped at step floor(t/dt).  Tight loops over neuron arrays; a ring
 * buffer of per-step input currents.  It exists to compare speed and
 * results with the event-driven engine: O(dt) accurate, no better. */
#ifndef SUPERSPIKE_CLOCK_H
#define SUPERSPIKE_CLOCK_H

#include "superspike/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_clock_method {
  SS_CLOCK_EULER = 0,  /* v += dt/tau_mem (I - v): the reference code */
  SS_CLOCK_EXACT = 1   /* exact exponential propagator over dt */
} ss_clock_method;

typedef struct ss_clock ss_clock;

ss_clock *ss_clock_create(ss_net *net, ss_source **sources, ss_record *rec,
                          double dt_ms, ss_clock_method method,
                          ss_error *err);
void ss_clock_destroy(ss_clock *c);
/* Run every step n with n*dt < t_stop. */
int ss_clock_run(ss_clock *c, double t_stop, ss_error *err);
double ss_clock_time(const ss_clock *c);
const ss_stats *ss_clock_stats(const ss_clock *c);

#ifdef __cplusplus
}
#endif
#endif
