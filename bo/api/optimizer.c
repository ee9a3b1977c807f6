/* bo_optimizer: the engine driven by the caller, the way bo/run/loop.c
 * drives it, so that one config and seed give bo-run's history: each asked
 * point is mapped to the user's units and back once (the point evaluated
 * is the one the history reads back), numbered, and registered as pending;
 * a tell of it retires it. */
#include "bo/api/api_internal.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/engine/design.h"
#include "bo/io/initial_data.h"

typedef struct point_list {
    size_t n, cap;
    double *x;              /* n * dim, user units */
    double *u;              /* n * dim, unit cube (pending points only) */
    size_t *source;
    size_t *eval;           /* pending: the evaluation's number */
    int *initial;           /* pending: a point of the initial design */
    double *y;              /* observations: y, NaN when failed */
    int *ok;
} point_list;

struct bo_optimizer {
    bo_config cfg;
    bo_engine *engine;
    size_t dim;
    double *lower, *upper;
    int *log_scale;
    bo_var_kind *kind;      /* each input's kind; a categorical input's value is
                               its level's index (upper = levels - 1) */
    size_t *n_levels;       /* levels of each categorical input, else 0 */
    const char *const **level_names; /* the config's level names, NULL for others */
    double *u;              /* dim scratch values */
    size_t n_asked;         /* evaluations numbered so far */
    point_list pending;
    point_list observed;    /* prior observations (initial_data) first */
    bo_gp *model;           /* bo_optimizer_predict's GP, or NULL */
    size_t model_n;         /* observations when it was fitted */
    size_t *model_source;   /* per config source: the model's source, SIZE_MAX none */
    char err[BO_API_ERRLEN];
};

#define FAIL(o, result, ...) bo_apii_fail((o)->err, sizeof (o)->err, result, __VA_ARGS__)

const char *bo_version(void)
{
    return BO_VERSION;
}

const char *bo_result_string(bo_result result)
{
    switch (result) {
    case BO_SUCCESS: return "success";
    case BO_ERR_NOMEM: return "out of memory";
    case BO_ERR_INVALID: return "invalid argument or option";
    case BO_ERR_NUMERIC: return "numerical failure";
    case BO_ERR_IO: return "input/output error";
    case BO_ERR_PARSE: return "malformed text";
    case BO_ERR_STATE: return "call out of order";
    case BO_ERR_OPTIM: return "optimiser failure";
    }
    return "unknown result";
}

static int list_reserve(point_list *l, size_t dim, int with_u)
{
    if (l->n < l->cap)
        return 0;
    size_t cap = l->cap ? 2 * l->cap : 64;
    double *x = realloc(l->x, cap * dim * sizeof *x);
    if (x)
        l->x = x;
    double *u = with_u ? realloc(l->u, cap * dim * sizeof *u) : l->u;
    if (u)
        l->u = u;
    size_t *s = realloc(l->source, cap * sizeof *s);
    if (s)
        l->source = s;
    size_t *e = realloc(l->eval, cap * sizeof *e);
    if (e)
        l->eval = e;
    int *in = realloc(l->initial, cap * sizeof *in);
    if (in)
        l->initial = in;
    double *y = realloc(l->y, cap * sizeof *y);
    if (y)
        l->y = y;
    int *ok = realloc(l->ok, cap * sizeof *ok);
    if (ok)
        l->ok = ok;
    if (!x || (with_u && !u) || !s || !e || !in || !y || !ok)
        return -1;
    l->cap = cap;
    return 0;
}

static void list_free(point_list *l)
{
    free(l->x);
    free(l->u);
    free(l->source);
    free(l->eval);
    free(l->initial);
    free(l->y);
    free(l->ok);
}

static void list_remove(point_list *l, size_t i, size_t dim)
{
    size_t last = l->n - 1;
    memmove(l->x + i * dim, l->x + (i + 1) * dim, (last - i) * dim * sizeof *l->x);
    memmove(l->u + i * dim, l->u + (i + 1) * dim, (last - i) * dim * sizeof *l->u);
    memmove(l->source + i, l->source + i + 1, (last - i) * sizeof *l->source);
    memmove(l->eval + i, l->eval + i + 1, (last - i) * sizeof *l->eval);
    memmove(l->initial + i, l->initial + i + 1, (last - i) * sizeof *l->initial);
    l->n--;
}

/* Appends an observation (user units). */
static bo_result remember(bo_optimizer *o, const double *x, size_t source, double y, int ok)
{
    point_list *l = &o->observed;
    if (list_reserve(l, o->dim, 0) != 0)
        return FAIL(o, BO_ERR_NOMEM, "out of memory");
    memcpy(l->x + l->n * o->dim, x, o->dim * sizeof *x);
    l->source[l->n] = source;
    l->y[l->n] = ok ? y : NAN;
    l->ok[l->n] = ok;
    l->n++;
    return BO_SUCCESS;
}

/* initial_data: evaluations made before, as bo-run reads them. */
static bo_result load_initial_data(bo_optimizer *o, const char **input_names,
                                   const char **source_names)
{
    const bo_config *c = &o->cfg;
    if (!c->initial_data)
        return BO_SUCCESS;
    bo_initial_data_spec spec = {.input_names = input_names,
                                 .n_inputs = c->n_inputs,
                                 .lower = o->lower,
                                 .upper = o->upper,
                                 .source_names = source_names,
                                 .n_sources = c->n_sources,
                                 .default_source = c->target,
                                 .n_levels = o->n_levels,
                                 .level_names = o->level_names};
    bo_initial_data data;
    bo_initial_data_init(&data);
    char msg[BO_API_ERRLEN];
    bo_status st = bo_initial_data_read(c->initial_data, &spec, &data, msg, sizeof msg);
    if (st != BO_OK) {
        size_t line = 0, column = 0;
        bo_config_place(c, "initial_data", &line, &column);
        bo_initial_data_cleanup(&data);
        return FAIL(o, bo_apii_result(st), "%s:%zu:%zu: initial_data: %s", c->path, line,
                    column, msg);
    }
    bo_result r = BO_SUCCESS;
    for (size_t i = 0; r == BO_SUCCESS && i < data.n_rows; i++) {
        const double *x = data.x + i * o->dim;
        if (bo_design_from_user_kinds(x, 1, o->dim, o->lower, o->upper, o->log_scale, o->kind,
                                      o->u, msg, sizeof msg) != BO_OK)
            r = FAIL(o, BO_ERR_INVALID, "%s:%zu: %s", c->initial_data, data.line[i], msg);
        else if ((st = bo_engine_observe_prior(o->engine, o->u, data.source[i], data.y[i],
                                               !data.failed[i])) != BO_OK)
            r = FAIL(o, bo_apii_result(st), "%s:%zu: %s", c->initial_data, data.line[i],
                     bo_engine_errmsg(o->engine));
        else
            r = remember(o, x, data.source[i], data.y[i], !data.failed[i]);
    }
    bo_initial_data_cleanup(&data);
    return r;
}

/* What a constructor that returns NULL with only a message failed of:
 * the options were checked by the config loader before, so a failure with
 * errno set to ENOMEM (cleared before the call) ran out of memory. */
static bo_result creation_failure(void)
{
    return errno == ENOMEM ? BO_ERR_NOMEM : BO_ERR_INVALID;
}

static bo_result setup(bo_optimizer *o)
{
    const bo_config *c = &o->cfg;
    size_t d = o->dim = c->n_inputs;
    o->lower = calloc(d, sizeof *o->lower);
    o->upper = calloc(d, sizeof *o->upper);
    o->log_scale = calloc(d, sizeof *o->log_scale);
    o->kind = calloc(d, sizeof *o->kind);
    o->n_levels = calloc(d, sizeof *o->n_levels);
    o->level_names = calloc(d, sizeof *o->level_names);
    o->u = calloc(d, sizeof *o->u);
    o->model_source = calloc(c->n_sources, sizeof *o->model_source);
    const char **input_names = calloc(d, sizeof *input_names);
    const char **source_names = calloc(c->n_sources, sizeof *source_names);
    double *costs = calloc(c->n_sources, sizeof *costs);
    size_t *initial = calloc(c->n_sources, sizeof *initial);
    bo_result r = BO_SUCCESS;
    if (!o->lower || !o->upper || !o->log_scale || !o->kind || !o->n_levels || !o->level_names ||
        !o->u || !o->model_source || !input_names ||
        !source_names || !costs || !initial) {
        r = FAIL(o, BO_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < d; j++) {
        o->kind[j] = c->inputs[j].kind;
        o->n_levels[j] = c->inputs[j].n_levels;
        o->level_names[j] = (const char *const *)c->inputs[j].levels;
        o->lower[j] = c->inputs[j].lower;
        o->upper[j] = c->inputs[j].upper;
        o->log_scale[j] = c->inputs[j].scale == BO_CONFIG_SCALE_LOG;
        input_names[j] = c->inputs[j].name;
    }
    for (size_t s = 0; s < c->n_sources; s++)
        source_names[s] = c->sources[s].name;
    bo_engine_options eo;
    bo_var_kind *kind = calloc(d, sizeof *kind);
    size_t *n_values = calloc(d, sizeof *n_values);
    if (!kind || !n_values) {
        free(kind);
        free(n_values);
        r = FAIL(o, BO_ERR_NOMEM, "out of memory");
        goto done;
    }
    bo_config_engine_options(c, &eo, costs, initial, kind, n_values);
    /* The caller's own workers: the stall rule's window follows them as
     * bo-run's does (the library cannot count them before they ask). */
    eo.workers = c->evaluation.workers;
    char msg[BO_API_ERRLEN];
    errno = 0;
    o->engine = bo_engine_create(&eo, msg, sizeof msg);
    free(kind); /* copied by the engine */
    free(n_values);
    if (!o->engine) {
        r = FAIL(o, creation_failure(), "%s", msg);
        goto done;
    }
    r = load_initial_data(o, input_names, source_names);
done:
    free(input_names);
    free(source_names);
    free(costs);
    free(initial);
    return r;
}

/* One OpenBLAS thread unless OPENBLAS_NUM_THREADS says otherwise, as in
 * bo-run (bo/cli/bo_run.c): threaded BLAS sums in another order, and the
 * last bits of a fit then differ, so an optimizer would drift away from
 * the bo-run run of its config after a few suggestions. The matrices are
 * small, so one thread is also the faster choice. */
static void choose_blas_threads(void)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
}

bo_result bo_optimizer_new(bo_options *options, bo_optimizer **out)
{
    choose_blas_threads();
    if (!out)
        return options ? bo_apii_fail(options->err, sizeof options->err, BO_ERR_INVALID,
                                      "bo_optimizer_new: out is NULL")
                       : BO_ERR_INVALID;
    *out = NULL;
    if (!options)
        return BO_ERR_INVALID;
    options->err[0] = '\0';
    bo_optimizer *o = calloc(1, sizeof *o);
    if (!o)
        return bo_apii_fail(options->err, sizeof options->err, BO_ERR_NOMEM, "out of memory");
    bo_config_init(&o->cfg);
    bo_result r = bo_apii_load_config(options, &o->cfg);
    if (r == BO_SUCCESS) {
        r = setup(o);
        if (r != BO_SUCCESS)
            snprintf(options->err, sizeof options->err, "%s", o->err);
    }
    if (r != BO_SUCCESS) {
        bo_optimizer_free(o);
        return r;
    }
    *out = o;
    return BO_SUCCESS;
}

void bo_optimizer_free(bo_optimizer *o)
{
    if (!o)
        return;
    bo_gp_destroy(o->model);
    bo_engine_destroy(o->engine);
    list_free(&o->pending);
    list_free(&o->observed);
    free(o->lower);
    free(o->upper);
    free(o->log_scale);
    free(o->kind);
    free(o->n_levels);
    free(o->level_names);
    free(o->u);
    free(o->model_source);
    bo_config_cleanup(&o->cfg);
    free(o);
}

const char *bo_optimizer_error(const bo_optimizer *o)
{
    return o ? o->err : "optimizer: NULL handle";
}

size_t bo_optimizer_dim(const bo_optimizer *o) { return o ? o->dim : 0; }

const char *bo_optimizer_input_name(const bo_optimizer *o, size_t i)
{
    return o && i < o->dim ? o->cfg.inputs[i].name : NULL;
}

int bo_optimizer_input_kind(const bo_optimizer *o, size_t i)
{
    if (!o || i >= o->dim)
        return -1;
    return o->kind[i] == BO_VAR_INTEGER       ? BO_INPUT_INTEGER
           : o->kind[i] == BO_VAR_CATEGORICAL ? BO_INPUT_CATEGORICAL
                                              : BO_INPUT_REAL;
}

size_t bo_optimizer_input_levels(const bo_optimizer *o, size_t i)
{
    return o && i < o->dim ? o->n_levels[i] : 0;
}

const char *bo_optimizer_level_name(const bo_optimizer *o, size_t i, size_t level)
{
    return o && i < o->dim && level < o->n_levels[i] ? o->level_names[i][level] : NULL;
}

bo_result bo_optimizer_input_box(const bo_optimizer *o, size_t i, double *lower, double *upper)
{
    if (!o || i >= o->dim)
        return BO_ERR_INVALID;
    if (lower)
        *lower = o->lower[i];
    if (upper)
        *upper = o->upper[i];
    return BO_SUCCESS;
}

size_t bo_optimizer_n_sources(const bo_optimizer *o) { return o ? o->cfg.n_sources : 0; }

const char *bo_optimizer_source_name(const bo_optimizer *o, size_t i)
{
    return o && i < o->cfg.n_sources ? o->cfg.sources[i].name : NULL;
}

size_t bo_optimizer_target_source(const bo_optimizer *o) { return o ? o->cfg.target : 0; }

uint64_t bo_optimizer_seed(const bo_optimizer *o) { return o ? o->cfg.seed : 0; }

size_t bo_optimizer_n_pending(const bo_optimizer *o) { return o ? o->pending.n : 0; }

size_t bo_optimizer_n_observations(const bo_optimizer *o) { return o ? o->observed.n : 0; }

bo_result bo_optimizer_ask(bo_optimizer *o, double *x, bo_ask_info *info)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    if (!x)
        return FAIL(o, BO_ERR_INVALID, "ask: x is NULL (it receives %zu values)", o->dim);
    if (info && info->size < sizeof(size_t))
        return FAIL(o, BO_ERR_INVALID, "ask: info->size is %zu; set it to sizeof(bo_ask_info)",
                    info->size);
    bo_suggestion s;
    bo_status st = bo_engine_suggest(o->engine, o->u, &s);
    if (st != BO_OK)
        return FAIL(o, bo_apii_result(st), "ask: %s", bo_engine_errmsg(o->engine));
    if (s.exhausted)
        return FAIL(o, BO_ERR_STATE, "ask: every point of the input space has been evaluated "
                    "or is pending (its inputs are all integer or categorical)");
    char msg[BO_API_ERRLEN];
    if (bo_design_to_user_kinds(o->u, 1, o->dim, o->lower, o->upper, o->log_scale, o->kind, x,
                                msg, sizeof msg) != BO_OK ||
        bo_design_from_user_kinds(x, 1, o->dim, o->lower, o->upper, o->log_scale, o->kind,
                                  o->u, msg, sizeof msg) != BO_OK)
        return FAIL(o, BO_ERR_NUMERIC, "ask: %s", msg);
    point_list *p = &o->pending;
    if (list_reserve(p, o->dim, 1) != 0)
        return FAIL(o, BO_ERR_NOMEM, "out of memory");
    st = bo_engine_add_pending(o->engine, o->u, s.source, s.initial);
    if (st != BO_OK)
        return FAIL(o, bo_apii_result(st), "ask: %s", bo_engine_errmsg(o->engine));
    memcpy(p->x + p->n * o->dim, x, o->dim * sizeof *x);
    memcpy(p->u + p->n * o->dim, o->u, o->dim * sizeof *o->u);
    p->source[p->n] = s.source;
    p->initial[p->n] = s.initial;
    p->eval[p->n] = ++o->n_asked;
    p->n++;
    if (info) {
        /* Only the fields the caller's struct has room for. */
        bo_ask_info full = {sizeof full, o->n_asked, s.source, s.initial, s.acq_value};
        size_t n = info->size < sizeof full ? info->size : sizeof full;
        memcpy((char *)info + sizeof(size_t), (const char *)&full + sizeof(size_t),
               n - sizeof(size_t));
    }
    return BO_SUCCESS;
}

/* Checks a told point and maps it into o->u; the message names the input. */
static bo_result check_point(bo_optimizer *o, const char *what, const double *x, size_t source)
{
    if (!x)
        return FAIL(o, BO_ERR_INVALID, "%s: x is NULL (expected %zu values)", what, o->dim);
    if (source >= o->cfg.n_sources)
        return FAIL(o, BO_ERR_INVALID, "%s: source %zu out of range (%zu source%s)", what,
                    source, o->cfg.n_sources, o->cfg.n_sources == 1 ? "" : "s");
    for (size_t j = 0; j < o->dim; j++) {
        if (isnan(x[j]))
            return FAIL(o, BO_ERR_INVALID, "%s: %s (x[%zu]) is NaN", what,
                        o->cfg.inputs[j].name, j);
        if (!(x[j] >= o->lower[j] && x[j] <= o->upper[j]))
            return FAIL(o, BO_ERR_INVALID, "%s: %s (x[%zu]) = %.17g is outside its box "
                        "[%.17g, %.17g]", what, o->cfg.inputs[j].name, j, x[j], o->lower[j],
                        o->upper[j]);
    }
    for (size_t j = 0; j < o->dim; j++)
        if (o->kind[j] != BO_VAR_REAL && x[j] != floor(x[j]))
            return FAIL(o, BO_ERR_INVALID, "%s: %s (x[%zu]) = %.17g is not %s", what,
                        o->cfg.inputs[j].name, j, x[j],
                        o->kind[j] == BO_VAR_INTEGER ? "an integer" : "a level index");
    char msg[BO_API_ERRLEN];
    if (bo_design_from_user_kinds(x, 1, o->dim, o->lower, o->upper, o->log_scale, o->kind, o->u,
                                  msg, sizeof msg) != BO_OK)
        return FAIL(o, BO_ERR_INVALID, "%s: %s", what, msg);
    return BO_SUCCESS;
}

static size_t find_pending(const bo_optimizer *o, const double *u, size_t source)
{
    for (size_t i = 0; i < o->pending.n; i++)
        if (o->pending.source[i] == source &&
            memcmp(o->pending.u + i * o->dim, u, o->dim * sizeof *u) == 0)
            return i;
    return SIZE_MAX;
}

static bo_result tell(bo_optimizer *o, const char *what, const double *x, size_t source,
                      double y, int ok)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    bo_result r = check_point(o, what, x, source);
    if (r != BO_SUCCESS)
        return r;
    if (ok && !isfinite(y))
        return FAIL(o, BO_ERR_INVALID, "%s: y is %g; a failed evaluation is told with "
                    "bo_optimizer_tell_failed", what, y);
    size_t p = find_pending(o, o->u, source);
    int initial = p != SIZE_MAX ? o->pending.initial[p] : 0;
    if (o->observed.n == o->observed.cap && list_reserve(&o->observed, o->dim, 0) != 0)
        return FAIL(o, BO_ERR_NOMEM, "out of memory");
    bo_status st = bo_engine_observe(o->engine, o->u, source, y, ok, initial);
    if (st != BO_OK)
        return FAIL(o, bo_apii_result(st), "%s: %s", what, bo_engine_errmsg(o->engine));
    if (p != SIZE_MAX)
        list_remove(&o->pending, p, o->dim);
    return remember(o, x, source, y, ok);
}

bo_result bo_optimizer_tell(bo_optimizer *o, const double *x, size_t source, double y)
{
    return tell(o, "tell", x, source, y, 1);
}

bo_result bo_optimizer_tell_failed(bo_optimizer *o, const double *x, size_t source)
{
    return tell(o, "tell_failed", x, source, NAN, 0);
}

bo_result bo_optimizer_cancel(bo_optimizer *o, const double *x, size_t source)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    bo_result r = check_point(o, "cancel", x, source);
    if (r != BO_SUCCESS)
        return r;
    size_t p = find_pending(o, o->u, source);
    if (p == SIZE_MAX)
        return FAIL(o, BO_ERR_INVALID, "cancel: that point is not pending on source %zu (%s)",
                    source, o->cfg.sources[source].name);
    bo_status st = bo_engine_remove_pending(o->engine, o->u, source);
    if (st != BO_OK)
        return FAIL(o, bo_apii_result(st), "cancel: %s", bo_engine_errmsg(o->engine));
    list_remove(&o->pending, p, o->dim);
    return BO_SUCCESS;
}

bo_result bo_optimizer_observation(const bo_optimizer *o, size_t i, double *x, size_t *source,
                                   double *y, int *ok)
{
    if (!o || i >= o->observed.n)
        return BO_ERR_INVALID;
    if (x)
        memcpy(x, o->observed.x + i * o->dim, o->dim * sizeof *x);
    if (source)
        *source = o->observed.source[i];
    if (y)
        *y = o->observed.y[i];
    if (ok)
        *ok = o->observed.ok[i];
    return BO_SUCCESS;
}

bo_result bo_optimizer_best(const bo_optimizer *o, double *y, double *x)
{
    if (!o)
        return BO_ERR_INVALID;
    const point_list *l = &o->observed;
    int maximize = o->cfg.goal == BO_CONFIG_MAXIMIZE;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++)
        if (l->ok[i] && l->source[i] == o->cfg.target &&
            (best == SIZE_MAX || (maximize ? l->y[i] > l->y[best] : l->y[i] < l->y[best])))
            best = i;
    if (best == SIZE_MAX)
        return BO_ERR_STATE;
    if (y)
        *y = l->y[best];
    if (x)
        memcpy(x, l->x + best * o->dim, o->dim * sizeof *x);
    return BO_SUCCESS;
}

/* ---- the model: what `bo-gp fit history.csv` fits to the same rows ---- */

/* The GP of every successful observation, as bo/cli/bo_gp.c builds it from
 * a table of them: sources in the order of their first success, the box
 * from the data's range (a constant column gets a unit-scale box around its
 * value), the config's model settings, a cold fit. A log-scale input is
 * modelled in log(x), as the engine models it: a function that varies over
 * decades is smooth there and not in x. */
static bo_result fit_model(bo_optimizer *o)
{
    const point_list *l = &o->observed;
    size_t d = o->dim, n_ok = 0, ns = 0;
    for (size_t s = 0; s < o->cfg.n_sources; s++)
        o->model_source[s] = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++)
        if (l->ok[i]) {
            n_ok++;
            if (o->model_source[l->source[i]] == SIZE_MAX)
                o->model_source[l->source[i]] = ns++;
        }
    if (n_ok == 0)
        return FAIL(o, BO_ERR_STATE, "predict: no successful observation to fit the model to");
    double *X = malloc(n_ok * d * sizeof *X), *y = malloc(n_ok * sizeof *y);
    double *lo = malloc(d * sizeof *lo), *hi = malloc(d * sizeof *hi);
    size_t *src = malloc(n_ok * sizeof *src);
    bo_result r = BO_SUCCESS;
    if (!X || !y || !lo || !hi || !src) {
        r = FAIL(o, BO_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0, k = 0; i < l->n; i++) {
        if (!l->ok[i])
            continue;
        for (size_t j = 0; j < d; j++)
            X[k * d + j] = o->log_scale[j] ? log(l->x[i * d + j]) : l->x[i * d + j];
        y[k] = l->y[i];
        src[k] = o->model_source[l->source[i]];
        k++;
    }
    for (size_t j = 0; j < d; j++) {
        lo[j] = hi[j] = X[j];
        for (size_t i = 1; i < n_ok; i++) {
            lo[j] = fmin(lo[j], X[i * d + j]);
            hi[j] = fmax(hi[j], X[i * d + j]);
        }
        if (!(hi[j] > lo[j])) {
            double half = 0.5 * fmax(1.0, fabs(lo[j]));
            lo[j] -= half;
            hi[j] += half;
        }
    }
    const bo_config_model *m = &o->cfg.model;
    bo_gp_options go;
    bo_gp_options_default(&go, d);
    go.n_sources = ns;
    size_t t = o->model_source[o->cfg.target];
    go.target_source = t == SIZE_MAX ? 0 : t;
    go.lower = lo;
    go.upper = hi;
    go.n_levels = o->n_levels;
    go.latent_mode = m->latent;
    go.kernel = m->kernel;
    go.mean = ns == 1 && m->mean == BO_MEAN_PER_SOURCE ? BO_MEAN_CONSTANT : m->mean;
    go.noise = ns == 1 && m->noise == BO_NOISE_PER_SOURCE ? BO_NOISE_LEARN : m->noise;
    go.fixed_noise_var = m->noise_var;
    go.restarts = m->restarts;
    go.fit_criterion = m->fit;
    go.fit_is_weight = m->fit_weight;
    go.seed = o->cfg.seed;
    char msg[BO_API_ERRLEN];
    bo_gp_destroy(o->model);
    errno = 0;
    o->model = bo_gp_create(&go, msg, sizeof msg);
    if (!o->model) {
        r = FAIL(o, creation_failure(), "predict: model: %s", msg);
        goto done;
    }
    bo_status st = bo_gp_set_data(o->model, n_ok, X, src, y, NULL);
    if (st == BO_OK)
        st = bo_gp_fit(o->model, NULL);
    if (st != BO_OK) {
        r = FAIL(o, bo_apii_result(st), "predict: model fit: %s", bo_gp_errmsg(o->model));
        bo_gp_destroy(o->model);
        o->model = NULL;
        goto done;
    }
    o->model_n = l->n;
done:
    free(X);
    free(y);
    free(lo);
    free(hi);
    free(src);
    return r;
}

bo_result bo_optimizer_predict(bo_optimizer *o, size_t n, const double *X, size_t source,
                               double *mean, double *sd)
{
    if (!o)
        return BO_ERR_INVALID;
    o->err[0] = '\0';
    if (n > 0 && !X)
        return FAIL(o, BO_ERR_INVALID, "predict: X is NULL");
    if (source >= o->cfg.n_sources)
        return FAIL(o, BO_ERR_INVALID, "predict: source %zu out of range (%zu source%s)",
                    source, o->cfg.n_sources, o->cfg.n_sources == 1 ? "" : "s");
    for (size_t i = 0; i < n * o->dim; i++) {
        size_t j = i % o->dim;
        if (!isfinite(X[i]))
            return FAIL(o, BO_ERR_INVALID, "predict: point %zu, %s (column %zu) is %g", i / o->dim,
                        o->cfg.inputs[j].name, j, X[i]);
        if (o->log_scale[j] && !(X[i] > 0))
            return FAIL(o, BO_ERR_INVALID, "predict: point %zu, %s (column %zu) is %g; a "
                        "log-scale input must be > 0", i / o->dim, o->cfg.inputs[j].name, j,
                        X[i]);
    }
    if (!o->model || o->model_n != o->observed.n) {
        bo_result r = fit_model(o);
        if (r != BO_SUCCESS)
            return r;
    }
    size_t ms = o->model_source[source];
    if (ms == SIZE_MAX)
        return FAIL(o, BO_ERR_STATE, "predict: source %zu (%s) has no successful observation",
                    source, o->cfg.sources[source].name);
    if (n == 0)
        return BO_SUCCESS;
    double *m = malloc(n * sizeof *m), *v = malloc(n * sizeof *v);
    double *Xm = malloc(n * o->dim * sizeof *Xm);
    bo_result r = BO_SUCCESS;
    if (!m || !v || !Xm) {
        r = FAIL(o, BO_ERR_NOMEM, "out of memory");
    } else {
        for (size_t i = 0; i < n * o->dim; i++)
            Xm[i] = o->log_scale[i % o->dim] ? log(X[i]) : X[i];
        bo_status st = bo_gp_predict_block(o->model, n, Xm, ms, m, v, NULL);
        if (st != BO_OK) {
            r = FAIL(o, bo_apii_result(st), "predict: %s", bo_gp_errmsg(o->model));
        } else {
            for (size_t i = 0; i < n; i++) {
                if (mean)
                    mean[i] = m[i];
                if (sd)
                    sd[i] = sqrt(fmax(v[i], 0.0));
            }
        }
    }
    free(m);
    free(v);
    free(Xm);
    return r;
}
