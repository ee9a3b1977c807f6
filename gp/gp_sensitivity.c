/* Sobol indices of the posterior mean by the A / B / A_B^(i) scheme
 * (Saltelli et al. 2010, "Variance based sensitivity analysis of model
 * output": their first-order estimator and Jansen's for the total), for
 * any function given as a callback; the GP's posterior mean is one such
 * function, predicted in blocks. Every value is centred on the mean over
 * A and B first, which leaves the estimators unchanged in
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
static void base_points(const size_t *n_levels, size_t d, const double *lower,
                        const double *upper, size_t N, uint64_t seed, double *A)
{
    bo_rng rng;
    bo_rng_init_derived(&rng, seed, 0x736f626f6cULL, (uint64_t)d);
    for (size_t j = 0; j < 2 * N; j++)
        for (size_t k = 0; k < d; k++) {
            double u = bo_rng_uniform(&rng);
            size_t L = n_levels ? n_levels[k] : 0;
            if (L > 0) {
                size_t level = (size_t)(u * (double)L);
                A[j * d + k] = (double)(level < L ? level : L - 1);
            } else {
                A[j * d + k] = lower[k] + (upper[k] - lower[k]) * u;
            }
        }
}

/* Centres the 2N values of A and B on their mean in place; returns V, their
 * variance (0 when constant), and the centre in *centre. */
static double centre_values(size_t N, double *fAB, double *centre)
{
    double c = 0.0, V = 0.0;
    for (size_t j = 0; j < 2 * N; j++)
        c += fAB[j];
    c /= (double)(2 * N);
    for (size_t j = 0; j < 2 * N; j++) {
        fAB[j] -= c;
        V += fAB[j] * fAB[j];
    }
    *centre = c;
    return V / (double)(2 * N);
}

/* The two estimators for one input, from the centred fA, fB and the
 * uncentred values g at A_B^(i) (offset by the same centre here). */
static void index_of(size_t N, const double *fA, const double *fB, const double *g,
                     double centre, double V, double *first, double *total)
{
    double s1 = 0.0, s2 = 0.0;
    for (size_t j = 0; j < N; j++) {
        double gj = g[j] - centre;
        s1 += fB[j] * (gj - fA[j]);
        s2 += (fA[j] - gj) * (fA[j] - gj);
    }
    *first = s1 / (double)N / V;
    *total = s2 / (2.0 * (double)N) / V;
}

/* One set of function values: fA, fB (N each, centred in place on their
 * common mean) and fAB (d rows of N, A_B^(i) for row i). Returns V, or 0
 * when the values are constant. */
static double indices_of(size_t d, size_t N, double *fA, const double *fAB, double *first,
                         double *total)
{
    double centre, V = centre_values(N, fA, &centre);
    if (!(V > 0.0))
        return 0.0;
    for (size_t i = 0; i < d; i++)
        index_of(N, fA, fA + N, fAB + i * N, centre, V, first + i, total + i);
    return V;
}

bo_status bo_gp_sobol_estimate(size_t dim, const size_t *n_levels, const double *lower,
                               const double *upper, size_t n_samples, uint64_t seed,
                               bo_gp_sobol_function f, void *context, double *first,
                               double *total, double *variance)
{
    size_t d = dim, N = n_samples;
    if (variance)
        *variance = 0.0;
    if (d == 0 || N < 2 || N > SIZE_MAX / (3 * (d + 2) * sizeof(double)))
        return BO_EINVAL;
    for (size_t k = 0; k < d; k++)
        if ((n_levels == NULL || n_levels[k] == 0)
            && (!isfinite(lower[k]) || !isfinite(upper[k]) || !(lower[k] < upper[k])))
            return BO_EINVAL;
    double *A = malloc(3 * N * d * sizeof *A);
    double *fv = malloc(3 * N * sizeof *fv);
    bo_status st = BO_OK;
    if (!A || !fv) {
        st = BO_ENOMEM;
        goto done;
    }
    double *B = A + N * d, *AB = B + N * d;
    base_points(n_levels, d, lower, upper, N, seed, A);
    /* fv: f(A), f(B), then f(A_B^(i)) for one input at a time, so that the
     * memory stays 3 N values whatever d (indices_of, for the draws, takes
     * all d rows at once; these are its sums, one row at a time). */
    double *fA = fv, *fB = fv + N, *fAB = fv + 2 * N;
    st = f(context, 2 * N, A, fA);
    if (st != BO_OK)
        goto done;
    double centre, V = centre_values(N, fA, &centre);
    if (variance)
        *variance = V;
    if (!(V > 0.0)) {
        st = BO_ENUMERIC;
        goto done;
    }
    for (size_t i = 0; i < d; i++) {
        memcpy(AB, A, N * d * sizeof *AB);
        for (size_t j = 0; j < N; j++)
            AB[j * d + i] = B[j * d + i];
        st = f(context, N, AB, fAB);
        if (st != BO_OK)
            goto done;
        index_of(N, fA, fB, fAB, centre, V, first + i, total + i);
    }
done:
    free(A);
    free(fv);
    return st;
}

/* bo_gp_sobol's function: the posterior mean of one source. The GP keeps
 * the message of a failed prediction; the flag tells it from the
 * estimator's own failures. */
typedef struct {
    bo_gp *gp;
    size_t source;
    int predict_failed;
} mean_context;

static bo_status predict_mean(void *context, size_t n, const double *x, double *y)
{
    mean_context *c = context;
    bo_status st = bo_gp_predict_block(c->gp, n, x, c->source, y, NULL, NULL);
    c->predict_failed = st != BO_OK;
    return st;
}

bo_status bo_gp_sobol(bo_gp *gp, size_t source, const double *lower, const double *upper,
                      size_t n_samples, uint64_t seed, double *first, double *total,
                      double *variance)
{
    gp->errmsg[0] = '\0';
    size_t N = n_samples;
    bo_status st = check_args(gp, source, lower, upper, N);
    if (st != BO_OK)
        return st;
    mean_context c = {gp, source, 0};
    st = bo_gp_sobol_estimate(gp->opt.dim, gp->levels, lower, upper, N, seed, predict_mean, &c,
                              first, total, variance);
    if (st == BO_OK || c.predict_failed)
        return st;
    if (st == BO_ENUMERIC)
        return bo_gpi_fail(gp, BO_ENUMERIC, "gp sobol: the posterior mean is constant on the "
                           "%zu samples: no index is defined", 2 * N);
    /* check_args has refused every BO_EINVAL the estimate could return. */
    return bo_gpi_fail(gp, st, "gp sobol: out of memory for %zu samples", N);
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
    base_points(gp->levels, d, lower, upper, N, seed, X);
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

bo_status bo_gp_level_distance(bo_gp *gp, size_t input, double *mean_distance)
{
    gp->errmsg[0] = '\0';
    size_t d = gp->opt.dim;
    if (input >= d)
        return bo_gpi_fail(gp, BO_EINVAL, "gp level distance: input %zu out of range (%zu "
                           "inputs)", input, d);
    size_t L = bo_gp_n_levels(gp, input);
    if (L == 0)
        return bo_gpi_fail(gp, BO_EINVAL, "gp level distance: input %zu is continuous (it has "
                           "a length-scale, not a latent map)", input);
    if (gp->opt.latent_mode == BO_LATENT_SHARED)
        return bo_gpi_fail(gp, BO_EINVAL, "gp level distance: input %zu: the categorical "
                           "inputs share one latent map, whose points are combinations of "
                           "levels: no distance belongs to one input", input);
    size_t map = 0;
    while (bo_gp_latent_map_input(gp, map) != input)
        map++;
    double sum = 0.0;
    for (size_t p = 0; p < L; p++)
        for (size_t q = p + 1; q < L; q++) {
            double zp[2], zq[2];
            bo_gp_level_latent(gp, map, p, zp);
            bo_gp_level_latent(gp, map, q, zq);
            sum += hypot(zp[0] - zq[0], zp[1] - zq[1]);
        }
    *mean_distance = L > 1 ? sum / (0.5 * (double)L * (double)(L - 1)) : 0.0;
    return BO_OK;
}
