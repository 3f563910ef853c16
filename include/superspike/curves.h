/* curves.h - numeric tables from result files, and their aggregation over
 * runs (the learning curves of a multi-seed sweep).
 *
 * A curve is a rectangular table of doubles read from a whitespace-separated
 * text file such as learning_curve.dat: lines whose first non-blank
 * character is '#' and blank lines are skipped, a '#' after the last field of
 * a data line starts a trailing comment, and every data line must have the
 * same number of fields.  Column 0 is the abscissa (time) by convention.
 *
 * Several curves of the same shape (one per seed) are aggregated row by row
 * into one table `t mean sd min max median n`, which is what the sweep
 * command writes as mean_curve.dat and the plots draw.
 *
 * The functions return SS_OK (0) or a negative status from error.h and fill
 * the optional ss_error with a message naming the file, line and column. */
#ifndef SUPERSPIKE_CURVES_H
#define SUPERSPIKE_CURVES_H

#include <stddef.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A table of n_rows x n_cols doubles, row-major: the value in row r, column
 * c (both 0-based) is data[r * n_cols + c].  `line` holds, for every row,
 * the 1-based line of the file it came from, and `source` the file name;
 * both are NULL for a table made in memory (such as an aggregate).  A
 * zero-initialised ss_curve ({0}) is a valid empty table. */
typedef struct ss_curve {
  double *data;
  size_t n_rows, n_cols;
  size_t *line;
  char *source;
} ss_curve;

/* Columns of the table made by ss_curves_aggregate. */
enum {
  SS_AGG_T = 0,      /* abscissa, from the first run */
  SS_AGG_MEAN = 1,   /* mean over the runs */
  SS_AGG_SD = 2,     /* sample standard deviation (n - 1 denominator), 0 if n = 1 */
  SS_AGG_MIN = 3,
  SS_AGG_MAX = 4,
  SS_AGG_MEDIAN = 5, /* middle value, or the mean of the two middle values */
  SS_AGG_N = 6,      /* number of runs with a finite value in this row */
  SS_AGG_COLS = 7
};

/* Value in row `row`, column `col` (0-based; not range-checked). */
static inline double ss_curve_at(const ss_curve *c, size_t row, size_t col) {
  return c->data[row * c->n_cols + col];
}

/* Read the table in `path` into `c`.  Every field must be a number as
 * accepted by strtod (so "nan" and "inf" are numbers; a value that overflows
 * a double is not) and every data line must have as many fields as the
 * first.  Whatever `c` held before is overwritten, not freed: clear it first
 * when reusing it.  On success `c` owns its arrays (free them with
 * ss_curve_clear); on error `c` is left empty and `err` says
 *   "PATH: cannot open: REASON"                              (SS_EIO)
 *   "PATH:LINE: column N: 'TEXT' is not a number"            (SS_EPARSE)
 *   "PATH:LINE: column N: value out of range"                (SS_EPARSE)
 *   "PATH:LINE: column N: missing (line L has M columns)"    (SS_EPARSE)
 *   "PATH:LINE: column N: one column too many (line L has M columns)"
 *                                                            (SS_EPARSE)
 *   "PATH: no data rows"                                     (SS_EPARSE)
 * with N counted from 1, L the first data line and M its column count. */
int ss_curve_read(const char *path, ss_curve *c, ss_error *err);

/* Free the arrays of `c` and make it an empty table.  NULL is allowed. */
void ss_curve_clear(ss_curve *c);

/* Aggregate column `col` (0-based; the learning curve's cost is column 1) of
 * the n_runs >= 1 tables `runs` row by row: row r of `out` is
 *   t mean sd min max median n
 * (see SS_AGG_*) over the values runs[k] row r, column col.  Rows are
 * matched by index, and column 0 must agree: every run's abscissa must equal
 * that of run 0 within a relative 1e-12, otherwise the call fails with
 * SS_EINVAL and the message
 *   "run K (PATH:LINE), row R: time T differs from T0 in run 0"
 * (K and R 0- and 1-based; the parenthesis is left out for a table not read
 * from a file; T and T0 printed with %.17g).  Non-finite values (nan, inf)
 * are left out of a row's statistics and so do not count in n; a row where
 * no run has a finite value gets n = 0 and nan in every statistic.
 *
 * Runs of different lengths are aggregated over their common prefix (the
 * length of the shortest run), and the return value says so: it is the
 * number of rows of the longest run that were left out, 0 if all runs have
 * the same length.  So the return value is SS_OK when every row was used,
 * positive when the runs were truncated, negative on error (SS_EINVAL: no
 * runs, or `col` not a column of every run; SS_ENOMEM).
 *
 * `out` is overwritten like in ss_curve_read (its `line` and `source` are
 * NULL); on error it is left empty.  The result does not depend on anything
 * but the values and their order. */
int ss_curves_aggregate(const ss_curve *runs, size_t n_runs, size_t col, ss_curve *out, ss_error *err);

/* Write `c` to `path` atomically (temporary file + rename, see
 * atomicfile.h): first `header`, if not NULL, one comment line per line of
 * it (each prefixed "# " unless it already starts with '#'), then one line
 * per row with the values separated by single spaces.  Each value is the
 * shortest decimal (at most 17 significant digits) that reads back as the
 * same double, so write -> ss_curve_read round-trips exactly, nan and inf
 * included.  A table with no rows writes just the header. */
int ss_curve_write(const ss_curve *c, const char *path, const char *header, ss_error *err);

/* Look up the number stored under `key` in the JSON object in `path` (as
 * written by `superspike train` in summary.json) and store it in *out.
 * The file must hold one JSON object; members with other keys may have any
 * JSON value (nested ones are skipped), the one looked up must be a number
 * (strtod syntax, so nan and inf written by printf are accepted).  If the
 * key occurs more than once the first one counts.  Errors:
 *   "PATH: cannot open: REASON"                              (SS_EIO)
 *   "PATH:LINE: malformed JSON: WHAT"                        (SS_EPARSE)
 *   "PATH:LINE: \"KEY\": not a number"                       (SS_EPARSE)
 *   "PATH: no key \"KEY\""                                   (SS_EINVAL)
 * *out is left untouched on error. */
int ss_summary_number(const char *path, const char *key, double *out, ss_error *err);

#ifdef __cplusplus
}
#endif
#endif
