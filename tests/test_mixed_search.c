/* The mixed-space maximiser (acquisition/mixed_search.h) on EI of random GP
 * posteriors over a real, an integer and two categorical variables (12
 * combinations of levels): enumeration against a brute-force grid, the
 * local search against enumeration (the issue asks for agreement in at
 * least 95% of posteriors), integers only ever at integers, excluded
 * points never returned, bad spaces refused. */
#include "acquisition/acquisition.h"
#include "acquisition/mixed_search.h"
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

#define DIM 4
static const bo_var_kind kinds[DIM] = {BO_VAR_REAL, BO_VAR_INTEGER, BO_VAR_CATEGORICAL,
                                       BO_VAR_CATEGORICAL};
static const double lower[DIM] = {0.0, -3.0, 0.0, 0.0}, upper[DIM] = {1.0, 5.0, 0.0, 0.0};
static const size_t levels[DIM] = {0, 0, 3, 4};
static const size_t gp_levels[DIM] = {0, 0, 3, 4}; /* the integer is continuous to the GP */

static bo_status block_cb(void *ctx, size_t m, const double *X, double *value)
{
    return bo_acq_evaluate_block(ctx, m, X, value);
}

static bo_status point_cb(void *ctx, const double *x, double *value, double *grad)
{
    return bo_acq_evaluate(ctx, x, value, grad);
}

typedef struct posterior {
    bo_gp *gp;
    bo_acq_evaluator *ev;
    bo_acq_scorer scorer;
    double X[40 * DIM], y[40];
    size_t n;
} posterior;

/* A random function of the four variables, observed at n random points. */
static int make_posterior(posterior *p, uint64_t seed)
{
    bo_rng rng;
    bo_rng_init(&rng, seed);
    double a = 2.0 + 6.0 * bo_rng_uniform(&rng), b = 6.0 * bo_rng_uniform(&rng);
    double c[3], d[4], e = bo_rng_normal(&rng);
    for (int l = 0; l < 3; l++)
        c[l] = bo_rng_normal(&rng);
    for (int l = 0; l < 4; l++)
        d[l] = bo_rng_normal(&rng);
    p->n = 14 + (size_t)bo_rng_below(&rng, 10);
    for (size_t i = 0; i < p->n; i++) {
        double *x = p->X + i * DIM;
        x[0] = bo_rng_uniform(&rng);
        x[1] = (double)((int)bo_rng_below(&rng, 9) - 3);
        x[2] = (double)bo_rng_below(&rng, 3);
        x[3] = (double)bo_rng_below(&rng, 4);
        p->y[i] = sin(a * x[0] + b) + c[(int)x[2]] + d[(int)x[3]] + 0.1 * e * x[1] * x[1];
    }
    bo_gp_options opt;
    bo_gp_options_default(&opt, DIM);
    double glo[DIM] = {0.0, -3.0, 0.0, 0.0}, ghi[DIM] = {1.0, 5.0, 1.0, 1.0};
    opt.lower = glo;
    opt.upper = ghi;
    opt.n_levels = gp_levels;
    opt.restarts = 2;
    opt.seed = seed;
    p->gp = bo_gp_create(&opt, NULL, 0);
    if (!p->gp || bo_gp_set_data(p->gp, p->n, p->X, NULL, p->y, NULL) != BO_OK ||
        bo_gp_fit(p->gp, NULL) != BO_OK)
        return -1;
    double best = p->y[0];
    for (size_t i = 1; i < p->n; i++)
        best = fmin(best, p->y[i]);
    bo_acq_options acq;
    bo_acq_options_default(&acq);
    p->ev = bo_acq_evaluator_create(&acq, p->gp, best, 256, NULL, 0);
    if (!p->ev)
        return -1;
    p->scorer = (bo_acq_scorer){DIM, 256, p->ev, block_cb, point_cb};
    return 0;
}

static void free_posterior(posterior *p)
{
    bo_acq_evaluator_destroy(p->ev);
    bo_gp_destroy(p->gp);
}

static void check_point(const double *x, const char *what)
{
    CHECK_MSG(x[0] >= 0.0 && x[0] <= 1.0, "%s: x0 = %g", what, x[0]);
    CHECK_MSG(x[1] == floor(x[1]) && x[1] >= -3.0 && x[1] <= 5.0, "%s: integer x1 = %.17g", what,
              x[1]);
    CHECK_MSG(x[2] == floor(x[2]) && x[2] >= 0.0 && x[2] < 3.0, "%s: level x2 = %g", what, x[2]);
    CHECK_MSG(x[3] == floor(x[3]) && x[3] >= 0.0 && x[3] < 4.0, "%s: level x3 = %g", what, x[3]);
}

/* The best EI on a grid: every combination, every integer, 201 values of x0. */
/* A GP fitted to six points in two inputs with the given levels (0 for a
 * real input) and its acquisition evaluator at incumbent best, block
 * points at a time; a failure is a failed check. */
static void fit_small_posterior(posterior *p, const size_t *n_levels, const double *X,
                                const double *y, double best, size_t block)
{
    memset(p, 0, sizeof *p);
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.n_levels = n_levels;
    p->gp = bo_gp_create(&opt, NULL, 0);
    CHECK(p->gp && bo_gp_set_data(p->gp, 6, X, NULL, y, NULL) == BO_OK &&
          bo_gp_fit(p->gp, NULL) == BO_OK);
    bo_acq_options acq;
    bo_acq_options_default(&acq);
    p->ev = bo_acq_evaluator_create(&acq, p->gp, best, block, NULL, 0);
}

static double brute_force(posterior *p)
{
    double best = -HUGE_VAL, X[201 * DIM], v[201];
    for (int l2 = 0; l2 < 3; l2++)
        for (int l3 = 0; l3 < 4; l3++)
            for (int k = -3; k <= 5; k++) {
                for (int t = 0; t < 201; t++) {
                    X[t * DIM] = t / 200.0;
                    X[t * DIM + 1] = k;
                    X[t * DIM + 2] = l2;
                    X[t * DIM + 3] = l3;
                }
                CHECK(bo_acq_evaluate_block(p->ev, 201, X, v) == BO_OK);
                for (int t = 0; t < 201; t++)
                    best = fmax(best, v[t]);
            }
    return best;
}

int main(void)
{
    bo_mixed_space space = {DIM, kinds, lower, upper, levels};
    CHECK(bo_mixed_combinations(&space) == 12);
    enum { n_post = 40 };
    size_t agree = 0, tried = 0;
    for (uint64_t seed = 1; seed <= n_post; seed++) {
        posterior p;
        memset(&p, 0, sizeof p);
        if (make_posterior(&p, seed) != 0) {
            CHECK_MSG(0, "posterior %llu could not be built", (unsigned long long)seed);
            free_posterior(&p);
            continue;
        }
        bo_mixed_options opt;
        bo_mixed_options_default(&opt);
        opt.seed = seed;
        double xe[DIM], ve, xl[DIM], vl;
        char err[256];
        CHECK_MSG(bo_mixed_maximize(&p.scorer, &space, &opt, p.n, p.X, xe, &ve, NULL, err,
                                    sizeof err) == BO_OK, "enumerate: %s", err);
        check_point(xe, "enumerate");
        /* Enumeration reaches the grid's best (the grid's spacing in x0 is
         * 1/200; the continuous search refines between grid points). */
        double grid = brute_force(&p);
        CHECK_MSG(ve >= grid - 1e-6 * fabs(grid) - 1e-12, "posterior %llu: enumeration %g below "
                  "the grid's %g", (unsigned long long)seed, ve, grid);
        opt.max_enumerate = 0;
        CHECK_MSG(bo_mixed_maximize(&p.scorer, &space, &opt, p.n, p.X, xl, &vl, NULL, err,
                                    sizeof err) == BO_OK, "local: %s", err);
        check_point(xl, "local search");
        tried++;
        if (vl >= ve - 1e-4 * fabs(ve))
            agree++;
        /* The answer is never an observed point. */
        for (size_t i = 0; i < p.n; i++) {
            const double *o = p.X + i * DIM;
            CHECK(!(fabs(o[0] - xe[0]) <= 1e-6 && o[1] == xe[1] && o[2] == xe[2] &&
                    o[3] == xe[3]));
        }
        /* Excluding the answer gives another point. */
        if (seed <= 5) {
            double ex[41 * DIM], x2[DIM], v2;
            memcpy(ex, p.X, p.n * DIM * sizeof *ex);
            memcpy(ex + p.n * DIM, xe, sizeof xe);
            opt.max_enumerate = 64;
            CHECK(bo_mixed_maximize(&p.scorer, &space, &opt, p.n + 1, ex, x2, &v2, NULL, err,
                                    sizeof err) == BO_OK);
            CHECK(!(fabs(x2[0] - xe[0]) <= 1e-6 && x2[1] == xe[1] && x2[2] == xe[2] &&
                    x2[3] == xe[3]));
            CHECK(v2 <= ve + 1e-9 * fabs(ve));
            /* Same seed, same answer. */
            double x3[DIM], v3;
            CHECK(bo_mixed_maximize(&p.scorer, &space, &opt, p.n + 1, ex, x3, &v3, NULL, err,
                                    sizeof err) == BO_OK);
            CHECK(memcmp(x2, x3, sizeof x2) == 0 && v2 == v3);
        }
        free_posterior(&p);
    }
    CHECK_MSG(agree * 100 >= 95 * tried, "local search matched enumeration on %zu of %zu "
              "posteriors", agree, tried);
    printf("local search matched enumeration on %zu of %zu posteriors\n", agree, tried);

    /* Only categorical variables: every combination but one excluded gives
     * that one; all excluded is BO_EOPTIM. */
    {
        static const bo_var_kind ck[2] = {BO_VAR_CATEGORICAL, BO_VAR_CATEGORICAL};
        static const size_t cl[2] = {2, 3};
        bo_mixed_space cs = {2, ck, NULL, NULL, cl};
        posterior p;
        double X[12] = {0, 0, 0, 1, 0, 2, 1, 0, 1, 1, 1, 2}, y[6] = {1, 2, 0.5, 3, 2.5, 1.5};
        fit_small_posterior(&p, cl, X, y, 0.5, 16);
        bo_acq_scorer sc = {2, 16, p.ev, block_cb, point_cb};
        bo_mixed_options mo;
        bo_mixed_options_default(&mo);
        double x[2], v;
        char err[256];
        CHECK(bo_mixed_maximize(&sc, &cs, &mo, 5, X, x, &v, NULL, err, sizeof err) == BO_OK);
        CHECK(x[0] == 1.0 && x[1] == 2.0);
        mo.max_enumerate = 0;
        CHECK(bo_mixed_maximize(&sc, &cs, &mo, 5, X, x, &v, NULL, err, sizeof err) == BO_OK);
        CHECK(x[0] == 1.0 && x[1] == 2.0);
        CHECK(bo_mixed_maximize(&sc, &cs, &mo, 6, X, x, &v, NULL, err, sizeof err) == BO_EOPTIM);
        free_posterior(&p);
    }
    /* Real and categorical variables, no integer: the continuous search's
     * own answer is the value (no rounding step). */
    {
        static const bo_var_kind rk[2] = {BO_VAR_REAL, BO_VAR_CATEGORICAL};
        static const size_t rl[2] = {0, 3}, gl[2] = {0, 3};
        static const double rlo[2] = {0.0, 0.0}, rhi[2] = {1.0, 0.0};
        bo_mixed_space rs = {2, rk, rlo, rhi, rl};
        posterior p;
        double X[12] = {0.1, 0, 0.5, 0, 0.9, 1, 0.3, 1, 0.7, 2, 0.2, 2};
        double y[6] = {1.0, 0.2, 0.8, 0.5, 0.9, 0.4};
        fit_small_posterior(&p, gl, X, y, 0.2, 64);
        bo_acq_scorer sc = {2, 64, p.ev, block_cb, point_cb};
        bo_mixed_options mo;
        bo_mixed_options_default(&mo);
        for (int local = 0; local < 2; local++) {
            double x[2], v, v2;
            char err[256];
            mo.max_enumerate = local ? 0 : 64;
            CHECK_MSG(bo_mixed_maximize(&sc, &rs, &mo, 6, X, x, &v, NULL, err, sizeof err) ==
                          BO_OK, "%s", err);
            CHECK(bo_acq_evaluate(p.ev, x, &v2, NULL) == BO_OK);
            CHECK_MSG(isfinite(v) && v == v2 && x[0] >= 0.0 && x[0] <= 1.0 &&
                          (x[1] == 0.0 || x[1] == 1.0 || x[1] == 2.0),
                      "value %g (at x: %g), x = (%g, %g)", v, v2, x[0], x[1]);
        }
        free_posterior(&p);
    }
    /* Bad spaces. */
    {
        static const double lo[DIM] = {0.0, -2.5, 0.0, 0.0};
        static const size_t nolev[DIM] = {0, 0, 0, 4};
        bo_mixed_space bad = {DIM, kinds, lo, upper, levels};
        bo_acq_scorer sc = {DIM, 16, NULL, block_cb, point_cb};
        bo_mixed_options mo;
        bo_mixed_options_default(&mo);
        double x[DIM], v;
        char err[256];
        CHECK(bo_mixed_maximize(&sc, &bad, &mo, 0, NULL, x, &v, NULL, err, sizeof err) ==
              BO_EINVAL);
        CHECK(strstr(err, "variable 1") != NULL);
        bad.lower = lower;
        bad.n_levels = nolev;
        CHECK(bo_mixed_maximize(&sc, &bad, &mo, 0, NULL, x, &v, NULL, err, sizeof err) ==
              BO_EINVAL);
        CHECK(strstr(err, "variable 2") != NULL);
        sc.dim = 3;
        CHECK(bo_mixed_maximize(&sc, &space, &mo, 0, NULL, x, &v, NULL, err, sizeof err) ==
              BO_EINVAL);
    }
    return CHECK_DONE();
}
