/* GP performance: full fit time (restarts included) and block-prediction
 * throughput for d = 6 as n grows, and the GFLOP/s of one likelihood +
 * gradient evaluation at n = 2000 next to a dgemm of similar size measured
 * in the same process.
 *
 * Usage: bench_gp [max_n]   (default 3200) */
#define _POSIX_C_SOURCE 200809L
#include "bench/bench_problems.h"
#include "gp/gp.h"
#include "gp/rng.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIM 6

static void make_data(size_t n, bo_rng *rng, double *X, double *y)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < DIM; k++)
            X[i * DIM + k] = bo_rng_uniform(rng);
        y[i] = hartmann6(X + i * DIM) + 0.01 * bo_rng_normal(rng);
    }
}

int main(int argc, char **argv)
{
    size_t max_n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 3200;
    static const size_t sizes[] = {100, 200, 400, 800, 1600, 3200};
    bo_rng rng;
    bo_rng_init(&rng, 2024);
    bo_gp_options opt;
    bo_gp_options_default(&opt, DIM);
    opt.seed = 1;
    size_t m_pred = 10000;
    double *Xp = malloc(m_pred * DIM * sizeof *Xp), *mp = malloc(m_pred * sizeof *mp);
    double *vp = malloc(m_pred * sizeof *vp);
    for (size_t j = 0; j < m_pred * DIM; j++)
        Xp[j] = bo_rng_uniform(&rng);

    printf("OpenBLAS core: %s, threads %d\n", openblas_get_corename(), openblas_get_num_threads());
    printf("GP benchmark, d = %d, Matern 5/2, learned noise and constant mean, %zu restarts "
           "(default)\n", DIM, (size_t)8);
    printf("%6s  %10s  %12s  %14s  %10s\n", "n", "fit [s]", "-log post", "block pred/s",
           "grad pred/s");
    for (size_t t = 0; t < sizeof sizes / sizeof sizes[0]; t++) {
        size_t n = sizes[t];
        if (n > max_n)
            break;
        double *X = malloc(n * DIM * sizeof *X), *y = malloc(n * sizeof *y);
        make_data(n, &rng, X, y);
        bo_gp *gp = bo_gp_create(&opt, NULL, 0);
        bo_gp_set_data(gp, n, X, NULL, y, NULL);
        double t0 = now();
        bo_status st = bo_gp_fit(gp, NULL);
        double t_fit = now() - t0;
        double theta[16];
        bo_gp_get_hyper(gp, theta);
        double f = bo_gp_neg_log_posterior(gp, theta, NULL);
        t0 = now();
        bo_gp_predict_block(gp, m_pred, Xp, 0, mp, vp, NULL);
        double t_pred = now() - t0;
        size_t m_grad = 2000;
        double g[DIM], gv[DIM], mm, vv;
        t0 = now();
        for (size_t j = 0; j < m_grad; j++)
            bo_gp_predict_grad(gp, Xp + j * DIM, 0, &mm, &vv, g, gv);
        double t_grad = now() - t0;
        printf("%6zu  %10.3f  %12.2f  %14.0f  %10.0f%s\n", n, t_fit, f, (double)m_pred / t_pred,
               (double)m_grad / t_grad, st == BO_OK ? "" : "  (fit failed)");
        fflush(stdout);
        bo_gp_destroy(gp);
        free(X);
        free(y);
    }

    /* Likelihood + gradient at n = 2000 against dgemm. */
    size_t n = 2000;
    double *X = malloc(n * DIM * sizeof *X), *y = malloc(n * sizeof *y);
    make_data(n, &rng, X, y);
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    bo_gp_set_data(gp, n, X, NULL, y, NULL);
    size_t nh = bo_gp_n_hyper(gp);
    double theta[16], grad[16];
    bo_gp_get_hyper(gp, theta);
    bo_gp_neg_log_posterior(gp, theta, grad); /* warm-up: workspaces, threads */
    int reps = 3;
    double t0 = now();
    for (int r = 0; r < reps; r++)
        bo_gp_neg_log_posterior(gp, theta, grad);
    double t_lik = (now() - t0) / reps;
    double nd = (double)n;
    /* potrf n^3/3 + potri 2n^3/3 + two triangular solves 2n^2 + the gradient
     * pass (per pair: d differences, squares and weighted sums, ~4d + 6). */
    double flops = nd * nd * nd / 3.0 + 2.0 * nd * nd * nd / 3.0 + 2.0 * nd * nd +
                   0.5 * nd * nd * (4.0 * DIM + 6.0);
    double *A = malloc(n * n * sizeof *A), *B = malloc(n * n * sizeof *B);
    double *C = malloc(n * n * sizeof *C);
    for (size_t i = 0; i < n * n; i++) {
        A[i] = bo_rng_uniform(&rng);
        B[i] = bo_rng_uniform(&rng);
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, A,
                (int)n, B, (int)n, 0.0, C, (int)n);
    t0 = now();
    for (int r = 0; r < reps; r++)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0, A,
                    (int)n, B, (int)n, 0.0, C, (int)n);
    double t_gemm = (now() - t0) / reps;
    double lik_rate = flops / t_lik * 1e-9, gemm_rate = 2.0 * nd * nd * nd / t_gemm * 1e-9;
    printf("\nn = %zu, %zu hyperparameters: likelihood+gradient %.3f s = %.1f GFLOP/s; "
           "dgemm %.3f s = %.1f GFLOP/s; ratio %.0f%%\n", n, nh, t_lik, lik_rate, t_gemm,
           gemm_rate, 100.0 * lik_rate / gemm_rate);
    bo_gp_destroy(gp);
    free(A);
    free(B);
    free(C);
    free(X);
    free(y);
    free(Xp);
    free(mp);
    free(vp);
    return 0;
}
