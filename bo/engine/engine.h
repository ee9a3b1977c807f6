#ifndef BO_ENGINE_ENGINE_H
#define BO_ENGINE_ENGINE_H

/* The optimisation engine, ask/tell: bo_engine_suggest says where (and with
 * which source) to evaluate next, bo_engine_observe is told what came back.
 * It owns no I/O, so resuming a run is replaying its history through
 * bo_engine_observe, and evaluations may come from anywhere.
 *
 * Points live in the unit cube [0,1]^dim (the driver maps them to the
 * user's units with bo_design_to_user). Sources are indices in the config's
 * order. Internally everything is minimised: with maximize set, y is negated
 * on the way in and best values are negated on the way out, so callers
 * always see their own sign.
 *
 * Pending points: with several evaluations in flight, the caller registers
 * each dispatched point with bo_engine_add_pending; bo_engine_observe of the
 * same point and source retires it. Suggestions condition on the pending
 * points (kriging believer: each is added to the model at the model's own
 * mean there, so its uncertainty collapses and the acquisition looks
 * elsewhere; see docs/acquisition.md), and never return a pending point.
 * suggest itself registers nothing: called twice with nothing added in
 * between, it returns the same point.
 *
 * Reproducibility: every random choice of the suggestion with index k
 * (0-based: the number of observations, failed ones included, plus the
 * number of pending points) derives from (seed, k); the only other state
 * carried from one suggestion to the next is the GP hyperparameter vector
 * used as a warm start, which bo_engine_get_hyper / bo_engine_set_hyper let
 * the driver persist and restore, and the fit itself when no observation
 * came in between (several points asked for at once share one fit). Same
 * options, observations, pending points and warm start, asked in the same
 * sequence: same suggestion. With one evaluation at a time (suggest,
 * observe, suggest, ...) k is the evaluation's index. */

#include <stddef.h>
#include <stdint.h>

#include "acquisition/acquisition.h"
#include "bo/engine/design.h"
#include "bo/engine/output_transform.h"
#include "gp/bo_status.h"
#include "gp/gp.h"

/* The value a pending point is believed to return (see docs/acquisition.md,
 * "Evaluations in flight"). */
typedef enum bo_engine_pending {
    BO_PENDING_BELIEVER = 0,    /* the model's mean there (kriging believer) */
    BO_PENDING_BELIEVER_CAPPED, /* the mean, but never better than the best
                                   observed: no pending point is believed to
                                   improve, so the next one must by itself */
    BO_PENDING_BELIEVER_REFINE, /* the believer, and single-source EI / log-EI
                                   keeps about a quarter of the points in
                                   flight refining the incumbent: while fewer
                                   than 1 + pending / 4 of them lie in its
                                   neighbourhood, the next point maximises
                                   the acquisition there (stall.c) */
    BO_PENDING_BELIEVER_OBSERVED_BEST /* the believer's model, but the
                                   improvement is measured against the best
                                   observed value, not the best believed */
} bo_engine_pending;

/* What failed evaluations do to later suggestions (docs/acquisition.md,
 * "Failed evaluations"). In every mode a failed point itself is never
 * suggested again for its source. */
typedef enum bo_engine_failure_model {
    BO_FAILURE_RADIUS = 0,      /* a candidate whose nearest evaluated point,
                                   in the GP's length-scales, is a failure
                                   closer than half a length-scale is skipped */
    BO_FAILURE_GPC,             /* a GP classifier (gp/gpc.h) of success on
                                   every evaluation of the modelled sources
                                   weights the acquisition by P(success | x) */
    BO_FAILURE_NONE             /* nothing more */
} bo_engine_failure_model;

/* What the suggestion model is fitted to (output_transform.h). */
typedef enum bo_engine_output_transform {
    BO_OUTPUT_TRANSFORM_NONE = 0,  /* the observed values */
    BO_OUTPUT_TRANSFORM_AUTO       /* one source: at each fit, the Yeo-Johnson
                                      power transform when the GP's marginal
                                      likelihood with the map's Jacobian
                                      prefers it; the final model (model.txt)
                                      is always of the observed values */
} bo_engine_output_transform;

/* The most output constraints an engine takes. */
#define BO_ENGINE_MAX_CONSTRAINTS 16

typedef struct bo_engine_options {
    size_t dim;                 /* >= 1 */
    size_t n_sources;           /* >= 1 */
    size_t target_source;       /* the source whose value is optimised */
    const double *cost;         /* n_sources costs > 0 (copied); NULL = all 1 */
    const size_t *initial;      /* n_sources initial-design sizes (copied) */
    bo_design_method design;    /* initial design method */
    int maximize;               /* 0 minimise, 1 maximise */

    bo_kernel_kind kernel;
    bo_gp_mean mean;            /* for a single modelled source, PER_SOURCE
                                   means CONSTANT */
    bo_gp_noise noise;          /* LEARN, FIXED or PER_SOURCE */
    double fixed_noise_var;     /* with BO_NOISE_FIXED, in y units^2 */
    size_t restarts;            /* GP fit random starts; 0 = the GP's default */
    bo_engine_output_transform output_transform; /* default NONE here; the
                                   config's default is auto */

    bo_acq_kind acquisition;    /* a single-source kind on a multi-source
                                   problem models and evaluates the target
                                   source alone (the SF baseline) */
    double ucb_beta;            /* UCB width; 0 = default */
    int mfca_target_ei;         /* MFCA scores the target by EI / cost */
    double explore_budget;      /* multi-source acquisitions: once the other
                                   sources have spent this many target costs
                                   since the last target evaluation (or the
                                   initial design), the target is evaluated
                                   next, at its EI maximum; 0 = no limit
                                   (default 0.25, as in the config) */
    int stall_explore;          /* single-source EI: when the best stalls,
                                   search outside the incumbent's basin
                                   (see stall.c; default 0 here, the
                                   config's default is true) */
    int trust_region;           /* one source, real inputs, no constraints:
                                   maximise the acquisition in a box around
                                   the incumbent that grows after successes
                                   and shrinks after failures (TuRBO's
                                   rule; docs/acquisition.md); default 0 */
    bo_engine_pending pending;  /* how pending points enter the model */
    size_t workers;             /* evaluations the caller keeps in flight
                                   (0 or 1 = one at a time). Only
                                   stall_explore reads it: its windows
                                   count observations, and with K in flight
                                   K - 1 of them were chosen before the
                                   last result came (see stall.c) */
    size_t acq_pool;            /* Sobol candidates; 0 = default */
    size_t acq_enumerate;       /* mixed inputs: the most combinations of levels
                                   searched one by one; more are searched
                                   locally (mixed_search.h); 0 = default 64 */
    size_t acq_starts;          /* local optimisations; 0 = default */
    size_t acq_threads;         /* threads that maximise the acquisition
                                   (maximize.h); 0 or 1 = one. Speed only:
                                   every suggestion is bit for bit the same
                                   for any count */
    bo_engine_failure_model failure_model; /* default BO_FAILURE_RADIUS here
                                   (what engines had before there was a
                                   choice); the config's default is gpc */
    /* Output constraints (docs/acquisition.md, "Output constraints"):
     * observations of the target source carry n_constraints outputs (see
     * bo_engine_observe_outputs) that must lie in [constraint_lower[j],
     * constraint_upper[j]] (-HUGE_VAL / HUGE_VAL for an absent bound;
     * copied). Each output gets its own GP, like the objective's, fitted to
     * the successful target evaluations that gave it; the acquisition is
     * weighted by P(every constraint holds), the incumbent is the best
     * feasible value, and until a feasible point exists the suggestion
     * maximises P(feasible) alone. 0 = no constraints. */
    size_t n_constraints;
    const double *constraint_lower;
    const double *constraint_upper;
    /* Mixed inputs (docs/acquisition.md, "Integer and categorical
     * inputs"): kind (dim values, copied; NULL = every input real) and
     * n_values (dim values, copied; read for the discrete inputs: how many
     * values the input takes, 2 .. BO_GP_MAX_LEVELS for a categorical one,
     * >= 2 for an integer one). A discrete input's coordinate is an index
     * 0 .. n_values - 1 instead of a unit-cube value (bo_design_to_user_kinds
     * maps it): suggestions, observations and pending points hold indices
     * there. The GP models an integer on its axis and a categorical input
     * by a 2-D latent map; the acquisition is maximised over the mixed
     * space (acquisition/mixed_search.h). stall_explore and the refine
     * rule of pending points are off, and failure_model gpc acts as
     * radius, with any discrete input. */
    const bo_var_kind *kind;
    const size_t *n_values;
    bo_gp_latent_mode latent_mode; /* categorical inputs: a latent map per
                               input (default) or one shared map over
                               the combinations of levels (gp/gp.h) */
    bo_gp_fit_criterion fit_criterion; /* what every GP fit minimises: MAP
                               (default) or MAP plus the interval-score
                               penalty (gp/gp.h, docs/gp.md) */
    double fit_weight;          /* BO_FIT_INTERVAL_SCORE: the penalty's
                               weight, >= 0; 0 = BO_GP_FIT_IS_WEIGHT */
    uint64_t seed;
} bo_engine_options;

/* Fills defaults for a dim-input single-source minimisation with EI. */
void bo_engine_options_default(bo_engine_options *opt, size_t dim);

typedef struct bo_engine bo_engine;

/* NULL with a message in err on invalid options or no memory. Generates the
 * initial design of every source that will be evaluated. */
bo_engine *bo_engine_create(const bo_engine_options *opt, char *err, size_t errlen);
void bo_engine_destroy(bo_engine *engine);
/* The last error's message, "" if none. */
const char *bo_engine_errmsg(const bo_engine *engine);

typedef struct bo_suggestion {
    size_t source;          /* source index to evaluate */
    int initial;            /* 1: a point of the initial design */
    double acq_value;       /* acquisition value of the point; NAN for
                               initial points and fallbacks */
    const char *note;       /* NULL, or why a fallback (space-filling) point
                               was chosen */
    const char *reason;     /* NULL, or why a model-based point was chosen
                               other than by the configured acquisition
                               (explore_budget, stall_explore); for the
                               history's message column */
    int target_forced;      /* 1: explore_budget was spent, so this is the
                               target's EI maximum (acq_value is that EI),
                               not the multi-source acquisition's choice */
    int exhausted;          /* 1: every input is integer or categorical and
                               every point of that finite space has been
                               observed or is pending on the target source:
                               there is nothing new to suggest, x is not
                               set, and the caller should stop */
} bo_suggestion;

/* Writes the next point to evaluate into x (dim values, unit cube) and its
 * source and phase into *s. Initial-design points come first, in source
 * order (those pending count as handed out); then each call fits the GP to
 * every successful observation of the modelled sources (warm-started; the
 * fit is reused while no observation comes), adds the pending points as
 * believed observations, and maximises the acquisition. Points already
 * observed, failed or pending for that source are never suggested again.
 * When no model can be fitted (too few successful points, or a numerical
 * failure) a space-filling fallback point is returned with s->note saying
 * why. Errors: BO_ENOMEM, or BO_EINVAL/BO_EOPTIM with a message. */
bo_status bo_engine_suggest(bo_engine *engine, double *x, bo_suggestion *s);

/* Records an evaluation: x (unit cube), source, y in the user's sign, ok = 0
 * for a failed evaluation (y ignored; the point is avoided from then on),
 * initial = 1 when it was an initial-design point. A pending point with
 * exactly this x and source is retired. Returns BO_EINVAL for a source or x
 * out of range or an ok observation with a non-finite y. */
bo_status bo_engine_observe(bo_engine *engine, const double *x, size_t source, double y,
                            int ok, int initial);

/* bo_engine_observe with the constraint outputs of the evaluation
 * (n_constraints values; NULL, or a NaN entry, for outputs it did not give:
 * such a point is not feasible and that constraint's GP leaves it out).
 * bo_engine_observe is this with NULL. Outputs of a failed evaluation or of
 * another source than the target are not used. */
bo_status bo_engine_observe_outputs(bo_engine *engine, const double *x, size_t source, double y,
                                    int ok, int initial, const double *outputs);
/* 1 when observation i (as in bo_engine_observation) is feasible: a
 * successful target-source evaluation whose every constraint output holds
 * (every successful target evaluation when there are no constraints). */
int bo_engine_feasible(const bo_engine *engine, size_t i);

/* Registers a point being evaluated (x in the unit cube, source, initial = 1
 * for a point of the initial design) so that suggestions condition on it.
 * Used for every dispatched point, and by a resumed run for the
 * evaluations that were in flight when it stopped. Returns BO_EINVAL for a
 * source or x out of range, BO_ENOMEM. */
bo_status bo_engine_add_pending(bo_engine *engine, const double *x, size_t source,
                                int initial);
/* Records an evaluation made before the run (initial_data): like
 * bo_engine_observe with initial 0, but allowed only before every other
 * observation and pending point (BO_ESTATE otherwise), and counted apart so
 * that the rules on the run's own evaluations (explore_budget's spend since
 * the design, stall windows) and the reports' row numbers leave them out. */
bo_status bo_engine_observe_prior(bo_engine *engine, const double *x, size_t source, double y,
                                  int ok);
/* Number of prior observations; they are observations 0..n_prior-1. */
size_t bo_engine_n_prior(const bo_engine *engine);

/* Withdraws a pending point that will not be observed (a cancelled
 * evaluation). x must equal the registered point exactly; BO_EINVAL when no
 * such point of that source is pending. */
bo_status bo_engine_remove_pending(bo_engine *engine, const double *x, size_t source);
/* Number of pending points. */
size_t bo_engine_n_pending(const bo_engine *engine);
/* Index of the next suggestion: observations plus pending points. */
size_t bo_engine_n_suggested(const bo_engine *engine);

/* Number of observations (failed ones included). */
size_t bo_engine_n_observations(const bo_engine *engine);
/* Initial-design points that remain to be suggested. */
size_t bo_engine_initial_remaining(const bo_engine *engine);
/* Best successful target-source value so far in the user's sign, with its
 * point (unit cube, may be NULL); returns 0 when there is none yet. With
 * constraints: the best feasible one (0 while no point is feasible). */
int bo_engine_best(const bo_engine *engine, double *y, double *x);
/* Observation i (0-based, in the order observed, failed ones included: on a
 * resumed run the history's row order): its point (unit cube, may be NULL),
 * source, y in the user's sign (NAN when failed) and ok; any output may be
 * NULL. Returns 0, or -1 when i >= bo_engine_n_observations. */
int bo_engine_observation(const bo_engine *engine, size_t i, double *x, size_t *source,
                          double *y, int *ok);
/* Cost of one evaluation of a source. */
double bo_engine_cost(const bo_engine *engine, size_t source);
/* 1 when the source is evaluated at all by this run's method. */
int bo_engine_source_active(const bo_engine *engine, size_t source);

/* The warm-start hyperparameters (empty before the first fit): returns
 * their number and copies up to cap of them into theta. */
size_t bo_engine_get_hyper(const bo_engine *engine, double *theta, size_t cap);
/* Restores a warm start (for --resume); n must match the model's layout. */
bo_status bo_engine_set_hyper(bo_engine *engine, const double *theta, size_t n);

/* acquisition.trust_region: the region's side (in units of the unit
 * cube's side), replayed from the observations so far, and the box the
 * next model-based suggestion searches, from the model of the last
 * suggestion (lower and upper: dim values each; either may be NULL).
 * Returns 0 with *side NAN when no region applies: trust_region off, more
 * than one source, integer or categorical inputs, output constraints, no
 * successful target evaluation yet, or (for the box) no model yet. */
int bo_engine_trust_region(const bo_engine *engine, double *side, double *lower, double *upper);

/* The GP of the last suggestion (NULL before the first fit); borrowed. */
const bo_gp *bo_engine_model(const bo_engine *engine);
/* The map from observed (minimised: the user's sign flipped when
 * maximising) values to those the model of the last suggestion was fitted
 * to (model.output_transform; inactive: the identity). bo_engine_fit_final's
 * model is always of the observed values. */
bo_output_transform bo_engine_output_map(const bo_engine *engine);
/* Fits the model to every observation now (for the final model dump) and
 * returns it, or NULL when no model can be fitted. */
bo_gp *bo_engine_fit_final(bo_engine *engine);
/* Maps an engine source index to the GP's source index (modelled sources
 * only); returns 0 and sets *gp_source, or -1 when the source is not
 * modelled. */
int bo_engine_model_source(const bo_engine *engine, size_t source, size_t *gp_source);

#endif
