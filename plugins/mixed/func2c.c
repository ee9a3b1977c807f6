/* Func2C (Ru et al., "Bayesian optimisation over multiple continuous and
 * categorical inputs", ICML 2020): two categorical inputs of 3 and 5
 * levels each choose a term -- Rosenbrock / 300, six-hump camel / 10 or
 * Beale / 50, the second input's levels 2, 3 and 4 all Beale -- over two
 * real inputs x1, x2 in [-1, 1] (scaled by 2); the value is the sum of the
 * two terms. Minimum 2 (-1.0316285) / 10 at levels (1, 1), x = (-0.0449,
 * 0.3563) or (0.0449, -0.3563).
 *
 * Inputs, in config order:
 *   encoding: levels (default)  h1 {3 levels}, h2 {5 levels}, x1, x2
 *   encoding: onehot            h1_1..h1_3, h2_1..h2_5, x1, x2
 * With onehot each categorical input is that many real inputs in [0, 1] and
 * the level is the largest of them (the first on a tie). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plugins/mixed/mixed_plugin.h"

static double term(int which, double u1, double u2)
{
    if (which == 0)
        return (100.0 * (u2 - u1 * u1) * (u2 - u1 * u1) + (u1 - 1.0) * (u1 - 1.0)) / 300.0;
    if (which == 1)
        return ((4.0 - 2.1 * u1 * u1 + u1 * u1 * u1 * u1 / 3.0) * u1 * u1 + u1 * u2 +
                (-4.0 + 4.0 * u2 * u2) * u2 * u2) /
               10.0;
    double a = 1.5 - u1 + u1 * u2, b = 2.25 - u1 + u1 * u2 * u2,
           c = 2.625 - u1 + u1 * u2 * u2 * u2;
    return (a * a + b * b + c * c) / 50.0;
}

static int init(void **state, const bo_plugin_param *params, size_t n_params, size_t dim,
                size_t n_sources, char *err, size_t errlen)
{
    (void)n_sources;
    return mixed_init("func2c", 4, 10, state, params, n_params, dim, err, errlen);
}

static int evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                    char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    int h1, h2;
    double u1, u2;
    if (*(int *)state) {
        h1 = mixed_argmax(x, 3);
        h2 = mixed_argmax(x + 3, 5);
        u1 = 2.0 * x[8];
        u2 = 2.0 * x[9];
    } else {
        if (!(x[0] >= 0 && x[0] <= 2 && x[0] == floor(x[0]) && x[1] >= 0 && x[1] <= 4 &&
              x[1] == floor(x[1]))) {
            snprintf(err, errlen, "func2c: (%g, %g) are not level indices", x[0], x[1]);
            return 1;
        }
        h1 = (int)x[0];
        h2 = (int)x[1];
        u1 = 2.0 * x[2];
        u2 = 2.0 * x[3];
    }
    *y = term(h1, u1, u2) + term(h2 < 2 ? h2 : 2, u1, u2);
    return 0;
}

static const bo_plugin func2c_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "func2c",
    .init = init,
    .evaluate = evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &func2c_plugin;
}
