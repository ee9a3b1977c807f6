/* The engine over mixed inputs: discrete coordinates are indices in every
 * suggestion (design, model-based, with points in flight), never a
 * duplicate, and the optimum of a mixed function is found; a small
 * all-discrete space is exhausted without repeats; bad indices refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bo/engine/engine.h"
#include "tests/check.h"

enum { DIM = 4 };

/* Inputs: x0 real in [0, 1], k integer index 0..6 (value 3 best), c a
 * categorical with 4 levels whose offsets put level 2 best, x3 real.
 * Minimum 0 at (0.3, 3, 2, 0.7). */
static const double level_offset[4] = {1.5, 0.8, 0.0, 2.0};

static double mixed_f(const double *x)
{
    double a = x[0] - 0.3, b = (x[1] - 3.0) / 3.0, c = x[3] - 0.7;
    return 4.0 * a * a + b * b + level_offset[(int)x[2]] + 2.0 * c * c;
}

static const bo_var_kind kinds[DIM] = {BO_VAR_REAL, BO_VAR_INTEGER, BO_VAR_CATEGORICAL,
                                       BO_VAR_REAL};
static const size_t n_values[DIM] = {0, 7, 4, 0};

static int valid_point(const double *x)
{
    for (size_t j = 0; j < DIM; j++) {
        if (kinds[j] == BO_VAR_REAL) {
            if (!(x[j] >= 0.0 && x[j] <= 1.0))
                return 0;
        } else if (!(x[j] >= 0.0 && x[j] <= (double)(n_values[j] - 1) && x[j] == floor(x[j]))) {
            return 0;
        }
    }
    return 1;
}

/* enumerate: acq_enumerate (0 = the default, every combination). */
static size_t enumerate;

static bo_engine *mixed_engine_latent(uint64_t seed, size_t initial_size, size_t workers,
                                      bo_gp_latent_mode latent)
{
    static size_t initial;
    initial = initial_size;
    bo_engine_options opt;
    bo_engine_options_default(&opt, DIM);
    opt.initial = &initial;
    opt.seed = seed;
    opt.kind = kinds;
    opt.n_values = n_values;
    opt.workers = workers;
    opt.latent_mode = latent;
    opt.acq_enumerate = enumerate;
    char err[256];
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    return e;
}

static int same_point(const double *a, const double *b)
{
    return memcmp(a, b, DIM * sizeof *a) == 0;
}

static bo_engine *mixed_engine(uint64_t seed, size_t initial_size, size_t workers)
{
    return mixed_engine_latent(seed, initial_size, workers, BO_LATENT_PER_VARIABLE);
}

/* One at a time, then with three points in flight: every suggestion valid
 * and new, and the best found lies at the right levels. */
static void test_sequential_and_pending(bo_gp_latent_mode latent)
{
    enum { N = 40 };
    bo_engine *e = mixed_engine_latent(3, 8, 1, latent);
    if (!e)
        return;
    double xs[N][DIM];
    size_t n_bad = 0, n_dup = 0;
    for (size_t k = 0; k < N; k++) {
        bo_suggestion s;
        if (bo_engine_suggest(e, xs[k], &s) != BO_OK) {
            CHECK_MSG(0, "suggest %zu: %s", k, bo_engine_errmsg(e));
            break;
        }
        n_bad += !valid_point(xs[k]);
        CHECK_MSG(s.initial || (s.note == NULL && isfinite(s.acq_value)),
                  "suggestion %zu is a fallback: %s", k, s.note ? s.note : "no value");
        for (size_t i = 0; i < k; i++)
            n_dup += same_point(xs[i], xs[k]);
        CHECK(bo_engine_observe(e, xs[k], 0, mixed_f(xs[k]), 1, s.initial) == BO_OK);
    }
    CHECK_MSG(n_bad == 0, "%zu suggestions with a discrete coordinate off its indices", n_bad);
    CHECK_MSG(n_dup == 0, "%zu repeated suggestions", n_dup);
    double best, xb[DIM];
    CHECK(bo_engine_best(e, &best, xb));
    CHECK_MSG(xb[2] == 2.0 && xb[1] == 3.0, "best at integer %g, level %g", xb[1], xb[2]);
    CHECK_MSG(best < 0.05, "best %g after %d evaluations (optimum 0)", best, N);

    /* Three in flight: registered pending points are never suggested again. */
    double pend[3][DIM];
    size_t n_pending = 0;
    for (size_t k = 0; k < 9; k++) {
        double x[DIM];
        bo_suggestion s;
        if (bo_engine_suggest(e, x, &s) != BO_OK) {
            CHECK_MSG(0, "suggest with pending: %s", bo_engine_errmsg(e));
            break;
        }
        CHECK(valid_point(x));
        for (size_t i = 0; i < n_pending; i++)
            CHECK_MSG(!same_point(pend[i], x), "suggestion %zu repeats a pending point", k);
        for (size_t i = 0; i < N; i++)
            CHECK_MSG(!same_point(xs[i], x), "suggestion %zu repeats an observation", k);
        if (n_pending == 3) {
            /* The oldest completes. */
            CHECK(bo_engine_observe(e, pend[0], 0, mixed_f(pend[0]), 1, 0) == BO_OK);
            memmove(pend[0], pend[1], 2 * sizeof pend[0]);
            n_pending--;
        }
        CHECK(bo_engine_add_pending(e, x, 0, 0) == BO_OK);
        memcpy(pend[n_pending++], x, sizeof x);
    }
    bo_engine_destroy(e);
}

/* An integer with 3 values and a categorical with 3 levels: 9 points in
 * all; 9 suggestions visit each once, the last ones with points pending. */
static void test_exhaust_small_space(void)
{
    static const bo_var_kind k2[2] = {BO_VAR_INTEGER, BO_VAR_CATEGORICAL};
    static const size_t v2[2] = {3, 3};
    size_t initial = 3;
    bo_engine_options opt;
    bo_engine_options_default(&opt, 2);
    opt.initial = &initial;
    opt.seed = 5;
    opt.kind = k2;
    opt.n_values = v2;
    char err[256];
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    if (!e)
        return;
    int seen[3][3] = {{0}};
    double pend[2][2];
    for (size_t k = 0; k < 9; k++) {
        double x[2];
        bo_suggestion s;
        if (bo_engine_suggest(e, x, &s) != BO_OK) {
            CHECK_MSG(0, "suggest %zu: %s", k, bo_engine_errmsg(e));
            break;
        }
        int a = (int)x[0], b = (int)x[1];
        CHECK(x[0] == a && x[1] == b && a >= 0 && a < 3 && b >= 0 && b < 3);
        if (a < 0 || a > 2 || b < 0 || b > 2)
            break;
        CHECK_MSG(!seen[a][b], "suggestion %zu repeats (%d, %d)", k, a, b);
        seen[a][b] = 1;
        double y = (a - 1.0) * (a - 1.0) + (b == 2 ? 0.0 : 1.0 + b);
        if (k < 6) {
            CHECK(bo_engine_observe(e, x, 0, y, 1, s.initial) == BO_OK);
        } else {
            /* The last three go out together. */
            CHECK(bo_engine_add_pending(e, x, 0, s.initial) == BO_OK);
            if (k < 8)
                memcpy(pend[k - 6], x, sizeof x);
        }
    }
    (void)pend;
    /* Every point observed or pending: nothing new to suggest. */
    double x[2];
    bo_suggestion s;
    CHECK(bo_engine_suggest(e, x, &s) == BO_OK && s.exhausted == 1);
    bo_engine_destroy(e);

    /* An initial design larger than the space: its repeats are replaced by
     * points not yet visited, then the space is exhausted. */
    initial = 12;
    e = bo_engine_create(&opt, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    if (!e)
        return;
    int seen2[3][3] = {{0}};
    for (size_t k = 0; k < 9; k++) {
        if (bo_engine_suggest(e, x, &s) != BO_OK || s.exhausted) {
            CHECK_MSG(0, "design suggestion %zu: %s", k, s.exhausted ? "exhausted" : "error");
            break;
        }
        int a = (int)x[0], b = (int)x[1];
        CHECK_MSG(!seen2[a][b], "design suggestion %zu repeats (%d, %d)", k, a, b);
        seen2[a][b] = 1;
        CHECK(bo_engine_observe(e, x, 0, (double)(a + b), 1, s.initial) == BO_OK);
    }
    CHECK(bo_engine_suggest(e, x, &s) == BO_OK && s.exhausted == 1);
    bo_engine_destroy(e);
}

static void test_refused(void)
{
    bo_engine *e = mixed_engine(1, 4, 1);
    if (!e)
        return;
    double half[DIM] = {0.5, 2.5, 1.0, 0.5};
    CHECK(bo_engine_observe(e, half, 0, 1.0, 1, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "x[1]") != NULL);
    double beyond[DIM] = {0.5, 2.0, 4.0, 0.5};
    CHECK(bo_engine_add_pending(e, beyond, 0, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "x[2]") != NULL);
    double fine[DIM] = {0.5, 6.0, 3.0, 1.0};
    CHECK(bo_engine_observe(e, fine, 0, 1.0, 1, 0) == BO_OK);
    bo_engine_destroy(e);

    /* A discrete input needs at least two values. */
    static const size_t one[DIM] = {0, 1, 4, 0};
    size_t initial = 4;
    bo_engine_options opt;
    bo_engine_options_default(&opt, DIM);
    opt.initial = &initial;
    opt.kind = kinds;
    opt.n_values = one;
    char err[256] = "";
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "input 1") != NULL, "'%s'", err);
}

int main(void)
{
    test_sequential_and_pending(BO_LATENT_PER_VARIABLE);
    /* One categorical input: the shared map is its map, by another path. */
    test_sequential_and_pending(BO_LATENT_SHARED);
    /* The local search over levels instead of every combination. */
    enumerate = 1;
    test_sequential_and_pending(BO_LATENT_PER_VARIABLE);
    enumerate = 0;
    test_exhaust_small_space();
    test_refused();
    return CHECK_DONE();
}
