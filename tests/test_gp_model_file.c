/* The bo-gp model file: write -> read gives back every value bit for bit and
 * a GP that predicts exactly as the saved one; truncated and malformed files
 * are refused with the file and line named. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo/io/model_file.h"
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"

static char tmpdir[] = "/tmp/bo_test_model_XXXXXX";

static int contains(const char *text, const char *part)
{
    return strstr(text, part) != NULL;
}

static char *copy_string(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (c != NULL) {
        strcpy(c, s);
    }
    return c;
}

/* A model of n points in 2 inputs over ns sources, from a smooth function
 * plus a little noise; known per-point noise when known_noise. */
static void make_model(bo_model_file *m, size_t n, size_t ns, int known_noise, uint64_t seed)
{
    bo_rng rng;
    size_t i, s;
    const char *labels[3] = {"high fidelity", "LF1", "LF2"};

    bo_rng_init(&rng, seed);
    CHECK(bo_model_file_alloc(m, 2, ns, n, known_noise) == BO_OK);
    bo_gp_options_default(&m->opt, 2);
    m->opt.n_sources = ns;
    m->opt.lower = m->lower;
    m->opt.upper = m->upper;
    m->opt.restarts = 2;
    m->opt.seed = 12345678901234567ULL;
    if (ns > 1) {
        m->opt.mean = BO_MEAN_PER_SOURCE;
        m->opt.noise = BO_NOISE_PER_SOURCE;
        m->opt.target_source = 1;
    }
    if (known_noise) {
        m->opt.noise = BO_NOISE_KNOWN;
        m->opt.learn_extra_noise = 1;
        m->noise_column = copy_string("noise sd");
    }
    m->input_names[0] = copy_string("pressure");
    m->input_names[1] = copy_string("temp (K)");
    m->response_name = copy_string("yield");
    if (ns > 1) {
        m->source_column = copy_string("fidelity");
    }
    for (s = 0; s < ns; s++) {
        m->source_names[s] = copy_string(labels[s]);
    }
    m->lower[0] = -1.5;
    m->upper[0] = 2.25;
    m->lower[1] = 300;
    m->upper[1] = 400.1;
    for (i = 0; i < n; i++) {
        double a = m->lower[0] + (m->upper[0] - m->lower[0]) * bo_rng_uniform(&rng);
        double b = m->lower[1] + (m->upper[1] - m->lower[1]) * bo_rng_uniform(&rng);
        m->X[2 * i] = a;
        m->X[2 * i + 1] = b;
        m->source[i] = i % ns;
        m->y[i] = sin(2 * a) + 0.01 * (b - 350) + 0.3 * (double)m->source[i] +
                  0.05 * bo_rng_normal(&rng);
        if (known_noise) {
            double sd = 0.02 + 0.05 * bo_rng_uniform(&rng);
            m->noise_var[i] = sd * sd;
        }
    }
}

static void same_string(const char *a, const char *b, const char *what)
{
    CHECK_MSG((a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0),
              "%s: '%s' vs '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

/* Every stored value must come back identical (doubles compared as bits). */
static void compare_models(const bo_model_file *a, const bo_model_file *b)
{
    size_t j;
    CHECK(a->opt.dim == b->opt.dim);
    CHECK(a->opt.n_sources == b->opt.n_sources);
    CHECK(a->opt.target_source == b->opt.target_source);
    CHECK(a->opt.kernel == b->opt.kernel);
    CHECK(a->opt.mean == b->opt.mean);
    CHECK(a->opt.noise == b->opt.noise);
    CHECK(memcmp(&a->opt.fixed_noise_var, &b->opt.fixed_noise_var, sizeof(double)) == 0);
    CHECK(a->opt.learn_extra_noise == b->opt.learn_extra_noise);
    CHECK(memcmp(&a->opt.noise_floor, &b->opt.noise_floor, sizeof(double)) == 0);
    CHECK(a->opt.restarts == b->opt.restarts);
    CHECK(a->opt.seed == b->opt.seed);
    CHECK(b->opt.lower == b->lower && b->opt.upper == b->upper);
    same_string(a->response_name, b->response_name, "response");
    same_string(a->noise_column, b->noise_column, "noise column");
    same_string(a->source_column, b->source_column, "source column");
    if (a->opt.dim != b->opt.dim || a->opt.n_sources != b->opt.n_sources ||
        a->n != b->n || a->n_hyper != b->n_hyper) {
        CHECK_MSG(0, "sizes differ");
        return;
    }
    for (j = 0; j < a->opt.dim; j++) {
        same_string(a->input_names[j], b->input_names[j], "input name");
    }
    for (j = 0; j < a->opt.n_sources; j++) {
        same_string(a->source_names[j], b->source_names[j], "source label");
    }
    for (j = 0; j < a->n_hyper; j++) {
        same_string(a->hyper_names[j], b->hyper_names[j], "hyper name");
    }
    CHECK(memcmp(a->lower, b->lower, a->opt.dim * sizeof(double)) == 0);
    CHECK(memcmp(a->upper, b->upper, a->opt.dim * sizeof(double)) == 0);
    CHECK(memcmp(a->theta, b->theta, a->n_hyper * sizeof(double)) == 0);
    CHECK(memcmp(a->X, b->X, a->n * a->opt.dim * sizeof(double)) == 0);
    CHECK(memcmp(a->y, b->y, a->n * sizeof(double)) == 0);
    CHECK(memcmp(a->source, b->source, a->n * sizeof(size_t)) == 0);
    CHECK((a->noise_var == NULL) == (b->noise_var == NULL));
    if (a->noise_var != NULL && b->noise_var != NULL) {
        CHECK(memcmp(a->noise_var, b->noise_var, a->n * sizeof(double)) == 0);
    }
}

/* Predictions of two GPs at points around and beyond the box must agree to
 * the last bit: the same data and hyperparameters give the same arithmetic. */
static void compare_predictions(bo_gp *a, bo_gp *b, size_t ns)
{
    size_t k, s;
    for (s = 0; s < ns; s++) {
        for (k = 0; k < 7; k++) {
            double x[2] = {-2.0 + 0.7 * (double)k, 290.0 + 18.0 * (double)k};
            double ma = 0, fa = 0, ya = 0, mb = 1, fb = 1, yb = 1;
            double ga[2] = {0, 0}, gb[2] = {1, 1};
            CHECK(bo_gp_predict(a, x, s, &ma, &fa, &ya) == BO_OK);
            CHECK(bo_gp_predict(b, x, s, &mb, &fb, &yb) == BO_OK);
            CHECK_MSG(ma == mb && fa == fb && ya == yb,
                      "source %zu point %zu: mean %.17g/%.17g var_f %.17g/%.17g var_y "
                      "%.17g/%.17g",
                      s, k, ma, mb, fa, fb, ya, yb);
            CHECK(bo_gp_predict_grad(a, x, s, NULL, NULL, ga, NULL) == BO_OK);
            CHECK(bo_gp_predict_grad(b, x, s, NULL, NULL, gb, NULL) == BO_OK);
            CHECK(ga[0] == gb[0] && ga[1] == gb[1]);
        }
    }
}

/* Fits (or conditions) a GP on m, saves it, reads it back and compares. */
static void round_trip(bo_model_file *m, int fit, const char *name)
{
    char path[600], err[512] = "";
    bo_gp *gp = NULL, *rebuilt = NULL;
    bo_model_file back;

    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    gp = bo_gp_create(&m->opt, err, sizeof err);
    CHECK_MSG(gp != NULL, "%s: create: %s", name, err);
    if (gp == NULL) {
        return;
    }
    CHECK(bo_gp_set_data(gp, m->n, m->X, m->source, m->y, m->noise_var) == BO_OK);
    if (fit) {
        CHECK_MSG(bo_gp_fit(gp, NULL) == BO_OK, "%s: fit: %s", name, bo_gp_errmsg(gp));
    } else {
        CHECK(bo_gp_condition(gp) == BO_OK);
    }
    CHECK(bo_model_file_capture(m, gp) == BO_OK);
    CHECK_MSG(bo_model_file_write(m, gp, path, err, sizeof err) == BO_OK, "%s", err);

    bo_model_file_init(&back);
    CHECK_MSG(bo_model_file_read(&back, path, err, sizeof err) == BO_OK, "%s: %s", name, err);
    compare_models(m, &back);
    CHECK_MSG(bo_model_file_build(&back, &rebuilt, err, sizeof err) == BO_OK, "%s: %s", name,
              err);
    if (rebuilt != NULL) {
        compare_predictions(gp, rebuilt, m->opt.n_sources);
    }
    /* Writing what was read gives the same file again. */
    {
        char path2[700];
        FILE *f1, *f2;
        int c1, c2, same = 1;
        snprintf(path2, sizeof path2, "%s.again", path);
        CHECK(bo_model_file_write(&back, rebuilt, path2, err, sizeof err) == BO_OK);
        f1 = fopen(path, "r");
        f2 = fopen(path2, "r");
        CHECK(f1 != NULL && f2 != NULL);
        if (f1 != NULL && f2 != NULL) {
            do {
                c1 = fgetc(f1);
                c2 = fgetc(f2);
                if (c1 != c2) {
                    same = 0;
                }
            } while (c1 != EOF && c2 != EOF);
            CHECK_MSG(same, "%s: rewritten file differs", name);
        }
        if (f1 != NULL) {
            fclose(f1);
        }
        if (f2 != NULL) {
            fclose(f2);
        }
        remove(path2);
    }
    remove(path);
    bo_gp_destroy(rebuilt);
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&back);
}

/* Reads the lines of a file into a NULL-terminated array. */
static char **read_lines(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    char **lines = NULL, *line = NULL;
    size_t cap = 0, n = 0;
    ssize_t got;
    if (f == NULL) {
        *count = 0;
        return NULL;
    }
    while ((got = getline(&line, &cap, f)) >= 0) {
        lines = realloc(lines, (n + 2) * sizeof *lines);
        lines[n++] = copy_string(line);
    }
    free(line);
    fclose(f);
    if (lines != NULL) {
        lines[n] = NULL;
    }
    *count = n;
    return lines;
}

static void free_lines(char **lines, size_t count)
{
    size_t i;
    for (i = 0; i < count; i++) {
        free(lines[i]);
    }
    free(lines);
}

/* Writes lines[0..keep) with line `replace_at` (1-based, 0 = none) replaced by
 * `replacement`, reads it back and expects BO_EPARSE naming the line. */
static void expect_bad(char **lines, size_t keep, size_t replace_at, const char *replacement,
                       size_t expect_line, const char *fragment)
{
    char path[600], err[512] = "", want[64];
    FILE *f;
    size_t i;
    bo_model_file m;
    bo_status st;

    snprintf(path, sizeof path, "%s/bad.model", tmpdir);
    f = fopen(path, "w");
    if (f == NULL) {
        CHECK_MSG(0, "cannot write %s", path);
        return;
    }
    for (i = 0; i < keep; i++) {
        fputs(i + 1 == replace_at ? replacement : lines[i], f);
    }
    fclose(f);
    bo_model_file_init(&m);
    st = bo_model_file_read(&m, path, err, sizeof err);
    /* Line 0 stands for an empty file, which has no line to name. */
    snprintf(want, sizeof want, expect_line ? "line %zu:" : "empty file", expect_line);
    CHECK_MSG(st == BO_EPARSE, "keep %zu, replace %zu: status %d (%s)", keep, replace_at,
              (int)st, err);
    CHECK_MSG(contains(err, "bad.model") && contains(err, want),
              "keep %zu, replace %zu: want '%s' in: %s", keep, replace_at, want, err);
    CHECK_MSG(fragment == NULL || contains(err, fragment), "want '%s' in: %s", fragment, err);
    /* A failed read leaves the struct clean. */
    CHECK(m.X == NULL && m.input_names == NULL && m.theta == NULL && m.opt.dim == 0);
    bo_model_file_cleanup(&m);
    remove(path);
}

/* Finds the first line starting with prefix (1-based), 0 if none. */
static size_t find_line(char **lines, size_t count, const char *prefix)
{
    size_t i;
    for (i = 0; i < count; i++) {
        if (strncmp(lines[i], prefix, strlen(prefix)) == 0) {
            return i + 1;
        }
    }
    return 0;
}

static void test_malformed(void)
{
    bo_model_file m;
    char path[600], err[512] = "";
    char **lines;
    size_t count, keep, at;
    bo_gp *gp;

    bo_model_file_init(&m);
    make_model(&m, 6, 2, 0, 3);
    gp = bo_gp_create(&m.opt, err, sizeof err);
    CHECK(gp != NULL);
    if (gp == NULL) {
        bo_model_file_cleanup(&m);
        return;
    }
    CHECK(bo_gp_set_data(gp, m.n, m.X, m.source, m.y, NULL) == BO_OK);
    CHECK(bo_gp_condition(gp) == BO_OK);
    CHECK(bo_model_file_capture(&m, gp) == BO_OK);
    snprintf(path, sizeof path, "%s/good.model", tmpdir);
    CHECK(bo_model_file_write(&m, gp, path, err, sizeof err) == BO_OK);
    lines = read_lines(path, &count);
    CHECK(count > 20);

    /* Every truncation that cuts a non-comment line off is refused, and the
     * message names the last line present (where the file ends). */
    for (keep = 0; keep < count; keep++) {
        size_t i, meaningful_after = 0;
        for (i = keep; i < count; i++) {
            const char *p = lines[i];
            while (*p == ' ') {
                p++;
            }
            if (*p != '#' && *p != '\n') {
                meaningful_after = 1;
            }
        }
        if (meaningful_after) {
            expect_bad(lines, keep, 0, NULL, keep, keep <= 1 ? "not a bo-gp model" : NULL);
        }
    }
    at = find_line(lines, count, "bo-gp-model");
    expect_bad(lines, count, at, "bo-gp-model 2\n", at, "version");
    at = find_line(lines, count, "kernel");
    expect_bad(lines, count, at, "kernel cubic\n", at, "unknown kernel 'cubic'");
    at = find_line(lines, count, "mean");
    expect_bad(lines, count, at, "mean linear\n", at, "unknown mean");
    at = find_line(lines, count, "noise ");
    expect_bad(lines, count, at, "noise loud\n", at, "unknown noise mode");
    at = find_line(lines, count, "fixed_noise_var");
    expect_bad(lines, count, at, "fixed_noise_var 1e-3x\n", at, "is not a number");
    expect_bad(lines, count, at, "fixed_noise_var nan\n", at, "not finite");
    expect_bad(lines, count, at, "seed 1\n", at, "expected 'fixed_noise_var'");
    at = find_line(lines, count, "learn_extra_noise");
    expect_bad(lines, count, at, "learn_extra_noise 2\n", at, "0 or 1");
    at = find_line(lines, count, "restarts");
    expect_bad(lines, count, at, "restarts -1\n", at, "non-negative integer");
    /* An optional name line without its name (the bytes after the key were
     * NULs in what fuzz_model_file found: the model read, but written back
     * as "source_column" it no longer did). */
    at = find_line(lines, count, "source_column");
    CHECK(at > 0);
    expect_bad(lines, count, at, "source_column\n", at, "'source_column' needs a name");
    expect_bad(lines, count, at, "noise_column \t \n", at, "'noise_column' needs a name");
    at = find_line(lines, count, "inputs");
    expect_bad(lines, count, at, "inputs 0\n", at, "between 1 and");
    at = find_line(lines, count, "input ");
    expect_bad(lines, count, at, "input 3 2 pressure\n", at, "not below upper");
    expect_bad(lines, count, at, "input 1 2\n", at, "has no name");
    expect_bad(lines, count, at, "input 1\n", at, "upper bound is missing");
    at = find_line(lines, count, "target");
    expect_bad(lines, count, at, "target 2\n", at, "not a source index");
    at = find_line(lines, count, "theta");
    expect_bad(lines, count, at, "theta x log_lengthscale[0]\n", at, "theta value");
    /* A count the file cannot hold is refused at once: the reader once
     * allocated room for it first, 8 PB here (found by fuzz_model_file). */
    at = find_line(lines, count, "data");
    expect_bad(lines, count, at, "data 1000000000000000\n", at,
               "'data' announces 1000000000000000 rows but the rest of the file holds at most");
    expect_bad(lines, count, at, "data 1000\n", at, "announces 1000 rows");
    at = find_line(lines, count, "data") + 1;
    expect_bad(lines, count, at, "0.5 300 7 1.0\n", at, "source index");
    expect_bad(lines, count, at, "0.5 300 0 1.0 4\n", at, "more values");
    expect_bad(lines, count, at, "0.5 300 0\n", at, "the response is missing");
    expect_bad(lines, count, at, "0.5 inf 0 1\n", at, "not finite");
    at = find_line(lines, count, "end");
    expect_bad(lines, count, at, "end now\n", at, "text after 'end'");
    {
        /* One data row more than announced stands where 'end' should. */
        size_t data_at = find_line(lines, count, "data") + 1;
        char **more = malloc((count + 2) * sizeof *more);
        size_t i, k = 0;
        for (i = 0; i < count; i++) {
            more[k++] = lines[i];
            if (i + 1 == data_at) {
                more[k++] = lines[i];
            }
        }
        more[k] = NULL;
        expect_bad(more, count + 1, 0, NULL, at, "expected 'end'");
        free(more);
    }

    /* A NUL byte anywhere, after 'end' too, makes the file not a text file:
     * one in the response's line read as a name ending in a blank, which
     * written back read as another name (found by fuzz_model_file). */
    {
        static const char *const nul_lines[] = {"response", "end"};
        for (size_t k = 0; k < 2; k++) {
            char bad[600];
            snprintf(bad, sizeof bad, "%s/nul.model", tmpdir);
            FILE *out = fopen(bad, "wb");
            size_t where = find_line(lines, count, nul_lines[k]);
            CHECK(out != NULL && where > 0);
            if (out == NULL)
                continue;
            for (size_t i = 0; i < count; i++) {
                if (i + 1 == where && k == 0)
                    fwrite("response ab \0cd\n", 1, 17, out);
                else
                    fputs(lines[i], out);
            }
            if (k == 1)
                fwrite("\0\n", 1, 2, out);
            fclose(out);
            bo_model_file back;
            bo_model_file_init(&back);
            char want[64];
            snprintf(want, sizeof want, "line %zu: a NUL byte; not a text model file",
                     k == 0 ? where : count + 1);
            CHECK(bo_model_file_read(&back, bad, err, sizeof err) == BO_EPARSE);
            CHECK_MSG(contains(err, want), "want '%s' in: %s", want, err);
            CHECK(back.X == NULL && back.input_names == NULL && back.response_name == NULL);
            remove(bad);
        }
    }

    /* A hyperparameter vector that does not fit the options is refused when
     * the GP is rebuilt. */
    {
        bo_model_file back;
        bo_gp *rebuilt = (bo_gp *)(void *)&back;
        bo_model_file_init(&back);
        CHECK(bo_model_file_read(&back, path, err, sizeof err) == BO_OK);
        back.opt.mean = BO_MEAN_ZERO; /* drops the per-source mean terms */
        CHECK(bo_model_file_build(&back, &rebuilt, err, sizeof err) == BO_EINVAL);
        CHECK(rebuilt == NULL);
        CHECK_MSG(contains(err, "hyperparameter"), "%s", err);
        bo_model_file_cleanup(&back);
    }
    /* A missing file. */
    {
        bo_model_file back;
        bo_model_file_init(&back);
        CHECK(bo_model_file_read(&back, "/nonexistent/model.txt", err, sizeof err) == BO_EIO);
        CHECK(contains(err, "/nonexistent/model.txt"));
    }
    /* Writing into a missing folder fails cleanly. */
    CHECK(bo_model_file_write(&m, gp, "/nonexistent/dir/model.txt", err, sizeof err) ==
          BO_EIO);

    free_lines(lines, count);
    remove(path);
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
}

static void test_names(void)
{
    bo_gp_mean mean;
    bo_gp_noise noise;
    CHECK(bo_model_mean_from_name("per_source", &mean) == 0 && mean == BO_MEAN_PER_SOURCE);
    CHECK(strcmp(bo_model_mean_name(BO_MEAN_ZERO), "zero") == 0);
    CHECK(bo_model_mean_from_name("average", &mean) == -1);
    CHECK(bo_model_noise_from_name("known", &noise) == 0 && noise == BO_NOISE_KNOWN);
    CHECK(strcmp(bo_model_noise_name(BO_NOISE_FIXED), "fixed") == 0);
    CHECK(bo_model_noise_from_name("none", &noise) == -1);
}

/* Categorical inputs: input 1 with three named levels, input 2 with two;
 * the model file keeps their levels, the latent mode and the canonical
 * latent points, and the rebuilt GP predicts bit for bit as the fitted one. */
static void test_categorical(bo_gp_latent_mode mode, size_t ns, const char *name)
{
    static const char *materials[3] = {"steel", "alu minium", "titanium"};
    static const char *shapes[2] = {"round", "square"};
    char path[600], err[512] = "";
    bo_model_file m, back;
    bo_gp *gp = NULL, *rebuilt = NULL;
    bo_rng rng;
    size_t i, j, n = 30, s;

    bo_model_file_init(&m);
    bo_model_file_init(&back);
    bo_rng_init(&rng, 77);
    CHECK(bo_model_file_alloc(&m, 3, ns, n, 0) == BO_OK);
    CHECK(bo_model_file_set_categorical(&m, 1, 3) == BO_OK);
    CHECK(bo_model_file_set_categorical(&m, 2, 2) == BO_OK);
    CHECK(bo_model_file_set_categorical(&m, 3, 2) == BO_EINVAL);
    bo_gp_options_default(&m.opt, 3);
    m.opt.n_sources = ns;
    m.opt.lower = m.lower;
    m.opt.upper = m.upper;
    m.opt.n_levels = m.n_levels;
    m.opt.latent_mode = mode;
    m.opt.restarts = 2;
    m.opt.seed = 5;
    if (ns > 1) {
        m.opt.mean = BO_MEAN_PER_SOURCE;
        m.opt.noise = BO_NOISE_PER_SOURCE;
        m.source_column = copy_string("fidelity");
    }
    m.input_names[0] = copy_string("thickness");
    m.input_names[1] = copy_string("material");
    m.input_names[2] = copy_string("shape");
    m.response_name = copy_string("mass");
    for (s = 0; s < ns; s++) {
        m.source_names[s] = copy_string(s == 0 ? "high" : "low");
    }
    for (j = 0; j < 3; j++) {
        m.level_names[1][j] = copy_string(materials[j]);
    }
    for (j = 0; j < 2; j++) {
        m.level_names[2][j] = copy_string(shapes[j]);
    }
    m.lower[0] = 1.0;
    m.upper[0] = 5.0;
    m.lower[1] = m.lower[2] = 0.0;
    m.upper[1] = 3.0;
    m.upper[2] = 2.0;
    for (i = 0; i < n; i++) {
        double t = 1.0 + 4.0 * bo_rng_uniform(&rng);
        m.X[3 * i] = t;
        m.X[3 * i + 1] = (double)(i % 3);
        m.X[3 * i + 2] = (double)((i / 3) % 2);
        m.source[i] = i % ns;
        m.y[i] = t * (1.0 + (double)(i % 3)) + 0.5 * m.X[3 * i + 2] + 0.2 * (double)m.source[i];
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    gp = bo_gp_create(&m.opt, err, sizeof err);
    CHECK_MSG(gp != NULL, "%s: %s", name, err);
    if (gp == NULL) {
        bo_model_file_cleanup(&m);
        return;
    }
    CHECK(bo_gp_set_data(gp, n, m.X, m.source, m.y, NULL) == BO_OK);
    CHECK_MSG(bo_gp_fit(gp, NULL) == BO_OK, "%s: %s", name, bo_gp_errmsg(gp));
    CHECK(bo_model_file_capture(&m, gp) == BO_OK);
    CHECK(m.n_level_latent == (mode == BO_LATENT_SHARED ? 6u : 5u));
    CHECK_MSG(bo_model_file_write(&m, gp, path, err, sizeof err) == BO_OK, "%s", err);
    CHECK_MSG(bo_model_file_read(&back, path, err, sizeof err) == BO_OK, "%s: %s", name, err);
    compare_models(&m, &back);
    CHECK(back.opt.latent_mode == mode);
    CHECK(back.n_levels[0] == 0 && back.n_levels[1] == 3 && back.n_levels[2] == 2);
    for (j = 0; j < 3; j++) {
        same_string(back.level_names[1][j], materials[j], "level name");
    }
    for (j = 0; j < 2; j++) {
        same_string(back.level_names[2][j], shapes[j], "level name");
    }
    CHECK(back.n_level_latent == m.n_level_latent);
    if (back.n_level_latent == m.n_level_latent) {
        CHECK(memcmp(back.level_latent, m.level_latent,
                     4 * m.n_level_latent * sizeof(double)) == 0);
    }
    /* The stored points are the GP's canonical ones. */
    for (i = 0; i < m.n_level_latent; i++) {
        double z[2];
        bo_gp_level_latent(gp, (size_t)m.level_latent[4 * i], (size_t)m.level_latent[4 * i + 1],
                           z);
        CHECK(z[0] == m.level_latent[4 * i + 2] && z[1] == m.level_latent[4 * i + 3]);
    }
    {
        char label[64];
        if (mode == BO_LATENT_SHARED) {
            same_string(bo_model_file_level_label(&back, 0, 3, label, sizeof label),
                        "alu minium/square", "combination label");
        } else {
            same_string(bo_model_file_level_label(&back, 0, 1, label, sizeof label),
                        "alu minium", "level label");
            same_string(bo_model_file_level_label(&back, 1, 1, label, sizeof label), "square",
                        "level label");
        }
    }
    CHECK_MSG(bo_model_file_build(&back, &rebuilt, err, sizeof err) == BO_OK, "%s: %s", name,
              err);
    if (rebuilt != NULL) {
        for (s = 0; s < ns; s++) {
            for (i = 0; i < 12; i++) {
                double x[3] = {0.5 + 0.45 * (double)i, (double)(i % 3), (double)(i % 2)};
                double ma = 0, fa = 0, mb = 1, fb = 1;
                CHECK(bo_gp_predict(gp, x, s, &ma, &fa, NULL) == BO_OK);
                CHECK(bo_gp_predict(rebuilt, x, s, &mb, &fb, NULL) == BO_OK);
                CHECK_MSG(ma == mb && fa == fb, "%s: %.17g/%.17g", name, ma, mb);
            }
        }
    }
    /* Malformed categorical parts, each refused at its line. */
    {
        size_t count, at;
        char **lines = read_lines(path, &count);
        at = find_line(lines, count, "level steel");
        expect_bad(lines, count, at + 1, "level steel\n", at + 1, "appears twice");
        at = find_line(lines, count, "categorical 3");
        expect_bad(lines, count, at, "categorical 0 material\n", at, "level count");
        at = find_line(lines, count, "latent_map");
        expect_bad(lines, count, at, "latent_map both\n", at, "unknown latent_map");
        at = find_line(lines, count, "level_latent");
        expect_bad(lines, count, at, "level_latent 4\n", at, "holds 4 points");
        at = find_line(lines, count, "data ");
        {
            char row[256];
            snprintf(row, sizeof row, "2.5 3 0 0 %s1.0\n", ns > 1 ? "" : "");
            expect_bad(lines, count, at + 1, row, at + 1, "not a level index");
        }
        free_lines(lines, count);
    }
    remove(path);
    bo_gp_destroy(gp);
    bo_gp_destroy(rebuilt);
    bo_model_file_cleanup(&m);
    bo_model_file_cleanup(&back);
}

int main(void)
{
    bo_model_file m;

    if (mkdtemp(tmpdir) == NULL) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    test_names();

    /* Single source, learned noise, a real fit. */
    bo_model_file_init(&m);
    make_model(&m, 20, 1, 0, 1);
    round_trip(&m, 1, "single.model");
    bo_model_file_cleanup(&m);

    /* Known per-point noise plus a learned term; fixed hyperparameters. */
    bo_model_file_init(&m);
    make_model(&m, 15, 1, 1, 2);
    m.opt.kernel = BO_KERNEL_SQEXP;
    round_trip(&m, 0, "known.model");
    bo_model_file_cleanup(&m);

    /* Three sources with per-source noise and means, a real fit. */
    bo_model_file_init(&m);
    make_model(&m, 18, 3, 0, 3);
    m.opt.kernel = BO_KERNEL_MATERN32;
    round_trip(&m, 1, "sources.model");
    bo_model_file_cleanup(&m);

    /* A fixed noise variance. */
    bo_model_file_init(&m);
    make_model(&m, 10, 1, 0, 4);
    m.opt.noise = BO_NOISE_FIXED;
    m.opt.fixed_noise_var = 0.1;
    m.opt.kernel = BO_KERNEL_ROUGH_RBF;
    round_trip(&m, 0, "fixed.model");
    bo_model_file_cleanup(&m);

    test_categorical(BO_LATENT_PER_VARIABLE, 1, "categorical.model");
    test_categorical(BO_LATENT_SHARED, 2, "shared.model");
    test_malformed();
    rmdir(tmpdir);
    return CHECK_DONE();
}
