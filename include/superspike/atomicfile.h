/* atomicfile.h - write a result file atomically.
 *
 * ss_afile_open creates `path.tmp.XXXXXX` in the destination directory;
 * ss_afile_commit flushes, fsyncs and renames it over `path`;
 * ss_afile_abort removes it.  A crash or an error therefore never leaves a
 * half-written or destroyed result at `path`. */
#ifndef SUPERSPIKE_ATOMICFILE_H
#define SUPERSPIKE_ATOMICFILE_H

#include <stdio.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_afile {
  FILE *fp;        /* write here */
  char *path;      /* final path */
  char *tmp;       /* temporary path */
} ss_afile;

int ss_afile_open(ss_afile *f, const char *path, ss_error *err);
/* Close and rename into place; on any write error the temporary file is
 * removed, `path` is untouched and SS_EIO is returned. */
int ss_afile_commit(ss_afile *f, ss_error *err);
/* Close and remove the temporary file. */
void ss_afile_abort(ss_afile *f);

#ifdef __cplusplus
}
#endif
#endif
