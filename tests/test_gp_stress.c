/* Numerical stress of the GP: data that real runs produce and textbooks do
 * not (repeated points, a constant response, responses near 1e-9, 1e9, 1e-300
 * and 1e300, inputs offset by 1e8 or near 1e154, a column that never varies,
 * one or two points, 50 inputs, 5000 points). The model must fit or say why,
 * never crash or give NaN, and its posterior mean must stay within the data's
 * range (plus a margin of half that range: a GP interpolates and reverts to
 * its constant mean; it does not invent values far outside what it saw). */
#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"

typedef struct stress_case {
    const char *label;
    size_t n, dim;
    double *X, *y;
    double *lower, *upper;  /* NULL: inputs used as given */
    int fixed_hyper;        /* condition at default hyperparameters, no fit */
    const char *refusal;    /* non-NULL: set_data must refuse, saying this */
} stress_case;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void stress_alloc(stress_case *c, const char *label, size_t n, size_t dim)
{
    memset(c, 0, sizeof *c);
    c->label = label;
    c->n = n;
    c->dim = dim;
    c->X = calloc(n * dim, sizeof *c->X);
    c->y = calloc(n, sizeof *c->y);
}

static void stress_free(stress_case *c)
{
    free(c->X);
    free(c->y);
    free(c->lower);
    free(c->upper);
}

static void set_box(stress_case *c, double lo, double hi)
{
    c->lower = malloc(c->dim * sizeof *c->lower);
    c->upper = malloc(c->dim * sizeof *c->upper);
    for (size_t j = 0; j < c->dim; j++) {
        c->lower[j] = lo;
        c->upper[j] = hi;
    }
}

/* A smooth response on the unit cube: values in about [0, 2]. */
static double smooth(const double *u, size_t dim)
{
    double s = 0.0;
    for (size_t j = 0; j < dim; j++)
        s += sin(3.0 * u[j] + (double)j) / (double)(j + 1);
    return 1.0 + s / 2.0;
}

/* Fits (or conditions), then predicts at every training point and at 200
 * random points of the box (or of the data's hull when there is none). */
static void run_case(stress_case *c)
{
    double t0 = now();
    bo_gp_options opt;
    bo_gp_options_default(&opt, c->dim);
    opt.lower = c->lower;
    opt.upper = c->upper;
    opt.seed = 11;
    opt.restarts = c->dim > 10 ? 1 : 0;
    char err[512] = "";
    bo_gp *gp = bo_gp_create(&opt, err, sizeof err);
    CHECK_MSG(gp != NULL, "%s: create: %s", c->label, err);
    if (!gp)
        return;
    bo_status st = bo_gp_set_data(gp, c->n, c->X, NULL, c->y, NULL);
    if (c->refusal) {
        CHECK_MSG(st == BO_EINVAL && strstr(bo_gp_errmsg(gp), c->refusal) != NULL,
                  "%s: status %d: '%s'", c->label, (int)st, bo_gp_errmsg(gp));
        bo_gp_destroy(gp);
        printf("%-28s n = %4zu, d = %2zu: refused: %s\n", c->label, c->n, c->dim,
               c->refusal);
        return;
    }
    CHECK_MSG(st == BO_OK, "%s: set_data: %s", c->label, bo_gp_errmsg(gp));
    if (st == BO_OK) {
        st = c->fixed_hyper ? bo_gp_condition(gp) : bo_gp_fit(gp, NULL);
        CHECK_MSG(st == BO_OK, "%s: %s: %s", c->label, c->fixed_hyper ? "condition" : "fit",
                  bo_gp_errmsg(gp));
    }
    if (st != BO_OK) {
        bo_gp_destroy(gp);
        return;
    }
    double ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        ymin = fmin(ymin, c->y[i]);
        ymax = fmax(ymax, c->y[i]);
    }
    /* Half the range each side; for a constant response, a relative sliver
     * of its size (and the smallest normal number for 0). */
    double margin = 0.5 * (ymax - ymin);
    if (!(margin > 0))
        margin = 1e-9 * fmax(fabs(ymin), fabs(ymax)) + DBL_MIN;
    if (!isfinite(margin))
        margin = DBL_MAX;

    /* At most 300 training points are predicted again: the variances of all
     * 5000 would cost a 5000 x 5000 triangular solve per 128 points. */
    size_t n_train = c->n < 300 ? c->n : 300;
    size_t m = n_train + 200, dim = c->dim;
    double *P = malloc(m * dim * sizeof *P), *mean = malloc(m * sizeof *mean),
           *var = malloc(m * sizeof *var);
    memcpy(P, c->X, n_train * dim * sizeof *P);
    bo_rng rng;
    bo_rng_init(&rng, 5);
    for (size_t i = n_train; i < m; i++)
        for (size_t j = 0; j < dim; j++) {
            double lo = c->lower ? c->lower[j] : c->X[j], hi = c->upper ? c->upper[j] : c->X[j];
            if (!c->lower)
                for (size_t k = 0; k < c->n; k++) {
                    lo = fmin(lo, c->X[k * dim + j]);
                    hi = fmax(hi, c->X[k * dim + j]);
                }
            P[i * dim + j] = lo + (hi - lo) * bo_rng_uniform(&rng);
        }
    st = bo_gp_predict_block(gp, m, P, 0, mean, var, NULL);
    CHECK_MSG(st == BO_OK, "%s: predict: %s", c->label, bo_gp_errmsg(gp));
    size_t bad = 0, outside = 0;
    for (size_t i = 0; st == BO_OK && i < m; i++) {
        if (!isfinite(mean[i]) || !isfinite(var[i]) || var[i] < 0) {
            if (bad++ == 0)
                fprintf(stderr, "%s: point %zu: mean %g var %g\n", c->label, i, mean[i], var[i]);
        } else if (mean[i] < ymin - margin || mean[i] > ymax + margin) {
            if (outside++ == 0)
                fprintf(stderr, "%s: point %zu: mean %.17g outside [%.17g, %.17g] +- %g\n",
                        c->label, i, mean[i], ymin, ymax, margin);
        }
    }
    CHECK_MSG(bad == 0, "%s: %zu of %zu predictions not finite", c->label, bad, m);
    CHECK_MSG(outside == 0, "%s: %zu of %zu means outside the data's range", c->label,
              outside, m);
    /* Single predictions agree with the block. */
    double m1 = NAN, v1 = NAN;
    CHECK(bo_gp_predict(gp, P + (m - 1) * dim, 0, &m1, &v1, NULL) == BO_OK);
    CHECK_MSG(isfinite(m1) && fabs(m1 - mean[m - 1]) <= 1e-6 * (fabs(mean[m - 1]) + margin),
              "%s: single %g, block %g", c->label, m1, mean[m - 1]);
    free(P);
    free(mean);
    free(var);
    bo_gp_destroy(gp);
    printf("%-28s n = %4zu, d = %2zu: %.2f s\n", c->label, c->n, c->dim, now() - t0);
}

/* n points of a smooth response on the unit cube, scaled and shifted. */
static void smooth_case(stress_case *c, const char *label, size_t n, size_t dim, double x_off,
                        double x_scale, double y_scale, uint64_t seed)
{
    stress_alloc(c, label, n, dim);
    bo_rng rng;
    bo_rng_init(&rng, seed);
    double *u = malloc(dim * sizeof *u);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dim; j++) {
            u[j] = bo_rng_uniform(&rng);
            c->X[i * dim + j] = x_off + x_scale * u[j];
        }
        c->y[i] = y_scale * smooth(u, dim);
    }
    free(u);
}

/* Queries far outside the box (|x| up to 1e300, where squared distances are
 * +Inf): the kernel's limit 0, so the prior's mean and variance, finite. */
static void test_far_predictions(void)
{
    stress_case c;
    smooth_case(&c, "far", 20, 2, 0, 1, 1, 9);
    set_box(&c, 0, 1);
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.lower = c.lower;
    opt.upper = c.upper;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp && bo_gp_set_data(gp, c.n, c.X, NULL, c.y, NULL) == BO_OK && bo_gp_fit(gp, NULL) ==
                    BO_OK);
    const double far[][2] = {{1e154, 0.5}, {-1e154, 0.5}, {1e300, -1e300}, {0.5, 1e200}};
    for (size_t i = 0; gp && i < sizeof far / sizeof *far; i++) {
        double mean = NAN, var = NAN, dmean[2] = {NAN, NAN}, dvar[2] = {NAN, NAN};
        CHECK(bo_gp_predict(gp, far[i], 0, &mean, &var, NULL) == BO_OK);
        CHECK_MSG(isfinite(mean) && isfinite(var), "far %zu: mean %g var %g", i, mean, var);
        /* Nothing is near: the prior, up to rounding. */
        CHECK_CLOSE(mean, bo_gp_mean_value(gp, 0), 1e-12, 1e-12);
        CHECK_CLOSE(var, bo_gp_signal_var(gp), 1e-12, 0.0);
        CHECK(bo_gp_predict_grad(gp, far[i], 0, &mean, &var, dmean, dvar) == BO_OK);
        CHECK_MSG(isfinite(dmean[0]) && isfinite(dmean[1]) && isfinite(dvar[0]) &&
                      isfinite(dvar[1]),
                  "far %zu: gradients %g %g %g %g", i, dmean[0], dmean[1], dvar[0], dvar[1]);
    }
    bo_gp_destroy(gp);
    stress_free(&c);
}

int main(void)
{
    stress_case c;
    test_far_predictions();

    /* Every point three times, with different noisy values. */
    stress_alloc(&c, "duplicated inputs", 30, 2);
    bo_rng rng;
    bo_rng_init(&rng, 1);
    for (size_t i = 0; i < 30; i++) {
        size_t base = i % 10;
        c.X[2 * i] = 0.1 * (double)base;
        c.X[2 * i + 1] = fmod(0.37 * (double)base, 1.0);
        c.y[i] = smooth(c.X + 2 * i, 2) + 0.05 * bo_rng_normal(&rng);
    }
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    /* The same point only, 8 times, the same value. */
    stress_alloc(&c, "one point repeated", 8, 2);
    for (size_t i = 0; i < 8; i++) {
        c.X[2 * i] = 0.25;
        c.X[2 * i + 1] = 0.75;
        c.y[i] = 2.5;
    }
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "constant y", 12, 3, 0, 1, 1, 2);
    for (size_t i = 0; i < c.n; i++)
        c.y[i] = 3.7;
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "constant y = 0", 12, 3, 0, 1, 1, 2);
    for (size_t i = 0; i < c.n; i++)
        c.y[i] = 0.0;
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e-9", 20, 2, 0, 1, 1e-9, 3);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e9", 20, 2, 0, 1, 1e9, 3);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    /* Their variances (1e-600, 1e600) are not doubles: refused, saying why
     * and what to do. Near the limits, they fit. */
    smooth_case(&c, "y at 1e-300", 20, 2, 0, 1, 1e-300, 3);
    set_box(&c, 0, 1);
    c.refusal = "is outside [1e-150, 1e+150], where its variances underflow or overflow";
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e300", 20, 2, 0, 1, 1e300, 3);
    set_box(&c, 0, 1);
    c.refusal = "rescale y";
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e-140", 20, 2, 0, 1, 1e-140, 3);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e140", 20, 2, 0, 1, 1e140, 3);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    /* Constant, so no variance of its own to overflow: fits. */
    smooth_case(&c, "constant y = 1e300", 10, 2, 0, 1, 1, 3);
    for (size_t i = 0; i < c.n; i++)
        c.y[i] = 1e300;
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "y at 1e-9 offset by 1", 20, 2, 0, 1, 1e-9, 3);
    for (size_t i = 0; i < c.n; i++)
        c.y[i] += 1.0;
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "x offset by 1e8, box", 20, 2, 1e8, 1, 1, 4);
    set_box(&c, 1e8, 1e8 + 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "x offset by 1e8, no box", 20, 2, 1e8, 1, 1, 4);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "x near 1e154, box", 20, 2, 0, 1e154, 1, 4);
    set_box(&c, 0, 1e154);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "x near 1e154, no box", 20, 2, 0, 1e154, 1, 4);
    c.refusal = "in the model's scaled inputs, beyond +-1e+150; give the inputs' box";
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "a constant input column", 20, 3, 0, 1, 1, 5);
    for (size_t i = 0; i < c.n; i++)
        c.X[3 * i + 1] = 0.5;
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "a constant column, no box", 20, 3, 0, 1, 1, 5);
    for (size_t i = 0; i < c.n; i++)
        c.X[3 * i + 1] = 0.5;
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "n = 1", 1, 2, 0, 1, 1, 6);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "n = 2", 2, 2, 0, 1, 1, 6);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    smooth_case(&c, "d = 50, n = 200", 200, 50, 0, 1, 1, 7);
    set_box(&c, 0, 1);
    run_case(&c);
    stress_free(&c);

    /* A fit would factorise the 5000 x 5000 matrix hundreds of times;
     * conditioning at the default hyperparameters factorises it once, which
     * is what this case is about (memory, the triangular solves, the
     * predictions). */
    smooth_case(&c, "n = 5000 (fixed hyper)", 5000, 2, 0, 1, 1, 8);
    set_box(&c, 0, 1);
    c.fixed_hyper = 1;
    run_case(&c);
    stress_free(&c);

    return CHECK_DONE();
}
