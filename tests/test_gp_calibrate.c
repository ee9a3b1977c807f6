/* Calibration (gp/gp_calibrate.h): the analytic gradient of the joint
 * objective against central differences, theta recovered on a synthetic
 * problem with a known answer (with and without a field bias), the Laplace
 * sd's consistency, and every error the calls report. */
#include "gp/gp_calibrate.h"
#include "gp/rng.h"
#include "tests/check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DX 2
#define Q 2
#define DIM (DX + Q)

/* A simulator in which both calibration inputs matter and interact with x. */
static double simulator(const double *x, const double *t)
{
    return sin(2.0 * x[0] + t[0]) + t[1] * x[1] * x[1] + 0.5 * t[0] * x[1];
}

static const double theta_true[Q] = {0.7, 1.3};
static const double lower[DIM] = {0.0, 0.0, 0.0, 0.5};
static const double upper[DIM] = {1.0, 1.0, 1.5, 2.0};

/* n_sim simulator runs on a random design over (x, t), n_field field rows
 * at theta_true (plus bias * x0 and noise of sd noise_sd); field t columns
 * are NaN. Source 0 simulation, 1 field. */
static void make_data(size_t n_sim, size_t n_field, double bias, double noise_sd,
                      uint64_t seed, double *X, size_t *src, double *y)
{
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t i = 0; i < n_sim + n_field; i++) {
        double *x = X + i * DIM;
        for (size_t k = 0; k < DIM; k++)
            x[k] = lower[k] + (upper[k] - lower[k]) * bo_rng_uniform(&rng);
        if (i < n_sim) {
            src[i] = 0;
            y[i] = simulator(x, x + DX);
        } else {
            src[i] = 1;
            y[i] = simulator(x, theta_true) + bias * x[0] + noise_sd * bo_rng_normal(&rng);
            x[DX] = x[DX + 1] = NAN;
        }
    }
}

/* The GP of the simulator (source 0) and the field (source 1, the target)
 * with a mean and a noise variance each, on the test's box. */
static void calib_options(bo_gp_options *opt)
{
    bo_gp_options_default(opt, DIM);
    opt->n_sources = 2;
    opt->target_source = 1;
    opt->mean = BO_MEAN_PER_SOURCE;
    opt->noise = BO_NOISE_PER_SOURCE;
    opt->lower = lower;
    opt->upper = upper;
}

static bo_gp_calib *make_calib(void)
{
    bo_gp_options opt;
    calib_options(&opt);
    opt.seed = 3;
    char err[256];
    bo_gp_calib *c = bo_gp_calib_create(&opt, Q, lower + DX, upper + DX, err, sizeof err);
    CHECK_MSG(c != NULL, "%s", err);
    return c;
}

static void gradient_matches_differences(void)
{
    enum { NS = 40, NF = 6 };
    double X[(NS + NF) * DIM], y[NS + NF];
    size_t src[NS + NF];
    make_data(NS, NF, 0.0, 0.01, 11, X, src, y);
    bo_gp_calib *c = make_calib();
    if (!c)
        return;
    CHECK(bo_gp_calib_set_data(c, NS + NF, X, src, y) == BO_OK);
    size_t nh = bo_gp_n_hyper(bo_gp_calib_model(c));
    double hyper[32], gh[32], gt[Q], lo[32], hi[32];
    CHECK(nh <= 32);
    bo_gp_hyper_bounds(bo_gp_calib_model(c), lo, hi);
    /* A point away from every bound and from theta_true, so no term is flat. */
    bo_rng rng;
    bo_rng_init(&rng, 5);
    for (size_t j = 0; j < nh; j++)
        hyper[j] = lo[j] + (0.3 + 0.4 * bo_rng_uniform(&rng)) * (hi[j] - lo[j]);
    for (size_t j = 0; j < DIM; j++)
        hyper[j] = log(0.3 + 0.4 * bo_rng_uniform(&rng)); /* length-scales of 0.3-0.7 */
    double theta[Q] = {0.4, 1.7};
    double f = bo_gp_calib_neg_log_posterior(c, hyper, theta, gh, gt);
    CHECK(isfinite(f));
    for (size_t k = 0; k < Q; k++) {
        double h = 1e-5 * (upper[DX + k] - lower[DX + k]), tp[Q], tm[Q];
        memcpy(tp, theta, sizeof tp);
        memcpy(tm, theta, sizeof tm);
        tp[k] += h;
        tm[k] -= h;
        double fd = (bo_gp_calib_neg_log_posterior(c, hyper, tp, NULL, NULL) -
                     bo_gp_calib_neg_log_posterior(c, hyper, tm, NULL, NULL)) / (2.0 * h);
        printf("d nll / d theta[%zu]: analytic %.10g, differences %.10g\n", k, gt[k], fd);
        CHECK(fabs(gt[k]) > 1e-3); /* the check below would be empty at zero */
        CHECK_CLOSE(gt[k], fd, 1e-5, 1e-7);
    }
    /* The hyperparameter gradient is the GP's own, now at inputs that
     * depend on theta: still consistent. */
    for (size_t j = 0; j < nh; j++) {
        double h = 1e-6, hp[32], hm[32];
        memcpy(hp, hyper, nh * sizeof *hp);
        memcpy(hm, hyper, nh * sizeof *hm);
        hp[j] += h;
        hm[j] -= h;
        double fd = (bo_gp_calib_neg_log_posterior(c, hp, theta, NULL, NULL) -
                     bo_gp_calib_neg_log_posterior(c, hm, theta, NULL, NULL)) / (2.0 * h);
        CHECK_CLOSE(gh[j], fd, 1e-4, 1e-6);
    }
    bo_gp_calib_destroy(c);
}

/* Fits and returns theta-hat and its Laplace sd. */
static void calibrate(size_t ns, size_t nf, double bias, uint64_t seed, double *theta,
                      double *sd)
{
    double *X = malloc((ns + nf) * DIM * sizeof *X), *y = malloc((ns + nf) * sizeof *y);
    size_t *src = malloc((ns + nf) * sizeof *src);
    make_data(ns, nf, bias, 0.01, seed, X, src, y);
    bo_gp_calib *c = make_calib();
    theta[0] = theta[1] = sd[0] = sd[1] = NAN;
    if (c) {
        CHECK(bo_gp_calib_set_data(c, ns + nf, X, src, y) == BO_OK);
        CHECK_MSG(bo_gp_calib_fit(c, 0) == BO_OK, "%s", bo_gp_calib_errmsg(c));
        bo_gp_calib_theta(c, theta);
        double cov[Q * Q];
        int edge = -1;
        int cond = -1;
        bo_status st = bo_gp_calib_posterior(c, sd, cov, &edge, &cond);
        CHECK(cond == 0);
        CHECK_MSG(st == BO_OK, "%s", bo_gp_calib_errmsg(c));
        CHECK(edge == 0);
        CHECK_CLOSE(cov[1], cov[2], 1e-12, 0.0);
        CHECK_CLOSE(sd[0] * sd[0], cov[0], 1e-12, 0.0);
        CHECK(sd[0] > 0.0 && sd[1] > 0.0);
        /* The model predicts the field at (x, theta-hat). */
        double x[DIM] = {0.3, 0.6, theta[0], theta[1]}, mean, truth;
        CHECK(bo_gp_predict(bo_gp_calib_model(c), x, 1, &mean, NULL, NULL) == BO_OK);
        truth = simulator(x, theta_true) + bias * x[0];
        CHECK_MSG(fabs(mean - truth) < 0.05, "field prediction %g, truth %g", mean, truth);
        bo_gp_calib_destroy(c);
    }
    free(X);
    free(y);
    free(src);
}

static void recovers_theta(void)
{
    double theta[Q], sd[Q];
    /* No bias: the field is the simulator at theta_true plus small noise. */
    calibrate(80, 10, 0.0, 21, theta, sd);
    printf("unbiased: theta-hat (%.4f, %.4f) sd (%.4f, %.4f), truth (%.2f, %.2f)\n", theta[0],
           theta[1], sd[0], sd[1], theta_true[0], theta_true[1]);
    CHECK(fabs(theta[0] - theta_true[0]) < 0.05);
    CHECK(fabs(theta[1] - theta_true[1]) < 0.05);
    /* Within a few Laplace sds of the truth: the sd is of the right size. */
    CHECK(fabs(theta[0] - theta_true[0]) < 4.0 * sd[0] + 0.01);
    CHECK(fabs(theta[1] - theta_true[1]) < 4.0 * sd[1] + 0.01);
    /* A small bias along x0 (which no t can produce) moves theta a little,
     * not off its box. */
    calibrate(80, 10, 0.05, 22, theta, sd);
    printf("biased: theta-hat (%.4f, %.4f) sd (%.4f, %.4f)\n", theta[0], theta[1], sd[0], sd[1]);
    CHECK(fabs(theta[0] - theta_true[0]) < 0.15);
    CHECK(fabs(theta[1] - theta_true[1]) < 0.15);
}

/* theta2's box stops short of the truth: its estimate sits on the bound,
 * gets no Laplace sd, and the flag says so; theta1 keeps a finite sd. */
static void estimate_on_bound(void)
{
    enum { NS = 60, NF = 8 };
    double X[(NS + NF) * DIM], y[NS + NF];
    size_t src[NS + NF];
    make_data(NS, NF, 0.0, 0.01, 31, X, src, y);
    bo_gp_options opt;
    calib_options(&opt);
    double tlo[Q] = {0.0, 0.5}, thi[Q] = {1.5, 1.0}, theta[Q], sd[Q], cov[Q * Q];
    bo_gp_calib *c = bo_gp_calib_create(&opt, Q, tlo, thi, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(bo_gp_calib_set_data(c, NS + NF, X, src, y) == BO_OK);
    CHECK(bo_gp_calib_fit(c, 4) == BO_OK);
    bo_gp_calib_theta(c, theta);
    int edge = 0;
    CHECK_MSG(bo_gp_calib_posterior(c, sd, cov, &edge, NULL) == BO_OK, "%s", bo_gp_calib_errmsg(c));
    printf("on bound: theta-hat (%.4f, %.4f) sd (%g, %g)\n", theta[0], theta[1], sd[0], sd[1]);
    CHECK(theta[1] == 1.0);
    CHECK(edge == 1);
    CHECK(isnan(sd[1]) && isnan(cov[1]) && isnan(cov[3]));
    CHECK(sd[0] > 0.0 && isfinite(sd[0]));
    bo_gp_calib_destroy(c);
}

static void errors(void)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, DIM);
    opt.n_sources = 2;
    opt.target_source = 1;
    char err[256];
    double lo[Q] = {0.0, 1.0}, hi[Q] = {1.0, 1.0};
    CHECK(bo_gp_calib_create(&opt, Q, lo, hi, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "calibration input 2") && strstr(err, "lower < upper"), "%s", err);
    hi[1] = NAN;
    CHECK(bo_gp_calib_create(&opt, Q, lo, hi, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "calibration input 2"), "%s", err);
    hi[1] = 2.0;
    CHECK(bo_gp_calib_create(&opt, DIM, lo, hi, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "not calibrated"), "%s", err);
    CHECK(bo_gp_calib_create(&opt, 0, lo, hi, err, sizeof err) == NULL);
    opt.n_sources = 1;
    opt.target_source = 0;
    CHECK(bo_gp_calib_create(&opt, Q, lo, hi, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "two sources"), "%s", err);
    opt.n_sources = 2;
    opt.target_source = 1;
    opt.noise = BO_NOISE_KNOWN;
    CHECK(bo_gp_calib_create(&opt, Q, lo, hi, err, sizeof err) == NULL);
    opt.noise = BO_NOISE_PER_SOURCE;

    bo_gp_calib *c = bo_gp_calib_create(&opt, Q, lo, hi, err, sizeof err);
    CHECK_MSG(c != NULL, "%s", err);
    if (!c)
        return;
    double X[3 * DIM] = {0.1, 0.2, 0.5, 1.5, 0.3, 0.4, 0.6, 1.1, 0.5, 0.5, NAN, NAN};
    double y[3] = {1.0, 2.0, 1.5}, sd[Q];
    size_t all_sim[3] = {0, 0, 0}, bad[3] = {0, 2, 1}, ok[3] = {0, 0, 1};
    CHECK(bo_gp_calib_fit(c, 0) == BO_ESTATE);
    CHECK(bo_gp_calib_posterior(c, sd, NULL, NULL, NULL) == BO_ESTATE);
    CHECK(bo_gp_calib_set_data(c, 3, X, all_sim, y) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_calib_errmsg(c), "field rows"), "%s", bo_gp_calib_errmsg(c));
    CHECK(bo_gp_calib_set_data(c, 3, X, bad, y) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_calib_errmsg(c), "row 2"), "%s", bo_gp_calib_errmsg(c));
    X[2] = NAN; /* a simulation row's t must be a number */
    CHECK(bo_gp_calib_set_data(c, 3, X, ok, y) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_calib_errmsg(c), "row"), "%s", bo_gp_calib_errmsg(c));
    X[2] = 0.5;
    CHECK(bo_gp_calib_set_data(c, 3, X, ok, y) == BO_OK);
    bo_gp_calib_destroy(c);
    bo_gp_calib_destroy(NULL);
}

int main(void)
{
    gradient_matches_differences();
    recovers_theta();
    estimate_on_bound();
    errors();
    return CHECK_DONE();
}
