/* Rastrigin function in 4 dimensions with its optimum moved off the box
 * centre, single fidelity, on [-5.12, 5.12]^4.
 *
 *   f(x) = 10 d + sum_j (z_j^2 - 10 cos(2 pi z_j)),  z = x - s,
 *   s = (1.3, -2.1, 0.7, 2.6).
 *
 * Global minimum 0 at x = s (every term is >= 0 and is 0 only at z_j = 0).
 * The textbook function has its minimum at the centre of the box, where a
 * space-filling design lands close by chance; the shift is an arbitrary
 * fixed choice of this project, not integer, so the grid of local minima is
 * not the box's integer grid either.
 * Source: L. A. Rastrigin, "Systems of extremal control", Nauka, 1974, in the
 * d-variate form of H. Muehlenbein et al., Parallel Computing 17, 1991; box
 * as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/rastr.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define RASTRIGIN4_DIM 4u

static const double rastrigin4_shift[RASTRIGIN4_DIM] = {1.3, -2.1, 0.7, 2.6};

static double rastrigin4_value(const double *x, size_t source)
{
    (void)source;
    double sum = 10.0 * (double)RASTRIGIN4_DIM;
    for (size_t j = 0; j < RASTRIGIN4_DIM; j++) {
        double z = x[j] - rastrigin4_shift[j];
        sum += z * z - 10.0 * cos(2.0 * BO_BENCH_PI * z);
    }
    return sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("rastrigin4", RASTRIGIN4_DIM),
    .value = rastrigin4_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
