/* Sobol indices of the posterior mean by the A / B / A_B^(i) scheme
 * (Saltelli et al. 2010, "Variance based sensitivity analysis of model
 * output", estimators (b) of their table 2 for first order and (f), Jansen's,
 * for total). The mean is predicted in blocks; every value is centred on
 * the mean over A and B first, which leaves the estimators unchanged in
 * expectation and keeps their sums from cancelling large offsets. */
#include "gp/gp_sensitivity.h"
#include "gp/gp_internal.h"
#include "gp/rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

bo_status bo_gp_sobol(bo_gp *gp, size_t source, const double *lower, const double *upper,
                      size_t n_samples, uint64_t seed, double *first, double *total,
                      double *variance)
{
    gp->errmsg[0] = '\0';
    size_t d = gp->opt.dim, N = n_samples;
    if (!gp->conditioned)
        return bo_gpi_fail(gp, BO_ESTATE, "gp sobol: the GP has no fitted data");
    if (N < 2)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: n_samples = %zu: need at least 2", N);
    if (source >= gp->opt.n_sources)
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: source %zu out of range (%zu sources)",
                           source, gp->opt.n_sources);
    for (size_t k = 0; k < d; k++)
        if (!isfinite(lower[k]) || !isfinite(upper[k]) || !(lower[k] < upper[k]))
            return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: input %zu: box [%g, %g] is not an "
                               "interval", k, lower[k], upper[k]);
    if (N > SIZE_MAX / (3 * (d + 1) * sizeof(double)))
        return bo_gpi_fail(gp, BO_EINVAL, "gp sobol: n_samples = %zu is too large", N);
    double *A = malloc(3 * N * d * sizeof *A);
    double *f = malloc(3 * N * sizeof *f);
    if (!A || !f) {
        free(A);
        free(f);
        return bo_gpi_fail(gp, BO_ENOMEM, "gp sobol: out of memory for %zu samples", N);
    }
    double *B = A + N * d, *AB = B + N * d;
    double *fA = f, *fB = f + N, *fAB = f + 2 * N;
    bo_rng rng;
    bo_rng_init_derived(&rng, seed, 0x736f626f6cULL, (uint64_t)d);
    for (size_t j = 0; j < 2 * N; j++)
        for (size_t k = 0; k < d; k++)
            A[j * d + k] = lower[k] + (upper[k] - lower[k]) * bo_rng_uniform(&rng);
    bo_status st = bo_gp_predict_block(gp, 2 * N, A, source, fA, NULL, NULL);
    if (st != BO_OK)
        goto done;
    double centre = 0.0;
    for (size_t j = 0; j < 2 * N; j++)
        centre += f[j];
    centre /= (double)(2 * N);
    double V = 0.0;
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
    for (size_t i = 0; i < d; i++) {
        memcpy(AB, A, N * d * sizeof *AB);
        for (size_t j = 0; j < N; j++)
            AB[j * d + i] = B[j * d + i];
        st = bo_gp_predict_block(gp, N, AB, source, fAB, NULL, NULL);
        if (st != BO_OK)
            goto done;
        double s1 = 0.0, st2 = 0.0;
        for (size_t j = 0; j < N; j++) {
            double g = fAB[j] - centre;
            s1 += fB[j] * (g - fA[j]);
            st2 += (fA[j] - g) * (fA[j] - g);
        }
        first[i] = s1 / (double)N / V;
        total[i] = st2 / (2.0 * (double)N) / V;
    }
done:
    free(A);
    free(f);
    return st;
}
