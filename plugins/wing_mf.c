/* Four-source Wing weight function (light aircraft wing weight), 10 inputs,
 * as used in the GP+ / latent-map GP multi-fidelity studies.
 *
 * Inputs, in this order, with the standard bounds (Lambda in degrees):
 *   Sw [150, 200]    wing area (ft^2)          Wfw [220, 300]  fuel weight (lb)
 *   A [6, 10]        aspect ratio              Lambda [-10, 10] quarter-chord sweep
 *   q [16, 45]       dynamic pressure          taper [0.5, 1]  taper ratio
 *   tc [0.08, 0.18]  thickness to chord        Nz [2.5, 6]     ultimate load factor
 *   Wdg [1700, 2500] design gross weight (lb)  Wp [0.025, 0.08] paint weight (lb/ft^2)
 * With
 *   W(e) = 0.036 Sw^e Wfw^0.0035 (A / cos^2 Lambda)^0.6 q^0.006 taper^0.04
 *          (100 tc / cos Lambda)^-0.3 (Nz Wdg)^0.49
 * the sources, in the fixed order HF, LF1, LF2, LF3, are
 *   HF = W(0.758) + Sw Wp,  LF1 = W(0.758) + Wp,  LF2 = W(0.8) + Wp,  LF3 = W(0.9).
 * Costs used with it: 1000/100/10/1.
 * HF minimum 123.25367170 at (150, 220, 6, 0, 16, 0.5, 0.18, 2.5, 1700,
 * 0.025): every factor is monotone over the box and the two cos Lambda
 * factors combine to (cos Lambda)^-0.9, smallest at Lambda = 0.
 * Source: HF from A. Forrester, A. Sobester and A. Keane, "Engineering Design
 * via Surrogate Modelling", Wiley 2008 (bounds as there and in the Virtual
 * Library of Simulation Experiments, https://www.sfu.ca/~ssurjano/wingweight.html);
 * the low-fidelity forms from J. Eweis-Labolle, N. Oune, R. Bostanabad,
 * "Data fusion with latent map Gaussian processes", J. Mech. Des. 144(9),
 * 2022, also used by GP+ (A. Yousefpour et al., 2023). GP+'s emulation
 * study adds noise with sd 0.5/1/1.5/2 to HF/LF1/LF2/LF3.
 *
 * Params:
 *   noise_sd           sd of Gaussian noise added to HF, >= 0 (default 0)
 *   noise_sd_<SOURCE>  sd for one source by name (noise_sd_HF ... noise_sd_LF3), default 0
 *   seed               unsigned integer selecting the noise realisation
 * The noise is a pure function of (x, source, seed): a standard normal drawn
 * by Box-Muller from a splitmix64 hash of the seed, the source index and the
 * bit patterns of x, so the same run gives the same history. */
#include <math.h>
#include <stddef.h>

#include "plugins/bench_plugin.h"

static const char *const wing_source_names[] = {"HF", "LF1", "LF2", "LF3"};

/* The weight without the paint term, W(e) in the comment above. */
static double wing_structure(const double *x, double e)
{
    const double sw = x[0], wfw = x[1], a = x[2], q = x[4];
    const double taper = x[5], tc = x[6], nz = x[7], wdg = x[8];
    const double c = cos(x[3] * BO_BENCH_PI / 180.0);
    return 0.036 * pow(sw, e) * pow(wfw, 0.0035) * pow(a / (c * c), 0.6) * pow(q, 0.006) *
           pow(taper, 0.04) * pow(100.0 * tc / c, -0.3) * pow(nz * wdg, 0.49);
}

static double wing_value(const double *x, size_t source)
{
    const double sw = x[0], wp = x[9];
    switch (source) {
    case 0:
        return wing_structure(x, 0.758) + sw * wp;
    case 1:
        return wing_structure(x, 0.758) + wp;
    case 2:
        return wing_structure(x, 0.8) + wp;
    default:
        return wing_structure(x, 0.9);
    }
}

static const bench_function bench_this_function = {
    .plugin = BO_BENCH_NOISY_PLUGIN("wing_mf", 10, 4),
    .input_names = "Sw Wfw A Lambda q taper tc Nz Wdg Wp",
    .source_names = wing_source_names,
    .value = wing_value,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
