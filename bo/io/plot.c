#define _POSIX_C_SOURCE 200809L

#include "bo/io/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

static bo_status plot_write_data(const bo_plot_options *opt, const bo_plot_series *s,
                                 const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
    fprintf(f, "# eval cum_cost best regret source\n");
    for (size_t i = 0; i < s->n; i++) {
        fprintf(f, "%zu %.17g ", i + 1, s->cum_cost[i]);
        if (isfinite(s->best[i])) {
            fprintf(f, "%.17g ", s->best[i]);
            if (opt->has_optimum)
                /* Regret reaches exactly zero when the optimum is hit; keep it
                 * on the log axis at the smallest double-precision distinction. */
                fprintf(f, "%.17g ", fmax(fabs(s->best[i] - opt->optimum), 1e-16));
            else
                fprintf(f, "? ");
        } else {
            fprintf(f, "? ? ");
        }
        fprintf(f, "%zu\n", s->source[i]);
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
    return BO_OK;
}

static void plot_panel(FILE *f, const bo_plot_options *opt, const char *dat, int x_column,
                       const char *xlabel)
{
    int y_column = opt->has_optimum ? 4 : 3;
    fprintf(f, "set xlabel '%s'\n", xlabel);
    fprintf(f, "plot '%s' using %d:%d with steps lw 2 lc rgb '#333333' title 'best so far'",
            dat, x_column, y_column);
    for (size_t s = 0; s < opt->n_sources; s++) {
        char name[128];
        plot_quote_safe(name, sizeof name, opt->source_names ? opt->source_names[s] : "f");
        fprintf(f, ", \\\n     '%s' using %d:($5==%zu ? $%d : 1/0) with points pt %zu ps %s "
                   "title '%s%s'",
                dat, x_column, s, y_column, 5 + 2 * (s % 4),
                s == opt->target_source ? "1.0" : "0.6", name,
                s == opt->target_source && opt->n_sources > 1 ? " (target)" : "");
    }
    fprintf(f, "\n");
}

static bo_status plot_write_script(const bo_plot_options *opt, const char *path,
                                   const char *dat_name, const char *picture_name,
                                   char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
    char title[256];
    plot_quote_safe(title, sizeof title, opt->title ? opt->title : "bo-run");
    fprintf(f, "# Convergence of run '%s', written by bo-run.\n", title);
    fprintf(f, "# Re-draw in this folder with: gnuplot %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
    if (opt->format == BO_PLOT_SVG)
        fprintf(f, "set terminal svg size 1200,480 dynamic enhanced font 'sans,11'\n");
    else
        fprintf(f, "set terminal pngcairo size 1200,480 enhanced font 'sans,10'\n");
    fprintf(f, "set output '%s'\n", picture_name);
    fprintf(f, "set datafile missing '?'\n");
    fprintf(f, "set grid\nset key top right noenhanced\n");
    fprintf(f, "set multiplot layout 1,2 title '%s' noenhanced\n", title);
    if (opt->has_optimum) {
        fprintf(f, "set logscale y\nset format y '10^{%%L}'\n");
        fprintf(f, "set ylabel 'simple regret |best - optimum| (optimum %.10g)'\n", opt->optimum);
    } else {
        fprintf(f, "set ylabel 'best target value'\n");
    }
    plot_panel(f, opt, dat_name, 1, "evaluation");
    plot_panel(f, opt, dat_name, 2, "cumulative cost");
    fprintf(f, "unset multiplot\n");
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
    return BO_OK;
}

bo_status bo_plot_run_gnuplot(const char *dir, const char *script, char *err, size_t errlen)
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
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            snprintf(err, errlen, "waiting for gnuplot: %s", strerror(errno));
            return BO_EIO;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "gnuplot failed on %s/%s (exit status %d)", dir, script,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return BO_EIO;
    }
    return BO_OK;
}

bo_status bo_plot_convergence(const bo_plot_options *opt, const bo_plot_series *series,
                              int *drawn, char *err, size_t errlen)
{
    *drawn = 0;
    char dat_name[256], script_name[256], picture_name[256], path[4096];
    snprintf(dat_name, sizeof dat_name, "%s.dat", opt->basename);
    snprintf(script_name, sizeof script_name, "%s.gp", opt->basename);
    snprintf(picture_name, sizeof picture_name, "%s.%s", opt->basename,
             opt->format == BO_PLOT_SVG ? "svg" : "png");

    snprintf(path, sizeof path, "%s/%s", opt->dir, dat_name);
    bo_status st = plot_write_data(opt, series, path, err, errlen);
    if (st != BO_OK)
        return st;
    snprintf(path, sizeof path, "%s/%s", opt->dir, script_name);
    st = plot_write_script(opt, path, dat_name, picture_name, err, errlen);
    if (st != BO_OK)
        return st;
    if (opt->format == BO_PLOT_NONE || !bo_plot_have_program("gnuplot"))
        return BO_OK;
    st = bo_plot_run_gnuplot(opt->dir, script_name, err, errlen);
    if (st == BO_OK)
        *drawn = 1;
    return st;
}
