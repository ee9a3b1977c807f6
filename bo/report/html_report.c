#include "bo/report/html_report.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/atomic_file.h"
#include "bo/io/plot.h"
#include "bo/report/run_report.h"

/* Text into HTML: the config's paths, commands and params are the user's
 * and may hold any character. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* A number for a table cell: NaN (a value the model does not have) shows
 * as a dash rather than "nan". */
static void put_number(FILE *f, const char *fmt, double v)
{
    if (isnan(v))
        fputs("&ndash;", f);
    else
        fprintf(f, fmt, v);
}

static int file_readable(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

/* Copies the resolved config (bo_config_write_resolved) into f, escaped. */
static bo_status put_resolved_config(FILE *f, const bo_config *cfg)
{
    FILE *tmp = tmpfile();
    if (!tmp)
        return BO_EIO;
    bo_status st = bo_config_write_resolved(cfg, tmp);
    if (st == BO_OK && fflush(tmp) == 0 && fseek(tmp, 0, SEEK_SET) == 0) {
        char buf[1024];
        size_t got;
        while ((got = fread(buf, 1, sizeof buf - 1, tmp)) > 0) {
            buf[got] = '\0';
            put_escaped(f, buf);
        }
        st = ferror(tmp) ? BO_EIO : BO_OK;
    } else if (st == BO_OK) {
        st = BO_EIO;
    }
    fclose(tmp);
    return st;
}

static const char page_style[] =
    "body{font-family:sans-serif;max-width:60em;margin:1em auto;padding:0 1em;color:#222}\n"
    "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:.5em 0}\n"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}\n"
    ".warning{color:#8a4b00}.missing{color:#a00;font-weight:bold}\n"
    "figure{margin:0}figure img{max-width:100%;height:auto}\n";

/* Counts the images that decoded once everything has loaded, for a reader
 * (or a test driving a headless browser) to see in the DOM, and replaces a
 * broken one with a note so a missing figure is not a silent blank. */
static const char page_script[] =
    "window.addEventListener('load', function () {\n"
    "  var images = document.images, decoded = 0;\n"
    "  for (var i = images.length - 1; i >= 0; i--) {\n"
    "    var img = images[i];\n"
    "    if (img.complete && img.naturalWidth > 0) { decoded++; continue; }\n"
    "    var note = document.createElement('p');\n"
    "    note.className = 'missing';\n"
    "    note.textContent = 'figure missing or unreadable: ' + img.getAttribute('src');\n"
    "    img.parentNode.insertBefore(note, img);\n"
    "  }\n"
    "  document.body.setAttribute('" BO_REPORT_IMAGES_DECODED_ATTR "', String(decoded));\n"
    "  document.body.setAttribute('" BO_REPORT_IMAGES_TOTAL_ATTR "', String(images.length));\n"
    "});\n";

static void put_outcome(FILE *f, const bo_config *cfg, const bo_engine *engine,
                        const char *stop_reason)
{
    size_t n = bo_engine_n_observations(engine), failed = 0;
    double cost = 0.0;
    for (size_t i = 0; i < n; i++) {
        size_t s;
        int ok;
        bo_engine_observation(engine, i, NULL, &s, NULL, &ok);
        failed += !ok;
        cost += bo_engine_cost(engine, s);
    }
    fprintf(f, "<p>Goal: <b>%s</b> %s over %zu input%s; objective ",
            bo_config_goal_name(cfg->goal), cfg->sources[cfg->target].name, cfg->n_inputs,
            cfg->n_inputs == 1 ? "" : "s");
    fputs("<code>", f);
    if (cfg->objective.plugin) {
        put_escaped(f, cfg->objective.plugin);
    } else {
        for (size_t i = 0; i < cfg->objective.n_command; i++) {
            if (i)
                fputc(' ', f);
            put_escaped(f, cfg->objective.command[i]);
        }
    }
    fprintf(f, "</code>; seed %llu.</p>\n", (unsigned long long)cfg->seed);
    fprintf(f, "<p>%zu evaluation%s (%zu failed), cost %g", n, n == 1 ? "" : "s", failed, cost);
    if (stop_reason) {
        fputs(": ", f);
        put_escaped(f, stop_reason);
    }
    fputs(".</p>\n", f);
}

static void put_best(FILE *f, const bo_config *cfg, const bo_run_recommendation *rec)
{
    const char *target = cfg->sources[cfg->target].name;
    fputs("<h2>Best point</h2>\n", f);
    int constrained = cfg->n_constraints > 0;
    if (!rec->have_observed) {
        fprintf(f, "<p>No %s evaluation of the target source %s.</p>\n",
                constrained ? "feasible" : "successful", target);
        return;
    }
    int model = rec->have_model;
    fprintf(f, "<p><b>Best observed</b>: the %s %svalue of %s in the history. ",
            cfg->goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest",
            constrained ? "feasible " : "", target);
    if (constrained)
        fputs("Feasible: every constraint holds; only feasible points are compared. ", f);
    if (model)
        fprintf(f, "<b>Recommended</b>: the evaluated point whose posterior mean of %s under "
                   "the final model is %s. With a noisy objective the best observation is "
                   "often a lucky draw and the recommended point is the better estimate of "
                   "the optimum; here they are %s.",
                target, cfg->goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest",
                bo_run_recommendation_same(rec) ? "the same point" : "different points");
    fputs("</p>\n<table>\n<tr><th></th><th>best observed</th>", f);
    if (model)
        fputs("<th>recommended</th>", f);
    char label[64];
    fputs("</tr>\n<tr><th>row</th>", f);
    fprintf(f, "<td>%s</td>",
            bo_run_row_label(rec->observed_row, rec->observed_prior, label, sizeof label));
    if (model)
        fprintf(f, "<td>%s</td>", bo_run_row_label(rec->recommended_row,
                                                   rec->recommended_prior, label, sizeof label));
    fprintf(f, "</tr>\n<tr><th>observed %s</th><td class=\"num\">%.10g</td>", target,
            rec->observed_y);
    if (model)
        fprintf(f, "<td class=\"num\">%.10g</td>", rec->recommended_y);
    fputs("</tr>\n", f);
    if (model) {
        fprintf(f, "<tr><th>posterior mean of %s (sd)</th><td class=\"num\">%.10g (%.3g)</td>"
                   "<td class=\"num\">%.10g (%.3g)</td></tr>\n",
                target, rec->observed_mean, rec->observed_sd, rec->recommended_mean,
                rec->recommended_sd);
    }
    char num[32];
    for (size_t j = 0; j < cfg->n_inputs; j++) {
        const bo_config_input *in = &cfg->inputs[j];
        fprintf(f, "<tr><th>%s</th><td class=\"num\">", in->name);
        put_escaped(f, bo_config_format_input(in, rec->observed_x[j], num, sizeof num));
        fputs("</td>", f);
        if (model) {
            fputs("<td class=\"num\">", f);
            put_escaped(f, bo_config_format_input(in, rec->recommended_x[j], num, sizeof num));
            fputs("</td>", f);
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

static bo_status put_warnings(FILE *f, const bo_config *cfg, const bo_engine *engine,
                              const bo_gp *gp, char *err, size_t errlen)
{
    bo_run_bound_hit *hits;
    size_t n;
    bo_status st = bo_run_bound_hits(gp, &hits, &n, err, errlen);
    if (st != BO_OK || n == 0)
        return st;
    fputs("<h2>Warnings</h2>\n<p>Fitted hyperparameters on a bound of the box the fit "
          "searches (see docs/gp.md):</p>\n<ul>\n", f);
    for (size_t i = 0; i < n; i++) {
        char line[1024];
        bo_run_bound_hit_describe(cfg, engine, gp, &hits[i], line, sizeof line);
        fputs("<li class=\"warning\">", f);
        put_escaped(f, line);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n", f);
    free(hits);
    return BO_OK;
}

static void put_figure(FILE *f, const char *dir, const bo_config *cfg)
{
    fputs("<h2>Convergence</h2>\n", f);
    const char *name = cfg->output.plot == BO_PLOT_PNG   ? "convergence.png"
                       : cfg->output.plot == BO_PLOT_SVG ? "convergence.svg"
                                                         : NULL;
    char path[4200];
    if (name)
        snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!name || !file_readable(path)) {
        fputs("<p>No figure: ", f);
        if (name)
            fprintf(f, "there is no %s in this folder (gnuplot was not found, or there was "
                       "nothing to draw yet)", name);
        else
            fputs("output.plot is none", f);
        fputs(". <a href=\"convergence.gp\">convergence.gp</a> and "
              "<a href=\"convergence.dat\">convergence.dat</a> draw it "
              "(<code>gnuplot convergence.gp</code> in this folder).</p>\n", f);
        return;
    }
    fprintf(f, "<figure><img src=\"%s\" alt=\"best %s value against evaluations and "
               "cumulative cost\"><figcaption>Best %s value so far against evaluations and "
               "cumulative cost, each evaluation marked by its source "
               "(<a href=\"convergence.gp\">convergence.gp</a>, "
               "<a href=\"convergence.dat\">convergence.dat</a>).</figcaption></figure>\n",
            name, cfg->sources[cfg->target].name, cfg->sources[cfg->target].name);
}

/* The latent points on a small inline SVG scatter: the distances are what
 * the model uses (correlation exp(-d^2) with the target), so the picture is
 * drawn at equal scale on both axes. */
static void put_latent_svg(FILE *f, const bo_config *cfg, const bo_engine *engine,
                           const bo_gp *gp)
{
    const double size = 320.0, margin = 40.0;
    double reach = 0.5;
    for (size_t g = 0; g < bo_gp_n_sources(gp); g++) {
        double z[2];
        bo_run_latent(gp, g, z);
        reach = fmax(reach, fmax(fabs(z[0]), fabs(z[1])));
    }
    double scale = (size / 2.0 - margin) / reach, c = size / 2.0;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
               "viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"fidelity map\">\n",
            size, size, size, size);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fafafa\" "
               "stroke=\"#ccc\"/>\n", size, size);
    fprintf(f, "<line x1=\"0\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
               "<line x1=\"%g\" y1=\"0\" x2=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>\n",
            c, size, c, c, c, size);
    for (size_t g = 0; g < bo_gp_n_sources(gp); g++) {
        double z[2];
        bo_run_latent(gp, g, z);
        size_t s = bo_run_config_source(cfg, engine, g);
        int is_target = s == cfg->target;
        double px = c + scale * z[0], py = c - scale * z[1];
        fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"5\" fill=\"%s\"/>"
                   "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\">%s</text>\n",
                px, py, is_target ? "#c00" : "#1f5fa8", px + 7.0, py - 7.0,
                s == SIZE_MAX ? "?" : cfg->sources[s].name);
    }
    fputs("</svg>\n", f);
}

static void put_model(FILE *f, const bo_config *cfg, const bo_engine *engine, const bo_gp *gp)
{
    fputs("<h2>Model</h2>\n", f);
    if (!gp) {
        fputs("<p>No model: fewer than one successful evaluation, or the fit failed.</p>\n", f);
        return;
    }
    size_t d = cfg->n_inputs;
    fprintf(f, "<p>Kernel %s, fitted to %zu observations; signal sd %.6g; log marginal "
               "likelihood %.6g (<a href=\"model.txt\">model.txt</a> has every "
               "hyperparameter).",
            bo_kernel_name(cfg->model.kernel), bo_gp_n(gp), sqrt(bo_gp_signal_var(gp)),
            bo_gp_log_marginal_likelihood(gp));
    if (cfg->goal == BO_CONFIG_MAXIMIZE)
        fputs(" The goal is maximize: the model is of &minus;y, so its means are of "
              "&minus;y.", f);
    fputs("</p>\n", f);
    double *ell = malloc(2 * d * sizeof *ell);
    if (ell) {
        double *relative = ell + d; /* the model's own, on the unit cube */
        bo_run_lengthscales(cfg, gp, ell);
        bo_gp_lengthscales(gp, relative);
        fputs("<table>\n<tr><th>input</th><th>range</th><th>scale</th>"
              "<th>length-scale (input's units)</th><th>length-scale / range</th></tr>\n", f);
        for (size_t j = 0; j < d; j++) {
            const bo_config_input *in = &cfg->inputs[j];
            if (in->kind == BO_VAR_CATEGORICAL) {
                /* No length-scale: the levels' latent points (model.txt). */
                fprintf(f, "<tr><td>%s</td><td class=\"num\">%zu levels</td><td>categorical"
                           "</td><td>latent map</td><td></td></tr>\n",
                        in->name, in->n_levels);
                continue;
            }
            fprintf(f, "<tr><td>%s</td><td class=\"num\">[%.6g, %.6g]</td><td>%s</td>"
                       "<td class=\"num\">%.6g%s</td><td class=\"num\">%.3g</td></tr>\n",
                    in->name, in->lower, in->upper, bo_config_scale_name(in->scale), ell[j],
                    in->scale == BO_CONFIG_SCALE_LOG ? " (natural log)" : "", relative[j]);
        }
        fputs("</table>\n", f);
        free(ell);
    }
    fputs("<table>\n<tr><th>source</th><th>cost</th><th>evaluations (failed)</th>"
          "<th>noise sd</th><th>mean</th></tr>\n", f);
    size_t n = bo_engine_n_observations(engine);
    for (size_t s = 0; s < cfg->n_sources; s++) {
        size_t g, evals = 0, failed = 0;
        for (size_t i = 0; i < n; i++) {
            size_t src;
            int ok;
            bo_engine_observation(engine, i, NULL, &src, NULL, &ok);
            evals += src == s;
            failed += src == s && !ok;
        }
        int modelled = bo_engine_model_source(engine, s, &g) == 0;
        fprintf(f, "<tr><td>%s%s</td><td class=\"num\">%g</td><td class=\"num\">%zu (%zu)</td>"
                   "<td class=\"num\">",
                cfg->sources[s].name, s == cfg->target ? " (target)" : "", cfg->sources[s].cost,
                evals, failed);
        put_number(f, "%.6g", modelled ? sqrt(bo_gp_noise_var(gp, g)) : NAN);
        fputs("</td><td class=\"num\">", f);
        put_number(f, "%.6g", modelled ? bo_gp_mean_value(gp, g) : NAN);
        fprintf(f, "</td></tr>\n");
    }
    fputs("</table>\n", f);

    size_t gt;
    if (bo_gp_n_sources(gp) < 2 || bo_engine_model_source(engine, cfg->target, &gt) != 0)
        return;
    fputs("<h2>Fidelity map</h2>\n<p>Each source's learned point in the model's 2-D latent "
          "space, the target at the origin. The model correlates a source with the target by "
          "exp(&minus;d&sup2;), d their distance: a source close to the target is a good "
          "stand-in for it.</p>\n", f);
    fputs("<table>\n<tr><th>source</th><th>z<sub>1</sub></th><th>z<sub>2</sub></th>"
          "<th>distance to target</th><th>correlation exp(&minus;d&sup2;)</th></tr>\n", f);
    double zt[2];
    bo_run_latent(gp, gt, zt);
    for (size_t g = 0; g < bo_gp_n_sources(gp); g++) {
        double z[2];
        bo_run_latent(gp, g, z);
        size_t s = bo_run_config_source(cfg, engine, g);
        double dist = hypot(z[0] - zt[0], z[1] - zt[1]);
        fprintf(f, "<tr><td>%s</td><td class=\"num\">%.4g</td><td class=\"num\">%.4g</td>"
                   "<td class=\"num\">%.4g</td><td class=\"num\">%.4g</td></tr>\n",
                s == SIZE_MAX ? "?" : cfg->sources[s].name, z[0], z[1], dist,
                exp(-dist * dist));
    }
    fputs("</table>\n", f);
    put_latent_svg(f, cfg, engine, gp);
}

bo_status bo_report_write_html(const char *dir, const bo_config *cfg, const bo_engine *engine,
                               bo_gp *gp, const char *stop_reason, char *err, size_t errlen)
{
    char path[4200];
    if (snprintf(path, sizeof path, "%s/report.html", dir) >= (int)sizeof path)
        return bo_error_msg(err, errlen, BO_EIO, "%s/report.html: path too long", dir);

    /* As in model.txt, a recommendation that cannot be computed costs its
     * section, not the page; its status is returned once the page is out. */
    bo_run_recommendation rec;
    bo_run_recommendation_init(&rec);
    char rec_why[512] = "";
    bo_status rec_st = bo_run_recommend(cfg, engine, gp, &rec, rec_why, sizeof rec_why);
    bo_status st = BO_OK;
    bo_atomic_file af;
    FILE *f = bo_atomic_file_open(&af, path, err, errlen);
    if (!f) {
        bo_run_recommendation_cleanup(&rec);
        return BO_ENOMEM;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
    fprintf(f, "<title>bo-run report: %s</title>\n<style>\n%s</style>\n</head>\n", cfg->name,
            page_style);
    fprintf(f, "<body>\n<h1>bo-run: %s</h1>\n", cfg->name);
    put_outcome(f, cfg, engine, stop_reason);
    put_best(f, cfg, &rec);
    if (rec_st != BO_OK) {
        fputs("<p class=\"missing\">No recommendation: ", f);
        put_escaped(f, rec_why);
        fputs("</p>\n", f);
    }
    if (gp)
        st = put_warnings(f, cfg, engine, gp, err, errlen);
    if (st == BO_OK) {
        put_figure(f, dir, cfg);
        put_model(f, cfg, engine, gp);
        fputs("<h2>Configuration as resolved</h2>\n<p>Every default written out "
              "(<a href=\"config.yaml\">config.yaml</a>; every evaluation is in "
              "<a href=\"history.csv\">history.csv</a>).</p>\n<pre>", f);
        if (put_resolved_config(f, cfg) != BO_OK)
            st = bo_error_msg(err, errlen, BO_EIO, "%s: cannot copy the resolved config",
                              path);
        fputs("</pre>\n", f);
        fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
    }
    bo_run_recommendation_cleanup(&rec);
    if (st != BO_OK) {
        bo_atomic_file_abandon(&af);
        return st;
    }
    st = bo_atomic_file_commit(&af, err, errlen);
    if (st != BO_OK)
        return st;
    if (rec_st != BO_OK)
        return bo_error_msg(err, errlen, rec_st, "%s: %s", path, rec_why);
    return BO_OK;
}
