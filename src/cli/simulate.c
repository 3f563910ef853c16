/* simulate.c - `superspike simulate CONFIG [--out DIR] [options]`:
 * load an experiment, run it with the chosen engine, write the monitors'
 * files and a JSON summary (all atomically). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "superspike/superspike.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: superspike simulate CONFIG [OPTIONS]\n"
          "\n"
          "Simulate the experiment described by CONFIG (see superspike(1) and\n"
          "doc/config.md) and write its monitors' files into the output directory.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR          output directory (default: .); created if missing\n"
          "  -s, --set SEC.KEY=VAL  override or add a config key (repeatable),\n"
          "                         e.g. --set run.duration=2s --set exc.tau_mem=20ms\n"
          "      --engine E         event (default) or clock   (= --set run.engine=E)\n"
          "      --dt DT            clock engine time step, e.g. 0.1ms (= --set run.dt=DT)\n"
          "      --method M         clock engine: euler (default) or exact\n"
          "      --seed N           master seed (= --set run.seed=N)\n"
          "  -q, --quiet            no progress line and no summary on stdout\n"
          "  -h, --help             show this help\n"
          "\n"
          "Outputs: one file per monitor, saved weights, and summary.json.\n");
}

static int write_summary(const char *path, const char *config, const ss_experiment *x,
                         const ss_stats *st, double wall, ss_error *err) {
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  fprintf(f.fp,
          "{\n  \"config\": \"%s\",\n  \"config_hash\": \"%016" PRIx64 "\",\n  \"seed\": %" PRIu64
          ",\n  \"engine\": \"%s\",\n  \"duration_s\": %.17g,\n  \"wall_s\": %.6f,\n"
          "  \"events\": %" PRIu64 ",\n  \"synaptic_events\": %" PRIu64 ",\n  \"spikes\": %" PRIu64
          ",\n  \"input_spikes\": %" PRIu64 ",\n  \"synaptic_events_per_s\": %.6g\n}\n",
          config, ss_config_hash(x->cfg), x->seed, x->engine == SS_ENGINE_EVENT ? "event" : "clock",
          x->duration / 1000.0, wall, st->events, st->syn_events, st->spikes, st->input_spikes,
          wall > 0 ? (double)st->syn_events / wall : 0.0);
  return ss_afile_commit(&f, err);
}

int ss_cmd_simulate(int argc, char **argv) {
  ss_cli_opts o;
  int status = 1, pr = ss_cli_parse(&o, argc, argv, "simulate", usage, NULL, NULL);
  if (pr) return pr > 0 ? 0 : 1;
  const char *config = o.config;
  int quiet = o.quiet;
  ss_error err = {0};
  ss_experiment *x = ss_experiment_load(config, o.sets, o.n_sets, o.out, &err);
  if (!x) {
    fprintf(stderr, "superspike: %s\n", err.msg);
    goto done;
  }
  if (x->probe_path) {
    fprintf(stderr, "superspike: %s: synapse monitors record learning: use superspike train\n", config);
    ss_experiment_destroy(x);
    goto done;
  }
  ss_engine *e = NULL;
  ss_clock *c = NULL;
  if (x->engine == SS_ENGINE_EVENT) e = ss_engine_create(x->net, x->sources, x->rec, &err);
  else c = ss_clock_create(x->net, x->sources, x->rec, x->dt, x->method, &err);
  if (!e && !c) {
    fprintf(stderr, "superspike: %s\n", err.msg);
    ss_experiment_destroy(x);
    goto done;
  }
  ss_progress pg;
  ss_progress_start(&pg, x->duration, quiet);
  double w0 = ss_wall_seconds();
  int rc = SS_OK;
  const int chunks = 200;
  for (int k = 1; k <= chunks && !rc; ++k) {
    double t = k == chunks ? x->duration : x->duration * k / chunks;
    rc = e ? ss_engine_run(e, t, &err) : ss_clock_run(c, t, &err);
    const ss_stats *st = e ? ss_engine_stats(e) : ss_clock_stats(c);
    ss_progress_update(&pg, t, (unsigned long long)st->events);
  }
  double wall = ss_wall_seconds() - w0;
  ss_progress_finish(&pg);
  const ss_stats *st = e ? ss_engine_stats(e) : ss_clock_stats(c);
  if (!rc) rc = ss_experiment_write(x, &err);
  if (!rc) {
    char *sp = malloc(strlen(x->out_dir) + 16);
    if (!sp) {
      rc = ss_error_set(&err, SS_ENOMEM, "out of memory");
    } else {
      sprintf(sp, "%s/summary.json", x->out_dir);
      rc = write_summary(sp, config, x, st, wall, &err);
      free(sp);
    }
  }
  if (rc) {
    fprintf(stderr, "superspike: %s\n", err.msg);
  } else {
    if (!quiet)
      printf("simulated %.6g s with the %s engine in %.3f s: %" PRIu64 " spikes, %" PRIu64
             " input spikes, %" PRIu64 " synaptic events (%.3g per s); outputs in %s\n",
             x->duration / 1000.0, e ? "event-driven" : "clock-driven", wall, st->spikes,
             st->input_spikes, st->syn_events, wall > 0 ? (double)st->syn_events / wall : 0.0, x->out_dir);
    status = 0;
  }
  ss_engine_destroy(e);
  ss_clock_destroy(c);
  ss_experiment_destroy(x);
done:
  ss_cli_opts_free(&o);
  return status;
}
