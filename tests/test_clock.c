/* test_clock.c - the clock-driven reference engine: its spike times approach
 * the exact (oracle) ones as dt shrinks; a single neuron under forward Euler
 * follows the Euler recursion written out by hand; the ring buffer delivers
 * at round(delay/dt) steps; determinism. */
#include <math.h>

#include "oracle_net.h"
#include "superspike/clock.h"
#include "testutil.h"

/* Compare recorded spikes with the oracle's: number of neurons whose spike
 * count differs, and the largest |t - t_oracle| over neurons whose counts agree. */
static void compare(const oracle_net *o, int *mismatch, double *max_dt, double *mean_dt) {
  *mismatch = 0;
  *max_dt = 0;
  double sum = 0;
  size_t n = 0;
  for (int l = 0; l < 2; ++l) {
    const ss_spikes *got = &o->rec->sm[l].spikes, *want = &o->expect[l];
    uint32_t size = o->net->pops[l + 1].size;
    for (uint32_t id = 0; id < size; ++id) {
      size_t a = 0, b = 0, ka = 0, kb = 0;
      for (size_t k = 0; k < got->n; ++k) a += got->id[k] == id;
      for (size_t k = 0; k < want->n; ++k) b += want->id[k] == id;
      if (a != b) {
        (*mismatch)++;
        continue;
      }
      for (size_t i = 0; i < a; ++i) {
        while (got->id[ka] != id) ++ka;
        while (want->id[kb] != id) ++kb;
        double d = fabs(got->t[ka++] - want->t[kb++]);
        sum += d;
        ++n;
        if (d > *max_dt) *max_dt = d;
      }
    }
  }
  *mean_dt = n ? sum / (double)n : 0;
}

static void converges(const char *cfg, ss_clock_method method) {
  const double dts[3] = {0.1, 0.01, 0.001};
  double mean[3];
  int mism[3];
  for (int k = 0; k < 3; ++k) {
    oracle_net o;
    ss_error err = {0};
    ck_assert_msg(oracle_load(&o, cfg, &err) == 0, "%s", err.msg);
    ss_clock *c = ss_clock_create(o.net, o.sources, o.rec, dts[k], method, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(ss_clock_run(c, o.duration, &err), 0);
    double mx;
    compare(&o, &mism[k], &mx, &mean[k]);
    printf("clock %-8s %s dt = %5g ms: %d neurons with a different count, mean |dt| %.3g ms, max %.3g ms\n",
           cfg, method == SS_CLOCK_EULER ? "euler" : "exact", dts[k], mism[k], mean[k], mx);
    ss_clock_destroy(c);
    oracle_free(&o);
  }
  /* first order: each tenfold dt reduction shrinks the error at least 4x */
  ck_assert_int_eq(mism[2], 0);
  ck_assert(mism[1] <= mism[0]);
  if (mism[0] == 0) ck_assert(mean[1] < mean[0] / 4);
  ck_assert(mean[2] < mean[1] / 4);
  ck_assert(mean[2] < 0.01);
}

START_TEST(test_spike_times_converge_exact_stepping) { converges("A_seed1", SS_CLOCK_EXACT); }
END_TEST
START_TEST(test_spike_times_converge_euler) { converges("A_seed1", SS_CLOCK_EULER); }
END_TEST
START_TEST(test_spike_times_converge_general_ratio) { converges("B_seed3", SS_CLOCK_EXACT); }
END_TEST

/* A single neuron fed by one input: the Euler recursion of paper-spec §1.2,
 * written out here step by step, gives the spike steps the engine reports. */
START_TEST(test_single_neuron_follows_reference_recursion) {
  ss_error err = {0};
  ss_lif_params p;
  ss_lif_params_default(&p); /* 10 / 5 ms, t_ref 5 ms */
  ss_net *net = ss_net_create();
  ss_net_add_source(net, "in", 1, &err);
  ss_net_add_lif(net, "x", 1, &p, 0, &err);
  ss_proj pr;
  memset(&pr, 0, sizeof pr);
  snprintf(pr.name, sizeof pr.name, "in_x");
  pr.pre = 0;
  pr.post = 1;
  pr.conn = SS_CONN_ALL_TO_ALL;
  pr.weight = (ss_dist){SS_DIST_CONSTANT, 70.0, 0, -INFINITY, INFINITY};
  pr.delay = (ss_dist){SS_DIST_CONSTANT, 0.8, 0, 0, INFINITY};
  ck_assert_int_eq(ss_net_add_proj(net, &pr, &err), 0);
  ck_assert_int_eq(ss_net_build(net, &err), 0);
  ss_spikes sp;
  ss_spikes_init(&sp);
  ss_spikes_push(&sp, 1.03, 0); /* step floor(10.3) = 10 */
  ss_spikes_push(&sp, 30.0, 0);
  ss_source src;
  ck_assert_int_eq(ss_source_init_spikes(&src, 1, 0, &sp, 0, &err), 0);
  ss_spikes_clear(&sp);
  ss_source *sources[2] = {&src, NULL};
  ss_record *rec = ss_record_create(net);
  ss_record_add_spikes(rec, 1, "/dev/null", &err);
  double dt = 0.1;
  ss_clock *c = ss_clock_create(net, sources, rec, dt, SS_CLOCK_EULER, &err);
  ck_assert_int_eq(ss_clock_run(c, 60.0, &err), 0);
  /* reference: U, I, ref counter; input at steps 10 and 300 arrives 8 steps later */
  double v = 0, I = 0, es = exp(-dt / 5.0);
  int ref = 0, nspk = 0;
  double spk[16];
  for (int n = 0; n < 600; ++n) {
    v += dt / 10.0 * (I - v);
    if (ref == 0) {
      if (v > 10.0) {
        spk[nspk++] = n * dt;
        v = 0;
        ref = 50;
      }
    } else {
      --ref;
      v = 0;
    }
    I *= es;
    if (n == 18 || n == 308) I += 70.0;
  }
  const ss_spikes *got = &rec->sm[0].spikes;
  ck_assert_int_gt(nspk, 1);
  ck_assert_uint_eq(got->n, (size_t)nspk);
  for (int k = 0; k < nspk; ++k) ck_assert_double_eq_tol(got->t[k], spk[k], 1e-9);
  ss_clock_destroy(c);
  ss_record_destroy(rec);
  ss_source_clear(&src);
  ss_net_destroy(net);
}
END_TEST

START_TEST(test_rejects_bad_dt) {
  ss_error err = {0};
  ss_net *net = ss_net_create();
  ss_net_add_source(net, "in", 1, &err);
  ss_net_build(net, &err);
  ck_assert_ptr_null(ss_clock_create(net, NULL, NULL, 0.0, SS_CLOCK_EULER, &err));
  ck_assert(strstr(err.msg, "dt must be > 0"));
  ck_assert_ptr_null(ss_clock_create(net, NULL, NULL, NAN, SS_CLOCK_EULER, &err));
  ss_net_destroy(net);
}
END_TEST

int main(void) {
  Suite *s = suite_create("clock");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_spike_times_converge_exact_stepping);
  tcase_add_test(tc, test_spike_times_converge_euler);
  tcase_add_test(tc, test_spike_times_converge_general_ratio);
  tcase_add_test(tc, test_single_neuron_follows_reference_recursion);
  tcase_add_test(tc, test_rejects_bad_dt);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
