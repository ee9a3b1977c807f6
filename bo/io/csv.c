#include "bo/io/csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bo_csv {
    char *path;
    char *text;         /* the whole file; cells point into it */
    size_t n_cols;
    size_t n_rows;
    char **names;       /* n_cols */
    char **cells;       /* n_rows * n_cols, row-major */
    size_t *lines;      /* physical line of each data row */
    size_t header_line; /* physical line of the header */
    size_t *columns;    /* (1 + n_rows) * n_cols: where each field starts on its
                           line, header first (see bo_csv_cell_column) */
};

bo_number_error bo_parse_double(const char *text, double *value)
{
    const char *p = text;
    char *end = NULL;
    double v;

    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p == '\0') {
        return BO_NUMBER_EMPTY;
    }
    errno = 0;
    v = strtod(p, &end);
    if (end == p) {
        return BO_NUMBER_SYNTAX;
    }
    while (*end == ' ' || *end == '\t') {
        end++;
    }
    if (*end != '\0') {
        return BO_NUMBER_SYNTAX;
    }
    /* strtod spells NaN and infinity as words, which we never want as data;
     * an overflow is reported through ERANGE with +-HUGE_VAL, an underflow
     * through ERANGE with a tiny or zero value that we accept. */
    if (isnan(v)) {
        return BO_NUMBER_NONFINITE;
    }
    if (errno == ERANGE && isinf(v)) {
        return BO_NUMBER_RANGE;
    }
    if (isinf(v)) {
        return BO_NUMBER_NONFINITE;
    }
    *value = v;
    return BO_NUMBER_OK;
}

const char *bo_number_error_text(bo_number_error err)
{
    switch (err) {
    case BO_NUMBER_OK:
        return "is a number";
    case BO_NUMBER_EMPTY:
        return "is empty, a number is needed";
    case BO_NUMBER_SYNTAX:
        return "is not a number";
    case BO_NUMBER_RANGE:
        return "is out of the range of double";
    case BO_NUMBER_NONFINITE:
        return "is not finite (NaN and Inf are not allowed)";
    }
    return "is not a number";
}

static char *duplicate_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *copy = malloc(len);
    if (copy != NULL) {
        memcpy(copy, s, len);
    }
    return copy;
}

/* Reads the file into a NUL-terminated buffer. */
static bo_status slurp(const char *path, char **text, size_t *size, char *errbuf,
                       size_t errlen)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 4096, len = 0;
    char *buf;

    if (f == NULL) {
        bo_msg(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
        return BO_EIO;
    }
    buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        bo_msg(errbuf, errlen, "%s: out of memory", path);
        return BO_ENOMEM;
    }
    for (;;) {
        size_t got;
        if (len + 1 >= cap) {
            char *grown = realloc(buf, cap * 2);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                bo_msg(errbuf, errlen, "%s: out of memory", path);
                return BO_ENOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        int saved = errno;
        free(buf);
        fclose(f);
        bo_msg(errbuf, errlen, "%s: read error: %s", path, strerror(saved));
        return BO_EIO;
    }
    fclose(f);
    buf[len] = '\0';
    *text = buf;
    *size = len;
    return BO_OK;
}

/* A growable array of cell pointers and the columns where they start. */
typedef struct cell_list {
    char **items;
    size_t *columns;
    size_t len, cap;
} cell_list;

/* How many characters byte c starts: UTF-8 continuation bytes start none,
 * so columns count characters, as editors and the YAML config count. */
static size_t starts_char(char c)
{
    return ((unsigned char)c & 0xC0) != 0x80;
}

static int cell_list_push(cell_list *list, char *cell, size_t column)
{
    if (list->len == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 64;
        char **grown = realloc(list->items, cap * sizeof *grown);
        if (grown == NULL) {
            return -1;
        }
        list->items = grown;
        size_t *grown_columns = realloc(list->columns, cap * sizeof *grown_columns);
        if (grown_columns == NULL) {
            return -1;
        }
        list->columns = grown_columns;
        list->cap = cap;
    }
    list->columns[list->len] = column;
    list->items[list->len++] = cell;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits one line (NUL-terminated, no line ending) in place into fields,
 * unquoting and trimming; each field is pushed onto cells with the 1-based
 * column where it starts. Returns the number of fields, or (size_t)-1 with
 * a message on a quoting error or no memory. The column is counted as p
 * moves, over the line's original bytes (unquoting writes only behind p),
 * so a line costs time in proportion to its length. */
static size_t split_line(char *line, size_t line_no, const char *path, cell_list *cells,
                         bo_status *status, char *errbuf, size_t errlen)
{
    char *p = line;
    size_t count = 0, column = 1;

    for (;;) {
        char *start;
        while (is_blank(*p)) {
            p++;
            column++;
        }
        if (*p == '"') {
            char *write;
            size_t field_column = column;
            p++;
            column++;
            start = write = p;
            for (;;) {
                if (*p == '\0') {
                    bo_msg(errbuf, errlen,
                           "%s: line %zu, field %zu: unterminated quote "
                           "(quoted fields cannot span lines)",
                           path, line_no, count + 1);
                    *status = BO_EPARSE;
                    return (size_t)-1;
                }
                if (*p == '"') {
                    if (p[1] == '"') {
                        *write++ = '"';
                        p += 2;
                        column += 2;
                        continue;
                    }
                    p++;
                    column++;
                    break;
                }
                column += starts_char(*p);
                *write++ = *p++;
            }
            while (is_blank(*p)) {
                p++;
                column++;
            }
            if (*p != ',' && *p != '\0') {
                bo_msg(errbuf, errlen, "%s: line %zu, field %zu: text after the closing quote",
                       path, line_no, count + 1);
                *status = BO_EPARSE;
                return (size_t)-1;
            }
            /* The field may end where the closing quote was or earlier:
             * write never passes p. */
            {
                char sep = *p;
                *write = '\0';
                if (cell_list_push(cells, start, field_column) != 0) {
                    bo_msg(errbuf, errlen, "%s: out of memory", path);
                    *status = BO_ENOMEM;
                    return (size_t)-1;
                }
                count++;
                if (sep == '\0') {
                    return count;
                }
                p++;
                column++;
            }
        } else {
            char *end;
            char sep;
            size_t field_column = column;
            start = p;
            while (*p != ',' && *p != '\0') {
                column += starts_char(*p);
                p++;
            }
            sep = *p;
            end = p;
            while (end > start && is_blank(end[-1])) {
                end--;
            }
            *end = '\0';
            if (cell_list_push(cells, start, field_column) != 0) {
                bo_msg(errbuf, errlen, "%s: out of memory", path);
                *status = BO_ENOMEM;
                return (size_t)-1;
            }
            count++;
            if (sep == '\0') {
                return count;
            }
            p++;
            column++;
        }
    }
}

typedef struct named_column {
    const char *name;
    size_t index;
} named_column;

/* By name, then by column: equal names side by side, the first one first. */
static int compare_named_columns(const void *a, const void *b)
{
    const named_column *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* The first column (in order) whose name an earlier column has, in *second,
 * and that earlier column in *first: 1 when there is one, 0 when the names
 * are distinct, -1 when out of memory. Sorting, not comparing every pair,
 * so that a header of 100,000 names is checked at once. */
static int first_duplicate(char *const *names, size_t n, size_t *first, size_t *second)
{
    named_column *sorted = malloc((n ? n : 1) * sizeof *sorted);
    int found = 0;
    if (sorted == NULL) {
        return -1;
    }
    for (size_t j = 0; j < n; j++) {
        sorted[j] = (named_column){names[j], j};
    }
    qsort(sorted, n, sizeof *sorted, compare_named_columns);
    for (size_t i = 0; i + 1 < n; i++) {
        size_t group = i;
        while (i + 1 < n && strcmp(sorted[i + 1].name, sorted[group].name) == 0) {
            i++;
        }
        if (i > group && (!found || sorted[group + 1].index < *second)) {
            *first = sorted[group].index;
            *second = sorted[group + 1].index;
            found = 1;
        }
    }
    free(sorted);
    return found;
}

static int line_is_blank(const char *line)
{
    while (is_blank(*line)) {
        line++;
    }
    return *line == '\0';
}

void bo_csv_destroy(bo_csv *table)
{
    if (table == NULL) {
        return;
    }
    free(table->path);
    free(table->text);
    free(table->names);
    free(table->cells);
    free(table->lines);
    free(table->columns);
    free(table);
}

bo_status bo_csv_read(const char *path, bo_csv **out, char *errbuf, size_t errlen)
{
    bo_csv *t = NULL;
    cell_list cells = {NULL, NULL, 0, 0};
    size_t size = 0, line_no = 0, header_line = 0, lines_cap = 0;
    char *p;
    int have_header = 0;
    bo_status status = BO_OK;

    *out = NULL;
    t = calloc(1, sizeof *t);
    if (t == NULL || (t->path = duplicate_string(path)) == NULL) {
        bo_msg(errbuf, errlen, "%s: out of memory", path);
        status = BO_ENOMEM;
        goto fail;
    }
    status = slurp(path, &t->text, &size, errbuf, errlen);
    if (status != BO_OK) {
        goto fail;
    }
    if (memchr(t->text, '\0', size) != NULL) {
        bo_msg(errbuf, errlen, "%s: contains a NUL byte; not a text CSV file", path);
        status = BO_EPARSE;
        goto fail;
    }
    p = t->text;
    /* Spreadsheets often start UTF-8 CSV files with a byte-order mark. */
    if (size >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF) {
        p += 3;
    }
    while (*p != '\0') {
        char *line = p;
        char *nl = strchr(p, '\n');
        size_t n_fields;

        line_no++;
        if (nl != NULL) {
            *nl = '\0';
            p = nl + 1;
        } else {
            p += strlen(p);
        }
        {
            size_t len = strlen(line);
            if (len > 0 && line[len - 1] == '\r') {
                line[len - 1] = '\0';
            }
        }
        if (line_is_blank(line)) {
            continue;
        }
        n_fields = split_line(line, line_no, path, &cells, &status, errbuf, errlen);
        if (n_fields == (size_t)-1) {
            goto fail;
        }
        if (!have_header) {
            size_t j, k = 0, second = 0;
            have_header = 1;
            header_line = line_no;
            t->header_line = line_no;
            t->n_cols = n_fields;
            /* The first mistake from the left: an empty name, or a name
             * given before. */
            for (j = 0; j < n_fields && cells.items[j][0] != '\0'; j++) {
            }
            int dup = first_duplicate(cells.items, n_fields, &k, &second);
            if (dup < 0) {
                bo_msg(errbuf, errlen, "%s: out of memory", path);
                status = BO_ENOMEM;
                goto fail;
            }
            if (dup && second < j) {
                bo_msg(errbuf, errlen,
                       "%s: line %zu: duplicate header name '%s' "
                       "(columns %zu and %zu)",
                       path, line_no, cells.items[second], k + 1, second + 1);
                status = BO_EPARSE;
                goto fail;
            }
            if (j < n_fields) {
                bo_msg(errbuf, errlen, "%s: line %zu: header column %zu has no name", path,
                       line_no, j + 1);
                status = BO_EPARSE;
                goto fail;
            }
            continue;
        }
        if (n_fields != t->n_cols) {
            bo_msg(errbuf, errlen, "%s: line %zu (data row %zu): %zu field%s, the header has %zu",
                   path, line_no, t->n_rows + 1, n_fields, n_fields == 1 ? "" : "s", t->n_cols);
            status = BO_EPARSE;
            goto fail;
        }
        if (t->n_rows == lines_cap) {
            size_t cap = lines_cap ? lines_cap * 2 : 64;
            size_t *grown = realloc(t->lines, cap * sizeof *grown);
            if (grown == NULL) {
                bo_msg(errbuf, errlen, "%s: out of memory", path);
                status = BO_ENOMEM;
                goto fail;
            }
            t->lines = grown;
            lines_cap = cap;
        }
        t->lines[t->n_rows++] = line_no;
    }
    if (!have_header) {
        bo_msg(errbuf, errlen, "%s: empty file: a header row and data rows are needed", path);
        status = BO_EPARSE;
        goto fail;
    }
    if (t->n_rows == 0) {
        bo_msg(errbuf, errlen, "%s: line %zu: a header but no data rows", path, header_line);
        status = BO_EPARSE;
        goto fail;
    }
    /* The header's cells were pushed first; split the one list in two so
     * that data cells are indexed from row 0. */
    t->names = malloc(t->n_cols * sizeof *t->names);
    t->cells = malloc(t->n_rows * t->n_cols * sizeof *t->cells);
    if (t->names == NULL || t->cells == NULL) {
        bo_msg(errbuf, errlen, "%s: out of memory", path);
        status = BO_ENOMEM;
        goto fail;
    }
    memcpy(t->names, cells.items, t->n_cols * sizeof *t->names);
    memcpy(t->cells, cells.items + t->n_cols, t->n_rows * t->n_cols * sizeof *t->cells);
    free(cells.items);
    t->columns = cells.columns;
    *out = t;
    return BO_OK;

fail:
    free(cells.items);
    free(cells.columns);
    bo_csv_destroy(t);
    return status;
}

size_t bo_csv_n_rows(const bo_csv *table)
{
    return table->n_rows;
}

size_t bo_csv_n_cols(const bo_csv *table)
{
    return table->n_cols;
}

const char *bo_csv_path(const bo_csv *table)
{
    return table->path;
}

const char *bo_csv_name(const bo_csv *table, size_t col)
{
    return table->names[col];
}

const char *bo_csv_cell(const bo_csv *table, size_t row, size_t col)
{
    return table->cells[row * table->n_cols + col];
}

size_t bo_csv_line(const bo_csv *table, size_t row)
{
    return table->lines[row];
}

size_t bo_csv_header_line(const bo_csv *table)
{
    return table->header_line;
}

size_t bo_csv_name_column(const bo_csv *table, size_t col)
{
    return table->columns[col];
}

size_t bo_csv_cell_column(const bo_csv *table, size_t row, size_t col)
{
    return table->columns[(row + 1) * table->n_cols + col];
}

int bo_csv_find(const bo_csv *table, const char *name, size_t *col)
{
    size_t j;
    for (j = 0; j < table->n_cols; j++) {
        if (strcmp(table->names[j], name) == 0) {
            *col = j;
            return 1;
        }
    }
    return 0;
}

bo_status bo_csv_require(const bo_csv *table, const char *name, size_t *col,
                         char *errbuf, size_t errlen)
{
    char present[256];
    size_t j, used = 0;

    if (bo_csv_find(table, name, col)) {
        return BO_OK;
    }
    present[0] = '\0';
    for (j = 0; j < table->n_cols && used + 1 < sizeof present; j++) {
        int w = snprintf(present + used, sizeof present - used, "%s'%s'",
                         j ? ", " : "", table->names[j]);
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
    bo_msg(errbuf, errlen, "%s: line 1: no column named '%s' (the header has %s)", table->path,
           name, present);
    return BO_EINVAL;
}

bo_status bo_csv_number(const bo_csv *table, size_t row, size_t col, double *value,
                        char *errbuf, size_t errlen)
{
    const char *cell = bo_csv_cell(table, row, col);
    bo_number_error err = bo_parse_double(cell, value);

    if (err == BO_NUMBER_OK) {
        return BO_OK;
    }
    bo_msg(errbuf, errlen, "%s: line %zu (data row %zu), column '%s': '%s' %s", table->path,
           table->lines[row], row + 1, table->names[col], cell, bo_number_error_text(err));
    return BO_EPARSE;
}

bo_status bo_csv_numbers(const bo_csv *table, size_t n_sel, const size_t *cols,
                         double *out, char *errbuf, size_t errlen)
{
    size_t i, j;
    for (i = 0; i < table->n_rows; i++) {
        for (j = 0; j < n_sel; j++) {
            bo_status st = bo_csv_number(table, i, cols[j], &out[i * n_sel + j], errbuf,
                                         errlen);
            if (st != BO_OK) {
                return st;
            }
        }
    }
    return BO_OK;
}
