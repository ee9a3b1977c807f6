#ifndef BO_IO_PLOT_H
#define BO_IO_PLOT_H

/* Convergence plots drawn with gnuplot. The data (.dat) and the script (.gp)
 * are always written beside the picture, with relative file names, so a user
 * can restyle the plot and re-run `gnuplot convergence.gp` in the run folder.
 * When gnuplot is not installed the data and script are still written and
 * the caller is told, so it can warn instead of failing. docs/plots.md
 * describes the figure and every column of the .dat file for users. */

#include <stddef.h>

#include "gp/bo_status.h"

/* With a known optimum the figure draws |value - optimum| on a log axis; an
 * exact hit (0) is drawn at this floor, the smallest distinction double
 * precision makes. The .dat file's raw columns keep the true values. */
#define BO_PLOT_REGRET_FLOOR 1e-16

/* Without a known optimum the y axis is logarithmic when every drawn value
 * is positive and the largest is at least this many times the smallest. */
#define BO_PLOT_LOG_SPAN 100.0

/* One row per evaluation, in evaluation (history) order. */
typedef struct bo_plot_series {
    size_t n;
    const double *cum_cost;   /* cumulative cost after the evaluation */
    const double *best;       /* best target value so far; NAN before the first */
    const size_t *source;     /* source index of the evaluation (< n_sources);
                                 NULL: every evaluation is of the target */
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
    const char *const *source_names; /* n_sources names, for the legend (NULL: "f") */
    size_t n_sources;                /* 0 counts as 1 */
    size_t target_source;
    int has_optimum;                 /* plot |value - optimum| on a log axis */
    double optimum;                  /* known optimal target value */
    /* Optional; NULL / 0 draws what earlier versions drew. The two arrays
     * have the series' n entries; they live here rather than in
     * bo_plot_series so that callers' positional initialisers of the series
     * stay complete. */
    const double *evaluation_y;      /* each evaluation's own value, NAN when it
                                        failed; NULL: each evaluation is marked on
                                        the best-so-far line, failures not shown */
    const int *evaluation_initial;   /* 1: a point of the initial design, 0: chosen
                                        by the acquisition; NULL: not told apart */
    const char *objective;           /* plugin or command name, the legend's title */
    int maximize;                    /* the goal, for the axis label */
    int best_feasible;               /* 1: the best-so-far line is the best
                                        feasible value (a run with output
                                        constraints), and its legend says so */
} bo_plot_options;

/* Writes DIR/BASENAME.dat and DIR/BASENAME.gp and, unless the format is
 * BO_PLOT_NONE, runs gnuplot in DIR to draw DIR/BASENAME.png or .svg.
 *
 * The figure: each evaluation's own value as a marker (open for initial-design
 * points, filled for points the acquisition chose; one shape and colour per
 * source), failed evaluations as crosses in a band at the top of the axis, and
 * the best-so-far line. A run that evaluated one source draws one panel
 * against evaluations; a multi-fidelity run draws one panel against
 * cumulative cost (every source) and one against evaluations of the target
 * source. The y axis is log for regret and for positive values spanning
 * BO_PLOT_LOG_SPAN or more; every plot item has data, so gnuplot has nothing
 * to warn about, whatever the series (empty, all failed, one point, constant,
 * negative).
 *
 * *drawn is set to 1 when the picture was drawn, 0 when gnuplot is missing or
 * the format is none. Errors, with a message in err: BO_EINVAL (missing dir
 * or basename, a name too long for a path, a source index out of range),
 * BO_EIO (a file cannot be written, gnuplot fails). */
bo_status bo_plot_convergence(const bo_plot_options *opt, const bo_plot_series *series,
                              int *drawn, char *err, size_t errlen);

/* gnuplot is given this long to draw a picture (it takes well under a
 * second here) before it is killed. */
#define BO_PLOT_GNUPLOT_SECONDS 60.0

/* Runs `gnuplot SCRIPT` with DIR as the working folder (so the script's
 * relative file names resolve there), its stdout discarded, its stderr left
 * to the caller's. BO_EIO with a message naming the script when gnuplot
 * cannot be started, fails, or is still running after BO_PLOT_GNUPLOT_SECONDS
 * (it is then killed). */
bo_status bo_plot_run_gnuplot(const char *dir, const char *script, char *err, size_t errlen);

/* The same with a time limit of `seconds`. */
bo_status bo_plot_run_gnuplot_within(const char *dir, const char *script, double seconds,
                                     char *err, size_t errlen);

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
