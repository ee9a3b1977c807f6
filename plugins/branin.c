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
#include <stdio.h>

#include "bo/bo_plugin.h"

#define BRANIN_DIM 2u
#define BRANIN_PI 3.14159265358979323846

static int branin_init(void **state, const bo_plugin_param *params, size_t n_params,
                       size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != BRANIN_DIM) {
        snprintf(err, errlen, "branin: needs %u inputs, the config has %zu", BRANIN_DIM, dim);
        return 1;
    }
    if (n_sources > 1) {
        snprintf(err, errlen, "branin: single fidelity, the config has %zu sources", n_sources);
        return 1;
    }
    if (n_params > 0) {
        snprintf(err, errlen, "branin: unknown param '%s' (this function takes none)",
                 params[0].key);
        return 1;
    }
    return 0;
}

static int branin_evaluate(void *state, const double *x, size_t dim, size_t source,
                           double *y, char *err, size_t errlen)
{
    (void)state;
    if (dim != BRANIN_DIM || source != 0) {
        snprintf(err, errlen, "branin: called with %zu inputs and source %zu", dim, source);
        return 1;
    }
    const double b = 5.1 / (4.0 * BRANIN_PI * BRANIN_PI);
    const double c = 5.0 / BRANIN_PI;
    const double t = 1.0 / (8.0 * BRANIN_PI);
    double q = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    *y = q * q + 10.0 * (1.0 - t) * cos(x[0]) + 10.0;
    return 0;
}

static const bo_plugin branin_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "branin",
    .dim = BRANIN_DIM,
    .n_sources = 1,
    .init = branin_init,
    .evaluate = branin_evaluate,
    .fini = NULL,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &branin_plugin;
}
