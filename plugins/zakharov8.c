/* Zakharov function in 8 dimensions with its optimum moved off the origin,
 * single fidelity, on [-5, 10]^8.
 *
 *   f(x) = sum_j z_j^2 + (sum_j 0.5 j z_j)^2 + (sum_j 0.5 j z_j)^4,  z = x - s,
 *   s = (3.1, -2.4, 6.2, 1.7, -3.8, 4.5, 7.3, -1.2).
 *
 * Global minimum 0 at x = s (the first sum is 0 only at z = 0). Unimodal,
 * but the quartic term makes f reach about 4e8 at the box's corners. The textbook
 * function has its minimum at the origin, near the centre 2.5 of the usual
 * box and on its grid; the shift is an arbitrary fixed choice of this
 * project.
 * Source: the form and box of the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/zakharov.html), after V. V. Zakharov. */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define ZAKHAROV8_DIM 8u

static const double zakharov8_shift[ZAKHAROV8_DIM] = {3.1, -2.4, 6.2, 1.7, -3.8, 4.5, 7.3, -1.2};

static double zakharov8_value(const double *x, size_t source)
{
    (void)source;
    double squares = 0.0, weighted = 0.0;
    for (size_t j = 0; j < ZAKHAROV8_DIM; j++) {
        double z = x[j] - zakharov8_shift[j];
        squares += z * z;
        weighted += 0.5 * (double)(j + 1) * z;
    }
    double w2 = weighted * weighted;
    return squares + w2 + w2 * w2;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("zakharov8", ZAKHAROV8_DIM),
    .value = zakharov8_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
