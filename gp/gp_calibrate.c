/* Joint MAP of a GP's hyperparameters and a computer model's calibration
 * parameters, and a Laplace approximation of their posterior.
 *
 * theta is the t coordinates of every field row, so the objective is the
 * GP's own (bo_gpi_objective) on inputs that move with theta. Its gradient
 * in theta comes from the matrix that objective leaves behind: after a call
 * with a gradient, the fit workspace holds B_ij = W_ij dk_ij/dd2 (i > j),
 * W = K^-1 - alpha alpha', and since d2_ij = sum_k w_k (u_ik - u_jk)^2,
 *   d nll / d u_ik = 2 w_k sum_j B_ij (u_ik - u_jk).
 * theta_k is shared by the field rows: its derivative sums that over them
 * (field-field pairs have u_ik = u_jk and add nothing). */
#include "gp/gp_calibrate.h"

#include "gp/gp_internal.h"
#include "gp/rng.h"

#include <lapacke.h>
#include <nlopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STARTS 8
#define JOINT_EVALS 400
#define JOINT_FTOL 1e-9
/* Central-difference step of the Laplace Hessian, in the optimiser's space
 * (logs of scales, the unit cube for theta): the gradient is analytic, so
 * the error is O(h^2) against rounding of O(eps / h). */
#define HESSIAN_STEP 1e-4

struct bo_gp_calib {
    bo_gp *gp;
    size_t dim, dx, q, field;
    double *lo, *hi;        /* theta box, caller units */
    double *lo_u, *hi_u;    /* the same on the GP's unit scale */
    size_t n;
    double *X;              /* caller-unit copy, field t columns = current theta */
    size_t *src;
    double *y;
    double *U;              /* unit-scale inputs the objective sees */
    double *v;              /* [hyper | theta_u] at the optimum */
    double *work;           /* 4 (nh + q) */
    double f_best;
    int fitted;
    char errmsg[256];
};

static bo_status fail(bo_gp_calib *c, bo_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static bo_status fail(bo_gp_calib *c, bo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

const char *bo_gp_calib_errmsg(const bo_gp_calib *c)
{
    return c ? c->errmsg : "gp calibrate: NULL handle";
}

bo_gp *bo_gp_calib_model(bo_gp_calib *c)
{
    return c->gp;
}

void bo_gp_calib_destroy(bo_gp_calib *c)
{
    if (!c)
        return;
    bo_gp_destroy(c->gp);
    free(c->lo);
    free(c->X);
    free(c->src);
    free(c->y);
    free(c->U);
    free(c->v);
    free(c->work);
    free(c);
}

bo_gp_calib *bo_gp_calib_create(const bo_gp_options *opt, size_t n_theta,
                                const double *theta_lower, const double *theta_upper,
                                char *errbuf, size_t errlen)
{
    char local[8];
    if (!errbuf) {
        errbuf = local;
        errlen = sizeof local;
    }
    if (errlen)
        errbuf[0] = '\0';
    if (!opt || !theta_lower || !theta_upper) {
        snprintf(errbuf, errlen, "gp calibrate: NULL options or bounds");
        return NULL;
    }
    if (n_theta == 0 || n_theta >= opt->dim) {
        snprintf(errbuf, errlen,
                 "gp calibrate: %zu calibration inputs of %zu: need at least one, and at "
                 "least one input that is not calibrated", n_theta, opt->dim);
        return NULL;
    }
    if (opt->n_sources != 2 || opt->target_source > 1) {
        snprintf(errbuf, errlen, "gp calibrate: needs two sources (simulation and field), "
                 "the field the target; got %zu sources, target %zu", opt->n_sources,
                 opt->target_source);
        return NULL;
    }
    if (opt->noise == BO_NOISE_KNOWN) {
        snprintf(errbuf, errlen, "gp calibrate: known per-point noise is not supported");
        return NULL;
    }
    for (size_t k = 0; k < n_theta; k++)
        if (!isfinite(theta_lower[k]) || !isfinite(theta_upper[k]) ||
            !(theta_lower[k] < theta_upper[k])) {
            snprintf(errbuf, errlen, "gp calibrate: bounds of calibration input %zu: "
                     "[%g, %g] is not a finite interval with lower < upper", k + 1,
                     theta_lower[k], theta_upper[k]);
            return NULL;
        }
    bo_gp_calib *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(errbuf, errlen, "gp calibrate: out of memory");
        return NULL;
    }
    c->gp = bo_gp_create(opt, errbuf, errlen);
    if (!c->gp) {
        free(c);
        return NULL;
    }
    c->dim = opt->dim;
    c->q = n_theta;
    c->dx = opt->dim - n_theta;
    c->field = opt->target_source;
    size_t nv = bo_gp_n_hyper(c->gp) + n_theta;
    c->lo = malloc(4 * n_theta * sizeof *c->lo);
    c->v = malloc(nv * sizeof *c->v);
    c->work = malloc(4 * nv * sizeof *c->work);
    if (!c->lo || !c->v || !c->work) {
        bo_gp_calib_destroy(c);
        snprintf(errbuf, errlen, "gp calibrate: out of memory");
        return NULL;
    }
    c->hi = c->lo + n_theta;
    c->lo_u = c->hi + n_theta;
    c->hi_u = c->lo_u + n_theta;
    for (size_t k = 0; k < n_theta; k++) {
        c->lo[k] = theta_lower[k];
        c->hi[k] = theta_upper[k];
        size_t col = c->dx + k;
        c->lo_u[k] = (theta_lower[k] - c->gp->offset[col]) / c->gp->scale[col];
        c->hi_u[k] = (theta_upper[k] - c->gp->offset[col]) / c->gp->scale[col];
    }
    return c;
}

/* Writes theta (caller units) into the field rows of X. */
static void place_theta(bo_gp_calib *c, const double *theta)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->src[i] == c->field)
            memcpy(c->X + i * c->dim + c->dx, theta, c->q * sizeof *theta);
}

static double theta_caller(const bo_gp_calib *c, size_t k, double u)
{
    size_t col = c->dx + k;
    return c->gp->offset[col] + c->gp->scale[col] * u;
}

bo_status bo_gp_calib_set_data(bo_gp_calib *c, size_t n, const double *X,
                               const size_t *source, const double *y)
{
    c->errmsg[0] = '\0';
    c->fitted = 0;
    if (n == 0 || !X || !source || !y)
        return fail(c, BO_EINVAL, "gp calibrate: no data");
    size_t n_field = 0;
    for (size_t i = 0; i < n; i++) {
        if (source[i] > 1)
            return fail(c, BO_EINVAL, "gp calibrate: row %zu: source %zu out of range "
                        "(two sources)", i + 1, source[i]);
        n_field += source[i] == c->field;
    }
    if (n_field == 0 || n_field == n)
        return fail(c, BO_EINVAL, "gp calibrate: needs both simulation and field rows "
                    "(%zu of %zu rows are field rows)", n_field, n);
    size_t d = c->dim;
    double *nX = malloc(n * d * sizeof *nX), *ny = malloc(n * sizeof *ny);
    double *nU = malloc(n * d * sizeof *nU);
    size_t *ns = malloc(n * sizeof *ns);
    if (!nX || !ny || !nU || !ns) {
        free(nX);
        free(ny);
        free(nU);
        free(ns);
        return fail(c, BO_ENOMEM, "gp calibrate: out of memory for %zu rows", n);
    }
    memcpy(nX, X, n * d * sizeof *nX);
    memcpy(ny, y, n * sizeof *ny);
    memcpy(ns, source, n * sizeof *ns);
    free(c->X);
    free(c->y);
    free(c->U);
    free(c->src);
    c->X = nX;
    c->y = ny;
    c->U = nU;
    c->src = ns;
    c->n = n;
    /* Until a fit, the field sits at the centre of theta's box. */
    double *mid = c->work;
    for (size_t k = 0; k < c->q; k++)
        mid[k] = 0.5 * (c->lo[k] + c->hi[k]);
    place_theta(c, mid);
    bo_status st = bo_gp_set_data(c->gp, n, c->X, c->src, c->y, NULL);
    if (st != BO_OK)
        return fail(c, st, "gp calibrate: %s", bo_gp_errmsg(c->gp));
    st = bo_gpi_reserve_fit(c->gp, n);
    if (st != BO_OK)
        return fail(c, st, "gp calibrate: %s", bo_gp_errmsg(c->gp));
    bo_gpi_standardise(c->gp);
    memcpy(c->U, c->gp->U, n * d * sizeof *c->U);
    return BO_OK;
}

/* The objective in the optimiser's space v = [hyper | theta_u]. */
static double objective(bo_gp_calib *c, const double *v, double *grad)
{
    bo_gp *gp = c->gp;
    size_t n = c->n, d = c->dim, dx = c->dx, q = c->q, nh = gp->n_hyper;
    const double *tu = v + nh;
    for (size_t i = 0; i < n; i++)
        if (c->src[i] == c->field)
            memcpy(c->U + i * d + dx, tu, q * sizeof *tu);
    bo_gpi_data D = {n, c->U, c->src, gp->ys, NULL, NULL}; /* no categorical inputs */
    double f = bo_gpi_objective(gp, &D, v, grad);
    if (!grad || !isfinite(f))
        return f;
    const double *B = gp->wK, *w = gp->trial.w;
    double *g = grad + nh;
    for (size_t k = 0; k < q; k++)
        g[k] = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (c->src[i] != c->field)
            continue;
        const double *ui = c->U + i * d + dx;
        for (size_t j = 0; j < n; j++) {
            if (c->src[j] == c->field)
                continue;
            double b = i > j ? B[i * n + j] : B[j * n + i];
            const double *uj = c->U + j * d + dx;
            for (size_t k = 0; k < q; k++)
                g[k] += b * (ui[k] - uj[k]);
        }
    }
    for (size_t k = 0; k < q; k++)
        g[k] *= 2.0 * w[dx + k];
    return f;
}

double bo_gp_calib_neg_log_posterior(bo_gp_calib *c, const double *hyper, const double *theta,
                                     double *grad_hyper, double *grad_theta)
{
    c->errmsg[0] = '\0';
    if (c->n == 0) {
        fail(c, BO_ESTATE, "gp calibrate: no data");
        return NAN;
    }
    size_t nh = c->gp->n_hyper, q = c->q;
    double *v = c->work, *g = c->work + nh + q;
    memcpy(v, hyper, nh * sizeof *v);
    for (size_t k = 0; k < q; k++)
        v[nh + k] = (theta[k] - c->gp->offset[c->dx + k]) / c->gp->scale[c->dx + k];
    int want = grad_hyper && grad_theta;
    double f = objective(c, v, want ? g : NULL);
    if (!isfinite(f)) {
        fail(c, BO_ENUMERIC, "gp calibrate: covariance not positive definite even with jitter");
        return NAN;
    }
    if (want) {
        memcpy(grad_hyper, g, nh * sizeof *g);
        for (size_t k = 0; k < q; k++)
            grad_theta[k] = g[nh + k] / c->gp->scale[c->dx + k];
    }
    return f;
}

typedef struct joint_ctx {
    bo_gp_calib *c;
    size_t nv;
    double best_f;
    double *best_v;
} joint_ctx;

static double joint_nlopt(unsigned nv, const double *v, double *grad, void *data)
{
    joint_ctx *j = data;
    double f = objective(j->c, v, grad);
    int bad = !isfinite(f);
    for (unsigned k = 0; grad && !bad && k < nv; k++)
        bad = !isfinite(grad[k]);
    if (bad) {
        if (grad)
            memset(grad, 0, nv * sizeof *grad);
        return 1e300; /* the line search steps back */
    }
    if (f < j->best_f) {
        j->best_f = f;
        memcpy(j->best_v, v, nv * sizeof *v);
    }
    return f;
}

/* Joint L-BFGS from v (nv values); v becomes the best point seen. */
static double joint_lbfgs(bo_gp_calib *c, double *v, double *lo, double *hi, double *scratch,
                          unsigned long seed)
{
    size_t nv = c->gp->n_hyper + c->q;
    joint_ctx j = {c, nv, INFINITY, scratch};
    nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nv);
    if (!o)
        return INFINITY;
    nlopt_set_lower_bounds(o, lo);
    nlopt_set_upper_bounds(o, hi);
    nlopt_set_min_objective(o, joint_nlopt, &j);
    nlopt_set_maxeval(o, JOINT_EVALS);
    nlopt_set_ftol_rel(o, JOINT_FTOL);
    nlopt_srand(seed);
    double f;
    (void)nlopt_optimize(o, v, &f);
    nlopt_destroy(o);
    if (isfinite(j.best_f))
        memcpy(v, j.best_v, nv * sizeof *v);
    return j.best_f;
}

bo_status bo_gp_calib_fit(bo_gp_calib *c, size_t starts)
{
    c->errmsg[0] = '\0';
    if (c->n == 0)
        return fail(c, BO_ESTATE, "gp calibrate: no data");
    if (starts == 0)
        starts = DEFAULT_STARTS;
    bo_gp *gp = c->gp;
    size_t nh = gp->n_hyper, q = c->q, nv = nh + q;
    double *buf = malloc((5 * nv + 2 * q + starts * q) * sizeof *buf);
    size_t *perm = malloc((starts > 1 ? starts - 1 : 1) * sizeof *perm);
    if (!buf || !perm) {
        free(buf);
        free(perm);
        return fail(c, BO_ENOMEM, "gp calibrate: out of memory");
    }
    double *v = buf, *lo = v + nv, *hi = lo + nv, *scratch = hi + nv, *best = scratch + nv;
    double *theta = best + nv, *hyper_warm = theta + q, *tstart = hyper_warm + q;
    bo_gp_hyper_bounds(gp, lo, hi);
    memcpy(lo + nh, c->lo_u, q * sizeof *lo);
    memcpy(hi + nh, c->hi_u, q * sizeof *hi);

    /* Starts: the box's centre, then a Latin hypercube (each theta_k's
     * range cut into starts - 1 strata, one point in each, the strata
     * paired at random) so that a few starts still cover every range. */
    bo_rng rng;
    bo_rng_init_derived(&rng, gp->opt.seed, 0x63616c6962ULL, (uint64_t)c->n);
    for (size_t k = 0; k < q; k++)
        tstart[k] = 0.5 * (c->lo_u[k] + c->hi_u[k]);
    size_t m = starts - 1;
    for (size_t k = 0; k < q && m > 0; k++) {
        for (size_t s = 0; s < m; s++)
            perm[s] = s;
        for (size_t s = m; s > 1; s--) {
            size_t r = (size_t)bo_rng_below(&rng, s), t = perm[s - 1];
            perm[s - 1] = perm[r];
            perm[r] = t;
        }
        for (size_t s = 0; s < m; s++) {
            double frac = ((double)perm[s] + bo_rng_uniform(&rng)) / (double)m;
            tstart[(s + 1) * q + k] = c->lo_u[k] + frac * (c->hi_u[k] - c->lo_u[k]);
        }
    }

    double f_best = INFINITY;
    bo_status st = BO_OK;
    int have_warm = 0;
    for (size_t s = 0; s < starts; s++) {
        const double *tu = tstart + s * q;
        for (size_t k = 0; k < q; k++)
            theta[k] = theta_caller(c, k, tu[k]);
        place_theta(c, theta);
        st = bo_gp_set_data(gp, c->n, c->X, c->src, c->y, NULL);
        if (st == BO_OK)
            st = bo_gp_fit(gp, have_warm ? best : NULL);
        if (st != BO_OK) {
            /* One start whose hyperparameter fit fails does not sink the others. */
            continue;
        }
        bo_gp_get_hyper(gp, v);
        memcpy(v + nh, tu, q * sizeof *v);
        double f = joint_lbfgs(c, v, lo, hi, scratch, (unsigned long)(gp->opt.seed + s));
        if (f < f_best) {
            f_best = f;
            memcpy(best, v, nv * sizeof *best);
            have_warm = 1;
        }
    }
    if (!(f_best < 1e300)) {
        st = fail(c, BO_EOPTIM, "gp calibrate: no start gave a factorisable covariance%s%s",
                  gp->errmsg[0] ? ": " : "", bo_gp_errmsg(gp));
        goto done;
    }
    for (size_t k = 0; k < q; k++)
        theta[k] = theta_caller(c, k, best[nh + k]);
    place_theta(c, theta);
    st = bo_gp_set_data(gp, c->n, c->X, c->src, c->y, NULL);
    if (st == BO_OK)
        st = bo_gp_set_hyper(gp, best);
    if (st != BO_OK) {
        st = fail(c, st, "gp calibrate: %s", bo_gp_errmsg(gp));
        goto done;
    }
    memcpy(c->v, best, nv * sizeof *best);
    c->f_best = f_best;
    c->fitted = 1;
done:
    free(buf);
    free(perm);
    return st;
}

void bo_gp_calib_theta(const bo_gp_calib *c, double *theta)
{
    size_t nh = c->gp->n_hyper;
    for (size_t k = 0; k < c->q; k++)
        theta[k] = c->fitted ? theta_caller(c, k, c->v[nh + k]) : NAN;
}

double bo_gp_calib_neg_log_posterior_at_fit(const bo_gp_calib *c)
{
    return c->fitted ? c->f_best : NAN;
}

bo_status bo_gp_calib_posterior(bo_gp_calib *c, double *sd, double *cov, int *on_bound,
                                int *conditional)
{
    c->errmsg[0] = '\0';
    if (!c->fitted)
        return fail(c, BO_ESTATE, "gp calibrate: posterior before a fit");
    bo_gp *gp = c->gp;
    size_t nh = gp->n_hyper, q = c->q, nv = nh + q;
    double *lo = malloc((4 * nv + 2 * nv * nv + 2 * nv) * sizeof *lo);
    size_t *free_idx = malloc((nv + 2 * q) * sizeof *free_idx);
    if (!lo || !free_idx) {
        free(lo);
        free(free_idx);
        return fail(c, BO_ENOMEM, "gp calibrate: out of memory");
    }
    double *hi = lo + nv, *vp = hi + nv, *gp_plus = vp + nv, *H = gp_plus + nv;
    double *gm = H + nv * nv, *vm = gm + nv, *Hc = vm + nv;
    bo_status st = BO_OK;
    bo_gp_hyper_bounds(gp, lo, hi);
    memcpy(lo + nh, c->lo_u, q * sizeof *lo);
    memcpy(hi + nh, c->hi_u, q * sizeof *hi);
    size_t m = 0;
    int edge = 0;
    for (size_t a = 0; a < nv; a++) {
        double tol = 1e-6 * (hi[a] - lo[a]);
        int at = c->v[a] <= lo[a] + tol || c->v[a] >= hi[a] - tol;
        /* A parameter on its bound is held there: at a constrained
         * optimum the curvature across the bound means nothing (it may be
         * negative). A theta held so gets no sd. */
        if (a >= nh)
            edge |= at;
        if (!at)
            free_idx[m++] = a;
    }
    for (size_t a = 0; a < m; a++) {
        size_t ia = free_idx[a];
        memcpy(vp, c->v, nv * sizeof *vp);
        memcpy(vm, c->v, nv * sizeof *vm);
        vp[ia] += HESSIAN_STEP;
        vm[ia] -= HESSIAN_STEP;
        double fp = objective(c, vp, gp_plus), fm = objective(c, vm, gm);
        if (!isfinite(fp) || !isfinite(fm)) {
            st = fail(c, BO_ENUMERIC, "gp calibrate: the covariance cannot be factorised "
                      "next to the optimum");
            goto done;
        }
        for (size_t b = 0; b < m; b++)
            H[a * m + b] = (gp_plus[free_idx[b]] - gm[free_idx[b]]) / (2.0 * HESSIAN_STEP);
    }
    for (size_t a = 0; a < m; a++)
        for (size_t b = 0; b < a; b++) {
            double s = 0.5 * (H[a * m + b] + H[b * m + a]);
            H[a * m + b] = H[b * m + a] = s;
        }
    memcpy(Hc, H, m * m * sizeof *Hc);
    int cond = 0;
    if (LAPACKE_dpotrf_work(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, H, (lapack_int)m) != 0 ||
        LAPACKE_dpotri_work(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, H, (lapack_int)m) != 0) {
        /* A hyperparameter in a flat or saddle direction (a field noise
         * walking towards its floor on a handful of points is the usual
         * one): no joint Gaussian. Fall back on theta's conditional given
         * the hyperparameters, the Hessian's theta block alone: smaller than
         * the marginal, and flagged as such. */
        size_t mt = 0, *row = free_idx + nv + q; /* row in Hc of each kept theta */
        for (size_t a = 0; a < m; a++)
            if (free_idx[a] >= nh) {
                row[mt] = a;
                free_idx[mt++] = free_idx[a];
            }
        for (size_t a = 0; a < mt; a++)
            for (size_t b = 0; b < mt; b++)
                H[a * mt + b] = Hc[row[a] * m + row[b]];
        m = mt;
        cond = 1;
        if (m == 0 ||
            LAPACKE_dpotrf_work(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, H, (lapack_int)m) != 0 ||
            LAPACKE_dpotri_work(LAPACK_ROW_MAJOR, 'L', (lapack_int)m, H, (lapack_int)m) != 0) {
            st = fail(c, BO_ENUMERIC, "gp calibrate: the log posterior's Hessian in theta at "
                      "the optimum is not negative definite (theta not identified by the "
                      "data): no Laplace sd");
            goto done;
        }
    }
    /* Where each theta sits in the free set (the thetas come last, in
     * order); dpotri filled the lower triangle. */
    size_t *pos_of = free_idx + m; /* free_idx has nv entries, m + q <= nv + q */
    for (size_t k = 0; k < q; k++)
        pos_of[k] = (size_t)-1;
    for (size_t a = 0; a < m; a++)
        if (free_idx[a] >= nh)
            pos_of[free_idx[a] - nh] = a;
    for (size_t k = 0; k < q; k++) {
        double sk = gp->scale[c->dx + k];
        for (size_t l = 0; l < q; l++) {
            double s = NAN;
            if (pos_of[k] != (size_t)-1 && pos_of[l] != (size_t)-1) {
                size_t a = pos_of[k] > pos_of[l] ? pos_of[k] : pos_of[l];
                size_t b = pos_of[k] > pos_of[l] ? pos_of[l] : pos_of[k];
                s = H[a * m + b] * sk * gp->scale[c->dx + l];
            }
            if (cov)
                cov[k * q + l] = s;
            if (k == l)
                sd[k] = sqrt(s);
        }
    }
    if (on_bound)
        *on_bound = edge;
    if (conditional)
        *conditional = cond;
done:
    /* The objective moved the field rows' inputs; put them back at the MAP. */
    (void)objective(c, c->v, NULL);
    free(lo);
    free(free_idx);
    return st;
}
