/* Closed-form leave-one-out predictions (bo_gp_loo) against explicit
 * conditioning without each point in turn, with the same hyperparameters and
 * the same output standardisation: the held-out point is moved last, the
 * full set standardised and conditioned, then truncated away. */
#include "gp/gp.h"
#include "tests/check.h"

#include <stdlib.h>
#include <string.h>

enum { N = 14, D = 2 };

static void loo_matches_refits(bo_gp_noise noise, size_t n_sources)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, D);
    opt.noise = noise;
    opt.fixed_noise_var = 0.02;
    opt.n_sources = n_sources;
    opt.seed = 7;
    double lo[D] = {0.0, -2.0}, hi[D] = {1.0, 3.0};
    opt.lower = lo;
    opt.upper = hi;
    double X[N * D], y[N];
    size_t src[N];
    for (size_t i = 0; i < N; i++) {
        X[i * D] = (double)((i * 5) % N) / (N - 1);
        X[i * D + 1] = -2.0 + 5.0 * (double)((i * 3 + 1) % N) / N;
        src[i] = i % n_sources;
        y[i] = 40.0 + 9.0 * sin(5.0 * X[i * D]) + X[i * D + 1] * X[i * D + 1] +
               0.3 * cos(17.0 * (double)i) + 2.0 * (double)src[i];
    }
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    CHECK(bo_gp_set_data(gp, N, X, src, y, NULL) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    size_t nh = bo_gp_n_hyper(gp);
    double *theta = malloc(nh * sizeof *theta);
    bo_gp_get_hyper(gp, theta);
    double mu[N], v[N];
    CHECK(bo_gp_loo(gp, mu, v) == BO_OK);

    bo_gp *held = bo_gp_create(&opt, NULL, 0);
    for (size_t i = 0; i < N; i++) {
        double Xp[N * D], yp[N];
        size_t sp[N], m = 0;
        for (size_t j = 0; j < N; j++)
            if (j != i) {
                memcpy(Xp + m * D, X + j * D, D * sizeof *X);
                yp[m] = y[j];
                sp[m++] = src[j];
            }
        memcpy(Xp + m * D, X + i * D, D * sizeof *X);
        yp[m] = y[i];
        sp[m] = src[i];
        CHECK(bo_gp_set_data(held, N, Xp, sp, yp, NULL) == BO_OK);
        CHECK(bo_gp_set_hyper(held, theta) == BO_OK);
        CHECK(bo_gp_truncate(held, N - 1) == BO_OK);
        double mean, var_y;
        CHECK(bo_gp_predict(held, X + i * D, src[i], &mean, NULL, &var_y) == BO_OK);
        CHECK_CLOSE(mu[i], mean, 1e-8, 1e-8);
        CHECK_CLOSE(v[i], var_y, 1e-8, 1e-10);
    }
    bo_gp_destroy(held);
    free(theta);
    bo_gp_destroy(gp);
}

static void unconditioned_is_refused(void)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 1);
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    double mu[1];
    CHECK(bo_gp_loo(gp, mu, NULL) == BO_ESTATE);
    CHECK(strstr(bo_gp_errmsg(gp), "gp loo") != NULL);
    bo_gp_destroy(gp);
}

int main(void)
{
    loo_matches_refits(BO_NOISE_LEARN, 1);
    loo_matches_refits(BO_NOISE_FIXED, 1);
    loo_matches_refits(BO_NOISE_LEARN, 2);
    unconditioned_is_refused();
    return CHECK_DONE();
}
