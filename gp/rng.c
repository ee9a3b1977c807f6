#include "gp/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void bo_rng_init(bo_rng *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

void bo_rng_init_derived(bo_rng *rng, uint64_t seed, uint64_t stream, uint64_t index)
{
    /* Mix the three words through splitmix so nearby triples give unrelated
     * streams. */
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);
    x = a ^ stream;
    uint64_t b = splitmix64(&x);
    x = b ^ index;
    bo_rng_init(rng, splitmix64(&x));
}

uint64_t bo_rng_u64(bo_rng *rng)
{
    uint64_t *s = rng->s;
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

double bo_rng_uniform(bo_rng *rng)
{
    return (double)(bo_rng_u64(rng) >> 11) * 0x1.0p-53;
}

double bo_rng_normal(bo_rng *rng)
{
    /* 1 - u lies in (0, 1], so the logarithm is finite. */
    double u1 = 1.0 - bo_rng_uniform(rng);
    double u2 = bo_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

uint64_t bo_rng_below(bo_rng *rng, uint64_t n)
{
    /* Rejection removes the modulo bias. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do {
        r = bo_rng_u64(rng);
    } while (r >= limit);
    return r % n;
}
