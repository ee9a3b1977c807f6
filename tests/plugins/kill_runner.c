/* A plugin whose isolated child kills the process that started it: on the
 * host's side this looks like a worker dying (out of memory, a node lost),
 * which an evaluator reports as its own failure, not the objective's. */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <unistd.h>

#include "bo/bo_plugin.h"

static int kill_runner_evaluate(void *state, const double *x, size_t dim, size_t source,
                                double *y, char *err, size_t errlen)
{
    (void)state;
    (void)x;
    (void)dim;
    (void)source;
    (void)err;
    (void)errlen;
    kill(getppid(), SIGKILL);
    *y = 1.0;
    return 0;
}

static const bo_plugin kill_runner_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "kill_runner",
    .evaluate = kill_runner_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &kill_runner_plugin;
}
