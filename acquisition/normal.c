#include "acquisition/normal.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#define BO_SQRT_PI 1.7724538509055160273
#define BO_INV_SQRT_PI 0.56418958354775628695
#define BO_INV_SQRT_2 0.70710678118654752440
#define BO_INV_SQRT_2PI 0.39894228040143267794
#define BO_LOG_SQRT_2PI 0.91893853320467274178
#define BO_SQRT_PI_OVER_2 1.2533141373155002512

/* Chebyshev coefficients of f(s) = (x + 4) erfcx(x) on x in [0, 12], with
 * t = (x - 4) / (x + 4) in [-1, 1/2] and s = (4/3)(t + 1) - 1 in [-1, 1].
 * The rational map follows erfcx's 1/x decay, so 24 terms reach double
 * precision. Computed for this file from erfc at 40 digits (interpolation at
 * 64 Chebyshev nodes); the dropped terms are below 3e-21. */
static const double erfcx_cheb[24] = {
    1.8569102298046543,      -1.4873357214612892,      4.874530693787096e-1,
    -1.3234082878762275e-1,  2.9699549457905686e-2,    -5.4144480476961222e-3,
    7.6794674149659841e-4,   -7.5679229628128832e-5,   3.0543805829487858e-6,
    4.4374691092152637e-7,   -8.2570154942224241e-8,   1.9844956164157626e-9,
    9.3485045022065556e-10,  -8.7695338114226543e-11,  -8.9817273744593514e-12,
    1.7044028784973071e-12,  8.8248485403276539e-14,   -2.9796566376647846e-14,
    -1.1141966949641555e-15, 5.2437284882534482e-16,   2.2085026948916388e-17,
    -9.4179836144257772e-18, -5.9666997178333467e-19,  1.6713770701320542e-19,
};

/* The asymptotic series sum_k (-1)^k (2k-1)!! / (2x^2)^k, k >= 1 (the part
 * after the leading 1 in sqrt(pi) x erfcx(x)). For x >= 8 its terms fall
 * below 1e-18 of the first before they start to grow. */
static double erfcx_tail_series(double x)
{
    double inv = 1.0 / x;
    double r = 0.5 * inv * inv;
    double term = -r, sum = 0.0;
    for (int k = 1; k < 60; k++) {
        sum += term;
        if (fabs(term) <= 1e-18 * fabs(sum))
            break;
        term *= -(double)(2 * k + 1) * r;
    }
    return sum;
}

/* exp(x^2) with x^2 split into its rounded value and the rounding error, so
 * the result carries exp's own accuracy instead of 2 x^2 eps. */
static double exp_square(double x)
{
    double hi = x * x;
    double lo = fma(x, x, -hi);
    return exp(hi) * (1.0 + lo);
}

static double exp_neg_half_square(double z)
{
    double hi = z * z;
    double lo = fma(z, z, -hi);
    return exp(-0.5 * hi) * (1.0 - 0.5 * lo);
}

double bo_erfcx(double x)
{
    if (isnan(x))
        return x;
    if (x < 0.0) {
        if (x < -26.7)
            return HUGE_VAL;
        return 2.0 * exp_square(x) - bo_erfcx(-x);
    }
    if (x < 12.0) {
        double t = (x - 4.0) / (x + 4.0);
        double s = (4.0 / 3.0) * (t + 1.0) - 1.0;
        /* Clenshaw recurrence. */
        double b1 = 0.0, b2 = 0.0;
        for (int j = 23; j >= 1; j--) {
            double b0 = 2.0 * s * b1 - b2 + erfcx_cheb[j];
            b2 = b1;
            b1 = b0;
        }
        double f = s * b1 - b2 + erfcx_cheb[0];
        return f / (x + 4.0);
    }
    if (x > 1e300)
        return BO_INV_SQRT_PI / x;
    return BO_INV_SQRT_PI / x * (1.0 + erfcx_tail_series(x));
}

double bo_normal_pdf(double z)
{
    return BO_INV_SQRT_2PI * exp_neg_half_square(z);
}

/* Phi(z) for z <= 0 as 0.5 erfcx(-z/sqrt2) exp(-z^2/2): no cancellation, and
 * the exponential is the only part that can underflow. */
static double lower_tail(double z)
{
    return 0.5 * bo_erfcx(-z * BO_INV_SQRT_2) * exp_neg_half_square(z);
}

double bo_normal_cdf(double z)
{
    if (isnan(z))
        return z;
    if (z <= 0.0)
        return lower_tail(z);
    return 1.0 - lower_tail(-z);
}

double bo_normal_logcdf(double z)
{
    if (isnan(z))
        return z;
    if (z > 0.0)
        return log1p(-lower_tail(-z));
    if (z < -1e154)
        return -DBL_MAX;
    double u = -z * BO_INV_SQRT_2;
    return log(0.5 * bo_erfcx(u)) - 0.5 * z * z;
}

/* g(u) = 1 - sqrt(pi) u erfcx(u) for u >= 1/sqrt2: the factor by which h(z)
 * falls below phi(z) in the lower tail. Direct subtraction loses at most
 * log10(1/g(10)) ~ 2.3 digits below u = 10; the asymptotic series takes over
 * above, where it converges to full precision. */
static double ei_tail_factor(double u)
{
    if (u < 10.0)
        return 1.0 - BO_SQRT_PI * u * bo_erfcx(u);
    return -erfcx_tail_series(u);
}

double bo_ei_h(double z)
{
    if (z >= -1.0)
        return bo_normal_pdf(z) + z * bo_normal_cdf(z);
    /* h = phi(z) g(u): both factors to full relative precision, where
     * exp(log h) would turn log h's absolute error into relative error. */
    return bo_normal_pdf(z) * ei_tail_factor(-z * BO_INV_SQRT_2);
}

double bo_ei_log_h(double z, double *dlog)
{
    if (isnan(z)) {
        if (dlog)
            *dlog = z;
        return z;
    }
    if (z >= -1.0) {
        double cdf = bo_normal_cdf(z);
        double h = bo_normal_pdf(z) + z * cdf;
        if (dlog)
            *dlog = cdf / h;
        return log(h);
    }
    if (z < -1e154) {
        if (dlog)
            *dlog = DBL_MAX;
        return -DBL_MAX;
    }
    double u = -z * BO_INV_SQRT_2;
    double g = ei_tail_factor(u);
    if (dlog) /* Phi/h = sqrt(pi/2) erfcx(u) / g(u), both factors stable */
        *dlog = BO_SQRT_PI_OVER_2 * bo_erfcx(u) / g;
    return -0.5 * z * z - BO_LOG_SQRT_2PI + log(g);
}
