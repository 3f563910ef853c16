/* optim.c - per-synapse optimizers applied once per update window (optim.h):
 * RMaxProp v <- max(gamma v, g^2), RMSprop and fixed rate, clipping to hard
 * bounds, learning-rate schedule, burn-in (paper-spec.md §2.6-2.7,
 * event-driven.md §1.4; reference order: g = m / t_b, v, then w). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "superspike/optim.h"

struct ss_optim {
  ss_optim_params p; /* validated copy; schedule points into sched_t/f */
  size_t n;
  double *v;           /* [n] second-moment estimates */
  double *sched_t;     /* [n_sched] */
  double *sched_f;     /* [n_sched] */
  double gamma;        /* exp(-t_window/tau_rms) */
  double one_m_gamma;  /* 1 - gamma, without cancellation */
  double inv_t_window; /* 1/t_window */
  ss_optim_state st;
};

/* ------------------------------------------------------------ parameters */

void ss_optim_params_default(ss_optim_params *p) {
  memset(p, 0, sizeof *p);
  p->kind = SS_OPTIM_RMAXPROP;
  p->r0 = SS_OPTIM_R0_MV;
  p->tau_rms = SS_OPTIM_TAU_RMS_MS;
  p->eps = SS_OPTIM_EPS;
  p->t_window = SS_OPTIM_T_WINDOW_MS;
  p->w_min = -SS_OPTIM_WMAX_MV;
  p->w_max = SS_OPTIM_WMAX_MV;
  p->t_burn = 0.0;
  p->learning = 1;
  p->n_sched = 0;
  p->sched_t = NULL;
  p->sched_factor = NULL;
  p->sched_absolute = 0;
}

int ss_optim_params_check(const ss_optim_params *p, ss_error *err) {
  if (!p) return ss_error_set(err, SS_EINVAL, "optimizer parameters: NULL pointer");
  if (p->kind != SS_OPTIM_RMAXPROP && p->kind != SS_OPTIM_RMSPROP &&
      p->kind != SS_OPTIM_FIXED)
    return ss_error_set(err, SS_EINVAL,
                        "kind must be rmaxprop, rmsprop or fixed (got value %d)", (int)p->kind);
  if (!(isfinite(p->r0) && p->r0 >= 0.0))
    return ss_error_set(err, SS_EINVAL, "r0 must be a finite number >= 0 (got %g)", p->r0);
  if (!(isfinite(p->tau_rms) && p->tau_rms > 0.0))
    return ss_error_set(err, SS_EINVAL, "tau_rms must be a finite number > 0 (got %g ms)",
                        p->tau_rms);
  if (!(isfinite(p->eps) && p->eps >= 0.0))
    return ss_error_set(err, SS_EINVAL, "eps must be a finite number >= 0 (got %g)", p->eps);
  if (!(isfinite(p->t_window) && p->t_window > 0.0))
    return ss_error_set(err, SS_EINVAL, "t_window must be a finite number > 0 (got %g ms)",
                        p->t_window);
  if (isnan(p->w_min) || p->w_min == INFINITY)
    return ss_error_set(err, SS_EINVAL, "w_min must be a number < +inf (got %g)", p->w_min);
  if (isnan(p->w_max) || p->w_max == -INFINITY)
    return ss_error_set(err, SS_EINVAL, "w_max must be a number > -inf (got %g)", p->w_max);
  if (!(p->w_min <= p->w_max))
    return ss_error_set(err, SS_EINVAL, "w_min must be <= w_max (got w_min %g, w_max %g)",
                        p->w_min, p->w_max);
  if (isnan(p->t_burn) || p->t_burn == INFINITY)
    return ss_error_set(err, SS_EINVAL, "t_burn must be finite or -inf (got %g ms)", p->t_burn);
  if (p->n_sched > 0 && !p->sched_t)
    return ss_error_set(err, SS_EINVAL, "sched_t: NULL with n_sched = %zu", p->n_sched);
  for (size_t k = 0; k < p->n_sched; ++k) {
    const double tk = p->sched_t[k];
    if (!isfinite(tk))
      return ss_error_set(err, SS_EINVAL, "sched_t[%zu] must be finite (got %g ms)", k, tk);
    if (k > 0 && !(tk >= p->sched_t[k - 1]))
      return ss_error_set(err, SS_EINVAL,
                          "sched_t[%zu] must be >= sched_t[%zu] (got %g ms after %g ms)", k,
                          k - 1, tk, p->sched_t[k - 1]);
    if (p->sched_factor) {
      const double f = p->sched_factor[k];
      if (!(isfinite(f) && f > 0.0))
        return ss_error_set(err, SS_EINVAL, "sched_factor[%zu] must be a finite number > 0 (got %g)",
                            k, f);
    }
  }
  return SS_OK;
}

const char *ss_optim_kind_name(ss_optim_kind kind) {
  switch (kind) {
    case SS_OPTIM_RMAXPROP: return "rmaxprop";
    case SS_OPTIM_RMSPROP: return "rmsprop";
    case SS_OPTIM_FIXED: return "fixed";
  }
  return "?";
}

int ss_optim_kind_parse(const char *s, ss_optim_kind *kind, ss_error *err) {
  static const ss_optim_kind kinds[] = {SS_OPTIM_RMAXPROP, SS_OPTIM_RMSPROP, SS_OPTIM_FIXED};
  if (s && kind)
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; ++k)
      if (strcmp(s, ss_optim_kind_name(kinds[k])) == 0) {
        *kind = kinds[k];
        return SS_OK;
      }
  return ss_error_set(err, SS_EINVAL, "optimizer kind must be rmaxprop, rmsprop or fixed (got '%s')",
                      s ? s : "(null)");
}

/* ------------------------------------------------------------ lifetime */

ss_optim *ss_optim_create(const ss_optim_params *p, size_t n, ss_error *err) {
  int rc = ss_optim_params_check(p, err);
  if (rc) return NULL;
  ss_optim *o = ss_calloc(1, sizeof *o);
  if (!o) {
    ss_error_set(err, SS_ENOMEM, "optimizer: out of memory");
    return NULL;
  }
  o->p = *p;
  o->n = n;
  o->v = ss_malloc_array(n, sizeof *o->v);
  o->sched_t = ss_malloc_array(p->n_sched, sizeof *o->sched_t);
  o->sched_f = ss_malloc_array(p->n_sched, sizeof *o->sched_f);
  if (!o->v || !o->sched_t || !o->sched_f) {
    ss_optim_destroy(o);
    ss_error_set(err, SS_ENOMEM, "optimizer: out of memory for %zu synapses", n);
    return NULL;
  }
  for (size_t k = 0; k < p->n_sched; ++k) {
    o->sched_t[k] = p->sched_t[k];
    o->sched_f[k] = p->sched_factor ? p->sched_factor[k] : SS_OPTIM_SCHED_FACTOR;
  }
  o->p.sched_t = o->sched_t;
  o->p.sched_factor = o->sched_f;
  const double x = p->t_window / p->tau_rms;
  o->gamma = exp(-x);
  o->one_m_gamma = -expm1(-x);
  o->inv_t_window = 1.0 / p->t_window;
  ss_optim_reset(o);
  return o;
}

void ss_optim_destroy(ss_optim *o) {
  if (!o) return;
  free(o->v);
  free(o->sched_t);
  free(o->sched_f);
  free(o);
}

void ss_optim_reset(ss_optim *o) {
  for (size_t i = 0; i < o->n; ++i) o->v[i] = 0.0;
  o->st.t_last = -INFINITY;
  o->st.r0_eff = o->p.r0;
  o->st.n_windows = 0;
  o->st.learning = o->p.learning != 0;
}

/* ------------------------------------------------------------ accessors */

double ss_optim_r0_at(const ss_optim *o, double t) {
  double r0 = o->p.r0;
  if (o->p.sched_absolute) {
    size_t last = o->p.n_sched; /* latest entry in effect, if any */
    for (size_t k = 0; k < o->p.n_sched && o->sched_t[k] <= t; ++k) last = k;
    if (last < o->p.n_sched) r0 /= o->sched_f[last];
  } else {
    for (size_t k = 0; k < o->p.n_sched && o->sched_t[k] <= t; ++k) r0 /= o->sched_f[k];
  }
  return r0;
}

double ss_optim_gamma(const ss_optim *o) { return o->gamma; }
size_t ss_optim_size(const ss_optim *o) { return o->n; }
const ss_optim_params *ss_optim_params_get(const ss_optim *o) { return &o->p; }
void ss_optim_set_learning(ss_optim *o, int on) { o->st.learning = on != 0; }
int ss_optim_learning(const ss_optim *o) { return o->st.learning; }

void ss_optim_get_state(const ss_optim *o, ss_optim_state *s) { *s = o->st; }

int ss_optim_set_state(ss_optim *o, const ss_optim_state *s, ss_error *err) {
  if (!o || !s) return ss_error_set(err, SS_EINVAL, "optimizer state: NULL pointer");
  if (isnan(s->t_last) || s->t_last == INFINITY)
    return ss_error_set(err, SS_EINVAL, "optimizer state: t_last must be finite or -inf (got %g ms)",
                        s->t_last);
  if (!(isfinite(s->r0_eff) && s->r0_eff >= 0.0))
    return ss_error_set(err, SS_EINVAL, "optimizer state: r0_eff must be a finite number >= 0 (got %g)",
                        s->r0_eff);
  o->st = *s;
  o->st.learning = s->learning != 0;
  return SS_OK;
}

const double *ss_optim_v(const ss_optim *o) { return o->v; }

int ss_optim_set_v(ss_optim *o, const double *v_in, size_t n, ss_error *err) {
  if (!o || (n > 0 && !v_in)) return ss_error_set(err, SS_EINVAL, "optimizer v: NULL pointer");
  if (n != o->n)
    return ss_error_set(err, SS_EINVAL, "optimizer v: %zu values for %zu synapses", n, o->n);
  for (size_t i = 0; i < n; ++i)
    if (!(isfinite(v_in[i]) && v_in[i] >= 0.0))
      return ss_error_set(err, SS_EINVAL, "optimizer v[%zu] must be a finite number >= 0 (got %g)",
                          i, v_in[i]);
  if (n) memcpy(o->v, v_in, n * sizeof *v_in);
  return SS_OK;
}

/* ------------------------------------------------------------ the step */

int ss_optim_step(ss_optim *o, double t, double *w, const double *G, const double *reg,
                  ss_optim_stats *st, ss_error *err) {
  if (!o) return ss_error_set(err, SS_EINVAL, "optimizer step: NULL optimizer");
  const size_t n = o->n;
  if (n > 0 && (!w || !G))
    return ss_error_set(err, SS_EINVAL, "optimizer step: NULL %s array", !w ? "weight" : "gradient");
  if (!isfinite(t))
    return ss_error_set(err, SS_EINVAL, "optimizer step: time must be finite (got %g ms)", t);
  if (!(t > o->st.t_last))
    return ss_error_set(err, SS_EINVAL,
                        "optimizer step: time %.17g ms is not after the previous step (%.17g ms)",
                        t, o->st.t_last);
  /* Validate every input before changing anything, so that a failed step
   * leaves w, v and the state as they were. */
  for (size_t i = 0; i < n; ++i) {
    const double g = (reg ? G[i] + reg[i] : G[i]) * o->inv_t_window;
    if (!isfinite(g))
      return ss_error_set(err, SS_ERANGE,
                          "optimizer step: gradient of synapse %zu is not finite (g = %g)", i, g);
    if (!isfinite(w[i]))
      return ss_error_set(err, SS_ERANGE, "optimizer step: weight of synapse %zu is not finite (%g)",
                          i, w[i]);
  }

  const double r0 = ss_optim_r0_at(o, t);
  const int apply = o->st.learning && t >= o->p.t_burn;
  const double inv_tb = o->inv_t_window, gamma = o->gamma, omg = o->one_m_gamma;
  const double eps = o->p.eps, w_min = o->p.w_min, w_max = o->p.w_max;
  const ss_optim_kind kind = o->p.kind;
  double *v = o->v;
  double sum = 0.0, max = 0.0;
  size_t n_clip = 0;

  for (size_t i = 0; i < n; ++i) {
    const double g = (reg ? G[i] + reg[i] : G[i]) * inv_tb;
    double dw;
    if (kind == SS_OPTIM_RMAXPROP) {
      const double g2 = g * g, gv = gamma * v[i];
      v[i] = gv > g2 ? gv : g2;
      /* sqrt(fl(g^2)) == |g| in binary floating point, so the max changes
       * nothing in range; it keeps |g/d| <= 1 when g^2 underflows.  Forming
       * r0 * (g/d) (not (r0 g)/d) gives |dw| <= r0 exactly. */
      const double sv = sqrt(v[i]), ag = fabs(g); /* (both finite: no fmax call needed) */
      const double d = (sv > ag ? sv : ag) + eps;
      dw = g != 0.0 ? r0 * (g / d) : 0.0;
    } else if (kind == SS_OPTIM_RMSPROP) {
      v[i] = gamma * v[i] + omg * (g * g);
      const double d = sqrt(v[i]) + eps;
      dw = d > 0.0 ? r0 * (g / d) : 0.0; /* d = 0 only if g^2 underflowed */
    } else {
      dw = r0 * g;
    }
    if (!apply) continue;
    const double w0 = w[i];
    double w1 = w0 + dw;
    if (w1 < w_min) {
      w1 = w_min;
      ++n_clip;
    } else if (w1 > w_max) {
      w1 = w_max;
      ++n_clip;
    }
    w[i] = w1;
    const double a = fabs(w1 - w0);
    sum += a;
    if (a > max) max = a;
  }

  o->st.t_last = t;
  o->st.r0_eff = r0;
  ++o->st.n_windows;
  if (st) {
    st->n = n;
    st->applied = apply;
    st->r0 = r0;
    st->mean_abs_dw = n ? sum / (double)n : 0.0;
    st->max_abs_dw = max;
    st->n_clipped = n_clip;
  }
  return SS_OK;
}
