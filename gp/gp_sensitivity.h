/* Variance-based sensitivity of a fitted GP's posterior mean. */
#ifndef BO_GP_GP_SENSITIVITY_H
#define BO_GP_GP_SENSITIVITY_H

#include "gp/gp.h"

#include <stddef.h>
#include <stdint.h>

/* First-order and total Sobol indices of m(x), the posterior mean of f at
 * `source`, for inputs independent and uniform on [lower, upper] (the
 * caller's units, dim values each). A categorical input (options.n_levels)
 * takes each of its L levels with probability 1/L instead (a uniform draw
 * cut into L equal intervals); its lower/upper are ignored. Monte Carlo
 * with n_samples base points A and B (pseudo-random, from `seed`) and the
 * dim matrices A_B^(i) (A with column i from B): n_samples (dim + 2) mean
 * predictions.
 *   first[i] = mean(m(B) (m(A_B^(i)) - m(A))) / V        (Saltelli 2010)
 *   total[i] = mean((m(A) - m(A_B^(i)))^2) / (2 V)       (Jansen 1999)
 * V the variance of m over A and B together, written to *variance when not
 * NULL (y units squared). Errors: BO_ESTATE before the GP is conditioned,
 * BO_EINVAL for n_samples < 2, a source out of range or a box with
 * lower >= upper or a non-finite bound on a continuous input, BO_ENUMERIC
 * when m is constant on the samples (V = 0: no index is defined), BO_ENOMEM. */
bo_status bo_gp_sobol(bo_gp *gp, size_t source, const double *lower, const double *upper,
                      size_t n_samples, uint64_t seed, double *first, double *total,
                      double *variance);

/* A function for bo_gp_sobol_estimate: writes y[j] = f(x row j) for the n
 * rows of x (n-by-dim row-major, a categorical input as its level index);
 * returns BO_OK, or a failure that the estimate passes on. */
typedef bo_status (*bo_gp_sobol_function)(void *context, size_t n, const double *x,
                                          double *y);

/* The estimator of bo_gp_sobol for any function f, with no GP: the same
 * base points (for the same dim, levels, box, n_samples and seed), the same
 * calls in the same order (f on the 2 n_samples rows of A then B, then on
 * A_B^(i) for i = 0 .. dim-1, n_samples rows each) and the same formulas;
 * bo_gp_sobol is this with f the posterior mean. n_levels: dim values (0 a
 * continuous input, uniform on [lower, upper]; L > 0 a categorical one,
 * each level 0 .. L-1 with probability 1/L, its bounds ignored), or NULL
 * for all continuous. first, total: dim values; *variance (when not NULL)
 * is V, 0 when f is constant on the samples. Holds 3 n_samples (dim + 1)
 * doubles. Errors: BO_EINVAL for dim = 0, n_samples < 2, n_samples too large
 * for memory sizes, or a continuous input's box not a finite interval;
 * BO_ENUMERIC when V = 0; BO_ENOMEM; or the first failure of f (the
 * estimate stops there). No message is kept: the caller words it. */
bo_status bo_gp_sobol_estimate(size_t dim, const size_t *n_levels, const double *lower,
                               const double *upper, size_t n_samples, uint64_t seed,
                               bo_gp_sobol_function f, void *context, double *first,
                               double *total, double *variance);

/* The indices' spread over the posterior of f: n_draws joint posterior
 * samples of f at the n_samples (dim + 2) points of the scheme above (the
 * same base points as bo_gp_sobol with the same seed and n_samples), each
 * draw's indices by the same estimators, and their mean and standard
 * deviation over the draws (first_mean, first_sd, total_mean, total_sd:
 * dim values each). The Monte Carlo error of the fixed base points is
 * common to every draw, so the sd measures what the data leave uncertain,
 * not the sampling. The joint draw costs O(m^3) in m = n_samples (dim + 2),
 * hence the cap m <= 4000. Errors: those of bo_gp_sobol, BO_EINVAL for
 * n_draws < 2 or m > 4000, and those of bo_gp_sample; BO_ENUMERIC when a
 * draw is constant on the samples. */
bo_status bo_gp_sobol_draws(bo_gp *gp, size_t source, const double *lower,
                            const double *upper, size_t n_samples, size_t n_draws,
                            uint64_t seed, double *first_mean, double *first_sd,
                            double *total_mean, double *total_sd);

/* GP+'s sensitivity measure of a categorical input (their Appendix B):
 * the mean distance between its levels' points in its own latent map, over
 * the L (L - 1) / 2 pairs of its L levels, in *mean_distance. The distance
 * is in the kernel's units: two levels at distance d correlate by
 * exp(-d^2) with all else equal, so 0 says the model treats the levels
 * alike (the input does not matter) and 2 or more that they are nearly
 * uncorrelated (exp(-4) = 0.02); as with a length-scale, it measures the
 * model's sensitivity, not a share of variance. 0 for an input of one
 * level. The map's symmetries (translation, rotation, reflection) leave it
 * unchanged. Needs one map per categorical input (BO_LATENT_PER_VARIABLE):
 * in a shared map a point is a combination of levels and no distance
 * belongs to one input. Errors: BO_EINVAL for an input out of range, a
 * continuous input, or a shared map (the message in gp). */
bo_status bo_gp_level_distance(bo_gp *gp, size_t input, double *mean_distance);

#endif
