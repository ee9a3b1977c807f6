/* Levy function in 4 dimensions, single fidelity, on [-10, 10]^4.
 *
 *   w_j = 1 + (x_j - 1) / 4
 *   f(x) = sin^2(pi w_1)
 *        + sum_{j=1..d-1} (w_j - 1)^2 [1 + 10 sin^2(pi w_j + 1)]
 *        + (w_d - 1)^2 [1 + sin^2(2 pi w_d)]
 *
 * Global minimum 0 at x = (1, 1, 1, 1).
 * Source: A. V. Levy and A. Montalvo, "The tunneling algorithm for the global
 * minimization of functions", SIAM J. Sci. Stat. Comput. 6(1), 1985; the form
 * with w_j as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/levy.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define LEVY_DIM 4u

static double levy_value(const double *x, size_t source)
{
    (void)source;
    double w[LEVY_DIM];
    for (size_t j = 0; j < LEVY_DIM; j++)
        w[j] = 1.0 + (x[j] - 1.0) / 4.0;
    double s = sin(BO_BENCH_PI * w[0]);
    double sum = s * s;
    for (size_t j = 0; j + 1 < LEVY_DIM; j++) {
        double sj = sin(BO_BENCH_PI * w[j] + 1.0);
        sum += (w[j] - 1.0) * (w[j] - 1.0) * (1.0 + 10.0 * sj * sj);
    }
    double wd = w[LEVY_DIM - 1];
    double sd = sin(2.0 * BO_BENCH_PI * wd);
    sum += (wd - 1.0) * (wd - 1.0) * (1.0 + sd * sd);
    return sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("levy", LEVY_DIM),
    .value = levy_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
