/* Six-hump camel function, 2-D, single fidelity, on [-3, 3] x [-2, 2].
 *
 *   f(x) = (4 - 2.1 x1^2 + x1^4 / 3) x1^2 + x1 x2 + (-4 + 4 x2^2) x2^2
 *
 * Six local minima; the two global ones, -1.0316284535, at
 * (0.0898420131, -0.7126564032) and its mirror (-0.0898420131, 0.7126564032).
 * Left unshifted: the minima are not at the box centre (the centre, where
 * f = 0, is a saddle between them).
 * Source: L. C. W. Dixon and G. P. Szego (eds.), "Towards Global
 * Optimisation 2", North-Holland, 1978; form and box as in the Virtual
 * Library of Simulation Experiments (https://www.sfu.ca/~ssurjano/camel6.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define SIXHUMP_CAMEL_DIM 2u

static double sixhump_camel_value(const double *x, size_t source)
{
    (void)source;
    double x1 = x[0], x2 = x[1];
    double x1sq = x1 * x1, x2sq = x2 * x2;
    return (4.0 - 2.1 * x1sq + x1sq * x1sq / 3.0) * x1sq + x1 * x2 + (-4.0 + 4.0 * x2sq) * x2sq;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("sixhump_camel", SIXHUMP_CAMEL_DIM),
    .value = sixhump_camel_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
