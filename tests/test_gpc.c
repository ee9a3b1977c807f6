/* The Laplace GP classifier (gp/gpc.h): the approximate-likelihood gradient
 * and the gradient of log P(success | x) against finite differences; the
 * mode, the approximate log marginal likelihood and the predictive
 * probabilities against a Laplace solution computed here independently of
 * the classifier's Newton code (the mode by NLopt's L-BFGS in whitened
 * coordinates, the predictive integral by quadrature on a dense grid); the
 * fit on a 1-D and a 2-D labelled set; every bad input. */
#include "gp/gpc.h"
#include "gp/rng.h"
#include "tests/check.h"

#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

#define MAXN 40
#define PI 3.14159265358979323846

/* --- The independent Laplace solution ------------------------------------ */

/* Matern 5/2 written out, so the reference does not share the library's
 * kernel code. */
static double matern52(size_t dim, const double *a, const double *b, const double *ell)
{
    double d2 = 0.0;
    for (size_t k = 0; k < dim; k++) {
        double t = (a[k] - b[k]) / ell[k];
        d2 += t * t;
    }
    double r = sqrt(5.0 * d2);
    return (1.0 + r + r * r / 3.0) * exp(-r);
}

static double cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

static double pdf(double z)
{
    return exp(-0.5 * z * z) / sqrt(2.0 * PI);
}

/* Plain Cholesky, lower, in place (n x n row-major); 0 on success. */
static int cholesky(size_t n, double *A)
{
    for (size_t j = 0; j < n; j++) {
        double s = A[j * n + j];
        for (size_t k = 0; k < j; k++)
            s -= A[j * n + k] * A[j * n + k];
        if (!(s > 0.0))
            return -1;
        A[j * n + j] = sqrt(s);
        for (size_t i = j + 1; i < n; i++) {
            double t = A[i * n + j];
            for (size_t k = 0; k < j; k++)
                t -= A[i * n + k] * A[j * n + k];
            A[i * n + j] = t / A[j * n + j];
        }
        for (size_t k = j + 1; k < n; k++)
            A[j * n + k] = 0.0;
    }
    return 0;
}

typedef struct reference {
    size_t n, dim;
    const double *X;
    const double *y;        /* +1 / -1 */
    double ell[4], sig2, mean;
    double Lk[MAXN * MAXN]; /* chol(K + tiny I) */
    double f[MAXN];         /* the mode */
    double lml;
} reference;

/* Psi(v) = sum log Phi(y_i f_i) - v^T v / 2 with f = m + Lk v, and its
 * gradient Lk^T (y phi/Phi) - v: the Laplace objective in whitened
 * coordinates, maximised by a generic optimiser. */
static double ref_objective(unsigned n, const double *v, double *grad, void *data)
{
    reference *r = data;
    double val = 0.0, gl[MAXN];
    for (size_t i = 0; i < n; i++) {
        double f = r->mean;
        for (size_t j = 0; j <= i; j++)
            f += r->Lk[i * n + j] * v[j];
        double z = r->y[i] * f;
        val += log(cdf(z));
        gl[i] = r->y[i] * pdf(z) / cdf(z);
        val -= 0.5 * v[i] * v[i];
    }
    if (grad) {
        for (size_t j = 0; j < n; j++) {
            double s = -v[j];
            for (size_t i = j; i < n; i++)
                s += r->Lk[i * n + j] * gl[i];
            grad[j] = -s; /* of the minimised -Psi */
        }
    }
    return -val; /* minimised */
}

static double ref_kernel(const reference *r, const double *a, const double *b)
{
    return r->sig2 * matern52(r->dim, a, b, r->ell);
}

/* The mode and log q = Psi(f) - 1/2 log|I + K W|. */
static void ref_solve(reference *r)
{
    size_t n = r->n;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            r->Lk[i * n + j] = ref_kernel(r, r->X + i * r->dim, r->X + j * r->dim) +
                               (i == j ? 1e-10 * r->sig2 : 0.0);
    CHECK(cholesky(n, r->Lk) == 0);
    double v[MAXN] = {0}, minf;
    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)n);
    nlopt_set_min_objective(o, ref_objective, r);
    nlopt_set_ftol_rel(o, 1e-15);
    nlopt_set_xtol_rel(o, 1e-12);
    nlopt_set_maxeval(o, 20000);
    nlopt_result res = nlopt_optimize(o, v, &minf);
    CHECK_MSG(res > 0, "reference mode: nlopt result %d", (int)res);
    nlopt_destroy(o);
    for (size_t i = 0; i < n; i++) {
        r->f[i] = r->mean;
        for (size_t j = 0; j <= i; j++)
            r->f[i] += r->Lk[i * n + j] * v[j];
    }
    /* |I + K W| = |I + sw K sw|, by a plain Cholesky of the latter. */
    double B[MAXN * MAXN], sw[MAXN];
    for (size_t i = 0; i < n; i++) {
        double z = r->y[i] * r->f[i], lam = pdf(z) / cdf(z);
        sw[i] = sqrt(lam * (lam + z));
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            B[i * n + j] = (i == j) + sw[i] * sw[j] *
                                          ref_kernel(r, r->X + i * r->dim, r->X + j * r->dim);
    CHECK(cholesky(n, B) == 0);
    double half_logdet = 0.0;
    for (size_t i = 0; i < n; i++)
        half_logdet += log(B[i * n + i]);
    r->lml = -minf - half_logdet;
}

/* Laplace predictive at x: mean m + k^T K^-1 (f - m), variance
 * k** - k^T (K + W^-1)^-1 k (GPML eqs. 3.21, 3.24, written with the dense
 * inverse of K + W^-1 by Gauss-Jordan elimination); then
 * P = int Phi(f) N(f; mu, var) df by the trapezoidal rule on 40001 points
 * over mu +/- 12 sd. */
static double ref_predict(const reference *r, const double *x)
{
    size_t n = r->n;
    double k[MAXN], t[MAXN];
    for (size_t i = 0; i < n; i++)
        k[i] = ref_kernel(r, x, r->X + i * r->dim);
    /* K^-1 (f - m) through Lk. */
    for (size_t i = 0; i < n; i++) {
        double s = r->f[i] - r->mean;
        for (size_t j = 0; j < i; j++)
            s -= r->Lk[i * n + j] * t[j];
        t[i] = s / r->Lk[i * n + i];
    }
    for (size_t i = n; i-- > 0;) {
        double s = t[i];
        for (size_t j = i + 1; j < n; j++)
            s -= r->Lk[j * n + i] * t[j];
        t[i] = s / r->Lk[i * n + i];
    }
    double mu = r->mean;
    for (size_t i = 0; i < n; i++)
        mu += k[i] * t[i];
    /* A = [K + W^-1 | I] reduced to [I | (K + W^-1)^-1]. */
    static double A[MAXN * 2 * MAXN];
    size_t w2 = 2 * n;
    for (size_t i = 0; i < n; i++) {
        double z = r->y[i] * r->f[i], lam = pdf(z) / cdf(z), W = lam * (lam + z);
        for (size_t j = 0; j < n; j++) {
            A[i * w2 + j] = ref_kernel(r, r->X + i * r->dim, r->X + j * r->dim) +
                            (i == j ? 1.0 / W : 0.0);
            A[i * w2 + n + j] = i == j;
        }
    }
    for (size_t p = 0; p < n; p++) {
        double piv = A[p * w2 + p];
        for (size_t j = 0; j < w2; j++)
            A[p * w2 + j] /= piv;
        for (size_t i = 0; i < n; i++) {
            if (i == p)
                continue;
            double fct = A[i * w2 + p];
            for (size_t j = 0; j < w2; j++)
                A[i * w2 + j] -= fct * A[p * w2 + j];
        }
    }
    double var = r->sig2;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            var -= k[i] * A[i * w2 + n + j] * k[j];
    double sd = sqrt(fmax(var, 0.0));
    if (sd < 1e-9)
        return cdf(mu);
    const int m = 40000;
    double lo = mu - 12.0 * sd, h = 24.0 * sd / m, sum = 0.0;
    for (int i = 0; i <= m; i++) {
        double f = lo + h * i, u = (f - mu) / sd;
        double wgt = (i == 0 || i == m) ? 0.5 : 1.0;
        sum += wgt * cdf(f) * exp(-0.5 * u * u) / (sd * sqrt(2.0 * PI));
    }
    return sum * h;
}

/* --- Labelled sets --------------------------------------------------------- */

/* 1-D: 14 points on [0, 2], failures in (0.6, 1.1). */
static size_t set_1d(double *X, int *ok, double *y)
{
    size_t n = 14;
    for (size_t i = 0; i < n; i++) {
        X[i] = 2.0 * (double)i / (double)(n - 1) + 0.01 * sin(7.0 * (double)i);
        ok[i] = !(X[i] > 0.6 && X[i] < 1.1);
        y[i] = ok[i] ? 1.0 : -1.0;
    }
    return n;
}

/* 2-D: a 5 x 5 grid on [-1, 1]^2 jittered, failures inside the disk of
 * radius 0.55 around (0.3, -0.2). */
static size_t set_2d(double *X, int *ok, double *y)
{
    bo_rng rng;
    bo_rng_init(&rng, 7);
    size_t n = 0;
    for (int i = 0; i < 5; i++) {
        for (int j = 0; j < 5; j++, n++) {
            X[2 * n] = -1.0 + 0.5 * i + 0.1 * (bo_rng_uniform(&rng) - 0.5);
            X[2 * n + 1] = -1.0 + 0.5 * j + 0.1 * (bo_rng_uniform(&rng) - 0.5);
            double dx = X[2 * n] - 0.3, dy = X[2 * n + 1] + 0.2;
            ok[n] = dx * dx + dy * dy > 0.55 * 0.55;
            y[n] = ok[n] ? 1.0 : -1.0;
        }
    }
    return n;
}

static bo_gpc *make(size_t dim, const double *lo, const double *hi, size_t n, const double *X,
                    const int *ok)
{
    bo_gpc_options o;
    bo_gpc_options_default(&o, dim);
    o.lower = lo;
    o.upper = hi;
    char err[256];
    bo_gpc *c = bo_gpc_create(&o, err, sizeof err);
    CHECK_MSG(c != NULL, "%s", err);
    if (c)
        CHECK(bo_gpc_set_data(c, n, X, ok) == BO_OK);
    return c;
}

/* --- Gradients -------------------------------------------------------------- */

/* Central differences, h = 1e-5: the objective is O(10) and smooth in theta
 * (the mode is found to 1e-13 relative), so truncation is ~1e-10 and the
 * mode's rounding enters at ~1e-13 / 1e-5 = 1e-8: 1e-5 relative with 1e-6
 * absolute separates a right gradient from one missing the implicit term
 * (which is O(0.1) here) by orders of magnitude. */
static void check_objective_gradient(const char *label, bo_gpc *c, const double *theta)
{
    size_t nh = bo_gpc_n_hyper(c);
    double g[8], tp[8], implicit_scale = 0.0;
    double f = bo_gpc_neg_log_posterior(c, theta, g);
    CHECK_MSG(isfinite(f), "%s: %s", label, bo_gpc_errmsg(c));
    for (size_t j = 0; j < nh; j++) {
        const double h = 1e-5;
        memcpy(tp, theta, nh * sizeof *tp);
        tp[j] = theta[j] + h;
        double fp = bo_gpc_neg_log_posterior(c, tp, NULL);
        tp[j] = theta[j] - h;
        double fm = bo_gpc_neg_log_posterior(c, tp, NULL);
        double fd = (fp - fm) / (2.0 * h);
        CHECK_MSG(fabs(g[j] - fd) <= 1e-6 + 1e-5 * fabs(fd),
                  "%s: d/dtheta[%zu]: analytic %.10g, finite difference %.10g", label, j, g[j],
                  fd);
        implicit_scale = fmax(implicit_scale, fabs(fd));
    }
    CHECK_MSG(implicit_scale > 1e-3, "%s: the gradient is too flat to test", label);
}

/* d log P / dx against central differences (h = 1e-6 of the box). */
static void check_predict_gradient(const char *label, bo_gpc *c, size_t dim, const double *x)
{
    double lp, g[4], xp[4];
    CHECK(bo_gpc_predict(c, x, NULL, &lp, g) == BO_OK);
    for (size_t k = 0; k < dim; k++) {
        const double h = 1e-6;
        double lpp, lpm;
        memcpy(xp, x, dim * sizeof *xp);
        xp[k] = x[k] + h;
        CHECK(bo_gpc_predict(c, xp, NULL, &lpp, NULL) == BO_OK);
        xp[k] = x[k] - h;
        CHECK(bo_gpc_predict(c, xp, NULL, &lpm, NULL) == BO_OK);
        double fd = (lpp - lpm) / (2.0 * h);
        CHECK_MSG(fabs(g[k] - fd) <= 1e-6 + 1e-5 * fabs(fd),
                  "%s: dlogP/dx[%zu] at (%g, ...): analytic %.10g, finite difference %.10g",
                  label, k, x[0], g[k], fd);
    }
}

static void test_gradients(void)
{
    double X[2 * MAXN], y[MAXN];
    int ok[MAXN];
    double lo1 = 0.0, hi1 = 2.0;
    size_t n = set_1d(X, ok, y);
    bo_gpc *c = make(1, &lo1, &hi1, n, X, ok);
    double th1[][3] = {{log(0.2), log(3.0), 0.5}, {log(0.6), log(0.5), -0.3},
                       {log(0.05), log(50.0), 1.5}};
    for (size_t t = 0; t < 3; t++)
        check_objective_gradient("1-D", c, th1[t]);
    CHECK(bo_gpc_set_hyper(c, th1[0]) == BO_OK);
    for (double x = -0.1; x <= 2.1; x += 0.173)
        check_predict_gradient("1-D", c, 1, &x);
    bo_gpc_destroy(c);

    double lo2[2] = {-1.0, -1.0}, hi2[2] = {1.0, 1.0};
    n = set_2d(X, ok, y);
    c = make(2, lo2, hi2, n, X, ok);
    double th2[][4] = {{log(0.3), log(0.15), log(4.0), 0.8}, {log(1.2), log(0.5), log(0.3), -1.0}};
    for (size_t t = 0; t < 2; t++)
        check_objective_gradient("2-D", c, th2[t]);
    CHECK(bo_gpc_set_hyper(c, th2[0]) == BO_OK);
    double pts[][2] = {{0.3, -0.2}, {0.85, 0.1}, {-0.9, 0.9}, {0.0, -0.75}, {0.5, 0.5}};
    for (size_t i = 0; i < 5; i++)
        check_predict_gradient("2-D", c, 2, pts[i]);
    bo_gpc_destroy(c);
}

/* --- Against the independent solution ----------------------------------- */

/* The library's theta is on the unit cube; the reference works in the
 * caller's units, so its length-scales are ell_unit * width. */
static void compare_with_reference(const char *label, bo_gpc *c, size_t dim, const double *X,
                                   const double *y, size_t n, const double *width,
                                   const double *theta, const double (*pts)[2], size_t n_pts)
{
    CHECK(bo_gpc_set_hyper(c, theta) == BO_OK);
    reference r = {.n = n, .dim = dim, .X = X, .y = y};
    for (size_t k = 0; k < dim; k++)
        r.ell[k] = exp(theta[k]) * width[k];
    r.sig2 = exp(theta[dim]);
    r.mean = theta[dim + 1];
    ref_solve(&r);
    /* The mode: the two optimisers agree to ~1e-8 (L-BFGS's ftol 1e-15 on
     * an O(10) objective leaves ~1e-7 in f at worst). */
    for (size_t i = 0; i < n; i++)
        CHECK_CLOSE(bo_gpc_mode(c, i), r.f[i], 1e-6, 1e-6);
    CHECK_CLOSE(bo_gpc_log_marginal_likelihood(c), r.lml, 1e-9, 1e-9);
    for (size_t i = 0; i < n_pts; i++) {
        double p, lp;
        CHECK(bo_gpc_predict(c, pts[i], &p, &lp, NULL) == BO_OK);
        double pr = ref_predict(&r, pts[i]);
        /* Quadrature error ~1e-9 and the mode's ~1e-7: 1e-6 absolute. */
        CHECK_MSG(fabs(p - pr) <= 1e-6, "%s: P(success | %g, ...): %.10f, reference %.10f",
                  label, pts[i][0], p, pr);
        CHECK_CLOSE(lp, log(p), 1e-12, 0.0);
    }
}

static void test_against_reference(void)
{
    double X[2 * MAXN], y[MAXN];
    int ok[MAXN];
    double lo1 = 0.0, hi1 = 2.0, w1 = 2.0;
    size_t n = set_1d(X, ok, y);
    bo_gpc *c = make(1, &lo1, &hi1, n, X, ok);
    const double pts1[][2] = {{0.0, 0}, {0.35, 0}, {0.8, 0}, {0.95, 0}, {1.3, 0}, {2.4, 0}};
    double th1a[3] = {log(0.15), log(4.0), 0.7}, th1b[3] = {log(0.4), log(1.0), 0.0};
    compare_with_reference("1-D a", c, 1, X, y, n, &w1, th1a, pts1, 6);
    compare_with_reference("1-D b", c, 1, X, y, n, &w1, th1b, pts1, 6);
    bo_gpc_destroy(c);

    double lo2[2] = {-1.0, -1.0}, hi2[2] = {1.0, 1.0}, w2[2] = {2.0, 2.0};
    n = set_2d(X, ok, y);
    c = make(2, lo2, hi2, n, X, ok);
    const double pts2[][2] = {{0.3, -0.2}, {0.8, -0.2}, {-0.9, 0.9}, {0.3, 0.4}, {0.0, -1.0}};
    double th2[4] = {log(0.25), log(0.35), log(6.0), 1.0};
    compare_with_reference("2-D", c, 2, X, y, n, w2, th2, pts2, 5);
    bo_gpc_destroy(c);
}

/* --- The fit -------------------------------------------------------------------- */

static void test_fit(void)
{
    double X[2 * MAXN], y[MAXN];
    int ok[MAXN];
    double lo1 = 0.0, hi1 = 2.0;
    size_t n = set_1d(X, ok, y);
    bo_gpc *c = make(1, &lo1, &hi1, n, X, ok);
    CHECK_MSG(bo_gpc_fit(c) == BO_OK, "%s", bo_gpc_errmsg(c));
    double theta[3], g[3], lo[3], hi[3];
    bo_gpc_get_hyper(c, theta);
    bo_gpc_hyper_bounds(c, lo, hi);
    /* At an optimum, each component of the gradient is 0 or pushes out of
     * the box. */
    double f = bo_gpc_neg_log_posterior(c, theta, g);
    CHECK(isfinite(f));
    for (size_t k = 0; k < 3; k++) {
        int at_lo = theta[k] <= lo[k] + 1e-9, at_hi = theta[k] >= hi[k] - 1e-9;
        CHECK_MSG(fabs(g[k]) < 1e-3 || (at_lo && g[k] > 0) || (at_hi && g[k] < 0),
                  "1-D fit: gradient[%zu] = %g at theta %g", k, g[k], theta[k]);
    }
    /* Every training label on the right side of 1/2, and far outside the
     * data the prior mean's side (mostly successes). */
    for (size_t i = 0; i < n; i++) {
        double p;
        CHECK(bo_gpc_predict(c, X + i, &p, NULL, NULL) == BO_OK);
        CHECK_MSG(ok[i] ? p > 0.5 : p < 0.5, "1-D fit: x = %g, label %d, P = %g", X[i], ok[i],
                  p);
    }
    /* Deterministic: a second fit from another state gives the same. */
    double th_other[3] = {log(3.0), log(0.1), -4.0}, theta2[3];
    CHECK(bo_gpc_set_hyper(c, th_other) == BO_OK);
    CHECK(bo_gpc_fit(c) == BO_OK);
    bo_gpc_get_hyper(c, theta2);
    for (size_t k = 0; k < 3; k++)
        CHECK(theta2[k] == theta[k]);
    bo_gpc_destroy(c);

    double lo2[2] = {-1.0, -1.0}, hi2[2] = {1.0, 1.0};
    n = set_2d(X, ok, y);
    c = make(2, lo2, hi2, n, X, ok);
    CHECK_MSG(bo_gpc_fit(c) == BO_OK, "%s", bo_gpc_errmsg(c));
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++) {
        double p;
        CHECK(bo_gpc_predict(c, X + 2 * i, &p, NULL, NULL) == BO_OK);
        wrong += ok[i] ? p <= 0.5 : p >= 0.5;
    }
    CHECK_MSG(wrong == 0, "2-D fit: %zu of %zu training labels on the wrong side", wrong, n);
    double centre[2] = {0.3, -0.2}, corner[2] = {-0.9, 0.9}, pc, pk;
    CHECK(bo_gpc_predict(c, centre, &pc, NULL, NULL) == BO_OK);
    CHECK(bo_gpc_predict(c, corner, &pk, NULL, NULL) == BO_OK);
    CHECK_MSG(pc < 0.2 && pk > 0.8, "2-D fit: P at the disk's centre %g, at a corner %g", pc,
              pk);
    bo_gpc_destroy(c);

    /* One failure among successes, and all successes: still a fit, with
     * P(success) high away from the failure. */
    double X3[6] = {0.1, 0.3, 0.5, 0.7, 0.9, 0.2};
    int ok3[6] = {1, 1, 0, 1, 1, 1};
    c = make(1, NULL, NULL, 6, X3, ok3);
    CHECK_MSG(bo_gpc_fit(c) == BO_OK, "%s", bo_gpc_errmsg(c));
    double pf, pfar;
    CHECK(bo_gpc_predict(c, &X3[2], &pf, NULL, NULL) == BO_OK);
    CHECK(bo_gpc_predict(c, &X3[0], &pfar, NULL, NULL) == BO_OK);
    CHECK_MSG(pf < pfar, "one failure: P there %g, at a success %g", pf, pfar);
    /* The prior's P(success), Phi(m / sqrt(1 + sigma^2)), is what the
     * classifier predicts far from every point. */
    double th6[3], far = 1e3, pfar_away;
    bo_gpc_get_hyper(c, th6);
    CHECK(bo_gpc_predict(c, &far, &pfar_away, NULL, NULL) == BO_OK);
    CHECK_CLOSE(bo_gpc_prior_success(c), 0.5 * erfc(-th6[2] / sqrt(1.0 + exp(th6[1])) / sqrt(2.0)),
                1e-14, 0.0);
    CHECK_CLOSE(pfar_away, bo_gpc_prior_success(c), 1e-12, 0.0);
    int all[6] = {1, 1, 1, 1, 1, 1};
    CHECK(bo_gpc_set_data(c, 6, X3, all) == BO_OK);
    CHECK_MSG(bo_gpc_fit(c) == BO_OK, "%s", bo_gpc_errmsg(c));
    CHECK(bo_gpc_predict(c, &X3[2], &pf, NULL, NULL) == BO_OK);
    CHECK_MSG(pf > 0.8, "all successes: P = %g", pf);
    bo_gpc_destroy(c);
}

/* --- Bad input ------------------------------------------------------------------- */

static void test_errors(void)
{
    char err[256];
    bo_gpc_options o;
    bo_gpc_options_default(&o, 0);
    CHECK(bo_gpc_create(&o, err, sizeof err) == NULL);
    CHECK(strstr(err, "dim is 0") != NULL);
    CHECK(bo_gpc_create(NULL, err, sizeof err) == NULL);
    bo_gpc_options_default(&o, 2);
    o.kernel = BO_KERNEL_ROUGH_RBF;
    CHECK(bo_gpc_create(&o, err, sizeof err) == NULL);
    CHECK(strstr(err, "rough_rbf") != NULL);
    bo_gpc_options_default(&o, 2);
    double lo[2] = {0.0, 1.0}, hi[2] = {1.0, 1.0};
    o.lower = lo;
    CHECK(bo_gpc_create(&o, err, sizeof err) == NULL);
    CHECK(strstr(err, "both lower and upper") != NULL);
    o.upper = hi;
    CHECK(bo_gpc_create(&o, err, sizeof err) == NULL);
    CHECK(strstr(err, "input 1: lower 1") != NULL);

    bo_gpc_options_default(&o, 2);
    bo_gpc *c = bo_gpc_create(&o, err, sizeof err);
    CHECK(c != NULL);
    if (!c)
        return;
    double x[2] = {0.5, 0.5}, p = -1.0;
    CHECK(bo_gpc_predict(c, x, &p, NULL, NULL) == BO_ESTATE);
    CHECK(strstr(bo_gpc_errmsg(c), "before fit") != NULL);
    CHECK(p == -1.0);
    CHECK(bo_gpc_fit(c) == BO_ESTATE);
    CHECK(isnan(bo_gpc_prior_success(c)));
    CHECK(strstr(bo_gpc_errmsg(c), "no data") != NULL);
    double X[6] = {0.1, 0.2, 0.3, NAN, 0.5, 0.6};
    int okv[3] = {1, 0, 1};
    CHECK(bo_gpc_set_data(c, 0, X, okv) == BO_EINVAL);
    CHECK(strstr(bo_gpc_errmsg(c), "no points") != NULL);
    CHECK(bo_gpc_set_data(c, 3, X, okv) == BO_EINVAL);
    CHECK(strstr(bo_gpc_errmsg(c), "row 2, input 2: nan is not finite") != NULL);
    X[3] = 0.4;
    int bad[3] = {1, 2, 0};
    CHECK(bo_gpc_set_data(c, 3, X, bad) == BO_EINVAL);
    CHECK(strstr(bo_gpc_errmsg(c), "row 2: outcome 2") != NULL);
    CHECK(bo_gpc_set_data(c, 3, X, okv) == BO_OK);
    CHECK(bo_gpc_fit(c) == BO_OK);
    x[1] = INFINITY;
    CHECK(bo_gpc_predict(c, x, &p, NULL, NULL) == BO_EINVAL);
    CHECK(strstr(bo_gpc_errmsg(c), "input 2: inf is not finite") != NULL);
    double th[4] = {0.0, NAN, 0.0, 0.0};
    CHECK(bo_gpc_set_hyper(c, th) == BO_EINVAL);
    CHECK(strstr(bo_gpc_errmsg(c), "hyperparameter 1 is not finite") != NULL);
    /* Far out of the box, hyperparameters are clamped into it. */
    double huge[4] = {-100.0, 100.0, 100.0, -100.0}, got[4], blo[4], bhi[4];
    CHECK(bo_gpc_set_hyper(c, huge) == BO_OK);
    bo_gpc_get_hyper(c, got);
    bo_gpc_hyper_bounds(c, blo, bhi);
    CHECK(got[0] == blo[0] && got[1] == bhi[1] && got[2] == bhi[2] && got[3] == blo[3]);
    bo_gpc_destroy(c);
    bo_gpc_destroy(NULL);
}

int main(void)
{
    test_gradients();
    test_against_reference();
    test_fit();
    test_errors();
    return CHECK_DONE();
}
