/* Predictions from the conditioned model, posterior samples, one-point
 * updates and accuracy metrics.
 *
 * Everything here works from the cached factor L and alpha: a single point
 * costs one O(n d) cross-covariance and one or two O(n^2) triangular solves;
 * a block of points uses one level-3 solve. Workspaces live in the handle,
 * so predictions do not allocate. */
#include "gp/gp_internal.h"
#include "gp/rng.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

static bo_status check_predict(bo_gp *gp, const double *x, size_t source, const char *what)
{
    gp->errmsg[0] = '\0';
    if (!gp->conditioned)
        return bo_gpi_fail(gp, BO_ESTATE, "gp %s: the model is not fitted or conditioned", what);
    if (source >= gp->opt.n_sources)
        return bo_gpi_fail(gp, BO_EINVAL, "gp %s: source %zu not below n_sources %zu", what,
                           source, gp->opt.n_sources);
    if (x) {
        for (size_t k = 0; k < gp->opt.dim; k++)
            if (!isfinite(x[k]))
                return bo_gpi_fail(gp, BO_EINVAL, "gp %s: x[%zu] = %g is not finite", what, k,
                                   x[k]);
        size_t bad;
        if (bo_gpi_levels(gp, x, gp->plev, &bad) != 0) {
            char where[64];
            snprintf(where, sizeof where, "gp %s", what);
            return bo_gpi_level_error(gp, where, x, bad);
        }
    }
    return BO_OK;
}

/* k_i = cov(f(u, s, lev), f(u_i, s_i, lev_i)) for the first n rows (lev: the
 * point's latent-map levels, unused without categorical inputs), and when J
 * is not NULL its gradient dk_i/du (n x dc). */
/* Refuses a block of m points with a coordinate that is not finite or a
 * categorical value that is not one of the input's levels; what names the
 * caller in the message. */
static bo_status check_points(bo_gp *gp, const char *what, size_t m, const double *X)
{
    size_t d = gp->opt.dim;
    for (size_t j = 0; j < m * d; j++)
        if (!isfinite(X[j]))
            return bo_gpi_fail(gp, BO_EINVAL, "%s: point %zu: x[%zu] = %g is not finite", what,
                               j / d, j % d, X[j]);
    for (size_t j = 0; j < m; j++) {
        size_t bad;
        if (bo_gpi_levels(gp, X + j * d, gp->plev, &bad) != 0) {
            char where[64];
            snprintf(where, sizeof where, "%s: point %zu", what, j);
            return bo_gpi_level_error(gp, where, X + j * d, bad);
        }
    }
    return BO_OK;
}

static void cross_cov(const bo_gp *gp, size_t n, const double *u, size_t s, const size_t *lev,
                      double *k, double *J)
{
    size_t d = gp->dc, S = gp->opt.n_sources, nf = gp->n_fac;
    const bo_gpi_params *P = &gp->cur;
    const double *lat = P->lat + s * S;
    bo_kernel_kind kind = gp->opt.kernel;
    for (size_t i = 0; i < n; i++) {
        const double *ui = gp->U + i * d;
        double d2 = 0.0, dg;
        for (size_t q = 0; q < d; q++) {
            double du = u[q] - ui[q];
            d2 += P->w[q] * du * du;
        }
        double c = P->sig2 * lat[gp->src[i]];
        if (nf > 0)
            c *= bo_gpi_cat_factor(gp, P, lev, gp->lev + i * nf);
        k[i] = c * bo_gpi_kernel(kind, d2, &dg);
        if (J)
            for (size_t q = 0; q < d; q++)
                J[i * d + q] = c * dg * 2.0 * P->w[q] * (u[q] - ui[q]);
    }
}

static double dot(size_t n, const double *a, const double *b)
{
    return cblas_ddot((int)n, a, 1, b, 1);
}

bo_status bo_gp_predict(bo_gp *gp, const double *x, size_t source, double *mean,
                        double *var_f, double *var_y)
{
    bo_status st = check_predict(gp, x, source, "predict");
    if (st != BO_OK)
        return st;
    size_t n = gp->n;
    double ysd = gp->y_sd;
    bo_gpi_scale_x(gp, x, gp->pu);
    cross_cov(gp, n, gp->pu, source, gp->plev, gp->pk, NULL);
    if (mean)
        *mean = gp->y_mean + ysd * (gp->cur.mean[source] + dot(n, gp->pk, gp->alpha));
    if (var_f || var_y) {
        memcpy(gp->pv, gp->pk, n * sizeof *gp->pv);
        cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L,
                    (int)gp->ldl, gp->pv, 1);
        double v = fmax(gp->cur.sig2 - dot(n, gp->pv, gp->pv), 0.0) * ysd * ysd;
        if (var_f)
            *var_f = v;
        if (var_y)
            *var_y = v + gp->cur.noise[source] * ysd * ysd;
    }
    return BO_OK;
}

bo_status bo_gp_predict_block(bo_gp *gp, size_t m, const double *X, size_t source,
                              double *mean, double *var_f, double *var_y)
{
    bo_status st = check_predict(gp, NULL, source, "predict_block");
    if (st != BO_OK)
        return st;
    size_t n = gp->n, d = gp->opt.dim, S = gp->opt.n_sources, dc = gp->dc, nf = gp->n_fac;
    st = check_points(gp, "gp predict_block", m, X);
    if (st != BO_OK)
        return st;
    const bo_gpi_params *P = &gp->cur;
    const double *lat = P->lat + source * S;
    bo_kernel_kind kind = gp->opt.kernel;
    double ysd = gp->y_sd;
    double *mu = gp->blk_acc, *vv = gp->blk_acc + BO_GPI_BLOCK;
    for (size_t j0 = 0; j0 < m; j0 += BO_GPI_BLOCK) {
        size_t mb = m - j0 < BO_GPI_BLOCK ? m - j0 : BO_GPI_BLOCK;
        for (size_t j = 0; j < mb; j++) {
            size_t bad;
            bo_gpi_scale_x(gp, X + (j0 + j) * d, gp->blk_u + j * dc);
            if (nf > 0)
                (void)bo_gpi_levels(gp, X + (j0 + j) * d, gp->blk_lev + j * nf, &bad);
        }
        for (size_t i = 0; i < n; i++) {
            const double *ui = gp->U + i * dc;
            double c = P->sig2 * lat[gp->src[i]], dg;
            double *row = gp->blk + i * mb;
            for (size_t j = 0; j < mb; j++) {
                const double *uj = gp->blk_u + j * dc;
                double d2 = 0.0;
                for (size_t q = 0; q < dc; q++) {
                    double du = uj[q] - ui[q];
                    d2 += P->w[q] * du * du;
                }
                if (nf > 0)
                    row[j] = c * bo_gpi_cat_factor(gp, P, gp->blk_lev + j * nf, gp->lev + i * nf) *
                             bo_gpi_kernel(kind, d2, &dg);
                else
                    row[j] = c * bo_gpi_kernel(kind, d2, &dg);
            }
        }
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)mb, 1.0, gp->blk, (int)mb,
                    gp->alpha, 1, 0.0, mu, 1);
        if (var_f || var_y) {
            cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit,
                        (int)n, (int)mb, 1.0, gp->L, (int)gp->ldl, gp->blk, (int)mb);
            for (size_t j = 0; j < mb; j++)
                vv[j] = 0.0;
            for (size_t i = 0; i < n; i++) {
                const double *row = gp->blk + i * mb;
                for (size_t j = 0; j < mb; j++)
                    vv[j] += row[j] * row[j];
            }
        }
        for (size_t j = 0; j < mb; j++) {
            if (mean)
                mean[j0 + j] = gp->y_mean + ysd * (P->mean[source] + mu[j]);
            double v = (var_f || var_y) ? fmax(P->sig2 - vv[j], 0.0) * ysd * ysd : 0.0;
            if (var_f)
                var_f[j0 + j] = v;
            if (var_y)
                var_y[j0 + j] = v + P->noise[source] * ysd * ysd;
        }
    }
    return BO_OK;
}

bo_status bo_gp_predict_grad(bo_gp *gp, const double *x, size_t source, double *mean,
                             double *var_f, double *dmean, double *dvar_f)
{
    bo_status st = check_predict(gp, x, source, "predict_grad");
    if (st != BO_OK)
        return st;
    size_t n = gp->n, d = gp->dc;
    double ysd = gp->y_sd;
    bo_gpi_scale_x(gp, x, gp->pu);
    cross_cov(gp, n, gp->pu, source, gp->plev, gp->pk, gp->pJ);
    if (mean)
        *mean = gp->y_mean + ysd * (gp->cur.mean[source] + dot(n, gp->pk, gp->alpha));
    if (dmean) {
        for (size_t v = 0; v < gp->nc; v++)
            dmean[gp->cat_col[v]] = 0.0;
        if (d > 0)
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1.0, gp->pJ, (int)d,
                        gp->alpha, 1, 0.0, gp->pd, 1);
        for (size_t q = 0; q < d; q++)
            dmean[gp->cont_col[q]] = ysd * gp->pd[q] / gp->scale[q];
    }
    if (var_f || dvar_f) {
        memcpy(gp->pv, gp->pk, n * sizeof *gp->pv);
        cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L,
                    (int)gp->ldl, gp->pv, 1);
        if (var_f)
            *var_f = fmax(gp->cur.sig2 - dot(n, gp->pv, gp->pv), 0.0) * ysd * ysd;
        if (dvar_f) {
            /* d var / du = -2 J' K^-1 k, with K^-1 k = L^-T (L^-1 k). */
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)n, gp->L,
                        (int)gp->ldl, gp->pv, 1);
            for (size_t v = 0; v < gp->nc; v++)
                dvar_f[gp->cat_col[v]] = 0.0;
            if (d > 0)
                cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, -2.0, gp->pJ, (int)d,
                            gp->pv, 1, 0.0, gp->pd, 1);
            for (size_t q = 0; q < d; q++)
                dvar_f[gp->cont_col[q]] = ysd * ysd * gp->pd[q] / gp->scale[q];
        }
    }
    return BO_OK;
}

bo_status bo_gp_predict_gradient_dist(bo_gp *gp, const double *x, size_t source,
                                      double *grad_mean, double *grad_cov)
{
    bo_status st = check_predict(gp, x, source, "predict_gradient_dist");
    if (st != BO_OK)
        return st;
    size_t n = gp->n, d = gp->dc, dim = gp->opt.dim;
    double ysd = gp->y_sd;
    bo_gpi_scale_x(gp, x, gp->pu);
    cross_cov(gp, n, gp->pu, source, gp->plev, gp->pk, gp->pJ);
    if (grad_mean) {
        for (size_t v = 0; v < gp->nc; v++)
            grad_mean[gp->cat_col[v]] = 0.0;
        if (d > 0)
            cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)d, 1.0, gp->pJ, (int)d,
                        gp->alpha, 1, 0.0, gp->pd, 1);
        for (size_t q = 0; q < d; q++)
            grad_mean[gp->cont_col[q]] = ysd * gp->pd[q] / gp->scale[q];
    }
    if (grad_cov && gp->nc > 0) {
        /* The continuous inputs' block, computed as below into pG, then
         * spread over the dim x dim matrix with zeros for categorical ones. */
        memset(grad_cov, 0, dim * dim * sizeof *grad_cov);
        if (d == 0)
            return BO_OK;
        memcpy(gp->pZ, gp->pJ, n * d * sizeof *gp->pZ);
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)n,
                    (int)d, 1.0, gp->L, (int)gp->ldl, gp->pZ, (int)d);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d, (int)n, -1.0,
                    gp->pZ, (int)d, gp->pZ, (int)d, 0.0, gp->pG, (int)d);
        double dg0 = bo_gpi_kernel_dg0(gp->opt.kernel);
        for (size_t a = 0; a < d; a++) {
            gp->pG[a * d + a] += -2.0 * gp->cur.sig2 * dg0 * gp->cur.w[a];
            for (size_t b = 0; b < d; b++)
                grad_cov[gp->cont_col[a] * dim + gp->cont_col[b]] =
                    gp->pG[a * d + b] * ysd * ysd / (gp->scale[a] * gp->scale[b]);
        }
    } else if (grad_cov) {
        /* Prior: d^2 k / du_a du'_b at u = u' is -2 sig2 r'(0) w_a delta_ab;
         * the data remove J' K^-1 J = Z'Z with Z = L^-1 J. */
        memcpy(gp->pZ, gp->pJ, n * d * sizeof *gp->pZ);
        cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)n,
                    (int)d, 1.0, gp->L, (int)gp->ldl, gp->pZ, (int)d);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d, (int)d, (int)n, -1.0,
                    gp->pZ, (int)d, gp->pZ, (int)d, 0.0, grad_cov, (int)d);
        double dg0 = bo_gpi_kernel_dg0(gp->opt.kernel);
        for (size_t a = 0; a < d; a++) {
            grad_cov[a * d + a] += -2.0 * gp->cur.sig2 * dg0 * gp->cur.w[a];
            for (size_t b = 0; b < d; b++)
                grad_cov[a * d + b] *= ysd * ysd / (gp->scale[a] * gp->scale[b]);
        }
    }
    return BO_OK;
}

bo_status bo_gp_sample(bo_gp *gp, size_t m, const double *X, size_t source, size_t n_samples,
                       uint64_t seed, double *out)
{
    bo_status st = check_predict(gp, NULL, source, "sample");
    if (st != BO_OK)
        return st;
    size_t n = gp->n, d = gp->opt.dim, dc = gp->dc, nf = gp->n_fac;
    if (m == 0 || n_samples == 0)
        return BO_OK;
    st = check_points(gp, "gp sample", m, X);
    if (st != BO_OK)
        return st;
    /* Samples are not on the hot path: one allocation per call. */
    double *Ks = malloc((n * m + m + 2 * m * m + m * d) * sizeof *Ks);
    double *Z = malloc(n_samples * m * sizeof *Z);
    size_t *Ls = nf > 0 ? malloc(m * nf * sizeof *Ls) : NULL;
    if (!Ks || !Z || (nf > 0 && !Ls)) {
        free(Ks);
        free(Z);
        free(Ls);
        return bo_gpi_fail(gp, BO_ENOMEM, "gp sample: out of memory for %zu points", m);
    }
    double *mu = Ks + n * m, *C = mu + m, *Cf = C + m * m, *Us = Cf + m * m;
    const bo_gpi_params *P = &gp->cur;
    bo_kernel_kind kind = gp->opt.kernel;
    for (size_t j = 0; j < m; j++) {
        size_t bad;
        bo_gpi_scale_x(gp, X + j * d, Us + j * dc);
        if (nf > 0)
            (void)bo_gpi_levels(gp, X + j * d, Ls + j * nf, &bad);
    }
    for (size_t j = 0; j < m; j++) {
        cross_cov(gp, n, Us + j * dc, source, Ls ? Ls + j * nf : NULL, gp->pk, NULL);
        for (size_t i = 0; i < n; i++)
            Ks[i * m + j] = gp->pk[i];
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)m, 1.0, Ks, (int)m, gp->alpha, 1, 0.0,
                mu, 1);
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)n,
                (int)m, 1.0, gp->L, (int)gp->ldl, Ks, (int)m);
    for (size_t a = 0; a < m; a++) {
        for (size_t b = 0; b < a; b++) {
            double d2 = 0.0, dg;
            for (size_t q = 0; q < dc; q++) {
                double du = Us[a * dc + q] - Us[b * dc + q];
                d2 += P->w[q] * du * du;
            }
            if (nf > 0)
                C[a * m + b] = P->sig2 * bo_gpi_cat_factor(gp, P, Ls + a * nf, Ls + b * nf) *
                               bo_gpi_kernel(kind, d2, &dg);
            else
                C[a * m + b] = P->sig2 * bo_gpi_kernel(kind, d2, &dg);
        }
        C[a * m + a] = P->sig2;
    }
    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)m, (int)n, -1.0, Ks, (int)m, 1.0, C,
                (int)m);
    int ok = 0;
    for (int attempt = 0; attempt < BO_GPI_JITTER_ATTEMPTS && !ok; attempt++) {
        /* The posterior covariance vanishes at noise-free data, so jitter is
         * relative to the prior variance. */
        double jitter = bo_gpi_jitter_level(attempt, P->sig2);
        for (size_t a = 0; a < m; a++) {
            memcpy(Cf + a * m, C + a * m, (a + 1) * sizeof *Cf);
            Cf[a * m + a] += jitter;
        }
        ok = bo_gpi_potrf(Cf, m, m) == 0;
    }
    if (!ok) {
        free(Ks);
        free(Z);
        free(Ls);
        return bo_gpi_fail(gp, BO_ENUMERIC, "gp sample: posterior covariance of %zu points not "
                           "positive definite even with jitter", m);
    }
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t i = 0; i < n_samples * m; i++)
        Z[i] = bo_rng_normal(&rng);
    cblas_dtrmm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)n_samples,
                (int)m, 1.0, Cf, (int)m, Z, (int)m);
    for (size_t s = 0; s < n_samples; s++)
        for (size_t j = 0; j < m; j++)
            out[s * m + j] = gp->y_mean + gp->y_sd * (P->mean[source] + mu[j] + Z[s * m + j]);
    free(Ks);
    free(Z);
    free(Ls);
    return BO_OK;
}

bo_status bo_gp_add_point(bo_gp *gp, const double *x, size_t source, double y, double noise_var)
{
    gp->errmsg[0] = '\0';
    size_t d = gp->opt.dim, n = gp->n;
    for (size_t k = 0; k < d; k++)
        if (!isfinite(x[k]))
            return bo_gpi_fail(gp, BO_EINVAL, "gp add_point: x[%zu] = %g is not finite", k, x[k]);
    if (!isfinite(y))
        return bo_gpi_fail(gp, BO_EINVAL, "gp add_point: y = %g is not finite", y);
    size_t bad;
    if (bo_gpi_levels(gp, x, gp->plev, &bad) != 0)
        return bo_gpi_level_error(gp, "gp add_point", x, bad);
    if (source >= gp->opt.n_sources)
        return bo_gpi_fail(gp, BO_EINVAL, "gp add_point: source %zu not below n_sources %zu",
                           source, gp->opt.n_sources);
    int known = gp->opt.noise == BO_NOISE_KNOWN;
    if (known && !(isfinite(noise_var) && noise_var >= 0.0))
        return bo_gpi_fail(gp, BO_EINVAL, "gp add_point: noise variance %g must be finite and "
                           ">= 0", noise_var);
    bo_status st = bo_gpi_reserve(gp, n + 1);
    if (st == BO_OK && gp->conditioned)
        st = bo_gpi_reserve_factor(gp, n + 1);
    if (st != BO_OK)
        return st;
    bo_gpi_scale_x(gp, x, gp->U + n * gp->dc);
    if (gp->n_fac > 0)
        memcpy(gp->lev + n * gp->n_fac, gp->plev, gp->n_fac * sizeof *gp->lev);
    gp->src[n] = source;
    gp->y[n] = y;
    gp->nv[n] = known ? noise_var : 0.0;
    gp->ys[n] = (y - gp->y_mean) / gp->y_sd;
    gp->nvs[n] = gp->nv[n] / (gp->y_sd * gp->y_sd);
    if (!gp->conditioned) {
        gp->n = n + 1;
        return BO_OK;
    }
    /* New row of the factor: l = L^-1 k, l_nn = sqrt(k_nn - l'l). */
    double *row = gp->L + n * gp->ldl;
    cross_cov(gp, n, gp->U + n * gp->dc, source, gp->plev, row, NULL);
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L,
                (int)gp->ldl, row, 1);
    double knn = gp->cur.sig2 + gp->cur.noise[source] + gp->nvs[n] + gp->jitter;
    double dnew = knn - dot(n, row, row);
    /* A duplicate of a noise-free point leaves nothing; keep the factor
     * positive definite with the smallest jitter level instead. */
    if (!(dnew > 1e-10 * knn))
        dnew = 1e-10 * knn;
    row[n] = sqrt(dnew);
    gp->n = n + 1;
    bo_gpi_solve_alpha(gp);
    return BO_OK;
}

bo_status bo_gp_truncate(bo_gp *gp, size_t n)
{
    gp->errmsg[0] = '\0';
    if (n > gp->n)
        return bo_gpi_fail(gp, BO_EINVAL, "gp truncate: %zu observations, not %zu", gp->n, n);
    gp->n = n;
    if (gp->conditioned)
        bo_gpi_solve_alpha(gp);
    return BO_OK;
}

static double std_pop(size_t n, const double *v)
{
    double m = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    return sqrt(ss / (double)n);
}

double bo_gp_nrmse(size_t n, const double *y_true, const double *mean)
{
    if (n == 0)
        return NAN;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (y_true[i] - mean[i]) * (y_true[i] - mean[i]);
    double sd = std_pop(n, y_true);
    return sqrt(ss / (double)n) / (sd > 0.0 ? sd : 1.0);
}

/* Standard normal quantile by bisection on erfc: exact to rounding, and the
 * metric is not on a hot path. */
static double normal_quantile(double p)
{
    double lo = -40.0, hi = 40.0;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double bo_gp_nis(size_t n, const double *y_true, const double *mean, const double *sd,
                 double alpha)
{
    if (n == 0 || !(alpha > 0.0 && alpha < 1.0))
        return NAN;
    double z = normal_quantile(1.0 - 0.5 * alpha), total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double l = mean[i] - z * sd[i], u = mean[i] + z * sd[i], y = y_true[i];
        double is = u - l;
        if (y < l)
            is += 2.0 / alpha * (l - y);
        if (y > u)
            is += 2.0 / alpha * (y - u);
        total += is;
    }
    double s = std_pop(n, y_true);
    return total / (double)n / (s > 0.0 ? s : 1.0);
}

bo_status bo_gp_loo(bo_gp *gp, double *mean, double *var_y)
{
    gp->errmsg[0] = '\0';
    if (!gp->conditioned)
        return bo_gpi_fail(gp, BO_ESTATE, "gp loo: the model is not fitted or conditioned");
    size_t n = gp->n;
    /* Only the diagonal of K^-1 is needed, but dpotri gives it at the cost
     * of the whole inverse; the factor itself must stay intact for
     * predictions, hence the copy. */
    double *inv = malloc(n * n * sizeof *inv);
    if (!inv)
        return bo_gpi_fail(gp, BO_ENOMEM, "gp loo: out of memory for %zu x %zu", n, n);
    for (size_t i = 0; i < n; i++)
        memcpy(inv + i * n, gp->L + i * gp->ldl, (i + 1) * sizeof *inv);
    if (bo_gpi_potri(inv, n, n) != 0) {
        free(inv);
        return bo_gpi_fail(gp, BO_ENUMERIC, "gp loo: the factor could not be inverted");
    }
    double ysd = gp->y_sd;
    for (size_t i = 0; i < n; i++) {
        double kii = inv[i * n + i];
        /* R&W (5.12): the held-out residual is alpha_i / [K^-1]_ii, with
         * alpha = K^-1 (y - m) on the standardised scale. */
        if (mean)
            mean[i] = gp->y[i] - ysd * gp->alpha[i] / kii;
        if (var_y)
            var_y[i] = ysd * ysd / kii;
    }
    free(inv);
    return BO_OK;
}
