/* Rosenbrock function in 8 dimensions, single fidelity, on [-2.048, 2.048]^8.
 *
 *   f(x) = sum_{j=1..d-1} [100 (x_{j+1} - x_j^2)^2 + (x_j - 1)^2]
 *
 * Global minimum 0 at x = (1, ..., 1), off the box centre. The same formula
 * and box as the 4-D plugins/rosenbrock.c (bench_rosenbrock in
 * plugins/bench_plugin.h), in more dimensions.
 * Source: H. H. Rosenbrock, "An automatic method for finding the greatest or
 * least value of a function", The Computer Journal 3(3), 1960; the d-variate
 * chained form and box from K. A. De Jong's 1975 thesis, as listed in the
 * Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/rosen.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define ROSENBROCK8_DIM 8u

static double rosenbrock8_value(const double *x, size_t source)
{
    (void)source;
    return bench_rosenbrock(x, ROSENBROCK8_DIM);
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("rosenbrock8", ROSENBROCK8_DIM),
    .value = rosenbrock8_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
