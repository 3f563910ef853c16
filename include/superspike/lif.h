/* lif.h - current-based leaky integrate-and-fire neuron: exact propagation
 * between events and exact prediction of the next threshold crossing.
 *
 * Units: time in ms, voltage in mV.  The state is (v, I) with v = U - U_rest
 * the depolarisation and I the synaptic current in mV:
 *     tau_mem dv/dt = -v + I,     tau_syn dI/dt = -I,
 * an arriving spike of weight w makes I jump by w; the neuron fires when v
 * reaches theta' = theta - U_rest from below, then v is clamped to 0 for
 * t_ref (I keeps decaying and receiving input).  See event-driven.md §2. */
#ifndef SUPERSPIKE_LIF_H
#define SUPERSPIKE_LIF_H

#include <math.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_lif_params {
  /* user parameters */
  double tau_mem; /* membrane time constant (ms), > 0 */
  double tau_syn; /* synaptic time constant (ms), > 0 */
  double u_rest;  /* resting and reset potential (mV) */
  double theta;   /* threshold (mV), > u_rest */
  double t_ref;   /* absolute refractory period (ms), >= 0 */
  /* derived by ss_lif_params_init; do not set */
  double thp;      /* theta - u_rest (mV) */
  double kappa;    /* 1/tau_syn - 1/tau_mem (1/ms) */
  double eps_peak; /* max over h of P21(h): peak of the unit PSP */
  int quadratic;   /* 1 if tau_syn == tau_mem / 2 exactly (Brette 2007) */
  /* derived constants of the propagator (ss_lif_params_init; do not set) */
  double inv_tau_mem;  /* 1/tau_mem (1/ms) */
  double inv_tau_syn;  /* 1/tau_syn (1/ms) */
  double inv_tau_slow; /* 1/max(tau_mem, tau_syn) (1/ms) */
  double kappa_abs;    /* |kappa| (1/ms) */
  double p21_scale;    /* tau_syn/|tau_mem - tau_syn|, 0 if the taus are equal */
  int syn_slower;      /* 1 if tau_syn > tau_mem */
} ss_lif_params;

/* Fill p with the paper's defaults (tau_mem 10 ms, tau_syn 5 ms, rest -60 mV,
 * theta -50 mV, t_ref 5 ms) and compute the derived fields. */
void ss_lif_params_default(ss_lif_params *p);

/* Validate the user fields and compute the derived ones.  Rejects NaN,
 * tau <= 0, t_ref < 0 and theta <= u_rest with SS_EINVAL. */
int ss_lif_params_init(ss_lif_params *p, ss_error *err);

/* P21(h): response of v to a unit jump of I after h >= 0 ms (the PSP
 * kernel), tau_syn/(tau_mem - tau_syn) (e^{-h/tau_mem} - e^{-h/tau_syn}),
 * evaluated without cancellation for every ratio, including equal taus. */
double ss_lif_p21(const ss_lif_params *p, double h);

/* Advance (v, I) exactly by h >= 0 ms of free (non-refractory) dynamics. */
void ss_lif_propagate(const ss_lif_params *p, double h, double *v, double *I);

/* e = e^{-x} and m1 = e - 1 for x >= 0, both to full relative accuracy
 * with one transcendental call: expm1 for x < ln 2 (then 1 + m1 is in
 * [1/2, 1]), exp otherwise (then e - 1 is exact or has a relative error
 * <= eps). */
static inline void ss_lif_exp_expm1(double x, double *e, double *m1) {
  if (x < 0.6931471805599453) {
    *m1 = expm1(-x);
    *e = 1.0 + *m1;
  } else {
    *e = exp(-x);
    *m1 = *e - 1.0;
  }
}

/* The propagator over h >= 0 ms: e_mem = e^{-h/tau_mem}, e_syn =
 * e^{-h/tau_syn} and P21(h), for an initialised p.  With s the slower and f
 * the faster of the two decays, s is one exp, f = s e^{-|kappa| h} and
 * P21 = tau_syn/|tau_mem - tau_syn| s (-expm1(-|kappa| h)), which is
 * (h/tau_mem) s phi(|kappa| h) of event-driven.md §2.1 without the division
 * (no cancellation, no overflow for any ratio).  Equal taus: P21 = (h/tau_m)
 * e_mem.  tau_syn = tau_mem/2: one transcendental call, e_syn = e_mem^2,
 * P21 = e_mem - e_syn = -expm1(-h/tau_mem) e_mem.  Relative error a few ulp. */
static inline void ss_lif_prop_coeffs(const ss_lif_params *p, double h, double *e_mem,
                                      double *e_syn, double *p21) {
  if (p->quadratic) {
    double em, m1;
    ss_lif_exp_expm1(h * p->inv_tau_mem, &em, &m1);
    *e_mem = em;
    *e_syn = em * em;
    *p21 = -m1 * em;
  } else if (p->kappa_abs == 0.0) {
    const double em = exp(-h * p->inv_tau_mem);
    *e_mem = em;
    *e_syn = em;
    *p21 = h * p->inv_tau_mem * em;
  } else {
    double ek, m1;
    const double slow = exp(-h * p->inv_tau_slow);
    ss_lif_exp_expm1(h * p->kappa_abs, &ek, &m1);
    const double fast = slow * ek;
    *p21 = -m1 * slow * p->p21_scale;
    *e_mem = p->syn_slower ? fast : slow;
    *e_syn = p->syn_slower ? slow : fast;
  }
}

/* Inline versions of ss_lif_p21 and ss_lif_propagate for hot loops in
 * other translation units (same results). */
static inline double ss_lif_p21_inline(const ss_lif_params *p, double h) {
  double em, es, p21;
  ss_lif_prop_coeffs(p, h, &em, &es, &p21);
  return p21;
}
static inline void ss_lif_propagate_inline(const ss_lif_params *p, double h, double *v,
                                           double *I) {
  double em, es, p21;
  ss_lif_prop_coeffs(p, h, &em, &es, &p21);
  *v = em * *v + p21 * *I;
  *I = es * *I;
}

/* Time to the next upward threshold crossing of the free dynamics starting
 * at (v, I) with v < thp, or INFINITY if there is none.  The result is never
 * later than the true crossing (monotone Newton from the left on the analytic
 * bracket [0, t*], Illinois near grazing; closed-form quadratic when
 * p->quadratic).  If v >= thp already, returns 0. */
double ss_lif_predict(const ss_lif_params *p, double v, double I);

/* The same prediction forced through the general (Newton/Illinois) path,
 * whatever the ratio; used to cross-check the quadratic. */
double ss_lif_predict_newton(const ss_lif_params *p, double v, double I);

/* Counters of how predictions were decided (for benchmarks and tests).
 * calls = rejected_sign + rejected_bound + rejected_peak + solved; a call
 * with v >= thp counts as solved (0 iterations).  newton_iters counts
 * evaluations of v(t) in the general path (Newton and Illinois), fallbacks
 * the hand-overs to Illinois. */
typedef struct ss_lif_stats {
  unsigned long long calls, rejected_sign, rejected_bound, rejected_peak,
      solved, newton_iters, fallbacks;
} ss_lif_stats;

/* ss_lif_predict, adding its decision to *st (st may be NULL). */
double ss_lif_predict_stats(const ss_lif_params *p, double v, double I, ss_lif_stats *st);

/* ss_lif_predict_newton, adding its decision to *st (st may be NULL). */
double ss_lif_predict_newton_stats(const ss_lif_params *p, double v, double I,
                                   ss_lif_stats *st);

#ifdef __cplusplus
}
#endif
#endif
