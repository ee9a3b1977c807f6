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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define CURRIN_DIM 2u
#define CURRIN_SOURCES 2u
#define CURRIN_PI 3.14159265358979323846

static const char *const currin_source_names[CURRIN_SOURCES] = {"HF", "LF"};

typedef struct currin_state {
    size_t n_sources;
    double noise_sd[CURRIN_SOURCES];
    uint64_t seed;
} currin_state;

static uint64_t currin_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double currin_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = currin_mix(seed);
    h = currin_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = currin_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(currin_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * CURRIN_PI * u2);
}

static int currin_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int currin_parse_seed(const char *text, uint64_t *out)
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
 * the source NAME; CURRIN_SOURCES when the key is not a noise key. */
static size_t currin_noise_key(const char *key)
{
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0)
        return CURRIN_SOURCES;
    for (size_t s = 0; s < CURRIN_SOURCES; s++)
        if (strcmp(key + 9, currin_source_names[s]) == 0)
            return s;
    return CURRIN_SOURCES;
}

static int currin_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != CURRIN_DIM) {
        snprintf(err, errlen, "currin_mf: needs %u inputs (x1 x2), "
                 "the config has %zu", CURRIN_DIM, dim);
        return 1;
    }
    if (n_sources > CURRIN_SOURCES) {
        snprintf(err, errlen, "currin_mf: provides %u sources (HF LF), "
                 "the config has %zu", CURRIN_SOURCES, n_sources);
        return 1;
    }
    currin_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = currin_noise_key(key);
        if (source < CURRIN_SOURCES) {
            if (currin_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "currin_mf: %s: expected a number >= 0, got '%s'",
                         key, value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (currin_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "currin_mf: seed: expected an unsigned integer, "
                         "got '%s'", value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "currin_mf: unknown param '%s' (known: noise_sd, "
                     "noise_sd_HF ... noise_sd_LF, seed)", key);
            return 1;
        }
    }
    currin_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "currin_mf: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static double currin_high(double x1, double x2)
{
    /* 1 - exp(-1 / (2 x2)) tends to 1 as x2 -> 0+; evaluate the limit there
     * instead of dividing by zero. */
    double bracket = x2 > 0.0 ? 1.0 - exp(-1.0 / (2.0 * x2)) : 1.0;
    double num = ((2300.0 * x1 + 1900.0) * x1 + 2092.0) * x1 + 60.0;
    double den = ((100.0 * x1 + 500.0) * x1 + 4.0) * x1 + 20.0;
    return bracket * num / den;
}

static int currin_evaluate(void *state, const double *x, size_t dim, size_t source,
                           double *y, char *err, size_t errlen)
{
    const currin_state *s = state;
    if (s == NULL || dim != CURRIN_DIM || source >= s->n_sources) {
        snprintf(err, errlen, "currin_mf: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
    const double d = 0.05;
    double f;
    if (source == 0) {
        f = currin_high(x[0], x[1]);
    } else {
        double below = fmax(0.0, x[1] - d);
        f = 0.25 * (currin_high(x[0] + d, x[1] + d) + currin_high(x[0] + d, below) +
                    currin_high(x[0] - d, x[1] + d) + currin_high(x[0] - d, below));
    }
    if (s->noise_sd[source] > 0.0)
        f += s->noise_sd[source] * currin_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void currin_fini(void *state)
{
    free(state);
}

static const bo_plugin currin_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "currin_mf",
    .dim = CURRIN_DIM,
    .n_sources = CURRIN_SOURCES,
    .init = currin_init,
    .evaluate = currin_evaluate,
    .fini = currin_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &currin_plugin;
}
