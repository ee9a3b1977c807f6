/* Powell (singular) function in 8 dimensions with its optimum moved off the
 * origin, single fidelity, on [-4, 5]^8.
 *
 *   f(x) = sum_{k=1..d/4} [ (z_{4k-3} + 10 z_{4k-2})^2 + 5 (z_{4k-1} - z_{4k})^2
 *                          + (z_{4k-2} - 2 z_{4k-1})^4 + 10 (z_{4k-3} - z_{4k})^4 ],
 *   z = x - s,  s = (1.7, -2.3, 0.9, 2.8, -1.1, 3.4, -2.6, 0.6).
 *
 * Global minimum 0 at x = s (a sum of even powers, all zero only at z = 0;
 * the Hessian is singular there, so the minimum is flat). The textbook
 * function has its minimum at the origin, next to the centre 0.5 of the
 * usual box; the shift is an arbitrary fixed choice of this project.
 * Source: M. J. D. Powell, "An iterative method for finding stationary values
 * of a function of several variables", The Computer Journal 5(2), 1962;
 * d-variate form and box as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/powell.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define POWELL8_DIM 8u

static const double powell8_shift[POWELL8_DIM] = {1.7, -2.3, 0.9, 2.8, -1.1, 3.4, -2.6, 0.6};

static double powell8_value(const double *x, size_t source)
{
    (void)source;
    double z[POWELL8_DIM];
    for (size_t j = 0; j < POWELL8_DIM; j++)
        z[j] = x[j] - powell8_shift[j];
    double sum = 0.0;
    for (size_t k = 0; k < POWELL8_DIM; k += 4) {
        double a = z[k] + 10.0 * z[k + 1];
        double b = z[k + 2] - z[k + 3];
        double c = z[k + 1] - 2.0 * z[k + 2];
        double d = z[k] - z[k + 3];
        sum += a * a + 5.0 * b * b + c * c * c * c + 10.0 * d * d * d * d;
    }
    return sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("powell8", POWELL8_DIM),
    .value = powell8_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
