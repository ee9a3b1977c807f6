#include "bo/engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "gp/rng.h"

/* Streams of derived random numbers: each kind of random choice has its own,
 * indexed by source or evaluation, so no choice depends on how many draws
 * another made. */
enum {
    ENGINE_STREAM_DESIGN = 1,
    ENGINE_STREAM_FIT = 2,
    ENGINE_STREAM_ACQ = 3,
    ENGINE_STREAM_FALLBACK = 4,
    ENGINE_STREAM_EXPLORE = 5
};

#define ENGINE_NO_SOURCE ((size_t)-1)

struct bo_engine {
    bo_engine_options opt;
    double *cost;
    size_t *initial;
    int multi_source;        /* the acquisition compares sources */
    size_t *model_source;    /* engine source -> GP source, or ENGINE_NO_SOURCE */
    size_t n_model_sources;

    double *design_x;        /* the initial design, in suggestion order */
    size_t *design_source;
    size_t n_design;
    size_t n_initial_observed;

    double *x;               /* observations: n-by-dim, unit cube */
    size_t *source;
    double *y;               /* internal sign: always minimised */
    int *ok;
    size_t n, cap;

    int have_best;
    double best_y;           /* internal sign */
    size_t best_index;

    double *theta;           /* warm start for the next fit */
    size_t n_theta;

    /* Scratch for assembling the GP's data, grown with the observations. */
    double *gp_x, *gp_y, *avoid_x;
    size_t *gp_source, *avoid_source;
    double *sorted_y;        /* stall_explore's medians sort here */
    double *model_cost;

    bo_gp *gp;
    char errmsg[512];
};

static bo_status engine_fail(bo_engine *e, bo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

static uint64_t engine_derived_seed(const bo_engine *e, uint64_t stream, uint64_t index)
{
    bo_rng rng;
    bo_rng_init_derived(&rng, e->opt.seed, stream, index);
    return bo_rng_u64(&rng);
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
    e->cap = cap;
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
                                          engine_derived_seed(e, ENGINE_STREAM_DESIGN, s),
                                          e->design_x + at * d, err, errlen);
        if (st != BO_OK)
            goto fail;
        for (size_t i = 0; i < e->initial[s]; i++)
            e->design_source[at + i] = s;
        at += e->initial[s];
    }
    if (engine_grow(e) != 0)
        goto oom;
    e->theta = NULL;
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
            return engine_fail(e, BO_ENOMEM, "engine: out of memory");
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(theta[i])) {
                free(copy);
                return engine_fail(e, BO_EINVAL, "engine: hyperparameter %zu is not finite", i);
            }
            copy[i] = theta[i];
        }
    }
    free(e->theta);
    e->theta = copy;
    e->n_theta = n;
    return BO_OK;
}

const bo_gp *bo_engine_model(const bo_engine *e)
{
    return e->gp;
}

bo_status bo_engine_observe(bo_engine *e, const double *x, size_t source, double y, int ok,
                            int initial)
{
    if (source >= e->opt.n_sources)
        return engine_fail(e, BO_EINVAL, "observation: source %zu out of range (%zu sources)",
                           source, e->opt.n_sources);
    if (ok && !isfinite(y))
        return engine_fail(e, BO_EINVAL, "observation: y is not finite");
    for (size_t j = 0; j < e->opt.dim; j++)
        if (!(x[j] >= 0.0 && x[j] <= 1.0))
            return engine_fail(e, BO_EINVAL, "observation: x[%zu] = %g outside the unit cube",
                               j, x[j]);
    if (e->n == e->cap && engine_grow(e) != 0)
        return engine_fail(e, BO_ENOMEM, "engine: out of memory");
    size_t i = e->n++;
    memcpy(e->x + i * e->opt.dim, x, e->opt.dim * sizeof *x);
    e->source[i] = source;
    e->ok[i] = ok != 0;
    e->y[i] = ok ? (e->opt.maximize ? -y : y) : NAN;
    if (initial)
        e->n_initial_observed++;
    if (ok && source == e->opt.target_source && (!e->have_best || e->y[i] < e->best_y)) {
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

/* Builds and fits a GP to the current observations, warm-started from the
 * last hyperparameters. Leaves it in e->gp. */
static bo_status engine_fit(bo_engine *e, size_t n_gp, uint64_t fit_index)
{
    bo_gp_options go;
    bo_gp_options_default(&go, e->opt.dim);
    go.n_sources = e->n_model_sources;
    go.target_source = e->model_source[e->opt.target_source];
    go.kernel = e->opt.kernel;
    go.mean = e->opt.mean;
    go.noise = e->opt.noise;
    if (go.n_sources == 1) {
        if (go.mean == BO_MEAN_PER_SOURCE)
            go.mean = BO_MEAN_CONSTANT;
        if (go.noise == BO_NOISE_PER_SOURCE)
            go.noise = BO_NOISE_LEARN;
    }
    /* The GP sees minimised values, so a fixed noise variance is unchanged
     * by the sign flip. */
    go.fixed_noise_var = e->opt.fixed_noise_var;
    if (e->opt.restarts)
        go.restarts = e->opt.restarts;
    go.seed = engine_derived_seed(e, ENGINE_STREAM_FIT, fit_index);

    bo_gp_destroy(e->gp);
    e->gp = bo_gp_create(&go, e->errmsg, sizeof e->errmsg);
    if (!e->gp)
        return BO_EINVAL;
    bo_status st = bo_gp_set_data(e->gp, n_gp, e->gp_x, e->gp_source, e->gp_y, NULL);
    if (st != BO_OK)
        return engine_fail(e, st, "model: %s", bo_gp_errmsg(e->gp));
    size_t nh = bo_gp_n_hyper(e->gp);
    st = bo_gp_fit(e->gp, e->n_theta == nh ? e->theta : NULL);
    if (st != BO_OK)
        return engine_fail(e, st, "model fit: %s", bo_gp_errmsg(e->gp));
    if (e->n_theta != nh) {
        free(e->theta);
        e->theta = malloc(nh * sizeof *e->theta);
        if (!e->theta) {
            e->n_theta = 0;
            return engine_fail(e, BO_ENOMEM, "engine: out of memory");
        }
        e->n_theta = nh;
    }
    bo_gp_get_hyper(e->gp, e->theta);
    return BO_OK;
}

/* A point when no model is available: uniform at random, derived from the
 * evaluation index, on the target source, kept away from earlier points of
 * that source by drawing a few candidates and keeping the farthest. */
static bo_status engine_fallback(bo_engine *e, double *x, bo_suggestion *s, const char *why)
{
    size_t d = e->opt.dim;
    double *cand = malloc(d * sizeof *cand);
    if (!cand)
        return engine_fail(e, BO_ENOMEM, "engine: out of memory");
    bo_rng rng;
    bo_rng_init_derived(&rng, e->opt.seed, ENGINE_STREAM_FALLBACK, e->n);
    double best_dist = -1.0;
    for (int k = 0; k < 32; k++) {
        for (size_t j = 0; j < d; j++)
            cand[j] = bo_rng_uniform(&rng);
        double nearest = INFINITY;
        for (size_t i = 0; i < e->n; i++) {
            if (e->source[i] != e->opt.target_source)
                continue;
            double d2 = 0.0;
            for (size_t j = 0; j < d; j++) {
                double t = cand[j] - e->x[i * d + j];
                d2 += t * t;
            }
            nearest = fmin(nearest, d2);
        }
        if (nearest > best_dist) {
            best_dist = nearest;
            memcpy(x, cand, d * sizeof *x);
        }
    }
    free(cand);
    s->source = e->opt.target_source;
    s->initial = 0;
    s->acq_value = NAN;
    s->note = why;
    s->reason = NULL;
    s->target_forced = 0;
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
 * the same choices. */
static int engine_exploration_spent(const bo_engine *e)
{
    if (!(e->opt.explore_budget > 0.0) || !bo_acq_is_multi_source(e->opt.acquisition))
        return 0;
    size_t t = e->opt.target_source;
    double spent = 0.0;
    for (size_t i = e->n; i > e->n_design; i--) {
        size_t src = e->source[i - 1];
        if (src == t)
            break;
        spent += e->cost[src];
    }
    return spent >= e->opt.explore_budget * e->cost[t];
}

/* ---- stall exploration (acquisition.stall_explore) ----
 * EI on the MAP model can converge in a local basin and stay there: a basin
 * flat along some inputs makes the fit call those inputs irrelevant, and the
 * model then rules out a better basin elsewhere with high confidence. When
 * the best has stalled, an episode searches outside the incumbent's basin
 * with a cautious model (length-scales capped), refines a promising basin it
 * finds, and, once that basin holds a new incumbent, EI stays inside it. The
 * phase is replayed from the history, so --resume makes the same choices. */
enum {
    STALL_WINDOW = 10,          /* evaluations without progress that make a stall */
    STALL_MAX_STEPS = 30,       /* exploration steps per episode at most */
    STALL_PATIENCE = 8,         /* episode ends after this many steps without its own progress */
    STALL_MAX_OLD = 8,          /* basins remembered as explored */
    STALL_SEGMENT = 9,          /* mean evaluations on a segment for the hill-valley test */
    STALL_POOL = 2048           /* candidates: the masked region may be small */
};
static const double STALL_FRAC = 1e-3;      /* progress below this x (median - best) is none */
static const double STALL_STEP_FRAC = 1e-2; /* the same for an episode's own steps */
static const double STALL_PROMISING = 0.3;  /* a basin within this x (median - best) is refined */
static const double STALL_CAP = 0.3;        /* length-scale cap of the cautious model */
static const double STALL_BETA = 1.0;       /* LCB width while searching */
static const double STALL_NEAR = 0.05;      /* points this close to an anchor share its basin */

/* Admissible for a stall step: the nearest observed point has the wanted
 * basin flag, and the point is outside the failure regions. */
typedef struct stall_region {
    size_t dim, n;
    const double *pts;      /* n observed points */
    const int *flag;        /* one per point */
    int want;
    const double *inv_ell;  /* the failure regions, as bo_acq_maximize cuts them */
    double failure_radius;
    const double *failed;
    size_t n_failed;
} stall_region;

static int stall_admissible(const void *ctx, const double *x)
{
    const stall_region *sc = ctx;
    double best = INFINITY;
    int f = 0;
    for (size_t i = 0; i < sc->n; i++) {
        double d2 = 0.0;
        for (size_t j = 0; j < sc->dim; j++) {
            double t = x[j] - sc->pts[i * sc->dim + j];
            d2 += t * t;
        }
        if (d2 < best) {
            best = d2;
            f = sc->flag[i];
        }
    }
    return f == sc->want &&
           !bo_acq_in_failure_region(sc->dim, sc->inv_ell, sc->failure_radius, sc->pts, sc->n,
                                     sc->failed, sc->n_failed, x);
}

static int cmp_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Median of the successful target values among the first n observations:
 * with the best it gives a scale that outliers (Branin's 300) do not set. */
static double engine_median(const bo_engine *e, size_t n)
{
    double *v = e->sorted_y; /* grown with the observations: no allocation here */
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (e->ok[i] && e->source[i] == e->opt.target_source)
            v[m++] = e->y[i];
    double med = NAN;
    if (m) {
        qsort(v, m, sizeof *v, cmp_double);
        med = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    }
    return med;
}

/* Best target value among the first n observations (index in *idx). */
static double engine_best_upto(const bo_engine *e, size_t n, size_t *idx)
{
    double b = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (e->ok[i] && e->source[i] == e->opt.target_source && e->y[i] < b) {
            b = e->y[i];
            *idx = i;
        }
    return b;
}

/* 1 when, after n observations, the best improved by at most
 * STALL_FRAC (median - best) over the last STALL_WINDOW of them. */
static int engine_stalled_at(const bo_engine *e, size_t n)
{
    if (n < e->n_design + STALL_WINDOW)
        return 0;
    size_t i;
    double before = engine_best_upto(e, n - STALL_WINDOW, &i);
    double best = engine_best_upto(e, n, &i);
    double med = engine_median(e, n);
    if (!isfinite(before) || !(med > best))
        return 0;
    return before - best <= STALL_FRAC * (med - best);
}

enum { PHASE_EI = 0, PHASE_SEARCH = 1, PHASE_LOCAL = 2 };
typedef struct stall_state {
    int phase;
    size_t old[STALL_MAX_OLD];  /* anchors (history indices) of explored basins */
    size_t n_old;
    size_t steps;               /* this episode's steps so far */
    double start_best;          /* the best when the episode began */
    double own_best;            /* the best of the episode's own steps */
    size_t own_index, own_step;
} stall_state;

/* Remembers a basin by an anchor point, once: an anchor within STALL_NEAR
 * of a remembered one is the same basin. */
static void stall_remember(const bo_engine *e, stall_state *s, size_t index)
{
    size_t d = e->opt.dim;
    for (size_t k = 0; k < s->n_old; k++) {
        double d2 = 0.0;
        for (size_t j = 0; j < d; j++) {
            double t = e->x[index * d + j] - e->x[s->old[k] * d + j];
            d2 += t * t;
        }
        if (d2 < STALL_NEAR * STALL_NEAR)
            return;
    }
    if (s->n_old < STALL_MAX_OLD)
        s->old[s->n_old++] = index;
}

/* Accounts the episode step that produced observation m - 1; ends the
 * episode on a new incumbent (then EI stays local) or when it stops making
 * progress of its own (its basin is then remembered as explored). */
static int stall_step(const bo_engine *e, size_t m, stall_state *s)
{
    size_t bi;
    double best = engine_best_upto(e, m, &bi);
    double y = e->ok[m - 1] ? e->y[m - 1] : INFINITY;
    s->steps++;
    if (y < s->own_best - STALL_STEP_FRAC * (engine_median(e, m) - best)) {
        s->own_best = y;
        s->own_index = m - 1;
        s->own_step = s->steps;
    }
    /* A new incumbent by a real margin: a last-digit gain of plain EI in the
     * old basin (a step with nothing admissible falls back to it) is not
     * the episode's success. */
    if (best < s->start_best - STALL_STEP_FRAC * (engine_median(e, m) - best)) {
        s->phase = PHASE_LOCAL;
        return 1;
    }
    if (s->steps >= STALL_MAX_STEPS || s->steps - s->own_step >= STALL_PATIENCE) {
        if (isfinite(s->own_best))
            stall_remember(e, s, s->own_index);
        s->phase = PHASE_EI;
        return 1;
    }
    return 0;
}

/* Replays the phases over the first n observations. A new episode needs a
 * stall window that lies wholly after the previous episode. */
static void stall_replay(const bo_engine *e, size_t n, stall_state *s)
{
    size_t last_end = 0;
    memset(s, 0, sizeof *s);
    for (size_t m = e->n_design + 1; m <= n; m++) {
        if (s->phase == PHASE_SEARCH && stall_step(e, m, s))
            last_end = m;
        if (s->phase != PHASE_SEARCH && m >= last_end + STALL_WINDOW && engine_stalled_at(e, m)) {
            size_t bi = 0;
            s->start_best = engine_best_upto(e, m, &bi);
            stall_remember(e, s, bi);
            s->phase = PHASE_SEARCH;
            s->steps = 0;
            s->own_best = INFINITY;
            s->own_step = 0;
        }
    }
}

/* Marks the points in the basin of anchor ax (value ay): the posterior mean
 * on the segment between them never rises above the higher end value. */
static bo_status engine_mark_basin(bo_engine *e, size_t n, const double *ax, double ay,
                                   int *mark)
{
    size_t d = e->opt.dim;
    const double *X = e->gp_x, *Y = e->gp_y;
    double *seg = malloc(STALL_SEGMENT * d * sizeof *seg);
    double mu[STALL_SEGMENT];
    if (!seg)
        return BO_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (mark[i])
            continue;
        double dd = 0.0;
        for (size_t j = 0; j < d; j++)
            dd += (X[i * d + j] - ax[j]) * (X[i * d + j] - ax[j]);
        if (dd < STALL_NEAR * STALL_NEAR) {
            mark[i] = 1;
            continue;
        }
        for (size_t t = 0; t < STALL_SEGMENT; t++) {
            double a = (double)(t + 1) / (STALL_SEGMENT + 1);
            for (size_t j = 0; j < d; j++)
                seg[t * d + j] = ax[j] + a * (X[i * d + j] - ax[j]);
        }
        if (bo_gp_predict_block(e->gp, STALL_SEGMENT, seg, 0, mu, NULL, NULL) != BO_OK)
            continue;
        double top = -INFINITY;
        for (size_t t = 0; t < STALL_SEGMENT; t++)
            top = fmax(top, mu[t]);
        mark[i] = top <= fmax(Y[i], ay);
    }
    free(seg);
    return BO_OK;
}

/* The cautious model: no input may look irrelevant, so unexplored regions
 * keep their uncertainty. */
static bo_status engine_cap_lengths(bo_engine *e)
{
    return bo_gp_cap_lengthscales(e->gp, STALL_CAP);
}

/* Maximises ao (w.r.t. ref) over points whose nearest observation has
 * flag == want, with a local start at start. The n successful points and
 * the n_avoid failed ones are never proposed again. */
static bo_status engine_masked_max(bo_engine *e, const bo_acq_options *ao, double ref,
                                   size_t n, size_t n_avoid, const int *flag, int want,
                                   const double *start, double *x, double *value)
{
    size_t d = e->opt.dim;
    double *exclude = malloc((n + n_avoid + 1) * d * sizeof *exclude); /* + 1/length-scales */
    if (!exclude)
        return BO_ENOMEM;
    memcpy(exclude, e->gp_x, n * d * sizeof *exclude);
    if (n_avoid)
        memcpy(exclude + n * d, e->avoid_x, n_avoid * d * sizeof *exclude);
    bo_acq_evaluator *ev = bo_acq_evaluator_create(ao, e->gp, ref, 256, e->errmsg,
                                                   sizeof e->errmsg);
    if (!ev) {
        free(exclude);
        return BO_EINVAL;
    }
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    double *inv_ell = exclude + (n + n_avoid) * d;
    bo_gp_lengthscales(e->gp, inv_ell);
    for (size_t j = 0; j < d; j++)
        inv_ell[j] = 1.0 / inv_ell[j];
    stall_region region = {d,       n,      e->gp_x, flag, want, inv_ell, mo.failure_radius,
                           e->avoid_x, n_avoid};
    bo_acq_masked masked = {ev, d, stall_admissible, &region};
    bo_acq_scorer scorer = bo_acq_masked_scorer_of(&masked, 256);
    mo.pool_size = STALL_POOL;
    mo.seed = engine_derived_seed(e, ENGINE_STREAM_EXPLORE, e->n);
    mo.extra_starts = start;
    mo.n_extra_starts = 1;
    bo_acq_result res = {0};
    bo_status st = bo_acq_maximize_scorer(&scorer, &mo, n + n_avoid, exclude, x, &res,
                                          e->errmsg, sizeof e->errmsg);
    bo_acq_evaluator_destroy(ev);
    free(exclude);
    *value = res.value;
    if (st == BO_OK && !(res.value > bo_acq_inadmissible_value))
        st = BO_EOPTIM; /* nothing admissible */
    return st;
}

/* An episode's step: LCB on the cautious model outside the explored basins,
 * or, once the best point out there is promising, EI on the cautious model
 * with that point as the incumbent (the MAP model rates the basin too low
 * to refine it). */
static bo_status engine_search_step(bo_engine *e, size_t n, size_t n_avoid,
                                    const stall_state *s, int *mark, double *x, double *value,
                                    const char **note)
{
    size_t d = e->opt.dim, iref = 0;
    for (size_t k = 0; k < s->n_old; k++)
        if (engine_mark_basin(e, n, e->x + s->old[k] * d, e->y[s->old[k]], mark) != BO_OK)
            return BO_ENOMEM;
    double ref = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (!mark[i] && e->gp_y[i] < ref) {
            ref = e->gp_y[i];
            iref = i;
        }
    if (!isfinite(ref))
        return BO_EOPTIM;
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_EI;
    *note = "stall: refine";
    if (ref - e->best_y > STALL_PROMISING * (engine_median(e, e->n) - e->best_y)) {
        ao.kind = BO_ACQ_UCB;
        ao.beta = STALL_BETA;
        *note = "stall: search";
    }
    bo_status st = engine_cap_lengths(e);
    if (st != BO_OK)
        return st;
    return engine_masked_max(e, &ao, ref, n, n_avoid, mark, 0, e->gp_x + iref * d, x, value);
}

/* After an episode found a new incumbent: EI on the MAP model, kept inside
 * the incumbent's basin so it does not drift back to the old one. */
static bo_status engine_local_step(bo_engine *e, size_t n, size_t n_avoid, int *mark,
                                   double *x, double *value, const char **note)
{
    const double *xb = e->x + e->best_index * e->opt.dim;
    if (engine_mark_basin(e, n, xb, e->best_y, mark) != BO_OK)
        return BO_ENOMEM;
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_EI;
    *note = "stall: local";
    return engine_masked_max(e, &ao, e->best_y, n, n_avoid, mark, 1, xb, x, value);
}

/* *done = 1 when the stall phase chose x; otherwise the caller's EI runs on
 * the MAP model (restored here if the step changed it). */
static bo_status engine_stall(bo_engine *e, size_t n_gp, size_t n_avoid, double *x,
                              bo_suggestion *s, int *done)
{
    *done = 0;
    if (!e->opt.stall_explore || e->n_model_sources != 1 ||
        (e->opt.acquisition != BO_ACQ_EI && e->opt.acquisition != BO_ACQ_LOGEI))
        return BO_OK;
    stall_state ss;
    stall_replay(e, e->n, &ss);
    if (ss.phase == PHASE_EI)
        return BO_OK;
    int *mark = calloc(n_gp, sizeof *mark);
    if (!mark)
        return engine_fail(e, BO_ENOMEM, "engine: out of memory");
    double value = 0.0;
    const char *note = NULL;
    bo_status st = ss.phase == PHASE_LOCAL
                       ? engine_local_step(e, n_gp, n_avoid, mark, x, &value, &note)
                       : engine_search_step(e, n_gp, n_avoid, &ss, mark, x, &value, &note);
    free(mark);
    if (st == BO_ENOMEM)
        return engine_fail(e, st, "engine: out of memory");
    /* Back to the MAP model: for plain EI when nothing was admissible, and
     * so that whoever reads the engine's model afterwards sees the fit. */
    bo_status restored = bo_gp_set_hyper(e->gp, e->theta);
    if (st != BO_OK || restored != BO_OK)
        return restored;
    for (size_t j = 0; j < e->opt.dim; j++)
        x[j] = fmin(1.0, fmax(0.0, x[j]));
    s->source = e->opt.target_source;
    s->initial = 0;
    s->acq_value = value;
    s->note = NULL;
    s->reason = note;
    s->target_forced = 0;
    *done = 1;
    return BO_OK;
}

bo_status bo_engine_suggest(bo_engine *e, double *x, bo_suggestion *s)
{
    size_t d = e->opt.dim;
    e->errmsg[0] = '\0';
    if (e->n_initial_observed < e->n_design) {
        size_t k = e->n_initial_observed;
        memcpy(x, e->design_x + k * d, d * sizeof *x);
        s->source = e->design_source[k];
        s->initial = 1;
        s->acq_value = NAN;
        s->note = NULL;
        s->reason = NULL;
        s->target_forced = 0;
        return BO_OK;
    }

    size_t n_gp, n_avoid;
    size_t n_target = engine_gather(e, &n_gp, &n_avoid);
    if (n_target == 0 || !e->have_best) {
        return engine_fallback(e, x, s, "no successful target evaluation yet");
    }
    if (n_gp < 2) {
        return engine_fallback(e, x, s, "fewer than two successful evaluations");
    }
    bo_status st = engine_fit(e, n_gp, e->n);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK) {
        return engine_fallback(e, x, s, "the model could not be fitted");
    }
    int done = 0;
    st = engine_stall(e, n_gp, n_avoid, x, s, &done);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK)
        return engine_fallback(e, x, s, "the model could not be fitted");
    if (done)
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

    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    if (e->opt.acq_pool)
        mo.pool_size = e->opt.acq_pool;
    if (e->opt.acq_starts)
        mo.starts = e->opt.acq_starts;
    mo.seed = engine_derived_seed(e, ENGINE_STREAM_ACQ, e->n);
    /* The acquisition's peak often sits right next to the incumbent, finer
     * than the candidate pool resolves: start a local run there too. */
    mo.extra_starts = e->x + e->best_index * d;
    mo.n_extra_starts = 1;

    bo_acq_points observed = {n_gp, e->gp_x, e->gp_source};
    bo_acq_points avoid = {n_avoid, e->avoid_x, e->avoid_source};
    bo_acq_result res;
    st = bo_acq_maximize(&ao, e->gp, e->best_y, &mo, &observed, &avoid, x, &res, NULL,
                         e->errmsg, sizeof e->errmsg);
    if (st == BO_ENOMEM)
        return st;
    if (st != BO_OK) {
        return engine_fallback(e, x, s, "the acquisition could not be maximised");
    }
    s->source = ENGINE_NO_SOURCE;
    for (size_t src = 0; src < e->opt.n_sources; src++)
        if (e->model_source[src] == res.source)
            s->source = src;
    if (s->source == ENGINE_NO_SOURCE)
        return engine_fail(e, BO_EOPTIM, "acquisition chose an unknown source %zu", res.source);
    for (size_t j = 0; j < d; j++)
        x[j] = fmin(1.0, fmax(0.0, x[j]));
    s->initial = 0;
    s->acq_value = res.value;
    s->note = NULL;
    s->reason = forced ? "explore_budget spent: the target's EI" : NULL;
    s->target_forced = forced;
    return BO_OK;
}

bo_gp *bo_engine_fit_final(bo_engine *e)
{
    size_t n_gp, n_avoid;
    engine_gather(e, &n_gp, &n_avoid);
    if (n_gp == 0)
        return NULL;
    if (engine_fit(e, n_gp, e->n) != BO_OK)
        return NULL;
    /* The loop's warm refits trade a short polish for the next iteration's
     * continuation; the saved model has no next iteration, so it gets a full
     * fit, with the warm result as one of its starts. */
    if (bo_gp_fit(e->gp, NULL) != BO_OK && engine_fit(e, n_gp, e->n) != BO_OK)
        return NULL;
    return e->gp;
}
