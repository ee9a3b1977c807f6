/* The maximiser on synthetic functions (no GP): sums of Gaussian bumps whose
 * maximum a dense grid locates, in 1-D and 2-D; exclusions; a scorer with a
 * wrong gradient or failing callbacks; DIRECT-L; seeding; bad options. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "gp/rng.h"
#include "tests/check.h"

enum { MAX_BUMPS = 6 };

/* f(x) = sum_k a_k exp(-|x - c_k|^2 / (2 w_k^2)), a smooth multimodal test
 * function with an analytic gradient. */
typedef struct bumps {
    size_t dim, n;
    double a[MAX_BUMPS], w[MAX_BUMPS], c[MAX_BUMPS][2];
    int grad_mode;      /* 0 exact, 1 garbage gradient */
    int point_fails;    /* point() returns an error */
    int block_fails;    /* block() returns an error */
    int nan_values;     /* every value NaN */
    size_t point_calls;
} bumps;

static double bumps_value(const bumps *b, const double *x, double *grad)
{
    double f = 0.0;
    if (grad)
        memset(grad, 0, b->dim * sizeof *grad);
    for (size_t k = 0; k < b->n; k++) {
        double d2 = 0.0;
        for (size_t j = 0; j < b->dim; j++)
            d2 += (x[j] - b->c[k][j]) * (x[j] - b->c[k][j]);
        double e = b->a[k] * exp(-0.5 * d2 / (b->w[k] * b->w[k]));
        f += e;
        if (grad)
            for (size_t j = 0; j < b->dim; j++)
                grad[j] -= e * (x[j] - b->c[k][j]) / (b->w[k] * b->w[k]);
    }
    return b->nan_values ? NAN : f;
}

static bo_status bumps_block(void *ctx, size_t m, const double *X, double *value)
{
    bumps *b = ctx;
    if (b->block_fails)
        return BO_ENUMERIC;
    for (size_t i = 0; i < m; i++)
        value[i] = bumps_value(b, X + i * b->dim, NULL);
    return BO_OK;
}

static bo_status bumps_point(void *ctx, const double *x, double *value, double *grad)
{
    bumps *b = ctx;
    b->point_calls++;
    if (b->point_fails)
        return BO_ENUMERIC;
    *value = bumps_value(b, x, grad);
    if (grad && b->grad_mode == 1)
        for (size_t j = 0; j < b->dim; j++)
            grad[j] = 1e3 * (j % 2 ? -1.0 : 1.0);
    return BO_OK;
}

static void random_bumps(bumps *b, size_t dim, bo_rng *rng)
{
    memset(b, 0, sizeof *b);
    b->dim = dim;
    b->n = 2 + bo_rng_below(rng, MAX_BUMPS - 1);
    for (size_t k = 0; k < b->n; k++) {
        b->a[k] = 0.2 + bo_rng_uniform(rng);
        b->w[k] = 0.05 + 0.2 * bo_rng_uniform(rng);
        for (size_t j = 0; j < dim; j++)
            b->c[k][j] = -0.1 + 1.2 * bo_rng_uniform(rng);
    }
}

static bo_acq_scorer scorer_of(bumps *b)
{
    bo_acq_scorer sc = {b->dim, 64, b, bumps_block, bumps_point};
    return sc;
}

/* The grid's maximum over the unit square (or interval) at spacing h. */
static double grid_max(const bumps *b, size_t per_axis, double *xbest)
{
    double best = -HUGE_VAL, x[2] = {0, 0};
    size_t total = b->dim == 1 ? per_axis : per_axis * per_axis;
    for (size_t i = 0; i < total; i++) {
        x[0] = (double)(i % per_axis) / (double)(per_axis - 1);
        if (b->dim == 2)
            x[1] = (double)(i / per_axis) / (double)(per_axis - 1);
        double v = bumps_value(b, x, NULL);
        if (v > best) {
            best = v;
            memcpy(xbest, x, sizeof x);
        }
    }
    return best;
}

static void test_finds_grid_maximum(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 2024);
    int found = 0, cases = 200;
    for (int c = 0; c < cases; c++) {
        size_t dim = c % 2 ? 2 : 1;
        bumps b;
        random_bumps(&b, dim, &rng);
        double xg[2], x[2];
        double g = grid_max(&b, dim == 1 ? 2001 : 301, xg);
        bo_acq_maximizer_options mo;
        bo_acq_maximizer_options_default(&mo);
        mo.pool_size = 128;
        mo.starts = 4;
        mo.seed = (uint64_t)c;
        bo_acq_scorer sc = scorer_of(&b);
        bo_acq_result res;
        char err[200] = "";
        bo_status st = bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x, &res, err, sizeof err);
        CHECK_MSG(st == BO_OK, "case %d: %s", c, err);
        /* The grid maximum is a lower bound of the true one; a maximiser that
         * found the right mode matches or beats it (1e-12 for rounding). */
        if (st == BO_OK && res.value >= g - 1e-12 * fabs(g))
            found++;
        CHECK(st != BO_OK || res.value == bumps_value(&b, x, NULL));
        for (size_t j = 0; j < dim; j++)
            CHECK(x[j] >= 0.0 && x[j] <= 1.0);
    }
    CHECK_MSG(found >= 198, "found the grid maximum in %d of %d cases", found, cases);
}

static bumps fixed_bumps(void)
{
    bumps b;
    memset(&b, 0, sizeof b);
    b.dim = 2;
    b.n = 2;
    b.a[0] = 1.0, b.w[0] = 0.1, b.c[0][0] = 0.3, b.c[0][1] = 0.6;
    b.a[1] = 0.7, b.w[1] = 0.1, b.c[1][0] = 0.8, b.c[1][1] = 0.2;
    return b;
}

static void test_behaviour(void)
{
    bumps b = fixed_bumps();
    bo_acq_scorer sc = scorer_of(&b);
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.seed = 11;
    bo_acq_result res, res2;
    double x[2], x2[2];
    char err[200] = "";

    /* The global maximum is the taller bump's centre: the other one's slope
     * there, ~0.7 exp(-20.5) 0.64 / 0.01, moves it by under 1e-7. */
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x, &res, err, sizeof err) == BO_OK);
    CHECK_CLOSE(x[0], 0.3, 0.0, 1e-4);
    CHECK_CLOSE(x[1], 0.6, 0.0, 1e-4);
    CHECK(res.n_local == 5 && res.n_evals > mo.pool_size);
    /* Same seed, same answer, bit for bit. */
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(memcmp(x, x2, sizeof x) == 0 && res.value == res2.value);

    /* Excluding the maximiser's own answer: the next answer keeps away by
     * more than the tolerance in some coordinate. */
    double excl[2] = {x[0], x[1]};
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 1, excl, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(fabs(x2[0] - excl[0]) > 1e-6 || fabs(x2[1] - excl[1]) > 1e-6);
    CHECK(res2.value <= res.value);

    /* A box other than the unit cube; the peak at (0.3, 0.6) is outside
     * [0.5, 1] x [0, 0.5], the lower bump's centre inside. */
    const double lo[2] = {0.5, 0.0}, hi[2] = {1.0, 0.5};
    bo_acq_maximizer_options boxed = mo;
    boxed.lower = lo;
    boxed.upper = hi;
    CHECK(bo_acq_maximize_scorer(&sc, &boxed, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK_CLOSE(x2[0], 0.8, 0.0, 1e-3);
    CHECK_CLOSE(x2[1], 0.2, 0.0, 1e-3);

    /* DIRECT-L on its own finds the peak too (to its resolution). */
    bo_acq_maximizer_options dl = mo;
    dl.optimizer = BO_ACQ_OPT_DIRECT_L;
    CHECK(bo_acq_maximize_scorer(&sc, &dl, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK_CLOSE(x2[0], 0.3, 0.0, 1e-2);
    CHECK_CLOSE(x2[1], 0.6, 0.0, 1e-2);
    CHECK(res2.n_evals >= 1000);
    /* SLSQP as the local optimiser. */
    bo_acq_maximizer_options sq = mo;
    sq.optimizer = BO_ACQ_OPT_SLSQP;
    CHECK(bo_acq_maximize_scorer(&sc, &sq, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK_CLOSE(x2[0], 0.3, 0.0, 1e-4);
    CHECK_CLOSE(x2[1], 0.6, 0.0, 1e-4);

    /* A peak far narrower than the pool's spacing is missed by a 16-point
     * pool with no starts, and found from an extra start placed near it. */
    bumps narrow = fixed_bumps();
    narrow.a[1] = 2.0, narrow.w[1] = 0.002, narrow.c[1][0] = 0.7, narrow.c[1][1] = 0.1;
    bo_acq_scorer nsc = scorer_of(&narrow);
    bo_acq_maximizer_options ne = mo;
    ne.pool_size = 16;
    ne.starts = 0;
    CHECK(bo_acq_maximize_scorer(&nsc, &ne, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(res2.value < 1.5);
    const double near_peak[2] = {0.7005, 0.1004};
    ne.extra_starts = near_peak;
    ne.n_extra_starts = 1;
    CHECK(bo_acq_maximize_scorer(&nsc, &ne, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK_CLOSE(res2.value, 2.0, 1e-6, 0.0);
    CHECK(res2.n_local == 1);

    /* The pool alone (no starts) gives the baseline the local runs improve. */
    bo_acq_maximizer_options pool_only = mo;
    pool_only.starts = 0;
    double xp[2];
    bo_acq_result rp;
    CHECK(bo_acq_maximize_scorer(&sc, &pool_only, 0, NULL, xp, &rp, err, sizeof err) == BO_OK);
    CHECK(rp.n_local == 0 && rp.n_evals == mo.pool_size && rp.value <= res.value);

    /* skip_local_below: a pool whose best is below it gets no local runs
     * (the pool's answer, bit for bit); at or under the pool's best, the
     * runs happen as usual. */
    bo_acq_maximizer_options skip = mo;
    skip.skip_local_below = rp.value * (1.0 + 1e-12) + 1e-300;
    CHECK(bo_acq_maximize_scorer(&sc, &skip, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(res2.n_local == 0 && res2.value == rp.value && memcmp(x2, xp, sizeof xp) == 0);
    skip.skip_local_below = rp.value;
    CHECK(bo_acq_maximize_scorer(&sc, &skip, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(res2.n_local == 5 && res2.value == res.value);

    /* A wrong gradient makes NLopt give up with a negative code; the best
     * point seen (at least the pool's best) is still returned. */
    b.grad_mode = 1;
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(res2.value >= rp.value);
    CHECK(res2.value == bumps_value(&b, x2, NULL));
    CHECK_MSG(res2.n_local_failed > 0, "codes: last %d", res2.last_nlopt_code);
    b.grad_mode = 0;

    /* point() failing: the pool's best stands. */
    b.point_fails = 1;
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x2, &res2, err, sizeof err) == BO_OK);
    CHECK(res2.value == rp.value && memcmp(x2, xp, sizeof xp) == 0);
    b.point_fails = 0;

    /* block() failing is an error, with the place named. */
    b.block_fails = 1;
    err[0] = '\0';
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x2, &res2, err, sizeof err) == BO_ENUMERIC);
    CHECK(strstr(err, "candidates") != NULL);
    b.block_fails = 0;

    /* Nothing finite anywhere: BO_EOPTIM. */
    b.nan_values = 1;
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, x2, &res2, err, sizeof err) == BO_EOPTIM);
    b.nan_values = 0;
}

static void test_bad_options(void)
{
    bumps b = fixed_bumps();
    bo_acq_scorer sc = scorer_of(&b);
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    bo_acq_result res;
    double x[2];
    char err[200];

    CHECK(bo_acq_maximize_scorer(NULL, &mo, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 0, NULL, NULL, &res, err, sizeof err) == BO_EINVAL);
    bo_acq_scorer no_cb = sc;
    no_cb.point = NULL;
    CHECK(bo_acq_maximize_scorer(&no_cb, &mo, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    bo_acq_scorer no_dim = sc;
    no_dim.dim = 0;
    CHECK(bo_acq_maximize_scorer(&no_dim, &mo, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);

    const double lo[2] = {0.0, 1.0}, hi[2] = {1.0, 1.0};
    bo_acq_maximizer_options m = mo;
    m.lower = lo;
    m.upper = hi;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    CHECK(strstr(err, "box[1]") != NULL);
    m = mo;
    m.lower = lo;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.pool_size = 0;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.block_size = 0;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.duplicate_tol = -1.0;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.optimizer = (bo_acq_optimizer)42;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    CHECK(bo_acq_maximize_scorer(&sc, &mo, 3, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.n_extra_starts = 1;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.skip_local_below = NAN;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    m = mo;
    m.source_prune_ratio = -1.0;
    CHECK(bo_acq_maximize_scorer(&sc, &m, 0, NULL, x, &res, err, sizeof err) == BO_EINVAL);
    CHECK(strstr(err, "source_prune_ratio") != NULL);
}

int main(void)
{
    test_finds_grid_maximum();
    test_behaviour();
    test_bad_options();
    return CHECK_DONE();
}
