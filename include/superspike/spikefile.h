/* spikefile.h - spike trains as two-column text `time id`.
 *
 * Format (compatible with Auryn's .ras): one spike per line, time in seconds
 * then a 0-based unit id, separated by any whitespace; lines starting with
 * '#' and blank lines are ignored, and a '#' after the id starts a trailing
 * comment.  In memory times are in ms (converted with a single rounding, see
 * ss_parse_decimal in config.h). */
#ifndef SUPERSPIKE_SPIKEFILE_H
#define SUPERSPIKE_SPIKEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_spikes {
  double *t;     /* ms, non-decreasing after a successful read */
  uint32_t *id;
  size_t n, cap;
} ss_spikes;

void ss_spikes_init(ss_spikes *s);
void ss_spikes_clear(ss_spikes *s);   /* free the arrays */
/* Append one spike (amortised growth); SS_ENOMEM on failure. */
int ss_spikes_push(ss_spikes *s, double t_ms, uint32_t id);
/* Stable sort by (time, id). */
void ss_spikes_sort(ss_spikes *s);

/* Read `path`.  Every spike must have a finite time >= 0 and an integer id
 * < n_ids.  If `sort` is 0, times must be non-decreasing (an unsorted line is
 * an error naming it); if 1 the spikes are sorted after reading.  Errors name
 * the file, the line and the field ("time" or "id").  `out` must be
 * initialised; on error it is left empty. */
int ss_spikes_read(ss_spikes *out, const char *path, uint32_t n_ids, int sort,
                   ss_error *err);

/* Write `time id` lines (time in s, the shortest decimal of at most 17
 * significant digits that ss_spikes_read turns back into the same double in
 * ms, so write -> read round-trips exactly) atomically: to a temporary file
 * in the same directory, then rename. */
int ss_spikes_write(const ss_spikes *s, const char *path, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
