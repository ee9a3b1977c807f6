/* bo-run: the command-line program. Parses the arguments, installs the
 * signal handlers, and hands the run to bo/run (on rank 0 under mpirun; the
 * other ranks evaluate). Exit status 0 finished, 1 failed while running,
 * 2 bad usage, config or plugin. */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo/run/run.h"
#ifdef BO_HAVE_MPI
#include "bo/evaluator/mpi.h"
#endif



static void usage(FILE *f)
{
    fprintf(f,
            "usage: bo-run CONFIG.yaml [--out DIR] [--seed N] [--resume] [--check] [--quiet]\n"
            "\n"
            "Bayesian optimisation of the objective described in CONFIG.yaml. Under an MPI\n"
            "launcher (mpirun), rank 0 optimises and the other ranks evaluate.\n"
            "  --out DIR   write the run to DIR (default: runs/<name>/)\n"
            "  --seed N    override the config's seed (--resume: the run folder's)\n"
            "  --resume    continue the run found in the output folder\n"
            "  --check     validate the config and load the objective; evaluate nothing\n"
            "  --quiet     no progress lines, only the summary\n"
            "  --help      this text;  --version  the version\n"
            "Exit status: 0 finished, 1 failed while running, 2 bad usage, config or plugin.\n");
}

/* 1: exit 0 now (--help, --version); 0: run; -1: bad usage. */
static int parse_args(int argc, char **argv, bo_run_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(s, "--version") == 0) {
            printf("bo-run %s\n", BO_VERSION);
            return 1;
        } else if (strcmp(s, "--out") == 0 || strcmp(s, "--seed") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bo-run: %s needs a value\n", s);
                return -1;
            }
            const char *v = argv[++i];
            if (strcmp(s, "--out") == 0) {
                if (v[0] == '\0') {
                    fprintf(stderr, "bo-run: --out: expected a folder, got an empty string\n");
                    return -1;
                }
                a->out_dir = v;
            } else {
                char *end;
                errno = 0;
                unsigned long long seed = strtoull(v, &end, 10);
                if (errno || end == v || *end || !(v[0] >= '0' && v[0] <= '9')) {
                    fprintf(stderr, "bo-run: --seed: expected a non-negative integer, got '%s'\n",
                            v);
                    return -1;
                }
                a->have_seed = 1;
                a->seed = seed;
            }
        } else if (strcmp(s, "--resume") == 0) {
            a->resume = 1;
        } else if (strcmp(s, "--check") == 0) {
            a->check = 1;
        } else if (strcmp(s, "--quiet") == 0) {
            a->quiet = 1;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "bo-run: unknown option '%s' (see bo-run --help)\n", s);
            return -1;
        } else if (!a->config_path) {
            a->config_path = s;
        } else {
            fprintf(stderr, "bo-run: more than one config given ('%s', '%s')\n",
                    a->config_path, s);
            return -1;
        }
    }
    if (!a->config_path) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Set by SIGINT/SIGTERM: no evaluation starts, those running are cancelled
 * (their processes killed) and not recorded, and the run stops cleanly
 * with outputs written, ready for --resume. */
static volatile sig_atomic_t interrupted;

/* A second signal stops at once: an evaluation that cannot be cancelled
 * (a plugin run in-process, or one that ignores its own signals) must not
 * hold the run hostage. Every recorded evaluation is already on disk. */
static void on_interrupt(int sig)
{
    (void)sig;
    if (interrupted) {
        static const char text[] = "bo-run: interrupted twice: stopping now; every recorded "
                                   "evaluation is kept, --resume continues\n";
        ssize_t ignored = write(STDERR_FILENO, text, sizeof text - 1);
        (void)ignored;
        _exit(1);
    }
    interrupted = 1;
}

static void install_interrupt_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* bo-run's matrices are small (hundreds of rows) and studies run several
 * bo-run processes side by side: OpenBLAS's worker threads then cost more in
 * synchronisation than they save (measured: a BO iteration at n = 100 took
 * 4x longer with two threads on a busy 2-core machine). One thread unless
 * the user asks otherwise through OpenBLAS's own variable. */
static void choose_blas_threads(void)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
}

int main(int argc, char **argv)
{
    bo_run_args args;
    int parsed = parse_args(argc, argv, &args);
    if (parsed != 0)
        return parsed > 0 ? BO_RUN_FINISHED : BO_RUN_USAGE;
    choose_blas_threads();
    install_interrupt_handlers();
#ifdef BO_HAVE_MPI
    /* Only under an MPI launcher: a plain bo-run never initialises MPI. */
    int rank = 0, size = 1;
    if (bo_mpi_launched()) {
        if (bo_mpi_init(&argc, &argv, &rank, &size) != 0) {
            fprintf(stderr, "bo-run: MPI could not be initialised\n");
            return BO_RUN_USAGE;
        }
        /* One rank alone evaluates on this machine, as without mpirun. */
        args.mpi = size > 1 ? size - 1 : 0;
        int code = rank == 0 ? bo_run_execute(&args, &interrupted)
                             : bo_run_mpi_worker(&args, &interrupted);
        bo_mpi_finalize();
        return code;
    }
#endif
    return bo_run_execute(&args, &interrupted);
}
