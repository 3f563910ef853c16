/* rng.h - seeded, splittable pseudo-random numbers (xoshiro256**).
 *
 * Every random purpose (weights of one projection, one Poisson source, the
 * feedback matrix, ...) gets its own stream derived from (seed, stream id),
 * so adding one random draw somewhere never changes the numbers elsewhere. */
#ifndef SUPERSPIKE_RNG_H
#define SUPERSPIKE_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ss_rng {
  uint64_t s[4];
} ss_rng;

/* Seed a generator for stream `stream` of master seed `seed` (SplitMix64
 * expansion of a hash of both, so nearby seeds give unrelated streams). */
void ss_rng_init(ss_rng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t ss_rng_u64(ss_rng *r);

/* Uniform double in [0, 1) with 53 random bits. */
double ss_rng_uniform(ss_rng *r);

/* Uniform double in (0, 1]: safe as the argument of log(). */
double ss_rng_uniform_pos(ss_rng *r);

/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t ss_rng_below(ss_rng *r, uint64_t n);

/* Standard normal deviate (Marsaglia polar method, no cached second value
 * so the state is the whole generator state). */
double ss_rng_normal(ss_rng *r);

/* Exponential deviate with mean 1. */
double ss_rng_exponential(ss_rng *r);

#ifdef __cplusplus
}
#endif
#endif
