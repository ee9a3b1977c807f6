/* Bayesian optimisation over a mixed space with the library pieces of
 * issue 11 -- the GP's latent maps for categorical inputs (gp/gp.h) and the
 * mixed maximiser (acquisition/mixed_search.h) -- against random search and
 * against the same loop on a one-hot encoding (each level a 0/1 input with
 * its own length-scale), on Borehole-Mixed (GP+'s Appendix A.2: r_w and H_l
 * categorical with five levels each, the other six inputs continuous),
 * minimised, and on CoCaBO's Func2C (Ru et al. 2020: two categorical
 * inputs of 3 and 5 levels choosing among Rosenbrock, six-hump camel and
 * Beale terms over two continuous inputs). The loop bo-run's engine runs
 * on mixed inputs, written out on the library pieces (scripts/mixed-bo-run.sh
 * measures bo-run itself): log-EI, a refit per evaluation warm-started from
 * the last, the maximiser excluding every evaluated point.
 *
 * Usage: bench_mixed_bo borehole|func2c SEEDS EVALS [INITIAL]   (e.g. 10 100 10)
 * Prints one line per seed and method with the final simple regret, then,
 * per evaluation, the median regret of each method over the seeds (the
 * convergence figure's data). */
#include "acquisition/acquisition.h"
#include "acquisition/mixed_search.h"
#include "gp/gp.h"
#include "gp/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIM 8
#define MAX_ENC 24

/* A mixed problem: kind, box (real inputs) and levels (categorical ones) of
 * each input, the objective over the mixed encoding (level indices), and
 * its known minimum. */
typedef struct problem {
    const char *name;
    size_t dim;
    bo_var_kind kind[MAX_DIM];
    double lower[MAX_DIM], upper[MAX_DIM];
    size_t levels[MAX_DIM];
    double level_value[2][5];   /* Borehole-Mixed: the levels' hidden values, sorted */
    double (*f)(const struct problem *p, const double *x);
    double fstar;
} problem;

static double borehole(const double *v)
{
    double rw = v[0], r = v[1], tu = v[2], hu = v[3], tl = v[4], hl = v[5], L = v[6], kw = v[7];
    double lr = log(r / rw);
    return 6.283185307179586 * tu * (hu - hl) /
           (lr * (1.0 + 2.0 * L * tu / (lr * rw * rw * kw) + tu / tl));
}

static double borehole_mixed(const problem *p, const double *x)
{
    double v[8];
    memcpy(v, x, sizeof v);
    v[0] = p->level_value[0][(int)x[0]];
    v[5] = p->level_value[1][(int)x[5]];
    return borehole(v);
}

/* Func2C's three terms on u = 2 x in [-2, 2]^2, scaled as CoCaBO scales
 * them: Rosenbrock / 300, six-hump camel / 10, Beale / 50. */
static double func2c_term(int which, double u1, double u2)
{
    if (which == 0)
        return (100.0 * (u2 - u1 * u1) * (u2 - u1 * u1) + (u1 - 1.0) * (u1 - 1.0)) / 300.0;
    if (which == 1)
        return ((4.0 - 2.1 * u1 * u1 + u1 * u1 * u1 * u1 / 3.0) * u1 * u1 + u1 * u2 +
                (-4.0 + 4.0 * u2 * u2) * u2 * u2) / 10.0;
    double a = 1.5 - u1 + u1 * u2, b = 2.25 - u1 + u1 * u2 * u2, c = 2.625 - u1 + u1 * u2 * u2 * u2;
    return (a * a + b * b + c * c) / 50.0;
}

static double func2c(const problem *p, const double *x)
{
    (void)p;
    int h1 = (int)x[0], h2 = (int)x[1];
    double u1 = 2.0 * x[2], u2 = 2.0 * x[3];
    return func2c_term(h1 < 2 ? h1 : 2, u1, u2) + func2c_term(h2 < 2 ? h2 : 2, u1, u2);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int make_problem(const char *name, uint64_t seed, problem *p)
{
    memset(p, 0, sizeof *p);
    if (strcmp(name, "borehole") == 0) {
        static const double lo[8] = {0.05, 100.0, 63070.0, 990.0, 63.1, 700.0, 1120.0, 9855.0};
        static const double hi[8] = {0.15, 50000.0, 115600.0, 1110.0, 116.0, 820.0, 1680.0,
                                     12045.0};
        p->name = "borehole";
        p->dim = 8;
        for (size_t k = 0; k < 8; k++) {
            p->lower[k] = lo[k];
            p->upper[k] = hi[k];
            p->kind[k] = (k == 0 || k == 5) ? BO_VAR_CATEGORICAL : BO_VAR_REAL;
            p->levels[k] = p->kind[k] == BO_VAR_CATEGORICAL ? 5 : 0;
        }
        bo_rng rng;
        bo_rng_init_derived(&rng, seed, 0x6c6576656cULL, 0);
        for (int c = 0; c < 2; c++) {
            int k = c == 0 ? 0 : 5;
            for (int l = 0; l < 5; l++)
                p->level_value[c][l] = lo[k] + (hi[k] - lo[k]) * bo_rng_uniform(&rng);
            qsort(p->level_value[c], 5, sizeof(double), cmp_double);
        }
        p->f = borehole_mixed;
        /* Borehole rises with r_w, T_u, H_u, T_l and K_w and falls with r,
         * H_l and L: its minimum is this corner (with the smallest r_w
         * level and the largest H_l one). */
        double v[8] = {p->level_value[0][0], hi[1], lo[2], lo[3], lo[4], p->level_value[1][4],
                       hi[6], lo[7]};
        p->fstar = borehole(v);
        return 0;
    }
    if (strcmp(name, "func2c") == 0) {
        p->name = "func2c";
        p->dim = 4;
        p->kind[0] = p->kind[1] = BO_VAR_CATEGORICAL;
        p->levels[0] = 3;
        p->levels[1] = 5;
        p->kind[2] = p->kind[3] = BO_VAR_REAL;
        p->lower[2] = p->lower[3] = -1.0;
        p->upper[2] = p->upper[3] = 1.0;
        p->f = func2c;
        /* Both terms six-hump camel at one of its two minima, u = (-0.0898,
         * 0.7126): twice -1.0316285 / 10. */
        double x[4] = {1, 1, -0.0898420131 / 2.0, 0.7126564030 / 2.0};
        p->fstar = func2c(p, x);
        return 0;
    }
    return -1;
}

static size_t encoded_dim(const problem *p)
{
    size_t e = 0;
    for (size_t k = 0; k < p->dim; k++)
        e += p->kind[k] == BO_VAR_CATEGORICAL ? p->levels[k] : 1;
    return e;
}

static void random_point(const problem *p, bo_rng *rng, double *x)
{
    for (size_t k = 0; k < p->dim; k++)
        x[k] = p->kind[k] == BO_VAR_CATEGORICAL
                   ? (double)bo_rng_below(rng, p->levels[k])
                   : p->lower[k] + (p->upper[k] - p->lower[k]) * bo_rng_uniform(rng);
}

/* The one-hot model's view of a mixed point. */
static void encode(const problem *p, const double *x, double *e)
{
    size_t j = 0;
    for (size_t k = 0; k < p->dim; k++) {
        if (p->kind[k] == BO_VAR_CATEGORICAL) {
            for (size_t l = 0; l < p->levels[k]; l++)
                e[j++] = (size_t)x[k] == l ? 1.0 : 0.0;
        } else {
            e[j++] = x[k];
        }
    }
}

typedef struct scorer_ctx {
    const problem *p;
    bo_acq_evaluator *ev;
    int onehot;
    double *buf;    /* 256 x MAX_ENC */
    double grad[MAX_ENC];
} scorer_ctx;

static bo_status block_cb(void *ctx, size_t m, const double *X, double *value)
{
    scorer_ctx *c = ctx;
    if (!c->onehot)
        return bo_acq_evaluate_block(c->ev, m, X, value);
    size_t ed = encoded_dim(c->p);
    for (size_t i = 0; i < m; i++)
        encode(c->p, X + i * c->p->dim, c->buf + i * ed);
    return bo_acq_evaluate_block(c->ev, m, c->buf, value);
}

static bo_status point_cb(void *ctx, const double *x, double *value, double *grad)
{
    scorer_ctx *c = ctx;
    if (!c->onehot)
        return bo_acq_evaluate(c->ev, x, value, grad);
    encode(c->p, x, c->buf);
    bo_status st = bo_acq_evaluate(c->ev, c->buf, value, grad ? c->grad : NULL);
    if (st == BO_OK && grad) {
        size_t j = 0;
        for (size_t k = 0; k < c->p->dim; k++) {
            if (c->p->kind[k] == BO_VAR_CATEGORICAL) {
                grad[k] = 0.0;
                j += c->p->levels[k];
            } else {
                grad[k] = c->grad[j++];
            }
        }
    }
    return st;
}

enum { M_LATENT = 0, M_ONEHOT, M_RANDOM, N_METHODS };
static const char *const method_name[N_METHODS] = {"latent", "onehot", "random"};

/* One run; best[i] is the best value after i + 1 evaluations. */
static int run(const problem *p, int method, uint64_t seed, size_t evals, size_t initial,
               double *best)
{
    size_t dim = p->dim, ed = encoded_dim(p);
    bo_rng rng;
    bo_rng_init_derived(&rng, seed, 0x6d697865ULL, 1);
    double *X = malloc(evals * dim * sizeof *X), *E = malloc(evals * ed * sizeof *E);
    double *y = malloc(evals * sizeof *y), *theta = NULL;
    bo_gp *gp = NULL;
    int rc = -1;
    if (!X || !E || !y)
        goto done;
    if (method != M_RANDOM) {
        bo_gp_options opt;
        double elo[MAX_ENC], ehi[MAX_ENC];
        size_t j = 0;
        for (size_t k = 0; k < dim; k++) {
            if (p->kind[k] == BO_VAR_CATEGORICAL) {
                for (size_t l = 0; l < p->levels[k]; l++, j++) {
                    elo[j] = 0.0;
                    ehi[j] = 1.0;
                }
            } else {
                elo[j] = p->lower[k];
                ehi[j++] = p->upper[k];
            }
        }
        bo_gp_options_default(&opt, method == M_ONEHOT ? ed : dim);
        opt.lower = method == M_ONEHOT ? elo : p->lower;
        opt.upper = method == M_ONEHOT ? ehi : p->upper;
        opt.n_levels = method == M_ONEHOT ? NULL : p->levels;
        opt.seed = seed;
        gp = bo_gp_create(&opt, NULL, 0);
        if (!gp)
            goto done;
        theta = malloc(bo_gp_n_hyper(gp) * sizeof *theta);
        if (!theta)
            goto done;
    }
    for (size_t i = 0; i < evals; i++) {
        double *x = X + i * dim;
        if (method == M_RANDOM || i < initial) {
            random_point(p, &rng, x);
        } else {
            const double *data = method == M_ONEHOT ? E : X;
            if (bo_gp_set_data(gp, i, data, NULL, y, NULL) != BO_OK ||
                bo_gp_fit(gp, i > initial ? theta : NULL) != BO_OK)
                goto done;
            bo_gp_get_hyper(gp, theta);
            double incumbent = y[0];
            for (size_t q = 1; q < i; q++)
                incumbent = fmin(incumbent, y[q]);
            bo_acq_options acq;
            bo_acq_options_default(&acq);
            acq.kind = BO_ACQ_LOGEI;
            scorer_ctx c = {p, NULL, method == M_ONEHOT, NULL, {0}};
            c.ev = bo_acq_evaluator_create(&acq, gp, incumbent, 256, NULL, 0);
            c.buf = malloc(256 * MAX_ENC * sizeof *c.buf);
            if (!c.ev || !c.buf) {
                bo_acq_evaluator_destroy(c.ev);
                free(c.buf);
                goto done;
            }
            bo_mixed_space space = {dim, p->kind, p->lower, p->upper, p->levels};
            bo_mixed_options mo;
            bo_mixed_options_default(&mo);
            bo_rng move;
            bo_rng_init_derived(&move, seed, 0x6d6f7665ULL, (uint64_t)i);
            mo.seed = bo_rng_u64(&move);
            bo_acq_scorer sc = {dim, 256, &c, block_cb, point_cb};
            double value;
            char err[256];
            bo_status st = bo_mixed_maximize(&sc, &space, &mo, i, X, x, &value, NULL, err,
                                             sizeof err);
            bo_acq_evaluator_destroy(c.ev);
            free(c.buf);
            if (st != BO_OK) {
                fprintf(stderr, "seed %llu eval %zu: %s\n", (unsigned long long)seed, i, err);
                goto done;
            }
        }
        encode(p, x, E + i * ed);
        y[i] = p->f(p, x);
        best[i] = i == 0 ? y[i] : fmin(best[i - 1], y[i]);
    }
    rc = 0;
done:
    bo_gp_destroy(gp);
    free(theta);
    free(X);
    free(E);
    free(y);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_mixed_bo borehole|func2c SEEDS EVALS [INITIAL]\n");
        return 2;
    }
    problem probe;
    size_t seeds = (size_t)atoi(argv[2]), evals = (size_t)atoi(argv[3]);
    size_t initial = argc > 4 ? (size_t)atoi(argv[4]) : 10;
    if (make_problem(argv[1], 1, &probe) != 0 || seeds == 0 || evals == 0 || initial == 0 ||
        initial > evals) {
        fprintf(stderr, "bench_mixed_bo: need a problem (borehole, func2c), SEEDS >= 1 and "
                        "1 <= INITIAL <= EVALS\n");
        return 2;
    }
    double *regret = malloc(N_METHODS * seeds * evals * sizeof *regret);
    double *best = malloc(evals * sizeof *best), *col = malloc(seeds * sizeof *col);
    if (!regret || !best || !col)
        return 1;
    for (size_t s = 0; s < seeds; s++) {
        problem p;
        make_problem(argv[1], s + 1, &p);
        for (int m = 0; m < N_METHODS; m++) {
            if (run(&p, m, s + 1, evals, initial, best) != 0) {
                fprintf(stderr, "bench_mixed_bo: seed %zu, %s failed\n", s + 1, method_name[m]);
                return 1;
            }
            for (size_t i = 0; i < evals; i++) {
                /* The known minimum: nothing may beat it. */
                if (best[i] < p.fstar - 1e-6 * fabs(p.fstar)) {
                    fprintf(stderr, "bench_mixed_bo: %.10g below the optimum %.10g\n", best[i],
                            p.fstar);
                    return 1;
                }
                regret[(m * seeds + s) * evals + i] = fmax(best[i] - p.fstar, 0.0);
            }
            printf("%s seed %2zu  %-7s final regret %.6g (optimum %.6g)\n", p.name, s + 1,
                   method_name[m], regret[(m * seeds + s) * evals + evals - 1], p.fstar);
            fflush(stdout);
        }
    }
    printf("# median regret over %zu seeds by evaluation: eval", seeds);
    for (int m = 0; m < N_METHODS; m++)
        printf(" %s", method_name[m]);
    printf("\n");
    for (size_t i = 0; i < evals; i++) {
        printf("%zu", i + 1);
        for (int m = 0; m < N_METHODS; m++) {
            for (size_t s = 0; s < seeds; s++)
                col[s] = regret[(m * seeds + s) * evals + i];
            qsort(col, seeds, sizeof *col, cmp_double);
            double med = seeds % 2 ? col[seeds / 2] : 0.5 * (col[seeds / 2 - 1] + col[seeds / 2]);
            printf(" %.6g", med);
        }
        printf("\n");
    }
    free(regret);
    free(best);
    free(col);
    return 0;
}
