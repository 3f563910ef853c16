/* error.h - status codes and error messages.
 *
 * Functions that can fail return an int status (SS_OK = 0, negative on
 * failure) and fill an optional ss_error with a human-readable message that
 * names the file, line and field at fault.  The library never prints and never
 * exits; the CLI prints err->msg and exits non-zero. */
#ifndef SUPERSPIKE_ERROR_H
#define SUPERSPIKE_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
  SS_OK = 0,
  SS_EINVAL = -1,   /* invalid argument or parameter value */
  SS_ENOMEM = -2,   /* allocation failed */
  SS_EIO = -3,      /* file could not be opened, read or written */
  SS_EPARSE = -4,   /* malformed input (config, spike file, edge list) */
  SS_ERANGE = -5,   /* value out of its allowed range */
  SS_ESTATE = -6    /* call not valid in the object's current state */
};

#define SS_ERROR_MSG_MAX 512

typedef struct ss_error {
  int code;                   /* last status, SS_OK if none */
  char msg[SS_ERROR_MSG_MAX]; /* "file:line: field 'x': what was expected" */
} ss_error;

/* Record an error: sets err->code and formats err->msg (printf style).
 * err may be NULL, in which case nothing is recorded.  Returns code, so a
 * failing function can `return ss_error_set(err, SS_EINVAL, "...")`. */
int ss_error_set(ss_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Prefix an existing message with more context ("file:line: "), keeping the
 * code.  Returns err->code (or SS_EINVAL if err is NULL). */
int ss_error_prefix(ss_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Reset to SS_OK with an empty message. */
void ss_error_clear(ss_error *err);

/* Short name of a status code ("invalid argument", ...). */
const char *ss_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
