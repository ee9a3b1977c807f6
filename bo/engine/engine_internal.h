/* The engine's state, shared by engine.c and stall.c (the
 * stall_explore rules); not part of the engine's contract (bo/engine/engine.h). */
#ifndef BO_ENGINE_ENGINE_INTERNAL_H
#define BO_ENGINE_ENGINE_INTERNAL_H

#include <stdint.h>

#include "bo/engine/engine.h"
#include "bo/engine/output_transform.h"
#include "acquisition/maximize.h"
#include "acquisition/mixed_search.h"
#include "gp/gp.h"
#include "gp/gpc.h"

/* Streams of derived random numbers: each kind of random choice has its own,
 * indexed by source or evaluation, so no choice depends on how many draws
 * another made. */
enum {
    ENGINE_STREAM_DESIGN = 1,
    ENGINE_STREAM_FIT = 2,
    ENGINE_STREAM_ACQ = 3,
    ENGINE_STREAM_FALLBACK = 4,
    ENGINE_STREAM_EXPLORE = 5,
    ENGINE_STREAM_CONSTRAINT_FIT = 6  /* index: (observations, constraint) */
};

#define ENGINE_NO_SOURCE ((size_t)-1)
#define ENGINE_NO_FIT ((size_t)-1)
/* An all-discrete space up to this many points is checked for points not
 * yet visited (a design point or fallback that would repeat one is
 * replaced, and the run stops once every point is visited); a larger one
 * cannot be exhausted by any budget worth running. */
#define ENGINE_MAX_ENUMERATED_POINTS 100000

/* The stall rule's state as stall.c replays it from the observations. */
enum { BO_ENGINEI_STALL_MAX_OLD = 8 };
typedef struct bo_enginei_stall_replay {
    int phase;
    size_t old[BO_ENGINEI_STALL_MAX_OLD]; /* anchors (history indices) of explored basins */
    size_t n_old;
    size_t steps;               /* this episode's steps so far */
    double start_best;          /* the best when the episode began */
    double own_best;            /* the best of the episode's own steps */
    size_t own_index, own_step;
    size_t last_end;            /* observations when the last episode ended */
    size_t m_done;              /* observations replayed (0: none yet) */
} bo_enginei_stall_replay;

struct bo_engine {
    bo_engine_options opt;
    double *cost;
    size_t *initial;
    int multi_source;        /* the acquisition compares sources */
    size_t *model_source;    /* engine source -> GP source, or ENGINE_NO_SOURCE */
    size_t n_model_sources;

    double *design_x;        /* the initial design, in suggestion order */
    size_t *design_source;
    size_t n_design;
    size_t n_initial_observed;
    size_t n_prior;          /* observations before the run's own: initial_data */

    double *x;               /* observations: n-by-dim, unit cube */
    size_t *source;
    double *y;               /* internal sign: always minimised */
    int *ok;
    size_t n, cap;

    int have_best;
    double best_y;           /* internal sign */
    size_t best_index;

    double *theta;           /* warm start for the next fit */
    size_t n_theta;

    /* Points being evaluated (bo_engine_add_pending), in dispatch order. */
    double *pending_x;
    size_t *pending_source;
    int *pending_initial;
    size_t n_pending, pending_cap;

    /* The model in e->gp: fitted to the first fit_n observations
     * (ENGINE_NO_FIT when none is); fit_exact says its factor is the fit's
     * (or, after a stall step, the fit re-conditioned at its own
     * hyperparameters), so a later suggestion with no new observation may
     * reuse it after dropping its fantasies. */
    size_t fit_n;
    int fit_exact;
    size_t n_fantasy;        /* believer points appended to e->gp, and to
                                gp_x/gp_source after the n_gp real ones */

    /* Scratch for assembling the GP's data, grown with the observations. */
    double *gp_x, *gp_y, *avoid_x;
    size_t *gp_source, *avoid_source;
    double *sorted_y;        /* stall_explore's medians sort here */
    double *model_cost;

    bo_gp *gp;
    /* The map from observed (minimised) values to the values e->gp and
     * gp_y hold: chosen at each fit (output_transform auto), inactive for
     * the identity. Derived from the observations and the warm start alone,
     * so nothing about it needs saving for --resume. */
    bo_output_transform tf;
    /* failure_model gpc: the classifier of the last suggestion, fitted to
     * the first gpc_n observations (ENGINE_NO_FIT when none is); gpc_ok
     * says the fit succeeded and the suggestions weight by it. The fit
     * depends on the observations alone (fixed starts), so nothing about it
     * needs saving for --resume. */
    bo_gpc *gpc;
    size_t gpc_n;
    int gpc_ok;
    /* Output constraints: n_constraints outputs per observation (NaN =
     * not given), a GP per constraint fitted to the first cgp_n
     * observations (ENGINE_NO_FIT when not fitted) on cgp_rows[j] points,
     * and their believer points. */
    double *clower, *cupper;
    double *c;               /* n-by-n_constraints */
    bo_gp **cgp;
    size_t *cgp_rows;
    size_t cgp_n;
    double *cgp_x, *cgp_y;   /* scratch for one constraint's data */
    /* Mixed inputs (opt.kind not NULL and some input discrete): the
     * engine's copies of kind and n_values, the GP's box (0 .. 1 for a real
     * input, 0 .. n_values - 1 for an integer), its levels (n_values for a
     * categorical input, 0 otherwise) and the maximiser's space. */
    int mixed;
    bo_var_kind *kind;
    size_t *n_values;
    double *gp_lower, *gp_upper;
    size_t *gp_levels;
    bo_mixed_space space;
    size_t n_points;         /* all inputs discrete: the points of the space
                                (at most ENGINE_MAX_ENUMERATED_POINTS); 0 when
                                it is not finite or larger */
    /* acquisition.stall_explore's phase after the first stall.m_done
     * observations (stall.c): a function of the observations alone, kept
     * so that each suggestion replays only those that came since. */
    bo_enginei_stall_replay stall;
    /* Its steps' basin marks on the fit numbered stall_mark_fit (0: none;
     * fit_count numbers engine_fit's fits from 1), for stall_mark_phase and
     * stall_mark_n points. A mark reads the posterior mean alone, which the
     * believer's fantasies (valued at that mean) leave as it was, so every
     * suggestion on one fit shares the marks. */
    size_t fit_count;
    int *stall_mark;
    size_t stall_mark_cap, stall_mark_n, stall_mark_fit;
    int stall_mark_phase;
    char errmsg[512];
};

/* The GP options every model of the engine shares: dimension, sources,
 * kernel, mean, noise and, with mixed inputs, the box and levels. */
void bo_enginei_gp_options(const bo_engine *e, bo_gp_options *go);

/* Adds the output constraints (their GPs, bounds and whether a feasible
 * point exists) to acquisition options for the current models. */
void bo_enginei_constraint_options(const bo_engine *e, bo_acq_options *ao);

/* Writes the message into e->errmsg and returns st. */
bo_status bo_enginei_fail(bo_engine *e, bo_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The number of the next suggestion: observations plus pending points. Every
 * random choice of a suggestion derives from it, so a point depends on how
 * many suggestions came before it, not on the order evaluations completed. */
size_t bo_enginei_suggestion_index(const bo_engine *e);
/* A seed derived from the run's seed, a stream and an index. */
uint64_t bo_enginei_derived_seed(const bo_engine *e, uint64_t stream, uint64_t index);

/* The maximiser's defaults with the run's acquisition pool size and number
 * of starts where the user set them (the suggestion and the stall
 * refinement search alike). */
void bo_enginei_maximizer_options(const bo_engine *e, bo_acq_maximizer_options *mo);

/* Sets the failure handling of a maximisation from failure_model and the
 * classifier's state: the success model to weight by, or the radius. */
void bo_enginei_failure_options(const bo_engine *e, bo_acq_maximizer_options *mo);

/* An observed (minimised) value in the units of the model e->gp. */
double bo_enginei_model_value(const bo_engine *e, double y);

/* acquisition.stall_explore: with the model fitted to the n_gp successful
 * points (n_avoid failed ones), decides whether this suggestion is a stall
 * step. *done = 1: it is, and x and s are filled; *done = 0: the ordinary
 * acquisition runs, on the fitted model. BO_ENOMEM is the only error. */
bo_status bo_enginei_stall(bo_engine *e, size_t n_gp, size_t n_avoid, double *x,
                           bo_suggestion *s, int *done);
/* BO_PENDING_BELIEVER_REFINE: *done = 1 when x is a refinement point of the
 * incumbent's neighbourhood (the rule is in stall.c); otherwise the caller's
 * acquisition runs as usual. */
bo_status bo_enginei_pending_refine(bo_engine *e, size_t n_gp, size_t n_avoid, double *x,
                                    bo_suggestion *s, int *done);

#endif
