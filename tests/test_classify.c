/* test_classify.c - the classification error: hand-worked cases, a
 * brute-force reference on random stimuli and spikes, the engine's merged
 * error log, and checkpoint round trips. */
#include <math.h>

#include "superspike/checkpoint.h"
#include "superspike/classify.h"
#include "superspike/rng.h"
#include "testutil.h"

static ss_err_rec *ev;
static size_t n_ev, cap_ev;

static void reset_ev(void) { n_ev = 0; }

START_TEST(test_hand_worked) {
  const double onset[] = {100, 200};
  const uint8_t cls[] = {0, 1};
  ss_error err;
  ss_classify *c = ss_classify_create(5, 2, onset, cls, 2, 25, &err);
  ck_assert_ptr_nonnull(c);
  ck_assert_int_eq(ss_classify_spike(c, 50, 5), -1);  /* before any window */
  ck_assert_int_eq(ss_classify_spike(c, 110, 5), 0);  /* correct, first: free */
  ck_assert_int_eq(ss_classify_spike(c, 112, 5), -1); /* correct, second */
  ck_assert_int_eq(ss_classify_spike(c, 115, 6), -1); /* wrong class */
  ck_assert_int_eq(ss_classify_spike(c, 125, 5), -1); /* at the window end: outside */
  reset_ev();
  ck_assert_int_eq(ss_classify_flush(c, 225, &ev, &n_ev, &cap_ev), 0); /* window 2 ends at 225: not yet */
  size_t n;
  const ss_class_outcome *o = ss_classify_outcomes(c, &n);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(o[0].hit, 1);
  ck_assert_uint_eq(o[0].n_wrong, 1);
  ck_assert_int_eq(o[0].correct, 0);
  ck_assert_double_eq(o[0].latency, 10);
  ck_assert_int_eq(ss_classify_flush(c, 225.5, &ev, &n_ev, &cap_ev), 1); /* the miss */
  ck_assert_uint_eq(n_ev, 1);
  ck_assert_double_eq(ev[0].t, 225);
  ck_assert_uint_eq(ev[0].neuron, 6);
  ck_assert_int_eq(ev[0].sign, 1);
  o = ss_classify_outcomes(c, &n);
  ck_assert_uint_eq(n, 2);
  ck_assert_int_eq(o[1].hit, 0);
  ck_assert_double_eq(o[1].latency, -1);
  ck_assert_double_eq(ss_classify_accuracy(c, 100), 0.0);
  ss_classify_destroy(c);
}
END_TEST

/* extra_spikes = free: every spike of the correct neuron in its window is
 * free; wrong neurons and spikes outside windows still cost -1. */
START_TEST(test_extra_spikes_free) {
  const double onset[] = {100};
  const uint8_t cls[] = {1};
  ss_classify *c = ss_classify_create(0, 2, onset, cls, 1, 25, NULL);
  ss_classify_set_extra_free(c, 1);
  ck_assert_int_eq(ss_classify_spike(c, 105, 1), 0);
  ck_assert_int_eq(ss_classify_spike(c, 110, 1), 0);
  ck_assert_int_eq(ss_classify_spike(c, 111, 0), -1);
  ck_assert_int_eq(ss_classify_spike(c, 130, 1), -1);
  reset_ev();
  ck_assert_int_eq(ss_classify_flush(c, 200, &ev, &n_ev, &cap_ev), 0);
  size_t n;
  const ss_class_outcome *o = ss_classify_outcomes(c, &n);
  ck_assert(o[0].hit && !o[0].correct && o[0].n_wrong == 1);
  ck_assert_double_eq(o[0].latency, 5);
  ss_classify_destroy(c);
}
END_TEST

/* late_spikes = free (ss_classify_set_late): after a miss, the correct
 * neuron's first spike in [end, end + late) is free; the miss's +1 event,
 * the judgement, wrong neurons and spikes after a hit are unchanged. */
START_TEST(test_late_spikes_free) {
  const double onset[] = {100, 200, 300};
  const uint8_t cls[] = {1, 0, 1};
  for (int late = 0; late < 2; ++late) {
    ss_classify *c = ss_classify_create(0, 2, onset, cls, 3, 25, NULL);
    if (late) ss_classify_set_late(c, 10);
    ck_assert_int_eq(ss_classify_spike(c, 90, 1), -1);           /* before any window */
    ck_assert_int_eq(ss_classify_spike(c, 125, 0), -1);          /* stimulus 0 missed: the wrong neuron late */
    ck_assert_int_eq(ss_classify_spike(c, 125, 1), late ? 0 : -1); /* the correct one at the window end */
    ck_assert_int_eq(ss_classify_spike(c, 126, 1), -1);          /* only its first late spike */
    ck_assert_int_eq(ss_classify_spike(c, 210, 0), 0);           /* stimulus 1 hit */
    ck_assert_int_eq(ss_classify_spike(c, 226, 0), -1);          /* late after a hit: an extra spike */
    ck_assert_int_eq(ss_classify_spike(c, 335, 1), -1);          /* stimulus 2 missed; end + late: too late */
    reset_ev();
    ck_assert_int_eq(ss_classify_flush(c, 1000, &ev, &n_ev, &cap_ev), 2); /* both misses stand */
    ck_assert_double_eq(ev[0].t, 125);
    ck_assert_uint_eq(ev[0].neuron, 1);
    ck_assert_int_eq(ev[0].sign, 1);
    ck_assert_double_eq(ev[1].t, 325);
    size_t n;
    const ss_class_outcome *o = ss_classify_outcomes(c, &n);
    ck_assert(!o[0].hit && !o[0].correct && o[0].n_wrong == 0 && o[0].latency == -1);
    ck_assert(o[1].hit && o[1].correct);
    ck_assert_double_eq(ss_classify_accuracy(c, 3), 1.0 / 3.0);
    ss_classify_destroy(c);
  }
  /* just inside end + late; with extra_spikes = free every late spike is free */
  ss_classify *c = ss_classify_create(0, 2, onset, cls, 3, 25, NULL);
  ss_classify_set_late(c, 10);
  ss_classify_set_extra_free(c, 1);
  ck_assert_int_eq(ss_classify_spike(c, 130, 1), 0);
  ck_assert_int_eq(ss_classify_spike(c, nextafter(135, 0), 1), 0);
  ck_assert_int_eq(ss_classify_spike(c, 135, 1), -1);
  ck_assert_int_eq(ss_classify_spike(c, 330, 1), 0); /* after the last window */
  ss_classify_destroy(c);
}
END_TEST

START_TEST(test_accuracy_counts_last) {
  const double onset[] = {0, 100, 200, 300};
  const uint8_t cls[] = {1, 0, 1, 0};
  ss_classify *c = ss_classify_create(0, 2, onset, cls, 4, 30, NULL);
  ck_assert(isnan(ss_classify_accuracy(c, 10)));
  ss_classify_spike(c, 5, 1);   /* stimulus 0 correct */
  ss_classify_spike(c, 105, 1); /* stimulus 1: wrong neuron only */
  ss_classify_spike(c, 210, 1); /* stimulus 2 correct */
  ss_classify_spike(c, 301, 0); /* stimulus 3: correct + wrong */
  ss_classify_spike(c, 302, 1);
  reset_ev();
  ck_assert_int_eq(ss_classify_flush(c, 1000, &ev, &n_ev, &cap_ev), 1); /* stimulus 1 missed */
  ck_assert_double_eq(ev[0].t, 130);
  ck_assert_uint_eq(ev[0].neuron, 0);
  ck_assert_double_eq(ss_classify_accuracy(c, 100), 0.5);
  ck_assert_double_eq(ss_classify_accuracy(c, 2), 0.5);
  ck_assert_double_eq(ss_classify_accuracy(c, 3), 1.0 / 3.0);
  ss_classify_destroy(c);
}
END_TEST

START_TEST(test_bad_stimuli) {
  ss_error err;
  const double on[] = {0, 20};
  const uint8_t cl[] = {0, 1}, bad[] = {0, 2};
  ck_assert_ptr_null(ss_classify_create(0, 2, on, cl, 2, 25, &err));
  ck_assert_str_eq(err.msg, "classification: stimulus 2 (onset 20 ms) starts inside the window of stimulus 1 "
                            "(0 ms + 25 ms): windows must not overlap");
  ck_assert_ptr_null(ss_classify_create(0, 2, on, bad, 2, 10, &err));
  ck_assert_str_eq(err.msg, "classification: stimulus 2: class 2 needs 3 output neurons (have 2)");
  ck_assert_ptr_null(ss_classify_create(0, 2, on, cl, 2, 0, &err));
  ck_assert_str_eq(err.msg, "classification: the window of opportunity must be > 0 (got 0 ms)");
}
END_TEST

/* Brute force: for every spike scan all windows; misses from the full
 * spike list.  Both must give the same events and outcomes. */
START_TEST(test_random_vs_brute_force) {
  ss_rng r;
  ss_rng_init(&r, 11, 3);
  for (int trial = 0; trial < 50; ++trial) {
    enum { NS = 40, NC = 3, NSP = 300 };
    const double W = 25;
    double onset[NS];
    uint8_t cls[NS];
    double t = ss_rng_uniform(&r) * 50;
    for (int k = 0; k < NS; ++k) {
      onset[k] = t;
      cls[k] = (uint8_t)ss_rng_below(&r, NC);
      t += W + ss_rng_uniform(&r) * 60 * (k % 3 == 0 ? 0 : 1); /* some windows back to back */
    }
    double sp_t[NSP];
    uint32_t sp_n[NSP];
    double s = 0;
    for (int k = 0; k < NSP; ++k) {
      s += ss_rng_exponential(&r) * t / NSP;
      if (k % 7 == 3) sp_t[k] = sp_t[k - 1]; /* ties */
      else sp_t[k] = s;
      if (k % 11 == 5) sp_t[k] = onset[(k / 11) % NS] + (k % 2 ? 0 : W); /* window edges */
      if (k && sp_t[k] < sp_t[k - 1]) sp_t[k] = sp_t[k - 1];
      sp_n[k] = 10 + (uint32_t)ss_rng_below(&r, NC);
    }
    ss_classify *c = ss_classify_create(10, NC, onset, cls, NS, W, NULL);
    ck_assert_ptr_nonnull(c);
    const double late = trial % 2 ? 5 + 10 * (trial % 5) : 0; /* odd trials: late_spikes = free */
    ss_classify_set_late(c, late);
    int hit[NS] = {0}, wrong[NS] = {0}, used[NS] = {0};
    reset_ev();
    for (int k = 0; k < NSP; ++k) {
      int want = -1, in = -1;
      for (int j = 0; j < NS; ++j)
        if (sp_t[k] >= onset[j] && sp_t[k] < onset[j] + W) in = j;
      int last = -1; /* the last window that ended at or before the spike */
      for (int j = 0; j < NS; ++j)
        if (onset[j] + W <= sp_t[k]) last = j;
      if (in < 0 && late > 0 && last >= 0 && sp_n[k] - 10 == cls[last] && !hit[last] && !used[last] &&
          sp_t[k] < onset[last] + W + late) {
        used[last] = 1;
        want = 0;
      }
      if (in >= 0) {
        if (sp_n[k] - 10 == cls[in] && !hit[in]) {
          hit[in] = 1;
          want = 0;
        } else if (sp_n[k] - 10 != cls[in]) {
          wrong[in]++;
        }
      }
      ck_assert_int_eq(ss_classify_spike(c, sp_t[k], sp_n[k]), want);
      if (k % 37 == 0) ck_assert_int_ge(ss_classify_flush(c, sp_t[k], &ev, &n_ev, &cap_ev), 0);
    }
    ck_assert_int_ge(ss_classify_flush(c, INFINITY, &ev, &n_ev, &cap_ev), 0);
    size_t m = 0, n;
    for (int j = 0; j < NS; ++j)
      if (!hit[j]) {
        ck_assert_uint_lt(m, n_ev);
        ck_assert_double_eq(ev[m].t, onset[j] + W);
        ck_assert_uint_eq(ev[m].neuron, 10 + cls[j]);
        m++;
      }
    ck_assert_uint_eq(m, n_ev);
    const ss_class_outcome *o = ss_classify_outcomes(c, &n);
    ck_assert_uint_eq(n, NS);
    int good = 0;
    for (int j = 0; j < NS; ++j) {
      ck_assert_int_eq(o[j].hit, hit[j]);
      ck_assert_uint_eq(o[j].n_wrong, (uint32_t)wrong[j]);
      ck_assert_int_eq(o[j].correct, hit[j] && !wrong[j]);
      good += hit[j] && !wrong[j];
    }
    ck_assert_double_eq_tol(ss_classify_accuracy(c, NS), (double)good / NS, 1e-15);
    ss_classify_destroy(c);
  }
}
END_TEST

START_TEST(test_checkpoint_round_trip) {
  const char *path = "test_classify.ssck";
  const double onset[] = {0, 100, 200};
  const uint8_t cls[] = {1, 0, 1};
  ss_error err;
  ss_classify *a = ss_classify_create(0, 2, onset, cls, 3, 30, &err);
  ss_classify_set_late(a, 20);
  ss_classify_spike(a, 5, 1);
  ss_classify_spike(a, 110, 1);
  ck_assert_int_eq(ss_classify_spike(a, 131, 0), 0); /* stimulus 1's free late spike, spent */
  reset_ev();
  ss_classify_flush(a, 50, &ev, &n_ev, &cap_ev);
  ss_ckpt_writer *w = ss_ckpt_writer_create(path, 7, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_classify_save(a, w, "cls.out", &err), 0);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), 0);
  ss_ckpt *ck = ss_ckpt_read(path, &err);
  ck_assert_ptr_nonnull(ck);
  ss_classify *b = ss_classify_create(0, 2, onset, cls, 3, 30, &err);
  ss_classify_set_late(b, 20);
  ck_assert_int_eq(ss_classify_load(b, ck, "cls.out", &err), 0);
  ss_classify *other = ss_classify_create(0, 2, onset, cls, 2, 30, &err);
  ck_assert_int_ne(ss_classify_load(other, ck, "cls.out", &err), 0);
  ck_assert_str_eq(err.msg, "checkpoint: classification 'cls.out' has 3 stimuli, expected 2");
  ss_classify_destroy(other);
  ss_ckpt_free(ck);
  remove(path);
  /* both continue identically */
  ck_assert_int_eq(ss_classify_spike(b, 132, 0), -1); /* the late spike was spent before the checkpoint */
  ck_assert_int_eq(ss_classify_spike(a, 132, 0), -1);
  ck_assert_int_eq(ss_classify_spike(a, 210, 0), ss_classify_spike(b, 210, 0));
  ss_err_rec *e2 = NULL;
  size_t n2 = 0, c2 = 0;
  reset_ev();
  ck_assert_int_eq(ss_classify_flush(a, 1000, &ev, &n_ev, &cap_ev), ss_classify_flush(b, 1000, &e2, &n2, &c2));
  ck_assert_uint_eq(n_ev, n2);
  for (size_t k = 0; k < n2; ++k) ck_assert_double_eq(ev[k].t, e2[k].t);
  ck_assert_double_eq(ss_classify_accuracy(a, 10), ss_classify_accuracy(b, 10));
  free(e2);
  ss_classify_destroy(a);
  ss_classify_destroy(b);
}
END_TEST

int main(void) {
  Suite *s = suite_create("classify");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_hand_worked);
  tcase_add_test(tc, test_accuracy_counts_last);
  tcase_add_test(tc, test_extra_spikes_free);
  tcase_add_test(tc, test_late_spikes_free);
  tcase_add_test(tc, test_bad_stimuli);
  tcase_add_test(tc, test_random_vs_brute_force);
  tcase_add_test(tc, test_checkpoint_round_trip);
  suite_add_tcase(s, tc);
  int rc = ss_test_run(s);
  free(ev);
  return rc;
}
