/* Categorical inputs through latent maps (gp/gp.h): the MAP objective's
 * gradient by finite differences with mixed inputs (one map per input and
 * one shared map, with and without several sources), predictive gradients,
 * the posterior mean against one computed here from the kernel's formula,
 * a response that depends only on which of two groups a level belongs to
 * (the fitted map separates the groups), and bad level values refused. */
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_gp_gradient.h"

#include <stdlib.h>
#include <string.h>

/* Inputs: x0 continuous on [0, 1], x1 categorical (3 levels), x2 continuous
 * on [-2, 2], x3 categorical (4 levels). */
#define DIM 4
static const size_t levels4[DIM] = {0, 3, 0, 4};
static const double lo4[DIM] = {0.0, 0.0, -2.0, 0.0}, hi4[DIM] = {1.0, 1.0, 2.0, 1.0};

static double mixed_fn(const double *x, size_t s)
{
    static const double eff1[3] = {0.0, 1.5, -0.7}, eff3[4] = {0.3, 0.2, -1.0, 1.1};
    size_t l1 = (size_t)x[1], l3 = (size_t)x[3];
    return sin(4.0 * x[0]) * (1.0 + 0.5 * eff1[l1]) + 0.4 * x[2] + eff3[l3] +
           0.3 * (double)s * x[0];
}

static void mixed_data(bo_rng *rng, size_t n, size_t n_sources, double *X, size_t *src,
                       double *y)
{
    for (size_t i = 0; i < n; i++) {
        double *x = X + i * DIM;
        x[0] = bo_rng_uniform(rng);
        x[1] = (double)(i % 3);
        x[2] = -2.0 + 4.0 * bo_rng_uniform(rng);
        x[3] = (double)bo_rng_below(rng, 4);
        src[i] = i % n_sources;
        y[i] = 10.0 + 3.0 * mixed_fn(x, src[i]) + 0.05 * bo_rng_normal(rng);
    }
}

static void mixed_options(bo_gp_options *opt, bo_kernel_kind kernel, size_t n_sources,
                          bo_gp_latent_mode mode)
{
    bo_gp_options_default(opt, DIM);
    opt->kernel = kernel;
    opt->n_levels = levels4;
    opt->latent_mode = mode;
    opt->lower = lo4;
    opt->upper = hi4;
    opt->n_sources = n_sources;
    if (n_sources > 1) {
        opt->noise = BO_NOISE_PER_SOURCE;
        opt->mean = BO_MEAN_PER_SOURCE;
    }
}

/* Central differences, as tests/test_gp_grad.c: h = 1e-5 in every
 * coordinate, 1e-5 relative / 1e-6 absolute agreement. */
static void check_objective_grad(const char *label, const bo_gp_options *opt)
{
    char err[256];
    bo_gp *gp = bo_gp_create(opt, err, sizeof err);
    CHECK_MSG(gp != NULL, "%s: %s", label, err);
    if (!gp)
        return;
    enum { n = 24 };
    bo_rng rng;
    bo_rng_init(&rng, 11);
    double X[n * DIM], y[n];
    size_t src[n];
    mixed_data(&rng, n, opt->n_sources, X, src, y);
    /* A repeated point (same levels, same continuous values). */
    memcpy(X + (n - 1) * DIM, X, DIM * sizeof *X);
    src[n - 1] = src[0];
    CHECK_MSG(bo_gp_set_data(gp, n, X, src, y, NULL) == BO_OK, "%s: %s", label,
              bo_gp_errmsg(gp));
    size_t nh = bo_gp_n_hyper(gp);
    double *theta = malloc(3 * nh * sizeof *theta), *g = theta + nh, *tp = g + nh;
    bo_gp_get_hyper(gp, theta);
    size_t n_cat = 0;
    for (size_t j = 0; j < nh; j++) {
        char name[64];
        bo_gp_hyper_name(gp, j, name, sizeof name);
        if (strncmp(name, "log_noise_var", 13) == 0)
            theta[j] = log(1e-2);
        if (strncmp(name, "level_latent", 12) == 0)
            n_cat++;
        theta[j] += 0.3 * bo_rng_normal(&rng);
    }
    /* Per input: 2 (3 + 4) coordinates; shared: 2 x 12 combinations. */
    CHECK_MSG(n_cat == (opt->latent_mode == BO_LATENT_SHARED ? 24u : 14u), "%s: %zu level "
              "coordinates", label, n_cat);
    double f = bo_gp_neg_log_posterior(gp, theta, g);
    CHECK_MSG(isfinite(f), "%s: objective %g", label, f);
    test_check_nlp_gradient(gp, theta, g, tp, nh, label);
    CHECK_CLOSE(bo_gp_neg_log_posterior(gp, theta, NULL), f, 1e-14, 0.0);

    /* Predictions at the perturbed hyperparameters: the gradient in the
     * continuous inputs by differences, 0 in the categorical ones, and the
     * single-point, gradient and block paths agreeing. */
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
    enum { m = 150 };
    double *Xm = malloc(m * DIM * sizeof *Xm), mb[m], vb[m];
    size_t sm[m];
    double ym[m];
    mixed_data(&rng, m, 1, Xm, sm, ym);
    size_t s = opt->n_sources - 1;
    CHECK(bo_gp_predict_block(gp, m, Xm, s, mb, vb, NULL) == BO_OK);
    for (size_t j = 0; j < m; j += 13) {
        double *x = Xm + j * DIM, mean, var, dm[DIM], dv[DIM], m1, v1, gm[DIM],
               gc[DIM * DIM];
        CHECK(bo_gp_predict_grad(gp, x, s, &mean, &var, dm, dv) == BO_OK);
        CHECK(bo_gp_predict(gp, x, s, &m1, &v1, NULL) == BO_OK);
        CHECK_CLOSE(mean, m1, 1e-12, 1e-9);
        CHECK_CLOSE(v1, var, 1e-10, 1e-9);
        CHECK_CLOSE(mb[j], m1, 1e-11, 1e-9);
        CHECK_CLOSE(vb[j], v1, 1e-9, 1e-9);
        for (size_t k = 0; k < DIM; k++) {
            if (levels4[k] > 0) {
                CHECK(dm[k] == 0.0 && dv[k] == 0.0);
                continue;
            }
            double hk = 1e-6 * (hi4[k] - lo4[k]), xp[DIM], xm[DIM], mp, mmn, vp, vm;
            memcpy(xp, x, sizeof xp);
            memcpy(xm, x, sizeof xm);
            xp[k] += hk;
            xm[k] -= hk;
            bo_gp_predict(gp, xp, s, &mp, &vp, NULL);
            bo_gp_predict(gp, xm, s, &mmn, &vm, NULL);
            double fdm = (mp - mmn) / (2 * hk), fdv = (vp - vm) / (2 * hk);
            CHECK_MSG(fabs(fdm - dm[k]) <= 1e-5 * (fabs(fdm) + 10.0), "%s dmean[%zu]: %g vs %g",
                      label, k, dm[k], fdm);
            CHECK_MSG(fabs(fdv - dv[k]) <= 1e-5 * (fabs(fdv) + var + 1e-3),
                      "%s dvar[%zu]: %g vs %g", label, k, dv[k], fdv);
        }
        CHECK(bo_gp_predict_gradient_dist(gp, x, s, gm, gc) == BO_OK);
        for (size_t a = 0; a < DIM; a++) {
            CHECK_CLOSE(gm[a], dm[a], 1e-10, 1e-9);
            for (size_t b = 0; b < DIM; b++)
                if (levels4[a] > 0 || levels4[b] > 0)
                    CHECK(gc[a * DIM + b] == 0.0);
                else
                    CHECK_CLOSE(gc[a * DIM + b], gc[b * DIM + a], 1e-10, 1e-12);
        }
    }
    /* Posterior draws at 3 points: their mean approaches the block mean. */
    enum { ns = 4000 };
    double *draws = malloc(ns * 3 * sizeof *draws);
    CHECK(bo_gp_sample(gp, 3, Xm, s, ns, 5, draws) == BO_OK);
    for (size_t j = 0; j < 3; j++) {
        double acc = 0.0;
        for (size_t r = 0; r < ns; r++)
            acc += draws[r * 3 + j];
        CHECK_MSG(fabs(acc / ns - mb[j]) <= 5.0 * sqrt(vb[j] / ns) + 1e-9,
                  "%s: sample mean %g vs %g (sd %g)", label, acc / ns, mb[j], sqrt(vb[j]));
    }
    free(draws);
    free(Xm);
    free(theta);
    bo_gp_destroy(gp);
}

/* Solves A x = b (n x n, row-major, overwritten) by Gaussian elimination
 * with partial pivoting: independent of the GP's Cholesky path. */
static void solve(size_t n, double *A, double *b)
{
    for (size_t c = 0; c < n; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(A[r * n + c]) > fabs(A[p * n + c]))
                p = r;
        for (size_t k = 0; k < n; k++) {
            double t = A[c * n + k];
            A[c * n + k] = A[p * n + k];
            A[p * n + k] = t;
        }
        double t = b[c];
        b[c] = b[p];
        b[p] = t;
        for (size_t r = c + 1; r < n; r++) {
            double f = A[r * n + c] / A[c * n + c];
            for (size_t k = c; k < n; k++)
                A[r * n + k] -= f * A[c * n + k];
            b[r] -= f * b[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        for (size_t k = c + 1; k < n; k++)
            b[c] -= A[c * n + k] * b[k];
        b[c] /= A[c * n + c];
    }
}

/* The posterior mean and variance at fixed hyperparameters against the
 * formula k = s2 exp(-du^2 / (2 l^2)) exp(-|z_a - z_b|^2) with the raw
 * latent coordinates of theta, computed here on the standardised scale. */
static void check_against_formula(void)
{
    enum { n = 12 };
    const size_t lev[2] = {0, 3};
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.kernel = BO_KERNEL_SQEXP;
    opt.n_levels = lev;
    opt.mean = BO_MEAN_ZERO;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double X[n * 2], y[n];
    bo_rng rng;
    bo_rng_init(&rng, 3);
    for (size_t i = 0; i < n; i++) {
        X[2 * i] = bo_rng_uniform(&rng);
        X[2 * i + 1] = (double)(i % 3);
        y[i] = sin(5.0 * X[2 * i]) + (double)(i % 3);
    }
    CHECK(bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    /* theta: log l, log s2, log noise, then three 2-D level points. */
    CHECK(bo_gp_n_hyper(gp) == 9);
    double theta[9] = {log(0.3), log(1.7), log(1e-3), 0.1, -0.2, 0.9, 0.4, -0.5, 1.1};
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
    double ym = 0.0, ysd = 0.0;
    for (size_t i = 0; i < n; i++)
        ym += y[i] / n;
    for (size_t i = 0; i < n; i++)
        ysd += (y[i] - ym) * (y[i] - ym) / n;
    ysd = sqrt(ysd);
    double u[n], ys[n];
    double xmin = X[0], xmax = X[0];
    for (size_t i = 0; i < n; i++) {
        xmin = fmin(xmin, X[2 * i]);
        xmax = fmax(xmax, X[2 * i]);
    }
    (void)xmin;
    (void)xmax;
    for (size_t i = 0; i < n; i++) {
        u[i] = X[2 * i]; /* no box: inputs as given */
        ys[i] = (y[i] - ym) / ysd;
    }
    double ell = 0.3, s2 = 1.7, nv = 1e-3;
    const double *z = theta + 3;
#define KF(ua, la, ub, lb)                                                                     \
    (s2 * exp(-0.5 * ((ua) - (ub)) * ((ua) - (ub)) / (ell * ell)) *                            \
     exp(-((z[2 * (la)] - z[2 * (lb)]) * (z[2 * (la)] - z[2 * (lb)]) +                         \
           (z[2 * (la) + 1] - z[2 * (lb) + 1]) * (z[2 * (la) + 1] - z[2 * (lb) + 1]))))
    double K[n * n], a[n];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            K[i * n + j] = KF(u[i], i % 3, u[j], j % 3) + (i == j ? nv : 0.0);
        a[i] = ys[i];
    }
    solve(n, K, a);
    for (size_t t = 0; t < 6; t++) {
        double x[2] = {0.1 + 0.15 * (double)t, (double)(t % 3)}, mean, var;
        size_t l = t % 3;
        CHECK(bo_gp_predict(gp, x, 0, &mean, &var, NULL) == BO_OK);
        double k[n], K2[n * n], v[n], mu = 0.0, q = 0.0;
        for (size_t i = 0; i < n; i++) {
            k[i] = KF(x[0], l, u[i], i % 3);
            mu += k[i] * a[i];
            v[i] = k[i];
            for (size_t j = 0; j < n; j++)
                K2[i * n + j] = KF(u[i], i % 3, u[j], j % 3) + (i == j ? nv : 0.0);
        }
        solve(n, K2, v);
        for (size_t i = 0; i < n; i++)
            q += k[i] * v[i];
        CHECK_CLOSE(mean, ym + ysd * mu, 1e-9, 1e-10);
        CHECK_CLOSE(var, ysd * ysd * (s2 - q), 1e-6, 1e-10);
    }
#undef KF
    bo_gp_destroy(gp);
}

/* y depends on one continuous input and on whether the level of x1 is in
 * {0, 1, 2} or {3, 4, 5}; x2's four levels do not matter at all. The fitted
 * map of x1 must put every level nearer to the levels of its own group than
 * to any of the other group, and x2's levels must all look alike. */
static void check_groups_separate(bo_gp_latent_mode mode)
{
    enum { n = 72 };
    /* The shared map has a point per combination: x2 gets 2 levels there,
     * so that each of the 12 combinations has 6 points. */
    size_t n2 = mode == BO_LATENT_SHARED ? 2 : 4;
    const size_t lev[3] = {0, 6, n2};
    bo_gp_options opt;
    bo_gp_options_default(&opt, 3);
    double lo[3] = {0.0, 0.0, 0.0}, hi[3] = {1.0, 1.0, 1.0};
    opt.lower = lo;
    opt.upper = hi;
    opt.n_levels = lev;
    opt.latent_mode = mode;
    opt.seed = 7;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double X[n * 3], y[n];
    bo_rng rng;
    bo_rng_init(&rng, 21);
    for (size_t i = 0; i < n; i++) {
        X[3 * i] = bo_rng_uniform(&rng);
        X[3 * i + 1] = (double)(i % 6);
        X[3 * i + 2] = (double)((i / 6) % n2);
        int group_b = (i % 6) >= 3;
        y[i] = sin(6.0 * X[3 * i]) + (group_b ? 2.0 + cos(3.0 * X[3 * i]) : 0.0);
    }
    CHECK(bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    const char *label = mode == BO_LATENT_SHARED ? "shared" : "per input";
    if (mode == BO_LATENT_PER_VARIABLE) {
        CHECK(bo_gp_n_latent_maps(gp) == 2);
        CHECK(bo_gp_latent_map_input(gp, 0) == 1 && bo_gp_latent_map_input(gp, 1) == 2);
        double z[6][2], within = 0.0, between = INFINITY;
        for (size_t l = 0; l < 6; l++)
            bo_gp_level_latent(gp, 0, l, z[l]);
        CHECK(z[0][0] == 0.0 && z[0][1] == 0.0);
        for (size_t a = 0; a < 6; a++)
            for (size_t b = a + 1; b < 6; b++) {
                double dd = hypot(z[a][0] - z[b][0], z[a][1] - z[b][1]);
                if ((a >= 3) == (b >= 3))
                    within = fmax(within, dd);
                else
                    between = fmin(between, dd);
            }
        CHECK_MSG(within < 0.2 * between,
                  "%s: groups not separated: largest distance within %g, smallest between %g",
                  label, within, between);
        double far2 = 0.0, w[4][2];
        for (size_t l = 0; l < 4; l++)
            bo_gp_level_latent(gp, 1, l, w[l]);
        for (size_t a = 0; a < 4; a++)
            for (size_t b = a + 1; b < 4; b++)
                far2 = fmax(far2, hypot(w[a][0] - w[b][0], w[a][1] - w[b][1]));
        /* exp(-d^2) > 0.9: the irrelevant input's levels correlate fully. */
        CHECK_MSG(far2 < 0.33, "%s: irrelevant levels %g apart", label, far2);
    } else {
        /* One map over the 12 combinations (x1 slower, x2 faster): level
         * (l1, l2) is 2 l1 + l2. A shared map has many more coordinates and
         * modes (this fit puts group B in two tight clusters), so the check
         * is on the groups as a whole: combinations of one group are on
         * average nearer each other than to those of the other group. */
        CHECK(bo_gp_n_latent_maps(gp) == 1 && bo_gp_latent_map_levels(gp, 0) == 12);
        CHECK(bo_gp_latent_map_input(gp, 0) == 3);
        double z[12][2], within = 0.0, between = 0.0;
        size_t n_within = 0, n_between = 0;
        for (size_t l = 0; l < 12; l++)
            bo_gp_level_latent(gp, 0, l, z[l]);
        for (size_t a = 0; a < 12; a++)
            for (size_t b = a + 1; b < 12; b++) {
                double dd = hypot(z[a][0] - z[b][0], z[a][1] - z[b][1]);
                if ((a / 2 >= 3) == (b / 2 >= 3)) {
                    within += dd;
                    n_within++;
                } else {
                    between += dd;
                    n_between++;
                }
            }
        within /= (double)n_within;
        between /= (double)n_between;
        /* Group A's six combinations, all alike, collapse to one point. */
        double spread_a = 0.0;
        for (size_t a = 0; a < 6; a++)
            spread_a = fmax(spread_a, hypot(z[a][0], z[a][1]));
        CHECK_MSG(within < between && spread_a < 0.1,
                  "%s: groups not separated: mean distance within %g, between %g, group A "
                  "spread %g", label, within, between, spread_a);
    }
    /* And it predicts the groups: held-out points, NRMSE well below 1. */
    enum { m = 60 };
    double Xt[m * 3], yt[m], mt[m];
    for (size_t i = 0; i < m; i++) {
        Xt[3 * i] = bo_rng_uniform(&rng);
        Xt[3 * i + 1] = (double)bo_rng_below(&rng, 6);
        Xt[3 * i + 2] = (double)bo_rng_below(&rng, n2);
        int group_b = Xt[3 * i + 1] >= 3.0;
        yt[i] = sin(6.0 * Xt[3 * i]) + (group_b ? 2.0 + cos(3.0 * Xt[3 * i]) : 0.0);
    }
    CHECK(bo_gp_predict_block(gp, m, Xt, 0, mt, NULL, NULL) == BO_OK);
    double e = bo_gp_nrmse(m, yt, mt);
    CHECK_MSG(e < 0.1, "%s: held-out NRMSE %g", label, e);
    bo_gp_destroy(gp);
}

static void check_errors(void)
{
    const size_t lev[2] = {3, 0};
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.n_levels = lev;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double X[8] = {0, 0.1, 1, 0.5, 2, 0.9, 1.5, 0.3}, y[4] = {1, 2, 3, 4};
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, NULL) == BO_EINVAL);
    CHECK_MSG(strstr(bo_gp_errmsg(gp), "row 3") && strstr(bo_gp_errmsg(gp), "x[0] = 1.5"),
              "message: %s", bo_gp_errmsg(gp));
    X[6] = 3.0;
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, NULL) == BO_EINVAL);
    X[6] = -1.0;
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, NULL) == BO_EINVAL);
    X[6] = 1.0;
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, NULL) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    double x[2] = {2.0, 0.4}, mean;
    CHECK(bo_gp_predict(gp, x, 0, &mean, NULL, NULL) == BO_OK);
    x[0] = 0.5;
    CHECK(bo_gp_predict(gp, x, 0, &mean, NULL, NULL) == BO_EINVAL);
    CHECK(strstr(bo_gp_errmsg(gp), "categorical input 0") != NULL);
    CHECK(bo_gp_predict_block(gp, 1, x, 0, &mean, NULL, NULL) == BO_EINVAL);
    CHECK(bo_gp_add_point(gp, x, 0, 1.0, 0.0) == BO_EINVAL);
    CHECK(bo_gp_n(gp) == 4);
    x[0] = 2.0;
    CHECK(bo_gp_add_point(gp, x, 0, 1.0, 0.0) == BO_OK);
    double ell[2];
    bo_gp_lengthscales(gp, ell);
    CHECK(isnan(ell[0]) && ell[1] > 0.0);
    CHECK(bo_gp_n_levels(gp, 0) == 3 && bo_gp_n_levels(gp, 1) == 0);
    bo_gp_destroy(gp);
    /* Too many levels, and too many combinations for one shared map. */
    const size_t many[2] = {BO_GP_MAX_LEVELS + 1, 0}, combos[2] = {40, 40};
    char err[256];
    opt.n_levels = many;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    opt.n_levels = combos;
    opt.latent_mode = BO_LATENT_SHARED;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "combinations") != NULL, "message: %s", err);
    opt.latent_mode = BO_LATENT_PER_VARIABLE;
    gp = bo_gp_create(&opt, err, sizeof err);
    CHECK(gp != NULL);
    bo_gp_destroy(gp);
}

int main(void)
{
    bo_gp_options opt;
    mixed_options(&opt, BO_KERNEL_MATERN52, 1, BO_LATENT_PER_VARIABLE);
    check_objective_grad("matern52 per input", &opt);
    mixed_options(&opt, BO_KERNEL_ROUGH_RBF, 1, BO_LATENT_PER_VARIABLE);
    check_objective_grad("rough_rbf per input", &opt);
    mixed_options(&opt, BO_KERNEL_SQEXP, 1, BO_LATENT_SHARED);
    check_objective_grad("sqexp shared", &opt);
    /* Sources and categorical inputs together. */
    mixed_options(&opt, BO_KERNEL_MATERN52, 3, BO_LATENT_PER_VARIABLE);
    check_objective_grad("matern52 3 sources per input", &opt);
    mixed_options(&opt, BO_KERNEL_MATERN32, 2, BO_LATENT_SHARED);
    check_objective_grad("matern32 2 sources shared", &opt);
    check_against_formula();
    check_groups_separate(BO_LATENT_PER_VARIABLE);
    check_groups_separate(BO_LATENT_SHARED);
    check_errors();
    return CHECK_DONE();
}
