/* example_quadratic.c: the plugin to copy when you wrap your own simulator.
 *
 * It computes a shifted, scaled quadratic
 *
 *     source 0 ("high fidelity"):  y = scale * sum_i (x_i - center)^2
 *     source 1 ("low fidelity"):   y = 0.8 * (high fidelity) + lf_bias
 *
 * and shows every part of the contract in bo/bo_plugin.h: reading
 * objective.params, keeping state between calls, reporting a failed
 * evaluation with a message, and cleaning up.
 *
 * Build it on its own (after `cmake --install`, or point PKG_CONFIG_PATH at
 * the install's lib/pkgconfig):
 *
 *     cc -shared -fPIC $(pkg-config --cflags bo-plugin) -o example_quadratic.so \
 *        example_quadratic.c $(pkg-config --libs bo-plugin)
 *
 * and use it from a config:
 *
 *     objective:
 *       plugin: ./example_quadratic.so
 *       params: {center: 0.25, scale: 2}
 *     inputs:
 *       - {name: x1, lower: -1, upper: 1}
 *       - {name: x2, lower: -1, upper: 1}
 *
 * Replace the body of quadratic_evaluate with a call into your simulator.
 * pkg-config's --libs gives -lm; add your solver's libraries after it.
 * A stochastic simulator: see example_noisy.c (the seed and the
 * evaluation's number, for reproducible noise). */

#include <errno.h>
#include <math.h>       /* isfinite: a macro, nothing to link */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

/* Everything the plugin needs between calls lives in one struct that init
 * allocates and fini frees: no globals, so the plugin is safe to load
 * twice. With isolation on (the default), each evaluation runs in a copy
 * of the process, so changes evaluate makes to the state are not seen by
 * later evaluations: treat the state as read-only there. */
typedef struct quadratic_state {
    double center;      /* where the minimum is, in every coordinate */
    double scale;       /* curvature; must be positive */
    double lf_bias;     /* offset of the low-fidelity source */
    double limit;       /* |x_i| beyond this is outside the model's domain */
    size_t n_sources;   /* how many sources the config uses (1 or 2) */
} quadratic_state;

/* Parses one number from a params value; the whole value must be the number.
 * Returns 0, or non-zero with a message naming the key. */
static int parse_number(const bo_plugin_param *param, double *out, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(param->value, &end);
    if (end == param->value || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        snprintf(err, errlen, "param %s: '%s' is not a finite number", param->key,
                 param->value);
        return 1;
    }
    *out = v;
    return 0;
}

/* init runs once, in the bo-run process, before the first evaluation. The
 * params are the config's objective.params, keys and values as the text in
 * the YAML file; the arrays are only valid during this call, so copy what
 * you keep. Returning non-zero stops bo-run (exit status 2) and shows the
 * message: use it for anything wrong in the setup. */
static int quadratic_init(void **state, const bo_plugin_param *params, size_t n_params,
                          size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)dim;  /* any number of inputs works for this function */

    quadratic_state *s = malloc(sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    /* Defaults first, so a config without params runs. */
    s->center = 0.3;
    s->scale = 1.0;
    s->lf_bias = 0.5;
    s->limit = 1e6;
    s->n_sources = n_sources;

    for (size_t i = 0; i < n_params; i++) {
        double *target = NULL;
        if (strcmp(params[i].key, "center") == 0)
            target = &s->center;
        else if (strcmp(params[i].key, "scale") == 0)
            target = &s->scale;
        else if (strcmp(params[i].key, "lf_bias") == 0)
            target = &s->lf_bias;
        else if (strcmp(params[i].key, "limit") == 0)
            target = &s->limit;
        if (target == NULL) {
            /* Refusing unknown keys turns a typo into an error message
             * instead of a silently ignored setting. */
            snprintf(err, errlen, "unknown param '%s' (known: center, scale, lf_bias, limit)",
                     params[i].key);
            free(s);
            return 1;
        }
        if (parse_number(&params[i], target, err, errlen) != 0) {
            free(s);
            return 1;
        }
    }
    if (!(s->scale > 0.0)) {
        snprintf(err, errlen, "param scale must be positive, got %g", s->scale);
        free(s);
        return 1;
    }
    *state = s;
    return 0;
}

/* evaluate is called once per evaluation with x in the user's units, in the
 * order of the config's inputs, and the source index in the order of its
 * sources (0 for single fidelity). Write the result to *y and return 0.
 * To report a failed evaluation (the solver did not converge, the point is
 * outside what the model can do), return non-zero with a message: bo-run
 * records it in the history and carries on. */
static int quadratic_evaluate(void *state, const double *x, size_t dim, size_t source,
                              double *y, char *err, size_t errlen)
{
    const quadratic_state *s = state;

    double sum = 0.0;
    for (size_t i = 0; i < dim; i++) {
        if (x[i] > s->limit || x[i] < -s->limit) {
            snprintf(err, errlen, "x[%zu] = %g is outside the model's domain [-%g, %g]", i,
                     x[i], s->limit, s->limit);
            return 1;
        }
        double d = x[i] - s->center;
        sum += d * d;
    }
    double high = s->scale * sum;

    switch (source) {
    case 0:
        *y = high;
        return 0;
    case 1:
        *y = 0.8 * high + s->lf_bias;
        return 0;
    default:
        /* Not reached when the descriptor's n_sources matches (bo-run checks
         * it), but a plugin should never read or write out of range. */
        snprintf(err, errlen, "no source %zu (this plugin has 2)", source);
        return 1;
    }
}

/* fini runs once, in the bo-run process, when the objective is closed. */
static void quadratic_fini(void *state)
{
    free(state);
}

/* The descriptor: static storage, members by name so that the order in
 * bo_plugin.h does not matter here. */
static const bo_plugin quadratic_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "example_quadratic",
    .dim = 0,           /* any number of inputs */
    .n_sources = 2,     /* high and low fidelity; a single-fidelity config uses source 0 */
    .init = quadratic_init,
    .evaluate = quadratic_evaluate,
    .fini = quadratic_fini,
};

/* The one exported symbol. bo-run looks it up by name after dlopen. */
const bo_plugin *bo_plugin_entry(void)
{
    return &quadratic_plugin;
}
