/* The engine with evaluations in flight: pending points are handed out as
 * the design continues, conditioned on (kriging believer) so that no two
 * suggestions coincide whatever the acquisition, retired by observe,
 * withdrawn exactly, counted by explore_budget, and the fantasies leave no
 * trace once the points are gone. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bo/engine/engine.h"
#include "tests/check.h"

/* Hartmann-3-like smooth bumps on the unit cube (any smooth multimodal
 * function serves: the tests are about where points go, not the optimum). */
static double bumps(const double *u, size_t d)
{
    double v = 0.0;
    for (size_t j = 0; j < d; j++)
        v += sin(5.0 * u[j] + (double)j) * (1.0 + 0.3 * (double)j);
    return v + 2.0 * (u[0] - 0.3) * (u[0] - 0.3);
}

/* A biased cheap copy for the second source. */
static double bumps_source(const double *u, size_t d, size_t source)
{
    return bumps(u, d) + (source == 1 ? 0.4 * u[0] - 0.2 : 0.0);
}

static double dist2(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t j = 0; j < d; j++)
        s += (a[j] - b[j]) * (a[j] - b[j]);
    return s;
}

static bo_engine *make_engine(bo_acq_kind kind, size_t d, size_t n_sources, uint64_t seed)
{
    static const double costs[2] = {10.0, 1.0};
    static size_t initial[2];
    initial[0] = 6;
    initial[1] = 6;
    bo_engine_options opt;
    bo_engine_options_default(&opt, d);
    opt.n_sources = n_sources;
    opt.cost = n_sources > 1 ? costs : NULL;
    opt.initial = initial;
    opt.acquisition = kind;
    if (n_sources > 1) {
        opt.mean = BO_MEAN_PER_SOURCE;
        opt.noise = BO_NOISE_PER_SOURCE;
    }
    opt.seed = seed;
    char err[256] = "";
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    return e;
}

/* Runs the design and a few sequential steps so a model exists. */
static void warm_up(bo_engine *e, size_t d, size_t steps)
{
    double x[8];
    for (size_t k = 0; k < steps; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        CHECK(bo_engine_observe(e, x, s.source, bumps_source(x, d, s.source), 1, s.initial) ==
              BO_OK);
    }
}

/* Two engines alike but for the pending rule, e[0] with the plain
 * believer and e[1] with rule, both 12 steps past a 6-point design:
 * the same history, so any difference in what they suggest next is the
 * rule's. Returns -1 (after a failed check) when one cannot be made. */
static int make_pair(bo_engine *e[2], size_t d, uint64_t seed, bo_engine_pending rule)
{
    for (int r = 0; r < 2; r++) {
        static size_t initial[1] = {6};
        bo_engine_options opt;
        bo_engine_options_default(&opt, d);
        opt.initial = initial;
        opt.seed = seed;
        opt.pending = r ? rule : BO_PENDING_BELIEVER;
        char err[256] = "";
        e[r] = bo_engine_create(&opt, err, sizeof err);
        CHECK_MSG(e[r] != NULL, "%s", err);
        if (!e[r])
            return -1;
        warm_up(e[r], d, 12);
    }
    return 0;
}

/* K suggestions in a row, each registered as pending: none equals another
 * of the same source (the maximiser's duplicate test: 1e-6 of the box) nor
 * an observed point, for every acquisition. */
static void test_no_duplicates(void)
{
    static const struct {
        bo_acq_kind kind;
        size_t sources;
    } cases[] = {{BO_ACQ_EI, 1}, {BO_ACQ_LOGEI, 1}, {BO_ACQ_PI, 1}, {BO_ACQ_UCB, 1},
                 {BO_ACQ_MFCA, 2}};
    enum { K = 12, D = 3 };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bo_engine *e = make_engine(cases[c].kind, D, cases[c].sources, 40 + c);
        if (!e)
            continue;
        warm_up(e, D, 6 * cases[c].sources + 4);
        size_t n_obs = bo_engine_n_observations(e);
        double xs[K][D];
        size_t src[K];
        for (size_t k = 0; k < K; k++) {
            bo_suggestion s;
            CHECK(bo_engine_suggest(e, xs[k], &s) == BO_OK);
            CHECK_MSG(s.note == NULL, "case %zu, point %zu: fallback '%s'", c, k, s.note);
            src[k] = s.source;
            for (size_t i = 0; i < k; i++)
                if (src[i] == src[k])
                    CHECK_MSG(dist2(xs[i], xs[k], D) > 1e-12, "case %zu: points %zu and %zu "
                              "coincide (distance %g)", c, i, k, sqrt(dist2(xs[i], xs[k], D)));
            CHECK(bo_engine_n_suggested(e) == n_obs + k);
            CHECK(bo_engine_add_pending(e, xs[k], s.source, 0) == BO_OK);
        }
        CHECK(bo_engine_n_pending(e) == K);
        CHECK(bo_engine_n_observations(e) == n_obs);
        bo_engine_destroy(e);
    }
}

/* Observe retires the matching pending point only; remove_pending
 * withdraws one and refuses what is not pending. */
static void test_retire_and_remove(void)
{
    enum { D = 2 };
    bo_engine *e = make_engine(BO_ACQ_EI, D, 1, 7);
    if (!e)
        return;
    warm_up(e, D, 8);
    double a[D], b[D], c[D];
    bo_suggestion s;
    CHECK(bo_engine_suggest(e, a, &s) == BO_OK && bo_engine_add_pending(e, a, 0, 0) == BO_OK);
    CHECK(bo_engine_suggest(e, b, &s) == BO_OK && bo_engine_add_pending(e, b, 0, 0) == BO_OK);
    CHECK(bo_engine_suggest(e, c, &s) == BO_OK && bo_engine_add_pending(e, c, 0, 0) == BO_OK);
    CHECK(bo_engine_n_pending(e) == 3);
    /* Completion order differs from dispatch order. */
    CHECK(bo_engine_observe(e, b, 0, bumps(b, D), 1, 0) == BO_OK);
    CHECK(bo_engine_n_pending(e) == 2);
    /* A point that is not pending (a replayed row) leaves them alone. */
    double other[D] = {0.123, 0.456};
    CHECK(bo_engine_observe(e, other, 0, bumps(other, D), 1, 0) == BO_OK);
    CHECK(bo_engine_n_pending(e) == 2);
    /* The same x for another source is a different point. */
    CHECK(bo_engine_remove_pending(e, a, 1) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "no such point of source 1") != NULL);
    CHECK(bo_engine_remove_pending(e, a, 0) == BO_OK);
    CHECK(bo_engine_remove_pending(e, a, 0) == BO_EINVAL);
    CHECK(bo_engine_n_pending(e) == 1);
    CHECK(bo_engine_observe(e, c, 0, NAN, 0, 0) == BO_OK); /* a failure retires it too */
    CHECK(bo_engine_n_pending(e) == 0);
    double bad[D] = {0.5, 1.5};
    CHECK(bo_engine_add_pending(e, bad, 0, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "x[1] = 1.5 outside the unit cube") != NULL);
    CHECK(bo_engine_add_pending(e, a, 3, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "source 3 out of range") != NULL);
    bo_engine_destroy(e);
}

/* With the design in flight the next suggestion is the next design point;
 * past the design with nothing observed, a space-filling point away from
 * the pending ones. */
static void test_design_in_flight(void)
{
    enum { D = 2 };
    bo_engine *seq = make_engine(BO_ACQ_EI, D, 1, 3), *par = make_engine(BO_ACQ_EI, D, 1, 3);
    if (!seq || !par)
        return;
    double xs[6][D], xp[D];
    bo_suggestion s;
    for (size_t k = 0; k < 6; k++) {
        CHECK(bo_engine_suggest(seq, xs[k], &s) == BO_OK && s.initial);
        CHECK(bo_engine_observe(seq, xs[k], 0, bumps(xs[k], D), 1, 1) == BO_OK);
    }
    for (size_t k = 0; k < 6; k++) {
        CHECK(bo_engine_suggest(par, xp, &s) == BO_OK && s.initial);
        CHECK(memcmp(xp, xs[k], sizeof xp) == 0);
        CHECK(bo_engine_add_pending(par, xp, 0, 1) == BO_OK);
    }
    CHECK(bo_engine_initial_remaining(par) == 6); /* handed out, not observed */
    double f[3][D];
    for (size_t k = 0; k < 3; k++) {
        CHECK(bo_engine_suggest(par, f[k], &s) == BO_OK);
        CHECK(!s.initial && s.note != NULL);
        for (size_t i = 0; i < 6; i++)
            CHECK(dist2(f[k], xs[i], D) > 1e-6);
        for (size_t i = 0; i < k; i++)
            CHECK(dist2(f[k], f[i], D) > 1e-6);
        CHECK(bo_engine_add_pending(par, f[k], 0, 0) == BO_OK);
    }
    /* Design points complete out of order; a model then exists and the
     * suggestion conditions on the fallback points still pending. */
    for (size_t k = 6; k-- > 0;)
        CHECK(bo_engine_observe(par, xs[k], 0, bumps(xs[k], D), 1, 1) == BO_OK);
    CHECK(bo_engine_initial_remaining(par) == 0 && bo_engine_n_pending(par) == 3);
    CHECK(bo_engine_suggest(par, xp, &s) == BO_OK);
    CHECK(!s.initial && s.note == NULL && isfinite(s.acq_value));
    bo_engine_destroy(seq);
    bo_engine_destroy(par);
}

/* Fantasies undone exactly: an engine that suggested with pending points,
 * once they are withdrawn, suggests bit for bit what an engine that never
 * had them suggests; and the fit is shared: with no new observation the
 * model is not refitted (the same hyperparameters), while a new
 * observation refits. */
static void test_fantasies_undone(void)
{
    enum { D = 3 };
    for (int kind = 0; kind < 2; kind++) {
        bo_acq_kind k = kind ? BO_ACQ_MFCA : BO_ACQ_EI;
        size_t S = kind ? 2 : 1;
        bo_engine *a = make_engine(k, D, S, 17), *b = make_engine(k, D, S, 17);
        if (!a || !b)
            return;
        warm_up(a, D, 6 * S + 3);
        warm_up(b, D, 6 * S + 3);
        double pend[4][D], theta_a[64], theta_b[64];
        size_t pend_src[4];
        bo_suggestion s;
        for (size_t p = 0; p < 4; p++) {
            CHECK(bo_engine_suggest(a, pend[p], &s) == BO_OK);
            pend_src[p] = s.source;
            CHECK(bo_engine_add_pending(a, pend[p], s.source, 0) == BO_OK);
        }
        size_t nh = bo_engine_get_hyper(a, theta_a, 64);
        for (size_t p = 0; p < 4; p++)
            CHECK(bo_engine_remove_pending(a, pend[p], pend_src[p]) == BO_OK);
        double xa[D], xb[D];
        bo_suggestion sa, sb;
        CHECK(bo_engine_suggest(a, xa, &sa) == BO_OK);
        CHECK(bo_engine_get_hyper(a, theta_b, 64) == nh);
        CHECK_MSG(memcmp(theta_a, theta_b, nh * sizeof *theta_a) == 0,
                  "kind %d: refitted without a new observation", kind);
        CHECK(bo_engine_suggest(b, xb, &sb) == BO_OK);
        CHECK_MSG(memcmp(xa, xb, sizeof xa) == 0 && sa.source == sb.source &&
                      memcmp(&sa.acq_value, &sb.acq_value, sizeof sa.acq_value) == 0,
                  "kind %d: (%.17g %.17g %.17g) source %zu acq %.17g vs (%.17g %.17g %.17g) "
                  "source %zu acq %.17g", kind, xa[0], xa[1], xa[2], sa.source, sa.acq_value,
                  xb[0], xb[1], xb[2], sb.source, sb.acq_value);
        /* The first pending point was the same as b's plain suggestion. */
        CHECK(memcmp(pend[0], xb, sizeof xb) == 0);
        CHECK(bo_engine_observe(a, xa, sa.source, bumps_source(xa, D, sa.source), 1, 0) ==
              BO_OK);
        CHECK(bo_engine_suggest(a, xa, &sa) == BO_OK);
        bo_engine_get_hyper(a, theta_b, 64);
        CHECK(memcmp(theta_a, theta_b, nh * sizeof *theta_a) != 0);
        bo_engine_destroy(a);
        bo_engine_destroy(b);
    }
}

/* explore_budget counts pending cheap evaluations as spent, and a pending
 * target evaluation resets the count. */
static void test_explore_budget_pending(void)
{
    enum { D = 1 };
    static const double costs[2] = {1024.0, 1.0};
    size_t initial[2] = {3, 5};
    bo_engine_options opt;
    bo_engine_options_default(&opt, D);
    opt.n_sources = 2;
    opt.cost = costs;
    opt.initial = initial;
    opt.mean = BO_MEAN_PER_SOURCE;
    opt.noise = BO_NOISE_PER_SOURCE;
    opt.acquisition = BO_ACQ_MFCA;
    opt.explore_budget = 3.0 / 1024.0; /* three cheap evaluations, exactly */
    opt.seed = 4;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    if (!e)
        return;
    warm_up(e, D, 8);
    double x[D];
    bo_suggestion s;
    size_t cheap = 0;
    for (int k = 0; k < 12; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        CHECK_MSG(s.target_forced == (cheap >= 3), "step %d: forced %d after %zu cheap", k,
                  s.target_forced, cheap);
        cheap = s.source == 0 ? 0 : cheap + 1;
        CHECK(bo_engine_add_pending(e, x, s.source, 0) == BO_OK);
    }
    bo_engine_destroy(e);
}

/* BO_PENDING_BELIEVER_REFINE: while fewer than 1 + pending / 4 pending
 * points lie in the incumbent's box (half-width 0.05), the next point is
 * chosen inside that box; once enough are there, the believer's choice as
 * usual; never a duplicate; the same state under BO_PENDING_BELIEVER never
 * refines; and with nothing pending the two rules choose the same point. */
static void test_refine_share(void)
{
    enum { D = 3, K = 12 };
    bo_engine *e[2];
    if (make_pair(e, D, 77, BO_PENDING_BELIEVER_REFINE) != 0)
        return;
    double xb[D], yb, x0[D], x1[D];
    CHECK(bo_engine_best(e[1], &yb, xb) == 1);
    bo_suggestion s0, s1;
    CHECK(bo_engine_suggest(e[0], x0, &s0) == BO_OK);
    CHECK(bo_engine_suggest(e[1], x1, &s1) == BO_OK);
    CHECK(memcmp(x0, x1, sizeof x0) == 0 && s1.reason == s0.reason);
    /* Points in flight far from the incumbent (the opposite corner). */
    size_t n_far = 0;
    for (size_t k = 0; k < 4; k++) {
        double far[D];
        for (size_t j = 0; j < D; j++)
            far[j] = xb[j] < 0.5 ? 0.9 - 0.05 * (double)k : 0.1 + 0.05 * (double)k;
        for (int r = 0; r < 2; r++)
            CHECK(bo_engine_add_pending(e[r], far, 0, 0) == BO_OK);
        n_far++;
    }
    size_t refined = 0, in_box = 0;
    double xs[K][D];
    for (size_t k = 0; k < K; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e[1], xs[k], &s) == BO_OK);
        int near = 1;
        for (size_t j = 0; j < D; j++)
            near &= fabs(xs[k][j] - xb[j]) <= 0.05 * (1.0 + 1e-9);
        size_t pending = bo_engine_n_pending(e[1]);
        int is_refine = s.reason && strcmp(s.reason, "pending: refine the incumbent") == 0;
        /* The rule: refine while fewer than 1 + pending / 4 are near. */
        CHECK_MSG(is_refine == (in_box < 1 + pending / 4), "point %zu: %zu of %zu pending near, "
                  "refine %d", k, in_box, pending, is_refine);
        if (is_refine)
            CHECK(near);
        refined += is_refine;
        in_box += near;
        for (size_t i = 0; i < k; i++)
            CHECK(dist2(xs[i], xs[k], D) > 1e-12);
        CHECK(bo_engine_add_pending(e[1], xs[k], 0, 0) == BO_OK);
        bo_suggestion sb;
        double xbel[D];
        CHECK(bo_engine_suggest(e[0], xbel, &sb) == BO_OK);
        CHECK(!sb.reason || strcmp(sb.reason, "pending: refine the incumbent") != 0);
        CHECK(bo_engine_add_pending(e[0], xbel, 0, 0) == BO_OK);
    }
    CHECK(refined >= 2 && refined < K);
    bo_engine_destroy(e[0]);
    bo_engine_destroy(e[1]);
}

/* BO_PENDING_BELIEVER_OBSERVED_BEST: the same believer model, but EI is
 * measured against the best observed value. With a pending point believed
 * to beat the incumbent, the believer lowers the bar and the observed-best
 * rule does not, so its best EI is larger; with nothing believed below the
 * incumbent the two are the same. */
static void test_observed_best(void)
{
    enum { D = 3 };
    bo_engine *e[2];
    if (make_pair(e, D, 78, BO_PENDING_BELIEVER_OBSERVED_BEST) != 0)
        return;
    /* The point EI wants next: its mean is usually below the incumbent. */
    double xp[D], x[2][D], yb;
    bo_suggestion s[2];
    CHECK(bo_engine_suggest(e[0], xp, &s[0]) == BO_OK);
    /* The engine's model is read-only; a copy predicts as it does. */
    bo_gp *gp = bo_gp_clone(bo_engine_model(e[0]), NULL, 0);
    double mean = NAN;
    CHECK(gp && bo_gp_predict(gp, xp, 0, &mean, NULL, NULL) == BO_OK);
    bo_gp_destroy(gp);
    CHECK(bo_engine_best(e[0], &yb, NULL) == 1);
    CHECK_MSG(mean < yb, "the test needs a pending point believed to improve (%g vs %g)", mean,
              yb);
    for (int r = 0; r < 2; r++) {
        CHECK(bo_engine_add_pending(e[r], xp, 0, 0) == BO_OK);
        CHECK(bo_engine_suggest(e[r], x[r], &s[r]) == BO_OK);
    }
    CHECK_MSG(s[1].acq_value > s[0].acq_value, "EI %g (observed best) vs %g (believer)",
              s[1].acq_value, s[0].acq_value);
    bo_engine_destroy(e[0]);
    bo_engine_destroy(e[1]);
}

int main(void)
{
    test_no_duplicates();
    test_retire_and_remove();
    test_design_in_flight();
    test_fantasies_undone();
    test_explore_budget_pending();
    test_refine_share();
    test_observed_best();
    return CHECK_DONE();
}
