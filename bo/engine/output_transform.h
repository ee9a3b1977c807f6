#ifndef BO_ENGINE_OUTPUT_TRANSFORM_H
#define BO_ENGINE_OUTPUT_TRANSFORM_H

/* A monotone map of the observed values that the engine's suggestion model
 * may be fitted to instead of the values themselves: y is standardised, then
 * passed through the Yeo-Johnson power transform
 *
 *     u = (y - shift) / scale
 *     z = ((u + 1)^lambda - 1) / lambda                 u >= 0, lambda != 0
 *         log(u + 1)                                    u >= 0, lambda == 0
 *         -((1 - u)^(2 - lambda) - 1) / (2 - lambda)    u <  0, lambda != 2
 *         -log(1 - u)                                   u <  0, lambda == 2
 *
 * (Yeo and Johnson, 2000). lambda = 1 is the identity on u. lambda < 1
 * compresses large values and stretches small ones, which is what a
 * minimisation wants when a few values far above the rest (a quartic's
 * corners) would otherwise set the model's scale. The map is increasing for
 * every lambda, so the minimiser and the order of the values are unchanged.
 * lambda is kept at or below 1: a map that compresses the low values, where
 * the minimum is sought, is never fitted: with lambda up to 3, one
 * Hartmann-6 run in ten (its minimum is a low outlier, so the fitted lambda
 * is often above 1) ended in a local basin, bounded at 1 none did
 * (docs/evidence-quality.md).
 *
 * lambda is fitted by maximising the profile log-likelihood of z being
 * normal, including the Jacobian of the map (Yeo and Johnson's criterion):
 *
 *     l(lambda) = -n/2 log(var(z)) + (lambda - 1) sum_i sign(u_i) log(|u_i| + 1)
 *
 * The engine then keeps the transform only when the GP's marginal
 * likelihood of z plus the Jacobian term beats that of y (engine.c). */

#include <stddef.h>

typedef struct bo_output_transform {
    int active;     /* 0: the identity (every other field is ignored) */
    double shift;   /* the values' mean */
    double scale;   /* their standard deviation, > 0 */
    double lambda;  /* in [BO_OUTPUT_TRANSFORM_LAMBDA_MIN, _MAX] */
} bo_output_transform;

#define BO_OUTPUT_TRANSFORM_LAMBDA_MIN (-2.0)
#define BO_OUTPUT_TRANSFORM_LAMBDA_MAX 1.0

/* The power map of a standardised value and its derivatives. */
double bo_yeo_johnson(double u, double lambda);
double bo_yeo_johnson_du(double u, double lambda);      /* dz/du > 0 */
double bo_yeo_johnson_dlambda(double u, double lambda); /* dz/dlambda */
double bo_yeo_johnson_inverse(double z, double lambda);

/* l(lambda) above for n standardised values u, and its derivative in
 * *grad (may be NULL). -INFINITY when n < 2 or var(z) is 0. */
double bo_yeo_johnson_loglik(const double *u, size_t n, double lambda, double *grad);

/* Fits the transform to n values: the mean and sd, then lambda by the
 * profile likelihood (the root of its derivative, bracketed in the lambda
 * range; an end of the range when the derivative keeps its sign). Returns 1;
 * 0 and leaves *t inactive when n < 3, a value is not finite or the values
 * are all equal; -1 (inactive) when out of memory. */
int bo_output_transform_fit(bo_output_transform *t, const double *y, size_t n);

/* z = T(y), dz/dy, and y = T^-1(z); the identity when t is inactive. */
double bo_output_transform_apply(const bo_output_transform *t, double y);
double bo_output_transform_dy(const bo_output_transform *t, double y);
double bo_output_transform_inverse(const bo_output_transform *t, double z);

#endif
