/* task.c - task generators and their files (task.h): netpbm images, the
 * built-in target picture, image -> target raster (paper-spec.md 3.6, 3.9),
 * frozen Poisson patterns, the XOR-like task of paper Fig. 5 (paper-spec.md
 * 3.5 and the choices of section 5, rows 14-19 and 33) and stimulus lists. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/config.h"
#include "superspike/rng.h"
#include "superspike/task.h"
#include "textrows.h"

/* Random streams of the generators (distinct, so that one seed used for two
 * generators gives unrelated numbers).  Per-neuron streams add the id. */
#define STREAM_IMAGE_JITTER 0x696d616765000001ull
#define STREAM_POISSON 0x706f697300000000ull
#define STREAM_XOR_PATTERN 0x786f720000000001ull
#define STREAM_XOR_ORDER 0x786f720000000002ull
#define STREAM_XOR_NOISE 0x786f726e00000000ull

#define IMAGE_DIM_MAX 1000000u
#define IMAGE_PIXELS_MAX (1u << 28)

/* A time in [lo, lo + len) drawn as lo + u * len with u in [0, 1): rounding
 * can land on lo + len itself; move such a time one ulp down. */
static double draw_in(double lo, double len, double u) {
  double hi = lo + len;
  double t = lo + u * len;
  if (len > 0 && t >= hi) t = nextafter(hi, lo);
  if (t < lo) t = lo;
  return t;
}

/* ------------------------------------------------------------ images */

void ss_image_init(ss_image *img) {
  img->w = img->h = 0;
  img->dark = NULL;
}

void ss_image_clear(ss_image *img) {
  free(img->dark);
  ss_image_init(img);
}

size_t ss_image_count_dark(const ss_image *img) {
  size_t n = (size_t)img->w * img->h, c = 0;
  if (!img->dark) return 0;
  for (size_t i = 0; i < n; i++) c += img->dark[i] != 0;
  return c;
}

/* The whole file in memory and a cursor with its line number. */
typedef struct pnm {
  const char *path;
  unsigned char *b;
  size_t n, pos;
  long line;
} pnm;

static int pnm_space(int c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skip whitespace and '#' comments, counting lines. */
static void pnm_skip(pnm *p) {
  while (p->pos < p->n) {
    int c = p->b[p->pos];
    if (c == '#') {
      while (p->pos < p->n && p->b[p->pos] != '\n') p->pos++;
    } else if (pnm_space(c)) {
      if (c == '\n') p->line++;
      p->pos++;
    } else {
      break;
    }
  }
}

/* Line of the cursor; at the end of the file, the last line of the file
 * (not the empty "line" after a final newline). */
static long pnm_line(const pnm *p) {
  if (p->pos >= p->n && p->n && p->b[p->n - 1] == '\n' && p->line > 1) return p->line - 1;
  return p->line;
}

/* The token at the cursor for messages: up to 20 printable non-blank
 * characters (a non-printable first character is shown as \xNN). */
static void pnm_token(const pnm *p, char *buf, size_t size) {
  size_t k = 0, i = p->pos;
  if (i < p->n && (p->b[i] < 0x20 || p->b[i] >= 0x7f) && !pnm_space(p->b[i])) {
    snprintf(buf, size, "\\x%02X", p->b[i]);
    return;
  }
  while (i < p->n && k + 1 < size && k < 20 && p->b[i] > 0x20 && p->b[i] < 0x7f)
    buf[k++] = (char)p->b[i++];
  buf[k] = '\0';
}

/* Read a header field: a decimal integer in [lo, hi]. */
static int pnm_uint(pnm *p, const char *field, unsigned long lo, unsigned long hi,
                    unsigned long *out, ss_error *err) {
  pnm_skip(p);
  if (p->pos >= p->n)
    return ss_error_set(err, SS_EPARSE, "%s:%ld: field '%s': missing (end of file in the header)",
                        p->path, pnm_line(p), field);
  char tok[32];
  pnm_token(p, tok, sizeof tok);
  size_t i = p->pos;
  unsigned long v = 0;
  int big = 0;
  while (i < p->n && p->b[i] >= '0' && p->b[i] <= '9') {
    v = v * 10 + (unsigned long)(p->b[i] - '0');
    if (v > 100000000ul) {
      big = 1;
      v = 100000000ul;
    }
    i++;
  }
  if (i == p->pos || (i < p->n && !pnm_space(p->b[i]) && p->b[i] != '#'))
    return ss_error_set(err, SS_EPARSE, "%s:%ld: field '%s': expected an integer %lu..%lu, got '%s'",
                        p->path, p->line, field, lo, hi, tok);
  if (big || v < lo || v > hi)
    return ss_error_set(err, SS_ERANGE, "%s:%ld: field '%s': %s out of range %lu..%lu", p->path,
                        p->line, field, tok, lo, hi);
  p->pos = i;
  *out = v;
  return SS_OK;
}

/* Read the whole file. */
static int slurp(const char *path, unsigned char **data, size_t *len, ss_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    int e = errno;
    return ss_error_set(err, SS_EIO, "%s: cannot open image: %s", path, strerror(e));
  }
  size_t cap = 4096, n = 0;
  unsigned char *b = malloc(cap);
  if (!b) {
    fclose(fp);
    return ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
  }
  for (;;) {
    if (n == cap) {
      if (cap > (size_t)-1 / 2) break;
      unsigned char *nb = realloc(b, cap * 2);
      if (!nb) {
        free(b);
        fclose(fp);
        return ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
      }
      b = nb;
      cap *= 2;
    }
    size_t got = fread(b + n, 1, cap - n, fp);
    n += got;
    if (got == 0) break;
  }
  int bad = ferror(fp);
  int e = errno;
  fclose(fp);
  if (bad) {
    free(b);
    return ss_error_set(err, SS_EIO, "%s: read error: %s", path, strerror(e));
  }
  *data = b;
  *len = n;
  return SS_OK;
}

/* The raw raster starts after exactly one whitespace character (or a comment
 * up to and including its newline) following the last header field. */
static void pnm_raster_start(pnm *p) {
  if (p->pos >= p->n) return;
  if (p->b[p->pos] == '#') {
    while (p->pos < p->n && p->b[p->pos] != '\n') p->pos++;
    if (p->pos < p->n) p->pos++;
  } else {
    p->pos++; /* pnm_uint stopped at a whitespace character */
  }
}

static int pnm_truncated_raw(const pnm *p, size_t need, size_t avail, size_t pixel, uint32_t w,
                             ss_error *err) {
  return ss_error_set(err, SS_EPARSE,
                      "%s: truncated data: pixel %zu (row %zu, column %zu) is missing; the raw "
                      "raster needs %zu bytes after the header, the file has %zu",
                      p->path, pixel, pixel / w, pixel % w, need, avail);
}

static int pnm_parse(pnm *p, ss_image *img, ss_error *err) {
  /* magic */
  if (p->n == 0)
    return ss_error_set(err, SS_EPARSE, "%s:1: field 'magic': missing (empty file)", p->path);
  int kind = 0;
  if (p->n >= 2 && p->b[0] == 'P') kind = p->b[1] - '0';
  int sep_ok = p->n == 2 || pnm_space(p->b[2]) || p->b[2] == '#';
  if (!(kind == 1 || kind == 2 || kind == 4 || kind == 5) || !sep_ok) {
    char tok[32];
    pnm_token(p, tok, sizeof tok);
    int ppm = (kind == 3 || kind == 6) && sep_ok;
    return ss_error_set(err, SS_EPARSE,
                        "%s:1: field 'magic': expected P1, P2, P4 or P5 (PBM or PGM), got '%s'%s",
                        p->path, tok, ppm ? " (colour PPM images are not supported)" : "");
  }
  p->pos = 2;
  unsigned long w, h, maxval = 1;
  int rc = pnm_uint(p, "width", 1, IMAGE_DIM_MAX, &w, err);
  if (!rc) rc = pnm_uint(p, "height", 1, IMAGE_DIM_MAX, &h, err);
  if (rc) return rc;
  if ((unsigned long long)w * h > IMAGE_PIXELS_MAX)
    return ss_error_set(err, SS_ERANGE,
                        "%s:%ld: field 'height': image of %lu x %lu pixels too large (at most %u)",
                        p->path, p->line, w, h, IMAGE_PIXELS_MAX);
  int grey = kind == 2 || kind == 5;
  if (grey && (rc = pnm_uint(p, "maxval", 1, 65535, &maxval, err))) return rc;
  size_t npix = (size_t)w * h;
  uint8_t *dark = ss_calloc(npix, 1);
  if (!dark) return ss_error_set(err, SS_ENOMEM, "%s: out of memory", p->path);
  rc = SS_OK;
  if (kind == 1 || kind == 2) {
    /* plain text pixels */
    for (size_t k = 0; k < npix; k++) {
      pnm_skip(p);
      if (p->pos >= p->n) {
        rc = ss_error_set(err, SS_EPARSE,
                          "%s:%ld: truncated data: pixel %zu (row %zu, column %zu) is missing; "
                          "the file ends after %zu of %zu pixels",
                          p->path, pnm_line(p), k, k / w, k % w, k, npix);
        break;
      }
      char tok[32];
      pnm_token(p, tok, sizeof tok);
      if (kind == 1) {
        int c = p->b[p->pos];
        if (c != '0' && c != '1') {
          if (c > 0x20 && c < 0x7f) snprintf(tok, sizeof tok, "%c", c);
          rc = ss_error_set(err, SS_EPARSE,
                            "%s:%ld: field 'pixel %zu' (row %zu, column %zu): expected 0 or 1, "
                            "got '%s'",
                            p->path, p->line, k, k / w, k % w, tok);
          break;
        }
        dark[k] = c == '1';
        p->pos++;
      } else {
        size_t i = p->pos;
        unsigned long v = 0;
        while (i < p->n && p->b[i] >= '0' && p->b[i] <= '9') {
          if (v <= 1000000ul) v = v * 10 + (unsigned long)(p->b[i] - '0');
          i++;
        }
        if (i == p->pos || (i < p->n && !pnm_space(p->b[i]) && p->b[i] != '#')) {
          rc = ss_error_set(err, SS_EPARSE,
                            "%s:%ld: field 'pixel %zu' (row %zu, column %zu): expected an integer "
                            "0..%lu, got '%s'",
                            p->path, p->line, k, k / w, k % w, maxval, tok);
          break;
        }
        if (v > maxval) {
          rc = ss_error_set(err, SS_ERANGE,
                            "%s:%ld: field 'pixel %zu' (row %zu, column %zu): value %s out of "
                            "range 0..%lu",
                            p->path, p->line, k, k / w, k % w, tok, maxval);
          break;
        }
        dark[k] = 2 * v < maxval;
        p->pos = i;
      }
    }
  } else if (kind == 4) {
    pnm_raster_start(p);
    size_t rb = (w + 7) / 8, need = rb * h, avail = p->n - p->pos;
    if (avail < need) {
      size_t cols = (avail % rb) * 8;
      size_t pixel = (avail / rb) * w + (cols < w ? cols : w);
      rc = pnm_truncated_raw(p, need, avail, pixel, (uint32_t)w, err);
    } else {
      const unsigned char *r = p->b + p->pos;
      for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
          dark[y * w + x] = (uint8_t)((r[y * rb + x / 8] >> (7 - x % 8)) & 1u);
    }
  } else {
    pnm_raster_start(p);
    size_t bps = maxval < 256 ? 1 : 2, need = npix * bps, avail = p->n - p->pos;
    if (avail < need) {
      rc = pnm_truncated_raw(p, need, avail, avail / bps, (uint32_t)w, err);
    } else {
      const unsigned char *r = p->b + p->pos;
      for (size_t k = 0; k < npix; k++) {
        unsigned long v = bps == 1 ? r[k] : ((unsigned long)r[2 * k] << 8) | r[2 * k + 1];
        if (v > maxval) {
          rc = ss_error_set(err, SS_ERANGE,
                            "%s: field 'pixel %zu' (row %zu, column %zu): value %lu out of range "
                            "0..%lu",
                            p->path, k, k / w, k % w, v, maxval);
          break;
        }
        dark[k] = 2 * v < maxval;
      }
    }
  }
  if (rc) {
    free(dark);
    return rc;
  }
  img->w = (uint32_t)w;
  img->h = (uint32_t)h;
  img->dark = dark;
  return SS_OK;
}

int ss_image_read(const char *path, ss_image *img, ss_error *err) {
  ss_image_clear(img);
  pnm p = {path, NULL, 0, 0, 1};
  int rc = slurp(path, &p.b, &p.n, err);
  if (rc) return rc;
  rc = pnm_parse(&p, img, err);
  free(p.b);
  return rc;
}

int ss_image_write_pbm(const ss_image *img, const char *path, ss_error *err) {
  if (!img->w || !img->h || !img->dark)
    return ss_error_set(err, SS_EINVAL, "%s: cannot write an empty image", path);
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  fprintf(f.fp, "P1\n%lu %lu\n", (unsigned long)img->w, (unsigned long)img->h);
  for (uint32_t y = 0; y < img->h; y++) {
    for (uint32_t x = 0; x < img->w; x++) {
      putc(img->dark[(size_t)y * img->w + x] ? '1' : '0', f.fp);
      if (x + 1 == img->w || (x + 1) % 70 == 0) putc('\n', f.fp);
    }
  }
  return ss_afile_commit(&f, err); /* reports any write error */
}

/* ------------------------------------------------------------ the built-in picture
 *
 * Drawn in a 140 x 100 design plane (x to the right, y downwards), the shape
 * of a raster plot: one column is two units wide and one row one unit high at
 * the default size of 70 x 100 pixels.  Each snake's spine is
 * y = 50 + s_k A sin(2 pi x / L + pi/2) with s_1 = +1, s_2 = -1, L = 140/1.5
 * (one and a half periods), so the two cross three times; their bodies are
 * bands of half-width `half(x)` measured across the spine (tapering to a
 * point at the tail), widened to an ellipse at the head, with a light eye.
 * At a crossing the snake on top alternates, and the other one is cut back
 * by a light gap: woven like a braid. */

#define TWO_PI 6.283185307179586
#define HALF_PI 1.5707963267948966
#define SNAKE_A 27.0
#define SNAKE_L (140.0 / 1.5)
#define SNAKE_T 5.5    /* half width of the body */
#define SNAKE_GAP 1.6  /* light gap around the upper snake at a crossing */

typedef struct snake {
  double sign;          /* +1 or -1: antiphase spines */
  double tail, head;    /* x of the tail tip and of the head centre */
} snake;

static double spine_y(const snake *s, double x) {
  return 50.0 + s->sign * SNAKE_A * sin(TWO_PI * x / SNAKE_L + HALF_PI);
}

static double spine_slope(const snake *s, double x) {
  return s->sign * SNAKE_A * (TWO_PI / SNAKE_L) * cos(TWO_PI * x / SNAKE_L + HALF_PI);
}

/* Distance of (x, y) from the spine, measured across it (first-order), and
 * the body's half width there; 0 outside the snake's length. */
static double snake_dist(const snake *s, double x, double y, double *half) {
  double lo = s->tail < s->head ? s->tail : s->head;
  double hi = s->tail < s->head ? s->head : s->tail;
  *half = 0;
  if (x < lo || x > hi) return INFINITY;
  double along = fabs(x - s->tail) / fabs(s->head - s->tail); /* 0 tail .. 1 head */
  double taper = along < 0.35 ? pow(along / 0.35, 0.6) : 1.0;
  *half = SNAKE_T * taper;
  double k = spine_slope(s, x);
  return fabs(y - spine_y(s, x)) / sqrt(1 + k * k);
}

/* 1 inside the head ellipse, 2 on the eye, 0 elsewhere. */
static int snake_head(const snake *s, double x, double y) {
  double hx = s->head, hy = spine_y(s, hx);
  double dir = s->head > s->tail ? 1.0 : -1.0;
  double dx = (x - hx) / 9.0, dy = (y - hy) / (SNAKE_T * 1.45);
  if (dx * dx + dy * dy > 1) return 0;
  double ex = (x - (hx + dir * 3.0)) / 1.6, ey = (y - (hy - 3.0)) / 1.6;
  return ex * ex + ey * ey <= 1 ? 2 : 1;
}

static int snake_pixel(const snake *sn, double x, double y) {
  int head[2], in[2];
  double d[2], half[2];
  for (int k = 0; k < 2; k++) {
    head[k] = snake_head(&sn[k], x, y);
    d[k] = snake_dist(&sn[k], x, y, &half[k]);
    in[k] = head[k] || d[k] <= half[k];
  }
  if (head[0] == 2 || head[1] == 2) return 0; /* eyes */
  if (!in[0] && !in[1]) return 0;
  /* crossings at x = L/4 + m L/2; the snake on top alternates with m */
  double m = floor((x - SNAKE_L / 4) / (SNAKE_L / 2) + 0.5);
  int top = (int)(((long)m % 2 + 2) % 2);
  int under = 1 - top;
  if (in[top]) return 1;
  /* only `under` covers the point: light if too close to the upper snake */
  if (!head[under] && d[top] <= half[top] + SNAKE_GAP) return 0;
  return 1;
}

int ss_image_default(ss_image *img, uint32_t w, uint32_t h, ss_error *err) {
  ss_image_clear(img);
  if (!w || !h || w > IMAGE_DIM_MAX || h > IMAGE_DIM_MAX ||
      (unsigned long long)w * h > IMAGE_PIXELS_MAX)
    return ss_error_set(err, SS_EINVAL,
                        "default image: size %lu x %lu out of range (1..%u each, at most %u "
                        "pixels)",
                        (unsigned long)w, (unsigned long)h, IMAGE_DIM_MAX, IMAGE_PIXELS_MAX);
  uint8_t *dark = ss_calloc((size_t)w * h, 1);
  if (!dark) return ss_error_set(err, SS_ENOMEM, "default image: out of memory");
  const snake sn[2] = {{+1.0, 3.0, 128.0}, {-1.0, 137.0, 12.0}};
  for (uint32_t r = 0; r < h; r++) {
    double y = (r + 0.5) * 100.0 / h;
    for (uint32_t c = 0; c < w; c++) {
      double x = (c + 0.5) * 140.0 / w;
      dark[(size_t)r * w + c] = (uint8_t)snake_pixel(sn, x, y);
    }
  }
  img->w = w;
  img->h = h;
  img->dark = dark;
  return SS_OK;
}

/* ------------------------------------------------------------ image targets */

void ss_image_target_defaults(ss_image_target_params *p) {
  p->bin_ms = 50.0;
  p->jitter_ms = 50.0 / 3.0;
  p->flip = 1;
  p->id_offset = 0;
  p->n_ids = 0;
}

int ss_task_image_targets(const ss_image *img, const ss_image_target_params *params,
                          uint64_t seed, ss_spikes *out, ss_error *err) {
  out->n = 0;
  if (!img->w || !img->h || !img->dark)
    return ss_error_set(err, SS_EINVAL, "image targets: empty image");
  const ss_image_target_params *p = params;
  if (!(p->bin_ms > 0) || !isfinite(p->bin_ms))
    return ss_error_set(err, SS_EINVAL, "image targets: bin must be > 0 and finite, got %g ms",
                        p->bin_ms);
  if (!(p->jitter_ms >= 0) || !isfinite(p->jitter_ms))
    return ss_error_set(err, SS_EINVAL,
                        "image targets: jitter must be >= 0 and finite, got %g ms", p->jitter_ms);
  if (!isfinite(p->bin_ms * (img->w - 1.0) + p->jitter_ms))
    return ss_error_set(err, SS_EINVAL, "image targets: the last column's time overflows");
  if ((uint64_t)img->h - 1 + p->id_offset > UINT32_MAX)
    return ss_error_set(err, SS_EINVAL, "image targets: id offset %lu too large for %lu rows",
                        (unsigned long)p->id_offset, (unsigned long)img->h);
  ss_rng r;
  ss_rng_init(&r, seed, STREAM_IMAGE_JITTER);
  for (uint32_t c = 0; c < img->w; c++) {
    double lo = p->bin_ms * c;
    for (uint32_t row = 0; row < img->h; row++) {
      if (!img->dark[(size_t)row * img->w + c]) continue;
      double t = draw_in(lo, p->jitter_ms, ss_rng_uniform(&r));
      uint64_t id = (uint64_t)(p->flip ? img->h - 1 - row : row) + p->id_offset;
      if (p->n_ids && id >= p->n_ids) continue;
      if (ss_spikes_push(out, t, (uint32_t)id)) {
        ss_spikes_clear(out);
        return ss_error_set(err, SS_ENOMEM, "image targets: out of memory");
      }
    }
  }
  ss_spikes_sort(out);
  return SS_OK;
}

/* ------------------------------------------------------------ frozen Poisson */

/* Append a Poisson train of `id` on [0, duration) to out.  Exponential
 * intervals summed in double: the spike times are then a sample of the
 * process up to rounding of order one ulp per spike. */
static int poisson_train(ss_rng *r, double rate_hz, double duration_ms, uint32_t id,
                         ss_spikes *out) {
  if (!(rate_hz > 0)) return SS_OK;
  double mean_ms = 1000.0 / rate_hz, t = 0;
  for (;;) {
    t += mean_ms * ss_rng_exponential(r);
    if (!(t < duration_ms)) return SS_OK;
    if (ss_spikes_push(out, t, id)) return SS_ENOMEM;
  }
}

int ss_task_poisson(uint32_t n, double rate_hz, double duration_ms, uint64_t seed,
                    ss_spikes *out, ss_error *err) {
  out->n = 0;
  if (!n) return ss_error_set(err, SS_EINVAL, "poisson: the number of neurons must be >= 1");
  if (!(rate_hz >= 0) || !isfinite(rate_hz))
    return ss_error_set(err, SS_EINVAL, "poisson: rate must be >= 0 and finite, got %g Hz",
                        rate_hz);
  if (!(duration_ms > 0) || !isfinite(duration_ms))
    return ss_error_set(err, SS_EINVAL, "poisson: duration must be > 0 and finite, got %g ms",
                        duration_ms);
  for (uint32_t i = 0; i < n; i++) {
    ss_rng r;
    ss_rng_init(&r, seed, STREAM_POISSON + i);
    if (poisson_train(&r, rate_hz, duration_ms, i, out)) {
      ss_spikes_clear(out);
      return ss_error_set(err, SS_ENOMEM, "poisson: out of memory");
    }
  }
  ss_spikes_sort(out);
  return SS_OK;
}

/* ------------------------------------------------------------ stimuli */

void ss_stimuli_init(ss_stimuli *s) {
  s->onset = NULL;
  s->cls = NULL;
  s->pattern = NULL;
  s->n = s->cap = 0;
}

void ss_stimuli_clear(ss_stimuli *s) {
  free(s->onset);
  free(s->cls);
  free(s->pattern);
  ss_stimuli_init(s);
}

int ss_stimuli_push(ss_stimuli *s, double onset_ms, uint8_t cls, uint8_t pattern) {
  if (s->n == s->cap) {
    if (s->cap > (size_t)-1 / 4) return SS_ENOMEM;
    size_t cap = s->cap ? 2 * s->cap : 64;
    double *o = ss_realloc_array(s->onset, cap, sizeof *o);
    if (!o) return SS_ENOMEM;
    s->onset = o;
    uint8_t *c = ss_realloc_array(s->cls, cap, 1);
    if (!c) return SS_ENOMEM; /* the larger arrays are harmless */
    s->cls = c;
    uint8_t *p = ss_realloc_array(s->pattern, cap, 1);
    if (!p) return SS_ENOMEM;
    s->pattern = p;
    s->cap = cap;
  }
  s->onset[s->n] = onset_ms;
  s->cls[s->n] = cls;
  s->pattern[s->n] = pattern;
  s->n++;
  return SS_OK;
}

int ss_stimuli_write(const ss_stimuli *s, double window_ms, const char *path, ss_error *err) {
  if (!(window_ms > 0) || !isfinite(window_ms))
    return ss_error_set(err, SS_EINVAL, "%s: window of opportunity must be > 0, got %g ms", path,
                        window_ms);
  for (size_t k = 0; k < s->n; k++)
    if (!(s->onset[k] >= 0) || !isfinite(s->onset[k]))
      return ss_error_set(err, SS_EINVAL, "%s: stimulus %zu: onset %g ms is not finite and >= 0",
                          path, k, s->onset[k]);
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  char tb[SS_FMT_SECONDS_MAX];
  ss_format_seconds(window_ms, tb);
  fprintf(f.fp,
          "# onset_s class pattern   (window of opportunity: onset to onset + %s s)\n", tb);
  for (size_t k = 0; k < s->n; k++) {
    ss_format_seconds(s->onset[k], tb);
    if (fprintf(f.fp, "%s %u %u\n", tb, (unsigned)s->cls[k], (unsigned)s->pattern[k]) < 0) break;
  }
  return ss_afile_commit(&f, err); /* reports any write error */
}

int ss_stimuli_read(const char *path, unsigned n_classes, ss_stimuli *s, ss_error *err) {
  s->n = 0;
  if (n_classes < 1 || n_classes > 256) {
    ss_stimuli_clear(s);
    return ss_error_set(err, SS_EINVAL, "%s: number of classes must be 1..256, got %u", path,
                        n_classes);
  }
  static const char *const names[3] = {"onset", "class", "pattern"};
  ss_textrows r;
  int rc = ss_textrows_open(&r, path, "stimulus file", err);
  if (rc) {
    ss_stimuli_clear(s);
    return rc;
  }
  long prev_line = 0;
  while ((rc = ss_textrows_next(&r, 3, err)) == 1) {
    rc = SS_OK;
    if (r.nf < 3) {
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: field '%s': missing (expected 'onset class pattern', onset in s)",
                        path, r.line, names[r.nf]);
      break;
    }
    if (r.nf == 4) {
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: unexpected fourth column '%.40s' (expected 'onset class "
                        "pattern', onset in s)",
                        path, r.line, r.f[3]);
      break;
    }
    double t;
    if ((rc = ss_textrows_seconds(&r, 0, "onset", &t, err))) break;
    if (s->n && t < s->onset[s->n - 1]) {
      char prev[SS_FMT_SECONDS_MAX];
      ss_format_seconds(s->onset[s->n - 1], prev);
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: field 'onset': onsets must be non-decreasing: %.40s s after %s "
                        "s on line %ld",
                        path, r.line, r.f[0], prev, prev_line);
      break;
    }
    unsigned long long cls, pat;
    int crc = ss_textrows_uint(&r, 1, 1000000ull, &cls);
    if (crc == SS_EPARSE) {
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: field 'class': expected a non-negative integer, got '%.40s'",
                        path, r.line, r.f[1]);
      break;
    }
    if (crc || cls >= n_classes) {
      rc = ss_error_set(err, SS_ERANGE, "%s:%ld: field 'class': class %.40s out of range for %u "
                        "classes (0..%u)",
                        path, r.line, r.f[1], n_classes, n_classes - 1);
      break;
    }
    if (ss_textrows_uint(&r, 2, 255, &pat)) {
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: field 'pattern': expected an integer 0..255, got '%.40s'", path,
                        r.line, r.f[2]);
      break;
    }
    if (ss_stimuli_push(s, t, (uint8_t)cls, (uint8_t)pat)) {
      rc = ss_error_set(err, SS_ENOMEM, "%s:%ld: out of memory", path, r.line);
      break;
    }
    prev_line = r.line;
  }
  ss_textrows_close(&r);
  if (rc) ss_stimuli_clear(s);
  return rc;
}

/* ------------------------------------------------------------ XOR task */

void ss_xor_defaults(ss_xor_params *p) {
  p->n_inputs = 100;
  p->set_size[0] = 34;
  p->set_size[1] = 33;
  p->set_size[2] = 33;
  p->pattern_ms = 10.0;
  p->window_ms = 25.0;
  p->iti_min_ms = 50.0;
  p->iti_max_ms = 100.0;
  p->background_hz = 4.0;
  p->quiet_ms = 0.0;
}

int ss_xor_check(const ss_xor_params *p, ss_error *err) {
  static const char *const set_name[3] = {"R", "A", "B"};
  if (!p->n_inputs) return ss_error_set(err, SS_EINVAL, "xor: inputs must be >= 1");
  uint64_t sum = 0;
  for (int k = 0; k < 3; k++) {
    if (!p->set_size[k])
      return ss_error_set(err, SS_EINVAL, "xor: set %s must have at least one neuron",
                          set_name[k]);
    sum += p->set_size[k];
  }
  if (sum > p->n_inputs)
    return ss_error_set(err, SS_EINVAL,
                        "xor: sets R, A, B (%lu + %lu + %lu) do not fit into %lu inputs",
                        (unsigned long)p->set_size[0], (unsigned long)p->set_size[1],
                        (unsigned long)p->set_size[2], (unsigned long)p->n_inputs);
  if (!(p->pattern_ms > 0) || !isfinite(p->pattern_ms))
    return ss_error_set(err, SS_EINVAL, "xor: pattern length must be > 0, got %g ms",
                        p->pattern_ms);
  if (!(p->window_ms >= p->pattern_ms) || !isfinite(p->window_ms))
    return ss_error_set(err, SS_EINVAL,
                        "xor: window (%g ms) must be finite and at least the pattern length "
                        "(%g ms)",
                        p->window_ms, p->pattern_ms);
  if (!(p->iti_min_ms >= 0) || !(p->iti_max_ms >= p->iti_min_ms) || !isfinite(p->iti_max_ms))
    return ss_error_set(err, SS_EINVAL,
                        "xor: inter-trial interval range [%g ms, %g ms] must satisfy 0 <= min <= "
                        "max < inf",
                        p->iti_min_ms, p->iti_max_ms);
  if (!(p->background_hz >= 0) || !isfinite(p->background_hz))
    return ss_error_set(err, SS_EINVAL, "xor: background rate must be >= 0, got %g Hz",
                        p->background_hz);
  if (!(p->quiet_ms >= 0) || !isfinite(p->quiet_ms))
    return ss_error_set(err, SS_EINVAL, "xor: quiet span must be >= 0 and finite, got %g ms",
                        p->quiet_ms);
  return SS_OK;
}

int ss_xor_set_of(const ss_xor_params *p, uint32_t id) {
  uint64_t end = 0;
  for (int k = 0; k < 3; k++) {
    end += p->set_size[k];
    if (id < end) return k;
  }
  return -1;
}

int ss_xor_pattern_offsets(const ss_xor_params *p, uint64_t seed, double *offset_ms,
                           ss_error *err) {
  int rc = ss_xor_check(p, err);
  if (rc) return rc;
  ss_rng r;
  ss_rng_init(&r, seed, STREAM_XOR_PATTERN);
  for (uint32_t i = 0; i < p->n_inputs; i++)
    offset_ms[i] = ss_xor_set_of(p, i) >= 0 ? draw_in(0, p->pattern_ms, ss_rng_uniform(&r))
                                            : -1.0;
  return SS_OK;
}

int ss_task_xor(const ss_xor_params *p, uint64_t seed, double duration_ms, ss_spikes *input,
                ss_stimuli *stim, ss_error *err) {
  input->n = 0;
  if (stim) stim->n = 0;
  int rc = ss_xor_check(p, err);
  if (rc) return rc;
  if (!(duration_ms > 0) || !isfinite(duration_ms))
    return ss_error_set(err, SS_EINVAL, "xor: duration must be > 0 and finite, got %g ms",
                        duration_ms);
  ss_stimuli local;
  ss_stimuli_init(&local);
  ss_stimuli *st = stim ? stim : &local;
  double *offset = ss_malloc_array(p->n_inputs, sizeof *offset);
  if (!offset) {
    rc = ss_error_set(err, SS_ENOMEM, "xor: out of memory");
    goto fail;
  }
  ss_xor_pattern_offsets(p, seed, offset, NULL);

  /* presentations: interval, then pattern, until the window no longer fits */
  ss_rng ro;
  ss_rng_init(&ro, seed, STREAM_XOR_ORDER);
  double free_from = 0; /* end of the previous window */
  for (;;) {
    double iti = p->iti_min_ms + (p->iti_max_ms - p->iti_min_ms) * ss_rng_uniform(&ro);
    double onset = free_from + iti;
    if (!(onset + p->window_ms <= duration_ms)) break;
    uint8_t pat = (uint8_t)ss_rng_below(&ro, 4);
    if (ss_stimuli_push(st, onset, SS_XOR_CLASS(pat), pat)) {
      rc = ss_error_set(err, SS_ENOMEM, "xor: out of memory");
      goto fail;
    }
    free_from = onset + p->window_ms;
  }

  /* the frozen pattern of each presentation */
  uint32_t end_r = p->set_size[0], end_a = end_r + p->set_size[1], end_b = end_a + p->set_size[2];
  for (size_t k = 0; k < st->n; k++) {
    double on = st->onset[k];
    uint8_t pat = st->pattern[k];
    for (uint32_t i = 0; i < end_b; i++) {
      if ((i >= end_r && i < end_a && !(pat & 1u)) || (i >= end_a && !(pat & 2u))) continue;
      double t = on + offset[i], hi = on + p->pattern_ms;
      if (t >= hi) t = nextafter(hi, on); /* rounding: stay inside the stimulus */
      if (ss_spikes_push(input, t, i)) {
        rc = ss_error_set(err, SS_ENOMEM, "xor: out of memory");
        goto fail;
      }
    }
  }

  /* background: Poisson on [0, duration) minus [onset, onset + max(pattern, quiet)) */
  if (p->background_hz > 0) {
    double mean_ms = 1000.0 / p->background_hz, quiet = fmax(p->pattern_ms, p->quiet_ms);
    for (uint32_t i = 0; i < p->n_inputs; i++) {
      ss_rng rn;
      ss_rng_init(&rn, seed, STREAM_XOR_NOISE + i);
      size_t k = 0;
      double t = 0;
      for (;;) {
        t += mean_ms * ss_rng_exponential(&rn);
        if (!(t < duration_ms)) break;
        while (k < st->n && st->onset[k] + quiet <= t) k++;
        if (k < st->n && st->onset[k] <= t) continue; /* inside a stimulus or its quiet span */
        if (ss_spikes_push(input, t, i)) {
          rc = ss_error_set(err, SS_ENOMEM, "xor: out of memory");
          goto fail;
        }
      }
    }
  }
  free(offset);
  ss_stimuli_clear(&local);
  ss_spikes_sort(input);
  return SS_OK;
fail:
  free(offset);
  ss_stimuli_clear(&local);
  ss_spikes_clear(input);
  if (stim) ss_stimuli_clear(stim);
  return rc;
}
