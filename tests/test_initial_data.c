/* The initial-data reader: a table with its columns in any order, optional
 * source, status and message columns, a history.csv written by bo/io/history
 * read as it is (with the inputs named, and with inputs and sources found
 * from the header), and every error with the file, line and column it
 * names. */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bo/io/history.h"
#include "bo/io/initial_data.h"
#include "tests/check.h"
#include "tests/test_files.h"

#define TMP BO_BINARY_DIR "/test_initial_data_tmp"

static const char *const inputs2[] = {"x1", "x2"};
static const double lower2[] = {-5.0, 0.0};
static const double upper2[] = {10.0, 15.0};
static const char *const sources2[] = {"HF", "LF"};

/* Two named inputs with bounds, two named sources, the target HF (0). */
static bo_initial_data_spec named_spec(void)
{
    bo_initial_data_spec spec = {.input_names = inputs2,
                                 .n_inputs = 2,
                                 .lower = lower2,
                                 .upper = upper2,
                                 .source_names = sources2,
                                 .n_sources = 2};
    return spec;
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][PATH_MAX];
    static int which;
    which = (which + 1) % 4;
    snprintf(path[which], sizeof path[which], "%s/%s", TMP, name);
    test_write_text(path[which], text);
    return path[which];
}

static int is_empty(const bo_initial_data *d)
{
    return d->n_rows == 0 && d->n_inputs == 0 && d->n_sources == 0 && d->x == NULL &&
           d->y == NULL && d->input_names == NULL && d->source_names == NULL &&
           d->message == NULL;
}

/* Inputs in another order than the spec's, every optional column, history
 * columns beside them, quoted fields, CRLF: values land in the spec's
 * order, failed rows have NaN and their message. */
static void test_full_table(void)
{
    const char *path = write_tmp("full.csv",
                                 "eval,source,x2,status,y,x1,message,cost\r\n"
                                 "1,LF,0.5,ok,12.25,-5,,1\r\n"
                                 "2,\"HF\",15,failed,,10,\"solver diverged, twice\",10\r\n"
                                 "3,HF,7.5,ok,-0.125,2.5e0,ignored for ok rows,10\r\n");
    bo_initial_data_spec spec = named_spec();
    bo_initial_data d;
    char err[512];
    bo_status status = bo_initial_data_read(path, &spec, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    CHECK(d.n_rows == 3 && d.n_inputs == 2 && d.n_sources == 2 && d.n_failed == 1);
    CHECK(strcmp(d.input_names[0], "x1") == 0 && strcmp(d.input_names[1], "x2") == 0);
    CHECK(strcmp(d.source_names[0], "HF") == 0 && strcmp(d.source_names[1], "LF") == 0);
    CHECK(d.x[0] == -5.0 && d.x[1] == 0.5);
    CHECK(d.x[2] == 10.0 && d.x[3] == 15.0);   /* the bounds themselves are inside */
    CHECK(d.x[4] == 2.5 && d.x[5] == 7.5);
    CHECK(d.y[0] == 12.25 && isnan(d.y[1]) && d.y[2] == -0.125);
    CHECK(d.source[0] == 1 && d.source[1] == 0 && d.source[2] == 0);
    CHECK(!d.failed[0] && d.failed[1] && !d.failed[2]);
    CHECK(strcmp(d.message[0], "") == 0);
    CHECK(strcmp(d.message[1], "solver diverged, twice") == 0);
    CHECK(d.line[0] == 2 && d.line[2] == 4);
    bo_initial_data_cleanup(&d);
    CHECK(is_empty(&d));
    bo_initial_data_cleanup(&d);
    bo_initial_data_cleanup(NULL);
}

/* The smallest table: inputs and y. Every row is on the default source,
 * and no status column means every row succeeded. */
static void test_minimal_table(void)
{
    const char *path = write_tmp("minimal.csv", "x1,x2,y\n1,2,3\n4,5,6");
    bo_initial_data_spec spec = named_spec();
    spec.default_source = 1;
    bo_initial_data d;
    char err[512];
    CHECK(bo_initial_data_read(path, &spec, &d, err, sizeof err) == BO_OK);
    CHECK(d.n_rows == 2 && d.n_failed == 0);
    CHECK(d.source[0] == 1 && d.source[1] == 1);
    CHECK(d.y[1] == 6.0 && d.x[3] == 5.0);
    bo_initial_data_cleanup(&d);

    /* Without bounds, any finite value is taken. */
    path = write_tmp("unbounded.csv", "x1,x2,y\n-1e6,2,3\n");
    spec.lower = spec.upper = NULL;
    CHECK(bo_initial_data_read(path, &spec, &d, err, sizeof err) == BO_OK);
    CHECK(d.n_rows == 1 && d.x[0] == -1e6);
    bo_initial_data_cleanup(&d);
}

/* A history written by bo/io/history.c, read as it is: once with the
 * config's names (the history's columns ignored), once with inputs and
 * sources found from the header, as bo-gp fit does. */
static void write_history(const char *path)
{
    bo_history *h = NULL;
    char err[512];
    CHECK(bo_history_create(path, inputs2, 2, BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h, err,
                            sizeof err) == BO_OK);
    if (!h)
        return;
    const double x[4][2] = {{1.0, 2.0}, {-5.0, 15.0}, {3.25, 0.0}, {0.5, 0.25}};
    const char *source[4] = {"LF", "HF", "LF", "HF"};
    const double y[4] = {10.0, NAN, -2.5, 0.75};
    /* Completion order: evals need not be consecutive. */
    const size_t eval[4] = {2, 1, 4, 3};
    for (size_t i = 0; i < 4; i++) {
        bo_history_row row = {
            .eval = eval[i],
            .phase = i < 2 ? BO_HISTORY_INIT : BO_HISTORY_BO,
            .source = source[i],
            .x = x[i],
            .y = y[i],
            .status = isnan(y[i]) ? BO_HISTORY_FAILED : BO_HISTORY_OK,
            .message = isnan(y[i]) ? "plugin crashed with signal 11, \"Segmentation fault\"" : "",
            .cost = 1.0,
            .cum_cost = (double)(i + 1),
            .best = NAN,
            .acq = i < 2 ? NAN : 0.5,
            .suggest_seconds = 0.01,
            .eval_seconds = 2.0,
            .worker = i % 2 + 1,
            .started = 1.7e9 + (double)i,
            .finished = 1.7e9 + (double)i + 2.0,
        };
        CHECK_MSG(bo_history_append(h, &row) == BO_OK, "%s", bo_history_errmsg(h));
    }
    bo_history_destroy(h);
}

static void test_history_as_is(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/history.csv", TMP);
    write_history(path);

    bo_initial_data_spec spec = named_spec();
    bo_initial_data d;
    char err[512];
    bo_status status = bo_initial_data_read(path, &spec, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status == BO_OK) {
        CHECK(d.n_rows == 4 && d.n_failed == 1);
        CHECK(d.source[0] == 1 && d.source[1] == 0 && d.source[2] == 1 && d.source[3] == 0);
        CHECK(d.failed[1] && isnan(d.y[1]));
        CHECK(strstr(d.message[1], "signal 11, \"Segmentation fault\"") != NULL);
        CHECK(d.x[2] == -5.0 && d.x[3] == 15.0 && d.y[2] == -2.5);
        bo_initial_data_cleanup(&d);
    }

    /* Found from the header: the inputs in file order, the sources in
     * order of first appearance. */
    bo_initial_data_spec found = {0};
    status = bo_initial_data_read(path, &found, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status == BO_OK) {
        CHECK(d.n_inputs == 2 && strcmp(d.input_names[0], "x1") == 0 &&
              strcmp(d.input_names[1], "x2") == 0);
        CHECK(d.n_sources == 2 && strcmp(d.source_names[0], "LF") == 0 &&
              strcmp(d.source_names[1], "HF") == 0);
        CHECK(d.source[0] == 0 && d.source[1] == 1 && d.source[3] == 1);
        CHECK(d.x[6] == 0.5 && d.y[3] == 0.75);
        bo_initial_data_cleanup(&d);
    }

    /* Found from a table without a source column: one source, "f". */
    const char *plain = write_tmp("found.csv", "a,eval,b,y\n1,1,2,3\n");
    status = bo_initial_data_read(plain, &found, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status == BO_OK) {
        CHECK(d.n_inputs == 2 && strcmp(d.input_names[1], "b") == 0);
        CHECK(d.n_sources == 1 && strcmp(d.source_names[0], "f") == 0 && d.source[0] == 0);
        bo_initial_data_cleanup(&d);
    }
}

/* A history with constraint columns (bo_history_create_outputs) reads as
 * one without: its outputs are neither inputs nor unknown columns. */
static void test_history_with_constraints(void)
{
    char path[PATH_MAX], err[512];
    snprintf(path, sizeof path, "%s/constrained.csv", TMP);
    const char *const outputs[] = {"stress", "mass"};
    bo_history *h = NULL;
    CHECK(bo_history_create_outputs(path, inputs2, 2, outputs, 2,
                                    BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h, err,
                                    sizeof err) == BO_OK);
    if (!h)
        return;
    const double x[2][2] = {{1.0, 2.0}, {3.0, 4.0}};
    const double out[2][2] = {{5.0, NAN}, {7.0, 8.0}};
    for (size_t i = 0; i < 2; i++) {
        bo_history_row row = {.eval = i + 1, .phase = BO_HISTORY_INIT, .source = "HF",
                              .x = x[i], .y = i ? 1.5 : NAN,
                              .status = i ? BO_HISTORY_OK : BO_HISTORY_FAILED,
                              .message = i ? "" : "constraint output mass missing", .cost = 1,
                              .cum_cost = (double)(i + 1), .best = NAN, .acq = NAN,
                              .worker = 1, .started = 1, .finished = 2, .outputs = out[i],
                              .feasible = (int)i};
        CHECK_MSG(bo_history_append(h, &row) == BO_OK, "%s", bo_history_errmsg(h));
    }
    bo_history_destroy(h);
    bo_initial_data_spec spec = named_spec();
    bo_initial_data d;
    bo_status status = bo_initial_data_read(path, &spec, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status == BO_OK) {
        CHECK(d.n_rows == 2 && d.n_failed == 1 && d.y[1] == 1.5 && d.x[2] == 3.0);
        bo_initial_data_cleanup(&d);
    }
    bo_initial_data_spec found = {0};
    status = bo_initial_data_read(path, &found, &d, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status == BO_OK) {
        CHECK(d.n_inputs == 2 && strcmp(d.input_names[1], "x2") == 0);
        bo_initial_data_cleanup(&d);
    }
}

/* ------------------------------------------------------------------ */
/* Every error: the status, the place, the column named, what is said.  */

typedef struct bad_table {
    const char *name, *text;
    bo_status status;
    size_t line, column;    /* 0: the message is bo_csv_read's ("FILE: line L, ...") */
    const char *key;        /* the column named after the place, or NULL */
    const char *says;
} bad_table;

static const bad_table bad_tables[] = {
    {"unknown_column.csv", "x1,x2,y,z\n1,2,3,4\n", BO_EINVAL, 1, 9, "z",
     "unknown column: expected the inputs (x1, x2), y, and optionally source, status, message"},
    {"missing_input.csv", "x1,y\n1,2\n", BO_EINVAL, 1, 1, "x2",
     "missing: no column of that name (the header has x1, y)"},
    {"missing_y.csv", "\n\nx2,x1\n1,2\n", BO_EINVAL, 3, 1, "y", "missing: no column of that name"},
    {"bad_status.csv", "x1,x2,y,status\n1,2,3,ok\n1,2,3,OK\n", BO_EPARSE, 3, 7, "status",
     "expected ok or failed, got 'OK'"},
    {"failed_with_y.csv", "x1,x2,status,y\n1,2,failed,3.5\n", BO_EINVAL, 2, 12, "y",
     "expected an empty value on a failed row, got '3.5'"},
    {"empty_y.csv", "x1,x2,y\n1,2,\n", BO_EPARSE, 2, 5, "y",
     "'' is empty, a number is needed (mark a failed evaluation with a status column)"},
    {"empty_y_ok.csv", "x1,x2,status,y\n1,2,ok,\n", BO_EPARSE, 2, 8, "y",
     "'' is empty, a number is needed"},
    {"bad_y.csv", "x1,x2,y\n1,2,1e999\n", BO_EPARSE, 2, 5, "y", "'1e999' is out of the range"},
    {"bad_x.csv", "x1,x2,y\n1,2,3\n  4 , abc ,5\n", BO_EPARSE, 3, 7, "x2", "'abc' is not a number"},
    {"nan_x.csv", "x1,x2,y\nnan,2,3\n", BO_EPARSE, 2, 1, "x1", "'nan' is not finite"},
    /* Columns count characters: the quote opens the field, and 'ï' and 'é'
     * are one character each though two bytes. */
    {"out_of_bounds.csv", "message,x1,x2,y\n\"naïve, café\",10.5,1,2\n", BO_EINVAL, 2, 15, "x1",
     "'10.5' is outside the input's bounds [-5, 10]"},
    {"below_bounds.csv", "x1,x2,y\n0,-1e-300,2\n", BO_EINVAL, 2, 3, "x2",
     "'-1e-300' is outside the input's bounds [0, 15]"},
    {"empty_source.csv", "x1,x2,y,source\n1,2,3,\"\"\n", BO_EINVAL, 2, 7, "source",
     "empty; expected the name of a source"},
    {"unknown_source.csv", "x1,x2,y,source\n1,2,3,HF\n1,2,3,MF\n", BO_EINVAL, 3, 7, "source",
     "'MF' is not a source (expected one of HF, LF)"},
    /* The CSV structure: bo_csv_read's messages, naming the line. */
    {"wrong_count.csv", "x1,x2,y\n1,2,3\n1,2\n", BO_EPARSE, 0, 0, NULL,
     "line 3 (data row 2): 2 fields, the header has 3"},
    {"header_only.csv", "x1,x2,y\n", BO_EPARSE, 0, 0, NULL, "line 1: a header but no data rows"},
    {"duplicate_column.csv", "x1,x2,y,x1\n1,2,3,4\n", BO_EPARSE, 0, 0, NULL,
     "duplicate header name 'x1'"},
};

static void test_bad_tables(void)
{
    for (size_t i = 0; i < sizeof bad_tables / sizeof bad_tables[0]; i++) {
        const bad_table *c = &bad_tables[i];
        const char *path = write_tmp(c->name, c->text);
        bo_initial_data_spec spec = named_spec();
        bo_initial_data d;
        char err[512], prefix[PATH_MAX + 64];
        bo_status status = bo_initial_data_read(path, &spec, &d, err, sizeof err);
        CHECK_MSG(status == c->status, "%s: status %d, want %d (%s)", c->name, (int)status,
                  (int)c->status, err);
        if (c->line == 0)
            snprintf(prefix, sizeof prefix, "%s: ", path);
        else if (c->key)
            snprintf(prefix, sizeof prefix, "%s:%zu:%zu: %s: ", path, c->line, c->column, c->key);
        else
            snprintf(prefix, sizeof prefix, "%s:%zu:%zu: ", path, c->line, c->column);
        CHECK_MSG(strncmp(err, prefix, strlen(prefix)) == 0, "%s: message '%s' does not start '%s'",
                  c->name, err, prefix);
        CHECK_MSG(strstr(err, c->says) != NULL, "%s: message '%s' lacks '%s'", c->name, err,
                  c->says);
        CHECK_MSG(strchr(err, '\n') == NULL, "%s: message spans lines", c->name);
        CHECK_MSG(is_empty(&d), "%s: not left empty", c->name);
    }
}

/* Errors outside the table: a missing file, a spec that makes no sense, a
 * table whose columns are all the history's, a short or absent buffer. */
static void test_other_errors(void)
{
    bo_initial_data_spec spec = named_spec();
    bo_initial_data d;
    char err[512];
    const char *missing = TMP "/no-such-file.csv";
    CHECK(bo_initial_data_read(missing, &spec, &d, err, sizeof err) == BO_EIO);
    CHECK(strstr(err, missing) && strstr(err, "cannot open"));
    CHECK(is_empty(&d));

    const char *good = write_tmp("good.csv", "x1,x2,y\n1,2,3\n");
    bo_initial_data_spec bad = spec;
    bad.n_inputs = 0;
    CHECK(bo_initial_data_read(good, &bad, &d, err, sizeof err) == BO_EINVAL);
    CHECK(strstr(err, "no inputs") != NULL);
    bad = spec;
    bad.default_source = 2;
    CHECK(bo_initial_data_read(good, &bad, &d, err, sizeof err) == BO_EINVAL);
    bad = spec;
    bad.n_sources = 0;
    CHECK(bo_initial_data_read(good, &bad, &d, err, sizeof err) == BO_EINVAL);
    CHECK(bo_initial_data_read(good, NULL, &d, err, sizeof err) == BO_EINVAL);
    CHECK(is_empty(&d));

    bo_initial_data_spec found = {0};
    const char *no_inputs = write_tmp("no_inputs.csv", "eval,y,cost\n1,2,3\n");
    CHECK(bo_initial_data_read(no_inputs, &found, &d, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, "no_inputs.csv:1:1: no input columns"), "%s", err);

    const char *bad_x = write_tmp("short_buffer.csv", "x1,x2,y\nabc,2,3\n");
    char small[16];
    memset(small, 'X', sizeof small);
    CHECK(bo_initial_data_read(bad_x, &spec, &d, small, 10) == BO_EPARSE);
    CHECK(strlen(small) == 9 && small[10] == 'X');
    CHECK(bo_initial_data_read(bad_x, &spec, &d, NULL, 0) == BO_EPARSE);
    CHECK(is_empty(&d));
}

/* A categorical input: its cells are level names, read as their indices
 * (quoted names too); a name that is not a level is an error at its cell. */
static void test_levels(void)
{
    static const char *const names[] = {"x1", "material"};
    static const double lo[] = {0.0, 0.0}, hi[] = {1.0, 2.0};
    static const char *const material[] = {"steel", "al, 6061", "ti"};
    static const size_t n_levels[] = {0, 3};
    static const char *const *const level_names[] = {NULL, material};
    bo_initial_data_spec spec = {.input_names = names,
                                 .n_inputs = 2,
                                 .lower = lo,
                                 .upper = hi,
                                 .n_levels = n_levels,
                                 .level_names = level_names};
    bo_initial_data d;
    char err[512];
    const char *good = write_tmp("levels.csv", "material,x1,y\nti,0.5,1\n\"al, 6061\",0.25,2\n"
                                               "steel,1,3\n");
    CHECK_MSG(bo_initial_data_read(good, &spec, &d, err, sizeof err) == BO_OK, "%s", err);
    CHECK(d.n_rows == 3 && d.x[0] == 0.5 && d.x[1] == 2 && d.x[2] == 0.25 && d.x[3] == 1 &&
          d.x[4] == 1 && d.x[5] == 0);
    bo_initial_data_cleanup(&d);
    const char *bad = write_tmp("gold.csv", "x1,material,y\n0.5,ti,1\n0.5,gold,2\n");
    CHECK(bo_initial_data_read(bad, &spec, &d, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, "gold.csv:3:5: material: 'gold' is not one of the input's levels"), "%s",
              err);
    CHECK(is_empty(&d));

    /* Inputs found from the table: a column without a number in it is
     * categorical, its levels in order of first appearance; a column of
     * numbers with a text cell is an error at that cell. */
    bo_initial_data_spec found = {0};
    const char *history = write_tmp("found.csv", "eval,x,material,y\n1,0.5,ti,1\n"
                                                 "2,0.25,\"al, 6061\",2\n3,1,ti,3\n");
    CHECK_MSG(bo_initial_data_read(history, &found, &d, err, sizeof err) == BO_OK, "%s", err);
    CHECK(d.n_inputs == 2 && d.n_levels != NULL && d.n_levels[0] == 0 && d.n_levels[1] == 2);
    if (d.n_levels != NULL && d.n_levels[1] == 2) {
        CHECK(strcmp(d.level_names[1][0], "ti") == 0 &&
              strcmp(d.level_names[1][1], "al, 6061") == 0 && d.level_names[0] == NULL);
        CHECK(d.x[1] == 0 && d.x[3] == 1 && d.x[5] == 0 && d.x[4] == 1);
    }
    bo_initial_data_cleanup(&d);
    const char *numeric = write_tmp("numeric.csv", "x,y\n0.5,1\nabc,2\n");
    CHECK(bo_initial_data_read(numeric, &found, &d, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "numeric.csv:3:1: x: 'abc' is not a number"), "%s", err);
    const char *plain = write_tmp("plain.csv", "x,y\n0.5,1\n");
    CHECK(bo_initial_data_read(plain, &found, &d, err, sizeof err) == BO_OK);
    CHECK(d.n_levels == NULL && d.level_names == NULL);
    bo_initial_data_cleanup(&d);
}

/* Sources found from the table are looked up by hash: a table with a source
 * per row once took time quadratic in its rows (19 s for 100,000). Names
 * keep their order of first appearance and repeated names their index. */
static void test_many_sources(void)
{
    enum { ROWS = 100000 };
    char *text = malloc((size_t)ROWS * 24 + 32);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    size_t used = (size_t)sprintf(text, "x,y,source\n");
    for (int i = 0; i < ROWS; i++)
        used += (size_t)sprintf(text + used, "0.5,%d,s%d\n", i, i % 2 ? i : ROWS - i);
    used += (size_t)sprintf(text + used, "0.25,1,s100000\n");
    const char *path = write_tmp("many_sources.csv", text);
    free(text);
    bo_initial_data_spec spec = {0};
    bo_initial_data d;
    char err[512] = "";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_MSG(bo_initial_data_read(path, &spec, &d, err, sizeof err) == BO_OK, "%s", err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    /* Well under a second; ten allowed for sanitizers and a busy machine. */
    CHECK_MSG(took < 10.0, "%d sources read in %.1f s", ROWS, took);
    CHECK(d.n_rows == ROWS + 1 && d.n_sources == ROWS);
    if (d.n_rows == ROWS + 1 && d.n_sources == ROWS) {
        CHECK(strcmp(d.source_names[0], "s100000") == 0 && d.source[0] == 0);
        CHECK(strcmp(d.source_names[1], "s1") == 0 && d.source[1] == 1);
        CHECK(strcmp(d.source_names[ROWS - 1], "s99999") == 0);
        CHECK(d.source[ROWS] == 0);   /* s100000 again */
    }
    bo_initial_data_cleanup(&d);
}

int main(void)
{
    mkdir(TMP, 0777);
    test_full_table();
    test_minimal_table();
    test_history_as_is();
    test_history_with_constraints();
    test_bad_tables();
    test_other_errors();
    test_many_sources();
    test_levels();
    return CHECK_DONE();
}
