/* A plugin with two named outputs beside y (the appended evaluate_outputs
 * member): y = x0 + x1, stress = 100 x0, mass = x1 + source. It misbehaves
 * where a test wants it to: for x0 < 0 it leaves mass unset (NaN), for
 * x0 > 100 it gives stress as infinity. */
#include <math.h>

#include "bo/bo_plugin.h"

static int outputs_evaluate(void *state, const double *x, size_t dim, size_t source,
                            const bo_plugin_call *call, double *y, double *outputs, char *err,
                            size_t errlen)
{
    (void)state;
    (void)dim;
    (void)call;
    (void)err;
    (void)errlen;
    *y = x[0] + x[1];
    outputs[0] = x[0] > 100.0 ? INFINITY : 100.0 * x[0];
    if (x[0] >= 0.0)
        outputs[1] = x[1] + (double)source;
    return 0;
}

static const char *const output_names[] = {"stress", "mass"};

static const bo_plugin outputs_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "outputs",
    .dim = 2,
    .n_outputs = 2,
    .output_names = output_names,
    .evaluate_outputs = outputs_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &outputs_plugin;
}
