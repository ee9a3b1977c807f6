#define _POSIX_C_SOURCE 200809L

#include "bo/report/study.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/report/benchmarks.h"
#include "bo/config/config.h"
#include "bo/io/atomic_file.h"
#include "bo/io/history.h"
#include "bo/io/plot.h"
#include "bo/report/run_report.h"

/* Costs spanning more than this factor get a log-spaced grid (and axis). */
#define STUDY_LOG_SPAN 20.0
/* Regret is drawn on a log axis: an exact hit (regret 0) is kept on the plot
 * at the smallest distinction double precision makes. The CSV files keep the
 * true values. */
#define STUDY_PLOT_FLOOR 1e-16

static const size_t default_evals[] = {10, 20, 50, 100};

typedef struct study_run {
    bo_study_run_info info;
    char *dir;
    double *cum_cost;   /* per row */
    double *value;      /* per row: regret or best; NaN before the first target value */
    double *seconds;    /* per row: NaN for rows that are not of phase bo */
    double *target_value; /* [k - 1]: the value after the k-th target evaluation
                             (info.n_target_evals of them) */
    double first_cost;  /* cum_cost of the first row with a value; INFINITY if none */
} study_run;

typedef struct study_label {
    bo_study_label pub;
    char *name;
    char *runs_dir;
    char *problem;
    char *target_source;
    study_run *runs;
    size_t n_runs;
    bo_study_run_info *infos;
    char **skipped;     /* sub-folders without history.csv */
    size_t n_skipped;
    bo_study_stats *eval_curve;
    bo_study_stats *cost_curve;
    bo_study_stats *at_evals;
    double *bucket_seconds;
    size_t *bucket_rows;
} study_label;

struct bo_study {
    bo_study_options opt;
    size_t *evals;
    study_label *labels;
    size_t n_labels;
    size_t cap_labels;
    double *grid;
    size_t n_grid;
    int log_grid;
    int computed;
    int value_figure;       /* study_value.gp and .dat are written (see study_decide_value_figure) */
    char value_skip[1024];  /* why not, when some label has an optimum; "" otherwise */
    /* The output file being written. Outputs are written one at a time, each
     * gathered in memory and renamed into place whole, so an interrupted or
     * disk-full study never leaves a truncated summary or curve beside the
     * previous complete one. */
    bo_atomic_file out_file;
    char err[8192];
};

static bo_status study_fail(bo_study *s, bo_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return st;
}

static char *study_strdup(const char *text)
{
    size_t len = strlen(text) + 1;
    char *copy = malloc(len);
    if (copy)
        memcpy(copy, text, len);
    return copy;
}

/* dir/name into buf; BO_EINVAL naming the path when it does not fit. */
static bo_status study_join(bo_study *s, char *buf, size_t len, const char *dir,
                            const char *name)
{
    int n = snprintf(buf, len, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= len)
        return study_fail(s, BO_EINVAL, "%s/%s: path too long", dir, name);
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Quantiles                                                           */

double bo_study_quantile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    double frac = h - (double)lo;
    /* Interpolating towards an infinite value (a run that never reached the
     * tolerance) must give infinity, and inf - inf must not give NaN. */
    if (frac == 0.0 || sorted[lo] == sorted[lo + 1])
        return sorted[lo];
    if (isinf(sorted[lo + 1]))
        return sorted[lo + 1];
    return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

static int study_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bo_study_stats bo_study_stats_of(double *values, size_t n)
{
    bo_study_stats st = {NAN, NAN, NAN, n};
    if (n == 0)
        return st;
    qsort(values, n, sizeof *values, study_compare_doubles);
    st.median = bo_study_quantile(values, n, 0.5);
    st.q1 = bo_study_quantile(values, n, 0.25);
    st.q3 = bo_study_quantile(values, n, 0.75);
    return st;
}

/* ------------------------------------------------------------------ */
/* Options, create, destroy                                            */

void bo_study_options_default(bo_study_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->evals = default_evals;
    opt->n_evals = sizeof default_evals / sizeof default_evals[0];
    opt->tol = 0.01;
    opt->cost_points = 200;
    opt->time_bucket = 100;
}

bo_study *bo_study_create(const bo_study_options *opt, char *err, size_t errlen)
{
    if (!opt || !(opt->tol > 0.0) || !isfinite(opt->tol)) {
        snprintf(err, errlen, "tolerance must be a positive number (got %g)", opt ? opt->tol : NAN);
        return NULL;
    }
    if (opt->cost_points < 2) {
        snprintf(err, errlen, "cost grid needs at least 2 points (got %zu)", opt->cost_points);
        return NULL;
    }
    if (opt->time_bucket < 1) {
        snprintf(err, errlen, "time bucket must hold at least 1 evaluation");
        return NULL;
    }
    if (opt->n_evals > 0 && !opt->evals) {
        snprintf(err, errlen, "evaluation counts missing");
        return NULL;
    }
    for (size_t j = 0; j < opt->n_evals; j++) {
        if (opt->evals[j] < 1) {
            snprintf(err, errlen, "evaluation counts must be >= 1 (entry %zu is 0)", j + 1);
            return NULL;
        }
    }
    bo_study *s = calloc(1, sizeof *s);
    if (!s)
        goto nomem;
    s->opt = *opt;
    if (opt->n_evals > 0) {
        s->evals = malloc(opt->n_evals * sizeof *s->evals);
        if (!s->evals)
            goto nomem;
        memcpy(s->evals, opt->evals, opt->n_evals * sizeof *s->evals);
    }
    s->opt.evals = s->evals;
    return s;
nomem:
    free(s);
    snprintf(err, errlen, "out of memory");
    return NULL;
}

static void study_run_cleanup(study_run *r)
{
    free(r->dir);
    free(r->cum_cost);
    free(r->value);
    free(r->seconds);
    free(r->target_value);
}

static void study_label_cleanup(study_label *l)
{
    for (size_t i = 0; i < l->n_runs; i++)
        study_run_cleanup(&l->runs[i]);
    for (size_t i = 0; i < l->n_skipped; i++)
        free(l->skipped[i]);
    free(l->skipped);
    free(l->runs);
    free(l->infos);
    free(l->name);
    free(l->runs_dir);
    free(l->problem);
    free(l->target_source);
    free(l->eval_curve);
    free(l->cost_curve);
    free(l->at_evals);
    free(l->bucket_seconds);
    free(l->bucket_rows);
    memset(l, 0, sizeof *l);
}

void bo_study_destroy(bo_study *study)
{
    if (!study)
        return;
    for (size_t i = 0; i < study->n_labels; i++)
        study_label_cleanup(&study->labels[i]);
    free(study->labels);
    free(study->evals);
    free(study->grid);
    free(study);
}

const char *bo_study_errmsg(const bo_study *study)
{
    return study ? study->err : "";
}

/* ------------------------------------------------------------------ */
/* Reading one run                                                     */

/* bo_run_known_benchmark asks the config's target source to carry the
 * table's source name ("HF"); a single-fidelity config names its only source
 * freely ("f" by default) and still evaluates the plugin's source 0, the
 * target, so such a config is recognised here by everything else. */
/* Whether two run configs pose the same problem: objective, goal, design
 * space, sources and target. Method settings (model, acquisition, budget,
 * seed) may differ. On a difference the key goes to what. */
static int study_same_problem(const bo_config *a, const bo_config *b, char *what, size_t len)
{
    if ((a->objective.plugin == NULL) != (b->objective.plugin == NULL) ||
        (a->objective.plugin && strcmp(a->objective.plugin, b->objective.plugin) != 0)) {
        snprintf(what, len, "objective.plugin");
        return 0;
    }
    if (a->objective.n_command != b->objective.n_command) {
        snprintf(what, len, "objective.command");
        return 0;
    }
    for (size_t i = 0; i < a->objective.n_command; i++) {
        if (strcmp(a->objective.command[i], b->objective.command[i]) != 0) {
            snprintf(what, len, "objective.command[%zu]", i);
            return 0;
        }
    }
    if (a->objective.n_params != b->objective.n_params) {
        snprintf(what, len, "objective.params");
        return 0;
    }
    for (size_t i = 0; i < a->objective.n_params; i++) {
        if (strcmp(a->objective.params[i].key, b->objective.params[i].key) != 0 ||
            strcmp(a->objective.params[i].value, b->objective.params[i].value) != 0) {
            snprintf(what, len, "objective.params.%s", a->objective.params[i].key);
            return 0;
        }
    }
    if (a->goal != b->goal) {
        snprintf(what, len, "goal");
        return 0;
    }
    if (a->n_inputs != b->n_inputs) {
        snprintf(what, len, "inputs (%zu vs %zu)", a->n_inputs, b->n_inputs);
        return 0;
    }
    for (size_t j = 0; j < a->n_inputs; j++) {
        const bo_config_input *x = &a->inputs[j], *y = &b->inputs[j];
        if (strcmp(x->name, y->name) != 0 || x->lower != y->lower || x->upper != y->upper ||
            x->scale != y->scale) {
            snprintf(what, len, "inputs[%zu]", j);
            return 0;
        }
    }
    if (a->n_sources != b->n_sources) {
        snprintf(what, len, "sources (%zu vs %zu)", a->n_sources, b->n_sources);
        return 0;
    }
    for (size_t s = 0; s < a->n_sources; s++) {
        if (strcmp(a->sources[s].name, b->sources[s].name) != 0 ||
            a->sources[s].cost != b->sources[s].cost) {
            snprintf(what, len, "sources[%zu]", s);
            return 0;
        }
    }
    if (a->target != b->target) {
        snprintf(what, len, "target");
        return 0;
    }
    return 1;
}

/* Whether the run's own stopping rule ended it, judged as bo-run judges it
 * (see bo/main.c): a run that stopped by a rule keeps its final value. */
static int study_run_finished(const bo_config *cfg, const bo_history_row *rows, size_t n)
{
    if (n == 0)
        return 0;
    const bo_config_budget *b = &cfg->budget;
    if (b->max_evaluations != SIZE_MAX && n >= b->max_evaluations)
        return 1;
    if (isfinite(b->max_cost)) {
        /* bo-run stops when the chosen source no longer fits; which source
         * that was is not recorded, so any source that no longer fits counts. */
        double largest = 0.0;
        for (size_t s = 0; s < cfg->n_sources; s++)
            largest = fmax(largest, cfg->sources[s].cost);
        if (rows[n - 1].cum_cost + largest > b->max_cost * (1 + 1e-12))
            return 1;
    }
    double best = rows[n - 1].best;
    if (b->has_target_value && !isnan(best) &&
        (cfg->goal == BO_CONFIG_MAXIMIZE ? best >= b->target_value : best <= b->target_value))
        return 1;
    if (b->max_no_improvement != SIZE_MAX) {
        /* Evaluations since the best last changed or the initial design
         * ended, whichever came later. */
        size_t last = 0;
        for (size_t i = 0; i < n; i++) {
            int had = i > 0 && !isnan(rows[i - 1].best);
            if (!isnan(rows[i].best) && (!had || rows[i].best != rows[i - 1].best))
                last = i + 1;
            if (rows[i].phase == BO_HISTORY_INIT)
                last = last > i + 1 ? last : i + 1;
        }
        if (n - last >= b->max_no_improvement)
            return 1;
    }
    return 0;
}

/* Reads RUN_DIR/config.yaml and RUN_DIR/history.csv into *run. *cfg receives
 * the loaded config (the caller cleans it up, also on error). */
static bo_status study_read_run(bo_study *s, const char *run_dir, bo_config *cfg, study_run *run,
                                const bo_benchmark **bench)
{
    char path[4200];
    bo_status st = study_join(s, path, sizeof path, run_dir, "config.yaml");
    if (st != BO_OK)
        return st;
    struct stat sb;
    if (stat(path, &sb) != 0)
        return study_fail(s, BO_EIO, "%s: a run folder without config.yaml (%s)", run_dir,
                          strerror(errno));
    char err[4096];
    st = bo_config_load(path, cfg, err, sizeof err);
    if (st != BO_OK)
        return study_fail(s, st == BO_EIO || st == BO_ENOMEM ? st : BO_EPARSE, "%s", err);
    *bench = bo_run_known_benchmark(cfg);
    int regret = *bench && (*bench)->optimum_known;

    const char **names = malloc(cfg->n_inputs * sizeof *names);
    if (!names)
        return study_fail(s, BO_ENOMEM, "out of memory");
    for (size_t j = 0; j < cfg->n_inputs; j++)
        names[j] = cfg->inputs[j].name;
    bo_history_row *rows = NULL;
    size_t n = 0;
    st = study_join(s, path, sizeof path, run_dir, "history.csv");
    if (st == BO_OK)
        st = bo_history_read(path, names, cfg->n_inputs, &rows, &n, err, sizeof err);
    free(names);
    if (st != BO_OK)
        return study_fail(s, st, "%s", err);

    memset(run, 0, sizeof *run);
    run->dir = study_strdup(run_dir);
    size_t cap = n ? n : 1;
    run->cum_cost = malloc(cap * sizeof *run->cum_cost);
    run->value = malloc(cap * sizeof *run->value);
    run->seconds = malloc(cap * sizeof *run->seconds);
    run->target_value = malloc(cap * sizeof *run->target_value);
    if (!run->dir || !run->cum_cost || !run->value || !run->seconds || !run->target_value) {
        bo_history_rows_free(rows);
        study_run_cleanup(run);
        return study_fail(s, BO_ENOMEM, "out of memory");
    }
    double thr = NAN;
    if (regret)
        thr = (*bench)->optimum != 0.0 ? s->opt.tol * fabs((*bench)->optimum) : s->opt.tol;
    run->first_cost = INFINITY;
    run->info.cost_to_tol = regret ? INFINITY : NAN;
    run->info.evals_to_tol = regret ? INFINITY : NAN;
    /* Evaluations are counted on the target source only: a multi-fidelity
     * run's cheap evaluations would otherwise make it look slow (or, with a
     * cheap source that is free, fast) next to a single-fidelity run on an
     * evaluation axis. The other sources count in the cost. */
    const char *target = cfg->sources[cfg->target].name;
    size_t n_target = 0;
    for (size_t i = 0; i < n; i++) {
        double best = rows[i].best;
        double v = isnan(best) ? NAN : regret ? fabs(bo_benchmark_regret(*bench, best)) : best;
        run->cum_cost[i] = rows[i].cum_cost;
        run->value[i] = v;
        run->seconds[i] = rows[i].phase == BO_HISTORY_BO ? rows[i].suggest_seconds : NAN;
        if (strcmp(rows[i].source, target) == 0)
            run->target_value[n_target++] = v;
        if (!isnan(v) && isinf(run->first_cost))
            run->first_cost = rows[i].cum_cost;
        if (regret && isinf(run->info.cost_to_tol) && v <= thr) {
            run->info.cost_to_tol = rows[i].cum_cost;
            run->info.evals_to_tol = (double)n_target;
        }
    }
    run->info.n_target_evals = n_target;
    run->info.n_evals = n;
    run->info.final_cost = n ? rows[n - 1].cum_cost : 0.0;
    run->info.final_value = n ? run->value[n - 1] : NAN;
    run->info.finished = study_run_finished(cfg, rows, n);
    bo_history_rows_free(rows);
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Adding a label                                                      */

static int study_label_name_ok(const char *label)
{
    if (!label || !*label)
        return 0;
    for (const char *c = label; *c; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                 (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' || *c == '+' || *c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static int study_compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void study_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* The sub-folders of dir, sorted by name. */
static bo_status study_list_folders(bo_study *s, const char *dir, char ***out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    DIR *d = opendir(dir);
    if (!d)
        return study_fail(s, BO_EIO, "%s: cannot open the runs folder: %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    bo_status st = BO_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4200];
        struct stat sb;
        if (study_join(s, path, sizeof path, dir, e->d_name) != BO_OK || stat(path, &sb) != 0 ||
            !S_ISDIR(sb.st_mode))
            continue;
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 16;
            char **grown = realloc(names, ncap * sizeof *grown);
            if (!grown) {
                st = BO_ENOMEM;
                break;
            }
            names = grown;
            cap = ncap;
        }
        names[n] = study_strdup(e->d_name);
        if (!names[n]) {
            st = BO_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (st != BO_OK) {
        study_free_names(names, n);
        return study_fail(s, st, "out of memory");
    }
    if (n > 1)
        qsort(names, n, sizeof *names, study_compare_names);
    *out = names;
    *n_out = n;
    return BO_OK;
}

static bo_status study_read_label(bo_study *s, study_label *l)
{
    char **names = NULL;
    size_t n_names = 0;
    bo_status st = study_list_folders(s, l->runs_dir, &names, &n_names);
    if (st != BO_OK)
        return st;
    bo_config first;
    bo_config_init(&first);
    int have_first = 0;
    const bo_benchmark *first_bench = NULL;
    char first_dir[4200] = "";
    l->runs = calloc(n_names ? n_names : 1, sizeof *l->runs);
    l->skipped = calloc(n_names ? n_names : 1, sizeof *l->skipped);
    if (!l->runs || !l->skipped) {
        st = study_fail(s, BO_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_names; i++) {
        char run_dir[4096], history[4200];
        st = study_join(s, run_dir, sizeof run_dir, l->runs_dir, names[i]);
        if (st == BO_OK)
            st = study_join(s, history, sizeof history, run_dir, "history.csv");
        if (st != BO_OK)
            goto done;
        struct stat sb;
        if (stat(history, &sb) != 0) {
            l->skipped[l->n_skipped++] = names[i];
            names[i] = NULL;
            continue;
        }
        bo_config cfg;
        bo_config_init(&cfg);
        const bo_benchmark *bench = NULL;
        st = study_read_run(s, run_dir, &cfg, &l->runs[l->n_runs], &bench);
        if (st != BO_OK) {
            bo_config_cleanup(&cfg);
            goto done;
        }
        l->n_runs++;
        if (!have_first) {
            first = cfg;
            have_first = 1;
            first_bench = bench;
            snprintf(first_dir, sizeof first_dir, "%s", run_dir);
            continue;
        }
        char what[256] = "";
        int same = study_same_problem(&first, &cfg, what, sizeof what);
        bo_config_cleanup(&cfg);
        if (!same) {
            st = study_fail(s, BO_EINVAL,
                            "%s: runs of different problems under label '%s': %s/config.yaml "
                            "differs from %s/config.yaml in %s",
                            l->runs_dir, l->name, run_dir, first_dir, what);
            goto done;
        }
    }
    if (l->n_runs == 0) {
        char own[4200];
        struct stat sb;
        int is_run = study_join(s, own, sizeof own, l->runs_dir, "history.csv") == BO_OK &&
                     stat(own, &sb) == 0;
        st = study_fail(s, BO_EIO, "%s: no runs (no sub-folder holds a history.csv)%s",
                        l->runs_dir,
                        is_run ? "; this is one run's folder: give the folder that holds "
                                 "one such folder per seed"
                               : "");
        goto done;
    }
    l->pub.regret = first_bench && first_bench->optimum_known;
    l->pub.optimum = l->pub.regret ? first_bench->optimum : NAN;
    l->pub.maximize = l->pub.regret && first_bench->goal == BO_BENCHMARK_MAXIMIZE;
    if (first_bench)
        l->problem = study_strdup(first_bench->name);
    else if (first.objective.plugin)
        l->problem = study_strdup(first.objective.plugin);
    else
        l->problem = study_strdup(first.objective.command[0]);
    l->target_source = study_strdup(first.sources[first.target].name);
    if (!l->problem || !l->target_source)
        st = study_fail(s, BO_ENOMEM, "out of memory");
done:
    bo_config_cleanup(&first);
    study_free_names(names, n_names);
    return st;
}

bo_status bo_study_add(bo_study *study, const char *label, const char *runs_dir)
{
    if (study->computed)
        return study_fail(study, BO_ESTATE, "labels cannot be added after the study is computed");
    if (!study_label_name_ok(label))
        return study_fail(study, BO_EINVAL,
                          "label '%s': use letters, digits and . _ + - only (it names files "
                          "and CSV fields)",
                          label ? label : "");
    for (size_t i = 0; i < study->n_labels; i++)
        if (strcmp(study->labels[i].name, label) == 0)
            return study_fail(study, BO_EINVAL, "label '%s' given twice", label);
    if (!runs_dir || !*runs_dir)
        return study_fail(study, BO_EINVAL, "label '%s': empty runs folder", label);
    if (study->n_labels == study->cap_labels) {
        size_t cap = study->cap_labels ? 2 * study->cap_labels : 4;
        study_label *grown = realloc(study->labels, cap * sizeof *grown);
        if (!grown)
            return study_fail(study, BO_ENOMEM, "out of memory");
        study->labels = grown;
        study->cap_labels = cap;
    }
    study_label *l = &study->labels[study->n_labels];
    memset(l, 0, sizeof *l);
    l->name = study_strdup(label);
    l->runs_dir = study_strdup(runs_dir);
    /* A trailing slash would double in the run folders' names. */
    size_t len = l->runs_dir ? strlen(l->runs_dir) : 0;
    while (len > 1 && l->runs_dir[len - 1] == '/')
        l->runs_dir[--len] = '\0';
    bo_status st = l->name && l->runs_dir ? study_read_label(study, l)
                                          : study_fail(study, BO_ENOMEM, "out of memory");
    if (st != BO_OK) {
        study_label_cleanup(l);
        return st;
    }
    study->n_labels++;
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */

/* Value of a run after k evaluations of the target source, or 0 when it
 * has none there. */
static int study_value_at_eval(const study_run *r, size_t k, double *v)
{
    size_t n = r->info.n_target_evals;
    if (k == 0 || n == 0)
        return 0;
    if (k > n) {
        if (!r->info.finished)
            return 0;
        k = n;
    }
    *v = r->target_value[k - 1];
    return !isnan(*v);
}

/* Value of a run at cumulative cost c: after its last evaluation with
 * cum_cost <= c; 0 when it has none there. */
static int study_value_at_cost(const study_run *r, double c, double *v)
{
    size_t n = r->info.n_evals;
    if (n == 0 || !(c >= r->first_cost))
        return 0;
    if (c > r->info.final_cost && !r->info.finished)
        return 0;
    size_t lo = 0, hi = n; /* cum_cost[lo] <= c holds; find the last such row */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->cum_cost[mid] <= c)
            lo = mid;
        else
            hi = mid;
    }
    *v = r->value[lo];
    return !isnan(*v);
}

static void study_build_grid(bo_study *s)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < s->n_labels; i++) {
        const study_label *l = &s->labels[i];
        for (size_t r = 0; r < l->n_runs; r++) {
            if (isinf(l->runs[r].first_cost))
                continue;
            lo = fmin(lo, l->runs[r].first_cost);
            hi = fmax(hi, l->runs[r].info.final_cost);
        }
    }
    s->n_grid = 0;
    s->log_grid = 0;
    if (!(lo <= hi))
        return;
    if (lo == hi) {
        s->grid[0] = lo;
        s->n_grid = 1;
        return;
    }
    size_t m = s->opt.cost_points;
    s->log_grid = lo > 0.0 && hi / lo > STUDY_LOG_SPAN;
    for (size_t i = 0; i < m; i++) {
        double t = (double)i / (double)(m - 1);
        /* (hi - lo) i / (m - 1) rather than t (hi - lo): integer costs then
         * give exact grid points whenever m - 1 divides their span. */
        s->grid[i] = s->log_grid ? exp(log(lo) + t * (log(hi) - log(lo)))
                                 : lo + (hi - lo) * (double)i / (double)(m - 1);
    }
    /* The ends exactly, so the first and last run costs fall on the grid. */
    s->grid[0] = lo;
    s->grid[m - 1] = hi;
    s->n_grid = m;
}

static bo_status study_compute_label(bo_study *s, study_label *l, double *buf)
{
    size_t k_max = 0, rows_max = 0;
    l->pub.multi_fidelity = 0;
    for (size_t r = 0; r < l->n_runs; r++) {
        const bo_study_run_info *info = &l->runs[r].info;
        k_max = info->n_target_evals > k_max ? info->n_target_evals : k_max;
        rows_max = info->n_evals > rows_max ? info->n_evals : rows_max;
        l->pub.multi_fidelity |= info->n_target_evals < info->n_evals;
    }
    /* Time buckets follow the history's rows (every source's evaluation is
     * an observation the model is fitted to). */
    size_t n_buckets = (rows_max + s->opt.time_bucket - 1) / s->opt.time_bucket;
    l->eval_curve = calloc(k_max ? k_max : 1, sizeof *l->eval_curve);
    l->cost_curve = calloc(s->n_grid ? s->n_grid : 1, sizeof *l->cost_curve);
    l->at_evals = calloc(s->opt.n_evals ? s->opt.n_evals : 1, sizeof *l->at_evals);
    l->bucket_seconds = calloc(n_buckets ? n_buckets : 1, sizeof *l->bucket_seconds);
    l->bucket_rows = calloc(n_buckets ? n_buckets : 1, sizeof *l->bucket_rows);
    l->infos = calloc(l->n_runs, sizeof *l->infos);
    if (!l->eval_curve || !l->cost_curve || !l->at_evals || !l->bucket_seconds ||
        !l->bucket_rows || !l->infos)
        return study_fail(s, BO_ENOMEM, "out of memory");

    for (size_t k = 1; k <= k_max; k++) {
        size_t m = 0;
        for (size_t r = 0; r < l->n_runs; r++)
            if (study_value_at_eval(&l->runs[r], k, &buf[m]))
                m++;
        l->eval_curve[k - 1] = bo_study_stats_of(buf, m);
    }
    for (size_t j = 0; j < s->opt.n_evals; j++) {
        size_t m = 0;
        for (size_t r = 0; r < l->n_runs; r++)
            if (study_value_at_eval(&l->runs[r], s->opt.evals[j], &buf[m]))
                m++;
        l->at_evals[j] = bo_study_stats_of(buf, m);
    }
    for (size_t g = 0; g < s->n_grid; g++) {
        size_t m = 0;
        for (size_t r = 0; r < l->n_runs; r++)
            if (study_value_at_cost(&l->runs[r], s->grid[g], &buf[m]))
                m++;
        l->cost_curve[g] = bo_study_stats_of(buf, m);
    }

    bo_study_stats none = {NAN, NAN, NAN, 0};
    l->pub.cost_to_tol = none;
    l->pub.evals_to_tol = none;
    l->pub.n_reached = 0;
    if (l->pub.regret) {
        for (size_t r = 0; r < l->n_runs; r++) {
            buf[r] = l->runs[r].info.cost_to_tol;
            l->pub.n_reached += isfinite(buf[r]) != 0;
        }
        l->pub.cost_to_tol = bo_study_stats_of(buf, l->n_runs);
        for (size_t r = 0; r < l->n_runs; r++)
            buf[r] = l->runs[r].info.evals_to_tol;
        l->pub.evals_to_tol = bo_study_stats_of(buf, l->n_runs);
    }

    double total = 0.0;
    size_t rows = 0;
    for (size_t r = 0; r < l->n_runs; r++) {
        const study_run *run = &l->runs[r];
        for (size_t i = 0; i < run->info.n_evals; i++) {
            if (isnan(run->seconds[i]))
                continue;
            size_t b = i / s->opt.time_bucket;
            l->bucket_seconds[b] += run->seconds[i];
            l->bucket_rows[b]++;
            total += run->seconds[i];
            rows++;
        }
    }
    for (size_t b = 0; b < n_buckets; b++)
        l->bucket_seconds[b] = l->bucket_rows[b] ? l->bucket_seconds[b] / (double)l->bucket_rows[b]
                                                 : NAN;
    for (size_t r = 0; r < l->n_runs; r++) {
        l->infos[r] = l->runs[r].info;
        l->infos[r].dir = l->runs[r].dir;
    }

    l->pub.name = l->name;
    l->pub.runs_dir = l->runs_dir;
    l->pub.problem = l->problem;
    l->pub.target_source = l->target_source;
    l->pub.n_runs = l->n_runs;
    l->pub.runs = l->infos;
    l->pub.n_eval_points = k_max;
    l->pub.eval_curve = l->eval_curve;
    l->pub.cost_curve = l->cost_curve;
    l->pub.at_evals = l->at_evals;
    l->pub.seconds_mean = rows ? total / (double)rows : NAN;
    l->pub.n_bo_rows = rows;
    l->pub.n_buckets = n_buckets;
    l->pub.bucket_seconds = l->bucket_seconds;
    l->pub.bucket_rows = l->bucket_rows;
    return BO_OK;
}

static const char *study_goal_name(const bo_study_label *l)
{
    return bo_benchmark_goal_name(l->maximize ? BO_BENCHMARK_MAXIMIZE : BO_BENCHMARK_MINIMIZE);
}

/* The best-value figure draws one optimum line for all labels, so it is only
 * drawn when every label is the same benchmark: regret values turn back into
 * best values only with the optimum and goal they were measured against, and
 * two benchmarks that happen to share both (several have optimum 0) are still
 * different functions. When some label has an optimum but the figure cannot
 * be drawn, value_skip says why (the summary prints it). */
static void study_decide_value_figure(bo_study *s)
{
    s->value_figure = 0;
    s->value_skip[0] = '\0';
    size_t n_regret = 0;
    for (size_t i = 0; i < s->n_labels; i++)
        n_regret += s->labels[i].pub.regret != 0;
    if (n_regret == 0)
        return; /* study.gp plots the best values already */
    const bo_study_label *first = &s->labels[0].pub;
    for (size_t i = 0; i < s->n_labels; i++) {
        const bo_study_label *l = &s->labels[i].pub;
        if (!l->regret) {
            snprintf(s->value_skip, sizeof s->value_skip,
                     "label '%s' (%s) has no known optimum", l->name, l->problem);
            return;
        }
        if (strcmp(l->problem, first->problem) != 0 || l->optimum != first->optimum ||
            l->maximize != first->maximize) {
            snprintf(s->value_skip, sizeof s->value_skip,
                     "labels '%s' (%s, %s, optimum %.10g) and '%s' (%s, %s, optimum %.10g) are "
                     "different problems",
                     first->name, first->problem, study_goal_name(first), first->optimum,
                     l->name, l->problem, study_goal_name(l), l->optimum);
            return;
        }
    }
    s->value_figure = 1;
}

bo_status bo_study_compute(bo_study *study)
{
    if (study->computed)
        return study_fail(study, BO_ESTATE, "the study is computed already");
    if (study->n_labels == 0)
        return study_fail(study, BO_ESTATE, "no label to aggregate");
    study->grid = malloc(study->opt.cost_points * sizeof *study->grid);
    size_t most_runs = 1;
    for (size_t i = 0; i < study->n_labels; i++)
        if (study->labels[i].n_runs > most_runs)
            most_runs = study->labels[i].n_runs;
    double *buf = malloc(most_runs * sizeof *buf);
    if (!study->grid || !buf) {
        free(buf);
        return study_fail(study, BO_ENOMEM, "out of memory");
    }
    study_build_grid(study);
    bo_status st = BO_OK;
    for (size_t i = 0; i < study->n_labels && st == BO_OK; i++)
        st = study_compute_label(study, &study->labels[i], buf);
    free(buf);
    if (st == BO_OK) {
        study_decide_value_figure(study);
        study->computed = 1;
    }
    return st;
}

int bo_study_has_value_figure(const bo_study *study)
{
    return study->computed && study->value_figure;
}

size_t bo_study_label_count(const bo_study *study)
{
    return study->computed ? study->n_labels : 0;
}

const bo_study_label *bo_study_label_at(const bo_study *study, size_t i)
{
    if (!study->computed || i >= study->n_labels)
        return NULL;
    return &study->labels[i].pub;
}

const double *bo_study_cost_grid(const bo_study *study, size_t *n, int *log_spaced)
{
    if (n)
        *n = study->computed ? study->n_grid : 0;
    if (log_spaced)
        *log_spaced = study->log_grid;
    return study->computed ? study->grid : NULL;
}

/* ------------------------------------------------------------------ */
/* Summary                                                             */

/* A number for people: "never" for infinity, "-" for none. */
static const char *study_num(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (isinf(v))
        snprintf(buf, len, "never");
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

static void study_summary_label(const bo_study *s, const study_label *l, FILE *out)
{
    const bo_study_label *p = &l->pub;
    char a[32], b[32], c[32];
    fprintf(out, "\n[%s] %zu run%s in %s, problem %s\n", p->name, p->n_runs,
            p->n_runs == 1 ? "" : "s", p->runs_dir, p->problem);
    if (p->regret)
        fprintf(out, "  value: simple regret |best - optimum|, optimum %.10g\n", p->optimum);
    else
        fprintf(out, "  value: best target value (optimum unknown: no regret, no tolerance)\n");
    size_t finished = 0;
    for (size_t r = 0; r < p->n_runs; r++)
        finished += p->runs[r].finished != 0;
    if (finished < p->n_runs)
        fprintf(out, "  %zu of %zu runs did not finish; they count only up to their last "
                     "evaluation\n",
                p->n_runs - finished, p->n_runs);
    if (p->multi_fidelity)
        fprintf(out, "  evaluations below: of the target source %s only; the others count in "
                     "the cost\n",
                p->target_source);
    fprintf(out, "  %8s %5s %12s %12s %12s\n", "evals", "runs", "median", "q1", "q3");
    for (size_t j = 0; j < s->opt.n_evals; j++) {
        const bo_study_stats *st = &p->at_evals[j];
        if (st->n == 0) {
            fprintf(out, "  %8zu %5zu %12s %12s %12s\n", s->opt.evals[j], st->n, "-", "-", "-");
            continue;
        }
        fprintf(out, "  %8zu %5zu %12.4e %12.4e %12.4e\n", s->opt.evals[j], st->n, st->median,
                st->q1, st->q3);
    }
    if (p->regret) {
        fprintf(out, "  cost to tolerance: median %s (q1 %s, q3 %s); reached by %zu of %zu runs\n",
                study_num(a, sizeof a, p->cost_to_tol.median),
                study_num(b, sizeof b, p->cost_to_tol.q1), study_num(c, sizeof c, p->cost_to_tol.q3),
                p->n_reached, p->n_runs);
        fprintf(out, "  %s to tolerance: median %s (q1 %s, q3 %s)\n",
                p->multi_fidelity ? "target evaluations" : "evaluations",
                study_num(a, sizeof a, p->evals_to_tol.median),
                study_num(b, sizeof b, p->evals_to_tol.q1),
                study_num(c, sizeof c, p->evals_to_tol.q3));
    }
    if (p->n_bo_rows == 0) {
        fprintf(out, "  time per bo iteration: - (no bo evaluations)\n");
    } else {
        fprintf(out, "  time per bo iteration: mean %.4g s over %zu iterations\n", p->seconds_mean,
                p->n_bo_rows);
        for (size_t k = 0; k < p->n_buckets; k++) {
            if (p->bucket_rows[k] == 0)
                continue;
            fprintf(out, "    history rows %zu-%zu: %.4g s (%zu)\n", k * s->opt.time_bucket + 1,
                    (k + 1) * s->opt.time_bucket, p->bucket_seconds[k], p->bucket_rows[k]);
        }
    }
    if (l->n_skipped > 0) {
        fprintf(out, "  skipped (no history.csv):");
        for (size_t i = 0; i < l->n_skipped; i++)
            fprintf(out, " %s", l->skipped[i]);
        fprintf(out, "\n");
    }
}

static void study_summary_ratio(const bo_study_label *first, const bo_study_label *other,
                                FILE *out)
{
    char a[32], b[32];
    fprintf(out, "  %s / %s: ", first->name, other->name);
    if (!first->regret || !other->regret) {
        fprintf(out, "- (optimum unknown)\n");
        return;
    }
    double x = first->cost_to_tol.median, y = other->cost_to_tol.median;
    if (isfinite(x) && isfinite(y) && y > 0.0)
        fprintf(out, "%.4g", x / y);
    else if (isinf(x) && isinf(y))
        fprintf(out, "- (neither median reaches the tolerance)");
    else if (isinf(x))
        fprintf(out, "inf (the median %s run never reaches the tolerance)", first->name);
    else
        fprintf(out, "0 (the median %s run never reaches the tolerance)", other->name);
    fprintf(out, "   [%s vs %s]\n", study_num(a, sizeof a, x), study_num(b, sizeof b, y));
}

bo_status bo_study_write_summary(const bo_study *study, FILE *out)
{
    if (!study->computed)
        return BO_ESTATE;
    fprintf(out, "convergence study: %zu label%s\n", study->n_labels,
            study->n_labels == 1 ? "" : "s");
    fprintf(out, "quantiles: linear interpolation between order statistics (type 7); "
                 "q1/q3 = 25%%/75%%\n");
    fprintf(out, "tolerance: |best - optimum| <= %g |optimum| (%g absolute when the optimum is 0)\n",
            study->opt.tol, study->opt.tol);
    if (study->n_grid > 0)
        fprintf(out, "cost grid: %zu points, %s, from %.6g to %.6g\n", study->n_grid,
                study->log_grid ? "log-spaced" : "linear", study->grid[0],
                study->grid[study->n_grid - 1]);
    if (study->value_skip[0])
        fprintf(out, "best-value figure (study_value.png): not written: %s\n", study->value_skip);
    for (size_t i = 0; i < study->n_labels; i++)
        study_summary_label(study, &study->labels[i], out);
    if (study->n_labels >= 2) {
        fprintf(out, "\nratio of median cost to tolerance (first label over each other):\n");
        for (size_t i = 1; i < study->n_labels; i++)
            study_summary_ratio(&study->labels[0].pub, &study->labels[i].pub, out);
    }
    return ferror(out) ? BO_EIO : BO_OK;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */

static FILE *study_open(bo_study *s, const char *dir, const char *name, char *path, size_t len)
{
    if (study_join(s, path, len, dir, name) != BO_OK)
        return NULL;
    return bo_atomic_file_open(&s->out_file, path, s->err, sizeof s->err);
}

/* Commits the file study_open started; f is that file's stream. */
static bo_status study_close(bo_study *s, FILE *f, const char *path)
{
    if (ferror(f)) {
        bo_atomic_file_abandon(&s->out_file);
        return study_fail(s, BO_EIO, "%s: cannot write: out of memory while writing", path);
    }
    return bo_atomic_file_commit(&s->out_file, s->err, sizeof s->err);
}

static void study_csv_row(FILE *f, const char *label, double x, const bo_study_stats *st,
                          int x_is_count)
{
    if (x_is_count)
        fprintf(f, "%s,%.0f,%.17g,%.17g,%.17g,%zu\n", label, x, st->median, st->q1, st->q3, st->n);
    else
        fprintf(f, "%s,%.17g,%.17g,%.17g,%.17g,%zu\n", label, x, st->median, st->q1, st->q3,
                st->n);
}

static bo_status study_write_csv(bo_study *s, const char *dir, int by_cost)
{
    char path[4200];
    FILE *f = study_open(s, dir, by_cost ? "cost_curve.csv" : "eval_curve.csv", path, sizeof path);
    if (!f)
        return BO_EIO;
    fprintf(f, "label,%s,median,q1,q3,runs\n", by_cost ? "cost" : "target_evals");
    for (size_t i = 0; i < s->n_labels; i++) {
        const study_label *l = &s->labels[i];
        size_t n = by_cost ? s->n_grid : l->pub.n_eval_points;
        for (size_t k = 0; k < n; k++) {
            const bo_study_stats *st = by_cost ? &l->cost_curve[k] : &l->eval_curve[k];
            if (st->n == 0)
                continue;
            study_csv_row(f, l->name, by_cost ? s->grid[k] : (double)(k + 1), st, !by_cost);
        }
    }
    return study_close(s, f, path);
}

/* runs.csv: one row per run, its final value (regret when the optimum is
 * known) and whether its stopping rule ended it, so that the spread across
 * seeds (the worst seed, not only the quartiles) can be read without
 * opening every history. */
static bo_status study_write_runs_csv(bo_study *s, const char *dir)
{
    char path[4200];
    FILE *f = study_open(s, dir, "runs.csv", path, sizeof path);
    if (!f)
        return BO_EIO;
    fprintf(f, "label,run,target_evals,final,final_cost,finished\n");
    for (size_t i = 0; i < s->n_labels; i++) {
        const study_label *l = &s->labels[i];
        for (size_t r = 0; r < l->pub.n_runs; r++) {
            const bo_study_run_info *run = &l->pub.runs[r];
            const char *slash = strrchr(run->dir, '/');
            const char *name = slash != NULL ? slash + 1 : run->dir;
            /* A folder name may hold a comma or a quote: quoted as RFC 4180
             * says (labels cannot: they are [A-Za-z0-9._+-]). */
            fprintf(f, "%s,", l->name);
            if (strpbrk(name, ",\"\r\n") != NULL) {
                fputc('"', f);
                for (const char *c = name; *c != '\0'; c++) {
                    if (*c == '"')
                        fputc('"', f);
                    fputc(*c, f);
                }
                fputc('"', f);
            } else {
                fputs(name, f);
            }
            fprintf(f, ",%zu,", run->n_target_evals);
            if (!isnan(run->final_value)) /* empty: the run has no value yet */
                fprintf(f, "%.17g", run->final_value);
            fprintf(f, ",%.17g,%d\n", run->final_cost, run->finished);
        }
    }
    return study_close(s, f, path);
}

static double study_plot_value(double v, int regret)
{
    return regret ? fmax(v, STUDY_PLOT_FLOOR) : v;
}

/* What a data file shows of one label's statistics at one point. */
typedef bo_study_stats (*study_stats_map)(const study_label *l, const bo_study_stats *st);

/* study.gp's values: regret clipped for the log axis, best values as they are. */
static bo_study_stats study_plotted_stats(const study_label *l, const bo_study_stats *st)
{
    bo_study_stats out = *st;
    out.median = study_plot_value(st->median, l->pub.regret);
    out.q1 = study_plot_value(st->q1, l->pub.regret);
    out.q3 = study_plot_value(st->q3, l->pub.regret);
    return out;
}

/* One block per label, blocks separated by two blank lines (gnuplot's
 * `index`); a label without points gets one missing row so the block
 * numbering stays in step with the labels. */
static void study_write_blocks(const bo_study *s, FILE *f, int by_cost, study_stats_map map)
{
    for (size_t i = 0; i < s->n_labels; i++) {
        const study_label *l = &s->labels[i];
        if (i > 0)
            fprintf(f, "\n\n");
        fprintf(f, "# label %s\n", l->name);
        size_t n = by_cost ? s->n_grid : l->pub.n_eval_points, written = 0;
        for (size_t k = 0; k < n; k++) {
            const bo_study_stats *st = by_cost ? &l->cost_curve[k] : &l->eval_curve[k];
            if (st->n == 0)
                continue;
            bo_study_stats shown = map(l, st);
            fprintf(f, "%.17g %.17g %.17g %.17g %zu\n", by_cost ? s->grid[k] : (double)(k + 1),
                    shown.median, shown.q1, shown.q3, shown.n);
            written++;
        }
        if (written == 0)
            fprintf(f, "? ? ? ? 0\n");
    }
}

static bo_status study_write_dat(bo_study *s, const char *dir, int by_cost)
{
    char path[4200];
    FILE *f = study_open(s, dir, by_cost ? "study_cost.dat" : "study_eval.dat", path,
                         sizeof path);
    if (!f)
        return BO_EIO;
    fprintf(f, "# %s median q1 q3 runs; one block per label (gnuplot index = label order)\n",
            by_cost ? "cost" : "target_evals");
    fprintf(f, "# regret below %g is drawn at %g (log axis); the CSV files hold the values\n",
            STUDY_PLOT_FLOOR, STUDY_PLOT_FLOOR);
    study_write_blocks(s, f, by_cost, study_plotted_stats);
    return study_close(s, f, path);
}

/* The best target value a simple regret stands for: the inverse of
 * bo_benchmark_regret (a regret is never on the better side of the optimum). */
static double study_value_of_regret(double regret, double optimum, int maximize)
{
    return maximize ? optimum - regret : optimum + regret;
}

/* study_value.dat's values: best target values, unclipped. Maximising turns
 * the order round, so the value's lower quartile comes from the regret's
 * upper one. */
static bo_study_stats study_value_stats(const study_label *l, const bo_study_stats *st)
{
    double opt = l->pub.optimum;
    int max = l->pub.maximize;
    bo_study_stats out = *st;
    out.median = study_value_of_regret(st->median, opt, max);
    out.q1 = study_value_of_regret(max ? st->q3 : st->q1, opt, max);
    out.q3 = study_value_of_regret(max ? st->q1 : st->q3, opt, max);
    return out;
}

static bo_status study_write_value_dat(bo_study *s, const char *dir)
{
    char path[4200];
    FILE *f = study_open(s, dir, "study_value.dat", path, sizeof path);
    if (!f)
        return BO_EIO;
    const bo_study_label *first = &s->labels[0].pub;
    fprintf(f, "# cost median q1 q3 runs; one block per label (gnuplot index = label order)\n");
    fprintf(f, "# best target value in the target's units, not clipped: optimum %.17g (%s),\n",
            first->optimum, study_goal_name(first));
    fprintf(f, "# value = optimum %s regret; q1, q3 = 25%% and 75%% quantiles of the value%s\n",
            first->maximize ? "-" : "+",
            first->maximize ? " (from the regret's 75% and 25%)" : "");
    study_write_blocks(s, f, 1, study_value_stats);
    return study_close(s, f, path);
}

static const char *const study_colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                            "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

/* Figures share the convergence plot's layout: axes above, the legend in a
 * strip of its own underneath, so it covers no curve (pixels at font 12). */
#define STUDY_FIGURE_HEIGHT 560
#define STUDY_LINE 22
#define STUDY_AXIS_TEXT 62
#define STUDY_TITLE_SPACE 48

/* gnuplot strings are single-quoted: a quote or backslash in a file name
 * would end them. */
static void study_quote_safe(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < len; i++)
        dst[i] = (src[i] == '\'' || src[i] == '\\' || src[i] == '\n') ? '_' : src[i];
    dst[i] = '\0';
}

/* A problem as a title names it: a benchmark's name, or the plugin's or
 * command's file name without its folders and ".so". */
static void study_problem_name(char *dst, size_t len, const char *problem)
{
    const char *slash = strrchr(problem, '/');
    const char *base = slash ? slash + 1 : problem;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".so") == 0)
        n -= 3;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)n, base);
    study_quote_safe(dst, len, name);
}

/* What every figure's title starts with: the problems (each once, in label
 * order) and the seeds behind the quantiles, e.g. "branin, 10 seeds per
 * label" or "branin (seeds: mf 20, sf 18)". */
static void study_figure_subject(const bo_study *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < s->n_labels; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(s->labels[j].pub.problem, s->labels[i].pub.problem) == 0;
        if (seen)
            continue;
        char name[256];
        study_problem_name(name, sizeof name, s->labels[i].pub.problem);
        int n = snprintf(buf + used, len - used, "%s%s", used ? " and " : "", name);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
    int same = 1;
    for (size_t i = 1; i < s->n_labels; i++)
        same &= s->labels[i].pub.n_runs == s->labels[0].pub.n_runs;
    if (same) {
        size_t runs = s->labels[0].pub.n_runs;
        snprintf(buf + used, len - used, ", %zu seed%s%s", runs, runs == 1 ? "" : "s",
                 s->n_labels > 1 ? " per label" : "");
        return;
    }
    for (size_t i = 0; i < s->n_labels && used < len; i++) {
        int n = snprintf(buf + used, len - used, "%s%s %zu", i ? ", " : " (seeds: ",
                         s->labels[i].name, s->labels[i].pub.n_runs);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
    snprintf(buf + used, len - used, ")");
}

/* The evaluation axis counts target evaluations (see study.h); its label
 * says so whenever a label has other sources, naming the target when the
 * multi-fidelity labels share it (a single-fidelity run's one source is its
 * target whatever it is called). */
static void study_eval_axis(const bo_study *s, FILE *f)
{
    const char *target_name = NULL;
    int multi_fidelity = 0, same_target = 1;
    for (size_t i = 0; i < s->n_labels; i++) {
        const bo_study_label *l = &s->labels[i].pub;
        if (!l->multi_fidelity)
            continue;
        multi_fidelity = 1;
        same_target &= !target_name || strcmp(l->target_source, target_name) == 0;
        target_name = target_name ? target_name : l->target_source;
    }
    char target[128];
    study_quote_safe(target, sizeof target, target_name ? target_name : "");
    if (!multi_fidelity)
        fprintf(f, "set xlabel 'evaluations'\n");
    else if (same_target)
        fprintf(f, "set xlabel 'evaluations of the target source %s (others count in the cost "
                   "only)' noenhanced\n",
                target);
    else
        fprintf(f, "set xlabel 'evaluations of the target source (others count in the cost "
                   "only)'\n");
    fprintf(f, "set xrange [1:*]\n");
}

/* The plot command of one panel: per label its interquartile band and median
 * line, then last_item (another plot item, untitled) unless it is NULL. */
static void study_plot_panel(const bo_study *s, FILE *f, const char *dat, const char *last_item)
{
    size_t n_colours = sizeof study_colours / sizeof study_colours[0];
    fprintf(f, "plot ");
    for (size_t i = 0; i < s->n_labels; i++) {
        const char *colour = study_colours[i % n_colours];
        int more = i + 1 < s->n_labels || last_item;
        fprintf(f, "%s'%s' index %zu using 1:3:4 with filledcurves fs transparent solid 0.2 "
                   "noborder lc rgb '%s' notitle, \\\n",
                i ? "     " : "", dat, i, colour);
        fprintf(f, "     '%s' index %zu using 1:2 with lines lw 2 lc rgb '%s' notitle%s\n", dat,
                i, colour, more ? ", \\" : "");
    }
    if (last_item)
        fprintf(f, "     %s notitle\n", last_item);
}

/* A label's legend entry: its name, its seeds, and whether it used other
 * sources than the target. */
static void study_legend_title(const bo_study_label *l, char *buf, size_t len)
{
    snprintf(buf, len, "%s (%zu seed%s%s)", l->name, l->n_runs, l->n_runs == 1 ? "" : "s",
             l->multi_fidelity ? ", multi-fidelity" : "");
}

/* How the legend strip is laid out in a figure width pixels wide: columns
 * as wide as the longest entry, as many per row as fit. gnuplot sizes the
 * columns from its estimate of a character's width (about 10.5 pixels at
 * sans 12) and drops entries that do not fit, so the estimate here errs
 * wide: 11 pixels a character, seven characters for the sample and gaps. */
static size_t study_legend_columns(const bo_study *s, int width, const char *last_title,
                                   size_t *rows)
{
    size_t longest = last_title ? strlen(last_title) : 0, entries = s->n_labels + !!last_title;
    for (size_t i = 0; i < s->n_labels; i++) {
        char title[512];
        study_legend_title(&s->labels[i].pub, title, sizeof title);
        longest = strlen(title) > longest ? strlen(title) : longest;
    }
    size_t column = 11 * (longest + 7), usable = (size_t)width * 96 / 100;
    size_t columns = usable / column > 0 ? usable / column : 1;
    columns = columns < entries ? columns : entries;
    *rows = (entries + columns - 1) / columns;
    return columns;
}

/* The legend strip under the axes: per label its line and band, each named
 * with its seeds; last_item and its title after them when given. */
static void study_legend(const bo_study *s, FILE *f, double top, size_t columns,
                         const char *last_item, const char *last_title)
{
    size_t n_colours = sizeof study_colours / sizeof study_colours[0];
    fprintf(f, "# The legend, under the axes so that it covers no curve.\n");
    fprintf(f, "set lmargin at screen 0.02\nset rmargin at screen 0.98\n");
    fprintf(f, "set tmargin at screen %.4f\nset bmargin at screen 0.01\n", top);
    fprintf(f, "unset border\nunset xtics\nunset ytics\nunset mxtics\nunset mytics\nunset grid\n");
    fprintf(f, "unset xlabel\nunset ylabel\nunset title\nunset logscale\n");
    fprintf(f, "set xrange [0:1]\nset yrange [0:1]\n");
    fprintf(f, "set key inside center top horizontal maxcols %zu noenhanced reverse Left "
               "samplen 3 width 2\n",
            columns);
    fprintf(f, "plot ");
    for (size_t i = 0; i < s->n_labels; i++) {
        char title[512];
        study_legend_title(&s->labels[i].pub, title, sizeof title);
        fprintf(f, "%sNaN with lines lw 2 lc rgb '%s' title '%s'", i ? ", \\\n     " : "",
                study_colours[i % n_colours], title);
    }
    if (last_item)
        fprintf(f, ", \\\n     NaN %s title '%s'", last_item, last_title);
    fprintf(f, "\n");
}

/* The x axis of every panel against cumulative cost: the grid's range, log
 * when the grid is log-spaced. */
static void study_cost_axis(const bo_study *s, FILE *f)
{
    int multi_fidelity = 0;
    for (size_t i = 0; i < s->n_labels; i++)
        multi_fidelity |= s->labels[i].pub.multi_fidelity;
    fprintf(f, "set xlabel 'cumulative cost%s'\n", multi_fidelity ? " (all sources)" : "");
    if (s->log_grid)
        fprintf(f, "set logscale x\n");
    if (s->n_grid > 1)
        fprintf(f, "set xrange [%.17g:%.17g]\n", s->grid[0], s->grid[s->n_grid - 1]);
}

/* Terminal, output, grid and the fixed margins of a figure width pixels
 * wide whose legend has legend_rows rows; returns the legend strip's top
 * (screen units). */
static double study_figure_start(FILE *f, int width, size_t legend_rows, const char *picture)
{
    int rows = (int)(legend_rows < 20 ? legend_rows : 20);
    int height = STUDY_FIGURE_HEIGHT + STUDY_LINE * (rows - 1);
    double legend_top = (double)(STUDY_LINE * rows + 12) / height;
    fprintf(f, "set terminal pngcairo size %d,%d enhanced font 'sans,12'\n", width, height);
    fprintf(f, "set output '%s'\n", picture);
    fprintf(f, "set datafile missing '?'\n");
    fprintf(f, "set style line 100 lc rgb '#e3e3e3' lw 1 dt 1\nset grid back ls 100\n");
    fprintf(f, "set mxtics\nset mytics\nunset key\n");
    fprintf(f, "set bmargin at screen %.4f\nset tmargin at screen %.4f\n",
            legend_top + (double)STUDY_AXIS_TEXT / height,
            1.0 - (double)STUDY_TITLE_SPACE / height);
    return legend_top;
}

static bo_status study_write_script(bo_study *s, const char *dir)
{
    char path[4200];
    FILE *f = study_open(s, dir, "study.gp", path, sizeof path);
    if (!f)
        return BO_EIO;
    size_t n_regret = 0;
    for (size_t i = 0; i < s->n_labels; i++)
        n_regret += s->labels[i].pub.regret != 0;
    int log_y = n_regret == s->n_labels;
    char subject[1024];
    study_figure_subject(s, subject, sizeof subject);
    fprintf(f, "# Convergence study written by bo-study: median line and interquartile band\n"
               "# per label. Re-draw in this folder with: gnuplot study.gp\n");
    size_t rows = 0, columns = study_legend_columns(s, 1400, NULL, &rows);
    double legend_top = study_figure_start(f, 1400, rows, "study.png");
    fprintf(f, "set multiplot title '%s: median and interquartile range' noenhanced "
               "font ',14'\n",
            subject);
    if (log_y)
        fprintf(f, "set logscale y\nset format y '10^{%%L}'\n"
                   "set ylabel 'simple regret |best - optimum|'\n");
    else if (n_regret == 0)
        fprintf(f, "set ylabel 'best target value'\n");
    else
        fprintf(f, "set ylabel 'regret (optimum known) or best value (see summary.txt)'\n");
    fprintf(f, "set lmargin at screen 0.07\nset rmargin at screen 0.485\n");
    study_eval_axis(s, f);
    study_plot_panel(s, f, "study_eval.dat", NULL);
    fprintf(f, "set lmargin at screen 0.555\nset rmargin at screen 0.97\n");
    study_cost_axis(s, f);
    study_plot_panel(s, f, "study_cost.dat", NULL);
    study_legend(s, f, legend_top, columns, NULL, NULL);
    fprintf(f, "unset multiplot\n");
    return study_close(s, f, path);
}

/* The form of the GP+ paper's convergence figures: the best target value
 * itself against cumulative cost, the optimum drawn as a dashed line. */
static bo_status study_write_value_script(bo_study *s, const char *dir)
{
    char path[4200];
    FILE *f = study_open(s, dir, "study_value.gp", path, sizeof path);
    if (!f)
        return BO_EIO;
    const bo_study_label *first = &s->labels[0].pub;
    char subject[1024];
    study_figure_subject(s, subject, sizeof subject);
    fprintf(f, "# Best target value against cumulative cost written by bo-study: median line\n"
               "# and interquartile band per label, the optimum dashed. Re-draw in this\n"
               "# folder with: gnuplot study_value.gp\n");
    char optimum_line[160], optimum_title[64];
    snprintf(optimum_title, sizeof optimum_title, "optimum %.10g", first->optimum);
    size_t rows = 0, columns = study_legend_columns(s, 900, optimum_title, &rows);
    double legend_top = study_figure_start(f, 900, rows, "study_value.png");
    fprintf(f, "set multiplot title '%s: best target value, median and interquartile range' "
               "noenhanced font ',14'\n",
            subject);
    fprintf(f, "set ylabel 'best target value (%s)'\n",
            first->maximize ? "maximised" : "minimised");
    fprintf(f, "set lmargin at screen 0.1\nset rmargin at screen 0.96\n");
    study_cost_axis(s, f);
    snprintf(optimum_line, sizeof optimum_line, "%.17g with lines dt 2 lw 1.5 lc rgb '#000000'",
             first->optimum);
    study_plot_panel(s, f, "study_value.dat", optimum_line);
    study_legend(s, f, legend_top, columns, "with lines dt 2 lw 1.5 lc rgb '#000000'",
                 optimum_title);
    fprintf(f, "unset multiplot\n");
    return study_close(s, f, path);
}

static const char *const study_value_files[] = {"study_value.gp", "study_value.dat",
                                                "study_value.png"};

/* A best-value figure left in dir by an earlier aggregate (other labels,
 * another problem) would pass for this study's. */
static bo_status study_remove_value_figure(bo_study *s, const char *dir)
{
    for (size_t i = 0; i < sizeof study_value_files / sizeof study_value_files[0]; i++) {
        char path[4200];
        bo_status st = study_join(s, path, sizeof path, dir, study_value_files[i]);
        if (st != BO_OK)
            return st;
        if (unlink(path) != 0 && errno != ENOENT)
            return study_fail(s, BO_EIO, "%s: cannot remove the earlier figure: %s", path,
                              strerror(errno));
    }
    return BO_OK;
}

static bo_status study_write_value_figure(bo_study *s, const char *dir)
{
    if (!s->value_figure)
        return study_remove_value_figure(s, dir);
    bo_status st = study_write_value_dat(s, dir);
    if (st == BO_OK)
        st = study_write_value_script(s, dir);
    return st;
}

bo_status bo_study_write_outputs(bo_study *s, const char *dir)
{
    if (!s->computed)
        return study_fail(s, BO_ESTATE, "the study is not computed yet");
    bo_status st = study_write_csv(s, dir, 1);
    if (st == BO_OK)
        st = study_write_csv(s, dir, 0);
    if (st == BO_OK)
        st = study_write_runs_csv(s, dir);
    if (st == BO_OK) {
        char path[4200];
        FILE *f = study_open(s, dir, "summary.txt", path, sizeof path);
        if (!f)
            return BO_EIO;
        bo_study_write_summary(s, f);
        st = study_close(s, f, path);
    }
    if (st == BO_OK)
        st = study_write_dat(s, dir, 0);
    if (st == BO_OK)
        st = study_write_dat(s, dir, 1);
    if (st == BO_OK)
        st = study_write_script(s, dir);
    if (st == BO_OK)
        st = study_write_value_figure(s, dir);
    return st;
}

bo_status bo_study_draw(bo_study *s, const char *dir, int *drawn)
{
    *drawn = 0;
    if (!s->computed)
        return study_fail(s, BO_ESTATE, "the study is not computed yet");
    if (!bo_plot_have_program("gnuplot"))
        return BO_OK;
    if (bo_plot_run_gnuplot(dir, "study.gp", s->err, sizeof s->err) != BO_OK)
        return BO_EIO;
    *drawn = 1;
    if (s->value_figure &&
        bo_plot_run_gnuplot(dir, "study_value.gp", s->err, sizeof s->err) != BO_OK)
        return BO_EIO;
    return BO_OK;
}
