/* history.csv and the state sidecar: exact round trip of rows (doubles bit
 * for bit, CSV quoting of awkward text), the byte-exact format, header
 * checks, torn last lines left by a kill, malformed rows named by number,
 * refusal to overwrite, write failures, and the sidecar's resume rules. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bo/io/history.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_files.h"

static char dir[512];

static const char *path_in_dir(const char *name)
{
    static char buf[4][600];
    static int which;
    which = (which + 1) % 4;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

static void write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fwrite(content, 1, strlen(content), f);
    fclose(f);
}

static void append_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "ab");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fwrite(content, 1, strlen(content), f);
    fclose(f);
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static double random_finite_double(bo_rng *rng)
{
    for (;;) {
        uint64_t bits = bo_rng_u64(rng);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (isfinite(v))
            return v;
    }
}

static const char *const names3[] = {"Tu", "r,w", "q"};
#define HEADER3                                                                          \
    "eval,phase,source,Tu,\"r,w\",q,y,status,message,cost,cum_cost,best,acq,suggest_seconds," \
    "eval_seconds,worker,started,finished\n"

enum { N_ROWS = 40 };

/* Rows of every kind: init and bo, ok and failed, messages with commas,
 * quotes, LF and CR LF, awkward sources, and random bit patterns for every
 * number so that the %.17g round trip is tested on the whole double range
 * (subnormals and signed zero included). */
typedef struct expected_rows {
    bo_history_row rows[N_ROWS];
    double x[N_ROWS][3];
} expected_rows;

static void make_rows(expected_rows *e)
{
    static const char *const messages[] = {
        "", "plain", "with, comma", "say \"hi\"", "two\nlines", "crlf\r\nend",
        "\"", ",", "trailing newline\n", "all: a,\"b\"\r\nc"};
    static const char *const sources[] = {"HF", "LF, cheap", "\"quoted\"", "low\nfi"};
    bo_rng rng;
    bo_rng_init(&rng, 99);
    for (size_t i = 0; i < N_ROWS; i++) {
        bo_history_row *r = &e->rows[i];
        r->eval = i + 1;
        r->phase = i < 10 ? BO_HISTORY_INIT : BO_HISTORY_BO;
        r->source = sources[i % 4];
        for (size_t j = 0; j < 3; j++)
            e->x[i][j] = random_finite_double(&rng);
        r->x = e->x[i];
        r->status = i % 3 == 1 ? BO_HISTORY_FAILED : i % 11 == 5 ? BO_HISTORY_RUNNING
                                                                  : BO_HISTORY_OK;
        r->y = r->status == BO_HISTORY_OK ? random_finite_double(&rng) : NAN;
        r->message = messages[i % 10];
        r->cost = random_finite_double(&rng);
        r->cum_cost = random_finite_double(&rng);
        r->best = i == 0 ? NAN : random_finite_double(&rng);
        r->acq = r->phase == BO_HISTORY_INIT ? NAN : i % 7 == 0 ? -INFINITY
                                                                : random_finite_double(&rng);
        r->suggest_seconds = random_finite_double(&rng);
        r->eval_seconds = random_finite_double(&rng);
        r->worker = 1 + i % 4;
        /* Wall-clock times are written to the millisecond: quarters of a
         * second read back exactly. */
        r->started = 1.7e9 + 0.25 * (double)i;
        r->finished = r->started + 0.5;
    }
    /* A few hand-picked values. */
    e->x[0][0] = 0.1;
    e->x[0][1] = -0.0;
    e->x[0][2] = 4.9406564584124654e-324; /* smallest subnormal */
    e->rows[0].y = 1.0 / 3.0;
    e->rows[0].cost = 1000.0;
    e->rows[0].cum_cost = 1000.0;
    e->rows[0].suggest_seconds = 0.25;
    e->rows[0].eval_seconds = 0.5;
    e->rows[0].started = 1700000000.0;
    e->rows[0].finished = 1700000000.5;
    e->rows[0].message = NULL; /* written as empty */
    e->rows[1].y = INFINITY;   /* a failed row: y is never written */
}

static int rows_equal(const bo_history_row *a, const bo_history_row *b, size_t n_inputs)
{
    int ok = a->eval == b->eval && a->phase == b->phase && a->status == b->status &&
             strcmp(a->source, b->source) == 0 &&
             strcmp(a->message, b->message ? b->message : "") == 0;
    for (size_t j = 0; j < n_inputs; j++)
        ok &= same_bits(a->x[j], b->x[j]);
    if (b->status == BO_HISTORY_OK)
        ok &= same_bits(a->y, b->y);
    else
        ok &= isnan(a->y);
    ok &= same_bits(a->cost, b->cost) && same_bits(a->cum_cost, b->cum_cost) &&
          same_bits(a->suggest_seconds, b->suggest_seconds) &&
          same_bits(a->eval_seconds, b->eval_seconds) && a->worker == b->worker &&
          same_bits(a->started, b->started) && same_bits(a->finished, b->finished);
    ok &= isnan(b->best) ? isnan(a->best) : same_bits(a->best, b->best);
    ok &= isnan(b->acq) ? isnan(a->acq) : same_bits(a->acq, b->acq);
    return ok;
}

static void test_round_trip(const expected_rows *e)
{
    const char *path = path_in_dir("history.csv");
    char err[512] = "";
    bo_history *h = NULL;
    /* Default flags: every row is fsync'd, so the sync path runs here. */
    CHECK(bo_history_create(path, names3, 3, 0, &h, err, sizeof err) == BO_OK);
    CHECK(h != NULL);
    if (h == NULL)
        return;
    CHECK(strcmp(bo_history_errmsg(h), "") == 0);
    for (size_t i = 0; i < N_ROWS; i++)
        CHECK_MSG(bo_history_append(h, &e->rows[i]) == BO_OK, "%s", bo_history_errmsg(h));
    CHECK(bo_history_count(h) == N_ROWS);
    bo_history_destroy(h);

    /* The header and first row byte for byte: %.17g of 0.1 and 1/3, -0,
     * the smallest subnormal, empty message, best and acq. */
    char *text = test_read_text(path);
    const char *first = HEADER3
        "1,init,HF,0.10000000000000001,-0,4.9406564584124654e-324,0.33333333333333331,ok,,"
        "1000,1000,,,0.25,0.5,1,1700000000.000,1700000000.500\n"
        "2,init,\"LF, cheap\",";
    CHECK_MSG(text != NULL && strncmp(text, first, strlen(first)) == 0, "file starts:\n%.300s",
              text ? text : "(null)");
    free(text);

    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK);
    CHECK(n == N_ROWS);
    for (size_t i = 0; i < n && i < N_ROWS; i++)
        CHECK_MSG(rows_equal(&rows[i], &e->rows[i], 3), "row %zu differs", i + 1);
    bo_history_rows_free(rows);
}

/* CR LF line ends (a file saved by a spreadsheet) read like LF ones; a CR
 * LF inside a quoted field is kept as text. */

static void test_crlf(void)
{
    const char *path = path_in_dir("crlf.csv");
    write_file(path, "eval,phase,source,Tu,\"r,w\",q,y,status,message,cost,cum_cost,best,acq,"
                     "suggest_seconds,eval_seconds,worker,started,finished\r\n"
                     "1,init,HF,1,2,3,4.5,ok,\"a\r\nb\",10,10,4.5,,0,0.5,1,10,10.5\r\n"
                     "2,bo,HF,1,2,3,,failed,crashed,10,20,4.5,0.125,0.25,0.5,2,10.5,11\r\n");
    bo_history_row *rows = NULL;
    size_t n = 0;
    char err[512] = "";
    CHECK_MSG(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK, "%s", err);
    CHECK(n == 2);
    if (n == 2) {
        CHECK(strcmp(rows[0].message, "a\r\nb") == 0);
        CHECK(rows[0].y == 4.5 && rows[0].best == 4.5 && isnan(rows[0].acq));
        CHECK(rows[1].status == BO_HISTORY_FAILED && isnan(rows[1].y));
        CHECK(strcmp(rows[1].message, "crashed") == 0 && rows[1].acq == 0.125);
        CHECK(rows[1].phase == BO_HISTORY_BO && rows[1].cum_cost == 20.0);
        CHECK(rows[1].suggest_seconds == 0.25 && rows[1].eval_seconds == 0.5);
        CHECK(rows[1].worker == 2 && rows[1].started == 10.5 && rows[1].finished == 11.0);
    }
    bo_history_rows_free(rows);
}

static void test_refuse_overwrite(void)
{
    const char *path = path_in_dir("history.csv");
    char *before = test_read_text(path);
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create(path, names3, 3, 0, &h, err, sizeof err) == BO_EIO);
    CHECK(h == NULL);
    CHECK_MSG(strstr(err, path) != NULL && strstr(err, "overwrite") != NULL, "%s", err);
    char *after = test_read_text(path);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    free(before);
    free(after);

    const char *other = path_in_dir("overwritten.csv");
    write_file(other, "old content\n");
    CHECK(bo_history_create(other, names3, 3, BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h,
                            err, sizeof err) == BO_OK);
    bo_history_destroy(h);
    char *text = test_read_text(other);
    CHECK(text != NULL && strcmp(text, HEADER3) == 0);
    free(text);
}

static void test_header_mismatch(void)
{
    const char *path = path_in_dir("history.csv");
    bo_history_row *rows = NULL;
    size_t n = 7;
    char err[512] = "";
    const char *two[] = {"Tu", "r,w"};
    CHECK(bo_history_read(path, two, 2, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "extra input 'q'") != NULL && strstr(err, path) != NULL, "%s", err);
    CHECK(rows == NULL && n == 0);
    const char *renamed[] = {"Tu", "r", "q"};
    CHECK(bo_history_read(path, renamed, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "'r,w'") != NULL && strstr(err, "'r'") != NULL, "%s", err);
    const char *four[] = {"Tu", "r,w", "q", "extra"};
    CHECK(bo_history_read(path, four, 4, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "input 'extra' missing") != NULL, "%s", err);
    bo_history *h = NULL;
    CHECK(bo_history_open_append(path, renamed, 3, 0, &h, &n, err, sizeof err) == BO_EPARSE);
    CHECK(h == NULL);

    const char *foreign = path_in_dir("foreign.csv");
    write_file(foreign, "a,b,c\n1,2,3\n");
    CHECK(bo_history_read(foreign, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "not a bo-run history header") != NULL, "%s", err);
    write_file(foreign, "eval,phase,source,Tu,\"r,w\",q,y,status,message,cost,cum_cost,best,"
                        "acquisition,suggest_seconds,eval_seconds,worker,started,finished\n");
    CHECK(bo_history_read(foreign, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "'acquisition'") != NULL, "%s", err);
    write_file(foreign, "eval,\"pha\"se\n");
    CHECK(bo_history_read(foreign, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "header") != NULL, "%s", err);
    write_file(foreign, "something else entirely");
    CHECK(bo_history_read(foreign, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "incomplete header") != NULL, "%s", err);

    CHECK(bo_history_read(path_in_dir("missing.csv"), names3, 3, &rows, &n, err, sizeof err) ==
          BO_EIO);
    CHECK(strstr(err, "missing.csv") != NULL);
}

static void test_torn_last_line(const expected_rows *e)
{
    const char *path = path_in_dir("torn.csv");
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create(path, names3, 3, 0, &h, err, sizeof err) == BO_OK);
    for (size_t i = 0; h != NULL && i < 3; i++)
        CHECK(bo_history_append(h, &e->rows[i]) == BO_OK);
    bo_history_destroy(h);
    char *complete = test_read_text(path);

    /* Torn in the middle of a number, and torn inside a quoted message
     * right after an embedded newline (the line then looks complete). */
    static const char *const tails[] = {"4,bo,HF,0.5,0.2", "4,bo,HF,1,2,3,5,ok,\"two\n",
                                        "4,bo,HF,1,2,3,5,ok,,1,2,3,4,0.5", "4", "4,bo,HF,1,2,3,"
                                        "5,ok,,1,2,3,4,0.5\r", "4,bo,\"x\"y"};
    for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
        write_file(path, complete);
        append_file(path, tails[t]);
        bo_history_row *rows = NULL;
        size_t n = 0;
        CHECK_MSG(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK, "%s",
                  err);
        CHECK_MSG(n == 3, "tail %zu: %zu rows", t, n);
        bo_history_rows_free(rows);

        size_t n_open = 0;
        CHECK(bo_history_open_append(path, names3, 3, 0, &h, &n_open, err, sizeof err) ==
              BO_OK);
        CHECK(n_open == 3);
        char *cut = test_read_text(path);
        CHECK_MSG(cut != NULL && strcmp(cut, complete) == 0, "tail %zu not cut off", t);
        free(cut);
        if (h == NULL)
            continue;
        CHECK(bo_history_count(h) == 3);
        CHECK(bo_history_append(h, &e->rows[2]) == BO_EINVAL); /* eval 3 again */
        CHECK(strstr(bo_history_errmsg(h), "eval 3, which the file already holds") != NULL);
        CHECK(bo_history_append(h, &e->rows[3]) == BO_OK);
        bo_history_destroy(h);
        CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK);
        CHECK(n == 4);
        for (size_t i = 0; i < n && i < 4; i++)
            CHECK(rows_equal(&rows[i], &e->rows[i], 3));
        bo_history_rows_free(rows);
    }
    free(complete);

    /* A kill while the header was written: zero rows, and the header is
     * written again on opening. The empty file is the extreme case. */
    static const char *const headers[] = {"eval,phase,so", ""};
    for (size_t t = 0; t < 2; t++) {
        write_file(path, headers[t]);
        bo_history_row *rows = (bo_history_row *)1;
        size_t n = 9;
        CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK);
        CHECK(rows == NULL && n == 0);
        CHECK(bo_history_open_append(path, names3, 3, BO_HISTORY_NO_SYNC, &h, &n, err,
                                     sizeof err) == BO_OK);
        CHECK(n == 0);
        if (h != NULL)
            CHECK(bo_history_append(h, &e->rows[0]) == BO_OK);
        bo_history_destroy(h);
        CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK);
        CHECK(n == 1 && rows != NULL && rows_equal(&rows[0], &e->rows[0], 3));
        bo_history_rows_free(rows);
    }
    CHECK(bo_history_open_append(path_in_dir("missing.csv"), names3, 3, 0, &h, NULL, err,
                                 sizeof err) == BO_EIO);
}

static void test_malformed_rows(void)
{
    const char *path = path_in_dir("bad.csv");
    /* Row 1 spans two lines (quoted newline), so the bad row 2 is on line 4. */
    const char *good1 = "1,init,HF,1,2,3,4.5,ok,\"two\nlines\",10,10,4.5,,0.5,0.5,1,10,11\n";
    const char *good3 = "3,bo,HF,1,2,3,4.5,ok,,10,30,4.5,1,0.5,0.5,1,10,11\n";
    static const struct {
        const char *row;
        const char *says;
    } cases[] = {
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1\n", "13 fields, expected 18"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11,9\n", "19 fields"},
        {"1,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "eval 1 appears twice"},
        {"0,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "eval 0"},
        /* Past the largest eval number (SIZE_MAX once made the reader loop
         * for ever). */
        {"1000000000001,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n",
         "eval 1000000000001 is beyond the largest evaluation number, 1000000000000"},
        {"18446744073709551615,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n",
         "eval 18446744073709551615 is beyond"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,0,10,11\n", "worker '0'"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1.5,10,11\n", "worker '1.5'"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,,11\n", "started ''"},
        {"two,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "eval 'two'"},
        {"2,opt,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "phase 'opt'"},
        {"2,bo,,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "empty source"},
        {"2,bo,HF,1,abc,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "input 2 value 'abc'"},
        {"2,bo,HF,1,,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "input 2 value ''"},
        {"2,bo,HF,1,nan,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "input 2 value 'nan'"},
        {"2,bo,HF,1,2, 3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "input 3 value ' 3'"},
        {"2,bo,HF,1,2,3,4.5,maybe,,10,20,4.5,1,0.5,0.5,1,10,11\n", "status 'maybe'"},
        {"2,bo,HF,1,2,3,,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "status ok needs a finite y"},
        {"2,bo,HF,1,2,3,inf,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "status ok needs a finite y"},
        {"2,bo,HF,1,2,3,4.5x,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n", "y '4.5x'"},
        {"2,bo,HF,1,2,3,4.5,failed,,10,20,4.5,1,0.5,0.5,1,10,11\n", "a failed row has y '4.5'"},
        {"2,bo,HF,1,2,3,4.5,running,,10,20,4.5,1,0.5,0.5,1,10,11\n", "a running row has y '4.5'"},
        {"2,bo,HF,1,2,3,4.5,ok,,,20,4.5,1,0.5,0.5,1,10,11\n", "cost ''"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,1e999,4.5,1,0.5,0.5,1,10,11\n", "cum_cost '1e999'"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,best,1,0.5,0.5,1,10,11\n", "best 'best'"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,-,0.5,0.5,1,10,11\n", "acq '-'"},
        {"2,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,,0.5,1,10,11\n", "suggest_seconds ''"},
        {"2,bo,HF,1,2,3,4.5,ok,say \"hi\",10,20,4.5,1,0.5,0.5,1,10,11\n", "double quote inside"},
        {"2,bo,HF,1,2,3,4.5,ok,\"hi\"there,10,20,4.5,1,0.5,0.5,1,10,11\n", "after a closing quote"},
        {"2,bo,HF,1,2,3,4.5,ok,a\rb,10,20,4.5,1,0.5,0.5,1,10,11\n", "carriage return"},
        {"\n", "1 fields"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        write_file(path, HEADER3);
        append_file(path, good1);
        append_file(path, cases[k].row);
        append_file(path, good3);
        bo_history_row *rows = NULL;
        size_t n = 0;
        char err[512] = "";
        CHECK_MSG(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE,
                  "case %zu", k);
        CHECK_MSG(strstr(err, "bad.csv: row 2 (line 4)") != NULL &&
                      strstr(err, cases[k].says) != NULL,
                  "case %zu: '%s' does not say '%s'", k, err, cases[k].says);
        CHECK(rows == NULL && n == 0);
        bo_history *h = NULL;
        CHECK(bo_history_open_append(path, names3, 3, 0, &h, NULL, err, sizeof err) ==
              BO_EPARSE);
        CHECK(h == NULL);
    }
    /* The same rows with a good row 2 do read: the cases above fail for
     * their own reason only. */
    write_file(path, HEADER3);
    append_file(path, good1);
    append_file(path, "2,bo,HF,1,2,3,,failed,\"say \"\"hi\"\"\",10,20,4.5,-inf,0.5,0.5,1,10,11\n");
    append_file(path, good3);
    bo_history_row *rows = NULL;
    size_t n = 0;
    char err[512] = "";
    CHECK_MSG(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK, "%s", err);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(strcmp(rows[1].message, "say \"hi\"") == 0);
        CHECK(rows[1].acq == -INFINITY);
        CHECK(strcmp(rows[0].message, "two\nlines") == 0);
    }
    bo_history_rows_free(rows);
}

/* Evals far apart cost memory by their count, not their size: a history
 * with eval 10^12 (the largest there is) and 2^32 + 2 reads at once (the
 * reader once allocated one byte per number up to the largest, 64 GB for
 * the second, found by fuzz/fuzz_history.c), keeps them distinct from their
 * neighbours and refuses them twice; appending checks them the same way. */
static void test_sparse_evals(const expected_rows *e)
{
    const char *path = path_in_dir("sparse.csv");
    write_file(path, HEADER3);
    append_file(path, "4294967298,init,HF,1,2,3,4.5,ok,,10,10,4.5,,0.5,0.5,1,10,11\n");
    append_file(path, "1000000000000,bo,HF,1,2,3,4.5,ok,,10,20,4.5,1,0.5,0.5,1,10,11\n");
    append_file(path, "2,bo,HF,1,2,3,4.5,ok,,10,30,4.5,1,0.5,0.5,1,10,11\n");
    bo_history_row *rows = NULL;
    size_t n = 0;
    char err[512] = "";
    CHECK_MSG(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK, "%s", err);
    CHECK(n == 3);
    if (n == 3)
        CHECK(rows[0].eval == 4294967298u && rows[1].eval == 1000000000000u && rows[2].eval == 2);
    bo_history_rows_free(rows);
    append_file(path, "1000000000000,bo,HF,1,2,3,4.5,ok,,10,40,4.5,1,0.5,0.5,1,10,11\n");
    append_file(path, "3,bo,HF,1,2,3,4.5,ok,,10,50,4.5,1,0.5,0.5,1,10,11\n");
    CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "row 4 (line 5): eval 1000000000000 appears twice") != NULL, "%s",
              err);

    bo_history *h = NULL;
    CHECK(bo_history_create(path_in_dir("sparse2.csv"), names3, 3, BO_HISTORY_NO_SYNC, &h, err,
                            sizeof err) == BO_OK);
    if (h == NULL)
        return;
    /* Enough rows to grow the set several times, far apart and close. */
    bo_history_row r = e->rows[0];
    size_t appended = 0;
    for (size_t k = 0; k < 300; k++) {
        r.eval = k % 2 ? (size_t)1000000000000u - k : k + 1;
        appended += bo_history_append(h, &r) == BO_OK;
    }
    CHECK(appended == 300);
    r.eval = 1000000000000u - 299;
    CHECK(bo_history_append(h, &r) == BO_EINVAL);
    CHECK(strstr(bo_history_errmsg(h), "which the file already holds") != NULL);
    r.eval = 1000000000001u;
    CHECK(bo_history_append(h, &r) == BO_EINVAL);
    CHECK_MSG(strstr(bo_history_errmsg(h), "is beyond the largest evaluation number") != NULL,
              "%s", bo_history_errmsg(h));
    CHECK(bo_history_count(h) == 300);
    bo_history_destroy(h);
    h = NULL;
    CHECK(bo_history_open_append(path_in_dir("sparse2.csv"), names3, 3, BO_HISTORY_NO_SYNC, &h,
                                 &n, err, sizeof err) == BO_OK);
    CHECK(n == 300);
    if (h != NULL) {
        r.eval = 1000000000000u - 1;   /* found on opening */
        CHECK(bo_history_append(h, &r) == BO_EINVAL);
        r.eval = 301;
        CHECK(bo_history_append(h, &r) == BO_OK);
        bo_history_destroy(h);
    }
}

/* With several workers rows complete out of suggestion order: any order of
 * distinct evals is written and read back as it was appended, and an eval
 * already in the file (appended now, or found on opening) is refused. */
static void test_completion_order(const expected_rows *e)
{
    const char *path = path_in_dir("order.csv");
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create(path, names3, 3, BO_HISTORY_NO_SYNC, &h, err, sizeof err) == BO_OK);
    if (h == NULL)
        return;
    static const size_t order[] = {2, 0, 4};
    for (size_t k = 0; k < 3; k++)
        CHECK_MSG(bo_history_append(h, &e->rows[order[k]]) == BO_OK, "%s", bo_history_errmsg(h));
    CHECK(bo_history_append(h, &e->rows[0]) == BO_EINVAL);
    CHECK_MSG(strstr(bo_history_errmsg(h), "eval 1, which the file already holds") != NULL, "%s",
              bo_history_errmsg(h));
    bo_history_destroy(h);
    size_t n = 0;
    CHECK(bo_history_open_append(path, names3, 3, BO_HISTORY_NO_SYNC, &h, &n, err, sizeof err) ==
          BO_OK);
    CHECK(n == 3);
    if (h != NULL) {
        CHECK(bo_history_append(h, &e->rows[4]) == BO_EINVAL); /* eval 5, found on opening */
        CHECK(bo_history_append(h, &e->rows[1]) == BO_OK);
        bo_history_destroy(h);
    }
    bo_history_row *rows = NULL;
    CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK);
    static const size_t read_order[] = {2, 0, 4, 1};
    CHECK(n == 4);
    for (size_t i = 0; i < n && i < 4; i++)
        CHECK_MSG(rows_equal(&rows[i], &e->rows[read_order[i]], 3), "row %zu differs", i + 1);
    bo_history_rows_free(rows);
}

/* A message that is not UTF-8 (a simulator's binary output quoted) is
 * written with each stray byte replaced by U+FFFD; valid UTF-8 is kept. */
static void test_non_utf8_message(const expected_rows *e)
{
    const char *path = path_in_dir("utf8.csv");
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create(path, names3, 3, BO_HISTORY_NO_SYNC, &h, err, sizeof err) == BO_OK);
    if (!h)
        return;
    bo_history_row r = e->rows[1];
    r.message = "bad \xff\xfe end, caf\xc3\xa9 \xe2\x82 \xc0\xaf \xed\xa0\x80";
    CHECK(bo_history_append(h, &r) == BO_OK);
    bo_history_destroy(h);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK(bo_history_read(path, names3, 3, &rows, &n, err, sizeof err) == BO_OK && n == 1);
    const char *want = "bad \xef\xbf\xbd\xef\xbf\xbd end, caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd "
                       "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd";
    CHECK_MSG(n == 1 && strcmp(rows[0].message, want) == 0, "message '%s'",
              n ? rows[0].message : "");
    bo_history_rows_free(rows);
}

static void test_append_rejects(const expected_rows *e)
{
    const char *path = path_in_dir("rejects.csv");
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create(path, names3, 3, BO_HISTORY_NO_SYNC, &h, err, sizeof err) == BO_OK);
    if (h == NULL)
        return;
    char *before = test_read_text(path);
    double bad_x[3] = {1.0, NAN, 2.0};
    static const char *const says[] = {"not a suggestion number", "invalid phase", "invalid status",
                                       "empty source", "empty source", "no input values",
                                       "input 2", "status ok with y", "must be finite",
                                       "must be finite"};
    for (int k = 0; k < 10; k++) {
        bo_history_row r = e->rows[0];
        switch (k) {
        case 0: r.eval = 0; break;
        case 1: r.phase = (bo_history_phase)7; break;
        case 2: r.status = (bo_history_status)7; break;
        case 3: r.source = ""; break;
        case 4: r.source = NULL; break;
        case 5: r.x = NULL; break;
        case 6: r.x = bad_x; break;
        case 7: r.y = NAN; break;
        case 8: r.cost = NAN; break;
        default: r.eval_seconds = INFINITY; break;
        }
        CHECK_MSG(bo_history_append(h, &r) == BO_EINVAL, "case %d", k);
        CHECK_MSG(strstr(bo_history_errmsg(h), says[k]) != NULL, "case %d: %s", k,
                  bo_history_errmsg(h));
        CHECK(strstr(bo_history_errmsg(h), "rejects.csv") != NULL);
    }
    char *after = test_read_text(path);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    free(before);
    free(after);
    CHECK(bo_history_count(h) == 0);
    bo_history_destroy(h);
    bo_history_destroy(NULL);

    const char *no_names[] = {"a", ""};
    CHECK(bo_history_create(path_in_dir("x.csv"), no_names, 2, 0, &h, err, sizeof err) ==
          BO_EINVAL);
    CHECK(strstr(err, "input 2 has no name") != NULL);
    CHECK(bo_history_create(path_in_dir("x.csv"), no_names, 0, 0, &h, err, sizeof err) ==
          BO_EINVAL);
    CHECK(access(path_in_dir("x.csv"), F_OK) != 0);
    CHECK(strcmp(bo_history_phase_name((bo_history_phase)5), "?") == 0);
    CHECK(strcmp(bo_history_status_name((bo_history_status)5), "?") == 0);
    CHECK(strcmp(bo_history_phase_name(BO_HISTORY_BO), "bo") == 0);
    CHECK(strcmp(bo_history_status_name(BO_HISTORY_FAILED), "failed") == 0);
}

static void test_write_failures(void)
{
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create("/nonexistent-bo-dir/history.csv", names3, 3, 0, &h, err,
                            sizeof err) == BO_EIO);
    CHECK(strstr(err, "/nonexistent-bo-dir/history.csv") != NULL);
    /* /dev/full accepts open but fails every write with ENOSPC: the header
     * write fails and create reports it. */
    if (access("/dev/full", W_OK) == 0) {
        CHECK(bo_history_create("/dev/full", names3, 3, BO_HISTORY_OVERWRITE, &h, err,
                                sizeof err) == BO_EIO);
        CHECK_MSG(strstr(err, "/dev/full: cannot write") != NULL, "%s", err);
        CHECK(h == NULL);
        bo_history_state *s = NULL;
        CHECK(bo_history_state_create("/dev/full", BO_HISTORY_OVERWRITE, &s, err, sizeof err) ==
              BO_OK);
        if (s != NULL) {
            double v = 1.0;
            bo_status st = bo_history_state_write(s, 1, &v, 1);
            CHECK(st == BO_EIO);
            CHECK(strstr(bo_history_state_errmsg(s), "/dev/full: cannot write") != NULL);
            /* A character device cannot be cut back: the handle then refuses
             * to write anything more rather than risk a corrupt file. */
            CHECK(bo_history_state_write(s, 2, &v, 1) == BO_ESTATE);
            CHECK(strstr(bo_history_state_errmsg(s), "earlier write failed") != NULL);
        }
        bo_history_state_destroy(s);
    }
}

static void test_state(void)
{
    const char *path = path_in_dir("state.txt");
    char err[512] = "";
    bo_history_state *s = NULL;
    CHECK(bo_history_state_create(path, 0, &s, err, sizeof err) == BO_OK);
    if (s == NULL)
        return;
    const double v1[3] = {1.5, NAN, -INFINITY};
    const double v2[2] = {0.1, -4.9406564584124654e-324};
    CHECK(bo_history_state_write(s, 1, v1, 3) == BO_OK);
    CHECK(bo_history_state_write(s, 2, v2, 2) == BO_OK);
    CHECK(bo_history_state_write(s, 3, NULL, 0) == BO_OK);
    bo_history_state_destroy(s);
    bo_history_state_destroy(NULL);
    char *text = test_read_text(path);
    CHECK_MSG(text != NULL &&
                  strcmp(text, "1 1.5 nan -inf\n2 0.10000000000000001 -4.9406564584124654e-324\n"
                               "3\n") == 0,
              "%s", text ? text : "(null)");
    free(text);

    int found = 0;
    size_t eval = 0, n = 0;
    double *values = NULL;
    CHECK(bo_history_state_read(path, 2, &found, &eval, &values, &n, err, sizeof err) == BO_OK);
    CHECK(found == 1 && eval == 2 && n == 2);
    CHECK(n == 2 && same_bits(values[0], v2[0]) && same_bits(values[1], v2[1]));
    free(values);
    CHECK(bo_history_state_read(path, 1, &found, &eval, &values, &n, err, sizeof err) == BO_OK);
    CHECK(found == 1 && eval == 1 && n == 3);
    CHECK(n == 3 && values[0] == 1.5 && isnan(values[1]) && values[2] == -INFINITY);
    free(values);
    CHECK(bo_history_state_read(path, 100, &found, &eval, &values, &n, err, sizeof err) ==
          BO_OK);
    CHECK(found == 1 && eval == 3 && n == 0 && values == NULL);
    CHECK(bo_history_state_read(path, 0, &found, &eval, &values, &n, err, sizeof err) == BO_OK);
    CHECK(found == 0 && eval == 0 && n == 0 && values == NULL);

    /* A torn last line is ignored, then cut off together with the lines
     * past the last complete history row. */
    append_file(path, "4 1.0 2");
    CHECK(bo_history_state_read(path, 100, &found, &eval, &values, &n, err, sizeof err) ==
          BO_OK);
    CHECK(found == 1 && eval == 3);
    free(values);
    CHECK(bo_history_state_open_append(path, 2, 0, &s, err, sizeof err) == BO_OK);
    text = test_read_text(path);
    CHECK(text != NULL &&
          strcmp(text, "1 1.5 nan -inf\n2 0.10000000000000001 -4.9406564584124654e-324\n") == 0);
    free(text);
    const double v3[1] = {7.0};
    if (s != NULL)
        CHECK(bo_history_state_write(s, 3, v3, 1) == BO_OK);
    bo_history_state_destroy(s);
    CHECK(bo_history_state_read(path, 100, &found, &eval, &values, &n, err, sizeof err) ==
          BO_OK);
    CHECK(found == 1 && eval == 3 && n == 1 && values != NULL && values[0] == 7.0);
    free(values);

    CHECK(bo_history_state_create(path, 0, &s, err, sizeof err) == BO_EIO);
    CHECK(s == NULL && strstr(err, "overwrite") != NULL);

    const char *fresh = path_in_dir("fresh-state.txt");
    CHECK(bo_history_state_open_append(fresh, 5, BO_HISTORY_NO_SYNC, &s, err, sizeof err) ==
          BO_OK);
    if (s != NULL)
        CHECK(bo_history_state_write(s, 1, v3, 1) == BO_OK);
    bo_history_state_destroy(s);
    CHECK(bo_history_state_read(fresh, 5, &found, &eval, &values, &n, err, sizeof err) ==
          BO_OK);
    CHECK(found == 1 && eval == 1 && n == 1);
    free(values);

    static const char *const bad[] = {"1 2\nx 1 2\n", "1 2\n2  3\n", "1 2\n2 3x\n",
                                      "1 2\n2 3 \n", "1 2\n-2 3\n", "1 2\n2,3\n"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        write_file(path, bad[k]);
        CHECK_MSG(bo_history_state_read(path, 100, &found, &eval, &values, &n, err,
                                        sizeof err) == BO_EPARSE, "case %zu", k);
        CHECK_MSG(strstr(err, "state.txt: line 2") != NULL, "case %zu: %s", k, err);
        CHECK(values == NULL && found == 0);
        CHECK(bo_history_state_open_append(path, 100, 0, &s, err, sizeof err) == BO_EPARSE);
        CHECK(s == NULL);
    }
    CHECK(bo_history_state_read(path_in_dir("nothing.txt"), 1, &found, &eval, &values, &n, err,
                                sizeof err) == BO_EIO);
}

static void remove_dir(void)
{
    static const char *const files[] = {"history.csv", "crlf.csv", "overwritten.csv",
                                        "foreign.csv", "torn.csv", "bad.csv", "rejects.csv", "order.csv",
                                        "utf8.csv", "sparse.csv", "sparse2.csv", "state.txt",
                                        "fresh-state.txt", "outputs.csv", "levels.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(path_in_dir(files[i]));
    CHECK(rmdir(dir) == 0);
}

/* Constraint outputs: their columns after finished and the feasible flag
 * are written and read back bit for bit, a failed row may lack outputs,
 * and a file whose constraint columns differ from the config's is refused
 * naming the column. */
static void test_outputs(void)
{
    const char *path = path_in_dir("outputs.csv");
    const char *const inputs[] = {"x"};
    const char *const outputs[] = {"stress", "mass"};
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create_outputs(path, inputs, 1, outputs, 2,
                                    BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h, err,
                                    sizeof err) == BO_OK);
    if (h == NULL)
        return;
    double x1 = 0.5, x2 = 0.25, x3 = 1.0 / 3.0;
    double o1[] = {240.5, 0.1}, o2[] = {260.0, 1.0 / 7.0}, o3[] = {NAN, 2.0};
    bo_history_row r = {.eval = 1, .phase = BO_HISTORY_INIT, .source = "f", .x = &x1,
                        .y = 1.5, .status = BO_HISTORY_OK, .message = "", .cost = 1,
                        .cum_cost = 1, .best = 1.5, .acq = NAN, .worker = 1, .started = 10,
                        .finished = 11, .outputs = o1, .feasible = 1};
    CHECK_MSG(bo_history_append(h, &r) == BO_OK, "%s", bo_history_errmsg(h));
    r.eval = 2, r.x = &x2, r.y = -2.0, r.outputs = o2, r.feasible = 0, r.cum_cost = 2;
    CHECK_MSG(bo_history_append(h, &r) == BO_OK, "%s", bo_history_errmsg(h));
    r.eval = 3, r.x = &x3, r.y = NAN, r.status = BO_HISTORY_FAILED, r.outputs = o3;
    r.message = "constraint output stress missing", r.cum_cost = 3;
    CHECK_MSG(bo_history_append(h, &r) == BO_OK, "%s", bo_history_errmsg(h));
    /* Refused: a feasible failed row, an ok row without an output. */
    r.eval = 4, r.feasible = 1;
    CHECK(bo_history_append(h, &r) == BO_EINVAL);
    CHECK_MSG(strstr(bo_history_errmsg(h), "cannot be feasible"), "%s", bo_history_errmsg(h));
    r.status = BO_HISTORY_OK, r.y = 1.0, r.feasible = 0;
    CHECK(bo_history_append(h, &r) == BO_EINVAL);
    CHECK_MSG(strstr(bo_history_errmsg(h), "constraint 1 is nan"), "%s", bo_history_errmsg(h));
    bo_history_destroy(h);

    char *text = test_read_text(path);
    const char *want =
        "eval,phase,source,x,y,status,message,cost,cum_cost,best,acq,suggest_seconds,"
        "eval_seconds,worker,started,finished,stress,mass,feasible\n"
        "1,init,f,0.5,1.5,ok,,1,1,1.5,,0,0,1,10.000,11.000,240.5,0.10000000000000001,1\n";
    CHECK_MSG(text && strncmp(text, want, strlen(want)) == 0, "%s", text ? text : "(null)");
    CHECK(text && strstr(text, ",,2,0\n") != NULL); /* row 3: stress empty, mass 2 */
    free(text);

    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK_MSG(bo_history_read_outputs(path, inputs, 1, outputs, 2, &rows, &n, err,
                                      sizeof err) == BO_OK, "%s", err);
    CHECK(n == 3);
    if (n == 3) {
        CHECK(rows[0].feasible == 1 && rows[0].outputs[0] == 240.5 &&
              rows[0].outputs[1] == 0.1);
        CHECK(rows[1].feasible == 0 && rows[1].outputs[1] == 1.0 / 7.0);
        CHECK(rows[2].status == BO_HISTORY_FAILED && isnan(rows[2].outputs[0]) &&
              rows[2].outputs[1] == 2.0 && rows[2].feasible == 0);
    }
    bo_history_rows_free(rows);
    /* Reopening for --resume keeps the rows. */
    size_t kept = 0;
    CHECK(bo_history_open_append_outputs(path, inputs, 1, outputs, 2, BO_HISTORY_NO_SYNC, &h,
                                         &kept, err, sizeof err) == BO_OK && kept == 3);
    bo_history_destroy(h);

    /* Another config's constraints, or none, are refused with the column. */
    const char *const other[] = {"stress", "volume"};
    CHECK(bo_history_read_outputs(path, inputs, 1, other, 2, &rows, &n, err, sizeof err) ==
          BO_EPARSE);
    CHECK_MSG(strstr(err, "column 18 is 'mass' but the config's constraint 2 is 'volume'"), "%s",
              err);
    CHECK(bo_history_read(path, inputs, 1, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "the config has no constraints"), "%s", err);
    CHECK(bo_history_read_outputs(path, inputs, 1, outputs, 1, &rows, &n, err, sizeof err) ==
          BO_EPARSE);
    CHECK_MSG(strstr(err, "column 18 is 'mass' but the config's constraint 1 is 'stress'"), "%s",
              err);
    const char *const plain_header =
        "eval,phase,source,x,y,status,message,cost,cum_cost,best,acq,suggest_seconds,"
        "eval_seconds,worker,started,finished\n";
    write_file(path, plain_header);
    CHECK(bo_history_read_outputs(path, inputs, 1, outputs, 2, &rows, &n, err, sizeof err) ==
          BO_EPARSE);
    CHECK_MSG(strstr(err, "no 'feasible' column"), "%s", err);

    /* Bad fields of a row name the row and the column. */
    const char *const header =
        "eval,phase,source,x,y,status,message,cost,cum_cost,best,acq,suggest_seconds,"
        "eval_seconds,worker,started,finished,stress,mass,feasible\n";
    static const struct {
        const char *row, *want;
    } bad[] = {
        {"1,init,f,0.5,1.5,ok,,1,1,1.5,,0,0,1,10,11,,0.1,1\n",
         "row 1 (line 2): constraint stress '' is not a finite number (the row is ok)"},
        {"1,init,f,0.5,1.5,ok,,1,1,1.5,,0,0,1,10,11,abc,0.1,1\n",
         "constraint stress 'abc' is not a finite number"},
        {"1,init,f,0.5,,failed,x,1,1,,,0,0,1,10,11,inf,,0\n",
         "constraint stress 'inf' is not a finite number or empty"},
        {"1,init,f,0.5,1.5,ok,,1,1,1.5,,0,0,1,10,11,1,0.1,yes\n",
         "row 1 (line 2): feasible 'yes', expected 0 or 1"},
        {"1,init,f,0.5,,failed,x,1,1,,,0,0,1,10,11,1,0.1,1\n", "a failed row cannot be feasible"},
        {"1,init,f,0.5,1.5,ok,,1,1,1.5,,0,0,1,10,11,1,0.1\n", "18 fields, expected 19"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char content[512];
        snprintf(content, sizeof content, "%s%s", header, bad[i].row);
        write_file(path, content);
        CHECK(bo_history_read_outputs(path, inputs, 1, outputs, 2, &rows, &n, err,
                                      sizeof err) == BO_EPARSE);
        CHECK_MSG(strstr(err, bad[i].want), "case %zu: %s", i, err);
    }
}

/* Categorical inputs: the level's name in the column (quoted as CSV says
 * where needed), its index on reading back; an index that is not a level
 * refused on appending, a name that is not one on reading. */
static void test_levels(void)
{
    const char *path = path_in_dir("levels.csv");
    const char *const inputs[] = {"x", "material"};
    const char *const material[] = {"steel", "al, 6061", "ti"};
    const size_t n_levels[] = {0, 3};
    const char *const *const names[] = {NULL, material};
    bo_history_levels levels = {n_levels, names};
    char err[512] = "";
    bo_history *h = NULL;
    CHECK(bo_history_create_levels(path, inputs, 2, &levels, NULL, 0,
                                   BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC, &h, err,
                                   sizeof err) == BO_OK);
    if (h == NULL)
        return;
    double x[3][2] = {{0.5, 1}, {0.25, 2}, {1, 0}};
    bo_history_row r = {.eval = 1, .phase = BO_HISTORY_INIT, .source = "f", .x = x[0],
                        .y = 1.5, .status = BO_HISTORY_OK, .message = "", .cost = 1,
                        .cum_cost = 1, .best = 1.5, .acq = NAN, .worker = 1, .started = 10,
                        .finished = 11};
    for (int i = 0; i < 3; i++) {
        r.eval = (size_t)i + 1, r.x = x[i];
        CHECK_MSG(bo_history_append(h, &r) == BO_OK, "%s", bo_history_errmsg(h));
    }
    double off[2] = {0.5, 1.5};
    r.eval = 4, r.x = off;
    CHECK(bo_history_append(h, &r) == BO_EINVAL);
    CHECK_MSG(strstr(bo_history_errmsg(h), "input 2 is 1.5, not a level index below 3"), "%s",
              bo_history_errmsg(h));
    bo_history_destroy(h);
    char *text = test_read_text(path);
    CHECK(text && strstr(text, "\n1,init,f,0.5,\"al, 6061\",1.5,ok,") &&
          strstr(text, "\n2,init,f,0.25,ti,") && strstr(text, "\n3,init,f,1,steel,"));
    free(text);
    bo_history_row *rows = NULL;
    size_t n = 0;
    CHECK_MSG(bo_history_read_levels(path, inputs, 2, &levels, NULL, 0, &rows, &n, err,
                                     sizeof err) == BO_OK, "%s", err);
    CHECK(n == 3);
    for (size_t i = 0; i < n && i < 3; i++)
        CHECK(rows[i].x[0] == x[i][0] && rows[i].x[1] == x[i][1]);
    bo_history_rows_free(rows);
    /* Read as numbers, the names are not numbers; a name not listed is no
     * level. */
    CHECK(bo_history_read(path, inputs, 2, &rows, &n, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "row 1 (line 2): input 2 value 'al, 6061' is not a finite number"),
              "%s", err);
    const char *const other[] = {"steel", "aluminium", "ti"};
    const char *const *const other_names[] = {NULL, other};
    bo_history_levels renamed = {n_levels, other_names};
    CHECK(bo_history_read_levels(path, inputs, 2, &renamed, NULL, 0, &rows, &n, err,
                                 sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "row 1 (line 2): input 2 value 'al, 6061' is not one of its levels"),
              "%s", err);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/test_history_XXXXXX", BO_BINARY_DIR);
    if (mkdtemp(dir) == NULL) {
        perror(dir);
        return 1;
    }
    static expected_rows e;
    make_rows(&e);
    test_round_trip(&e);
    test_crlf();
    test_refuse_overwrite();
    test_header_mismatch();
    test_torn_last_line(&e);
    test_malformed_rows();
    test_completion_order(&e);
    test_non_utf8_message(&e);
    test_sparse_evals(&e);
    test_append_rejects(&e);
    test_write_failures();
    test_outputs();
    test_levels();
    test_state();
    remove_dir();
    return CHECK_DONE();
}
