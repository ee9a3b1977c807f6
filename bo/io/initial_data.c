#define _POSIX_C_SOURCE 200809L

#include "bo/io/initial_data.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/csv.h"
#include "bo/io/history.h"

/* The columns that mean something here besides the inputs. */
#define Y_COLUMN "y"
#define SOURCE_COLUMN "source"
#define STATUS_COLUMN "status"
#define MESSAGE_COLUMN "message"
/* The one source of a table without a source column when the caller names
 * no sources: the name bo-run gives the single source of a config. */
#define IMPLICIT_SOURCE "f"

#define NO_COLUMN ((size_t)-1)

typedef struct reader {
    const bo_csv *table;
    char *err;
    size_t errlen;
    size_t y_col, source_col, status_col, message_col;   /* NO_COLUMN when absent */
    size_t *input_col;      /* per input: its column */
    const char **sources;   /* names found (pointing into the table) when the
                               spec names none */
    size_t *source_slots;   /* those names by hash: index + 1 into sources, 0 for
                               an empty slot; open addressing, linear probing */
    size_t source_cap;      /* a power of two, at least twice the rows */
} reader;

/* "FILE:LINE:COLUMN: NAME: ..." for a place in the file; name may be NULL. */
static bo_status fail_place(reader *r, bo_status status, size_t line, size_t column,
                            const char *name, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static bo_status fail_place(reader *r, bo_status status, size_t line, size_t column,
                            const char *name, const char *fmt, ...)
{
    if (r->err == NULL || r->errlen == 0) {
        return status;
    }
    int used = name != NULL
                   ? snprintf(r->err, r->errlen, "%s:%zu:%zu: %s: ", bo_csv_path(r->table), line,
                              column, name)
                   : snprintf(r->err, r->errlen, "%s:%zu:%zu: ", bo_csv_path(r->table), line,
                              column);
    if (used >= 0 && (size_t)used < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + used, r->errlen - (size_t)used, fmt, ap);
        va_end(ap);
    }
    return status;
}

/* names as "a, b, c" (truncated to len). */
static void join_names(char *buf, size_t len, const char *const *names, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
}

static void header_names(const bo_csv *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < bo_csv_n_cols(t) && used < len; j++) {
        int w = snprintf(buf + used, len - used, "%s%s", j ? ", " : "", bo_csv_name(t, j));
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
}

static char *copy_text(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c != NULL) {
        memcpy(c, s, len);
    }
    return c;
}

static size_t index_of(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return i;
        }
    }
    return NO_COLUMN;
}

/* Gives each column its role: an input (spec's, or found), y, source,
 * status, message, or one of history.csv's own, ignored. Fills
 * out->input_names and out->n_inputs. */
static bo_status read_header(reader *r, const bo_initial_data_spec *spec, bo_initial_data *out)
{
    const bo_csv *t = r->table;
    size_t n_cols = bo_csv_n_cols(t), header = bo_csv_header_line(t);
    size_t n_inputs = spec->input_names != NULL ? spec->n_inputs : 0;
    char list[512];

    r->y_col = r->source_col = r->status_col = r->message_col = NO_COLUMN;
    r->input_col = malloc((spec->input_names != NULL ? spec->n_inputs : n_cols) *
                          sizeof *r->input_col);
    if (r->input_col == NULL) {
        return BO_ENOMEM;
    }
    for (size_t k = 0; spec->input_names != NULL && k < spec->n_inputs; k++) {
        r->input_col[k] = NO_COLUMN;
    }
    /* A history of a run with constraints ends in finished, the constraint
     * outputs and feasible (bo/io/history.h): the outputs are not inputs. */
    size_t outputs_after = NO_COLUMN;
    if (n_cols >= 2 && strcmp(bo_csv_name(t, n_cols - 1), "feasible") == 0)
        for (size_t j = n_cols - 1; j-- > 0;)
            if (strcmp(bo_csv_name(t, j), "finished") == 0) {
                outputs_after = j;
                break;
            }
    for (size_t j = 0; j < n_cols; j++) {
        const char *name = bo_csv_name(t, j);
        if (outputs_after != NO_COLUMN && j > outputs_after && j + 1 < n_cols)
            continue;
        size_t k = spec->input_names != NULL
                       ? index_of(spec->input_names, spec->n_inputs, name)
                       : NO_COLUMN;
        if (k != NO_COLUMN) {
            r->input_col[k] = j;
        } else if (strcmp(name, Y_COLUMN) == 0) {
            r->y_col = j;
        } else if (strcmp(name, SOURCE_COLUMN) == 0) {
            r->source_col = j;
        } else if (strcmp(name, STATUS_COLUMN) == 0) {
            r->status_col = j;
        } else if (strcmp(name, MESSAGE_COLUMN) == 0) {
            r->message_col = j;
        } else if (bo_history_fixed_column(name)) {
            continue;   /* eval, cost, best, ...: the history's bookkeeping */
        } else if (spec->input_names == NULL) {
            r->input_col[n_inputs++] = j;
        } else {
            join_names(list, sizeof list, spec->input_names, spec->n_inputs);
            return fail_place(r, BO_EINVAL, header, bo_csv_name_column(t, j), name,
                              "unknown column: expected the inputs (%s), y, and optionally "
                              "source, status, message or the other columns of a history.csv",
                              list);
        }
    }
    for (size_t k = 0; spec->input_names != NULL && k < spec->n_inputs; k++) {
        if (r->input_col[k] == NO_COLUMN) {
            header_names(t, list, sizeof list);
            return fail_place(r, BO_EINVAL, header, 1, spec->input_names[k],
                              "missing: no column of that name (the header has %s)", list);
        }
    }
    if (n_inputs == 0) {
        return fail_place(r, BO_EINVAL, header, 1, NULL,
                          "no input columns: every column is one of history.csv's own");
    }
    if (r->y_col == NO_COLUMN) {
        header_names(t, list, sizeof list);
        return fail_place(r, BO_EINVAL, header, 1, Y_COLUMN,
                          "missing: no column of that name (the header has %s)", list);
    }
    out->input_names = calloc(n_inputs, sizeof *out->input_names);
    if (out->input_names == NULL) {
        return BO_ENOMEM;
    }
    out->n_inputs = n_inputs;
    for (size_t k = 0; k < n_inputs; k++) {
        out->input_names[k] = copy_text(bo_csv_name(t, r->input_col[k]));
        if (out->input_names[k] == NULL) {
            return BO_ENOMEM;
        }
    }
    return BO_OK;
}

/* The source index of row i, adding a new name when the spec names none. */
static bo_status read_source(reader *r, const bo_initial_data_spec *spec, bo_initial_data *out,
                             size_t i, size_t *source)
{
    const bo_csv *t = r->table;
    if (r->source_col == NO_COLUMN) {
        *source = spec->source_names != NULL ? spec->default_source : 0;
        return BO_OK;
    }
    const char *name = bo_csv_cell(t, i, r->source_col);
    size_t line = bo_csv_line(t, i), column = bo_csv_cell_column(t, i, r->source_col);
    if (name[0] == '\0') {
        return fail_place(r, BO_EINVAL, line, column, SOURCE_COLUMN,
                          "empty; expected the name of a source");
    }
    if (spec->source_names != NULL) {
        *source = index_of(spec->source_names, spec->n_sources, name);
        if (*source == NO_COLUMN) {
            char list[512];
            join_names(list, sizeof list, spec->source_names, spec->n_sources);
            return fail_place(r, BO_EINVAL, line, column, SOURCE_COLUMN,
                              "'%s' is not a source (expected one of %s)", name, list);
        }
        return BO_OK;
    }
    /* By hash, not by searching the names found: a table with a source
     * per row would take time quadratic in its rows (19 s for 100,000). */
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h = (h ^ *p) * UINT64_C(1099511628211);
    }
    size_t mask = r->source_cap - 1, slot = (size_t)(h ^ (h >> 32)) & mask;
    while (r->source_slots[slot] != 0 &&
           strcmp(r->sources[r->source_slots[slot] - 1], name) != 0) {
        slot = (slot + 1) & mask;
    }
    if (r->source_slots[slot] == 0) {
        r->sources[out->n_sources] = name;
        r->source_slots[slot] = ++out->n_sources;
    }
    *source = r->source_slots[slot] - 1;
    return BO_OK;
}

/* Inputs found from the table: each column in which no cell is a number
 * is categorical, its levels its distinct texts in order of first
 * appearance (a history.csv of a run with categorical inputs). */
static bo_status find_levels(reader *r, bo_initial_data *out)
{
    const bo_csv *t = r->table;
    size_t n = bo_csv_n_rows(t), d = out->n_inputs;
    for (size_t k = 0; k < d; k++) {
        size_t col = r->input_col[k], i = 0;
        double v;
        while (i < n && bo_parse_double(bo_csv_cell(t, i, col), &v) != BO_NUMBER_OK)
            i++;
        /* A column with a number in it is numeric, and its other cells
         * are errors at their place (read_row). */
        if (n == 0 || i < n)
            continue;
        if (out->n_levels == NULL) {
            out->n_levels = calloc(d, sizeof *out->n_levels);
            out->level_names = calloc(d, sizeof *out->level_names);
            if (out->n_levels == NULL || out->level_names == NULL)
                return BO_ENOMEM;
        }
        /* At most one level per row; names borrowed from the table first. */
        const char **names = malloc(n * sizeof *names);
        if (names == NULL)
            return BO_ENOMEM;
        size_t L = 0;
        for (i = 0; i < n; i++) {
            const char *cell = bo_csv_cell(t, i, col);
            if (index_of(names, L, cell) == NO_COLUMN)
                names[L++] = cell;
        }
        out->level_names[k] = calloc(L, sizeof *out->level_names[k]);
        bo_status st = out->level_names[k] != NULL ? BO_OK : BO_ENOMEM;
        for (size_t l = 0; st == BO_OK && l < L; l++) {
            out->level_names[k][l] = copy_text(names[l]);
            if (out->level_names[k][l] == NULL)
                st = BO_ENOMEM;
            else
                out->n_levels[k] = l + 1;
        }
        free(names);
        if (st != BO_OK)
            return st;
    }
    return BO_OK;
}

/* Status, y, inputs, source and message of row i. */
static bo_status read_row(reader *r, const bo_initial_data_spec *spec, bo_initial_data *out,
                          size_t i)
{
    const bo_csv *t = r->table;
    size_t line = bo_csv_line(t, i);
    int failed = 0;

    if (r->status_col != NO_COLUMN) {
        const char *status = bo_csv_cell(t, i, r->status_col);
        if (strcmp(status, bo_history_status_name(BO_HISTORY_FAILED)) == 0) {
            failed = 1;
        } else if (strcmp(status, bo_history_status_name(BO_HISTORY_OK)) != 0) {
            return fail_place(r, BO_EPARSE, line, bo_csv_cell_column(t, i, r->status_col),
                              STATUS_COLUMN, "expected %s or %s, got '%s'",
                              bo_history_status_name(BO_HISTORY_OK),
                              bo_history_status_name(BO_HISTORY_FAILED), status);
        }
    }
    const char *y_text = bo_csv_cell(t, i, r->y_col);
    size_t y_column = bo_csv_cell_column(t, i, r->y_col);
    if (failed) {
        /* A number beside "failed" contradicts it; reading either one would
         * be a guess. */
        if (y_text[0] != '\0') {
            return fail_place(r, BO_EINVAL, line, y_column, Y_COLUMN,
                              "expected an empty value on a failed row, got '%s'", y_text);
        }
        out->y[i] = NAN;
        out->n_failed++;
    } else {
        bo_number_error e = bo_parse_double(y_text, &out->y[i]);
        if (e != BO_NUMBER_OK) {
            return fail_place(r, BO_EPARSE, line, y_column, Y_COLUMN, "'%s' %s%s", y_text,
                              bo_number_error_text(e),
                              e == BO_NUMBER_EMPTY && r->status_col == NO_COLUMN
                                  ? " (mark a failed evaluation with a status column)"
                                  : "");
        }
    }
    out->failed[i] = (unsigned char)failed;

    for (size_t k = 0; k < out->n_inputs; k++) {
        size_t col = r->input_col[k], column = bo_csv_cell_column(t, i, col);
        const char *text = bo_csv_cell(t, i, col);
        double *v = &out->x[i * out->n_inputs + k];
        if (spec->input_names != NULL && spec->n_levels != NULL && spec->n_levels[k] > 0) {
            size_t l = index_of(spec->level_names[k], spec->n_levels[k], text);
            if (l == NO_COLUMN)
                return fail_place(r, BO_EINVAL, line, column, out->input_names[k],
                                  "'%s' is not one of the input's levels", text);
            *v = (double)l;
            continue;
        }
        if (out->n_levels != NULL && out->n_levels[k] > 0) {
            /* Every cell is one of the levels found. */
            *v = (double)index_of((const char *const *)out->level_names[k], out->n_levels[k],
                                  text);
            continue;
        }
        bo_number_error e = bo_parse_double(text, v);
        if (e != BO_NUMBER_OK) {
            return fail_place(r, BO_EPARSE, line, column, out->input_names[k], "'%s' %s", text,
                              bo_number_error_text(e));
        }
        if (spec->input_names != NULL && spec->lower != NULL && spec->upper != NULL &&
            !(*v >= spec->lower[k] && *v <= spec->upper[k])) {
            return fail_place(r, BO_EINVAL, line, column, out->input_names[k],
                              "'%s' is outside the input's bounds [%.15g, %.15g]", text,
                              spec->lower[k], spec->upper[k]);
        }
    }
    bo_status status = read_source(r, spec, out, i, &out->source[i]);
    if (status != BO_OK) {
        return status;
    }
    out->message[i] = copy_text(r->message_col != NO_COLUMN ? bo_csv_cell(t, i, r->message_col)
                                                            : "");
    if (out->message[i] == NULL) {
        return BO_ENOMEM;
    }
    out->line[i] = line;
    return BO_OK;
}

static bo_status copy_sources(reader *r, const bo_initial_data_spec *spec, bo_initial_data *out)
{
    const char *const *names = spec->source_names != NULL ? spec->source_names : r->sources;
    const char *implicit = IMPLICIT_SOURCE;
    if (spec->source_names != NULL) {
        out->n_sources = spec->n_sources;
    } else if (out->n_sources == 0) {
        /* No source column: every row is on the one implicit source. */
        names = &implicit;
        out->n_sources = 1;
    }
    out->source_names = calloc(out->n_sources, sizeof *out->source_names);
    if (out->source_names == NULL) {
        return BO_ENOMEM;
    }
    for (size_t s = 0; s < out->n_sources; s++) {
        out->source_names[s] = copy_text(names[s]);
        if (out->source_names[s] == NULL) {
            return BO_ENOMEM;
        }
    }
    return BO_OK;
}

void bo_initial_data_init(bo_initial_data *data)
{
    memset(data, 0, sizeof *data);
}

void bo_initial_data_cleanup(bo_initial_data *data)
{
    if (data == NULL) {
        return;
    }
    for (size_t k = 0; data->input_names != NULL && k < data->n_inputs; k++) {
        free(data->input_names[k]);
    }
    free(data->input_names);
    for (size_t s = 0; data->source_names != NULL && s < data->n_sources; s++) {
        free(data->source_names[s]);
    }
    free(data->source_names);
    for (size_t i = 0; data->message != NULL && i < data->n_rows; i++) {
        free(data->message[i]);
    }
    free(data->message);
    free(data->x);
    free(data->y);
    free(data->source);
    free(data->failed);
    free(data->line);
    for (size_t k = 0; data->level_names != NULL && k < data->n_inputs; k++) {
        for (size_t l = 0; data->level_names[k] != NULL && l < data->n_levels[k]; l++)
            free(data->level_names[k][l]);
        free(data->level_names[k]);
    }
    free(data->level_names);
    free(data->n_levels);
    bo_initial_data_init(data);
}

bo_status bo_initial_data_read(const char *path, const bo_initial_data_spec *spec,
                               bo_initial_data *out, char *err, size_t errlen)
{
    bo_csv *table = NULL;
    reader r = {0};
    bo_status status;
    size_t n;

    bo_initial_data_init(out);
    bo_msg(err, errlen, "%s", "");
    if (spec == NULL || (spec->input_names != NULL && spec->n_inputs == 0) ||
        (spec->source_names != NULL &&
         (spec->n_sources == 0 || spec->default_source >= spec->n_sources))) {
        return bo_error_msg(err, errlen, BO_EINVAL,
                            "%s: reading initial data: no inputs, no sources or a default "
                            "source out of range", path);
    }
    status = bo_csv_read(path, &table, err, errlen);
    if (status != BO_OK) {
        return status;
    }
    r.table = table;
    r.err = err;
    r.errlen = errlen;
    status = read_header(&r, spec, out);
    if (status == BO_OK && spec->input_names == NULL)
        status = find_levels(&r, out);
    if (status != BO_OK) {
        goto done;
    }
    n = bo_csv_n_rows(table);
    out->x = malloc(n * out->n_inputs * sizeof *out->x);
    out->y = malloc(n * sizeof *out->y);
    out->source = malloc(n * sizeof *out->source);
    out->failed = malloc(n * sizeof *out->failed);
    out->message = calloc(n, sizeof *out->message);
    out->line = malloc(n * sizeof *out->line);
    if (spec->source_names == NULL) {
        r.source_cap = 64;
        while (r.source_cap < 2 * n) {
            r.source_cap *= 2;
        }
        r.sources = malloc(n * sizeof *r.sources);
        r.source_slots = calloc(r.source_cap, sizeof *r.source_slots);
    }
    if (out->x == NULL || out->y == NULL || out->source == NULL || out->failed == NULL ||
        out->message == NULL || out->line == NULL ||
        (spec->source_names == NULL && (r.sources == NULL || r.source_slots == NULL))) {
        status = BO_ENOMEM;
        goto done;
    }
    /* n_rows grows row by row, so cleanup frees exactly the messages made. */
    for (size_t i = 0; i < n; i++) {
        out->n_rows = i + 1;
        status = read_row(&r, spec, out, i);
        if (status != BO_OK) {
            goto done;
        }
    }
    status = copy_sources(&r, spec, out);
done:
    if (status == BO_ENOMEM) {
        bo_msg(err, errlen, "%s: out of memory while reading initial data", path);
    }
    if (status != BO_OK) {
        bo_initial_data_cleanup(out);
    }
    free(r.input_col);
    free(r.sources);
    free(r.source_slots);
    bo_csv_destroy(table);
    return status;
}
