/* Test plugin with three sources that "succeed" with a non-finite y:
 * source 0 gives NaN, source 1 +Inf, source 2 -Inf. */
#include <math.h>

#include "bo/bo_plugin.h"

static int nan_inf_evaluate(void *state, const double *x, size_t dim, size_t source,
                            double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)err;
    (void)errlen;
    *y = source == 0 ? NAN : source == 1 ? INFINITY : -INFINITY;
    return 0;
}

static const bo_plugin nan_inf_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "nan_inf",
    .dim = 0,
    .n_sources = 3,
    .evaluate = nan_inf_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &nan_inf_plugin;
}
