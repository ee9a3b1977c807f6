#ifndef BO_GP_RNG_H
#define BO_GP_RNG_H

#include <stdint.h>

/* xoshiro256** seeded through splitmix64: small, fast, and the same stream on
 * every platform, which is what reproducible runs need. A caller-owned value;
 * copy it to fork a stream. */
typedef struct bo_rng {
    uint64_t s[4];
} bo_rng;

/* Seeds the generator; any seed (0 included) gives a valid state. */
void bo_rng_init(bo_rng *rng, uint64_t seed);

/* Seeds from a (seed, stream, index) triple so that every random choice of a
 * run can be derived from the run's seed and, e.g., the evaluation index,
 * without depending on how many draws earlier steps made. */
void bo_rng_init_derived(bo_rng *rng, uint64_t seed, uint64_t stream, uint64_t index);

uint64_t bo_rng_u64(bo_rng *rng);
/* Uniform on [0, 1) with 53 random bits. */
double bo_rng_uniform(bo_rng *rng);
/* Standard normal (Box-Muller on two uniforms; no cached spare, so the state
 * alone determines the stream). */
double bo_rng_normal(bo_rng *rng);
/* Uniform integer in [0, n); n > 0. */
uint64_t bo_rng_below(bo_rng *rng, uint64_t n);

#endif
