/* Test plugin: evaluate fails with code 7 and a message when x[0] > 0.5,
 * and returns y = x[0] otherwise. */
#include <stdio.h>

#include "bo/bo_plugin.h"

static int fail_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    (void)state;
    (void)dim;
    (void)source;
    if (x[0] > 0.5) {
        snprintf(err, errlen, "x[0] = %g is outside the solver's domain", x[0]);
        return 7;
    }
    *y = x[0];
    return 0;
}

static const bo_plugin fail_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "fail_return",
    .dim = 1,
    .n_sources = 1,
    .evaluate = fail_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &fail_plugin;
}
