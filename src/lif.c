/* lif.c - current-based LIF neuron: exact, cancellation-free propagator
 * (event-driven.md §2.1) and exact prediction of the next upward threshold
 * crossing (§2.2-2.4): sign test, cheap bound, analytic peak, then Brette's
 * closed form when tau_syn = tau_mem/2 or monotone Newton from the left on
 * the bracket [0, t*] with an Illinois fallback near grazing. */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "superspike/lif.h"

/* ------------------------------------------------------------ parameters */

/* log1p(x)/x for x > -1, with the limit 1 at x = 0. */
static double log1p_over_x(double x) { return x == 0.0 ? 1.0 : log1p(x) / x; }

/* Peak time of the unit PSP, ln(tm/ts)/(1/ts - 1/tm), written as
 * tm * log1p(d/ts)/(d/ts) with d = tm - ts so that it is accurate (and equal
 * to tm) as ts -> tm. */
static double psp_peak_time(double tm, double ts) {
  return tm * log1p_over_x((tm - ts) / ts);
}

static int check_finite(const char *name, double x, const char *unit, ss_error *err) {
  if (isfinite(x)) return SS_OK;
  return ss_error_set(err, SS_EINVAL, "%s must be a finite number (got %g %s)", name, x,
                      unit);
}

int ss_lif_params_init(ss_lif_params *p, ss_error *err) {
  int rc;
  if (!p) return ss_error_set(err, SS_EINVAL, "LIF parameters: NULL pointer");
  if ((rc = check_finite("tau_mem", p->tau_mem, "ms", err)) ||
      (rc = check_finite("tau_syn", p->tau_syn, "ms", err)) ||
      (rc = check_finite("u_rest", p->u_rest, "mV", err)) ||
      (rc = check_finite("theta", p->theta, "mV", err)) ||
      (rc = check_finite("t_ref", p->t_ref, "ms", err)))
    return rc;
  if (!(p->tau_mem > 0.0))
    return ss_error_set(err, SS_EINVAL, "tau_mem must be > 0 (got %g ms)", p->tau_mem);
  if (!(p->tau_syn > 0.0))
    return ss_error_set(err, SS_EINVAL, "tau_syn must be > 0 (got %g ms)", p->tau_syn);
  if (!(p->t_ref >= 0.0))
    return ss_error_set(err, SS_EINVAL, "t_ref must be >= 0 (got %g ms)", p->t_ref);
  if (!(p->theta > p->u_rest))
    return ss_error_set(err, SS_EINVAL, "theta must be > u_rest (got theta %g mV, u_rest %g mV)",
                        p->theta, p->u_rest);

  const double tm = p->tau_mem, ts = p->tau_syn, d = tm - ts;
  const double thp = p->theta - p->u_rest;
  const double inv_tm = 1.0 / tm, inv_ts = 1.0 / ts;
  /* kappa = 1/ts - 1/tm computed as (tm - ts)/(tm ts): tm - ts is exact when
   * the taus are close, so kappa keeps full relative accuracy. */
  const double kappa = d / (tm * ts);
  if (!isfinite(thp) || !isfinite(inv_tm) || !isfinite(inv_ts) || !isfinite(kappa) ||
      !(thp > 0.0))
    return ss_error_set(err, SS_EINVAL,
                        "LIF parameters out of range (tau_mem %g ms, tau_syn %g ms, "
                        "theta - u_rest %g mV)",
                        tm, ts, thp);

  p->thp = thp;
  p->kappa = kappa;
  p->quadratic = (ts * 2.0 == tm);
  p->inv_tau_mem = inv_tm;
  p->inv_tau_syn = inv_ts;
  p->inv_tau_slow = ts > tm ? inv_ts : inv_tm;
  p->kappa_abs = fabs(kappa);
  /* tau_syn/|tau_mem - tau_syn| = 1/(|kappa| tau_mem) (no cancellation). */
  p->p21_scale = kappa == 0.0 ? 0.0 : ts / fabs(d);
  p->syn_slower = ts > tm;
  p->eps_peak = ss_lif_p21(p, psp_peak_time(tm, ts));
  return SS_OK;
}

void ss_lif_params_default(ss_lif_params *p) {
  p->tau_mem = 10.0;
  p->tau_syn = 5.0;
  p->u_rest = -60.0;
  p->theta = -50.0;
  p->t_ref = 5.0;
  (void)ss_lif_params_init(p, NULL);
}

/* ------------------------------------------------------------ propagator */

double ss_lif_p21(const ss_lif_params *p, double h) { return ss_lif_p21_inline(p, h); }

void ss_lif_propagate(const ss_lif_params *p, double h, double *v, double *I) {
  ss_lif_propagate_inline(p, h, v, I);
}

/* ------------------------------------------------------------ prediction */

/* v(t) and I(t) of the free dynamics from (v0, I0); returns v(t). */
static inline double eval_vI(const ss_lif_params *p, double v0, double I0, double t,
                             double *vt, double *It) {
  double em, es, p21;
  ss_lif_prop_coeffs(p, t, &em, &es, &p21);
  *It = I0 * es;
  return *vt = v0 * em + I0 * p21;
}

/* f(t) = v(t) - thp. */
static double eval_f(const ss_lif_params *p, double v0, double I0, double t) {
  double vt, It;
  return eval_vI(p, v0, I0, t, &vt, &It) - p->thp;
}

/* Illinois (modified regula falsi) on [a, b] with f(a) < 0 <= f(b); used
 * only near grazing, where Newton converges linearly.  Returns a point within
 * tol_v / v' of the root; when the bracket collapses it returns its left end,
 * a lower bound of the root. */
static double illinois(const ss_lif_params *p, double v0, double I0, double a, double fa,
                       double b, double tol_v, unsigned long long *iters) {
  double fb = eval_f(p, v0, I0, b);
  if (fb < 0.0) return b; /* peak below threshold by roundoff: grazing */
  int side = 0;
  for (int k = 0; k < 200; ++k) {
    if (b - a <= 4.0 * DBL_EPSILON * fmax(1.0, b)) break;
    double c = a - fa * ((b - a) / (fb - fa));
    if (!(c > a && c < b)) c = 0.5 * (a + b);
    double fc = eval_f(p, v0, I0, c);
    ++*iters;
    if (fc < 0.0) {
      if (fc >= -tol_v) return c;
      a = c;
      fa = fc;
      if (side == -1) fb *= 0.5;
      side = -1;
    } else {
      if (fc <= tol_v) return c;
      b = c;
      fb = fc;
      if (side == +1) fa *= 0.5;
      side = +1;
    }
  }
  return a;
}

/* General path (§2.3): analytic peak, then monotone Newton from the left. */
static double predict_general(const ss_lif_params *p, double v0, double I0, ss_lif_stats *st) {
  const double tm = p->tau_mem, ts = p->tau_syn, thp = p->thp;
  const double d = tm - ts, dvi = I0 - v0; /* dvi > 0 */
  /* F3: the maximum of v is at t* = ln(tm I0/den)/kappa; written with
   * x = tm I0/den - 1 = d (I0 - v0)/den as t* = tm ts (I0 - v0)/den *
   * log1p(x)/x, which is exact for equal taus and cancellation-free. */
  const double den = d * v0 + ts * I0;
  if (!(den > 0.0)) { /* no maximum: v stays below 0 */
    if (st) st->rejected_peak++;
    return INFINITY;
  }
  const double q = dvi / den;
  const double tstar = tm * ts * q * log1p_over_x(d * q);
  const double vstar = I0 * exp(-tstar * p->inv_tau_syn); /* at the peak v = I */
  if (vstar < thp) {
    if (st) st->rejected_peak++;
    return INFINITY;
  }
  if (st) st->solved++;

  /* Newton from the left: f = v - thp is increasing and concave on [0, t*],
   * so every iterate is a lower bound of the root (§2.3). */
  /* stop when |f| is at the roundoff level of v itself: a looser tolerance
   * (8 eps) made grazing crossings 20x less accurate (3e-9 vs 1.4e-10 ms) */
  const double tol_v = DBL_EPSILON * (fabs(v0) + I0 * p->eps_peak + thp);
  const double tol_t = 1e-14 * fmax(1.0, tstar);
  const double inv_tm = p->inv_tau_mem, inv_ts = p->inv_tau_syn;
  double t = 0.0, v = v0, I = I0, f = v0 - thp;
  unsigned long long it = 0;
  for (;;) {
    const double fp = (I - v) * inv_tm; /* v' = (I - v)/tm */
    if (!(fp > 0.0)) break;             /* at the peak (roundoff) */
    const double dt = -f / fp;
    double tn = t + dt;
    if (tn >= tstar) {
      tn = tstar;
    } else {
      /* f'' < 0 and |f''| is largest at t on [t, t*] (I and v' decrease), so
       * the tangent step undershoots the root by about |f''| dt^2 / (2 f')
       * or less: when that is negligible, accept tn without evaluating f. */
      const double M = (I * inv_ts + fp) * inv_tm;
      if (M * dt < 0.01 * fp && M * dt * dt < 2.0 * tol_t * fp) {
        t = tn;
        ++it;
        break;
      }
    }
    if (tn - t <= 2.0 * DBL_EPSILON * fmax(1.0, tn)) {
      t = tn;
      break;
    }
    const double f_old = f;
    t = tn;
    f = eval_vI(p, v0, I0, t, &v, &I) - thp;
    ++it;
    if (f >= -tol_v || it >= 60) break;
    if (it >= 8 && f_old > -1e-7 * thp) { /* double root: linear convergence */
      if (st) st->fallbacks++;
      t = illinois(p, v0, I0, t, f, tstar, tol_v, &it);
      break;
    }
  }
  if (st) st->newton_iters += it;
  return t;
}

static inline double predict_impl(const ss_lif_params *p, double v0, double I0,
                                  ss_lif_stats *st, int closed_form) {
  const double thp = p->thp;
  if (st) st->calls++;
  if (v0 >= thp) { /* already at threshold: fire now */
    if (st) st->solved++;
    return 0.0;
  }
  if (!(I0 > 0.0) || !(I0 > v0)) { /* F1, F2: v never rises above max(v0, 0) */
    if (st) st->rejected_sign++;
    return INFINITY;
  }
  if (fmax(v0, 0.0) + I0 * p->eps_peak < thp) { /* cheap bound, no exp */
    if (st) st->rejected_bound++;
    return INFINITY;
  }
  if (closed_form && p->quadratic) {
    /* §2.4: x = e^{-t/tm}, v = A x - I0 x^2.  A spike needs A > 0 and
     * D >= 0 (I0 > v0 is already known).  The first crossing is the larger
     * root x+ = (A + sqrt D)/(2 I0), t = tm ln(1/x+), computed as
     *   tm log1p(4 I0 (thp - v0) / ((I0 - v0 + sqrt D)(A + sqrt D)))
     * using (I0 - v0)^2 - D = 4 I0 (thp - v0): no cancellation, and
     * relatively accurate even for crossings that are very close. */
    const double A = v0 + I0;
    const double D = A * A - 4.0 * I0 * thp;
    if (!(A > 0.0) || D < 0.0) {
      if (st) st->rejected_peak++;
      return INFINITY;
    }
    const double sD = sqrt(D);
    if (st) st->solved++;
    return p->tau_mem * log1p(4.0 * I0 * (thp - v0) / ((I0 - v0 + sD) * (A + sD)));
  }
  return predict_general(p, v0, I0, st);
}

double ss_lif_predict_stats(const ss_lif_params *p, double v, double I, ss_lif_stats *st) {
  return predict_impl(p, v, I, st, 1);
}

double ss_lif_predict(const ss_lif_params *p, double v, double I) {
  return predict_impl(p, v, I, NULL, 1);
}

double ss_lif_predict_newton(const ss_lif_params *p, double v, double I) {
  return predict_impl(p, v, I, NULL, 0);
}

double ss_lif_predict_newton_stats(const ss_lif_params *p, double v, double I,
                                   ss_lif_stats *st) {
  return predict_impl(p, v, I, st, 0);
}
