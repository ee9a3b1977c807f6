/* acquisition.stall_explore: leaving a basin where EI has stalled. See
 * docs/acquisition.md ("Leaving a stalled basin") for the rules and their
 * measured effect. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "bo/engine/engine_internal.h"

/* EI on the MAP model can converge in a local basin and stay there: a basin
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
    STALL_MAX_OLD = BO_ENGINEI_STALL_MAX_OLD, /* basins remembered as explored */
    STALL_SEGMENT = 9,          /* mean evaluations on a segment for the hill-valley test */
    STALL_POOL = 2048           /* candidates: the masked region may be small */
};
static const double STALL_FRAC = 1e-3;      /* progress below this x (median - best) is none */
static const double STALL_STEP_FRAC = 1e-2; /* the same for an episode's own steps */
static const double STALL_PROMISING = 0.3;  /* a basin within this x (median - best) is refined */
static const double STALL_CAP = 0.3;        /* length-scale cap of the cautious model */
static const double STALL_BETA = 1.0;       /* LCB width while searching */
static const double STALL_NEAR = 0.05;      /* points this close to an anchor share its basin */
/* A stall also needs EI to be converging: at least this share of the window's
 * evaluations within STALL_NEAR of the incumbent. While EI still spends its
 * steps away from the incumbent (Levy's many near-equal basins) it is
 * exploring by itself, and an episode only takes budget from it (without
 * this, Levy's median regret doubled: docs/acquisition.md). */
static const double STALL_CONVERGED = 0.5;

/* Admissible for a stall step: the nearest observed point has the wanted
 * basin flag. (bo_acq_maximize cuts out the failure regions itself.) */
typedef struct stall_region {
    size_t dim, n;
    const double *pts;      /* n observed points */
    const int *flag;        /* one per point */
    int want;
} stall_region;

static int stall_admissible(const void *ctx, const double *x)
{
    const stall_region *sc = ctx;
    double best = INFINITY;
    int f = 0;
    for (size_t i = 0; i < sc->n; i++) {
        double d2 = bo_design_squared_distance(x, sc->pts + i * sc->dim, sc->dim);
        if (d2 < best) {
            best = d2;
            f = sc->flag[i];
        }
    }
    return f == sc->want;
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

/* With K evaluations in flight the rule's counts are of observations, and
 * each observation's point was chosen K - 1 results before it came: the
 * stall window spans at least a round of K, and an episode's patience and
 * length grow by the K - 1 points that were already running when it began
 * (or when its last success was chosen). While a round fits in one
 * worker's window (K <= STALL_WINDOW) the one-worker rule holds as it is:
 * at K = 4 on Hartmann-6 it fired in 5 of 10 runs, and the longer episodes
 * only cost budget (median regret after 100 evaluations 1.7e-6 against
 * 5.3e-7; docs/evidence-parallel.md). */
static size_t stall_workers(const bo_engine *e)
{
    return e->opt.workers > STALL_WINDOW ? e->opt.workers : 1;
}

/* A round of K once it is longer than one worker's window. */
static size_t stall_window(const bo_engine *e)
{
    return stall_workers(e) > 1 ? stall_workers(e) : STALL_WINDOW;
}

/* 1 when, after n observations, the best improved by at most
 * STALL_FRAC (median - best) over the last stall_window of them, and, with
 * one worker's rule, EI has converged: at least STALL_CONVERGED of those lie
 * within STALL_NEAR of the incumbent. */
static int engine_stalled_at(const bo_engine *e, size_t n)
{
    size_t window = stall_window(e);
    if (n < e->n_prior + e->n_design + window)
        return 0;
    size_t i = 0; /* set by engine_best_upto whenever best is finite */
    double before = engine_best_upto(e, n - window, &i);
    double best = engine_best_upto(e, n, &i);
    double med = engine_median(e, n);
    if (!isfinite(before) || !(med > best))
        return 0;
    if (before - best > STALL_FRAC * (med - best))
        return 0;
    /* With points in flight the believer spreads them, so the share near
     * the incumbent says nothing about convergence (Hartmann-6, K = 16: 0
     * to 10 of a round of 16 whether the run sat in a wrong basin or had
     * converged in the right one); the test is one worker's. */
    if (stall_workers(e) > 1)
        return 1;
    size_t d = e->opt.dim, near = 0;
    const double near2 = STALL_NEAR * STALL_NEAR;
    for (size_t k = n - window; k < n; k++)
        near += bo_design_squared_distance(e->x + k * d, e->x + i * d, d) <= near2;
    return (double)near >= STALL_CONVERGED * (double)window;
}

enum { PHASE_EI = 0, PHASE_SEARCH = 1, PHASE_LOCAL = 2 };
typedef bo_enginei_stall_replay stall_state;

/* Remembers a basin by an anchor point, once: an anchor within STALL_NEAR
 * of a remembered one is the same basin. */
static void stall_remember(const bo_engine *e, stall_state *s, size_t index)
{
    size_t d = e->opt.dim;
    const double *anchor = e->x + index * d;
    for (size_t k = 0; k < s->n_old; k++)
        if (bo_design_squared_distance(anchor, e->x + s->old[k] * d, d) < STALL_NEAR * STALL_NEAR)
            return;
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
    double margin = STALL_STEP_FRAC * (engine_median(e, m) - best);
    double y = e->ok[m - 1] ? e->y[m - 1] : INFINITY;
    s->steps++;
    if (y < s->own_best - margin) {
        s->own_best = y;
        s->own_index = m - 1;
        s->own_step = s->steps;
    }
    /* A new incumbent by a real margin: a last-digit gain of plain EI in the
     * old basin (a step with nothing admissible falls back to it) is not
     * the episode's success. */
    if (best < s->start_best - margin) {
        s->phase = PHASE_LOCAL;
        return 1;
    }
    size_t in_flight = stall_workers(e) - 1;
    if (s->steps >= STALL_MAX_STEPS + in_flight ||
        s->steps - s->own_step >= STALL_PATIENCE + in_flight) {
        if (isfinite(s->own_best))
            stall_remember(e, s, s->own_index);
        s->phase = PHASE_EI;
        return 1;
    }
    return 0;
}

/* Replays the phases over the first n observations, from where the last
 * call left off (the observations only grow; a shorter n starts over). A
 * new episode needs a stall window that lies wholly after the previous
 * episode. */
static void stall_replay(bo_engine *e, size_t n, stall_state *out)
{
    stall_state *s = &e->stall;
    size_t first = e->n_prior + e->n_design + 1;
    if (s->m_done < first || s->m_done > n) {
        memset(s, 0, sizeof *s);
        s->m_done = first - 1;
    }
    for (size_t m = s->m_done + 1; m <= n; m++) {
        if (s->phase == PHASE_SEARCH && stall_step(e, m, s))
            s->last_end = m;
        if (s->phase != PHASE_SEARCH && m >= s->last_end + stall_window(e) &&
            engine_stalled_at(e, m)) {
            size_t bi = 0;
            s->start_best = engine_best_upto(e, m, &bi);
            stall_remember(e, s, bi);
            s->phase = PHASE_SEARCH;
            s->steps = 0;
            s->own_best = INFINITY;
            s->own_step = 0;
        }
    }
    s->m_done = n;
    *out = *s;
}

/* Marks the points in the basin of anchor ax (observed value ay): the
 * posterior mean on the segment between them never rises above the higher
 * end value (both in the model's units, as gp_y). The segments' points are
 * predicted a position at a time for every point still in doubt, the
 * midpoint first: one rise settles a point, so most points outside the
 * basin cost one prediction instead of STALL_SEGMENT (these predictions
 * were a fifth of a K = 64 run's engine time). */
static bo_status engine_mark_basin(bo_engine *e, size_t n, const double *ax, double ay,
                                   int *mark)
{
    static const size_t position_order[STALL_SEGMENT] = {4, 2, 6, 0, 8, 1, 3, 5, 7};
    size_t d = e->opt.dim;
    ay = bo_enginei_model_value(e, ay);
    const double *X = e->gp_x, *Y = e->gp_y;
    double *seg = malloc(n * (d + 1) * sizeof *seg);
    size_t *doubt = malloc(n * sizeof *doubt);
    if (!seg || !doubt) {
        free(seg);
        free(doubt);
        return BO_ENOMEM;
    }
    double *mu = seg + n * d;
    size_t n_doubt = 0;
    for (size_t i = 0; i < n; i++) {
        if (mark[i])
            continue;
        if (bo_design_squared_distance(X + i * d, ax, d) < STALL_NEAR * STALL_NEAR)
            mark[i] = 1;
        else
            doubt[n_doubt++] = i;
    }
    for (size_t p = 0; p < STALL_SEGMENT && n_doubt > 0; p++) {
        double a = (double)(position_order[p] + 1) / (STALL_SEGMENT + 1);
        for (size_t k = 0; k < n_doubt; k++)
            for (size_t j = 0; j < d; j++)
                seg[k * d + j] = ax[j] + a * (X[doubt[k] * d + j] - ax[j]);
        if (bo_gp_predict_block(e->gp, n_doubt, seg, 0, mu, NULL, NULL) != BO_OK) {
            n_doubt = 0; /* unmarked, as a rise would leave them */
            break;
        }
        size_t kept = 0;
        for (size_t k = 0; k < n_doubt; k++)
            if (mu[k] <= fmax(Y[doubt[k]], ay))
                doubt[kept++] = doubt[k];
        n_doubt = kept;
    }
    for (size_t k = 0; k < n_doubt; k++)
        mark[doubt[k]] = 1;
    free(doubt);
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
 * flag == want, with a local start at start. bo_acq_maximize keeps, as for
 * every suggestion, the n successful and n_avoid failed points (and the
 * failure regions) out; BO_EOPTIM when nothing is admissible. */
static bo_status engine_masked_max(bo_engine *e, const bo_acq_options *ao, double ref,
                                   size_t n, size_t n_avoid, const int *flag, int want,
                                   const double *start, double *x, double *value)
{
    size_t d = e->opt.dim;
    stall_region region = {d, n, e->gp_x, flag, want};
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.admissible = stall_admissible;
    mo.admissible_ctx = &region;
    mo.pool_size = STALL_POOL;
    mo.seed = bo_enginei_derived_seed(e, ENGINE_STREAM_EXPLORE, bo_enginei_suggestion_index(e));
    mo.threads = e->opt.acq_threads > 1 ? e->opt.acq_threads : 1;
    mo.extra_starts = start;
    mo.n_extra_starts = 1;
    bo_enginei_failure_options(e, &mo);
    /* The pending points follow the n observed ones in gp_x: kept out too. */
    bo_acq_points observed = {n + e->n_fantasy, e->gp_x, NULL};
    bo_acq_points avoid = {n_avoid, e->avoid_x, NULL};
    bo_acq_result res = {0};
    bo_status st = bo_acq_maximize(ao, e->gp, ref, &mo, &observed, &avoid, x, &res, NULL,
                                   e->errmsg, sizeof e->errmsg);
    *value = res.value;
    return st;
}

/* An episode's step: LCB on the cautious model outside the explored basins,
 * or, once the best point out there is promising, EI on the cautious model
 * with that point as the incumbent (the MAP model rates the basin too low
 * to refine it). */
static bo_status engine_search_step(bo_engine *e, size_t n, size_t n_avoid, const int *mark,
                                    double *x, double *value, const char **note)
{
    size_t d = e->opt.dim, iref = 0;
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
    /* Compared in the model's units, in which ref (a gp_y value) is. */
    double best = bo_enginei_model_value(e, e->best_y);
    double median = bo_enginei_model_value(e, engine_median(e, e->n));
    if (ref - best > STALL_PROMISING * (median - best)) {
        ao.kind = BO_ACQ_UCB;
        ao.beta = STALL_BETA;
        *note = "stall: search";
    }
    bo_enginei_constraint_options(e, &ao); /* weighted by P(feasible) as the main step is */
    bo_status st = engine_cap_lengths(e);
    if (st != BO_OK)
        return st;
    return engine_masked_max(e, &ao, ref, n, n_avoid, mark, 0, e->gp_x + iref * d, x, value);
}

/* After an episode found a new incumbent: EI on the MAP model, kept inside
 * the incumbent's basin so it does not drift back to the old one. */
static bo_status engine_local_step(bo_engine *e, size_t n, size_t n_avoid, const int *mark,
                                   double *x, double *value, const char **note)
{
    const double *xb = e->x + e->best_index * e->opt.dim;
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_EI;
    *note = "stall: local";
    bo_enginei_constraint_options(e, &ao);
    return engine_masked_max(e, &ao, bo_enginei_model_value(e, e->best_y), n, n_avoid, mark, 1,
                             xb, x, value);
}

/* The basins a step of phase keeps out (search: the explored ones) or
 * keeps to (local: the incumbent's), marked over the n_gp real points;
 * taken from the engine's cache when it holds this fit's (see its
 * stall_mark). NULL when out of memory. */
static const int *stall_marks(bo_engine *e, size_t n_gp, const stall_state *ss)
{
    int believer_mean = e->opt.pending != BO_PENDING_BELIEVER_CAPPED;
    if (believer_mean && e->stall_mark_fit == e->fit_count && e->fit_n == e->n &&
        e->stall_mark_n == n_gp && e->stall_mark_phase == ss->phase)
        return e->stall_mark;
    if (e->stall_mark_cap < n_gp) {
        int *grown = realloc(e->stall_mark, n_gp * sizeof *grown);
        if (!grown)
            return NULL;
        e->stall_mark = grown;
        e->stall_mark_cap = n_gp;
    }
    e->stall_mark_fit = 0;
    int *mark = e->stall_mark;
    memset(mark, 0, n_gp * sizeof *mark);
    size_t d = e->opt.dim;
    if (ss->phase == PHASE_LOCAL) {
        if (engine_mark_basin(e, n_gp, e->x + e->best_index * d, e->best_y, mark) != BO_OK)
            return NULL;
    } else {
        for (size_t k = 0; k < ss->n_old; k++)
            if (engine_mark_basin(e, n_gp, e->x + ss->old[k] * d, e->y[ss->old[k]], mark) !=
                BO_OK)
                return NULL;
    }
    if (believer_mean) {
        e->stall_mark_fit = e->fit_count;
        e->stall_mark_n = n_gp;
        e->stall_mark_phase = ss->phase;
    }
    return mark;
}

/* *done = 1 when the stall phase chose x; otherwise the caller's EI runs on
 * the MAP model (restored here if the step changed it). */
bo_status bo_enginei_stall(bo_engine *e, size_t n_gp, size_t n_avoid, double *x,
                           bo_suggestion *s, int *done)
{
    *done = 0;
    /* Its basins and boxes are of the unit cube: with discrete inputs the
     * ordinary acquisition runs throughout. */
    if (!e->opt.stall_explore || e->n_model_sources != 1 || e->mixed ||
        (e->opt.acquisition != BO_ACQ_EI && e->opt.acquisition != BO_ACQ_LOGEI))
        return BO_OK;
    stall_state ss;
    stall_replay(e, e->n, &ss);
    if (ss.phase == PHASE_EI)
        return BO_OK;
    const int *mark = stall_marks(e, n_gp, &ss);
    if (!mark)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    double value = 0.0;
    const char *note = NULL;
    bo_status st = ss.phase == PHASE_LOCAL
                       ? engine_local_step(e, n_gp, n_avoid, mark, x, &value, &note)
                       : engine_search_step(e, n_gp, n_avoid, mark, x, &value, &note);
    if (st == BO_ENOMEM)
        return bo_enginei_fail(e, st, "engine: out of memory");
    /* Back to the MAP model: for plain EI when nothing was admissible, and
     * so that whoever reads the engine's model afterwards sees the fit. */
    bo_status restored = bo_gp_set_hyper(e->gp, e->theta);
    /* Re-conditioned at the fit's own hyperparameters and standardisation:
     * the fit's model up to rounding, so a suggestion with no new
     * observation may still reuse it (with 64 workers, refitting after
     * every stall step made the engine the bottleneck). */
    e->fit_exact = restored == BO_OK;
    if (st != BO_OK || restored != BO_OK)
        return restored;
    for (size_t j = 0; j < e->opt.dim; j++)
        x[j] = fmin(1.0, fmax(0.0, x[j]));
    *s = (bo_suggestion){.source = e->opt.target_source, .acq_value = value, .reason = note};
    *done = 1;
    return BO_OK;
}


/* Evaluations in flight, BO_PENDING_BELIEVER_REFINE. With K workers, the
 * believer spreads the K points: each pending point's believed value makes
 * its neighbourhood look known, so EI sends the next point elsewhere. Near
 * the incumbent that stops the local refinement that a single worker does
 * (Hartmann-6, K = 16: in evaluations 50-100 a median of 35 % of the points
 * lay within 0.05 of the incumbent, against 85 % with one worker, and the
 * regret after 100 evaluations was 10^4 times K = 1's). So a share of the
 * workers refines: while fewer than 1 + n_pending / 4 pending points lie in
 * the box of half-width REFINE_HALF_WIDTH around the incumbent, the next
 * point maximises the acquisition inside that box, on the same believer
 * model (the refinement points in flight spread inside the box as the others
 * do outside it), against the observed best. One worker (no pending point)
 * is never affected. */
static const double REFINE_HALF_WIDTH = 0.05; /* STALL_NEAR: the incumbent's neighbourhood */

bo_status bo_enginei_pending_refine(bo_engine *e, size_t n_gp, size_t n_avoid, double *x,
                                    bo_suggestion *s, int *done)
{
    *done = 0;
    if (e->opt.pending != BO_PENDING_BELIEVER_REFINE || e->n_pending == 0 ||
        e->n_model_sources != 1 || !e->have_best || e->mixed ||
        (e->opt.acquisition != BO_ACQ_EI && e->opt.acquisition != BO_ACQ_LOGEI))
        return BO_OK;
    size_t d = e->opt.dim;
    const double *xb = e->x + e->best_index * d;
    size_t near = 0;
    for (size_t i = 0; i < e->n_pending; i++) {
        const double *p = e->pending_x + i * d;
        size_t j = 0;
        /* A point chosen on the box's edge counts as inside: xb + w - xb
         * may round above w. */
        while (j < d && fabs(p[j] - xb[j]) <= REFINE_HALF_WIDTH * (1.0 + 1e-9))
            j++;
        near += j == d;
    }
    if (near >= 1 + e->n_pending / 4)
        return BO_OK;
    double *box = malloc(2 * d * sizeof *box);
    if (!box)
        return bo_enginei_fail(e, BO_ENOMEM, "engine: out of memory");
    for (size_t j = 0; j < d; j++) {
        box[j] = fmax(0.0, xb[j] - REFINE_HALF_WIDTH);
        box[d + j] = fmin(1.0, xb[j] + REFINE_HALF_WIDTH);
    }
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = e->opt.acquisition;
    bo_acq_maximizer_options mo;
    bo_enginei_maximizer_options(e, &mo);
    mo.lower = box;
    mo.upper = box + d;
    mo.seed = bo_enginei_derived_seed(e, ENGINE_STREAM_EXPLORE, bo_enginei_suggestion_index(e));
    mo.threads = e->opt.acq_threads > 1 ? e->opt.acq_threads : 1;
    mo.extra_starts = xb;
    mo.n_extra_starts = 1;
    bo_enginei_failure_options(e, &mo);
    bo_acq_points observed = {n_gp + e->n_fantasy, e->gp_x, e->gp_source};
    bo_acq_points avoid = {n_avoid, e->avoid_x, e->avoid_source};
    bo_acq_result res = {0};
    bo_status st = bo_acq_maximize(&ao, e->gp, e->best_y, &mo, &observed, &avoid, x, &res, NULL,
                                   e->errmsg, sizeof e->errmsg);
    free(box);
    if (st != BO_OK)
        return st == BO_ENOMEM ? st : BO_EOPTIM; /* the caller's acquisition then */
    for (size_t j = 0; j < d; j++)
        x[j] = fmin(1.0, fmax(0.0, x[j]));
    *s = (bo_suggestion){.source = e->opt.target_source,
                         .acq_value = res.value,
                         .reason = "pending: refine the incumbent"};
    *done = 1;
    return BO_OK;
}
