/* A plugin whose evaluate starts a helper process that would run on (30 s)
 * and appends the helper's pid to the file named by param `pids`: with
 * isolation, the host kills it with the evaluation's process group. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bo/bo_plugin.h"

static int forker_init(void **state, const bo_plugin_param *params, size_t n_params,
                       size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)dim;
    (void)n_sources;
    for (size_t i = 0; i < n_params; i++)
        if (strcmp(params[i].key, "pids") == 0) {
            *state = strdup(params[i].value);
            return *state ? 0 : 1;
        }
    snprintf(err, errlen, "param pids (a file) is needed");
    return 1;
}

static int forker_evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                           char *err, size_t errlen)
{
    (void)source;
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {30, 0};
        nanosleep(&ts, NULL);
        _exit(0);
    }
    FILE *f = fopen(state, "a");
    if (pid < 0 || !f) {
        snprintf(err, errlen, "cannot start the helper");
        if (f)
            fclose(f);
        return 1;
    }
    fprintf(f, "%ld\n", (long)pid);
    fclose(f);
    double s = 0.0;
    for (size_t i = 0; i < dim; i++)
        s += x[i] * x[i];
    *y = s;
    return 0;
}

static void forker_fini(void *state)
{
    free(state);
}

static const bo_plugin forker_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "forker",
    .init = forker_init,
    .evaluate = forker_evaluate,
    .fini = forker_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &forker_plugin;
}
