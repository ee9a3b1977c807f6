/* The MPI evaluator. Rank 0 posts one receive per busy worker and polls
 * them; each worker rank answers one job at a time and listens for a
 * cancel while its local evaluator runs the point. */
#define _POSIX_C_SOURCE 200809L

#include "bo/evaluator/mpi.h"

#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bo/evaluator/evaluator_internal.h"
#include "bo/objective/proc.h"

enum { TAG_JOB = 1, TAG_STOP = 2, TAG_CANCEL = 3, TAG_RESULT = 4 };

/* A job: this header, then dim doubles. */
typedef struct job_header {
    uint64_t tag;
    uint64_t source;
    uint64_t seed;
    uint64_t dim;
} job_header;

int bo_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                                       "PMI_RANK", "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

int bo_mpi_init(int *argc, char ***argv, int *rank, int *size)
{
    /* Evaluations fork (runner processes, isolated plugins, commands);
     * Open MPI's warning about fork concerns memory registered for RDMA by
     * the parent, which these children never touch. */
    setenv("OMPI_MCA_mpi_warn_on_fork", "0", 0);
    if (MPI_Init(argc, argv) != MPI_SUCCESS)
        return -1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 0;
}

void bo_mpi_finalize(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done)
        MPI_Finalize();
}

/* Polling naps: short at first so a quick answer is seen at once, up to
 * 20 ms so an idle rank 0 costs nothing. */
static void nap(int *us)
{
    struct timespec ts = {0, (long)*us * 1000L};
    nanosleep(&ts, NULL);
    if (*us < 20000)
        *us *= 2;
}

/* ---- rank 0 ------------------------------------------------------------ */

typedef struct mpi_impl {
    size_t dim;
    MPI_Request *requests;      /* per worker: its result's receive, or MPI_REQUEST_NULL */
    bo_evaluation *answers;     /* receive buffers */
    unsigned char *job;         /* send buffer: header and dim doubles */
} mpi_impl;

static bo_status mpi_submit(bo_evaluator *ev, size_t slot, const double *x, size_t source,
                            const bo_plugin_call *call, char *err, size_t errlen)
{
    mpi_impl *impl = ev->impl;
    job_header h = {call->eval, source, call->seed, impl->dim};
    memcpy(impl->job, &h, sizeof h);
    memcpy(impl->job + sizeof h, x, impl->dim * sizeof *x);
    int rank = (int)slot + 1;
    int bytes = (int)(sizeof h + impl->dim * sizeof *x);
    if (MPI_Irecv(&impl->answers[slot], (int)sizeof impl->answers[slot], MPI_BYTE, rank,
                  TAG_RESULT, MPI_COMM_WORLD, &impl->requests[slot]) != MPI_SUCCESS ||
        MPI_Send(impl->job, bytes, MPI_BYTE, rank, TAG_JOB, MPI_COMM_WORLD) != MPI_SUCCESS)
        return bo_error_msg(err, errlen, BO_EIO, "cannot send a job to MPI rank %d", rank);
    return BO_OK;
}

static int mpi_wait(bo_evaluator *ev, double timeout_seconds,
                    const volatile sig_atomic_t *interrupt, size_t *which, bo_evaluation *out)
{
    mpi_impl *impl = ev->impl;
    double deadline = timeout_seconds < 0 ? INFINITY : bo_proc_now() + timeout_seconds;
    int us = 50;
    for (;;) {
        int index = MPI_UNDEFINED, flag = 0;
        MPI_Testany((int)ev->workers, impl->requests, &index, &flag, MPI_STATUS_IGNORE);
        if (flag && index != MPI_UNDEFINED) {
            *which = (size_t)index;
            *out = impl->answers[index];
            out->msg[sizeof out->msg - 1] = '\0';
            return 1;
        }
        if ((interrupt && *interrupt) || bo_proc_now() >= deadline)
            return 0;
        nap(&us);
    }
}

/* The worker cancels its evaluation and still answers; the answer is
 * dropped. */
static void mpi_cancel(bo_evaluator *ev, size_t slot)
{
    mpi_impl *impl = ev->impl;
    if (impl->requests[slot] == MPI_REQUEST_NULL)
        return;
    MPI_Send(NULL, 0, MPI_BYTE, (int)slot + 1, TAG_CANCEL, MPI_COMM_WORLD);
    MPI_Wait(&impl->requests[slot], MPI_STATUS_IGNORE);
}

static void mpi_destroy(bo_evaluator *ev)
{
    mpi_impl *impl = ev->impl;
    for (size_t i = 0; i < ev->workers; i++)
        MPI_Send(NULL, 0, MPI_BYTE, (int)i + 1, TAG_STOP, MPI_COMM_WORLD);
    free(impl->requests);
    free(impl->answers);
    free(impl->job);
    free(impl);
}

static const bo_evaluator_ops mpi_ops = {mpi_submit, mpi_wait, mpi_cancel, mpi_destroy};

bo_evaluator *bo_evaluator_mpi(size_t dim, char *err, size_t errlen)
{
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (size < 2) {
        bo_msg(err, errlen, "%d MPI rank%s: rank 0 runs the engine, so at least 2 are needed "
               "for a worker", size, size == 1 ? "" : "s");
        return NULL;
    }
    size_t workers = (size_t)size - 1;
    mpi_impl *impl = calloc(1, sizeof *impl);
    if (impl) {
        impl->dim = dim;
        impl->requests = malloc(workers * sizeof *impl->requests);
        impl->answers = calloc(workers, sizeof *impl->answers);
        impl->job = malloc(sizeof(job_header) + dim * sizeof(double));
    }
    bo_evaluator *ev = impl && impl->requests && impl->answers && impl->job
                           ? bo_evaluatori_new(&mpi_ops, workers, impl)
                           : NULL;
    if (!ev) {
        if (impl) {
            free(impl->requests);
            free(impl->answers);
            free(impl->job);
        }
        free(impl);
        bo_msg(err, errlen, "MPI evaluator: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < workers; i++)
        impl->requests[i] = MPI_REQUEST_NULL;
    return ev;
}

/* ---- worker ranks ----------------------------------------------------- */

/* Runs one job on the local evaluator, answering a cancel from rank 0 or
 * the rank's own interrupt by cancelling it; fills *out in every case. */
static void serve_job(bo_evaluator *local, const job_header *h, const double *x,
                      const volatile sig_atomic_t *interrupted, bo_evaluation *out)
{
    char err[512];
    bo_plugin_call call = {.struct_size = sizeof call,
                           .seed = h->seed,
                           .eval = (size_t)h->tag,
                           .worker = 0};
    memset(out, 0, sizeof *out);
    out->y = NAN;
    for (size_t k = 0; k < BO_OBJECTIVE_MAX_OUTPUTS; k++)
        out->outputs[k] = NAN;
    if (bo_evaluator_submit(local, (size_t)h->tag, x, (size_t)h->source, &call, NULL, err,
                            sizeof err) != BO_OK) {
        out->status = BO_EIO;
        bo_msg(out->msg, sizeof out->msg, "%s", err);
        return;
    }
    for (;;) {
        if (bo_evaluator_wait(local, 0.05, interrupted, out) == 1)
            return;
        int flag = 0;
        MPI_Iprobe(0, TAG_CANCEL, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag)
            MPI_Recv(NULL, 0, MPI_BYTE, 0, TAG_CANCEL, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (flag || (interrupted && *interrupted)) {
            bo_evaluator_cancel(local);
            memset(out, 0, sizeof *out);
            out->status = BO_EEVAL;
            out->y = NAN;
            bo_msg(out->msg, sizeof out->msg, "evaluation interrupted (cancelled)");
            return;
        }
    }
}

bo_status bo_evaluator_mpi_serve(bo_objective *obj, const char *open_error,
                                 const volatile sig_atomic_t *interrupted)
{
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    char err[512] = "";
    bo_evaluator *local = obj ? bo_evaluator_local(obj, 1, err, sizeof err) : NULL;
    size_t cap = 0;
    unsigned char *buf = NULL;
    bo_status result = BO_OK;
    for (;;) {
        MPI_Status status;
        MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
        int bytes = 0;
        MPI_Get_count(&status, MPI_BYTE, &bytes);
        if ((size_t)bytes > cap) {
            unsigned char *grown = realloc(buf, (size_t)bytes);
            if (!grown) {
                result = BO_ENOMEM;
                break;
            }
            buf = grown;
            cap = (size_t)bytes;
        }
        MPI_Recv(buf, bytes, MPI_BYTE, 0, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (status.MPI_TAG == TAG_STOP)
            break;
        if (status.MPI_TAG != TAG_JOB)
            continue; /* a cancel that crossed the answer: nothing runs */
        job_header h;
        bo_evaluation out;
        memset(&out, 0, sizeof out);
        if ((size_t)bytes < sizeof h) {
            out.status = BO_EIO;
            bo_msg(out.msg, sizeof out.msg, "MPI rank %d: malformed job", rank);
        } else {
            memcpy(&h, buf, sizeof h);
            if ((size_t)bytes != sizeof h + h.dim * sizeof(double)) {
                out.status = BO_EIO;
                bo_msg(out.msg, sizeof out.msg, "MPI rank %d: malformed job", rank);
            } else if (!local) {
                out.status = BO_EIO;
                bo_msg(out.msg, sizeof out.msg, "MPI rank %d: %s", rank,
                       open_error ? open_error : err);
            } else {
                double *x = malloc((h.dim ? h.dim : 1) * sizeof *x);
                if (!x) {
                    out.status = BO_ENOMEM;
                    bo_msg(out.msg, sizeof out.msg, "MPI rank %d: out of memory", rank);
                } else {
                    memcpy(x, buf + sizeof h, h.dim * sizeof *x);
                    serve_job(local, &h, x, interrupted, &out);
                    free(x);
                }
            }
        }
        if (out.status != BO_OK)
            out.y = NAN;
        MPI_Send(&out, (int)sizeof out, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    }
    free(buf);
    bo_evaluator_destroy(local);
    return result;
}
