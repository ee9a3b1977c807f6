#ifndef BO_PLUGINS_MIXED_MIXED_PLUGIN_H
#define BO_PLUGINS_MIXED_MIXED_PLUGIN_H

/* What the mixed-input benchmarks in plugins/mixed/ share: the param
 * `encoding: levels | onehot` and the check of the input count it implies,
 * and the level a block of one-hot inputs stands for. Every function is
 * static: each plugin is its own shared object. */

#include <stdio.h>
#include <string.h>

#include "bo/bo_plugin.h"

/* init's state: 1 with encoding onehot, 0 with levels (the default). */
static int mixed_onehot_state = 1, mixed_levels_state = 0;

/* The init callback's work for plugin `name`, which takes levels_dim
 * inputs with encoding levels and onehot_dim with onehot. */
static int mixed_init(const char *name, size_t levels_dim, size_t onehot_dim, void **state,
                      const bo_plugin_param *params, size_t n_params, size_t dim, char *err,
                      size_t errlen)
{
    *state = &mixed_levels_state;
    for (size_t i = 0; i < n_params; i++) {
        if (strcmp(params[i].key, "encoding") != 0) {
            snprintf(err, errlen, "%s: unknown param '%s' (known: encoding)", name,
                     params[i].key);
            return 1;
        }
        if (strcmp(params[i].value, "onehot") == 0) {
            *state = &mixed_onehot_state;
        } else if (strcmp(params[i].value, "levels") != 0) {
            snprintf(err, errlen, "%s: encoding is levels or onehot, not '%s'", name,
                     params[i].value);
            return 1;
        }
    }
    int onehot = *(int *)*state;
    size_t want = onehot ? onehot_dim : levels_dim;
    if (dim != want) {
        snprintf(err, errlen, "%s: encoding %s takes %zu inputs, the config has %zu", name,
                 onehot ? "onehot" : "levels", want, dim);
        return 1;
    }
    return 0;
}

/* The level n one-hot inputs stand for: the largest (the first on a tie). */
static int mixed_argmax(const double *v, int n)
{
    int best = 0;
    for (int l = 1; l < n; l++)
        if (v[l] > v[best])
            best = l;
    return best;
}

#endif
