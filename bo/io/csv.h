#ifndef BO_IO_CSV_H
#define BO_IO_CSV_H

/* A small reader for CSV tables with one header row.
 *
 * Format accepted: fields separated by ',', LF or CRLF line endings, the last
 * line with or without a newline, a UTF-8 byte-order mark at the start
 * ignored, blank lines ignored, spaces and tabs around a field trimmed, and
 * fields optionally in double quotes ("" inside quotes is one quote; a quoted
 * field cannot span lines). Every data row must have as many fields as the
 * header; header names must be non-empty and distinct.
 *
 * Cells are kept as text; numbers are parsed on request, so a table may hold
 * label columns (e.g. a source name) next to numeric ones.
 *
 * Errors: every function that can fail writes a message to the caller's
 * buffer (errbuf, errlen; errbuf may be NULL) naming the file, the line
 * ("line L" counts physical lines from 1, the header being line 1) and the
 * column where one applies, e.g.
 *     train.csv: line 7, column 'x2': 'abc' is not a number */

#include <stddef.h>

#include "gp/bo_status.h"

typedef struct bo_csv bo_csv;

/* Reads and splits the whole file at path. On success *out owns the table
 * (free it with bo_csv_destroy). Returns BO_EIO when the file cannot be read,
 * BO_EPARSE for an empty file, a file with a header and no data rows, an empty
 * or duplicate header name, a row with the wrong number of fields or an
 * unterminated quote; BO_ENOMEM when memory runs out. *out is NULL on error. */
bo_status bo_csv_read(const char *path, bo_csv **out, char *errbuf, size_t errlen);

/* Frees the table; NULL is a no-op. */
void bo_csv_destroy(bo_csv *table);

size_t bo_csv_n_rows(const bo_csv *table);  /* data rows, header excluded */
size_t bo_csv_n_cols(const bo_csv *table);
const char *bo_csv_path(const bo_csv *table);
/* The header name of column col. */
const char *bo_csv_name(const bo_csv *table, size_t col);
/* The trimmed, unquoted text of a cell (data row row, column col). */
const char *bo_csv_cell(const bo_csv *table, size_t row, size_t col);
/* The physical line number of data row row (for messages). */
size_t bo_csv_line(const bo_csv *table, size_t row);
/* The physical line number of the header (1 unless blank lines precede it). */
size_t bo_csv_header_line(const bo_csv *table);
/* Where a field starts on its line: the 1-based column, in characters, of
 * its first non-blank character (the opening quote of a quoted field), for
 * FILE:LINE:COLUMN messages. Of header name col, and of cell (row, col). */
size_t bo_csv_name_column(const bo_csv *table, size_t col);
size_t bo_csv_cell_column(const bo_csv *table, size_t row, size_t col);

/* Finds the column called name. Returns 1 and sets *col when it exists,
 * 0 when it does not. */
int bo_csv_find(const bo_csv *table, const char *name, size_t *col);

/* The same, but a missing column is an error: BO_EINVAL with a message that
 * names the file, the column wanted and the columns present. */
bo_status bo_csv_require(const bo_csv *table, const char *name, size_t *col,
                         char *errbuf, size_t errlen);

/* Parses cell (row, col) as a finite number into *value. BO_EPARSE naming the
 * file, line and column when the cell is empty, not a number, out of the
 * range of double, NaN or infinite. */
bo_status bo_csv_number(const bo_csv *table, size_t row, size_t col, double *value,
                        char *errbuf, size_t errlen);

/* Gathers n_sel columns (indices in cols) of every data row into out,
 * n_rows-by-n_sel row-major, with the checks of bo_csv_number; stops at the
 * first bad cell. */
bo_status bo_csv_numbers(const bo_csv *table, size_t n_sel, const size_t *cols,
                         double *out, char *errbuf, size_t errlen);

/* Why a text failed to parse as a number. */
typedef enum bo_number_error {
    BO_NUMBER_OK = 0,
    BO_NUMBER_EMPTY,        /* nothing but blanks */
    BO_NUMBER_SYNTAX,       /* not a number, or text after it */
    BO_NUMBER_RANGE,        /* magnitude beyond the range of double */
    BO_NUMBER_NONFINITE     /* spelled nan or inf */
} bo_number_error;

/* Strict conversion of a whole string to a finite double with strtod:
 * leading and trailing blanks allowed, nothing else. A value too small for
 * double (underflow) is accepted as rounded by strtod. Used for CSV cells and
 * model files alike. */
bo_number_error bo_parse_double(const char *text, double *value);

/* A short English phrase for a bo_number_error ("is not a number", ...). */
const char *bo_number_error_text(bo_number_error err);

#endif
