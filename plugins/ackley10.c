/* Ackley function in 10 dimensions with its optimum moved off the box
 * centre, single fidelity, on [-32.768, 32.768]^10.
 *
 *   f(x) = -a exp(-b sqrt(mean_j z_j^2)) - exp(mean_j cos(c z_j)) + a + e,
 *   z = x - s,  a = 20, b = 0.2, c = 2 pi,
 *   s = (6.4, -11.7, 3.1, 17.9, -4.6, -21.3, 9.8, -2.5, 13.2, -15.6).
 *
 * Global minimum 0 at x = s. As in plugins/ackley5.c (whose shift is the
 * first five of these), the shift is an arbitrary fixed choice of this
 * project that moves the minimum away from the box centre, where the
 * textbook function has it, and off the integer grid of its local minima.
 * Source: D. H. Ackley, "A connectionist machine for genetic hillclimbing",
 * Kluwer, 1987; constants a, b, c as in the Virtual Library of Simulation
 * Experiments (https://www.sfu.ca/~ssurjano/ackley.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define ACKLEY10_DIM 10u

static const double ackley10_shift[ACKLEY10_DIM] = {6.4,   -11.7, 3.1,  17.9, -4.6,
                                                    -21.3, 9.8,   -2.5, 13.2, -15.6};

static double ackley10_value(const double *x, size_t source)
{
    (void)source;
    return bench_ackley_shifted(x, ackley10_shift, ACKLEY10_DIM);
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("ackley10", ACKLEY10_DIM),
    .value = ackley10_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
