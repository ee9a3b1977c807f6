#define _POSIX_C_SOURCE 200809L

#include "bo/io/model_file.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bo/io/atomic_file.h"
#include "bo/io/csv.h"

#define MODEL_MAGIC "bo-gp-model"
#define MODEL_VERSION 1

/* ---- name tables ---- */

typedef struct mean_row {
    const char *name;
    bo_gp_mean value;
} mean_row;

typedef struct noise_row {
    const char *name;
    bo_gp_noise value;
} noise_row;

static const mean_row mean_table[] = {
    {"zero", BO_MEAN_ZERO},
    {"constant", BO_MEAN_CONSTANT},
    {"per_source", BO_MEAN_PER_SOURCE},
    {NULL, BO_MEAN_ZERO},
};

static const noise_row noise_table[] = {
    {"learn", BO_NOISE_LEARN},
    {"fixed", BO_NOISE_FIXED},
    {"per_source", BO_NOISE_PER_SOURCE},
    {"known", BO_NOISE_KNOWN},
    {NULL, BO_NOISE_LEARN},
};

const char *bo_model_mean_name(bo_gp_mean mean)
{
    size_t i;
    for (i = 0; mean_table[i].name != NULL; i++) {
        if (mean_table[i].value == mean) {
            return mean_table[i].name;
        }
    }
    return "?";
}

int bo_model_mean_from_name(const char *name, bo_gp_mean *mean)
{
    size_t i;
    for (i = 0; mean_table[i].name != NULL; i++) {
        if (strcmp(mean_table[i].name, name) == 0) {
            *mean = mean_table[i].value;
            return 0;
        }
    }
    return -1;
}

const char *bo_model_noise_name(bo_gp_noise noise)
{
    size_t i;
    for (i = 0; noise_table[i].name != NULL; i++) {
        if (noise_table[i].value == noise) {
            return noise_table[i].name;
        }
    }
    return "?";
}

int bo_model_noise_from_name(const char *name, bo_gp_noise *noise)
{
    size_t i;
    for (i = 0; noise_table[i].name != NULL; i++) {
        if (strcmp(noise_table[i].name, name) == 0) {
            *noise = noise_table[i].value;
            return 0;
        }
    }
    return -1;
}

/* ---- the struct ---- */

static bo_status capture_hyper(bo_model_file *m, const bo_gp *gp);

void bo_model_file_init(bo_model_file *m)
{
    memset(m, 0, sizeof *m);
    m->opt.lower = NULL;
    m->opt.upper = NULL;
}

static void free_names(char **names, size_t count)
{
    size_t i;
    if (names == NULL) {
        return;
    }
    for (i = 0; i < count; i++) {
        free(names[i]);
    }
    free(names);
}

void bo_model_file_cleanup(bo_model_file *m)
{
    if (m->level_names != NULL) {
        size_t j;
        for (j = 0; j < m->opt.dim; j++) {
            free_names(m->level_names[j], m->n_levels ? m->n_levels[j] : 0);
        }
        free(m->level_names);
    }
    free(m->n_levels);
    free(m->level_latent);
    free_names(m->input_names, m->opt.dim);
    free_names(m->source_names, m->opt.n_sources);
    free_names(m->hyper_names, m->n_hyper);
    free(m->lower);
    free(m->upper);
    free(m->response_name);
    free(m->noise_column);
    free(m->source_column);
    free(m->theta);
    free(m->X);
    free(m->source);
    free(m->y);
    free(m->noise_var);
    bo_model_file_init(m);
}

bo_status bo_model_file_alloc(bo_model_file *m, size_t dim, size_t n_sources, size_t n,
                              int with_noise_var)
{
    bo_model_file_cleanup(m);
    if (dim == 0 || n_sources == 0 || n == 0) {
        return BO_EINVAL;
    }
    if (n > SIZE_MAX / sizeof(double) / dim) {
        return BO_EINVAL;
    }
    m->opt.dim = dim;
    m->opt.n_sources = n_sources;
    m->n = n;
    m->input_names = calloc(dim, sizeof *m->input_names);
    m->source_names = calloc(n_sources, sizeof *m->source_names);
    m->lower = calloc(dim, sizeof *m->lower);
    m->upper = calloc(dim, sizeof *m->upper);
    m->X = calloc(n * dim, sizeof *m->X);
    m->source = calloc(n, sizeof *m->source);
    m->y = calloc(n, sizeof *m->y);
    m->n_levels = calloc(dim, sizeof *m->n_levels);
    m->level_names = calloc(dim, sizeof *m->level_names);
    if (with_noise_var) {
        m->noise_var = calloc(n, sizeof *m->noise_var);
    }
    if (m->input_names == NULL || m->source_names == NULL || m->lower == NULL ||
        m->upper == NULL || m->X == NULL || m->source == NULL || m->y == NULL ||
        m->n_levels == NULL || m->level_names == NULL ||
        (with_noise_var && m->noise_var == NULL)) {
        bo_model_file_cleanup(m);
        return BO_ENOMEM;
    }
    m->opt.lower = m->lower;
    m->opt.upper = m->upper;
    return BO_OK;
}

bo_status bo_model_file_set_categorical(bo_model_file *m, size_t j, size_t n_levels)
{
    if (j >= m->opt.dim || n_levels == 0 || m->n_levels == NULL || m->level_names == NULL) {
        return BO_EINVAL;
    }
    free_names(m->level_names[j], m->n_levels[j]);
    m->n_levels[j] = 0;
    m->level_names[j] = calloc(n_levels, sizeof *m->level_names[j]);
    if (m->level_names[j] == NULL) {
        return BO_ENOMEM;
    }
    m->n_levels[j] = n_levels;
    return BO_OK;
}

static size_t n_categorical(const bo_model_file *m)
{
    size_t j, count = 0;
    for (j = 0; m->n_levels != NULL && j < m->opt.dim; j++) {
        count += m->n_levels[j] > 0;
    }
    return count;
}

/* The input of the map-th categorical input; opt.dim when there is none. */
static size_t categorical_input(const bo_model_file *m, size_t map)
{
    size_t j;
    for (j = 0; m->n_levels != NULL && j < m->opt.dim; j++) {
        if (m->n_levels[j] > 0 && map-- == 0) {
            return j;
        }
    }
    return m->opt.dim;
}

static const char *level_name(const bo_model_file *m, size_t j, size_t level)
{
    if (m->level_names == NULL || m->level_names[j] == NULL || level >= m->n_levels[j] ||
        m->level_names[j][level] == NULL) {
        return "?";
    }
    return m->level_names[j][level];
}

const char *bo_model_file_level_label(const bo_model_file *m, size_t map, size_t level,
                                      char *buf, size_t len)
{
    size_t j, stride = 1, used = 0;
    if (len == 0) {
        return buf;
    }
    buf[0] = '\0';
    if (m->opt.latent_mode != BO_LATENT_SHARED) {
        snprintf(buf, len, "%s", level_name(m, categorical_input(m, map), level));
        return buf;
    }
    /* Mixed radix, the last categorical input fastest (gp/gp.h). */
    for (j = 0; j < m->opt.dim; j++) {
        if (m->n_levels[j] > 0) {
            stride *= m->n_levels[j];
        }
    }
    for (j = 0; j < m->opt.dim; j++) {
        if (m->n_levels[j] == 0) {
            continue;
        }
        stride /= m->n_levels[j];
        if (used < len) {
            int w = snprintf(buf + used, len - used, "%s%s", used > 0 ? "/" : "",
                             level_name(m, j, (level / stride) % m->n_levels[j]));
            used += w > 0 ? (size_t)w : 0;
        }
    }
    return buf;
}

bo_status bo_model_file_capture(bo_model_file *m, const bo_gp *gp)
{
    size_t maps = bo_gp_n_latent_maps(gp), map, points = 0, k;
    for (map = 0; map < maps; map++) {
        points += bo_gp_latent_map_levels(gp, map);
    }
    free(m->level_latent);
    m->level_latent = NULL;
    m->n_level_latent = 0;
    if (points > 0) {
        m->level_latent = malloc(4 * points * sizeof *m->level_latent);
        if (m->level_latent == NULL) {
            return BO_ENOMEM;
        }
        for (map = 0, k = 0; map < maps; map++) {
            size_t l;
            for (l = 0; l < bo_gp_latent_map_levels(gp, map); l++, k++) {
                m->level_latent[4 * k] = (double)map;
                m->level_latent[4 * k + 1] = (double)l;
                bo_gp_level_latent(gp, map, l, &m->level_latent[4 * k + 2]);
            }
        }
        m->n_level_latent = points;
    }
    return capture_hyper(m, gp);
}

static bo_status capture_hyper(bo_model_file *m, const bo_gp *gp)
{
    size_t i, count = bo_gp_n_hyper(gp);
    double *theta = calloc(count ? count : 1, sizeof *theta);
    char **names = calloc(count ? count : 1, sizeof *names);
    char buf[128];

    if (theta == NULL || names == NULL) {
        free(theta);
        free(names);
        return BO_ENOMEM;
    }
    bo_gp_get_hyper(gp, theta);
    for (i = 0; i < count; i++) {
        names[i] = strdup(bo_gp_hyper_name(gp, i, buf, sizeof buf));
        if (names[i] == NULL) {
            free_names(names, i);
            free(theta);
            return BO_ENOMEM;
        }
    }
    free_names(m->hyper_names, m->n_hyper);
    free(m->theta);
    m->theta = theta;
    m->hyper_names = names;
    m->n_hyper = count;
    return BO_OK;
}

bo_status bo_model_file_build(const bo_model_file *m, bo_gp **out, char *errbuf,
                              size_t errlen)
{
    bo_gp *gp;
    bo_status st;
    size_t i;
    char name[128];

    *out = NULL;
    {
        bo_gp_options o = m->opt;
        o.n_levels = m->n_levels;
        gp = bo_gp_create(&o, errbuf, errlen);
    }
    if (gp == NULL) {
        return BO_EINVAL;
    }
    if (bo_gp_n_hyper(gp) != m->n_hyper) {
        bo_msg(errbuf, errlen, "the model holds %zu hyperparameters, a GP with its options has %zu",
               m->n_hyper, bo_gp_n_hyper(gp));
        st = BO_EINVAL;
        goto fail;
    }
    for (i = 0; i < m->n_hyper; i++) {
        bo_gp_hyper_name(gp, i, name, sizeof name);
        if (m->hyper_names != NULL && m->hyper_names[i] != NULL &&
            strcmp(name, m->hyper_names[i]) != 0) {
            bo_msg(errbuf, errlen,
                   "hyperparameter %zu is '%s' in the model, '%s' for a GP with its "
                   "options",
                   i + 1, m->hyper_names[i], name);
            st = BO_EINVAL;
            goto fail;
        }
    }
    st = bo_gp_set_data(gp, m->n, m->X, m->source, m->y, m->noise_var);
    if (st != BO_OK) {
        bo_msg(errbuf, errlen, "training data: %s", bo_gp_errmsg(gp));
        goto fail;
    }
    st = bo_gp_set_hyper(gp, m->theta);
    if (st != BO_OK) {
        bo_msg(errbuf, errlen, "conditioning on the stored hyperparameters: %s", bo_gp_errmsg(gp));
        goto fail;
    }
    *out = gp;
    return BO_OK;

fail:
    bo_gp_destroy(gp);
    return st;
}

/* ---- summary ---- */

static size_t longest_name(char **names, size_t count)
{
    size_t i, width = 0;
    for (i = 0; i < count; i++) {
        size_t len = strlen(names[i]);
        if (len > width) {
            width = len;
        }
    }
    return width;
}

/* One value per source, or a single value on the same line when there is
 * only one source; as_sd takes the square root of a variance. */
static void print_per_source(const bo_model_file *m, FILE *out, const char *prefix,
                             int width, const bo_gp *gp,
                             double (*value)(const bo_gp *, size_t), int as_sd)
{
    size_t s, ns = m->opt.n_sources;
    if (ns == 1) {
        double v = value(gp, 0);
        fprintf(out, ": %.6g\n", as_sd ? sqrt(v) : v);
        return;
    }
    fputs(":\n", out);
    for (s = 0; s < ns; s++) {
        double v = value(gp, s);
        fprintf(out, "%s  %-*s  %.6g\n", prefix, width, m->source_names[s],
                as_sd ? sqrt(v) : v);
    }
}

void bo_model_file_summary(const bo_model_file *m, const bo_gp *gp, FILE *out,
                           const char *prefix)
{
    size_t dim = m->opt.dim, ns = m->opt.n_sources, j, s;
    int wi = (int)longest_name(m->input_names, dim);
    int ws = (int)longest_name(m->source_names, ns);
    double *ell = malloc(dim * sizeof *ell);

    fprintf(out, "%slog marginal likelihood: %.10g\n", prefix,
            bo_gp_log_marginal_likelihood(gp));
    fprintf(out, "%ssignal sd: %.6g\n", prefix, sqrt(bo_gp_signal_var(gp)));
    if (ell != NULL) {
        bo_gp_lengthscales(gp, ell);
        fprintf(out, "%slength-scales:\n", prefix);
        for (j = 0; j < dim; j++) {
            if (m->n_levels != NULL && m->n_levels[j] > 0) {
                fprintf(out, "%s  %-*s  categorical, %zu levels (latent map below)\n", prefix,
                        wi, m->input_names[j], m->n_levels[j]);
                continue;
            }
            fprintf(out, "%s  %-*s  %.6g\n", prefix, wi, m->input_names[j], ell[j]);
        }
        free(ell);
    }
    switch (m->opt.noise) {
    case BO_NOISE_KNOWN:
        fprintf(out, "%snoise sd: given per point by column '%s'%s", prefix,
                m->noise_column ? m->noise_column : "?",
                m->opt.learn_extra_noise ? ", plus a learned term" : "\n");
        break;
    case BO_NOISE_FIXED:
        fprintf(out, "%snoise sd (fixed)", prefix);
        break;
    case BO_NOISE_LEARN:
    case BO_NOISE_PER_SOURCE:
        fprintf(out, "%snoise sd", prefix);
        break;
    }
    if (m->opt.noise != BO_NOISE_KNOWN || m->opt.learn_extra_noise) {
        print_per_source(m, out, prefix, ws, gp, bo_gp_noise_var, 1);
    }
    fprintf(out, "%smean (%s)", prefix, bo_model_mean_name(m->opt.mean));
    print_per_source(m, out, prefix, ws, gp, bo_gp_mean_value, 0);
    if (ns > 1) {
        double zt[2];
        size_t t = m->opt.target_source;
        bo_gp_latent(gp, t, zt);
        fprintf(out,
                "%sfidelity map (latent point z; distance d to the target '%s'; "
                "correlation exp(-d^2)):\n",
                prefix, m->source_names[t]);
        for (s = 0; s < ns; s++) {
            double z[2], d;
            bo_gp_latent(gp, s, z);
            d = hypot(z[0] - zt[0], z[1] - zt[1]);
            /* Keep rounding noise from printing as -0.0000. */
            z[0] = fabs(z[0]) < 5e-5 ? 0.0 : z[0];
            z[1] = fabs(z[1]) < 5e-5 ? 0.0 : z[1];
            fprintf(out, "%s  %-*s  z = (%9.4f, %9.4f)  d = %.4f  corr = %.4f%s\n", prefix,
                    ws, m->source_names[s], z[0], z[1], d, exp(-d * d),
                    s == t ? "  (target)" : "");
        }
    }
    {
        size_t map, maps = bo_gp_n_latent_maps(gp);
        for (map = 0; map < maps; map++) {
            size_t l, L = bo_gp_latent_map_levels(gp, map), input = bo_gp_latent_map_input(gp, map);
            char label[256];
            if (input < dim) {
                fprintf(out, "%slatent map of '%s' (level: z; correlation with another level "
                             "exp(-d^2)):\n", prefix, m->input_names[input]);
            } else {
                fprintf(out, "%sshared latent map of the categorical inputs (combination: z; "
                             "correlation exp(-d^2)):\n", prefix);
            }
            for (l = 0; l < L; l++) {
                double z[2];
                bo_gp_level_latent(gp, map, l, z);
                z[0] = fabs(z[0]) < 5e-5 ? 0.0 : z[0];
                z[1] = fabs(z[1]) < 5e-5 ? 0.0 : z[1];
                fprintf(out, "%s  %-20s  z = (%9.4f, %9.4f)\n", prefix,
                        bo_model_file_level_label(m, map, l, label, sizeof label), z[0], z[1]);
            }
        }
    }
}

/* ---- writing ---- */

static void write_body(const bo_model_file *m, const bo_gp *gp, FILE *f)
{
    size_t i, j;
    const bo_gp_options *o = &m->opt;

    fprintf(f, "# A Gaussian-process emulator saved by bo-gp fit; see docs/bo-gp.md.\n");
    fprintf(f, "# Lines starting with '#' are comments; floats are exact (%%.17g).\n");
    fprintf(f, "%s %d\n", MODEL_MAGIC, MODEL_VERSION);
    fprintf(f, "kernel %s\n", bo_kernel_name(o->kernel));
    fprintf(f, "mean %s\n", bo_model_mean_name(o->mean));
    fprintf(f, "noise %s\n", bo_model_noise_name(o->noise));
    fprintf(f, "fixed_noise_var %.17g\n", o->fixed_noise_var);
    fprintf(f, "learn_extra_noise %d\n", o->learn_extra_noise ? 1 : 0);
    fprintf(f, "noise_floor %.17g\n", o->noise_floor);
    fprintf(f, "restarts %zu\n", o->restarts);
    fprintf(f, "seed %llu\n", (unsigned long long)o->seed);
    /* How the hyperparameters below were chosen; a loaded model only
     * conditions on them, so the line is a record, absent for MAP (files
     * from before the option read the same). */
    if (o->fit_criterion == BO_FIT_INTERVAL_SCORE) {
        fprintf(f, "fit interval_score %.17g\n",
                o->fit_is_weight > 0.0 ? o->fit_is_weight : BO_GP_FIT_IS_WEIGHT);
    }
    fprintf(f, "response %s\n", m->response_name);
    if (m->noise_column != NULL) {
        fprintf(f, "noise_column %s\n", m->noise_column);
    }
    if (m->source_column != NULL) {
        fprintf(f, "source_column %s\n", m->source_column);
    }
    fprintf(f, "\n# input box used for scaling: lower upper name\n");
    fprintf(f, "inputs %zu\n", o->dim);
    for (j = 0; j < o->dim; j++) {
        if (m->n_levels != NULL && m->n_levels[j] > 0) {
            size_t l;
            fprintf(f, "categorical %zu %s\n", m->n_levels[j], m->input_names[j]);
            for (l = 0; l < m->n_levels[j]; l++) {
                fprintf(f, "level %s\n", level_name(m, j, l));
            }
            continue;
        }
        fprintf(f, "input %.17g %.17g %s\n", m->lower[j], m->upper[j], m->input_names[j]);
    }
    if (n_categorical(m) > 0) {
        fprintf(f, "latent_map %s\n", o->latent_mode == BO_LATENT_SHARED ? "shared" : "per_input");
    }
    fprintf(f, "\n# source labels in index order\n");
    fprintf(f, "sources %zu\n", o->n_sources);
    fprintf(f, "target %zu\n", o->target_source);
    for (j = 0; j < o->n_sources; j++) {
        fprintf(f, "source %s\n", m->source_names[j]);
    }
    fprintf(f, "\n# hyperparameters in the fit's space (logs, standardised scale)\n");
    fprintf(f, "hyper %zu\n", m->n_hyper);
    for (j = 0; j < m->n_hyper; j++) {
        fprintf(f, "theta %.17g %s\n", m->theta[j],
                m->hyper_names && m->hyper_names[j] ? m->hyper_names[j] : "");
    }
    if (n_categorical(m) > 0) {
        fprintf(f, "\n# latent points of the categorical levels, canonicalised: map level z1 z2\n");
        fprintf(f, "level_latent %zu\n", m->n_level_latent);
        for (j = 0; j < m->n_level_latent; j++) {
            const double *p = &m->level_latent[4 * j];
            fprintf(f, "point %zu %zu %.17g %.17g\n", (size_t)p[0], (size_t)p[1], p[2], p[3]);
        }
    }
    if (gp != NULL) {
        fprintf(f, "\n# The same in the data's units (for reading only):\n");
        bo_model_file_summary(m, gp, f, "#   ");
    }
    fprintf(f, "\n# training data: ");
    for (j = 0; j < o->dim; j++) {
        fprintf(f, "%s ", m->input_names[j]);
    }
    fprintf(f, "<source index> %s%s\n", m->response_name,
            m->noise_var ? " <noise variance>" : "");
    fprintf(f, "data %zu\n", m->n);
    for (i = 0; i < m->n; i++) {
        for (j = 0; j < o->dim; j++) {
            fprintf(f, "%.17g ", m->X[i * o->dim + j]);
        }
        fprintf(f, "%zu %.17g", m->source[i], m->y[i]);
        if (m->noise_var != NULL) {
            fprintf(f, " %.17g", m->noise_var[i]);
        }
        fputc('\n', f);
    }
    fprintf(f, "end\n");
}

bo_status bo_model_file_write(const bo_model_file *m, const bo_gp *gp, const char *path,
                              char *errbuf, size_t errlen)
{
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, errbuf, errlen);
    if (f == NULL) {
        return BO_ENOMEM;
    }
    write_body(m, gp, f);
    return bo_atomic_file_commit(&af, errbuf, errlen);
}

/* ---- reading ---- */

typedef struct reader {
    FILE *f;
    const char *path;
    char *buf;
    size_t cap;
    size_t line_no;
    int pending;        /* the last line returned is to be returned again */
    char *line;         /* that line */
    char *errbuf;
    size_t errlen;
    long size;          /* bytes in the file; -1 when it is not a regular file */
    size_t nul_line;    /* the line holding a NUL byte, where reading stopped; 0: none */
} reader;

/* The next line that is neither blank nor a comment, without its line
 * ending and trailing blanks; NULL at the end of the file. */
static char *next_line(reader *rd)
{
    if (rd->pending) {
        rd->pending = 0;
        return rd->line;
    }
    for (;;) {
        ssize_t got = getline(&rd->buf, &rd->cap, rd->f);
        char *p;
        size_t len;
        if (got < 0) {
            return NULL;
        }
        rd->line_no++;
        len = (size_t)got;
        /* A NUL byte would end the line's text early for every string
         * function after this one; the file is not text: stop here and let
         * bo_model_file_read say so. */
        if (memchr(rd->buf, '\0', len) != NULL) {
            rd->nul_line = rd->line_no;
            return NULL;
        }
        while (len > 0 && (rd->buf[len - 1] == '\n' || rd->buf[len - 1] == '\r' ||
                           rd->buf[len - 1] == ' ' || rd->buf[len - 1] == '\t')) {
            len--;
        }
        rd->buf[len] = '\0';
        p = rd->buf;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || *p == '#') {
            continue;
        }
        rd->line = p;
        return p;
    }
}

static bo_status parse_error(reader *rd, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    bo_msg(rd->errbuf, rd->errlen, "%s: line %zu: %s", rd->path, rd->line_no, detail);
    return BO_EPARSE;
}

/* Reads the next line, which must start with key; *rest gets what follows
 * the key and its separating blanks ("" when nothing does). */
static bo_status expect_key(reader *rd, const char *key, char **rest)
{
    char *line = next_line(rd);
    size_t klen = strlen(key);

    if (line == NULL) {
        if (ferror(rd->f)) {
            bo_msg(rd->errbuf, rd->errlen, "%s: read error after line %zu", rd->path, rd->line_no);
            return BO_EIO;
        }
        return parse_error(rd, "the file ends here (truncated?); expected '%s'", key);
    }
    if (strncmp(line, key, klen) != 0 || (line[klen] != '\0' && line[klen] != ' ' &&
                                          line[klen] != '\t')) {
        return parse_error(rd, "expected '%s', found '%.60s'", key, line);
    }
    line += klen;
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    *rest = line;
    return BO_OK;
}

static int parse_size(const char *text, size_t *value)
{
    char *end = NULL;
    unsigned long long v;
    if (*text < '0' || *text > '9') {
        return -1;
    }
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v > SIZE_MAX) {
        return -1;
    }
    *value = (size_t)v;
    return 0;
}

static bo_status key_size(reader *rd, const char *key, size_t *value)
{
    char *rest;
    bo_status st = expect_key(rd, key, &rest);
    if (st != BO_OK) {
        return st;
    }
    if (parse_size(rest, value) != 0) {
        return parse_error(rd, "'%s' needs a non-negative integer, found '%s'", key, rest);
    }
    return BO_OK;
}

static bo_status key_double(reader *rd, const char *key, double *value)
{
    char *rest;
    bo_number_error ne;
    bo_status st = expect_key(rd, key, &rest);
    if (st != BO_OK) {
        return st;
    }
    ne = bo_parse_double(rest, value);
    if (ne != BO_NUMBER_OK) {
        return parse_error(rd, "'%s': '%s' %s", key, rest, bo_number_error_text(ne));
    }
    return BO_OK;
}

static bo_status key_name(reader *rd, const char *key, char **value)
{
    char *rest;
    bo_status st = expect_key(rd, key, &rest);
    if (st != BO_OK) {
        return st;
    }
    if (*rest == '\0') {
        return parse_error(rd, "'%s' needs a name", key);
    }
    *value = strdup(rest);
    if (*value == NULL) {
        bo_msg(rd->errbuf, rd->errlen, "%s: out of memory", rd->path);
        return BO_ENOMEM;
    }
    return BO_OK;
}

/* Splits off the next blank-separated token of *cursor. */
static char *next_token(char **cursor)
{
    char *p = *cursor, *start;
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    if (*p == '\0') {
        return NULL;
    }
    start = p;
    while (*p != '\0' && *p != ' ' && *p != '\t') {
        p++;
    }
    if (*p != '\0') {
        *p++ = '\0';
    }
    *cursor = p;
    return start;
}

static bo_status token_double(reader *rd, char **cursor, const char *what, double *value)
{
    char *tok = next_token(cursor);
    bo_number_error ne;
    if (tok == NULL) {
        return parse_error(rd, "%s is missing", what);
    }
    ne = bo_parse_double(tok, value);
    if (ne != BO_NUMBER_OK) {
        return parse_error(rd, "%s: '%s' %s", what, tok, bo_number_error_text(ne));
    }
    return BO_OK;
}

static bo_status out_of_memory(reader *rd)
{
    bo_msg(rd->errbuf, rd->errlen, "%s: out of memory", rd->path);
    return BO_ENOMEM;
}

/* Reads "key <count>" with count in [1, limit]. */
static bo_status key_count(reader *rd, const char *key, size_t limit, size_t *value)
{
    bo_status st = key_size(rd, key, value);
    if (st != BO_OK) {
        return st;
    }
    if (*value == 0 || *value > limit) {
        return parse_error(rd, "'%s' must be between 1 and %zu, found %zu", key, limit,
                           *value);
    }
    return BO_OK;
}

/* The optional "fit interval_score WEIGHT" line; without it the fit was
 * MAP. */
static bo_status read_fit(reader *rd, bo_gp_options *o)
{
    char *line = next_line(rd), *rest, *tok;
    bo_status st;
    double w;

    o->fit_criterion = BO_FIT_MAP;
    o->fit_is_weight = 0.0;
    if (line == NULL && rd->nul_line != 0) {
        return BO_EPARSE; /* bo_model_file_read names the line */
    }
    if (line == NULL || strncmp(line, "fit", 3) != 0 || (line[3] != ' ' && line[3] != '\t')) {
        rd->pending = line != NULL;
        return BO_OK;
    }
    rest = line + 3;
    tok = next_token(&rest);
    if (tok == NULL || strcmp(tok, "interval_score") != 0) {
        return parse_error(rd, "unknown fit '%s' (interval_score WEIGHT, or no 'fit' line "
                           "for map)", tok ? tok : "");
    }
    if ((st = token_double(rd, &rest, "fit weight", &w)) != BO_OK) {
        return st;
    }
    if (!(w > 0.0) || !isfinite(w)) {
        return parse_error(rd, "fit weight %g must be finite and > 0", w);
    }
    if (next_token(&rest) != NULL) {
        return parse_error(rd, "text after the fit weight");
    }
    o->fit_criterion = BO_FIT_INTERVAL_SCORE;
    o->fit_is_weight = w;
    return BO_OK;
}

/* The options, one key per line in a fixed order. */
static bo_status read_options(reader *rd, bo_gp_options *o)
{
    char *rest;
    size_t value;
    bo_status st;

    if ((st = expect_key(rd, "kernel", &rest)) != BO_OK) {
        return st;
    }
    if (bo_kernel_from_name(rest, &o->kernel) != 0) {
        return parse_error(rd, "unknown kernel '%s'", rest);
    }
    if ((st = expect_key(rd, "mean", &rest)) != BO_OK) {
        return st;
    }
    if (bo_model_mean_from_name(rest, &o->mean) != 0) {
        return parse_error(rd, "unknown mean '%s' (zero, constant, per_source)", rest);
    }
    if ((st = expect_key(rd, "noise", &rest)) != BO_OK) {
        return st;
    }
    if (bo_model_noise_from_name(rest, &o->noise) != 0) {
        return parse_error(rd, "unknown noise mode '%s' (learn, fixed, per_source, known)",
                           rest);
    }
    if ((st = key_double(rd, "fixed_noise_var", &o->fixed_noise_var)) != BO_OK) {
        return st;
    }
    if ((st = key_size(rd, "learn_extra_noise", &value)) != BO_OK) {
        return st;
    }
    if (value > 1) {
        return parse_error(rd, "learn_extra_noise must be 0 or 1");
    }
    o->learn_extra_noise = (int)value;
    if ((st = key_double(rd, "noise_floor", &o->noise_floor)) != BO_OK) {
        return st;
    }
    if ((st = key_size(rd, "restarts", &o->restarts)) != BO_OK) {
        return st;
    }
    if ((st = key_size(rd, "seed", &value)) != BO_OK) {
        return st;
    }
    o->seed = (uint64_t)value;
    return read_fit(rd, o);
}

/* Reads an optional "key NAME" line: when the next line has another key it
 * is kept for the next read. The key without a name is an error, as for
 * key_name: written back, an empty name would be a line the reader takes
 * for another key. */
static bo_status optional_name(reader *rd, const char *key, char **value)
{
    char *line = next_line(rd);
    size_t klen = strlen(key);

    if (line != NULL && strncmp(line, key, klen) == 0 &&
        (line[klen] == '\0' || line[klen] == ' ' || line[klen] == '\t')) {
        line += klen;
        while (*line == ' ' || *line == '\t') {
            line++;
        }
        if (*line == '\0') {
            return parse_error(rd, "'%s' needs a name", key);
        }
        *value = strdup(line);
        return *value == NULL ? out_of_memory(rd) : BO_OK;
    }
    rd->pending = line != NULL;
    return BO_OK;
}

static bo_status read_inputs(reader *rd, bo_model_file *m)
{
    size_t dim, j;
    bo_status st = key_count(rd, "inputs", 100000, &dim);
    if (st != BO_OK) {
        return st;
    }
    m->input_names = calloc(dim, sizeof *m->input_names);
    m->lower = calloc(dim, sizeof *m->lower);
    m->upper = calloc(dim, sizeof *m->upper);
    m->n_levels = calloc(dim, sizeof *m->n_levels);
    m->level_names = calloc(dim, sizeof *m->level_names);
    m->opt.dim = dim;
    m->opt.lower = m->lower;
    m->opt.upper = m->upper;
    if (m->input_names == NULL || m->lower == NULL || m->upper == NULL || m->n_levels == NULL ||
        m->level_names == NULL) {
        return out_of_memory(rd);
    }
    for (j = 0; j < dim; j++) {
        char *rest, *line = next_line(rd);
        if (line != NULL && strncmp(line, "categorical", 11) == 0 &&
            (line[11] == ' ' || line[11] == '\t')) {
            size_t L, l;
            char *tok;
            rest = line + 11;
            tok = next_token(&rest);
            if (tok == NULL || parse_size(tok, &L) != 0 || L == 0 || L > BO_GP_MAX_LEVELS) {
                return parse_error(rd, "'categorical' needs a level count from 1 to %d",
                                   BO_GP_MAX_LEVELS);
            }
            while (*rest == ' ' || *rest == '\t') {
                rest++;
            }
            if (*rest == '\0') {
                return parse_error(rd, "input %zu has no name", j + 1);
            }
            if ((m->input_names[j] = strdup(rest)) == NULL ||
                (m->level_names[j] = calloc(L, sizeof *m->level_names[j])) == NULL) {
                return out_of_memory(rd);
            }
            m->n_levels[j] = L;
            /* Not used for scaling; the range of the level indices. */
            m->lower[j] = 0.0;
            m->upper[j] = (double)L;
            for (l = 0; l < L; l++) {
                size_t q;
                if ((st = key_name(rd, "level", &m->level_names[j][l])) != BO_OK) {
                    return st;
                }
                for (q = 0; q < l; q++) {
                    if (strcmp(m->level_names[j][q], m->level_names[j][l]) == 0) {
                        return parse_error(rd, "input '%s': level '%s' appears twice",
                                           m->input_names[j], m->level_names[j][l]);
                    }
                }
            }
            continue;
        }
        rd->pending = line != NULL;
        if ((st = expect_key(rd, "input", &rest)) != BO_OK) {
            return st;
        }
        if ((st = token_double(rd, &rest, "input lower bound", &m->lower[j])) != BO_OK ||
            (st = token_double(rd, &rest, "input upper bound", &m->upper[j])) != BO_OK) {
            return st;
        }
        while (*rest == ' ' || *rest == '\t') {
            rest++;
        }
        if (*rest == '\0') {
            return parse_error(rd, "input %zu has no name", j + 1);
        }
        if (!(m->lower[j] < m->upper[j])) {
            return parse_error(rd, "input '%s': lower %.17g is not below upper %.17g", rest,
                               m->lower[j], m->upper[j]);
        }
        m->input_names[j] = strdup(rest);
        if (m->input_names[j] == NULL) {
            return out_of_memory(rd);
        }
    }
    return BO_OK;
}

/* "latent_map per_input|shared", present exactly when an input is
 * categorical. */
static bo_status read_latent_map(reader *rd, bo_model_file *m)
{
    char *rest;
    bo_status st;
    if (n_categorical(m) == 0) {
        return BO_OK;
    }
    if ((st = expect_key(rd, "latent_map", &rest)) != BO_OK) {
        return st;
    }
    if (strcmp(rest, "per_input") == 0) {
        m->opt.latent_mode = BO_LATENT_PER_VARIABLE;
    } else if (strcmp(rest, "shared") == 0) {
        m->opt.latent_mode = BO_LATENT_SHARED;
    } else {
        return parse_error(rd, "unknown latent_map '%s' (per_input, shared)", rest);
    }
    return BO_OK;
}

/* The canonicalised level points, present exactly when an input is
 * categorical: each map's levels in order. */
static bo_status read_level_latent(reader *rd, bo_model_file *m)
{
    size_t count, i, j, combos = 1;
    size_t expect_total = 0;
    bo_status st;
    if (n_categorical(m) == 0) {
        return BO_OK;
    }
    for (j = 0; j < m->opt.dim; j++) {
        if (m->n_levels[j] > 0) {
            expect_total += m->n_levels[j];
            combos *= m->n_levels[j];
            if (combos > BO_GP_MAX_SHARED_LEVELS) {
                combos = BO_GP_MAX_SHARED_LEVELS + 1;
            }
        }
    }
    if (m->opt.latent_mode == BO_LATENT_SHARED) {
        expect_total = combos;
    }
    if ((st = key_size(rd, "level_latent", &count)) != BO_OK) {
        return st;
    }
    if (count != expect_total) {
        return parse_error(rd, "'level_latent' holds %zu points; the categorical inputs have %zu",
                           count, expect_total);
    }
    m->level_latent = calloc(4 * count, sizeof *m->level_latent);
    m->n_level_latent = count;
    if (m->level_latent == NULL) {
        return out_of_memory(rd);
    }
    for (i = 0; i < count; i++) {
        char *rest, *tok;
        size_t map, level;
        double *p = &m->level_latent[4 * i];
        if ((st = expect_key(rd, "point", &rest)) != BO_OK) {
            return st;
        }
        tok = next_token(&rest);
        if (tok == NULL || parse_size(tok, &map) != 0) {
            return parse_error(rd, "'point' needs a map index");
        }
        tok = next_token(&rest);
        if (tok == NULL || parse_size(tok, &level) != 0) {
            return parse_error(rd, "'point' needs a level index");
        }
        if ((st = token_double(rd, &rest, "z1", &p[2])) != BO_OK ||
            (st = token_double(rd, &rest, "z2", &p[3])) != BO_OK) {
            return st;
        }
        if (next_token(&rest) != NULL) {
            return parse_error(rd, "'point': more than map, level, z1 and z2");
        }
        p[0] = (double)map;
        p[1] = (double)level;
    }
    return BO_OK;
}

static bo_status read_sources(reader *rd, bo_model_file *m)
{
    size_t ns, s;
    bo_status st = key_count(rd, "sources", 100000, &ns);
    if (st != BO_OK) {
        return st;
    }
    m->source_names = calloc(ns, sizeof *m->source_names);
    m->opt.n_sources = ns;
    if (m->source_names == NULL) {
        return out_of_memory(rd);
    }
    if ((st = key_size(rd, "target", &m->opt.target_source)) != BO_OK) {
        return st;
    }
    if (m->opt.target_source >= ns) {
        return parse_error(rd, "target %zu is not a source index below %zu",
                           m->opt.target_source, ns);
    }
    for (s = 0; s < ns; s++) {
        if ((st = key_name(rd, "source", &m->source_names[s])) != BO_OK) {
            return st;
        }
    }
    return BO_OK;
}

static bo_status read_hyper(reader *rd, bo_model_file *m)
{
    size_t count, i;
    bo_status st = key_count(rd, "hyper", 1000000, &count);
    if (st != BO_OK) {
        return st;
    }
    m->theta = calloc(count, sizeof *m->theta);
    m->hyper_names = calloc(count, sizeof *m->hyper_names);
    m->n_hyper = count;
    if (m->theta == NULL || m->hyper_names == NULL) {
        return out_of_memory(rd);
    }
    for (i = 0; i < count; i++) {
        char *rest;
        if ((st = expect_key(rd, "theta", &rest)) != BO_OK) {
            return st;
        }
        if ((st = token_double(rd, &rest, "theta value", &m->theta[i])) != BO_OK) {
            return st;
        }
        while (*rest == ' ' || *rest == '\t') {
            rest++;
        }
        m->hyper_names[i] = strdup(rest);
        if (m->hyper_names[i] == NULL) {
            return out_of_memory(rd);
        }
    }
    return BO_OK;
}

static bo_status read_data(reader *rd, bo_model_file *m)
{
    size_t n, i, j, dim = m->opt.dim;
    int known = m->opt.noise == BO_NOISE_KNOWN;
    bo_status st = key_count(rd, "data", SIZE_MAX / sizeof(double) / dim, &n);
    if (st != BO_OK) {
        return st;
    }
    /* Each row is dim + 2 (or 3) values of a character or more, each ended
     * by a blank or the line's end, and 'end' follows: a count the rest of
     * the file cannot hold is refused before memory is taken for it. */
    {
        size_t tokens = dim + (known ? 3 : 2);
        long at = ftell(rd->f);
        if (rd->size >= 0 && at >= 0 && at <= rd->size &&
            n > (size_t)(rd->size - at) / 2 / tokens) {
            return parse_error(rd, "'data' announces %zu rows but the rest of the file holds "
                                   "at most %zu (truncated?)",
                               n, (size_t)(rd->size - at) / 2 / tokens);
        }
    }
    m->X = calloc(n * dim, sizeof *m->X);
    m->source = calloc(n, sizeof *m->source);
    m->y = calloc(n, sizeof *m->y);
    if (known) {
        m->noise_var = calloc(n, sizeof *m->noise_var);
    }
    m->n = n;
    if (m->X == NULL || m->source == NULL || m->y == NULL || (known && m->noise_var == NULL)) {
        return out_of_memory(rd);
    }
    for (i = 0; i < n; i++) {
        char *line = next_line(rd), *tok;
        if (line == NULL) {
            return parse_error(rd, "the file ends here (truncated?); data row %zu of %zu "
                                   "is missing",
                               i + 1, n);
        }
        for (j = 0; j < dim; j++) {
            double v;
            if ((st = token_double(rd, &line, "an input value", &m->X[i * dim + j])) !=
                BO_OK) {
                return st;
            }
            v = m->X[i * dim + j];
            if (m->n_levels[j] > 0 && !(v >= 0 && v < (double)m->n_levels[j] && v == floor(v))) {
                return parse_error(rd, "data row %zu: '%s' is categorical; %.17g is not a level "
                                       "index below %zu",
                                   i + 1, m->input_names[j], v, m->n_levels[j]);
            }
        }
        tok = next_token(&line);
        if (tok == NULL || parse_size(tok, &m->source[i]) != 0 ||
            m->source[i] >= m->opt.n_sources) {
            return parse_error(rd, "data row %zu: the source index must be an integer below "
                                   "%zu",
                               i + 1, m->opt.n_sources);
        }
        if ((st = token_double(rd, &line, "the response", &m->y[i])) != BO_OK) {
            return st;
        }
        if (known) {
            if ((st = token_double(rd, &line, "the noise variance", &m->noise_var[i])) !=
                BO_OK) {
                return st;
            }
            if (!(m->noise_var[i] >= 0)) {
                return parse_error(rd, "data row %zu: negative noise variance", i + 1);
            }
        }
        if (next_token(&line) != NULL) {
            return parse_error(rd, "data row %zu: more values than %zu inputs, the source, "
                                   "the response%s",
                               i + 1, dim, known ? " and the noise variance" : "");
        }
    }
    return BO_OK;
}

static bo_status read_body(reader *rd, bo_model_file *m)
{
    size_t version;
    char *rest;
    bo_status st;

    bo_gp_options_default(&m->opt, 1);
    m->opt.lower = NULL;
    m->opt.upper = NULL;
    m->opt.dim = 0;
    if ((st = expect_key(rd, MODEL_MAGIC, &rest)) != BO_OK) {
        if (st == BO_EPARSE && rd->line_no == 0) {
            bo_msg(rd->errbuf, rd->errlen, "%s: empty file, not a bo-gp model", rd->path);
            return BO_EPARSE;
        }
        if (st == BO_EPARSE) {
            return parse_error(rd, "not a bo-gp model file (the first line must be '%s %d')",
                               MODEL_MAGIC, MODEL_VERSION);
        }
        return st;
    }
    if (parse_size(rest, &version) != 0 || version != MODEL_VERSION) {
        return parse_error(rd, "model file version '%s'; this program reads version %d",
                           rest, MODEL_VERSION);
    }
    if ((st = read_options(rd, &m->opt)) != BO_OK ||
        (st = key_name(rd, "response", &m->response_name)) != BO_OK ||
        (st = optional_name(rd, "noise_column", &m->noise_column)) != BO_OK ||
        (st = optional_name(rd, "source_column", &m->source_column)) != BO_OK ||
        (st = read_inputs(rd, m)) != BO_OK || (st = read_latent_map(rd, m)) != BO_OK ||
        (st = read_sources(rd, m)) != BO_OK || (st = read_hyper(rd, m)) != BO_OK ||
        (st = read_level_latent(rd, m)) != BO_OK || (st = read_data(rd, m)) != BO_OK ||
        (st = expect_key(rd, "end", &rest)) != BO_OK) {
        return st;
    }
    if (*rest != '\0' || next_line(rd) != NULL) {
        return parse_error(rd, "text after 'end'");
    }
    return BO_OK;
}

bo_status bo_model_file_read(bo_model_file *m, const char *path, char *errbuf,
                             size_t errlen)
{
    reader rd;
    bo_status st;

    bo_model_file_cleanup(m);
    memset(&rd, 0, sizeof rd);
    rd.path = path;
    rd.errbuf = errbuf;
    rd.errlen = errlen;
    rd.f = fopen(path, "r");
    if (rd.f == NULL) {
        bo_msg(errbuf, errlen, "%s: cannot open: %s", path, strerror(errno));
        return BO_EIO;
    }
    {
        struct stat sb;
        rd.size = fstat(fileno(rd.f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size <= LONG_MAX
                      ? (long)sb.st_size
                      : -1;
    }
    st = read_body(&rd, m);
    if (rd.nul_line != 0) {
        bo_msg(errbuf, errlen, "%s: line %zu: a NUL byte; not a text model file", path,
               rd.nul_line);
        st = BO_EPARSE;
    }
    free(rd.buf);
    fclose(rd.f);
    if (st != BO_OK) {
        bo_model_file_cleanup(m);
    }
    return st;
}
