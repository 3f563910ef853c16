/* test_optim.c - per-window optimizers (optim.h) against closed forms and
 * invariants written out here: RMaxProp's |dw| <= r0 and exact r0 steps,
 * decay of v by gamma = exp(-t_b/tau_rms), a hand-computed RMSprop sequence,
 * fixed rate r0 G/t_b, bounds, schedule, burn-in, learning switch,
 * parameter validation and bit-exact checkpoint of the state. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "superspike/optim.h"
#include "superspike/rng.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static ss_optim_params base_params(ss_optim_kind kind, double r0, double eps, double t_window) {
  ss_optim_params p;
  ss_optim_params_default(&p);
  p.kind = kind;
  p.r0 = r0;
  p.eps = eps;
  p.t_window = t_window;
  p.w_min = -INFINITY;
  p.w_max = INFINITY;
  return p;
}

static ss_optim *mk(const ss_optim_params *p, size_t n) {
  ss_error err = {0};
  ss_optim *o = ss_optim_create(p, n, &err);
  ck_assert_msg(o != NULL, "create failed: %s", err.msg);
  return o;
}

static void step_ok(ss_optim *o, double t, double *w, const double *G, const double *reg,
                    ss_optim_stats *st) {
  ss_error err = {0};
  int rc = ss_optim_step(o, t, w, G, reg, st, &err);
  ck_assert_msg(rc == SS_OK, "step at t = %g failed: %s", t, err.msg);
}

/* A window integral: 20% exact zeros, otherwise random sign and a magnitude
 * spread over 12 decades. */
static double rand_G(ss_rng *r) {
  if (ss_rng_below(r, 10) < 2) return 0.0;
  const double mag = pow(10.0, -6.0 + 12.0 * ss_rng_uniform(r)) * (0.5 + ss_rng_uniform(r));
  return ss_rng_uniform(r) < 0.5 ? -mag : mag;
}

static double sgn(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }

/* Half an ulp of x: the rounding error of a sum whose result is x. */
static double half_ulp(double x) { return 0.5 * DBL_EPSILON * fabs(x) + DBL_MIN; }

#define N_MAX 256

/* ------------------------------------------------------------ RMaxProp */

START_TEST(test_rmaxprop_step_never_exceeds_r0_random_gradients) {
  const double eps_vals[] = {0.0, 1e-12, 1e-3};
  for (size_t e = 0; e < 3; ++e) {
    const size_t n = 64;
    const double r0 = 1e-3, tb = 500.0;
    ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, eps_vals[e], tb);
    p.tau_rms = 3000.0; /* fast decay: many windows where g^2 is the max */
    ss_optim *o = mk(&p, n);
    ss_rng r;
    ss_rng_init(&r, 1234 + e, 7);
    double w[N_MAX], w0[N_MAX], G[N_MAX];
    for (size_t i = 0; i < n; ++i) w[i] = 2.0 * ss_rng_uniform(&r) - 1.0;
    for (int k = 1; k <= 3000; ++k) {
      for (size_t i = 0; i < n; ++i) G[i] = rand_G(&r);
      memcpy(w0, w, n * sizeof *w);
      ss_optim_stats st;
      step_ok(o, k * tb, w, G, NULL, &st);
      double mx = 0, sum = 0;
      for (size_t i = 0; i < n; ++i) {
        const double a = fabs(w[i] - w0[i]);
        ck_assert_msg(a <= r0 + half_ulp(w[i]), "eps %g window %d syn %zu: |dw| = %.17g > r0",
                      eps_vals[e], k, i, a);
        if (G[i] == 0.0) ck_assert_msg(w[i] == w0[i], "window %d syn %zu: moved with G = 0", k, i);
        else ck_assert_msg(sgn(w[i] - w0[i]) == sgn(G[i]) || w[i] == w0[i],
                           "window %d syn %zu: step against the gradient", k, i);
        if (a > mx) mx = a;
        sum += a;
      }
      ck_assert_int_eq(st.applied, 1);
      ck_assert(st.n == n && st.n_clipped == 0 && st.r0 == r0);
      ck_assert_msg(st.max_abs_dw == mx, "max |dw| %.17g vs %.17g", st.max_abs_dw, mx);
      ck_assert_msg(fabs(st.mean_abs_dw - sum / n) <= 1e-12 * (sum / n) + 1e-300, "mean |dw|");
    }
    ss_optim_destroy(o);
  }
}
END_TEST

START_TEST(test_rmaxprop_first_update_is_r0_sign_g) {
  const size_t n = 200;
  const double r0 = 2.5e-3, tb = 500.0;
  ss_rng r;
  ss_rng_init(&r, 99, 1);
  double G[N_MAX], w[N_MAX];
  for (size_t i = 0; i < n; ++i) G[i] = rand_G(&r);
  G[0] = 0.0;
  G[1] = 1e-300; /* g^2 underflows */
  G[2] = -1e-300;
  /* eps = 0: exactly r0 sign(g) */
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, 0.0, tb);
  ss_optim *o = mk(&p, n);
  for (size_t i = 0; i < n; ++i) w[i] = 0.0;
  step_ok(o, tb, w, G, NULL, NULL);
  for (size_t i = 0; i < n; ++i)
    ck_assert_msg(w[i] == r0 * sgn(G[i]), "syn %zu G %g: dw %.17g, expected %g", i, G[i], w[i],
                  r0 * sgn(G[i]));
  ss_optim_destroy(o);
  /* eps = 1e-12: r0 |g|/(|g| + eps), within r0 eps/|g| of r0 */
  p.eps = 1e-12;
  o = mk(&p, n);
  for (size_t i = 0; i < n; ++i) w[i] = 0.0;
  step_ok(o, tb, w, G, NULL, NULL);
  for (size_t i = 3; i < n; ++i) {
    const double g = fabs(G[i] / tb);
    const double tol = g > 0 ? r0 * 1e-12 / g * 1.01 + 4 * DBL_EPSILON * r0 : 0.0;
    ck_assert_msg(fabs(w[i] - r0 * sgn(G[i])) <= tol, "syn %zu g %g: dw %.17g", i, g, w[i]);
  }
  ss_optim_destroy(o);
}
END_TEST

/* Reimplementation of RMaxProp from its definition; checks every step of
 * a random run, and in particular that a synapse whose g^2 is the largest
 * (decayed) value seen moves by exactly r0. */
START_TEST(test_rmaxprop_matches_definition_and_max_moves_exactly_r0) {
  const size_t n = 32;
  const double r0 = 1e-3, tb = 500.0, tau = 2000.0, eps = 1e-12;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, eps, tb);
  p.tau_rms = tau;
  ss_optim *o = mk(&p, n);
  const double gamma = exp(-tb / tau);
  ck_assert(fabs(ss_optim_gamma(o) - gamma) <= 2 * DBL_EPSILON);
  ss_rng r;
  ss_rng_init(&r, 4242, 3);
  double w[N_MAX] = {0}, w0[N_MAX], G[N_MAX], vref[N_MAX] = {0};
  long n_max_hits = 0, n_other = 0;
  for (int k = 1; k <= 800; ++k) {
    for (size_t i = 0; i < n; ++i) {
      /* moderate spread so that both cases occur often */
      G[i] = ss_rng_below(&r, 8) == 0 ? 0.0 : tb * ss_rng_normal(&r) * (1 + (i % 4));
    }
    memcpy(w0, w, n * sizeof *w);
    step_ok(o, k * tb, w, G, NULL, NULL);
    const double *v = ss_optim_v(o);
    for (size_t i = 0; i < n; ++i) {
      const double g = G[i] / tb, dw = w[i] - w0[i], tol_w = 2 * half_ulp(w[i]);
      const double dec = gamma * vref[i];
      if (g * g >= dec && g != 0.0) {
        ck_assert_msg(fabs(fabs(dw) - r0) <= r0 * eps / fabs(g) * 1.01 + 1e-15 * r0 + tol_w,
                      "window %d syn %zu: g^2 is the max but |dw| = %.17g != r0", k, i, dw);
        ck_assert(sgn(dw) == sgn(g));
        ++n_max_hits;
        vref[i] = g * g;
      } else {
        const double expect = r0 * g / (sqrt(dec) + eps);
        ck_assert_msg(fabs(dw - expect) <= 1e-12 * r0 + tol_w,
                      "window %d syn %zu: dw %.17g, expected %.17g", k, i, dw, expect);
        if (g != 0.0) ck_assert(fabs(dw) < r0);
        ++n_other;
        vref[i] = dec;
      }
      ck_assert_msg(fabs(v[i] - vref[i]) <= 1e-12 * vref[i], "window %d syn %zu: v %.17g ref %.17g",
                    k, i, v[i], vref[i]);
    }
  }
  ck_assert_msg(n_max_hits > 1000 && n_other > 1000, "cases: max %ld, other %ld", n_max_hits,
                n_other);
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_rmaxprop_v_decays_by_gamma_when_g_zero) {
  const double tb = 500.0, tau = 30000.0;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, 1e-3, 1e-12, tb);
  p.tau_rms = tau;
  ss_optim *o = mk(&p, 3);
  double w[3] = {0.01, -0.02, 0.03}, G[3] = {1000.0, -2500.0, 0.0}, Z[3] = {0, 0, 0};
  step_ok(o, tb, w, G, NULL, NULL);
  const double v1[3] = {4.0, 25.0, 0.0}; /* g = 2, -5, 0 */
  for (int i = 0; i < 3; ++i) ck_assert(fabs(ss_optim_v(o)[i] - v1[i]) <= 4 * DBL_EPSILON * v1[i]);
  /* the paper's number: gamma = exp(-0.5 s / 30 s) = 0.98347 */
  ck_assert(fabs(ss_optim_gamma(o) - 0.98347) < 5e-6);
  const double gamma = exp(-tb / tau);
  double wk[3];
  memcpy(wk, w, sizeof w);
  for (int k = 1; k <= 60; ++k) {
    ss_optim_stats st;
    step_ok(o, (k + 1) * tb, w, Z, NULL, &st);
    ck_assert(memcmp(w, wk, sizeof w) == 0);
    ck_assert(st.max_abs_dw == 0.0 && st.mean_abs_dw == 0.0 && st.applied == 1);
    for (int i = 0; i < 3; ++i) {
      const double expect = v1[i] * pow(gamma, k);
      ck_assert_msg(fabs(ss_optim_v(o)[i] - expect) <= 1e-13 * expect,
                    "k %d syn %d: v %.17g, expected %.17g", k, i, ss_optim_v(o)[i], expect);
    }
  }
  ss_optim_destroy(o);
}
END_TEST

/* ------------------------------------------------------------ bounds */

START_TEST(test_bounds_hold_after_every_update) {
  const ss_optim_kind kinds[] = {SS_OPTIM_RMAXPROP, SS_OPTIM_RMSPROP, SS_OPTIM_FIXED};
  for (int kk = 0; kk < 3; ++kk) {
    const size_t n = 50;
    const double tb = 500.0, lo = -0.1, hi = 0.1;
    ss_optim_params p = base_params(kinds[kk], 0.03, 1e-12, tb);
    if (kinds[kk] == SS_OPTIM_FIXED) p.r0 = 1e-3;
    p.w_min = lo;
    p.w_max = hi;
    ss_optim *o = mk(&p, n);
    ss_rng r;
    ss_rng_init(&r, 555 + kk, 2);
    double w[N_MAX], G[N_MAX];
    for (size_t i = 0; i < n; ++i) w[i] = 0.5 * ss_rng_normal(&r); /* many start outside */
    size_t total_clipped = 0;
    for (int k = 1; k <= 1000; ++k) {
      for (size_t i = 0; i < n; ++i) G[i] = rand_G(&r);
      ss_optim_stats st;
      step_ok(o, k * tb, w, G, NULL, &st);
      for (size_t i = 0; i < n; ++i)
        ck_assert_msg(w[i] >= lo && w[i] <= hi, "%s window %d syn %zu: w = %g out of bounds",
                      ss_optim_kind_name(kinds[kk]), k, i, w[i]);
      ck_assert(st.n_clipped <= n);
      total_clipped += st.n_clipped;
    }
    ck_assert_msg(total_clipped > 0, "%s: bounds never active", ss_optim_kind_name(kinds[kk]));
    ss_optim_destroy(o);
  }
}
END_TEST

START_TEST(test_clipping_and_stats_closed_form) {
  const double tb = 500.0, r0 = 0.01;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, 0.0, tb);
  p.w_min = -0.1;
  p.w_max = 0.1;
  ss_optim *o = mk(&p, 5);
  /* first update is r0 sign(g): 0.095 + 0.01 and 0.1 + 0.01 exceed 0.1,
   * -0.095 - 0.01 falls below -0.1, 0.25 (G = 0) is outside already */
  double w[5] = {0.095, -0.095, 0.0, 0.1, 0.25};
  const double G[5] = {7.0, -3.0, 1e-3, 2.0, 0.0};
  ss_optim_stats st;
  step_ok(o, tb, w, G, NULL, &st);
  const double expect[5] = {0.1, -0.1, 0.01, 0.1, 0.1};
  for (int i = 0; i < 5; ++i) ck_assert_msg(w[i] == expect[i], "syn %d: w %.17g", i, w[i]);
  ck_assert_int_eq((int)st.n_clipped, 4);
  ck_assert(st.n == 5 && st.applied == 1);
  ck_assert(fabs(st.max_abs_dw - 0.15) < 1e-15);
  ck_assert(fabs(st.mean_abs_dw - (0.005 + 0.005 + 0.01 + 0.0 + 0.15) / 5) < 1e-15);
  ss_optim_destroy(o);
}
END_TEST

/* ------------------------------------------------------------ RMSprop, fixed */

START_TEST(test_rmsprop_hand_computed_three_steps) {
  /* t_b = 1000, tau_rms = 1000/ln 4  =>  gamma = 1/4, 1 - gamma = 3/4.
   * r0 = 0.01, eps = 0.5, g = G/t_b = 2, -1, 0:
   *   v1 = 3/4 * 4 = 3,            dw1 = 0.02/(sqrt 3 + 0.5)   = 0.008960369509591835
   *   v2 = 3/4 + 3/4 = 1.5,        dw2 = -0.01/(sqrt 1.5 + 0.5) = -0.005797958971132713
   *   v3 = 1.5/4 = 0.375,          dw3 = 0 */
  const double tb = 1000.0;
  ss_optim_params p = base_params(SS_OPTIM_RMSPROP, 0.01, 0.5, tb);
  p.tau_rms = tb / log(4.0);
  ss_optim *o = mk(&p, 1);
  const double Gs[3] = {2000.0, -1000.0, 0.0};
  const double v_exp[3] = {3.0, 1.5, 0.375};
  const double w_exp[3] = {0.008960369509591835, 0.003162410538459122, 0.003162410538459122};
  double w = 0.0;
  for (int k = 0; k < 3; ++k) {
    step_ok(o, (k + 1) * tb, &w, &Gs[k], NULL, NULL);
    ck_assert_msg(fabs(ss_optim_v(o)[0] - v_exp[k]) <= 1e-14 * v_exp[k], "step %d: v %.17g",
                  k + 1, ss_optim_v(o)[0]);
    ck_assert_msg(fabs(w - w_exp[k]) <= 1e-15, "step %d: w %.17g, expected %.17g", k + 1, w,
                  w_exp[k]);
  }
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_fixed_is_r0_times_window_average) {
  const size_t n = 100;
  const double r0 = 2e-3, tb = 250.0;
  ss_optim_params p = base_params(SS_OPTIM_FIXED, r0, 1e-12, tb);
  ss_optim *o = mk(&p, n);
  ss_rng r;
  ss_rng_init(&r, 7, 7);
  double w[N_MAX], G[N_MAX];
  for (int k = 1; k <= 20; ++k) {
    for (size_t i = 0; i < n; ++i) {
      w[i] = 0.0;
      G[i] = rand_G(&r);
    }
    step_ok(o, k * tb, w, G, NULL, NULL);
    for (size_t i = 0; i < n; ++i) {
      const double expect = r0 * G[i] / tb;
      ck_assert_msg(fabs(w[i] - expect) <= 4 * DBL_EPSILON * fabs(expect), "syn %zu: %.17g vs %.17g",
                    i, w[i], expect);
      ck_assert(ss_optim_v(o)[i] == 0.0); /* FIXED does not touch v */
    }
  }
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_regularizer_term_is_added_to_gradient) {
  const double tb = 500.0, r0 = 1e-3;
  /* fixed: g = (1000 - 400)/500 = 1.2 */
  ss_optim_params p = base_params(SS_OPTIM_FIXED, r0, 0.0, tb);
  ss_optim *o = mk(&p, 2);
  double w[2] = {0, 0};
  const double G[2] = {1000.0, -50.0}, reg[2] = {-400.0, 50.0};
  step_ok(o, tb, w, G, reg, NULL);
  ck_assert(fabs(w[0] - r0 * 1.2) <= 4 * DBL_EPSILON * r0);
  ck_assert(w[1] == 0.0);
  ss_optim_destroy(o);
  /* RMaxProp: a regularizer that cancels G leaves w and lets v decay */
  p.kind = SS_OPTIM_RMAXPROP;
  o = mk(&p, 2);
  const double G1[2] = {1000.0, 1000.0};
  w[0] = w[1] = 0.0;
  step_ok(o, tb, w, G1, NULL, NULL);
  const double G2[2] = {1000.0, -500.0}, reg2[2] = {-1000.0, 500.0};
  double w1[2] = {w[0], w[1]};
  step_ok(o, 2 * tb, w, G2, reg2, NULL);
  ck_assert(w[0] == w1[0] && w[1] == w1[1]);
  const double gamma = exp(-tb / p.tau_rms);
  ck_assert(fabs(ss_optim_v(o)[0] - 4.0 * gamma) <= 1e-14);
  ss_optim_destroy(o);
}
END_TEST

/* ------------------------------------------------------------ schedule */

START_TEST(test_schedule_cumulative_divides_r0_at_given_times) {
  const double r0 = 1e-3, tb = 500.0;
  const double ts[3] = {1000.0, 3000.0, 3000.0}, fs[3] = {10.0, 2.0, 5.0};
  ss_optim_params p = base_params(SS_OPTIM_FIXED, r0, 0.0, tb);
  p.n_sched = 3;
  p.sched_t = ts;
  p.sched_factor = fs;
  ss_optim *o = mk(&p, 1);
  /* r0 before 1000; r0/10 on [1000, 3000); r0/100 from 3000 on */
  struct { double t, r; } q[] = {{-1e9, r0},          {0, r0},
                                 {999.999999, r0},    {1000.0, r0 / 10},
                                 {1000.5, r0 / 10},   {2999.999, r0 / 10},
                                 {3000.0, r0 / 100},  {1e12, r0 / 100}};
  for (size_t k = 0; k < sizeof q / sizeof q[0]; ++k)
    ck_assert_msg(fabs(ss_optim_r0_at(o, q[k].t) - q[k].r) <= 1e-15 * q[k].r,
                  "t %g: r0 %.17g, expected %.17g", q[k].t, ss_optim_r0_at(o, q[k].t), q[k].r);
  /* steps use the rate in effect at the window end: g = 1, dw = r0(t) */
  for (int k = 1; k <= 10; ++k) {
    const double t = k * tb, G = tb, expect = t < 1000 ? r0 : t < 3000 ? r0 / 10 : r0 / 100;
    double w = 0.0;
    ss_optim_stats st;
    step_ok(o, t, &w, &G, NULL, &st);
    ck_assert_msg(fabs(w - expect) <= 1e-15 * expect, "t %g: dw %.17g, expected %g", t, w, expect);
    ck_assert(fabs(st.r0 - expect) <= 1e-15 * expect);
    ss_optim_state s;
    ss_optim_get_state(o, &s);
    ck_assert(s.r0_eff == st.r0 && s.t_last == t && s.n_windows == (uint64_t)k);
  }
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_schedule_absolute_sets_r0_over_factor) {
  /* the reference code: eta/10 assigned at block 20 and again at block 40 */
  const double r0 = 1e-3;
  const double ts[2] = {420000.0, 820000.0};
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, 0.0, 500.0);
  p.n_sched = 2;
  p.sched_t = ts;
  p.sched_factor = NULL; /* default factor 10 */
  p.sched_absolute = 1;
  ss_optim *o = mk(&p, 1);
  ck_assert(ss_optim_r0_at(o, 419999.0) == r0);
  ck_assert(fabs(ss_optim_r0_at(o, 420000.0) - r0 / 10) <= 1e-15 * r0);
  ck_assert(fabs(ss_optim_r0_at(o, 820000.0) - r0 / 10) <= 1e-15 * r0);
  ck_assert(fabs(ss_optim_r0_at(o, 1e7) - r0 / 10) <= 1e-15 * r0);
  ck_assert(ss_optim_params_get(o)->sched_factor[1] == SS_OPTIM_SCHED_FACTOR);
  ss_optim_destroy(o);
  /* the same list, cumulative: r0/100 after the second time */
  p.sched_absolute = 0;
  o = mk(&p, 1);
  ck_assert(fabs(ss_optim_r0_at(o, 820000.0) - r0 / 100) <= 1e-15 * r0);
  ss_optim_destroy(o);
  /* absolute with distinct factors: only the latest one counts */
  const double fs[2] = {10.0, 4.0};
  p.sched_factor = fs;
  p.sched_absolute = 1;
  o = mk(&p, 1);
  ck_assert(ss_optim_r0_at(o, 0.0) == r0);
  ck_assert(fabs(ss_optim_r0_at(o, 500000.0) - r0 / 10) <= 1e-15 * r0);
  ck_assert(fabs(ss_optim_r0_at(o, 820000.0) - r0 / 4) <= 1e-15 * r0);
  ss_optim_destroy(o);
}
END_TEST

/* ------------------------------------------------------------ burn-in, switch */

START_TEST(test_burn_in_updates_v_but_not_w) {
  const double tb = 500.0, tau = 30000.0, r0 = 1e-3;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, 0.0, tb);
  p.t_burn = 2000.0;
  ss_optim *o = mk(&p, 2);
  const double gamma = exp(-tb / tau);
  double w[2] = {0.02, -0.03};
  const double w_init[2] = {0.02, -0.03};
  const double Gs[4][2] = {{1000.0, -1500.0}, {0.0, 0.0}, {0.0, 0.0}, {500.0, -1500.0}};
  /* g: synapse 0: 2, 0, 0, 1;  synapse 1: -3, 0, 0, -3 */
  for (int k = 0; k < 3; ++k) {
    ss_optim_stats st;
    step_ok(o, (k + 1) * tb, w, Gs[k], NULL, &st);
    ck_assert_int_eq(st.applied, 0);
    ck_assert(memcmp(w, w_init, sizeof w) == 0);
    const double v0 = 4.0 * pow(gamma, k), v1 = 9.0 * pow(gamma, k);
    ck_assert(fabs(ss_optim_v(o)[0] - v0) <= 1e-14 * v0);
    ck_assert(fabs(ss_optim_v(o)[1] - v1) <= 1e-14 * v1);
  }
  /* t = t_burn: learning starts with a warm v */
  ss_optim_stats st;
  step_ok(o, 4 * tb, w, Gs[3], NULL, &st);
  ck_assert_int_eq(st.applied, 1);
  const double v0 = 4.0 * pow(gamma, 3); /* > 1 = g^2 */
  const double dw0 = r0 * 1.0 / sqrt(v0);
  ck_assert_msg(fabs((w[0] - w_init[0]) - dw0) <= 1e-15, "warm step %.17g vs %.17g",
                w[0] - w_init[0], dw0);
  ck_assert(dw0 < 0.6 * r0);                                  /* a cold v would give r0 */
  ck_assert(fabs((w[1] - w_init[1]) + r0) <= 2 * half_ulp(w[1])); /* 9 >= 9 gamma^3 */
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_learning_off_changes_no_weight) {
  const size_t n = 40;
  const double tb = 500.0, r0 = 1e-3;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, r0, 0.0, tb);
  p.learning = 0;
  p.w_min = -0.1; /* would clip the out-of-range weights if applied */
  p.w_max = 0.1;
  ss_optim *o = mk(&p, n);
  ck_assert_int_eq(ss_optim_learning(o), 0);
  ss_rng r;
  ss_rng_init(&r, 31, 4);
  double w[N_MAX], wsave[N_MAX], G[N_MAX];
  for (size_t i = 0; i < n; ++i) w[i] = 0.3 * ss_rng_normal(&r);
  memcpy(wsave, w, n * sizeof *w);
  const double gamma = exp(-tb / p.tau_rms);
  double vref[N_MAX] = {0};
  for (int k = 1; k <= 100; ++k) {
    for (size_t i = 0; i < n; ++i) G[i] = rand_G(&r);
    ss_optim_stats st;
    step_ok(o, k * tb, w, G, NULL, &st);
    ck_assert(st.applied == 0 && st.n_clipped == 0 && st.max_abs_dw == 0.0);
    ck_assert(memcmp(w, wsave, n * sizeof *w) == 0);
    for (size_t i = 0; i < n; ++i) {
      const double g = G[i] / tb;
      vref[i] = fmax(gamma * vref[i], g * g);
      ck_assert(fabs(ss_optim_v(o)[i] - vref[i]) <= 1e-12 * vref[i]);
    }
  }
  ss_optim_set_learning(o, 1);
  ck_assert_int_eq(ss_optim_learning(o), 1);
  for (size_t i = 0; i < n; ++i) G[i] = 1.0;
  ss_optim_stats st;
  step_ok(o, 101 * tb, w, G, NULL, &st);
  ck_assert(st.applied == 1 && st.max_abs_dw > 0.0);
  ss_optim_set_learning(o, 0);
  memcpy(wsave, w, n * sizeof *w);
  step_ok(o, 102 * tb, w, G, NULL, &st);
  ck_assert(memcmp(w, wsave, n * sizeof *w) == 0);
  ss_optim_destroy(o);
}
END_TEST

/* ------------------------------------------------------------ validation */

START_TEST(test_bad_parameters_rejected_naming_the_parameter) {
  static const double ts_bad_order[2] = {2000.0, 1000.0}, ts_nan[1] = {NAN}, ts_ok[2] = {1, 2};
  static const double f_zero[2] = {10.0, 0.0}, f_nan[2] = {NAN, 10.0}, f_neg[2] = {-10.0, 10.0};
  struct {
    const char *name;
    int field;
    double val;
  } cases[] = {
      {"r0", 0, -1.0},         {"r0", 0, NAN},          {"r0", 0, INFINITY},
      {"tau_rms", 1, 0.0},     {"tau_rms", 1, -30.0},   {"tau_rms", 1, NAN},
      {"eps", 2, -1e-12},      {"eps", 2, NAN},         {"t_window", 3, 0.0},
      {"t_window", 3, -500.0}, {"t_window", 3, NAN},    {"w_min", 4, NAN},
      {"w_max", 5, NAN},       {"w_min", 6, 0.0},       {"t_burn", 7, NAN},
      {"kind", 8, 0.0},        {"sched_t[1]", 9, 0.0},  {"sched_t[0]", 10, 0.0},
      {"sched_factor[1]", 11, 0.0}, {"sched_factor[0]", 12, 0.0},
      {"sched_factor[0]", 13, 0.0}, {"sched_t", 14, 0.0},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    ss_optim_params p;
    ss_optim_params_default(&p);
    switch (cases[c].field) {
      case 0: p.r0 = cases[c].val; break;
      case 1: p.tau_rms = cases[c].val; break;
      case 2: p.eps = cases[c].val; break;
      case 3: p.t_window = cases[c].val; break;
      case 4: p.w_min = cases[c].val; break;
      case 5: p.w_max = cases[c].val; break;
      case 6: p.w_min = 0.2; p.w_max = 0.1; break;
      case 7: p.t_burn = cases[c].val; break;
      case 8: p.kind = (ss_optim_kind)7; break;
      case 9: p.n_sched = 2; p.sched_t = ts_bad_order; break;
      case 10: p.n_sched = 1; p.sched_t = ts_nan; break;
      case 11: p.n_sched = 2; p.sched_t = ts_ok; p.sched_factor = f_zero; break;
      case 12: p.n_sched = 2; p.sched_t = ts_ok; p.sched_factor = f_nan; break;
      case 13: p.n_sched = 2; p.sched_t = ts_ok; p.sched_factor = f_neg; break;
      case 14: p.n_sched = 2; p.sched_t = NULL; break;
    }
    ss_error err = {0};
    int rc = ss_optim_params_check(&p, &err);
    ck_assert_msg(rc == SS_EINVAL, "case %zu (%s): rc %d", c, cases[c].name, rc);
    ck_assert_msg(strstr(err.msg, cases[c].name) != NULL, "case %zu: message '%s' lacks '%s'", c,
                  err.msg, cases[c].name);
    ss_error err2 = {0};
    ck_assert(ss_optim_create(&p, 4, &err2) == NULL);
    ck_assert(err2.code == SS_EINVAL && strcmp(err.msg, err2.msg) == 0);
  }
  ss_optim_params p;
  ss_optim_params_default(&p);
  p.r0 = -1.0;
  ss_error err = {0};
  ss_optim_params_check(&p, &err);
  ck_assert_str_eq(err.msg, "r0 must be a finite number >= 0 (got -1)");
  /* accepted edge values: r0 = 0, eps = 0, w_min = w_max, infinite bounds */
  ss_optim_params_default(&p);
  p.r0 = 0.0;
  p.eps = 0.0;
  p.w_min = p.w_max = 0.05;
  ck_assert_int_eq(ss_optim_params_check(&p, NULL), SS_OK);
  p.w_min = -INFINITY;
  p.w_max = INFINITY;
  p.t_burn = -INFINITY;
  ck_assert_int_eq(ss_optim_params_check(&p, NULL), SS_OK);
}
END_TEST

START_TEST(test_step_rejects_bad_input_and_leaves_state) {
  const size_t n = 6;
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, 1e-3, 1e-12, 500.0);
  ss_optim *o = mk(&p, n);
  double w[6] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, G[6] = {1, -2, 3, -4, 5, -6};
  step_ok(o, 500.0, w, G, NULL, NULL);
  double wsave[6], vsave[6];
  memcpy(wsave, w, sizeof w);
  memcpy(vsave, ss_optim_v(o), sizeof vsave);
  ss_optim_state s0, s1;
  ss_optim_get_state(o, &s0);
  ss_error err = {0};
  G[3] = NAN;
  ck_assert_int_eq(ss_optim_step(o, 1000.0, w, G, NULL, NULL, &err), SS_ERANGE);
  ck_assert_msg(strstr(err.msg, "synapse 3") != NULL, "%s", err.msg);
  G[3] = -4;
  const double reg[6] = {0, 0, 0, 0, INFINITY, 0};
  ck_assert_int_eq(ss_optim_step(o, 1000.0, w, G, reg, NULL, &err), SS_ERANGE);
  ck_assert_msg(strstr(err.msg, "synapse 4") != NULL, "%s", err.msg);
  w[5] = NAN;
  ck_assert_int_eq(ss_optim_step(o, 1000.0, w, G, NULL, NULL, &err), SS_ERANGE);
  ck_assert_msg(strstr(err.msg, "weight of synapse 5") != NULL, "%s", err.msg);
  w[5] = wsave[5];
  ck_assert_int_eq(ss_optim_step(o, 500.0, w, G, NULL, NULL, &err), SS_EINVAL); /* not later */
  ck_assert_int_eq(ss_optim_step(o, 400.0, w, G, NULL, NULL, &err), SS_EINVAL);
  ck_assert_int_eq(ss_optim_step(o, NAN, w, G, NULL, NULL, &err), SS_EINVAL);
  ck_assert_int_eq(ss_optim_step(o, 1000.0, NULL, G, NULL, NULL, &err), SS_EINVAL);
  ck_assert_int_eq(ss_optim_step(o, 1000.0, w, NULL, NULL, NULL, &err), SS_EINVAL);
  ck_assert(memcmp(w, wsave, sizeof w) == 0);
  ck_assert(memcmp(ss_optim_v(o), vsave, sizeof vsave) == 0);
  ss_optim_get_state(o, &s1);
  ck_assert(memcmp(&s0, &s1, sizeof s0) == 0);
  ss_optim_destroy(o);
  /* zero synapses: NULL arrays are fine */
  o = mk(&p, 0);
  ss_optim_stats st;
  ck_assert_int_eq(ss_optim_step(o, 500.0, NULL, NULL, NULL, &st, &err), SS_OK);
  ck_assert(st.n == 0 && st.mean_abs_dw == 0.0 && st.max_abs_dw == 0.0);
  ss_optim_destroy(o);
  ss_optim_destroy(NULL);
}
END_TEST

/* ------------------------------------------------------------ checkpoint */

START_TEST(test_state_save_restore_continues_bit_exactly) {
  const size_t n = 50;
  const double tb = 500.0, ts[1] = {6000.0};
  ss_optim_params p = base_params(SS_OPTIM_RMAXPROP, 1e-3, 1e-12, tb);
  p.w_min = -0.1;
  p.w_max = 0.1;
  p.t_burn = 1000.0;
  p.n_sched = 1;
  p.sched_t = ts;
  ss_optim *a = mk(&p, n);
  ss_rng r;
  ss_rng_init(&r, 77, 5);
  static double Gs[40][N_MAX];
  for (int k = 0; k < 40; ++k)
    for (size_t i = 0; i < n; ++i) Gs[k][i] = rand_G(&r);
  double wa[N_MAX], wb[N_MAX], wc[N_MAX];
  for (size_t i = 0; i < n; ++i) wa[i] = 0.05 * ss_rng_normal(&r);
  memcpy(wc, wa, n * sizeof *wa);
  for (int k = 0; k < 20; ++k) step_ok(a, (k + 1) * tb, wa, Gs[k], NULL, NULL);
  /* checkpoint: scalar state, v and the weights */
  ss_optim_state s;
  ss_optim_get_state(a, &s);
  ck_assert(s.t_last == 20 * tb && s.n_windows == 20 && s.learning == 1);
  double vsave[N_MAX];
  memcpy(vsave, ss_optim_v(a), n * sizeof *vsave);
  memcpy(wb, wa, n * sizeof *wa);
  for (int k = 20; k < 40; ++k) step_ok(a, (k + 1) * tb, wa, Gs[k], NULL, NULL);
  /* restore into a fresh optimizer and continue */
  ss_optim *b = mk(&p, n);
  ss_error err = {0};
  ck_assert_int_eq(ss_optim_set_state(b, &s, &err), SS_OK);
  ck_assert_int_eq(ss_optim_set_v(b, vsave, n, &err), SS_OK);
  for (int k = 20; k < 40; ++k) step_ok(b, (k + 1) * tb, wb, Gs[k], NULL, NULL);
  ck_assert(memcmp(wa, wb, n * sizeof *wa) == 0);
  ck_assert(memcmp(ss_optim_v(a), ss_optim_v(b), n * sizeof(double)) == 0);
  ss_optim_state sa, sb;
  ss_optim_get_state(a, &sa);
  ss_optim_get_state(b, &sb);
  ck_assert(sa.t_last == sb.t_last && sa.r0_eff == sb.r0_eff && sa.n_windows == sb.n_windows);
  ck_assert(fabs(sa.r0_eff - 1e-4) < 1e-18);
  /* reset and rerun from the start: identical (deterministic) */
  ss_optim_reset(b);
  ss_optim_get_state(b, &sb);
  ck_assert(sb.t_last == -INFINITY && sb.n_windows == 0 && sb.r0_eff == 1e-3);
  for (int k = 0; k < 40; ++k) step_ok(b, (k + 1) * tb, wc, Gs[k], NULL, NULL);
  ck_assert(memcmp(wa, wc, n * sizeof *wa) == 0);
  ck_assert(memcmp(ss_optim_v(a), ss_optim_v(b), n * sizeof(double)) == 0);
  /* invalid restores are rejected and change nothing */
  ss_optim_state bad = s;
  bad.t_last = NAN;
  ck_assert_int_eq(ss_optim_set_state(b, &bad, &err), SS_EINVAL);
  bad = s;
  bad.r0_eff = -1.0;
  ck_assert_int_eq(ss_optim_set_state(b, &bad, &err), SS_EINVAL);
  ck_assert_int_eq(ss_optim_set_v(b, vsave, n - 1, &err), SS_EINVAL);
  vsave[3] = -1.0;
  ck_assert_int_eq(ss_optim_set_v(b, vsave, n, &err), SS_EINVAL);
  ck_assert_msg(strstr(err.msg, "v[3]") != NULL, "%s", err.msg);
  ck_assert(memcmp(ss_optim_v(a), ss_optim_v(b), n * sizeof(double)) == 0);
  ss_optim_destroy(a);
  ss_optim_destroy(b);
}
END_TEST

/* ------------------------------------------------------------ defaults, names */

START_TEST(test_defaults_are_the_papers_in_ms_and_mV) {
  ss_optim_params p;
  ss_optim_params_default(&p);
  ck_assert(p.kind == SS_OPTIM_RMAXPROP && p.learning == 1 && p.n_sched == 0);
  ck_assert(p.r0 == 1.0 && p.tau_rms == 30000.0 && p.eps == 1e-12 && p.t_window == 500.0);
  ck_assert(p.w_min == -100.0 && p.w_max == 100.0 && p.t_burn == 0.0);
  /* V and mV constants describe the same values */
  ck_assert(fabs(SS_OPTIM_R0_V * 1000.0 - SS_OPTIM_R0_MV) < 1e-12);
  ck_assert(fabs(SS_OPTIM_WMAX_V * 1000.0 - SS_OPTIM_WMAX_MV) < 1e-12);
  ck_assert_int_eq(ss_optim_params_check(&p, NULL), SS_OK);
  ss_optim *o = mk(&p, 10);
  ck_assert(ss_optim_size(o) == 10);
  for (int i = 0; i < 10; ++i) ck_assert(ss_optim_v(o)[i] == 0.0);
  ck_assert(ss_optim_r0_at(o, 1e9) == 1.0);
  ss_optim_destroy(o);
}
END_TEST

START_TEST(test_kind_names_round_trip) {
  const ss_optim_kind kinds[] = {SS_OPTIM_RMAXPROP, SS_OPTIM_RMSPROP, SS_OPTIM_FIXED};
  const char *names[] = {"rmaxprop", "rmsprop", "fixed"};
  for (int k = 0; k < 3; ++k) {
    ck_assert_str_eq(ss_optim_kind_name(kinds[k]), names[k]);
    ss_optim_kind got = (ss_optim_kind)99;
    ck_assert_int_eq(ss_optim_kind_parse(names[k], &got, NULL), SS_OK);
    ck_assert(got == kinds[k]);
  }
  ss_error err = {0};
  ss_optim_kind got;
  ck_assert_int_eq(ss_optim_kind_parse("adam", &got, &err), SS_EINVAL);
  ck_assert(strstr(err.msg, "adam") != NULL);
  ck_assert_str_eq(ss_optim_kind_name((ss_optim_kind)5), "?");
}
END_TEST

int main(void) {
  Suite *s = suite_create("optim");
  TCase *tc = tcase_create("rmaxprop");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_rmaxprop_step_never_exceeds_r0_random_gradients);
  tcase_add_test(tc, test_rmaxprop_first_update_is_r0_sign_g);
  tcase_add_test(tc, test_rmaxprop_matches_definition_and_max_moves_exactly_r0);
  tcase_add_test(tc, test_rmaxprop_v_decays_by_gamma_when_g_zero);
  suite_add_tcase(s, tc);

  tc = tcase_create("bounds");
  tcase_add_test(tc, test_bounds_hold_after_every_update);
  tcase_add_test(tc, test_clipping_and_stats_closed_form);
  suite_add_tcase(s, tc);

  tc = tcase_create("variants");
  tcase_add_test(tc, test_rmsprop_hand_computed_three_steps);
  tcase_add_test(tc, test_fixed_is_r0_times_window_average);
  tcase_add_test(tc, test_regularizer_term_is_added_to_gradient);
  suite_add_tcase(s, tc);

  tc = tcase_create("schedule");
  tcase_add_test(tc, test_schedule_cumulative_divides_r0_at_given_times);
  tcase_add_test(tc, test_schedule_absolute_sets_r0_over_factor);
  tcase_add_test(tc, test_burn_in_updates_v_but_not_w);
  tcase_add_test(tc, test_learning_off_changes_no_weight);
  suite_add_tcase(s, tc);

  tc = tcase_create("api");
  tcase_add_test(tc, test_bad_parameters_rejected_naming_the_parameter);
  tcase_add_test(tc, test_step_rejects_bad_input_and_leaves_state);
  tcase_add_test(tc, test_state_save_restore_continues_bit_exactly);
  tcase_add_test(tc, test_defaults_are_the_papers_in_ms_and_mV);
  tcase_add_test(tc, test_kind_names_round_trip);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
