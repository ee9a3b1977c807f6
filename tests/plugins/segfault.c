/* Test plugin that dies inside evaluate. The param mode chooses how:
 * segv (default: writes through a null pointer), abort, or exit (calls
 * exit(3) without answering). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

typedef enum { DIE_SEGV, DIE_ABORT, DIE_EXIT } die_mode;

static int segfault_init(void **state, const bo_plugin_param *params, size_t n_params,
                         size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)dim;
    (void)n_sources;
    static die_mode modes[3] = { DIE_SEGV, DIE_ABORT, DIE_EXIT };
    *state = &modes[0];
    for (size_t i = 0; i < n_params; i++) {
        if (strcmp(params[i].key, "mode") != 0)
            continue;
        if (strcmp(params[i].value, "abort") == 0)
            *state = &modes[1];
        else if (strcmp(params[i].value, "exit") == 0)
            *state = &modes[2];
        else if (strcmp(params[i].value, "segv") != 0) {
            snprintf(err, errlen, "mode must be segv, abort or exit");
            return 1;
        }
    }
    return 0;
}

static int segfault_evaluate(void *state, const double *x, size_t dim, size_t source,
                             double *y, char *err, size_t errlen)
{
    (void)x;
    (void)dim;
    (void)source;
    (void)err;
    (void)errlen;
    switch (*(const die_mode *)state) {
    case DIE_ABORT:
        abort();
    case DIE_EXIT:
        exit(3);
    case DIE_SEGV:
        break;
    }
    volatile int *nowhere = NULL;
    *nowhere = 42;
    *y = 0.0;
    return 0;
}

static const bo_plugin segfault_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "segfault",
    .init = segfault_init,
    .evaluate = segfault_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &segfault_plugin;
}
