/* checkpoint.h - versioned, self-describing binary checkpoints.
 *
 * A checkpoint is a list of named, typed arrays ("sections"); the learning
 * code decides what goes in it (weights, optimizer state, traces, RNG
 * states, simulated time, counters).  Writing is atomic (temporary file and
 * rename, see atomicfile.h); reading verifies the whole file -- magic,
 * version, sizes against the real file size, every section checksum and the
 * file checksum -- before anything can be looked up, so a truncated or
 * corrupted checkpoint is rejected as a whole, never half-loaded.  Values
 * round-trip bit-exactly (doubles included: -0.0, NaN payloads, infinities,
 * subnormals).
 *
 * On-disk layout, all integers little-endian whatever the host:
 *
 *   header, 48 bytes
 *     0  magic "SSPKCKPT" (8 bytes)
 *     8  u32 format version (SS_CKPT_VERSION)
 *    12  u32 byte-order marker 0x01020304 (bytes 04 03 02 01)
 *    16  u64 config hash (set by the writer's caller)
 *    24  u32 number of sections
 *    28  u32 reserved, 0
 *    32  u64 payload length: bytes of all sections together
 *    40  u32 CRC-32C of header bytes 0..39
 *    44  u32 reserved, 0
 *   sections, one after the other, each
 *     0  name, 48 bytes: 1..SS_CKPT_NAME_MAX printable ASCII characters
 *        (no blanks), padded with NUL bytes
 *    48  u32 element type (ss_ckpt_type)
 *    52  u32 reserved, 0
 *    56  u64 element count
 *    64  data: count elements of 8 (f64, u64), 4 (u32) or 1 (bytes) bytes;
 *        a double is stored as the little-endian bytes of its IEEE-754 bits
 *     .  u32 CRC-32C of the section's 64-byte header and its data
 *   trailer, 8 bytes
 *     0  "CEND"
 *     4  u32 file checksum: CRC-32C of every byte after the header up to the
 *        trailer's checksum (all sections and "CEND"), continued over the
 *        48 header bytes.  (Header last, so that sections can be streamed
 *        and the header filled in at commit.)  It covers every byte of the
 *        file but its own four.
 *
 * CRC-32C is the Castagnoli CRC (reflected polynomial 0x82F63B78, initial
 * value and final xor 0xFFFFFFFF; "123456789" -> 0xE3069283).
 *
 * Typical use:
 *
 *   ss_ckpt_writer *w = ss_ckpt_writer_create(path, hash, &err);
 *   if (!w) fail;
 *   ss_ckpt_add_f64(w, "w_hidden", w_h, n_h, &err);   // errors are sticky:
 *   ss_ckpt_add_u64_value(w, "window", k, &err);      // a failed add makes
 *   if (ss_ckpt_writer_commit(w, &err) != SS_OK) fail; // commit fail too
 *
 *   ss_ckpt *ck = ss_ckpt_read(path, &err);
 *   if (!ck || ss_ckpt_check_config_hash(ck, hash, &err) != SS_OK
 *       || ss_ckpt_get_f64(ck, "w_hidden", w_h, n_h, &err) != SS_OK) fail;
 *   ss_ckpt_free(ck);
 */
#ifndef SUPERSPIKE_CHECKPOINT_H
#define SUPERSPIKE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "superspike/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SS_CKPT_VERSION 1u   /* format version written and read */
#define SS_CKPT_NAME_MAX 47  /* longest section name */

typedef enum ss_ckpt_type {
  SS_CKPT_F64 = 1,   /* double */
  SS_CKPT_U64 = 2,   /* uint64_t */
  SS_CKPT_U32 = 3,   /* uint32_t */
  SS_CKPT_BYTES = 4  /* uint8_t / opaque bytes */
} ss_ckpt_type;

/* "f64", "u64", "u32", "bytes" ("?" for anything else). */
const char *ss_ckpt_type_name(ss_ckpt_type type);

/* 64-bit FNV-1a hash of n bytes, continuing from `h` (start with
 * SS_CKPT_HASH_INIT); for building the config hash, e.g. over the config
 * file's text.  Not cryptographic. */
#define SS_CKPT_HASH_INIT 0xcbf29ce484222325ULL
uint64_t ss_ckpt_hash64(uint64_t h, const void *data, size_t n);

/* ------------------------------------------------------------ writing */

typedef struct ss_ckpt_writer ss_ckpt_writer;

/* Start a checkpoint that will replace `path` on commit (the data goes to a
 * temporary file next to it meanwhile).  NULL on error (err says why). */
ss_ckpt_writer *ss_ckpt_writer_create(const char *path, uint64_t config_hash,
                                      ss_error *err);

/* Append a section of n values (data may be NULL if n is 0).  Names are
 * 1..SS_CKPT_NAME_MAX printable ASCII characters without blanks and unique
 * within a checkpoint.  Errors are sticky: after a failed add every further
 * add returns SS_ESTATE and commit fails with the first error, removing the
 * temporary file, so an incomplete checkpoint is never committed. */
int ss_ckpt_add_f64(ss_ckpt_writer *w, const char *name, const double *data,
                    size_t n, ss_error *err);
int ss_ckpt_add_u64(ss_ckpt_writer *w, const char *name, const uint64_t *data,
                    size_t n, ss_error *err);
int ss_ckpt_add_u32(ss_ckpt_writer *w, const char *name, const uint32_t *data,
                    size_t n, ss_error *err);
int ss_ckpt_add_bytes(ss_ckpt_writer *w, const char *name, const void *data,
                      size_t n, ss_error *err);
/* Single values: sections of one element. */
int ss_ckpt_add_f64_value(ss_ckpt_writer *w, const char *name, double v,
                          ss_error *err);
int ss_ckpt_add_u64_value(ss_ckpt_writer *w, const char *name, uint64_t v,
                          ss_error *err);

/* Finish the file and rename it over `path`.  Frees w whatever happens; on
 * error `path` is untouched and no temporary file is left. */
int ss_ckpt_writer_commit(ss_ckpt_writer *w, ss_error *err);
/* Drop the checkpoint: remove the temporary file, free w (NULL is fine). */
void ss_ckpt_writer_abort(ss_ckpt_writer *w);

/* ------------------------------------------------------------ reading */

typedef struct ss_ckpt ss_ckpt;

/* Load and verify all of `path`.  NULL on error, with a message naming the
 * file and the fault: "FILE: not a superspike checkpoint (bad magic)",
 * "FILE: truncated (expected N bytes, found M)", "FILE: checksum mismatch in
 * section 'v'", "FILE: version 7 not supported (this build reads version
 * 1)", ...  (SS_EIO if the file cannot be read, SS_EPARSE if it is not a
 * valid checkpoint, SS_ENOMEM). */
ss_ckpt *ss_ckpt_read(const char *path, ss_error *err);
void ss_ckpt_free(ss_ckpt *ck);  /* NULL is fine */

uint64_t ss_ckpt_config_hash(const ss_ckpt *ck);
/* SS_OK if the checkpoint was written with config hash `expected`, else
 * SS_EINVAL and a message saying the configuration differs. */
int ss_ckpt_check_config_hash(const ss_ckpt *ck, uint64_t expected,
                              ss_error *err);

/* Copy section `name` into out[0..n).  Fails (SS_EINVAL, nothing written to
 * out) if the section is missing, holds another type or another number of
 * values: "checkpoint FILE: section 'w' has 1200 values, expected 1300". */
int ss_ckpt_get_f64(const ss_ckpt *ck, const char *name, double *out,
                    size_t n, ss_error *err);
int ss_ckpt_get_u64(const ss_ckpt *ck, const char *name, uint64_t *out,
                    size_t n, ss_error *err);
int ss_ckpt_get_u32(const ss_ckpt *ck, const char *name, uint32_t *out,
                    size_t n, ss_error *err);
int ss_ckpt_get_bytes(const ss_ckpt *ck, const char *name, void *out,
                      size_t n, ss_error *err);
int ss_ckpt_get_f64_value(const ss_ckpt *ck, const char *name, double *v,
                          ss_error *err);
int ss_ckpt_get_u64_value(const ss_ckpt *ck, const char *name, uint64_t *v,
                          ss_error *err);

/* Inspection (for arrays whose size is only known from the checkpoint, and
 * for listing a file): ss_ckpt_find returns 1 and the section's type and
 * element count if `name` exists (type/count may be NULL), else 0. */
int ss_ckpt_find(const ss_ckpt *ck, const char *name, ss_ckpt_type *type,
                 size_t *count);
size_t ss_ckpt_num_sections(const ss_ckpt *ck);
/* Name, type and count of section i (file order), i < num_sections. */
const char *ss_ckpt_section_name(const ss_ckpt *ck, size_t i);
ss_ckpt_type ss_ckpt_section_type(const ss_ckpt *ck, size_t i);
size_t ss_ckpt_section_count(const ss_ckpt *ck, size_t i);

#ifdef __cplusplus
}
#endif
#endif
