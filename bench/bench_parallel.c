/* Suggestion latency with evaluations in flight: bo_engine_suggest at n
 * observations with K - 1 pending points, K = 1, 4, 16, 64, in the two
 * situations an asynchronous run meets (bo/run/loop.c):
 *   first  - the first suggestion after a new observation: the GP is refitted
 *            (warm-started), the K - 1 pending points are added as believed
 *            observations and the acquisition is maximised;
 *   reuse  - a further suggestion with no observation in between (another
 *            worker free at the same moment): the fit is reused, only the
 *            fantasies and the acquisition are redone.
 * Cases: single fidelity, Hartmann-6 with EI as configs/hartmann6.yaml
 * (Matern-5/2, learned noise, stall_explore on), n = 100, 500, 1000; and the
 * five-source 8-input MFCA problem of bench_engine (Borehole's shape),
 * n = 100, 500.
 *
 * The machine may be shared and noisy, so the K values are interleaved:
 * one engine per K holds the same observations, and every repetition times
 * each K in turn on the same new observation. The ratio to K = 1 of the same
 * run is what compares; absolute times move with the machine's load.
 *
 * With --threads T, every K also gets an engine whose acquisition maximiser
 * runs on T threads (bo_engine_options.acq_threads), timed on the same
 * observations in the same repetitions; its suggestions must be bit for bit
 * those of the one-thread engine (checked: the program fails otherwise), so
 * the line "T threads" is speed alone.
 *
 * Usage: bench_parallel [--quick] [--threads T]
 *        (--quick: fewer repetitions, no n = 1000) */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_problems.h"
#include "bo/engine/engine.h"
#include "gp/rng.h"

#define N_K 4
static const size_t ks[N_K] = {1, 4, 16, 64};

/* Most points of a multi-fidelity run are cheap ones: one in ten on HF. */
static size_t mf_source(size_t i)
{
    return i % 10 == 0 ? 0 : 1 + i % 4;
}

static int compare_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, compare_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static size_t acq_threads = 1;

static bo_engine *make_engine(int mf, size_t threads)
{
    size_t d = mf ? 8 : 6;
    static const double cost[5] = {1000, 100, 10, 100, 10};
    static const size_t initial[5] = {0, 0, 0, 0, 0};
    bo_engine_options opt;
    bo_engine_options_default(&opt, d);
    opt.n_sources = mf ? 5 : 1;
    opt.cost = cost;
    opt.initial = initial;
    opt.seed = 1;
    opt.kernel = BO_KERNEL_MATERN52;
    opt.acq_threads = threads;
    if (mf) {
        opt.acquisition = BO_ACQ_MFCA;
        opt.mfca_target_ei = 1;
        opt.mean = BO_MEAN_PER_SOURCE;
        opt.noise = BO_NOISE_PER_SOURCE;
        /* No explore_budget: with it, whether the next point is MFCA's choice
         * or the target's EI alone depends on the sources of the last
         * points, and the K would time different acquisitions. */
        opt.explore_budget = 0.0;
    } else {
        opt.acquisition = BO_ACQ_EI;
        opt.noise = BO_NOISE_LEARN;
        opt.stall_explore = 1;
    }
    char err[256];
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    if (!e)
        fprintf(stderr, "bench_parallel: %s\n", err);
    return e;
}

static int observe_random(bo_engine *e, int mf, size_t i, bo_rng *rng, double *x)
{
    size_t d = mf ? 8 : 6;
    for (size_t j = 0; j < d; j++)
        x[j] = bo_rng_uniform(rng);
    size_t src = mf ? mf_source(i) : 0;
    return bo_engine_observe(e, x, src, mf ? mf_response(x, src) : hartmann6(x), 1, 0) == BO_OK
               ? 0
               : 1;
}

static int timed_suggest(bo_engine *e, double *seconds, double *x)
{
    bo_suggestion s;
    double t0 = now();
    bo_status st = bo_engine_suggest(e, x, &s);
    *seconds = now() - t0;
    if (st != BO_OK) {
        fprintf(stderr, "bench_parallel: suggest: %s\n", bo_engine_errmsg(e));
        return 1;
    }
    if (s.note)
        fprintf(stderr, "bench_parallel: note: fallback point (%s)\n", s.note);
    return 0;
}

/* One case: n observations, every K, `reps` repetitions of (new
 * observation; first suggestion; `reuse` further suggestions). */
static int run_case(const char *label, int mf, size_t n, size_t reps, size_t reuse)
{
    size_t d = mf ? 8 : 6;
    /* e[k]: one thread; e[N_K + k] (with --threads): acq_threads threads. */
    size_t n_e = acq_threads > 1 ? 2 * N_K : N_K;
    bo_engine *e[2 * N_K] = {NULL};
    double *first = calloc(2 * N_K * reps, sizeof *first);
    double *again = calloc(2 * N_K * reps * reuse, sizeof *again);
    int rc = 1;
    if (!first || !again)
        goto done;
    for (size_t k = 0; k < n_e; k++)
        if ((e[k] = make_engine(mf, k < N_K ? 1 : acq_threads)) == NULL)
            goto done;
    /* The same observations and pending points in every engine: one
     * stream of points, replayed per engine. */
    double x[8], xs[2 * N_K][8];
    for (size_t k = 0; k < n_e; k++) {
        bo_rng rng;
        bo_rng_init(&rng, 99);
        for (size_t i = 0; i < n; i++)
            if (observe_random(e[k], mf, i, &rng, x) != 0)
                goto done;
        bo_rng pending;
        bo_rng_init(&pending, 7);
        for (size_t p = 0; p + 1 < ks[k % N_K]; p++) {
            for (size_t j = 0; j < d; j++)
                x[j] = bo_rng_uniform(&pending);
            if (bo_engine_add_pending(e[k], x, mf ? mf_source(n + p) : 0, 0) != BO_OK)
                goto done;
        }
        /* Untimed: the first fit of all has no warm start. */
        double ignored;
        if (timed_suggest(e[k], &ignored, xs[k]) != 0)
            goto done;
    }
    bo_rng fresh;
    bo_rng_init(&fresh, 12345);
    for (size_t r = 0; r < reps; r++) {
        double xn[8];
        for (size_t j = 0; j < d; j++)
            xn[j] = bo_rng_uniform(&fresh);
        size_t src = mf ? mf_source(n + 64 + r) : 0;
        double y = mf ? mf_response(xn, src) : hartmann6(xn);
        for (size_t k = 0; k < n_e; k++) {
            if (bo_engine_observe(e[k], xn, src, y, 1, 0) != BO_OK)
                goto done;
            if (timed_suggest(e[k], &first[k * reps + r], xs[k]) != 0)
                goto done;
            for (size_t q = 0; q < reuse; q++)
                if (timed_suggest(e[k], &again[(k * reps + r) * reuse + q], xs[k]) != 0)
                    goto done;
            if (k >= N_K && memcmp(xs[k], xs[k - N_K], d * sizeof xs[k][0]) != 0) {
                fprintf(stderr, "bench_parallel: %s n=%zu K=%zu: %zu threads suggested another "
                        "point than one thread\n", label, n, ks[k - N_K], acq_threads);
                goto done;
            }
        }
    }
    double med_first[2 * N_K], med_again[2 * N_K];
    for (size_t k = 0; k < n_e; k++) {
        med_first[k] = median(first + k * reps, reps);
        med_again[k] = median(again + k * reps * reuse, reps * reuse);
    }
    for (size_t k = 0; k < N_K; k++)
        printf("%-16s n=%5zu  K=%3zu  first %9.1f ms (x%5.2f)   reuse %9.1f ms (x%5.2f)"
               "   reuse/first %5.3f\n",
               label, n, ks[k], 1e3 * med_first[k], med_first[k] / med_first[0],
               1e3 * med_again[k], med_again[k] / med_again[0], med_again[k] / med_first[k]);
    for (size_t k = N_K; k < n_e; k++)
        printf("%-16s n=%5zu  K=%3zu  %zu threads: first %9.1f ms (x%5.2f of 1 thread)   reuse %9.1f"
               " ms (x%5.2f), same points\n",
               label, n, ks[k - N_K], acq_threads, 1e3 * med_first[k],
               med_first[k] / med_first[k - N_K], 1e3 * med_again[k],
               med_again[k] / med_again[k - N_K]);
    fflush(stdout);
    rc = 0;
done:
    for (size_t k = 0; k < 2 * N_K; k++)
        bo_engine_destroy(e[k]);
    free(first);
    free(again);
    return rc;
}

int main(int argc, char **argv)
{
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc &&
                 (acq_threads = strtoul(argv[i + 1], &end, 10)) >= 1 && *end == '\0' &&
                 acq_threads <= 64)
            i++;
        else {
            fprintf(stderr, "usage: bench_parallel [--quick] [--threads T (1..64)]\n");
            return 2;
        }
    }
    /* As bo-run does: single-threaded BLAS unless OPENBLAS_NUM_THREADS says. */
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
    printf("bo_engine_suggest with K - 1 pending points: medians over repetitions; (xR) is the\n"
           "ratio to K = 1 in this run; first = after a new observation (refit), reuse = with\n"
           "no new observation (fit reused, fantasies and acquisition only)\n");
    size_t reps = quick ? 3 : 7;
    int rc = 0;
    rc |= run_case("SF EI Hartmann6", 0, 100, reps, 3);
    rc |= run_case("SF EI Hartmann6", 0, 500, reps, 3);
    if (!quick)
        rc |= run_case("SF EI Hartmann6", 0, 1000, 5, 2);
    rc |= run_case("MF MFCA 5-src", 1, 100, reps, 3);
    rc |= run_case("MF MFCA 5-src", 1, 500, quick ? 2 : 3, 2);
    return rc;
}
