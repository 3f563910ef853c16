/* checkpoint.c - versioned binary checkpoints (checkpoint.h).
 *
 * Writing streams each section through an ss_afile (temporary file, then
 * rename): a 48-byte placeholder header first, then the sections, each
 * followed by its CRC-32C, then the trailer; at commit the real header is
 * written over the placeholder.  The file checksum is a CRC-32C run over the
 * bytes after the header and then over the header, which is why the writer
 * can compute it without reading anything back.
 *
 * Reading loads the whole file and checks it completely (see ss_ckpt_read)
 * before returning; lookups then decode straight from that buffer.
 *
 * Integers and doubles are encoded byte by byte with shifts, so the format
 * is little-endian on any host; doubles travel as their 64-bit patterns
 * (memcpy), never through a floating-point operation, so every bit is kept.
 *
 * CRC-32C is computed "slice by 8": table[0] is the usual byte-at-a-time
 * table of the reflected polynomial, table[k][b] is the CRC of byte b
 * followed by k zero bytes, so eight input bytes are folded in with eight
 * lookups.  The tables live in each writer and reader (8 KiB, computed in a
 * few microseconds), which keeps the module free of shared mutable state. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "superspike/atomicfile.h"
#include "superspike/checkpoint.h"

#define CK_MAGIC "SSPKCKPT"
#define CK_MAGIC_LEN 8
#define CK_ORDER_MARK 0x01020304u
#define CK_HEADER_LEN 48
#define CK_NAME_FIELD 48
#define CK_SEC_HEADER_LEN 64
#define CK_SEC_OVERHEAD (CK_SEC_HEADER_LEN + 4) /* header + CRC */
#define CK_TRAILER_TAG "CEND"
#define CK_TRAILER_LEN 8
#define CK_BUF_SIZE 65536

/* ------------------------------------------------------------ bytes, CRC */

static void put_le32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const unsigned char *p) {
  return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

typedef struct crc_tables {
  uint32_t t[8][256];
} crc_tables;

#define CRC32C_POLY 0x82F63B78u /* Castagnoli, bit-reflected */

static void crc_init(crc_tables *ct) {
  for (uint32_t b = 0; b < 256; b++) {
    uint32_t c = b;
    for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
    ct->t[0][b] = c;
  }
  for (int k = 1; k < 8; k++)
    for (uint32_t b = 0; b < 256; b++) {
      uint32_t c = ct->t[k - 1][b];
      ct->t[k][b] = (c >> 8) ^ ct->t[0][c & 0xff];
    }
}

/* Fold n bytes into a running CRC state (start with CRC_START, finish with
 * crc_final). */
#define CRC_START 0xFFFFFFFFu
static uint32_t crc_update(const crc_tables *ct, uint32_t c, const void *data,
                           size_t n) {
  const unsigned char *p = data;
  const uint32_t(*t)[256] = ct->t;
  while (n >= 8) {
    uint32_t lo = c ^ get_le32(p), hi = get_le32(p + 4);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
        t[4][lo >> 24] ^ t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
        t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c;
}

static uint32_t crc_final(uint32_t c) { return c ^ 0xFFFFFFFFu; }

static size_t elem_size(ss_ckpt_type type) {
  switch (type) {
    case SS_CKPT_F64:
    case SS_CKPT_U64: return 8;
    case SS_CKPT_U32: return 4;
    case SS_CKPT_BYTES: return 1;
    default: return 0;
  }
}

const char *ss_ckpt_type_name(ss_ckpt_type type) {
  switch (type) {
    case SS_CKPT_F64: return "f64";
    case SS_CKPT_U64: return "u64";
    case SS_CKPT_U32: return "u32";
    case SS_CKPT_BYTES: return "bytes";
    default: return "?";
  }
}

uint64_t ss_ckpt_hash64(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL; /* FNV 64-bit prime */
  }
  return h;
}

/* A valid section name: 1..SS_CKPT_NAME_MAX characters '!'..'~'. */
static int name_ok(const char *name, size_t len) {
  if (len < 1 || len > SS_CKPT_NAME_MAX) return 0;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
      return 0;
  return 1;
}

/* ------------------------------------------------------------ writing */

struct ss_ckpt_writer {
  ss_afile f;
  uint64_t config_hash;
  uint32_t n_sections;
  uint64_t payload;      /* section bytes written so far */
  uint32_t file_crc;     /* running CRC state over everything after header */
  uint32_t sec_crc;      /* running CRC state of the current section */
  char (*names)[CK_NAME_FIELD];
  size_t names_cap;
  int failed;            /* sticky error code, SS_OK if none */
  char fail_msg[SS_ERROR_MSG_MAX];
  crc_tables crc;
  unsigned char buf[CK_BUF_SIZE];
};

/* Record the writer's first error (sticky) and report it. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int writer_fail(ss_ckpt_writer *w, ss_error *err, int code,
                       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->fail_msg, sizeof w->fail_msg, fmt, ap);
  va_end(ap);
  w->failed = code;
  return ss_error_set(err, code, "%s", w->fail_msg);
}

/* Write bytes of the current section (CRCs and payload length follow). */
static int writer_put(ss_ckpt_writer *w, const void *p, size_t n,
                      ss_error *err) {
  if (n == 0) return SS_OK;
  errno = 0;
  if (fwrite(p, 1, n, w->f.fp) != n) {
    int e = errno ? errno : EIO;
    return writer_fail(w, err, SS_EIO, "%s: cannot write checkpoint: %s",
                       w->f.path, strerror(e));
  }
  w->sec_crc = crc_update(&w->crc, w->sec_crc, p, n);
  w->file_crc = crc_update(&w->crc, w->file_crc, p, n);
  w->payload += n;
  return SS_OK;
}

ss_ckpt_writer *ss_ckpt_writer_create(const char *path, uint64_t config_hash,
                                      ss_error *err) {
  ss_ckpt_writer *w = malloc(sizeof *w);
  if (!w) {
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", path ? path : "checkpoint");
    return NULL;
  }
  if (ss_afile_open(&w->f, path, err) != SS_OK) {
    free(w);
    return NULL;
  }
  w->config_hash = config_hash;
  w->n_sections = 0;
  w->payload = 0;
  w->file_crc = CRC_START;
  w->sec_crc = CRC_START;
  w->names = NULL;
  w->names_cap = 0;
  w->failed = SS_OK;
  w->fail_msg[0] = '\0';
  crc_init(&w->crc);
  /* placeholder header, overwritten at commit */
  memset(w->buf, 0, CK_HEADER_LEN);
  errno = 0;
  if (fwrite(w->buf, 1, CK_HEADER_LEN, w->f.fp) != CK_HEADER_LEN) {
    int e = errno ? errno : EIO;
    ss_error_set(err, SS_EIO, "%s: cannot write checkpoint: %s", path,
                 strerror(e));
    ss_afile_abort(&w->f);
    free(w);
    return NULL;
  }
  return w;
}

static int add_section(ss_ckpt_writer *w, const char *name, ss_ckpt_type type,
                       const void *data, size_t n, ss_error *err) {
  if (!w) return ss_error_set(err, SS_EINVAL, "checkpoint: no writer");
  if (w->failed)
    return ss_error_set(err, SS_ESTATE,
                        "%s: checkpoint abandoned after an earlier error: %s",
                        w->f.path, w->fail_msg);
  if (!name)
    return writer_fail(w, err, SS_EINVAL, "%s: checkpoint section without a name",
                       w->f.path);
  size_t len = strlen(name);
  if (!name_ok(name, len))
    return writer_fail(w, err, SS_EINVAL,
                       "%s: invalid checkpoint section name '%.*s' (1 to %d "
                       "printable characters, no blanks)",
                       w->f.path, (int)(len < 64 ? len : 64), name,
                       SS_CKPT_NAME_MAX);
  for (uint32_t i = 0; i < w->n_sections; i++)
    if (!strcmp(w->names[i], name))
      return writer_fail(w, err, SS_EINVAL,
                         "%s: duplicate checkpoint section '%s'", w->f.path,
                         name);
  if (n > 0 && !data)
    return writer_fail(w, err, SS_EINVAL,
                       "%s: checkpoint section '%s': no data for %zu values",
                       w->f.path, name, n);
  size_t es = elem_size(type);
  uint64_t room = UINT64_MAX - CK_HEADER_LEN - CK_TRAILER_LEN -
                  CK_SEC_OVERHEAD - w->payload;
  if ((uint64_t)n > room / es || w->n_sections == UINT32_MAX)
    return writer_fail(w, err, SS_ERANGE, "%s: checkpoint section '%s' too large",
                       w->f.path, name);
  if (w->n_sections == w->names_cap) {
    size_t cap = w->names_cap ? 2 * w->names_cap : 16;
    void *p = ss_realloc_array(w->names, cap, sizeof *w->names);
    if (!p)
      return writer_fail(w, err, SS_ENOMEM, "%s: out of memory", w->f.path);
    w->names = p;
    w->names_cap = cap;
  }

  /* section header */
  unsigned char *h = w->buf;
  memset(h, 0, CK_SEC_HEADER_LEN);
  memcpy(h, name, len);
  put_le32(h + 48, (uint32_t)type);
  put_le64(h + 56, (uint64_t)n);
  w->sec_crc = CRC_START;
  int rc = writer_put(w, h, CK_SEC_HEADER_LEN, err);
  if (rc != SS_OK) return rc;

  /* data */
  if (type == SS_CKPT_BYTES) {
    rc = writer_put(w, data, n, err);
  } else {
    size_t per = CK_BUF_SIZE / es, i = 0;
    while (rc == SS_OK && i < n) {
      size_t m = n - i < per ? n - i : per;
      for (size_t j = 0; j < m; j++) {
        if (type == SS_CKPT_U32) {
          uint32_t v = ((const uint32_t *)data)[i + j];
          put_le32(w->buf + 4 * j, v);
        } else { /* f64 and u64: the 64-bit pattern */
          uint64_t v;
          memcpy(&v, (const unsigned char *)data + 8 * (i + j), 8);
          put_le64(w->buf + 8 * j, v);
        }
      }
      rc = writer_put(w, w->buf, m * es, err);
      i += m;
    }
  }
  if (rc != SS_OK) return rc;

  unsigned char c[4];
  put_le32(c, crc_final(w->sec_crc));
  rc = writer_put(w, c, 4, err);
  if (rc != SS_OK) return rc;
  memset(w->names[w->n_sections], 0, CK_NAME_FIELD);
  memcpy(w->names[w->n_sections], name, len);
  w->n_sections++;
  return SS_OK;
}

int ss_ckpt_add_f64(ss_ckpt_writer *w, const char *name, const double *data,
                    size_t n, ss_error *err) {
  return add_section(w, name, SS_CKPT_F64, data, n, err);
}
int ss_ckpt_add_u64(ss_ckpt_writer *w, const char *name, const uint64_t *data,
                    size_t n, ss_error *err) {
  return add_section(w, name, SS_CKPT_U64, data, n, err);
}
int ss_ckpt_add_u32(ss_ckpt_writer *w, const char *name, const uint32_t *data,
                    size_t n, ss_error *err) {
  return add_section(w, name, SS_CKPT_U32, data, n, err);
}
int ss_ckpt_add_bytes(ss_ckpt_writer *w, const char *name, const void *data,
                      size_t n, ss_error *err) {
  return add_section(w, name, SS_CKPT_BYTES, data, n, err);
}
int ss_ckpt_add_f64_value(ss_ckpt_writer *w, const char *name, double v,
                          ss_error *err) {
  return add_section(w, name, SS_CKPT_F64, &v, 1, err);
}
int ss_ckpt_add_u64_value(ss_ckpt_writer *w, const char *name, uint64_t v,
                          ss_error *err) {
  return add_section(w, name, SS_CKPT_U64, &v, 1, err);
}

static void writer_free(ss_ckpt_writer *w) {
  free(w->names);
  free(w);
}

void ss_ckpt_writer_abort(ss_ckpt_writer *w) {
  if (!w) return;
  ss_afile_abort(&w->f);
  writer_free(w);
}

int ss_ckpt_writer_commit(ss_ckpt_writer *w, ss_error *err) {
  if (!w) return ss_error_set(err, SS_EINVAL, "checkpoint: no writer");
  if (w->failed) {
    int code = w->failed;
    ss_error_set(err, code, "%s (checkpoint not written)", w->fail_msg);
    ss_ckpt_writer_abort(w);
    return code;
  }
  const char *path = w->f.path;
  unsigned char hdr[CK_HEADER_LEN], tr[CK_TRAILER_LEN];
  memset(hdr, 0, sizeof hdr);
  memcpy(hdr, CK_MAGIC, CK_MAGIC_LEN);
  put_le32(hdr + 8, SS_CKPT_VERSION);
  put_le32(hdr + 12, CK_ORDER_MARK);
  put_le64(hdr + 16, w->config_hash);
  put_le32(hdr + 24, w->n_sections);
  put_le64(hdr + 32, w->payload);
  put_le32(hdr + 40, crc_final(crc_update(&w->crc, CRC_START, hdr, 40)));

  memcpy(tr, CK_TRAILER_TAG, 4);
  uint32_t fc = crc_update(&w->crc, w->file_crc, tr, 4);
  fc = crc_update(&w->crc, fc, hdr, CK_HEADER_LEN);
  put_le32(tr + 4, crc_final(fc));

  errno = 0;
  int bad = fwrite(tr, 1, sizeof tr, w->f.fp) != sizeof tr ||
            fseek(w->f.fp, 0, SEEK_SET) != 0 ||
            fwrite(hdr, 1, sizeof hdr, w->f.fp) != sizeof hdr;
  if (bad) {
    int e = errno ? errno : EIO;
    ss_error_set(err, SS_EIO, "%s: cannot write checkpoint: %s", path,
                 strerror(e));
    ss_ckpt_writer_abort(w);
    return SS_EIO;
  }
  int rc = ss_afile_commit(&w->f, err);
  writer_free(w);
  return rc;
}

/* ------------------------------------------------------------ reading */

typedef struct ck_section {
  char name[CK_NAME_FIELD];
  ss_ckpt_type type;
  size_t count;
  const unsigned char *data;
} ck_section;

struct ss_ckpt {
  char *path;
  unsigned char *buf;  /* the whole file */
  size_t size;
  uint64_t config_hash;
  size_t n;
  ck_section *sec;     /* file order */
  ck_section **byname; /* sorted by name */
};

void ss_ckpt_free(ss_ckpt *ck) {
  if (!ck) return;
  free(ck->path);
  free(ck->buf);
  free(ck->sec);
  free(ck->byname);
  free(ck);
}

/* Whole content of `path` into ck->buf / ck->size. */
static int slurp(ss_ckpt *ck, ss_error *err) {
  const char *path = ck->path;
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return ss_error_set(err, SS_EIO, "%s: cannot open checkpoint: %s", path,
                        strerror(errno));
  struct stat st;
  if (fstat(fileno(fp), &st) == 0 && !S_ISREG(st.st_mode)) {
    fclose(fp);
    return ss_error_set(err, SS_EIO, "%s: not a regular file", path);
  }
  size_t cap = 4096;
  if (st.st_size > 0 && (uintmax_t)st.st_size < (uintmax_t)SIZE_MAX - 1)
    cap = (size_t)st.st_size + 1; /* +1: see EOF without a regrow */
  size_t n = 0;
  unsigned char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fclose(fp);
      return ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
    }
    n += fread(buf + n, 1, cap - n, fp);
    if (n < cap) break;
    unsigned char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
    if (!nb) free(buf);
    buf = nb;
    cap *= 2;
  }
  if (ferror(fp)) {
    int e = errno;
    fclose(fp);
    free(buf);
    return ss_error_set(err, SS_EIO, "%s: cannot read checkpoint: %s", path,
                        strerror(e ? e : EIO));
  }
  fclose(fp);
  ck->buf = buf;
  ck->size = n;
  return SS_OK;
}

static int cmp_byname(const void *a, const void *b) {
  const ck_section *const *x = a, *const *y = b;
  return strcmp((*x)->name, (*y)->name);
}

/* Check everything, fill the section table. */
static int verify(ss_ckpt *ck, const crc_tables *ct, ss_error *err) {
  const char *path = ck->path;
  const unsigned char *b = ck->buf;
  size_t size = ck->size;

  if (size == 0)
    return ss_error_set(err, SS_EPARSE,
                        "%s: empty file, not a superspike checkpoint", path);
  size_t m = size < CK_MAGIC_LEN ? size : CK_MAGIC_LEN;
  if (memcmp(b, CK_MAGIC, m) != 0)
    return ss_error_set(err, SS_EPARSE,
                        "%s: not a superspike checkpoint (bad magic)", path);
  if (size < 12)
    return ss_error_set(err, SS_EPARSE,
                        "%s: truncated (expected at least %d bytes, found %zu)",
                        path, CK_HEADER_LEN, size);
  uint32_t version = get_le32(b + 8);
  if (version != SS_CKPT_VERSION)
    return ss_error_set(err, SS_EPARSE,
                        "%s: version %lu not supported (this build reads "
                        "version %u)",
                        path, (unsigned long)version, SS_CKPT_VERSION);
  if (size < CK_HEADER_LEN)
    return ss_error_set(err, SS_EPARSE,
                        "%s: truncated (expected at least %d bytes, found %zu)",
                        path, CK_HEADER_LEN, size);
  if (get_le32(b + 12) != CK_ORDER_MARK)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted header (bad byte-order marker)", path);
  if (crc_final(crc_update(ct, CRC_START, b, 40)) != get_le32(b + 40))
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted header (checksum mismatch)", path);
  if (get_le32(b + 28) != 0 || get_le32(b + 44) != 0)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted header (reserved field not zero)", path);
  uint64_t payload = get_le64(b + 32);
  uint32_t n_sec = get_le32(b + 24);
  if (payload > UINT64_MAX - CK_HEADER_LEN - CK_TRAILER_LEN)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted header (impossible payload length)",
                        path);
  uint64_t expect = CK_HEADER_LEN + payload + CK_TRAILER_LEN;
  if ((uint64_t)size < expect)
    return ss_error_set(err, SS_EPARSE,
                        "%s: truncated (expected %llu bytes, found %zu)", path,
                        (unsigned long long)expect, size);
  if ((uint64_t)size > expect)
    return ss_error_set(err, SS_EPARSE,
                        "%s: %llu bytes of trailing garbage (expected %llu "
                        "bytes, found %zu)",
                        path, (unsigned long long)((uint64_t)size - expect),
                        (unsigned long long)expect, size);
  /* from here on every length fits in size_t: the file is in memory */
  size_t end = CK_HEADER_LEN + (size_t)payload;
  if ((uint64_t)n_sec > payload / CK_SEC_OVERHEAD)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted header (%lu sections cannot fit in %llu "
                        "bytes)",
                        path, (unsigned long)n_sec,
                        (unsigned long long)payload);

  ck->sec = ss_malloc_array(n_sec, sizeof *ck->sec);
  ck->byname = ss_malloc_array(n_sec, sizeof *ck->byname);
  if (!ck->sec || !ck->byname)
    return ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);

  size_t pos = CK_HEADER_LEN;
  for (uint32_t i = 0; i < n_sec; i++) {
    if (end - pos < CK_SEC_OVERHEAD)
      return ss_error_set(err, SS_EPARSE,
                          "%s: corrupted section table (section %lu runs past "
                          "the end)",
                          path, (unsigned long)i + 1);
    const unsigned char *h = b + pos;
    ck_section *s = &ck->sec[i];
    size_t len = 0;
    while (len < CK_NAME_FIELD && h[len]) len++;
    int pad_ok = len < CK_NAME_FIELD;
    for (size_t k = len; k < CK_NAME_FIELD; k++) pad_ok = pad_ok && !h[k];
    if (!pad_ok || !name_ok((const char *)h, len))
      return ss_error_set(err, SS_EPARSE,
                          "%s: section %lu: invalid name (corrupted file)",
                          path, (unsigned long)i + 1);
    memcpy(s->name, h, CK_NAME_FIELD);
    uint32_t type = get_le32(h + 48);
    size_t es = elem_size((ss_ckpt_type)type);
    if (!es || get_le32(h + 52) != 0)
      return ss_error_set(err, SS_EPARSE,
                          "%s: section '%s': unknown element type %lu "
                          "(corrupted file)",
                          path, s->name, (unsigned long)type);
    uint64_t count = get_le64(h + 56);
    size_t room = end - pos - CK_SEC_OVERHEAD;
    if (count > room / es)
      return ss_error_set(err, SS_EPARSE,
                          "%s: section '%s': %llu values do not fit in the "
                          "file (corrupted)",
                          path, s->name, (unsigned long long)count);
    size_t bytes = (size_t)count * es;
    uint32_t c = crc_final(crc_update(ct, CRC_START, h,
                                      CK_SEC_HEADER_LEN + bytes));
    if (c != get_le32(h + CK_SEC_HEADER_LEN + bytes))
      return ss_error_set(err, SS_EPARSE, "%s: checksum mismatch in section '%s'",
                          path, s->name);
    s->type = (ss_ckpt_type)type;
    s->count = (size_t)count;
    s->data = h + CK_SEC_HEADER_LEN;
    ck->byname[i] = s;
    pos += CK_SEC_OVERHEAD + bytes;
  }
  if (pos != end)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted section table (%zu unused payload "
                        "bytes)",
                        path, end - pos);
  ck->n = n_sec;
  if (n_sec > 1) qsort(ck->byname, n_sec, sizeof *ck->byname, cmp_byname);
  for (size_t i = 1; i < ck->n; i++)
    if (!strcmp(ck->byname[i - 1]->name, ck->byname[i]->name))
      return ss_error_set(err, SS_EPARSE,
                          "%s: duplicate section '%s' (corrupted file)", path,
                          ck->byname[i]->name);

  if (memcmp(b + end, CK_TRAILER_TAG, 4) != 0)
    return ss_error_set(err, SS_EPARSE,
                        "%s: corrupted trailer (bad end marker)", path);
  uint32_t fc = crc_update(ct, CRC_START, b + CK_HEADER_LEN, end + 4 -
                                                                 CK_HEADER_LEN);
  fc = crc_final(crc_update(ct, fc, b, CK_HEADER_LEN));
  if (fc != get_le32(b + end + 4))
    return ss_error_set(err, SS_EPARSE, "%s: checksum mismatch (file corrupted)",
                        path);
  ck->config_hash = get_le64(b + 16);
  return SS_OK;
}

ss_ckpt *ss_ckpt_read(const char *path, ss_error *err) {
  if (!path || !*path) {
    ss_error_set(err, SS_EINVAL, "checkpoint: empty path");
    return NULL;
  }
  ss_ckpt *ck = calloc(1, sizeof *ck);
  crc_tables *ct = malloc(sizeof *ct);
  size_t len = strlen(path);
  if (ck) ck->path = malloc(len + 1);
  if (!ck || !ct || !ck->path) {
    ss_error_set(err, SS_ENOMEM, "%s: out of memory", path);
    free(ct);
    ss_ckpt_free(ck);
    return NULL;
  }
  memcpy(ck->path, path, len + 1);
  crc_init(ct);
  int rc = slurp(ck, err);
  if (rc == SS_OK) rc = verify(ck, ct, err);
  free(ct);
  if (rc != SS_OK) {
    ss_ckpt_free(ck);
    return NULL;
  }
  return ck;
}

uint64_t ss_ckpt_config_hash(const ss_ckpt *ck) {
  return ck ? ck->config_hash : 0;
}

int ss_ckpt_check_config_hash(const ss_ckpt *ck, uint64_t expected,
                              ss_error *err) {
  if (!ck) return ss_error_set(err, SS_EINVAL, "checkpoint: none loaded");
  if (ck->config_hash == expected) return SS_OK;
  return ss_error_set(err, SS_EINVAL,
                      "checkpoint %s: written with a different configuration "
                      "(config hash %016llx, this run %016llx); resume with "
                      "the configuration it was saved with",
                      ck->path, (unsigned long long)ck->config_hash,
                      (unsigned long long)expected);
}

static const ck_section *find(const ss_ckpt *ck, const char *name) {
  if (!ck || !name || ck->n == 0) return NULL;
  size_t lo = 0, hi = ck->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(name, ck->byname[mid]->name);
    if (c == 0) return ck->byname[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

static int get_section(const ss_ckpt *ck, const char *name, ss_ckpt_type type,
                       void *out, size_t n, ss_error *err) {
  if (!ck || !name)
    return ss_error_set(err, SS_EINVAL, "checkpoint: no checkpoint or name");
  const ck_section *s = find(ck, name);
  if (!s)
    return ss_error_set(err, SS_EINVAL, "checkpoint %s: section '%s' is missing",
                        ck->path, name);
  if (s->type != type)
    return ss_error_set(err, SS_EINVAL,
                        "checkpoint %s: section '%s' holds %s values, "
                        "expected %s",
                        ck->path, name, ss_ckpt_type_name(s->type),
                        ss_ckpt_type_name(type));
  if (s->count != n)
    return ss_error_set(err, SS_EINVAL,
                        "checkpoint %s: section '%s' has %zu values, expected "
                        "%zu",
                        ck->path, name, s->count, n);
  if (n > 0 && !out)
    return ss_error_set(err, SS_EINVAL,
                        "checkpoint %s: section '%s': no output array",
                        ck->path, name);
  const unsigned char *p = s->data;
  switch (type) {
    case SS_CKPT_BYTES:
      if (n) memcpy(out, p, n);
      break;
    case SS_CKPT_U32:
      for (size_t i = 0; i < n; i++) ((uint32_t *)out)[i] = get_le32(p + 4 * i);
      break;
    default: /* f64, u64: the 64-bit pattern */
      for (size_t i = 0; i < n; i++) {
        uint64_t v = get_le64(p + 8 * i);
        memcpy((unsigned char *)out + 8 * i, &v, 8);
      }
      break;
  }
  return SS_OK;
}

int ss_ckpt_get_f64(const ss_ckpt *ck, const char *name, double *out,
                    size_t n, ss_error *err) {
  return get_section(ck, name, SS_CKPT_F64, out, n, err);
}
int ss_ckpt_get_u64(const ss_ckpt *ck, const char *name, uint64_t *out,
                    size_t n, ss_error *err) {
  return get_section(ck, name, SS_CKPT_U64, out, n, err);
}
int ss_ckpt_get_u32(const ss_ckpt *ck, const char *name, uint32_t *out,
                    size_t n, ss_error *err) {
  return get_section(ck, name, SS_CKPT_U32, out, n, err);
}
int ss_ckpt_get_bytes(const ss_ckpt *ck, const char *name, void *out,
                      size_t n, ss_error *err) {
  return get_section(ck, name, SS_CKPT_BYTES, out, n, err);
}
int ss_ckpt_get_f64_value(const ss_ckpt *ck, const char *name, double *v,
                          ss_error *err) {
  return get_section(ck, name, SS_CKPT_F64, v, 1, err);
}
int ss_ckpt_get_u64_value(const ss_ckpt *ck, const char *name, uint64_t *v,
                          ss_error *err) {
  return get_section(ck, name, SS_CKPT_U64, v, 1, err);
}

int ss_ckpt_find(const ss_ckpt *ck, const char *name, ss_ckpt_type *type,
                 size_t *count) {
  const ck_section *s = find(ck, name);
  if (!s) return 0;
  if (type) *type = s->type;
  if (count) *count = s->count;
  return 1;
}

size_t ss_ckpt_num_sections(const ss_ckpt *ck) { return ck ? ck->n : 0; }

const char *ss_ckpt_section_name(const ss_ckpt *ck, size_t i) {
  return ck && i < ck->n ? ck->sec[i].name : NULL;
}

ss_ckpt_type ss_ckpt_section_type(const ss_ckpt *ck, size_t i) {
  return ck && i < ck->n ? ck->sec[i].type : (ss_ckpt_type)0;
}

size_t ss_ckpt_section_count(const ss_ckpt *ck, size_t i) {
  return ck && i < ck->n ? ck->sec[i].count : 0;
}
