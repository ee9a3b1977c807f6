/* Whole runs of bo-run with several evaluations in flight: K = 4 local
 * workers end to end (evaluations overlap, every eval once, workers 1..4,
 * utilisation reported); kill -9 at random moments with four in flight,
 * then --resume: no evaluation lost or repeated, and those that were
 * running run again at the very points first chosen for them; SIGINT with
 * four in flight kills every process; a launcher prefix; extending a
 * finished run; the seed taken from the run folder on --resume; points
 * from initial_data seeding the model; and, when mpirun is installed,
 * `mpirun -n 4 bo-run` with ranks 1..3 evaluating. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/io/history.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x0", "x1"};

static char *last_output(const char *which)
{
    char p[512];
    path_in(p, sizeof p, which);
    return test_read_text(p);
}

/* The flaky bowl plugin with sleep_ms per evaluation, K workers. */
static void write_config(const char *file, const char *name, int sleep_ms, int workers,
                         int evaluations, const char *extra)
{
    char path[512];
    path_in(path, sizeof path, file);
    write_file(path,
               "name: %s\nseed: 4\n"
               "objective:\n  plugin: %s/test-plugins/flaky.so\n  params: {sleep_ms: %d}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 6}\n"
               "budget: {max_evaluations: %d}\n"
               "evaluation: {workers: %d}\n"
               "output: {plot: none}\n%s",
               name, BO_BINARY_DIR, sleep_ms, evaluations, workers, extra);
}

static int read_rows(const char *dir, const char *file, bo_history_row **rows, size_t *n)
{
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    bo_status st = bo_history_read(path, input_names, 2, rows, n, err, sizeof err);
    if (st != BO_OK)
        fprintf(stderr, "%s\n", err);
    return st == BO_OK ? 0 : -1;
}

/* Every eval 1..n appears exactly once among the rows. */
static int evals_are_permutation(const bo_history_row *rows, size_t n)
{
    unsigned char *seen = calloc(n + 1, 1);
    int ok = seen != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        size_t e = rows[i].eval;
        ok = e >= 1 && e <= n && !seen[e];
        if (ok)
            seen[e] = 1;
    }
    free(seen);
    return ok;
}

/* K = 4: 24 evaluations of 150 ms each overlap, use every worker, come in
 * completion order with each eval once, and the summary reports the
 * workers' utilisation. */
/* BO_ACQ_THREADS: a count runs (the maximiser's threads never change a
 * point: tests/test_acq_threads.c); anything else is named in a warning
 * and ignored, and the run still finishes. */
static void test_acq_threads_env(void)
{
    write_config("thr.yaml", "thr", 20, 2, 12, "");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "thr.yaml");
    const char *values[] = {"3", "lots", "0"};
    for (size_t i = 0; i < 3; i++) {
        char name[64];
        snprintf(name, sizeof name, "run-thr-%zu", i);
        path_in(out, sizeof out, name);
        setenv("BO_ACQ_THREADS", values[i], 1);
        CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
        bo_history_row *rows = NULL;
        size_t n = 0;
        CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 12);
        bo_history_rows_free(rows);
        char *err = last_output("err.txt");
        int warned = err && strstr(err, "BO_ACQ_THREADS=") != NULL &&
                     strstr(err, values[i]) != NULL && strstr(err, "ignored") != NULL;
        CHECK_MSG(warned == (i > 0), "BO_ACQ_THREADS=%s: stderr: %s", values[i], err ? err : "");
        free(err);
    }
    unsetenv("BO_ACQ_THREADS");
}

static void test_four_workers(void)
{
    write_config("k4.yaml", "k4", 150, 4, 24, "");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "k4.yaml");
    path_in(out, sizeof out, "run-k4");
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 24);
    CHECK(evals_are_permutation(rows, n));
    int used[5] = {0};
    size_t overlaps = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(rows[i].worker >= 1 && rows[i].worker <= 4);
        if (rows[i].worker >= 1 && rows[i].worker <= 4)
            used[rows[i].worker]++;
        CHECK(rows[i].eval_seconds >= 0.14 && rows[i].finished >= rows[i].started);
        CHECK(rows[i].status == BO_HISTORY_OK);
        /* Its start lies inside another evaluation's run. */
        for (size_t j = 0; j < n; j++)
            if (j != i && rows[j].started <= rows[i].started &&
                rows[i].started < rows[j].finished - 0.01) {
                overlaps++;
                break;
            }
    }
    for (int w = 1; w <= 4; w++)
        CHECK_MSG(used[w] >= 2, "worker %d ran %d evaluations", w, used[w]);
    CHECK_MSG(overlaps >= n / 2, "only %zu of %zu evaluations started while another ran",
              overlaps, n);
    /* The initial design (6 points) all started before any model-based one. */
    double last_init_start = 0, first_bo_start = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].phase == BO_HISTORY_INIT)
            last_init_start = fmax(last_init_start, rows[i].started);
        else
            first_bo_start = fmin(first_bo_start, rows[i].started);
    }
    CHECK(last_init_start <= first_bo_start);
    char *text = last_output("out.txt");
    CHECK_MSG(text && strstr(text, "workers: 4, busy") != NULL, "%s", text ? text : "");
    CHECK(text && strstr(text, "running]") != NULL);
    free(text);
    /* dispatched.csv holds every evaluation, as it was started. */
    bo_history_row *sent = NULL;
    size_t n_sent = 0;
    CHECK(read_rows(out, "dispatched.csv", &sent, &n_sent) == 0 && n_sent == 24);
    for (size_t i = 0; i < n_sent; i++) {
        CHECK(sent[i].eval == i + 1 && sent[i].status == BO_HISTORY_RUNNING);
        for (size_t j = 0; j < n; j++)
            if (rows[j].eval == sent[i].eval)
                CHECK(memcmp(rows[j].x, sent[i].x, 2 * sizeof(double)) == 0);
    }
    bo_history_rows_free(sent);
    bo_history_rows_free(rows);
}

/* kill -9 at random moments with four in flight, --resume each time: in
 * the end every eval 1..N is there once, and each evaluation ran at the
 * point first chosen for it (dispatched.csv keeps the first choice, and
 * the history's x equals it). */
static void test_kill_and_resume(void)
{
    write_config("kill.yaml", "kill", 120, 4, 30, "");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "kill.yaml");
    path_in(out, sizeof out, "run-killed");
    bo_rng rng;
    bo_rng_init(&rng, 77);
    int kills = 0;
    size_t redone = 0;
    for (int attempt = 0; attempt < 10; attempt++) {
        const char *args_new[] = {cfg, "--out", out, "--quiet", NULL};
        const char *args_resume[] = {cfg, "--out", out, "--quiet", "--resume", NULL};
        char history[600];
        snprintf(history, sizeof history, "%s/history.csv", out);
        pid_t pid = start_bo_run(test_path_exists(history) ? args_resume : args_new);
        double wait_s = 0.1 + 0.5 * bo_rng_uniform(&rng);
        struct timespec ts = {0, (long)(wait_s * 1e9)};
        nanosleep(&ts, NULL);
        if (waitpid(pid, NULL, WNOHANG) == pid)
            break;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        kills++;
        /* What was running when it died: dispatched, not in the history. */
        bo_history_row *sent = NULL, *done = NULL;
        size_t n_sent = 0, n_done = 0;
        if (read_rows(out, "dispatched.csv", &sent, &n_sent) == 0 &&
            read_rows(out, "history.csv", &done, &n_done) == 0)
            redone += n_sent - n_done;
        bo_history_rows_free(sent);
        bo_history_rows_free(done);
        /* The runners of the killed run finish their evaluations as
         * orphans, never recorded: give them a moment so they do not
         * compete for the two cores. */
        struct timespec pause = {0, 150000000L};
        nanosleep(&pause, NULL);
    }
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", "--resume", NULL}) == 0);
    bo_history_row *rows = NULL, *sent = NULL;
    size_t n = 0, n_sent = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0);
    CHECK(read_rows(out, "dispatched.csv", &sent, &n_sent) == 0);
    CHECK_MSG(n == 30 && n_sent == 30, "%zu rows, %zu dispatched", n, n_sent);
    CHECK(evals_are_permutation(rows, n));
    for (size_t i = 0; i < n_sent && i < n; i++) {
        CHECK(sent[i].eval == i + 1);
        for (size_t j = 0; j < n; j++)
            if (rows[j].eval == sent[i].eval)
                CHECK_MSG(memcmp(rows[j].x, sent[i].x, 2 * sizeof(double)) == 0,
                          "eval %zu ran elsewhere than first chosen", sent[i].eval);
    }
    CHECK_MSG(kills >= 3, "only %d kills", kills);
    CHECK_MSG(redone >= 2, "only %zu evaluations were in flight at the kills", redone);
    bo_history_rows_free(rows);
    bo_history_rows_free(sent);
}

/* The pids a file lists (record_pid.sh writes them): returns how many,
 * and in *alive how many still run after a moment's grace. */
static int count_still_running(const char *path, int *alive)
{
    FILE *f = fopen(path, "r");
    long p;
    int counted = 0;
    *alive = 0;
    while (f && fscanf(f, "%ld", &p) == 1) {
        counted++;
        *alive += !test_process_gone(p);
    }
    if (f)
        fclose(f);
    return counted;
}

/* SIGINT with four commands running: exit 1, nothing half-recorded, every
 * command's process (and what it started) killed, a resume command printed
 * naming the run folder. */
static void test_interrupt(void)
{
    char cfg[512], out[512], pids[512];
    path_in(cfg, sizeof cfg, "int.yaml");
    path_in(out, sizeof out, "run-int");
    path_in(pids, sizeof pids, "pids");
    write_file(cfg,
               "name: int\nseed: 4\n"
               "objective:\n  command: [\"%s/tests/data/commands/record_pid.sh\", \"%s\"]\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 6}\nbudget: {max_evaluations: 12}\n"
               "evaluation: {workers: 4}\noutput: {plot: none}\n",
               BO_SOURCE_DIR, pids);
    write_file(pids, "%s", "");
    pid_t pid = start_bo_run((const char *[]){cfg, "--out", out, NULL});
    struct timespec ts = {0, 800000000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int code = test_wait_exit(pid);
    CHECK_MSG(code == 1, "interrupted run: exit %d", code);
    char *err = last_output("err.txt");
    char want[1200];
    snprintf(want, sizeof want, "continue with: bo-run %s --resume --out %s", cfg, out);
    CHECK_MSG(err && strstr(err, want) != NULL, "stderr: %s", err ? err : "");
    free(err);
    bo_history_row *rows = NULL;
    size_t n = 5;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 0);
    bo_history_rows_free(rows);
    /* Each command wrote its own pid and its sleeping child's. */
    int alive = 0, counted = count_still_running(pids, &alive);
    CHECK_MSG(counted == 8, "%d pids recorded, 8 expected (4 commands, 4 children)", counted);
    CHECK_MSG(alive == 0, "%d processes still run", alive);
    /* The four are queued to run again by --resume, from dispatched.csv. */
    bo_history_row *sent = NULL;
    CHECK(read_rows(out, "dispatched.csv", &sent, &n) == 0 && n == 4);
    bo_history_rows_free(sent);
}

/* A launcher in front of the command: every evaluation goes through it,
 * with the command and its arguments after the launcher's own. */
static void test_launcher(void)
{
    char cfg[512], out[512], log[512];
    path_in(cfg, sizeof cfg, "launch.yaml");
    path_in(out, sizeof out, "run-launch");
    path_in(log, sizeof log, "launcher.log");
    write_file(cfg,
               "name: launch\nseed: 4\n"
               "objective:\n  command: [\"%s/tests/data/commands/bowl.sh\", \"ok\"]\n"
               "  launcher: [\"%s/tests/data/commands/fake_launcher.sh\", \"%s\", -N1]\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 4}\nbudget: {max_evaluations: 7}\n"
               "evaluation: {workers: 2}\noutput: {plot: none}\n",
               BO_SOURCE_DIR, BO_SOURCE_DIR, log);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    char *text = test_read_text(log);
    int lines = 0;
    for (const char *s = text; s && (s = strstr(s, "launched: -N1 ")) != NULL; s++)
        lines++;
    CHECK_MSG(lines == 7, "launcher log:\n%s", text ? text : "(none)");
    CHECK(text && strstr(text, "/tests/data/commands/bowl.sh ok x0=") != NULL);
    free(text);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 7);
    for (size_t i = 0; i < n; i++)
        CHECK(rows[i].status == BO_HISTORY_OK);
    bo_history_rows_free(rows);
}

/* A finished run continues with a larger budget (and other workers); its
 * first rows stay as they were; another change is refused at resume. A run
 * started with --seed resumes without it. */
static void test_extend_and_seed(void)
{
    write_config("ext.yaml", "ext", 0, 1, 10, "");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "ext.yaml");
    path_in(out, sizeof out, "run-ext");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--seed", "5", "--quiet", NULL}) == 0);
    bo_history_row *before = NULL, *after = NULL;
    size_t n0 = 0, n1 = 0;
    CHECK(read_rows(out, "history.csv", &before, &n0) == 0 && n0 == 10);
    write_config("ext.yaml", "ext", 0, 2, 14, "");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--resume", "--quiet", NULL}) == 0);
    CHECK(read_rows(out, "history.csv", &after, &n1) == 0 && n1 == 14);
    for (size_t i = 0; i < n0 && i < n1; i++)
        CHECK(after[i].eval == before[i].eval &&
              memcmp(after[i].x, before[i].x, 2 * sizeof(double)) == 0);
    write_config("ext.yaml", "ext", 0, 1, 20, "model: {kernel: matern32}\n");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--resume", NULL}) == 2);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "kernel") != NULL, "%s", err ? err : "");
    free(err);
    bo_history_rows_free(before);
    bo_history_rows_free(after);
}

/* Evaluations from initial_data seed the model: none is repeated, they are
 * not rows of this run, and the run's first model-based points already
 * use them (a run seeded near the optimum finds it sooner). */
static void test_initial_data(void)
{
    char data[512];
    path_in(data, sizeof data, "previous.csv");
    write_file(data, "x0,x1,y\n0.31,0.59,0.0002\n0.9,0.1,0.61\n0.2,0.9,0.1\n0.5,0.5,0.05\n");
    write_config("seeded.yaml", "seeded", 0, 1, 8, "initial_data: previous.csv\n");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "seeded.yaml");
    path_in(out, sizeof out, "run-seeded");
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    char *text = last_output("out.txt");
    CHECK_MSG(text && strstr(text, "initial_data: 4 evaluations (0 failed)") != NULL, "%s",
              text ? text : "");
    free(text);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 8);
    /* The best so far starts from the data's best, 0.0002. */
    CHECK(n > 0 && rows[0].best <= 0.0002);
    bo_history_rows_free(rows);
    /* A broken file is refused at its place before anything runs. */
    write_file(data, "x0,x1,y\n0.3,abc,1\n");
    path_in(out, sizeof out, "run-seeded-bad");
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 2);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "previous.csv:2:") != NULL && strstr(err, "initial_data"),
              "%s", err ? err : "");
    free(err);
}

/* The noisy example plugin draws its noise from (seed, eval): two runs
 * with one seed (one with four workers) give every evaluation the same
 * noise, another seed other noise. With one worker the histories agree
 * exactly. */
static void test_noise_per_seed(void)
{
    char cfg[512], a[512], b[512], c[512];
    path_in(cfg, sizeof cfg, "noisy.yaml");
    write_file(cfg,
               "name: noisy\nseed: 8\n"
               "objective: {plugin: %s/plugins/example_noisy.so, params: {noise_sd: 0.5}}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 5}\nbudget: {max_evaluations: 9}\noutput: {plot: none}\n",
               BO_BINARY_DIR);
    path_in(a, sizeof a, "run-noisy-a");
    path_in(b, sizeof b, "run-noisy-b");
    path_in(c, sizeof c, "run-noisy-c");
    CHECK(bo_run((const char *[]){cfg, "--out", a, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg, "--out", b, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg, "--out", c, "--quiet", "--seed", "9", NULL}) == 0);
    bo_history_row *ra = NULL, *rb = NULL, *rc = NULL;
    size_t na = 0, nb = 0, nc = 0;
    CHECK(read_rows(a, "history.csv", &ra, &na) == 0 && na == 9);
    CHECK(read_rows(b, "history.csv", &rb, &nb) == 0 && nb == 9);
    CHECK(read_rows(c, "history.csv", &rc, &nc) == 0 && nc == 9);
    for (size_t i = 0; i < na && i < nb; i++)
        CHECK(ra[i].y == rb[i].y && memcmp(ra[i].x, rb[i].x, 2 * sizeof(double)) == 0);
    /* The design derives from the seed too, so compare the noise itself:
     * y minus the noise-free bowl. */
    size_t differ = 0;
    for (size_t i = 0; i < na && i < nc; i++) {
        double fa = (ra[i].x[0] - 0.5) * (ra[i].x[0] - 0.5) + (ra[i].x[1] - 0.5) * (ra[i].x[1] - 0.5);
        double fc = (rc[i].x[0] - 0.5) * (rc[i].x[0] - 0.5) + (rc[i].x[1] - 0.5) * (rc[i].x[1] - 0.5);
        differ += fabs((ra[i].y - fa) - (rc[i].y - fc)) > 1e-9;
    }
    CHECK_MSG(differ >= 8, "only %zu of 9 noise draws differ between seeds 8 and 9", differ);
    bo_history_rows_free(ra);
    bo_history_rows_free(rb);
    bo_history_rows_free(rc);
}

/* --check warns when the budget leaves no model-based step (3 inputs, a
 * default design of 10 points, max_evaluations 5), and still exits 0. */
static void test_check_warns(void)
{
    char cfg[512];
    path_in(cfg, sizeof cfg, "short.yaml");
    write_file(cfg,
               "name: short\nobjective: {plugin: %s/plugins/hartmann3.so}\n"
               "inputs:\n  - {name: a, lower: 0, upper: 1}\n  - {name: b, lower: 0, upper: 1}\n"
               "  - {name: c, lower: 0, upper: 1}\n"
               "budget: {max_evaluations: 5}\n",
               BO_BINARY_DIR);
    CHECK(bo_run((const char *[]){cfg, "--check", NULL}) == 0);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "short.yaml:7:27: budget.max_evaluations") != NULL && strstr(err, "warning") != NULL &&
                  strstr(err, "max_evaluations") != NULL,
              "stderr: %s", err ? err : "");
    free(err);
}

/* One bo-run per run folder: a resume while the run goes on, and a second
 * fresh start, are refused naming the running process; the run itself is
 * untouched. */
static void test_folder_lock(void)
{
    write_config("lock.yaml", "lock", 200, 2, 12, "");
    char cfg[512], out[512], outtxt[512], errtxt[512];
    path_in(cfg, sizeof cfg, "lock.yaml");
    path_in(out, sizeof out, "run-lock");
    path_in(outtxt, sizeof outtxt, "lock-out.txt");
    path_in(errtxt, sizeof errtxt, "lock-err.txt");
    const char *first_args[] = {cfg, "--out", out, "--quiet", NULL};
    pid_t first = test_spawn(BO_BINARY_DIR "/bo-run", first_args, outtxt, errtxt);
    char history[600];
    snprintf(history, sizeof history, "%s/history.csv", out);
    for (int k = 0; k < 200 && !test_path_exists(history); k++) {
        struct timespec nap = {0, 10000000L};
        nanosleep(&nap, NULL);
    }
    char want[64];
    snprintf(want, sizeof want, "already running in this folder (pid %ld)", (long)first);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--resume", NULL}) == 2);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, want) != NULL, "resume: %s", err ? err : "");
    free(err);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 2);
    err = last_output("err.txt");
    /* Not "already holds a run": while it runs, that it runs (the campaign's
     * two-procs trials found starts a moment apart told the former). */
    CHECK_MSG(err && strstr(err, want) != NULL, "second start: %s", err ? err : "");
    free(err);
    CHECK(test_wait_exit(first) == 0);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 12);
    CHECK(evals_are_permutation(rows, n));
    bo_history_rows_free(rows);

    /* Two fresh starts at the same instant: one runs, the other is told
     * another bo-run holds the folder, never a write error nor only that the
     * folder holds a run. */
    path_in(out, sizeof out, "run-race");
    pid_t a = test_spawn(BO_BINARY_DIR "/bo-run", (const char *[]){cfg, "--out", out, "--quiet",
                                                                  NULL}, outtxt, errtxt);
    int b = bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL});
    int ca = test_wait_exit(a);
    CHECK_MSG((ca == 0 && b == 2) || (ca == 2 && b == 0), "race: exits %d and %d", ca, b);
    char *e1 = last_output("err.txt"), *e2 = last_output("lock-err.txt");
    const char *loser = b == 2 ? e1 : e2;
    CHECK_MSG(loser && strstr(loser, "already running in this folder (pid ") != NULL,
              "race loser: %s", loser ? loser : "");
    free(e1);
    free(e2);
}

/* Isolated plugins: an evaluation's child cannot write into the history
 * through an inherited descriptor, and what a plugin forks is killed with
 * its evaluation. */
static void test_plugin_children(void)
{
    char cfg[512], out[512], pids[512];
    path_in(cfg, sizeof cfg, "stray.yaml");
    path_in(out, sizeof out, "run-stray");
    write_file(cfg,
               "name: stray\nseed: 4\nobjective: {plugin: %s/test-plugins/stray_writer.so}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 4}\nbudget: {max_evaluations: 8}\n"
               "evaluation: {workers: 2}\noutput: {plot: none}\n",
               BO_BINARY_DIR);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 8);
    CHECK(evals_are_permutation(rows, n));
    bo_history_rows_free(rows);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", "--resume", NULL}) == 0);

    path_in(cfg, sizeof cfg, "forker.yaml");
    path_in(out, sizeof out, "run-forker");
    path_in(pids, sizeof pids, "forker-pids");
    write_file(pids, "%s", "");
    write_file(cfg,
               "name: forker\nseed: 4\n"
               "objective: {plugin: %s/test-plugins/forker.so, params: {pids: \"%s\"}}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 3}\nbudget: {max_evaluations: 5}\noutput: {plot: none}\n",
               BO_BINARY_DIR, pids);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    int alive = 0, counted = count_still_running(pids, &alive);
    CHECK_MSG(counted == 5 && alive == 0, "%d helpers started, %d still run", counted, alive);
}

/* A run whose every evaluation fails stops after max_consecutive_failures
 * (default 10) with exit 1 and the last failure's message; the count is the
 * process's own, so a --resume (after a fix) is not stopped at once. */
static void test_failing_objective(void)
{
    write_config("broken.yaml", "broken", 0, 1, 40, "");
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "broken.yaml");
    /* mode fail everywhere: the bowl's failure region covers the box. */
    write_file(cfg,
               "name: broken\nseed: 4\n"
               "objective:\n  plugin: %s/test-plugins/flaky.so\n  params: {mode: fail, edge: -1}\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 6}\nbudget: {max_evaluations: 40}\noutput: {plot: none}\n",
               BO_BINARY_DIR);
    path_in(out, sizeof out, "run-broken");
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 1);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "10 evaluations failed in a row (the last: plugin evaluate "
                                 "failed") != NULL, "%s", err ? err : "");
    free(err);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 10);
    bo_history_rows_free(rows);
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--resume", NULL}) == 1);
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 20);
    bo_history_rows_free(rows);
}

/* Plugins run in-process (isolate: false): an exit() inside evaluate is a
 * loud failure (status 1, the rows before it kept), a timeout is refused at
 * its place, and a hang gives way to a second Ctrl-C. */
static void test_in_process_faults(void)
{
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "inproc-exit.yaml");
    path_in(out, sizeof out, "run-inproc-exit");
    write_file(cfg,
               "name: inproc\nseed: 4\n"
               "objective:\n  plugin: %s/test-plugins/segfault.so\n  params: {mode: exit}\n"
               "  isolate: false\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n"
               "budget: {max_evaluations: 5}\noutput: {plot: none}\n",
               BO_BINARY_DIR);
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 1);
    char *err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "the plugin called exit() during an evaluation") != NULL, "%s",
              err ? err : "");
    free(err);

    path_in(cfg, sizeof cfg, "inproc-timeout.yaml");
    write_file(cfg,
               "name: inproc\nobjective:\n  plugin: %s/test-plugins/flaky.so\n  isolate: false\n"
               "  timeout: 5\ninputs:\n  - {name: x0, lower: 0, upper: 1}\n"
               "budget: {max_evaluations: 5}\n",
               BO_BINARY_DIR);
    CHECK(bo_run((const char *[]){cfg, "--check", NULL}) == 2);
    err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "inproc-timeout.yaml:5:12: objective.timeout") != NULL &&
                  strstr(err, "isolate: false") != NULL, "%s", err ? err : "");
    free(err);

    path_in(cfg, sizeof cfg, "inproc-hang.yaml");
    path_in(out, sizeof out, "run-inproc-hang");
    write_file(cfg,
               "name: inproc\nseed: 4\n"
               "objective:\n  plugin: %s/test-plugins/flaky.so\n  params: {mode: hang, edge: -1}\n"
               "  isolate: false\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "budget: {max_evaluations: 5}\noutput: {plot: none}\n",
               BO_BINARY_DIR);
    pid_t pid = start_bo_run((const char *[]){cfg, "--out", out, NULL});
    struct timespec ts = {0, 400000000L};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    nanosleep(&ts, NULL);
    CHECK(waitpid(pid, NULL, WNOHANG) == 0); /* still in the plugin */
    kill(pid, SIGINT);
    int code = test_wait_exit(pid);
    CHECK_MSG(code == 1, "exit %d after a second SIGINT", code);
    err = last_output("err.txt");
    CHECK_MSG(err && strstr(err, "interrupted twice") != NULL, "%s", err ? err : "");
    free(err);
}

/* mpirun -n 4: rank 0 runs the engine, ranks 1..3 evaluate. */
static void test_mpi(void)
{
    if (system("command -v mpirun >/dev/null 2>&1") != 0) {
        printf("mpirun not installed: MPI run not tested\n");
        return;
    }
    write_config("mpi.yaml", "mpi", 100, 1, 16, "");
    char cfg[512], out[512], outtxt[512], errtxt[512];
    path_in(cfg, sizeof cfg, "mpi.yaml");
    path_in(out, sizeof out, "run-mpi");
    path_in(outtxt, sizeof outtxt, "out.txt");
    path_in(errtxt, sizeof errtxt, "err.txt");
    /* MPI's own libraries keep memory to the end: leak reports from them
     * are not ours. */
    const char *args[] = {"--allow-run-as-root", "--oversubscribe", "-n", "4",
                          "-x", "ASAN_OPTIONS=detect_leaks=0",
                          BO_BINARY_DIR "/bo-run", cfg, "--out", out, NULL};
    char mpirun[256] = "/usr/bin/mpirun";
    int code = test_wait_exit(test_spawn(mpirun, args, outtxt, errtxt));
    char *err = last_output("err.txt");
    CHECK_MSG(code == 0, "mpirun exit %d: %s", code, err ? err : "");
    free(err);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(read_rows(out, "history.csv", &rows, &n) == 0 && n == 16);
    CHECK(evals_are_permutation(rows, n));
    int used[4] = {0};
    for (size_t i = 0; i < n; i++)
        if (rows[i].worker >= 1 && rows[i].worker <= 3)
            used[rows[i].worker]++;
    for (int w = 1; w <= 3; w++)
        CHECK_MSG(used[w] >= 2, "rank %d evaluated %d points", w, used[w]);
    char *text = last_output("out.txt");
    CHECK_MSG(text && strstr(text, "workers: 3, busy") != NULL, "%s", text ? text : "");
    free(text);
    bo_history_rows_free(rows);

    /* Ctrl-C to mpirun with three commands running on the worker ranks:
     * every rank stops, every command's processes are killed, nothing is
     * recorded, and the three are in dispatched.csv to run again. */
    char icfg[512], iout[512], pids[512];
    path_in(icfg, sizeof icfg, "mpi-int.yaml");
    path_in(iout, sizeof iout, "run-mpi-int");
    path_in(pids, sizeof pids, "mpi-pids");
    write_file(pids, "%s", "");
    write_file(icfg,
               "name: mpiint\nseed: 4\n"
               "objective:\n  command: [\"%s/tests/data/commands/record_pid.sh\", \"%s\"]\n"
               "inputs:\n  - {name: x0, lower: 0, upper: 1}\n  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {size: 6}\nbudget: {max_evaluations: 12}\noutput: {plot: none}\n",
               BO_SOURCE_DIR, pids);
    const char *iargs[] = {"--allow-run-as-root", "--oversubscribe", "-n", "4",
                           "-x", "ASAN_OPTIONS=detect_leaks=0",
                           BO_BINARY_DIR "/bo-run", icfg, "--out", iout, NULL};
    pid_t pid = test_spawn(mpirun, iargs, outtxt, errtxt);
    /* Wait until the three commands have started (two pids each). */
    for (int k = 0; k < 200; k++) {
        char *t = test_read_text(pids);
        int lines = 0;
        for (const char *q = t; q && *q; q++)
            lines += *q == '\n';
        free(t);
        if (lines >= 6)
            break;
        struct timespec nap = {0, 50000000L};
        nanosleep(&nap, NULL);
    }
    kill(pid, SIGINT);
    code = test_wait_exit(pid);
    CHECK_MSG(code != 0, "interrupted mpirun: exit %d", code);
    CHECK(read_rows(iout, "history.csv", &rows, &n) == 0 && n == 0);
    bo_history_rows_free(rows);
    CHECK(read_rows(iout, "dispatched.csv", &rows, &n) == 0 && n == 3);
    bo_history_rows_free(rows);
    int alive = 0, counted = count_still_running(pids, &alive);
    CHECK_MSG(counted == 6 && alive == 0, "%d pids, %d still running", counted, alive);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_run_parallel") != 0)
        return 1;
    test_four_workers();
    test_acq_threads_env();
    test_kill_and_resume();
    test_interrupt();
    test_launcher();
    test_extend_and_seed();
    test_initial_data();
    test_noise_per_seed();
    test_check_warns();
    test_folder_lock();
    test_plugin_children();
    test_failing_objective();
    test_in_process_faults();
    test_mpi();
    return test_finish(CHECK_DONE());
}
