/* The benchmark plugins and their known-optimum table: every plugin loads
 * with dlopen and agrees with its table row (name, dim, sources); each takes
 * its tabulated optimum at its tabulated argopt, and no point of a dense
 * random sample of the box beats it; spot values match independent formulas
 * or hand algebra; noise is a deterministic function of (x, source, seed);
 * low-fidelity sources are biased away from HF; every error path of init and
 * evaluate is provoked. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "bo/report/benchmarks.h"
#include "bo/bo_plugin.h"
#include "gp/rng.h"
#include "tests/check.h"

#define PI 3.14159265358979323846

typedef struct loaded {
    void *handle;
    const bo_plugin *plugin;
} loaded;

static int load_plugin(const char *name, loaded *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/plugins/%s.so", BO_BINARY_DIR, name);
    out->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    out->plugin = NULL;
    if (out->handle == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    void *sym = dlsym(out->handle, BO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        fprintf(stderr, "dlsym %s: %s\n", path, dlerror());
        dlclose(out->handle);
        out->handle = NULL;
        return 1;
    }
    const bo_plugin *(*entry)(void);
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer, POSIX-sanctioned */
    out->plugin = entry();
    return 0;
}

static void unload_plugin(loaded *l)
{
    if (l->handle != NULL)
        dlclose(l->handle);
    l->handle = NULL;
    l->plugin = NULL;
}

/* An initialised plugin state, params given as "key", "value", ..., NULL. */
static int start(const bo_plugin *p, size_t dim, size_t n_sources, void **state,
                 char *err, size_t errlen, const char *const *kv)
{
    bo_plugin_param params[8];
    size_t n = 0;
    while (kv != NULL && kv[2 * n] != NULL && n < 8) {
        params[n].key = kv[2 * n];
        params[n].value = kv[2 * n + 1];
        n++;
    }
    err[0] = '\0';
    *state = NULL;
    if (p->init == NULL)
        return 0;
    return p->init(state, params, n, dim, n_sources, err, errlen);
}

static void stop(const bo_plugin *p, void *state)
{
    if (p->fini != NULL)
        p->fini(state);
}

/* f at x for source, or NaN when evaluate reports failure. */
static double eval(const bo_plugin *p, void *state, const double *x, size_t dim, size_t source)
{
    char err[256] = "";
    double y = NAN;
    if (p->evaluate(state, x, dim, source, &y, err, sizeof err) != 0)
        return NAN;
    return y;
}

/* Params that make every plugin noise-free, whatever its default. */
static const char *const noise_free[] = {"noise_sd", "0", NULL};

static int has_noise_param(const char *name)
{
    const bo_benchmark *b = bo_benchmark_find(name);
    return strcmp(name, "noisy_sine") == 0 || (b != NULL && b->n_sources > 1);
}

/* Compass search in the box from x (overwritten by the best point found) on
 * sign * f: a local polish that a mis-tabulated optimum or argopt cannot
 * survive. Returns the best sign * f. */
static double polish(const bo_plugin *p, void *state, const bo_benchmark *b, double sign,
                     double *x)
{
    double best = sign * eval(p, state, x, b->dim, 0);
    double step = 0.1;
    while (step > 1e-10) {
        int improved = 0;
        for (size_t j = 0; j < b->dim; j++) {
            for (int dir = -1; dir <= 1; dir += 2) {
                double keep = x[j];
                double range = b->upper[j] - b->lower[j];
                x[j] = fmin(b->upper[j], fmax(b->lower[j], keep + dir * step * range));
                double y = sign * eval(p, state, x, b->dim, 0);
                if (y < best) {
                    best = y;
                    improved = 1;
                } else {
                    x[j] = keep;
                }
            }
        }
        if (!improved)
            step *= 0.5;
    }
    return best;
}

/* The table row agrees with the plugin, the optimum is attained at argopt and
 * not beaten by 20 000 uniform points in the box. */
static void check_entry(const bo_benchmark *b, bo_rng *rng)
{
    loaded l;
    CHECK_MSG(load_plugin(b->name, &l) == 0, "%s: plugin not loadable", b->name);
    if (l.plugin == NULL)
        return;
    const bo_plugin *p = l.plugin;
    CHECK_MSG(p->abi_version == BO_PLUGIN_ABI_VERSION, "%s: abi %u", b->name, p->abi_version);
    CHECK_MSG(p->struct_size == sizeof(bo_plugin), "%s: struct_size %zu", b->name,
              p->struct_size);
    CHECK_MSG(strcmp(p->name, b->name) == 0, "%s: plugin calls itself %s", b->name, p->name);
    CHECK_MSG(p->dim == b->dim, "%s: plugin dim %zu, table %zu", b->name, p->dim, b->dim);
    CHECK_MSG(p->n_sources == b->n_sources, "%s: plugin sources %zu, table %zu", b->name,
              p->n_sources, b->n_sources);
    CHECK(p->evaluate != NULL);

    /* Table sanity: a well-formed box containing argopt, positive costs. */
    for (size_t j = 0; j < b->dim; j++) {
        CHECK_MSG(b->input_names[j] != NULL && b->lower[j] < b->upper[j], "%s: input %zu",
                  b->name, j);
        CHECK_MSG(b->argopt[j] >= b->lower[j] && b->argopt[j] <= b->upper[j],
                  "%s: argopt[%zu] = %g outside the box", b->name, j, b->argopt[j]);
    }
    for (size_t s = 0; s < b->n_sources; s++)
        CHECK_MSG(b->source_names[s] != NULL && b->source_costs[s] > 0.0, "%s: source %zu",
                  b->name, s);
    CHECK(strcmp(b->source_names[0], "HF") == 0);

    char err[256];
    void *state;
    int rc = start(p, b->dim, b->n_sources, &state, err, sizeof err,
                   has_noise_param(b->name) ? noise_free : NULL);
    CHECK_MSG(rc == 0, "%s: init failed: %s", b->name, err);
    if (rc != 0) {
        unload_plugin(&l);
        return;
    }
    CHECK(b->optimum_known);
    /* The tabulated optimum is the function's value at argopt to rounding:
     * 1e-12 relative covers the few ulps of a different summation order, and
     * 1e-12 absolute the optima that are exactly 0 (Ackley's exp terms cancel
     * to ~4e-16). */
    CHECK_CLOSE(eval(p, state, b->argopt, b->dim, 0), b->optimum, 1e-12, 1e-12);
    if (b->n_constraints > 0) {
        /* The optimum is over the feasible set only, which the checks below
         * do not know: tests/test_constrained_benchmarks.c has them. */
        stop(p, state);
        unload_plugin(&l);
        return;
    }

    /* A dense sample must not beat the optimum; 1e-9 absolute lets a sample
     * land (improbably) within rounding of a flat optimum. */
    double sign = b->goal == BO_BENCHMARK_MAXIMIZE ? -1.0 : 1.0;
    double best = INFINITY;
    double x[BO_BENCHMARK_MAX_DIM], best_x[BO_BENCHMARK_MAX_DIM];
    int all_finite = 1;
    for (int i = 0; i < 20000; i++) {
        for (size_t j = 0; j < b->dim; j++)
            x[j] = b->lower[j] + (b->upper[j] - b->lower[j]) * bo_rng_uniform(rng);
        double y = sign * eval(p, state, x, b->dim, 0);
        all_finite &= isfinite(y) != 0;
        if (y < best) {
            best = y;
            memcpy(best_x, x, sizeof x);
        }
    }
    CHECK_MSG(all_finite, "%s: non-finite value in the box", b->name);
    CHECK_MSG(best >= sign * b->optimum - 1e-9, "%s: sample reached %.12g, table %.12g",
              b->name, sign * best, b->optimum);
    CHECK(bo_benchmark_regret(b, sign * best) >= -1e-9);
    /* Polished locally, neither the best sample nor a point next to argopt
     * goes below the optimum by more than rounding (1e-10 relative: the
     * refined optima are accurate to ~1e-13). */
    double tol = 1e-10 * fmax(1.0, fabs(b->optimum));
    double from_sample = polish(p, state, b, sign, best_x);
    CHECK_MSG(from_sample >= sign * b->optimum - tol, "%s: polish reached %.15g, table %.15g",
              b->name, sign * from_sample, b->optimum);
    for (size_t j = 0; j < b->dim; j++) {
        double nudged = b->argopt[j] + 1e-3 * (b->upper[j] - b->lower[j]);
        x[j] = fmin(b->upper[j], fmax(b->lower[j], nudged));
    }
    double from_argopt = polish(p, state, b, sign, x);
    CHECK_MSG(from_argopt >= sign * b->optimum - tol, "%s: polish near argopt reached %.15g, "
              "table %.15g", b->name, sign * from_argopt, b->optimum);
    /* Random points around argopt, every input moved at once by up to 1e-6,
     * 1e-4 and 1e-2 of its range: a shift or argopt typed wrong in one input
     * leaves argopt on a slope, and about half of these points go downhill
     * from it, which the coordinate steps of the polish can miss when the
     * slope runs along a diagonal. */
    const double radii[3] = {1e-6, 1e-4, 1e-2};
    double lowest = INFINITY;
    for (int r = 0; r < 3; r++) {
        for (int i = 0; i < 300; i++) {
            for (size_t j = 0; j < b->dim; j++) {
                double step = radii[r] * (b->upper[j] - b->lower[j]) *
                              (2.0 * bo_rng_uniform(rng) - 1.0);
                x[j] = fmin(b->upper[j], fmax(b->lower[j], b->argopt[j] + step));
            }
            lowest = fmin(lowest, sign * eval(p, state, x, b->dim, 0));
        }
    }
    CHECK_MSG(lowest >= sign * b->optimum - tol, "%s: a point near argopt reached %.15g, "
              "table %.15g", b->name, sign * lowest, b->optimum);

    /* Every source evaluates; one past the last is refused. */
    for (size_t s = 0; s < b->n_sources; s++)
        CHECK_MSG(isfinite(eval(p, state, b->argopt, b->dim, s)), "%s: source %zu", b->name, s);
    CHECK(isnan(eval(p, state, b->argopt, b->dim, b->n_sources)));
    /* Wrong dim at evaluate is refused. */
    if (b->dim > 1)
        CHECK(isnan(eval(p, state, b->argopt, b->dim - 1, 0)));
    stop(p, state);

    /* init refuses a wrong dim, too many sources and an unknown param. */
    CHECK(start(p, b->dim + 1, b->n_sources, &state, err, sizeof err, NULL) != 0);
    CHECK(strstr(err, b->name) != NULL);
    CHECK(start(p, b->dim, b->n_sources + 1, &state, err, sizeof err, NULL) != 0);
    static const char *const unknown[] = {"no_such_param", "1", NULL};
    CHECK(start(p, b->dim, b->n_sources, &state, err, sizeof err, unknown) != 0);
    CHECK(strstr(err, "no_such_param") != NULL);
    unload_plugin(&l);
}

/* One plugin, noise-free, kept open for spot checks. */
typedef struct instance {
    loaded lib;
    void *state;
    size_t dim;
} instance;

static int open_instance(instance *in, const char *name, const char *const *kv)
{
    const bo_benchmark *b = bo_benchmark_find(name);
    char err[256];
    in->state = NULL;
    in->dim = b != NULL ? b->dim : 0;
    if (b == NULL || load_plugin(name, &in->lib) != 0)
        return 1;
    if (start(in->lib.plugin, b->dim, b->n_sources, &in->state, err, sizeof err, kv) != 0) {
        fprintf(stderr, "%s: init: %s\n", name, err);
        unload_plugin(&in->lib);
        return 1;
    }
    return 0;
}

static double at(instance *in, size_t source, const double *x)
{
    return eval(in->lib.plugin, in->state, x, in->dim, source);
}

static void close_instance(instance *in)
{
    if (in->lib.plugin != NULL)
        stop(in->lib.plugin, in->state);
    unload_plugin(&in->lib);
}

/* Spot values, each computed here by hand algebra or by a second formula
 * written differently from the plugin's. 1e-12 relative where both sides are
 * a few floating-point operations; looser where stated. */
static void check_single_fidelity_values(void)
{
    instance in;
    if (open_instance(&in, "branin", NULL) == 0) {
        /* All three published minimisers give 5 / (4 pi) exactly. */
        const double m1[2] = {-PI, 12.275}, m3[2] = {3.0 * PI, 2.475};
        CHECK_CLOSE(at(&in, 0, m1), 5.0 / (4.0 * PI), 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 0, m3), 5.0 / (4.0 * PI), 1e-12, 0.0);
        /* (0, 0): 36 + 10 (1 - 1/(8 pi)) + 10. */
        const double o[2] = {0.0, 0.0};
        CHECK_CLOSE(at(&in, 0, o), 56.0 - 10.0 / (8.0 * PI), 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "hartmann3", NULL) == 0) {
        /* Literature: -3.86278 at the published 6-digit point. */
        const double x[3] = {0.114614, 0.555649, 0.852547};
        CHECK_CLOSE(at(&in, 0, x), -3.86278, 0.0, 5e-6);
        close_instance(&in);
    }
    if (open_instance(&in, "hartmann6", NULL) == 0) {
        const double x[6] = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
        CHECK_CLOSE(at(&in, 0, x), -3.32237, 0.0, 5e-6);
        /* At the origin only the near terms matter; second formula: the sum
         * of alpha_i exp(-A_i . P_i^2) with the constants retyped row-wise. */
        const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
        const double e[4] = {
            10 * .1312 * .1312 + 3 * .1696 * .1696 + 17 * .5569 * .5569 + 3.5 * .0124 * .0124 +
                1.7 * .8283 * .8283 + 8 * .5886 * .5886,
            .05 * .2329 * .2329 + 10 * .4135 * .4135 + 17 * .8307 * .8307 +
                .1 * .3736 * .3736 + 8 * .1004 * .1004 + 14 * .9991 * .9991,
            3 * .2348 * .2348 + 3.5 * .1451 * .1451 + 1.7 * .3522 * .3522 +
                10 * .2883 * .2883 + 17 * .3047 * .3047 + 8 * .6650 * .6650,
            17 * .4047 * .4047 + 8 * .8828 * .8828 + .05 * .8732 * .8732 +
                10 * .5743 * .5743 + .1 * .1091 * .1091 + 14 * .0381 * .0381};
        double want = 0.0;
        for (int i = 0; i < 4; i++)
            want -= alpha[i] * exp(-e[i]);
        const double origin[6] = {0};
        CHECK_CLOSE(at(&in, 0, origin), want, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "ackley5", NULL) == 0) {
        /* One unit from the shifted optimum along x1: cos(2 pi) = 1, so the
         * cosine term is e and f = 20 (1 - exp(-0.2 / sqrt 5)). */
        const double x[5] = {7.4, -11.7, 3.1, 17.9, -4.6};
        CHECK_CLOSE(at(&in, 0, x), 20.0 * (1.0 - exp(-0.2 / sqrt(5.0))), 1e-12, 1e-14);
        /* The box centre is far from the optimum now. */
        const double centre[5] = {0};
        CHECK(at(&in, 0, centre) > 10.0);
        close_instance(&in);
    }
    if (open_instance(&in, "levy", NULL) == 0) {
        /* Origin: w = 3/4, sin^2(3 pi / 4) = 1/2, sin^2(3 pi / 2) = 1,
         * so f = 1/2 + 3 (1/16)(1 + 10 sin^2(3 pi / 4 + 1)) + (1/16) 2. */
        const double o[4] = {0};
        double s = sin(0.75 * PI + 1.0);
        CHECK_CLOSE(at(&in, 0, o), 0.5 + 3.0 / 16.0 * (1.0 + 10.0 * s * s) + 0.125, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "rosenbrock", NULL) == 0) {
        const double o[4] = {0}, alt[4] = {-1.0, 1.0, -1.0, 1.0};
        CHECK_CLOSE(at(&in, 0, o), 3.0, 1e-15, 0.0);     /* three (0 - 1)^2 terms */
        CHECK_CLOSE(at(&in, 0, alt), 408.0, 1e-15, 0.0); /* 4 + 400 + 4 by hand */
        close_instance(&in);
    }
    if (open_instance(&in, "rosenbrock8", NULL) == 0) {
        const double o[8] = {0};
        CHECK_CLOSE(at(&in, 0, o), 7.0, 1e-15, 0.0); /* seven (0 - 1)^2 terms */
        close_instance(&in);
    }
    if (open_instance(&in, "rosenbrock20", NULL) == 0) {
        double o[20] = {0};
        CHECK_CLOSE(at(&in, 0, o), 19.0, 1e-15, 0.0);
        o[19] = 1.0; /* adds 100 (1 - 0)^2 to the last term */
        CHECK_CLOSE(at(&in, 0, o), 119.0, 1e-15, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "sixhump_camel", NULL) == 0) {
        /* (1, 1): (4 - 2.1 + 1/3) + 1 + 0; (0, 1): 0 + 0 + 0; the mirror minima agree. */
        const double a[2] = {1.0, 1.0}, b[2] = {0.0, 1.0}, c[2] = {-1.0, 0.5};
        CHECK_CLOSE(at(&in, 0, a), 1.9 + 1.0 / 3.0 + 1.0, 1e-14, 0.0);
        CHECK_CLOSE(at(&in, 0, b), 0.0, 0.0, 1e-15);
        /* (-1, 1/2): (1.9 + 1/3) - 1/2 + (-4 + 1) / 4. */
        CHECK_CLOSE(at(&in, 0, c), 1.9 + 1.0 / 3.0 - 0.5 - 0.75, 1e-14, 0.0);
        const bo_benchmark *b6 = bo_benchmark_find("sixhump_camel");
        const double mirror[2] = {-b6->argopt[0], -b6->argopt[1]};
        CHECK_CLOSE(at(&in, 0, mirror), b6->optimum, 1e-14, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "rastrigin4", NULL) == 0) {
        /* One unit from the shifted optimum along x1: 40 + (1 - 10) + 3 (0 - 10). */
        const double x[4] = {2.3, -2.1, 0.7, 2.6};
        CHECK_CLOSE(at(&in, 0, x), 1.0, 1e-12, 1e-13);
        /* Half a unit along x2: 40 + (1/4 - 10 cos(pi)) + 3 (0 - 10). */
        const double h[4] = {1.3, -1.6, 0.7, 2.6};
        CHECK_CLOSE(at(&in, 0, h), 20.25, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "shekel10", NULL) == 0) {
        /* At (1, 1, 1, 1), the second centre: the terms summed by centre
         * distance, retyped: 1/(36+.1) + 1/.2 + 1/(196+.2) + 1/(100+.4)
         * + 1/(4+36+4+36+.4) + 1/(1+64+1+64+.6) + 1/(16+4+16+4+.3)
         * + 1/(49+0+49+0+.7) + 1/(25+1+25+1+.5) + 1/(36+6.76+36+6.76+.5). */
        const double x[4] = {1.0, 1.0, 1.0, 1.0};
        double want = 1 / 36.1 + 1 / 0.2 + 1 / 196.2 + 1 / 100.4 + 1 / 80.4 + 1 / 130.6 +
                      1 / 40.3 + 1 / 98.7 + 1 / 52.5 + 1 / 86.02;
        CHECK_CLOSE(at(&in, 0, x), -want, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "griewank6", NULL) == 0) {
        /* z = (pi, 0, ..., 0): pi^2 / 4000 - cos(pi) + 1. */
        const double x[6] = {143.7 + PI, -211.3, 87.9, -52.6, 310.4, -175.2};
        CHECK_CLOSE(at(&in, 0, x), PI * PI / 4000.0 + 2.0, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "dixon_price6", NULL) == 0) {
        const double o[6] = {0}, ones[6] = {1, 1, 1, 1, 1, 1};
        CHECK_CLOSE(at(&in, 0, o), 1.0, 1e-15, 0.0);
        CHECK_CLOSE(at(&in, 0, ones), 2.0 + 3.0 + 4.0 + 5.0 + 6.0, 1e-15, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "powell8", NULL) == 0) {
        /* z = e_1: (1 + 0)^2 + 0 + 0 + 10 (1 - 0)^4; z = e_6 (second group's
         * second input): 10^2 + 1^4. */
        const double x[8] = {2.7, -2.3, 0.9, 2.8, -1.1, 3.4, -2.6, 0.6};
        const double y[8] = {1.7, -2.3, 0.9, 2.8, -1.1, 4.4, -2.6, 0.6};
        CHECK_CLOSE(at(&in, 0, x), 11.0, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 0, y), 101.0, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "zakharov8", NULL) == 0) {
        /* z = e_2: 1 + (0.5 * 2)^2 + (0.5 * 2)^4; z = e_4: 1 + 2^2 + 2^4. */
        const double x[8] = {3.1, -1.4, 6.2, 1.7, -3.8, 4.5, 7.3, -1.2};
        const double y[8] = {3.1, -2.4, 6.2, 2.7, -3.8, 4.5, 7.3, -1.2};
        CHECK_CLOSE(at(&in, 0, x), 3.0, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 0, y), 21.0, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "ackley10", NULL) == 0) {
        const bo_benchmark *b = bo_benchmark_find("ackley10");
        double x[10];
        memcpy(x, b->argopt, sizeof x);
        x[9] += 1.0;
        CHECK_CLOSE(at(&in, 0, x), 20.0 * (1.0 - exp(-0.2 / sqrt(10.0))), 1e-12, 1e-14);
        close_instance(&in);
    }
    if (open_instance(&in, "ackley20", NULL) == 0) {
        const bo_benchmark *b = bo_benchmark_find("ackley20");
        double x[20];
        memcpy(x, b->argopt, sizeof x);
        x[13] -= 1.0;
        CHECK_CLOSE(at(&in, 0, x), 20.0 * (1.0 - exp(-0.2 / sqrt(20.0))), 1e-12, 1e-14);
        close_instance(&in);
    }
    if (open_instance(&in, "hartmann4_in20", NULL) == 0) {
        /* Only x3, x8, x12, x17 matter: moving the other 16 changes nothing. */
        const bo_benchmark *b = bo_benchmark_find("hartmann4_in20");
        double x[20];
        memcpy(x, b->argopt, sizeof x);
        for (size_t j = 0; j < 20; j++)
            if (j != 2 && j != 7 && j != 11 && j != 16)
                x[j] = (double)j / 19.0;
        CHECK(at(&in, 0, x) == b->optimum);
        /* u = 0: the sum of alpha_i exp(-A_i . P_i^2), constants retyped. */
        const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
        const double e[4] = {
            10 * .1312 * .1312 + 3 * .1696 * .1696 + 17 * .5569 * .5569 + 3.5 * .0124 * .0124,
            .05 * .2329 * .2329 + 10 * .4135 * .4135 + 17 * .8307 * .8307 + .1 * .3736 * .3736,
            3 * .2348 * .2348 + 3.5 * .1451 * .1451 + 1.7 * .3522 * .3522 + 10 * .2883 * .2883,
            17 * .4047 * .4047 + 8 * .8828 * .8828 + .05 * .8732 * .8732 + 10 * .5743 * .5743};
        double want = 0.0;
        for (int i = 0; i < 4; i++)
            want -= alpha[i] * exp(-e[i]);
        for (size_t j = 0; j < 20; j++)
            x[j] = 0.0;
        CHECK_CLOSE(at(&in, 0, x), want, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "noisy_sine", noise_free) == 0) {
        /* sin(3 pi / 2) + sin(5 pi) = -1; sin(2 pi) + sin(20 pi / 3) = sqrt(3)/2. */
        const double a = 1.5 * PI, b = 2.0 * PI;
        CHECK_CLOSE(at(&in, 0, &a), -1.0, 1e-12, 1e-14);
        CHECK_CLOSE(at(&in, 0, &b), sqrt(3.0) / 2.0, 1e-12, 1e-14);
        close_instance(&in);
    }
}

/* Borehole written as one generic form with per-source coefficients:
 * 2 pi Tu (a Hu - b Hl) / (ln(c r / rw) (1 + k L Tu / (ln(r / rw) rw^2 Kw) + m Tu / Tl)). */
static double borehole_generic(const double *x, size_t source)
{
    static const double coef[5][5] = {
        /* a     b    c    k    m */
        {1.00, 1.0, 1.0, 2.0, 1.00},
        {1.00, 0.8, 1.0, 1.0, 1.00},
        {1.00, 1.0, 1.0, 8.0, 0.75},
        {1.09, 1.0, 4.0, 3.0, 1.00},
        {1.05, 1.0, 2.0, 3.0, 1.00}};
    const double *c = coef[source];
    double tu = x[0], hu = x[1], hl = x[2], r = x[3], rw = x[4], tl = x[5], len = x[6],
           kw = x[7];
    double inner = 1.0 + c[3] * len * tu / (log(r / rw) * rw * rw * kw) + c[4] * tu / tl;
    return 2.0 * PI * tu * (c[0] * hu - c[1] * hl) / (log(c[2] * r / rw) * inner);
}

/* Wing written through logarithms. */
static double wing_generic(const double *x, size_t source)
{
    static const double e[4] = {0.758, 0.758, 0.8, 0.9};
    double c = cos(x[3] * PI / 180.0);
    double lw = log(0.036) + e[source] * log(x[0]) + 0.0035 * log(x[1]) +
                0.6 * (log(x[2]) - 2.0 * log(c)) + 0.006 * log(x[4]) + 0.04 * log(x[5]) -
                0.3 * (log(100.0 * x[6]) - log(c)) + 0.49 * (log(x[7]) + log(x[8]));
    double paint = source == 0 ? x[0] * x[9] : source == 3 ? 0.0 : x[9];
    return exp(lw) + paint;
}

static double currin_generic(double x1, double x2)
{
    double num = 2300.0 * pow(x1, 3) + 1900.0 * x1 * x1 + 2092.0 * x1 + 60.0;
    double den = 100.0 * pow(x1, 3) + 500.0 * x1 * x1 + 4.0 * x1 + 20.0;
    return (x2 <= 0.0 ? 1.0 : -expm1(-0.5 / x2)) * num / den;
}

static void check_multi_fidelity_values(bo_rng *rng)
{
    instance in;
    if (open_instance(&in, "borehole_mf", noise_free) == 0) {
        const bo_benchmark *b = bo_benchmark_find("borehole_mf");
        /* The pinned value, given to 6 digits. */
        CHECK_CLOSE(at(&in, 0, b->argopt), 3.98546, 1e-4, 0.0);
        /* Generic form at random points; 1e-12 relative: a handful of
         * operations in another order. Bias: |LF - HF| averaged over the box
         * is a visible fraction of |HF| for every LF. */
        double bias[5] = {0}, scale = 0.0;
        double x[8];
        for (int i = 0; i < 200; i++) {
            for (size_t j = 0; j < 8; j++)
                x[j] = b->lower[j] + (b->upper[j] - b->lower[j]) * bo_rng_uniform(rng);
            double hf = at(&in, 0, x);
            scale += fabs(hf);
            for (size_t s = 0; s < 5; s++) {
                double y = at(&in, s, x);
                CHECK_CLOSE(y, borehole_generic(x, s), 1e-12, 0.0);
                bias[s] += fabs(y - hf);
            }
        }
        CHECK(bias[0] == 0.0);
        for (size_t s = 1; s < 5; s++)
            CHECK_MSG(bias[s] > 0.01 * scale, "borehole LF%zu mean |bias| %g vs |HF| %g", s,
                      bias[s] / 200, scale / 200);
        close_instance(&in);
    }
    if (open_instance(&in, "wing_mf", noise_free) == 0) {
        const bo_benchmark *b = bo_benchmark_find("wing_mf");
        /* Box centre, and random points: the log form agrees to ~1e-14 per
         * log term, 1e-12 relative is generous. */
        double x[10];
        for (size_t j = 0; j < 10; j++)
            x[j] = 0.5 * (b->lower[j] + b->upper[j]);
        for (size_t s = 0; s < 4; s++)
            CHECK_CLOSE(at(&in, s, x), wing_generic(x, s), 1e-12, 0.0);
        double bias[4] = {0};
        for (int i = 0; i < 200; i++) {
            for (size_t j = 0; j < 10; j++)
                x[j] = b->lower[j] + (b->upper[j] - b->lower[j]) * bo_rng_uniform(rng);
            double hf = at(&in, 0, x);
            for (size_t s = 0; s < 4; s++) {
                double y = at(&in, s, x);
                CHECK_CLOSE(y, wing_generic(x, s), 1e-12, 0.0);
                bias[s] += fabs(y - hf);
            }
        }
        /* LF1 drops Sw from the paint term: |bias| >= 149 Wp >= 3.7 per point. */
        for (size_t s = 1; s < 4; s++)
            CHECK_MSG(bias[s] / 200 > 3.0, "wing LF%zu mean |bias| %g", s, bias[s] / 200);
        close_instance(&in);
    }
    if (open_instance(&in, "forrester_mf", noise_free) == 0) {
        /* x = 0.5: (6x - 2)^2 = 1, sin(2); x = 0: 4 sin(-4). LF = HF/2 + 10(x - 1/2) - 5. */
        const double h = 0.5, z = 0.0;
        CHECK_CLOSE(at(&in, 0, &h), sin(2.0), 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 1, &h), 0.5 * sin(2.0) - 5.0, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 0, &z), 4.0 * sin(-4.0), 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 1, &z), 2.0 * sin(-4.0) - 10.0, 1e-12, 0.0);
        close_instance(&in);
    }
    if (open_instance(&in, "currin_mf", noise_free) == 0) {
        /* x1 = 0: the rational factor is 60 / 20 = 3; x2 = 1/2: 1 - 1/e. */
        const double a[2] = {0.0, 0.5}, c[2] = {1.0, 1.0}, e[2] = {0.3, 0.02};
        CHECK_CLOSE(at(&in, 0, a), 3.0 * (1.0 - exp(-1.0)), 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 0, c), 6352.0 / 624.0 * (1.0 - exp(-0.5)), 1e-12, 0.0);
        /* LF: four-point average, the lower pair clipped to x2 = 0 when
         * x2 < 0.05 (point e). */
        double want_a = 0.25 * (currin_generic(0.05, 0.55) + currin_generic(0.05, 0.45) +
                                currin_generic(-0.05, 0.55) + currin_generic(-0.05, 0.45));
        double want_e = 0.25 * (currin_generic(0.35, 0.07) + currin_generic(0.35, 0.0) +
                                currin_generic(0.25, 0.07) + currin_generic(0.25, 0.0));
        CHECK_CLOSE(at(&in, 1, a), want_a, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 1, e), want_e, 1e-12, 0.0);
        CHECK(fabs(at(&in, 1, e) - at(&in, 0, e)) > 1e-3);
        close_instance(&in);
    }
    if (open_instance(&in, "park_mf", noise_free) == 0) {
        /* Published form x1/2 [sqrt(1 + (x2 + x3^2) x4 / x1^2) - 1] + ... */
        const double x[4] = {0.3, 0.6, 0.2, 0.8}, ones[4] = {1.0, 1.0, 1.0, 1.0};
        double hf = 0.15 * (sqrt(1.0 + (0.6 + 0.04) * 0.8 / 0.09) - 1.0) +
                    (0.3 + 2.4) * exp(1.0 + sin(0.2));
        CHECK_CLOSE(at(&in, 0, x), hf, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 1, x), (1.0 + sin(0.3) / 10.0) * hf - 0.6 + 0.36 + 0.04 + 0.5,
                    1e-12, 0.0);
        double hf1 = 0.5 * (sqrt(3.0) - 1.0) + 4.0 * exp(1.0 + sin(1.0));
        CHECK_CLOSE(at(&in, 0, ones), hf1, 1e-12, 0.0);
        CHECK_CLOSE(at(&in, 1, ones), (1.0 + sin(1.0) / 10.0) * hf1 + 0.5, 1e-12, 0.0);
        /* x1 = 0 is the limit sqrt((x2 + x3^2) x4) / 2, not a division by 0. */
        const double edge[4] = {0.0, 0.5, 0.5, 1.0};
        CHECK_CLOSE(at(&in, 0, edge), 0.5 * sqrt(0.75) + 3.0 * exp(1.0 + sin(0.5)), 1e-12, 0.0);
        close_instance(&in);
    }
}

/* Noise: a pure function of (x, source, seed), zero mean, the requested sd,
 * and only on the sources it was asked for. */
static void check_noise(void)
{
    instance clean, a, a2, b;
    static const char *const seed3[] = {"noise_sd", "0.5", "seed", "3", NULL};
    static const char *const seed4[] = {"noise_sd", "0.5", "seed", "4", NULL};
    if (open_instance(&clean, "noisy_sine", noise_free) != 0)
        return;
    CHECK(open_instance(&a, "noisy_sine", seed3) == 0);
    CHECK(open_instance(&a2, "noisy_sine", seed3) == 0);
    CHECK(open_instance(&b, "noisy_sine", seed4) == 0);
    double sum = 0.0, sum2 = 0.0;
    int same_seed_equal = 1, other_seed_differs = 0, repeat_equal = 1;
    enum { N = 4000 };
    for (int i = 0; i < N; i++) {
        double x = 2.7 + 4.8 * (i + 0.5) / N;
        double ya = at(&a, 0, &x);
        repeat_equal &= ya == at(&a, 0, &x);
        same_seed_equal &= ya == at(&a2, 0, &x);
        other_seed_differs += ya != at(&b, 0, &x);
        double eps = (ya - at(&clean, 0, &x)) / 0.5;
        sum += eps;
        sum2 += eps * eps;
    }
    CHECK(repeat_equal);
    CHECK(same_seed_equal);
    CHECK(other_seed_differs == N);
    /* Standard normal draws: mean sd 1/sqrt(N) = 0.016, variance sd
     * sqrt(2/N) = 0.022; 5 sd margins. The sample is fixed, so this is a
     * check of the transform, not a flaky statistical test. */
    CHECK_CLOSE(sum / N, 0.0, 0.0, 5 * 0.016);
    CHECK_CLOSE(sum2 / N, 1.0, 0.0, 5 * 0.022);
    close_instance(&b);
    close_instance(&a2);
    close_instance(&a);
    close_instance(&clean);

    /* Borehole: noise_sd touches HF only; noise_sd_LF2 touches LF2 only. */
    static const char *const hf_noise[] = {"noise_sd", "2", "seed", "9", NULL};
    static const char *const lf2_noise[] = {"noise_sd_LF2", "1.5", NULL};
    if (open_instance(&clean, "borehole_mf", noise_free) != 0)
        return;
    CHECK(open_instance(&a, "borehole_mf", hf_noise) == 0);
    CHECK(open_instance(&b, "borehole_mf", lf2_noise) == 0);
    const bo_benchmark *bh = bo_benchmark_find("borehole_mf");
    for (size_t s = 0; s < 5; s++) {
        double c = at(&clean, s, bh->argopt);
        CHECK_MSG((at(&a, s, bh->argopt) != c) == (s == 0), "borehole noise_sd, source %zu", s);
        CHECK_MSG((at(&b, s, bh->argopt) != c) == (s == 2), "borehole noise_sd_LF2, source %zu",
                  s);
    }
    close_instance(&b);
    close_instance(&a);
    close_instance(&clean);

    /* Wing: per-source sds as GP+ uses them; each source is noisy. */
    static const char *const gpplus[] = {"noise_sd_HF", "0.5", "noise_sd_LF1", "1",
                                         "noise_sd_LF2", "1.5", "noise_sd_LF3", "2", NULL};
    if (open_instance(&clean, "wing_mf", noise_free) != 0)
        return;
    CHECK(open_instance(&a, "wing_mf", gpplus) == 0);
    const bo_benchmark *wg = bo_benchmark_find("wing_mf");
    for (size_t s = 0; s < 4; s++)
        CHECK(at(&a, s, wg->argopt) != at(&clean, s, wg->argopt));
    close_instance(&a);
    close_instance(&clean);
}

/* Bad params are refused with a message naming the param. */
static void check_param_errors(void)
{
    static const char *const bad[][4] = {
        {"noise_sd", "-1", NULL, NULL},   {"noise_sd", "abc", NULL, NULL},
        {"noise_sd", "nan", NULL, NULL},  {"noise_sd", "1e999", NULL, NULL},
        {"noise_sd", "", NULL, NULL},     {"seed", "-3", NULL, NULL},
        {"seed", "12x", NULL, NULL},      {"seed", "99999999999999999999999", NULL, NULL},
        {"noise_sd_LF9", "1", NULL, NULL}};
    static const char *const names[] = {"noisy_sine", "borehole_mf", "wing_mf",
                                        "forrester_mf", "currin_mf", "park_mf"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        loaded l;
        const bo_benchmark *b = bo_benchmark_find(names[k]);
        if (b == NULL || load_plugin(names[k], &l) != 0) {
            CHECK_MSG(0, "%s not loadable", names[k]);
            continue;
        }
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            char err[256];
            void *state;
            int rc = start(l.plugin, b->dim, b->n_sources, &state, err, sizeof err, bad[i]);
            CHECK_MSG(rc != 0, "%s accepted %s = '%s'", names[k], bad[i][0], bad[i][1]);
            CHECK_MSG(rc == 0 || strstr(err, bad[i][0]) != NULL, "%s: message '%s'", names[k],
                      err);
            if (rc == 0)
                stop(l.plugin, state);
        }
        /* A config using only the first source (the single-fidelity
         * baseline) is accepted, and source 1 is then refused. */
        char err[256];
        void *state;
        CHECK(start(l.plugin, b->dim, 1, &state, err, sizeof err, NULL) == 0);
        CHECK(isnan(eval(l.plugin, state, b->argopt, b->dim, 0)) == 0);
        CHECK(isnan(eval(l.plugin, state, b->argopt, b->dim, 1)));
        stop(l.plugin, state);
        /* A tiny error buffer is still NUL-terminated and not overrun. */
        char tiny[4] = {'x', 'x', 'x', 'x'};
        CHECK(start(l.plugin, b->dim + 1, b->n_sources, &state, tiny, sizeof tiny, NULL) != 0);
        CHECK(tiny[3] == '\0');
        unload_plugin(&l);
    }
}

/* The table's own interface, and every plugins/NAME.c has a row. */
static void check_table(void)
{
    size_t n = bo_benchmark_count();
    CHECK(n == 26);
    CHECK(bo_benchmark_at(n) == NULL);
    for (size_t i = 0; i < n; i++) {
        const bo_benchmark *b = bo_benchmark_at(i);
        CHECK(b != NULL && bo_benchmark_find(b->name) == b);
    }
    CHECK(bo_benchmark_find(NULL) == NULL);
    CHECK(bo_benchmark_find("branin2") == NULL);
    CHECK(isnan(bo_benchmark_regret(NULL, 1.0)));
    const bo_benchmark *br = bo_benchmark_find("branin");
    CHECK_CLOSE(bo_benchmark_regret(br, 1.0), 1.0 - 5.0 / (4.0 * PI), 1e-15, 0.0);
    const bo_benchmark *cu = bo_benchmark_find("currin_mf");
    CHECK_CLOSE(bo_benchmark_regret(cu, 13.0), cu->optimum - 13.0, 1e-15, 0.0);

    bo_benchmark_goal g = BO_BENCHMARK_MINIMIZE;
    CHECK(bo_benchmark_goal_parse("maximize", &g) == BO_OK && g == BO_BENCHMARK_MAXIMIZE);
    CHECK(strcmp(bo_benchmark_goal_name(g), "maximize") == 0);
    CHECK(bo_benchmark_goal_parse(bo_benchmark_goal_name(BO_BENCHMARK_MINIMIZE), &g) == BO_OK &&
          g == BO_BENCHMARK_MINIMIZE);
    CHECK(bo_benchmark_goal_parse("Maximise", &g) == BO_EINVAL && g == BO_BENCHMARK_MINIMIZE);
    CHECK(bo_benchmark_goal_parse(NULL, &g) == BO_EINVAL);

    DIR *dir = opendir(BO_SOURCE_DIR "/plugins");
    CHECK(dir != NULL);
    if (dir == NULL)
        return;
    size_t seen = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char name[256];
        size_t len = strlen(entry->d_name);
        if (len < 3 || len >= sizeof name || strcmp(entry->d_name + len - 2, ".c") != 0)
            continue;
        memcpy(name, entry->d_name, len - 2);
        name[len - 2] = '\0';
        /* Examples for users, and a wrapper that sleeps, then evaluates a
         * benchmark: no table rows of their own. */
        if (strncmp(name, "example_", 8) == 0 || strcmp(name, "simulated_cost") == 0)
            continue;
        CHECK_MSG(bo_benchmark_find(name) != NULL, "plugins/%s.c has no table row", name);
        seen++;
    }
    closedir(dir);
    CHECK(seen == n);
}

/* The child of a YAML mapping node under `key`, or NULL. */
static yaml_node_t *yaml_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start;
         pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(doc, pair->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, pair->value);
    }
    return NULL;
}

static const char *yaml_text(yaml_node_t *node)
{
    return node != NULL && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value
                                                          : NULL;
}

static double yaml_number(yaml_node_t *node)
{
    const char *text = yaml_text(node);
    char *end;
    if (text == NULL)
        return NAN;
    double v = strtod(text, &end);
    return end != text && *end == '\0' ? v : NAN;
}

/* One config agrees with its plugin's table row: plugin path, goal, inputs
 * (names, order, bounds) and sources (names, order, costs; a prefix of the
 * plugin's sources). Values are compared exactly: both are decimal literals
 * read by strtod or the compiler, which round identically. */
static const bo_benchmark *check_config(const char *file)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/configs/%s", BO_SOURCE_DIR, file);
    FILE *f = fopen(path, "rb");
    CHECK_MSG(f != NULL, "cannot open %s", path);
    if (f == NULL)
        return NULL;
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int loaded_ok = yaml_parser_load(&parser, &doc) == 1;
    CHECK_MSG(loaded_ok, "%s: YAML error: %s", file, parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    fclose(f);
    if (!loaded_ok)
        return NULL;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    const char *plugin = yaml_text(yaml_get(&doc, yaml_get(&doc, root, "objective"), "plugin"));
    const char *prefix = "../build/plugins/";
    const bo_benchmark *b = NULL;
    if (plugin != NULL && strncmp(plugin, prefix, strlen(prefix)) == 0) {
        char name[128];
        snprintf(name, sizeof name, "%s", plugin + strlen(prefix));
        char *dot = strstr(name, ".so");
        if (dot != NULL && strcmp(dot, ".so") == 0) {
            *dot = '\0';
            b = bo_benchmark_find(name);
        }
    }
    CHECK_MSG(b != NULL, "%s: objective.plugin '%s' is not ../build/plugins/<benchmark>.so", file,
              plugin ? plugin : "(none)");
    if (b == NULL) {
        yaml_document_delete(&doc);
        return NULL;
    }
    bo_benchmark_goal goal;
    CHECK_MSG(bo_benchmark_goal_parse(yaml_text(yaml_get(&doc, root, "goal")), &goal) == BO_OK &&
                  goal == b->goal, "%s: goal differs from the table's %s", file,
              bo_benchmark_goal_name(b->goal));

    yaml_node_t *inputs = yaml_get(&doc, root, "inputs");
    size_t n_inputs = inputs != NULL && inputs->type == YAML_SEQUENCE_NODE
                          ? (size_t)(inputs->data.sequence.items.top -
                                     inputs->data.sequence.items.start)
                          : 0;
    CHECK_MSG(n_inputs == b->dim, "%s: %zu inputs, table %zu", file, n_inputs, b->dim);
    for (size_t j = 0; j < n_inputs && j < b->dim; j++) {
        yaml_node_t *in = yaml_document_get_node(&doc, inputs->data.sequence.items.start[j]);
        const char *name = yaml_text(yaml_get(&doc, in, "name"));
        CHECK_MSG(name != NULL && strcmp(name, b->input_names[j]) == 0,
                  "%s: input %zu is '%s', table '%s'", file, j, name ? name : "?",
                  b->input_names[j]);
        CHECK_MSG(yaml_number(yaml_get(&doc, in, "lower")) == b->lower[j] &&
                      yaml_number(yaml_get(&doc, in, "upper")) == b->upper[j],
                  "%s: bounds of input %zu differ from the table", file, j);
    }

    yaml_node_t *sources = yaml_get(&doc, root, "sources");
    if (sources == NULL) {
        CHECK_MSG(b->n_sources == 1, "%s: no sources: for a multi-fidelity plugin", file);
    } else {
        size_t n = sources->type == YAML_SEQUENCE_NODE
                       ? (size_t)(sources->data.sequence.items.top -
                                  sources->data.sequence.items.start)
                       : 0;
        CHECK_MSG(n >= 1 && n <= b->n_sources, "%s: %zu sources, plugin has %zu", file, n,
                  b->n_sources);
        for (size_t s = 0; s < n && s < b->n_sources; s++) {
            yaml_node_t *src = yaml_document_get_node(&doc, sources->data.sequence.items.start[s]);
            const char *name = yaml_text(yaml_get(&doc, src, "name"));
            CHECK_MSG(name != NULL && strcmp(name, b->source_names[s]) == 0,
                      "%s: source %zu is '%s', plugin order has '%s'", file, s,
                      name ? name : "?", b->source_names[s]);
            CHECK_MSG(yaml_number(yaml_get(&doc, src, "cost")) == b->source_costs[s],
                      "%s: cost of source %zu differs from the table", file, s);
        }
        const char *target = yaml_text(yaml_get(&doc, root, "target"));
        CHECK_MSG(target != NULL && strcmp(target, "HF") == 0, "%s: target is not HF", file);
    }
    yaml_document_delete(&doc);
    return b;
}

/* Every config agrees with the table, and every benchmark has a config. */
static void check_configs(void)
{
    DIR *dir = opendir(BO_SOURCE_DIR "/configs");
    CHECK(dir != NULL);
    if (dir == NULL)
        return;
    int has_config[32] = {0};
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        size_t len = strlen(entry->d_name);
        if (len < 6 || strcmp(entry->d_name + len - 5, ".yaml") != 0)
            continue;
        const bo_benchmark *b = check_config(entry->d_name);
        for (size_t i = 0; b != NULL && i < bo_benchmark_count() && i < 32; i++)
            if (bo_benchmark_at(i) == b)
                has_config[i] = 1;
    }
    closedir(dir);
    for (size_t i = 0; i < bo_benchmark_count() && i < 32; i++)
        CHECK_MSG(has_config[i], "no config uses %s", bo_benchmark_at(i)->name);
}

int main(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 20240601);
    check_table();
    for (size_t i = 0; i < bo_benchmark_count(); i++)
        check_entry(bo_benchmark_at(i), &rng);
    check_single_fidelity_values();
    check_multi_fidelity_values(&rng);
    check_noise();
    check_param_errors();
    check_configs();
    return CHECK_DONE();
}
