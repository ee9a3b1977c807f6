#define _POSIX_C_SOURCE 200809L

#include "bo/io/latent_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/atomic_file.h"
#include "bo/io/plot.h"

size_t bo_latent_plot_panels(const bo_model_file *m, const bo_gp *gp)
{
    return (m->opt.n_sources > 1 ? 1 : 0) + bo_gp_n_latent_maps(gp);
}

/* A name inside a gnuplot single-quoted string or a double-quoted data
 * field: quotes and backslashes would end or escape it. */
static void safe_text(char *dst, size_t len, const char *src)
{
    size_t i = 0;
    for (; src != NULL && src[i] != '\0' && i + 1 < len; i++) {
        char c = src[i];
        dst[i] = (c == '\'' || c == '"' || c == '\\' || c == '\n' || c == '\r') ? '_' : c;
    }
    dst[i] = '\0';
}

/* Panel p's points: level label and canonical z. The sources' panel (when
 * there is one) comes first. */
static size_t panel_points(const bo_model_file *m, const bo_gp *gp, size_t p)
{
    if (m->opt.n_sources > 1) {
        if (p == 0) {
            return m->opt.n_sources;
        }
        p--;
    }
    return bo_gp_latent_map_levels(gp, p);
}

static void panel_point(const bo_model_file *m, const bo_gp *gp, size_t p, size_t l,
                        char *label, size_t len, double *z)
{
    if (m->opt.n_sources > 1) {
        if (p == 0) {
            bo_gp_latent(gp, l, z);
            snprintf(label, len, "%s", m->source_names[l]);
            return;
        }
        p--;
    }
    bo_gp_level_latent(gp, p, l, z);
    bo_model_file_level_label(m, p, l, label, len);
}

static void panel_title(const bo_model_file *m, const bo_gp *gp, size_t p, char *title,
                        size_t len)
{
    char name[200];
    size_t input;
    if (m->opt.n_sources > 1) {
        if (p == 0) {
            snprintf(title, len, "fidelity map (sources)");
            return;
        }
        p--;
    }
    input = bo_gp_latent_map_input(gp, p);
    if (input < m->opt.dim) {
        safe_text(name, sizeof name, m->input_names[input]);
        snprintf(title, len, "latent map of %s", name);
    } else {
        snprintf(title, len, "shared latent map of the categorical inputs");
    }
}

bo_status bo_latent_plot(const bo_model_file *m, const bo_gp *gp, const char *png_path,
                         int *drawn, char *err, size_t errlen)
{
    size_t panels = bo_latent_plot_panels(m, gp), len = strlen(png_path), p, l;
    size_t cols, rows;
    char *stem = NULL, *dat = NULL, *gp_path = NULL, *dir = NULL;
    const char *base;
    bo_atomic_file af;
    FILE *f;
    bo_status st = BO_OK;

    *drawn = 0;
    if (panels == 0) {
        snprintf(err, errlen, "the model has no latent map (one source and no categorical "
                              "input)");
        return BO_EINVAL;
    }
    if (len < 5 || strcmp(png_path + len - 4, ".png") != 0) {
        snprintf(err, errlen, "%s: the figure's name must end in .png", png_path);
        return BO_EINVAL;
    }
    stem = malloc(len + 1);
    dat = malloc(len + 1);
    gp_path = malloc(len + 1);
    dir = malloc(len + 2);
    if (stem == NULL || dat == NULL || gp_path == NULL || dir == NULL) {
        snprintf(err, errlen, "out of memory");
        st = BO_ENOMEM;
        goto done;
    }
    memcpy(stem, png_path, len - 4);
    stem[len - 4] = '\0';
    snprintf(dat, len + 1, "%s.dat", stem);
    snprintf(gp_path, len + 1, "%s.gp", stem);
    base = strrchr(stem, '/');
    if (base != NULL) {
        size_t dlen = (size_t)(base - stem);
        memcpy(dir, stem, dlen ? dlen : 1);
        dir[dlen ? dlen : 1] = '\0';
        base++;
    } else {
        strcpy(dir, ".");
        base = stem;
    }

    /* The data: one block per panel (gnuplot's index), label then z1 z2. */
    f = bo_atomic_file_open(&af, dat, err, errlen);
    if (f == NULL) {
        st = BO_EIO;
        goto done;
    }
    fprintf(f, "# latent points, canonicalised (see docs/gp.md); one block per panel\n");
    for (p = 0; p < panels; p++) {
        char title[256];
        panel_title(m, gp, p, title, sizeof title);
        fprintf(f, "%s# %s\n# level z1 z2\n", p > 0 ? "\n\n" : "", title);
        for (l = 0; l < panel_points(m, gp, p); l++) {
            char label[256], safe[256];
            double z[2];
            panel_point(m, gp, p, l, label, sizeof label, z);
            safe_text(safe, sizeof safe, label);
            fprintf(f, "\"%s\" %.10g %.10g\n", safe, z[0] + 0.0, z[1] + 0.0);
        }
    }
    if ((st = bo_atomic_file_commit(&af, err, errlen)) != BO_OK) {
        goto done;
    }

    /* The script: a grid of square panels, each with its own range (set
     * here, so a map with one point or all points on one line still has
     * an interval to draw). */
    cols = panels < 3 ? panels : 3;
    rows = (panels + cols - 1) / cols;
    f = bo_atomic_file_open(&af, gp_path, err, errlen);
    if (f == NULL) {
        st = BO_EIO;
        goto done;
    }
    fprintf(f, "# Re-draw in this folder with: gnuplot %s.gp\n", base);
    fprintf(f, "set terminal pngcairo size %zu,%zu enhanced font 'sans,11'\n", 460 * cols,
            460 * rows);
    fprintf(f, "set output '%s.png'\n", base);
    fprintf(f, "set multiplot layout %zu,%zu\n", rows, cols);
    fprintf(f, "set size ratio -1\nset grid\nset xlabel 'z_1'\nset ylabel 'z_2'\n");
    for (p = 0; p < panels; p++) {
        char title[256];
        double lo0 = INFINITY, hi0 = -INFINITY, lo1 = INFINITY, hi1 = -INFINITY, c0, c1, half;
        for (l = 0; l < panel_points(m, gp, p); l++) {
            char label[8];
            double z[2];
            panel_point(m, gp, p, l, label, sizeof label, z);
            lo0 = fmin(lo0, z[0]);
            hi0 = fmax(hi0, z[0]);
            lo1 = fmin(lo1, z[1]);
            hi1 = fmax(hi1, z[1]);
        }
        /* Equal ranges on both axes, 30% wider than the points' spread and
         * at least 1 wide (a correlation of exp(-1) across). */
        c0 = 0.5 * (lo0 + hi0);
        c1 = 0.5 * (lo1 + hi1);
        half = fmax(0.5, 0.65 * fmax(hi0 - lo0, hi1 - lo1));
        panel_title(m, gp, p, title, sizeof title);
        fprintf(f, "set title '%s' noenhanced\n", title);
        fprintf(f, "set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n", c0 - half, c0 + half,
                c1 - half, c1 + half);
        fprintf(f, "plot '%s.dat' index %zu using 2:3 with points pt 7 ps 1.4 lc rgb '#1f77b4' "
                   "notitle, \\\n     '' index %zu using 2:3:1 with labels offset 0,1.1 "
                   "noenhanced notitle\n", base, p, p);
    }
    fprintf(f, "unset multiplot\n");
    if ((st = bo_atomic_file_commit(&af, err, errlen)) != BO_OK) {
        goto done;
    }
    if (!bo_plot_have_program("gnuplot")) {
        goto done;
    }
    {
        char script[300];
        snprintf(script, sizeof script, "%s.gp", base);
        st = bo_plot_run_gnuplot(dir, script, err, errlen);
        *drawn = st == BO_OK;
    }
done:
    free(stem);
    free(dat);
    free(gp_path);
    free(dir);
    return st;
}
