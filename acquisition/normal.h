#ifndef BO_ACQUISITION_NORMAL_H
#define BO_ACQUISITION_NORMAL_H

/* The standard normal distribution and the special functions expected
 * improvement needs, written to stay accurate (about 1e-14 relative where the
 * result is a normal double) and finite far into the tails:
 *   erfcx(x) = exp(x^2) erfc(x), the scaled complementary error function;
 *   h(z)     = phi(z) + z Phi(z), expected improvement of a unit normal over
 *              a threshold z standard deviations below its mean;
 *   log h(z) computed without forming h, finite for every finite z
 *   (following Ament et al., NeurIPS 2023, "Unexpected Improvements to
 *   Expected Improvement"). Pure functions, no state, no errors. */

/* exp(x^2) erfc(x). Finite for x > -26.6; +inf below (2 exp(x^2) overflows). */
double bo_erfcx(double x);

/* Density, distribution function and its logarithm. bo_normal_logcdf is
 * finite for |z| < 1.3e154 (below that -z^2/2 itself overflows; the result is
 * then -DBL_MAX, never -inf). */
double bo_normal_pdf(double z);
double bo_normal_cdf(double z);
double bo_normal_logcdf(double z);

/* h(z) = phi(z) + z Phi(z) >= 0, with h'(z) = Phi(z). Underflows to 0 below
 * z of about -38; use bo_ei_log_h there. */
double bo_ei_h(double z);

/* log h(z) and, when dlog is not NULL, its derivative Phi(z) / h(z).
 * Finite and increasing for every finite z (-DBL_MAX for |z| > 1e154). */
double bo_ei_log_h(double z, double *dlog);

#endif
