/* A plugin over mixed inputs (x real in [0, 1], n integer, material
 * categorical with the levels steel, "al, 6061", titanium): y = 4 (x -
 * 0.3)^2 + ((n - 1) / 3)^2 + offset(material), least at x = 0.3, n = 1,
 * titanium. Each evaluation checks what the host passes -- n an integer,
 * material a level index, its name in the call's level_names, and no name
 * for the other inputs -- and fails, saying which, when it is not so. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bo/bo_plugin.h"

static const char *const levels[] = {"steel", "al, 6061", "titanium"};
static const double offset[] = {1.0, 0.5, 0.0};

static int mixed_evaluate(void *state, const double *x, size_t dim, size_t source,
                          const bo_plugin_call *call, double *y, char *err, size_t errlen)
{
    (void)state;
    (void)source;
    if (dim != 3) {
        snprintf(err, errlen, "expected 3 inputs, got %zu", dim);
        return 1;
    }
    if (call == NULL || call->struct_size < sizeof *call || call->level_names == NULL) {
        snprintf(err, errlen, "no level names in the call");
        return 1;
    }
    if (x[1] != floor(x[1])) {
        snprintf(err, errlen, "n = %.17g is not an integer", x[1]);
        return 1;
    }
    if (!(x[2] >= 0 && x[2] <= 2 && x[2] == floor(x[2]))) {
        snprintf(err, errlen, "material = %.17g is not a level index", x[2]);
        return 1;
    }
    const char *name = call->level_names[2];
    if (call->level_names[0] != NULL || call->level_names[1] != NULL || name == NULL ||
        strcmp(name, levels[(int)x[2]]) != 0) {
        snprintf(err, errlen, "material %g came with the name '%s'", x[2], name ? name : "");
        return 1;
    }
    double a = x[0] - 0.3, b = (x[1] - 1.0) / 3.0;
    *y = 4.0 * a * a + b * b + offset[(int)x[2]];
    return 0;
}

static const bo_plugin mixed_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "mixed_levels",
    .dim = 3,
    .evaluate_call = mixed_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &mixed_plugin;
}
