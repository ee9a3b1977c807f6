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
#include <stdio.h>

#include "bo/bo_plugin.h"

#define LEVY_DIM 4u
#define LEVY_PI 3.14159265358979323846

static int levy_init(void **state, const bo_plugin_param *params, size_t n_params,
                     size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != LEVY_DIM) {
        snprintf(err, errlen, "levy: needs %u inputs, the config has %zu", LEVY_DIM, dim);
        return 1;
    }
    if (n_sources > 1) {
        snprintf(err, errlen, "levy: single fidelity, the config has %zu sources", n_sources);
        return 1;
    }
    if (n_params > 0) {
        snprintf(err, errlen, "levy: unknown param '%s' (this function takes none)",
                 params[0].key);
        return 1;
    }
    return 0;
}

static int levy_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    (void)state;
    if (dim != LEVY_DIM || source != 0) {
        snprintf(err, errlen, "levy: called with %zu inputs and source %zu", dim, source);
        return 1;
    }
    double w[LEVY_DIM];
    for (size_t j = 0; j < LEVY_DIM; j++)
        w[j] = 1.0 + (x[j] - 1.0) / 4.0;
    double s = sin(LEVY_PI * w[0]);
    double sum = s * s;
    for (size_t j = 0; j + 1 < LEVY_DIM; j++) {
        double sj = sin(LEVY_PI * w[j] + 1.0);
        sum += (w[j] - 1.0) * (w[j] - 1.0) * (1.0 + 10.0 * sj * sj);
    }
    double wd = w[LEVY_DIM - 1];
    double sd = sin(2.0 * LEVY_PI * wd);
    sum += (wd - 1.0) * (wd - 1.0) * (1.0 + sd * sd);
    *y = sum;
    return 0;
}

static const bo_plugin levy_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "levy",
    .dim = LEVY_DIM,
    .n_sources = 1,
    .init = levy_init,
    .evaluate = levy_evaluate,
    .fini = NULL,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &levy_plugin;
}
