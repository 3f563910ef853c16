/* test_checkpoint.c - the binary checkpoint container: layout (checked with
 * an independent bit-by-bit CRC-32C), bit-exact round trips, rejection of
 * every truncation and every single-byte corruption, lookup errors, config
 * hashes and atomic replacement.  Files live in a fresh mkdtemp directory
 * that every test removes again. */
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "superspike/checkpoint.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static char dir[256];

static void make_dir(void) {
  snprintf(dir, sizeof dir, "/tmp/ss_test_checkpoint.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int count_entries(void) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
  closedir(d);
  return n;
}

static void remove_dir(void) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[600];
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static const char *path_of(const char *name) {
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* Whole file into a malloc'ed buffer. */
static unsigned char *load(const char *path, size_t *size) {
  FILE *fp = fopen(path, "rb");
  ck_assert_ptr_nonnull(fp);
  ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
  long n = ftell(fp);
  ck_assert_int_ge(n, 0);
  rewind(fp);
  unsigned char *b = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  *size = (size_t)n;
  return b;
}

static void store(const char *path, const void *data, size_t n) {
  FILE *fp = fopen(path, "wb");
  ck_assert_ptr_nonnull(fp);
  if (n) ck_assert_uint_eq(fwrite(data, 1, n, fp), n);
  ck_assert_int_eq(fclose(fp), 0);
}

/* Overwrite one byte of an existing file in place. */
static void poke(const char *path, size_t pos, unsigned char v) {
  FILE *fp = fopen(path, "r+b");
  ck_assert_ptr_nonnull(fp);
  ck_assert_int_eq(fseek(fp, (long)pos, SEEK_SET), 0);
  ck_assert_int_eq(fputc(v, fp), v);
  ck_assert_int_eq(fclose(fp), 0);
}

/* splitmix64, for test data */
static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double bits_to_f64(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}

/* Reference CRC-32C, one bit at a time (independent of the library's). */
static uint32_t ref_crc_update(uint32_t c, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
  }
  return c;
}
static uint32_t ref_crc(const unsigned char *p, size_t n) {
  return ref_crc_update(0xFFFFFFFFu, p, n) ^ 0xFFFFFFFFu;
}

static uint32_t rd32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}
static uint64_t rd64(const unsigned char *p) {
  return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}
static void wr32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* Recompute the header CRC and the file CRC of a buffer as documented in
 * checkpoint.h, so that a deliberately changed field is the only fault. */
static void reseal(unsigned char *b, size_t size) {
  wr32(b + 40, ref_crc(b, 40));
  uint32_t c = ref_crc_update(0xFFFFFFFFu, b + 48, size - 48 - 4);
  c = ref_crc_update(c, b, 48) ^ 0xFFFFFFFFu;
  wr32(b + size - 4, c);
}

/* A small checkpoint with one section of each kind (one empty). */
static const double small_f64[3] = {1.5, -0.0, 1e-310};
static const uint64_t small_u64[2] = {7, UINT64_MAX};
static const uint32_t small_u32[4] = {1, 2, 3, 0xdeadbeef};
static const char small_bytes[5] = "hello";

static void write_small(const char *path, uint64_t hash) {
  ss_error err;
  ss_ckpt_writer *w = ss_ckpt_writer_create(path, hash, &err);
  ck_assert_msg(w != NULL, "%s", err.msg);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "v", small_f64, 3, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64(w, "counters", small_u64, 2, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u32(w, "ids", small_u32, 4, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_bytes(w, "tag", small_bytes, 5, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "empty", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64_value(w, "t_ms", 1234.5, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
}

/* Data offset of section `k` of write_small's file. */
static size_t small_data_offset(int k) {
  static const size_t bytes[] = {24, 16, 16, 5, 0, 8};
  size_t off = 48;
  for (int i = 0; i < k; i++) off += 68 + bytes[i];
  return off + 64;
}

/* ss_ckpt_read must fail on `path` with SS_EPARSE and a message that starts
 * with the path. */
static void expect_rejected(const char *path, ss_error *err) {
  ss_ckpt *ck = ss_ckpt_read(path, err);
  ck_assert_msg(ck == NULL, "corrupted checkpoint accepted");
  ss_ckpt_free(ck);
  ck_assert_int_eq(err->code, SS_EPARSE);
  ck_assert_int_eq(strncmp(err->msg, path, strlen(path)), 0);
}

/* ------------------------------------------------------------ format */

START_TEST(test_hash64) {
  ck_assert_uint_eq(ss_ckpt_hash64(SS_CKPT_HASH_INIT, "", 0),
                    0xcbf29ce484222325ULL);
  ck_assert_uint_eq(ss_ckpt_hash64(SS_CKPT_HASH_INIT, "a", 1),
                    0xaf63dc4c8601ec8cULL);
  ck_assert_uint_eq(ss_ckpt_hash64(SS_CKPT_HASH_INIT, "foobar", 6),
                    0x85944171f73967e8ULL);
  uint64_t h = ss_ckpt_hash64(SS_CKPT_HASH_INIT, "foo", 3);
  ck_assert_uint_eq(ss_ckpt_hash64(h, "bar", 3), 0x85944171f73967e8ULL);
  ck_assert_str_eq(ss_ckpt_type_name(SS_CKPT_F64), "f64");
  ck_assert_str_eq(ss_ckpt_type_name(SS_CKPT_U64), "u64");
  ck_assert_str_eq(ss_ckpt_type_name(SS_CKPT_U32), "u32");
  ck_assert_str_eq(ss_ckpt_type_name(SS_CKPT_BYTES), "bytes");
  ck_assert_str_eq(ss_ckpt_type_name((ss_ckpt_type)99), "?");
}
END_TEST

/* The bytes on disk are exactly what checkpoint.h documents. */
START_TEST(test_layout) {
  ck_assert_uint_eq(ref_crc((const unsigned char *)"123456789", 9),
                    0xE3069283u);
  make_dir();
  const char *p = path_of("layout.ckpt");
  ss_error err;
  ss_ckpt_writer *w = ss_ckpt_writer_create(p, 0x1122334455667788ULL, &err);
  ck_assert_ptr_nonnull(w);
  const uint32_t v[2] = {1, 0x0a0b0c0d};
  const double d = -2.0; /* bits c000000000000000 */
  ck_assert_int_eq(ss_ckpt_add_u32(w, "ab", v, 2, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "d", &d, 1, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
  size_t n;
  unsigned char *b = load(p, &n);
  const size_t s1 = 64 + 8 + 4, s2 = 64 + 8 + 4;
  ck_assert_uint_eq(n, 48 + s1 + s2 + 8);
  ck_assert_int_eq(memcmp(b, "SSPKCKPT", 8), 0);
  const unsigned char ver[4] = {1, 0, 0, 0}, mark[4] = {4, 3, 2, 1};
  ck_assert_int_eq(memcmp(b + 8, ver, 4), 0);
  ck_assert_int_eq(memcmp(b + 12, mark, 4), 0);
  const unsigned char hash[8] = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  ck_assert_int_eq(memcmp(b + 16, hash, 8), 0);
  ck_assert_uint_eq(rd32(b + 24), 2);
  ck_assert_uint_eq(rd32(b + 28), 0);
  ck_assert_uint_eq(rd64(b + 32), s1 + s2);
  ck_assert_uint_eq(rd32(b + 40), ref_crc(b, 40));
  ck_assert_uint_eq(rd32(b + 44), 0);
  /* section 1 */
  const unsigned char *s = b + 48;
  ck_assert_str_eq((const char *)s, "ab");
  for (int i = 2; i < 48; i++) ck_assert_uint_eq(s[i], 0);
  ck_assert_uint_eq(rd32(s + 48), SS_CKPT_U32);
  ck_assert_uint_eq(rd32(s + 52), 0);
  ck_assert_uint_eq(rd64(s + 56), 2);
  const unsigned char data1[8] = {1, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a};
  ck_assert_int_eq(memcmp(s + 64, data1, 8), 0);
  ck_assert_uint_eq(rd32(s + 72), ref_crc(s, 72));
  /* section 2 */
  s += s1;
  ck_assert_str_eq((const char *)s, "d");
  ck_assert_uint_eq(rd32(s + 48), SS_CKPT_F64);
  ck_assert_uint_eq(rd64(s + 56), 1);
  ck_assert_uint_eq(rd64(s + 64), 0xc000000000000000ULL);
  ck_assert_uint_eq(rd32(s + 72), ref_crc(s, 72));
  /* trailer */
  s += s2;
  ck_assert_int_eq(memcmp(s, "CEND", 4), 0);
  uint32_t c = ref_crc_update(0xFFFFFFFFu, b + 48, n - 48 - 4);
  c = ref_crc_update(c, b, 48) ^ 0xFFFFFFFFu;
  ck_assert_uint_eq(rd32(s + 4), c);
  free(b);
  remove_dir();
}
END_TEST

/* ------------------------------------------------------------ round trip */

START_TEST(test_round_trip) {
  make_dir();
  const char *p = path_of("rt.ckpt");
  static const uint64_t special[] = {
      0x0000000000000000ULL, /* +0 */
      0x8000000000000000ULL, /* -0 */
      0x7ff0000000000000ULL, /* +inf */
      0xfff0000000000000ULL, /* -inf */
      0x7ff8000000000000ULL, /* quiet NaN */
      0x7ff8000000000123ULL, /* quiet NaN with payload */
      0xfff80000deadbeefULL, /* negative NaN with payload */
      0x7ff0000000000001ULL, /* signalling NaN */
      0x7ff4000000000000ULL, /* signalling NaN */
      0x0000000000000001ULL, /* smallest subnormal */
      0x800fffffffffffffULL, /* largest negative subnormal */
      0x7fefffffffffffffULL, /* DBL_MAX */
      0x3fd5555555555555ULL, /* 1/3 */
  };
  const size_t n_sp = sizeof special / sizeof special[0];
  double sp[sizeof special / sizeof special[0]];
  memcpy(sp, special, sizeof sp);

  const size_t big = 1000000;
  double *large = malloc(big * sizeof *large);
  uint64_t *u64 = malloc(1000 * sizeof *u64);
  uint32_t *u32 = malloc(777 * sizeof *u32);
  unsigned char *bytes = malloc(4099);
  ck_assert(large && u64 && u32 && bytes);
  uint64_t seed = 7;
  for (size_t i = 0; i < big; i++) large[i] = bits_to_f64(mix(&seed));
  for (size_t i = 0; i < 1000; i++) u64[i] = mix(&seed);
  u64[0] = 0;
  u64[1] = UINT64_MAX;
  for (size_t i = 0; i < 777; i++) u32[i] = (uint32_t)mix(&seed);
  for (size_t i = 0; i < 4099; i++) bytes[i] = (unsigned char)mix(&seed);
  bytes[0] = 0;

  ss_error err;
  ss_ckpt_writer *w = ss_ckpt_writer_create(p, 42, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "special", sp, n_sp, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "large", large, big, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64(w, "u64", u64, 1000, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u32(w, "u32", u32, 777, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_bytes(w, "bytes", bytes, 4099, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "e_f64", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64(w, "e_u64", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u32(w, "e_u32", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_bytes(w, "e_bytes", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64_value(w, "t", -0.0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64_value(w, "step", 123456789012345ULL, &err),
                   SS_OK);
  char longname[SS_CKPT_NAME_MAX + 1];
  memset(longname, 'x', SS_CKPT_NAME_MAX);
  longname[SS_CKPT_NAME_MAX] = '\0';
  ck_assert_int_eq(ss_ckpt_add_u64_value(w, longname, 5, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
  ck_assert_int_eq(count_entries(), 1);

  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ck_assert_uint_eq(ss_ckpt_config_hash(ck), 42);

  double sp2[sizeof special / sizeof special[0]];
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "special", sp2, n_sp, &err), SS_OK);
  ck_assert_int_eq(memcmp(sp2, special, sizeof sp2), 0);
  double *large2 = malloc(big * sizeof *large2);
  ck_assert_ptr_nonnull(large2);
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "large", large2, big, &err), SS_OK);
  ck_assert_int_eq(memcmp(large2, large, big * sizeof *large), 0);
  uint64_t u64b[1000];
  uint32_t u32b[777];
  unsigned char bytesb[4099];
  ck_assert_int_eq(ss_ckpt_get_u64(ck, "u64", u64b, 1000, &err), SS_OK);
  ck_assert_int_eq(memcmp(u64b, u64, sizeof u64b), 0);
  ck_assert_int_eq(ss_ckpt_get_u32(ck, "u32", u32b, 777, &err), SS_OK);
  ck_assert_int_eq(memcmp(u32b, u32, sizeof u32b), 0);
  ck_assert_int_eq(ss_ckpt_get_bytes(ck, "bytes", bytesb, 4099, &err), SS_OK);
  ck_assert_int_eq(memcmp(bytesb, bytes, sizeof bytesb), 0);
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "e_f64", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_get_u64(ck, "e_u64", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_get_u32(ck, "e_u32", NULL, 0, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_get_bytes(ck, "e_bytes", NULL, 0, &err), SS_OK);
  double t = 1.0;
  ck_assert_int_eq(ss_ckpt_get_f64_value(ck, "t", &t, &err), SS_OK);
  const double negzero = -0.0;
  ck_assert_int_eq(memcmp(&t, &negzero, sizeof t), 0);
  uint64_t step = 0;
  ck_assert_int_eq(ss_ckpt_get_u64_value(ck, "step", &step, &err), SS_OK);
  ck_assert_uint_eq(step, 123456789012345ULL);
  ck_assert_int_eq(ss_ckpt_get_u64_value(ck, longname, &step, &err), SS_OK);
  ck_assert_uint_eq(step, 5);

  /* self-description: names, types and counts in file order */
  static const char *names[] = {"special", "large", "u64",   "u32",
                                "bytes",   "e_f64", "e_u64", "e_u32",
                                "e_bytes", "t",     "step"};
  static const ss_ckpt_type types[] = {
      SS_CKPT_F64, SS_CKPT_F64, SS_CKPT_U64, SS_CKPT_U32,
      SS_CKPT_BYTES, SS_CKPT_F64, SS_CKPT_U64, SS_CKPT_U32,
      SS_CKPT_BYTES, SS_CKPT_F64, SS_CKPT_U64};
  const size_t counts[] = {n_sp, big, 1000, 777, 4099, 0, 0, 0, 0, 1, 1};
  ck_assert_uint_eq(ss_ckpt_num_sections(ck), 12);
  for (size_t i = 0; i < 11; i++) {
    ck_assert_str_eq(ss_ckpt_section_name(ck, i), names[i]);
    ck_assert_int_eq(ss_ckpt_section_type(ck, i), types[i]);
    ck_assert_uint_eq(ss_ckpt_section_count(ck, i), counts[i]);
    ss_ckpt_type ty;
    size_t cnt;
    ck_assert_int_eq(ss_ckpt_find(ck, names[i], &ty, &cnt), 1);
    ck_assert_int_eq(ty, types[i]);
    ck_assert_uint_eq(cnt, counts[i]);
  }
  ck_assert_str_eq(ss_ckpt_section_name(ck, 11), longname);
  ck_assert_ptr_null(ss_ckpt_section_name(ck, 12));
  ck_assert_int_eq(ss_ckpt_find(ck, "nope", NULL, NULL), 0);
  ck_assert_int_eq(ss_ckpt_find(ck, "", NULL, NULL), 0);
  ss_ckpt_free(ck);
  ss_ckpt_free(NULL);

  /* an empty checkpoint is valid too */
  w = ss_ckpt_writer_create(p, 0, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
  ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ck_assert_uint_eq(ss_ckpt_num_sections(ck), 0);
  ck_assert_int_eq(ss_ckpt_find(ck, "large", NULL, NULL), 0);
  ss_ckpt_free(ck);

  free(large);
  free(large2);
  free(u64);
  free(u32);
  free(bytes);
  remove_dir();
}
END_TEST

/* ------------------------------------------------------------ corruption */

START_TEST(test_every_truncation) {
  make_dir();
  const char *p = path_of("full.ckpt"), *q = path_of("cut.ckpt");
  write_small(p, 99);
  size_t n;
  unsigned char *b = load(p, &n);
  ss_error err;
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ss_ckpt_free(ck);
  for (size_t len = 0; len < n; len++) {
    store(q, b, len);
    expect_rejected(q, &err);
    if (len == 0) {
      ck_assert_ptr_nonnull(strstr(err.msg, "empty file"));
    } else if (len < 48) {
      ck_assert_msg(strstr(err.msg, ": truncated (expected at least 48 bytes"),
                    "len %zu: %s", len, err.msg);
    } else {
      char want[600];
      snprintf(want, sizeof want, "%s: truncated (expected %zu bytes, found %zu)",
               q, n, len);
      ck_assert_str_eq(err.msg, want);
    }
  }
  free(b);
  remove_dir();
}
END_TEST

START_TEST(test_trailing_garbage) {
  make_dir();
  const char *p = path_of("g.ckpt");
  write_small(p, 1);
  size_t n;
  unsigned char *b = load(p, &n);
  unsigned char *b2 = malloc(2 * n);
  ck_assert_ptr_nonnull(b2);
  memcpy(b2, b, n);
  memcpy(b2 + n, b, n);
  ss_error err;
  store(p, b2, n + 1);
  expect_rejected(p, &err);
  char want[600];
  snprintf(want, sizeof want,
           "%s: 1 bytes of trailing garbage (expected %zu bytes, found %zu)", p,
           n, n + 1);
  ck_assert_str_eq(err.msg, want);
  store(p, b2, 2 * n); /* two checkpoints back to back */
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "trailing garbage"));
  free(b);
  free(b2);
  remove_dir();
}
END_TEST

/* Every byte of a small checkpoint, changed in three ways. */
START_TEST(test_every_byte_flip) {
  make_dir();
  const char *p = path_of("flip.ckpt");
  write_small(p, 0xabcdefULL);
  size_t n;
  unsigned char *b = load(p, &n);
  ss_error err;
  static const unsigned char masks[] = {0x01, 0x80, 0xff};
  size_t v_data = small_data_offset(0), ids_data = small_data_offset(2);
  int in_v = 0;
  for (size_t pos = 0; pos < n; pos++) {
    for (size_t m = 0; m < sizeof masks; m++) {
      poke(p, pos, b[pos] ^ masks[m]);
      expect_rejected(p, &err);
      if (pos >= v_data && pos < v_data + 24) {
        char want[600];
        snprintf(want, sizeof want, "%s: checksum mismatch in section 'v'", p);
        ck_assert_str_eq(err.msg, want);
        in_v++;
      }
      if (pos >= ids_data && pos < ids_data + 16)
        ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch in section 'ids'"));
      if (pos < 8)
        ck_assert_ptr_nonnull(strstr(err.msg, "not a superspike checkpoint (bad magic)"));
    }
    poke(p, pos, b[pos]);
  }
  ck_assert_int_eq(in_v, 24 * 3);
  /* the file is intact again */
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ss_ckpt_free(ck);
  free(b);
  remove_dir();
}
END_TEST

/* 2500 random single-byte changes of a larger checkpoint. */
START_TEST(test_random_byte_flips) {
  make_dir();
  const char *p = path_of("big.ckpt");
  uint64_t seed = 2024;
  double w1[3000];
  uint64_t rng[4];
  uint32_t idx[500];
  for (size_t i = 0; i < 3000; i++) w1[i] = (double)mix(&seed) / 3.0;
  for (size_t i = 0; i < 4; i++) rng[i] = mix(&seed);
  for (size_t i = 0; i < 500; i++) idx[i] = (uint32_t)mix(&seed);
  ss_error err;
  ss_ckpt_writer *w = ss_ckpt_writer_create(p, 5, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "w1", w1, 3000, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64(w, "rng", rng, 4, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u32(w, "idx", idx, 500, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
  size_t n;
  unsigned char *b = load(p, &n);
  ck_assert_uint_gt(n, 25000);
  for (int k = 0; k < 2500; k++) {
    size_t pos = (size_t)(mix(&seed) % n);
    unsigned char x = (unsigned char)(1 + mix(&seed) % 255);
    poke(p, pos, b[pos] ^ x);
    expect_rejected(p, &err);
    poke(p, pos, b[pos]);
  }
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  double w2[3000];
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "w1", w2, 3000, &err), SS_OK);
  ck_assert_int_eq(memcmp(w1, w2, sizeof w1), 0);
  ss_ckpt_free(ck);
  free(b);
  remove_dir();
}
END_TEST

START_TEST(test_future_version) {
  make_dir();
  const char *p = path_of("v.ckpt");
  write_small(p, 3);
  size_t n;
  unsigned char *b = load(p, &n);
  ss_error err;
  char want[600];
  wr32(b + 8, 7);
  reseal(b, n); /* a well-formed file of another version */
  store(p, b, n);
  expect_rejected(p, &err);
  snprintf(want, sizeof want,
           "%s: version 7 not supported (this build reads version 1)", p);
  ck_assert_str_eq(err.msg, want);
  wr32(b + 8, 0);
  reseal(b, n);
  store(p, b, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "version 0 not supported"));
  /* back to version 1 the same bytes are accepted: reseal is faithful */
  wr32(b + 8, 1);
  reseal(b, n);
  store(p, b, n);
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ss_ckpt_free(ck);
  free(b);
  remove_dir();
}
END_TEST

/* Faults that survive the checksums (a buggy or hostile writer) are still
 * caught by the structural checks. */
START_TEST(test_resealed_structure_errors) {
  make_dir();
  const char *p = path_of("s.ckpt");
  write_small(p, 3);
  size_t n;
  unsigned char *b = load(p, &n);
  unsigned char *c = malloc(n);
  ck_assert_ptr_nonnull(c);
  ss_error err;
  /* one section fewer than present */
  memcpy(c, b, n);
  wr32(c + 24, rd32(c + 24) - 1);
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "unused payload bytes"));
  /* one more section than present */
  memcpy(c, b, n);
  wr32(c + 24, rd32(c + 24) + 1);
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "corrupted section table"));
  /* a nonzero reserved header field */
  memcpy(c, b, n);
  c[28] = 1;
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "reserved field"));
  /* big-endian byte-order marker */
  memcpy(c, b, n);
  c[12] = 1, c[13] = 2, c[14] = 3, c[15] = 4;
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "byte-order marker"));
  /* garbage after the NUL of a section name ("v\0...x"), section CRC and
   * file CRC both recomputed */
  memcpy(c, b, n);
  c[48 + 10] = 'x';
  size_t v_crc = small_data_offset(0) + 24;
  wr32(c + v_crc, ref_crc(c + 48, v_crc - 48));
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "section 1: invalid name"));
  /* an unknown element type */
  memcpy(c, b, n);
  c[48 + 48] = 9;
  wr32(c + v_crc, ref_crc(c + 48, v_crc - 48));
  reseal(c, n);
  store(p, c, n);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "section 'v': unknown element type 9"));
  free(b);
  free(c);
  remove_dir();
}
END_TEST

START_TEST(test_not_a_checkpoint) {
  make_dir();
  ss_error err;
  const char *p = path_of("text.ckpt");
  store(p, "time id\n0.1 3\n", 14);
  expect_rejected(p, &err);
  char want[600];
  snprintf(want, sizeof want, "%s: not a superspike checkpoint (bad magic)", p);
  ck_assert_str_eq(err.msg, want);
  store(p, "SSPK", 4); /* prefix of the magic: truncated */
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
  store(p, "", 0);
  expect_rejected(p, &err);
  ck_assert_ptr_nonnull(strstr(err.msg, "empty file"));

  const char *missing = path_of("missing.ckpt");
  ck_assert_ptr_null(ss_ckpt_read(missing, &err));
  ck_assert_int_eq(err.code, SS_EIO);
  ck_assert_int_eq(strncmp(err.msg, missing, strlen(missing)), 0);
  ck_assert_ptr_nonnull(strstr(err.msg, strerror(ENOENT)));
  ck_assert_ptr_null(ss_ckpt_read(dir, &err));
  ck_assert_int_eq(err.code, SS_EIO);
  ck_assert_ptr_null(ss_ckpt_read("", &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  ck_assert_ptr_null(ss_ckpt_read(NULL, &err));
  remove_dir();
}
END_TEST

/* ------------------------------------------------------------ lookups */

START_TEST(test_get_errors) {
  make_dir();
  const char *p = path_of("g.ckpt");
  ss_error err;
  double *w = calloc(1300, sizeof *w);
  ck_assert_ptr_nonnull(w);
  for (size_t i = 0; i < 1200; i++) w[i] = (double)i;
  ss_ckpt_writer *wr = ss_ckpt_writer_create(p, 0, &err);
  ck_assert_ptr_nonnull(wr);
  ck_assert_int_eq(ss_ckpt_add_f64(wr, "w", w, 1200, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_u64_value(wr, "k", 3, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(wr, &err), SS_OK);
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);

  char want[600];
  for (size_t i = 0; i < 1300; i++) w[i] = -1.0;
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "w", w, 1300, &err), SS_EINVAL);
  snprintf(want, sizeof want,
           "checkpoint %s: section 'w' has 1200 values, expected 1300", p);
  ck_assert_str_eq(err.msg, want);
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "w", w, 1199, &err), SS_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, "has 1200 values, expected 1199"));
  for (size_t i = 0; i < 1300; i++) ck_assert(w[i] == -1.0); /* untouched */

  uint64_t u[1200];
  ck_assert_int_eq(ss_ckpt_get_u64(ck, "w", u, 1200, &err), SS_EINVAL);
  snprintf(want, sizeof want,
           "checkpoint %s: section 'w' holds f64 values, expected u64", p);
  ck_assert_str_eq(err.msg, want);
  uint32_t u32[1];
  ck_assert_int_eq(ss_ckpt_get_u32(ck, "k", u32, 1, &err), SS_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, "holds u64 values, expected u32"));
  unsigned char by[8];
  ck_assert_int_eq(ss_ckpt_get_bytes(ck, "k", by, 8, &err), SS_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, "holds u64 values, expected bytes"));
  double d;
  ck_assert_int_eq(ss_ckpt_get_f64_value(ck, "k", &d, &err), SS_EINVAL);

  ck_assert_int_eq(ss_ckpt_get_f64(ck, "v", w, 1200, &err), SS_EINVAL);
  snprintf(want, sizeof want, "checkpoint %s: section 'v' is missing", p);
  ck_assert_str_eq(err.msg, want);
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "w", NULL, 1200, &err), SS_EINVAL);
  ck_assert_int_eq(ss_ckpt_get_f64(ck, NULL, w, 1200, &err), SS_EINVAL);
  ck_assert_int_eq(ss_ckpt_get_f64(NULL, "w", w, 1200, &err), SS_EINVAL);

  ck_assert_int_eq(ss_ckpt_get_f64(ck, "w", w, 1200, &err), SS_OK);
  for (size_t i = 0; i < 1200; i++) ck_assert(w[i] == (double)i);
  ck_assert(w[1200] == -1.0);
  uint64_t k = 0;
  ck_assert_int_eq(ss_ckpt_get_u64_value(ck, "k", &k, &err), SS_OK);
  ck_assert_uint_eq(k, 3);
  ss_ckpt_free(ck);
  free(w);
  remove_dir();
}
END_TEST

START_TEST(test_config_hash) {
  make_dir();
  const char *p = path_of("h.ckpt");
  const char cfg[] = "[net]\nn = 100\n";
  uint64_t h = ss_ckpt_hash64(SS_CKPT_HASH_INIT, cfg, sizeof cfg - 1);
  write_small(p, h);
  ss_error err;
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ck_assert_uint_eq(ss_ckpt_config_hash(ck), h);
  ck_assert_int_eq(ss_ckpt_check_config_hash(ck, h, &err), SS_OK);
  const char cfg2[] = "[net]\nn = 101\n";
  uint64_t h2 = ss_ckpt_hash64(SS_CKPT_HASH_INIT, cfg2, sizeof cfg2 - 1);
  ck_assert_uint_ne(h, h2);
  ck_assert_int_eq(ss_ckpt_check_config_hash(ck, h2, &err), SS_EINVAL);
  ck_assert_ptr_nonnull(strstr(err.msg, p));
  ck_assert_ptr_nonnull(strstr(err.msg, "different configuration"));
  char hex[40];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
  ck_assert_ptr_nonnull(strstr(err.msg, hex));
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h2);
  ck_assert_ptr_nonnull(strstr(err.msg, hex));
  ss_ckpt_free(ck);
  ck_assert_int_eq(ss_ckpt_check_config_hash(NULL, h, &err), SS_EINVAL);
  ck_assert_uint_eq(ss_ckpt_config_hash(NULL), 0);
  remove_dir();
}
END_TEST

/* ------------------------------------------------------------ writing */

/* Each bad call poisons the writer: later adds fail, commit fails with the
 * first error and leaves nothing behind. */
START_TEST(test_writer_errors_are_sticky) {
  make_dir();
  const char *p = path_of("bad.ckpt");
  char toolong[SS_CKPT_NAME_MAX + 2];
  memset(toolong, 'y', SS_CKPT_NAME_MAX + 1);
  toolong[SS_CKPT_NAME_MAX + 1] = '\0';
  const char *bad_names[] = {"", "has space", "tab\tname", "\x01", "caf\xc3\xa9",
                             toolong};
  const double one = 1.0;
  ss_error err;
  for (size_t k = 0; k < sizeof bad_names / sizeof bad_names[0] + 3; k++) {
    ss_ckpt_writer *w = ss_ckpt_writer_create(p, 0, &err);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(ss_ckpt_add_f64(w, "ok", &one, 1, &err), SS_OK);
    ck_assert_int_eq(count_entries(), 1); /* the temporary file */
    int code;
    if (k < sizeof bad_names / sizeof bad_names[0]) {
      code = ss_ckpt_add_f64(w, bad_names[k], &one, 1, &err);
      ck_assert_int_eq(code, SS_EINVAL);
      ck_assert_ptr_nonnull(strstr(err.msg, "invalid checkpoint section name"));
    } else if (k == sizeof bad_names / sizeof bad_names[0]) {
      code = ss_ckpt_add_u64_value(w, "ok", 1, &err);
      ck_assert_int_eq(code, SS_EINVAL);
      ck_assert_ptr_nonnull(strstr(err.msg, "duplicate checkpoint section 'ok'"));
    } else if (k == sizeof bad_names / sizeof bad_names[0] + 1) {
      code = ss_ckpt_add_u32(w, "nodata", NULL, 3, &err);
      ck_assert_int_eq(code, SS_EINVAL);
      ck_assert_ptr_nonnull(strstr(err.msg, "no data for 3 values"));
    } else {
      code = ss_ckpt_add_f64(w, NULL, &one, 1, &err);
      ck_assert_int_eq(code, SS_EINVAL);
    }
    char first[SS_ERROR_MSG_MAX];
    memcpy(first, err.msg, sizeof first);
    ck_assert_int_eq(strncmp(first, p, strlen(p)), 0);
    ck_assert_int_eq(ss_ckpt_add_f64(w, "later", &one, 1, &err), SS_ESTATE);
    ck_assert_ptr_nonnull(strstr(err.msg, "abandoned"));
    ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), code);
    ck_assert_ptr_nonnull(strstr(err.msg, first));
    ck_assert_ptr_nonnull(strstr(err.msg, "not written"));
    ck_assert_int_eq(count_entries(), 0);
  }
  ck_assert_ptr_null(ss_ckpt_writer_create(path_of("no/such/dir.ckpt"), 0, &err));
  ck_assert_int_eq(err.code, SS_EIO);
  ck_assert_ptr_null(ss_ckpt_writer_create("", 0, &err));
  ck_assert_int_eq(err.code, SS_EINVAL);
  ck_assert_int_eq(ss_ckpt_add_f64(NULL, "x", &one, 1, &err), SS_EINVAL);
  ck_assert_int_eq(ss_ckpt_writer_commit(NULL, &err), SS_EINVAL);
  ss_ckpt_writer_abort(NULL);
  ck_assert_int_eq(count_entries(), 0);
  remove_dir();
}
END_TEST

/* An abandoned or failing writer leaves the previous checkpoint as it was
 * and no temporary file; a successful one replaces it. */
START_TEST(test_atomic_replace) {
  make_dir();
  const char *p = path_of("run.ckpt");
  write_small(p, 11);
  size_t n0;
  unsigned char *before = load(p, &n0);
  ss_error err;
  const double x[2] = {3.0, 4.0};

  ss_ckpt_writer *w = ss_ckpt_writer_create(p, 12, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "v", x, 2, &err), SS_OK);
  ck_assert_int_eq(count_entries(), 2);
  ss_ckpt_writer_abort(w);
  ck_assert_int_eq(count_entries(), 1);
  size_t n1;
  unsigned char *after = load(p, &n1);
  ck_assert_uint_eq(n1, n0);
  ck_assert_int_eq(memcmp(before, after, n0), 0);
  free(after);

  w = ss_ckpt_writer_create(p, 12, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "v", x, 2, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "v", x, 2, &err), SS_EINVAL);
  ck_assert_int_ne(ss_ckpt_writer_commit(w, &err), SS_OK);
  ck_assert_int_eq(count_entries(), 1);
  after = load(p, &n1);
  ck_assert_uint_eq(n1, n0);
  ck_assert_int_eq(memcmp(before, after, n0), 0);
  free(after);

  w = ss_ckpt_writer_create(p, 12, &err);
  ck_assert_ptr_nonnull(w);
  ck_assert_int_eq(ss_ckpt_add_f64(w, "v", x, 2, &err), SS_OK);
  ck_assert_int_eq(ss_ckpt_writer_commit(w, &err), SS_OK);
  ck_assert_int_eq(count_entries(), 1);
  ss_ckpt *ck = ss_ckpt_read(p, &err);
  ck_assert_msg(ck != NULL, "%s", err.msg);
  ck_assert_uint_eq(ss_ckpt_config_hash(ck), 12);
  ck_assert_uint_eq(ss_ckpt_num_sections(ck), 1);
  double y[2];
  ck_assert_int_eq(ss_ckpt_get_f64(ck, "v", y, 2, &err), SS_OK);
  ck_assert_int_eq(memcmp(x, y, sizeof x), 0);
  ss_ckpt_free(ck);
  free(before);
  remove_dir();
}
END_TEST

int main(void) {
  Suite *s = suite_create("checkpoint");
  TCase *tc = tcase_create("format");
  tcase_add_test(tc, test_hash64);
  tcase_add_test(tc, test_layout);
  tcase_add_test(tc, test_round_trip);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tc = tcase_create("corruption");
  tcase_add_test(tc, test_every_truncation);
  tcase_add_test(tc, test_trailing_garbage);
  tcase_add_test(tc, test_every_byte_flip);
  tcase_add_test(tc, test_random_byte_flips);
  tcase_add_test(tc, test_future_version);
  tcase_add_test(tc, test_resealed_structure_errors);
  tcase_add_test(tc, test_not_a_checkpoint);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  tc = tcase_create("lookup");
  tcase_add_test(tc, test_get_errors);
  tcase_add_test(tc, test_config_hash);
  suite_add_tcase(s, tc);
  tc = tcase_create("write");
  tcase_add_test(tc, test_writer_errors_are_sticky);
  tcase_add_test(tc, test_atomic_replace);
  suite_add_tcase(s, tc);
  return ss_test_run(s);
}
