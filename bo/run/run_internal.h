/* The state of one run, shared by run.c (set-up, resume, outputs) and
 * loop.c (evaluations in flight, progress); not part of bo/run/run.h. */
#ifndef BO_RUN_RUN_INTERNAL_H
#define BO_RUN_RUN_INTERNAL_H

#include <stddef.h>

#include "bo/config/config.h"
#include "bo/engine/engine.h"
#include "bo/evaluator/evaluator.h"
#include "bo/io/history.h"
#include "bo/objective/objective.h"
#include "bo/run/run.h"

/* Per completed evaluation, in completion order: what the stopping rules,
 * the plots and the summary need; rebuilt identically by --resume. */
typedef struct run_state {
    size_t n, cap;
    double *cum_cost;           /* cumulative cost after the evaluation */
    double *best;               /* best target value so far; NaN before the first */
    size_t *source;
    double *y;                  /* the evaluation's own value; NaN when failed */
    int *initial;               /* 1: an initial-design point */
    double total_cost;
    size_t last_improvement;    /* completions when the best last improved (or the
                                   initial design ended) */
    int have_best;
    double best_value;
    size_t n_failed;
    double busy_seconds;        /* summed evaluation time, for utilisation */
    size_t n_at_design_end;     /* completions when the design was complete; 0 before */
    double t_design_end;        /* monotonic time then */
} run_state;

/* An evaluation started and not yet recorded. */
typedef struct flight {
    size_t eval;
    size_t source;
    int initial;
    double acq;
    double suggest_seconds;
    double cost;
    double *u, *x;              /* unit cube and user units, dim values each */
    char message[256];          /* the suggestion's note or reason */
} flight;

typedef struct run {
    bo_run_args args;
    const volatile sig_atomic_t *interrupted;
    bo_config cfg;
    char dir[4096];
    bo_objective *objective;
    bo_engine *engine;
    bo_evaluator *evaluator;
    size_t workers;
    bo_history *history;
    bo_history *journal;        /* dispatched.csv */
    bo_history_state *state;
    int lock_fd;                /* bo-run.lock, held (fcntl) for the whole run; -1 */
    run_state rs;
    const char **input_names;
    const char **source_names;
    const char **constraint_names;  /* cfg.n_constraints, or NULL: history columns */
    double *lower, *upper;
    int *log_scale;
    bo_var_kind *kind;          /* the inputs' kinds (bo_design_to_user_kinds) */
    size_t *n_levels;           /* levels of each categorical input, else 0 */
    const char *const **level_names; /* the config's level names, or NULL */
    bo_history_levels levels;   /* history.csv's and dispatched.csv's level columns */
    double *theta;
    size_t theta_cap;
    size_t n_suggested;         /* evaluations numbered so far */
    size_t failures_in_a_row;   /* of the evaluations this process completed */
    char last_failure[BO_EVALUATION_MSG_LEN];
    flight *flights;            /* workers slots, eval 0 when free */
    flight *redo;               /* journal rows to run again (--resume) */
    size_t n_redo, redo_next;
    int failed_out;             /* budget.max_consecutive_failures ended the run */
    int tty;                    /* stdout is a terminal: live line */
    int live_shown;
    double t_loop_start;
    double loop_seconds;
    bo_gp *final_gp;            /* the final model (the engine's), or NULL */
    int plot_drawn;
    int history_failed;         /* an evaluation could not be appended to history.csv */
    char err[8192];
} run;

/* Prints "bo-run: message" on stderr and returns code. */
int bo_runi_fail(run *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends one completed evaluation to the run state; -1 on no memory. */
int bo_runi_record(run *r, size_t source, int ok, int initial, double y, double seconds);
/* Takes back the last bo_runi_record (its row could not be written), so the
 * counts printed are those of history.csv. */
void bo_runi_unrecord(run *r, int ok, double seconds);
/* Allocates dim values for a flight's points. */
int bo_runi_flight_alloc(flight *f, size_t dim);
void bo_runi_flight_free(flight *f);
/* Saves the engine's warm start under eval (before it is dispatched). */
int bo_runi_save_engine_state(run *r, size_t eval);

/* Threads for the engine's acquisition maximiser with this many workers:
 * one for a single worker (the evaluation has the other cores), else the
 * machine's online cores, at most 8. With workers in flight the master's
 * choice is what they wait for, and the count never changes a suggestion.
 * The environment's BO_ACQ_THREADS (1 to 64) overrides it. */
size_t bo_runi_acq_threads(size_t workers);

/* The loop: keeps the workers busy until a stopping rule holds and nothing
 * is in flight (or an interrupt, or a failure of the host). *stop_why says
 * why it stopped. Returns an exit status. */
int bo_runi_loop(run *r, const char **stop_why);

#endif
