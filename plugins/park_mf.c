/* Two-source Park (1991) function, 4 inputs in [0, 1]^4. Maximise it.
 *
 *   HF(x) = x1 / 2 [sqrt(1 + (x2 + x3^2) x4 / x1^2) - 1] + (x1 + 3 x4) exp(1 + sin x3)
 *   LF(x) = (1 + sin(x1) / 10) HF(x) - 2 x1 + x2^2 + x3^2 + 0.5
 * Sources in the fixed order HF, LF; costs used with it 10 : 1.
 * The first term is evaluated as (sqrt(x1^2 + (x2 + x3^2) x4) - x1) / 2, the
 * same value for x1 > 0 and its limit at x1 = 0 (the published box is
 * [0, 1)^4, here closed).
 * The goal is to maximise, as in the multi-fidelity BO literature: HF's
 * maximum is 25.589254158607 at (1, 1, 1, 1). Its minimum, 0, is attained on
 * the whole face x1 = x4 = 0, where a relative tolerance is meaningless.
 * Source: HF from J.-S. Park, "Tuning complex computer codes to data and
 * optimal designs", PhD thesis, University of Illinois, 1991 (first
 * function); LF from S. Xiong, P. Qian and C. F. J. Wu, Technometrics 55(1),
 * 2013, as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/park91a.html, park91alc.html).
 *
 * Params:
 *   noise_sd           sd of Gaussian noise added to HF, >= 0 (default 0)
 *   noise_sd_<SOURCE>  sd for one source by name (noise_sd_HF, noise_sd_LF), default 0
 *   seed               unsigned integer selecting the noise realisation
 * The noise is a pure function of (x, source, seed): a standard normal drawn
 * by Box-Muller from a splitmix64 hash of the seed, the source index and the
 * bit patterns of x, so the same run gives the same history. */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

static const char *const park_source_names[] = {"HF", "LF"};

static double park_value(const double *x, size_t source)
{
    const double x1 = x[0], x2 = x[1], x3 = x[2], x4 = x[3];
    double f = 0.5 * (sqrt(x1 * x1 + (x2 + x3 * x3) * x4) - x1) +
               (x1 + 3.0 * x4) * exp(1.0 + sin(x3));
    if (source == 1)
        f = (1.0 + sin(x1) / 10.0) * f - 2.0 * x1 + x2 * x2 + x3 * x3 + 0.5;
    return f;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("park_mf", 4, 2),
    .input_names = "x1 x2 x3 x4",
    .source_names = park_source_names,
    .value = park_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
