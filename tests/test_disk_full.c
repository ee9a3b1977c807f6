/* A full disk under a real bo-run: the shim tests/shims/disk_full.c, loaded
 * with LD_PRELOAD, makes the kernel's ENOSPC appear after a number of bytes
 * or for one file. bo-run must fail loudly (exit 1, the file and the reason
 * named), keep history.csv whole up to its last complete row, never leave a
 * truncated model.txt or report.html, list in its summary only the files it
 * wrote, and --resume once there is room must give the history of an
 * uninterrupted run. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bo/io/history.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x0", "x1"};
enum { EVALUATIONS = 14 };

static char config_path[512];

static void write_config(void)
{
    path_in(config_path, sizeof config_path, "full.yaml");
    write_file(config_path,
               "name: full\n"
               "seed: 7\n"
               "objective:\n"
               "  plugin: %s/test-plugins/flaky.so\n"
               "  params: {mode: fail}\n"
               "inputs:\n"
               "  - {name: x0, lower: 0, upper: 1}\n"
               "  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {method: lhs, size: 5}\n"
               "budget: {max_evaluations: %d}\n"
               "output: {plot: none}\n",
               BO_BINARY_DIR, EVALUATIONS);
}

static int read_history(const char *dir, bo_history_row **rows, size_t *n)
{
    char path[2200], err[512];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    if (bo_history_read(path, input_names, 2, rows, n, err, sizeof err) != BO_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

static long file_size(const char *dir, const char *name)
{
    char p[2200];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static char *tmp_text(const char *name)
{
    char p[512];
    path_in(p, sizeof p, name);
    return test_read_text(p);
}

/* bo-run with the shim: after `after` bytes (-1: no limit) or for paths
 * holding `paths` (NULL: none). */
static int bo_run_on_full_disk(const char *const *args, long after, const char *paths)
{
    char shim[512], after_text[32];
    snprintf(shim, sizeof shim, "%s/test-shims/disk_full.so", BO_BINARY_DIR);
    snprintf(after_text, sizeof after_text, "%ld", after);
    /* Under ASan the shim is loaded before the sanitizer's runtime, which
     * ASan refuses unless told that the order is intended. */
    const char *asan = getenv("ASAN_OPTIONS");
    char *asan_saved = asan ? strdup(asan) : NULL;
    char asan_options[1024];
    snprintf(asan_options, sizeof asan_options, "%s%sverify_asan_link_order=0",
             asan ? asan : "", asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", asan_options, 1);
    setenv("LD_PRELOAD", shim, 1);
    if (after >= 0)
        setenv("BO_DISK_FULL_AFTER", after_text, 1);
    if (paths)
        setenv("BO_DISK_FULL_PATHS", paths, 1);
    int code = bo_run(args);
    unsetenv("LD_PRELOAD");
    unsetenv("BO_DISK_FULL_AFTER");
    unsetenv("BO_DISK_FULL_PATHS");
    if (asan_saved)
        setenv("ASAN_OPTIONS", asan_saved, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(asan_saved);
    return code;
}

/* The evaluation count of the summary line "full: ... after N evaluations". */
static long summary_count(const char *stdout_text)
{
    const char *p = strstr(stdout_text, " after ");
    return p ? strtol(p + 7, NULL, 10) : -1;
}

/* The disk fills at `limit` bytes into a fresh run. */
static void check_fill_at(long limit, const bo_history_row *ref, size_t n_ref, int *resumed,
                          int *cut_short)
{
    char out[512];
    snprintf(out, sizeof out, "%s/run-%ld", tmpdir, limit);
    int code = bo_run_on_full_disk((const char *[]){config_path, "--out", out, NULL}, limit,
                                   NULL);
    char *err_text = tmp_text("err.txt"), *out_text = tmp_text("out.txt");
    /* Before the history exists the folder is one that cannot be written, a
     * usage error like a bad --out (2); after, the run failed (1). */
    int expected = file_size(out, "history.csv") >= 0 ? 1 : 2;
    CHECK_MSG(code == expected, "limit %ld: exit %d: %s", limit, code, err_text);
    CHECK_MSG(strstr(err_text, "No space left on device") != NULL, "limit %ld: %s", limit,
              err_text);
    /* Whatever was written is whole: no model or report half-written, no
     * temporary file left behind. */
    CHECK_MSG(file_size(out, "model.txt") < 0, "limit %ld: model.txt written", limit);
    CHECK(file_size(out, "model.txt.tmp") < 0 && file_size(out, "report.html.tmp") < 0);
    bo_history_row *rows = NULL;
    size_t n = 0;
    if (file_size(out, "history.csv") >= 0) {
        CHECK_MSG(read_history(out, &rows, &n) == 0, "limit %ld: history unreadable", limit);
        CHECK_MSG(n <= n_ref, "limit %ld: %zu rows", limit, n);
        *cut_short += n < n_ref;
        for (size_t i = 0; i < n && i < n_ref; i++)
            CHECK_MSG(same_rows(&rows[i], &ref[i]), "limit %ld: row %zu differs", limit, i + 1);
        /* The summary counts the rows on disk, not one that failed. */
        if (strstr(out_text, " after "))
            CHECK_MSG(summary_count(out_text) == (long)n, "limit %ld: summary says %ld, %zu "
                      "rows: %s", limit, summary_count(out_text), n, out_text);
        CHECK_MSG(strstr(out_text, "model.txt") == NULL, "limit %ld: %s", limit, out_text);
        bo_history_rows_free(rows);

        /* Room again: the run resumes and ends as if never stopped. */
        code = bo_run((const char *[]){config_path, "--out", out, "--resume", "--quiet", NULL});
        CHECK_MSG(code == 0, "limit %ld: resume exit %d", limit, code);
        CHECK(read_history(out, &rows, &n) == 0);
        CHECK_MSG(n == n_ref, "limit %ld: %zu rows after resume", limit, n);
        for (size_t i = 0; i < n && i < n_ref; i++)
            CHECK_MSG(same_rows(&rows[i], &ref[i]), "limit %ld: resumed row %zu differs", limit,
                      i + 1);
        CHECK(file_size(out, "model.txt") > 0 && file_size(out, "report.html") > 0);
        bo_history_rows_free(rows);
        ++*resumed;
    }
    free(err_text);
    free(out_text);
}

static void test_disk_fills_during_the_run(void)
{
    char ref_dir[512];
    path_in(ref_dir, sizeof ref_dir, "run-reference");
    CHECK(bo_run((const char *[]){config_path, "--out", ref_dir, "--quiet", NULL}) == 0);
    bo_history_row *ref = NULL;
    size_t n_ref = 0;
    CHECK(read_history(ref_dir, &ref, &n_ref) == 0 && n_ref == EVALUATIONS);
    /* Every byte the run writes before its end-of-run files; limits spread
     * over it land in the config, the journal, the engine state and the
     * history, at row boundaries and inside rows. */
    long total = file_size(ref_dir, "config.yaml") + file_size(ref_dir, "history.csv") +
                 file_size(ref_dir, "dispatched.csv") + file_size(ref_dir, "engine_state.txt");
    /* The timing columns make the total differ by some bytes from run to
     * run, so a limit near the end may fall after the last row (then only the
     * end-of-run files fail); most must cut the history short. */
    int resumed = 0, cut_short = 0;
    for (int k = 1; k <= 7; k++)
        check_fill_at(total * k / 8 + k, ref, n_ref, &resumed, &cut_short);
    check_fill_at(total - 1, ref, n_ref, &resumed, &cut_short);
    CHECK_MSG(resumed >= 6, "only %d of the limits got as far as a history", resumed);
    CHECK_MSG(cut_short >= 5, "only %d of the limits cut the history short", cut_short);
    bo_history_rows_free(ref);
}

/* The history is written, the end-of-run files are not: the one that cannot
 * be written is named, the previous version stays whole, exit 1. */
static void test_outputs_cannot_be_written(void)
{
    char out[512];
    path_in(out, sizeof out, "run-outputs");
    int code = bo_run_on_full_disk((const char *[]){config_path, "--out", out, NULL}, -1,
                                   "model.txt");
    char *err_text = tmp_text("err.txt"), *out_text = tmp_text("out.txt");
    CHECK_MSG(code == 1, "exit %d", code);
    CHECK_MSG(strstr(err_text, "model.txt.tmp: No space left on device") != NULL &&
                  strstr(err_text, "1 output file could not be written") != NULL,
              "%s", err_text);
    CHECK(file_size(out, "model.txt") < 0 && file_size(out, "model.txt.tmp") < 0);
    CHECK_MSG(summary_count(out_text) == EVALUATIONS, "%s", out_text);
    CHECK_MSG(strstr(out_text, "history.csv, report.html, config.yaml") != NULL &&
                  strstr(out_text, "model.txt") == NULL,
              "%s", out_text);
    free(err_text);
    free(out_text);

    /* Finished: --resume only writes the outputs again. With room for
     * model.txt but none for report.html, the report of the first attempt
     * is left exactly as it was. */
    char report[600];
    snprintf(report, sizeof report, "%s/report.html", out);
    char *report_before = test_read_text(report);
    code = bo_run_on_full_disk((const char *[]){config_path, "--out", out, "--resume", NULL},
                               -1, "report.html");
    CHECK_MSG(code == 1, "exit %d", code);
    char *report_after = test_read_text(report);
    CHECK(report_before && report_after && strcmp(report_before, report_after) == 0);
    CHECK(file_size(out, "model.txt") > 0 && file_size(out, "report.html.tmp") < 0);
    out_text = tmp_text("out.txt");
    CHECK_MSG(strstr(out_text, "history.csv, model.txt, config.yaml") != NULL, "%s", out_text);
    free(out_text);
    free(report_before);
    free(report_after);

    CHECK(bo_run((const char *[]){config_path, "--out", out, "--resume", "--quiet", NULL}) == 0);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_disk_full") != 0)
        return 1;
    write_config();
    test_disk_fills_during_the_run();
    test_outputs_cannot_be_written();
    return test_finish(CHECK_DONE());
}
