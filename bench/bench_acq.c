/* Time of one acquisition maximisation (log-EI, default maximiser options,
 * the incumbent as an extra start, observed points excluded) on a GP
 * conditioned with set_hyper at its default hyperparameters, for n = 100,
 * 400, 1000 observations in d = 6 and d = 20. Prints a table; each figure is
 * the median of a few repetitions. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "acquisition/maximize.h"
#include "gp/gp.h"
#include "gp/rng.h"

enum { REPS = 5 };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run(size_t dim, size_t n)
{
    bo_rng rng;
    bo_rng_init(&rng, 1000 * dim + n);
    double *X = malloc(n * dim * sizeof *X), *y = malloc(n * sizeof *y);
    bo_gp_options o;
    bo_gp_options_default(&o, dim);
    bo_gp *gp = bo_gp_create(&o, NULL, 0);
    if (!X || !y || !gp)
        return 1;
    size_t inc = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < dim; j++) {
            X[i * dim + j] = bo_rng_uniform(&rng);
            s += sin(3.0 * X[i * dim + j]) + 0.5 * X[i * dim + j] * X[i * dim + j];
        }
        y[i] = s + 0.01 * bo_rng_normal(&rng);
        if (y[i] < y[inc])
            inc = i;
    }
    double theta[64];
    if (bo_gp_set_data(gp, n, X, NULL, y, NULL) != BO_OK || bo_gp_n_hyper(gp) > 64)
        return 1;
    bo_gp_get_hyper(gp, theta);
    double t0 = now_ms();
    if (bo_gp_set_hyper(gp, theta) != BO_OK) {
        fprintf(stderr, "set_hyper: %s\n", bo_gp_errmsg(gp));
        return 1;
    }
    double t_cond = now_ms() - t0;

    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_LOGEI;
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.extra_starts = X + inc * dim;
    mo.n_extra_starts = 1;
    bo_acq_points obs = {n, X, NULL};
    double *x = malloc(dim * sizeof *x);
    double times[REPS];
    bo_acq_result res = {0};
    char err[256] = "";
    for (int r = 0; r < REPS; r++) {
        mo.seed = (uint64_t)r;
        t0 = now_ms();
        bo_status st = bo_acq_maximize(&ao, gp, y[inc], &mo, &obs, NULL, x, &res, NULL, err,
                                       sizeof err);
        times[r] = now_ms() - t0;
        if (st != BO_OK) {
            fprintf(stderr, "maximize: %s\n", err);
            return 1;
        }
    }
    qsort(times, REPS, sizeof times[0], cmp_double);
    printf("%4zu %5zu %12.1f %12.1f %12.1f %8zu %6zu %12.4g\n", dim, n, times[REPS / 2],
           times[0], t_cond, res.n_evals, res.n_local, res.value);
    free(x);
    bo_gp_destroy(gp);
    free(X);
    free(y);
    return 0;
}

int main(void)
{
    printf("one maximisation of log-EI: pool 512, 5 + 1 L-BFGS starts\n");
    printf("%4s %5s %12s %12s %12s %8s %6s %12s\n", "d", "n", "median_ms", "min_ms",
           "condition_ms", "evals", "local", "value");
    const size_t dims[] = {6, 20}, ns[] = {100, 400, 1000};
    for (size_t a = 0; a < 2; a++)
        for (size_t b = 0; b < 3; b++)
            if (run(dims[a], ns[b]) != 0)
                return 1;
    return 0;
}
