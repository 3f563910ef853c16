/* train.c - `superspike train CONFIG [--out DIR]`: SuperSpike training of
 * the experiment's plastic projections, window by window, with a progress
 * line, then every output (learning curve, rasters, weights, summary) and,
 * when gnuplot is available, the learning-curve plot. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "superspike/superspike.h"
#include "superspike/train.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: superspike train CONFIG [OPTIONS]\n"
          "\n"
          "Train the plastic projections of the experiment CONFIG with SuperSpike\n"
          "(event by event: exact gradients per update window).  CONFIG needs a\n"
          "[learning] section, an output population (role = output, with targets)\n"
          "and at least one projection with plastic = yes; see doc/config.md.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR          output directory (default: .); created if missing\n"
          "  -s, --set SEC.KEY=VAL  override or add a config key (repeatable)\n"
          "      --seed N           master seed (= --set run.seed=N)\n"
          "      --engine E         event (default) or clock: the reference code's per-step\n"
          "                         algorithm, for comparisons (= --set run.engine=E)\n"
          "      --dt DT            clock engine time step, e.g. 0.1ms\n"
          "      --resume FILE      continue the run saved in checkpoint FILE (same\n"
          "                         configuration); the result is bit-identical to an\n"
          "                         uninterrupted run\n"
          "      --dump-gradients F write every window's raw gradient G of every plastic\n"
          "                         synapse to F (window projection pre post G)\n"
          "      --no-plot          do not draw the learning curve with gnuplot\n"
          "  -q, --quiet            no progress line and no summary on stdout\n"
          "  -h, --help             show this help\n"
          "\n"
          "Outputs: learning_curve.dat (+ .png), POP_first.ras and POP_last.ras for every\n"
          "population (first and last loop), POP_error_first.dat and POP_error_last.dat\n"
          "(the outputs' error signals), POP_classification.dat for classification\n"
          "outputs, PROJ.edges for every plastic projection, the monitors' files, and\n"
          "summary.json; with [learning] checkpoint_every = N also checkpoint.ssck every\n"
          "N windows and at the end.\n");
}

/* Draw learning_curve.png with plots/learning_curve.gp if gnuplot runs:
 * the script is looked up in $SUPERSPIKE_PLOTS, the installed data
 * directory, plots/ beside the program, and the source tree it was built
 * from (for runs from a build directory). */
static void plot_curve(const char *out_dir, const char *argv0, int quiet) {
  const char *cands[4] = {getenv("SUPERSPIKE_PLOTS"), SS_PLOTS_DIR, NULL, SS_SRC_PLOTS_DIR};
  char local[4096];
  const char *slash = strrchr(argv0, '/');
  if (slash) { /* running from the build tree: ./superspike next to plots/ */
    snprintf(local, sizeof local, "%.*s/plots", (int)(slash - argv0), argv0);
    cands[2] = local;
  } else {
    cands[2] = "plots";
  }
  for (int k = 0; k < 4; ++k) {
    if (!cands[k]) continue;
    char script[4200], cmd[13000];
    snprintf(script, sizeof script, "%s/learning_curve.gp", cands[k]);
    if (access(script, R_OK)) continue;
    snprintf(cmd, sizeof cmd,
             "gnuplot -e \"datafile='%s/learning_curve.dat'; outfile='%s/learning_curve.png'; plotsdir='%s'\" "
             "'%s' >/dev/null 2>&1",
             out_dir, out_dir, cands[k], script);
    if (system(cmd) == 0 && !quiet) printf("learning curve: %s/learning_curve.png\n", out_dir);
    return;
  }
}

int ss_cmd_train(int argc, char **argv) {
  ss_cli_opts o;
  static const char *const extra[] = {"--resume", "--dump-gradients", NULL};
  const char *resume[2] = {NULL, NULL};
  int no_plot = 0;
  /* --no-plot takes no value: strip it before the shared parser */
  char **args = malloc((size_t)argc * sizeof *args);
  if (!args) return 1;
  int n = 0;
  for (int i = 0; i < argc; ++i) {
    if (!strcmp(argv[i], "--no-plot")) no_plot = 1;
    else args[n++] = argv[i];
  }
  int pr = ss_cli_parse(&o, n, args, "train", usage, extra, resume);
  free(args);
  if (pr) return pr > 0 ? 0 : 1;
  int status = 1;
  ss_error err = {0};
  ss_experiment *x = ss_experiment_load(o.config, o.sets, o.n_sets, o.out, &err);
  ss_trainer *tr = x ? ss_trainer_create(x, &err) : NULL;
  if (!tr || (resume[0] && ss_trainer_resume(tr, resume[0], &err)) ||
      (resume[1] && ss_trainer_dump_gradients(tr, resume[1], &err))) {
    fprintf(stderr, "superspike: %s\n", err.msg);
    goto done;
  }
  ss_progress pg;
  ss_progress_start(&pg, x->duration, o.quiet);
  double w0 = ss_wall_seconds();
  ss_train_row row = {0};
  int rc;
  while ((rc = ss_trainer_step(tr, &row, &err)) > 0)
    ss_progress_update(&pg, row.t, (unsigned long long)ss_trainer_stats(tr)->events);
  double wall = ss_wall_seconds() - w0;
  ss_progress_finish(&pg);
  if (!rc) rc = ss_trainer_finish(tr, wall, &err);
  if (rc) {
    fprintf(stderr, "superspike: %s\n", err.msg);
    goto done;
  }
  if (!o.quiet) {
    const ss_stats *st = ss_trainer_stats(tr);
    printf("trained %.6g s in %.3f s: cost %.4g (moving average; last window %.4g), %" PRIu64
           " spikes, %" PRIu64 " synaptic events (%.3g per s); outputs in %s\n",
           x->duration / 1000.0, wall, row.cost, row.cost_window, st->spikes, st->syn_events,
           wall > 0 ? (double)st->syn_events / wall : 0.0, x->out_dir);
  }
  if (!no_plot) plot_curve(x->out_dir, ss_cli_argv0, o.quiet);
  status = 0;
done:
  ss_trainer_destroy(tr);
  ss_experiment_destroy(x);
  ss_cli_opts_free(&o);
  return status;
}
