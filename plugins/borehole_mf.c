/* Five-source Borehole function (water flow through a borehole), 8 inputs,
 * as used in the GP+ / latent-map GP multi-fidelity studies.
 *
 * Inputs, in this order, with bounds:
 *   Tu [100, 1000]   Hu [990, 1110]   Hl [700, 820]    r  [100, 10000]
 *   rw [0.05, 0.15]  Tl [10, 500]     L  [1000, 2000]  Kw [6000, 12000]
 * With l = ln(r / rw) and kappa = L Tu / (l rw^2 Kw), the sources, in the
 * fixed order HF, LF1, LF2, LF3, LF4, are
 *   HF  = 2 pi Tu (Hu - Hl)      / (l            (1 + 2 kappa + Tu / Tl))
 *   LF1 = 2 pi Tu (Hu - 0.8 Hl)  / (l            (1 +   kappa + Tu / Tl))
 *   LF2 = 2 pi Tu (Hu - Hl)      / (l            (1 + 8 kappa + 0.75 Tu / Tl))
 *   LF3 = 2 pi Tu (1.09 Hu - Hl) / (ln(4 r / rw) (1 + 3 kappa + Tu / Tl))
 *   LF4 = 2 pi Tu (1.05 Hu - Hl) / (ln(2 r / rw) (1 + 3 kappa + Tu / Tl))
 * (kappa always uses l = ln(r / rw)). Costs used with it: 1000/100/10/100/10.
 * HF minimum 3.98546 at (100, 990, 820, 10000, 0.05, 10, 2000, 6000): HF is
 * monotone in every input over this box, so the minimum is that corner.
 * Source: J. Eweis-Labolle, N. Oune, R. Bostanabad, "Data fusion with latent
 * map Gaussian processes", J. Mech. Des. 144(9), 2022, and A. Yousefpour et
 * al., "GP+: a Python library for kernel-based learning via Gaussian
 * processes", 2023; the HF form is the classic Borehole function of
 * W. V. Harper and S. K. Gupta (1983), on the reduced Tu and Tl ranges of
 * those studies rather than the classic [63070, 115600] and [63.1, 116].
 *
 * Params:
 *   noise_sd           sd of Gaussian noise added to HF, >= 0 (default 0;
 *                      GP+ uses 2)
 *   noise_sd_<SOURCE>  sd for one source by name (noise_sd_HF ... noise_sd_LF4),
 *                      default 0
 *   seed               unsigned integer selecting the noise realisation
 * The noise is a pure function of (x, source, seed): a standard normal drawn
 * by Box-Muller from a splitmix64 hash of the seed, the source index and the
 * bit patterns of x, so the same run gives the same history. */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

static const char *const borehole_source_names[] = {"HF", "LF1", "LF2", "LF3", "LF4"};

static double borehole_value(const double *x, size_t source)
{
    const double tu = x[0], hu = x[1], hl = x[2], r = x[3];
    const double rw = x[4], tl = x[5], len = x[6], kw = x[7];
    const double l = log(r / rw);
    const double kappa = len * tu / (l * rw * rw * kw);
    const double ratio = tu / tl;
    double head, denominator;
    switch (source) {
    case 0:
        head = hu - hl;
        denominator = l * (1.0 + 2.0 * kappa + ratio);
        break;
    case 1:
        head = hu - 0.8 * hl;
        denominator = l * (1.0 + kappa + ratio);
        break;
    case 2:
        head = hu - hl;
        denominator = l * (1.0 + 8.0 * kappa + 0.75 * ratio);
        break;
    case 3:
        head = 1.09 * hu - hl;
        denominator = log(4.0 * r / rw) * (1.0 + 3.0 * kappa + ratio);
        break;
    default:
        head = 1.05 * hu - hl;
        denominator = log(2.0 * r / rw) * (1.0 + 3.0 * kappa + ratio);
        break;
    }
    return 2.0 * BO_BENCH_PI * tu * head / denominator;
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("borehole_mf", 8, 5),
    .input_names = "Tu Hu Hl r rw Tl L Kw",
    .source_names = borehole_source_names,
    .value = borehole_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
