/* queue.c - event queues of the event-driven engine (event-driven.md §4.2).
 *
 * Both queues are 4-ary min-heaps ordered by ss_key_less: the children of
 * index i are 4i+1 .. 4i+4 and its parent is (i-1)/4.  Compared with a binary
 * heap the tree is half as deep, and the four children examined at each level
 * of a sift-down are adjacent in memory.
 *
 * Layout: the arrays are allocated 64-byte aligned with HEAP_PAD unused
 * leading slots, so that every group of siblings 4i+1 .. 4i+4 starts on a
 * cache-line boundary (16-byte keys: one line per group; 32-byte arrivals:
 * two lines).  The public pointer (h->heap, h->a) points past the pad so that
 * element 0 is the minimum, as the header promises.
 *
 * Sifts move a hole instead of swapping: the moving element is held in a
 * local and written once, at its final place; each level costs one copy of a
 * parent or child (and, for ss_nheap, one pos[] store). */
#include "superspike/queue.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "superspike/error.h"

#define HEAP_ALIGN 64u
#define HEAP_PAD 3u /* (HEAP_PAD + 1) * sizeof(elem) is a multiple of 64 */
#define ABSENT UINT32_MAX

/* Aligned block for `n` elements of `size` bytes preceded by HEAP_PAD unused
 * ones; returns the pointer to element 0, or NULL. */
static void *aligned_elems(size_t n, size_t size) {
  if (n > (SIZE_MAX - HEAP_ALIGN) / size - HEAP_PAD) return NULL;
  size_t bytes = (n + HEAP_PAD) * size;
  bytes = (bytes + HEAP_ALIGN - 1) / HEAP_ALIGN * HEAP_ALIGN;
  unsigned char *base = aligned_alloc(HEAP_ALIGN, bytes);
  return base ? base + HEAP_PAD * size : NULL;
}

static void free_elems(void *p, size_t size) {
  if (p) free((unsigned char *)p - HEAP_PAD * size);
}

/* Is t a key that stays in the queue?  +INFINITY (and NaN, which has no
 * place in the order) means "no event". */
static inline int key_finite(double t) { return t < INFINITY; }

/* ======================================================================== */
/* indexed heap                                                              */
/* ======================================================================== */

ss_nheap *ss_nheap_create(uint32_t n_ids) {
  ss_nheap *h = malloc(sizeof *h);
  if (!h) return NULL;
  h->heap = aligned_elems(n_ids ? n_ids : 1, sizeof(ss_key));
  h->pos = malloc((n_ids ? (size_t)n_ids : 1) * sizeof(uint32_t));
  if (!h->heap || !h->pos) {
    free_elems(h->heap, sizeof(ss_key));
    free(h->pos);
    free(h);
    return NULL;
  }
  for (uint32_t i = 0; i < n_ids; i++) h->pos[i] = ABSENT;
  h->n = 0;
  h->cap = n_ids;
  return h;
}

void ss_nheap_destroy(ss_nheap *h) {
  if (!h) return;
  free_elems(h->heap, sizeof(ss_key));
  free(h->pos);
  free(h);
}

void ss_nheap_clear(ss_nheap *h) {
  for (uint32_t i = 0; i < h->n; i++) h->pos[h->heap[i].id] = ABSENT;
  h->n = 0;
}

/* Place k at hole i or above it. */
static inline void nheap_up(ss_key *restrict heap, uint32_t *restrict pos,
                            size_t i, ss_key k) {
  while (i) {
    size_t p = (i - 1) >> 2;
    if (!ss_key_less(k, heap[p])) break;
    heap[i] = heap[p];
    pos[heap[i].id] = (uint32_t)i;
    i = p;
  }
  heap[i] = k;
  pos[k.id] = (uint32_t)i;
}

/* Place k at hole i or below it, in a heap of n entries (i < n). */
static inline void nheap_down(ss_key *restrict heap, uint32_t *restrict pos,
                              size_t n, size_t i, ss_key k) {
  for (;;) {
    size_t c = (i << 2) + 1;
    size_t m;
    if (c + 3 < n) { /* four children (a linear scan measured faster than a
                        pairwise tournament: fewer mispredicted branches) */
      m = c;
      if (ss_key_less(heap[c + 1], heap[m])) m = c + 1;
      if (ss_key_less(heap[c + 2], heap[m])) m = c + 2;
      if (ss_key_less(heap[c + 3], heap[m])) m = c + 3;
    } else if (c < n) { /* last, partial group */
      m = c;
      for (size_t j = c + 1; j < n; j++)
        if (ss_key_less(heap[j], heap[m])) m = j;
    } else {
      break;
    }
    if (!ss_key_less(heap[m], k)) break;
    heap[i] = heap[m];
    pos[heap[i].id] = (uint32_t)i;
    i = m;
  }
  heap[i] = k;
  pos[k.id] = (uint32_t)i;
}

/* Re-place k at hole i, which may have to move either way. */
static inline void nheap_fix(ss_key *restrict heap, uint32_t *restrict pos,
                             size_t n, size_t i, ss_key k) {
  if (i && ss_key_less(k, heap[(i - 1) >> 2]))
    nheap_up(heap, pos, i, k);
  else
    nheap_down(heap, pos, n, i, k);
}

void ss_nheap_remove(ss_nheap *h, uint32_t id) {
  assert(id < h->cap);
  uint32_t i = h->pos[id];
  if (i == ABSENT) return;
  h->pos[id] = ABSENT;
  uint32_t last = --h->n;
  if (i != last) nheap_fix(h->heap, h->pos, last, i, h->heap[last]);
}

void ss_nheap_set(ss_nheap *h, uint32_t id, double t, uint32_t cls) {
  assert(id < h->cap);
  if (!key_finite(t)) {
    ss_nheap_remove(h, id);
    return;
  }
  ss_key k = {t, cls, id};
  uint32_t i = h->pos[id];
  if (i == ABSENT) {
    nheap_up(h->heap, h->pos, h->n++, k);
  } else if (ss_key_less(k, h->heap[i])) { /* decrease-key */
    nheap_up(h->heap, h->pos, i, k);
  } else { /* increase-key (or unchanged) */
    nheap_down(h->heap, h->pos, h->n, i, k);
  }
}

ss_key ss_nheap_pop(ss_nheap *h) {
  assert(h->n > 0);
  ss_key top = h->heap[0];
  h->pos[top.id] = ABSENT;
  uint32_t last = --h->n;
  if (last) nheap_down(h->heap, h->pos, last, 0, h->heap[last]);
  return top;
}

int ss_nheap_get(const ss_nheap *h, uint32_t id, ss_key *k) {
  if (id >= h->cap) return 0;
  uint32_t i = h->pos[id];
  if (i == ABSENT) return 0;
  if (k) *k = h->heap[i];
  return 1;
}

/* ======================================================================== */
/* arrival heap                                                              */
/* ======================================================================== */

ss_aheap *ss_aheap_create(size_t cap_hint) {
  ss_aheap *h = malloc(sizeof *h);
  if (!h) return NULL;
  h->cap = cap_hint ? cap_hint : 1;
  h->n = 0;
  h->a = aligned_elems(h->cap, sizeof(ss_arrival));
  if (!h->a) {
    free(h);
    return NULL;
  }
  return h;
}

void ss_aheap_destroy(ss_aheap *h) {
  if (!h) return;
  free_elems(h->a, sizeof(ss_arrival));
  free(h);
}

void ss_aheap_clear(ss_aheap *h) { h->n = 0; }

static int aheap_grow(ss_aheap *h) {
  if (h->cap > SIZE_MAX / 2) return SS_ENOMEM;
  size_t cap = h->cap * 2;
  ss_arrival *a = aligned_elems(cap, sizeof(ss_arrival));
  if (!a) return SS_ENOMEM;
  memcpy(a, h->a, h->n * sizeof(ss_arrival));
  free_elems(h->a, sizeof(ss_arrival));
  h->a = a;
  h->cap = cap;
  return SS_OK;
}

int ss_aheap_push(ss_aheap *h, const ss_arrival *e) {
  if (h->n == h->cap) {
    int rc = aheap_grow(h);
    if (rc) return rc;
  }
  ss_arrival *restrict a = h->a;
  ss_arrival x = *e;
  size_t i = h->n++;
  while (i) {
    size_t p = (i - 1) >> 2;
    if (!ss_key_less(x.key, a[p].key)) break;
    a[i] = a[p];
    i = p;
  }
  a[i] = x;
  return SS_OK;
}

void ss_aheap_pop(ss_aheap *h, ss_arrival *out) {
  assert(h->n > 0);
  ss_arrival *restrict a = h->a;
  ss_arrival top = a[0];
  size_t n = --h->n;
  if (n) {
    ss_arrival x = a[n];
    size_t i = 0;
    for (;;) {
      size_t c = (i << 2) + 1;
      size_t m;
      if (c + 3 < n) {
        m = c;
        if (ss_key_less(a[c + 1].key, a[m].key)) m = c + 1;
        if (ss_key_less(a[c + 2].key, a[m].key)) m = c + 2;
        if (ss_key_less(a[c + 3].key, a[m].key)) m = c + 3;
      } else if (c < n) {
        m = c;
        for (size_t j = c + 1; j < n; j++)
          if (ss_key_less(a[j].key, a[m].key)) m = j;
      } else {
        break;
      }
      if (!ss_key_less(a[m].key, x.key)) break;
      a[i] = a[m];
      i = m;
    }
    a[i] = x;
  }
  *out = top;
}
