/* Ackley function in 5 dimensions with its optimum moved off the box centre,
 * single fidelity, on [-32.768, 32.768]^5.
 *
 *   f(x) = -a exp(-b sqrt(mean_j z_j^2)) - exp(mean_j cos(c z_j)) + a + e,
 *   z = x - s,  a = 20, b = 0.2, c = 2 pi,
 *   s = (6.4, -11.7, 3.1, 17.9, -4.6).
 *
 * The textbook Ackley function has its minimum at the centre of its usual
 * box, where a Latin hypercube or a space-filling start lands close by
 * chance; shifting the argument by s puts the minimum 0 at x = s, away from
 * the centre and from the grid of local minima the unshifted function has at
 * integer points. The shift is an arbitrary fixed choice of this project; the
 * box is the usual one and still contains s well inside it.
 * Source: D. H. Ackley, "A connectionist machine for genetic hillclimbing",
 * Kluwer, 1987; constants a, b, c as in the Virtual Library of Simulation
 * Experiments (https://www.sfu.ca/~ssurjano/ackley.html). */
#include <math.h>
#include <stdio.h>

#include "bo/bo_plugin.h"

#define ACKLEY5_DIM 5u
#define ACKLEY5_PI 3.14159265358979323846

static const double ackley5_shift[ACKLEY5_DIM] = {6.4, -11.7, 3.1, 17.9, -4.6};

static int ackley5_init(void **state, const bo_plugin_param *params, size_t n_params,
                        size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != ACKLEY5_DIM) {
        snprintf(err, errlen, "ackley5: needs %u inputs, the config has %zu", ACKLEY5_DIM, dim);
        return 1;
    }
    if (n_sources > 1) {
        snprintf(err, errlen, "ackley5: single fidelity, the config has %zu sources", n_sources);
        return 1;
    }
    if (n_params > 0) {
        snprintf(err, errlen, "ackley5: unknown param '%s' (this function takes none)",
                 params[0].key);
        return 1;
    }
    return 0;
}

static int ackley5_evaluate(void *state, const double *x, size_t dim, size_t source,
                            double *y, char *err, size_t errlen)
{
    (void)state;
    if (dim != ACKLEY5_DIM || source != 0) {
        snprintf(err, errlen, "ackley5: called with %zu inputs and source %zu", dim, source);
        return 1;
    }
    double squares = 0.0, cosines = 0.0;
    for (size_t j = 0; j < ACKLEY5_DIM; j++) {
        double z = x[j] - ackley5_shift[j];
        squares += z * z;
        cosines += cos(2.0 * ACKLEY5_PI * z);
    }
    double n = (double)ACKLEY5_DIM;
    *y = -20.0 * exp(-0.2 * sqrt(squares / n)) - exp(cosines / n) + 20.0 + exp(1.0);
    return 0;
}

static const bo_plugin ackley5_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "ackley5",
    .dim = ACKLEY5_DIM,
    .n_sources = 1,
    .init = ackley5_init,
    .evaluate = ackley5_evaluate,
    .fini = NULL,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &ackley5_plugin;
}
