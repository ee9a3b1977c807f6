/* Test plugin for whole runs: a 2-D bowl, y = (x0 - 0.3)^2 + (x1 - 0.6)^2
 * on whatever box the config gives, that misbehaves where x0 > `edge`
 * (param, default 0.7) in the way param `mode` says:
 *   none (default) | fail (returns non-zero) | nan | inf | segv | abort |
 *   exit (exit(0) inside evaluate) | hang (sleeps) | spin (a busy loop) |
 *   sigterm (ignores SIGTERM, then sleeps) | hog (allocates and touches
 *   `hog_gib` GiB, default 20; only under an address-space limit, which the
 *   test means to provoke: without one it fails at once instead of taking the
 *   machine's memory).
 * Param `sleep_ms` makes every evaluation take that long, so a test can
 * kill a run in the middle of one. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bo/bo_plugin.h"

typedef struct flaky_state {
    char mode[16];
    double edge;
    long sleep_ms;
    double hog_gib;
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
    s->hog_gib = 20.0;
    for (size_t i = 0; i < n_params; i++) {
        if (strcmp(params[i].key, "mode") == 0)
            snprintf(s->mode, sizeof s->mode, "%s", params[i].value);
        else if (strcmp(params[i].key, "edge") == 0)
            s->edge = atof(params[i].value);
        else if (strcmp(params[i].key, "sleep_ms") == 0)
            s->sleep_ms = atol(params[i].value);
        else if (strcmp(params[i].key, "hog_gib") == 0)
            s->hog_gib = atof(params[i].value);
    }
    *state = s;
    return 0;
}

static int hog(double gib, char *err, size_t errlen)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) {
        snprintf(err, errlen, "no address-space limit: refusing to allocate %g GiB", gib);
        return 4;
    }
    size_t bytes = (size_t)(gib * 1073741824.0);
    char *p = malloc(bytes);
    if (!p) {
        snprintf(err, errlen, "out of memory allocating %g GiB", gib);
        return 5;
    }
    for (size_t i = 0; i < bytes; i += 4096)
        p[i] = 1;
    free(p);
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
    else if (strcmp(s->mode, "abort") == 0)
        abort();
    else if (strcmp(s->mode, "exit") == 0)
        exit(0);
    else if (strcmp(s->mode, "spin") == 0)
        for (volatile unsigned long i = 0;; i++) {
        }
    else if (strcmp(s->mode, "hang") == 0 || strcmp(s->mode, "sigterm") == 0) {
        if (strcmp(s->mode, "sigterm") == 0)
            signal(SIGTERM, SIG_IGN);
        for (;;) {
            struct timespec ts = {1, 0};
            nanosleep(&ts, NULL);
        }
    } else if (strcmp(s->mode, "hog") == 0)
        return hog(s->hog_gib, err, errlen);
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
