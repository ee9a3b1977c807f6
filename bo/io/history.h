#ifndef BO_IO_HISTORY_H
#define BO_IO_HISTORY_H

/* history.csv: one row per completed evaluation, written durably (write,
 * then fsync) before the run moves on, and read back bit for bit by
 * --resume. docs/history.md describes the format for users; in short:
 *
 *   eval,phase,source,<input names...>,y,status,message,cost,cum_cost,best,acq,
 *   suggest_seconds,eval_seconds,worker,started,finished
 *
 * - numbers are written with %.17g, so reading gives back the same doubles;
 *   a NaN is written as an empty field and an empty field reads as NaN:
 *   y of a failed row, best before any successful target evaluation, acq of
 *   an initial-design row;
 * - text fields (source, message, input names) are quoted as RFC 4180 says
 *   when they contain a comma, a double quote, CR or LF; quotes are doubled;
 * - eval numbers the suggestions from 1, up to BO_HISTORY_MAX_EVAL; rows
 *   are appended in the order the evaluations completed, so with several
 *   workers the evals of successive rows need not be consecutive, but each
 *   appears at most once;
 * - lines end with LF (CR LF is accepted on reading);
 * - a run with output constraints (the *_outputs functions) has, after
 *   finished, one column per constraint output (its value; empty when a
 *   failed evaluation did not give it) and "feasible" (1 when the row is ok
 *   and every constraint holds, else 0). Without constraints the file has
 *   neither, exactly as before.
 *
 * A run killed in the middle of writing a row leaves a last line without its
 * newline: reading drops it and bo_history_open_append cuts it off the file
 * before appending, so the history always holds exactly the evaluations that
 * completed.
 *
 * A second file, the state sidecar (bo_history_state_*), keeps whatever the
 * engine needs to resume exactly (e.g. the GP hyperparameters after each
 * evaluation): one text line per evaluation, "eval v1 v2 ... vn".
 *
 * Strings in a row: phase and status are enums (the file holds their names,
 * "init"/"bo" and "ok"/"failed"); source and message are C strings. A row
 * passed to bo_history_append is only borrowed for the call. Rows returned by
 * bo_history_read live in one allocation together with their x values and
 * strings, freed at once by bo_history_rows_free. */

#include <stddef.h>
#include <stdint.h>

#include "gp/bo_status.h"

/* The largest eval number a history holds: 10^12, the largest
 * budget.max_evaluations a config accepts. A row with a larger one is
 * refused by reading (a malformed row) and by appending. */
#define BO_HISTORY_MAX_EVAL UINT64_C(1000000000000)

typedef enum bo_history_phase {
    BO_HISTORY_INIT = 0,   /* "init": a point of the initial design */
    BO_HISTORY_BO          /* "bo": a point chosen by the acquisition */
} bo_history_phase;

typedef enum bo_history_status {
    BO_HISTORY_OK = 0,     /* "ok": y is a finite number */
    BO_HISTORY_FAILED,     /* "failed": y is NaN, message says why */
    BO_HISTORY_RUNNING     /* "running": dispatched, no result yet (y NaN); only
                              in the dispatch journal, never in history.csv */
} bo_history_status;

/* 1 when name is one of the history's own columns (eval, phase, source, y,
 * status, message, cost, cum_cost, best, acq, suggest_seconds, eval_seconds,
 * worker, started, finished, feasible), which neither an input nor a
 * constraint may be called. */
int bo_history_fixed_column(const char *name);

/* "init"/"bo" and "ok"/"failed"/"running"; "?" for a value outside the enum. */
const char *bo_history_phase_name(bo_history_phase phase);
const char *bo_history_status_name(bo_history_status status);

typedef struct bo_history_row {
    size_t eval;                /* 1, 2, ...: the suggestion's number */
    bo_history_phase phase;
    const char *source;         /* source name, non-empty */
    const double *x;            /* n_inputs finite values in user units */
    double y;                   /* finite when ok; NaN (empty) when failed */
    bo_history_status status;
    const char *message;        /* free text, may be empty; NULL means "" */
    double cost;                /* cost of this evaluation */
    double cum_cost;            /* cost of all evaluations so far, this one included */
    double best;                /* best target value so far; NaN = none yet */
    double acq;                 /* acquisition value of the point; NaN for init rows */
    double suggest_seconds;     /* wall time the engine took to choose the point */
    double eval_seconds;        /* wall time of the evaluation itself */
    size_t worker;              /* 1..K: the worker (local slot or MPI rank) that ran it */
    double started, finished;   /* wall-clock times (seconds since the Unix epoch)
                                   when the evaluation was started and ended */
    const double *outputs;      /* n_outputs constraint values (finite when ok, NaN =
                                   not given), or NULL in a file without constraints */
    int feasible;               /* 1: ok and every constraint holds (only with outputs) */
} bo_history_row;

/* Flags for the create/open functions (bitwise or). */
#define BO_HISTORY_OVERWRITE 1u /* create: replace an existing file */
#define BO_HISTORY_NO_SYNC   2u /* skip fsync (tests, cheap benchmark runs); the
                                   rows are still written when appended */

typedef struct bo_history bo_history;

/* Creates the history file at path and writes (and syncs) the header, with
 * one column per input name (n_inputs >= 1, names non-empty). Refuses with
 * BO_EIO if the file exists, unless flags has BO_HISTORY_OVERWRITE. The new
 * directory entry is synced too, so the file survives a crash.
 * On success *out is an open handle (close with bo_history_destroy).
 * Errors: BO_EINVAL (bad names), BO_EIO (exists, cannot open/write/sync),
 * BO_ENOMEM; the message, naming the path, goes to err (may be NULL). */
bo_status bo_history_create(const char *path, const char *const *input_names, size_t n_inputs,
                            unsigned flags, bo_history **out, char *err, size_t err_size);

/* Opens an existing history for appending (--resume): checks it as
 * bo_history_read does, cuts a torn last line (or a torn header: the header
 * is then written again) off the file, and positions after the last complete
 * row; *n_rows (may be NULL) receives the number of complete rows, and later
 * rows must carry evals that the file does not hold yet. Errors as for
 * bo_history_read and bo_history_create. */
bo_status bo_history_open_append(const char *path, const char *const *input_names,
                                 size_t n_inputs, unsigned flags, bo_history **out,
                                 size_t *n_rows, char *err, size_t err_size);

/* Appends one row and makes it durable (one write of the whole row, then
 * fsync unless BO_HISTORY_NO_SYNC) before returning. The row must be
 * consistent: eval from 1 to BO_HISTORY_MAX_EVAL and not in the file yet,
 * phase/status in range, source non-empty, x finite, y finite if ok.
 * BO_EINVAL for an inconsistent row (nothing written); BO_EIO if writing or
 * syncing fails: the file is then cut back to its last complete row when
 * possible, and the handle refuses further rows with BO_ESTATE if not.
 * Details via bo_history_errmsg. */
bo_status bo_history_append(bo_history *history, const bo_history_row *row);

/* The message of the last failed call on this handle; "" if none. */
const char *bo_history_errmsg(const bo_history *history);
/* Number of rows in the file (complete rows found on open plus appended). */
size_t bo_history_count(const bo_history *history);
/* Closes the file; NULL is a no-op. */
void bo_history_destroy(bo_history *history);
/* The open descriptor of the file (-1 if none), so the caller can keep it
 * from the processes it forks; the handle still owns it. */
int bo_history_fd(const bo_history *history);

/* Reads a history file for --resume. The header must list exactly the
 * expected inputs, in order (the error names the first mismatch). Every
 * complete row is parsed and checked (field count, evals unique, names of
 * phase and status, numbers, y present iff ok); the first bad row gives
 * BO_EPARSE with "path: row R (line L): what". A last line without its
 * newline (torn by a kill) is dropped silently. A file that holds only a
 * torn header reads as zero rows.
 * On success *rows is one allocation holding the rows, their x arrays and
 * their strings (NULL when there are no rows); free it with
 * bo_history_rows_free. Errors: BO_EIO (cannot read), BO_EPARSE (header or
 * row), BO_ENOMEM; message to err. */
bo_status bo_history_read(const char *path, const char *const *input_names, size_t n_inputs,
                          bo_history_row **rows, size_t *n_rows, char *err, size_t err_size);
void bo_history_rows_free(bo_history_row *rows);

/* The same three for a run with output constraints: output_names (n_outputs
 * >= 1 non-empty names, in the config's order) are the columns after
 * finished, followed by feasible. Reading checks they are there and named
 * so (and refuses a file that has them when n_outputs is 0, and the plain
 * functions are these with n_outputs 0); appending requires row->outputs
 * (finite when ok, finite or NaN when failed) and feasible only on an ok
 * row. Errors as above. */
bo_status bo_history_create_outputs(const char *path, const char *const *input_names,
                                    size_t n_inputs, const char *const *output_names,
                                    size_t n_outputs, unsigned flags, bo_history **out,
                                    char *err, size_t err_size);
bo_status bo_history_open_append_outputs(const char *path, const char *const *input_names,
                                         size_t n_inputs, const char *const *output_names,
                                         size_t n_outputs, unsigned flags, bo_history **out,
                                         size_t *n_rows, char *err, size_t err_size);
bo_status bo_history_read_outputs(const char *path, const char *const *input_names,
                                  size_t n_inputs, const char *const *output_names,
                                  size_t n_outputs, bo_history_row **rows, size_t *n_rows,
                                  char *err, size_t err_size);

/* The same three for a run with categorical inputs: the column of input j
 * holds the name of a level (levels->names[j][k], for the value k) where
 * levels->n_levels[j] > 0, and a number otherwise. Reading gives back the
 * level index k as x[j] (a name that is not a level is a malformed row);
 * appending requires x[j] to be such an index. levels (NULL = every input
 * a number, the functions above) is borrowed: the handle keeps the pointer,
 * so it and its arrays must outlive the handle. Level names are non-empty
 * and, within an input, distinct. */
typedef struct bo_history_levels {
    const size_t *n_levels;             /* n_inputs values; 0 = a numeric input */
    const char *const *const *names;    /* names[j]: n_levels[j] names, or NULL */
} bo_history_levels;

bo_status bo_history_create_levels(const char *path, const char *const *input_names,
                                   size_t n_inputs, const bo_history_levels *levels,
                                   const char *const *output_names, size_t n_outputs,
                                   unsigned flags, bo_history **out, char *err,
                                   size_t err_size);
bo_status bo_history_open_append_levels(const char *path, const char *const *input_names,
                                        size_t n_inputs, const bo_history_levels *levels,
                                        const char *const *output_names, size_t n_outputs,
                                        unsigned flags, bo_history **out, size_t *n_rows,
                                        char *err, size_t err_size);
bo_status bo_history_read_levels(const char *path, const char *const *input_names,
                                 size_t n_inputs, const bo_history_levels *levels,
                                 const char *const *output_names, size_t n_outputs,
                                 bo_history_row **rows, size_t *n_rows, char *err,
                                 size_t err_size);

/* ---- state sidecar -------------------------------------------------------
 * Lines "eval v1 ... vn\n" (eval an unsigned integer, values %.17g, n may
 * differ between lines and may be 0), each written and synced like a history
 * row. The engine writes one line per evaluation; on resume it reads the last
 * line at or before the last complete history row, and opens the file for
 * appending with lines after that row removed, so the two files agree again
 * whichever of them a kill interrupted. */

typedef struct bo_history_state bo_history_state;

/* Creates an empty state file; refuses an existing one unless
 * BO_HISTORY_OVERWRITE. Errors as for bo_history_create. */
bo_status bo_history_state_create(const char *path, unsigned flags, bo_history_state **out,
                                  char *err, size_t err_size);
/* Opens an existing state file for appending: drops a torn last line and
 * every line from the first one whose eval exceeds last_eval. A missing file
 * is created empty. Errors: BO_EPARSE for a malformed complete line (named by
 * line number), BO_EIO, BO_ENOMEM. */
bo_status bo_history_state_open_append(const char *path, size_t last_eval, unsigned flags,
                                       bo_history_state **out, char *err, size_t err_size);
/* Appends "eval values..." and syncs. values may be NULL when n_values is 0;
 * values must be finite or NaN/Inf as the caller likes (written as nan/inf).
 * Errors: BO_EIO (file cut back as for bo_history_append), BO_ESTATE after an
 * earlier unrecoverable failure; details via bo_history_state_errmsg. */
bo_status bo_history_state_write(bo_history_state *state, size_t eval, const double *values,
                                 size_t n_values);
const char *bo_history_state_errmsg(const bo_history_state *state);
/* As bo_history_fd. */
int bo_history_state_fd(const bo_history_state *state);
void bo_history_state_destroy(bo_history_state *state);

/* Reads the last complete line whose eval is <= max_eval (a torn last line is
 * ignored). *found is 1 and *eval, *values (malloc'd, caller frees; NULL when
 * *n_values is 0), *n_values are set when such a line exists; otherwise
 * *found is 0 and the rest are zero/NULL. A missing or unreadable file is
 * BO_EIO; a malformed complete line is BO_EPARSE naming its line number. */
bo_status bo_history_state_read(const char *path, size_t max_eval, int *found, size_t *eval,
                                double **values, size_t *n_values, char *err,
                                size_t err_size);

#endif
