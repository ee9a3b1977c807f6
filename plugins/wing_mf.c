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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define WING_DIM 10u
#define WING_SOURCES 4u
#define WING_PI 3.14159265358979323846

static const char *const wing_source_names[WING_SOURCES] = {"HF", "LF1", "LF2", "LF3"};

typedef struct wing_state {
    size_t n_sources;
    double noise_sd[WING_SOURCES];
    uint64_t seed;
} wing_state;

static uint64_t wing_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double wing_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = wing_mix(seed);
    h = wing_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = wing_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(wing_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * WING_PI * u2);
}

static int wing_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int wing_parse_seed(const char *text, uint64_t *out)
{
    char *end;
    if (text[0] < '0' || text[0] > '9') /* strtoull would accept "-1" */
        return 1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0)
        return 1;
    *out = (uint64_t)v;
    return 0;
}

/* Index of the source a noise key names: "noise_sd" is HF, "noise_sd_NAME"
 * the source NAME; WING_SOURCES when the key is not a noise key. */
static size_t wing_noise_key(const char *key)
{
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0)
        return WING_SOURCES;
    for (size_t s = 0; s < WING_SOURCES; s++)
        if (strcmp(key + 9, wing_source_names[s]) == 0)
            return s;
    return WING_SOURCES;
}

static int wing_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != WING_DIM) {
        snprintf(err, errlen, "wing_mf: needs %u inputs (Sw Wfw A Lambda q taper tc Nz Wdg Wp), "
                 "the config has %zu", WING_DIM, dim);
        return 1;
    }
    if (n_sources > WING_SOURCES) {
        snprintf(err, errlen, "wing_mf: provides %u sources (HF LF1 LF2 LF3), "
                 "the config has %zu", WING_SOURCES, n_sources);
        return 1;
    }
    wing_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = wing_noise_key(key);
        if (source < WING_SOURCES) {
            if (wing_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "wing_mf: %s: expected a number >= 0, got '%s'",
                         key, value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (wing_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "wing_mf: seed: expected an unsigned integer, "
                         "got '%s'", value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "wing_mf: unknown param '%s' (known: noise_sd, "
                     "noise_sd_HF ... noise_sd_LF3, seed)", key);
            return 1;
        }
    }
    wing_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "wing_mf: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

/* The weight without the paint term, W(e) in the comment above. */
static double wing_structure(const double *x, double e)
{
    const double sw = x[0], wfw = x[1], a = x[2], q = x[4];
    const double taper = x[5], tc = x[6], nz = x[7], wdg = x[8];
    const double c = cos(x[3] * WING_PI / 180.0);
    return 0.036 * pow(sw, e) * pow(wfw, 0.0035) * pow(a / (c * c), 0.6) * pow(q, 0.006) *
           pow(taper, 0.04) * pow(100.0 * tc / c, -0.3) * pow(nz * wdg, 0.49);
}

static int wing_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    const wing_state *s = state;
    if (s == NULL || dim != WING_DIM || source >= s->n_sources) {
        snprintf(err, errlen, "wing_mf: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
    const double sw = x[0], wp = x[9];
    double f;
    switch (source) {
    case 0:
        f = wing_structure(x, 0.758) + sw * wp;
        break;
    case 1:
        f = wing_structure(x, 0.758) + wp;
        break;
    case 2:
        f = wing_structure(x, 0.8) + wp;
        break;
    default:
        f = wing_structure(x, 0.9);
        break;
    }
    if (s->noise_sd[source] > 0.0)
        f += s->noise_sd[source] * wing_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void wing_fini(void *state)
{
    free(state);
}

static const bo_plugin wing_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "wing_mf",
    .dim = WING_DIM,
    .n_sources = WING_SOURCES,
    .init = wing_init,
    .evaluate = wing_evaluate,
    .fini = wing_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &wing_plugin;
}
