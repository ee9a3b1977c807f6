#define _POSIX_C_SOURCE 200809L

#include "bo/io/classifier_file.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/atomic_file.h"

#define CLASSIFIER_VERSION 1

void bo_classifier_file_init(bo_classifier_file *c)
{
    memset(c, 0, sizeof *c);
}

void bo_classifier_file_cleanup(bo_classifier_file *c)
{
    for (size_t j = 0; c->input_names && j < c->dim; j++)
        free(c->input_names[j]);
    free(c->input_names);
    free(c->lower);
    free(c->label_name);
    free(c->theta);
    free(c->X);
    free(c->success);
    bo_classifier_file_init(c);
}

bo_status bo_classifier_file_alloc(bo_classifier_file *c, size_t dim, size_t n)
{
    bo_classifier_file_cleanup(c);
    if (dim == 0 || n == 0 || n > SIZE_MAX / sizeof(double) / dim)
        return BO_EINVAL;
    c->dim = dim;
    c->n = n;
    c->input_names = calloc(dim, sizeof *c->input_names);
    c->lower = malloc(2 * dim * sizeof *c->lower);
    c->X = malloc(n * dim * sizeof *c->X);
    c->success = malloc(n * sizeof *c->success);
    if (!c->input_names || !c->lower || !c->X || !c->success) {
        bo_classifier_file_cleanup(c);
        return BO_ENOMEM;
    }
    c->upper = c->lower + dim;
    return BO_OK;
}

int bo_classifier_file_is(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[64];
    int is = fgets(line, sizeof line, f) != NULL &&
             strncmp(line, BO_CLASSIFIER_MAGIC " ", strlen(BO_CLASSIFIER_MAGIC) + 1) == 0;
    fclose(f);
    return is;
}

bo_status bo_classifier_file_build(const bo_classifier_file *c, bo_gpc **out, char *errbuf,
                                   size_t errlen)
{
    *out = NULL;
    bo_gpc_options o;
    bo_gpc_options_default(&o, c->dim);
    o.kernel = c->kernel;
    o.lower = c->lower;
    o.upper = c->upper;
    bo_gpc *g = bo_gpc_create(&o, errbuf, errlen);
    if (!g)
        return BO_EINVAL;
    if (bo_gpc_n_hyper(g) != c->n_hyper) {
        bo_msg(errbuf, errlen, "the file has %zu hyperparameters, a %zu-input classifier %zu",
               c->n_hyper, c->dim, bo_gpc_n_hyper(g));
        bo_gpc_destroy(g);
        return BO_EINVAL;
    }
    bo_status st = bo_gpc_set_data(g, c->n, c->X, c->success);
    if (st == BO_OK)
        st = bo_gpc_set_hyper(g, c->theta);
    if (st != BO_OK) {
        bo_msg(errbuf, errlen, "%s", bo_gpc_errmsg(g));
        bo_gpc_destroy(g);
        return st;
    }
    *out = g;
    return BO_OK;
}

bo_status bo_classifier_file_write(const bo_classifier_file *c, const char *path,
                                   char *errbuf, size_t errlen)
{
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, errbuf, errlen);
    if (!f)
        return BO_EIO;
    fprintf(f, "%s %d\n", BO_CLASSIFIER_MAGIC, CLASSIFIER_VERSION);
    fprintf(f, "# A GP classifier of success (probit likelihood, Laplace approximation):\n"
               "# 'bo-gp predict' prints P(success) for each row of a CSV.\n");
    fprintf(f, "kernel %s\n", bo_kernel_name(c->kernel));
    fprintf(f, "label %s\n", c->label_name);
    fprintf(f, "inputs %zu\n", c->dim);
    for (size_t j = 0; j < c->dim; j++)
        fprintf(f, "input %.17g %.17g %s\n", c->lower[j], c->upper[j], c->input_names[j]);
    fprintf(f, "hyper %zu\n", c->n_hyper);
    for (size_t k = 0; k < c->n_hyper; k++)
        fprintf(f, "theta %.17g\n", c->theta[k]);
    fprintf(f, "data %zu\n", c->n);
    for (size_t i = 0; i < c->n; i++) {
        for (size_t j = 0; j < c->dim; j++)
            fprintf(f, "%.17g ", c->X[i * c->dim + j]);
        fprintf(f, "%d\n", c->success[i]);
    }
    fprintf(f, "end\n");
    return bo_atomic_file_commit(&af, errbuf, errlen);
}

/* ---- reading ---- */

typedef struct reader {
    FILE *f;
    const char *path;
    size_t line_no;
    char *line;
    size_t cap;
    char *errbuf;
    size_t errlen;
} reader;

static bo_status parse_fail(reader *rd, const char *what)
{
    bo_msg(rd->errbuf, rd->errlen, "%s: line %zu: %s", rd->path, rd->line_no, what);
    return BO_EPARSE;
}

/* The next line that is neither blank nor a comment, without its newline. */
static bo_status next_line(reader *rd)
{
    for (;;) {
        ssize_t len = getline(&rd->line, &rd->cap, rd->f);
        if (len < 0) {
            if (ferror(rd->f)) {
                bo_msg(rd->errbuf, rd->errlen, "%s: %s", rd->path, strerror(errno));
                return BO_EIO;
            }
            rd->line_no++;
            return parse_fail(rd, "the file ends early (truncated?)");
        }
        rd->line_no++;
        if ((size_t)len != strlen(rd->line))
            return parse_fail(rd, "a NUL byte in the line");
        while (len > 0 && (rd->line[len - 1] == '\n' || rd->line[len - 1] == '\r'))
            rd->line[--len] = '\0';
        if (len > 0 && rd->line[0] != '#')
            return BO_OK;
    }
}

/* The line is "key rest"; *rest points after the space. */
static bo_status keyed(reader *rd, const char *key, char **rest)
{
    bo_status st = next_line(rd);
    if (st != BO_OK)
        return st;
    size_t k = strlen(key);
    if (strncmp(rd->line, key, k) != 0 || rd->line[k] != ' ') {
        char what[160];
        snprintf(what, sizeof what, "expected '%s ...'", key);
        return parse_fail(rd, what);
    }
    *rest = rd->line + k + 1;
    return BO_OK;
}

static int parse_count(const char *s, size_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno || s[0] == '-' || x > SIZE_MAX)
        return -1;
    *v = (size_t)x;
    return 0;
}

/* A finite number, then *end at what follows it. */
static int parse_num(const char *s, double *v, char **end)
{
    errno = 0;
    *v = strtod(s, end);
    return *end == s || !isfinite(*v) ? -1 : 0;
}

static bo_status read_body(reader *rd, bo_classifier_file *c)
{
    char *rest;
    bo_status st = keyed(rd, BO_CLASSIFIER_MAGIC, &rest);
    if (st != BO_OK)
        return st;
    size_t version, dim, n, nh;
    if (parse_count(rest, &version) != 0 || version != CLASSIFIER_VERSION)
        return parse_fail(rd, "classifier file version not 1");
    bo_kernel_kind kernel;
    if ((st = keyed(rd, "kernel", &rest)) != BO_OK)
        return st;
    if (bo_kernel_from_name(rest, &kernel) != 0)
        return parse_fail(rd, "unknown kernel");
    if ((st = keyed(rd, "label", &rest)) != BO_OK)
        return st;
    char *label = strdup(rest);
    if (!label)
        return BO_ENOMEM;
    if ((st = keyed(rd, "inputs", &rest)) != BO_OK || parse_count(rest, &dim) != 0 || dim == 0 ||
        dim > 100000) {
        free(label);
        return st != BO_OK ? st : parse_fail(rd, "the number of inputs is not a count >= 1");
    }
    /* The data count comes later: the inputs first, into a one-point
     * allocation that is redone at 'data'. */
    char **names = calloc(dim, sizeof *names);
    double *box = malloc(2 * dim * sizeof *box);
    double *theta = NULL;
    if (!names || !box) {
        st = BO_ENOMEM;
        goto fail;
    }
    for (size_t j = 0; j < dim; j++) {
        char *end;
        if ((st = keyed(rd, "input", &rest)) != BO_OK)
            goto fail;
        if (parse_num(rest, &box[j], &end) != 0 || *end != ' ' ||
            parse_num(end + 1, &box[dim + j], &end) != 0 || *end != ' ' || !end[1] ||
            !(box[j] < box[dim + j])) {
            st = parse_fail(rd, "expected 'input LOWER UPPER NAME' with LOWER < UPPER");
            goto fail;
        }
        if (!(names[j] = strdup(end + 1))) {
            st = BO_ENOMEM;
            goto fail;
        }
    }
    if ((st = keyed(rd, "hyper", &rest)) != BO_OK)
        goto fail;
    if (parse_count(rest, &nh) != 0 || nh == 0 || nh > dim + 2) {
        st = parse_fail(rd, "the number of hyperparameters is not a count up to inputs + 2");
        goto fail;
    }
    if (!(theta = malloc(nh * sizeof *theta))) {
        st = BO_ENOMEM;
        goto fail;
    }
    for (size_t k = 0; k < nh; k++) {
        char *end;
        if ((st = keyed(rd, "theta", &rest)) != BO_OK)
            goto fail;
        if (parse_num(rest, &theta[k], &end) != 0 || *end != '\0') {
            st = parse_fail(rd, "expected 'theta VALUE', VALUE a finite number");
            goto fail;
        }
    }
    if ((st = keyed(rd, "data", &rest)) != BO_OK)
        goto fail;
    if (parse_count(rest, &n) != 0 || n == 0) {
        st = parse_fail(rd, "the number of data rows is not a count >= 1");
        goto fail;
    }
    if ((st = bo_classifier_file_alloc(c, dim, n)) != BO_OK) {
        if (st == BO_EINVAL)
            st = parse_fail(rd, "the number of data rows is too large");
        goto fail;
    }
    c->kernel = kernel;
    c->label_name = label;
    label = NULL;
    for (size_t j = 0; j < dim; j++) {
        c->input_names[j] = names[j];
        names[j] = NULL;
        c->lower[j] = box[j];
        c->upper[j] = box[dim + j];
    }
    c->n_hyper = nh;
    c->theta = theta;
    theta = NULL;
    for (size_t i = 0; i < n; i++) {
        if ((st = next_line(rd)) != BO_OK)
            goto fail;
        char *p = rd->line, *end;
        for (size_t j = 0; j < dim; j++, p = end) {
            if (parse_num(p, &c->X[i * dim + j], &end) != 0 || *end != ' ') {
                st = parse_fail(rd, "expected a data row: the inputs, then 1 or 0");
                goto fail;
            }
        }
        if (strcmp(p, " 1") != 0 && strcmp(p, " 0") != 0) {
            st = parse_fail(rd, "expected a data row: the inputs, then 1 or 0");
            goto fail;
        }
        c->success[i] = p[1] == '1';
    }
    if ((st = next_line(rd)) != BO_OK)
        goto fail;
    if (strcmp(rd->line, "end") != 0) {
        st = parse_fail(rd, "expected 'end' after the data rows");
        goto fail;
    }
    free(names);
    free(box);
    return BO_OK;
fail:
    for (size_t j = 0; names && j < dim; j++)
        free(names[j]);
    free(names);
    free(box);
    free(theta);
    free(label);
    bo_classifier_file_cleanup(c);
    return st;
}

bo_status bo_classifier_file_read(bo_classifier_file *c, const char *path, char *errbuf,
                                  size_t errlen)
{
    bo_classifier_file_cleanup(c);
    reader rd = {fopen(path, "r"), path, 0, NULL, 0, errbuf, errlen};
    if (!rd.f) {
        bo_msg(errbuf, errlen, "%s: %s", path, strerror(errno));
        return BO_EIO;
    }
    bo_status st = read_body(&rd, c);
    if (st == BO_ENOMEM)
        bo_msg(errbuf, errlen, "%s: out of memory", path);
    free(rd.line);
    fclose(rd.f);
    return st;
}
