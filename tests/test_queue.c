/* test_queue.c - the event queues (ss_nheap, ss_aheap) against simple
 * references: a plain array scanned in O(n) with the same (t, cls, id)
 * comparison, and qsort-ed copies.  Randomised sequences use fixed seeds; a
 * failure names the seed, the step and the operation. */
#include <math.h>
#include <stdint.h>

#include "superspike/error.h"
#include "superspike/queue.h"
#include "superspike/rng.h"
#include "testutil.h"

#define ABSENT UINT32_MAX

/* Assertion for hot loops: unlike ck_assert*, it does not record a
 * checkpoint (one write(2)) when it passes. */
#define REQUIRE(cond, ...)                  \
  do {                                      \
    if (!(cond)) ck_abort_msg(__VA_ARGS__); \
  } while (0)

/* ---- helpers ------------------------------------------------------------ */

static int key_eq(ss_key a, ss_key b) {
  return a.t == b.t && a.cls == b.cls && a.id == b.id;
}

static int key_cmp(const void *pa, const void *pb) {
  ss_key a = *(const ss_key *)pa, b = *(const ss_key *)pb;
  return ss_key_less(a, b) ? -1 : ss_key_less(b, a) ? 1 : 0;
}

static int arrival_cmp(const void *pa, const void *pb) {
  return key_cmp(&((const ss_arrival *)pa)->key, &((const ss_arrival *)pb)->key);
}

#define KFMT "{t=%.17g cls=%u id=%u}"
#define KARG(k) (k).t, (unsigned)(k).cls, (unsigned)(k).id

/* Heap order, pos[] consistency and entry count of an indexed heap.  Returns
 * NULL if fine, else a description of the first violation (static buffer). */
static const char *nheap_check(const ss_nheap *h) {
  static char msg[256];
  if (h->n > h->cap) {
    snprintf(msg, sizeof msg, "n=%u > cap=%u", (unsigned)h->n, (unsigned)h->cap);
    return msg;
  }
  for (uint32_t i = 0; i < h->n; i++) {
    ss_key k = h->heap[i];
    if (k.id >= h->cap || h->pos[k.id] != i) {
      snprintf(msg, sizeof msg, "heap[%u]=" KFMT " but pos[id]=%u", (unsigned)i,
               KARG(k), k.id < h->cap ? (unsigned)h->pos[k.id] : 0u);
      return msg;
    }
    if (i && ss_key_less(k, h->heap[(i - 1) / 4])) {
      snprintf(msg, sizeof msg, "heap[%u]=" KFMT " < parent heap[%u]=" KFMT,
               (unsigned)i, KARG(k), (unsigned)((i - 1) / 4),
               KARG(h->heap[(i - 1) / 4]));
      return msg;
    }
  }
  uint32_t present = 0;
  for (uint32_t id = 0; id < h->cap; id++) {
    if (h->pos[id] == ABSENT) continue;
    present++;
    if (h->pos[id] >= h->n) {
      snprintf(msg, sizeof msg, "pos[%u]=%u >= n=%u", (unsigned)id,
               (unsigned)h->pos[id], (unsigned)h->n);
      return msg;
    }
  }
  if (present != h->n) {
    snprintf(msg, sizeof msg, "%u ids present but n=%u", (unsigned)present,
             (unsigned)h->n);
    return msg;
  }
  return NULL;
}

static const char *aheap_check(const ss_aheap *h) {
  static char msg[256];
  if (h->n > h->cap) {
    snprintf(msg, sizeof msg, "n=%zu > cap=%zu", h->n, h->cap);
    return msg;
  }
  for (size_t i = 1; i < h->n; i++)
    if (ss_key_less(h->a[i].key, h->a[(i - 1) / 4].key)) {
      snprintf(msg, sizeof msg, "a[%zu]=" KFMT " < parent a[%zu]=" KFMT, i,
               KARG(h->a[i].key), (i - 1) / 4, KARG(h->a[(i - 1) / 4].key));
      return msg;
    }
  return NULL;
}

/* Reference for the indexed heap: key per id and a presence flag; the
 * minimum is found by an O(n) scan with ss_key_less. */
typedef struct {
  uint32_t n;
  ss_key *k;
  unsigned char *in;
} ref_nheap;

static ss_key ref_top(const ref_nheap *r) {
  ss_key best = {INFINITY, SS_EV_NONE, 0};
  int found = 0;
  for (uint32_t i = 0; i < r->n; i++)
    if (r->in[i] && (!found || ss_key_less(r->k[i], best))) {
      best = r->k[i];
      found = 1;
    }
  return best;
}

static uint32_t ref_count(const ref_nheap *r) {
  uint32_t c = 0;
  for (uint32_t i = 0; i < r->n; i++) c += r->in[i];
  return c;
}

/* A time drawn from few distinct values so that ties on t (and on t and
 * cls) are frequent; sometimes +INFINITY, sometimes negative. */
static double draw_time(ss_rng *rng, int coarse) {
  uint64_t u = ss_rng_below(rng, 100);
  if (u < 8) return INFINITY;
  if (coarse) return (double)ss_rng_below(rng, 6) - 1.0; /* -1 .. 4 */
  return ss_rng_uniform(rng) * 100.0;
}

static uint32_t draw_cls(ss_rng *rng) {
  static const uint32_t cls[] = {SS_EV_SAMPLE, SS_EV_WINDOW, SS_EV_SPIKE,
                                 SS_EV_REF_END, SS_EV_ARRIVAL};
  return cls[ss_rng_below(rng, sizeof cls / sizeof cls[0])];
}

/* One randomised run: `ops` operations on `n_ids` ids.  The heap invariant
 * is checked every `check_every` steps and at the end. */
static void nheap_random_run(uint64_t seed, uint32_t n_ids, long ops,
                             int coarse, long check_every) {
  ss_rng rng;
  ss_rng_init(&rng, seed, n_ids);
  ss_nheap *h = ss_nheap_create(n_ids);
  ck_assert_ptr_nonnull(h);
  ref_nheap r = {n_ids, calloc(n_ids, sizeof(ss_key)), calloc(n_ids, 1)};
  ck_assert(r.k && r.in);

  for (long step = 0; step < ops; step++) {
    uint64_t op = ss_rng_below(&rng, 100);
    uint32_t id = (uint32_t)ss_rng_below(&rng, n_ids);
    const char *what;
    if (op < 55) { /* set: insert / decrease / increase / remove-by-inf */
      double t = draw_time(&rng, coarse);
      uint32_t cls = draw_cls(&rng);
      what = "set";
      ss_nheap_set(h, id, t, cls);
      if (t == INFINITY) {
        r.in[id] = 0;
      } else {
        r.k[id] = (ss_key){t, cls, id};
        r.in[id] = 1;
      }
      REQUIRE(ss_nheap_get(h, id, NULL) == r.in[id],
                    "seed %llu step %ld: after set(id=%u, t=%.17g, cls=%u) "
                    "get says %s",
                    (unsigned long long)seed, step, (unsigned)id, t,
                    (unsigned)cls, r.in[id] ? "absent" : "present");
    } else if (op < 65) {
      what = "remove";
      ss_nheap_remove(h, id);
      r.in[id] = 0;
    } else if (op < 90) {
      what = "pop";
      ss_key want = ref_top(&r);
      if (want.cls == SS_EV_NONE) {
        REQUIRE(h->n == 0, "seed %llu step %ld: reference empty, heap n=%u",
                      (unsigned long long)seed, step, (unsigned)h->n);
      } else {
        REQUIRE(h->n > 0, "seed %llu step %ld: heap empty, expected " KFMT,
                      (unsigned long long)seed, step, KARG(want));
        ss_key got = ss_nheap_pop(h);
        REQUIRE(key_eq(got, want),
                      "seed %llu step %ld: pop gave " KFMT ", expected " KFMT,
                      (unsigned long long)seed, step, KARG(got), KARG(want));
        r.in[want.id] = 0;
      }
    } else if (op < 99) {
      what = "get";
      ss_key k = {0, 0, 0};
      int have = ss_nheap_get(h, id, &k);
      REQUIRE(have == r.in[id],
                    "seed %llu step %ld: get(%u) = %d, expected %d",
                    (unsigned long long)seed, step, (unsigned)id, have, r.in[id]);
      if (have)
        REQUIRE(key_eq(k, r.k[id]),
                      "seed %llu step %ld: get(%u) gave " KFMT ", expected " KFMT,
                      (unsigned long long)seed, step, (unsigned)id, KARG(k),
                      KARG(r.k[id]));
    } else if (ss_rng_below(&rng, 20) == 0) { /* rare: clear */
      what = "clear";
      ss_nheap_clear(h);
      memset(r.in, 0, n_ids);
    } else {
      what = "none";
    }
    ss_key top = ss_nheap_top(h), want = ref_top(&r);
    REQUIRE(key_eq(top, want),
                  "seed %llu step %ld after %s(id=%u): top " KFMT
                  ", expected " KFMT,
                  (unsigned long long)seed, step, what, (unsigned)id, KARG(top),
                  KARG(want));
    if (step % check_every == 0) {
      const char *bad = nheap_check(h);
      REQUIRE(!bad, "seed %llu step %ld after %s(id=%u): %s",
                    (unsigned long long)seed, step, what, (unsigned)id, bad);
      REQUIRE(h->n == ref_count(&r), "seed %llu step %ld: n=%u, reference %u",
              (unsigned long long)seed, step, (unsigned)h->n,
              (unsigned)ref_count(&r));
    }
  }
  const char *bad = nheap_check(h);
  REQUIRE(!bad, "seed %llu at end: %s", (unsigned long long)seed, bad);
  ck_assert_uint_eq(h->n, ref_count(&r));

  /* drain: the rest comes out in reference order */
  while (h->n) {
    ss_key want = ref_top(&r), got = ss_nheap_pop(h);
    REQUIRE(key_eq(got, want), "seed %llu drain: pop gave " KFMT
                  ", expected " KFMT, (unsigned long long)seed, KARG(got),
                  KARG(want));
    r.in[want.id] = 0;
  }
  ck_assert_uint_eq(ref_count(&r), 0);
  free(r.k);
  free(r.in);
  ss_nheap_destroy(h);
}

/* ---- ss_nheap ----------------------------------------------------------- */

START_TEST(test_nheap_random_ops_match_reference_with_many_ties) {
  /* 37 ids, times in {-1..4}: ties on t and on (t, cls) are the norm */
  nheap_random_run(20240601u, 37, 120000, 1, 1);
}
END_TEST

START_TEST(test_nheap_random_ops_match_reference_continuous_times) {
  nheap_random_run(7u, 1000, 100000, 0, 101);
}
END_TEST

START_TEST(test_nheap_random_ops_match_reference_sizes_1_to_9) {
  /* tiny heaps exercise the partial last sibling group */
  for (uint32_t n = 1; n <= 9; n++) nheap_random_run(99u + n, n, 4000, 1, 1);
}
END_TEST

START_TEST(test_nheap_empty_top_is_none) {
  ss_nheap *h = ss_nheap_create(4);
  ck_assert_ptr_nonnull(h);
  ss_key k = ss_nheap_top(h);
  ck_assert(k.t == INFINITY);
  ck_assert_uint_eq(k.cls, SS_EV_NONE);
  ck_assert_uint_eq(h->n, 0);
  for (uint32_t i = 0; i < 4; i++) {
    ck_assert_uint_eq(h->pos[i], ABSENT);
    ck_assert_int_eq(ss_nheap_get(h, i, NULL), 0);
  }
  ck_assert_int_eq(ss_nheap_get(h, 4, NULL), 0); /* out of range: absent */
  ss_nheap_destroy(h);
  ss_nheap_destroy(NULL);
}
END_TEST

START_TEST(test_nheap_zero_ids_is_empty_heap) {
  ss_nheap *h = ss_nheap_create(0);
  ck_assert_ptr_nonnull(h);
  ck_assert_uint_eq(h->cap, 0);
  ck_assert(ss_nheap_top(h).t == INFINITY);
  ck_assert_int_eq(ss_nheap_get(h, 0, NULL), 0);
  ss_nheap_clear(h);
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_ties_on_t_broken_by_cls_then_id) {
  ss_nheap *h = ss_nheap_create(8);
  ck_assert_ptr_nonnull(h);
  /* all at t = 1 except id 7 (earlier) and id 0 (later) */
  ss_nheap_set(h, 5, 1.0, SS_EV_ARRIVAL);
  ss_nheap_set(h, 3, 1.0, SS_EV_SPIKE);
  ss_nheap_set(h, 0, 2.0, SS_EV_SAMPLE);
  ss_nheap_set(h, 6, 1.0, SS_EV_SPIKE);
  ss_nheap_set(h, 1, 1.0, SS_EV_REF_END);
  ss_nheap_set(h, 2, 1.0, SS_EV_SPIKE);
  ss_nheap_set(h, 4, 1.0, SS_EV_WINDOW);
  ss_nheap_set(h, 7, 0.5, SS_EV_INPUT);
  static const ss_key want[] = {
      {0.5, SS_EV_INPUT, 7}, {1.0, SS_EV_WINDOW, 4}, {1.0, SS_EV_SPIKE, 2},
      {1.0, SS_EV_SPIKE, 3}, {1.0, SS_EV_SPIKE, 6},  {1.0, SS_EV_REF_END, 1},
      {1.0, SS_EV_ARRIVAL, 5}, {2.0, SS_EV_SAMPLE, 0}};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    ss_key got = ss_nheap_pop(h);
    REQUIRE(key_eq(got, want[i]), "pop %zu gave " KFMT ", expected " KFMT,
                  i, KARG(got), KARG(want[i]));
  }
  ck_assert_uint_eq(h->n, 0);
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_set_infinity_removes) {
  ss_nheap *h = ss_nheap_create(10);
  ck_assert_ptr_nonnull(h);
  for (uint32_t i = 0; i < 10; i++) ss_nheap_set(h, i, 10.0 - i, SS_EV_SPIKE);
  ck_assert_uint_eq(h->n, 10);
  ss_nheap_set(h, 9, INFINITY, SS_EV_SPIKE); /* the current minimum */
  ss_nheap_set(h, 0, INFINITY, SS_EV_SPIKE); /* the maximum */
  ss_nheap_set(h, 4, INFINITY, SS_EV_REF_END);
  ss_nheap_set(h, 4, INFINITY, SS_EV_REF_END); /* absent: no-op */
  ck_assert_uint_eq(h->n, 7);
  ck_assert_int_eq(ss_nheap_get(h, 9, NULL), 0);
  ck_assert_int_eq(ss_nheap_get(h, 0, NULL), 0);
  ck_assert_int_eq(ss_nheap_get(h, 4, NULL), 0);
  ck_assert_uint_eq(h->pos[9], ABSENT);
  ck_assert_ptr_null(nheap_check(h));
  ck_assert_uint_eq(ss_nheap_top(h).id, 8);
  static const uint32_t order[] = {8, 7, 6, 5, 3, 2, 1};
  for (size_t i = 0; i < 7; i++) ck_assert_uint_eq(ss_nheap_pop(h).id, order[i]);
  /* NaN has no place in the order: treated as "no event" too */
  ss_nheap_set(h, 2, 1.0, SS_EV_SPIKE);
  ss_nheap_set(h, 2, NAN, SS_EV_SPIKE);
  ck_assert_uint_eq(h->n, 0);
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_get_returns_current_key) {
  ss_nheap *h = ss_nheap_create(5);
  ck_assert_ptr_nonnull(h);
  ss_key k;
  ss_nheap_set(h, 3, 4.0, SS_EV_SPIKE);
  ss_nheap_set(h, 1, 2.0, SS_EV_SPIKE);
  ck_assert_int_eq(ss_nheap_get(h, 3, &k), 1);
  ck_assert(key_eq(k, (ss_key){4.0, SS_EV_SPIKE, 3}));
  ss_nheap_set(h, 3, 1.0, SS_EV_REF_END); /* decrease, class change */
  ck_assert_int_eq(ss_nheap_get(h, 3, &k), 1);
  ck_assert(key_eq(k, (ss_key){1.0, SS_EV_REF_END, 3}));
  ck_assert_uint_eq(ss_nheap_top(h).id, 3);
  ss_nheap_set(h, 3, 7.5, SS_EV_SPIKE); /* increase */
  ck_assert_int_eq(ss_nheap_get(h, 3, &k), 1);
  ck_assert(key_eq(k, (ss_key){7.5, SS_EV_SPIKE, 3}));
  ck_assert_uint_eq(ss_nheap_top(h).id, 1);
  ss_nheap_set(h, 3, 7.5, SS_EV_SPIKE); /* unchanged */
  ck_assert_uint_eq(h->n, 2);
  ss_nheap_remove(h, 3);
  ck_assert_int_eq(ss_nheap_get(h, 3, &k), 0);
  ss_nheap_remove(h, 3); /* absent: no-op */
  ck_assert_int_eq(ss_nheap_get(h, 0, NULL), 0);
  ck_assert_int_eq(ss_nheap_get(h, 1, NULL), 1);
  ck_assert_ptr_null(nheap_check(h));
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_clear_empties_and_heap_is_reusable) {
  ss_nheap *h = ss_nheap_create(100);
  ck_assert_ptr_nonnull(h);
  for (uint32_t i = 0; i < 100; i += 3) ss_nheap_set(h, i, i * 0.5, SS_EV_SPIKE);
  ss_nheap_clear(h);
  ck_assert_uint_eq(h->n, 0);
  ck_assert(ss_nheap_top(h).t == INFINITY);
  for (uint32_t i = 0; i < 100; i++) ck_assert_uint_eq(h->pos[i], ABSENT);
  ss_nheap_set(h, 42, 3.0, SS_EV_SPIKE);
  ss_nheap_set(h, 41, 2.0, SS_EV_SPIKE);
  ck_assert_ptr_null(nheap_check(h));
  ck_assert_uint_eq(ss_nheap_pop(h).id, 41);
  ck_assert_uint_eq(ss_nheap_pop(h).id, 42);
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_pop_order_equals_sorted_order) {
  enum { N = 5000 };
  ss_rng rng;
  ss_rng_init(&rng, 12345u, 1);
  ss_nheap *h = ss_nheap_create(N);
  ss_key *ref = malloc(N * sizeof *ref);
  ck_assert(h && ref);
  for (uint32_t i = 0; i < N; i++) {
    /* multiples of 1/8: ties on t; several sets per id, last one counts */
    for (int rep = 0; rep < 3; rep++) {
      ref[i] = (ss_key){(double)ss_rng_below(&rng, 200) / 8.0, draw_cls(&rng), i};
      ss_nheap_set(h, i, ref[i].t, ref[i].cls);
    }
  }
  ck_assert_ptr_null(nheap_check(h));
  qsort(ref, N, sizeof *ref, key_cmp);
  for (uint32_t i = 0; i < N; i++) {
    ss_key got = ss_nheap_pop(h);
    REQUIRE(key_eq(got, ref[i]), "pop %u gave " KFMT ", expected " KFMT,
                  (unsigned)i, KARG(got), KARG(ref[i]));
  }
  ck_assert_uint_eq(h->n, 0);
  free(ref);
  ss_nheap_destroy(h);
}
END_TEST

START_TEST(test_nheap_negative_and_huge_times_order) {
  ss_nheap *h = ss_nheap_create(4);
  ck_assert_ptr_nonnull(h);
  ss_nheap_set(h, 0, 1e300, SS_EV_SPIKE);
  ss_nheap_set(h, 1, -INFINITY, SS_EV_SPIKE);
  ss_nheap_set(h, 2, -0.0, SS_EV_SPIKE);
  ss_nheap_set(h, 3, 0.0, SS_EV_WINDOW); /* -0.0 == 0.0: cls decides */
  ck_assert_uint_eq(ss_nheap_pop(h).id, 1);
  ck_assert_uint_eq(ss_nheap_pop(h).id, 3);
  ck_assert_uint_eq(ss_nheap_pop(h).id, 2);
  ck_assert_uint_eq(ss_nheap_pop(h).id, 0);
  ss_nheap_destroy(h);
}
END_TEST

/* ---- ss_aheap ----------------------------------------------------------- */

static ss_arrival make_arrival(ss_rng *rng, uint32_t serial) {
  ss_arrival e;
  memset(&e, 0, sizeof e);
  e.t_spike = (double)ss_rng_below(rng, 64) / 4.0;
  e.key.t = e.t_spike + (double)(1 + ss_rng_below(rng, 4)) * 0.25; /* ties */
  e.key.cls = SS_EV_ARRIVAL;
  e.key.id = (uint32_t)ss_rng_below(rng, 16); /* ties on (t, cls, id) too */
  e.group = serial;                           /* payload, unique */
  return e;
}

START_TEST(test_aheap_grows_from_cap_1_and_pops_in_sorted_order) {
  enum { N = 20000 };
  ss_rng rng;
  ss_rng_init(&rng, 777u, 2);
  ss_aheap *h = ss_aheap_create(1);
  ss_arrival *ref = malloc(N * sizeof *ref);
  ck_assert(h && ref);
  ck_assert_uint_eq(h->cap, 1);
  size_t grows = 0, cap = h->cap;
  for (uint32_t i = 0; i < N; i++) {
    ref[i] = make_arrival(&rng, i);
    REQUIRE(ss_aheap_push(h, &ref[i]) == SS_OK, "push %u failed", (unsigned)i);
    REQUIRE(h->n == i + 1, "push %u: n=%zu", (unsigned)i, h->n);
    if (h->cap != cap) {
      REQUIRE(h->cap == 2 * cap, "cap %zu -> %zu is not doubling", cap, h->cap);
      cap = h->cap;
      grows++;
    }
    if (i % 997 == 0) {
      const char *bad = aheap_check(h);
      REQUIRE(!bad, "after push %u: %s", (unsigned)i, bad);
    }
  }
  ck_assert_uint_eq(grows, 15); /* 1 -> 32768 */
  ck_assert_ptr_null(aheap_check(h));
  qsort(ref, N, sizeof *ref, arrival_cmp);
  for (uint32_t i = 0; i < N; i++) {
    ss_arrival got;
    ss_aheap_pop(h, &got);
    REQUIRE(key_eq(got.key, ref[i].key),
                  "pop %u gave " KFMT ", expected " KFMT, (unsigned)i,
                  KARG(got.key), KARG(ref[i].key));
    /* payload travels with its key (among equal keys any order is fine) */
    REQUIRE(got.t_spike < got.key.t, "pop %u: payload t_spike %g, key t %g",
            (unsigned)i, got.t_spike, got.key.t);
  }
  ck_assert_uint_eq(h->n, 0);
  ck_assert_uint_eq(h->cap, cap); /* capacity is kept */
  ck_assert(ss_aheap_top(h).t == INFINITY);
  ck_assert_uint_eq(ss_aheap_top(h).cls, SS_EV_NONE);
  free(ref);
  ss_aheap_destroy(h);
}
END_TEST

START_TEST(test_aheap_random_push_pop_match_reference) {
  enum { OPS = 150000, MAXN = 4096 };
  ss_rng rng;
  ss_rng_init(&rng, 31337u, 3);
  ss_aheap *h = ss_aheap_create(0); /* hint 0: still usable */
  ss_arrival *ref = malloc(MAXN * sizeof *ref);
  ck_assert(h && ref);
  size_t rn = 0;
  uint32_t serial = 0;
  for (long step = 0; step < OPS; step++) {
    /* drift the push probability so the size swings between 0 and ~600 */
    int push_bias = ((step / 5000) % 2) ? 40 : 60;
    int push = rn == 0 || (rn < MAXN && (int)ss_rng_below(&rng, 100) < push_bias);
    if (push) {
      ss_arrival e = make_arrival(&rng, serial++);
      REQUIRE(ss_aheap_push(h, &e) == SS_OK, "step %ld: push failed", step);
      ref[rn++] = e;
    } else {
      size_t best = 0; /* O(n) scan; among equal keys take the first found */
      for (size_t j = 1; j < rn; j++)
        if (ss_key_less(ref[j].key, ref[best].key)) best = j;
      ss_arrival got;
      ss_key top = ss_aheap_top(h);
      ss_aheap_pop(h, &got);
      REQUIRE(key_eq(got.key, ref[best].key) && key_eq(top, got.key),
                    "seed 31337 step %ld: pop gave " KFMT " (top " KFMT
                    "), expected " KFMT,
                    step, KARG(got.key), KARG(top), KARG(ref[best].key));
      /* find the very entry (by its unique serial) and remove it */
      size_t j = 0;
      while (j < rn && ref[j].group != got.group) j++;
      REQUIRE(j < rn && key_eq(ref[j].key, got.key) &&
                        ref[j].t_spike == got.t_spike,
                    "step %ld: popped payload (group %u, t_spike %g) does not "
                    "match a pending entry with key " KFMT,
                    step, (unsigned)got.group, got.t_spike, KARG(got.key));
      ref[j] = ref[--rn];
    }
    REQUIRE(h->n == rn, "step %ld: n=%zu, reference %zu", step, h->n, rn);
    if (step % 499 == 0) {
      const char *bad = aheap_check(h);
      REQUIRE(!bad, "seed 31337 step %ld: %s", step, bad);
    }
  }
  free(ref);
  ss_aheap_destroy(h);
}
END_TEST

START_TEST(test_aheap_clear_keeps_capacity) {
  ss_aheap *h = ss_aheap_create(2);
  ck_assert_ptr_nonnull(h);
  ss_arrival e;
  memset(&e, 0, sizeof e);
  e.key.cls = SS_EV_ARRIVAL;
  for (uint32_t i = 0; i < 100; i++) {
    e.key.t = 100.0 - i;
    e.key.id = i;
    ck_assert_int_eq(ss_aheap_push(h, &e), SS_OK);
  }
  size_t cap = h->cap;
  ck_assert_uint_ge(cap, 100);
  ss_aheap_clear(h);
  ck_assert_uint_eq(h->n, 0);
  ck_assert_uint_eq(h->cap, cap);
  ck_assert(ss_aheap_top(h).t == INFINITY);
  e.key.t = 5.0;
  ck_assert_int_eq(ss_aheap_push(h, &e), SS_OK);
  ck_assert(ss_aheap_top(h).t == 5.0);
  ss_aheap_destroy(h);
  ss_aheap_destroy(NULL);
}
END_TEST

START_TEST(test_aheap_impossible_capacity_returns_null) {
  ck_assert_ptr_null(ss_aheap_create(SIZE_MAX));
  ck_assert_ptr_null(ss_aheap_create(SIZE_MAX / sizeof(ss_arrival)));
}
END_TEST

START_TEST(test_aligned_layout_of_sibling_groups) {
  /* siblings 4i+1..4i+4 share cache lines: element 1 is 64-byte aligned */
  ss_nheap *h = ss_nheap_create(16);
  ss_aheap *a = ss_aheap_create(16);
  ck_assert(h && a);
  ck_assert_uint_eq((uintptr_t)(h->heap + 1) % 64, 0);
  ck_assert_uint_eq((uintptr_t)(a->a + 1) % 64, 0);
  ss_arrival e;
  memset(&e, 0, sizeof e);
  for (int i = 0; i < 40; i++) ck_assert_int_eq(ss_aheap_push(a, &e), SS_OK);
  ck_assert_uint_eq((uintptr_t)(a->a + 1) % 64, 0); /* still after growth */
  ss_nheap_destroy(h);
  ss_aheap_destroy(a);
}
END_TEST

int main(void) {
  Suite *s = suite_create("queue");
  TCase *tn = tcase_create("nheap");
  tcase_add_test(tn, test_nheap_random_ops_match_reference_with_many_ties);
  tcase_add_test(tn, test_nheap_random_ops_match_reference_continuous_times);
  tcase_add_test(tn, test_nheap_random_ops_match_reference_sizes_1_to_9);
  tcase_add_test(tn, test_nheap_empty_top_is_none);
  tcase_add_test(tn, test_nheap_zero_ids_is_empty_heap);
  tcase_add_test(tn, test_nheap_ties_on_t_broken_by_cls_then_id);
  tcase_add_test(tn, test_nheap_set_infinity_removes);
  tcase_add_test(tn, test_nheap_get_returns_current_key);
  tcase_add_test(tn, test_nheap_clear_empties_and_heap_is_reusable);
  tcase_add_test(tn, test_nheap_pop_order_equals_sorted_order);
  tcase_add_test(tn, test_nheap_negative_and_huge_times_order);
  suite_add_tcase(s, tn);
  TCase *ta = tcase_create("aheap");
  tcase_add_test(ta, test_aheap_grows_from_cap_1_and_pops_in_sorted_order);
  tcase_add_test(ta, test_aheap_random_push_pop_match_reference);
  tcase_add_test(ta, test_aheap_clear_keeps_capacity);
  tcase_add_test(ta, test_aheap_impossible_capacity_returns_null);
  tcase_add_test(ta, test_aligned_layout_of_sibling_groups);
  suite_add_tcase(s, ta);
  return ss_test_run(s);
}
