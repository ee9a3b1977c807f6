/* The mixed-space maximiser (mixed_search.h): enumeration over level
 * combinations, or a local search alternating the continuous maximiser and
 * one-variable level moves. The continuous maximiser sees a reduced scorer
 * over the real and integer variables, the categorical ones held at the
 * current combination. */
#include "acquisition/mixed_search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gp/rng.h"

enum { STREAM_POOL = 11, STREAM_INNER = 12 };

void bo_mixed_options_default(bo_mixed_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_enumerate = 64;
    opt->starts = 6;
    opt->pool_size = 1024;
    opt->max_rounds = 20;
    bo_acq_maximizer_options_default(&opt->inner);
    opt->inner.pool_size = 256;
    opt->inner.starts = 3;
    opt->seed = 0;
}

size_t bo_mixed_combinations(const bo_mixed_space *space)
{
    size_t combos = 1;
    for (size_t k = 0; k < space->dim; k++) {
        if (space->kind[k] != BO_VAR_CATEGORICAL)
            continue;
        size_t L = space->n_levels[k];
        if (L > 0 && combos > SIZE_MAX / L)
            return SIZE_MAX;
        combos *= L;
    }
    return combos;
}

typedef struct mixed {
    const bo_acq_scorer *scorer;
    const bo_mixed_space *sp;
    const bo_mixed_options *opt;
    size_t dim, nr, nc, nreal;
    size_t *rcol, *ccol;        /* reduced (real, integer) and categorical columns */
    size_t *realcol;            /* the real columns alone */
    const size_t *act;          /* the columns the continuous search moves: rcol, or
                                   realcol once the integers are rounded */
    size_t nact;
    double *full;               /* dim: the point the reduced scorer completes */
    double *block_full;         /* max_block x dim */
    double *grad_full;          /* dim */
    double *lo_r, *hi_r, *tol;  /* nr bounds; dim duplicate tolerances */
    size_t n_exclude;
    const double *exclude;
    double *ex_r;               /* n_exclude x nr: excluded rows of the current levels */
    double *xr, *trial, *cur;   /* nr, dim, dim */
    double *cand;               /* dim: a rounding tried by search_levels */
    double *alt;                /* dim: a local search's candidate */
    double best_value;
    double *best_x;             /* dim */
    int have_best;
    size_t n_scored;
    unsigned long inner_runs;
    char *errbuf;
    size_t errlen;
} mixed;

/* The reduced scorer: reduced rows completed with the current levels. */
static bo_status reduced_block(void *ctx, size_t m, const double *X, double *value)
{
    mixed *s = ctx;
    for (size_t i = 0; i < m; i++) {
        double *row = s->block_full + i * s->dim;
        memcpy(row, s->full, s->dim * sizeof *row);
        for (size_t q = 0; q < s->nact; q++)
            row[s->act[q]] = X[i * s->nact + q];
    }
    return s->scorer->block(s->scorer->ctx, m, s->block_full, value);
}

static bo_status reduced_point(void *ctx, const double *x, double *value, double *grad)
{
    mixed *s = ctx;
    for (size_t q = 0; q < s->nact; q++)
        s->full[s->act[q]] = x[q];
    bo_status st = s->scorer->point(s->scorer->ctx, s->full, value, grad ? s->grad_full : NULL);
    if (st == BO_OK && grad)
        for (size_t q = 0; q < s->nact; q++)
            grad[q] = s->grad_full[s->act[q]];
    return st;
}

static int excluded(const mixed *s, const double *x)
{
    for (size_t i = 0; i < s->n_exclude; i++) {
        const double *e = s->exclude + i * s->dim;
        size_t k = 0;
        while (k < s->dim && fabs(x[k] - e[k]) <= s->tol[k])
            k++;
        if (k == s->dim)
            return 1;
    }
    return 0;
}

static bo_status score(mixed *s, const double *x, double *value)
{
    s->n_scored++;
    bo_status st = s->scorer->point(s->scorer->ctx, x, value, NULL);
    if (st == BO_OK && !isfinite(*value))
        *value = -HUGE_VAL;
    return st;
}

static void offer(mixed *s, const double *x, double value)
{
    if (!(value > -HUGE_VAL) || (s->have_best && !(value > s->best_value)))
        return;
    memcpy(s->best_x, x, s->dim * sizeof *x);
    s->best_value = value;
    s->have_best = 1;
}

/* The continuous maximiser over the columns act (nact of them), every other
 * variable held at x's value; x's own values are an extra start when
 * start_here. x gets the answer (not rounded), *value its score, or
 * -HUGE_VAL when nothing admissible was found. */
static bo_status continuous(mixed *s, const size_t *act, size_t nact, double *x, int start_here,
                            double *value)
{
    memcpy(s->full, x, s->dim * sizeof *x);
    s->act = act;
    s->nact = nact;
    /* Excluded rows that agree with x on every held column. */
    size_t n_ex = 0;
    for (size_t i = 0; i < s->n_exclude; i++) {
        const double *e = s->exclude + i * s->dim;
        int same = 1;
        for (size_t k = 0, q = 0; k < s->dim && same; k++) {
            if (q < nact && act[q] == k) {
                q++;
                continue;
            }
            same = fabs(e[k] - x[k]) <= s->tol[k];
        }
        if (!same)
            continue;
        for (size_t q = 0; q < nact; q++)
            s->ex_r[n_ex * nact + q] = e[act[q]];
        n_ex++;
    }
    bo_acq_scorer reduced = {nact, s->scorer->max_block, s, reduced_block, reduced_point};
    bo_acq_maximizer_options o = s->opt->inner;
    for (size_t q = 0; q < nact; q++) {
        s->lo_r[q] = s->sp->lower[act[q]];
        s->hi_r[q] = s->sp->upper[act[q]];
        /* An integer variable of one value is still a box for NLopt. */
        if (!(s->hi_r[q] > s->lo_r[q]))
            s->hi_r[q] = s->lo_r[q] + 1e-9;
        s->xr[q] = fmin(fmax(x[act[q]], s->lo_r[q]), s->hi_r[q]);
    }
    o.lower = s->lo_r;
    o.upper = s->hi_r;
    o.extra_starts = start_here ? s->xr : NULL;
    o.n_extra_starts = start_here ? 1 : 0;
    bo_rng rng;
    bo_rng_init_derived(&rng, s->opt->seed, STREAM_INNER, (uint64_t)s->inner_runs++);
    o.seed = bo_rng_u64(&rng);
    bo_acq_result res;
    s->n_scored++;
    bo_status st = bo_acq_maximize_scorer(&reduced, &o, n_ex, s->ex_r, s->xr, &res, s->errbuf,
                                          s->errlen);
    *value = -HUGE_VAL;
    if (st == BO_EOPTIM)
        return BO_OK;
    if (st != BO_OK)
        return st;
    for (size_t q = 0; q < nact; q++)
        x[act[q]] = s->xr[q];
    *value = res.value;
    return BO_OK;
}

/* The best point with x's levels: the continuous search over the real and
 * integer variables, then the integers rounded, each rounded choice (the
 * nearest integers, and for each integer variable the other neighbour of
 * its continuous value) with the real variables searched again. x gets the
 * answer, *value its score (-HUGE_VAL: nothing admissible). */
static bo_status search_levels(mixed *s, double *x, int start_here, double *value)
{
    *value = -HUGE_VAL;
    if (s->nr == 0) {
        if (excluded(s, x))
            return BO_OK;
        return score(s, x, value);
    }
    double cv;
    bo_status st = continuous(s, s->rcol, s->nr, x, start_here, &cv);
    if (st != BO_OK || !(cv > -HUGE_VAL))
        return st;
    if (s->nreal == s->nr) { /* no integers to round */
        *value = cv;
        return BO_OK;
    }
    /* x holds the continuous answer; try the roundings. */
    memcpy(s->cur, x, s->dim * sizeof *x);
    double best = -HUGE_VAL;
    for (size_t flip = 0; flip <= s->dim; flip++) {
        if (flip < s->dim && s->sp->kind[flip] != BO_VAR_INTEGER)
            continue;
        memcpy(s->cand, s->cur, s->dim * sizeof *x);
        int usable = 1;
        for (size_t k = 0; k < s->dim; k++) {
            if (s->sp->kind[k] != BO_VAR_INTEGER)
                continue;
            double r = round(s->cur[k]);
            if (k == flip)
                r = s->cur[k] >= r ? r + 1.0 : r - 1.0;
            if (r < s->sp->lower[k] || r > s->sp->upper[k])
                usable = 0;
            s->cand[k] = r;
        }
        if (!usable)
            continue;
        double v = -HUGE_VAL;
        if (s->nreal > 0) {
            st = continuous(s, s->realcol, s->nreal, s->cand, 1, &v);
        } else if (!excluded(s, s->cand)) {
            st = score(s, s->cand, &v);
        }
        if (st != BO_OK)
            return st;
        if (v > best) {
            best = v;
            memcpy(x, s->cand, s->dim * sizeof *x);
        }
    }
    *value = best;
    return BO_OK;
}

static bo_status enumerate(mixed *s, size_t combos, double *x)
{
    for (size_t c = 0; c < combos; c++) {
        size_t rest = c;
        /* Mixed radix, the last categorical variable fastest. */
        for (size_t v = s->nc; v-- > 0;) {
            size_t L = s->sp->n_levels[s->ccol[v]];
            x[s->ccol[v]] = (double)(rest % L);
            rest /= L;
        }
        for (size_t q = 0; q < s->nr; q++) {
            size_t k = s->rcol[q];
            x[k] = 0.5 * (s->sp->lower[k] + s->sp->upper[k]);
        }
        double value;
        bo_status st = search_levels(s, x, 0, &value);
        if (st != BO_OK)
            return st;
        offer(s, x, value);
    }
    return BO_OK;
}

static bo_status local_search(mixed *s, double *x)
{
    const bo_mixed_options *opt = s->opt;
    size_t dim = s->dim, P = opt->pool_size, B = s->scorer->max_block;
    double *pool = malloc(P * dim * sizeof *pool), *pv = malloc(P * sizeof *pv);
    size_t *chosen = malloc((opt->starts + 1) * sizeof *chosen);
    bo_status st = BO_OK;
    if (!pool || !pv || !chosen) {
        st = BO_ENOMEM;
        goto done;
    }
    bo_rng rng;
    bo_rng_init_derived(&rng, opt->seed, STREAM_POOL, (uint64_t)dim);
    for (size_t i = 0; i < P; i++) {
        double *p = pool + i * dim;
        for (size_t k = 0; k < dim; k++) {
            if (s->sp->kind[k] == BO_VAR_CATEGORICAL)
                p[k] = (double)bo_rng_below(&rng, s->sp->n_levels[k]);
            else
                p[k] = s->sp->lower[k] + (s->sp->upper[k] - s->sp->lower[k]) *
                                             bo_rng_uniform(&rng);
        }
    }
    for (size_t i0 = 0; i0 < P; i0 += B) {
        size_t m = P - i0 < B ? P - i0 : B;
        st = s->scorer->block(s->scorer->ctx, m, pool + i0 * dim, pv + i0);
        if (st != BO_OK)
            goto done;
        for (size_t i = i0; i < i0 + m; i++)
            if (!isfinite(pv[i]))
                pv[i] = -HUGE_VAL;
    }
    /* Starts: the best pool points with combinations not taken yet. */
    size_t n_chosen = 0;
    while (n_chosen < opt->starts) {
        size_t best = P;
        for (size_t i = 0; i < P; i++) {
            if (!(pv[i] > -HUGE_VAL) || (best < P && !(pv[i] > pv[best])))
                continue;
            int same = 0;
            for (size_t c = 0; c < n_chosen && !same; c++) {
                size_t v = 0;
                while (v < s->nc && pool[i * dim + s->ccol[v]] == pool[chosen[c] * dim + s->ccol[v]])
                    v++;
                same = v == s->nc;
            }
            if (!same)
                best = i;
        }
        if (best == P)
            break;
        chosen[n_chosen++] = best;
    }
    for (size_t c = 0; c < n_chosen; c++) {
        double value;
        memcpy(x, pool + chosen[c] * dim, dim * sizeof *x);
        st = search_levels(s, x, 1, &value);
        if (st != BO_OK)
            goto done;
        for (size_t round = 0; round < opt->max_rounds; round++) {
            /* The best move of one categorical variable to another level. */
            double best_move = value;
            size_t move_var = SIZE_MAX, move_level = 0;
            for (size_t v = 0; v < s->nc; v++) {
                size_t k = s->ccol[v], L = s->sp->n_levels[k];
                for (size_t l = 0; l < L; l++) {
                    double tv;
                    if ((double)l == x[k])
                        continue;
                    memcpy(s->trial, x, dim * sizeof *x);
                    s->trial[k] = (double)l;
                    if (excluded(s, s->trial))
                        continue;
                    st = score(s, s->trial, &tv);
                    if (st != BO_OK)
                        goto done;
                    if (tv > best_move + 1e-12 * fabs(best_move)) {
                        best_move = tv;
                        move_var = k;
                        move_level = l;
                    }
                }
            }
            if (move_var == SIZE_MAX)
                break;
            x[move_var] = (double)move_level;
            /* Then the continuous variables under the new levels, from
             * where the move left them; kept only if no worse. */
            memcpy(s->alt, x, dim * sizeof *x);
            double sv;
            st = search_levels(s, s->alt, 1, &sv);
            if (st != BO_OK)
                goto done;
            if (sv >= best_move) {
                memcpy(x, s->alt, dim * sizeof *x);
                value = sv;
            } else {
                value = best_move;
            }
        }
        offer(s, x, value);
    }
done:
    free(pool);
    free(pv);
    free(chosen);
    return st;
}

static int check_space(const bo_acq_scorer *scorer, const bo_mixed_space *sp,
                       const bo_mixed_options *opt, char *errbuf, size_t errlen)
{
    if (!scorer || !sp || !opt || sp->dim == 0 || scorer->dim != sp->dim || !sp->kind ||
        scorer->max_block == 0) {
        snprintf(errbuf, errlen, "mixed search: the scorer and the space need the same dim >= 1");
        return -1;
    }
    for (size_t k = 0; k < sp->dim; k++) {
        switch (sp->kind[k]) {
        case BO_VAR_REAL:
        case BO_VAR_INTEGER:
            if (!sp->lower || !sp->upper || !(sp->lower[k] <= sp->upper[k]) ||
                !isfinite(sp->lower[k]) || !isfinite(sp->upper[k]) ||
                (sp->kind[k] == BO_VAR_INTEGER &&
                 (sp->lower[k] != floor(sp->lower[k]) || sp->upper[k] != floor(sp->upper[k])))) {
                snprintf(errbuf, errlen, "mixed search: variable %zu: bounds must be finite, "
                         "lower <= upper (integers for an integer variable)", k);
                return -1;
            }
            if (sp->kind[k] == BO_VAR_REAL && !(sp->lower[k] < sp->upper[k])) {
                snprintf(errbuf, errlen, "mixed search: variable %zu: lower must be below upper",
                         k);
                return -1;
            }
            break;
        case BO_VAR_CATEGORICAL:
            if (!sp->n_levels || sp->n_levels[k] == 0) {
                snprintf(errbuf, errlen, "mixed search: variable %zu: a categorical variable "
                         "needs at least one level", k);
                return -1;
            }
            break;
        default:
            snprintf(errbuf, errlen, "mixed search: variable %zu: unknown kind %d", k,
                     (int)sp->kind[k]);
            return -1;
        }
    }
    if (opt->starts == 0 || opt->pool_size == 0) {
        snprintf(errbuf, errlen, "mixed search: starts and pool_size must be at least 1");
        return -1;
    }
    return 0;
}

bo_status bo_mixed_maximize(const bo_acq_scorer *scorer, const bo_mixed_space *space,
                            const bo_mixed_options *opt, size_t n_exclude,
                            const double *exclude, double *x, double *value,
                            size_t *n_scored, char *errbuf, size_t errlen)
{
    char dummy[1];
    if (!errbuf || errlen == 0) {
        errbuf = dummy;
        errlen = sizeof dummy;
    }
    errbuf[0] = '\0';
    if (check_space(scorer, space, opt, errbuf, errlen) != 0)
        return BO_EINVAL;
    size_t dim = space->dim, B = scorer->max_block;
    mixed s;
    memset(&s, 0, sizeof s);
    s.scorer = scorer;
    s.sp = space;
    s.opt = opt;
    s.dim = dim;
    s.n_exclude = n_exclude;
    s.exclude = exclude;
    s.errbuf = errbuf;
    s.errlen = errlen;
    s.rcol = malloc(3 * dim * sizeof *s.rcol);
    double *work = malloc((dim * (9 + B) + n_exclude * dim + 1) * sizeof *work);
    bo_status st = BO_OK;
    if (!s.rcol || !work) {
        st = BO_ENOMEM;
        snprintf(errbuf, errlen, "mixed search: out of memory");
        goto done;
    }
    s.ccol = s.rcol + dim;
    s.realcol = s.ccol + dim;
    s.full = work;
    s.grad_full = s.full + dim;
    s.lo_r = s.grad_full + dim;
    s.hi_r = s.lo_r + dim;
    s.tol = s.hi_r + dim;
    s.trial = s.tol + dim;
    s.cur = s.trial + dim;
    s.cand = s.cur + dim;
    s.alt = s.cand + dim;
    s.block_full = s.alt + dim;
    s.ex_r = s.block_full + B * dim;
    s.best_x = malloc(2 * dim * sizeof *s.best_x);
    if (!s.best_x) {
        st = BO_ENOMEM;
        goto done;
    }
    s.xr = s.best_x + dim;
    for (size_t k = 0; k < dim; k++) {
        if (space->kind[k] == BO_VAR_CATEGORICAL) {
            s.ccol[s.nc++] = k;
            s.tol[k] = 0.0;
        } else {
            if (space->kind[k] == BO_VAR_REAL)
                s.realcol[s.nreal++] = k;
            s.rcol[s.nr++] = k;
            s.tol[k] = space->kind[k] == BO_VAR_INTEGER
                           ? 0.0
                           : opt->inner.duplicate_tol * (space->upper[k] - space->lower[k]);
        }
    }
    double *xw = malloc(dim * sizeof *xw);
    if (!xw) {
        st = BO_ENOMEM;
        goto done;
    }
    size_t combos = bo_mixed_combinations(space);
    if (combos <= opt->max_enumerate)
        st = enumerate(&s, combos, xw);
    else
        st = local_search(&s, xw);
    free(xw);
    if (st == BO_OK && !s.have_best) {
        st = BO_EOPTIM;
        snprintf(errbuf, errlen, "mixed search: every point found was excluded or unscorable");
    }
    if (st == BO_OK) {
        memcpy(x, s.best_x, dim * sizeof *x);
        *value = s.best_value;
    } else if (st == BO_ENOMEM) {
        snprintf(errbuf, errlen, "mixed search: out of memory");
    }
    if (n_scored)
        *n_scored = s.n_scored;
done:
    free(s.rcol);
    free(work);
    free(s.best_x);
    return st;
}
