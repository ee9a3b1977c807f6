/* The maximiser over the generic scoring interface; the GP-specific entry
 * point is in maximize_gp.c. */
#include "acquisition/maximize.h"

#include <float.h>
#include <math.h>
#include <nlopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/sobol.h"
#include "gp/rng.h"

/* Streams of bo_rng_init_derived, so the pool and each NLopt run draw from
 * independent generators whatever the others consumed. */
enum { STREAM_POOL = 1, STREAM_NLOPT = 2, STREAM_NUDGE = 3 };

/* What NLopt receives for a point the scorer could not value: very low but
 * finite, since some NLopt algorithms misbehave on infinities. */
static const double unusable_value = -1e300;

void bo_acq_maximizer_options_default(bo_acq_maximizer_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->optimizer = BO_ACQ_OPT_LBFGS;
    opt->pool_size = 512;
    opt->block_size = 256;
    opt->starts = 5;
    opt->max_evals = 0;
    opt->xtol_rel = 1e-7;
    opt->ftol_rel = 1e-9;
    opt->lower = NULL;
    opt->upper = NULL;
    opt->extra_starts = NULL;
    opt->n_extra_starts = 0;
    opt->duplicate_tol = 1e-6;
    opt->failure_radius = 0.5;
    opt->success_model = NULL;
    opt->min_success_prob = 0.0;
    opt->skip_local_below = -HUGE_VAL;
    opt->source_prune_ratio = 10.0;
    opt->threads = 1;
    opt->seed = 0;
}

/* Shared by the pool, the NLopt callback and the final choice: the box, the
 * excluded points and the best admissible point seen so far. */
typedef struct search {
    const bo_acq_scorer *scorer;
    size_t dim;
    const double *tol;          /* dim absolute duplicate tolerances */
    size_t n_exclude;
    const double *exclude;
    double best_value;
    double *best_x;             /* dim */
    int have_best;
    size_t n_evals;
    bo_status scorer_status;    /* first error a callback returned */
} search;

static int is_excluded(const search *s, const double *x)
{
    for (size_t i = 0; i < s->n_exclude; i++) {
        const double *e = s->exclude + i * s->dim;
        size_t j = 0;
        while (j < s->dim && fabs(x[j] - e[j]) <= s->tol[j])
            j++;
        if (j == s->dim)
            return 1;
    }
    return 0;
}

static void offer(search *s, const double *x, double value)
{
    if (!isfinite(value) || (s->have_best && !(value > s->best_value)))
        return;
    if (is_excluded(s, x))
        return;
    memcpy(s->best_x, x, s->dim * sizeof *x);
    s->best_value = value;
    s->have_best = 1;
}

static double nlopt_objective(unsigned n, const double *x, double *grad, void *data)
{
    search *s = data;
    double value = NAN;
    bo_status st = s->scorer->point(s->scorer->ctx, x, &value, grad);
    s->n_evals++;
    if (st != BO_OK && s->scorer_status == BO_OK)
        s->scorer_status = st;
    int usable = st == BO_OK && isfinite(value);
    if (usable && grad)
        for (unsigned j = 0; j < n; j++)
            usable &= isfinite(grad[j]);
    if (!usable) {
        if (grad)
            memset(grad, 0, n * sizeof *grad);
        return unusable_value;
    }
    offer(s, x, value);
    return value;
}

typedef struct ranked {
    double value;
    size_t index;
} ranked;

/* Descending value, then ascending index: a total order, so the choice of
 * starts does not depend on qsort's tie handling. */
static int compare_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value > b->value)
        return -1;
    if (a->value < b->value)
        return 1;
    return (a->index > b->index) - (a->index < b->index);
}

static void fill_pool(double *pool, size_t n, size_t dim, const double *lower,
                      const double *upper, uint64_t seed)
{
    bo_rng rng;
    bo_rng_init_derived(&rng, seed, STREAM_POOL, 0);
    bo_sobol *sobol = dim <= BO_SOBOL_MAX_DIM ? bo_sobol_create(dim, 1, bo_rng_u64(&rng)) : NULL;
    for (size_t i = 0; i < n; i++) {
        double *p = pool + i * dim;
        if (sobol)
            bo_sobol_next(sobol, p);
        else /* beyond the Sobol table (or out of memory): plain uniform */
            for (size_t j = 0; j < dim; j++)
                p[j] = bo_rng_uniform(&rng);
        for (size_t j = 0; j < dim; j++)
            p[j] = lower[j] + (upper[j] - lower[j]) * p[j];
    }
    bo_sobol_destroy(sobol);
}

static bo_status check_options(const bo_acq_scorer *sc, const bo_acq_maximizer_options *opt,
                               double *x, bo_acq_result *result, char *errbuf, size_t errlen)
{
    if (!sc || !opt || !x || !result)
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: scorer, options, x and result are required");
    if (sc->dim < 1 || !sc->block || !sc->point || sc->max_block < 1)
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: scorer needs dim >= 1, max_block >= 1 and both callbacks");
    if (opt->optimizer != BO_ACQ_OPT_LBFGS && opt->optimizer != BO_ACQ_OPT_SLSQP &&
        opt->optimizer != BO_ACQ_OPT_DIRECT_L)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: unknown optimizer %d",
                            (int)opt->optimizer);
    if (opt->optimizer != BO_ACQ_OPT_DIRECT_L && opt->pool_size < 1)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: pool_size must be >= 1");
    if (opt->block_size < 1)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: block_size must be >= 1");
    if (!(opt->duplicate_tol >= 0.0) || !isfinite(opt->duplicate_tol))
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: duplicate_tol %g must be >= 0",
                            opt->duplicate_tol);
    if (!(opt->xtol_rel >= 0.0) || !(opt->ftol_rel >= 0.0))
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: xtol_rel and ftol_rel must be >= 0");
    if (isnan(opt->skip_local_below))
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: skip_local_below must not be NaN");
    /* A ratio under 1 would set the bar above the best value found, and
     * strip local runs from sources that could still win. */
    if (!(opt->source_prune_ratio == 0.0 || opt->source_prune_ratio >= 1.0))
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: source_prune_ratio %g must be 0 (off) or >= 1",
                            opt->source_prune_ratio);
    if ((opt->lower == NULL) != (opt->upper == NULL))
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: give both lower and upper, or neither");
    if (opt->n_extra_starts > 0 && !opt->extra_starts)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: %zu extra starts but no array",
                            opt->n_extra_starts);
    if (opt->lower)
        for (size_t j = 0; j < sc->dim; j++)
            if (!isfinite(opt->lower[j]) || !isfinite(opt->upper[j]) ||
                !(opt->lower[j] < opt->upper[j]))
                return bo_error_msg(
                    errbuf, errlen, BO_EINVAL,
                    "maximize: box[%zu]: lower %g must be below upper %g, both finite", j,
                    opt->lower[j], opt->upper[j]);
    return BO_OK;
}

/* Runs task(ctx, i, thread) for every i in [0, n) on up to n_threads
 * threads, the caller's among them; thread is the index of the one running
 * it (0 = the caller), so that a task can use that thread's scorer. A task
 * writes only its own outputs, so what they compute does not depend on which
 * thread ran which task or in what order. A thread that cannot be started
 * leaves its share to the others. */
typedef void (*task_fn)(void *ctx, size_t i, size_t thread);

typedef struct task_queue {
    task_fn fn;
    void *ctx;
    size_t n, next;
    pthread_mutex_t lock;
} task_queue;

typedef struct task_worker {
    task_queue *q;
    size_t thread;
} task_worker;

static void *run_queue(void *arg)
{
    task_worker *w = arg;
    task_queue *q = w->q;
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next < q->n ? q->next++ : q->n;
        pthread_mutex_unlock(&q->lock);
        if (i >= q->n)
            return NULL;
        q->fn(q->ctx, i, w->thread);
    }
}

static void run_tasks(task_fn fn, void *ctx, size_t n, size_t n_threads)
{
    if (n_threads > n)
        n_threads = n;
    if (n_threads > BO_ACQ_MAX_THREADS)
        n_threads = BO_ACQ_MAX_THREADS;
    if (n_threads <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        return;
    }
    task_queue q = {fn, ctx, n, 0, PTHREAD_MUTEX_INITIALIZER};
    task_worker w[BO_ACQ_MAX_THREADS];
    pthread_t tid[BO_ACQ_MAX_THREADS];
    int started[BO_ACQ_MAX_THREADS] = {0};
    for (size_t t = 0; t < n_threads; t++)
        w[t] = (task_worker){&q, t};
    for (size_t t = 1; t < n_threads; t++)
        started[t] = pthread_create(&tid[t], NULL, run_queue, &w[t]) == 0;
    run_queue(&w[0]);
    for (size_t t = 1; t < n_threads; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&q.lock);
}

/* The candidate pool, one block per task. */
typedef struct pool_job {
    const bo_acq_scorer *scorers;
    size_t dim, pool_n, block;
    const double *pool;
    double *value;
    bo_status *status;      /* per block */
} pool_job;

static void score_pool_block(void *ctx, size_t b, size_t thread)
{
    pool_job *j = ctx;
    const bo_acq_scorer *sc = &j->scorers[thread];
    size_t i0 = b * j->block;
    size_t m = j->pool_n - i0 < j->block ? j->pool_n - i0 : j->block;
    j->status[b] = sc->block(sc->ctx, m, j->pool + i0 * j->dim, j->value + i0);
}

/* The local runs, one per task: each keeps its own best point, and the
 * caller merges them in run order afterwards. */
typedef struct local_job {
    const bo_acq_scorer *scorers;
    nlopt_opt *nl;          /* one per thread */
    search *runs;           /* one per run, best_x its own */
    double *starts;         /* runs x dim, overwritten by NLopt */
    const int *has_start;
    int *code;
    uint64_t seed;
} local_job;

static void local_run(void *ctx, size_t r, size_t thread)
{
    local_job *j = ctx;
    if (!j->has_start[r])
        return;
    search *s = &j->runs[r];
    s->scorer = &j->scorers[thread];
    nlopt_opt nl = j->nl[thread];
    nlopt_set_max_objective(nl, nlopt_objective, s);
    /* NLopt keeps its generator per thread (thread-local state), so each
     * run seeds the one its thread will use. */
    bo_rng rng;
    bo_rng_init_derived(&rng, j->seed, STREAM_NLOPT, r);
    nlopt_srand((unsigned long)bo_rng_u64(&rng));
    double value;
    j->code[r] = (int)nlopt_optimize(nl, j->starts + r * s->dim, &value);
}

bo_status bo_acq_maximize_scorer(const bo_acq_scorer *scorer,
                                 const bo_acq_maximizer_options *opt, size_t n_exclude,
                                 const double *exclude, double *x, bo_acq_result *result,
                                 char *errbuf, size_t errlen)
{
    return bo_acq_maximize_scorers(scorer, 1, opt, n_exclude, exclude, x, result, errbuf, errlen);
}

bo_status bo_acq_maximize_scorers(const bo_acq_scorer *scorers, size_t n_scorers,
                                  const bo_acq_maximizer_options *opt, size_t n_exclude,
                                  const double *exclude, double *x, bo_acq_result *result,
                                  char *errbuf, size_t errlen)
{
    const bo_acq_scorer *scorer = scorers;
    if (n_scorers < 1 || !scorers)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: at least one scorer is required");
    bo_status st = check_options(scorer, opt, x, result, errbuf, errlen);
    if (st != BO_OK)
        return st;
    for (size_t t = 1; t < n_scorers; t++)
        if (scorers[t].dim != scorer->dim || scorers[t].max_block != scorer->max_block ||
            !scorers[t].block || !scorers[t].point)
            return bo_error_msg(errbuf, errlen, BO_EINVAL,
                                "maximize: scorer %zu differs from scorer 0 in dim, max_block "
                                "or callbacks", t);
    if (n_exclude > 0 && !exclude)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: %zu excluded points but no array",
                            n_exclude);
    memset(result, 0, sizeof *result);
    size_t n_threads = opt->threads > 1 ? opt->threads : 1;
    if (n_threads > n_scorers)
        n_threads = n_scorers;
    if (n_threads > BO_ACQ_MAX_THREADS)
        n_threads = BO_ACQ_MAX_THREADS;
    search s;
    memset(&s, 0, sizeof s);
    const size_t dim = scorer->dim;
    const int direct = opt->optimizer == BO_ACQ_OPT_DIRECT_L;
    const size_t pool_n = direct ? 0 : opt->pool_size;
    size_t block = opt->block_size < scorer->max_block ? opt->block_size : scorer->max_block;
    size_t n_blocks = pool_n ? (pool_n + block - 1) / block : 0;
    size_t n_extra = direct ? 0 : opt->n_extra_starts;
    size_t runs = direct ? 1 : opt->starts + n_extra;

    double *box = malloc(3 * dim * sizeof *box); /* lower, upper, tol */
    double *best_x = malloc(dim * sizeof *best_x);
    double *pool = pool_n ? malloc(pool_n * dim * sizeof *pool) : NULL;
    double *pool_value = pool_n ? malloc(pool_n * sizeof *pool_value) : NULL;
    ranked *order = pool_n ? malloc(pool_n * sizeof *order) : NULL;
    bo_status *block_status = n_blocks ? malloc(n_blocks * sizeof *block_status) : NULL;
    /* Per run: its start, whether it has one, NLopt's code, its search
     * (best point seen) and that point. */
    double *run_x = runs ? malloc(2 * runs * dim * sizeof *run_x) : NULL;
    int *run_flags = runs ? calloc(2 * runs, sizeof *run_flags) : NULL;
    search *run_search = runs ? calloc(runs, sizeof *run_search) : NULL;
    nlopt_opt nl[BO_ACQ_MAX_THREADS] = {NULL};
    if (!box || !best_x || (pool_n && (!pool || !pool_value || !order || !block_status)) ||
        (runs && (!run_x || !run_flags || !run_search))) {
        st = bo_error_msg(errbuf, errlen, BO_ENOMEM, "maximize: out of memory for %zu candidates",
                          pool_n);
        goto done;
    }
    double *lower = box, *upper = box + dim, *tol = box + 2 * dim;
    for (size_t j = 0; j < dim; j++) {
        lower[j] = opt->lower ? opt->lower[j] : 0.0;
        upper[j] = opt->upper ? opt->upper[j] : 1.0;
        tol[j] = opt->duplicate_tol * (upper[j] - lower[j]);
    }
    s.scorer = scorer;
    s.dim = dim;
    s.tol = tol;
    s.n_exclude = n_exclude;
    s.exclude = exclude;
    s.best_value = -HUGE_VAL;
    s.best_x = best_x;
    s.scorer_status = BO_OK;

    if (pool_n) {
        fill_pool(pool, pool_n, dim, lower, upper, opt->seed);
        pool_job pj = {scorers, dim, pool_n, block, pool, pool_value, block_status};
        run_tasks(score_pool_block, &pj, n_blocks, n_threads);
        /* The first failing block is the one a serial pass would stop at. */
        for (size_t b = 0; b < n_blocks; b++) {
            size_t i0 = b * block, m = pool_n - i0 < block ? pool_n - i0 : block;
            s.n_evals += m;
            if (block_status[b] != BO_OK) {
                st = block_status[b];
                bo_error_msg(errbuf, errlen, st, "maximize: scoring candidates %zu..%zu failed", i0,
                             i0 + m - 1);
                goto done;
            }
        }
        for (size_t i = 0; i < pool_n; i++) {
            order[i].value = isfinite(pool_value[i]) ? pool_value[i] : -HUGE_VAL;
            order[i].index = i;
        }
        qsort(order, pool_n, sizeof *order, compare_ranked);
    }

    size_t max_evals = opt->max_evals ? opt->max_evals : (direct ? 2000 : 150);
    if (runs > 0) {
        nlopt_algorithm alg = direct                                 ? NLOPT_GN_DIRECT_L
                              : opt->optimizer == BO_ACQ_OPT_SLSQP ? NLOPT_LD_SLSQP
                                                                     : NLOPT_LD_LBFGS;
        size_t n_nl = n_threads < runs ? n_threads : runs;
        for (size_t t = 0; t < n_nl; t++) {
            nl[t] = nlopt_create(alg, (unsigned)dim);
            if (!nl[t] || nlopt_set_lower_bounds(nl[t], lower) < 0 ||
                nlopt_set_upper_bounds(nl[t], upper) < 0 ||
                nlopt_set_max_objective(nl[t], nlopt_objective, &s) < 0 ||
                nlopt_set_maxeval(nl[t], (int)max_evals) < 0) {
                st = bo_error_msg(errbuf, errlen, BO_ENOMEM, "maximize: cannot set up NLopt (%s)",
                                  nlopt_algorithm_name(alg));
                goto done;
            }
            if (!direct) {
                nlopt_set_xtol_rel(nl[t], opt->xtol_rel);
                nlopt_set_ftol_rel(nl[t], opt->ftol_rel);
            }
        }
    }

    /* The pool's best admissible point is the answer to beat; the starts are
     * the best admissible pool points after it, in order. */
    size_t next = 0;
    for (; next < pool_n && !s.have_best; next++)
        offer(&s, pool + order[next].index * dim, order[next].value);
    if (s.have_best)
        next--; /* the best pool point is the first start */
    if (!direct && s.have_best && s.best_value < opt->skip_local_below)
        runs = 0;
    /* Every start is known before any run: they depend on the pool and the
     * exclusions only, not on what the runs find. */
    int *has_start = run_flags, *code = run_flags + runs;
    double *run_best = run_x + runs * dim;
    for (size_t r = 0; r < runs; r++) {
        double *st_x = run_x + r * dim;
        if (direct) {
            for (size_t j = 0; j < dim; j++)
                st_x[j] = 0.5 * (lower[j] + upper[j]);
        } else if (r < opt->starts) {
            while (next < pool_n && (order[next].value == -HUGE_VAL ||
                                     is_excluded(&s, pool + order[next].index * dim)))
                next++;
            if (next >= pool_n)
                continue; /* the pool has no admissible point left */
            memcpy(st_x, pool + order[next].index * dim, dim * sizeof *st_x);
            next++;
        } else {
            bo_rng nudge;
            bo_rng_init_derived(&nudge, opt->seed, STREAM_NUDGE, r);
            const double *e = opt->extra_starts + (r - opt->starts) * dim;
            for (size_t j = 0; j < dim; j++) {
                double w = upper[j] - lower[j];
                double v = e[j] + (2.0 * bo_rng_uniform(&nudge) - 1.0) * 1e-3 * w;
                st_x[j] = fmin(fmax(v, lower[j]), upper[j]);
            }
        }
        has_start[r] = 1;
        run_search[r] = s;
        run_search[r].best_value = -HUGE_VAL;
        run_search[r].have_best = 0;
        run_search[r].best_x = run_best + r * dim;
        run_search[r].n_evals = 0;
        run_search[r].scorer_status = BO_OK;
    }
    if (runs > 0) {
        local_job lj = {scorers, nl, run_search, run_x, has_start, code, opt->seed};
        run_tasks(local_run, &lj, runs, n_threads);
    }
    /* Merged in run order, keeping a point only when strictly better, as a
     * serial pass offering every point in turn would: the same answer
     * whatever the thread count. */
    for (size_t r = 0; r < runs; r++) {
        if (!has_start[r])
            continue;
        const search *rs = &run_search[r];
        result->n_local++;
        result->last_nlopt_code = code[r];
        if (code[r] < 0)
            result->n_local_failed++;
        s.n_evals += rs->n_evals;
        if (rs->scorer_status != BO_OK && s.scorer_status == BO_OK)
            s.scorer_status = rs->scorer_status;
        if (rs->have_best && (!s.have_best || rs->best_value > s.best_value)) {
            memcpy(best_x, rs->best_x, dim * sizeof *best_x);
            s.best_value = rs->best_value;
            s.have_best = 1;
        }
    }
    if (!s.have_best) {
        st = s.scorer_status != BO_OK ? s.scorer_status : BO_EOPTIM;
        bo_error_msg(errbuf, errlen, st,
                     "maximize: no admissible point with a finite value among %zu evaluated",
                     s.n_evals);
        goto done;
    }
    memcpy(x, best_x, dim * sizeof *x);
    result->value = s.best_value;
    st = BO_OK;
done:
    result->n_evals = s.n_evals;
    for (size_t t = 0; t < BO_ACQ_MAX_THREADS; t++)
        nlopt_destroy(nl[t]);
    free(run_search);
    free(run_flags);
    free(run_x);
    free(block_status);
    free(order);
    free(pool_value);
    free(pool);
    free(best_x);
    free(box);
    return st;
}
