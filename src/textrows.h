/* textrows.h - line-oriented text tables (spike files, stimulus files):
 * blank lines and '#' comments skipped, fields split on blanks, times in
 * seconds read exactly, every error naming FILE:LINE and the field
 * (internal to the library). */
#ifndef SS_TEXTROWS_H
#define SS_TEXTROWS_H

#include <stddef.h>
#include <stdio.h>

#include "superspike/error.h"

#define SS_TEXTROWS_LINE_MAX 1023 /* characters before any comment */
#define SS_TEXTROWS_FIELDS 8

typedef struct ss_textrows {
  FILE *fp;
  const char *path;
  long line;                      /* number of the current line (1-based) */
  int nf;                         /* fields of the current row */
  char *f[SS_TEXTROWS_FIELDS];    /* NUL-terminated fields */
  size_t fl[SS_TEXTROWS_FIELDS];
  char buf[SS_TEXTROWS_LINE_MAX + 2];
} ss_textrows;

/* Open `path`; `what` names the file kind in the error ("PATH: cannot open
 * WHAT: reason", SS_EIO). */
int ss_textrows_open(ss_textrows *r, const char *path, const char *what, ss_error *err);
void ss_textrows_close(ss_textrows *r);

/* The next row with at least one field, split into at most max_fields + 1
 * fields (nf = max_fields + 1 flags an extra column; max_fields <
 * SS_TEXTROWS_FIELDS).  Returns 1, 0 at the end of the file, or a negative
 * code after "FILE:LINE: read error / line too long / NUL byte". */
int ss_textrows_next(ss_textrows *r, int max_fields, ss_error *err);

/* Field k of the row as a time in seconds, converted to ms with a single
 * rounding (ss_parse_decimal): finite and >= 0, else "FILE:LINE: field
 * 'NAME': ..." (SS_EPARSE, SS_ERANGE). */
int ss_textrows_seconds(ss_textrows *r, int k, const char *name, double *t_ms, ss_error *err);

/* Field k as a decimal integer (digits only) <= max: 0, SS_EPARSE if it is
 * not digits, SS_ERANGE if larger (no message: the caller words it). */
int ss_textrows_uint(const ss_textrows *r, int k, unsigned long long max, unsigned long long *v);

#endif
