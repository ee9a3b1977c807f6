/* Plugin objectives: loading and its refusals (missing file or symbol, ABI
 * version, struct size, dim and sources, init failure), params reaching
 * init, in-process and isolated evaluation, and every evaluation fault of
 * SPEC §6 (failure return, NaN/Inf, crash, exit, hang past the timeout),
 * each with its message checked and the host still working afterwards, no
 * child left unreaped and no descriptor leaked. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/objective/objective.h"
#include "tests/check.h"
#include "tests/test_process.h"
#include "tests/test_interrupt.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define PLUGIN(name) BO_BINARY_DIR "/test-plugins/" name ".so"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* y of the good plugin with scale s and offset o: s * sum (x_i - 0.1 i)^2
 * + o + 10 source, computed here independently. */
static double good_expected(const double *x, size_t dim, double s, double o, size_t source)
{
    double sum = 0.0;
    for (size_t i = 0; i < dim; i++)
        sum += (x[i] - 0.1 * (double)i) * (x[i] - 0.1 * (double)i);
    return s * sum + o + 10.0 * (double)source;
}

static bo_objective *open_ok(const char *path, const bo_plugin_param *params, size_t np,
                             size_t dim, size_t ns, bool isolate, double timeout)
{
    bo_objective *obj = NULL;
    char err[512];
    bo_status st = bo_objective_open_plugin(&obj, path, params, np, dim, ns, isolate,
                                            timeout, err, sizeof err);
    CHECK_MSG(st == BO_OK && obj != NULL, "open %s: %s", path, err);
    return obj;
}

/* Opening must fail with `want` and a message containing both fragments. */
static void check_refused(const char *path, const bo_plugin_param *params, size_t np,
                          size_t dim, size_t ns, bo_status want, const char *frag1,
                          const char *frag2)
{
    bo_objective *obj = (bo_objective *)&obj;   /* must be reset to NULL */
    char err[512] = "";
    bo_status st = bo_objective_open_plugin(&obj, path, params, np, dim, ns, true, 1.0,
                                            err, sizeof err);
    CHECK_MSG(st == want, "%s: status %d, want %d (%s)", path, (int)st, (int)want, err);
    CHECK(obj == NULL);
    CHECK_MSG(strstr(err, frag1) != NULL, "%s: message '%s' lacks '%s'", path, err, frag1);
    if (frag2 != NULL)
        CHECK_MSG(strstr(err, frag2) != NULL, "%s: message '%s' lacks '%s'", path, err,
                  frag2);
}

/* After a fault the host must still evaluate correctly. */
static void check_host_still_works(bo_objective *good)
{
    double x[2] = { 0.25, -0.5 }, y = 0.0;
    char msg[256];
    bo_status st = bo_objective_evaluate(good, x, 1, &y, msg, sizeof msg);
    CHECK_MSG(st == BO_OK, "good plugin after a fault: %s", msg);
    CHECK_CLOSE(y, good_expected(x, 2, 2.0, 0.5, 1), 1e-15, 0.0);
}

static void check_fault(bo_objective *obj, const double *x, size_t source, bo_status want,
                        const char *frag, bo_objective *good)
{
    double y = 123.0;
    char msg[512] = "unset";
    bo_status st = bo_objective_evaluate(obj, x, source, &y, msg, sizeof msg);
    CHECK_MSG(st == want, "status %d, want %d (%s)", (int)st, (int)want, msg);
    CHECK(isnan(y));
    CHECK_MSG(strstr(msg, frag) != NULL, "message '%s' lacks '%s'", msg, frag);
    CHECK(test_no_children());
    check_host_still_works(good);
}

/* Several outputs (bo/bo_plugin.h's appended members): asked for by name in
 * any order, read in that order in process and isolated; a missing or
 * infinite one fails the evaluation naming it; names the plugin does not
 * give are refused naming what it gives; a version-1 plugin still loads
 * and evaluates, and offers no outputs. */
static void test_outputs(void)
{
    char err[512], msg[512];
    for (int isolate = 0; isolate < 2; isolate++) {
        bo_objective *obj = open_ok(PLUGIN("outputs"), NULL, 0, 2, 1, isolate, 5.0);
        if (obj == NULL)
            return;
        const char *const wanted[] = {"mass", "stress"};
        CHECK_MSG(bo_objective_set_outputs(obj, wanted, 2, err, sizeof err) == BO_OK, "%s", err);
        double x[2] = {0.25, 2.0}, y = 0, out[2] = {0, 0};
        bo_status st = bo_objective_evaluate_outputs(obj, x, 0, NULL, &y, out, msg, sizeof msg);
        CHECK_MSG(st == BO_OK, "%s", msg);
        CHECK(y == 2.25 && out[0] == 2.0 && out[1] == 25.0);
        /* Without outputs asked for, the same plugin evaluates as before. */
        st = bo_objective_evaluate(obj, x, 0, &y, msg, sizeof msg);
        CHECK(st == BO_OK && y == 2.25);
        double bad_mass[2] = {-1.0, 2.0};
        st = bo_objective_evaluate_outputs(obj, bad_mass, 0, NULL, &y, out, msg, sizeof msg);
        CHECK(st == BO_EEVAL && isnan(y));
        CHECK_MSG(strstr(msg, "constraint output mass as nan, not a finite number"), "%s", msg);
        CHECK(isnan(out[0]) && out[1] == -100.0);
        double bad_stress[2] = {200.0, 2.0};
        st = bo_objective_evaluate_outputs(obj, bad_stress, 0, NULL, &y, out, msg, sizeof msg);
        CHECK(st == BO_EEVAL);
        CHECK_MSG(strstr(msg, "constraint output stress as inf"), "%s", msg);
        const char *const unknown[] = {"stress", "volume"};
        CHECK(bo_objective_set_outputs(obj, unknown, 2, err, sizeof err) == BO_EPLUGIN);
        CHECK_MSG(strstr(err, "gives no output volume (its outputs: stress, mass)"), "%s", err);
        CHECK(test_no_children());
        bo_objective_close(obj);
    }
    bo_objective *old = open_ok(PLUGIN("abi1"), NULL, 0, 1, 1, true, 5.0);
    if (old == NULL)
        return;
    double x = 0.5, y = 0;
    bo_status st = bo_objective_evaluate(old, &x, 0, &y, msg, sizeof msg);
    CHECK_MSG(st == BO_OK && y == 1.5, "version-1 plugin: %s", msg);
    const char *const stress[] = {"stress"};
    CHECK(bo_objective_set_outputs(old, stress, 1, err, sizeof err) == BO_EPLUGIN);
    CHECK_MSG(strstr(err, "gives no outputs besides y (no evaluate_outputs"), "%s", err);
    bo_objective_close(old);
}

int main(void)
{
    int fds_at_start = test_count_open_fds();
    char err[512], msg[512];
    double y;

    /* evaluate_call, the appended member, gets the evaluation's seed, number
     * and worker, isolated or not; without a call the host passes zeros. */
    for (int isolate = 0; isolate < 2; isolate++) {
        bo_objective *info = open_ok(PLUGIN("call_info"), NULL, 0, 1, 1, isolate, 5.0);
        double x[1] = { 0.5 };
        bo_plugin_call call = {.struct_size = sizeof call, .seed = 7, .eval = 3, .worker = 2};
        CHECK(info && bo_objective_evaluate_call(info, x, 0, &call, &y, msg, sizeof msg) ==
                          BO_OK);
        CHECK_MSG(y == 7032.0, "isolate %d: y %g (%s)", isolate, y, msg);
        CHECK(info && bo_objective_evaluate(info, x, 0, &y, msg, sizeof msg) == BO_OK);
        CHECK(y == 0.0);
        bo_objective_close(info);
    }

    /* The good plugin, isolated, with params: the reference for the rest. */
    const bo_plugin_param good_params[] = { { "scale", "2" }, { "offset", "0.5" } };
    bo_objective *good = open_ok(PLUGIN("good"), good_params, 2, 2, 2, true, 5.0);
    if (good == NULL)
        return CHECK_DONE();
    CHECK(strcmp(bo_objective_name(good), "good") == 0);
    CHECK(bo_objective_get_kind(good) == BO_OBJECTIVE_PLUGIN);
    CHECK(bo_objective_dim(good) == 2);
    {
        double x[2] = { 1.5, 3.0 };
        CHECK(bo_objective_evaluate(good, x, 0, &y, msg, sizeof msg) == BO_OK);
        /* 2 * (1.5^2 + 2.9^2) + 0.5 = 2 * (2.25 + 8.41) + 0.5 = 21.82 */
        CHECK_CLOSE(y, 21.82, 1e-14, 0.0);
        CHECK(strcmp(msg, "") == 0);
        CHECK(bo_objective_evaluate(good, x, 2, &y, msg, sizeof msg) == BO_EINVAL);
        CHECK(strstr(msg, "source index 2 out of range") != NULL);
        CHECK(isnan(y));
        CHECK(test_no_children());
    }

    /* Default params, in-process: state persists between calls. Isolated:
     * each child starts from the state init left, so count stays 0. */
    {
        const bo_plugin_param count[] = { { "count", "1" } };
        bo_objective *inproc = open_ok(PLUGIN("good"), count, 1, 1, 1, false, 0.0);
        bo_objective *iso = open_ok(PLUGIN("good"), count, 1, 1, 1, true, 0.0);
        double x = 0.0;
        for (int i = 0; i < 3 && inproc != NULL && iso != NULL; i++) {
            CHECK(bo_objective_evaluate(inproc, &x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == (double)i);
            CHECK(bo_objective_evaluate(iso, &x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 0.0);
        }
        bo_objective_close(inproc);
        bo_objective_close(iso);

        bo_objective *plain = open_ok(PLUGIN("good"), NULL, 0, 3, 0, false, 0.0);
        double x3[3] = { 0.0, 0.0, 1.0 };
        if (plain != NULL) {
            CHECK(bo_objective_evaluate(plain, x3, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK_CLOSE(y, good_expected(x3, 3, 1.0, 0.0, 0), 1e-15, 0.0);
        }
        bo_objective_close(plain);
    }

    /* close runs fini in the host. */
    {
        char path[] = "/tmp/bo_test_fini_XXXXXX";
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        close(fd);
        const bo_plugin_param p[] = { { "fini_file", path } };
        bo_objective *obj = open_ok(PLUGIN("good"), p, 1, 1, 1, true, 1.0);
        bo_objective_close(obj);
        FILE *f = fopen(path, "r");
        char line[16] = "";
        CHECK(f != NULL && fgets(line, sizeof line, f) != NULL);
        CHECK(strcmp(line, "fini\n") == 0);
        if (f != NULL)
            fclose(f);
        unlink(path);
    }

    /* Refusals at open: each names the path and the cause. */
    check_refused(BO_BINARY_DIR "/test-plugins/does_not_exist.so", NULL, 0, 1, 1,
                  BO_EPLUGIN, "does_not_exist.so", "cannot open shared object");
    check_refused("does_not_exist.so", NULL, 0, 1, 1, BO_EPLUGIN,
                  "./does_not_exist.so", "No such file");
    check_refused(BO_SOURCE_DIR "/tests/plugins/good.c", NULL, 0, 1, 1, BO_EPLUGIN,
                  "good.c: cannot load", NULL);
    check_refused(PLUGIN("no_symbol"), NULL, 0, 1, 1, BO_EPLUGIN,
                  "no bo_plugin_entry()", "undefined symbol: bo_plugin_entry");
    check_refused(PLUGIN("wrong_abi"), NULL, 0, 1, 1, BO_EPLUGIN,
                  "plugin ABI version 999", "uses version 1");
    check_refused(PLUGIN("short_struct"), NULL, 0, 1, 1, BO_EPLUGIN,
                  "struct_size", "smaller than");
    check_refused(PLUGIN("dim_mismatch"), NULL, 0, 2, 2, BO_EPLUGIN,
                  "dim_mismatch.so: declares 3 inputs, the config has 2", NULL);
    check_refused(PLUGIN("dim_mismatch"), NULL, 0, 3, 3, BO_EPLUGIN,
                  "declares 2 sources, the config has 3", NULL);
    {
        const bo_plugin_param p[] = { { "server", "lic.example" } };
        check_refused(PLUGIN("abort_init"), p, 1, 4, 2, BO_EPLUGIN,
                      "init failed (returned 3)",
                      "licence server unreachable (dim 4, 2 sources, 1 params, "
                      "server=lic.example)");
        const bo_plugin_param bad[] = { { "scale", "two" } };
        check_refused(PLUGIN("good"), bad, 1, 1, 1, BO_EPLUGIN,
                      "param scale: 'two' is not a number", NULL);
    }
    check_refused("", NULL, 0, 1, 1, BO_EINVAL, "empty plugin path", NULL);
    check_refused(PLUGIN("good"), NULL, 0, 0, 1, BO_EINVAL, "dim is 0", NULL);
    CHECK(bo_objective_open_plugin(NULL, PLUGIN("good"), NULL, 0, 1, 1, true, 1.0, err,
                                   sizeof err) == BO_EINVAL);

    /* A single-fidelity config may use a multi-source plugin (its source 0);
     * a matching multi-source config reaches every source. */
    {
        bo_objective *sf = open_ok(PLUGIN("dim_mismatch"), NULL, 0, 3, 1, true, 1.0);
        bo_objective *mf = open_ok(PLUGIN("dim_mismatch"), NULL, 0, 3, 2, false, 0.0);
        double x[3] = { 1.0, 2.0, 4.0 };
        if (sf != NULL && mf != NULL) {
            CHECK(bo_objective_evaluate(sf, x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 10.0);
            CHECK(bo_objective_evaluate(sf, x, 1, &y, msg, sizeof msg) == BO_EINVAL);
            CHECK(bo_objective_evaluate(mf, x, 1, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 110.0);
        }
        bo_objective_close(sf);
        bo_objective_close(mf);
    }

    /* Evaluation faults, isolated. */
    {
        bo_objective *fail = open_ok(PLUGIN("fail_return"), NULL, 0, 1, 0, true, 2.0);
        bo_objective *fail_in = open_ok(PLUGIN("fail_return"), NULL, 0, 1, 0, false, 0.0);
        double in = 0.25, out = 0.75;
        if (fail != NULL && fail_in != NULL) {
            CHECK(bo_objective_evaluate(fail, &in, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK(y == 0.25);
            check_fault(fail, &out, 0, BO_EEVAL,
                        "plugin evaluate failed (returned 7): x[0] = 0.75 is outside "
                        "the solver's domain", good);
            check_fault(fail_in, &out, 0, BO_EEVAL,
                        "plugin evaluate failed (returned 7): x[0] = 0.75", good);
            /* A short buffer still gets a terminated prefix. */
            char tiny[8];
            CHECK(bo_objective_evaluate(fail, &out, 0, &y, tiny, sizeof tiny) == BO_EEVAL);
            CHECK(strcmp(tiny, "plugin ") == 0);
            CHECK(bo_objective_evaluate(fail, &out, 0, &y, NULL, 0) == BO_EEVAL);
        }
        bo_objective_close(fail);
        bo_objective_close(fail_in);
    }
    {
        double x[2] = { 0.0, 0.0 };
        for (int iso = 0; iso < 2; iso++) {
            bo_objective *ni = open_ok(PLUGIN("nan_inf"), NULL, 0, 2, 3, iso == 1, 2.0);
            if (ni == NULL)
                continue;
            check_fault(ni, x, 0, BO_EEVAL, "plugin returned a non-finite value (", good);
            check_fault(ni, x, 0, BO_EEVAL, "nan)", good);
            check_fault(ni, x, 1, BO_EEVAL, "non-finite value (inf)", good);
            check_fault(ni, x, 2, BO_EEVAL, "non-finite value (-inf)", good);
            bo_objective_close(ni);
        }
    }
    {
        double x = 0.5;
        bo_objective *seg = open_ok(PLUGIN("segfault"), NULL, 0, 1, 1, true, 5.0);
        if (seg != NULL) {
            /* Under AddressSanitizer the child's SIGSEGV is caught by the
             * sanitizer, which reports and exits with status 1 instead. */
            check_fault(seg, &x, 0, BO_EEVAL,
                        SANITIZED ? "plugin process exited with status 1 without answering"
                                  : "plugin crashed with signal 11 (Segmentation fault)",
                        good);
        }
        bo_objective_close(seg);
        const bo_plugin_param ab[] = { { "mode", "abort" } };
        bo_objective *abrt = open_ok(PLUGIN("segfault"), ab, 1, 1, 1, true, 5.0);
        if (abrt != NULL)
            check_fault(abrt, &x, 0, BO_EEVAL, "plugin crashed with signal 6 (Abort", good);
        bo_objective_close(abrt);
        const bo_plugin_param ex[] = { { "mode", "exit" } };
        bo_objective *quit = open_ok(PLUGIN("segfault"), ex, 1, 1, 1, true, 5.0);
        if (quit != NULL)
            check_fault(quit, &x, 0, BO_EEVAL,
                        "plugin process exited with status 3 without answering", good);
        bo_objective_close(quit);
    }
    {
        double x = 0.5;
        bo_objective *hang = open_ok(PLUGIN("hang"), NULL, 0, 1, 1, true, 0.5);
        if (hang != NULL) {
            double t0 = now_seconds();
            check_fault(hang, &x, 0, BO_ETIMEOUT, "plugin timed out after 0.5 s (killed)",
                        good);
            double elapsed = now_seconds() - t0;
            /* At least the limit; at most the limit plus generous slack for
             * fork, kill and reap on a loaded (or sanitized) machine. */
            CHECK_MSG(elapsed >= 0.5 && elapsed < 3.0, "hang took %g s", elapsed);
        }
        /* Cancelled through the flag long before its 20 s limit. */
        bo_objective *slow = open_ok(PLUGIN("hang"), NULL, 0, 1, 1, true, 20.0);
        if (slow != NULL) {
            bo_objective_set_cancel(slow, &interrupted);
            double t0 = now_seconds();
            arm_interrupt(0.3);
            check_fault(slow, &x, 0, BO_EEVAL, "plugin evaluation interrupted (killed)", good);
            double elapsed = now_seconds() - t0;
            CHECK_MSG(elapsed >= 0.3 && elapsed < 3.0, "cancel took %g s", elapsed);
            /* The flag left set: the next evaluation stops at once. */
            check_fault(slow, &x, 0, BO_EEVAL, "interrupted", good);
            bo_objective_set_cancel(slow, NULL);
        }
        bo_objective_close(slow);
        bo_objective_close(hang);
    }

    /* The documented example: defaults, params, its domain failure, and its
     * refusal of an unknown param. */
    {
        const bo_plugin_param p[] = { { "center", "0.25" }, { "scale", "2" },
                                      { "lf_bias", "-1" }, { "limit", "5" } };
        const char *path = BO_BINARY_DIR "/plugins/example_quadratic.so";
        bo_objective *ex = open_ok(path, p, 4, 2, 2, true, 5.0);
        bo_objective *ex_default = open_ok(path, NULL, 0, 2, 1, false, 0.0);
        double x[2] = { 1.25, -0.75 }, far[2] = { 0.0, 6.0 };
        if (ex != NULL && ex_default != NULL) {
            /* 2 * (1^2 + 1^2) = 4; low fidelity 0.8 * 4 - 1 = 2.2 */
            CHECK(bo_objective_evaluate(ex, x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK_CLOSE(y, 4.0, 1e-15, 0.0);
            CHECK(bo_objective_evaluate(ex, x, 1, &y, msg, sizeof msg) == BO_OK);
            CHECK_CLOSE(y, 2.2, 1e-15, 0.0);
            check_fault(ex, far, 0, BO_EEVAL,
                        "(returned 1): x[1] = 6 is outside the model's domain [-5, 5]", good);
            /* defaults: center 0.3, scale 1: 0.95^2 + 1.05^2 = 2.005 */
            CHECK(bo_objective_evaluate(ex_default, x, 0, &y, msg, sizeof msg) == BO_OK);
            CHECK_CLOSE(y, 2.005, 1e-14, 0.0);
        }
        bo_objective_close(ex);
        bo_objective_close(ex_default);
        const bo_plugin_param typo[] = { { "centre", "1" } };
        check_refused(path, typo, 1, 2, 1, BO_EPLUGIN, "unknown param 'centre'", NULL);
        const bo_plugin_param neg[] = { { "scale", "-1" } };
        check_refused(path, neg, 1, 2, 1, BO_EPLUGIN, "scale must be positive", NULL);
    }

    test_outputs();
    bo_objective_close(good);
    bo_objective_close(NULL);
    CHECK(test_no_children());
    CHECK_MSG(test_count_open_fds() == fds_at_start, "fds %d at start, %d at end", fds_at_start,
              test_count_open_fds());
    return CHECK_DONE();
}
