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

/* ---------------------------------------------------------------- reference surrogate */

/* G of the windows of case cs with the library's default quadrature and
 * surrogate form `sf` (beta, u_cut), outgoing order, [n_win][n_syn]. */
static double *surrogate_run(const char *cs, ss_surrogate sf, double beta, double u_cut) {
  gradient_case g;
  gradient_case_load(&g, cs);
  ss_learn_params lp = g.lp;
  lp.surrogate = sf;
  lp.beta = beta;
  lp.u_cut = u_cut;
  ss_learn_stats st;
  double *G = gradient_case_run(&g, &lp, &st);
  ck_assert_uint_eq(st.cut_crossings, 0);
  gradient_case_free(&g);
  return G;
}

/* With u_cut far below every membrane potential the reference form is
 * beta x the paper form: G scales by beta up to roundoff (measured <= 4.8e-16
 * relative, worst window and layer; bound 2e-15). */
START_TEST(test_reference_surrogate_is_beta_times_paper) {
  const char *cs = cases[_i];
  const double beta = 0.7;
  double *Gp = surrogate_run(cs, SS_SURR_PAPER, beta, -80.0);
  double *Gr = surrogate_run(cs, SS_SURR_REFERENCE, beta, -1e9);
  gradient_case g;
  gradient_case_load(&g, cs);
  size_t S = g.net->n_syn;
  double worst = 0;
  for (int w = 0; w < g.n_win; ++w) {
    for (size_t k = 0; k < S; ++k) Gp[(size_t)w * S + k] *= beta;
    double r = gradient_rel_err(g.net, Gr + (size_t)w * S, Gp + (size_t)w * S);
    if (r > worst) worst = r;
  }
  printf("%-30s reference form (u_cut -1e9 mV) vs beta x paper form: rel. difference %.2e\n", cs, worst);
  ck_assert_msg(worst <= 2e-15, "%s: reference form differs from beta x paper by %.3g", cs, worst);
  gradient_case_free(&g);
  free(Gp);
  free(Gr);
}
END_TEST

/* Free v(t) in closed form, written independently of lif.c. */
static double cut_v(double tm, double ts, double v0, double I0, double t) {
  if (tm == ts) return (v0 + I0 * t / tm) * exp(-t / tm);
  return v0 * exp(-t / tm) + I0 * ts / (tm - ts) * (exp(-t / tm) - exp(-t / ts));
}
static double cut_dv(double tm, double ts, double v0, double I0, double t) {
  if (tm == ts) return (I0 / tm - (v0 + I0 * t / tm) / tm) * exp(-t / tm);
  return -v0 / tm * exp(-t / tm) + I0 * ts / (tm - ts) * (exp(-t / ts) / ts - exp(-t / tm) / tm);
}
/* Plain bisection of f(t) = which ? v'(t) : v(t) - c on [a, b] (a sign change). */
static double cut_bisect(double tm, double ts, double v0, double I0, double c, int which, double a, double b) {
  double fa = which ? cut_dv(tm, ts, v0, I0, a) : cut_v(tm, ts, v0, I0, a) - c;
  for (int it = 0; it < 200 && b - a > 1e-15 * fmax(1.0, b); ++it) {
    double m = 0.5 * (a + b), fm = which ? cut_dv(tm, ts, v0, I0, m) : cut_v(tm, ts, v0, I0, m) - c;
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else b = m;
  }
  return 0.5 * (a + b);
}

/* The u_cut crossings the sweep uses (ss_learn_cut_crossings) against an
 * independent bisection on the closed-form v(t): same number of crossings
 * and every time within 1e-12 ms (measured 1.1e-13), on 20,000 random
 * states for three tau ratios (the quadratic case 2, a general ratio and
 * equal taus); states whose extremum lies within 1e-9 mV of the cut
 * (grazing) are skipped. */
START_TEST(test_cut_crossings_match_bisection) {
  static const double tsyn[3] = {5.0, 3.0, 10.0};
  uint64_t rng = 12345;
  int count[3] = {0, 0, 0};
  double worst = 0;
  for (int r = 0; r < 3; ++r) {
    ss_lif_params p;
    ss_lif_params_default(&p);
    p.tau_syn = tsyn[r];
    ss_error err = {0};
    ck_assert_int_eq(ss_lif_params_init(&p, &err), 0);
    for (int it = 0; it < 20000 / 3 + 1; ++it) {
      double u[4];
      for (int k = 0; k < 4; ++k) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        u[k] = (double)(rng >> 11) * 0x1.0p-53;
      }
      double v0 = -40 + 50 * u[0], I0 = -150 + 230 * u[1], vc = -30 + 35 * u[2], L = 0.1 + 60 * u[3];
      double tm = p.tau_mem, ts = p.tau_syn;
      /* independent: extremum by bisection on v', then each monotone part */
      double ed[3];
      int ne = 0;
      ed[ne++] = 0;
      double d0 = cut_dv(tm, ts, v0, I0, 0), dL = cut_dv(tm, ts, v0, I0, L);
      int graze = 0;
      if ((d0 < 0) != (dL < 0) && d0 != 0 && dL != 0) {
        ed[ne] = cut_bisect(tm, ts, v0, I0, vc, 1, 0, L);
        if (fabs(cut_v(tm, ts, v0, I0, ed[ne]) - vc) < 1e-9) graze = 1;
        ++ne;
      }
      ed[ne++] = L;
      if (graze) continue;
      double want[2];
      int nw = 0;
      for (int k = 0; k + 1 < ne; ++k) {
        double fa = cut_v(tm, ts, v0, I0, ed[k]) - vc, fb = cut_v(tm, ts, v0, I0, ed[k + 1]) - vc;
        if ((fa < 0) != (fb < 0)) want[nw++] = cut_bisect(tm, ts, v0, I0, vc, 0, ed[k], ed[k + 1]);
      }
      /* roots within 1e-9 ms of the ends are a matter of roundoff: skip */
      int edge = 0;
      for (int k = 0; k < nw; ++k) edge |= want[k] < 1e-9 || want[k] > L - 1e-9;
      if (edge) continue;
      double got[2];
      int ng = ss_learn_cut_crossings(&p, v0, I0, L, vc, got);
      ck_assert_msg(ng == nw, "ratio %g, v0 %.17g I0 %.17g L %.17g cut %.17g: %d crossings, bisection %d", ts / tm, v0,
                    I0, L, vc, ng, nw);
      count[ng]++;
      for (int k = 0; k < ng; ++k) {
        double d = fabs(got[k] - want[k]);
        if (d > worst) worst = d;
        ck_assert_msg(d <= 1e-12, "ratio %g: crossing at %.17g ms, bisection %.17g", ts / tm, got[k], want[k]);
      }
    }
  }
  printf("u_cut crossings: %d states with none, %d with one, %d with two; worst difference to bisection %.2e ms\n",
         count[0], count[1], count[2], worst);
  ck_assert(count[1] > 1000 && count[2] > 200);
  double t[2];
  ss_lif_params p;
  ss_lif_params_default(&p);
  ck_assert_int_eq(ss_learn_cut_crossings(&p, 0, 0, 10, -20, t), 0);   /* at rest, above */
  ck_assert_int_eq(ss_learn_cut_crossings(&p, -5, 0, 0, -20, t), 0);   /* empty */
  ck_assert_int_eq(ss_learn_cut_crossings(&p, -5, -200, 50, NAN, t), 0);
}
END_TEST

START_TEST(test_params_validation) {
  gradient_case g;
  gradient_case_load(&g, cases[0]);
  ss_error err = {0};
  ss_learn_params d;
  ss_learn_params_default(&d);
  ck_assert_double_eq(d.u_cut, -80.0);
  ck_assert_int_eq(d.surrogate, SS_SURR_PAPER);
  ss_learn_params bad = d;
  bad.surrogate = (ss_surrogate)3;
  ck_assert_ptr_null(ss_learn_create(g.net, &bad, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  bad = d;
  bad.u_cut = NAN;
  ck_assert_ptr_null(ss_learn_create(g.net, &bad, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  bad.u_cut = INFINITY;
  ck_assert_ptr_null(ss_learn_create(g.net, &bad, &err));
  bad.u_cut = -INFINITY;
  bad.surrogate = SS_SURR_REFERENCE;
  ss_learn *l = ss_learn_create(g.net, &bad, &err);
  ck_assert_ptr_nonnull(l);
  ss_learn_destroy(l);
  gradient_case_free(&g);
}
END_TEST

/* ---------------------------------------------------------------- error-dependent regularizer */

/* alpha(x) / A of the case's kernel and A, computed here independently. */
typedef struct het_ref {
  double td, tr, A, tau, a;
  const ss_spikes *tgt, *out, *own; /* target and output spikes (local ids), the neuron's own spikes */
  uint32_t nout, self;              /* self: local id among `own` */
  const double *Brow;               /* hidden: the neuron's feedback row; NULL for an output (self = its id) */
} het_ref;

static double het_e_out(const het_ref *h, uint32_t o, double t) {
  double e = 0;
  for (size_t k = 0; k < h->tgt->n && h->tgt->t[k] <= t; ++k)
    if (h->tgt->id[k] == o) e += exp(-(t - h->tgt->t[k]) / h->td) - exp(-(t - h->tgt->t[k]) / h->tr);
  for (size_t k = 0; k < h->out->n && h->out->t[k] <= t; ++k)
    if (h->out->id[k] == o) e -= exp(-(t - h->out->t[k]) / h->td) - exp(-(t - h->out->t[k]) / h->tr);
  return h->A * e;
}

static double het_f(const het_ref *h, double t) {
  double z = 0, e = 0;
  for (size_t k = 0; k < h->own->n && h->own->t[k] <= t; ++k)
    if (h->own->id[k] == h->self) z += exp(-(t - h->own->t[k]) / h->tau);
  if (h->Brow)
    for (uint32_t o = 0; o < h->nout; ++o) e += h->Brow[o] * het_e_out(h, o, t);
  else e = het_e_out(h, h->self, t);
  return (h->a == 0 ? 1.0 : pow(z, h->a)) * e * e;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* int_{t0}^{t1} z^a e^2 by composite Simpson between consecutive spike
 * times (of the neuron, the outputs and the targets), steps <= 0.01 ms. */
static double het_simpson(const het_ref *h, double t0, double t1) {
  size_t nb = 0, cap = h->tgt->n + h->out->n + h->own->n + 2;
  double *b = calloc(cap, sizeof *b);
  b[nb++] = t0;
  b[nb++] = t1;
  const ss_spikes *all[3] = {h->tgt, h->out, h->own};
  for (int s = 0; s < 3; ++s)
    for (size_t k = 0; k < all[s]->n; ++k)
      if (all[s]->t[k] > t0 && all[s]->t[k] < t1) b[nb++] = all[s]->t[k];
  qsort(b, nb, sizeof *b, cmp_double);
  double Z = 0;
  for (size_t j = 0; j + 1 < nb; ++j) {
    double a = b[j], L = b[j + 1] - a;
    if (!(L > 0)) continue;
    int m = 2 * (int)ceil(L / 0.02);
    double hh = L / m, acc = 0;
    /* the left end belongs to the interval: evaluate just inside it */
    for (int i = 0; i <= m; ++i) {
      double t = i == 0 ? a + 1e-12 * L : i == m ? b[j + 1] - 1e-12 * L : a + i * hh;
      acc += (i == 0 || i == m ? 1.0 : i % 2 ? 4.0 : 2.0) * het_f(h, t);
    }
    Z += acc * hh / 3.0;
  }
  free(b);
  return Z;
}

/* The error-dependent regularizer integral Z_i = int z_i^a e_i^2 of every
 * output and hidden neuron in every window, against composite Simpson on
 * the closed-form traces (computed here from the recorded spikes, the
 * targets and the learner's B), for a = 0, 1, 4 and 2.5, tau_het 40 ms, on
 * a symmetric and a random-feedback case: relative difference <= 1e-9
 * (measured <= 1.6e-11).  Most of the integrals with a > 0 are nonzero
 * (the neuron spiked before or in the window). */
START_TEST(test_het_error_integral) {
  static const char *const hcs[2] = {"A_s1_online_sym_frozen", "A_s1_online_random_frozen"};
  static const double as[4] = {0.0, 1.0, 4.0, 2.5};
  const char *cs = hcs[_i];
  double worst = 0;
  int checked = 0, nonzero = 0;
  for (int ia = 0; ia < 4; ++ia) {
    gradient_case g;
    gradient_case_load(&g, cs);
    ss_error err = {0};
    ss_record *rec = ss_record_create(g.net);
    ck_assert_int_eq(ss_record_add_spikes(rec, 1, "unused_hid.ras", &err), 0);
    ck_assert_int_eq(ss_record_add_spikes(rec, 2, "unused_out.ras", &err), 0);
    ss_engine *e = ss_engine_create(g.net, g.sources, rec, &err);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(ss_engine_set_targets(e, 2, &g.tgt, &err), 0);
    ss_learn *l = gradient_case_learner(&g, &g.lp, e);
    ck_assert_int_eq(ss_learn_set_het_error(l, 1, &err), 0);
    ck_assert_int_eq(ss_learn_set_het(l, 40.0, as[ia], &err), 0);
    ss_spikes tgt;
    ss_spikes_init(&tgt);
    ck_assert_int_eq(ss_spikes_read(&tgt, gradient_file(cs, "target.ras"), g.nout, 1, &err), 0);
    het_ref h = {.td = g.lp.tau_decay, .tr = g.lp.tau_rise, .tau = 40.0, .a = as[ia], .tgt = &tgt,
                 .out = &rec->sm[1].spikes, .nout = g.nout};
    if (g.lp.alpha_peak) {
      double tp = log(h.td / h.tr) / (1.0 / h.tr - 1.0 / h.td);
      h.A = 1.0 / (exp(-tp / h.td) - exp(-tp / h.tr));
    } else h.A = 1.0 / (h.td - h.tr);
    for (int w = 0; w < g.n_win; ++w) {
      double t0 = w * g.T, t1 = (w + 1) * g.T;
      ck_assert_int_eq(ss_engine_run(e, t1, &err), 0);
      ck_assert_int_eq(ss_learn_window(l, e, &err), 0);
      const double *Z = ss_learn_het_integral(l), *B = ss_learn_feedback(l, 1);
      for (uint32_t layer = 1; layer <= 2; ++layer)
        for (uint32_t i = 0; i < g.net->pops[layer].size; ++i) {
          h.own = &rec->sm[layer - 1].spikes;
          h.self = i;
          h.Brow = layer == 1 ? B + (size_t)i * g.nout : NULL;
          double want = het_simpson(&h, t0, t1), got = Z[g.net->pops[layer].offset + i];
          double r = fabs(got - want) / fmax(fabs(want), 1e-300);
          if (want == 0 && got == 0) r = 0;
          if (r > worst) worst = r;
          ++checked;
          nonzero += ia > 0 && want != 0;
          ck_assert_msg(r <= 1e-9, "%s a %g window %d layer %u neuron %u: Z %.17g, Simpson %.17g", cs, as[ia], w, layer,
                        i, got, want);
        }
    }
    ss_spikes_clear(&tgt);
    ss_learn_destroy(l);
    ss_engine_destroy(e);
    ss_record_destroy(rec);
    gradient_case_free(&g);
  }
  printf("%-30s error-dependent regularizer: %d integrals (a = 0, 1, 4, 2.5; %d nonzero with a > 0), worst rel. "
         "difference to Simpson %.2e\n",
         cs, checked, nonzero, worst);
  ck_assert_int_ge(nonzero, 40);
}
END_TEST


/* ---------------------------------------------------------------- one window or many */

/* Cutting time into windows changes when the weights move, not the
 * gradient (exact carry-over): with frozen weights, G over one window of 3 s
 * equals the sum of G over six windows of 500 ms.  The 3 s window also
 * takes the adjoint's path for long windows: at error points more than
 * 2.3 s before its end e^{-(t1 - t)/tau_r} < 1e-200 (tau_r = 5 ms), where
 * the absolute factors of the short windows are no longer representable.
 * High order on both sides, the case's 400 ms of inputs and targets
 * looped. */
START_TEST(test_one_long_window_is_the_sum_of_short_ones) {
  const char *cs = _i ? "A_s1_online_random_frozen" : "A_s1_online_sym_frozen";
  const double Tall = 3000.0, Tw[2] = {500.0, 3000.0};
  double *G[2] = {NULL, NULL};
  size_t S = 0;
  for (int pass = 0; pass < 2; ++pass) {
    gradient_case g;
    gradient_case_load(&g, cs);
    const double period = g.T * g.n_win;
    ss_source_clear(&g.src);
    ss_source_clear(&g.tgt);
    gradient_source(&g.src, cs, "input.ras", g.nin, 0, 0, period);
    gradient_source(&g.tgt, cs, "target.ras", g.nout, g.net->pops[2].offset, 1, period);
    ss_error err = {0};
    ss_engine *e = ss_engine_create(g.net, g.sources, NULL, &err);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(ss_engine_set_targets(e, 2, &g.tgt, &err), 0);
    ss_learn_params lp = g.lp;
    lp.n_gl = (int)gradient_num(cs, "n_gl_high");
    lp.h_max = gradient_num(cs, "h_max_high_ms");
    ss_learn *l = gradient_case_learner(&g, &lp, e);
    S = g.net->n_syn;
    G[pass] = calloc(S, sizeof *G[pass]);
    for (int w = 1; w * Tw[pass] <= Tall; ++w) {
      ck_assert_int_eq(ss_engine_run(e, w * Tw[pass], &err), 0);
      ck_assert_msg(ss_learn_window(l, e, &err) == 0, "%s", err.msg);
      const double *Gs = ss_learn_gradient(l);
      for (uint64_t k = 0; k < S; ++k) G[pass][k] += Gs[g.net->out_slot[k]];
    }
    ck_assert_msg(ss_learn_get_stats(l)->err_events > 100, "%s: too few error events to test", cs);
    ss_learn_destroy(l);
    ss_engine_destroy(e);
    gradient_case_free(&g);
  }
  double num = 0, den = 0;
  for (size_t k = 0; k < S; ++k) {
    num += (G[1][k] - G[0][k]) * (G[1][k] - G[0][k]);
    den += G[0][k] * G[0][k];
  }
  double r = sqrt(num / den);
  printf("%-30s one 3 s window vs six of 500 ms: G rel. difference %.2e\n", cs, r);
  ck_assert_msg(den > 0 && r <= 1e-9, "%s: one long window off the sum of short ones by %.3g", cs, r);
  free(G[0]);
  free(G[1]);
}
END_TEST

/* The learner keeps the delay group of every incoming slot in 16 bits up
 * to 65536 groups and in 32 bits beyond.  Inputs that never spike change
 * nothing (their PSP state and eligibility stay 0), so a network with
 * 65,600 input units (one group each, the 32-bit path), of which only the
 * case's 20 spike, must give bit for bit the gradient of the 20 alone (the
 * 16-bit path), and exactly 0 on the silent inputs.  Online mode, four
 * windows, inputs and targets of the case looped, the weights learning. */
static double *many_inputs_run(const char *cs, uint32_t n_src, uint32_t *n_in, uint32_t *n_out) {
  ss_error err = {0};
  ss_lif_params p = {.tau_mem = gradient_num(cs, "tau_mem_ms"), .tau_syn = gradient_num(cs, "tau_syn_ms"),
                     .u_rest = gradient_num(cs, "u_rest_mV"), .theta = gradient_num(cs, "theta_mV"),
                     .t_ref = gradient_num(cs, "t_ref_ms")};
  *n_in = (uint32_t)gradient_num(cs, "n_in");
  *n_out = (uint32_t)gradient_num(cs, "n_out");
  const double T = gradient_num(cs, "window_ms"), period = T * gradient_num(cs, "n_windows");
  ss_net *net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(net, "in", n_src, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(net, "out", *n_out, &p, 0, &err), 1);
  ss_proj pr;
  memset(&pr, 0, sizeof pr);
  snprintf(pr.name, sizeof pr.name, "in_out");
  pr.pre = 0;
  pr.post = 1;
  pr.conn = SS_CONN_ALL_TO_ALL;
  pr.weight = (ss_dist){SS_DIST_CONSTANT, 4.0, 0, -INFINITY, INFINITY};
  pr.delay = (ss_dist){SS_DIST_CONSTANT, 0.8, 0, 0, INFINITY};
  ck_assert_int_eq(ss_net_add_proj(net, &pr, &err), 0);
  ck_assert_msg(ss_net_build(net, &err) == 0, "%s", err.msg);
  ck_assert_uint_eq(net->n_groups, n_src);
  ss_source src, tgt;
  gradient_source(&src, cs, "input.ras", n_src, 0, 0, period);
  gradient_source(&tgt, cs, "target.ras", *n_out, net->pops[1].offset, 1, period);
  ss_source *sources[2] = {&src, NULL};
  ss_engine *e = ss_engine_create(net, sources, NULL, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(ss_engine_set_targets(e, 1, &tgt, &err), 0);
  ss_learn_params lp;
  ss_learn_params_default(&lp);
  ss_learn *l = ss_learn_create(net, &lp, &err);
  ck_assert_msg(l != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_learn_add_output(l, 1, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 0, &err), 0);
  ck_assert_int_eq(ss_learn_start(l, e, &err), 0);
  ss_optim_params op;
  ss_optim_params_default(&op);
  op.t_window = T;
  ss_optim *opt = ss_optim_create(&op, net->n_syn, &err);
  ck_assert_ptr_nonnull(opt);
  const uint32_t out0 = net->pops[1].offset;
  double *G = calloc((size_t)4 * *n_out * n_src, sizeof *G), *g = calloc(net->n_syn, sizeof *g);
  for (int w = 0; w < 4; ++w) {
    ck_assert_int_eq(ss_engine_run(e, (w + 1) * T, &err), 0);
    ck_assert_msg(ss_learn_window(l, e, &err) == 0, "%s", err.msg);
    const double *Gs = ss_learn_gradient(l);
    for (uint32_t o = 0; o < *n_out; ++o) /* slots of neuron o: its inputs in order */
      for (uint32_t u = 0; u < n_src; ++u) G[((size_t)w * *n_out + o) * n_src + u] = Gs[net->in_ptr[out0 + o] + u];
    for (uint64_t k = 0; k < net->n_syn; ++k) g[k] = Gs[net->out_slot[k]];
    ck_assert_msg(ss_optim_step(opt, (w + 1) * T, net->out_w, g, NULL, NULL, &err) == 0, "%s", err.msg);
  }
  ck_assert_msg(ss_learn_get_stats(l)->err_events > 10, "%s: too few error events to test", cs);
  free(g);
  ss_optim_destroy(opt);
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  ss_source_clear(&src);
  ss_source_clear(&tgt);
  ss_net_destroy(net);
  return G;
}

START_TEST(test_many_groups_match_few) {
  const char *cs = "A_s1_online_sym_frozen";
  const uint32_t big = 65600;
  uint32_t n_in, n_out;
  double *Gf = many_inputs_run(cs, (uint32_t)gradient_num(cs, "n_in"), &n_in, &n_out);
  double *Gm = many_inputs_run(cs, big, &n_in, &n_out);
  size_t nz = 0;
  for (int w = 0; w < 4; ++w)
    for (uint32_t o = 0; o < n_out; ++o)
      for (uint32_t u = 0; u < big; ++u) {
        double m = Gm[((size_t)w * n_out + o) * big + u];
        if (u < n_in) {
          double f = Gf[((size_t)w * n_out + o) * n_in + u];
          ck_assert_msg(memcmp(&m, &f, sizeof m) == 0, "window %d, output %u, input %u: G %.17g with %u inputs, %.17g with %u",
                        w, o, u, m, big, f, n_in);
          nz += f != 0;
        } else
          ck_assert_msg(m == 0, "window %d, output %u, silent input %u: G %g", w, o, u, m);
      }
  ck_assert_msg(nz > 0, "no nonzero gradient to compare");
  free(Gf);
  free(Gm);
}
END_TEST

/* ---------------------------------------------------------------- delay alignment */

/* Cases of tests/data/learn/align_*: frozen weights, hidden and output
 * layers aligned by D_hidden, D_output (generate_align.py: a dense forward
 * reference of int_{t0}^{t1} e(t) lambda(t - D) dt, checked against the
 * oracle's G to 2e-12 at D = 0). */
static const char *const align_cases[] = {"A_s1_online_random_frozen", "A_s1_online_sym_frozen",
                                          "A_s1_trial_sym_frozen"};

static double align_param(const char *cs, const char *key) {
  char path[256], k[64];
  double v = NAN, x;
  snprintf(path, sizeof path, "learn/align_%s_params.txt", cs);
  FILE *fp = fopen(ss_test_data(path), "r");
  ck_assert_msg(fp != NULL, "cannot open %s", path);
  while (fscanf(fp, "%63s %lf", k, &x) == 2)
    if (!strcmp(k, key)) v = x;
  fclose(fp);
  ck_assert_msg(!isnan(v), "%s: no %s", path, key);
  return v;
}

/* G of every window of case cs, [n_win][n_syn] in outgoing order, with the
 * quadrature of run `run` and alignments Dh (hidden), Do (output); < 0:
 * ss_learn_set_align not called for that layer. */
static double *align_run(const char *cs, int run, double Dh, double Do) {
  gradient_case g;
  gradient_case_load(&g, cs);
  ss_error err = {0};
  ss_engine *e = ss_engine_create(g.net, g.sources, NULL, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(ss_engine_set_targets(e, 2, &g.tgt, &err), 0);
  ss_learn_params lp = g.lp;
  if (run == RUN_HIGH) {
    lp.n_gl = (int)gradient_num(cs, "n_gl_high");
    lp.h_max = gradient_num(cs, "h_max_high_ms");
    lp.grade = (int)gradient_num(cs, "grade_high");
    lp.grade_c = gradient_num(cs, "grade_c");
    lp.adapt = 0;
    lp.err_breakpoints = 1;
  }
  ss_learn *l = ss_learn_create(g.net, &lp, &err);
  ck_assert_ptr_nonnull(l);
  ck_assert_int_eq(ss_learn_add_output(l, 2, &err), 0);
  ck_assert_int_eq(ss_learn_add_hidden(l, 1, 2, g.fb, 1, 0, &err), 0);
  if (g.B) ck_assert_int_eq(ss_learn_set_feedback(l, 1, g.B, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 0, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 1, &err), 0);
  if (Dh >= 0) ck_assert_msg(ss_learn_set_align(l, 1, Dh, &err) == 0, "%s", err.msg);
  if (Do >= 0) ck_assert_msg(ss_learn_set_align(l, 2, Do, &err) == 0, "%s", err.msg);
  ck_assert_int_eq(ss_learn_start(l, e, &err), 0);
  /* after the start: refused */
  ck_assert_int_eq(ss_learn_set_align(l, 1, 1.0, &err), SS_ESTATE);
  size_t S = g.net->n_syn;
  double *G = calloc((size_t)g.n_win * S, sizeof *G);
  for (int w = 0; w < g.n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(e, (w + 1) * g.T, &err), 0);
    ck_assert_msg(ss_learn_window(l, e, &err) == 0, "%s", err.msg);
    const double *Gs = ss_learn_gradient(l);
    for (uint64_t k = 0; k < S; ++k) G[(size_t)w * S + k] = Gs[g.net->out_slot[k]];
  }
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  gradient_case_free(&g);
  return G;
}

/* G with D_hidden = 1.5 / 0.8 ms and D_output = 0.8 / 1.5 ms against the
 * dense forward reference: 1e-9 at high order (GL-12, 0.25 ms), 1e-5 with
 * the default quadrature; the unaligned G differs from the reference by
 * far more (the test can fail: printed, and required > 1e-3). */
START_TEST(test_align_matches_dense_reference) {
  const char *cs = align_cases[_i];
  double Dh = align_param(cs, "d_hidden_ms"), Do = align_param(cs, "d_output_ms");
  gradient_case g;
  gradient_case_load(&g, cs);
  size_t S = g.net->n_syn;
  int nw = g.n_win;
  double *want = calloc(S, sizeof *want);
  double *hi = align_run(cs, RUN_HIGH, Dh, Do), *def = align_run(cs, RUN_DEFAULT, Dh, Do);
  double *un = align_run(cs, RUN_HIGH, -1, -1);
  char file[256];
  snprintf(file, sizeof file, "learn/align_%s_G.txt", cs);
  double worst_hi = 0, worst_def = 0, least_un = INFINITY;
  for (int w = 0; w < nw; ++w) {
    gradient_read_window(g.net, ss_test_data(file), w, want);
    double rh = gradient_rel_err(g.net, hi + (size_t)w * S, want);
    double rd = gradient_rel_err(g.net, def + (size_t)w * S, want);
    double ru = gradient_rel_err(g.net, un + (size_t)w * S, want);
    worst_hi = fmax(worst_hi, rh);
    worst_def = fmax(worst_def, rd);
    least_un = fmin(least_un, ru);
    ck_assert_msg(rh <= 1e-9, "%s window %d: aligned G (high order) off the dense reference by %.3g", cs, w, rh);
    ck_assert_msg(rd <= 1e-5, "%s window %d: aligned G (default) off the dense reference by %.3g", cs, w, rd);
    ck_assert_msg(ru > 1e-3, "%s window %d: the unaligned G is as close (%.3g): the test cannot fail", cs, w, ru);
  }
  printf("%-30s align %.1f/%.1f ms: G rel. error %.2e (GL-12/0.25ms), %.2e (default); unaligned %.2e\n", cs, Dh,
         Do, worst_hi, worst_def, least_un);
  free(want);
  free(hi);
  free(def);
  free(un);
  gradient_case_free(&g);
}
END_TEST

/* D = 0 is the unaligned learner bit for bit, also next to an aligned layer
 * (the layers' sweeps are independent with frozen weights); D >= the
 * window length and non-layer populations are refused. */
START_TEST(test_align_zero_is_bit_identical) {
  const char *cs = align_cases[_i];
  gradient_case g;
  gradient_case_load(&g, cs);
  size_t S = g.net->n_syn, n = (size_t)g.n_win * S;
  double *base = align_run(cs, RUN_DEFAULT, -1, -1), *z = align_run(cs, RUN_DEFAULT, 0, 0);
  double *h0 = align_run(cs, RUN_DEFAULT, 0, 1.5), *o0 = align_run(cs, RUN_DEFAULT, 1.5, 0);
  size_t diff_h = 0, diff_o = 0;
  for (size_t k = 0; k < n; ++k) {
    int hid = ss_net_syn_proj(g.net, k % S) == 0;
    ck_assert_msg(memcmp(&base[k], &z[k], sizeof(double)) == 0, "D = 0: G[%zu] %.17g != %.17g", k, z[k], base[k]);
    if (hid) ck_assert_msg(memcmp(&base[k], &h0[k], sizeof(double)) == 0, "hidden D = 0: G[%zu] differs", k);
    else ck_assert_msg(memcmp(&base[k], &o0[k], sizeof(double)) == 0, "output D = 0: G[%zu] differs", k);
    diff_h += !hid && base[k] != h0[k];
    diff_o += hid && base[k] != o0[k];
  }
  ck_assert_msg(diff_h > 0 && diff_o > 0, "an aligned layer's G did not change");
  /* refusals */
  ss_error err = {0};
  ss_learn_params lp;
  ss_learn_params_default(&lp);
  ss_learn *l = ss_learn_create(g.net, &lp, &err);
  ck_assert_int_eq(ss_learn_set_align(l, 1, 1.0, &err), SS_EINVAL); /* no role yet */
  ck_assert_int_eq(ss_learn_add_output(l, 2, &err), 0);
  ck_assert_int_eq(ss_learn_set_align(l, 0, 1.0, &err), SS_EINVAL);
  ck_assert_int_eq(ss_learn_set_align(l, 2, -1.0, &err), SS_EINVAL);
  ck_assert_int_eq(ss_learn_set_align(l, 2, NAN, &err), SS_EINVAL);
  ck_assert_int_eq(ss_learn_set_align(l, 2, g.T, &err), SS_OK);
  ck_assert_int_eq(ss_learn_add_plastic(l, 1, &err), 0);
  ss_engine *e = ss_engine_create(g.net, g.sources, NULL, &err);
  ck_assert_int_eq(ss_engine_set_targets(e, 2, &g.tgt, &err), 0);
  ck_assert_int_eq(ss_learn_start(l, e, &err), 0);
  ck_assert_int_eq(ss_engine_run(e, g.T, &err), 0);
  ck_assert_int_eq(ss_learn_window(l, e, &err), SS_EINVAL); /* D = T */
  ck_assert_ptr_nonnull(strstr(err.msg, "shorter than the window"));
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  free(base);
  free(z);
  free(h0);
  free(o0);
  gradient_case_free(&g);
}
END_TEST



/* The clock learner's reference flavour with the same alignment (its delay
 * lines of round(D/dt) steps on sigma' and the PSP trace), dt = 0.01 ms:
 * its G approaches the aligned event-driven G (the rest is its O(dt)
 * Euler error), and the aligned pair agrees better than the clock with
 * the unaligned event-driven G. */
static double *clock_align_run(const char *cs, double D, double dt) {
  gradient_case g;
  gradient_case_load(&g, cs);
  ss_error err = {0};
  ss_record *rec = ss_record_create(g.net);
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  cp.flavour = SS_CL_REFERENCE;
  cp.align_out = cp.align_hidden = D;
  ss_clock_learn *cl = ss_clock_learn_create(g.net, g.sources, rec, &g.lp, &cp, &err);
  ck_assert_msg(cl != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_clock_learn_add_output(cl, 2, &err), 0);
  ck_assert_int_eq(ss_clock_learn_set_targets(cl, 2, &g.tgt, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_hidden(cl, 1, 2, g.fb, 1, 0, &err), 0);
  if (g.B) ck_assert_int_eq(ss_clock_learn_set_feedback(cl, 1, g.B, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 0, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 1, &err), 0);
  size_t S = g.net->n_syn;
  double *G = calloc((size_t)g.n_win * S, sizeof *G);
  for (int w = 0; w < g.n_win; ++w) {
    ck_assert_int_eq(ss_clock_learn_run_window(cl, (w + 1) * g.T, &err), 0);
    const double *Gs = ss_clock_learn_gradient(cl);
    for (uint64_t k = 0; k < S; ++k) G[(size_t)w * S + k] = Gs[g.net->out_slot[k]];
  }
  ss_clock_learn_destroy(cl);
  ss_record_destroy(rec);
  gradient_case_free(&g);
  return G;
}

START_TEST(test_align_matches_clock_reference) {
  const char *cs = align_cases[_i];
  const double D = 1.5, dt = 0.01;
  gradient_case g;
  gradient_case_load(&g, cs);
  size_t S = g.net->n_syn;
  double *ev = align_run(cs, RUN_DEFAULT, D, D), *ev0 = align_run(cs, RUN_DEFAULT, -1, -1);
  double *ck = clock_align_run(cs, D, dt);
  double worst = 0, worst_mis = 0;
  for (int w = 0; w < g.n_win; ++w) {
    worst = fmax(worst, gradient_rel_err(g.net, ck + (size_t)w * S, ev + (size_t)w * S));
    worst_mis = fmax(worst_mis, gradient_rel_err(g.net, ck + (size_t)w * S, ev0 + (size_t)w * S));
  }
  printf("%-30s clock reference, align %.1f ms, dt %g ms: G rel. difference to aligned %.3g, to unaligned %.3g\n", cs, D,
         dt, worst, worst_mis);
  ck_assert_msg(worst < 0.05, "%s: clock reference differs by %.3g from the aligned event-driven G", cs, worst);
  ck_assert_msg(worst < worst_mis / 2, "%s: alignment did not bring the learners together (%.3g vs %.3g)", cs, worst,
                worst_mis);
  free(ev);
  free(ev0);
  free(ck);
  gradient_case_free(&g);
}
END_TEST

/* A run saved after window 2 and resumed in fresh objects continues with
 * bit-identical G (the kept log tails, the state at t1 - D and the PSP
 * state at t1 - D are in the checkpoint). */
START_TEST(test_align_resume_is_bit_identical) {
  const char *cs = align_cases[_i];
  double Dh = align_param(cs, "d_hidden_ms"), Do = align_param(cs, "d_output_ms");
  char path[512];
  snprintf(path, sizeof path, "test_learn_align_%d.ssck", (int)_i); /* in the build directory */
  ss_learn *l[2];
  ss_engine *e[2];
  gradient_case g[2];
  ss_error err = {0};
  double *G = NULL;
  size_t S = 0;
  for (int r = 0; r < 2; ++r) {
    gradient_case_load(&g[r], cs);
    S = g[r].net->n_syn;
    e[r] = ss_engine_create(g[r].net, g[r].sources, NULL, &err);
    ck_assert_int_eq(ss_engine_set_targets(e[r], 2, &g[r].tgt, &err), 0);
    l[r] = ss_learn_create(g[r].net, &g[r].lp, &err);
    ck_assert_int_eq(ss_learn_add_output(l[r], 2, &err), 0);
    ck_assert_int_eq(ss_learn_add_hidden(l[r], 1, 2, g[r].fb, 1, 0, &err), 0);
    if (g[r].B) ck_assert_int_eq(ss_learn_set_feedback(l[r], 1, g[r].B, &err), 0);
    ck_assert_int_eq(ss_learn_add_plastic(l[r], 0, &err), 0);
    ck_assert_int_eq(ss_learn_add_plastic(l[r], 1, &err), 0);
    ck_assert_int_eq(ss_learn_set_align(l[r], 1, Dh, &err), 0);
    ck_assert_int_eq(ss_learn_set_align(l[r], 2, Do, &err), 0);
  }
  G = calloc((size_t)g[0].n_win * S, sizeof *G);
  ck_assert_int_eq(ss_learn_start(l[0], e[0], &err), 0);
  for (int w = 0; w < g[0].n_win; ++w) {
    if (w == 2) {
      ss_ckpt_writer *wr = ss_ckpt_writer_create(path, 1, &err);
      ck_assert_ptr_nonnull(wr);
      ck_assert_int_eq(ss_source_save(&g[0].src, wr, "src", &err), 0);
      ck_assert_int_eq(ss_source_save(&g[0].tgt, wr, "tgt", &err), 0);
      ck_assert_int_eq(ss_engine_save(e[0], wr, &err), 0);
      ck_assert_int_eq(ss_learn_save(l[0], wr, &err), 0);
      ck_assert_msg(ss_ckpt_writer_commit(wr, &err) == 0, "%s", err.msg);
    }
    ck_assert_int_eq(ss_engine_run(e[0], (w + 1) * g[0].T, &err), 0);
    ck_assert_int_eq(ss_learn_window(l[0], e[0], &err), 0);
    const double *Gs = ss_learn_gradient(l[0]);
    for (uint64_t k = 0; k < S; ++k) G[(size_t)w * S + k] = Gs[g[0].net->out_slot[k]];
  }
  ss_ckpt *ck = ss_ckpt_read(path, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_source_load(&g[1].src, ck, "src", &err), 0);
  ck_assert_int_eq(ss_source_load(&g[1].tgt, ck, "tgt", &err), 0);
  ck_assert_int_eq(ss_engine_enable_psp(e[1], &err), 0); /* (the trainer: ss_learn_start before resuming) */
  ck_assert_msg(ss_engine_load(e[1], ck, &err) == 0, "%s", err.msg);
  ck_assert_msg(ss_learn_resume(l[1], e[1], ck, &err) == 0, "%s", err.msg);
  ss_ckpt_free(ck);
  for (int w = 2; w < g[1].n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(e[1], (w + 1) * g[1].T, &err), 0);
    ck_assert_int_eq(ss_learn_window(l[1], e[1], &err), 0);
    const double *Gs = ss_learn_gradient(l[1]);
    for (uint64_t k = 0; k < S; ++k)
      ck_assert_msg(memcmp(&Gs[g[1].net->out_slot[k]], &G[(size_t)w * S + k], sizeof(double)) == 0,
                    "%s window %d synapse %llu: resumed G %.17g, straight %.17g", cs, w, (unsigned long long)k,
                    Gs[g[1].net->out_slot[k]], G[(size_t)w * S + k]);
  }
  remove(path);
  free(G);
  for (int r = 0; r < 2; ++r) {
    ss_learn_destroy(l[r]);
    ss_engine_destroy(e[r]);
    gradient_case_free(&g[r]);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("learn");
  TCase *tc = tcase_create("oracle");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_gradient_high_order_matches_oracle, 0, N_CASES);
  tcase_add_loop_test(tc, test_gradient_oracle_layout_matches_oracle_default, 0, N_CASES);
  tcase_add_loop_test(tc, test_gradient_default_within_1e5_of_high_order, 0, N_CASES);
  suite_add_tcase(s, tc);
  TCase *ts = tcase_create("surrogate");
  tcase_set_timeout(ts, 120);
  tcase_add_loop_test(ts, test_reference_surrogate_is_beta_times_paper, 0, 8); /* the frozen cases */
  tcase_add_test(ts, test_cut_crossings_match_bisection);
  tcase_add_test(ts, test_params_validation);
  tcase_add_loop_test(ts, test_het_error_integral, 0, 2);
  tcase_add_loop_test(ts, test_one_long_window_is_the_sum_of_short_ones, 0, 2);
  tcase_add_test(ts, test_many_groups_match_few);
  suite_add_tcase(s, ts);
  TCase *ta = tcase_create("align");
  tcase_set_timeout(ta, 120);
  tcase_add_loop_test(ta, test_align_matches_dense_reference, 0, 3);
  tcase_add_loop_test(ta, test_align_zero_is_bit_identical, 0, 3);
  tcase_add_loop_test(ta, test_align_resume_is_bit_identical, 0, 3);
  tcase_add_loop_test(ta, test_align_matches_clock_reference, 0, 3);
  suite_add_tcase(s, ta);
  return ss_test_run(s);
}
