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

/* Time to the next upward threshold crossing of the free dynamics starting
 * at (v, I) with v < thp, or INFINITY if there is none.  The result is never
 * later than the true crossing (monotone Newton from the left on the analytic
 * bracket [0, t*], Illinois near grazing; closed-form quadratic when
 * p->quadratic).  If v >= thp already, returns 0. */
double ss_lif_predict(const ss_lif_params *p, double v, double I);

/* The same prediction forced through the general (Newton/Illinois) path,
 * whatever the ratio; used to cross-check the quadratic. */
double ss_lif_predict_newton(const ss_lif_params *p, double v, double I);

/* Counters of how predictions were decided (for benchmarks and tests). */
typedef struct ss_lif_stats {
  unsigned long long calls, rejected_sign, rejected_bound, rejected_peak,
      solved, newton_iters, fallbacks;
} ss_lif_stats;

#ifdef __cplusplus
}
#endif
#endif
