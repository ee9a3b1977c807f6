/* Test plugin whose evaluate never returns. */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "bo/bo_plugin.h"

static int hang_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)source;
    (void)y;
    (void)err;
    (void)errlen;
    for (;;)
        sleep(60);
    return 0; /* not reached */
}

static const bo_plugin hang_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "hang",
    .evaluate = hang_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &hang_plugin;
}
