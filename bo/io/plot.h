#ifndef BO_IO_PLOT_H
#define BO_IO_PLOT_H

/* Convergence plots drawn with gnuplot. The data (.dat) and the script (.gp)
 * are always written beside the picture, with relative file names, so a user
 * can restyle the plot and re-run `gnuplot convergence.gp` in the run folder.
 * When gnuplot is not installed the data and script are still written and
 * the caller is told, so it can warn instead of failing. */

#include <stddef.h>

#include "gp/bo_status.h"

/* One row per evaluation, in evaluation order. */
typedef struct bo_plot_series {
    size_t n;
    const double *cum_cost;   /* cumulative cost after the evaluation */
    const double *best;       /* best target value so far; NAN before the first */
    const size_t *source;     /* source index of the evaluation */
} bo_plot_series;

typedef enum bo_plot_format {
    BO_PLOT_NONE = 0,
    BO_PLOT_PNG,
    BO_PLOT_SVG
} bo_plot_format;

typedef struct bo_plot_options {
    const char *dir;                 /* output folder (must exist) */
    const char *basename;            /* e.g. "convergence": .dat, .gp, .png|.svg */
    bo_plot_format format;           /* BO_PLOT_NONE writes data and script only */
    const char *title;               /* the run name */
    const char *const *source_names; /* n_sources names, for the legend */
    size_t n_sources;
    size_t target_source;
    int has_optimum;                 /* plot simple regret on a log axis */
    double optimum;                  /* known optimal target value */
} bo_plot_options;

/* Writes DIR/BASENAME.dat and DIR/BASENAME.gp and, unless the format is
 * BO_PLOT_NONE, runs gnuplot in DIR to draw DIR/BASENAME.png or .svg: two
 * panels, best value against evaluations and against cumulative cost, each
 * evaluation marked by its source. *drawn is set to 1 when the picture was
 * drawn, 0 when gnuplot is missing or the format is none. Returns BO_EIO with
 * a message in err when a file cannot be written or gnuplot fails. */
bo_status bo_plot_convergence(const bo_plot_options *opt, const bo_plot_series *series,
                              int *drawn, char *err, size_t errlen);

/* Runs `gnuplot SCRIPT` with DIR as the working folder (so the script's
 * relative file names resolve there), its stdout discarded. BO_EIO with a
 * message when gnuplot cannot be started or fails. */
bo_status bo_plot_run_gnuplot(const char *dir, const char *script, char *err, size_t errlen);

/* 1 when an executable named `program` is found on PATH. */
int bo_plot_have_program(const char *program);

/* The formats by name, terminated by a row whose name is NULL. */
typedef struct bo_plot_format_info {
    const char *name;               /* as written in configs: "png", "svg", "none" */
    bo_plot_format format;
} bo_plot_format_info;
extern const bo_plot_format_info bo_plot_format_registry[];

/* Parses "png", "svg" or "none"; returns 0, or -1 for another name. */
int bo_plot_format_from_name(const char *name, bo_plot_format *format);
const char *bo_plot_format_name(bo_plot_format format);

#endif
