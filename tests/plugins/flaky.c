/* Test plugin for whole runs: a 2-D bowl, y = (x0 - 0.3)^2 + (x1 - 0.6)^2
 * on whatever box the config gives, that misbehaves where x0 > `edge`
 * (param, default 0.7) in the way param `mode` says:
 *   none (default) | fail (returns non-zero) | nan | inf | segv | hang.
 * Param `sleep_ms` makes every evaluation take that long, so a test can
 * kill a run in the middle of one. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bo/bo_plugin.h"

typedef struct flaky_state {
    char mode[16];
    double edge;
    long sleep_ms;
} flaky_state;

static int flaky_init(void **state, const bo_plugin_param *params, size_t n_params,
                      size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)dim;
    (void)n_sources;
    flaky_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    strcpy(s->mode, "none");
    s->edge = 0.7;
    for (size_t i = 0; i < n_params; i++) {
        if (strcmp(params[i].key, "mode") == 0)
            snprintf(s->mode, sizeof s->mode, "%s", params[i].value);
        else if (strcmp(params[i].key, "edge") == 0)
            s->edge = atof(params[i].value);
        else if (strcmp(params[i].key, "sleep_ms") == 0)
            s->sleep_ms = atol(params[i].value);
    }
    *state = s;
    return 0;
}

static int flaky_evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                          char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    const flaky_state *s = state;
    if (s->sleep_ms > 0) {
        struct timespec ts = {s->sleep_ms / 1000, (s->sleep_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    *y = (x[0] - 0.3) * (x[0] - 0.3) + (x[1] - 0.6) * (x[1] - 0.6);
    if (x[0] <= s->edge || strcmp(s->mode, "none") == 0)
        return 0;
    if (strcmp(s->mode, "fail") == 0) {
        snprintf(err, errlen, "solver diverged at x0 = %g", x[0]);
        return 3;
    }
    if (strcmp(s->mode, "nan") == 0)
        *y = NAN;
    else if (strcmp(s->mode, "inf") == 0)
        *y = INFINITY;
    else if (strcmp(s->mode, "segv") == 0)
        raise(SIGSEGV);
    else if (strcmp(s->mode, "hang") == 0)
        for (;;) {
            struct timespec ts = {1, 0};
            nanosleep(&ts, NULL);
        }
    return 0;
}

static void flaky_fini(void *state)
{
    free(state);
}

static const bo_plugin flaky_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "flaky",
    .dim = 2,
    .n_sources = 0,
    .init = flaky_init,
    .evaluate = flaky_evaluate,
    .fini = flaky_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &flaky_plugin;
}
