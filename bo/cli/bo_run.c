/* bo-run: the command-line program. Reads the config, opens the objective,
 * owns the ask/tell loop, writes the run folder, prints progress, and maps
 * every outcome to an exit status (0 finished, 1 failed while running,
 * 2 bad usage, config or plugin). */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bo/report/benchmarks.h"
#include "bo/config/config.h"
#include "bo/engine/design.h"
#include "bo/engine/engine.h"
#include "bo/io/history.h"
#include "bo/objective/objective.h"
#include "bo/io/plot.h"
#include "bo/report/run_report.h"

#define BO_RUN_VERSION "0.1.0"

enum { EXIT_FINISHED = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct run_args {
    const char *config_path;
    const char *out_dir;
    int have_seed;
    uint64_t seed;
    int resume;
    int check;
    int quiet;
} run_args;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bo-run CONFIG.yaml [--out DIR] [--seed N] [--resume] [--check] [--quiet]\n"
            "\n"
            "Bayesian optimisation of the objective described in CONFIG.yaml.\n"
            "  --out DIR   write the run to DIR (default: runs/<name>/)\n"
            "  --seed N    override the config's seed\n"
            "  --resume    continue the run found in the output folder\n"
            "  --check     validate the config and load the objective; evaluate nothing\n"
            "  --quiet     no progress lines, only the summary\n"
            "  --help      this text;  --version  the version\n"
            "Exit status: 0 finished, 1 failed while running, 2 bad usage, config or plugin.\n");
}

static int parse_args(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0) {
            usage(stdout);
            exit(EXIT_FINISHED);
        } else if (strcmp(s, "--version") == 0) {
            printf("bo-run %s\n", BO_RUN_VERSION);
            exit(EXIT_FINISHED);
        } else if (strcmp(s, "--out") == 0 || strcmp(s, "--seed") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bo-run: %s needs a value\n", s);
                return -1;
            }
            const char *v = argv[++i];
            if (strcmp(s, "--out") == 0) {
                if (v[0] == '\0') {
                    fprintf(stderr, "bo-run: --out: expected a folder, got an empty string\n");
                    return -1;
                }
                a->out_dir = v;
            } else {
                char *end;
                errno = 0;
                unsigned long long seed = strtoull(v, &end, 10);
                if (errno || end == v || *end || !(v[0] >= '0' && v[0] <= '9')) {
                    fprintf(stderr, "bo-run: --seed: expected a non-negative integer, got '%s'\n", v);
                    return -1;
                }
                a->have_seed = 1;
                a->seed = seed;
            }
        } else if (strcmp(s, "--resume") == 0) {
            a->resume = 1;
        } else if (strcmp(s, "--check") == 0) {
            a->check = 1;
        } else if (strcmp(s, "--quiet") == 0) {
            a->quiet = 1;
        } else if (s[0] == '-' && s[1] != '\0') {
            fprintf(stderr, "bo-run: unknown option '%s' (see bo-run --help)\n", s);
            return -1;
        } else if (!a->config_path) {
            a->config_path = s;
        } else {
            fprintf(stderr, "bo-run: more than one config given ('%s', '%s')\n",
                    a->config_path, s);
            return -1;
        }
    }
    if (!a->config_path) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* Set by SIGINT/SIGTERM: the running evaluation is cancelled (its process
 * group killed by the objective), not recorded, and the run stops cleanly
 * with outputs written, ready for --resume. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void install_interrupt_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The wall clock for the history's started/finished columns. */
static double wall_clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* mkdir -p. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: cannot create folder: %s", buf, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create folder: %s", buf, strerror(errno));
        return -1;
    }
    return 0;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Everything the loop tracks besides the engine, rebuilt identically from
 * the history on --resume. */
typedef struct run_state {
    size_t n;                     /* evaluations so far */
    size_t cap;
    double *cum_cost;             /* per evaluation, for the plot */
    double *best;
    size_t *source;
    double total_cost;
    size_t last_improvement;      /* evaluation count when best last improved
                                     (or the initial design ended) */
    int have_best;
    double best_value;
    size_t n_failed;
} run_state;

static int run_state_push(run_state *r, double cost, size_t source, double best)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 128;
        double *c = realloc(r->cum_cost, cap * sizeof *c);
        if (c)
            r->cum_cost = c;
        double *b = realloc(r->best, cap * sizeof *b);
        if (b)
            r->best = b;
        size_t *s = realloc(r->source, cap * sizeof *s);
        if (s)
            r->source = s;
        if (!c || !b || !s)
            return -1;
        r->cap = cap;
    }
    r->total_cost += cost;
    r->cum_cost[r->n] = r->total_cost;
    r->best[r->n] = best;
    r->source[r->n] = source;
    r->n++;
    return 0;
}

static void run_state_cleanup(run_state *r)
{
    free(r->cum_cost);
    free(r->best);
    free(r->source);
}

/* Updates the run state with one evaluation already given to the engine. */
static int record_evaluation(run_state *r, const bo_engine *engine, size_t source, int ok,
                             int initial)
{
    double best = NAN;
    int have = bo_engine_best(engine, &best, NULL);
    if (!ok)
        r->n_failed++;
    if (have && (!r->have_best || best != r->best_value)) {
        r->have_best = 1;
        r->best_value = best;
        r->last_improvement = r->n + 1;
    }
    if (initial && bo_engine_initial_remaining(engine) == 0)
        r->last_improvement = r->n + 1;
    return run_state_push(r, bo_engine_cost(engine, source), source, have ? best : NAN);
}

/* Why the run stops now, before choosing another point, or NULL: every rule
 * that does not depend on the next point, so a finished run fits no model
 * for nothing (and a resumed finished run stops at once). */
static const char *stop_reason_now(const bo_config *cfg, const run_state *r, int in_initial)
{
    const bo_config_budget *b = &cfg->budget;
    if (b->max_evaluations != SIZE_MAX && r->n >= b->max_evaluations)
        return "max_evaluations reached";
    if (isfinite(b->max_cost) && r->total_cost >= b->max_cost * (1 - 1e-12))
        return "max_cost reached";
    if (b->has_target_value && r->have_best &&
        (cfg->goal == BO_CONFIG_MAXIMIZE ? r->best_value >= b->target_value
                                         : r->best_value <= b->target_value))
        return "target_value reached";
    if (!in_initial && b->max_no_improvement != SIZE_MAX &&
        r->n - r->last_improvement >= b->max_no_improvement)
        return "max_no_improvement reached";
    return NULL;
}

/* The one rule that needs the chosen source: its cost must fit the budget. */
static const char *stop_reason_next(const bo_config *cfg, const run_state *r, double next_cost)
{
    const bo_config_budget *b = &cfg->budget;
    if (isfinite(b->max_cost) && r->total_cost + next_cost > b->max_cost * (1 + 1e-12))
        return "max_cost reached (the next evaluation would exceed it)";
    return NULL;
}

static void engine_options_from_config(const bo_config *cfg, bo_engine_options *eo,
                                       double *costs, size_t *initial)
{
    bo_engine_options_default(eo, cfg->n_inputs);
    eo->n_sources = cfg->n_sources;
    eo->target_source = cfg->target;
    for (size_t s = 0; s < cfg->n_sources; s++) {
        costs[s] = cfg->sources[s].cost;
        initial[s] = cfg->sources[s].initial;
    }
    eo->cost = costs;
    eo->initial = initial;
    eo->design = cfg->initial_design.method;
    eo->acquisition = cfg->acquisition.type;
    eo->maximize = cfg->goal == BO_CONFIG_MAXIMIZE;
    eo->kernel = cfg->model.kernel;
    eo->mean = cfg->model.mean;
    eo->noise = cfg->model.noise;
    eo->fixed_noise_var = cfg->model.noise_var;
    eo->restarts = cfg->model.restarts;
    eo->ucb_beta = cfg->acquisition.beta;
    eo->mfca_target_ei = cfg->acquisition.target_ei;
    eo->explore_budget = cfg->acquisition.explore_budget;
    eo->stall_explore = cfg->acquisition.stall_explore;
    eo->acq_pool = cfg->acquisition.pool;
    eo->acq_starts = cfg->acquisition.starts;
    eo->seed = cfg->seed;
}

typedef struct run {
    run_args args;
    bo_config cfg;
    char dir[4096];
    bo_objective *objective;
    bo_engine *engine;
    bo_history *history;
    bo_history_state *state;
    run_state rs;
    const char **input_names;
    const char **source_names;
    double *lower, *upper;
    int *log_scale;
    double *theta;
    size_t theta_cap;
    int plot_drawn;
    char err[8192];
} run;

static int fail(run *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bo-run: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    (void)r;
    return code;
}

static int open_objective(run *r)
{
    const bo_config *c = &r->cfg;
    bo_status st;
    if (c->objective.plugin) {
        bo_plugin_param *params = calloc(c->objective.n_params + 1, sizeof *params);
        if (!params)
            return fail(r, EXIT_RUNTIME, "out of memory");
        for (size_t i = 0; i < c->objective.n_params; i++) {
            params[i].key = c->objective.params[i].key;
            params[i].value = c->objective.params[i].value;
        }
        st = bo_objective_open_plugin(&r->objective, c->objective.plugin, params,
                                      c->objective.n_params, c->n_inputs, c->n_sources,
                                      c->objective.isolate != 0, c->objective.timeout, r->err,
                                      sizeof r->err);
        free(params);
    } else {
        st = bo_objective_open_command(&r->objective, (const char *const *)c->objective.command,
                                       c->objective.n_command, r->input_names, c->n_inputs,
                                       r->source_names, c->n_sources, c->objective.timeout,
                                       r->err, sizeof r->err);
    }
    if (st != BO_OK)
        return fail(r, EXIT_USAGE, "%s:%zu:%zu: objective.%s: %s", c->path, c->objective.line,
                    c->objective.column, c->objective.plugin ? "plugin" : "command", r->err);
    return EXIT_FINISHED;
}

static int prepare_names(run *r)
{
    const bo_config *c = &r->cfg;
    size_t d = c->n_inputs;
    r->input_names = calloc(d, sizeof *r->input_names);
    r->source_names = calloc(c->n_sources, sizeof *r->source_names);
    r->lower = calloc(d, sizeof *r->lower);
    r->upper = calloc(d, sizeof *r->upper);
    r->log_scale = calloc(d, sizeof *r->log_scale);
    if (!r->input_names || !r->source_names || !r->lower || !r->upper || !r->log_scale)
        return -1;
    for (size_t j = 0; j < d; j++) {
        r->input_names[j] = c->inputs[j].name;
        r->lower[j] = c->inputs[j].lower;
        r->upper[j] = c->inputs[j].upper;
        r->log_scale[j] = c->inputs[j].scale == BO_CONFIG_SCALE_LOG;
    }
    for (size_t s = 0; s < c->n_sources; s++)
        r->source_names[s] = c->sources[s].name;
    return 0;
}

static void progress_line(const run *r, const bo_history_row *row, double elapsed)
{
    if (r->args.quiet)
        return;
    const bo_config *c = &r->cfg;
    char budget[64] = "";
    if (isfinite(c->budget.max_cost))
        snprintf(budget, sizeof budget, "/%g", c->budget.max_cost);
    char y[64], best[64];
    if (row->status == BO_HISTORY_OK)
        snprintf(y, sizeof y, "%.6g", row->y);
    else
        snprintf(y, sizeof y, "failed");
    if (isfinite(row->best))
        snprintf(best, sizeof best, "%.8g", row->best);
    else
        snprintf(best, sizeof best, "-");
    printf("eval %4zu  %-4s %-6s y %-12s best %-14s cost %g%s  %.1fs%s%s\n", row->eval,
           bo_history_phase_name(row->phase), row->source, y, best, row->cum_cost, budget,
           elapsed, row->status == BO_HISTORY_OK ? "" : "  ",
           row->status == BO_HISTORY_OK ? "" : row->message);
    fflush(stdout);
}

/* Writes the resolved config into the run folder through a temporary file,
 * so a crash never leaves a half-written config. */
static int write_resolved_config(run *r)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/config.yaml", r->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return fail(r, EXIT_RUNTIME, "%s: cannot write: %s", tmp, strerror(errno));
    bo_status st = bo_config_write_resolved(&r->cfg, f);
    if (fclose(f) != 0 || st != BO_OK || rename(tmp, path) != 0)
        return fail(r, EXIT_RUNTIME, "%s: cannot write the resolved config", path);
    return EXIT_FINISHED;
}

/* --resume: the run folder's config must describe the same run, and its
 * history is replayed through the engine. */
static int resume_run(run *r, const char *history_path, const char *state_path)
{
    char saved_path[4200];
    snprintf(saved_path, sizeof saved_path, "%s/config.yaml", r->dir);
    bo_config saved;
    if (bo_config_load(saved_path, &saved, r->err, sizeof r->err) != BO_OK)
        return fail(r, EXIT_USAGE, "--resume: %s", r->err);
    char what[256] = "";
    int same = bo_config_equal(&saved, &r->cfg, what, sizeof what);
    bo_config_cleanup(&saved);
    if (!same)
        return fail(r, EXIT_USAGE,
                    "--resume: %s differs from the run in %s (key %s); resume with the same "
                    "config and --seed, or start a new run with --out",
                    r->cfg.path, saved_path, what);

    bo_history_row *rows = NULL;
    size_t n_rows = 0;
    size_t d = r->cfg.n_inputs;
    bo_status st = bo_history_read(history_path, r->input_names, d, &rows, &n_rows, r->err,
                                   sizeof r->err);
    if (st != BO_OK)
        return fail(r, EXIT_USAGE, "--resume: %s", r->err);
    double *u = malloc(d * sizeof *u);
    if (!u) {
        bo_history_rows_free(rows);
        return fail(r, EXIT_RUNTIME, "out of memory");
    }
    int code = EXIT_FINISHED;
    for (size_t i = 0; i < n_rows && code == EXIT_FINISHED; i++) {
        const bo_history_row *row = &rows[i];
        size_t src = bo_config_source_index(&r->cfg, row->source);
        if (src == SIZE_MAX) {
            code = fail(r, EXIT_USAGE, "--resume: %s: row %zu: unknown source '%s'",
                        history_path, i + 1, row->source);
            break;
        }
        if (bo_design_from_user(row->x, 1, d, r->lower, r->upper, r->log_scale, u, r->err,
                                sizeof r->err) != BO_OK) {
            code = fail(r, EXIT_USAGE, "--resume: %s: row %zu: %s", history_path, i + 1, r->err);
            break;
        }
        int ok = row->status == BO_HISTORY_OK;
        int initial = row->phase == BO_HISTORY_INIT;
        if (bo_engine_observe(r->engine, u, src, row->y, ok, initial) != BO_OK) {
            code = fail(r, EXIT_USAGE, "--resume: %s: row %zu: %s", history_path, i + 1,
                        bo_engine_errmsg(r->engine));
            break;
        }
        if (record_evaluation(&r->rs, r->engine, src, ok, initial) != 0)
            code = fail(r, EXIT_RUNTIME, "out of memory");
    }
    free(u);
    bo_history_rows_free(rows);
    if (code != EXIT_FINISHED)
        return code;

    /* The warm start in force after the last completed evaluation. A line
     * is written before every evaluation, so one for n_rows exists unless
     * the state file was lost or edited: say so, since the resumed run then
     * refits from scratch and may differ from an uninterrupted one. */
    int found = 0;
    size_t eval = 0, n_values = 0;
    double *values = NULL;
    if (file_exists(state_path)) {
        st = bo_history_state_read(state_path, n_rows, &found, &eval, &values, &n_values,
                                   r->err, sizeof r->err);
        if (st != BO_OK)
            return fail(r, EXIT_USAGE, "--resume: %s", r->err);
        if (n_rows > 0 && (!found || eval != n_rows))
            fprintf(stderr, "bo-run: warning: %s has no model state for evaluation %zu; the "
                            "resumed run refits from scratch and may differ from an "
                            "uninterrupted one\n", state_path, n_rows);
        if (found && n_values > 0 &&
            bo_engine_set_hyper(r->engine, values, n_values) != BO_OK) {
            free(values);
            return fail(r, EXIT_USAGE, "--resume: %s: %s", state_path,
                        bo_engine_errmsg(r->engine));
        }
        free(values);
    } else if (n_rows > 0)
        fprintf(stderr, "bo-run: warning: %s is missing; the resumed run refits from scratch "
                        "and may differ from an uninterrupted one\n", state_path);
    size_t n_check = 0;
    st = bo_history_open_append(history_path, r->input_names, d, 0, &r->history, &n_check,
                                r->err, sizeof r->err);
    if (st == BO_OK)
        st = bo_history_state_open_append(state_path, n_rows, 0, &r->state, r->err,
                                          sizeof r->err);
    if (st != BO_OK)
        return fail(r, EXIT_RUNTIME, "--resume: %s", r->err);
    if (!r->args.quiet)
        printf("resuming %s: %zu evaluations replayed from %s\n", r->cfg.name, n_rows,
               history_path);
    return EXIT_FINISHED;
}

static int start_run(run *r, const char *history_path, const char *state_path)
{
    if (file_exists(history_path))
        return fail(r, EXIT_USAGE,
                    "%s already holds a run (%s exists); use --resume to continue it or "
                    "--out to start another",
                    r->dir, history_path);
    /* Nothing has been evaluated yet: an output folder that cannot be made
     * or written is a usage error (exit 2), like a bad config. */
    if (make_dirs(r->dir, r->err, sizeof r->err) != 0)
        return fail(r, EXIT_USAGE, "--out: %s", r->err);
    if (write_resolved_config(r) != EXIT_FINISHED)
        return EXIT_USAGE;
    bo_status st = bo_history_create(history_path, r->input_names, r->cfg.n_inputs,
                                     0u, &r->history, r->err,
                                     sizeof r->err);
    if (st == BO_OK)
        st = bo_history_state_create(state_path, BO_HISTORY_OVERWRITE, &r->state, r->err,
                                     sizeof r->err);
    if (st != BO_OK)
        return fail(r, EXIT_USAGE, "%s", r->err);
    return EXIT_FINISHED;
}

/* Saves the warm start that the suggestion for evaluation `eval` left, before
 * that evaluation runs: a resumed run then reads the one in force after its
 * last completed evaluation whichever moment a kill came. */
static int save_engine_state(run *r, size_t eval)
{
    size_t n = bo_engine_get_hyper(r->engine, r->theta, r->theta_cap);
    if (n > r->theta_cap) {
        double *t = realloc(r->theta, n * sizeof *t);
        if (!t)
            return fail(r, EXIT_RUNTIME, "out of memory");
        r->theta = t;
        r->theta_cap = n;
        bo_engine_get_hyper(r->engine, r->theta, r->theta_cap);
    }
    if (bo_history_state_write(r->state, eval, r->theta, n) != BO_OK)
        return fail(r, EXIT_RUNTIME, "%s", bo_history_state_errmsg(r->state));
    return EXIT_FINISHED;
}

static int optimisation_loop(run *r, const char **stop_why)
{
    const bo_config *c = &r->cfg;
    size_t d = c->n_inputs;
    double *u = malloc(d * sizeof *u), *x = malloc(d * sizeof *x);
    if (!u || !x) {
        free(u);
        free(x);
        return fail(r, EXIT_RUNTIME, "out of memory");
    }
    double t_start = now_seconds();
    int code = EXIT_FINISHED;
    *stop_why = NULL;
    for (;;) {
        if (interrupted) {
            *stop_why = "interrupted";
            code = EXIT_RUNTIME;
            break;
        }
        *stop_why = stop_reason_now(c, &r->rs, bo_engine_initial_remaining(r->engine) > 0);
        if (*stop_why)
            break;
        double t0 = now_seconds();
        bo_suggestion s;
        if (bo_engine_suggest(r->engine, u, &s) != BO_OK) {
            code = fail(r, EXIT_RUNTIME, "choosing evaluation %zu: %s", r->rs.n + 1,
                        bo_engine_errmsg(r->engine));
            break;
        }
        *stop_why = stop_reason_next(c, &r->rs, bo_engine_cost(r->engine, s.source));
        if (*stop_why)
            break;
        if (interrupted) {
            /* Ctrl-C during the model fit: start no evaluation. */
            *stop_why = "interrupted";
            code = EXIT_RUNTIME;
            break;
        }
        /* The point evaluated is the one that reads back from the history
         * exactly: map to user units and back once. */
        if (bo_design_to_user(u, 1, d, r->lower, r->upper, r->log_scale, x, r->err,
                              sizeof r->err) != BO_OK ||
            bo_design_from_user(x, 1, d, r->lower, r->upper, r->log_scale, u, r->err,
                                sizeof r->err) != BO_OK) {
            code = fail(r, EXIT_RUNTIME, "%s", r->err);
            break;
        }
        size_t eval = r->rs.n + 1;
        code = save_engine_state(r, eval);
        if (code != EXIT_FINISHED)
            break;
        if (s.note && !r->args.quiet)
            printf("note: evaluation %zu is a space-filling point: %s\n", eval, s.note);

        double y = NAN;
        char msg[1024] = "";
        double suggest_seconds = now_seconds() - t0, t_eval = now_seconds();
        double started = wall_clock_seconds();
        bo_status st = bo_objective_evaluate(r->objective, x, s.source, &y, msg, sizeof msg);
        double eval_seconds = now_seconds() - t_eval, finished = wall_clock_seconds();
        int ok = st == BO_OK;
        if (interrupted && !ok) {
            /* The evaluation was cancelled (its process killed): not a
             * result, so --resume evaluates this point again. A result that
             * completed before the signal is recorded below and the loop
             * stops at its top. */
            *stop_why = "interrupted";
            code = EXIT_RUNTIME;
            break;
        }
        if (!ok && st != BO_EEVAL && st != BO_ETIMEOUT) {
            code = fail(r, EXIT_RUNTIME, "evaluation %zu: %s", eval, msg);
            break;
        }
        if (bo_engine_observe(r->engine, u, s.source, y, ok, s.initial) != BO_OK) {
            code = fail(r, EXIT_RUNTIME, "evaluation %zu: %s", eval, bo_engine_errmsg(r->engine));
            break;
        }
        if (record_evaluation(&r->rs, r->engine, s.source, ok, s.initial) != 0) {
            code = fail(r, EXIT_RUNTIME, "out of memory");
            break;
        }
        bo_history_row row = {
            .eval = eval,
            .phase = s.initial ? BO_HISTORY_INIT : BO_HISTORY_BO,
            .source = c->sources[s.source].name,
            .x = x,
            .y = ok ? y : NAN,
            .status = ok ? BO_HISTORY_OK : BO_HISTORY_FAILED,
            .message = !ok ? msg : s.note ? s.note : s.reason ? s.reason : "",
            .cost = bo_engine_cost(r->engine, s.source),
            .cum_cost = r->rs.total_cost,
            .best = r->rs.best[r->rs.n - 1],
            .acq = s.acq_value,
            .suggest_seconds = suggest_seconds,
            .eval_seconds = eval_seconds,
            .worker = 1,
            .started = started,
            .finished = finished,
        };
        if (bo_history_append(r->history, &row) != BO_OK) {
            code = fail(r, EXIT_RUNTIME, "%s", bo_history_errmsg(r->history));
            break;
        }
        progress_line(r, &row, now_seconds() - t_start);
    }
    free(u);
    free(x);
    return code;
}

static void write_outputs(run *r)
{
    const bo_config *c = &r->cfg;
    bo_gp *gp = bo_engine_fit_final(r->engine);
    char path[4200];
    snprintf(path, sizeof path, "%s/model.txt", r->dir);
    if (bo_run_write_model(path, c, r->engine, gp, r->err, sizeof r->err) != BO_OK)
        fprintf(stderr, "bo-run: warning: %s\n", r->err);

    bo_plot_options po;
    memset(&po, 0, sizeof po);
    po.dir = r->dir;
    po.basename = "convergence";
    po.format = c->output.plot;
    po.title = c->name;
    po.source_names = r->source_names;
    po.n_sources = c->n_sources;
    po.target_source = c->target;
    const bo_benchmark *bench = bo_run_known_benchmark(c);
    if (bench && bench->optimum_known) {
        po.has_optimum = 1;
        po.optimum = bench->optimum;
    }
    bo_plot_series series = {r->rs.n, r->rs.cum_cost, r->rs.best, r->rs.source};
    int drawn = 0;
    if (!r->rs.have_best)
        po.format = BO_PLOT_NONE; /* nothing to draw: data and script only */
    if (bo_plot_convergence(&po, &series, &drawn, r->err, sizeof r->err) != BO_OK)
        fprintf(stderr, "bo-run: warning: plot: %s\n", r->err);
    else if (po.format != BO_PLOT_NONE && !drawn)
        fprintf(stderr, "bo-run: warning: gnuplot not found; the plot's data and script are "
                        "in %s (run gnuplot convergence.gp there)\n", r->dir);
    r->plot_drawn = drawn;
}

static void summary(const run *r, const char *stop_why, double seconds)
{
    const bo_config *c = &r->cfg;
    size_t d = c->n_inputs;
    printf("\n%s: %s after %zu evaluations (%zu failed), cost %g, %.1f s\n", c->name,
           stop_why ? stop_why : "stopped", r->rs.n, r->rs.n_failed, r->rs.total_cost, seconds);
    double best;
    double *u = malloc(d * sizeof *u), *x = malloc(d * sizeof *x);
    if (u && x && bo_engine_best(r->engine, &best, u) &&
        bo_design_to_user(u, 1, d, r->lower, r->upper, r->log_scale, x, NULL, 0) == BO_OK) {
        printf("best %s value: %.10g\n", c->sources[c->target].name, best);
        for (size_t j = 0; j < d; j++)
            printf("  %s = %.10g\n", c->inputs[j].name, x[j]);
    } else {
        printf("no successful evaluation of the target source %s\n", c->sources[c->target].name);
    }
    free(u);
    free(x);
    printf("outputs in %s/: history.csv, model.txt, config.yaml, convergence.gp and .dat%s\n",
           r->dir, !r->plot_drawn                   ? ""
                   : c->output.plot == BO_PLOT_SVG ? ", convergence.svg"
                                                   : ", convergence.png");
}

static void run_cleanup(run *r)
{
    bo_history_destroy(r->history);
    bo_history_state_destroy(r->state);
    bo_engine_destroy(r->engine);
    bo_objective_close(r->objective);
    run_state_cleanup(&r->rs);
    free(r->input_names);
    free(r->source_names);
    free(r->lower);
    free(r->upper);
    free(r->log_scale);
    free(r->theta);
    bo_config_cleanup(&r->cfg);
}

static int run_main(run *r)
{
    bo_config *c = &r->cfg;
    if (bo_config_load(r->args.config_path, c, r->err, sizeof r->err) != BO_OK)
        return fail(r, EXIT_USAGE, "%s", r->err);
    if (r->args.have_seed)
        c->seed = r->args.seed;
    if (prepare_names(r) != 0)
        return fail(r, EXIT_RUNTIME, "out of memory");
    if (r->args.out_dir)
        snprintf(r->dir, sizeof r->dir, "%s", r->args.out_dir);
    else
        snprintf(r->dir, sizeof r->dir, "runs/%s", c->name);

    int code = open_objective(r);
    if (code != EXIT_FINISHED)
        return code;
    bo_objective_set_cancel(r->objective, &interrupted);
    if (r->args.check) {
        printf("%s: config OK: %zu inputs, %zu source%s, objective '%s' loaded; outputs would "
               "go to %s/\n",
               c->path, c->n_inputs, c->n_sources, c->n_sources == 1 ? "" : "s",
               bo_objective_name(r->objective), r->dir);
        return EXIT_FINISHED;
    }

    bo_engine_options eo;
    double *costs = calloc(c->n_sources, sizeof *costs);
    size_t *initial = calloc(c->n_sources, sizeof *initial);
    if (!costs || !initial) {
        free(costs);
        free(initial);
        return fail(r, EXIT_RUNTIME, "out of memory");
    }
    engine_options_from_config(c, &eo, costs, initial);
    r->engine = bo_engine_create(&eo, r->err, sizeof r->err);
    free(costs);
    free(initial);
    if (!r->engine)
        return fail(r, EXIT_USAGE, "%s: %s", c->path, r->err);

    char history_path[4200], state_path[4200];
    snprintf(history_path, sizeof history_path, "%s/history.csv", r->dir);
    snprintf(state_path, sizeof state_path, "%s/engine_state.txt", r->dir);
    if (r->args.resume) {
        if (!file_exists(history_path))
            return fail(r, EXIT_USAGE, "--resume: no run to resume in %s (%s not found)",
                        r->dir, history_path);
        code = resume_run(r, history_path, state_path);
    } else {
        code = start_run(r, history_path, state_path);
    }
    if (code != EXIT_FINISHED)
        return code;

    double t0 = now_seconds();
    const char *stop_why = NULL;
    install_interrupt_handlers();
    code = optimisation_loop(r, &stop_why);
    write_outputs(r);
    summary(r, stop_why ? stop_why : "failed", now_seconds() - t0);
    if (interrupted)
        fprintf(stderr, "bo-run: interrupted; continue with: bo-run %s --resume%s%s\n",
                r->args.config_path, r->args.out_dir ? " --out " : "",
                r->args.out_dir ? r->args.out_dir : "");
    return code;
}

/* bo-run's matrices are small (hundreds of rows) and studies run several
 * bo-run processes side by side: OpenBLAS's worker threads then cost more in
 * synchronisation than they save (measured: a BO iteration at n = 100 took
 * 4x longer with two threads on a busy 2-core machine). One thread unless
 * the user asks otherwise through OpenBLAS's own variable. */
static void choose_blas_threads(void)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
}

int main(int argc, char **argv)
{
    run r;
    memset(&r, 0, sizeof r);
    bo_config_init(&r.cfg);
    if (parse_args(argc, argv, &r.args) != 0)
        return EXIT_USAGE;
    choose_blas_threads();
    int code = run_main(&r);
    run_cleanup(&r);
    return code;
}
