#define _POSIX_C_SOURCE 200809L

#include "bo/evaluator/evaluator.h"

#include <stdlib.h>
#include <string.h>

#include "bo/evaluator/evaluator_internal.h"
#include "bo/objective/proc.h"

bo_evaluator *bo_evaluatori_new(const bo_evaluator_ops *ops, size_t workers, void *impl)
{
    bo_evaluator *ev = calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->slots = calloc(workers, sizeof *ev->slots);
    if (!ev->slots) {
        free(ev);
        return NULL;
    }
    ev->ops = ops;
    ev->workers = workers;
    ev->impl = impl;
    return ev;
}

size_t bo_evaluator_workers(const bo_evaluator *ev)
{
    return ev->workers;
}

size_t bo_evaluator_busy(const bo_evaluator *ev)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->workers; i++)
        n += ev->slots[i].busy != 0;
    return n;
}

bo_status bo_evaluator_submit(bo_evaluator *ev, size_t tag, const double *x, size_t source,
                              const bo_plugin_call *call, size_t *worker, char *err,
                              size_t errlen)
{
    size_t slot = ev->workers;
    for (size_t i = 0; i < ev->workers && slot == ev->workers; i++)
        if (!ev->slots[i].busy)
            slot = i;
    if (slot == ev->workers)
        return bo_error_msg(err, errlen, BO_ESTATE, "every one of the %zu workers is busy",
                            ev->workers);
    bo_plugin_call c = {.struct_size = sizeof c,
                        .seed = call ? call->seed : 0,
                        .eval = tag,
                        .worker = slot + 1};
    bo_status st = ev->ops->submit(ev, slot, x, source, &c, err, errlen);
    if (st != BO_OK)
        return st;
    ev->slots[slot] = (bo_evaluator_slot){1, tag, bo_proc_wall()};
    if (worker)
        *worker = slot + 1;
    return BO_OK;
}

int bo_evaluator_wait(bo_evaluator *ev, double timeout_seconds,
                      const volatile sig_atomic_t *interrupt, bo_evaluation *out)
{
    if (bo_evaluator_busy(ev) == 0)
        return 0;
    size_t slot = 0;
    memset(out, 0, sizeof *out);
    if (!ev->ops->wait(ev, timeout_seconds, interrupt, &slot, out))
        return 0;
    out->tag = ev->slots[slot].tag;
    out->worker = slot + 1;
    ev->slots[slot].busy = 0;
    return 1;
}

size_t bo_evaluator_in_flight(const bo_evaluator *ev, size_t *tags, double *started,
                              size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->workers; i++) {
        if (!ev->slots[i].busy)
            continue;
        if (n < cap) {
            if (tags)
                tags[n] = ev->slots[i].tag;
            if (started)
                started[n] = ev->slots[i].submitted;
        }
        n++;
    }
    return n;
}

void bo_evaluator_cancel(bo_evaluator *ev)
{
    for (size_t i = 0; i < ev->workers; i++) {
        if (!ev->slots[i].busy)
            continue;
        ev->ops->cancel(ev, i);
        ev->slots[i].busy = 0;
    }
}

void bo_evaluator_destroy(bo_evaluator *ev)
{
    if (!ev)
        return;
    bo_evaluator_cancel(ev);
    ev->ops->destroy(ev);
    free(ev->slots);
    free(ev);
}
