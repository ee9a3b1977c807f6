#ifndef BO_RUN_RUN_H
#define BO_RUN_RUN_H

/* A whole bo-run run: the config read, the objective opened, the engine
 * created (or replayed from the run folder for --resume), evaluations kept
 * in flight on the configured workers until a budget rule stops the run,
 * every completed evaluation recorded durably, and the outputs written.
 * The program bo-run is argument parsing, signal handlers and this.
 *
 * Files of a run folder (docs/history.md): history.csv (one row per
 * completed evaluation, in completion order), dispatched.csv (one row per
 * evaluation when it starts, so that --resume re-runs exactly those that
 * were in flight), engine_state.txt (the warm start after each suggestion),
 * config.yaml (the config as resolved), model.txt and the plots.
 *
 * Messages go to stderr prefixed "bo-run: "; progress lines and the summary
 * to stdout unless quiet. */

#include <signal.h>
#include <stdint.h>

typedef struct bo_run_args {
    const char *config_path;
    const char *out_dir;        /* NULL: runs/<name>/ */
    int have_seed;
    uint64_t seed;              /* with have_seed: replaces the config's */
    int resume;
    int check;                  /* validate, load the objective, evaluate nothing */
    int quiet;
    int mpi;                    /* > 0: evaluate on the other MPI ranks, this many
                                   (rank 0 only); 0: on this machine */
} bo_run_args;

/* Exit statuses of bo_run_execute and bo_run_mpi_worker. */
enum { BO_RUN_FINISHED = 0, BO_RUN_FAILED = 1, BO_RUN_USAGE = 2 };

/* Runs (or resumes, or checks) the run described by args. interrupted (may
 * be NULL) is a flag the caller's SIGINT/SIGTERM handler sets: once set, no
 * evaluation starts, those in flight are cancelled (their processes killed)
 * and not recorded, the outputs are written, and a resume command is
 * printed. Returns BO_RUN_FINISHED, BO_RUN_FAILED (while running,
 * interrupted included) or BO_RUN_USAGE (bad config, plugin, folder:
 * nothing evaluated, nothing overwritten). */
int bo_run_execute(const bo_run_args *args, const volatile sig_atomic_t *interrupted);

/* An MPI rank other than 0: reads the same config, opens the objective and
 * evaluates what rank 0 sends until it says stop. Returns an exit status as
 * above; BO_RUN_USAGE without MPI support. */
int bo_run_mpi_worker(const bo_run_args *args, const volatile sig_atomic_t *interrupted);

#endif
