/* options.c - the options shared by the subcommands that run an experiment
 * (CONFIG, --out, --set and its shorthands, --quiet). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int add_set(ss_cli_opts *o, const char *s) {
  const char **p = realloc(o->sets, (size_t)(o->n_sets + 1) * sizeof *p);
  if (!p) return -1;
  p[o->n_sets++] = s;
  o->sets = p;
  return 0;
}

void ss_cli_opts_free(ss_cli_opts *o) {
  for (int k = 0; k < o->n_owned; ++k) free(o->owned[k]);
  free(o->sets);
  memset(o, 0, sizeof *o);
}

int ss_cli_parse(ss_cli_opts *o, int argc, char **argv, const char *cmd, void (*usage)(FILE *),
                 const char *const *extra, const char **extra_val) {
  memset(o, 0, sizeof *o);
  o->out = ".";
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    int ex = -1;
    for (int k = 0; extra && extra[k]; ++k)
      if (!strcmp(a, extra[k])) ex = k;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      ss_cli_opts_free(o);
      return 1;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      o->quiet = 1;
    } else if (ex >= 0 || !strcmp(a, "-o") || !strcmp(a, "--out") || !strcmp(a, "-s") || !strcmp(a, "--set") ||
               !strcmp(a, "--engine") || !strcmp(a, "--dt") || !strcmp(a, "--method") || !strcmp(a, "--seed")) {
      if (!val) {
        fprintf(stderr, "superspike %s: option %s needs a value\n", cmd, a);
        goto bad;
      }
      ++i;
      if (ex >= 0) {
        extra_val[ex] = val;
      } else if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
        o->out = val;
      } else if (!strcmp(a, "-s") || !strcmp(a, "--set")) {
        if (add_set(o, val)) goto oom;
      } else {
        const char *key = !strcmp(a, "--engine") ? "engine" : !strcmp(a, "--dt") ? "dt"
                          : !strcmp(a, "--method") ? "method" : "seed";
        if (o->n_owned == 4) {
          fprintf(stderr, "superspike %s: option %s given twice\n", cmd, a);
          goto bad;
        }
        size_t len = strlen(key) + strlen(val) + 6;
        char *s = malloc(len);
        if (!s) goto oom;
        snprintf(s, len, "run.%s=%s", key, val);
        o->owned[o->n_owned++] = s;
        if (add_set(o, s)) goto oom;
      }
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "superspike %s: unknown option '%s' (try --help)\n", cmd, a);
      goto bad;
    } else if (!o->config) {
      o->config = a;
    } else {
      fprintf(stderr, "superspike %s: unexpected argument '%s'\n", cmd, a);
      goto bad;
    }
  }
  if (!o->config) {
    fprintf(stderr, "superspike %s: missing CONFIG (try --help)\n", cmd);
    goto bad;
  }
  return 0;
oom:
  fprintf(stderr, "superspike %s: out of memory\n", cmd);
bad:
  ss_cli_opts_free(o);
  return -1;
}
