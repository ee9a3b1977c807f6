/* Acquisition values on (mu, sigma, best) and the registry. The GP side is
 * in acq_gp.c, so code that only needs the formulas does not pull in the GP. */
#include "acquisition/acquisition.h"

#include <math.h>
#include <string.h>

#include "acquisition/normal.h"

/* Below this the posterior is treated as certain; the floor keeps z finite
 * (|best - mu| / 1e-150 stays far from overflow for any sane y). */
static const double sigma_floor = 1e-150;

void bo_acq_options_default(bo_acq_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->kind = BO_ACQ_EI;
    opt->goal = BO_ACQ_MINIMIZE;
    opt->beta = 2.0;
    opt->target_source = 0;
    opt->n_sources = 1;
    opt->cost = NULL;
    opt->mfca_target_ei = 0;
}

/* d(improvement)/d(mu): improvement is best - mu when minimising and
 * mu - best when maximising. */
static double improvement_sign(const bo_acq_options *opt)
{
    return opt->goal == BO_ACQ_MAXIMIZE ? 1.0 : -1.0;
}

static double source_cost(const bo_acq_options *opt, size_t source)
{
    if (opt->cost && source < opt->n_sources)
        return opt->cost[source];
    return 1.0;
}

static void set_partials(double *dmu, double *dsigma, double a, double b)
{
    if (dmu)
        *dmu = a;
    if (dsigma)
        *dsigma = b;
}

static double acq_ei(const bo_acq_options *opt, size_t source, double mu, double sigma,
                     double best, double *dmu, double *dsigma)
{
    (void)source;
    double sgn = improvement_sign(opt);
    sigma = fmax(sigma, sigma_floor);
    double z = sgn * (mu - best) / sigma;
    /* dEI/dmu = sgn Phi(z), dEI/dsigma = h(z) - z Phi(z) = phi(z). */
    set_partials(dmu, dsigma, sgn * bo_normal_cdf(z), bo_normal_pdf(z));
    return sigma * bo_ei_h(z);
}

static double acq_logei(const bo_acq_options *opt, size_t source, double mu, double sigma,
                        double best, double *dmu, double *dsigma)
{
    (void)source;
    double sgn = improvement_sign(opt);
    sigma = fmax(sigma, sigma_floor);
    double z = sgn * (mu - best) / sigma;
    double ratio; /* Phi(z) / h(z) */
    double logh = bo_ei_log_h(z, &ratio);
    /* d log h / d sigma = -(z/sigma) Phi/h; with the 1/sigma of log sigma it is
     * (1 - z Phi/h)/sigma = (phi/h)/sigma. For z > -1 the second form avoids
     * the cancellation of 1 - z Phi/h as z grows; below, both terms of the
     * first are positive. */
    double ds;
    if (z >= -1.0)
        ds = bo_normal_pdf(z) / bo_ei_h(z) / sigma;
    else
        ds = (1.0 - z * ratio) / sigma;
    set_partials(dmu, dsigma, sgn * ratio / sigma, ds);
    return log(sigma) + logh;
}

static double acq_pi(const bo_acq_options *opt, size_t source, double mu, double sigma,
                     double best, double *dmu, double *dsigma)
{
    (void)source;
    double sgn = improvement_sign(opt);
    sigma = fmax(sigma, sigma_floor);
    double z = sgn * (mu - best) / sigma;
    double pdf = bo_normal_pdf(z);
    set_partials(dmu, dsigma, sgn * pdf / sigma, -z * pdf / sigma);
    return bo_normal_cdf(z);
}

static double acq_ucb(const bo_acq_options *opt, size_t source, double mu, double sigma,
                      double best, double *dmu, double *dsigma)
{
    (void)source;
    (void)best;
    double sgn = improvement_sign(opt);
    set_partials(dmu, dsigma, sgn, opt->beta);
    return sgn * mu + opt->beta * sigma;
}

static double acq_mfca(const bo_acq_options *opt, size_t source, double mu, double sigma,
                       double best, double *dmu, double *dsigma)
{
    double c = source_cost(opt, source);
    double sgn = improvement_sign(opt);
    if (source == opt->target_source) {
        if (opt->mfca_target_ei) {
            double da, db;
            double v = acq_ei(opt, source, mu, sigma, best, &da, &db);
            set_partials(dmu, dsigma, da / c, db / c);
            return v / c;
        }
        set_partials(dmu, dsigma, sgn / c, 0.0);
        return sgn * (mu - best) / c;
    }
    /* sigma phi(z) / c: large where the source is uncertain near the level
     * of the incumbent; phi'(z) = -z phi(z). */
    sigma = fmax(sigma, sigma_floor);
    double z = sgn * (mu - best) / sigma;
    double pdf = bo_normal_pdf(z);
    set_partials(dmu, dsigma, -sgn * z * pdf / c, pdf * (1.0 + z * z) / c);
    return sigma * pdf / c;
}

const bo_acq_info bo_acq_registry[] = {
    {"ei", BO_ACQ_EI, acq_ei, 0, "expected improvement"},
    {"logei", BO_ACQ_LOGEI, acq_logei, 0, "log expected improvement, stable in the tail"},
    {"pi", BO_ACQ_PI, acq_pi, 0, "probability of improvement"},
    {"ucb", BO_ACQ_UCB, acq_ucb, 0, "confidence bound mu +/- beta sigma toward the goal"},
    {"mfca", BO_ACQ_MFCA, acq_mfca, 1, "cost-aware multi-fidelity (GP+)"},
    {NULL, BO_ACQ_EI, NULL, 0, NULL},
};

static const bo_acq_info *find_kind(bo_acq_kind kind)
{
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++)
        if (row->kind == kind)
            return row;
    return NULL;
}

int bo_acq_from_name(const char *name, bo_acq_kind *kind)
{
    if (!name)
        return -1;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++)
        if (strcmp(row->name, name) == 0) {
            *kind = row->kind;
            return 0;
        }
    return -1;
}

const char *bo_acq_name(bo_acq_kind kind)
{
    const bo_acq_info *row = find_kind(kind);
    return row ? row->name : "?";
}

int bo_acq_is_multi_source(bo_acq_kind kind)
{
    const bo_acq_info *row = find_kind(kind);
    return row ? row->multi_source : 0;
}

int bo_acq_sigma_includes_noise(const bo_acq_options *opt, size_t source)
{
    return opt->kind == BO_ACQ_MFCA && source != opt->target_source;
}

double bo_acq_value(const bo_acq_options *opt, size_t source, double mu, double sigma,
                    double best, double *dmu, double *dsigma)
{
    const bo_acq_info *row = find_kind(opt->kind);
    if (!row) {
        set_partials(dmu, dsigma, NAN, NAN);
        return NAN;
    }
    return row->value(opt, source, mu, sigma, best, dmu, dsigma);
}
