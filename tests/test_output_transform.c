/* The output transform (bo/engine/output_transform.h) and its use by the
 * engine: the Yeo-Johnson map against its closed forms, every derivative
 * against finite differences (the profile likelihood's with its Jacobian
 * term), the inverse, the fitted lambda against a grid search, and the
 * engine: the suggestion model holds transformed values while the final
 * model predicts in the observed units. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bo/engine/engine.h"
#include "bo/engine/output_transform.h"
#include "gp/rng.h"
#include "tests/check.h"

static const double us[] = {-7.5, -3.0, -1.0, -0.5, -1e-3, 0.0, 1e-3, 0.4, 1.0, 5.0, 40.0};
static const double lambdas[] = {-2.0, -0.7, -1e-7, 0.0, 1e-7, 0.3, 1.0,
                                 1.7,  2.0 - 1e-7, 2.0, 2.0 + 1e-7, 3.0};
#define N_U (sizeof us / sizeof us[0])
#define N_LAMBDA (sizeof lambdas / sizeof lambdas[0])

static void test_closed_forms(void)
{
    for (size_t i = 0; i < N_U; i++) {
        double u = us[i];
        CHECK_CLOSE(bo_yeo_johnson(u, 1.0), u, 1e-14, 1e-15);
        if (u >= 0.0) {
            CHECK_CLOSE(bo_yeo_johnson(u, 0.0), log1p(u), 1e-14, 1e-15);
            CHECK_CLOSE(bo_yeo_johnson(u, 0.5), 2.0 * (sqrt(u + 1.0) - 1.0), 1e-13, 1e-15);
            CHECK_CLOSE(bo_yeo_johnson(u, 2.0), ((u + 1.0) * (u + 1.0) - 1.0) / 2.0, 1e-13,
                        1e-15);
        } else {
            CHECK_CLOSE(bo_yeo_johnson(u, 2.0), -log1p(-u), 1e-14, 1e-15);
            CHECK_CLOSE(bo_yeo_johnson(u, 0.0), -((1.0 - u) * (1.0 - u) - 1.0) / 2.0, 1e-13,
                        1e-15);
            CHECK_CLOSE(bo_yeo_johnson(u, 3.0), -(1.0 - 1.0 / (1.0 - u)), 1e-13, 1e-15);
        }
    }
    /* Increasing in u for every lambda, and continuous in lambda where the
     * closed form hands over to its series. */
    for (size_t k = 0; k < N_LAMBDA; k++)
        for (size_t i = 1; i < N_U; i++)
            CHECK_MSG(bo_yeo_johnson(us[i], lambdas[k]) > bo_yeo_johnson(us[i - 1], lambdas[k]),
                      "lambda %g, u %g", lambdas[k], us[i]);
    for (size_t i = 0; i < N_U; i++) {
        for (double c = 0.0; c <= 2.0; c += 2.0) {
            double at = bo_yeo_johnson(us[i], c);
            double near_lo = bo_yeo_johnson(us[i], c - 2e-5),
                   near_hi = bo_yeo_johnson(us[i], c + 2e-5);
            CHECK_CLOSE(0.5 * (near_lo + near_hi), at, 1e-8, 1e-12);
        }
    }
}

static void test_derivatives(void)
{
    size_t bad = 0, n = 0;
    for (size_t k = 0; k < N_LAMBDA; k++) {
        double l = lambdas[k];
        for (size_t i = 0; i < N_U; i++) {
            double u = us[i];
            if (u == 0.0)
                continue; /* a branch point: each side's derivative differs in higher terms */
            double h = 1e-6 * fmax(1.0, fabs(u));
            if (fabs(u) < 2.0 * h)
                h = fabs(u) / 4.0;
            double fd_u = (bo_yeo_johnson(u + h, l) - bo_yeo_johnson(u - h, l)) / (2.0 * h);
            double an_u = bo_yeo_johnson_du(u, l);
            double hl = 1e-6;
            double fd_l = (bo_yeo_johnson(u, l + hl) - bo_yeo_johnson(u, l - hl)) / (2.0 * hl);
            double an_l = bo_yeo_johnson_dlambda(u, l);
            n += 2;
            if (!(fabs(fd_u - an_u) <= 1e-6 * fmax(1.0, fabs(an_u)))) {
                bad++;
                fprintf(stderr, "dz/du u %g lambda %g: %.10g vs fd %.10g\n", u, l, an_u, fd_u);
            }
            if (!(fabs(fd_l - an_l) <= 1e-5 * fmax(1.0, fabs(an_l)))) {
                bad++;
                fprintf(stderr, "dz/dlambda u %g lambda %g: %.10g vs fd %.10g\n", u, l, an_l,
                        fd_l);
            }
        }
    }
    CHECK_MSG(bad == 0, "%zu of %zu derivatives differ from finite differences", bad, n);
}

static void test_inverse(void)
{
    for (size_t k = 0; k < N_LAMBDA; k++)
        for (size_t i = 0; i < N_U; i++) {
            double z = bo_yeo_johnson(us[i], lambdas[k]);
            CHECK_CLOSE(bo_yeo_johnson_inverse(z, lambdas[k]), us[i], 1e-10, 1e-12);
        }
    /* The whole map: standardisation and power, in user units. */
    bo_output_transform t = {.active = 1, .shift = 250.0, .scale = 80.0, .lambda = -0.4};
    for (double y = -300.0; y <= 5000.0; y += 97.0) {
        double z = bo_output_transform_apply(&t, y);
        CHECK_CLOSE(bo_output_transform_inverse(&t, z), y, 1e-11, 1e-9);
        double h = 1e-4 * fmax(1.0, fabs(y));
        double fd = (bo_output_transform_apply(&t, y + h) - bo_output_transform_apply(&t, y - h)) /
                    (2.0 * h);
        CHECK_CLOSE(bo_output_transform_dy(&t, y), fd, 1e-6, 1e-12);
    }
    bo_output_transform off = {0};
    CHECK(bo_output_transform_apply(&off, 3.5) == 3.5 && bo_output_transform_dy(&off, 3.5) == 1.0 &&
          bo_output_transform_inverse(&off, 3.5) == 3.5);
}

/* n values of a heavy right tail, as a quartic's corners give: exp of a
 * normal draw cubed. */
static void skewed_sample(double *y, size_t n, uint64_t seed)
{
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        double g = bo_rng_normal(&rng);
        y[i] = 10.0 + 3.0 * exp(1.5 * g);
    }
}

static void test_likelihood_and_fit(void)
{
    enum { N = 60 };
    double y[N], u[N];
    skewed_sample(y, N, 11);
    bo_output_transform t;
    CHECK(bo_output_transform_fit(&t, y, N) == 1 && t.active);
    for (size_t i = 0; i < N; i++)
        u[i] = (y[i] - t.shift) / t.scale;
    /* The likelihood's gradient, Jacobian term included, by central
     * differences over the whole lambda range. */
    for (double l = -1.9; l <= 2.9; l += 0.35) {
        double g, gp, gm, h = 1e-6;
        bo_yeo_johnson_loglik(u, N, l, &g);
        double lp = bo_yeo_johnson_loglik(u, N, l + h, &gp);
        double lm = bo_yeo_johnson_loglik(u, N, l - h, &gm);
        CHECK_CLOSE(g, (lp - lm) / (2.0 * h), 1e-5, 1e-6);
    }
    /* The fitted lambda is the best of a fine grid (an independent search),
     * and compresses the right tail (lambda < 1). */
    double best = -INFINITY, best_l = NAN;
    for (double l = BO_OUTPUT_TRANSFORM_LAMBDA_MIN; l <= BO_OUTPUT_TRANSFORM_LAMBDA_MAX;
         l += 1e-3) {
        double v = bo_yeo_johnson_loglik(u, N, l, NULL);
        if (v > best) {
            best = v;
            best_l = l;
        }
    }
    CHECK_MSG(fabs(t.lambda - best_l) < 2e-3, "fit %g grid %g", t.lambda, best_l);
    CHECK(bo_yeo_johnson_loglik(u, N, t.lambda, NULL) >= best - 1e-9);
    CHECK(t.lambda < 1.0);
    /* Normal data need no transform: lambda near 1. */
    enum { M = 4000 };
    double *w = malloc(M * sizeof *w);
    bo_rng rng;
    bo_rng_init(&rng, 5);
    for (size_t i = 0; i < M && w; i++)
        w[i] = 3.0 + 2.0 * bo_rng_normal(&rng);
    CHECK(w && bo_output_transform_fit(&t, w, M) == 1);
    CHECK_MSG(fabs(t.lambda - 1.0) < 0.15, "lambda %g", t.lambda);
    free(w);
    /* Nothing to fit: too few, equal or non-finite values. */
    double two[2] = {1.0, 2.0}, same[4] = {5.0, 5.0, 5.0, 5.0}, bad[3] = {1.0, NAN, 2.0};
    CHECK(bo_output_transform_fit(&t, two, 2) == 0 && !t.active);
    CHECK(bo_output_transform_fit(&t, same, 4) == 0 && !t.active);
    CHECK(bo_output_transform_fit(&t, bad, 3) == 0 && !t.active);
    CHECK(bo_yeo_johnson_loglik(same, 1, 1.0, NULL) == -INFINITY);
}

/* A 2-D bowl with a quartic rim: values span four orders of magnitude. */
static double quartic_bowl(const double *x)
{
    double a = 10.0 * (x[0] - 0.3), b = 10.0 * (x[1] - 0.6);
    return a * a + b * b + 0.05 * (a * a * a * a + b * b * b * b);
}

static bo_engine *engine_with_points(bo_engine_output_transform tf, size_t n)
{
    bo_engine_options o;
    bo_engine_options_default(&o, 2);
    o.output_transform = tf;
    o.seed = 3;
    size_t design_size = 8;
    o.initial = &design_size;
    bo_engine *e = bo_engine_create(&o, NULL, 0);
    if (!e)
        return NULL;
    bo_rng rng;
    bo_rng_init(&rng, 17);
    /* The initial design first (it is what the engine hands out), then
     * random points. */
    for (size_t i = 0; i < n; i++) {
        double x[2] = {bo_rng_uniform(&rng), bo_rng_uniform(&rng)};
        int initial = bo_engine_initial_remaining(e) > 0;
        bo_suggestion s;
        if (initial && bo_engine_suggest(e, x, &s) != BO_OK) {
            bo_engine_destroy(e);
            return NULL;
        }
        if (bo_engine_observe(e, x, 0, quartic_bowl(x), 1, initial) != BO_OK) {
            fprintf(stderr, "%s\n", bo_engine_errmsg(e));
            bo_engine_destroy(e);
            return NULL;
        }
    }
    return e;
}

static void test_engine(void)
{
    enum { N = 30 };
    bo_engine *e = engine_with_points(BO_OUTPUT_TRANSFORM_AUTO, N);
    bo_engine *plain = engine_with_points(BO_OUTPUT_TRANSFORM_NONE, N);
    CHECK(e && plain);
    if (!e || !plain) {
        bo_engine_destroy(e);
        bo_engine_destroy(plain);
        return;
    }
    double x[2], xp[2];
    bo_suggestion s, sp;
    CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
    CHECK(bo_engine_suggest(plain, xp, &sp) == BO_OK);
    CHECK(!bo_engine_output_map(plain).active);
    /* On these values the likelihood with the Jacobian prefers the map. */
    bo_output_transform tf = bo_engine_output_map(e);
    CHECK_MSG(tf.active && tf.lambda < 1.0, "active %d lambda %g", tf.active, tf.lambda);
    /* The suggestion model holds transformed values: its means at the
     * observations are T(y), and its marginal likelihood plus the Jacobian
     * beats the plain model's (the rule that chose it). */
    double jac = 0.0, z_lo = INFINITY, z_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
    for (size_t i = 0; i < N; i++) {
        double xi[2], yi;
        size_t src;
        int ok;
        bo_engine_observation(e, i, xi, &src, &yi, &ok);
        double z = bo_output_transform_apply(&tf, yi);
        z_lo = fmin(z_lo, z), z_hi = fmax(z_hi, z);
        y_lo = fmin(y_lo, yi), y_hi = fmax(y_hi, yi);
    }
    double z_spread = z_hi - z_lo, y_spread = y_hi - y_lo;
    size_t n_checked = 0;
    for (size_t i = 0; i < N; i++) {
        double xi[2], yi;
        size_t src;
        int ok;
        if (bo_engine_observation(e, i, xi, &src, &yi, &ok) != 0)
            continue;
        double mean;
        /* The engine's model is a mutable object handed out read-only;
         * predicting only fills its scratch space. */
        CHECK(bo_gp_predict((bo_gp *)bo_engine_model(e), xi, 0, &mean, NULL, NULL) == BO_OK);
        double z = bo_output_transform_apply(&tf, yi);
        CHECK_CLOSE(mean, z, 0, 0.02 * z_spread);
        jac += log(bo_output_transform_dy(&tf, yi));
        n_checked++;
    }
    CHECK(n_checked == N);
    CHECK(bo_gp_log_marginal_likelihood(bo_engine_model(e)) + jac >
          bo_gp_log_marginal_likelihood(bo_engine_model(plain)));
    /* The final model is of the observed values: its predictions are in
     * the user's units, whatever the suggestions used. */
    bo_gp *final = bo_engine_fit_final(e);
    CHECK(final != NULL && !bo_engine_output_map(e).active);
    for (size_t i = 0; final && i < N; i++) {
        double xi[2], yi, mean;
        size_t src;
        int ok;
        bo_engine_observation(e, i, xi, &src, &yi, &ok);
        CHECK(bo_gp_predict(final, xi, 0, &mean, NULL, NULL) == BO_OK);
        CHECK_CLOSE(mean, yi, 0, 0.02 * y_spread);
    }
    /* And the next suggestion chooses the map again from the data: the
     * same lambda, which depends on the observations only (its point may
     * differ: the final fit moved the hyperparameters' warm start). */
    double x2[2];
    CHECK(bo_engine_suggest(e, x2, &s) == BO_OK);
    bo_output_transform again = bo_engine_output_map(e);
    CHECK(again.active && again.lambda == tf.lambda && again.shift == tf.shift);
    CHECK(x2[0] >= 0.0 && x2[0] <= 1.0 && x2[1] >= 0.0 && x2[1] <= 1.0);
    bo_engine_destroy(e);
    bo_engine_destroy(plain);
}

int main(void)
{
    test_closed_forms();
    test_derivatives();
    test_inverse();
    test_likelihood_and_fit();
    test_engine();
    return CHECK_DONE();
}
