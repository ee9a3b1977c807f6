/* Sobol indices of the posterior mean by the A / B / A_B^(i) scheme
 * (Saltelli et al. 2010, "Variance based sensitivity analysis of model
 * output": their first-order estimator and Jansen's for the total). The mean is predicted in blocks; every value is centred on
 * the mean over A and B first, which leaves the estimators unchanged in
 * expectation and keeps their sums from cancelling large offsets. */
#include "gp/gp_sensitivity.h"
#include "gp/gp_internal.h"
#include "gp/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The checks both calls share; BO_OK or the failure recorded in gp. */
static bo_status check_args(bo_gp *gp, size_t source, const double *lower, const double *upper,
                            size_t N)
{
    size_t d = gp->opt.dim;
    if (!gp->conditioned)
        return bo_gpi_fail(gp, BO_ESTATE, "gp sobol: the GP has no fitted data");
    if (N < 2)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: n_samples = %zu: need at least 2", N);
    if (source >= gp->opt.n_sources)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: source %zu out of range (%zu sources)",
                           source, gp->opt.n_sources);
    /* A categorical input is drawn over its levels, so its box is unused. */
    for (size_t k = 0; k < d; k++)
        if (bo_gp_n_levels(gp, k) == 0
            && (!isfinite(lower[k]) || !isfinite(upper[k]) || !(lower[k] < upper[k])))
            return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: input %zu: box [%g, %g] is not an "
                               "interval", k, lower[k], upper[k]);
    if (N > SIZE_MAX / (3 * (d + 2) * sizeof(double)))
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: n_samples = %zu is too large", N);
    return BO_OK;
}

/* Base points A then B (2N rows of d), from seed: a continuous input
 * uniform on its box; a categorical input with L levels takes each level
 * with probability 1/L (the uniform draw cut into L equal intervals, as
 * GP+ does), so the indices are those of the levels equally likely. */
static void base_points(const bo_gp *gp, size_t d, const double *lower, const double *upper,
                        size_t N, uint64_t seed, double *A)
{
    bo_rng rng;
    bo_rng_init_derived(&rng, seed, 0x736f626f6cULL, (uint64_t)d);
    for (size_t j = 0; j < 2 * N; j++)
        for (size_t k = 0; k < d; k++) {
            double u = bo_rng_uniform(&rng);
            size_t L = bo_gp_n_levels(gp, k);
            if (L > 0) {
                size_t level = (size_t)(u * (double)L);
                A[j * d + k] = (double)(level < L ? level : L - 1);
            } else {
                A[j * d + k] = lower[k] + (upper[k] - lower[k]) * u;
            }
        }
}

/* One set of function values: fA, fB (N each, centred in place on their
 * common mean) and fAB (d rows of N, A_B^(i) for row i, offset by the same
 * centre). Returns V, or 0 when the values are constant. */
static double indices_of(size_t d, size_t N, double *fA, const double *fAB, double *first,
                         double *total)
{
    double *fB = fA + N, centre = 0.0, V = 0.0;
    for (size_t j = 0; j < 2 * N; j++)
        centre += fA[j];
    centre /= (double)(2 * N);
    for (size_t j = 0; j < 2 * N; j++) {
        fA[j] -= centre;
        V += fA[j] * fA[j];
    }
    V /= (double)(2 * N);
    if (!(V > 0.0))
        return 0.0;
    for (size_t i = 0; i < d; i++) {
        double s1 = 0.0, s2 = 0.0;
        for (size_t j = 0; j < N; j++) {
            double g = fAB[i * N + j] - centre;
            s1 += fB[j] * (g - fA[j]);
            s2 += (fA[j] - g) * (fA[j] - g);
        }
        first[i] = s1 / (double)N / V;
        total[i] = s2 / (2.0 * (double)N) / V;
    }
    return V;
}

bo_status bo_gp_sobol(bo_gp *gp, size_t source, const double *lower, const double *upper,
                      size_t n_samples, uint64_t seed, double *first, double *total,
                      double *variance)
{
    gp->errmsg[0] = '\0';
    size_t d = gp->opt.dim, N = n_samples;
    bo_status st = check_args(gp, source, lower, upper, N);
    if (st != BO_OK)
        return st;
    double *A = malloc(3 * N * d * sizeof *A);
    double *f = malloc(3 * N * sizeof *f);
    if (!A || !f) {
        free(A);
        free(f);
        return bo_gpi_fail(gp, BO_ENOMEM, "gp sobol: out of memory for %zu samples", N);
    }
    double *B = A + N * d, *AB = B + N * d;
    base_points(gp, d, lower, upper, N, seed, A);
    /* f: m(A), m(B), then m(A_B^(i)) for one input at a time, so that the
     * memory stays 3 N values whatever d (indices_of, for the draws, takes
     * all d rows at once; these are its sums, one row at a time). */
    double *fA = f, *fAB = f + 2 * N;
    st = bo_gp_predict_block(gp, 2 * N, A, source, fA, NULL, NULL);
    if (st != BO_OK)
        goto done;
    double centre = 0.0, V = 0.0;
    for (size_t j = 0; j < 2 * N; j++)
        centre += f[j];
    centre /= (double)(2 * N);
    for (size_t j = 0; j < 2 * N; j++) {
        f[j] -= centre;
        V += f[j] * f[j];
    }
    V /= (double)(2 * N);
    if (variance)
        *variance = V;
    if (!(V > 0.0)) {
        st = bo_gpi_fail(gp, BO_ENUMERIC, "gp sobol: the posterior mean is constant on the "
                         "%zu samples: no index is defined", 2 * N);
        goto done;
    }
    double *fB = f + N;
    for (size_t i = 0; i < d; i++) {
        memcpy(AB, A, N * d * sizeof *AB);
        for (size_t j = 0; j < N; j++)
            AB[j * d + i] = B[j * d + i];
        st = bo_gp_predict_block(gp, N, AB, source, fAB, NULL, NULL);
        if (st != BO_OK)
            goto done;
        double s1 = 0.0, s2 = 0.0;
        for (size_t j = 0; j < N; j++) {
            double g = fAB[j] - centre;
            s1 += fB[j] * (g - fA[j]);
            s2 += (fA[j] - g) * (fA[j] - g);
        }
        first[i] = s1 / (double)N / V;
        total[i] = s2 / (2.0 * (double)N) / V;
    }
done:
    free(A);
    free(f);
    return st;
}

bo_status bo_gp_sobol_draws(bo_gp *gp, size_t source, const double *lower,
                            const double *upper, size_t n_samples, size_t n_draws,
                            uint64_t seed, double *first_mean, double *first_sd,
                            double *total_mean, double *total_sd)
{
    gp->errmsg[0] = '\0';
    size_t d = gp->opt.dim, N = n_samples;
    bo_status st = check_args(gp, source, lower, upper, N);
    if (st != BO_OK)
        return st;
    if (n_draws < 2)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: n_draws = %zu: need at least 2 for a "
                           "spread", n_draws);
    size_t m = N * (d + 2);
    if (m > 4000)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: %zu samples x (%zu inputs + 2) = %zu "
                           "points to draw jointly: at most 4000", N, d, m);
    double *X = malloc((m * d + n_draws * m + 2 * d) * sizeof *X);
    if (!X)
        return bo_gpi_fail(gp, BO_ENOMEM, "gp sobol: out of memory for %zu draws", n_draws);
    double *draws = X + m * d, *first = draws + n_draws * m, *total = first + d;
    base_points(gp, d, lower, upper, N, seed, X);
    const double *A = X, *B = X + N * d;
    for (size_t i = 0; i < d; i++) {
        double *AB = X + (2 + i) * N * d;
        memcpy(AB, A, N * d * sizeof *AB);
        for (size_t j = 0; j < N; j++)
            AB[j * d + i] = B[j * d + i];
    }
    /* Another stream than the base points', so the draws do not reuse them. */
    st = bo_gp_sample(gp, m, X, source, n_draws, seed ^ 0x64726177ULL, draws);
    if (st != BO_OK)
        goto done;
    for (size_t i = 0; i < d; i++)
        first_mean[i] = first_sd[i] = total_mean[i] = total_sd[i] = 0.0;
    for (size_t k = 0; k < n_draws; k++) {
        double *f = draws + k * m;
        if (!(indices_of(d, N, f, f + 2 * N, first, total) > 0.0)) {
            st = bo_gpi_fail(gp, BO_ENUMERIC, "gp sobol: posterior draw %zu is constant on "
                             "the samples: no index is defined", k);
            goto done;
        }
        /* Welford's running mean and sum of squares. */
        for (size_t i = 0; i < d; i++) {
            double kk = (double)(k + 1), e1 = first[i] - first_mean[i],
                   e2 = total[i] - total_mean[i];
            first_mean[i] += e1 / kk;
            total_mean[i] += e2 / kk;
            first_sd[i] += e1 * (first[i] - first_mean[i]);
            total_sd[i] += e2 * (total[i] - total_mean[i]);
        }
    }
    for (size_t i = 0; i < d; i++) {
        first_sd[i] = sqrt(first_sd[i] / (double)(n_draws - 1));
        total_sd[i] = sqrt(total_sd[i] / (double)(n_draws - 1));
    }
done:
    free(X);
    return st;
}
