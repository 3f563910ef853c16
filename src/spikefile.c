/* spikefile.c - spike trains as two-column text `time id` (spikefile.h).
 *
 * Reading: a line is `TIME ID`, separated and surrounded by any blanks
 * (spaces, tabs; a CR before the LF is a blank too).  A '#' starts a comment
 * that runs to the end of the line, whether the line holds a spike or not,
 * so "0.1 3  # first" is a spike.  TIME is a plain decimal number of seconds
 * ([+-]digits[.digits][e[+-]digits]; no hex, nan or inf), converted to ms
 * with one rounding (ss_parse_decimal), ID plain decimal digits.  Lines
 * longer than SS_TEXTROWS_LINE_MAX (1023) characters before any comment are
 * rejected.
 *
 * Writing: each time is printed in seconds as the shortest decimal (15 to 17
 * significant digits) that reads back, through the reader's conversion, as
 * the very same double in ms; so write -> read is exact, and a time of
 * 12.3 ms is written as 0.0123 rather than 0.012300000000000001. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/config.h"
#include "superspike/spikefile.h"
#include "textrows.h"


void ss_spikes_init(ss_spikes *s) {
  s->t = NULL;
  s->id = NULL;
  s->n = 0;
  s->cap = 0;
}

void ss_spikes_clear(ss_spikes *s) {
  free(s->t);
  free(s->id);
  ss_spikes_init(s);
}

static int spikes_reserve(ss_spikes *s, size_t need) {
  if (need <= s->cap) return SS_OK;
  size_t cap = s->cap ? s->cap : 256;
  while (cap < need) {
    if (cap > (size_t)-1 / 2) return SS_ENOMEM;
    cap *= 2;
  }
  double *t = ss_realloc_array(s->t, cap, sizeof *t);
  if (!t) return SS_ENOMEM;
  s->t = t;
  uint32_t *id = ss_realloc_array(s->id, cap, sizeof *id);
  if (!id) return SS_ENOMEM;  /* s->t is larger than needed: harmless */
  s->id = id;
  s->cap = cap;
  return SS_OK;
}

int ss_spikes_push(ss_spikes *s, double t_ms, uint32_t id) {
  if (s->n == s->cap && spikes_reserve(s, s->n + 1) != SS_OK) return SS_ENOMEM;
  s->t[s->n] = t_ms;
  s->id[s->n] = id;
  s->n++;
  return SS_OK;
}

/* (t, id) of a before b?  Times are compared with <, so this is a strict
 * weak order for finite times. */
static int spike_less(double ta, uint32_t ia, double tb, uint32_t ib) {
  return ta < tb || (!(tb < ta) && ia < ib);
}

void ss_spikes_sort(ss_spikes *s) {
  size_t n = s->n;
  size_t i = 1;
  while (i < n && !spike_less(s->t[i], s->id[i], s->t[i - 1], s->id[i - 1])) i++;
  if (i >= n) return;  /* already sorted */
  double *t2 = ss_malloc_array(n, sizeof *t2);
  uint32_t *id2 = ss_malloc_array(n, sizeof *id2);
  if (!t2 || !id2) {
    /* no memory for a merge sort: stable insertion sort in place */
    free(t2);
    free(id2);
    for (; i < n; i++) {
      double t = s->t[i];
      uint32_t id = s->id[i];
      size_t j = i;
      while (j > 0 && spike_less(t, id, s->t[j - 1], s->id[j - 1])) {
        s->t[j] = s->t[j - 1];
        s->id[j] = s->id[j - 1];
        j--;
      }
      s->t[j] = t;
      s->id[j] = id;
    }
    return;
  }
  /* bottom-up merge sort, ping-ponging between the two buffers */
  double *ta = s->t, *tb = t2;
  uint32_t *ia = s->id, *ib = id2;
  for (size_t w = 1; w < n; w *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * w) {
      size_t mid = lo + w < n ? lo + w : n;
      size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
      size_t a = lo, b = mid, k = lo;
      while (a < mid && b < hi) {
        if (spike_less(ta[b], ia[b], ta[a], ia[a])) {
          tb[k] = ta[b];
          ib[k++] = ia[b++];
        } else {
          tb[k] = ta[a];
          ib[k++] = ia[a++];
        }
      }
      while (a < mid) {
        tb[k] = ta[a];
        ib[k++] = ia[a++];
      }
      while (b < hi) {
        tb[k] = ta[b];
        ib[k++] = ia[b++];
      }
    }
    double *tt = ta;
    ta = tb;
    tb = tt;
    uint32_t *it = ia;
    ia = ib;
    ib = it;
    if (w > n / 2) break;
  }
  if (ta != s->t) {
    memcpy(s->t, ta, n * sizeof *ta);
    memcpy(s->id, ia, n * sizeof *ia);
  }
  free(t2);
  free(id2);
}

/* ------------------------------------------------------------ reading */

/* Shortest decimal of a time in ms (15..17 significant digits) that reads
 * back as the same double; as digits and a decimal exponent: t = 0.DIGITS *
 * 10^(exp10 + 1), i.e. D.IGITS * 10^exp10. */
static void shortest_digits(double t, char *digits, int *exp10, int *neg) {
  char buf[64];
  for (int p = 15; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p - 1, t);
    if (p == 17 || strtod(buf, NULL) == t) break;
  }
  const char *q = buf;
  *neg = *q == '-';
  if (*neg) q++;
  size_t n = 0;
  for (; *q && *q != 'e'; q++)
    if (*q != '.') digits[n++] = *q;
  while (n > 1 && digits[n - 1] == '0') n--;
  digits[n] = '\0';
  *exp10 = atoi(q + 1);
}

/* Format a time in ms as seconds, exactly (see the top of this file), in
 * plain notation for 1e-5 s <= |t| < 1e17 s, else with an exponent.  buf
 * needs SS_FMT_SECONDS_MAX bytes. */
void ss_format_seconds(double t_ms, char *buf) {
  if (!isfinite(t_ms)) {
    snprintf(buf, SS_FMT_SECONDS_MAX, "%g", t_ms);
    return;
  }
  if (t_ms == 0) {
    strcpy(buf, "0");
    return;
  }
  char d[24];
  int e, neg;
  shortest_digits(t_ms, d, &e, &neg);
  e -= 3;  /* ms -> s */
  int nd = (int)strlen(d);
  char *o = buf;
  if (neg) *o++ = '-';
  if (e >= -5 && e < 17) {
    if (e < 0) {
      *o++ = '0';
      *o++ = '.';
      for (int k = 0; k < -e - 1; k++) *o++ = '0';
      memcpy(o, d, (size_t)nd);
      o += nd;
    } else {
      for (int k = 0; k <= e; k++) *o++ = k < nd ? d[k] : '0';
      if (nd > e + 1) {
        *o++ = '.';
        memcpy(o, d + e + 1, (size_t)(nd - e - 1));
        o += nd - e - 1;
      }
    }
    *o = '\0';
  } else {
    *o++ = d[0];
    if (nd > 1) {
      *o++ = '.';
      memcpy(o, d + 1, (size_t)(nd - 1));
      o += nd - 1;
    }
    snprintf(o, (size_t)(buf + SS_FMT_SECONDS_MAX - o), "e%d", e);
  }
}

int ss_spikes_read(ss_spikes *out, const char *path, uint32_t n_ids, int sort,
                   ss_error *err) {
  out->n = 0;
  ss_textrows r;
  int rc = ss_textrows_open(&r, path, "spike file", err);
  if (rc) {
    ss_spikes_clear(out);
    return rc;
  }
  long prev_line = 0;
  while ((rc = ss_textrows_next(&r, 2, err)) == 1) {
    rc = SS_OK;
    if (r.nf == 1) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: field 'id': missing (expected 'time id', time in s)", path,
                        r.line);
      break;
    }
    if (r.nf == 3) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: unexpected third column '%.40s' (expected 'time id', time in s)",
                        path, r.line, r.f[2]);
      break;
    }
    double t;
    if ((rc = ss_textrows_seconds(&r, 0, "time", &t, err))) break;
    unsigned long long id;
    int urc = ss_textrows_uint(&r, 1, UINT32_MAX, &id);
    if (urc == SS_EPARSE) {
      rc = ss_error_set(err, SS_EPARSE, "%s:%ld: field 'id': expected a non-negative integer, got '%.40s'", path,
                        r.line, r.f[1]);
      break;
    }
    if (urc || id >= n_ids) {
      rc = ss_error_set(err, SS_ERANGE, "%s:%ld: field 'id': id %.40s out of range for a population of %lu", path,
                        r.line, r.f[1], (unsigned long)n_ids);
      break;
    }
    if (!sort && out->n && t < out->t[out->n - 1]) {
      char prev[SS_FMT_SECONDS_MAX];
      ss_format_seconds(out->t[out->n - 1], prev);
      rc = ss_error_set(err, SS_EPARSE,
                        "%s:%ld: field 'time': spikes must be sorted by time: %s s after %s s on line %ld; set "
                        "sort = yes to sort on load",
                        path, r.line, r.f[0], prev, prev_line);
      break;
    }
    if (ss_spikes_push(out, t, (uint32_t)id) != SS_OK) {
      rc = ss_error_set(err, SS_ENOMEM, "%s:%ld: out of memory", path, r.line);
      break;
    }
    prev_line = r.line;
  }
  ss_textrows_close(&r);
  if (rc != SS_OK) {
    ss_spikes_clear(out);
    return rc;
  }
  if (sort) ss_spikes_sort(out);
  return SS_OK;
}

/* ------------------------------------------------------------ writing */

int ss_spikes_write(const ss_spikes *s, const char *path, ss_error *err) {
  ss_afile f;
  int rc = ss_afile_open(&f, path, err);
  if (rc) return rc;
  char tb[SS_FMT_SECONDS_MAX];
  for (size_t i = 0; i < s->n; i++) {
    ss_format_seconds(s->t[i], tb);
    if (fprintf(f.fp, "%s %lu\n", tb, (unsigned long)s->id[i]) < 0) break;
  }
  return ss_afile_commit(&f, err);  /* reports any write error */
}
