/* Two-source Currin exponential function, 2 inputs in [0, 1]^2. Maximise it.
 *
 *   HF(x1, x2) = [1 - exp(-1 / (2 x2))]
 *                (2300 x1^3 + 1900 x1^2 + 2092 x1 + 60) / (100 x1^3 + 500 x1^2 + 4 x1 + 20)
 *   (at x2 = 0 the bracket is its limit, 1)
 *   LF(x1, x2) = [HF(x1 + d, x2 + d) + HF(x1 + d, max(0, x2 - d))
 *               + HF(x1 - d, x2 + d) + HF(x1 - d, max(0, x2 - d))] / 4,  d = 0.05
 * Sources in the fixed order HF, LF; costs used with it 10 : 1.
 * The goal is to maximise, as in the multi-fidelity BO literature: HF's
 * maximum is 13.798722044728 at (13/60, 0) (the rational factor's maximiser,
 * on the edge x2 = 0). Its minimum 3 (1 - exp(-1/2)) sits in the corner
 * (0, 1), too easy to be a benchmark.
 * Source: HF from C. Currin, T. Mitchell, M. Morris and D. Ylvisaker,
 * "Bayesian prediction of deterministic functions...", JASA 86(416), 1991;
 * LF from S. Xiong, P. Qian and C. F. J. Wu, "Sequential design and analysis
 * of high-accuracy and low-accuracy computer codes", Technometrics 55(1),
 * 2013, as in the Virtual Library of Simulation Experiments
 * (https://www.sfu.ca/~ssurjano/curretal88explc.html). Some libraries clip
 * all four shifted points to the unit square; this plugin uses the published
 * form, which clips only x2 - d at 0 (x1 +- d may leave [0, 1]; the rational
 * factor is smooth there).
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

static const char *const currin_source_names[] = {"HF", "LF"};

static double currin_high(double x1, double x2)
{
    /* 1 - exp(-1 / (2 x2)) tends to 1 as x2 -> 0+; evaluate the limit there
     * instead of dividing by zero. */
    double bracket = x2 > 0.0 ? 1.0 - exp(-1.0 / (2.0 * x2)) : 1.0;
    double num = ((2300.0 * x1 + 1900.0) * x1 + 2092.0) * x1 + 60.0;
    double den = ((100.0 * x1 + 500.0) * x1 + 4.0) * x1 + 20.0;
    return bracket * num / den;
}

static double currin_value(const double *x, size_t source)
{
    const double d = 0.05;
    if (source == 0)
        return currin_high(x[0], x[1]);
    double below = fmax(0.0, x[1] - d);
    return 0.25 * (currin_high(x[0] + d, x[1] + d) + currin_high(x[0] + d, below) +
                   currin_high(x[0] - d, x[1] + d) + currin_high(x[0] - d, below));
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("currin_mf", 2, 2),
    .input_names = "x1 x2",
    .source_names = currin_source_names,
    .value = currin_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
