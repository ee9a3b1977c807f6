/* The CSV reader (bo/io/csv.h): bo_csv_read on any bytes, then every
 * accessor on the table it gives: names, cells, lines, columns, number
 * parsing of every cell and of whole columns, lookups by name. Checks the
 * header's promises: a failure has a message; a table has data rows, names
 * that are non-empty and distinct (each found at its own index), lines that
 * grow and columns counted from 1. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/csv.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bo_fuzz_file("fuzz.csv", data, size);
    bo_csv *t = NULL;
    char err[512] = "";
    bo_status status = bo_csv_read(path, &t, err, sizeof err);
    if (status != BO_OK) {
        if (t != NULL || err[0] == '\0')
            bo_fuzz_fail("bo_csv_read failed (%s) with a table or without a message",
                         bo_strerror(status));
        return 0;
    }
    size_t rows = bo_csv_n_rows(t), cols = bo_csv_n_cols(t);
    if (rows == 0 || cols == 0)
        bo_fuzz_fail("a table of %zu rows and %zu columns", rows, cols);
    size_t line = bo_csv_header_line(t);
    for (size_t j = 0; j < cols; j++) {
        size_t found = SIZE_MAX;
        if (bo_csv_name(t, j)[0] == '\0' || !bo_csv_find(t, bo_csv_name(t, j), &found) ||
            found != j || bo_csv_name_column(t, j) < 1)
            bo_fuzz_fail("header name %zu is empty, repeated or misplaced", j);
    }
    for (size_t i = 0; i < rows; i++) {
        if (bo_csv_line(t, i) <= line)
            bo_fuzz_fail("data row %zu on line %zu, after line %zu", i, bo_csv_line(t, i), line);
        line = bo_csv_line(t, i);
        for (size_t j = 0; j < cols; j++) {
            double v;
            if (bo_csv_cell(t, i, j) == NULL || bo_csv_cell_column(t, i, j) < 1)
                bo_fuzz_fail("cell (%zu, %zu) missing or at column 0", i, j);
            if (bo_csv_number(t, i, j, &v, err, sizeof err) == BO_OK && !isfinite(v))
                bo_fuzz_fail("cell (%zu, %zu) read as the non-finite %g", i, j, v);
        }
    }
    size_t col = 0;
    int present = bo_csv_find(t, "x1", &col);
    if ((bo_csv_require(t, "x1", &col, err, sizeof err) == BO_OK) != present)
        bo_fuzz_fail("bo_csv_require and bo_csv_find disagree");
    size_t *all = malloc(cols * sizeof *all);
    double *values = malloc(rows * cols * sizeof *values);
    if (all != NULL && values != NULL) {
        for (size_t j = 0; j < cols; j++)
            all[j] = j;
        bo_csv_numbers(t, cols, all, values, err, sizeof err);
    }
    free(all);
    free(values);
    bo_csv_destroy(t);
    return 0;
}
