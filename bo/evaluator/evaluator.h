#ifndef BO_EVALUATOR_EVALUATOR_H
#define BO_EVALUATOR_EVALUATOR_H

/* Evaluators keep several evaluations of one objective in flight: submit
 * starts one on an idle worker and returns at once, wait returns the next
 * one to complete, in completion order. Two kinds share this contract:
 *
 * - local (bo_evaluator_local): K workers on this machine. Each evaluation
 *   runs in its own forked runner process that calls bo_objective_evaluate_call
 *   (so an isolated plugin runs in a grandchild and a command in its own
 *   process group, with the objective's timeout, exactly as one at a time);
 *   the runner sends the result back through a pipe.
 * - MPI (bo/evaluator/mpi.h, when built with MPI): the other ranks evaluate.
 *
 * Results: status is the objective's (BO_OK with a finite y, BO_EEVAL or
 * BO_ETIMEOUT for a failed evaluation with its message), or BO_EIO when the
 * worker itself could not start or died without answering: the caller then
 * treats the evaluation as not done. started and finished are wall-clock
 * times (seconds since the Unix epoch) taken by the worker around the
 * objective call, seconds its monotonic duration.
 *
 * Cancelling: bo_evaluator_cancel stops every evaluation in flight (their
 * processes, command process groups included, are killed and reaped) and
 * forgets them: no result of theirs is returned. One thread drives an
 * evaluator; processes it forks are reaped by pid, never with
 * waitpid(-1). */

#include <signal.h>
#include <stddef.h>

#include "bo/objective/objective.h"
#include "gp/bo_status.h"

enum { BO_EVALUATION_MSG_LEN = 1024 };

typedef struct bo_evaluation {
    size_t tag;                 /* the caller's number for it (bo-run: eval) */
    size_t worker;              /* 1..K: which worker ran it */
    bo_status status;
    double y;                   /* NaN unless status is BO_OK */
    double outputs[BO_OBJECTIVE_MAX_OUTPUTS]; /* the constraint outputs asked for with
                                   bo_objective_set_outputs, in that order: all finite
                                   when BO_OK; those given (else NaN) when failed */
    char msg[BO_EVALUATION_MSG_LEN];
    double started, finished;   /* wall clock, seconds since the epoch */
    double seconds;             /* duration of the objective call */
} bo_evaluation;

typedef struct bo_evaluator bo_evaluator;

/* K local workers over obj (borrowed: it must outlive the evaluator; its
 * cancel flag, if set, is not used here: see bo_evaluator_cancel). The
 * runners inherit obj's state at submit time. NULL with a message on bad
 * arguments (workers == 0) or no memory. */
bo_evaluator *bo_evaluator_local(bo_objective *obj, size_t workers, char *err, size_t errlen);

/* Number of workers, and how many are busy now. */
size_t bo_evaluator_workers(const bo_evaluator *ev);
size_t bo_evaluator_busy(const bo_evaluator *ev);

/* Starts evaluating x (dim values, user units) for source on an idle
 * worker. The objective is told call->seed (call may be NULL: seed 0), the
 * tag as the evaluation's number and the worker's number.
 * Returns BO_OK with *worker set, BO_ESTATE when every worker is busy,
 * BO_EIO/BO_ENOMEM when the worker cannot be started (message in err). */
bo_status bo_evaluator_submit(bo_evaluator *ev, size_t tag, const double *x, size_t source,
                              const bo_plugin_call *call, size_t *worker, char *err,
                              size_t errlen);

/* Waits for the next evaluation to complete, at most timeout_seconds
 * (< 0: without limit) and no longer than until *interrupt (may be NULL)
 * becomes non-zero. Returns 1 with *out filled, 0 when the time passed or
 * the flag was seen with nothing completed, and 0 at once when nothing is
 * in flight. */
int bo_evaluator_wait(bo_evaluator *ev, double timeout_seconds,
                      const volatile sig_atomic_t *interrupt, bo_evaluation *out);

/* The tags of the evaluations in flight, up to cap of them; returns their
 * number. */
size_t bo_evaluator_in_flight(const bo_evaluator *ev, size_t *tags, double *started,
                              size_t cap);

/* Stops every evaluation in flight; their results are dropped. */
void bo_evaluator_cancel(bo_evaluator *ev);

/* Cancels what is in flight and frees; NULL is a no-op. */
void bo_evaluator_destroy(bo_evaluator *ev);

#endif
