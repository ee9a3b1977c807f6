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
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define NOISY_SINE_DIM 1u
#define NOISY_SINE_PI 3.14159265358979323846

typedef struct noisy_sine_state {
    double noise_sd;
    uint64_t seed;
} noisy_sine_state;

static uint64_t noisy_sine_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double noisy_sine_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = noisy_sine_mix(seed);
    h = noisy_sine_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = noisy_sine_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(noisy_sine_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * NOISY_SINE_PI * u2);
}

static int noisy_sine_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

static int noisy_sine_parse_seed(const char *text, uint64_t *out)
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

static int noisy_sine_init(void **state, const bo_plugin_param *params, size_t n_params,
                           size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    if (dim != NOISY_SINE_DIM) {
        snprintf(err, errlen, "noisy_sine: needs %u input, the config has %zu",
                 NOISY_SINE_DIM, dim);
        return 1;
    }
    if (n_sources > 1) {
        snprintf(err, errlen, "noisy_sine: single fidelity, the config has %zu sources",
                 n_sources);
        return 1;
    }
    noisy_sine_state config = {.noise_sd = 0.1, .seed = 0};
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        if (strcmp(key, "noise_sd") == 0) {
            if (noisy_sine_parse_sd(value, &config.noise_sd) != 0) {
                snprintf(err, errlen, "noisy_sine: noise_sd: expected a number >= 0, got '%s'",
                         value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (noisy_sine_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "noisy_sine: seed: expected an unsigned integer, got '%s'",
                         value);
                return 1;
            }
        } else {
            snprintf(err, errlen, "noisy_sine: unknown param '%s' (known: noise_sd, seed)", key);
            return 1;
        }
    }
    noisy_sine_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "noisy_sine: out of memory");
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static int noisy_sine_evaluate(void *state, const double *x, size_t dim, size_t source,
                               double *y, char *err, size_t errlen)
{
    const noisy_sine_state *s = state;
    if (s == NULL || dim != NOISY_SINE_DIM || source != 0) {
        snprintf(err, errlen, "noisy_sine: called with %zu inputs and source %zu%s", dim,
                 source, s == NULL ? " before init" : "");
        return 1;
    }
    double f = sin(x[0]) + sin(10.0 * x[0] / 3.0);
    if (s->noise_sd > 0.0)
        f += s->noise_sd * noisy_sine_normal(s->seed, source, x, dim);
    *y = f;
    return 0;
}

static void noisy_sine_fini(void *state)
{
    free(state);
}

static const bo_plugin noisy_sine_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "noisy_sine",
    .dim = NOISY_SINE_DIM,
    .n_sources = 1,
    .init = noisy_sine_init,
    .evaluate = noisy_sine_evaluate,
    .fini = noisy_sine_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &noisy_sine_plugin;
}
