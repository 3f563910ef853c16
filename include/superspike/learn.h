/* learn.h - SuperSpike gradients, event by event (event-driven.md §3).
 *
 * For every plastic synapse s = (j -> i) and update window [t0, t1) the
 * learner computes the raw gradient
 *     G_s = int_{t0}^{t1} e_i(t) lambda_s(t) dt,
 *     lambda_s = alpha * (sigma'(U_i) (eps * S_j)),
 * exactly up to Gauss-Legendre quadrature of a smooth integrand, by one
 * backward sweep over each postsynaptic neuron's event log of the window
 * (the adjoint identity of §3.2), plus two carried numbers per synapse
 * (H_d, H_r) that make the online rule exact across windows (§3.3).  Output
 * neurons use their own error e_i = alpha * (S_target - S_i); hidden
 * neurons use the feedback e_k = sum_o B_ko e_o with B the current forward
 * weights (symmetric), a fixed N(0, 1) draw (random) or ones (uniform).
 *
 * Units: ms, mV; G in mV-free "kernel units": alpha is normalised to unit
 * area (paper) or unit peak, sigma' is dimensionless (paper form).  The
 * optimizer (optim.h) turns G into weight changes. */
#ifndef SUPERSPIKE_LEARN_H
#define SUPERSPIKE_LEARN_H

#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/engine.h"
#include "superspike/error.h"
#include "superspike/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_feedback {
  SS_FB_SYMMETRIC = 0, /* B = current hidden->output weights */
  SS_FB_RANDOM = 1,    /* fixed B ~ N(0, 1), seeded */
  SS_FB_UNIFORM = 2    /* B = 1 */
} ss_feedback;

typedef enum ss_surrogate {
  SS_SURR_PAPER = 0,    /* sigma'(U) = (1 + beta |U - theta|)^-2 */
  SS_SURR_LINEAR = 1,   /* sigma' = 1 ("symmetric linear" control) */
  SS_SURR_REFERENCE = 2 /* the reference code's form (paper-spec §2.4):
                           sigma'(U) = beta (1 + beta |U - theta|)^-2 for
                           U >= u_cut, 0 below (1/mV).  The cut makes
                           sigma'(U(t)) jump where U crosses u_cut: the sweep
                           puts breakpoints there (event-driven.md §3.9e), so
                           G stays exact up to the quadrature */
} ss_surrogate;

typedef enum ss_learn_mode {
  SS_LEARN_ONLINE = 0,   /* traces carry over from window to window (exact) */
  SS_LEARN_PER_TRIAL = 1 /* every window is a trial: all state reset at its start */
} ss_learn_mode;

typedef struct ss_learn_params {
  double tau_rise, tau_decay; /* alpha kernel (ms), tau_rise != tau_decay; default 5, 10 */
  int alpha_peak;             /* 0: unit area (paper, default), 1: unit peak */
  double beta;                /* surrogate steepness (1/mV), default 1 */
  ss_surrogate surrogate;
  ss_learn_mode mode;
  int n_gl;                   /* Gauss-Legendre nodes per piece, 1..16, default 5; with
                                 adapt > 0 short pieces far from the surrogate's pole
                                 use up to three fewer when the error estimates allow */
  double h_max;               /* longest piece (ms), default 8 */
  int grade;                  /* grade pieces toward the neuron's spikes (default 1) */
  double grade_c;             /* shortest graded piece = grade_c / (beta v'), default 0.5 */
  double cost_tau;            /* moving average of the cost (ms), default 10 s */
  int err_breakpoints;        /* 1: error events also split the pieces (the oracle's
                                 layout); 0 (default): the error adjoint is evaluated
                                 at the nodes, so a hidden neuron's sweep does not stop
                                 at every output error event */
  double adapt;               /* > 0 (default 0.5): pieces no longer than adapt x the
                                 time to the nearest complex pole of sigma'(U(t)),
                                 estimated from v, v', v'' at each piece start (this
                                 covers grading and near-threshold excursions),
                                 lengths rounded down to h_max 2^-k (cached node
                                 tables); 0: equal pieces graded toward spikes only
                                 (the oracle's layout) */
  double u_cut;               /* SS_SURR_REFERENCE only: sigma' = 0 below this
                                 absolute membrane potential (mV), default -80;
                                 -INFINITY: no cut */
} ss_learn_params;

/* The defaults listed above. */
void ss_learn_params_default(ss_learn_params *p);

typedef struct ss_learn ss_learn;

/* A learner over a built network that kept its incoming slots (any
 * `incoming` but SS_NET_IN_NONE).  Not owned. */
ss_learn *ss_learn_create(ss_net *net, const ss_learn_params *p, ss_error *err);
void ss_learn_destroy(ss_learn *l);

/* Declare LIF population `pop` an output layer (its errors come from the
 * engine's error log: call ss_engine_set_targets on it too). */
int ss_learn_add_output(ss_learn *l, uint32_t pop, ss_error *err);

/* Declare LIF population `pop` a hidden layer fed back from output
 * population `out_pop`.  Symmetric feedback reads the weights of the
 * projection `proj` (from pop to out_pop); random feedback draws B from
 * `seed`; uniform needs neither. */
int ss_learn_add_hidden(ss_learn *l, uint32_t pop, uint32_t out_pop, ss_feedback fb,
                        uint32_t proj, uint64_t seed, ss_error *err);

/* Replace the fixed feedback matrix of hidden layer `pop` (random or
 * uniform mode) by B (row-major [n_hidden x n_out], copied), e.g. one read
 * from a file. */
int ss_learn_set_feedback(ss_learn *l, uint32_t pop, const double *B, ss_error *err);

/* Eligibility delay alignment of layer `pop` (an output or hidden layer;
 * paper-spec §2.4, event-driven.md §3.9d): the reference code pairs the
 * layer's error e(t) with the eligibility lambda(t - D).  With D > 0 the
 * window integral of every plastic synapse s into `pop` becomes
 *     G_s = int_{t0}^{t1} e_i(t) lambda_s(t - D) dt
 *         = int_{t0-D}^{t1-D} e_i(u + D) lambda_s(u) du,
 * i.e. the sweep runs over the eligibility interval [t0 - D, t1 - D) with
 * the error events shifted earlier by D.  Every error event of [t0, t1) is
 * known at t1, so this is exact (no deferral, nothing dropped): the
 * learner keeps each neuron's log records of [t1 - D, t1) and its state at
 * t1 - D for the next window, and carries H_d, H_r and the PSP state at
 * t1 - D instead of t1.  lambda is taken as 0 before the learner's start
 * (ss_learn_start) and, in per-trial mode, before each trial's start: the
 * first window then integrates over [t0 + D, t1) only.  D = 0 (the
 * default) gives the unaligned results bit for bit.  Needs 0 <= D < the
 * window length (checked at every window); call before ss_learn_start (or
 * ss_learn_resume).  The error-dependent regularizer integral of an
 * aligned layer uses the same shifted interval and pairing. */
int ss_learn_set_align(ss_learn *l, uint32_t pop, double D_ms, ss_error *err);

/* Make projection `proj` plastic: its post population must be an output or
 * hidden layer.  Gradients are computed for plastic synapses only. */
int ss_learn_add_plastic(ss_learn *l, uint32_t proj, ss_error *err);

/* Prepare the engine (PSP traces, window log) and take the state at the
 * engine's current time as the first window start. */
int ss_learn_start(ss_learn *l, ss_engine *e, ss_error *err);

/* Close the window [t0, t1 = engine time): compute G for every plastic
 * synapse from the window log, update the carried state, and open the next
 * window (in per-trial mode: reset the engine and all traces at t1).  The
 * engine must have been run to t1 since the previous call. */
int ss_learn_window(ss_learn *l, ss_engine *e, ss_error *err);

/* Save the learner's carried state (sections lrn.*) at a window edge;
 * ss_learn_resume is ss_learn_start for an engine restored from the same
 * checkpoint: it re-opens the window log and restores the carried state. */
int ss_learn_save(const ss_learn *l, ss_ckpt_writer *w, ss_error *err);
int ss_learn_resume(ss_learn *l, ss_engine *e, const ss_ckpt *ck, ss_error *err);

/* Heterosynaptic regularizer support (paper §3.3.7): every neuron keeps a
 * trace z (+1 at its spikes, decay tau_het, no delay); each window the
 * learner integrates Z_i = int_window z_i(t)^a dt exactly (a >= 0; a = 0
 * gives the window length).  The trainer turns it into the term
 * -rho w_s Z_i of the plastic synapses of regularized projections. */
int ss_learn_set_het(ss_learn *l, double tau_het, double a, ss_error *err);
const double *ss_learn_het_integral(const ss_learn *l); /* [n_units], or NULL */

/* Error-dependent variant (paper-spec §2.8, eq. A.5; the reference code's
 * use_error_dependent_het_term): with on != 0 the window integral becomes
 *     Z_i = int_{t0}^{t1} z_i(t)^a e_i(t)^2 dt
 * (e_i in 1/ms: the neuron's own error for outputs, the feedback
 * sum_o B_io e_o of the window's B for hidden neurons), exact in closed form
 * between the neuron's spikes and error events for any real a >= 0.  Off
 * by default; takes effect with ss_learn_set_het (either order) from the
 * next window on.  Always returns SS_OK. */
int ss_learn_set_het_error(ss_learn *l, int on, ss_error *err);

/* G of the last closed window, indexed by incoming slot (0 for synapses
 * that are not plastic). */
const double *ss_learn_gradient(const ss_learn *l);

/* The feedback matrix used by the last window for hidden layer `pop`:
 * row-major [n_hidden x n_out], or NULL. */
const double *ss_learn_feedback(const ss_learn *l, uint32_t pop);

/* The cost of the outputs, integrated exactly from their error traces:
 * *window = (1/T) int_{t0}^{t1} m(t) dt of the last window and *moving =
 * the bias-corrected moving average (1/tau) int e^{-(t1-s)/tau} m(s) ds /
 * (1 - e^{-(t1-t_start)/tau}) with tau = cost_tau, where m(t) is the mean
 * over output neurons of e_i(t)^2 (e in 1/ms).  The reference code reports
 * 1.2e5 ms^2 x these values with unit-area alpha (paper-spec §2.12). */
void ss_learn_cost(const ss_learn *l, double *window, double *moving);

/* Work counters: pieces and quadrature nodes evaluated so far; cut_crossings:
 * breakpoints put where U crossed u_cut (SS_SURR_REFERENCE; not saved in
 * checkpoints). */
typedef struct ss_learn_stats {
  uint64_t windows, pieces, nodes, arrivals, err_events;
  uint64_t cut_crossings;
} ss_learn_stats;

/* The times in (0, L) where the free (non-refractory) trajectory of a
 * neuron with parameters p starting from (v0, I0) (v = U - U_rest) crosses
 * v_cut, ascending, into t[0..n-1]; returns n (0, 1 or 2: v has at most one
 * extremum).  The extremum is bracketed first, then each monotone part is
 * solved with safeguarded Newton (bisection fallback) to about 1e-13 ms.
 * This is what the sweep uses for the u_cut breakpoints (v_cut = u_cut -
 * u_rest). */
int ss_learn_cut_crossings(const ss_lif_params *p, double v0, double I0, double L, double v_cut, double t[2]);
const ss_learn_stats *ss_learn_get_stats(const ss_learn *l);

/* The error events of the last closed window, grouped by neuron (ascending
 * global id) and in time order within a neuron; *n gets their number.
 * Valid until the next ss_learn_window. */
const ss_err_rec *ss_learn_errors(const ss_learn *l, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
