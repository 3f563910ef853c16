/* textrows.c - the row reader shared by the spike and stimulus files
 * (textrows.h). */
#include <errno.h>
#include <string.h>

#include "superspike/config.h"
#include "textrows.h"

int ss_textrows_open(ss_textrows *r, const char *path, const char *what, ss_error *err) {
  r->path = path;
  r->line = 0;
  r->nf = 0;
  r->fp = fopen(path, "r");
  if (!r->fp) return ss_error_set(err, SS_EIO, "%s: cannot open %s: %s", path, what, strerror(errno));
  return SS_OK;
}

void ss_textrows_close(ss_textrows *r) {
  if (r->fp) fclose(r->fp);
  r->fp = NULL;
}

static int is_blank(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

enum { LINE_OK = 1, LINE_EOF = 0, LINE_LONG = -1, LINE_NUL = -2, LINE_ERR = -3 };

/* One line into buf, without its newline and any '#' comment. */
static int read_line(FILE *fp, char *buf, size_t cap) {
  size_t n = 0;
  int any = 0, comment = 0, status = LINE_OK, c;
  while ((c = getc_unlocked(fp)) != EOF) {
    any = 1;
    if (c == '\n') break;
    if (comment) continue;
    if (c == '#') comment = 1;
    else if (c == '\0') status = LINE_NUL;
    else if (n + 1 < cap) buf[n++] = (char)c;
    else status = LINE_LONG;
  }
  buf[n] = '\0';
  if (c == EOF && ferror(fp)) return LINE_ERR;
  return any ? status : LINE_EOF;
}

int ss_textrows_next(ss_textrows *r, int max_fields, ss_error *err) {
  int st;
  while ((st = read_line(r->fp, r->buf, sizeof r->buf)) != LINE_EOF) {
    r->line++;
    if (st == LINE_ERR) return ss_error_set(err, SS_EIO, "%s:%ld: read error: %s", r->path, r->line, strerror(errno));
    if (st == LINE_LONG)
      return ss_error_set(err, SS_EPARSE, "%s:%ld: line too long (more than %d characters before any comment)",
                          r->path, r->line, SS_TEXTROWS_LINE_MAX);
    if (st == LINE_NUL)
      return ss_error_set(err, SS_EPARSE, "%s:%ld: NUL byte in line (not a text file?)", r->path, r->line);
    char *p = r->buf;
    r->nf = 0;
    while (r->nf <= max_fields) {
      while (is_blank(*p)) p++;
      if (!*p) break;
      char *a = p;
      while (*p && !is_blank(*p)) p++;
      r->f[r->nf] = a;
      r->fl[r->nf] = (size_t)(p - a);
      r->nf++;
      if (*p) *p++ = '\0';
    }
    if (r->nf) return 1;
  }
  return 0;
}

int ss_textrows_seconds(ss_textrows *r, int k, const char *name, double *t_ms, ss_error *err) {
  int prc = ss_parse_decimal(r->f[k], r->fl[k], 3, t_ms);
  if (prc == SS_ENOMEM) return ss_error_set(err, SS_ENOMEM, "%s:%ld: out of memory", r->path, r->line);
  if (prc)
    return ss_error_set(err, prc == SS_ERANGE ? SS_ERANGE : SS_EPARSE,
                        "%s:%ld: field '%s': expected a finite number of seconds, got '%.40s'", r->path, r->line,
                        name, r->f[k]);
  if (*t_ms < 0)
    return ss_error_set(err, SS_ERANGE, "%s:%ld: field '%s': negative %s '%.40s' (%ss must be >= 0 s)", r->path,
                        r->line, name, name, r->f[k], name);
  return SS_OK;
}

int ss_textrows_uint(const ss_textrows *r, int k, unsigned long long max, unsigned long long *v) {
  const char *q = r->f[k];
  unsigned long long x = 0;
  int big = 0;
  for (; *q >= '0' && *q <= '9'; q++) {
    x = x * 10 + (unsigned)(*q - '0');
    if (x > max) {
      big = 1;
      x = max; /* keep scanning: a non-digit later is a parse error */
    }
  }
  if (*q || q == r->f[k]) return SS_EPARSE;
  if (big) return SS_ERANGE;
  *v = x;
  return SS_OK;
}
