#ifndef BO_BO_H
#define BO_BO_H

/* libbo: bo-run's optimiser as a library, ask/tell. The one public header
 * of libbo (pkg-config bo); it needs nothing but the C standard library.
 *
 *     bo_options *o = bo_options_new();
 *     bo_options_add_input(o, "x1", -5, 10, 0);
 *     bo_options_set(o, "acquisition.type", "logei");
 *     bo_optimizer *opt;
 *     if (bo_optimizer_new(o, &opt) != BO_SUCCESS) puts(bo_options_error(o));
 *     for (...) { bo_optimizer_ask(opt, x, &info); bo_optimizer_tell(opt, x, info.source, f(x)); }
 *
 * Contract: handles are opaque; every call that can fail returns a
 * bo_result and leaves an English message in the handle it was given
 * (bo_options_error, bo_optimizer_error), naming the option, the input or
 * the argument at fault. Bad arguments are refused, never undefined
 * behaviour: a NULL handle or array, a wrong index, NaN, a point outside the
 * box. Values of bo_result and the layout of bo_ask_info only grow
 * (appended), so a program built against an older header keeps working.
 *
 * Options are the keys of a bo-run config file (docs/config.md), set by
 * their path ("acquisition.type", "model.kernel", "seed") or read from a
 * config file, and checked by the same code as bo-run's: the same config
 * and seed give the same suggestions as `bo-run` (whose objective and
 * budget the library leaves to the caller; both may be written, neither is
 * needed).
 *
 * Points are in the user's units (inputs' lower..upper, log-scale inputs
 * included) and values in the user's sign (goal: maximize is honoured).
 * One handle is not to be used by two threads at once.
 *
 * Like bo-run, bo_optimizer_new sets OpenBLAS to one thread unless
 * OPENBLAS_NUM_THREADS is set (threaded sums differ in their last bits,
 * and suggestions would then drift from bo-run's); this is process-wide,
 * so it also holds for other users of OpenBLAS in the program. */

#include <stddef.h>
#include <stdint.h>

/* The library's version; bo_version() gives the one it was built as. */
#define BO_VERSION_MAJOR 0
#define BO_VERSION_MINOR 2
#define BO_VERSION_PATCH 0
#define BO_VERSION_STRING "0.2.0"

#if defined(__GNUC__)
#define BO_PUBLIC __attribute__((visibility("default")))
#else
#define BO_PUBLIC
#endif

typedef enum bo_result {
    BO_SUCCESS = 0,
    BO_ERR_NOMEM,       /* memory ran out */
    BO_ERR_INVALID,     /* a bad argument, option value or point */
    BO_ERR_NUMERIC,     /* the model could not be fitted or used */
    BO_ERR_IO,          /* a file could not be read or written */
    BO_ERR_PARSE,       /* malformed YAML or CSV */
    BO_ERR_STATE,       /* a call out of order (an option set after a file was read, ...) */
    BO_ERR_OPTIM        /* the acquisition's maximiser failed */
} bo_result;

/* "0.2.0": the version of the library loaded (compare BO_VERSION_STRING). */
BO_PUBLIC const char *bo_version(void);
/* A static description of a result; never NULL. */
BO_PUBLIC const char *bo_result_string(bo_result result);

/* ---- options ---- */

typedef struct bo_options bo_options;

/* NULL only when memory runs out. */
BO_PUBLIC bo_options *bo_options_new(void);
BO_PUBLIC void bo_options_free(bo_options *options);
/* The message of the last failed call on options ("" after success). */
BO_PUBLIC const char *bo_options_error(const bo_options *options);

/* Sets the config key at path (dots between levels: "seed", "goal",
 * "acquisition.type", "model.noise", "initial_design.size", "sources")
 * to value, YAML text on one line: a scalar ("logei", "0.5", "true") or a
 * flow list or mapping ("[{name: lo, cost: 1}, {name: hi, cost: 10}]").
 * A key set again takes the new value. The value is checked when the
 * optimizer is made (bo_optimizer_new), with bo-run's messages; here only
 * the path's form, one-line values and clashes ("model" and "model.kernel")
 * are. */
BO_PUBLIC bo_result bo_options_set(bo_options *options, const char *path, const char *value);
/* Appends an input (the config's inputs list, in order): an identifier
 * name, finite lower < upper, log_scale 1 for a log scale (lower > 0). */
BO_PUBLIC bo_result bo_options_add_input(bo_options *options, const char *name, double lower,
                                         double upper, int log_scale);
/* Takes every option from a bo-run config file instead (its objective and
 * budget may be there; they are checked and not used). Only the seed may
 * then be changed (bo_options_set_seed); BO_ERR_STATE when keys or inputs
 * were set before, or for bo_options_set after. The file is read by
 * bo_optimizer_new, whose messages then name FILE:LINE:COLUMN. */
BO_PUBLIC bo_result bo_options_read_file(bo_options *options, const char *path);
/* Replaces the seed (the config's or a file's), like bo-run --seed. */
BO_PUBLIC bo_result bo_options_set_seed(bo_options *options, uint64_t seed);

/* ---- the optimizer ---- */

typedef struct bo_optimizer bo_optimizer;

/* Makes an optimizer from options (which may then be freed or reused).
 * On failure *out is NULL and bo_options_error(options) says why, e.g.
 * "acquisition.type: expected one of ei, logei, ...". The initial design
 * is generated here. */
BO_PUBLIC bo_result bo_optimizer_new(bo_options *options, bo_optimizer **out);
BO_PUBLIC void bo_optimizer_free(bo_optimizer *optimizer);
/* The message of the last failed call on optimizer ("" after success). */
BO_PUBLIC const char *bo_optimizer_error(const bo_optimizer *optimizer);

/* The problem: inputs (their names and box) and sources (the config's
 * sources, or one called "f"); i out of range gives NULL / BO_ERR_INVALID. */
BO_PUBLIC size_t bo_optimizer_dim(const bo_optimizer *optimizer);
BO_PUBLIC const char *bo_optimizer_input_name(const bo_optimizer *optimizer, size_t i);
BO_PUBLIC bo_result bo_optimizer_input_box(const bo_optimizer *optimizer, size_t i,
                                           double *lower, double *upper);
/* Integer and categorical inputs (a config's inputs[].type). Points hold an
 * integer input's value and a categorical input's level index 0, 1, ...
 * (its box is [0, levels - 1]); ask only proposes such values and tell
 * refuses others. bo_optimizer_input_kind: BO_INPUT_REAL, _INTEGER or
 * _CATEGORICAL, -1 for i out of range; bo_optimizer_input_levels: a
 * categorical input's number of levels, else 0; bo_optimizer_level_name:
 * the name of one, NULL out of range. */
#define BO_INPUT_REAL 0
#define BO_INPUT_INTEGER 1
#define BO_INPUT_CATEGORICAL 2
BO_PUBLIC int bo_optimizer_input_kind(const bo_optimizer *optimizer, size_t i);
BO_PUBLIC size_t bo_optimizer_input_levels(const bo_optimizer *optimizer, size_t i);
BO_PUBLIC const char *bo_optimizer_level_name(const bo_optimizer *optimizer, size_t i,
                                              size_t level);
BO_PUBLIC size_t bo_optimizer_n_sources(const bo_optimizer *optimizer);
BO_PUBLIC const char *bo_optimizer_source_name(const bo_optimizer *optimizer, size_t i);
/* The source whose value is optimised. */
BO_PUBLIC size_t bo_optimizer_target_source(const bo_optimizer *optimizer);
/* The seed the optimizer runs with (what an objective's noise may use). */
BO_PUBLIC uint64_t bo_optimizer_seed(const bo_optimizer *optimizer);

/* What bo_optimizer_ask says about its point. Set size = sizeof(bo_ask_info)
 * before the call: fields past the size the caller knows are not written,
 * so fields may be appended. */
typedef struct bo_ask_info {
    size_t size;
    size_t eval;            /* 1-based number of the evaluation, as bo-run's history */
    size_t source;          /* the source to evaluate the point on */
    int initial;            /* 1: a point of the initial design */
    double acquisition;     /* the acquisition's value there; NaN for design points and fallbacks */
} bo_ask_info;
/* An initialiser with size set: bo_ask_info info = BO_ASK_INFO_INIT; */
#define BO_ASK_INFO_INIT {sizeof(bo_ask_info), 0, 0, 0, 0.0}

/* Writes the next point to evaluate (dim values) into x and, when info is
 * not NULL, what it is. The point is pending until told (bo_optimizer_tell,
 * bo_optimizer_tell_failed) or cancelled: points asked for meanwhile are
 * chosen knowing it is being evaluated (several evaluations at once). */
BO_PUBLIC bo_result bo_optimizer_ask(bo_optimizer *optimizer, double *x, bo_ask_info *info);
/* Records that the point x (dim values in the box) evaluated on source
 * returned y (finite). A point that was asked for and is pending is
 * matched exactly; any other point is an observation the caller made. */
BO_PUBLIC bo_result bo_optimizer_tell(bo_optimizer *optimizer, const double *x, size_t source,
                                      double y);
/* Records that evaluating x on source failed: it is never proposed again,
 * nor its neighbourhood (as bo-run's failed evaluations). */
BO_PUBLIC bo_result bo_optimizer_tell_failed(bo_optimizer *optimizer, const double *x,
                                             size_t source);
/* Withdraws a pending point that will not be told (BO_ERR_INVALID when x is
 * not pending on source). */
BO_PUBLIC bo_result bo_optimizer_cancel(bo_optimizer *optimizer, const double *x,
                                        size_t source);
BO_PUBLIC size_t bo_optimizer_n_pending(const bo_optimizer *optimizer);
/* Observations told so far, failed ones included. */
BO_PUBLIC size_t bo_optimizer_n_observations(const bo_optimizer *optimizer);
/* Observation i in the order told: its point (dim values), source, y (NaN
 * when failed) and ok; any output may be NULL. */
BO_PUBLIC bo_result bo_optimizer_observation(const bo_optimizer *optimizer, size_t i,
                                             double *x, size_t *source, double *y, int *ok);
/* The best successful value of the target source and its point (x may be
 * NULL); BO_ERR_STATE when there is none yet. */
BO_PUBLIC bo_result bo_optimizer_best(const bo_optimizer *optimizer, double *y, double *x);

/* Predictions of the model at n points X (n-by-dim, row-major, user
 * units) for source: mean and sd (either may be NULL) in y's units and
 * sign. The model is the GP `bo-gp fit` fits to a table of the successful
 * observations, with log(x) for log-scale inputs (box from the data's
 * range, a cold fit with the config's kernel, mean, noise, restarts and
 * seed; docs/library.md), refitted when an observation came since the
 * last call; it never changes what bo_optimizer_ask suggests.
 * BO_ERR_STATE before any successful observation of source. */
BO_PUBLIC bo_result bo_optimizer_predict(bo_optimizer *optimizer, size_t n, const double *X,
                                         size_t source, double *mean, double *sd);

#endif
