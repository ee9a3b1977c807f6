#ifndef BO_BO_PLUGIN_H
#define BO_BO_PLUGIN_H

/* The bo-run objective plugin contract. Self-contained: only standard headers.
 *
 * A plugin is a shared object exporting one function,
 *     const bo_plugin *bo_plugin_entry(void);
 * that returns a pointer to a descriptor with static storage duration. Build:
 *     cc -shared -fPIC $(pkg-config --cflags bo-plugin) -o f.so f.c
 *
 * ABI rules: the descriptor starts with abi_version and struct_size; members
 * are only ever appended, never reordered or removed. The host refuses a
 * plugin whose abi_version differs from its own BO_PLUGIN_ABI_VERSION, and
 * reads appended members only when struct_size says they are present.
 *
 * Threading and processes: by default the host calls evaluate in a child
 * process (objective.isolate: true), so a crash or hang fails one evaluation,
 * not the run; init runs in the host before the first evaluation and its
 * state is inherited by the children. Changes evaluate makes to the state
 * then stay in the child and are lost: treat the state as read-only there.
 * A forked child has only the thread that forked it, so do not start
 * threads in init. init and fini always run in the host. Callbacks are never
 * called concurrently on one state. */

#include <stddef.h>

#define BO_PLUGIN_ABI_VERSION 1u

/* What the host says about one evaluation, for evaluate_call. Its first
 * member is its size, and members are only ever appended, as for the
 * descriptor. */
typedef struct bo_plugin_call {
    size_t struct_size;         /* sizeof(bo_plugin_call) in the host */
    unsigned long long seed;    /* the run's seed (the config's seed: or --seed) */
    size_t eval;                /* the evaluation's number, as in history.csv's eval
                                   column (1, 2, ...); the same when --resume runs an
                                   interrupted evaluation again */
    size_t worker;              /* 1..K: the worker running it (evaluation.workers, or
                                   the MPI rank); differs between runs, so never use
                                   it for results, only for scratch space */
    /* Appended member (hosts with categorical inputs; present when
     * struct_size covers it): with categorical inputs, dim entries where
     * level_names[j] is the name of the level x[j] indexes (x[j] is the
     * level's index 0, 1, ... in the config's levels: list) for a
     * categorical input j, and NULL for a real or integer one. NULL when
     * the run has no categorical input. */
    const char *const *level_names;
} bo_plugin_call;

/* One entry of the config's objective.params map, both sides as text exactly
 * as written in the YAML file. */
typedef struct bo_plugin_param {
    const char *key;
    const char *value;
} bo_plugin_param;

typedef struct bo_plugin {
    unsigned abi_version;   /* set to BO_PLUGIN_ABI_VERSION */
    size_t struct_size;     /* set to sizeof(bo_plugin) */
    const char *name;       /* shown in messages and the run summary */
    size_t dim;             /* number of inputs expected; 0 = any */
    size_t n_sources;       /* number of fidelity sources provided; 0 = any */

    /* Creates the plugin's state from the params (n_params entries; the
     * arrays live only during the call). May be NULL: state is then NULL.
     * Returns 0 on success; non-zero with a message in err (errlen bytes,
     * always NUL-terminate) refuses to start: bo-run exits with status 2. */
    int (*init)(void **state, const bo_plugin_param *params, size_t n_params,
                size_t dim, size_t n_sources, char *err, size_t errlen);

    /* Evaluates source `source` (index in the config's sources:, 0 when single
     * fidelity) at x (dim values in the user's units, in the order of
     * inputs:), writing the result to *y. Returns 0 on success; non-zero with
     * a message in err marks the evaluation failed (the run goes on). A NaN or
     * infinite *y also counts as a failure. */
    int (*evaluate)(void *state, const double *x, size_t dim, size_t source,
                    double *y, char *err, size_t errlen);

    /* Frees the state. May be NULL. */
    void (*fini)(void *state);

    /* Appended member (hosts from bo-run 0.2 on): evaluate with what the host
     * knows of the evaluation, e.g. so that a noisy simulator draws its
     * noise from (call->seed, call->eval) and a run is reproducible per
     * seed. When set (and struct_size covers it) it is called instead of
     * evaluate, which may then be NULL. Same contract as evaluate. */
    int (*evaluate_call)(void *state, const double *x, size_t dim, size_t source,
                         const bo_plugin_call *call, double *y, char *err, size_t errlen);

    /* Appended members (hosts from bo-run 0.3 on): several outputs. A plugin
     * may compute, beside y, n_outputs named values (at most 16; names are
     * identifiers, e.g. "stress", "mass"), which a config's constraints:
     * refer to by name. When evaluate_outputs is set (and struct_size covers
     * it) it is called instead of evaluate_call and evaluate, which may then
     * be NULL: it writes y and outputs[0..n_outputs) in the order of
     * output_names. The host sets every output to NaN before the call; an
     * output the config constrains that is left NaN or set infinite fails
     * the evaluation, naming it. Otherwise the same contract as evaluate. */
    size_t n_outputs;
    const char *const *output_names;
    int (*evaluate_outputs)(void *state, const double *x, size_t dim, size_t source,
                            const bo_plugin_call *call, double *y, double *outputs,
                            char *err, size_t errlen);
} bo_plugin;

#define BO_PLUGIN_ENTRY_SYMBOL "bo_plugin_entry"

#if defined(__GNUC__)
#define BO_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define BO_PLUGIN_EXPORT
#endif

/* The one symbol a plugin defines. */
BO_PLUGIN_EXPORT const bo_plugin *bo_plugin_entry(void);

#endif
