#define _POSIX_C_SOURCE 200809L
/* glibc declares realpath only for XSI (or default) builds. */
#define _XOPEN_SOURCE 700

#include "bo/config/config.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/sobol.h"
#include "bo/config/yaml_tree.h"
#include "bo/io/history.h"

/* The schema stores enum values through an int; that is only sound while
 * every enum the config holds, its own and the registries', has the size of
 * an int. */
_Static_assert(sizeof(bo_config_goal) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_config_scale) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_acq_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_design_method) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_plot_format) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_kernel_kind) == sizeof(int), "enum size");
_Static_assert(sizeof(bo_gp_mean) == sizeof(int), "enum size");

/* Largest file accepted: a config is a page of text; anything near this is a
 * wrong path (a data file or a binary). */
#define CONFIG_MAX_BYTES (4u << 20)
#define PATH_TEXT 256

/* Defaults that are not a fixed text in the schema (see docs/config.md). */
#define DEFAULT_SOURCE_NAME "f"
#define DEFAULT_POOL 1000u
#define MIN_INITIAL_SIZE 5u

/* ------------------------------------------------------------------ */
/* Name tables. Kernels, acquisitions, initial designs and plot formats */
/* are read straight from their modules' registries, so a row added     */
/* there is a name the config accepts, lists and suggests. Goal, scale  */
/* and mean names belong to the config.                                 */

typedef struct name_entry {
    const char *name;
    int value;
} name_entry;

/* Both spellings are read; the first row of a value is the one written back
 * (name_of), so a resolved config always says minimize or maximize. */
static const name_entry goal_rows[] = {
    {"minimize", BO_CONFIG_MINIMIZE}, {"maximize", BO_CONFIG_MAXIMIZE},
    {"minimise", BO_CONFIG_MINIMIZE}, {"maximise", BO_CONFIG_MAXIMIZE}, {NULL, 0}};
static const name_entry scale_rows[] = {
    {"linear", BO_CONFIG_SCALE_LINEAR}, {"log", BO_CONFIG_SCALE_LOG}, {NULL, 0}};
static const name_entry mean_rows[] = {
    {"constant", BO_MEAN_CONSTANT}, {"zero", BO_MEAN_ZERO},
    {"per_source", BO_MEAN_PER_SOURCE}, {NULL, 0}};
static const name_entry transform_rows[] = {
    {"auto", BO_OUTPUT_TRANSFORM_AUTO}, {"none", BO_OUTPUT_TRANSFORM_NONE}, {NULL, 0}};
static const name_entry latent_rows[] = {
    {"per_input", BO_LATENT_PER_VARIABLE}, {"shared", BO_LATENT_SHARED}, {NULL, 0}};
static const name_entry fit_rows[] = {
    {"map", BO_FIT_MAP}, {"interval_score", BO_FIT_INTERVAL_SCORE}, {NULL, 0}};
static const name_entry failure_rows[] = {
    {"gpc", BO_FAILURE_GPC}, {"radius", BO_FAILURE_RADIUS}, {"none", BO_FAILURE_NONE},
    {NULL, 0}};

/* A view of any table whose rows hold a name (const char *) and an
 * int-sized enum value, ended by a row whose name is NULL: the registries
 * differ in their row types but all have this shape. */
typedef struct name_table {
    const void *rows;
    size_t row_size;
    size_t name_offset;
    size_t value_offset;
} name_table;

#define NAME_TABLE(rows, row_type, name_member, value_member)                    \
    {(rows), sizeof(row_type), offsetof(row_type, name_member),                  \
     offsetof(row_type, value_member)}

static const name_table goal_names = NAME_TABLE(goal_rows, name_entry, name, value);
static const name_table scale_names = NAME_TABLE(scale_rows, name_entry, name, value);
static const name_table mean_names = NAME_TABLE(mean_rows, name_entry, name, value);
static const name_table failure_names = NAME_TABLE(failure_rows, name_entry, name, value);
static const name_table transform_names = NAME_TABLE(transform_rows, name_entry, name, value);
static const name_table latent_names = NAME_TABLE(latent_rows, name_entry, name, value);
static const name_table fit_names = NAME_TABLE(fit_rows, name_entry, name, value);
static const name_table kernel_names =
    NAME_TABLE(bo_kernel_registry, bo_kernel_info, name, kind);
static const name_table acq_names = NAME_TABLE(bo_acq_registry, bo_acq_info, name, kind);
static const name_table design_names =
    NAME_TABLE(bo_design_registry, bo_design_info, name, method);
static const name_table plot_names =
    NAME_TABLE(bo_plot_format_registry, bo_plot_format_info, name, format);

/* Name of row i; NULL at the sentinel. */
static const char *row_name(const name_table *table, size_t i)
{
    const char *row = (const char *)table->rows + i * table->row_size;
    const char *name;
    memcpy(&name, row + table->name_offset, sizeof name);
    return name;
}

static int row_value(const name_table *table, size_t i)
{
    const char *row = (const char *)table->rows + i * table->row_size;
    int value;
    memcpy(&value, row + table->value_offset, sizeof value);
    return value;
}

static const char *name_of(const name_table *table, int value)
{
    for (size_t i = 0; row_name(table, i); i++)
        if (row_value(table, i) == value)
            return row_name(table, i);
    return "?";
}

static int value_of(const name_table *table, const char *name, int *value)
{
    for (size_t i = 0; row_name(table, i); i++)
        if (strcmp(row_name(table, i), name) == 0) {
            *value = row_value(table, i);
            return 0;
        }
    return -1;
}

/* The names whose values pass keep, as "a, b or c", for messages that
 * offer the alternatives to a value refused in context. */
static void list_names(char *buf, size_t len, const name_table *table, int (*keep)(int value))
{
    size_t total = 0, used = 0, listed = 0;
    for (size_t i = 0; row_name(table, i); i++)
        total += keep(row_value(table, i)) ? 1 : 0;
    buf[0] = '\0';
    for (size_t i = 0; row_name(table, i) && used < len; i++) {
        if (!keep(row_value(table, i)))
            continue;
        const char *sep = listed == 0 ? "" : listed + 1 == total ? " or " : ", ";
        used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, row_name(table, i));
        listed++;
    }
}

const char *bo_config_goal_name(bo_config_goal goal) { return name_of(&goal_names, (int)goal); }
const char *bo_config_scale_name(bo_config_scale scale)
{
    return name_of(&scale_names, (int)scale);
}
const char *bo_config_mean_name(bo_gp_mean mean) { return name_of(&mean_names, (int)mean); }
static const char *transform_name(bo_engine_output_transform t)
{
    return name_of(&transform_names, (int)t);
}
static const char *latent_name(bo_gp_latent_mode m) { return name_of(&latent_names, (int)m); }
static const char *fit_name(bo_gp_fit_criterion c) { return name_of(&fit_names, (int)c); }

/* ------------------------------------------------------------------ */
/* "Did you mean": optimal string alignment distance (Levenshtein plus  */
/* adjacent transpositions, the commonest typo).                        */

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return SIZE_MAX;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* The edit distance when typed is close enough to be a typo of real (one
 * edit for short words, up to three for long), else SIZE_MAX. */
static size_t typo_distance(const char *typed, const char *real)
{
    size_t len = strlen(real);
    size_t allowed = len <= 4 ? 1 : len <= 10 ? 2 : 3;
    size_t dist = edit_distance(typed, real);
    /* A word replaced entirely is not a typo of another. */
    return dist <= allowed && dist < strlen(typed) ? dist : SIZE_MAX;
}

static int is_close(const char *typed, const char *real)
{
    return typo_distance(typed, real) != SIZE_MAX;
}

/* The table's name that typed is most likely a typo of (the first of the
 * nearest), or NULL. Nearest, not first: the registries' order is theirs,
 * and 'matern25' must suggest matern52 whether or not matern32 comes first. */
static const char *nearest_name(const name_table *table, const char *typed)
{
    const char *best = NULL;
    size_t best_dist = SIZE_MAX;
    for (size_t i = 0; row_name(table, i); i++) {
        size_t dist = typo_distance(typed, row_name(table, i));
        if (dist < best_dist) {
            best = row_name(table, i);
            best_dist = dist;
        }
    }
    return best;
}

/* ------------------------------------------------------------------ */
/* Load context and error reporting.                                    */

typedef struct load_ctx {
    const char *file;       /* as given, for messages */
    char *err;
    size_t errlen;
    bo_config *cfg;
    const bo_yaml_node *root;
    size_t places_cap;      /* entries cfg->places has room for */
    int library;            /* BO_CONFIG_LIBRARY: objective and budget optional */
} load_ctx;

static bo_status fail_at(load_ctx *ctx, const bo_yaml_node *node, const char *key,
                         const char *fmt, ...)
{
    if (ctx->err && ctx->errlen) {
        size_t line = node ? node->line : 1, column = node ? node->column : 1;
        int used = key && key[0]
                       ? snprintf(ctx->err, ctx->errlen, "%s:%zu:%zu: %s: ", ctx->file, line,
                                  column, key)
                       : snprintf(ctx->err, ctx->errlen, "%s:%zu:%zu: ", ctx->file, line, column);
        if (used >= 0 && (size_t)used < ctx->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ctx->err + used, ctx->errlen - (size_t)used, fmt, ap);
            va_end(ap);
        }
    }
    return BO_EINVAL;
}

static bo_status out_of_memory(load_ctx *ctx)
{
    if (ctx->err && ctx->errlen)
        snprintf(ctx->err, ctx->errlen, "%s: out of memory while loading the config", ctx->file);
    return BO_ENOMEM;
}

/* What a node is, for "got ..." in messages: its text (shortened) or kind. */
static const char *describe(const bo_yaml_node *node, char *buf, size_t len)
{
    if (!node)
        return "nothing";
    if (node->kind == BO_YAML_MAP)
        return node->n == 0 ? "an empty mapping" : "a mapping";
    if (node->kind == BO_YAML_SEQ)
        return node->n == 0 ? "an empty list" : "a list";
    if (bo_yaml_is_null(node))
        return "nothing";
    size_t n = node->text_len > 40 ? 40 : node->text_len;
    snprintf(buf, len, "'%.*s%s'", (int)n, node->text, node->text_len > 40 ? "..." : "");
    return buf;
}

static void child_path(char *out, const char *parent, const char *key)
{
    if (parent[0])
        snprintf(out, PATH_TEXT, "%s.%s", parent, key);
    else
        snprintf(out, PATH_TEXT, "%s", key);
}

static void item_path(char *out, const char *parent, size_t index)
{
    snprintf(out, PATH_TEXT, "%s[%zu]", parent, index);
}

/* ------------------------------------------------------------------ */
/* Scalar conversions: the whole text must be the number.               */

static int parse_u64(const char *text, uint64_t *out)
{
    const char *p = text;
    if (*p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(p, &end, 10);
    if (errno == ERANGE || *end != '\0' || v > UINT64_MAX)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_double(const char *text, double *out)
{
    if (!text[0] || isspace((unsigned char)text[0]))
        return -1;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    if (*end != '\0' || end == text)
        return -1;
    /* Underflow to a tiny or zero value is a faithful reading; overflow is not. */
    if (errno == ERANGE && fabs(v) == HUGE_VAL)
        return -1;
    if (!isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* A number too large for its type, written correctly: a double beyond
 * DBL_MAX in magnitude (1e999), or digits beyond UINT64_MAX when integer.
 * Such a value is refused as out of range, not as "not a number". */
static int out_of_range(const char *text, int integer)
{
    if (integer) {
        const char *p = text[0] == '+' ? text + 1 : text;
        if (!isdigit((unsigned char)*p))
            return 0;
        for (const char *q = p; *q; q++)
            if (!isdigit((unsigned char)*q))
                return 0;
        errno = 0;
        (void)strtoull(p, NULL, 10);
        return errno == ERANGE;
    }
    if (!text[0] || isspace((unsigned char)text[0]))
        return 0;
    errno = 0;
    char *end;
    double v = strtod(text, &end);
    return end != text && *end == '\0' && errno == ERANGE && fabs(v) == HUGE_VAL;
}

static bo_status fail_out_of_range(load_ctx *ctx, const bo_yaml_node *node, const char *path,
                                   int integer)
{
    char got[64];
    if (integer)
        return fail_at(ctx, node, path, "%s is out of range: integers here are at most %llu",
                       describe(node, got, sizeof got), (unsigned long long)UINT64_MAX);
    return fail_at(ctx, node, path, "%s is out of range: numbers are at most %.2g in magnitude",
                   describe(node, got, sizeof got), DBL_MAX);
}

static int parse_bool(const char *text, int *out)
{
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* The schema.                                                          */

typedef enum field_type {
    F_STRING,   /* char *, owned copy of a scalar */
    F_U64,      /* uint64_t, non-negative integer */
    F_SIZE,     /* size_t, non-negative integer within [min, max] */
    F_DOUBLE,   /* double, finite, within the bounds */
    F_BOOL,     /* int 0/1 */
    F_ENUM,     /* int-sized enum through a name table */
    F_CUSTOM,   /* a handler does it */
    F_SECTION   /* a nested mapping; sub-fields have offsets into bo_config */
} field_type;

typedef struct field field;
typedef bo_status (*field_handler)(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                                   void *dst, const char *path);

struct field {
    const char *key;
    field_type type;
    size_t offset;              /* into the struct this level fills */
    double min, max;            /* numbers: allowed range */
    int min_exclusive;          /* 1: value must be > min */
    const name_table *names;    /* F_ENUM */
    field_handler handler;      /* F_CUSTOM */
    const field *sub;           /* F_SECTION */
    const char *default_text;   /* converted like a written value when the key is absent */
    int required;
    const char *expect;         /* F_CUSTOM, F_SECTION: what a value should be, for messages */
    const char *unsupported;    /* non-NULL: a key users will reach for that is not
                                   implemented yet; refused with this text instead of
                                   as unknown, never suggested, never "belongs in" */
};

/* Rows use designated initialisers: unnamed members are zero (no bounds,
 * not required, no default). Bounds of counts are generous sanity limits. */
#define END_OF_FIELDS {.key = NULL}

static bo_status h_command(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_launcher(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_params(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_noise(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_inputs(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_input_type(load_ctx *, const field *, const bo_yaml_node *, void *,
                              const char *);
static bo_status h_sources(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_constraints(load_ctx *, const field *, const bo_yaml_node *, void *,
                               const char *);
static bo_status h_scalar(load_ctx *, const field *, const bo_yaml_node *, void *, const char *);
static bo_status h_memory_limit(load_ctx *, const field *, const bo_yaml_node *, void *,
                                const char *);

#define CFG(member) offsetof(bo_config, member)
#define COUNT_MAX 1e12

static const field objective_fields[] = {
    {.key = "plugin", .type = F_STRING, .offset = CFG(objective.plugin)},
    {.key = "command", .type = F_CUSTOM, .offset = CFG(objective), .handler = h_command,
     .expect = "a list of strings: the program and its arguments"},
    {.key = "launcher", .type = F_CUSTOM, .offset = CFG(objective), .handler = h_launcher,
     .expect = "a list of strings: a program and its arguments put before the command"},
    {.key = "params", .type = F_CUSTOM, .offset = CFG(objective), .handler = h_params,
     .expect = "a mapping of names to values"},
    {.key = "timeout", .type = F_DOUBLE, .offset = CFG(objective.timeout), .min = 0.0,
     .max = 1e9, .default_text = "0"},
    {.key = "memory_limit", .type = F_CUSTOM, .offset = CFG(objective.memory_limit),
     .handler = h_memory_limit,
     .expect = "a byte count or a size such as 512MiB or 4GiB (KiB, MiB, GiB, TiB; kB, MB, "
               "GB, TB), at least 1MiB, or 0 for no limit"},
    {.key = "isolate", .type = F_BOOL, .offset = CFG(objective.isolate), .default_text = "true"},
    END_OF_FIELDS};

static const field input_fields[] = {
    {.key = "name", .type = F_STRING, .offset = offsetof(bo_config_input, name), .required = 1},
    {.key = "lower", .type = F_DOUBLE, .offset = offsetof(bo_config_input, lower),
     .min = -HUGE_VAL, .max = HUGE_VAL, .required = 1},
    {.key = "upper", .type = F_DOUBLE, .offset = offsetof(bo_config_input, upper),
     .min = -HUGE_VAL, .max = HUGE_VAL, .required = 1},
    {.key = "scale", .type = F_ENUM, .offset = offsetof(bo_config_input, scale),
     .names = &scale_names, .default_text = "linear"},
    /* real only: integer and categorical entries are read by
     * read_mixed_input, and never reach this table. */
    {.key = "type", .type = F_CUSTOM, .handler = h_input_type,
     .expect = "real, integer or categorical"},
    END_OF_FIELDS};

static const field source_fields[] = {
    {.key = "name", .type = F_STRING, .offset = offsetof(bo_config_source, name), .required = 1},
    {.key = "cost", .type = F_DOUBLE, .offset = offsetof(bo_config_source, cost), .min = 0.0,
     .min_exclusive = 1, .max = HUGE_VAL, .required = 1},
    /* No default text: resolved from initial_design.size once that is known. */
    {.key = "initial", .type = F_SIZE, .offset = offsetof(bo_config_source, initial), .min = 0.0,
     .max = 1e6},
    END_OF_FIELDS};

/* No defaults: an absent bound stays infinite (h_constraints sets them). */
static const field constraint_fields[] = {
    {.key = "name", .type = F_STRING, .offset = offsetof(bo_config_constraint, name),
     .required = 1},
    {.key = "lower", .type = F_DOUBLE, .offset = offsetof(bo_config_constraint, lower),
     .min = -HUGE_VAL, .max = HUGE_VAL},
    {.key = "upper", .type = F_DOUBLE, .offset = offsetof(bo_config_constraint, upper),
     .min = -HUGE_VAL, .max = HUGE_VAL},
    END_OF_FIELDS};

static const field model_fields[] = {
    {.key = "kernel", .type = F_ENUM, .offset = CFG(model.kernel), .names = &kernel_names,
     .default_text = "matern52"},
    {.key = "noise", .type = F_CUSTOM, .offset = CFG(model), .handler = h_noise,
     .default_text = "learn", .expect = "learn, per_source or a fixed noise variance >= 0"},
    {.key = "mean", .type = F_ENUM, .offset = CFG(model.mean), .names = &mean_names,
     .default_text = "constant"},
    {.key = "restarts", .type = F_SIZE, .offset = CFG(model.restarts), .min = 1.0, .max = 1000.0,
     .default_text = "5"},
    {.key = "output_transform", .type = F_ENUM, .offset = CFG(model.output_transform),
     .names = &transform_names, .default_text = "auto"},
    {.key = "latent", .type = F_ENUM, .offset = CFG(model.latent), .names = &latent_names,
     .default_text = "per_input"},
    {.key = "fit", .type = F_ENUM, .offset = CFG(model.fit), .names = &fit_names,
     .default_text = "map"},
    /* No default text: it depends on fit (check_model_fit). */
    {.key = "fit_weight", .type = F_DOUBLE, .offset = CFG(model.fit_weight), .min = 0.0,
     .min_exclusive = 1, .max = 1e6},
    END_OF_FIELDS};

static const field acquisition_fields[] = {
    /* type and pool: defaults depend on the sources and on starts. */
    {.key = "type", .type = F_ENUM, .offset = CFG(acquisition.type), .names = &acq_names},
    {.key = "starts", .type = F_SIZE, .offset = CFG(acquisition.starts), .min = 1.0,
     .max = 10000.0, .default_text = "10"},
    {.key = "pool", .type = F_SIZE, .offset = CFG(acquisition.pool), .min = 1.0, .max = 1e7},
    {.key = "enumerate", .type = F_SIZE, .offset = CFG(acquisition.enumerate), .min = 1.0,
     .max = 1e6, .default_text = "64"},
    {.key = "beta", .type = F_DOUBLE, .offset = CFG(acquisition.beta), .min = 0.0,
     .min_exclusive = 1, .max = 1e6, .default_text = "2"},
    {.key = "target_ei", .type = F_BOOL, .offset = CFG(acquisition.target_ei),
     .default_text = "false"},
    {.key = "explore_budget", .type = F_DOUBLE, .offset = CFG(acquisition.explore_budget),
     .min = 0.0, .max = HUGE_VAL, .default_text = "0.25"},
    /* stall_explore: its default (true) applies to ei and logei only. */
    {.key = "stall_explore", .type = F_BOOL, .offset = CFG(acquisition.stall_explore),
     .default_text = "true"},
    {.key = "trust_region", .type = F_BOOL, .offset = CFG(acquisition.trust_region),
     .default_text = "false"},
    {.key = "failure_model", .type = F_ENUM, .offset = CFG(acquisition.failure_model),
     .names = &failure_names, .default_text = "gpc"},
    END_OF_FIELDS};

static const field design_fields[] = {
    {.key = "method", .type = F_ENUM, .offset = CFG(initial_design.method), .names = &design_names,
     .default_text = "lhs"},
    /* Default depends on the dimension and the budget. */
    {.key = "size", .type = F_SIZE, .offset = CFG(initial_design.size), .min = 1.0, .max = 1e6},
    END_OF_FIELDS};

/* Absent limits keep the "no limit" values bo_config_init sets. */
static const field budget_fields[] = {
    {.key = "max_evaluations", .type = F_SIZE, .offset = CFG(budget.max_evaluations), .min = 1.0,
     .max = COUNT_MAX},
    {.key = "max_cost", .type = F_DOUBLE, .offset = CFG(budget.max_cost), .min = 0.0,
     .min_exclusive = 1, .max = HUGE_VAL},
    {.key = "max_no_improvement", .type = F_SIZE, .offset = CFG(budget.max_no_improvement),
     .min = 1.0, .max = COUNT_MAX},
    {.key = "max_consecutive_failures", .type = F_SIZE,
     .offset = CFG(budget.max_consecutive_failures), .min = 0.0, .max = COUNT_MAX},
    {.key = "target_value", .type = F_DOUBLE, .offset = CFG(budget.target_value),
     .min = -HUGE_VAL, .max = HUGE_VAL},
    END_OF_FIELDS};

static const field output_fields[] = {
    {.key = "plot", .type = F_ENUM, .offset = CFG(output.plot), .names = &plot_names,
     .default_text = "png"},
    END_OF_FIELDS};

static const field evaluation_fields[] = {
    {.key = "workers", .type = F_SIZE, .offset = CFG(evaluation.workers), .min = 1.0,
     .max = 100000.0, .default_text = "1"},
    END_OF_FIELDS};

/* Top level. Sections share bo_config as their base, so their fields'
 * offsets are into bo_config; list entries use their element struct. */
static const field root_fields[] = {
    /* name: default is the file's name, set after the walk. */
    {.key = "name", .type = F_STRING, .offset = CFG(name)},
    {.key = "seed", .type = F_U64, .offset = CFG(seed), .default_text = "0"},
    {.key = "goal", .type = F_ENUM, .offset = CFG(goal), .names = &goal_names,
     .default_text = "minimize"},
    {.key = "objective", .type = F_SECTION, .sub = objective_fields, .required = 1,
     .expect = "a mapping with plugin or command"},
    {.key = "inputs", .type = F_CUSTOM, .handler = h_inputs, .required = 1,
     .expect = "a list of inputs, each {name, lower, upper}"},
    {.key = "sources", .type = F_CUSTOM, .handler = h_sources,
     .expect = "a list of sources, each {name, cost}"},
    {.key = "target", .type = F_CUSTOM, .handler = h_scalar, .expect = "the name of a source"},
    {.key = "model", .type = F_SECTION, .sub = model_fields},
    {.key = "acquisition", .type = F_SECTION, .sub = acquisition_fields},
    {.key = "initial_design", .type = F_SECTION, .sub = design_fields},
    {.key = "budget", .type = F_SECTION, .sub = budget_fields, .required = 1,
     .expect = "a mapping with max_evaluations and/or max_cost"},
    {.key = "output", .type = F_SECTION, .sub = output_fields},
    {.key = "evaluation", .type = F_SECTION, .sub = evaluation_fields},
    /* Resolved against the config's folder, like objective.plugin. */
    {.key = "initial_data", .type = F_STRING, .offset = CFG(initial_data)},
    {.key = "constraints", .type = F_CUSTOM, .handler = h_constraints,
     .expect = "a list of output constraints, each {name, lower and/or upper}"},
    END_OF_FIELDS};

/* Where each schema level lives, to tell a user who put a key at the wrong
 * level where it belongs. */
static const struct {
    const char *where;
    const field *fields;
} schema_levels[] = {
    /* acquisition: before inputs: a misplaced top-level type: is far more
     * often acquisition's than an input's. */
    {"the top level", root_fields},   {"objective:", objective_fields},
    {"acquisition:", acquisition_fields},
    {"each inputs: entry", input_fields}, {"each sources: entry", source_fields},
    {"each constraints: entry", constraint_fields},
    {"model:", model_fields},
    {"initial_design:", design_fields}, {"budget:", budget_fields},
    {"output:", output_fields},       {"evaluation:", evaluation_fields},
    {NULL, NULL}};

/* ------------------------------------------------------------------ */
/* Walking a mapping with a schema.                                     */

static void describe_expectation(const field *f, char *buf, size_t len)
{
    switch (f->type) {
    case F_STRING:
        snprintf(buf, len, "text");
        return;
    case F_U64:
        snprintf(buf, len, "a non-negative integer");
        return;
    case F_SIZE:
        if (f->min <= 0.0)
            snprintf(buf, len, "a non-negative integer");
        else if (f->max >= COUNT_MAX)
            snprintf(buf, len, "an integer >= %g", f->min);
        else
            snprintf(buf, len, "an integer from %g to %g", f->min, f->max);
        return;
    case F_DOUBLE:
        if (f->min == -HUGE_VAL && f->max == HUGE_VAL)
            snprintf(buf, len, "a number");
        else if (f->max == HUGE_VAL)
            snprintf(buf, len, "a number %s %g", f->min_exclusive ? ">" : ">=", f->min);
        else
            snprintf(buf, len, "a number %s %g and <= %g", f->min_exclusive ? ">" : ">=", f->min,
                     f->max);
        return;
    case F_BOOL:
        snprintf(buf, len, "true or false");
        return;
    case F_ENUM: {
        size_t used = (size_t)snprintf(buf, len, "one of");
        for (size_t i = 0; row_name(f->names, i) && used < len; i++)
            used += (size_t)snprintf(buf + used, len - used, "%s %s", i == 0 ? "" : ",",
                                     row_name(f->names, i));
        return;
    }
    case F_CUSTOM:
    case F_SECTION:
        snprintf(buf, len, "%s",
                 f->expect ? f->expect : f->type == F_SECTION ? "a mapping" : "a value");
        return;
    }
    snprintf(buf, len, "a value");
}

static bo_status fail_expected(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                               const char *path)
{
    char expect[200], got[64];
    describe_expectation(f, expect, sizeof expect);
    return fail_at(ctx, node, path, "expected %s, got %s", expect, describe(node, got, sizeof got));
}

static bo_status fail_unknown_name(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                                   const char *path)
{
    char expect[200], got[64];
    describe_expectation(f, expect, sizeof expect);
    const char *meant = nearest_name(f->names, node->text);
    if (meant)
        return fail_at(ctx, node, path, "expected %s, got %s; did you mean '%s'?", expect,
                       describe(node, got, sizeof got), meant);
    return fail_expected(ctx, f, node, path);
}

static int in_bounds(const field *f, double v)
{
    if (f->min_exclusive ? !(v > f->min) : !(v >= f->min))
        return 0;
    return v <= f->max;
}

static bo_status walk_map(load_ctx *ctx, const field *fields, const bo_yaml_node *map,
                          void *base, const char *path);
static bo_status apply_absent(load_ctx *ctx, const field *fields, const bo_yaml_node *parent,
                              void *base, const char *path);

static bo_status convert(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *base,
                         const char *path)
{
    char *dst = (char *)base + f->offset;

    if (f->type == F_SECTION)
        return walk_map(ctx, f->sub, node, base, path);
    if (f->type == F_CUSTOM)
        return f->handler(ctx, f, node, dst, path);
    if (node->kind != BO_YAML_SCALAR || bo_yaml_is_null(node))
        return fail_expected(ctx, f, node, path);

    switch (f->type) {
    case F_STRING: {
        char *copy = strdup(node->text);
        if (!copy)
            return out_of_memory(ctx);
        char *old;
        memcpy(&old, dst, sizeof old);
        free(old);
        memcpy(dst, &copy, sizeof copy);
        return BO_OK;
    }
    case F_U64: {
        uint64_t v;
        if (parse_u64(node->text, &v) != 0)
            return out_of_range(node->text, 1) ? fail_out_of_range(ctx, node, path, 1)
                                               : fail_expected(ctx, f, node, path);
        memcpy(dst, &v, sizeof v);
        return BO_OK;
    }
    case F_SIZE: {
        uint64_t v;
        if (parse_u64(node->text, &v) != 0 || v > SIZE_MAX || !in_bounds(f, (double)v))
            return fail_expected(ctx, f, node, path);
        size_t s = (size_t)v;
        memcpy(dst, &s, sizeof s);
        return BO_OK;
    }
    case F_DOUBLE: {
        double v;
        if (parse_double(node->text, &v) != 0 && out_of_range(node->text, 0))
            return fail_out_of_range(ctx, node, path, 0);
        if (parse_double(node->text, &v) != 0 || !in_bounds(f, v))
            return fail_expected(ctx, f, node, path);
        memcpy(dst, &v, sizeof v);
        return BO_OK;
    }
    case F_BOOL: {
        int v;
        if (parse_bool(node->text, &v) != 0)
            return fail_expected(ctx, f, node, path);
        memcpy(dst, &v, sizeof v);
        return BO_OK;
    }
    case F_ENUM: {
        int v;
        if (value_of(f->names, node->text, &v) != 0)
            return fail_unknown_name(ctx, f, node, path);
        memcpy(dst, &v, sizeof v);
        return BO_OK;
    }
    case F_CUSTOM:
    case F_SECTION:
        break;
    }
    return BO_OK;
}

static bo_status fail_unknown_key(load_ctx *ctx, const field *fields, const bo_yaml_node *key,
                                  const char *path)
{
    for (const field *f = fields; f->key; f++)
        if (!f->unsupported && is_close(key->text, f->key))
            return fail_at(ctx, key, path, "unknown key; did you mean '%s'?", f->key);
    for (size_t level = 0; schema_levels[level].where; level++) {
        if (schema_levels[level].fields == fields)
            continue;
        for (const field *f = schema_levels[level].fields; f->key; f++)
            if (!f->unsupported && strcmp(f->key, key->text) == 0)
                return fail_at(ctx, key, path, "unknown key here; '%s' belongs in %s", f->key,
                               schema_levels[level].where);
    }
    char keys[300];
    size_t used = 0;
    keys[0] = '\0';
    for (const field *f = fields; f->key && used < sizeof keys; f++)
        if (!f->unsupported)
            used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s",
                                     used == 0 ? "" : ", ", f->key);
    return fail_at(ctx, key, path, "unknown key; expected one of %s", keys);
}

/* Remembers where key's value is written, for bo_config_place. */
static bo_status record_place(load_ctx *ctx, const char *key, const bo_yaml_node *value)
{
    bo_config *cfg = ctx->cfg;
    /* Doubling: growing by one entry copied the list for every key, which
     * is quadratic wherever realloc moves the block (always under ASan:
     * 60,000 inputs took minutes). */
    if (cfg->n_places == ctx->places_cap) {
        size_t cap = ctx->places_cap ? 2 * ctx->places_cap : 32;
        bo_config_place_entry *grown = realloc(cfg->places, cap * sizeof *grown);
        if (!grown)
            return out_of_memory(ctx);
        cfg->places = grown;
        ctx->places_cap = cap;
    }
    char *copy = strdup(key);
    if (!copy)
        return out_of_memory(ctx);
    cfg->places[cfg->n_places++] = (bo_config_place_entry){copy, value->line, value->column};
    return BO_OK;
}

static bo_status walk_map(load_ctx *ctx, const field *fields, const bo_yaml_node *map,
                          void *base, const char *path)
{
    if (map->kind != BO_YAML_MAP) {
        char got[64];
        return fail_at(ctx, map, path, "expected a mapping (key: value lines or {key: value}), got %s",
                       describe(map, got, sizeof got));
    }
    for (size_t i = 0; i < map->n; i++) {
        const bo_yaml_node *key = map->items[2 * i], *value = map->items[2 * i + 1];
        char sub[PATH_TEXT];
        child_path(sub, path, key->text);
        const field *f = fields;
        while (f->key && strcmp(f->key, key->text) != 0)
            f++;
        if (!f->key)
            return fail_unknown_key(ctx, fields, key, sub);
        if (f->unsupported)
            return fail_at(ctx, key, sub, "%s", f->unsupported);
        bo_status status = record_place(ctx, sub, value);
        if (status != BO_OK)
            return status;
        status = convert(ctx, f, value, base, sub);
        if (status != BO_OK)
            return status;
    }
    return apply_absent(ctx, fields, map, base, path);
}

/* Required keys that are missing are errors at their parent; absent keys
 * with a default get it, converted exactly as if it had been written. */
static bo_status apply_absent(load_ctx *ctx, const field *fields, const bo_yaml_node *parent,
                              void *base, const char *path)
{
    for (const field *f = fields; f->key; f++) {
        if (parent && bo_yaml_map_get(parent, f->key))
            continue;
        char sub[PATH_TEXT];
        child_path(sub, path, f->key);
        /* A program driving the engine itself evaluates the points and
         * decides when to stop: objective and budget are then its own. */
        int optional_here = ctx->library && fields == root_fields &&
                            (strcmp(f->key, "objective") == 0 || strcmp(f->key, "budget") == 0);
        if (f->required && !optional_here) {
            char expect[200];
            describe_expectation(f, expect, sizeof expect);
            return fail_at(ctx, parent, sub, "missing; expected %s", expect);
        }
        bo_status status = BO_OK;
        if (f->type == F_SECTION) {
            status = apply_absent(ctx, f->sub, NULL, base, sub);
        } else if (f->default_text) {
            bo_yaml_node fake = {0};
            fake.kind = BO_YAML_SCALAR;
            fake.text = (char *)f->default_text;
            fake.text_len = strlen(f->default_text);
            fake.plain = 1;
            fake.line = parent ? parent->line : 1;
            fake.column = parent ? parent->column : 1;
            status = convert(ctx, f, &fake, base, sub);
        }
        if (status != BO_OK)
            return status;
    }
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Handlers for keys that are more than one scalar.                     */

static bo_status h_scalar(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                          const char *path)
{
    (void)dst;
    if (node->kind != BO_YAML_SCALAR || bo_yaml_is_null(node))
        return fail_expected(ctx, f, node, path);
    return BO_OK;
}

/* A list of strings that starts with a program: objective.command and
 * objective.launcher. *argv becomes NULL-terminated (execvp-ready) and *argc
 * counts its entries; an empty list is accepted only when allow_empty, and
 * then leaves *argv NULL. */
static bo_status read_argv(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                           const char *path, int allow_empty, char ***argv, size_t *argc)
{
    if (node->kind != BO_YAML_SEQ || (node->n == 0 && !allow_empty))
        return fail_expected(ctx, f, node, path);
    if (node->n == 0)
        return BO_OK;
    *argv = calloc(node->n + 1, sizeof **argv);
    if (!*argv)
        return out_of_memory(ctx);
    for (size_t i = 0; i < node->n; i++) {
        const bo_yaml_node *arg = node->items[i];
        char sub[PATH_TEXT], got[64];
        item_path(sub, path, i);
        if (arg->kind != BO_YAML_SCALAR || (i == 0 && (bo_yaml_is_null(arg) || !arg->text[0])))
            return fail_at(ctx, arg, sub, "expected %s, got %s",
                           i == 0 ? "the program to run" : "an argument (text)",
                           describe(arg, got, sizeof got));
        (*argv)[i] = strdup(arg->text);
        if (!(*argv)[i])
            return out_of_memory(ctx);
        *argc = i + 1;
    }
    return BO_OK;
}

static bo_status h_command(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                           const char *path)
{
    bo_config_objective *obj = dst;
    return read_argv(ctx, f, node, path, 0, &obj->command, &obj->n_command);
}

static bo_status h_launcher(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                            const char *path)
{
    bo_config_objective *obj = dst;
    return read_argv(ctx, f, node, path, 1, &obj->launcher, &obj->n_launcher);
}

/* A size in bytes: a number, then optionally a unit. Binary units are what
 * ulimit and the kernel count in; decimal ones are accepted because users
 * write them, and mean what they say. */
static bo_status h_memory_limit(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                                void *dst, const char *path)
{
    static const struct {
        const char *name;
        double bytes;
    } units[] = {{"", 1.0},         {"B", 1.0},           {"KiB", 1024.0},
                 {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
                 {"kB", 1e3},       {"KB", 1e3},          {"MB", 1e6},
                 {"GB", 1e9},       {"TB", 1e12}};
    if (node->kind != BO_YAML_SCALAR || bo_yaml_is_null(node) || node->text_len == 0 ||
        node->text_len > 64 || memchr(node->text, '\0', node->text_len))
        return fail_expected(ctx, f, node, path);
    char text[80];
    memcpy(text, node->text, node->text_len);
    text[node->text_len] = '\0';
    const char *p = text;
    if (!(*p >= '0' && *p <= '9'))
        return fail_expected(ctx, f, node, path);
    char *end = NULL;
    errno = 0;
    double number = strtod(p, &end);
    if (end == p || errno == ERANGE || !isfinite(number) || strpbrk(text, "xXpPnN"))
        return fail_expected(ctx, f, node, path);
    while (*end == ' ')
        end++;
    double scale = -1.0;
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
        if (strcmp(end, units[i].name) == 0)
            scale = units[i].bytes;
    if (scale < 0)
        return fail_at(ctx, node, path, "unknown unit '%s' (expected KiB, MiB, GiB, TiB, kB, "
                       "MB, GB, TB or none for bytes)", end);
    double bytes = floor(number * scale);
    if (bytes != 0 && bytes < 1048576.0)
        return fail_at(ctx, node, path, "%s is less than 1MiB, too little for any process to "
                       "start (0 means no limit)", text);
    if (bytes > 1e18)
        return fail_at(ctx, node, path, "%s is out of range (at most 1e18 bytes)", text);
    *(unsigned long long *)dst = (unsigned long long)bytes;
    return BO_OK;
}

static bo_status h_params(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                          const char *path)
{
    bo_config_objective *obj = dst;
    if (node->kind != BO_YAML_MAP)
        return fail_expected(ctx, f, node, path);
    if (node->n == 0)
        return BO_OK;
    obj->params = calloc(node->n, sizeof *obj->params);
    if (!obj->params)
        return out_of_memory(ctx);
    for (size_t i = 0; i < node->n; i++) {
        const bo_yaml_node *key = node->items[2 * i], *value = node->items[2 * i + 1];
        char sub[PATH_TEXT], got[64];
        child_path(sub, path, key->text);
        if (value->kind != BO_YAML_SCALAR)
            return fail_at(ctx, value, sub,
                           "expected a single value (text or a number), got %s; plugins "
                           "receive params as flat key/value text",
                           describe(value, got, sizeof got));
        obj->params[i].key = strdup(key->text);
        obj->params[i].value = strdup(value->text);
        obj->n_params = i + 1;
        if (!obj->params[i].key || !obj->params[i].value)
            return out_of_memory(ctx);
    }
    return BO_OK;
}

static bo_status h_noise(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                         const char *path)
{
    bo_config_model *model = dst;
    if (node->kind != BO_YAML_SCALAR || bo_yaml_is_null(node))
        return fail_expected(ctx, f, node, path);
    double v;
    if (strcmp(node->text, "learn") == 0) {
        model->noise = BO_NOISE_LEARN;
        model->noise_var = 0.0;
    } else if (strcmp(node->text, "per_source") == 0) {
        model->noise = BO_NOISE_PER_SOURCE;
        model->noise_var = 0.0;
    } else if (parse_double(node->text, &v) == 0 && v >= 0.0) {
        model->noise = BO_NOISE_FIXED;
        model->noise_var = v;
    } else if (out_of_range(node->text, 0)) {
        return fail_out_of_range(ctx, node, path, 0);
    } else {
        char got[64];
        if (is_close(node->text, "learn") || is_close(node->text, "per_source"))
            return fail_at(ctx, node, path, "expected %s, got %s; did you mean '%s'?", f->expect,
                           describe(node, got, sizeof got),
                           is_close(node->text, "learn") ? "learn" : "per_source");
        return fail_expected(ctx, f, node, path);
    }
    return BO_OK;
}

static bo_status h_input_type(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                              void *dst, const char *path)
{
    (void)dst;
    if (node->kind != BO_YAML_SCALAR || strcmp(node->text, "real") != 0)
        return fail_expected(ctx, f, node, path);
    return BO_OK;
}

static int is_identifier(const char *s);

/* child_path for read_mixed_input's longer buffers. */
static void mixed_path(char out[2 * PATH_TEXT], const char *parent, const char *key)
{
    snprintf(out, 2 * PATH_TEXT, "%.*s.%s", PATH_TEXT - 1, parent, key);
}

/* An integer or categorical entry of inputs (item, at path, type its type
 * node) into *in. Integer: {name, type, lower, upper} with integer bounds,
 * lower < upper; categorical: {name, type, levels} with a list of at least
 * two distinct non-empty level names. Each key's place is recorded as
 * walk_map records those of a real entry. */
static bo_status read_mixed_input(load_ctx *ctx, const bo_yaml_node *item, const char *path,
                                  const bo_yaml_node *type, bo_config_input *in)
{
    int categorical = strcmp(type->text, "categorical") == 0;
    static const char *const integer_keys[] = {"name", "type", "lower", "upper", NULL};
    static const char *const categorical_keys[] = {"name", "type", "levels", NULL};
    const char *const *keys = categorical ? categorical_keys : integer_keys;
    char sub[2 * PATH_TEXT], got[64];
    for (size_t i = 0; i < item->n; i++) {
        const bo_yaml_node *key = item->items[2 * i];
        size_t k = 0;
        while (keys[k] && strcmp(keys[k], key->text) != 0)
            k++;
        if (!keys[k]) {
            mixed_path(sub, path, key->text);
            return fail_at(ctx, key, sub, "not a key of %s input; expected one of %s",
                           categorical ? "a categorical" : "an integer", categorical ? "name, type, levels"
                                                   : "name, type, lower, upper");
        }
    }
    const bo_yaml_node *name = bo_yaml_map_get(item, "name");
    mixed_path(sub, path, "name");
    if (!name)
        return fail_at(ctx, item, sub, "missing; expected text");
    if (name->kind != BO_YAML_SCALAR || bo_yaml_is_null(name) || !is_identifier(name->text))
        return fail_at(ctx, name, sub, "expected an identifier (letters, digits, _; not "
                       "starting with a digit), got %s", describe(name, got, sizeof got));
    if (!categorical) {
        double bound[2];
        static const char *const which[2] = {"lower", "upper"};
        const bo_yaml_node *nodes[2];
        for (int b = 0; b < 2; b++) {
            nodes[b] = bo_yaml_map_get(item, which[b]);
            mixed_path(sub, path, which[b]);
            if (!nodes[b])
                return fail_at(ctx, item, sub, "missing; expected an integer");
            /* Integers a double holds exactly. */
            if (nodes[b]->kind != BO_YAML_SCALAR || parse_double(nodes[b]->text, &bound[b]) != 0 ||
                bound[b] != floor(bound[b]) || fabs(bound[b]) > 9007199254740992.0)
                return fail_at(ctx, nodes[b], sub, "expected an integer (an integer input's "
                               "bounds are integers), got %s", describe(nodes[b], got, sizeof got));
        }
        if (!(bound[0] < bound[1])) {
            mixed_path(sub, path, "upper");
            return fail_at(ctx, nodes[1], sub, "expected an integer > lower (%.17g), got %.17g",
                           bound[0], bound[1]);
        }
        in->kind = BO_VAR_INTEGER;
        in->lower = bound[0];
        in->upper = bound[1];
        for (int b = 0; b < 2; b++) {
            mixed_path(sub, path, which[b]);
            if (record_place(ctx, sub, nodes[b]) != BO_OK)
                return BO_ENOMEM;
        }
    } else {
        const bo_yaml_node *levels = bo_yaml_map_get(item, "levels");
        mixed_path(sub, path, "levels");
        if (!levels)
            return fail_at(ctx, item, sub, "missing; expected a list of level names");
        if (levels->kind != BO_YAML_SEQ || levels->n == 0)
            return fail_at(ctx, levels, sub, "expected a non-empty list of level names, got %s",
                           describe(levels, got, sizeof got));
        if (levels->n == 1)
            return fail_at(ctx, levels, sub, "one level ('%s'): a categorical input needs at "
                           "least two (a fixed value belongs in objective.params)",
                           levels->items[0]->kind == BO_YAML_SCALAR ? levels->items[0]->text
                                                                    : "?");
        if (levels->n > BO_GP_MAX_LEVELS)
            return fail_at(ctx, levels, sub, "%zu levels; at most %d", levels->n,
                           BO_GP_MAX_LEVELS);
        for (size_t i = 0; i < levels->n; i++) {
            const bo_yaml_node *level = levels->items[i];
            char at[3 * PATH_TEXT];
            snprintf(at, sizeof at, "%s[%zu]", sub, i);
            if (level->kind != BO_YAML_SCALAR || bo_yaml_is_null(level) || !level->text[0])
                return fail_at(ctx, level, at, "expected a level name (text), got %s",
                               describe(level, got, sizeof got));
            for (size_t j = 0; j < i; j++)
                if (strcmp(levels->items[j]->text, level->text) == 0)
                    return fail_at(ctx, level, at, "expected a level name not given before, got "
                                   "'%s' again (levels[%zu])", level->text, j);
        }
        in->kind = BO_VAR_CATEGORICAL;
        in->levels = calloc(levels->n, sizeof *in->levels);
        if (!in->levels)
            return out_of_memory(ctx);
        for (size_t i = 0; i < levels->n; i++) {
            if (!(in->levels[i] = strdup(levels->items[i]->text)))
                return out_of_memory(ctx);
            in->n_levels = i + 1;
        }
        in->lower = 0.0;
        in->upper = (double)(levels->n - 1);
        if (record_place(ctx, sub, levels) != BO_OK)
            return BO_ENOMEM;
    }
    mixed_path(sub, path, "name");
    if (!(in->name = strdup(name->text)))
        return out_of_memory(ctx);
    if (record_place(ctx, sub, name) != BO_OK)
        return BO_ENOMEM;
    mixed_path(sub, path, "type");
    return record_place(ctx, sub, type);
}

static bo_status h_inputs(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                          const char *path)
{
    (void)dst;
    bo_config *cfg = ctx->cfg;
    if (node->kind != BO_YAML_SEQ || node->n == 0)
        return fail_expected(ctx, f, node, path);
    cfg->inputs = calloc(node->n, sizeof *cfg->inputs);
    if (!cfg->inputs)
        return out_of_memory(ctx);
    cfg->n_inputs = node->n;
    for (size_t i = 0; i < node->n; i++) {
        char sub[PATH_TEXT];
        item_path(sub, path, i);
        const bo_yaml_node *item = node->items[i];
        const bo_yaml_node *type = item->kind == BO_YAML_MAP ? bo_yaml_map_get(item, "type") : NULL;
        if (type && type->kind == BO_YAML_SCALAR &&
            (strcmp(type->text, "integer") == 0 || strcmp(type->text, "categorical") == 0)) {
            bo_status status = read_mixed_input(ctx, item, sub, type, &cfg->inputs[i]);
            if (status != BO_OK)
                return status;
            continue;
        }
        bo_status status = walk_map(ctx, input_fields, item, &cfg->inputs[i], sub);
        if (status != BO_OK)
            return status;
    }
    return BO_OK;
}

static bo_status h_sources(load_ctx *ctx, const field *f, const bo_yaml_node *node, void *dst,
                           const char *path)
{
    (void)dst;
    bo_config *cfg = ctx->cfg;
    if (node->kind != BO_YAML_SEQ || node->n == 0)
        return fail_expected(ctx, f, node, path);
    cfg->sources = calloc(node->n, sizeof *cfg->sources);
    if (!cfg->sources)
        return out_of_memory(ctx);
    cfg->n_sources = node->n;
    for (size_t i = 0; i < node->n; i++) {
        char sub[PATH_TEXT];
        item_path(sub, path, i);
        /* SIZE_MAX marks "not given": resolved from initial_design.size later. */
        cfg->sources[i].initial = SIZE_MAX;
        bo_status status = walk_map(ctx, source_fields, node->items[i], &cfg->sources[i], sub);
        if (status != BO_OK)
            return status;
    }
    return BO_OK;
}

static bo_status h_constraints(load_ctx *ctx, const field *f, const bo_yaml_node *node,
                               void *dst, const char *path)
{
    (void)dst;
    bo_config *cfg = ctx->cfg;
    if (node->kind != BO_YAML_SEQ || node->n == 0)
        return fail_expected(ctx, f, node, path);
    cfg->constraints = calloc(node->n, sizeof *cfg->constraints);
    if (!cfg->constraints)
        return out_of_memory(ctx);
    cfg->n_constraints = node->n;
    for (size_t i = 0; i < node->n; i++) {
        char sub[PATH_TEXT];
        item_path(sub, path, i);
        cfg->constraints[i].lower = -HUGE_VAL;
        cfg->constraints[i].upper = HUGE_VAL;
        bo_status status =
            walk_map(ctx, constraint_fields, node->items[i], &cfg->constraints[i], sub);
        if (status != BO_OK)
            return status;
    }
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Checks across keys and defaults that depend on other keys.           */

static const bo_yaml_node *node_at(const bo_yaml_node *root, const char *section, const char *key)
{
    const bo_yaml_node *sec = bo_yaml_map_get(root, section);
    return key ? bo_yaml_map_get(sec, key) : sec;
}

static int is_identifier(const char *s)
{
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (const char *p = s + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

static int is_run_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' || c == '+';
}

static int is_run_name(const char *s)
{
    if (!s[0] || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return 0;
    for (const char *p = s; *p; p++)
        if (!is_run_name_char(*p))
            return 0;
    return 1;
}

/* dir + "/" + rel, or a copy of rel when it is already absolute. */
static char *join_path(const char *dir, const char *rel)
{
    size_t ld = strlen(dir), lr = strlen(rel);
    if (rel[0] == '/')
        return strdup(rel);
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        lr -= 2;
    }
    char *out = malloc(ld + lr + 2);
    if (!out)
        return NULL;
    memcpy(out, dir, ld);
    size_t at = ld;
    if (at == 0 || out[at - 1] != '/')
        out[at++] = '/';
    memcpy(out + at, rel, lr + 1);
    return out;
}

static bo_status resolve_name(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    if (cfg->name) {
        if (!is_run_name(cfg->name))
            return fail_at(ctx, bo_yaml_map_get(ctx->root, "name"), "name",
                           "expected a run name made of letters, digits and . _ - + "
                           "(it names the output folder), got '%s'", cfg->name);
        return BO_OK;
    }
    /* Default: the file's name without folder and .yaml/.yml, with any
     * character unsafe in a folder name replaced. */
    const char *slash = strrchr(ctx->file, '/');
    const char *base = slash ? slash + 1 : ctx->file;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".yaml") == 0)
        len -= 5;
    else if (len > 4 && strcmp(base + len - 4, ".yml") == 0)
        len -= 4;
    cfg->name = malloc(len + 4);
    if (!cfg->name)
        return out_of_memory(ctx);
    for (size_t i = 0; i < len; i++)
        cfg->name[i] = is_run_name_char(base[i]) ? base[i] : '_';
    cfg->name[len] = '\0';
    if (!is_run_name(cfg->name))
        strcpy(cfg->name, "run");
    return BO_OK;
}

static bo_status resolve_objective(load_ctx *ctx)
{
    bo_config_objective *obj = &ctx->cfg->objective;
    const bo_yaml_node *sec = node_at(ctx->root, "objective", NULL);
    const bo_yaml_node *plugin = bo_yaml_map_get(sec, "plugin");
    const bo_yaml_node *command = bo_yaml_map_get(sec, "command");

    if (plugin && command) {
        const bo_yaml_node *later =
            plugin->line > command->line ||
                    (plugin->line == command->line && plugin->column > command->column)
                ? plugin
                : command;
        return fail_at(ctx, later, later == plugin ? "objective.plugin" : "objective.command",
                       "expected exactly one of plugin or command, got both");
    }
    if (!plugin && !command && ctx->library && !sec)
        return BO_OK;
    if (!plugin && !command)
        return fail_at(ctx, sec, "objective",
                       "expected exactly one of plugin (a shared object) or command (a program "
                       "and its arguments), got neither");
    const bo_yaml_node *where = plugin ? plugin : command;
    obj->line = where->line;
    obj->column = where->column;
    if (obj->plugin) {
        if (!obj->plugin[0])
            return fail_at(ctx, plugin, "objective.plugin", "expected the path of a shared object, "
                           "got an empty string");
        char *resolved = join_path(ctx->cfg->dir, obj->plugin);
        if (!resolved)
            return out_of_memory(ctx);
        free(obj->plugin);
        obj->plugin = resolved;
    }
    const bo_yaml_node *launcher = bo_yaml_map_get(sec, "launcher");
    if (obj->plugin && obj->launcher)
        return fail_at(ctx, launcher, "objective.launcher",
                       "works with a command objective only: a plugin is called by bo-run "
                       "itself (or its child), there is no program to launch");
    /* A program name without '/' is looked up in PATH, as a shell would. */
    char **programs[] = {obj->command, obj->launcher};
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        char **argv = programs[i];
        if (argv && strchr(argv[0], '/') && argv[0][0] != '/') {
            char *resolved = join_path(ctx->cfg->dir, argv[0]);
            if (!resolved)
                return out_of_memory(ctx);
            free(argv[0]);
            argv[0] = resolved;
        }
    }
    const bo_yaml_node *workers = node_at(ctx->root, "evaluation", "workers");
    if (obj->plugin && !obj->isolate && ctx->cfg->evaluation.workers > 1)
        return fail_at(ctx, workers, "evaluation.workers",
                       "expected 1 with objective.isolate: false, got %zu: a plugin called "
                       "in-process evaluates one point at a time (set isolate: true to run "
                       "%zu evaluations at once in child processes)",
                       ctx->cfg->evaluation.workers, ctx->cfg->evaluation.workers);
    const bo_yaml_node *timeout = node_at(ctx->root, "objective", "timeout");
    if (obj->plugin && !obj->isolate && obj->timeout > 0 && isfinite(obj->timeout))
        return fail_at(ctx, timeout, "objective.timeout",
                       "cannot be enforced with objective.isolate: false: a plugin called "
                       "in-process cannot be stopped (set isolate: true, the default, or "
                       "remove the timeout)");
    const bo_yaml_node *memory = node_at(ctx->root, "objective", "memory_limit");
    if (obj->plugin && !obj->isolate && obj->memory_limit > 0)
        return fail_at(ctx, memory, "objective.memory_limit",
                       "cannot be enforced with objective.isolate: false: a limit on a plugin "
                       "called in-process would limit bo-run itself (set isolate: true, the "
                       "default, or remove the memory_limit)");
    return BO_OK;
}

static bo_status resolve_initial_data(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    if (!cfg->initial_data)
        return BO_OK;
    if (!cfg->initial_data[0])
        return fail_at(ctx, bo_yaml_map_get(ctx->root, "initial_data"), "initial_data",
                       "expected the path of a CSV file, got an empty string");
    char *resolved = join_path(cfg->dir, cfg->initial_data);
    if (!resolved)
        return out_of_memory(ctx);
    free(cfg->initial_data);
    cfg->initial_data = resolved;
    return BO_OK;
}

/* The names history.csv uses for its own columns, in its order, for the
 * message that refuses them as input names. history.h owns the rule
 * (bo_history_fixed_column) but exports no list, so this one is filtered
 * through the rule when used, and test_config checks it against the header
 * a history is written with. */
static const char *const history_column_names[] = {
    "eval", "phase", "source", "y", "status", "message", "cost", "cum_cost", "best", "acq",
    "suggest_seconds", "eval_seconds", "worker", "started", "finished", "feasible", NULL};

static void list_history_columns(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; history_column_names[i] && used < len; i++)
        if (bo_history_fixed_column(history_column_names[i]))
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                     history_column_names[i]);
}

typedef struct named_index {
    const char *name;
    size_t index;
} named_index;

static int compare_named_index(const void *a, const void *b)
{
    const named_index *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* For each of n names (the name member of n structs of size bytes from
 * first), the index of the first earlier one equal to it, or SIZE_MAX: by
 * sorting, not by comparing every pair, so that 90,000 inputs or sources
 * are checked at once (the pairs took 15 s). Returns a malloc'd array, or
 * NULL when memory runs out. */
static size_t *earlier_same_names(const void *first, size_t size, size_t name_offset, size_t n)
{
    named_index *sorted = malloc((n ? n : 1) * sizeof *sorted);
    size_t *earlier = malloc((n ? n : 1) * sizeof *earlier);
    if (!sorted || !earlier) {
        free(sorted);
        free(earlier);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name;
        memcpy(&name, (const char *)first + i * size + name_offset, sizeof name);
        sorted[i] = (named_index){name, i};
        earlier[i] = SIZE_MAX;
    }
    qsort(sorted, n, sizeof *sorted, compare_named_index);
    for (size_t i = 1; i < n; i++)
        if (strcmp(sorted[i].name, sorted[i - 1].name) == 0)
            earlier[sorted[i].index] = earlier[sorted[i - 1].index] != SIZE_MAX
                                           ? earlier[sorted[i - 1].index]
                                           : sorted[i - 1].index;
    free(sorted);
    return earlier;
}

/* inputs[i] (its node item), whose name first appears earlier at inputs[same]
 * (SIZE_MAX: it does not). */
static bo_status check_input(load_ctx *ctx, const bo_yaml_node *item, size_t i, size_t same)
{
    const bo_config *cfg = ctx->cfg;
    const bo_config_input *in = &cfg->inputs[i];
    char path[PATH_TEXT];
    if (!is_identifier(in->name)) {
        snprintf(path, sizeof path, "inputs[%zu].name", i);
        return fail_at(ctx, bo_yaml_map_get(item, "name"), path,
                       "expected an identifier (letters, digits, _; not starting with a "
                       "digit), got '%s'", in->name);
    }
    /* Input names are history.csv's column headers as they are (users
     * open it in spreadsheets), so they cannot take the history's own. */
    if (bo_history_fixed_column(in->name)) {
        char reserved[300];
        list_history_columns(reserved, sizeof reserved);
        snprintf(path, sizeof path, "inputs[%zu].name", i);
        return fail_at(ctx, bo_yaml_map_get(item, "name"), path,
                       "'%s' names a column of history.csv; choose another name (reserved: "
                       "%s)", in->name, reserved);
    }
    if (same != SIZE_MAX) {
        snprintf(path, sizeof path, "inputs[%zu].name", i);
        return fail_at(ctx, bo_yaml_map_get(item, "name"), path,
                       "expected a unique name, got '%s' again (inputs[%zu])", in->name, same);
    }
    if (!(in->lower < in->upper)) {
        snprintf(path, sizeof path, "inputs[%zu].upper", i);
        return fail_at(ctx, bo_yaml_map_get(item, "upper"), path,
                       "expected a number > lower (%g), got %g", in->lower, in->upper);
    }
    if (in->scale == BO_CONFIG_SCALE_LOG && !(in->lower > 0.0)) {
        snprintf(path, sizeof path, "inputs[%zu].lower", i);
        return fail_at(ctx, bo_yaml_map_get(item, "lower"), path,
                       "expected a number > 0 with scale: log, got %g", in->lower);
    }
    return BO_OK;
}

/* constraints[i] (item: its node), whose name first appears earlier at
 * constraints[same] (SIZE_MAX: it does not). Constraint names become
 * columns of history.csv and command output keys, so they follow the
 * rules of input names and may not be one. */
static bo_status check_constraint(load_ctx *ctx, const bo_yaml_node *item, size_t i,
                                  size_t same)
{
    const bo_config *cfg = ctx->cfg;
    const bo_config_constraint *c = &cfg->constraints[i];
    char path[PATH_TEXT];
    snprintf(path, sizeof path, "constraints[%zu].name", i);
    const bo_yaml_node *name = bo_yaml_map_get(item, "name");
    if (!is_identifier(c->name))
        return fail_at(ctx, name, path,
                       "expected an identifier (letters, digits, _; not starting with a "
                       "digit), got '%s'", c->name);
    if (bo_history_fixed_column(c->name)) {
        char reserved[300];
        list_history_columns(reserved, sizeof reserved);
        return fail_at(ctx, name, path,
                       "'%s' names a column of history.csv; choose another name (reserved: "
                       "%s)", c->name, reserved);
    }
    for (size_t k = 0; k < cfg->n_inputs; k++)
        if (strcmp(cfg->inputs[k].name, c->name) == 0)
            return fail_at(ctx, name, path,
                           "'%s' is the name of inputs[%zu]; an output needs a name of its own",
                           c->name, k);
    if (same != SIZE_MAX)
        return fail_at(ctx, name, path, "expected a unique name, got '%s' again (constraints[%zu])",
                       c->name, same);
    const bo_yaml_node *lower = bo_yaml_map_get(item, "lower");
    const bo_yaml_node *upper = bo_yaml_map_get(item, "upper");
    if (!lower && !upper) {
        snprintf(path, sizeof path, "constraints[%zu]", i);
        return fail_at(ctx, item, path, "expected lower, upper or both for '%s', got neither",
                       c->name);
    }
    if (lower && upper && !(c->lower < c->upper)) {
        snprintf(path, sizeof path, "constraints[%zu].upper", i);
        return fail_at(ctx, upper, path, "expected a number > lower (%g), got %g", c->lower,
                       c->upper);
    }
    return BO_OK;
}

static bo_status check_constraints(load_ctx *ctx)
{
    const bo_config *cfg = ctx->cfg;
    if (cfg->n_constraints == 0)
        return BO_OK;
    const bo_yaml_node *list = bo_yaml_map_get(ctx->root, "constraints");
    /* libbo's tell has no way to hand over outputs yet: refused rather
     * than ignored. */
    if (ctx->library)
        return fail_at(ctx, list, "constraints",
                       "output constraints are not supported by the library (bo/bo.h) yet; "
                       "bo-run reads them");
    if (cfg->n_constraints > BO_CONFIG_MAX_CONSTRAINTS)
        return fail_at(ctx, list, "constraints", "expected at most %d constraints, got %zu",
                       BO_CONFIG_MAX_CONSTRAINTS, cfg->n_constraints);
    size_t *earlier = earlier_same_names(cfg->constraints, sizeof *cfg->constraints,
                                         offsetof(bo_config_constraint, name),
                                         cfg->n_constraints);
    if (!earlier)
        return out_of_memory(ctx);
    bo_status status = BO_OK;
    for (size_t i = 0; i < cfg->n_constraints && status == BO_OK; i++)
        status = check_constraint(ctx, list->items[i], i, earlier[i]);
    free(earlier);
    return status;
}

static bo_status check_inputs(load_ctx *ctx)
{
    const bo_config *cfg = ctx->cfg;
    const bo_yaml_node *list = bo_yaml_map_get(ctx->root, "inputs");
    size_t *earlier = earlier_same_names(cfg->inputs, sizeof *cfg->inputs,
                                         offsetof(bo_config_input, name), cfg->n_inputs);
    if (!earlier)
        return out_of_memory(ctx);
    bo_status status = BO_OK;
    for (size_t i = 0; i < cfg->n_inputs && status == BO_OK; i++)
        status = check_input(ctx, list->items[i], i, earlier[i]);
    free(earlier);
    /* A shared latent map has a point per combination of levels. */
    size_t combinations = 1;
    for (size_t i = 0; i < cfg->n_inputs && combinations <= BO_GP_MAX_SHARED_LEVELS; i++)
        if (cfg->inputs[i].kind == BO_VAR_CATEGORICAL)
            combinations *= cfg->inputs[i].n_levels;
    const bo_yaml_node *latent = node_at(ctx->root, "model", "latent");
    if (status == BO_OK && cfg->model.latent == BO_LATENT_SHARED &&
        combinations > BO_GP_MAX_SHARED_LEVELS)
        status = fail_at(ctx, latent, "model.latent",
                         "shared needs at most %d combinations of levels, the inputs have "
                         "more; use per_input", BO_GP_MAX_SHARED_LEVELS);
    return status;
}

/* sources[i].name (item: the entry's node), first given earlier at
 * sources[same] (SIZE_MAX: it is not). */
static bo_status check_source_name(load_ctx *ctx, const bo_yaml_node *item, size_t i,
                                   size_t same)
{
    const char *name = ctx->cfg->sources[i].name;
    char path[PATH_TEXT];
    snprintf(path, sizeof path, "sources[%zu].name", i);
    const bo_yaml_node *where = bo_yaml_map_get(item, "name");
    if (!is_identifier(name))
        return fail_at(ctx, where, path,
                       "expected an identifier (letters, digits, _; not starting with a "
                       "digit), got '%s'", name);
    if (same != SIZE_MAX)
        return fail_at(ctx, where, path,
                       "expected a unique name, got '%s' again (sources[%zu])", name, same);
    return BO_OK;
}

static bo_status resolve_sources(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    const bo_yaml_node *target = bo_yaml_map_get(ctx->root, "target");
    const bo_yaml_node *list = bo_yaml_map_get(ctx->root, "sources");

    if (!list) {
        cfg->sources = calloc(1, sizeof *cfg->sources);
        if (!cfg->sources || !(cfg->sources[0].name = strdup(DEFAULT_SOURCE_NAME)))
            return out_of_memory(ctx);
        cfg->n_sources = 1;
        cfg->sources[0].cost = 1.0;
        cfg->sources[0].initial = SIZE_MAX;
        if (target && strcmp(target->text, DEFAULT_SOURCE_NAME) != 0)
            return fail_at(ctx, target, "target",
                           "expected '%s', the only source when sources: is not given, got '%s'",
                           DEFAULT_SOURCE_NAME, target->text);
        cfg->target = 0;
        return BO_OK;
    }
    size_t *earlier = earlier_same_names(cfg->sources, sizeof *cfg->sources,
                                         offsetof(bo_config_source, name), cfg->n_sources);
    if (!earlier)
        return out_of_memory(ctx);
    bo_status status = BO_OK;
    for (size_t i = 0; i < cfg->n_sources && status == BO_OK; i++)
        status = check_source_name(ctx, list->items[i], i, earlier[i]);
    free(earlier);
    if (status != BO_OK)
        return status;
    if (!target) {
        if (cfg->n_sources > 1)
            return fail_at(ctx, list, "target",
                           "missing; expected the name of the source to optimise (one of the "
                           "%zu sources)", cfg->n_sources);
        cfg->target = 0;
        return BO_OK;
    }
    size_t index = bo_config_source_index(cfg, target->text);
    if (index == SIZE_MAX) {
        for (size_t i = 0; i < cfg->n_sources; i++)
            if (is_close(target->text, cfg->sources[i].name))
                return fail_at(ctx, target, "target",
                               "expected the name of a source, got '%s'; did you mean '%s'?",
                               target->text, cfg->sources[i].name);
        return fail_at(ctx, target, "target", "expected the name of a source, got '%s'",
                       target->text);
    }
    cfg->target = index;
    return BO_OK;
}

static int scores_target_only(int kind) { return !bo_acq_is_multi_source((bo_acq_kind)kind); }

static bo_status resolve_acquisition(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    const bo_yaml_node *type = node_at(ctx->root, "acquisition", "type");
    if (!type) {
        cfg->acquisition.type = cfg->n_sources > 1 ? BO_ACQ_MFCA : BO_ACQ_LOGEI;
    } else if (bo_acq_is_multi_source(cfg->acquisition.type) && cfg->n_sources < 2) {
        char single[200];
        list_names(single, sizeof single, &acq_names, scores_target_only);
        return fail_at(ctx, type, "acquisition.type",
                       "expected %s for a single source, got '%s' (it needs two or more "
                       "sources:)", single, bo_acq_name(cfg->acquisition.type));
    }
    const bo_yaml_node *stall = node_at(ctx->root, "acquisition", "stall_explore");
    int stall_applies =
        cfg->acquisition.type == BO_ACQ_EI || cfg->acquisition.type == BO_ACQ_LOGEI;
    if (stall && cfg->acquisition.stall_explore && !stall_applies)
        return fail_at(ctx, stall, "acquisition.stall_explore",
                       "works with acquisition type ei or logei, not '%s'",
                       bo_acq_name(cfg->acquisition.type));
    if (!stall && !stall_applies)
        cfg->acquisition.stall_explore = 0; /* the default is for EI only */
    /* The region needs one incumbent in one real box. */
    const bo_yaml_node *region = node_at(ctx->root, "acquisition", "trust_region");
    if (region && cfg->acquisition.trust_region) {
        const char *why = cfg->n_sources > 1 ? "more than one source" :
                          cfg->n_constraints > 0 ? "output constraints" : NULL;
        for (size_t j = 0; j < cfg->n_inputs && !why; j++)
            if (cfg->inputs[j].kind != BO_VAR_REAL)
                why = "integer or categorical inputs";
        if (why)
            return fail_at(ctx, region, "acquisition.trust_region",
                           "works with one source, real inputs and no constraints; this "
                           "problem has %s", why);
    }
    const bo_yaml_node *pool = node_at(ctx->root, "acquisition", "pool");
    if (!pool)
        cfg->acquisition.pool =
            cfg->acquisition.starts > DEFAULT_POOL ? cfg->acquisition.starts : DEFAULT_POOL;
    else if (cfg->acquisition.pool < cfg->acquisition.starts)
        return fail_at(ctx, pool, "acquisition.pool",
                       "expected at least acquisition.starts (%zu) candidates, got %zu",
                       cfg->acquisition.starts, cfg->acquisition.pool);
    return BO_OK;
}

/* model.fit_weight belongs to the interval-score fit, whose default weight
 * is GP+'s; under MAP a weight would silently do nothing, so it is refused. */
static bo_status resolve_model_fit(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    const bo_yaml_node *weight = node_at(ctx->root, "model", "fit_weight");
    if (cfg->model.fit != BO_FIT_INTERVAL_SCORE) {
        if (weight)
            return fail_at(ctx, weight, "model.fit_weight",
                           "applies only with model.fit: interval_score");
        cfg->model.fit_weight = 0.0;
    } else if (!weight) {
        cfg->model.fit_weight = BO_GP_FIT_IS_WEIGHT;
    }
    return BO_OK;
}

static int is_not_sobol(int method) { return method != BO_DESIGN_SOBOL; }

/* initial_design.size when neither it nor the budget says otherwise. */
static size_t default_design_size(size_t n_inputs)
{
    size_t want = n_inputs <= (SIZE_MAX - 1) / 2 ? 2 * n_inputs + 1 : SIZE_MAX;
    return want < MIN_INITIAL_SIZE ? MIN_INITIAL_SIZE : want;
}

static bo_status resolve_budget_and_design(load_ctx *ctx)
{
    bo_config *cfg = ctx->cfg;
    bo_config_budget *budget = &cfg->budget;
    const bo_yaml_node *sec = bo_yaml_map_get(ctx->root, "budget");

    if (budget->max_evaluations == SIZE_MAX && budget->max_cost == HUGE_VAL &&
        !(ctx->library && !sec))
        return fail_at(ctx, sec, "budget",
                       "expected max_evaluations or max_cost (or both), so that the run ends");
    budget->has_target_value = bo_yaml_map_get(sec, "target_value") != NULL;

    const bo_yaml_node *size = node_at(ctx->root, "initial_design", "size");
    if (!size) {
        size_t want = default_design_size(cfg->n_inputs);
        /* A default never makes a small budget invalid: the whole budget
         * then goes to the initial design. */
        size_t per_source = budget->max_evaluations / cfg->n_sources;
        if (budget->max_cost != HUGE_VAL) {
            double round_cost = 0.0;    /* one point on every source */
            for (size_t i = 0; i < cfg->n_sources; i++)
                round_cost += cfg->sources[i].cost;
            double affordable = floor(budget->max_cost / round_cost);
            if (affordable < (double)per_source)
                per_source = (size_t)affordable;
        }
        if (per_source < 1)
            per_source = 1;
        if (want > per_source)
            want = per_source;
        cfg->initial_design.size = want;
    }
    if (cfg->initial_design.method == BO_DESIGN_SOBOL && cfg->n_inputs > BO_SOBOL_MAX_DIM) {
        char others[200];
        list_names(others, sizeof others, &design_names, is_not_sobol);
        return fail_at(ctx, node_at(ctx->root, "initial_design", "method"), "initial_design.method",
                       "expected %s for %zu inputs, got sobol (its table covers %d "
                       "dimensions)", others, cfg->n_inputs, BO_SOBOL_MAX_DIM);
    }

    const bo_yaml_node *list = bo_yaml_map_get(ctx->root, "sources");
    size_t total = 0;
    double cost = 0.0;
    for (size_t i = 0; i < cfg->n_sources; i++) {
        if (cfg->sources[i].initial == SIZE_MAX)
            cfg->sources[i].initial = cfg->initial_design.size;
        total += cfg->sources[i].initial;
        cost += (double)cfg->sources[i].initial * cfg->sources[i].cost;
    }
    bo_config_source *t = &cfg->sources[cfg->target];
    if (t->initial == 0) {
        /* Only an explicit "initial: 0" gets here: initial_design.size >= 1,
         * so the implicit source always has points and list is not NULL. */
        char path[PATH_TEXT];
        snprintf(path, sizeof path, "sources[%zu].initial", cfg->target);
        return fail_at(ctx, bo_yaml_map_get(list->items[cfg->target], "initial"), path, "expected at least 1 initial point on the target source '%s', got 0",
                       t->name);
    }
    /* The design side is named for evaluations (sizes are what a user trims);
     * the budget for cost (costs are facts of the simulator). */
    if (total > budget->max_evaluations)
        return fail_at(ctx, list ? list : size, list ? "sources" : "initial_design.size",
                       "the initial design needs %zu evaluations, more than "
                       "budget.max_evaluations (%zu)", total, budget->max_evaluations);
    if (cost > budget->max_cost)
        return fail_at(ctx, bo_yaml_map_get(sec, "max_cost"), "budget.max_cost",
                       "expected at least the initial design's cost (%g: the sources' cost "
                       "times their initial points), got %g", cost, budget->max_cost);
    return BO_OK;
}

static bo_status resolve(load_ctx *ctx)
{
    bo_status status;
    if ((status = resolve_name(ctx)) != BO_OK)
        return status;
    if ((status = resolve_objective(ctx)) != BO_OK)
        return status;
    if ((status = resolve_initial_data(ctx)) != BO_OK)
        return status;
    if ((status = check_inputs(ctx)) != BO_OK)
        return status;
    if ((status = check_constraints(ctx)) != BO_OK)
        return status;
    if ((status = resolve_sources(ctx)) != BO_OK)
        return status;
    if ((status = resolve_acquisition(ctx)) != BO_OK)
        return status;
    if ((status = resolve_model_fit(ctx)) != BO_OK)
        return status;
    return resolve_budget_and_design(ctx);
}

/* ------------------------------------------------------------------ */
/* Loading.                                                             */

void bo_config_init(bo_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->budget.max_evaluations = SIZE_MAX;
    cfg->budget.max_cost = HUGE_VAL;
    cfg->budget.max_no_improvement = SIZE_MAX;
    cfg->budget.max_consecutive_failures = 10;
}

void bo_config_cleanup(bo_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->path);
    free(cfg->dir);
    free(cfg->name);
    free(cfg->objective.plugin);
    if (cfg->objective.command)
        for (size_t i = 0; cfg->objective.command[i]; i++)
            free(cfg->objective.command[i]);
    free(cfg->objective.command);
    for (size_t i = 0; i < cfg->objective.n_launcher; i++)
        free(cfg->objective.launcher[i]);
    free(cfg->objective.launcher);
    for (size_t i = 0; i < cfg->objective.n_params; i++) {
        free(cfg->objective.params[i].key);
        free(cfg->objective.params[i].value);
    }
    free(cfg->objective.params);
    for (size_t i = 0; i < cfg->n_inputs; i++) {
        free(cfg->inputs[i].name);
        for (size_t l = 0; l < cfg->inputs[i].n_levels; l++)
            free(cfg->inputs[i].levels[l]);
        free(cfg->inputs[i].levels);
    }
    free(cfg->inputs);
    for (size_t i = 0; i < cfg->n_sources; i++)
        free(cfg->sources[i].name);
    free(cfg->sources);
    free(cfg->initial_data);
    for (size_t i = 0; i < cfg->n_constraints; i++)
        free(cfg->constraints[i].name);
    free(cfg->constraints);
    for (size_t i = 0; i < cfg->n_places; i++)
        free(cfg->places[i].key);
    free(cfg->places);
    bo_config_init(cfg);
}

static bo_status read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return BO_EIO;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    bo_status status = BO_OK;
    if (!buf) {
        status = BO_ENOMEM;
        goto done;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= CONFIG_MAX_BYTES) {
                if (err && errlen)
                    snprintf(err, errlen, "%s: larger than %u bytes; is this a config file?",
                             path, CONFIG_MAX_BYTES);
                status = BO_EINVAL;
                goto done;
            }
            char *grown = realloc(buf, 2 * cap);
            if (!grown) {
                status = BO_ENOMEM;
                goto done;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        status = BO_EIO;
    }
done:
    fclose(f);
    if (status != BO_OK) {
        if (status == BO_ENOMEM && err && errlen)
            snprintf(err, errlen, "%s: out of memory while reading", path);
        free(buf);
        return status;
    }
    *text = buf;
    *len = n;
    return BO_OK;
}

/* The absolute folder of path, so paths stay valid wherever the resolved
 * config is written and whatever the working directory later is. */
static char *config_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return NULL;
    char *abs = realpath(dir, NULL);
    free(dir);
    return abs;
}

/* Parses and resolves text (len bytes) into *cfg, whose path and dir are
 * set; messages name the place in file. Leaves *cfg empty on failure. */
static bo_status load_text(const char *text, size_t len, const char *file, unsigned flags,
                           bo_config *cfg, char *err, size_t errlen)
{
    bo_yaml_doc doc = {0};
    load_ctx ctx = {file, err, errlen, cfg, NULL, 0, (flags & BO_CONFIG_LIBRARY) != 0};
    bo_status status = bo_yaml_parse(text, len, file, &doc, err, errlen);
    if (status != BO_OK)
        goto fail;
    if (!doc.root || bo_yaml_is_null(doc.root)) {
        status = fail_at(&ctx, doc.root, NULL,
                         ctx.library ? "the text is empty; expected a mapping with at least "
                                       "inputs"
                                     : "the file is empty; expected a mapping with at least "
                                       "objective, inputs and budget");
        goto fail;
    }
    ctx.root = doc.root;
    status = walk_map(&ctx, root_fields, doc.root, cfg, "");
    if (status != BO_OK)
        goto fail;
    status = resolve(&ctx);
    if (status != BO_OK)
        goto fail;
    bo_yaml_doc_cleanup(&doc);
    return BO_OK;

fail:
    bo_yaml_doc_cleanup(&doc);
    bo_config_cleanup(cfg);
    return status;
}

bo_status bo_config_load_flags(const char *path, unsigned flags, bo_config *cfg, char *err,
                               size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    bo_status status;

    bo_config_init(cfg);
    if (err && errlen)
        err[0] = '\0';
    status = read_file(path, &text, &len, err, errlen);
    if (status != BO_OK)
        return status;
    cfg->path = strdup(path);
    cfg->dir = config_dir(path);
    if (!cfg->path || !cfg->dir) {
        status = cfg->path ? BO_EIO : BO_ENOMEM;
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot resolve the config's folder: %s", path,
                     strerror(errno));
        free(text);
        bo_config_cleanup(cfg);
        return status;
    }
    status = load_text(text, len, path, flags, cfg, err, errlen);
    free(text);
    return status;
}

bo_status bo_config_load(const char *path, bo_config *cfg, char *err, size_t errlen)
{
    return bo_config_load_flags(path, 0u, cfg, err, errlen);
}

bo_status bo_config_load_text(const char *text, size_t len, const char *name, unsigned flags,
                              bo_config *cfg, char *err, size_t errlen)
{
    bo_config_init(cfg);
    if (err && errlen)
        err[0] = '\0';
    /* Relative paths in the text (a plugin, initial_data) are read from
     * the working folder, as a file there would have them. */
    cfg->path = strdup(name);
    cfg->dir = realpath(".", NULL);
    if (!cfg->path || !cfg->dir) {
        bo_status status = cfg->path ? BO_EIO : BO_ENOMEM;
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot resolve the working folder: %s", name,
                     strerror(errno));
        bo_config_cleanup(cfg);
        return status;
    }
    return load_text(text, len, name, flags, cfg, err, errlen);
}

const char *bo_config_format_input(const bo_config_input *in, double x, char *buf, size_t len)
{
    if (in->kind == BO_VAR_CATEGORICAL && x >= 0 && x < (double)in->n_levels && x == floor(x))
        return in->levels[(size_t)x];
    snprintf(buf, len, "%.10g", x);
    return buf;
}

void bo_config_engine_options(const bo_config *cfg, bo_engine_options *eo, double *costs,
                              size_t *initial, bo_var_kind *kind, size_t *n_values)
{
    bo_engine_options_default(eo, cfg->n_inputs);
    for (size_t j = 0; j < cfg->n_inputs; j++) {
        const bo_config_input *in = &cfg->inputs[j];
        kind[j] = in->kind;
        n_values[j] = in->kind == BO_VAR_REAL ? 0 : (size_t)(in->upper - in->lower) + 1;
        if (in->kind != BO_VAR_REAL) {
            eo->kind = kind;
            eo->n_values = n_values;
        }
    }
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
    eo->output_transform = cfg->model.output_transform;
    eo->latent_mode = cfg->model.latent;
    eo->fit_criterion = cfg->model.fit;
    eo->fit_weight = cfg->model.fit_weight;
    eo->ucb_beta = cfg->acquisition.beta;
    eo->mfca_target_ei = cfg->acquisition.target_ei;
    eo->explore_budget = cfg->acquisition.explore_budget;
    eo->stall_explore = cfg->acquisition.stall_explore;
    eo->trust_region = cfg->acquisition.trust_region;
    eo->failure_model = cfg->acquisition.failure_model;
    eo->acq_pool = cfg->acquisition.pool;
    eo->acq_enumerate = cfg->acquisition.enumerate;
    eo->acq_starts = cfg->acquisition.starts;
    eo->seed = cfg->seed;
}

/* ------------------------------------------------------------------ */
/* Writing the resolved config.                                         */

/* Shortest text that strtod reads back as exactly v. */
static void format_double(char *buf, size_t len, double v)
{
    /* Whole numbers as such: "10", not "1e+01" (exact below 2^53). */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, len, "%.0f", v);
        return;
    }
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(buf, len, "%.*g", precision, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* A double-quoted YAML scalar that reads back as s, whatever s holds.
 * Besides the ASCII controls, some characters cannot stand as they are
 * inside quotes: NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line
 * breaks to YAML (folded into a space on reading), and the C1 controls,
 * U+FFFE and U+FFFF are refused by libyaml. Their escapes give the same
 * characters back. (Loaded text is valid UTF-8: libyaml checks it.) */
static void write_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '\r': fputs("\\r", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(out, "\\x%02x", *p);
            } else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
                fprintf(out, "\\x%02x", p[1]);        /* U+0080..U+009F, NEL included */
                p++;
            } else if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
                fputs(p[2] == 0xA8 ? "\\L" : "\\P", out);
                p += 2;
            } else if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
                fputs(p[2] == 0xBE ? "\\uFFFE" : "\\uFFFF", out);
                p += 2;
            } else {
                fputc(*p, out);
            }
        }
    }
    fputc('"', out);
}

/* prefix, then the strings as a YAML flow list ("[]" when there are none). */
static void write_list(FILE *out, const char *prefix, char *const *items, size_t n)
{
    fputs(prefix, out);
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", out);
        write_quoted(out, items[i]);
    }
    fputs("]\n", out);
}

bo_status bo_config_write_resolved(const bo_config *cfg, FILE *out)
{
    char num[2][40];
    fputs("# bo-run configuration as resolved: every default written out, paths absolute.\n", out);
    fputs("name: ", out);
    write_quoted(out, cfg->name);
    fprintf(out, "\nseed: %llu\n", (unsigned long long)cfg->seed);
    fprintf(out, "goal: %s\n", bo_config_goal_name(cfg->goal));

    fputs("objective:\n", out);
    if (cfg->objective.plugin) {
        fputs("  plugin: ", out);
        write_quoted(out, cfg->objective.plugin);
        fputc('\n', out);
    }
    if (cfg->objective.command)
        write_list(out, "  command: ", cfg->objective.command, cfg->objective.n_command);
    write_list(out, "  launcher: ", cfg->objective.launcher, cfg->objective.n_launcher);
    if (cfg->objective.n_params == 0)
        fputs("  params: {}\n", out);
    else
        fputs("  params:\n", out);
    for (size_t i = 0; i < cfg->objective.n_params; i++) {
        fputs("    ", out);
        write_quoted(out, cfg->objective.params[i].key);
        fputs(": ", out);
        write_quoted(out, cfg->objective.params[i].value);
        fputc('\n', out);
    }
    format_double(num[0], sizeof num[0], cfg->objective.timeout);
    fprintf(out, "  timeout: %s    # seconds; 0 = no limit\n", num[0]);
    fprintf(out, "  memory_limit: %llu    # bytes of address space per evaluation; 0 = no "
                 "limit\n", cfg->objective.memory_limit);
    fprintf(out, "  isolate: %s\n", cfg->objective.isolate ? "true" : "false");

    fputs("inputs:\n", out);
    for (size_t i = 0; i < cfg->n_inputs; i++) {
        const bo_config_input *in = &cfg->inputs[i];
        format_double(num[0], sizeof num[0], in->lower);
        format_double(num[1], sizeof num[1], in->upper);
        fputs("  - {name: ", out);
        write_quoted(out, in->name);
        if (in->kind == BO_VAR_CATEGORICAL) {
            fputs(", type: categorical, levels: [", out);
            for (size_t l = 0; l < in->n_levels; l++) {
                if (l)
                    fputs(", ", out);
                write_quoted(out, in->levels[l]);
            }
            fputs("]}\n", out);
        } else if (in->kind == BO_VAR_INTEGER) {
            fprintf(out, ", type: integer, lower: %s, upper: %s}\n", num[0], num[1]);
        } else {
            fprintf(out, ", lower: %s, upper: %s, scale: %s}\n", num[0], num[1],
                    bo_config_scale_name(in->scale));
        }
    }
    if (cfg->n_constraints > 0) {
        fputs("constraints:\n", out);
        for (size_t i = 0; i < cfg->n_constraints; i++) {
            const bo_config_constraint *c = &cfg->constraints[i];
            fputs("  - {name: ", out);
            write_quoted(out, c->name);
            if (isfinite(c->lower)) {
                format_double(num[0], sizeof num[0], c->lower);
                fprintf(out, ", lower: %s", num[0]);
            }
            if (isfinite(c->upper)) {
                format_double(num[0], sizeof num[0], c->upper);
                fprintf(out, ", upper: %s", num[0]);
            }
            fputs("}\n", out);
        }
    } else {
        fputs("# constraints: none\n", out);
    }
    fputs("sources:\n", out);
    for (size_t i = 0; i < cfg->n_sources; i++) {
        const bo_config_source *s = &cfg->sources[i];
        format_double(num[0], sizeof num[0], s->cost);
        fputs("  - {name: ", out);
        write_quoted(out, s->name);
        fprintf(out, ", cost: %s, initial: %zu}\n", num[0], s->initial);
    }
    fputs("target: ", out);
    write_quoted(out, cfg->sources[cfg->target].name);
    fputc('\n', out);

    fputs("model:\n", out);
    fprintf(out, "  kernel: %s\n", bo_kernel_name(cfg->model.kernel));
    if (cfg->model.noise == BO_NOISE_FIXED) {
        format_double(num[0], sizeof num[0], cfg->model.noise_var);
        fprintf(out, "  noise: %s\n", num[0]);
    } else {
        fprintf(out, "  noise: %s\n",
                cfg->model.noise == BO_NOISE_PER_SOURCE ? "per_source" : "learn");
    }
    fprintf(out, "  mean: %s\n", bo_config_mean_name(cfg->model.mean));
    fprintf(out, "  restarts: %zu\n", cfg->model.restarts);
    fprintf(out, "  output_transform: %s\n", transform_name(cfg->model.output_transform));
    fprintf(out, "  latent: %s\n", latent_name(cfg->model.latent));
    fprintf(out, "  fit: %s\n", fit_name(cfg->model.fit));
    if (cfg->model.fit == BO_FIT_INTERVAL_SCORE) {
        format_double(num[0], sizeof num[0], cfg->model.fit_weight);
        fprintf(out, "  fit_weight: %s\n", num[0]);
    }

    format_double(num[0], sizeof num[0], cfg->acquisition.beta);
    format_double(num[1], sizeof num[1], cfg->acquisition.explore_budget);
    fprintf(out, "acquisition:\n  type: %s\n  starts: %zu\n  pool: %zu\n  beta: %s\n"
                 "  target_ei: %s\n  explore_budget: %s\n  stall_explore: %s\n"
                 "  trust_region: %s\n  failure_model: %s\n  enumerate: %zu\n",
            bo_acq_name(cfg->acquisition.type), cfg->acquisition.starts,
            cfg->acquisition.pool, num[0], cfg->acquisition.target_ei ? "true" : "false",
            num[1], cfg->acquisition.stall_explore ? "true" : "false",
            cfg->acquisition.trust_region ? "true" : "false",
            name_of(&failure_names, (int)cfg->acquisition.failure_model),
            cfg->acquisition.enumerate);
    fprintf(out, "initial_design:\n  method: %s\n  size: %zu\n",
            bo_design_name(cfg->initial_design.method), cfg->initial_design.size);

    fputs("budget:\n", out);
    if (cfg->budget.max_evaluations != SIZE_MAX)
        fprintf(out, "  max_evaluations: %zu\n", cfg->budget.max_evaluations);
    else
        fputs("  # max_evaluations: no limit\n", out);
    if (cfg->budget.max_cost != HUGE_VAL) {
        format_double(num[0], sizeof num[0], cfg->budget.max_cost);
        fprintf(out, "  max_cost: %s\n", num[0]);
    } else {
        fputs("  # max_cost: no limit\n", out);
    }
    if (cfg->budget.max_no_improvement != SIZE_MAX)
        fprintf(out, "  max_no_improvement: %zu\n", cfg->budget.max_no_improvement);
    else
        fputs("  # max_no_improvement: no limit\n", out);
    fprintf(out, "  max_consecutive_failures: %zu    # 0 = no limit\n",
            cfg->budget.max_consecutive_failures);
    if (cfg->budget.has_target_value) {
        format_double(num[0], sizeof num[0], cfg->budget.target_value);
        fprintf(out, "  target_value: %s\n", num[0]);
    } else {
        fputs("  # target_value: none\n", out);
    }
    fprintf(out, "output:\n  plot: %s\n", bo_plot_format_name(cfg->output.plot));
    fprintf(out, "evaluation:\n  workers: %zu\n", cfg->evaluation.workers);
    if (cfg->initial_data) {
        fputs("initial_data: ", out);
        write_quoted(out, cfg->initial_data);
        fputc('\n', out);
    } else {
        fputs("# initial_data: none\n", out);
    }

    if (fflush(out) != 0 || ferror(out))
        return BO_EIO;
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* Comparison and accessors.                                            */

static int same_text(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Records which key differs; always returns 0 ("not equal"). */
static int differs(char *what, size_t whatlen, const char *fmt, ...)
{
    if (what && whatlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, whatlen, fmt, ap);
        va_end(ap);
    }
    return 0;
}

static int same_list(char *const *a, size_t na, char *const *b, size_t nb, size_t *first)
{
    if (na != nb || (a == NULL) != (b == NULL)) {
        *first = SIZE_MAX;
        return 0;
    }
    for (size_t i = 0; i < na; i++)
        if (!same_text(a[i], b[i])) {
            *first = i;
            return 0;
        }
    return 1;
}

/* A differing initial design when the budget may differ: the default size
 * follows the budget (resolve_budget_and_design), so a larger budget can
 * change a design nobody wrote; say how to keep the run's. */
static int design_differs(char *what, size_t whatlen, unsigned ignore, const char *key,
                          const char *written_as, size_t run, size_t now)
{
    if (!(ignore & BO_CONFIG_IGNORE_BUDGET))
        return differs(what, whatlen, "%s", key);
    return differs(what, whatlen,
                   "%s (the run has %zu, this config %zu; when not written it follows the "
                   "budget: write %s: %zu to keep the run's)", key, run, now, written_as, run);
}

int bo_config_equal_ignoring(const bo_config *a, const bo_config *b, unsigned ignore,
                             char *what, size_t whatlen)
{
    size_t first;
    if (what && whatlen)
        what[0] = '\0';
    if (!same_text(a->name, b->name))
        return differs(what, whatlen, "name");
    if (a->seed != b->seed)
        return differs(what, whatlen, "seed");
    if (a->goal != b->goal)
        return differs(what, whatlen, "goal");
    if (!same_text(a->objective.plugin, b->objective.plugin))
        return differs(what, whatlen, "objective.plugin");
    if (!same_list(a->objective.command, a->objective.n_command, b->objective.command,
                   b->objective.n_command, &first))
        return first == SIZE_MAX ? differs(what, whatlen, "objective.command")
                                 : differs(what, whatlen, "objective.command[%zu]", first);
    if (!(ignore & BO_CONFIG_IGNORE_EVALUATION) &&
        !same_list(a->objective.launcher, a->objective.n_launcher, b->objective.launcher,
                   b->objective.n_launcher, &first))
        return first == SIZE_MAX ? differs(what, whatlen, "objective.launcher")
                                 : differs(what, whatlen, "objective.launcher[%zu]", first);
    if (a->objective.n_params != b->objective.n_params)
        return differs(what, whatlen, "objective.params");
    for (size_t i = 0; i < a->objective.n_params; i++)
        if (!same_text(a->objective.params[i].key, b->objective.params[i].key) ||
            !same_text(a->objective.params[i].value, b->objective.params[i].value))
            return differs(what, whatlen, "objective.params (entry %zu)", i);
    if (a->objective.timeout != b->objective.timeout)
        return differs(what, whatlen, "objective.timeout");
    if (a->objective.isolate != b->objective.isolate)
        return differs(what, whatlen, "objective.isolate");
    if (!(ignore & BO_CONFIG_IGNORE_EVALUATION) &&
        a->objective.memory_limit != b->objective.memory_limit)
        return differs(what, whatlen, "objective.memory_limit");
    if (a->n_inputs != b->n_inputs)
        return differs(what, whatlen, "inputs");
    for (size_t i = 0; i < a->n_inputs; i++) {
        const bo_config_input *x = &a->inputs[i], *y = &b->inputs[i];
        int same_levels = x->kind == y->kind && x->n_levels == y->n_levels;
        for (size_t l = 0; same_levels && l < x->n_levels; l++)
            same_levels = same_text(x->levels[l], y->levels[l]);
        if (!same_text(x->name, y->name) || x->lower != y->lower || x->upper != y->upper ||
            x->scale != y->scale || !same_levels)
            return differs(what, whatlen, "inputs[%zu]", i);
    }
    if (a->n_constraints != b->n_constraints)
        return differs(what, whatlen, "constraints");
    for (size_t i = 0; i < a->n_constraints; i++) {
        const bo_config_constraint *x = &a->constraints[i], *y = &b->constraints[i];
        if (!same_text(x->name, y->name) || x->lower != y->lower || x->upper != y->upper)
            return differs(what, whatlen, "constraints[%zu]", i);
    }
    if (a->n_sources != b->n_sources)
        return differs(what, whatlen, "sources");
    for (size_t i = 0; i < a->n_sources; i++) {
        const bo_config_source *x = &a->sources[i], *y = &b->sources[i];
        char key[40];
        snprintf(key, sizeof key, "sources[%zu]", i);
        if (!same_text(x->name, y->name) || x->cost != y->cost)
            return differs(what, whatlen, "%s", key);
        if (x->initial != y->initial)
            return design_differs(what, whatlen, ignore, key, "initial", x->initial, y->initial);
    }
    if (a->target != b->target)
        return differs(what, whatlen, "target");
    if (a->model.kernel != b->model.kernel)
        return differs(what, whatlen, "model.kernel");
    if (a->model.noise != b->model.noise || a->model.noise_var != b->model.noise_var)
        return differs(what, whatlen, "model.noise");
    if (a->model.mean != b->model.mean)
        return differs(what, whatlen, "model.mean");
    if (a->model.restarts != b->model.restarts)
        return differs(what, whatlen, "model.restarts");
    if (a->model.output_transform != b->model.output_transform)
        return differs(what, whatlen, "model.output_transform");
    if (a->model.latent != b->model.latent)
        return differs(what, whatlen, "model.latent");
    if (a->model.fit != b->model.fit || a->model.fit_weight != b->model.fit_weight)
        return differs(what, whatlen, "model.fit");
    if (a->acquisition.type != b->acquisition.type)
        return differs(what, whatlen, "acquisition.type");
    if (a->acquisition.starts != b->acquisition.starts)
        return differs(what, whatlen, "acquisition.starts");
    if (a->acquisition.pool != b->acquisition.pool)
        return differs(what, whatlen, "acquisition.pool");
    if (a->acquisition.enumerate != b->acquisition.enumerate)
        return differs(what, whatlen, "acquisition.enumerate");
    if (a->acquisition.beta != b->acquisition.beta)
        return differs(what, whatlen, "acquisition.beta");
    if (a->acquisition.target_ei != b->acquisition.target_ei)
        return differs(what, whatlen, "acquisition.target_ei");
    if (a->acquisition.explore_budget != b->acquisition.explore_budget)
        return differs(what, whatlen, "acquisition.explore_budget");
    if (a->acquisition.stall_explore != b->acquisition.stall_explore)
        return differs(what, whatlen, "acquisition.stall_explore");
    if (a->acquisition.trust_region != b->acquisition.trust_region)
        return differs(what, whatlen, "acquisition.trust_region");
    if (a->acquisition.failure_model != b->acquisition.failure_model)
        return differs(what, whatlen, "acquisition.failure_model");
    if (a->initial_design.method != b->initial_design.method)
        return differs(what, whatlen, "initial_design.method");
    if (a->initial_design.size != b->initial_design.size)
        return design_differs(what, whatlen, ignore, "initial_design.size", "initial_design.size",
                              a->initial_design.size, b->initial_design.size);
    if (!(ignore & BO_CONFIG_IGNORE_BUDGET)) {
        if (a->budget.max_evaluations != b->budget.max_evaluations)
            return differs(what, whatlen, "budget.max_evaluations");
        if (a->budget.max_cost != b->budget.max_cost)
            return differs(what, whatlen, "budget.max_cost");
        if (a->budget.max_no_improvement != b->budget.max_no_improvement)
            return differs(what, whatlen, "budget.max_no_improvement");
        if (a->budget.max_consecutive_failures != b->budget.max_consecutive_failures)
            return differs(what, whatlen, "budget.max_consecutive_failures");
        if (a->budget.has_target_value != b->budget.has_target_value ||
            (a->budget.has_target_value && a->budget.target_value != b->budget.target_value))
            return differs(what, whatlen, "budget.target_value");
    }
    if (a->output.plot != b->output.plot)
        return differs(what, whatlen, "output.plot");
    if (!(ignore & BO_CONFIG_IGNORE_EVALUATION) && a->evaluation.workers != b->evaluation.workers)
        return differs(what, whatlen, "evaluation.workers");
    if (!same_text(a->initial_data, b->initial_data))
        return differs(what, whatlen, "initial_data");
    return 1;
}

int bo_config_equal(const bo_config *a, const bo_config *b, char *what, size_t whatlen)
{
    return bo_config_equal_ignoring(a, b, 0, what, whatlen);
}

int bo_config_place(const bo_config *cfg, const char *key, size_t *line, size_t *column)
{
    for (size_t i = 0; i < cfg->n_places; i++)
        if (strcmp(cfg->places[i].key, key) == 0) {
            *line = cfg->places[i].line;
            *column = cfg->places[i].column;
            return 1;
        }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Warnings.                                                            */

typedef struct warning_list {
    const bo_config *cfg;
    char *buf;
    size_t len, used, count;
} warning_list;

/* Appends "FILE:LINE:COLUMN: KEY: warning: ...\n" (without the place when
 * the file does not write key); counts the warning even when it does not
 * fit. */
static void add_warning(warning_list *w, const char *key, const char *fmt, ...)
{
    w->count++;
    if (!w->buf || w->used + 1 >= w->len)
        return;
    size_t line, column;
    char *at = w->buf + w->used;
    size_t room = w->len - w->used;
    int n = bo_config_place(w->cfg, key, &line, &column)
                ? snprintf(at, room, "%s:%zu:%zu: %s: warning: ", w->cfg->path, line, column, key)
                : snprintf(at, room, "%s: %s: warning: ", w->cfg->path, key);
    if (n < 0 || (size_t)n >= room) {
        w->used = w->len - 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(at + n, room - (size_t)n, fmt, ap);
    va_end(ap);
    size_t end = m < 0 ? (size_t)n : (size_t)n + (size_t)m;
    if (end + 1 >= room) {
        w->used = w->len - 1;
        w->buf[w->used] = '\0';
        return;
    }
    at[end] = '\n';
    at[end + 1] = '\0';
    w->used += end + 1;
}

/* How the initial design got its size, naming the keys that set it. */
static void describe_design(const bo_config *cfg, char *buf, size_t len)
{
    size_t line, column, used;
    if (bo_config_place(cfg, "initial_design.size", &line, &column))
        used = (size_t)snprintf(buf, len, "initial_design.size %zu at line %zu, column %zu",
                                cfg->initial_design.size, line, column);
    else if (cfg->initial_design.size < default_design_size(cfg->n_inputs))
        used = (size_t)snprintf(buf, len,
                                "initial_design.size not written: its default for %zu input%s, "
                                "%zu, cut to %zu to fit the budget", cfg->n_inputs,
                                cfg->n_inputs == 1 ? "" : "s",
                                default_design_size(cfg->n_inputs), cfg->initial_design.size);
    else
        used = (size_t)snprintf(buf, len, "initial_design.size not written: its default %zu",
                                cfg->initial_design.size);
    if (cfg->n_sources > 1 && used < len)
        snprintf(buf + used, len - used, ", per source unless sources[i].initial says otherwise");
}

/* Warns when the initial design spends the whole budget: the run would then
 * stop before the model chooses a single point. The cost test mirrors
 * bo-run's stopping rules: stop once the cumulative cost reaches max_cost,
 * and before an evaluation that would exceed it (both with a relative slack
 * of 1e-12 for rounding in the sum of costs). */
static void warn_no_model_step(warning_list *w)
{
    const bo_config *cfg = w->cfg;
    const bo_config_budget *b = &cfg->budget;
    char design[300];
    describe_design(cfg, design, sizeof design);

    size_t evaluations = bo_config_initial_evaluations(cfg);
    if (b->max_evaluations != SIZE_MAX && evaluations >= b->max_evaluations)
        add_warning(w, "budget.max_evaluations",
                    "the budget leaves no model-based step: the initial design takes all %zu "
                    "evaluations (%s); raise max_evaluations or write a smaller "
                    "initial_design.size", b->max_evaluations, design);

    if (b->max_cost == HUGE_VAL)
        return;
    /* The cheapest evaluation the model may choose: any source for a
     * multi-source acquisition, else the target. */
    size_t cheapest = cfg->target;
    if (bo_acq_is_multi_source(cfg->acquisition.type))
        for (size_t s = 0; s < cfg->n_sources; s++)
            if (cfg->sources[s].cost < cfg->sources[cheapest].cost)
                cheapest = s;
    double spent = bo_config_initial_cost(cfg), next = cfg->sources[cheapest].cost;
    if (spent >= b->max_cost * (1 - 1e-12) || spent + next > b->max_cost * (1 + 1e-12))
        add_warning(w, "budget.max_cost",
                    "the budget leaves no model-based step: the initial design costs %g of "
                    "max_cost %g (%s), and the cheapest evaluation the model could choose, on "
                    "source '%s', costs %g; raise max_cost to at least %g", spent, b->max_cost,
                    design, cfg->sources[cheapest].name, next, spent + next);
}

size_t bo_config_warnings(const bo_config *cfg, char *buf, size_t len)
{
    warning_list w = {cfg, len ? buf : NULL, len, 0, 0};
    if (w.buf)
        w.buf[0] = '\0';
    warn_no_model_step(&w);
    return w.count;
}

int bo_config_constraint_holds(const bo_config_constraint *c, double value)
{
    return value >= c->lower && value <= c->upper;
}

size_t bo_config_dim(const bo_config *cfg) { return cfg->n_inputs; }
size_t bo_config_target_index(const bo_config *cfg) { return cfg->target; }

size_t bo_config_source_index(const bo_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_sources; i++)
        if (strcmp(cfg->sources[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

size_t bo_config_initial_evaluations(const bo_config *cfg)
{
    size_t total = 0;
    for (size_t i = 0; i < cfg->n_sources; i++)
        total += cfg->sources[i].initial;
    return total;
}

double bo_config_initial_cost(const bo_config *cfg)
{
    double cost = 0.0;
    for (size_t i = 0; i < cfg->n_sources; i++)
        cost += (double)cfg->sources[i].initial * cfg->sources[i].cost;
    return cost;
}
