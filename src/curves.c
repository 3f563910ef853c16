/* curves.c - numeric tables, their aggregation over runs, and numbers from
 * the flat summary.json (curves.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "superspike/atomicfile.h"
#include "superspike/curves.h"

/* ------------------------------------------------------------ tables */

void ss_curve_clear(ss_curve *c) {
  if (!c) return;
  free(c->data);
  free(c->line);
  free(c->source);
  memset(c, 0, sizeof *c);
}

static char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* A field of at most 40 characters for a message, "..." marking a cut. */
static void quote_field(char *buf, size_t size, const char *s, size_t len) {
  if (len > 40) snprintf(buf, size, "%.37s...", s);
  else snprintf(buf, size, "%.*s", (int)len, s);
}

/* Append one row to `c`, whose arrays hold room for *cap rows. */
static int push_row(ss_curve *c, size_t *cap, const double *row, size_t line) {
  if (c->n_rows == *cap) {
    size_t ncap = *cap ? 2 * *cap : 64;
    double *d = realloc(c->data, ncap * c->n_cols * sizeof *d);
    if (!d) return SS_ENOMEM;
    c->data = d;
    size_t *l = realloc(c->line, ncap * sizeof *l);
    if (!l) return SS_ENOMEM;
    c->line = l;
    *cap = ncap;
  }
  memcpy(c->data + c->n_rows * c->n_cols, row, c->n_cols * sizeof *row);
  c->line[c->n_rows++] = line;
  return SS_OK;
}

int ss_curve_read(const char *path, ss_curve *c, ss_error *err) {
  memset(c, 0, sizeof *c);
  FILE *fp = fopen(path, "r");
  if (!fp) return ss_error_set(err, SS_EIO, "%s: cannot open: %s", path, strerror(errno));
  char *buf = NULL;
  size_t buf_size = 0, cap = 0, first_line = 0;
  double *row = NULL;
  size_t row_cap = 0;
  size_t lineno = 0;
  int rc = SS_OK;
  while (getline(&buf, &buf_size, fp) != -1) {
    ++lineno;
    size_t nf = 0;
    char *p = buf;
    for (;;) {
      while (*p && isspace((unsigned char)*p)) ++p;
      if (!*p || *p == '#') break;
      char *tok = p;
      while (*p && !isspace((unsigned char)*p) && *p != '#') ++p;
      size_t len = (size_t)(p - tok);
      ++nf;
      if (c->n_cols && nf > c->n_cols) {
        rc = ss_error_set(err, SS_EPARSE, "%s:%zu: column %zu: one column too many (line %zu has %zu columns)",
                          path, lineno, nf, first_line, c->n_cols);
        goto done;
      }
      if (nf > row_cap) {
        size_t ncap = row_cap ? 2 * row_cap : 16;
        double *r = realloc(row, ncap * sizeof *r);
        if (!r) goto oom;
        row = r;
        row_cap = ncap;
      }
      char save = *p;
      *p = '\0';
      char *end;
      errno = 0;
      double v = strtod(tok, &end);
      int range = errno == ERANGE && isinf(v);
      *p = save;
      char shown[48];
      if (end != p) {
        quote_field(shown, sizeof shown, tok, len);
        rc = ss_error_set(err, SS_EPARSE, "%s:%zu: column %zu: '%s' is not a number", path, lineno, nf, shown);
        goto done;
      }
      if (range) {
        rc = ss_error_set(err, SS_EPARSE, "%s:%zu: column %zu: value out of range", path, lineno, nf);
        goto done;
      }
      row[nf - 1] = v;
    }
    if (!nf) continue; /* blank or comment line */
    if (!c->n_cols) {
      c->n_cols = nf;
      first_line = lineno;
    } else if (nf < c->n_cols) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%zu: column %zu: missing (line %zu has %zu columns)", path, lineno,
                        nf + 1, first_line, c->n_cols);
      goto done;
    }
    if (push_row(c, &cap, row, lineno)) goto oom;
  }
  if (ferror(fp)) {
    rc = ss_error_set(err, SS_EIO, "%s:%zu: read error", path, lineno + 1);
    goto done;
  }
  if (!c->n_rows) {
    rc = ss_error_set(err, SS_EPARSE, "%s: no data rows", path);
    goto done;
  }
  if (!(c->source = dup_str(path))) goto oom;
  goto done;
oom:
  rc = ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
done:
  free(buf);
  free(row);
  fclose(fp);
  if (rc) ss_curve_clear(c);
  return rc;
}

/* ------------------------------------------------------------ aggregation */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int same_time(double a, double b) {
  return a == b || fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
}

int ss_curves_aggregate(const ss_curve *runs, size_t n_runs, size_t col, ss_curve *out, ss_error *err) {
  memset(out, 0, sizeof *out);
  if (!runs || !n_runs) return ss_error_set(err, SS_EINVAL, "aggregate: no runs");
  size_t n_rows = runs[0].n_rows, max_rows = 0;
  for (size_t k = 0; k < n_runs; ++k) {
    const ss_curve *r = &runs[k];
    if (col >= r->n_cols)
      return ss_error_set(err, SS_EINVAL, "run %zu%s%s%s: no column %zu (%zu columns)", k, r->source ? " (" : "",
                          r->source ? r->source : "", r->source ? ")" : "", col + 1, r->n_cols);
    if (r->n_rows < n_rows) n_rows = r->n_rows;
    if (r->n_rows > max_rows) max_rows = r->n_rows;
  }
  for (size_t k = 1; k < n_runs; ++k) {
    const ss_curve *r = &runs[k];
    for (size_t i = 0; i < n_rows; ++i) {
      double t0 = ss_curve_at(&runs[0], i, 0), t = ss_curve_at(r, i, 0);
      if (same_time(t, t0)) continue;
      if (r->source && r->line)
        return ss_error_set(err, SS_EINVAL, "run %zu (%s:%zu), row %zu: time %.17g differs from %.17g in run 0", k,
                            r->source, r->line[i], i + 1, t, t0);
      return ss_error_set(err, SS_EINVAL, "run %zu, row %zu: time %.17g differs from %.17g in run 0", k, i + 1, t,
                          t0);
    }
  }
  double *v = malloc(n_runs * sizeof *v);
  double *d = n_rows ? malloc(n_rows * SS_AGG_COLS * sizeof *d) : NULL;
  if (!v || (n_rows && !d)) {
    free(v);
    free(d);
    return ss_error_set(err, SS_ENOMEM, "aggregate: out of memory");
  }
  for (size_t i = 0; i < n_rows; ++i) {
    size_t n = 0;
    for (size_t k = 0; k < n_runs; ++k) {
      double x = ss_curve_at(&runs[k], i, col);
      if (isfinite(x)) v[n++] = x;
    }
    double *o = d + i * SS_AGG_COLS;
    o[SS_AGG_T] = ss_curve_at(&runs[0], i, 0);
    o[SS_AGG_N] = (double)n;
    if (!n) {
      o[SS_AGG_MEAN] = o[SS_AGG_SD] = o[SS_AGG_MIN] = o[SS_AGG_MAX] = o[SS_AGG_MEDIAN] = NAN;
      continue;
    }
    double sum = 0, lo = v[0], hi = v[0];
    for (size_t k = 0; k < n; ++k) {
      sum += v[k];
      if (v[k] < lo) lo = v[k];
      if (v[k] > hi) hi = v[k];
    }
    double mean = sum / (double)n, ss = 0;
    for (size_t k = 0; k < n; ++k) ss += (v[k] - mean) * (v[k] - mean);
    qsort(v, n, sizeof *v, cmp_double);
    o[SS_AGG_MEAN] = mean;
    o[SS_AGG_SD] = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
    o[SS_AGG_MIN] = lo;
    o[SS_AGG_MAX] = hi;
    o[SS_AGG_MEDIAN] = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  }
  free(v);
  out->data = d;
  out->n_rows = n_rows;
  out->n_cols = SS_AGG_COLS;
  return max_rows - n_rows > (size_t)INT_MAX ? INT_MAX : (int)(max_rows - n_rows);
}

/* ------------------------------------------------------------ writing */

/* The shortest %.Ng (N <= 17) of v that strtod turns back into v. */
static void format_double(char *buf, size_t size, double v) {
  if (isnan(v)) {
    snprintf(buf, size, "nan");
    return;
  }
  if (isinf(v)) {
    snprintf(buf, size, v > 0 ? "inf" : "-inf");
    return;
  }
  for (int prec = 1; prec <= 17; ++prec) {
    snprintf(buf, size, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

int ss_curve_write(const ss_curve *c, const char *path, const char *header, ss_error *err) {
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  for (const char *h = header; h && *h;) {
    const char *nl = strchr(h, '\n');
    size_t len = nl ? (size_t)(nl - h) : strlen(h);
    fprintf(f.fp, "%s%.*s\n", h[0] == '#' ? "" : "# ", (int)len, h);
    h += len + (nl ? 1 : 0);
  }
  char num[40];
  for (size_t i = 0; i < c->n_rows; ++i) {
    for (size_t j = 0; j < c->n_cols; ++j) {
      format_double(num, sizeof num, ss_curve_at(c, i, j));
      fputs(num, f.fp);
      fputc(j + 1 < c->n_cols ? ' ' : '\n', f.fp);
    }
  }
  return ss_afile_commit(&f, err);
}

/* ------------------------------------------------------------ summary.json */

typedef struct json_in {
  const char *p, *end, *path;
  size_t line;
  ss_error *err;
} json_in;

static void json_ws(json_in *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')) {
    if (*j->p == '\n') ++j->line;
    ++j->p;
  }
}

static int json_bad(json_in *j, const char *what) {
  return ss_error_set(j->err, SS_EPARSE, "%s:%zu: malformed JSON: %s", j->path, j->line, what);
}

/* A string at j->p (the opening quote); if `key` is not NULL, *match says
 * whether its value equals key.  Escapes are decoded, \uXXXX to UTF-8. */
static int json_string(json_in *j, const char *key, int *match) {
  if (j->p >= j->end || *j->p != '"') return json_bad(j, "expected a string");
  ++j->p;
  size_t k = 0;
  int same = 1;
  while (j->p < j->end && *j->p != '"') {
    unsigned char u[4];
    size_t nu = 1;
    char ch = *j->p++;
    if (ch == '\n') return json_bad(j, "line break in a string");
    if (ch == '\\') {
      if (j->p >= j->end) break;
      char e = *j->p++;
      switch (e) {
        case '"': case '\\': case '/': u[0] = (unsigned char)e; break;
        case 'b': u[0] = '\b'; break;
        case 'f': u[0] = '\f'; break;
        case 'n': u[0] = '\n'; break;
        case 'r': u[0] = '\r'; break;
        case 't': u[0] = '\t'; break;
        case 'u': {
          unsigned cp = 0;
          for (int h = 0; h < 4; ++h) {
            if (j->p >= j->end || !isxdigit((unsigned char)*j->p)) return json_bad(j, "bad \\u escape");
            char x = *j->p++;
            cp = cp * 16 + (unsigned)(isdigit((unsigned char)x) ? x - '0' : tolower((unsigned char)x) - 'a' + 10);
          }
          if (cp < 0x80) {
            u[0] = (unsigned char)cp;
          } else if (cp < 0x800) {
            u[0] = (unsigned char)(0xC0 | cp >> 6);
            u[1] = (unsigned char)(0x80 | (cp & 0x3F));
            nu = 2;
          } else {
            u[0] = (unsigned char)(0xE0 | cp >> 12);
            u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (unsigned char)(0x80 | (cp & 0x3F));
            nu = 3;
          }
          break;
        }
        default: return json_bad(j, "bad escape in a string");
      }
    } else {
      u[0] = (unsigned char)ch;
    }
    for (size_t i = 0; key && same && i < nu; ++i, ++k)
      if (key[k] == '\0' || (unsigned char)key[k] != u[i]) same = 0;
  }
  if (j->p >= j->end) return json_bad(j, "unterminated string");
  ++j->p;
  if (key) *match = same && key[k] == '\0';
  return SS_OK;
}

/* A bare token (number, true, false, null): its extent. */
static size_t json_token(const json_in *j) {
  const char *q = j->p;
  while (q < j->end && !strchr(" \t\r\n,:]}[{\"", *q)) ++q;
  return (size_t)(q - j->p);
}

static int json_skip(json_in *j, int depth) {
  if (depth > 64) return json_bad(j, "nested too deeply");
  json_ws(j);
  if (j->p >= j->end) return json_bad(j, "unexpected end of file");
  char ch = *j->p;
  if (ch == '"') return json_string(j, NULL, NULL);
  if (ch == '{' || ch == '[') {
    char close = ch == '{' ? '}' : ']';
    ++j->p;
    json_ws(j);
    if (j->p < j->end && *j->p == close) {
      ++j->p;
      return SS_OK;
    }
    for (;;) {
      int rc;
      if (close == '}') {
        json_ws(j);
        if ((rc = json_string(j, NULL, NULL))) return rc;
        json_ws(j);
        if (j->p >= j->end || *j->p != ':') return json_bad(j, "expected ':'");
        ++j->p;
      }
      if ((rc = json_skip(j, depth + 1))) return rc;
      json_ws(j);
      if (j->p < j->end && *j->p == ',') {
        ++j->p;
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        ++j->p;
        return SS_OK;
      }
      return json_bad(j, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
  }
  size_t n = json_token(j);
  if (!n) return json_bad(j, "expected a value");
  j->p += n;
  return SS_OK;
}

/* Whole file into a NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len, ss_error *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    ss_error_set(err, SS_EIO, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n - 1, fp);
    if (n < cap - 1) break;
    char *nb = realloc(buf, 2 * cap);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  if (!buf) {
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
  } else if (ferror(fp)) {
    ss_error_set(err, SS_EIO, "%s: read error", path);
    free(buf);
    buf = NULL;
  } else {
    buf[n] = '\0';
    *len = n;
  }
  fclose(fp);
  return buf;
}

int ss_summary_number(const char *path, const char *key, double *out, ss_error *err) {
  size_t len = 0;
  char *buf = slurp(path, &len, err);
  if (!buf) return err ? err->code : SS_EIO;
  json_in j = {buf, buf + len, path, 1, err};
  int rc;
  json_ws(&j);
  if (j.p >= j.end || *j.p != '{') {
    rc = json_bad(&j, "expected '{'");
    goto done;
  }
  ++j.p;
  json_ws(&j);
  if (j.p < j.end && *j.p == '}') goto missing;
  for (;;) {
    int match = 0;
    json_ws(&j);
    if ((rc = json_string(&j, key, &match))) goto done;
    json_ws(&j);
    if (j.p >= j.end || *j.p != ':') {
      rc = json_bad(&j, "expected ':'");
      goto done;
    }
    ++j.p;
    if (match) {
      json_ws(&j);
      size_t n = json_token(&j);
      char tok[64];
      char *end = NULL;
      double v = 0;
      if (n && n < sizeof tok) {
        memcpy(tok, j.p, n);
        tok[n] = '\0';
        v = strtod(tok, &end);
      }
      if (!end || *end) {
        rc = ss_error_set(err, SS_EPARSE, "%s:%zu: \"%s\": not a number", path, j.line, key);
        goto done;
      }
      *out = v;
      rc = SS_OK;
      goto done;
    }
    if ((rc = json_skip(&j, 1))) goto done;
    json_ws(&j);
    if (j.p < j.end && *j.p == ',') {
      ++j.p;
      continue;
    }
    if (j.p < j.end && *j.p == '}') break;
    rc = json_bad(&j, "expected ',' or '}'");
    goto done;
  }
missing:
  rc = ss_error_set(err, SS_EINVAL, "%s: no key \"%s\"", path, key);
done:
  free(buf);
  return rc;
}
