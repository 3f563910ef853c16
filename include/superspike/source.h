/* source.h - spike sources: replayed spike files and frozen Poisson trains.
 *
 * A source population emits spikes in time order through a cursor:
 * ss_source_peek gives the next spike (global unit id), ss_source_next
 * consumes it.  Files and frozen patterns can loop with a period: the
 * pattern on [0, period) is replayed at k*period (spikes at or after
 * `period` in a looped file are an error).  A Poisson source without a
 * period is generated on the fly as one population-wide Poisson process
 * (exponential intervals of rate size*rate, uniform unit), which is exactly
 * `size` independent Poisson trains and needs no per-unit queue.  Everything
 * is seeded: the same seed gives the same spikes.  Times in ms. */
#ifndef SUPERSPIKE_SOURCE_H
#define SUPERSPIKE_SOURCE_H

#include <stdint.h>

#include "superspike/checkpoint.h"
#include "superspike/error.h"
#include "superspike/rng.h"
#include "superspike/spikefile.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ss_source_kind {
  SS_SOURCE_FILE = 0,    /* spikes given (from a file) */
  SS_SOURCE_POISSON = 1  /* frozen Poisson trains from a seed */
} ss_source_kind;

typedef struct ss_source {
  ss_source_kind kind;
  uint32_t size, offset;  /* population size and first global id */
  double period;          /* loop period (ms), 0 = no loop */
  double rate_hz;         /* POISSON */
  uint64_t seed;          /* POISSON */
  ss_spikes pattern;      /* FILE, or POISSON with a period: one period's spikes, local ids */
  /* cursor */
  size_t pos;             /* index into pattern */
  uint64_t loop;          /* current repetition */
  double t_next;          /* next spike time, INFINITY when exhausted */
  uint32_t id_next;       /* next spike's global id */
  ss_rng rng;             /* streaming POISSON */
} ss_source;

/* Replay `spikes` (copied; local ids < size, sorted, ms).  period 0 = once. */
int ss_source_init_spikes(ss_source *s, uint32_t size, uint32_t offset,
                          const ss_spikes *spikes, double period_ms,
                          ss_error *err);
/* Poisson trains at rate_hz per unit.  With period_ms > 0 one pattern of that
 * length is drawn and looped (frozen noise); else an endless stream. */
int ss_source_init_poisson(ss_source *s, uint32_t size, uint32_t offset,
                           double rate_hz, uint64_t seed, double period_ms,
                           ss_error *err);
void ss_source_clear(ss_source *s);
/* Back to t = 0 (the same spikes again). */
void ss_source_rewind(ss_source *s);

/* Next spike time (INFINITY when none) and its global id. */
static inline double ss_source_peek(const ss_source *s, uint32_t *id) {
  if (id) *id = s->id_next;
  return s->t_next;
}
/* Consume the current spike and compute the next one. */
void ss_source_next(ss_source *s);

/* Save / restore the cursor (not the pattern, which the configuration
 * rebuilds) as sections `prefix.*` of a checkpoint. */
int ss_source_save(const ss_source *s, ss_ckpt_writer *w, const char *prefix, ss_error *err);
int ss_source_load(ss_source *s, const ss_ckpt *ck, const char *prefix, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
