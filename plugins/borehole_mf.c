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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define BOREHOLE_DIM 8u
#define BOREHOLE_SOURCES 5u
#define BOREHOLE_PI 3.14159265358979323846

static const char *const borehole_source_names[BOREHOLE_SOURCES] = {"HF", "LF1", "LF2", "LF3",
                                                                   "LF4"};

typedef struct borehole_state {
    size_t n_sources;
    double noise_sd[BOREHOLE_SOURCES];
    uint64_t seed;
} borehole_state;

static uint64_t borehole_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double borehole_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = borehole_mix(seed);
    h = borehole_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = borehole_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(borehole_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * BOREHOLE_PI * u2);
}

static int borehole_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int borehole_parse_seed(const char *text, uint64_t *out)
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
 * the source NAME; BOREHOLE_SOURCES when the key is not a noise key. */
static size_t borehole_noise_key(const char *key)
{
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0)
        return BOREHOLE_SOURCES;
    for (size_t s = 0; s < BOREHOLE_SOURCES; s++)
        if (strcmp(key + 9, borehole_source_names[s]) == 0)
            return s;
    return BOREHOLE_SOURCES;
}

static int borehole_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != BOREHOLE_DIM) {
        snprintf(err, errlen, "borehole_mf: needs %u inputs (Tu Hu Hl r rw Tl L Kw), "
                 "the config has %zu", BOREHOLE_DIM, dim);
        return 1;
    }
    if (n_sources > BOREHOLE_SOURCES) {
        snprintf(err, errlen, "borehole_mf: provides %u sources (HF LF1 LF2 LF3 LF4), "
                 "the config has %zu", BOREHOLE_SOURCES, n_sources);
        return 1;
    }
    borehole_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = borehole_noise_key(key);
        if (source < BOREHOLE_SOURCES) {
            if (borehole_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "borehole_mf: %s: expected a number >= 0, got '%s'",
                         key, value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (borehole_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "borehole_mf: seed: expected an unsigned integer, "
                         "got '%s'", value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "borehole_mf: unknown param '%s' (known: noise_sd, "
                     "noise_sd_HF ... noise_sd_LF4, seed)", key);
            return 1;
        }
    }
    borehole_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "borehole_mf: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static int borehole_evaluate(void *state, const double *x, size_t dim, size_t source,
                             double *y, char *err, size_t errlen)
{
    const borehole_state *s = state;
    if (s == NULL || dim != BOREHOLE_DIM || source >= s->n_sources) {
        snprintf(err, errlen, "borehole_mf: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
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
    double f = 2.0 * BOREHOLE_PI * tu * head / denominator;
    if (s->noise_sd[source] > 0.0)
        f += s->noise_sd[source] * borehole_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void borehole_fini(void *state)
{
    free(state);
}

static const bo_plugin borehole_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "borehole_mf",
    .dim = BOREHOLE_DIM,
    .n_sources = BOREHOLE_SOURCES,
    .init = borehole_init,
    .evaluate = borehole_evaluate,
    .fini = borehole_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &borehole_plugin;
}
