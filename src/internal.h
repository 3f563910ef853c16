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

#endif
