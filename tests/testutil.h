/* testutil.h - shared helpers of the Check test programs. */
#ifndef SS_TESTUTIL_H
#define SS_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of a committed test data file (tests/data), via $SS_TEST_DATA. */
static inline const char *ss_test_data(const char *name) {
  static char buf[4096];
  const char *dir = getenv("SS_TEST_DATA");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/data", name);
  return buf;
}

/* Run one suite; exit status for automake's test driver. */
static inline int ss_test_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
