#ifndef BO_ACQUISITION_MAXIMIZE_H
#define BO_ACQUISITION_MAXIMIZE_H

/* Maximising an acquisition over a box.
 *
 * Strategy (default): score a scrambled Sobol pool of candidates in blocks,
 * start a bounded gradient-based NLopt optimisation (L-BFGS or SLSQP) from
 * each of the best few candidates, and return the best point seen. DIRECT-L
 * can be selected instead, for comparison. Everything random derives from
 * the seed in the options: same inputs and seed, same answer.
 *
 * The maximiser sees the function only through bo_acq_scorer, a pair of
 * callbacks; the GP acquisition (acquisition.h) is one implementation, and
 * a caller can wrap it (e.g. to penalise pending points) or test the
 * maximiser on any function. bo_acq_maximize at the end of this header is
 * the one call the engine needs: GP, acquisition, exclusions, per-source
 * choice. */

#include <stddef.h>
#include <stdint.h>

#include "acquisition/acquisition.h"
#include "gp/bo_status.h"
#include "gp/gp.h"
#include "gp/gpc.h"

struct bo_mixed_space;

/* The function to maximise. Both callbacks must be deterministic. point is
 * called from inside NLopt: it must not allocate on each call. */
typedef struct bo_acq_scorer {
    size_t dim;
    size_t max_block;   /* the largest m that block accepts, >= 1 */
    void *ctx;
    /* Values at m points, X m-by-dim row-major. */
    bo_status (*block)(void *ctx, size_t m, const double *X, double *value);
    /* Value at x and, when grad is not NULL, its gradient (dim values). */
    bo_status (*point)(void *ctx, const double *x, double *value, double *grad);
} bo_acq_scorer;

typedef enum bo_acq_optimizer {
    BO_ACQ_OPT_LBFGS = 0,   /* Sobol pool + NLOPT_LD_LBFGS local starts */
    BO_ACQ_OPT_SLSQP,       /* Sobol pool + NLOPT_LD_SLSQP local starts */
    BO_ACQ_OPT_DIRECT_L     /* NLOPT_GN_DIRECT_L alone, max_evals in total */
} bo_acq_optimizer;

typedef struct bo_acq_maximizer_options {
    bo_acq_optimizer optimizer;
    size_t pool_size;       /* Sobol candidates, >= 1 unless DIRECT-L (default 512) */
    size_t block_size;      /* candidates per block call (default 256, capped
                               by the scorer's max_block) */
    size_t starts;          /* local optimisations from the best pool points
                               (default 5; 0 = the pool's best is the answer) */
    size_t max_evals;       /* per local run, or in total for DIRECT-L
                               (0 = 150 per local run / 2000 for DIRECT-L) */
    double xtol_rel;        /* local stopping tolerances (default 1e-7, 1e-9) */
    double ftol_rel;
    const double *lower;    /* box, dim values each; NULL = the unit cube */
    const double *upper;
    const double *extra_starts; /* n_extra_starts points (row-major, in the
                               box) to start local runs from as well, such
                               as the incumbent: the acquisition's best is
                               often a narrow peak next to it, finer than the
                               pool. Each is nudged by up to 1e-3 of the box
                               width (seeded) so that a start on an observed
                               point is not held there. Ignored by DIRECT-L. */
    size_t n_extra_starts;
    double duplicate_tol;   /* a candidate within this fraction of the box
                               width of an excluded point in every coordinate
                               is a duplicate (default 1e-6) */
    double failure_radius;  /* bo_acq_maximize only: a candidate whose nearest
                               evaluated point of its source, measured in the
                               GP's length-scales, is a failed evaluation
                               (avoid) closer than this many length-scales
                               is not proposed: a failure marks a region, not
                               a point, at the model's own resolution, and a
                               success nearby shrinks it again (default 0.5;
                               0 = only exact duplicates are excluded) */
    bo_gpc *success_model;  /* bo_acq_maximize only: a classifier of the
                               evaluations' success (conditioned, over the
                               GP's inputs), or NULL. When set, every
                               source's acquisition a(x) is weighted by
                               P = P(success | x): log-EI becomes
                               a + log P; the others a P where a >= 0 and
                               a / P where a < 0, so that a likely failure
                               never scores better (docs/acquisition.md).
                               Used by the scorer's point and block calls,
                               gradients included; set failure_radius to 0
                               with it (both would apply) */
    double min_success_prob; /* with success_model: candidates whose
                               P(success | x) is below this are left out,
                               as the failure regions are (a chance
                               constraint; default 0 = none) */
    int (*admissible)(const void *admissible_ctx, const double *x);
                            /* bo_acq_maximize only: when set, candidates
                               where it returns 0 are left out too (as the
                               failure regions are); NULL = none */
    const void *admissible_ctx;
    double skip_local_below; /* no local runs (the pool's best is the answer)
                               when the pool's best admissible value is below
                               this (default -HUGE_VAL: always run them) */
    double source_prune_ratio; /* bo_acq_maximize, multi-source acquisitions
                               only: the target source is searched first,
                               then the others; a source whose pool best is
                               below 1/ratio of the best value found so far
                               gets no local runs. A local run seldom gains
                               a factor of ten over the best of the pool, and
                               local runs are half the time at large n
                               (default 10; 0 = every source gets them;
                               otherwise >= 1). A pruned source's value (see
                               source_value) is its pool best. */
    size_t threads;         /* threads that score the pool's blocks and run
                               the local searches (default 1; at most
                               BO_ACQ_MAX_THREADS). Every block and every run
                               is one task with its own outputs, merged in a
                               fixed order afterwards, so the answer is bit
                               for bit the same for any thread count.
                               bo_acq_maximize gives each thread a copy of
                               the GP (bo_gp_clone); it uses one thread with
                               success_model, whose classifier is not
                               copied. Callers keep BLAS to one thread. */
    const struct bo_mixed_space *space; /* bo_acq_maximize only: when set, the
                               search is over this mixed space of real,
                               integer and categorical inputs
                               (mixed_search.h) instead of the box, with
                               that maximiser's own pool and starts; the
                               exclusions, failure regions, classifier and
                               admissible() apply as in the box. One
                               thread. NULL = the box (default) */
    size_t max_enumerate;   /* with space: every combination of levels is
                               searched when there are at most this many, else
                               the local search (mixed_search.h's
                               max_enumerate); 0 = its default, 64 */
    uint64_t seed;
} bo_acq_maximizer_options;

#define BO_ACQ_MAX_THREADS 64

void bo_acq_maximizer_options_default(bo_acq_maximizer_options *opt);

/* What a maximisation found and how it went. */
typedef struct bo_acq_result {
    double value;           /* acquisition value at x */
    size_t source;          /* the chosen source (bo_acq_maximize) */
    size_t n_evals;         /* scorer points evaluated (pool + NLopt) */
    size_t n_local;         /* local runs started */
    size_t n_local_failed;  /* of those, runs NLopt ended with a negative code;
                               their best point seen still took part */
    int last_nlopt_code;    /* the last nlopt_result seen */
} bo_acq_result;

/* Maximises scorer over the box, skipping any point closer than the
 * duplicate tolerance to one of the n_exclude rows of exclude (n_exclude-by-
 * dim, may be NULL when n_exclude is 0). Writes the best point found to x
 * (dim values) and fills *result. Allocates its workspaces once per call and
 * frees them before returning.
 * Errors: BO_EINVAL (bad options or scorer, with the field named in errbuf),
 * BO_ENOMEM, a scorer's status when the pool cannot be scored, BO_EOPTIM
 * when no non-excluded finite point was found at all. A negative NLopt code
 * in a local run is not an error: its best point seen still counts. */
bo_status bo_acq_maximize_scorer(const bo_acq_scorer *scorer,
                                 const bo_acq_maximizer_options *opt, size_t n_exclude,
                                 const double *exclude, double *x, bo_acq_result *result,
                                 char *errbuf, size_t errlen);

/* bo_acq_maximize_scorer with n_scorers copies of one function, each with
 * its own state (workspaces), so that up to min(opt->threads, n_scorers)
 * threads can score at once; scorer t is only ever called from one thread at
 * a time. Every scorer must give the same values; the answer is then that of
 * bo_acq_maximize_scorer with scorers[0], bit for bit. BO_EINVAL when a
 * scorer's dim or max_block differs from the first's. */
bo_status bo_acq_maximize_scorers(const bo_acq_scorer *scorers, size_t n_scorers,
                                  const bo_acq_maximizer_options *opt, size_t n_exclude,
                                  const double *exclude, double *x, bo_acq_result *result,
                                  char *errbuf, size_t errlen);

/* Points to keep away from: n rows of X (n-by-dim, the GP's input units);
 * source[i] is the source row i belongs to, or source NULL for points that
 * apply to every source. */
typedef struct bo_acq_points {
    size_t n;
    const double *X;
    const size_t *source;
} bo_acq_points;

/* The engine's call: maximises acquisition acq over the box for each source
 * it scores (every source for multi-source kinds such as MFCA, else only
 * acq->target_source) and returns in x (dim values) and result->source the
 * (x, source) pair with the highest value; source_value (n_sources values,
 * may be NULL) receives each source's best value (only its pool's best when
 * source_prune_ratio pruned its local runs), -HUGE_VAL for sources not
 * scored. best is the best target-source value observed (for the goal in
 * acq). Points of observed and avoid (either may be NULL) are excluded for
 * their source, so an existing observation or a failed evaluation is never
 * proposed again. The GP must be conditioned and is only read (its
 * prediction workspaces are used). Errors as bo_acq_maximize_scorer, plus
 * those of bo_acq_evaluator_create. */
bo_status bo_acq_maximize(const bo_acq_options *acq, bo_gp *gp, double best,
                          const bo_acq_maximizer_options *opt,
                          const bo_acq_points *observed, const bo_acq_points *avoid,
                          double *x, bo_acq_result *result, double *source_value,
                          char *errbuf, size_t errlen);

#endif
