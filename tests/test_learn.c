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

#include "gradient_case.h"

typedef struct gcase {
  gradient_case g;
  ss_engine *e;
  ss_learn *l;
  double eta, gamma, eps, clip;
  int learning;
} gcase;

/* Quadrature settings a case runs with. */
enum { RUN_HIGH = 0,           /* GL-12, 0.25 ms, the oracle's layout: vs oracle high order */
       RUN_ORACLE_DEFAULT = 1, /* GL-4, 2 ms, the oracle's layout: vs oracle default */
       RUN_DEFAULT = 2 };      /* the library's default (adaptive pieces): vs high order */

static void gcase_load(gcase *c, const char *cs, int run) {
  int high = run == RUN_HIGH;
  memset(c, 0, sizeof *c);
  gradient_case_load(&c->g, cs);
  ss_error err = {0};
  char v[128];
  c->e = ss_engine_create(c->g.net, c->g.sources, NULL, &err);
  ck_assert_ptr_nonnull(c->e);
  ck_assert_int_eq(ss_engine_set_targets(c->e, 2, &c->g.tgt, &err), 0);
  ss_learn_params lp = c->g.lp;
  lp.n_gl = (int)gradient_num(cs, high ? "n_gl_high" : "n_gl_default");
  lp.h_max = gradient_num(cs, high ? "h_max_high_ms" : "h_max_default_ms");
  lp.grade = (int)gradient_num(cs, high ? "grade_high" : "grade_default");
  lp.grade_c = gradient_num(cs, "grade_c");
  if (run != RUN_DEFAULT) { /* the oracle's piece layout */
    lp.adapt = 0;
    lp.err_breakpoints = 1;
  }
  else { ss_learn_params d; ss_learn_params_default(&d); lp.n_gl = d.n_gl; lp.h_max = d.h_max; lp.grade = d.grade; lp.grade_c = d.grade_c; }
  c->l = gradient_case_learner(&c->g, &lp, c->e);
  ck_assert_int_eq(gradient_param(cs, "rule", v, sizeof v), 0);
  c->learning = !strcmp(v, "rmsprop");
  c->eta = gradient_num(cs, "eta");
  c->gamma = gradient_num(cs, "gamma");
  c->eps = gradient_num(cs, "eps");
  ck_assert_int_eq(gradient_param(cs, "w_clip", v, sizeof v), 0);
  c->clip = !strcmp(v, "none") ? INFINITY : strtod(v, NULL);
}

static void gcase_free(gcase *c) {
  ss_learn_destroy(c->l);
  ss_engine_destroy(c->e);
  gradient_case_free(&c->g);
}

/* The oracle's update: g = G/T, v = max(gamma v, g^2), w += eta g/(sqrt(v)+eps). */
static void apply_rule(gcase *c, const double *G_by_k, double *vrms) {
  ss_net *net = c->g.net;
  for (uint64_t k = 0; k < net->n_syn; ++k) {
    double g = G_by_k[k] / c->g.T;
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
  size_t S = c.g.net->n_syn;
  double *got = calloc(S, sizeof *got), *want = calloc(S, sizeof *want);
  double *vrms = calloc(S, sizeof *vrms), *w_exp = calloc(S, sizeof *w_exp);
  double worst = 0, worst_w = 0;
  const char *gf = run == RUN_ORACLE_DEFAULT ? "G_default.txt" : "G_high.txt";
  const char *wf = run == RUN_ORACLE_DEFAULT ? "w_after_default.txt" : "w_after.txt";
  for (int w = 0; w < c.g.n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(c.e, (w + 1) * c.g.T, &err), 0);
    ck_assert_msg(ss_learn_window(c.l, c.e, &err) == 0, "%s", err.msg);
    const double *G = ss_learn_gradient(c.l);
    for (uint64_t k = 0; k < S; ++k) got[k] = G[c.g.net->out_slot[k]];
    gradient_read_window(c.g.net, gradient_file(cs, gf), w, want);
    double r = gradient_rel_err(c.g.net, got, want);
    if (r > worst) worst = r;
    ck_assert_msg(r <= tol, "%s window %d (run %d): relative error of G %.3g > %.3g", cs, w, run, r, tol);
    if (c.learning) { /* the same update rule; the weights must follow the oracle's */
      apply_rule(&c, got, vrms);
      gradient_read_window(c.g.net, gradient_file(cs, wf), w, w_exp);
      for (uint64_t k = 0; k < S; ++k) {
        double d = fabs(c.g.net->out_w[k] - w_exp[k]);
        if (d > worst_w) worst_w = d;
        ck_assert_msg(d <= tol * c.eta, "%s window %d: weight %llu is %.17g, oracle %.17g", cs, w,
                      (unsigned long long)k, c.g.net->out_w[k], w_exp[k]);
      }
    }
  }
  const ss_learn_stats *ls = ss_learn_get_stats(c.l);
  printf("%-30s %-15s G rel. error %.2e, weights %.1e, %.2f nodes per neuron-ms\n", cs,
         run == RUN_HIGH ? "GL-12/0.25ms" : run == RUN_ORACLE_DEFAULT ? "GL-4/2ms/graded" : "default", worst,
         worst_w, (double)ls->nodes / ((double)(c.g.net->n_units - c.g.net->pops[0].size) * c.g.T * c.g.n_win));
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
