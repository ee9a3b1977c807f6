#ifndef BO_REPORT_BENCHMARKS_H
#define BO_REPORT_BENCHMARKS_H

/* What is known about the benchmark objective plugins in plugins/: the
 * design space, the fidelity sources with their costs, the goal, and the
 * known optimum of the target source, for tests and convergence studies
 * (simple regret).
 *
 * The table is static and read-only; nothing here allocates or frees. Each
 * entry's name is the plugin's file name: plugins/NAME.c builds to
 * ${build}/plugins/NAME.so. Inputs are listed in the order the plugin expects
 * them, sources in the plugin's fixed order; source 0 (HF) is always the
 * target. A single-fidelity function has one source, "HF", of cost 1. */

#include <stddef.h>

#include "gp/bo_status.h"

#define BO_BENCHMARK_MAX_DIM 20
#define BO_BENCHMARK_MAX_SOURCES 5
#define BO_BENCHMARK_MAX_CONSTRAINTS 4

typedef enum bo_benchmark_goal {
    BO_BENCHMARK_MINIMIZE = 0,
    BO_BENCHMARK_MAXIMIZE = 1
} bo_benchmark_goal;

typedef struct bo_benchmark {
    const char *name;                                   /* plugin file name */
    const char *title;                                  /* one line for people */
    size_t dim;
    const char *input_names[BO_BENCHMARK_MAX_DIM];
    double lower[BO_BENCHMARK_MAX_DIM];
    double upper[BO_BENCHMARK_MAX_DIM];
    size_t n_sources;                                   /* >= 1 */
    const char *source_names[BO_BENCHMARK_MAX_SOURCES]; /* HF first */
    double source_costs[BO_BENCHMARK_MAX_SOURCES];
    bo_benchmark_goal goal;
    int optimum_known;                /* 0: optimum and argopt are meaningless */
    double optimum;                   /* best noise-free target value in the box */
    double argopt[BO_BENCHMARK_MAX_DIM]; /* one point where it is attained */
    /* Constrained benchmarks (plugins/constrained_plugin.h): the outputs
     * that must satisfy c_j <= constraint_upper[j]; optimum and argopt are
     * then the best feasible value and its point. 0 for the others. */
    size_t n_constraints;
    const char *constraint_names[BO_BENCHMARK_MAX_CONSTRAINTS];
    double constraint_upper[BO_BENCHMARK_MAX_CONSTRAINTS];
} bo_benchmark;

/* The entry named `name`, or NULL when there is none (or name is NULL). */
const bo_benchmark *bo_benchmark_find(const char *name);

/* Number of entries, and entry i (0-based) or NULL when i >= the count:
 * for listing every benchmark. */
size_t bo_benchmark_count(void);
const bo_benchmark *bo_benchmark_at(size_t i);

/* Simple regret of a best target value: best - optimum when minimising,
 * optimum - best when maximising (>= 0 up to the tabulated optimum's
 * rounding, about 1e-12 relative). NaN when the optimum is not known or
 * benchmark is NULL. */
double bo_benchmark_regret(const bo_benchmark *benchmark, double best);

/* "minimize" / "maximize", the spelling of the config's goal: key; and back:
 * BO_OK with *goal set, or BO_EINVAL for NULL or any other text (*goal
 * untouched). */
const char *bo_benchmark_goal_name(bo_benchmark_goal goal);
bo_status bo_benchmark_goal_parse(const char *text, bo_benchmark_goal *goal);

#endif
