/* Branin (Branin-Hoo) function, 2 inputs, single fidelity.
 *
 *   f(x1, x2) = a (x2 - b x1^2 + c x1 - r)^2 + s (1 - t) cos(x1) + s
 *   a = 1, b = 5.1 / (4 pi^2), c = 5 / pi, r = 6, s = 10, t = 1 / (8 pi)
 *   x1 in [-5, 10], x2 in [0, 15]
 *
 * Global minimum 5 / (4 pi) = 0.397887... at (-pi, 12.275), (pi, 2.275) and
 * (3 pi, 2.475).
 * Source: L. C. W. Dixon and G. P. Szego (eds.), "Towards Global
 * Optimisation 2", North-Holland, 1978; parameterisation as in the Virtual
 * Library of Simulation Experiments (S. Surjanovic and D. Bingham,
 * https://www.sfu.ca/~ssurjano/branin.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define BRANIN_DIM 2u

static double branin_value(const double *x, size_t source)
{
    (void)source;
    const double b = 5.1 / (4.0 * BO_BENCH_PI * BO_BENCH_PI);
    const double c = 5.0 / BO_BENCH_PI;
    const double t = 1.0 / (8.0 * BO_BENCH_PI);
    double q = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    return q * q + 10.0 * (1.0 - t) * cos(x[0]) + 10.0;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("branin", BRANIN_DIM),
    .value = branin_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
