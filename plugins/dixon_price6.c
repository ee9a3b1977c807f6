/* Dixon-Price function in 6 dimensions, single fidelity, on [-10, 10]^6.
 *
 *   f(x) = (x_1 - 1)^2 + sum_{i=2..d} i (2 x_i^2 - x_{i-1})^2
 *
 * Global minimum 0 at x_i = 2^(-(2^i - 2) / 2^i) (and at the points with the
 * signs of x_2 ... x_d flipped: each term sees x_i only through x_i^2
 * pinned to x_{i-1} / 2): (1, 0.7071, 0.5946, 0.5453, 0.5221, 0.5109).
 * Left unshifted: the minimum is not at the box centre.
 * Source: L. C. W. Dixon and R. C. Price, "Truncated Newton method for sparse
 * unconstrained optimization using automatic differentiation", J. Optim.
 * Theory Appl. 60(2), 1989; box and minimiser as in the Virtual Library of
 * Simulation Experiments (https://www.sfu.ca/~ssurjano/dixonpr.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define DIXON_PRICE6_DIM 6u

static double dixon_price6_value(const double *x, size_t source)
{
    (void)source;
    double sum = (x[0] - 1.0) * (x[0] - 1.0);
    for (size_t i = 1; i < DIXON_PRICE6_DIM; i++) {
        double t = 2.0 * x[i] * x[i] - x[i - 1];
        sum += (double)(i + 1) * t * t;
    }
    return sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("dixon_price6", DIXON_PRICE6_DIM),
    .value = dixon_price6_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
