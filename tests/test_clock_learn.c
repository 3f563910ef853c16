/* test_clock_learn.c - the clock-driven learner (clock_learn.h) against the
 * Python oracle's event-driven gradients (tests/data/gradient) and against
 * the library's event-driven learner (learn.h).
 *
 * Flavour SS_CL_EXACT is a brute-force O(dt) reference: on a symmetric
 * online, a random-feedback online and a per-trial case its G must approach
 * the oracle's high-order G linearly in dt (every halving of dt shrinks the
 * relative error, a factor-8 refinement shrinks it >= 4x, and the finest
 * step is below a measured bound), and its spike trains must match the
 * oracle's to the grid.  Flavour SS_CL_REFERENCE (the reference code's
 * Euler algorithm) must give G within a loose bound of the event-driven G
 * at dt = 0.1 ms and nearly the same spike counts.  Plus API checks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gradient_case.h"

typedef struct ccase {
  gradient_case g;
  ss_record *rec;
  ss_clock_learn *cl;
} ccase;

/* Network, inputs, targets and learning parameters of an oracle case;
 * spike monitors of hidden (sm[0]) and output (sm[1]). */
static void ccase_net(ccase *c, const char *cs) {
  memset(c, 0, sizeof *c);
  gradient_case_load(&c->g, cs);
  ss_error err = {0};
  c->rec = ss_record_create(c->g.net);
  ck_assert_ptr_nonnull(c->rec);
  ck_assert_int_eq(ss_record_add_spikes(c->rec, 1, "unused_hid.ras", &err), 0);
  ck_assert_int_eq(ss_record_add_spikes(c->rec, 2, "unused_out.ras", &err), 0);
}

/* The clock learner of a case. */
static void ccase_load_cp(ccase *c, const char *cs, const ss_clock_learn_params *cp) {
  ccase_net(c, cs);
  ss_error err = {0};
  c->cl = ss_clock_learn_create(c->g.net, c->g.sources, c->rec, &c->g.lp, cp, &err);
  ck_assert_msg(c->cl != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_clock_learn_add_output(c->cl, 2, &err), 0);
  ck_assert_int_eq(ss_clock_learn_set_targets(c->cl, 2, &c->g.tgt, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_hidden(c->cl, 1, 2, c->g.fb, 1, 0, &err), 0);
  if (c->g.B) ck_assert_int_eq(ss_clock_learn_set_feedback(c->cl, 1, c->g.B, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(c->cl, 0, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(c->cl, 1, &err), 0);
}

static void ccase_load(ccase *c, const char *cs, double dt, ss_clock_learn_flavour fl) {
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  cp.flavour = fl;
  ccase_load_cp(c, cs, &cp);
}

static void ccase_free(ccase *c) {
  ss_clock_learn_destroy(c->cl);
  ss_record_destroy(c->rec);
  gradient_case_free(&c->g);
}

/* Run `n_win` windows of a case; worst relative error of G against the
 * oracle's high-order G; spike counts of hidden and output layers. */
static double run_vs_oracle(const char *cs, double dt, ss_clock_learn_flavour fl, int n_win, size_t counts[2],
                            ccase *keep) {
  ccase c;
  ccase_load(&c, cs, dt, fl);
  ss_error err = {0};
  size_t S = c.g.net->n_syn;
  double *got = calloc(S, sizeof *got), *want = calloc(S, sizeof *want);
  double worst = 0;
  if (n_win <= 0 || n_win > c.g.n_win) n_win = c.g.n_win;
  for (int w = 0; w < n_win; ++w) {
    ck_assert_msg(ss_clock_learn_run_window(c.cl, (w + 1) * c.g.T, &err) == 0, "%s", err.msg);
    const double *G = ss_clock_learn_gradient(c.cl);
    for (uint64_t k = 0; k < S; ++k) got[k] = G[c.g.net->out_slot[k]];
    gradient_read_window(c.g.net, gradient_file(cs, "G_high.txt"), w, want);
    double r = gradient_rel_err(c.g.net, got, want);
    if (r > worst) worst = r;
  }
  ck_assert_uint_eq(ss_clock_learn_windows(c.cl), (uint64_t)n_win);
  if (counts) {
    counts[0] = c.rec->sm[0].spikes.n;
    counts[1] = c.rec->sm[1].spikes.n;
  }
  free(got);
  free(want);
  if (keep) *keep = c;
  else ccase_free(&c);
  return worst;
}

/* ---------------------------------------------------------------- exact flavour */

static const char *const conv_cases[] = {"A_s1_online_sym_frozen", "A_s1_online_random_frozen",
                                         "A_s1_trial_sym_frozen"};
#define N_CONV (int)(sizeof conv_cases / sizeof conv_cases[0])
#define N_DT 6
static const double conv_dt[N_DT] = {0.04, 0.02, 0.01, 0.005, 0.0025, 0.00125};

/* Relative error of G (worst window of 4 and worst layer) against the
 * oracle's high-order G falls about linearly with dt.  The grid rounding of
 * every event time adds an O(dt) error of pseudo-random sign, so single
 * halvings are noisy (measured factors 1.2-3.5); required: no halving
 * increases the error, every refinement by 8 gains >= 4x (measured 8-17x),
 * the least-squares order is 0.7-1.4 (measured 0.82-0.98), and the finest step
 * (1.25e-3 ms) is below 1.5e-3 (measured 6.8e-4; event-driven.md §5.3
 * reports 3-5e-4 for ref_timestep.py at 1e-3 ms, i.e. ~0.5 dt/ms, the same
 * constant as here; the bound leaves a factor 2). */
START_TEST(test_exact_converges_linearly) {
  const char *cs = conv_cases[_i];
  double r[N_DT], sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int k = 0; k < N_DT; ++k) {
    r[k] = run_vs_oracle(cs, conv_dt[k], SS_CL_EXACT, 0, NULL, NULL);
    double x = log(conv_dt[k]), y = log(r[k]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  double slope = (N_DT * sxy - sx * sy) / (N_DT * sxx - sx * sx);
  printf("%-28s exact flavour: dt (ms) -> worst rel. error of G:", cs);
  for (int k = 0; k < N_DT; ++k) printf(" %g:%.2e", conv_dt[k], r[k]);
  printf("  (order %.2f)\n", slope);
  for (int k = 1; k < N_DT; ++k)
    ck_assert_msg(r[k] < r[k - 1], "%s: halving dt to %g increased the error (%.3g -> %.3g)", cs, conv_dt[k], r[k - 1],
                  r[k]);
  for (int k = 3; k < N_DT; ++k)
    ck_assert_msg(r[k - 3] / r[k] >= 4.0, "%s: dt %g -> %g reduced the error only %.2fx", cs, conv_dt[k - 3], conv_dt[k],
                  r[k - 3] / r[k]);
  ck_assert_msg(slope > 0.7 && slope < 1.4, "%s: convergence order %.2f is not ~1", cs, slope);
  ck_assert_msg(r[N_DT - 1] < 1.5e-3, "%s: rel. error %.3g at dt = %g ms", cs, r[N_DT - 1], conv_dt[N_DT - 1]);
}
END_TEST

/* Spike trains at dt = 2.5e-3 ms: same counts as the oracle, every spike
 * within 4 dt of the oracle's exact time (grid rounding of the events plus
 * the grid threshold test; measured 2.0 dt, event-driven.md §5.3 reports
 * 2-3 dt for ref_timestep.py). */
START_TEST(test_exact_spike_times) {
  const char *cs = conv_cases[_i];
  const double dt = 0.0025;
  ccase c;
  size_t counts[2];
  run_vs_oracle(cs, dt, SS_CL_EXACT, 0, counts, &c);
  const char *files[2] = {"hidden.ras", "output.ras"};
  for (int l = 0; l < 2; ++l) {
    ss_spikes want;
    ss_spikes_init(&want);
    ss_error err = {0};
    ck_assert_int_eq(ss_spikes_read(&want, gradient_file(cs, files[l]), l ? c.g.nout : c.g.nhid, 1, &err), 0);
    const ss_spikes *got = &c.rec->sm[l].spikes;
    ck_assert_msg(got->n == want.n, "%s %s: %zu spikes, oracle %zu", cs, files[l], got->n, want.n);
    double worst = 0;
    for (size_t k = 0; k < want.n; ++k) { /* nearest spike of the same neuron */
      double best = INFINITY;
      for (size_t j = 0; j < got->n; ++j)
        if (got->id[j] == want.id[k] && fabs(got->t[j] - want.t[k]) < best) best = fabs(got->t[j] - want.t[k]);
      if (best > worst) worst = best;
    }
    ck_assert_msg(worst <= 4 * dt, "%s %s: a spike is %.3g ms off", cs, files[l], worst);
    ss_spikes_clear(&want);
  }
  ccase_free(&c);
}
END_TEST

/* ---------------------------------------------------------------- reference flavour */

/* The reference-code algorithm at dt = 0.1 ms against the library's
 * event-driven learner on the same network. */
static void reference_vs_event_cp(const char *cs, const ss_clock_learn_params *cp, double tol_win, double tol_sum,
                                  double *out_r) {
  ccase c;
  const double dt = cp->dt;
  ccase_load_cp(&c, cs, cp);
  ss_error err = {0};
  /* the event-driven twin */
  ss_source *ev_sources[3] = {&c.g.src, NULL, NULL};
  ss_engine *e = ss_engine_create(c.g.net, ev_sources, NULL, &err);
  ck_assert_ptr_nonnull(e);
  ss_source tgt2;
  gradient_source(&tgt2, cs, "target.ras", c.g.nout, c.g.net->pops[2].offset, 1, 0);
  ck_assert_int_eq(ss_engine_set_targets(e, 2, &tgt2, &err), 0);
  ss_learn *l = gradient_case_learner(&c.g, &c.g.lp, e);
  /* the clock side reads the input cursor too: give it its own copy */
  ss_source src2;
  gradient_source(&src2, cs, "input.ras", c.g.nin, 0, 0, 0);
  c.g.sources[0] = &src2; /* read by the clock learner at every step */
  size_t S = c.g.net->n_syn;
  double *ge = calloc(S, sizeof *ge), *gc = calloc(S, sizeof *gc);
  double *se = calloc(S, sizeof *se), *sc = calloc(S, sizeof *sc);
  double worst = 0;
  uint64_t ev_spikes = 0;
  for (int w = 0; w < c.g.n_win; ++w) {
    ck_assert_int_eq(ss_engine_run(e, (w + 1) * c.g.T, &err), 0);
    ck_assert_int_eq(ss_learn_window(l, e, &err), 0);
    ck_assert_int_eq(ss_clock_learn_run_window(c.cl, (w + 1) * c.g.T, &err), 0);
    const double *G1 = ss_learn_gradient(l), *G2 = ss_clock_learn_gradient(c.cl);
    for (uint64_t k = 0; k < S; ++k) {
      ge[k] = G1[c.g.net->out_slot[k]];
      gc[k] = G2[c.g.net->out_slot[k]];
      se[k] += ge[k];
      sc[k] += gc[k];
    }
    double r = gradient_rel_err(c.g.net, gc, ge);
    if (r > worst) worst = r;
  }
  ev_spikes = ss_engine_stats(e)->spikes;
  uint64_t cl_spikes = ss_clock_learn_stats(c.cl)->spikes;
  double rsum = gradient_rel_err(c.g.net, sc, se);
  printf("%-28s reference flavour, dt %g ms: G rel. difference to event-driven: worst window %.3f, sum of %d windows %.3f;"
         " spikes %llu vs %llu\n",
         cs, dt, worst, c.g.n_win, rsum, (unsigned long long)cl_spikes, (unsigned long long)ev_spikes);
  ck_assert_msg(worst < tol_win, "%s: reference flavour G differs by %.3g (> %.3g) from the event-driven G", cs, worst,
                tol_win);
  ck_assert_msg(rsum < tol_sum, "%s: reference flavour summed G differs by %.3g (> %.3g) from the event-driven G", cs,
                rsum, tol_sum);
  ck_assert_msg(llabs((long long)cl_spikes - (long long)ev_spikes) <= (long long)(0.1 * (double)ev_spikes) + 2,
                "%s: %llu spikes, event-driven %llu", cs, (unsigned long long)cl_spikes, (unsigned long long)ev_spikes);
  if (out_r) *out_r = worst;
  free(ge);
  free(gc);
  free(se);
  free(sc);
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  ss_source_clear(&src2);
  ss_source_clear(&tgt2);
  ccase_free(&c);
}

/* Measured (worst window / sum of the 4 windows): at dt = 0.1 ms 0.39 /
 * 0.15 (symmetric online), 0.46 / 0.20 (random), 0.39 / 0.39 (per-trial).
 * The worst window is always the first pattern presentation, where the
 * Euler membrane turns one grazing approach of a hidden neuron (and then one
 * of an output neuron) into a spike the exact trajectory does not have; the
 * other windows differ by 2-25%.  At dt = 0.01 ms: 0.012-0.013, identical
 * spike trains.  Bounds: 0.6 / 0.5 at 0.1 ms, 0.03 at 0.01 ms. */
static void reference_vs_event(const char *cs, double dt, double tol_win, double tol_sum, double *out_r) {
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  ck_assert_int_eq(cp.flavour, SS_CL_REFERENCE);
  reference_vs_event_cp(cs, &cp, tol_win, tol_sum, out_r);
}

START_TEST(test_reference_close_to_event_driven) {
  const char *cs = conv_cases[_i];
  double r1, r2;
  reference_vs_event(cs, 0.1, 0.6, 0.5, &r1);
  /* and first order in dt as well (same algorithm at a finer step) */
  reference_vs_event(cs, 0.01, 0.03, 0.03, &r2);
  ck_assert_msg(r2 < r1 / 3, "reference flavour: dt / 10 reduced the difference only from %.3g to %.3g", r1, r2);
}
END_TEST

/* The reference code's delays: errors from spikes 0.8 ms late, sigma' and
 * the PSP trace aligned by Delta = 0.8 ms (symmetric feedback) or the
 * random-feedback path (0.8 ms + dt more, Delta = 1.5 ms for the hidden
 * layer), with the skip thresholds of the code.  Aligned, G is the window
 * integral of a product shifted by Delta, close to the event-driven G
 * (measured 0.024 symmetric, 0.047 random at dt = 0.01 ms; bound 0.08);
 * misaligned (Delta = 0) it is 2-2.6x further (0.051, 0.123). */
START_TEST(test_reference_delay_alignment) {
  const double dt = 0.01;
  for (int k = 0; k < 2; ++k) {
    const char *cs = k ? "A_s1_online_random_frozen" : "A_s1_online_sym_frozen";
    ss_clock_learn_params cp;
    ss_clock_learn_params_default(&cp);
    cp.dt = dt;
    cp.err_delay = 0.8;
    cp.align_out = 0.8;
    cp.fb_delay = k ? 0.8 + dt : 0;
    cp.align_hidden = k ? 1.5 : 0.8;
    cp.skip_pre = 1e-7;
    cp.skip_err = 1e-7;
    double r_al, r_mis;
    reference_vs_event_cp(cs, &cp, 0.08, 0.08, &r_al);
    cp.align_out = cp.align_hidden = 0;
    reference_vs_event_cp(cs, &cp, 1.0, 1.0, &r_mis);
    printf("%-28s delays 0.8 ms, dt %g ms: G rel. difference aligned %.3f, misaligned %.3f\n", cs, dt, r_al, r_mis);
    ck_assert_msg(r_al < r_mis / 1.5, "%s: alignment did not help (%.3g vs %.3g)", cs, r_al, r_mis);
  }
}
END_TEST

START_TEST(test_reference_spike_counts) {
  const char *cs = "A_s1_online_random_frozen";
  size_t ce[2], cr[2];
  run_vs_oracle(cs, 0.0025, SS_CL_EXACT, 0, ce, NULL);
  double r = run_vs_oracle(cs, 0.1, SS_CL_REFERENCE, 0, cr, NULL);
  size_t want[2] = {0, 0};
  const char *files[2] = {"hidden.ras", "output.ras"};
  for (int l = 0; l < 2; ++l) {
    ss_spikes s;
    ss_spikes_init(&s);
    ss_error err = {0};
    ck_assert_int_eq(ss_spikes_read(&s, gradient_file(cs, files[l]), l ? 2 : 5, 1, &err), 0);
    want[l] = s.n;
    ss_spikes_clear(&s);
  }
  printf("%-28s spikes hidden/output: oracle %zu/%zu, exact %zu/%zu, reference %zu/%zu; reference G rel. error %.3f\n",
         cs, want[0], want[1], ce[0], ce[1], cr[0], cr[1], r);
  for (int l = 0; l < 2; ++l) {
    ck_assert_uint_eq(ce[l], want[l]);
    ck_assert_msg(fabs((double)cr[l] - (double)want[l]) <= 0.1 * (double)want[l] + 1, "reference: %zu spikes, oracle %zu",
                  cr[l], want[l]);
  }
  ck_assert_msg(r < 0.6, "reference flavour, random feedback: G rel. error %.3g", r);
}
END_TEST

/* ---------------------------------------------------------------- sigma' cut */

/* A 20-10-3 network (constant delay 0.8 ms, paper LIF parameters, t_ref
 * 2 ms) whose weights N(-20 mV, (30 mV)^2) (both projections, clipped to
 * +-200 mV) drive hidden and output membranes far below -80 mV (160
 * crossings in 400 ms, a few spikes); frozen Poisson inputs at 20 Hz and
 * targets at 15 Hz (seeded).
 * The network and its input cursors are rebuilt identically on every call. */
typedef struct cutnet {
  ss_net *net;
  ss_source in, tgt;
  ss_source *sources[3];
} cutnet;

enum { CUT_NIN = 20, CUT_NHID = 10, CUT_NOUT = 3 };
#define CUT_T 100.0
#define CUT_NWIN 4

static void cutnet_build(cutnet *c) {
  ss_error err = {0};
  memset(c, 0, sizeof *c);
  ss_lif_params lif;
  ss_lif_params_default(&lif);
  lif.t_ref = 2.0;
  ck_assert_int_eq(ss_lif_params_init(&lif, &err), 0);
  c->net = ss_net_create();
  ck_assert_int_eq(ss_net_add_source(c->net, "in", CUT_NIN, &err), 0);
  ck_assert_int_eq(ss_net_add_lif(c->net, "hid", CUT_NHID, &lif, 0, &err), 1);
  ck_assert_int_eq(ss_net_add_lif(c->net, "out", CUT_NOUT, &lif, 0, &err), 2);
  for (int k = 0; k < 2; ++k) {
    ss_proj p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", k ? "hid_out" : "in_hid");
    p.pre = (uint32_t)k;
    p.post = (uint32_t)k + 1;
    p.conn = SS_CONN_ALL_TO_ALL;
    p.weight = (ss_dist){SS_DIST_NORMAL, -20.0, 30.0, -200.0, 200.0};
    p.delay = (ss_dist){SS_DIST_CONSTANT, 0.8, 0, 0, INFINITY};
    p.seed = 31 + (uint64_t)k;
    ck_assert_int_eq(ss_net_add_proj(c->net, &p, &err), k);
  }
  c->net->incoming = SS_NET_IN_FULL;
  ck_assert_int_eq(ss_net_build(c->net, &err), 0);
  ck_assert_int_eq(ss_source_init_poisson(&c->in, CUT_NIN, 0, 20.0, 41, 1000.0, &err), 0);
  ck_assert_int_eq(ss_source_init_poisson(&c->tgt, CUT_NOUT, c->net->pops[2].offset, 15.0, 42, 1000.0, &err), 0);
  c->sources[0] = &c->in;
}

static void cutnet_free(cutnet *c) {
  ss_source_clear(&c->in);
  ss_source_clear(&c->tgt);
  ss_net_destroy(c->net);
}

static ss_learn_params cut_params(double u_cut) {
  ss_learn_params lp;
  ss_learn_params_default(&lp);
  lp.surrogate = SS_SURR_REFERENCE;
  lp.u_cut = u_cut;
  lp.beta = 0.8; /* the reference form's extra factor must match too */
  return lp;
}

/* Event-driven G of every window (outgoing order, [CUT_NWIN][n_syn]),
 * high-order quadrature; the number of u_cut crossings. */
static double *cut_event(double u_cut, int n_gl, double h_max, uint64_t *crossings) {
  cutnet c;
  cutnet_build(&c);
  ss_error err = {0};
  ss_engine *e = ss_engine_create(c.net, c.sources, NULL, &err);
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(ss_engine_set_targets(e, 2, &c.tgt, &err), 0);
  ss_learn_params lp = cut_params(u_cut);
  lp.n_gl = n_gl;
  lp.h_max = h_max;
  ss_learn *l = ss_learn_create(c.net, &lp, &err);
  ck_assert_msg(l != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_learn_add_output(l, 2, &err), 0);
  ck_assert_int_eq(ss_learn_add_hidden(l, 1, 2, SS_FB_RANDOM, 1, 7, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 0, &err), 0);
  ck_assert_int_eq(ss_learn_add_plastic(l, 1, &err), 0);
  ck_assert_int_eq(ss_learn_start(l, e, &err), 0);
  size_t S = c.net->n_syn;
  double *G = calloc(S * CUT_NWIN, sizeof *G);
  for (int w = 0; w < CUT_NWIN; ++w) {
    ck_assert_int_eq(ss_engine_run(e, (w + 1) * CUT_T, &err), 0);
    ck_assert_msg(ss_learn_window(l, e, &err) == 0, "%s", err.msg);
    const double *g = ss_learn_gradient(l);
    for (uint64_t k = 0; k < S; ++k) G[(size_t)w * S + k] = g[c.net->out_slot[k]];
  }
  if (crossings) *crossings = ss_learn_get_stats(l)->cut_crossings;
  ss_learn_destroy(l);
  ss_engine_destroy(e);
  cutnet_free(&c);
  return G;
}

/* Worst window's relative error (worst layer) of the clock learner's G at
 * dt against `want`; the clock learner's spike count. */
static double cut_clock(double dt, ss_clock_learn_flavour fl, const double *want, uint64_t *spikes) {
  cutnet c;
  cutnet_build(&c);
  ss_error err = {0};
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  cp.flavour = fl;
  ss_learn_params lp = cut_params(-80.0);
  ss_clock_learn *cl = ss_clock_learn_create(c.net, c.sources, NULL, &lp, &cp, &err);
  ck_assert_msg(cl != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_clock_learn_add_output(cl, 2, &err), 0);
  ck_assert_int_eq(ss_clock_learn_set_targets(cl, 2, &c.tgt, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_hidden(cl, 1, 2, SS_FB_RANDOM, 1, 7, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 0, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 1, &err), 0);
  size_t S = c.net->n_syn;
  double *got = calloc(S, sizeof *got), worst = 0;
  for (int w = 0; w < CUT_NWIN; ++w) {
    ck_assert_int_eq(ss_clock_learn_run_window(cl, (w + 1) * CUT_T, &err), 0);
    const double *g = ss_clock_learn_gradient(cl);
    for (uint64_t k = 0; k < S; ++k) got[k] = g[c.net->out_slot[k]];
    double r = gradient_rel_err(c.net, got, want + (size_t)w * S);
    if (r > worst) worst = r;
  }
  if (spikes) *spikes = ss_clock_learn_stats(cl)->spikes;
  free(got);
  ss_clock_learn_destroy(cl);
  cutnet_free(&c);
  return worst;
}

/* Reference surrogate with the -80 mV cut on a network driven far below
 * it.  The event-driven G (GL-12 on pieces <= 0.25 ms, breakpoints at the
 * u_cut crossings) is the limit of the exact flavour's G, which samples
 * the cut sigma' on the grid: first order in dt like
 * test_exact_converges_linearly (same requirements).  The cut matters: G
 * without it (u_cut = -inf) differs by far more than the finest step's
 * error, and the default quadrature stays within 1e-5 of GL-12. */
START_TEST(test_cut_converges_linearly) {
  uint64_t ncross = 0;
  double *G = cut_event(-80.0, 12, 0.25, &ncross);
  double *G0 = cut_event(-INFINITY, 12, 0.25, NULL);
  ss_learn_params d;
  ss_learn_params_default(&d);
  double *Gd = cut_event(-80.0, d.n_gl, d.h_max, NULL);
  cutnet c;
  cutnet_build(&c);
  size_t S = c.net->n_syn;
  double diff_nocut = 0, diff_default = 0;
  for (int w = 0; w < CUT_NWIN; ++w) {
    double r = gradient_rel_err(c.net, G0 + (size_t)w * S, G + (size_t)w * S);
    if (r > diff_nocut) diff_nocut = r;
    r = gradient_rel_err(c.net, Gd + (size_t)w * S, G + (size_t)w * S);
    if (r > diff_default) diff_default = r;
  }
  cutnet_free(&c);
  double r[N_DT], sx = 0, sy = 0, sxx = 0, sxy = 0;
  uint64_t spikes = 0;
  for (int k = 0; k < N_DT; ++k) {
    r[k] = cut_clock(conv_dt[k], SS_CL_EXACT, G, &spikes);
    double x = log(conv_dt[k]), y = log(r[k]);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  double slope = (N_DT * sxy - sx * sy) / (N_DT * sxx - sx * sx);
  printf("u_cut -80 mV: %llu crossings, %llu spikes; G without the cut differs by %.3f, default quadrature by %.2e;"
         " exact flavour dt (ms) -> worst rel. error of G:",
         (unsigned long long)ncross, (unsigned long long)spikes, diff_nocut, diff_default);
  for (int k = 0; k < N_DT; ++k) printf(" %g:%.2e", conv_dt[k], r[k]);
  printf("  (order %.2f)\n", slope);
  ck_assert_msg(ncross >= 50, "only %llu u_cut crossings", (unsigned long long)ncross);
  ck_assert_msg(spikes >= 3, "only %llu spikes", (unsigned long long)spikes);
  ck_assert_msg(diff_default <= 1e-5, "default quadrature %.3g from GL-12 with the cut", diff_default);
  for (int k = 1; k < N_DT; ++k)
    ck_assert_msg(r[k] < r[k - 1], "cut: halving dt to %g increased the error (%.3g -> %.3g)", conv_dt[k], r[k - 1],
                  r[k]);
  for (int k = 3; k < N_DT; ++k)
    ck_assert_msg(r[k - 3] / r[k] >= 4.0, "cut: dt %g -> %g reduced the error only %.2fx", conv_dt[k - 3], conv_dt[k],
                  r[k - 3] / r[k]);
  ck_assert_msg(slope > 0.7 && slope < 1.4, "cut: convergence order %.2f is not ~1", slope);
  ck_assert_msg(r[N_DT - 1] < 1.5e-3, "cut: rel. error %.3g at dt = %g ms", r[N_DT - 1], conv_dt[N_DT - 1]);
  ck_assert_msg(diff_nocut > 0.05 && diff_nocut > 30 * r[N_DT - 1],
                "the cut changes G by only %.3g (finest clock error %.3g)", diff_nocut, r[N_DT - 1]);
  free(G);
  free(G0);
  free(Gd);
}
END_TEST

/* ---------------------------------------------------------------- other kernels */

/* The oracle cases all use the paper's kernels (tau_rise = tau_decay / 2 =
 * tau_syn, tau_decay = tau_mem), for which the learner has closed forms of
 * its own.  Other kernels take the general paths: tau_rise 4 ms with
 * tau_decay 10 ms (no half relation, node tables with the rise factors)
 * and tau_rise 4 ms with tau_decay 8 ms (half, but not the membrane's
 * constants).  The exact flavour's G must approach the event-driven G
 * (GL-12 on pieces <= 0.25 ms) at first order: halving dt from 2.5e-3 to
 * 1.25e-3 ms reduces the error, which ends below 1.5e-3 as in
 * test_exact_converges_linearly; the default quadrature stays within 1e-5
 * of GL-12; and the kernel matters (G moves far more than that error from
 * the paper's kernel's). */
static const double kern_tr[2] = {4.0, 4.0}, kern_td[2] = {10.0, 8.0};
static const char *const kern_case = "A_s1_online_random_frozen";

static double *kern_event(double tr, double td, int n_gl, double h_max) {
  gradient_case g;
  gradient_case_load(&g, kern_case);
  ss_learn_params lp = g.lp;
  lp.tau_rise = tr;
  lp.tau_decay = td;
  lp.n_gl = n_gl;
  lp.h_max = h_max;
  double *G = gradient_case_run(&g, &lp, NULL);
  gradient_case_free(&g);
  return G;
}

/* Worst window's relative error of the exact flavour's G at dt against want. */
static double kern_clock(double tr, double td, double dt, const double *want) {
  ccase c;
  ccase_net(&c, kern_case);
  c.g.lp.tau_rise = tr;
  c.g.lp.tau_decay = td;
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  cp.dt = dt;
  cp.flavour = SS_CL_EXACT;
  ss_error err = {0};
  c.cl = ss_clock_learn_create(c.g.net, c.g.sources, c.rec, &c.g.lp, &cp, &err);
  ck_assert_msg(c.cl != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_clock_learn_add_output(c.cl, 2, &err), 0);
  ck_assert_int_eq(ss_clock_learn_set_targets(c.cl, 2, &c.g.tgt, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_hidden(c.cl, 1, 2, c.g.fb, 1, 0, &err), 0);
  if (c.g.B) ck_assert_int_eq(ss_clock_learn_set_feedback(c.cl, 1, c.g.B, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(c.cl, 0, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(c.cl, 1, &err), 0);
  size_t S = c.g.net->n_syn;
  double *got = calloc(S, sizeof *got), worst = 0;
  for (int w = 0; w < c.g.n_win; ++w) {
    ck_assert_msg(ss_clock_learn_run_window(c.cl, (w + 1) * c.g.T, &err) == 0, "%s", err.msg);
    const double *G = ss_clock_learn_gradient(c.cl);
    for (uint64_t k = 0; k < S; ++k) got[k] = G[c.g.net->out_slot[k]];
    double r = gradient_rel_err(c.g.net, got, want + (size_t)w * S);
    if (r > worst) worst = r;
  }
  free(got);
  ccase_free(&c);
  return worst;
}

START_TEST(test_other_kernels_converge) {
  const double tr = kern_tr[_i], td = kern_td[_i];
  ss_learn_params d;
  ss_learn_params_default(&d);
  double *G = kern_event(tr, td, 12, 0.25), *Gd = kern_event(tr, td, d.n_gl, d.h_max);
  double *Gp = kern_event(d.tau_rise, d.tau_decay, 12, 0.25);
  gradient_case g;
  gradient_case_load(&g, kern_case);
  size_t S = g.net->n_syn;
  double diff_default = 0, diff_paper = 0;
  for (int w = 0; w < g.n_win; ++w) {
    double r = gradient_rel_err(g.net, Gd + (size_t)w * S, G + (size_t)w * S);
    if (r > diff_default) diff_default = r;
    r = gradient_rel_err(g.net, Gp + (size_t)w * S, G + (size_t)w * S);
    if (r > diff_paper) diff_paper = r;
  }
  gradient_case_free(&g);
  double r1 = kern_clock(tr, td, 0.0025, G), r2 = kern_clock(tr, td, 0.00125, G);
  printf("kernels tau_rise %g ms, tau_decay %g ms: default quadrature %.2e from GL-12, paper kernels' G %.3f away;"
         " exact flavour dt 0.0025 ms: %.2e, 0.00125 ms: %.2e\n",
         tr, td, diff_default, diff_paper, r1, r2);
  ck_assert_msg(diff_default <= 1e-5, "default quadrature %.3g from GL-12", diff_default);
  ck_assert_msg(r2 < r1, "halving dt increased the error (%.3g -> %.3g)", r1, r2);
  ck_assert_msg(r2 < 1.5e-3, "rel. error %.3g at dt = 0.00125 ms", r2);
  ck_assert_msg(diff_paper > 30 * r2, "the kernel changes G by only %.3g (finest clock error %.3g)", diff_paper, r2);
  free(G);
  free(Gd);
  free(Gp);
}
END_TEST

/* ---------------------------------------------------------------- API */

/* Per-trial mode with a pattern repeated in every window: all windows give
 * the same G (the reset works), and online mode does not. */
START_TEST(test_per_trial_windows_repeat) {
  for (int fl = 0; fl < 2; ++fl) {
    ccase c;
    ccase_load(&c, "A_s1_trial_sym_frozen", fl ? 0.1 : 0.01, (ss_clock_learn_flavour)fl);
    ss_error err = {0};
    size_t S = c.g.net->n_syn;
    double *g0 = calloc(S, sizeof *g0);
    for (int w = 0; w < c.g.n_win; ++w) {
      ck_assert_int_eq(ss_clock_learn_run_window(c.cl, (w + 1) * c.g.T, &err), 0);
      const double *G = ss_clock_learn_gradient(c.cl);
      double num = 0, den = 0;
      for (size_t s = 0; s < S; ++s) {
        if (w == 0) g0[s] = G[s];
        num += (G[s] - g0[s]) * (G[s] - g0[s]);
        den += g0[s] * g0[s];
      }
      ck_assert_msg(den > 0, "no gradient");
      ck_assert_msg(sqrt(num / den) < 1e-9, "flavour %d window %d differs from window 0 by %.3g", fl, w, sqrt(num / den));
    }
    free(g0);
    ccase_free(&c);
  }
}
END_TEST

START_TEST(test_api_errors) {
  ccase c;
  ccase_net(&c, "A_s1_online_random_frozen");
  ss_error err = {0};
  ss_clock_learn_params cp;
  ss_clock_learn_params_default(&cp);
  ck_assert_double_eq(cp.dt, 0.1);
  ck_assert_int_eq(cp.flavour, SS_CL_REFERENCE);
  cp.dt = 0;
  ck_assert_ptr_null(ss_clock_learn_create(c.g.net, c.g.sources, NULL, &c.g.lp, &cp, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  cp.dt = 0.1;
  cp.align_out = -1;
  ck_assert_ptr_null(ss_clock_learn_create(c.g.net, c.g.sources, NULL, &c.g.lp, &cp, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  cp.align_out = 0;
  ss_learn_params bad = c.g.lp;
  bad.tau_rise = bad.tau_decay;
  ck_assert_ptr_null(ss_clock_learn_create(c.g.net, c.g.sources, NULL, &bad, &cp, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  bad = c.g.lp;
  bad.surrogate = (ss_surrogate)7;
  ck_assert_ptr_null(ss_clock_learn_create(c.g.net, c.g.sources, NULL, &bad, &cp, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  bad.surrogate = SS_SURR_REFERENCE;
  bad.u_cut = NAN;
  ck_assert_ptr_null(ss_clock_learn_create(c.g.net, c.g.sources, NULL, &bad, &cp, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  ss_clock_learn *cl = ss_clock_learn_create(c.g.net, c.g.sources, NULL, &c.g.lp, &cp, &err);
  ck_assert_ptr_nonnull(cl);
  ck_assert_int_eq(ss_clock_learn_add_output(cl, 0, &err), SS_EINVAL);          /* a source */
  ck_assert_int_eq(ss_clock_learn_set_targets(cl, 2, &c.g.tgt, &err), SS_EINVAL); /* not an output yet */
  ck_assert_int_eq(ss_clock_learn_add_hidden(cl, 1, 2, SS_FB_RANDOM, 0, 7, &err), SS_EINVAL);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 0, &err), SS_EINVAL); /* post has no role */
  ck_assert_int_eq(ss_clock_learn_add_output(cl, 2, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_output(cl, 2, &err), SS_EINVAL);
  ck_assert_int_eq(ss_clock_learn_set_targets(cl, 2, &c.g.src, &err), SS_EINVAL); /* wrong ids */
  ck_assert_int_eq(ss_clock_learn_set_targets(cl, 2, &c.g.tgt, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_hidden(cl, 1, 2, SS_FB_SYMMETRIC, 0, 0, &err), SS_EINVAL); /* wrong proj */
  ck_assert_int_eq(ss_clock_learn_add_hidden(cl, 1, 2, SS_FB_RANDOM, 0, 7, &err), 0);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 5, &err), SS_EINVAL);
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 1, &err), 0);
  /* the same seed draws the same B as the event-driven learner */
  ss_learn *l = ss_learn_create(c.g.net, &c.g.lp, &err);
  ck_assert_ptr_nonnull(l);
  ck_assert_int_eq(ss_learn_add_output(l, 2, &err), 0);
  ck_assert_int_eq(ss_learn_add_hidden(l, 1, 2, SS_FB_RANDOM, 0, 7, &err), 0);
  const double *B1 = ss_learn_feedback(l, 1), *B2 = ss_clock_learn_feedback(cl, 1);
  ck_assert_ptr_nonnull(B2);
  ck_assert_ptr_null(ss_clock_learn_feedback(cl, 2));
  ck_assert_int_eq(memcmp(B1, B2, (size_t)c.g.nhid * c.g.nout * sizeof *B1), 0);
  ss_learn_destroy(l);
  double Bn[10] = {0};
  Bn[3] = NAN;
  ck_assert_int_eq(ss_clock_learn_set_feedback(cl, 1, Bn, &err), SS_EINVAL);
  ck_assert_int_eq(ss_clock_learn_set_feedback(cl, 2, c.g.B, &err), SS_EINVAL);
  ck_assert_int_eq(ss_clock_learn_run(cl, 10.0, &err), 0);
  ck_assert_double_eq_tol(ss_clock_learn_time(cl), 10.0, 1e-9);
  ck_assert_uint_eq(ss_clock_learn_stats(cl)->steps, 100);
  ck_assert(ss_clock_learn_stats(cl)->input_spikes > 0);
  /* roles are frozen once stepping started */
  ck_assert_int_eq(ss_clock_learn_add_plastic(cl, 0, &err), SS_ESTATE);
  /* no plastic input projection: G of layer 0 is zero, of layer 1 not all */
  ck_assert_int_eq(ss_clock_learn_run_window(cl, 50.0, &err), 0);
  const double *G = ss_clock_learn_gradient(cl);
  double n0 = 0, n1 = 0;
  for (uint64_t k = 0; k < c.g.net->n_syn; ++k) {
    double g = G[c.g.net->out_slot[k]];
    if (ss_net_syn_proj(c.g.net, k) == 0) n0 += fabs(g);
    else n1 += fabs(g);
  }
  ck_assert_double_eq(n0, 0.0);
  ck_assert(n1 > 0);
  double U, I;
  ss_clock_learn_state(cl, c.g.net->pops[1].offset, &U, &I);
  ck_assert(isfinite(U) && U >= -60.0 - 1e-9 && isfinite(I));
  ss_clock_learn_destroy(cl);
  ss_clock_learn_destroy(NULL);
  ccase_free(&c);
}
END_TEST

int main(void) {
  Suite *s = suite_create("clock_learn");
  TCase *tc = tcase_create("exact");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_exact_converges_linearly, 0, N_CONV);
  tcase_add_loop_test(tc, test_exact_spike_times, 0, N_CONV);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("reference");
  tcase_set_timeout(tr, 60);
  tcase_add_loop_test(tr, test_reference_close_to_event_driven, 0, N_CONV);
  tcase_add_test(tr, test_reference_spike_counts);
  tcase_add_test(tr, test_reference_delay_alignment);
  tcase_add_test(tr, test_per_trial_windows_repeat);
  tcase_add_test(tr, test_cut_converges_linearly);
  tcase_add_loop_test(tr, test_other_kernels_converge, 0, 2);
  suite_add_tcase(s, tr);
  TCase *ta = tcase_create("api");
  tcase_add_test(ta, test_api_errors);
  suite_add_tcase(s, ta);
  return ss_test_run(s);
}
