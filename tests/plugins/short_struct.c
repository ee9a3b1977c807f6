/* Test plugin whose descriptor claims to end before the ABI-1 members. */
#include <stddef.h>

#include "bo/bo_plugin.h"

static int short_evaluate(void *state, const double *x, size_t dim, size_t source,
                          double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)source;
    (void)err;
    (void)errlen;
    *y = 0.0;
    return 0;
}

static const bo_plugin short_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = offsetof(bo_plugin, evaluate),
    .name = "short_struct",
    .evaluate = short_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &short_plugin;
}
