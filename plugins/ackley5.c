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
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define ACKLEY5_DIM 5u

static const double ackley5_shift[ACKLEY5_DIM] = {6.4, -11.7, 3.1, 17.9, -4.6};

static double ackley5_value(const double *x, size_t source)
{
    (void)source;
    return bench_ackley_shifted(x, ackley5_shift, ACKLEY5_DIM);
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("ackley5", ACKLEY5_DIM),
    .value = ackley5_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
