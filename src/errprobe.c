/* errprobe.c - sampled error traces for figures (errprobe.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "errprobe.h"
#include "internal.h"
#include "superspike/atomicfile.h"

struct ss_errprobe {
  uint32_t *units, n;
  double t_a, t_b, dt, td, tr, A, lead;
  size_t n_s;
  double *val;          /* [n_s * n] */
  double *fd, *fr, *tl; /* [n] traces and the time they refer to */
};

void ss_errprobe_destroy(ss_errprobe *p) {
  if (!p) return;
  free(p->units);
  free(p->val);
  free(p->fd);
  free(p->fr);
  free(p->tl);
  free(p);
}

ss_errprobe *ss_errprobe_create(const uint32_t *units, uint32_t n, double t_a, double t_b, double dt, double tau_rise,
                                double tau_decay, double A, ss_error *err) {
  ss_errprobe *p = calloc(1, sizeof *p);
  if (!p) goto oom;
  double ns = t_b > t_a ? ceil((t_b - t_a) / dt - 1e-9) : 0;
  p->n = n;
  p->t_a = t_a;
  p->t_b = t_b;
  p->dt = dt;
  p->td = tau_decay;
  p->tr = tau_rise;
  p->A = A;
  p->lead = 25 * (tau_decay > tau_rise ? tau_decay : tau_rise);
  p->n_s = (size_t)ns;
  p->units = ss_malloc_array(n ? n : 1, sizeof *p->units);
  p->val = calloc(p->n_s * n + 1, sizeof *p->val);
  p->fd = calloc(n + 1, sizeof *p->fd);
  p->fr = calloc(n + 1, sizeof *p->fr);
  p->tl = calloc(n + 1, sizeof *p->tl);
  if (!p->units || !p->val || !p->fd || !p->fr || !p->tl) goto oom;
  for (uint32_t j = 0; j < n; ++j) p->units[j] = units[j];
  return p;
oom:
  ss_errprobe_destroy(p);
  ss_error_set(err, SS_ENOMEM, "error traces: out of memory");
  return NULL;
}

static void move_to(ss_errprobe *p, uint32_t j, double t) {
  if (t > p->tl[j]) {
    p->fd[j] *= exp(-(t - p->tl[j]) / p->td);
    p->fr[j] *= exp(-(t - p->tl[j]) / p->tr);
    p->tl[j] = t;
  }
}

void ss_errprobe_window(ss_errprobe *p, double t0, double t1, const ss_err_rec *ev, size_t n_ev) {
  if (t1 <= p->t_a - p->lead || t0 >= p->t_b) return;
  /* samples k with t0 <= t_a + k dt < t1 */
  double ka = ceil((t0 - p->t_a) / p->dt - 1e-9), kb = ceil((t1 - p->t_a) / p->dt - 1e-9);
  size_t k0 = ka < 0 ? 0 : (size_t)ka, k1 = kb < 0 ? 0 : (size_t)kb;
  if (k1 > p->n_s) k1 = p->n_s;
  for (uint32_t j = 0; j < p->n; ++j) {
    size_t k = k0, e = 0;
    for (;;) {
      while (e < n_ev && ev[e].neuron != p->units[j]) ++e;
      double te = e < n_ev ? ev[e].t : INFINITY;
      double ts = k < k1 ? p->t_a + (double)k * p->dt : INFINITY;
      if (isinf(te) && isinf(ts)) break;
      if (te <= ts) { /* an event at a sample time counts for it (the kernel starts at 0) */
        move_to(p, j, te);
        p->fd[j] += ev[e].sign;
        p->fr[j] += ev[e].sign;
        ++e;
      } else {
        move_to(p, j, ts);
        p->val[k * p->n + j] = p->A * (p->fd[j] - p->fr[j]);
        ++k;
      }
    }
  }
}

int ss_errprobe_write(const ss_errprobe *p, const char *path, const char *pop_name, uint32_t offset, ss_error *err) {
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  fprintf(f.fp, "# error signal e(t) of '%s' (1/s, unit-area alpha kernel), sampled every %g ms\n# time(s)", pop_name,
          p->dt);
  for (uint32_t j = 0; j < p->n; ++j) fprintf(f.fp, " e_%u", p->units[j] - offset);
  fprintf(f.fp, "\n");
  for (size_t k = 0; k < p->n_s; ++k) {
    fprintf(f.fp, "%.10g", (p->t_a + (double)k * p->dt) / 1000.0);
    for (uint32_t j = 0; j < p->n; ++j) fprintf(f.fp, " %.8g", 1000.0 * p->val[k * p->n + j]);
    fprintf(f.fp, "\n");
  }
  return ss_afile_commit(&f, err);
}

int ss_errprobe_save(const ss_errprobe *p, ss_ckpt_writer *w, const char *name, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  double *st = ss_malloc_array(3 * (size_t)p->n + 1, sizeof *st);
  if (!st) return ss_error_set(err, SS_ENOMEM, "error traces: out of memory");
  for (uint32_t j = 0; j < p->n; ++j) {
    st[3 * j] = p->fd[j];
    st[3 * j + 1] = p->fr[j];
    st[3 * j + 2] = p->tl[j];
  }
  snprintf(s, sizeof s, "%s.v", name);
  int rc = ss_ckpt_add_f64(w, s, p->val, p->n_s * p->n, err);
  snprintf(s, sizeof s, "%s.s", name);
  if (!rc) rc = ss_ckpt_add_f64(w, s, st, 3 * (size_t)p->n, err);
  free(st);
  return rc;
}

int ss_errprobe_load(ss_errprobe *p, const ss_ckpt *ck, const char *name, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  double *st = ss_malloc_array(3 * (size_t)p->n + 1, sizeof *st);
  if (!st) return ss_error_set(err, SS_ENOMEM, "error traces: out of memory");
  snprintf(s, sizeof s, "%s.s", name);
  int rc = ss_ckpt_get_f64(ck, s, st, 3 * (size_t)p->n, err);
  snprintf(s, sizeof s, "%s.v", name);
  if (!rc) rc = ss_ckpt_get_f64(ck, s, p->val, p->n_s * p->n, err);
  if (!rc)
    for (uint32_t j = 0; j < p->n; ++j) {
      p->fd[j] = st[3 * j];
      p->fr[j] = st[3 * j + 1];
      p->tl[j] = st[3 * j + 2];
    }
  free(st);
  return rc;
}
