/* Sobol points: the known first points of the unscrambled sequence, the
 * one-dimensional stratification of every coordinate and the net property of
 * two-dimensional projections (scrambled and not), skipping, and seeding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/sobol.h"
#include "tests/check.h"

enum { MMAX = 12, NPTS = 1 << MMAX };

/* Degree of the primitive polynomial behind each dimension (the first two
 * are x and x + 1, both of degree 1). Sobol's theory bounds the t-value of the
 * projection onto dimensions j, k by (deg_j - 1) + (deg_k - 1). */
static const int degree[BO_SOBOL_MAX_DIM] = {
    1, 1, 2, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5, 6, 6, 6,
    6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};

static double *draw(size_t dim, int scramble, uint64_t seed, size_t n)
{
    bo_sobol *s = bo_sobol_create(dim, scramble, seed);
    if (!s)
        return NULL;
    double *x = malloc(n * dim * sizeof *x);
    if (x)
        for (size_t i = 0; i < n; i++)
            bo_sobol_next(s, x + i * dim);
    bo_sobol_destroy(s);
    return x;
}

/* 1 when points [start, start + 2^m) of coordinate j fill each interval
 * [i/2^m, (i+1)/2^m) exactly once. */
static int stratified_1d(const double *x, size_t dim, size_t j, size_t start, int m)
{
    size_t n = (size_t)1 << m;
    int counts[NPTS];
    memset(counts, 0, n * sizeof counts[0]);
    for (size_t i = start; i < start + n; i++) {
        double v = x[i * dim + j];
        if (!(v >= 0.0 && v < 1.0))
            return 0;
        counts[(size_t)(v * (double)n)]++;
    }
    for (size_t i = 0; i < n; i++)
        if (counts[i] != 1)
            return 0;
    return 1;
}

/* 1 when the first 2^m points projected on (j, k) put exactly 2^t points
 * into every box of 2^a by 2^b equal intervals with a + b = m - t. */
static int net_2d(const double *x, size_t dim, size_t j, size_t k, int m, int t)
{
    if (t >= m)
        return 1;
    size_t n = (size_t)1 << m;
    static int counts[NPTS];
    for (int a = 0; a <= m - t; a++) {
        int b = m - t - a;
        size_t na = (size_t)1 << a, nb = (size_t)1 << b;
        memset(counts, 0, na * nb * sizeof counts[0]);
        for (size_t i = 0; i < n; i++) {
            size_t ia = (size_t)(x[i * dim + j] * (double)na);
            size_t ib = (size_t)(x[i * dim + k] * (double)nb);
            counts[ia * nb + ib]++;
        }
        for (size_t c = 0; c < na * nb; c++)
            if (counts[c] != 1 << t)
                return 0;
    }
    return 1;
}

static void check_nets(const double *x, const char *what)
{
    const size_t dim = BO_SOBOL_MAX_DIM;
    for (size_t j = 0; j < dim; j++)
        for (int m = 0; m <= MMAX; m++) {
            CHECK_MSG(stratified_1d(x, dim, j, 0, m), "%s: dim %zu, first 2^%d", what, j, m);
            if (m < MMAX) /* the next aligned block of 2^m points as well */
                CHECK_MSG(stratified_1d(x, dim, j, (size_t)1 << m, m),
                          "%s: dim %zu, second block of 2^%d", what, j, m);
        }
    int bad = 0;
    for (size_t j = 0; j < dim; j++)
        for (size_t k = j + 1; k < dim; k++) {
            int t = (degree[j] - 1) + (degree[k] - 1);
            for (int m = 1; m <= 10; m++)
                if (!net_2d(x, dim, j, k, m, t)) {
                    bad++;
                    fprintf(stderr, "%s: dims %zu,%zu m=%d not a net with t=%d\n", what, j, k,
                            m, t);
                }
        }
    CHECK(bad == 0);
    /* The first two dimensions form a (0,2)-sequence. */
    for (int m = 1; m <= MMAX; m++)
        CHECK_MSG(net_2d(x, dim, 0, 1, m, 0), "%s: dims 0,1 m=%d", what, m);
}

int main(void)
{
    const size_t dim = BO_SOBOL_MAX_DIM;
    CHECK(bo_sobol_create(0, 0, 1) == NULL);
    CHECK(bo_sobol_create(BO_SOBOL_MAX_DIM + 1, 0, 1) == NULL);
    bo_sobol_destroy(NULL);

    /* Known first points of the unscrambled sequence in Gray-code order (the
     * order of Joe and Kuo's reference generator): each coordinate of point
     * i is an XOR of the m_k / 2^k picked by the bits of i ^ (i >> 1). */
    static const double first[8][3] = {
        {0, 0, 0},          {0.5, 0.5, 0.5},       {0.75, 0.25, 0.25},
        {0.25, 0.75, 0.75}, {0.375, 0.375, 0.625}, {0.875, 0.875, 0.125},
        {0.625, 0.125, 0.875}, {0.125, 0.625, 0.375}};
    double *plain = draw(dim, 0, 0, NPTS);
    CHECK(plain != NULL);
    if (!plain)
        return CHECK_DONE();
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 3; j++)
            CHECK_MSG(plain[i * (int)dim + j] == first[i][j], "point %d coord %d = %g", i, j,
                      plain[i * (int)dim + j]);
    /* Point 1 is 1/2 in every dimension (every m_1 is 1). */
    for (size_t j = 0; j < dim; j++)
        CHECK(plain[dim + j] == 0.5);
    check_nets(plain, "plain");

    /* Scrambled points keep the stratification and the net property. */
    double *scr = draw(dim, 1, 12345, NPTS);
    double *scr_again = draw(dim, 1, 12345, NPTS);
    double *scr_other = draw(dim, 1, 12346, NPTS);
    CHECK(scr && scr_again && scr_other);
    if (scr && scr_again && scr_other) {
        check_nets(scr, "scrambled");
        CHECK(memcmp(scr, scr_again, NPTS * dim * sizeof *scr) == 0);
        size_t differ = 0;
        for (size_t i = 0; i < NPTS * dim; i++)
            differ += scr[i] != scr_other[i];
        /* Independent 52-bit scrambles coincide with probability ~2^-52. */
        CHECK(differ == NPTS * dim);
        CHECK(scr[0] != 0.0);
        /* The scrambled set is not the plain one. */
        CHECK(memcmp(scr, plain, NPTS * dim * sizeof *scr) != 0);
    }

    /* Skipping n points lands where n calls to next would. */
    bo_sobol *s = bo_sobol_create(dim, 1, 12345);
    CHECK(s != NULL);
    if (s && scr) {
        double x[BO_SOBOL_MAX_DIM];
        bo_sobol_skip(s, 1000);
        bo_sobol_next(s, x);
        CHECK(memcmp(x, scr + 1000 * dim, dim * sizeof x[0]) == 0);
        bo_sobol_skip(s, 77);
        bo_sobol_next(s, x);
        CHECK(memcmp(x, scr + 1078 * dim, dim * sizeof x[0]) == 0);
        bo_sobol_next(s, x);
        CHECK(memcmp(x, scr + 1079 * dim, dim * sizeof x[0]) == 0);
    }
    bo_sobol_destroy(s);

    /* A low-dimensional generator gives the leading coordinates of a
     * high-dimensional one when unscrambled. */
    double *low = draw(2, 0, 0, 64);
    CHECK(low != NULL);
    if (low)
        for (size_t i = 0; i < 64; i++)
            CHECK(low[2 * i] == plain[i * dim] && low[2 * i + 1] == plain[i * dim + 1]);

    free(low);
    free(plain);
    free(scr);
    free(scr_again);
    free(scr_other);
    return CHECK_DONE();
}
