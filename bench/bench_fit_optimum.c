/* How close bo_gp_fit gets to the MAP optimum: the default fit against the
 * best of many full-data L-BFGS runs from random points of the
 * hyperparameter box.
 *
 * Usage: bench_fit_optimum TRAIN.csv [STARTS]   (default 50 starts)
 *
 * TRAIN.csv: inputs, then the response in the last column (the emulator
 * panel of scripts/panel/make_panel.py). The GP is set up as bo-gp fit sets
 * it up: Matern 5/2, constant mean, learned noise, the box of the training
 * inputs. The reference runs use only the public objective
 * (bo_gp_neg_log_posterior) and NLopt directly, none of the fit's strategy:
 * each start is uniform in bo_gp_hyper_bounds and runs to ftol_rel 1e-12 or
 * 3000 evaluations. Prints both objectives (negative log posterior, nats,
 * standardised scale) and the gap. */
#define _POSIX_C_SOURCE 200809L
#include "bo/io/csv.h"
#include "gp/gp.h"
#include "gp/rng.h"

#include <cblas.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double objective(unsigned nh, const double *x, double *grad, void *data)
{
    double f = bo_gp_neg_log_posterior(data, x, grad);
    if (!isfinite(f)) {
        if (grad)
            memset(grad, 0, nh * sizeof *grad);
        return 1e300;
    }
    return f;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_fit_optimum TRAIN.csv [STARTS]\n");
        return 2;
    }
    int starts = argc == 3 ? atoi(argv[2]) : 50;
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
    char err[512];
    bo_csv *t = NULL;
    if (bo_csv_read(argv[1], &t, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bench_fit_optimum: %s\n", err);
        return 2;
    }
    size_t n = bo_csv_n_rows(t), cols = bo_csv_n_cols(t), d = cols - 1;
    size_t *all = malloc(cols * sizeof *all);
    double *table = malloc(n * cols * sizeof *table);
    double *X = malloc(n * d * sizeof *X), *y = malloc(n * sizeof *y);
    double *lower = malloc(2 * d * sizeof *lower), *upper = lower + d;
    for (size_t c = 0; c < cols; c++)
        all[c] = c;
    if (bo_csv_numbers(t, cols, all, table, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bench_fit_optimum: %s\n", err);
        return 2;
    }
    for (size_t k = 0; k < d; k++) {
        lower[k] = INFINITY;
        upper[k] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < d; k++) {
            double v = table[i * cols + k];
            X[i * d + k] = v;
            lower[k] = fmin(lower[k], v);
            upper[k] = fmax(upper[k], v);
        }
        y[i] = table[i * cols + d];
    }
    bo_gp_options opt;
    bo_gp_options_default(&opt, d);
    opt.lower = lower;
    opt.upper = upper;
    bo_gp *gp = bo_gp_create(&opt, err, sizeof err);
    if (!gp || bo_gp_set_data(gp, n, X, NULL, y, NULL) != BO_OK) {
        fprintf(stderr, "bench_fit_optimum: %s\n", gp ? bo_gp_errmsg(gp) : err);
        return 1;
    }
    size_t nh = bo_gp_n_hyper(gp);
    double *theta = malloc(4 * nh * sizeof *theta), *lo = theta + nh, *hi = lo + nh,
           *x = hi + nh;
    double t0 = now();
    if (bo_gp_fit(gp, NULL) != BO_OK) {
        fprintf(stderr, "bench_fit_optimum: fit failed: %s\n", bo_gp_errmsg(gp));
        return 1;
    }
    double fit_seconds = now() - t0;
    bo_gp_get_hyper(gp, theta);
    double f_fit = bo_gp_neg_log_posterior(gp, theta, NULL);

    bo_gp_hyper_bounds(gp, lo, hi);
    bo_rng rng;
    bo_rng_init(&rng, 20261203);
    double f_ref = INFINITY;
    t0 = now();
    for (int s = 0; s < starts; s++) {
        for (size_t j = 0; j < nh; j++)
            x[j] = lo[j] + (hi[j] - lo[j]) * bo_rng_uniform(&rng);
        nlopt_opt o = nlopt_create(NLOPT_LD_LBFGS, (unsigned)nh);
        nlopt_set_lower_bounds(o, lo);
        nlopt_set_upper_bounds(o, hi);
        nlopt_set_min_objective(o, objective, gp);
        nlopt_set_maxeval(o, 3000);
        nlopt_set_ftol_rel(o, 1e-12);
        double f = INFINITY;
        (void)nlopt_optimize(o, x, &f);
        nlopt_destroy(o);
        f = bo_gp_neg_log_posterior(gp, x, NULL);
        if (isfinite(f) && f < f_ref)
            f_ref = f;
    }
    /* The fitted point is a start too: the reference is the best point
     * anyone found. */
    f_ref = fmin(f_ref, f_fit);
    printf("%s: n %zu d %zu: fit %.4f (%.2f s), best of %d starts %.4f (%.1f s), gap %.4f nats\n",
           argv[1], n, d, f_fit, fit_seconds, starts, f_ref, now() - t0, f_fit - f_ref);
    bo_gp_destroy(gp);
    bo_csv_destroy(t);
    free(all);
    free(table);
    free(X);
    free(y);
    free(lower);
    free(theta);
    return 0;
}
