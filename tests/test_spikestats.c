/* test_spikestats.c - firing statistics against hand-computed values and
 * the moments of Poisson and gamma trains. */
#include <math.h>

#include "superspike/rng.h"
#include "superspike/spikestats.h"
#include "testutil.h"

START_TEST(test_hand_worked) {
  ss_spikes s;
  ss_spikes_init(&s);
  /* neuron 0: 10, 20, 40 ms -> ISIs 10, 20: mean 15, sd 7.0711, cv 0.4714
   * neuron 1: one spike; neuron 2: spikes at 5 (outside) and 30, 50 */
  const double t[] = {5, 10, 20, 25, 30, 40, 50, 100};
  const uint32_t id[] = {2, 0, 0, 1, 2, 0, 2, 0};
  for (int k = 0; k < 8; ++k) ck_assert_int_eq(ss_spikes_push(&s, t[k], id[k]), 0);
  ss_neuron_stats st[3];
  double *isi;
  size_t n;
  ss_error err;
  ck_assert_int_eq(ss_spike_stats(&s, 3, 8, 100, st, &isi, &n, &err), 0);
  ck_assert_uint_eq(st[0].n, 3);
  ck_assert_double_eq_tol(st[0].rate, 3 / 0.092, 1e-12);
  ck_assert_double_eq_tol(st[0].cv, sqrt(50.0) / 15.0, 1e-14);
  ck_assert_uint_eq(st[1].n, 1);
  ck_assert(isnan(st[1].cv));
  ck_assert_uint_eq(st[2].n, 2);
  ck_assert(isnan(st[2].cv)); /* one ISI only */
  ck_assert_uint_eq(n, 3);    /* 10, 20 (neuron 0) and 20 (neuron 2), in order of the second spike */
  ck_assert_double_eq(isi[0], 10);
  ck_assert_double_eq(isi[1], 20);
  ck_assert_double_eq(isi[2], 20);
  free(isi);
  ck_assert_int_ne(ss_spike_stats(&s, 2, 0, 100, st, NULL, NULL, &err), 0);
  ck_assert_str_eq(err.msg, "spike statistics: spike 1 has id 2, expected < 2");
  ck_assert_int_ne(ss_spike_stats(&s, 3, 10, 10, st, NULL, NULL, &err), 0);
  ss_spikes_clear(&s);
}
END_TEST

/* Poisson trains: rate within 5 sigma, CV near 1; regular trains: CV 0;
 * gamma(k = 4) intervals: CV 1/2. */
START_TEST(test_poisson_regular_gamma) {
  ss_rng r;
  ss_rng_init(&r, 5, 1);
  ss_spikes s;
  ss_spikes_init(&s);
  const double T = 200000.0; /* ms */
  double tp = 0, tg = 0;
  for (;;) { /* neuron 0: Poisson 20 Hz; neuron 2: gamma(4) with mean 50 ms */
    double a = tp + ss_rng_exponential(&r) * 50.0;
    if (a >= T) break;
    tp = a;
    ck_assert_int_eq(ss_spikes_push(&s, tp, 0), 0);
  }
  for (double t = 0.5; t < T; t += 25.0) ck_assert_int_eq(ss_spikes_push(&s, t, 1), 0);
  for (;;) {
    double a = tg;
    for (int k = 0; k < 4; ++k) a += ss_rng_exponential(&r) * 12.5;
    if (a >= T) break;
    tg = a;
    ck_assert_int_eq(ss_spikes_push(&s, tg, 2), 0);
  }
  ss_spikes_sort(&s);
  ss_neuron_stats st[3];
  ck_assert_int_eq(ss_spike_stats(&s, 3, 0, T, st, NULL, NULL, NULL), 0);
  ck_assert_double_eq_tol(st[0].rate, 20.0, 5 * sqrt(20.0 * 200) / 200);
  ck_assert_double_eq_tol(st[0].cv, 1.0, 0.03);
  ck_assert_double_eq_tol(st[1].rate, 40.0, 1e-9);
  ck_assert_double_eq_tol(st[1].cv, 0.0, 1e-9);
  ck_assert_double_eq_tol(st[2].cv, 0.5, 0.02);
  ss_spikes_clear(&s);
}
END_TEST

int main(void) {
  Suite *s = suite_create("spikestats");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_hand_worked);
  tcase_add_test(tc, test_poisson_regular_gamma);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
