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

#endif
