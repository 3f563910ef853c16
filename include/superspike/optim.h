/* optim.h - per-synapse optimizers applied once per update window:
 * RMaxProp (the paper's default), RMSprop and a fixed learning rate, with
 * hard weight bounds, a learning-rate schedule, a burn-in period and a
 * learning switch (paper-spec.md §2.6-2.8, event-driven.md §1.4).
 *
 * One ss_optim handles one parameter group (one projection: the caller keeps
 * one optimizer per projection, each with its own r0) of n synapses.  At the
 * end of every window [t - t_window, t) the caller passes the raw window
 * integrals G[i] of the gradient; the optimizer forms the window average
 * g = (G + reg) / t_window (as the reference code, m / 5000) and
 *     RMAXPROP:  v <- max(gamma v, g^2),              dw = r0 g / (sqrt(v) + eps)
 *     RMSPROP:   v <- gamma v + (1 - gamma) g^2,       dw = r0 g / (sqrt(v) + eps)
 *     FIXED:     v unused,                             dw = r0 g
 * with gamma = exp(-t_window / tau_rms) and r0 the scheduled rate at t, then
 * w <- clip(w + dw, w_min, w_max).  Under RMAXPROP every step has
 * |dw| <= r0, and a synapse whose g^2 is the largest seen (after decay)
 * moves by r0 (1 - O(eps/|g|)).
 *
 * Units.  Times (tau_rms, t_window, t_burn, schedule times, t) are in ms by
 * the library's convention; since only t_window/tau_rms and comparisons of
 * times enter, any one consistent time unit works, provided G was
 * integrated over the same unit as t_window.  Weights, w_min, w_max and r0
 * (under RMAXPROP/RMSPROP r0 is a weight step) are in the caller's weight
 * unit: mV inside superspike (the paper's values are in V; both are given
 * below).  eps is in the unit of g; under FIXED r0 has the unit weight / g.
 *
 * The step never allocates and is deterministic (one pass in index order). */
#ifndef SUPERSPIKE_OPTIM_H
#define SUPERSPIKE_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Paper / reference-code defaults (paper-spec.md §0.1, §2.6-2.7). */
#define SS_OPTIM_R0_V 1e-3          /* r0 with weights in V */
#define SS_OPTIM_R0_MV 1.0          /* the same r0 with weights in mV */
#define SS_OPTIM_WMAX_V 0.1         /* weight bounds [-WMAX, WMAX] in V */
#define SS_OPTIM_WMAX_MV 100.0      /* the same bounds in mV */
#define SS_OPTIM_TAU_RMS_MS 30000.0 /* tau_rms = 30 s */
#define SS_OPTIM_EPS 1e-12          /* eps of the run scripts */
#define SS_OPTIM_T_WINDOW_MS 500.0  /* update window t_b = 0.5 s */
#define SS_OPTIM_SCHED_FACTOR 10.0  /* default divisor of the schedule */

typedef enum ss_optim_kind {
  SS_OPTIM_RMAXPROP = 0, /* v <- max(gamma v, g^2) (default) */
  SS_OPTIM_RMSPROP = 1,  /* v <- gamma v + (1 - gamma) g^2 */
  SS_OPTIM_FIXED = 2     /* dw = r0 g, v untouched */
} ss_optim_kind;

typedef struct ss_optim_params {
  ss_optim_kind kind;
  double r0;       /* base learning rate, finite, >= 0 (see Units above) */
  double tau_rms;  /* decay time of v (ms), finite, > 0 */
  double eps;      /* added to sqrt(v), finite, >= 0 (unit of g) */
  double t_window; /* window length t_b (ms), finite, > 0 */
  double w_min;    /* lower weight bound (caller's unit); -INFINITY = none */
  double w_max;    /* upper weight bound, >= w_min;      +INFINITY = none */
  double t_burn;   /* windows ending at t < t_burn update v but not w (ms);
                      finite or -INFINITY */
  int learning;    /* initial value of the learning switch (0 = off) */
  /* Learning-rate schedule: at each time sched_t[k] (ms, finite,
   * non-decreasing) r0 is divided by sched_factor[k] (finite, > 0; NULL
   * means SS_OPTIM_SCHED_FACTOR for every entry).  Entries with
   * sched_t[k] <= t are in effect at time t.  sched_absolute = 0: the
   * divisions accumulate, r0(t) = r0 / f_0 / f_1 / ... (the paper, "÷10 at
   * each dotted line"); sched_absolute = 1: r0(t) = r0 / f_k of the latest
   * entry in effect only (the reference code's repeated "eta/10").  The
   * arrays are copied by ss_optim_create. */
  size_t n_sched;
  const double *sched_t;
  const double *sched_factor;
  int sched_absolute;
} ss_optim_params;

/* Fill p with the paper's defaults in the library's units (ms, mV): RMAXPROP,
 * r0 = 1 mV, tau_rms = 30000 ms, eps = 1e-12, t_window = 500 ms, bounds
 * [-100, 100] mV, t_burn = 0, learning on, empty schedule (cumulative).
 * A caller working in V sets r0 = SS_OPTIM_R0_V and w_max = -w_min =
 * SS_OPTIM_WMAX_V. */
void ss_optim_params_default(ss_optim_params *p);

/* Validate p.  Returns SS_OK, or SS_EINVAL with a message naming the first
 * offending parameter ("r0", "tau_rms", "eps", "t_window", "w_min", "w_max",
 * "t_burn", "kind", "sched_t[k]", "sched_factor[k]") and its value.  NaN is
 * rejected everywhere. */
int ss_optim_params_check(const ss_optim_params *p, ss_error *err);

/* Name of a kind ("rmaxprop", "rmsprop", "fixed"; "?" if invalid). */
const char *ss_optim_kind_name(ss_optim_kind kind);

/* Parse a kind name (exact, lower case as above) into *kind.  SS_EINVAL with
 * a message listing the accepted names if s is unknown or NULL. */
int ss_optim_kind_parse(const char *s, ss_optim_kind *kind, ss_error *err);

typedef struct ss_optim ss_optim;

/* Create an optimizer for n synapses (n may be 0) with v = 0 and the initial
 * scalar state (see ss_optim_state).  p is validated (ss_optim_params_check)
 * and copied, schedule included.  Returns NULL on failure (SS_EINVAL,
 * SS_ENOMEM) with err filled.  Free with ss_optim_destroy. */
ss_optim *ss_optim_create(const ss_optim_params *p, size_t n, ss_error *err);

/* Free o and everything it owns; NULL is a no-op. */
void ss_optim_destroy(ss_optim *o);

/* Statistics of one step (filled by ss_optim_step). */
typedef struct ss_optim_stats {
  size_t n;           /* synapses processed */
  int applied;        /* 1 if weights were updated (learning on, t >= t_burn) */
  double r0;          /* effective r0 used (the schedule's value at t) */
  double mean_abs_dw; /* mean of |w_after - w_before| (after clipping), 0 if n = 0 */
  double max_abs_dw;  /* max of |w_after - w_before| */
  size_t n_clipped;   /* synapses whose w + dw fell outside [w_min, w_max] */
} ss_optim_stats;

/* Apply the update of the window that ends at time t (ms) to the n synapses
 * of o: w[n] weights (updated in place), G[n] the gradient integrals over the
 * window, reg[n] an optional term added to G (the signed integral of the
 * regularizer, e.g. -rho * integral of w z^a for paper-spec §2.8; NULL for
 * none).  v is always updated (also during burn-in and with learning off, as
 * the reference code does); w changes only if learning is on and
 * t >= t_burn, and is then clipped to [w_min, w_max] (every synapse, also
 * those with dw = 0).  st may be NULL.
 * Errors, leaving w, v and the state untouched: SS_EINVAL if o, w or G is
 * NULL (with n > 0), if t is not finite or t <= the time of the previous
 * step; SS_ERANGE if some g = (G[i] + reg[i]) / t_window or w[i] is not
 * finite (the message names the first such index).  Gradients with
 * |g| > ~1e154 (g^2 overflows) give dw = 0 under RMAXPROP/RMSPROP.
 * No allocation. */
int ss_optim_step(ss_optim *o, double t, double *w, const double *G, const double *reg,
                  ss_optim_stats *st, ss_error *err);

/* Effective learning rate at time t (ms) from r0 and the schedule (see
 * ss_optim_params). */
double ss_optim_r0_at(const ss_optim *o, double t);

/* gamma = exp(-t_window / tau_rms), the per-window decay of v. */
double ss_optim_gamma(const ss_optim *o);

/* Number of synapses n. */
size_t ss_optim_size(const ss_optim *o);

/* The validated parameters (the schedule pointers point to o's copies,
 * valid until ss_optim_destroy). */
const ss_optim_params *ss_optim_params_get(const ss_optim *o);

/* Learning switch: on != 0 enables weight updates (subject to burn-in). */
void ss_optim_set_learning(ss_optim *o, int on);
int ss_optim_learning(const ss_optim *o);

/* ---------------------------------------------------------- checkpoints
 * The complete mutable state of an optimizer is: the array v[n] (read with
 * ss_optim_v, write with ss_optim_set_v) and the scalars in ss_optim_state
 * (ss_optim_get_state / ss_optim_set_state).  The parameters are not state:
 * re-create the optimizer from the same ss_optim_params (config), then set
 * the state.  Saving these doubles as bits (e.g. %a or binary) restores a
 * run that continues bit-exactly. */

typedef struct ss_optim_state {
  double t_last;      /* time of the last step (ms); -INFINITY before the first */
  double r0_eff;      /* r0 used by the last step (= ss_optim_r0_at(t_last));
                         r0 before the first step.  Recomputed by each step,
                         kept for reporting */
  uint64_t n_windows; /* number of steps done */
  int learning;       /* the learning switch */
} ss_optim_state;

/* Copy the scalar state to *s. */
void ss_optim_get_state(const ss_optim *o, ss_optim_state *s);

/* Restore the scalar state.  SS_EINVAL if t_last is NaN or +INFINITY or
 * r0_eff is not finite and >= 0 (o is then unchanged). */
int ss_optim_set_state(ss_optim *o, const ss_optim_state *s, ss_error *err);

/* The second-moment estimates v[n] (read only; valid until destroy). */
const double *ss_optim_v(const ss_optim *o);

/* Overwrite v with v_in[n] (n must equal ss_optim_size).  SS_EINVAL if n
 * differs or some value is not finite and >= 0 (o is then unchanged). */
int ss_optim_set_v(ss_optim *o, const double *v_in, size_t n, ss_error *err);

/* Back to the state after ss_optim_create: v = 0, t_last = -INFINITY,
 * r0_eff = r0, n_windows = 0, learning = params.learning. */
void ss_optim_reset(ss_optim *o);

#ifdef __cplusplus
}
#endif
#endif
