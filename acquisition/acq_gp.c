/* The acquisition through the GP: chain rule from (mu, sigma) to x. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/acquisition.h"
#include "acquisition/normal.h"

struct bo_acq_evaluator {
    bo_acq_options opt;     /* opt.cost points at cost below */
    double *cost;           /* n_sources costs, or NULL */
    bo_gp *gp;
    double best;
    size_t source;
    size_t dim, n_sources, max_block;
    double *mean, *var_f, *var_y;   /* max_block each */
    double *dmean, *dvar, *dlogp;   /* dim each */
    /* Output constraints: opt.constraint_* point at these copies. */
    bo_gp **cgp;
    double *clower, *cupper;
    double *cmean, *cvar_f, *cvar_y, *clogp;   /* max_block each */
    double *cdmean, *cdvar, *cdlogp;           /* dim each */
};

bo_acq_evaluator *bo_acq_evaluator_create(const bo_acq_options *opt, bo_gp *gp, double best,
                                          size_t max_block, char *errbuf, size_t errlen)
{
    if (!opt || !gp) {
        bo_msg(errbuf, errlen, "acquisition: options and GP are required");
        return NULL;
    }
    size_t n_sources = bo_gp_n_sources(gp);
    if (strcmp(bo_acq_name(opt->kind), "?") == 0) {
        bo_msg(errbuf, errlen, "acquisition: unknown kind %d", (int)opt->kind);
        return NULL;
    }
    if (!isfinite(best)) {
        bo_msg(errbuf, errlen, "acquisition: best value %g is not finite", best);
        return NULL;
    }
    if (opt->goal != BO_ACQ_MINIMIZE && opt->goal != BO_ACQ_MAXIMIZE) {
        bo_msg(errbuf, errlen, "acquisition: unknown goal %d", (int)opt->goal);
        return NULL;
    }
    if (opt->kind == BO_ACQ_UCB && !(opt->beta >= 0.0 && isfinite(opt->beta))) {
        bo_msg(errbuf, errlen, "acquisition: ucb beta %g must be finite and >= 0", opt->beta);
        return NULL;
    }
    if (opt->target_source >= n_sources) {
        bo_msg(errbuf, errlen, "acquisition: target source %zu, but the GP has %zu sources",
               opt->target_source, n_sources);
        return NULL;
    }
    if (opt->cost) {
        if (opt->n_sources != n_sources) {
            bo_msg(errbuf, errlen, "acquisition: %zu costs for a GP with %zu sources",
                   opt->n_sources, n_sources);
            return NULL;
        }
        for (size_t s = 0; s < n_sources; s++)
            if (!(opt->cost[s] > 0.0) || !isfinite(opt->cost[s])) {
                bo_msg(errbuf, errlen, "acquisition: cost[%zu] = %g must be positive", s,
                       opt->cost[s]);
                return NULL;
            }
    }
    if (max_block < 1) {
        bo_msg(errbuf, errlen, "acquisition: max_block must be >= 1");
        return NULL;
    }
    if (opt->n_constraints > 0 &&
        (!opt->constraint_gp || !opt->constraint_lower || !opt->constraint_upper)) {
        bo_msg(errbuf, errlen, "acquisition: %zu constraints without their GPs and bounds",
               opt->n_constraints);
        return NULL;
    }
    for (size_t j = 0; j < opt->n_constraints; j++) {
        if (!opt->constraint_gp[j] || bo_gp_dim(opt->constraint_gp[j]) != bo_gp_dim(gp)) {
            bo_msg(errbuf, errlen, "acquisition: constraint %zu: GP missing or of another "
                   "dimension than the objective's", j);
            return NULL;
        }
        if (!(opt->constraint_lower[j] < opt->constraint_upper[j])) {
            bo_msg(errbuf, errlen, "acquisition: constraint %zu: bounds [%g, %g] are not "
                   "lower < upper", j, opt->constraint_lower[j], opt->constraint_upper[j]);
            return NULL;
        }
    }
    bo_acq_evaluator *ev = calloc(1, sizeof *ev);
    if (!ev)
        goto nomem;
    ev->opt = *opt;
    ev->gp = gp;
    ev->best = best;
    ev->source = opt->target_source;
    ev->dim = bo_gp_dim(gp);
    ev->n_sources = n_sources;
    ev->max_block = max_block;
    ev->mean = malloc(3 * max_block * sizeof *ev->mean);
    ev->dmean = malloc(3 * ev->dim * sizeof *ev->dmean);
    if (!ev->mean || !ev->dmean)
        goto nomem;
    ev->var_f = ev->mean + max_block;
    ev->var_y = ev->mean + 2 * max_block;
    ev->dvar = ev->dmean + ev->dim;
    ev->dlogp = ev->dmean + 2 * ev->dim;
    if (opt->cost) {
        ev->cost = malloc(n_sources * sizeof *ev->cost);
        if (!ev->cost)
            goto nomem;
        memcpy(ev->cost, opt->cost, n_sources * sizeof *ev->cost);
    }
    ev->opt.cost = ev->cost;
    ev->opt.n_sources = n_sources;
    size_t nc = opt->n_constraints;
    if (nc > 0) {
        ev->cgp = malloc(nc * sizeof *ev->cgp);
        ev->clower = malloc(2 * nc * sizeof *ev->clower);
        ev->cmean = malloc(4 * max_block * sizeof *ev->cmean);
        ev->cdmean = malloc(3 * ev->dim * sizeof *ev->cdmean);
        if (!ev->cgp || !ev->clower || !ev->cmean || !ev->cdmean)
            goto nomem;
        ev->cupper = ev->clower + nc;
        ev->cvar_f = ev->cmean + max_block;
        ev->cvar_y = ev->cmean + 2 * max_block;
        ev->clogp = ev->cmean + 3 * max_block;
        ev->cdvar = ev->cdmean + ev->dim;
        ev->cdlogp = ev->cdmean + 2 * ev->dim;
        for (size_t j = 0; j < nc; j++) {
            ev->cgp[j] = opt->constraint_gp[j];
            ev->clower[j] = opt->constraint_lower[j];
            ev->cupper[j] = opt->constraint_upper[j];
        }
    }
    ev->opt.constraint_gp = ev->cgp;
    ev->opt.constraint_lower = ev->clower;
    ev->opt.constraint_upper = ev->cupper;
    return ev;
nomem:
    bo_msg(errbuf, errlen, "acquisition: out of memory");
    bo_acq_evaluator_destroy(ev);
    return NULL;
}

void bo_acq_evaluator_destroy(bo_acq_evaluator *ev)
{
    if (!ev)
        return;
    free(ev->mean);
    free(ev->dmean);
    free(ev->cost);
    free(ev->cgp);
    free(ev->clower);
    free(ev->cmean);
    free(ev->cdmean);
    free(ev);
}

bo_status bo_acq_evaluator_set_source(bo_acq_evaluator *ev, size_t source)
{
    if (source >= ev->n_sources)
        return BO_EINVAL;
    ev->source = source;
    return BO_OK;
}

/* A posterior variance at or below zero (roundoff at a data point) means a
 * certain value: sigma is then held at the floor bo_acq_value applies and
 * contributes no gradient. */
static double sigma_of(double var)
{
    return var > 0.0 ? sqrt(var) : 0.0;
}

static bo_status evaluate_objective(bo_acq_evaluator *ev, const double *x, double *value,
                                    double *grad)
{
    double mean, var_f;
    bo_status st = bo_gp_predict_grad(ev->gp, x, ev->source, &mean, &var_f,
                                      grad ? ev->dmean : NULL, grad ? ev->dvar : NULL);
    if (st != BO_OK)
        return st;
    double var = var_f;
    if (bo_acq_sigma_includes_noise(&ev->opt, ev->source))
        var += bo_gp_noise_var(ev->gp, ev->source); /* dvar_y/dx = dvar_f/dx */
    double sigma = sigma_of(var);
    double dmu, dsigma;
    *value = bo_acq_value(&ev->opt, ev->source, mean, sigma, ev->best, &dmu, &dsigma);
    if (grad) {
        /* dsigma/dx = dvar/dx / (2 sigma) */
        double ds_dvar = sigma > 1e-150 ? dsigma / (2.0 * sigma) : 0.0;
        for (size_t j = 0; j < ev->dim; j++)
            grad[j] = dmu * ev->dmean[j] + ds_dvar * ev->dvar[j];
    }
    return BO_OK;
}

static bo_status evaluate_objective_block(bo_acq_evaluator *ev, size_t m, const double *X,
                                          double *value)
{
    bo_status st = bo_gp_predict_block(ev->gp, m, X, ev->source, ev->mean, ev->var_f, ev->var_y);
    if (st != BO_OK)
        return st;
    const double *var = bo_acq_sigma_includes_noise(&ev->opt, ev->source) ? ev->var_y : ev->var_f;
    for (size_t i = 0; i < m; i++)
        value[i] = bo_acq_value(&ev->opt, ev->source, ev->mean[i], sigma_of(var[i]), ev->best,
                                NULL, NULL);
    return BO_OK;
}

/* Below this a probability counts as this (a / P stays finite). */
static const double min_success_prob = 1e-300;
/* Weighted values stay above what the maximiser reserves for inadmissible
 * points (-1e300). */
static const double min_weighted = -1e299;

/* The acquisition a weighted by P = exp(log_p); *ca and *cl receive the
 * derivatives of the result with respect to a and to log P. */
static double weight_by_success(bo_acq_kind kind, double a, double log_p, double *ca,
                                double *cl)
{
    if (kind == BO_ACQ_LOGEI) {
        *ca = 1.0;
        *cl = 1.0;
        return fmax(a + log_p, min_weighted);
    }
    double p = exp(log_p);
    if (a >= 0.0) {
        *ca = p;
        *cl = a * p;
        return a * p;
    }
    /* A negative value (UCB, MFCA's predicted improvement) divided by P:
     * multiplying would move a likely failure towards 0, above the points
     * that will succeed. */
    if (p < min_success_prob) {
        *ca = *cl = 0.0;
        return fmax(a / min_success_prob, min_weighted);
    }
    double w = a / p;
    if (w < min_weighted) {
        *ca = *cl = 0.0;
        return min_weighted;
    }
    *ca = 1.0 / p;
    *cl = -w;
    return w;
}

/* Where a log-probability is treated as this (and its slope as 0): far
 * below anything a weight can still distinguish, finite for the sums. */
static const double min_log_prob = -1e300;

static double log_diff_exp(double la, double lb)
{
    /* log(exp(lb) - exp(la)) for la < lb */
    return lb + log1p(-exp(la - lb));
}

double bo_acq_log_prob_within(double mu, double sigma, double lower, double upper,
                              double *dmu, double *dsigma)
{
    sigma = fmax(sigma, 1e-150);
    int has_lo = lower > -HUGE_VAL, has_up = upper < HUGE_VAL;
    double a = has_lo ? (lower - mu) / sigma : -HUGE_VAL;
    double b = has_up ? (upper - mu) / sigma : HUGE_VAL;
    double lp;
    if (!has_lo && !has_up)
        lp = 0.0;
    else if (!has_lo)
        lp = bo_normal_logcdf(b);
    else if (!has_up)
        lp = bo_normal_logcdf(-a);
    else if (b <= 0.0) /* both bounds below the mean's level: lower tail */
        lp = log_diff_exp(bo_normal_logcdf(a), bo_normal_logcdf(b));
    else if (a >= 0.0) /* both above: the upper tail, mirrored */
        lp = log_diff_exp(bo_normal_logcdf(-b), bo_normal_logcdf(-a));
    else /* the mean inside: P is at least of order Phi(min(-a, b)) */
        lp = log1p(-(bo_normal_cdf(a) + bo_normal_cdf(-b)));
    if (!(lp > min_log_prob)) {
        if (dmu)
            *dmu = 0.0;
        if (dsigma)
            *dsigma = 0.0;
        return min_log_prob;
    }
    /* dP/dmu = (phi(a) - phi(b)) / sigma, dP/dsigma = (a phi(a) - b phi(b)) / sigma,
     * each over P for the log; phi / P formed as exp(log phi - log P), which
     * stays finite in the tails where both underflow. */
    const double log_sqrt_2pi = 0.91893853320467274178;
    double ra = has_lo ? exp(-0.5 * a * a - log_sqrt_2pi - lp) : 0.0;
    double rb = has_up ? exp(-0.5 * b * b - log_sqrt_2pi - lp) : 0.0;
    if (dmu)
        *dmu = (ra - rb) / sigma;
    if (dsigma)
        *dsigma = ((has_lo ? a * ra : 0.0) - (has_up ? b * rb : 0.0)) / sigma;
    return lp;
}

/* log P(feasible | x) = sum_j log P(c_j(x) within bounds) and, with dlogp,
 * its gradient (dim values). */
static bo_status log_feasible(bo_acq_evaluator *ev, const double *x, double *log_p,
                              double *dlogp)
{
    *log_p = 0.0;
    if (dlogp)
        memset(dlogp, 0, ev->dim * sizeof *dlogp);
    for (size_t j = 0; j < ev->opt.n_constraints; j++) {
        double mean, var_f;
        bo_status st = bo_gp_predict_grad(ev->cgp[j], x, 0, &mean, &var_f,
                                          dlogp ? ev->cdmean : NULL, dlogp ? ev->cdvar : NULL);
        if (st != BO_OK)
            return st;
        double sigma = sigma_of(var_f), dmu, dsigma;
        double lp = bo_acq_log_prob_within(mean, sigma, ev->clower[j], ev->cupper[j], &dmu,
                                           &dsigma);
        *log_p = fmax(*log_p + lp, min_log_prob);
        if (dlogp) {
            double ds_dvar = sigma > 1e-150 ? dsigma / (2.0 * sigma) : 0.0;
            for (size_t k = 0; k < ev->dim; k++)
                dlogp[k] += dmu * ev->cdmean[k] + ds_dvar * ev->cdvar[k];
        }
    }
    return BO_OK;
}

/* The value before any feasible point: P(feasible), or its log for log-EI. */
static double feasibility_value(bo_acq_kind kind, double log_p, double *slope)
{
    if (kind == BO_ACQ_LOGEI) {
        *slope = log_p > min_log_prob ? 1.0 : 0.0;
        return log_p;
    }
    double p = exp(log_p);
    *slope = p;
    return p;
}

bo_status bo_acq_evaluate(bo_acq_evaluator *ev, const double *x, double *value, double *grad)
{
    if (ev->opt.n_constraints == 0)
        return evaluate_objective(ev, x, value, grad);
    double log_p;
    bo_status st = log_feasible(ev, x, &log_p, grad ? ev->cdlogp : NULL);
    if (st != BO_OK)
        return st;
    double ca, cl;
    if (ev->opt.no_feasible) {
        *value = feasibility_value(ev->opt.kind, log_p, &cl);
        ca = 0.0;
    } else {
        st = evaluate_objective(ev, x, value, grad);
        if (st != BO_OK)
            return st;
        *value = weight_by_success(ev->opt.kind, *value, log_p, &ca, &cl);
    }
    if (grad)
        for (size_t k = 0; k < ev->dim; k++)
            grad[k] = (ca != 0.0 ? ca * grad[k] : 0.0) + cl * ev->cdlogp[k];
    return BO_OK;
}

bo_status bo_acq_evaluate_block(bo_acq_evaluator *ev, size_t m, const double *X, double *value)
{
    if (m > ev->max_block)
        return BO_EINVAL;
    if (ev->opt.n_constraints == 0)
        return evaluate_objective_block(ev, m, X, value);
    for (size_t i = 0; i < m; i++)
        ev->clogp[i] = 0.0;
    for (size_t j = 0; j < ev->opt.n_constraints; j++) {
        bo_status st =
            bo_gp_predict_block(ev->cgp[j], m, X, 0, ev->cmean, ev->cvar_f, ev->cvar_y);
        if (st != BO_OK)
            return st;
        for (size_t i = 0; i < m; i++) {
            double lp = bo_acq_log_prob_within(ev->cmean[i], sigma_of(ev->cvar_f[i]),
                                               ev->clower[j], ev->cupper[j], NULL, NULL);
            ev->clogp[i] = fmax(ev->clogp[i] + lp, min_log_prob);
        }
    }
    double ca, cl;
    if (ev->opt.no_feasible) {
        for (size_t i = 0; i < m; i++)
            value[i] = feasibility_value(ev->opt.kind, ev->clogp[i], &cl);
        return BO_OK;
    }
    bo_status st = evaluate_objective_block(ev, m, X, value);
    if (st != BO_OK)
        return st;
    for (size_t i = 0; i < m; i++)
        value[i] = weight_by_success(ev->opt.kind, value[i], ev->clogp[i], &ca, &cl);
    return BO_OK;
}

bo_status bo_acq_evaluate_weighted(bo_acq_evaluator *ev, bo_gpc *success, const double *x,
                                   double *value, double *grad)
{
    bo_status st = bo_acq_evaluate(ev, x, value, grad);
    if (st != BO_OK || !success)
        return st;
    double log_p;
    st = bo_gpc_predict(success, x, NULL, &log_p, grad ? ev->dlogp : NULL);
    if (st != BO_OK)
        return st;
    double ca, cl;
    *value = weight_by_success(ev->opt.kind, *value, log_p, &ca, &cl);
    if (grad)
        for (size_t j = 0; j < ev->dim; j++)
            grad[j] = ca * grad[j] + cl * ev->dlogp[j];
    return BO_OK;
}

bo_status bo_acq_evaluate_block_weighted(bo_acq_evaluator *ev, bo_gpc *success, size_t m,
                                         const double *X, double *value)
{
    bo_status st = bo_acq_evaluate_block(ev, m, X, value);
    if (st != BO_OK || !success)
        return st;
    for (size_t i = 0; i < m; i++) {
        double log_p, ca, cl;
        st = bo_gpc_predict(success, X + i * ev->dim, NULL, &log_p, NULL);
        if (st != BO_OK)
            return st;
        value[i] = weight_by_success(ev->opt.kind, value[i], log_p, &ca, &cl);
    }
    return BO_OK;
}
