/* bo-gp fit --class-col and predict with the classifier it writes, end to
 * end: every accepted label spelling, the P(success) printed against a
 * classifier fitted in this process to the same data (the file rebuilds it
 * exactly), columns found by name in any order, and each error a user can
 * cause: a label that is none of the spellings (file:line:column), a
 * missing label column, options that do not apply, a kernel the classifier
 * refuses, --grad, eval on a classifier, a truncated model file. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gp/gpc.h"
#include "tests/check.h"
#include "tests/test_files.h"
#include "tests/test_process.h"

#define BO_GP BO_BINARY_DIR "/bo-gp"

static char dir[] = "/tmp/bo_test_gp_classifier_XXXXXX";
static char out_path[600], err_path[600];

static const char *in_dir(const char *name)
{
    static char buf[8][600];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int run(const char *const *args)
{
    return test_wait_exit(test_spawn(BO_GP, args, out_path, err_path));
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void expect_usage(const char *const *args, const char *frag)
{
    int rc = run(args);
    const char *err = test_slurp(err_path);
    CHECK_MSG(rc == 2, "exit %d, want 2; stderr: %s", rc, err);
    CHECK_MSG(strstr(err, frag), "want '%s' in stderr: %s", frag, err);
}

/* 1-D: success for x < 6 on [0, 10], 24 points, the labels in every
 * accepted spelling and case; a column beside x that is not an input is
 * not allowed, so the file has x and the label only. */
enum { N = 24 };
static double train_x[N];
static int train_ok[N];

static void write_train(const char *path)
{
    static const char *const yes[] = {"1", "true", "ok", "success", "TRUE", "Ok", "Success"};
    static const char *const no[] = {"0", "false", "failed", "failure", "FALSE", "Failed"};
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("status,x\n", f);
    for (int i = 0; i < N; i++) {
        train_x[i] = 10.0 * (i + 0.5) / N;
        train_ok[i] = train_x[i] < 6.0;
        fprintf(f, "%s,%.17g\n", train_ok[i] ? yes[i % 7] : no[i % 6], train_x[i]);
    }
    fclose(f);
}

static void test_fit_predict(void)
{
    const char *train = in_dir("labels.csv"), *model = in_dir("labels.model");
    write_train(train);
    int rc = run((const char *[]){"fit", train, "--class-col", "status", "-o", model, NULL});
    const char *out = test_slurp(out_path);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
    CHECK_MSG(strstr(out, "fitted a classifier of 'status' to 24 points (14 successes, 10 "
                          "failures), 1 input; kernel matern52"), "%s", out);
    CHECK(strstr(test_slurp(model), "bo-gp-classifier 1\n") == test_slurp(model));

    /* Points with an extra column first: found by name. */
    const char *points = in_dir("points.csv");
    double px[5] = {0.5, 3.0, 5.9, 7.0, 9.7};
    write_text(points, "note,x\na,0.5\nb,3\nc,5.9\nd,7\ne,9.7\n");
    rc = run((const char *[]){"predict", model, points, NULL});
    out = test_slurp(out_path);
    CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
    CHECK(strncmp(out, "p_success\n", 10) == 0);

    /* The same fit in this process: the box is the data's range. */
    bo_gpc_options o;
    bo_gpc_options_default(&o, 1);
    double lo = train_x[0], hi = train_x[N - 1];
    o.lower = &lo;
    o.upper = &hi;
    bo_gpc *g = bo_gpc_create(&o, NULL, 0);
    CHECK(g && bo_gpc_set_data(g, N, train_x, train_ok) == BO_OK && bo_gpc_fit(g) == BO_OK);
    const char *p = out + 10;
    for (int i = 0; i < 5 && g; i++) {
        char *end;
        double got = strtod(p, &end), want;
        CHECK(end != p && *end == '\n');
        p = end + 1;
        CHECK(bo_gpc_predict(g, &px[i], &want, NULL, NULL) == BO_OK);
        CHECK_CLOSE(got, want, 1e-12, 0.0);
        /* Well inside either region the classifier is sure. */
        if (px[i] < 4.0)
            CHECK_MSG(got > 0.8, "P(success | %g) = %g", px[i], got);
        if (px[i] > 7.5)
            CHECK_MSG(got < 0.2, "P(success | %g) = %g", px[i], got);
    }
    bo_gpc_destroy(g);

    /* What users get wrong. */
    expect_usage((const char *[]){"predict", model, points, "--grad", NULL},
                 "--grad is for a regression model");
    expect_usage((const char *[]){"eval", model, points, NULL},
                 "is a classifier (bo-gp fit --class-col); only 'bo-gp predict' reads it");
    const char *nox = in_dir("nox.csv");
    write_text(nox, "y\n1\n");
    expect_usage((const char *[]){"predict", model, nox, NULL}, "no column named 'x'");
    /* A model cut short. */
    const char *cut = in_dir("cut.model");
    char text[65536];
    snprintf(text, sizeof text, "%s", test_slurp(model));
    char *data = strstr(text, "\ndata ");
    CHECK(data != NULL);
    if (data)
        data[8] = '\0';
    write_text(cut, text);
    expect_usage((const char *[]){"predict", cut, points, NULL}, "the file ends early");
}

static void test_errors(void)
{
    const char *bad = in_dir("bad.csv"), *model = in_dir("bad.model");
    write_text(bad, "x,ok\n0.1,1\n0.2,yes\n");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "-o", model, NULL},
                 "bad.csv:3:5: column 'ok': 'yes' is not a label: success is 1, true, ok or "
                 "success, failure 0, false, failed or failure");
    write_text(bad, "x,ok\n0.1,1\n0.2,\n");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "-o", model, NULL},
                 "bad.csv:3:5: column 'ok': '' is not a label");
    write_text(bad, "x,ok\n0.1,1\nzero,0\n");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "-o", model, NULL},
                 "zero");
    expect_usage((const char *[]){"fit", bad, "--class-col", "status", "-o", model, NULL},
                 "--class-col: ");
    write_text(bad, "ok\n1\n0\n");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "-o", model, NULL},
                 "needs at least one input column beside 'ok'");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "--noise", "0.1", "-o",
                                  model, NULL},
                 "--noise does not apply with --class-col");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "--categorical", "x", "-o",
                                  model, NULL},
                 "--categorical does not apply with --class-col");
    expect_usage((const char *[]){"fit", bad, "--class-col", "ok", "--kernel", "rough_rbf",
                                  "-o", model, NULL},
                 "kernel 'rough_rbf' is not one of matern52, matern32, sqexp");
    CHECK(access(model, F_OK) != 0); /* nothing written on any of these */
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    test_fit_predict();
    test_errors();
    const char *names[] = {"labels.csv", "labels.model", "points.csv", "nox.csv", "cut.model",
                           "bad.csv", "bad.model", "out.txt", "err.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(in_dir(names[i]));
    rmdir(dir);
    return CHECK_DONE();
}
