/* The MAP objective, its analytic gradient, and the multi-start fit.
 *
 * Objective (standardised y, r = ys - mean):
 *   nll = 1/2 r' K^-1 r + 1/2 log|K| + n/2 log 2 pi  +  sum_j -log N(theta_j; mu_j, sd_j)
 *   d nll / d theta = 1/2 tr(W dK/dtheta),  W = K^-1 - alpha alpha',  alpha = K^-1 r
 * and d nll / d mean_s = -sum over rows of source s of alpha_i.
 * One pass builds K (lower triangle) and, packed, each pair's noise-free
 * covariance k_ij and its derivative along the scaled squared distance
 * dk_ij = sig2 lat r'(d2_ij). dpotrf and dpotri give log|K|, alpha and K^-1. One
 * more pass forms W and, in place of K^-1, B_ij = W_ij dk_ij. Then, because
 * dK_ij/dtheta_k = dk_ij c w_k (x_ik - x_jk)^2,
 *   1/2 tr(W dK/dtheta_k) = c w_k [sum_i x_ik^2 (B 1)_i - sum_i x_ik (B x_k)_i],
 * so all length-scale terms come from one dsymm of B with [X 1]: level 3
 * instead of a scalar loop over pairs and inputs. Inputs are centred first
 * to keep the difference of the two sums well conditioned.
 *
 * BO_FIT_INTERVAL_SCORE adds w |nll| IS, IS the normalised interval score of
 * the closed-form leave-one-out predictions (GP+'s penalty, docs/gp.md). Its
 * gradient is another trace against dK/dtheta, so penalised_w folds it into
 * W and the pass above serves both objectives. */
#include "gp/gp_internal.h"
#include "gp/rng.h"

#include <cblas.h>
#include <nlopt.h>
#include <stdlib.h>
#include <string.h>

static const double LOG_2PI = 1.8378770664093454836;

/* Fit strategy (see docs/gp.md): every start is scored on a random subset of
 * SCREEN_ROWS rows, the SCREEN_KEEP best get a short L-BFGS run there; the
 * winner climbs a ladder of nested subsets, each twice the last (a rung only
 * while all data are at least twice as many), and is polished on all data.
 * The objective costs O(m^3), so the whole screen and ladder cost about as
 * much as a few evaluations on all data when n is large. */
#define SCREEN_ROWS 128
#define SCREEN_KEEP 3
/* With a warm start (the previous fit's optimum in a BO loop) one short run
 * from the best-scored start is enough: every start is still scored, so a
 * better mode found by a prior draw wins the screen. Measured on Branin and
 * Hartmann-6 (10 seeds, 100 evaluations): the same regrets as three runs, at
 * half the time per iteration. */
#define SCREEN_KEEP_WARM 1
#define SCREEN_EVALS 30
#define SCREEN_FTOL 1e-5
#define RUNG_EVALS 20
#define POLISH_FTOL 1e-7

bo_status bo_gpi_reserve_fit(bo_gp *gp, size_t n)
{
    size_t d = gp->opt.dim, S = gp->opt.n_sources;
    int penalised = gp->opt.fit_criterion == BO_FIT_INTERVAL_SCORE;
    if (!gp->wgls) {
        gp->wgls = malloc(d * sizeof *gp->wgls);
        gp->wM = malloc((S * S + 2 * S + gp->n_latc) * sizeof *gp->wM);
        if (!gp->wgls || !gp->wM)
            return bo_gpi_fail(gp, BO_ENOMEM, "gp fit: out of memory");
    }
    if (n <= gp->w_cap)
        return BO_OK;
    size_t cap = gp->w_cap + gp->w_cap / 2;
    if (cap < n)
        cap = n;
    free(gp->wK);
    free(gp->wA);
    free(gp->wX);
    free(gp->wr);
    free(gp->wa);
    gp->wK = malloc(cap * cap * sizeof *gp->wK);
    gp->wA = malloc(cap * cap * sizeof *gp->wA);
    gp->wX = malloc(2 * cap * (d + 1) * sizeof *gp->wX);
    gp->wr = malloc(cap * sizeof *gp->wr);
    gp->wa = malloc(cap * sizeof *gp->wa);
    if (!gp->wK || !gp->wA || !gp->wX || !gp->wr || !gp->wa) {
        free(gp->wK);
        free(gp->wA);
        free(gp->wX);
        gp->wK = gp->wA = gp->wX = gp->wBX = NULL;
        gp->w_cap = 0;
        return bo_gpi_fail(gp, BO_ENOMEM, "gp fit: out of memory for %zu x %zu matrices",
                           cap, cap);
    }
    gp->wBX = gp->wX + cap * (d + 1);
    if (penalised) {
        free(gp->wQ);
        free(gp->wv);
        gp->wQ = malloc(2 * cap * cap * sizeof *gp->wQ);
        gp->wv = malloc(3 * cap * sizeof *gp->wv);
        if (!gp->wQ || !gp->wv) {
            free(gp->wQ);
            free(gp->wv);
            gp->wQ = gp->wv = NULL;
            gp->w_cap = 0;
            return bo_gpi_fail(gp, BO_ENOMEM, "gp fit: out of memory for the interval score's "
                               "%zu x %zu matrices", cap, cap);
        }
    }
    gp->w_cap = cap;
    return BO_OK;
}

/* K's lower triangle and the packed (k_ij, dk_ij) pairs: row i's pairs start
 * at 2 * (i (i - 1) / 2), so the n(n-1) values fill one n^2 buffer. */
static void build_pairs(const bo_gp *gp, const bo_gpi_data *D, const bo_gpi_params *P, double *K,
                        double *A)
{
    size_t n = D->n, d = gp->dc, S = gp->opt.n_sources, nf = gp->n_fac;
    bo_kernel_kind kind = gp->opt.kernel;
    const double *w = P->w;
    for (size_t i = 1; i < n; i++) {
        const double *ui = D->U + i * d;
        const double *lat = P->lat + D->src[i] * S;
        double *row = K + i * n, *pairs = A + i * (i - 1);
        for (size_t j = 0; j < i; j++) {
            const double *uj = D->U + j * d;
            double d2 = 0.0, dg;
            for (size_t k = 0; k < d; k++) {
                double du = ui[k] - uj[k];
                d2 += w[k] * du * du;
            }
            double c = P->sig2 * lat[D->src[j]];
            if (nf > 0)
                c *= bo_gpi_cat_factor(gp, P, D->lev + i * nf, D->lev + j * nf);
            double kf = c * bo_gpi_kernel(kind, d2, &dg);
            row[j] = kf;
            pairs[2 * j] = kf;
            pairs[2 * j + 1] = c * dg;
        }
    }
}

/* z_{1 - alpha/2} for BO_GP_FIT_IS_ALPHA = 0.05. */
static const double IS_Z = 1.959963984540054;

/* The interval-score penalty (BO_FIT_INTERVAL_SCORE). With q_i = [K^-1]_ii
 * and a = alpha = K^-1 r, point i's leave-one-out residual is e_i = a_i / q_i
 * and its predictive sd s_i = q_i^-1/2 (R&W eqs 5.12-5.13), so its interval
 * score is
 *   IS_i = 2 z s_i + (2 / alpha) max(0, |e_i| - z s_i),
 * and IS = sum_i IS_i / (n sd(ys)), sd the population sd of the data's
 * outputs (a constant), which is bo_gp_nis of the LOO predictions. Returns
 * IS; with g and h not NULL also g_i = dIS/dq_i and h_i = dIS/da_i:
 *   g_i = c (-z s_i / q_i + [out] (2 / alpha) (z s_i / (2 q_i) - |e_i| / q_i)),
 *   h_i = c [out] (2 / alpha) sign(a_i) / q_i,   c = 1 / (n sd(ys)),
 * [out] = 1 when |e_i| > z s_i (so at a kink, the limit from inside). Q is
 * K^-1's lower triangle, row-major with leading dimension n. */
static double loo_interval_score(const bo_gpi_data *D, const double *Q, const double *a,
                                 double *g, double *h)
{
    size_t n = D->n;
    double mean = 0.0, ss = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += D->ys[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (D->ys[i] - mean) * (D->ys[i] - mean);
    double sd = sqrt(ss / (double)n);
    double c = 1.0 / ((double)n * (sd > 0.0 ? sd : 1.0)), k = 2.0 / BO_GP_FIT_IS_ALPHA;
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double q = Q[i * n + i], s = 1.0 / sqrt(q), e = a[i] / q;
        double outside = fabs(e) - IS_Z * s;
        total += 2.0 * IS_Z * s + (outside > 0.0 ? k * outside : 0.0);
        if (g) {
            double dq = -IS_Z * s / q, da = 0.0;
            if (outside > 0.0) {
                dq += k * (0.5 * IS_Z * s / q - fabs(e) / q);
                da = k * (a[i] >= 0.0 ? 1.0 : -1.0) / q;
            }
            g[i] = c * dq;
            h[i] = c * da;
        }
    }
    return c * total;
}

/* Turns K^-1 (lower triangle of Q) into the W of the penalised objective
 * f = nll + cw IS (cw = w |nll|), so that the gradient pass of the MAP
 * objective, unchanged, gives df. Because dq_i = -[K^-1 dK K^-1]_ii and
 * da = -K^-1 dK a - K^-1 dm (dm the mean vector's change),
 *   dIS = -tr(V dK) - b'dm,  V = K^-1 G K^-1 + (a b' + b a') / 2,
 * with G = diag(g) and b = K^-1 h. So with u = 1 + w sign(nll) IS,
 *   df = 1/2 tr((u (K^-1 - a a') - 2 cw V) dK) - (u a + cw b)'dm + u d(-log prior).
 * Q's lower triangle becomes that W; am gets u a + cw b, what the mean terms
 * sum. Uses wQ (2 n^2) and wv (3 n): g, h, then b. */
static void penalised_w(bo_gp *gp, size_t n, double *Q, const double *a, double u, double cw,
                        double *am)
{
    double *g = gp->wv, *h = g + n, *b = h + n;
    double *B = gp->wQ, *P = gp->wQ + n * n;
    /* B = G K^-1 in full, P = K^-1 B: a level-3 product. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            B[i * n + j] = g[i] * (j <= i ? Q[i * n + j] : Q[j * n + i]);
    cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)n, (int)n, 1.0, Q, (int)n, B, (int)n,
                0.0, P, (int)n);
    cblas_dsymv(CblasRowMajor, CblasLower, (int)n, 1.0, Q, (int)n, h, 1, 0.0, b, 1);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j <= i; j++) {
            double V = P[i * n + j] + 0.5 * (a[i] * b[j] + b[i] * a[j]);
            Q[i * n + j] = u * (Q[i * n + j] - a[i] * a[j]) - 2.0 * cw * V;
        }
        am[i] = u * a[i] + cw * b[i];
    }
}

/* The objective of gp_fit: the negative log posterior, and with penalised
 * set the interval-score penalty on top (see penalised_w). */
static double objective(bo_gp *gp, const bo_gpi_data *D, const double *theta, double *grad,
                        int penalised)
{
    size_t n = D->n, d = gp->dc, S = gp->opt.n_sources, nh = gp->n_hyper, nf = gp->n_fac;
    bo_gpi_params *P = &gp->trial;
    double *K = gp->wK, *A = gp->wA, *a = gp->wa;
    bo_gpi_unpack(gp, theta, P);
    build_pairs(gp, D, P, K, A);

    double scale = 0.0;
    for (size_t i = 0; i < n; i++)
        scale += bo_gpi_diag(D, P, i);
    scale /= (double)n;
    int ok = 0;
    for (int attempt = 0; attempt < BO_GPI_JITTER_ATTEMPTS && !ok; attempt++) {
        double jitter = bo_gpi_jitter_level(attempt, scale);
        if (attempt > 0)
            for (size_t i = 1; i < n; i++)
                for (size_t j = 0; j < i; j++)
                    K[i * n + j] = A[i * (i - 1) + 2 * j];
        for (size_t i = 0; i < n; i++)
            K[i * n + i] = bo_gpi_diag(D, P, i) + jitter;
        ok = bo_gpi_potrf(K, n, n) == 0;
    }
    if (!ok)
        return NAN;

    double quad = 0.0, logdet = 0.0;
    for (size_t i = 0; i < n; i++) {
        a[i] = D->ys[i] - P->mean[D->src[i]];
        logdet += log(K[i * n + i]);
    }
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, K, (int)n, a, 1);
    for (size_t i = 0; i < n; i++)
        quad += a[i] * a[i];
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)n, K, (int)n, a, 1);
    double nll = 0.5 * quad + logdet + 0.5 * (double)n * LOG_2PI;
    for (size_t j = 0; j < nh; j++) {
        if (gp->prior_sd[j] > 0.0) {
            double t = (theta[j] - gp->prior_mu[j]) / gp->prior_sd[j];
            nll += 0.5 * t * t + log(gp->prior_sd[j]) + 0.5 * LOG_2PI;
        }
    }
    if (!grad && !penalised)
        return nll;

    if (bo_gpi_potri(K, n, n) != 0)
        return NAN;
    /* The gradient pass below forms W_ij = Ki[j] - aw_i aw_j and sums am_i
     * for the mean terms; the prior's gradient is scaled by u. MAP: Ki is
     * K^-1, aw = am = alpha, u = 1. */
    const double *aw = a, *am = a;
    double u = 1.0;
    if (penalised) {
        double *g = gp->wv, *h = g + n;
        double is = loo_interval_score(D, K, a, grad ? g : NULL, grad ? h : NULL);
        double w = gp->opt.fit_is_weight, cw = w * fabs(nll);
        double f = nll + cw * is;
        if (!grad)
            return f;
        u = 1.0 + w * (nll >= 0.0 ? 1.0 : -1.0) * is;
        /* am overwrites g once P is formed; aw is zeros where h was. */
        penalised_w(gp, n, K, a, u, cw, g);
        memset(h, 0, n * sizeof *h);
        am = g;
        aw = h;
        nll = f;
    }
    double *M = gp->wM, *Wsum = gp->wM + S * S, *asum = Wsum + S, *Mc = asum + S;
    memset(M, 0, (S * S + 2 * S + gp->n_latc) * sizeof *M);
    double gsig = 0.0;
    for (size_t i = 0; i < n; i++) {
        double *Ki = K + i * n;
        const double *pairs = A + i * (i - 1);
        double ai = aw[i];
        size_t si = D->src[i];
        if (S == 1 && nf == 0) {
            for (size_t j = 0; j < i; j++) {
                double W = Ki[j] - ai * aw[j];
                gsig += W * pairs[2 * j];
                Ki[j] = W * pairs[2 * j + 1];
            }
        } else if (nf > 0) {
            /* Each latent map collects, per pair of levels, what the
             * source map collects per pair of sources. */
            double *Mi = M + si * S;
            const size_t *li = D->lev + i * nf;
            for (size_t j = 0; j < i; j++) {
                double W = Ki[j] - ai * aw[j], Wk = W * pairs[2 * j];
                const size_t *lj = D->lev + j * nf;
                gsig += Wk;
                Mi[D->src[j]] += Wk;
                for (size_t m = 0; m < nf; m++)
                    Mc[gp->fac_loff[m] + li[m] * gp->fac_levels[m] + lj[m]] += Wk;
                Ki[j] = W * pairs[2 * j + 1];
            }
        } else {
            double *Mi = M + si * S;
            for (size_t j = 0; j < i; j++) {
                double W = Ki[j] - ai * aw[j], Wk = W * pairs[2 * j];
                gsig += Wk;
                Mi[D->src[j]] += Wk;
                Ki[j] = W * pairs[2 * j + 1];
            }
        }
        double Wii = Ki[i] - ai * ai;
        Ki[i] = 0.0; /* B's diagonal meets zero distances only */
        gsig += 0.5 * Wii * P->sig2;
        Wsum[si] += Wii;
        asum[si] += am[i];
    }
    /* Length-scale terms: one level-3 product of B with [X - mean(X), 1]. */
    size_t d1 = d + 1;
    double *Xc = gp->wX, *BX = gp->wBX, *xbar = gp->wgls;
    for (size_t k = 0; k < d; k++)
        xbar[k] = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            xbar[k] += D->U[i * d + k];
    for (size_t k = 0; k < d; k++)
        xbar[k] /= (double)n;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++)
            Xc[i * d1 + k] = D->U[i * d + k] - xbar[k];
        Xc[i * d1 + d] = 1.0;
    }
    cblas_dsymm(CblasRowMajor, CblasLeft, CblasLower, (int)n, (int)d1, 1.0, K, (int)n, Xc,
                (int)d1, 0.0, BX, (int)d1);
    for (size_t k = 0; k < d; k++) {
        double t = 0.0;
        for (size_t i = 0; i < n; i++) {
            double x = Xc[i * d1 + k];
            t += x * (x * BX[i * d1 + d] - BX[i * d1 + k]);
        }
        grad[k] = gp->ls_dlog * P->w[k] * t;
    }
    grad[gp->off_signal] = gsig;
    double Wall = 0.0, aall = 0.0;
    for (size_t s = 0; s < S; s++) {
        Wall += Wsum[s];
        aall += asum[s];
    }
    switch (gp->opt.noise) {
    case BO_NOISE_LEARN:
        grad[gp->off_noise] = 0.5 * P->noise[0] * Wall;
        break;
    case BO_NOISE_PER_SOURCE:
        for (size_t s = 0; s < S; s++)
            grad[gp->off_noise + s] = 0.5 * P->noise[s] * Wsum[s];
        break;
    case BO_NOISE_KNOWN:
        if (gp->opt.learn_extra_noise)
            grad[gp->off_noise] = 0.5 * P->noise[0] * Wall;
        break;
    case BO_NOISE_FIXED:
        break;
    }
    switch (gp->opt.mean) {
    case BO_MEAN_ZERO:
        break;
    case BO_MEAN_CONSTANT:
        grad[gp->off_mean] = -aall;
        break;
    case BO_MEAN_PER_SOURCE:
        for (size_t s = 0, j = 0; s < S; s++)
            if (s != gp->opt.target_source)
                grad[gp->off_mean + j++] = -asum[s];
        break;
    }
    if (S > 1) {
        double *gz = grad + gp->off_latent;
        memset(gz, 0, 2 * S * sizeof *gz);
        for (size_t p = 0; p < S; p++)
            for (size_t q = 0; q < S; q++) {
                if (p == q)
                    continue;
                /* Pairs (i > j) with sources (p, q): dK/dz_p = -2 (z_p - z_q) K. */
                double m = M[p * S + q];
                double dx = P->z[2 * p] - P->z[2 * q], dy = P->z[2 * p + 1] - P->z[2 * q + 1];
                gz[2 * p] -= 2.0 * m * dx;
                gz[2 * p + 1] -= 2.0 * m * dy;
                gz[2 * q] += 2.0 * m * dx;
                gz[2 * q + 1] += 2.0 * m * dy;
            }
    }
    if (nf > 0) {
        double *gz = grad + gp->off_cat;
        memset(gz, 0, gp->n_zc * sizeof *gz);
        for (size_t f = 0; f < nf; f++) {
            size_t L = gp->fac_levels[f];
            const double *z = P->zc + gp->fac_zoff[f];
            const double *Mf = Mc + gp->fac_loff[f];
            double *g = gz + gp->fac_zoff[f];
            for (size_t p = 0; p < L; p++)
                for (size_t q = 0; q < L; q++) {
                    if (p == q)
                        continue;
                    double m = Mf[p * L + q];
                    double dx = z[2 * p] - z[2 * q], dy = z[2 * p + 1] - z[2 * q + 1];
                    g[2 * p] -= 2.0 * m * dx;
                    g[2 * p + 1] -= 2.0 * m * dy;
                    g[2 * q] += 2.0 * m * dx;
                    g[2 * q + 1] += 2.0 * m * dy;
                }
        }
    }
    for (size_t j = 0; j < nh; j++)
        if (gp->prior_sd[j] > 0.0)
            grad[j] += u * (theta[j] - gp->prior_mu[j]) / (gp->prior_sd[j] * gp->prior_sd[j]);
    return nll;
}

double bo_gpi_objective(bo_gp *gp, const bo_gpi_data *D, const double *theta, double *grad)
{
    return objective(gp, D, theta, grad, gp->opt.fit_criterion == BO_FIT_INTERVAL_SCORE);
}

/* The public objectives on all data: name is the caller's, for messages. */
static double full_objective(bo_gp *gp, const double *theta, double *grad, int penalised,
                             const char *name)
{
    gp->errmsg[0] = '\0';
    if (gp->n == 0) {
        bo_gpi_fail(gp, BO_ESTATE, "gp %s: no data", name);
        return NAN;
    }
    if (bo_gpi_reserve_fit(gp, gp->n) != BO_OK)
        return NAN;
    bo_gpi_data D = bo_gpi_full_data(gp);
    double f = objective(gp, &D, theta, grad, penalised);
    if (!isfinite(f))
        bo_gpi_fail(gp, BO_ENUMERIC, "gp %s: covariance not positive definite "
                    "even with jitter (n = %zu)", name, gp->n);
    return f;
}

double bo_gp_fit_objective(bo_gp *gp, const double *theta, double *grad)
{
    return full_objective(gp, theta, grad, gp->opt.fit_criterion == BO_FIT_INTERVAL_SCORE,
                          "fit_objective");
}

double bo_gp_neg_log_posterior(bo_gp *gp, const double *theta, double *grad)
{
    return full_objective(gp, theta, grad, 0, "neg_log_posterior");
}

typedef struct fit_ctx {
    bo_gp *gp;
    const bo_gpi_data *D;
    double best_f;
    double *best_x;
} fit_ctx;

static double nlopt_objective(unsigned nh, const double *x, double *grad, void *data)
{
    fit_ctx *c = data;
    double f = bo_gpi_objective(c->gp, c->D, x, grad);
    int bad = !isfinite(f);
    for (unsigned j = 0; grad && !bad && j < nh; j++)
        bad = !isfinite(grad[j]);
    if (bad) {
        /* A point that cannot be factorised: a huge value makes the line
         * search step back. */
        if (grad)
            memset(grad, 0, nh * sizeof *grad);
        return 1e300;
    }
    if (f < c->best_f) {
        c->best_f = f;
        memcpy(c->best_x, x, nh * sizeof *x);
    }
    return f;
}

/* L-BFGS from x within box (lower then upper, 2 n_hyper values; NULL = the
 * global bounds); x becomes the best point seen, whatever NLopt returned
 * (negative codes such as NLOPT_ROUNDOFF_LIMITED still leave a usable point).
 * Returns its objective, or INFINITY when no point could be evaluated. */
static double run_lbfgs(bo_gp *gp, const bo_gpi_data *D, double *x, double *scratch,
                        const double *box, int maxeval, double ftol, unsigned long seed)
{
    size_t nh = gp->n_hyper;
    fit_ctx c = {gp, D, INFINITY, scratch};
    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nh);
    if (!o)
        return INFINITY;
    nlopt_set_lower_bounds(o, box ? box : gp->theta_lo);
    nlopt_set_upper_bounds(o, box ? box + nh : gp->theta_hi);
    nlopt_set_min_objective(o, nlopt_objective, &c);
    nlopt_set_maxeval(o, maxeval);
    nlopt_set_ftol_rel(o, ftol);
    /* On large data, where an evaluation is expensive, thousandths of a nat
     * in the posterior are not worth one: they do not change predictions. */
    if (D->n > 400)
        nlopt_set_ftol_abs(o, 1e-3);
    nlopt_srand(seed);
    double f;
    (void)nlopt_optimize(o, x, &f);
    nlopt_destroy(o);
    if (isfinite(c.best_f))
        memcpy(x, c.best_x, nh * sizeof *x);
    return c.best_f;
}

/* L-BFGS from a point that is already close (a subset's optimum, a warm
 * start) inside a box of +-TRUST_RADIUS around it: NLopt's first step
 * otherwise runs to the global bounds and costs two wasted evaluations on
 * all data. A result on the box's edge (inside the global bounds) gets a
 * second run around it. */
#define TRUST_RADIUS 1.0
static double local_lbfgs(bo_gp *gp, const bo_gpi_data *D, double *x, double *scratch,
                          double *box, int maxeval, double ftol, unsigned long seed)
{
    size_t nh = gp->n_hyper;
    double f = INFINITY;
    for (int round = 0; round < 2; round++) {
        for (size_t j = 0; j < nh; j++) {
            box[j] = fmax(gp->theta_lo[j], x[j] - TRUST_RADIUS);
            box[nh + j] = fmin(gp->theta_hi[j], x[j] + TRUST_RADIUS);
        }
        f = run_lbfgs(gp, D, x, scratch, box, maxeval, ftol, seed + (unsigned long)round);
        int edge = 0;
        for (size_t j = 0; j < nh; j++)
            edge |= (x[j] <= box[j] + 1e-9 && box[j] > gp->theta_lo[j]) ||
                    (x[j] >= box[nh + j] - 1e-9 && box[nh + j] < gp->theta_hi[j]);
        if (!edge)
            break;
    }
    return f;
}

static void clamp_theta(const bo_gp *gp, double *x)
{
    for (size_t j = 0; j < gp->n_hyper; j++)
        x[j] = fmin(fmax(x[j], gp->theta_lo[j]), gp->theta_hi[j]);
}

/* Orders the rows so that every prefix is a random subset, the first rows
 * holding up to 5 of every source so that no source's parameters go
 * unconstrained in the screen. */
static void subset_order(const bo_gp *gp, bo_rng *rng, size_t *order, size_t *perm,
                         unsigned char *taken, size_t *per_source)
{
    size_t n = gp->n, S = gp->opt.n_sources;
    for (size_t i = 0; i < n; i++) {
        perm[i] = i;
        taken[i] = 0;
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)bo_rng_below(rng, i);
        size_t t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    memset(per_source, 0, S * sizeof *per_source);
    size_t count = 0;
    /* The target source's rows come first (up to half the screening
     * subset): they are few and decide how every other source relates to
     * the target. Screened on a handful of them, half the multi-fidelity
     * fits chose a map that merges a biased source with the target and
     * calls the bias target noise (Wing: 39 of 80 fits). */
    if (S > 1) {
        size_t t = gp->opt.target_source;
        for (size_t i = 0; i < n && per_source[t] < SCREEN_ROWS / 2; i++) {
            size_t r = perm[i];
            if (gp->src[r] == t) {
                per_source[t]++;
                taken[r] = 1;
                order[count++] = r;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t r = perm[i];
        if (!taken[r] && per_source[gp->src[r]] < 5) {
            per_source[gp->src[r]]++;
            taken[r] = 1;
            order[count++] = r;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (!taken[perm[i]])
            order[count++] = perm[i];
}

static int polish_evals(size_t n, int warm)
{
    if (n <= SCREEN_ROWS)
        return 200;
    if (n <= 400)
        return 40;
    /* A warm refit in a BO loop starts at the previous optimum, and the
     * next iteration's refit starts where this one stopped: a short polish
     * per iteration still climbs over the iterations, at half the cost.
     * A cold fit (bo-gp fit, a run's final model) has no successor: with
     * 16 evaluations at n = 800 it stopped 0.8 nats short of the optimum
     * (the emulator panel's Piston set, bench_fit_optimum); with 48 it reaches
     * the bottom of its basin (the rest of the way to the best of ten full
     * runs was the noise floor, see bo_gp_fit). */
    if (n <= 1000)
        return warm ? 8 : 48;
    return warm ? 6 : 30;
}

/* A cold fit of a model with latent maps for categorical inputs: two
 * coordinates per level start on a small circle, far from where the data
 * put them, and the polish is still climbing when the caps above stop it.
 * On Borehole-Mixed (scripts/mixed-emulation.sh) the cap of 200 left the log
 * posterior 50-90 nats short at n = 100 and the cap of 40 250-300 nats short
 * at n = 200, with held-out NRMSE 2-4 times what the converged fit gives;
 * with 1000 the runs stop on ftol_rel instead. Beyond n = 400 an evaluation
 * costs enough that fewer are allowed. */
static int categorical_polish_evals(size_t n, int cap)
{
    int want = n <= 400 ? 1000 : n <= 1000 ? 300 : 100;
    return want > cap ? want : cap;
}

bo_status bo_gp_fit(bo_gp *gp, const double *theta_warm)
{
    gp->errmsg[0] = '\0';
    size_t n = gp->n, nh = gp->n_hyper, d = gp->dc, S = gp->opt.n_sources, nf = gp->n_fac;
    if (n == 0)
        return bo_gpi_fail(gp, BO_ESTATE, "gp fit: no data");
    if (theta_warm)
        for (size_t j = 0; j < nh; j++)
            if (!isfinite(theta_warm[j]))
                return bo_gpi_fail(gp, BO_EINVAL, "gp fit: theta_warm[%zu] = %g is not finite",
                                   j, theta_warm[j]);
    bo_gpi_standardise(gp);
    bo_status st = bo_gpi_reserve_fit(gp, n);
    if (st != BO_OK)
        return st;

    size_t n_starts = 1 + (theta_warm ? 1 : 0) + gp->opt.restarts;
    int use_subsets = n > SCREEN_ROWS;
    double *starts = malloc((n_starts * nh + 5 * nh + n_starts) * sizeof *starts);
    size_t *idx = malloc((3 * n + S) * sizeof *idx);
    unsigned char *taken = malloc(n);
    double *sub = use_subsets ? malloc((n * (d + 2) + 1) * sizeof *sub) : NULL;
    size_t *sub_lev = use_subsets && nf > 0 ? malloc(n * nf * sizeof *sub_lev) : NULL;
    if (!starts || !idx || !taken || (use_subsets && !sub) || (use_subsets && nf > 0 && !sub_lev)) {
        st = bo_gpi_fail(gp, BO_ENOMEM, "gp fit: out of memory");
        goto done;
    }
    double *scratch = starts + n_starts * nh;
    double *best = scratch + nh;
    double *box = best + nh;
    double *fval = box + 2 * nh;
    double *second = fval + n_starts; /* a second finalist (multi-fidelity) */
    size_t *order = idx, *perm = idx + n, *sub_src = idx + 2 * n, *per_source = idx + 3 * n;

    /* Starts: the current hyperparameters, the warm start, prior draws. The
     * stream derives from the seed and n, so a refit of the same data is
     * reproducible. */
    bo_rng rng;
    bo_rng_init_derived(&rng, gp->opt.seed, 0x67702d666974ULL, (uint64_t)n);
    memcpy(starts, gp->theta, nh * sizeof *starts);
    size_t s0 = 1;
    if (theta_warm) {
        memcpy(starts + nh, theta_warm, nh * sizeof *starts);
        s0 = 2;
    }
    for (size_t s = s0; s < n_starts; s++) {
        double *x = starts + s * nh;
        for (size_t j = 0; j < nh; j++) {
            double sd = gp->start_sd[j];
            x[j] = sd > 0.0 ? gp->start_mu[j] + sd * bo_rng_normal(&rng) : 0.0;
        }
    }
    for (size_t s = 0; s < n_starts; s++)
        clamp_theta(gp, starts + s * nh);

    bo_gpi_data full = bo_gpi_full_data(gp);
    bo_gpi_data part = full;
    if (use_subsets) {
        subset_order(gp, &rng, order, perm, taken, per_source);
        double *su = sub, *sy = sub + n * d, *snv = sy + n;
        for (size_t r = 0; r < n; r++) {
            size_t i = order[r];
            memcpy(su + r * d, gp->U + i * d, d * sizeof *su);
            sy[r] = gp->ys[i];
            snv[r] = gp->nvs[i];
            sub_src[r] = gp->src[i];
            if (nf > 0)
                memcpy(sub_lev + r * nf, gp->lev + i * nf, nf * sizeof *sub_lev);
        }
        part.lev = sub_lev;
        part.U = su;
        part.ys = sy;
        part.src = sub_src;
        part.nvs = full.nvs ? snv : NULL;
        part.n = SCREEN_ROWS;
    }

    uint64_t seed_base = bo_rng_u64(&rng);
    unsigned long run = 0;
    /* Score every start by one evaluation; most prior draws are poor and a
     * value is a third of the cost of a value with gradient. */
    for (size_t s = 0; s < n_starts; s++) {
        double f = bo_gpi_objective(gp, &part, starts + s * nh, NULL);
        fval[s] = isfinite(f) ? f : INFINITY;
    }
    /* kept[k]: the k-th start given a short run, ranked by its result. */
    size_t kept[SCREEN_KEEP], n_kept = 0;
    double fkept[SCREEN_KEEP];
    size_t screen_keep = theta_warm ? SCREEN_KEEP_WARM : SCREEN_KEEP;
    for (size_t keep = 0; keep < screen_keep && keep < n_starts; keep++) {
        size_t s = 0;
        for (size_t q = 1; q < n_starts; q++)
            if (fval[q] < fval[s])
                s = q;
        if (!(fval[s] < INFINITY) && keep > 0)
            break;
        fval[s] = INFINITY; /* taken */
        double f = run_lbfgs(gp, &part, starts + s * nh, scratch, NULL, SCREEN_EVALS, SCREEN_FTOL,
                             (unsigned long)(seed_base + run++));
        size_t k = n_kept++;
        while (k > 0 && !(f >= fkept[k - 1])) {
            kept[k] = kept[k - 1];
            fkept[k] = fkept[k - 1];
            k--;
        }
        kept[k] = s;
        fkept[k] = f;
    }
    /* Multi-fidelity likelihoods have competing modes (a biased source
     * merged with the target, its bias taken for noise, against a map that
     * keeps them apart) that a subset cannot always tell apart: a cold fit
     * takes the two best screened starts all the way and keeps the better. */
    size_t n_finalists = (S > 1 && !theta_warm && n_kept > 1) ? 2 : 1;
    double fbest = INFINITY;
    for (size_t fin = 0; fin < n_finalists; fin++) {
        double *cand_theta = fin == 0 ? best : second;
        memcpy(cand_theta, starts + kept[fin] * nh, nh * sizeof *cand_theta);
        /* The warm start (index 1) is the previous fit's optimum on all but
         * the newest rows. When it wins the screen (after its short run on
         * the subset), a ladder of subsets would only pull it further
         * towards a subset's optimum: it goes straight to the comparison on
         * all data below, where the unscreened warm start also competes. */
        int warm_won = theta_warm && kept[fin] == 1;
        if (use_subsets) {
            size_t m = SCREEN_ROWS;
            part.n = m;
            while (!warm_won && 4 * m <= n) {
                m *= 2;
                part.n = m;
                local_lbfgs(gp, &part, cand_theta, scratch, box, RUNG_EVALS, SCREEN_FTOL,
                            (unsigned long)(seed_base + run++));
            }
            /* A last rung at half the data when the ladder stopped well short
             * of it: an evaluation there costs an eighth of one on all data. */
            if (!warm_won && 2 * (n / 2) >= 3 * m) {
                part.n = n / 2;
                local_lbfgs(gp, &part, cand_theta, scratch, box, RUNG_EVALS, SCREEN_FTOL,
                            (unsigned long)(seed_base + run++));
            }
            /* On all data the climbed winner competes with the unscreened
             * current and warm hyperparameters (usually the previous fit's
             * optimum); the better one is polished. */
            double fb = bo_gpi_objective(gp, &full, cand_theta, NULL);
            const double *alt[2] = {gp->theta, theta_warm};
            for (int c = 0; c < 2; c++) {
                if (!alt[c])
                    continue;
                memcpy(scratch, alt[c], nh * sizeof *scratch);
                clamp_theta(gp, scratch);
                double fc = bo_gpi_objective(gp, &full, scratch, NULL);
                if (isfinite(fc) && !(fc >= fb)) {
                    fb = fc;
                    memcpy(cand_theta, scratch, nh * sizeof *cand_theta);
                }
            }
        }
        int cap = polish_evals(n, theta_warm != NULL);
        if (nf > 0 && !theta_warm)
            cap = categorical_polish_evals(n, cap);
        double f = use_subsets ? local_lbfgs(gp, &full, cand_theta, scratch, box, cap,
                                             POLISH_FTOL, (unsigned long)(seed_base + run++))
                               : run_lbfgs(gp, &full, cand_theta, scratch, NULL, cap, POLISH_FTOL,
                                           (unsigned long)(seed_base + run++));
        if (fin == 0 || f < fbest) {
            fbest = f;
            if (fin > 0)
                memcpy(best, cand_theta, nh * sizeof *best);
        }
    }
    /* Noise-free data leave the noise variance in a flat valley that runs
     * down to its floor: its gradient, 1/2 noise tr(W), vanishes with the
     * noise, so L-BFGS stops well above the floor (Piston, n = 800: at a
     * noise variance of 2e-8, 0.12 nats short of the floor's optimum). A
     * cold fit also tries its optimum with every learned noise term on the
     * floor, one evaluation, and keeps it when it is better. */
    if (!theta_warm && gp->n_noise > 0 && fbest < 1e300) {
        memcpy(scratch, best, nh * sizeof *scratch);
        for (size_t j = 0; j < gp->n_noise; j++)
            scratch[gp->off_noise + j] = gp->theta_lo[gp->off_noise + j];
        double f0 = bo_gpi_objective(gp, &full, scratch, NULL);
        if (isfinite(f0) && f0 < fbest) {
            fbest = f0;
            memcpy(best, scratch, nh * sizeof *best);
        }
    }
    if (!isfinite(fbest) || fbest >= 1e300) {
        st = bo_gpi_fail(gp, BO_EOPTIM, "gp fit: no hyperparameters gave a factorisable "
                         "covariance (n = %zu)", n);
        goto done;
    }
    memcpy(gp->theta, best, nh * sizeof *best);
    gp->fit_count++;
    st = bo_gpi_condition(gp);
done:
    free(starts);
    free(idx);
    free(taken);
    free(sub);
    free(sub_lev);
    return st;
}
