#ifndef BO_PLUGINS_BENCH_PLUGIN_H
#define BO_PLUGINS_BENCH_PLUGIN_H

/* The code the benchmark plugins in plugins/ share: shape checks, parsing of
 * the noise params, the deterministic noise, and the init / evaluate / fini
 * callbacks built on them. Not part of the plugin contract: a plugin a user
 * writes needs only bo/bo_plugin.h (see plugins/example_quadratic.c).
 *
 * Use: a benchmark plugin includes this header once, writes its function as
 *     static double NAME_value(const double *x, size_t source);
 * and then defines the object declared below, e.g.
 *     static const bench_function bench_this_function = {
 *         .plugin = BO_BENCH_NOISY_PLUGIN("NAME", dim, n_sources),
 *         .input_names = "x1 x2", .source_names = NAME_sources,
 *         .value = NAME_value};
 * with bo_plugin_entry returning &bench_this_function.plugin. Two kinds of
 * benchmark are served:
 *   - BO_BENCH_DETERMINISTIC_PLUGIN: single fidelity, no params, no state
 *     (fini NULL);
 *   - BO_BENCH_NOISY_PLUGIN: single or multi-fidelity with params noise_sd
 *     (sd added to source 0, HF), noise_sd_<SOURCE> (one source by its name
 *     in source_names) and seed (an unsigned integer choosing the noise
 *     realisation).
 *
 * Every message starts with the plugin's name. Every function here is static: each
 * plugin is its own shared object, and none of these names is exported. */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define BO_BENCH_PI 3.14159265358979323846

/* Noisy benchmarks keep one sd per source in a fixed array; a benchmark with
 * more sources is refused by bench_noisy_init. */
#define BO_BENCH_MAX_SOURCES 8u

typedef struct bench_function {
    bo_plugin plugin; /* what bo_plugin_entry returns */
    /* Input names for the message about a wrong number of inputs, e.g.
     * "Tu Hu Hl r rw Tl L Kw"; NULL names none. */
    const char *input_names;
    /* plugin.n_sources names, HF first (NULL for a single-fidelity benchmark):
     * they name the noise_sd_<SOURCE> params and appear in messages. */
    const char *const *source_names;
    /* sd of the noise on source 0 when the params do not set it (noisy
     * benchmarks only; the other sources default to no noise). */
    double default_noise_sd;
    /* The noise-free value of source `source` (< plugin.n_sources) at x
     * (plugin.dim values). */
    double (*value)(const double *x, size_t source);
} bench_function;

/* The benchmark of the plugin that includes this header. A tentative
 * definition: the plugin gives the initialiser after its value function. */
static const bench_function bench_this_function;

typedef struct bench_noisy_state {
    size_t n_sources; /* the config's, at least 1: evaluate refuses others */
    double noise_sd[BO_BENCH_MAX_SOURCES];
    uint64_t seed;
} bench_noisy_state;

/* splitmix64's output function: a bijective mix of 64 bits. */
static inline uint64_t bench_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A standard normal that is a pure function of (seed, source, x): the noise
 * must not depend on call order, so that a rerun, a resumed run or an
 * evaluation in a child process sees the same value at the same point. */
static inline double bench_normal(uint64_t seed, size_t source, const double *x, size_t dim)
{
    uint64_t h = bench_mix(seed);
    h = bench_mix(h ^ (uint64_t)source);
    for (size_t i = 0; i < dim; i++) {
        double xi = x[i] == 0.0 ? 0.0 : x[i]; /* -0.0 and 0.0 are one point */
        uint64_t bits;
        memcpy(&bits, &xi, sizeof bits);
        h = bench_mix(h ^ bits);
    }
    /* u1 in (0, 1] keeps log finite; u2 in [0, 1). */
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(bench_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * BO_BENCH_PI * u2);
}

/* 0 and *out set when text is a whole finite number >= 0; 1 otherwise. */
static inline int bench_parse_sd(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0)
        return 1;
    *out = v;
    return 0;
}

/* 0 and *out set when text is a whole unsigned decimal integer that fits in
 * 64 bits; 1 otherwise. */
static inline int bench_parse_seed(const char *text, uint64_t *out)
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

/* Index of the source a noise key names: "noise_sd" is source 0,
 * "noise_sd_NAME" the source NAME; plugin.n_sources when the key is not a
 * noise key. */
static inline size_t bench_noise_key(const char *key)
{
    const bench_function *f = &bench_this_function;
    if (strcmp(key, "noise_sd") == 0)
        return 0;
    if (strncmp(key, "noise_sd_", 9) != 0 || f->source_names == NULL)
        return f->plugin.n_sources;
    for (size_t s = 0; s < f->plugin.n_sources; s++)
        if (strcmp(key + 9, f->source_names[s]) == 0)
            return s;
    return f->plugin.n_sources;
}

/* 0 when the config's dim and n_sources fit the benchmark (a config may use
 * the first k sources); 1 with the message in err otherwise. */
static inline int bench_check_shape(size_t dim, size_t n_sources, char *err, size_t errlen)
{
    const bench_function *f = &bench_this_function;
    const bo_plugin *p = &f->plugin;
    if (dim != p->dim) {
        if (f->input_names != NULL)
            snprintf(err, errlen, "%s: needs %zu inputs (%s), the config has %zu", p->name,
                     p->dim, f->input_names, dim);
        else
            snprintf(err, errlen, "%s: needs %zu input%s, the config has %zu", p->name, p->dim,
                     p->dim == 1 ? "" : "s", dim);
        return 1;
    }
    if (n_sources > p->n_sources) {
        if (p->n_sources == 1) {
            snprintf(err, errlen, "%s: single fidelity, the config has %zu sources", p->name,
                     n_sources);
            return 1;
        }
        char names[128] = "";
        size_t used = 0;
        for (size_t s = 0; s < p->n_sources && used < sizeof names; s++) {
            int n = snprintf(names + used, sizeof names - used, "%s%s", s > 0 ? " " : "",
                             f->source_names[s]);
            used += n > 0 ? (size_t)n : 0;
        }
        snprintf(err, errlen, "%s: provides %zu sources (%s), the config has %zu", p->name,
                 p->n_sources, names, n_sources);
        return 1;
    }
    return 0;
}

/* init of a deterministic benchmark: checks the shape, refuses every param,
 * keeps no state. */
static inline int bench_deterministic_init(void **state, const bo_plugin_param *params,
                                           size_t n_params, size_t dim, size_t n_sources,
                                           char *err, size_t errlen)
{
    *state = NULL;
    if (bench_check_shape(dim, n_sources, err, errlen) != 0)
        return 1;
    if (n_params > 0) {
        snprintf(err, errlen, "%s: unknown param '%s' (this function takes none)",
                 bench_this_function.plugin.name, params[0].key);
        return 1;
    }
    return 0;
}

static inline int bench_deterministic_evaluate(void *state, const double *x, size_t dim,
                                               size_t source, double *y, char *err,
                                               size_t errlen)
{
    const bench_function *f = &bench_this_function;
    (void)state;
    if (dim != f->plugin.dim || source != 0) {
        snprintf(err, errlen, "%s: called with %zu inputs and source %zu", f->plugin.name, dim,
                 source);
        return 1;
    }
    *y = f->value(x, source);
    return 0;
}

/* init of a noisy benchmark: checks the shape, parses noise_sd,
 * noise_sd_<SOURCE> and seed, and allocates a bench_noisy_state. */
static inline int bench_noisy_init(void **state, const bo_plugin_param *params, size_t n_params,
                                   size_t dim, size_t n_sources, char *err, size_t errlen)
{
    const bench_function *f = &bench_this_function;
    const char *name = f->plugin.name;
    *state = NULL;
    if (f->plugin.n_sources > BO_BENCH_MAX_SOURCES) {
        snprintf(err, errlen, "%s: %zu sources, bench_plugin.h handles at most %u", name,
                 f->plugin.n_sources, BO_BENCH_MAX_SOURCES);
        return 1;
    }
    if (bench_check_shape(dim, n_sources, err, errlen) != 0)
        return 1;
    bench_noisy_state config = {.n_sources = n_sources == 0 ? 1 : n_sources, .seed = 0};
    config.noise_sd[0] = f->default_noise_sd;
    for (size_t i = 0; i < n_params; i++) {
        const char *key = params[i].key, *value = params[i].value;
        size_t source = bench_noise_key(key);
        if (source < f->plugin.n_sources) {
            if (bench_parse_sd(value, &config.noise_sd[source]) != 0) {
                snprintf(err, errlen, "%s: %s: expected a number >= 0, got '%s'", name, key,
                         value);
                return 1;
            }
        } else if (strcmp(key, "seed") == 0) {
            if (bench_parse_seed(value, &config.seed) != 0) {
                snprintf(err, errlen, "%s: seed: expected an unsigned integer, got '%s'", name,
                         value);
                return 1;
            }
        } else if (f->source_names != NULL) {
            snprintf(err, errlen, "%s: unknown param '%s' (known: noise_sd, noise_sd_%s ... "
                     "noise_sd_%s, seed)", name, key, f->source_names[0],
                     f->source_names[f->plugin.n_sources - 1]);
            return 1;
        } else {
            snprintf(err, errlen, "%s: unknown param '%s' (known: noise_sd, seed)", name, key);
            return 1;
        }
    }
    bench_noisy_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "%s: out of memory", name);
        return 1;
    }
    *s = config;
    *state = s;
    return 0;
}

static inline int bench_noisy_evaluate(void *state, const double *x, size_t dim, size_t source,
                                       double *y, char *err, size_t errlen)
{
    const bench_function *f = &bench_this_function;
    const bench_noisy_state *s = state;
    if (s == NULL || dim != f->plugin.dim || source >= s->n_sources) {
        snprintf(err, errlen, "%s: called with %zu inputs and source %zu%s", f->plugin.name,
                 dim, source, s == NULL ? " before init" : "");
        return 1;
    }
    double value = f->value(x, source);
    if (s->noise_sd[source] > 0.0)
        value += s->noise_sd[source] * bench_normal(s->seed, source, x, dim);
    *y = value;
    return 0;
}

static inline void bench_noisy_fini(void *state)
{
    free(state);
}

/* Dimension-generic forms that several plugins share, so that the 4-D and the
 * 8-D or 20-D versions of one function are one formula (each plugin passes its
 * own dimension and shift). The summation order is the one the 4-D Rosenbrock
 * and the 5-D Ackley plugins always had, so their values did not change. */

/* Chained Rosenbrock: sum_{j=1..d-1} 100 (x_{j+1} - x_j^2)^2 + (x_j - 1)^2. */
static inline double bench_rosenbrock(const double *x, size_t dim)
{
    double sum = 0.0;
    for (size_t j = 0; j + 1 < dim; j++) {
        double valley = x[j + 1] - x[j] * x[j];
        double offset = x[j] - 1.0;
        sum += 100.0 * valley * valley + offset * offset;
    }
    return sum;
}

/* Ackley with a = 20, b = 0.2, c = 2 pi at z = x - shift:
 * -a exp(-b sqrt(mean z_j^2)) - exp(mean cos(c z_j)) + a + e, 0 at x = shift. */
static inline double bench_ackley_shifted(const double *x, const double *shift, size_t dim)
{
    double squares = 0.0, cosines = 0.0;
    for (size_t j = 0; j < dim; j++) {
        double z = x[j] - shift[j];
        squares += z * z;
        cosines += cos(2.0 * BO_BENCH_PI * z);
    }
    double n = (double)dim;
    return -20.0 * exp(-0.2 * sqrt(squares / n)) - exp(cosines / n) + 20.0 + exp(1.0);
}

/* Initialisers of bench_function.plugin for the two kinds of benchmark:
 * every member of the plugin contract, with the callbacks above. */
#define BO_BENCH_DETERMINISTIC_PLUGIN(name_, dim_)                                             \
    {.abi_version = BO_PLUGIN_ABI_VERSION, .struct_size = sizeof(bo_plugin), .name = (name_),  \
     .dim = (dim_), .n_sources = 1, .init = bench_deterministic_init,                          \
     .evaluate = bench_deterministic_evaluate, .fini = NULL}
#define BO_BENCH_NOISY_PLUGIN(name_, dim_, n_sources_)                                         \
    {.abi_version = BO_PLUGIN_ABI_VERSION, .struct_size = sizeof(bo_plugin), .name = (name_),  \
     .dim = (dim_), .n_sources = (n_sources_), .init = bench_noisy_init,                       \
     .evaluate = bench_noisy_evaluate, .fini = bench_noisy_fini}

#endif
