/* The GP handle: options, data, hyperparameter layout, conditioning.
 *
 * Hyperparameter vector (the optimiser's space), in this order:
 *   [0, dim)          log length-scale of each input on the unit cube
 *                     (BO_KERNEL_ROUGH_RBF: omega_k, with weight 10^omega_k)
 *   off_signal        log signal variance (standardised y)
 *   off_noise ...     BO_NOISE_LEARN: one log noise variance;
 *                     BO_NOISE_PER_SOURCE: one per source;
 *                     BO_NOISE_KNOWN with learn_extra_noise: the extra term;
 *                     otherwise none
 *   off_mean ...      BO_MEAN_CONSTANT: one constant; BO_MEAN_PER_SOURCE: one per
 *                     source except the target, in source order; else none
 *   off_latent ...    n_sources > 1: z_s (2 values per source, in order)
 *   off_cat ...       categorical inputs: each latent map's points (2 values
 *                     per level, in level order), the maps in input order
 *
 * The length-scales are those of the continuous inputs only (dc of them, in
 * input order), so without categorical inputs the layout is as it always was.
 *
 * Latent symmetries: the likelihood depends only on distances between the
 * z_s, so translations, rotations and reflections of the whole map leave it
 * unchanged. The coordinates stay free under their N(0, 1) prior (which fixes
 * the translation softly; rotation is a flat direction that L-BFGS does not
 * mind) and are canonicalised only for reporting in bo_gp_latent. */
#include "gp/gp_internal.h"

#include <cblas.h>
#include <lapacke.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double LOG_2PI = 1.8378770664093454836;

bo_status bo_gpi_fail(bo_gp *gp, bo_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(gp->errmsg, sizeof gp->errmsg, fmt, ap);
    va_end(ap);
    return status;
}

void bo_gp_options_default(bo_gp_options *opt, size_t dim)
{
    memset(opt, 0, sizeof *opt);
    opt->dim = dim;
    opt->n_sources = 1;
    opt->target_source = 0;
    opt->kernel = BO_KERNEL_MATERN52;
    opt->mean = BO_MEAN_CONSTANT;
    opt->noise = BO_NOISE_LEARN;
    opt->fixed_noise_var = 0.0;
    opt->learn_extra_noise = 0;
    opt->noise_floor = 0.0;
    opt->lower = NULL;
    opt->upper = NULL;
    opt->restarts = 0;
    opt->seed = 0;
    opt->n_levels = NULL;
    opt->latent_mode = BO_LATENT_PER_VARIABLE;
    opt->fit_criterion = BO_FIT_MAP;
    opt->fit_is_weight = 0.0;
}

static int kernel_valid(bo_kernel_kind kind)
{
    for (const bo_kernel_info *k = bo_kernel_registry; k->name; k++)
        if (k->kind == kind)
            return 1;
    return 0;
}

static int check_options(const bo_gp_options *opt, char *msg, size_t len)
{
    if (!opt) {
        snprintf(msg, len, "gp options: NULL");
        return -1;
    }
    if (opt->dim == 0) {
        snprintf(msg, len, "gp options: dim is 0 (need at least one input)");
        return -1;
    }
    if (opt->n_sources == 0) {
        snprintf(msg, len, "gp options: n_sources is 0 (need at least one source)");
        return -1;
    }
    if (opt->target_source >= opt->n_sources) {
        snprintf(msg, len, "gp options: target_source %zu not below n_sources %zu",
                 opt->target_source, opt->n_sources);
        return -1;
    }
    if (!kernel_valid(opt->kernel)) {
        snprintf(msg, len, "gp options: unknown kernel value %d", (int)opt->kernel);
        return -1;
    }
    if (opt->mean != BO_MEAN_ZERO && opt->mean != BO_MEAN_CONSTANT &&
        opt->mean != BO_MEAN_PER_SOURCE) {
        snprintf(msg, len, "gp options: unknown mean value %d", (int)opt->mean);
        return -1;
    }
    if (opt->noise != BO_NOISE_LEARN && opt->noise != BO_NOISE_FIXED &&
        opt->noise != BO_NOISE_PER_SOURCE && opt->noise != BO_NOISE_KNOWN) {
        snprintf(msg, len, "gp options: unknown noise value %d", (int)opt->noise);
        return -1;
    }
    if (opt->noise == BO_NOISE_FIXED &&
        !(isfinite(opt->fixed_noise_var) && opt->fixed_noise_var >= 0.0)) {
        snprintf(msg, len, "gp options: fixed_noise_var %g must be finite and >= 0",
                 opt->fixed_noise_var);
        return -1;
    }
    if (!(isfinite(opt->noise_floor) && opt->noise_floor >= 0.0 &&
          opt->noise_floor < BO_GPI_NOISE_MAX)) {
        snprintf(msg, len, "gp options: noise_floor %g must be in [0, %g)", opt->noise_floor,
                 BO_GPI_NOISE_MAX);
        return -1;
    }
    if ((opt->lower == NULL) != (opt->upper == NULL)) {
        snprintf(msg, len, "gp options: give both lower and upper, or neither");
        return -1;
    }
    if (opt->latent_mode != BO_LATENT_PER_VARIABLE && opt->latent_mode != BO_LATENT_SHARED) {
        snprintf(msg, len, "gp options: unknown latent_mode value %d", (int)opt->latent_mode);
        return -1;
    }
    if (opt->fit_criterion != BO_FIT_MAP && opt->fit_criterion != BO_FIT_INTERVAL_SCORE) {
        snprintf(msg, len, "gp options: unknown fit_criterion value %d", (int)opt->fit_criterion);
        return -1;
    }
    if (opt->fit_criterion == BO_FIT_INTERVAL_SCORE &&
        !(isfinite(opt->fit_is_weight) && opt->fit_is_weight >= 0.0)) {
        snprintf(msg, len, "gp options: fit_is_weight %g must be finite and >= 0",
                 opt->fit_is_weight);
        return -1;
    }
    if (opt->n_levels) {
        size_t combos = 1;
        for (size_t k = 0; k < opt->dim; k++) {
            if (opt->n_levels[k] > BO_GP_MAX_LEVELS) {
                snprintf(msg, len, "gp options: input %zu: %zu levels, more than the %d a "
                         "categorical input may have", k, opt->n_levels[k], BO_GP_MAX_LEVELS);
                return -1;
            }
            if (opt->n_levels[k] > 0) {
                combos *= opt->n_levels[k];
                if (opt->latent_mode == BO_LATENT_SHARED && combos > BO_GP_MAX_SHARED_LEVELS) {
                    snprintf(msg, len, "gp options: the categorical inputs have more than %d "
                             "combinations of levels, too many for one shared latent map "
                             "(use one map per input)", BO_GP_MAX_SHARED_LEVELS);
                    return -1;
                }
            }
        }
    }
    if (opt->lower) {
        for (size_t k = 0; k < opt->dim; k++) {
            if (opt->n_levels && opt->n_levels[k] > 0)
                continue; /* a categorical input is not scaled */
            double lo = opt->lower[k], hi = opt->upper[k];
            if (!(isfinite(lo) && isfinite(hi) && lo < hi)) {
                snprintf(msg, len, "gp options: input %zu: lower %g must be below upper %g "
                         "(both finite)", k, lo, hi);
                return -1;
            }
        }
    }
    return 0;
}

static void set_layout(bo_gp *gp)
{
    const bo_gp_options *o = &gp->opt;
    size_t d = gp->dc, S = o->n_sources;
    gp->off_signal = d;
    gp->off_noise = d + 1;
    switch (o->noise) {
    case BO_NOISE_LEARN: gp->n_noise = 1; break;
    case BO_NOISE_FIXED: gp->n_noise = 0; break;
    case BO_NOISE_PER_SOURCE: gp->n_noise = S; break;
    case BO_NOISE_KNOWN: gp->n_noise = o->learn_extra_noise ? 1 : 0; break;
    }
    gp->off_mean = gp->off_noise + gp->n_noise;
    switch (o->mean) {
    case BO_MEAN_ZERO: gp->n_mean = 0; break;
    case BO_MEAN_CONSTANT: gp->n_mean = 1; break;
    case BO_MEAN_PER_SOURCE: gp->n_mean = S - 1; break;
    }
    gp->off_latent = gp->off_mean + gp->n_mean;
    gp->n_latent = S > 1 ? 2 * S : 0;
    gp->off_cat = gp->off_latent + gp->n_latent;
    gp->n_hyper = gp->off_cat + gp->n_zc;
}

/* Bounds, priors and starting values; see docs/gp.md for the reasoning. */
static void set_priors(bo_gp *gp)
{
    size_t d = gp->dc, S = gp->opt.n_sources;
    double floor_var = gp->opt.noise_floor > 0.0 ? gp->opt.noise_floor : BO_GPI_NOISE_FLOOR;
    for (size_t k = 0; k < d; k++) {
        if (gp->opt.kernel == BO_KERNEL_ROUGH_RBF) {
            /* omega = log10(1 / (2 l^2)) makes 10^omega dx^2 the squared
             * exponential's dx^2 / (2 l^2): the same bounds and prior as
             * the length-scale kernels, mapped. */
            gp->ls_dlog = log(10.0);
            gp->theta_lo[k] = log10(1.0 / (2.0 * BO_GPI_LS_MAX * BO_GPI_LS_MAX));
            gp->theta_hi[k] = log10(1.0 / (2.0 * BO_GPI_LS_MIN * BO_GPI_LS_MIN));
            gp->prior_mu[k] = -log10(2.0) - 2.0 * BO_GPI_LS_PRIOR_MU / log(10.0);
            gp->prior_sd[k] = 2.0 * BO_GPI_LS_PRIOR_SD / log(10.0);
        } else {
            gp->ls_dlog = -2.0;
            gp->theta_lo[k] = log(BO_GPI_LS_MIN);
            gp->theta_hi[k] = log(BO_GPI_LS_MAX);
            gp->prior_mu[k] = BO_GPI_LS_PRIOR_MU;
            gp->prior_sd[k] = BO_GPI_LS_PRIOR_SD;
        }
    }
    gp->theta_lo[d] = log(BO_GPI_SIG_MIN);
    gp->theta_hi[d] = log(BO_GPI_SIG_MAX);
    gp->prior_mu[d] = 0.0;
    gp->prior_sd[d] = 0.0;
    gp->start_mu[d] = BO_GPI_SIG_START_MU;
    gp->start_sd[d] = BO_GPI_SIG_START_SD;
    for (size_t i = 0; i < gp->n_noise; i++) {
        size_t j = gp->off_noise + i;
        gp->theta_lo[j] = log(floor_var);
        gp->theta_hi[j] = log(BO_GPI_NOISE_MAX);
        gp->prior_mu[j] = 0.0;
        gp->prior_sd[j] = 0.0;
        gp->start_mu[j] = BO_GPI_NOISE_START_MU;
        gp->start_sd[j] = BO_GPI_NOISE_START_SD;
    }
    for (size_t i = 0; i < gp->n_mean; i++) {
        size_t j = gp->off_mean + i;
        gp->theta_lo[j] = -BO_GPI_MEAN_BOUND;
        gp->theta_hi[j] = BO_GPI_MEAN_BOUND;
        gp->prior_mu[j] = 0.0;
        gp->prior_sd[j] = 0.0;
    }
    /* The categorical maps' points follow the sources' and have the same
     * box and prior. */
    for (size_t i = 0; i < gp->n_latent + gp->n_zc; i++) {
        size_t j = gp->off_latent + i;
        gp->theta_lo[j] = -BO_GPI_LATENT_BOUND;
        gp->theta_hi[j] = BO_GPI_LATENT_BOUND;
        gp->prior_mu[j] = 0.0;
        gp->prior_sd[j] = 1.0;
    }
    for (size_t j = 0; j < gp->n_hyper; j++) {
        if (j != gp->off_signal && (j < gp->off_noise || j >= gp->off_noise + gp->n_noise)) {
            gp->start_mu[j] = gp->prior_mu[j];
            gp->start_sd[j] = gp->prior_sd[j];
        }
        double t = gp->start_mu[j];
        gp->theta[j] = fmin(fmax(t, gp->theta_lo[j]), gp->theta_hi[j]);
    }
    /* Coincident latent points are a stationary point of the likelihood (all
     * latent gradients vanish there), so start from a small circle. */
    for (size_t s = 0; s < gp->n_latent / 2; s++) {
        double a = 6.283185307179586 * (double)s / (double)S;
        gp->theta[gp->off_latent + 2 * s] = 0.5 * cos(a);
        gp->theta[gp->off_latent + 2 * s + 1] = 0.5 * sin(a);
    }
    for (size_t m = 0; m < gp->n_fac; m++) {
        size_t L = gp->fac_levels[m];
        for (size_t l = 0; l < L; l++) {
            double a = 6.283185307179586 * (double)l / (double)L;
            gp->theta[gp->off_cat + gp->fac_zoff[m] + 2 * l] = 0.5 * cos(a);
            gp->theta[gp->off_cat + gp->fac_zoff[m] + 2 * l + 1] = 0.5 * sin(a);
        }
    }
}

static int params_alloc(bo_gpi_params *p, size_t d, size_t S, size_t nzc, size_t nlatc)
{
    double *block = calloc(d + 4 * S + S * S + nzc + nlatc, sizeof *block);
    if (!block)
        return -1;
    p->w = block;
    p->noise = block + d;
    p->mean = p->noise + S;
    p->z = p->mean + S;
    p->lat = p->z + 2 * S;
    p->zc = p->lat + S * S;
    p->latc = p->zc + nzc;
    return 0;
}

/* Which inputs are continuous and which categorical, and the latent maps
 * of the categorical ones; 0, or -1 when memory runs out. */
static int set_categorical(bo_gp *gp)
{
    size_t d = gp->opt.dim;
    gp->cont_col = malloc((8 * d + BO_GPI_BLOCK * d) * sizeof *gp->cont_col);
    if (!gp->cont_col)
        return -1;
    gp->cat_col = gp->cont_col + d;
    gp->levels = gp->cat_col + d;
    gp->fac_levels = gp->levels + d;
    gp->fac_zoff = gp->fac_levels + d;
    gp->fac_loff = gp->fac_zoff + d;
    gp->cat_stride = gp->fac_loff + d;
    gp->plev = gp->cat_stride + d;
    gp->blk_lev = gp->plev + d;
    gp->dc = gp->nc = 0;
    for (size_t k = 0; k < d; k++) {
        gp->levels[k] = gp->opt.n_levels ? gp->opt.n_levels[k] : 0;
        if (gp->levels[k] > 0)
            gp->cat_col[gp->nc++] = k;
        else
            gp->cont_col[gp->dc++] = k;
    }
    gp->opt.n_levels = gp->levels; /* the GP's own copy */
    gp->n_fac = 0;
    if (gp->nc > 0 && gp->opt.latent_mode == BO_LATENT_SHARED) {
        size_t stride = 1;
        for (size_t v = gp->nc; v-- > 0;) {
            gp->cat_stride[v] = stride;
            stride *= gp->levels[gp->cat_col[v]];
        }
        gp->fac_levels[0] = stride;
        gp->n_fac = 1;
    } else {
        for (size_t v = 0; v < gp->nc; v++) {
            gp->cat_stride[v] = 1;
            gp->fac_levels[gp->n_fac++] = gp->levels[gp->cat_col[v]];
        }
    }
    gp->n_zc = gp->n_latc = 0;
    for (size_t m = 0; m < gp->n_fac; m++) {
        gp->fac_zoff[m] = gp->n_zc;
        gp->fac_loff[m] = gp->n_latc;
        gp->n_zc += 2 * gp->fac_levels[m];
        gp->n_latc += gp->fac_levels[m] * gp->fac_levels[m];
    }
    if (gp->nc > 0) {
        gp->pG = malloc(d * d * sizeof *gp->pG);
        if (!gp->pG)
            return -1;
    }
    return 0;
}

int bo_gpi_levels(const bo_gp *gp, const double *x, size_t *lev, size_t *bad)
{
    size_t combo = 0;
    for (size_t v = 0; v < gp->nc; v++) {
        size_t k = gp->cat_col[v];
        double t = x[k];
        if (!(t >= 0.0 && t < (double)gp->levels[k] && t == floor(t))) {
            *bad = k;
            return -1;
        }
        if (gp->opt.latent_mode == BO_LATENT_SHARED)
            combo += (size_t)t * gp->cat_stride[v];
        else
            lev[v] = (size_t)t;
    }
    if (gp->nc > 0 && gp->opt.latent_mode == BO_LATENT_SHARED)
        lev[0] = combo;
    return 0;
}

bo_status bo_gpi_level_error(bo_gp *gp, const char *what, const double *x, size_t bad)
{
    return bo_gpi_fail(gp, BO_EINVAL, "%s: x[%zu] = %g is not a level of categorical input "
                       "%zu (an integer from 0 to %zu)", what, bad, x[bad], bad,
                       gp->levels[bad] - 1);
}

bo_gp *bo_gp_create(const bo_gp_options *opt, char *errbuf, size_t errlen)
{
    char msg[256];
    if (check_options(opt, msg, sizeof msg) != 0) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "%s", msg);
        return NULL;
    }
    bo_gp *gp = calloc(1, sizeof *gp);
    if (!gp)
        goto fail;
    gp->opt = *opt;
    gp->opt.n_levels = NULL; /* until set_categorical has the GP's copy */
    size_t d = opt->dim, S = opt->n_sources;
    gp->offset = calloc(2 * d, sizeof *gp->offset);
    if (!gp->offset)
        goto fail;
    gp->scale = gp->offset + d;
    if (opt->lower) {
        gp->lower = malloc(2 * d * sizeof *gp->lower);
        if (!gp->lower)
            goto fail;
        gp->upper = gp->lower + d;
        memcpy(gp->lower, opt->lower, d * sizeof *gp->lower);
        memcpy(gp->upper, opt->upper, d * sizeof *gp->upper);
    }
    /* The caller's pointers are not kept: the GP owns copies. */
    gp->opt.lower = gp->lower;
    gp->opt.upper = gp->upper;
    gp->opt.n_levels = opt->n_levels;
    if (set_categorical(gp) != 0)
        goto fail;
    for (size_t q = 0; q < gp->dc; q++) {
        size_t k = gp->cont_col[q];
        gp->offset[q] = gp->lower ? gp->lower[k] : 0.0;
        gp->scale[q] = gp->lower ? gp->upper[k] - gp->lower[k] : 1.0;
    }
    if (gp->opt.restarts == 0)
        gp->opt.restarts = 8;
    if (gp->opt.fit_criterion == BO_FIT_INTERVAL_SCORE && gp->opt.fit_is_weight == 0.0)
        gp->opt.fit_is_weight = BO_GP_FIT_IS_WEIGHT;
    set_layout(gp);
    gp->theta = calloc(7 * gp->n_hyper, sizeof *gp->theta);
    if (!gp->theta)
        goto fail;
    gp->theta_lo = gp->theta + gp->n_hyper;
    gp->theta_hi = gp->theta_lo + gp->n_hyper;
    gp->prior_mu = gp->theta_hi + gp->n_hyper;
    gp->prior_sd = gp->prior_mu + gp->n_hyper;
    gp->start_mu = gp->prior_sd + gp->n_hyper;
    gp->start_sd = gp->start_mu + gp->n_hyper;
    set_priors(gp);
    if (params_alloc(&gp->cur, d, S, gp->n_zc, gp->n_latc) != 0 ||
        params_alloc(&gp->trial, d, S, gp->n_zc, gp->n_latc) != 0)
        goto fail;
    gp->pu = calloc(2 * d, sizeof *gp->pu);
    if (!gp->pu)
        goto fail;
    gp->pd = gp->pu + d;
    gp->blk_u = malloc(BO_GPI_BLOCK * (d + 2) * sizeof *gp->blk_u);
    if (!gp->blk_u)
        goto fail;
    gp->blk_acc = gp->blk_u + BO_GPI_BLOCK * d;
    gp->y_mean = 0.0;
    gp->y_sd = 1.0;
    return gp;
fail:
    bo_gp_destroy(gp);
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "gp: out of memory");
    return NULL;
}

void bo_gp_destroy(bo_gp *gp)
{
    if (!gp)
        return;
    free(gp->lower);
    free(gp->offset);
    free(gp->cont_col);
    free(gp->lev);
    free(gp->pG);
    free(gp->theta);
    free(gp->cur.w);
    free(gp->trial.w);
    free(gp->U);
    free(gp->src);
    free(gp->y);
    free(gp->ys);
    free(gp->nv);
    free(gp->nvs);
    free(gp->L);
    free(gp->alpha);
    free(gp->resid);
    free(gp->pk);
    free(gp->pv);
    free(gp->pJ);
    free(gp->pZ);
    free(gp->pu);
    free(gp->blk);
    free(gp->blk_u);
    free(gp->wK);
    free(gp->wA);
    free(gp->wX);
    free(gp->wr);
    free(gp->wa);
    free(gp->wgls);
    free(gp->wM);
    free(gp->wQ);
    free(gp->wv);
    free(gp);
}

const char *bo_gp_errmsg(const bo_gp *gp)
{
    return gp ? gp->errmsg : "gp: NULL handle";
}

static int grow(void **p, size_t count, size_t size)
{
    void *q = realloc(*p, count * size);
    if (!q)
        return -1;
    *p = q;
    return 0;
}

bo_status bo_gpi_reserve(bo_gp *gp, size_t n)
{
    if (n <= gp->cap && gp->pred_cap >= gp->cap)
        return BO_OK;
    size_t d = gp->opt.dim;
    size_t cap = gp->cap;
    if (n > cap) {
        cap = cap + cap / 2;
        if (cap < n)
            cap = n;
        if (cap < 16)
            cap = 16;
    }
    if (grow((void **)&gp->U, cap * d, sizeof(double)) ||
        grow((void **)&gp->src, cap, sizeof(size_t)) ||
        grow((void **)&gp->y, cap, sizeof(double)) ||
        grow((void **)&gp->ys, cap, sizeof(double)) ||
        grow((void **)&gp->nv, cap, sizeof(double)) ||
        grow((void **)&gp->nvs, cap, sizeof(double)) ||
        grow((void **)&gp->alpha, cap, sizeof(double)) ||
        grow((void **)&gp->resid, cap, sizeof(double)) ||
        grow((void **)&gp->pk, cap, sizeof(double)) ||
        grow((void **)&gp->pv, cap, sizeof(double)) ||
        grow((void **)&gp->pJ, cap * d, sizeof(double)) ||
        grow((void **)&gp->pZ, cap * d, sizeof(double)) ||
        grow((void **)&gp->blk, cap * BO_GPI_BLOCK, sizeof(double)) ||
        (gp->n_fac > 0 && grow((void **)&gp->lev, cap * gp->n_fac, sizeof(size_t))))
        return bo_gpi_fail(gp, BO_ENOMEM, "gp: out of memory for %zu observations", n);
    gp->cap = cap;
    gp->pred_cap = cap;
    return BO_OK;
}

/* Room for an n-row Cholesky factor; the rows already factorised are kept
 * (add_point extends them). */
bo_status bo_gpi_reserve_factor(bo_gp *gp, size_t n)
{
    if (n <= gp->l_cap)
        return BO_OK;
    size_t cap = gp->l_cap + gp->l_cap / 2;
    if (cap < n)
        cap = n;
    double *L = malloc(cap * cap * sizeof *L);
    if (!L)
        return bo_gpi_fail(gp, BO_ENOMEM, "gp: out of memory for a %zu x %zu factor", cap, cap);
    if (gp->L && gp->conditioned)
        for (size_t i = 0; i < gp->n; i++)
            memcpy(L + i * cap, gp->L + i * gp->ldl, (i + 1) * sizeof *L);
    free(gp->L);
    gp->L = L;
    gp->l_cap = cap;
    gp->ldl = cap;
    return BO_OK;
}

/* Mean and population sd of y. The plain sums serve every y whose squares
 * are normal doubles (and keep its results bit for bit); past that -- a sum
 * of values near 1e308 is +Inf, squares of values near 1e-300 are 0 and of
 * 1e300 +Inf -- a running mean and squares relative to the largest deviation
 * give the same figures without overflow or underflow. */
static double spread_of(const double *y, size_t n, double *mean_out)
{
    if (n == 0) {
        *mean_out = 0.0;
        return 0.0;
    }
    double mean = 0.0, ss = 0.0, far = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    if (!isfinite(mean)) {
        mean = 0.0;
        for (size_t i = 0; i < n; i++)
            mean += (y[i] - mean) / (double)(i + 1);
    }
    *mean_out = mean;
    for (size_t i = 0; i < n; i++) {
        ss += (y[i] - mean) * (y[i] - mean);
        far = fmax(far, fabs(y[i] - mean));
    }
    if (far == 0.0 || (isfinite(ss) && far > 1e-150))
        return sqrt(ss / (double)n);
    ss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double r = (y[i] - mean) / far;
        ss += r * r;
    }
    return far * sqrt(ss / (double)n);
}

/* Constant y (up to rounding of the mean) has no scale of its own. */
static int spread_is_constant(double sd, double mean)
{
    return !(sd > 0.0) || !isfinite(sd) || sd <= 1e-13 * fabs(mean);
}

void bo_gpi_standardise(bo_gp *gp)
{
    size_t n = gp->n;
    double mean = 0.0;
    double sd = spread_of(gp->y, n, &mean);
    /* A constant y standardises to exactly 0: its rounding in the mean is
     * no data, and near 1e300 it is 1e284 in y's units. */
    int constant = spread_is_constant(sd, mean);
    if (constant)
        sd = 1.0;
    gp->y_mean = mean;
    gp->y_sd = sd;
    for (size_t i = 0; i < n; i++) {
        gp->ys[i] = constant ? 0.0 : (gp->y[i] - mean) / sd;
        gp->nvs[i] = gp->opt.noise == BO_NOISE_KNOWN ? gp->nv[i] / (sd * sd) : 0.0;
    }
}

bo_status bo_gp_set_data(bo_gp *gp, size_t n, const double *X, const size_t *source,
                         const double *y, const double *noise_var)
{
    size_t d = gp->opt.dim;
    gp->errmsg[0] = '\0';
    if (n > 0 && (!X || !y))
        return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: X and y must not be NULL");
    if (gp->opt.noise == BO_NOISE_KNOWN && n > 0 && !noise_var)
        return bo_gpi_fail(gp, BO_EINVAL,
                           "gp set_data: noise mode BO_NOISE_KNOWN needs noise_var");
    if (gp->opt.noise != BO_NOISE_KNOWN && noise_var)
        return bo_gpi_fail(gp, BO_EINVAL,
                           "gp set_data: noise_var given but the noise mode is not "
                           "BO_NOISE_KNOWN");
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++)
            if (!isfinite(X[i * d + k]))
                return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: row %zu: x[%zu] = %g is not "
                                   "finite", i, k, X[i * d + k]);
        size_t bad;
        if (bo_gpi_levels(gp, X + i * d, gp->plev, &bad) != 0) {
            char what[64];
            snprintf(what, sizeof what, "gp set_data: row %zu", i);
            return bo_gpi_level_error(gp, what, X + i * d, bad);
        }
        if (!isfinite(y[i]))
            return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: row %zu: y = %g is not finite",
                               i, y[i]);
        if (source && source[i] >= gp->opt.n_sources)
            return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: row %zu: source %zu not below "
                               "n_sources %zu", i, source[i], gp->opt.n_sources);
        if (noise_var && !(isfinite(noise_var[i]) && noise_var[i] >= 0.0))
            return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: row %zu: noise variance %g must "
                               "be finite and >= 0", i, noise_var[i]);
    }
    /* The fit's length-scale gradient squares the scaled inputs: past 1e150
     * that overflows, and the fit fails with no reason given. */
    for (size_t i = 0; i < n; i++)
        for (size_t q = 0; q < gp->dc; q++) {
            size_t k = gp->cont_col[q];
            double u = (X[i * d + k] - gp->offset[q]) / gp->scale[q];
            if (!(fabs(u) <= BO_GP_U_MAX))
                return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: row %zu: x[%zu] = %g is %g "
                                   "in the model's scaled inputs, beyond +-%g; %s", i, k,
                                   X[i * d + k], u, BO_GP_U_MAX,
                                   gp->lower ? "it lies far outside the box given"
                                             : "give the inputs' box (lower, upper)");
        }
    /* Variances come back in y units squared: a spread below 1e-150 or above
     * 1e150 would return them as 0 or +Inf (and a model that then calls
     * every prediction certain, or none). */
    double y_mean = 0.0, y_sd = spread_of(y, n, &y_mean);
    if (!spread_is_constant(y_sd, y_mean) && (y_sd < BO_GP_Y_SPREAD_MIN ||
                                               y_sd > BO_GP_Y_SPREAD_MAX))
        return bo_gpi_fail(gp, BO_EINVAL, "gp set_data: y's standard deviation %g is outside "
                           "[%g, %g], where its variances underflow or overflow in double "
                           "precision; rescale y (multiply it by a power of 10)", y_sd,
                           BO_GP_Y_SPREAD_MIN, BO_GP_Y_SPREAD_MAX);
    bo_status st = bo_gpi_reserve(gp, n);
    if (st != BO_OK)
        return st;
    gp->conditioned = 0;
    gp->n = n;
    for (size_t i = 0; i < n; i++) {
        size_t bad;
        bo_gpi_scale_x(gp, X + i * d, gp->U + i * gp->dc);
        if (gp->n_fac > 0)
            (void)bo_gpi_levels(gp, X + i * d, gp->lev + i * gp->n_fac, &bad);
        gp->src[i] = source ? source[i] : 0;
        gp->y[i] = y[i];
        gp->nv[i] = noise_var ? noise_var[i] : 0.0;
    }
    bo_gpi_standardise(gp);
    return BO_OK;
}

void bo_gpi_unpack(const bo_gp *gp, const double *theta, bo_gpi_params *p)
{
    size_t d = gp->dc, S = gp->opt.n_sources;
    for (size_t k = 0; k < d; k++)
        p->w[k] = exp(gp->ls_dlog * theta[k]);
    p->sig2 = exp(theta[gp->off_signal]);
    for (size_t s = 0; s < S; s++) {
        switch (gp->opt.noise) {
        case BO_NOISE_LEARN: p->noise[s] = exp(theta[gp->off_noise]); break;
        case BO_NOISE_FIXED:
            p->noise[s] = gp->opt.fixed_noise_var / (gp->y_sd * gp->y_sd);
            break;
        case BO_NOISE_PER_SOURCE: p->noise[s] = exp(theta[gp->off_noise + s]); break;
        case BO_NOISE_KNOWN:
            p->noise[s] = gp->opt.learn_extra_noise ? exp(theta[gp->off_noise]) : 0.0;
            break;
        }
        switch (gp->opt.mean) {
        case BO_MEAN_ZERO: p->mean[s] = 0.0; break;
        case BO_MEAN_CONSTANT: p->mean[s] = theta[gp->off_mean]; break;
        case BO_MEAN_PER_SOURCE:
            if (s == gp->opt.target_source)
                p->mean[s] = 0.0;
            else
                p->mean[s] = theta[gp->off_mean + (s < gp->opt.target_source ? s : s - 1)];
            break;
        }
        p->z[2 * s] = S > 1 ? theta[gp->off_latent + 2 * s] : 0.0;
        p->z[2 * s + 1] = S > 1 ? theta[gp->off_latent + 2 * s + 1] : 0.0;
    }
    for (size_t a = 0; a < S; a++)
        for (size_t b = 0; b < S; b++) {
            double dx = p->z[2 * a] - p->z[2 * b], dy = p->z[2 * a + 1] - p->z[2 * b + 1];
            p->lat[a * S + b] = exp(-(dx * dx + dy * dy));
        }
    for (size_t i = 0; i < gp->n_zc; i++)
        p->zc[i] = theta[gp->off_cat + i];
    for (size_t m = 0; m < gp->n_fac; m++) {
        size_t L = gp->fac_levels[m];
        const double *z = p->zc + gp->fac_zoff[m];
        double *lat = p->latc + gp->fac_loff[m];
        for (size_t a = 0; a < L; a++)
            for (size_t b = 0; b < L; b++) {
                double dx = z[2 * a] - z[2 * b], dy = z[2 * a + 1] - z[2 * b + 1];
                lat[a * L + b] = exp(-(dx * dx + dy * dy));
            }
    }
}

bo_gpi_data bo_gpi_full_data(const bo_gp *gp)
{
    bo_gpi_data D;
    D.n = gp->n;
    D.U = gp->U;
    D.src = gp->src;
    D.ys = gp->ys;
    D.nvs = gp->opt.noise == BO_NOISE_KNOWN ? gp->nvs : NULL;
    D.lev = gp->n_fac > 0 ? gp->lev : NULL;
    return D;
}

void bo_gpi_build_lower(const bo_gp *gp, const bo_gpi_data *D, const bo_gpi_params *P,
                        double *K, size_t ld)
{
    size_t n = D->n, d = gp->dc, S = gp->opt.n_sources, nf = gp->n_fac;
    bo_kernel_kind kind = gp->opt.kernel;
    const double *w = P->w;
    for (size_t i = 1; i < n; i++) {
        const double *ui = D->U + i * d;
        const double *lat = P->lat + D->src[i] * S;
        double *row = K + i * ld;
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
            row[j] = c * bo_gpi_kernel(kind, d2, &dg);
        }
    }
}

int bo_gpi_potrf(double *K, size_t n, size_t ld)
{
    return (int)LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, K, (lapack_int)ld);
}

int bo_gpi_potri(double *K, size_t n, size_t ld)
{
    return (int)LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)n, K, (lapack_int)ld);
}

bo_status bo_gpi_condition(bo_gp *gp)
{
    size_t n = gp->n;
    if (n == 0)
        return bo_gpi_fail(gp, BO_ESTATE, "gp: no data to condition on");
    gp->conditioned = 0;
    bo_status st = bo_gpi_reserve_factor(gp, n);
    if (st != BO_OK)
        return st;
    bo_gpi_unpack(gp, gp->theta, &gp->cur);
    bo_gpi_data D = bo_gpi_full_data(gp);
    double scale = 0.0;
    for (size_t i = 0; i < n; i++)
        scale += bo_gpi_diag(&D, &gp->cur, i);
    scale /= (double)n;
    int ok = 0;
    for (int attempt = 0; attempt < BO_GPI_JITTER_ATTEMPTS && !ok; attempt++) {
        double jitter = bo_gpi_jitter_level(attempt, scale);
        bo_gpi_build_lower(gp, &D, &gp->cur, gp->L, gp->ldl);
        for (size_t i = 0; i < n; i++)
            gp->L[i * gp->ldl + i] = bo_gpi_diag(&D, &gp->cur, i) + jitter;
        if (bo_gpi_potrf(gp->L, n, gp->ldl) == 0) {
            ok = 1;
            gp->jitter = jitter;
        }
    }
    if (!ok)
        return bo_gpi_fail(gp, BO_ENUMERIC, "gp: covariance not positive definite even with "
                           "jitter 1e-2 (n = %zu)", n);
    bo_gpi_solve_alpha(gp);
    gp->conditioned = 1;
    return BO_OK;
}

void bo_gpi_solve_alpha(bo_gp *gp)
{
    size_t n = gp->n;
    double quad = 0.0, logdet = 0.0;
    for (size_t i = 0; i < n; i++) {
        gp->resid[i] = gp->ys[i] - gp->cur.mean[gp->src[i]];
        gp->alpha[i] = gp->resid[i];
        logdet += log(gp->L[i * gp->ldl + i]);
    }
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, (int)n, gp->L,
                (int)gp->ldl, gp->alpha, 1);
    for (size_t i = 0; i < n; i++)
        quad += gp->alpha[i] * gp->alpha[i];
    cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, (int)n, gp->L,
                (int)gp->ldl, gp->alpha, 1);
    gp->lml_std = -0.5 * quad - logdet - 0.5 * (double)n * LOG_2PI;
}

bo_status bo_gp_condition(bo_gp *gp)
{
    gp->errmsg[0] = '\0';
    return bo_gpi_condition(gp);
}

size_t bo_gp_n_hyper(const bo_gp *gp)
{
    return gp->n_hyper;
}

void bo_gp_get_hyper(const bo_gp *gp, double *theta)
{
    memcpy(theta, gp->theta, gp->n_hyper * sizeof *theta);
}

void bo_gp_hyper_bounds(const bo_gp *gp, double *lower, double *upper)
{
    memcpy(lower, gp->theta_lo, gp->n_hyper * sizeof *lower);
    memcpy(upper, gp->theta_hi, gp->n_hyper * sizeof *upper);
}

/* Clamps gp->theta into its bounds and conditions on the data (if any). */
static bo_status clamp_and_condition(bo_gp *gp)
{
    for (size_t j = 0; j < gp->n_hyper; j++)
        gp->theta[j] = fmin(fmax(gp->theta[j], gp->theta_lo[j]), gp->theta_hi[j]);
    gp->conditioned = 0;
    if (gp->n == 0)
        return BO_OK;
    return bo_gpi_condition(gp);
}

bo_status bo_gp_set_hyper(bo_gp *gp, const double *theta)
{
    gp->errmsg[0] = '\0';
    for (size_t j = 0; j < gp->n_hyper; j++)
        if (!isfinite(theta[j]))
            return bo_gpi_fail(gp, BO_EINVAL, "gp set_hyper: theta[%zu] = %g is not finite",
                               j, theta[j]);
    memmove(gp->theta, theta, gp->n_hyper * sizeof *theta); /* theta may be gp's own */
    return clamp_and_condition(gp);
}

bo_status bo_gp_cap_lengthscales(bo_gp *gp, double max_ell)
{
    gp->errmsg[0] = '\0';
    if (!(max_ell > 0.0) || !isfinite(max_ell))
        return bo_gpi_fail(gp, BO_EINVAL, "gp cap_lengthscales: %g is not a positive length",
                           max_ell);
    for (size_t k = 0; k < gp->dc; k++) {
        double l = max_ell / gp->scale[k]; /* in the model's scaled inputs */
        if (gp->opt.kernel == BO_KERNEL_ROUGH_RBF) /* omega = log10(1/(2 l^2)) grows as l shrinks */
            gp->theta[k] = fmax(gp->theta[k], log10(0.5 / (l * l)));
        else
            gp->theta[k] = fmin(gp->theta[k], log(l));
    }
    return clamp_and_condition(gp);
}

const char *bo_gp_hyper_name(const bo_gp *gp, size_t i, char *buf, size_t len)
{
    if (!buf || len == 0)
        return "";
    if (i < gp->off_signal)
        snprintf(buf, len, gp->opt.kernel == BO_KERNEL_ROUGH_RBF ? "omega[%zu]"
                                                                 : "log_lengthscale[%zu]", i);
    else if (i == gp->off_signal)
        snprintf(buf, len, "log_signal_var");
    else if (i < gp->off_mean) {
        if (gp->opt.noise == BO_NOISE_PER_SOURCE)
            snprintf(buf, len, "log_noise_var[%zu]", i - gp->off_noise);
        else if (gp->opt.noise == BO_NOISE_KNOWN)
            snprintf(buf, len, "log_extra_noise_var");
        else
            snprintf(buf, len, "log_noise_var");
    } else if (i < gp->off_latent) {
        if (gp->opt.mean == BO_MEAN_PER_SOURCE) {
            size_t s = i - gp->off_mean;
            if (s >= gp->opt.target_source)
                s++;
            snprintf(buf, len, "mean[%zu]", s);
        } else
            snprintf(buf, len, "mean");
    } else if (i < gp->off_cat) {
        size_t j = i - gp->off_latent;
        snprintf(buf, len, "latent[%zu][%zu]", j / 2, j % 2);
    } else if (i < gp->n_hyper) {
        size_t j = i - gp->off_cat, m = 0;
        while (m + 1 < gp->n_fac && j >= gp->fac_zoff[m + 1])
            m++;
        j -= gp->fac_zoff[m];
        if (gp->opt.latent_mode == BO_LATENT_SHARED)
            snprintf(buf, len, "level_latent[shared][%zu][%zu]", j / 2, j % 2);
        else
            snprintf(buf, len, "level_latent[x%zu][%zu][%zu]", gp->cat_col[m], j / 2, j % 2);
    } else
        snprintf(buf, len, "?");
    return buf;
}

double bo_gp_log_marginal_likelihood(const bo_gp *gp)
{
    if (!gp->conditioned)
        return NAN;
    /* y = y_mean + y_sd * ys: each observation's density carries 1 / y_sd. */
    return gp->lml_std - (double)gp->n * log(gp->y_sd);
}

size_t bo_gp_n(const bo_gp *gp)
{
    return gp->n;
}

size_t bo_gp_dim(const bo_gp *gp)
{
    return gp->opt.dim;
}

size_t bo_gp_n_sources(const bo_gp *gp)
{
    return gp->opt.n_sources;
}

void bo_gp_lengthscales(const bo_gp *gp, double *ell)
{
    for (size_t v = 0; v < gp->nc; v++)
        ell[gp->cat_col[v]] = NAN;
    for (size_t q = 0; q < gp->dc; q++) {
        double w = exp(gp->ls_dlog * gp->theta[q]);
        /* ROUGH_RBF reports the squared exponential's equivalent 1/sqrt(2 w). */
        double l = gp->opt.kernel == BO_KERNEL_ROUGH_RBF ? sqrt(0.5 / w) : 1.0 / sqrt(w);
        ell[gp->cont_col[q]] = l * gp->scale[q];
    }
}

double bo_gp_signal_var(const bo_gp *gp)
{
    return exp(gp->theta[gp->off_signal]) * gp->y_sd * gp->y_sd;
}

double bo_gp_noise_var(const bo_gp *gp, size_t source)
{
    if (source >= gp->opt.n_sources)
        return NAN;
    double v2 = gp->y_sd * gp->y_sd;
    switch (gp->opt.noise) {
    case BO_NOISE_LEARN: return exp(gp->theta[gp->off_noise]) * v2;
    case BO_NOISE_FIXED: return gp->opt.fixed_noise_var;
    case BO_NOISE_PER_SOURCE: return exp(gp->theta[gp->off_noise + source]) * v2;
    case BO_NOISE_KNOWN:
        return gp->opt.learn_extra_noise ? exp(gp->theta[gp->off_noise]) * v2 : 0.0;
    }
    return NAN;
}

double bo_gp_mean_value(const bo_gp *gp, size_t source)
{
    if (source >= gp->opt.n_sources)
        return NAN;
    double m = 0.0;
    if (gp->opt.mean == BO_MEAN_CONSTANT)
        m = gp->theta[gp->off_mean];
    else if (gp->opt.mean == BO_MEAN_PER_SOURCE && source != gp->opt.target_source)
        m = gp->theta[gp->off_mean + (source < gp->opt.target_source ? source : source - 1)];
    return gp->y_mean + gp->y_sd * m;
}

/* Canonical form of a latent map for reporting: the anchor at the origin,
 * the first other point (in index order) that is not on top of it on the
 * positive first axis, and the next one off that axis with a non-negative
 * second coordinate. Distances, hence the model, are unchanged. The sources'
 * anchor is the target; a categorical map's is level 0. */
static void canonical_point(const double *raw, size_t S, size_t t, size_t source, double *z)
{
    double c = 1.0, s = 0.0, flip = 1.0;
    size_t first = S;
    for (size_t q = 0; q < S; q++) {
        if (q == t)
            continue;
        double px = raw[2 * q] - raw[2 * t], py = raw[2 * q + 1] - raw[2 * t + 1];
        double r = hypot(px, py);
        if (r > 1e-12) {
            c = px / r;
            s = py / r;
            first = q;
            break;
        }
    }
    for (size_t q = first + 1; q < S; q++) {
        if (q == t || first == S)
            continue;
        double px = raw[2 * q] - raw[2 * t], py = raw[2 * q + 1] - raw[2 * t + 1];
        double ry = -s * px + c * py;
        if (fabs(ry) > 1e-12) {
            flip = ry < 0.0 ? -1.0 : 1.0;
            break;
        }
    }
    double px = raw[2 * source] - raw[2 * t], py = raw[2 * source + 1] - raw[2 * t + 1];
    z[0] = c * px + s * py;
    z[1] = flip * (-s * px + c * py);
}

void bo_gp_latent(const bo_gp *gp, size_t source, double *z)
{
    size_t S = gp->opt.n_sources;
    z[0] = z[1] = 0.0;
    if (S < 2 || source >= S)
        return;
    canonical_point(gp->theta + gp->off_latent, S, gp->opt.target_source, source, z);
}

size_t bo_gp_n_levels(const bo_gp *gp, size_t input)
{
    return input < gp->opt.dim ? gp->levels[input] : 0;
}

size_t bo_gp_n_latent_maps(const bo_gp *gp)
{
    return gp->n_fac;
}

size_t bo_gp_latent_map_levels(const bo_gp *gp, size_t map)
{
    return map < gp->n_fac ? gp->fac_levels[map] : 0;
}

size_t bo_gp_latent_map_input(const bo_gp *gp, size_t map)
{
    if (map >= gp->n_fac || gp->opt.latent_mode == BO_LATENT_SHARED)
        return gp->opt.dim;
    return gp->cat_col[map];
}

void bo_gp_level_latent(const bo_gp *gp, size_t map, size_t level, double *z)
{
    z[0] = z[1] = 0.0;
    if (map >= gp->n_fac || level >= gp->fac_levels[map])
        return;
    canonical_point(gp->theta + gp->off_cat + gp->fac_zoff[map], gp->fac_levels[map], 0, level,
                    z);
}

bo_gp *bo_gp_clone(const bo_gp *gp, char *errbuf, size_t errlen)
{
    if (!gp) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "gp clone: NULL handle");
        return NULL;
    }
    bo_gp *c = bo_gp_create(&gp->opt, errbuf, errlen);
    if (!c)
        return NULL;
    const size_t d = gp->opt.dim, S = gp->opt.n_sources, n = gp->n;
    /* bo_gp_create laid out the same hyperparameter vector for the same
     * options; the fitted values, bounds and parameter blocks follow. */
    memcpy(c->theta, gp->theta, 7 * gp->n_hyper * sizeof *c->theta);
    /* The whole parameter block: scales, noises, means, the sources' latent
     * points and pair matrix, then the categorical maps'. */
    memcpy(c->cur.w, gp->cur.w,
           (d + 4 * S + S * S + gp->n_zc + gp->n_latc) * sizeof *c->cur.w);
    c->cur.sig2 = gp->cur.sig2;
    c->y_mean = gp->y_mean;
    c->y_sd = gp->y_sd;
    c->jitter = gp->jitter;
    c->lml_std = gp->lml_std;
    if (n > 0) {
        if (bo_gpi_reserve(c, n) != BO_OK)
            goto fail;
        memcpy(c->U, gp->U, n * d * sizeof *c->U);
        memcpy(c->src, gp->src, n * sizeof *c->src);
        if (gp->n_fac > 0)
            memcpy(c->lev, gp->lev, n * gp->n_fac * sizeof *c->lev);
        memcpy(c->y, gp->y, n * sizeof *c->y);
        memcpy(c->ys, gp->ys, n * sizeof *c->ys);
        memcpy(c->nv, gp->nv, n * sizeof *c->nv);
        memcpy(c->nvs, gp->nvs, n * sizeof *c->nvs);
        memcpy(c->alpha, gp->alpha, n * sizeof *c->alpha);
        memcpy(c->resid, gp->resid, n * sizeof *c->resid);
        c->n = n;
        if (gp->conditioned) {
            if (bo_gpi_reserve_factor(c, n) != BO_OK)
                goto fail;
            for (size_t i = 0; i < n; i++)
                memcpy(c->L + i * c->ldl, gp->L + i * gp->ldl, (i + 1) * sizeof *c->L);
        }
    }
    c->conditioned = gp->conditioned;
    return c;
fail:
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s", c->errmsg);
    bo_gp_destroy(c);
    return NULL;
}
