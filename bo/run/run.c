/* A run's set-up, resume and outputs; the loop itself is in loop.c. */
#define _POSIX_C_SOURCE 200809L

#include "bo/run/run.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bo/engine/design.h"
#include "bo/io/atomic_file.h"
#include "bo/io/initial_data.h"
#include "bo/io/plot.h"
#include "bo/report/benchmarks.h"
#include "bo/report/html_report.h"
#include "bo/report/run_report.h"
#include "bo/objective/proc.h"
#include "bo/run/run_internal.h"
#ifdef BO_HAVE_MPI
#include "bo/evaluator/mpi.h"
#endif

int bo_runi_fail(run *r, int code, const char *fmt, ...)
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

/* One bo-run per run folder: an fcntl lock on DIR/bo-run.lock, held until
 * the process ends. fcntl locks (unlike flock) are not inherited by forked
 * children and vanish with a killed process, so a --resume right after
 * kill -9 is not refused because the killed run's evaluations still run. */
static int lock_run_folder(run *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/bo-run.lock", r->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return bo_runi_fail(r, BO_RUN_USAGE, "%s: cannot create the lock file: %s", path,
                            strerror(errno));
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        int saved = errno;
        struct flock who;
        memset(&who, 0, sizeof who);
        who.l_type = F_WRLCK;
        who.l_whence = SEEK_SET;
        long pid = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK ? (long)who.l_pid : 0;
        close(fd);
        if (saved == EACCES || saved == EAGAIN)
            return bo_runi_fail(r, BO_RUN_USAGE, "%s: another bo-run is already running in "
                                "this folder (pid %ld); wait for it or stop it first", r->dir,
                                pid);
        return bo_runi_fail(r, BO_RUN_USAGE, "%s: cannot lock: %s", path, strerror(saved));
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || write(fd, text, (size_t)len) != len)
        fprintf(stderr, "bo-run: warning: %s: cannot write the pid\n", path);
    r->lock_fd = fd;
    bo_proc_hold_from_children(fd);
    return BO_RUN_FINISHED;
}

/* The history, journal and state files stay out of every forked child. */
static void hold_files_from_children(run *r)
{
    bo_proc_hold_from_children(bo_history_fd(r->history));
    bo_proc_hold_from_children(bo_history_fd(r->journal));
    bo_proc_hold_from_children(bo_history_state_fd(r->state));
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int run_state_grow(run_state *s)
{
    size_t cap = s->cap ? 2 * s->cap : 128;
    double *c = realloc(s->cum_cost, cap * sizeof *c);
    if (c)
        s->cum_cost = c;
    double *b = realloc(s->best, cap * sizeof *b);
    if (b)
        s->best = b;
    size_t *src = realloc(s->source, cap * sizeof *src);
    if (src)
        s->source = src;
    double *y = realloc(s->y, cap * sizeof *y);
    if (y)
        s->y = y;
    int *in = realloc(s->initial, cap * sizeof *in);
    if (in)
        s->initial = in;
    if (!c || !b || !src || !y || !in)
        return -1;
    s->cap = cap;
    return 0;
}

static void run_state_cleanup(run_state *s)
{
    free(s->cum_cost);
    free(s->best);
    free(s->source);
    free(s->y);
    free(s->initial);
}

int bo_runi_record(run *r, size_t source, int ok, int initial, double y, double seconds)
{
    run_state *s = &r->rs;
    if (s->n == s->cap && run_state_grow(s) != 0)
        return -1;
    double best = NAN;
    int have = bo_engine_best(r->engine, &best, NULL);
    if (!ok)
        s->n_failed++;
    if (have && (!s->have_best || best != s->best_value)) {
        s->have_best = 1;
        s->best_value = best;
        s->last_improvement = s->n + 1;
    }
    if (initial && bo_engine_initial_remaining(r->engine) == 0) {
        s->last_improvement = s->n + 1;
        if (s->n_at_design_end == 0) {
            s->n_at_design_end = s->n + 1;
            s->t_design_end = bo_proc_now();
        }
    }
    s->total_cost += bo_engine_cost(r->engine, source);
    s->cum_cost[s->n] = s->total_cost;
    s->best[s->n] = have ? best : NAN;
    s->source[s->n] = source;
    s->y[s->n] = ok ? y : NAN;
    s->initial[s->n] = initial != 0;
    s->busy_seconds += seconds;
    s->n++;
    return 0;
}

void bo_runi_unrecord(run *r, int ok, double seconds)
{
    run_state *s = &r->rs;
    if (s->n == 0)
        return;
    s->n--;
    if (!ok)
        s->n_failed--;
    s->total_cost = s->n > 0 ? s->cum_cost[s->n - 1] : 0.0;
    s->busy_seconds -= seconds;
}

int bo_runi_flight_alloc(flight *f, size_t dim)
{
    f->u = calloc(dim, sizeof *f->u);
    f->x = calloc(dim, sizeof *f->x);
    return f->u && f->x ? 0 : -1;
}

void bo_runi_flight_free(flight *f)
{
    free(f->u);
    free(f->x);
    f->u = f->x = NULL;
}

static int open_objective(run *r)
{
    const bo_config *c = &r->cfg;
    bo_status st;
    if (c->objective.plugin) {
        bo_plugin_param *params = calloc(c->objective.n_params + 1, sizeof *params);
        if (!params)
            return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
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
        /* A launcher (srun -N1 -n1 ...) goes in front of the command, so a
         * scheduler places each evaluation. */
        size_t nl = c->objective.n_launcher, nc = c->objective.n_command;
        const char **argv = calloc(nl + nc + 1, sizeof *argv);
        if (!argv)
            return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
        for (size_t i = 0; i < nl; i++)
            argv[i] = c->objective.launcher[i];
        for (size_t i = 0; i < nc; i++)
            argv[nl + i] = c->objective.command[i];
        st = bo_objective_open_command(&r->objective, argv, nl + nc, r->input_names,
                                       c->n_inputs, r->source_names, c->n_sources,
                                       c->objective.timeout, r->err, sizeof r->err);
        free(argv);
    }
    if (st == BO_OK && c->n_constraints > 0)
        st = bo_objective_set_outputs(r->objective, r->constraint_names, c->n_constraints,
                                      r->err, sizeof r->err);
    if (st == BO_OK)
        st = bo_objective_set_levels(r->objective, r->n_levels, r->level_names, r->err,
                                     sizeof r->err);
    if (st != BO_OK)
        return bo_runi_fail(r, BO_RUN_USAGE, "%s:%zu:%zu: objective.%s: %s", c->path,
                            c->objective.line, c->objective.column,
                            c->objective.plugin ? "plugin" : "command", r->err);
    if (bo_objective_set_memory_limit(r->objective, c->objective.memory_limit, r->err,
                                      sizeof r->err) != BO_OK) {
        size_t line = 0, column = 0;
        bo_config_place(c, "objective.memory_limit", &line, &column);
        return bo_runi_fail(r, BO_RUN_USAGE, "%s:%zu:%zu: objective.memory_limit: %s", c->path,
                            line, column, r->err);
    }
    return BO_RUN_FINISHED;
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
    r->kind = calloc(d, sizeof *r->kind);
    r->n_levels = calloc(d, sizeof *r->n_levels);
    r->level_names = calloc(d, sizeof *r->level_names);
    if (!r->input_names || !r->source_names || !r->lower || !r->upper || !r->log_scale ||
        !r->kind || !r->n_levels || !r->level_names)
        return -1;
    for (size_t j = 0; j < d; j++) {
        r->input_names[j] = c->inputs[j].name;
        r->lower[j] = c->inputs[j].lower;
        r->upper[j] = c->inputs[j].upper;
        r->log_scale[j] = c->inputs[j].scale == BO_CONFIG_SCALE_LOG;
        r->kind[j] = c->inputs[j].kind;
        r->n_levels[j] = c->inputs[j].n_levels;
        r->level_names[j] = (const char *const *)c->inputs[j].levels;
    }
    r->levels = (bo_history_levels){r->n_levels, r->level_names};
    for (size_t s = 0; s < c->n_sources; s++)
        r->source_names[s] = c->sources[s].name;
    if (c->n_constraints > 0) {
        r->constraint_names = calloc(c->n_constraints, sizeof *r->constraint_names);
        if (!r->constraint_names)
            return -1;
        for (size_t k = 0; k < c->n_constraints; k++)
            r->constraint_names[k] = c->constraints[k].name;
    }
    return 0;
}

/* Writes the resolved config into the run folder through a temporary file,
 * so a crash or a full disk never leaves a half-written config. */
static int write_resolved_config(run *r)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/config.yaml", r->dir);
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, r->err, sizeof r->err);
    if (!f)
        return bo_runi_fail(r, BO_RUN_FAILED, "%s", r->err);
    if (bo_config_write_resolved(&r->cfg, f) != BO_OK) {
        bo_atomic_file_abandon(&af);
        return bo_runi_fail(r, BO_RUN_FAILED, "%s: cannot write the resolved config", path);
    }
    if (bo_atomic_file_commit(&af, r->err, sizeof r->err) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "%s", r->err);
    return BO_RUN_FINISHED;
}

int bo_runi_save_engine_state(run *r, size_t eval)
{
    size_t n = bo_engine_get_hyper(r->engine, r->theta, r->theta_cap);
    if (n > r->theta_cap) {
        double *t = realloc(r->theta, n * sizeof *t);
        if (!t)
            return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
        r->theta = t;
        r->theta_cap = n;
        bo_engine_get_hyper(r->engine, r->theta, r->theta_cap);
    }
    if (bo_history_state_write(r->state, eval, r->theta, n) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "%s", bo_history_state_errmsg(r->state));
    return BO_RUN_FINISHED;
}

/* Replays the history's rows through the engine. *max_eval gets the largest
 * eval number found. */
static int replay_history(run *r, const char *history_path, size_t *n_rows_out,
                          size_t *max_eval)
{
    bo_history_row *rows = NULL;
    size_t n_rows = 0, d = r->cfg.n_inputs;
    bo_status st = bo_history_read_levels(history_path, r->input_names, d, &r->levels,
                                          r->constraint_names, r->cfg.n_constraints, &rows,
                                          &n_rows, r->err, sizeof r->err);
    if (st != BO_OK)
        return bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s", r->err);
    double *u = malloc(d * sizeof *u);
    if (!u) {
        bo_history_rows_free(rows);
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    }
    int code = BO_RUN_FINISHED;
    *max_eval = 0;
    for (size_t i = 0; i < n_rows && code == BO_RUN_FINISHED; i++) {
        const bo_history_row *row = &rows[i];
        size_t src = bo_config_source_index(&r->cfg, row->source);
        if (src == SIZE_MAX) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: unknown source '%s'",
                                history_path, i + 1, row->source);
            break;
        }
        if (row->status == BO_HISTORY_RUNNING) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: status running "
                                "belongs in dispatched.csv, not in the history", history_path,
                                i + 1);
            break;
        }
        if (bo_design_from_user_kinds(row->x, 1, d, r->lower, r->upper, r->log_scale, r->kind, u,
                                      r->err,
                                sizeof r->err) != BO_OK) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: %s", history_path,
                                i + 1, r->err);
            break;
        }
        int ok = row->status == BO_HISTORY_OK;
        int initial = row->phase == BO_HISTORY_INIT;
        if (bo_engine_observe_outputs(r->engine, u, src, row->y, ok, initial, row->outputs) !=
            BO_OK) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: %s", history_path,
                                i + 1, bo_engine_errmsg(r->engine));
            break;
        }
        /* The engine decides feasibility from the recorded constraint
         * values and the config's bounds, not from the recorded flag: a
         * flag that disagrees is reported, and the values win. */
        if (r->cfg.n_constraints > 0 &&
            bo_engine_feasible(r->engine, bo_engine_n_observations(r->engine) - 1) !=
                (row->feasible != 0))
            fprintf(stderr, "bo-run: warning: --resume: %s: row %zu: feasible is %d but its "
                    "constraint values make it %d under the config's bounds; %d is used\n",
                    history_path, i + 1, row->feasible != 0, !row->feasible, !row->feasible);
        if (bo_runi_record(r, src, ok, initial, row->y, row->eval_seconds) != 0)
            code = bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
        if (row->eval > *max_eval)
            *max_eval = row->eval;
    }
    free(u);
    bo_history_rows_free(rows);
    *n_rows_out = n_rows;
    return code;
}

/* The journal's evaluations that have no history row were in flight when
 * the run stopped: they are registered as pending with the engine and run
 * again first, at exactly the same points. *max_eval grows to the journal's
 * largest eval. */
static int collect_redo(run *r, const char *journal_path, const char *history_path,
                        size_t *max_eval)
{
    bo_history_row *rows = NULL, *done = NULL;
    size_t n_rows = 0, n_done = 0, d = r->cfg.n_inputs;
    bo_status st = bo_history_read_levels(journal_path, r->input_names, d, &r->levels, NULL, 0,
                                          &rows, &n_rows, r->err, sizeof r->err);
    if (st == BO_OK)
        st = bo_history_read_levels(history_path, r->input_names, d, &r->levels,
                                    r->constraint_names, r->cfg.n_constraints, &done, &n_done,
                                    r->err, sizeof r->err);
    if (st != BO_OK) {
        bo_history_rows_free(rows);
        return bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s", r->err);
    }
    int code = BO_RUN_FINISHED;
    size_t max_done = 0;
    for (size_t i = 0; i < n_done; i++)
        max_done = done[i].eval > max_done ? done[i].eval : max_done;
    unsigned char *completed = calloc(max_done + 1, 1);
    r->redo = calloc(n_rows ? n_rows : 1, sizeof *r->redo);
    if (!completed || !r->redo)
        code = bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    for (size_t i = 0; code == BO_RUN_FINISHED && i < n_done; i++)
        completed[done[i].eval] = 1;
    for (size_t i = 0; code == BO_RUN_FINISHED && i < n_rows; i++) {
        const bo_history_row *row = &rows[i];
        if (row->eval > *max_eval)
            *max_eval = row->eval;
        if (row->eval <= max_done && completed[row->eval])
            continue;
        size_t src = bo_config_source_index(&r->cfg, row->source);
        if (src == SIZE_MAX) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: unknown source '%s'",
                                journal_path, i + 1, row->source);
            break;
        }
        flight *f = &r->redo[r->n_redo];
        if (bo_runi_flight_alloc(f, d) != 0) {
            code = bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
            break;
        }
        r->n_redo++;
        memcpy(f->x, row->x, d * sizeof *f->x);
        if (bo_design_from_user_kinds(f->x, 1, d, r->lower, r->upper, r->log_scale, r->kind,
                                      f->u, r->err,
                                sizeof r->err) != BO_OK) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: %s", journal_path,
                                i + 1, r->err);
            break;
        }
        f->eval = row->eval;
        f->source = src;
        f->initial = row->phase == BO_HISTORY_INIT;
        f->acq = row->acq;
        f->suggest_seconds = row->suggest_seconds;
        f->cost = bo_engine_cost(r->engine, src);
        snprintf(f->message, sizeof f->message, "%s", row->message);
        if (bo_engine_add_pending(r->engine, f->u, src, f->initial) != BO_OK) {
            code = bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: row %zu: %s", journal_path,
                                i + 1, bo_engine_errmsg(r->engine));
            break;
        }
    }
    free(completed);
    bo_history_rows_free(rows);
    bo_history_rows_free(done);
    return code;
}

/* --resume: the run folder's config must describe the same run (a larger
 * budget and other workers are fine: the run is extended, or continued on
 * another machine). */
static int resume_check_config(run *r)
{
    char saved_path[4200];
    snprintf(saved_path, sizeof saved_path, "%s/config.yaml", r->dir);
    bo_config saved;
    if (bo_config_load(saved_path, &saved, r->err, sizeof r->err) != BO_OK)
        return bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s", r->err);
    /* The run's seed is the folder's unless --seed says otherwise: the
     * resume command then needs only the config and the folder. */
    if (!r->args.have_seed)
        r->cfg.seed = saved.seed;
    char what[256] = "";
    int same = bo_config_equal_ignoring(&saved, &r->cfg,
                                        BO_CONFIG_IGNORE_BUDGET | BO_CONFIG_IGNORE_EVALUATION,
                                        what, sizeof what);
    bo_config_cleanup(&saved);
    if (!same)
        return bo_runi_fail(r, BO_RUN_USAGE,
                            "--resume: %s differs from the run in %s (key %s); only the budget "
                            "and evaluation: may change on resume; start a new run with --out",
                            r->cfg.path, saved_path, what);
    return BO_RUN_FINISHED;
}

/* After the config check, with the engine made: the history replayed, the
 * evaluations that were in flight queued to run again, the warm start
 * restored and the files reopened for appending. */
static int resume_files(run *r, const char *history_path, const char *journal_path,
                        const char *state_path)
{
    size_t n_rows = 0, max_eval = 0;
    int code = replay_history(r, history_path, &n_rows, &max_eval);
    if (code != BO_RUN_FINISHED)
        return code;
    int have_journal = file_exists(journal_path);
    if (have_journal) {
        code = collect_redo(r, journal_path, history_path, &max_eval);
        if (code != BO_RUN_FINISHED)
            return code;
    }
    r->n_suggested = max_eval;

    /* The warm start in force after the last suggestion made. A line is
     * written before every evaluation is dispatched, so one for max_eval
     * exists unless the state file was lost or edited: say so, since the
     * resumed run then refits from scratch and may differ from an
     * uninterrupted one. */
    int found = 0;
    size_t eval = 0, n_values = 0;
    double *values = NULL;
    bo_status st;
    if (file_exists(state_path)) {
        st = bo_history_state_read(state_path, max_eval, &found, &eval, &values, &n_values,
                                   r->err, sizeof r->err);
        if (st != BO_OK)
            return bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s", r->err);
        if (max_eval > 0 && (!found || eval != max_eval))
            fprintf(stderr, "bo-run: warning: %s has no model state for evaluation %zu; the "
                            "resumed run refits from scratch and may differ from an "
                            "uninterrupted one\n", state_path, max_eval);
        if (found && n_values > 0 &&
            bo_engine_set_hyper(r->engine, values, n_values) != BO_OK) {
            free(values);
            return bo_runi_fail(r, BO_RUN_USAGE, "--resume: %s: %s", state_path,
                                bo_engine_errmsg(r->engine));
        }
        free(values);
    } else if (max_eval > 0) {
        fprintf(stderr, "bo-run: warning: %s is missing; the resumed run refits from scratch "
                        "and may differ from an uninterrupted one\n", state_path);
    }
    size_t d = r->cfg.n_inputs, n_check = 0;
    st = bo_history_open_append_levels(history_path, r->input_names, d, &r->levels,
                                       r->constraint_names, r->cfg.n_constraints, 0,
                                       &r->history, &n_check, r->err, sizeof r->err);
    if (st == BO_OK)
        st = have_journal
                 ? bo_history_open_append_levels(journal_path, r->input_names, d, &r->levels,
                                                 NULL, 0, 0, &r->journal, NULL, r->err,
                                                 sizeof r->err)
                 : bo_history_create_levels(journal_path, r->input_names, d, &r->levels, NULL,
                                            0, 0, &r->journal, r->err, sizeof r->err);
    if (st == BO_OK)
        st = bo_history_state_open_append(state_path, max_eval, 0, &r->state, r->err,
                                          sizeof r->err);
    if (st != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "--resume: %s", r->err);
    hold_files_from_children(r);
    if (!r->args.quiet) {
        printf("resuming %s: %zu evaluations replayed from %s", r->cfg.name, n_rows,
               history_path);
        if (r->n_redo)
            printf(", %zu that were running start again", r->n_redo);
        printf("\n");
    }
    return BO_RUN_FINISHED;
}

static int start_run(run *r, const char *history_path, const char *journal_path,
                     const char *state_path)
{
    /* A run already there may be running: that is the message to give (a
     * second start a moment after the first would otherwise be told only
     * that the folder holds a run). */
    if (file_exists(history_path) && lock_run_folder(r) != BO_RUN_FINISHED)
        return BO_RUN_USAGE;
    if (file_exists(history_path))
        return bo_runi_fail(r, BO_RUN_USAGE,
                            "%s already holds a run (%s exists); use --resume to continue it or "
                            "--out to start another",
                            r->dir, history_path);
    /* Nothing has been evaluated yet: an output folder that cannot be made
     * or written is a usage error (exit 2), like a bad config. */
    if (make_dirs(r->dir, r->err, sizeof r->err) != 0)
        return bo_runi_fail(r, BO_RUN_USAGE, "--out: %s", r->err);
    int code = lock_run_folder(r);
    if (code != BO_RUN_FINISHED)
        return code;
    if (file_exists(history_path)) /* a start that won the race made it meanwhile */
        return bo_runi_fail(r, BO_RUN_USAGE, "%s already holds a run (%s exists); use --resume "
                            "to continue it or --out to start another", r->dir, history_path);
    if (write_resolved_config(r) != BO_RUN_FINISHED)
        return BO_RUN_USAGE;
    size_t d = r->cfg.n_inputs;
    bo_status st = bo_history_create_levels(history_path, r->input_names, d, &r->levels,
                                            r->constraint_names, r->cfg.n_constraints, 0u,
                                            &r->history, r->err, sizeof r->err);
    if (st == BO_OK)
        st = bo_history_create_levels(journal_path, r->input_names, d, &r->levels, NULL, 0,
                                      BO_HISTORY_OVERWRITE, &r->journal, r->err,
                                      sizeof r->err);
    if (st == BO_OK)
        st = bo_history_state_create(state_path, BO_HISTORY_OVERWRITE, &r->state, r->err,
                                     sizeof r->err);
    if (st != BO_OK)
        return bo_runi_fail(r, BO_RUN_USAGE, "%s", r->err);
    hold_files_from_children(r);
    return BO_RUN_FINISHED;
}

/* Which of the end-of-run files were written this time (the summary lists
 * only those). */
typedef struct outputs_written {
    int model, plot_files, report;
} outputs_written;

/* Writes model.txt, the plot's data and script (and picture) and
 * report.html, each through a temporary file. Returns the number of files
 * that could not be written; each failure is printed with its file and
 * reason. After a failed history write nothing is written: the engine holds
 * an evaluation that history.csv does not, and --resume writes the files
 * from the history once the disk has room. */
static int write_outputs(run *r, const char *stop_why, outputs_written *w)
{
    memset(w, 0, sizeof *w);
    if (r->history_failed) {
        fprintf(stderr, "bo-run: model.txt, report.html and the plot were not written (the "
                        "history could not be); once the disk has room, `bo-run %s --resume "
                        "--out %s` writes them\n",
                r->args.config_path, r->dir);
        return 0;
    }
    const bo_config *c = &r->cfg;
    int failures = 0;
    bo_gp *gp = bo_engine_fit_final(r->engine);
    r->final_gp = gp;
    char path[4200];
    snprintf(path, sizeof path, "%s/model.txt", r->dir);
    bo_status st = bo_run_write_model(path, c, r->engine, gp, r->err, sizeof r->err);
    /* A failed recommendation or bound check still leaves a complete file
     * (its status comes after the commit); only BO_EIO/BO_ENOMEM mean none. */
    w->model = st != BO_EIO && st != BO_ENOMEM;
    if (st != BO_OK) {
        fprintf(stderr, "bo-run: %s%s\n", w->model ? "warning: " : "error: ", r->err);
        failures += !w->model;
    }

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
    po.evaluation_y = r->rs.y;
    po.evaluation_initial = r->rs.initial;
    po.objective = bo_objective_name(r->objective);
    po.maximize = c->goal == BO_CONFIG_MAXIMIZE;
    po.best_feasible = c->n_constraints > 0;
    bo_plot_series series = {r->rs.n, r->rs.cum_cost, r->rs.best, r->rs.source};
    int drawn = 0;
    /* The script is the last file the plot writes, renamed into place: a new
     * inode afterwards means the data and script were written, even when
     * gnuplot then failed (also BO_EIO). */
    char script_path[4300];
    snprintf(script_path, sizeof script_path, "%s/convergence.gp", r->dir);
    struct stat before, after;
    ino_t old_inode = stat(script_path, &before) == 0 ? before.st_ino : 0;
    st = bo_plot_convergence(&po, &series, &drawn, r->err, sizeof r->err);
    w->plot_files = stat(script_path, &after) == 0 && after.st_ino != old_inode;
    if (st != BO_OK) {
        fprintf(stderr, "bo-run: %splot: %s\n", w->plot_files ? "warning: " : "error: ",
                r->err);
        failures += !w->plot_files;
    } else if (po.format != BO_PLOT_NONE && !drawn) {
        fprintf(stderr, "bo-run: warning: gnuplot not found; the plot's data and script are "
                        "in %s (run gnuplot convergence.gp there)\n", r->dir);
    }
    r->plot_drawn = drawn;
    st = bo_report_write_html(r->dir, c, r->engine, gp, stop_why, r->err, sizeof r->err);
    w->report = st != BO_EIO && st != BO_ENOMEM;
    if (st != BO_OK) {
        fprintf(stderr, "bo-run: %s%s\n", w->report ? "warning: " : "error: ", r->err);
        failures += !w->report;
    }
    return failures;
}

static void summary(const run *r, const char *stop_why, double seconds,
                    const outputs_written *w)
{
    const bo_config *c = &r->cfg;
    printf("\n%s: %s after %zu evaluations (%zu failed), cost %g, %.1f s\n", c->name,
           stop_why ? stop_why : "stopped", r->rs.n, r->rs.n_failed, r->rs.total_cost, seconds);
    if (r->workers > 1 && r->loop_seconds > 0)
        printf("workers: %zu, busy %.0f%% of the time (evaluations %.1f s of %zu x %.1f s)\n",
               r->workers, 100.0 * r->rs.busy_seconds / ((double)r->workers * r->loop_seconds),
               r->rs.busy_seconds, r->workers, r->loop_seconds);
    if (r->history_failed) {
        printf("outputs in %s/: history.csv (up to its last complete row), config.yaml\n",
               r->dir);
        return;
    }
    bo_run_recommendation rec;
    bo_run_recommendation_init(&rec);
    char why[512];
    if (bo_run_recommend(c, r->engine, r->final_gp, &rec, why, sizeof why) != BO_OK)
        fprintf(stderr, "bo-run: warning: %s\n", why);
    bo_run_print_recommendation(stdout, c, &rec);
    bo_run_recommendation_cleanup(&rec);
    bo_run_print_bound_warnings(stdout, "", c, r->engine, r->final_gp);
    printf("outputs in %s/: history.csv%s%s, config.yaml%s%s\n", r->dir,
           w->model ? ", model.txt" : "", w->report ? ", report.html" : "",
           w->plot_files ? ", convergence.gp and .dat" : "",
           !r->plot_drawn                   ? ""
           : c->output.plot == BO_PLOT_SVG ? ", convergence.svg"
                                           : ", convergence.png");
}

static void run_cleanup(run *r)
{
    bo_proc_release_from_children(bo_history_fd(r->history));
    bo_proc_release_from_children(bo_history_fd(r->journal));
    bo_proc_release_from_children(bo_history_state_fd(r->state));
    if (r->lock_fd >= 0) {
        bo_proc_release_from_children(r->lock_fd);
        close(r->lock_fd);
    }
    bo_evaluator_destroy(r->evaluator);
    bo_history_destroy(r->history);
    bo_history_destroy(r->journal);
    bo_history_state_destroy(r->state);
    bo_engine_destroy(r->engine);
    bo_objective_close(r->objective);
    run_state_cleanup(&r->rs);
    if (r->flights)
        for (size_t i = 0; i < r->workers; i++)
            bo_runi_flight_free(&r->flights[i]);
    free(r->flights);
    for (size_t i = 0; i < r->n_redo; i++)
        bo_runi_flight_free(&r->redo[i]);
    free(r->redo);
    free(r->input_names);
    free(r->constraint_names);
    free(r->source_names);
    free(r->lower);
    free(r->upper);
    free(r->log_scale);
    free(r->kind);
    free(r->n_levels);
    free(r->level_names);
    free(r->theta);
    bo_config_cleanup(&r->cfg);
}

/* The config, the names and the run folder's path. */
static int load_config(run *r)
{
    bo_config *c = &r->cfg;
    if (bo_config_load(r->args.config_path, c, r->err, sizeof r->err) != BO_OK)
        return bo_runi_fail(r, BO_RUN_USAGE, "%s", r->err);
    if (r->args.have_seed)
        c->seed = r->args.seed;
    if (prepare_names(r) != 0)
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    if (r->args.out_dir)
        snprintf(r->dir, sizeof r->dir, "%s", r->args.out_dir);
    else
        snprintf(r->dir, sizeof r->dir, "runs/%s", c->name);
    return BO_RUN_FINISHED;
}

static int make_evaluator(run *r)
{
    r->workers = r->cfg.evaluation.workers;
#ifdef BO_HAVE_MPI
    if (r->args.mpi) {
        r->evaluator = bo_evaluator_mpi(r->cfg.n_inputs, r->err, sizeof r->err);
        if (!r->evaluator)
            return bo_runi_fail(r, BO_RUN_USAGE, "MPI: %s", r->err);
        r->workers = bo_evaluator_workers(r->evaluator);
    }
#endif
    if (!r->evaluator) {
        r->evaluator = bo_evaluator_local(r->objective, r->workers, r->err, sizeof r->err);
        if (!r->evaluator) {
            size_t line = 0, column = 0;
            bo_config_place(&r->cfg, "evaluation.workers", &line, &column);
            return bo_runi_fail(r, BO_RUN_USAGE, "%s:%zu:%zu: evaluation.workers: %s",
                                r->cfg.path, line, column, r->err);
        }
    }
    r->flights = calloc(r->workers, sizeof *r->flights);
    if (!r->flights)
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    for (size_t i = 0; i < r->workers; i++)
        if (bo_runi_flight_alloc(&r->flights[i], r->cfg.n_inputs) != 0)
            return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    return BO_RUN_FINISHED;
}

/* initial_data: evaluations paid for before the run seed the model. They
 * are not this run's evaluations: not in its history, not counted by any
 * budget, and read again by --resume (before the history is replayed). */
static int load_initial_data(run *r)
{
    const bo_config *c = &r->cfg;
    if (!c->initial_data)
        return BO_RUN_FINISHED;
    bo_initial_data_spec spec = {.input_names = r->input_names,
                                 .n_inputs = c->n_inputs,
                                 .lower = r->lower,
                                 .upper = r->upper,
                                 .source_names = r->source_names,
                                 .n_sources = c->n_sources,
                                 .default_source = c->target,
                                 .n_levels = r->n_levels,
                                 .level_names = r->level_names};
    bo_initial_data data;
    bo_initial_data_init(&data);
    if (bo_initial_data_read(c->initial_data, &spec, &data, r->err, sizeof r->err) != BO_OK) {
        size_t line = 0, column = 0;
        bo_config_place(c, "initial_data", &line, &column);
        return bo_runi_fail(r, BO_RUN_USAGE, "%s:%zu:%zu: initial_data: %s", c->path, line,
                            column, r->err);
    }
    size_t d = c->n_inputs;
    double *u = malloc(d * sizeof *u);
    int code = u ? BO_RUN_FINISHED : bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    for (size_t i = 0; code == BO_RUN_FINISHED && i < data.n_rows; i++) {
        if (bo_design_from_user_kinds(data.x + i * d, 1, d, r->lower, r->upper, r->log_scale,
                                      r->kind, u,
                                r->err, sizeof r->err) != BO_OK ||
            bo_engine_observe_prior(r->engine, u, data.source[i], data.y[i], !data.failed[i]) !=
                BO_OK)
            code = bo_runi_fail(r, BO_RUN_USAGE, "%s:%zu: %s", c->initial_data, data.line[i],
                                r->err[0] ? r->err : bo_engine_errmsg(r->engine));
    }
    if (code == BO_RUN_FINISHED && !r->args.quiet && !r->args.check)
        printf("initial_data: %zu evaluations (%zu failed) from %s seed the model\n",
               data.n_rows, data.n_failed, c->initial_data);
    free(u);
    bo_initial_data_cleanup(&data);
    return code;
}

static int run_body(run *r)
{
    bo_config *c = &r->cfg;
    int code = load_config(r);
    if (code != BO_RUN_FINISHED)
        return code;
    code = open_objective(r);
    if (code != BO_RUN_FINISHED)
        return code;
    char warnings[4096];
    if (bo_config_warnings(c, warnings, sizeof warnings) > 0)
        fputs(warnings, stderr);

    char history_path[4200], journal_path[4200], state_path[4200];
    snprintf(history_path, sizeof history_path, "%s/history.csv", r->dir);
    snprintf(journal_path, sizeof journal_path, "%s/dispatched.csv", r->dir);
    snprintf(state_path, sizeof state_path, "%s/engine_state.txt", r->dir);
    if (r->args.resume) {
        if (!file_exists(history_path))
            return bo_runi_fail(r, BO_RUN_USAGE, "--resume: no run to resume in %s (%s not "
                                "found)", r->dir, history_path);
        code = lock_run_folder(r);
        if (code == BO_RUN_FINISHED)
            code = resume_check_config(r);
        if (code != BO_RUN_FINISHED)
            return code;
    }

    bo_engine_options eo;
    double *costs = calloc(c->n_sources, sizeof *costs);
    size_t *initial = calloc(c->n_sources, sizeof *initial);
    bo_var_kind *kinds = calloc(c->n_inputs, sizeof *kinds);
    size_t *n_values = calloc(c->n_inputs, sizeof *n_values);
    if (!costs || !initial || !kinds || !n_values) {
        free(costs);
        free(initial);
        free(kinds);
        free(n_values);
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    }
    bo_config_engine_options(c, &eo, costs, initial, kinds, n_values);
    /* The constraints' bounds for the engine (it copies them). */
    double bounds[2 * BO_ENGINE_MAX_CONSTRAINTS];
    eo.n_constraints = c->n_constraints < BO_ENGINE_MAX_CONSTRAINTS ? c->n_constraints
                                                                    : BO_ENGINE_MAX_CONSTRAINTS;
    for (size_t k = 0; k < eo.n_constraints; k++) {
        bounds[k] = c->constraints[k].lower;
        bounds[BO_ENGINE_MAX_CONSTRAINTS + k] = c->constraints[k].upper;
    }
    eo.constraint_lower = bounds;
    eo.constraint_upper = bounds + BO_ENGINE_MAX_CONSTRAINTS;
    /* Under mpirun the workers are the other ranks, known once the
     * evaluator exists; they are never one alone there. */
    eo.acq_threads = bo_runi_acq_threads(r->args.mpi ? 2 : c->evaluation.workers);
    eo.workers = r->args.mpi ? (size_t)r->args.mpi : c->evaluation.workers;
    r->engine = bo_engine_create(&eo, r->err, sizeof r->err);
    free(costs);
    free(initial);
    free(kinds);
    free(n_values);
    if (!r->engine)
        return bo_runi_fail(r, BO_RUN_USAGE, "%s: %s", c->path, r->err);
    code = make_evaluator(r);
    if (code == BO_RUN_FINISHED)
        code = load_initial_data(r);
    if (code != BO_RUN_FINISHED)
        return code;
    if (r->args.check) {
        printf("%s: config OK: %zu inputs, %zu source%s, objective '%s' loaded; outputs would "
               "go to %s/\n",
               c->path, c->n_inputs, c->n_sources, c->n_sources == 1 ? "" : "s",
               bo_objective_name(r->objective), r->dir);
        return BO_RUN_FINISHED;
    }

    code = r->args.resume ? resume_files(r, history_path, journal_path, state_path)
                          : start_run(r, history_path, journal_path, state_path);
    if (code != BO_RUN_FINISHED)
        return code;

    double t0 = bo_proc_now();
    const char *stop_why = NULL;
    /* mpirun hands rank 0 a pseudo-terminal even when its output goes to a
     * batch log: no live line there. */
    r->tty = !r->args.quiet && !r->args.mpi && isatty(STDOUT_FILENO);
    code = bo_runi_loop(r, &stop_why);
    outputs_written written;
    int unwritten = write_outputs(r, stop_why ? stop_why : "failed", &written);
    summary(r, stop_why ? stop_why : "failed", bo_proc_now() - t0, &written);
    if (unwritten > 0 && code == BO_RUN_FINISHED)
        code = bo_runi_fail(r, BO_RUN_FAILED, "%d output file%s could not be written (above); "
                            "the evaluations are all in %s/history.csv", unwritten,
                            unwritten == 1 ? "" : "s", r->dir);
    if (r->interrupted && *r->interrupted)
        fprintf(stderr, "bo-run: interrupted; continue with: bo-run %s --resume --out %s%s\n",
                r->args.config_path, r->dir, r->workers > 1 || r->n_redo
                                                 ? " (evaluations that were running start again)"
                                                 : "");
    return code;
}

int bo_run_execute(const bo_run_args *args, const volatile sig_atomic_t *interrupted)
{
    run *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "bo-run: out of memory\n");
        return BO_RUN_FAILED;
    }
    r->args = *args;
    r->interrupted = interrupted;
    r->lock_fd = -1;
    bo_config_init(&r->cfg);
    int code = run_body(r);
    run_cleanup(r);
    free(r);
    return code;
}

int bo_run_mpi_worker(const bo_run_args *args, const volatile sig_atomic_t *interrupted)
{
#ifdef BO_HAVE_MPI
    run *r = calloc(1, sizeof *r);
    if (!r)
        return BO_RUN_FAILED;
    r->args = *args;
    r->lock_fd = -1;
    bo_config_init(&r->cfg);
    int code = load_config(r);
    if (code == BO_RUN_FINISHED)
        code = open_objective(r);
    /* A worker that cannot open the objective still answers rank 0, which
     * then reports the failure of every evaluation sent to it. */
    bo_status st = bo_evaluator_mpi_serve(code == BO_RUN_FINISHED ? r->objective : NULL,
                                          code == BO_RUN_FINISHED ? NULL : r->err,
                                          interrupted);
    if (code == BO_RUN_FINISHED && st != BO_OK)
        code = BO_RUN_FAILED;
    run_cleanup(r);
    free(r);
    return code;
#else
    (void)args;
    (void)interrupted;
    fprintf(stderr, "bo-run: built without MPI\n");
    return BO_RUN_USAGE;
#endif
}
