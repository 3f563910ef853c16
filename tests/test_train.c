/* test_train.c - training runs end to end: the cost of a silent output
 * against a numerical integral of the error kernel, the first RMaxProp
 * update, determinism, learning switched off, and the 5-spike timing task
 * (paper Fig. 2) learning in at least 4 of 5 seeds. */
#include <math.h>
#include <unistd.h>

#include "superspike/superspike.h"
#include "testutil.h"

static char g_dir[64];

static const char *write_cfg(const char *name, const char *text) {
  static char path[256];
  if (!g_dir[0]) {
    snprintf(g_dir, sizeof g_dir, "/tmp/ss_test_train_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
  }
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  fclose(fp);
  return path;
}

/* The 5-spike task: 100 frozen Poisson inputs -> 1 output. */
static const char *five_spikes =
    "[run]\nduration = 800 s\nseed = 1\n"
    "[population out]\nsize = 1\nrole = output\n"
    "target_times = 83 ms, 166 ms, 249 ms, 332 ms, 415 ms\ntarget_period = 500 ms\n"
    "[source in]\ntype = poisson\nsize = 100\nrate = 4.6 Hz\nperiod = 500 ms\n"
    "[projection in_out]\npre = in\npost = out\nconnect = all_to_all\n"
    "weight = normal(0 mV, 5 mV)\nweight_min = -100 mV\nweight_max = 100 mV\ndelay = 0.8 ms\nplastic = yes\n"
    "[learning]\nwindow = 500 ms\nloop = 500 ms\noptimizer = rmaxprop\nr0 = 1 mV\nw_min = -100 mV\nw_max = 100 mV\n";

static ss_experiment *load(const char *text, const char *const *sets, int n_sets) {
  ss_error err = {0};
  char out[128];
  snprintf(out, sizeof out, "%s/out", g_dir[0] ? g_dir : "/tmp");
  ss_experiment *x = ss_experiment_load(write_cfg("t.ini", text), sets, n_sets, out, &err);
  ck_assert_msg(x != NULL, "%s", err.msg);
  return x;
}

/* e(t) = alpha * targets for a silent output, alpha of unit area with
 * 5/10 ms, integrated on a fine grid: (1/T) int_0^T e^2 dt x 1.2e5. */
static double silent_cost_numeric(const double *tt, int n, double T) {
  const double h = 1e-4;
  double sum = 0;
  for (long k = 0; (double)k * h <= T; ++k) {
    double t = (double)k * h, e = 0;
    for (int j = 0; j < n; ++j)
      if (t >= tt[j]) e += (exp(-(t - tt[j]) / 10.0) - exp(-(t - tt[j]) / 5.0)) / 5.0;
    double wgt = (k == 0 || (double)(k + 1) * h > T) ? 0.5 : 1.0;
    sum += wgt * e * e * h;
  }
  return 1.2e5 * sum / T;
}

/* 1.2e5 (1/tau) int_0^tend e^{-(tend-s)/tau} e(s)^2 ds / (1 - e^{-tend/tau}),
 * midpoint rule on a fine grid */
static double numeric_moving_cost(const double *tt, int n, double tend, double tau) {
  const double h = 1e-3;
  double acc = 0;
  for (long k = 0; (double)k * h < tend; ++k) {
    double t = ((double)k + 0.5) * h, e = 0;
    for (int j = 0; j < n; ++j)
      if (t >= tt[j]) e += (exp(-(t - tt[j]) / 10.0) - exp(-(t - tt[j]) / 5.0)) / 5.0;
    acc += exp(-(tend - t) / tau) * e * e * h;
  }
  return 1.2e5 * acc / tau / (-expm1(-tend / tau));
}

START_TEST(test_cost_of_silent_output_matches_numerical_integral) {
  /* zero weights and learning off: the output stays silent */
  const char *sets[] = {"in_out.weight=0 mV", "learning.learning=no", "run.duration=1.5 s"};
  ss_experiment *x = load(five_spikes, sets, 3);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  ss_train_row row;
  const double tt[5] = {83, 166, 249, 332, 415};
  double want = silent_cost_numeric(tt, 5, 500.0);
  ck_assert_int_eq(ss_trainer_step(tr, &row, &err), 1);
  ck_assert_msg(fabs(row.cost_window - want) < 1e-6 * want, "cost %.12g, numerical %.12g", row.cost_window, want);
  ck_assert(fabs(want - 40.0) < 0.1); /* 5 isolated spikes: 5 x 33.3/s x 0.12 s^2 / 0.5 s */
  /* later windows also see the previous loop's tail: compare with the
   * numerical integral over [500, 1000) of all targets so far */
  double tt2[10];
  for (int j = 0; j < 10; ++j) tt2[j] = tt[j % 5] + (j / 5) * 500.0;
  ck_assert_int_eq(ss_trainer_step(tr, &row, &err), 1);
  double all = silent_cost_numeric(tt2, 10, 1000.0) * 1000.0, first = want * 500.0;
  double want2 = (all - first) / 500.0;
  ck_assert_msg(fabs(row.cost_window - want2) < 1e-6 * want2, "cost %.12g, numerical %.12g", row.cost_window, want2);
  ck_assert(ss_trainer_stats(tr)->spikes == 0);
  double ma10 = numeric_moving_cost(tt2, 10, 1000.0, 10000.0);
  ck_assert_msg(fabs(row.cost - ma10) < 1e-5 * ma10, "moving average %.10g, numerical %.10g", row.cost, ma10);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  /* cost_tau is honoured: a 1 s average forgets the first window faster */
  const char *sets2[] = {"in_out.weight=0 mV", "learning.learning=no", "run.duration=1.5 s", "learning.cost_tau=1 s"};
  x = load(five_spikes, sets2, 4);
  tr = ss_trainer_create(x, &err);
  ss_train_row r2;
  ck_assert_int_eq(ss_trainer_step(tr, &r2, &err), 1);
  ck_assert_int_eq(ss_trainer_step(tr, &r2, &err), 1);
  double ma1 = numeric_moving_cost(tt2, 10, 1000.0, 1000.0);
  ck_assert_msg(fabs(r2.cost - ma1) < 1e-5 * ma1, "moving average %.10g, numerical %.10g", r2.cost, ma1);
  ck_assert(fabs(ma1 - ma10) > 1e-3 * ma10); /* the two time constants are distinguishable */
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

/* The error trace files: e(t) of a silent output over the first and the
 * last loop equals the closed form sum of unit-area alpha kernels at the
 * targets (1/s), sample by sample. */
START_TEST(test_error_traces_match_closed_form) {
  const char *sets[] = {"in_out.weight=0 mV", "learning.learning=no", "run.duration=2 s"};
  ss_experiment *x = load(five_spikes, sets, 3);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  while (ss_trainer_step(tr, NULL, &err) == 1) {
  }
  ck_assert_int_eq(ss_trainer_finish(tr, 0, &err), 0);
  const double tt[5] = {83, 166, 249, 332, 415};
  for (int w = 0; w < 2; ++w) {
    char path[256];
    snprintf(path, sizeof path, "%s/out_error_%s.dat", x->out_dir, w ? "last" : "first");
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    char line[256];
    int rows = 0;
    double maxdev = 0;
    while (fgets(line, sizeof line, fp)) {
      if (line[0] == '#') continue;
      double ts, e;
      ck_assert_int_eq(sscanf(line, "%lf %lf", &ts, &e), 2);
      double t = ts * 1000.0, want = 0;
      for (int l = 0; l < 4; ++l)
        for (int j = 0; j < 5; ++j) {
          double s = t - (tt[j] + 500.0 * l);
          if (s >= 0) want += 1000.0 * (exp(-s / 10.0) - exp(-s / 5.0)) / 5.0;
        }
      ck_assert(t >= (w ? 1500.0 : 0.0) - 1e-9 && t < (w ? 2000.0 : 500.0));
      double dev = fabs(e - want);
      if (dev > maxdev) maxdev = dev;
      rows++;
    }
    fclose(fp);
    ck_assert_int_eq(rows, 1000); /* every 0.5 ms */
    ck_assert_msg(maxdev < 1e-6, "max deviation %g 1/s", maxdev);
  }
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

/* One 500 ms window of the classification tests' configuration x: its row,
 * and the output spikes of its monitor `spk` read into sp (initialised). */
static ss_trainer *one_window(ss_experiment *x, ss_train_row *row, ss_spikes *sp) {
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_trainer_step(tr, row, &err), 0);
  ck_assert_int_eq(ss_trainer_finish(tr, 0, &err), 0);
  char path[256];
  snprintf(path, sizeof path, "%s/spk.ras", x->out_dir);
  ss_spikes_init(sp);
  ck_assert_int_eq(ss_spikes_read(sp, path, 2, 0, &err), 0);
  return tr;
}

/* The unit-area error kernel (rise 5 ms, decay 10 ms) x ms after an event. */
static double alpha_ms(double x) { return x < 0 ? 0 : (exp(-x / 10.0) - exp(-x / 5.0)) / 5.0; }

/* Classification end to end: two outputs, each driven to spike once by its
 * own input spike.  Stimulus 1 (class 0) gets the correct spike: no error;
 * stimulus 2 (class 0) gets only output 1's spike: -1 for it, and +1 for
 * output 0 at the window end.  The window cost equals the numerical
 * integral of those two kernels; the outcomes file says so too. */
START_TEST(test_classification_errors_end_to_end) {
  write_cfg("cls_in.ras", "0.010 0\n0.110 1\n");
  write_cfg("cls_stim.txt", "# onset class pattern\n0.005 0 0\n0.105 0 1\n0.300 1 0\n");
  const char *cfg =
      "[run]\nduration = 500 ms\n"
      "[source in]\ntype = file\nsize = 2\nfile = cls_in.ras\n"
      "[population out]\nsize = 2\nrole = output\nstimuli = cls_stim.txt\nopportunity = 25 ms\n"
      "[projection in_out]\npre = in\npost = out\nconnect = one_to_one\nweight = 60 mV\ndelay = 1 ms\n"
      "plastic = yes\n"
      "[monitor spk]\ntype = spikes\npopulation = out\n"
      "[learning]\nwindow = 500 ms\nlearning = off\n";
  ss_experiment *x = load(cfg, NULL, 0);
  ss_error err = {0};
  ss_train_row row;
  ss_spikes sp; /* the two output spikes, from the monitor */
  ss_trainer *tr = one_window(x, &row, &sp);
  char path[256];
  ck_assert_uint_eq(sp.n, 2);
  ck_assert_uint_eq(sp.id[0], 0);
  ck_assert_uint_eq(sp.id[1], 1);
  ck_assert(sp.t[0] > 11 && sp.t[0] < 30 && sp.t[1] > 111 && sp.t[1] < 130);
  /* e_0 = +alpha(t - 130) (missed), e_1 = -alpha(t - t1) + alpha(t - 325)
   * (stimulus 3, class 1, missed too), 500 ms window */
  const double h = 1e-3;
  double sum = 0;
  for (long k = 0; (double)k * h < 500.0; ++k) {
    double t = (double)k * h, e0 = alpha_ms(t - 130), e1 = -alpha_ms(t - sp.t[1]) + alpha_ms(t - 325);
    sum += 0.5 * (e0 * e0 + e1 * e1) * h;
  }
  double want = 1.2e5 * sum / 500.0;
  ck_assert_msg(fabs(row.cost_window - want) < 1e-6 * want, "cost %.12g, numerical %.12g", row.cost_window, want);
  ck_assert_double_eq_tol(row.accuracy, 1.0 / 3.0, 1e-15);
  snprintf(path, sizeof path, "%s/out_classification.dat", x->out_dir);
  FILE *fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  char line[256];
  int n = 0, hit[3], correct[3], wrong[3];
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == '#') continue;
    double on, lat, acc;
    unsigned c;
    ck_assert_int_eq(sscanf(line, "%lf %u %d %d %d %lf %lf", &on, &c, &hit[n], &correct[n], &wrong[n], &lat, &acc), 7);
    n++;
  }
  fclose(fp);
  ck_assert_int_eq(n, 3);
  ck_assert(hit[0] && correct[0] && !wrong[0]);
  ck_assert(!hit[1] && !correct[1] && wrong[1] == 1);
  ck_assert(!hit[2] && !correct[2] && !wrong[2]);
  ss_spikes_clear(&sp);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  /* classification needs the event engine, and excludes targets */
  const char *sets[] = {"run.engine=clock"};
  x = load(cfg, sets, 1);
  ck_assert_ptr_null(ss_trainer_create(x, &err));
  ck_assert_str_eq(err.msg, "population 'out': classification outputs (stimuli) need engine = event");
  ss_experiment_destroy(x);
}
END_TEST

/* late_spikes = free end to end: stimulus (class 1, window [300, 325) ms)
 * missed, output 1 spikes at about 332 ms.  By default that spike is a -1
 * error; with late_spikes = free (late_window 25 ms) it is free and only the
 * miss's +1 at 325 ms remains; with late_window = 5 ms it is too late again.
 * The window cost equals the numerical integral of those kernels. */
START_TEST(test_classification_late_spikes) {
  write_cfg("late_in.ras", "0.330 1\n");
  write_cfg("late_stim.txt", "# onset class pattern\n0.300 1 0\n");
  const char *cfg =
      "[run]\nduration = 500 ms\n"
      "[source in]\ntype = file\nsize = 2\nfile = late_in.ras\n"
      "[population out]\nsize = 2\nrole = output\nstimuli = late_stim.txt\n"
      "[projection in_out]\npre = in\npost = out\nconnect = one_to_one\nweight = 60 mV\ndelay = 1 ms\n"
      "plastic = yes\n"
      "[monitor spk]\ntype = spikes\npopulation = out\n"
      "[learning]\nwindow = 500 ms\nlearning = off\n";
  const char *free_sets[] = {"out.late_spikes=free", "out.late_window=5ms"};
  for (int mode = 0; mode < 3; ++mode) {
    ss_experiment *x = load(cfg, free_sets, mode == 0 ? 0 : mode == 1 ? 1 : 2);
    ss_train_row row;
    ss_spikes sp;
    ss_trainer *tr = one_window(x, &row, &sp);
    ck_assert_uint_eq(sp.n, 1);
    ck_assert_uint_eq(sp.id[0], 1);
    const double ts = sp.t[0];
    ck_assert(ts > 330 && ts < 335);
    const int punished = mode != 1;
    const double h = 1e-3;
    double sum = 0;
    for (long k = 0; (double)k * h < 500.0; ++k) {
      double t = (double)k * h, e1 = alpha_ms(t - 325) - (punished ? alpha_ms(t - ts) : 0.0);
      sum += 0.5 * e1 * e1 * h;
    }
    double want = 1.2e5 * sum / 500.0;
    ck_assert_msg(fabs(row.cost_window - want) < 1e-6 * want, "mode %d: cost %.12g, numerical %.12g", mode,
                  row.cost_window, want);
    ck_assert_double_eq(row.accuracy, 0.0); /* a late answer is still a miss */
    ss_spikes_clear(&sp);
    ss_trainer_destroy(tr);
    ss_experiment_destroy(x);
  }
}
END_TEST

/* The synapse monitor (clock engine): its running integral of e lambda at
 * the last step of a window, scaled to the learner's units (dt / tau_rise
 * with unit-area kernels), is the G the gradient dump reports for that
 * synapse and window; x, sigma' and lambda stay in their ranges. */
START_TEST(test_synapse_monitor_matches_gradient_dump) {
  const char *cfg =
      "[run]\nduration = 1 s\nseed = 2\nengine = clock\ndt = 0.1 ms\n"
      "[source in]\ntype = poisson\nsize = 20\nrate = 20 Hz\nperiod = 500 ms\n"
      "[population hid]\nsize = 2\nrole = hidden\nfeedback = random\nfeedback_from = out\n"
      "[population out]\nsize = 1\nrole = output\ntarget_times = 100 ms, 300 ms\ntarget_period = 500 ms\n"
      "[projection in_hid]\npre = in\npost = hid\nconnect = all_to_all\nweight = normal(3 mV, 2 mV)\ndelay = 0.8 ms\n"
      "plastic = yes\n"
      "[projection hid_out]\npre = hid\npost = out\nconnect = all_to_all\nweight = 20 mV\ndelay = 0.8 ms\nplastic = yes\n"
      "[monitor syn]\ntype = synapse\nprojection = in_hid\npre = 3\npost = 1\nlast = 500 ms\n"
      "[learning]\nwindow = 500 ms\nlearning = off\n";
  ss_experiment *x = load(cfg, NULL, 0);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  char dump[256], line[512];
  snprintf(dump, sizeof dump, "%s/g.txt", x->out_dir);
  ck_assert_int_eq(ss_trainer_dump_gradients(tr, dump, &err), 0);
  while (ss_trainer_step(tr, NULL, &err) == 1) {
  }
  ck_assert_int_eq(ss_trainer_finish(tr, 0, &err), 0);
  double G = NAN;
  FILE *fp = fopen(dump, "r");
  ck_assert_ptr_nonnull(fp);
  while (fgets(line, sizeof line, fp)) {
    unsigned w, a, b;
    char pj[64];
    double g;
    if (sscanf(line, "%u %63s %u %u %lf", &w, pj, &a, &b, &g) == 5 && w == 1 && !strcmp(pj, "in_hid") && a == 3 &&
        b == 1)
      G = g;
  }
  fclose(fp);
  char path[256];
  snprintf(path, sizeof path, "%s/syn.dat", x->out_dir);
  fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  int rows = 0;
  double last = NAN;
  while (fgets(line, sizeof line, fp)) {
    if (line[0] == '#') continue;
    double r[7];
    ck_assert_int_eq(sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]), 7);
    ck_assert(r[0] >= 0.5 - 1e-9 && r[0] < 1.0);
    ck_assert(r[1] >= 0 && r[3] >= 0 && r[3] <= 1 && r[5] >= 0);
    last = r[6];
    rows++;
  }
  fclose(fp);
  ck_assert_int_eq(rows, 5000);
  /* the feedback matrix file: 2 x 1 entries, N(0, 1) draws, not all equal */
  snprintf(path, sizeof path, "%s/hid_feedback.dat", x->out_dir);
  fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  int nb = 0;
  while (fgets(line, sizeof line, fp)) {
    unsigned hi, oi;
    double b;
    if (line[0] == '#') continue;
    ck_assert_int_eq(sscanf(line, "%u %u %lf", &hi, &oi, &b), 3);
    ck_assert_uint_eq(hi, (unsigned)nb);
    ck_assert_uint_eq(oi, 0);
    ck_assert(isfinite(b) && b != 0 && fabs(b) < 10);
    nb++;
  }
  fclose(fp);
  ck_assert_int_eq(nb, 2);
  ck_assert(G != 0 && isfinite(G));
  ck_assert_msg(fabs(last * 0.1 / 5.0 - G) <= 1e-6 * fabs(G), "probe %.10g x dt/tau_r vs dump %.10g", last, G);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  /* the event engine has no per-step traces */
  const char *sets[] = {"run.engine=event"};
  x = load(cfg, sets, 1);
  ck_assert_ptr_null(ss_trainer_create(x, &err));
  ck_assert_str_eq(err.msg, "synapse monitors need engine = clock (the per-step reference learner)");
  ss_experiment_destroy(x);
}
END_TEST


/* learning.stop_at: no weight changes in windows ending after it, while the
 * network keeps running (and its cost keeps being recorded). */
START_TEST(test_stop_at_freezes_the_weights) {
  const char *sets[] = {"run.duration=3 s", "learning.stop_at=1 s"};
  ss_experiment *x = load(five_spikes, sets, 2);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  ss_train_row row;
  double *w1 = malloc(x->net->n_syn * sizeof *w1);
  for (int k = 0; k < 6; ++k) {
    ck_assert_int_ge(ss_trainer_step(tr, &row, &err), 0);
    if (k < 2) ck_assert(row.mean_dw > 0);
    else ck_assert(row.mean_dw == 0);
    if (k == 1) memcpy(w1, x->net->out_w, x->net->n_syn * sizeof *w1);
  }
  ck_assert(memcmp(w1, x->net->out_w, x->net->n_syn * sizeof *w1) == 0);
  free(w1);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

START_TEST(test_first_rmaxprop_update_moves_every_weight_by_r0) {
  const char *sets[] = {"run.duration=0.5 s"};
  ss_experiment *x = load(five_spikes, sets, 1);
  ss_error err = {0};
  size_t S = x->net->n_syn;
  double *w0 = malloc(S * sizeof *w0);
  memcpy(w0, x->net->out_w, S * sizeof *w0);
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_ptr_nonnull(tr);
  ck_assert_int_eq(ss_trainer_step(tr, NULL, &err), 0);
  const double *G = ss_learn_gradient(ss_trainer_learner(tr));
  int moved = 0;
  for (size_t k = 0; k < S; ++k) {
    double dw = x->net->out_w[k] - w0[k], g = G[x->net->out_slot[k]] / 500.0;
    ck_assert(fabs(dw) <= 1.0 + 1e-12);          /* |dw| <= r0 = 1 mV */
    if (fabs(g) > 1e-9) {                          /* then r0 sign(g), up to eps/|g| */
      ck_assert_msg(fabs(dw - copysign(1.0, g)) <= 1e-12 / fabs(g) + 1e-12, "k %zu: dw %.17g g %.3g", k, dw, g);
      ++moved;
    }
  }
  ck_assert_int_gt(moved, 50);
  free(w0);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

static void run_to_end(ss_experiment *x, double *final_cost, double *min_ratio) {
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  ss_train_row row;
  int rc;
  double c0 = -1, cmin = INFINITY;
  while ((rc = ss_trainer_step(tr, &row, &err)) >= 0) {
    if (c0 < 0) c0 = row.cost;
    if (row.cost < cmin) cmin = row.cost;
    if (rc == 0) break;
  }
  ck_assert_int_eq(rc, 0);
  if (final_cost) *final_cost = row.cost;
  if (min_ratio) *min_ratio = cmin / c0;
  ss_trainer_destroy(tr);
}

START_TEST(test_training_is_deterministic_and_off_means_frozen) {
  const char *sets[] = {"run.duration=20 s"};
  ss_experiment *a = load(five_spikes, sets, 1), *b = load(five_spikes, sets, 1);
  double ca, cb;
  run_to_end(a, &ca, NULL);
  run_to_end(b, &cb, NULL);
  ck_assert(ca == cb);
  ck_assert(memcmp(a->net->out_w, b->net->out_w, a->net->n_syn * sizeof(double)) == 0);
  ss_experiment_destroy(a);
  ss_experiment_destroy(b);
  const char *off[] = {"run.duration=5 s", "learning.learning=off"};
  ss_experiment *c = load(five_spikes, off, 2), *d = load(five_spikes, off, 2);
  run_to_end(c, NULL, NULL);
  ck_assert(memcmp(c->net->out_w, d->net->out_w, c->net->n_syn * sizeof(double)) == 0); /* d never ran */
  ss_experiment_destroy(c);
  ss_experiment_destroy(d);
}
END_TEST

/* Everything a run leaves: weights, learning curve, recorded spikes. */
typedef struct snapshot {
  double *w, cost;
  size_t n, n_spk;
  double *spk_t;
} snapshot;

static const char *g_engine = "run.engine=event";

static void run_with_checkpoint(const char *ckpt_at, int stop_at, const char *resume, snapshot *out) {
  const char *sets[] = {"run.duration=30 s", "in_out.weight=normal(2 mV, 5 mV)", g_engine};
  ss_experiment *x = load(five_spikes, sets, 3);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_ptr_nonnull(tr);
  if (resume) ck_assert_msg(ss_trainer_resume(tr, resume, &err) == 0, "%s", err.msg);
  ss_train_row row;
  int rc, w = resume ? 20 : 0;
  while ((rc = ss_trainer_step(tr, &row, &err)) > 0) {
    if (++w == stop_at && ckpt_at) ck_assert_msg(ss_trainer_checkpoint(tr, ckpt_at, &err) == 0, "%s", err.msg);
  }
  ck_assert_int_eq(rc, 0);
  out->n = x->net->n_syn;
  out->w = malloc(out->n * sizeof(double));
  memcpy(out->w, x->net->out_w, out->n * sizeof(double));
  out->cost = row.cost;
  const ss_spikes *sp = &x->rec->sm[x->rec->pop_sm[0]].spikes; /* out_first */
  const ss_spikes *sl = &x->rec->sm[x->rec->sm[x->rec->pop_sm[0]].next].spikes; /* out_last */
  out->n_spk = sp->n + sl->n;
  out->spk_t = malloc((out->n_spk + 1) * sizeof(double));
  memcpy(out->spk_t, sp->t, sp->n * sizeof(double));
  memcpy(out->spk_t + sp->n, sl->t, sl->n * sizeof(double));
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}

START_TEST(test_resume_from_checkpoint_is_bit_identical) {
  char ck[256];
  snapshot a, b;
  ss_experiment_destroy(load(five_spikes, NULL, 0)); /* creates the temp dir */
  snprintf(ck, sizeof ck, "%s/mid.ssck", g_dir);
  run_with_checkpoint(ck, 20, NULL, &a);        /* checkpoint after window 20 of 60 */
  run_with_checkpoint(NULL, 0, ck, &b);         /* fresh process state, resumed */
  ck_assert_uint_eq(a.n, b.n);
  ck_assert(memcmp(a.w, b.w, a.n * sizeof(double)) == 0);
  ck_assert(a.cost == b.cost);
  ck_assert_uint_gt(a.n_spk, 0);
  ck_assert_uint_eq(a.n_spk, b.n_spk);
  ck_assert(memcmp(a.spk_t, b.spk_t, a.n_spk * sizeof(double)) == 0);
  /* a corrupted or truncated checkpoint is refused, the trainer untouched */
  ss_experiment *x = load(five_spikes, (const char *[]){"run.duration=30 s", "in_out.weight=normal(2 mV, 5 mV)"}, 2);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  long len = 0;
  for (int q = 1; q <= 7; ++q) { /* one flipped bit anywhere: section headers or data */
    FILE *fp = fopen(ck, "r+b");
    ck_assert_ptr_nonnull(fp);
    fseek(fp, 0, SEEK_END);
    len = ftell(fp);
    fseek(fp, len * q / 8, SEEK_SET);
    int c = fgetc(fp);
    fseek(fp, len * q / 8, SEEK_SET);
    fputc(c ^ 0x20, fp);
    fclose(fp);
    ck_assert_int_ne(ss_trainer_resume(tr, ck, &err), 0);
    ck_assert_msg(strstr(err.msg, "checksum") != NULL || strstr(err.msg, "corrupt") != NULL, "%s", err.msg);
    fp = fopen(ck, "r+b"); /* restore it */
    fseek(fp, len * q / 8, SEEK_SET);
    fputc(c, fp);
    fclose(fp);
  }
  ck_assert(truncate(ck, len / 3) == 0);
  ck_assert_int_ne(ss_trainer_resume(tr, ck, &err), 0);
  ck_assert_msg(strstr(err.msg, "truncated") != NULL, "%s", err.msg);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  /* another configuration is refused too */
  free(b.w);
  free(b.spk_t);
  run_with_checkpoint(ck, 20, NULL, &b); /* rewrite a valid checkpoint */
  x = load(five_spikes, (const char *[]){"run.duration=30 s", "in_out.weight=normal(3 mV, 5 mV)"}, 2);
  tr = ss_trainer_create(x, &err);
  ck_assert_int_ne(ss_trainer_resume(tr, ck, &err), 0);
  ck_assert_msg(strstr(err.msg, "config") != NULL, "%s", err.msg);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  free(a.w);
  free(b.w);
  free(a.spk_t);
  free(b.spk_t);
}
END_TEST

/* The clock engine's checkpoints: the same bit-identical continuation. */
START_TEST(test_clock_engine_resume_is_bit_identical) {
  char ck[256];
  snapshot a, b, c;
  g_engine = "run.engine=clock";
  ss_experiment_destroy(load(five_spikes, NULL, 0)); /* creates the temp dir */
  snprintf(ck, sizeof ck, "%s/clock.ssck", g_dir);
  run_with_checkpoint(ck, 20, NULL, &a);
  run_with_checkpoint(NULL, 0, ck, &b);
  ck_assert_uint_eq(a.n, b.n);
  ck_assert(memcmp(a.w, b.w, a.n * sizeof(double)) == 0);
  ck_assert(a.cost == b.cost);
  ck_assert_uint_gt(a.n_spk, 0);
  ck_assert_uint_eq(a.n_spk, b.n_spk);
  ck_assert(memcmp(a.spk_t, b.spk_t, a.n_spk * sizeof(double)) == 0);
  /* and it is not the event engine's run */
  g_engine = "run.engine=event";
  run_with_checkpoint(NULL, 0, NULL, &c);
  ck_assert(memcmp(a.w, c.w, a.n * sizeof(double)) != 0);
  free(a.w);
  free(b.w);
  free(c.w);
  free(a.spk_t);
  free(b.spk_t);
  free(c.spk_t);
}
END_TEST

/* --dump-gradients writes exactly the learner's G; the regularizer's
 * integral of z^a equals a numerical integral over the recorded spikes. */
START_TEST(test_gradient_dump_and_regularizer_integral) {
  const char *sets[] = {"run.duration=1 s", "in_out.weight=normal(6 mV, 5 mV)", "in_out.regularizer=1",
                        "learning.het_exponent=2"};
  ss_experiment *x = load(five_spikes, sets, 4);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  char path[256];
  snprintf(path, sizeof path, "%s/grad.txt", g_dir);
  ck_assert_int_eq(ss_trainer_dump_gradients(tr, path, &err), 0);
  double G1[100];
  ck_assert_int_eq(ss_trainer_step(tr, NULL, &err), 1);
  const ss_learn *l = ss_trainer_learner(tr);
  for (uint64_t k = 0; k < 100; ++k) G1[k] = ss_learn_gradient(l)[x->net->out_slot[k]];
  double Z = ss_learn_het_integral(l)[x->net->pops[0].offset];
  ck_assert_int_eq(ss_trainer_step(tr, NULL, &err), 0);
  ck_assert_int_eq(ss_trainer_finish(tr, 0, &err), 0);
  /* Z of window 0 from the output's first-loop spikes: z = sum e^{-(t-t_k)/100} */
  const ss_spikes *sp = &x->rec->sm[x->rec->pop_sm[0]].spikes;
  ck_assert_uint_gt(sp->n, 0);
  double num = 0; /* midpoint rule on each interval between spikes (z is smooth there) */
  for (size_t j = 0; j <= sp->n; ++j) {
    double a = j ? sp->t[j - 1] : 0, b = j < sp->n && sp->t[j] < 500.0 ? sp->t[j] : 500.0;
    const int m = 20000;
    for (int i = 0; i < m && b > a; ++i) {
      double t = a + (b - a) * ((double)i + 0.5) / m, z = 0;
      for (size_t q = 0; q < sp->n; ++q)
        if (sp->t[q] <= t) z += exp(-(t - sp->t[q]) / 100.0);
      num += z * z * (b - a) / m;
    }
    if (b >= 500.0) break;
  }
  ck_assert_msg(fabs(Z - num) < 1e-6 * num, "Z %.12g, numerical %.12g", Z, num);
  /* the dump's window-0 lines are G, in outgoing order */
  FILE *fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  char line[256];
  int n0 = 0;
  while (fgets(line, sizeof line, fp)) {
    unsigned w, pre, post;
    char proj[64];
    double g;
    if (line[0] == '#') continue;
    ck_assert_int_eq(sscanf(line, "%u %63s %u %u %lf", &w, proj, &pre, &post, &g), 5);
    ck_assert_str_eq(proj, "in_out");
    if (w == 0) {
      ck_assert(g == G1[pre]); /* one output: pre-major order = pre id */
      ++n0;
    }
  }
  fclose(fp);
  ck_assert_int_eq(n0, 100);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

/* The clock-driven reference learner trains through the same trainer and
 * optimizer: its cost falls on the 5-spike task as the event-driven one's. */
START_TEST(test_clock_engine_trains_the_same_task) {
  const char *sets[] = {"run.duration=100 s", "run.engine=clock", "run.dt=0.1 ms"};
  ss_experiment *x = load(five_spikes, sets, 3);
  double fin, ratio;
  run_to_end(x, &fin, &ratio);
  printf("clock engine, 100 s: lowest cost %.3g%% of the initial one, final %.3g\n", 100 * ratio, fin);
  ck_assert(ratio < 0.5);
  ss_experiment_destroy(x);
  /* periodic checkpoints with the clock engine too */
  const char *ck[] = {"run.duration=1 s", "run.engine=clock", "learning.checkpoint_every=1"};
  x = load(five_spikes, ck, 3);
  ss_error err = {0};
  ss_trainer *tr = ss_trainer_create(x, &err);
  ck_assert_msg(tr != NULL, "%s", err.msg);
  while (ss_trainer_step(tr, NULL, &err) == 1) {
  }
  char path[512];
  snprintf(path, sizeof path, "%s/checkpoint.ssck", x->out_dir);
  ck_assert_int_eq(access(path, R_OK), 0);
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
}
END_TEST

START_TEST(test_recurrent_rejected_and_monitor_ranges) {
  char text[4096];
  snprintf(text, sizeof text, "%s[projection loop]\npre = out\npost = out\nconnect = all_to_all\nweight = 1 mV\n",
           five_spikes);
  ss_experiment *x = load(text, NULL, 0);
  ss_error err = {0};
  ck_assert_ptr_null(ss_trainer_create(x, &err));
  ck_assert_msg(strstr(err.msg, "projection 'loop' closes a loop") != NULL, "%s", err.msg);
  ss_experiment_destroy(x);
  /* a spike monitor limited to [1 s, 2 s) */
  snprintf(text, sizeof text, "%s[monitor mid]\ntype = spikes\npopulation = in\nstart = 1 s\nstop = 2 s\n", five_spikes);
  const char *sets[] = {"run.duration=3 s"};
  x = load(text, sets, 1);
  run_to_end(x, NULL, NULL);
  const ss_spike_monitor *m = NULL;
  for (uint32_t k = 0; k < x->rec->n_sm; ++k)
    if (x->rec->sm[k].t_from == 1000.0) m = &x->rec->sm[k];
  ck_assert_ptr_nonnull(m);
  ck_assert_uint_gt(m->spikes.n, 100); /* two loops of ~230 input spikes */
  for (size_t k = 0; k < m->spikes.n; ++k) ck_assert(m->spikes.t[k] >= 1000.0 && m->spikes.t[k] < 2000.0);
  ss_experiment_destroy(x);
}
END_TEST

START_TEST(test_five_spike_task_learns_in_4_of_5_seeds) {
  int ok = 0;
  for (int seed = 1; seed <= 5; ++seed) {
    char s[32];
    snprintf(s, sizeof s, "run.seed=%d", seed);
    const char *sets[] = {s};
    ss_experiment *x = load(five_spikes, sets, 1);
    double fin, ratio;
    run_to_end(x, &fin, &ratio);
    printf("5-spike task, seed %d: lowest cost %.3g%% of the initial one, final %.3g\n", seed, 100 * ratio, fin);
    ok += ratio < 0.05;
    ss_experiment_destroy(x);
  }
  ck_assert_int_ge(ok, 4);
}
END_TEST

int main(void) {
  Suite *s = suite_create("train");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_cost_of_silent_output_matches_numerical_integral);
  tcase_add_test(tc, test_first_rmaxprop_update_moves_every_weight_by_r0);
  tcase_add_test(tc, test_stop_at_freezes_the_weights);
  tcase_add_test(tc, test_error_traces_match_closed_form);
  tcase_add_test(tc, test_classification_errors_end_to_end);
  tcase_add_test(tc, test_classification_late_spikes);
  tcase_add_test(tc, test_synapse_monitor_matches_gradient_dump);
  tcase_add_test(tc, test_clock_engine_resume_is_bit_identical);
  tcase_add_test(tc, test_training_is_deterministic_and_off_means_frozen);
  tcase_add_test(tc, test_resume_from_checkpoint_is_bit_identical);
  tcase_add_test(tc, test_gradient_dump_and_regularizer_integral);
  tcase_add_test(tc, test_clock_engine_trains_the_same_task);
  tcase_add_test(tc, test_recurrent_rejected_and_monitor_ranges);
  tcase_add_test(tc, test_five_spike_task_learns_in_4_of_5_seeds);
  suite_add_tcase(s, tc);
  int rc = ss_test_run(s);
  if (g_dir[0]) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd)) rc = EXIT_FAILURE;
  }
  return rc;
}
