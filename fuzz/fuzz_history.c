/* The history reader behind --resume (bo/io/history.h): bo_history_read on
 * any bytes, with the inputs of the seed runs (x1, x2) and with the inputs
 * the file's own first line names, then bo_history_open_append (which cuts
 * a torn last line off the file) and a second read. Checks the header's
 * promises about the rows read: evals from 1 and unique, phase and status
 * in range, y finite exactly when ok, inputs finite, workers from 1,
 * constraint outputs finite when ok and feasible only when ok (a header
 * ending in "feasible" is read with the columns between finished and it as
 * constraints); and that reopening for appending keeps every complete row. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/history.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NAMES 32

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void check_rows(const bo_history_row *rows, size_t n, size_t n_inputs,
                       size_t n_outputs)
{
    size_t *evals = malloc((n ? n : 1) * sizeof *evals);
    if (evals == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const bo_history_row *r = &rows[i];
        if (r->eval == 0 || (r->phase != BO_HISTORY_INIT && r->phase != BO_HISTORY_BO) ||
            r->source == NULL || r->source[0] == '\0' || r->message == NULL || r->worker == 0)
            bo_fuzz_fail("row %zu: eval %zu, phase %d, worker %zu", i, r->eval, (int)r->phase,
                         r->worker);
        if (r->status == BO_HISTORY_OK ? !isfinite(r->y)
                                       : r->status > BO_HISTORY_RUNNING || !isnan(r->y))
            bo_fuzz_fail("row %zu: status %d with y %g", i, (int)r->status, r->y);
        for (size_t j = 0; j < n_inputs; j++)
            if (!isfinite(r->x[j]))
                bo_fuzz_fail("row %zu: input %zu is %g", i, j, r->x[j]);
        if (n_outputs > 0 && r->outputs == NULL)
            bo_fuzz_fail("row %zu: no outputs", i);
        for (size_t k = 0; k < n_outputs; k++)
            if (r->status == BO_HISTORY_OK ? !isfinite(r->outputs[k]) : isinf(r->outputs[k]))
                bo_fuzz_fail("row %zu: status %d with output %zu %g", i, (int)r->status, k,
                             r->outputs[k]);
        if (r->feasible && r->status != BO_HISTORY_OK)
            bo_fuzz_fail("row %zu: feasible but not ok", i);
        evals[i] = r->eval;
    }
    qsort(evals, n, sizeof *evals, compare_size);
    for (size_t i = 1; i < n; i++)
        if (evals[i] == evals[i - 1])
            bo_fuzz_fail("eval %zu read twice", evals[i]);
    free(evals);
}

/* Reads path with these inputs; returns the status and *n the rows. */
static bo_status read_with(const char *path, const char *const *names, size_t n_names,
                           const char *const *outputs, size_t n_outputs, size_t *n)
{
    bo_history_row *rows = NULL;
    char err[512] = "";
    *n = 0;
    bo_status status = bo_history_read_outputs(path, names, n_names, outputs, n_outputs, &rows,
                                               n, err, sizeof err);
    if (status != BO_OK) {
        if (rows != NULL || *n != 0 || err[0] == '\0')
            bo_fuzz_fail("bo_history_read failed (%s) with rows or without a message",
                         bo_strerror(status));
        return status;
    }
    check_rows(rows, *n, n_names, n_outputs);
    bo_history_rows_free(rows);
    return BO_OK;
}

/* The input names of a history header: the fields between source and y of
 * the first line, split at commas (quoted names are left to the fixed set);
 * when the last field is "feasible", the fields between the last "finished"
 * and it are the constraints (*n_outputs of them into outputs). */
static size_t names_of_header(const uint8_t *data, size_t size, char *buf, size_t buflen,
                              const char **names, const char **outputs, size_t *n_outputs)
{
    *n_outputs = 0;
    size_t len = 0;
    while (len < size && len + 1 < buflen && data[len] != '\n')
        len++;
    memcpy(buf, data, len);
    buf[len] = '\0';
    if (len > 0 && buf[len - 1] == '\r')
        buf[--len] = '\0';
    const char *fields[MAX_NAMES + 16];
    size_t nf = 0;
    for (char *p = buf; nf < sizeof fields / sizeof fields[0];) {
        fields[nf++] = p;
        char *comma = strchr(p, ',');
        if (comma == NULL)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    if (nf > 0 && strcmp(fields[nf - 1], "feasible") == 0) {
        size_t finished = nf - 1;
        while (finished > 0 && strcmp(fields[finished - 1], "finished") != 0)
            finished--;
        if (finished == 0)
            return 0;
        for (size_t k = finished; k + 1 < nf; k++)
            outputs[(*n_outputs)++] = fields[k];
        nf = finished;
    }
    /* eval,phase,source, inputs..., then twelve columns from y on. */
    if (nf < 3 + 1 + 12)
        return 0;
    size_t n = nf - 3 - 12;
    for (size_t i = 0; i < n; i++)
        names[i] = fields[3 + i];
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const fixed[] = {"x1", "x2"};
    const char *path = bo_fuzz_file("history.csv", data, size);
    char header[4096];
    const char *own[MAX_NAMES + 16], *outputs[MAX_NAMES + 16];
    size_t n_outputs = 0;
    size_t n_own = names_of_header(data, size, header, sizeof header, own, outputs, &n_outputs);
    size_t n_fixed_rows, n_own_rows = 0;

    bo_status fixed_status = read_with(path, fixed, 2, NULL, 0, &n_fixed_rows);
    bo_status own_status =
        n_own > 0 ? read_with(path, own, n_own, outputs, n_outputs, &n_own_rows) : BO_EPARSE;

    /* Reopening cuts a torn line off the file and keeps the complete rows. */
    const char *const *names = own_status == BO_OK ? own : fixed;
    size_t n_names = own_status == BO_OK ? n_own : 2;
    size_t rows_read = own_status == BO_OK ? n_own_rows : n_fixed_rows;
    if (own_status != BO_OK && fixed_status != BO_OK)
        return 0;
    bo_history *h = NULL;
    size_t n_open = 0;
    char err[512] = "";
    const char *const *out_names = own_status == BO_OK ? outputs : NULL;
    size_t n_out = own_status == BO_OK ? n_outputs : 0;
    bo_status status = bo_history_open_append_outputs(path, names, n_names, out_names, n_out,
                                                      BO_HISTORY_NO_SYNC, &h, &n_open, err,
                                                      sizeof err);
    if (status != BO_OK)
        bo_fuzz_fail("bo_history_open_append refuses a file bo_history_read accepts: %s", err);
    if (n_open != rows_read || bo_history_count(h) != rows_read)
        bo_fuzz_fail("reopening finds %zu rows, reading %zu", n_open, rows_read);
    bo_history_destroy(h);
    size_t again = 0;
    if (read_with(path, names, n_names, out_names, n_out, &again) != BO_OK ||
        again != rows_read)
        bo_fuzz_fail("after reopening the file reads as %zu rows, not %zu", again, rows_read);
    return 0;
}
