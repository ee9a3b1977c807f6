#ifndef BO_EVALUATOR_MPI_H
#define BO_EVALUATOR_MPI_H

/* Evaluation on the ranks of an MPI job (built when MPI is found): under
 * `mpirun -n K bo-run config.yaml`, rank 0 runs the engine and writes the
 * run folder; ranks 1..K-1 each load the objective and evaluate what rank 0
 * sends them, one point at a time, and send the result back. Messages are
 * MPI point-to-point only (no networking of our own). On a worker rank each
 * evaluation runs under a one-worker local evaluator (bo/evaluator/
 * evaluator.h), so isolation, timeouts and cancelling are the same as on
 * one machine. */

#include <signal.h>

#include "bo/evaluator/evaluator.h"

/* 1 when the process was started by an MPI launcher (mpirun, mpiexec,
 * srun with PMI): only then is MPI initialised, so a plain bo-run never
 * touches MPI. */
int bo_mpi_launched(void);

/* MPI_Init (single-threaded) and this process's rank; the number of ranks
 * in *size. 0 on success. */
int bo_mpi_init(int *argc, char ***argv, int *rank, int *size);
void bo_mpi_finalize(void);

/* Rank 0: an evaluator of dim-input points whose workers are ranks
 * 1..size-1 (worker k is rank k). NULL with a message when there are fewer
 * than two ranks. Destroying it sends every worker rank its stop message. */
bo_evaluator *bo_evaluator_mpi(size_t dim, char *err, size_t errlen);

/* Ranks 1..: serves rank 0 until it says stop. obj NULL means the
 * objective could not be opened here (open_error says why): every point
 * sent is then answered as a failure of the host with that message, so
 * rank 0 stops the run and reports it. interrupted (may be NULL) is the
 * rank's own SIGINT/SIGTERM flag: the evaluation running is cancelled, and
 * the rank goes on until rank 0 says stop. */
bo_status bo_evaluator_mpi_serve(bo_objective *obj, const char *open_error,
                                 const volatile sig_atomic_t *interrupted);

#endif
