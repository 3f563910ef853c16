/* classify.c - windows of opportunity and the classification error
 * (classify.h; paper-spec §3.5 and §5 #17, #33).  Spikes arrive in time
 * order, so one cursor finds the window a spike falls into and a second
 * one judges windows once they are over. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/classify.h"

struct ss_classify {
  uint32_t offset, nc;
  size_t n;
  double W;
  double *onset;
  uint32_t *cls;
  ss_class_outcome *out; /* [n]: running tallies, final once judged */
  size_t cur;            /* first stimulus whose window has not ended at the last spike */
  size_t closed;         /* stimuli judged so far */
  int extra_free;        /* later spikes of the correct neuron in its window are free too */
  double late;           /* > 0: the correct neuron's spikes in [end, end + late) after a miss are free */
  uint8_t *late_used;    /* [n]: the free late spike of stimulus k has been spent */
};

void ss_classify_destroy(ss_classify *c) {
  if (!c) return;
  free(c->onset);
  free(c->cls);
  free(c->out);
  free(c->late_used);
  free(c);
}

ss_classify *ss_classify_create(uint32_t offset, uint32_t n_classes, const double *onset, const uint8_t *cls,
                                size_t n, double W, ss_error *err) {
  if (!(W > 0) || !isfinite(W)) {
    ss_error_set(err, SS_EINVAL, "classification: the window of opportunity must be > 0 (got %g ms)", W);
    return NULL;
  }
  if (n_classes < 1) {
    ss_error_set(err, SS_EINVAL, "classification: needs at least one output neuron");
    return NULL;
  }
  for (size_t k = 0; k < n; ++k) {
    if (!isfinite(onset[k]) || onset[k] < 0) {
      ss_error_set(err, SS_EINVAL, "classification: stimulus %zu: onset must be finite and >= 0", k + 1);
      return NULL;
    }
    if (cls[k] >= n_classes) {
      ss_error_set(err, SS_EINVAL, "classification: stimulus %zu: class %u needs %u output neurons (have %u)", k + 1,
                   (unsigned)cls[k], (unsigned)cls[k] + 1, n_classes);
      return NULL;
    }
    if (k && onset[k] < onset[k - 1] + W) {
      ss_error_set(err, SS_EINVAL,
                   "classification: stimulus %zu (onset %g ms) starts inside the window of stimulus %zu "
                   "(%g ms + %g ms): windows must not overlap",
                   k + 1, onset[k], k, onset[k - 1], W);
      return NULL;
    }
  }
  ss_classify *c = calloc(1, sizeof *c);
  if (!c) goto oom;
  c->offset = offset;
  c->nc = n_classes;
  c->n = n;
  c->W = W;
  c->onset = ss_malloc_array(n ? n : 1, sizeof *c->onset);
  c->cls = ss_malloc_array(n ? n : 1, sizeof *c->cls);
  c->out = calloc(n ? n : 1, sizeof *c->out);
  c->late_used = calloc(n ? n : 1, 1);
  if (!c->onset || !c->cls || !c->out || !c->late_used) goto oom;
  for (size_t k = 0; k < n; ++k) {
    c->onset[k] = onset[k];
    c->cls[k] = cls[k];
    c->out[k] = (ss_class_outcome){onset[k], cls[k], 0, 0, 0, -1.0};
  }
  return c;
oom:
  ss_classify_destroy(c);
  ss_error_set(err, SS_ENOMEM, "classification: out of memory");
  return NULL;
}

int ss_classify_spike(ss_classify *c, double t, uint32_t neuron) {
  while (c->cur < c->n && c->onset[c->cur] + c->W <= t) c->cur++;
  if (c->cur == c->n || t < c->onset[c->cur]) { /* outside every window */
    size_t k = c->cur - 1; /* the last window that ended at or before t (if any) */
    if (c->late > 0 && c->cur > 0 && neuron - c->offset == c->out[k].cls && !c->out[k].hit &&
        t < c->onset[k] + c->W + c->late && (c->extra_free || !c->late_used[k])) {
      c->late_used[k] = 1; /* a late answer after a miss: free (the miss error stands) */
      return 0;
    }
    return -1;
  }
  ss_class_outcome *o = &c->out[c->cur];
  if (neuron - c->offset == o->cls) {
    if (o->hit) return c->extra_free ? 0 : -1; /* by default only the first spike is free */
    o->hit = 1;
    o->latency = t - o->onset;
    return 0;
  }
  o->n_wrong++;
  return -1;
}

void ss_classify_set_extra_free(ss_classify *c, int on) { c->extra_free = on != 0; }

void ss_classify_set_late(ss_classify *c, double late) { c->late = late > 0 ? late : 0; }

long ss_classify_flush(ss_classify *c, double t, ss_err_rec **ev, size_t *n, size_t *cap) {
  long added = 0;
  for (; c->closed < c->n && c->onset[c->closed] + c->W < t; c->closed++) {
    ss_class_outcome *o = &c->out[c->closed];
    o->correct = o->hit && !o->n_wrong;
    if (o->hit) continue;
    if (*n == *cap) {
      size_t nc = *cap ? 2 * *cap : 64;
      ss_err_rec *r = ss_realloc_array(*ev, nc, sizeof *r);
      if (!r) return SS_ENOMEM;
      *ev = r;
      *cap = nc;
    }
    (*ev)[(*n)++] = (ss_err_rec){o->onset + c->W, c->offset + o->cls, +1};
    added++;
  }
  return added;
}

const ss_class_outcome *ss_classify_outcomes(const ss_classify *c, size_t *n) {
  *n = c->closed;
  return c->out;
}

double ss_classify_accuracy(const ss_classify *c, size_t last) {
  size_t a = c->closed > last ? c->closed - last : 0, good = 0;
  if (c->closed == a) return NAN;
  for (size_t k = a; k < c->closed; ++k) good += c->out[k].correct;
  return (double)good / (double)(c->closed - a);
}

/* ------------------------------------------------------------ checkpoints */

static void sec(char *buf, size_t len, const char *name, const char *what) { snprintf(buf, len, "%s.%s", name, what); }

int ss_classify_save(const ss_classify *c, ss_ckpt_writer *w, const char *name, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  size_t n = c->n;
  uint32_t *nw = ss_malloc_array(n ? n : 1, sizeof *nw);
  uint8_t *hit = ss_malloc_array(n ? n : 1, 1);
  double *lat = ss_malloc_array(n ? n : 1, sizeof *lat);
  int rc = !nw || !hit || !lat ? ss_error_set(err, SS_ENOMEM, "classification: out of memory") : SS_OK;
  if (!rc) {
    for (size_t k = 0; k < n; ++k) {
      nw[k] = c->out[k].n_wrong;
      hit[k] = (uint8_t)(c->out[k].hit | c->out[k].correct << 1 | c->late_used[k] << 2);
      lat[k] = c->out[k].latency;
    }
    uint64_t cur[3] = {c->cur, c->closed, n};
    sec(s, sizeof s, name, "cursor");
    rc = ss_ckpt_add_u64(w, s, cur, 3, err);
    sec(s, sizeof s, name, "wrong");
    if (!rc) rc = ss_ckpt_add_u32(w, s, nw, n, err);
    sec(s, sizeof s, name, "hit");
    if (!rc) rc = ss_ckpt_add_bytes(w, s, hit, n, err);
    sec(s, sizeof s, name, "latency");
    if (!rc) rc = ss_ckpt_add_f64(w, s, lat, n, err);
  }
  free(nw);
  free(hit);
  free(lat);
  return rc;
}

int ss_classify_load(ss_classify *c, const ss_ckpt *ck, const char *name, ss_error *err) {
  char s[SS_CKPT_NAME_MAX + 1];
  size_t n = c->n;
  uint64_t cur[3];
  sec(s, sizeof s, name, "cursor");
  int rc = ss_ckpt_get_u64(ck, s, cur, 3, err);
  if (rc) return rc;
  if (cur[2] != n || cur[0] > n || cur[1] > n)
    return ss_error_set(err, SS_EINVAL, "checkpoint: classification '%s' has %llu stimuli, expected %zu", name,
                        (unsigned long long)cur[2], n);
  uint32_t *nw = ss_malloc_array(n ? n : 1, sizeof *nw);
  uint8_t *hit = ss_malloc_array(n ? n : 1, 1);
  double *lat = ss_malloc_array(n ? n : 1, sizeof *lat);
  rc = !nw || !hit || !lat ? ss_error_set(err, SS_ENOMEM, "classification: out of memory") : SS_OK;
  sec(s, sizeof s, name, "wrong");
  if (!rc) rc = ss_ckpt_get_u32(ck, s, nw, n, err);
  sec(s, sizeof s, name, "hit");
  if (!rc) rc = ss_ckpt_get_bytes(ck, s, hit, n, err);
  sec(s, sizeof s, name, "latency");
  if (!rc) rc = ss_ckpt_get_f64(ck, s, lat, n, err);
  if (!rc) {
    c->cur = (size_t)cur[0];
    c->closed = (size_t)cur[1];
    for (size_t k = 0; k < n; ++k) {
      c->out[k].n_wrong = nw[k];
      c->out[k].hit = hit[k] & 1u;
      c->out[k].correct = (hit[k] >> 1) & 1u;
      c->late_used[k] = (hit[k] >> 2) & 1u;
      c->out[k].latency = lat[k];
    }
  }
  free(nw);
  free(hit);
  free(lat);
  return rc;
}
