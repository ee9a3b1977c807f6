/* A well-behaved test plugin: y = scale * sum_i (x_i - 0.1 i)^2 + offset
 * + 10 * source, with scale and offset from the params (defaults 1 and 0).
 * With count=1, y is instead the number of earlier evaluate calls on this
 * state, which shows whether evaluations share the host's memory. With
 * fini_file=PATH, fini writes "fini" to PATH, so the test sees it ran. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"

typedef struct good_state {
    double scale;
    double offset;
    int count_mode;
    long calls;
    char fini_file[512];
} good_state;

static int good_init(void **state, const bo_plugin_param *params, size_t n_params,
                     size_t dim, size_t n_sources, char *err, size_t errlen)
{
    (void)dim;
    (void)n_sources;
    good_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    s->scale = 1.0;
    for (size_t i = 0; i < n_params; i++) {
        char *end;
        if (strcmp(params[i].key, "scale") == 0) {
            s->scale = strtod(params[i].value, &end);
        } else if (strcmp(params[i].key, "offset") == 0) {
            s->offset = strtod(params[i].value, &end);
        } else if (strcmp(params[i].key, "count") == 0) {
            s->count_mode = atoi(params[i].value);
            end = (char *)"";
        } else if (strcmp(params[i].key, "fini_file") == 0) {
            snprintf(s->fini_file, sizeof s->fini_file, "%s", params[i].value);
            end = (char *)"";
        } else {
            snprintf(err, errlen, "unknown param '%s'", params[i].key);
            free(s);
            return 2;
        }
        if (*end != '\0') {
            snprintf(err, errlen, "param %s: '%s' is not a number", params[i].key,
                     params[i].value);
            free(s);
            return 2;
        }
    }
    *state = s;
    return 0;
}

static int good_evaluate(void *state, const double *x, size_t dim, size_t source,
                         double *y, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    good_state *s = state;
    if (s->count_mode) {
        *y = (double)s->calls++;
        return 0;
    }
    double sum = 0.0;
    for (size_t i = 0; i < dim; i++) {
        double d = x[i] - 0.1 * (double)i;
        sum += d * d;
    }
    *y = s->scale * sum + s->offset + 10.0 * (double)source;
    return 0;
}

static void good_fini(void *state)
{
    good_state *s = state;
    if (s->fini_file[0] != '\0') {
        FILE *f = fopen(s->fini_file, "w");
        if (f != NULL) {
            fputs("fini\n", f);
            fclose(f);
        }
    }
    free(s);
}

static const bo_plugin good_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "good",
    .dim = 0,
    .n_sources = 0,
    .init = good_init,
    .evaluate = good_evaluate,
    .fini = good_fini,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &good_plugin;
}
