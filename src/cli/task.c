/* task.c - `superspike task KIND [OPTIONS]`: write the inputs and targets of
 * a task (task.h): the XOR-like classification stimuli of paper Fig. 5, a
 * target raster drawn from an image, a frozen Poisson pattern.
 * Exit status: 0 done, 1 I/O error, 2 bad usage or value. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"
#include "superspike/config.h"
#include "superspike/spikefile.h"
#include "superspike/task.h"

#define EXIT_USAGE 2
#define EXIT_IO 1

static void usage_task(FILE *fp) {
  fprintf(fp,
          "Usage: superspike task KIND [OPTIONS]\n"
          "\n"
          "Generate the inputs or targets of a task as spike files (`time id`, time in s).\n"
          "\n"
          "Kinds:\n"
          "  xor      XOR-like classification stimuli of paper Fig. 5 (input.ras, stimuli.txt)\n"
          "  image    target raster of a PBM/PGM image or of the built-in picture\n"
          "  poisson  frozen Poisson pattern\n"
          "\n"
          "Run `superspike task KIND --help` for the options of a kind.  Values take\n"
          "units (50ms, 1.5 s, 4Hz).  Exit status: 0 ok, 1 I/O error, 2 bad usage.\n");
}

static void usage_xor(FILE *fp) {
  fprintf(fp,
          "Usage: superspike task xor --out DIR [OPTIONS]\n"
          "\n"
          "XOR-like classification task (paper Fig. 5): three disjoint sets of inputs R, A, B\n"
          "(consecutive ids: R first) fire once each at a frozen random time within the\n"
          "pattern; patterns R, R+A, R+B, R+A+B in random order, class 1 = exactly one of A,\n"
          "B.  Outside stimuli every input fires Poisson at the background rate.  Writes\n"
          "DIR/input.ras (`time id`) and DIR/stimuli.txt (`onset class pattern`, onset in s,\n"
          "pattern 0=R 1=R+A 2=R+B 3=R+A+B); DIR is created if missing.\n"
          "\n"
          "Options:\n"
          "  -o, --out DIR          output directory (required)\n"
          "      --duration T       length of the input (default 1000s)\n"
          "      --seed N           random seed (default 1)\n"
          "      --inputs N         number of input neurons (default 100)\n"
          "      --sets NR,NA,NB    sizes of R, A, B (default 34,33,33); the remaining\n"
          "                         inputs carry background only\n"
          "      --pattern T        stimulus length (default 10ms)\n"
          "      --window T         window of opportunity after onset (default 25ms)\n"
          "      --iti MIN,MAX      interval from the end of a window to the next onset,\n"
          "                         uniform (default 50ms,100ms)\n"
          "      --background R     background Poisson rate (default 4Hz)\n"
          "      --quiet T          the background also pauses for T after each onset\n"
          "                         (default 0: only during the stimulus; 25ms: the whole\n"
          "                         default window of opportunity)\n"
          "  -h, --help             show this help\n");
}

static void usage_image(FILE *fp) {
  fprintf(fp,
          "Usage: superspike task image --out FILE.ras [OPTIONS]\n"
          "\n"
          "Target raster of an image: one neuron per row, one time bin per column, one spike\n"
          "per dark pixel at bin*column + U(0, jitter).  PBM (P1, P4) and PGM (P2, P5; grey\n"
          "values below maxval/2 are dark) are read; without --image the built-in picture\n"
          "(two woven snakes, 70 columns x 100 rows) is used.\n"
          "\n"
          "Options:\n"
          "  -o, --out FILE         spike file to write (required)\n"
          "      --image FILE       PBM or PGM image (default: the built-in picture)\n"
          "      --size WxH         size of the built-in picture (default 70x100)\n"
          "      --bin T            time per column (default 50ms)\n"
          "      --jitter T         spike jitter within a column (default bin/3)\n"
          "      --seed N           random seed of the jitter (default 1)\n"
          "      --ids flip|rows    flip (default): id = height-1-row, so a raster with ids\n"
          "                         upwards shows the image upright; rows: id = row\n"
          "      --id-offset N      add N to every id (default 0)\n"
          "      --n-ids N          drop spikes whose id is >= N (default: keep all)\n"
          "      --write-image FILE also write the image used as a plain PBM\n"
          "  -h, --help             show this help\n");
}

static void usage_poisson(FILE *fp) {
  fprintf(fp,
          "Usage: superspike task poisson --out FILE.ras --size N --duration T [OPTIONS]\n"
          "\n"
          "Frozen Poisson pattern: N independent Poisson trains (ids 0..N-1) on [0, T).\n"
          "\n"
          "Options:\n"
          "  -o, --out FILE         spike file to write (required)\n"
          "      --size N           number of neurons (required)\n"
          "      --duration T       length, e.g. 500ms (required)\n"
          "      --rate R           rate of every neuron (default 5Hz)\n"
          "      --seed N           random seed (default 1)\n"
          "  -h, --help             show this help\n");
}

/* ------------------------------------------------------------ option parsing */

typedef struct opt {
  const char *name;  /* "--out" */
  const char *alias; /* "-o" or NULL */
  const char *val;   /* NULL if absent */
} opt;

/* Fill the values of `opts` (terminated by a NULL name) from argv[2..];
 * 0 to run, 1 after --help, -1 after an error message. */
static int parse_opts(int argc, char **argv, const char *kind, opt *opts,
                      void (*usage)(FILE *)) {
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 1;
    }
    const char *eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    opt *o = NULL;
    for (opt *p = opts; p->name; p++)
      if ((strlen(p->name) == len && !strncmp(p->name, a, len)) ||
          (!eq && p->alias && !strcmp(p->alias, a)))
        o = p;
    if (!o) {
      if (a[0] == '-')
        fprintf(stderr, "superspike task %s: unknown option '%.*s' (try --help)\n", kind,
                (int)len, a);
      else
        fprintf(stderr, "superspike task %s: unexpected argument '%s' (try --help)\n", kind, a);
      return -1;
    }
    const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
    if (!v) {
      fprintf(stderr, "superspike task %s: option %s needs a value\n", kind, o->name);
      return -1;
    }
    if (o->val) {
      fprintf(stderr, "superspike task %s: option %s given twice\n", kind, o->name);
      return -1;
    }
    o->val = v;
  }
  return 0;
}

static int bad_value(const char *kind, const char *name, const char *expect, const char *v) {
  fprintf(stderr, "superspike task %s: option %s: expected %s, got '%s'\n", kind, name, expect,
          v);
  return -1;
}

/* A quantity of `unit`, finite, > 0 (or >= 0 if allow_zero), into *out. */
static int opt_quantity(const char *kind, const opt *o, ss_unit unit, int allow_zero,
                        double *out) {
  if (!o->val) return 0;
  double v;
  const char *what = unit == SS_UNIT_TIME
                         ? (allow_zero ? "a time >= 0 with a unit (s, ms, us)"
                                       : "a time > 0 with a unit (s, ms, us)")
                         : (allow_zero ? "a rate >= 0 (Hz, kHz)" : "a rate > 0 (Hz, kHz)");
  if (ss_parse_quantity(o->val, unit, &v) || !isfinite(v) || (allow_zero ? v < 0 : !(v > 0)))
    return bad_value(kind, o->name, what, o->val);
  *out = v;
  return 0;
}

/* Decimal digits only, <= max. */
static int parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (max - d) / 10) return -1;
    v = v * 10 + d;
  }
  if (i == 0 || i != len) return -1;
  *out = v;
  return 0;
}

static int opt_uint(const char *kind, const opt *o, uint64_t min, uint64_t max, uint64_t *out) {
  if (!o->val) return 0;
  uint64_t v;
  if (parse_uint(o->val, strlen(o->val), max, &v) || v < min) {
    char what[96];
    snprintf(what, sizeof what, "an integer %" PRIu64 "..%" PRIu64, min, max);
    return bad_value(kind, o->name, what, o->val);
  }
  *out = v;
  return 0;
}

/* "A,B" split at the single comma into two NUL-terminated copies. */
static int split_pair(const char *s, char *a, char *b, size_t size) {
  const char *c = strchr(s, ',');
  if (!c || strchr(c + 1, ',')) return -1;
  size_t la = (size_t)(c - s), lb = strlen(c + 1);
  if (la >= size || lb >= size) return -1;
  memcpy(a, s, la);
  a[la] = '\0';
  memcpy(b, c + 1, lb + 1);
  return 0;
}

/* mkdir -p */
static int make_dirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) {
    fprintf(stderr, "superspike task: %s: bad directory name\n", path);
    return -1;
  }
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] == '/' || buf[i] == '\0') {
      char c = buf[i];
      buf[i] = '\0';
      if (mkdir(buf, 0777) && errno != EEXIST) {
        fprintf(stderr, "superspike task: %s: cannot create directory: %s\n", buf,
                strerror(errno));
        return -1;
      }
      buf[i] = c;
    }
  }
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "superspike task: %s: not a directory\n", path);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ xor */

static int cmd_xor(int argc, char **argv) {
  enum { O_OUT, O_DUR, O_SEED, O_INPUTS, O_SETS, O_PATTERN, O_WINDOW, O_ITI, O_BG, O_QUIET };
  opt o[] = {{"--out", "-o", NULL},     {"--duration", NULL, NULL}, {"--seed", NULL, NULL},
             {"--inputs", NULL, NULL},  {"--sets", NULL, NULL},     {"--pattern", NULL, NULL},
             {"--window", NULL, NULL},  {"--iti", NULL, NULL},      {"--background", NULL, NULL},
             {"--quiet", NULL, NULL},   {NULL, NULL, NULL}};
  const char *k = "xor";
  int pr = parse_opts(argc, argv, k, o, usage_xor);
  if (pr) return pr > 0 ? 0 : EXIT_USAGE;
  ss_xor_params p;
  ss_xor_defaults(&p);
  double duration = 1000e3;
  uint64_t seed = 1, u;
  if (!o[O_OUT].val) {
    fprintf(stderr, "superspike task xor: missing --out DIR (try --help)\n");
    return EXIT_USAGE;
  }
  if (opt_quantity(k, &o[O_DUR], SS_UNIT_TIME, 0, &duration) ||
      opt_uint(k, &o[O_SEED], 0, UINT64_MAX, &seed) ||
      opt_quantity(k, &o[O_PATTERN], SS_UNIT_TIME, 0, &p.pattern_ms) ||
      opt_quantity(k, &o[O_WINDOW], SS_UNIT_TIME, 0, &p.window_ms) ||
      opt_quantity(k, &o[O_BG], SS_UNIT_RATE, 1, &p.background_hz) ||
      opt_quantity(k, &o[O_QUIET], SS_UNIT_TIME, 1, &p.quiet_ms))
    return EXIT_USAGE;
  u = p.n_inputs;
  if (opt_uint(k, &o[O_INPUTS], 1, UINT32_MAX, &u)) return EXIT_USAGE;
  p.n_inputs = (uint32_t)u;
  if (o[O_SETS].val) {
    const char *s = o[O_SETS].val;
    for (int j = 0; j < 3; j++) {
      size_t len = strcspn(s, ",");
      if (parse_uint(s, len, UINT32_MAX, &u) || u == 0 || (j < 2 ? s[len] != ',' : s[len] != 0))
      {
        bad_value(k, "--sets", "three positive integers NR,NA,NB", o[O_SETS].val);
        return EXIT_USAGE;
      }
      p.set_size[j] = (uint32_t)u;
      s += len + (j < 2);
    }
  }
  if (o[O_ITI].val) {
    char a[64], b[64];
    opt oa = {"--iti", NULL, a}, ob = {"--iti", NULL, b};
    if (split_pair(o[O_ITI].val, a, b, sizeof a)) {
      bad_value(k, "--iti", "MIN,MAX (two times, e.g. 50ms,100ms)", o[O_ITI].val);
      return EXIT_USAGE;
    }
    if (opt_quantity(k, &oa, SS_UNIT_TIME, 1, &p.iti_min_ms) ||
        opt_quantity(k, &ob, SS_UNIT_TIME, 1, &p.iti_max_ms))
      return EXIT_USAGE;
  }
  ss_error err = {0};
  if (ss_xor_check(&p, &err)) {
    fprintf(stderr, "superspike task %s\n", err.msg);
    return EXIT_USAGE;
  }
  if (make_dirs(o[O_OUT].val)) return EXIT_IO;
  ss_spikes in;
  ss_stimuli st;
  ss_spikes_init(&in);
  ss_stimuli_init(&st);
  int status = EXIT_IO;
  size_t dl = strlen(o[O_OUT].val) + 16;
  char *f_in = malloc(dl), *f_st = malloc(dl);
  if (!f_in || !f_st) {
    fprintf(stderr, "superspike task xor: out of memory\n");
    goto done;
  }
  snprintf(f_in, dl, "%s/input.ras", o[O_OUT].val);
  snprintf(f_st, dl, "%s/stimuli.txt", o[O_OUT].val);
  if (ss_task_xor(&p, seed, duration, &in, &st, &err) || ss_spikes_write(&in, f_in, &err) ||
      ss_stimuli_write(&st, p.window_ms, f_st, &err)) {
    fprintf(stderr, "superspike task xor: %s\n", err.msg);
    goto done;
  }
  size_t n_cls1 = 0;
  for (size_t j = 0; j < st.n; j++) n_cls1 += st.cls[j];
  uint32_t r1 = p.set_size[0], a1 = r1 + p.set_size[1], b1 = a1 + p.set_size[2];
  printf("xor: %zu stimuli (%zu of class 1), %zu input spikes over %.6g s; sets R 0-%" PRIu32
         ", A %" PRIu32 "-%" PRIu32 ", B %" PRIu32 "-%" PRIu32 " of %" PRIu32
         " inputs; wrote %s, %s\n",
         st.n, n_cls1, in.n, duration / 1000.0, r1 - 1, r1, a1 - 1, a1, b1 - 1, p.n_inputs,
         f_in, f_st);
  status = 0;
done:
  free(f_in);
  free(f_st);
  ss_spikes_clear(&in);
  ss_stimuli_clear(&st);
  return status;
}

/* ------------------------------------------------------------ image */

static int cmd_image(int argc, char **argv) {
  enum { O_OUT, O_IMAGE, O_SIZE, O_BIN, O_JITTER, O_SEED, O_IDS, O_OFFSET, O_NIDS, O_WRITE };
  opt o[] = {{"--out", "-o", NULL},    {"--image", NULL, NULL},     {"--size", NULL, NULL},
             {"--bin", NULL, NULL},    {"--jitter", NULL, NULL},    {"--seed", NULL, NULL},
             {"--ids", NULL, NULL},    {"--id-offset", NULL, NULL}, {"--n-ids", NULL, NULL},
             {"--write-image", NULL, NULL}, {NULL, NULL, NULL}};
  const char *k = "image";
  int pr = parse_opts(argc, argv, k, o, usage_image);
  if (pr) return pr > 0 ? 0 : EXIT_USAGE;
  if (!o[O_OUT].val) {
    fprintf(stderr, "superspike task image: missing --out FILE (try --help)\n");
    return EXIT_USAGE;
  }
  ss_image_target_params tp;
  ss_image_target_defaults(&tp);
  uint64_t seed = 1, u;
  uint32_t w = SS_IMAGE_DEFAULT_W, h = SS_IMAGE_DEFAULT_H;
  if (opt_quantity(k, &o[O_BIN], SS_UNIT_TIME, 0, &tp.bin_ms) ||
      opt_uint(k, &o[O_SEED], 0, UINT64_MAX, &seed))
    return EXIT_USAGE;
  tp.jitter_ms = tp.bin_ms / 3.0;
  if (opt_quantity(k, &o[O_JITTER], SS_UNIT_TIME, 1, &tp.jitter_ms)) return EXIT_USAGE;
  if (o[O_IDS].val) {
    if (!strcmp(o[O_IDS].val, "flip")) tp.flip = 1;
    else if (!strcmp(o[O_IDS].val, "rows")) tp.flip = 0;
    else {
      bad_value(k, "--ids", "flip or rows", o[O_IDS].val);
      return EXIT_USAGE;
    }
  }
  u = 0;
  if (opt_uint(k, &o[O_OFFSET], 0, UINT32_MAX, &u)) return EXIT_USAGE;
  tp.id_offset = (uint32_t)u;
  u = 0;
  if (opt_uint(k, &o[O_NIDS], 1, UINT32_MAX, &u)) return EXIT_USAGE;
  tp.n_ids = (uint32_t)u;
  if (o[O_SIZE].val) {
    const char *s = o[O_SIZE].val, *x = strchr(s, 'x');
    uint64_t ww, hh;
    if (o[O_IMAGE].val) {
      fprintf(stderr, "superspike task image: option --size applies to the built-in picture "
                      "only, not to --image\n");
      return EXIT_USAGE;
    }
    if (!x || parse_uint(s, (size_t)(x - s), 1000000, &ww) ||
        parse_uint(x + 1, strlen(x + 1), 1000000, &hh) || !ww || !hh) {
      bad_value(k, "--size", "WIDTHxHEIGHT (e.g. 70x100)", s);
      return EXIT_USAGE;
    }
    w = (uint32_t)ww;
    h = (uint32_t)hh;
  }
  ss_error err = {0};
  ss_image img;
  ss_image_init(&img);
  ss_spikes sp;
  ss_spikes_init(&sp);
  int status = EXIT_IO;
  if (o[O_IMAGE].val) {
    if (ss_image_read(o[O_IMAGE].val, &img, &err)) {
      fprintf(stderr, "superspike task image: %s\n", err.msg);
      goto done;
    }
  } else if (ss_image_default(&img, w, h, &err)) {
    fprintf(stderr, "superspike task image: %s\n", err.msg);
    status = err.code == SS_EINVAL ? EXIT_USAGE : EXIT_IO;
    goto done;
  }
  if (ss_task_image_targets(&img, &tp, seed, &sp, &err)) {
    fprintf(stderr, "superspike task image: %s\n", err.msg);
    status = err.code == SS_EINVAL ? EXIT_USAGE : EXIT_IO;
    goto done;
  }
  if (ss_spikes_write(&sp, o[O_OUT].val, &err) ||
      (o[O_WRITE].val && ss_image_write_pbm(&img, o[O_WRITE].val, &err))) {
    fprintf(stderr, "superspike task image: %s\n", err.msg);
    goto done;
  }
  size_t dark = ss_image_count_dark(&img);
  printf("image: %s %" PRIu32 "x%" PRIu32 " (%zu dark pixels) -> %zu target spikes over %.6g s"
         " (bin %.6g ms, jitter %.6g ms); wrote %s%s%s\n",
         o[O_IMAGE].val ? o[O_IMAGE].val : "built-in", img.w, img.h, dark, sp.n,
         img.w * tp.bin_ms / 1000.0, tp.bin_ms, tp.jitter_ms, o[O_OUT].val,
         o[O_WRITE].val ? ", " : "", o[O_WRITE].val ? o[O_WRITE].val : "");
  status = 0;
done:
  ss_image_clear(&img);
  ss_spikes_clear(&sp);
  return status;
}

/* ------------------------------------------------------------ poisson */

static int cmd_poisson(int argc, char **argv) {
  enum { O_OUT, O_SIZE, O_RATE, O_DUR, O_SEED };
  opt o[] = {{"--out", "-o", NULL},     {"--size", NULL, NULL}, {"--rate", NULL, NULL},
             {"--duration", NULL, NULL}, {"--seed", NULL, NULL}, {NULL, NULL, NULL}};
  const char *k = "poisson";
  int pr = parse_opts(argc, argv, k, o, usage_poisson);
  if (pr) return pr > 0 ? 0 : EXIT_USAGE;
  static const char *const need[] = {"--out FILE", "--size N", NULL, "--duration T"};
  for (int j = 0; j < 4; j++) {
    if (need[j] && !o[j].val) {
      fprintf(stderr, "superspike task poisson: missing %s (try --help)\n", need[j]);
      return EXIT_USAGE;
    }
  }
  uint64_t n = 0, seed = 1;
  double rate = 5.0, duration = 0;
  if (opt_uint(k, &o[O_SIZE], 1, UINT32_MAX, &n) ||
      opt_quantity(k, &o[O_RATE], SS_UNIT_RATE, 1, &rate) ||
      opt_quantity(k, &o[O_DUR], SS_UNIT_TIME, 0, &duration) ||
      opt_uint(k, &o[O_SEED], 0, UINT64_MAX, &seed))
    return EXIT_USAGE;
  ss_error err = {0};
  ss_spikes sp;
  ss_spikes_init(&sp);
  int status = EXIT_IO;
  if (ss_task_poisson((uint32_t)n, rate, duration, seed, &sp, &err) ||
      ss_spikes_write(&sp, o[O_OUT].val, &err)) {
    fprintf(stderr, "superspike task poisson: %s\n", err.msg);
    status = err.code == SS_EINVAL ? EXIT_USAGE : EXIT_IO;
  } else {
    printf("poisson: %" PRIu64 " trains at %.6g Hz over %.6g s, %zu spikes (%.4g Hz); wrote %s\n",
           n, rate, duration / 1000.0, sp.n, (double)sp.n / (double)n / (duration / 1000.0),
           o[O_OUT].val);
    status = 0;
  }
  ss_spikes_clear(&sp);
  return status;
}

/* ------------------------------------------------------------ dispatch */

int ss_cmd_task(int argc, char **argv) {
  if (argc < 2) {
    usage_task(stderr);
    return EXIT_USAGE;
  }
  const char *kind = argv[1];
  if (!strcmp(kind, "-h") || !strcmp(kind, "--help") || !strcmp(kind, "help")) {
    usage_task(stdout);
    return 0;
  }
  if (!strcmp(kind, "xor")) return cmd_xor(argc, argv);
  if (!strcmp(kind, "image")) return cmd_image(argc, argv);
  if (!strcmp(kind, "poisson")) return cmd_poisson(argc, argv);
  fprintf(stderr, "superspike task: unknown kind '%s' (xor, image or poisson; try --help)\n",
          kind);
  return EXIT_USAGE;
}
