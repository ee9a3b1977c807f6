/* Shekel function with m = 10 terms, 4-D, single fidelity, on [0, 10]^4.
 *
 *   f(x) = - sum_{i=1..10} 1 / (sum_{j=1..4} (x_j - C_ji)^2 + beta_i)
 *   beta = (1, 2, 2, 4, 4, 6, 3, 7, 5, 5) / 10
 *   C (columns are the ten centres) =
 *     [4 1 8 6 3 2 5 8 6 7;
 *      4 1 8 6 7 9 3 1 2 3.6;
 *      4 1 8 6 3 2 5 8 6 7;
 *      4 1 8 6 7 9 3 1 2 3.6]
 *
 * Ten local minima near the centres; the global one, -10.536443153, at
 * about (4.00075, 3.99951, 4.00075, 3.99951) (the literature gives -10.5364
 * at (4, 4, 4, 4); bo/report/benchmarks.c tabulates the refined point).
 * Left unshifted: the minimum is not at the box centre (5, 5, 5, 5).
 * Source: J. Shekel, "Test functions for multimodal search techniques",
 * Fifth Annual Princeton Conference on Information Science and Systems,
 * 1971; constants as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/shekel.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define SHEKEL10_DIM 4u
#define SHEKEL10_TERMS 10u

static const double shekel10_beta[SHEKEL10_TERMS] = {0.1, 0.2, 0.2, 0.4, 0.4,
                                                     0.6, 0.3, 0.7, 0.5, 0.5};
static const double shekel10_c[SHEKEL10_DIM][SHEKEL10_TERMS] = {
    {4.0, 1.0, 8.0, 6.0, 3.0, 2.0, 5.0, 8.0, 6.0, 7.0},
    {4.0, 1.0, 8.0, 6.0, 7.0, 9.0, 3.0, 1.0, 2.0, 3.6},
    {4.0, 1.0, 8.0, 6.0, 3.0, 2.0, 5.0, 8.0, 6.0, 7.0},
    {4.0, 1.0, 8.0, 6.0, 7.0, 9.0, 3.0, 1.0, 2.0, 3.6}};

static double shekel10_value(const double *x, size_t source)
{
    (void)source;
    double sum = 0.0;
    for (size_t i = 0; i < SHEKEL10_TERMS; i++) {
        double dist = shekel10_beta[i];
        for (size_t j = 0; j < SHEKEL10_DIM; j++) {
            double d = x[j] - shekel10_c[j][i];
            dist += d * d;
        }
        sum += 1.0 / dist;
    }
    return -sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("shekel10", SHEKEL10_DIM),
    .value = shekel10_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
