/* acquisition.trust_region: the acquisition maximised in a box around the
 * incumbent whose side follows the run's successes and failures (TuRBO's
 * rule, Eriksson et al. 2019). docs/acquisition.md ("Trust region") has the
 * rule and its measured effect. */
#include <math.h>

#include "bo/engine/engine_internal.h"

/* TuRBO's constants, in units of the unit cube's side. */
static const double TR_SIDE_INITIAL = 0.8;
static const double TR_SIDE_MAX = 1.6;
static const double TR_SIDE_MIN = 0.0078125; /* 2^-7: below it the region restarts */
static const double TR_PROGRESS = 1e-3;      /* a success beats the best by this x |best| */
enum { TR_SUCCESSES = 3 };                   /* successes in a row that double the side */

static int trust_region_applies(const bo_engine *e)
{
    /* One source, real inputs, no constraints: there the incumbent and the
     * box are unambiguous. */
    return e->opt.trust_region && !e->multi_source && !e->mixed && e->opt.n_constraints == 0 &&
           e->have_best;
}

/* The side after the target's evaluations since the initial design. */
static double trust_region_side(const bo_engine *e)
{
    size_t d = e->opt.dim, t = e->opt.target_source;
    /* Failures in a row that halve the side: TuRBO's max(4, d). */
    size_t patience = d > 4 ? d : 4;
    size_t start = e->n_prior + e->n_design;
    if (start > e->n)
        start = e->n;
    double best = INFINITY;
    for (size_t i = 0; i < start; i++)
        if (e->ok[i] && e->source[i] == t && e->y[i] < best)
            best = e->y[i];
    /* Replayed from the observations in their order, so --resume, which
     * observes the history again, ends in the same state. */
    double side = TR_SIDE_INITIAL;
    size_t successes = 0, failures = 0;
    for (size_t i = start; i < e->n; i++) {
        if (e->source[i] != t)
            continue;
        int success = e->ok[i] && (isinf(best) || e->y[i] < best - TR_PROGRESS * fabs(best));
        if (e->ok[i] && e->y[i] < best)
            best = e->y[i];
        if (success) {
            successes++;
            failures = 0;
        } else {
            failures++;
            successes = 0;
        }
        if (successes == TR_SUCCESSES) {
            side = fmin(2.0 * side, TR_SIDE_MAX);
            successes = 0;
        } else if (failures == patience) {
            side *= 0.5;
            failures = 0;
        }
        if (side < TR_SIDE_MIN)
            side = TR_SIDE_INITIAL; /* collapsed: start again from the full side */
    }
    return side;
}

int bo_engine_trust_region(const bo_engine *e, double *side, double *lower, double *upper)
{
    *side = NAN;
    if (!trust_region_applies(e))
        return 0;
    *side = trust_region_side(e);
    if (!lower && !upper)
        return 1;
    if (!e->gp)
        return 0;
    size_t d = e->opt.dim;
    /* The box is stretched along the inputs the model finds smooth and
     * squeezed along the rough ones, its volume that of a cube of the side
     * (TuRBO: length-scales over their geometric mean). */
    double *ell = lower ? lower : upper; /* read at j before j is written */
    bo_gp_lengthscales(e->gp, ell);
    double log_mean = 0.0;
    for (size_t j = 0; j < d; j++)
        log_mean += log(ell[j]) / (double)d;
    const double *centre = e->x + e->best_index * d;
    for (size_t j = 0; j < d; j++) {
        double half = 0.5 * *side * exp(log(ell[j]) - log_mean);
        if (lower)
            lower[j] = fmax(0.0, centre[j] - half);
        if (upper)
            upper[j] = fmin(1.0, centre[j] + half);
    }
    return 1;
}
