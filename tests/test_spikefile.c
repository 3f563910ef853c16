/* test_spikefile.c - spike arrays, the `time id` reader and writer, and the
 * atomic file writer they use.  Files are written under a fresh mkdtemp
 * directory that every test removes again. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "superspike/atomicfile.h"
#include "superspike/spikefile.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static char tmpdir[256];

static void make_tmpdir(void) {
  snprintf(tmpdir, sizeof tmpdir, "/tmp/ss_test_spikefile.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Remove the files (and one level of subdirectories) of tmpdir, then it. */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[512];
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (unlink(p) != 0) remove_tree(p);
  }
  closedir(d);
  rmdir(dir);
}

static void cleanup_tmpdir(void) { remove_tree(tmpdir); }

static const char *tmp_path(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static const char *write_text(const char *name, const char *text, size_t len) {
  const char *p = tmp_path(name);
  FILE *fp = fopen(p, "wb");
  ck_assert_ptr_nonnull(fp);
  ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
  ck_assert_int_eq(fclose(fp), 0);
  return p;
}

static const char *write_str(const char *name, const char *text) {
  return write_text(name, text, strlen(text));
}

/* Whole content of a file (static buffer). */
static const char *slurp(const char *path) {
  static char buf[1 << 16];
  FILE *fp = fopen(path, "rb");
  ck_assert_ptr_nonnull(fp);
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  return buf;
}

/* Number of entries of a directory (without . and ..). */
static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

/* splitmix64, for test data */
static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* ------------------------------------------------------------ arrays */

START_TEST(test_push_grow_clear) {
  ss_spikes s;
  ss_spikes_init(&s);
  ck_assert_uint_eq(s.n, 0);
  for (uint32_t i = 0; i < 10000; i++)
    ck_assert_int_eq(ss_spikes_push(&s, 0.5 * i, i % 7), SS_OK);
  ck_assert_uint_eq(s.n, 10000);
  ck_assert_uint_ge(s.cap, s.n);
  for (size_t i = 0; i < s.n; i++) {
    ck_assert(s.t[i] == 0.5 * (double)i);
    ck_assert_uint_eq(s.id[i], i % 7);
  }
  ss_spikes_clear(&s);
  ck_assert_ptr_null(s.t);
  ck_assert_ptr_null(s.id);
  ck_assert_uint_eq(s.n, 0);
  ss_spikes_clear(&s);  /* twice is fine */
}
END_TEST

START_TEST(test_sort) {
  ss_spikes s;
  ss_spikes_init(&s);
  uint64_t seed = 42, sum_t = 0, sum_id = 0;
  const size_t n = 5000;
  for (size_t i = 0; i < n; i++) {
    double t = (double)(mix(&seed) % 50);  /* many ties in time */
    uint32_t id = (uint32_t)(mix(&seed) % 20);
    sum_t += (uint64_t)t;
    sum_id += id;
    ss_spikes_push(&s, t, id);
  }
  ss_spikes_sort(&s);
  uint64_t st = 0, si = 0;
  for (size_t i = 0; i < n; i++) {
    st += (uint64_t)s.t[i];
    si += s.id[i];
    if (i) {
      ck_assert(s.t[i - 1] <= s.t[i]);
      if (s.t[i - 1] == s.t[i]) ck_assert_uint_le(s.id[i - 1], s.id[i]);
    }
  }
  ck_assert_uint_eq(st, sum_t);
  ck_assert_uint_eq(si, sum_id);
  ss_spikes_sort(&s);  /* sorted input stays put */
  ck_assert(s.t[0] == 0.0);
  ss_spikes_clear(&s);

  /* small cases */
  ss_spikes_init(&s);
  ss_spikes_sort(&s);
  ss_spikes_push(&s, 2.0, 1);
  ss_spikes_push(&s, 1.0, 5);
  ss_spikes_push(&s, 1.0, 3);
  ss_spikes_sort(&s);
  ck_assert(s.t[0] == 1.0 && s.id[0] == 3);
  ck_assert(s.t[1] == 1.0 && s.id[1] == 5);
  ck_assert(s.t[2] == 2.0 && s.id[2] == 1);
  ss_spikes_clear(&s);
}
END_TEST

/* ------------------------------------------------------------ reading */

START_TEST(test_read_good) {
  make_tmpdir();
  char longcomment[3000];
  memset(longcomment, 'c', sizeof longcomment - 1);
  longcomment[0] = '#';
  longcomment[sizeof longcomment - 1] = '\0';
  char text[4096];
  snprintf(text, sizeof text,
           "# spikes of a test\n"
           "\n"
           "0 0\n"
           "1e-3 1\r\n"
           "  0.0123\t5   \n"
           "0.0123 2 # trailing comment\n"
           "\t\r\n"
           "%s\n"
           "   # indented comment\n"
           "2.5E0\t\t99\n"
           "2.5 0",  /* no final newline */
           longcomment);
  const char *p = write_str("good.ras", text);
  ss_spikes s;
  ss_spikes_init(&s);
  ss_error err;
  ss_error_clear(&err);
  ck_assert_msg(ss_spikes_read(&s, p, 100, 0, &err) == SS_OK, "%s", err.msg);
  ck_assert_uint_eq(s.n, 6);
  /* exact: one rounding from the decimal seconds to ms */
  ck_assert(s.t[0] == 0.0 && s.id[0] == 0);
  ck_assert(s.t[1] == 1.0 && s.id[1] == 1);
  ck_assert(s.t[2] == 12.3 && s.id[2] == 5);
  ck_assert(s.t[3] == 12.3 && s.id[3] == 2);
  ck_assert(s.t[4] == 2500.0 && s.id[4] == 99);
  ck_assert(s.t[5] == 2500.0 && s.id[5] == 0);
  ss_spikes_clear(&s);

  /* an empty file and a comments-only file are empty trains */
  ss_spikes_init(&s);
  ck_assert_int_eq(ss_spikes_read(&s, write_str("e.ras", ""), 1, 0, &err), SS_OK);
  ck_assert_uint_eq(s.n, 0);
  ck_assert_int_eq(ss_spikes_read(&s, write_str("c.ras", "# x\n\n"), 1, 0, &err),
                   SS_OK);
  ck_assert_uint_eq(s.n, 0);
  /* reading replaces earlier content */
  ss_spikes_push(&s, 7.0, 0);
  ck_assert_int_eq(ss_spikes_read(&s, write_str("o.ras", "0.001 0\n"), 1, 0, &err),
                   SS_OK);
  ck_assert_uint_eq(s.n, 1);
  ck_assert(s.t[0] == 1.0);
  ss_spikes_clear(&s);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_read_sort_option) {
  make_tmpdir();
  const char *p = write_str("u.ras", "# header\n\n0.7 1\n0.5 2\n0.5 0\n0.9 3\n");
  ss_spikes s;
  ss_spikes_init(&s);
  ss_error err;
  ss_error_clear(&err);
  ck_assert_int_eq(ss_spikes_read(&s, p, 4, 0, &err), SS_EPARSE);
  char want[600];
  snprintf(want, sizeof want,
           "%s:4: field 'time': spikes must be sorted by time: 0.5 s after "
           "0.7 s on line 3; set sort = yes to sort on load",
           p);
  ck_assert_str_eq(err.msg, want);
  ck_assert_uint_eq(s.n, 0);
  ck_assert_ptr_null(s.t);

  ck_assert_int_eq(ss_spikes_read(&s, p, 4, 1, &err), SS_OK);
  ck_assert_uint_eq(s.n, 4);
  ck_assert(s.t[0] == 500.0 && s.id[0] == 0);
  ck_assert(s.t[1] == 500.0 && s.id[1] == 2);
  ck_assert(s.t[2] == 700.0 && s.id[2] == 1);
  ck_assert(s.t[3] == 900.0 && s.id[3] == 3);
  ss_spikes_clear(&s);

  /* equal times are sorted enough */
  p = write_str("eq.ras", "0.5 3\n0.5 1\n");
  ck_assert_int_eq(ss_spikes_read(&s, p, 4, 0, &err), SS_OK);
  ck_assert_uint_eq(s.n, 2);
  ck_assert_uint_eq(s.id[0], 3);
  ss_spikes_clear(&s);
  cleanup_tmpdir();
}
END_TEST

typedef struct bad_case {
  const char *text;
  uint32_t n_ids;
  int code;
  const char *msg;  /* expected after "PATH" */
} bad_case;

static const bad_case bad_cases[] = {
    {"0.1 3\n0.2\n", 10, SS_EPARSE, ":2: field 'id': missing"},
    {"0.1\t\r\n", 10, SS_EPARSE, ":1: field 'id': missing"},
    {"0.1 3 4\n", 10, SS_EPARSE, ":1: unexpected third column '4'"},
    {"0.1 3 x # c\n", 10, SS_EPARSE, ":1: unexpected third column 'x'"},
    {"abc 3\n", 10, SS_EPARSE,
     ":1: field 'time': expected a finite number of seconds, got 'abc'"},
    {"# c\nnan 1\n", 10, SS_EPARSE, ":2: field 'time': expected a finite number"
                                    " of seconds, got 'nan'"},
    {"inf 1\n", 10, SS_EPARSE, ":1: field 'time': expected a finite number"},
    {"-inf 1\n", 10, SS_EPARSE, ":1: field 'time': expected a finite number"},
    {"infinity 1\n", 10, SS_EPARSE, ":1: field 'time': expected a finite"},
    {"1e999 1\n", 10, SS_ERANGE, ":1: field 'time': expected a finite number"
                                 " of seconds, got '1e999'"},
    {"1e306 1\n", 10, SS_ERANGE, ":1: field 'time': expected a finite"},
    {"0x10 1\n", 10, SS_EPARSE, ":1: field 'time': expected a finite"},
    {"1.5s 1\n", 10, SS_EPARSE, ":1: field 'time': expected a finite number"
                                " of seconds, got '1.5s'"},
    {"1,5 1\n", 10, SS_EPARSE, ":1: field 'time'"},
    {". 1\n", 10, SS_EPARSE, ":1: field 'time'"},
    {"1e 1\n", 10, SS_EPARSE, ":1: field 'time'"},
    {"0.1 1\n-0.5 1\n", 10, SS_ERANGE, ":2: field 'time': negative time '-0.5'"},
    {"0.1 x\n", 10, SS_EPARSE,
     ":1: field 'id': expected a non-negative integer, got 'x'"},
    {"0.1 -1\n", 10, SS_EPARSE,
     ":1: field 'id': expected a non-negative integer, got '-1'"},
    {"0.1 +1\n", 10, SS_EPARSE, ":1: field 'id': expected a non-negative"},
    {"0.1 1.0\n", 10, SS_EPARSE, ":1: field 'id': expected a non-negative"},
    {"0.1 1e2\n", 1000, SS_EPARSE, ":1: field 'id': expected a non-negative"},
    {"0.1 0x1\n", 10, SS_EPARSE, ":1: field 'id': expected a non-negative"},
    {"0.1 99\n0.2 100\n", 100, SS_ERANGE,
     ":2: field 'id': id 100 out of range for a population of 100"},
    {"0.1 99999999999999999999\n", 100, SS_ERANGE,
     ":1: field 'id': id 99999999999999999999 out of range for a population"
     " of 100"},
    {"0 0\n", 0, SS_ERANGE, ":1: field 'id': id 0 out of range for a "
                            "population of 0"},
    {"0.7 1\n0.5 1\n", 10, SS_EPARSE,
     ":2: field 'time': spikes must be sorted by time: 0.5 s after 0.7 s on "
     "line 1"},
    {"0.0015 1\n\n# x\n0.0012 1\n", 10, SS_EPARSE,
     ":4: field 'time': spikes must be sorted by time: 0.0012 s after "
     "0.0015 s on line 1"},
};

START_TEST(test_read_bad_corpus) {
  make_tmpdir();
  ss_error err;
  for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
    const bad_case *c = &bad_cases[i];
    char name[32];
    snprintf(name, sizeof name, "bad%zu.ras", i);
    const char *p = write_str(name, c->text);
    ss_spikes s;
    ss_spikes_init(&s);
    ss_error_clear(&err);
    int rc = ss_spikes_read(&s, p, c->n_ids, 0, &err);
    char want[600];
    snprintf(want, sizeof want, "%s%s", p, c->msg);
    ck_assert_msg(rc == c->code, "case %zu: code %d, want %d (%s)", i, rc,
                  c->code, err.msg);
    ck_assert_int_eq(err.code, rc);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0,
                  "case %zu: message '%s', want prefix '%s'", i, err.msg, want);
    ck_assert_uint_eq(s.n, 0);
    ck_assert_ptr_null(s.t);
    ck_assert_ptr_null(s.id);
  }
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_read_bad_binary_and_long) {
  make_tmpdir();
  ss_spikes s;
  ss_spikes_init(&s);
  ss_error err;
  /* a line of 2000 characters before any comment */
  char big[2100];
  memset(big, ' ', 2000);
  strcpy(big + 2000, "0.1 1\n");
  const char *p = write_str("long.ras", big);
  ck_assert_int_eq(ss_spikes_read(&s, p, 10, 0, &err), SS_EPARSE);
  ck_assert_ptr_nonnull(strstr(err.msg, ":1: line too long"));
  ck_assert_int_eq(strncmp(err.msg, p, strlen(p)), 0);
  ck_assert_uint_eq(s.n, 0);

  p = write_text("nul.ras", "0.1 1\n0.2\0 1\n", 13);
  ck_assert_int_eq(ss_spikes_read(&s, p, 10, 0, &err), SS_EPARSE);
  ck_assert_ptr_nonnull(strstr(err.msg, ":2: NUL byte"));

  /* missing file */
  p = tmp_path("missing.ras");
  ck_assert_int_eq(ss_spikes_read(&s, p, 10, 0, &err), SS_EIO);
  char want[600];
  snprintf(want, sizeof want, "%s: cannot open spike file: %s", p,
           strerror(ENOENT));
  ck_assert_str_eq(err.msg, want);
  ck_assert_uint_eq(s.n, 0);
  cleanup_tmpdir();
}
END_TEST

/* ------------------------------------------------------------ writing */

START_TEST(test_write_format) {
  make_tmpdir();
  ss_spikes s;
  ss_spikes_init(&s);
  const double t[] = {0.0, 12.3, 1000.0, 0.1, 1e-3, 123456.789, 1e-5, 1e23,
                      5.0};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    ss_spikes_push(&s, t[i], (uint32_t)i);
  s.id[8] = 4294967295u;
  ss_error err;
  const char *p = tmp_path("w.ras");
  ck_assert_int_eq(ss_spikes_write(&s, p, &err), SS_OK);
  ck_assert_str_eq(slurp(p),
                   "0 0\n"
                   "0.0123 1\n"
                   "1 2\n"
                   "0.0001 3\n"
                   "1e-6 4\n"
                   "123.456789 5\n"
                   "1e-8 6\n"
                   "1e20 7\n"
                   "0.005 4294967295\n");
  ss_spikes_clear(&s);
  cleanup_tmpdir();
}
END_TEST

static int same_double(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

START_TEST(test_round_trip) {
  make_tmpdir();
  ss_spikes s, r;
  ss_spikes_init(&s);
  ss_spikes_init(&r);
  uint64_t seed = 7;
  double t = 0;
  for (int i = 0; i < 3000; i++) {
    /* arbitrary doubles of many magnitudes, and values on a 0.1 ms grid */
    double u = (double)(mix(&seed) >> 11) * 0x1p-53;
    if (i % 3 == 0)
      t += u * pow(10.0, (double)(i % 13) - 6.0);
    else if (i % 3 == 1)
      t = floor(t * 10.0 + 1.0) / 10.0;
    else
      t = nextafter(t, INFINITY);
    ss_spikes_push(&s, t, (uint32_t)(mix(&seed) % 1000));
  }
  ss_spikes_push(&s, 1.7976931348623157e308 / 2000.0, 0);  /* large but finite in s */
  ss_spikes_push(&s, 4.9e-324, 0);                          /* denormal ms */
  ss_spikes_sort(&s);
  ss_error err;
  const char *p = tmp_path("rt.ras");
  ck_assert_int_eq(ss_spikes_write(&s, p, &err), SS_OK);
  ck_assert_int_eq(ss_spikes_read(&r, p, 1000, 0, &err), SS_OK);
  ck_assert_uint_eq(r.n, s.n);
  for (size_t i = 0; i < s.n; i++) {
    ck_assert_msg(same_double(r.t[i], s.t[i]), "spike %zu: %.17g != %.17g", i,
                  r.t[i], s.t[i]);
    ck_assert_uint_eq(r.id[i], s.id[i]);
  }
  /* writing what was read gives the same file, byte for byte */
  static char first[1 << 18];
  FILE *fp = fopen(p, "rb");
  size_t n1 = fread(first, 1, sizeof first, fp);
  fclose(fp);
  const char *p2 = tmp_path("rt2.ras");
  ck_assert_int_eq(ss_spikes_write(&r, p2, &err), SS_OK);
  static char second[1 << 18];
  fp = fopen(p2, "rb");
  size_t n2 = fread(second, 1, sizeof second, fp);
  fclose(fp);
  ck_assert_uint_eq(n1, n2);
  ck_assert_uint_lt(n1, sizeof first);
  ck_assert_int_eq(memcmp(first, second, n1), 0);
  /* and each written seconds value is within an ulp of t / 1000 */
  fp = fopen(p, "r");
  for (size_t i = 0; i < s.n; i++) {
    double sec;
    unsigned id;
    ck_assert_int_eq(fscanf(fp, "%lf %u", &sec, &id), 2);
    double want = s.t[i] / 1000.0;
    ck_assert(fabs(sec - want) <= 2.0 * fabs(want) * 0x1p-52 + 0x1p-1074);
  }
  fclose(fp);
  ss_spikes_clear(&s);
  ss_spikes_clear(&r);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_write_errors_leave_no_trace) {
  make_tmpdir();
  ss_spikes s;
  ss_spikes_init(&s);
  ss_spikes_push(&s, 1.0, 0);
  ss_error err;
  /* missing directory */
  const char *p = tmp_path("nodir/out.ras");
  ck_assert_int_eq(ss_spikes_write(&s, p, &err), SS_EIO);
  ck_assert_int_eq(err.code, SS_EIO);
  char want[600];
  snprintf(want, sizeof want, "%s: cannot write: directory '%s' does not exist",
           p, tmp_path("nodir"));
  ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "got '%s'", err.msg);
  ck_assert_int_eq(count_entries(tmpdir), 0);
  /* destination is a non-empty directory: rename fails, nothing is left */
  const char *dir = tmp_path("isdir");
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  write_str("isdir/keep", "keep");
  ck_assert_int_eq(ss_spikes_write(&s, dir, &err), SS_EIO);
  ck_assert_int_eq(strncmp(err.msg, dir, strlen(dir)), 0);
  ck_assert_ptr_nonnull(strstr(err.msg, "cannot move the temporary file"));
  ck_assert_int_eq(count_entries(tmpdir), 1);
  ck_assert_int_eq(count_entries(dir), 1);
  ss_spikes_clear(&s);
  cleanup_tmpdir();
}
END_TEST

/* ------------------------------------------------------------ atomic file */

START_TEST(test_afile_commit_replaces) {
  make_tmpdir();
  const char *p = write_str("res.txt", "old\n");
  ck_assert_int_eq(chmod(p, 0640), 0);
  ss_afile f;
  ss_error err;
  ck_assert_int_eq(ss_afile_open(&f, p, &err), SS_OK);
  ck_assert_ptr_nonnull(f.fp);
  ck_assert_int_eq(strncmp(f.tmp, p, strlen(p)), 0);
  ck_assert_int_eq(strncmp(f.tmp + strlen(p), ".tmp.", 5), 0);
  fprintf(f.fp, "new\n");
  ck_assert_int_eq(count_entries(tmpdir), 2);  /* old file + temporary */
  ck_assert_str_eq(slurp(p), "old\n");         /* untouched until commit */
  ck_assert_int_eq(ss_afile_commit(&f, &err), SS_OK);
  ck_assert_ptr_null(f.fp);
  ck_assert_ptr_null(f.tmp);
  ck_assert_str_eq(slurp(p), "new\n");
  ck_assert_int_eq(count_entries(tmpdir), 1);
  struct stat st;
  ck_assert_int_eq(stat(p, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0640);  /* permissions kept */
  /* a new file gets 0666 minus the umask, not mkstemp's 0600 */
  mode_t mask = umask(022);
  const char *q = tmp_path("fresh.txt");
  ck_assert_int_eq(ss_afile_open(&f, q, &err), SS_OK);
  ck_assert_int_eq(ss_afile_commit(&f, &err), SS_OK);
  ck_assert_int_eq(stat(q, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0644);
  umask(mask);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_afile_abort_keeps_old) {
  make_tmpdir();
  const char *p = write_str("res.txt", "old\n");
  ss_afile f;
  ss_error err;
  ck_assert_int_eq(ss_afile_open(&f, p, &err), SS_OK);
  fprintf(f.fp, "half-writ");
  ss_afile_abort(&f);
  ck_assert_ptr_null(f.fp);
  ck_assert_str_eq(slurp(p), "old\n");
  ck_assert_int_eq(count_entries(tmpdir), 1);
  ss_afile_abort(&f);  /* again: nothing to do */
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_afile_failed_commit_keeps_old) {
  make_tmpdir();
  const char *p = write_str("res.txt", "old\n");
  ss_afile f;
  ss_error err;
  ck_assert_int_eq(ss_afile_open(&f, p, &err), SS_OK);
  fprintf(f.fp, "new data that cannot reach the disk\n");
  /* pull the descriptor from under the stream: the flush fails */
  ck_assert_int_eq(close(fileno(f.fp)), 0);
  ss_error_clear(&err);
  ck_assert_int_eq(ss_afile_commit(&f, &err), SS_EIO);
  char want[600];
  snprintf(want, sizeof want, "%s: cannot write: %s", p, strerror(EBADF));
  ck_assert_str_eq(err.msg, want);
  ck_assert_str_eq(slurp(p), "old\n");
  ck_assert_int_eq(count_entries(tmpdir), 1);
  ck_assert_ptr_null(f.tmp);

  /* an earlier write error (stream error flag) also fails the commit */
  ck_assert_int_eq(ss_afile_open(&f, p, &err), SS_OK);
  ck_assert_int_eq(fputc('x', f.fp), 'x');
  fflush(f.fp);
  (void)fgetc(f.fp);  /* reading a write-only stream sets its error flag */
  ck_assert(ferror(f.fp));
  ck_assert_int_eq(ss_afile_commit(&f, &err), SS_EIO);
  ck_assert_str_eq(slurp(p), "old\n");
  ck_assert_int_eq(count_entries(tmpdir), 1);
  cleanup_tmpdir();
}
END_TEST

START_TEST(test_afile_bad_paths) {
  make_tmpdir();
  ss_afile f;
  ss_error err;
  ck_assert_int_eq(ss_afile_open(&f, "", &err), SS_EINVAL);
  ck_assert_ptr_null(f.fp);
  ck_assert_int_eq(ss_afile_open(&f, tmp_path("d/"), &err), SS_EINVAL);
  const char *p = tmp_path("no/such/dir/x.txt");
  ck_assert_int_eq(ss_afile_open(&f, p, &err), SS_EIO);
  ck_assert_ptr_nonnull(strstr(err.msg, "does not exist"));
  ck_assert_ptr_nonnull(strstr(err.msg, strerror(ENOENT)));
  ck_assert_int_eq(strncmp(err.msg, p, strlen(p)), 0);
  ck_assert_ptr_null(f.fp);
  ck_assert_ptr_null(f.tmp);
  ss_afile_abort(&f);
  ck_assert_int_eq(ss_afile_commit(&f, &err), SS_ESTATE);
  cleanup_tmpdir();
}
END_TEST

int main(void) {
  Suite *s = suite_create("spikefile");
  TCase *tc = tcase_create("arrays");
  tcase_add_test(tc, test_push_grow_clear);
  tcase_add_test(tc, test_sort);
  suite_add_tcase(s, tc);
  tc = tcase_create("read");
  tcase_add_test(tc, test_read_good);
  tcase_add_test(tc, test_read_sort_option);
  tcase_add_test(tc, test_read_bad_corpus);
  tcase_add_test(tc, test_read_bad_binary_and_long);
  suite_add_tcase(s, tc);
  tc = tcase_create("write");
  tcase_add_test(tc, test_write_format);
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_write_errors_leave_no_trace);
  suite_add_tcase(s, tc);
  tc = tcase_create("atomicfile");
  tcase_add_test(tc, test_afile_commit_replaces);
  tcase_add_test(tc, test_afile_abort_keeps_old);
  tcase_add_test(tc, test_afile_failed_commit_keeps_old);
  tcase_add_test(tc, test_afile_bad_paths);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
