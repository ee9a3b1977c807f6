/* Whole runs of the bo-run program: outputs written, determinism, every
 * fault of SPEC §6 recorded while the run finishes, load and config errors
 * refused with exit 2 before anything is evaluated, and kill -9 at random
 * moments followed by --resume giving the history of an uninterrupted run. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/io/history.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x0", "x1"};

/* A config for the flaky bowl plugin in tmpdir; returns its path. */
static void write_plugin_config(const char *file, const char *name, const char *params,
                                const char *extra_objective, int initial, int evaluations)
{
    char path[512];
    path_in(path, sizeof path, file);
    write_file(path,
               "name: %s\n"
               "seed: 4\n"
               "objective:\n"
               "  plugin: %s/test-plugins/flaky.so\n"
               "  params: {%s}\n"
               "%s"
               "inputs:\n"
               "  - {name: x0, lower: 0, upper: 1}\n"
               "  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {method: lhs, size: %d}\n"
               "budget: {max_evaluations: %d}\n"
               "output: {plot: png}\n",
               name, BO_BINARY_DIR, params, extra_objective, initial, evaluations);
}

static int read_history(const char *dir, bo_history_row **rows, size_t *n)
{
    char path[2200], err[512];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    return bo_history_read(path, input_names, 2, rows, n, err, sizeof err) == BO_OK ? 0 : -1;
}

static void test_clean_run(void)
{
    write_plugin_config("clean.yaml", "clean", "", "", 6, 14);
    char cfg[512], out1[512], out2[512], p[1200];
    path_in(cfg, sizeof cfg, "clean.yaml");
    path_in(out1, sizeof out1, "run-clean");
    path_in(out2, sizeof out2, "run-clean-again");

    /* --check loads everything and evaluates nothing. */
    CHECK(bo_run((const char *[]){cfg, "--check", "--out", out1, NULL}) == 0);
    CHECK(!test_path_exists(out1));

    CHECK(bo_run((const char *[]){cfg, "--out", out1, NULL}) == 0);
    path_in(p, sizeof p, "out.txt");
    char *stdout_text = test_read_text(p);
    CHECK(strstr(stdout_text, "eval   14") != NULL);
    CHECK(strstr(stdout_text, "best f value") != NULL);
    CHECK(strstr(stdout_text, "x0 = ") != NULL);
    free(stdout_text);
    const char *outputs[] = {"history.csv", "config.yaml", "model.txt", "convergence.gp",
                             "convergence.dat"};
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs; i++) {
        snprintf(p, sizeof p, "%s/%s", out1, outputs[i]);
        CHECK_MSG(test_path_exists(p), "%s missing", p);
    }
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
        snprintf(p, sizeof p, "%s/convergence.png", out1);
        CHECK(test_path_exists(p));
    }
    bo_history_row *rows = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    CHECK(read_history(out1, &rows, &n) == 0);
    CHECK(n == 14);
    for (size_t i = 0; i < n; i++) {
        CHECK(rows[i].phase == (i < 6 ? BO_HISTORY_INIT : BO_HISTORY_BO));
        CHECK(rows[i].status == BO_HISTORY_OK);
        CHECK(rows[i].cum_cost == (double)(i + 1));
    }
    /* The best value improves on the initial design's and is near the
     * bowl's minimum 0 at (0.3, 0.6). */
    CHECK(rows[n - 1].best <= rows[5].best);
    CHECK_MSG(rows[n - 1].best < 1e-3, "best %g", rows[n - 1].best);

    /* Same config and seed: the same history. */
    CHECK(bo_run((const char *[]){cfg, "--out", out2, "--quiet", NULL}) == 0);
    CHECK(read_history(out2, &again, &n2) == 0);
    CHECK(n2 == n);
    for (size_t i = 0; i < n && i < n2; i++)
        CHECK_MSG(same_rows(&rows[i], &again[i]), "row %zu differs", i + 1);
    bo_history_rows_free(again);

    /* A second start in the same folder is refused; nothing is overwritten. */
    snprintf(p, sizeof p, "%s/history.csv", out1);
    char *before = test_read_text(p);
    CHECK(bo_run((const char *[]){cfg, "--out", out1, NULL}) == 2);
    char *after = test_read_text(p);
    CHECK(strcmp(before, after) == 0);
    free(before);
    free(after);
    path_in(p, sizeof p, "err.txt");
    char *err_text = test_read_text(p);
    CHECK(strstr(err_text, "--resume") != NULL);
    free(err_text);

    /* Resuming a finished run evaluates nothing more. */
    CHECK(bo_run((const char *[]){cfg, "--out", out1, "--resume", NULL}) == 0);
    CHECK(read_history(out1, &again, &n2) == 0);
    CHECK(n2 == n);
    bo_history_rows_free(again);
    bo_history_rows_free(rows);
}

/* A run whose objective misbehaves where x0 > 0.7: the LHS puts one initial
 * point in x0's top stratum [5/6, 1), so at least one evaluation fails. */
static void check_faulty_run(const char *label, const char *config_file, const char *expect)
{
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, config_file);
    snprintf(out, sizeof out, "%s/run-%s", tmpdir, label);
    int code = bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL});
    CHECK_MSG(code == 0, "%s: exit %d", label, code);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK_MSG(read_history(out, &rows, &n) == 0 && n == 20, "%s: %zu rows", label, n);
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].status != BO_HISTORY_FAILED)
            continue;
        failed++;
        CHECK(isnan(rows[i].y));
        CHECK_MSG(strstr(rows[i].message, expect) != NULL, "%s: message '%s'", label,
                  rows[i].message);
        CHECK(rows[i].x[0] > 0.7);
        /* A failed point is never proposed again. */
        for (size_t j = i + 1; j < n; j++)
            CHECK(!(rows[j].x[0] == rows[i].x[0] && rows[j].x[1] == rows[i].x[1]));
    }
    CHECK_MSG(failed >= 1, "%s: no failed evaluation", label);
    /* Failures cost evaluations but the run still homes in on the bowl's
     * minimum 0 at (0.3, 0.6), inside the well-behaved region. */
    CHECK_MSG(n == 0 || rows[n - 1].best < 0.01, "%s: best %g", label, n ? rows[n - 1].best : NAN);
    bo_history_rows_free(rows);
}

static void test_faults(void)
{
    struct {
        const char *mode;
        const char *expect;
    } plugin_faults[] = {
        {"fail", "solver diverged"},
        {"nan", "non-finite"},
        {"inf", "non-finite"},
        {"segv", ""}, /* the wording differs under AddressSanitizer */
        {"hang", "timed out"},
    };
    for (size_t i = 0; i < sizeof plugin_faults / sizeof *plugin_faults; i++) {
        char file[64], params[64];
        snprintf(file, sizeof file, "fault-%s.yaml", plugin_faults[i].mode);
        snprintf(params, sizeof params, "mode: %s", plugin_faults[i].mode);
        write_plugin_config(file, plugin_faults[i].mode, params, "  timeout: 0.5\n", 6, 20);
        check_faulty_run(plugin_faults[i].mode, file, plugin_faults[i].expect);
    }

    struct {
        const char *mode;
        const char *expect;
    } command_faults[] = {
        {"exit", "solver crashed"},
        {"garbage", "twelve"},
        {"empty", ""},
    };
    for (size_t i = 0; i < sizeof command_faults / sizeof *command_faults; i++) {
        char file[64], path[512];
        snprintf(file, sizeof file, "command-%s.yaml", command_faults[i].mode);
        path_in(path, sizeof path, file);
        write_file(path,
                   "name: cmd\nseed: 4\n"
                   "objective:\n  command: [\"%s/tests/data/commands/bowl.sh\", \"%s\"]\n"
                   "  timeout: 10\n"
                   "inputs:\n  - {name: x0, lower: 0, upper: 1}\n"
                   "  - {name: x1, lower: 0, upper: 1}\n"
                   "initial_design: {size: 6}\nbudget: {max_evaluations: 20}\n"
                   "output: {plot: none}\n",
                   BO_SOURCE_DIR, command_faults[i].mode);
        char label[64];
        snprintf(label, sizeof label, "cmd-%s", command_faults[i].mode);
        check_faulty_run(label, file, command_faults[i].expect);
    }
}

static void expect_refusal(const char *label, const char *config_text, const char *expect)
{
    char cfg[512], out[512], p[512];
    snprintf(cfg, sizeof cfg, "%s/refuse-%s.yaml", tmpdir, label);
    snprintf(out, sizeof out, "%s/run-refuse-%s", tmpdir, label);
    write_file(cfg, "%s", config_text);
    int code = bo_run((const char *[]){cfg, "--out", out, NULL});
    CHECK_MSG(code == 2, "%s: exit %d", label, code);
    CHECK_MSG(!test_path_exists(out), "%s: run folder created", label);
    path_in(p, sizeof p, "err.txt");
    char *err = test_read_text(p);
    CHECK_MSG(strstr(err, expect) != NULL, "%s: stderr '%s' lacks '%s'", label, err, expect);
    free(err);
}

/* A plugin that cannot be loaded is reported at its place in the config. */
static void expect_plugin_refusal(const char *label, const char *config_text, const char *expect)
{
    expect_refusal(label, config_text, expect);
    char place[600], p[512];
    snprintf(place, sizeof place, "refuse-%s.yaml:1:21: objective.plugin: ", label);
    path_in(p, sizeof p, "err.txt");
    char *err = test_read_text(p);
    CHECK_MSG(strstr(err, place) != NULL, "%s: stderr '%s' lacks '%s'", label, err, place);
    free(err);
}

static void test_refusals(void)
{
    char text[2048];
    const char *plugins[][2] = {
        {"wrong_abi", "999"},
        {"no_symbol", "bo_plugin_entry"},
        {"abort_init", "init"},
        {"missing", "missing.so"},
    };
    for (size_t i = 0; i < sizeof plugins / sizeof *plugins; i++) {
        snprintf(text, sizeof text,
                 "objective: {plugin: %s/test-plugins/%s.so}\n"
                 "inputs: [{name: x0, lower: 0, upper: 1}]\n"
                 "budget: {max_evaluations: 5}\n",
                 BO_BINARY_DIR, plugins[i][0]);
        expect_plugin_refusal(plugins[i][0], text, plugins[i][1]);
    }
    snprintf(text, sizeof text,
             "objective: {plugin: %s/test-plugins/flaky.so}\n"
             "inputs:\n  - {name: x0, lower: 0, upper: 1}\n"
             "  - {name: x1, lower: 2, upper: 1}\n"
             "budget: {max_evaluations: 5}\n",
             BO_BINARY_DIR);
    expect_refusal("bounds", text, ":4:33: inputs[1].upper");
    expect_refusal("typo", "objectve: {plugin: x.so}\n", "did you mean");
    expect_refusal("empty", "", "refuse-empty.yaml");

    char cfg[512];
    path_in(cfg, sizeof cfg, "clean.yaml");
    CHECK(bo_run((const char *[]){cfg, "--seed", "-3", NULL}) == 2);
    CHECK(bo_run((const char *[]){cfg, "--frobnicate", NULL}) == 2);
    CHECK(bo_run((const char *[]){NULL}) == 2);
    CHECK(bo_run((const char *[]){"--help", NULL}) == 0);
    CHECK(bo_run((const char *[]){"--version", NULL}) == 0);
    char out[512];
    path_in(out, sizeof out, "run-never-started");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--resume", NULL}) == 2);
}

/* kill -9 at random moments, then --resume until done: the history equals
 * the uninterrupted run's (in ref) in every column but the wall time. */
static void kill_and_resume(const char *file, const char *ref_name, int trials, uint64_t seed)
{
    char cfg[512], ref[512];
    path_in(cfg, sizeof cfg, file);
    path_in(ref, sizeof ref, ref_name);
    CHECK(bo_run((const char *[]){cfg, "--out", ref, "--quiet", NULL}) == 0);
    bo_history_row *want = NULL;
    size_t n_want = 0;
    CHECK(read_history(ref, &want, &n_want) == 0 && n_want == 20);

    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (int trial = 0; trial < trials; trial++) {
        char out[512];
        snprintf(out, sizeof out, "%s/%s-killed-%d", tmpdir, ref_name, trial);
        int kills = 0;
        for (int attempt = 0; attempt < 12; attempt++) {
            const char *args_new[] = {cfg, "--out", out, "--quiet", NULL};
            const char *args_resume[] = {cfg, "--out", out, "--quiet", "--resume", NULL};
            /* A kill before the history existed leaves nothing to resume:
             * the user starts again, as here. */
            char history[600];
            snprintf(history, sizeof history, "%s/history.csv", out);
            pid_t pid = start_bo_run(test_path_exists(history) ? args_resume : args_new);
            /* Kill somewhere in the first 0.28 s: during start-up, the
             * initial design, a fit, or an evaluation. The 20 evaluations
             * sleep 0.3 s in all, so a run never finishes before its
             * first kill (a wider window let a quick run escape it). */
            double wait_s = 0.02 + 0.26 * bo_rng_uniform(&rng);
            struct timespec ts = {0, (long)(wait_s * 1e9)};
            nanosleep(&ts, NULL);
            int finished = waitpid(pid, NULL, WNOHANG) == pid;
            if (!finished) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                kills++;
                continue;
            }
            break;
        }
        /* Finish whatever remains without interruption. */
        char history[600];
        snprintf(history, sizeof history, "%s/history.csv", out);
        if (test_path_exists(history))
            CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", "--resume", NULL}) == 0);
        else
            CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
        bo_history_row *got = NULL;
        size_t n_got = 0;
        CHECK(read_history(out, &got, &n_got) == 0);
        CHECK_MSG(n_got == n_want, "trial %d: %zu rows", trial, n_got);
        for (size_t i = 0; i < n_got && i < n_want; i++)
            CHECK_MSG(same_rows(&got[i], &want[i]), "trial %d (%d kills): row %zu differs",
                      trial, kills, i + 1);
        CHECK_MSG(kills >= 1, "trial %d: the run was never killed", trial);
        bo_history_rows_free(got);
    }
    bo_history_rows_free(want);
}

static void test_kill_and_resume(void)
{
    write_plugin_config("slow.yaml", "slow", "sleep_ms: 15, mode: fail, edge: 0.9", "", 6, 20);
    kill_and_resume("slow.yaml", "run-reference", 3, 2024);
    /* acquisition.trust_region: its state is replayed from the history, so
     * a resumed run searches the same boxes. Its history differs from the
     * plain run's (the region is in force). */
    write_plugin_config("slow-tr.yaml", "slow", "sleep_ms: 15, mode: fail, edge: 0.9",
                        "acquisition: {trust_region: true}\n", 6, 20);
    kill_and_resume("slow-tr.yaml", "run-reference-tr", 2, 2025);
    char plain[512], tr[512];
    path_in(plain, sizeof plain, "run-reference");
    path_in(tr, sizeof tr, "run-reference-tr");
    bo_history_row *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    CHECK(read_history(plain, &a, &na) == 0 && read_history(tr, &b, &nb) == 0 && na == nb);
    int differ = 0;
    for (size_t i = 0; i < na && i < nb; i++)
        differ |= !same_rows(&a[i], &b[i]);
    CHECK_MSG(differ, "trust_region: true gave the plain run's history");
    bo_history_rows_free(a);
    bo_history_rows_free(b);
}

/* A run's stdout (out.txt of the last run). */
static char *last_stdout(void)
{
    char p[512];
    path_in(p, sizeof p, "out.txt");
    return test_read_text(p);
}

/* A config for the well-behaved bowl with the given budget line; returns
 * its path in cfg and the run folder in out. */
static void write_budget_config(const char *name, const char *budget, char *cfg, size_t cfg_len,
                                char *out, size_t out_len)
{
    char file[128];
    snprintf(file, sizeof file, "%s.yaml", name);
    path_in(cfg, cfg_len, file);
    write_file(cfg,
               "name: %s\nseed: 4\nobjective: {plugin: %s/test-plugins/flaky.so}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 6}\nbudget: %s\noutput: {plot: none}\n",
               name, BO_BINARY_DIR, budget);
    snprintf(file, sizeof file, "run-%s", name);
    path_in(out, out_len, file);
}

/* Each stopping rule ends the run where SPEC §3 says, and says which. */
static void test_stopping_rules(void)
{
    char cfg[512], out[512];
    bo_history_row *rows = NULL;
    size_t n = 0;

    /* max_cost includes the initial design (6 evaluations of cost 1). */
    write_budget_config("stopcost", "{max_cost: 9.5, max_evaluations: 50}", cfg, sizeof cfg, out,
                        sizeof out);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    CHECK(read_history(out, &rows, &n) == 0 && n == 9);
    char *text = last_stdout();
    CHECK(strstr(text, "max_cost reached") != NULL);
    free(text);
    bo_history_rows_free(rows);

    /* target_value: stops at the first evaluation that reaches it. */
    write_budget_config("stoptarget", "{target_value: 0.01, max_evaluations: 50}", cfg, sizeof cfg,
                        out, sizeof out);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    CHECK(read_history(out, &rows, &n) == 0 && n > 6 && n < 50);
    if (n > 1) {
        CHECK(rows[n - 1].best <= 0.01);
        CHECK(rows[n - 2].best > 0.01);
    }
    text = last_stdout();
    CHECK(strstr(text, "target_value reached") != NULL);
    free(text);
    bo_history_rows_free(rows);

    /* max_no_improvement: the last k rows leave the best unchanged and the
     * one before them improved it (or ended the initial design). */
    write_budget_config("stopstall", "{max_no_improvement: 2, max_evaluations: 60}", cfg,
                        sizeof cfg, out, sizeof out);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    CHECK(read_history(out, &rows, &n) == 0 && n >= 8 && n < 60);
    if (n >= 8) {
        CHECK(rows[n - 1].best == rows[n - 3].best && rows[n - 2].best == rows[n - 3].best);
        CHECK(n - 3 == 5 || rows[n - 3].best < rows[n - 4].best);
    }
    text = last_stdout();
    CHECK(strstr(text, "max_no_improvement reached") != NULL);
    free(text);
    bo_history_rows_free(rows);
}

/* Output folders that cannot be used are usage errors (exit 2). */
static void test_bad_out(void)
{
    char cfg[512], file[512], out[600];
    path_in(cfg, sizeof cfg, "clean.yaml");
    path_in(file, sizeof file, "a-plain-file");
    write_file(file, "not a folder\n");
    CHECK(bo_run((const char *[]){cfg, "--out", file, NULL}) == 2);
    snprintf(out, sizeof out, "%s/sub", file);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 2);
    CHECK(bo_run((const char *[]){cfg, "--out", "", NULL}) == 2);
    CHECK(bo_run((const char *[]){cfg, "--seed", " 3", NULL}) == 2);
}

/* SIGINT stops the run (exit 1) without recording a cancelled evaluation;
 * --resume then completes the same history as an uninterrupted run. */
static void test_interrupt_and_resume(void)
{
    char cfg[512], ref[512], out[512], p[512];
    path_in(cfg, sizeof cfg, "slow.yaml");
    path_in(ref, sizeof ref, "run-reference");
    path_in(out, sizeof out, "run-interrupted");
    bo_history_row *want = NULL, *got = NULL;
    size_t n_want = 0, n_got = 0;
    CHECK(read_history(ref, &want, &n_want) == 0 && n_want == 20);
    pid_t pid = start_bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL});
    struct timespec ts = {0, 300000000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int code = test_wait_exit(pid);
    CHECK_MSG(code == 1, "interrupted run exit %d", code);
    path_in(p, sizeof p, "err.txt");
    char *err = test_read_text(p);
    CHECK(strstr(err, "--resume") != NULL);
    free(err);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", "--resume", NULL}) == 0);
    CHECK(read_history(out, &got, &n_got) == 0 && n_got == n_want);
    for (size_t i = 0; i < n_got && i < n_want; i++)
        CHECK_MSG(same_rows(&got[i], &want[i]), "interrupted run: row %zu differs", i + 1);
    bo_history_rows_free(got);
    bo_history_rows_free(want);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_run") != 0)
        return 1;
    test_clean_run();
    test_faults();
    test_refusals();
    test_kill_and_resume();
    test_interrupt_and_resume();
    test_stopping_rules();
    test_bad_out();
    return test_finish(CHECK_DONE());
}
