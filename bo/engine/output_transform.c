#include "bo/engine/output_transform.h"

#include <math.h>
#include <stdlib.h>

/* Below this |c L| the closed forms lose digits to cancellation (expm1(cL)/c
 * and its derivative in c are both near their limits); their series take
 * over. */
#define YJ_SERIES 1e-5

/* expm1(c L) / c, the power branch, with its c -> 0 limit L. */
static double yj_branch(double L, double c)
{
    double cl = c * L;
    if (fabs(cl) < YJ_SERIES)
        return L * (1.0 + 0.5 * cl + cl * cl / 6.0);
    return expm1(cl) / c;
}

/* d/dc [expm1(c L) / c] = exp(c L) L / c - expm1(c L) / c^2, limit L^2 / 2. */
static double yj_branch_dc(double L, double c)
{
    double cl = c * L;
    if (fabs(cl) < YJ_SERIES)
        return L * L * (0.5 + cl / 3.0 + cl * cl / 8.0);
    return (exp(cl) * L * c - expm1(cl)) / (c * c);
}

double bo_yeo_johnson(double u, double lambda)
{
    if (u >= 0.0)
        return yj_branch(log1p(u), lambda);
    return -yj_branch(log1p(-u), 2.0 - lambda);
}

double bo_yeo_johnson_du(double u, double lambda)
{
    if (u >= 0.0)
        return exp((lambda - 1.0) * log1p(u));
    return exp((1.0 - lambda) * log1p(-u));
}

double bo_yeo_johnson_dlambda(double u, double lambda)
{
    if (u >= 0.0)
        return yj_branch_dc(log1p(u), lambda);
    /* z = -B(w, 2 - lambda): dz/dlambda = +B_c(w, 2 - lambda). */
    return yj_branch_dc(log1p(-u), 2.0 - lambda);
}

/* The inverse of expm1(c L) / c = v in L: log1p(c v) / c (limit v). NAN
 * when c v <= -1, a value the branch never reaches. */
static double yj_branch_inverse(double v, double c)
{
    double cv = c * v;
    if (fabs(cv) < YJ_SERIES)
        return v * (1.0 - 0.5 * cv + cv * cv / 3.0);
    if (cv <= -1.0)
        return NAN;
    return log1p(cv) / c;
}

double bo_yeo_johnson_inverse(double z, double lambda)
{
    if (z >= 0.0)
        return expm1(yj_branch_inverse(z, lambda));
    return -expm1(yj_branch_inverse(-z, 2.0 - lambda));
}

double bo_yeo_johnson_loglik(const double *u, size_t n, double lambda, double *grad)
{
    if (n < 2) {
        if (grad)
            *grad = 0.0;
        return -INFINITY;
    }
    double mean = 0.0, jac = 0.0;
    for (size_t i = 0; i < n; i++) {
        mean += bo_yeo_johnson(u[i], lambda);
        jac += u[i] >= 0.0 ? log1p(u[i]) : -log1p(-u[i]);
    }
    mean /= (double)n;
    double ss = 0.0, dss = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dz = bo_yeo_johnson(u[i], lambda) - mean;
        ss += dz * dz;
        /* d/dlambda sum (z - mean)^2 = 2 sum (z - mean) dz/dlambda: the
         * mean's own derivative multiplies sum (z - mean) = 0. */
        dss += 2.0 * dz * bo_yeo_johnson_dlambda(u[i], lambda);
    }
    double var = ss / (double)n;
    if (!(var > 0.0) || !isfinite(var)) {
        if (grad)
            *grad = 0.0;
        return -INFINITY;
    }
    if (grad)
        *grad = -0.5 * dss / var + jac;
    return -0.5 * (double)n * log(var) + (lambda - 1.0) * jac;
}

int bo_output_transform_fit(bo_output_transform *t, const double *y, size_t n)
{
    t->active = 0;
    t->shift = 0.0;
    t->scale = 1.0;
    t->lambda = 1.0;
    if (n < 3)
        return 0;
    double mean = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]))
            return 0;
        mean += y[i];
    }
    mean /= (double)n;
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(ss / (double)n);
    if (!(sd > 0.0) || !isfinite(sd))
        return 0;
    /* Values equal up to rounding would give lambda from noise. */
    if (sd <= 1e-12 * fmax(1.0, fabs(mean)))
        return 0;

    /* The profile likelihood on the standardised values, which is invariant
     * to the values' units. Its root is bracketed by bisection on the sign of
     * the derivative: deterministic, and a few hundred O(n) passes. */
    double *u = malloc(n * sizeof *u);
    if (!u)
        return -1;
    for (size_t i = 0; i < n; i++)
        u[i] = (y[i] - mean) / sd;
    double lo = BO_OUTPUT_TRANSFORM_LAMBDA_MIN, hi = BO_OUTPUT_TRANSFORM_LAMBDA_MAX, g;
    double lambda;
    bo_yeo_johnson_loglik(u, n, lo, &g);
    if (!(g > 0.0)) {
        lambda = lo;
    } else {
        bo_yeo_johnson_loglik(u, n, hi, &g);
        if (!(g < 0.0)) {
            lambda = hi;
        } else {
            for (int it = 0; it < 60; it++) {
                double mid = 0.5 * (lo + hi);
                bo_yeo_johnson_loglik(u, n, mid, &g);
                if (g > 0.0)
                    lo = mid;
                else
                    hi = mid;
            }
            lambda = 0.5 * (lo + hi);
        }
    }
    free(u);
    t->active = 1;
    t->shift = mean;
    t->scale = sd;
    t->lambda = lambda;
    return 1;
}

double bo_output_transform_apply(const bo_output_transform *t, double y)
{
    if (!t->active)
        return y;
    return bo_yeo_johnson((y - t->shift) / t->scale, t->lambda);
}

double bo_output_transform_dy(const bo_output_transform *t, double y)
{
    if (!t->active)
        return 1.0;
    return bo_yeo_johnson_du((y - t->shift) / t->scale, t->lambda) / t->scale;
}

double bo_output_transform_inverse(const bo_output_transform *t, double z)
{
    if (!t->active)
        return z;
    return t->shift + t->scale * bo_yeo_johnson_inverse(z, t->lambda);
}
