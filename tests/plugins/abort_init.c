/* Test plugin whose init refuses to start, echoing its params so the test
 * can see they arrived; fini must never be called. */
#include <stdio.h>
#include <stdlib.h>

#include "bo/bo_plugin.h"

static int abort_init_init(void **state, const bo_plugin_param *params, size_t n_params,
                           size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)state;
    snprintf(err, errlen, "licence server unreachable (dim %zu, %zu sources, %zu params%s%s%s%s)",
             dim, n_sources, n_params, n_params > 0 ? ", " : "",
             n_params > 0 ? params[0].key : "", n_params > 0 ? "=" : "",
             n_params > 0 ? params[0].value : "");
    return 3;
}

static int abort_init_evaluate(void *state, const double *x, size_t dim, size_t source,
                               double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)source;
    (void)y;
    (void)err;
    (void)errlen;
    abort();
}

static void abort_init_fini(void *state)
{
    (void)state;
    abort();
}

static const bo_plugin abort_init_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "abort_init",
    .init = abort_init_init,
    .evaluate = abort_init_evaluate,
    .fini = abort_init_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &abort_init_plugin;
}
