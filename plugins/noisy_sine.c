/* A noisy 1-D sine: sin(x) + sin(10 x / 3) + noise_sd * eps on [2.7, 7.5],
 * single fidelity.
 *
 * Noise-free minimum -1.8995993491 at x = 5.1457352916 (two other local
 * minima in the box). The noise-free function is problem 02 of A. Gavana's
 * univariate global optimisation benchmarks
 * (http://infinity77.net/global_optimization/test_functions_1d.html),
 * taken there from P. Hansen, B. Jaumard and S.-H. Lu, "Global optimization
 * of univariate Lipschitz functions: II", Math. Programming 55, 1992.
 *
 * Params:
 *   noise_sd  standard deviation of the Gaussian noise, >= 0 (default 0.1)
 *   seed      unsigned integer selecting the noise realisation (default 0)
 *
 * The noise is a pure function of (x, source, seed): eps is a standard normal
 * drawn by Box-Muller from a splitmix64 hash of the seed, the source index and
 * the bit patterns of x. So rerunning a run (or resuming it, or evaluating in
 * a child process) gives the same history, while a repeated x gets the same
 * value rather than a fresh draw. Change `seed` to get another realisation. */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

static double noisy_sine_value(const double *x, size_t source)
{
    (void)source;
    return sin(x[0]) + sin(10.0 * x[0] / 3.0);
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("noisy_sine", 1, 1),
    .default_noise_sd = 0.1,
    .value = noisy_sine_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
