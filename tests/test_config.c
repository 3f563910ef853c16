/* test_config.c - experiment file parsing, typed getters with units,
 * --set overrides, unused-key detection, hashing. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>

#include "superspike/config.h"
#include "testutil.h"

static ss_config *parse_ok(const char *text) {
  ss_error err;
  ss_error_clear(&err);
  ss_config *cfg = ss_config_parse(text, "t.ini", &err);
  ck_assert_msg(cfg != NULL, "parse failed: %s", err.msg);
  return cfg;
}

/* Index of the section addressed as `addr` (name, else type). */
static size_t sec_of(const ss_config *cfg, const char *addr) {
  for (size_t i = 0; i < ss_config_n_sections(cfg); i++) {
    const ss_config_section *s = ss_config_section_at(cfg, i);
    if (strcmp(s->name ? s->name : s->type, addr) == 0) return i;
  }
  ck_abort_msg("no section %s", addr);
  return 0;
}

/* ------------------------------------------------------------ syntax */

typedef struct bad_text {
  const char *text;
  const char *msg;  /* expected prefix of the message */
} bad_text;

static const bad_text bad_texts[] = {
    {"[population\nx = 1\n",
     "bad.ini:1: malformed section header '[population': missing ']'"},
    {"# c\n[]\n", "bad.ini:2: malformed section header '[]': empty"},
    {"[  ]\n", "bad.ini:1: malformed section header '[  ]': empty"},
    {"[population a b]\n",
     "bad.ini:1: malformed section header '[population a b]': more than two "
     "words"},
    {"[run] x\n",
     "bad.ini:1: malformed section header '[run] x': unexpected text after ']'"},
    {"[run]]\n", "bad.ini:1: malformed section header '[run]]': unexpected"},
    {"[ru!n]\n", "bad.ini:1: malformed section header '[ru!n]': invalid type "
                 "'ru!n'"},
    {"[pop hid/den]\n",
     "bad.ini:1: malformed section header '[pop hid/den]': invalid name "
     "'hid/den'"},
    {"x = 1\n[run]\n", "bad.ini:1: key 'x' outside of any section"},
    {"\n\n; c\nx=1\n", "bad.ini:4: key 'x' outside of any section"},
    {"# c\n[run]\nduration 10 ms\n",
     "bad.ini:3: expected 'key = value' or a [section] header, got 'duration "
     "10 ms'"},
    {"[run]\r\nduration\r\n", "bad.ini:2: expected 'key = value' or a "
                              "[section] header, got 'duration'"},
    {"[run]\n = 5\n", "bad.ini:2: empty key before '='"},
    {"[run]\n\t=\n", "bad.ini:2: empty key before '='"},
    {"[run]\ntau mem = 5 ms\n", "bad.ini:2: invalid key 'tau mem'"},
    {"[run]\nrun.duration = 5 ms\n", "bad.ini:2: invalid key 'run.duration'"},
    {"[run]\na = 1\nb = 2\n\na = 3\n",
     "bad.ini:5: [run] duplicate key 'a' (first set on line 2)"},
    {"[population hidden]\ntau_mem = 1 ms\ntau_mem = 1 ms\n",
     "bad.ini:3: [population hidden] duplicate key 'tau_mem' (first set on "
     "line 2)"},
    {"[population hidden]\n[population hidden]\n",
     "bad.ini:2: duplicate section name 'hidden' (already used on line 1)"},
    {"[population hidden]\nn = 1\n[source hidden]\n",
     "bad.ini:3: duplicate section name 'hidden' (already used on line 1)"},
    {"[run]\nduration = 1 s\n[run]\n",
     "bad.ini:3: duplicate section [run] (first on line 1"},
    {"[run]\n[population run]\n",
     "bad.ini:2: section name 'run' clashes with the section [run] on line 1"},
    {"[population run]\n[run]\n",
     "bad.ini:2: section [run] clashes with the section [population run] on "
     "line 1"},
};

START_TEST(test_malformed_corpus) {
  for (size_t i = 0; i < sizeof bad_texts / sizeof *bad_texts; i++) {
    ss_error err;
    ss_error_clear(&err);
    ss_config *cfg = ss_config_parse(bad_texts[i].text, "bad.ini", &err);
    ck_assert_msg(cfg == NULL, "case %zu parsed", i);
    ck_assert_int_eq(err.code, SS_EPARSE);
    ck_assert_msg(strncmp(err.msg, bad_texts[i].msg, strlen(bad_texts[i].msg)) == 0,
                  "case %zu: got '%s', want '%s...'", i, err.msg,
                  bad_texts[i].msg);
  }
}
END_TEST

START_TEST(test_parse_structure) {
  ss_config *cfg = parse_ok(
      "\xef\xbb\xbf# experiment\n"
      "; another comment\n"
      "[run]   # the run\n"
      "duration = 2 s   # trailing comment\n"
      "  seed=42\n"
      "\n"
      "[ population   hidden ]\r\n"
      "tau_mem\t=\t10ms\r\n"
      "file = data#1.ras ; comment\n"
      "note = a;b  # c\n"
      "empty =\n"
      "empty2 = # only a comment\n"
      "[population out.v2]\n"
      "n = 3\n");
  ck_assert_uint_eq(ss_config_n_sections(cfg), 3);
  const ss_config_section *s = ss_config_section_at(cfg, 0);
  ck_assert_str_eq(s->type, "run");
  ck_assert_ptr_null(s->name);
  ck_assert_int_eq(s->line, 3);
  s = ss_config_section_at(cfg, 1);
  ck_assert_str_eq(s->type, "population");
  ck_assert_str_eq(s->name, "hidden");
  ck_assert_int_eq(s->line, 7);
  s = ss_config_section_at(cfg, 2);
  ck_assert_str_eq(s->name, "out.v2");
  ck_assert_ptr_null(ss_config_section_at(cfg, 3));

  ck_assert(ss_config_has(cfg, 0, "duration"));
  ck_assert(ss_config_has(cfg, 0, "seed"));
  ck_assert(!ss_config_has(cfg, 0, "tau_mem"));
  ck_assert(!ss_config_has(cfg, 7, "tau_mem"));

  ss_error err;
  const char *v;
  ck_assert_int_eq(ss_config_get_string(cfg, 1, "tau_mem", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "10ms");
  ck_assert_int_eq(ss_config_get_string(cfg, 1, "file", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "data#1.ras");
  ck_assert_int_eq(ss_config_get_string(cfg, 1, "note", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "a;b");
  ck_assert_int_eq(ss_config_get_string(cfg, 1, "empty", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "");
  ck_assert_int_eq(ss_config_get_string(cfg, 1, "empty2", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "");
  ck_assert_int_eq(ss_config_get_string(cfg, 0, "duration", 1, NULL, &v, &err), 0);
  ck_assert_str_eq(v, "2 s");
  ck_assert_str_eq(ss_config_dir(cfg), ".");
  ss_config_destroy(cfg);

  /* empty input is an empty config */
  cfg = parse_ok("");
  ck_assert_uint_eq(ss_config_n_sections(cfg), 0);
  ck_assert_int_eq(ss_config_check_unused(cfg, NULL), 0);
  ss_config_destroy(cfg);
  ss_config_destroy(NULL);
}
END_TEST

/* ------------------------------------------------------------ getters */

START_TEST(test_numbers_with_units) {
  ss_config *cfg = parse_ok(
      "[population hidden]\n"
      "t1 = 10 ms\n"
      "t2 = 10ms\n"
      "t3 = 0.01 s\n"
      "t4 = 1.5 us\n"
      "t5 = 2 \xc2\xb5s\n"
      "t6 = 1e-3s\n"
      "t7 = 0.0123 s\n"
      "v1 = -65 mV\n"
      "v2 = -0.065 V\n"
      "v3 = 20 uV\n"
      "v4 = +1.5E1mV\n"
      "r1 = 5\n"
      "r2 = 5 Hz\n"
      "r3 = 0.2 kHz\n"
      "r4 = 2.5e-1Hz\n"
      "x1 = 0.5\n"
      "x2 = -3\n"
      "x3 = .5\n"
      "x4 = 5.\n");
  ss_error err;
  double v;
  struct {
    const char *key;
    ss_unit unit;
    double want;
  } cases[] = {
      {"t1", SS_UNIT_TIME, 10.0},     {"t2", SS_UNIT_TIME, 10.0},
      {"t3", SS_UNIT_TIME, 10.0},     {"t4", SS_UNIT_TIME, 0.0015},
      {"t5", SS_UNIT_TIME, 0.002},    {"t6", SS_UNIT_TIME, 1.0},
      {"t7", SS_UNIT_TIME, 12.3},     {"v1", SS_UNIT_VOLTAGE, -65.0},
      {"v2", SS_UNIT_VOLTAGE, -65.0}, {"v3", SS_UNIT_VOLTAGE, 0.02},
      {"v4", SS_UNIT_VOLTAGE, 15.0},  {"r1", SS_UNIT_RATE, 5.0},
      {"r2", SS_UNIT_RATE, 5.0},      {"r3", SS_UNIT_RATE, 200.0},
      {"r4", SS_UNIT_RATE, 0.25},     {"x1", SS_UNIT_NONE, 0.5},
      {"x2", SS_UNIT_NONE, -3.0},     {"x3", SS_UNIT_NONE, 0.5},
      {"x4", SS_UNIT_NONE, 5.0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    v = -1;
    int rc = ss_config_get_number(cfg, 0, cases[i].key, cases[i].unit, 1, 0.0,
                                  &v, &err);
    ck_assert_msg(rc == 0, "%s: %s", cases[i].key, err.msg);
    /* exact: the unit shifts the decimal exponent, one rounding only */
    ck_assert_msg(v == cases[i].want, "%s: %.17g != %.17g", cases[i].key, v,
                  cases[i].want);
  }
  /* absent keys give the default, or an error when required */
  ck_assert_int_eq(ss_config_get_number(cfg, 0, "nope", SS_UNIT_TIME, 0, 7.5,
                                        &v, &err), 0);
  ck_assert(v == 7.5);
  ck_assert_int_eq(ss_config_get_number(cfg, 0, "nope", SS_UNIT_TIME, 1, 7.5,
                                        &v, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg,
                   "t.ini:1: [population hidden] missing required key 'nope'");
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), 0);
  ss_config_destroy(cfg);
}
END_TEST

typedef struct bad_value {
  const char *value;
  ss_unit unit;
  int code;
  const char *expected;  /* after "t.ini:2: [population hidden] x: " */
} bad_value;

static const bad_value bad_values[] = {
    {"10", SS_UNIT_TIME, SS_EPARSE,
     "expected a time with a unit (s, ms, us), got '10'"},
    {"10 sec", SS_UNIT_TIME, SS_EPARSE,
     "expected a time with a unit (s, ms, us), got '10 sec'"},
    {"10 mV", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"10 MS", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"ms", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit (s, ms, us), "
                                    "got 'ms'"},
    {"nan ms", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"inf ms", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"-infinity s", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"0x10 ms", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"10 ms junk", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"10 m s", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit"},
    {"1e999 ms", SS_UNIT_TIME, SS_ERANGE,
     "expected a time with a unit (s, ms, us) that fits a double, got '1e999 "
     "ms'"},
    {"1e306 s", SS_UNIT_TIME, SS_ERANGE, "expected a time with a unit"},
    {"", SS_UNIT_TIME, SS_EPARSE, "expected a time with a unit (s, ms, us), "
                                  "got ''"},
    {"-65", SS_UNIT_VOLTAGE, SS_EPARSE,
     "expected a voltage with a unit (V, mV, uV), got '-65'"},
    {"5 Hz", SS_UNIT_VOLTAGE, SS_EPARSE, "expected a voltage with a unit"},
    {"-65 mv", SS_UNIT_VOLTAGE, SS_EPARSE, "expected a voltage with a unit"},
    {"5 s", SS_UNIT_RATE, SS_EPARSE,
     "expected a rate (a number in Hz, or with a unit: Hz, kHz), got '5 s'"},
    {"5 hz", SS_UNIT_RATE, SS_EPARSE, "expected a rate"},
    {"1 ms", SS_UNIT_NONE, SS_EPARSE,
     "expected a number without a unit, got '1 ms'"},
    {"1.5x", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
    {"1,5", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
    {"1e", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
    {".", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
    {"--1", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
    {"nan", SS_UNIT_NONE, SS_EPARSE, "expected a number without a unit"},
};

START_TEST(test_number_errors) {
  for (size_t i = 0; i < sizeof bad_values / sizeof *bad_values; i++) {
    char text[256];
    snprintf(text, sizeof text, "[population hidden]\nx = %s\n",
             bad_values[i].value);
    ss_config *cfg = parse_ok(text);
    ss_error err;
    ss_error_clear(&err);
    double v = 123.0;
    int rc = ss_config_get_number(cfg, 0, "x", bad_values[i].unit, 1, 0.0, &v,
                                  &err);
    ck_assert_msg(rc == bad_values[i].code, "case %zu (%s): rc %d: %s", i,
                  bad_values[i].value, rc, err.msg);
    ck_assert(v == 123.0);  /* untouched on error */
    char want[400];
    snprintf(want, sizeof want, "t.ini:2: [population hidden] x: %s",
             bad_values[i].expected);
    ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0,
                  "case %zu: got '%s', want '%s...'", i, err.msg, want);
    ss_config_destroy(cfg);
  }
}
END_TEST

START_TEST(test_int_bool_choice_string) {
  ss_config *cfg = parse_ok(
      "[run]\n"
      "n = 42\n"
      "neg = -7\n"
      "plus = +3\n"
      "frac = 1.5\n"
      "word = abc\n"
      "huge = 99999999999999999999\n"
      "big = 11\n"
      "seed = 18446744073709551615\n"
      "seed2 = 18446744073709551616\n"
      "seed3 = -1\n"
      "b1 = yes\n"
      "b2 = OFF\n"
      "b3 = True\n"
      "b4 = 0\n"
      "b5 = maybe\n"
      "method = rk2\n"
      "method2 = RK2\n"
      "name = hello world\n");
  ss_error err;
  long long i;
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "n", 1, 0, 100, 0, &i, &err), 0);
  ck_assert_int_eq(i, 42);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "neg", 1, -10, 10, 0, &i, &err), 0);
  ck_assert_int_eq(i, -7);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "plus", 1, -10, 10, 0, &i, &err), 0);
  ck_assert_int_eq(i, 3);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "absent", 0, 0, 10, 5, &i, &err), 0);
  ck_assert_int_eq(i, 5);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "frac", 1, 0, 10, 0, &i, &err),
                   SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:5: [run] frac: expected an integer between "
                            "0 and 10, got '1.5'");
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "word", 1, 0, 10, 0, &i, &err),
                   SS_EPARSE);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "huge", 1, LLONG_MIN, LLONG_MAX,
                                     0, &i, &err), SS_ERANGE);
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "big", 1, 0, 10, 0, &i, &err),
                   SS_ERANGE);
  ck_assert_str_eq(err.msg, "t.ini:8: [run] big: expected an integer between "
                            "0 and 10, got '11'");
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "neg", 1, 0, 10, 0, &i, &err),
                   SS_ERANGE);

  uint64_t u;
  ck_assert_int_eq(ss_config_get_u64(cfg, 0, "seed", 1, 0, &u, &err), 0);
  ck_assert(u == UINT64_MAX);
  ck_assert_int_eq(ss_config_get_u64(cfg, 0, "seed2", 1, 0, &u, &err), SS_ERANGE);
  ck_assert_int_eq(ss_config_get_u64(cfg, 0, "seed3", 1, 0, &u, &err), SS_EPARSE);
  ck_assert_ptr_nonnull(strstr(err.msg, "t.ini:11: [run] seed3: expected an "
                                        "unsigned integer"));
  ck_assert_int_eq(ss_config_get_u64(cfg, 0, "nope", 0, 9, &u, &err), 0);
  ck_assert(u == 9);

  int b;
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "b1", 1, 0, &b, &err), 0);
  ck_assert_int_eq(b, 1);
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "b2", 1, 1, &b, &err), 0);
  ck_assert_int_eq(b, 0);
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "b3", 1, 0, &b, &err), 0);
  ck_assert_int_eq(b, 1);
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "b4", 1, 1, &b, &err), 0);
  ck_assert_int_eq(b, 0);
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "b5", 1, 1, &b, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:16: [run] b5: expected yes/no (or "
                            "true/false, on/off, 1/0), got 'maybe'");
  ck_assert_int_eq(ss_config_get_bool(cfg, 0, "nob", 0, 1, &b, &err), 0);
  ck_assert_int_eq(b, 1);

  static const char *const methods[] = {"euler", "rk2", "exact", NULL};
  int c = -1;
  ck_assert_int_eq(ss_config_get_choice(cfg, 0, "method", 1, methods, 0, &c,
                                        &err), 0);
  ck_assert_int_eq(c, 1);
  ck_assert_int_eq(ss_config_get_choice(cfg, 0, "method2", 1, methods, 0, &c,
                                        &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:18: [run] method2: expected one of 'euler', "
                            "'rk2', 'exact', got 'RK2'");
  ck_assert_int_eq(ss_config_get_choice(cfg, 0, "absent", 0, methods, 2, &c,
                                        &err), 0);
  ck_assert_int_eq(c, 2);

  const char *s;
  ck_assert_int_eq(ss_config_get_string(cfg, 0, "name", 1, NULL, &s, &err), 0);
  ck_assert_str_eq(s, "hello world");
  ck_assert_int_eq(ss_config_get_string(cfg, 0, "absent", 0, "dflt", &s, &err), 0);
  ck_assert_str_eq(s, "dflt");
  ck_assert_int_eq(ss_config_get_string(cfg, 0, "absent", 1, "dflt", &s, &err),
                   SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:1: [run] missing required key 'absent'");

  /* bad section index */
  ck_assert_int_eq(ss_config_get_string(cfg, 5, "name", 1, NULL, &s, &err),
                   SS_EINVAL);
  ss_config_destroy(cfg);
}
END_TEST

/* ------------------------------------------------------------ --set */

START_TEST(test_set_overrides) {
  ss_config *cfg = parse_ok(
      "[run]\n"
      "duration = 1 s\n"
      "[population hidden]\n"
      "tau_mem = 10 ms\n"
      "[population out]\n"
      "n = 2\n");
  ss_error err;
  ck_assert_int_eq(ss_config_set(cfg, "hidden.tau_mem=20ms", &err), 0);
  ck_assert_int_eq(ss_config_set(cfg, " run.duration = 2.5 s ", &err), 0);
  ck_assert_int_eq(ss_config_set(cfg, "out.v_th=-50 mV", &err), 0);
  ck_assert_int_eq(ss_config_set(cfg, "out.note=a=b", &err), 0);
  ck_assert_int_eq(ss_config_set(cfg, "out.note=x # not a comment", &err), 0);
  size_t run = sec_of(cfg, "run"), hid = sec_of(cfg, "hidden"),
         out = sec_of(cfg, "out");
  double v;
  ck_assert_int_eq(ss_config_get_number(cfg, hid, "tau_mem", SS_UNIT_TIME, 1, 0,
                                        &v, &err), 0);
  ck_assert(v == 20.0);
  ck_assert_int_eq(ss_config_get_number(cfg, run, "duration", SS_UNIT_TIME, 1,
                                        0, &v, &err), 0);
  ck_assert(v == 2500.0);
  ck_assert(ss_config_has(cfg, out, "v_th"));
  ck_assert_int_eq(ss_config_get_number(cfg, out, "v_th", SS_UNIT_VOLTAGE, 1, 0,
                                        &v, &err), 0);
  ck_assert(v == -50.0);
  const char *s;
  ck_assert_int_eq(ss_config_get_string(cfg, out, "note", 1, NULL, &s, &err), 0);
  ck_assert_str_eq(s, "x # not a comment");

  /* errors in an overridden value name the option */
  ck_assert_int_eq(ss_config_set(cfg, "hidden.tau_mem=20", &err), 0);
  ck_assert_int_eq(ss_config_get_number(cfg, hid, "tau_mem", SS_UNIT_TIME, 1, 0,
                                        &v, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "--set hidden.tau_mem: expected a time with a "
                            "unit (s, ms, us), got '20'");
  char where[256];
  ss_config_where(cfg, hid, "tau_mem", where, sizeof where);
  ck_assert_str_eq(where, "--set hidden.tau_mem");

  /* malformed and unknown */
  ck_assert_int_eq(ss_config_set(cfg, "nope.x=1", &err), SS_EINVAL);
  ck_assert_str_eq(err.msg, "--set nope.x: unknown section 'nope' (sections: "
                            "run, hidden, out)");
  ck_assert_int_eq(ss_config_set(cfg, "population.n=1", &err), SS_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, "unknown section 'population'"));
  const char *malformed[] = {"duration=1s", "run.duration", ".x=1", "run.=1",
                             "=1", ""};
  for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
    ck_assert_int_eq(ss_config_set(cfg, malformed[i], &err), SS_EPARSE);
    ck_assert_msg(strstr(err.msg, "expected section.key=value") != NULL,
                  "'%s': %s", malformed[i], err.msg);
  }
  ck_assert_int_eq(ss_config_set(cfg, "run.a b=1", &err), SS_EPARSE);
  ck_assert_ptr_nonnull(strstr(err.msg, "invalid key 'a b'"));
  ss_config_destroy(cfg);

  /* a name with dots: the key is after the last dot */
  cfg = parse_ok("[population out.v2]\nn = 1\n");
  ck_assert_int_eq(ss_config_set(cfg, "out.v2.n=5", &err), 0);
  long long n;
  ck_assert_int_eq(ss_config_get_int(cfg, 0, "n", 1, 0, 10, 0, &n, &err), 0);
  ck_assert_int_eq(n, 5);
  ss_config_destroy(cfg);
}
END_TEST

/* ------------------------------------------------------------ unused keys */

START_TEST(test_unused_keys) {
  ss_config *cfg = parse_ok(
      "[run]\n"
      "duration = 1 s\n"
      "\n"
      "[population hidden]\n"
      "tau_mem = 10 ms\n"
      "tau_mm = 10 ms\n"
      "n = 10\n"
      "[population out]\n"
      "nn = 3\n");
  ss_error err;
  size_t run = sec_of(cfg, "run"), hid = sec_of(cfg, "hidden"),
         out = sec_of(cfg, "out");
  double v;
  long long n;
  ck_assert(ss_config_has(cfg, hid, "tau_mm"));  /* does not mark it used */
  ck_assert_int_eq(ss_config_get_number(cfg, run, "duration", SS_UNIT_TIME, 1,
                                        0, &v, &err), 0);
  ck_assert_int_eq(ss_config_get_number(cfg, hid, "tau_mem", SS_UNIT_TIME, 1, 0,
                                        &v, &err), 0);
  ck_assert_int_eq(ss_config_get_int(cfg, hid, "n", 1, 0, 100, 0, &n, &err), 0);
  ck_assert_int_eq(ss_config_get_int(cfg, out, "n", 0, 0, 100, 1, &n, &err), 0);
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:6: [population hidden] unknown key 'tau_mm'");
  /* a failed getter still counts as asking */
  ck_assert_int_eq(ss_config_get_int(cfg, hid, "tau_mm", 1, 0, 100, 0, &n, &err),
                   SS_EPARSE);
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:9: [population out] unknown key 'nn'");
  ck_assert_int_eq(ss_config_get_int(cfg, out, "nn", 0, 0, 100, 1, &n, &err), 0);
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), 0);
  /* keys added by --set come after the file's keys */
  ck_assert_int_eq(ss_config_set(cfg, "run.extra=1", &err), 0);
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "--set run.extra: unknown key 'extra'");
  ss_config_destroy(cfg);

  /* file order across sections: the earliest line wins */
  cfg = parse_ok("[a]\nx = 1\n[b]\ny = 1\n");
  ck_assert_int_eq(ss_config_set(cfg, "b.z=1", &err), 0);
  ck_assert_int_eq(ss_config_check_unused(cfg, &err), SS_EPARSE);
  ck_assert_str_eq(err.msg, "t.ini:2: [a] unknown key 'x'");
  ss_config_destroy(cfg);
}
END_TEST

/* ------------------------------------------------------------ misc */

START_TEST(test_where) {
  ss_config *cfg = parse_ok("[run]\n\n[population hidden]\n# c\ntau = 1 ms\n");
  char buf[256];
  ss_config_where(cfg, 1, "tau", buf, sizeof buf);
  ck_assert_str_eq(buf, "t.ini:5: [population hidden] tau");
  ss_config_where(cfg, 1, NULL, buf, sizeof buf);
  ck_assert_str_eq(buf, "t.ini:3: [population hidden]");
  ss_config_where(cfg, 1, "absent", buf, sizeof buf);
  ck_assert_str_eq(buf, "t.ini:3: [population hidden] absent");
  ss_config_where(cfg, 0, NULL, buf, sizeof buf);
  ck_assert_str_eq(buf, "t.ini:1: [run]");
  char small[8];
  ss_config_where(cfg, 1, "tau", small, sizeof small);
  ck_assert_str_eq(small, "t.ini:5");
  ss_config_destroy(cfg);
}
END_TEST

START_TEST(test_load_file) {
  char dir[] = "/tmp/ss_test_config.XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/exp.ini", dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs("[run]\nduration = 1 s\n[run]\n", fp);
  fclose(fp);
  ss_error err;
  ck_assert_ptr_null(ss_config_load(path, &err));
  char want[512];
  snprintf(want, sizeof want, "%s:3: duplicate section [run]", path);
  ck_assert_int_eq(strncmp(err.msg, want, strlen(want)), 0);

  fp = fopen(path, "w");
  fputs("[run]\nduration = 1 s\n", fp);
  fclose(fp);
  ss_config *cfg = ss_config_load(path, &err);
  ck_assert_ptr_nonnull(cfg);
  ck_assert_str_eq(ss_config_dir(cfg), dir);
  char where[512];
  ss_config_where(cfg, 0, "duration", where, sizeof where);
  snprintf(want, sizeof want, "%s:2: [run] duration", path);
  ck_assert_str_eq(where, want);
  ss_config_destroy(cfg);

  /* the directory of other spellings */
  snprintf(path, sizeof path, "%s//exp.ini", dir);
  cfg = ss_config_load(path, &err);
  ck_assert_ptr_nonnull(cfg);
  ck_assert_str_eq(ss_config_dir(cfg), dir);
  ss_config_destroy(cfg);

  /* NUL bytes are rejected */
  snprintf(path, sizeof path, "%s/exp.ini", dir);
  fp = fopen(path, "wb");
  fwrite("[run]\nx = 1\0\n", 1, 13, fp);
  fclose(fp);
  ck_assert_ptr_null(ss_config_load(path, &err));
  ck_assert_ptr_nonnull(strstr(err.msg, ":2: NUL byte"));

  unlink(path);
  ck_assert_ptr_null(ss_config_load(path, &err));
  ck_assert_int_eq(err.code, SS_EIO);
  snprintf(want, sizeof want, "%s: cannot open config file: %s", path,
           strerror(ENOENT));
  ck_assert_str_eq(err.msg, want);
  ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_hash) {
  ss_config *a = parse_ok("[run]\nduration = 1 s\n[population h]\nn = 3\n");
  ss_config *b = parse_ok("# comment\n[ run ]\n  duration=1 s   # x\n\n"
                          "[population   h]\nn= 3\n");
  ss_config *c = parse_ok("[run]\nduration = 1 s\n[population h]\nn = 4\n");
  ss_config *d = parse_ok("[population h]\nn = 3\n[run]\nduration = 1 s\n");
  ss_config *e = parse_ok("[run]\nduration = 1 s\n[population g]\nn = 3\n");
  ss_config *f = parse_ok("[run]\nduration = 1 s\n[population h]\nn3 =\n");
  ck_assert(ss_config_hash(a) == ss_config_hash(b));
  ck_assert(ss_config_hash(a) != ss_config_hash(c));
  ck_assert(ss_config_hash(a) != ss_config_hash(d));
  ck_assert(ss_config_hash(a) != ss_config_hash(e));
  ck_assert(ss_config_hash(a) != ss_config_hash(f));
  ss_error err;
  ck_assert_int_eq(ss_config_set(c, "h.n=3", &err), 0);
  ck_assert(ss_config_hash(a) == ss_config_hash(c));  /* effective values */
  ck_assert_int_eq(ss_config_set(c, "h.m=3", &err), 0);
  ck_assert(ss_config_hash(a) != ss_config_hash(c));
  ss_config *empty = parse_ok("# nothing\n");
  ck_assert(ss_config_hash(empty) == 0xcbf29ce484222325ULL);  /* FNV-1a basis */
  ss_config_destroy(a);
  ss_config_destroy(b);
  ss_config_destroy(c);
  ss_config_destroy(d);
  ss_config_destroy(e);
  ss_config_destroy(f);
  ss_config_destroy(empty);
}
END_TEST

START_TEST(test_parse_quantity) {
  double v = 0;
  ck_assert_int_eq(ss_parse_quantity("0.1ms", SS_UNIT_TIME, &v), 0);
  ck_assert(v == 0.1);
  ck_assert_int_eq(ss_parse_quantity(" 2 s ", SS_UNIT_TIME, &v), 0);
  ck_assert(v == 2000.0);
  ck_assert_int_eq(ss_parse_quantity("0.0123 s", SS_UNIT_TIME, &v), 0);
  ck_assert(v == 12.3);  /* 0.0123 * 1000 is 12.299999999999999 */
  ck_assert_int_eq(ss_parse_quantity("100 us", SS_UNIT_TIME, &v), 0);
  ck_assert(v == 0.1);
  ck_assert_int_eq(ss_parse_quantity("3 \xce\xbcs", SS_UNIT_TIME, &v), 0);
  ck_assert(v == 0.003);
  ck_assert_int_eq(ss_parse_quantity("1 kHz", SS_UNIT_RATE, &v), 0);
  ck_assert(v == 1000.0);
  ck_assert_int_eq(ss_parse_quantity("7", SS_UNIT_NONE, &v), 0);
  ck_assert(v == 7.0);
  v = 99;
  const char *bad[] = {"5", "abc", "", "1 ms ms", "nan ms", "1e400 ms", NULL};
  for (int i = 0; bad[i]; i++)
    ck_assert_msg(ss_parse_quantity(bad[i], SS_UNIT_TIME, &v) == SS_EPARSE,
                  "'%s'", bad[i]);
  ck_assert(v == 99);
  ck_assert_int_eq(ss_parse_quantity(NULL, SS_UNIT_TIME, &v), SS_EPARSE);
}
END_TEST

START_TEST(test_parse_decimal) {
  double v;
  ck_assert_int_eq(ss_parse_decimal("0.0123", 6, 3, &v), 0);
  ck_assert(v == 12.3);
  ck_assert_int_eq(ss_parse_decimal("1.5e-2", 6, 3, &v), 0);
  ck_assert(v == 15.0);
  ck_assert_int_eq(ss_parse_decimal("15e+2", 5, -3, &v), 0);
  ck_assert(v == 1.5);
  ck_assert_int_eq(ss_parse_decimal("12345", 3, 0, &v), 0);  /* only "123" */
  ck_assert(v == 123.0);
  ck_assert_int_eq(ss_parse_decimal("-0", 2, 0, &v), 0);
  ck_assert(v == 0.0 && !signbit(v));
  ck_assert_int_eq(ss_parse_decimal("1e-400", 6, 0, &v), 0);
  ck_assert(v == 0.0);
  ck_assert_int_eq(ss_parse_decimal("1e308", 5, 1, &v), SS_ERANGE);
  ck_assert_int_eq(ss_parse_decimal("1e99999999999", 13, 0, &v), SS_ERANGE);
  ck_assert_int_eq(ss_parse_decimal("1e-99999999999", 14, 0, &v), 0);
  ck_assert(v == 0.0);
  /* a long mantissa */
  char longnum[600];
  memset(longnum, '0', sizeof longnum);
  longnum[0] = '1';
  longnum[1] = '.';
  ck_assert_int_eq(ss_parse_decimal(longnum, sizeof longnum, 3, &v), 0);
  ck_assert(v == 1000.0);
  const char *bad[] = {"", "+", "-", ".", "e5", "1e", "1e+", "0x1", "nan",
                       "inf", " 1", "1 ", "1..2", "1.2.3", "1e5.5", NULL};
  for (int i = 0; bad[i]; i++)
    ck_assert_msg(ss_parse_decimal(bad[i], strlen(bad[i]), 0, &v) == SS_EPARSE,
                  "'%s'", bad[i]);
}
END_TEST

int main(void) {
  Suite *s = suite_create("config");
  TCase *tc = tcase_create("syntax");
  tcase_add_test(tc, test_malformed_corpus);
  tcase_add_test(tc, test_parse_structure);
  tcase_add_test(tc, test_load_file);
  suite_add_tcase(s, tc);
  tc = tcase_create("getters");
  tcase_add_test(tc, test_numbers_with_units);
  tcase_add_test(tc, test_number_errors);
  tcase_add_test(tc, test_int_bool_choice_string);
  tcase_add_test(tc, test_where);
  suite_add_tcase(s, tc);
  tc = tcase_create("overrides");
  tcase_add_test(tc, test_set_overrides);
  tcase_add_test(tc, test_unused_keys);
  tcase_add_test(tc, test_hash);
  suite_add_tcase(s, tc);
  tc = tcase_create("quantities");
  tcase_add_test(tc, test_parse_quantity);
  tcase_add_test(tc, test_parse_decimal);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
