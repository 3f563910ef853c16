/* source.c - spike sources: replayed (and looped) spike lists, frozen
 * Poisson patterns, and endless Poisson streams (source.h).
 * Looped times are computed as pattern time + k * period, never by
 * accumulation, so repetition k is exact up to one rounding. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "superspike/source.h"

static void set_next(ss_source *s) {
  if (s->kind == SS_SOURCE_POISSON && s->period <= 0) return; /* streaming: set by next() */
  if (s->pos >= s->pattern.n) {
    if (s->period <= 0 || s->pattern.n == 0) {
      s->t_next = INFINITY;
      return;
    }
    s->pos = 0;
    s->loop++;
  }
  s->t_next = s->pattern.t[s->pos] + (double)s->loop * s->period;
  s->id_next = s->offset + s->pattern.id[s->pos];
}

static void stream_draw(ss_source *s) {
  double lambda = (double)s->size * s->rate_hz / 1000.0; /* spikes per ms */
  s->t_next += ss_rng_exponential(&s->rng) / lambda;
  s->id_next = s->offset + (uint32_t)ss_rng_below(&s->rng, s->size);
}

void ss_source_rewind(ss_source *s) {
  s->pos = 0;
  s->loop = 0;
  if (s->kind == SS_SOURCE_POISSON && s->period <= 0) {
    ss_rng_init(&s->rng, s->seed, 0);
    if (s->rate_hz > 0) {
      s->t_next = 0;
      stream_draw(s);
    } else {
      s->t_next = INFINITY;
    }
    return;
  }
  set_next(s);
}

void ss_source_next(ss_source *s) {
  if (s->kind == SS_SOURCE_POISSON && s->period <= 0) {
    stream_draw(s);
    return;
  }
  s->pos++;
  set_next(s);
}

int ss_source_init_spikes(ss_source *s, uint32_t size, uint32_t offset,
                          const ss_spikes *spikes, double period_ms, ss_error *err) {
  memset(s, 0, sizeof *s);
  ss_spikes_init(&s->pattern);
  s->kind = SS_SOURCE_FILE;
  s->size = size;
  s->offset = offset;
  if (!(period_ms >= 0) || !isfinite(period_ms))
    return ss_error_set(err, SS_EINVAL, "loop period must be finite and >= 0");
  s->period = period_ms;
  for (size_t k = 0; k < spikes->n; ++k) {
    double t = spikes->t[k];
    if (!(t >= 0) || !isfinite(t))
      return ss_error_set(err, SS_ERANGE, "spike %zu: time must be finite and >= 0", k);
    if (k && t < spikes->t[k - 1])
      return ss_error_set(err, SS_EINVAL, "spike %zu: spikes must be sorted by time", k);
    if (spikes->id[k] >= size)
      return ss_error_set(err, SS_ERANGE, "spike %zu: id %u out of range for %u units", k,
                          spikes->id[k], size);
    if (period_ms > 0 && t >= period_ms)
      return ss_error_set(err, SS_ERANGE,
                          "spike at %.17g s is not before the loop period of %.17g s",
                          t / 1000.0, period_ms / 1000.0);
    if (ss_spikes_push(&s->pattern, t, spikes->id[k])) {
      ss_source_clear(s);
      return ss_error_set(err, SS_ENOMEM, "out of memory");
    }
  }
  ss_source_rewind(s);
  return SS_OK;
}

int ss_source_init_poisson(ss_source *s, uint32_t size, uint32_t offset, double rate_hz,
                           uint64_t seed, double period_ms, ss_error *err) {
  memset(s, 0, sizeof *s);
  ss_spikes_init(&s->pattern);
  s->kind = SS_SOURCE_POISSON;
  s->size = size;
  s->offset = offset;
  if (!(rate_hz >= 0) || !isfinite(rate_hz))
    return ss_error_set(err, SS_EINVAL, "rate must be finite and >= 0 (got %g Hz)", rate_hz);
  if (!(period_ms >= 0) || !isfinite(period_ms))
    return ss_error_set(err, SS_EINVAL, "loop period must be finite and >= 0");
  if (size == 0) return ss_error_set(err, SS_EINVAL, "size must be > 0");
  s->rate_hz = rate_hz;
  s->seed = seed;
  s->period = period_ms;
  if (period_ms > 0 && rate_hz > 0) {
    /* one frozen pattern on [0, period), looped */
    ss_rng_init(&s->rng, seed, 0);
    double lambda = (double)size * rate_hz / 1000.0, t = 0;
    for (;;) {
      t += ss_rng_exponential(&s->rng) / lambda;
      if (t >= period_ms) break;
      uint32_t id = (uint32_t)ss_rng_below(&s->rng, size);
      if (ss_spikes_push(&s->pattern, t, id)) {
        ss_source_clear(s);
        return ss_error_set(err, SS_ENOMEM, "out of memory");
      }
    }
  }
  ss_source_rewind(s);
  return SS_OK;
}

void ss_source_clear(ss_source *s) {
  ss_spikes_clear(&s->pattern);
  s->t_next = INFINITY;
}

int ss_source_save(const ss_source *s, ss_ckpt_writer *w, const char *prefix, ss_error *err) {
  char name[SS_CKPT_NAME_MAX + 1];
  uint64_t cur[3] = {s->pos, s->loop, s->id_next};
  snprintf(name, sizeof name, "%s.cursor", prefix);
  int rc = ss_ckpt_add_u64(w, name, cur, 3, err);
  snprintf(name, sizeof name, "%s.t", prefix);
  if (!rc) rc = ss_ckpt_add_f64_value(w, name, s->t_next, err);
  snprintf(name, sizeof name, "%s.rng", prefix);
  if (!rc) rc = ss_ckpt_add_u64(w, name, s->rng.s, 4, err);
  return rc;
}

int ss_source_load(ss_source *s, const ss_ckpt *ck, const char *prefix, ss_error *err) {
  char name[SS_CKPT_NAME_MAX + 1];
  uint64_t cur[3], rng[4];
  double t;
  snprintf(name, sizeof name, "%s.cursor", prefix);
  int rc = ss_ckpt_get_u64(ck, name, cur, 3, err);
  snprintf(name, sizeof name, "%s.t", prefix);
  if (!rc) rc = ss_ckpt_get_f64_value(ck, name, &t, err);
  snprintf(name, sizeof name, "%s.rng", prefix);
  if (!rc) rc = ss_ckpt_get_u64(ck, name, rng, 4, err);
  if (rc) return rc;
  if (cur[0] > s->pattern.n || cur[2] >= (uint64_t)s->offset + s->size || (cur[2] < s->offset && !isinf(t)))
    return ss_error_set(err, SS_EPARSE, "checkpoint: source cursor '%s' does not fit this configuration", prefix);
  s->pos = cur[0];
  s->loop = cur[1];
  s->id_next = (uint32_t)cur[2];
  s->t_next = t;
  memcpy(s->rng.s, rng, sizeof rng);
  return SS_OK;
}
