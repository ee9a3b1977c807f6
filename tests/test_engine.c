/* The ask/tell engine: initial design first, then model-based suggestions
 * that improve on a known function; determinism from the seed; failures
 * avoided; the user's sign kept for maximisation; the single-fidelity
 * baseline on a multi-source problem; fallbacks without a model; errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bo/engine/engine.h"
#include "tests/check.h"

/* Branin on the unit square (mapped to [-5,10] x [0,15]); minimum 0.397887. */
static double branin_unit(const double *u)
{
    double x1 = -5.0 + 15.0 * u[0], x2 = 15.0 * u[1];
    const double pi = 3.14159265358979323846;
    double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
    double a = x2 - b * x1 * x1 + c * x1 - 6;
    return a * a + 10 * (1 - t) * cos(x1) + 10;
}

static int run_branin(uint64_t seed, size_t n_bo, double *xs_out, double *best_out)
{
    bo_engine_options opt;
    bo_engine_options_default(&opt, 2);
    size_t initial = 6;
    opt.initial = &initial;
    opt.seed = seed;
    char err[256];
    bo_engine *e = bo_engine_create(&opt, err, sizeof err);
    if (!e)
        return -1;
    double x[2];
    int ok = 1;
    for (size_t k = 0; k < initial + n_bo; k++) {
        bo_suggestion s;
        if (bo_engine_suggest(e, x, &s) != BO_OK) {
            ok = 0;
            break;
        }
        ok &= s.initial == (k < initial);
        ok &= s.source == 0;
        ok &= s.initial ? isnan(s.acq_value) : isfinite(s.acq_value) && s.note == NULL;
        if (xs_out)
            memcpy(xs_out + 2 * k, x, sizeof x);
        ok &= bo_engine_observe(e, x, 0, branin_unit(x), 1, s.initial) == BO_OK;
    }
    ok &= bo_engine_best(e, best_out, NULL);
    bo_engine_destroy(e);
    return ok ? 0 : -1;
}

static void test_branin_and_determinism(void)
{
    enum { NBO = 14, NT = 6 + NBO };
    double xa[2 * NT], xb[2 * NT], best_a, best_b;
    CHECK(run_branin(11, NBO, xa, &best_a) == 0);
    CHECK(run_branin(11, NBO, xb, &best_b) == 0);
    CHECK(memcmp(xa, xb, sizeof xa) == 0);
    CHECK(best_a == best_b);
    /* Twenty evaluations of EI on Branin reach one of its three basins:
     * within 0.5 of the minimum 0.397887 (a random search of 20 points
     * is typically several units away). */
    CHECK_MSG(best_a < 0.397887 + 0.5, "best %g", best_a);
    double xc[2 * NT], best_c;
    CHECK(run_branin(12, NBO, xc, &best_c) == 0);
    CHECK(memcmp(xa, xc, sizeof xa) != 0);
}

static void test_maximize_sign(void)
{
    bo_engine_options opt;
    bo_engine_options_default(&opt, 1);
    size_t initial = 4;
    opt.initial = &initial;
    opt.maximize = 1;
    opt.seed = 3;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    double x[1], best = 0.0;
    /* f(x) = -(x - 0.3)^2: maximum 0 at 0.3. */
    for (int k = 0; k < 12; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        double y = -(x[0] - 0.3) * (x[0] - 0.3);
        CHECK(bo_engine_observe(e, x, 0, y, 1, s.initial) == BO_OK);
    }
    double xb[1];
    CHECK(bo_engine_best(e, &best, xb));
    CHECK(best <= 0.0 && best > -1e-3);
    CHECK_CLOSE(xb[0], 0.3, 0.0, 0.05);
    bo_engine_destroy(e);
}

static void test_failures(void)
{
    bo_engine_options opt;
    bo_engine_options_default(&opt, 2);
    size_t initial = 3;
    opt.initial = &initial;
    opt.seed = 5;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    double x[2];
    bo_suggestion s;
    /* Every initial point fails: no best, a fallback with a note. */
    for (int k = 0; k < 3; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK && s.initial);
        CHECK(bo_engine_observe(e, x, 0, NAN, 0, 1) == BO_OK);
    }
    CHECK(!bo_engine_best(e, NULL, NULL));
    CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
    CHECK(!s.initial && s.note != NULL && isnan(s.acq_value));
    CHECK(bo_engine_observe(e, x, 0, branin_unit(x), 1, 0) == BO_OK);
    CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
    CHECK(s.note != NULL); /* one success is not enough for a model */

    /* With a model: points of failed evaluations are never suggested again,
     * even when failure sits at the model's favourite spot. */
    double failed[40][2];
    size_t n_failed = 0;
    for (int k = 0; k < 16; k++) {
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        for (size_t f = 0; f < n_failed; f++)
            CHECK(!(fabs(failed[f][0] - x[0]) < 1e-9 && fabs(failed[f][1] - x[1]) < 1e-9));
        int fail = k % 3 == 0;
        if (fail) {
            failed[n_failed][0] = x[0];
            failed[n_failed][1] = x[1];
            n_failed++;
        }
        CHECK(bo_engine_observe(e, x, 0, fail ? NAN : branin_unit(x), !fail, 0) == BO_OK);
    }
    CHECK(bo_engine_n_observations(e) == 3 + 1 + 16);

    /* Errors a caller can make. */
    double bad[2] = {0.5, 1.5};
    CHECK(bo_engine_observe(e, bad, 0, 1.0, 1, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "x[1]") != NULL);
    CHECK(bo_engine_observe(e, x, 7, 1.0, 1, 0) == BO_EINVAL);
    CHECK(strstr(bo_engine_errmsg(e), "source 7") != NULL);
    CHECK(bo_engine_observe(e, x, 0, INFINITY, 1, 0) == BO_EINVAL);
    double theta[64];
    size_t nh = bo_engine_get_hyper(e, theta, 64);
    CHECK(nh > 0 && nh <= 64);
    theta[0] = NAN;
    CHECK(bo_engine_set_hyper(e, theta, nh) == BO_EINVAL);
    bo_engine_destroy(e);

    char err[256] = "";
    opt.dim = 0;
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL);
    CHECK(strstr(err, "dim") != NULL);
    opt.dim = 2;
    double cost = -1.0;
    opt.cost = &cost;
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL);
    CHECK(strstr(err, "cost") != NULL);
    bo_engine_destroy(NULL);
}

/* A 1-input problem with two sources (source 0 the target), each with its
 * own mean and noise. */
static void two_source_options(bo_engine_options *opt, const double *costs,
                               const size_t *initial, uint64_t seed)
{
    bo_engine_options_default(opt, 1);
    opt->n_sources = 2;
    opt->cost = costs;
    opt->initial = initial;
    opt->mean = BO_MEAN_PER_SOURCE;
    opt->noise = BO_NOISE_PER_SOURCE;
    opt->seed = seed;
}

/* Two sources, the cheap one a biased copy: EI evaluates the target alone
 * (its initial points identical to the multi-fidelity run's), MFCA uses
 * both sources. */
static void test_two_sources(void)
{
    double costs[2] = {10.0, 1.0};
    size_t initial[2] = {4, 6};
    bo_engine_options opt;
    two_source_options(&opt, costs, initial, 9);

    opt.acquisition = BO_ACQ_EI;
    bo_engine *sf = bo_engine_create(&opt, NULL, 0);
    opt.acquisition = BO_ACQ_MFCA;
    bo_engine *mf = bo_engine_create(&opt, NULL, 0);
    CHECK(sf && mf);
    CHECK(bo_engine_source_active(sf, 0) && !bo_engine_source_active(sf, 1));
    CHECK(bo_engine_source_active(mf, 0) && bo_engine_source_active(mf, 1));
    CHECK(bo_engine_initial_remaining(sf) == 4);
    CHECK(bo_engine_initial_remaining(mf) == 10);

    double xs[1], xm[1];
    bo_suggestion ss, sm;
    for (int k = 0; k < 4; k++) {
        CHECK(bo_engine_suggest(sf, xs, &ss) == BO_OK);
        CHECK(bo_engine_suggest(mf, xm, &sm) == BO_OK);
        CHECK(ss.source == 0 && sm.source == 0 && xs[0] == xm[0]);
        double y = sin(10 * xs[0]);
        bo_engine_observe(sf, xs, 0, y, 1, 1);
        bo_engine_observe(mf, xm, 0, y, 1, 1);
    }
    size_t used[2] = {0, 0};
    for (int k = 0; k < 20; k++) {
        CHECK(bo_engine_suggest(mf, xm, &sm) == BO_OK);
        CHECK(sm.source < 2);
        used[sm.source]++;
        double y = sin(10 * xm[0]) + (sm.source == 1 ? 0.3 * xm[0] : 0.0);
        CHECK(bo_engine_observe(mf, xm, sm.source, y, 1, sm.initial) == BO_OK);
    }
    CHECK(used[1] >= 6); /* at least its initial design */
    CHECK(used[0] >= 1);
    size_t gs;
    CHECK(bo_engine_model_source(sf, 1, &gs) == -1);
    CHECK(bo_engine_model_source(mf, 1, &gs) == 0 && gs == 1);
    bo_engine_destroy(sf);
    bo_engine_destroy(mf);
}

/* The longest run of non-target evaluations in the BO phase of a
 * two-source MFCA run where the cheap source costs 1/1000 of the target, so
 * that MFCA prefers it nearly always; also counts target BO evaluations. */
static size_t longest_cheap_run(double explore_budget, size_t *n_target_bo)
{
    double costs[2] = {1000.0, 1.0};
    size_t initial[2] = {3, 5};
    bo_engine_options opt;
    two_source_options(&opt, costs, initial, 4);
    opt.acquisition = BO_ACQ_MFCA;
    opt.explore_budget = explore_budget;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    if (!e)
        return 0;
    size_t run = 0, longest = 0;
    *n_target_bo = 0;
    double x[1];
    /* The cheap source's design (5 evaluations) already costs the whole
     * budget at 0.005; it must not count, so the first BO step is free. */
    double spent = 0.0, limit = explore_budget * costs[0];
    for (int k = 0; k < 8 + 40; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        if (!s.initial) {
            int over = explore_budget > 0.0 && spent >= limit;
            CHECK_MSG(s.target_forced == over, "evaluation %d: forced %d, spent %g of %g", k + 1,
                      s.target_forced, spent, limit);
            if (s.target_forced)
                CHECK(s.source == 0 && isfinite(s.acq_value));
            if (s.source == 0) {
                run = 0;
                spent = 0.0;
                (*n_target_bo)++;
            } else {
                spent += costs[s.source];
                if (++run > longest)
                    longest = run;
            }
        } else {
            CHECK(!s.target_forced);
        }
        double y = sin(10 * x[0]) + (s.source == 1 ? 0.5 * x[0] : 0.0);
        CHECK(bo_engine_observe(e, x, s.source, y, 1, s.initial) == BO_OK);
    }
    bo_engine_destroy(e);
    return longest;
}

/* explore_budget: once the cheap source has spent that many target costs
 * since the last target evaluation, the target is evaluated. Without the
 * limit the same run spends longer stretches on the cheap source. */
static void test_explore_budget(void)
{
    size_t n_target, n_target_free;
    size_t limited = longest_cheap_run(0.005, &n_target); /* 5 cheap evaluations */
    size_t unlimited = longest_cheap_run(0.0, &n_target_free);
    CHECK(limited <= 5);
    CHECK(n_target >= 40 / 6);
    CHECK(unlimited > 5);
    CHECK(n_target_free < n_target);
}

/* The resume contract: a new engine given the same observations and the
 * saved warm start suggests exactly what the original engine suggests. */
static void test_replay(void)
{
    bo_engine_options opt;
    bo_engine_options_default(&opt, 2);
    size_t initial = 5;
    opt.initial = &initial;
    opt.seed = 21;
    bo_engine *a = bo_engine_create(&opt, NULL, 0);
    CHECK(a != NULL);
    double xs[12][2], ys[12];
    int init[12];
    bo_suggestion s;
    for (int k = 0; k < 12; k++) {
        CHECK(bo_engine_suggest(a, xs[k], &s) == BO_OK);
        init[k] = s.initial;
        ys[k] = branin_unit(xs[k]);
        CHECK(bo_engine_observe(a, xs[k], 0, ys[k], k != 7, s.initial) == BO_OK);
    }
    double theta[64];
    size_t nh = bo_engine_get_hyper(a, theta, 64);
    CHECK(nh > 0 && nh <= 64);
    double next_a[2], next_b[2];
    bo_suggestion sa, sb;
    CHECK(bo_engine_suggest(a, next_a, &sa) == BO_OK);

    bo_engine *b = bo_engine_create(&opt, NULL, 0);
    CHECK(b != NULL);
    for (int k = 0; k < 12; k++)
        CHECK(bo_engine_observe(b, xs[k], 0, ys[k], k != 7, init[k]) == BO_OK);
    CHECK(bo_engine_set_hyper(b, theta, nh) == BO_OK);
    CHECK(bo_engine_suggest(b, next_b, &sb) == BO_OK);
    CHECK(memcmp(next_a, next_b, sizeof next_a) == 0);
    CHECK(sa.acq_value == sb.acq_value && sa.source == sb.source);
    bo_engine_destroy(a);
    bo_engine_destroy(b);
}

/* stall_explore: some steps take the stall path, two runs agree, and an
 * engine rebuilt from the history in the middle of it (as --resume does)
 * makes the same next choice, since the phase comes from the history alone. */
static const size_t stall_initial = 6;

static void stall_options(bo_engine_options *opt, uint64_t seed)
{
    bo_engine_options_default(opt, 2);
    opt->initial = &stall_initial;
    opt->seed = seed;
    opt->stall_explore = 1;
}

/* Branin fails inside a disk around its minimum at (pi, 2.275), i.e. unit
 * (0.5428, 0.1517), when failing is set. */
static int branin_fails(const double *u)
{
    double a = u[0] - 0.5428, b = u[1] - 0.1517;
    return a * a + b * b < 0.1 * 0.1;
}

/* A trap for EI: a wide basin at (0.3, 0.3) (minimum -1) that the initial
 * design finds, and a narrow, slightly deeper one at (0.8, 0.75) (minimum
 * -1.2) that it misses. EI converges in the wide basin (a stall), an episode
 * searches, refines the narrow basin and then stays local in it. */
static double trap_unit(const double *u)
{
    double a0 = u[0] - 0.3, a1 = u[1] - 0.3, b0 = u[0] - 0.8, b1 = u[1] - 0.75;
    return -exp(-(a0 * a0 + a1 * a1) / 0.05) - 1.2 * exp(-(b0 * b0 + b1 * b1) / 0.003);
}

static const char *const stall_reasons[3] = {"stall: search", "stall: refine", "stall: local"};

/* One run, on the trap or, with failing set, on Branin with a failure
 * region; count[r] = steps with stall_reasons[r]; ok[k] = evaluation k
 * succeeded; why[k] = its suggestion's reason (may be NULL). */
static int run_stall(uint64_t seed, int failing, size_t n, double *xs, double *ys, int *init,
                     int *ok, const char **why, size_t count[3])
{
    bo_engine_options opt;
    stall_options(&opt, seed);
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    if (!e)
        return -1;
    int good = 1;
    memset(count, 0, 3 * sizeof *count);
    for (size_t k = 0; k < n && good; k++) {
        bo_suggestion s;
        good &= bo_engine_suggest(e, xs + 2 * k, &s) == BO_OK;
        for (int r = 0; r < 3; r++)
            count[r] += s.reason && strcmp(s.reason, stall_reasons[r]) == 0;
        why[k] = s.reason;
        init[k] = s.initial;
        ok[k] = !(failing && branin_fails(xs + 2 * k));
        ys[k] = !ok[k] ? NAN : failing ? branin_unit(xs + 2 * k) : trap_unit(xs + 2 * k);
        good &= bo_engine_observe(e, xs + 2 * k, 0, ys[k], ok[k], s.initial) == BO_OK;
    }
    bo_engine_destroy(e);
    return good ? 0 : -1;
}

/* stall_explore on the trap (EI stalls in the wide basin): every kind of
 * stall step happens, two runs agree, and an engine rebuilt from the history
 * in the middle of it (as --resume does) makes the same next choice for the
 * same reason, since the phase comes from the history alone. (Branin, with
 * three equal minima, no longer serves: EI converges on one of them only
 * after it has sampled the others, so the episodes there only refine.) */
static void test_stall_explore(void)
{
    enum { N = 60 };
    double xa[2 * N], xb[2 * N], ya[N], yb[N];
    int ia[N], ib[N], oka[N], okb[N];
    const char *wa[N], *wb[N];
    size_t ca[3], cb[3];
    CHECK(run_stall(12, 0, N, xa, ya, ia, oka, wa, ca) == 0);
    CHECK(run_stall(12, 0, N, xb, yb, ib, okb, wb, cb) == 0);
    for (int r = 0; r < 3; r++)
        CHECK_MSG(ca[r] > 0 && ca[r] == cb[r], "%s: %zu and %zu steps", stall_reasons[r], ca[r],
                  cb[r]);
    CHECK(memcmp(xa, xb, sizeof xa) == 0);

    bo_engine_options opt;
    stall_options(&opt, 12);
    bo_engine *a = bo_engine_create(&opt, NULL, 0);
    CHECK(a != NULL);
    double x[2], theta[64];
    bo_suggestion s;
    for (size_t k = 0; k + 1 < N; k++) {
        CHECK(bo_engine_suggest(a, x, &s) == BO_OK);
        CHECK(memcmp(x, xa + 2 * k, sizeof x) == 0);
        CHECK(bo_engine_observe(a, x, 0, ya[k], 1, ia[k]) == BO_OK);
        if (k < 15 || k % 3 != 0)
            continue;
        size_t nh = bo_engine_get_hyper(a, theta, 64);
        bo_engine *b = bo_engine_create(&opt, NULL, 0);
        CHECK(b != NULL && nh > 0);
        for (size_t i = 0; i <= k; i++)
            CHECK(bo_engine_observe(b, xa + 2 * i, 0, ya[i], 1, ia[i]) == BO_OK);
        CHECK(bo_engine_set_hyper(b, theta, nh) == BO_OK);
        double xr[2];
        bo_suggestion sr;
        CHECK(bo_engine_suggest(b, xr, &sr) == BO_OK);
        CHECK(memcmp(xr, xa + 2 * (k + 1), sizeof xr) == 0);
        CHECK((sr.reason == NULL) == (wa[k + 1] == NULL));
        CHECK(!sr.reason || strcmp(sr.reason, wa[k + 1]) == 0);
        bo_engine_destroy(b);
    }
    bo_engine_destroy(a);

    /* Failures: the stall steps keep out of the failure regions as the
     * ordinary steps do, so no failed point is proposed again, not even
     * next to itself. */
    double xf[2 * N], yf[N];
    int inf[N], okf[N];
    const char *wf[N];
    size_t cf[3];
    CHECK(run_stall(3, 1, N, xf, yf, inf, okf, wf, cf) == 0);
    CHECK(cf[0] + cf[1] + cf[2] > 0);
    size_t n_failed = 0;
    for (size_t i = 0; i < N; i++) {
        n_failed += !okf[i];
        for (size_t k = 0; k < i; k++)
            if (!okf[i] && !okf[k])
                CHECK_MSG(hypot(xf[2 * i] - xf[2 * k], xf[2 * i + 1] - xf[2 * k + 1]) > 1e-3,
                          "failed points %zu and %zu nearly coincide", k + 1, i + 1);
    }
    CHECK(n_failed > 0);
}

/* stall_explore with K in flight (opt.workers): the stall window spans a
 * round of K observations, and the share of them near the incumbent is not
 * asked for (the believer spreads the K points). After a best at the centre
 * and then m observations on a circle of radius 0.3 around it, none better:
 * one worker never stalls (no point near the incumbent), nor do 4, whose
 * round fits in one worker's window; 16 workers stall once 16
 * observations without progress are in, and not before. */
static const char *stall_workers_reason(size_t workers, size_t m)
{
    bo_engine_options opt;
    stall_options(&opt, 5);
    opt.workers = workers;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    const char *reason = "(engine failed)";
    if (!e)
        return reason;
    int good = 1;
    for (size_t k = 0; k < stall_initial && good; k++) {
        double x[2];
        bo_suggestion s;
        good &= bo_engine_suggest(e, x, &s) == BO_OK && s.initial;
        good &= bo_engine_observe(e, x, 0, 1.0 + 0.1 * (double)k, 1, 1) == BO_OK;
    }
    const double centre[2] = {0.5, 0.5};
    good &= bo_engine_observe(e, centre, 0, -1.0, 1, 0) == BO_OK;
    for (size_t k = 0; k < m && good; k++) {
        double a = 6.283185307179586 * (double)k / (double)m + 0.1;
        const double x[2] = {0.5 + 0.3 * cos(a), 0.5 + 0.3 * sin(a)};
        good &= bo_engine_observe(e, x, 0, 0.5 * sin(3.0 * a), 1, 0) == BO_OK;
    }
    double x[2];
    bo_suggestion s;
    if (good && bo_engine_suggest(e, x, &s) == BO_OK)
        reason = s.reason ? s.reason : "";
    bo_engine_destroy(e);
    return reason;
}

static void test_stall_workers(void)
{
    const char *one = stall_workers_reason(1, 20);
    CHECK_MSG(strncmp(one, "stall:", 6) != 0, "one worker, 20 spread points: '%s'", one);
    /* A round of 4 fits in one worker's window: one worker's rule. */
    const char *four = stall_workers_reason(4, 20);
    CHECK_MSG(strncmp(four, "stall:", 6) != 0, "4 workers, 20 spread points: '%s'", four);
    const char *early = stall_workers_reason(16, 14);
    CHECK_MSG(strncmp(early, "stall:", 6) != 0, "16 workers, 14 points: '%s'", early);
    const char *round = stall_workers_reason(16, 16);
    CHECK_MSG(strncmp(round, "stall:", 6) == 0, "16 workers, 16 points: '%s'", round);
}

/* The final model of a two-source run on its initial design alone (the
 * same points for either criterion: they derive from the seed), fitted
 * with fit_criterion; its hyperparameters go to theta (capacity cap).
 * Returns the number of hyperparameters, 0 on failure; *engine_out keeps
 * the engine, whose model the caller evaluates and then destroys. */
static size_t fit_initial_design(bo_gp_fit_criterion criterion, double *theta, size_t cap,
                                 bo_engine **engine_out)
{
    static const double costs[2] = {10.0, 1.0};
    static const size_t initial[2] = {5, 9};
    bo_engine_options opt;
    two_source_options(&opt, costs, initial, 21);
    opt.fit_criterion = criterion;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    *engine_out = e;
    CHECK(e != NULL);
    if (!e)
        return 0;
    double x[1];
    bo_suggestion s;
    while (bo_engine_initial_remaining(e) > 0 && bo_engine_suggest(e, x, &s) == BO_OK) {
        double y = sin(10 * x[0]) + (s.source == 1 ? 0.4 * x[0] - 0.2 : 0.0);
        CHECK(bo_engine_observe(e, x, s.source, y, 1, s.initial) == BO_OK);
    }
    bo_gp *gp = bo_engine_fit_final(e);
    CHECK(gp != NULL && bo_gp_n_hyper(gp) <= cap);
    if (!gp || bo_gp_n_hyper(gp) > cap)
        return 0;
    bo_gp_get_hyper(gp, theta);
    return bo_gp_n_hyper(gp);
}

/* fit_criterion reaches every fit: with the interval score the model's
 * objective carries the penalty, and each criterion's fit is no worse than
 * the other's hyperparameters under its own objective, on the same data. */
static void test_fit_criterion(void)
{
    enum { CAP = 32 };
    double theta_map[CAP], theta_is[CAP];
    bo_engine *map = NULL, *is = NULL;
    size_t nm = fit_initial_design(BO_FIT_MAP, theta_map, CAP, &map);
    size_t ni = fit_initial_design(BO_FIT_INTERVAL_SCORE, theta_is, CAP, &is);
    CHECK(nm > 0 && nm == ni);
    if (nm > 0 && nm == ni) {
        bo_gp *gm = (bo_gp *)bo_engine_model(map), *gi = (bo_gp *)bo_engine_model(is);
        CHECK(bo_gp_fit_objective(gm, theta_map, NULL) ==
              bo_gp_neg_log_posterior(gm, theta_map, NULL));
        double penalised = bo_gp_fit_objective(gi, theta_is, NULL);
        double plain = bo_gp_neg_log_posterior(gi, theta_is, NULL);
        CHECK_MSG(penalised > plain, "interval-score objective %g, MAP objective %g", penalised,
                  plain);
        CHECK(memcmp(theta_map, theta_is, nm * sizeof *theta_map) != 0);
        double is_at_map = bo_gp_fit_objective(gi, theta_map, NULL);
        CHECK_MSG(penalised <= is_at_map + 1e-6, "interval-score fit %g, at MAP's theta %g",
                  penalised, is_at_map);
        double map_at_is = bo_gp_neg_log_posterior(gm, theta_is, NULL);
        double map_own = bo_gp_neg_log_posterior(gm, theta_map, NULL);
        CHECK_MSG(map_own <= map_at_is + 1e-6, "MAP fit %g, at the interval-score theta %g",
                  map_own, map_at_is);
    }
    bo_engine_destroy(map);
    bo_engine_destroy(is);

    bo_engine_options opt;
    bo_engine_options_default(&opt, 1);
    size_t initial = 4;
    opt.initial = &initial;
    char err[256];
    opt.fit_criterion = (bo_gp_fit_criterion)7;
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL &&
          strstr(err, "unknown fit_criterion 7"));
    opt.fit_criterion = BO_FIT_INTERVAL_SCORE;
    opt.fit_weight = -1.0;
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL &&
          strstr(err, "fit_weight -1 must be finite and >= 0"));
    opt.fit_weight = NAN;
    CHECK(bo_engine_create(&opt, err, sizeof err) == NULL && strstr(err, "fit_weight"));
}

/* acquisition.trust_region: the side follows TuRBO's rule over the target's
 * evaluations after the initial design (3 successes in a row double it up
 * to 1.6, max(4, d) failures in a row halve it, below 2^-7 it starts again
 * at 0.8; a success beats the best by 1e-3 of |best|, a failed evaluation
 * is a failure), and suggestions stay in the box around the incumbent. */
static void observe_bo(bo_engine *e, double y, int ok)
{
    static double x[2] = {0.5, 0.5};
    x[0] = fmod(x[0] + 0.381966, 1.0); /* distinct points: their place does not matter */
    CHECK(bo_engine_observe(e, x, 0, y, ok, 0) == BO_OK);
}

static void test_trust_region(void)
{
    bo_engine_options opt;
    bo_engine_options_default(&opt, 2);
    size_t initial = 4;
    opt.initial = &initial;
    opt.trust_region = 1;
    bo_engine *e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    if (!e)
        return;
    double side, x[2];
    CHECK(bo_engine_trust_region(e, &side, NULL, NULL) == 0 && isnan(side));
    for (int k = 0; k < 4; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK && s.initial);
        CHECK(bo_engine_observe(e, x, 0, 10.0 + k, 1, 1) == BO_OK);
    }
    CHECK(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 0.8);
    for (int k = 0; k < 3; k++)
        observe_bo(e, 20.0, 1); /* failures 1-3 of the 4 that halve */
    /* Within 1e-3 |best| of the best: no success. */
    observe_bo(e, 10.0 - 0.5e-3 * 10.0, 1);
    CHECK(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 0.4);
    double best = 10.0 - 0.5e-3 * 10.0;
    for (int k = 0; k < 6; k++)
        observe_bo(e, best -= 1.0, 1); /* two runs of three successes */
    CHECK(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 1.6);
    for (int k = 0; k < 3; k++)
        observe_bo(e, best -= 1.0, 1);
    CHECK(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 1.6); /* the cap */
    /* Seven halvings, a failed evaluation among the failures. */
    for (int k = 0; k < 28; k++)
        observe_bo(e, k == 5 ? NAN : 50.0, k != 5);
    CHECK_MSG(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 1.6 / 128,
              "side %g", side);
    for (int k = 0; k < 4; k++)
        observe_bo(e, 50.0, 1);
    CHECK_MSG(bo_engine_trust_region(e, &side, NULL, NULL) == 1 && side == 0.8,
              "after the collapse: side %g", side);
    bo_engine_destroy(e);

    /* On Branin: every model-based suggestion lies in the box it was
     * searched in, which is centred on the incumbent, as wide as the side
     * where the box does not meet the cube's faces (volume of the cube of
     * the side), and the run still finds a basin. */
    e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    if (!e)
        return;
    int inside = 1, centred = 1, boxes = 0;
    for (int k = 0; k < 30; k++) {
        bo_suggestion s;
        double before_side = NAN, lo[2] = {0, 0}, hi[2] = {1, 1}, centre[2];
        int region = 0;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        /* The box this suggestion was searched in: the same observations
         * and model, read before the point is observed. */
        if (!s.initial && s.note == NULL && s.reason == NULL) {
            region = bo_engine_trust_region(e, &before_side, lo, hi);
            CHECK(region == 1);
            double ell[2];
            bo_gp_lengthscales(bo_engine_model(e), ell);
            bo_engine_best(e, NULL, centre);
            for (int j = 0; j < 2; j++) {
                inside &= x[j] >= lo[j] - 1e-12 && x[j] <= hi[j] + 1e-12;
                double w = ell[j] / sqrt(ell[0] * ell[1]);
                double half = 0.5 * before_side * w;
                double want_lo = fmax(0.0, centre[j] - half), want_hi = fmin(1.0, centre[j] + half);
                centred &= fabs(lo[j] - want_lo) < 1e-12 && fabs(hi[j] - want_hi) < 1e-12;
            }
            boxes++;
        }
        CHECK(bo_engine_observe(e, x, 0, branin_unit(x), 1, s.initial) == BO_OK);
    }
    CHECK(boxes >= 20);
    CHECK(inside);
    CHECK(centred);
    CHECK(bo_engine_best(e, &best, NULL) && best < 0.397887 + 0.5);
    bo_engine_destroy(e);

    /* Two sources: no region. */
    double costs[2] = {10.0, 1.0};
    size_t init2[2] = {3, 4};
    two_source_options(&opt, costs, init2, 3);
    opt.acquisition = BO_ACQ_MFCA;
    opt.trust_region = 1;
    e = bo_engine_create(&opt, NULL, 0);
    CHECK(e != NULL);
    for (int k = 0; e && k < 7; k++) {
        bo_suggestion s;
        CHECK(bo_engine_suggest(e, x, &s) == BO_OK);
        CHECK(bo_engine_observe(e, x, s.source, sin(10 * x[0]), 1, 1) == BO_OK);
    }
    CHECK(e && bo_engine_trust_region(e, &side, NULL, NULL) == 0 && isnan(side));
    bo_engine_destroy(e);
}

int main(void)
{
    test_branin_and_determinism();
    test_maximize_sign();
    test_failures();
    test_two_sources();
    test_explore_budget();
    test_replay();
    test_stall_explore();
    test_stall_workers();
    test_fit_criterion();
    test_trust_region();
    return CHECK_DONE();
}
