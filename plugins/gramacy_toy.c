/* Gramacy et al.'s constrained toy problem, 2 inputs, two constraints.
 *
 *   minimise f(x) = x1 + x2
 *   subject to c1(x) = 1.5 - x1 - 2 x2 - 0.5 sin(2 pi (x1^2 - 2 x2)) <= 0
 *              c2(x) = x1^2 + x2^2 - 1.5 <= 0
 *   x1, x2 in [0, 1]
 *
 * The objective is linear, so the answer is decided by the constraints: the
 * minimum 0.59978805201006870 lies on c1 = 0 at (0.19512268864308935,
 * 0.40466536336697940) (about 0.5998 in the paper); c2 is inactive there.
 * Feasible: about 46% of the box, in several pieces. Verified by a dense grid
 * and a constrained local search in tests/test_constrained_benchmarks.c.
 * Source: R. B. Gramacy, G. A. Gray, S. Le Digabel, H. K. H. Lee, P. Ranjan,
 * G. Wells and S. M. Wild, "Modeling an Augmented Lagrangian for Blackbox
 * Constrained Optimization", Technometrics 58(1), 2016, section 4.1 (the toy
 * problem). Param: penalty (see plugins/constrained_plugin.h). */
#include <math.h>

#include "plugins/constrained_plugin.h"

static double gramacy_value(const double *x, double *c)
{
    const double two_pi = 6.283185307179586476925;
    c[0] = 1.5 - x[0] - 2.0 * x[1] - 0.5 * sin(two_pi * (x[0] * x[0] - 2.0 * x[1]));
    c[1] = x[0] * x[0] + x[1] * x[1] - 1.5;
    return x[0] + x[1];
}

static const char *const gramacy_outputs[] = {"c1", "c2"};
static const double gramacy_upper[] = {0.0, 0.0};

static const constrained_function constrained_this = {
    .plugin = BO_CONSTRAINED_PLUGIN("gramacy_toy", 2, 2, gramacy_outputs),
    .upper = gramacy_upper,
    .value = gramacy_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &constrained_this.plugin;
}
