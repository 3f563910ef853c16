/* test_task.c - task generators (task.h): netpbm images against hand-drawn
 * files in tests/data/images (and malformed ones with their exact messages),
 * the built-in picture, image -> target raster, frozen Poisson patterns, the
 * XOR task (every property checked from the generated raster itself:
 * set membership, classes, frozen times, intervals, background rate) and
 * the stimulus file.  Temporary files live in a mkdtemp directory removed by
 * each test. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "superspike/task.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];

static void make_tmpdir(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ss_test_task.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void cleanup_tmpdir(void) {
  DIR *d = opendir(tmpdir);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(tmpdir);
}

static const char *tmp_path(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static const char *write_str(const char *name, const char *text) {
  const char *p = tmp_path(name);
  FILE *fp = fopen(p, "wb");
  ck_assert_ptr_nonnull(fp);
  size_t len = strlen(text);
  ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
  ck_assert_int_eq(fclose(fp), 0);
  return p;
}

/* Whole file as a NUL-terminated string (caller frees). */
static char *read_all(const char *path) {
  FILE *fp = fopen(path, "rb");
  ck_assert_ptr_nonnull(fp);
  char *b = malloc(1 << 20);
  ck_assert_ptr_nonnull(b);
  size_t n = fread(b, 1, (1 << 20) - 1, fp);
  b[n] = '\0';
  fclose(fp);
  return b;
}

static const char *image_path(const char *name) {
  static char buf[4][4200];
  static int k;
  k = (k + 1) % 4;
  char rel[256];
  snprintf(rel, sizeof rel, "images/%s", name);
  snprintf(buf[k], sizeof buf[k], "%s", ss_test_data(rel));
  return buf[k];
}

/* Read `name` and compare with the rows of '0'/'1' characters in `rows`. */
static void check_image(const char *name, uint32_t w, uint32_t h, const char *const *rows) {
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  int rc = ss_image_read(image_path(name), &img, &err);
  ck_assert_msg(rc == SS_OK, "%s: %s", name, err.msg);
  ck_assert_uint_eq(img.w, w);
  ck_assert_uint_eq(img.h, h);
  size_t n_dark = 0;
  for (uint32_t r = 0; r < h; r++)
    for (uint32_t c = 0; c < w; c++) {
      int want = rows[r][c] == '1';
      n_dark += (size_t)want;
      ck_assert_msg(img.dark[r * w + c] == want, "%s: pixel row %u col %u is %d, want %d", name,
                    r, c, img.dark[r * w + c], want);
    }
  ck_assert_uint_eq(ss_image_count_dark(&img), n_dark);
  ss_image_clear(&img);
  ck_assert_ptr_null(img.dark);
}

/* A w x h image with pixels from a simple LCG (independent of rng.h). */
static void lcg_image(ss_image *img, uint32_t w, uint32_t h, uint32_t seed, unsigned pct) {
  img->w = w;
  img->h = h;
  img->dark = malloc((size_t)w * h);
  ck_assert_ptr_nonnull(img->dark);
  uint32_t x = seed;
  for (size_t i = 0; i < (size_t)w * h; i++) {
    x = x * 1664525u + 1013904223u;
    img->dark[i] = (x >> 16) % 100 < pct;
  }
}

static int spikes_sorted(const ss_spikes *s) {
  for (size_t i = 1; i < s->n; i++)
    if (s->t[i] < s->t[i - 1] || (s->t[i] == s->t[i - 1] && s->id[i] <= s->id[i - 1])) return 0;
  return 1;
}

static int spikes_equal(const ss_spikes *a, const ss_spikes *b) {
  if (a->n != b->n) return 0;
  for (size_t i = 0; i < a->n; i++)
    if (a->t[i] != b->t[i] || a->id[i] != b->id[i]) return 0;
  return 1;
}

/* ------------------------------------------------------------ reading images */

START_TEST(test_read_p1_plain) {
  static const char *const x[] = {"10001", "01010", "00100"};
  check_image("p1_x.pbm", 5, 3, x);
  check_image("p1_packed.pbm", 5, 3, x); /* no separators, header on one line */
}
END_TEST

START_TEST(test_read_p2_grey_threshold) {
  /* 0 7 8 15 / 3 12 7 1 with maxval 15: dark when 2v < 15, i.e. v <= 7 */
  static const char *const g[] = {"1100", "1011"};
  check_image("p2_grey.pgm", 4, 2, g);
}
END_TEST

START_TEST(test_read_p4_raw_padded_rows) {
  static const char *const r[] = {"1100000001", "0101010101"};
  check_image("p4_raw.pbm", 10, 2, r);
}
END_TEST

START_TEST(test_read_p5_8_and_16_bit) {
  /* 10 127 128 / 255 0 200, maxval 255; the first raw byte is '\n' */
  static const char *const a[] = {"110", "010"};
  check_image("p5_raw.pgm", 3, 2, a);
  /* 499 500 1000 0, maxval 1000, big-endian pairs */
  static const char *const b[] = {"1001"};
  check_image("p5_16bit.pgm", 4, 1, b);
}
END_TEST

START_TEST(test_read_malformed_exact_messages) {
  static const struct {
    const char *file;
    int code;
    const char *msg; /* after the path */
  } cases[] = {
      {"bad_magic.pbm", SS_EPARSE,
       ":1: field 'magic': expected P1, P2, P4 or P5 (PBM or PGM), got 'P7'"},
      {"bad_ppm.ppm", SS_EPARSE,
       ":1: field 'magic': expected P1, P2, P4 or P5 (PBM or PGM), got 'P6' (colour PPM images "
       "are not supported)"},
      {"bad_no_height.pbm", SS_EPARSE, ":3: field 'height': missing (end of file in the header)"},
      {"bad_width.pbm", SS_EPARSE, ":2: field 'width': expected an integer 1..1000000, got '3x'"},
      {"bad_maxval0.pgm", SS_ERANGE, ":3: field 'maxval': 0 out of range 1..65535"},
      {"bad_truncated.pgm", SS_EPARSE,
       ": truncated data: pixel 5 (row 1, column 1) is missing; the raw raster needs 12 bytes "
       "after the header, the file has 5"},
      {"bad_truncated.pbm", SS_EPARSE,
       ": truncated data: pixel 18 (row 1, column 8) is missing; the raw raster needs 4 bytes "
       "after the header, the file has 3"},
      {"bad_short.pbm", SS_EPARSE,
       ":4: truncated data: pixel 4 (row 1, column 1) is missing; the file ends after 4 of 6 "
       "pixels"},
      {"bad_range.pgm", SS_ERANGE,
       ":5: field 'pixel 4' (row 1, column 1): value 8 out of range 0..7"},
      {"bad_range16.pgm", SS_ERANGE,
       ": field 'pixel 1' (row 0, column 1): value 301 out of range 0..300"},
      {"bad_pixel.pbm", SS_EPARSE,
       ":4: field 'pixel 3' (row 1, column 1): expected 0 or 1, got '2'"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    ss_image img;
    ss_image_init(&img);
    ss_error err = {0};
    /* an image from before must be gone after a failed read */
    ck_assert_int_eq(ss_image_default(&img, 4, 4, &err), SS_OK);
    const char *path = image_path(cases[k].file);
    int rc = ss_image_read(path, &img, &err);
    char want[1024];
    snprintf(want, sizeof want, "%s%s", path, cases[k].msg);
    ck_assert_msg(rc == cases[k].code, "%s: status %d, want %d (%s)", cases[k].file, rc,
                  cases[k].code, err.msg);
    ck_assert_str_eq(err.msg, want);
    ck_assert_uint_eq(img.w, 0);
    ck_assert_uint_eq(img.h, 0);
    ck_assert_ptr_null(img.dark);
  }
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  ck_assert_int_eq(ss_image_read(image_path("no_such_file.pbm"), &img, &err), SS_EIO);
  ck_assert_ptr_nonnull(strstr(err.msg, "no_such_file.pbm: cannot open image"));
}
END_TEST

START_TEST(test_read_more_malformed_inline) {
  make_tmpdir();
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"", ":1: field 'magic': missing (empty file)"},
      {"P12 1 1 0", ":1: field 'magic': expected P1, P2, P4 or P5 (PBM or PGM), got 'P12'"},
      {"P1\n0 3\n", ":2: field 'width': 0 out of range 1..1000000"},
      {"P1\n2 1000001\n", ":2: field 'height': 1000001 out of range 1..1000000"},
      {"P2 2 1\n65536\n0 0\n", ":2: field 'maxval': 65536 out of range 1..65535"},
      {"P2 2 1 9\n0 -1\n", ":2: field 'pixel 1' (row 0, column 1): expected an integer 0..9, "
                           "got '-1'"},
      {"P1\n# comment\n20000 20000\n", ":3: field 'height': image of 20000 x 20000 pixels too "
                                       "large (at most 268435456)"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const char *path = write_str("bad.pnm", cases[k].text);
    ss_image img;
    ss_image_init(&img);
    ss_error err = {0};
    ck_assert_int_ne(ss_image_read(path, &img, &err), SS_OK);
    char want[1024];
    snprintf(want, sizeof want, "%s%s", path, cases[k].msg);
    ck_assert_str_eq(err.msg, want);
    ck_assert_ptr_null(img.dark);
  }
  cleanup_tmpdir();
}
END_TEST

/* ------------------------------------------------------------ writing, default */

START_TEST(test_write_pbm_exact_text) {
  make_tmpdir();
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  ck_assert_int_eq(ss_image_read(image_path("p2_grey.pgm"), &img, &err), SS_OK);
  const char *path = tmp_path("out.pbm");
  ck_assert_int_eq(ss_image_write_pbm(&img, path, &err), SS_OK);
  char *text = read_all(path);
  ck_assert_str_eq(text, "P1\n4 2\n1100\n1011\n");
  free(text);
  /* rows longer than 70 pixels are wrapped; the reader takes them back */
  ss_image_clear(&img);
  lcg_image(&img, 150, 3, 5, 50);
  ck_assert_int_eq(ss_image_write_pbm(&img, path, &err), SS_OK);
  text = read_all(path);
  for (const char *l = text; *l;) {
    const char *e = strchr(l, '\n');
    ck_assert_ptr_nonnull(e);
    ck_assert_int_le(e - l, 70);
    l = e + 1;
  }
  free(text);
  ss_image back;
  ss_image_init(&back);
  ck_assert_int_eq(ss_image_read(path, &back, &err), SS_OK);
  ck_assert_uint_eq(back.w, 150);
  ck_assert_uint_eq(back.h, 3);
  ck_assert_int_eq(memcmp(back.dark, img.dark, 450), 0);
  ss_image_clear(&back);
  /* an empty image is refused and writes nothing */
  ss_image_clear(&img);
  ck_assert_int_eq(ss_image_write_pbm(&img, tmp_path("empty.pbm"), &err), SS_EINVAL);
  ck_assert_int_ne(access(tmp_path("empty.pbm"), F_OK), 0);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_default_image) {
  ss_image img, again;
  ss_image_init(&img);
  ss_image_init(&again);
  ss_error err = {0};
  ck_assert_int_eq(ss_image_default(&img, SS_IMAGE_DEFAULT_W, SS_IMAGE_DEFAULT_H, &err), SS_OK);
  ck_assert_uint_eq(img.w, 70);
  ck_assert_uint_eq(img.h, 100);
  size_t n = ss_image_count_dark(&img);
  /* a picture, not noise and not a blot: 10-40 % dark, light margins above
   * and below, and most columns crossed by two snakes (>= 2 dark runs) */
  ck_assert_uint_ge(n, 700);
  ck_assert_uint_le(n, 2800);
  for (uint32_t c = 0; c < img.w; c++) {
    ck_assert_int_eq(img.dark[c], 0);
    ck_assert_int_eq(img.dark[(size_t)(img.h - 1) * img.w + c], 0);
  }
  unsigned two_runs = 0;
  for (uint32_t c = 0; c < img.w; c++) {
    unsigned runs = 0;
    for (uint32_t r = 0; r < img.h; r++)
      runs += img.dark[(size_t)r * img.w + c] && (r == 0 || !img.dark[(size_t)(r - 1) * img.w + c]);
    two_runs += runs >= 2;
  }
  ck_assert_uint_ge(two_runs, 50);
  /* deterministic */
  ck_assert_int_eq(ss_image_default(&again, 70, 100, &err), SS_OK);
  ck_assert_int_eq(memcmp(img.dark, again.dark, 7000), 0);
  /* any size, including degenerate ones */
  ck_assert_int_eq(ss_image_default(&again, 1, 1, &err), SS_OK);
  ck_assert_int_eq(ss_image_default(&again, 3, 1000, &err), SS_OK);
  ck_assert_int_eq(ss_image_default(&again, 189, 200, &err), SS_OK);
  ck_assert_uint_gt(ss_image_count_dark(&again), 189u * 200u / 10);
  ck_assert_int_eq(ss_image_default(&again, 0, 5, &err), SS_EINVAL);
  ck_assert_ptr_null(again.dark);
  ss_image_clear(&img);
  ss_image_clear(&again);
}
END_TEST

/* ------------------------------------------------------------ image targets */

/* Every spike lies in its pixel's interval, and each dark pixel has exactly
 * one spike: match spikes to pixels through (column, id). */
static void check_targets(const ss_image *img, const ss_image_target_params *p,
                          const ss_spikes *s) {
  size_t w = img->w, h = img->h;
  unsigned *hits = calloc(w * h, sizeof *hits);
  ck_assert_ptr_nonnull(hits);
  size_t kept = 0;
  for (size_t r = 0; r < h; r++)
    for (size_t c = 0; c < w; c++) {
      uint64_t id = (p->flip ? h - 1 - r : r) + p->id_offset;
      kept += img->dark[r * w + c] && !(p->n_ids && id >= p->n_ids);
    }
  ck_assert_uint_eq(s->n, kept);
  ck_assert(spikes_sorted(s));
  for (size_t i = 0; i < s->n; i++) {
    ck_assert_uint_ge(s->id[i], p->id_offset);
    uint64_t base = s->id[i] - p->id_offset;
    ck_assert_uint_lt(base, h);
    if (p->n_ids) ck_assert_uint_lt(s->id[i], p->n_ids);
    size_t r = p->flip ? h - 1 - base : base;
    /* the column whose interval [c*bin, c*bin + jitter) holds t */
    double t = s->t[i];
    size_t c = (size_t)(t / p->bin_ms);
    if (c >= w || t < c * p->bin_ms) c--;
    ck_assert_uint_lt(c, w);
    double lo = c * p->bin_ms;
    ck_assert_msg(t >= lo && (t < lo + p->jitter_ms || (p->jitter_ms == 0 && t == lo)),
                  "spike %zu at %.17g ms outside [%g, %g)", i, t, lo, lo + p->jitter_ms);
    ck_assert_msg(img->dark[r * w + c], "spike %zu at a light pixel (%zu, %zu)", i, r, c);
    hits[r * w + c]++;
  }
  for (size_t k = 0; k < w * h; k++) ck_assert_uint_le(hits[k], 1);
  free(hits);
}

START_TEST(test_targets_one_spike_per_dark_pixel) {
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  ck_assert_int_eq(ss_image_read(image_path("p1_x.pbm"), &img, &err), SS_OK);
  ss_image_target_params p;
  ss_image_target_defaults(&p);
  ck_assert_double_eq(p.bin_ms, 50.0);
  ck_assert_double_eq_tol(p.jitter_ms, 16.6667, 1e-4);
  ss_spikes s;
  ss_spikes_init(&s);
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 3, &s, &err), SS_OK);
  check_targets(&img, &p, &s);
  /* the X by hand: row 0 (id 2) dark at columns 0 and 4, row 2 (id 0) at 2 */
  ck_assert_uint_eq(s.n, 5);
  ck_assert_uint_eq(s.id[0], 2); /* column 0: only row 0 */
  ck_assert(s.t[0] < 50.0 / 3);
  ck_assert_uint_eq(s.id[4], 2); /* column 4: only row 0 */
  ck_assert(s.t[4] >= 200.0);
  ss_image_clear(&img);
  /* a random 37 x 23 image with the Radcliffe settings */
  lcg_image(&img, 37, 23, 11, 40);
  p.bin_ms = 10;
  p.jitter_ms = 10;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 3, &s, &err), SS_OK);
  check_targets(&img, &p, &s);
  ck_assert_uint_eq(s.n, ss_image_count_dark(&img));
  ss_spikes_clear(&s);
  ss_image_clear(&img);
}
END_TEST

START_TEST(test_targets_id_modes) {
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  lcg_image(&img, 20, 30, 4, 50);
  ss_image_target_params p;
  ss_image_target_defaults(&p);
  ss_spikes s;
  ss_spikes_init(&s);
  /* id = row */
  p.flip = 0;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &s, &err), SS_OK);
  check_targets(&img, &p, &s);
  /* flipped, shifted by one and bounded to 30 ids: the Radcliffe file's
   * ids 1..h with the top row (id h) dropped */
  p.flip = 1;
  p.id_offset = 1;
  p.n_ids = 30;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &s, &err), SS_OK);
  check_targets(&img, &p, &s);
  size_t top = 0;
  for (uint32_t c = 0; c < img.w; c++) top += img.dark[c];
  ck_assert_uint_gt(top, 0);
  ck_assert_uint_eq(s.n, ss_image_count_dark(&img) - top);
  /* dropping does not move the other spikes: same times as without bound */
  ss_spikes all;
  ss_spikes_init(&all);
  p.n_ids = 0;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &all, &err), SS_OK);
  size_t j = 0;
  for (size_t i = 0; i < all.n; i++)
    if (all.id[i] < 30) {
      ck_assert_double_eq(all.t[i], s.t[j]);
      ck_assert_uint_eq(all.id[i], s.id[j]);
      j++;
    }
  ck_assert_uint_eq(j, s.n);
  /* an offset that overflows uint32 ids */
  p.id_offset = UINT32_MAX;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &all, &err), SS_EINVAL);
  ck_assert_uint_eq(all.n, 0);
  ss_spikes_clear(&all);
  ss_spikes_clear(&s);
  ss_image_clear(&img);
}
END_TEST

START_TEST(test_targets_seeded_and_uniform) {
  ss_image img;
  ss_image_init(&img);
  ss_error err = {0};
  ck_assert_int_eq(ss_image_default(&img, 70, 100, &err), SS_OK);
  ss_image_target_params p;
  ss_image_target_defaults(&p);
  ss_spikes a, b, c;
  ss_spikes_init(&a);
  ss_spikes_init(&b);
  ss_spikes_init(&c);
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 42, &a, &err), SS_OK);
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 42, &b, &err), SS_OK);
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 43, &c, &err), SS_OK);
  check_targets(&img, &p, &a);
  ck_assert(spikes_equal(&a, &b));
  ck_assert(!spikes_equal(&a, &c));
  ck_assert_uint_eq(a.n, c.n);
  /* jitter fractions u = (t - c*bin)/jitter: uniform on [0, 1): mean 1/2
   * within 5 sigma, and every tenth of the interval used */
  double sum = 0;
  unsigned dec[10] = {0};
  for (size_t i = 0; i < a.n; i++) {
    double u = fmod(a.t[i], p.bin_ms) / p.jitter_ms;
    ck_assert(u >= 0 && u < 1);
    sum += u;
    dec[(int)(u * 10)]++;
  }
  double sigma = sqrt(1.0 / 12 / (double)a.n);
  ck_assert_double_le(fabs(sum / (double)a.n - 0.5), 5 * sigma);
  for (int k = 0; k < 10; k++) ck_assert_uint_gt(dec[k], a.n / 20);
  /* zero jitter: exactly on the bin starts */
  p.jitter_ms = 0;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 42, &b, &err), SS_OK);
  for (size_t i = 0; i < b.n; i++)
    ck_assert_double_eq(b.t[i], 50.0 * floor(b.t[i] / 50.0 + 0.5));
  check_targets(&img, &p, &b);
  /* bad parameters */
  p.jitter_ms = -1;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &b, &err), SS_EINVAL);
  ck_assert_uint_eq(b.n, 0);
  p.jitter_ms = 1;
  p.bin_ms = 0;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &b, &err), SS_EINVAL);
  p.bin_ms = NAN;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &b, &err), SS_EINVAL);
  ss_image_clear(&img);
  p.bin_ms = 50;
  ck_assert_int_eq(ss_task_image_targets(&img, &p, 1, &b, &err), SS_EINVAL);
  ss_spikes_clear(&a);
  ss_spikes_clear(&b);
  ss_spikes_clear(&c);
}
END_TEST

/* ------------------------------------------------------------ frozen Poisson */

START_TEST(test_poisson_pattern) {
  ss_spikes s, small, other;
  ss_spikes_init(&s);
  ss_spikes_init(&small);
  ss_spikes_init(&other);
  ss_error err = {0};
  /* the Radcliffe input: 200 x 5 Hz x 1.89 s, expected 1890 spikes */
  ck_assert_int_eq(ss_task_poisson(200, 5, 1890, 9, &s, &err), SS_OK);
  ck_assert_double_le(fabs((double)s.n - 1890), 5 * sqrt(1890));
  ck_assert(spikes_sorted(&s));
  for (size_t i = 0; i < s.n; i++) {
    ck_assert(s.t[i] >= 0 && s.t[i] < 1890);
    ck_assert_uint_lt(s.id[i], 200);
  }
  /* a neuron's train does not depend on how many neurons there are */
  ck_assert_int_eq(ss_task_poisson(10, 5, 1890, 9, &small, &err), SS_OK);
  size_t j = 0;
  for (size_t i = 0; i < s.n; i++)
    if (s.id[i] < 10) {
      ck_assert_uint_lt(j, small.n);
      ck_assert_double_eq(s.t[i], small.t[j]);
      ck_assert_uint_eq(s.id[i], small.id[j]);
      j++;
    }
  ck_assert_uint_eq(j, small.n);
  /* same seed same pattern, another seed another */
  ck_assert_int_eq(ss_task_poisson(200, 5, 1890, 9, &other, &err), SS_OK);
  ck_assert(spikes_equal(&s, &other));
  ck_assert_int_eq(ss_task_poisson(200, 5, 1890, 10, &other, &err), SS_OK);
  ck_assert(!spikes_equal(&s, &other));
  /* exponential intervals: P(ISI > mean) = 1/e within 5 sigma */
  ck_assert_int_eq(ss_task_poisson(100, 20, 10000, 1, &s, &err), SS_OK);
  double *last = malloc(100 * sizeof *last);
  ck_assert_ptr_nonnull(last);
  for (int i = 0; i < 100; i++) last[i] = -1;
  size_t n_isi = 0, n_long = 0;
  for (size_t i = 0; i < s.n; i++) {
    if (last[s.id[i]] >= 0) {
      n_isi++;
      n_long += s.t[i] - last[s.id[i]] > 50.0;
    }
    last[s.id[i]] = s.t[i];
  }
  free(last);
  double pl = exp(-1.0);
  ck_assert_double_le(fabs((double)n_long - pl * (double)n_isi),
                      5 * sqrt(pl * (1 - pl) * (double)n_isi));
  /* rate 0: nothing; bad arguments */
  ck_assert_int_eq(ss_task_poisson(5, 0, 1000, 1, &s, &err), SS_OK);
  ck_assert_uint_eq(s.n, 0);
  ck_assert_int_eq(ss_task_poisson(0, 5, 1000, 1, &s, &err), SS_EINVAL);
  ck_assert_int_eq(ss_task_poisson(5, -1, 1000, 1, &s, &err), SS_EINVAL);
  ck_assert_int_eq(ss_task_poisson(5, 5, 0, 1, &s, &err), SS_EINVAL);
  ck_assert_int_eq(ss_task_poisson(5, 5, INFINITY, 1, &s, &err), SS_EINVAL);
  ss_spikes_clear(&s);
  ss_spikes_clear(&small);
  ss_spikes_clear(&other);
}
END_TEST

/* ------------------------------------------------------------ stimuli */

START_TEST(test_stimuli_write_format_and_round_trip) {
  make_tmpdir();
  ss_stimuli s, back;
  ss_stimuli_init(&s);
  ss_stimuli_init(&back);
  ss_error err = {0};
  ck_assert_int_eq(ss_stimuli_push(&s, 0, 0, 0), SS_OK);
  ck_assert_int_eq(ss_stimuli_push(&s, 12.3, 1, 2), SS_OK);
  ck_assert_int_eq(ss_stimuli_push(&s, 1500, 1, 1), SS_OK);
  const char *path = tmp_path("stim.txt");
  ck_assert_int_eq(ss_stimuli_write(&s, 25, path, &err), SS_OK);
  char *text = read_all(path);
  ck_assert_str_eq(text,
                   "# onset_s class pattern   (window of opportunity: onset to onset + 0.025 s)\n"
                   "0 0 0\n0.0123 1 2\n1.5 1 1\n");
  free(text);
  /* many random onsets with full 53-bit mantissas, plus extremes */
  ss_stimuli_clear(&s);
  uint64_t x = 88172645463325252ull;
  double t = 0;
  for (int k = 0; k < 5000; k++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t += (double)(x >> 11) * 0x1.0p-53 * 137.0;
    ck_assert_int_eq(ss_stimuli_push(&s, t, (uint8_t)(x % 3), (uint8_t)(x >> 56)), SS_OK);
  }
  ck_assert_int_eq(ss_stimuli_push(&s, 1e18, 2, 255), SS_OK);
  ck_assert_int_eq(ss_stimuli_push(&s, 1.2345678901234567e300, 0, 7), SS_OK);
  ck_assert_int_eq(ss_stimuli_write(&s, 25, path, &err), SS_OK);
  ck_assert_int_eq(ss_stimuli_read(path, 3, &back, &err), SS_OK);
  ck_assert_uint_eq(back.n, s.n);
  for (size_t k = 0; k < s.n; k++) {
    ck_assert_msg(back.onset[k] == s.onset[k], "onset %zu: %.17g read back as %.17g", k,
                  s.onset[k], back.onset[k]);
    ck_assert_uint_eq(back.cls[k], s.cls[k]);
    ck_assert_uint_eq(back.pattern[k], s.pattern[k]);
  }
  /* small onsets too: a separate file, since onsets must be non-decreasing */
  ss_stimuli_clear(&s);
  static const double tiny[] = {4.9406564584124654e-324, 1e-9, 1e-6, 0.1, 0.1, 0.30000000000000004};
  for (size_t k = 0; k < sizeof tiny / sizeof *tiny; k++)
    ck_assert_int_eq(ss_stimuli_push(&s, tiny[k], 0, 0), SS_OK);
  ck_assert_int_eq(ss_stimuli_write(&s, 0.5, path, &err), SS_OK);
  ck_assert_int_eq(ss_stimuli_read(path, 1, &back, &err), SS_OK);
  ck_assert_uint_eq(back.n, s.n);
  for (size_t k = 0; k < s.n; k++) ck_assert(back.onset[k] == s.onset[k]);
  /* hand-written: comments, blanks, CRLF, trailing comment */
  path = write_str("hand.txt", "# header\n\n  0.5\t1  3 # note\r\n0.5 0 0\n2e-1e0 0 0\n");
  ck_assert_int_eq(ss_stimuli_read(path, 2, &back, &err), SS_EPARSE);
  path = write_str("hand.txt", "# header\n\n  0.05\t1  3 # note\r\n0.05 0 0\n7.5e-1 0 0\n");
  ck_assert_int_eq(ss_stimuli_read(path, 2, &back, &err), SS_OK);
  ck_assert_uint_eq(back.n, 3);
  ck_assert(back.onset[0] == 50.0 && back.onset[1] == 50.0 && back.onset[2] == 750.0);
  ck_assert_uint_eq(back.cls[0], 1);
  ck_assert_uint_eq(back.pattern[0], 3);
  /* write errors */
  ck_assert_int_eq(ss_stimuli_write(&s, 0, tmp_path("w.txt"), &err), SS_EINVAL);
  ck_assert_int_eq(ss_stimuli_write(&s, 25, "/nonexistent-dir/x/stim.txt", &err), SS_EIO);
  ss_stimuli_push(&s, NAN, 0, 0);
  ck_assert_int_eq(ss_stimuli_write(&s, 25, tmp_path("w.txt"), &err), SS_EINVAL);
  ck_assert_int_ne(access(tmp_path("w.txt"), F_OK), 0);
  ss_stimuli_clear(&s);
  ss_stimuli_clear(&back);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_stimuli_read_malformed) {
  make_tmpdir();
  static const struct {
    const char *text;
    int code;
    const char *msg;
  } cases[] = {
      {"0.1 0\n", SS_EPARSE,
       ":1: field 'pattern': missing (expected 'onset class pattern', onset in s)"},
      {"# c\n0.1\n", SS_EPARSE,
       ":2: field 'class': missing (expected 'onset class pattern', onset in s)"},
      {"# c\n\n0.1 0 1 7\n", SS_EPARSE,
       ":3: unexpected fourth column '7' (expected 'onset class pattern', onset in s)"},
      {"abc 0 1\n", SS_EPARSE, ":1: field 'onset': expected a finite number of seconds, got 'abc'"},
      {"nan 0 1\n", SS_EPARSE, ":1: field 'onset': expected a finite number of seconds, got 'nan'"},
      {"1e999 0 1\n", SS_ERANGE,
       ":1: field 'onset': expected a finite number of seconds, got '1e999'"},
      {"-0.5 0 1\n", SS_ERANGE, ":1: field 'onset': negative onset '-0.5' (onsets must be >= 0 s)"},
      {"0.2 0 1\n0.1 1 2\n", SS_EPARSE,
       ":2: field 'onset': onsets must be non-decreasing: 0.1 s after 0.2 s on line 1"},
      {"0.1 2 1\n", SS_ERANGE, ":1: field 'class': class 2 out of range for 2 classes (0..1)"},
      {"0.1 x 1\n", SS_EPARSE, ":1: field 'class': expected a non-negative integer, got 'x'"},
      {"0.1 -1 1\n", SS_EPARSE, ":1: field 'class': expected a non-negative integer, got '-1'"},
      {"0.1 1 256\n", SS_EPARSE, ":1: field 'pattern': expected an integer 0..255, got '256'"},
      {"0.1 1 2.5\n", SS_EPARSE, ":1: field 'pattern': expected an integer 0..255, got '2.5'"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    const char *path = write_str("bad.txt", cases[k].text);
    ss_stimuli s;
    ss_stimuli_init(&s);
    ck_assert_int_eq(ss_stimuli_push(&s, 1, 0, 0), SS_OK); /* must be gone after the error */
    ss_error err = {0};
    int rc = ss_stimuli_read(path, 2, &s, &err);
    char want[1024];
    snprintf(want, sizeof want, "%s%s", path, cases[k].msg);
    ck_assert_msg(rc == cases[k].code, "case %zu: status %d, want %d (%s)", k, rc, cases[k].code,
                  err.msg);
    ck_assert_str_eq(err.msg, want);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_ptr_null(s.onset);
  }
  ss_stimuli s;
  ss_stimuli_init(&s);
  ss_error err = {0};
  ck_assert_int_eq(ss_stimuli_read(tmp_path("missing.txt"), 2, &s, &err), SS_EIO);
  ck_assert_ptr_nonnull(strstr(err.msg, "missing.txt: cannot open stimulus file"));
  const char *ok = write_str("ok.txt", "0 0 0\n");
  ck_assert_int_eq(ss_stimuli_read(ok, 0, &s, &err), SS_EINVAL);
  cleanup_tmpdir();
}
END_TEST

/* ------------------------------------------------------------ XOR task */

/* Everything about one generated XOR run, measured from its raster. */
typedef struct xor_seen {
  int *member;          /* per input: -1 none, 0 R, 1 A, 2 B (inferred) */
  double *rel;          /* per input: its time after onset (NaN before seen) */
  size_t n_pattern_spikes, n_background;
  size_t count[4];      /* presentations per pattern */
} xor_seen;

static void check_xor(const ss_xor_params *p, double duration, const ss_spikes *in,
                      const ss_stimuli *st, xor_seen *seen) {
  uint32_t n = p->n_inputs;
  ck_assert(spikes_sorted(in));
  ck_assert_uint_gt(st->n, 0);
  /* timeline: intervals from the end of each window to the next onset */
  double prev_end = 0, sum_iti = 0;
  for (size_t k = 0; k < st->n; k++) {
    double iti = st->onset[k] - prev_end;
    ck_assert_msg(iti >= p->iti_min_ms - 1e-9 && iti <= p->iti_max_ms + 1e-9,
                  "interval %zu: %g ms", k, iti);
    sum_iti += iti;
    prev_end = st->onset[k] + p->window_ms;
    ck_assert_uint_lt(st->pattern[k], 4);
  }
  ck_assert(prev_end <= duration);
  ck_assert(duration - prev_end < p->iti_max_ms + p->window_ms); /* no room for one more */
  double iti_mean = (p->iti_min_ms + p->iti_max_ms) / 2;
  double iti_sd = (p->iti_max_ms - p->iti_min_ms) / sqrt(12.0);
  ck_assert_double_le(fabs(sum_iti / (double)st->n - iti_mean), 5 * iti_sd / sqrt((double)st->n) + 1e-9);

  /* ids firing in each stimulus [onset, onset + pattern) */
  unsigned char *in_stim = calloc((size_t)n * st->n, 1);
  ck_assert_ptr_nonnull(in_stim);
  memset(seen->count, 0, sizeof seen->count);
  seen->n_pattern_spikes = seen->n_background = 0;
  for (uint32_t i = 0; i < n; i++) seen->rel[i] = NAN;
  size_t k = 0;
  for (size_t j = 0; j < in->n; j++) {
    double t = in->t[j];
    ck_assert(t >= 0 && t < duration);
    ck_assert_uint_lt(in->id[j], n);
    while (k < st->n && st->onset[k] + p->pattern_ms <= t) k++;
    if (k < st->n && t >= st->onset[k]) {
      uint32_t id = in->id[j];
      ck_assert_msg(!in_stim[k * n + id], "input %u fires twice in stimulus %zu", id, k);
      in_stim[k * n + id] = 1;
      double rel = t - st->onset[k];
      ck_assert(rel >= 0 && rel < p->pattern_ms);
      if (isnan(seen->rel[id])) seen->rel[id] = rel;
      /* frozen: the same time after onset in every presentation */
      ck_assert_msg(fabs(rel - seen->rel[id]) < 1e-7, "input %u: %.17g vs %.17g ms after onset",
                    id, rel, seen->rel[id]);
      seen->n_pattern_spikes++;
    } else {
      seen->n_background++;
    }
  }
  /* infer the sets: R fires in every stimulus; A = what R+A adds; B likewise */
  for (uint32_t i = 0; i < n; i++) {
    int always = 1, in_ra = 0, in_rb = 0;
    for (k = 0; k < st->n; k++) {
      always &= in_stim[k * n + i];
      in_ra |= st->pattern[k] == SS_XOR_RA && in_stim[k * n + i];
      in_rb |= st->pattern[k] == SS_XOR_RB && in_stim[k * n + i];
    }
    seen->member[i] = always ? 0 : in_ra && !in_rb ? 1 : in_rb && !in_ra ? 2 : -1;
    ck_assert_msg(!(in_ra && in_rb && !always), "input %u in both A and B", i);
  }
  size_t size[3] = {0, 0, 0};
  for (uint32_t i = 0; i < n; i++)
    if (seen->member[i] >= 0) size[seen->member[i]]++;
  for (int s = 0; s < 3; s++) ck_assert_uint_eq(size[s], p->set_size[s]);
  /* every presentation is exactly R plus A and/or B, and its class is the
   * XOR of "A present" and "B present" as seen in the raster */
  for (k = 0; k < st->n; k++) {
    int has_a = 0, has_b = 0;
    for (uint32_t i = 0; i < n; i++) {
      int m = seen->member[i], fired = in_stim[k * n + i];
      if (m == 0) ck_assert(fired);
      if (m == -1) ck_assert_msg(!fired, "background-only input %u fires in a stimulus", i);
      if (m == 1) has_a |= fired;
      if (m == 2) has_b |= fired;
    }
    size_t fired_a = 0, fired_b = 0;
    for (uint32_t i = 0; i < n; i++) {
      fired_a += seen->member[i] == 1 && in_stim[k * n + i];
      fired_b += seen->member[i] == 2 && in_stim[k * n + i];
    }
    ck_assert(fired_a == 0 || fired_a == p->set_size[1]); /* whole sets only */
    ck_assert(fired_b == 0 || fired_b == p->set_size[2]);
    ck_assert_uint_eq(st->pattern[k], (unsigned)(has_a | has_b << 1));
    ck_assert_uint_eq(st->cls[k], (unsigned)(has_a != has_b));
    seen->count[st->pattern[k]]++;
  }
  free(in_stim);
}

START_TEST(test_xor_default_task) {
  ss_xor_params p;
  ss_xor_defaults(&p);
  ck_assert_uint_eq(p.n_inputs, 100);
  ck_assert_uint_eq(p.set_size[0] + p.set_size[1] + p.set_size[2], 100);
  double duration = 300e3;
  ss_spikes in;
  ss_stimuli st;
  ss_spikes_init(&in);
  ss_stimuli_init(&st);
  ss_error err = {0};
  ck_assert_int_eq(ss_task_xor(&p, 7, duration, &in, &st, &err), SS_OK);
  xor_seen seen;
  seen.member = malloc(p.n_inputs * sizeof *seen.member);
  seen.rel = malloc(p.n_inputs * sizeof *seen.rel);
  check_xor(&p, duration, &in, &st, &seen);
  /* about 300 s / 100 ms presentations, patterns equally likely */
  ck_assert_uint_gt(st.n, 2800);
  ck_assert_uint_lt(st.n, 3200);
  double n = (double)st.n;
  for (int q = 0; q < 4; q++)
    ck_assert_msg(fabs((double)seen.count[q] - n / 4) <= 5 * sqrt(n * 0.25 * 0.75),
                  "pattern %d: %zu of %zu", q, seen.count[q], st.n);
  /* background 4 Hz outside stimuli, none inside */
  double outside_s = (duration - n * p.pattern_ms) / 1000.0;
  double expect = 4.0 * p.n_inputs * outside_s;
  ck_assert_msg(fabs((double)seen.n_background - expect) <= 5 * sqrt(expect),
                "%zu background spikes, expected %g", seen.n_background, expect);
  size_t pattern_spikes = 0;
  for (size_t k = 0; k < st.n; k++)
    pattern_spikes += p.set_size[0] + (st.pattern[k] & 1 ? p.set_size[1] : 0) +
                      (st.pattern[k] & 2 ? p.set_size[2] : 0);
  ck_assert_uint_eq(seen.n_pattern_spikes, pattern_spikes);
  /* the frozen times are the published ones, and they differ between inputs */
  double *off = malloc(p.n_inputs * sizeof *off);
  ck_assert_int_eq(ss_xor_pattern_offsets(&p, 7, off, &err), SS_OK);
  size_t distinct = 0;
  for (uint32_t i = 0; i < p.n_inputs; i++) {
    ck_assert_double_eq_tol(off[i], seen.rel[i], 1e-7);
    ck_assert_int_eq(ss_xor_set_of(&p, i), seen.member[i]);
    distinct += i == 0 || off[i] != off[i - 1];
  }
  ck_assert_uint_gt(distinct, 90);
  free(off);
  free(seen.member);
  free(seen.rel);
  ss_spikes_clear(&in);
  ss_stimuli_clear(&st);
}
END_TEST

START_TEST(test_xor_background_only_inputs) {
  /* smaller sets: inputs 60..99 carry background only, at 4 Hz */
  ss_xor_params p;
  ss_xor_defaults(&p);
  p.set_size[0] = 20;
  p.set_size[1] = 20;
  p.set_size[2] = 20;
  p.iti_min_ms = 10;
  p.iti_max_ms = 30;
  double duration = 200e3;
  ss_spikes in;
  ss_stimuli st;
  ss_spikes_init(&in);
  ss_stimuli_init(&st);
  ss_error err = {0};
  ck_assert_int_eq(ss_task_xor(&p, 123, duration, &in, &st, &err), SS_OK);
  xor_seen seen;
  seen.member = malloc(p.n_inputs * sizeof *seen.member);
  seen.rel = malloc(p.n_inputs * sizeof *seen.rel);
  check_xor(&p, duration, &in, &st, &seen);
  size_t bg_only = 0;
  for (size_t j = 0; j < in.n; j++) bg_only += seen.member[in.id[j]] == -1;
  double outside_s = (duration - (double)st.n * p.pattern_ms) / 1000.0;
  double expect = 4.0 * 40 * outside_s;
  ck_assert_double_le(fabs((double)bg_only - expect), 5 * sqrt(expect));
  /* no background at all: only the patterns */
  p.background_hz = 0;
  ck_assert_int_eq(ss_task_xor(&p, 123, 20e3, &in, &st, &err), SS_OK);
  check_xor(&p, 20e3, &in, &st, &seen);
  ck_assert_uint_eq(seen.n_background, 0);
  free(seen.member);
  free(seen.rel);
  ss_spikes_clear(&in);
  ss_stimuli_clear(&st);
}
END_TEST

/* quiet_ms = window_ms: no input fires in [onset + pattern, onset + window)
 * of any presentation, while the default task has background there; the
 * stimuli, their patterns and the background elsewhere are those of the
 * default task (same streams), and the background rate outside the quiet
 * spans is 4 Hz.  A negative span is rejected. */
START_TEST(test_xor_quiet_window) {
  ss_xor_params p;
  ss_xor_defaults(&p);
  ck_assert(p.quiet_ms == 0);
  const double duration = 100e3;
  ss_spikes a, b;
  ss_stimuli sa, sb;
  ss_spikes_init(&a);
  ss_spikes_init(&b);
  ss_stimuli_init(&sa);
  ss_stimuli_init(&sb);
  ss_error err = {0};
  ck_assert_int_eq(ss_task_xor(&p, 11, duration, &a, &sa, &err), SS_OK);
  p.quiet_ms = p.window_ms;
  ck_assert_int_eq(ss_task_xor(&p, 11, duration, &b, &sb, &err), SS_OK);
  ck_assert_uint_eq(sa.n, sb.n);
  for (size_t k = 0; k < sa.n; k++) {
    ck_assert(sa.onset[k] == sb.onset[k]);
    ck_assert_uint_eq(sa.pattern[k], sb.pattern[k]);
  }
  /* count spikes in the tails [onset + pattern, onset + window) */
  size_t tail[2] = {0, 0};
  for (int v = 0; v < 2; v++) {
    const ss_spikes *x = v ? &b : &a;
    size_t k = 0;
    for (size_t j = 0; j < x->n; j++) {
      while (k < sa.n && sa.onset[k] + p.window_ms <= x->t[j]) k++;
      if (k < sa.n && x->t[j] >= sa.onset[k] + p.pattern_ms) tail[v]++;
    }
  }
  ck_assert_msg(tail[0] > 1000, "the default task has only %zu spikes in the window tails", tail[0]);
  ck_assert_uint_eq(tail[1], 0);
  /* the quiet task is the default one without the tail spikes */
  ck_assert_uint_eq(b.n, a.n - tail[0]);
  size_t j = 0;
  for (size_t i = 0; i < a.n && j < b.n; i++)
    if (a.t[i] == b.t[j] && a.id[i] == b.id[j]) j++;
  ck_assert_uint_eq(j, b.n);
  xor_seen seen;
  seen.member = malloc(p.n_inputs * sizeof *seen.member);
  seen.rel = malloc(p.n_inputs * sizeof *seen.rel);
  check_xor(&p, duration, &b, &sb, &seen);
  double outside_s = (duration - (double)sb.n * p.window_ms) / 1000.0, expect = 4.0 * p.n_inputs * outside_s;
  ck_assert_msg(fabs((double)seen.n_background - expect) <= 5 * sqrt(expect), "%zu background spikes, expected %g",
                seen.n_background, expect);
  p.quiet_ms = -1;
  ck_assert_int_eq(ss_task_xor(&p, 11, duration, &b, &sb, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "xor: quiet span must be >= 0 and finite, got -1 ms");
  free(seen.member);
  free(seen.rel);
  ss_spikes_clear(&a);
  ss_spikes_clear(&b);
  ss_stimuli_clear(&sa);
  ss_stimuli_clear(&sb);
}
END_TEST

START_TEST(test_xor_seeded) {
  ss_xor_params p;
  ss_xor_defaults(&p);
  ss_spikes a, b;
  ss_stimuli sa, sb;
  ss_spikes_init(&a);
  ss_spikes_init(&b);
  ss_stimuli_init(&sa);
  ss_stimuli_init(&sb);
  ss_error err = {0};
  ck_assert_int_eq(ss_task_xor(&p, 5, 20e3, &a, &sa, &err), SS_OK);
  ck_assert_int_eq(ss_task_xor(&p, 5, 20e3, &b, NULL, &err), SS_OK); /* stim optional */
  ck_assert(spikes_equal(&a, &b));
  ck_assert_int_eq(ss_task_xor(&p, 6, 20e3, &b, &sb, &err), SS_OK);
  ck_assert(!spikes_equal(&a, &b));
  ck_assert(sa.n != sb.n || memcmp(sa.onset, sb.onset, sa.n * sizeof *sa.onset));
  /* a longer run starts with the same stimuli */
  ck_assert_int_eq(ss_task_xor(&p, 5, 40e3, &b, &sb, &err), SS_OK);
  ck_assert_uint_gt(sb.n, sa.n);
  for (size_t k = 0; k < sa.n; k++) {
    ck_assert(sa.onset[k] == sb.onset[k]);
    ck_assert_uint_eq(sa.pattern[k], sb.pattern[k]);
  }
  ss_spikes_clear(&a);
  ss_spikes_clear(&b);
  ss_stimuli_clear(&sa);
  ss_stimuli_clear(&sb);
}
END_TEST

START_TEST(test_xor_bad_parameters) {
  ss_spikes in;
  ss_stimuli st;
  ss_spikes_init(&in);
  ss_stimuli_init(&st);
  ss_error err = {0};
  ss_xor_params p;
  ss_xor_defaults(&p);
  p.set_size[2] = 34; /* 101 > 100 */
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "xor: sets R, A, B (34 + 33 + 34) do not fit into 100 inputs");
  ss_xor_defaults(&p);
  p.set_size[1] = 0;
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "xor: set A must have at least one neuron");
  ss_xor_defaults(&p);
  p.window_ms = 5;
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ss_xor_defaults(&p);
  p.iti_min_ms = 120;
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ss_xor_defaults(&p);
  p.background_hz = -4;
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ss_xor_defaults(&p);
  p.pattern_ms = 0;
  ck_assert_int_eq(ss_task_xor(&p, 1, 1000, &in, &st, &err), SS_EINVAL);
  ss_xor_defaults(&p);
  ck_assert_int_eq(ss_task_xor(&p, 1, 0, &in, &st, &err), SS_EINVAL);
  ck_assert_int_eq(ss_task_xor(&p, 1, NAN, &in, &st, &err), SS_EINVAL);
  ck_assert_uint_eq(in.n, 0);
  ck_assert_uint_eq(st.n, 0);
  /* too short for one window: background only, no stimuli */
  ck_assert_int_eq(ss_task_xor(&p, 1, 60, &in, &st, &err), SS_OK);
  ck_assert_uint_eq(st.n, 0);
  ss_spikes_clear(&in);
  ss_stimuli_clear(&st);
}
END_TEST

int main(void) {
  Suite *s = suite_create("task");
  TCase *tc = tcase_create("images");
  tcase_add_test(tc, test_read_p1_plain);
  tcase_add_test(tc, test_read_p2_grey_threshold);
  tcase_add_test(tc, test_read_p4_raw_padded_rows);
  tcase_add_test(tc, test_read_p5_8_and_16_bit);
  tcase_add_test(tc, test_read_malformed_exact_messages);
  tcase_add_test(tc, test_read_more_malformed_inline);
  tcase_add_test(tc, test_write_pbm_exact_text);
  tcase_add_test(tc, test_default_image);
  suite_add_tcase(s, tc);
  tc = tcase_create("targets");
  tcase_add_test(tc, test_targets_one_spike_per_dark_pixel);
  tcase_add_test(tc, test_targets_id_modes);
  tcase_add_test(tc, test_targets_seeded_and_uniform);
  tcase_add_test(tc, test_poisson_pattern);
  suite_add_tcase(s, tc);
  tc = tcase_create("stimuli");
  tcase_add_test(tc, test_stimuli_write_format_and_round_trip);
  tcase_add_test(tc, test_stimuli_read_malformed);
  suite_add_tcase(s, tc);
  tc = tcase_create("xor");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_xor_default_task);
  tcase_add_test(tc, test_xor_background_only_inputs);
  tcase_add_test(tc, test_xor_seeded);
  tcase_add_test(tc, test_xor_quiet_window);
  tcase_add_test(tc, test_xor_bad_parameters);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
