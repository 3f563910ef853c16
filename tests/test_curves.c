/* test_curves.c - tables from text files, their aggregation over runs, and
 * numbers from summary.json (curves.h).  The input files are written by the
 * tests into a fresh temporary directory, removed at the end. */
#include <dirent.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "superspike/curves.h"
#include "testutil.h"

static char tmpdir[256];

/* Path of `name` in the temporary directory (two rotating buffers). */
static const char *tpath(const char *name) {
  static char buf[2][512];
  static int k;
  k ^= 1;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

/* Write `text` to `name` in the temporary directory; its path. */
static const char *put(const char *name, const char *text) {
  const char *p = tpath(name);
  FILE *fp = fopen(p, "w");
  ck_assert_ptr_nonnull(fp);
  fputs(text, fp);
  ck_assert_int_eq(fclose(fp), 0);
  return p;
}

static void read_ok(const char *name, const char *text, ss_curve *c) {
  ss_error err = {0};
  int rc = ss_curve_read(put(name, text), c, &err);
  ck_assert_msg(rc == SS_OK, "%s: %s", name, err.msg);
}

/* The message of a failing read of `text` must be `want` with every "@"
 * replaced by the file's path. */
static void read_bad(const char *name, const char *text, int code, const char *want) {
  char expect[1024], *o = expect;
  const char *path = put(name, text);
  for (const char *w = want; *w; ++w) {
    if (*w == '@') o += sprintf(o, "%s", path);
    else *o++ = *w;
  }
  *o = '\0';
  ss_curve c = {0};
  ss_error err = {0};
  ck_assert_int_eq(ss_curve_read(path, &c, &err), code);
  ck_assert_str_eq(err.msg, expect);
  ck_assert_ptr_null(c.data);
  ck_assert_uint_eq(c.n_rows, 0);
}

#define ck_close(a, b) ck_assert_msg(fabs((a) - (b)) <= 1e-14 * fmax(1.0, fabs(b)), "%.17g != %.17g", (a), (b))

/* ------------------------------------------------------------ reading */

START_TEST(test_read) {
  ss_curve c;
  read_ok("r.dat",
          "# learning curve\n# time cost\n\n  0.5 1e1\t-2 # trailing comment\n"
          "1\t20 -3e-3\r\n   \n# more\n1.5 nan inf\n",
          &c);
  ck_assert_uint_eq(c.n_rows, 3);
  ck_assert_uint_eq(c.n_cols, 3);
  ck_assert_str_eq(c.source, tpath("r.dat"));
  ck_assert_uint_eq(c.line[0], 4);
  ck_assert_uint_eq(c.line[1], 5);
  ck_assert_uint_eq(c.line[2], 8);
  ck_assert_double_eq(ss_curve_at(&c, 0, 0), 0.5);
  ck_assert_double_eq(ss_curve_at(&c, 0, 1), 10.0);
  ck_assert_double_eq(ss_curve_at(&c, 0, 2), -2.0);
  ck_assert_double_eq(ss_curve_at(&c, 1, 2), -3e-3);
  ck_assert(isnan(ss_curve_at(&c, 2, 1)));
  ck_assert(isinf(ss_curve_at(&c, 2, 2)));
  ss_curve_clear(&c);
  ck_assert_ptr_null(c.data);
  ck_assert_ptr_null(c.source);
  ss_curve_clear(&c); /* twice is fine */
  ss_curve_clear(NULL);
}
END_TEST

START_TEST(test_read_errors) {
  read_bad("fewer.dat", "# t a b\n0 1 2\n1 2 3\n\n2 3\n", SS_EPARSE,
           "@:5: column 3: missing (line 2 has 3 columns)");
  read_bad("more.dat", "0 1\n# c\n1 2 3\n", SS_EPARSE,
           "@:3: column 3: one column too many (line 1 has 2 columns)");
  read_bad("word.dat", "0 1 2\n1 2 x3\n", SS_EPARSE, "@:2: column 3: 'x3' is not a number");
  read_bad("suffix.dat", "0 1.5ms\n", SS_EPARSE, "@:1: column 2: '1.5ms' is not a number");
  read_bad("long.dat", "0 12345678901234567890123456789012345678901234567890\n1 x\n", SS_EPARSE,
           "@:2: column 2: 'x' is not a number");
  read_bad("long2.dat", "0 a12345678901234567890123456789012345678901234567890\n", SS_EPARSE,
           "@:1: column 2: 'a123456789012345678901234567890123456...' is not a number");
  read_bad("huge.dat", "0 1\n1 1e999\n", SS_EPARSE, "@:2: column 2: value out of range");
  read_bad("empty.dat", "", SS_EPARSE, "@: no data rows");
  read_bad("comments.dat", "# only\n\n   \n#\n", SS_EPARSE, "@: no data rows");

  ss_curve c = {0};
  ss_error err = {0};
  ck_assert_int_eq(ss_curve_read(tpath("does-not-exist.dat"), &c, &err), SS_EIO);
  char want[600];
  snprintf(want, sizeof want, "%s: cannot open: No such file or directory", tpath("does-not-exist.dat"));
  ck_assert_str_eq(err.msg, want);
}
END_TEST

/* ------------------------------------------------------------ aggregation */

/* Three runs, hand-computed statistics of column 1:
 *   row 1: 1 3 8 -> mean 4, sd sqrt(26/2), median 3, min 1, max 8
 *   row 2: 2 6 1 -> mean 3, sd sqrt(14/2), median 2
 *   row 3: 3 4 5 -> mean 4, sd 1,          median 4
 * and of column 2: row 1: 10 30 20 -> mean 20, sd 10, median 20. */
START_TEST(test_aggregate) {
  ss_curve r[3], a;
  read_ok("a.dat", "# t cost x\n0.5 1 10\n1 2 0\n1.5 3 0\n", &r[0]);
  read_ok("b.dat", "0.5 3 30\n1 6 0\n1.5 4 0\n", &r[1]);
  read_ok("c.dat", "# other header\n0.5 8 20\n1.0000000000000002 1 0\n1.5 5 0\n", &r[2]);
  ss_error err = {0};
  ck_assert_int_eq(ss_curves_aggregate(r, 3, 1, &a, &err), SS_OK);
  ck_assert_uint_eq(a.n_rows, 3);
  ck_assert_uint_eq(a.n_cols, SS_AGG_COLS);
  ck_assert_ptr_null(a.source);
  ck_assert_ptr_null(a.line);
  static const double want[3][7] = {{0.5, 4, 0, 1, 8, 3, 3}, {1, 3, 0, 1, 6, 2, 3}, {1.5, 4, 1, 3, 5, 4, 3}};
  const double sd[3] = {sqrt(13.0), sqrt(7.0), 1.0};
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 7; ++j) {
      double w = j == SS_AGG_SD ? sd[i] : want[i][j];
      ck_close(ss_curve_at(&a, i, j), w);
    }
  }
  ss_curve_clear(&a);

  ck_assert_int_eq(ss_curves_aggregate(r, 3, 2, &a, &err), SS_OK);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MEAN), 20.0);
  ck_close(ss_curve_at(&a, 0, SS_AGG_SD), 10.0);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MEDIAN), 20.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_SD), 0.0);
  ss_curve_clear(&a);

  /* even count: median = mean of the middle two; one run: sd 0 */
  ck_assert_int_eq(ss_curves_aggregate(r, 2, 1, &a, &err), SS_OK);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MEAN), 2.0);
  ck_close(ss_curve_at(&a, 0, SS_AGG_SD), sqrt(2.0));
  ck_close(ss_curve_at(&a, 0, SS_AGG_MEDIAN), 2.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_MEDIAN), 4.0);
  ck_close(ss_curve_at(&a, 2, SS_AGG_N), 2.0);
  ss_curve_clear(&a);
  ck_assert_int_eq(ss_curves_aggregate(r + 2, 1, 1, &a, &err), SS_OK);
  ck_close(ss_curve_at(&a, 1, SS_AGG_T), 1.0000000000000002);
  ck_close(ss_curve_at(&a, 1, SS_AGG_MEAN), 1.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_SD), 0.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_MEDIAN), 1.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_N), 1.0);
  ss_curve_clear(&a);
  for (int k = 0; k < 3; ++k) ss_curve_clear(&r[k]);
}
END_TEST

START_TEST(test_aggregate_nonfinite) {
  ss_curve r[3], a;
  read_ok("n1.dat", "0 1\n1 nan\n", &r[0]);
  read_ok("n2.dat", "0 inf\n1 -inf\n", &r[1]);
  read_ok("n3.dat", "0 4\n1 nan\n", &r[2]);
  ck_assert_int_eq(ss_curves_aggregate(r, 3, 1, &a, NULL), SS_OK);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MEAN), 2.5);
  ck_close(ss_curve_at(&a, 0, SS_AGG_N), 2.0);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MIN), 1.0);
  ck_close(ss_curve_at(&a, 0, SS_AGG_MAX), 4.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_N), 0.0);
  for (int j = SS_AGG_MEAN; j <= SS_AGG_MEDIAN; ++j) ck_assert(isnan(ss_curve_at(&a, 1, (size_t)j)));
  ss_curve_clear(&a);
  for (int k = 0; k < 3; ++k) ss_curve_clear(&r[k]);
}
END_TEST

START_TEST(test_aggregate_mismatch) {
  ss_curve r[3], a = {0};
  read_ok("m1.dat", "0.5 1\n1 2\n1.5 3\n", &r[0]);
  read_ok("m2.dat", "0.5 1\n1 2\n1.5 3\n", &r[1]);
  read_ok("m3.dat", "# t c\n0.5 1\n1.25 2\n1.5 3\n", &r[2]);
  ss_error err = {0};
  ck_assert_int_eq(ss_curves_aggregate(r, 3, 1, &a, &err), SS_EINVAL);
  char want[700];
  snprintf(want, sizeof want, "run 2 (%s:3), row 2: time 1.25 differs from 1 in run 0", tpath("m3.dat"));
  ck_assert_str_eq(err.msg, want);
  ck_assert_ptr_null(a.data);
  ck_assert_uint_eq(a.n_rows, 0);

  /* a difference just beyond the tolerance is caught too */
  ss_curve_clear(&r[2]);
  read_ok("m4.dat", "0.5 1\n1.000000000001 2\n1.5 3\n", &r[2]);
  ck_assert_int_eq(ss_curves_aggregate(r, 3, 1, &a, &err), SS_EINVAL);

  /* tables made in memory are named by their index only */
  double d0[] = {0, 1, 2, 2}, d1[] = {0, 1, 3, 2};
  ss_curve m[2] = {{d0, 2, 2, NULL, NULL}, {d1, 2, 2, NULL, NULL}};
  ck_assert_int_eq(ss_curves_aggregate(m, 2, 1, &a, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "run 1, row 2: time 3 differs from 2 in run 0");

  /* bad column, no runs */
  ck_assert_int_eq(ss_curves_aggregate(m, 2, 2, &a, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "run 0: no column 3 (2 columns)");
  ck_assert_int_eq(ss_curves_aggregate(r, 2, 5, &a, &err), SS_EINVAL);
  snprintf(want, sizeof want, "run 0 (%s): no column 6 (2 columns)", tpath("m1.dat"));
  ck_assert_str_eq(err.msg, want);
  ck_assert_int_eq(ss_curves_aggregate(m, 0, 1, &a, &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "aggregate: no runs");
  for (int k = 0; k < 3; ++k) ss_curve_clear(&r[k]);
}
END_TEST

/* Runs of different lengths: the common prefix, and the number of rows left
 * out as the (positive) return value. */
START_TEST(test_aggregate_lengths) {
  ss_curve r[3], a;
  read_ok("l1.dat", "0 1\n1 2\n2 3\n3 4\n", &r[0]);
  read_ok("l2.dat", "0 3\n1 4\n", &r[1]);
  read_ok("l3.dat", "0 5\n1 6\n2 7\n", &r[2]);
  ck_assert_int_eq(ss_curves_aggregate(r, 3, 1, &a, NULL), 2);
  ck_assert_uint_eq(a.n_rows, 2);
  ck_close(ss_curve_at(&a, 1, SS_AGG_MEAN), 4.0);
  ck_close(ss_curve_at(&a, 1, SS_AGG_N), 3.0);
  ss_curve_clear(&a);
  ck_assert_int_eq(ss_curves_aggregate(r + 1, 2, 1, &a, NULL), 1);
  ck_assert_uint_eq(a.n_rows, 2);
  ss_curve_clear(&a);
  for (int k = 0; k < 3; ++k) ss_curve_clear(&r[k]);
}
END_TEST

/* ------------------------------------------------------------ writing */

START_TEST(test_write_round_trip) {
  double d[] = {0.1,  1.0 / 3.0, -0.0,     1e-300, 4.9e-324, NAN,     INFINITY,
                -INFINITY, 123456789012345678.0, 2.5,  -7e22, 1e-5};
  ss_curve c = {d, 3, 4, NULL, NULL}, b;
  ss_error err = {0};
  const char *path = tpath("w.dat");
  ck_assert_int_eq(ss_curve_write(&c, path, "mean curve\n# already a comment\nt a b c", &err), SS_OK);
  ck_assert_int_eq(ss_curve_read(path, &b, &err), SS_OK);
  ck_assert_uint_eq(b.n_rows, 3);
  ck_assert_uint_eq(b.n_cols, 4);
  for (size_t i = 0; i < 12; ++i) {
    if (isnan(d[i])) ck_assert(isnan(b.data[i]));
    else ck_assert_mem_eq(&b.data[i], &d[i], sizeof d[i]); /* bit for bit, -0 included */
  }
  ck_assert_uint_eq(b.line[0], 4);
  ss_curve_clear(&b);

  FILE *fp = fopen(path, "r");
  ck_assert_ptr_nonnull(fp);
  char line[256];
  ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
  ck_assert_str_eq(line, "# mean curve\n");
  ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
  ck_assert_str_eq(line, "# already a comment\n");
  ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
  ck_assert_str_eq(line, "# t a b c\n");
  ck_assert_ptr_nonnull(fgets(line, sizeof line, fp));
  ck_assert_str_eq(line, "0.1 0.3333333333333333 -0 1e-300\n"); /* shortest round-trip forms */
  fclose(fp);

  /* no header, no rows */
  ss_curve e = {0};
  ck_assert_int_eq(ss_curve_write(&e, tpath("e.dat"), NULL, &err), SS_OK);
  ck_assert_int_eq(ss_curve_read(tpath("e.dat"), &b, &err), SS_EPARSE);

  /* an unwritable place: error, and nothing left behind */
  ck_assert_int_ne(ss_curve_write(&c, tpath("no-such-dir/w.dat"), NULL, &err), SS_OK);
  ck_assert_ptr_nonnull(strstr(err.msg, "no-such-dir"));

  DIR *dir = opendir(tmpdir);
  struct dirent *de;
  while ((de = readdir(dir))) ck_assert_msg(!strstr(de->d_name, ".tmp."), "left over: %s", de->d_name);
  closedir(dir);
}
END_TEST

/* ------------------------------------------------------------ summary.json */

static const char summary[] =
    "{\n  \"command\": \"train\",\n  \"config_hash\": \"76e7541e704ce8ea\",\n  \"seed\": 17,\n"
    "  \"engine\": \"event\",\n  \"duration_s\": 10,\n  \"windows\": 20,\n"
    "  \"initial_cost\": 40.06991268,\n  \"final_cost\": 41.8805771,\n  \"wall_s\": 0.004416,\n"
    "  \"events\": 9205,\n  \"bad\": nan,\n  \"text\": \"x\"\n}\n";

START_TEST(test_summary) {
  const char *path = put("summary.json", summary);
  ss_error err = {0};
  double v = -1;
  ck_assert_int_eq(ss_summary_number(path, "final_cost", &v, &err), SS_OK);
  ck_assert_double_eq(v, 41.8805771);
  ck_assert_int_eq(ss_summary_number(path, "initial_cost", &v, &err), SS_OK);
  ck_assert_double_eq(v, 40.06991268);
  ck_assert_int_eq(ss_summary_number(path, "seed", &v, &err), SS_OK);
  ck_assert_double_eq(v, 17);
  ck_assert_int_eq(ss_summary_number(path, "wall_s", &v, &err), SS_OK);
  ck_assert_double_eq(v, 0.004416);
  ck_assert_int_eq(ss_summary_number(path, "bad", &v, &err), SS_OK);
  ck_assert(isnan(v));

  char want[700];
  v = 5;
  ck_assert_int_eq(ss_summary_number(path, "cost", &v, &err), SS_EINVAL);
  snprintf(want, sizeof want, "%s: no key \"cost\"", path);
  ck_assert_str_eq(err.msg, want);
  ck_assert_double_eq(v, 5);
  ck_assert_int_eq(ss_summary_number(path, "final_cost_x", &v, &err), SS_EINVAL);
  ck_assert_int_eq(ss_summary_number(path, "train", &v, &err), SS_EINVAL); /* a value, not a key */
  ck_assert_int_eq(ss_summary_number(path, "command", &v, &err), SS_EPARSE);
  snprintf(want, sizeof want, "%s:2: \"command\": not a number", path);
  ck_assert_str_eq(err.msg, want);
  ck_assert_double_eq(v, 5);

  /* nested values and escapes are skipped; the first occurrence counts */
  path = put("nested.json",
             "{\"a\": {\"final_cost\": 1, \"b\": [1, {\"c\": \"}\"}, []]}, \"s\": \"q\\\"final_cost\\\": 2\",\n"
             " \"fin\\u0061l_cost\": 3e-2, \"final_cost\": 4}");
  ck_assert_int_eq(ss_summary_number(path, "final_cost", &v, &err), SS_OK);
  ck_assert_double_eq(v, 3e-2);

  v = 5;
  ck_assert_int_eq(ss_summary_number(put("empty.json", "{ }"), "x", &v, &err), SS_EINVAL);
  path = put("broken.json", "{\n  \"a\": 1,\n  \"b\" 2\n}\n");
  ck_assert_int_eq(ss_summary_number(path, "b", &v, &err), SS_EPARSE);
  snprintf(want, sizeof want, "%s:3: malformed JSON: expected ':'", path);
  ck_assert_str_eq(err.msg, want);
  path = put("list.json", "[1, 2]");
  ck_assert_int_eq(ss_summary_number(path, "b", &v, &err), SS_EPARSE);
  snprintf(want, sizeof want, "%s:1: malformed JSON: expected '{'", path);
  ck_assert_str_eq(err.msg, want);
  path = put("cut.json", "{\"a\": \"abc");
  ck_assert_int_eq(ss_summary_number(path, "b", &v, &err), SS_EPARSE);
  ck_assert_ptr_nonnull(strstr(err.msg, "unterminated string"));
  ck_assert_int_eq(ss_summary_number(put("zero.json", ""), "b", &v, &err), SS_EPARSE);
  ck_assert_int_eq(ss_summary_number(tpath("none.json"), "b", &v, &err), SS_EIO);
  ck_assert_double_eq(v, 5);
}
END_TEST

static void remove_tmpdir(void) {
  DIR *dir = opendir(tmpdir);
  if (!dir) return;
  struct dirent *de;
  while ((de = readdir(dir)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) unlink(tpath(de->d_name));
  closedir(dir);
  rmdir(tmpdir);
}

int main(void) {
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/ss-curves.XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 99;
  }
  Suite *s = suite_create("curves");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_read);
  tcase_add_test(tc, test_read_errors);
  tcase_add_test(tc, test_aggregate);
  tcase_add_test(tc, test_aggregate_nonfinite);
  tcase_add_test(tc, test_aggregate_mismatch);
  tcase_add_test(tc, test_aggregate_lengths);
  tcase_add_test(tc, test_write_round_trip);
  tcase_add_test(tc, test_summary);
  suite_add_tcase(s, tc);
  int rc = ss_test_run(s);
  remove_tmpdir();
  return rc;
}
