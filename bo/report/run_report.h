#ifndef BO_REPORT_RUN_REPORT_H
#define BO_REPORT_RUN_REPORT_H

/* What bo-run writes about a run besides its history: the fitted model in a
 * form a person reads, the point the run recommends, warnings about a fit
 * that ran into the edge of its box, and the benchmark (if any) the run's
 * objective is, so plots can show regret against the known optimum. */

#include <stddef.h>
#include <stdio.h>

#include "bo/report/benchmarks.h"
#include "bo/config/config.h"
#include "bo/engine/engine.h"
#include "gp/gp.h"

/* Two answers to "where is the optimum?". The best observed target value is
 * what the history shows; with a noisy objective it is often a lucky draw.
 * The recommendation is the evaluated target point whose posterior mean
 * under the final GP is best (lowest when minimising, highest when
 * maximising): the model averages the noise out, so it is the better
 * estimate. With a noise-free objective the two are usually the same point.
 * Both are points that were evaluated, never a point the model invented.
 *
 * Rows are engine observation indices plus one, which are history.csv's
 * data rows (bo-run observes in the order it appends, and --resume replays
 * the rows in file order). Values are in the user's sign and units. */
typedef struct bo_run_recommendation {
    size_t dim;                 /* values in each x below */

    int have_observed;          /* 0: no successful target evaluation */
    size_t observed_row;        /* 1-based row of the best observation in history.csv,
                                   or in initial_data when observed_prior */
    int observed_prior;
    double observed_y;
    double observed_mean;       /* posterior mean of f there (NAN without a model) */
    double observed_sd;         /* posterior sd of f there (NAN without a model) */
    double *observed_x;         /* dim values, user units (owned) */

    int have_model;             /* 0: no GP was given; recommended_* unset */
    size_t recommended_row;     /* likewise, with recommended_prior */
    int recommended_prior;
    double recommended_mean;    /* the best posterior mean of f */
    double recommended_sd;
    double recommended_y;       /* what was observed there */
    double *recommended_x;      /* dim values, user units (owned) */
} bo_run_recommendation;

/* "history.csv row K" or "initial_data row K" for a row of rec. */
const char *bo_run_row_label(size_t row, int prior, char *buf, size_t len);
/* 1 when the recommended point is the best observed one. */
int bo_run_recommendation_same(const bo_run_recommendation *rec);

/* An empty recommendation that bo_run_recommendation_cleanup accepts. */
void bo_run_recommendation_init(bo_run_recommendation *rec);
/* Frees what rec owns and leaves it empty; NULL is a no-op. */
void bo_run_recommendation_cleanup(bo_run_recommendation *rec);

/* Fills rec (initialised; earlier content is freed) from the engine's
 * successful observations of cfg's target source and, when gp is not NULL,
 * the posterior of that source under gp, which must be the engine's model
 * (bo_engine_fit_final's result: its inputs are the unit cube and its y is
 * minimised). Ties go to the earlier row, as bo_engine_best's do. Returns
 * BO_OK, BO_ENOMEM, or the GP's status when a prediction fails, with a
 * message starting "recommendation:" in err; after a failed prediction rec
 * still holds the best observation (have_model is 0). */
bo_status bo_run_recommend(const bo_config *cfg, const bo_engine *engine, bo_gp *gp,
                           bo_run_recommendation *rec, char *err, size_t errlen);

/* The summary's lines about the best point: "best <target> value: ..." (the
 * best observed, its row and x by input name) and "recommended ...: ..."
 * (the best posterior mean, or that it is the same point), or the line
 * saying there is no successful target evaluation. */
void bo_run_print_recommendation(FILE *out, const bo_config *cfg,
                                 const bo_run_recommendation *rec);

/* A fitted hyperparameter on a bound of the box the fit searches
 * (bo_gp_hyper_bounds). Learned noise variances on their lower bound are not
 * hits: that bound is the noise floor, where a deterministic objective's
 * noise belongs (docs/gp.md). */
typedef struct bo_run_bound_hit {
    size_t hyper;           /* index in the vector (bo_gp_hyper_name names it) */
    double value;           /* the fitted value, in the optimiser's space */
    double bound;           /* the bound it sits on */
    int upper;              /* 1: the upper bound, 0: the lower */
} bo_run_bound_hit;

/* Values within this fraction of their box's width count as on the bound:
 * the fit's L-BFGS runs and its clamps stop exactly on a bound, so only
 * roundoff needs room. */
#define BO_RUN_BOUND_TOLERANCE 1e-6

/* Every hit of gp's current hyperparameters, in vector order, in a new array
 * *hits (caller frees; NULL when *n_hits is 0). Returns BO_OK or BO_ENOMEM
 * with a message in err. */
bo_status bo_run_bound_hits(const bo_gp *gp, bo_run_bound_hit **hits, size_t *n_hits,
                            char *err, size_t errlen);

/* One line (no newline) naming the parameter, its value and the bound, and
 * what that means in the run's terms (input or source by name, length-scales
 * in the input's units). engine maps the GP's sources to cfg's. */
void bo_run_bound_hit_describe(const bo_config *cfg, const bo_engine *engine, const bo_gp *gp,
                               const bo_run_bound_hit *hit, char *buf, size_t len);

/* Prints "<prefix>warning: model: <description>\n" for every hit (prefix
 * may be NULL) and returns how many it printed; on no memory one line
 * saying the check could not be made. gp NULL prints nothing. */
size_t bo_run_print_bound_warnings(FILE *out, const char *prefix, const bo_config *cfg,
                                   const bo_engine *engine, const bo_gp *gp);

/* The GP's length-scales in the user's units (dim values): the model works
 * on the unit cube, so each is scaled back by its input's width, the width
 * of log(x) for log-scaled inputs (natural-log units). */
void bo_run_lengthscales(const bo_config *cfg, const bo_gp *gp, double *ell);

/* bo_gp_latent for reports: the canonicalisation's roundoff (coordinates
 * below 1e-12 in size, and -0) written as 0, so a source on an axis reads
 * as on it. */
void bo_run_latent(const bo_gp *gp, size_t gp_source, double *z);

/* The config's source index of the GP's source gp_source, or SIZE_MAX when
 * no modelled source maps to it. */
size_t bo_run_config_source(const bo_config *cfg, const bo_engine *engine, size_t gp_source);

/* Writes model.txt: kernel, the bound warnings, length-scales in the user's
 * units (natural-log units for log-scaled inputs), signal and noise standard
 * deviations, means, the fidelity map (latent point of each source and its
 * distance to the target), the best observed and the recommended point
 * (bo_run_recommend), the log marginal likelihood and the raw
 * hyperparameter vector. gp may be NULL (no model could be fitted): the
 * file then says so and gives the best observed point alone. Returns BO_OK,
 * BO_EIO with a message naming the path, or, with the file written all the
 * same (the failed part saying why), bo_run_recommend's or
 * bo_run_bound_hits's error, its message naming the path too. */
bo_status bo_run_write_model(const char *path, const bo_config *cfg, const bo_engine *engine,
                             bo_gp *gp, char *err, size_t errlen);

/* The benchmark table's entry for the config's plugin when the plugin file
 * is one of the benchmarks (by file name without .so) and the config's
 * inputs, bounds, goal and sources agree with the table; else NULL. */
const bo_benchmark *bo_run_known_benchmark(const bo_config *cfg);

#endif
