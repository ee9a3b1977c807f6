/* The CSV reader: a good file read back exactly, line endings and quoting,
 * and every error path with the file, line and column in its message. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bo/io/csv.h"
#include "tests/check.h"

#define DATA BO_SOURCE_DIR "/tests/data/csv/"

static int contains(const char *text, const char *part)
{
    return strstr(text, part) != NULL;
}

/* Reading the fixture name must fail with status and a message holding the
 * file name and the fragments given (either may be NULL). */
static void expect_read_error(const char *name, bo_status status, const char *frag1,
                              const char *frag2)
{
    char path[512], err[512];
    static char poison;
    bo_csv *t = (bo_csv *)(void *)&poison; /* must come back NULL */
    bo_status st;

    snprintf(path, sizeof path, DATA "%s", name);
    err[0] = '\0';
    st = bo_csv_read(path, &t, err, sizeof err);
    CHECK_MSG(st == status, "%s: status %d, expected %d (%s)", name, (int)st, (int)status,
              err);
    CHECK_MSG(t == NULL, "%s: table not NULL on error", name);
    CHECK_MSG(contains(err, name), "%s: message lacks the file: %s", name, err);
    CHECK_MSG(frag1 == NULL || contains(err, frag1), "%s: message lacks '%s': %s", name,
              frag1, err);
    CHECK_MSG(frag2 == NULL || contains(err, frag2), "%s: message lacks '%s': %s", name,
              frag2, err);
    bo_csv_destroy(t);
}

/* Reading must succeed, but gathering every column as numbers must fail with
 * the line and column named. */
static void expect_number_error(const char *name, const char *line, const char *column)
{
    char path[512], err[512];
    bo_csv *t = NULL;
    bo_status st;
    double *values;
    size_t cols[3] = {0, 1, 2};

    snprintf(path, sizeof path, DATA "%s", name);
    st = bo_csv_read(path, &t, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s: %s", name, err);
    if (st != BO_OK) {
        return;
    }
    CHECK(bo_csv_n_cols(t) == 3);
    values = malloc(bo_csv_n_rows(t) * 3 * sizeof *values);
    err[0] = '\0';
    st = bo_csv_numbers(t, 3, cols, values, err, sizeof err);
    CHECK_MSG(st == BO_EPARSE, "%s: status %d", name, (int)st);
    CHECK_MSG(contains(err, name), "%s: message lacks the file: %s", name, err);
    CHECK_MSG(contains(err, line), "%s: message lacks '%s': %s", name, line, err);
    CHECK_MSG(contains(err, column), "%s: message lacks '%s': %s", name, column, err);
    free(values);
    bo_csv_destroy(t);
}

static void test_good_file(void)
{
    char err[512] = "";
    bo_csv *t = NULL;
    size_t cols[3] = {0, 1, 2}, col = 99;
    double v[9];
    /* Exact: strtod and the compiler both round the decimal text correctly. */
    const double expect[9] = {0.1, -2.5e-3, 1e300, 3, 4, -0.0, 7.25, 1E-5, 1e2};
    size_t i;

    CHECK(bo_csv_read(DATA "good.csv", &t, err, sizeof err) == BO_OK);
    if (t == NULL) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK(bo_csv_n_rows(t) == 3);
    CHECK(bo_csv_n_cols(t) == 3);
    /* Header names trimmed and unquoted. */
    CHECK(strcmp(bo_csv_name(t, 0), "x1") == 0);
    CHECK(strcmp(bo_csv_name(t, 1), "x2") == 0);
    CHECK(strcmp(bo_csv_name(t, 2), "y") == 0);
    /* The blank line 4 is skipped but still counted. */
    CHECK(bo_csv_line(t, 0) == 2);
    CHECK(bo_csv_line(t, 1) == 3);
    CHECK(bo_csv_line(t, 2) == 5);
    CHECK(strcmp(bo_csv_cell(t, 1, 0), "3") == 0);
    CHECK(bo_csv_numbers(t, 3, cols, v, err, sizeof err) == BO_OK);
    for (i = 0; i < 9; i++) {
        CHECK_MSG(v[i] == expect[i], "value %zu: %.17g != %.17g", i, v[i], expect[i]);
    }
    CHECK(signbit(v[5]));
    CHECK(bo_csv_find(t, "x2", &col) == 1 && col == 1);
    CHECK(bo_csv_find(t, "x3", &col) == 0);
    CHECK(bo_csv_require(t, "y", &col, err, sizeof err) == BO_OK && col == 2);
    err[0] = '\0';
    CHECK(bo_csv_require(t, "pressure", &col, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(contains(err, "good.csv") && contains(err, "'pressure'") &&
                  contains(err, "'x1', 'x2', 'y'"),
              "missing column message: %s", err);
    bo_csv_destroy(t);
}

static void test_labels(void)
{
    char err[512] = "";
    bo_csv *t = NULL;
    double v = 0;

    CHECK(bo_csv_read(DATA "labels.csv", &t, err, sizeof err) == BO_OK);
    if (t == NULL) {
        return;
    }
    CHECK(bo_csv_n_rows(t) == 2);
    CHECK(strcmp(bo_csv_cell(t, 0, 1), "HF") == 0);
    /* A quoted comma stays inside the field. */
    CHECK(strcmp(bo_csv_cell(t, 1, 1), "low, fidelity") == 0);
    CHECK(bo_csv_number(t, 1, 2, &v, err, sizeof err) == BO_OK && v == 2.5);
    /* A label column is text: asking for a number names the place. */
    CHECK(bo_csv_number(t, 0, 1, &v, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(contains(err, "line 2") && contains(err, "'source'") && contains(err, "'HF'"),
              "%s", err);
    bo_csv_destroy(t);
}

/* CRLF endings, no final newline and a byte-order mark read like plain LF. */
static void test_line_endings(void)
{
    char dir[] = "/tmp/bo_test_csv_XXXXXX";
    char path[600], err[512] = "";
    const char *variants[3] = {
        "a,b\r\n1.5,2\r\n3,4.5\r\n",
        "a,b\n1.5,2\n3,4.5",
        "\xEF\xBB\xBF" "a,b\r\n1.5,2\r\n3,4.5",
    };
    size_t k;

    if (mkdtemp(dir) == NULL) {
        CHECK_MSG(0, "mkdtemp failed");
        return;
    }
    snprintf(path, sizeof path, "%s/t.csv", dir);
    for (k = 0; k < 3; k++) {
        FILE *f = fopen(path, "wb");
        bo_csv *t = NULL;
        size_t cols[2] = {0, 1};
        double v[4] = {0, 0, 0, 0};
        CHECK(f != NULL);
        if (f == NULL) {
            break;
        }
        fputs(variants[k], f);
        fclose(f);
        CHECK_MSG(bo_csv_read(path, &t, err, sizeof err) == BO_OK, "variant %zu: %s", k, err);
        if (t == NULL) {
            continue;
        }
        CHECK(bo_csv_n_rows(t) == 2 && bo_csv_n_cols(t) == 2);
        CHECK_MSG(strcmp(bo_csv_name(t, 0), "a") == 0, "variant %zu: name '%s'", k,
                  bo_csv_name(t, 0));
        CHECK(strcmp(bo_csv_name(t, 1), "b") == 0);
        CHECK(bo_csv_numbers(t, 2, cols, v, err, sizeof err) == BO_OK);
        CHECK(v[0] == 1.5 && v[1] == 2 && v[2] == 3 && v[3] == 4.5);
        bo_csv_destroy(t);
    }
    remove(path);
    rmdir(dir);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Writes text to dir/name and reads it; *t gets the table (or NULL). */
static bo_status read_text(const char *dir, const char *name, const char *text, bo_csv **t,
                           char *err, size_t errlen)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) {
        return BO_EIO;
    }
    fputs(text, f);
    fclose(f);
    bo_status st = bo_csv_read(path, t, err, errlen);
    remove(path);
    return st;
}

/* Wide files cost time in proportion to their size: a header of 100,000
 * names once took 48 s (every pair of names compared, and every field's
 * column counted from the start of its line). The first mistake from the
 * left is still the one reported; columns count characters of the line as
 * written, also after a quoted field with "" and multi-byte characters
 * (they were one short there). */
static void test_wide_files(void)
{
    char dir[] = "/tmp/bo_test_csv_XXXXXX";
    char err[512] = "";
    bo_csv *t = NULL;
    enum { WIDE = 100000 };

    if (mkdtemp(dir) == NULL) {
        CHECK_MSG(0, "mkdtemp failed");
        return;
    }
    char *text = malloc((size_t)WIDE * 16 + 64);
    CHECK(text != NULL);
    if (text == NULL) {
        rmdir(dir);
        return;
    }
    for (int dup = 0; dup < 2; dup++) {
        size_t used = 0;
        for (int j = 0; j < WIDE; j++) {
            used += (size_t)sprintf(text + used, "%sc%d", j ? "," : "",
                                    dup && j == WIDE - 1 ? 7 : j);
        }
        used += (size_t)sprintf(text + used, "\n");
        for (int j = 0; j < WIDE; j++) {
            used += (size_t)sprintf(text + used, "%s1", j ? "," : "");
        }
        sprintf(text + used, "\n");
        double start = seconds_now();
        bo_status st = read_text(dir, "wide.csv", text, &t, err, sizeof err);
        double took = seconds_now() - start;
        /* Well under a second; ten allowed for sanitizers and a busy machine. */
        CHECK_MSG(took < 10.0, "a header of %d names read in %.1f s", WIDE, took);
        if (dup) {
            CHECK(st == BO_EPARSE && t == NULL);
            CHECK_MSG(contains(err, "line 1: duplicate header name 'c7' (columns 8 and 100000)"),
                      "%s", err);
        } else {
            CHECK_MSG(st == BO_OK, "%s", err);
            CHECK(t != NULL && bo_csv_n_cols(t) == WIDE);
            if (t != NULL) {
                /* "c0," ... : name j starts after the names before it. */
                CHECK(bo_csv_name_column(t, 99999) == 688884);
                CHECK(bo_csv_cell_column(t, 0, 99999) == 199999);
            }
            bo_csv_destroy(t);
        }
    }
    free(text);

    /* The first mistake from the left: a repeated name before an empty one,
     * an empty name before a repeated one. */
    CHECK(read_text(dir, "d.csv", "a,b,a,,c\n1,2,3,4,5\n", &t, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(contains(err, "duplicate header name 'a' (columns 1 and 3)"), "%s", err);
    CHECK(read_text(dir, "d.csv", "a,,b,a\n1,2,3,4\n", &t, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(contains(err, "header column 2 has no name"), "%s", err);
    CHECK(read_text(dir, "d.csv", "b,a,b,a\n1,2,3,4\n", &t, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(contains(err, "duplicate header name 'b' (columns 1 and 3)"), "%s", err);

    /* Columns in characters: x is the tenth character of its line. */
    CHECK(read_text(dir, "q.csv", "a,b\n\"\"\"\xC3\xA9\"\"\xC3\xA9\",x\n", &t, err, sizeof err) ==
          BO_OK);
    if (t != NULL) {
        CHECK(strcmp(bo_csv_cell(t, 0, 0), "\"\xC3\xA9\"\xC3\xA9") == 0);
        CHECK(bo_csv_cell_column(t, 0, 0) == 1);
        CHECK_MSG(bo_csv_cell_column(t, 0, 1) == 10, "column %zu", bo_csv_cell_column(t, 0, 1));
        bo_csv_destroy(t);
    }
    rmdir(dir);
}

static void test_parse_double(void)
{
    double v = -1;
    CHECK(bo_parse_double(" 1.25 ", &v) == BO_NUMBER_OK && v == 1.25);
    CHECK(bo_parse_double("-3e-2", &v) == BO_NUMBER_OK && v == -3e-2);
    CHECK(bo_parse_double("", &v) == BO_NUMBER_EMPTY);
    CHECK(bo_parse_double("  ", &v) == BO_NUMBER_EMPTY);
    CHECK(bo_parse_double("1.5x", &v) == BO_NUMBER_SYNTAX);
    CHECK(bo_parse_double("x", &v) == BO_NUMBER_SYNTAX);
    CHECK(bo_parse_double("1 2", &v) == BO_NUMBER_SYNTAX);
    CHECK(bo_parse_double("NaN", &v) == BO_NUMBER_NONFINITE);
    CHECK(bo_parse_double("inf", &v) == BO_NUMBER_NONFINITE);
    CHECK(bo_parse_double("-Infinity", &v) == BO_NUMBER_NONFINITE);
    CHECK(bo_parse_double("1e400", &v) == BO_NUMBER_RANGE);
    CHECK(bo_parse_double("-1e400", &v) == BO_NUMBER_RANGE);
    /* Underflow is accepted as strtod rounds it. */
    CHECK(bo_parse_double("1e-400", &v) == BO_NUMBER_OK && v == 0.0);
}

int main(void)
{
    bo_csv *t = NULL;

    test_parse_double();
    test_good_file();
    test_labels();
    test_line_endings();
    test_wide_files();

    expect_read_error("empty.csv", BO_EPARSE, "empty file", NULL);
    expect_read_error("blank.csv", BO_EPARSE, "empty file", NULL);
    expect_read_error("header_only.csv", BO_EPARSE, "line 1", "no data rows");
    expect_read_error("duplicate_header.csv", BO_EPARSE, "line 1", "duplicate header name 'a'");
    expect_read_error("empty_header_name.csv", BO_EPARSE, "line 1", "column 2 has no name");
    expect_read_error("wrong_count.csv", BO_EPARSE, "line 3", "2 fields, the header has 3");
    expect_read_error("too_many.csv", BO_EPARSE, "line 3", "4 fields, the header has 3");
    expect_read_error("unterminated_quote.csv", BO_EPARSE, "line 2", "unterminated quote");
    expect_read_error("text_after_quote.csv", BO_EPARSE, "line 2", "after the closing quote");
    expect_read_error("does_not_exist.csv", BO_EIO, "cannot open", NULL);

    expect_number_error("not_number.csv", "line 4", "column 'b': 'abc' is not a number");
    expect_number_error("nan.csv", "line 5", "column 'b': 'nan' is not finite");
    expect_number_error("inf.csv", "line 2", "column 'b': '-inf' is not finite");
    expect_number_error("overflow.csv", "line 3", "column 'b': '1e999' is out of the range");
    expect_number_error("empty_cell.csv", "line 3", "column 'b': '' is empty");
    expect_number_error("trailing_text.csv", "line 2", "column 'b': '2 3' is not a number");

    /* A NULL error buffer is allowed. */
    CHECK(bo_csv_read(DATA "empty.csv", &t, NULL, 0) == BO_EPARSE && t == NULL);
    bo_csv_destroy(NULL);
    return CHECK_DONE();
}
