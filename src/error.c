/* error.c - status codes and messages (error.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "superspike/error.h"

int ss_error_set(ss_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

int ss_error_prefix(ss_error *err, const char *fmt, ...) {
  if (!err) return SS_EINVAL;
  char pre[SS_ERROR_MSG_MAX], old[SS_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  size_t n = strlen(pre);
  if (n >= sizeof err->msg) n = sizeof err->msg - 1;
  memcpy(err->msg, pre, n);
  size_t m = strlen(old);
  if (m > sizeof err->msg - 1 - n) m = sizeof err->msg - 1 - n;
  memcpy(err->msg + n, old, m);
  err->msg[n + m] = '\0';
  return err->code;
}

void ss_error_clear(ss_error *err) {
  if (err) {
    err->code = SS_OK;
    err->msg[0] = '\0';
  }
}

const char *ss_strerror(int code) {
  switch (code) {
    case SS_OK: return "success";
    case SS_EINVAL: return "invalid argument";
    case SS_ENOMEM: return "out of memory";
    case SS_EIO: return "input/output error";
    case SS_EPARSE: return "malformed input";
    case SS_ERANGE: return "value out of range";
    case SS_ESTATE: return "invalid state";
    default: return "unknown error";
  }
}
