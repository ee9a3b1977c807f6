/* Convergence plots: the data file's columns read back, the script's items,
 * axes and legend, and real gnuplot runs on the scripts with stderr captured
 * (no warning in any case: empty, all failed, one point, constant, negative
 * values, no target evaluation yet, the reduced series of earlier callers),
 * the picture's PNG header and size; a clean "not drawn" without gnuplot. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bo/io/plot.h"
#include "tests/check.h"
#include "tests/test_files.h"

static char dir[] = "/tmp/bo_test_plot_XXXXXX";
static int have_gnuplot;

/* Width and height from a PNG's IHDR chunk; 0 when the file is no PNG. */
static int png_size(const char *path, unsigned *width, unsigned *height, long *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char head[24];
    size_t got = fread(head, 1, sizeof head, f);
    fseek(f, 0, SEEK_END);
    *bytes = ftell(f);
    fclose(f);
    if (got != sizeof head || memcmp(head, "\x89PNG\r\n\x1a\n", 8) != 0 ||
        memcmp(head + 12, "IHDR", 4) != 0)
        return 0;
    *width = (unsigned)head[16] << 24 | (unsigned)head[17] << 16 | (unsigned)head[18] << 8 |
             head[19];
    *height = (unsigned)head[20] << 24 | (unsigned)head[21] << 16 | (unsigned)head[22] << 8 |
              head[23];
    return 1;
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *read_in_dir(const char *name)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return test_read_text(path);
}

/* Runs `gnuplot SCRIPT` in the test folder as a user would, stdout dropped
 * and stderr kept: gnuplot prints its warnings there and still exits 0, so
 * both are checked. */
static void check_gnuplot_quiet(const char *script, int line)
{
    if (!have_gnuplot)
        return;
    char cmd[4400], err_name[256];
    snprintf(err_name, sizeof err_name, "%s.stderr", script);
    /* timeout: a gnuplot that never finishes fails here, not in ctest's. */
    snprintf(cmd, sizeof cmd, "cd '%s' && timeout 60 gnuplot '%s' >/dev/null 2>'%s'", dir,
             script, err_name);
    int status = system(cmd);
    char *err = read_in_dir(err_name);
    CHECK_MSG(status == 0, "line %d: gnuplot %s: status %d: %s", line, script, status, err);
    CHECK_MSG(err[0] == '\0', "line %d: gnuplot %s wrote to stderr:\n%s", line, script, err);
    free(err);
}
#define CHECK_GNUPLOT_QUIET(script) check_gnuplot_quiet(script, __LINE__)

/* The picture exists, is a PNG of the expected width (900: one panel, 1400:
 * two), and holds more than an empty canvas would. */
static void check_png(const char *name, unsigned want_width, int line)
{
    if (!have_gnuplot)
        return;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned width = 0, height = 0;
    long bytes = 0;
    CHECK_MSG(png_size(path, &width, &height, &bytes), "line %d: %s is no PNG", line, path);
    CHECK_MSG(width == want_width && height >= 500, "line %d: %s is %ux%u, expected width %u",
              line, name, width, height, want_width);
    CHECK_MSG(bytes > 8000, "line %d: %s has %ld bytes only", line, name, bytes);
}
#define CHECK_PNG(name, width) check_png(name, width, __LINE__)

/* One data row of BASE.dat by evaluation number, split into its ten fields
 * (text, '?' for none). */
typedef struct dat_row {
    char field[10][40];
} dat_row;

static int dat_row_of(const char *base, size_t eval, dat_row *row)
{
    char name[256];
    snprintf(name, sizeof name, "%s.dat", base);
    char *text = read_in_dir(name);
    int found = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line && !found;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        int n = sscanf(line, "%39s %39s %39s %39s %39s %39s %39s %39s %39s %39s",
                       row->field[0], row->field[1], row->field[2], row->field[3],
                       row->field[4], row->field[5], row->field[6], row->field[7],
                       row->field[8], row->field[9]);
        found = n == 10 && strtoul(row->field[0], NULL, 10) == eval;
    }
    free(text);
    return found;
}

static double field_value(const dat_row *row, int column)
{
    return strcmp(row->field[column - 1], "?") == 0 ? NAN : strtod(row->field[column - 1], NULL);
}

static bo_plot_options base_options(const char *basename)
{
    bo_plot_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dir = dir;
    opt.basename = basename;
    opt.format = BO_PLOT_PNG;
    opt.title = "unit test";
    return opt;
}

static bo_status draw(const bo_plot_options *opt, const bo_plot_series *series, int *drawn)
{
    char err[512] = "";
    bo_status st = bo_plot_convergence(opt, series, drawn, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s: %s", opt->basename, err);
    CHECK_MSG(*drawn == have_gnuplot, "%s: drawn %d", opt->basename, *drawn);
    return st;
}

/* A two-source run with a known optimum (0.5): own values, phases, a
 * failure; both panels, markers at each evaluation's own regret. */
static void test_multi_fidelity(void)
{
    enum { N = 8 };
    double cum_cost[N] = {1, 11, 12, 22, 23, 123, 124, 134};
    double best[N] = {NAN, 5.0, 5.0, 2.0, 2.0, 1.0, 1.0, 0.5};
    double y[N] = {3.0, 5.0, 0.25, 2.0, 7.0, 1.0, NAN, 0.5};
    int initial[N] = {1, 1, 1, 1, 0, 0, 0, 0};
    size_t source[N] = {1, 0, 1, 0, 1, 0, 1, 0};
    const char *names[] = {"HF", "LF's"};
    bo_plot_series series = {N, cum_cost, best, source};
    bo_plot_options opt = base_options("mf");
    opt.source_names = names;
    opt.n_sources = 2;
    opt.has_optimum = 1;
    opt.optimum = 0.5;
    opt.evaluation_y = y;
    opt.evaluation_initial = initial;
    opt.objective = "forrester_mf";
    int drawn = -1;
    draw(&opt, &series, &drawn);

    char *dat = read_in_dir("mf.dat");
    CHECK(strstr(dat, "# eval target_eval cum_cost source initial failed y best y_plot "
                      "best_plot\n") != NULL);
    free(dat);
    /* Evaluation 3, an LF initial point: its own regret |0.25 - 0.5|, not the
     * best so far's 4.5; two evaluations, one of the target. */
    dat_row row;
    CHECK(dat_row_of("mf", 3, &row));
    CHECK(field_value(&row, 2) == 1 && field_value(&row, 3) == 12 && field_value(&row, 4) == 1);
    CHECK(field_value(&row, 5) == 1 && field_value(&row, 6) == 0);
    CHECK(field_value(&row, 7) == 0.25 && field_value(&row, 8) == 5.0);
    CHECK(field_value(&row, 9) == 0.25 && field_value(&row, 10) == 4.5);
    /* Evaluation 5: chosen by BO, worse than the best: 6.5 against 1.5. */
    CHECK(dat_row_of("mf", 5, &row));
    CHECK(field_value(&row, 5) == 0 && field_value(&row, 9) == 6.5 &&
          field_value(&row, 10) == 1.5);
    /* Evaluation 7 failed: no value, flagged. */
    CHECK(dat_row_of("mf", 7, &row));
    CHECK(field_value(&row, 6) == 1 && isnan(field_value(&row, 7)) &&
          isnan(field_value(&row, 9)));
    /* Evaluation 8 hits the optimum: 0 regret drawn at the floor; the raw
     * columns keep the values. */
    CHECK(dat_row_of("mf", 8, &row));
    CHECK(field_value(&row, 2) == 4 && field_value(&row, 7) == 0.5);
    CHECK(field_value(&row, 9) == BO_PLOT_REGRET_FLOOR);
    /* Before the first target value there is no best. */
    CHECK(dat_row_of("mf", 1, &row));
    CHECK(isnan(field_value(&row, 8)) && isnan(field_value(&row, 10)));

    char *gp = read_in_dir("mf.gp");
    /* Two panels: every source against cost, the target against its own
     * evaluations (x column 2), then the legend. */
    CHECK(strstr(gp, "set xlabel 'cumulative cost (all sources)'") != NULL);
    CHECK(strstr(gp, "set xlabel 'evaluations of HF (the target)'") != NULL);
    CHECK(strstr(gp, "'mf.dat' using 2:10 with steps") != NULL);
    CHECK(strstr(gp, "'mf.dat' using 3:10 with steps") != NULL);
    /* Markers at the evaluations' own values (column 9), by source and phase:
     * open and filled circles for HF, open and filled triangles for LF. */
    CHECK(strstr(gp, "using 3:(($4==0 && $6==0 && $5==1) ? $9 : 1/0) with points pt 6") != NULL);
    CHECK(strstr(gp, "using 3:(($4==0 && $6==0 && $5==0) ? $9 : 1/0) with points pt 7") != NULL);
    CHECK(strstr(gp, "using 3:(($4==1 && $6==0 && $5==1) ? $9 : 1/0) with points pt 8") != NULL);
    CHECK(strstr(gp, "using 3:(($4==1 && $6==0 && $5==0) ? $9 : 1/0) with points pt 9") != NULL);
    /* The target panel draws no LF marker; the failure was of LF. */
    CHECK(strstr(gp, "using 2:(($4==1") == NULL);
    CHECK(strstr(gp, "using 2:(($6==1 && $4==0)") == NULL);
    CHECK(strstr(gp, "using 3:(($6==1) ? failed_y : 1/0) with points pt 2") != NULL);
    /* The legend: titles only there, the objective and target named; the
     * quote in a source name does not end gnuplot's string. */
    CHECK(strstr(gp, "set key title 'objective: forrester_mf, target source HF (other sources "
                      "at their own values)'") != NULL);
    CHECK(strstr(gp, "title 'failed (at the top)'") != NULL);
    CHECK(strstr(gp, "title 'HF, initial design'") != NULL);
    CHECK(strstr(gp, "title 'LF_s, chosen by BO'") != NULL);
    CHECK(count_of(gp, "NaN with") == 6 && count_of(gp, "notitle") == 9);
    CHECK(strstr(gp, "\nset logscale y") != NULL);
    CHECK(strstr(gp, "y^* = 0.5'") != NULL);
    free(gp);
    CHECK_GNUPLOT_QUIET("mf.gp");
    CHECK_PNG("mf.png", 1400);
}

/* The y axis range and the failures' height, read back from a script. */
static void script_y_axis(const char *gp, double *lo, double *hi, double *failed_y)
{
    const char *r = strstr(gp, "set yrange [");
    *lo = *hi = *failed_y = NAN;
    if (r)
        sscanf(r, "set yrange [%lf:%lf]", lo, hi);
    const char *f = strstr(gp, "failed_y = ");
    if (f)
        sscanf(f, "failed_y = %lf", failed_y);
}

/* A single-fidelity run: one panel against evaluations, the failure in the
 * band at the top, initial and chosen points told apart. */
static void test_single_fidelity(void)
{
    enum { N = 6 };
    double cum_cost[N] = {2, 4, 6, 8, 10, 12};
    double best[N] = {9.0, 4.0, 4.0, 4.0, 1.0, 1.0};
    double y[N] = {9.0, 4.0, 6.0, NAN, 1.0, 3.0};
    int initial[N] = {1, 1, 1, 0, 0, 0};
    bo_plot_series series = {N, cum_cost, best, NULL};
    bo_plot_options opt = base_options("sf");
    opt.n_sources = 1;
    opt.evaluation_y = y;
    opt.evaluation_initial = initial;
    opt.objective = "my_simulator";
    int drawn = -1;
    draw(&opt, &series, &drawn);
    char *gp = read_in_dir("sf.gp");
    /* One data panel (the cost panel would be the same curve). */
    CHECK(count_of(gp, "'sf.dat' using 1:10 with steps") == 1);
    CHECK(strstr(gp, "cumulative cost") == NULL);
    CHECK(count_of(gp, "\nplot '") == 1);
    CHECK(strstr(gp, "set xlabel 'evaluations'") != NULL);
    CHECK(strstr(gp, "title 'initial design'") != NULL && strstr(gp, "title 'chosen by BO'"));
    CHECK(strstr(gp, "set key title 'objective: my_simulator'") != NULL);
    /* 1..9 spans less than a factor 100: linear; the failure sits above
     * every value and inside the axis. */
    CHECK(strstr(gp, "\nset logscale y") == NULL);
    CHECK(strstr(gp, "set ylabel 'y (minimised)'") != NULL);
    double lo, hi, failed_y;
    script_y_axis(gp, &lo, &hi, &failed_y);
    CHECK_MSG(lo <= 1.0 && failed_y > 9.0 && failed_y < hi, "y axis [%g, %g], failed at %g", lo,
              hi, failed_y);
    CHECK(strstr(gp, "using 1:(($6==1) ? failed_y : 1/0)") != NULL);
    /* The picture is named relatively and so is the data: the script runs
     * from the folder, wherever that is. */
    CHECK(strstr(gp, "set output 'sf.png'") != NULL);
    CHECK(strstr(gp, dir) == NULL);
    free(gp);
    CHECK_GNUPLOT_QUIET("sf.gp");
    CHECK_PNG("sf.png", 900);

    /* Maximising: the label says so. */
    opt.maximize = 1;
    opt.basename = "sf_max";
    draw(&opt, &series, &drawn);
    gp = read_in_dir("sf_max.gp");
    CHECK(strstr(gp, "set ylabel 'y (maximised)'") != NULL);
    free(gp);

    /* Re-drawing by hand, as docs/plots.md tells users: the picture comes
     * back from the script and data alone. */
    if (have_gnuplot) {
        char path[4200];
        snprintf(path, sizeof path, "%s/sf.png", dir);
        CHECK(unlink(path) == 0);
        CHECK_GNUPLOT_QUIET("sf.gp");
        CHECK_PNG("sf.png", 900);
    }
}

/* The log-axis rule without an optimum: every value positive and a span of
 * BO_PLOT_LOG_SPAN or more. */
static void test_log_rule(void)
{
    static const struct {
        const char *name;
        double y[4];
        int log;
    } cases[] = {
        {"span_100", {500, 20, 7, 5}, 1},      /* 500 / 5 = 100 */
        {"span_99", {495, 20, 7, 5}, 0},       /* 99 */
        {"with_zero", {500, 20, 7, 0}, 0},     /* 0 cannot be drawn on a log axis */
        {"negative", {-1e6, -3, 2, 1e3}, 0},   /* negative values */
        {"tiny_span", {1e-9, 2e-9, 3e-9, 5e-7}, 1},
        /* Beyond what gnuplot handles (or a reader reads): the axis keeps
         * the lowest 40 decades. */
        {"extreme", {1e308, 1e100, 1e-100, 4.9e-324}, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        double cum_cost[4] = {1, 2, 3, 4}, best[4];
        best[0] = cases[c].y[0];
        for (size_t i = 1; i < 4; i++)
            best[i] = fmin(best[i - 1], cases[c].y[i]);
        bo_plot_series series = {4, cum_cost, best, NULL};
        bo_plot_options opt = base_options(cases[c].name);
        opt.evaluation_y = cases[c].y;
        int drawn = -1;
        draw(&opt, &series, &drawn);
        char name[64];
        snprintf(name, sizeof name, "%s.gp", cases[c].name);
        char *gp = read_in_dir(name);
        CHECK_MSG((strstr(gp, "\nset logscale y") != NULL) == cases[c].log, "%s: log %d expected",
                  cases[c].name, cases[c].log);
        /* Every value lies inside the axis. */
        double lo, hi, failed_y;
        script_y_axis(gp, &lo, &hi, &failed_y);
        for (size_t i = 0; i < 4; i++)
            CHECK_MSG((cases[c].y[i] >= lo && cases[c].y[i] <= hi) ||
                          (strcmp(cases[c].name, "extreme") == 0 && i != 2),
                      "%s: %g outside [%g, %g]", cases[c].name, cases[c].y[i], lo, hi);
        CHECK(lo < hi && lo > -1e307 && hi < 1e307 && (!cases[c].log || lo > 0));
        free(gp);
        CHECK_GNUPLOT_QUIET(name);
        snprintf(name, sizeof name, "%s.png", cases[c].name);
        CHECK_PNG(name, 900);
    }
}

/* Series gnuplot could warn about: every one draws without a word on stderr. */
static void test_no_warnings(void)
{
    double cost[3] = {1, 2, 3};
    double no_best[3] = {NAN, NAN, NAN};
    double failed_y[3] = {NAN, NAN, NAN};
    double one_best[1] = {2.5}, one_y[1] = {2.5};
    double flat[3] = {4, 4, 4};
    double negative_best[3] = {-2, -5, -5}, negative_y[3] = {-2, -5, -1};
    double huge_best[3] = {1e308, -1e308, -1e308}, huge_y[3] = {1e308, -1e308, 0};
    int initial[3] = {1, 0, 0};
    size_t lf_only[3] = {1, 1, 1};
    const char *names[] = {"HF", "LF"};
    static const struct {
        const char *name;
        size_t n;
        int two_sources, optimum, with_y;
        unsigned width;
    } cases[] = {
        {"empty", 0, 0, 1, 1, 900},
        {"all_failed", 3, 0, 1, 1, 900},
        {"single", 1, 0, 1, 1, 900},
        {"constant", 3, 0, 0, 1, 900},
        {"constant_regret", 3, 0, 1, 1, 900},
        {"negative", 3, 0, 0, 1, 900},
        {"no_target_yet", 3, 1, 1, 1, 1400},
        {"reduced", 3, 0, 1, 0, 900},
        {"huge", 3, 0, 0, 1, 900},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *name = cases[c].name;
        const double *best = flat, *y = flat;
        if (strcmp(name, "all_failed") == 0 || strcmp(name, "no_target_yet") == 0) {
            best = no_best;
            y = strcmp(name, "all_failed") == 0 ? failed_y : flat;
        } else if (strcmp(name, "single") == 0) {
            best = one_best;
            y = one_y;
        } else if (strcmp(name, "negative") == 0) {
            best = negative_best;
            y = negative_y;
        } else if (strcmp(name, "huge") == 0) {
            best = huge_best; /* the span overflows a double */
            y = huge_y;
        }
        bo_plot_series series = {cases[c].n, cost, best, cases[c].two_sources ? lf_only : NULL};
        bo_plot_options opt = base_options(name);
        opt.source_names = cases[c].two_sources ? names : NULL;
        opt.n_sources = cases[c].two_sources ? 2 : 1;
        opt.has_optimum = cases[c].optimum;
        opt.optimum = 4;
        opt.evaluation_y = cases[c].with_y ? y : NULL;
        opt.evaluation_initial = cases[c].with_y ? initial : NULL;
        opt.objective = "quiet";
        int drawn = -1;
        draw(&opt, &series, &drawn);
        char file[64];
        snprintf(file, sizeof file, "%s.gp", name);
        CHECK_GNUPLOT_QUIET(file);
        snprintf(file, sizeof file, "%s.png", name);
        CHECK_PNG(file, cases[c].width);
    }
    char *gp = read_in_dir("empty.gp");
    CHECK(strstr(gp, "no evaluations yet") != NULL);
    free(gp);
    gp = read_in_dir("all_failed.gp");
    CHECK(strstr(gp, "no successful evaluation") != NULL && strstr(gp, "failed_y"));
    free(gp);
    gp = read_in_dir("no_target_yet.gp");
    CHECK(strstr(gp, "no evaluation of the target yet") != NULL);
    free(gp);
    /* Without own values, evaluations are marked on the best-so-far line
     * (column 10), as before. */
    gp = read_in_dir("reduced.gp");
    CHECK(strstr(gp, "? $10 : 1/0) with points") != NULL && strstr(gp, "$9") == NULL);
    CHECK(strstr(gp, "title 'evaluations'") != NULL);
    free(gp);
}

static void test_svg_and_errors(void)
{
    double cum_cost[2] = {1, 2}, best[2] = {3, 1}, y[2] = {3, 1};
    size_t source[2] = {0, 2};
    bo_plot_series series = {2, cum_cost, best, NULL};
    bo_plot_options opt = base_options("vector");
    opt.format = BO_PLOT_SVG;
    opt.evaluation_y = y;
    char err[512] = "";
    int drawn = -1;
    bo_status st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK_MSG(st == BO_OK && drawn == have_gnuplot, "%s", err);
    if (have_gnuplot) {
        char *svg = read_in_dir("vector.svg");
        CHECK(strncmp(svg, "<?xml", 5) == 0);
        free(svg);
    }

    /* A source index beyond the sources names the evaluation. */
    series.source = source;
    opt.n_sources = 2;
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_EINVAL && strstr(err, "evaluation 2 has source 2, but there are 2 sources"));
    opt.n_sources = 1;
    opt.target_source = 1;
    series.source = NULL;
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_EINVAL && strstr(err, "target source 1 of 1 sources"));
    opt.target_source = 0;
    opt.basename = "a/b";
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_EINVAL && strstr(err, "without '/'"));

    /* Without gnuplot on PATH: data and script written, nothing drawn, no error. */
    const char *saved = getenv("PATH");
    char *saved_copy = saved ? strdup(saved) : NULL;
    setenv("PATH", "/nonexistent", 1);
    CHECK(!bo_plot_have_program("gnuplot"));
    opt.basename = "nognuplot";
    opt.format = BO_PLOT_PNG;
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_OK && drawn == 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/nognuplot.gp", dir);
    CHECK(access(path, R_OK) == 0);
    snprintf(path, sizeof path, "%s/nognuplot.png", dir);
    CHECK(access(path, R_OK) != 0);

    /* A gnuplot that fails, or never finishes, is an error naming the
     * script; the one that hangs is stopped at the time limit. */
    char fake_dir[256];
    snprintf(fake_dir, sizeof fake_dir, "%s/fakebin", dir);
    CHECK(mkdir(fake_dir, 0777) == 0);
    snprintf(path, sizeof path, "%s/gnuplot", fake_dir);
    test_write_text(path, "#!/bin/sh\ncase \"$1\" in hang.gp) exec sleep 30;; esac\nexit 3\n");
    CHECK(chmod(path, 0755) == 0);
    char fake_path[8600];
    snprintf(fake_path, sizeof fake_path, "%s:%s", fake_dir, saved_copy ? saved_copy : "/usr/bin");
    setenv("PATH", fake_path, 1);
    st = bo_plot_run_gnuplot(dir, "fails.gp", err, sizeof err);
    CHECK(st == BO_EIO && strstr(err, "gnuplot failed on") &&
          strstr(err, "fails.gp (exit status 3)"));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = bo_plot_run_gnuplot_within(dir, "hang.gp", 0.3, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    CHECK(st == BO_EIO && strstr(err, "hang.gp within 0.3 s"));
    CHECK_MSG(waited < 5.0, "waited %g s for a hung gnuplot", waited);
    if (saved_copy) {
        setenv("PATH", saved_copy, 1);
        free(saved_copy);
    }

    /* An output folder that does not exist is an error naming the file. */
    opt.dir = "/nonexistent/folder";
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_EIO);
    CHECK(strstr(err, "/nonexistent/folder/nognuplot.dat") != NULL);

    bo_plot_format fmt;
    CHECK(bo_plot_format_from_name("svg", &fmt) == 0 && fmt == BO_PLOT_SVG);
    CHECK(strcmp(bo_plot_format_name(BO_PLOT_NONE), "none") == 0);
    CHECK(bo_plot_format_from_name("jpeg", &fmt) == -1);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    have_gnuplot = bo_plot_have_program("gnuplot");
    if (!have_gnuplot)
        printf("gnuplot not installed: picture checks skipped\n");
    test_multi_fidelity();
    test_single_fidelity();
    test_log_rule();
    test_no_warnings();
    test_svg_and_errors();
    /* BO_TEST_KEEP=1 keeps the pictures for a look. */
    if (check_failures_ == 0 && !getenv("BO_TEST_KEEP")) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    } else {
        fprintf(stderr, "outputs kept in %s\n", dir);
    }
    return CHECK_DONE();
}
