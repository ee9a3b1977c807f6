#ifndef BO_REPORT_RUN_REPORT_H
#define BO_REPORT_RUN_REPORT_H

/* What bo-run writes about a run besides its history: the fitted model in a
 * form a person reads, and the benchmark (if any) the run's objective is, so
 * plots can show regret against the known optimum. */

#include <stddef.h>

#include "bo/report/benchmarks.h"
#include "bo/config/config.h"
#include "bo/engine/engine.h"
#include "gp/gp.h"

/* Writes model.txt: kernel, length-scales in the user's units (natural-log
 * units for log-scaled inputs), signal and noise standard deviations, means,
 * the fidelity map (latent point of each source and its distance to the
 * target), the log marginal likelihood and the raw hyperparameter vector.
 * gp may be NULL (no model could be fitted): the file then says so.
 * Returns BO_OK or BO_EIO with a message naming the path. */
bo_status bo_run_write_model(const char *path, const bo_config *cfg, const bo_engine *engine,
                             const bo_gp *gp, char *err, size_t errlen);

/* The benchmark table's entry for the config's plugin when the plugin file
 * is one of the benchmarks (by file name without .so) and the config's
 * inputs, bounds, goal and sources agree with the table; else NULL. */
const bo_benchmark *bo_run_known_benchmark(const bo_config *cfg);

#endif
