/* Convergence plots: data and script always written, the picture drawn when
 * gnuplot is present, a clean "not drawn" when it is not. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo/io/plot.h"
#include "tests/check.h"

static int file_starts_with(const char *path, const char *prefix, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char buf[16] = {0};
    size_t got = fread(buf, 1, len, f);
    fclose(f);
    return got == len && memcmp(buf, prefix, len) == 0;
}

static size_t count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/bo_test_plot_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);

    enum { N = 6 };
    double cum_cost[N] = {1, 11, 12, 13, 113, 114};
    double best[N] = {NAN, 5.0, 5.0, 2.0, 1.0, 0.5};
    size_t source[N] = {1, 0, 1, 0, 0, 1};
    const char *names[] = {"HF", "LF's"};
    bo_plot_series series = {N, cum_cost, best, source};
    bo_plot_options opt = {dir, "convergence", BO_PLOT_PNG, "unit test", names, 2, 0, 1, 0.5};

    char err[512] = "";
    int drawn = -1;
    char path[4096];
    bo_status st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    snprintf(path, sizeof path, "%s/convergence.dat", dir);
    CHECK(count_lines(path) == N + 1);
    snprintf(path, sizeof path, "%s/convergence.gp", dir);
    CHECK(count_lines(path) > 5);
    snprintf(path, sizeof path, "%s/convergence.png", dir);
    if (bo_plot_have_program("gnuplot")) {
        CHECK(drawn == 1);
        CHECK(file_starts_with(path, "\x89PNG", 4));
        opt.format = BO_PLOT_SVG;
        opt.has_optimum = 0;
        st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
        CHECK_MSG(st == BO_OK && drawn == 1, "%s", err);
        snprintf(path, sizeof path, "%s/convergence.svg", dir);
        CHECK(file_starts_with(path, "<?xml", 5));
    } else {
        printf("gnuplot not installed: picture checks skipped\n");
    }

    /* Without gnuplot on PATH: data and script written, nothing drawn, no error. */
    const char *saved = getenv("PATH");
    char *saved_copy = saved ? strdup(saved) : NULL;
    setenv("PATH", "/nonexistent", 1);
    CHECK(!bo_plot_have_program("gnuplot"));
    opt.basename = "nognuplot";
    opt.format = BO_PLOT_PNG;
    st = bo_plot_convergence(&opt, &series, &drawn, err, sizeof err);
    CHECK(st == BO_OK && drawn == 0);
    snprintf(path, sizeof path, "%s/nognuplot.gp", dir);
    CHECK(access(path, R_OK) == 0);
    snprintf(path, sizeof path, "%s/nognuplot.png", dir);
    CHECK(access(path, R_OK) != 0);
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

    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
    return CHECK_DONE();
}
