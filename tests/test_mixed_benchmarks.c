/* The mixed-input benchmark plugins (plugins/mixed/): each loads, takes its
 * optimum (computed here from the published formulas, not by the plugin)
 * at its argopt, and no random mixed point beats it; the one-hot encoding
 * gives the value of the level its largest input names; bad params, input
 * counts and level indices are refused with a message. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bo/bo_plugin.h"
#include "gp/rng.h"
#include "tests/check.h"

static const bo_plugin *load(const char *name, void **handle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/plugins/%s.so", BO_BINARY_DIR, name);
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK_MSG(*handle != NULL, "%s", dlerror());
    if (!*handle)
        return NULL;
    typedef const bo_plugin *(*entry_fn)(void);
    entry_fn entry = (entry_fn)dlsym(*handle, BO_PLUGIN_ENTRY_SYMBOL);
    CHECK(entry != NULL);
    return entry ? entry() : NULL;
}

static void *start(const bo_plugin *p, const char *encoding, size_t dim)
{
    bo_plugin_param param = {"encoding", encoding};
    void *state = NULL;
    char err[256] = "";
    CHECK_MSG(p->init(&state, &param, 1, dim, 1, err, sizeof err) == 0, "%s", err);
    return state;
}

static double value(const bo_plugin *p, void *state, const double *x, size_t dim)
{
    double y = NAN;
    char err[256] = "";
    CHECK_MSG(p->evaluate(state, x, dim, 0, &y, err, sizeof err) == 0, "%s", err);
    return y;
}

static const double rw_value[5] = {0.08009544935958528, 0.10502135204423921,
                                   0.11258705991625613, 0.11747473182371024,
                                   0.12555269591730778};
static const double hl_value[5] = {727.7651569285792, 728.7292383414327, 750.0646931937101,
                                   756.4042937730626, 805.9008085659311};

/* Borehole (Morris, Mitchell and Ylvisaker 1993): the water flow through a
 * borehole, 2 pi Tu (Hu - Hl) / (ln(r/rw) (1 + 2 L Tu / (ln(r/rw) rw^2 Kw)
 * + Tu / Tl)). */
static double borehole(double rw, double r, double tu, double hu, double tl, double hl,
                       double L, double kw)
{
    double lr = log(r / rw);
    return 2 * 3.14159265358979323846 * tu * (hu - hl) /
           (lr * (1 + 2 * L * tu / (lr * rw * rw * kw) + tu / tl));
}

static void test_borehole(void)
{
    void *h;
    const bo_plugin *p = load("borehole_mixed", &h);
    if (!p)
        return;
    void *levels = start(p, "levels", 8), *onehot = start(p, "onehot", 16);
    static const double lo[8] = {0, 100, 63070, 990, 63.1, 0, 1120, 9855};
    static const double hi[8] = {4, 50000, 115600, 1110, 116, 4, 1680, 12045};
    double argopt[8] = {0, 50000, 63070, 990, 63.1, 4, 1680, 9855};
    double fstar = borehole(rw_value[0], 50000, 63070, 990, 63.1, hl_value[4], 1680, 9855);
    CHECK_CLOSE(value(p, levels, argopt, 8), fstar, 1e-14, 0.0);
    bo_rng rng;
    bo_rng_init(&rng, 7);
    for (int k = 0; k < 2000; k++) {
        double x[8], e[16];
        for (int j = 0; j < 8; j++)
            x[j] = j == 0 || j == 5 ? (double)bo_rng_below(&rng, 5)
                                    : lo[j] + (hi[j] - lo[j]) * bo_rng_uniform(&rng);
        double y = value(p, levels, x, 8);
        CHECK_MSG(y >= fstar, "(%g, ..) gives %g below the optimum %g", x[0], y, fstar);
        CHECK_CLOSE(y, borehole(rw_value[(int)x[0]], x[1], x[2], x[3], x[4], hl_value[(int)x[5]],
                                x[6], x[7]), 1e-14, 0.0);
        /* The same point one-hot: random weights, the level's the largest. */
        for (int l = 0; l < 5; l++) {
            e[l] = l == (int)x[0] ? 0.9 : 0.8 * bo_rng_uniform(&rng);
            e[9 + l] = l == (int)x[5] ? 0.95 : 0.9 * bo_rng_uniform(&rng);
        }
        memcpy(e + 5, x + 1, 4 * sizeof *e);
        memcpy(e + 14, x + 6, 2 * sizeof *e);
        CHECK(value(p, onehot, e, 16) == y);
    }
    char err[256] = "";
    double y;
    double half[8] = {0.5, 100, 63070, 990, 63.1, 0, 1120, 9855};
    CHECK(p->evaluate(levels, half, 8, 0, &y, err, sizeof err) != 0 &&
          strstr(err, "0.5 is not a level index"));
    void *state;
    CHECK(p->init(&state, NULL, 0, 9, 1, err, sizeof err) != 0 && strstr(err, "takes 8 inputs"));
    bo_plugin_param bad = {"encoding", "binary"};
    CHECK(p->init(&state, &bad, 1, 8, 1, err, sizeof err) != 0 && strstr(err, "not 'binary'"));
    dlclose(h);
}

/* Func2C's terms, written out again: Rosenbrock / 300, six-hump camel /
 * 10, Beale / 50 on u = 2 x. */
static double func2c(int h1, int h2, double x1, double x2)
{
    double u[2] = {2 * x1, 2 * x2}, t[2];
    int which[2] = {h1, h2 < 2 ? h2 : 2};
    for (int k = 0; k < 2; k++) {
        double a = u[0], b = u[1];
        if (which[k] == 0)
            t[k] = (100 * pow(b - a * a, 2) + pow(a - 1, 2)) / 300;
        else if (which[k] == 1)
            t[k] =
                ((4 - 2.1 * a * a + pow(a, 4) / 3) * a * a + a * b + (-4 + 4 * b * b) * b * b) / 10;
        else
            t[k] = (pow(1.5 - a + a * b, 2) + pow(2.25 - a + a * b * b, 2) +
                    pow(2.625 - a + a * b * b * b, 2)) / 50;
    }
    return t[0] + t[1];
}

static void test_func2c(void)
{
    void *h;
    const bo_plugin *p = load("func2c", &h);
    if (!p)
        return;
    void *levels = start(p, "levels", 4), *onehot = start(p, "onehot", 10);
    /* Both terms six-hump camel at one of its minima, u = (-0.0898, 0.7127). */
    double argopt[4] = {1, 1, -0.0898420131 / 2, 0.7126564030 / 2};
    double fstar = 2 * -1.0316284535 / 10;
    CHECK_CLOSE(value(p, levels, argopt, 4), fstar, 1e-9, 0.0);
    bo_rng rng;
    bo_rng_init(&rng, 3);
    for (int k = 0; k < 5000; k++) {
        int h1 = (int)bo_rng_below(&rng, 3), h2 = (int)bo_rng_below(&rng, 5);
        double x[4] = {h1, h2, 2 * bo_rng_uniform(&rng) - 1, 2 * bo_rng_uniform(&rng) - 1};
        double y = value(p, levels, x, 4);
        CHECK_MSG(y >= fstar - 1e-9, "levels (%d, %d) give %g below the optimum", h1, h2, y);
        CHECK_CLOSE(y, func2c(h1, h2, x[2], x[3]), 1e-12, 1e-15);
        double e[10] = {0};
        e[h1] = 1;
        e[3 + h2] = 1;
        e[8] = x[2];
        e[9] = x[3];
        CHECK(value(p, onehot, e, 10) == y);
    }
    char err[256] = "";
    double y, bad[4] = {3, 0, 0, 0};
    CHECK(p->evaluate(levels, bad, 4, 0, &y, err, sizeof err) != 0 &&
          strstr(err, "not level indices"));
    dlclose(h);
}

int main(void)
{
    test_borehole();
    test_func2c();
    return CHECK_DONE();
}
