/* stats.c - `superspike stats RASTER --size N [--from T] [--to T] --out
 * PREFIX`: per-neuron rates and ISI CVs, and the pooled ISIs, as text
 * tables for gnuplot histograms (paper Fig. 6d). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "superspike/superspike.h"

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: superspike stats RASTER --size N --out PREFIX [--from T] [--to T]\n"
          "\n"
          "Firing statistics of the spike file RASTER (`time id`, time in s, ids < N)\n"
          "over [from, to) (default: from 0 to the last spike, inclusive).\n"
          "\n"
          "Writes PREFIX_neurons.dat (`id n_spikes rate(Hz) cv`, cv of the ISIs or nan\n"
          "with fewer than two) and PREFIX_isi.dat (every ISI in ms, one per line), and\n"
          "prints the mean rate, the mean CV and the number of ISIs.\n"
          "\n"
          "Options:\n"
          "  -n, --size N      number of neurons (ids 0..N-1)\n"
          "  -o, --out PREFIX  output prefix\n"
          "      --from T      start of the range, with a unit (e.g. 996.5s)\n"
          "      --to T        end of the range (exclusive)\n"
          "  -h, --help        show this help\n");
}

static int bad(const char *opt, const char *val, const char *why) {
  fprintf(stderr, "superspike stats: %s '%s': %s\n", opt, val, why);
  return 2;
}

int ss_cmd_stats(int argc, char **argv) {
  const char *file = NULL, *prefix = NULL, *size_s = NULL, *from_s = NULL, *to_s = NULL;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char **slot = NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (!strcmp(a, "-n") || !strcmp(a, "--size")) slot = &size_s;
    else if (!strcmp(a, "-o") || !strcmp(a, "--out")) slot = &prefix;
    else if (!strcmp(a, "--from")) slot = &from_s;
    else if (!strcmp(a, "--to")) slot = &to_s;
    else if (a[0] == '-') {
      fprintf(stderr, "superspike stats: unknown option '%s' (try --help)\n", a);
      return 2;
    } else if (!file) {
      file = a;
      continue;
    } else {
      fprintf(stderr, "superspike stats: more than one raster ('%s')\n", a);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "superspike stats: %s needs a value\n", a);
      return 2;
    }
    *slot = argv[++i];
  }
  if (!file || !prefix || !size_s) {
    usage(stderr);
    return 2;
  }
  char *end;
  unsigned long long n = strtoull(size_s, &end, 10);
  if (*end || !*size_s || n < 1 || n > UINT32_MAX) return bad("--size", size_s, "expected an integer >= 1");
  double t_from = 0, t_to = INFINITY;
  if (from_s && (ss_parse_quantity(from_s, SS_UNIT_TIME, &t_from) || !(t_from >= 0)))
    return bad("--from", from_s, "expected a time >= 0 with a unit, like 996.5s");
  if (to_s && (ss_parse_quantity(to_s, SS_UNIT_TIME, &t_to) || !(t_to > t_from)))
    return bad("--to", to_s, "expected a time after --from, with a unit");
  ss_spikes sp;
  ss_spikes_init(&sp);
  ss_error err = {0};
  int rc = ss_spikes_read(&sp, file, (uint32_t)n, 0, &err);
  if (!rc && isinf(t_to)) t_to = sp.n ? nextafter(sp.t[sp.n - 1], INFINITY) : t_from + 1.0;
  ss_neuron_stats *st = rc ? NULL : malloc(n * sizeof *st);
  double *isi = NULL;
  size_t n_isi = 0;
  if (!rc && !st) rc = ss_error_set(&err, SS_ENOMEM, "out of memory");
  if (!rc) rc = ss_spike_stats(&sp, (uint32_t)n, t_from, t_to, st, &isi, &n_isi, &err);
  size_t len = strlen(prefix) + 16;
  char *path = malloc(len);
  ss_afile f;
  if (!rc && !path) rc = ss_error_set(&err, SS_ENOMEM, "out of memory");
  double sum_rate = 0, sum_cv = 0;
  size_t n_cv = 0;
  if (!rc) {
    snprintf(path, len, "%s_neurons.dat", prefix);
    rc = ss_afile_open(&f, path, &err);
  }
  if (!rc) {
    fprintf(f.fp, "# %s over [%.10g s, %.10g s)\n# id n_spikes rate(Hz) cv\n", file, t_from / 1000, t_to / 1000);
    for (uint32_t u = 0; u < n; ++u) {
      fprintf(f.fp, "%u %llu %.8g %.8g\n", u, (unsigned long long)st[u].n, st[u].rate, st[u].cv);
      sum_rate += st[u].rate;
      if (!isnan(st[u].cv)) {
        sum_cv += st[u].cv;
        n_cv++;
      }
    }
    rc = ss_afile_commit(&f, &err);
  }
  if (!rc) {
    snprintf(path, len, "%s_isi.dat", prefix);
    rc = ss_afile_open(&f, path, &err);
  }
  if (!rc) {
    fprintf(f.fp, "# inter-spike intervals (ms) of %s\n", file);
    for (size_t j = 0; j < n_isi; ++j) fprintf(f.fp, "%.10g\n", isi[j]);
    rc = ss_afile_commit(&f, &err);
  }
  if (!rc)
    printf("mean rate %.6g Hz, mean cv %.6g (%zu neurons), %zu ISIs\n", sum_rate / (double)n,
           n_cv ? sum_cv / (double)n_cv : NAN, n_cv, n_isi);
  else
    fprintf(stderr, "superspike stats: %s\n", err.msg);
  free(path);
  free(isi);
  free(st);
  ss_spikes_clear(&sp);
  return rc ? 1 : 0;
}
