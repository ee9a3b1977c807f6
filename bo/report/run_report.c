#include "bo/report/run_report.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/atomic_file.h"
#include "gp/bo_status.h"

/* The width the engine's coordinate of input in spans: 1 for an integer
 * (its coordinate is the offset from lower, as the GP sees it), NaN for a
 * categorical one (a latent map, no length-scale). */
static double input_width(const bo_config_input *in)
{
    if (in->kind == BO_VAR_INTEGER)
        return 1.0;
    if (in->kind == BO_VAR_CATEGORICAL)
        return NAN;
    return in->scale == BO_CONFIG_SCALE_LOG ? log(in->upper / in->lower) : in->upper - in->lower;
}

void bo_run_lengthscales(const bo_config *cfg, const bo_gp *gp, double *ell)
{
    bo_gp_lengthscales(gp, ell);
    for (size_t j = 0; j < cfg->n_inputs; j++)
        ell[j] *= input_width(&cfg->inputs[j]);
}

void bo_run_latent(const bo_gp *gp, size_t gp_source, double *z)
{
    bo_gp_latent(gp, gp_source, z);
    for (int k = 0; k < 2; k++)
        if (fabs(z[k]) < 1e-12)
            z[k] = 0.0;
}

size_t bo_run_config_source(const bo_config *cfg, const bo_engine *engine, size_t gp_source)
{
    for (size_t s = 0; s < cfg->n_sources; s++) {
        size_t g;
        if (bo_engine_model_source(engine, s, &g) == 0 && g == gp_source)
            return s;
    }
    return SIZE_MAX;
}

/* ---- the recommendation ---- */

void bo_run_recommendation_init(bo_run_recommendation *rec)
{
    memset(rec, 0, sizeof *rec);
    rec->observed_y = rec->observed_mean = rec->observed_sd = NAN;
    rec->recommended_mean = rec->recommended_sd = rec->recommended_y = NAN;
}

void bo_run_recommendation_cleanup(bo_run_recommendation *rec)
{
    if (!rec)
        return;
    free(rec->observed_x);
    free(rec->recommended_x);
    bo_run_recommendation_init(rec);
}

/* The unit-cube point u in the user's units, through the same mapping bo-run
 * uses to evaluate it, so the digits agree with history.csv's. */
static bo_status point_to_user(const bo_config *cfg, const double *u, double *x, char *err,
                               size_t errlen)
{
    size_t d = cfg->n_inputs;
    double *lo = malloc(d * sizeof *lo), *hi = malloc(d * sizeof *hi);
    int *log_scale = malloc(d * sizeof *log_scale);
    bo_var_kind *kind = malloc(d * sizeof *kind);
    bo_status st = BO_ENOMEM;
    if (lo && hi && log_scale && kind) {
        for (size_t j = 0; j < d; j++) {
            lo[j] = cfg->inputs[j].lower;
            hi[j] = cfg->inputs[j].upper;
            log_scale[j] = cfg->inputs[j].scale == BO_CONFIG_SCALE_LOG;
            kind[j] = cfg->inputs[j].kind;
        }
        char why[256] = "";
        st = bo_design_to_user_kinds(u, 1, d, lo, hi, log_scale, kind, x, why, sizeof why);
        if (st != BO_OK)
            bo_msg(err, errlen, "recommendation: %s", why);
    } else {
        bo_msg(err, errlen, "recommendation: out of memory");
    }
    free(lo);
    free(hi);
    free(log_scale);
    free(kind);
    return st;
}

/* The posterior of the target at the unit-cube point u in the user's sign
 * (the GP models the minimised y: -y when maximising). */
static bo_status target_posterior(bo_gp *gp, size_t gp_target, double sign, const double *u,
                                  size_t row, double *mean, double *sd, char *err,
                                  size_t errlen)
{
    double m, var_f;
    bo_status st = bo_gp_predict(gp, u, gp_target, &m, &var_f, NULL);
    if (st != BO_OK)
        return bo_error_msg(err, errlen, st, "recommendation: row %zu: %s", row,
                            bo_gp_errmsg(gp));
    *mean = sign * m;
    *sd = sqrt(fmax(var_f, 0.0));
    return BO_OK;
}

const char *bo_run_row_label(size_t row, int prior, char *buf, size_t len)
{
    snprintf(buf, len, "%s row %zu", prior ? "initial_data" : "history.csv", row);
    return buf;
}

int bo_run_recommendation_same(const bo_run_recommendation *rec)
{
    return rec->recommended_row == rec->observed_row &&
           rec->recommended_prior == rec->observed_prior;
}

bo_status bo_run_recommend(const bo_config *cfg, const bo_engine *engine, bo_gp *gp,
                           bo_run_recommendation *rec, char *err, size_t errlen)
{
    bo_run_recommendation_cleanup(rec);
    size_t d = cfg->n_inputs, target = cfg->target, gp_target = 0;
    rec->dim = d;
    rec->observed_x = malloc(d * sizeof *rec->observed_x);
    rec->recommended_x = malloc(d * sizeof *rec->recommended_x);
    double *u = malloc(3 * d * sizeof *u);
    if (!rec->observed_x || !rec->recommended_x || !u) {
        free(u);
        bo_run_recommendation_cleanup(rec);
        return bo_error_msg(err, errlen, BO_ENOMEM, "recommendation: out of memory");
    }
    double *u_observed = u + d, *u_recommended = u + 2 * d;
    /* Compared in the minimised sense, reported in the user's sign. */
    double sign = cfg->goal == BO_CONFIG_MAXIMIZE ? -1.0 : 1.0;
    size_t n = bo_engine_n_observations(engine), n_prior = bo_engine_n_prior(engine);

    /* The best observation first and on its own, so it stands even when
     * the model cannot predict. Strict improvement: the earlier row wins a
     * tie, as in bo_engine_best. */
    for (size_t i = 0; i < n; i++) {
        size_t source;
        double y;
        int ok;
        bo_engine_observation(engine, i, u, &source, &y, &ok);
        /* With constraints only a feasible point can be the best. */
        if (bo_engine_feasible(engine, i) &&
            (!rec->have_observed || sign * y < sign * rec->observed_y)) {
            rec->have_observed = 1;
            rec->observed_prior = i < n_prior;
            rec->observed_row = i < n_prior ? i + 1 : i + 1 - n_prior;
            rec->observed_y = y;
            memcpy(u_observed, u, d * sizeof *u);
        }
    }
    bo_status st = BO_OK;
    if (rec->have_observed)
        st = point_to_user(cfg, u_observed, rec->observed_x, err, errlen);

    int use_model = st == BO_OK && rec->have_observed && gp &&
                    bo_engine_model_source(engine, target, &gp_target) == 0;
    double best_min = INFINITY;
    for (size_t i = 0; use_model && i < n && st == BO_OK; i++) {
        size_t source;
        double y, mean = NAN, sd = NAN; /* set by target_posterior when it succeeds */
        int ok;
        bo_engine_observation(engine, i, u, &source, &y, &ok);
        if (!bo_engine_feasible(engine, i))
            continue;
        st = target_posterior(gp, gp_target, sign, u, i + 1, &mean, &sd, err, errlen);
        if (st == BO_OK && (!rec->have_model || sign * mean < best_min)) {
            rec->have_model = 1;
            best_min = sign * mean;
            rec->recommended_prior = i < n_prior;
            rec->recommended_row = i < n_prior ? i + 1 : i + 1 - n_prior;
            rec->recommended_mean = mean;
            rec->recommended_sd = sd;
            rec->recommended_y = y;
            memcpy(u_recommended, u, d * sizeof *u);
        }
    }
    if (st == BO_OK && rec->have_model)
        st = target_posterior(gp, gp_target, sign, u_observed, rec->observed_row,
                              &rec->observed_mean, &rec->observed_sd, err, errlen);
    if (st == BO_OK && rec->have_model)
        st = point_to_user(cfg, u_recommended, rec->recommended_x, err, errlen);
    free(u);
    if (st != BO_OK && rec->have_observed) {
        /* Keep what the history says; drop what the model could not. */
        rec->have_model = 0;
        rec->observed_mean = rec->observed_sd = NAN;
        rec->recommended_mean = rec->recommended_sd = rec->recommended_y = NAN;
    }
    return st;
}

void bo_run_print_recommendation(FILE *out, const bo_config *cfg,
                                 const bo_run_recommendation *rec)
{
    const char *target = cfg->sources[cfg->target].name;
    const char *feasible = cfg->n_constraints > 0 ? "feasible " : "";
    if (!rec->have_observed) {
        if (cfg->n_constraints > 0)
            fprintf(out, "no feasible evaluation of the target source %s: none met every "
                    "constraint\n", target);
        else
            fprintf(out, "no successful evaluation of the target source %s\n", target);
        return;
    }
    char label[64], num[32];
    fprintf(out, "best %s%s value: %.10g   (the best observed, %s)\n", feasible, target,
            rec->observed_y,
            bo_run_row_label(rec->observed_row, rec->observed_prior, label, sizeof label));
    for (size_t j = 0; j < rec->dim; j++)
        fprintf(out, "  %s = %s\n", cfg->inputs[j].name,
                bo_config_format_input(&cfg->inputs[j], rec->observed_x[j], num, sizeof num));
    if (!rec->have_model) {
        fprintf(out, "recommended: none (no model to predict with): the best observed point "
                     "stands\n");
        return;
    }
    fprintf(out, "recommended (best posterior mean of %s among the evaluated points): ", target);
    if (bo_run_recommendation_same(rec)) {
        fprintf(out, "the best observed point, posterior mean %.10g (sd %.3g)\n",
                rec->recommended_mean, rec->recommended_sd);
        return;
    }
    fprintf(out, "%s, posterior mean %.10g (sd %.3g), observed %.10g\n",
            bo_run_row_label(rec->recommended_row, rec->recommended_prior, label, sizeof label),
            rec->recommended_mean, rec->recommended_sd, rec->recommended_y);
    for (size_t j = 0; j < rec->dim; j++)
        fprintf(out, "  %s = %s\n", cfg->inputs[j].name,
                bo_config_format_input(&cfg->inputs[j], rec->recommended_x[j], num, sizeof num));
}

/* ---- hyperparameters on a bound ---- */

bo_status bo_run_bound_hits(const bo_gp *gp, bo_run_bound_hit **hits, size_t *n_hits,
                            char *err, size_t errlen)
{
    *hits = NULL;
    *n_hits = 0;
    size_t nh = bo_gp_n_hyper(gp);
    double *theta = malloc(3 * nh * sizeof *theta);
    bo_run_bound_hit *out = malloc(nh * sizeof *out);
    if (!theta || !out) {
        free(theta);
        free(out);
        return bo_error_msg(err, errlen, BO_ENOMEM, "model bounds: out of memory");
    }
    double *lo = theta + nh, *hi = theta + 2 * nh;
    bo_gp_get_hyper(gp, theta);
    bo_gp_hyper_bounds(gp, lo, hi);
    size_t n = 0;
    for (size_t i = 0; i < nh; i++) {
        double tol = BO_RUN_BOUND_TOLERANCE * (hi[i] - lo[i]);
        int at_lo = theta[i] <= lo[i] + tol, at_hi = theta[i] >= hi[i] - tol;
        if (!at_lo && !at_hi)
            continue;
        char name[64];
        bo_gp_hyper_name(gp, i, name, sizeof name);
        if (!at_hi && strncmp(name, "log_noise_var", 13) == 0)
            continue; /* the noise floor: where noise-free data belong */
        out[n].hyper = i;
        out[n].value = theta[i];
        out[n].upper = at_hi;
        out[n].bound = at_hi ? hi[i] : lo[i];
        n++;
    }
    free(theta);
    if (n == 0) {
        free(out);
        return BO_OK;
    }
    *hits = out;
    *n_hits = n;
    return BO_OK;
}

/* The name of the GP's source g in the config's words. */
static const char *gp_source_name(const bo_config *cfg, const bo_engine *engine, size_t g)
{
    size_t s = bo_run_config_source(cfg, engine, g);
    return s == SIZE_MAX ? "?" : cfg->sources[s].name;
}

void bo_run_bound_hit_describe(const bo_config *cfg, const bo_engine *engine, const bo_gp *gp,
                               const bo_run_bound_hit *hit, char *buf, size_t len)
{
    char name[64];
    bo_gp_hyper_name(gp, hit->hyper, name, sizeof name);
    int at = snprintf(buf, len, "%s = %.6g is at its %s bound %.6g: ", name, hit->value,
                      hit->upper ? "upper" : "lower", hit->bound);
    if (at < 0 || (size_t)at >= len)
        return;
    char *rest = buf + at;
    size_t room = len - (size_t)at;
    size_t j, s, k;
    /* The names are the vector's documented layout (bo_gp_hyper_name), so
     * they say which kind of parameter sits on the bound. */
    /* The ratios quoted come from the bound itself (the box is on the unit
     * cube and the standardised y), so they follow gp.h's box if it moves. */
    if (sscanf(name, "log_lengthscale[%zu]", &j) == 1 || sscanf(name, "omega[%zu]", &j) == 1) {
        /* omega = log10(1 / (2 l^2)) grows as the length-scale shrinks. */
        int longest = (name[0] == 'o') ? !hit->upper : hit->upper;
        const char *input = j < cfg->n_inputs ? cfg->inputs[j].name : "?";
        double ell = NAN, ratio = NAN;
        size_t d = bo_gp_dim(gp);
        double *all = j < cfg->n_inputs && j < d ? malloc(2 * d * sizeof *all) : NULL;
        if (all) {
            bo_gp_lengthscales(gp, all + d); /* unit cube: a fraction of the range */
            bo_run_lengthscales(cfg, gp, all);
            ell = all[j];
            ratio = all[d + j];
            free(all);
        }
        if (longest)
            snprintf(rest, room,
                     "the length-scale of %s (%.6g in its units) is the longest allowed, %.3g "
                     "times its range: the model finds the target flat along %s (the input "
                     "does not matter, or the points cannot tell yet)",
                     input, ell, ratio, input);
        else
            snprintf(rest, room,
                     "the length-scale of %s (%.6g in its units) is the shortest allowed, %.3g "
                     "of its range: the model sees no correlation between neighbouring points "
                     "along %s (too few points, a jump, or noise it cannot learn)",
                     input, ell, ratio, input);
    } else if (strcmp(name, "log_signal_var") == 0) {
        snprintf(rest, room,
                 "the signal sd (%.6g) is the %s allowed, %.3g times the sd of the "
                 "observations",
                 sqrt(bo_gp_signal_var(gp)), hit->upper ? "largest" : "smallest",
                 exp(0.5 * hit->bound));
    } else if (strncmp(name, "log_noise_var", 13) == 0 ||
               strcmp(name, "log_extra_noise_var") == 0) {
        size_t g = 0;
        int per_source = sscanf(name, "log_noise_var[%zu]", &g) == 1;
        snprintf(rest, room,
                 "the noise sd%s%s (%.6g) is the largest allowed, %.3g times the sd of the "
                 "observations: the model explains the data as noise",
                 per_source ? " of " : "", per_source ? gp_source_name(cfg, engine, g) : "",
                 sqrt(bo_gp_noise_var(gp, g)), exp(0.5 * hit->bound));
    } else if (sscanf(name, "mean[%zu]", &s) == 1 || strcmp(name, "mean") == 0) {
        int per_source = name[4] == '[';
        /* In the model's sign, as model.txt's sources: list gives means. */
        snprintf(rest, room,
                 "the %smean%s%s (%.6g%s) is at the edge of its range, %.3g sds of the "
                 "observations from their mean: the data do not pin it down",
                 per_source ? "" : "constant ", per_source ? " of " : "",
                 per_source ? gp_source_name(cfg, engine, s) : "",
                 bo_gp_mean_value(gp, per_source ? s : 0),
                 cfg->goal == BO_CONFIG_MAXIMIZE ? ", a mean of -y" : "", fabs(hit->bound));
    } else if (sscanf(name, "latent[%zu][%zu]", &s, &k) == 2) {
        snprintf(rest, room,
                 "the latent point of source %s is at the edge of the fidelity map: the model "
                 "finds it barely related to the others",
                 gp_source_name(cfg, engine, s));
    } else {
        snprintf(rest, room, "the fit ran into the edge of its box");
    }
}

size_t bo_run_print_bound_warnings(FILE *out, const char *prefix, const bo_config *cfg,
                                   const bo_engine *engine, const bo_gp *gp)
{
    if (!gp)
        return 0;
    if (!prefix)
        prefix = "";
    bo_run_bound_hit *hits;
    size_t n;
    char err[128];
    if (bo_run_bound_hits(gp, &hits, &n, err, sizeof err) != BO_OK) {
        fprintf(out, "%swarning: %s: hyperparameters not checked against their bounds\n",
                prefix, err);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char line[1024];
        bo_run_bound_hit_describe(cfg, engine, gp, &hits[i], line, sizeof line);
        fprintf(out, "%swarning: model: %s\n", prefix, line);
    }
    free(hits);
    return n;
}

/* ---- model.txt ---- */

static void write_point(FILE *f, const bo_config *cfg, const double *x)
{
    fprintf(f, "  x: {");
    char num[32];
    for (size_t j = 0; j < cfg->n_inputs; j++)
        fprintf(f, "%s%s: %s", j ? ", " : "", cfg->inputs[j].name,
                bo_config_format_input(&cfg->inputs[j], x[j], num, sizeof num));
    fprintf(f, "}\n");
}

/* A level name as a YAML key: plain when it is an identifier-like word,
 * else double-quoted with backslash escapes. */
static void write_yaml_key(FILE *f, const char *s)
{
    int plain = s[0] != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9' && p != s) || *p == '_' || *p == '-' || *p == '.' ||
                (*p == '/' && p != s);
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fputc('\\', f);
        if ((unsigned char)*p < 0x20)
            fprintf(f, "\\x%02x", (unsigned char)*p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* Categorical inputs a shared map's labels name: at most 10, since the
 * map holds at most 1024 combinations of two or more levels each. */
#define MAX_SHARED_INPUTS 10

/* model.latent shared: one map whose points are the combinations of
 * levels, numbered in mixed radix with the last categorical input fastest
 * (gp/gp.h); each is written as its levels joined by '/'. */
static void write_shared_map(FILE *f, const bo_config *cfg, const bo_gp *gp, size_t m)
{
    fprintf(f, "  shared:   # the combinations of");
    for (size_t j = 0; j < cfg->n_inputs; j++)
        if (cfg->inputs[j].kind == BO_VAR_CATEGORICAL)
            fprintf(f, " %s", cfg->inputs[j].name);
    fputc('\n', f);
    size_t n = bo_gp_latent_map_levels(gp, m);
    for (size_t c = 0; c < n; c++) {
        char label[512] = "";
        size_t rest = c, used = 0;
        /* Digits from the last categorical input back to the first. */
        const char *parts[MAX_SHARED_INPUTS];
        size_t n_parts = 0;
        for (size_t j = cfg->n_inputs; j-- > 0;) {
            const bo_config_input *in = &cfg->inputs[j];
            if (in->kind != BO_VAR_CATEGORICAL || n_parts == MAX_SHARED_INPUTS)
                continue;
            parts[n_parts++] = in->levels[rest % in->n_levels];
            rest /= in->n_levels;
        }
        for (size_t k = n_parts; k-- > 0 && used < sizeof label;)
            used += (size_t)snprintf(label + used, sizeof label - used, "%s%s",
                                     k + 1 == n_parts ? "" : "/", parts[k]);
        double z[2];
        bo_gp_level_latent(gp, m, c, z);
        fputs("    ", f);
        write_yaml_key(f, label);
        fprintf(f, ": [%.6g, %.6g]\n", fabs(z[0]) < 1e-12 ? 0.0 : z[0],
                fabs(z[1]) < 1e-12 ? 0.0 : z[1]);
    }
}

/* The latent points of each categorical input's levels (one 2-D map per
 * input, canonicalised as gp.h says): levels that lie close together
 * behave alike under the model, in units of the kernel's length-scale. */
static void write_level_maps(FILE *f, const bo_config *cfg, const bo_gp *gp)
{
    size_t n_maps = bo_gp_n_latent_maps(gp);
    if (n_maps == 0)
        return;
    fprintf(f, "level_latent:   # per categorical input, its levels' 2-D latent points\n");
    for (size_t m = 0; m < n_maps; m++) {
        size_t j = bo_gp_latent_map_input(gp, m);
        if (j == cfg->n_inputs) {
            write_shared_map(f, cfg, gp, m);
            continue;
        }
        if (j > cfg->n_inputs || cfg->inputs[j].kind != BO_VAR_CATEGORICAL)
            continue;
        const bo_config_input *in = &cfg->inputs[j];
        fprintf(f, "  %s:\n", in->name);
        for (size_t l = 0; l < in->n_levels && l < bo_gp_latent_map_levels(gp, m); l++) {
            double z[2];
            bo_gp_level_latent(gp, m, l, z);
            fputs("    ", f);
            write_yaml_key(f, in->levels[l]);
            fprintf(f, ": [%.6g, %.6g]\n", fabs(z[0]) < 1e-12 ? 0.0 : z[0],
                    fabs(z[1]) < 1e-12 ? 0.0 : z[1]);
        }
    }
}

/* why: NULL, or the reason the recommendation could not be computed. */
static void write_recommendation(FILE *f, const bo_config *cfg,
                                 const bo_run_recommendation *rec, const char *why)
{
    fprintf(f, "# The best observed target value and, under this model, the evaluated target\n"
               "# point with the best posterior mean (recommended). With a noisy objective\n"
               "# the best observation is often a lucky draw; the posterior mean averages the\n"
               "# noise out, so the recommended point is the better estimate of the optimum.\n"
               "# Values in y's own sign; rows are history.csv's data rows (1-based).\n");
    if (cfg->n_constraints > 0)
        fprintf(f, "# With constraints both are feasible points: every constraint holds.\n");
    if (!rec->have_observed) {
        fprintf(f, "best_observed: none   # no %s evaluation of the target source %s\n",
                cfg->n_constraints > 0 ? "feasible" : "successful",
                cfg->sources[cfg->target].name);
        return;
    }
    fprintf(f, "best_observed:   # the %s observed %s%s value\n",
            cfg->goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest",
            cfg->n_constraints > 0 ? "feasible " : "", cfg->sources[cfg->target].name);
    fprintf(f, "  row: %zu%s\n  y: %.10g\n", rec->observed_row,
            rec->observed_prior ? "   # of initial_data" : "", rec->observed_y);
    if (rec->have_model)
        fprintf(f, "  posterior_mean: %.10g\n  posterior_sd: %.6g\n", rec->observed_mean,
                rec->observed_sd);
    write_point(f, cfg, rec->observed_x);
    if (why) {
        fprintf(f, "recommended: unavailable   # %s\n", why);
        return;
    }
    if (!rec->have_model) {
        fprintf(f, "recommended: none   # no model\n");
        return;
    }
    fprintf(f, "recommended:   # the evaluated %s point with the %s posterior mean\n",
            cfg->sources[cfg->target].name,
            cfg->goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest");
    fprintf(f, "  row: %zu%s\n  posterior_mean: %.10g\n  posterior_sd: %.6g\n  y: %.10g\n",
            rec->recommended_row, rec->recommended_prior ? "   # of initial_data" : "",
            rec->recommended_mean, rec->recommended_sd, rec->recommended_y);
    write_point(f, cfg, rec->recommended_x);
    fprintf(f, "  same_as_best_observed: %s\n",
            bo_run_recommendation_same(rec) ? "true" : "false");
}

bo_status bo_run_write_model(const char *path, const bo_config *cfg, const bo_engine *engine,
                             bo_gp *gp, char *err, size_t errlen)
{
    /* A recommendation or a bound check that fails (a prediction, memory)
     * costs its own lines, not the rest of the file: the model is still
     * worth reading. Its status is returned once the file is written. */
    bo_run_recommendation rec;
    bo_run_recommendation_init(&rec);
    char rec_why[512] = "", hits_why[256] = "";
    bo_status rec_st = bo_run_recommend(cfg, engine, gp, &rec, rec_why, sizeof rec_why);
    bo_run_bound_hit *hits = NULL;
    size_t n_hits = 0;
    bo_status hits_st =
        gp ? bo_run_bound_hits(gp, &hits, &n_hits, hits_why, sizeof hits_why) : BO_OK;
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, err, errlen);
    if (!f) {
        free(hits);
        bo_run_recommendation_cleanup(&rec);
        return BO_ENOMEM;
    }
    fprintf(f, "# Gaussian-process model of run '%s' fitted to all successful evaluations.\n",
            cfg->name);
    if (!gp) {
        fprintf(f, "no model: fewer than one successful evaluation, or the fit failed\n");
        write_recommendation(f, cfg, &rec, rec_st == BO_OK ? NULL : rec_why);
    } else {
        size_t d = cfg->n_inputs;
        int flip = cfg->goal == BO_CONFIG_MAXIMIZE;
        fprintf(f, "kernel: %s\n", bo_kernel_name(cfg->model.kernel));
        if (cfg->model.fit == BO_FIT_INTERVAL_SCORE)
            fprintf(f, "fit: interval_score   # weight %g (docs/gp.md)\n",
                    cfg->model.fit_weight);
        fprintf(f, "observations: %zu\n", bo_gp_n(gp));
        fprintf(f, "log_marginal_likelihood: %.10g\n", bo_gp_log_marginal_likelihood(gp));
        /* First, so a reader who stops early still sees them. */
        if (hits_st != BO_OK) {
            fprintf(f, "warnings: not checked   # %s\n", hits_why);
        } else if (n_hits == 0) {
            fprintf(f, "warnings: none   # no fitted hyperparameter on a bound of its box\n");
        } else {
            fprintf(f, "warnings:   # fitted hyperparameters on a bound of the fit's box "
                       "(docs/gp.md)\n");
            for (size_t i = 0; i < n_hits; i++) {
                char line[1024];
                bo_run_bound_hit_describe(cfg, engine, gp, &hits[i], line, sizeof line);
                fprintf(f, "  - %s\n", line);
            }
        }
        write_recommendation(f, cfg, &rec, rec_st == BO_OK ? NULL : rec_why);
        if (flip)
            fprintf(f, "# goal is maximize: the model is of -y, so means are of -y\n");
        double *ell = malloc(d * sizeof *ell);
        if (ell) {
            bo_run_lengthscales(cfg, gp, ell);
            fprintf(f, "lengthscales:   # in the input's units (log-scaled: natural-log units)\n");
            for (size_t j = 0; j < d; j++)
                if (cfg->inputs[j].kind != BO_VAR_CATEGORICAL)
                    fprintf(f, "  %s: %.6g\n", cfg->inputs[j].name, ell[j]);
            free(ell);
        }
        write_level_maps(f, cfg, gp);
        fprintf(f, "signal_sd: %.6g\n", sqrt(bo_gp_signal_var(gp)));
        fprintf(f, "sources:\n");
        double zt[2] = {0, 0};
        size_t gt;
        if (bo_engine_model_source(engine, cfg->target, &gt) == 0)
            bo_run_latent(gp, gt, zt);
        for (size_t s = 0; s < cfg->n_sources; s++) {
            size_t gs;
            if (bo_engine_model_source(engine, s, &gs) != 0)
                continue;
            double z[2];
            bo_run_latent(gp, gs, z);
            fprintf(f, "  %s: {noise_sd: %.6g, mean: %.6g", cfg->sources[s].name,
                    sqrt(bo_gp_noise_var(gp, gs)), bo_gp_mean_value(gp, gs));
            if (bo_gp_n_sources(gp) > 1)
                fprintf(f, ", latent: [%.6g, %.6g], distance_to_target: %.6g", z[0], z[1],
                        hypot(z[0] - zt[0], z[1] - zt[1]));
            fprintf(f, "}\n");
        }
        size_t nh = bo_gp_n_hyper(gp);
        double *theta = malloc(nh * sizeof *theta);
        if (theta) {
            bo_gp_get_hyper(gp, theta);
            fprintf(f, "hyperparameters:   # the optimiser's space (standardised y, unit-cube x)\n");
            size_t next_hit = 0;
            for (size_t i = 0; i < nh; i++) {
                char name[64];
                fprintf(f, "  %s: %.17g", bo_gp_hyper_name(gp, i, name, sizeof name), theta[i]);
                if (next_hit < n_hits && hits[next_hit].hyper == i) {
                    fprintf(f, "   # at its %s bound", hits[next_hit].upper ? "upper" : "lower");
                    next_hit++;
                }
                fprintf(f, "\n");
            }
            free(theta);
        }
    }
    free(hits);
    bo_run_recommendation_cleanup(&rec);
    bo_status st = bo_atomic_file_commit(&af, err, errlen);
    if (st != BO_OK)
        return st;
    if (rec_st != BO_OK)
        return bo_error_msg(err, errlen, rec_st, "%s: %s", path, rec_why);
    if (hits_st != BO_OK)
        return bo_error_msg(err, errlen, hits_st, "%s: %s", path, hits_why);
    return BO_OK;
}

const bo_benchmark *bo_run_known_benchmark(const bo_config *cfg)
{
    if (!cfg->objective.plugin)
        return NULL;
    const char *base = strrchr(cfg->objective.plugin, '/');
    base = base ? base + 1 : cfg->objective.plugin;
    char name[128];
    size_t len = strcspn(base, ".");
    if (len == 0 || len >= sizeof name)
        return NULL;
    memcpy(name, base, len);
    name[len] = '\0';
    const bo_benchmark *b = bo_benchmark_find(name);
    if (!b || b->dim != cfg->n_inputs || cfg->n_sources > b->n_sources)
        return NULL;
    if ((b->goal == BO_BENCHMARK_MAXIMIZE) != (cfg->goal == BO_CONFIG_MAXIMIZE))
        return NULL;
    for (size_t j = 0; j < b->dim; j++)
        if (b->lower[j] != cfg->inputs[j].lower || b->upper[j] != cfg->inputs[j].upper)
            return NULL;
    /* The table's target is its source 0; the config must optimise it too.
     * A single-source config evaluates the plugin's source 0 whatever it
     * calls it (the implicit source is named "f"). */
    if (cfg->target != 0 ||
        (cfg->n_sources > 1 && strcmp(cfg->sources[0].name, b->source_names[0]) != 0))
        return NULL;
    return b;
}
