#ifndef BO_GP_GP_INTERNAL_H
#define BO_GP_GP_INTERNAL_H

/* Private to gp/: the GP handle's layout and the pieces gp.c, gp_fit.c and
 * gp_predict.c share. Nothing here is part of the public contract. */

#include <math.h>
#include <stddef.h>

#include "gp/gp.h"
#include "gp/gp_kernel.h"

/* Prior and bounds constants (the optimiser space; see docs/gp.md). Inputs
 * live in the unit cube, y is standardised, so these are scale-free. */
#define BO_GPI_LS_MIN 1e-3          /* length-scale bounds in the unit cube */
#define BO_GPI_LS_MAX 20.0
#define BO_GPI_LS_PRIOR_MU (-0.69314718055994531)   /* log 0.5 */
#define BO_GPI_LS_PRIOR_SD 1.5
#define BO_GPI_SIG_MIN 1e-4         /* signal variance bounds */
#define BO_GPI_SIG_MAX 1e4
/* The signal and noise variances have flat priors inside their boxes; these
 * are only where the fit's random starts are drawn from (docs/gp.md says why
 * a prior there pulled fits away from the likelihood's optimum). */
#define BO_GPI_SIG_START_MU 0.0     /* log signal variance starts ~ N(0, 2^2) */
#define BO_GPI_SIG_START_SD 2.0
#define BO_GPI_NOISE_FLOOR 1e-10    /* default floor of learned noise variances: low
                                       enough that deterministic objectives are
                                       interpolated (regrets of 1e-7 need it) */
#define BO_GPI_NOISE_MAX 10.0
#define BO_GPI_NOISE_START_MU (-9.2103403719761836) /* log noise variance starts ~ */
#define BO_GPI_NOISE_START_SD 3.0                     /* N(log 1e-4, 3^2) */
#define BO_GPI_MEAN_BOUND 10.0      /* flat prior on [-10, 10] */
#define BO_GPI_LATENT_BOUND 4.0     /* N(0, 1) prior, box [-4, 4] */

/* A data set on the model's internal scales: unit-cube inputs and
 * standardised outputs. The fit runs the same objective on the full data and
 * on random subsets, hence a view rather than the handle's arrays. */
typedef struct bo_gpi_data {
    size_t n;
    const double *U;        /* n x dim, row-major */
    const size_t *src;      /* n source indices */
    const double *ys;       /* n standardised outputs */
    const double *nvs;      /* n known noise variances (standardised), or NULL */
    const size_t *lev;      /* n x n_fac level indices (one per latent map of the
                               categorical inputs), or NULL when there are none */
} bo_gpi_data;

/* Hyperparameters unpacked from theta into what the kernel needs. */
typedef struct bo_gpi_params {
    double *w;              /* dim inverse squared scales: d2 = sum w_k du_k^2 */
    double sig2;            /* signal variance */
    double *noise;          /* n_sources: learned/fixed noise variance per source
                               (BO_NOISE_KNOWN: the learned extra term or 0) */
    double *mean;           /* n_sources constant means */
    double *z;              /* 2 n_sources latent coordinates */
    double *lat;            /* n_sources^2: exp(-|z_a - z_b|^2) */
    double *zc;             /* n_zc latent coordinates of the categorical maps */
    double *latc;           /* n_latc: each map's L^2 matrix exp(-|z_l - z_l'|^2) */
} bo_gpi_params;

struct bo_gp {
    bo_gp_options opt;
    double *lower, *upper;  /* copies of the box, or NULL */
    double *offset, *scale; /* u_q = (x[cont_col[q]] - offset[q]) / scale[q] */

    /* Categorical inputs: the dc continuous inputs are x's columns cont_col
     * (U holds only them, and the length-scales are theirs); the nc
     * categorical ones are cat_col. Their n_fac latent maps (one per input,
     * or one shared) have fac_levels[m] levels each, coordinates from
     * fac_zoff[m] in zc and the pair matrix from fac_loff[m] in latc. Under
     * the shared map, an observation's level is sum_v x[cat_col[v]] cat_stride[v]. */
    size_t dc, nc, n_fac, n_zc, n_latc;
    size_t *cont_col, *cat_col, *levels, *fac_levels, *fac_zoff, *fac_loff, *cat_stride;
    size_t *lev;            /* n x n_fac level indices (capacity cap) */
    size_t *plev;           /* n_fac: a query point's */
    size_t *blk_lev;        /* BLOCK x n_fac: a block's */
    double *pG;             /* dim^2: gradient covariance before spreading to dim */
    char errmsg[256];

    /* Hyperparameter layout: [log length-scales | omega](dim), log signal
     * variance, noise terms, mean terms, latent coordinates. */
    size_t n_hyper;
    size_t off_signal, off_noise, n_noise, off_mean, n_mean, off_latent, n_latent;
    size_t off_cat;         /* the categorical maps' coordinates (n_zc of them) */
    double ls_dlog;         /* dw/dtheta = ls_dlog * w for the scale parameters */
    double *theta, *theta_lo, *theta_hi, *prior_mu, *prior_sd; /* prior_sd 0: flat */
    double *start_mu, *start_sd; /* where the fit's random starts are drawn */

    /* Data: capacity grows geometrically. */
    size_t n, cap;
    double *U;              /* unit-cube inputs */
    size_t *src;
    double *y;              /* caller units */
    double *ys;             /* standardised */
    double *nv;             /* known noise variances, caller units (KNOWN only) */
    double *nvs;            /* the same, standardised */
    double y_mean, y_sd;

    /* Conditioned state: Cholesky factor of K (lower, row-major, leading
     * dimension ldl), alpha = K^-1 (ys - mean). */
    int conditioned;
    bo_gpi_params cur;
    double *L;
    size_t ldl, l_cap;      /* leading dimension and allocated rows */
    double *alpha, *resid;
    double jitter;
    double lml_std;

    /* Prediction workspaces (sized with cap). */
    double *pk, *pv, *pJ, *pZ, *pu, *pd;    /* n, n, n*dim, n*dim, dim, dim */
    double *blk, *blk_u, *blk_acc;          /* n*BLOCK, BLOCK*dim, 2*BLOCK */
    size_t pred_cap;

    /* Fit workspaces. */
    bo_gpi_params trial;
    double *wK;             /* n^2: K, its factor, K^-1, then B (see gp_fit.c) */
    double *wA;             /* n(n-1): packed (k_ij, dk_ij/dd2) pairs, i > j */
    double *wX, *wBX;       /* n*(dim+1): centred inputs with a ones column; B times them */
    size_t w_cap;           /* rows they hold */
    double *wr, *wa, *wgls, *wM;
    /* The interval-score objective's (BO_FIT_INTERVAL_SCORE only, sized
     * with w_cap): wQ 2 n^2 for diag(g) K^-1 and K^-1 diag(g) K^-1, wv 3 n
     * for the per-point derivatives and K^-1 h (see gp_fit.c). */
    double *wQ, *wv;
    size_t wv_cap;
    unsigned long fit_count;
};

#define BO_GPI_BLOCK 128

/* r(d2) and dr/dd2 for an input kernel of scaled squared distance d2 >= 0. */
static inline double bo_gpi_kernel(bo_kernel_kind kind, double d2, double *dg)
{
    /* Inputs about 1e154 apart square to +Inf (or to a d2 whose multiples
     * below do); the kernel's limit there is 0, where the Matern forms would
     * give Inf * 0 = NaN. Every kernel is exactly 0 in double long before
     * d2 = 1e300. */
    if (!(d2 <= 1e300)) {
        *dg = 0.0;
        return 0.0;
    }
    switch (kind) {
    case BO_KERNEL_SQEXP: {
        double e = exp(-0.5 * d2);
        *dg = -0.5 * e;
        return e;
    }
    case BO_KERNEL_ROUGH_RBF: {
        double e = exp(-d2);
        *dg = -e;
        return e;
    }
    case BO_KERNEL_MATERN32: {
        double r = sqrt(3.0 * d2), e = exp(-r);
        *dg = -1.5 * e;
        return (1.0 + r) * e;
    }
    case BO_KERNEL_MATERN52: {
        double r = sqrt(5.0 * d2), e = exp(-r);
        *dg = -(5.0 / 6.0) * (1.0 + r) * e;
        return (1.0 + r + r * r / 3.0) * e;
    }
    }
    *dg = 0.0;
    return 0.0;
}

/* (dr/dd2) / r without the exponential, so the gradient pass need not
 * recompute it; finite where r underflows. */
static inline double bo_gpi_kernel_dlog(bo_kernel_kind kind, double d2)
{
    switch (kind) {
    case BO_KERNEL_SQEXP: return -0.5;
    case BO_KERNEL_ROUGH_RBF: return -1.0;
    case BO_KERNEL_MATERN32: return -1.5 / (1.0 + sqrt(3.0 * d2));
    case BO_KERNEL_MATERN52: {
        if (!(d2 <= 1e300))
            return 0.0; /* the limit, where the ratio below is Inf / Inf */
        double r = sqrt(5.0 * d2);
        return -(5.0 / 6.0) * (1.0 + r) / (1.0 + r + r * r / 3.0);
    }
    }
    return 0.0;
}

/* dr/dd2 at d2 = 0 (the curvature that gives the gradient process's prior). */
static inline double bo_gpi_kernel_dg0(bo_kernel_kind kind)
{
    double dg;
    (void)bo_gpi_kernel(kind, 0.0, &dg);
    return dg;
}

/* Records a message in the handle and returns status. */
bo_status bo_gpi_fail(bo_gp *gp, bo_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The factor the categorical maps give the covariance of two observations
 * with level vectors li and lj (n_fac values each). */
static inline double bo_gpi_cat_factor(const bo_gp *gp, const bo_gpi_params *P,
                                       const size_t *li, const size_t *lj)
{
    double f = 1.0;
    for (size_t m = 0; m < gp->n_fac; m++)
        f *= P->latc[gp->fac_loff[m] + li[m] * gp->fac_levels[m] + lj[m]];
    return f;
}

/* The latent-map levels of x (caller units) into lev (n_fac values). -1
 * when a categorical value is not a level index; *bad is then its input. */
int bo_gpi_levels(const bo_gp *gp, const double *x, size_t *lev, size_t *bad);
/* BO_EINVAL naming what, the input and the value, for bo_gpi_levels's -1. */
bo_status bo_gpi_level_error(bo_gp *gp, const char *what, const double *x, size_t bad);

/* theta -> params (w, sig2, noise, mean, z, lat). */
void bo_gpi_unpack(const bo_gp *gp, const double *theta, bo_gpi_params *p);
/* The handle's full data as a view. */
bo_gpi_data bo_gpi_full_data(const bo_gp *gp);
/* Off-diagonal lower triangle of the covariance of D under P into K (leading
 * dimension ld). */
void bo_gpi_build_lower(const bo_gp *gp, const bo_gpi_data *D, const bo_gpi_params *P,
                        double *K, size_t ld);
/* K_ii without jitter: signal variance plus all noise of observation i. */
static inline double bo_gpi_diag(const bo_gpi_data *D, const bo_gpi_params *P, size_t i)
{
    return P->sig2 + P->noise[D->src[i]] + (D->nvs ? D->nvs[i] : 0.0);
}
/* Jitter escalation: attempt 0 adds nothing, then 1e-10 ... 1e-2 of scale. */
#define BO_GPI_JITTER_ATTEMPTS 10
static inline double bo_gpi_jitter_level(int attempt, double scale)
{
    return attempt == 0 ? 0.0 : scale * 1e-10 * pow(10.0, (double)(attempt - 1));
}
/* In-place Cholesky of a row-major lower triangle: that memory is the
 * column-major upper triangle of the same matrix, so LAPACKE's column-major
 * path factorises it without the transposed copy (and allocation) its
 * row-major path makes; the _work entry skips LAPACKE's O(n^2) NaN scan
 * (the matrix is built from checked finite data). Returns LAPACK's info. */
int bo_gpi_potrf(double *K, size_t n, size_t ld);
/* K^-1 from the factor, same storage trick; returns info. */
int bo_gpi_potri(double *K, size_t n, size_t ld);
/* Makes room for n observations in data and prediction arrays. */
bo_status bo_gpi_reserve(bo_gp *gp, size_t n);
/* Output mean and sd from the current y (sd 1 when y is constant), and the
 * standardised ys and known noise variances. */
void bo_gpi_standardise(bo_gp *gp);
/* Room for an n-row Cholesky factor, keeping the rows already factorised. */
bo_status bo_gpi_reserve_factor(bo_gp *gp, size_t n);
/* resid, alpha and the log marginal likelihood from the factor in L. */
void bo_gpi_solve_alpha(bo_gp *gp);
/* Conditions the model on the current data and theta. */
bo_status bo_gpi_condition(bo_gp *gp);

/* The fit objective on a data view; NAN when K cannot be factorised. The fit
 * workspaces must hold data->n rows. */
double bo_gpi_objective(bo_gp *gp, const bo_gpi_data *data, const double *theta, double *grad);
/* Makes the fit workspaces hold n rows. */
bo_status bo_gpi_reserve_fit(bo_gp *gp, size_t n);

/* Input x (caller units) -> unit cube. */
static inline void bo_gpi_scale_x(const bo_gp *gp, const double *x, double *u)
{
    for (size_t k = 0; k < gp->dc; k++)
        u[k] = (x[gp->cont_col[k]] - gp->offset[k]) / gp->scale[k];
}

#endif
