/* clock_learn.h - the clock-driven SuperSpike learner (`--engine clock`).
 *
 * Steps a network (ss_net, source cursors, target cursors, feedback) with a
 * fixed dt and computes, per update window [t0, t1) and plastic synapse
 * s = (j -> i), the same quantity as the event-driven learner (learn.h):
 *     G_s = int_{t0}^{t1} e_i(t) lambda_s(t) dt,
 *     lambda_s = alpha * (sigma'(U_i) (eps * S_j)),   eps = P21 of neuron i,
 *     alpha = A (e^{-t/tau_decay} - e^{-t/tau_rise}),  A from ss_learn_params,
 *     e_i = alpha * (S_target - S_i) (outputs),  e_k = sum_o B_ko e_o (hidden),
 * in the same units (ms, kernel units; sigma' in the form that
 * ss_learn_params.surrogate selects, the reference code's (extra factor
 * beta, zero below u_cut) included), so that one optimizer setting
 * (optim.h) serves both engines.  G is indexed by incoming slot, like
 * ss_learn_gradient.  Two flavours:
 *
 * SS_CL_EXACT - a brute-force reference for testing (the C twin of
 *   shared/design/verify/ref_timestep.py).  Every event is put on the grid
 *   point nearest to its exact time (input and target spikes at
 *   round(t/dt), an arrival at round((t_spike + delay)/dt)); over each step
 *   the neurons (v, I), the per-group PSP traces (y, z) (y jumps by 1 per
 *   arrival, z = eps * S) and the output error traces are propagated with
 *   exact exponential factors; the threshold v >= theta' is tested at the
 *   grid points only (a spike at t_{n+1} is stamped t_{n+1}); refractory
 *   neurons are clamped while t_spike + t_ref > t_n.  Every plastic synapse
 *   carries explicit eligibility components H_d, H_r,
 *       H_c <- e^{-dt/tau_c} H_c + tau_c (1 - e^{-dt/tau_c}) sigma'(U_i(t_n)) z_s(t_n),
 *   lambda_s = A (H_d - H_r), and G is the left Riemann sum of e lambda dt.
 *   Every error term is O(dt): G converges to the event-driven G linearly
 *   (tests/test_clock_learn.c measures it).
 *
 * SS_CL_REFERENCE - the authors' per-step algorithm (paper-spec.md §2.10,
 *   Auryn duty cycle), for speed comparisons and learning curves.  Step n
 *   (t_n = n dt): (1) sources emit the spikes with floor(t/dt) = n; (2)
 *   forward-Euler membranes v += dt/tau_mem (I - v), spike if v > theta'
 *   (stamped t_n), clamp for round(t_ref/dt) steps; (3) I decays, the
 *   spikes due now arrive (I += w, pre trace z += 1, z *= e^{-dt/tau_syn}),
 *   the error traces follow the error impulses of step n-1 with two Euler
 *   filters (tau_rise, then tau_decay); (4) error impulses of step n are
 *   formed (outputs: target minus own spikes, optionally delayed by
 *   err_delay; hidden: B times the output impulses of step n - 1 - fb_delay),
 *   sigma'(U(t_n)) and the Euler "follow" trace z~ of the PSP are read
 *   through optional delay lines (the alignment Delta), el += z~ sigma',
 *   el_flt follows el with an Euler filter (tau_decay), el decays
 *   (tau_rise), m += el_flt e_code, then z~ follows z with an Euler filter
 *   (tau_mem).  At the window end G = m x A^2 (tau_decay - tau_rise)^2
 *   dt / tau_rise (paper-spec §2.11: e_code = dt e_area, lambda_code =
 *   (tau_rise/dt) lambda_area), which puts G in ss_learn's units.
 *   Differences from the exact gradient, all O(dt) at fixed Delta = 0:
 *   Euler membrane, Euler follow filters for the second stage of every
 *   double exponential (PSP, eligibility, error), sigma' sampled once per
 *   step, one-step lags (error traces follow the previous step's impulse,
 *   hidden errors one more step), input spikes floored to the grid.  With
 *   the reference code's delays (err_delay = align_out = align_hidden =
 *   0.8 ms for symmetric feedback; fb_delay = 0.8 ms + dt and align_hidden
 *   = 1.5 ms for random feedback) the window integral is that of a shifted
 *   product, which differs by O(Delta/T) more.  Not reproduced: the code's
 *   single precision (its sigma' with the factor beta and the cut below
 *   -80 mV is surrogate = SS_SURR_REFERENCE, in both learners).  The skip thresholds of paper-spec §2.9 are optional
 *   (skip_pre, skip_err, in the code's units; 0 = off).  Measured on the
 *   gradient test cases (20-5-2 network, 100 ms windows; relative L2
 *   difference of G to the event-driven G, worst layer): at dt = 0.1 ms
 *   2-25% in windows with the same spikes, 39-46% in a window where the
 *   Euler membrane turns a grazing approach into an extra spike; at dt =
 *   0.01 ms about 1.2%; with the code's 0.8 ms delays and alignment 2-5%
 *   (tests/test_clock_learn.c).  SS_CL_EXACT at dt = 0.1 ms: 4-8%.
 *
 * Forward weights are read from net->out_w when a spike arrives (so an
 * optimizer may change them between windows); symmetric feedback reads the
 * hidden->output weights at the first step of every window.  In per-trial
 * mode (ss_learn_params.mode) every window end resets neurons, in-flight
 * spikes and all traces; source cursors are not touched.
 *
 * Units: ms, mV.  Typical use:
 *     ss_clock_learn *cl = ss_clock_learn_create(net, sources, rec, &lp, &cp, &err);
 *     ss_clock_learn_add_output(cl, out, &err);
 *     ss_clock_learn_set_targets(cl, out, &targets, &err);
 *     ss_clock_learn_add_hidden(cl, hid, out, SS_FB_SYMMETRIC, proj_ho, 0, &err);
 *     ss_clock_learn_add_plastic(cl, proj_ih, &err); ...
 *     for (k = 1; ...; ++k) {
 *       ss_clock_learn_run_window(cl, k * T, &err);
 *       G = ss_clock_learn_gradient(cl);   (then the optimizer updates out_w)
 *     } */
#ifndef SUPERSPIKE_CLOCK_LEARN_H
#define SUPERSPIKE_CLOCK_LEARN_H

#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/engine.h"
#include "superspike/error.h"
#include "superspike/learn.h"
#include "superspike/network.h"
#include "superspike/record.h"
#include "superspike/source.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_clock_learn_flavour {
  SS_CL_EXACT = 0,    /* exact-trajectory brute-force reference (testing) */
  SS_CL_REFERENCE = 1 /* the reference code's algorithm (speed, learning curves) */
} ss_clock_learn_flavour;

typedef struct ss_clock_learn_params {
  double dt;                       /* step (ms), > 0; default 0.1 */
  ss_clock_learn_flavour flavour;  /* default SS_CL_REFERENCE */
  /* SS_CL_REFERENCE only (ignored by SS_CL_EXACT); all default 0 */
  double err_delay;    /* ms: target and own spikes reach the error this late (code: 0.8) */
  double fb_delay;     /* ms: extra delay of the hidden feedback path (code, random fb: 0.8 + dt) */
  double align_out;    /* ms: Delta of output layers (code: 0.8) */
  double align_hidden; /* ms: Delta of hidden layers (code: 0.8 symmetric, 1.5 random) */
  double skip_pre;     /* skip presynaptic traces z~ <= skip_pre (code: 1e-7; RF 1e-5) */
  double skip_err;     /* skip accumulation where |e_code| < skip_err (code: 1e-7) */
} ss_clock_learn_params;

/* The defaults listed above. */
void ss_clock_learn_params_default(ss_clock_learn_params *p);

typedef struct ss_clock_learn ss_clock_learn;

/* A clock-driven learner over a built network (with out_slot, i.e. not
 * SS_NET_IN_NONE).  sources[p] is the cursor of source population p (NULL
 * for LIF populations or silent sources); rec (spikes and state samples)
 * may be NULL.  None of them is owned; net->out_w is read at every arrival.
 * State starts at t = 0 with v = v_init, I = 0.  lp gives the kernels,
 * surrogate and mode (its quadrature fields are unused). */
ss_clock_learn *ss_clock_learn_create(ss_net *net, ss_source **sources, ss_record *rec,
                                      const ss_learn_params *lp, const ss_clock_learn_params *cp,
                                      ss_error *err);
void ss_clock_learn_destroy(ss_clock_learn *cl);

/* Roles, as in learn.h; only before the first step (else SS_ESTATE). */
int ss_clock_learn_add_output(ss_clock_learn *cl, uint32_t pop, ss_error *err);
/* The target spikes of output population `pop`: a cursor whose global ids
 * are the population's neurons (offset = the population's offset).  Not
 * owned. */
int ss_clock_learn_set_targets(ss_clock_learn *cl, uint32_t pop, ss_source *targets, ss_error *err);
/* Hidden layer `pop` fed back from output layer `out_pop`: symmetric reads
 * projection `proj` (pop -> out_pop), random draws B ~ N(0, 1) from `seed`
 * exactly as ss_learn_add_hidden does (same seed, same B), uniform B = 1. */
int ss_clock_learn_add_hidden(ss_clock_learn *cl, uint32_t pop, uint32_t out_pop, ss_feedback fb,
                              uint32_t proj, uint64_t seed, ss_error *err);
/* Replace a random or uniform feedback matrix (row-major [n_hidden x n_out], copied). */
int ss_clock_learn_set_feedback(ss_clock_learn *cl, uint32_t pop, const double *B, ss_error *err);
int ss_clock_learn_add_plastic(ss_clock_learn *cl, uint32_t proj, ss_error *err);

/* Run every step n with n dt < t_stop (to within 1e-9 dt). */
int ss_clock_learn_run(ss_clock_learn *cl, double t_stop, ss_error *err);
/* Close the window [t0, now): G of every plastic synapse becomes available
 * through ss_clock_learn_gradient, accumulators restart, and in per-trial
 * mode all state is reset. */
int ss_clock_learn_window(ss_clock_learn *cl, ss_error *err);
/* ss_clock_learn_run to t1, then ss_clock_learn_window. */
int ss_clock_learn_run_window(ss_clock_learn *cl, double t1, ss_error *err);

/* G of the last closed window, indexed by incoming slot (0 for synapses
 * that are not plastic; all 0 before the first window). */
const double *ss_clock_learn_gradient(const ss_clock_learn *cl);
/* Feedback matrix of hidden layer `pop` used by the current window, or NULL. */
const double *ss_clock_learn_feedback(const ss_clock_learn *cl, uint32_t pop);
/* Current time (ms: steps done x dt), counters, windows closed. */
double ss_clock_learn_time(const ss_clock_learn *cl);
const ss_stats *ss_clock_learn_stats(const ss_clock_learn *cl);
uint64_t ss_clock_learn_windows(const ss_clock_learn *cl);
/* State of neuron u at the current grid time: U (mV) and I (mV). */
void ss_clock_learn_state(const ss_clock_learn *cl, uint32_t u, double *U, double *I);

/* Error events (+1 target, -1 output spike, at the times the engine saw
 * them) of the last closed window, in time order, and spike counts per
 * population: what a trainer needs for the cost and the rates. */
const ss_err_rec *ss_clock_learn_errors(const ss_clock_learn *c, size_t *n);
uint64_t ss_clock_learn_pop_spikes(const ss_clock_learn *c, uint32_t pop);

/* Synapse probe (paper Fig. 3), reference flavour: at every step with
 * t_from <= t < t_to record, for the plastic synapse at incoming slot
 * `slot`, the row {t (ms), x = its presynaptic PSP trace z~, U of the post
 * neuron (mV), sigma'(U), the post neuron's filtered error e (code units,
 * per step), its eligibility lambda (el_flt, code units), the window
 * accumulator of e lambda so far}.  Call before running. */
int ss_clock_learn_probe(ss_clock_learn *c, uint32_t slot, double t_from, double t_to, ss_error *err);
/* The recorded rows (7 doubles each) and their number. */
const double *ss_clock_learn_probe_rows(const ss_clock_learn *c, size_t *n_rows);

/* Save / restore the complete dynamic state (neurons, traces, delay lines,
 * spikes in flight, counters, time) as sections clk.* of a checkpoint, at
 * a window edge.  Load into a learner created on the same network with
 * the same roles and parameters; the run then continues bit for bit. */
int ss_clock_learn_save(const ss_clock_learn *c, ss_ckpt_writer *w, ss_error *err);
int ss_clock_learn_load(ss_clock_learn *c, const ss_ckpt *ck, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
