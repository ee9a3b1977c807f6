#ifndef BO_REPORT_STUDY_H
#define BO_REPORT_STUDY_H

/* Convergence studies: many bo-run output folders (one per seed) under one
 * label per method, aggregated into median and interquartile curves of the
 * best target value (or its simple regret when the optimum is known) against
 * evaluations and cumulative cost, the cost to reach a tolerance, and the
 * time per iteration. docs/study.md is the user's description; the
 * definitions that the numbers rely on are:
 *
 * - Value of a run after a history row: the row's `best` column; its
 *   simple regret |best - optimum| when the run's config is a benchmark with
 *   a known optimum (every run of a label is then in regret, or none is).
 *   Before the first successful target evaluation a run has no value and
 *   contributes to no curve point.
 * - Evaluation counts (the evaluation curve, the --evals table, evaluations
 *   to tolerance) count the target source's evaluations only, failed ones
 *   included: after k of them a run's value is its value after the row of
 *   its k-th target evaluation. Other sources' evaluations count in the
 *   cost, so multi-fidelity and single-fidelity runs compare fairly on both
 *   axes.
 * - Quantiles: linear interpolation between order statistics (Hyndman and
 *   Fan type 7, R's default): for n sorted values x[0..n-1] and probability
 *   p, h = (n-1)p, Q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 *   Infinite values sort last and interpolating towards one gives infinity.
 * - A run "finished" when its own stopping rule ended it (max_evaluations
 *   reached, the next evaluation's cost could exceed max_cost, target_value
 *   reached, max_no_improvement reached), judged from its config and
 *   history. A finished run's final value stands for every later
 *   target-evaluation count and cost; a run that did not finish (killed, still
 *   running) contributes only up to its last evaluation and its final cost.
 * - Cost grid: cost_points points shared by all labels, from the smallest
 *   cumulative cost at which any run has a value to the largest final cost;
 *   log-spaced when these span more than a factor 20, else linear. At grid
 *   cost c a run contributes its value after the last evaluation whose
 *   cum_cost <= c.
 * - Tolerance: a run reaches it at the first evaluation where
 *   |best - optimum| <= tol |optimum| (tol absolute when the optimum is 0);
 *   never reached = infinite cost and target evaluations (sorted last).
 * - Time per iteration: the `suggest_seconds` column (the time to choose the
 *   point) of the rows of phase `bo`, averaged over all runs of the label,
 *   and per bucket of history rows, every source's (1..W, W+1..2W, ...).
 */

#include <stddef.h>
#include <stdio.h>

#include "gp/bo_status.h"

typedef struct bo_study_options {
    const size_t *evals;    /* target-evaluation counts for the table (borrowed) */
    size_t n_evals;
    double tol;             /* relative tolerance to the optimum, > 0 */
    size_t cost_points;     /* points of the cost grid, >= 2 */
    size_t time_bucket;     /* evaluations per time bucket, >= 1 */
} bo_study_options;

/* Defaults: evals 10,20,50,100, tol 0.01, cost_points 200, time_bucket 100. */
void bo_study_options_default(bo_study_options *opt);

/* Median and quartiles of n values; all NaN when n is 0. */
typedef struct bo_study_stats {
    double median;
    double q1;
    double q3;
    size_t n;
} bo_study_stats;

/* What one run folder says, after reading. */
typedef struct bo_study_run_info {
    const char *dir;        /* RUNS_DIR/SUBFOLDER */
    size_t n_evals;         /* rows of its history: evaluations of every source */
    double final_cost;      /* cum_cost of the last row; 0 without rows */
    double final_value;     /* value after the last row; NaN when none */
    int finished;           /* its stopping rule ended it (see above) */
    double cost_to_tol;     /* INFINITY when never reached, NaN when no optimum */
    double evals_to_tol;    /* likewise, as a count of target evaluations */
    size_t n_target_evals;  /* rows of the target source */
} bo_study_run_info;

/* The aggregate of one label. Arrays live as long as the study. */
typedef struct bo_study_label {
    const char *name;
    const char *runs_dir;
    const char *problem;            /* benchmark name, or the plugin/command path */
    const char *target_source;      /* the target source's name (first run's config) */
    int multi_fidelity;             /* some run evaluated another source */
    size_t n_runs;
    const bo_study_run_info *runs;  /* n_runs entries, in folder-name order */
    int regret;                     /* 1: values are simple regret, 0: best values */
    double optimum;                 /* when regret */
    int maximize;                   /* when regret: the benchmark is maximised */
    size_t n_eval_points;           /* largest target-evaluation count of any run */
    const bo_study_stats *eval_curve; /* [k - 1]: after k target evaluations */
    const bo_study_stats *cost_curve; /* [i]: at bo_study_cost_grid()[i] */
    const bo_study_stats *at_evals;   /* [j]: after options.evals[j] target evaluations */
    bo_study_stats cost_to_tol;     /* over all runs (n = n_runs); NaN when no optimum */
    bo_study_stats evals_to_tol;
    size_t n_reached;               /* runs that reached the tolerance */
    double seconds_mean;            /* per bo iteration; NaN without bo rows */
    size_t n_bo_rows;
    size_t n_buckets;               /* buckets of time_bucket history rows */
    const double *bucket_seconds;   /* mean per bucket; NaN when it has no bo row */
    const size_t *bucket_rows;
} bo_study_label;

typedef struct bo_study bo_study;

/* Quantile p in [0, 1] of n >= 1 sorted values, type 7 (see above); NaN
 * when n is 0. */
double bo_study_quantile(const double *sorted, size_t n, double p);

/* Median and quartiles of n values (any order; the array is sorted in
 * place). NaN values must not be passed. */
bo_study_stats bo_study_stats_of(double *values, size_t n);

/* A new empty study; the options are copied (evals too). NULL with a message
 * in err when an option is out of range or memory runs out. */
bo_study *bo_study_create(const bo_study_options *opt, char *err, size_t errlen);
void bo_study_destroy(bo_study *study);

/* Reads every run under runs_dir into a new label: each sub-folder (sorted by
 * name) that holds a history.csv is a run and must hold its config.yaml too;
 * sub-folders without history.csv are skipped and listed in the summary.
 * The label must be made of [A-Za-z0-9._+-] and not used before. Errors,
 * each naming the folder or file (bo_study_errmsg): BO_EINVAL (bad or
 * duplicate label; runs of different problems under one label), BO_EIO
 * (missing folder, no runs, unreadable file), BO_EPARSE (config or history
 * that does not parse), BO_ENOMEM, BO_ESTATE (called after compute). The
 * study is unchanged on error. */
bo_status bo_study_add(bo_study *study, const char *label, const char *runs_dir);

/* Builds the cost grid and every label's statistics; at least one label.
 * Errors: BO_ESTATE (no label, or computed already), BO_ENOMEM. */
bo_status bo_study_compute(bo_study *study);

/* After compute: the labels in the order they were added, and the grid. */
size_t bo_study_label_count(const bo_study *study);
const bo_study_label *bo_study_label_at(const bo_study *study, size_t i);
const double *bo_study_cost_grid(const bo_study *study, size_t *n, int *log_spaced);

/* Writes the summary (see docs/study.md) to out. BO_EIO when writing fails,
 * BO_ESTATE before compute. */
bo_status bo_study_write_summary(const bo_study *study, FILE *out);

/* Whether the study has a best-value figure: every label is the same
 * benchmark with a known optimum (same name, optimum and goal). Its curves
 * are optimum + regret when minimising, optimum - regret when maximising,
 * at the cost grid; the summary says why there is none when some label has
 * an optimum. 0 before compute. */
int bo_study_has_value_figure(const bo_study *study);

/* Writes into the existing folder dir: cost_curve.csv, eval_curve.csv,
 * runs.csv (each run's final value), summary.txt, and the figure's data and script: study_eval.dat,
 * study_cost.dat, study.gp; with a best-value figure also study_value.dat
 * and study_value.gp, without one those files and study_value.png are
 * removed from dir (they would be an earlier study's). BO_EIO names the file
 * that could not be written; BO_ESTATE before compute. */
bo_status bo_study_write_outputs(bo_study *study, const char *dir);

/* Runs gnuplot on dir/study.gp (written by bo_study_write_outputs) to draw
 * dir/study.png, and on dir/study_value.gp for dir/study_value.png when the
 * study has a best-value figure. *drawn is 1 when study.png was drawn, 0 when
 * gnuplot is not on PATH (not an error). BO_EIO with a message when gnuplot
 * fails. */
bo_status bo_study_draw(bo_study *study, const char *dir, int *drawn);

/* The message of the last failed call; "" when none. */
const char *bo_study_errmsg(const bo_study *study);

#endif
