/* Posteriors against hand algebra: one and two observations (single- and
 * two-source), the log marginal likelihood, posterior samples against the
 * predicted mean and covariance, and the accuracy metrics. The expected
 * values are computed here from the hyperparameters the model reports in
 * caller units, with the kernel formulas written out again, so a slip in the
 * scaling, the standardisation or the latent map shows up. */
#include "gp/gp.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

#define TEST_PI 3.14159265358979323846

static double matern52(double d)
{
    double r = sqrt(5.0) * d;
    return (1.0 + r + r * r / 3.0) * exp(-r);
}

/* Scaled distance with caller-unit length-scales. */
static double scaled_dist(size_t dim, const double *a, const double *b, const double *ell)
{
    double s = 0.0;
    for (size_t k = 0; k < dim; k++)
        s += (a[k] - b[k]) * (a[k] - b[k]) / (ell[k] * ell[k]);
    return sqrt(s);
}

static void one_point(void)
{
    /* n = 1, squared exponential, fixed noise: mean = mu + k (y0 - mu) / (s2 + v),
     * var = s2 - k^2 / (s2 + v). */
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.kernel = BO_KERNEL_SQEXP;
    opt.noise = BO_NOISE_FIXED;
    opt.fixed_noise_var = 0.3;
    double lo[2] = {-5.0, 100.0}, hi[2] = {5.0, 300.0};
    opt.lower = lo;
    opt.upper = hi;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double x0[2] = {1.0, 150.0}, y0 = 7.5;
    CHECK(bo_gp_set_data(gp, 1, x0, NULL, &y0, NULL) == BO_OK);
    double theta[4] = {log(0.4), log(0.4), log(2.0), 0.6};
    CHECK(bo_gp_n_hyper(gp) == 4); /* 2 length-scales, signal, mean */
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
    double ell[2];
    bo_gp_lengthscales(gp, ell);
    /* 0.4 of the box width, in caller units. */
    CHECK_CLOSE(ell[0], 4.0, 1e-14, 0.0);
    CHECK_CLOSE(ell[1], 80.0, 1e-14, 0.0);
    double s2 = bo_gp_signal_var(gp), v = bo_gp_noise_var(gp, 0), mu = bo_gp_mean_value(gp, 0);
    CHECK_CLOSE(v, 0.3, 1e-14, 0.0);
    double x[2] = {-0.5, 190.0};
    double dd = scaled_dist(2, x, x0, ell);
    double k = s2 * exp(-0.5 * dd * dd);
    double m, vf, vy;
    CHECK(bo_gp_predict(gp, x, 0, &m, &vf, &vy) == BO_OK);
    /* Closed forms; the only differences are rounding: 1e-12. */
    CHECK_CLOSE(m, mu + k * (y0 - mu) / (s2 + v), 1e-12, 1e-12);
    CHECK_CLOSE(vf, s2 - k * k / (s2 + v), 1e-12, 1e-12);
    CHECK_CLOSE(vy, s2 - k * k / (s2 + v) + v, 1e-12, 1e-12);
    double lml = -0.5 * (y0 - mu) * (y0 - mu) / (s2 + v) - 0.5 * log(s2 + v) -
                 0.5 * log(2.0 * TEST_PI);
    CHECK_CLOSE(bo_gp_log_marginal_likelihood(gp), lml, 1e-12, 1e-12);

    /* Joint samples at two points against the closed-form posterior
     * covariance. */
    double pts[4] = {0.0, 160.0, 2.0, 200.0};
    double kk[2], C[3];
    for (int a = 0; a < 2; a++) {
        double da = scaled_dist(2, pts + 2 * a, x0, ell);
        kk[a] = s2 * exp(-0.5 * da * da);
    }
    double d01 = scaled_dist(2, pts, pts + 2, ell);
    C[0] = s2 - kk[0] * kk[0] / (s2 + v);
    C[1] = s2 * exp(-0.5 * d01 * d01) - kk[0] * kk[1] / (s2 + v);
    C[2] = s2 - kk[1] * kk[1] / (s2 + v);
    double mean_true[2] = {mu + kk[0] * (y0 - mu) / (s2 + v), mu + kk[1] * (y0 - mu) / (s2 + v)};
    enum { ns = 20000 };
    double *out = malloc(2 * ns * sizeof *out);
    CHECK(bo_gp_sample(gp, 2, pts, 0, ns, 5, out) == BO_OK);
    double s0 = 0, s1 = 0, s00 = 0, s01 = 0, s11 = 0;
    for (size_t r = 0; r < ns; r++) {
        double a = out[2 * r], b = out[2 * r + 1];
        s0 += a;
        s1 += b;
        s00 += a * a;
        s01 += a * b;
        s11 += b * b;
    }
    double m0 = s0 / ns, m1 = s1 / ns;
    double c00 = s00 / ns - m0 * m0, c01 = s01 / ns - m0 * m1, c11 = s11 / ns - m1 * m1;
    /* Sampling error: the mean's sd is sqrt(C/ns); an entry of the sample
     * covariance has sd sqrt((C_aa C_bb + C_ab^2) / ns). Five sd: a correct
     * sampler fails with probability ~1e-6, a wrong factor cannot pass. */
    CHECK_CLOSE(m0, mean_true[0], 0.0, 5.0 * sqrt(C[0] / ns));
    CHECK_CLOSE(m1, mean_true[1], 0.0, 5.0 * sqrt(C[2] / ns));
    CHECK_CLOSE(c00, C[0], 0.0, 5.0 * sqrt(2.0 * C[0] * C[0] / ns));
    CHECK_CLOSE(c11, C[2], 0.0, 5.0 * sqrt(2.0 * C[2] * C[2] / ns));
    CHECK_CLOSE(c01, C[1], 0.0, 5.0 * sqrt((C[0] * C[2] + C[1] * C[1]) / ns));
    /* Same seed, same draws. */
    double *again = malloc(2 * ns * sizeof *again);
    bo_gp_sample(gp, 2, pts, 0, ns, 5, again);
    CHECK(memcmp(out, again, 2 * ns * sizeof *out) == 0);
    free(out);
    free(again);
    bo_gp_destroy(gp);
}

/* Two observations of a 2-source model, Matern 5/2, per-source noise and
 * means: the 2x2 system solved by hand. */
static void two_points(size_t n_sources)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 1);
    opt.n_sources = n_sources;
    opt.target_source = 0;
    opt.noise = n_sources > 1 ? BO_NOISE_PER_SOURCE : BO_NOISE_LEARN;
    opt.mean = n_sources > 1 ? BO_MEAN_PER_SOURCE : BO_MEAN_CONSTANT;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double X[2] = {0.2, 0.7}, y[2] = {3.0, -1.0};
    size_t src[2] = {0, n_sources - 1};
    CHECK(bo_gp_set_data(gp, 2, X, src, y, NULL) == BO_OK);
    size_t nh = bo_gp_n_hyper(gp);
    double theta[16];
    bo_gp_get_hyper(gp, theta);
    theta[0] = log(0.35);
    theta[1] = log(1.7);
    for (size_t j = 2; j < nh; j++)
        theta[j] = 0.1 * (double)j - 0.5 + (j % 2 ? 0.3 : -0.2);
    CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
    double ell, s2 = bo_gp_signal_var(gp);
    bo_gp_lengthscales(gp, &ell);
    double z0[2], z1[2];
    bo_gp_latent(gp, src[0], z0);
    bo_gp_latent(gp, src[1], z1);
    double lat = exp(-((z0[0] - z1[0]) * (z0[0] - z1[0]) + (z0[1] - z1[1]) * (z0[1] - z1[1])));
    if (n_sources > 1) {
        /* Canonical latent map: the target at the origin, the other source
         * on the positive first axis. */
        CHECK_CLOSE(z0[0], 0.0, 0.0, 1e-15);
        CHECK_CLOSE(z0[1], 0.0, 0.0, 1e-15);
        CHECK(z1[0] > 0.0);
        CHECK_CLOSE(z1[1], 0.0, 0.0, 1e-12);
    }
    double v0 = bo_gp_noise_var(gp, src[0]), v1 = bo_gp_noise_var(gp, src[1]);
    double mu0 = bo_gp_mean_value(gp, src[0]), mu1 = bo_gp_mean_value(gp, src[1]);
    double k12 = s2 * lat * matern52(fabs(X[0] - X[1]) / ell);
    double a = s2 + v0, b = k12, c = s2 + v1, det = a * c - b * b;
    double r0 = y[0] - mu0, r1 = y[1] - mu1;
    double al0 = (c * r0 - b * r1) / det, al1 = (-b * r0 + a * r1) / det;
    double lml = -0.5 * (r0 * al0 + r1 * al1) - 0.5 * log(det) - log(2.0 * TEST_PI);
    CHECK_CLOSE(bo_gp_log_marginal_likelihood(gp), lml, 1e-11, 1e-11);
    for (size_t s = 0; s < n_sources; s++) {
        double x = 0.45, m, vf, vy;
        CHECK(bo_gp_predict(gp, &x, s, &m, &vf, &vy) == BO_OK);
        double zs[2];
        bo_gp_latent(gp, s, zs);
        double l0 = exp(-((zs[0] - z0[0]) * (zs[0] - z0[0]) + (zs[1] - z0[1]) * (zs[1] - z0[1])));
        double l1 = exp(-((zs[0] - z1[0]) * (zs[0] - z1[0]) + (zs[1] - z1[1]) * (zs[1] - z1[1])));
        double k0 = s2 * l0 * matern52(fabs(x - X[0]) / ell);
        double k1 = s2 * l1 * matern52(fabs(x - X[1]) / ell);
        double mean = bo_gp_mean_value(gp, s) + k0 * al0 + k1 * al1;
        double var = s2 - (k0 * (c * k0 - b * k1) + k1 * (-b * k0 + a * k1)) / det;
        CHECK_CLOSE(m, mean, 1e-11, 1e-11);
        CHECK_CLOSE(vf, var, 1e-10, 1e-12);
        CHECK_CLOSE(vy, var + bo_gp_noise_var(gp, s), 1e-10, 1e-12);
    }
    bo_gp_destroy(gp);
}

/* The latent canonicalisation preserves every pairwise distance and puts the
 * third source in the upper half plane. */
static void latent_canonical(void)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 1);
    opt.n_sources = 4;
    opt.target_source = 2;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    size_t nh = bo_gp_n_hyper(gp);
    double theta[16];
    bo_gp_get_hyper(gp, theta);
    double raw[8] = {0.3, -1.2, -0.7, -0.4, 1.1, 0.9, -0.2, 2.0};
    memcpy(theta + nh - 8, raw, sizeof raw);
    bo_gp_set_hyper(gp, theta); /* no data: only stores */
    double z[4][2];
    for (size_t s = 0; s < 4; s++)
        bo_gp_latent(gp, s, z[s]);
    CHECK_CLOSE(z[2][0], 0.0, 0.0, 1e-15);
    CHECK_CLOSE(z[2][1], 0.0, 0.0, 1e-15);
    CHECK(z[0][0] > 0.0);
    CHECK_CLOSE(z[0][1], 0.0, 0.0, 1e-12);
    CHECK(z[1][1] >= 0.0);
    for (size_t a = 0; a < 4; a++)
        for (size_t b = 0; b < 4; b++) {
            double dr = hypot(raw[2 * a] - raw[2 * b], raw[2 * a + 1] - raw[2 * b + 1]);
            double dc = hypot(z[a][0] - z[b][0], z[a][1] - z[b][1]);
            CHECK_CLOSE(dc, dr, 1e-12, 1e-12);
        }
    bo_gp_destroy(gp);
}

static void metrics(void)
{
    double yt[4] = {1.0, 2.0, 3.0, 6.0}, mu[4] = {1.5, 2.0, 2.0, 6.0}, sd[4] = {1.0, 0.1, 0.2, 1.0};
    /* std (population) of y_true: mean 3, squares 4+1+0+9 = 14, /4 = 3.5. */
    double s = sqrt(3.5);
    CHECK_CLOSE(bo_gp_nrmse(4, yt, mu), sqrt((0.25 + 0.0 + 1.0 + 0.0) / 4.0) / s, 1e-14, 0.0);
    /* alpha = 0.05: z = 1.959963984540054. Row 3 (y = 3 above u = 2 + 0.2 z)
     * pays the 2/alpha = 40 penalty; the others lie inside. */
    double z = 1.959963984540054;
    double is = 2 * z * 1.0 + 2 * z * 0.1 + (2 * z * 0.2 + 40.0 * (3.0 - (2.0 + 0.2 * z))) +
                2 * z * 1.0;
    CHECK_CLOSE(bo_gp_nis(4, yt, mu, sd, 0.05), is / 4.0 / s, 1e-12, 0.0);
    /* Below the interval: y = 0 with mean 1, sd 0.1. */
    double y1 = 0.0, m1 = 1.0, s1 = 0.1;
    double nis1 = bo_gp_nis(1, &y1, &m1, &s1, 0.05);
    /* std of a single value is 0: the score is not normalised. */
    CHECK_CLOSE(nis1, 2 * z * 0.1 + 40.0 * ((1.0 - 0.1 * z) - 0.0), 1e-12, 0.0);
    CHECK(isnan(bo_gp_nis(0, yt, mu, sd, 0.05)));
    CHECK(isnan(bo_gp_nis(4, yt, mu, sd, 1.5)));
}

/* bo_gp_cap_lengthscales shortens only the long length-scales, to the cap
 * in the caller's units, whatever the kernel's parameterisation (ROUGH_RBF
 * stores omega = log10(1 / (2 l^2)), which grows as l shrinks). */
static void cap_lengthscales(void)
{
    const bo_kernel_kind kinds[3] = {BO_KERNEL_SQEXP, BO_KERNEL_MATERN52, BO_KERNEL_ROUGH_RBF};
    for (int k = 0; k < 3; k++) {
        bo_gp_options opt;
        bo_gp_options_default(&opt, 2);
        opt.kernel = kinds[k];
        double lo[2] = {-5.0, 100.0}, hi[2] = {5.0, 300.0};
        opt.lower = lo;
        opt.upper = hi;
        bo_gp *gp = bo_gp_create(&opt, NULL, 0);
        double X[6] = {1.0, 150.0, -2.0, 250.0, 3.0, 120.0}, y[3] = {1.0, -0.5, 2.0};
        CHECK(bo_gp_set_data(gp, 3, X, NULL, y, NULL) == BO_OK);
        double theta[16];
        CHECK(bo_gp_n_hyper(gp) <= 16);
        bo_gp_get_hyper(gp, theta);
        /* Length-scales 2 and 0.05 of the box widths: 20 and 10 in the
         * caller's units. */
        const double l_int[2] = {2.0, 0.05};
        for (int j = 0; j < 2; j++)
            theta[j] = kinds[k] == BO_KERNEL_ROUGH_RBF ? log10(0.5 / (l_int[j] * l_int[j]))
                                                       : log(l_int[j]);
        CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
        double ell[2];
        bo_gp_lengthscales(gp, ell);
        CHECK_CLOSE(ell[0], 20.0, 1e-12, 0.0);
        CHECK_CLOSE(ell[1], 10.0, 1e-12, 0.0);
        CHECK(bo_gp_cap_lengthscales(gp, 15.0) == BO_OK);
        bo_gp_lengthscales(gp, ell);
        CHECK_MSG(fabs(ell[0] - 15.0) < 1e-12 * 15.0, "kernel %d: %g", k, ell[0]);
        CHECK_MSG(fabs(ell[1] - 10.0) < 1e-12 * 10.0, "kernel %d: %g", k, ell[1]);
        double m, v;
        CHECK(bo_gp_predict(gp, X, 0, &m, &v, NULL) == BO_OK && isfinite(m));
        CHECK(bo_gp_cap_lengthscales(gp, 0.0) == BO_EINVAL);
        CHECK(bo_gp_cap_lengthscales(gp, NAN) == BO_EINVAL);
        CHECK(strstr(bo_gp_errmsg(gp), "cap_lengthscales") != NULL);
        bo_gp_destroy(gp);
    }
}

int main(void)
{
    cap_lengthscales();
    one_point();
    two_points(1);
    two_points(2);
    latent_canonical();
    metrics();
    return CHECK_DONE();
}
