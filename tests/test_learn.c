/* test_learn.c - event-driven SuperSpike gradients against the Python
 * oracle's values (tests/data/gradient, see its README): both layers, the
 * three feedback modes, online and per-trial, frozen and learning weights,
 * three tau ratios.  At high quadrature order (GL-12, 0.25 ms pieces) G
 * must agree to 1e-9 relative; with the oracle's default layout (GL-4, 2 ms,
 * graded) to 1e-9 with the oracle's own default run; the library's default
 * (GL-4 on adaptive pieces) to 1e-5 with the high-order values, which bounds
 * the quadrature error of the default.  Learning cases also follow the
 * oracle's weights through the same update rule. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "superspike/superspike.h"
#include "testutil.h"

typedef struct gcase {
  char name[96];
  ss_net *net;
  ss_source src, tgt;
  ss_source *sources[3];
  ss_engine *e;
  ss_learn *l;
  double T;
  int n_win;
  double eta, gamma, eps, clip;
  int learning;
} gcase;

static int gparam(const char *cs, const char *key, char *val, size_t n) {
  char path[256], k[64], v[128];
  snprintf(path, sizeof path, "gradient/%s_params.txt", cs);
  FILE *fp = fopen(ss_test_data(path), "r");
  if (!fp) return -1;
  int found = 0;
  while (fscanf(fp, "%63s %127s", k, v) == 2)
    if (!strcmp(k, key)) {
      snprintf(val, n, "%s", v);
      found = 1;
    }
  fclose(fp);
  return found ? 0 : -1;
}

static double gnum(const char *cs, const char *key) {
  char v[128];
  ck_assert_msg(gparam(cs, key, v, sizeof v) == 0, "%s: no parameter %s", cs, key);
  return strtod(v, NULL);
}

static const char *gfile(const char *cs, const char *what) {
  static char buf[256];
  snprintf(buf, sizeof buf, "gradient/%s_%s", cs, what);
  return ss_test_data(buf);
}

/* Quadrature settings a case runs with. */
enum { RUN_HIGH = 0,           /* GL-12, 0.25 ms, the oracle's layout: vs oracle high order */
       RUN_ORACLE_DEFAULT = 1, /* GL-4, 2 ms, the oracle's layout: vs oracle default */
       RUN_DEFAULT = 2 };      /* the library's default (adaptive pieces): vs high order */

static void gcase_load(gcase *c, const char *cs, int run) {
  int high = run == RUN_HIGH;
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", cs);
  ss_error err = {0};
  char v[128];
  ss_lif_params p = {.tau_mem = gnum(cs, "tau_mem_ms"), .tau_syn = gnum(cs, "tau_syn_ms"),
                     .u_rest = gnum(cs, "u_rest_mV"), .theta = gnum(cs, "theta_mV"), .t_ref = gnum(cs, "t_ref_ms")};
  uint32_t nin = (uint32_t)gnum(cs, "n_in"), nhid = (uint32_t)gnum(cs, "n_hid"), nout = (uint32_t)gnum(cs, "n_out");
  c->T = gnum(cs, "window_ms");
  c->n_win = (int)gnum(cs, "n_windows");
  c->net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(c->net, "in", nin, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(c->net, "hid", nhid, &p, 0, &err), 1);
  ck_assert_int_eq(ss_net_add_lif(c->net, "out", nout, &p, 0, &err), 2);
  const char *edges[2] = {"in_hid.edges", "hid_out.edges"};
  for (int k = 0; k < 2; ++k) {
    ss_proj pr;
    memset(&pr, 0, sizeof pr);
    snprintf(pr.name, sizeof pr.name, "%s", k ? "hid_out" : "in_hid");
    pr.pre = (uint32_t)k;
    pr.post = (uint32_t)k + 1;
    pr.weight = (ss_dist){SS_DIST_CONSTANT, 0, 0, -INFINITY, INFINITY};
    pr.delay = (ss_dist){SS_DIST_CONSTANT, 0, 0, 0, INFINITY};
    ck_assert_msg(ss_proj_read_edges(&pr, gfile(cs, edges[k]), k ? nhid : nin, k ? nout : nhid, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(ss_net_add_proj(c->net, &pr, &err), k);
    ss_proj_free_edges(&pr);
  }
  c->net->incoming = SS_NET_IN_FULL;
  ck_assert_int_eq(ss_net_build(c->net, &err), 0);
  ss_spikes sp;
  ss_spikes_init(&sp);
  ck_assert_msg(ss_spikes_read(&sp, gfile(cs, "input.ras"), nin, 0, &err) == 0, "%s", err.msg);
  ck_assert_int_eq(ss_source_init_spikes(&c->src, nin, 0, &sp, 0, &err), 0);
  ss_spikes_clear(&sp);
  ss_spikes_init(&sp);
  ck_assert_msg(ss_spikes_read(&sp, gfile(cs, "target.ras"), nout, 1, &err) == 0, "%s", err.msg);
  ck_assert_int_eq(ss_source_init_spikes(&c->tgt, nout, c->net->pops[2].offset, &sp, 0, &err), 0);
  ss_spikes_clear(&sp);
  c->sources[0] = &c->src;
  c->e = ss_engine_create(c->net, c->sources, NULL, &err);
  ck_assert_ptr_nonnull(c->e);
  ck_assert_int_eq(ss_engine_set_targets(c->e, 2, &c->tgt, &err), 0);
  ss_learn_params lp;
  ss_learn_params_default(&lp);
  lp.tau_rise = gnum(cs, "tau_rise_ms");
  lp.tau_decay = gnum(cs, "tau_decay_ms");
  lp.beta = gnum(cs, "beta_per_mV");
  ck_assert_int_eq(gparam(cs, "alpha_norm", v, sizeof v), 0);
  lp.alpha_peak = !strcmp(v, "peak");
  ck_assert_int_eq(gparam(cs, "mode", v, sizeof v), 0);
  lp.mode = !strcmp(v, "per_trial") ? SS_LEARN_PER_TRIAL : SS_LEARN_ONLINE;
  lp.n_gl = (int)gnum(cs, high ? "n_gl_high" : "n_gl_default");
  lp.h_max = gnum(cs, high ? "h_max_high_ms" : "h_max_default_ms");
  lp.grade = (int)gnum(cs, high ? "grade_high" : "grade_default");
  lp.grade_c = gnum(cs, "grade_c");
  if (run != RUN_DEFAULT) lp.adapt = 0; /* the oracle's piece layout */
  else { ss_learn_params d; ss_learn_params_default(&d); lp.n_gl = d.n_gl; lp.h_max = d.h_max; lp.grade = d.grade; lp.grade_c = d.grade_c; }
  c->l = ss_learn_create(c->net, &lp, &err);
  ck_assert_msg(c->l != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_learn_add_output(c->l, 2, &err), 0);
  ck_assert_int_eq(gparam(cs, "feedback", v, sizeof v), 0);
  ss_feedback fb = !strcmp(v, "symmetric") ? SS_FB_SYMMETRIC : !strcmp(v, "random") ? SS_FB_RANDOM : SS_FB_UNIFORM;
  ck_assert_int_eq(ss_learn_add_hidden(c->l, 1, 2, fb, 1, 0, &err), 0);
  if (fb == SS_FB_RANDOM) { /* the oracle's fixed matrix */
    double *B = calloc((size_t)nhid * nout, sizeof *B);
    FILE *fp = fopen(gfile(cs, "feedback.txt"), "r");
    ck_assert_ptr_nonnull(fp);
    char line[256];
    while (fgets(line, sizeof line, fp)) {
      unsigned a, b;
      double x;
      if (line[0] != '#' && sscanf(line, "%u %u %lf", &a, &b, &x) == 3) B[a * nout + b] = x;
    }
    fclose(fp);
    ck_assert_int_eq(ss_learn_set_feedback(c->l, 1, B, &err), 0);
    free(B);
  }
  ck_assert_int_eq(ss_learn_add_plastic(c->l, 0, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(c->l, 1, &err), 0);
  ck_assert_int_eq(ss_learn_start(c->l, c->e, &err), 0);
  ck_assert_int_eq(gparam(cs, "rule", v, sizeof v), 0);
  c->learning = !strcmp(v, "rmsprop");
  c->eta = gnum(cs, "eta");
  c->gamma = gnum(cs, "gamma");
  c->eps = gnum(cs, "eps");
  ck_assert_int_eq(gparam(cs, "w_clip", v, sizeof v), 0);
  c->clip = !strcmp(v, "none") ? INFINITY : strtod(v, NULL);
}

static void gcase_free(gcase *c) {
  ss_learn_destroy(c->l);
  ss_engine_destroy(c->e);
  ss_source_clear(&c->src);
  ss_source_clear(&c->tgt);
  ss_net_destroy(c->net);
}

static void read_window(const gcase *c, const char *file, int win, double *out) {
  FILE *fp = fopen(file, "r");
  ck_assert_msg(fp != NULL, "cannot open %s", file);
  const ss_net *net = c->net;
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, fp)) {
    int w, layer;
    unsigned a, b;
    double x;
    if (line[0] == '#' || sscanf(line, "%d %d %u %u %lf", &w, &layer, &a, &b, &x) != 5 || w != win) continue;
    /* find synapse (a -> b) of projection `layer` in outgoing order */
    uint32_t u = net->pops[layer].offset + a, post = net->pops[layer + 1].offset + b;
    int found = 0;
    for (uint32_t g = net->grp_ptr[u]; g < net->grp_ptr[u + 1] && !found; ++g)
      for (uint64_t k = net->grp_start[g]; k < net->grp_start[g + 1]; ++k)
        if (net->out_post[k] == post) {
          out[k] = x;
          found = 1;
          break;
        }
    ck_assert_msg(found, "%s: no synapse %u -> %u in layer %d", file, a, b, layer);
    ++n;
  }
  fclose(fp);
  ck_assert_uint_eq((size_t)n, net->n_syn);
}

/* max over layers of ||got - want|| / ||want|| */
static double rel_err(const gcase *c, const double *got_by_k, const double *want) {
  double worst = 0;
  for (uint32_t layer = 0; layer < 2; ++layer) {
    double num = 0, den = 0;
    for (uint64_t k = 0; k < c->net->n_syn; ++k) {
      if (ss_net_syn_proj(c->net, k) != layer) continue;
      double d = got_by_k[k] - want[k];
      num += d * d;
      den += want[k] * want[k];
    }
    double r = den > 0 ? sqrt(num / den) : sqrt(num);
    if (r > worst) worst = r;
  }
  return worst;
}

/* The oracle's update: g = G/T, v = max(gamma v, g^2), w += eta g/(sqrt(v)+eps). */
static void apply_rule(gcase *c, const double *G_by_k, double *vrms) {
  ss_net *net = c->net;
  for (uint64_t k = 0; k < net->n_syn; ++k) {
    double g = G_by_k[k] / c->T;
    vrms[k] = fmax(c->gamma * vrms[k], g * g);
    net->out_w[k] += c->eta * g / (sqrt(vrms[k]) + c->eps);
    if (net->out_w[k] > c->clip) net->out_w[k] = c->clip;
    if (net->out_w[k] < -c->clip) net->out_w[k] = -c->clip;
  }
}

static void check_case(const char *cs, int run, double tol) {
  gcase c;
  gcase_load(&c, cs, run);
  ss_error err = {0};
  size_t S = c.net->n_syn;
  double *got = calloc(S, sizeof *got), *want = calloc(S, sizeof *want);
  double *vrms = calloc(S, sizeof *vrms), *w_exp = calloc(S, sizeof *w_exp);
  double worst = 0, worst_w = 0;
  const char *gf = run == RUN_ORACLE_DEFAULT ? "G_default.txt" : "G_high.txt";
  const char *wf = run == RUN_ORACLE_DEFAULT ? "w_after_default.txt" : "w_after.txt";
  for (int w = 0; w < c.n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(c.e, (w + 1) * c.T, &err), 0);
    ck_assert_msg(ss_learn_window(c.l, c.e, &err) == 0, "%s", err.msg);
    const double *G = ss_learn_gradient(c.l);
    for (uint64_t k = 0; k < S; ++k) got[k] = G[c.net->out_slot[k]];
    read_window(&c, gfile(cs, gf), w, want);
    double r = rel_err(&c, got, want);
    if (r > worst) worst = r;
    ck_assert_msg(r <= tol, "%s window %d (run %d): relative error of G %.3g > %.3g", cs, w, run, r, tol);
    if (c.learning) { /* the same update rule; the weights must follow the oracle's */
      apply_rule(&c, got, vrms);
      read_window(&c, gfile(cs, wf), w, w_exp);
      for (uint64_t k = 0; k < S; ++k) {
        double d = fabs(c.net->out_w[k] - w_exp[k]);
        if (d > worst_w) worst_w = d;
        ck_assert_msg(d <= tol * c.eta, "%s window %d: weight %llu is %.17g, oracle %.17g", cs, w,
                      (unsigned long long)k, c.net->out_w[k], w_exp[k]);
      }
    }
  }
  const ss_learn_stats *ls = ss_learn_get_stats(c.l);
  printf("%-30s %-15s G rel. error %.2e, weights %.1e, %.2f nodes per neuron-ms\n", cs,
         run == RUN_HIGH ? "GL-12/0.25ms" : run == RUN_ORACLE_DEFAULT ? "GL-4/2ms/graded" : "default", worst,
         worst_w, (double)ls->nodes / ((double)(c.net->n_units - c.net->pops[0].size) * c.T * c.n_win));
  free(got);
  free(want);
  free(vrms);
  free(w_exp);
  gcase_free(&c);
}

static const char *const cases[] = {
    "A_s1_online_sym_frozen",     "A_s1_online_random_frozen", "A_s1_online_uniform_frozen",
    "A_s1_trial_sym_frozen",      "A_s1_trial_random_frozen",  "A_s2_online_sym_frozen",
    "B_s3_online_sym_frozen",     "C_s3_online_sym_frozen",    "A_s1_online_sym_rmsprop",
    "A_s1_online_random_rmsprop", "A_s1_online_uniform_rmsprop", "A_s1_trial_sym_rmsprop",
    "A_s2_online_sym_rmsprop",    "B_s3_online_sym_rmsprop",   "A_s1_online_sym_rmsprop_clip8",
};
#define N_CASES (int)(sizeof cases / sizeof cases[0])

START_TEST(test_gradient_high_order_matches_oracle) { check_case(cases[_i], RUN_HIGH, 1e-9); }
END_TEST

START_TEST(test_gradient_oracle_layout_matches_oracle_default) { check_case(cases[_i], RUN_ORACLE_DEFAULT, 1e-9); }
END_TEST

START_TEST(test_gradient_default_within_1e5_of_high_order) { check_case(cases[_i], RUN_DEFAULT, 1e-5); }
END_TEST

int main(void) {
  Suite *s = suite_create("learn");
  TCase *tc = tcase_create("oracle");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_gradient_high_order_matches_oracle, 0, N_CASES);
  tcase_add_loop_test(tc, test_gradient_oracle_layout_matches_oracle_default, 0, N_CASES);
  tcase_add_loop_test(tc, test_gradient_default_within_1e5_of_high_order, 0, N_CASES);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
