#ifndef BO_GP_GPC_H
#define BO_GP_GPC_H

/* Gaussian-process classifier of binary outcomes (success / failure of an
 * evaluation), with the Laplace approximation of Rasmussen and Williams,
 * "Gaussian Processes for Machine Learning" (GPML), chapters 3 and 5.
 *
 * Model: a latent f ~ GP(m, sigma^2 r(x, x')) with r one of the input
 * kernels of gp_kernel.h (ARD length-scales) and a constant mean m; an
 * outcome is a success with probability Phi(f(x)) (the probit likelihood).
 * The posterior of f is approximated by a Gaussian at its mode (Newton's
 * method in the B = I + W^1/2 K W^1/2 form, GPML Alg. 3.1). With the probit
 * likelihood the predictive probability under that Gaussian is exact:
 *     P(success | x) = Phi(mu(x) / sqrt(1 + v(x))),
 * mu and v the latent predictive mean and variance (GPML eq. 3.80), so no
 * second approximation (such as the probit-averaged logistic) is needed and
 * its gradient in x is closed-form too.
 *
 * Hyperparameters (the optimiser's space, in this order): the log
 * length-scale of each input on the unit cube, the log signal variance
 * log sigma^2, and the mean m. They are fitted by maximising the Laplace
 * approximate log marginal likelihood plus a log prior, with the analytic
 * gradient of GPML Alg. 5.1 (including the implicit term through the mode).
 * Bounds and priors (unit cube; a failure region is seldom smaller than a
 * few percent of the box, and a handful of failures must not pin a
 * length-scale at either end):
 *   log length-scale  in [log 0.02, log 10],  prior N(log 0.3, 1^2)
 *   log signal var    in [log 0.05, log 200], prior N(log 4, 1^2)
 *   mean              in [-6, 6],              prior N(0, 2^2)
 *
 * Units: x in the caller's units, mapped to the unit cube with the box of
 * the options (or used as given without one). The classifier copies every
 * array handed to it. Errors: functions returning bo_status leave a message
 * in bo_gpc_errmsg(). Not thread-safe per handle (predictions use internal
 * workspaces). No I/O, no exit. */

#include <stddef.h>

#include "gp/bo_status.h"
#include "gp/gp_kernel.h"

typedef struct bo_gpc_options {
    size_t dim;             /* number of inputs, >= 1 */
    bo_kernel_kind kernel;  /* BO_KERNEL_ROUGH_RBF is refused: its weights are
                               not length-scales */
    const double *lower;    /* dim values, or NULL: inputs used as given */
    const double *upper;    /* dim values, or NULL */
} bo_gpc_options;

/* Matern 5/2, no box. */
void bo_gpc_options_default(bo_gpc_options *opt, size_t dim);

typedef struct bo_gpc bo_gpc;

/* NULL when the options are invalid or memory runs out (a message is written
 * to errbuf when it is not NULL). */
bo_gpc *bo_gpc_create(const bo_gpc_options *opt, char *errbuf, size_t errlen);
/* NULL is a no-op. */
void bo_gpc_destroy(bo_gpc *c);
/* The last error's message; "" when there was none. */
const char *bo_gpc_errmsg(const bo_gpc *c);

/* Replaces the data: n >= 1 points X (n-by-dim row-major, caller units) and
 * their outcomes success[i] (1 success, 0 failure). BO_EINVAL naming the row
 * for a non-finite coordinate or an outcome other than 0 or 1. The
 * hyperparameters are kept; the model must be fitted or conditioned before
 * predicting. */
bo_status bo_gpc_set_data(bo_gpc *c, size_t n, const double *X, const int *success);

/* Hyperparameter fit: L-BFGS from a fixed set of starts (the prior's
 * centre, and shorter and longer length-scales with the mean at the probit
 * of the success rate), the best kept, so the same data give the same fit
 * whatever the handle held before. Leaves the model conditioned. BO_ESTATE
 * without data, BO_ENUMERIC when no start could be evaluated. */
bo_status bo_gpc_fit(bo_gpc *c);

/* Number of hyperparameters (dim + 2) and access to them in the layout
 * above; set clamps into the bounds and conditions (finds the mode). */
size_t bo_gpc_n_hyper(const bo_gpc *c);
void bo_gpc_get_hyper(const bo_gpc *c, double *theta);
void bo_gpc_hyper_bounds(const bo_gpc *c, double *lower, double *upper);
bo_status bo_gpc_set_hyper(bo_gpc *c, const double *theta);
/* Finds the posterior mode at the current hyperparameters. */
bo_status bo_gpc_condition(bo_gpc *c);

/* The fit's objective at theta (unclamped): minus the Laplace approximate
 * log marginal likelihood minus the log prior, with its gradient in grad
 * (may be NULL). Leaves the model conditioned at theta. NAN with a message
 * when the mode cannot be found. */
double bo_gpc_neg_log_posterior(bo_gpc *c, const double *theta, double *grad);
/* The approximate log marginal likelihood log q(y | X, theta) of the
 * conditioned model (no prior); NAN when not conditioned. */
double bo_gpc_log_marginal_likelihood(const bo_gpc *c);

/* Number of points, and the latent mode at point i of the data (NAN when not
 * conditioned or i out of range). */
size_t bo_gpc_n(const bo_gpc *c);
double bo_gpc_mode(const bo_gpc *c, size_t i);
/* Length-scales in the caller's units (dim values). */
void bo_gpc_lengthscales(const bo_gpc *c, double *ell);

/* P(success) far from every point: Phi(m / sqrt(1 + sigma^2)), what the
 * classifier predicts where the data say nothing. NAN before any fit or
 * set_hyper. */
double bo_gpc_prior_success(const bo_gpc *c);

/* Latent predictive mean and variance at x (Laplace; either output may be
 * NULL). BO_ESTATE when not conditioned, BO_EINVAL for a non-finite x. */
bo_status bo_gpc_latent(bo_gpc *c, const double *x, double *mean, double *var);
/* P(success | x), its logarithm (accurate where P underflows) and the
 * gradient of the logarithm with respect to x (dim values, caller units).
 * Any output may be NULL. Errors as bo_gpc_latent. */
bo_status bo_gpc_predict(bo_gpc *c, const double *x, double *p_success, double *log_p,
                         double *dlog_p);

#endif
