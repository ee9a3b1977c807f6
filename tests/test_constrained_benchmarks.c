/* The constrained benchmark plugins (plugins/constrained_plugin.h) against
 * their table rows: the tabulated optimum is the objective at argopt, argopt
 * is feasible, no feasible point of a dense grid beats it, a constrained
 * local search (NLopt's COBYLA) from the grid's best feasible point and from
 * argopt reaches it and goes no lower; the outputs match the published
 * formulas written out here; the penalty param adds P times the violation;
 * a bad param is refused. */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo_plugin.h"
#include "bo/report/benchmarks.h"
#include "tests/check.h"

#define PI 3.14159265358979323846

typedef struct problem {
    const bo_benchmark *b;
    const bo_plugin *p;
    void *state;
} problem;

static const bo_plugin *load(const char *name, void **handle)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/plugins/%s.so", BO_BINARY_DIR, name);
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!*handle)
        return NULL;
    void *sym = dlsym(*handle, BO_PLUGIN_ENTRY_SYMBOL);
    if (!sym)
        return NULL;
    const bo_plugin *(*entry)(void);
    memcpy(&entry, &sym, sizeof entry);
    return entry();
}

/* Evaluations that reported a failure (none should); checked once at the
 * end rather than a CHECK per call. */
static size_t failed_evaluations;

static double objective(const problem *pr, const double *x, double *c)
{
    double y = NAN, out[BO_BENCHMARK_MAX_CONSTRAINTS];
    char err[256];
    for (size_t j = 0; j < pr->b->n_constraints; j++)
        out[j] = NAN;
    if (pr->p->evaluate_outputs(pr->state, x, pr->b->dim, 0, NULL, &y, out, err, sizeof err) !=
        0)
        failed_evaluations++;
    if (c)
        memcpy(c, out, pr->b->n_constraints * sizeof *c);
    return y;
}

static int feasible(const problem *pr, const double *c, double slack)
{
    for (size_t j = 0; j < pr->b->n_constraints; j++)
        if (!(c[j] <= pr->b->constraint_upper[j] + slack))
            return 0;
    return 1;
}

static double nl_objective(unsigned n, const double *x, double *grad, void *data)
{
    (void)n;
    (void)grad;
    return objective(data, x, NULL);
}

typedef struct nl_constraint {
    const problem *pr;
    size_t j;
} nl_constraint;

static double nl_constraint_fn(unsigned n, const double *x, double *grad, void *data)
{
    (void)n;
    (void)grad;
    const nl_constraint *k = data;
    double c[BO_BENCHMARK_MAX_CONSTRAINTS];
    objective(k->pr, x, c);
    return c[k->j] - k->pr->b->constraint_upper[k->j];
}

/* COBYLA from x (overwritten); returns the value reached (NaN on failure). */
static double polish(const problem *pr, double *x)
{
    const bo_benchmark *b = pr->b;
    nlopt_opt o = nlopt_create(NLOPT_LN_COBYLA, (unsigned)b->dim);
    nl_constraint k[BO_BENCHMARK_MAX_CONSTRAINTS];
    nlopt_set_lower_bounds(o, b->lower);
    nlopt_set_upper_bounds(o, b->upper);
    nlopt_set_min_objective(o, nl_objective, (void *)pr);
    for (size_t j = 0; j < b->n_constraints; j++) {
        k[j] = (nl_constraint){pr, j};
        nlopt_add_inequality_constraint(o, nl_constraint_fn, &k[j], 1e-12);
    }
    nlopt_set_xtol_rel(o, 1e-12);
    nlopt_set_maxeval(o, 20000);
    nlopt_set_initial_step1(o, 1e-3 * (b->upper[0] - b->lower[0]));
    double f = NAN;
    nlopt_result r = nlopt_optimize(o, x, &f);
    nlopt_destroy(o);
    return r > 0 ? f : NAN;
}

static void check_problem(const char *name, int grid)
{
    const bo_benchmark *b = bo_benchmark_find(name);
    CHECK(b != NULL && b->n_constraints > 0 && b->dim == 2);
    if (!b)
        return;
    void *handle;
    problem pr = {b, load(name, &handle), NULL};
    CHECK_MSG(pr.p != NULL, "%s: not loadable", name);
    if (!pr.p)
        return;
    CHECK(pr.p->n_outputs == b->n_constraints && pr.p->evaluate_outputs != NULL);
    for (size_t j = 0; j < b->n_constraints; j++)
        CHECK(strcmp(pr.p->output_names[j], b->constraint_names[j]) == 0);
    char err[256];
    CHECK(pr.p->init(&pr.state, NULL, 0, b->dim, 1, err, sizeof err) == 0);

    double c[BO_BENCHMARK_MAX_CONSTRAINTS];
    CHECK_CLOSE(objective(&pr, b->argopt, c), b->optimum, 1e-14, 1e-14);
    CHECK_MSG(feasible(&pr, c, 1e-12), "%s: argopt infeasible (c1 = %g)", name, c[0]);

    /* Every feasible grid point is no better than the optimum. */
    double best = INFINITY, best_x[2] = {0, 0}, x[2];
    size_t n_feasible = 0;
    for (int i = 0; i <= grid; i++)
        for (int k = 0; k <= grid; k++) {
            x[0] = b->lower[0] + (b->upper[0] - b->lower[0]) * i / grid;
            x[1] = b->lower[1] + (b->upper[1] - b->lower[1]) * k / grid;
            double f = objective(&pr, x, c);
            if (!feasible(&pr, c, 0.0))
                continue;
            n_feasible++;
            if (f < best) {
                best = f;
                memcpy(best_x, x, sizeof x);
            }
        }
    CHECK_MSG(best >= b->optimum - 1e-12, "%s: grid reached %.15g, table %.15g", name, best,
              b->optimum);
    /* ... and close to it: the grid resolves the optimum. */
    CHECK_MSG(best - b->optimum < 1e-2, "%s: grid best %.15g, table %.15g", name, best,
              b->optimum);
    CHECK(n_feasible > 0 && n_feasible < (size_t)(grid + 1) * (size_t)(grid + 1));

    /* Polished under the constraints, from the grid's best and from next
     * to argopt: the optimum, and nothing lower. */
    double from_grid = polish(&pr, best_x);
    objective(&pr, best_x, c);
    CHECK_MSG(feasible(&pr, c, 1e-9), "%s: polish ended infeasible", name);
    CHECK_MSG(fabs(from_grid - b->optimum) < 1e-7, "%s: polish from the grid reached %.15g, "
              "table %.15g", name, from_grid, b->optimum);
    x[0] = b->argopt[0] + 1e-3 * (b->upper[0] - b->lower[0]);
    x[1] = fmin(b->upper[1], b->argopt[1] + 1e-3 * (b->upper[1] - b->lower[1]));
    double from_argopt = polish(&pr, x);
    objective(&pr, x, c);
    CHECK_MSG(from_argopt >= b->optimum - 1e-9 || !feasible(&pr, c, 1e-9),
              "%s: polish near argopt reached %.15g, table %.15g", name, from_argopt,
              b->optimum);
    pr.p->fini(pr.state);
    dlclose(handle);
}

/* The published formulas, written out again, and the penalty param. */
static void check_values(void)
{
    void *handle;
    const bo_plugin *p = load("gramacy_toy", &handle);
    CHECK(p != NULL);
    if (!p)
        return;
    const bo_plugin_param pen[] = {{"penalty", "10"}};
    void *plain = NULL, *penal = NULL;
    char err[256];
    CHECK(p->init(&plain, NULL, 0, 2, 1, err, sizeof err) == 0);
    CHECK(p->init(&penal, pen, 1, 2, 1, err, sizeof err) == 0);
    const double pts[][2] = {{0.1, 0.1}, {0.9, 0.8}, {0.3, 0.7}, {1.0, 1.0}};
    for (size_t i = 0; i < 4; i++) {
        const double *x = pts[i];
        double c1 = 1.5 - x[0] - 2 * x[1] - 0.5 * sin(2 * PI * (x[0] * x[0] - 2 * x[1]));
        double c2 = x[0] * x[0] + x[1] * x[1] - 1.5;
        double y, out[2], yp, outp[2];
        CHECK(p->evaluate_outputs(plain, x, 2, 0, NULL, &y, out, err, sizeof err) == 0);
        CHECK(p->evaluate_outputs(penal, x, 2, 0, NULL, &yp, outp, err, sizeof err) == 0);
        CHECK_CLOSE(y, x[0] + x[1], 1e-15, 0.0);
        CHECK_CLOSE(out[0], c1, 1e-13, 1e-15);
        CHECK_CLOSE(out[1], c2, 1e-13, 1e-15);
        CHECK_CLOSE(yp, x[0] + x[1] + 10.0 * (fmax(0.0, c1) + fmax(0.0, c2)), 1e-13, 1e-15);
        double y_plain;
        CHECK(p->evaluate(penal, x, 2, 0, &y_plain, err, sizeof err) == 0 && y_plain == yp);
    }
    /* (0.1, 0.1) breaks c1, (1, 1) both: the penalty is not vacuous. */
    CHECK(1.5 - 0.3 - 0.5 * sin(2 * PI * (0.01 - 0.2)) > 0.0);
    p->fini(plain);
    p->fini(penal);
    const bo_plugin_param bad[][1] = {{{"penalty", "-1"}}, {{"penalty", "x"}}, {{"weight", "1"}}};
    const char *says[] = {"param penalty: '-1' is not a finite number >= 0",
                          "param penalty: 'x' is not", "unknown param 'weight' (known: penalty)"};
    for (size_t k = 0; k < 3; k++) {
        void *s = NULL;
        err[0] = '\0';
        CHECK(p->init(&s, bad[k], 1, 2, 1, err, sizeof err) != 0);
        CHECK_MSG(strstr(err, says[k]) && strstr(err, "gramacy_toy"), "%s", err);
    }
    void *s = NULL;
    CHECK(p->init(&s, NULL, 0, 3, 1, err, sizeof err) != 0 && strstr(err, "needs 2 inputs"));
    dlclose(handle);

    p = load("gardner_toy", &handle);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK(p->init(&plain, NULL, 0, 2, 1, err, sizeof err) == 0);
    double x[2] = {1.0, 4.0}, y, out[1];
    CHECK(p->evaluate_outputs(plain, x, 2, 0, NULL, &y, out, err, sizeof err) == 0);
    CHECK_CLOSE(y, cos(2.0) * cos(4.0) + sin(1.0), 1e-15, 0.0);
    CHECK_CLOSE(out[0], cos(5.0), 1e-14, 1e-15);
    p->fini(plain);
    dlclose(handle);
}

int main(void)
{
    check_problem("gardner_toy", 1200);
    check_problem("gramacy_toy", 1200);
    check_values();
    CHECK(failed_evaluations == 0);
    return CHECK_DONE();
}
