/* bo_acq_maximize: the GP acquisition as a scorer, one maximisation per
 * scored source, exclusions per source, the best (x, source) kept. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "acquisition/mixed_search.h"

/* What an inadmissible candidate scores: far below any acquisition value
 * (log-EI included), finite for NLopt's sake. */
static const double inadmissible_value = -1e300;

/* The GP acquisition of one source, with the regions around that source's
 * failed evaluations, and whatever the caller's admissible() rejects, cut
 * out. */
typedef struct gp_scorer {
    bo_acq_evaluator *ev;
    size_t dim;
    const double *inv_ell;   /* 1 / length-scale per input */
    double radius;           /* failure radius, in length-scales */
    const double *ok_x;      /* the source's successful points */
    size_t n_ok;
    const double *failed_x;  /* the source's failed points */
    size_t n_failed;
    int (*admissible)(const void *ctx, const double *x); /* or NULL */
    const void *admissible_ctx;
    bo_gpc *success;         /* weights the acquisition by P(success), or NULL */
    double log_min_success;  /* candidates below this log P(success) are out */
} gp_scorer;

static double nearest_scaled_dist2(size_t dim, const double *inv_ell, const double *pts,
                                   size_t n, const double *x)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double d2 = 0.0;
        for (size_t j = 0; j < dim && d2 < best; j++) {
            /* A categorical input has no length-scale (NaN): another level
             * is another region, the same level adds nothing. */
            if (isnan(inv_ell[j])) {
                if (x[j] != pts[i * dim + j])
                    d2 = INFINITY;
                continue;
            }
            double t = (x[j] - pts[i * dim + j]) * inv_ell[j];
            d2 += t * t;
        }
        if (d2 < best)
            best = d2;
    }
    return best;
}

static int in_failure_region(const gp_scorer *sc, const double *x)
{
    if (sc->n_failed == 0 || !(sc->radius > 0.0))
        return 0;
    double to_failed = nearest_scaled_dist2(sc->dim, sc->inv_ell, sc->failed_x, sc->n_failed, x);
    if (to_failed >= sc->radius * sc->radius)
        return 0;
    return to_failed < nearest_scaled_dist2(sc->dim, sc->inv_ell, sc->ok_x, sc->n_ok, x);
}

static int likely_to_fail(const gp_scorer *sc, const double *x)
{
    if (!sc->success || !(sc->log_min_success > -HUGE_VAL))
        return 0;
    double log_p;
    /* A classifier that cannot score x leaves it in; the weighted value
     * reports the error. */
    return bo_gpc_predict(sc->success, x, NULL, &log_p, NULL) == BO_OK &&
           log_p < sc->log_min_success;
}

static int admissible(const gp_scorer *sc, const double *x)
{
    return !in_failure_region(sc, x) && !likely_to_fail(sc, x) &&
           (!sc->admissible || sc->admissible(sc->admissible_ctx, x));
}

/* Admissibility first, then the acquisition at the admissible rows only:
 * a candidate costs the GP O(n^2) against O(n d) for the tests, and the
 * stall steps' masks leave most of their 2048-point pool out (their local
 * step keeps only one basin). */
static bo_status score_block(void *ctx, size_t m, const double *X, double *value)
{
    const gp_scorer *sc = ctx;
    size_t dim = sc->dim, n_in = 0;
    for (size_t i = 0; i < m; i++) {
        int in = admissible(sc, X + i * dim);
        value[i] = in ? 0.0 : inadmissible_value;
        n_in += (size_t)in;
    }
    if (n_in == m)
        return bo_acq_evaluate_block_weighted(sc->ev, sc->success, m, X, value);
    if (n_in == 0)
        return BO_OK;
    double *packed = malloc(n_in * (dim + 1) * sizeof *packed);
    if (!packed)
        return BO_ENOMEM;
    double *packed_value = packed + n_in * dim;
    for (size_t i = 0, k = 0; i < m; i++)
        if (value[i] == 0.0)
            memcpy(packed + (k++) * dim, X + i * dim, dim * sizeof *packed);
    bo_status st = bo_acq_evaluate_block_weighted(sc->ev, sc->success, n_in, packed, packed_value);
    if (st == BO_OK)
        for (size_t i = 0, k = 0; i < m; i++)
            if (value[i] == 0.0)
                value[i] = packed_value[k++];
    free(packed);
    return st;
}

static bo_status score_point(void *ctx, const double *x, double *value, double *grad)
{
    const gp_scorer *sc = ctx;
    if (!admissible(sc, x)) {
        *value = inadmissible_value;
        if (grad)
            memset(grad, 0, sc->dim * sizeof *grad);
        return BO_OK;
    }
    return bo_acq_evaluate_weighted(sc->ev, sc->success, x, value, grad);
}

static int points_valid(const bo_acq_points *p)
{
    return !p || p->n == 0 || p->X;
}

/* Copies the rows of p that belong to source (all rows when p->source is
 * NULL) to out; returns how many. */
static size_t gather(const bo_acq_points *p, size_t source, size_t dim, double *out)
{
    if (!p)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!p->source || p->source[i] == source)
            memcpy(out + (k++) * dim, p->X + i * dim, dim * sizeof *out);
    return k;
}

/* One source's search over a mixed space: the mixed maximiser with its
 * defaults, the caller's seed, duplicate tolerance and local-run settings
 * for the continuous part. One thread: the mixed search calls the scorer
 * from its own. */
static bo_status maximize_mixed(const bo_acq_scorer *scorer, const bo_acq_maximizer_options *opt,
                                size_t n_ex, const double *exclude, double *x, bo_acq_result *r,
                                char *errbuf, size_t errlen)
{
    bo_mixed_options mo;
    bo_mixed_options_default(&mo);
    mo.seed = opt->seed;
    if (opt->max_enumerate > 0)
        mo.max_enumerate = opt->max_enumerate;
    mo.inner.optimizer = opt->optimizer;
    mo.inner.max_evals = opt->max_evals;
    mo.inner.xtol_rel = opt->xtol_rel;
    mo.inner.ftol_rel = opt->ftol_rel;
    mo.inner.duplicate_tol = opt->duplicate_tol;
    mo.inner.block_size = opt->block_size;
    size_t n_scored = 0;
    bo_status st = bo_mixed_maximize(scorer, opt->space, &mo, n_ex, exclude, x, &r->value,
                                     &n_scored, errbuf, errlen);
    r->n_evals = n_scored;
    return st;
}

bo_status bo_acq_maximize(const bo_acq_options *acq, bo_gp *gp, double best,
                          const bo_acq_maximizer_options *opt,
                          const bo_acq_points *observed, const bo_acq_points *avoid,
                          double *x, bo_acq_result *result, double *source_value,
                          char *errbuf, size_t errlen)
{
    if (!acq || !gp || !opt || !x || !result)
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: acquisition, GP, options, x and result are required");
    if (!points_valid(observed) || !points_valid(avoid))
        return bo_error_msg(errbuf, errlen, BO_EINVAL,
                            "maximize: points given without coordinates");
    memset(result, 0, sizeof *result);
    const size_t dim = bo_gp_dim(gp), n_sources = bo_gp_n_sources(gp);
    size_t block = opt->block_size ? opt->block_size : 1;
    bo_acq_evaluator *ev = bo_acq_evaluator_create(acq, gp, best, block, errbuf, errlen);
    if (!ev)
        return BO_EINVAL;
    /* Threads beyond the first score through copies of the GP (their own
     * prediction workspaces); the classifier and the constraints' GPs are
     * not copied, so either keeps the search on one thread. A copy that
     * cannot be made only means fewer threads: the answer is the same. */
    size_t n_threads =
        opt->threads > 1 && !opt->success_model && acq->n_constraints == 0 ? opt->threads : 1;
    if (n_threads > BO_ACQ_MAX_THREADS)
        n_threads = BO_ACQ_MAX_THREADS;
    bo_gp *gp_copy[BO_ACQ_MAX_THREADS] = {NULL};
    bo_acq_evaluator *ev_copy[BO_ACQ_MAX_THREADS] = {NULL};
    gp_scorer gsc_t[BO_ACQ_MAX_THREADS];
    bo_acq_scorer scorer_t[BO_ACQ_MAX_THREADS];
    size_t n_copies = 0;
    while (n_copies + 1 < n_threads) {
        bo_gp *c = bo_gp_clone(gp, NULL, 0);
        bo_acq_evaluator *cev = c ? bo_acq_evaluator_create(acq, c, best, block, NULL, 0) : NULL;
        if (!cev) {
            bo_gp_destroy(c);
            break;
        }
        gp_copy[n_copies] = c;
        ev_copy[n_copies++] = cev;
    }
    size_t n_ex_max = (observed ? observed->n : 0) + (avoid ? avoid->n : 0);
    double *exclude = malloc((n_ex_max ? n_ex_max : 1) * dim * sizeof *exclude);
    double *x_src = malloc(dim * sizeof *x_src);
    double *inv_ell = malloc(dim * sizeof *inv_ell);
    bo_status st = BO_OK;
    if (!exclude || !x_src || !inv_ell) {
        st = bo_error_msg(errbuf, errlen, BO_ENOMEM, "maximize: out of memory");
        goto done;
    }
    if (source_value)
        for (size_t s = 0; s < n_sources; s++)
            source_value[s] = -HUGE_VAL;

    bo_gp_lengthscales(gp, inv_ell);
    for (size_t j = 0; j < dim; j++)
        inv_ell[j] = 1.0 / inv_ell[j];
    double radius = opt->failure_radius > 0.0 ? opt->failure_radius : 0.0;
    gp_scorer gsc = {ev,   dim, inv_ell, radius, exclude, 0, NULL, 0, opt->admissible,
                     opt->admissible_ctx, opt->success_model,
                     opt->min_success_prob > 0.0 ? log(opt->min_success_prob) : -HUGE_VAL};
    bo_acq_scorer scorer = {dim, block, &gsc, score_block, score_point};
    scorer_t[0] = scorer;
    int multi = bo_acq_is_multi_source(acq->kind);
    size_t n_searched = multi ? n_sources : 1;
    bo_acq_maximizer_options source_opt = *opt;
    int have = 0;
    bo_status last_error = BO_OK;
    /* The target source first: its value is usually the one to beat, so
     * the others' local runs can be pruned against it. */
    for (size_t k = 0; k < n_searched; k++) {
        size_t s = k == 0 ? acq->target_source : (k <= acq->target_source ? k - 1 : k);
        if (multi && have && result->value > 0.0 && opt->source_prune_ratio > 0.0)
            source_opt.skip_local_below = result->value / opt->source_prune_ratio;
        bo_acq_evaluator_set_source(ev, s);
        size_t n_ok = gather(observed, s, dim, exclude);
        size_t n_failed = gather(avoid, s, dim, exclude + n_ok * dim);
        size_t n_ex = n_ok + n_failed;
        gsc.n_ok = n_ok;
        gsc.failed_x = exclude + n_ok * dim;
        gsc.n_failed = n_failed;
        for (size_t t = 0; t < n_copies; t++) {
            bo_acq_evaluator_set_source(ev_copy[t], s);
            gsc_t[t] = gsc;
            gsc_t[t].ev = ev_copy[t];
            scorer_t[t + 1] = scorer;
            scorer_t[t + 1].ctx = &gsc_t[t];
        }
        bo_acq_result r = {0};
        if (opt->space)
            st = maximize_mixed(&scorer, opt, n_ex, exclude, x_src, &r, errbuf, errlen);
        else
            st = bo_acq_maximize_scorers(scorer_t, n_copies + 1, &source_opt, n_ex, exclude,
                                         x_src, &r, errbuf, errlen);
        result->n_evals += r.n_evals;
        result->n_local += r.n_local;
        result->n_local_failed += r.n_local_failed;
        if (r.n_local)
            result->last_nlopt_code = r.last_nlopt_code;
        if (st == BO_EINVAL || st == BO_ENOMEM)
            goto done; /* the same for every source */
        if (st != BO_OK) {
            last_error = st; /* another source may still give an answer */
            continue;
        }
        if (r.value <= inadmissible_value) {
            /* Every candidate lay in a failure region of this source (or
             * was rejected by the caller's admissible()). */
            last_error =
                bo_error_msg(errbuf, errlen, BO_EOPTIM,
                             "maximize: source %zu: every candidate is next to a failure", s);
            continue;
        }
        if (source_value)
            source_value[s] = r.value;
        /* Ties go to the lower source index, so the choice is reproducible. */
        if (!have || r.value > result->value || (r.value == result->value && s < result->source)) {
            have = 1;
            result->value = r.value;
            result->source = s;
            memcpy(x, x_src, dim * sizeof *x);
        }
    }
    st = have ? BO_OK : last_error;
done:
    free(inv_ell);
    free(x_src);
    free(exclude);
    bo_acq_evaluator_destroy(ev);
    for (size_t t = 0; t < n_copies; t++) {
        bo_acq_evaluator_destroy(ev_copy[t]);
        bo_gp_destroy(gp_copy[t]);
    }
    return st;
}
