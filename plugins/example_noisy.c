/* example_noisy.c: a noisy simulator that is reproducible per seed, through
 * the descriptor's evaluate_call member. y = sum_i (x_i - 0.5)^2 plus
 * Gaussian noise of sd `noise_sd` (param, default 0.1) drawn from the run's
 * seed and the evaluation's number: the same run gives the same noise, an
 * evaluation that --resume runs again gets the same draw, and another seed
 * gives other noise.
 *
 *     cc -shared -fPIC $(pkg-config --cflags bo-plugin) -o example_noisy.so \
 *        example_noisy.c $(pkg-config --libs bo-plugin)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

typedef struct noisy_state {
    double noise_sd;
} noisy_state;

static int noisy_init(void **state, const bo_plugin_param *params, size_t n_params, size_t dim,
                      size_t n_sources, char *err, size_t errlen)
{
    (void)dim;
    (void)n_sources;
    noisy_state *s = malloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    s->noise_sd = 0.1;
    for (size_t i = 0; i < n_params; i++) {
        char *end;
        if (strcmp(params[i].key, "noise_sd") != 0) {
            snprintf(err, errlen, "unknown param '%s' (known: noise_sd)", params[i].key);
            free(s);
            return 1;
        }
        s->noise_sd = strtod(params[i].value, &end);
        if (end == params[i].value || *end != '\0' || !(s->noise_sd >= 0.0)) {
            snprintf(err, errlen, "param noise_sd: '%s' is not a number >= 0", params[i].value);
            free(s);
            return 1;
        }
    }
    *state = s;
    return 0;
}

/* splitmix64: a well-mixed 64-bit value from any 64-bit input. */
static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A uniform in (0, 1) from 53 random bits. */
static double uniform(uint64_t bits)
{
    return ((double)(bits >> 11) + 0.5) / 9007199254740992.0;
}

static int noisy_evaluate(void *state, const double *x, size_t dim, size_t source,
                          const bo_plugin_call *call, double *y, char *err, size_t errlen)
{
    (void)source;
    (void)err;
    (void)errlen;
    const noisy_state *s = state;
    double f = 0.0;
    for (size_t i = 0; i < dim; i++)
        f += (x[i] - 0.5) * (x[i] - 0.5);
    /* The draw depends on (seed, eval) only, never on the worker or the
     * order in which evaluations complete. Box-Muller from two uniforms. */
    uint64_t key = mix(call->seed ^ mix((uint64_t)call->eval));
    double u1 = uniform(mix(key)), u2 = uniform(mix(key + 1));
    double normal = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
    *y = f + s->noise_sd * normal;
    return 0;
}

static void noisy_fini(void *state)
{
    free(state);
}

static const bo_plugin noisy_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "example_noisy",
    .init = noisy_init,
    .evaluate_call = noisy_evaluate, /* evaluate may stay NULL */
    .fini = noisy_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &noisy_plugin;
}
