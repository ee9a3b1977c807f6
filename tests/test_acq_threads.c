/* The acquisition maximiser on several threads: bo_gp_clone predicts bit for
 * bit as its original (fitted, with believer points appended, multi-source);
 * bo_acq_maximize gives the same point, value and counts with 1, 2, 3 and 8
 * threads (EI on one source, MFCA on three, several seeds); the generic
 * scorers entry point really spreads the work over its scorers and reports
 * the first failing candidate block as a serial pass does; bad scorers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acquisition/maximize.h"
#include "gp/rng.h"
#include "tests/check.h"

/* A fitted GP on a smooth random function of dim inputs; n_sources > 1
 * shifts the other sources. */
static bo_gp *fitted_gp(size_t dim, size_t n, size_t n_sources, uint64_t seed)
{
    bo_gp_options o;
    bo_gp_options_default(&o, dim);
    o.n_sources = n_sources;
    o.kernel = BO_KERNEL_MATERN52;
    o.seed = seed;
    bo_gp *gp = bo_gp_create(&o, NULL, 0);
    double *X = malloc(n * dim * sizeof *X), *y = malloc(n * sizeof *y);
    size_t *src = malloc(n * sizeof *src);
    bo_rng rng;
    bo_rng_init(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        double f = 0.0;
        for (size_t j = 0; j < dim; j++) {
            X[i * dim + j] = bo_rng_uniform(&rng);
            f += sin(3.0 * X[i * dim + j] + (double)j) * (1.0 + 0.2 * (double)j);
        }
        src[i] = i % n_sources;
        y[i] = f + 0.4 * (double)src[i];
    }
    if (!gp || bo_gp_set_data(gp, n, X, src, y, NULL) != BO_OK || bo_gp_fit(gp, NULL) != BO_OK) {
        bo_gp_destroy(gp);
        gp = NULL;
    }
    free(X);
    free(y);
    free(src);
    return gp;
}

static int same_doubles(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

static void test_clone_predicts_the_same(void)
{
    enum { DIM = 4, N = 30, M = 40 };
    for (size_t n_sources = 1; n_sources <= 2; n_sources++) {
        bo_gp *gp = fitted_gp(DIM, N, n_sources, 11 + n_sources);
        CHECK(gp != NULL);
        if (!gp)
            continue;
        /* Two believer points appended to the conditioned model, as the
         * engine's pending points are. */
        double xp[DIM] = {0.3, 0.6, 0.2, 0.9}, xq[DIM] = {0.7, 0.1, 0.5, 0.4};
        CHECK(bo_gp_add_point(gp, xp, 0, 0.25, 0.0) == BO_OK);
        CHECK(bo_gp_add_point(gp, xq, n_sources - 1, -0.5, 0.0) == BO_OK);
        bo_gp *c = bo_gp_clone(gp, NULL, 0);
        CHECK(c != NULL);
        if (!c) {
            bo_gp_destroy(gp);
            continue;
        }
        CHECK(bo_gp_n(c) == bo_gp_n(gp));
        double X[M * DIM];
        bo_rng rng;
        bo_rng_init(&rng, 5);
        for (size_t i = 0; i < M * DIM; i++)
            X[i] = bo_rng_uniform(&rng);
        for (size_t s = 0; s < n_sources; s++) {
            double m1[M], v1[M], w1[M], m2[M], v2[M], w2[M];
            CHECK(bo_gp_predict_block(gp, M, X, s, m1, v1, w1) == BO_OK);
            CHECK(bo_gp_predict_block(c, M, X, s, m2, v2, w2) == BO_OK);
            CHECK(same_doubles(m1, m2, M) && same_doubles(v1, v2, M) && same_doubles(w1, w2, M));
            double a[2 + 2 * DIM], b[2 + 2 * DIM];
            CHECK(bo_gp_predict_grad(gp, X, s, &a[0], &a[1], a + 2, a + 2 + DIM) == BO_OK);
            CHECK(bo_gp_predict_grad(c, X, s, &b[0], &b[1], b + 2, b + 2 + DIM) == BO_OK);
            CHECK(same_doubles(a, b, 2 + 2 * DIM));
        }
        /* Independent afterwards: dropping the believer points from the
         * copy leaves the original's predictions alone. */
        double before, after;
        CHECK(bo_gp_predict(gp, xp, 0, &before, NULL, NULL) == BO_OK);
        CHECK(bo_gp_truncate(c, N) == BO_OK);
        CHECK(bo_gp_predict(gp, xp, 0, &after, NULL, NULL) == BO_OK);
        CHECK(before == after && bo_gp_n(gp) == N + 2 && bo_gp_n(c) == N);
        bo_gp_destroy(c);
        bo_gp_destroy(gp);
    }
    /* A model with no data yet copies as one that cannot predict. */
    bo_gp_options o;
    bo_gp_options_default(&o, 2);
    bo_gp *empty = bo_gp_create(&o, NULL, 0);
    bo_gp *c = bo_gp_clone(empty, NULL, 0);
    CHECK(c != NULL && bo_gp_n(c) == 0);
    double x[2] = {0.5, 0.5}, mean;
    CHECK(c && bo_gp_predict(c, x, 0, &mean, NULL, NULL) == BO_ESTATE);
    bo_gp_destroy(c);
    bo_gp_destroy(empty);
    char err[128] = "";
    CHECK(bo_gp_clone(NULL, err, sizeof err) == NULL && strstr(err, "NULL") != NULL);
}

/* bo_acq_maximize with 1 thread and with more: the same answer, bit for
 * bit. A different seed must change it (else the comparison is empty). */
static void test_thread_count_does_not_change_the_answer(void)
{
    enum { DIM = 5 };
    struct {
        size_t n_sources;
        bo_acq_kind kind;
    } cases[] = {{1, BO_ACQ_EI}, {1, BO_ACQ_LOGEI}, {3, BO_ACQ_MFCA}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bo_gp *gp = fitted_gp(DIM, 45, cases[c].n_sources, 3 + c);
        CHECK(gp != NULL);
        if (!gp)
            continue;
        bo_acq_options ao;
        bo_acq_options_default(&ao);
        ao.kind = cases[c].kind;
        double cost[3] = {1.0, 0.1, 0.01};
        if (cases[c].n_sources > 1) {
            ao.n_sources = cases[c].n_sources;
            ao.cost = cost;
        }
        double best = -2.0;
        int seeds_differ = 0;
        double x_first[DIM];
        for (uint64_t seed = 1; seed <= 4; seed++) {
            bo_acq_maximizer_options mo;
            bo_acq_maximizer_options_default(&mo);
            mo.seed = seed;
            mo.pool_size = 700; /* 3 blocks, the last one short */
            mo.starts = 6;
            double extra[DIM] = {0.5, 0.5, 0.5, 0.5, 0.5};
            mo.extra_starts = extra;
            mo.n_extra_starts = 1;
            double x1[DIM], v1[3];
            bo_acq_result r1;
            char err[256];
            mo.threads = 1;
            CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, NULL, x1, &r1, v1, err, sizeof err) ==
                  BO_OK);
            CHECK(r1.n_local > 0);
            size_t thread_counts[] = {2, 3, 8};
            for (size_t t = 0; t < 3; t++) {
                double xt[DIM], vt[3];
                bo_acq_result rt;
                mo.threads = thread_counts[t];
                CHECK(bo_acq_maximize(&ao, gp, best, &mo, NULL, NULL, xt, &rt, vt, err,
                                      sizeof err) == BO_OK);
                CHECK_MSG(same_doubles(x1, xt, DIM) && r1.value == rt.value,
                          "case %zu seed %llu, %zu threads", c, (unsigned long long)seed,
                          thread_counts[t]);
                CHECK(same_doubles(v1, vt, cases[c].n_sources));
                CHECK(rt.source == r1.source && rt.n_evals == r1.n_evals &&
                      rt.n_local == r1.n_local && rt.n_local_failed == r1.n_local_failed &&
                      rt.last_nlopt_code == r1.last_nlopt_code);
            }
            if (seed == 1)
                memcpy(x_first, x1, sizeof x_first);
            else if (!same_doubles(x_first, x1, DIM))
                seeds_differ = 1;
        }
        CHECK(seeds_differ);
        bo_gp_destroy(gp);
    }
}

/* A scorer whose blocks take a while and count their calls, one per
 * thread: f(x) = -|x - c|^2. */
typedef struct slow_bowl {
    size_t dim;
    double c[3];
    size_t block_calls, point_calls;
    int fail_corner;    /* a block with a candidate in [0, 1/8]^2 fails */
} slow_bowl;

static double bowl(const slow_bowl *b, const double *x, double *grad)
{
    double f = 0.0;
    for (size_t j = 0; j < b->dim; j++) {
        f -= (x[j] - b->c[j]) * (x[j] - b->c[j]);
        if (grad)
            grad[j] = -2.0 * (x[j] - b->c[j]);
    }
    return f;
}

static bo_status bowl_block(void *ctx, size_t m, const double *X, double *value)
{
    slow_bowl *b = ctx;
    b->block_calls++;
    /* long enough that every thread gets a block */
    nanosleep(&(struct timespec){0, 20000000L}, NULL);
    for (size_t i = 0; i < m; i++)
        value[i] = bowl(b, X + i * b->dim, NULL);
    /* Blocks with a candidate in a corner fail (a scrambled Sobol pool of
     * 512 has 8 there): which blocks is a property of the pool, not of the
     * threads. */
    for (size_t i = 0; i < m; i++)
        if (b->fail_corner && X[i * b->dim] < 0.125 && X[i * b->dim + 1] < 0.125)
            return BO_ENUMERIC;
    return BO_OK;
}

static bo_status bowl_point(void *ctx, const double *x, double *value, double *grad)
{
    slow_bowl *b = ctx;
    b->point_calls++;
    *value = bowl(b, x, grad);
    return BO_OK;
}

static void test_scorers_share_the_work(void)
{
    enum { T = 4 };
    slow_bowl bw[T];
    bo_acq_scorer sc[T];
    for (size_t t = 0; t < T; t++) {
        bw[t] = (slow_bowl){.dim = 3, .c = {0.2, 0.7, 0.4}};
        sc[t] = (bo_acq_scorer){3, 64, &bw[t], bowl_block, bowl_point};
    }
    bo_acq_maximizer_options mo;
    bo_acq_maximizer_options_default(&mo);
    mo.pool_size = 512;
    mo.block_size = 64;
    mo.seed = 9;
    double x1[3], x4[3];
    bo_acq_result r1, r4;
    char err[256];
    CHECK(bo_acq_maximize_scorers(sc, 1, &mo, 0, NULL, x1, &r1, err, sizeof err) == BO_OK);
    CHECK(bw[0].block_calls == 8);
    for (size_t t = 0; t < T; t++)
        bw[t].block_calls = bw[t].point_calls = 0;
    mo.threads = T;
    CHECK(bo_acq_maximize_scorers(sc, T, &mo, 0, NULL, x4, &r4, err, sizeof err) == BO_OK);
    CHECK(same_doubles(x1, x4, 3) && r1.value == r4.value && r1.n_evals == r4.n_evals);
    size_t blocks = 0, used = 0, points = 0;
    for (size_t t = 0; t < T; t++) {
        blocks += bw[t].block_calls;
        points += bw[t].point_calls;
        used += bw[t].block_calls > 0;
    }
    CHECK(blocks == 8 && used >= 2);
    CHECK(points + 512 == r4.n_evals);
    CHECK(fabs(x4[0] - 0.2) < 1e-4 && fabs(x4[1] - 0.7) < 1e-4);

    /* A failing block: the message names the first failing block, as a
     * serial pass would, whichever thread met it first. */
    char err1[256] = "", err4[256] = "";
    for (size_t t = 0; t < T; t++)
        bw[t].fail_corner = 1;
    mo.threads = 1;
    bo_status s1 = bo_acq_maximize_scorers(sc, 1, &mo, 0, NULL, x1, &r1, err1, sizeof err1);
    mo.threads = T;
    bo_status s4 = bo_acq_maximize_scorers(sc, T, &mo, 0, NULL, x4, &r4, err4, sizeof err4);
    CHECK(s1 == BO_ENUMERIC && s4 == BO_ENUMERIC);
    CHECK(strcmp(err1, err4) == 0 && strstr(err1, "candidates") != NULL);
    CHECK(r1.n_evals == r4.n_evals);

    /* Scorers that are not copies of one function are refused. */
    bo_acq_scorer odd[2] = {sc[0], sc[1]};
    odd[1].dim = 2;
    CHECK(bo_acq_maximize_scorers(odd, 2, &mo, 0, NULL, x4, &r4, err, sizeof err) == BO_EINVAL);
    CHECK(strstr(err, "scorer 1") != NULL);
    CHECK(bo_acq_maximize_scorers(sc, 0, &mo, 0, NULL, x4, &r4, err, sizeof err) == BO_EINVAL);
}

int main(void)
{
    test_clone_predicts_the_same();
    test_thread_count_does_not_change_the_answer();
    test_scorers_share_the_work();
    return CHECK_DONE();
}
