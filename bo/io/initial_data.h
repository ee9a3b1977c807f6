#ifndef BO_IO_INITIAL_DATA_H
#define BO_IO_INITIAL_DATA_H

/* Tables of evaluations made outside the run: the config's initial_data file
 * (points already paid for, which the model starts from) and a bo-run
 * history.csv read as a training set (bo-gp fit). docs/config.md describes
 * the format for users; in short, a CSV (bo/io/csv.h) whose header holds
 *
 *   - one column per input, in any order;
 *   - y, the value;
 *   - optionally source (a source name per row), status ("ok" or "failed";
 *     a failed row has an empty y) and message (text kept with the row);
 *   - any other column history.csv writes (eval, phase, cost, cum_cost,
 *     best, acq, suggest_seconds, eval_seconds, worker, started, finished),
 *     ignored, so that a history is read as it is.
 *
 * Any other column is an error: a table with an input the config lacks
 * would otherwise be read as if that input had not mattered.
 *
 * Errors name the place as "FILE:LINE:COLUMN: " (the header is line 1 unless
 * blank lines precede it; COLUMN counts characters from 1, at the start of
 * the field), then the column's name where one applies:
 *     previous.csv:7:12: x2: 'abc' is not a number
 * except errors in the CSV structure itself (a row with the wrong number of
 * fields, an unterminated quote, an empty file), which are bo_csv_read's
 * messages: "FILE: line L, ...".
 *
 * Only names come in (plain arrays, no config), so this module stays below
 * the config in the layout. */

#include <stddef.h>

#include "gp/bo_status.h"

/* What the table must hold. Every pointer is borrowed for the call. */
typedef struct bo_initial_data_spec {
    const char *const *input_names;  /* n_inputs names; NULL: every column that
                                        is not one of history.csv's own
                                        (bo_history_fixed_column) is an input,
                                        in file order */
    size_t n_inputs;                 /* with input_names: >= 1 */
    const double *lower, *upper;     /* n_inputs bounds each (with input_names),
                                        values must lie within them; NULL: not
                                        checked */
    const char *const *source_names; /* n_sources names a source cell must be one
                                        of; NULL: the names found become the
                                        sources, in order of first appearance */
    size_t n_sources;
    size_t default_source;           /* the source of every row when the table
                                        has no source column (bo-run: the
                                        target); with source_names NULL there
                                        is then one source, named "f" */
    const size_t *n_levels;          /* with input_names: n_inputs values, or
                                        NULL. n_levels[k] > 0: input k is
                                        categorical, its cells are names of
                                        level_names[k][0 .. n_levels[k]) and
                                        its value is the level's index */
    const char *const *const *level_names;
} bo_initial_data_spec;

/* The rows read, in file order. A caller-owned struct: bo_initial_data_init
 * before use, bo_initial_data_cleanup frees everything it holds. */
typedef struct bo_initial_data {
    size_t n_rows;
    size_t n_inputs;
    char **input_names;     /* n_inputs: the spec's names, or the columns found */
    size_t n_sources;
    char **source_names;    /* n_sources: the spec's names, or the names found */
    double *x;              /* n_rows * n_inputs, row-major, user units, in the
                               order of input_names */
    double *y;              /* n_rows: finite when ok; NaN when failed */
    size_t *source;         /* n_rows: indices into source_names */
    unsigned char *failed;  /* n_rows: 1 for a row whose status is failed */
    char **message;         /* n_rows: the message column's text, "" without one */
    size_t *line;           /* n_rows: the row's line in the file, for messages */
    size_t n_failed;        /* rows with failed set */
    /* Categorical inputs found in the table (the spec names no inputs): an
     * input column in which no cell is a number (a history.csv's level
     * names) is categorical, its levels the distinct texts in order of
     * first appearance, and x holds a level's index. n_levels: n_inputs
     * values, 0 for a numeric input; level_names[k]: n_levels[k] names or
     * NULL. Both NULL when no such column was found, and always with the
     * spec's inputs (whose levels the spec gives). */
    size_t *n_levels;
    char ***level_names;
} bo_initial_data;

/* Sets *data empty, as bo_initial_data_cleanup accepts it. */
void bo_initial_data_init(bo_initial_data *data);

/* Frees what *data holds and leaves it empty; NULL is a no-op. */
void bo_initial_data_cleanup(bo_initial_data *data);

/* Reads the table at path as spec says into *out (which need not be
 * initialised; previous content is not freed). Returns BO_OK, or
 *   BO_EIO      the file cannot be read;
 *   BO_EPARSE   malformed text: the CSV structure, a number, a status word;
 *   BO_EINVAL   well-formed but wrong: a missing or unknown column, a source
 *               that is not one of spec's, a value outside its bounds, a y
 *               on a failed row; or a spec that makes no sense (no inputs);
 *   BO_ENOMEM   memory ran out.
 * On failure *out is empty and err holds one line naming the place (see
 * above), truncated to errlen bytes; err may be NULL when errlen is 0. */
bo_status bo_initial_data_read(const char *path, const bo_initial_data_spec *spec,
                               bo_initial_data *out, char *err, size_t errlen);

#endif
