/* A plugin with only evaluate_call (the appended member): y encodes what
 * the host said of the evaluation, 1000 seed + 10 eval + worker, and a
 * call whose struct_size is smaller than this plugin's bo_plugin_call fails,
 * so a test sees the member arrive intact. */
#include <stdio.h>

#include "bo/bo_plugin.h"

static int call_info_evaluate(void *state, const double *x, size_t dim, size_t source,
                              const bo_plugin_call *call, double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)source;
    if (call == NULL || call->struct_size < sizeof *call) {
        snprintf(err, errlen, "no call information");
        return 1;
    }
    *y = 1000.0 * (double)call->seed + 10.0 * (double)call->eval + (double)call->worker;
    return 0;
}

static const bo_plugin call_info_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "call_info",
    .evaluate_call = call_info_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &call_info_plugin;
}
