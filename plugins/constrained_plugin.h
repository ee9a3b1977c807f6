#ifndef BO_PLUGINS_CONSTRAINED_PLUGIN_H
#define BO_PLUGINS_CONSTRAINED_PLUGIN_H

/* What the constrained benchmark plugins in plugins/ share: each computes
 * an objective f and constraint outputs c_j, feasible when c_j <= upper_j
 * for every j, and serves them two ways:
 *   - evaluate_outputs: y = f and the outputs, for a config whose
 *     constraints: name them (constrained EI);
 *   - with the param penalty: P > 0, y = f + P * sum_j max(0, c_j - upper_j)
 *     through evaluate as well, for a config without constraints: the
 *     penalty method the constrained search is compared with
 *     (scripts/constraint-study.sh). penalty 0 (the default) gives y = f.
 * Not part of the plugin contract (a plugin a user writes needs only
 * bo/bo_plugin.h). Every function is static: each plugin is its own shared
 * object. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

#define CONSTRAINED_MAX_OUTPUTS 4

typedef struct constrained_function {
    bo_plugin plugin;
    const double *upper;    /* plugin.n_outputs bounds: c_j <= upper[j] */
    /* f at x, and the outputs into c (plugin.n_outputs values). */
    double (*value)(const double *x, double *c);
} constrained_function;

/* The plugin that includes this header; its initialiser follows its value
 * function. */
static const constrained_function constrained_this;

typedef struct constrained_state {
    double penalty;
} constrained_state;

static int constrained_init(void **state, const bo_plugin_param *params, size_t n_params,
                            size_t dim, size_t n_sources, char *err, size_t errlen)
{
    const bo_plugin *p = &constrained_this.plugin;
    if (dim != p->dim || n_sources > 1) {
        snprintf(err, errlen, "%s: needs %zu inputs and one source, the config has %zu and %zu",
                 p->name, p->dim, dim, n_sources);
        return 1;
    }
    constrained_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "%s: out of memory", p->name);
        return 1;
    }
    for (size_t i = 0; i < n_params; i++) {
        char *end;
        errno = 0;
        double v = strtod(params[i].value, &end);
        if (strcmp(params[i].key, "penalty") != 0) {
            snprintf(err, errlen, "%s: unknown param '%s' (known: penalty)", p->name,
                     params[i].key);
            free(s);
            return 1;
        }
        if (end == params[i].value || *end != '\0' || errno == ERANGE || !(v >= 0.0) ||
            !isfinite(v)) {
            snprintf(err, errlen, "%s: param penalty: '%s' is not a finite number >= 0",
                     p->name, params[i].value);
            free(s);
            return 1;
        }
        s->penalty = v;
    }
    *state = s;
    return 0;
}

static void constrained_fini(void *state)
{
    free(state);
}

static double constrained_y(const constrained_state *s, const double *x, double *c)
{
    double f = constrained_this.value(x, c);
    if (s && s->penalty > 0.0)
        for (size_t j = 0; j < constrained_this.plugin.n_outputs; j++)
            f += s->penalty * fmax(0.0, c[j] - constrained_this.upper[j]);
    return f;
}

static int constrained_evaluate(void *state, const double *x, size_t dim, size_t source,
                                double *y, char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    (void)err;
    (void)errlen;
    double c[CONSTRAINED_MAX_OUTPUTS];
    *y = constrained_y(state, x, c);
    return 0;
}

static int constrained_evaluate_outputs(void *state, const double *x, size_t dim,
                                        size_t source, const bo_plugin_call *call, double *y,
                                        double *outputs, char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    (void)call;
    (void)err;
    (void)errlen;
    *y = constrained_y(state, x, outputs);
    return 0;
}

#define BO_CONSTRAINED_PLUGIN(NAME, DIM, N_OUTPUTS, OUTPUT_NAMES)                             \
    {                                                                                        \
        .abi_version = BO_PLUGIN_ABI_VERSION, .struct_size = sizeof(bo_plugin), .name = NAME, \
        .dim = DIM, .n_sources = 1, .init = constrained_init,                                \
        .evaluate = constrained_evaluate, .fini = constrained_fini,                          \
        .n_outputs = N_OUTPUTS, .output_names = OUTPUT_NAMES,                                \
        .evaluate_outputs = constrained_evaluate_outputs,                                    \
    }

#endif
