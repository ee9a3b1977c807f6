/* The acquisition through a real GP: gradients in x against finite
 * differences for every kind, block and point scoring agreeing, the
 * maximiser against a dense grid on 200 random 1-D and 2-D posteriors, the
 * MFCA source choice on constructed cases, exclusions, seeding, and the
 * error paths of the evaluator and of bo_acq_maximize. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/maximize.h"
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"

enum { MAXN = 16, MAXD = 3 };

/* A GP on n random points of the unit cube with random N(0,1) responses
 * (per source: the low-fidelity source gets the target's function plus a
 * shift), conditioned with set_hyper: length-scale ls, unit signal
 * variance, noise variance 1e-6 (the default floor) on the standardised
 * scale. */
static bo_gp *make_gp(size_t dim, size_t n, size_t n_sources, double ls, bo_rng *rng,
                      double *X, size_t *src, double *y)
{
    bo_gp_options o;
    bo_gp_options_default(&o, dim);
    o.n_sources = n_sources;
    o.kernel = BO_KERNEL_MATERN52;
    bo_gp *gp = bo_gp_create(&o, NULL, 0);
    if (!gp)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < dim; j++)
            X[i * dim + j] = bo_rng_uniform(rng);
        src[i] = n_sources > 1 ? i % n_sources : 0;
        y[i] = bo_rng_normal(rng) + (src[i] == 1 ? 0.3 : 0.0);
    }
    double theta[32];
    if (bo_gp_set_data(gp, n, X, src, y, NULL) != BO_OK || bo_gp_n_hyper(gp) > 32) {
        bo_gp_destroy(gp);
        return NULL;
    }
    bo_gp_get_hyper(gp, theta);
    for (size_t i = 0; i < bo_gp_n_hyper(gp); i++) {
        char name[64];
        bo_gp_hyper_name(gp, i, name, sizeof name);
        if (strncmp(name, "log_lengthscale", 15) == 0)
            theta[i] = log(ls);
        else if (strcmp(name, "log_signal_var") == 0)
            theta[i] = 0.0;
        else if (strncmp(name, "log_noise_var", 13) == 0)
            theta[i] = log(1e-6);
        else if (strncmp(name, "mean", 4) == 0)
            theta[i] = 0.0;
    }
    if (bo_gp_set_hyper(gp, theta) != BO_OK) {
        bo_gp_destroy(gp);
        return NULL;
    }
    return gp;
}

static double min_of(const double *y, const size_t *src, size_t n, size_t source)
{
    double m = HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        if (src[i] == source && y[i] < m)
            m = y[i];
    return m;
}

/* Central differences of the evaluator in each coordinate, step 1e-6; the
 * tolerance (1e-5 relative to the gradient's size plus 1e-8 of the value)
 * covers truncation O(h^2) and rounding eps |f| / h. */
static void test_gradients(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 5);
    double X[MAXN * MAXD], y[MAXN];
    size_t src[MAXN];
    const size_t dim = 3, n = 12;
    bo_gp *gp = make_gp(dim, n, 2, 0.4, &rng, X, src, y);
    CHECK(gp != NULL);
    if (!gp)
        return;
    const double cost[2] = {5.0, 1.0};
    double best = min_of(y, src, n, 0);
    int kinds = 0;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++, kinds++)
        for (int goal = 0; goal < 2; goal++)
            for (int tei = 0; tei < 2; tei++)
                for (size_t s = 0; s < 2; s++) {
                    bo_acq_options ao;
                    bo_acq_options_default(&ao);
                    ao.kind = row->kind;
                    ao.goal = (bo_acq_goal)goal;
                    ao.n_sources = 2;
                    ao.cost = cost;
                    ao.mfca_target_ei = tei;
                    /* best within the range of y so that z stays moderate */
                    double b = goal ? -best : best;
                    bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, b, 8, NULL, 0);
                    CHECK(ev != NULL);
                    if (!ev)
                        continue;
                    CHECK(bo_acq_evaluator_set_source(ev, s) == BO_OK);
                    for (int p = 0; p < 4; p++) {
                        double x[MAXD], g[MAXD], v, vb;
                        for (size_t j = 0; j < dim; j++)
                            x[j] = 0.05 + 0.9 * bo_rng_uniform(&rng);
                        CHECK(bo_acq_evaluate(ev, x, &v, g) == BO_OK);
                        /* The block path (dtrsm, var_y) agrees with the point
                         * path (dtrsv, var_f + noise) to rounding. */
                        CHECK(bo_acq_evaluate_block(ev, 1, x, &vb) == BO_OK);
                        CHECK_CLOSE(vb, v, 1e-10, 1e-14);
                        double gnorm = 0.0;
                        for (size_t j = 0; j < dim; j++)
                            gnorm = fmax(gnorm, fabs(g[j]));
                        for (size_t j = 0; j < dim; j++) {
                            double h = 1e-6, xp[MAXD], xm[MAXD], vp, vm;
                            memcpy(xp, x, sizeof xp);
                            memcpy(xm, x, sizeof xm);
                            xp[j] += h;
                            xm[j] -= h;
                            bo_acq_evaluate(ev, xp, &vp, NULL);
                            bo_acq_evaluate(ev, xm, &vm, NULL);
                            double fd = (vp - vm) / (2 * h);
                            CHECK_MSG(fabs(fd - g[j]) <= 1e-5 * gnorm + 1e-8 * fabs(v) + 1e-12,
                                      "%s goal %d tei %d source %zu coord %zu: grad %.10g fd "
                                      "%.10g",
                                      row->name, goal, tei, s, j, g[j], fd);
                        }
                    }
                    bo_acq_evaluator_destroy(ev);
                }
    CHECK(kinds == 5);
    bo_gp_destroy(gp);
}

/* Best value over a dense grid of the unit interval or square. */
static double grid_best(bo_acq_evaluator *ev, size_t dim, size_t per_axis, double *G,
                        double *V)
{
    size_t total = dim == 1 ? per_axis : per_axis * per_axis, k = 0;
    double best = -HUGE_VAL;
    for (size_t i = 0; i < total; i++) {
        G[k * dim] = (double)(i % per_axis) / (double)(per_axis - 1);
        if (dim == 2)
            G[k * dim + 1] = (double)(i / per_axis) / (double)(per_axis - 1);
        if (++k == 256 || i + 1 == total) {
            if (bo_acq_evaluate_block(ev, k, G, V) != BO_OK)
                return NAN;
            for (size_t q = 0; q < k; q++)
                best = fmax(best, V[q]);
            k = 0;
        }
    }
    return best;
}

static void test_against_grid(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 77);
    static double G[256 * 2], V[256];
    const bo_acq_kind kinds[] = {BO_ACQ_LOGEI, BO_ACQ_EI, BO_ACQ_UCB, BO_ACQ_PI};
    int cases = 200, found = 0;
    for (int c = 0; c < cases; c++) {
        size_t dim = c % 2 ? 2 : 1;
        size_t n = 3 + bo_rng_below(&rng, 6);
        double X[MAXN * MAXD], y[MAXN];
        size_t src[MAXN];
        double ls = 0.1 + 0.2 * bo_rng_uniform(&rng);
        bo_gp *gp = make_gp(dim, n, 1, ls, &rng, X, src, y);
        CHECK(gp != NULL);
        if (!gp)
            continue;
        bo_acq_options ao;
        bo_acq_options_default(&ao);
        ao.kind = kinds[(c / 2) % 4];
        ao.goal = (c / 8) % 2 ? BO_ACQ_MAXIMIZE : BO_ACQ_MINIMIZE;
        double best = min_of(y, src, n, 0);
        if (ao.goal == BO_ACQ_MAXIMIZE)
            for (size_t i = 0; i < n; i++)
                best = i ? fmax(best, y[i]) : y[i];
        bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, best, 256, NULL, 0);
        double g = ev ? grid_best(ev, dim, dim == 1 ? 4001 : 201, G, V) : NAN;
        bo_acq_evaluator_destroy(ev);

        bo_acq_maximizer_options mo;
        bo_acq_maximizer_options_default(&mo);
        mo.pool_size = 128;
        mo.starts = 4;
        mo.seed = (uint64_t)c;
        /* The incumbent as an extra start, as the engine passes it. */
        size_t inc = 0;
        for (size_t i = 1; i < n; i++)
            if (ao.goal == BO_ACQ_MAXIMIZE ? y[i] > y[inc] : y[i] < y[inc])
                inc = i;
        mo.extra_starts = X + inc * dim;
        mo.n_extra_starts = 1;
        bo_acq_points obs = {n, X, NULL};
        double x[2];
        bo_acq_result res;
        char err[256] = "";
        bo_status st = bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, NULL, err,
                                       sizeof err);
        CHECK_MSG(st == BO_OK, "case %d: %s", c, err);
        /* The grid's best is a lower bound of the maximum; matching it within
         * 1e-9 relative (plus 1e-12 for EI's tiny values) is finding the
         * same mode, since the grid resolves modes wider than its spacing. */
        if (st == BO_OK && res.value >= g - 1e-9 * fabs(g) - 1e-12)
            found++;
        else
            fprintf(stderr, "case %d (%s, dim %zu, n %zu): found %.12g, grid %.12g\n", c,
                    bo_acq_name(ao.kind), dim, n, res.value, g);
        bo_gp_destroy(gp);
    }
    CHECK_MSG(found >= 198, "found the grid maximum in %d of %d cases", found, cases);
}

static void test_mfca_choice(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 99);
    double X[MAXN * MAXD], y[MAXN];
    size_t src[MAXN];
    const size_t n = 10, dim = 2;
    bo_gp *gp = make_gp(dim, n, 2, 0.3, &rng, X, src, y);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double best = min_of(y, src, n, 0);
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.seed = 3;
    bo_acq_points obs = {n, X, src};
    double x[2], sv[2];
    bo_acq_result res;
    char err[256] = "";

    /* A nearly free low-fidelity source: its sigma phi / c explodes while
     * the target's improvement per cost stays O(1), so it must win. */
    double cheap_lf[2] = {1.0, 1e-9};
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_MFCA;
    ao.n_sources = 2;
    ao.cost = cheap_lf;
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, sv, err, sizeof err) ==
          BO_OK);
    CHECK(res.source == 1 && res.value == sv[1] && sv[1] > sv[0]);

    /* A prohibitively expensive low-fidelity source with the target scored by
     * EI (> 0 wherever sigma > 0): the target must win. */
    double dear_lf[2] = {1.0, 1e12};
    ao.cost = dear_lf;
    ao.mfca_target_ei = 1;
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, sv, err, sizeof err) ==
          BO_OK);
    CHECK(res.source == 0 && res.value == sv[0] && sv[0] > sv[1]);
    /* The target is searched first; the low-fidelity source, whose pool
     * best is far below a tenth of the target's value, gets no local runs,
     * and without pruning it gets them but still loses. */
    CHECK(res.n_local == mo.starts);
    bo_acq_maximizer_options unpruned = mo;
    unpruned.source_prune_ratio = 0.0;
    bo_acq_result full;
    double xf[2], svf[2];
    CHECK(bo_acq_maximize(&ao, gp, best, &unpruned, &obs, NULL, xf, &full, svf, err,
                          sizeof err) == BO_OK);
    CHECK(full.n_local == 2 * mo.starts && full.source == 0 && full.value == res.value);
    CHECK(svf[1] >= sv[1]);

    /* In between, the choice is the source whose grid maximum is larger,
     * and each source's value matches its own grid maximum. */
    static double G[256 * 2], V[256];
    const double costs[][2] = {{10.0, 1.0}, {2.0, 1.0}, {1.0, 1.0}, {1.0, 4.0}};
    ao.mfca_target_ei = 0;
    for (size_t k = 0; k < 4; k++) {
        ao.cost = costs[k];
        double gmax[2];
        for (size_t s = 0; s < 2; s++) {
            bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, best, 256, NULL, 0);
            CHECK(ev && bo_acq_evaluator_set_source(ev, s) == BO_OK);
            gmax[s] = ev ? grid_best(ev, dim, 201, G, V) : NAN;
            bo_acq_evaluator_destroy(ev);
        }
        CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, sv, err, sizeof err) ==
              BO_OK);
        for (size_t s = 0; s < 2; s++)
            CHECK_MSG(sv[s] >= gmax[s] - 1e-9 * fabs(gmax[s]), "costs %zu source %zu: %g < %g",
                      k, s, sv[s], gmax[s]);
        if (fabs(gmax[0] - gmax[1]) > 1e-3 * fmax(fabs(gmax[0]), fabs(gmax[1])))
            CHECK_MSG(res.source == (gmax[1] > gmax[0] ? 1u : 0u), "costs %zu: chose %zu", k,
                      res.source);
    }
    bo_gp_destroy(gp);
}

/* Three sources with the target in the middle (source 1): it is searched
 * first, so the others can be pruned against it; pruning never changes the
 * choice or its value, and prunes exactly the sources far below. */
static void test_mfca_source_order(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 7);
    double X[MAXN * MAXD], y[MAXN];
    size_t src[MAXN];
    const size_t n = 12, dim = 2;
    bo_gp *gp = make_gp(dim, n, 3, 0.3, &rng, X, src, y);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double best = min_of(y, src, n, 1);
    bo_acq_maximizer_options pruned, unpruned;
    bo_acq_maximizer_options_default(&pruned);
    pruned.seed = 5;
    unpruned = pruned;
    unpruned.source_prune_ratio = 0.0;
    bo_acq_points obs = {n, X, src};
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_MFCA;
    ao.n_sources = 3;
    ao.target_source = 1;
    ao.mfca_target_ei = 1;
    /* Costs: both others prohibitive (only the target gets local runs);
     * one other nearly free (it wins, the third is pruned); all equal. */
    const double costs[][3] = {{1e12, 1.0, 1e12}, {1e12, 1.0, 1e-9}, {1.0, 1.0, 1.0}};
    const size_t expect_local[] = {1, 2, 0}; /* sources with local runs; 0 = not checked */
    for (size_t k = 0; k < 3; k++) {
        ao.cost = costs[k];
        double xp[2], xu[2], svp[3], svu[3];
        bo_acq_result rp, ru;
        char err[256] = "";
        CHECK(bo_acq_maximize(&ao, gp, best, &pruned, &obs, NULL, xp, &rp, svp, err,
                              sizeof err) == BO_OK);
        CHECK(bo_acq_maximize(&ao, gp, best, &unpruned, &obs, NULL, xu, &ru, svu, err,
                              sizeof err) == BO_OK);
        CHECK_MSG(rp.source == ru.source && rp.value == ru.value, "costs %zu: %zu %g vs %zu %g",
                  k, rp.source, rp.value, ru.source, ru.value);
        CHECK(ru.n_local == 3 * pruned.starts);
        if (expect_local[k])
            CHECK_MSG(rp.n_local == expect_local[k] * pruned.starts, "costs %zu: %zu local runs",
                      k, rp.n_local);
    }
    bo_gp_destroy(gp);
}

static int left_half(const void *ctx, const double *x)
{
    return x[0] <= *(const double *)ctx;
}

/* options.admissible: the answer lies where it allows, and when it allows
 * nothing the maximisation fails as when every candidate is cut out. */
static void test_admissible_option(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 31);
    double X[MAXN * MAXD], y[MAXN];
    size_t src[MAXN];
    const size_t n = 8, dim = 2;
    bo_gp *gp = make_gp(dim, n, 1, 0.3, &rng, X, src, y);
    CHECK(gp != NULL);
    if (!gp)
        return;
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_EI;
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.seed = 2;
    bo_acq_points obs = {n, X, NULL};
    double x[2], free_x[2];
    bo_acq_result res;
    char err[256] = "";
    double best = min_of(y, src, n, 0);
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, free_x, &res, NULL, err,
                          sizeof err) == BO_OK);
    /* A bound just left of the unconstrained answer, so the option binds. */
    double bound = 0.9 * free_x[0];
    mo.admissible = left_half;
    mo.admissible_ctx = &bound;
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, NULL, err, sizeof err) ==
          BO_OK);
    CHECK_MSG(x[0] <= bound, "x[0] %g beyond %g", x[0], bound);
    bound = -1.0;
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &obs, NULL, x, &res, NULL, err, sizeof err) ==
          BO_EOPTIM);
    bo_gp_destroy(gp);
}

static void test_exclusions_and_errors(void)
{
    bo_rng rng;
    bo_rng_init(&rng, 123);
    double X[MAXN * MAXD], y[MAXN];
    size_t src[MAXN];
    const size_t n = 6, dim = 2;
    bo_gp *gp = make_gp(dim, n, 1, 0.3, &rng, X, src, y);
    CHECK(gp != NULL);
    if (!gp)
        return;
    bo_acq_options ao;
    bo_acq_options_default(&ao);
    ao.kind = BO_ACQ_LOGEI;
    double best = min_of(y, src, n, 0);
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.seed = 8;
    double x1[2], x2[2];
    bo_acq_result r1, r2;
    char err[256] = "";
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, NULL, x1, &r1, NULL, err, sizeof err) ==
          BO_OK);
    CHECK(r1.source == 0 && r1.n_local == 5);
    /* Same seed: the same point, bit for bit. */
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, NULL, x2, &r2, NULL, err, sizeof err) ==
          BO_OK);
    CHECK(memcmp(x1, x2, sizeof x1) == 0 && r1.value == r2.value);
    /* The answer recorded as a failed evaluation of this source is not
     * proposed again; recorded for another source it changes nothing. */
    size_t other = 1, mine = 0;
    bo_acq_points avoid_other = {1, x1, &other};
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, &avoid_other, x2, &r2, NULL, err,
                          sizeof err) == BO_OK);
    CHECK(memcmp(x1, x2, sizeof x1) == 0);
    bo_acq_points avoid_mine = {1, x1, &mine};
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, &avoid_mine, x2, &r2, NULL, err,
                          sizeof err) == BO_OK);
    CHECK(fabs(x1[0] - x2[0]) > 1e-6 || fabs(x1[1] - x2[1]) > 1e-6);
    bo_acq_points observed_all = {1, x1, NULL};
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &observed_all, NULL, x2, &r2, NULL, err,
                          sizeof err) == BO_OK);
    CHECK(fabs(x1[0] - x2[0]) > 1e-6 || fabs(x1[1] - x2[1]) > 1e-6);

    /* Error paths. */
    bo_acq_points broken = {2, NULL, NULL};
    CHECK(bo_acq_maximize(&ao, gp, best, &mo, &broken, NULL, x2, &r2, NULL, err, sizeof err) ==
          BO_EINVAL);
    CHECK(bo_acq_maximize(&ao, NULL, best, &mo, NULL, NULL, x2, &r2, NULL, err, sizeof err) ==
          BO_EINVAL);
    CHECK(bo_acq_maximize(&ao, gp, NAN, &mo, NULL, NULL, x2, &r2, NULL, err, sizeof err) ==
          BO_EINVAL);
    CHECK(strstr(err, "best") != NULL);
    bo_acq_maximizer_options bad_box = mo;
    const double lo[2] = {0, 0}, hi[2] = {1, 0};
    bad_box.lower = lo;
    bad_box.upper = hi;
    CHECK(bo_acq_maximize(&ao, gp, best, &bad_box, NULL, NULL, x2, &r2, NULL, err, sizeof err) ==
          BO_EINVAL);

    char msg[256] = "";
    const double bad_cost[1] = {-1.0};
    bo_acq_options a = ao;
    a.kind = BO_ACQ_MFCA;
    a.cost = bad_cost;
    CHECK(bo_acq_evaluator_create(&a, gp, best, 4, msg, sizeof msg) == NULL);
    CHECK(strstr(msg, "cost[0]") != NULL);
    const double two_costs[2] = {1.0, 1.0};
    a.cost = two_costs;
    a.n_sources = 2; /* the GP has one source */
    CHECK(bo_acq_evaluator_create(&a, gp, best, 4, msg, sizeof msg) == NULL);
    a = ao;
    a.target_source = 1;
    CHECK(bo_acq_evaluator_create(&a, gp, best, 4, msg, sizeof msg) == NULL);
    CHECK(strstr(msg, "target") != NULL);
    a = ao;
    a.kind = (bo_acq_kind)77;
    CHECK(bo_acq_evaluator_create(&a, gp, best, 4, msg, sizeof msg) == NULL);
    a = ao;
    a.kind = BO_ACQ_UCB;
    a.beta = -1.0;
    CHECK(bo_acq_evaluator_create(&a, gp, best, 4, msg, sizeof msg) == NULL);
    CHECK(bo_acq_evaluator_create(&ao, gp, best, 0, msg, sizeof msg) == NULL);
    CHECK(bo_acq_evaluator_create(&ao, NULL, best, 4, msg, sizeof msg) == NULL);
    bo_acq_evaluator *ev = bo_acq_evaluator_create(&ao, gp, best, 4, msg, sizeof msg);
    CHECK(ev != NULL);
    if (ev) {
        double v[5], pts[10] = {0};
        CHECK(bo_acq_evaluator_set_source(ev, 1) == BO_EINVAL);
        CHECK(bo_acq_evaluate_block(ev, 5, pts, v) == BO_EINVAL);
        double xn[2] = {NAN, 0.5};
        CHECK(bo_acq_evaluate(ev, xn, v, NULL) == BO_EINVAL); /* the GP's check */
    }
    bo_acq_evaluator_destroy(ev);
    bo_acq_evaluator_destroy(NULL);

    /* A GP with data but not conditioned: its error comes through. */
    bo_gp_options o;
    bo_gp_options_default(&o, dim);
    bo_gp *raw = bo_gp_create(&o, NULL, 0);
    CHECK(raw && bo_gp_set_data(raw, n, X, NULL, y, NULL) == BO_OK);
    if (raw) {
        err[0] = '\0';
        CHECK(bo_acq_maximize(&ao, raw, best, &mo, NULL, NULL, x2, &r2, NULL, err, sizeof err) ==
              BO_ESTATE);
        CHECK(strlen(err) > 0);
    }
    bo_gp_destroy(raw);
    bo_gp_destroy(gp);
}

int main(void)
{
    test_gradients();
    test_against_grid();
    test_mfca_choice();
    test_mfca_source_order();
    test_admissible_option();
    test_exclusions_and_errors();
    return CHECK_DONE();
}
