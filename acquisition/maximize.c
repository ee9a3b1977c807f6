/* The maximiser over the generic scoring interface; the GP-specific entry
 * point is in maximize_gp.c. */
#include "acquisition/maximize.h"

#include <float.h>
#include <math.h>
#include <nlopt.h>
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

bo_status bo_acq_maximize_scorer(const bo_acq_scorer *scorer,
                                 const bo_acq_maximizer_options *opt, size_t n_exclude,
                                 const double *exclude, double *x, bo_acq_result *result,
                                 char *errbuf, size_t errlen)
{
    bo_status st = check_options(scorer, opt, x, result, errbuf, errlen);
    if (st != BO_OK)
        return st;
    if (n_exclude > 0 && !exclude)
        return bo_error_msg(errbuf, errlen, BO_EINVAL, "maximize: %zu excluded points but no array",
                            n_exclude);
    memset(result, 0, sizeof *result);
    search s;
    memset(&s, 0, sizeof s);
    const size_t dim = scorer->dim;
    const int direct = opt->optimizer == BO_ACQ_OPT_DIRECT_L;
    const size_t pool_n = direct ? 0 : opt->pool_size;
    size_t block = opt->block_size < scorer->max_block ? opt->block_size : scorer->max_block;

    double *box = malloc(4 * dim * sizeof *box); /* lower, upper, tol, start */
    double *best_x = malloc(dim * sizeof *best_x);
    double *pool = pool_n ? malloc(pool_n * dim * sizeof *pool) : NULL;
    double *pool_value = pool_n ? malloc(pool_n * sizeof *pool_value) : NULL;
    ranked *order = pool_n ? malloc(pool_n * sizeof *order) : NULL;
    nlopt_opt nl = NULL;
    if (!box || !best_x || (pool_n && (!pool || !pool_value || !order))) {
        st = bo_error_msg(errbuf, errlen, BO_ENOMEM, "maximize: out of memory for %zu candidates",
                          pool_n);
        goto done;
    }
    double *lower = box, *upper = box + dim, *tol = box + 2 * dim, *start = box + 3 * dim;
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
        for (size_t i0 = 0; i0 < pool_n; i0 += block) {
            size_t m = pool_n - i0 < block ? pool_n - i0 : block;
            st = scorer->block(scorer->ctx, m, pool + i0 * dim, pool_value + i0);
            s.n_evals += m;
            if (st != BO_OK) {
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
    size_t n_extra = direct ? 0 : opt->n_extra_starts;
    size_t runs = direct ? 1 : opt->starts + n_extra;
    if (runs > 0) {
        nlopt_algorithm alg = direct                                 ? NLOPT_GN_DIRECT_L
                              : opt->optimizer == BO_ACQ_OPT_SLSQP ? NLOPT_LD_SLSQP
                                                                     : NLOPT_LD_LBFGS;
        nl = nlopt_create(alg, (unsigned)dim);
        if (!nl || nlopt_set_lower_bounds(nl, lower) < 0 || nlopt_set_upper_bounds(nl, upper) < 0 ||
            nlopt_set_max_objective(nl, nlopt_objective, &s) < 0 ||
            nlopt_set_maxeval(nl, (int)max_evals) < 0) {
            st = bo_error_msg(errbuf, errlen, BO_ENOMEM, "maximize: cannot set up NLopt (%s)",
                              nlopt_algorithm_name(alg));
            goto done;
        }
        if (!direct) {
            nlopt_set_xtol_rel(nl, opt->xtol_rel);
            nlopt_set_ftol_rel(nl, opt->ftol_rel);
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
    for (size_t r = 0; r < runs; r++) {
        if (direct) {
            for (size_t j = 0; j < dim; j++)
                start[j] = 0.5 * (lower[j] + upper[j]);
        } else if (r < opt->starts) {
            while (next < pool_n && (order[next].value == -HUGE_VAL ||
                                     is_excluded(&s, pool + order[next].index * dim)))
                next++;
            if (next >= pool_n)
                continue; /* the pool has no admissible point left */
            memcpy(start, pool + order[next].index * dim, dim * sizeof *start);
            next++;
        } else {
            bo_rng nudge;
            bo_rng_init_derived(&nudge, opt->seed, STREAM_NUDGE, r);
            const double *e = opt->extra_starts + (r - opt->starts) * dim;
            for (size_t j = 0; j < dim; j++) {
                double w = upper[j] - lower[j];
                double v = e[j] + (2.0 * bo_rng_uniform(&nudge) - 1.0) * 1e-3 * w;
                start[j] = fmin(fmax(v, lower[j]), upper[j]);
            }
        }
        bo_rng rng;
        bo_rng_init_derived(&rng, opt->seed, STREAM_NLOPT, r);
        nlopt_srand((unsigned long)bo_rng_u64(&rng));
        double value;
        nlopt_result code = nlopt_optimize(nl, start, &value);
        result->n_local++;
        result->last_nlopt_code = (int)code;
        if (code < 0)
            result->n_local_failed++;
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
    nlopt_destroy(nl);
    free(order);
    free(pool_value);
    free(pool);
    free(best_x);
    free(box);
    return st;
}
