/* Gardner et al.'s constrained toy problem, 2 inputs, one constraint.
 *
 *   minimise f(x) = cos(2 x1) cos(x2) + sin(x1)
 *   subject to c(x) = cos(x1) cos(x2) - sin(x1) sin(x2) <= 0.5
 *   x1, x2 in [0, 6]
 *
 * c = cos(x1 + x2), so the feasible set is the union of bands where
 * x1 + x2 lies in [pi/3, 5pi/3] or [7pi/3, 11pi/3], about 60% of the box.
 * Minimum -2 at (3 pi / 2, 0), where c = 0 (inside, not on, the bound): the
 * constraint shapes the feasible set but the constrained and unconstrained
 * minima of the box coincide; infeasible points reach f = -1.9 and below
 * only near it. Verified by a dense grid and a constrained local search in
 * tests/test_constrained_benchmarks.c.
 * Source: J. R. Gardner, M. J. Kusner, Z. Xu, K. Q. Weinberger and
 * J. P. Cunningham, "Bayesian Optimization with Inequality Constraints",
 * ICML 2014, section 5 (the simulated problem). Param: penalty (see
 * plugins/constrained_plugin.h). */
#include <math.h>

#include "plugins/constrained_plugin.h"

static double gardner_value(const double *x, double *c)
{
    c[0] = cos(x[0]) * cos(x[1]) - sin(x[0]) * sin(x[1]);
    return cos(2.0 * x[0]) * cos(x[1]) + sin(x[0]);
}

static const char *const gardner_outputs[] = {"c1"};
static const double gardner_upper[] = {0.5};

static const constrained_function constrained_this = {
    .plugin = BO_CONSTRAINED_PLUGIN("gardner_toy", 2, 1, gardner_outputs),
    .upper = gardner_upper,
    .value = gardner_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &constrained_this.plugin;
}
