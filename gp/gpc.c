/* The Laplace GP classifier (gpc.h): the mode by Newton's method (GPML
 * Alg. 3.1), predictions (Alg. 3.2 with the exact probit integral), and the
 * approximate log marginal likelihood with its gradient (Alg. 5.1).
 *
 * Labels are y = +1 (success) and -1 (failure); the likelihood is
 * p(y | f) = Phi(y f). Matrices are row-major; K is kept full (symmetric),
 * L is the lower Cholesky factor of B = I + W^1/2 K W^1/2. */
#include "gp/gpc.h"

#include <cblas.h>
#include <nlopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp/gp_internal.h"

#define GPC_LS_LO (-3.912023005428146)      /* log 0.02 */
#define GPC_LS_HI 2.302585092994046         /* log 10 */
#define GPC_LS_MU (-1.2039728043259361)     /* log 0.3 */
#define GPC_LS_SD 1.0
#define GPC_SIG_LO (-2.995732273553991)     /* log 0.05 */
#define GPC_SIG_HI 5.298317366548036        /* log 200 */
#define GPC_SIG_MU 1.3862943611198906       /* log 4 */
#define GPC_SIG_SD 1.0
#define GPC_MEAN_BOUND 6.0
#define GPC_MEAN_SD 2.0
/* Newton stops when an iteration gains less than this in the objective
 * (relative to 1 + |psi|); the fit's finite differences need the mode far
 * more exact than the predictions do. */
#define GPC_NEWTON_TOL 1e-13
#define GPC_NEWTON_MAX 200

struct bo_gpc {
    bo_gpc_options opt;
    double *offset, *scale;     /* u = (x - offset) / scale */
    char errmsg[256];
    double *theta;              /* dim + 2 */
    size_t n, cap;
    double *U;                  /* n x dim unit-cube inputs */
    double *yl;                 /* n labels, +1 / -1 */
    int conditioned;
    int warm;                   /* a holds a mode to start Newton from */
    double lml;
    /* At the mode: */
    double *w;                  /* dim inverse squared length-scales */
    double sig2, mean;
    double *K, *L, *R, *C;      /* n^2 each; R = W^1/2 B^-1 W^1/2, C scratch */
    double *f, *a, *g, *sw, *d3; /* mode, K^-1 (f - m), dlogp, sqrt W, d3logp */
    double *t1, *t2, *t3;       /* n-vectors */
    double *pk, *pq, *pdg;      /* prediction: k, W^1/2 B^-1 ... k, dr/dd2 */
    double *pu;                 /* dim */
};

static bo_status gpc_fail(bo_gpc *c, bo_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bo_status gpc_fail(bo_gpc *c, bo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

/* log Phi(z) and lambda(z) = phi(z) / Phi(z). erfc keeps its relative
 * accuracy down to z = -37; below -30 the asymptotic series of the Mills
 * ratio is used instead, whose first omitted term is below 1e-10 there. */
static const double LOG_SQRT_2PI = 0.91893853320467274178;
static void log_phi_and_ratio(double z, double *log_cdf, double *ratio)
{
    if (z > -30.0) {
        double cdf = 0.5 * erfc(-z / sqrt(2.0));
        double lc = log(cdf);
        *log_cdf = lc;
        *ratio = exp(-0.5 * z * z - LOG_SQRT_2PI - lc);
        return;
    }
    double iz2 = 1.0 / (z * z);
    double series = 1.0 - iz2 * (1.0 - iz2 * (3.0 - 15.0 * iz2));
    *log_cdf = -0.5 * z * z - LOG_SQRT_2PI - log(-z) + log(series);
    /* lambda = phi / Phi = -z / series */
    *ratio = -z / series;
}

void bo_gpc_options_default(bo_gpc_options *opt, size_t dim)
{
    memset(opt, 0, sizeof *opt);
    opt->dim = dim;
    opt->kernel = BO_KERNEL_MATERN52;
}

static void prior_centre(const bo_gpc *c, double *theta)
{
    for (size_t k = 0; k < c->opt.dim; k++)
        theta[k] = GPC_LS_MU;
    theta[c->opt.dim] = GPC_SIG_MU;
    theta[c->opt.dim + 1] = 0.0;
}

bo_gpc *bo_gpc_create(const bo_gpc_options *opt, char *errbuf, size_t errlen)
{
    if (!opt) {
        bo_msg(errbuf, errlen, "gpc options: NULL");
        return NULL;
    }
    if (opt->dim == 0) {
        bo_msg(errbuf, errlen, "gpc options: dim is 0 (need at least one input)");
        return NULL;
    }
    if (opt->kernel != BO_KERNEL_SQEXP && opt->kernel != BO_KERNEL_MATERN32 &&
        opt->kernel != BO_KERNEL_MATERN52) {
        bo_msg(errbuf, errlen,
               "gpc options: kernel %s is not supported (sqexp, matern32 or matern52)",
               bo_kernel_name(opt->kernel));
        return NULL;
    }
    if ((opt->lower == NULL) != (opt->upper == NULL)) {
        bo_msg(errbuf, errlen, "gpc options: give both lower and upper, or neither");
        return NULL;
    }
    if (opt->lower) {
        for (size_t k = 0; k < opt->dim; k++) {
            double lo = opt->lower[k], hi = opt->upper[k];
            if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {
                bo_msg(errbuf, errlen,
                       "gpc options: input %zu: lower %g must be below upper %g (both finite)",
                       k, lo, hi);
                return NULL;
            }
        }
    }
    bo_gpc *c = calloc(1, sizeof *c);
    if (!c)
        goto oom;
    size_t d = opt->dim;
    c->opt = *opt;
    c->opt.lower = c->opt.upper = NULL; /* the box lives in offset/scale */
    c->offset = malloc(d * sizeof *c->offset);
    c->scale = malloc(d * sizeof *c->scale);
    c->theta = malloc((d + 2) * sizeof *c->theta);
    c->w = malloc(d * sizeof *c->w);
    c->pu = malloc(d * sizeof *c->pu);
    if (!c->offset || !c->scale || !c->theta || !c->w || !c->pu)
        goto oom;
    for (size_t k = 0; k < d; k++) {
        c->offset[k] = opt->lower ? opt->lower[k] : 0.0;
        c->scale[k] = opt->lower ? opt->upper[k] - opt->lower[k] : 1.0;
    }
    prior_centre(c, c->theta);
    return c;
oom:
    bo_gpc_destroy(c);
    bo_msg(errbuf, errlen, "gpc: out of memory");
    return NULL;
}

static void free_data(bo_gpc *c)
{
    double **arrays[] = {&c->U, &c->yl, &c->K, &c->L, &c->R, &c->C, &c->f, &c->a,
                         &c->g, &c->sw, &c->d3, &c->t1, &c->t2, &c->t3, &c->pk, &c->pq,
                         &c->pdg};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        free(*arrays[i]);
        *arrays[i] = NULL;
    }
    c->cap = 0;
}

void bo_gpc_destroy(bo_gpc *c)
{
    if (!c)
        return;
    free_data(c);
    free(c->offset);
    free(c->scale);
    free(c->theta);
    free(c->w);
    free(c->pu);
    free(c);
}

const char *bo_gpc_errmsg(const bo_gpc *c)
{
    return c ? c->errmsg : "";
}

static bo_status reserve(bo_gpc *c, size_t n)
{
    if (n <= c->cap)
        return BO_OK;
    free_data(c);
    size_t d = c->opt.dim;
    if (n > ((size_t)-1) / sizeof(double) / (n > d ? n : d))
        return gpc_fail(c, BO_ENOMEM, "gpc: %zu points are too many", n);
    double **sq[] = {&c->K, &c->L, &c->R, &c->C};
    for (size_t i = 0; i < 4; i++)
        if (!(*sq[i] = malloc(n * n * sizeof(double))))
            goto oom;
    double **vec[] = {&c->yl, &c->f, &c->a, &c->g, &c->sw, &c->d3, &c->t1, &c->t2,
                      &c->t3, &c->pk, &c->pq, &c->pdg};
    for (size_t i = 0; i < sizeof vec / sizeof vec[0]; i++)
        if (!(*vec[i] = malloc(n * sizeof(double))))
            goto oom;
    if (!(c->U = malloc(n * d * sizeof(double))))
        goto oom;
    c->cap = n;
    return BO_OK;
oom:
    free_data(c);
    return gpc_fail(c, BO_ENOMEM, "gpc: out of memory for %zu points", n);
}

bo_status bo_gpc_set_data(bo_gpc *c, size_t n, const double *X, const int *success)
{
    if (!c)
        return BO_EINVAL;
    c->errmsg[0] = '\0';
    c->conditioned = 0;
    if (n == 0)
        return gpc_fail(c, BO_EINVAL, "gpc data: no points (need at least one)");
    if (!X || !success)
        return gpc_fail(c, BO_EINVAL, "gpc data: points and outcomes are required");
    size_t d = c->opt.dim;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++)
            if (!isfinite(X[i * d + k]))
                return gpc_fail(c, BO_EINVAL, "gpc data: row %zu, input %zu: %g is not finite",
                                i + 1, k + 1, X[i * d + k]);
        if (success[i] != 0 && success[i] != 1)
            return gpc_fail(c, BO_EINVAL,
                            "gpc data: row %zu: outcome %d is neither 1 (success) nor 0 (failure)",
                            i + 1, success[i]);
    }
    bo_status st = reserve(c, n);
    if (st != BO_OK)
        return st;
    c->n = n;
    c->warm = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++)
            c->U[i * d + k] = (X[i * d + k] - c->offset[k]) / c->scale[k];
        c->yl[i] = success[i] ? 1.0 : -1.0;
    }
    return BO_OK;
}

size_t bo_gpc_n_hyper(const bo_gpc *c)
{
    return c->opt.dim + 2;
}

void bo_gpc_get_hyper(const bo_gpc *c, double *theta)
{
    memcpy(theta, c->theta, (c->opt.dim + 2) * sizeof *theta);
}

void bo_gpc_hyper_bounds(const bo_gpc *c, double *lower, double *upper)
{
    size_t d = c->opt.dim;
    for (size_t k = 0; k < d; k++) {
        lower[k] = GPC_LS_LO;
        upper[k] = GPC_LS_HI;
    }
    lower[d] = GPC_SIG_LO;
    upper[d] = GPC_SIG_HI;
    lower[d + 1] = -GPC_MEAN_BOUND;
    upper[d + 1] = GPC_MEAN_BOUND;
}

static double sq_dist(const bo_gpc *c, const double *u, const double *v)
{
    double d2 = 0.0;
    for (size_t k = 0; k < c->opt.dim; k++) {
        double t = u[k] - v[k];
        d2 += c->w[k] * t * t;
    }
    return d2;
}

/* Unpacks theta and builds K. */
static void build_kernel(bo_gpc *c, const double *theta)
{
    size_t d = c->opt.dim, n = c->n;
    for (size_t k = 0; k < d; k++)
        c->w[k] = exp(-2.0 * theta[k]);
    c->sig2 = exp(theta[d]);
    c->mean = theta[d + 1];
    for (size_t i = 0; i < n; i++) {
        c->K[i * n + i] = c->sig2;
        for (size_t j = 0; j < i; j++) {
            double dg;
            double kij = c->sig2 * bo_gpi_kernel(c->opt.kernel,
                                                 sq_dist(c, c->U + i * d, c->U + j * d), &dg);
            c->K[i * n + j] = c->K[j * n + i] = kij;
        }
    }
}

/* Derivatives of log p(y_i | f_i) at the current f: g, W (as sqrt in sw),
 * the third derivative d3; returns sum log p. */
static double likelihood_terms(bo_gpc *c)
{
    double sum = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        double y = c->yl[i], z = y * c->f[i], lc, lam;
        log_phi_and_ratio(z, &lc, &lam);
        sum += lc;
        c->g[i] = y * lam;
        double W = lam * (lam + z);
        c->sw[i] = sqrt(fmax(W, 0.0));
        c->d3[i] = y * (lam * (z + lam) * (z + 2.0 * lam) - lam);
    }
    return sum;
}

/* L = chol(I + sw K sw); 0, or LAPACK's info. */
static int factor_b(bo_gpc *c)
{
    size_t n = c->n;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j <= i; j++)
            c->L[i * n + j] = (i == j ? 1.0 : 0.0) + c->sw[i] * c->K[i * n + j] * c->sw[j];
        for (size_t j = i + 1; j < n; j++)
            c->L[i * n + j] = 0.0;
    }
    return bo_gpi_potrf(c->L, n, n);
}

/* x <- B^-1 x with B = L L^T. */
static void solve_b(const bo_gpc *c, double *x)
{
    int n = (int)c->n;
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, n, c->L, n, x, 1);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, n, c->L, n, x, 1);
}

/* psi(a) = -a^T (f - m) / 2 + sum log p, with f = m + K a. */
static double psi_at(bo_gpc *c, const double *a)
{
    size_t n = c->n;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, c->K, (int)n, a, 1, 0.0,
                c->f, 1);
    double quad = 0.0;
    for (size_t i = 0; i < n; i++) {
        quad += a[i] * c->f[i];
        c->f[i] += c->mean;
    }
    return -0.5 * quad + likelihood_terms(c);
}

/* Newton's method for the mode (GPML Alg. 3.1) at theta; on success the
 * handle holds f, a, g, sw, d3, L at the mode and the log marginal
 * likelihood. The objective is concave in f (log Phi is log-concave), so
 * the step is halved only when an iteration overshoots. */
static bo_status find_mode(bo_gpc *c, const double *theta)
{
    size_t n = c->n;
    c->conditioned = 0;
    build_kernel(c, theta);
    double *a = c->a, *a_new = c->t1, *b = c->t2;
    /* Within a fit, the previous theta's mode is a far better start than
     * the prior mean (nearby thetas have nearby modes); the fit resets it,
     * so a fit is still a function of the data alone. */
    if (!c->warm)
        memset(a, 0, n * sizeof *a);
    c->warm = 0;
    double psi = psi_at(c, a);
    int converged = 0;
    for (int it = 0; it < GPC_NEWTON_MAX && !converged; it++) {
        /* f, g and sw are those of a. */
        if (factor_b(c) != 0)
            return gpc_fail(c, BO_ENUMERIC, "gpc: B is not positive definite");
        for (size_t i = 0; i < n; i++)
            b[i] = c->sw[i] * c->sw[i] * (c->f[i] - c->mean) + c->g[i];
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, c->K, (int)n, b, 1, 0.0,
                    a_new, 1);
        for (size_t i = 0; i < n; i++)
            a_new[i] *= c->sw[i];
        solve_b(c, a_new);
        for (size_t i = 0; i < n; i++)
            a_new[i] = b[i] - c->sw[i] * a_new[i];
        double psi_new = psi_at(c, a_new);
        /* Near the mode the gain is below rounding: a step that loses no
         * more than rounding is taken (Newton's step is exact there). */
        double slack = 1e-13 * (1.0 + fabs(psi));
        for (int half = 0; half < 30 && !(psi_new >= psi - slack); half++) {
            for (size_t i = 0; i < n; i++)
                a_new[i] = 0.5 * (a[i] + a_new[i]);
            psi_new = psi_at(c, a_new);
        }
        if (!isfinite(psi_new))
            return gpc_fail(c, BO_ENUMERIC, "gpc: the Laplace objective is not finite");
        /* The gain is quadratic in the distance to the mode, so a small
         * gain alone can stop a warm start 1e-6 away, where log|B| is
         * still off at first order: the step must be small too. */
        double step = 0.0, size = 0.0;
        for (size_t i = 0; i < n; i++) {
            step = fmax(step, fabs(a_new[i] - a[i]));
            size = fmax(size, fabs(a[i]));
        }
        converged = psi_new - psi <= GPC_NEWTON_TOL * (1.0 + fabs(psi)) &&
                    step <= 1e-10 * (1.0 + size);
        if (psi_new >= psi - slack) {
            memcpy(a, a_new, n * sizeof *a);
            psi = psi_new;
        } else {
            converged = 1; /* no halving gained: a is the mode to rounding */
        }
    }
    if (!converged)
        return gpc_fail(c, BO_ENUMERIC, "gpc: Newton's method did not converge in %d steps",
                        GPC_NEWTON_MAX);
    psi = psi_at(c, a);
    if (factor_b(c) != 0)
        return gpc_fail(c, BO_ENUMERIC, "gpc: B is not positive definite at the mode");
    double logdet_half = 0.0;
    for (size_t i = 0; i < n; i++)
        logdet_half += log(c->L[i * n + i]);
    c->lml = psi - logdet_half;
    c->conditioned = 1;
    c->warm = 1;
    return BO_OK;
}

static void prior_terms(const bo_gpc *c, const double *theta, double *value, double *grad)
{
    size_t d = c->opt.dim;
    double v = 0.0;
    for (size_t k = 0; k < d + 2; k++) {
        double mu = k < d ? GPC_LS_MU : k == d ? GPC_SIG_MU : 0.0;
        double sd = k < d ? GPC_LS_SD : k == d ? GPC_SIG_SD : GPC_MEAN_SD;
        double t = (theta[k] - mu) / sd;
        v += 0.5 * t * t;
        if (grad)
            grad[k] = t / sd;
    }
    *value = v;
}

/* Gradient of log q with respect to theta at the mode (GPML Alg. 5.1); grad
 * receives minus it. */
static void lml_gradient(bo_gpc *c, double *grad)
{
    size_t n = c->n, d = c->opt.dim;
    int ni = (int)n;
    /* R = sw B^-1 sw: C = L^-1 diag(sw), R = C^T C. */
    memset(c->C, 0, n * n * sizeof *c->C);
    for (size_t i = 0; i < n; i++)
        c->C[i * n + i] = c->sw[i];
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, ni, ni, 1.0,
                c->L, ni, c->C, ni);
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, ni, ni, 1.0, c->C, ni, 0.0, c->R, ni);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            c->R[j * n + i] = c->R[i * n + j];
    /* s2 = 1/2 diag(Sigma) d3, Sigma = (K^-1 + W)^-1 = K - K R K: the change
     * of -1/2 log|B| with the mode (a W that grows with f_i shrinks the
     * log-determinant). diag(K R K)_i = (K R K)_ii, through C = L^-1 sw K. */
    memcpy(c->C, c->K, n * n * sizeof *c->C);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            c->C[i * n + j] *= c->sw[i];
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, ni, ni, 1.0,
                c->L, ni, c->C, ni);
    double *s2 = c->t1, *bvec = c->t2, *tmp = c->t3;
    for (size_t i = 0; i < n; i++)
        s2[i] = 0.0;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < n; i++)
            s2[i] += c->C[r * n + i] * c->C[r * n + i];
    for (size_t i = 0; i < n; i++)
        s2[i] = 0.5 * (c->K[i * n + i] - s2[i]) * c->d3[i];

    /* Kernel parameters: dK/dtheta_j applied implicitly, one pass each. */
    for (size_t p = 0; p < d + 1; p++) {
        double s1_quad = 0.0, s1_trace = 0.0;
        memset(bvec, 0, n * sizeof *bvec);
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j <= i; j++) {
                double dK;
                if (p == d) {
                    dK = c->K[i * n + j];
                } else if (i == j) {
                    dK = 0.0;
                } else {
                    double t = c->U[i * d + p] - c->U[j * d + p], dg;
                    double d2 = sq_dist(c, c->U + i * d, c->U + j * d);
                    (void)bo_gpi_kernel(c->opt.kernel, d2, &dg);
                    dK = c->sig2 * dg * t * t * (-2.0 * c->w[p]);
                }
                double sym = i == j ? 1.0 : 2.0;
                s1_quad += sym * c->a[i] * dK * c->a[j];
                s1_trace += sym * c->R[i * n + j] * dK;
                bvec[i] += dK * c->g[j];
                if (i != j)
                    bvec[j] += dK * c->g[i];
            }
        }
        double s1 = 0.5 * s1_quad - 0.5 * s1_trace;
        /* s3 = b - K R b: the mode's change, (I + K W)^-1 dK g. */
        cblas_dgemv(CblasRowMajor, CblasNoTrans, ni, ni, 1.0, c->R, ni, bvec, 1, 0.0, tmp, 1);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, ni, ni, -1.0, c->K, ni, tmp, 1, 1.0, bvec, 1);
        grad[p] = -(s1 + cblas_ddot(ni, s2, 1, bvec, 1));
    }
    /* The mean: explicitly 1^T a; the mode moves by (I + K W)^-1 1. */
    for (size_t i = 0; i < n; i++)
        bvec[i] = 1.0;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, ni, ni, 1.0, c->R, ni, bvec, 1, 0.0, tmp, 1);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, ni, ni, -1.0, c->K, ni, tmp, 1, 1.0, bvec, 1);
    double sum_a = 0.0;
    for (size_t i = 0; i < n; i++)
        sum_a += c->a[i];
    grad[d + 1] = -(sum_a + cblas_ddot(ni, s2, 1, bvec, 1));
}

double bo_gpc_neg_log_posterior(bo_gpc *c, const double *theta, double *grad)
{
    if (c->n == 0) {
        gpc_fail(c, BO_ESTATE, "gpc: no data");
        return NAN;
    }
    if (find_mode(c, theta) != BO_OK)
        return NAN;
    double prior;
    prior_terms(c, theta, &prior, grad);
    if (grad) {
        size_t nh = c->opt.dim + 2;
        double lik[nh];
        lml_gradient(c, lik);
        for (size_t k = 0; k < nh; k++)
            grad[k] += lik[k];
    }
    return -c->lml + prior;
}

double bo_gpc_log_marginal_likelihood(const bo_gpc *c)
{
    return c && c->conditioned ? c->lml : NAN;
}

typedef struct fit_ctx {
    bo_gpc *c;
    int failed;
} fit_ctx;

static double nlopt_objective(unsigned nh, const double *x, double *grad, void *data)
{
    fit_ctx *fc = data;
    double v = bo_gpc_neg_log_posterior(fc->c, x, grad);
    if (!isfinite(v)) {
        /* Steer L-BFGS away without stopping it. */
        fc->failed = 1;
        if (grad)
            memset(grad, 0, nh * sizeof *grad);
        return 1e300;
    }
    return v;
}

bo_status bo_gpc_fit(bo_gpc *c)
{
    if (!c)
        return BO_EINVAL;
    c->errmsg[0] = '\0';
    if (c->n == 0)
        return gpc_fail(c, BO_ESTATE, "gpc fit: no data");
    size_t d = c->opt.dim, nh = d + 2;
    double lo[nh], hi[nh], x[nh], best_x[nh];
    bo_gpc_hyper_bounds(c, lo, hi);
    /* The mean's start: the probit of the (smoothed) success rate, scaled by
     * sqrt(1 + sigma^2) so that the prior predictive matches it. */
    size_t n_ok = 0;
    for (size_t i = 0; i < c->n; i++)
        n_ok += c->yl[i] > 0.0;
    double rate = ((double)n_ok + 0.5) / ((double)c->n + 1.0);
    /* Phi^-1 by bisection: once per fit, and gp/ has no inverse normal. */
    double zlo = -8.0, zhi = 8.0;
    for (int it = 0; it < 60; it++) {
        double zm = 0.5 * (zlo + zhi);
        if (0.5 * erfc(-zm / sqrt(2.0)) < rate)
            zlo = zm;
        else
            zhi = zm;
    }
    double m0 = 0.5 * (zlo + zhi) * sqrt(1.0 + exp(GPC_SIG_MU));
    m0 = fmax(-GPC_MEAN_BOUND, fmin(GPC_MEAN_BOUND, m0));
    static const double start_ls[] = {GPC_LS_MU, -2.302585092994046 /* log 0.1 */,
                                      0.0 /* log 1 */};
    double best = HUGE_VAL;
    for (size_t s = 0; s < sizeof start_ls / sizeof start_ls[0]; s++) {
        c->warm = 0; /* each start from the prior mean's mode, whatever came before */
        for (size_t k = 0; k < d; k++)
            x[k] = start_ls[s];
        x[d] = GPC_SIG_MU;
        x[d + 1] = m0;
        nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nh);
        if (!o)
            return gpc_fail(c, BO_ENOMEM, "gpc fit: out of memory");
        fit_ctx fc = {c, 0};
        nlopt_set_lower_bounds(o, lo);
        nlopt_set_upper_bounds(o, hi);
        nlopt_set_min_objective(o, nlopt_objective, &fc);
        /* P(success) needs the hyperparameters to a few digits, not to the
         * optimiser's precision: 1e-8 in the objective is far below what
         * moves a probability, and keeps the fit at n = 400 in seconds. */
        nlopt_set_maxeval(o, 200);
        nlopt_set_ftol_rel(o, 1e-8);
        nlopt_set_xtol_rel(o, 1e-6);
        double f = HUGE_VAL;
        (void)nlopt_optimize(o, x, &f);
        nlopt_destroy(o);
        if (isfinite(f) && f < 1e300 && f < best) {
            best = f;
            memcpy(best_x, x, sizeof best_x);
        }
    }
    if (!(best < HUGE_VAL))
        return gpc_fail(c, BO_ENUMERIC, "gpc fit: no start could be evaluated: %s", c->errmsg);
    memcpy(c->theta, best_x, nh * sizeof *c->theta);
    c->warm = 0;
    return bo_gpc_condition(c);
}

bo_status bo_gpc_condition(bo_gpc *c)
{
    if (!c)
        return BO_EINVAL;
    if (c->n == 0)
        return gpc_fail(c, BO_ESTATE, "gpc: no data");
    return find_mode(c, c->theta);
}

bo_status bo_gpc_set_hyper(bo_gpc *c, const double *theta)
{
    size_t nh = c->opt.dim + 2;
    double lo[nh], hi[nh];
    bo_gpc_hyper_bounds(c, lo, hi);
    for (size_t k = 0; k < nh; k++) {
        if (!isfinite(theta[k]))
            return gpc_fail(c, BO_EINVAL, "gpc: hyperparameter %zu is not finite", k);
        c->theta[k] = fmin(hi[k], fmax(lo[k], theta[k]));
    }
    if (c->n == 0) {
        c->conditioned = 0;
        return BO_OK;
    }
    return bo_gpc_condition(c);
}

size_t bo_gpc_n(const bo_gpc *c)
{
    return c->n;
}

double bo_gpc_mode(const bo_gpc *c, size_t i)
{
    return c->conditioned && i < c->n ? c->f[i] : NAN;
}

void bo_gpc_lengthscales(const bo_gpc *c, double *ell)
{
    for (size_t k = 0; k < c->opt.dim; k++)
        ell[k] = exp(c->theta[k]) * c->scale[k];
}

double bo_gpc_prior_success(const bo_gpc *c)
{
    if (!c || !c->conditioned)
        return NAN;
    return 0.5 * erfc(-(c->mean / sqrt(1.0 + c->sig2)) / sqrt(2.0));
}

/* Latent mean and variance at x, leaving k, dr/dd2 and q = sw B^-1 sw k in
 * the prediction workspaces for the gradient. */
static bo_status latent_at(bo_gpc *c, const double *x, double *mean, double *var)
{
    if (!c->conditioned)
        return gpc_fail(c, BO_ESTATE, "gpc: predict before fit or condition");
    size_t d = c->opt.dim, n = c->n;
    for (size_t k = 0; k < d; k++) {
        if (!isfinite(x[k]))
            return gpc_fail(c, BO_EINVAL, "gpc predict: input %zu: %g is not finite", k + 1,
                            x[k]);
        c->pu[k] = (x[k] - c->offset[k]) / c->scale[k];
    }
    double mu = c->mean;
    for (size_t i = 0; i < n; i++) {
        double dg;
        c->pk[i] = c->sig2 * bo_gpi_kernel(c->opt.kernel, sq_dist(c, c->pu, c->U + i * d), &dg);
        c->pdg[i] = c->sig2 * dg;
        mu += c->pk[i] * c->g[i];
        c->pq[i] = c->sw[i] * c->pk[i];
    }
    int ni = (int)n;
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, ni, c->L, ni, c->pq, 1);
    double vv = cblas_ddot(ni, c->pq, 1, c->pq, 1);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, ni, c->L, ni, c->pq, 1);
    for (size_t i = 0; i < n; i++)
        c->pq[i] *= c->sw[i];
    *mean = mu;
    *var = fmax(c->sig2 - vv, 0.0);
    return BO_OK;
}

bo_status bo_gpc_latent(bo_gpc *c, const double *x, double *mean, double *var)
{
    double m, v;
    bo_status st = latent_at(c, x, &m, &v);
    if (st != BO_OK)
        return st;
    if (mean)
        *mean = m;
    if (var)
        *var = v;
    return BO_OK;
}

bo_status bo_gpc_predict(bo_gpc *c, const double *x, double *p_success, double *log_p,
                         double *dlog_p)
{
    double mu, var;
    bo_status st = latent_at(c, x, &mu, &var);
    if (st != BO_OK)
        return st;
    double s = sqrt(1.0 + var), z = mu / s, lc, lam;
    log_phi_and_ratio(z, &lc, &lam);
    if (p_success)
        *p_success = exp(lc);
    if (log_p)
        *log_p = lc;
    if (dlog_p) {
        size_t d = c->opt.dim, n = c->n;
        for (size_t k = 0; k < d; k++) {
            /* dk_i/du_k = sig2 r'(d2) 2 w_k (u_k - U_ik); var = sig2 - k^T q-ish,
             * dvar = -2 dk^T q. */
            double dmu = 0.0, dvar = 0.0;
            for (size_t i = 0; i < n; i++) {
                double dk = c->pdg[i] * 2.0 * c->w[k] * (c->pu[k] - c->U[i * d + k]);
                dmu += dk * c->g[i];
                dvar += -2.0 * dk * c->pq[i];
            }
            double dz = dmu / s - 0.5 * mu * dvar / (s * s * s);
            dlog_p[k] = lam * dz / c->scale[k];
        }
    }
    return BO_OK;
}
