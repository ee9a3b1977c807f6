/* Evaluations in flight on a simulated clock, and the analysis of real runs.
 *
 *   bench_parallel_sim run CONFIG --workers K --seed S --out DIR
 *       [--pending believer|capped|refine|observed] [--max-evals N] [--max-cost C]
 *       [--horizon SECONDS] [--mean-seconds M] [--sigma SD]
 *       [--engine-time cpu|wall|zero]
 *   bench_parallel_sim summarise [--evals N] [--tol T] [--ref LABEL] [--level R]
 *       [--pair A:B ...] [--plot PREFIX --title TEXT] LABEL=RUNS_DIR ...
 *   bench_parallel_sim utilisation RUN_DIR [--mean-seconds M --sigma SD]
 *
 * run: bo-run's asynchronous loop (bo/run/loop.c) over the engine API, with
 * K simulated workers instead of processes. The objective is the config's
 * plugin, called in this process; an evaluation of source s takes
 *     D = M * cost(s) / cost(target) * exp(SD * z - SD^2 / 2)
 * seconds of simulated time (log-normal, mean M * cost ratio), z drawn from
 * (seed, evaluation number) exactly as plugins/simulated_cost.c draws it, so
 * a real bo-run with that plugin sleeps the same durations. The engine is
 * serial and its time is real: every bo_engine_suggest and bo_engine_observe
 * is timed (process CPU time by default, which a busy machine disturbs less
 * than wall time) and advances the clock, so the engine delays dispatches
 * exactly as it delays bo-run's master. --engine-time zero makes the engine
 * free: the run is then a pure function of (config, K, seed, rule), bit for
 * bit; with measured engine time, completion order (and so the history) can
 * differ between reruns where two events are closer than the timing noise.
 * The loop follows bo-run's: fill every idle worker while the budget allows
 * (evaluations and cost in flight count as spent), then take the next
 * completion, record it and every other completion due by then (the
 * engine's time included), and fill again. DIR receives config.yaml (the
 * config as run: seed, workers, budget) and history.csv in bo-run's format
 * with simulated times (started, finished: seconds since the start;
 * suggest_seconds: engine time charged for the point; eval_seconds: D), so
 * bo-study aggregate reads it like a bo-run folder; and sim.txt, one line of
 * totals (utilisation; engine time, split into suggestions that refitted
 * because an observation came since the previous one, and those that
 * reused the fit; including the initial design's and fallback points,
 * which neither fit nor maximise).
 * --max-evals replaces budget.max_evaluations (and raises a smaller
 * max_no_improvement to it: the configs mean theirs never to bind);
 * --horizon starts nothing at or after that simulated time; the config's
 * other stopping rules apply. --max-cost replaces budget.max_cost.
 *
 * summarise: per label (one folder of runs, one sub-folder per seed) the
 * regret after N evaluations (best over evaluations 1..N, i.e. what a run
 * with max_evaluations N returns; a run that its target_value stopped before
 * N keeps its final value) with its simulated wall time, the median
 * regret curve against time (at every completion of any run of the label:
 * each run's regret at time t is that of its best completed evaluation, a
 * finished run keeps its last value), the first time that median curve is
 * at or below the reference label's median regret after N evaluations (or
 * the regret R of --level),
 * and the time, evaluations and cost to come within T (relative) of the
 * optimum. --pair A:B compares labels A and B seed by seed (runs matched by
 * folder name) on each of these measures. --plot writes PREFIX.dat and PREFIX.gp (gnuplot: median regret
 * against time, one curve and interquartile band per label).
 *
 * utilisation: a real bo-run folder (config.yaml, history.csv,
 * dispatched.csv): busy time over K x wall, and where the idle worker time
 * went: before a worker's first evaluation, between two evaluations on one
 * worker (split into waiting for the master, the master choosing the point,
 * and the launch), and after a worker's last evaluation. With the
 * simulated_cost plugin's M and SD it also compares each eval_seconds with
 * the duration drawn for that evaluation (the rest is the plugin child's
 * fork and exit). */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bo/config/config.h"
#include "bo/engine/design.h"
#include "bo/engine/engine.h"
#include "bo/io/history.h"
#include "bo/objective/objective.h"
#include "bo/report/benchmarks.h"
#include "bo/report/run_report.h"
#include "bo/report/study.h"

#define SIM_PI 3.14159265358979323846
/* The simulated problems are continuous and small. */
#define BENCH_MAX_INPUTS 64

/* ---- the duration draw, as plugins/simulated_cost.c -------------------- */

static uint64_t sim_mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double sim_normal(uint64_t seed, uint64_t eval)
{
    uint64_t h = sim_mix(sim_mix(seed ^ 0x5d1c0a7e5eedu) ^ eval);
    double u1 = ((double)(h >> 11) + 1.0) * 0x1.0p-53;
    double u2 = (double)(sim_mix(h) >> 11) * 0x1.0p-53;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * SIM_PI * u2);
}

static double sim_duration(uint64_t seed, size_t eval, double mean, double sigma)
{
    return mean * exp(sigma * sim_normal(seed, (uint64_t)eval) - 0.5 * sigma * sigma);
}

/* ---- small helpers ------------------------------------------------------ */

typedef enum engine_clock { CLOCK_CPU, CLOCK_WALL, CLOCK_ZERO } engine_clock;

static double clock_seconds(engine_clock c)
{
    struct timespec ts;
    if (c == CLOCK_ZERO)
        return 0.0;
    clock_gettime(c == CLOCK_CPU ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v))
        return 1;
    *out = v;
    return 0;
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return 1;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0)
        return 1;
    *out = (size_t)v;
    return 0;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    fprintf(stderr, "bench_parallel_sim: cannot create %s: %s\n", path, strerror(errno));
    return 1;
}

/* ---- run ---------------------------------------------------------------- */

typedef struct sim_flight {
    size_t eval;            /* 0: the worker is idle */
    size_t source;
    int initial, ok;
    double *u, *x;
    double y, acq, cost;
    double engine_seconds;  /* charged for choosing this point */
    double start, finish;
    char msg[256];
} sim_flight;

typedef struct sim {
    bo_config cfg;
    bo_engine *engine;
    bo_objective *obj;
    bo_history *history;
    engine_clock clock;
    size_t workers;
    double mean_seconds, sigma, horizon;
    double *lower, *upper;
    int *log_scale;
    sim_flight *slots;
    double t;               /* the simulated clock */
    size_t n_suggested, n_done, n_busy, last_improvement;
    double cost_done, cost_committed, busy_seconds, engine_seconds;
    /* suggestions that refitted (an observation came since the last one)
     * and those that reused the fit, with their engine time */
    size_t n_refit, n_reuse;
    double refit_seconds, reuse_seconds;
    int observed;
    int have_best;
    double best;
    char err[5120];
} sim;

static const char *sim_stop_now(const sim *s)
{
    const bo_config_budget *b = &s->cfg.budget;
    if (b->max_evaluations != SIZE_MAX && s->n_suggested >= b->max_evaluations)
        return "max_evaluations reached";
    if (isfinite(b->max_cost) && s->cost_committed >= b->max_cost * (1 - 1e-12))
        return "max_cost reached";
    if (b->has_target_value && s->have_best &&
        (s->cfg.goal == BO_CONFIG_MAXIMIZE ? s->best >= b->target_value
                                           : s->best <= b->target_value))
        return "target_value reached";
    if (bo_engine_initial_remaining(s->engine) == 0 && b->max_no_improvement != SIZE_MAX &&
        s->n_done - s->last_improvement >= b->max_no_improvement)
        return "max_no_improvement reached";
    if (s->t >= s->horizon)
        return "horizon reached";
    return NULL;
}

/* Chooses and starts one evaluation on slot f; *stop set when the budget
 * has no room for the point chosen. */
static int sim_dispatch(sim *s, sim_flight *f, const char **stop)
{
    size_t d = s->cfg.n_inputs;
    bo_suggestion sg;
    double c0 = clock_seconds(s->clock);
    bo_status st = bo_engine_suggest(s->engine, f->u, &sg);
    double dt = clock_seconds(s->clock) - c0;
    s->t += dt;
    s->engine_seconds += dt;
    if (s->observed) {
        s->n_refit++;
        s->refit_seconds += dt;
    } else {
        s->n_reuse++;
        s->reuse_seconds += dt;
    }
    s->observed = 0;
    if (st != BO_OK) {
        snprintf(s->err, sizeof s->err, "suggest %zu: %s", s->n_suggested + 1,
                 bo_engine_errmsg(s->engine));
        return 1;
    }
    double cost = bo_engine_cost(s->engine, sg.source);
    if (isfinite(s->cfg.budget.max_cost) &&
        s->cost_committed + cost > s->cfg.budget.max_cost * (1 + 1e-12)) {
        *stop = "max_cost reached (the next evaluation would exceed it)";
        return 0;
    }
    if (bo_design_to_user(f->u, 1, d, s->lower, s->upper, s->log_scale, f->x, s->err,
                          sizeof s->err) != BO_OK ||
        bo_design_from_user(f->x, 1, d, s->lower, s->upper, s->log_scale, f->u, s->err,
                            sizeof s->err) != BO_OK)
        return 1;
    f->eval = ++s->n_suggested;
    f->source = sg.source;
    f->initial = sg.initial;
    f->acq = sg.acq_value;
    f->cost = cost;
    f->engine_seconds = dt;
    snprintf(f->msg, sizeof f->msg, "%s", sg.note ? sg.note : sg.reason ? sg.reason : "");
    if (bo_engine_add_pending(s->engine, f->u, f->source, f->initial) != BO_OK) {
        snprintf(s->err, sizeof s->err, "%s", bo_engine_errmsg(s->engine));
        return 1;
    }
    bo_plugin_call call = {.struct_size = sizeof call,
                           .seed = s->cfg.seed,
                           .eval = f->eval,
                           .worker = (size_t)(f - s->slots) + 1};
    char msg[256] = "";
    st = bo_objective_evaluate_call(s->obj, f->x, f->source, &call, &f->y, msg, sizeof msg);
    f->ok = st == BO_OK;
    if (!f->ok && st != BO_EEVAL && st != BO_ETIMEOUT) {
        snprintf(s->err, sizeof s->err, "evaluation %zu: %s", f->eval, msg);
        return 1;
    }
    if (!f->ok)
        snprintf(f->msg, sizeof f->msg, "%s", msg);
    double scale = s->cfg.sources[f->source].cost / s->cfg.sources[s->cfg.target].cost;
    f->start = s->t;
    f->finish = s->t + sim_duration(s->cfg.seed, f->eval, s->mean_seconds * scale, s->sigma);
    s->cost_committed += cost;
    s->n_busy++;
    return 0;
}

static int sim_record(sim *s, sim_flight *f)
{
    double c0 = clock_seconds(s->clock);
    bo_status st = bo_engine_observe(s->engine, f->u, f->source, f->y, f->ok, f->initial);
    double dt = clock_seconds(s->clock) - c0;
    s->t += dt;
    s->engine_seconds += dt;
    if (st != BO_OK) {
        snprintf(s->err, sizeof s->err, "observe %zu: %s", f->eval, bo_engine_errmsg(s->engine));
        return 1;
    }
    s->n_done++;
    s->observed = 1;
    s->cost_done += f->cost;
    s->busy_seconds += f->finish - f->start;
    double best;
    int have = bo_engine_best(s->engine, &best, NULL);
    if (have && (!s->have_best || best != s->best)) {
        s->have_best = 1;
        s->best = best;
        s->last_improvement = s->n_done;
    }
    if (f->initial && bo_engine_initial_remaining(s->engine) == 0)
        s->last_improvement = s->n_done;
    bo_history_row row = {
        .eval = f->eval,
        .phase = f->initial ? BO_HISTORY_INIT : BO_HISTORY_BO,
        .source = s->cfg.sources[f->source].name,
        .x = f->x,
        .y = f->ok ? f->y : NAN,
        .status = f->ok ? BO_HISTORY_OK : BO_HISTORY_FAILED,
        .message = f->msg,
        .cost = f->cost,
        .cum_cost = s->cost_done,
        .best = have ? best : NAN,
        .acq = f->acq,
        .suggest_seconds = f->engine_seconds,
        .eval_seconds = f->finish - f->start,
        .worker = (size_t)(f - s->slots) + 1,
        .started = f->start,
        .finished = f->finish,
    };
    if (bo_history_append(s->history, &row) != BO_OK) {
        snprintf(s->err, sizeof s->err, "%s", bo_history_errmsg(s->history));
        return 1;
    }
    f->eval = 0;
    s->n_busy--;
    return 0;
}

/* The busy slot that completes first (ties: the smaller evaluation number). */
static sim_flight *sim_next(sim *s)
{
    sim_flight *next = NULL;
    for (size_t i = 0; i < s->workers; i++) {
        sim_flight *f = &s->slots[i];
        if (f->eval && (!next || f->finish < next->finish ||
                        (f->finish == next->finish && f->eval < next->eval)))
            next = f;
    }
    return next;
}

static int sim_loop(sim *s, const char **why)
{
    const char *stop = NULL;
    for (;;) {
        while (!stop && s->n_busy < s->workers) {
            stop = sim_stop_now(s);
            if (stop)
                break;
            sim_flight *f = NULL;
            for (size_t i = 0; i < s->workers && !f; i++)
                if (s->slots[i].eval == 0)
                    f = &s->slots[i];
            if (sim_dispatch(s, f, &stop) != 0)
                return 1;
        }
        sim_flight *f = sim_next(s);
        if (!f)
            break;
        if (f->finish > s->t)
            s->t = f->finish;
        if (sim_record(s, f) != 0)
            return 1;
        /* Completions due by now, the engine's time included, are seen
         * before the next point is chosen (bo-run's drain). */
        while ((f = sim_next(s)) != NULL && f->finish <= s->t)
            if (sim_record(s, f) != 0)
                return 1;
    }
    *why = stop ? stop : "nothing left to run";
    return 0;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: bench_parallel_sim run CONFIG --workers K --seed S --out DIR\n"
            "           [--pending believer|capped|refine|observed] [--max-evals N] [--max-cost C]\n"
            "           [--horizon SECONDS] [--mean-seconds M] [--sigma SD]\n"
            "           [--engine-time cpu|wall|zero]\n"
            "       bench_parallel_sim summarise [--evals N] [--tol T] [--ref LABEL] [--level R]\n"
            "           [--pair A:B ...] [--plot PREFIX --title TEXT] LABEL=RUNS_DIR ...\n"
            "       bench_parallel_sim utilisation RUN_DIR [--mean-seconds M --sigma SD]\n");
    return 2;
}

static int cmd_run(int argc, char **argv)
{
    const char *config = NULL, *out = NULL;
    size_t workers = 0, max_evals = 0;
    uint64_t seed = 0;
    int have_seed = 0;
    bo_engine_pending pending = BO_PENDING_BELIEVER;
    double horizon = INFINITY, mean = 1.0, sigma = 0.5, max_cost = NAN;
    engine_clock clock = CLOCK_CPU;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t n;
        if (a[0] != '-' && !config) {
            config = a;
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--workers") == 0 && parse_size(v, &workers) == 0 && workers >= 1)
            continue;
        if (strcmp(a, "--seed") == 0 && parse_size(v, &n) == 0) {
            seed = (uint64_t)n;
            have_seed = 1;
            continue;
        }
        if (strcmp(a, "--out") == 0) {
            out = v;
            continue;
        }
        if (strcmp(a, "--pending") == 0 && (strcmp(v, "believer") == 0 || strcmp(v, "capped") == 0 ||
                                            strcmp(v, "refine") == 0 ||
                                            strcmp(v, "observed") == 0)) {
            pending = strcmp(v, "capped") == 0   ? BO_PENDING_BELIEVER_CAPPED
                      : strcmp(v, "refine") == 0 ? BO_PENDING_BELIEVER_REFINE
                      : strcmp(v, "observed") == 0 ? BO_PENDING_BELIEVER_OBSERVED_BEST
                                                 : BO_PENDING_BELIEVER;
            continue;
        }
        if (strcmp(a, "--max-evals") == 0 && parse_size(v, &max_evals) == 0 && max_evals >= 1)
            continue;
        if (strcmp(a, "--horizon") == 0 && parse_double(v, &horizon) == 0 && horizon > 0)
            continue;
        if (strcmp(a, "--max-cost") == 0 && parse_double(v, &max_cost) == 0 && max_cost > 0)
            continue;
        if (strcmp(a, "--mean-seconds") == 0 && parse_double(v, &mean) == 0 && mean >= 0)
            continue;
        if (strcmp(a, "--sigma") == 0 && parse_double(v, &sigma) == 0 && sigma >= 0)
            continue;
        if (strcmp(a, "--engine-time") == 0 && strcmp(v, "cpu") == 0) {
            clock = CLOCK_CPU;
            continue;
        }
        if (strcmp(a, "--engine-time") == 0 && strcmp(v, "wall") == 0) {
            clock = CLOCK_WALL;
            continue;
        }
        if (strcmp(a, "--engine-time") == 0 && strcmp(v, "zero") == 0) {
            clock = CLOCK_ZERO;
            continue;
        }
        fprintf(stderr, "bench_parallel_sim run: bad option %s %s\n", a, v);
        return usage();
    }
    if (!config || !out || workers == 0 || !have_seed)
        return usage();

    sim s;
    memset(&s, 0, sizeof s);
    bo_config_init(&s.cfg);
    int rc = 1;
    double *costs = NULL;
    size_t *initial = NULL;
    char path[4096];
    FILE *f = NULL;
    if (bo_config_load(config, &s.cfg, s.err, sizeof s.err) != BO_OK)
        goto done;
    bo_config *c = &s.cfg;
    c->seed = seed;
    c->evaluation.workers = workers;
    if (max_evals) {
        c->budget.max_evaluations = max_evals;
        /* The configs set max_no_improvement to their budget, meant never
         * to bind: it follows the new budget. */
        if (c->budget.max_no_improvement != SIZE_MAX && c->budget.max_no_improvement < max_evals)
            c->budget.max_no_improvement = max_evals;
    }
    if (isfinite(max_cost))
        c->budget.max_cost = max_cost;
    if (!c->objective.plugin) {
        snprintf(s.err, sizeof s.err, "%s: the simulation needs a plugin objective", config);
        goto done;
    }
    s.workers = workers;
    s.clock = clock;
    s.mean_seconds = mean;
    s.sigma = sigma;
    s.horizon = horizon;
    size_t d = c->n_inputs;
    costs = calloc(c->n_sources, sizeof *costs);
    initial = calloc(c->n_sources, sizeof *initial);
    s.lower = calloc(d, sizeof *s.lower);
    s.upper = calloc(d, sizeof *s.upper);
    s.log_scale = calloc(d, sizeof *s.log_scale);
    s.slots = calloc(workers, sizeof *s.slots);
    if (!costs || !initial || !s.lower || !s.upper || !s.log_scale || !s.slots) {
        snprintf(s.err, sizeof s.err, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < d; j++) {
        s.lower[j] = c->inputs[j].lower;
        s.upper[j] = c->inputs[j].upper;
        s.log_scale[j] = c->inputs[j].scale == BO_CONFIG_SCALE_LOG;
    }
    for (size_t i = 0; i < workers; i++) {
        s.slots[i].u = calloc(d, sizeof(double));
        s.slots[i].x = calloc(d, sizeof(double));
        if (!s.slots[i].u || !s.slots[i].x) {
            snprintf(s.err, sizeof s.err, "out of memory");
            goto done;
        }
    }
    bo_engine_options eo;
    bo_var_kind kind[BENCH_MAX_INPUTS];
    size_t n_values[BENCH_MAX_INPUTS];
    if (d > BENCH_MAX_INPUTS) {
        snprintf(s.err, sizeof s.err, "at most %d inputs", BENCH_MAX_INPUTS);
        goto done;
    }
    bo_config_engine_options(c, &eo, costs, initial, kind, n_values);
    if (eo.kind) {
        snprintf(s.err, sizeof s.err, "the simulated problems take real inputs only");
        goto done;
    }
    eo.pending = pending;
    eo.workers = workers;
    s.engine = bo_engine_create(&eo, s.err, sizeof s.err);
    if (!s.engine)
        goto done;
    bo_plugin_param *params = calloc(c->objective.n_params + 1, sizeof *params);
    if (!params) {
        snprintf(s.err, sizeof s.err, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < c->objective.n_params; i++) {
        params[i].key = c->objective.params[i].key;
        params[i].value = c->objective.params[i].value;
    }
    bo_status st = bo_objective_open_plugin(&s.obj, c->objective.plugin, params,
                                            c->objective.n_params, d, c->n_sources, false, 0.0,
                                            s.err, sizeof s.err);
    free(params);
    if (st != BO_OK)
        goto done;
    if (make_dir(out) != 0)
        goto done;
    snprintf(path, sizeof path, "%s/config.yaml", out);
    f = fopen(path, "w");
    if (!f || bo_config_write_resolved(c, f) != BO_OK || fclose(f) != 0) {
        f = NULL;
        snprintf(s.err, sizeof s.err, "cannot write %s", path);
        goto done;
    }
    f = NULL;
    const char **names = calloc(d, sizeof *names);
    if (!names) {
        snprintf(s.err, sizeof s.err, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < d; j++)
        names[j] = c->inputs[j].name;
    snprintf(path, sizeof path, "%s/history.csv", out);
    st = bo_history_create(path, names, d, BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC,
                           &s.history, s.err, sizeof s.err);
    free(names);
    if (st != BO_OK)
        goto done;
    const char *why = NULL;
    if (sim_loop(&s, &why) != 0)
        goto done;
    snprintf(path, sizeof path, "%s/sim.txt", out);
    f = fopen(path, "w");
    double util = s.t > 0 ? s.busy_seconds / ((double)workers * s.t) : NAN;
    char line[512];
    snprintf(line, sizeof line,
             "workers %zu pending %s engine_time %s evaluations %zu wall %.6g busy %.6g "
             "utilisation %.4f engine_seconds %.6g refits %zu refit_seconds %.6g reuses %zu "
             "reuse_seconds %.6g best %.10g stop \"%s\"\n",
             workers, pending == BO_PENDING_BELIEVER          ? "believer"
             : pending == BO_PENDING_BELIEVER_CAPPED ? "capped"
             : pending == BO_PENDING_BELIEVER_REFINE ? "refine"
                                                     : "observed",
             clock == CLOCK_CPU ? "cpu" : clock == CLOCK_WALL ? "wall" : "zero", s.n_done, s.t,
             s.busy_seconds, util, s.engine_seconds, s.n_refit, s.refit_seconds, s.n_reuse,
             s.reuse_seconds, s.best, why);
    if (!f || fputs(line, f) == EOF || fclose(f) != 0) {
        f = NULL;
        snprintf(s.err, sizeof s.err, "cannot write %s", path);
        goto done;
    }
    f = NULL;
    printf("%s: %s", out, line);
    rc = 0;
done:
    if (rc != 0)
        fprintf(stderr, "bench_parallel_sim run: %s\n", s.err);
    if (f)
        fclose(f);
    bo_history_destroy(s.history);
    bo_objective_close(s.obj);
    bo_engine_destroy(s.engine);
    if (s.slots)
        for (size_t i = 0; i < s.workers; i++) {
            free(s.slots[i].u);
            free(s.slots[i].x);
        }
    free(s.slots);
    free(s.lower);
    free(s.upper);
    free(s.log_scale);
    free(costs);
    free(initial);
    bo_config_cleanup(&s.cfg);
    return rc;
}

/* ---- reading run folders ------------------------------------------------ */

typedef struct run_data {
    char dir[2048];
    bo_config cfg;
    bo_history_row *rows;
    size_t n_rows;
    const bo_benchmark *bench;
    /* what summarise finds (NaN: no value; INFINITY: never reached) */
    double regret_n, time_tol, cost_tol, time_level;
} run_data;

static void run_data_free(run_data *r)
{
    bo_history_rows_free(r->rows);
    bo_config_cleanup(&r->cfg);
}

/* Reads DIR/config.yaml and DIR/NAME (history.csv or dispatched.csv). */
static int read_run(const char *dir, const char *name, run_data *r, bo_history_row **rows,
                    size_t *n_rows)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/config.yaml", dir);
    if (bo_config_load(path, &r->cfg, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bench_parallel_sim: %s\n", err);
        return 1;
    }
    const char **names = calloc(r->cfg.n_inputs, sizeof *names);
    if (!names)
        return 1;
    for (size_t j = 0; j < r->cfg.n_inputs; j++)
        names[j] = r->cfg.inputs[j].name;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    bo_status st = bo_history_read(path, names, r->cfg.n_inputs, rows, n_rows, err, sizeof err);
    free(names);
    if (st != BO_OK) {
        fprintf(stderr, "bench_parallel_sim: %s\n", err);
        return 1;
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    const char *u = *(char *const *)a, *v = *(char *const *)b;
    /* seed-2 before seed-10: compare the numbers in the names first */
    const char *du = strpbrk(u, "0123456789"), *dv = strpbrk(v, "0123456789");
    if (du && dv && du - u == dv - v && strncmp(u, v, (size_t)(du - u)) == 0) {
        unsigned long long nu = strtoull(du, NULL, 10), nv = strtoull(dv, NULL, 10);
        if (nu != nv)
            return nu < nv ? -1 : 1;
    }
    return strcmp(u, v);
}

/* Every sub-folder of dir that holds a history.csv. */
static run_data *read_runs(const char *dir, size_t *n_out)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "bench_parallel_sim: cannot open %s: %s\n", dir, strerror(errno));
        return NULL;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s/history.csv", dir, e->d_name);
        if (stat(path, &sb) != 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dp);
    qsort(names, n, sizeof *names, compare_names);
    run_data *runs = calloc(n ? n : 1, sizeof *runs);
    size_t ok = 0;
    for (size_t i = 0; runs && i < n; i++) {
        run_data *r = &runs[ok];
        snprintf(r->dir, sizeof r->dir, "%s/%s", dir, names[i]);
        bo_config_init(&r->cfg);
        if (read_run(r->dir, "history.csv", r, &r->rows, &r->n_rows) != 0) {
            run_data_free(r);
            continue;
        }
        r->bench = bo_run_known_benchmark(&r->cfg);
        ok++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    *n_out = ok;
    return runs;
}

/* ---- summarise ---------------------------------------------------------- */

typedef struct label_sum {
    const char *name;
    run_data *runs;
    size_t n_runs;
    bo_study_stats regret_at, wall_at, time_tol, evals_tol, cost_tol, cost_tol_started, util;
    size_t n_reached, n_complete;
    double *curve_t;        /* times of the curve points */
    bo_study_stats *curve;  /* median regret and quartiles at curve_t[i] */
    size_t n_curve;
} label_sum;

static double regret_of(const run_data *r, double best)
{
    if (!isfinite(best))
        return INFINITY;
    double v = bo_benchmark_regret(r->bench, best);
    return v < 0 ? 0 : v;
}

static int within_tol(const run_data *r, double best, double tol)
{
    if (!isfinite(best))
        return 0;
    double opt = r->bench->optimum;
    double bound = opt != 0 ? tol * fabs(opt) : tol;
    return fabs(best - opt) <= bound;
}

static int compare_double(const void *a, const void *b)
{
    double u = *(const double *)a, v = *(const double *)b;
    return (u > v) - (u < v);
}

/* Statistics of n values, infinities included (they sort last). */
static bo_study_stats stats_of(double *v, size_t n)
{
    bo_study_stats s = {NAN, NAN, NAN, n};
    if (n == 0)
        return s;
    qsort(v, n, sizeof *v, compare_double);
    s.median = bo_study_quantile(v, n, 0.5);
    s.q1 = bo_study_quantile(v, n, 0.25);
    s.q3 = bo_study_quantile(v, n, 0.75);
    return s;
}

/* The run's regret at time t: its best completed evaluation by then. Rows
 * are in completion order. */
static double regret_at_time(const run_data *r, double t)
{
    double best = NAN;
    for (size_t i = 0; i < r->n_rows && r->rows[i].finished <= t; i++)
        best = r->rows[i].best;
    return regret_of(r, best);
}

static int summarise_label(label_sum *L, size_t n_eval, double tol)
{
    size_t n = L->n_runs;
    double *v = calloc(6 * (n ? n : 1), sizeof *v);
    if (!v)
        return 1;
    double *reg = v, *wall = v + n, *ttol = v + 2 * n, *etol = v + 3 * n, *ctol = v + 4 * n,
           *util = v + 5 * n;
    double *ctol_started = calloc(n ? n : 1, sizeof *ctol_started);
    size_t m = 0, total_rows = 0;
    L->n_reached = 0;
    L->n_complete = 0;
    for (size_t k = 0; k < n; k++) {
        run_data *r = &L->runs[k];
        total_rows += r->n_rows;
        /* After n_eval evaluations: the best of evaluations 1..n_eval,
         * which is what a run with max_evaluations n_eval returns. */
        double best = NAN, end = 0.0, busy = 0.0, last = 0.0;
        size_t have = 0;
        int maximize = r->cfg.goal == BO_CONFIG_MAXIMIZE;
        for (size_t i = 0; i < r->n_rows; i++) {
            const bo_history_row *row = &r->rows[i];
            busy += row->eval_seconds;
            last = fmax(last, row->finished);
            if (row->eval > n_eval)
                continue;
            have++;
            end = fmax(end, row->finished);
            if (row->status == BO_HISTORY_OK && strcmp(row->source,
                                                       r->cfg.sources[r->cfg.target].name) == 0 &&
                (!isfinite(best) || (maximize ? row->y > best : row->y < best)))
                best = row->y;
        }
        /* A run its target_value stopped earlier keeps its final value. */
        const bo_config_budget *bud = &r->cfg.budget;
        int stopped = have == r->n_rows && bud->has_target_value && isfinite(best) &&
                      (maximize ? best >= bud->target_value : best <= bud->target_value);
        r->regret_n = NAN;
        if (have == n_eval || stopped) {
            reg[m] = r->regret_n = regret_of(r, best);
            wall[m] = end;
            m++;
        }
        util[k] = last > 0 ? busy / ((double)r->cfg.evaluation.workers * last) : NAN;
        ttol[k] = etol[k] = ctol[k] = ctol_started[k] = INFINITY;
        r->time_tol = r->cost_tol = INFINITY;
        for (size_t i = 0; i < r->n_rows; i++)
            if (within_tol(r, r->rows[i].best, tol)) {
                double t = r->rows[i].finished;
                ttol[k] = r->time_tol = t;
                etol[k] = (double)(i + 1);
                ctol[k] = r->cost_tol = r->rows[i].cum_cost;
                /* every evaluation started by then, finished or not */
                double c = 0.0;
                for (size_t j = 0; j < r->n_rows; j++)
                    if (r->rows[j].started <= t)
                        c += r->rows[j].cost;
                ctol_started[k] = c;
                L->n_reached++;
                break;
            }
    }
    L->n_complete = m;
    L->regret_at = stats_of(reg, m);
    L->wall_at = stats_of(wall, m);
    L->time_tol = stats_of(ttol, n);
    L->evals_tol = stats_of(etol, n);
    L->cost_tol = stats_of(ctol, n);
    L->cost_tol_started = stats_of(ctol_started, n);
    L->util = stats_of(util, n);
    /* The median curve: piecewise constant, so its values at every
     * completion time of any run are the whole curve. */
    L->curve_t = malloc((total_rows ? total_rows : 1) * sizeof *L->curve_t);
    L->curve = malloc((total_rows ? total_rows : 1) * sizeof *L->curve);
    double *at = malloc((n ? n : 1) * sizeof *at);
    if (!L->curve_t || !L->curve || !at) {
        free(v);
        free(ctol_started);
        free(at);
        return 1;
    }
    size_t nt = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < L->runs[k].n_rows; i++)
            L->curve_t[nt++] = L->runs[k].rows[i].finished;
    qsort(L->curve_t, nt, sizeof *L->curve_t, compare_double);
    size_t u = 0;
    for (size_t i = 0; i < nt; i++)
        if (u == 0 || L->curve_t[i] != L->curve_t[u - 1])
            L->curve_t[u++] = L->curve_t[i];
    for (size_t i = 0; i < u; i++) {
        for (size_t k = 0; k < n; k++)
            at[k] = regret_at_time(&L->runs[k], L->curve_t[i]);
        L->curve[i] = stats_of(at, n);
    }
    L->n_curve = u;
    free(at);
    free(v);
    free(ctol_started);
    return 0;
}

static double first_time_below(const label_sum *L, double level)
{
    for (size_t i = 0; i < L->n_curve; i++)
        if (L->curve[i].median <= level)
            return L->curve_t[i];
    return INFINITY;
}

static void print_stats(const char *what, bo_study_stats s, const char *fmt)
{
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, fmt, s.median);
    snprintf(b, sizeof b, fmt, s.q1);
    snprintf(c, sizeof c, fmt, s.q3);
    printf("  %-34s median %-11s q1 %-11s q3 %-11s (%zu runs)\n", what, a, b, c, s.n);
}

static int write_plot(const char *prefix, const char *title, label_sum *L, size_t n_labels,
                      double tol_line, double level, const char *level_what)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.dat", prefix);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_parallel_sim: cannot write %s\n", path);
        return 1;
    }
    fprintf(f, "# median regret against simulated wall time; per label one block:\n"
               "# time_s median q1 q3 (a regret of 0 is drawn at 1e-16, none yet at 1e3)\n");
    for (size_t l = 0; l < n_labels; l++) {
        fprintf(f, "# %s\n", L[l].name);
        for (size_t i = 0; i < L[l].n_curve; i++) {
            double v[3] = {L[l].curve[i].median, L[l].curve[i].q1, L[l].curve[i].q3};
            for (int j = 0; j < 3; j++)
                v[j] = isfinite(v[j]) ? fmax(v[j], 1e-16) : 1e3;
            fprintf(f, "%.9g %.9g %.9g %.9g\n", L[l].curve_t[i], v[0], v[1], v[2]);
        }
        fprintf(f, "\n\n");
    }
    fclose(f);
    snprintf(path, sizeof path, "%s.gp", prefix);
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_parallel_sim: cannot write %s\n", path);
        return 1;
    }
    /* Axes: log time from the first curve point, log regret over what the
     * curves hold (a "no value yet" is left out of the range). */
    double lo = INFINITY, hi = 0.0, t_lo = INFINITY, t_hi = 0.0;
    for (size_t l = 0; l < n_labels; l++)
        for (size_t i = 0; i < L[l].n_curve; i++) {
            double v[3] = {L[l].curve[i].median, L[l].curve[i].q1, L[l].curve[i].q3};
            for (int j = 0; j < 3; j++)
                if (isfinite(v[j]) && v[j] > 0) {
                    lo = fmin(lo, v[j]);
                    hi = fmax(hi, v[j]);
                }
            if (L[l].curve_t[i] > 0 && isfinite(L[l].curve[i].median)) {
                t_lo = fmin(t_lo, L[l].curve_t[i]);
                t_hi = fmax(t_hi, L[l].curve_t[i]);
            }
        }
    if (!(hi > 0)) {
        lo = 1e-16;
        hi = 1.0;
    }
    if (!(t_hi > 0)) {
        t_lo = 0.1;
        t_hi = 1.0;
    }
    const char *base = strrchr(prefix, '/');
    base = base ? base + 1 : prefix;
    fprintf(f, "set terminal pngcairo size 1000,650 noenhanced font ',11'\n"
               "set output '%s.png'\n"
               "set title '%s'\n"
               "set xlabel 'simulated wall time (s), log scale'\n"
               "set ylabel 'simple regret: median, band from q1 to q3'\n"
               "set logscale xy\nset format y '%%.0e'\nset key bottom left\nset grid\n"
               "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n"
               "set style fill transparent solid 0.15 noborder\n",
            base, title, t_lo, 1.1 * t_hi, lo / 3, hi * 3);
    if (tol_line > 0)
        fprintf(f, "set arrow from graph 0, first %.9g to graph 1, first %.9g nohead dt 2 "
                   "lc rgb 'gray40'\n"
                   "set label '1 %% of the optimum' at graph 0.99, first %.9g right "
                   "tc rgb 'gray40'\n", tol_line, tol_line, tol_line * 1.4);
    if (isfinite(level) && level > 0 && fabs(level / tol_line - 1) > 0.05)
        fprintf(f, "set arrow from graph 0, first %.9g to graph 1, first %.9g nohead dt 3 "
                   "lc rgb 'gray40'\n"
                   "set label \"%s\" at graph 0.99, first %.9g right tc rgb 'gray40'\n", level,
                level, level_what, level * 1.4);
    fprintf(f, "plot \\\n");
    static const char *colours[] = {"#000000", "#1f77b4", "#d62728", "#2ca02c",
                                    "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"};
    for (size_t l = 0; l < n_labels; l++) {
        const char *c = colours[l % 8];
        fprintf(f, "  '%s.dat' index %zu using 1:3:4 with filledcurves lc rgb '%s' notitle, \\\n"
                   "  '%s.dat' index %zu using 1:2 with steps lw 2 lc rgb '%s' title '%s'%s\n",
                base, l, c, base, l, c, L[l].name, l + 1 < n_labels ? ", \\" : "");
    }
    fclose(f);
    return 0;
}

/* The first time a run's regret is at or below level; INFINITY if never. */
static double run_time_level(const run_data *r, double level)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (regret_of(r, r->rows[i].best) <= level)
            return r->rows[i].finished;
    return INFINITY;
}

/* Seed by seed (runs matched by folder name): how often B is better than A
 * on one measure (lower is better), and the median of B / A over the seeds
 * where both are finite and A > 0. */
static void pair_measure(const char *what, const label_sum *A, const label_sum *B,
                         size_t offset)
{
    size_t a_better = 0, b_better = 0, equal = 0, m = 0;
    double *ratio = malloc((A->n_runs ? A->n_runs : 1) * sizeof *ratio);
    if (!ratio)
        return;
    for (size_t i = 0; i < A->n_runs; i++) {
        const char *na = strrchr(A->runs[i].dir, '/');
        for (size_t j = 0; j < B->n_runs; j++) {
            const char *nb = strrchr(B->runs[j].dir, '/');
            if (!na || !nb || strcmp(na, nb) != 0)
                continue;
            double a, b;
            memcpy(&a, (const char *)&A->runs[i] + offset, sizeof a);
            memcpy(&b, (const char *)&B->runs[j] + offset, sizeof b);
            if (isnan(a) || isnan(b))
                continue;
            if (a < b)
                a_better++;
            else if (b < a)
                b_better++;
            else
                equal++;
            if (isfinite(a) && isfinite(b) && a > 0)
                ratio[m++] = b / a;
        }
    }
    bo_study_stats rs = stats_of(ratio, m);
    printf("  %-26s %s better in %zu, %s better in %zu, equal in %zu; median %s / %s %.3g "
           "(q1 %.3g, q3 %.3g, %zu seeds)\n",
           what, B->name, b_better, A->name, a_better, equal, B->name, A->name, rs.median,
           rs.q1, rs.q3, m);
    free(ratio);
}

static int cmd_summarise(int argc, char **argv)
{
    size_t n_eval = 100;
    double tol = 0.01;
    const char *ref = NULL, *plot = NULL, *title = "";
    double level = NAN;
    const char *pairs[16];
    size_t n_pairs = 0;
    label_sum *L = calloc((size_t)argc + 1, sizeof *L);
    size_t n_labels = 0;
    int rc = 1;
    if (!L)
        return 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--evals") == 0 && v && parse_size(v, &n_eval) == 0 && n_eval > 0) {
            i++;
        } else if (strcmp(a, "--tol") == 0 && v && parse_double(v, &tol) == 0 && tol > 0) {
            i++;
        } else if (strcmp(a, "--level") == 0 && v && parse_double(v, &level) == 0) {
            i++;
        } else if (strcmp(a, "--pair") == 0 && v && strchr(v, ':') && n_pairs < 16) {
            pairs[n_pairs++] = v;
            i++;
        } else if (strcmp(a, "--ref") == 0 && v) {
            ref = v;
            i++;
        } else if (strcmp(a, "--plot") == 0 && v) {
            plot = v;
            i++;
        } else if (strcmp(a, "--title") == 0 && v) {
            title = v;
            i++;
        } else if (a[0] != '-' && strchr(a, '=')) {
            char *eq = strchr(a, '=');
            *eq = '\0';
            L[n_labels].name = a;
            L[n_labels].runs = read_runs(eq + 1, &L[n_labels].n_runs);
            if (!L[n_labels].runs || L[n_labels].n_runs == 0) {
                fprintf(stderr, "bench_parallel_sim: no runs in %s\n", eq + 1);
                n_labels++;
                goto done;
            }
            for (size_t k = 0; k < L[n_labels].n_runs; k++)
                if (!L[n_labels].runs[k].bench || !L[n_labels].runs[k].bench->optimum_known) {
                    fprintf(stderr, "bench_parallel_sim: %s is not a benchmark with a known "
                            "optimum\n", L[n_labels].runs[k].dir);
                    n_labels++;
                    goto done;
                }
            n_labels++;
        } else {
            usage();
            goto done;
        }
    }
    if (n_labels == 0) {
        usage();
        goto done;
    }
    size_t r = 0;
    for (size_t l = 0; l < n_labels; l++) {
        if (summarise_label(&L[l], n_eval, tol) != 0)
            goto done;
        if (ref && strcmp(L[l].name, ref) == 0)
            r = l;
    }
    char level_what[128];
    if (isfinite(level)) {
        snprintf(level_what, sizeof level_what, "the level given");
    } else {
        level = L[r].regret_at.median;
        snprintf(level_what, sizeof level_what, "%s's median after %zu", L[r].name, n_eval);
    }
    double t_ref = first_time_below(&L[r], level);
    const bo_benchmark *b = L[0].runs[0].bench;
    printf("problem %s (optimum %.10g); simulated clock; %s = reference\n", b->name, b->optimum,
           L[r].name);
    for (size_t l = 0; l < n_labels; l++) {
        label_sum *S = &L[l];
        printf("[%s] %zu runs in %s\n", S->name, S->n_runs, S->runs[0].dir);
        char what[96];
        snprintf(what, sizeof what, "regret after %zu evaluations", n_eval);
        if (S->n_complete)
            print_stats(what, S->regret_at, "%.3e");
        else
            printf("  %-34s (no run has %zu evaluations)\n", what, n_eval);
        snprintf(what, sizeof what, "wall time of %zu evaluations (s)", n_eval);
        if (S->n_complete)
            print_stats(what, S->wall_at, "%.2f");
        double t = first_time_below(S, level);
        printf("  median regret first <= %.3e (%s): ", level, level_what);
        if (isfinite(t))
            printf("at %.2f s, %.3f x %s's %.2f s\n", t, t / t_ref, L[r].name, t_ref);
        else
            printf("not within the runs (they end at %.2f s)\n",
                   S->n_curve ? S->curve_t[S->n_curve - 1] : 0.0);
        snprintf(what, sizeof what, "time to %g%% of the optimum (s)", 100 * tol);
        print_stats(what, S->time_tol, "%.2f");
        print_stats("  evaluations completed by then", S->evals_tol, "%.0f");
        print_stats("  cost completed by then", S->cost_tol, "%.0f");
        print_stats("  cost started by then", S->cost_tol_started, "%.0f");
        printf("  %-34s %zu of %zu runs\n", "  reached by", S->n_reached, S->n_runs);
        print_stats("utilisation (busy / K x wall)", S->util, "%.3f");
    }
    for (size_t l = 0; l < n_labels; l++)
        for (size_t k = 0; k < L[l].n_runs; k++)
            L[l].runs[k].time_level = run_time_level(&L[l].runs[k], level);
    for (size_t p = 0; p < n_pairs; p++) {
        const char *colon = strchr(pairs[p], ':');
        const label_sum *A = NULL, *B = NULL;
        for (size_t l = 0; l < n_labels; l++) {
            if (strncmp(L[l].name, pairs[p], (size_t)(colon - pairs[p])) == 0 &&
                L[l].name[colon - pairs[p]] == '\0')
                A = &L[l];
            if (strcmp(L[l].name, colon + 1) == 0)
                B = &L[l];
        }
        if (!A || !B) {
            fprintf(stderr, "bench_parallel_sim: --pair %s: no such labels\n", pairs[p]);
            goto done;
        }
        printf("[%s against %s, seed by seed; lower is better]\n", B->name, A->name);
        char what[64];
        snprintf(what, sizeof what, "regret after %zu", n_eval);
        pair_measure(what, A, B, offsetof(run_data, regret_n));
        pair_measure("time to the level above", A, B, offsetof(run_data, time_level));
        snprintf(what, sizeof what, "time to %g%%", 100 * tol);
        pair_measure(what, A, B, offsetof(run_data, time_tol));
        snprintf(what, sizeof what, "cost to %g%% (completed)", 100 * tol);
        pair_measure(what, A, B, offsetof(run_data, cost_tol));
    }
    rc = 0;
    if (plot) {
        double tol_line = fabs(b->optimum) > 0 ? tol * fabs(b->optimum) : tol;
        rc = write_plot(plot, title, L, n_labels, tol_line, level, level_what);
    }
done:
    for (size_t l = 0; l < n_labels; l++) {
        for (size_t k = 0; L[l].runs && k < L[l].n_runs; k++)
            run_data_free(&L[l].runs[k]);
        free(L[l].runs);
        free(L[l].curve_t);
        free(L[l].curve);
    }
    free(L);
    return rc;
}

/* ---- utilisation of a real run ----------------------------------------- */

static int cmd_utilisation(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    const char *dir = argv[0];
    double mean = NAN, sigma = 0.5;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--mean-seconds") == 0 && v && parse_double(v, &mean) == 0)
            i++;
        else if (strcmp(argv[i], "--sigma") == 0 && v && parse_double(v, &sigma) == 0)
            i++;
        else
            return usage();
    }
    run_data r;
    memset(&r, 0, sizeof r);
    bo_config_init(&r.cfg);
    bo_history_row *disp = NULL;
    size_t n_disp = 0;
    int rc = 1;
    if (read_run(dir, "history.csv", &r, &r.rows, &r.n_rows) != 0)
        goto done;
    bo_config_cleanup(&r.cfg);
    bo_config_init(&r.cfg);
    if (read_run(dir, "dispatched.csv", &r, &disp, &n_disp) != 0)
        goto done;
    size_t K = r.cfg.evaluation.workers, n = r.n_rows;
    size_t max_eval = 0;
    for (size_t i = 0; i < n; i++)
        max_eval = r.rows[i].eval > max_eval ? r.rows[i].eval : max_eval;
    double *dispatched = calloc(max_eval + 1, sizeof *dispatched);
    double *v = calloc(6 * (n + 1), sizeof *v);
    if (!dispatched || !v || n == 0) {
        free(dispatched);
        free(v);
        goto done;
    }
    for (size_t i = 0; i < n_disp; i++)
        if (disp[i].eval <= max_eval)
            dispatched[disp[i].eval] = disp[i].started;
    double t0 = INFINITY, t1 = -INFINITY, busy = 0.0, suggest = 0.0;
    for (size_t i = 0; i < n; i++) {
        const bo_history_row *row = &r.rows[i];
        double td = dispatched[row->eval] > 0 ? dispatched[row->eval] : row->started;
        t0 = fmin(t0, td - row->suggest_seconds);
        t1 = fmax(t1, row->finished);
        busy += row->eval_seconds;
        suggest += row->suggest_seconds;
    }
    double wall = t1 - t0;
    /* The steady part: from the K-th start (every worker has had work) to
     * the last dispatch (after it the budget gives no more work). */
    double t_last_dispatch = -INFINITY;
    double *starts = malloc(n * sizeof *starts);
    if (!starts) {
        free(dispatched);
        free(v);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double td = dispatched[r.rows[i].eval] > 0 ? dispatched[r.rows[i].eval] : r.rows[i].started;
        t_last_dispatch = fmax(t_last_dispatch, td);
        starts[i] = r.rows[i].started;
    }
    qsort(starts, n, sizeof *starts, compare_double);
    double ta = starts[(K < n ? K : n) - 1], tb = t_last_dispatch, busy_w = 0.0;
    free(starts);
    for (size_t i = 0; i < n; i++) {
        double a = fmax(ta, r.rows[i].started), b = fmin(tb, r.rows[i].started +
                                                                  r.rows[i].eval_seconds);
        busy_w += fmax(0.0, b - a);
    }
    /* Per worker, in start order: ramp, gaps (waiting for the master,
     * choosing, launching), tail. */
    double ramp = 0, gap_wait = 0, gap_choose = 0, gap_launch = 0, tail = 0, tail_wait = 0;
    double *gaps = v, *launch = v + n, *overhead = v + 2 * n;
    size_t n_gaps = 0, n_launch = 0, n_over = 0;
    for (size_t w = 1; w <= K; w++) {
        const bo_history_row *prev = NULL;
        for (;;) {
            /* the worker's next evaluation: the earliest start after prev */
            const bo_history_row *next = NULL;
            for (size_t i = 0; i < n; i++) {
                const bo_history_row *row = &r.rows[i];
                if (row->worker != w || row == prev ||
                    (prev && (row->started < prev->started ||
                              (row->started == prev->started && row->eval <= prev->eval))))
                    continue;
                if (!next || row->started < next->started ||
                    (row->started == next->started && row->eval < next->eval))
                    next = row;
            }
            if (!next)
                break;
            double td = dispatched[next->eval] > 0 ? dispatched[next->eval] : next->started;
            launch[n_launch++] = next->started - td;
            if (!prev) {
                ramp += next->started - t0;
            } else {
                /* finished -> the master starts choosing this point (it
                 * records completions and chooses other workers' points
                 * first) -> chosen and journalled (dispatch) -> started */
                double wait = fmax(0.0, td - next->suggest_seconds - prev->finished);
                double choose = fmax(0.0, td - prev->finished - wait);
                gap_wait += wait;
                gap_choose += choose;
                gap_launch += next->started - td;
                gaps[n_gaps++] = next->started - prev->finished;
            }
            prev = next;
        }
        if (prev) {
            /* waiting for a master still busy with other workers until the
             * budget ran out, then the drain */
            tail_wait += fmax(0.0, t_last_dispatch - prev->finished);
            tail += t1 - fmax(t_last_dispatch, prev->finished);
        }
    }
    if (isfinite(mean))
        for (size_t i = 0; i < n; i++)
            overhead[n_over++] = r.rows[i].eval_seconds -
                                 sim_duration(r.cfg.seed, r.rows[i].eval, mean, sigma);
    double idle = (double)K * wall - busy;
    printf("%s: K = %zu, %zu evaluations, wall %.2f s (first choice to last completion)\n", dir,
           K, n, wall);
    printf("  utilisation %.1f%% (busy %.1f s of %zu x %.2f s)\n", 100 * busy / ((double)K * wall),
           busy, K, wall);
    if (tb > ta)
        printf("  steady part (K-th start %.2f s to last dispatch %.2f s): utilisation %.1f%%\n",
               ta - t0, tb - t0, 100 * busy_w / ((double)K * (tb - ta)));
    printf("  completions %.2f/s; full use needs %.2f/s (K / mean eval_seconds %.3f s)\n",
           (double)n / wall, (double)K / (busy / (double)n), busy / (double)n);
    printf("  master choosing points: %.2f s, %.0f%% of the wall time (%.1f ms per point)\n",
           suggest, 100 * suggest / wall, 1e3 * suggest / (double)n);
    /* The master's time by kind of point: the history's message says
     * which rule chose it (stall_explore steps, space-filling fallbacks). */
    {
        const char *kind[8];
        size_t count[8] = {0}, n_kind = 0;
        double secs[8] = {0};
        for (size_t i = 0; i < n; i++) {
            const bo_history_row *row = &r.rows[i];
            const char *k = row->phase == BO_HISTORY_INIT ? "initial design"
                            : row->message && row->message[0] ? row->message
                                                              : "the acquisition";
            size_t j = 0;
            while (j < n_kind && strcmp(kind[j], k) != 0)
                j++;
            if (j == n_kind && n_kind < 8)
                kind[n_kind++] = k;
            if (j < n_kind) {
                count[j]++;
                secs[j] += row->suggest_seconds;
            }
        }
        printf("  the master's choosing time by what chose the point:\n");
        for (size_t j = 0; j < n_kind; j++)
            printf("    %-40.40s %4zu points %7.2f s, %6.1f ms each\n", kind[j], count[j],
                   secs[j], 1e3 * secs[j] / (double)count[j]);
    }
    printf("  idle worker time %.1f worker-s = %.1f%% of K x wall:\n", idle,
           100 * idle / ((double)K * wall));
    printf("    before a worker's first evaluation   %8.1f (%.1f%%)\n", ramp,
           100 * ramp / ((double)K * wall));
    printf("    between evaluations on a worker      %8.1f (%.1f%%): waiting for the master "
           "%.1f, choosing its point %.1f, launch %.1f\n",
           gap_wait + gap_choose + gap_launch,
           100 * (gap_wait + gap_choose + gap_launch) / ((double)K * wall), gap_wait, gap_choose,
           gap_launch);
    printf("    after a worker's last evaluation     %8.1f (%.1f%%): waiting for the master "
           "until the last dispatch %.1f, the drain after it %.1f\n",
           tail + tail_wait, 100 * (tail + tail_wait) / ((double)K * wall), tail_wait, tail);
    printf("    rest (timestamps kept to 1 ms)       %8.1f\n",
           idle - ramp - gap_wait - gap_choose - gap_launch - tail - tail_wait);
    double *g = calloc(n + 1, sizeof *g);
    if (g) {
        size_t m = 0;
        for (size_t i = 0; i < n_gaps; i++)
            g[m++] = gaps[i];
        bo_study_stats gs = stats_of(g, m);
        bo_study_stats ls = stats_of(launch, n_launch);
        printf("  gap between evaluations on a worker: median %.1f ms, q3 %.1f ms (%zu gaps); "
               "launch (dispatch to start): median %.1f ms, q3 %.1f ms\n",
               1e3 * gs.median, 1e3 * gs.q3, m, 1e3 * ls.median, 1e3 * ls.q3);
        free(g);
    }
    if (n_over) {
        bo_study_stats os = stats_of(overhead, n_over);
        printf("  eval_seconds - drawn duration (plugin child fork and exit): median %.1f ms, "
               "q1 %.1f, q3 %.1f, max %.1f ms\n",
               1e3 * os.median, 1e3 * os.q1, 1e3 * os.q3, 1e3 * overhead[n_over - 1]);
    }
    free(dispatched);
    free(v);
    rc = 0;
done:
    bo_history_rows_free(disp);
    run_data_free(&r);
    return rc;
}

int main(int argc, char **argv)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(argv[1], "summarise") == 0)
        return cmd_summarise(argc - 2, argv + 2);
    if (strcmp(argv[1], "utilisation") == 0)
        return cmd_utilisation(argc - 2, argv + 2);
    return usage();
}
