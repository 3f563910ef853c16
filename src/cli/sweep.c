/* sweep.c - `superspike sweep CONFIG --out DIR`: train CONFIG for every
 * seed of a list and every point of a parameter grid, as parallel child
 * processes (this program's `train` command), then aggregate: a mean
 * learning curve per grid point and two tables (per run, per point).
 *
 * Each run is an independent, deterministic process writing into its own
 * directory DIR/POINT/seed-S, so the results do not depend on -j; the
 * aggregate files are written by the parent after all runs, in a fixed
 * order, and contain no timings (except the wall_s column of runs.tsv). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "superspike/atomicfile.h"
#include "superspike/curves.h"

#define MAX_RUNS 1000000u
#define MAX_JOBS 4096L

static void usage(FILE *fp) {
  fprintf(fp,
          "Usage: superspike sweep CONFIG --out DIR [OPTIONS] [-- TRAIN-OPTIONS]\n"
          "\n"
          "Train CONFIG (see superspike train) once for every seed and every point of\n"
          "a parameter grid, several runs in parallel, then average the learning\n"
          "curves of each grid point.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR           output directory (required); created if missing\n"
          "      --seeds LIST        master seeds: N, A-B, or a comma-separated list of\n"
          "                          those, e.g. 1-20 or 1,3,7 (default: 1)\n"
          "      --grid SEC.KEY=V1,V2,...\n"
          "                          values of one config key, units allowed (0.5mV);\n"
          "                          separate them by ';' if they contain commas\n"
          "                          ('in_out.weight=normal(0 mV, 5 mV);normal(1 mV, 5 mV)');\n"
          "                          repeatable: every combination is a grid point\n"
          "      --with SEC.KEY=V1,V2,...\n"
          "                          values of another key that move together with the\n"
          "                          --grid before it (the same number of values, the\n"
          "                          i-th with the i-th; no new grid points), e.g.\n"
          "                          --grid hid.size=16,64 --with 'hid_out.weight=\n"
          "                          normal(0 mV, 12.5 mV);normal(0 mV, 6.25 mV)'\n"
          "  -s, --set SEC.KEY=VAL   override a config key in every run (repeatable)\n"
          "  -j, --jobs N            at most N runs at once (default: online CPUs)\n"
          "      --engine E          event (default) or clock, for every run\n"
          "  -q, --quiet             no progress line and no summary on stdout\n"
          "  -h, --help              show this help\n"
          "  --                      pass the remaining arguments to every train run\n"
          "\n"
          "Every run is `superspike train CONFIG --out DIR/POINT/seed-S --seed S\n"
          "--set ... -q --no-plot`, its stderr saved in DIR/POINT/seed-S/stderr.txt.\n"
          "POINT is KEY=VALUE for each --grid key (joined by ','; 'all' without --grid).\n"
          "\n"
          "Outputs: DIR/POINT/mean_curve.dat (columns t(s) mean sd min max median n of\n"
          "the cost over the point's successful runs), DIR/POINT/mean_NAME.dat (the same\n"
          "for every further column NAME of learning_curve.dat: mean_abs_dw, rate_POP,\n"
          "accuracy_last100, ...), DIR/runs.tsv (point, grid values,\n"
          "seed, initial_cost, final_cost, wall_s, status per run) and DIR/points.tsv\n"
          "(point, grid values, n_runs, n_ok, mean/sd/min/max of final_cost).\n"
          "Exit status: 0 if every run succeeded, 1 if one failed (the others still\n"
          "run; the failures are listed with the first line of their stderr), 2 for\n"
          "bad options.\n");
}

/* ------------------------------------------------------------ helpers */

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "superspike sweep: out of memory\n");
    exit(1);
  }
  return p;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) {
    fprintf(stderr, "superspike sweep: out of memory\n");
    exit(1);
  }
  return p;
}

static char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *xprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = xmalloc((size_t)(n > 0 ? n : 0) + 1);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
  va_end(ap);
  return s;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static int bad_option(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("superspike sweep: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs(" (try --help)\n", stderr);
  va_end(ap);
  return -1;
}

/* mkdir -p */
static int make_dirs(const char *path) {
  char *p = xstrndup(path, strlen(path));
  int rc = 0;
  for (char *q = p + 1;; ++q) {
    if (*q == '/' || *q == '\0') {
      char c = *q;
      *q = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
      *q = c;
      if (!c || rc) break;
    }
  }
  struct stat st;
  if (!rc && stat(p, &st) != 0) rc = -1;
  if (!rc && !S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    rc = -1;
  }
  free(p);
  return rc;
}

/* ------------------------------------------------------------ options */

typedef struct dim {
  char *key;     /* SEC.KEY, trimmed */
  char *label;   /* in directory names: KEY, or SEC.KEY if KEY is ambiguous */
  char **vals;   /* as given */
  char **safe;   /* as in directory names */
  size_t n;
  long lead;     /* -1: a --grid dimension; else the --grid it moves with (--with) */
} dim;

enum { RUN_WAITING, RUN_RUNNING, RUN_DONE };

typedef struct run {
  size_t point;
  unsigned long long seed;
  char *dir;
  pid_t pid;
  int state, ok;
  char status[32]; /* ok, exit=N, signal=N, spawn-error, bad-output */
  char *why;       /* failure: first line of stderr or the reason */
  double c0, c1, wall;
} run;

typedef struct sweep {
  const char *config, *out, *engine, *seeds_arg, *jobs_arg;
  char *out_owned;
  const char **sets;
  size_t n_sets;
  dim *dims;
  size_t n_dims;
  unsigned long long *seeds;
  size_t n_seeds;
  char **extra;
  int n_extra, quiet;
  long jobs;
  char **points; /* directory names */
  size_t n_points;
  run *runs;
  size_t n_runs;
  char *exe;
} sweep;

static void trim(const char **b, const char **e) {
  while (*b < *e && (**b == ' ' || **b == '\t')) ++*b;
  while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t')) --*e;
}

/* "SEC.KEY" of "SEC.KEY=..." (trimmed, malloc'd), or NULL if malformed. */
static char *assignment_key(const char *s) {
  const char *eq = strchr(s, '=');
  if (!eq) return NULL;
  const char *b = s, *e = eq;
  trim(&b, &e);
  const char *dot = NULL;
  for (const char *q = b; q < e; ++q)
    if (*q == '.') dot = q;
  if (!dot || dot == b || dot + 1 == e) return NULL;
  for (const char *q = b; q < e; ++q)
    if (*q == ' ' || *q == '\t' || *q == '/') return NULL;
  return xstrndup(b, (size_t)(e - b));
}

static int cmp_seed(const void *a, const void *b) {
  unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
  return (x > y) - (x < y);
}

static int parse_seeds(sweep *s, const char *arg) {
  size_t cap = 16;
  s->seeds = xmalloc(cap * sizeof *s->seeds);
  const char *p = arg;
  for (;;) {
    unsigned long long a, b;
    char *end;
    if (*p < '0' || *p > '9') goto bad;
    errno = 0;
    a = strtoull(p, &end, 10);
    if (errno || a > 9223372036854775807ULL) goto range;
    p = end;
    b = a;
    if (*p == '-') {
      ++p;
      if (*p < '0' || *p > '9') goto bad;
      errno = 0;
      b = strtoull(p, &end, 10);
      if (errno || b > 9223372036854775807ULL) goto range;
      p = end;
      if (b < a) return bad_option("option --seeds: empty range %llu-%llu in '%s'", a, b, arg);
    }
    if (b - a >= MAX_RUNS || s->n_seeds + (size_t)(b - a) + 1 > MAX_RUNS)
      return bad_option("option --seeds: more than %u seeds in '%s'", MAX_RUNS, arg);
    for (unsigned long long v = a;; ++v) {
      if (s->n_seeds == cap) {
        cap *= 2;
        unsigned long long *ns = realloc(s->seeds, cap * sizeof *ns);
        if (!ns) {
          fprintf(stderr, "superspike sweep: out of memory\n");
          exit(1);
        }
        s->seeds = ns;
      }
      s->seeds[s->n_seeds++] = v;
      if (v == b) break;
    }
    if (!*p) break;
    if (*p != ',') goto bad;
    ++p;
  }
  {
    unsigned long long *sorted = xmalloc(s->n_seeds * sizeof *sorted);
    memcpy(sorted, s->seeds, s->n_seeds * sizeof *sorted);
    qsort(sorted, s->n_seeds, sizeof *sorted, cmp_seed);
    for (size_t k = 1; k < s->n_seeds; ++k)
      if (sorted[k] == sorted[k - 1]) {
        unsigned long long v = sorted[k];
        free(sorted);
        return bad_option("option --seeds: seed %llu listed twice in '%s'", v, arg);
      }
    free(sorted);
  }
  return 0;
bad:
  return bad_option("option --seeds: '%s' is not a seed list (N, A-B, or a comma-separated list of those)", arg);
range:
  return bad_option("option --seeds: seed out of range (0 to 2^63-1) in '%s'", arg);
}

/* A grid value as part of a directory name: letters, digits and . _ + -
 * kept, anything else replaced by '_'. */
static char *safe_value(const char *v) {
  size_t n = strlen(v);
  char *s = xstrndup(v, n);
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '+' || c == '-'))
      s[i] = '_';
  }
  return s;
}

/* --grid (with = 0) or --with (with = 1) SEC.KEY=V1,V2,... */
static int parse_grid(sweep *s, const char *arg, int with) {
  const char *opt = with ? "--with" : "--grid";
  char *key = assignment_key(arg);
  if (!key) return bad_option("option %s: '%s' is not SEC.KEY=V1,V2,...", opt, arg);
  if (!strcmp(key, "run.seed")) {
    free(key);
    return bad_option("option %s: use --seeds for run.seed", opt);
  }
  for (size_t d = 0; d < s->n_dims; ++d)
    if (!strcmp(s->dims[d].key, key)) {
      free(key);
      return bad_option("option %s: %s given twice", opt, s->dims[d].key);
    }
  long lead = -1;
  if (with) { /* the last --grid */
    for (size_t d = s->n_dims; d-- > 0 && lead < 0;)
      if (s->dims[d].lead < 0) lead = (long)d;
    if (lead < 0) {
      free(key);
      return bad_option("option --with %s: no --grid before it", arg);
    }
  }
  dim *nd = realloc(s->dims, (s->n_dims + 1) * sizeof *nd);
  if (!nd) {
    fprintf(stderr, "superspike sweep: out of memory\n");
    exit(1);
  }
  s->dims = nd;
  dim *g = &s->dims[s->n_dims++];
  memset(g, 0, sizeof *g);
  g->key = key;
  g->lead = lead;
  const char *v = strchr(arg, '=') + 1;
  /* values that contain commas, like normal(0 mV, 5 mV), are separated by ';' */
  const char sep = strchr(v, ';') ? ';' : ',';
  size_t n = 1;
  for (const char *q = v; *q; ++q) n += *q == sep;
  g->vals = xcalloc(n, sizeof *g->vals);
  g->safe = xcalloc(n, sizeof *g->safe);
  for (size_t i = 0; i < n; ++i) {
    const char *e = strchr(v, sep);
    if (!e) e = v + strlen(v);
    const char *b = v;
    trim(&b, &e);
    if (b == e) return bad_option("option %s: empty value in '%s'", opt, arg);
    for (const char *q = b; q < e; ++q)
      if ((unsigned char)*q < 0x20 || *q == 0x7f) return bad_option("option %s: control character in '%s'", opt, arg);
    g->vals[i] = xstrndup(b, (size_t)(e - b));
    g->safe[i] = safe_value(g->vals[i]);
    g->n = i + 1;
    for (size_t k = 0; k < i && !with; ++k) /* (--with values name no directory: they may repeat) */
      if (!strcmp(g->safe[k], g->safe[i])) {
        if (!strcmp(g->vals[k], g->vals[i]))
          return bad_option("option --grid %s: value '%s' given twice", key, g->vals[i]);
        return bad_option("option --grid %s: values '%s' and '%s' would share the directory name '%s'", key,
                          g->vals[k], g->vals[i], g->safe[i]);
      }
    v = strchr(v, sep);
    if (v) ++v;
  }
  if (with && g->n != s->dims[lead].n)
    return bad_option("option --with %s: %zu value%s, but --grid %s has %zu", key, g->n, g->n == 1 ? "" : "s",
                      s->dims[lead].key, s->dims[lead].n);
  return 0;
}

static int parse_jobs(sweep *s, const char *arg) {
  char *end;
  errno = 0;
  long j = strtol(arg, &end, 10);
  if (end == arg || *end || errno || j < 1 || j > MAX_JOBS)
    return bad_option("option -j/--jobs: '%s' is not a number of jobs from 1 to %ld", arg, MAX_JOBS);
  s->jobs = j;
  return 0;
}

/* Once-only options: an error if given twice. */
static int set_once(const char **slot, const char *opt, const char *val) {
  if (*slot) return bad_option("option %s given twice", opt);
  *slot = val;
  return 0;
}

static int parse_args(sweep *s, int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      s->extra = argv + i + 1;
      s->n_extra = argc - i - 1;
      break;
    }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 1;
    }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      s->quiet = 1;
      continue;
    }
    if (!strncmp(a, "-j", 2) && a[2]) { /* -jN */
      if (set_once(&s->jobs_arg, "--jobs", a + 2)) return -1;
      continue;
    }
    static const char *const valued[] = {"-o",   "--out",  "--seeds",  "--grid", "-s",     "--set",
                                         "-j",   "--jobs", "--engine", "--with", NULL};
    int k = 0;
    while (valued[k] && strcmp(a, valued[k])) ++k;
    if (valued[k]) {
      if (i + 1 >= argc) return bad_option("option %s needs a value", a);
      const char *v = argv[++i];
      int rc = 0;
      if (k <= 1) rc = set_once(&s->out, "--out", v);
      else if (k == 2) rc = set_once(&s->seeds_arg, "--seeds", v);
      else if (k == 3 || k == 9) rc = parse_grid(s, v, k == 9);
      else if (k <= 5) {
        char *key = assignment_key(v);
        if (!key) return bad_option("option %s: '%s' is not SEC.KEY=VALUE", a, v);
        int seed = !strcmp(key, "run.seed");
        free(key);
        if (seed) return bad_option("option %s: use --seeds for run.seed", a);
        const char **ns = realloc(s->sets, (s->n_sets + 1) * sizeof *ns);
        if (!ns) {
          fprintf(stderr, "superspike sweep: out of memory\n");
          exit(1);
        }
        s->sets = ns;
        s->sets[s->n_sets++] = v;
      } else if (k <= 7) rc = set_once(&s->jobs_arg, "--jobs", v);
      else if (k == 8) {
        rc = set_once(&s->engine, "--engine", v);
        if (!rc && strcmp(v, "event") && strcmp(v, "clock"))
          return bad_option("option --engine: '%s' is not event or clock", v);
      }
      if (rc) return -1;
      continue;
    }
    if (!strcmp(a, "--seed")) return bad_option("unknown option '--seed' (a sweep takes --seeds LIST)");
    if (a[0] == '-' && a[1]) return bad_option("unknown option '%s'", a);
    if (s->config) return bad_option("unexpected argument '%s'", a);
    s->config = a;
  }
  if (!s->config) return bad_option("missing CONFIG");
  if (!s->out) return bad_option("missing --out DIR");
  if (!*s->out) return bad_option("option --out: empty directory name");
  size_t len = strlen(s->out); /* no trailing '/': DIR/POINT, not DIR//POINT */
  while (len > 1 && s->out[len - 1] == '/') --len;
  s->out = s->out_owned = xstrndup(s->out, len);
  if (parse_seeds(s, s->seeds_arg ? s->seeds_arg : "1")) return -1;
  if (s->jobs_arg && parse_jobs(s, s->jobs_arg)) return -1;
  /* a key both swept and set */
  for (size_t k = 0; k < s->n_sets; ++k) {
    char *key = assignment_key(s->sets[k]);
    for (size_t d = 0; d < s->n_dims; ++d)
      if (!strcmp(key, s->dims[d].key)) {
        free(key);
        return bad_option("option --set %s: %s is also a --%s key", s->sets[k], s->dims[d].key,
                          s->dims[d].lead < 0 ? "grid" : "with");
      }
    free(key);
  }
  return 0;
}

/* ------------------------------------------------------------ grid points */

/* Value index of dimension d at point p (the first --grid varies slowest;
 * a --with dimension takes the index of its --grid). */
static size_t value_index(const sweep *s, size_t p, size_t d) {
  if (s->dims[d].lead >= 0) d = (size_t)s->dims[d].lead;
  for (size_t e = s->n_dims; e-- > d + 1;)
    if (s->dims[e].lead < 0) p /= s->dims[e].n;
  return p % s->dims[d].n;
}

static int make_points(sweep *s) {
  size_t n = 1;
  size_t n_grid = 0; /* --grid dimensions */
  for (size_t d = 0; d < s->n_dims; ++d) {
    if (s->dims[d].lead >= 0) continue;
    if (n > MAX_RUNS / s->dims[d].n) return bad_option("option --grid: more than %u grid points", MAX_RUNS);
    n *= s->dims[d].n;
    ++n_grid;
  }
  if (n > MAX_RUNS / s->n_seeds) return bad_option("more than %u runs (grid points x seeds)", MAX_RUNS);
  for (size_t d = 0; d < s->n_dims; ++d) {
    const char *k = strrchr(s->dims[d].key, '.') + 1;
    int clash = 0;
    for (size_t e = 0; e < s->n_dims; ++e)
      if (e != d && !strcmp(strrchr(s->dims[e].key, '.') + 1, k)) clash = 1;
    s->dims[d].label = xstrndup(clash ? s->dims[d].key : k, strlen(clash ? s->dims[d].key : k));
  }
  s->n_points = n;
  s->points = xcalloc(n, sizeof *s->points);
  for (size_t p = 0; p < n; ++p) {
    if (!n_grid) {
      s->points[p] = xprintf("all");
      continue;
    }
    size_t len = 1;
    for (size_t d = 0; d < s->n_dims; ++d)
      if (s->dims[d].lead < 0) len += strlen(s->dims[d].label) + strlen(s->dims[d].safe[value_index(s, p, d)]) + 2;
    char *name = xcalloc(len, 1);
    for (size_t d = 0; d < s->n_dims; ++d) {
      if (s->dims[d].lead >= 0) continue;
      if (*name) strcat(name, ",");
      strcat(name, s->dims[d].label);
      strcat(name, "=");
      strcat(name, s->dims[d].safe[value_index(s, p, d)]);
    }
    s->points[p] = name;
    if (strlen(name) > 200) return bad_option("option --grid: directory name '%.40s...' too long", name);
  }
  s->n_runs = n * s->n_seeds;
  s->runs = xcalloc(s->n_runs, sizeof *s->runs);
  for (size_t i = 0; i < s->n_runs; ++i) {
    run *r = &s->runs[i];
    r->point = i / s->n_seeds;
    r->seed = s->seeds[i % s->n_seeds];
    r->dir = xprintf("%s/%s/seed-%llu", s->out, s->points[r->point], r->seed);
    r->c0 = r->c1 = r->wall = NAN;
  }
  return 0;
}

/* ------------------------------------------------------------ running */

/* The program to run: /proc/self/exe, else argv[0] (looked up in PATH if it
 * has no '/'). */
static char *find_self(void) {
  size_t cap = 256;
  for (;;) {
    char *buf = xmalloc(cap);
    ssize_t n = readlink("/proc/self/exe", buf, cap);
    if (n < 0) {
      free(buf);
      return xstrndup(ss_cli_argv0, strlen(ss_cli_argv0));
    }
    if ((size_t)n < cap) {
      buf[n] = '\0';
      return buf;
    }
    free(buf);
    cap *= 2;
  }
}

static void fail_run(run *r, const char *status, char *why) {
  r->state = RUN_DONE;
  r->ok = 0;
  snprintf(r->status, sizeof r->status, "%s", status);
  free(r->why);
  r->why = why;
}

/* Start run i; on failure the run is marked done and failed. */
static void start_run(sweep *s, size_t i) {
  run *r = &s->runs[i];
  if (make_dirs(r->dir)) {
    fail_run(r, "spawn-error", xprintf("cannot create the directory: %s", strerror(errno)));
    return;
  }
  char *errpath = xprintf("%s/stderr.txt", r->dir);
  int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    fail_run(r, "spawn-error", xprintf("cannot create %s: %s", errpath, strerror(errno)));
    free(errpath);
    return;
  }
  free(errpath);
  const dim *dims = s->dims;
  size_t na = 0, cap = 12 + 2 * (s->n_sets + s->n_dims) + (size_t)s->n_extra;
  char **argv = xcalloc(cap, sizeof *argv);
  char **owned = xcalloc(s->n_dims + 1, sizeof *owned);
  char seed[32];
  snprintf(seed, sizeof seed, "%llu", r->seed);
  argv[na++] = s->exe;
  argv[na++] = "train";
  argv[na++] = (char *)s->config;
  argv[na++] = "--out";
  argv[na++] = r->dir;
  argv[na++] = "--seed";
  argv[na++] = seed;
  if (s->engine) {
    argv[na++] = "--engine";
    argv[na++] = (char *)s->engine;
  }
  for (size_t k = 0; k < s->n_sets; ++k) {
    argv[na++] = "--set";
    argv[na++] = (char *)s->sets[k];
  }
  for (size_t d = 0; d < s->n_dims; ++d) {
    owned[d] = xprintf("%s=%s", dims[d].key, dims[d].vals[value_index(s, r->point, d)]);
    argv[na++] = "--set";
    argv[na++] = owned[d];
  }
  argv[na++] = "-q";
  argv[na++] = "--no-plot";
  for (int k = 0; k < s->n_extra; ++k) argv[na++] = s->extra[k];
  argv[na] = NULL;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
      if (null > STDERR_FILENO) close(null);
    }
    dup2(fd, STDERR_FILENO);
    if (strchr(s->exe, '/')) execv(s->exe, argv);
    else execvp(s->exe, argv);
    dprintf(STDERR_FILENO, "superspike sweep: cannot run %s: %s\n", s->exe, strerror(errno));
    _exit(127);
  }
  int e = errno;
  close(fd);
  for (size_t d = 0; d < s->n_dims; ++d) free(owned[d]);
  free(owned);
  free(argv);
  if (pid < 0) {
    fail_run(r, "spawn-error", xprintf("cannot start a process: %s", strerror(e)));
    return;
  }
  r->pid = pid;
  r->state = RUN_RUNNING;
}

/* First line of the run's stderr.txt, or NULL if there is none. */
static char *first_stderr_line(const run *r) {
  char *path = xprintf("%s/stderr.txt", r->dir);
  FILE *fp = fopen(path, "r");
  free(path);
  if (!fp) return NULL;
  char *line = NULL;
  size_t size = 0;
  ssize_t n = getline(&line, &size, fp);
  fclose(fp);
  if (n <= 0) {
    free(line);
    return NULL;
  }
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
  if (n > 300) strcpy(line + 297, "...");
  return line;
}

/* Record the end of a run: exit status, then the numbers of summary.json. */
static void finish_run(run *r, int status) {
  char st[32];
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    ss_error err = {0};
    char *path = xprintf("%s/summary.json", r->dir);
    int rc = ss_summary_number(path, "initial_cost", &r->c0, &err);
    if (!rc) rc = ss_summary_number(path, "final_cost", &r->c1, &err);
    if (!rc) rc = ss_summary_number(path, "wall_s", &r->wall, &err);
    free(path);
    if (rc) {
      fail_run(r, "bad-output", xprintf("%s", err.msg));
      return;
    }
    r->state = RUN_DONE;
    r->ok = 1;
    snprintf(r->status, sizeof r->status, "ok");
    return;
  }
  if (WIFEXITED(status)) snprintf(st, sizeof st, "exit=%d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) snprintf(st, sizeof st, "signal=%d", WTERMSIG(status));
  else snprintf(st, sizeof st, "status=%d", status);
  char *why = first_stderr_line(r);
  fail_run(r, st, why ? why : xprintf("(nothing on stderr)"));
}

/* 42 s, 3m07s, 2h05m */
static void format_duration(char *buf, size_t size, double sec) {
  if (sec < 60) {
    snprintf(buf, size, "%.0f s", sec);
  } else if (sec < 3600) {
    long t = (long)(sec + 0.5);
    snprintf(buf, size, "%ldm%02lds", t / 60, t % 60);
  } else {
    long t = (long)(sec / 60 + 0.5);
    snprintf(buf, size, "%ldh%02ldm", t / 60, t % 60);
  }
}

typedef struct progress {
  int enabled;
  double start, last;
} progress;

static void progress_draw(progress *pg, const sweep *s, size_t done, size_t running, size_t failed, int force) {
  if (!pg->enabled) return;
  double now = ss_wall_seconds();
  if (!force && now - pg->last < 0.2) return;
  pg->last = now;
  double el = now - pg->start;
  char eta[32] = "?", elapsed[32];
  if (done) format_duration(eta, sizeof eta, el * (double)(s->n_runs - done) / (double)done);
  format_duration(elapsed, sizeof elapsed, el);
  fprintf(stderr, "\r  runs %zu/%zu done, %zu running, %zu failed, elapsed %s, ETA %s   ", done, s->n_runs,
          running, failed, elapsed, eta);
  fflush(stderr);
}

/* SIGINT, SIGTERM, SIGHUP: stop the runs, write what is there, exit 1. */
static volatile sig_atomic_t stop_signal;
static void on_stop_signal(int sig) { stop_signal = sig; }

/* Run everything, at most s->jobs at once.  0, or -1 if waiting failed or
 * a stop signal came (the runs still going are then killed). */
static int run_all(sweep *s) {
  progress pg = {!s->quiet && isatty(STDERR_FILENO), ss_wall_seconds(), 0};
  size_t next = 0, done = 0, running = 0, failed = 0;
  int rc = 0;
  const char *why = "the sweep could not wait for it";
  while (done < s->n_runs) {
    if (stop_signal) {
      fprintf(stderr, "%ssuperspike sweep: stopped by signal %d\n", pg.enabled ? "\n" : "", (int)stop_signal);
      why = "the sweep was stopped by a signal";
      rc = -1;
      break;
    }
    while (running < (size_t)s->jobs && next < s->n_runs) {
      run *r = &s->runs[next];
      start_run(s, next++);
      if (r->state == RUN_RUNNING) ++running;
      else ++done, ++failed;
    }
    progress_draw(&pg, s, done, running, failed, 0);
    if (!running) continue;
    int status;
    pid_t pid = waitpid(-1, &status, pg.enabled ? WNOHANG : 0);
    if (pid == 0) {
      struct timespec ts = {0, 50 * 1000 * 1000};
      nanosleep(&ts, NULL);
      continue;
    }
    if (pid < 0) {
      if (errno == EINTR) continue;
      fprintf(stderr, "superspike sweep: waiting for the runs: %s\n", strerror(errno));
      rc = -1;
      break;
    }
    for (size_t i = 0; i < s->n_runs; ++i) {
      run *r = &s->runs[i];
      if (r->state != RUN_RUNNING || r->pid != pid) continue;
      finish_run(r, status);
      --running;
      ++done;
      failed += !r->ok;
      break;
    }
  }
  if (rc) { /* do not leave anything running */
    for (size_t i = 0; i < s->n_runs; ++i)
      if (s->runs[i].state == RUN_RUNNING) {
        kill(s->runs[i].pid, SIGTERM);
        waitpid(s->runs[i].pid, NULL, 0);
        fail_run(&s->runs[i], "killed", xprintf("%s", why));
      }
    for (size_t i = next; i < s->n_runs; ++i) fail_run(&s->runs[i], "not-run", xprintf("not started"));
  }
  progress_draw(&pg, s, done, running, failed, 1);
  if (pg.enabled) {
    fprintf(stderr, "\r%78s\r", "");
    fflush(stderr);
  }
  return rc;
}

/* ------------------------------------------------------------ aggregation */

/* Seeds as ranges: "1-3,7". */
static char *seed_ranges(const sweep *s, size_t point) {
  size_t cap = 64, len = 0;
  char *out = xcalloc(cap, 1);
  const run *rs = s->runs + point * s->n_seeds;
  for (size_t i = 0; i < s->n_seeds;) {
    if (!rs[i].ok) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < s->n_seeds && rs[j + 1].ok && rs[j + 1].seed == rs[j].seed + 1) ++j;
    char buf[64];
    if (j > i)
      snprintf(buf, sizeof buf, "%s%llu%s%llu", len ? "," : "", rs[i].seed, j == i + 1 ? "," : "-", rs[j].seed);
    else snprintf(buf, sizeof buf, "%s%llu", len ? "," : "", rs[i].seed);
    size_t bl = strlen(buf);
    if (len + bl + 1 > cap) {
      while (len + bl + 1 > cap) cap *= 2;
      char *n = realloc(out, cap);
      if (!n) {
        fprintf(stderr, "superspike sweep: out of memory\n");
        exit(1);
      }
      out = n;
    }
    memcpy(out + len, buf, bl + 1);
    len += bl;
    i = j + 1;
  }
  return out;
}

/* "SEC.KEY=VALUE, ..." of point p, or "none". */
static char *grid_desc(const sweep *s, size_t p) {
  if (!s->n_dims) return xprintf("none");
  char *out = xprintf("%s", "");
  for (size_t d = 0; d < s->n_dims; ++d) {
    char *n = xprintf("%s%s%s=%s", out, d ? ", " : "", s->dims[d].key, s->dims[d].vals[value_index(s, p, d)]);
    free(out);
    out = n;
  }
  return out;
}

/* The column names of a learning curve: the tokens of its last '#' line
 * before the data, units in parentheses dropped ("rate_hid(Hz)" ->
 * "rate_hid"); only letters, digits and '_' are kept.  names[k] for
 * k < n_cols, or all NULL if the header does not name every column. */
static char **column_names(const char *path, size_t n_cols) {
  char **names = xcalloc(n_cols + 1, sizeof *names);
  FILE *fp = fopen(path, "r");
  char line[4096], last[4096] = "";
  while (fp && fgets(line, sizeof line, fp) && line[0] == '#') memcpy(last, line, sizeof line);
  if (fp) fclose(fp);
  size_t k = 0;
  for (char *t = strtok(last + 1, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) {
    if (k == n_cols) { k = n_cols + 1; break; }
    char *o = xcalloc(strlen(t) + 1, 1), *q = o;
    for (const char *c = t; *c && *c != '('; ++c)
      if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_') *q++ = *c;
    names[k++] = o;
  }
  if (k != n_cols)
    for (size_t j = 0; j <= n_cols; ++j) {
      free(names[j]);
      names[j] = NULL;
    }
  return names;
}

/* mean_NAME.dat of point p for the columns after the cost (rates,
 * accuracy, ...), next to mean_curve.dat. */
static int mean_columns(sweep *s, size_t p, const ss_curve *cs, size_t n, const char *first_path) {
  char **names = column_names(first_path, cs[0].n_cols);
  int rc = 0;
  for (size_t col = 2; col < cs[0].n_cols && names[col] && names[col][0]; ++col) {
    ss_curve agg = {0};
    ss_error err = {0};
    char *out = xprintf("%s/%s/mean_%s.dat", s->out, s->points[p], names[col]);
    if (ss_curves_aggregate(cs, n, col, &agg, &err) < 0) {
      fprintf(stderr, "superspike sweep: %s: %s\n", out, err.msg);
      rc = -1;
    } else {
      char *header = xprintf("mean of '%s' (column %zu of learning_curve.dat) over %zu runs of sweep point %s\n"
                             "t(s) mean sd min max median n",
                             names[col], col + 1, n, s->points[p]);
      if (ss_curve_write(&agg, out, header, &err)) {
        fprintf(stderr, "superspike sweep: %s\n", err.msg);
        rc = -1;
      }
      free(header);
    }
    ss_curve_clear(&agg);
    free(out);
  }
  for (size_t k = 0; k <= cs[0].n_cols; ++k) free(names[k]);
  free(names);
  return rc;
}

/* mean_curve.dat of point p from the learning curves of its successful
 * runs (a run whose curve cannot be read fails now).  0 or -1. */
static int mean_curve(sweep *s, size_t p) {
  run *rs = s->runs + p * s->n_seeds;
  ss_curve *cs = xcalloc(s->n_seeds, sizeof *cs);
  size_t n = 0;
  ss_error err = {0};
  for (size_t k = 0; k < s->n_seeds; ++k) {
    if (!rs[k].ok) continue;
    char *path = xprintf("%s/learning_curve.dat", rs[k].dir);
    if (ss_curve_read(path, &cs[n], &err)) fail_run(&rs[k], "bad-output", xprintf("%s", err.msg));
    else if (cs[n].n_cols < 2) {
      fail_run(&rs[k], "bad-output", xprintf("%s: no cost column", path));
      ss_curve_clear(&cs[n]);
    } else ++n;
    free(path);
  }
  char *out = xprintf("%s/%s/mean_curve.dat", s->out, s->points[p]);
  int rc = 0;
  if (n) { /* the other columns, named by run 0's header */
    char *first = NULL;
    for (size_t k = 0; k < s->n_seeds && !first; ++k)
      if (rs[k].ok) first = xprintf("%s/learning_curve.dat", rs[k].dir);
    if (first && mean_columns(s, p, cs, n, first)) rc = -1;
    free(first);
  }
  if (!n) {
    unlink(out); /* no stale curve from an earlier sweep */
  } else {
    ss_curve agg = {0};
    int cut = ss_curves_aggregate(cs, n, 1, &agg, &err);
    if (cut < 0) {
      fprintf(stderr, "superspike sweep: %s: %s\n", out, err.msg);
      unlink(out);
      rc = -1;
    } else {
      char *seeds = seed_ranges(s, p), *grid = grid_desc(s, p);
      char *note = cut ? xprintf("\nthe runs differ in length: the first %zu rows of every run (%d more rows of the "
                                 "longest left out)",
                                 agg.n_rows, cut)
                       : xprintf("%s", "");
      char *header = xprintf("mean learning curve of sweep point %s: the cost (column 2 of learning_curve.dat)\n"
                             "config: %s; grid: %s\n"
                             "runs: %zu of %zu (seeds %s)%s\n"
                             "t(s) mean sd min max median n",
                             s->points[p], s->config, grid, n, s->n_seeds, seeds, note);
      if (cut)
        fprintf(stderr, "superspike sweep: %s: the runs differ in length; averaged over the first %zu rows\n",
                s->points[p], agg.n_rows);
      if (ss_curve_write(&agg, out, header, &err)) {
        fprintf(stderr, "superspike sweep: %s\n", err.msg);
        rc = -1;
      }
      free(header);
      free(note);
      free(grid);
      free(seeds);
      ss_curve_clear(&agg);
    }
  }
  free(out);
  for (size_t k = 0; k < n; ++k) ss_curve_clear(&cs[k]);
  free(cs);
  return rc;
}

static void put_num(FILE *fp, double v) {
  if (isnan(v)) fputs("\tnan", fp);
  else fprintf(fp, "\t%.10g", v);
}

static int write_tables(const sweep *s) {
  ss_error err = {0};
  ss_afile f;
  char *path = xprintf("%s/runs.tsv", s->out);
  int rc = ss_afile_open(&f, path, &err);
  if (!rc) {
    fputs("point", f.fp);
    for (size_t d = 0; d < s->n_dims; ++d) fprintf(f.fp, "\t%s", s->dims[d].key);
    fputs("\tseed\tinitial_cost\tfinal_cost\twall_s\tstatus\n", f.fp);
    for (size_t i = 0; i < s->n_runs; ++i) {
      const run *r = &s->runs[i];
      fputs(s->points[r->point], f.fp);
      for (size_t d = 0; d < s->n_dims; ++d) fprintf(f.fp, "\t%s", s->dims[d].vals[value_index(s, r->point, d)]);
      fprintf(f.fp, "\t%llu", r->seed);
      put_num(f.fp, r->ok ? r->c0 : NAN);
      put_num(f.fp, r->ok ? r->c1 : NAN);
      put_num(f.fp, r->ok ? r->wall : NAN);
      fprintf(f.fp, "\t%s\n", r->status);
    }
    rc = ss_afile_commit(&f, &err);
  }
  free(path);
  if (rc) {
    fprintf(stderr, "superspike sweep: %s\n", err.msg);
    return -1;
  }
  path = xprintf("%s/points.tsv", s->out);
  rc = ss_afile_open(&f, path, &err);
  if (!rc) {
    fputs("point", f.fp);
    for (size_t d = 0; d < s->n_dims; ++d) fprintf(f.fp, "\t%s", s->dims[d].key);
    fputs("\tn_runs\tn_ok\tfinal_cost_mean\tfinal_cost_sd\tfinal_cost_min\tfinal_cost_max\n", f.fp);
    for (size_t p = 0; p < s->n_points; ++p) {
      const run *rs = s->runs + p * s->n_seeds;
      size_t n = 0;
      double sum = 0, lo = NAN, hi = NAN, ss = 0;
      for (size_t k = 0; k < s->n_seeds; ++k) {
        if (!rs[k].ok) continue;
        double v = rs[k].c1;
        sum += v;
        if (!n || v < lo) lo = v;
        if (!n || v > hi) hi = v;
        ++n;
      }
      double mean = n ? sum / (double)n : NAN;
      for (size_t k = 0; k < s->n_seeds; ++k)
        if (rs[k].ok) ss += (rs[k].c1 - mean) * (rs[k].c1 - mean);
      double sd = n > 1 ? sqrt(ss / (double)(n - 1)) : n ? 0.0 : NAN;
      fputs(s->points[p], f.fp);
      for (size_t d = 0; d < s->n_dims; ++d) fprintf(f.fp, "\t%s", s->dims[d].vals[value_index(s, p, d)]);
      fprintf(f.fp, "\t%zu\t%zu", s->n_seeds, n);
      put_num(f.fp, mean);
      put_num(f.fp, sd);
      put_num(f.fp, lo);
      put_num(f.fp, hi);
      fputc('\n', f.fp);
    }
    rc = ss_afile_commit(&f, &err);
  }
  free(path);
  if (rc) {
    fprintf(stderr, "superspike sweep: %s\n", err.msg);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ command */

static void sweep_free(sweep *s) {
  for (size_t d = 0; d < s->n_dims; ++d) {
    for (size_t i = 0; i < s->dims[d].n; ++i) {
      free(s->dims[d].vals[i]);
      free(s->dims[d].safe[i]);
    }
    free(s->dims[d].vals);
    free(s->dims[d].safe);
    free(s->dims[d].key);
    free(s->dims[d].label);
  }
  free(s->dims);
  free(s->sets);
  free(s->seeds);
  for (size_t p = 0; p < s->n_points; ++p) free(s->points[p]);
  free(s->points);
  for (size_t i = 0; i < s->n_runs; ++i) {
    free(s->runs[i].dir);
    free(s->runs[i].why);
  }
  free(s->runs);
  free(s->exe);
  free(s->out_owned);
}

int ss_cmd_sweep(int argc, char **argv) {
  sweep s;
  memset(&s, 0, sizeof s);
  int pr = parse_args(&s, argc, argv);
  if (!pr && make_points(&s)) pr = -1;
  if (pr) {
    sweep_free(&s);
    return pr > 0 ? 0 : 2;
  }
  int status = 1;
  if (!s.jobs_arg) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    s.jobs = n > 0 ? (n < MAX_JOBS ? n : MAX_JOBS) : 1;
  }
  if (access(s.config, R_OK)) {
    fprintf(stderr, "superspike sweep: %s: cannot read: %s\n", s.config, strerror(errno));
    goto done;
  }
  if (make_dirs(s.out)) {
    fprintf(stderr, "superspike sweep: cannot create the output directory %s: %s\n", s.out, strerror(errno));
    goto done;
  }
  signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would make waitpid fail */
  s.exe = find_self();
  struct sigaction sa, old[3];
  static const int stop_sigs[3] = {SIGINT, SIGTERM, SIGHUP};
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal; /* no SA_RESTART: waitpid returns EINTR */
  sigemptyset(&sa.sa_mask);
  for (int k = 0; k < 3; ++k) sigaction(stop_sigs[k], &sa, &old[k]);
  double w0 = ss_wall_seconds();
  int rc = run_all(&s);
  for (int k = 0; k < 3; ++k) sigaction(stop_sigs[k], &old[k], NULL);
  for (size_t p = 0; p < s.n_points; ++p)
    if (mean_curve(&s, p)) rc = -1;
  if (write_tables(&s)) rc = -1;
  double wall = ss_wall_seconds() - w0;
  size_t n_failed = 0;
  for (size_t i = 0; i < s.n_runs; ++i) n_failed += !s.runs[i].ok;
  if (!s.quiet)
    printf("sweep: %zu run%s (%zu point%s x %zu seed%s, -j %ld) in %.3f s, %zu ok; results in %s\n", s.n_runs,
           s.n_runs == 1 ? "" : "s", s.n_points, s.n_points == 1 ? "" : "s", s.n_seeds, s.n_seeds == 1 ? "" : "s",
           s.jobs, wall,
           s.n_runs - n_failed, s.out);
  if (n_failed) {
    fflush(stdout);
    fprintf(stderr, "superspike sweep: %zu of %zu runs failed:\n", n_failed, s.n_runs);
    size_t shown = 0;
    for (size_t i = 0; i < s.n_runs && shown < 20; ++i)
      if (!s.runs[i].ok) {
        fprintf(stderr, "  %s: %s: %s\n", s.runs[i].dir, s.runs[i].status, s.runs[i].why ? s.runs[i].why : "");
        ++shown;
      }
    if (n_failed > shown)
      fprintf(stderr, "  ... and %zu more (see the status column of %s/runs.tsv)\n", n_failed - shown, s.out);
  }
  if (!rc && !n_failed) status = 0;
done:
  sweep_free(&s);
  return status;
}
