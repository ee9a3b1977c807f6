/* Finite-difference checks of every analytic gradient the GP provides: the
 * MAP objective for every kernel, noise mode and mean mode (including a
 * 3-source latent-map model), and the predictive mean/variance gradients. */
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_gp_gradient.h"

#include <stdlib.h>
#include <string.h>

#define N 14
#define DIM 2

static double test_fn(const double *x, size_t s)
{
    return sin(3.0 * x[0]) + 0.5 * cos(2.0 * x[1]) + 0.3 * (double)s * x[0];
}

/* Central differences with step h in every coordinate of theta. The
 * objective is smooth and O(10), so with h = 1e-5 the truncation error is
 * ~1e-10 relative and rounding ~1e-9: a 1e-5 relative / 1e-6 absolute
 * tolerance separates a right gradient from a wrong one by orders of
 * magnitude. */
static void check_objective_grad(const char *label, const bo_gp_options *opt, int known_noise)
{
    char err[256];
    bo_gp *gp = bo_gp_create(opt, err, sizeof err);
    CHECK_MSG(gp != NULL, "%s: %s", label, err);
    if (!gp)
        return;
    bo_rng rng;
    bo_rng_init(&rng, 42);
    double X[N * DIM], y[N], nv[N];
    size_t src[N];
    for (size_t i = 0; i < N; i++) {
        for (size_t k = 0; k < DIM; k++)
            X[i * DIM + k] = -1.0 + 3.0 * bo_rng_uniform(&rng);
        src[i] = i % opt->n_sources;
        y[i] = 100.0 + 5.0 * test_fn(X + i * DIM, src[i]) + 0.1 * bo_rng_normal(&rng);
        nv[i] = 0.01 + 0.05 * bo_rng_uniform(&rng);
    }
    /* A duplicated input exercises zero distances (Matern derivatives). */
    memcpy(X + (N - 1) * DIM, X, DIM * sizeof *X);
    CHECK(bo_gp_set_data(gp, N, X, src, y, known_noise ? nv : NULL) == BO_OK);
    size_t nh = bo_gp_n_hyper(gp);
    double *theta = malloc(nh * sizeof *theta), *g = malloc(nh * sizeof *g);
    double *tp = malloc(nh * sizeof *tp);
    bo_gp_get_hyper(gp, theta);
    /* Move away from the default starting point so no term is trivially 0.
     * Noise variances start at 1e-2 (standardised): finite differences of a
     * log determinant need a well-conditioned covariance to resolve 1e-5,
     * and the default start (the prior's centre, 1e-4) is not, with a
     * duplicated input in the data. */
    for (size_t j = 0; j < nh; j++) {
        char name[64];
        if (strncmp(bo_gp_hyper_name(gp, j, name, sizeof name), "log_noise_var", 13) == 0)
            theta[j] = log(1e-2);
        theta[j] += 0.3 * bo_rng_normal(&rng);
    }
    double f = bo_gp_neg_log_posterior(gp, theta, g);
    CHECK_MSG(isfinite(f), "%s: objective %g", label, f);
    test_check_nlp_gradient(gp, theta, g, tp, nh, label);
    /* Objective without gradient equals the one with it. */
    CHECK_CLOSE(bo_gp_neg_log_posterior(gp, theta, NULL), f, 1e-14, 0.0);
    free(theta);
    free(g);
    free(tp);
    bo_gp_destroy(gp);
}

static void check_predict_grads(const char *label, bo_kernel_kind kernel, size_t n_sources)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 3);
    opt.kernel = kernel;
    opt.n_sources = n_sources;
    if (n_sources > 1) {
        opt.noise = BO_NOISE_PER_SOURCE;
        opt.mean = BO_MEAN_PER_SOURCE;
    }
    double lo[3] = {-2.0, 0.0, 10.0}, hi[3] = {2.0, 0.5, 30.0};
    opt.lower = lo;
    opt.upper = hi;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    bo_rng rng;
    bo_rng_init(&rng, 7);
    enum { n = 20 };
    double X[n * 3], y[n];
    size_t src[n];
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < 3; k++)
            X[i * 3 + k] = lo[k] + (hi[k] - lo[k]) * bo_rng_uniform(&rng);
        src[i] = i % n_sources;
        y[i] = 1e3 * (sin(X[i * 3]) + 4.0 * X[i * 3 + 1] + 0.05 * X[i * 3 + 2]) + (double)src[i];
    }
    CHECK(bo_gp_set_data(gp, n, X, src, y, NULL) == BO_OK);
    size_t nh = bo_gp_n_hyper(gp);
    double theta[32];
    bo_gp_get_hyper(gp, theta);
    for (size_t j = 0; j < nh; j++)
        theta[j] += 0.2 * bo_rng_normal(&rng);
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);

    for (size_t trial = 0; trial < 3; trial++) {
        double x[3], m, v, dm[3], dv[3], gm[3], gc[9];
        for (size_t k = 0; k < 3; k++)
            x[k] = lo[k] + (hi[k] - lo[k]) * bo_rng_uniform(&rng);
        size_t s = trial % n_sources;
        CHECK(bo_gp_predict_grad(gp, x, s, &m, &v, dm, dv) == BO_OK);
        double m1, v1, vy1;
        CHECK(bo_gp_predict(gp, x, s, &m1, &v1, &vy1) == BO_OK);
        /* Same quantities through two code paths: equal to rounding. */
        CHECK_CLOSE(m, m1, 1e-12, 1e-9);
        CHECK_CLOSE(v, v1, 1e-10, 1e-9);
        CHECK_CLOSE(vy1 - v1, bo_gp_noise_var(gp, s), 1e-10, 1e-9);
        for (size_t k = 0; k < 3; k++) {
            /* Step relative to the input's range; central differences of a
             * smooth function: 1e-5 relative agreement expected. */
            double h = 1e-6 * (hi[k] - lo[k]), xp[3], xm[3], mp, mm, vp, vm;
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[k] += h;
            xm[k] -= h;
            bo_gp_predict(gp, xp, s, &mp, &vp, NULL);
            bo_gp_predict(gp, xm, s, &mm, &vm, NULL);
            double fdm = (mp - mm) / (2 * h), fdv = (vp - vm) / (2 * h);
            double mscale = 1e3 / (hi[k] - lo[k]);
            CHECK_MSG(fabs(fdm - dm[k]) <= 1e-5 * (fabs(fdm) + mscale), "%s dmean[%zu]: %g vs %g",
                      label, k, dm[k], fdm);
            CHECK_MSG(fabs(fdv - dv[k]) <= 1e-5 * (fabs(fdv) + v / (hi[k] - lo[k])),
                      "%s dvar[%zu]: %g vs %g", label, k, dv[k], fdv);
        }
        CHECK(bo_gp_predict_gradient_dist(gp, x, s, gm, gc) == BO_OK);
        for (size_t k = 0; k < 3; k++)
            CHECK_CLOSE(gm[k], dm[k], 1e-10, 1e-9);
        for (size_t a = 0; a < 3; a++) {
            CHECK(gc[a * 3 + a] >= -1e-9 * fabs(gc[a * 3 + a]));
            for (size_t b = 0; b < 3; b++)
                CHECK_CLOSE(gc[a * 3 + b], gc[b * 3 + a], 1e-10, 1e-12);
        }
    }
    /* Block predictions equal single-point ones (more points than one block). */
    enum { m = 300 };
    double *Xm = malloc(m * 3 * sizeof *Xm), mb[m], vb[m], vyb[m];
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < 3; k++)
            Xm[j * 3 + k] = lo[k] + (hi[k] - lo[k]) * bo_rng_uniform(&rng);
    size_t s = n_sources - 1;
    CHECK(bo_gp_predict_block(gp, m, Xm, s, mb, vb, vyb) == BO_OK);
    for (size_t j = 0; j < m; j += 7) {
        double m1, v1, vy1;
        bo_gp_predict(gp, Xm + j * 3, s, &m1, &v1, &vy1);
        /* Different summation orders only: agreement to ~1e-12 relative. */
        CHECK_CLOSE(mb[j], m1, 1e-11, 1e-9);
        CHECK_CLOSE(vb[j], v1, 1e-9, 1e-7);
        CHECK_CLOSE(vyb[j], vy1, 1e-9, 1e-7);
    }
    free(Xm);
    bo_gp_destroy(gp);
}

/* The gradient process's posterior in 1-D against joint samples: the
 * central difference (f(x + h) - f(x - h)) / 2h of posterior draws has, up to
 * O(h^2), the mean and variance of df/dx. */
static void check_gradient_cov_1d(bo_kernel_kind kernel)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 1);
    opt.kernel = kernel;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double X[6] = {0.05, 0.2, 0.4, 0.55, 0.8, 0.95}, y[6];
    for (int i = 0; i < 6; i++)
        y[i] = sin(6.0 * X[i]);
    bo_gp_set_data(gp, 6, X, NULL, y, NULL);
    double theta[4];
    bo_gp_get_hyper(gp, theta);
    theta[0] = log(0.3);
    theta[1] = 0.0;
    theta[2] = log(1e-4);
    bo_gp_set_hyper(gp, theta);
    double x = 0.47, gm, gc;
    CHECK(bo_gp_predict_gradient_dist(gp, &x, 0, &gm, &gc) == BO_OK);
    double h = 1e-3, pts[2] = {x - h, x + h};
    enum { ns = 20000 };
    double *out = malloc(ns * 2 * sizeof *out);
    CHECK(bo_gp_sample(gp, 2, pts, 0, ns, 99, out) == BO_OK);
    double s1 = 0.0, s2 = 0.0;
    for (size_t r = 0; r < ns; r++) {
        double dd = (out[r * 2 + 1] - out[r * 2]) / (2 * h);
        s1 += dd;
        s2 += dd * dd;
    }
    double mean_d = s1 / ns, var_d = s2 / ns - mean_d * mean_d;
    /* Sampling error of a variance with 20000 draws: ~1% (sd sqrt(2/ns));
     * 5% allows for the O(h^2) difference and the jitter floor. */
    CHECK_CLOSE(var_d, gc, 0.05, 1e-6);
    CHECK_CLOSE(mean_d, gm, 0.0, 5.0 * sqrt(gc / ns) + 1e-6 * fabs(gm) + 1e-4);
    free(out);
    bo_gp_destroy(gp);
}

int main(void)
{
    static const bo_kernel_kind kernels[] = {BO_KERNEL_SQEXP, BO_KERNEL_MATERN32,
                                             BO_KERNEL_MATERN52, BO_KERNEL_ROUGH_RBF};
    static const char *const kname[] = {"sqexp", "matern32", "matern52", "rough_rbf"};
    for (int k = 0; k < 4; k++) {
        bo_gp_options opt;
        bo_gp_options_default(&opt, DIM);
        opt.kernel = kernels[k];
        char label[96];
        snprintf(label, sizeof label, "%s learn/constant", kname[k]);
        check_objective_grad(label, &opt, 0);
        /* 3-source latent map with per-source noise and means. */
        opt.n_sources = 3;
        opt.target_source = 1;
        opt.noise = BO_NOISE_PER_SOURCE;
        opt.mean = BO_MEAN_PER_SOURCE;
        snprintf(label, sizeof label, "%s 3-source per-source noise/mean", kname[k]);
        check_objective_grad(label, &opt, 0);
    }
    bo_gp_options opt;
    bo_gp_options_default(&opt, DIM);
    opt.noise = BO_NOISE_FIXED;
    opt.fixed_noise_var = 0.04;
    opt.mean = BO_MEAN_ZERO;
    check_objective_grad("fixed noise, zero mean", &opt, 0);
    bo_gp_options_default(&opt, DIM);
    opt.noise = BO_NOISE_KNOWN;
    check_objective_grad("known noise", &opt, 1);
    opt.learn_extra_noise = 1;
    check_objective_grad("known noise + extra", &opt, 1);
    bo_gp_options_default(&opt, DIM);
    opt.n_sources = 2;
    opt.noise = BO_NOISE_LEARN;
    opt.mean = BO_MEAN_CONSTANT;
    check_objective_grad("2-source shared noise/constant mean", &opt, 0);
    opt.n_sources = 3;
    opt.noise = BO_NOISE_KNOWN;
    opt.learn_extra_noise = 1;
    opt.mean = BO_MEAN_PER_SOURCE;
    check_objective_grad("3-source known noise + extra, per-source mean", &opt, 1);

    for (int k = 0; k < 4; k++) {
        check_predict_grads(kname[k], kernels[k], 1);
        check_predict_grads(kname[k], kernels[k], 3);
    }
    check_gradient_cov_1d(BO_KERNEL_SQEXP);
    check_gradient_cov_1d(BO_KERNEL_MATERN52);
    return CHECK_DONE();
}
