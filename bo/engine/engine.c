#include "bo/engine/engine.h"

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "bo/engine/engine_internal.h"
#include "gp/rng.h"

bo_status bo_enginei_fail(bo_engine *e, bo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

size_t bo_enginei_suggestion_index(const bo_engine *e)
{
    return e->n + e->n_pending;
}

uint64_t bo_enginei_derived_seed(const bo_engine *e, uint64_t stream, uint64_t index)
{
    bo_rng rng;
    bo_rng_init_derived(&rng, e->opt.seed, stream, index);
    return bo_rng_u64(&rng);
}

void bo_enginei_maximizer_options(const bo_engine *e, bo_acq_maximizer_options *mo)
{
    bo_acq_maximizer_options_default(mo);
    if (e->opt.acq_pool)
        mo->pool_size = e->opt.acq_pool;
    if (e->opt.acq_starts)
        mo->starts = e->opt.acq_starts;
}

void bo_engine_options_default(bo_engine_options *opt, size_t dim)
{
    memset(opt, 0, sizeof *opt);
    opt->dim = dim;
    opt->n_sources = 1;
    opt->design = BO_DESIGN_LHS;
    opt->kernel = BO_KERNEL_MATERN52;
    opt->mean = BO_MEAN_CONSTANT;
    opt->noise = BO_NOISE_LEARN;
    opt->acquisition = BO_ACQ_EI;
    opt->explore_budget = 0.25;
    opt->failure_model = BO_FAILURE_RADIUS;
}

static int engine_grow(bo_engine *e)
{
    size_t cap = e->cap ? 2 * e->cap : 64;
    size_t d = e->opt.dim;
    double *x = realloc(e->x, cap * d * sizeof *x);
    if (x)
        e->x = x;
    size_t *src = realloc(e->source, cap * sizeof *src);
    if (src)
        e->source = src;
    double *y = realloc(e->y, cap * sizeof *y);
    if (y)
        e->y = y;
    int *ok = realloc(e->ok, cap * sizeof *ok);
    if (ok)
        e->ok = ok;
    double *gx = realloc(e->gp_x, cap * d * sizeof *gx);
    if (gx)
        e->gp_x = gx;
    double *gy = realloc(e->gp_y, cap * sizeof *gy);
    if (gy)
        e->gp_y = gy;
    size_t *gs = realloc(e->gp_source, cap * sizeof *gs);
    if (gs)
        e->gp_source = gs;
    double *ax = realloc(e->avoid_x, cap * d * sizeof *ax);
    if (ax)
        e->avoid_x = ax;
    size_t *as = realloc(e->avoid_source, cap * sizeof *as);
    if (as)
        e->avoid_source = as;
    double *sy = realloc(e->sorted_y, cap * sizeof *sy);
    if (sy)
        e->sorted_y = sy;
    if (!x || !src || !y || !ok || !gx || !gy || !gs || !ax || !as || !sy)
        return -1;
    size_t nc = e->opt.n_constraints;
    if (nc > 0) {
        double *c = realloc(e->c, cap * nc * sizeof *c);
        if (c)
            e->c = c;
        double *cx = realloc(e->cgp_x, cap * d * sizeof *cx);
        if (cx)
            e->cgp_x = cx;
        double *cy = realloc(e->cgp_y, cap * sizeof *cy);
        if (cy)
            e->cgp_y = cy;
        if (!c || !cx || !cy)
            return -1;
    }
    e->cap = cap;
    return 0;
}

/* Room for `rows` observations in every per-observation array; the GP's
 * scratch arrays also hold the pending points after the observations. */
static int engine_reserve(bo_engine *e, size_t rows)
{
    while (e->cap < rows)
        if (engine_grow(e) != 0)
            return -1;
    return 0;
}

bo_engine *bo_engine_create(const bo_engine_options *opt, char *err, size_t errlen)
{
    char local[256];
    if (!err || errlen == 0) {
        err = local;
        errlen = sizeof local;
    }
    if (!opt || opt->dim == 0 || opt->n_sources == 0 || opt->target_source >= opt->n_sources) {
        snprintf(err, errlen, "engine: need dim >= 1, n_sources >= 1 and target < n_sources");
        return NULL;
    }
    if (!opt->initial) {
        snprintf(err, errlen, "engine: initial design sizes missing");
        return NULL;
    }
    bo_engine *e = calloc(1, sizeof *e);
    if (!e)
        goto oom;
    e->opt = *opt;
    size_t S = opt->n_sources, d = opt->dim;
    e->cost = malloc(S * sizeof *e->cost);
    e->initial = malloc(S * sizeof *e->initial);
    e->model_source = malloc(S * sizeof *e->model_source);
    e->model_cost = malloc(S * sizeof *e->model_cost);
    if (!e->cost || !e->initial || !e->model_source || !e->model_cost)
        goto oom;
    e->opt.cost = NULL;
    e->opt.initial = NULL;
    for (size_t s = 0; s < S; s++) {
        e->cost[s] = opt->cost ? opt->cost[s] : 1.0;
        e->initial[s] = opt->initial[s];
        if (!(e->cost[s] > 0.0) || !isfinite(e->cost[s])) {
            snprintf(err, errlen, "engine: cost of source %zu must be positive and finite", s);
            goto fail;
        }
    }
    size_t nc = opt->n_constraints;
    e->opt.constraint_lower = e->opt.constraint_upper = NULL;
    if (nc > BO_ENGINE_MAX_CONSTRAINTS) {
        snprintf(err, errlen, "engine: %zu constraints, at most %d", nc,
                 BO_ENGINE_MAX_CONSTRAINTS);
        goto fail;
    }
    if (nc > 0) {
        if (!opt->constraint_lower || !opt->constraint_upper) {
            snprintf(err, errlen, "engine: %zu constraints without bounds", nc);
            goto fail;
        }
        e->clower = malloc(2 * nc * sizeof *e->clower);
        e->cgp = calloc(nc, sizeof *e->cgp);
        e->cgp_rows = calloc(nc, sizeof *e->cgp_rows);
        if (!e->clower || !e->cgp || !e->cgp_rows)
            goto oom;
        e->cupper = e->clower + nc;
        for (size_t j = 0; j < nc; j++) {
            e->clower[j] = opt->constraint_lower[j];
            e->cupper[j] = opt->constraint_upper[j];
            if (!(e->clower[j] < e->cupper[j]) || isnan(e->clower[j]) ||
                isnan(e->cupper[j]) || (e->clower[j] == -HUGE_VAL && e->cupper[j] == HUGE_VAL)) {
                snprintf(err, errlen, "engine: constraint %zu needs lower < upper and at least "
                         "one finite bound", j);
                goto fail;
            }
        }
    }
    /* Checked here rather than at the first fit, which comes only after the
     * initial design has been evaluated. */
    if (opt->fit_criterion != BO_FIT_MAP && opt->fit_criterion != BO_FIT_INTERVAL_SCORE) {
        snprintf(err, errlen, "engine: unknown fit_criterion %d", (int)opt->fit_criterion);
        goto fail;
    }
    if (!(isfinite(opt->fit_weight) && opt->fit_weight >= 0.0)) {
        snprintf(err, errlen, "engine: fit_weight %g must be finite and >= 0", opt->fit_weight);
        goto fail;
    }
    e->opt.kind = NULL;
    e->opt.n_values = NULL;
    for (size_t j = 0; opt->kind && j < d; j++)
        e->mixed |= opt->kind[j] != BO_VAR_REAL;
    if (e->mixed) {
        if (!opt->n_values) {
            snprintf(err, errlen, "engine: discrete inputs without their numbers of values");
            goto fail;
        }
        e->kind = malloc(d * sizeof *e->kind);
        e->n_values = malloc(d * sizeof *e->n_values);
        e->gp_lower = malloc(2 * d * sizeof *e->gp_lower);
        e->gp_levels = malloc(d * sizeof *e->gp_levels);
        if (!e->kind || !e->n_values || !e->gp_lower || !e->gp_levels)
            goto oom;
        e->gp_upper = e->gp_lower + d;
        for (size_t j = 0; j < d; j++) {
            bo_var_kind k = opt->kind[j];
            size_t nv = k == BO_VAR_REAL ? 0 : opt->n_values[j];
            if (k != BO_VAR_REAL && k != BO_VAR_INTEGER && k != BO_VAR_CATEGORICAL) {
                snprintf(err, errlen, "engine: input %zu: unknown kind %d", j, (int)k);
                goto fail;
            }
            if (k != BO_VAR_REAL &&
                (nv < 2 || (k == BO_VAR_CATEGORICAL && nv > BO_GP_MAX_LEVELS) ||
                 nv > ((size_t)1 << 52))) {
                snprintf(err, errlen, "engine: input %zu: %zu values (need 2 .. %s)", j, nv,
                         k == BO_VAR_CATEGORICAL ? "BO_GP_MAX_LEVELS" : "2^52");
                goto fail;
            }
            e->kind[j] = k;
            e->n_values[j] = nv;
            /* The GP's box scales an integer's indices as the real inputs'
             * unit range; it ignores a categorical input's, which the
             * maximiser reads as the range of its level indices. */
            e->gp_lower[j] = 0.0;
            e->gp_upper[j] = k == BO_VAR_REAL ? 1.0 : (double)(nv - 1);
            e->gp_levels[j] = k == BO_VAR_CATEGORICAL ? nv : 0;
        }
        e->space = (bo_mixed_space){d, e->kind, e->gp_lower, e->gp_upper, e->gp_levels};
        e->n_points = 1;
        for (size_t j = 0; j < d && e->n_points > 0; j++) {
            size_t m = e->kind[j] == BO_VAR_REAL ? 0 : e->n_values[j];
            e->n_points = m > 0 && e->n_points <= ENGINE_MAX_ENUMERATED_POINTS / m
                              ? e->n_points * m
                              : 0;
        }
    }
    e->cgp_n = ENGINE_NO_FIT;
    e->multi_source = S > 1 && bo_acq_is_multi_source(opt->acquisition);
    for (size_t s = 0; s < S; s++) {
        if (e->multi_source || s == opt->target_source) {
            e->model_source[s] = e->n_model_sources;
            e->model_cost[e->n_model_sources] = e->cost[s];
            e->n_model_sources++;
        } else {
            e->model_source[s] = ENGINE_NO_SOURCE;
        }
    }

    for (size_t s = 0; s < S; s++)
        if (e->model_source[s] != ENGINE_NO_SOURCE)
            e->n_design += e->initial[s];
    if (e->n_design) {
        e->design_x = malloc(e->n_design * d * sizeof *e->design_x);
        e->design_source = malloc(e->n_design * sizeof *e->design_source);
        if (!e->design_x || !e->design_source)
            goto oom;
    }
    /* Each source's design derives from (seed, source) alone, so the
     * single-fidelity baseline gets the same target points as the
     * multi-fidelity run with the same seed. */
    size_t at = 0;
    for (size_t s = 0; s < S; s++) {
        if (e->model_source[s] == ENGINE_NO_SOURCE || e->initial[s] == 0)
            continue;
        bo_status st = bo_design_generate(opt->design, e->initial[s], d,
                                          bo_enginei_derived_seed(e, ENGINE_STREAM_DESIGN, s),
                                          e->design_x + at * d, err, errlen);
        if (st != BO_OK)
            goto fail;
        if (e->mixed)
            bo_design_discretize(e->design_x + at * d, e->initial[s], d, e->kind, e->n_values);
        for (size_t i = 0; i < e->initial[s]; i++)
            e->design_source[at + i] = s;
        at += e->initial[s];
    }
    if (engine_grow(e) != 0)
        goto oom;
    e->theta = NULL;
    e->fit_n = ENGINE_NO_FIT;
    return e;
oom:
    snprintf(err, errlen, "engine: out of memory");
fail:
    bo_engine_destroy(e);
    return NULL;
}

void bo_engine_destroy(bo_engine *e)
{
    if (!e)
        return;
    bo_gp_destroy(e->gp);
    bo_gpc_destroy(e->gpc);
    for (size_t j = 0; e->cgp && j < e->opt.n_constraints; j++)
        bo_gp_destroy(e->cgp[j]);
    free(e->cgp);
    free(e->cgp_rows);
    free(e->stall_mark);
    free(e->clower);
    free(e->c);
    free(e->cgp_x);
    free(e->cgp_y);
    free(e->cost);
    free(e->initial);
    free(e->model_source);
    free(e->model_cost);
    free(e->design_x);
    free(e->design_source);
    free(e->x);
    free(e->source);
    free(e->y);
    free(e->ok);
    free(e->theta);
    free(e->gp_x);
    free(e->gp_y);
    free(e->gp_source);
    free(e->avoid_x);
    free(e->avoid_source);
    free(e->sorted_y);
    free(e->pending_x);
    free(e->pending_source);
    free(e->pending_initial);
    free(e->kind);
    free(e->n_values);
    free(e->gp_lower);
    free(e->gp_levels);
    free(e);
}

const char *bo_engine_errmsg(const bo_engine *e)
{
    return e ? e->errmsg : "";
}

size_t bo_engine_n_observations(const bo_engine *e)
{
    return e->n;
}

size_t bo_engine_initial_remaining(const bo_engine *e)
{
    return e->n_design > e->n_initial_observed ? e->n_design - e->n_initial_observed : 0;
}

size_t bo_engine_n_pending(const bo_engine *e)
{
    return e->n_pending;
}

size_t bo_engine_n_suggested(const bo_engine *e)
{
    return bo_enginei_suggestion_index(e);
}

/* Initial-design points pending: the design is handed out in order, so the
 * next design point is the one after every observed or pending one. */
static size_t engine_pending_initial(const bo_engine *e)
{
    size_t k = 0;
    for (size_t i = 0; i < e->n_pending; i++)
        k += e->pending_initial[i] != 0;
    return k;
}

static bo_status engine_check_point(bo_engine *e, const char *what, const double *x,
                                    size_t source)
{
    if (source >= e->opt.n_sources)
        return bo_enginei_fail(e, BO_EINVAL, "%s: source %zu out of range (%zu sources)", what,
                               source, e->opt.n_sources);
    for (size_t j = 0; j < e->opt.dim; j++) {
        if (e->mixed && e->kind[j] != BO_VAR_REAL) {
            if (!(x[j] >= 0.0 && x[j] <= (double)(e->n_values[j] - 1) && x[j] == floor(x[j])))
                return bo_enginei_fail(e, BO_EINVAL, "%s: x[%zu] = %g is not an index 0 .. %zu",
                                       what, j, x[j], e->n_values[j] - 1);
        } else if (!(x[j] >= 0.0 && x[j] <= 1.0)) {
            return bo_enginei_fail(e, BO_EINVAL, "%s: x[%zu] = %g outside the unit cube", what, j,
                                   x[j]);
        }
    }
    return BO_OK;
}

bo_status bo_engine_add_pending(bo_engine *e, const double *x, size_t source, int initial)
{
    bo_status st = engine_check_point(e, "pending point", x, source);
    if (st != BO_OK)
        return st;
    size_t d = e->opt.dim;
    if (e->n_pending == e->pending_cap) {
        size_t cap = e->pending_cap ? 2 * e->pending_cap : 16;
        double *px = realloc(e->pending_x, cap * d * sizeof *px);
        if (px)
            e->pending_x = px;
        size_t *ps = realloc(e->pending_source, cap * sizeof *ps);
        if (ps)
            e->pending_source = ps;
        int *pi = realloc(e->pending_initial, cap * sizeof *pi);
        if (pi)
            e->pending_initial = pi;
        if (!px || !ps || !pi)
            return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
        e->pending_cap = cap;
    }
    if (engine_reserve(e, e->n + e->n_pending + 1) != 0)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    memcpy(e->pending_x + e->n_pending * d, x, d * sizeof *x);
    e->pending_source[e->n_pending] = source;
    e->pending_initial[e->n_pending] = initial != 0;
    e->n_pending++;
    return BO_OK;
}

/* Index of the pending point with exactly this x and source, or -1. */
static ptrdiff_t engine_find_pending(const bo_engine *e, const double *x, size_t source)
{
    size_t d = e->opt.dim;
    for (size_t i = 0; i < e->n_pending; i++)
        if (e->pending_source[i] == source &&
            memcmp(e->pending_x + i * d, x, d * sizeof *x) == 0)
            return (ptrdiff_t)i;
    return -1;
}

/* Keeps the others in dispatch order (the order fantasies are added in). */
static void engine_drop_pending(bo_engine *e, size_t i)
{
    size_t d = e->opt.dim, after = e->n_pending - i - 1;
    memmove(e->pending_x + i * d, e->pending_x + (i + 1) * d, after * d * sizeof *e->pending_x);
    memmove(e->pending_source + i, e->pending_source + i + 1, after * sizeof *e->pending_source);
    memmove(e->pending_initial + i, e->pending_initial + i + 1,
            after * sizeof *e->pending_initial);
    e->n_pending--;
}

bo_status bo_engine_observe_prior(bo_engine *e, const double *x, size_t source, double y,
                                  int ok)
{
    if (e->n != e->n_prior || e->n_pending)
        return bo_enginei_fail(e, BO_ESTATE, "prior observation: the run's own observations "
                               "have begun; prior data comes first");
    bo_status st = bo_engine_observe(e, x, source, y, ok, 0);
    if (st == BO_OK)
        e->n_prior++;
    return st;
}

size_t bo_engine_n_prior(const bo_engine *e)
{
    return e->n_prior;
}

bo_status bo_engine_remove_pending(bo_engine *e, const double *x, size_t source)
{
    ptrdiff_t i = engine_find_pending(e, x, source);
    if (i < 0)
        return bo_enginei_fail(e, BO_EINVAL, "pending point: no such point of source %zu is "
                               "pending", source);
    engine_drop_pending(e, (size_t)i);
    return BO_OK;
}

int bo_engine_best(const bo_engine *e, double *y, double *x)
{
    if (!e->have_best)
        return 0;
    if (y)
        *y = e->opt.maximize ? -e->best_y : e->best_y;
    if (x)
        memcpy(x, e->x + e->best_index * e->opt.dim, e->opt.dim * sizeof *x);
    return 1;
}

int bo_engine_observation(const bo_engine *e, size_t i, double *x, size_t *source, double *y,
                          int *ok)
{
    if (i >= e->n)
        return -1;
    if (x)
        memcpy(x, e->x + i * e->opt.dim, e->opt.dim * sizeof *x);
    if (source)
        *source = e->source[i];
    if (y)
        *y = e->ok[i] && e->opt.maximize ? -e->y[i] : e->y[i];
    if (ok)
        *ok = e->ok[i];
    return 0;
}

double bo_engine_cost(const bo_engine *e, size_t source)
{
    return source < e->opt.n_sources ? e->cost[source] : NAN;
}

int bo_engine_source_active(const bo_engine *e, size_t source)
{
    return source < e->opt.n_sources && e->model_source[source] != ENGINE_NO_SOURCE;
}

int bo_engine_model_source(const bo_engine *e, size_t source, size_t *gp_source)
{
    if (!bo_engine_source_active(e, source))
        return -1;
    *gp_source = e->model_source[source];
    return 0;
}

size_t bo_engine_get_hyper(const bo_engine *e, double *theta, size_t cap)
{
    size_t n = e->n_theta < cap ? e->n_theta : cap;
    if (n)
        memcpy(theta, e->theta, n * sizeof *theta);
    return e->n_theta;
}

bo_status bo_engine_set_hyper(bo_engine *e, const double *theta, size_t n)
{
    double *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(theta[i])) {
                free(copy);
                return bo_enginei_fail(e, BO_EINVAL, "engine: hyperparameter %zu is not finite", i);
            }
            copy[i] = theta[i];
        }
    }
    free(e->theta);
    e->theta = copy;
    e->n_theta = n;
    e->fit_n = ENGINE_NO_FIT; /* the next suggestion fits from this warm start */
    return BO_OK;
}

const bo_gp *bo_engine_model(const bo_engine *e)
{
    return e->gp;
}

bo_status bo_engine_observe(bo_engine *e, const double *x, size_t source, double y, int ok,
                            int initial)
{
    return bo_engine_observe_outputs(e, x, source, y, ok, initial, NULL);
}

/* Every constraint output of observation i holds (NaN never does). */
static int engine_outputs_hold(const bo_engine *e, size_t i)
{
    for (size_t j = 0; j < e->opt.n_constraints; j++) {
        double v = e->c[i * e->opt.n_constraints + j];
        if (!(v >= e->clower[j] && v <= e->cupper[j]))
            return 0;
    }
    return 1;
}

int bo_engine_feasible(const bo_engine *e, size_t i)
{
    return i < e->n && e->ok[i] && e->source[i] == e->opt.target_source &&
           engine_outputs_hold(e, i);
}

bo_status bo_engine_observe_outputs(bo_engine *e, const double *x, size_t source, double y,
                                    int ok, int initial, const double *outputs)
{
    bo_status st = engine_check_point(e, "observation", x, source);
    if (st != BO_OK)
        return st;
    if (ok && !isfinite(y))
        return bo_enginei_fail(e, BO_EINVAL, "observation: y is not finite");
    if (engine_reserve(e, e->n + e->n_pending + 1) != 0)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    ptrdiff_t p = engine_find_pending(e, x, source);
    if (p >= 0)
        engine_drop_pending(e, (size_t)p);
    size_t i = e->n++;
    memcpy(e->x + i * e->opt.dim, x, e->opt.dim * sizeof *x);
    e->source[i] = source;
    e->ok[i] = ok != 0;
    e->y[i] = ok ? (e->opt.maximize ? -y : y) : NAN;
    size_t nc = e->opt.n_constraints;
    for (size_t j = 0; j < nc; j++)
        e->c[i * nc + j] = outputs && ok && source == e->opt.target_source && isfinite(outputs[j])
                               ? outputs[j]
                               : NAN;
    if (initial)
        e->n_initial_observed++;
    if (bo_engine_feasible(e, i) && (!e->have_best || e->y[i] < e->best_y)) {
        e->have_best = 1;
        e->best_y = e->y[i];
        e->best_index = i;
    }
    return BO_OK;
}

/* Copies the successful observations of modelled sources into the GP's
 * arrays and the failed ones into the avoid list; returns how many of the
 * former are of the target source. */
static size_t engine_gather(bo_engine *e, size_t *n_gp, size_t *n_avoid)
{
    size_t d = e->opt.dim, ng = 0, na = 0, n_target = 0;
    for (size_t i = 0; i < e->n; i++) {
        size_t ms = e->model_source[e->source[i]];
        if (ms == ENGINE_NO_SOURCE)
            continue;
        if (e->ok[i]) {
            memcpy(e->gp_x + ng * d, e->x + i * d, d * sizeof(double));
            e->gp_y[ng] = e->y[i];
            e->gp_source[ng] = ms;
            ng++;
            n_target += e->source[i] == e->opt.target_source;
        } else {
            memcpy(e->avoid_x + na * d, e->x + i * d, d * sizeof(double));
            e->avoid_source[na] = ms;
            na++;
        }
    }
    *n_gp = ng;
    *n_avoid = na;
    return n_target;
}

/* failure_model gpc: fits the classifier of success to every evaluation of
 * the modelled sources, once at least one failed and one succeeded (before
 * that there is nothing to classify); refitted only when an observation
 * came. A fit that fails leaves gpc_ok 0, and the suggestion falls back to
 * the failure radius. BO_ENOMEM is the only error. */
static bo_status engine_fit_failure_model(bo_engine *e, size_t n_gp, size_t n_avoid)
{
    /* The classifier takes continuous inputs only: with discrete ones the
     * radius rule stands in (bo_enginei_failure_options). */
    if (e->opt.failure_model != BO_FAILURE_GPC || e->mixed)
        return BO_OK;
    if (e->gpc && e->gpc_n == e->n)
        return BO_OK;
    e->gpc_ok = 0;
    e->gpc_n = e->n;
    if (n_avoid == 0 || n_gp == 0)
        return BO_OK;
    size_t d = e->opt.dim, m = n_gp + n_avoid;
    if (!e->gpc) {
        bo_gpc_options co;
        bo_gpc_options_default(&co, d);
        if (e->opt.kernel == BO_KERNEL_SQEXP || e->opt.kernel == BO_KERNEL_MATERN32)
            co.kernel = e->opt.kernel;
        e->gpc = bo_gpc_create(&co, NULL, 0);
        if (!e->gpc)
            return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    }
    double *cx = malloc(m * d * sizeof *cx);
    int *label = malloc(m * sizeof *label);
    bo_status st = BO_OK;
    if (!cx || !label) {
        st = bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < e->n && k < m; i++) {
        if (e->model_source[e->source[i]] == ENGINE_NO_SOURCE)
            continue;
        memcpy(cx + k * d, e->x + i * d, d * sizeof *cx);
        label[k++] = e->ok[i] != 0;
    }
    st = bo_gpc_set_data(e->gpc, k, cx, label);
    if (st == BO_OK)
        st = bo_gpc_fit(e->gpc);
    e->gpc_ok = st == BO_OK;
    st = st == BO_ENOMEM ? bo_enginei_fail(e, st, "engine: out of memory") : BO_OK;
done:
    free(cx);
    free(label);
    return st;
}

/* failure_model gpc: candidates less likely to succeed than this fraction
 * of the classifier's prior P(success) (what it predicts where the data say
 * nothing) are not proposed, besides the weighting. The weight alone lowers
 * EI by the factor P, while EI inside a failure region (where the GP has no
 * data) stays orders of magnitude above EI next to the incumbent; the bar
 * is relative so that unexplored space, at the prior, stays open (a fixed
 * 0.8 shut Hartmann-6's optimum away once the prior fell to 0.78).
 * docs/evidence-failures.md has the measurements. When no candidate
 * passes, the suggestion is made without it. */
#define ENGINE_MIN_SUCCESS_FRACTION 0.95

void bo_enginei_failure_options(const bo_engine *e, bo_acq_maximizer_options *mo)
{
    switch (e->opt.failure_model) {
    case BO_FAILURE_GPC:
        if (e->gpc_ok) {
            mo->success_model = e->gpc;
            mo->failure_radius = 0.0;
            mo->min_success_prob = ENGINE_MIN_SUCCESS_FRACTION * bo_gpc_prior_success(e->gpc);
        }
        return; /* an unfitted classifier: the radius rule as a fallback */
    case BO_FAILURE_NONE:
        mo->failure_radius = 0.0;
        return;
    case BO_FAILURE_RADIUS:
        return;
    }
}

void bo_enginei_gp_options(const bo_engine *e, bo_gp_options *go)
{
    bo_gp_options_default(go, e->opt.dim);
    go->n_sources = e->n_model_sources;
    go->target_source = e->model_source[e->opt.target_source];
    go->kernel = e->opt.kernel;
    go->mean = e->opt.mean;
    go->noise = e->opt.noise;
    if (go->n_sources == 1) {
        if (go->mean == BO_MEAN_PER_SOURCE)
            go->mean = BO_MEAN_CONSTANT;
        if (go->noise == BO_NOISE_PER_SOURCE)
            go->noise = BO_NOISE_LEARN;
    }
    /* The GP sees minimised values, so a fixed noise variance is unchanged
     * by the sign flip. */
    go->fixed_noise_var = e->opt.fixed_noise_var;
    if (e->opt.restarts)
        go->restarts = e->opt.restarts;
    go->fit_criterion = e->opt.fit_criterion;
    go->fit_is_weight = e->opt.fit_weight;
    if (e->mixed) {
        /* Integers on their axis, scaled to [0, 1] by the GP as the real
         * inputs already are; the categorical inputs' box is ignored. */
        go->lower = e->gp_lower;
        go->upper = e->gp_upper;
        go->n_levels = e->gp_levels;
        go->latent_mode = e->opt.latent_mode;
    }
}

/* A GP with the engine's model options, fitted to n_gp rows of gp_x and y,
 * warm-started from the last hyperparameters; NULL with the message in
 * e->errmsg and the status in *st. */
static bo_gp *engine_fit_gp(bo_engine *e, size_t n_gp, const double *y, uint64_t fit_index,
                            bo_status *st)
{
    bo_gp_options go;
    bo_enginei_gp_options(e, &go);
    go.seed = bo_enginei_derived_seed(e, ENGINE_STREAM_FIT, fit_index);

    bo_gp *gp = bo_gp_create(&go, e->errmsg, sizeof e->errmsg);
    if (!gp) {
        *st = BO_EINVAL;
        return NULL;
    }
    *st = bo_gp_set_data(gp, n_gp, e->gp_x, e->gp_source, y, NULL);
    if (*st != BO_OK) {
        bo_enginei_fail(e, *st, "model: %s", bo_gp_errmsg(gp));
        bo_gp_destroy(gp);
        return NULL;
    }
    size_t nh = bo_gp_n_hyper(gp);
    *st = bo_gp_fit(gp, e->n_theta == nh ? e->theta : NULL);
    if (*st != BO_OK) {
        bo_enginei_fail(e, *st, "model fit: %s", bo_gp_errmsg(gp));
        bo_gp_destroy(gp);
        return NULL;
    }
    return gp;
}

/* output_transform auto: the GP of the power-transformed values replaces
 * e->gp when its log marginal likelihood plus the map's log Jacobian, both
 * in the observed values' units, is the larger, and gp_y then holds the
 * transformed values. Both fits start from the same warm start and seed, so
 * the choice depends on the observations alone. A transform whose fit fails
 * is not taken; BO_ENOMEM is the only error. */
static bo_status engine_try_transform(bo_engine *e, size_t n_gp, uint64_t fit_index)
{
    bo_output_transform t;
    int fitted = bo_output_transform_fit(&t, e->gp_y, n_gp);
    if (fitted < 0)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    /* lambda = 1 is the identity up to the standardisation the GP repeats. */
    if (fitted == 0 || fabs(t.lambda - 1.0) < 1e-6)
        return BO_OK;
    double *z = malloc(n_gp * sizeof *z);
    if (!z)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    double log_jacobian = 0.0;
    for (size_t i = 0; i < n_gp; i++) {
        z[i] = bo_output_transform_apply(&t, e->gp_y[i]);
        log_jacobian += log(bo_output_transform_dy(&t, e->gp_y[i]));
    }
    bo_status st = BO_OK;
    char kept[sizeof e->errmsg];
    memcpy(kept, e->errmsg, sizeof kept);
    bo_gp *gz = engine_fit_gp(e, n_gp, z, fit_index, &st);
    if (!gz) {
        free(z);
        if (st == BO_ENOMEM)
            return st;
        memcpy(e->errmsg, kept, sizeof kept); /* the identity's fit stands */
        return BO_OK;
    }
    double with = bo_gp_log_marginal_likelihood(gz) + log_jacobian;
    double without = bo_gp_log_marginal_likelihood(e->gp);
    /* lambda was fitted to these values: it must buy more than the half
     * log n nats a fitted parameter costs (the Bayesian information
     * criterion), or a map that is no better than the identity would be
     * taken and dropped from one fit to the next on noise. */
    double penalty = 0.5 * log((double)n_gp);
    if (isfinite(with) && with - penalty > without) {
        bo_gp_destroy(e->gp);
        e->gp = gz;
        memcpy(e->gp_y, z, n_gp * sizeof *z);
        e->tf = t;
    } else {
        bo_gp_destroy(gz);
    }
    free(z);
    return BO_OK;
}

/* Builds and fits a GP to the current observations (gp_y holding the
 * observed values), warm-started from the last hyperparameters; with
 * may_transform and output_transform auto on one source, perhaps of their
 * power transform (engine_try_transform). Leaves it in e->gp. */
static bo_status engine_fit(bo_engine *e, size_t n_gp, uint64_t fit_index, int may_transform)
{
    bo_gp_destroy(e->gp);
    e->gp = NULL;
    e->fit_n = ENGINE_NO_FIT;
    e->n_fantasy = 0;
    e->tf.active = 0;
    bo_status st = BO_OK;
    e->gp = engine_fit_gp(e, n_gp, e->gp_y, fit_index, &st);
    if (!e->gp)
        return st;
    if (may_transform && e->opt.output_transform == BO_OUTPUT_TRANSFORM_AUTO &&
        e->n_model_sources == 1) {
        st = engine_try_transform(e, n_gp, fit_index);
        if (st != BO_OK)
            return st;
    }
    size_t nh = bo_gp_n_hyper(e->gp);
    if (e->n_theta != nh) {
        free(e->theta);
        e->theta = malloc(nh * sizeof *e->theta);
        if (!e->theta) {
            e->n_theta = 0;
            return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
        }
        e->n_theta = nh;
    }
    bo_gp_get_hyper(e->gp, e->theta);
    e->fit_n = e->n;
    e->fit_exact = 1;
    e->fit_count++;
    return BO_OK;
}

bo_output_transform bo_engine_output_map(const bo_engine *e)
{
    return e->tf;
}

double bo_enginei_model_value(const bo_engine *e, double y)
{
    return bo_output_transform_apply(&e->tf, y);
}

/* The model for a suggestion: the fit to every observation, reused when no
 * observation came since it was made (several workers asking at once: the
 * fit is the costly part, and a refit on the same data would only polish
 * it), then one believer point per pending point of a modelled source. */
static bo_status engine_model(bo_engine *e, size_t n_gp)
{
    if (e->gp && e->fit_n == e->n && e->fit_exact) {
        bo_status st = bo_gp_truncate(e->gp, n_gp);
        e->n_fantasy = 0;
        if (st != BO_OK)
            return bo_enginei_fail(e, st, "model: %s", bo_gp_errmsg(e->gp));
        /* engine_gather wrote the observed values; the model holds its own. */
        for (size_t i = 0; i < n_gp; i++)
            e->gp_y[i] = bo_enginei_model_value(e, e->gp_y[i]);
        return BO_OK;
    }
    return engine_fit(e, n_gp, e->n, 1);
}

/* Kriging believer (Ginsbourger, Le Riche and Carraro, 2010): each pending
 * point is added to the model as if it had returned the model's mean there,
 * in dispatch order, with the hyperparameters held. Its variance then drops
 * to the noise, so the acquisition looks elsewhere for the next point, and
 * this works unchanged for EI, log-EI, PI, UCB and MFCA. The fantasies also
 * follow the real points in gp_x, so they are excluded like observations,
 * and the incumbent is the best of the real and believed target values.
 * O(n^2) per pending point. Returns the incumbent. */
static bo_status engine_add_fantasies(bo_engine *e, size_t n_gp, double *incumbent)
{
    size_t d = e->opt.dim;
    double best = bo_enginei_model_value(e, e->best_y);
    *incumbent = best;
    e->n_fantasy = 0;
    for (size_t i = 0; i < e->n_pending; i++) {
        size_t ms = e->model_source[e->pending_source[i]];
        if (ms == ENGINE_NO_SOURCE)
            continue;
        const double *xp = e->pending_x + i * d;
        double mean;
        bo_status st = bo_gp_predict(e->gp, xp, ms, &mean, NULL, NULL);
        if (st == BO_OK && e->opt.pending == BO_PENDING_BELIEVER_CAPPED && e->have_best &&
            e->pending_source[i] == e->opt.target_source)
            mean = fmax(mean, best);
        if (st == BO_OK)
            st = bo_gp_add_point(e->gp, xp, ms, mean, 0.0);
        if (st != BO_OK)
            return bo_enginei_fail(e, st, "model: pending point %zu: %s", i + 1,
                                   bo_gp_errmsg(e->gp));
        size_t row = n_gp + e->n_fantasy++;
        memcpy(e->gp_x + row * d, xp, d * sizeof *xp);
        e->gp_y[row] = mean;
        e->gp_source[row] = ms;
        /* With constraints, engine_add_constraint_fantasies decides
         * whether a believed target value is a feasible one. */
        if (e->pending_source[i] == e->opt.target_source && e->opt.n_constraints == 0 &&
            e->opt.pending != BO_PENDING_BELIEVER_OBSERVED_BEST)
            *incumbent = fmin(*incumbent, mean);
    }
    return BO_OK;
}

/* The constraint GPs: one per output, with the objective's kernel, mean and
 * noise settings, fitted to the successful target-source evaluations that
 * gave that output. Each fit starts afresh (seeded from the number of
 * observations and the constraint), not from the last one, so a resumed run
 * fits the same models as an uninterrupted one with nothing to save; it is
 * redone only when an observation came. The believer points of the last
 * suggestion are dropped first. Returns BO_EINVAL with a message when a
 * constraint has fewer than two values or its fit fails. */
static bo_status engine_fit_constraints(bo_engine *e)
{
    size_t nc = e->opt.n_constraints, d = e->opt.dim;
    if (nc == 0)
        return BO_OK;
    if (e->cgp_n == e->n) {
        for (size_t j = 0; j < nc; j++) {
            bo_status st = bo_gp_truncate(e->cgp[j], e->cgp_rows[j]);
            if (st != BO_OK)
                return bo_enginei_fail(e, st, "constraint %zu model: %s", j + 1,
                                       bo_gp_errmsg(e->cgp[j]));
        }
        return BO_OK;
    }
    e->cgp_n = ENGINE_NO_FIT;
    for (size_t j = 0; j < nc; j++) {
        size_t m = 0;
        for (size_t i = 0; i < e->n; i++) {
            double v = e->c[i * nc + j];
            if (!e->ok[i] || e->source[i] != e->opt.target_source || !isfinite(v))
                continue;
            memcpy(e->cgp_x + m * d, e->x + i * d, d * sizeof(double));
            e->cgp_y[m++] = v;
        }
        if (m < 2)
            return bo_enginei_fail(e, BO_EINVAL, "constraint %zu: fewer than two evaluations "
                                   "gave its value", j + 1);
        bo_gp_options go;
        bo_enginei_gp_options(e, &go);
        go.n_sources = 1;
        go.target_source = 0;
        go.mean = go.mean == BO_MEAN_PER_SOURCE ? BO_MEAN_CONSTANT : go.mean;
        go.noise = go.noise == BO_NOISE_PER_SOURCE ? BO_NOISE_LEARN : go.noise;
        if (go.noise == BO_NOISE_FIXED) /* the fixed variance is the objective's, in its units */
            go.noise = BO_NOISE_LEARN;
        go.seed = bo_enginei_derived_seed(e, ENGINE_STREAM_CONSTRAINT_FIT,
                                          e->n * BO_ENGINE_MAX_CONSTRAINTS + j);
        bo_gp_destroy(e->cgp[j]);
        e->cgp[j] = bo_gp_create(&go, e->errmsg, sizeof e->errmsg);
        if (!e->cgp[j])
            return BO_EINVAL;
        bo_status st = bo_gp_set_data(e->cgp[j], m, e->cgp_x, NULL, e->cgp_y, NULL);
        if (st == BO_OK)
            st = bo_gp_fit(e->cgp[j], NULL);
        if (st != BO_OK)
            return bo_enginei_fail(e, st, "constraint %zu model: %s", j + 1,
                                   bo_gp_errmsg(e->cgp[j]));
        e->cgp_rows[j] = m;
    }
    e->cgp_n = e->n;
    return BO_OK;
}

void bo_enginei_constraint_options(const bo_engine *e, bo_acq_options *ao)
{
    ao->n_constraints = e->opt.n_constraints;
    if (ao->n_constraints == 0)
        return;
    ao->constraint_gp = e->cgp;
    ao->constraint_lower = e->clower;
    ao->constraint_upper = e->cupper;
    ao->no_feasible = !e->have_best;
}

/* Believer points on the constraint GPs: a pending target-source point is
 * added to each at that GP's mean there, as the objective's believer is, so
 * that P(feasible) too stops pulling the next suggestion onto it. A pending
 * point counts for the incumbent only if it is believed feasible (every
 * constraint mean within its bounds). Called after engine_add_fantasies. */
static bo_status engine_add_constraint_fantasies(bo_engine *e, double *incumbent)
{
    size_t nc = e->opt.n_constraints, d = e->opt.dim, t = e->opt.target_source;
    if (nc == 0)
        return BO_OK;
    for (size_t i = 0; i < e->n_pending; i++) {
        if (e->pending_source[i] != t)
            continue;
        const double *xp = e->pending_x + i * d;
        int feasible = 1;
        for (size_t j = 0; j < nc; j++) {
            double mean;
            bo_status st = bo_gp_predict(e->cgp[j], xp, 0, &mean, NULL, NULL);
            if (st == BO_OK)
                st = bo_gp_add_point(e->cgp[j], xp, 0, mean, 0.0);
            if (st != BO_OK)
                return bo_enginei_fail(e, st, "constraint %zu model: pending point %zu: %s", j + 1,
                                       i + 1, bo_gp_errmsg(e->cgp[j]));
            feasible &= mean >= e->clower[j] && mean <= e->cupper[j];
        }
        if (feasible && e->model_source[t] != ENGINE_NO_SOURCE) {
            double mean;
            if (bo_gp_predict(e->gp, xp, e->model_source[t], &mean, NULL, NULL) == BO_OK &&
                (!e->have_best || mean < *incumbent))
                *incumbent = mean;
        }
    }
    return BO_OK;
}

/* Squared distance with every coordinate on [0, 1]: a discrete input's
 * index divided by its largest. */
static double engine_unit_distance2(const bo_engine *e, const double *a, const double *b)
{
    size_t d = e->opt.dim;
    if (!e->mixed)
        return bo_design_squared_distance(a, b, d);
    double sum = 0.0;
    for (size_t j = 0; j < d; j++) {
        double t = a[j] - b[j];
        if (e->kind[j] != BO_VAR_REAL)
            t /= (double)(e->n_values[j] - 1);
        sum += t * t;
    }
    return sum;
}

/* 1 when x has been observed (ok or failed) or is pending on source. */
static int engine_visited(const bo_engine *e, const double *x, size_t source)
{
    size_t d = e->opt.dim;
    for (size_t i = 0; i < e->n; i++)
        if (e->source[i] == source && memcmp(e->x + i * d, x, d * sizeof *x) == 0)
            return 1;
    for (size_t i = 0; i < e->n_pending; i++)
        if (e->pending_source[i] == source && memcmp(e->pending_x + i * d, x, d * sizeof *x) == 0)
            return 1;
    return 0;
}

/* Observations and pending points of the target source. */
static size_t engine_target_rows(const bo_engine *e)
{
    size_t rows = 0;
    for (size_t i = 0; i < e->n; i++)
        rows += e->source[i] == e->opt.target_source;
    for (size_t i = 0; i < e->n_pending; i++)
        rows += e->pending_source[i] == e->opt.target_source;
    return rows;
}

/* A finite space (e->n_points > 0): the first point not visited on source
 * in the order start, start + 1, ... (mod n_points, point c's indices its
 * mixed-radix digits, the last input fastest) into x; 0 when every point
 * has been visited. */
static int engine_unvisited(const bo_engine *e, size_t source, size_t start, double *x)
{
    size_t d = e->opt.dim;
    for (size_t t = 0; t < e->n_points; t++) {
        size_t c = (start + t) % e->n_points;
        for (size_t j = d; j-- > 0;) {
            x[j] = (double)(c % e->n_values[j]);
            c /= e->n_values[j];
        }
        if (!engine_visited(e, x, source))
            return 1;
    }
    return 0;
}

/* A point when no model is available: uniform at random, derived from the
 * evaluation index, on the target source, kept away from earlier points of
 * that source by drawing a few candidates and keeping the farthest. */
static bo_status engine_fallback(bo_engine *e, double *x, bo_suggestion *s, const char *why)
{
    size_t d = e->opt.dim;
    double *cand = malloc(d * sizeof *cand);
    if (!cand)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    bo_rng rng;
    bo_rng_init_derived(&rng, e->opt.seed, ENGINE_STREAM_FALLBACK,
                        bo_enginei_suggestion_index(e));
    double best_dist = -1.0;
    for (int k = 0; k < 32; k++) {
        for (size_t j = 0; j < d; j++)
            cand[j] = bo_rng_uniform(&rng);
        if (e->mixed)
            bo_design_discretize(cand, 1, d, e->kind, e->n_values);
        double nearest = INFINITY;
        for (size_t i = 0; i < e->n; i++) {
            if (e->source[i] != e->opt.target_source)
                continue;
            nearest = fmin(nearest, engine_unit_distance2(e, cand, e->x + i * d));
        }
        for (size_t i = 0; i < e->n_pending; i++)
            if (e->pending_source[i] == e->opt.target_source)
                nearest = fmin(nearest, engine_unit_distance2(e, cand, e->pending_x + i * d));
        if (nearest > best_dist) {
            best_dist = nearest;
            memcpy(x, cand, d * sizeof *x);
        }
    }
    free(cand);
    /* In a finite space the farthest candidate may still be a visited
     * point: then the next one not visited after a random place (there is
     * one: bo_engine_suggest stops before this when there is none). */
    if (e->n_points > 0 && engine_visited(e, x, e->opt.target_source))
        (void)engine_unvisited(e, e->opt.target_source, bo_rng_below(&rng, e->n_points), x);
    *s = (bo_suggestion){.source = e->opt.target_source, .acq_value = NAN, .note = why};
    return BO_OK;
}

/* Multi-source acquisitions: 1 when the other sources have spent
 * explore_budget target costs since the last target evaluation (or since
 * the initial design). The cost-aware acquisition scores a cheap source by
 * its exploration value per unit cost, which shrinks only slowly as the
 * source is sampled: without a limit it can keep choosing a cheap, biased
 * source for hundreds of evaluations while the target's expected
 * improvement waits (Borehole: 240 to 450 low-fidelity evaluations before
 * the first target one). Counted from the history, so a resumed run makes
 * the same choices. Pending evaluations count as spent, after the observed
 * ones: a target point in flight resets the count. */
static int engine_exploration_spent(const bo_engine *e)
{
    if (!(e->opt.explore_budget > 0.0) || !bo_acq_is_multi_source(e->opt.acquisition))
        return 0;
    size_t t = e->opt.target_source;
    double spent = 0.0;
    for (size_t i = e->n_pending; i > 0; i--) {
        size_t src = e->pending_source[i - 1];
        if (src == t)
            return spent >= e->opt.explore_budget * e->cost[t];
        spent += e->cost[src];
    }
    for (size_t i = e->n; i > e->n_prior + e->n_design; i--) {
        size_t src = e->source[i - 1];
        if (src == t)
            break;
        spent += e->cost[src];
    }
    return spent >= e->opt.explore_budget * e->cost[t];
}

bo_status bo_engine_suggest(bo_engine *e, double *x, bo_suggestion *s)
{
    size_t d = e->opt.dim;
    e->errmsg[0] = '\0';
    size_t k = e->n_initial_observed + engine_pending_initial(e);
    if (k < e->n_design) {
        memcpy(x, e->design_x + k * d, d * sizeof *x);
        size_t src = e->design_source[k];
        *s = (bo_suggestion){.source = src, .initial = 1, .acq_value = NAN};
        /* A small finite space: a design point may repeat one visited. */
        if (e->n_points > 0 && engine_visited(e, x, src)) {
            bo_rng rng;
            bo_rng_init_derived(&rng, e->opt.seed, ENGINE_STREAM_FALLBACK,
                                bo_enginei_suggestion_index(e));
            if (!engine_unvisited(e, src, bo_rng_below(&rng, e->n_points), x))
                *s = (bo_suggestion){.source = src, .acq_value = NAN, .exhausted = 1};
        }
        return BO_OK;
    }
    /* x as scratch: it is written again below, or not set when exhausted.
     * Fewer target rows than points leave one unvisited: no search. */
    if (e->n_points > 0 && engine_target_rows(e) >= e->n_points &&
        !engine_unvisited(e, e->opt.target_source, 0, x)) {
        *s = (bo_suggestion){.source = e->opt.target_source, .acq_value = NAN, .exhausted = 1};
        return BO_OK;
    }

    size_t n_gp, n_avoid;
    size_t n_target = engine_gather(e, &n_gp, &n_avoid);
    if (n_target == 0 || (!e->have_best && e->opt.n_constraints == 0)) {
        return engine_fallback(e, x, s, "no successful target evaluation yet");
    }
    if (n_gp < 2) {
        return engine_fallback(e, x, s, "fewer than two successful evaluations");
    }
    bo_status st = engine_model(e, n_gp);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK) {
        return engine_fallback(e, x, s, "the model could not be fitted");
    }
    double incumbent;
    st = engine_add_fantasies(e, n_gp, &incumbent);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK)
        return engine_fallback(e, x, s, "the pending points could not be added to the model");
    st = engine_fit_constraints(e);
    if (st == BO_OK)
        st = engine_add_constraint_fantasies(e, &incumbent);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK)
        return engine_fallback(e, x, s, "the constraint models could not be fitted");
    st = engine_fit_failure_model(e, n_gp, n_avoid);
    if (st != BO_OK)
        return st;
    int done = 0;
    /* Stall steps refine around the incumbent: with constraints there is
     * none until a point is feasible. */
    if (e->have_best)
        st = bo_enginei_stall(e, n_gp, n_avoid, x, s, &done);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK)
        return engine_fallback(e, x, s, "the model could not be fitted");
    if (done)
        return BO_OK;
    st = bo_enginei_pending_refine(e, n_gp, n_avoid, x, s, &done);
    if (st == BO_ENOMEM)
        return st;
    if (st == BO_OK && done)
        return BO_OK;

    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = e->opt.acquisition;
    int forced = engine_exploration_spent(e);
    if (forced)
        ao.kind = BO_ACQ_EI; /* on the target source, from the joint model */
    ao.goal = BO_ACQ_MINIMIZE;
    if (e->opt.ucb_beta > 0.0)
        ao.beta = e->opt.ucb_beta;
    ao.target_source = e->model_source[e->opt.target_source];
    ao.n_sources = e->n_model_sources;
    ao.cost = e->model_cost;
    ao.mfca_target_ei = e->opt.mfca_target_ei;
    bo_enginei_constraint_options(e, &ao);
    /* Before a feasible point, P(feasible) is the value for every source;
     * the constraint GPs know only the target's outputs, so the target is
     * the one evaluated. */
    if (ao.no_feasible && bo_acq_is_multi_source(ao.kind))
        ao.kind = BO_ACQ_EI;

    bo_acq_maximizer_options mo;
    bo_enginei_maximizer_options(e, &mo);
    mo.threads = e->opt.acq_threads > 1 ? e->opt.acq_threads : 1;
    mo.seed = bo_enginei_derived_seed(e, ENGINE_STREAM_ACQ, bo_enginei_suggestion_index(e));
    /* The acquisition's peak often sits right next to the incumbent, finer
     * than the candidate pool resolves: start a local run there too. */
    mo.extra_starts = e->x + e->best_index * d;
    mo.n_extra_starts = e->have_best ? 1 : 0;
    bo_enginei_failure_options(e, &mo);
    double *region = NULL, side;
    if (e->opt.trust_region) {
        region = malloc(2 * d * sizeof *region);
        if (!region)
            return bo_enginei_fail(e, BO_ENOMEM, "out of memory");
        if (bo_engine_trust_region(e, &side, region, region + d)) {
            mo.lower = region;
            mo.upper = region + d;
        }
    }
    if (e->mixed) {
        mo.space = &e->space;
        mo.max_enumerate = e->opt.acq_enumerate;
    }

    bo_acq_points observed = {n_gp + e->n_fantasy, e->gp_x, e->gp_source};
    bo_acq_points avoid = {n_avoid, e->avoid_x, e->avoid_source};
    bo_acq_result res;
    st = bo_acq_maximize(&ao, e->gp, incumbent, &mo, &observed, &avoid, x, &res, NULL,
                         e->errmsg, sizeof e->errmsg);
    if (st == BO_EOPTIM && mo.min_success_prob > 0.0) {
        /* The classifier finds every candidate likely to fail: the
         * weighted acquisition alone still prefers the likelier ones. */
        mo.min_success_prob = 0.0;
        st = bo_acq_maximize(&ao, e->gp, incumbent, &mo, &observed, &avoid, x, &res, NULL,
                             e->errmsg, sizeof e->errmsg);
    }
    if (st == BO_EOPTIM && mo.lower) {
        /* Nothing admissible in the region (failures or evaluated points
         * fill it): the whole box. */
        mo.lower = mo.upper = NULL;
        st = bo_acq_maximize(&ao, e->gp, incumbent, &mo, &observed, &avoid, x, &res, NULL,
                             e->errmsg, sizeof e->errmsg);
    }
    free(region);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK) {
        return engine_fallback(e, x, s, "the acquisition could not be maximised");
    }
    size_t chosen = ENGINE_NO_SOURCE;
    for (size_t src = 0; src < e->opt.n_sources; src++)
        if (e->model_source[src] == res.source)
            chosen = src;
    if (chosen == ENGINE_NO_SOURCE)
        return bo_enginei_fail(e, BO_EOPTIM, "acquisition chose an unknown source %zu", res.source);
    for (size_t j = 0; j < d; j++)
        if (!e->mixed || e->kind[j] == BO_VAR_REAL)
            x[j] = fmin(1.0, fmax(0.0, x[j]));
    *s = (bo_suggestion){.source = chosen,
                         .acq_value = res.value,
                         .reason = forced ? "explore_budget spent: the target's EI"
                                   : ao.no_feasible ? "no feasible point yet: the probability "
                                                      "that every constraint holds"
                                                    : NULL,
                         .target_forced = forced};
    return BO_OK;
}

bo_gp *bo_engine_fit_final(bo_engine *e)
{
    size_t n_gp, n_avoid;
    engine_gather(e, &n_gp, &n_avoid);
    if (n_gp == 0)
        return NULL;
    /* Of the observed values, whatever the suggestions used: model.txt and
     * the predictions are in the user's units. */
    if (engine_fit(e, n_gp, e->n, 0) != BO_OK)
        return NULL;
    /* The loop's warm refits trade a short polish for the next iteration's
     * continuation; the saved model has no next iteration, so it gets a full
     * fit, with the warm result as one of its starts. */
    if (bo_gp_fit(e->gp, NULL) != BO_OK && engine_fit(e, n_gp, e->n, 0) != BO_OK)
        return NULL;
    e->fit_n = ENGINE_NO_FIT; /* not the loop's warm fit: never reused */
    return e->gp;
}
