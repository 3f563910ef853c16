/* cost.h - the SuperSpike cost of output neurons, integrated exactly.
 *
 * Each output neuron's error e = alpha * (S_target - S) is a sum of two
 * decaying exponentials between error events (+1 at target spikes, -1 at
 * its own spikes), so int e^2 over a window, plain or weighted by the
 * moving average's kernel, is a sum of closed forms (paper-spec §2.12).
 * The tracker keeps the error traces of every output across windows; feed
 * it each window's error events in time order, from either engine. */
#ifndef SUPERSPIKE_COST_H
#define SUPERSPIKE_COST_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/engine.h"
#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_cost ss_cost;

/* The factor A of the error and eligibility kernel alpha(t) = A (e^{-t /
 * tau_decay} - e^{-t / tau_rise}): unit area (peak = 0, the paper) or unit
 * peak.  Times in ms, tau_rise != tau_decay. */
double ss_alpha_norm(double tau_rise, double tau_decay, int peak);

/* A tracker for units 0..n_units-1 (global ids), alpha rise/decay (ms),
 * unit area (alpha_peak = 0) or unit peak, moving average tau (ms). */
ss_cost *ss_cost_create(uint32_t n_units, double tau_rise, double tau_decay, int alpha_peak, double tau,
                        ss_error *err);
void ss_cost_destroy(ss_cost *c);

/* Count unit u among the outputs whose mean squared error is reported. */
void ss_cost_add_output(ss_cost *c, uint32_t u);

/* Integrate the window [t0, t1) given its error events (time order, t0 <=
 * t < t1, neurons must be outputs), then carry the traces to t1.
 * reset = 1 zeroes the traces at t1 afterwards (per-trial learning). */
int ss_cost_window(ss_cost *c, double t0, double t1, const ss_err_rec *ev, size_t n, int reset, ss_error *err);

/* Mean over outputs of e^2 (e in 1/ms): averaged over the last window, and
 * the bias-corrected moving average (1/tau) int e^{-(t-s)/tau} m(s) ds /
 * (1 - e^{-(t - t_start)/tau}).  Multiply by 1.2e5 for the reference code's
 * units (unit-area alpha). */
void ss_cost_get(const ss_cost *c, double *window, double *moving);

/* The output traces at the last window end (for the learner's sweep). */
void ss_cost_traces(const ss_cost *c, uint32_t u, double *fd, double *fr);

/* Checkpoint sections `cost.*`. */
int ss_cost_save(const ss_cost *c, ss_ckpt_writer *w, ss_error *err);
int ss_cost_load(ss_cost *c, const ss_ckpt *ck, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
