/* A simulator that crashes in a region unknown to the optimiser: Branin or
 * Hartmann-6 whose evaluation fails (non-zero return with a message) inside
 * a hidden region covering a quarter of the box, with the global optimum
 * outside it. Used by the failure-model tests and scripts/failure-study.sh.
 *
 * params: problem: branin | hartmann6 (required).
 *   branin (x1 in [-5, 10], x2 in [0, 15]): fails inside the disk of radius
 *     4.23 around (0.5, 6.5), area 56.2 = 25.0 % of the box, entirely inside
 *     it; the minimum at (pi, 2.275) lies 0.75 outside its edge, the other
 *     two further away.
 *   hartmann6 ([0, 1]^6): fails in the slab 0.35 <= x1 < 0.60 (25 %), which
 *     holds the local minimum -3.2032 at x1 = 0.4047; the global minimum
 *     -3.32237 has x1 = 0.2017.
 * Branin and Hartmann-6 as in plugins/branin.c and plugins/hartmann6.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

typedef enum crash_problem { CRASH_BRANIN, CRASH_HARTMANN6 } crash_problem;

typedef struct crash_state {
    crash_problem problem;
} crash_state;

static int crash_init(void **state, const bo_plugin_param *params, size_t n_params, size_t dim,
                      size_t n_sources, char *err, size_t errlen)
{
    (void)n_sources;
    const char *problem = NULL;
    for (size_t i = 0; i < n_params; i++) {
        if (strcmp(params[i].key, "problem") != 0) {
            snprintf(err, errlen, "crash_region: unknown param '%s' (known: problem)",
                     params[i].key);
            return 1;
        }
        problem = params[i].value;
    }
    crash_state *s = malloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "crash_region: out of memory");
        return 1;
    }
    size_t want;
    if (problem && strcmp(problem, "branin") == 0) {
        s->problem = CRASH_BRANIN;
        want = 2;
    } else if (problem && strcmp(problem, "hartmann6") == 0) {
        s->problem = CRASH_HARTMANN6;
        want = 6;
    } else {
        snprintf(err, errlen, "crash_region: param problem must be branin or hartmann6, got '%s'",
                 problem ? problem : "(none)");
        free(s);
        return 1;
    }
    if (dim != want) {
        snprintf(err, errlen, "crash_region: %s takes %zu inputs, the config has %zu", problem,
                 want, dim);
        free(s);
        return 1;
    }
    *state = s;
    return 0;
}

static double branin(const double *x)
{
    const double pi = 3.14159265358979323846;
    const double b = 5.1 / (4.0 * pi * pi), c = 5.0 / pi, t = 1.0 / (8.0 * pi);
    double q = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    return q * q + 10.0 * (1.0 - t) * cos(x[0]) + 10.0;
}

static double hartmann6(const double *x)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double a[4][6] = {{10.0, 3.0, 17.0, 3.5, 1.7, 8.0},
                                   {0.05, 10.0, 17.0, 0.1, 8.0, 14.0},
                                   {3.0, 3.5, 1.7, 10.0, 17.0, 8.0},
                                   {17.0, 8.0, 0.05, 10.0, 0.1, 14.0}};
    static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = 0.0;
        for (int j = 0; j < 6; j++) {
            double d = x[j] - p[i][j];
            e += a[i][j] * d * d;
        }
        sum += alpha[i] * exp(-e);
    }
    return -sum;
}

static int crash_evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                          char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    const crash_state *s = state;
    if (s->problem == CRASH_BRANIN) {
        double u = (x[0] - 0.5) / 4.23, v = (x[1] - 6.5) / 4.23;
        if (u * u + v * v < 1.0) {
            snprintf(err, errlen, "crash_region: the mesh broke at (%g, %g)", x[0], x[1]);
            return 1;
        }
        *y = branin(x);
        return 0;
    }
    if (x[0] >= 0.35 && x[0] < 0.60) {
        snprintf(err, errlen, "crash_region: the solver diverged at x1 = %g", x[0]);
        return 1;
    }
    *y = hartmann6(x);
    return 0;
}

static void crash_fini(void *state)
{
    free(state);
}

static const bo_plugin crash_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "crash_region",
    .dim = 0,
    .n_sources = 1,
    .init = crash_init,
    .evaluate = crash_evaluate,
    .fini = crash_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &crash_plugin;
}
