/* internal.h - helpers shared by the library's source files (not installed). */
#ifndef SUPERSPIKE_INTERNAL_H
#define SUPERSPIKE_INTERNAL_H

#include <stdlib.h>

/* Allocation helpers that check for overflow of n * size. */
static inline void *ss_calloc(size_t n, size_t size) {
  return calloc(n ? n : 1, size ? size : 1);
}
static inline void *ss_malloc_array(size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) return NULL;
  size_t bytes = n * size;
  return malloc(bytes ? bytes : 1);
}
static inline void *ss_realloc_array(void *p, size_t n, size_t size) {
  if (size && n > (size_t)-1 / size) return NULL;
  size_t bytes = n * size;
  return realloc(p, bytes ? bytes : 1);
}

/* A time in ms as seconds, the shortest decimal (15..17 significant
 * digits) that the spike and stimulus readers turn back into the same
 * double: plain notation for 1e-5 s <= |t| < 1e17 s, else with an
 * exponent (spikefile.c).  buf needs SS_FMT_SECONDS_MAX bytes. */
#define SS_FMT_SECONDS_MAX 48
void ss_format_seconds(double t_ms, char *buf);

#endif
