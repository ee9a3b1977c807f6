/* simulated_cost: a benchmark that takes time, for studies of evaluations
 * in flight (evaluation.workers). Each evaluation first sleeps, then returns
 * the value of a benchmark plugin built beside this one.
 *
 * Duration: log-normal with mean m = mean_seconds * scale[source],
 *     D = m * exp(sigma * z - sigma^2 / 2),  z ~ N(0, 1),
 * so E[D] = m for every sigma and the median is m * exp(-sigma^2 / 2)
 * (0.88 m at sigma 0.5). z is a pure function of (call->seed, call->eval):
 * a splitmix64 hash of the two, then Box-Muller; so the same run, with any
 * number of workers and through --resume, draws the same duration for the
 * same evaluation number. bench/bench_parallel_sim.c draws with the same
 * formula for its simulated clock. A host without evaluate_call (older than
 * bo-run 0.2) gets a draw from the bits of x instead.
 *
 * The value: the plugin `function` (default hartmann6), i.e. the file
 * FUNCTION.so in the folder this plugin was loaded from, is opened with
 * dlopen and does the arithmetic, so the formulas are those of the tested
 * benchmark plugins (docs/benchmarks.md) and are not copied here. Its dim
 * and sources are the config's, as for that plugin alone.
 *
 * Params:
 *   function      name of a plugin beside this one: hartmann6 (default),
 *                 borehole_mf, branin, ... (letters, digits and _)
 *   mean_seconds  mean duration of a source-0 evaluation, >= 0 (default 1)
 *   sigma         sd of log(duration), >= 0 (default 0.5; 0 = always m)
 *   source_scale  the mean of source s is mean_seconds times the s-th of
 *                 these comma-separated numbers > 0 (default 1 for all), e.g.
 *                 "1,0.1,0.01,0.1,0.01" for Borehole's costs 1000/100/10/100/10
 * Every other param (noise_sd, seed, ...) is handed to the function's own
 * init, which refuses what it does not know. */
#define _GNU_SOURCE /* dladdr: where this plugin was loaded from */

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plugins/bench_plugin.h"

#define SIMULATED_COST_MAX_SOURCES 16u

typedef struct simulated_cost_state {
    void *handle;                /* the function's plugin */
    const bo_plugin *inner;
    void *inner_state;
    /* the function's evaluate_call, when its descriptor has one */
    int (*inner_call)(void *, const double *, size_t, size_t, const bo_plugin_call *, double *,
                      char *, size_t);
    double mean_seconds;
    double sigma;
    double scale[SIMULATED_COST_MAX_SOURCES];
    size_t n_sources;
} simulated_cost_state;

static const char *const simulated_cost_name = "simulated_cost";

/* A standard normal from (seed, eval), the draw bench_parallel_sim repeats. */
static double simulated_cost_normal(uint64_t seed, uint64_t eval)
{
    uint64_t h = bench_mix(bench_mix(seed ^ 0x5d1c0a7e5eedu) ^ eval);
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53; /* (0, 1]: log finite */
    double u2 = (double)(bench_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * BO_BENCH_PI * u2);
}

static double simulated_cost_seconds(const simulated_cost_state *s, size_t source, double z)
{
    return s->mean_seconds * s->scale[source] * exp(s->sigma * z - 0.5 * s->sigma * s->sigma);
}

/* Sleeps to an absolute deadline, so a signal that interrupts the sleep does
 * not lengthen or shorten it. */
static void simulated_cost_sleep(double seconds)
{
    if (!(seconds > 0.0))
        return;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    double whole = floor(seconds);
    t.tv_sec += (time_t)whole;
    t.tv_nsec += (long)((seconds - whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec += 1;
        t.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
        ;
}

static int simulated_cost_number(const bo_plugin_param *p, double *out, char *err,
                                 size_t errlen)
{
    char *end;
    errno = 0;
    double v = strtod(p->value, &end);
    if (end == p->value || *end != '\0' || errno != 0 || !isfinite(v) || v < 0.0) {
        snprintf(err, errlen, "%s: %s: expected a number >= 0, got '%s'", simulated_cost_name,
                 p->key, p->value);
        return 1;
    }
    *out = v;
    return 0;
}

/* source_scale: up to SIMULATED_COST_MAX_SOURCES numbers > 0, separated by
 * commas (spaces around them allowed). */
static int simulated_cost_scales(const char *text, double *scale, size_t *n, char *err,
                                 size_t errlen)
{
    const char *p = text;
    *n = 0;
    for (;;) {
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p || errno != 0 || !isfinite(v) || !(v > 0.0) ||
            *n == SIMULATED_COST_MAX_SOURCES) {
            snprintf(err, errlen, "%s: source_scale: expected up to %u comma-separated numbers "
                     "> 0, got '%s'", simulated_cost_name, SIMULATED_COST_MAX_SOURCES, text);
            return 1;
        }
        scale[(*n)++] = v;
        while (*end == ' ')
            end++;
        if (*end == '\0')
            return 0;
        if (*end != ',') {
            snprintf(err, errlen, "%s: source_scale: expected up to %u comma-separated numbers "
                     "> 0, got '%s'", simulated_cost_name, SIMULATED_COST_MAX_SOURCES, text);
            return 1;
        }
        p = end + 1;
    }
}

/* Opens FUNCTION.so from the folder this plugin's file is in. */
static int simulated_cost_open(simulated_cost_state *s, const char *function, char *err,
                               size_t errlen)
{
    for (const char *c = function; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
              (*c >= '0' && *c <= '9') || *c == '_') ||
            strcmp(function, simulated_cost_name) == 0) {
            snprintf(err, errlen, "%s: function: '%s' is not the name of another plugin",
                     simulated_cost_name, function);
            return 1;
        }
    if (function[0] == '\0') {
        snprintf(err, errlen, "%s: function: empty", simulated_cost_name);
        return 1;
    }
    Dl_info info;
    if (dladdr((void *)&simulated_cost_normal, &info) == 0 || info.dli_fname == NULL) {
        snprintf(err, errlen, "%s: cannot tell which folder this plugin was loaded from",
                 simulated_cost_name);
        return 1;
    }
    char path[4096];
    const char *slash = strrchr(info.dli_fname, '/');
    int dir_len = slash ? (int)(slash - info.dli_fname) : 1;
    int len = snprintf(path, sizeof path, "%.*s/%s.so", dir_len, slash ? info.dli_fname : ".",
                       function);
    if (len < 0 || (size_t)len >= sizeof path) {
        snprintf(err, errlen, "%s: path of function '%s' too long", simulated_cost_name,
                 function);
        return 1;
    }
    s->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (s->handle == NULL) {
        snprintf(err, errlen, "%s: function '%s': %s", simulated_cost_name, function,
                 dlerror());
        return 1;
    }
    void *sym = dlsym(s->handle, BO_PLUGIN_ENTRY_SYMBOL);
    const bo_plugin *(*entry)(void) = NULL;
    if (sym != NULL)
        memcpy(&entry, &sym, sizeof entry); /* object to function pointer, as POSIX allows */
    s->inner = entry ? entry() : NULL;
    if (s->inner == NULL || s->inner->abi_version != BO_PLUGIN_ABI_VERSION ||
        s->inner->struct_size < offsetof(bo_plugin, evaluate_call)) {
        snprintf(err, errlen, "%s: %s is not a plugin of ABI version %u", simulated_cost_name,
                 path, BO_PLUGIN_ABI_VERSION);
        return 1;
    }
    if (s->inner->struct_size >= offsetof(bo_plugin, evaluate_call) + sizeof s->inner->evaluate_call)
        s->inner_call = s->inner->evaluate_call;
    if (s->inner->evaluate == NULL && s->inner_call == NULL) {
        snprintf(err, errlen, "%s: %s has no evaluate callback", simulated_cost_name, path);
        return 1;
    }
    return 0;
}

static void simulated_cost_fini(void *state)
{
    simulated_cost_state *s = state;
    if (s == NULL)
        return;
    if (s->inner != NULL && s->inner->fini != NULL && s->inner_state != NULL)
        s->inner->fini(s->inner_state);
    if (s->handle != NULL)
        dlclose(s->handle);
    free(s);
}

static int simulated_cost_init(void **state, const bo_plugin_param *params, size_t n_params,
                               size_t dim, size_t n_sources, char *err, size_t errlen)
{
    *state = NULL;
    simulated_cost_state *s = calloc(1, sizeof *s);
    bo_plugin_param *rest = calloc(n_params + 1, sizeof *rest);
    if (s == NULL || rest == NULL) {
        free(s);
        free(rest);
        snprintf(err, errlen, "%s: out of memory", simulated_cost_name);
        return 1;
    }
    s->mean_seconds = 1.0;
    s->sigma = 0.5;
    s->n_sources = n_sources == 0 ? 1 : n_sources;
    for (size_t j = 0; j < SIMULATED_COST_MAX_SOURCES; j++)
        s->scale[j] = 1.0;
    const char *function = "hartmann6";
    size_t n_rest = 0, n_scale = 0;
    int bad = 0;
    for (size_t i = 0; i < n_params && !bad; i++) {
        const char *key = params[i].key;
        if (strcmp(key, "function") == 0)
            function = params[i].value;
        else if (strcmp(key, "mean_seconds") == 0)
            bad = simulated_cost_number(&params[i], &s->mean_seconds, err, errlen);
        else if (strcmp(key, "sigma") == 0)
            bad = simulated_cost_number(&params[i], &s->sigma, err, errlen);
        else if (strcmp(key, "source_scale") == 0)
            bad = simulated_cost_scales(params[i].value, s->scale, &n_scale, err, errlen);
        else
            rest[n_rest++] = params[i];
    }
    if (!bad && n_scale > 0 && n_scale < s->n_sources) {
        snprintf(err, errlen, "%s: source_scale: %zu numbers for %zu sources",
                 simulated_cost_name, n_scale, s->n_sources);
        bad = 1;
    }
    if (!bad && s->n_sources > SIMULATED_COST_MAX_SOURCES) {
        snprintf(err, errlen, "%s: at most %u sources, the config has %zu", simulated_cost_name,
                 SIMULATED_COST_MAX_SOURCES, s->n_sources);
        bad = 1;
    }
    if (!bad)
        bad = simulated_cost_open(s, function, err, errlen);
    if (!bad && s->inner->init != NULL) {
        char inner_err[512] = "";
        if (s->inner->init(&s->inner_state, rest, n_rest, dim, n_sources, inner_err,
                           sizeof inner_err) != 0) {
            inner_err[sizeof inner_err - 1] = '\0';
            snprintf(err, errlen, "%s: %s", simulated_cost_name, inner_err);
            s->inner_state = NULL;
            bad = 1;
        }
    } else if (!bad && n_rest > 0) {
        snprintf(err, errlen, "%s: unknown param '%s' (known: function, mean_seconds, sigma, "
                 "source_scale, and the function's own)", simulated_cost_name, rest[0].key);
        bad = 1;
    }
    free(rest);
    if (bad) {
        simulated_cost_fini(s);
        return 1;
    }
    *state = s;
    return 0;
}

static int simulated_cost_run(const simulated_cost_state *s, const double *x, size_t dim,
                              size_t source, const bo_plugin_call *call, double z, double *y,
                              char *err, size_t errlen)
{
    if (s == NULL || source >= s->n_sources) {
        snprintf(err, errlen, "%s: called with source %zu%s", simulated_cost_name, source,
                 s == NULL ? " before init" : "");
        return 1;
    }
    simulated_cost_sleep(simulated_cost_seconds(s, source, z));
    if (s->inner_call != NULL && (call != NULL || s->inner->evaluate == NULL)) {
        bo_plugin_call none = {.struct_size = sizeof none, .seed = 0, .eval = 0, .worker = 0};
        return s->inner_call(s->inner_state, x, dim, source, call ? call : &none, y, err,
                             errlen);
    }
    return s->inner->evaluate(s->inner_state, x, dim, source, y, err, errlen);
}

static int simulated_cost_evaluate_call(void *state, const double *x, size_t dim,
                                        size_t source, const bo_plugin_call *call, double *y,
                                        char *err, size_t errlen)
{
    uint64_t seed = 0, eval = 0;
    if (call != NULL && call->struct_size >= offsetof(bo_plugin_call, worker)) {
        seed = (uint64_t)call->seed;
        eval = (uint64_t)call->eval;
    }
    return simulated_cost_run(state, x, dim, source, call, simulated_cost_normal(seed, eval), y,
                              err, errlen);
}

/* Hosts without evaluate_call: no evaluation number, so the draw comes from
 * the point itself. */
static int simulated_cost_evaluate(void *state, const double *x, size_t dim, size_t source,
                                   double *y, char *err, size_t errlen)
{
    return simulated_cost_run(state, x, dim, source, NULL, bench_normal(0, source, x, dim), y,
                              err, errlen);
}

static const bench_function bench_this_function = {
    .plugin = {.abi_version = BO_PLUGIN_ABI_VERSION,
               .struct_size = sizeof(bo_plugin),
               .name = "simulated_cost",
               .dim = 0,
               .n_sources = 0,
               .init = simulated_cost_init,
               .evaluate = simulated_cost_evaluate,
               .fini = simulated_cost_fini,
               .evaluate_call = simulated_cost_evaluate_call},
};

const bo_plugin *bo_plugin_entry(void)
{
    return &bench_this_function.plugin;
}
