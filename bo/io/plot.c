#define _POSIX_C_SOURCE 200809L

#include "bo/io/plot.h"

#include "bo/io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const bo_plot_format_info bo_plot_format_registry[] = {
    {"png", BO_PLOT_PNG},
    {"svg", BO_PLOT_SVG},
    {"none", BO_PLOT_NONE},
    {NULL, BO_PLOT_NONE},
};

int bo_plot_format_from_name(const char *name, bo_plot_format *format)
{
    for (size_t i = 0; bo_plot_format_registry[i].name; i++) {
        if (strcmp(bo_plot_format_registry[i].name, name) == 0) {
            *format = bo_plot_format_registry[i].format;
            return 0;
        }
    }
    return -1;
}

const char *bo_plot_format_name(bo_plot_format format)
{
    for (size_t i = 0; bo_plot_format_registry[i].name; i++)
        if (bo_plot_format_registry[i].format == format)
            return bo_plot_format_registry[i].name;
    return "?";
}

int bo_plot_have_program(const char *program)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char candidate[4096];
    while (*path) {
        size_t len = strcspn(path, ":");
        /* An empty PATH entry means the current folder. */
        int n = len ? snprintf(candidate, sizeof candidate, "%.*s/%s", (int)len, path, program)
                    : snprintf(candidate, sizeof candidate, "./%s", program);
        if (n > 0 && (size_t)n < sizeof candidate && access(candidate, X_OK) == 0)
            return 1;
        path += len;
        if (*path == ':')
            path++;
    }
    return 0;
}

/* gnuplot string literals are single-quoted here; a quote in a user's name
 * would end them, so it is replaced. */
static void plot_quote_safe(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < len; i++)
        dst[i] = (src[i] == '\'' || src[i] == '\\' || src[i] == '\n') ? '_' : src[i];
    dst[i] = '\0';
}

/* ------------------------------------------------------------------ */
/* What the figure shows, decided before anything is written           */

/* Columns of the .dat file (docs/plots.md lists them for users). */
enum {
    COL_EVAL = 1,
    COL_TARGET_EVAL,
    COL_CUM_COST,
    COL_SOURCE,
    COL_INITIAL,
    COL_FAILED,
    COL_Y,
    COL_BEST,
    COL_Y_PLOT,
    COL_BEST_PLOT
};

/* The largest magnitude a linear y axis reaches, and the decades a log
 * axis reaches each way. */
#define PLOT_VALUE_LIMIT 1e306
#define PLOT_LOG_DECADE_LIMIT 300.0
/* The most decades a log axis shows, and the most between its labels:
 * gnuplot 5.4's log tics misbehave with large factors between them (from
 * 1e8 it may warn that the interval is too small, or never finish). */
#define PLOT_LOG_MAX_DECADES 40.0
#define PLOT_LOG_MAX_DECADES_PER_TIC 5.0

/* Fraction of the y axis kept free at the top for the failed evaluations'
 * markers, so they never sit on data. */
#define PLOT_FAILED_BAND 0.08

/* The series with the options' per-evaluation arrays beside it. */
typedef struct plot_data {
    size_t n;
    const double *cum_cost;
    const double *best;
    const size_t *source;   /* NULL: all of the target */
    const double *y;        /* NULL: not known */
    const int *initial;     /* NULL: not known */
} plot_data;

typedef struct plot_frame {
    size_t n_sources;
    size_t target;
    int multi_fidelity;   /* some evaluation is of another source than the target */
    int have_y;           /* each evaluation's own value is known */
    int have_phase;       /* initial-design points are told apart */
    size_t n_target;      /* evaluations of the target source */
    size_t n_failed;
    size_t n_values;      /* finite values drawn (own values and best so far) */
    int log_y;
    double y_lo, y_hi;    /* the y axis */
    double failed_y;      /* where failures are drawn: inside the band at the top */
    double cost_hi;       /* largest cumulative cost */
} plot_frame;

static size_t plot_source(const plot_data *s, const plot_frame *fr, size_t i)
{
    return s->source ? s->source[i] : fr->target;
}

static int plot_failed(const plot_data *s, size_t i)
{
    return s->y && !isfinite(s->y[i]);
}

/* A value as drawn: its distance to a known optimum (floored for the log
 * axis), else the value itself; NAN when there is none. */
static double plot_drawn(const bo_plot_options *opt, double v)
{
    if (!isfinite(v))
        return NAN;
    return opt->has_optimum ? fmax(fabs(v - opt->optimum), BO_PLOT_REGRET_FLOOR) : v;
}

/* The evaluation's marker height: its own value, or (without own values) the
 * best so far, as earlier versions drew it. */
static double plot_marker_value(const bo_plot_options *opt, const plot_data *s, size_t i)
{
    return plot_drawn(opt, s->y ? s->y[i] : s->best[i]);
}

/* A round step (1, 2 or 5 times a power of ten) that cuts span into about
 * five intervals: the axis ends fall on tics. */
static double plot_nice_step(double span)
{
    double raw = span / 5.0;
    double magnitude = pow(10.0, floor(log10(raw)));
    double f = raw / magnitude;
    return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * magnitude;
}

/* The upper end of an axis from 0 that holds max: a multiple of a round step
 * (of an integer step for counts, so their tics are whole numbers). */
static double plot_axis_top(double max, int counts, double *step)
{
    if (!(max > 0.0) || !isfinite(max)) {
        *step = counts ? 1.0 : 0.2;
        return 1.0;
    }
    *step = plot_nice_step(max);
    if (counts && *step < 1.0)
        *step = 1.0;
    return ceil(max / *step * (1 - 1e-12)) * *step;
}

/* The y axis: whole decades on a log axis, round steps on a linear one,
 * never an empty range (one point, constant values), and the failures' band
 * on top when there are failures. */
static void plot_y_axis(plot_frame *fr, double lo, double hi, double log_lo)
{
    double bottom, top; /* in axis units: log10 on a log axis */
    if (fr->n_values == 0) {
        bottom = 0.0;
        top = 1.0;
    } else if (fr->log_y) {
        /* Whole decades, within what gnuplot's log axis arithmetic handles. */
        bottom = fmax(floor(log10(log_lo)), -PLOT_LOG_DECADE_LIMIT);
        top = fmin(ceil(log10(hi)), PLOT_LOG_DECADE_LIMIT);
        /* The bottom is where a run converges: an axis too tall to read
         * loses its top instead. */
        top = fmin(top, bottom + PLOT_LOG_MAX_DECADES);
        if (top <= bottom) {
            bottom -= 1.0;
            top += 1.0;
        }
    } else {
        /* gnuplot's axis arithmetic overflows near the largest doubles (a
         * span of 1e308 warns): values beyond the limit fall outside the
         * axis and are left out, silently. */
        lo = fmax(lo, -PLOT_VALUE_LIMIT);
        hi = fmin(hi, PLOT_VALUE_LIMIT);
        double span = hi - lo;
        if (!(span > 0.0))
            span = lo != 0.0 ? fabs(lo) : 1.0;
        double step = plot_nice_step(span);
        bottom = floor(lo / step) * step;
        top = ceil(hi / step) * step;
        if (top <= bottom) {
            bottom -= step;
            top += step;
        }
    }
    double failed = top;
    if (fr->n_failed > 0) {
        double extra = (top - bottom) * PLOT_FAILED_BAND / (1.0 - PLOT_FAILED_BAND);
        failed = top + 0.5 * extra;
        top += extra;
    }
    fr->y_lo = fr->log_y ? pow(10.0, bottom) : bottom;
    fr->y_hi = fr->log_y ? pow(10.0, top) : top;
    fr->failed_y = fr->log_y ? pow(10.0, failed) : failed;
}

static bo_status plot_scan(const bo_plot_options *opt, const plot_data *s, plot_frame *fr,
                           char *err, size_t errlen)
{
    memset(fr, 0, sizeof *fr);
    fr->n_sources = opt->n_sources ? opt->n_sources : 1;
    fr->target = opt->target_source;
    if (fr->target >= fr->n_sources) {
        snprintf(err, errlen, "plot %s: target source %zu of %zu sources", opt->basename,
                 fr->target, fr->n_sources);
        return BO_EINVAL;
    }
    if (s->n > 0 && (!s->cum_cost || !s->best)) {
        snprintf(err, errlen, "plot %s: series without cumulative costs or best values",
                 opt->basename);
        return BO_EINVAL;
    }
    fr->have_y = s->y != NULL;
    fr->have_phase = s->initial != NULL;
    double lo = INFINITY, hi = -INFINITY;
    double log_lo = INFINITY; /* the smallest value a log axis can show */
    const double log_smallest = pow(10.0, -PLOT_LOG_DECADE_LIMIT);
    int all_positive = 1;
    for (size_t i = 0; i < s->n; i++) {
        size_t src = plot_source(s, fr, i);
        if (src >= fr->n_sources) {
            snprintf(err, errlen, "plot %s: evaluation %zu has source %zu, but there are %zu "
                                  "sources",
                     opt->basename, i + 1, src, fr->n_sources);
            return BO_EINVAL;
        }
        fr->multi_fidelity |= src != fr->target;
        fr->n_target += src == fr->target;
        fr->n_failed += plot_failed(s, i) != 0;
        if (isfinite(s->cum_cost[i]))
            fr->cost_hi = fmax(fr->cost_hi, s->cum_cost[i]);
        double values[2] = {plot_drawn(opt, s->best[i]), s->y ? plot_drawn(opt, s->y[i]) : NAN};
        for (int k = 0; k < 2; k++) {
            if (isnan(values[k]))
                continue;
            fr->n_values++;
            lo = fmin(lo, values[k]);
            hi = fmax(hi, values[k]);
            if (values[k] >= log_smallest)
                log_lo = fmin(log_lo, values[k]);
            all_positive &= values[k] > 0.0;
        }
    }
    /* Regret always gets a log axis (a converging run spans decades of it);
     * other values only when they can (all positive) and a linear axis would
     * squash the small ones into its floor. */
    fr->log_y = fr->n_values > 0 &&
                (opt->has_optimum || (all_positive && hi >= BO_PLOT_LOG_SPAN * lo));
    plot_y_axis(fr, lo, hi, isfinite(log_lo) ? log_lo : lo);
    return BO_OK;
}

/* ------------------------------------------------------------------ */
/* The data file                                                       */

static void plot_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, " %.17g", v);
    else
        fprintf(f, " ?");
}

static bo_status plot_write_data(const bo_plot_options *opt, const plot_data *s,
                                 const plot_frame *fr, const char *path, char *err,
                                 size_t errlen)
{
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, err, errlen);
    if (!f)
        return BO_ENOMEM;
    fprintf(f, "# One row per evaluation, in history order; '?' = none (docs/plots.md).\n");
    if (opt->has_optimum)
        fprintf(f, "# known optimum %.17g: y_plot and best_plot are |value - optimum|, "
                   "at least %g\n",
                opt->optimum, BO_PLOT_REGRET_FLOOR);
    else
        fprintf(f, "# optimum unknown: y_plot and best_plot are y and best\n");
    fprintf(f, "# target source %zu; initial: 1 initial design, 0 chosen by the acquisition%s\n",
            fr->target, fr->have_phase ? "" : " (not known: 0)");
    fprintf(f, "# eval target_eval cum_cost source initial failed y best y_plot best_plot\n");
    size_t target_evals = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t src = plot_source(s, fr, i);
        target_evals += src == fr->target;
        int failed = plot_failed(s, i);
        fprintf(f, "%zu %zu", i + 1, target_evals);
        plot_number(f, s->cum_cost[i]);
        fprintf(f, " %zu %d %d", src, s->initial && s->initial[i] ? 1 : 0, failed);
        plot_number(f, s->y ? s->y[i] : NAN);
        plot_number(f, s->best[i]);
        plot_number(f, s->y ? plot_drawn(opt, s->y[i]) : NAN);
        plot_number(f, plot_drawn(opt, s->best[i]));
        fputc('\n', f);
    }
    return bo_atomic_file_commit(&af, err, errlen);
}

/* ------------------------------------------------------------------ */
/* The script                                                          */

/* Okabe and Ito's colour-blind-safe palette: the target in blue, the other
 * sources in the remaining hues; vermillion is kept for failures. */
#define PLOT_TARGET_COLOUR "#0072B2"
/* Styles the panels and the legend share. */
#define PLOT_BEST_STYLE "with steps lw 2 lc rgb '#000000'"
#define PLOT_FAILED_STYLE "with points pt 2 ps 1.3 lw 2 lc rgb '#D55E00'"
static const char *const plot_source_colours[] = {"#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                                                  "#777777"};
/* Point types as pairs (open, filled): circles for the target, then
 * triangles, diamonds, inverted triangles, squares, pentagons. */
static const int plot_target_points[2] = {6, 7};
static const int plot_source_points[][2] = {{8, 9}, {12, 13}, {10, 11}, {4, 5}, {14, 15}};

/* The canvas, in pixels: a panel is about 700 wide, and wider when the
 * legend needs it; the legend takes one line per row under the axes. */
#define PLOT_PANEL_WIDTH 700
#define PLOT_SINGLE_WIDTH 900
#define PLOT_HEIGHT 540
#define PLOT_LINE 22        /* one line of text at font size 12 */
#define PLOT_AXIS_TEXT 62   /* x tic labels and x label under the axes */
#define PLOT_TITLE_SPACE 44
/* gnuplot sizes legend columns from its estimate of a character's width
 * (about 10.5 pixels at sans 12), not from the rendered text, and drops
 * entries that do not fit: a column is the longest title plus the sample
 * and gaps (about five characters), and the estimate errs wide. */
#define PLOT_CHAR_WIDTH 11
#define PLOT_LEGEND_EXTRA_CHARS 5

typedef enum plot_panel_kind {
    PLOT_PANEL_EVALS,   /* single source: against evaluations */
    PLOT_PANEL_COST,    /* multi-fidelity: every source against cumulative cost */
    PLOT_PANEL_TARGET   /* multi-fidelity: the target against its evaluations */
} plot_panel_kind;

static int plot_in_panel(const plot_data *s, const plot_frame *fr, plot_panel_kind kind,
                         size_t i)
{
    return kind != PLOT_PANEL_TARGET || plot_source(s, fr, i) == fr->target;
}

/* Evaluations drawn as markers of one source and phase (1 initial, 0 chosen,
 * -1 not told apart). */
static size_t plot_marker_count(const bo_plot_options *opt, const plot_data *s,
                                const plot_frame *fr, size_t src, int phase)
{
    size_t count = 0;
    for (size_t i = 0; i < s->n; i++)
        count += plot_source(s, fr, i) == src && !plot_failed(s, i) &&
                 (phase < 0 || (s->initial[i] != 0) == phase) &&
                 !isnan(plot_marker_value(opt, s, i));
    return count;
}

static size_t plot_best_count(const bo_plot_options *opt, const plot_data *s)
{
    size_t count = 0;
    for (size_t i = 0; i < s->n; i++)
        count += !isnan(plot_drawn(opt, s->best[i]));
    return count;
}

static size_t plot_failed_count(const plot_data *s, const plot_frame *fr, plot_panel_kind kind)
{
    size_t count = 0;
    for (size_t i = 0; i < s->n; i++)
        count += plot_in_panel(s, fr, kind, i) && plot_failed(s, i);
    return count;
}

/* The k-th source in drawing order: the target first, then the others. */
static size_t plot_source_in_order(const plot_frame *fr, size_t k)
{
    return k == 0 ? fr->target : k <= fr->target ? k - 1 : k;
}

/* Writes "plot " before the first item and a continuation before the others. */
static void plot_next_item(FILE *f, int *n_items)
{
    fputs(*n_items ? ", \\\n     " : "plot ", f);
    (*n_items)++;
}

/* Data items carry no title: the legend is drawn apart (dat NULL), with the
 * same styles, across the whole figure. */
static void plot_item_title(FILE *f, const char *dat, const char *title)
{
    if (dat)
        fprintf(f, "notitle");
    else
        fprintf(f, "title '%s'", title);
}

/* An empty place in the legend, which keeps its columns in step. */
static void plot_blank_entry(FILE *f, int *n_items)
{
    plot_next_item(f, n_items);
    fprintf(f, "NaN with lines lt nodraw title ' '");
}

/* Markers of one source and phase, only when some evaluation is drawn, so
 * gnuplot never meets an item without points (it would warn). */
static void plot_marker_item(FILE *f, const bo_plot_options *opt, const plot_data *s,
                             const plot_frame *fr, const char *dat, int x_column, size_t src,
                             int phase, int *n_items)
{
    if (plot_marker_count(opt, s, fr, src, phase) == 0) {
        if (!dat)
            plot_blank_entry(f, n_items);
        return;
    }
    size_t n_colours = sizeof plot_source_colours / sizeof plot_source_colours[0];
    size_t n_shapes = sizeof plot_source_points / sizeof plot_source_points[0];
    size_t other = src < fr->target ? src : src - 1; /* index among the other sources */
    int is_target = src == fr->target;
    const char *colour = is_target ? PLOT_TARGET_COLOUR : plot_source_colours[other % n_colours];
    const int *points = is_target ? plot_target_points : plot_source_points[other % n_shapes];

    char name[128], title[256];
    plot_quote_safe(name, sizeof name, opt->source_names ? opt->source_names[src] : "f");
    const char *what = phase == 1 ? "initial design" : phase == 0 ? "chosen by BO" : NULL;
    if (!fr->multi_fidelity)
        snprintf(title, sizeof title, "%s", what ? what : "evaluations");
    else if (what)
        snprintf(title, sizeof title, "%s, %s", name, what);
    else
        snprintf(title, sizeof title, "%s", name);

    plot_next_item(f, n_items);
    if (dat) {
        fprintf(f, "'%s' using %d:(($%d==%zu && $%d==0", dat, x_column, COL_SOURCE, src,
                COL_FAILED);
        if (phase >= 0)
            fprintf(f, " && $%d==%d", COL_INITIAL, phase);
        fprintf(f, ") ? $%d : 1/0)", fr->have_y ? COL_Y_PLOT : COL_BEST_PLOT);
    } else {
        fprintf(f, "NaN");
    }
    fprintf(f, " with points pt %d ps %s lc rgb '%s' ", points[phase == 1 ? 0 : 1],
            is_target ? "1.1" : "0.9", colour);
    plot_item_title(f, dat, title);
}

static void plot_x_axis(FILE *f, const bo_plot_options *opt, const plot_data *s,
                        const plot_frame *fr, plot_panel_kind kind)
{
    double step, top;
    if (kind == PLOT_PANEL_COST) {
        top = plot_axis_top(fr->cost_hi, 0, &step);
        fprintf(f, "set xlabel 'cumulative cost (all sources)'\n");
    } else if (kind == PLOT_PANEL_TARGET) {
        char target_name[128];
        plot_quote_safe(target_name, sizeof target_name,
                        opt->source_names ? opt->source_names[fr->target] : "f");
        top = plot_axis_top((double)fr->n_target, 1, &step);
        fprintf(f, "set xlabel 'evaluations of %s (the target)' noenhanced\n", target_name);
    } else {
        top = plot_axis_top((double)s->n, 1, &step);
        fprintf(f, "set xlabel 'evaluations'\n");
    }
    /* A little room after the last tic, so the last evaluation's marker is
     * not cut by the border. */
    fprintf(f, "set xtics 0, %.17g, %.17g\nset xrange [0:%.17g]\n", step, top, top * 1.02);
}

/* The plot command of one panel: best so far, the markers by source and
 * phase, the failures. */
static void plot_items(FILE *f, const bo_plot_options *opt, const plot_data *s,
                       const plot_frame *fr, const char *dat, plot_panel_kind kind)
{
    int x_column = kind == PLOT_PANEL_COST     ? COL_CUM_COST
                   : kind == PLOT_PANEL_TARGET ? COL_TARGET_EVAL
                                               : COL_EVAL;
    /* Later items are drawn over earlier ones: the other sources first, then
     * the best-so-far line, then the target's markers on top. */
    int n_items = 0;
    for (size_t k = fr->n_sources; k-- > 0;) {
        size_t src = plot_source_in_order(fr, k);
        if (kind == PLOT_PANEL_TARGET && src != fr->target)
            continue;
        if (src == fr->target && plot_best_count(opt, s) > 0) {
            plot_next_item(f, &n_items);
            fprintf(f, "'%s' using %d:%d " PLOT_BEST_STYLE " notitle", dat, x_column,
                    COL_BEST_PLOT);
        }
        if (fr->have_phase) {
            plot_marker_item(f, opt, s, fr, dat, x_column, src, 1, &n_items);
            plot_marker_item(f, opt, s, fr, dat, x_column, src, 0, &n_items);
        } else {
            plot_marker_item(f, opt, s, fr, dat, x_column, src, -1, &n_items);
        }
    }
    if (plot_failed_count(s, fr, kind) > 0) {
        plot_next_item(f, &n_items);
        fprintf(f, "'%s' using %d:(($%d==1", dat, x_column, COL_FAILED);
        if (kind == PLOT_PANEL_TARGET)
            fprintf(f, " && $%d==%zu", COL_SOURCE, fr->target);
        fprintf(f, ") ? failed_y : 1/0) " PLOT_FAILED_STYLE " notitle");
    }
    /* Every item above has a point; with nothing to draw, NaN over the
     * explicit ranges draws the frame alone, without a warning. */
    fprintf(f, "%s\n", n_items ? "" : "plot NaN notitle");
}

/* One panel of data: its x axis, its items, and a word in the middle when
 * there is nothing to see. */
static void plot_panel(FILE *f, const bo_plot_options *opt, const plot_data *s,
                       const plot_frame *fr, const char *dat, plot_panel_kind kind)
{
    plot_x_axis(f, opt, s, fr, kind);
    size_t n_in_panel = 0;
    for (size_t i = 0; i < s->n; i++)
        n_in_panel += plot_in_panel(s, fr, kind, i);
    const char *why = n_in_panel == 0     ? (kind == PLOT_PANEL_TARGET
                                                 ? "no evaluation of the target yet"
                                                 : "no evaluations yet")
                      : fr->n_values == 0 ? "no successful evaluation"
                                          : NULL;
    if (why)
        fprintf(f, "set label 1 '%s' at graph 0.5, 0.5 center\n", why);
    plot_items(f, opt, s, fr, dat, kind);
    if (why)
        fprintf(f, "unset label 1\n");
}

/* Columns of the legend: best so far and failures, then one per source
 * drawn (its initial-design and chosen points one above the other). */
static size_t plot_legend_columns(const bo_plot_options *opt, const plot_data *s,
                                  const plot_frame *fr)
{
    size_t columns = 1;
    for (size_t src = 0; src < fr->n_sources; src++)
        columns += plot_marker_count(opt, s, fr, src, fr->have_phase ? 1 : -1) +
                       (fr->have_phase ? plot_marker_count(opt, s, fr, src, 0) : 0) >
                   0;
    return columns;
}

/* The legend as a plot of its own under the panels, across the figure: no
 * axes, the items' styles and titles over no data, column by column (two
 * rows when the phases are told apart, else one). */
static void plot_legend(FILE *f, const bo_plot_options *opt, const plot_data *s,
                        const plot_frame *fr, const char *objective, double top)
{
    fprintf(f, "# The legend, under the axes so that it covers no point.\n");
    fprintf(f, "set lmargin at screen 0.02\nset rmargin at screen 0.98\n");
    fprintf(f, "set tmargin at screen %.4f\nset bmargin at screen 0.01\n", top);
    fprintf(f, "unset border\nunset xtics\nunset ytics\nunset mxtics\nunset mytics\nunset grid\n");
    fprintf(f, "unset xlabel\nunset ylabel\nunset logscale y\nunset label\n");
    fprintf(f, "set xrange [0:1]\nset yrange [0:1]\n");
    fprintf(f, "set key inside center top %s noenhanced reverse Left samplen 2 spacing 1.1 "
               "width 1\n",
            fr->have_phase ? "vertical maxrows 2" : "horizontal maxrows 1");
    char target_name[128];
    plot_quote_safe(target_name, sizeof target_name,
                    opt->source_names ? opt->source_names[fr->target] : "f");
    /* Another source's marker is that function's value against the target's
     * scale, not progress on the target: the title says so. */
    char key_title[512];
    snprintf(key_title, sizeof key_title, "%s%s%s%s%s", objective[0] ? "objective: " : "",
             objective, objective[0] && fr->multi_fidelity ? ", " : "",
             fr->multi_fidelity ? "target source " : "", fr->multi_fidelity ? target_name : "");
    if (fr->multi_fidelity && fr->have_y)
        snprintf(key_title + strlen(key_title), sizeof key_title - strlen(key_title),
                 " (other sources at their own values)");
    if (key_title[0])
        fprintf(f, "set key title '%s' noenhanced\n", key_title);
    else
        fprintf(f, "set key notitle\n");

    int n_items = 0;
    if (plot_best_count(opt, s) > 0) {
        plot_next_item(f, &n_items);
        fprintf(f, "NaN " PLOT_BEST_STYLE " title '%s'",
                opt->best_feasible ? "best feasible so far" : "best so far");
    } else if (fr->have_phase) {
        plot_blank_entry(f, &n_items);
    }
    if (fr->n_failed > 0) {
        plot_next_item(f, &n_items);
        fprintf(f, "NaN " PLOT_FAILED_STYLE " title 'failed (at the top)'");
    } else if (fr->have_phase) {
        plot_blank_entry(f, &n_items);
    }
    for (size_t k = 0; k < fr->n_sources; k++) {
        size_t src = plot_source_in_order(fr, k);
        if (!fr->have_phase) {
            if (plot_marker_count(opt, s, fr, src, -1) > 0)
                plot_marker_item(f, opt, s, fr, NULL, 0, src, -1, &n_items);
        } else if (plot_marker_count(opt, s, fr, src, 1) + plot_marker_count(opt, s, fr, src, 0) >
                   0) {
            plot_marker_item(f, opt, s, fr, NULL, 0, src, 1, &n_items);
            plot_marker_item(f, opt, s, fr, NULL, 0, src, 0, &n_items);
        }
    }
    fprintf(f, "\n");
}

/* The figure's width: a panel's worth per panel, more when the legend's
 * columns need it. */
static int plot_width(const bo_plot_options *opt, const plot_data *s, const plot_frame *fr)
{
    size_t longest = strlen("failed (at the top)");
    for (size_t src = 0; fr->multi_fidelity && src < fr->n_sources; src++) {
        size_t len = strlen(opt->source_names ? opt->source_names[src] : "f") +
                     strlen(", initial design");
        longest = len > longest ? len : longest;
    }
    if (longest > 120)
        longest = 120; /* source names are cut to 127 characters for the script */
    int column = PLOT_CHAR_WIDTH * ((int)longest + PLOT_LEGEND_EXTRA_CHARS);
    int needed = column * (int)plot_legend_columns(opt, s, fr) + 60;
    int width = fr->multi_fidelity ? 2 * PLOT_PANEL_WIDTH : PLOT_SINGLE_WIDTH;
    return width > needed ? width : needed;
}

static void plot_y_axis_commands(FILE *f, const bo_plot_options *opt, const plot_frame *fr)
{
    if (opt->has_optimum)
        fprintf(f, "set ylabel 'regret |y - y^*|,  y^* = %.10g'\n", opt->optimum);
    else
        fprintf(f, "set ylabel 'y (%s)'\n", opt->maximize ? "maximised" : "minimised");
    if (fr->log_y) {
        /* At most about eight labelled decades, a minor tic at every decade
         * between them (gnuplot's default minor tics would fill each gap
         * with eight), none when they would be too many to tell apart. */
        double decades = log10(fr->y_hi) - log10(fr->y_lo);
        double per_tic = fmin(ceil(decades / 8.0 - 1e-9), PLOT_LOG_MAX_DECADES_PER_TIC);
        fprintf(f, "set logscale y\nset format y '10^{%%L}'\n");
        if (per_tic > 1.0)
            fprintf(f, "set ytics 1e%g\nset mytics %g\n", per_tic, per_tic);
    } else {
        fprintf(f, "unset logscale y\nset format y '%%g'\n");
    }
    if (fr->n_values == 0)
        fprintf(f, "set format y ''\n"); /* no value: numbers on the axis would mean nothing */
    fprintf(f, "set yrange [%.17g:%.17g]\n", fr->y_lo, fr->y_hi);
    fprintf(f, "failed_y = %.17g  # height of the failed evaluations' markers\n", fr->failed_y);
}

static bo_status plot_write_script(const bo_plot_options *opt, const plot_data *s,
                                   const plot_frame *fr, const char *path, const char *dat_name,
                                   const char *picture_name, char *err, size_t errlen)
{
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, err, errlen);
    if (!f)
        return BO_ENOMEM;
    char title[256], objective[256];
    plot_quote_safe(title, sizeof title, opt->title ? opt->title : "bo-run");
    plot_quote_safe(objective, sizeof objective, opt->objective);
    const char *script = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    fprintf(f, "# Convergence of run '%s', written by bo-run; the columns of %s are\n"
               "# described in its header and in docs/plots.md.\n",
            title, dat_name);
    fprintf(f, "# Re-draw in this folder with: gnuplot %s\n", script);

    /* The legend goes under the axes, across the whole figure, so it never
     * covers a point; the margins are fixed so that both panels of a
     * multi-fidelity figure have the same axes, and leave the legend room. */
    int panels = fr->multi_fidelity ? 2 : 1;
    int rows = (fr->have_phase ? 2 : 1) + (objective[0] || fr->multi_fidelity ? 1 : 0);
    int width = plot_width(opt, s, fr);
    int height = PLOT_HEIGHT;
    double legend_top = (double)(PLOT_LINE * rows + 12) / height;
    double bottom = legend_top + (double)PLOT_AXIS_TEXT / height;
    double top = 1.0 - (double)PLOT_TITLE_SPACE / height;
    if (opt->format == BO_PLOT_SVG)
        fprintf(f, "set terminal svg size %d,%d dynamic enhanced font 'sans,12'\n", width, height);
    else
        fprintf(f, "set terminal pngcairo size %d,%d enhanced font 'sans,12'\n", width, height);
    fprintf(f, "set output '%s'\n", picture_name);
    fprintf(f, "set datafile missing '?'\n");
    fprintf(f, "set style line 100 lc rgb '#e3e3e3' lw 1 dt 1\nset grid back ls 100\n");
    fprintf(f, "set mxtics\nset mytics\nunset key\n");
    fprintf(f, "set bmargin at screen %.4f\nset tmargin at screen %.4f\n", bottom, top);
    plot_y_axis_commands(f, opt, fr);
    fprintf(f, "set multiplot title '%s' noenhanced font ',14'\n", title);
    if (panels == 2) {
        fprintf(f, "set lmargin at screen 0.07\nset rmargin at screen 0.485\n");
        plot_panel(f, opt, s, fr, dat_name, PLOT_PANEL_COST);
        fprintf(f, "set ylabel ''  # the same y axis: its label once, on the left\n");
        fprintf(f, "set lmargin at screen 0.555\nset rmargin at screen 0.97\n");
        plot_panel(f, opt, s, fr, dat_name, PLOT_PANEL_TARGET);
    } else {
        fprintf(f, "set lmargin at screen 0.11\nset rmargin at screen 0.96\n");
        plot_panel(f, opt, s, fr, dat_name, PLOT_PANEL_EVALS);
    }
    plot_legend(f, opt, s, fr, objective, legend_top);
    fprintf(f, "unset multiplot\n");
    return bo_atomic_file_commit(&af, err, errlen);
}

static double plot_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

bo_status bo_plot_run_gnuplot_within(const char *dir, const char *script, double seconds,
                                     char *err, size_t errlen)
{
    fflush(NULL); /* the child must not write the parent's buffers again */
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
        return BO_EIO;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDOUT_FILENO);
        if (chdir(dir) != 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    /* Polled rather than waited for: gnuplot can spin for ever on some
     * axes, and a finished run must not hang on its picture. */
    double deadline = plot_now() + seconds;
    int status = 0;
    for (;;) {
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            break;
        if (got < 0 && errno != EINTR) {
            snprintf(err, errlen, "waiting for gnuplot: %s", strerror(errno));
            return BO_EIO;
        }
        if (plot_now() > deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            snprintf(err, errlen, "gnuplot did not finish %s/%s within %g s; stopped", dir,
                     script, seconds);
            return BO_EIO;
        }
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "gnuplot failed on %s/%s (exit status %d)", dir, script,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return BO_EIO;
    }
    return BO_OK;
}

bo_status bo_plot_run_gnuplot(const char *dir, const char *script, char *err, size_t errlen)
{
    return bo_plot_run_gnuplot_within(dir, script, BO_PLOT_GNUPLOT_SECONDS, err, errlen);
}

/* name into buf; BO_EINVAL naming it when it does not fit. */
static bo_status plot_name(char *buf, size_t len, char *err, size_t errlen, const char *fmt,
                           const char *a, const char *b)
{
    int n = snprintf(buf, len, fmt, a, b);
    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "plot: path too long: %s/%s", a, b);
        return BO_EINVAL;
    }
    return BO_OK;
}

bo_status bo_plot_convergence(const bo_plot_options *opt, const bo_plot_series *series,
                              int *drawn, char *err, size_t errlen)
{
    *drawn = 0;
    if (!opt->dir || !opt->basename || !*opt->basename || strchr(opt->basename, '/')) {
        snprintf(err, errlen, "plot: an output folder and a file name without '/' are needed");
        return BO_EINVAL;
    }
    char dat_name[256], script_name[256], picture_name[256], path[4096];
    const char *ext = opt->format == BO_PLOT_SVG ? "svg" : "png";
    bo_status st = plot_name(dat_name, sizeof dat_name, err, errlen, "%s%s", opt->basename, ".dat");
    if (st == BO_OK)
        st = plot_name(script_name, sizeof script_name, err, errlen, "%s%s", opt->basename, ".gp");
    if (st == BO_OK)
        st = plot_name(picture_name, sizeof picture_name, err, errlen, "%s.%s", opt->basename,
                       ext);
    plot_data data = {series->n,         series->cum_cost,       series->best,
                      series->source,    opt->evaluation_y,      opt->evaluation_initial};
    plot_frame fr;
    if (st == BO_OK)
        st = plot_scan(opt, &data, &fr, err, errlen);
    if (st == BO_OK)
        st = plot_name(path, sizeof path, err, errlen, "%s/%s", opt->dir, dat_name);
    if (st == BO_OK)
        st = plot_write_data(opt, &data, &fr, path, err, errlen);
    if (st == BO_OK)
        st = plot_name(path, sizeof path, err, errlen, "%s/%s", opt->dir, script_name);
    if (st == BO_OK)
        st = plot_write_script(opt, &data, &fr, path, dat_name, picture_name, err, errlen);
    if (st != BO_OK)
        return st;
    if (opt->format == BO_PLOT_NONE || !bo_plot_have_program("gnuplot"))
        return BO_OK;
    st = bo_plot_run_gnuplot(opt->dir, script_name, err, errlen);
    if (st == BO_OK)
        *drawn = 1;
    return st;
}
