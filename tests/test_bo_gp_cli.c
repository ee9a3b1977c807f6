/* The bo-gp program end to end: fit on noisy sin(x), predict means and
 * gradients, eval, a heteroscedastic and a two-source fit, a bo-run
 * history.csv read as it is, --version and --help, and the exit codes and
 * messages of bad usage and bad input. */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/io/history.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_files.h"
#include "tests/test_process.h"

#define BO_GP BO_BINARY_DIR "/bo-gp"
#define TWO_PI 6.283185307179586

static char dir[] = "/tmp/bo_test_gp_cli_XXXXXX";
static char out_path[600], err_path[600];

/* The path of a file in the temporary folder; the strings live until
 * free_paths, so callers may keep as many as they like. */
static char *paths[256];
static size_t n_paths;

static const char *in_dir(const char *name)
{
    char *p = malloc(600);
    if (p == NULL || n_paths == sizeof paths / sizeof paths[0]) {
        free(p);
        return "/nonexistent";
    }
    snprintf(p, 600, "%s/%s", dir, name);
    paths[n_paths++] = p;
    return p;
}

static void free_paths(void)
{
    while (n_paths > 0) {
        free(paths[--n_paths]);
    }
}

/* Runs bo-gp with args (NULL-terminated, without the program name), stdout
 * and stderr into files; returns the exit status, -1 if it did not exit. */
static int run(const char *const *args)
{
    return test_wait_exit(test_spawn(BO_GP, args, out_path, err_path));
}

static int contains(const char *text, const char *part)
{
    return strstr(text, part) != NULL;
}

/* Runs a command that must fail with status 2 and a message on stderr
 * holding the fragments given (frag2 may be NULL). */
static void expect_usage(const char *const *args, const char *frag1, const char *frag2)
{
    int rc = run(args);
    const char *err = test_slurp(err_path);
    CHECK_MSG(rc == 2, "%s %s: exit %d, want 2; stderr: %s", args[0] ? args[0] : "",
              args[0] && args[1] ? args[1] : "", rc, err);
    CHECK_MSG(contains(err, frag1), "want '%s' in stderr: %s", frag1, err);
    CHECK_MSG(frag2 == NULL || contains(err, frag2), "want '%s' in stderr: %s", frag2, err);
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

/* The noisy sin(x) training set of the GP issue: 25 points on [0, 2 pi],
 * noise sd 0.1 (columns x, y); also a noise-sd column for the
 * heteroscedastic variant, ahead of y so that y stays the last column. */
static void write_sin_train(const char *path)
{
    FILE *f = fopen(path, "w");
    bo_rng rng;
    size_t i;
    bo_rng_init(&rng, 2024);
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "x,sd,y\n");
    for (i = 0; i < 25; i++) {
        double x = TWO_PI * (double)i / 24.0;
        double sd = 0.05 + 0.1 * (double)(i % 3) / 2.0;
        fprintf(f, "%.17g,%.17g,%.17g\n", x, sd, sin(x) + sd * bo_rng_normal(&rng));
    }
    fclose(f);
}

/* Parses predict's CSV output: header then rows of mean,sd[,dmean]. */
static size_t parse_predictions(const char *text, const char *header, double *mean,
                                double *sd, double *dmean, size_t max)
{
    size_t n = 0, hlen = strlen(header);
    const char *p = text;
    CHECK_MSG(strncmp(text, header, hlen) == 0 && text[hlen] == '\n', "header: %.60s", text);
    p = strchr(p, '\n');
    while (p != NULL && p[1] != '\0' && n < max) {
        char *end;
        p++;
        mean[n] = strtod(p, &end);
        CHECK(*end == ',');
        sd[n] = strtod(end + 1, &end);
        if (dmean != NULL) {
            CHECK(*end == ',');
            dmean[n] = strtod(end + 1, &end);
        }
        CHECK(*end == '\n');
        n++;
        p = strchr(p, '\n');
    }
    return n;
}

static double eval_figure(const char *text, const char *label)
{
    const char *p = strstr(text, label);
    return p != NULL ? strtod(p + strlen(label), NULL) : NAN;
}

static void test_fit_predict_eval(void)
{
    const char *train = in_dir("train.csv"), *model = in_dir("sin.model");
    const char *points = in_dir("points.csv"), *shifted = in_dir("shifted.csv");
    const char *test = in_dir("test.csv");
    enum { M = 30 };
    const double h = 1e-4;
    double xs[M], mean[M], sd[M], dmean[M], mp[M], sp[M], mm[M], sm[M];
    size_t i;
    int rc;
    FILE *f;

    write_sin_train(train);
    {
        /* Heteroscedastic: the sd column holds the known noise sd. */
        const char *args[] = {"fit", train, "-o", model, "--noise-col", "sd", "--seed", "3",
                              NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "heteroscedastic fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(test_slurp(out_path), "noise sd: given per point by column 'sd'"),
                  "%s", test_slurp(out_path));
    }
    {
        /* Homoscedastic: a copy with x and y only (else sd is an input). */
        FILE *in = fopen(train, "r"), *out = fopen(in_dir("train2.csv"), "w");
        char line[256];
        CHECK(in != NULL && out != NULL);
        while (in != NULL && out != NULL && fgets(line, sizeof line, in) != NULL) {
            char *first = strchr(line, ','), *second = first ? strchr(first + 1, ',') : NULL;
            if (first != NULL && second != NULL) {
                *first = '\0';
                fprintf(out, "%s,%s", line, second + 1);
            }
        }
        if (in != NULL) {
            fclose(in);
        }
        if (out != NULL) {
            fclose(out);
        }
    }
    {
        const char *args[] = {"fit", in_dir("train2.csv"), "-o", model, "--restarts", "4",
                              NULL};
        const char *text;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(text, "log marginal likelihood:") && contains(text, "length-scales") &&
                      contains(text, "signal sd:") && contains(text, "noise sd:"),
                  "fit output: %s", text);
        /* The learned noise sd should be near the true 0.1 (one decimal
         * digit is all 25 points can pin down). */
        {
            double noise_sd = eval_figure(text, "noise sd: ");
            CHECK_MSG(noise_sd > 0.03 && noise_sd < 0.25, "noise sd %g", noise_sd);
        }
    }

    /* Points file: extra columns in any order are ignored. */
    f = fopen(points, "w");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "note,x,y\n");
    for (i = 0; i < M; i++) {
        xs[i] = 0.5 + (5.8 - 0.5) * (double)i / (M - 1);
        fprintf(f, "p%zu,%.17g,0\n", i, xs[i]);
    }
    fclose(f);
    {
        const char *args[] = {"predict", model, points, "--grad", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "predict: exit %d: %s", rc, test_slurp(err_path));
        CHECK(parse_predictions(test_slurp(out_path), "mean,sd,dmean_x", mean, sd, dmean, M) == M);
    }
    for (i = 0; i < M; i++) {
        /* Noise sd 0.1 over 25 points: the posterior sd of the mean is about
         * 0.05, so 0.2 is four of them. */
        CHECK_CLOSE(mean[i], sin(xs[i]), 0, 0.2);
        CHECK_MSG(sd[i] > 0 && sd[i] < 0.15, "sd[%zu] = %g", i, sd[i]);
        /* A derivative of a smoothed noisy fit is rougher: 0.4 absolute. */
        CHECK_CLOSE(dmean[i], cos(xs[i]), 0, 0.4);
    }

    /* The gradient column against central differences of the predicted mean
     * itself: error O(h^2 f''') ~ 1e-8 plus rounding 1e-16 / h ~ 1e-12. */
    f = fopen(shifted, "w");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "x\n");
    for (i = 0; i < M; i++) {
        fprintf(f, "%.17g\n%.17g\n", xs[i] + h, xs[i] - h);
    }
    fclose(f);
    {
        const char *args[] = {"predict", model, shifted, NULL};
        double both_mean[2 * M], both_sd[2 * M];
        rc = run(args);
        CHECK(rc == 0);
        CHECK(parse_predictions(test_slurp(out_path), "mean,sd", both_mean, both_sd, NULL,
                                2 * M) == 2 * M);
        for (i = 0; i < M; i++) {
            mp[i] = both_mean[2 * i];
            sp[i] = both_sd[2 * i];
            mm[i] = both_mean[2 * i + 1];
            sm[i] = both_sd[2 * i + 1];
            CHECK_CLOSE(dmean[i], (mp[i] - mm[i]) / (2 * h), 1e-5, 1e-6);
            CHECK(sp[i] > 0 && sm[i] > 0);
        }
    }

    /* Eval on noise-free test points: NRMSE well under 0.1 on smooth data. */
    f = fopen(test, "w");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "x,y\n");
    for (i = 0; i < 40; i++) {
        double x = 0.1 + 6.0 * (double)i / 39.0;
        fprintf(f, "%.17g,%.17g\n", x, sin(x));
    }
    fclose(f);
    {
        const char *args[] = {"eval", model, test, NULL};
        const char *text;
        double nrmse, nis;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "eval: exit %d: %s", rc, test_slurp(err_path));
        nrmse = eval_figure(text, "NRMSE: ");
        nis = eval_figure(text, "NIS (95%): ");
        CHECK_MSG(nrmse > 0 && nrmse < 0.1, "NRMSE %g: %s", nrmse, text);
        /* NIS is at least the mean interval width over sd(y) (~0.7 for sd
         * 0.1 noise over sin's sd 0.71); far above 2 means a broken band. */
        CHECK_MSG(nis > 0 && nis < 2, "NIS %g: %s", nis, text);
        printf("sin example: NRMSE %.4g, NIS %.4g\n", nrmse, nis);
    }
    /* Eval needs the response column. */
    {
        const char *args[] = {"eval", model, points, NULL};
        write_file(in_dir("noy.csv"), "x\n1\n");
        args[2] = in_dir("noy.csv");
        expect_usage(args, "no column named 'y'", NULL);
    }
}

static void test_two_sources(void)
{
    const char *train = in_dir("mf.csv"), *model = in_dir("mf.model");
    const char *points = in_dir("mfpoints.csv");
    FILE *f = fopen(train, "w");
    size_t i;
    int rc;
    enum { M = 12 };
    double mean[2 * M], sd[2 * M], xs[M];

    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    /* HF = sin(x) on a few points, LF = sin(x) + 0.3 x - 0.5 on many, both
     * noise-free up to rounding in the file. */
    fprintf(f, "fidelity,x,y\n");
    for (i = 0; i < 30; i++) {
        double x = TWO_PI * (double)i / 29.0;
        if (i % 4 == 0) {
            fprintf(f, "high,%.17g,%.17g\n", x, sin(x));
        }
        fprintf(f, "low,%.17g,%.17g\n", x, sin(x) + 0.3 * x - 0.5);
    }
    fclose(f);
    {
        const char *args[] = {"fit", train, "-o", model, "--source-col", "fidelity", NULL};
        const char *text;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "two-source fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(text, "2 sources") && contains(text, "fidelity map") &&
                      contains(text, "high") && contains(text, "low") &&
                      contains(text, "(target)") && contains(text, "mean per_source") &&
                      contains(text, "noise per_source"),
                  "two-source fit output: %s", text);
    }
    f = fopen(points, "w");
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "x,fidelity\n");
    for (i = 0; i < M; i++) {
        xs[i] = 0.3 + 5.6 * (double)i / (M - 1);
        fprintf(f, "%.17g,high\n%.17g,low\n", xs[i], xs[i]);
    }
    fclose(f);
    {
        const char *args[] = {"predict", model, points, NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "two-source predict: exit %d: %s", rc, test_slurp(err_path));
        CHECK(parse_predictions(test_slurp(out_path), "mean,sd", mean, sd, NULL, 2 * M) == 2 * M);
        for (i = 0; i < M; i++) {
            /* LF is densely sampled and noise-free: a tight fit. HF has 8
             * points and borrows shape from LF: a looser bound. */
            CHECK_CLOSE(mean[2 * i + 1], sin(xs[i]) + 0.3 * xs[i] - 0.5, 0, 0.05);
            CHECK_CLOSE(mean[2 * i], sin(xs[i]), 0, 0.25);
        }
    }
    /* An unknown label in the points is an input error naming the place. */
    write_file(points, "x,fidelity\n1,high\n2,medium\n");
    {
        const char *args[] = {"predict", model, points, NULL};
        expect_usage(args, "line 3", "'medium' is not a source");
    }
    /* Another target source. */
    {
        const char *args[] = {"fit", train, "-o", model, "--source-col", "fidelity",
                              "--target-source", "low", "--noise", "1e-6", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(test_slurp(out_path), "target 'low'"), "%s", test_slurp(out_path));
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--source-col", "fidelity",
                              "--target-source", "mid", NULL};
        expect_usage(args, "--target-source 'mid'", NULL);
    }
}

/* --fit interval_score on the two-source set of test_two_sources: the fit
 * says so, the model file records the weight (a MAP file has no fit line),
 * the model predicts, and the option's errors are usage errors naming it. */
static void test_fit_criterion(void)
{
    const char *train = in_dir("mf.csv"), *model = in_dir("mf_is.model");
    const char *points = in_dir("mf_is_points.csv"), *bad = in_dir("mf_is_bad.model");
    int rc;
    {
        const char *args[] = {"fit", train, "-o", model, "--source-col", "fidelity", "--fit",
                              "interval_score", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "interval-score fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(test_slurp(out_path),
                           "fit: MAP penalised by the leave-one-out interval score, weight 0.08"),
                  "%s", test_slurp(out_path));
        CHECK_MSG(contains(test_slurp(model),
                           "\nseed 1\nfit interval_score 0.080000000000000002\nresponse y\n"),
                  "%s", test_slurp(model));
    }
    write_file(points, "x,fidelity\n1,high\n2,low\n");
    {
        const char *args[] = {"predict", model, points, NULL};
        double mean[2], sd[2];
        rc = run(args);
        CHECK_MSG(rc == 0, "predict: exit %d: %s", rc, test_slurp(err_path));
        CHECK(parse_predictions(test_slurp(out_path), "mean,sd", mean, sd, NULL, 2) == 2);
        CHECK_CLOSE(mean[0], sin(1.0), 0, 0.25);
        CHECK_CLOSE(mean[1], sin(2.0) + 0.3 * 2.0 - 0.5, 0, 0.05);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--source-col", "fidelity", "--fit",
                              "interval_score", "--fit-weight", "0.25", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(test_slurp(out_path), "interval score, weight 0.25\n"), "%s",
                  test_slurp(out_path));
        CHECK_MSG(contains(test_slurp(model), "\nfit interval_score 0.25\n"), "%s",
                  test_slurp(model));
    }
    {
        /* A MAP fit writes no fit line. */
        const char *args[] = {"fit", train, "-o", bad, "--source-col", "fidelity", "--fit", "map",
                              NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
        CHECK(!contains(test_slurp(bad), "\nfit "));
        CHECK(!contains(test_slurp(out_path), "interval score"));
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--fit", "loo", NULL};
        expect_usage(args, "--fit needs map or interval_score, not 'loo'", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--fit-weight", "0.1", NULL};
        expect_usage(args, "--fit-weight applies only with --fit interval_score", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--fit", "interval_score", "--fit-weight",
                              "-1", NULL};
        expect_usage(args, "--fit-weight needs a finite number > 0, not '-1'", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--fit", "interval_score", "--fit-weight",
                              "0", NULL};
        expect_usage(args, "--fit-weight needs a finite number > 0, not '0'", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--class-col", "y", "--fit",
                              "interval_score", NULL};
        expect_usage(args, "--fit does not apply with --class-col", NULL);
    }
    /* A model file whose fit line is damaged is refused, naming the line. */
    {
        char *text = strdup(test_slurp(model));
        char *at = text ? strstr(text, "\nfit interval_score 0.25\n") : NULL;
        CHECK(at != NULL);
        if (at != NULL) {
            const char *variants[][2] = {
                {"\nfit interval_score -0.25\n", "fit weight -0.25 must be finite and > 0"},
                {"\nfit loo_score 0.25\n", "unknown fit 'loo_score'"},
                {"\nfit interval_score\n", "fit weight is missing"},
                {"\nfit interval_score 0.25 0.5\n", "text after the fit weight"},
            };
            for (size_t k = 0; k < sizeof variants / sizeof variants[0]; k++) {
                FILE *f = fopen(bad, "w");
                CHECK(f != NULL);
                if (f == NULL)
                    break;
                fwrite(text, 1, (size_t)(at - text), f);
                fputs(variants[k][0], f);
                fputs(at + strlen("\nfit interval_score 0.25\n"), f);
                fclose(f);
                const char *args[] = {"predict", bad, points, NULL};
                expect_usage(args, variants[k][1], "line 12");
            }
        }
        free(text);
    }
    remove(model);
    remove(bad);
    remove(points);
}

static void test_bad_usage(void)
{
    const char *train = in_dir("train2.csv"), *model = in_dir("sin.model");
    int rc;

    {
        const char *args[] = {NULL};
        expect_usage(args, "Usage: bo-gp", NULL);
    }
    {
        const char *args[] = {"frobnicate", NULL};
        expect_usage(args, "unknown command 'frobnicate'", NULL);
    }
    {
        const char *args[] = {"fit", train, NULL};
        expect_usage(args, "-o MODEL is required", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--colour", "red", NULL};
        expect_usage(args, "unknown option '--colour'", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", NULL};
        expect_usage(args, "needs a value", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--kernel", "cubic", NULL};
        expect_usage(args, "unknown kernel 'cubic'", "matern52");
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--noise", "-1", NULL};
        expect_usage(args, "--noise needs", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--restarts", "many", NULL};
        expect_usage(args, "--restarts needs", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--mean", "per_source", NULL};
        expect_usage(args, "per_source needs", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--y", "z", NULL};
        expect_usage(args, "no column named 'z'", "train2.csv");
    }
    {
        const char *args[] = {"fit", train, "-o", model, "--target-source", "a", NULL};
        expect_usage(args, "--target-source 'a'", NULL);
    }
    {
        const char *args[] = {"fit", in_dir("train.csv"), "-o", model, "--noise-col", "sd",
                              "--noise", "0.1", NULL};
        expect_usage(args, "with --noise-col", NULL);
    }
    {
        const char *args[] = {"fit", BO_SOURCE_DIR "/tests/data/csv/not_number.csv", "-o",
                              model, NULL};
        expect_usage(args, "not_number.csv: line 4", "column 'b': 'abc' is not a number");
    }
    {
        const char *args[] = {"fit", BO_SOURCE_DIR "/tests/data/csv/header_only.csv", "-o",
                              model, NULL};
        expect_usage(args, "header_only.csv: line 1", "no data rows");
    }
    {
        write_file(in_dir("negsd.csv"), "x,sd,y\n1,0.1,2\n2,-0.1,3\n");
        {
            const char *args[] = {"fit", in_dir("negsd.csv"), "-o", model, "--noise-col",
                                  "sd", NULL};
            expect_usage(args, "line 3, column 'sd'", "negative");
        }
    }
    {
        write_file(in_dir("yonly.csv"), "y\n1\n2\n");
        {
            const char *args[] = {"fit", in_dir("yonly.csv"), "-o", model, NULL};
            expect_usage(args, "no input columns", NULL);
        }
    }
    {
        const char *args[] = {"predict", model, NULL};
        expect_usage(args, "expected MODEL and POINTS.csv", NULL);
    }
    {
        write_file(in_dir("wrongcol.csv"), "t\n1\n");
        {
            const char *args[] = {"predict", model, in_dir("wrongcol.csv"), NULL};
            expect_usage(args, "no column named 'x'", "wrongcol.csv");
        }
    }
    {
        /* A model cut short is refused with its file and line. */
        write_file(in_dir("cut.model"), "# cut\nbo-gp-model 1\nkernel matern52\nmean zero\n");
        {
            const char *args[] = {"predict", in_dir("cut.model"), in_dir("wrongcol.csv"),
                                  NULL};
            expect_usage(args, "cut.model: line 4", "truncated");
        }
    }
    {
        const char *args[] = {"predict", in_dir("missing.model"), in_dir("wrongcol.csv"),
                              NULL};
        expect_usage(args, "missing.model", "cannot open");
    }
    {
        const char *args[] = {"eval", model, NULL};
        expect_usage(args, "expected MODEL and TEST.csv", NULL);
    }
    /* Writing the model into a missing folder is a runtime failure. */
    {
        const char *args[] = {"fit", train, "-o", in_dir("no/such/dir/m.model"), NULL};
        rc = run(args);
        CHECK_MSG(rc == 1, "exit %d: %s", rc, test_slurp(err_path));
        CHECK(contains(test_slurp(err_path), "cannot create"));
    }
    /* Help goes to stdout with status 0. */
    {
        const char *cmds[4] = {"fit", "predict", "eval", "--help"};
        size_t k;
        for (k = 0; k < 4; k++) {
            const char *args[] = {cmds[k], "--help", NULL};
            if (k == 3) {
                args[1] = NULL;
            }
            rc = run(args);
            CHECK_MSG(rc == 0, "%s --help: exit %d", cmds[k], rc);
            CHECK_MSG(contains(test_slurp(out_path), "Usage: bo-gp"), "%s --help", cmds[k]);
        }
    }
}

/* A history as bo-run writes it (bo/io/history.c): two inputs, rows on HF
 * and LF in completion order, failed rows among them, and a source MF whose
 * only evaluation failed. Also writes the same successful rows, in the same
 * order, as a plain table (x1,x2,source,y) to plain. */
static void write_history(const char *path, const char *plain)
{
    static const char *const inputs[] = {"x1", "x2"};
    bo_history *h = NULL;
    char err[512];
    FILE *f = fopen(plain, "w");
    size_t i;
    double cum = 0.0;

    CHECK(f != NULL);
    CHECK(bo_history_create(path, inputs, 2, BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h, err,
                            sizeof err) == BO_OK);
    if (h == NULL || f == NULL) {
        if (f != NULL) {
            fclose(f);
        }
        bo_history_destroy(h);
        return;
    }
    fprintf(f, "x1,x2,source,y\n");
    for (i = 0; i < 24; i++) {
        double x[2] = {(double)(i % 6) / 5.0, (double)(i / 6) / 3.0};
        int lf = i % 3 != 0, failed = i % 7 == 5, mf = i == 11;
        const char *source = mf ? "MF" : lf ? "LF" : "HF";
        double y = sin(3.0 * x[0]) + x[1] * x[1] + (lf ? 0.2 * x[0] - 0.1 : 0.0);
        bo_history_row row = {0};
        cum += lf ? 1.0 : 10.0;
        /* Completion order, two workers: evals 2, 1, 4, 3, ... */
        row.eval = i % 2 == 0 ? i + 2 : i;
        row.phase = i < 8 ? BO_HISTORY_INIT : BO_HISTORY_BO;
        row.source = source;
        row.x = x;
        row.y = failed || mf ? NAN : y;
        row.status = failed || mf ? BO_HISTORY_FAILED : BO_HISTORY_OK;
        row.message = failed || mf ? "command exited with status 3; stderr: \"diverged\"" : "";
        row.cost = lf ? 1.0 : 10.0;
        row.cum_cost = cum;
        row.best = NAN;
        row.acq = i < 8 ? NAN : 0.1 * (double)i;
        row.suggest_seconds = 0.25;
        row.eval_seconds = 3.5;
        row.worker = i % 3 + 1;
        row.started = 1.7e9 + (double)i;
        row.finished = 1.7e9 + (double)i + 3.5;
        CHECK_MSG(bo_history_append(h, &row) == BO_OK, "%s", bo_history_errmsg(h));
        if (!failed && !mf) {
            fprintf(f, "%.17g,%.17g,%s,%.17g\n", x[0], x[1], source, y);
        }
    }
    bo_history_destroy(h);
    fclose(f);
}

static void test_history(void)
{
    const char *history = in_dir("history.csv"), *plain = in_dir("plain.csv");
    const char *from_history = in_dir("history.model"), *from_plain = in_dir("plain.model");
    char model_text[65536];
    int rc;

    write_history(history, plain);
    {
        const char *args[] = {"fit", history, "-o", from_history, "--seed", "5", NULL};
        const char *text;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "history fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(text, "a bo-run history: 24 evaluations, 4 failed skipped") &&
                      contains(text, "fitted 20 points, 2 inputs, 2 sources"),
                  "history fit output: %s", text);
    }
    /* The history's successful rows are fitted exactly as the same table
     * written by hand: the same model file, byte for byte (the fit is
     * deterministic given the data, their order and the seed). */
    snprintf(model_text, sizeof model_text, "%s", test_slurp(from_history));
    {
        const char *args[] = {"fit", plain, "-o", from_plain, "--source-col", "source",
                              "--y", "y", "--seed", "5", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "plain fit: exit %d: %s", rc, test_slurp(err_path));
    }
    CHECK_MSG(strcmp(model_text, test_slurp(from_plain)) == 0 && model_text[0] != '\0',
              "the history's model differs from the plain table's");
    CHECK(contains(model_text, "\nsource_column source\n") &&
          contains(model_text, "\ndata 20\n") && contains(model_text, " x1\n") &&
          !contains(model_text, "source MF"));
    /* The model's source column is the history's: predicting at the
     * history's own rows reaches the MF row, a source dropped for want of
     * data. */
    {
        const char *args[] = {"predict", from_history, history, NULL};
        expect_usage(args, "line 13, column 'source': 'MF' is not a source of the model", NULL);
    }
    /* --target-source picks among the sources that have data. */
    {
        const char *args[] = {"fit", history, "-o", from_history, "--target-source", "LF",
                              NULL};
        rc = run(args);
        CHECK_MSG(rc == 0 && contains(test_slurp(out_path), "target 'LF'"), "exit %d: %s %s", rc,
                  test_slurp(out_path), test_slurp(err_path));
    }
    {
        const char *args[] = {"fit", history, "-o", from_history, "--target-source", "MF",
                              NULL};
        expect_usage(args, "--target-source 'MF' is not a source with a successful evaluation",
                     NULL);
    }
    /* The history's columns have fixed roles. */
    {
        const char *args[] = {"fit", history, "-o", from_history, "--y", "cost", NULL};
        expect_usage(args, "is a bo-run history.csv: its response is y", NULL);
    }
    {
        const char *args[] = {"fit", history, "-o", from_history, "--noise-col", "acq", NULL};
        expect_usage(args, "drop --y, --source-col and --noise-col", NULL);
    }
    /* A bad cell is named by file, line and column (characters). */
    {
        const char *bad = in_dir("bad_history.csv");
        char line[400];
        FILE *in = fopen(history, "r"), *out = fopen(bad, "w");
        size_t n = 0;
        CHECK(in != NULL && out != NULL);
        while (in != NULL && out != NULL && fgets(line, sizeof line, in) != NULL) {
            if (++n == 3) {
                /* Row 2: eval,phase,source,x1,... -> x1 replaced by "abc". */
                char *p = line;
                for (int commas = 0; commas < 3; p++) {
                    commas += *p == ',';
                }
                fprintf(out, "%.*sabc%s", (int)(p - line), line, strchr(p, ','));
                continue;
            }
            fputs(line, out);
        }
        if (in != NULL) {
            fclose(in);
        }
        if (out != NULL) {
            fclose(out);
        }
        {
            const char *args[] = {"fit", bad, "-o", from_history, NULL};
            char want[700];
            /* Line 3 starts "1,init,LF," (eval 1 finished second): x1 at 11. */
            snprintf(want, sizeof want, "%s:3:11: x1: 'abc' is not a number", bad);
            expect_usage(args, want, NULL);
        }
    }
    /* Nothing succeeded: nothing to fit. */
    {
        const char *failed = in_dir("failed_history.csv");
        write_file(failed, "eval,phase,source,x,y,status,message\n"
                           "1,init,f,0.5,,failed,boom\n");
        {
            const char *args[] = {"fit", failed, "-o", from_history, NULL};
            expect_usage(args, "no successful evaluation to fit (1 failed)", NULL);
        }
    }
}

/* --version prints the project's version (CMakeLists.txt's project()) and
 * --help, -h and help the overview, all on stdout with status 0. */
/* bo-gp sobol on a model of y = x1 + 2 x2 on [0, 1]^2, which the GP
 * reproduces: the indices are (1/5, 4/5) for both orders, no interaction. */
static void test_sobol(void)
{
    const char *train = in_dir("linear.csv"), *model = in_dir("linear.model");
    char first_out[4096];
    double s1, t1, s2, t2;
    bo_rng rng;
    FILE *f = fopen(train, "w");
    int rc;
    size_t i;

    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    bo_rng_init(&rng, 17);
    fprintf(f, "x1,x2,y\n");
    for (i = 0; i < 30; i++) {
        double x1 = bo_rng_uniform(&rng), x2 = bo_rng_uniform(&rng);
        fprintf(f, "%.17g,%.17g,%.17g\n", x1, x2, x1 + 2.0 * x2);
    }
    /* The corners, so that the model's box (the data's min/max) is [0, 1]^2. */
    fprintf(f, "0,0,0\n1,1,3\n");
    fclose(f);
    {
        const char *args[] = {"fit", train, "-o", model, NULL};
        rc = run(args);
        CHECK_MSG(rc == 0, "fit: exit %d: %s", rc, test_slurp(err_path));
    }
    {
        const char *args[] = {"sobol", model, "--samples", "40000", NULL};
        const char *text;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "sobol: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(sscanf(text, "input,first_order,total\nx1,%lf,%lf\nx2,%lf,%lf\n", &s1, &t1,
                         &s2, &t2) == 4,
                  "sobol output: %s", text);
        CHECK_CLOSE(s1, 0.2, 0.0, 0.015);
        CHECK_CLOSE(t1, 0.2, 0.0, 0.015);
        CHECK_CLOSE(s2, 0.8, 0.0, 0.015);
        CHECK_CLOSE(t2, 0.8, 0.0, 0.015);
        /* No categorical input, no second table: the output is the one
         * table that scripts/sobol-chart.sh plots. */
        CHECK_MSG(!contains(text, "latent_distance") && !contains(text, "\n\n"),
                  "sobol output: %s", text);
        snprintf(first_out, sizeof first_out, "%s", text);
    }
    {
        /* Reproducible from its seed (1 by default); another seed, other samples. */
        const char *same[] = {"sobol", model, "--samples=40000", "--seed", "1", NULL};
        const char *other[] = {"sobol", model, "--samples", "40000", "--seed", "2", NULL};
        rc = run(same);
        CHECK(rc == 0 && strcmp(test_slurp(out_path), first_out) == 0);
        rc = run(other);
        CHECK(rc == 0 && strcmp(test_slurp(out_path), first_out) != 0);
    }
    {
        /* With the spread: two more columns; y is linear and pinned down by
         * 32 points, so the posterior draws hardly differ. */
        const char *args[] = {"sobol", model, "--draws", "20", NULL};
        double sd1, tsd1, sd2, tsd2;
        const char *text;
        rc = run(args);
        text = test_slurp(out_path);
        CHECK_MSG(rc == 0, "sobol --draws: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(sscanf(text, "input,first_order,total,first_order_sd,total_sd\n"
                               "x1,%lf,%lf,%lf,%lf\nx2,%lf,%lf,%lf,%lf\n",
                         &s1, &t1, &sd1, &tsd1, &s2, &t2, &sd2, &tsd2) == 8,
                  "sobol --draws output: %s", text);
        CHECK(sd1 >= 0.0 && sd1 < 0.01 && tsd1 >= 0.0 && tsd1 < 0.01);
        CHECK(sd2 >= 0.0 && sd2 < 0.01 && tsd2 >= 0.0 && tsd2 < 0.01);
    }
    {
        const char *args[] = {"sobol", model, "--draws", "1", NULL};
        expect_usage(args, "--draws needs a count (2 to 1000), not '1'", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--draws", "1001", NULL};
        expect_usage(args, "--draws needs a count (2 to 1000), not '1001'", NULL);
    }
    {
        const char *args[] = {"sobol", NULL};
        expect_usage(args, "bo-gp sobol: expected one MODEL file", NULL);
    }
    {
        const char *args[] = {"sobol", model, model, NULL};
        expect_usage(args, "bo-gp sobol: unexpected argument", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--samples", "1", NULL};
        expect_usage(args, "--samples needs a count (2 to 10000000), not '1'", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--samples", "many", NULL};
        expect_usage(args, "--samples needs a count (2 to 10000000), not 'many'", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--samples", "20000000", NULL};
        expect_usage(args, "--samples needs a count", "not '20000000'");
    }
    {
        const char *args[] = {"sobol", model, "--seed", "-3", NULL};
        expect_usage(args, "--seed needs a non-negative integer, not '-3'", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--samples", NULL};
        expect_usage(args, "option --samples needs a value", NULL);
    }
    {
        const char *args[] = {"sobol", model, "--chains", "5", NULL};
        expect_usage(args, "unknown option '--chains'", NULL);
    }
    {
        const char *args[] = {"sobol", in_dir("missing.model"), NULL};
        expect_usage(args, "missing.model", "cannot open");
    }
    {
        write_file(in_dir("cut2.model"), "bo-gp-model 1\nkernel matern52\n");
        {
            const char *args[] = {"sobol", in_dir("cut2.model"), NULL};
            expect_usage(args, "cut2.model: line 2", NULL);
        }
    }
    {
        const char *args[] = {"sobol", "--help", NULL};
        rc = run(args);
        CHECK(rc == 0 && contains(test_slurp(out_path), "Usage: bo-gp sobol MODEL"));
    }
}

static void test_version_and_help(void)
{
    char version[64] = "", want[80];
    FILE *f = fopen(BO_SOURCE_DIR "/CMakeLists.txt", "r");
    char line[256];
    int rc;
    CHECK(f != NULL);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "project(bo_run VERSION %63[0-9.]", version) == 1) {
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
    CHECK_MSG(version[0] != '\0', "no project VERSION in CMakeLists.txt");
    snprintf(want, sizeof want, "bo-gp %s\n", version);
    {
        const char *args[] = {"--version", NULL};
        rc = run(args);
        CHECK_MSG(rc == 0 && strcmp(test_slurp(out_path), want) == 0, "--version: exit %d, '%s'",
                  rc, test_slurp(out_path));
    }
    {
        const char *const helps[] = {"--help", "-h", "help"};
        for (size_t k = 0; k < 3; k++) {
            const char *args[] = {helps[k], NULL};
            const char *text;
            rc = run(args);
            text = test_slurp(out_path);
            CHECK_MSG(rc == 0 && contains(text, "Usage: bo-gp COMMAND") &&
                          contains(text, "--version") && contains(text, "history.csv"),
                      "%s: exit %d: %s", helps[k], rc, text);
        }
    }
    {
        const char *args[] = {"fit", "--help", NULL};
        rc = run(args);
        CHECK(rc == 0 && contains(test_slurp(out_path), "bo-run history.csv"));
    }
}

/* The extremes of the fault campaign: predictions far outside the box are
 * the prior's (were -nan from |x| ~ 1e154), and responses whose variances
 * are not doubles (y ~ 1e-300: sd ~ 5e-5 reported; y ~ 1e300: no fit) are
 * refused with a message saying to rescale. */
static void test_extremes(void)
{
    char text[2048], row[128];
    size_t used = (size_t)snprintf(text, sizeof text, "x,y\n");
    for (int i = 0; i < 12; i++) {
        double x = i / 11.0;
        snprintf(row, sizeof row, "%.17g,%.17g\n", x, sin(6.0 * x));
        used += (size_t)snprintf(text + used, sizeof text - used, "%s", row);
    }
    write_file(in_dir("ext_train.csv"), text);
    write_file(in_dir("ext_points.csv"), "x\n0.5\n1e154\n-1e154\n1e300\n-1.7e308\n");
    const char *fit[] = {"fit", in_dir("ext_train.csv"), "-o", in_dir("ext.model"), NULL};
    CHECK(run(fit) == 0);
    const char *predict[] = {"predict", in_dir("ext.model"), in_dir("ext_points.csv"), NULL};
    int rc = run(predict);
    const char *out = test_slurp(out_path);
    CHECK_MSG(rc == 0 && !contains(out, "nan") && !contains(out, "inf"), "exit %d: %s", rc, out);
    double mean[8], sd[8];
    size_t n = parse_predictions(out, "mean,sd", mean, sd, NULL, 8);
    CHECK_MSG(n == 5, "%zu predictions: %s", n, out);
    for (size_t i = 2; i < n; i++) /* all far: the same prior mean and sd */
        CHECK(mean[i] == mean[1] && sd[i] == sd[1] && sd[1] > 0 && isfinite(sd[1]));

    static const char *const scales[] = {"1e-300", "1e300"};
    for (size_t k = 0; k < 2; k++) {
        used = (size_t)snprintf(text, sizeof text, "x,y\n");
        for (int i = 0; i < 12; i++) {
            double x = i / 11.0;
            snprintf(row, sizeof row, "%.17g,%.17g\n", x, atof(scales[k]) * (2 + sin(6 * x)));
            used += (size_t)snprintf(text + used, sizeof text - used, "%s", row);
        }
        write_file(in_dir("ext_scaled.csv"), text);
        const char *args[] = {"fit", in_dir("ext_scaled.csv"), "-o", in_dir("ext2.model"), NULL};
        expect_usage(args, "y's standard deviation", "rescale y");
    }
}

/* Removes the temporary folder's files (flat, no subfolders). */
static void remove_dir(void)
{
    const char *names[] = {"train.csv", "train2.csv", "sin.model", "points.csv",
                           "shifted.csv", "test.csv", "noy.csv", "mf.csv", "mf.model",
                           "mfpoints.csv", "negsd.csv", "yonly.csv", "wrongcol.csv",
                           "cut.model", "cut2.model", "linear.csv", "linear.model",
                           "history.csv", "plain.csv", "history.model",
                           "plain.model", "bad_history.csv", "failed_history.csv",
                           "ext_train.csv", "ext_points.csv", "ext.model", "ext_scaled.csv",
                           "full.model", "full_latent.png", "full_latent.gp",
                           "full_latent.dat", "out.txt", "err.txt", NULL};
    size_t i;
    for (i = 0; names[i] != NULL; i++) {
        remove(in_dir(names[i]));
    }
    rmdir(dir);
}

/* Categorical inputs: a text column (found by itself) and a column of
 * numeric codes (named with --categorical), the model file, predict and
 * eval with level names, unknown levels, the latent-map figure. */
static double cat_truth(double x, int material, int code)
{
    /* steel and copper behave alike, aluminium and titanium alike. */
    double group = (material == 0 || material == 3) ? 2.0 : 0.0;
    return sin(3.0 * x) + group + 0.3 * (double)code * x;
}

static void write_cat_table(const char *path, size_t n, uint64_t seed, const char *unknown)
{
    static const char *materials[4] = {"steel", "alu minium", "titanium", "copper"};
    FILE *f = fopen(path, "w");
    bo_rng rng;
    size_t i;
    bo_rng_init(&rng, seed);
    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    fprintf(f, "x,material,code,y\n");
    for (i = 0; i < n; i++) {
        double x = bo_rng_uniform(&rng);
        int mat = (int)(i % 4), code = 1 + (int)((i / 4) % 3);
        const char *name = (unknown != NULL && i == 1) ? unknown : materials[mat];
        fprintf(f, "%.17g,\"%s\",%d,%.17g\n", x, name, code, cat_truth(x, mat, code));
    }
    fclose(f);
}

/* The points of one map in bo-gp latent's CSV (map,level,z1,z2; a level
 * name holds no comma), at most 4; returns how many. */
static size_t latent_points_of(const char *csv, const char *map, double (*z)[2])
{
    size_t n = 0, len = strlen(map);
    for (const char *line = strchr(csv, '\n'); line != NULL && n < 4;
         line = strchr(line + 1, '\n')) {
        const char *row = line + 1, *comma;
        if (strncmp(row, map, len) != 0 || row[len] != ',') {
            continue;
        }
        comma = strchr(row + len + 1, ',');
        if (comma != NULL && sscanf(comma + 1, "%lf,%lf", &z[n][0], &z[n][1]) == 2) {
            n++;
        }
    }
    return n;
}

static void test_categorical(void)
{
    const char *train = in_dir("cat_train.csv"), *test = in_dir("cat_test.csv");
    const char *model = in_dir("cat.model"), *model2 = in_dir("cat2.model");
    const char *bad = in_dir("cat_bad.csv"), *fig = in_dir("cat_latent.png");
    const char *empty = in_dir("cat_empty.csv"), *mixed = in_dir("cat_mixed.csv");
    const char *sin_model = in_dir("cat_sin.model"), *sin_train = in_dir("cat_sin.csv");
    write_cat_table(train, 48, 1, NULL);
    write_cat_table(test, 40, 2, NULL);
    write_cat_table(bad, 5, 3, "copper plate");
    {
        const char *args[] = {"fit", train, "-o", model, NULL};
        int rc = run(args);
        const char *out = test_slurp(out_path);
        CHECK_MSG(rc == 0, "fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(out, "categorical inputs: 1, latent map per input") &&
                      contains(out, "material  categorical, 4 levels"),
                  "fit output: %s", out);
        out = test_slurp(model);
        CHECK_MSG(contains(out, "\ncategorical 4 material\nlevel steel\nlevel alu minium\n") &&
                      contains(out, "\nlatent_map per_input\n") &&
                      contains(out, "\nlevel_latent 4\n") && contains(out, " code\n"),
                  "model: %.400s", out);
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--categorical", "code", NULL};
        int rc = run(args);
        const char *out = test_slurp(out_path);
        CHECK_MSG(rc == 0, "fit: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(out, "categorical inputs: 2"), "fit output: %s", out);
        CHECK(contains(test_slurp(model2), "\ncategorical 3 code\nlevel 1\nlevel 2\nlevel 3\n"));
    }
    {
        const char *args[] = {"eval", model2, test, NULL};
        int rc = run(args);
        double e = eval_figure(test_slurp(out_path), "NRMSE: ");
        CHECK_MSG(rc == 0 && e < 0.05, "eval: exit %d, NRMSE %g: %s", rc, e, test_slurp(err_path));
    }
    {
        /* Predictions at the test rows against the function, and the
         * gradient columns of the continuous input only. */
        const char *args[] = {"predict", model2, test, "--grad", NULL};
        double mean[40], sd[40], dm[40];
        int rc = run(args);
        size_t got;
        CHECK_MSG(rc == 0, "predict: exit %d: %s", rc, test_slurp(err_path));
        got = parse_predictions(test_slurp(out_path), "mean,sd,dmean_x", mean, sd, dm, 40);
        CHECK(got == 40);
    }
    {
        const char *args[] = {"predict", model2, bad, NULL};
        expect_usage(args, "cat_bad.csv: line 3, column 'material': 'copper plate' is not a "
                           "level", "'steel', 'alu minium', 'titanium', 'copper'");
    }
    {
        const char *args[] = {"eval", model, bad, NULL};
        expect_usage(args, "line 3, column 'material'", NULL);
    }
    {
        const char *args[] = {"latent", model2, "-o", fig, NULL};
        int rc = run(args);
        const char *out = test_slurp(out_path);
        CHECK_MSG(rc == 0, "latent: exit %d: %s", rc, test_slurp(err_path));
        CHECK_MSG(contains(out, "map,level,z1,z2\nmaterial,steel,0,0\n") &&
                      contains(out, "\nmaterial,alu minium,") && contains(out, "\ncode,3,"),
                  "latent output: %s", out);
        if (access("/usr/bin/gnuplot", X_OK) == 0) {
            const char *png = test_slurp(fig);
            CHECK_MSG(strncmp(png, "\x89PNG", 4) == 0, "%s is not a PNG", fig);
        }
        CHECK(contains(test_slurp(in_dir("cat_latent.dat")), "\"alu minium\""));
    }
    {
        /* After the Sobol table, each categorical input's mean distance
         * between its levels: the mean over pairs of the points bo-gp
         * latent prints (to their 10 digits). */
        const char *latent_args[] = {"latent", model2, "-o", fig, NULL};
        const char *args[] = {"sobol", model2, "--samples", "2000", NULL};
        const char *out, *table;
        double got[2] = {-1.0, -1.0};
        int rc = run(latent_args);
        CHECK_MSG(rc == 0, "latent: exit %d: %s", rc, test_slurp(err_path));
        for (int map = 0; map < 2; map++) {
            double z[4][2], sum = 0.0;
            size_t L = latent_points_of(test_slurp(out_path), map ? "code" : "material", z);
            CHECK(L == (map ? 3u : 4u));
            for (size_t p = 0; p < L; p++) {
                for (size_t q = p + 1; q < L; q++) {
                    sum += hypot(z[p][0] - z[q][0], z[p][1] - z[q][1]);
                }
            }
            got[map] = sum / (0.5 * (double)(L * (L - 1)));
        }
        rc = run(args);
        out = test_slurp(out_path);
        CHECK_MSG(rc == 0, "sobol: exit %d: %s", rc, test_slurp(err_path));
        table = strstr(out, "\n\ninput,levels,latent_distance\n");
        double material = -1.0, code = -1.0;
        CHECK_MSG(table != NULL && sscanf(table, "\n\ninput,levels,latent_distance\n"
                                                 "material,4,%lf\ncode,3,%lf\n",
                                          &material, &code) == 2,
                  "sobol output: %s", out);
        printf("bo-gp sobol of cat2.model (per-input maps):\n%s", out);
        CHECK_CLOSE(material, got[0], 0.0, 2e-6);
        CHECK_CLOSE(code, got[1], 0.0, 2e-6);
        CHECK(material > 0.0 && code > 0.0);
    }
    {
        const char *args[] = {"latent", model2, "-o", in_dir("cat_latent.svg"), NULL};
        expect_usage(args, "must end in .png", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--categorical", "code",
                              "--latent", "shared", NULL};
        int rc = run(args);
        CHECK_MSG(rc == 0 && contains(test_slurp(out_path), "latent map shared"), "exit %d: %s", rc,
                  test_slurp(err_path));
        CHECK(contains(test_slurp(model2), "\nlatent_map shared\n") &&
              contains(test_slurp(model2), "\nlevel_latent 12\n"));
    }
    {
        const char *args[] = {"latent", model2, "-o", fig, NULL};
        int rc = run(args);
        CHECK_MSG(rc == 0 && contains(test_slurp(out_path), "\nshared,alu minium/2,"), "exit %d: %s",
                  rc, test_slurp(out_path));
    }
    {
        /* Categorical inputs (here with a shared latent map) are drawn
         * over their levels: a row each. */
        const char *args[] = {"sobol", model2, "--samples", "2000", NULL};
        int rc = run(args);
        const char *out = test_slurp(out_path);
        CHECK_MSG(rc == 0 && contains(out, "\nmaterial,") && contains(out, "\ncode,"),
                  "sobol: exit %d: %s%s", rc, out, test_slurp(err_path));
        /* A shared map has no distance per input: a note, no second table. */
        CHECK_MSG(!contains(out, "latent_distance") &&
                      contains(test_slurp(err_path), "cat2.model: note: the categorical "
                                                     "inputs share one latent map"),
                  "sobol: %s%s", out, test_slurp(err_path));
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--categorical", "nope", NULL};
        expect_usage(args, "--categorical: 'nope' is not an input column", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--categorical", "code,y", NULL};
        expect_usage(args, "'y' is not an input column", "response");
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--categorical", "code,", NULL};
        expect_usage(args, "ends with a comma", NULL);
    }
    {
        const char *args[] = {"fit", train, "-o", model2, "--latent", "joint", NULL};
        expect_usage(args, "--latent needs per_input or shared", NULL);
    }
    write_file(empty, "x,material,y\n0.1,steel,1\n0.2,,2\n0.3,copper,3\n");
    {
        const char *args[] = {"fit", empty, "-o", model2, NULL};
        expect_usage(args, "cat_empty.csv: line 3, column 'material': empty cell", NULL);
    }
    write_file(mixed, "x,material,y\n0.1,1,1\n0.2,abc,2\n0.3,2,3\n");
    {
        const char *args[] = {"fit", mixed, "-o", model2, NULL};
        expect_usage(args, "'abc' is not a number", "--categorical 'material'");
    }
    {
        const char *args[] = {"fit", mixed, "-o", model2, "--categorical", "material", NULL};
        int rc = run(args);
        CHECK_MSG(rc == 0, "exit %d: %s", rc, test_slurp(err_path));
    }
    /* Sources and a categorical input together (GP+'s HOIP setting): a
     * cheap biased source beside the target, both over x and the material;
     * the summary has the fidelity map and the latent map, and the figure
     * a panel for each. */
    {
        const char *mf = in_dir("cat_mf.csv"), *mf_model = in_dir("cat_mf.model");
        static const char *mats[4] = {"steel", "alu minium", "titanium", "copper"};
        FILE *f = fopen(mf, "w");
        bo_rng rng;
        size_t i;
        bo_rng_init(&rng, 9);
        CHECK(f != NULL);
        if (f != NULL) {
            fprintf(f, "x,material,fidelity,y\n");
            for (i = 0; i < 60; i++) {
                double x = bo_rng_uniform(&rng);
                int mat = (int)(i % 4), low = i % 3 != 0;
                double y = cat_truth(x, mat, 1) + (low ? 0.3 * x - 0.2 : 0.0);
                fprintf(f, "%.17g,%s,%s,%.17g\n", x, mats[mat], low ? "LF" : "HF", y);
            }
            fclose(f);
        }
        {
            const char *args[] = {"fit", mf, "-o", mf_model, "--source-col", "fidelity", NULL};
            int rc = run(args);
            const char *out = test_slurp(out_path);
            CHECK_MSG(rc == 0 && contains(out, "fidelity map") &&
                          contains(out, "latent map of 'material'"),
                      "exit %d: %s %s", rc, out, test_slurp(err_path));
        }
        {
            const char *args[] = {"latent", mf_model, "-o", fig, NULL};
            int rc = run(args);
            const char *out = test_slurp(out_path);
            CHECK_MSG(rc == 0 && contains(out, "\nsources,HF,0,0\n") &&
                          contains(out, "\nmaterial,steel,0,0\n"),
                      "exit %d: %s", rc, out);
        }
        {
            /* Predicting HF and LF rows by the source column. */
            const char *pts = in_dir("cat_mf_points.csv");
            double mean[2], sd[2];
            write_file(pts, "x,material,fidelity\n0.5,copper,HF\n0.5,copper,LF\n");
            const char *args[] = {"predict", mf_model, pts, NULL};
            CHECK(run(args) == 0);
            CHECK(parse_predictions(test_slurp(out_path), "mean,sd", mean, sd, NULL, 2) == 2);
            CHECK_MSG(fabs(mean[0] - cat_truth(0.5, 3, 1)) < 0.05 &&
                          fabs(mean[1] - (cat_truth(0.5, 3, 1) - 0.05)) < 0.05,
                      "HF %g (want %g), LF %g (want %g)", mean[0], cat_truth(0.5, 3, 1), mean[1],
                      cat_truth(0.5, 3, 1) - 0.05);
            remove(pts);
        }
        remove(mf);
        remove(mf_model);
    }
    write_file(sin_train, "x,y\n0,0\n1,0.84\n2,0.91\n3,0.14\n");
    {
        const char *args[] = {"fit", sin_train, "-o", sin_model, NULL};
        CHECK(run(args) == 0);
    }
    {
        const char *args[] = {"latent", sin_model, "-o", fig, NULL};
        expect_usage(args, "no latent map", NULL);
    }
    {
        const char *names[] = {"cat_train.csv", "cat_test.csv", "cat.model", "cat2.model",
                               "cat_bad.csv", "cat_latent.png", "cat_latent.gp",
                               "cat_latent.dat", "cat_empty.csv", "cat_mixed.csv",
                               "cat_sin.model", "cat_sin.csv", NULL};
        size_t i;
        for (i = 0; names[i] != NULL; i++) {
            remove(in_dir(names[i]));
        }
    }
}

/* A full disk or a closed pipe on stdout is an error of every subcommand,
 * not a silently short table: /dev/full fails each write with ENOSPC. */
static void expect_write_failure(const char *const *args, const char *cmd)
{
    int rc = test_wait_exit(test_spawn(BO_GP, args, "/dev/full", err_path));
    char want[64];
    snprintf(want, sizeof want, "bo-gp %s: writing the output failed", cmd);
    CHECK_MSG(rc == 1, "%s to /dev/full: exit %d", cmd, rc);
    CHECK_MSG(contains(test_slurp(err_path), want), "%s to /dev/full: %s", cmd,
              test_slurp(err_path));
}

static void test_output_errors(void)
{
    if (access("/dev/full", W_OK) != 0) {
        return; /* not on this system: nothing to provoke the error with */
    }
    const char *model = in_dir("sin.model"), *full_model = in_dir("full.model");
    {
        const char *args[] = {"fit", in_dir("train2.csv"), "-o", full_model, NULL};
        expect_write_failure(args, "fit");
    }
    {
        const char *args[] = {"predict", model, in_dir("points.csv"), NULL};
        expect_write_failure(args, "predict");
    }
    {
        const char *args[] = {"eval", model, in_dir("test.csv"), NULL};
        expect_write_failure(args, "eval");
    }
    {
        const char *args[] = {"sobol", model, "--samples", "256", NULL};
        expect_write_failure(args, "sobol");
    }
    {
        const char *args[] = {"latent", in_dir("mf.model"), "-o", in_dir("full_latent.png"), NULL};
        expect_write_failure(args, "latent");
    }
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    snprintf(out_path, sizeof out_path, "%s/out.txt", dir);
    snprintf(err_path, sizeof err_path, "%s/err.txt", dir);
    if (access(BO_GP, X_OK) != 0) {
        fprintf(stderr, "%s is not built\n", BO_GP);
        return 1;
    }
    test_fit_predict_eval();
    test_two_sources();
    test_fit_criterion();
    test_bad_usage();
    test_history();
    test_sobol();
    test_version_and_help();
    test_extremes();
    test_output_errors();
    test_categorical();
    remove_dir();
    free_paths();
    return CHECK_DONE();
}
