/* Convergence-study aggregation (bo/report/study.h and the bo-study program) on
 * synthetic run folders whose best values, costs and times are chosen here,
 * so every median, quartile, cost to tolerance and mean below is worked out
 * by hand from the type-7 rule Q(p) = x[h] + frac(h)(x[h+1] - x[h]),
 * h = (n - 1) p, on the sorted values. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/report/benchmarks.h"
#include "bo/io/history.h"
#include "bo/io/plot.h"
#include "bo/report/study.h"
#include "tests/check.h"
#include "tests/test_files.h"
#include "tests/test_process.h"

/* Regrets are formed as (optimum + r) - optimum: exact up to one rounding of
 * the optimum (0.398, ulp 5.6e-17), hence the absolute tolerance. */
#define REGRET_ABS 1e-15
/* Quantiles are a few additions and one multiplication of such values. */
#define STAT_REL 1e-12

static char tmpdir[] = "/tmp/bo_test_study_XXXXXX";
static double branin_opt;
static double currin_opt;   /* currin_mf is maximised */

static void path_in(char *buf, size_t len, const char *fmt, ...)
{
    char rel[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    snprintf(buf, len, "%s/%s", tmpdir, rel);
}

static void make_dir(const char *rel)
{
    char path[1200];
    path_in(path, sizeof path, "%s", rel);
    mkdir(path, 0777);
}

/* A branin config (known optimum) unless plugin names another .so. */
static void write_config(const char *run_rel, const char *plugin, double lower0,
                         const char *budget)
{
    char path[1200], text[2048];
    path_in(path, sizeof path, "%s/config.yaml", run_rel);
    snprintf(text, sizeof text,
             "name: t\nseed: 1\ngoal: minimize\n"
             "objective:\n  plugin: %s/plugins/%s.so\n"
             "inputs:\n  - {name: x1, lower: %g, upper: 10}\n  - {name: x2, lower: 0, upper: 15}\n"
             "initial_design: {method: lhs, size: 5}\n"
             "budget: %s\n",
             BO_BINARY_DIR, plugin, lower0, budget);
    test_write_text(path, text);
}

/* A single-source currin_mf config: a benchmark with a known optimum that is
 * maximised. */
static void write_currin_config(const char *run_rel, const char *budget)
{
    char path[1200], text[2048];
    path_in(path, sizeof path, "%s/config.yaml", run_rel);
    snprintf(text, sizeof text,
             "name: t\nseed: 1\ngoal: maximize\n"
             "objective:\n  plugin: %s/plugins/currin_mf.so\n"
             "inputs:\n  - {name: x1, lower: 0, upper: 1}\n  - {name: x2, lower: 0, upper: 1}\n"
             "initial_design: {method: lhs, size: 5}\n"
             "budget: %s\n",
             BO_BINARY_DIR, budget);
    test_write_text(path, text);
}

/* The history of a run folder: row i has cumulative cost cum[i] and best
 * value best[i] (NaN: no target value yet, written as a failed row); the
 * first n_init rows are initial-design rows, the others bo rows taking
 * seconds[i]. Rows are of source[i] when source is given ("f" otherwise);
 * a row of another source than the target carries best[i] as its own y. */
static void write_history_of(const char *run_rel, size_t n, size_t n_init, const double *cum,
                             const double *best, const double *seconds,
                             const char *const *source)
{
    char path[1200], err[512];
    path_in(path, sizeof path, "%s/history.csv", run_rel);
    const char *names[] = {"x1", "x2"};
    bo_history *h = NULL;
    if (bo_history_create(path, names, 2, BO_HISTORY_NO_SYNC | BO_HISTORY_OVERWRITE, &h, err,
                          sizeof err) != BO_OK) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    double x[2] = {1.0, 2.0};
    for (size_t i = 0; i < n; i++) {
        int ok = !isnan(best[i]);
        bo_history_row row = {
            .eval = i + 1,
            .phase = i < n_init ? BO_HISTORY_INIT : BO_HISTORY_BO,
            .source = source ? source[i] : "f",
            .x = x,
            .y = ok ? best[i] : NAN,
            .status = ok ? BO_HISTORY_OK : BO_HISTORY_FAILED,
            .message = ok ? "" : "synthetic failure",
            .cost = i ? cum[i] - cum[i - 1] : cum[0],
            .cum_cost = cum[i],
            .best = best[i],
            .acq = i < n_init ? NAN : 0.5,
            .suggest_seconds = i < n_init ? 100.0 : seconds[i],
            .eval_seconds = 2.0,
            .worker = 1,
            .started = 1.7e9 + (double)i,
            .finished = 1.7e9 + (double)i + 1,
        };
        if (bo_history_append(h, &row) != BO_OK)
            fprintf(stderr, "%s\n", bo_history_errmsg(h));
    }
    bo_history_destroy(h);
}

static void write_history(const char *run_rel, size_t n, size_t n_init, const double *cum,
                          const double *best, const double *seconds)
{
    write_history_of(run_rel, n, n_init, cum, best, seconds, NULL);
}

/* A run folder of a branin-shaped problem: config plus history (above). */
static void write_run(const char *run_rel, const char *plugin, const char *budget, size_t n,
                      size_t n_init, const double *cum, const double *best,
                      const double *seconds)
{
    make_dir(run_rel);
    write_config(run_rel, plugin, -5, budget);
    write_history(run_rel, n, n_init, cum, best, seconds);
}

/* A currin_mf run of 6 evaluations (2 initial) whose best values lie
 * regret[i] below the optimum. */
static void write_currin_run(const char *run_rel, const double *cum, const double *regret)
{
    static const double sec[] = {0, 0, 1, 1, 1, 1};
    double best[6];
    for (size_t i = 0; i < 6; i++)
        best[i] = currin_opt - regret[i];
    make_dir(run_rel);
    write_currin_config(run_rel, "{max_evaluations: 6}");
    write_history(run_rel, 6, 2, cum, best, sec);
}

/* A two-source currin_mf run (HF cost 10, LF cost 1, target HF) of six
 * rows whose sources are given; regret[i] is the best value's distance
 * below the optimum after row i (NaN: no HF value yet). */
static void write_currin_mf_run(const char *run_rel, const char *const *source,
                                const double *regret)
{
    static const double sec[] = {0, 0, 1, 1, 1, 1};
    char path[1200], text[2048];
    double cum[6], best[6];
    for (size_t i = 0; i < 6; i++) {
        double cost = strcmp(source[i], "HF") == 0 ? 10.0 : 1.0;
        cum[i] = (i ? cum[i - 1] : 0.0) + cost;
        best[i] = currin_opt - regret[i];
    }
    make_dir(run_rel);
    path_in(path, sizeof path, "%s/config.yaml", run_rel);
    snprintf(text, sizeof text,
             "name: t\nseed: 1\ngoal: maximize\n"
             "objective:\n  plugin: %s/plugins/currin_mf.so\n"
             "inputs:\n  - {name: x1, lower: 0, upper: 1}\n  - {name: x2, lower: 0, upper: 1}\n"
             "sources:\n  - {name: HF, cost: 10, initial: 1}\n  - {name: LF, cost: 1, initial: 1}\n"
             "target: HF\n"
             "budget: {max_evaluations: 6}\n",
             BO_BINARY_DIR);
    test_write_text(path, text);
    write_history_of(run_rel, 6, 2, cum, best, sec, source);
}

/* Branin best values optimum + regret. */
static void shifted(double *best, const double *regret, size_t n)
{
    for (size_t i = 0; i < n; i++)
        best[i] = branin_opt + regret[i];
}

/* Label A: three runs (odd count), all finished (max_evaluations 6).
 * Label B: four runs (even count), b4 killed after 3 of 5 evaluations. */
static void write_fixture(void)
{
    make_dir("A");
    make_dir("B");
    double best[6];
    static const double unit_cost[] = {1, 2, 3, 4, 5, 6};
    static const double two_cost[] = {2, 4, 6, 8, 10, 12};
    static const double sec1[] = {0, 0, 0.3, 0.4, 0.5, 0.6};
    static const double sec2[] = {0, 0, 0.6, 0.8, 1.0, 1.2};

    static const double a1[] = {NAN, 4, 2, 1, 0.5, 0.001};
    shifted(best, a1, 6);
    best[0] = NAN;
    write_run("A/a1", "branin", "{max_evaluations: 6}", 6, 2, unit_cost, best, sec1);
    static const double a2[] = {8, 8, 3, 0.002, 0.002, 0.002};
    shifted(best, a2, 6);
    write_run("A/a2", "branin", "{max_evaluations: 6}", 6, 2, two_cost, best, sec2);
    static const double a3[] = {5, 5, 5, 5, 5, 5};
    shifted(best, a3, 6);
    write_run("A/a3", "branin", "{max_evaluations: 6}", 6, 2, unit_cost, best, sec1);
    /* Not a run: no history.csv. */
    make_dir("A/notes");

    static const double b1[] = {3, 1, 1, 0.5, 0.25};
    shifted(best, b1, 5);
    write_run("B/b1", "branin", "{max_evaluations: 5}", 5, 2, unit_cost, best, sec1);
    static const double b2[] = {6, 2, 2, 2, 2};
    shifted(best, b2, 5);
    write_run("B/b2", "branin", "{max_evaluations: 5}", 5, 2, unit_cost, best, sec1);
    static const double b3[] = {4, 4, 0.003, 0.003, 0.003};
    shifted(best, b3, 5);
    write_run("B/b3", "branin", "{max_evaluations: 5}", 5, 2, unit_cost, best, sec1);
    static const double b4[] = {10, 7, 6};
    shifted(best, b4, 3);
    write_run("B/b4", "branin", "{max_evaluations: 5}", 3, 2, unit_cost, best, sec1);

    /* Label C: an objective that is no benchmark: best values, no regret. */
    make_dir("C");
    static const double c1[] = {-1, -2, -4, -4, -4};
    static const double c2[] = {3, 1, 0, -1, -3};
    write_run("C/c1", "example_quadratic", "{max_evaluations: 5}", 5, 2, unit_cost, c1, sec1);
    write_run("C/c2", "example_quadratic", "{max_evaluations: 5}", 5, 2, unit_cost, c2, sec1);

    /* Label Z: branin runs that hit the optimum exactly (regret 0, which
     * study_cost.dat clips for its log axis). */
    make_dir("Z");
    static const double z1[] = {3, 1, 0, 0, 0};
    shifted(best, z1, 5);
    write_run("Z/z1", "branin", "{max_evaluations: 5}", 5, 2, unit_cost, best, sec1);
    static const double z2[] = {2, 2, 0.5, 0, 0};
    shifted(best, z2, 5);
    write_run("Z/z2", "branin", "{max_evaluations: 5}", 5, 2, unit_cost, best, sec1);

    /* Labels P and Q: currin_mf (maximised) with costs 10..320, a span over
     * 20 and so a log-spaced grid. */
    make_dir("P");
    make_dir("Q");
    static const double doubling[] = {10, 20, 40, 80, 160, 320};
    static const double p1[] = {6, 4, 2, 1, 0.5, 0.1};
    static const double p2[] = {8, 8, 3, 0.2, 0.2, 0.2};
    static const double p3[] = {5, 5, 5, 5, 5, 5};
    write_currin_run("P/p1", doubling, p1);
    write_currin_run("P/p2", doubling, p2);
    write_currin_run("P/p3", doubling, p3);
    static const double q1[] = {7, 3, 1, 1, 0.05, 0};
    static const double q2[] = {9, 2, 2, 2, 0, 0};
    write_currin_run("Q/q1", doubling, q1);
    write_currin_run("Q/q2", doubling, q2);

    /* Label M: multi-fidelity currin_mf, half the rows on LF. Best values
     * change on HF rows only. m1's HF rows are 1, 4, 6 (regrets 5, 2, 0.1),
     * m2's are 2, 5, 6 (4, 1, 1); m2 starts with an LF row (no value). */
    make_dir("M");
    static const char *const m1_src[] = {"HF", "LF", "LF", "HF", "LF", "HF"};
    static const double m1[] = {5, 5, 5, 2, 2, 0.1};
    static const char *const m2_src[] = {"LF", "HF", "LF", "LF", "HF", "HF"};
    static const double m2[] = {NAN, 4, 4, 4, 1, 1};
    write_currin_mf_run("M/m1", m1_src, m1);
    write_currin_mf_run("M/m2", m2_src, m2);
}

static bo_study *new_study(const size_t *evals, size_t n_evals, size_t cost_points,
                           size_t bucket)
{
    bo_study_options opt;
    bo_study_options_default(&opt);
    opt.evals = evals;
    opt.n_evals = n_evals;
    opt.cost_points = cost_points;
    opt.time_bucket = bucket;
    char err[256];
    bo_study *s = bo_study_create(&opt, err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    return s;
}

static void add_label(bo_study *s, const char *label, const char *rel)
{
    char path[1200];
    path_in(path, sizeof path, "%s", rel);
    bo_status st = bo_study_add(s, label, path);
    CHECK_MSG(st == BO_OK, "%s", bo_study_errmsg(s));
}

/* The CSV row that starts with prefix (e.g. "B,2,"): its median, q1, q3 and
 * runs fields checked like CHECK_STATS. */
static void check_csv_row(const char *text, const char *prefix, double median, double q1,
                          double q3, size_t n, int line)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s", prefix);
    const char *row = strstr(text, key);
    CHECK_MSG(row != NULL, "line %d: no CSV row %s", line, prefix);
    if (!row)
        return;
    char *p = (char *)row + strlen(key);
    double got[3];
    for (int i = 0; i < 3; i++) {
        got[i] = strtod(p, &p);
        CHECK_MSG(*p == ',', "line %d: row %s malformed", line, prefix);
        p++;
    }
    double want[3] = {median, q1, q3};
    for (int i = 0; i < 3; i++)
        CHECK_MSG(fabs(got[i] - want[i]) <= REGRET_ABS + STAT_REL * fabs(want[i]),
                  "line %d: row %s field %d is %.17g, expected %.17g", line, prefix, i, got[i],
                  want[i]);
    CHECK_MSG(strtoul(p, &p, 10) == n && *p == '\n', "line %d: row %s runs", line, prefix);
}
#define CHECK_CSV_ROW(text, prefix, median, q1, q3, n) \
    check_csv_row(text, prefix, median, q1, q3, n, __LINE__)

static void check_stats(const bo_study_stats *st, double median, double q1, double q3, size_t n,
                        int line)
{
    CHECK_MSG(st->n == n, "line %d: n %zu, expected %zu", line, st->n, n);
    double got[3] = {st->median, st->q1, st->q3}, want[3] = {median, q1, q3};
    for (int i = 0; i < 3; i++) {
        int same = isinf(want[i]) ? got[i] == want[i]
                                  : fabs(got[i] - want[i]) <=
                                        REGRET_ABS + STAT_REL * fmax(fabs(got[i]), fabs(want[i]));
        CHECK_MSG(same, "line %d: stat %d is %.17g, expected %.17g", line, i, got[i], want[i]);
    }
}
#define CHECK_STATS(st, median, q1, q3, n) check_stats(st, median, q1, q3, n, __LINE__)

static void test_quantiles(void)
{
    const double four[] = {1, 2, 3, 4};
    CHECK_CLOSE(bo_study_quantile(four, 4, 0.25), 1.75, 0, 1e-15);
    CHECK_CLOSE(bo_study_quantile(four, 4, 0.5), 2.5, 0, 1e-15);
    CHECK_CLOSE(bo_study_quantile(four, 4, 0.75), 3.25, 0, 1e-15);
    CHECK(bo_study_quantile(four, 4, 0.0) == 1.0);
    CHECK(bo_study_quantile(four, 4, 1.0) == 4.0);
    const double three[] = {1, 2, 10};
    CHECK(bo_study_quantile(three, 3, 0.5) == 2.0);
    CHECK_CLOSE(bo_study_quantile(three, 3, 0.75), 6.0, 0, 1e-15);
    const double one[] = {7};
    CHECK(bo_study_quantile(one, 1, 0.25) == 7.0);
    CHECK(bo_study_quantile(one, 1, 0.75) == 7.0);
    CHECK(isnan(bo_study_quantile(one, 0, 0.5)));
    /* Never reached = infinite: sorts last and interpolation towards it is
     * infinite, without inf - inf turning into NaN. */
    const double with_inf[] = {3, INFINITY, INFINITY};
    CHECK(bo_study_quantile(with_inf, 3, 0.25) == INFINITY);
    CHECK(bo_study_quantile(with_inf, 3, 0.0) == 3.0);
    CHECK(bo_study_quantile(with_inf, 3, 0.75) == INFINITY);
    double unsorted[] = {INFINITY, 8, 6};
    bo_study_stats st = bo_study_stats_of(unsorted, 3);
    CHECK_STATS(&st, 8, 7, INFINITY, 3);
    st = bo_study_stats_of(unsorted, 0);
    CHECK(st.n == 0 && isnan(st.median) && isnan(st.q1) && isnan(st.q3));
}

static void test_aggregate(void)
{
    static const size_t evals[] = {2, 5, 20};
    /* 12 grid points over costs 1..12 give the grid 1, 2, ..., 12. */
    bo_study *s = new_study(evals, 3, 12, 4);
    if (!s)
        return;
    add_label(s, "A", "A");
    add_label(s, "B", "B/");
    add_label(s, "C", "C");
    CHECK(bo_study_compute(s) == BO_OK);
    CHECK(bo_study_label_count(s) == 3);

    size_t n_grid = 0;
    int log_grid = -1;
    const double *grid = bo_study_cost_grid(s, &n_grid, &log_grid);
    /* Smallest cost with a value: 1 (a3, B); largest final cost: 12 (a2);
     * a span of 12 < 20, so linear. */
    CHECK(n_grid == 12 && log_grid == 0);
    for (size_t i = 0; grid && i < n_grid; i++)
        CHECK_MSG(grid[i] == (double)(i + 1), "grid[%zu] = %.17g", i, grid[i]);

    const bo_study_label *a = bo_study_label_at(s, 0);
    const bo_study_label *b = bo_study_label_at(s, 1);
    const bo_study_label *c = bo_study_label_at(s, 2);
    CHECK(bo_study_label_at(s, 3) == NULL);
    if (!a || !b || !c)
        return;
    CHECK(strcmp(a->name, "A") == 0 && strcmp(a->problem, "branin") == 0);
    CHECK(a->n_runs == 3 && a->regret == 1);
    CHECK_CLOSE(a->optimum, 5.0 / (4.0 * acos(-1.0)), 1e-15, 0);
    CHECK(strcmp(a->runs[0].dir + strlen(a->runs[0].dir) - 5, "/A/a1") == 0);
    CHECK(a->runs[0].finished && a->runs[1].finished && a->runs[2].finished);
    CHECK(a->runs[1].n_evals == 6 && a->runs[1].final_cost == 12.0);
    CHECK_CLOSE(a->runs[1].final_value, 0.002, 0, REGRET_ABS);

    /* Eval 1: a1 has no value yet (failed row), a2 8, a3 5: {5, 8}. */
    CHECK(a->n_eval_points == 6);
    CHECK_STATS(&a->eval_curve[0], 6.5, 5.75, 7.25, 2);
    /* Eval 3: {2, 3, 5}. */
    CHECK_STATS(&a->eval_curve[2], 3, 2.5, 4, 3);
    /* Eval 6: {0.001, 0.002, 5}. */
    CHECK_STATS(&a->eval_curve[5], 0.002, 0.0015, 2.501, 3);
    /* At --evals 2, 5, 20: {4, 5, 8}; {0.5, 0.002, 5}; finished runs keep
     * their final values past their last evaluation. */
    CHECK_STATS(&a->at_evals[0], 5, 4.5, 6.5, 3);
    CHECK_STATS(&a->at_evals[1], 0.5, 0.251, 2.75, 3);
    CHECK_STATS(&a->at_evals[2], 0.002, 0.0015, 2.501, 3);

    /* Tolerance 0.01 * 0.398 = 0.00398: a1 at eval 6 (cost 6), a2 at eval 4
     * (cost 8), a3 never. Costs {6, 8, inf}, evaluations {4, 6, inf}. */
    CHECK(a->runs[0].cost_to_tol == 6.0 && a->runs[0].evals_to_tol == 6.0);
    CHECK(a->runs[1].cost_to_tol == 8.0 && a->runs[1].evals_to_tol == 4.0);
    CHECK(isinf(a->runs[2].cost_to_tol) && isinf(a->runs[2].evals_to_tol));
    CHECK(a->n_reached == 2);
    CHECK_STATS(&a->cost_to_tol, 8, 7, INFINITY, 3);
    CHECK_STATS(&a->evals_to_tol, 6, 5, INFINITY, 3);

    /* Cost 1: only a3 has a value (a1's first row failed, a2 starts at 2). */
    CHECK_STATS(&a->cost_curve[0], 5, 5, 5, 1);
    /* Cost 5: a1 after row 5 (0.5), a2 after row 2 (cost 4: 8), a3 5. */
    CHECK_STATS(&a->cost_curve[4], 5, 2.75, 6.5, 3);
    /* Cost 12: a1 and a3 finished at cost 6 and keep their final values. */
    CHECK_STATS(&a->cost_curve[11], 0.002, 0.0015, 2.501, 3);

    /* Time: bo rows are evaluations 3-6. a1, a3 take 0.3..0.6 s, a2 twice
     * that; buckets of 4 evaluations: {3,4} and {5,6}. */
    CHECK(a->n_bo_rows == 12);
    CHECK_CLOSE(a->seconds_mean, (2 * 1.8 + 3.6) / 12, 1e-14, 0);
    CHECK(a->n_buckets == 2);
    CHECK(a->bucket_rows[0] == 6 && a->bucket_rows[1] == 6);
    CHECK_CLOSE(a->bucket_seconds[0], (2 * 0.7 + 1.4) / 6, 1e-14, 0);
    CHECK_CLOSE(a->bucket_seconds[1], (2 * 1.1 + 2.2) / 6, 1e-14, 0);

    /* Label B, four runs; b4 was killed after 3 of its 5 evaluations. */
    CHECK(b->n_runs == 4 && b->regret == 1);
    CHECK(strcmp(b->runs_dir + strlen(b->runs_dir) - 2, "/B") == 0);
    CHECK(b->runs[0].finished && b->runs[1].finished && b->runs[2].finished);
    CHECK(!b->runs[3].finished);
    /* Eval 2: {1, 2, 4, 7}. */
    CHECK_STATS(&b->eval_curve[1], 3, 1.75, 4.75, 4);
    CHECK_STATS(&b->at_evals[0], 3, 1.75, 4.75, 4);
    /* Eval 5 and 20: b4 did not finish and drops out: {0.003, 0.25, 2}. */
    CHECK_STATS(&b->eval_curve[4], 0.25, 0.1265, 1.125, 3);
    CHECK_STATS(&b->at_evals[1], 0.25, 0.1265, 1.125, 3);
    CHECK_STATS(&b->at_evals[2], 0.25, 0.1265, 1.125, 3);
    /* Cost 3: {1, 2, 0.003, 6}. */
    CHECK_STATS(&b->cost_curve[2], 1.5, 0.75075, 3, 4);
    /* Cost 4: b4's history ends at cost 3: {0.5, 2, 0.003}. */
    CHECK_STATS(&b->cost_curve[3], 0.5, 0.2515, 1.25, 3);
    /* Costs to tolerance {3, inf, inf, inf}. */
    CHECK(b->n_reached == 1);
    CHECK_STATS(&b->cost_to_tol, INFINITY, INFINITY, INFINITY, 4);
    CHECK(b->runs[2].cost_to_tol == 3.0 && b->runs[2].evals_to_tol == 3.0);

    /* Label C: no known optimum: the best values themselves. */
    CHECK(c->regret == 0 && isnan(c->optimum));
    CHECK(strstr(c->problem, "example_quadratic.so") != NULL);
    CHECK_STATS(&c->eval_curve[2], -2, -3, -1, 2);
    CHECK_STATS(&c->at_evals[1], -3.5, -3.75, -3.25, 2);
    CHECK(isnan(c->cost_to_tol.median) && c->n_reached == 0);
    CHECK(isnan(c->runs[0].cost_to_tol));

    /* Summary text. */
    char path[1200];
    path_in(path, sizeof path, "summary_direct.txt");
    FILE *f = fopen(path, "w");
    CHECK(f && bo_study_write_summary(s, f) == BO_OK);
    if (f)
        fclose(f);
    char *text = test_read_text(path);
    CHECK(strstr(text, "[A] 3 runs") != NULL);
    CHECK(strstr(text, "[B] 4 runs") != NULL);
    CHECK(strstr(text, "type 7") != NULL);
    CHECK(strstr(text, "skipped (no history.csv): notes") != NULL);
    CHECK(strstr(text, "1 of 4 runs did not finish") != NULL);
    CHECK(strstr(text, "cost to tolerance: median 8 (q1 7, q3 never); reached by 2 of 3 runs") !=
          NULL);
    CHECK(strstr(text, "mean 0.6 s over 12 iterations") != NULL);
    CHECK(strstr(text, "history rows 1-4: 0.4667 s (6)") != NULL);
    CHECK(strstr(text, "optimum unknown") != NULL);
    /* Ratio of median costs to tolerance: A 8 over B never. */
    CHECK(strstr(text, "A / B: 0 (the median B run never reaches the tolerance)") != NULL);
    CHECK(strstr(text, "A / C: - (optimum unknown)") != NULL);
    free(text);

    /* Files: CSV rows agree with the statistics. */
    char out[1200];
    path_in(out, sizeof out, "out_lib");
    mkdir(out, 0777);
    CHECK(bo_study_write_outputs(s, out) == BO_OK);
    path_in(path, sizeof path, "out_lib/eval_curve.csv");
    text = test_read_text(path);
    CHECK(strncmp(text, "label,target_evals,median,q1,q3,runs\n", 37) == 0);
    /* A: 6 evaluation counts, B: 5, C: 5, plus the header. */
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    CHECK(lines == 1 + 6 + 5 + 5);
    CHECK_CSV_ROW(text, "B,2,", 3, 1.75, 4.75, 4);
    CHECK_CSV_ROW(text, "A,1,", 6.5, 5.75, 7.25, 2);
    /* Best values with no regret are written as they are. */
    CHECK(strstr(text, "\nC,3,-2,-3,-1,2\n") != NULL);
    free(text);
    path_in(path, sizeof path, "out_lib/cost_curve.csv");
    text = test_read_text(path);
    CHECK(strncmp(text, "label,cost,median,q1,q3,runs\n", 29) == 0);
    CHECK_CSV_ROW(text, "A,5,", 5, 2.75, 6.5, 3);
    CHECK_CSV_ROW(text, "A,1,", 5, 5, 5, 1);
    CHECK_CSV_ROW(text, "B,4,", 0.5, 0.2515, 1.25, 3);
    CHECK(strstr(text, "\nC,5,-3.5,-3.75,-3.25,2\n") != NULL);
    /* An output that cannot be written leaves the earlier complete one in
     * place and is named: runs.csv's temporary file is a folder here. */
    path_in(path, sizeof path, "out_lib/runs.csv");
    char *runs_before = test_read_text(path);
    char blocker[1300];
    path_in(blocker, sizeof blocker, "out_lib/runs.csv.tmp");
    CHECK(mkdir(blocker, 0777) == 0);
    CHECK(bo_study_write_outputs(s, out) == BO_EIO);
    CHECK_MSG(strstr(bo_study_errmsg(s), "runs.csv.tmp") != NULL, "%s", bo_study_errmsg(s));
    char *runs_after = test_read_text(path);
    CHECK(runs_before && runs_after && strcmp(runs_before, runs_after) == 0);
    CHECK(rmdir(blocker) == 0);
    CHECK(bo_study_write_outputs(s, out) == BO_OK);
    free(runs_before);
    free(runs_after);
    /* B: b1..b3 finished at cost 5 and cover the grid up to 12. */
    CHECK(strstr(text, "\nB,12,") != NULL);
    free(text);
    /* runs.csv: every run of every label with its final value and whether
     * it finished, in the labels' order and the runs' folder order. */
    path_in(path, sizeof path, "out_lib/runs.csv");
    text = test_read_text(path);
    CHECK(strncmp(text, "label,run,target_evals,final,final_cost,finished\n", 49) == 0);
    lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    CHECK(lines == 1 + 3 + 4 + 2);
    CHECK(strstr(text, "\nA,a1,") != NULL && strstr(text, "\nA,a1,") < strstr(text, "\nA,a2,"));
    const char *row = strstr(text, "\nA,a2,");
    double final_value = NAN, final_cost = NAN;
    size_t target_evals = 0;
    int finished = -1;
    CHECK(row != NULL && sscanf(row, "\nA,a2,%zu,%lf,%lf,%d", &target_evals, &final_value,
                                &final_cost, &finished) == 4);
    CHECK(target_evals == 6 && final_cost == 12.0 && finished == 1);
    CHECK_CLOSE(final_value, 0.002, 0, REGRET_ABS);
    /* b4 was killed: it is listed, not finished, with its last value. */
    for (size_t r = 0; r < b->n_runs; r++) {
        char prefix[64];
        const char *name = strrchr(b->runs[r].dir, '/') + 1;
        snprintf(prefix, sizeof prefix, "\nB,%s,%zu,", name, b->runs[r].n_target_evals);
        row = strstr(text, prefix);
        CHECK_MSG(row != NULL, "runs.csv has no row %s", prefix + 1);
        if (row == NULL)
            continue;
        CHECK(sscanf(row + strlen(prefix), "%lf,%lf,%d", &final_value, &final_cost,
                     &finished) == 3);
        CHECK(final_value == b->runs[r].final_value && final_cost == b->runs[r].final_cost);
        CHECK(finished == (r < 3));
    }
    CHECK(strstr(text, "\nC,") != NULL);
    free(text);
    const char *names[] = {"summary.txt", "study_eval.dat", "study_cost.dat", "study.gp"};
    for (size_t i = 0; i < 4; i++) {
        path_in(path, sizeof path, "out_lib/%s", names[i]);
        CHECK_MSG(test_path_exists(path), "%s missing", path);
    }
    path_in(path, sizeof path, "out_lib/study.gp");
    text = test_read_text(path);
    /* Not every label is in regret (C): linear y axis. */
    CHECK(strstr(text, "set logscale y") == NULL);
    CHECK(strstr(text, "filledcurves") != NULL && strstr(text, "index 2") != NULL);
    free(text);
    /* ... and no best-value figure: C has no optimum to draw. */
    CHECK(!bo_study_has_value_figure(s));
    path_in(path, sizeof path, "out_lib/study_value.gp");
    CHECK(!test_path_exists(path));
    path_in(path, sizeof path, "out_lib/summary.txt");
    text = test_read_text(path);
    CHECK(strstr(text, "best-value figure (study_value.png): not written: label 'C'") != NULL);
    CHECK(strstr(text, "has no known optimum") != NULL);
    free(text);

    /* The finished study refuses more labels and a second compute. */
    CHECK(bo_study_add(s, "D", tmpdir) == BO_ESTATE);
    CHECK(bo_study_compute(s) == BO_ESTATE);
    bo_study_destroy(s);
}

/* Stopping rules other than max_evaluations make a run finished too. */
static void test_finished_rules(void)
{
    static const double cost2[] = {2, 4, 6, 8, 10};
    static const double r[] = {3, 2, 1, 1, 1};
    static const double sec[] = {0, 0, 1, 1, 1};
    double best[5];
    shifted(best, r, 5);
    char budget[128];
    snprintf(budget, sizeof budget, "{max_evaluations: 50, target_value: %.17g}",
             branin_opt + 1.5);
    static const struct {
        const char *name;
        const char *budget;     /* NULL: the target_value budget above */
        size_t n;
        int finished;
    } cases[] = {
        /* max_cost 10, source cost 1: finished at cost 10, not at 6. */
        {"cost_done", "{max_cost: 10}", 5, 1},
        {"cost_open", "{max_cost: 10}", 3, 0},
        /* max_no_improvement 2: last improvement at evaluation 3, so
         * finished after 5 evaluations, not after 4. */
        {"stall_done", "{max_evaluations: 50, max_no_improvement: 2}", 5, 1},
        {"stall_open", "{max_evaluations: 50, max_no_improvement: 2}", 4, 0},
        /* target_value optimum + 1.5 reached at evaluation 3. */
        {"target_done", NULL, 3, 1},
        {"target_open", NULL, 2, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "F_%s", cases[i].name);
        make_dir(rel);
        snprintf(rel, sizeof rel, "F_%s/run", cases[i].name);
        write_run(rel, "branin", cases[i].budget ? cases[i].budget : budget, cases[i].n, 2, cost2,
                  best, sec);
        bo_study *s = new_study(NULL, 0, 10, 100);
        if (!s)
            return;
        snprintf(rel, sizeof rel, "F_%s", cases[i].name);
        add_label(s, "F", rel);
        CHECK(bo_study_compute(s) == BO_OK);
        const bo_study_label *l = bo_study_label_at(s, 0);
        CHECK_MSG(l && l->runs[0].finished == cases[i].finished, "%s: finished = %d",
                  cases[i].name, l ? l->runs[0].finished : -1);
        bo_study_destroy(s);
    }
}

/* Every row of OUT_REL/study_value.dat against OUT_REL/cost_curve.csv, which
 * holds the unclipped regret quantiles at the same costs (both written with
 * 17 digits, so they read back exactly): the value is optimum + regret when
 * minimising, optimum - regret when maximising, and then q1 and q3 trade
 * places. Every CSV row must have its data row. */
static void check_value_dat(const char *out_rel, double optimum, int maximize, int line)
{
    char path[1200];
    path_in(path, sizeof path, "%s/study_value.dat", out_rel);
    char *dat = test_read_text(path);
    path_in(path, sizeof path, "%s/cost_curve.csv", out_rel);
    char *csv = test_read_text(path);
    size_t csv_rows = 0, compared = 0;
    for (const char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n'))
        csv_rows++;
    char label[64] = "";
    char *save = NULL;
    for (char *row = strtok_r(dat, "\n", &save); row; row = strtok_r(NULL, "\n", &save)) {
        if (sscanf(row, "# label %63s", label) == 1 || row[0] == '#')
            continue;
        char cost[64], key[160];
        double v[3];
        size_t runs = 0;
        CHECK_MSG(sscanf(row, "%63s %lf %lf %lf %zu", cost, &v[0], &v[1], &v[2], &runs) == 5,
                  "line %d: data row '%s'", line, row);
        snprintf(key, sizeof key, "\n%s,%s,", label, cost);
        const char *hit = strstr(csv, key);
        CHECK_MSG(hit != NULL, "line %d: no CSV row %s", line, key + 1);
        if (!hit)
            continue;
        char *p = (char *)hit + strlen(key);
        double r[3];
        for (int i = 0; i < 3; i++) {
            r[i] = strtod(p, &p);
            p++; /* the comma */
        }
        double want[3] = {optimum + r[0], optimum + r[1], optimum + r[2]};
        if (maximize) {
            want[0] = optimum - r[0];
            want[1] = optimum - r[2];
            want[2] = optimum - r[1];
        }
        for (int i = 0; i < 3; i++)
            CHECK_MSG(v[i] == want[i], "line %d: %s at cost %s: field %d is %.17g, expected %.17g",
                      line, label, cost, i, v[i], want[i]);
        CHECK_MSG(strtoul(p, NULL, 10) == runs, "line %d: %s at cost %s: runs", line, label,
                  cost);
        compared++;
    }
    CHECK_MSG(compared == csv_rows && compared > 0, "line %d: %zu data rows for %zu CSV rows",
              line, compared, csv_rows);
    free(dat);
    free(csv);
}
#define CHECK_VALUE_DAT(out_rel, optimum, maximize) \
    check_value_dat(out_rel, optimum, maximize, __LINE__)

/* A fresh output folder under tmpdir with the study's files. */
static void write_outputs_to(bo_study *s, const char *out_rel)
{
    char out[1200];
    path_in(out, sizeof out, "%s", out_rel);
    mkdir(out, 0777);
    CHECK_MSG(bo_study_write_outputs(s, out) == BO_OK, "%s", bo_study_errmsg(s));
}

/* runs.csv quotes a run folder whose name holds a comma or a quote, so the
 * row still has six fields. */
static void test_runs_csv_quoting(void)
{
    static const double cost[] = {1, 2, 3, 4, 5};
    static const double r[] = {3, 2, 1, 1, 0.5};
    static const double sec[] = {0, 0, 1, 1, 1};
    double best[5];
    shifted(best, r, 5);
    make_dir("Q_runs");
    write_run("Q_runs/seed,1 \"x\"", "branin", "{max_evaluations: 5}", 5, 2, cost, best, sec);
    bo_study *s = new_study(NULL, 0, 10, 100);
    if (!s)
        return;
    add_label(s, "Q", "Q_runs");
    CHECK(bo_study_compute(s) == BO_OK);
    write_outputs_to(s, "Q_out");
    const bo_study_label *l = bo_study_label_at(s, 0);
    char path[1200];
    path_in(path, sizeof path, "Q_out/runs.csv");
    char *text = test_read_text(path);
    CHECK(text != NULL && l != NULL);
    if (text != NULL && l != NULL) {
        char want[128];
        snprintf(want, sizeof want, "\nQ,\"seed,1 \"\"x\"\"\",5,%.17g,5,1\n",
                 l->runs[0].final_value);
        CHECK_MSG(strstr(text, want) != NULL, "runs.csv: %s", text);
        CHECK_CLOSE(l->runs[0].final_value, 0.5, 0, REGRET_ABS);
    }
    free(text);
    bo_study_destroy(s);
}

/* The best-value script: linear y, the optimum named on a dashed line, and
 * the cost axis of study.gp's cost panel. */
static void check_value_script(bo_study *s, const char *out_rel, double optimum)
{
    char path[1200], want[160];
    size_t n_grid = 0;
    int log_grid = 0;
    const double *grid = bo_study_cost_grid(s, &n_grid, &log_grid);
    path_in(path, sizeof path, "%s/study_value.gp", out_rel);
    char *script = test_read_text(path);
    path_in(path, sizeof path, "%s/study.gp", out_rel);
    char *both = test_read_text(path);
    snprintf(want, sizeof want, "%.17g with lines dt 2", optimum);
    CHECK_MSG(strstr(script, want) != NULL, "no dashed line at the optimum: %s", want);
    snprintf(want, sizeof want, "title 'optimum %.10g'", optimum);
    CHECK_MSG(strstr(script, want) != NULL, "optimum not named: %s", want);
    CHECK(strstr(script, "set ylabel 'best target value (") != NULL);
    CHECK(strstr(script, ": best target value, median and interquartile range'") != NULL);
    CHECK(strstr(script, "set logscale y") == NULL);
    CHECK(strstr(script, "'study_value.dat' index 0 using 1:3:4 with filledcurves") != NULL);
    CHECK(strstr(script, "set output 'study_value.png'") != NULL);
    CHECK((strstr(script, "set logscale x") != NULL) == (log_grid != 0));
    CHECK((strstr(both, "set logscale x") != NULL) == (log_grid != 0));
    if (grid && n_grid > 1) {
        snprintf(want, sizeof want, "set xrange [%.17g:%.17g]\n", grid[0], grid[n_grid - 1]);
        CHECK(strstr(script, want) != NULL && strstr(both, want) != NULL);
    }
    path_in(path, sizeof path, "%s/study_value.dat", out_rel);
    CHECK_MSG(test_path_exists(path), "%s missing", path);
    free(script);
    free(both);
}

/* Branin is minimised: values are optimum + regret. Z hits the optimum, so
 * its final quartiles are the optimum itself, while study_cost.dat holds
 * the log axis's floor there. */
static void test_value_figure_minimise(void)
{
    bo_study *s = new_study(NULL, 0, 12, 100);
    if (!s)
        return;
    add_label(s, "A", "A");
    add_label(s, "B", "B");
    add_label(s, "Z", "Z");
    CHECK(bo_study_compute(s) == BO_OK);
    CHECK(bo_study_has_value_figure(s));
    const bo_study_label *z = bo_study_label_at(s, 2);
    CHECK(z && z->regret && !z->maximize);
    write_outputs_to(s, "out_min");
    CHECK_VALUE_DAT("out_min", branin_opt, 0);
    check_value_script(s, "out_min", branin_opt);

    char path[1200], want[160];
    path_in(path, sizeof path, "out_min/study_value.dat");
    char *text = test_read_text(path);
    CHECK(strstr(text, "optimum + regret") != NULL);
    CHECK(strstr(text, "not clipped") != NULL);
    snprintf(want, sizeof want, "\n12 %.17g %.17g %.17g 2\n", branin_opt, branin_opt, branin_opt);
    CHECK_MSG(strstr(text, want) != NULL, "Z's last row is not the optimum: %s", want + 1);
    /* A at cost 5: regrets {0.5, 8, 5} by hand (see test_aggregate). */
    snprintf(want, sizeof want, "\n5 %.17g", branin_opt + 5);
    CHECK(strstr(text, want) != NULL);
    free(text);
    path_in(path, sizeof path, "out_min/study_cost.dat");
    text = test_read_text(path);
    snprintf(want, sizeof want, "\n12 %.17g %.17g %.17g 2\n", 1e-16, 1e-16, 1e-16);
    CHECK_MSG(strstr(text, want) != NULL, "Z's last regret row is not clipped: %s", want + 1);
    free(text);
    bo_study_destroy(s);
}

/* currin_mf is maximised: values are optimum - regret and the value's lower
 * quartile is the regret's upper one. Its costs 10..320 give a log grid. */
static void test_value_figure_maximise(void)
{
    bo_study *s = new_study(NULL, 0, 20, 100);
    if (!s)
        return;
    add_label(s, "P", "P");
    add_label(s, "Q", "Q");
    CHECK(bo_study_compute(s) == BO_OK);
    CHECK(bo_study_has_value_figure(s));
    const bo_study_label *p = bo_study_label_at(s, 0);
    CHECK(p && p->regret && p->maximize && p->optimum == currin_opt);
    size_t n_grid = 0;
    int log_grid = 0;
    bo_study_cost_grid(s, &n_grid, &log_grid);
    CHECK(n_grid == 20 && log_grid == 1);
    write_outputs_to(s, "out_max");
    CHECK_VALUE_DAT("out_max", currin_opt, 1);
    check_value_script(s, "out_max", currin_opt);

    /* At the last cost, 320, from the best values written in the histories:
     * P {opt - 5, opt - 0.2, opt - 0.1}: median opt - 0.2, q1 halfway
     * between the lowest two (opt - 2.6), q3 halfway between the highest
     * two (opt - 0.15). */
    char path[1200];
    path_in(path, sizeof path, "out_max/study_value.dat");
    char *text = test_read_text(path);
    CHECK(strstr(text, "optimum - regret") != NULL && strstr(text, "(maximize)") != NULL);
    const char *q_block = strstr(text, "# label Q");
    const char *last_p = NULL;
    for (const char *r = strstr(text, "\n320 "); r && (!q_block || r < q_block);
         r = strstr(r + 1, "\n320 "))
        last_p = r;
    CHECK(last_p != NULL);
    if (last_p) {
        double v[3];
        CHECK(sscanf(last_p, " 320 %lf %lf %lf", &v[0], &v[1], &v[2]) == 3);
        CHECK_CLOSE(v[0], currin_opt - 0.2, 0, 1e-13);
        CHECK_CLOSE(v[1], currin_opt - 2.6, 0, 1e-13);
        CHECK_CLOSE(v[2], currin_opt - 0.15, 0, 1e-13);
    }
    free(text);
    bo_study_destroy(s);
}

/* Labels of different problems (branin minimised, currin_mf maximised) have
 * no common optimum: no best-value figure, and the summary says why. The
 * folder used is out_min, so the earlier study's value files must go. */
static void test_value_figure_different_problems(void)
{
    bo_study *s = new_study(NULL, 0, 20, 100);
    if (!s)
        return;
    add_label(s, "A", "A");
    add_label(s, "P", "P");
    CHECK(bo_study_compute(s) == BO_OK);
    CHECK(!bo_study_has_value_figure(s));
    char path[1200];
    path_in(path, sizeof path, "out_min/study_value.png");
    test_write_text(path, "an earlier study's figure");
    write_outputs_to(s, "out_min");
    const char *gone[] = {"study_value.gp", "study_value.dat", "study_value.png"};
    for (size_t i = 0; i < 3; i++) {
        path_in(path, sizeof path, "out_min/%s", gone[i]);
        CHECK_MSG(!test_path_exists(path), "%s still there", path);
    }
    path_in(path, sizeof path, "out_min/study.gp");
    CHECK(test_path_exists(path));
    path_in(path, sizeof path, "out_min/summary.txt");
    char *text = test_read_text(path);
    CHECK(strstr(text, "best-value figure (study_value.png): not written: labels 'A' (branin, "
                       "minimize") != NULL);
    CHECK(strstr(text, "'P' (currin_mf, maximize") != NULL);
    CHECK(strstr(text, "are different problems") != NULL);
    free(text);
    int drawn = 0;
    path_in(path, sizeof path, "out_min");
    CHECK(bo_study_draw(s, path, &drawn) == BO_OK);
    path_in(path, sizeof path, "out_min/study_value.png");
    CHECK(!test_path_exists(path));
    bo_study_destroy(s);
}

static void expect_add_error(const char *label, const char *rel, bo_status want,
                             const char *fragment, int line)
{
    bo_study *s = new_study(NULL, 0, 10, 100);
    if (!s)
        return;
    char path[1200];
    if (rel)
        path_in(path, sizeof path, "%s", rel);
    else
        path[0] = '\0';
    bo_status st = bo_study_add(s, label, path);
    const char *msg = bo_study_errmsg(s);
    CHECK_MSG(st == want, "line %d: status %d, expected %d (%s)", line, (int)st, (int)want, msg);
    CHECK_MSG(strstr(msg, fragment) != NULL, "line %d: message '%s' lacks '%s'", line, msg,
              fragment);
    /* The study is unchanged: nothing to compute. */
    CHECK(bo_study_compute(s) == BO_ESTATE);
    bo_study_destroy(s);
}
#define EXPECT_ADD_ERROR(label, rel, want, fragment) \
    expect_add_error(label, rel, want, fragment, __LINE__)

static void test_errors(void)
{
    char err[256] = "";
    bo_study_options opt;
    bo_study_options_default(&opt);
    opt.tol = 0;
    CHECK(bo_study_create(&opt, err, sizeof err) == NULL && strstr(err, "tolerance"));
    bo_study_options_default(&opt);
    opt.cost_points = 1;
    CHECK(bo_study_create(&opt, err, sizeof err) == NULL && strstr(err, "cost grid"));
    bo_study_options_default(&opt);
    opt.time_bucket = 0;
    CHECK(bo_study_create(&opt, err, sizeof err) == NULL && strstr(err, "bucket"));
    static const size_t zero_eval[] = {5, 0};
    bo_study_options_default(&opt);
    opt.evals = zero_eval;
    opt.n_evals = 2;
    CHECK(bo_study_create(&opt, err, sizeof err) == NULL && strstr(err, "entry 2"));

    char path[1200];
    path_in(path, sizeof path, "missing");
    EXPECT_ADD_ERROR("m", "missing", BO_EIO, path);
    EXPECT_ADD_ERROR("m", "missing", BO_EIO, "cannot open the runs folder");

    make_dir("E_empty");
    make_dir("E_empty/nothing");
    path_in(path, sizeof path, "E_empty: no runs");
    EXPECT_ADD_ERROR("e", "E_empty", BO_EIO, path);

    /* A single run's folder given where the folder of runs belongs. */
    EXPECT_ADD_ERROR("one", "A/a1", BO_EIO, "this is one run's folder");

    /* A history whose second row has a word for a number. */
    make_dir("E_hist");
    make_dir("E_hist/r");
    write_config("E_hist/r", "branin", -5, "{max_evaluations: 6}");
    path_in(path, sizeof path, "E_hist/r/history.csv");
    test_write_text(path, "eval,phase,source,x1,x2,y,status,message,cost,cum_cost,best,acq,"
                          "suggest_seconds,eval_seconds,worker,started,finished\n"
                          "1,init,f,0,0,1,ok,,1,1,1,,0,0.1,1,10,10.1\n"
                          "2,init,f,0,0,1,ok,,1,two,1,,0,0.1,1,10.1,10.2\n");
    EXPECT_ADD_ERROR("h", "E_hist", BO_EPARSE, path);
    EXPECT_ADD_ERROR("h", "E_hist", BO_EPARSE, "row 2");

    /* A history with columns that are not the config's inputs. */
    make_dir("E_cols");
    make_dir("E_cols/r");
    write_config("E_cols/r", "branin", -5, "{max_evaluations: 6}");
    path_in(path, sizeof path, "E_cols/r/history.csv");
    test_write_text(path, "eval,phase,source,a,b,y,status,message,cost,cum_cost,best,acq,"
                          "suggest_seconds,eval_seconds,worker,started,finished\n");
    EXPECT_ADD_ERROR("h", "E_cols", BO_EPARSE, path);

    /* history.csv without config.yaml. */
    make_dir("E_noconf");
    make_dir("E_noconf/r");
    path_in(path, sizeof path, "E_noconf/r/history.csv");
    test_write_text(path, "eval,phase,source,x1,x2,y,status,message,cost,cum_cost,best,acq,seconds\n");
    path_in(path, sizeof path, "E_noconf/r: a run folder without config.yaml");
    EXPECT_ADD_ERROR("n", "E_noconf", BO_EIO, path);

    /* A config that does not parse: the loader's file:line:column. */
    make_dir("E_conf");
    make_dir("E_conf/r");
    path_in(path, sizeof path, "E_conf/r/history.csv");
    test_write_text(path, "eval,phase,source,x1,x2,y,status,message,cost,cum_cost,best,acq,seconds\n");
    path_in(path, sizeof path, "E_conf/r/config.yaml");
    test_write_text(path, "name: t\nbudgett: {max_evaluations: 3}\n");
    EXPECT_ADD_ERROR("c", "E_conf", BO_EPARSE, path);
    EXPECT_ADD_ERROR("c", "E_conf", BO_EPARSE, "budgett");

    /* Two problems under one label: other bounds. */
    static const double cum[] = {1, 2};
    static const double sec[] = {0, 0};
    double best[2] = {1, 1};
    make_dir("E_mixed");
    write_run("E_mixed/r1", "branin", "{max_evaluations: 6}", 2, 2, cum, best, sec);
    write_run("E_mixed/r2", "branin", "{max_evaluations: 6}", 2, 2, cum, best, sec);
    write_config("E_mixed/r2", "branin", -4, "{max_evaluations: 6}");
    EXPECT_ADD_ERROR("x", "E_mixed", BO_EINVAL, "runs of different problems under label 'x'");
    EXPECT_ADD_ERROR("x", "E_mixed", BO_EINVAL, "differs from");
    EXPECT_ADD_ERROR("x", "E_mixed", BO_EINVAL, "in inputs[0]");
    path_in(path, sizeof path, "E_mixed/r2/config.yaml");
    EXPECT_ADD_ERROR("x", "E_mixed", BO_EINVAL, path);
    /* ... or another objective. */
    write_config("E_mixed/r2", "levy", -5, "{max_evaluations: 6}");
    EXPECT_ADD_ERROR("x", "E_mixed", BO_EINVAL, "objective.plugin");
    /* ... while another budget is the same problem. */
    write_config("E_mixed/r2", "branin", -5, "{max_evaluations: 9}");
    bo_study *s = new_study(NULL, 0, 10, 100);
    if (s) {
        add_label(s, "x", "E_mixed");
        bo_study_destroy(s);
    }

    /* Labels name CSV fields and folders. */
    EXPECT_ADD_ERROR("a b", "A", BO_EINVAL, "label 'a b'");
    EXPECT_ADD_ERROR("a,b", "A", BO_EINVAL, "letters, digits");
    EXPECT_ADD_ERROR("", "A", BO_EINVAL, "label ''");
    EXPECT_ADD_ERROR("ok", NULL, BO_EINVAL, "empty runs folder");
    s = new_study(NULL, 0, 10, 100);
    if (s) {
        add_label(s, "A", "A");
        path_in(path, sizeof path, "B");
        CHECK(bo_study_add(s, "A", path) == BO_EINVAL);
        CHECK(strstr(bo_study_errmsg(s), "label 'A' given twice") != NULL);
        /* After errors the study still works with what it has. */
        CHECK(bo_study_add(s, "bad label", path) == BO_EINVAL);
        CHECK(bo_study_write_outputs(s, tmpdir) == BO_ESTATE);
        CHECK(bo_study_compute(s) == BO_OK && bo_study_label_count(s) == 1);
        path_in(path, sizeof path, "no/such/folder");
        CHECK(bo_study_write_outputs(s, path) == BO_EIO);
        CHECK(strstr(bo_study_errmsg(s), path) != NULL);
        bo_study_destroy(s);
    }
    s = new_study(NULL, 0, 10, 100);
    if (s) {
        CHECK(bo_study_compute(s) == BO_ESTATE);
        CHECK(strstr(bo_study_errmsg(s), "no label") != NULL);
        bo_study_destroy(s);
    }
    bo_study_destroy(NULL);
}

/* Runs gnuplot on OUT_REL/SCRIPT in that folder, as a user re-drawing a
 * figure would; gnuplot's warnings go to stderr with exit status 0, so the
 * captured stderr must be empty too. The picture must be a real PNG. */
static void check_gnuplot_quiet(const char *out_rel, const char *script, const char *picture,
                                int line)
{
    if (!bo_plot_have_program("gnuplot"))
        return;
    char folder[1200], cmd[4000], path[1400];
    path_in(folder, sizeof folder, "%s", out_rel);
    /* timeout: a gnuplot that never finishes fails here, not in ctest's. */
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout 60 gnuplot '%s' >/dev/null 2>gnuplot.stderr",
             folder, script);
    int status = system(cmd);
    snprintf(path, sizeof path, "%s/gnuplot.stderr", folder);
    char *err = test_read_text(path);
    CHECK_MSG(status == 0 && err[0] == '\0', "line %d: gnuplot %s: status %d, stderr: %s", line,
              script, status, err);
    free(err);
    snprintf(path, sizeof path, "%s/%s", folder, picture);
    FILE *f = fopen(path, "rb");
    char head[8] = {0};
    long bytes = 0;
    if (f) {
        CHECK(fread(head, 1, sizeof head, f) == sizeof head);
        fseek(f, 0, SEEK_END);
        bytes = ftell(f);
        fclose(f);
    }
    CHECK_MSG(memcmp(head, "\x89PNG", 4) == 0 && bytes > 10000, "line %d: %s: %ld bytes", line,
              path, bytes);
}
#define CHECK_GNUPLOT_QUIET(out_rel, script, picture) \
    check_gnuplot_quiet(out_rel, script, picture, __LINE__)

/* A multi-fidelity label counts evaluations of its target only: its curve
 * against evaluations, the --evals table and the evaluations to tolerance
 * are in HF evaluations, while the cost counts every source. The figures
 * name the problem and the seeds, and the axis says what it counts. */
static void test_target_evaluations(void)
{
    static const size_t evals[] = {2, 3};
    bo_study *s = new_study(evals, 2, 20, 100);
    if (!s)
        return;
    add_label(s, "M", "M");
    add_label(s, "P", "P");
    CHECK(bo_study_compute(s) == BO_OK);
    const bo_study_label *m = bo_study_label_at(s, 0);
    const bo_study_label *p = bo_study_label_at(s, 1);
    if (!m || !p)
        return;
    CHECK(m->multi_fidelity && !p->multi_fidelity);
    CHECK(strcmp(m->target_source, "HF") == 0 && strcmp(m->problem, "currin_mf") == 0);
    CHECK(m->runs[0].n_evals == 6 && m->runs[0].n_target_evals == 3);
    CHECK(p->runs[0].n_evals == 6 && p->runs[0].n_target_evals == 6);
    /* Three HF evaluations, not six rows. */
    CHECK(m->n_eval_points == 3);
    /* After 1, 2, 3 HF evaluations: {5, 4}, {2, 1}, {0.1, 1}. */
    CHECK_STATS(&m->eval_curve[0], 4.5, 4.25, 4.75, 2);
    CHECK_STATS(&m->eval_curve[1], 1.5, 1.25, 1.75, 2);
    CHECK_STATS(&m->eval_curve[2], 0.55, 0.325, 0.775, 2);
    CHECK_STATS(&m->at_evals[0], 1.5, 1.25, 1.75, 2);
    /* Tolerance 0.01 * 13.8 = 0.138: m1 at its third HF evaluation (row
     * 6, cost 33), m2 never. */
    CHECK(m->runs[0].evals_to_tol == 3.0 && m->runs[0].cost_to_tol == 33.0);
    CHECK(isinf(m->runs[1].evals_to_tol));
    /* The cost still counts LF: m1's first value is at cost 10, m2's at 11. */
    size_t n_grid = 0;
    const double *grid = bo_study_cost_grid(s, &n_grid, NULL);
    CHECK(grid && grid[0] == 10.0);

    char path[1200];
    write_outputs_to(s, "out_mf");
    path_in(path, sizeof path, "out_mf/eval_curve.csv");
    char *text = test_read_text(path);
    CHECK_CSV_ROW(text, "M,3,", 0.55, 0.325, 0.775, 2);
    CHECK(strstr(text, "\nM,4,") == NULL);
    free(text);
    path_in(path, sizeof path, "out_mf/summary.txt");
    text = test_read_text(path);
    CHECK(strstr(text, "evaluations below: of the target source HF only") != NULL);
    CHECK(strstr(text, "target evaluations to tolerance: median never (q1 never") != NULL);
    free(text);
    path_in(path, sizeof path, "out_mf/study.gp");
    text = test_read_text(path);
    /* The problem, once, and the seeds per label in the title; the axis and
     * the legend say what is counted and how many seeds each label has. */
    CHECK(strstr(text, "title 'currin_mf (seeds: M 2, P 3): median and interquartile range'") !=
          NULL);
    CHECK(strstr(text, "set xlabel 'evaluations of the target source HF (others count in the "
                       "cost only)'") != NULL);
    CHECK(strstr(text, "set xlabel 'cumulative cost (all sources)'") != NULL);
    CHECK(strstr(text, "title 'M (2 seeds, multi-fidelity)'") != NULL);
    CHECK(strstr(text, "title 'P (3 seeds)'") != NULL);
    free(text);
    path_in(path, sizeof path, "out_mf/study_value.gp");
    text = test_read_text(path);
    CHECK(strstr(text, "title 'currin_mf (seeds: M 2, P 3): best target value") != NULL);
    free(text);
    CHECK_GNUPLOT_QUIET("out_mf", "study.gp", "study.png");
    CHECK_GNUPLOT_QUIET("out_mf", "study_value.gp", "study_value.png");
    bo_study_destroy(s);

    /* One label: "N seeds"; labels with the same count: "N seeds per label";
     * a plugin that is no benchmark is named by its file name. */
    s = new_study(NULL, 0, 10, 100);
    if (!s)
        return;
    add_label(s, "C", "C");
    CHECK(bo_study_compute(s) == BO_OK);
    write_outputs_to(s, "out_one");
    path_in(path, sizeof path, "out_one/study.gp");
    text = test_read_text(path);
    CHECK(strstr(text, "title 'example_quadratic, 2 seeds: median") != NULL);
    CHECK(strstr(text, "set xlabel 'evaluations'\n") != NULL);
    free(text);
    CHECK_GNUPLOT_QUIET("out_one", "study.gp", "study.png");
    bo_study_destroy(s);
    s = new_study(NULL, 0, 10, 100);
    if (!s)
        return;
    add_label(s, "Q", "Q");
    add_label(s, "M", "M");
    CHECK(bo_study_compute(s) == BO_OK);
    write_outputs_to(s, "out_pair");
    path_in(path, sizeof path, "out_pair/study.gp");
    text = test_read_text(path);
    CHECK(strstr(text, "title 'currin_mf, 2 seeds per label: median") != NULL);
    free(text);
    bo_study_destroy(s);
}

/* Runs bo-study with args (NULL-terminated); stdout and stderr to files in
 * tmpdir; returns the exit status (-1 if it did not exit). */
static int run_program(const char *const *args, char **out, char **err)
{
    char out_path[1200], err_path[1200];
    path_in(out_path, sizeof out_path, "prog_out.txt");
    path_in(err_path, sizeof err_path, "prog_err.txt");
    int code = test_wait_exit(test_spawn(BO_BINARY_DIR "/bo-study", args, out_path, err_path));
    *out = test_read_text(out_path);
    *err = test_read_text(err_path);
    return code;
}

static void test_program(void)
{
    char a[1200], b_arg[1200], out_dir[1200], missing[1200], path[1200];
    snprintf(a, sizeof a, "A=%s/A", tmpdir);
    snprintf(b_arg, sizeof b_arg, "B=%s/B", tmpdir);
    path_in(out_dir, sizeof out_dir, "prog/study");
    char *out = NULL, *err = NULL;

    const char *ok_args[] = {"aggregate", "--out",   out_dir, "--evals", "2,5,20", "--tol", "0.01",
                             "--cost-points", "12", "--time-bucket", "4", a, b_arg, NULL};
    int code = run_program(ok_args, &out, &err);
    CHECK_MSG(code == 0, "exit %d: %s", code, err);
    /* gnuplot drew both figures without a warning (they would be here). */
    if (bo_plot_have_program("gnuplot"))
        CHECK_MSG(err[0] == '\0', "bo-study wrote to stderr: %s", err);
    CHECK(strstr(out, "[A] 3 runs") != NULL && strstr(out, "[B] 4 runs") != NULL);
    CHECK(strstr(out, "A / B: 0") != NULL);
    /* The summary file holds what was printed. */
    path_in(path, sizeof path, "prog/study/summary.txt");
    char *summary = test_read_text(path);
    CHECK(*summary && strstr(out, summary) == out);
    free(summary);
    path_in(path, sizeof path, "prog/study/eval_curve.csv");
    char *csv = test_read_text(path);
    CHECK_CSV_ROW(csv, "B,2,", 3, 1.75, 4.75, 4);
    free(csv);
    path_in(path, sizeof path, "prog/study/study.gp");
    char *script = test_read_text(path);
    /* Both labels in regret: log y; costs 1..12: linear x. */
    CHECK(strstr(script, "set logscale y") != NULL);
    CHECK(strstr(script, "set logscale x") == NULL);
    free(script);
    path_in(path, sizeof path, "prog/study/study.png");
    if (bo_plot_have_program("gnuplot"))
        CHECK_MSG(test_path_exists(path), "study.png not drawn: %s", err);
    else
        CHECK(strstr(err, "gnuplot not found") != NULL);
    /* Both labels are branin: the best-value figure too. */
    path_in(path, sizeof path, "prog/study/study_value.dat");
    CHECK(test_path_exists(path));
    CHECK(strstr(out, ", study_value.gp") != NULL);
    path_in(path, sizeof path, "prog/study/study_value.png");
    if (bo_plot_have_program("gnuplot")) {
        CHECK_MSG(test_path_exists(path), "study_value.png not drawn: %s", err);
        CHECK(strstr(out, ", study_value.png") != NULL);
    }
    free(out);
    free(err);

    /* Branin and currin_mf: no best-value figure, and the summary says why. */
    char p_arg[1200];
    snprintf(p_arg, sizeof p_arg, "P=%s/P", tmpdir);
    const char *mixed_args[] = {"aggregate", "--out", out_dir, "--no-plot", a, p_arg, NULL};
    code = run_program(mixed_args, &out, &err);
    CHECK_MSG(code == 0, "exit %d: %s", code, err);
    CHECK(strstr(out, "are different problems") != NULL);
    CHECK(strstr(out, ", study_value.gp") == NULL);
    path_in(path, sizeof path, "prog/study/study_value.gp");
    CHECK(!test_path_exists(path));
    free(out);
    free(err);

    const char *help[] = {"--help", NULL};
    CHECK(run_program(help, &out, &err) == 0 && strstr(out, "usage: bo-study aggregate"));
    free(out);
    free(err);

    path_in(missing, sizeof missing, "nowhere");
    char missing_arg[1300];
    snprintf(missing_arg, sizeof missing_arg, "M=%s", missing);
    const char *bad_dir[] = {"aggregate", "--out", out_dir, "--no-plot", a, missing_arg, NULL};
    CHECK(run_program(bad_dir, &out, &err) == 2 && strstr(err, missing) != NULL);
    free(out);
    free(err);

    char hist_arg[1300];
    path_in(path, sizeof path, "E_hist");
    snprintf(hist_arg, sizeof hist_arg, "H=%s", path);
    const char *bad_hist[] = {"aggregate", "--out", out_dir, hist_arg, NULL};
    CHECK(run_program(bad_hist, &out, &err) == 2 && strstr(err, "E_hist/r/history.csv") != NULL);
    free(out);
    free(err);

    const char *no_out[] = {"aggregate", a, NULL};
    CHECK(run_program(no_out, &out, &err) == 2 && strstr(err, "--out") != NULL);
    free(out);
    free(err);
    const char *bad_evals[] = {"aggregate", "--out", out_dir, "--evals", "10,x", a, NULL};
    CHECK(run_program(bad_evals, &out, &err) == 2 && strstr(err, "--evals") != NULL);
    free(out);
    free(err);
    const char *bad_tol[] = {"aggregate", "--out", out_dir, "--tol", "-1", a, NULL};
    CHECK(run_program(bad_tol, &out, &err) == 2 && strstr(err, "--tol") != NULL);
    free(out);
    free(err);
    const char *no_eq[] = {"aggregate", "--out", out_dir, "just_a_dir", NULL};
    CHECK(run_program(no_eq, &out, &err) == 2 && strstr(err, "LABEL=RUNS_DIR") != NULL);
    free(out);
    free(err);
    const char *bad_cmd[] = {"summarise", NULL};
    CHECK(run_program(bad_cmd, &out, &err) == 2 && strstr(err, "aggregate") != NULL);
    free(out);
    free(err);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    const bo_benchmark *branin = bo_benchmark_find("branin");
    CHECK(branin != NULL);
    if (!branin)
        return CHECK_DONE();
    branin_opt = branin->optimum;
    const bo_benchmark *currin = bo_benchmark_find("currin_mf");
    CHECK(currin != NULL && currin->goal == BO_BENCHMARK_MAXIMIZE);
    if (!currin)
        return CHECK_DONE();
    currin_opt = currin->optimum;
    write_fixture();
    test_quantiles();
    test_aggregate();
    test_finished_rules();
    test_runs_csv_quoting();
    test_value_figure_minimise();
    test_value_figure_maximise();
    test_value_figure_different_problems();
    test_target_evaluations();
    test_errors();
    test_program();
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    /* BO_TEST_KEEP=1 keeps the figures for a look. */
    if (check_failures_ == 0 && !getenv("BO_TEST_KEEP") && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
