/* Hartmann 3-D function, single fidelity, on [0, 1]^3.
 *
 *   f(x) = - sum_{i=1..4} alpha_i exp(- sum_{j=1..3} A_ij (x_j - P_ij)^2)
 *   alpha = (1.0, 1.2, 3.0, 3.2)
 *   A = [3 10 30; 0.1 10 35; 3 10 30; 0.1 10 35]
 *   P = 1e-4 [3689 1170 2673; 4699 4387 7470; 1091 8732 5547; 381 5743 8828]
 *
 * Global minimum -3.86278 at (0.114614, 0.555649, 0.852547) (literature
 * digits; a local refinement gives -3.8627797873 at (0.1145889, 0.5556489,
 * 0.8525470), the point tabulated in bo/report/benchmarks.c).
 * Source: L. C. W. Dixon and G. P. Szego (eds.), "Towards Global
 * Optimisation 2", North-Holland, 1978; constants as listed in the Virtual
 * Library of Simulation Experiments (https://www.sfu.ca/~ssurjano/hart3.html). */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

#define HARTMANN3_DIM 3u

static const double hartmann3_alpha[4] = {1.0, 1.2, 3.0, 3.2};
static const double hartmann3_a[4][3] = {
    {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}, {3.0, 10.0, 30.0}, {0.1, 10.0, 35.0}};
static const double hartmann3_p[4][3] = {
    {0.3689, 0.1170, 0.2673},
    {0.4699, 0.4387, 0.7470},
    {0.1091, 0.8732, 0.5547},
    {0.0381, 0.5743, 0.8828}};

static double hartmann3_value(const double *x, size_t source)
{
    (void)source;
    double sum = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = 0.0;
        for (int j = 0; j < 3; j++) {
            double d = x[j] - hartmann3_p[i][j];
            e += hartmann3_a[i][j] * d * d;
        }
        sum += hartmann3_alpha[i] * exp(-e);
    }
    return -sum;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_DETERMINISTIC_PLUGIN("hartmann3", HARTMANN3_DIM),
    .value = hartmann3_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
