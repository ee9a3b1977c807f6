/* Test plugin that requires exactly 3 inputs and 2 sources. */
#include "bo/bo_plugin.h"

static int dim3_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    (void)state;
    (void)err;
    (void)errlen;
    *y = x[0] + x[1] + x[2] + (double)dim + 100.0 * (double)source;
    return 0;
}

static const bo_plugin dim3_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "dim3",
    .dim = 3,
    .n_sources = 2,
    .evaluate = dim3_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &dim3_plugin;
}
