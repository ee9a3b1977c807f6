/* Rosenbrock function in 4 dimensions, single fidelity, on [-2.048, 2.048]^4.
 *
 *   f(x) = sum_{j=1..d-1} [100 (x_{j+1} - x_j^2)^2 + (x_j - 1)^2]
 *
 * Global minimum 0 at x = (1, 1, 1, 1). The box is De Jong's classic one
 * (some suites use [-5, 10]^d instead; there f reaches ~1e7 at the corners,
 * which says more about output scaling than about optimisation).
 * Source: H. H. Rosenbrock, "An automatic method for finding the greatest or
 * least value of a function", The Computer Journal 3(3), 1960; the d-variate
 * chained form and box from K. A. De Jong's 1975 thesis, as listed in the
 * Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/rosen.html). */
#include <math.h>
#include <stdio.h>

#include "bo/bo_plugin.h"

#define ROSENBROCK_DIM 4u

static int rosenbrock_init(void **state, const bo_plugin_param *params, size_t n_params,
                           size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != ROSENBROCK_DIM) {
        snprintf(err, errlen, "rosenbrock: needs %u inputs, the config has %zu",
                 ROSENBROCK_DIM, dim);
        return 1;
    }
    if (n_sources > 1) {
        snprintf(err, errlen, "rosenbrock: single fidelity, the config has %zu sources",
                 n_sources);
        return 1;
    }
    if (n_params > 0) {
        snprintf(err, errlen, "rosenbrock: unknown param '%s' (this function takes none)",
                 params[0].key);
        return 1;
    }
    return 0;
}

static int rosenbrock_evaluate(void *state, const double *x, size_t dim, size_t source,
                               double *y, char *err, size_t errlen)
{
    (void)state;
    if (dim != ROSENBROCK_DIM || source != 0) {
        snprintf(err, errlen, "rosenbrock: called with %zu inputs and source %zu", dim, source);
        return 1;
    }
    double sum = 0.0;
    for (size_t j = 0; j + 1 < ROSENBROCK_DIM; j++) {
        double valley = x[j + 1] - x[j] * x[j];
        double offset = x[j] - 1.0;
        sum += 100.0 * valley * valley + offset * offset;
    }
    *y = sum;
    return 0;
}

static const bo_plugin rosenbrock_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "rosenbrock",
    .dim = ROSENBROCK_DIM,
    .n_sources = 1,
    .init = rosenbrock_init,
    .evaluate = rosenbrock_evaluate,
    .fini = NULL,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &rosenbrock_plugin;
}
