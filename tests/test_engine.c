/* test_engine.c - the event-driven engine against references it does not
 * share code with: closed-form single-neuron solutions (bisection on the
 * analytic two-exponential formula), the Python oracle's spike lists for
 * random networks with delays and refractoriness (tests/data/oracle),
 * exact state sampling, the window log, and determinism. */
#include <math.h>

#include "oracle_net.h"
#include "superspike/engine.h"
#include "testutil.h"

/* ---------------------------------------------------------------- oracle */

static void check_oracle(const char *cfg) {
  oracle_net o;
  ss_error err = {0};
  ck_assert_msg(oracle_load(&o, cfg, &err) == 0, "%s", err.msg);
  ss_engine *e = ss_engine_create(o.net, o.sources, o.rec, &err);
  ck_assert_msg(e != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_engine_run(e, o.duration, &err), 0);
  /* per neuron: same number of spikes, each within 1e-12 s = 1e-9 ms */
  double max_dt = 0;
  for (int layer = 0; layer < 2; ++layer) {
    const ss_spikes *got = &o.rec->sm[layer].spikes, *want = &o.expect[layer];
    ck_assert_msg(got->n == want->n, "%s layer %d: %zu spikes, oracle %zu", cfg, layer, got->n, want->n);
    for (size_t k = 0; k < want->n; ++k) {
      ck_assert_msg(got->id[k] == want->id[k], "%s layer %d spike %zu: neuron %u, oracle %u", cfg, layer, k,
                    got->id[k], want->id[k]);
      double d = fabs(got->t[k] - want->t[k]);
      if (d > max_dt) max_dt = d;
      ck_assert_msg(d <= 1e-9, "%s layer %d spike %zu of neuron %u: %.17g ms vs oracle %.17g ms", cfg,
                    layer, k, got->id[k], got->t[k], want->t[k]);
    }
  }
  printf("oracle %-13s %4zu + %4zu spikes, max |dt| = %.2e ms\n", cfg, o.expect[0].n, o.expect[1].n, max_dt);
  ss_engine_destroy(e);
  oracle_free(&o);
}

START_TEST(test_oracle_paper_params_seed1) { check_oracle("A_seed1"); }
END_TEST
START_TEST(test_oracle_paper_params_seed2) { check_oracle("A_seed2"); }
END_TEST
START_TEST(test_oracle_general_ratio_no_refractoriness) { check_oracle("B_seed3"); }
END_TEST
START_TEST(test_oracle_equal_taus) { check_oracle("C_seed3"); }
END_TEST
START_TEST(test_oracle_mixed_sign_weights) { check_oracle("Abig_seed2"); }
END_TEST
START_TEST(test_oracle_saturated) { check_oracle("Adense_seed2"); }
END_TEST

/* ---------------------------------------------------------------- single neuron */

/* One input unit -> one LIF neuron; input spikes at t_in[], weights w[] via
 * distinct synapses from distinct input units, all with delay d. */
typedef struct one {
  ss_net *net;
  ss_source src;
  ss_source *sources[2];
  ss_record *rec;
  ss_engine *e;
} one;

static void one_setup(one *s, double tm, double ts, double t_ref, const double *t_in, const double *w,
                      int n, double d) {
  ss_error err = {0};
  ss_lif_params p;
  ss_lif_params_default(&p);
  p.tau_mem = tm;
  p.tau_syn = ts;
  p.t_ref = t_ref;
  s->net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(s->net, "in", (uint32_t)n, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(s->net, "x", 1, &p, 0, &err), 1);
  ss_proj pr;
  memset(&pr, 0, sizeof pr);
  snprintf(pr.name, sizeof pr.name, "in_x");
  pr.pre = 0;
  pr.post = 1;
  pr.conn = SS_CONN_FILE;
  pr.weight = (ss_dist){SS_DIST_CONSTANT, 0, 0, -INFINITY, INFINITY};
  pr.delay = (ss_dist){SS_DIST_CONSTANT, d, 0, 0, INFINITY};
  uint32_t pre[8], post[8] = {0};
  double ww[8];
  for (int k = 0; k < n; ++k) {
    pre[k] = (uint32_t)k;
    ww[k] = w[k];
  }
  pr.n_edges = (size_t)n;
  pr.e_pre = pre;
  pr.e_post = post;
  pr.e_w = ww;
  ck_assert_int_eq(ss_net_add_proj(s->net, &pr, &err), 0);
  ck_assert_int_eq(ss_net_build(s->net, &err), 0);
  ss_spikes sp;
  ss_spikes_init(&sp);
  for (int k = 0; k < n; ++k) ss_spikes_push(&sp, t_in[k], (uint32_t)k);
  ck_assert_msg(ss_source_init_spikes(&s->src, (uint32_t)n, 0, &sp, 0, &err) == 0, "%s", err.msg);
  ss_spikes_clear(&sp);
  s->sources[0] = &s->src;
  s->sources[1] = NULL;
  s->rec = ss_record_create(s->net);
  ck_assert_int_eq(ss_record_add_spikes(s->rec, 1, "/dev/null", &err), 0);
  s->e = ss_engine_create(s->net, s->sources, s->rec, &err);
  ck_assert_ptr_nonnull(s->e);
}

static void one_free(one *s) {
  ss_engine_destroy(s->e);
  ss_record_destroy(s->rec);
  ss_source_clear(&s->src);
  ss_net_destroy(s->net);
}

/* Closed-form free response of v from (v0, I0) after h, written as the
 * textbook two-exponential difference (independent of the library's
 * cancellation-free form), in long double. */
static long double v_closed(long double v0, long double I0, long double h, long double tm, long double ts) {
  if (fabsl(tm - ts) < 1e-15L * tm) return v0 * expl(-h / tm) + I0 * (h / tm) * expl(-h / tm);
  return v0 * expl(-h / tm) + I0 * ts / (tm - ts) * (expl(-h / tm) - expl(-h / ts));
}

/* First upward crossing of thp by v_closed on (0, hmax]: dense scan + bisection. */
static double first_crossing(double v0, double I0, double tm, double ts, double thp, double hmax) {
  long double a = 0, b = 0;
  int found = 0;
  for (int k = 1; k <= 200000; ++k) {
    long double h = hmax * k / 200000.0L;
    if (v_closed(v0, I0, h, tm, ts) >= thp) {
      b = h;
      a = hmax * (k - 1) / 200000.0L;
      found = 1;
      break;
    }
  }
  if (!found) return INFINITY;
  for (int it = 0; it < 200; ++it) {
    long double m = 0.5L * (a + b);
    if (v_closed(v0, I0, m, tm, ts) >= thp) b = m;
    else a = m;
  }
  return (double)b;
}

START_TEST(test_single_neuron_spike_times_vs_closed_form) {
  /* (tau_mem, tau_syn): quadratic case, a general ratio, equal taus */
  const double taus[3][2] = {{10, 5}, {10, 3}, {10, 10}};
  for (int c = 0; c < 3; ++c) {
    double tm = taus[c][0], ts = taus[c][1];
    /* one input just strong enough to cross, arriving at 2 + 0.8 ms */
    double peak = tm == ts ? exp(-1.0) : pow(ts / tm, ts / (tm - ts)) * 1.0; /* peak of P21 up to a factor */
    (void)peak;
    double w = 60.0; /* strong: crossing on the rising flank */
    double t_in[1] = {2.0};
    one s;
    one_setup(&s, tm, ts, 5.0, t_in, &w, 1, 0.8);
    ss_error err = {0};
    ck_assert_int_eq(ss_engine_run(s.e, 100.0, &err), 0);
    const ss_spikes *got = &s.rec->sm[0].spikes;
    double t1 = 2.8 + first_crossing(0, w, tm, ts, 10.0, 50.0);
    ck_assert_msg(got->n >= 1, "ratio %g: no spike", ts / tm);
    ck_assert_msg(fabs(got->t[0] - t1) <= 1e-9, "ratio %g: spike at %.17g ms, closed form %.17g ms", ts / tm,
                  got->t[0], t1);
    /* after the 5 ms refractory clamp v restarts from 0 with the decayed current */
    double tr = t1 + 5.0;
    double Ir = w * exp(-(tr - 2.8) / ts);
    double t2 = tr + first_crossing(0, Ir, tm, ts, 10.0, 80.0);
    if (isfinite(t2)) {
      ck_assert_msg(got->n >= 2, "ratio %g: missing second spike at %.17g", ts / tm, t2);
      ck_assert_msg(fabs(got->t[1] - t2) <= 1e-9, "ratio %g: 2nd spike %.17g vs %.17g", ts / tm, got->t[1], t2);
    } else {
      ck_assert_uint_eq(got->n, 1);
    }
    one_free(&s);
  }
}
END_TEST

START_TEST(test_inhibition_cancels_predicted_spike) {
  /* excitation that would fire at t_c, then inhibition arriving before t_c */
  double tm = 10, ts = 5, w = 45.0;
  double tc = first_crossing(0, w, tm, ts, 10.0, 50.0);
  ck_assert(isfinite(tc) && tc > 0.5);
  double t_in[2] = {0.0, 0.5 * tc}, ww[2] = {w, -40.0};
  one s;
  one_setup(&s, tm, ts, 5.0, t_in, ww, 2, 1.0);
  ss_error err = {0};
  ck_assert_int_eq(ss_engine_run(s.e, 200.0, &err), 0);
  /* state at 1 + tc/2 after the inhibitory jump, then free decay: no crossing */
  long double h = 0.5L * tc;
  long double v = v_closed(0, w, h, tm, ts), I = w * expl(-h / ts) - 40.0L;
  double again = first_crossing((double)v, (double)I, tm, ts, 10.0, 100.0);
  ck_assert(!isfinite(again));
  ck_assert_uint_eq(s.rec->sm[0].spikes.n, 0);
  one_free(&s);
}
END_TEST

START_TEST(test_grazing_inputs_classified_exactly) {
  /* weight so that the peak is thp (1 +- 1e-8): the first spikes, the second not */
  double tm = 10, ts = 5;
  double tpk = tm * ts / (tm - ts) * log(tm / ts);
  double p21pk = ts / (tm - ts) * (exp(-tpk / tm) - exp(-tpk / ts));
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    double w = 10.0 / p21pk * (1.0 + sgn * 1e-8);
    double t_in[1] = {1.0};
    one s;
    one_setup(&s, tm, ts, 5.0, t_in, &w, 1, 0.0);
    ss_error err = {0};
    ck_assert_int_eq(ss_engine_run(s.e, 100.0, &err), 0);
    ck_assert_uint_eq(s.rec->sm[0].spikes.n, sgn > 0 ? 1u : 0u);
    if (sgn > 0) /* grazing: conditioning ~ sqrt(eps) of tpk; allow 1e-3 ms */
      ck_assert_double_eq_tol(s.rec->sm[0].spikes.t[0], 1.0 + tpk, 1e-3);
    one_free(&s);
  }
}
END_TEST

START_TEST(test_state_samples_exact) {
  double tm = 10, ts = 3, w = 5.0;
  double t_in[1] = {1.0};
  one s;
  one_setup(&s, tm, ts, 5.0, t_in, &w, 1, 0.5);
  ss_error err = {0};
  uint32_t id = 0;
  double times[4] = {0.0, 1.5, 2.75, 20.0};
  ck_assert_int_eq(ss_record_add_state(s.rec, 1, &id, 1, times, 4, "/dev/null", &err), 0);
  ck_assert_int_eq(ss_engine_run(s.e, 30.0, &err), 0);
  const ss_state_monitor *m = &s.rec->st[0];
  ck_assert_uint_eq(m->next, 4);
  for (int k = 0; k < 4; ++k) {
    double h = times[k] - 1.5;
    double v = h > 0 ? (double)v_closed(0, w, h, tm, ts) : 0.0;
    double I = h > 0 ? w * exp(-h / ts) : 0.0;
    ck_assert_msg(fabs(m->u[k] - (-60.0 + v)) < 1e-12, "sample %d: U %.17g vs %.17g", k, m->u[k], -60.0 + v);
    ck_assert_msg(fabs(m->i[k] - I) < 1e-12, "sample %d: I %.17g vs %.17g", k, m->i[k], I);
  }
  one_free(&s);
}
END_TEST

/* ---------------------------------------------------------------- log, determinism */

START_TEST(test_window_log_records_every_neuron_event_in_order) {
  oracle_net o;
  ss_error err = {0};
  ck_assert_msg(oracle_load(&o, "A_seed1", &err) == 0, "%s", err.msg);
  ss_engine *e = ss_engine_create(o.net, o.sources, o.rec, &err);
  ck_assert_int_eq(ss_engine_run(e, 100.0, &err), 0);
  ck_assert_int_eq(ss_engine_log_enable(e, &err), 0);
  const ss_stats *st = ss_engine_stats(e);
  uint64_t syn0 = st->syn_events, spk0 = st->spikes;
  ck_assert_int_eq(ss_engine_run(e, 350.0, &err), 0);
  uint64_t syn = st->syn_events - syn0, spk = st->spikes - spk0;
  const ss_window_log *L = ss_engine_log_close(e);
  ck_assert_ptr_nonnull(L);
  ck_assert_double_eq(L->t0, 100.0);
  uint64_t n_arr = 0, n_spk = 0, n_ref = 0;
  for (uint32_t u = 0; u < o.net->n_units; ++u)
    for (uint64_t k = L->row[u]; k < L->row[u + 1]; ++k) {
      const ss_log_rec *r = &L->rec[k];
      ck_assert_uint_eq(r->neuron, u);
      ck_assert(r->t >= 100.0 && r->t < 350.0);
      if (k > L->row[u]) ck_assert(r->t >= L->rec[k - 1].t); /* processing order per neuron */
      if (r->code == SS_LOG_SPIKE) n_spk++;
      else if (r->code == SS_LOG_REF_END) n_ref++;
      else {
        n_arr++;
        ck_assert_uint_lt(r->code, o.net->n_syn);
        ck_assert_uint_eq(o.net->out_post[r->code], u); /* a synapse onto u */
        uint32_t slot = o.net->out_slot[r->code];
        ck_assert(slot >= o.net->in_ptr[u] && slot < o.net->in_ptr[u + 1]);
      }
    }
  ck_assert_uint_eq(L->row[o.net->n_units], L->n);
  ck_assert_uint_eq(n_arr, syn);
  ck_assert_uint_eq(n_spk, spk);
  ck_assert(n_ref + 2 >= n_spk && n_ref <= n_spk + 2); /* windows cut refractory periods */
  /* the spikes in the log are exactly the recorded spikes in [100, 350) */
  size_t rec_spk = 0;
  for (int layer = 0; layer < 2; ++layer)
    for (size_t k = 0; k < o.rec->sm[layer].spikes.n; ++k)
      rec_spk += o.rec->sm[layer].spikes.t[k] >= 100.0 && o.rec->sm[layer].spikes.t[k] < 350.0;
  ck_assert_uint_eq(rec_spk, n_spk);
  ss_engine_log_reopen(e);
  ck_assert_int_eq(ss_engine_run(e, 400.0, &err), 0);
  L = ss_engine_log_close(e);
  ck_assert_double_eq(L->t0, 350.0);
  ss_engine_destroy(e);
  oracle_free(&o);
}
END_TEST

START_TEST(test_same_input_bit_identical_and_chunking_invariant) {
  ss_spikes runs[2][2];
  for (int r = 0; r < 2; ++r) {
    oracle_net o;
    ss_error err = {0};
    ck_assert_int_eq(oracle_load(&o, "Abig_seed2", &err), 0);
    ss_engine *e = ss_engine_create(o.net, o.sources, o.rec, &err);
    if (r == 0) {
      ck_assert_int_eq(ss_engine_run(e, o.duration, &err), 0);
    } else { /* many small run() calls must not change anything */
      for (int k = 1; k <= 97; ++k) ck_assert_int_eq(ss_engine_run(e, o.duration * k / 97, &err), 0);
    }
    for (int l = 0; l < 2; ++l) {
      runs[r][l] = o.rec->sm[l].spikes;
      ss_spikes_init(&o.rec->sm[l].spikes); /* keep the arrays */
    }
    ss_engine_destroy(e);
    oracle_free(&o);
  }
  for (int l = 0; l < 2; ++l) {
    ck_assert_uint_eq(runs[0][l].n, runs[1][l].n);
    ck_assert(memcmp(runs[0][l].t, runs[1][l].t, runs[0][l].n * sizeof(double)) == 0);
    ck_assert(memcmp(runs[0][l].id, runs[1][l].id, runs[0][l].n * sizeof(uint32_t)) == 0);
    ss_spikes_clear(&runs[0][l]);
    ss_spikes_clear(&runs[1][l]);
  }
}
END_TEST

/* A random recurrent network with three distinct delays: the FIFO arrival
 * queue and the heap deliver the same events, so the spikes are identical. */
static void run_delay_net(int kind, ss_spikes *out) {
  ss_error err = {0};
  ss_lif_params p;
  ss_lif_params_default(&p);
  p.t_ref = 2.0;
  ss_net *net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(net, "drive", 200, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(net, "x", 300, &p, 0, &err), 1);
  const double delays[3] = {0.8, 1.5, 3.0};
  for (int k = 0; k < 3; ++k) {
    ss_proj pr;
    memset(&pr, 0, sizeof pr);
    snprintf(pr.name, sizeof pr.name, "p%d", k);
    pr.pre = k == 0 ? 0 : 1;
    pr.post = 1;
    pr.conn = SS_CONN_FIXED_PROB;
    pr.p = k == 0 ? 0.1 : 0.05;
    pr.weight = (ss_dist){SS_DIST_NORMAL, k == 0 ? 12.0 : 0.5, 4.0, -INFINITY, INFINITY};
    pr.delay = (ss_dist){SS_DIST_CONSTANT, delays[k], 0, 0, INFINITY};
    pr.seed = 10 + (uint64_t)k;
    ck_assert_int_ge(ss_net_add_proj(net, &pr, &err), 0);
  }
  ck_assert_int_eq(ss_net_build(net, &err), 0);
  ss_source src;
  ck_assert_int_eq(ss_source_init_poisson(&src, 200, 0, 20.0, 5, 0, &err), 0);
  ss_source *sources[2] = {&src, NULL};
  ss_record *rec = ss_record_create(net);
  ck_assert_int_eq(ss_record_add_spikes(rec, 1, "/dev/null", &err), 0);
  ss_engine *e = ss_engine_create(net, sources, rec, &err);
  ck_assert_msg(ss_engine_set_arrival_queue(e, kind, &err) == 0, "%s", err.msg);
  ck_assert_int_eq(ss_engine_run(e, 500.0, &err), 0);
  *out = rec->sm[0].spikes;
  ss_spikes_init(&rec->sm[0].spikes);
  ss_engine_destroy(e);
  ss_record_destroy(rec);
  ss_source_clear(&src);
  ss_net_destroy(net);
}

START_TEST(test_fifo_and_heap_arrival_queues_agree) {
  ss_spikes a, b;
  run_delay_net(SS_ARRIVALS_FIFO, &a);
  run_delay_net(SS_ARRIVALS_HEAP, &b);
  ck_assert_uint_gt(a.n, 100);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert(memcmp(a.t, b.t, a.n * sizeof(double)) == 0);
  ck_assert(memcmp(a.id, b.id, a.n * sizeof(uint32_t)) == 0);
  ss_spikes_clear(&a);
  ss_spikes_clear(&b);
}
END_TEST

START_TEST(test_fifo_refused_with_many_delays) {
  oracle_net o; /* per-synapse random delays: hundreds of distinct values */
  ss_error err = {0};
  ck_assert_int_eq(oracle_load(&o, "A_seed1", &err), 0);
  ss_engine *e = ss_engine_create(o.net, o.sources, o.rec, &err);
  ck_assert_int_eq(ss_engine_set_arrival_queue(e, SS_ARRIVALS_FIFO, &err), SS_EINVAL);
  ck_assert(strstr(err.msg, "distinct delays"));
  ss_engine_destroy(e);
  oracle_free(&o);
}
END_TEST

int main(void) {
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("oracle");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_oracle_paper_params_seed1);
  tcase_add_test(tc, test_oracle_paper_params_seed2);
  tcase_add_test(tc, test_oracle_general_ratio_no_refractoriness);
  tcase_add_test(tc, test_oracle_equal_taus);
  tcase_add_test(tc, test_oracle_mixed_sign_weights);
  tcase_add_test(tc, test_oracle_saturated);
  suite_add_tcase(s, tc);
  TCase *t1 = tcase_create("single");
  tcase_set_timeout(t1, 60);
  tcase_add_test(t1, test_single_neuron_spike_times_vs_closed_form);
  tcase_add_test(t1, test_inhibition_cancels_predicted_spike);
  tcase_add_test(t1, test_grazing_inputs_classified_exactly);
  tcase_add_test(t1, test_state_samples_exact);
  suite_add_tcase(s, t1);
  TCase *t2 = tcase_create("log");
  tcase_set_timeout(t2, 60);
  tcase_add_test(t2, test_window_log_records_every_neuron_event_in_order);
  tcase_add_test(t2, test_same_input_bit_identical_and_chunking_invariant);
  tcase_add_test(t2, test_fifo_and_heap_arrival_queues_agree);
  tcase_add_test(t2, test_fifo_refused_with_many_delays);
  suite_add_tcase(s, t2);
  return ss_test_run(s);
}
