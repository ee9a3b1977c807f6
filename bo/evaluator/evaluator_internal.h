/* What every kind of evaluator implements (local.c, mpi.c); not part of
 * the contract in bo/evaluator/evaluator.h. */
#ifndef BO_EVALUATOR_EVALUATOR_INTERNAL_H
#define BO_EVALUATOR_EVALUATOR_INTERNAL_H

#include "bo/evaluator/evaluator.h"

typedef struct bo_evaluator_ops {
    bo_status (*submit)(bo_evaluator *ev, size_t slot, const double *x, size_t source,
                        const bo_plugin_call *call, char *err, size_t errlen);
    /* Waits up to timeout_seconds (< 0: no limit) for one busy slot to
     * complete; 1 with *slot and *out set, 0 when nothing completed. */
    int (*wait)(bo_evaluator *ev, double timeout_seconds,
                const volatile sig_atomic_t *interrupt, size_t *slot, bo_evaluation *out);
    void (*cancel)(bo_evaluator *ev, size_t slot);
    void (*destroy)(bo_evaluator *ev);
} bo_evaluator_ops;

/* One worker's bookkeeping, kept here so that the common code answers
 * busy/in_flight and numbers the workers. */
typedef struct bo_evaluator_slot {
    int busy;
    size_t tag;
    double submitted;           /* wall clock at submit */
} bo_evaluator_slot;

struct bo_evaluator {
    const bo_evaluator_ops *ops;
    size_t workers;
    bo_evaluator_slot *slots;   /* workers entries; worker number = index + 1 */
    void *impl;                 /* the kind's own state */
};

/* Allocates the common part with `workers` idle slots; NULL on no memory. */
bo_evaluator *bo_evaluatori_new(const bo_evaluator_ops *ops, size_t workers, void *impl);


#endif
