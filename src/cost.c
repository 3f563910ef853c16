/* cost.c - exact integration of the outputs' squared error (cost.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/cost.h"

struct ss_cost {
  uint32_t nu, n_out;
  uint8_t *is_out;
  double td, tr, tau, A;
  double *fd, *fr;        /* traces at t_last */
  double t_last, t_start;
  int started;
  double win, acc;        /* last window's mean; weighted accumulator */
  uint64_t *row;          /* scratch: events grouped by neuron */
  ss_err_rec *by;
  size_t cap;
};

double ss_alpha_norm(double tau_rise, double tau_decay, int peak) {
  if (!peak) return 1.0 / (tau_decay - tau_rise);
  double tpk = log(tau_decay / tau_rise) / (1.0 / tau_rise - 1.0 / tau_decay); /* time of the peak */
  return 1.0 / (exp(-tpk / tau_decay) - exp(-tpk / tau_rise));
}

ss_cost *ss_cost_create(uint32_t n_units, double tau_rise, double tau_decay, int alpha_peak, double tau,
                        ss_error *err) {
  if (!(tau_rise > 0) || !(tau_decay > 0) || !(tau > 0) || fabs(tau_rise - tau_decay) < 1e-2 * tau_decay) {
    ss_error_set(err, SS_EINVAL, "cost: time constants must be > 0 and rise != decay");
    return NULL;
  }
  ss_cost *c = calloc(1, sizeof *c);
  if (!c) goto oom;
  c->nu = n_units;
  c->td = tau_decay;
  c->tr = tau_rise;
  c->tau = tau;
  c->A = ss_alpha_norm(tau_rise, tau_decay, alpha_peak);
  c->is_out = calloc(n_units ? n_units : 1, 1);
  c->fd = calloc(n_units ? n_units : 1, sizeof(double));
  c->fr = calloc(n_units ? n_units : 1, sizeof(double));
  c->row = calloc((size_t)n_units + 1, sizeof(uint64_t));
  if (!c->is_out || !c->fd || !c->fr || !c->row) goto oom;
  return c;
oom:
  ss_error_set(err, SS_ENOMEM, "cost: out of memory");
  ss_cost_destroy(c);
  return NULL;
}

void ss_cost_destroy(ss_cost *c) {
  if (!c) return;
  free(c->is_out);
  free(c->fd);
  free(c->fr);
  free(c->row);
  free(c->by);
  free(c);
}

void ss_cost_add_output(ss_cost *c, uint32_t u) {
  if (u < c->nu && !c->is_out[u]) {
    c->is_out[u] = 1;
    c->n_out++;
  }
}

/* int_0^L (fd e^{-x/td} - fr e^{-x/tr})^2 w e^{x ia} dx, ia = 1/tau or 0. */
static double sq_integral(double fd, double fr, double L, double td, double tr, double ia, double w) {
  double kdd = 2.0 / td - ia, kdr = 1.0 / td + 1.0 / tr - ia, krr = 2.0 / tr - ia;
  double Idd = -expm1(-kdd * L) / kdd, Idr = -expm1(-kdr * L) / kdr, Irr = -expm1(-krr * L) / krr;
  return w * (fd * fd * Idd - 2.0 * fd * fr * Idr + fr * fr * Irr);
}

int ss_cost_window(ss_cost *c, double t0, double t1, const ss_err_rec *ev, size_t n, int reset, ss_error *err) {
  if (!c->started) {
    c->t_start = c->t_last = t0;
    c->started = 1;
  }
  if (t0 != c->t_last || !(t1 >= t0)) return ss_error_set(err, SS_EINVAL, "cost: windows must follow each other");
  if (c->cap < n) {
    ss_err_rec *b = ss_realloc_array(c->by, n, sizeof *b);
    if (!b) return ss_error_set(err, SS_ENOMEM, "cost: out of memory");
    c->by = b;
    c->cap = n;
  }
  memset(c->row, 0, ((size_t)c->nu + 1) * sizeof(uint64_t));
  for (size_t k = 0; k < n; ++k) {
    if (ev[k].neuron >= c->nu || !c->is_out[ev[k].neuron] || ev[k].t < t0 || !(ev[k].t < t1))
      return ss_error_set(err, SS_EINVAL, "cost: error event of a non-output or outside the window");
    c->row[ev[k].neuron + 1]++;
  }
  for (uint32_t u = 0; u < c->nu; ++u) c->row[u + 1] += c->row[u];
  for (size_t k = 0; k < n; ++k) c->by[c->row[ev[k].neuron]++] = ev[k];
  for (uint32_t u = c->nu; u > 0; --u) c->row[u] = c->row[u - 1];
  c->row[0] = 0;
  double ia = 1.0 / c->tau, sp = 0, sw = 0;
  for (uint32_t u = 0; u < c->nu; ++u) {
    if (!c->is_out[u]) continue;
    double fd = c->fd[u], fr = c->fr[u], t = t0;
    for (uint64_t k = c->row[u];; ++k) {
      double tn = k < c->row[u + 1] ? c->by[k].t : t1, L = tn - t;
      if (L > 0) {
        sp += sq_integral(fd, fr, L, c->td, c->tr, 0, 1.0);
        sw += sq_integral(fd, fr, L, c->td, c->tr, ia, exp(-(t1 - t) * ia));
        fd *= exp(-L / c->td);
        fr *= exp(-L / c->tr);
        t = tn;
      }
      if (k >= c->row[u + 1]) break;
      fd += c->by[k].sign;
      fr += c->by[k].sign;
    }
    c->fd[u] = reset ? 0 : fd;
    c->fr[u] = reset ? 0 : fr;
  }
  double A2 = c->A * c->A, T = t1 - t0;
  if (c->n_out && T > 0) {
    c->win = A2 * sp / c->n_out / T;
    c->acc = exp(-T * ia) * c->acc + A2 * sw / c->n_out;
  }
  c->t_last = t1;
  return SS_OK;
}

void ss_cost_get(const ss_cost *c, double *window, double *moving) {
  if (window) *window = c->win;
  if (moving) {
    double corr = -expm1(-(c->t_last - c->t_start) / c->tau);
    *moving = corr > 0 ? c->acc / c->tau / corr : 0;
  }
}

void ss_cost_traces(const ss_cost *c, uint32_t u, double *fd, double *fr) {
  *fd = u < c->nu ? c->fd[u] : 0;
  *fr = u < c->nu ? c->fr[u] : 0;
}

int ss_cost_save(const ss_cost *c, ss_ckpt_writer *w, ss_error *err) {
  double sc[5] = {c->t_last, c->t_start, c->win, c->acc, (double)c->started};
  int rc = ss_ckpt_add_f64(w, "cost.scalars", sc, 5, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "cost.fd", c->fd, c->nu, err);
  if (!rc) rc = ss_ckpt_add_f64(w, "cost.fr", c->fr, c->nu, err);
  return rc;
}

int ss_cost_load(ss_cost *c, const ss_ckpt *ck, ss_error *err) {
  double sc[5];
  int rc = ss_ckpt_get_f64(ck, "cost.scalars", sc, 5, err);
  if (!rc) rc = ss_ckpt_get_f64(ck, "cost.fd", c->fd, c->nu, err);
  if (!rc) rc = ss_ckpt_get_f64(ck, "cost.fr", c->fr, c->nu, err);
  if (rc) return rc;
  c->t_last = sc[0];
  c->t_start = sc[1];
  c->win = sc[2];
  c->acc = sc[3];
  c->started = sc[4] != 0;
  return SS_OK;
}
