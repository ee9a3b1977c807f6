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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define FORRESTER_DIM 1u
#define FORRESTER_SOURCES 2u
#define FORRESTER_PI 3.14159265358979323846

static const char *const forrester_source_names[FORRESTER_SOURCES] = {"HF", "LF"};

typedef struct forrester_state {
    size_t n_sources;
    double noise_sd[FORRESTER_SOURCES];
    uint64_t seed;
} forrester_state;

static uint64_t forrester_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double forrester_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = forrester_mix(seed);
    h = forrester_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = forrester_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(forrester_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * FORRESTER_PI * u2);
}

static int forrester_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int forrester_parse_seed(const char *text, uint64_t *out)
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
 * the source NAME; FORRESTER_SOURCES when the key is not a noise key. */
static size_t forrester_noise_key(const char *key)
{
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0)
        return FORRESTER_SOURCES;
    for (size_t s = 0; s < FORRESTER_SOURCES; s++)
        if (strcmp(key + 9, forrester_source_names[s]) == 0)
            return s;
    return FORRESTER_SOURCES;
}

static int forrester_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != FORRESTER_DIM) {
        snprintf(err, errlen, "forrester_mf: needs %u inputs (x), "
                 "the config has %zu", FORRESTER_DIM, dim);
        return 1;
    }
    if (n_sources > FORRESTER_SOURCES) {
        snprintf(err, errlen, "forrester_mf: provides %u sources (HF LF), "
                 "the config has %zu", FORRESTER_SOURCES, n_sources);
        return 1;
    }
    forrester_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = forrester_noise_key(key);
        if (source < FORRESTER_SOURCES) {
            if (forrester_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "forrester_mf: %s: expected a number >= 0, got '%s'",
                         key, value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (forrester_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "forrester_mf: seed: expected an unsigned integer, "
                         "got '%s'", value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "forrester_mf: unknown param '%s' (known: noise_sd, "
                     "noise_sd_HF ... noise_sd_LF, seed)", key);
            return 1;
        }
    }
    forrester_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "forrester_mf: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static int forrester_evaluate(void *state, const double *x, size_t dim, size_t source,
                              double *y, char *err, size_t errlen)
{
    const forrester_state *s = state;
    if (s == NULL || dim != FORRESTER_DIM || source >= s->n_sources) {
        snprintf(err, errlen, "forrester_mf: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
    const double t = 6.0 * x[0] - 2.0;
    double f = t * t * sin(12.0 * x[0] - 4.0);
    if (source == 1)
        f = 0.5 * f + 10.0 * (x[0] - 0.5) - 5.0;
    if (s->noise_sd[source] > 0.0)
        f += s->noise_sd[source] * forrester_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void forrester_fini(void *state)
{
    free(state);
}

static const bo_plugin forrester_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "forrester_mf",
    .dim = FORRESTER_DIM,
    .n_sources = FORRESTER_SOURCES,
    .init = forrester_init,
    .evaluate = forrester_evaluate,
    .fini = forrester_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &forrester_plugin;
}
