/* The loop of a run: keep every worker busy; the moment an evaluation
 * completes, record it and ask the engine for the next point, conditioned
 * on those still running. No barrier between batches. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo/engine/design.h"
#include "bo/objective/proc.h"
#include "bo/run/run_internal.h"

/* Redraw interval of the live line while evaluations run (terminal only). */
static const double LIVE_REFRESH_SECONDS = 0.5;

size_t bo_runi_acq_threads(size_t workers)
{
    /* BO_ACQ_THREADS=N (1 to 64) overrides the choice, for a master that
     * shares its node with the evaluations, or to compare. */
    const char *env = getenv("BO_ACQ_THREADS");
    if (env && *env) {
        char *end = NULL;
        unsigned long n = strtoul(env, &end, 10);
        if (*end == '\0' && n >= 1 && n <= 64)
            return (size_t)n;
        fprintf(stderr, "bo-run: warning: BO_ACQ_THREADS=%s is not a count from 1 to 64; "
                        "ignored\n", env);
    }
    if (workers <= 1)
        return 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        return 1;
    return cores > 8 ? 8 : (size_t)cores;
}

static size_t in_flight(const run *r)
{
    return bo_evaluator_busy(r->evaluator);
}

static double committed_cost(const run *r)
{
    double c = r->rs.total_cost;
    for (size_t i = 0; i < r->workers; i++)
        if (r->flights[i].eval)
            c += r->flights[i].cost;
    return c;
}

/* Why no further evaluation may start, or NULL: the rules that do not
 * depend on the next point. Evaluations in flight count as spent for the
 * evaluation and cost budgets, so K workers never overshoot them; the rules
 * on values look at completed evaluations only. */
static const char *stop_reason_now(const run *r)
{
    const bo_config_budget *b = &r->cfg.budget;
    const run_state *s = &r->rs;
    size_t committed = s->n + in_flight(r);
    if (b->max_evaluations != SIZE_MAX && committed >= b->max_evaluations)
        return "max_evaluations reached";
    if (isfinite(b->max_cost) && committed_cost(r) >= b->max_cost * (1 - 1e-12))
        return "max_cost reached";
    if (b->has_target_value && s->have_best &&
        (r->cfg.goal == BO_CONFIG_MAXIMIZE ? s->best_value >= b->target_value
                                           : s->best_value <= b->target_value))
        return "target_value reached";
    int in_initial = bo_engine_initial_remaining(r->engine) > 0;
    if (!in_initial && b->max_no_improvement != SIZE_MAX &&
        s->n - s->last_improvement >= b->max_no_improvement)
        return "max_no_improvement reached";
    return NULL;
}

/* The one rule that needs the chosen source: its cost must fit the budget. */
static const char *stop_reason_next(const run *r, double next_cost)
{
    const bo_config_budget *b = &r->cfg.budget;
    if (isfinite(b->max_cost) && committed_cost(r) + next_cost > b->max_cost * (1 + 1e-12))
        return "max_cost reached (the next evaluation would exceed it)";
    return NULL;
}

static flight *free_flight(run *r)
{
    for (size_t i = 0; i < r->workers; i++)
        if (r->flights[i].eval == 0)
            return &r->flights[i];
    return NULL;
}

static flight *find_flight(run *r, size_t eval)
{
    for (size_t i = 0; i < r->workers; i++)
        if (r->flights[i].eval == eval)
            return &r->flights[i];
    return NULL;
}

/* Copies a flight's description, keeping the destination's point arrays. */
static void flight_copy(flight *to, const flight *from, size_t dim)
{
    double *u = to->u, *x = to->x;
    *to = *from;
    to->u = u;
    to->x = x;
    memcpy(u, from->u, dim * sizeof *u);
    memcpy(x, from->x, dim * sizeof *x);
}

static void clear_live_line(run *r)
{
    if (r->live_shown) {
        printf("\r\033[K");
        r->live_shown = 0;
    }
}

/* Rough time left from the evaluations completed since the initial design
 * ended: their throughput, applied to what the budget leaves. 0 when no
 * estimate can be made yet. */
static double seconds_left(const run *r)
{
    const run_state *s = &r->rs;
    const bo_config_budget *b = &r->cfg.budget;
    if (s->n_at_design_end == 0 || s->n <= s->n_at_design_end)
        return 0.0;
    double dt = bo_proc_now() - s->t_design_end;
    double done = (double)(s->n - s->n_at_design_end);
    if (!(dt > 0.0))
        return 0.0;
    double left = INFINITY;
    if (b->max_evaluations != SIZE_MAX)
        left = fmin(left, (double)(b->max_evaluations > s->n ? b->max_evaluations - s->n : 0) *
                              dt / done);
    if (isfinite(b->max_cost)) {
        double spent = s->total_cost - s->cum_cost[s->n_at_design_end - 1];
        if (spent > 0.0)
            left = fmin(left, fmax(0.0, b->max_cost - s->total_cost) * dt / spent);
    }
    return isfinite(left) ? left : 0.0;
}

static void format_duration(double seconds, char *buf, size_t len)
{
    if (seconds < 90)
        snprintf(buf, len, "%.0fs", seconds);
    else if (seconds < 5400)
        snprintf(buf, len, "%.0fm", seconds / 60);
    else
        snprintf(buf, len, "%.1fh", seconds / 3600);
}

/* With a terminal: which evaluations run and for how long, redrawn in
 * place. */
static void live_line(run *r)
{
    if (!r->tty)
        return;
    size_t tags[8];
    double started[8];
    size_t n = bo_evaluator_in_flight(r->evaluator, tags, started, 8);
    if (n == 0)
        return;
    double wall = bo_proc_wall();
    char line[512];
    int at = snprintf(line, sizeof line, "running:");
    for (size_t i = 0; i < n && i < 4 && at < (int)sizeof line; i++)
        at += snprintf(line + at, sizeof line - (size_t)at, " eval %zu (%.0fs)", tags[i],
                       wall - started[i]);
    if (n > 4 && at < (int)sizeof line)
        at += snprintf(line + at, sizeof line - (size_t)at, " and %zu more", n - 4);
    double left = seconds_left(r);
    if (left >= 1.0 && at < (int)sizeof line) {
        char d[32];
        format_duration(left, d, sizeof d);
        snprintf(line + at, sizeof line - (size_t)at, "  ~%s left", d);
    }
    printf("\r\033[K%s", line);
    fflush(stdout);
    r->live_shown = 1;
}

static void progress_line(run *r, const bo_history_row *row, double elapsed)
{
    if (r->args.quiet)
        return;
    clear_live_line(r);
    const bo_config *c = &r->cfg;
    char budget[64] = "";
    if (isfinite(c->budget.max_cost))
        snprintf(budget, sizeof budget, "/%g", c->budget.max_cost);
    char y[64], best[64], extra[96] = "";
    if (row->status == BO_HISTORY_OK)
        snprintf(y, sizeof y, "%.6g", row->y);
    else
        snprintf(y, sizeof y, "failed");
    if (isfinite(row->best))
        snprintf(best, sizeof best, "%.8g", row->best);
    else
        snprintf(best, sizeof best, "-");
    int at = 0;
    if (r->workers > 1)
        at += snprintf(extra, sizeof extra, "  [%zu running]", in_flight(r));
    double left = seconds_left(r);
    if (left >= 1.0) {
        char d[32];
        format_duration(left, d, sizeof d);
        snprintf(extra + at, sizeof extra - (size_t)at, "  ~%s left", d);
    }
    printf("eval %4zu  %-4s %-6s y %-12s best %-14s cost %g%s  %.1fs%s%s%s\n", row->eval,
           bo_history_phase_name(row->phase), row->source, y, best, row->cum_cost, budget,
           elapsed, extra, row->status == BO_HISTORY_OK ? "" : "  ",
           row->status == BO_HISTORY_OK ? "" : row->message);
    fflush(stdout);
}

/* A row of history.csv or dispatched.csv for flight f. */
static bo_history_row flight_row(const run *r, const flight *f)
{
    return (bo_history_row){
        .eval = f->eval,
        .phase = f->initial ? BO_HISTORY_INIT : BO_HISTORY_BO,
        .source = r->cfg.sources[f->source].name,
        .x = f->x,
        .y = NAN,
        .status = BO_HISTORY_RUNNING,
        .message = f->message,
        .cost = f->cost,
        .cum_cost = r->rs.total_cost,
        .best = r->rs.have_best ? r->rs.best_value : NAN,
        .acq = f->acq,
        .suggest_seconds = f->suggest_seconds,
        .eval_seconds = 0.0,
        .worker = 1,
        .started = bo_proc_wall(),
        .finished = bo_proc_wall(),
    };
}

/* Starts flight f on a worker (it is recorded in dispatched.csv first, and
 * pending in the engine already). */
static int dispatch(run *r, flight *f)
{
    bo_plugin_call call = {.struct_size = sizeof call,
                           .seed = r->cfg.seed,
                           .eval = f->eval,
                           .worker = 0};
    size_t worker = 0;
    bo_status st = bo_evaluator_submit(r->evaluator, f->eval, f->x, f->source, &call, &worker,
                                       r->err, sizeof r->err);
    if (st != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu: %s", f->eval, r->err);
    flight *slot = free_flight(r);
    flight_copy(slot, f, r->cfg.n_inputs);
    return BO_RUN_FINISHED;
}

/* Chooses the next point, writes the engine state and the journal row,
 * registers it as pending and starts it. *stop_why is set instead when the
 * budget leaves no room for the point chosen. */
static int suggest_and_dispatch(run *r, flight *f, const char **stop_why)
{
    const bo_config *c = &r->cfg;
    size_t d = c->n_inputs;
    double t0 = bo_proc_now();
    bo_suggestion s;
    if (bo_engine_suggest(r->engine, f->u, &s) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "choosing evaluation %zu: %s", r->n_suggested + 1,
                            bo_engine_errmsg(r->engine));
    if (s.exhausted) {
        *stop_why = "every point of the input space has been evaluated";
        return BO_RUN_FINISHED;
    }
    *stop_why = stop_reason_next(r, bo_engine_cost(r->engine, s.source));
    if (*stop_why)
        return BO_RUN_FINISHED;
    if (r->interrupted && *r->interrupted)
        return BO_RUN_FINISHED; /* Ctrl-C during the model fit: start nothing */
    /* The point evaluated is the one that reads back from the history
     * exactly: map to user units and back once. */
    if (bo_design_to_user_kinds(f->u, 1, d, r->lower, r->upper, r->log_scale, r->kind, f->x,
                                r->err, sizeof r->err) != BO_OK ||
        bo_design_from_user_kinds(f->x, 1, d, r->lower, r->upper, r->log_scale, r->kind, f->u,
                                  r->err, sizeof r->err) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "%s", r->err);
    f->eval = ++r->n_suggested;
    f->source = s.source;
    f->initial = s.initial;
    f->acq = s.acq_value;
    f->cost = bo_engine_cost(r->engine, s.source);
    f->suggest_seconds = bo_proc_now() - t0;
    snprintf(f->message, sizeof f->message, "%s", s.note ? s.note : s.reason ? s.reason : "");
    int code = bo_runi_save_engine_state(r, f->eval);
    if (code != BO_RUN_FINISHED)
        return code;
    if (s.note && !r->args.quiet) {
        clear_live_line(r);
        printf("note: evaluation %zu is a space-filling point: %s\n", f->eval, s.note);
    }
    bo_history_row row = flight_row(r, f);
    if (bo_history_append(r->journal, &row) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "%s", bo_history_errmsg(r->journal));
    if (bo_engine_add_pending(r->engine, f->u, f->source, f->initial) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu: %s", f->eval,
                            bo_engine_errmsg(r->engine));
    return dispatch(r, f);
}

/* Starts evaluations while a worker is idle and the budget allows: first
 * those that were running when the run last stopped, then new ones. */
static int fill_workers(run *r, flight *scratch, const char **stop_why)
{
    while (!*stop_why && in_flight(r) < r->workers) {
        if (r->interrupted && *r->interrupted)
            return BO_RUN_FINISHED;
        *stop_why = stop_reason_now(r);
        if (*stop_why)
            break;
        int code;
        if (r->redo_next < r->n_redo) {
            flight *f = &r->redo[r->redo_next++];
            *stop_why = stop_reason_next(r, f->cost);
            if (*stop_why)
                break;
            code = dispatch(r, f);
        } else {
            code = suggest_and_dispatch(r, scratch, stop_why);
        }
        if (code != BO_RUN_FINISHED)
            return code;
    }
    return BO_RUN_FINISHED;
}

/* Records a completed evaluation: engine, run state, history, progress. */
static int record(run *r, const bo_evaluation *ev)
{
    flight *f = find_flight(r, ev->tag);
    if (!f)
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu completed but was not running",
                            ev->tag);
    int ok = ev->status == BO_OK;
    if (!ok && ev->status != BO_EEVAL && ev->status != BO_ETIMEOUT)
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu: %s", ev->tag, ev->msg);
    if (bo_engine_observe_outputs(r->engine, f->u, f->source, ev->y, ok, f->initial,
                                  r->cfg.n_constraints > 0 ? ev->outputs : NULL) != BO_OK)
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu: %s", ev->tag,
                            bo_engine_errmsg(r->engine));
    if (bo_runi_record(r, f->source, ok, f->initial, ev->y, ev->seconds) != 0)
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    bo_history_row row = flight_row(r, f);
    row.y = ok ? ev->y : NAN;
    row.status = ok ? BO_HISTORY_OK : BO_HISTORY_FAILED;
    row.message = ok ? f->message : ev->msg;
    row.cum_cost = r->rs.total_cost;
    row.best = r->rs.best[r->rs.n - 1];
    row.eval_seconds = ev->seconds;
    row.worker = ev->worker;
    row.started = ev->started;
    row.finished = ev->finished;
    if (r->cfg.n_constraints > 0) {
        row.outputs = ev->outputs;
        row.feasible = ok;
        for (size_t k = 0; k < r->cfg.n_constraints; k++)
            row.feasible &= bo_config_constraint_holds(&r->cfg.constraints[k], ev->outputs[k]);
    }
    f->eval = 0;
    if (bo_history_append(r->history, &row) != BO_OK) {
        r->history_failed = 1;
        bo_runi_unrecord(r, ok, ev->seconds);
        return bo_runi_fail(r, BO_RUN_FAILED, "evaluation %zu could not be recorded: %s; "
                            "history.csv holds every evaluation before it, and --resume runs "
                            "this one again", row.eval, bo_history_errmsg(r->history));
    }
    progress_line(r, &row, bo_proc_now() - r->t_loop_start);
    /* Counted over this process's evaluations only, so a --resume after the
     * objective was fixed is not stopped by the failures that ended the
     * last run. */
    r->failures_in_a_row = ok ? 0 : r->failures_in_a_row + 1;
    if (!ok)
        snprintf(r->last_failure, sizeof r->last_failure, "%s", ev->msg);
    size_t limit = r->cfg.budget.max_consecutive_failures;
    if (limit > 0 && r->failures_in_a_row >= limit)
        r->failed_out = 1;
    return BO_RUN_FINISHED;
}

/* Results already waiting, recorded without blocking: an interrupt then
 * keeps every evaluation that completed before it, and several completions
 * arriving together are all seen before the next points are chosen (they
 * share one model fit). */
static int drain_completed(run *r)
{
    bo_evaluation ev;
    while (in_flight(r) > 0 && bo_evaluator_wait(r->evaluator, 0.0, NULL, &ev) == 1) {
        /* After an interrupt, a cancelled evaluation reports a failure: it
         * is not the objective's verdict, so it is not recorded. */
        if (r->interrupted && *r->interrupted && ev.status != BO_OK) {
            find_flight(r, ev.tag)->eval = 0;
            continue;
        }
        int code = record(r, &ev);
        if (code != BO_RUN_FINISHED)
            return code;
    }
    return BO_RUN_FINISHED;
}

int bo_runi_loop(run *r, const char **stop_why)
{
    flight scratch = {0};
    if (bo_runi_flight_alloc(&scratch, r->cfg.n_inputs) != 0) {
        bo_runi_flight_free(&scratch);
        return bo_runi_fail(r, BO_RUN_FAILED, "out of memory");
    }
    r->t_loop_start = bo_proc_now();
    *stop_why = NULL;
    int code = BO_RUN_FINISHED;
    for (;;) {
        if (r->interrupted && *r->interrupted) {
            code = drain_completed(r);
            bo_evaluator_cancel(r->evaluator);
            for (size_t i = 0; i < r->workers; i++)
                r->flights[i].eval = 0;
            *stop_why = "interrupted";
            if (code == BO_RUN_FINISHED)
                code = BO_RUN_FAILED;
            break;
        }
        code = fill_workers(r, &scratch, stop_why);
        if (code != BO_RUN_FINISHED)
            break;
        if (r->interrupted && *r->interrupted)
            continue; /* a signal while choosing: stop at the top */
        if (in_flight(r) == 0)
            break;
        bo_evaluation ev;
        double timeout = r->tty ? LIVE_REFRESH_SECONDS : -1.0;
        if (bo_evaluator_wait(r->evaluator, timeout, r->interrupted, &ev) != 1) {
            live_line(r);
            continue;
        }
        if (r->interrupted && *r->interrupted && ev.status != BO_OK) {
            find_flight(r, ev.tag)->eval = 0;
            continue;
        }
        code = record(r, &ev);
        if (code == BO_RUN_FINISHED)
            code = drain_completed(r);
        if (code != BO_RUN_FINISHED)
            break;
        if (r->failed_out) {
            *stop_why = "max_consecutive_failures reached";
            code = bo_runi_fail(r, BO_RUN_FAILED,
                                "%zu evaluations failed in a row (the last: %s); the objective "
                                "looks broken: fix it, then continue with --resume",
                                r->failures_in_a_row, r->last_failure);
            break;
        }
    }
    if (code != BO_RUN_FINISHED && !(r->interrupted && *r->interrupted)) {
        /* A failure of the host: stop what still runs; it is in
         * dispatched.csv, so --resume runs it again. */
        bo_evaluator_cancel(r->evaluator);
        for (size_t i = 0; i < r->workers; i++)
            r->flights[i].eval = 0;
    }
    clear_live_line(r);
    r->loop_seconds = bo_proc_now() - r->t_loop_start;
    bo_runi_flight_free(&scratch);
    return code;
}
