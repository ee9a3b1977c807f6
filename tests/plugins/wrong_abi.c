/* Test plugin built for a plugin ABI this host does not speak. */
#include "bo/bo_plugin.h"

static int wrong_abi_evaluate(void *state, const double *x, size_t dim, size_t source,
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

static const bo_plugin wrong_abi_plugin = {
    .abi_version = 999,
    .struct_size = sizeof(bo_plugin),
    .name = "wrong_abi",
    .evaluate = wrong_abi_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &wrong_abi_plugin;
}
