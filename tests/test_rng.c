/* test_rng.c - seeded streams: reproducible, independent, and with the
 * right first moments. */
#include <math.h>

#include "superspike/rng.h"
#include "testutil.h"

START_TEST(test_same_seed_same_stream) {
  ss_rng a, b;
  ss_rng_init(&a, 42, 7);
  ss_rng_init(&b, 42, 7);
  for (int i = 0; i < 1000; ++i) ck_assert_uint_eq(ss_rng_u64(&a), ss_rng_u64(&b));
}
END_TEST

START_TEST(test_streams_differ) {
  ss_rng a, b, c;
  ss_rng_init(&a, 42, 0);
  ss_rng_init(&b, 42, 1);
  ss_rng_init(&c, 43, 0);
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    uint64_t x = ss_rng_u64(&a);
    same_ab += x == ss_rng_u64(&b);
    same_ac += x == ss_rng_u64(&c);
  }
  ck_assert_int_eq(same_ab, 0);
  ck_assert_int_eq(same_ac, 0);
}
END_TEST

START_TEST(test_moments) {
  ss_rng r;
  ss_rng_init(&r, 1, 2);
  const int n = 200000;
  double su = 0, sn = 0, sn2 = 0, se = 0;
  for (int i = 0; i < n; ++i) {
    double u = ss_rng_uniform(&r);
    ck_assert(u >= 0.0 && u < 1.0);
    su += u;
    double z = ss_rng_normal(&r);
    sn += z;
    sn2 += z * z;
    double e = ss_rng_exponential(&r);
    ck_assert(e >= 0.0);
    se += e;
  }
  /* 5 standard errors */
  ck_assert_double_eq_tol(su / n, 0.5, 5 * sqrt(1.0 / 12 / n));
  ck_assert_double_eq_tol(sn / n, 0.0, 5 * sqrt(1.0 / n));
  ck_assert_double_eq_tol(sn2 / n, 1.0, 5 * sqrt(2.0 / n));
  ck_assert_double_eq_tol(se / n, 1.0, 5 * sqrt(1.0 / n));
}
END_TEST

START_TEST(test_below_uniform_counts) {
  ss_rng r;
  ss_rng_init(&r, 3, 4);
  int cnt[7] = {0};
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    uint64_t k = ss_rng_below(&r, 7);
    ck_assert_uint_lt(k, 7);
    cnt[k]++;
  }
  for (int k = 0; k < 7; ++k) ck_assert_int_lt(abs(cnt[k] - n / 7), 5 * 93); /* sd ~ 93 */
}
END_TEST

int main(void) {
  Suite *s = suite_create("rng");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_same_seed_same_stream);
  tcase_add_test(tc, test_streams_differ);
  tcase_add_test(tc, test_moments);
  tcase_add_test(tc, test_below_uniform_counts);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
