/* Command objectives: the inputs and source reach the command as NAME=VALUE
 * arguments and BO_* variables, y is read from the last non-empty stdout
 * line, and every failure of SPEC §4/§6 (non-zero exit, signal, garbage,
 * nothing printed, non-finite, timeout, cannot execute) is reported with a
 * message naming it. A timed-out command is killed with its whole process
 * group (the grandchild it started included); no child is left unreaped and
 * no descriptor leaked. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/objective/objective.h"
#include "bo/objective/command.h"
#include "tests/check.h"
#include "tests/test_process.h"
#include "tests/test_interrupt.h"

#define COMMAND(name) BO_SOURCE_DIR "/tests/data/commands/" name

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static long read_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    long pid = -1;
    if (f != NULL) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = -1;
        fclose(f);
    }
    return pid;
}

static char log_path[] = "/tmp/bo_test_cmd_log_XXXXXX";

static bo_objective *open_cmd(const char *script, double timeout)
{
    const char *argv[] = { script };
    const char *inputs[] = { "a", "b" };
    bo_objective *obj = NULL;
    char err[512];
    bo_status st = bo_objective_open_command(&obj, argv, 1, inputs, 2, NULL, 0, timeout,
                                             err, sizeof err);
    CHECK_MSG(st == BO_OK, "open %s: %s", script, err);
    return obj;
}

/* Evaluates `script` at a fixed point; checks status and message fragments. */
static void check_eval(const char *script, double timeout, bo_status want, double want_y,
                       const char *frag1, const char *frag2)
{
    bo_objective *obj = open_cmd(script, timeout);
    if (obj == NULL)
        return;
    double x[2] = { 1.0, 2.0 }, y = 0.0;
    char msg[512] = "unset";
    bo_status st = bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg);
    CHECK_MSG(st == want, "%s: status %d, want %d (%s)", script, (int)st, (int)want, msg);
    if (want == BO_OK)
        CHECK_MSG(y == want_y, "%s: y %.17g, want %.17g", script, y, want_y);
    else
        CHECK(isnan(y));
    if (frag1 != NULL)
        CHECK_MSG(strstr(msg, frag1) != NULL, "%s: message '%s' lacks '%s'", script, msg,
                  frag1);
    if (frag2 != NULL)
        CHECK_MSG(strstr(msg, frag2) != NULL, "%s: message '%s' lacks '%s'", script, msg,
                  frag2);
    CHECK(test_no_children());
    bo_objective_close(obj);
}

static void check_open_refused(const char *const *argv, size_t argc,
                               const char *const *inputs, size_t dim, bo_status want,
                               const char *frag)
{
    bo_objective *obj = NULL;
    char err[512] = "";
    bo_status st = bo_objective_open_command(&obj, argv, argc, inputs, dim, NULL, 0, 1.0,
                                             err, sizeof err);
    CHECK_MSG(st == want, "status %d, want %d (%s)", (int)st, (int)want, err);
    CHECK(obj == NULL);
    CHECK_MSG(strstr(err, frag) != NULL, "message '%s' lacks '%s'", err, frag);
}

/* Reads the log written by echo_inputs.sh into buf. */
static void read_log(char *buf, size_t len)
{
    FILE *f = fopen(log_path, "r");
    size_t n = 0;
    if (f != NULL) {
        n = fread(buf, 1, len - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
}

/* Constraint outputs of a command: NAME=VALUE lines anywhere on stdout (the
 * last of a name counts, other names are ignored), not taken for y; a
 * missing, non-numeric or non-finite one fails the evaluation naming it. */
static void test_outputs(void)
{
    static const struct {
        const char *which;
        bo_status want;
        const char *frag;
    } cases[] = {
        {"", BO_OK, NULL},
        {"missing", BO_EEVAL, "command printed no line mass=VALUE for the constraint output mass"},
        {"garbage", BO_EEVAL, "constraint output mass: \"heavy\" is not a finite number"},
        {"nonfinite", BO_EEVAL, "constraint output stress: \"inf\" is not a finite number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setenv("OUTPUTS_CASE", cases[i].which, 1);
        bo_objective *obj = open_cmd(COMMAND("outputs.sh"), 5.0);
        if (obj == NULL)
            return;
        const char *const names[] = {"stress", "mass"};
        char err[512], msg[512];
        CHECK_MSG(bo_objective_set_outputs(obj, names, 2, err, sizeof err) == BO_OK, "%s", err);
        double x[2] = {1.0, 2.0}, y = 0, out[2] = {0, 0};
        bo_status st = bo_objective_evaluate_outputs(obj, x, 0, NULL, &y, out, msg, sizeof msg);
        CHECK_MSG(st == cases[i].want, "case %s: status %d (%s)", cases[i].which, (int)st, msg);
        if (cases[i].want == BO_OK) {
            CHECK_MSG(y == 2.5 && out[0] == 12.5 && out[1] == 0.75, "y %g stress %g mass %g", y,
                      out[0], out[1]);
        } else {
            CHECK(isnan(y));
            CHECK_MSG(strstr(msg, cases[i].frag), "case %s: %s", cases[i].which, msg);
        }
        /* Without outputs asked for, an output line is an ordinary line. */
        CHECK(bo_objective_set_outputs(obj, NULL, 0, err, sizeof err) == BO_OK);
        if (cases[i].want == BO_OK) {
            st = bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg);
            CHECK_MSG(st == BO_EEVAL && strstr(msg, "\"mass=0.75\""), "%s", msg);
        }
        bo_objective_close(obj);
    }
    unsetenv("OUTPUTS_CASE");
    /* The parser alone: outputs read but y missing keeps the y message. */
    char text[] = "stress=3\n";
    bo_proc_tail tail = {text, sizeof text - 1, sizeof text, false};
    const char *const one[] = {"stress"};
    double y = 0, out = 0;
    char msg[256];
    CHECK(bo_command_parse_outputs(&tail, one, 1, &y, &out, msg, sizeof msg) == BO_EEVAL);
    CHECK_MSG(strstr(msg, "printed nothing on stdout") && out == 3.0, "%s", msg);
}

int main(void)
{
    int fds_at_start = test_count_open_fds();
    int fd = mkstemp(log_path);
    CHECK(fd >= 0);
    if (fd < 0)
        return CHECK_DONE();
    close(fd);
    setenv("BO_TEST_LOG", log_path, 1);
    /* Stale values from an enclosing environment must not leak through. */
    setenv("BO_INPUT_stale", "9", 1);
    setenv("BO_SOURCE", "old", 1);

    /* Inputs and source as arguments and environment; fixed args first. */
    {
        const char *argv[] = { COMMAND("echo_inputs.sh"), "--mode", "fast" };
        const char *inputs[] = { "a", "b" };
        const char *sources[] = { "HF", "LF" };
        bo_objective *obj = NULL;
        char err[512], msg[512], log[2048], want[2048];
        CHECK(bo_objective_open_command(&obj, argv, 3, inputs, 2, sources, 2, 5.0, err,
                                        sizeof err) == BO_OK);
        CHECK(bo_objective_get_kind(obj) == BO_OBJECTIVE_COMMAND);
        CHECK(strcmp(bo_objective_name(obj), COMMAND("echo_inputs.sh")) == 0);
        /* Values that need all 17 digits to read back exactly. */
        double x[2] = { 0.1, -3e-7 }, y = 0.0;
        CHECK(bo_objective_evaluate(obj, x, 1, &y, msg, sizeof msg) == BO_OK);
        /* awk reads the same %.17g text and adds in double precision, so
         * the sum is bit-identical to the one computed here. */
        CHECK(y == x[0] + 2.0 * x[1]);
        read_log(log, sizeof log);
        snprintf(want, sizeof want,
                 "arg --mode\narg fast\narg a=%.17g\narg b=%.17g\narg source=LF\n"
                 "env a=%.17g b=%.17g source=LF stale=unset\n",
                 x[0], x[1], x[0], x[1]);
        CHECK_MSG(strcmp(log, want) == 0, "log:\n%s\nwant:\n%s", log, want);
        CHECK(bo_objective_evaluate(obj, x, 2, &y, msg, sizeof msg) == BO_EINVAL);
        CHECK(test_no_children());
        bo_objective_close(obj);

        /* Single fidelity: no source argument, BO_SOURCE unset. */
        obj = open_cmd(COMMAND("echo_inputs.sh"), 5.0);
        double x2[2] = { 1.5, 2.0 };
        if (obj != NULL) {
            CHECK(bo_objective_evaluate(obj, x2, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 5.5);
            read_log(log, sizeof log);
            CHECK_MSG(strcmp(log, "arg a=1.5\narg b=2\nenv a=1.5 b=2 source=unset "
                                  "stale=unset\n") == 0, "log:\n%s", log);
        }
        bo_objective_close(obj);
    }

    /* Output parsing. */
    check_eval(COMMAND("trailing.sh"), 5.0, BO_OK, -0.425, NULL, NULL);
    /* The evaluation's seed, number and worker reach the command through
     * BO_SEED, BO_EVAL and BO_WORKER; values inherited from bo-run's own
     * environment never do. */
    {
        setenv("BO_SEED", "99", 1);
        bo_objective *obj = open_cmd(COMMAND("call_env.sh"), 5.0);
        double x[2] = { 1.0, 2.0 }, y = 0.0;
        char msg[512] = "";
        bo_plugin_call call = {.struct_size = sizeof call, .seed = 7, .eval = 3, .worker = 2};
        CHECK(obj && bo_objective_evaluate_call(obj, x, 0, &call, &y, msg, sizeof msg) == BO_OK);
        CHECK_MSG(y == 7032.0, "y %g (%s)", y, msg);
        CHECK(obj && bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg) == BO_OK);
        CHECK_MSG(y == 0.0, "without a call: y %g, not 0", y);
        bo_objective_close(obj);
        unsetenv("BO_SEED");
    }
    check_eval(COMMAND("big_output.sh"), 5.0, BO_OK, 3.25, NULL, NULL);
    check_eval(COMMAND("garbage.sh"), 5.0, BO_EEVAL, 0.0,
               "command's last output line is not a number: \"y = 2.5 (converged)\"", NULL);
    check_eval(COMMAND("empty.sh"), 5.0, BO_EEVAL, 0.0, "command printed nothing on stdout",
               NULL);
    check_eval(COMMAND("nonfinite.sh"), 5.0, BO_EEVAL, 0.0,
               "command printed a non-finite value: \"inf\"", NULL);

    /* Exit status and signals; stderr's last line is quoted. */
    check_eval(COMMAND("exit_status.sh"), 5.0, BO_EEVAL, 0.0, "command exited with status 3",
               "; stderr: \"simulation diverged at step 40\"");
    check_eval(COMMAND("self_kill.sh"), 5.0, BO_EEVAL, 0.0,
               "command killed by signal 11 (Segmentation fault)", NULL);

    /* Timeout: the command and its grandchild are killed as a group. */
    {
        double t0 = now_seconds();
        check_eval(COMMAND("hang.sh"), 0.5, BO_ETIMEOUT, 0.0,
                   "command timed out after 0.5 s (process group killed)", NULL);
        double elapsed = now_seconds() - t0;
        /* The limit, plus slack for fork/exec/kill on a loaded machine. */
        CHECK_MSG(elapsed >= 0.5 && elapsed < 3.0, "hang took %g s", elapsed);
        long grandchild = read_pid(log_path);
        CHECK(grandchild > 1);
        if (grandchild > 1)
            CHECK_MSG(test_process_gone(grandchild), "grandchild %ld still running", grandchild);
    }
    /* Cancelled through the flag: the group is killed as on a timeout. */
    {
        bo_objective *obj = open_cmd(COMMAND("hang.sh"), 20.0);
        if (obj != NULL) {
            bo_objective_set_cancel(obj, &interrupted);
            double x[2] = { 0.0, 0.0 }, y;
            char msg[256];
            double t0 = now_seconds();
            arm_interrupt(0.3);
            CHECK(bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg) == BO_EEVAL);
            double elapsed = now_seconds() - t0;
            CHECK_MSG(strstr(msg, "command interrupted (process group killed)") != NULL,
                      "message '%s'", msg);
            CHECK_MSG(elapsed >= 0.3 && elapsed < 3.0, "cancel took %g s", elapsed);
            CHECK(test_no_children());
            long grandchild = read_pid(log_path);
            CHECK(grandchild > 1);
            if (grandchild > 1)
                CHECK_MSG(test_process_gone(grandchild), "grandchild %ld still running",
                          grandchild);
        }
        bo_objective_close(obj);
    }
    /* A stray background process holding stdout neither delays the answer
     * nor survives it. */
    {
        double t0 = now_seconds();
        check_eval(COMMAND("stray.sh"), 20.0, BO_OK, 7.5, NULL, NULL);
        double elapsed = now_seconds() - t0;
        CHECK_MSG(elapsed < 3.0, "stray took %g s", elapsed);
        long stray = read_pid(log_path);
        CHECK(stray > 1);
        if (stray > 1)
            CHECK_MSG(test_process_gone(stray), "stray %ld still running", stray);
    }

    /* A command that was runnable at open but is not any more. */
    {
        char script[] = "/tmp/bo_test_cmd_XXXXXX";
        int sfd = mkstemp(script);
        CHECK(sfd >= 0);
        const char body[] = "#!/bin/sh\necho 1\n";
        CHECK(write(sfd, body, sizeof body - 1) == (ssize_t)(sizeof body - 1));
        close(sfd);
        chmod(script, 0700);
        bo_objective *obj = open_cmd(script, 5.0);
        double x[2] = { 0.0, 0.0 }, y;
        char msg[512];
        if (obj != NULL) {
            CHECK(bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 1.0);
            chmod(script, 0600);
            CHECK(bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg) == BO_EEVAL);
            /* root may execute a file without execute bits only if some x
             * bit is set, so this holds for every user. */
            CHECK_MSG(strstr(msg, "cannot run command") != NULL
                      && strstr(msg, "Permission denied") != NULL, "message '%s'", msg);
            CHECK(test_no_children());
        }
        bo_objective_close(obj);
        check_open_refused((const char *const[]){ script }, 1,
                           (const char *const[]){ "a" }, 1, BO_EPLUGIN,
                           "not an executable file");
        unlink(script);
    }

    /* Refusals at open. */
    {
        const char *inputs[] = { "a" };
        check_open_refused((const char *const[]){ COMMAND("missing.sh") }, 1, inputs, 1,
                           BO_EPLUGIN, "missing.sh: No such file or directory");
        check_open_refused((const char *const[]){ "bo-no-such-command-anywhere" }, 1,
                           inputs, 1, BO_EPLUGIN,
                           "bo-no-such-command-anywhere: not found in PATH");
        check_open_refused((const char *const[]){ "" }, 1, inputs, 1, BO_EINVAL,
                           "empty command line");
        check_open_refused((const char *const[]){ "sh" }, 1,
                           (const char *const[]){ "a=b" }, 1, BO_EINVAL,
                           "input 0: name must be non-empty and without '='");
        check_open_refused((const char *const[]){ "sh" }, 1, inputs, 0, BO_EINVAL,
                           "no inputs");
        bo_objective *none = NULL;
        char err[256];
        CHECK(bo_objective_open_command(&none, (const char *const[]){ "sh" }, 1, inputs, 1,
                                        NULL, 2, 1.0, err, sizeof err) == BO_EINVAL);
        CHECK(none == NULL && strstr(err, "2 sources but no source names") != NULL);
        /* A PATH lookup that succeeds. */
        bo_objective *obj = NULL;
        const char *argv[] = { "sh", "-c", "echo 2.5" };
        CHECK(bo_objective_open_command(&obj, argv, 3, inputs, 1, NULL, 0, 5.0, NULL, 0)
              == BO_OK);
        double x = 0.0, y;
        CHECK(obj != NULL && bo_objective_evaluate(obj, &x, 0, &y, NULL, 0) == BO_OK);
        CHECK(y == 2.5);
        bo_objective_close(obj);
    }

    unlink(log_path);
    CHECK(test_no_children());
    test_outputs();
    CHECK_MSG(test_count_open_fds() == fds_at_start, "fds %d at start, %d at end", fds_at_start,
              test_count_open_fds());
    return CHECK_DONE();
}
