/* Whole runs with output constraints: the history's constraint columns and
 * feasible flag, checked against the plugin's outputs and the bounds
 * computed here from x; an evaluation that leaves a constraint output unset
 * is a failed row with a message naming it, its other outputs kept; a run
 * extended with --resume equals one made in one go; a constraint the
 * plugin does not give is refused before anything runs. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/io/history.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x0", "x1"};
static const char *const constraint_names[] = {"stress", "mass"};

/* The outputs plugin (tests/plugins/outputs.c): y = x0 + x1, stress =
 * 100 x0, mass = x1, mass unset for x0 < 0. */
static void write_config(const char *file, const char *constraints, int evaluations)
{
    char path[512];
    path_in(path, sizeof path, file);
    write_file(path,
               "name: cons\n"
               "seed: 3\n"
               "objective: {plugin: %s/test-plugins/outputs.so}\n"
               "inputs:\n"
               "  - {name: x0, lower: -1, upper: 1}\n"
               "  - {name: x1, lower: 0, upper: 1}\n"
               "constraints: %s\n"
               "initial_design: {method: lhs, size: 6}\n"
               "budget: {max_evaluations: %d}\n"
               "output: {plot: svg}\n",
               BO_BINARY_DIR, constraints, evaluations);
}

static int read_rows(const char *dir, bo_history_row **rows, size_t *n)
{
    char path[2200], err[512];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    bo_status st = bo_history_read_outputs(path, input_names, 2, constraint_names, 2, rows, n,
                                           err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    return st == BO_OK ? 0 : -1;
}

static int same_bits_or_nan(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void check_rows(const bo_history_row *rows, size_t n)
{
    size_t n_failed = 0, n_feasible = 0;
    for (size_t i = 0; i < n; i++) {
        const bo_history_row *r = &rows[i];
        double x0 = r->x[0], x1 = r->x[1];
        if (x0 < 0.0) {
            n_failed++;
            CHECK_MSG(r->status == BO_HISTORY_FAILED, "row %zu at x0 = %g is ok", i + 1, x0);
            CHECK_MSG(strstr(r->message, "constraint output mass as nan"), "row %zu: %s", i + 1,
                      r->message);
            CHECK(r->outputs[0] == 100.0 * x0 && isnan(r->outputs[1]) && !r->feasible);
            continue;
        }
        CHECK_MSG(r->status == BO_HISTORY_OK, "row %zu: %s", i + 1, r->message);
        CHECK(r->y == x0 + x1);
        CHECK(r->outputs[0] == 100.0 * x0 && r->outputs[1] == x1);
        int feasible = 100.0 * x0 <= 50.0 && x1 >= 0.25;
        n_feasible += (size_t)feasible;
        CHECK_MSG(r->feasible == feasible, "row %zu: x (%g, %g), feasible %d", i + 1, x0, x1,
                  r->feasible);
    }
    /* The initial LHS puts 3 of 6 points in x0 < 0 and some of the others
     * on each side of the bounds, so every branch above is taken. */
    CHECK_MSG(n_failed >= 1 && n_feasible >= 1 && n_feasible + n_failed < n,
              "failed %zu, feasible %zu of %zu", n_failed, n_feasible, n);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_run_constraints") != 0)
        return 1;
    const char *bounds = "[{name: stress, upper: 50}, {name: mass, lower: 0.25}]";
    char cfg[512], cfg_more[512], out_once[512], out_resumed[512], p[1200];
    write_config("c12.yaml", bounds, 12);
    write_config("c16.yaml", bounds, 16);
    path_in(cfg, sizeof cfg, "c12.yaml");
    path_in(cfg_more, sizeof cfg_more, "c16.yaml");
    path_in(out_once, sizeof out_once, "once");
    path_in(out_resumed, sizeof out_resumed, "resumed");

    CHECK(bo_run((const char *[]){cfg_more, "--out", out_once, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg, "--out", out_resumed, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg_more, "--out", out_resumed, "--resume", "--quiet",
                                  NULL}) == 0);
    bo_history_row *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    if (read_rows(out_once, &a, &na) == 0 && read_rows(out_resumed, &b, &nb) == 0) {
        CHECK(na == 16 && nb == 16);
        check_rows(a, na);
        /* The best column is the best feasible value so far: an ok row that
         * breaks a constraint never sets it, however low its y. */
        double best = NAN;
        for (size_t i = 0; i < na; i++) {
            if (a[i].feasible && !(a[i].y >= best))
                best = a[i].y;
            CHECK_MSG(same_bits_or_nan(a[i].best, best), "row %zu: best %g, feasible best %g",
                      i + 1, a[i].best, best);
        }
        /* min x0 + x1 s.t. 100 x0 <= 50, x1 >= 0.25, x0 >= 0 (else it fails) is
         * 0.25; ten model-based steps get within 0.1 of it. */
        CHECK_MSG(best >= 0.25 && best < 0.35, "best feasible %g", best);
        /* The model file, the report and the plot say "feasible". */
        const char *file[] = {"model.txt", "report.html", "convergence.gp"};
        const char *says[] = {"best_observed:   # the lowest observed feasible f value",
                              "the lowest feasible value of f", "'best feasible so far'"};
        for (int k = 0; k < 3; k++) {
            char path[700];
            snprintf(path, sizeof path, "%s/%s", out_once, file[k]);
            char *text = test_read_text(path);
            CHECK_MSG(text && strstr(text, says[k]), "%s lacks \"%s\"", file[k], says[k]);
            free(text);
        }
        for (size_t i = 0; i < na && i < nb; i++) {
            int same = a[i].eval == b[i].eval && a[i].status == b[i].status &&
                       memcmp(a[i].x, b[i].x, 2 * sizeof(double)) == 0 &&
                       same_bits_or_nan(a[i].y, b[i].y) && a[i].feasible == b[i].feasible &&
                       same_bits_or_nan(a[i].outputs[0], b[i].outputs[0]) &&
                       same_bits_or_nan(a[i].outputs[1], b[i].outputs[1]);
            CHECK_MSG(same, "row %zu differs after --resume", i + 1);
        }
    }
    bo_history_rows_free(a);
    bo_history_rows_free(b);
    /* The resolved config keeps the constraints, so --resume compares them. */
    snprintf(p, sizeof p, "%s/config.yaml", out_once);
    char *resolved = test_read_text(p);
    CHECK_MSG(resolved && strstr(resolved, "constraints:\n  - {name: \"stress\", upper: 50}\n"
                                           "  - {name: \"mass\", lower: 0.25}\n"),
              "%s", resolved ? resolved : "(null)");
    free(resolved);
    write_config("c16b.yaml", "[{name: stress, upper: 40}, {name: mass, lower: 0.25}]", 16);
    path_in(p, sizeof p, "c16b.yaml");
    CHECK(bo_run((const char *[]){p, "--out", out_once, "--resume", "--quiet", NULL}) == 2);
    path_in(p, sizeof p, "err.txt");
    char *err = test_read_text(p);
    CHECK_MSG(err && strstr(err, "constraints[0]"), "%s", err ? err : "(null)");
    free(err);

    /* A feasible flag edited by hand: --resume decides from the recorded
     * values, says so, and the run goes on. */
    char out_edited[512];
    path_in(out_edited, sizeof out_edited, "edited");
    path_in(cfg, sizeof cfg, "c12.yaml");
    CHECK(bo_run((const char *[]){cfg, "--out", out_edited, "--quiet", NULL}) == 0);
    snprintf(p, sizeof p, "%s/history.csv", out_edited);
    char *hist = test_read_text(p);
    size_t edited_row = 0;
    if (hist) {
        /* The first data row whose flag (the line's last character) is 1. */
        size_t row = 0;
        for (char *line = strchr(hist, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
            row++;
            char *end = strchr(line + 1, '\n');
            if (end && end[-1] == '1') {
                end[-1] = '0';
                edited_row = row;
                break;
            }
        }
        write_file(p, "%s", hist);
        free(hist);
    }
    CHECK(edited_row > 0);
    CHECK(bo_run((const char *[]){cfg_more, "--out", out_edited, "--resume", "--quiet", NULL}) ==
          0);
    path_in(p, sizeof p, "err.txt");
    err = test_read_text(p);
    char want[128];
    snprintf(want, sizeof want, "row %zu: feasible is 0 but its constraint values make it 1",
             edited_row);
    CHECK_MSG(err && strstr(err, want), "%s", err ? err : "(null)");
    free(err);

    /* A constraint the plugin does not compute: refused, nothing written. */
    write_config("unknown.yaml", "[{name: volume, upper: 1}]", 8);
    char out_refused[512];
    path_in(cfg, sizeof cfg, "unknown.yaml");
    path_in(out_refused, sizeof out_refused, "refused");
    CHECK(bo_run((const char *[]){cfg, "--out", out_refused, NULL}) == 2);
    CHECK(!test_path_exists(out_refused));
    err = test_read_text(p);
    CHECK_MSG(err && strstr(err, "unknown.yaml:3:21: objective.plugin: plugin outputs gives no "
                                 "output volume (its outputs: stress, mass)"),
              "%s", err ? err : "(null)");
    free(err);

    return test_finish(CHECK_DONE());
}
