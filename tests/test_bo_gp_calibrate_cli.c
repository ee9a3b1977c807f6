/* bo-gp calibrate end to end: a synthetic simulator whose field data come
 * from known calibration parameters (recovered, with a Laplace sd), the
 * model file predicting the field at the estimate, and every bad input
 * (missing theta column, theta in the field file, a field column the
 * simulator lacks, bad bounds, a bad cell) refused with exit 2 and a
 * message naming the file, row or column. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_files.h"
#include "tests/test_process.h"

#define BO_GP BO_BINARY_DIR "/bo-gp"

static char dir[] = "/tmp/bo_test_gp_calib_XXXXXX";
static char out_path[600], err_path[600];
static char sim_path[600], field_path[600], model_path[600], points_path[600], bad_path[600];

static int run(const char *const *args)
{
    return test_wait_exit(test_spawn(BO_GP, args, out_path, err_path));
}

static void expect_usage(const char *const *args, const char *frag1, const char *frag2)
{
    int rc = run(args);
    const char *err = test_slurp(err_path);
    CHECK_MSG(rc == 2, "exit %d, want 2; stderr: %s", rc, err);
    CHECK_MSG(strstr(err, frag1) != NULL, "want '%s' in stderr: %s", frag1, err);
    CHECK_MSG(frag2 == NULL || strstr(err, frag2) != NULL, "want '%s' in stderr: %s", frag2,
              err);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs(text, f);
        fclose(f);
    }
}

/* Calibrates against a field file holding text, which must end in a usage
 * error whose message holds frag1 and frag2 (frag2 may be NULL). */
static void expect_bad_field(const char *text, const char *frag1, const char *frag2)
{
    write_file(bad_path, text);
    const char *a[] = {"calibrate", sim_path, bad_path, "--theta", "t1,t2", NULL};
    expect_usage(a, frag1, frag2);
}

static double simulator(double x1, double x2, double t1, double t2)
{
    return sin(2.0 * x1 + t1) + t2 * x2 * x2 + 0.5 * t1 * x2;
}

/* 80 runs over x in [0,1]^2, t1 in [0, 1.5], t2 in [0.5, 2]; 10 field rows
 * at (0.7, 1.3) with noise sd 0.01. */
static void write_data(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 4);
    FILE *f = fopen(sim_path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fprintf(f, "x1,x2,t1,t2,y\n");
    for (int i = 0; i < 80; i++) {
        double x1 = bo_rng_uniform(&rng), x2 = bo_rng_uniform(&rng);
        double t1 = 1.5 * bo_rng_uniform(&rng), t2 = 0.5 + 1.5 * bo_rng_uniform(&rng);
        fprintf(f, "%.17g,%.17g,%.17g,%.17g,%.17g\n", x1, x2, t1, t2,
                simulator(x1, x2, t1, t2));
    }
    fclose(f);
    f = fopen(field_path, "w");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    /* Columns in another order than the simulator's: matched by name. */
    fprintf(f, "x2,x1,y\n");
    for (int i = 0; i < 10; i++) {
        double x1 = bo_rng_uniform(&rng), x2 = bo_rng_uniform(&rng);
        fprintf(f, "%.17g,%.17g,%.17g\n", x2, x1,
                simulator(x1, x2, 0.7, 1.3) + 0.01 * bo_rng_normal(&rng));
    }
    fclose(f);
}

static void test_recovers(void)
{
    const char *args[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                          "--bounds", "0:1.5,0.5:2", "--posterior", "-o", model_path, NULL};
    int rc = run(args);
    const char *out = test_slurp(out_path);
    CHECK_MSG(rc == 0, "calibrate: exit %d: %s", rc, test_slurp(err_path));
    double est[2] = {NAN, NAN}, sd[2] = {NAN, NAN}, lo, hi;
    const char *p = strstr(out, "parameter,estimate,sd,lower,upper\n");
    CHECK_MSG(p != NULL, "output: %s", out);
    if (p != NULL) {
        CHECK(sscanf(p, "parameter,estimate,sd,lower,upper\nt1,%lf,%lf,%lf,%lf\nt2,%lf,%lf",
                     &est[0], &sd[0], &lo, &hi, &est[1], &sd[1]) == 6);
        CHECK(lo == 0.0 && hi == 1.5);
    }
    printf("theta-hat (%.4f, %.4f), sd (%.4f, %.4f); truth (0.7, 1.3)\n", est[0], est[1],
           sd[0], sd[1]);
    CHECK(fabs(est[0] - 0.7) < 0.05 && fabs(est[1] - 1.3) < 0.05);
    CHECK(sd[0] > 0.0 && sd[0] < 0.1 && sd[1] > 0.0 && sd[1] < 0.1);

    /* The model predicts the field at (x, theta-hat). */
    char points[256];
    snprintf(points, sizeof points, "x1,x2,t1,t2,source\n0.3,0.6,%.17g,%.17g,field\n", est[0],
             est[1]);
    write_file(points_path, points);
    const char *pargs[] = {"predict", model_path, points_path, NULL};
    rc = run(pargs);
    double mean = NAN, psd;
    CHECK_MSG(rc == 0, "predict: exit %d: %s", rc, test_slurp(err_path));
    CHECK(sscanf(test_slurp(out_path), "mean,sd\n%lf,%lf", &mean, &psd) == 2);
    CHECK_MSG(fabs(mean - simulator(0.3, 0.6, 0.7, 1.3)) < 0.03, "field prediction %g", mean);

    /* Without --posterior there is no sd column; the same seed gives the
     * same estimate. */
    const char *plain[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--bounds", "0:1.5,0.5:2", NULL};
    rc = run(plain);
    CHECK(rc == 0);
    out = test_slurp(out_path);
    double again[2] = {NAN, NAN};
    CHECK(sscanf(out, "parameter,estimate,lower,upper\nt1,%lf,%lf,%lf\nt2,%lf", &again[0], &lo,
                 &hi, &again[1]) == 4);
    CHECK(again[0] == est[0] && again[1] == est[1]);
}

static void test_errors(void)
{
    {
        const char *a[] = {"calibrate", sim_path, field_path, NULL};
        expect_usage(a, "--theta NAME[,NAME...] is required", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, "--theta", "t1", NULL};
        expect_usage(a, "expected SIM.csv and FIELD.csv", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t3", NULL};
        expect_usage(a, "t3", sim_path);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,,t2", NULL};
        expect_usage(a, "--theta needs column names", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t1", NULL};
        expect_usage(a, "'t1' is named twice", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "y", NULL};
        expect_usage(a, "'y' is the response column", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--bounds", "0:1.5", NULL};
        expect_usage(a, "--bounds needs one LO:HI per calibration input (2)", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--bounds", "0:1.5,2:0.5", NULL};
        expect_usage(a, "item 2 (for 't2')", "LO < HI");
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--bounds", "0:abc,0.5:2", NULL};
        expect_usage(a, "item 1 (for 't1')", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--starts", "0", NULL};
        expect_usage(a, "--starts needs a count from 1 to 1000", NULL);
    }
    {
        const char *a[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                           "--kernel", "cubic", NULL};
        expect_usage(a, "unknown kernel 'cubic'", NULL);
    }
    /* A field file with a calibration column: named with file:line:column. */
    {
        char where[700];
        snprintf(where, sizeof where, "%s:1:7: column 't1' is a calibration input", bad_path);
        expect_bad_field("x1,x2,t1,y\n0.1,0.2,0.5,1.0\n", where, NULL);
    }
    /* A field column the simulator does not have. */
    {
        char where[700];
        snprintf(where, sizeof where, "%s:1:7: column 'pressure' is not an input", bad_path);
        expect_bad_field("x1,x2,pressure,y\n0.1,0.2,0.5,1.0\n", where, NULL);
    }
    /* A field file without one of the inputs. */
    expect_bad_field("x1,y\n0.1,1.0\n", "x2", "(an input of");
    /* A bad cell: file, line and column. */
    expect_bad_field("x1,x2,y\n0.1,0.2,1.0\n0.3,abc,1.0\n", bad_path, "line 3");
    /* A header only. */
    expect_bad_field("x1,x2,y\n", "no data rows", NULL);
    {
        const char *a[] = {"calibrate", "--help", NULL};
        CHECK(run(a) == 0);
        CHECK(strstr(test_slurp(out_path), "Usage: bo-gp calibrate") != NULL);
    }
}

/* A full disk or a closed pipe on stdout fails the command: /dev/full
 * fails each write with ENOSPC. */
static void test_output_error(void)
{
    if (access("/dev/full", W_OK) != 0) {
        return; /* not on this system: nothing to provoke the error with */
    }
    const char *args[] = {"calibrate", sim_path, field_path, "--theta", "t1,t2",
                          "--bounds", "0:1.5,0.5:2", NULL};
    int rc = test_wait_exit(test_spawn(BO_GP, args, "/dev/full", err_path));
    CHECK_MSG(rc == 1, "calibrate to /dev/full: exit %d", rc);
    CHECK_MSG(strstr(test_slurp(err_path), "bo-gp calibrate: writing the output failed") != NULL,
              "calibrate to /dev/full: %s", test_slurp(err_path));
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    snprintf(sim_path, sizeof sim_path, "%s/sim.csv", dir);
    snprintf(field_path, sizeof field_path, "%s/field.csv", dir);
    snprintf(model_path, sizeof model_path, "%s/calib.model", dir);
    snprintf(points_path, sizeof points_path, "%s/points.csv", dir);
    snprintf(bad_path, sizeof bad_path, "%s/bad.csv", dir);
    if (access(BO_GP, X_OK) != 0) {
        fprintf(stderr, "%s is not built\n", BO_GP);
        return 1;
    }
    write_data();
    test_recovers();
    test_errors();
    test_output_error();
    const char *files[] = {out_path, err_path, sim_path, field_path, model_path, points_path,
                           bad_path};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(files[i]);
    rmdir(dir);
    return CHECK_DONE();
}
