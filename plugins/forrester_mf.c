/* Two-source Forrester function, 1 input x in [0, 1].
 *
 *   HF(x) = (6 x - 2)^2 sin(12 x - 4)
 *   LF(x) = 0.5 HF(x) + 10 (x - 0.5) - 5
 * Sources in the fixed order HF, LF; costs used with it 5 : 1.
 * HF minimum -6.0207400557670825 at x = 0.7572487585; HF has a local
 * minimum -0.986 near x = 0.1426, and the LF's minimum (-9.33 near x = 0.092)
 * lies by that local one rather than the global one: a misleading cheap
 * source, which is what makes the pair a useful test.
 * Source: A. Forrester, A. Sobester and A. Keane, "Multi-fidelity
 * optimization via surrogate modelling", Proc. R. Soc. A 463, 2007, and
 * "Engineering Design via Surrogate Modelling", Wiley 2008. Published forms
 * of the LF disagree on the constant: the book writes A HF + B (x - 0.5) - C
 * with C = -5, i.e. "+ 5", and several libraries follow; others write "- 5".
 * This plugin uses "- 5". The constant shifts the LF without changing its
 * shape, so it only changes the bias a multi-fidelity model must learn.
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

static const char *const forrester_source_names[] = {"HF", "LF"};

static double forrester_value(const double *x, size_t source)
{
    const double t = 6.0 * x[0] - 2.0;
    double f = t * t * sin(12.0 * x[0] - 4.0);
    if (source == 1)
        f = 0.5 * f + 10.0 * (x[0] - 0.5) - 5.0;
    return f;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("forrester_mf", 1, 2),
    .input_names = "x",
    .source_names = forrester_source_names,
    .value = forrester_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
