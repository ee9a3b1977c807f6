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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define PARK_DIM 4u
#define PARK_SOURCES 2u
#define PARK_PI 3.14159265358979323846

static const char *const park_source_names[PARK_SOURCES] = {"HF", "LF"};

typedef struct park_state {
    size_t n_sources;
    double noise_sd[PARK_SOURCES];
    uint64_t seed;
} park_state;

static uint64_t park_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double park_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = park_mix(seed);
    h = park_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = park_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(park_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * PARK_PI * u2);
}

static int park_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int park_parse_seed(const char *text, uint64_t *out)
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
 * the source NAME; PARK_SOURCES when the key is not a noise key. */
static size_t park_noise_key(const char *key)
{
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0)
        return PARK_SOURCES;
    for (size_t s = 0; s < PARK_SOURCES; s++)
        if (strcmp(key + 9, park_source_names[s]) == 0)
            return s;
    return PARK_SOURCES;
}

static int park_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != PARK_DIM) {
        snprintf(err, errlen, "park_mf: needs %u inputs (x1 x2 x3 x4), "
                 "the config has %zu", PARK_DIM, dim);
        return 1;
    }
    if (n_sources > PARK_SOURCES) {
        snprintf(err, errlen, "park_mf: provides %u sources (HF LF), "
                 "the config has %zu", PARK_SOURCES, n_sources);
        return 1;
    }
    park_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = park_noise_key(key);
        if (source < PARK_SOURCES) {
            if (park_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "park_mf: %s: expected a number >= 0, got '%s'",
                         key, value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (park_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "park_mf: seed: expected an unsigned integer, "
                         "got '%s'", value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "park_mf: unknown param '%s' (known: noise_sd, "
                     "noise_sd_HF ... noise_sd_LF, seed)", key);
            return 1;
        }
    }
    park_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "park_mf: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static int park_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    const park_state *s = state;
    if (s == NULL || dim != PARK_DIM || source >= s->n_sources) {
        snprintf(err, errlen, "park_mf: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
    const double x1 = x[0], x2 = x[1], x3 = x[2], x4 = x[3];
    double f = 0.5 * (sqrt(x1 * x1 + (x2 + x3 * x3) * x4) - x1) +
               (x1 + 3.0 * x4) * exp(1.0 + sin(x3));
    if (source == 1)
        f = (1.0 + sin(x1) / 10.0) * f - 2.0 * x1 + x2 * x2 + x3 * x3 + 0.5;
    if (s->noise_sd[source] > 0.0)
        f += s->noise_sd[source] * park_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void park_fini(void *state)
{
    free(state);
}

static const bo_plugin park_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "park_mf",
    .dim = PARK_DIM,
    .n_sources = PARK_SOURCES,
    .init = park_init,
    .evaluate = park_evaluate,
    .fini = park_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &park_plugin;
}
