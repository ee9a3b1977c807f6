/* Local evaluators: K real runner processes over commands and isolated
 * plugins. Evaluations overlap in time and complete in their own order;
 * failures keep their objective's message; a dead worker is told apart
 * from a failed evaluation; cancel kills every process (the command's
 * grandchildren too) and leaves no child or descriptor behind; an
 * in-process plugin runs one at a time; the evaluation's number, seed and
 * worker reach the objective. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/evaluator/evaluator.h"
#include "tests/check.h"
#include "tests/test_process.h"
#include "tests/test_interrupt.h"

#define COMMAND(name) BO_SOURCE_DIR "/tests/data/commands/" name
#define PLUGIN(name) BO_BINARY_DIR "/test-plugins/" name ".so"

static bo_objective *open_command(const char *script)
{
    const char *argv[] = {script};
    const char *inputs[] = {"a", "b"};
    bo_objective *obj = NULL;
    char err[512];
    CHECK_MSG(bo_objective_open_command(&obj, argv, 1, inputs, 2, NULL, 0, 20.0, err,
                                        sizeof err) == BO_OK,
              "%s", err);
    return obj;
}

/* Four evaluations of 0.8, 0.2, 0.5 and 0.05 s on four workers: they run
 * at the same time (each starts before any ends) and come back shortest
 * first, each with its own tag, worker and value; the failing one keeps
 * the command's exit status and stderr line. */
static void test_overlap_and_order(void)
{
    bo_objective *obj = open_command(COMMAND("sleep_y.sh"));
    char err[512];
    bo_evaluator *ev = obj ? bo_evaluator_local(obj, 4, err, sizeof err) : NULL;
    CHECK_MSG(ev != NULL, "%s", err);
    if (!ev) {
        bo_objective_close(obj);
        return;
    }
    CHECK(bo_evaluator_workers(ev) == 4 && bo_evaluator_busy(ev) == 0);
    static const double xs[4][2] = {{0.8, 1.0}, {0.2, 2.0}, {0.5, -1.0}, {0.05, 3.0}};
    size_t workers[4];
    for (size_t i = 0; i < 4; i++) {
        bo_plugin_call call = {.struct_size = sizeof call, .seed = 5, .eval = 10 + i, .worker = 0};
        CHECK(bo_evaluator_submit(ev, 10 + i, xs[i], 0, &call, &workers[i], err, sizeof err) ==
              BO_OK);
        CHECK(workers[i] == i + 1);
    }
    CHECK(bo_evaluator_busy(ev) == 4);
    size_t tags[8];
    CHECK(bo_evaluator_in_flight(ev, tags, NULL, 8) == 4 && tags[0] == 10 && tags[3] == 13);
    double one[2] = {0.0, 0.0};
    CHECK(bo_evaluator_submit(ev, 99, one, 0, NULL, NULL, err, sizeof err) == BO_ESTATE);
    CHECK(strstr(err, "every one of the 4 workers is busy") != NULL);

    static const size_t order[4] = {13, 11, 12, 10};
    bo_evaluation r[4];
    for (size_t k = 0; k < 4; k++) {
        CHECK(bo_evaluator_wait(ev, 30.0, NULL, &r[k]) == 1);
        CHECK_MSG(r[k].tag == order[k], "completion %zu: tag %zu, expected %zu", k, r[k].tag,
                  order[k]);
        size_t i = r[k].tag - 10;
        CHECK(r[k].worker == workers[i]);
        CHECK(r[k].started <= r[k].finished && r[k].seconds >= xs[i][0] * 0.9);
        if (i == 2) {
            CHECK(r[k].status == BO_EEVAL && isnan(r[k].y));
            CHECK_MSG(strstr(r[k].msg, "exited with status 3") && strstr(r[k].msg, "diverged"),
                      "%s", r[k].msg);
        } else {
            CHECK_MSG(r[k].status == BO_OK && r[k].y == xs[i][0] + 10 * xs[i][1], "%s: y %g",
                      r[k].msg, r[k].y);
        }
    }
    /* They overlapped: the longest started before the shortest finished. */
    CHECK(r[3].started < r[0].finished);
    CHECK(bo_evaluator_busy(ev) == 0);
    CHECK(bo_evaluator_wait(ev, 1.0, NULL, &r[0]) == 0); /* nothing in flight */
    bo_evaluator_destroy(ev);
    bo_objective_close(obj);
    CHECK(test_no_children());
}

/* The evaluation's seed, number and the worker reach a command. */
static void test_call_reaches_objective(void)
{
    bo_objective *obj = open_command(COMMAND("call_env.sh"));
    bo_evaluator *ev = obj ? bo_evaluator_local(obj, 3, NULL, 0) : NULL;
    if (!ev) {
        bo_objective_close(obj);
        return;
    }
    double x[2] = {0.1, 0.2};
    bo_plugin_call call = {.struct_size = sizeof call, .seed = 4, .eval = 0, .worker = 0};
    CHECK(bo_evaluator_submit(ev, 7, x, 0, &call, NULL, NULL, 0) == BO_OK);
    CHECK(bo_evaluator_submit(ev, 8, x, 0, &call, NULL, NULL, 0) == BO_OK);
    bo_evaluation r;
    for (int k = 0; k < 2; k++) {
        CHECK(bo_evaluator_wait(ev, 10.0, NULL, &r) == 1 && r.status == BO_OK);
        /* 1000 seed + 10 eval + worker; eval is the tag, worker 1 or 2. */
        CHECK_MSG(r.y == 4000.0 + 10.0 * (double)r.tag + (double)r.worker, "y %g tag %zu "
                  "worker %zu", r.y, r.tag, r.worker);
    }
    bo_evaluator_destroy(ev);
    bo_objective_close(obj);
}

/* Isolated plugins: a crash is the objective's failure (its message), a
 * worker killed from outside is the evaluator's (BO_EIO). */
static void test_plugin_faults(void)
{
    char err[512];
    bo_objective *seg = NULL, *killer = NULL;
    CHECK(bo_objective_open_plugin(&seg, PLUGIN("segfault"), NULL, 0, 1, 1, true, 10.0, err,
                                   sizeof err) == BO_OK);
    CHECK(bo_objective_open_plugin(&killer, PLUGIN("kill_runner"), NULL, 0, 1, 1, true, 10.0,
                                   err, sizeof err) == BO_OK);
    bo_evaluator *a = seg ? bo_evaluator_local(seg, 2, NULL, 0) : NULL;
    bo_evaluator *b = killer ? bo_evaluator_local(killer, 2, NULL, 0) : NULL;
    double x[1] = {0.5};
    bo_evaluation r;
    if (a) {
        CHECK(bo_evaluator_submit(a, 1, x, 0, NULL, NULL, NULL, 0) == BO_OK);
        CHECK(bo_evaluator_wait(a, 10.0, NULL, &r) == 1);
        /* "plugin crashed with SIGSEGV"; under UBSan the bad store ends the
         * child with status 1 first ("plugin process exited ..."). */
        CHECK_MSG(r.status == BO_EEVAL && strncmp(r.msg, "plugin ", 7) == 0, "%s", r.msg);
    }
    if (b) {
        CHECK(bo_evaluator_submit(b, 2, x, 0, NULL, NULL, NULL, 0) == BO_OK);
        CHECK(bo_evaluator_wait(b, 10.0, NULL, &r) == 1);
        CHECK_MSG(r.status == BO_EIO && strstr(r.msg, "worker process died with") != NULL,
                  "%d %s", (int)r.status, r.msg);
        CHECK(r.tag == 2 && bo_evaluator_busy(b) == 0);
    }
    bo_evaluator_destroy(a);
    bo_evaluator_destroy(b);
    bo_objective_close(seg);
    bo_objective_close(killer);
    /* The kill_runner plugin's own child was orphaned by its parent's death
     * and is no child of ours; ours are all reaped. */
    CHECK(test_no_children());
}

/* Three hanging commands, each leaving a grandchild in its process group:
 * cancel stops all of them, grandchildren included; an interrupt flag makes
 * wait return. */
static void test_cancel(void)
{
    char log_template[] = "/tmp/bo_test_evaluator_XXXXXX";
    int fd = mkstemp(log_template);
    if (fd >= 0)
        close(fd);
    bo_objective *obj = NULL;
    const char *argv[] = {COMMAND("hang.sh")};
    const char *inputs[] = {"a"};
    CHECK(bo_objective_open_command(&obj, argv, 1, inputs, 1, NULL, 0, 60.0, NULL, 0) == BO_OK);
    bo_evaluator *ev = obj ? bo_evaluator_local(obj, 3, NULL, 0) : NULL;
    if (!ev) {
        bo_objective_close(obj);
        return;
    }
    /* One log file: each hang.sh overwrites it with its grandchild's pid, so
     * the last one written is checked (all three are alike). */
    setenv("BO_TEST_LOG", log_template, 1);
    double x[1] = {0.0};
    for (size_t i = 0; i < 3; i++)
        CHECK(bo_evaluator_submit(ev, i + 1, x, 0, NULL, NULL, NULL, 0) == BO_OK);
    arm_interrupt(0.6);
    bo_evaluation r;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(bo_evaluator_wait(ev, -1.0, &interrupted, &r) == 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    CHECK_MSG(waited < 5.0, "wait returned after %g s", waited);
    CHECK(bo_evaluator_busy(ev) == 3);
    pid_t grandchild = 0;
    FILE *f = fopen(log_template, "r");
    if (f) {
        long pid = 0;
        if (fscanf(f, "%ld", &pid) == 1)
            grandchild = (pid_t)pid;
        fclose(f);
    }
    CHECK(grandchild > 0 && kill(grandchild, 0) == 0);
    bo_evaluator_cancel(ev);
    CHECK(bo_evaluator_busy(ev) == 0);
    CHECK(test_no_children());
    /* The command's process group was killed, its grandchild with it. */
    int gone = grandchild > 0 && test_process_gone(grandchild);
    CHECK_MSG(gone, "grandchild %ld still runs", (long)grandchild);
    bo_evaluator_destroy(ev);
    bo_objective_close(obj);
    unsetenv("BO_TEST_LOG");
    remove(log_template);
}

/* A plugin run in this process: one worker, evaluated at submit, its state
 * shared from one evaluation to the next; more workers are refused. */
static void test_in_process(void)
{
    const bo_plugin_param count[] = {{"count", "1"}};
    bo_objective *obj = NULL;
    CHECK(bo_objective_open_plugin(&obj, PLUGIN("good"), count, 1, 2, 1, false, 0.0, NULL, 0) ==
          BO_OK);
    if (!obj)
        return;
    char err[512];
    CHECK(bo_evaluator_local(obj, 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "isolate: false") != NULL);
    bo_evaluator *ev = bo_evaluator_local(obj, 1, err, sizeof err);
    CHECK(ev != NULL);
    double x[2] = {0.0, 0.0};
    bo_evaluation r;
    for (int k = 0; ev && k < 3; k++) {
        CHECK(bo_evaluator_submit(ev, (size_t)k + 1, x, 0, NULL, NULL, NULL, 0) == BO_OK);
        CHECK(bo_evaluator_wait(ev, 1.0, NULL, &r) == 1);
        CHECK_MSG(r.status == BO_OK && r.y == (double)k, "evaluation %d: y %g", k, r.y);
    }
    bo_evaluator_destroy(ev);
    bo_objective_close(obj);
    CHECK(bo_evaluator_local(NULL, 1, err, sizeof err) == NULL);
}

int main(void)
{
    int fds = test_count_open_fds();
    test_overlap_and_order();
    test_call_reaches_objective();
    test_plugin_faults();
    test_cancel();
    test_in_process();
    CHECK_MSG(test_count_open_fds() == fds, "%d descriptors open, %d at the start", test_count_open_fds(),
              fds);
    return CHECK_DONE();
}
