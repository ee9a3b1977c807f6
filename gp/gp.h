#ifndef BO_GP_GP_H
#define BO_GP_GP_H

/* Gaussian-process emulator over (x, source).
 *
 * One GP covers single- and multi-fidelity data alike: every observation
 * carries a source index s in [0, n_sources); each source s has a learned
 * point z_s in a 2-D latent space and the covariance is
 *     k((x,s),(x',s')) = sigma^2 r(x, x') exp(-|z_s - z_s'|^2),
 * with r the input kernel (ARD). With n_sources == 1 the latent factor is 1
 * and this is the ordinary single-fidelity GP.
 *
 * Categorical inputs (options.n_levels) are given in x as level indices
 * 0, 1, ..., L-1 (doubles holding integers). Each categorical input v gets
 * its own learned 2-D latent point per level, and the covariance gains the
 * factor exp(-|z_v(l) - z_v(l')|^2) for each (BO_LATENT_PER_VARIABLE), or
 * all combinations of levels share one 2-D map (BO_LATENT_SHARED); r runs
 * over the continuous inputs only. Integer inputs are continuous inputs to
 * the GP (rounding is the caller's business).
 *
 * Units: callers pass x and y in their own units. Inside, x is mapped to the
 * unit cube with the box given in the options (or used as given when no box is
 * given) and y is standardised; every result (means, variances, gradients,
 * samples) is returned in the caller's units again.
 *
 * Ownership: the GP copies every array handed to it. Errors: functions that
 * return bo_status leave a message naming the problem in bo_gp_errmsg().
 * Not thread-safe per handle (predictions use internal workspaces); separate
 * handles are independent. gp/ does no I/O and never exits.
 *
 * Hyperparameters are fitted by MAP, or by MAP penalised with the interval
 * score of the leave-one-out predictions (fit_criterion; docs/gp.md has the
 * details). Bounds and
 * weak priors, on the unit-cube / standardised scale:
 *   log length-scale   in [log 1e-3, log 20],   prior N(log 0.5, 1.5^2)
 *     (BO_KERNEL_ROUGH_RBF: omega = log10(1/(2 l^2)), same box and prior mapped)
 *   log signal var     in [log 1e-4, log 1e4],  flat (starts drawn from N(0, 2^2))
 *   log noise var      in [log floor, log 10],  flat (starts from N(log 1e-4, 3^2))
 *   means              in [-10, 10],            flat
 *   latent coordinates in [-4, 4],              prior N(0, 1) each */

#include <stddef.h>
#include <stdint.h>

#include "gp/bo_status.h"
#include "gp/gp_kernel.h"

typedef enum bo_gp_mean {
    BO_MEAN_ZERO = 0,       /* zero mean (on the standardised scale) */
    BO_MEAN_CONSTANT,       /* one learned constant */
    BO_MEAN_PER_SOURCE      /* a learned constant per source, the target's fixed at zero */
} bo_gp_mean;

typedef enum bo_gp_noise {
    BO_NOISE_LEARN = 0,     /* one learned variance (above noise_floor) */
    BO_NOISE_FIXED,         /* fixed_noise_var, in the caller's y units squared */
    BO_NOISE_PER_SOURCE,    /* one learned variance per source */
    BO_NOISE_KNOWN          /* per-observation variances given with the data
                               (heteroscedastic), plus a learned term when
                               learn_extra_noise is set */
} bo_gp_noise;

typedef enum bo_gp_latent_mode {
    BO_LATENT_PER_VARIABLE = 0, /* one 2-D latent map per categorical input */
    BO_LATENT_SHARED            /* one 2-D map over all combinations of levels */
} bo_gp_latent_mode;

/* What bo_gp_fit minimises (docs/gp.md, "The interval-score fit"). */
typedef enum bo_gp_fit_criterion {
    BO_FIT_MAP = 0,             /* negative log posterior (MAP) */
    BO_FIT_INTERVAL_SCORE       /* that plus fit_is_weight |itself| times the
                                   normalised interval score of the
                                   leave-one-out predictions (GP+'s penalty) */
} bo_gp_fit_criterion;

/* GP+'s default weight of the interval-score penalty. */
#define BO_GP_FIT_IS_WEIGHT 0.08
/* The central interval the penalty scores: 95%, alpha = 0.05. */
#define BO_GP_FIT_IS_ALPHA 0.05

/* Limits of categorical inputs: levels of one input, and combinations of
 * levels under BO_LATENT_SHARED (each a latent point; the fit holds a
 * matrix of their pairs). */
#define BO_GP_MAX_LEVELS 1000
#define BO_GP_MAX_SHARED_LEVELS 1024

typedef struct bo_gp_options {
    size_t dim;                 /* number of inputs, >= 1 */
    size_t n_sources;           /* >= 1; 1 = single fidelity */
    size_t target_source;       /* the source whose mean is zero under BO_MEAN_PER_SOURCE */
    bo_kernel_kind kernel;
    bo_gp_mean mean;
    bo_gp_noise noise;
    double fixed_noise_var;     /* BO_NOISE_FIXED: variance in y units^2 (ignored
                                   with the other noise modes) */
    int learn_extra_noise;      /* BO_NOISE_KNOWN: also learn a homoscedastic term
                                   (ignored with the other noise modes) */
    double noise_floor;         /* lower bound of learned noise variances on the
                                   standardised scale; 0 = the default 1e-10 */
    const double *lower;        /* dim values, or NULL: inputs used as given */
    const double *upper;        /* dim values, or NULL */
    size_t restarts;            /* random starts of the hyperparameter fit, 0 = default */
    uint64_t seed;              /* every random start and sample derives from it */
    const size_t *n_levels;     /* dim values, or NULL: every input continuous.
                                   0: input k is continuous (or integer);
                                   1..BO_GP_MAX_LEVELS: categorical, x[k] a level
                                   index below n_levels[k]; lower/upper ignored */
    bo_gp_latent_mode latent_mode; /* how categorical inputs share latent maps */
    bo_gp_fit_criterion fit_criterion; /* BO_FIT_MAP (0) unless set */
    double fit_is_weight;       /* BO_FIT_INTERVAL_SCORE: the penalty's weight,
                                   finite and >= 0; 0 = BO_GP_FIT_IS_WEIGHT
                                   (ignored under BO_FIT_MAP) */
} bo_gp_options;

/* Fills *opt with defaults for a dim-input single-source problem:
 * Matern 5/2, constant mean, learned noise, default floor and restarts. */
void bo_gp_options_default(bo_gp_options *opt, size_t dim);

typedef struct bo_gp bo_gp;

/* Creates an empty GP; NULL when the options are invalid or memory runs out
 * (a message is written to errbuf when errbuf is not NULL). */
bo_gp *bo_gp_create(const bo_gp_options *opt, char *errbuf, size_t errlen);
/* Frees everything; NULL is a no-op. */
void bo_gp_destroy(bo_gp *gp);
/* The last error's message; "" when there was none. */
const char *bo_gp_errmsg(const bo_gp *gp);

/* Replaces the data: n observations, X n-by-dim row-major in caller units,
 * source n indices (NULL = all source 0), y n values, noise_var n known noise
 * variances in y units^2 (required with BO_NOISE_KNOWN, else must be NULL).
 * Non-finite values are rejected with BO_EINVAL naming the row, and so is a
 * categorical value that is not a level index, and a y
 * whose standard deviation is outside [BO_GP_Y_SPREAD_MIN, BO_GP_Y_SPREAD_MAX]
 * (unless y is constant): its variances are not representable in double;
 * so is an x beyond +-BO_GP_U_MAX once scaled to the box (or, without a box,
 * as given), whose square overflows.
 * Hyperparameters are kept; the model must be fitted or conditioned before
 * predicting. */
#define BO_GP_Y_SPREAD_MIN 1e-150
#define BO_GP_Y_SPREAD_MAX 1e150
#define BO_GP_U_MAX 1e150
bo_status bo_gp_set_data(bo_gp *gp, size_t n, const double *X, const size_t *source,
                         const double *y, const double *noise_var);

/* Appends one observation. When the model is conditioned, the Cholesky
 * factor is extended in O(n^2) with the hyperparameters and the output
 * standardisation held, so predictions are available at once; call
 * bo_gp_fit to re-learn (it re-standardises; bo_gp_condition does not).
 * noise_var is the observation's known noise variance with BO_NOISE_KNOWN
 * (finite, >= 0) and is ignored otherwise. */
bo_status bo_gp_add_point(bo_gp *gp, const double *x, size_t source, double y,
                          double noise_var);

/* Drops every observation after the first n (n <= bo_gp_n), such as points
 * appended by bo_gp_add_point. A conditioned model stays conditioned: the
 * leading n-by-n block of the Cholesky factor is the factor of the first n
 * points, so predictions are then bit for bit those the model gave before
 * the points were appended (unless it was fitted or conditioned since).
 * BO_EINVAL when n exceeds the number of observations. */
bo_status bo_gp_truncate(bo_gp *gp, size_t n);

/* Fit of the hyperparameters: L-BFGS with analytic gradients from several
 * starts (draws from the prior, the current hyperparameters, and theta_warm
 * when not NULL), the best kept. It minimises bo_gp_fit_objective: the
 * negative log posterior (MAP), or with BO_FIT_INTERVAL_SCORE that plus the
 * interval-score penalty. Leaves the model conditioned. Works for n >= 1;
 * jitter is escalated when a factorisation fails. */
bo_status bo_gp_fit(bo_gp *gp, const double *theta_warm);

/* Factorises with the current hyperparameters, no optimisation. */
bo_status bo_gp_condition(bo_gp *gp);

/* Hyperparameters as one vector (the optimiser's space: logs of positive
 * quantities, on the standardised scale). Its layout is described in gp.c and
 * by bo_gp_hyper_name; it is stable for given options, so a vector can be
 * stored and handed back as a warm start. */
size_t bo_gp_n_hyper(const bo_gp *gp);
void bo_gp_get_hyper(const bo_gp *gp, double *theta);
/* The box the fit keeps the hyperparameters in (n_hyper values each, the
 * same space and layout as bo_gp_get_hyper; the bounds listed at the top of
 * this file), so a caller can tell when a fitted value sits on an edge. */
void bo_gp_hyper_bounds(const bo_gp *gp, double *lower, double *upper);
/* Sets the hyperparameters (clamped into their bounds) and conditions. */
bo_status bo_gp_set_hyper(bo_gp *gp, const double *theta);
/* Shortens every length-scale longer than max_ell (in the inputs' units, as
 * bo_gp_lengthscales reports them; for ROUGH_RBF its squared-exponential
 * equivalent) to max_ell, whatever the kernel's parameterisation, and
 * conditions. A model on which no input looks irrelevant. */
bo_status bo_gp_cap_lengthscales(bo_gp *gp, double max_ell);
/* A short name for hyperparameter i, e.g. "log_lengthscale[2]". */
const char *bo_gp_hyper_name(const bo_gp *gp, size_t i, char *buf, size_t len);

/* The fit's objective: negative log marginal likelihood plus negative log
 * prior at theta, with its gradient in grad (may be NULL). Exposed for tests
 * and benchmarks. NAN with a message when theta cannot be factorised. */
double bo_gp_neg_log_posterior(bo_gp *gp, const double *theta, double *grad);
/* What bo_gp_fit minimises at theta, with its gradient in grad (may be
 * NULL): bo_gp_neg_log_posterior under BO_FIT_MAP. Under
 * BO_FIT_INTERVAL_SCORE, with L that value and IS the normalised interval
 * score (bo_gp_nis, alpha = BO_GP_FIT_IS_ALPHA) of the closed-form
 * leave-one-out predictions bo_gp_loo would give at theta,
 *     L + w |L| IS,   w = fit_is_weight.
 * IS has kinks where a held-out observation meets its interval's end; the
 * gradient there is the one-sided limit from inside the interval. NAN with
 * a message when theta cannot be factorised. */
double bo_gp_fit_objective(bo_gp *gp, const double *theta, double *grad);
/* The log marginal likelihood of the conditioned model, in the caller's
 * units (so it is comparable across data sets with the same y); NAN when the
 * model is not conditioned. */
double bo_gp_log_marginal_likelihood(const bo_gp *gp);

/* Accessors for what the model learned, in the caller's units where that
 * makes sense. */
size_t bo_gp_n(const bo_gp *gp);
size_t bo_gp_dim(const bo_gp *gp);
size_t bo_gp_n_sources(const bo_gp *gp);
/* Length-scales in the caller's input units (dim values); for
 * BO_KERNEL_ROUGH_RBF the squared exponential's equivalent 1/sqrt(2 10^omega).
 * NAN for a categorical input (it has a latent map instead). */
void bo_gp_lengthscales(const bo_gp *gp, double *ell);
double bo_gp_signal_var(const bo_gp *gp);                 /* y units^2 */
/* y units^2; BO_NOISE_KNOWN: the learned extra term, or 0 without one.
 * NAN for a source out of range (as bo_gp_mean_value). */
double bo_gp_noise_var(const bo_gp *gp, size_t source);
double bo_gp_mean_value(const bo_gp *gp, size_t source);  /* y units */
/* Latent point of a source, canonicalised (see gp.c): z[0], z[1]. */
void bo_gp_latent(const bo_gp *gp, size_t source, double *z);

/* Categorical inputs. bo_gp_n_levels: the levels of input k, 0 for a
 * continuous input. The latent maps of the categorical inputs: one per
 * categorical input in input order (BO_LATENT_PER_VARIABLE), or one
 * (BO_LATENT_SHARED) whose levels are the combinations of levels, numbered
 * in mixed radix with the last categorical input fastest. A map's points
 * are canonicalised as the sources' (level 0 at the origin, the first level
 * off it on the positive first axis, the next off that axis with z[1] >= 0);
 * z = (0, 0) for a map or level out of range. */
size_t bo_gp_n_levels(const bo_gp *gp, size_t input);
size_t bo_gp_n_latent_maps(const bo_gp *gp);
size_t bo_gp_latent_map_levels(const bo_gp *gp, size_t map);
/* The input a map belongs to (BO_LATENT_PER_VARIABLE), or dim for the
 * shared map. */
size_t bo_gp_latent_map_input(const bo_gp *gp, size_t map);
void bo_gp_level_latent(const bo_gp *gp, size_t map, size_t level, double *z);

/* Posterior at one point of a source: mean, variance of f and variance of a
 * new observation y (f plus the source's noise). Any output may be NULL. */
bo_status bo_gp_predict(bo_gp *gp, const double *x, size_t source, double *mean,
                        double *var_f, double *var_y);

/* Leave-one-out predictions at the n training points in closed form
 * (Rasmussen & Williams 2006, eqs 5.12-5.13): mean[i] and var_y[i] (a new
 * observation's variance, noise included) are what the model conditioned
 * on every point but i, with the same hyperparameters and standardisation,
 * predicts at point i, without n refits: O(n^3) once. Either output may be
 * NULL. BO_ESTATE when the model is not conditioned. */
bo_status bo_gp_loo(bo_gp *gp, double *mean, double *var_y);

/* The same for m points (X m-by-dim row-major), all of one source, with one
 * level-3 triangular solve for the block. */
bo_status bo_gp_predict_block(bo_gp *gp, size_t m, const double *X, size_t source,
                              double *mean, double *var_f, double *var_y);

/* Mean and variance of f at x with their gradients with respect to x (dim
 * values each, caller units; 0 for a categorical input). Outputs may be NULL. */
bo_status bo_gp_predict_grad(bo_gp *gp, const double *x, size_t source, double *mean,
                             double *var_f, double *dmean, double *dvar_f);

/* The posterior of the gradient process df/dx at x: its mean (dim values)
 * and covariance (dim-by-dim row-major); rows and columns of categorical
 * inputs are 0. */
bo_status bo_gp_predict_gradient_dist(bo_gp *gp, const double *x, size_t source,
                                      double *grad_mean, double *grad_cov);

/* n_samples joint posterior draws of f at m points of one source; out is
 * n_samples-by-m row-major. Draws derive from seed. Unlike the predictions,
 * this allocates its O(nm + m^2 + n_samples m) workspace per call. */
bo_status bo_gp_sample(bo_gp *gp, size_t m, const double *X, size_t source,
                       size_t n_samples, uint64_t seed, double *out);

/* A copy of gp that predicts exactly as gp does (bit for bit: the same
 * data, hyperparameters, standardisation and Cholesky factor, so the same
 * arithmetic), with its own workspaces: a second thread can predict from the
 * copy while gp serves another. O(n^2) copying, no factorisation. The copy is
 * a full model (it can be fitted or extended too) and independent of gp
 * afterwards. NULL when out of memory (message in errbuf). */
bo_gp *bo_gp_clone(const bo_gp *gp, char *errbuf, size_t errlen);

/* Accuracy on a test set, as in GP+: NRMSE = RMSE / std(y_true), and the
 * negatively oriented interval score of the central (1 - alpha) interval
 * normalised by std(y_true) (alpha = 0.05 for 95%), with l, u = mean -/+
 * z_{1-alpha/2} sd. std(y_true) is the population sd; when it is 0 the score
 * is not normalised. NAN for n == 0 or alpha outside (0, 1). */
double bo_gp_nrmse(size_t n, const double *y_true, const double *mean);
double bo_gp_nis(size_t n, const double *y_true, const double *mean, const double *sd,
                 double alpha);

#endif
