#include "acquisition/sobol.h"

#include <stdlib.h>

#include "gp/rng.h"

/* Points carry BITS binary digits: a double holds 53, so every point is an
 * exact multiple of 2^-BITS and 2^BITS points can be drawn before the
 * sequence would repeat. */
enum { BITS = 52 };

/* One row per dimension after the first (which uses the identity matrix):
 * the degree s of the primitive polynomial over GF(2), its inner
 * coefficients packed into a (highest inner coefficient first), and the s
 * initial odd direction integers m_1..m_s with m_k < 2^k. The values are the
 * published ones of S. Joe and F. Y. Kuo (2008, "new-joe-kuo-6.21201"),
 * chosen there to give small t-values in two-dimensional projections. */
enum { MAX_DEGREE = 8 };

typedef struct sobol_poly {
    unsigned degree;        /* 1..MAX_DEGREE */
    unsigned inner;
    unsigned m[MAX_DEGREE];
} sobol_poly;

static const sobol_poly sobol_table[BO_SOBOL_MAX_DIM - 1] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
};

struct bo_sobol {
    size_t dim;
    uint64_t index;         /* number of points drawn so far */
    uint64_t *direction;    /* dim * BITS direction integers, row per dimension */
    uint64_t *shift;        /* dim digital shifts (zero when not scrambled) */
    uint64_t *state;        /* dim integers of the next point */
};

/* Direction integer k (0-based) of dimension j, left-aligned in BITS bits. */
static void fill_directions(size_t j, uint64_t *v)
{
    if (j == 0) {
        for (unsigned k = 0; k < BITS; k++)
            v[k] = (uint64_t)1 << (BITS - 1 - k);
        return;
    }
    const sobol_poly *p = &sobol_table[j - 1];
    /* The bound is the table's invariant, stated so the compiler sees it. */
    unsigned s = p->degree < MAX_DEGREE ? p->degree : MAX_DEGREE;
    for (unsigned k = 0; k < s; k++)
        v[k] = (uint64_t)p->m[k] << (BITS - 1 - k);
    /* The polynomial's recurrence, carried out on the aligned integers. */
    for (unsigned k = s; k < BITS; k++) {
        uint64_t w = v[k - s] ^ (v[k - s] >> s);
        for (unsigned i = 1; i < s; i++)
            if ((p->inner >> (s - 1 - i)) & 1u)
                w ^= v[k - i];
        v[k] = w;
    }
}

static unsigned parity64(uint64_t x)
{
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    return (unsigned)(x & 1u);
}

/* Left-multiplies every direction integer of one dimension by a random
 * nonsingular lower-triangular binary matrix (digit 0 = most significant).
 * Because the matrix is lower triangular with a unit diagonal, digit i of a
 * point depends only on digits 0..i of the unscrambled point, which keeps the
 * net (stratification) property of the sequence. */
static void scramble_directions(uint64_t *v, bo_rng *rng)
{
    uint64_t rows[BITS];
    for (unsigned i = 0; i < BITS; i++) {
        uint64_t diag = (uint64_t)1 << (BITS - 1 - i);
        /* Columns 0..i-1 random, the diagonal one, columns after i zero. */
        uint64_t above = ~(uint64_t)0 << (BITS - i);
        above &= ((uint64_t)1 << BITS) - 1;
        rows[i] = (bo_rng_u64(rng) & above) | diag;
    }
    for (unsigned k = 0; k < BITS; k++) {
        uint64_t out = 0;
        for (unsigned i = 0; i < BITS; i++)
            out |= (uint64_t)parity64(rows[i] & v[k]) << (BITS - 1 - i);
        v[k] = out;
    }
}

bo_sobol *bo_sobol_create(size_t dim, int scramble, uint64_t seed)
{
    if (dim < 1 || dim > BO_SOBOL_MAX_DIM)
        return NULL;
    bo_sobol *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->dim = dim;
    s->direction = malloc(dim * BITS * sizeof *s->direction);
    s->shift = calloc(dim, sizeof *s->shift);
    s->state = calloc(dim, sizeof *s->state);
    if (!s->direction || !s->shift || !s->state)
        goto fail;
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t j = 0; j < dim; j++) {
        uint64_t *v = s->direction + j * BITS;
        fill_directions(j, v);
        if (scramble) {
            scramble_directions(v, &rng);
            s->shift[j] = bo_rng_u64(&rng) >> (64 - BITS);
        }
        s->state[j] = s->shift[j];
    }
    return s;
fail:
    bo_sobol_destroy(s);
    return NULL;
}

void bo_sobol_destroy(bo_sobol *sobol)
{
    if (!sobol)
        return;
    free(sobol->direction);
    free(sobol->shift);
    free(sobol->state);
    free(sobol);
}

void bo_sobol_next(bo_sobol *sobol, double *x)
{
    const double scale = 0x1.0p-52;
    for (size_t j = 0; j < sobol->dim; j++)
        x[j] = (double)sobol->state[j] * scale;
    /* Gray-code order: point i+1 differs from point i by one direction
     * integer, the one indexed by the lowest zero bit of i. */
    uint64_t i = sobol->index++;
    unsigned c = 0;
    while ((i >> c) & 1u)
        c++;
    if (c >= BITS)
        c = BITS - 1; /* past 2^52 points the sequence has nothing new */
    for (size_t j = 0; j < sobol->dim; j++)
        sobol->state[j] ^= sobol->direction[j * BITS + c];
}

void bo_sobol_skip(bo_sobol *sobol, uint64_t n)
{
    /* Point i is the XOR of the direction integers picked by the bits of its
     * Gray code, so the state after a skip is rebuilt directly. */
    sobol->index += n;
    uint64_t gray = sobol->index ^ (sobol->index >> 1);
    for (size_t j = 0; j < sobol->dim; j++) {
        uint64_t w = sobol->shift[j];
        for (unsigned k = 0; k < BITS; k++)
            if ((gray >> k) & 1u)
                w ^= sobol->direction[j * BITS + k];
        sobol->state[j] = w;
    }
}
