/* The failure model in the acquisition: the acquisition weighted by
 * P(success | x) of a fitted classifier (EI and PI times P, log-EI plus
 * log P, a negative UCB value divided by P, MFCA's sources likewise), its
 * gradient in x against finite differences, block and point scoring
 * agreeing; and the engine with failure_model gpc on Branin with a crash
 * disk: reproducible, resumable from the history alone, failed points never
 * proposed again, and the classifier in use (the suggestions differ from
 * the radius rule's once a failure is known); and bo-run on the crash-region
 * plugin: failures recorded with the plugin's message, the default written
 * in the resolved config, a run extended with --resume equal to one made in
 * one go, a change of failure_model on --resume refused. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/acquisition.h"
#include "acquisition/maximize.h"
#include "bo/engine/engine.h"
#include "bo/io/history.h"
#include "gp/gp.h"
#include "gp/gpc.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static double branin_unit(const double *u)
{
    const double pi = 3.14159265358979323846;
    double x1 = -5.0 + 15.0 * u[0], x2 = 15.0 * u[1];
    double b = 5.1 / (4.0 * pi * pi), c = 5.0 / pi, t = 1.0 / (8.0 * pi);
    double q = x2 - b * x1 * x1 + c * x1 - 6.0;
    return q * q + 10.0 * (1.0 - t) * cos(x1) + 10.0;
}

/* The crash disk of the failure study's Branin (plugins/failure_regions.c):
 * centre (0.5, 6.5), radius 4.23 in Branin's units, a quarter of the box. */
static int branin_crashes(const double *u)
{
    double a = (-5.0 + 15.0 * u[0] - 0.5) / 4.23, b = (15.0 * u[1] - 6.5) / 4.23;
    return a * a + b * b < 1.0;
}

/* A GP on n points of Branin (unit cube, sources alternating when two) and
 * a classifier fitted to the crash disk on m points, both fitted. */
static void make_models(size_t n_sources, bo_gp **gp_out, bo_gpc **gpc_out)
{
    bo_rng rng;
    bo_rng_init(&rng, 3);
    enum { N = 14, M = 30 };
    double X[2 * N], y[N], C[2 * M];
    size_t src[N];
    int ok[M];
    for (size_t i = 0; i < N; i++) {
        X[2 * i] = bo_rng_uniform(&rng);
        X[2 * i + 1] = bo_rng_uniform(&rng);
        src[i] = n_sources > 1 ? i % 2 : 0;
        y[i] = branin_unit(X + 2 * i) + (src[i] ? 5.0 : 0.0);
    }
    for (size_t i = 0; i < M; i++) {
        C[2 * i] = bo_rng_uniform(&rng);
        C[2 * i + 1] = bo_rng_uniform(&rng);
        ok[i] = !branin_crashes(C + 2 * i);
    }
    bo_gp_options go;
    bo_gp_options_default(&go, 2);
    go.n_sources = n_sources;
    go.seed = 5;
    bo_gp *gp = bo_gp_create(&go, NULL, 0);
    CHECK(gp != NULL);
    CHECK(bo_gp_set_data(gp, N, X, src, y, NULL) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    bo_gpc_options co;
    bo_gpc_options_default(&co, 2);
    bo_gpc *gpc = bo_gpc_create(&co, NULL, 0);
    CHECK(gpc != NULL);
    CHECK(bo_gpc_set_data(gpc, M, C, ok) == BO_OK);
    CHECK(bo_gpc_fit(gpc) == BO_OK);
    *gp_out = gp;
    *gpc_out = gpc;
}

/* Central differences, h = 1e-6 on the unit cube: the weighted values are
 * smooth products of smooth factors away from a = 0, so 1e-5 relative with
 * an absolute floor of 1e-7 of the value's scale separates a right gradient
 * from one that drops either factor's term. */
static void check_weighted(const char *label, bo_acq_evaluator *ev, bo_gpc *gpc, size_t source,
                           size_t *n_negative)
{
    bo_rng rng;
    bo_rng_init(&rng, 11);
    CHECK(bo_acq_evaluator_set_source(ev, source) == BO_OK);
    enum { P = 24 };
    double X[2 * P], block[P];
    for (size_t i = 0; i < P; i++) {
        X[2 * i] = 0.05 + 0.9 * bo_rng_uniform(&rng);
        X[2 * i + 1] = 0.05 + 0.9 * bo_rng_uniform(&rng);
    }
    CHECK(bo_acq_evaluate_block_weighted(ev, gpc, P, X, block) == BO_OK);
    for (size_t i = 0; i < P; i++) {
        const double *x = X + 2 * i;
        double w, g[2], a, lp;
        CHECK(bo_acq_evaluate_weighted(ev, gpc, x, &w, g) == BO_OK);
        CHECK(bo_acq_evaluate(ev, x, &a, NULL) == BO_OK);
        CHECK(bo_gpc_predict(gpc, x, NULL, &lp, NULL) == BO_OK);
        /* The weighting itself, from the two factors computed apart. */
        double want = strstr(label, "logei") ? a + lp : a >= 0.0 ? a * exp(lp) : a / exp(lp);
        CHECK_CLOSE(w, want, 1e-12, 1e-300);
        *n_negative += a < 0.0;
        /* Block and point agree (different GP code paths: 1e-9). */
        CHECK_CLOSE(block[i], w, 1e-9, 1e-12 * fabs(a));
        /* Without a classifier, the plain acquisition. */
        double plain;
        CHECK(bo_acq_evaluate_weighted(ev, NULL, x, &plain, NULL) == BO_OK);
        CHECK(plain == a);
        if (fabs(a) < 1e-8)
            continue; /* a / P and a P meet at 0 with different slopes */
        for (size_t k = 0; k < 2; k++) {
            const double h = 1e-6;
            double xp[2] = {x[0], x[1]}, wp, wm;
            xp[k] = x[k] + h;
            CHECK(bo_acq_evaluate_weighted(ev, gpc, xp, &wp, NULL) == BO_OK);
            xp[k] = x[k] - h;
            CHECK(bo_acq_evaluate_weighted(ev, gpc, xp, &wm, NULL) == BO_OK);
            double fd = (wp - wm) / (2.0 * h);
            CHECK_MSG(fabs(g[k] - fd) <= 1e-5 * fabs(fd) + 1e-7 * (fabs(w) + 1e-3),
                      "%s, source %zu, x = (%g, %g): d/dx%zu analytic %.10g, fd %.10g", label,
                      source, x[0], x[1], k + 1, g[k], fd);
        }
    }
}

static void test_weighted_acquisitions(void)
{
    bo_gp *gp;
    bo_gpc *gpc;
    make_models(1, &gp, &gpc);
    const bo_acq_kind kinds[] = {BO_ACQ_EI, BO_ACQ_LOGEI, BO_ACQ_PI, BO_ACQ_UCB};
    size_t n_negative_ucb = 0;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        bo_acq_options ao;
        bo_acq_options_default(&ao);
        ao.kind = kinds[i];
        bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, 5.0, 64, NULL, 0);
        CHECK(ev != NULL);
        size_t neg = 0;
        check_weighted(bo_acq_name(kinds[i]), ev, gpc, 0, &neg);
        if (kinds[i] == BO_ACQ_UCB)
            n_negative_ucb = neg;
        bo_acq_evaluator_destroy(ev);
    }
    /* UCB of Branin (values 1 ... 300) is mostly negative: the a / P branch
     * was exercised. */
    CHECK_MSG(n_negative_ucb > 5, "only %zu negative UCB values", n_negative_ucb);
    bo_gp_destroy(gp);
    bo_gpc_destroy(gpc);

    /* MFCA on two sources: every source weighted alike. */
    make_models(2, &gp, &gpc);
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_MFCA;
    double cost[2] = {1.0, 0.2};
    ao.cost = cost;
    ao.n_sources = 2;
    bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, 5.0, 64, NULL, 0);
    CHECK(ev != NULL);
    size_t neg = 0;
    check_weighted("mfca", ev, gpc, 0, &neg);
    check_weighted("mfca", ev, gpc, 1, &neg);
    bo_acq_evaluator_destroy(ev);

    /* The maximiser with the classifier: the chosen point is likely to
     * succeed, and its value is the weighted one. */
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_EI;
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.success_model = gpc;
    mo.failure_radius = 0.0;
    mo.seed = 4;
    double x[2];
    bo_acq_result res;
    char err[256];
    CHECK_MSG(bo_acq_maximize(&ao, gp, 5.0, &mo, NULL, NULL, x, &res, NULL, err, sizeof err) ==
                  BO_OK,
              "%s", err);
    double p, plain;
    CHECK(bo_gpc_predict(gpc, x, &p, NULL, NULL) == BO_OK);
    ev = bo_acq_evaluator_create(&ao, gp, 5.0, 1, NULL, 0);
    CHECK(ev && bo_acq_evaluate(ev, x, &plain, NULL) == BO_OK);
    CHECK_CLOSE(res.value, plain * p, 1e-12, 0.0);
    CHECK_MSG(p > 0.5, "maximiser chose (%g, %g) with P(success) %g", x[0], x[1], p);
    bo_acq_evaluator_destroy(ev);
    /* With a chance constraint: the best point with P(success) >= 0.9,
     * when the unconstrained choice is below that. */
    CHECK_MSG(p < 0.9, "the test needs a choice with P(success) %g below 0.9", p);
    double best_free = res.value;
    mo.min_success_prob = 0.9;
    CHECK(bo_acq_maximize(&ao, gp, 5.0, &mo, NULL, NULL, x, &res, NULL, err, sizeof err) ==
          BO_OK);
    CHECK(bo_gpc_predict(gpc, x, &p, NULL, NULL) == BO_OK);
    CHECK_MSG(p >= 0.9 && res.value <= best_free, "constrained choice: P %g, value %g vs %g", p,
              res.value, best_free);
    /* Nothing passes: no answer (the engine then asks without the limit). */
    mo.min_success_prob = 1.0;
    CHECK(bo_acq_maximize(&ao, gp, 5.0, &mo, NULL, NULL, x, &res, NULL, err, sizeof err) ==
          BO_EOPTIM);
    bo_gp_destroy(gp);
    bo_gpc_destroy(gpc);
}

/* --- The engine ------------------------------------------------------------ */

/* The caller sets opt->initial (8 points). */
static void engine_options(bo_engine_options *opt, bo_engine_failure_model fm, uint64_t seed)
{
    bo_engine_options_default(opt, 2);
    opt->seed = seed;
    opt->failure_model = fm;
    opt->acquisition = BO_ACQ_LOGEI;
    opt->acq_pool = 256;
    opt->acq_starts = 3;
}

/* n evaluations of Branin with the crash disk; xs and oks record them.
 * Returns the number of failures, or -1 on an engine error. */
static int run(bo_engine_failure_model fm, uint64_t seed, size_t n, double *xs, int *oks,
               size_t *n_fallback)
{
    bo_engine_options opt;
    size_t initial = 8;
    engine_options(&opt, fm, seed);
    opt.initial = &initial;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    if (!e)
        return -1;
    int failures = 0, good = 1;
    *n_fallback = 0;
    for (size_t k = 0; k < n && good; k++) {
        bo_suggestion s;
        double *x = xs + 2 * k;
        good &= bo_engine_suggest(e, x, &s) == BO_OK;
        *n_fallback += s.note != NULL;
        /* Never a point that failed before. */
        for (size_t j = 0; j < k; j++)
            if (!oks[j] && xs[2 * j] == x[0] && xs[2 * j + 1] == x[1])
                good = 0;
        oks[k] = !branin_crashes(x);
        failures += !oks[k];
        good &= bo_engine_observe(e, x, 0, oks[k] ? branin_unit(x) : NAN, oks[k], s.initial) ==
                BO_OK;
    }
    bo_engine_destroy(e);
    return good ? failures : -1;
}

static void test_engine_gpc(void)
{
    enum { N = 30 };
    double xa[2 * N], xb[2 * N], xr[2 * N];
    int oka[N], okb[N], okr[N];
    size_t fa, fb, fr;
    int failed_a = run(BO_FAILURE_GPC, 2, N, xa, oka, &fa);
    int failed_b = run(BO_FAILURE_GPC, 2, N, xb, okb, &fb);
    int failed_r = run(BO_FAILURE_RADIUS, 2, N, xr, okr, &fr);
    CHECK(failed_a >= 1 && failed_r >= 1);
    CHECK(fa == 0 && fr == 0);
    /* Reproducible. */
    CHECK(failed_a == failed_b && memcmp(xa, xb, sizeof xa) == 0);
    /* The classifier changes the choices once the design has a failure. */
    size_t first_fail = N;
    for (size_t k = 0; k < N && first_fail == N; k++)
        if (!oka[k])
            first_fail = k;
    CHECK(first_fail < N);
    int differs = 0;
    for (size_t k = first_fail + 1; k < N; k++)
        differs |= xa[2 * k] != xr[2 * k] || xa[2 * k + 1] != xr[2 * k + 1];
    CHECK_MSG(differs, "gpc and radius made the same %d suggestions", N);

    /* An engine rebuilt from the first k observations (what --resume does)
     * suggests what the uninterrupted run did next: the classifier depends on
     * the observations alone. */
    bo_engine_options opt;
    size_t initial = 8;
    engine_options(&opt, BO_FAILURE_GPC, 2);
    opt.initial = &initial;
    double theta[64];
    for (size_t k = 12; k < N; k += 7) {
        /* a replays the run up to suggestion k: its warm start is what the
         * run's engine-state file holds there. */
        bo_engine *a = bo_engine_create(&opt, NULL, 0);
        bo_engine *b = bo_engine_create(&opt, NULL, 0);
        CHECK(a != NULL && b != NULL);
        if (!a || !b)
            return;
        double x[2];
        bo_suggestion s;
        for (size_t j = 0; j < k; j++) {
            double y = oka[j] ? branin_unit(xa + 2 * j) : NAN;
            CHECK(bo_engine_suggest(a, x, &s) == BO_OK);
            CHECK(bo_engine_observe(a, xa + 2 * j, 0, y, oka[j], j < 8) == BO_OK);
            CHECK(bo_engine_observe(b, xa + 2 * j, 0, y, oka[j], j < 8) == BO_OK);
        }
        size_t nh = bo_engine_get_hyper(a, theta, 64);
        CHECK(nh > 0 && bo_engine_set_hyper(b, theta, nh) == BO_OK);
        CHECK(bo_engine_suggest(b, x, &s) == BO_OK);
        CHECK_MSG(x[0] == xa[2 * k] && x[1] == xa[2 * k + 1],
                  "resumed at %zu: (%g, %g), uninterrupted (%g, %g)", k, x[0], x[1], xa[2 * k],
                  xa[2 * k + 1]);
        bo_engine_destroy(a);
        bo_engine_destroy(b);
    }
}

/* --- bo-run on the crash-region plugin ------------------------------------- */

static const char *const branin_inputs[] = {"x1", "x2"};

static void write_crash_config(const char *file, int evaluations, const char *acquisition)
{
    char path[512];
    path_in(path, sizeof path, file);
    write_file(path,
               "name: crash\n"
               "seed: 3\n"
               "objective:\n"
               "  plugin: %s/test-plugins/crash_region.so\n"
               "  params: {problem: branin}\n"
               "inputs:\n"
               "  - {name: x1, lower: -5, upper: 10}\n"
               "  - {name: x2, lower: 0, upper: 15}\n"
               "%s"
               "initial_design: {method: lhs, size: 8}\n"
               "budget: {max_evaluations: %d, max_consecutive_failures: 0}\n"
               "output: {plot: none}\n",
               BO_BINARY_DIR, acquisition, evaluations);
}

static size_t read_rows(const char *dir, bo_history_row **rows)
{
    char path[700], err[512];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/history.csv", dir);
    CHECK_MSG(bo_history_read(path, branin_inputs, 2, rows, &n, err, sizeof err) == BO_OK, "%s",
              err);
    return n;
}

static void test_bo_run_gpc(void)
{
    if (test_make_tmpdir("bo_test_acq_failure") != 0) {
        CHECK(0);
        return;
    }
    char cfg_full[512], cfg_short[512], cfg_radius[512], full[512], split[512];
    write_crash_config("full.yaml", 26, "");
    write_crash_config("short.yaml", 16, "");
    write_crash_config("radius.yaml", 26, "acquisition: {failure_model: radius}\n");
    path_in(cfg_full, sizeof cfg_full, "full.yaml");
    path_in(cfg_short, sizeof cfg_short, "short.yaml");
    path_in(cfg_radius, sizeof cfg_radius, "radius.yaml");
    path_in(full, sizeof full, "run-full");
    path_in(split, sizeof split, "run-split");
    CHECK(bo_run((const char *[]){cfg_full, "--out", full, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg_short, "--out", split, "--quiet", NULL}) == 0);
    /* A larger budget extends the finished run. */
    CHECK(bo_run((const char *[]){cfg_full, "--out", split, "--quiet", "--resume", NULL}) == 0);
    bo_history_row *a = NULL, *b = NULL;
    size_t na = read_rows(full, &a), nb = read_rows(split, &b), n_failed = 0, n_ok = 0;
    CHECK(na == 26 && nb == 26);
    for (size_t i = 0; i < na && i < nb; i++) {
        int same = a[i].status == b[i].status && memcmp(a[i].x, b[i].x, 2 * sizeof(double)) == 0;
        CHECK_MSG(same, "row %zu differs after --resume", i + 1);
        if (a[i].status == BO_HISTORY_OK) {
            n_ok++;
            continue;
        }
        n_failed++;
        CHECK_MSG(strstr(a[i].message, "crash_region: the mesh broke at") != NULL,
                  "row %zu: message '%s'", i + 1, a[i].message);
    }
    CHECK_MSG(n_failed >= 1 && n_ok >= 10, "%zu failed, %zu ok", n_failed, n_ok);
    bo_history_rows_free(a);
    bo_history_rows_free(b);
    /* The default is written out, and a resume that changes it is refused
     * with the key named. */
    char path[700];
    snprintf(path, sizeof path, "%s/config.yaml", full);
    char *resolved = test_read_text(path);
    CHECK(resolved && strstr(resolved, "  failure_model: gpc\n") != NULL);
    free(resolved);
    CHECK(bo_run((const char *[]){cfg_radius, "--out", full, "--quiet", "--resume", NULL}) == 2);
    path_in(path, sizeof path, "err.txt");
    char *err = test_read_text(path);
    CHECK_MSG(err && strstr(err, "acquisition.failure_model") != NULL, "stderr: %s",
              err ? err : "(none)");
    free(err);
}

int main(void)
{
    test_weighted_acquisitions();
    test_engine_gpc();
    test_bo_run_gpc();
    return test_finish(CHECK_DONE());
}
