/* The bo-gp model file reader (bo/io/model_file.h): bo_model_file_read on
 * any bytes, then what bo-gp predict does with a model that reads: rebuild
 * the GP (bo_model_file_build), predict at the middle of the input box on
 * every source, print the summary. Checks the header's promises: a failure
 * has a message and leaves the struct clean; a model that reads is written
 * back and read again bit for bit (bo_model_file_write). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/model_file.h"
#include "fuzz/fuzz_file.h"
#include "gp/gp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rebuilding costs O(n^3); larger models are read and written back only. */
#define MAX_BUILD_POINTS 64
#define MAX_BUILD_DIM 16

static int same_names(char *const *a, char *const *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((a[i] == NULL) != (b[i] == NULL) || (a[i] != NULL && strcmp(a[i], b[i]) != 0))
            return 0;
    return 1;
}

static int same_text(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static int same_doubles(const double *a, const double *b, size_t n)
{
    return n == 0 || (a != NULL && b != NULL && memcmp(a, b, n * sizeof *a) == 0);
}

static void check_same(const bo_model_file *a, const bo_model_file *b)
{
    const bo_gp_options *x = &a->opt, *y = &b->opt;
    if (x->kernel != y->kernel || x->mean != y->mean || x->noise != y->noise ||
        memcmp(&x->fixed_noise_var, &y->fixed_noise_var, sizeof(double)) != 0 ||
        x->learn_extra_noise != y->learn_extra_noise ||
        memcmp(&x->noise_floor, &y->noise_floor, sizeof(double)) != 0 ||
        x->restarts != y->restarts || x->seed != y->seed || x->dim != y->dim ||
        x->n_sources != y->n_sources || x->target_source != y->target_source)
        bo_fuzz_fail("the options differ after writing and reading");
    if (!same_names(a->input_names, b->input_names, x->dim) ||
        !same_doubles(a->lower, b->lower, x->dim) || !same_doubles(a->upper, b->upper, x->dim))
        bo_fuzz_fail("the inputs differ after writing and reading");
    if (!same_text(a->response_name, b->response_name) ||
        !same_text(a->noise_column, b->noise_column) ||
        !same_text(a->source_column, b->source_column) ||
        !same_names(a->source_names, b->source_names, x->n_sources))
        bo_fuzz_fail("the names differ after writing and reading");
    if (a->n_hyper != b->n_hyper || !same_doubles(a->theta, b->theta, a->n_hyper) ||
        !same_names(a->hyper_names, b->hyper_names, a->n_hyper))
        bo_fuzz_fail("the hyperparameters differ after writing and reading");
    if (a->n != b->n || !same_doubles(a->X, b->X, a->n * x->dim) ||
        !same_doubles(a->y, b->y, a->n) ||
        (a->noise_var != NULL) != (b->noise_var != NULL) ||
        (a->noise_var != NULL && !same_doubles(a->noise_var, b->noise_var, a->n)) ||
        memcmp(a->source, b->source, a->n * sizeof *a->source) != 0)
        bo_fuzz_fail("the data differ after writing and reading");
    for (size_t j = 0; j < x->dim; j++)
        if (a->n_levels[j] != b->n_levels[j] ||
            (a->n_levels[j] > 0 && !same_names(a->level_names[j], b->level_names[j],
                                               a->n_levels[j])))
            bo_fuzz_fail("the categorical inputs differ after writing and reading");
    if (x->latent_mode != y->latent_mode || a->n_level_latent != b->n_level_latent ||
        !same_doubles(a->level_latent, b->level_latent, 4 * a->n_level_latent))
        bo_fuzz_fail("the latent maps differ after writing and reading");
}

static void use_model(const bo_model_file *m)
{
    static FILE *null_out;
    bo_gp *gp = NULL;
    char err[512];
    if (m->n > MAX_BUILD_POINTS || m->opt.dim > MAX_BUILD_DIM)
        return;
    if (bo_model_file_build(m, &gp, err, sizeof err) != BO_OK)
        return;
    double x[MAX_BUILD_DIM];
    for (size_t j = 0; j < m->opt.dim; j++)
        x[j] = 0.5 * (m->lower[j] + m->upper[j]);
    for (size_t s = 0; s < m->opt.n_sources && s < 8; s++) {
        double mean, var_f, var_y;
        bo_gp_predict(gp, x, s, &mean, &var_f, &var_y);
    }
    if (null_out == NULL)
        null_out = fopen("/dev/null", "w");
    if (null_out != NULL)
        bo_model_file_summary(m, gp, null_out, "# ");
    bo_gp_destroy(gp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bo_fuzz_file("model.txt", data, size);
    bo_model_file m;
    char err[512] = "";
    bo_model_file_init(&m);
    bo_status status = bo_model_file_read(&m, path, err, sizeof err);
    if (status != BO_OK) {
        if (err[0] == '\0' || m.input_names != NULL || m.theta != NULL || m.X != NULL ||
            m.opt.dim != 0 || m.n != 0)
            bo_fuzz_fail("bo_model_file_read failed (%s) without a message or left content",
                         bo_strerror(status));
        return 0;
    }
    use_model(&m);

    const char *copy = bo_fuzz_path("written.txt");
    if (bo_model_file_write(&m, NULL, copy, err, sizeof err) != BO_OK)
        bo_fuzz_fail("cannot write the model back: %s", err);
    bo_model_file again;
    bo_model_file_init(&again);
    if (bo_model_file_read(&again, copy, err, sizeof err) != BO_OK)
        bo_fuzz_fail("the model written back does not read: %s", err);
    check_same(&m, &again);
    bo_model_file_cleanup(&again);
    bo_model_file_cleanup(&m);
    return 0;
}
