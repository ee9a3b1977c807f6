/* Sobol indices (gp/gp_sensitivity.h) against closed forms. The estimator
 * alone, on exact functions (Ishigami, and a function of a continuous and
 * two categorical inputs), to a tolerance of four Monte Carlo standard
 * errors; then the posterior mean: the Ishigami function fitted on 300
 * points (every index within 0.03 of its analytic value), a linear function
 * the GP reproduces (to 0.01); their spread over posterior draws; and every
 * error the calls can report. */
#include "gp/gp_sensitivity.h"
#include "gp/rng.h"
#include "tests/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_PI 3.14159265358979323846

static double linear(const double *x);
static double constant(const double *x);

static double ishigami(const double *x)
{
    double s1 = sin(x[0]), s2 = sin(x[1]), x3 = x[2];
    return s1 + 7.0 * s2 * s2 + 0.1 * x3 * x3 * x3 * x3 * s1;
}

/* An exact function for bo_gp_sobol_estimate: one y per row. */
typedef struct {
    size_t dim;
    double (*f)(const double *);
    size_t calls;
    size_t fail_at; /* the call that fails with BO_ENUMERIC; 0 never */
} exact_context;

static bo_status evaluate_exact(void *context, size_t n, const double *x, double *y)
{
    exact_context *c = context;
    if (++c->calls == c->fail_at)
        return BO_ENUMERIC;
    for (size_t j = 0; j < n; j++)
        y[j] = c->f(x + j * c->dim);
    return BO_OK;
}

/* f = c[l] x + g[m], x uniform on [0, 1], l a 3-level and m a 4-level
 * categorical input, levels equally likely, c = (1, 2, 3), g = (0, 0, 0, 2). */
static const double mixed_slope[3] = {1.0, 2.0, 3.0}, mixed_offset[4] = {0.0, 0.0, 0.0, 2.0};

static double mixed(const double *x)
{
    return mixed_slope[(size_t)x[1]] * x[0] + mixed_offset[(size_t)x[2]];
}

/* One point of the inputs' distribution, drawn by the test's own stream. */
static void draw_point(bo_rng *rng, size_t dim, const size_t *levels, const double *lower,
                       const double *upper, double *x)
{
    for (size_t k = 0; k < dim; k++) {
        double u = bo_rng_uniform(rng);
        x[k] = levels[k] ? floor(u * (double)levels[k]) : lower[k] + (upper[k] - lower[k]) * u;
    }
}

/* The standard deviation of one sample's contribution to each estimator,
 * by M independent draws: the estimates are ratios mean(t) / mean(v) with
 * v the squared deviation from the mean, so their error over N samples is
 * about sd(t - S v) / (V sqrt(N)) (the delta method), S the true index.
 * sd_first[i], sd_total[i] are sd(t - S v) / V for input i. */
static void term_sds(double (*f)(const double *), size_t dim, const size_t *levels,
                     const double *lower, const double *upper, double mean, double V,
                     const double *first, const double *total, double *sd_first,
                     double *sd_total)
{
    enum { M = 100000 };
    double a[3], b[3], ab[3];
    bo_rng rng;
    bo_rng_init(&rng, 99);
    for (size_t i = 0; i < dim; i++) {
        double m1 = 0.0, q1 = 0.0, m2 = 0.0, q2 = 0.0;
        for (size_t j = 0; j < M; j++) {
            draw_point(&rng, dim, levels, lower, upper, a);
            draw_point(&rng, dim, levels, lower, upper, b);
            memcpy(ab, a, sizeof ab);
            ab[i] = b[i];
            double fa = f(a) - mean, fb = f(b) - mean, fab = f(ab) - mean;
            double v = 0.5 * (fa * fa + fb * fb);
            double t1 = fb * (fab - fa) - first[i] * v;
            double t2 = 0.5 * (fa - fab) * (fa - fab) - total[i] * v;
            m1 += t1;
            q1 += t1 * t1;
            m2 += t2;
            q2 += t2 * t2;
        }
        sd_first[i] = sqrt(q1 / M - (m1 / M) * (m1 / M)) / V;
        sd_total[i] = sqrt(q2 / M - (m2 / M) * (m2 / M)) / V;
    }
}

/* Runs the estimator on f and compares every index with its closed form,
 * to four standard errors at N samples (a wrong formula, such as f(A) for
 * f(B) in the first order or V for 2V in the total, is off by far more). */
static void check_exact(const char *name, double (*f)(const double *), size_t dim,
                        const size_t *levels, const double *lower, const double *upper,
                        double mean, double V, const double *want_first,
                        const double *want_total)
{
    size_t N = 200000;
    double first[3], total[3], var, sd1[3], sd2[3];
    exact_context c = {dim, f, 0, 0};
    CHECK(bo_gp_sobol_estimate(dim, levels, lower, upper, N, 3, evaluate_exact, &c, first,
                               total, &var) == BO_OK);
    CHECK_MSG(c.calls == dim + 1, "%s: %zu calls of f, want %zu", name, c.calls, dim + 1);
    term_sds(f, dim, levels, lower, upper, mean, V, want_first, want_total, sd1, sd2);
    for (size_t i = 0; i < dim; i++) {
        double tol1 = 4.0 * sd1[i] / sqrt((double)N), tol2 = 4.0 * sd2[i] / sqrt((double)N);
        printf("%s input %zu: first order %.5f (closed form %.5f, tolerance %.5f), total %.5f "
               "(%.5f, %.5f)\n",
               name, i, first[i], want_first[i], tol1, total[i], want_total[i], tol2);
        CHECK_MSG(fabs(first[i] - want_first[i]) <= tol1, "%s: S%zu = %.5f, closed form %.5f",
                  name, i, first[i], want_first[i]);
        CHECK_MSG(fabs(total[i] - want_total[i]) <= tol2, "%s: ST%zu = %.5f, closed form %.5f",
                  name, i, total[i], want_total[i]);
    }
    /* V over the 2N points of A and B: its error is sd((f - mean)^2) /
     * sqrt(2N); 5 % is more than four of those for both functions. */
    CHECK_MSG(fabs(var - V) <= 0.05 * V, "%s: V = %.5f, closed form %.5f", name, var, V);
}

static void exact_indices(void)
{
    /* Ishigami's closed form (see ishigami_indices); its mean is a / 2. */
    double a = 7.0, b = 0.1, p4 = pow(TEST_PI, 4), p8 = p4 * p4;
    double V1 = 0.5 * (1.0 + b * p4 / 5.0) * (1.0 + b * p4 / 5.0), V2 = a * a / 8.0;
    double V13 = b * b * p8 * (1.0 / 18.0 - 1.0 / 50.0), V = V1 + V2 + V13;
    double s[3] = {V1 / V, V2 / V, 0.0}, st[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    size_t continuous[3] = {0, 0, 0};
    double lo[3] = {-TEST_PI, -TEST_PI, -TEST_PI}, hi[3] = {TEST_PI, TEST_PI, TEST_PI};
    check_exact("Ishigami", ishigami, 3, continuous, lo, hi, a / 2.0, V, s, st);

    /* The mixed function, inputs (x, l, m). With E x = 1/2, E x^2 = 1/3,
     * E c = 2, E c^2 = 14/3, E g = 1/2, E g^2 = 1: mean 3/2;
     * Var(c x) = 14/9 - 1 = 5/9 and Var(g) = 3/4, so V = 47/36.
     * E[f | x] = 2x + 1/2: V_x = 4/12 = 12/36; E[f | l] = c/2 + 1/2:
     * V_l = Var(c) / 4 = 6/36; E[f | m] = 1 + g: V_m = 27/36; the rest,
     * 47/36 - 45/36 = 2/36, is the x-l interaction (g is additive). So
     * S = (12, 6, 27) / 47 and ST = (14, 8, 27) / 47. A categorical
     * input's bounds are ignored, NaN here to show it. */
    size_t levels[3] = {0, 3, 4};
    double mlo[3] = {0.0, NAN, NAN}, mhi[3] = {1.0, NAN, NAN};
    double ms[3] = {12.0 / 47.0, 6.0 / 47.0, 27.0 / 47.0};
    double mst[3] = {14.0 / 47.0, 8.0 / 47.0, 27.0 / 47.0};
    check_exact("mixed", mixed, 3, levels, mlo, mhi, 1.5, 47.0 / 36.0, ms, mst);
}

/* The estimator's own refusals, and a failure of f passed on. */
static void estimate_errors(void)
{
    double lo[2] = {0.0, 0.0}, hi[2] = {1.0, 1.0}, first[2], total[2], var = 1.0;
    size_t levels[2] = {0, 2};
    exact_context c = {2, mixed, 0, 0};
    CHECK(bo_gp_sobol_estimate(0, NULL, lo, hi, 10, 1, evaluate_exact, &c, first, total,
                               NULL) == BO_EINVAL);
    CHECK(bo_gp_sobol_estimate(2, NULL, lo, hi, 1, 1, evaluate_exact, &c, first, total, NULL) ==
          BO_EINVAL);
    CHECK(bo_gp_sobol_estimate(2, NULL, lo, hi, SIZE_MAX / 4, 1, evaluate_exact, &c, first,
                               total, NULL) == BO_EINVAL);
    double flipped[2] = {1.0, -1.0};
    CHECK(bo_gp_sobol_estimate(2, NULL, lo, flipped, 10, 1, evaluate_exact, &c, first, total,
                               NULL) == BO_EINVAL);
    /* Input 1 categorical: its flipped bounds do not matter. */
    c.f = constant;
    CHECK(bo_gp_sobol_estimate(2, levels, lo, flipped, 10, 1, evaluate_exact, &c, first, total,
                               &var) == BO_ENUMERIC);
    CHECK(var == 0.0);
    c.f = linear;
    c.calls = 0;
    c.fail_at = 2; /* the first A_B^(i) */
    CHECK(bo_gp_sobol_estimate(2, NULL, lo, hi, 10, 1, evaluate_exact, &c, first, total,
                               NULL) == BO_ENUMERIC);
    CHECK(c.calls == 2);
}

/* Uniform on [lo, hi]^dim, n points, fitted with the defaults. */
static bo_gp *fit_on(size_t dim, size_t n, double lo, double hi, double (*f)(const double *),
                     uint64_t seed)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, dim);
    double lower[3], upper[3];
    for (size_t k = 0; k < dim; k++) {
        lower[k] = lo;
        upper[k] = hi;
    }
    opt.lower = lower;
    opt.upper = upper;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double *X = malloc(n * dim * sizeof *X), *y = malloc(n * sizeof *y);
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < dim; k++)
            X[i * dim + k] = lo + (hi - lo) * bo_rng_uniform(&rng);
        y[i] = f(X + i * dim);
    }
    CHECK(gp && bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    CHECK(gp && bo_gp_fit(gp, NULL) == BO_OK);
    free(X);
    free(y);
    return gp;
}

static void ishigami_indices(void)
{
    /* Closed form for a = 7, b = 0.1 on [-pi, pi]^3 (Ishigami and Homma
     * 1990; Sobol' and Levitan 1999): V1 = (1 + b pi^4 / 5)^2 / 2,
     * V2 = a^2 / 8, V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50), no other terms. */
    double a = 7.0, b = 0.1, p4 = pow(TEST_PI, 4), p8 = p4 * p4;
    double V1 = 0.5 * (1.0 + b * p4 / 5.0) * (1.0 + b * p4 / 5.0), V2 = a * a / 8.0;
    double V13 = b * b * p8 * (1.0 / 18.0 - 1.0 / 50.0);
    double V = V1 + V2 + V13;
    double want_first[3] = {V1 / V, V2 / V, 0.0};
    double want_total[3] = {(V1 + V13) / V, V2 / V, V13 / V};
    bo_gp *gp = fit_on(3, 300, -TEST_PI, TEST_PI, ishigami, 7);
    double lower[3] = {-TEST_PI, -TEST_PI, -TEST_PI}, upper[3] = {TEST_PI, TEST_PI, TEST_PI};
    double first[3], total[3], var;
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 20000, 1, first, total, &var) == BO_OK);
    for (size_t i = 0; i < 3; i++) {
        printf("Ishigami x%zu: first order %.4f (closed form %.4f), total %.4f (%.4f)\n", i + 1,
               first[i], want_first[i], total[i], want_total[i]);
        CHECK_MSG(fabs(first[i] - want_first[i]) <= 0.03, "S%zu = %.4f, closed form %.4f",
                  i + 1, first[i], want_first[i]);
        CHECK_MSG(fabs(total[i] - want_total[i]) <= 0.03, "ST%zu = %.4f, closed form %.4f",
                  i + 1, total[i], want_total[i]);
    }
    /* The variance of the mean is the function's, to the emulator's error. */
    CHECK_MSG(fabs(var - V) <= 0.05 * V, "V = %.4f, closed form %.4f", var, V);
    bo_gp_destroy(gp);
}

static double linear(const double *x)
{
    return x[0] + 2.0 * x[1];
}

static bo_status predict_mean(void *context, size_t n, const double *x, double *y)
{
    return bo_gp_predict_block(context, n, x, 0, y, NULL, NULL);
}

static void linear_indices(void)
{
    /* x uniform on [0, 1]^2: Var(x1) = 1/12, Var(2 x2) = 4/12, no
     * interaction, so S = ST = (1/5, 4/5). */
    bo_gp *gp = fit_on(2, 40, 0.0, 1.0, linear, 3);
    double lower[2] = {0.0, 0.0}, upper[2] = {1.0, 1.0}, first[2], total[2], var;
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 50000, 5, first, total, &var) == BO_OK);
    CHECK_CLOSE(first[0], 0.2, 0.0, 0.01);
    CHECK_CLOSE(first[1], 0.8, 0.0, 0.01);
    CHECK_CLOSE(total[0], 0.2, 0.0, 0.01);
    CHECK_CLOSE(total[1], 0.8, 0.0, 0.01);
    CHECK_CLOSE(var, 5.0 / 12.0, 0.01, 0.0); /* 1 % */
    /* The same seed gives the same estimates; another seed other ones. */
    double again[2], again_total[2], other[2], other_total[2];
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 50000, 5, again, again_total, NULL) == BO_OK);
    CHECK(again[0] == first[0] && again_total[1] == total[1]);
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 50000, 6, other, other_total, NULL) == BO_OK);
    CHECK(other[0] != first[0]);
    /* bo_gp_sobol is the estimator on the posterior mean: the same figures,
     * bit for bit, through the callback. */
    CHECK(bo_gp_sobol_estimate(2, NULL, lower, upper, 50000, 5, predict_mean, gp, again,
                               again_total, NULL) == BO_OK);
    CHECK(again[0] == first[0] && again[1] == first[1] && again_total[0] == total[0] &&
          again_total[1] == total[1]);
    bo_gp_destroy(gp);
}

/* The spread over posterior draws: about nothing where the data pin the
 * function down (a linear function on 40 points, whose draws' indices
 * average to the mean's on the same base points), and wider with 30
 * points of Ishigami than with 300. */
static void draw_spread(void)
{
    size_t N = 300, K = 30;
    double lower[3] = {0.0, 0.0, 0.0}, upper[3] = {1.0, 1.0, 1.0};
    double s[3], t[3], sm[3], ssd[3], tm[3], tsd[3];
    bo_gp *gp = fit_on(2, 40, 0.0, 1.0, linear, 3);
    CHECK(bo_gp_sobol(gp, 0, lower, upper, N, 9, s, t, NULL) == BO_OK);
    CHECK(bo_gp_sobol_draws(gp, 0, lower, upper, N, K, 9, sm, ssd, tm, tsd) == BO_OK);
    for (size_t i = 0; i < 2; i++) {
        CHECK_MSG(fabs(sm[i] - s[i]) <= 0.01 && fabs(tm[i] - t[i]) <= 0.01,
                  "linear x%zu: draws' mean %.4f %.4f, the mean's %.4f %.4f", i + 1, sm[i],
                  tm[i], s[i], t[i]);
        CHECK_MSG(ssd[i] <= 0.01 && tsd[i] <= 0.01, "linear x%zu: sd %.4f %.4f", i + 1, ssd[i],
                  tsd[i]);
    }
    bo_gp_destroy(gp);

    double lo[3] = {-TEST_PI, -TEST_PI, -TEST_PI}, hi[3] = {TEST_PI, TEST_PI, TEST_PI};
    double spread[2];
    size_t sizes[2] = {30, 300};
    for (size_t c = 0; c < 2; c++) {
        bo_gp *g = fit_on(3, sizes[c], -TEST_PI, TEST_PI, ishigami, 7);
        CHECK(bo_gp_sobol_draws(g, 0, lo, hi, N, K, 9, sm, ssd, tm, tsd) == BO_OK);
        spread[c] = 0.0;
        for (size_t i = 0; i < 3; i++)
            spread[c] += ssd[i] + tsd[i];
        printf("Ishigami, %zu points: sum of the indices' sds over %zu draws %.4f\n", sizes[c],
               K, spread[c]);
        bo_gp_destroy(g);
    }
    CHECK_MSG(spread[0] > 2.0 * spread[1], "spread at 30 points %.4f, at 300 %.4f", spread[0],
              spread[1]);
}

static double constant(const double *x)
{
    (void)x;
    return 3.0;
}

static void errors(void)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    bo_gp *unfitted = bo_gp_create(&opt, NULL, 0);
    double lower[2] = {0.0, 0.0}, upper[2] = {1.0, 1.0}, first[2], total[2];
    CHECK(bo_gp_sobol(unfitted, 0, lower, upper, 100, 1, first, total, NULL) == BO_ESTATE);
    CHECK_MSG(strstr(bo_gp_errmsg(unfitted), "gp sobol: the GP has no fitted data") != NULL,
              "%s", bo_gp_errmsg(unfitted));
    bo_gp_destroy(unfitted);

    bo_gp *gp = fit_on(2, 20, 0.0, 1.0, linear, 4);
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 1, 1, first, total, NULL) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "n_samples = 1: need at least 2") != NULL, "%s",
              bo_gp_errmsg(gp));
    CHECK(bo_gp_sobol(gp, 1, lower, upper, 100, 1, first, total, NULL) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "source 1 out of range (1 sources)") != NULL, "%s",
              bo_gp_errmsg(gp));
    double flipped[2] = {1.0, -1.0};
    CHECK(bo_gp_sobol(gp, 0, lower, flipped, 100, 1, first, total, NULL) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "input 1: box [0, -1] is not an interval") != NULL,
              "%s", bo_gp_errmsg(gp));
    double inf_upper[2] = {1.0, INFINITY};
    CHECK(bo_gp_sobol(gp, 0, lower, inf_upper, 100, 1, first, total, NULL) == BO_EINVAL);
    CHECK(bo_gp_sobol(gp, 0, lower, upper, SIZE_MAX / 2, 1, first, total, NULL) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "is too large") != NULL, "%s", bo_gp_errmsg(gp));
    CHECK(bo_gp_sobol_draws(gp, 0, lower, upper, 100, 1, 1, first, total, first, total) ==
          BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "n_draws = 1: need at least 2") != NULL, "%s",
              bo_gp_errmsg(gp));
    CHECK(bo_gp_sobol_draws(gp, 0, lower, upper, 1001, 5, 1, first, total, first, total) ==
          BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "1001 samples x (2 inputs + 2) = 4004 points to draw "
                                       "jointly: at most 4000") != NULL,
              "%s", bo_gp_errmsg(gp));
    CHECK(bo_gp_sobol_draws(gp, 0, lower, upper, 1, 5, 1, first, total, first, total) ==
          BO_EINVAL);
    bo_gp_destroy(gp);

    bo_gp *flat = fit_on(2, 10, 0.0, 1.0, constant, 5);
    CHECK(bo_gp_sobol(flat, 0, lower, upper, 100, 1, first, total, NULL) == BO_ENUMERIC);
    CHECK_MSG(strstr(bo_gp_errmsg(flat), "the posterior mean is constant") != NULL, "%s",
              bo_gp_errmsg(flat));
    bo_gp_destroy(flat);
}

/* Input 0 categorical with levels 0, 1, 2 (offsets a = 0, 1, 2), input 1
 * continuous uniform on [0, 1]: f = a[level] + x1. Each level equally
 * likely: Var(a) = mean(a^2) - mean(a)^2 = 5/3 - 1 = 2/3; Var(x1) = 1/12;
 * no interaction, so V = 3/4 and S = ST = (8/9, 1/9). */
static void categorical_indices(void)
{
    static const double offset[3] = {0.0, 1.0, 2.0};
    size_t levels[2] = {3, 0};
    double lower[2] = {0.0, 0.0}, upper[2] = {1.0, 1.0};
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.lower = lower;
    opt.upper = upper;
    opt.n_levels = levels;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    enum { n = 45 };
    double X[2 * n], y[n];
    bo_rng rng;
    bo_rng_init(&rng, 11);
    for (size_t i = 0; i < n; i++) {
        X[2 * i] = (double)(i % 3);
        X[2 * i + 1] = bo_rng_uniform(&rng);
        y[i] = offset[i % 3] + X[2 * i + 1];
    }
    CHECK(gp && bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    CHECK(gp && bo_gp_fit(gp, NULL) == BO_OK);
    double first[2], total[2], var;
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 50000, 5, first, total, &var) == BO_OK);
    CHECK_CLOSE(first[0], 8.0 / 9.0, 0.0, 0.02);
    CHECK_CLOSE(first[1], 1.0 / 9.0, 0.0, 0.02);
    CHECK_CLOSE(total[0], 8.0 / 9.0, 0.0, 0.02);
    CHECK_CLOSE(total[1], 1.0 / 9.0, 0.0, 0.02);
    CHECK_CLOSE(var, 0.75, 0.03, 0.0);
    bo_gp_destroy(gp);
}

/* A GP over (x0 continuous, x1 with 3 levels, x2 with 4), on n points
 * of y = a[x1] + x0 (x2 plays no part), in the given latent mode; fitted
 * when asked. */
static bo_gp *two_categorical(bo_gp_latent_mode mode, const double *offset, size_t n, int fit)
{
    size_t levels[3] = {0, 3, 4};
    double lower[3] = {0.0, 0.0, 0.0}, upper[3] = {1.0, 0.0, 0.0};
    bo_gp_options opt;
    bo_gp_options_default(&opt, 3);
    opt.lower = lower;
    opt.upper = upper;
    opt.n_levels = levels;
    opt.latent_mode = mode;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double *X = malloc(3 * n * sizeof *X), *y = malloc(n * sizeof *y);
    bo_rng rng;
    bo_rng_init(&rng, 17);
    for (size_t i = 0; i < n; i++) {
        X[3 * i] = bo_rng_uniform(&rng);
        X[3 * i + 1] = (double)(i % 3);
        X[3 * i + 2] = (double)((i / 3) % 4);
        y[i] = offset[i % 3] + X[3 * i];
    }
    CHECK(gp && bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    if (fit)
        CHECK(gp && bo_gp_fit(gp, NULL) == BO_OK);
    free(X);
    free(y);
    return gp;
}

/* The latent-distance measure: exact on latent points set by hand; on a
 * fit, large for the input whose levels differ, about 0 for the one the
 * data ignore, in the order of their total Sobol indices; and its refusals. */
static void level_distance(void)
{
    static const double offset[3] = {0.0, 1.0, 2.0};
    bo_gp *gp = two_categorical(BO_LATENT_PER_VARIABLE, offset, 48, 0);
    /* x1's levels at (1, 1), (4, 1), (1, -3): distances 3, 4 and 5, mean 4;
     * x2's four levels on a unit square: four sides of 1, two diagonals of
     * sqrt 2, mean (4 + 2 sqrt 2) / 6. */
    static const double z1[3][2] = {{1, 1}, {4, 1}, {1, -3}};
    static const double z2[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    size_t nh = bo_gp_n_hyper(gp), set = 0;
    double *theta = malloc(nh * sizeof *theta);
    bo_gp_get_hyper(gp, theta);
    for (size_t j = 0; j < nh; j++) {
        char name[64];
        size_t input, level, coord;
        bo_gp_hyper_name(gp, j, name, sizeof name);
        if (sscanf(name, "level_latent[x%zu][%zu][%zu]", &input, &level, &coord) == 3) {
            theta[j] = input == 1 ? z1[level][coord] : z2[level][coord];
            set++;
        }
    }
    CHECK(set == 14);
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
    double dist[3];
    CHECK(bo_gp_level_distance(gp, 1, &dist[1]) == BO_OK);
    CHECK(bo_gp_level_distance(gp, 2, &dist[2]) == BO_OK);
    CHECK_CLOSE(dist[1], 4.0, 1e-12, 0.0);
    CHECK_CLOSE(dist[2], (4.0 + 2.0 * sqrt(2.0)) / 6.0, 1e-12, 0.0);
    free(theta);
    bo_gp_destroy(gp);

    gp = two_categorical(BO_LATENT_PER_VARIABLE, offset, 48, 1);
    double lower[3] = {0.0, 0.0, 0.0}, upper[3] = {1.0, 0.0, 0.0}, first[3], total[3];
    CHECK(bo_gp_level_distance(gp, 1, &dist[1]) == BO_OK);
    CHECK(bo_gp_level_distance(gp, 2, &dist[2]) == BO_OK);
    CHECK(bo_gp_sobol(gp, 0, lower, upper, 20000, 1, first, total, NULL) == BO_OK);
    printf("fitted: mean latent distance x1 (levels 0, 1, 2 apart) %.4f, x2 (ignored) %.4f; "
           "total Sobol indices %.4f, %.4f\n",
           dist[1], dist[2], total[1], total[2]);
    CHECK_MSG(dist[1] > 0.5 && dist[2] < 0.05, "x1 %.4f, x2 %.4f", dist[1], dist[2]);
    CHECK(total[1] > total[2]);

    CHECK(bo_gp_level_distance(gp, 0, &dist[0]) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "gp level distance: input 0 is continuous") != NULL,
              "%s", bo_gp_errmsg(gp));
    CHECK(bo_gp_level_distance(gp, 3, &dist[0]) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "input 3 out of range (3 inputs)") != NULL, "%s",
              bo_gp_errmsg(gp));
    bo_gp_destroy(gp);

    gp = two_categorical(BO_LATENT_SHARED, offset, 48, 0);
    CHECK(bo_gp_level_distance(gp, 1, &dist[1]) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "input 1: the categorical inputs share one latent "
                                       "map") != NULL,
              "%s", bo_gp_errmsg(gp));
    bo_gp_destroy(gp);
}

int main(void)
{
    level_distance();
    exact_indices();
    estimate_errors();
    categorical_indices();
    ishigami_indices();
    linear_indices();
    draw_spread();
    errors();
    return CHECK_DONE();
}
