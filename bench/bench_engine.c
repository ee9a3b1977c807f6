/* Time of one BO iteration (full hyperparameter refit + acquisition
 * maximisation, i.e. bo_engine_suggest) as the number of observations
 * grows: single fidelity (Hartmann-6, EI) and multi-fidelity (an 8-input
 * five-source problem of the Borehole's shape, MFCA).
 *
 * The engine is fed random observations up to n, then K suggestions are
 * timed (each observed before the next, so n grows by K during the timing).
 * Targets: under 15 ms per iteration at n = 100, d = 6 (single fidelity) and
 * under 0.5 s at n = 500 (multi-fidelity). */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/bench_problems.h"
#include "bo/engine/engine.h"
#include "gp/rng.h"

static int compare_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

static double time_suggestions(bo_engine *e, size_t d, size_t k, int mf, bo_rng *rng)
{
    double *x = malloc(d * sizeof *x);
    double *seconds = malloc(k * sizeof *seconds);
    size_t done = 0;
    for (; done < k; done++) {
        bo_suggestion s;
        double t0 = now();
        if (bo_engine_suggest(e, x, &s) != BO_OK) {
            fprintf(stderr, "suggest failed: %s\n", bo_engine_errmsg(e));
            break;
        }
        seconds[done] = now() - t0;
        double y = mf ? mf_response(x, s.source) : hartmann6(x);
        bo_engine_observe(e, x, s.source, y, 1, 0);
    }
    (void)rng;
    /* The median: on a shared machine one slow iteration moves a mean. */
    qsort(seconds, done, sizeof *seconds, compare_double);
    double median = done == 0 ? NAN
                    : done % 2 ? seconds[done / 2]
                               : 0.5 * (seconds[done / 2 - 1] + seconds[done / 2]);
    free(seconds);
    free(x);
    return median;
}

static void run_case(const char *label, int mf, size_t n, size_t k)
{
    size_t d = mf ? 8 : 6;
    size_t S = mf ? 5 : 1;
    double cost[5] = {1000, 100, 10, 100, 10};
    size_t initial[5] = {0, 0, 0, 0, 0};
    bo_engine_options opt;
    bo_engine_options_default(&opt, d);
    opt.n_sources = S;
    opt.cost = cost;
    opt.initial = initial;
    opt.seed = 1;
    if (mf) {
        opt.acquisition = BO_ACQ_MFCA;
        opt.mean = BO_MEAN_PER_SOURCE;
        opt.noise = BO_NOISE_PER_SOURCE;
    } else {
        opt.acquisition = BO_ACQ_LOGEI;
    }
    char err[256];
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    if (!e) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    bo_rng rng;
    bo_rng_init(&rng, 99);
    double x[8];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++)
            x[j] = bo_rng_uniform(&rng);
        /* Multi-fidelity: most points on the cheap sources, as in a run. */
        size_t src = mf ? (i % 10 == 0 ? 0 : 1 + i % 4) : 0;
        bo_engine_observe(e, x, src, mf ? mf_response(x, src) : hartmann6(x), 1, 0);
    }
    /* The first suggestion has no warm start; time it separately. */
    double cold = time_suggestions(e, d, 1, mf, &rng);
    double warm = time_suggestions(e, d, k, mf, &rng);
    /* The same machine's speed in one unit: a likelihood-with-gradient
     * evaluation on all the data, so runs on busy or idle machines compare. */
    double unit = NAN;
    bo_gp *gp = bo_engine_fit_final(e);
    if (gp) {
        size_t nh = bo_gp_n_hyper(gp);
        double *theta = malloc(2 * nh * sizeof *theta);
        bo_gp_get_hyper(gp, theta);
        double t0 = now();
        for (int r = 0; r < 5; r++)
            bo_gp_neg_log_posterior(gp, theta, theta + nh);
        unit = (now() - t0) / 5.0;
        free(theta);
    }
    printf("%-16s d=%zu sources=%zu n=%5zu   first %8.1f ms   median of next %zu %8.1f ms"
           "   (%5.1f likelihood+gradient evaluations of %.1f ms)\n",
           label, d, S, n, 1e3 * cold, k, 1e3 * warm, warm / unit, 1e3 * unit);
    fflush(stdout);
    bo_engine_destroy(e);
}

int main(void)
{
    /* As bo-run does: single-threaded BLAS unless OPENBLAS_NUM_THREADS says. */
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
    printf("Time per BO iteration (GP refit with restarts + acquisition maximisation)\n");
    run_case("SF EI Hartmann6", 0, 50, 10);
    run_case("SF EI Hartmann6", 0, 100, 10);
    run_case("SF EI Hartmann6", 0, 200, 5);
    run_case("MF MFCA 5-src", 1, 100, 5);
    run_case("MF MFCA 5-src", 1, 250, 5);
    run_case("MF MFCA 5-src", 1, 500, 7);
    return 0;
}
