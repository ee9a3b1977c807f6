/* Output constraints in the acquisition and the engine: log P(lower <= c <=
 * upper) against the normal distribution computed from erfc, with its
 * partials by finite differences; the constrained acquisition (EI, log-EI,
 * a negative UCB, and P(feasible) alone before a feasible point) against
 * the product computed here from the GPs' own predictions, its gradient by
 * finite differences, block and point scoring agreeing; and the engine on
 * Gardner et al.'s (2014) toy problem: the incumbent is the best feasible
 * point, P(feasible) drives the search until one exists, pending points get
 * believer points on the constraint GPs too, bad bounds are refused. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/acquisition.h"
#include "bo/engine/engine.h"
#include "gp/gp.h"
#include "gp/gpc.h"
#include "gp/rng.h"
#include "tests/check.h"

/* Acquisition options of the given kind weighted by two constraints, each
 * with its GP and its bounds. */
static void two_constraints(bo_acq_options *ao, bo_acq_kind kind, bo_gp *const *cg,
                            const double *lower, const double *upper)
{
    bo_acq_options_default(ao);
    ao->kind = kind;
    ao->n_constraints = 2;
    ao->constraint_gp = cg;
    ao->constraint_lower = lower;
    ao->constraint_upper = upper;
}

static double normal_cdf_ref(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

static void test_log_prob_within(void)
{
    struct { double mu, s, lo, up; } c[] = {
        {0.0, 1.0, -HUGE_VAL, 0.5},  {0.3, 2.0, -1.0, HUGE_VAL}, {0.0, 1.0, -1.0, 2.0},
        {5.0, 0.5, -1.0, 2.0},       {-4.0, 0.7, -1.0, 2.0},     {0.0, 1.0, -HUGE_VAL, -30.0},
        {0.0, 1.0, 30.0, HUGE_VAL},  {0.0, 1.0, 20.0, 21.0},     {1.0, 1e-3, 0.0, 2.0},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        double dmu, ds;
        double lp = bo_acq_log_prob_within(c[k].mu, c[k].s, c[k].lo, c[k].up, &dmu, &ds);
        /* The reference: Phi(b) - Phi(a), from the tail that keeps digits. */
        double a = (c[k].lo - c[k].mu) / c[k].s, b = (c[k].up - c[k].mu) / c[k].s;
        double p = a > 0.0 ? normal_cdf_ref(-a) - normal_cdf_ref(-b)
                           : normal_cdf_ref(b) - normal_cdf_ref(a);
        CHECK_CLOSE(lp, log(p), 1e-9, 1e-12);
        double h = 1e-6 * c[k].s;
        double up = bo_acq_log_prob_within(c[k].mu + h, c[k].s, c[k].lo, c[k].up, NULL, NULL);
        double dn = bo_acq_log_prob_within(c[k].mu - h, c[k].s, c[k].lo, c[k].up, NULL, NULL);
        CHECK_CLOSE(dmu, (up - dn) / (2 * h), 1e-5, 1e-6);
        up = bo_acq_log_prob_within(c[k].mu, c[k].s + h, c[k].lo, c[k].up, NULL, NULL);
        dn = bo_acq_log_prob_within(c[k].mu, c[k].s - h, c[k].lo, c[k].up, NULL, NULL);
        CHECK_CLOSE(ds, (up - dn) / (2 * h), 1e-5, 1e-6);
    }
    /* Far past what a double holds: floored, not -inf or NaN. */
    double dmu, ds;
    double lp = bo_acq_log_prob_within(0.0, 1e-150, 1e10, HUGE_VAL, &dmu, &ds);
    CHECK(isfinite(lp) && lp <= -1e299 && dmu == 0.0 && ds == 0.0);
}

/* Gardner et al. (2014), on the unit square mapped to [0,6]^2:
 * minimise cos(2 x1) cos(x2) + sin(x1) s.t. cos(x1) cos(x2) - sin(x1) sin(x2) <= 0.5. */
static double gardner_f(const double *u)
{
    double x1 = 6.0 * u[0], x2 = 6.0 * u[1];
    return cos(2.0 * x1) * cos(x2) + sin(x1);
}
static double gardner_c(const double *u)
{
    double x1 = 6.0 * u[0], x2 = 6.0 * u[1];
    return cos(x1) * cos(x2) - sin(x1) * sin(x2);
}

static bo_gp *fit_on(size_t n, const double *X, const double *y, uint64_t seed)
{
    bo_gp_options go;
    bo_gp_options_default(&go, 2);
    go.seed = seed;
    bo_gp *gp = bo_gp_create(&go, NULL, 0);
    CHECK(gp != NULL);
    CHECK(bo_gp_set_data(gp, n, X, NULL, y, NULL) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    return gp;
}

static void test_constrained_acquisition(void)
{
    enum { N = 16 };
    double X[2 * N], y[N], c1[N], c2[N];
    bo_rng rng;
    bo_rng_init(&rng, 11);
    for (size_t i = 0; i < N; i++) {
        X[2 * i] = bo_rng_uniform(&rng);
        X[2 * i + 1] = bo_rng_uniform(&rng);
        y[i] = gardner_f(X + 2 * i);
        c1[i] = gardner_c(X + 2 * i);
        /* a second, two-sided constraint: a ring */
        c2[i] = (X[2 * i] - 0.5) * (X[2 * i] - 0.5) + (X[2 * i + 1] - 0.4) * (X[2 * i + 1] - 0.4);
    }
    /* The ring's GP on 7 points only: on all 16 its variance is ~1e-5, where
     * the GP's own variance gradient carries roundoff of 1e-2 relative. */
    bo_gp *gp = fit_on(N, X, y, 1), *cg[2] = {fit_on(N, X, c1, 2), fit_on(7, X, c2, 3)};
    double lower[2] = {-HUGE_VAL, 0.02}, upper[2] = {0.5, 0.15};
    bo_acq_kind kinds[] = {BO_ACQ_EI, BO_ACQ_LOGEI, BO_ACQ_UCB, BO_ACQ_PI};
    for (int nf = 0; nf <= 1; nf++)
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            bo_acq_options ao;
            two_constraints(&ao, kinds[k], cg, lower, upper);
            ao.no_feasible = nf;
            bo_acq_options plain = ao;
            plain.n_constraints = 0;
            double best = -0.2;
            bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, best, 8, NULL, 0);
            bo_acq_evaluator *ev0 = bo_acq_evaluator_create(&plain, gp, best, 8, NULL, 0);
            CHECK(ev && ev0);
            double P[8], block[8];
            for (size_t i = 0; i < 8; i++) {
                P[i] = bo_rng_uniform(&rng);
                P[i] = fmin(0.99, fmax(0.01, P[i]));
            }
            double pts[16];
            for (size_t i = 0; i < 16; i++)
                pts[i] = 0.05 + 0.9 * bo_rng_uniform(&rng);
            CHECK(bo_acq_evaluate_block(ev, 8, pts, block) == BO_OK);
            for (size_t i = 0; i < 8; i++) {
                const double *x = pts + 2 * i;
                /* The product from the GPs' own predictions. */
                double pf = 1.0;
                for (size_t j = 0; j < 2; j++) {
                    double m, v;
                    CHECK(bo_gp_predict(cg[j], x, 0, &m, &v, NULL) == BO_OK);
                    double s = sqrt(v);
                    pf *= normal_cdf_ref((upper[j] - m) / s) -
                          (lower[j] > -HUGE_VAL ? normal_cdf_ref((lower[j] - m) / s) : 0.0);
                }
                double a, v;
                CHECK(bo_acq_evaluate(ev0, x, &a, NULL) == BO_OK);
                double want;
                if (nf)
                    want = kinds[k] == BO_ACQ_LOGEI ? log(pf) : pf;
                else if (kinds[k] == BO_ACQ_LOGEI)
                    want = a + log(pf);
                else
                    want = a >= 0.0 ? a * pf : a / pf;
                double g[2];
                CHECK(bo_acq_evaluate(ev, x, &v, g) == BO_OK);
                CHECK_CLOSE(v, want, 1e-8, 1e-300);
                CHECK_CLOSE(block[i], v, log(pf) > -20.0 ? 1e-6 : 1e-4, 1e-300);
                /* Far below the incumbent log-EI is -z^2/2 with z in the
                 * thousands, next to a data point: its own gradient is
                 * tested in test_acq_functions; here the constraint part. */
                if (kinds[k] == BO_ACQ_LOGEI && !nf && a < -30.0)
                    continue;
                for (size_t j = 0; j < 2; j++) {
                    /* Central differences, Richardson-extrapolated. */
                    double fdh[2];
                    for (int r = 0; r < 2; r++) {
                        double h = r ? 1e-6 : 2e-6, xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]};
                        double vp, vm;
                        xp[j] += h;
                        xm[j] -= h;
                        CHECK(bo_acq_evaluate(ev, xp, &vp, NULL) == BO_OK);
                        CHECK(bo_acq_evaluate(ev, xm, &vm, NULL) == BO_OK);
                        fdh[r] = (vp - vm) / (2 * h);
                    }
                    double fd = (4.0 * fdh[1] - fdh[0]) / 3.0;
                    /* Deep in a constraint's tail (P below e^-20) log P is
                     * -b^2/2 with b in the tens: the roundoff of the GP's
                     * variance gradient at a small variance is amplified
                     * by b^2, so the bar is looser there. */
                    double tol = log(pf) > -20.0 ? 1e-4 : 3e-3;
                    CHECK_MSG(fabs(g[j] - fd) <= tol * fmax(1.0, fabs(fd)) + 1e-7 * fabs(v),
                              "kind %d no_feasible %d point %zu: grad %g, fd %g", (int)kinds[k],
                              nf, i, g[j], fd);
                }
            }
            bo_acq_evaluator_destroy(ev);
            bo_acq_evaluator_destroy(ev0);
        }
    /* With the failure model on top: a P(feasible) P(success) for EI and
     * PI, a + log P(feasible) + log P(success) for log-EI, gradient
     * included. The classifier: success left of x1 = 0.7. */
    {
        enum { M = 30 };
        double C[2 * M];
        int ok[M];
        for (size_t i = 0; i < M; i++) {
            C[2 * i] = bo_rng_uniform(&rng);
            C[2 * i + 1] = bo_rng_uniform(&rng);
            ok[i] = C[2 * i] < 0.7;
        }
        bo_gpc_options co;
        bo_gpc_options_default(&co, 2);
        bo_gpc *gpc = bo_gpc_create(&co, NULL, 0);
        CHECK(gpc && bo_gpc_set_data(gpc, M, C, ok) == BO_OK && bo_gpc_fit(gpc) == BO_OK);
        bo_acq_kind both[] = {BO_ACQ_EI, BO_ACQ_LOGEI, BO_ACQ_PI};
        for (size_t k = 0; gpc && k < 3; k++) {
            bo_acq_options ao;
            two_constraints(&ao, both[k], cg, lower, upper);
            bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, -0.2, 4, NULL, 0);
            CHECK(ev != NULL);
            for (int t = 0; ev && t < 4; t++) {
                double x[2] = {0.1 + 0.8 * bo_rng_uniform(&rng), 0.1 + 0.8 * bo_rng_uniform(&rng)};
                double a, v, g[2], ps, block;
                CHECK(bo_acq_evaluate(ev, x, &a, NULL) == BO_OK);
                CHECK(bo_acq_evaluate_weighted(ev, gpc, x, &v, g) == BO_OK);
                CHECK(bo_acq_evaluate_block_weighted(ev, gpc, 1, x, &block) == BO_OK);
                CHECK(bo_gpc_predict(gpc, x, &ps, NULL, NULL) == BO_OK);
                CHECK_CLOSE(v, both[k] == BO_ACQ_LOGEI ? a + log(ps) : a * ps, 1e-10, 1e-300);
                CHECK_CLOSE(block, v, 1e-6, 1e-300);
                for (size_t j = 0; j < 2; j++) {
                    double h = 1e-6, xp[2] = {x[0], x[1]}, xm[2] = {x[0], x[1]}, vp, vm;
                    xp[j] += h;
                    xm[j] -= h;
                    CHECK(bo_acq_evaluate_weighted(ev, gpc, xp, &vp, NULL) == BO_OK);
                    CHECK(bo_acq_evaluate_weighted(ev, gpc, xm, &vm, NULL) == BO_OK);
                    double fd = (vp - vm) / (2 * h);
                    CHECK_MSG(fabs(g[j] - fd) <= 1e-4 * fmax(1.0, fabs(fd)) + 1e-7 * fabs(v),
                              "with P(success), kind %d: grad %g, fd %g", (int)both[k], g[j], fd);
                }
            }
            bo_acq_evaluator_destroy(ev);
        }
        bo_gpc_destroy(gpc);
    }

    /* Bounds the wrong way round, or a missing GP: refused with a reason. */
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    double lo2[2] = {1.0, 0.0}, up2[2] = {1.0, 1.0};
    ao.n_constraints = 2;
    ao.constraint_gp = cg;
    ao.constraint_lower = lo2;
    ao.constraint_upper = up2;
    char err[256] = "";
    CHECK(bo_acq_evaluator_create(&ao, gp, 0.0, 4, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "constraint 0: bounds [1, 1] are not lower < upper"), "%s", err);
    bo_gp *none[2] = {cg[0], NULL};
    ao.constraint_gp = none;
    lo2[0] = -1.0;
    CHECK(bo_acq_evaluator_create(&ao, gp, 0.0, 4, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "constraint 1: GP missing"), "%s", err);
    bo_gp_destroy(gp);
    bo_gp_destroy(cg[0]);
    bo_gp_destroy(cg[1]);
}

static bo_engine *gardner_engine(uint64_t seed, double upper, size_t n_init)
{
    bo_engine_options eo;
    bo_engine_options_default(&eo, 2);
    size_t init[1] = {n_init};
    double lo[1] = {-HUGE_VAL}, up[1] = {upper};
    eo.initial = init;
    eo.n_constraints = 1;
    eo.constraint_lower = lo;
    eo.constraint_upper = up;
    eo.seed = seed;
    eo.acq_pool = 256;
    char err[256];
    bo_engine *e = bo_engine_create(&eo, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    return e;
}

static void test_engine(void)
{
    /* The optimum of the toy, by a dense grid (1201^2 points of [0,6]^2). */
    double fstar = HUGE_VAL;
    for (int i = 0; i <= 1200; i++)
        for (int j = 0; j <= 1200; j++) {
            double u[2] = {i / 1200.0, j / 1200.0};
            if (gardner_c(u) <= 0.5)
                fstar = fmin(fstar, gardner_f(u));
        }
    CHECK(fstar < -1.9 && fstar > -2.0);

    bo_engine *e = gardner_engine(4, 0.5, 10);
    double x[2], best_f = HUGE_VAL;
    bo_suggestion s;
    for (int k = 0; k < 40; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        double y = gardner_f(x), c = gardner_c(x);
        CHECK(bo_engine_observe_outputs(e, x, 0, y, 1, s.initial, &c) == BO_OK);
        if (c <= 0.5)
            best_f = fmin(best_f, y);
        /* The incumbent is the best feasible value, never an infeasible one. */
        double b, xb[2];
        int have = bo_engine_best(e, &b, xb);
        CHECK(have == (best_f < HUGE_VAL));
        if (have)
            CHECK(b == best_f && gardner_c(xb) <= 0.5);
        CHECK(bo_engine_feasible(e, (size_t)k) == (c <= 0.5));
    }
    /* 30 model-based steps get within 0.05 of the feasible optimum. */
    CHECK_MSG(best_f - fstar < 0.05, "best feasible %g, optimum %g", best_f, fstar);
    bo_engine_destroy(e);

    /* A constraint no initial point meets (c <= -0.95 holds on a thin band):
     * the suggestions maximise P(feasible) and say so, and find the band. */
    e = gardner_engine(5, -0.995, 6);
    int said = 0, found = 0;
    for (int k = 0; k < 30 && !found; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        if (!s.initial && s.reason && strstr(s.reason, "no feasible point yet"))
            said++;
        double c = gardner_c(x);
        CHECK(bo_engine_observe_outputs(e, x, 0, gardner_f(x), 1, s.initial, &c) == BO_OK);
        found = c <= -0.995;
    }
    CHECK(said > 0 && found);
    bo_engine_destroy(e);

    /* Pending points: the next suggestion conditions on them (believer on
     * the objective and the constraint) and never repeats one; the same
     * sequence gives the same points. */
    double first[2][2];
    for (int rep = 0; rep < 2; rep++) {
        e = gardner_engine(6, 0.5, 8);
        for (int k = 0; k < 12; k++) {
            CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
            double c = gardner_c(x);
            CHECK(bo_engine_observe_outputs(e, x, 0, gardner_f(x), 1, s.initial, &c) == BO_OK);
        }
        double a[2], b[2];
        CHECK(bo_engine_suggest(e, a, &s) == BO_OK);
        CHECK(bo_engine_add_pending(e, a, 0, 0) == BO_OK);
        CHECK(bo_engine_suggest(e, b, &s) == BO_OK);
        CHECK(a[0] != b[0] || a[1] != b[1]);
        if (rep == 0) {
            memcpy(first[0], a, sizeof a);
            memcpy(first[1], b, sizeof b);
        } else {
            CHECK(memcmp(first[0], a, sizeof a) == 0 && memcmp(first[1], b, sizeof b) == 0);
        }
        /* A failed evaluation or a missing output is not feasible. */
        double nan_out = NAN;
        size_t n = bo_engine_n_observations(e);
        CHECK(bo_engine_observe_outputs(e, a, 0, -5.0, 1, 0, &nan_out) == BO_OK);
        CHECK(!bo_engine_feasible(e, n));
        CHECK(bo_engine_observe_outputs(e, b, 0, NAN, 0, 0, NULL) == BO_OK);
        CHECK(!bo_engine_feasible(e, n + 1));
        double bv;
        CHECK(bo_engine_best(e, &bv, NULL) && bv > -5.0);
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        bo_engine_destroy(e);
    }

    /* MFCA on two sources with a constraint no initial point meets: until
     * one is feasible the target is evaluated (the constraint GP knows the
     * target's outputs only), then the run goes on with both sources. */
    {
        bo_engine_options eo;
        bo_engine_options_default(&eo, 2);
        size_t init[2] = {6, 6};
        double cost[2] = {10.0, 1.0}, lo[1] = {-HUGE_VAL}, up[1] = {-0.995};
        eo.n_sources = 2;
        eo.initial = init;
        eo.cost = cost;
        eo.acquisition = BO_ACQ_MFCA;
        eo.n_constraints = 1;
        eo.constraint_lower = lo;
        eo.constraint_upper = up;
        eo.seed = 5;
        eo.acq_pool = 256;
        char err[256];
        e = bo_engine_create(&eo, err, sizeof err);
        CHECK_MSG(e != NULL, "%s", err);
        int feasible_seen = 0, target_before = 1, steps = 0;
        for (int k = 0; e && k < 40; k++) {
            CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
            double c = gardner_c(x), y = gardner_f(x) + (s.source ? 0.3 : 0.0);
            if (!s.initial && !feasible_seen) {
                target_before &= s.source == 0;
                steps++;
            }
            CHECK(bo_engine_observe_outputs(e, x, s.source, y, 1, s.initial, &c) == BO_OK);
            feasible_seen |= s.source == 0 && c <= -0.995;
        }
        CHECK(feasible_seen && target_before && steps > 0);
        double bv;
        CHECK(bo_engine_best(e, &bv, x) && gardner_c(x) <= -0.995);
        bo_engine_destroy(e);
    }

    /* A constraint output that never changes (always met): its GP fits a
     * constant, P(feasible) is 1 and the search is the unconstrained one,
     * model-based throughout (no fallback notes). */
    e = gardner_engine(7, 0.5, 8);
    for (int k = 0; e && k < 20; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        CHECK_MSG(s.initial || (s.note == NULL && s.reason == NULL), "step %d: %s", k,
                  s.note ? s.note : s.reason);
        double c = 0.25;
        CHECK(bo_engine_observe_outputs(e, x, 0, gardner_f(x), 1, s.initial, &c) == BO_OK);
    }
    bo_engine_destroy(e);

    /* Bounds that hold nothing, or no bounds at all: refused. */
    bo_engine_options eo;
    bo_engine_options_default(&eo, 2);
    size_t init[1] = {4};
    double lo[1] = {2.0}, up[1] = {1.0};
    eo.initial = init;
    eo.n_constraints = 1;
    eo.constraint_lower = lo;
    eo.constraint_upper = up;
    char err[256] = "";
    CHECK(bo_engine_create(&eo, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "constraint 0 needs lower < upper"), "%s", err);
    eo.constraint_upper = NULL;
    CHECK(bo_engine_create(&eo, err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "1 constraints without bounds"), "%s", err);
}

int main(void)
{
    test_log_prob_within();
    test_constrained_acquisition();
    test_engine();
    return CHECK_DONE();
}
