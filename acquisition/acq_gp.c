/* The acquisition through the GP: chain rule from (mu, sigma) to x. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/acquisition.h"

struct bo_acq_evaluator {
    bo_acq_options opt;     /* opt.cost points at cost below */
    double *cost;           /* n_sources costs, or NULL */
    bo_gp *gp;
    double best;
    size_t source;
    size_t dim, n_sources, max_block;
    double *mean, *var_f, *var_y;   /* max_block each */
    double *dmean, *dvar, *dlogp;   /* dim each */
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

bo_status bo_acq_evaluate(bo_acq_evaluator *ev, const double *x, double *value, double *grad)
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

bo_status bo_acq_evaluate_block(bo_acq_evaluator *ev, size_t m, const double *X, double *value)
{
    if (m > ev->max_block)
        return BO_EINVAL;
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
