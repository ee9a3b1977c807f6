/* Ackley function in 20 dimensions with its optimum moved off the box
 * centre, single fidelity, on [-32.768, 32.768]^20.
 *
 *   f(x) = -a exp(-b sqrt(mean_j z_j^2)) - exp(mean_j cos(c z_j)) + a + e,
 *   z = x - s,  a = 20, b = 0.2, c = 2 pi,
 *   s = (6.4, -11.7, 3.1, 17.9, -4.6, -21.3, 9.8, -2.5, 13.2, -15.6,
 *        24.1, -7.9, 1.4, -26.2, 11.5, -18.4, 4.7, 20.6, -9.3, 15.8).
 *
 * Global minimum 0 at x = s. The first ten shifts are plugins/ackley10.c's;
 * the shift is an arbitrary fixed choice of this project that moves the
 * minimum away from the box centre, where the textbook function has it.
 * Source: D. H. Ackley, "A connectionist machine for genetic hillclimbing",
 * Kluwer, 1987; constants a, b, c as in the Virtual Library of Simulation
 * Experiments (https://www.sfu.ca/~ssurjano/ackley.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define ACKLEY20_DIM 20u

static const double ackley20_shift[ACKLEY20_DIM] = {
    6.4,  -11.7, 3.1, 17.9,  -4.6, -21.3, 9.8, -2.5, 13.2, -15.6,
    24.1, -7.9,  1.4, -26.2, 11.5, -18.4, 4.7, 20.6, -9.3, 15.8};

static double ackley20_value(const double *x, size_t source)
{
    (void)source;
    return bench_ackley_shifted(x, ackley20_shift, ACKLEY20_DIM);
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("ackley20", ACKLEY20_DIM),
    .value = ackley20_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
