/* rng.c - xoshiro256** seeded through SplitMix64 (rng.h).
 * Streams: the 256-bit state is expanded from hash(seed, stream), so each
 * (seed, stream) pair is an independent-looking sequence. */
#include <math.h>

#include "superspike/rng.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

void ss_rng_init(ss_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed;
  uint64_t h = splitmix64(&x);
  x = h ^ (stream * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull);
  for (int i = 0; i < 4; ++i) r->s[i] = splitmix64(&x);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1; /* never all zero */
}

uint64_t ss_rng_u64(ss_rng *r) {
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double ss_rng_uniform(ss_rng *r) {
  return (double)(ss_rng_u64(r) >> 11) * 0x1.0p-53;
}

double ss_rng_uniform_pos(ss_rng *r) {
  return ((double)(ss_rng_u64(r) >> 11) + 1.0) * 0x1.0p-53;
}

uint64_t ss_rng_below(ss_rng *r, uint64_t n) {
  /* rejection on the top of the range: unbiased for every n */
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = ss_rng_u64(r);
  while (x >= limit);
  return x % n;
}

double ss_rng_normal(ss_rng *r) {
  double u, v, s;
  do {
    u = 2.0 * ss_rng_uniform(r) - 1.0;
    v = 2.0 * ss_rng_uniform(r) - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * sqrt(-2.0 * log(s) / s);
}

double ss_rng_exponential(ss_rng *r) { return -log(ss_rng_uniform_pos(r)); }
