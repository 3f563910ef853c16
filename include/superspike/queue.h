/* queue.h - event queues of the event-driven engine.
 *
 * Two structures, both 4-ary min-heaps ordered by (t, cls, id) so that equal
 * times are broken deterministically by event class and then by id
 * (event-driven.md §4.1):
 *   ss_nheap  indexed heap with one slot per neuron (its predicted spike or
 *             its refractory end), with update-key and remove;
 *   ss_aheap  plain heap of in-flight spikes: one entry per presynaptic spike
 *             and delay group, never one per synapse.
 * Neither allocates after creation except ss_aheap_push when it must grow
 * (amortised doubling; the capacity is kept between windows). */
#ifndef SUPERSPIKE_QUEUE_H
#define SUPERSPIKE_QUEUE_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Event classes in tie-break order (lower is processed first at equal t). */
enum {
  SS_EV_SAMPLE = 0,  /* state monitor sample (reads the state before t's events) */
  SS_EV_WINDOW = 1,  /* update-window boundary / trial reset */
  SS_EV_SPIKE = 2,   /* predicted threshold crossing of a neuron */
  SS_EV_REF_END = 3, /* end of a neuron's refractory period */
  SS_EV_ARRIVAL = 4, /* a delay group of a presynaptic spike arrives */
  SS_EV_TARGET = 5,  /* target spike of an output neuron */
  SS_EV_INPUT = 6,   /* spike of an input source */
  SS_EV_NONE = 7     /* no event (empty queue) */
};

/* A key: time (ms), class, id.  Compare with ss_key_less. */
typedef struct ss_key {
  double t;
  uint32_t cls;
  uint32_t id;
} ss_key;

static inline int ss_key_less(ss_key a, ss_key b) {
  if (a.t != b.t) return a.t < b.t;
  if (a.cls != b.cls) return a.cls < b.cls;
  return a.id < b.id;
}

/* ---- indexed 4-ary heap, one slot per neuron ---------------------------- */
typedef struct ss_nheap {
  ss_key *heap;    /* heap-ordered keys, heap[0] is the minimum */
  uint32_t *pos;   /* pos[id] = index in heap, or UINT32_MAX if absent */
  uint32_t n;      /* number of entries */
  uint32_t cap;    /* number of ids (neurons) */
} ss_nheap;

/* Allocate for ids 0..n_ids-1, empty.  Returns NULL if out of memory. */
ss_nheap *ss_nheap_create(uint32_t n_ids);
void ss_nheap_destroy(ss_nheap *h);
/* Remove every entry (O(n)). */
void ss_nheap_clear(ss_nheap *h);

/* Set id's key to (t, cls): insert, move up or down as needed.  If t is
 * +INFINITY the entry is removed instead (a neuron with no future event). */
void ss_nheap_set(ss_nheap *h, uint32_t id, double t, uint32_t cls);
/* Remove id if present. */
void ss_nheap_remove(ss_nheap *h, uint32_t id);
/* Smallest key, or {INFINITY, SS_EV_NONE, 0} if empty. */
static inline ss_key ss_nheap_top(const ss_nheap *h) {
  if (h->n) return h->heap[0];
  ss_key k = {INFINITY, SS_EV_NONE, 0};
  return k;
}
/* Remove and return the smallest key (the heap must not be empty). */
ss_key ss_nheap_pop(ss_nheap *h);
/* 1 if id has an entry; its key in *k if k != NULL. */
int ss_nheap_get(const ss_nheap *h, uint32_t id, ss_key *k);

/* ---- plain 4-ary heap of in-flight spikes -------------------------------- */
typedef struct ss_arrival {
  ss_key key;      /* key.t = arrival time, key.cls = SS_EV_ARRIVAL, key.id = presynaptic unit */
  double t_spike;  /* emission time; arrival = t_spike + delay of the group */
  uint32_t group;  /* delay group index in the network's group table */
  uint32_t pad;
} ss_arrival;

typedef struct ss_aheap {
  ss_arrival *a;
  size_t n, cap;
} ss_aheap;

ss_aheap *ss_aheap_create(size_t cap_hint);
void ss_aheap_destroy(ss_aheap *h);
void ss_aheap_clear(ss_aheap *h);
/* Insert; returns 0, or SS_ENOMEM if growing failed. */
int ss_aheap_push(ss_aheap *h, const ss_arrival *e);
static inline ss_key ss_aheap_top(const ss_aheap *h) {
  if (h->n) return h->a[0].key;
  ss_key k = {INFINITY, SS_EV_NONE, 0};
  return k;
}
/* Remove the minimum into *out (the heap must not be empty). */
void ss_aheap_pop(ss_aheap *h, ss_arrival *out);

#ifdef __cplusplus
}
#endif
#endif
