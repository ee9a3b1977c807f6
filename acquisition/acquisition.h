#ifndef BO_ACQUISITION_ACQUISITION_H
#define BO_ACQUISITION_ACQUISITION_H

/* Acquisition functions: how much an evaluation at x of a given source is
 * worth, from the GP's posterior there. Every acquisition value is "larger is
 * better", whatever the goal; minimisation and maximisation differ only in the
 * sign of the improvement.
 *
 * Two layers:
 *   bo_acq_value          - the value from (mu, sigma, best) with its partial
 *                           derivatives; pure, no GP;
 *   bo_acq_evaluator      - the value at x for one source through the GP,
 *                           with its gradient with respect to x (chain rule
 *                           through bo_gp_predict_grad), and in blocks through
 *                           bo_gp_predict_block. It is the GP implementation
 *                           of the maximiser's scoring interface (maximize.h).
 *
 * sigma is the posterior standard deviation of f (sqrt(var_f)) except for
 * MFCA's non-target sources, where it includes the source's noise
 * (sqrt(var_y)), as in GP+. Formulas and conventions: docs/acquisition.md. */

#include <stddef.h>

#include "gp/bo_status.h"
#include "gp/gp.h"
#include "gp/gpc.h"

typedef enum bo_acq_kind {
    BO_ACQ_EI = 0,  /* expected improvement sigma h(z) */
    BO_ACQ_LOGEI,   /* log of it, stable far into the tail */
    BO_ACQ_PI,      /* probability of improvement Phi(z) */
    BO_ACQ_UCB,     /* mu + beta sigma (maximise) / -(mu - beta sigma) (minimise) */
    BO_ACQ_MFCA     /* cost-aware multi-fidelity acquisition of GP+ */
} bo_acq_kind;

typedef enum bo_acq_goal {
    BO_ACQ_MINIMIZE = 0,
    BO_ACQ_MAXIMIZE
} bo_acq_goal;

typedef struct bo_acq_options {
    bo_acq_kind kind;
    bo_acq_goal goal;
    double beta;            /* UCB: width in standard deviations (default 2) */
    size_t target_source;   /* MFCA: the source whose value is optimised */
    size_t n_sources;       /* MFCA: number of sources (entries of cost) */
    const double *cost;     /* MFCA: cost per source, > 0; NULL = all 1.
                               Copied by bo_acq_evaluator_create. */
    int mfca_target_ei;     /* MFCA: score the target by EI / c_t instead of
                               the predicted improvement (y* - mu_t) / c_t */
    /* Output constraints (docs/acquisition.md, "Output constraints"): each
     * constraint output c_j has its own conditioned single-source GP over the
     * same inputs (borrowed: they must outlive the evaluator), and must lie
     * in [constraint_lower[j], constraint_upper[j]] (-HUGE_VAL / HUGE_VAL
     * for an absent bound). The acquisition a(x) of every source is then
     * weighted by P(feasible | x) = prod_j P(c_j(x) within its bounds), the
     * latent posterior of each c_j: log-EI becomes a + log P, the others
     * a P where a >= 0 and a / P where a < 0 (as for P(success)). With
     * no_feasible set (no feasible point observed yet, so there is no best
     * to improve on) the value is P(feasible) alone, or its log for log-EI,
     * whatever the kind. 0 constraints: none of this. */
    size_t n_constraints;
    bo_gp *const *constraint_gp;
    const double *constraint_lower;
    const double *constraint_upper;
    int no_feasible;
} bo_acq_options;

/* EI, minimise, beta 2, single source, target 0, no costs. */
void bo_acq_options_default(bo_acq_options *opt);

/* Value of acquisition opt->kind for one source at a point where the
 * posterior has mean mu and standard deviation sigma (> 0; values below
 * 1e-150 are treated as 1e-150), with best the best target value observed.
 * dmu, dsigma (may be NULL) receive the partial derivatives. Finite for
 * finite inputs (log-EI included); the source index matters only for MFCA.
 * NaN (partials too) when opt->kind is not in the registry. */
double bo_acq_value(const bo_acq_options *opt, size_t source, double mu, double sigma,
                    double best, double *dmu, double *dsigma);

/* 1 when sigma for this kind and source includes the observation noise. */
int bo_acq_sigma_includes_noise(const bo_acq_options *opt, size_t source);

/* 1 when the kind compares sources (MFCA); the others score the target
 * source only. */
int bo_acq_is_multi_source(bo_acq_kind kind);

/* The registry of acquisitions, terminated by a row whose name is NULL.
 * Adding an acquisition is adding an enum value, a value function and a row. */
typedef double (*bo_acq_value_fn)(const bo_acq_options *opt, size_t source, double mu,
                                  double sigma, double best, double *dmu, double *dsigma);
typedef struct bo_acq_info {
    const char *name;           /* as written in configs: "ei", "logei", ... */
    bo_acq_kind kind;
    bo_acq_value_fn value;
    int multi_source;           /* scores every source, not only the target */
    const char *summary;        /* one line for --help and docs */
} bo_acq_info;
extern const bo_acq_info bo_acq_registry[];

/* Looks a name up; returns 0 and sets *kind, or -1 when unknown. */
int bo_acq_from_name(const char *name, bo_acq_kind *kind);
/* The registry name of a kind; "?" when not in the table. */
const char *bo_acq_name(bo_acq_kind kind);

/* The acquisition through a GP, for one source at a time. Holds the
 * workspaces its calls need, so scoring allocates nothing; the GP is
 * borrowed (it must outlive the evaluator and stay conditioned), the options
 * and costs are copied. */
typedef struct bo_acq_evaluator bo_acq_evaluator;

/* NULL on invalid options (unknown kind, cost <= 0 or not finite, target or
 * sources inconsistent with the GP, a constraint GP missing or of another
 * dimension, a constraint's bounds not lower < upper) or no memory, with a message in errbuf
 * (if not NULL). max_block bounds the m of bo_acq_evaluate_block. */
bo_acq_evaluator *bo_acq_evaluator_create(const bo_acq_options *opt, bo_gp *gp, double best,
                                          size_t max_block, char *errbuf, size_t errlen);
void bo_acq_evaluator_destroy(bo_acq_evaluator *ev);
/* The source that later calls score; BO_EINVAL when out of range. */
bo_status bo_acq_evaluator_set_source(bo_acq_evaluator *ev, size_t source);
/* Value at x (dim values, the GP's input units) and, when grad is not NULL,
 * its gradient with respect to x. Errors are the GP's. */
bo_status bo_acq_evaluate(bo_acq_evaluator *ev, const double *x, double *value, double *grad);
/* Values at m <= max_block points (X m-by-dim row-major), one GP block
 * prediction. BO_EINVAL when m > max_block. */
bo_status bo_acq_evaluate_block(bo_acq_evaluator *ev, size_t m, const double *X, double *value);

/* log P(lower <= c <= upper) for c ~ N(mu, sigma^2) (sigma > 0, floored
 * like bo_acq_value's; lower < upper, either may be infinite) and, when not
 * NULL, its partial derivatives. Accurate in both tails; never below
 * -1e300 (its partials are 0 there). */
double bo_acq_log_prob_within(double mu, double sigma, double lower, double upper,
                              double *dmu, double *dsigma);

/* bo_acq_evaluate and bo_acq_evaluate_block weighted by P = P(success | x)
 * from a conditioned classifier over the GP's inputs (success NULL: the
 * unweighted values): log-EI becomes a + log P; every other kind a P where
 * a >= 0 and a / P where a < 0 (P floored at 1e-300), so that a point
 * likely to fail never scores better than it would if it were sure to
 * succeed. With grad, the gradient of the weighted value. Errors are the
 * GP's and the classifier's. */
bo_status bo_acq_evaluate_weighted(bo_acq_evaluator *ev, bo_gpc *success, const double *x,
                                   double *value, double *grad);
bo_status bo_acq_evaluate_block_weighted(bo_acq_evaluator *ev, bo_gpc *success, size_t m,
                                         const double *X, double *value);

#endif
