/* A plugin as built against the first plugin header: its struct_size ends
 * at fini. The members after it are filled with callbacks that fail, so a
 * host that read past struct_size would be seen to: the host must call
 * evaluate (y = 3 x0) and know of no outputs. */
#include <stddef.h>
#include <stdio.h>

#include "bo/bo_plugin.h"

static int abi1_evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                         char *err, size_t errlen)
{
    (void)state;
    (void)dim;
    (void)source;
    (void)err;
    (void)errlen;
    *y = 3.0 * x[0];
    return 0;
}

static int beyond_call(void *state, const double *x, size_t dim, size_t source,
                       const bo_plugin_call *call, double *y, char *err, size_t errlen)
{
    (void)state, (void)x, (void)dim, (void)source, (void)call, (void)y;
    snprintf(err, errlen, "evaluate_call read beyond struct_size");
    return 1;
}

static int beyond_outputs(void *state, const double *x, size_t dim, size_t source,
                          const bo_plugin_call *call, double *y, double *outputs, char *err,
                          size_t errlen)
{
    (void)state, (void)x, (void)dim, (void)source, (void)call, (void)y, (void)outputs;
    snprintf(err, errlen, "evaluate_outputs read beyond struct_size");
    return 1;
}

static const char *const names[] = {"stress"};

static const bo_plugin abi1_plugin = {
    .abi_version = 1u,
    .struct_size = offsetof(bo_plugin, fini) + sizeof(void (*)(void *)),
    .name = "abi1",
    .evaluate = abi1_evaluate,
    .evaluate_call = beyond_call,
    .n_outputs = 1,
    .output_names = names,
    .evaluate_outputs = beyond_outputs,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &abi1_plugin;
}
