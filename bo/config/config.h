#ifndef BO_CONFIG_CONFIG_H
#define BO_CONFIG_CONFIG_H

/* The run configuration (SPEC §3): a YAML file loaded into a bo_config with
 * every default filled in and every value checked, so the rest of bo-run can
 * use the struct without re-validating it. docs/config.md is the user's
 * reference for each key; the comments here say what the driver may rely on.
 *
 * Invariants after a successful bo_config_load:
 *   - n_inputs >= 1; every input has lower < upper, both finite, and
 *     lower > 0 when scale is log; integer and categorical inputs as
 *     bo_config_input says; input names are unique identifiers
 *     ([A-Za-z_][A-Za-z0-9_]*, usable as CSV columns and environment names)
 *     and none is a column of history.csv (bo_history_fixed_column).
 *   - n_sources >= 1 (one implicit source "f" with cost 1 when the file has
 *     no sources:); names unique identifiers; cost > 0 and finite;
 *     target < n_sources and sources[target].initial >= 1.
 *   - exactly one of objective.plugin / objective.command is non-NULL;
 *     paths in them are absolute when they were relative in the file
 *     (resolved against the config file's folder).
 *   - the initial design (sum of sources[i].initial) fits in
 *     budget.max_evaluations and its cost in budget.max_cost.
 *   - at least one of budget.max_evaluations / budget.max_cost is limited.
 *   - objective.launcher is NULL unless the objective is a command;
 *     evaluation.workers is 1 when a plugin runs in-process (isolate false).
 *
 * Ownership: the struct owns every pointer in it; bo_config_cleanup frees
 * them all. The driver may change plain fields afterwards (e.g. seed from
 * --seed) but must not free or replace the owned pointers. */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "acquisition/acquisition.h"
#include "acquisition/mixed_search.h"
#include "bo/engine/design.h"
#include "bo/engine/engine.h"
#include "bo/io/plot.h"
#include "gp/bo_status.h"
#include "gp/gp.h"
#include "gp/gp_kernel.h"

typedef enum bo_config_goal {
    BO_CONFIG_MINIMIZE = 0,
    BO_CONFIG_MAXIMIZE
} bo_config_goal;

typedef enum bo_config_scale {
    BO_CONFIG_SCALE_LINEAR = 0,
    BO_CONFIG_SCALE_LOG         /* the engine works on log(x); lower > 0 */
} bo_config_scale;

/* One entry of objective.params, both sides as text exactly as written. */
typedef struct bo_config_param {
    char *key;
    char *value;
} bo_config_param;

/* inputs[i]. kind BO_VAR_REAL: lower < upper in the user's units. kind
 * BO_VAR_INTEGER: lower < upper are integers (within 2^53), scale linear.
 * kind BO_VAR_CATEGORICAL: levels holds n_levels >= 2 distinct non-empty
 * names (at most BO_GP_MAX_LEVELS), lower = 0 and upper = n_levels - 1 (a
 * level's user value is its index), scale linear; levels is NULL for the
 * other kinds. */
typedef struct bo_config_input {
    char *name;
    double lower;
    double upper;
    bo_config_scale scale;
    bo_var_kind kind;
    char **levels;
    size_t n_levels;
} bo_config_input;

typedef struct bo_config_source {
    char *name;
    double cost;            /* cost of one evaluation, > 0, in the user's unit */
    size_t initial;         /* points of the initial design evaluated on this source */
} bo_config_source;

/* One entry of constraints: an extra output of the objective, named like an
 * input, that must lie within [lower, upper] for a point to be feasible.
 * At least one bound is finite; the absent one is -INFINITY or INFINITY;
 * lower < upper. */
/* The most constraints a config may have: what one objective evaluation
 * returns (bo/bo_plugin.h's outputs). */
#define BO_CONFIG_MAX_CONSTRAINTS 16

typedef struct bo_config_constraint {
    char *name;
    double lower;
    double upper;
} bo_config_constraint;

typedef struct bo_config_objective {
    char *plugin;           /* path of the shared object, or NULL */
    char **command;         /* argv, NULL-terminated (execvp-ready), or NULL */
    size_t n_command;       /* entries of command before the NULL */
    char **launcher;        /* command objectives only: argv put in front of
                               command for every evaluation (e.g. srun -N1 -n1),
                               NULL-terminated; NULL (n_launcher 0) = none.
                               launcher[0] is resolved like command[0] */
    size_t n_launcher;      /* entries of launcher before the NULL */
    bo_config_param *params;    /* n_params entries in file order; keys unique */
    size_t n_params;
    double timeout;         /* seconds per evaluation; 0 = no limit */
    unsigned long long memory_limit; /* bytes of address space for the evaluation's
                               process (RLIMIT_AS); 0 = no limit */
    int isolate;            /* 1: plugin evaluations run in a child process */
    size_t line, column;    /* where the plugin or command value is written in the
                               file (1-based), so that a failure to load it can
                               name the place; not part of the run's identity */
} bo_config_objective;

typedef struct bo_config_model {
    bo_kernel_kind kernel;
    bo_gp_noise noise;      /* BO_NOISE_LEARN, BO_NOISE_FIXED or BO_NOISE_PER_SOURCE */
    double noise_var;       /* BO_NOISE_FIXED: variance in y units^2, >= 0; else 0 */
    bo_gp_mean mean;
    size_t restarts;        /* hyperparameter optimisation starts, >= 1 */
    bo_engine_output_transform output_transform; /* what suggestions model
                               (default auto: docs/config.md) */
    bo_gp_latent_mode latent;   /* categorical inputs: a latent map per input
                               (default) or one over their combinations */
    bo_gp_fit_criterion fit;    /* what each fit minimises: MAP (default) or
                               MAP plus the interval-score penalty */
    double fit_weight;          /* BO_FIT_INTERVAL_SCORE: the penalty's weight,
                               > 0 (default BO_GP_FIT_IS_WEIGHT); 0 under MAP */
} bo_config_model;

typedef struct bo_config_acquisition {
    bo_acq_kind type;       /* a multi-source kind (MFCA) only with >= 2 sources */
    size_t starts;          /* local optimisations per maximisation, >= 1 */
    size_t pool;            /* random candidates scored to seed the starts, >= starts */
    size_t enumerate;       /* categorical inputs: every combination of levels is
                               searched when there are at most this many, else a
                               local search moves between levels (>= 1,
                               default 64) */
    double beta;            /* UCB: mu -/+ beta sigma, > 0; unused by the others */
    int target_ei;          /* MFCA: score the target source by EI / cost instead
                               of the predicted improvement / cost (default 0) */
    double explore_budget;  /* MFCA: what the other sources may spend between
                               two target evaluations, in target costs; then
                               the target is evaluated (default 0.25; 0 = no
                               limit) */
    int stall_explore;      /* EI, one source: when the best stalls, search
                               outside the incumbent's basin (default 1 with
                               ei or logei, else 0) */
    int trust_region;       /* one source, real inputs, no constraints: the
                               acquisition searched in a TuRBO-style box
                               around the incumbent (default 0) */
    bo_engine_failure_model failure_model; /* what a failed evaluation does to
                               later suggestions (default BO_FAILURE_GPC;
                               docs/config.md) */
} bo_config_acquisition;

typedef struct bo_config_initial_design {
    bo_design_method method;    /* BO_DESIGN_SOBOL only within BO_SOBOL_MAX_DIM inputs */
    size_t size;            /* default points per source (see sources[i].initial) */
} bo_config_initial_design;

typedef struct bo_config_budget {
    size_t max_evaluations;     /* SIZE_MAX = no limit; else >= 1; includes the initial design */
    double max_cost;            /* INFINITY = no limit; else > 0; includes the initial design */
    size_t max_no_improvement;  /* SIZE_MAX = no limit; else >= 1 evaluations (any source) */
    size_t max_consecutive_failures; /* the run stops, failed, once this many evaluations
                                   completed by this process failed in a row (a
                                   licence server down, a wrong path); default 10,
                                   0 = no limit */
    int has_target_value;       /* 1: stop once the best target value reaches target_value */
    double target_value;        /* "reaches": <= when minimising, >= when maximising */
} bo_config_budget;

typedef struct bo_config_output {
    bo_plot_format plot;    /* convergence figure format */
} bo_config_output;

typedef struct bo_config_evaluation {
    size_t workers;         /* evaluations running at once, >= 1 (default 1); 1 when
                               the objective is a plugin with isolate false */
} bo_config_evaluation;

/* Where a key is written in the file; see bo_config_place. */
typedef struct bo_config_place_entry {
    char *key;              /* as in error messages: "budget.max_cost", "inputs[1].upper" */
    size_t line, column;    /* of the key's value, 1-based */
} bo_config_place_entry;

typedef struct bo_config {
    char *path;             /* the config file as given to bo_config_load */
    char *dir;              /* absolute folder of the config file */
    char *name;             /* run name: [A-Za-z0-9._+-]+, not "." or ".." */
    uint64_t seed;
    bo_config_goal goal;
    bo_config_objective objective;
    bo_config_input *inputs;
    size_t n_inputs;
    bo_config_source *sources;
    size_t n_sources;
    size_t target;          /* index into sources of the source being optimised */
    bo_config_model model;
    bo_config_acquisition acquisition;
    bo_config_initial_design initial_design;
    bo_config_budget budget;
    bo_config_output output;
    bo_config_evaluation evaluation;
    char *initial_data;     /* absolute path of a CSV of evaluations made before
                               the run (bo/io/initial_data.h), or NULL */
    bo_config_constraint *constraints; /* output constraints in file order, or NULL;
                               names are unique identifiers, none an input's
                               name or a column of history.csv */
    size_t n_constraints;
    bo_config_place_entry *places;  /* every key the file writes, in file order;
                                       not part of the run's identity */
    size_t n_places;
} bo_config;

/* Sets *cfg to an empty config that bo_config_cleanup accepts. */
void bo_config_init(bo_config *cfg);

/* Reads, checks and resolves the YAML file at path into *cfg (which need not
 * be initialised; any previous content is NOT freed). Returns BO_OK, or:
 *   BO_EIO      the file cannot be read;
 *   BO_EPARSE   YAML syntax error (libyaml's problem and its place);
 *   BO_EINVAL   a key, type, value or combination is wrong;
 *   BO_ENOMEM   memory ran out.
 * On failure *cfg is left empty (as after bo_config_init) and err holds one
 * line "FILE:LINE:COLUMN: KEY: what was expected" (1-based line and column,
 * KEY a path such as inputs[1].upper with list indices from 0), truncated to
 * errlen bytes. err may be NULL when errlen is 0. */
bo_status bo_config_load(const char *path, bo_config *cfg, char *err, size_t errlen);

/* Flags of bo_config_load_flags and bo_config_load_text. */
#define BO_CONFIG_LIBRARY 1u    /* for a program that drives the engine itself
                                   (the library, bo/bo.h): objective and budget
                                   may be left out (objective.plugin and
                                   objective.command are then both NULL, the
                                   budget unlimited); when written they are
                                   checked as usual */

/* bo_config_load with flags (0 is bo_config_load). */
bo_status bo_config_load_flags(const char *path, unsigned flags, bo_config *cfg, char *err,
                               size_t errlen);
/* The same from len bytes of YAML text; name stands for the file in
 * messages ("NAME:LINE:COLUMN: KEY: ...") and relative paths are resolved
 * against the working folder. */
bo_status bo_config_load_text(const char *text, size_t len, const char *name, unsigned flags,
                              bo_config *cfg, char *err, size_t errlen);

/* The engine's options for the run cfg describes, the one mapping bo-run
 * and the library share (so both make the same suggestions). costs and
 * initial hold cfg->n_sources values each, kind and n_values
 * cfg->n_inputs values each (the inputs' kinds and numbers of values:
 * eo->kind stays NULL when every input is real); all must outlive *eo's
 * use. */
void bo_config_engine_options(const bo_config *cfg, bo_engine_options *eo, double *costs,
                              size_t *initial, bo_var_kind *kind, size_t *n_values);

/* The user value x of input in as people read it: a categorical input's
 * level name (x its index), otherwise the number with %.10g. Returns buf
 * (len bytes), or the config's own level name. */
const char *bo_config_format_input(const bo_config_input *in, double x, char *buf, size_t len);

/* Frees everything *cfg owns and leaves it empty; NULL is a no-op. */
void bo_config_cleanup(bo_config *cfg);

/* Writes the config as YAML with every default explicit and every path
 * absolute, such that bo_config_load of the output gives a config equal to
 * cfg under bo_config_equal. Returns BO_OK or BO_EIO when writing fails. */
bo_status bo_config_write_resolved(const bo_config *cfg, FILE *out);

/* 1 when a and b describe the same run (every field except path, dir and
 * the places), else 0 with the first differing key written to what (may be
 * NULL). Used to check that a resumed run still has its original config. */
int bo_config_equal(const bo_config *a, const bo_config *b, char *what, size_t whatlen);

/* Groups of keys bo_config_equal_ignoring may leave out (bitwise or). */
#define BO_CONFIG_IGNORE_BUDGET     1u  /* budget: max_evaluations, max_cost,
                                           max_no_improvement, target_value */
#define BO_CONFIG_IGNORE_EVALUATION 2u  /* how evaluations are run, not what they
                                           compute: evaluation.workers,
                                           objective.launcher and
                                           objective.memory_limit */

/* bo_config_equal without the key groups named in ignore: for --resume,
 * where a finished run may be extended (a larger budget) and continued on
 * another machine (other workers, another launcher). a is the run's config
 * (the resolved one in its folder), b the one given now. With
 * BO_CONFIG_IGNORE_BUDGET, a difference in the initial design says in what
 * that its default follows the budget, and which value (a's) to write to
 * keep the run's. ignore 0 is bo_config_equal. */
int bo_config_equal_ignoring(const bo_config *a, const bo_config *b, unsigned ignore,
                             char *what, size_t whatlen);

/* Where key is written in the file cfg was loaded from: 1 with the line and
 * column (1-based) of its value, or 0 when the file does not write it (its
 * value is a default) and *line, *column untouched. key is a path as error
 * messages print it: "seed", "budget.max_cost", "inputs[1].upper". For
 * messages about a value that is found wrong after loading (e.g. an
 * initial_data file that cannot be read). */
int bo_config_place(const bo_config *cfg, const char *key, size_t *line, size_t *column);

/* Writes to buf (len bytes, always NUL-terminated when len > 0; may be NULL
 * when len is 0) one line per warning about a loaded config, each ending in
 * '\n' and formed like an error, "FILE:LINE:COLUMN: KEY: warning: ...":
 * settings that load but are most likely not what the user meant. Today:
 * a budget that the initial design spends entirely, so that no point is
 * ever chosen by the model (max_evaluations, or max_cost, checked as bo-run
 * stops). Returns the number of warnings, even when buf was too short to
 * hold them all. */
size_t bo_config_warnings(const bo_config *cfg, char *buf, size_t len);

/* 1 when value satisfies constraint c (lower <= value <= upper; NaN never
 * does). */
int bo_config_constraint_holds(const bo_config_constraint *c, double value);

/* Small accessors for the driver. */
size_t bo_config_dim(const bo_config *cfg);                 /* n_inputs */
size_t bo_config_target_index(const bo_config *cfg);        /* cfg->target */
/* Index of the source called name, or SIZE_MAX. */
size_t bo_config_source_index(const bo_config *cfg, const char *name);
/* Evaluations and cost of the whole initial design (all sources). */
size_t bo_config_initial_evaluations(const bo_config *cfg);
double bo_config_initial_cost(const bo_config *cfg);

/* Names of the config's own enum values as written in configs; "?" for a
 * value outside the table. Kernels, acquisitions, initial designs and plot
 * formats are named by their modules' registries (bo_kernel_name,
 * bo_acq_name, bo_design_name, bo_plot_format_name): the config accepts
 * exactly the names those registries hold. */
const char *bo_config_goal_name(bo_config_goal goal);
const char *bo_config_scale_name(bo_config_scale scale);
const char *bo_config_mean_name(bo_gp_mean mean);

#endif
