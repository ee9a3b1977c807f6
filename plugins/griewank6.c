/* Griewank function in 6 dimensions with its optimum moved off the box
 * centre, single fidelity, on [-600, 600]^6.
 *
 *   f(x) = sum_j z_j^2 / 4000 - prod_j cos(z_j / sqrt(j)) + 1,  z = x - s,
 *   s = (143.7, -211.3, 87.9, -52.6, 310.4, -175.2).
 *
 * Global minimum 0 at x = s (the sum is >= 0 and the product <= 1, both
 * tight only at z = 0). The textbook function has its minimum at the box
 * centre; the shift is an arbitrary fixed choice of this project, well
 * inside the box.
 * Source: A. O. Griewank, "Generalized descent for global optimization",
 * J. Optim. Theory Appl. 34(1), 1981; box as in the Virtual Library of
 * Simulation Experiments (https://www.sfu.ca/~ssurjano/griewank.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define GRIEWANK6_DIM 6u

static const double griewank6_shift[GRIEWANK6_DIM] = {143.7, -211.3, 87.9, -52.6, 310.4, -175.2};

static double griewank6_value(const double *x, size_t source)
{
    (void)source;
    double sum = 0.0, product = 1.0;
    for (size_t j = 0; j < GRIEWANK6_DIM; j++) {
        double z = x[j] - griewank6_shift[j];
        sum += z * z / 4000.0;
        product *= cos(z / sqrt((double)(j + 1)));
    }
    return sum - product + 1.0;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("griewank6", GRIEWANK6_DIM),
    .value = griewank6_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
