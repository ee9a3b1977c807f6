/* Calibration of a computer model's parameters from a few field (or
 * high-fidelity) observations, as in GP+ (its section 4.4).
 *
 * The simulator's runs carry inputs (x, t): dim_x controllable inputs and
 * n_theta calibration inputs t. The field rows carry x only; the field is
 * taken to behave as the simulator would at some unknown t = theta. One GP
 * over (x, t, source) with two sources (simulation and field, each with its
 * latent point, so the map learns how far the field is from the simulator)
 * is fitted, and theta enters it as the t coordinates of every field row.
 * theta is estimated jointly with the GP's hyperparameters by MAP: it is a
 * block of extra parameters of the same log posterior, with a uniform prior
 * on the box [theta_lower, theta_upper] (so the prior adds only a constant).
 *
 * The GP handle is created from the caller's options: opt->dim = dim_x +
 * n_theta with the calibration inputs last, opt->n_sources = 2 and
 * opt->target_source the field's source index. Its box (opt->lower/upper)
 * should cover both the simulator's t range and the theta box. After
 * bo_gp_calib_fit the GP (bo_gp_calib_model) is conditioned on the data with
 * the field rows at theta-hat, so a field prediction at x is the GP's
 * prediction at (x, theta-hat) for the field source.
 *
 * Errors: functions returning bo_status leave a message in
 * bo_gp_calib_errmsg(). Not thread-safe per handle. No I/O. */
#ifndef BO_GP_GP_CALIBRATE_H
#define BO_GP_GP_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "gp/gp.h"

typedef struct bo_gp_calib bo_gp_calib;

/* NULL with a message in errbuf when the options do not fit the scheme
 * above (n_theta 0 or >= dim, not two sources, BO_NOISE_KNOWN), a bound is
 * not finite or lower >= upper, or memory runs out. */
bo_gp_calib *bo_gp_calib_create(const bo_gp_options *opt, size_t n_theta,
                                const double *theta_lower, const double *theta_upper,
                                char *errbuf, size_t errlen);
void bo_gp_calib_destroy(bo_gp_calib *c);
const char *bo_gp_calib_errmsg(const bo_gp_calib *c);

/* n rows, X n-by-dim (caller units), source n indices, y n values. The t
 * columns of field rows (source == target) are ignored and may hold
 * anything, NaN included. BO_EINVAL (naming the row) when there is no
 * simulation row or no field row, a source is out of range, or a value the
 * GP refuses (non-finite x, t or y). */
bo_status bo_gp_calib_set_data(bo_gp_calib *c, size_t n, const double *X,
                               const size_t *source, const double *y);

/* The joint MAP: `starts` starting values of theta (0 = the default, 8:
 * the box's centre, then a Latin hypercube of the box); from each, the
 * hyperparameters are fitted by bo_gp_fit with theta held there, then
 * L-BFGS runs on (hyperparameters, theta) together with the analytic
 * gradient; the best optimum is kept. Leaves the GP conditioned at it. */
bo_status bo_gp_calib_fit(bo_gp_calib *c, size_t starts);

/* theta-hat (n_theta values, caller units) and the optimum's negative log
 * posterior (the GP's objective; theta's flat prior adds nothing). */
void bo_gp_calib_theta(const bo_gp_calib *c, double *theta);
double bo_gp_calib_neg_log_posterior_at_fit(const bo_gp_calib *c);

/* Laplace approximation of theta's posterior at the MAP: the Hessian of the
 * negative log posterior in (hyperparameters, theta), by central
 * differences of the analytic gradient, is inverted and theta's block kept,
 * so the sd accounts for the hyperparameters' uncertainty (the marginal,
 * not the conditional, of the Gaussian approximation). Hyperparameters
 * sitting on a bound of their box (a noise on its floor) are held fixed.
 * sd: n_theta values; cov: n_theta^2 row-major, or NULL; both caller units.
 * A theta-hat on its box's edge is held there too (at a constrained optimum
 * the curvature across the bound says nothing, and a Gaussian describes a
 * truncated posterior poorly): its sd and covariances are NAN and *on_bound
 * (may be NULL) is set.
 * When the joint Hessian is not positive definite (a hyperparameter in a
 * flat or saddle direction, such as a field noise heading for its floor on
 * a handful of points), the sd is theta's conditional given the
 * hyperparameters (the Hessian's theta block alone), which is smaller, and
 * *conditional (may be NULL) is set. BO_ESTATE before a fit; BO_ENUMERIC
 * when theta's own block is not positive definite either (theta not
 * identified). */
bo_status bo_gp_calib_posterior(bo_gp_calib *c, double *sd, double *cov, int *on_bound,
                                int *conditional);

/* The objective at hyperparameters hyper (bo_gp_n_hyper values, the GP's
 * space) and theta (caller units), with its gradient when grad_hyper and
 * grad_theta are not NULL (theta's in caller units). After set_data; NAN
 * with a message when the covariance cannot be factorised. Exposed for
 * tests. */
double bo_gp_calib_neg_log_posterior(bo_gp_calib *c, const double *hyper, const double *theta,
                                     double *grad_hyper, double *grad_theta);

/* The GP (owned by the handle): after a fit, conditioned with the field
 * rows at theta-hat. */
bo_gp *bo_gp_calib_model(bo_gp_calib *c);

#endif
