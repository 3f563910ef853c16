/* atomicfile.c - write a result file atomically (atomicfile.h).
 *
 * The data goes to `path.tmp.XXXXXX` (mkstemp) next to the destination, so
 * that the final rename(2) stays within one file system and is atomic.  The
 * temporary file gets the permissions a plain fopen(path, "w") would have
 * given (those of an existing destination, else 0666 minus the umask), since
 * mkstemp creates it 0600.  Reading the umask means setting it and putting it
 * back, which is not thread-safe: open result files from one thread. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "superspike/atomicfile.h"

static const char tmp_suffix[] = ".tmp.XXXXXX";

static void afile_reset(ss_afile *f) {
  free(f->path);
  free(f->tmp);
  f->fp = NULL;
  f->path = NULL;
  f->tmp = NULL;
}

/* Permissions for the new file: keep those of the file being replaced. */
static mode_t new_file_mode(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
    return st.st_mode & 07777;
  mode_t mask = umask(022);  /* read the umask (and put it back) */
  umask(mask);
  return (mode_t)0666 & ~mask;
}

/* Directory part of `path` for messages ("." if none). */
static void dir_of(const char *path, char *buf, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(buf, size, ".");
  } else if (slash == path) {
    snprintf(buf, size, "/");
  } else {
    snprintf(buf, size, "%.*s", (int)(slash - path), path);
  }
}

/* fsync the directory holding `path`, so that the rename is durable too.
 * Best effort: some file systems refuse fsync on directories. */
static void sync_dir(const char *path) {
  char dir[4096];
  dir_of(path, dir, sizeof dir);
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

int ss_afile_open(ss_afile *f, const char *path, ss_error *err) {
  f->fp = NULL;
  f->path = NULL;
  f->tmp = NULL;
  if (!path || !*path)
    return ss_error_set(err, SS_EINVAL, "output file: empty path");
  size_t n = strlen(path);
  if (path[n - 1] == '/')
    return ss_error_set(err, SS_EINVAL, "%s: is a directory, not a file name",
                        path);
  f->path = malloc(n + 1);
  f->tmp = malloc(n + sizeof tmp_suffix);
  if (!f->path || !f->tmp) {
    afile_reset(f);
    return ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
  }
  memcpy(f->path, path, n + 1);
  memcpy(f->tmp, path, n);
  memcpy(f->tmp + n, tmp_suffix, sizeof tmp_suffix);

  int fd = mkstemp(f->tmp);
  if (fd < 0) {
    int e = errno;
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    afile_reset(f);
    if (e == ENOENT || e == ENOTDIR)
      return ss_error_set(err, SS_EIO,
                          "%s: cannot write: directory '%s' does not exist (%s)",
                          path, dir, strerror(e));
    return ss_error_set(err, SS_EIO,
                        "%s: cannot create a temporary file in '%s': %s", path,
                        dir, strerror(e));
  }
  (void)fchmod(fd, new_file_mode(path));
  f->fp = fdopen(fd, "w");
  if (!f->fp) {
    int e = errno;
    close(fd);
    unlink(f->tmp);
    afile_reset(f);
    return ss_error_set(err, SS_EIO, "%s: cannot open for writing: %s", path,
                        strerror(e));
  }
  return SS_OK;
}

int ss_afile_commit(ss_afile *f, ss_error *err) {
  if (!f->fp || !f->tmp || !f->path) {
    afile_reset(f);
    return ss_error_set(err, SS_ESTATE, "atomic file: commit without open");
  }
  const char *stage = "cannot write";
  int e = 0;
  if (fflush(f->fp) != 0) {
    e = errno;
  } else if (ferror(f->fp)) {
    e = EIO;  /* an earlier write failed; errno is long gone */
  } else if (fsync(fileno(f->fp)) != 0) {
    e = errno;
  }
  int rc = fclose(f->fp);
  f->fp = NULL;
  if (!e && rc != 0) e = errno;
  if (!e && rename(f->tmp, f->path) != 0) {
    e = errno;
    stage = "cannot move the temporary file into place";
  }
  if (e) {
    unlink(f->tmp);
    ss_error_set(err, SS_EIO, "%s: %s: %s", f->path, stage, strerror(e));
    afile_reset(f);
    return SS_EIO;
  }
  sync_dir(f->path);
  afile_reset(f);
  return SS_OK;
}

void ss_afile_abort(ss_afile *f) {
  if (!f) return;
  if (f->fp) {
    fclose(f->fp);
    f->fp = NULL;
  }
  if (f->tmp) unlink(f->tmp);
  afile_reset(f);
}
