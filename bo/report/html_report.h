#ifndef BO_REPORT_HTML_REPORT_H
#define BO_REPORT_HTML_REPORT_H

/* report.html: one self-contained page per run for a person to open in a
 * browser. It holds the run's outcome (best observed value and the
 * recommendation of bo_run_recommend), warnings about hyperparameters on a
 * bound, the convergence figure, the fitted model in the user's units, the
 * fidelity map of a multi-fidelity run and the config as resolved. No style
 * sheet, script or font is fetched from anywhere: the only things the page
 * loads are the run folder's own files, by relative path, so the folder can
 * be moved, copied or archived with its report. */

#include <stddef.h>

#include "bo/config/config.h"
#include "bo/engine/engine.h"
#include "gp/bo_status.h"
#include "gp/gp.h"

/* The attribute of <body> in which the page's inline script records, once
 * the page has loaded, how many of its images decoded (naturalWidth > 0);
 * the total is in BO_REPORT_IMAGES_TOTAL_ATTR. A broken or missing figure
 * is also replaced by a visible note naming the file. */
#define BO_REPORT_IMAGES_DECODED_ATTR "data-images-decoded"
#define BO_REPORT_IMAGES_TOTAL_ATTR "data-images-total"

/* Writes DIR/report.html (through DIR/report.html.tmp and a rename, so a
 * reader never sees half a page). Call it after model.txt and the
 * convergence plot are written: the page shows DIR/convergence.png or .svg
 * (as cfg->output.plot says) when that file exists, and otherwise says why
 * there is no figure. gp is the final model (bo_engine_fit_final), or NULL
 * when none could be fitted; stop_reason (may be NULL) is the line bo-run
 * prints on stopping, e.g. "max_evaluations reached". Returns BO_OK, BO_EIO
 * or BO_ENOMEM with a message naming the file, or, with the page written all
 * the same (the best observed point alone, and why), the error of
 * bo_run_recommend, its message naming the file too. */
bo_status bo_report_write_html(const char *dir, const bo_config *cfg, const bo_engine *engine,
                               bo_gp *gp, const char *stop_reason, char *err, size_t errlen);

#endif
