/* What a run reports about itself: the recommendation (best posterior mean
 * among the evaluated target points) against an independent computation
 * with bo_gp_predict, on a noisy problem where it differs from the best
 * observation and a noise-free one where they agree; warnings for fitted
 * hyperparameters on a bound (real fits that push an irrelevant input's
 * length-scale or a constant mean onto a bound, and values forced there);
 * model.txt; and report.html of a real bo-run run folder rendered by
 * headless Chromium, whose inline script must find the convergence figure
 * decoded (and must not when the figure is broken or missing). */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bo/config/config.h"
#include "bo/engine/design.h"
#include "bo/engine/engine.h"
#include "bo/io/history.h"
#include "bo/report/html_report.h"
#include "bo/report/run_report.h"
#include "gp/gp.h"
#include "gp/rng.h"
#include "tests/check.h"
#include "tests/test_files.h"
#include "tests/test_process.h"

static char tmpdir[] = "/tmp/bo_test_report_XXXXXX";

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int contains(const char *text, const char *part)
{
    return strstr(text, part) != NULL;
}

/* Loads a config written into tmpdir. */
static int load_config(const char *file, const char *yaml, bo_config *cfg)
{
    char path[512], err[512];
    path_in(path, sizeof path, file);
    test_write_text(path, yaml);
    bo_config_init(cfg);
    bo_status st = bo_config_load(path, cfg, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    return st == BO_OK ? 0 : -1;
}

/* The engine bo-run builds from a config (bo_run.c's
 * engine_options_from_config, field for field). */
static bo_engine *engine_for(const bo_config *cfg)
{
    bo_engine_options eo;
    bo_engine_options_default(&eo, cfg->n_inputs);
    double costs[8];
    size_t initial[8];
    for (size_t s = 0; s < cfg->n_sources && s < 8; s++) {
        costs[s] = cfg->sources[s].cost;
        initial[s] = cfg->sources[s].initial;
    }
    eo.n_sources = cfg->n_sources;
    eo.target_source = cfg->target;
    eo.cost = costs;
    eo.initial = initial;
    eo.design = cfg->initial_design.method;
    eo.acquisition = cfg->acquisition.type;
    eo.maximize = cfg->goal == BO_CONFIG_MAXIMIZE;
    eo.kernel = cfg->model.kernel;
    eo.mean = cfg->model.mean;
    eo.noise = cfg->model.noise;
    eo.fixed_noise_var = cfg->model.noise_var;
    eo.restarts = cfg->model.restarts;
    eo.ucb_beta = cfg->acquisition.beta;
    eo.mfca_target_ei = cfg->acquisition.target_ei;
    eo.explore_budget = cfg->acquisition.explore_budget;
    eo.stall_explore = cfg->acquisition.stall_explore;
    eo.acq_pool = cfg->acquisition.pool;
    eo.acq_starts = cfg->acquisition.starts;
    eo.seed = cfg->seed;
    char err[512];
    bo_engine *e = bo_engine_create(&eo, err, sizeof err);
    CHECK_MSG(e != NULL, "%s", err);
    return e;
}

static void box_of(const bo_config *cfg, double *lo, double *hi, int *log_scale)
{
    for (size_t j = 0; j < cfg->n_inputs; j++) {
        lo[j] = cfg->inputs[j].lower;
        hi[j] = cfg->inputs[j].upper;
        log_scale[j] = cfg->inputs[j].scale == BO_CONFIG_SCALE_LOG;
    }
}

/* What the test saw the engine observe, kept on the side so the
 * recommendation can be recomputed without the engine's accessors. */
typedef struct seen {
    size_t n;
    double u[64][4];
    size_t source[64];
    double y[64];
} seen;

typedef double (*objective_fn)(const double *x, size_t source, bo_rng *noise);

/* The ask/tell loop for n evaluations of f (user units, as bo-run calls its
 * objective), recording every observation in *record. */
static void run_engine(const bo_config *cfg, bo_engine *e, objective_fn f, size_t n, seen *record,
                       uint64_t noise_seed)
{
    size_t d = cfg->n_inputs;
    double lo[4], hi[4], u[4], x[4];
    int log_scale[4];
    box_of(cfg, lo, hi, log_scale);
    bo_rng noise;
    bo_rng_init(&noise, noise_seed);
    record->n = 0;
    for (size_t k = 0; k < n && k < 64; k++) {
        bo_suggestion s;
        bo_status st = bo_engine_suggest(e, u, &s);
        CHECK_MSG(st == BO_OK, "suggest %zu: %s", k, bo_engine_errmsg(e));
        if (st != BO_OK)
            return;
        CHECK(bo_design_to_user(u, 1, d, lo, hi, log_scale, x, NULL, 0) == BO_OK);
        double y = f(x, s.source, &noise);
        CHECK(bo_engine_observe(e, u, s.source, y, 1, s.initial) == BO_OK);
        memcpy(record->u[k], u, d * sizeof *u);
        record->source[k] = s.source;
        record->y[k] = y;
        record->n++;
    }
}

/* The recommendation recomputed from the test's own record: the target's
 * posterior mean at each observed point with bo_gp_predict, best in the
 * goal's sense (the GP models the minimised y), first of equals. */
static void check_against_independent(const bo_config *cfg, bo_gp *gp, const seen *record,
                                      const bo_run_recommendation *rec)
{
    double sign = cfg->goal == BO_CONFIG_MAXIMIZE ? -1.0 : 1.0;
    size_t best_obs = SIZE_MAX, best_mean = SIZE_MAX;
    double obs_y = 0, mean_min = INFINITY, mean_sd = NAN;
    for (size_t i = 0; i < record->n; i++) {
        if (record->source[i] != cfg->target)
            continue;
        if (best_obs == SIZE_MAX || sign * record->y[i] < sign * obs_y) {
            best_obs = i;
            obs_y = record->y[i];
        }
        double m, v;
        CHECK(bo_gp_predict(gp, record->u[i], 0, &m, &v, NULL) == BO_OK);
        if (m < mean_min) {
            mean_min = m;
            best_mean = i;
            mean_sd = sqrt(v);
        }
    }
    CHECK(rec->have_observed && rec->have_model);
    CHECK(rec->observed_row == best_obs + 1);
    CHECK(rec->observed_y == obs_y);
    CHECK(rec->recommended_row == best_mean + 1);
    CHECK(rec->recommended_y == record->y[best_mean]);
    /* The same prediction of the same model: equal to roundoff. */
    CHECK_CLOSE(rec->recommended_mean, sign * mean_min, 1e-12, 1e-14);
    CHECK_CLOSE(rec->recommended_sd, mean_sd, 1e-12, 1e-14);
    double lo[4], hi[4], x[4];
    int log_scale[4];
    box_of(cfg, lo, hi, log_scale);
    CHECK(bo_design_to_user(record->u[best_mean], 1, cfg->n_inputs, lo, hi, log_scale, x, NULL,
                            0) == BO_OK);
    for (size_t j = 0; j < cfg->n_inputs; j++)
        CHECK(rec->recommended_x[j] == x[j]);
}

/* sin(x) + sin(10x/3) (noisy_sine's function) plus N(0, 0.3^2) noise. */
static double noisy_sine(const double *x, size_t source, bo_rng *noise)
{
    (void)source;
    return sin(x[0]) + sin(10.0 * x[0] / 3.0) + 0.3 * bo_rng_normal(noise);
}

static double negated_noisy_sine(const double *x, size_t source, bo_rng *noise)
{
    return -noisy_sine(x, source, noise);
}

static const char noisy_yaml[] =
    "name: noisy\n"
    "seed: 3\n"
    "goal: %s\n"
    "objective: {plugin: " BO_BINARY_DIR "/plugins/noisy_sine.so}\n"
    "inputs:\n"
    "  - {name: x, lower: 2.7, upper: 7.5}\n"
    "model: {kernel: matern52, noise: learn}\n"
    "acquisition: {type: ei}\n"
    "initial_design: {method: lhs, size: 6}\n"
    "budget: {max_evaluations: 30}\n";

static void noisy_case(const char *goal, objective_fn f, size_t *rows)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml, noisy_yaml, goal);
    bo_config cfg;
    if (load_config("noisy.yaml", yaml, &cfg) != 0)
        return;
    bo_engine *e = engine_for(&cfg);
    seen *record = calloc(1, sizeof *record);
    if (e && record) {
        run_engine(&cfg, e, f, 30, record, 99);
        bo_gp *gp = bo_engine_fit_final(e);
        CHECK(gp != NULL);
        bo_run_recommendation rec;
        bo_run_recommendation_init(&rec);
        char err[512];
        CHECK(bo_run_recommend(&cfg, e, gp, &rec, err, sizeof err) == BO_OK);
        if (gp && rec.have_model) {
            check_against_independent(&cfg, gp, record, &rec);
            /* The noise makes the two answers differ: the best draw is not
             * where the model's mean is best, and the model rates its own
             * choice better than the lucky draw's point. */
            CHECK_MSG(rec.recommended_row != rec.observed_row, "rows %zu and %zu",
                      rec.recommended_row, rec.observed_row);
            double sign = cfg.goal == BO_CONFIG_MAXIMIZE ? -1.0 : 1.0;
            CHECK(sign * rec.recommended_mean < sign * rec.observed_mean);
            CHECK(sign * rec.observed_y < sign * rec.recommended_y);
            /* The recommendation lands in the basin of the true minimum
             * 5.14574 (the other minima are at 3.0 and 6.7 or beyond), and
             * closer to it than a draw of the noise would put a guess. */
            CHECK_MSG(fabs(rec.recommended_x[0] - 5.14574) < 0.25, "x = %g",
                      rec.recommended_x[0]);
            rows[0] = rec.observed_row;
            rows[1] = rec.recommended_row;

            /* The summary's lines say which is which. */
            FILE *out = tmpfile();
            bo_run_print_recommendation(out, &cfg, &rec);
            char text[2048] = "";
            rewind(out);
            size_t got = fread(text, 1, sizeof text - 1, out);
            text[got] = '\0';
            fclose(out);
            char want[256];
            snprintf(want, sizeof want, "best f value: %.10g   (the best observed, history.csv "
                     "row %zu)", rec.observed_y, rec.observed_row);
            CHECK_MSG(contains(text, want), "%s", text);
            snprintf(want, sizeof want, "recommended (best posterior mean of f among the "
                     "evaluated points): history.csv row %zu, posterior mean %.10g",
                     rec.recommended_row, rec.recommended_mean);
            CHECK_MSG(contains(text, want), "%s", text);
            snprintf(want, sizeof want, "  x = %.10g\n", rec.recommended_x[0]);
            CHECK(contains(text, want));

            /* model.txt gives both, labelled. */
            char path[512];
            path_in(path, sizeof path, "noisy-model.txt");
            CHECK(bo_run_write_model(path, &cfg, e, gp, err, sizeof err) == BO_OK);
            char *model = test_read_text(path);
            snprintf(want, sizeof want, "best_observed:   # the %s observed f value\n  row: %zu\n"
                     "  y: %.10g\n", cfg.goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest",
                     rec.observed_row, rec.observed_y);
            CHECK_MSG(contains(model, want), "%s", model);
            snprintf(want, sizeof want, "recommended:   # the evaluated f point with the %s "
                     "posterior mean\n  row: %zu\n  posterior_mean: %.10g\n",
                     cfg.goal == BO_CONFIG_MAXIMIZE ? "highest" : "lowest",
                     rec.recommended_row, rec.recommended_mean);
            CHECK_MSG(contains(model, want), "%s", model);
            CHECK(contains(model, "  same_as_best_observed: false\n"));
            CHECK(contains(model, "warnings: none   # no fitted hyperparameter on a bound"));
            free(model);
        }
        bo_run_recommendation_cleanup(&rec);
    }
    free(record);
    bo_engine_destroy(e);
    bo_config_cleanup(&cfg);
}

static void test_noisy_recommendation(void)
{
    size_t min_rows[2] = {0, 0}, max_rows[2] = {1, 1};
    noisy_case("minimize", noisy_sine, min_rows);
    /* Maximising -f is the same problem with the sign turned: the same
     * rows, the means in the user's (negated) sign. */
    noisy_case("maximize", negated_noisy_sine, max_rows);
    CHECK(min_rows[0] == max_rows[0] && min_rows[1] == max_rows[1]);
}

/* A smooth bowl without noise. */
static double bowl(const double *x, size_t source, bo_rng *noise)
{
    (void)source;
    (void)noise;
    return (x[0] - 0.3) * (x[0] - 0.3) + 2.0 * (x[1] - 0.6) * (x[1] - 0.6);
}

static void test_noiseless_recommendation(void)
{
    bo_config cfg;
    if (load_config("bowl.yaml",
                    "name: bowl\n"
                    "seed: 5\n"
                    "objective: {plugin: " BO_BINARY_DIR "/plugins/example_quadratic.so}\n"
                    "inputs:\n"
                    "  - {name: a, lower: 0, upper: 1}\n"
                    "  - {name: b, lower: 0, upper: 1}\n"
                    "initial_design: {method: lhs, size: 8}\n"
                    "budget: {max_evaluations: 20}\n",
                    &cfg) != 0)
        return;
    bo_engine *e = engine_for(&cfg);
    seen *record = calloc(1, sizeof *record);
    if (e && record) {
        run_engine(&cfg, e, bowl, 20, record, 1);
        bo_gp *gp = bo_engine_fit_final(e);
        CHECK(gp != NULL);
        bo_run_recommendation rec;
        bo_run_recommendation_init(&rec);
        char err[512];
        CHECK(bo_run_recommend(&cfg, e, gp, &rec, err, sizeof err) == BO_OK);
        if (gp && rec.have_model) {
            check_against_independent(&cfg, gp, record, &rec);
            /* Interpolated data: the best mean is at the best observation,
             * or at one the floor noise's smoothing (1e-5 of y's sd) cannot
             * tell from it: near the bowl's bottom two observations may
             * differ by 1e-10. The mean there is the observation to within
             * that smoothing: 1e-6 of y's range (about 1) is ample. */
            int same_row = rec.recommended_row == rec.observed_row;
            CHECK_CLOSE(rec.recommended_mean, rec.observed_y, 0, 1e-6);
            CHECK_MSG(same_row || fabs(rec.recommended_y - rec.observed_y) <= 1e-8,
                      "recommended row %zu observed %g, best row %zu %g", rec.recommended_row,
                      rec.recommended_y, rec.observed_row, rec.observed_y);
            for (size_t j = 0; j < 2 && same_row; j++)
                CHECK(rec.recommended_x[j] == rec.observed_x[j]);
            /* bo-run's best point is the engine's. */
            double best, u[2], x[2], lo[2], hi[2];
            int ls[2];
            box_of(&cfg, lo, hi, ls);
            CHECK(bo_engine_best(e, &best, u) == 1);
            CHECK(bo_design_to_user(u, 1, 2, lo, hi, ls, x, NULL, 0) == BO_OK);
            CHECK(best == rec.observed_y && x[0] == rec.observed_x[0] &&
                  x[1] == rec.observed_x[1]);
            FILE *out = tmpfile();
            bo_run_print_recommendation(out, &cfg, &rec);
            char text[2048] = "";
            rewind(out);
            size_t got = fread(text, 1, sizeof text - 1, out);
            text[got] = '\0';
            fclose(out);
            CHECK_MSG(contains(text, same_row ? "): the best observed point, posterior mean "
                                              : "): history.csv row "),
                      "%s", text);

            char path[512];
            path_in(path, sizeof path, "bowl-model.txt");
            CHECK(bo_run_write_model(path, &cfg, e, gp, err, sizeof err) == BO_OK);
            char *model = test_read_text(path);
            CHECK(contains(model, same_row ? "  same_as_best_observed: true\n"
                                           : "  same_as_best_observed: false\n"));
            /* A real fit that ends on a bound: the bowl is the bottom of a
             * wide function to the model (long length-scales), whose
             * constant mean runs to +10 sds. The noise on its floor is not
             * warned about. */
            CHECK_MSG(contains(model, "warnings:   # fitted hyperparameters on a bound of the "
                                      "fit's box (docs/gp.md)\n  - mean = 10 is at its upper "
                                      "bound 10: the constant mean ("),
                      "%s", model);
            CHECK(contains(model, "  mean: 10   # at its upper bound\n"));
            CHECK(!contains(model, "log_noise_var = "));
            free(model);
        }
        /* Without a model: the best observation alone, said plainly. */
        CHECK(bo_run_recommend(&cfg, e, NULL, &rec, err, sizeof err) == BO_OK);
        CHECK(rec.have_observed && !rec.have_model);
        size_t best_row = rec.observed_row;
        double best_y = rec.observed_y;
        char path[512];
        path_in(path, sizeof path, "bowl-nomodel.txt");
        CHECK(bo_run_write_model(path, &cfg, e, NULL, err, sizeof err) == BO_OK);
        char *model = test_read_text(path);
        CHECK(contains(model, "no model:"));
        CHECK(contains(model, "best_observed:"));
        CHECK(contains(model, "recommended: none"));
        free(model);
        bo_run_recommendation_cleanup(&rec);

        /* A model that cannot predict (never conditioned): the
         * recommendation says so, and model.txt and report.html are still
         * written, with that section saying why. */
        char want[256];
        bo_gp_options go;
        bo_gp_options_default(&go, 2);
        bo_gp *unfitted = bo_gp_create(&go, NULL, 0);
        CHECK(bo_run_recommend(&cfg, e, unfitted, &rec, err, sizeof err) == BO_ESTATE);
        CHECK_MSG(contains(err, "recommendation: row 1: gp predict"), "%s", err);
        /* The history's answer stands; the model's is dropped. */
        CHECK(rec.have_observed && !rec.have_model && isnan(rec.observed_mean));
        CHECK(rec.observed_row == best_row && rec.observed_y == best_y);
        bo_run_recommendation_cleanup(&rec);
        path_in(path, sizeof path, "bowl-unfitted.txt");
        CHECK(bo_run_write_model(path, &cfg, e, unfitted, err, sizeof err) == BO_ESTATE);
        CHECK_MSG(contains(err, path) && contains(err, "not fitted or conditioned"), "%s", err);
        model = test_read_text(path);
        CHECK_MSG(contains(model, "recommended: unavailable   # recommendation: row 1: "),
                  "%s", model);
        snprintf(want, sizeof want, "best_observed:   # the lowest observed f value\n"
                 "  row: %zu\n  y: %.10g\n  x: {", best_row, best_y);
        CHECK_MSG(contains(model, want), "%s", model);
        CHECK(contains(model, "hyperparameters:"));
        free(model);
        CHECK(bo_report_write_html(tmpdir, &cfg, e, unfitted, NULL, err, sizeof err) ==
              BO_ESTATE);
        CHECK_MSG(contains(err, "report.html: recommendation: row 1: "), "%s", err);
        path_in(path, sizeof path, "report.html");
        model = test_read_text(path);
        CHECK(contains(model, "<p class=\"missing\">No recommendation: recommendation: row 1: "));
        CHECK(contains(model, "<th>best observed</th></tr>"));
        CHECK(contains(model, "</html>"));
        free(model);
        bo_gp_destroy(unfitted);

        /* Errors name the place. */
        CHECK(bo_run_write_model("/nonexistent/dir/model.txt", &cfg, e, gp, err, sizeof err) ==
              BO_EIO);
        CHECK(contains(err, "/nonexistent/dir/model.txt"));
        CHECK(bo_report_write_html("/nonexistent/dir", &cfg, e, gp, NULL, err, sizeof err) ==
              BO_EIO);
        CHECK(contains(err, "/nonexistent/dir/report.html"));
    }
    free(record);
    bo_engine_destroy(e);
    bo_config_cleanup(&cfg);
}

/* The accessor against the bounds gp.h documents. */
static void test_hyper_bounds(void)
{
    bo_gp_options o;
    bo_gp_options_default(&o, 2);
    o.n_sources = 2;
    o.mean = BO_MEAN_PER_SOURCE;
    o.noise = BO_NOISE_PER_SOURCE;
    bo_gp *gp = bo_gp_create(&o, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    /* 2 length-scales, signal, 2 noises, 1 mean, 4 latent coordinates. */
    size_t nh = bo_gp_n_hyper(gp);
    CHECK(nh == 10);
    double lo[10], hi[10];
    bo_gp_hyper_bounds(gp, lo, hi);
    for (size_t k = 0; k < 2; k++) {
        CHECK_CLOSE(lo[k], log(1e-3), 1e-15, 0);
        CHECK_CLOSE(hi[k], log(20.0), 1e-15, 0);
    }
    CHECK_CLOSE(lo[2], log(1e-4), 1e-15, 0);
    CHECK_CLOSE(hi[2], log(1e4), 1e-15, 0);
    for (size_t k = 3; k < 5; k++) {
        CHECK_CLOSE(lo[k], log(1e-10), 1e-15, 0);
        CHECK_CLOSE(hi[k], log(10.0), 1e-15, 0);
    }
    CHECK(lo[5] == -10.0 && hi[5] == 10.0);
    for (size_t k = 6; k < 10; k++)
        CHECK(lo[k] == -4.0 && hi[k] == 4.0);
    bo_gp_destroy(gp);

    /* rough_rbf's omega = log10(1 / (2 l^2)): the same length-scale box. */
    bo_gp_options_default(&o, 1);
    o.kernel = BO_KERNEL_ROUGH_RBF;
    gp = bo_gp_create(&o, NULL, 0);
    CHECK(gp != NULL);
    if (!gp)
        return;
    double rlo[4], rhi[4];
    bo_gp_hyper_bounds(gp, rlo, rhi);
    CHECK_CLOSE(rlo[0], log10(1.0 / (2.0 * 20.0 * 20.0)), 1e-15, 0);
    CHECK_CLOSE(rhi[0], log10(1.0 / (2.0 * 1e-3 * 1e-3)), 1e-15, 0);
    bo_gp_destroy(gp);
}

/* y depends on the first input only: the fit stretches the second's
 * length-scale to the longest allowed. */
static double first_input_only(const double *x, size_t source, bo_rng *noise)
{
    (void)source;
    (void)noise;
    return sin(6.0 * (x[0] - 1.0) / 4.0) * 3.0;
}

static char *printed_warnings(const char *prefix, const bo_config *cfg, const bo_engine *e,
                              const bo_gp *gp, size_t *n)
{
    FILE *out = tmpfile();
    *n = bo_run_print_bound_warnings(out, prefix, cfg, e, gp);
    static char text[8192];
    rewind(out);
    size_t got = fread(text, 1, sizeof text - 1, out);
    text[got] = '\0';
    fclose(out);
    return text;
}

static void test_bound_warnings(void)
{
    bo_config cfg;
    const char *kernels[] = {"matern52", "rough_rbf"};
    for (size_t kk = 0; kk < 2; kk++) {
        char yaml[1024];
        snprintf(yaml, sizeof yaml,
                 "name: flat\n"
                 "seed: 2\n"
                 "objective: {plugin: " BO_BINARY_DIR "/plugins/example_quadratic.so}\n"
                 "inputs:\n"
                 "  - {name: speed, lower: 1, upper: 5}\n"
                 "  - {name: colour, lower: 10, upper: 1000, scale: log}\n"
                 "model: {kernel: %s}\n"
                 "initial_design: {method: lhs, size: 16}\n"
                 "budget: {max_evaluations: 16}\n",
                 kernels[kk]);
        if (load_config("flat.yaml", yaml, &cfg) != 0)
            return;
        bo_engine *e = engine_for(&cfg);
        seen *record = calloc(1, sizeof *record);
        bo_gp *gp = NULL;
        if (e && record) {
            run_engine(&cfg, e, first_input_only, 16, record, 1);
            gp = bo_engine_fit_final(e);
        }
        CHECK(gp != NULL);
        if (gp) {
            bo_run_bound_hit *hits = NULL;
            size_t n = 0;
            char err[256];
            CHECK(bo_run_bound_hits(gp, &hits, &n, err, sizeof err) == BO_OK);
            double lo[8], hi[8], theta[8];
            bo_gp_hyper_bounds(gp, lo, hi);
            bo_gp_get_hyper(gp, theta);
            /* The irrelevant input, and only it, on the bound that means
             * "longest": log l's upper bound, omega's lower. */
            int rough = kk == 1;
            CHECK_MSG(n == 1, "%zu hits (%s)", n, kernels[kk]);
            if (n >= 1) {
                CHECK(hits[0].hyper == 1);
                CHECK(hits[0].upper == !rough);
                CHECK(hits[0].bound == (rough ? lo[1] : hi[1]));
                CHECK(hits[0].value == theta[1]);
                CHECK(fabs(theta[1] - hits[0].bound) <= 1e-6 * (hi[1] - lo[1]));
            }
            /* 20 unit-cube widths, in natural-log units of colour. */
            double ell[2];
            bo_run_lengthscales(&cfg, gp, ell);
            CHECK_CLOSE(ell[1], 20.0 * log(100.0), 1e-6, 0);

            char want[512];
            snprintf(want, sizeof want,
                     "bo-run: warning: model: %s[1] = %.6g is at its %s bound %.6g: the "
                     "length-scale of colour (%.6g in its units) is the longest allowed, 20 "
                     "times its range",
                     rough ? "omega" : "log_lengthscale", theta[1], rough ? "lower" : "upper",
                     rough ? lo[1] : hi[1], ell[1]);
            size_t printed;
            char *text = printed_warnings("bo-run: ", &cfg, e, gp, &printed);
            CHECK(printed == 1);
            CHECK_MSG(contains(text, want), "want '%s' in '%s'", want, text);

            /* model.txt: the same line under warnings:, and the raw value
             * marked. */
            char path[512];
            path_in(path, sizeof path, "flat-model.txt");
            CHECK(bo_run_write_model(path, &cfg, e, gp, err, sizeof err) == BO_OK);
            char *model = test_read_text(path);
            CHECK(contains(model, "warnings:   # fitted hyperparameters on a bound"));
            CHECK_MSG(contains(model, want + strlen("bo-run: warning: model: ")), "%s", model);
            snprintf(want, sizeof want, "  %s[1]: %.17g   # at its %s bound\n",
                     rough ? "omega" : "log_lengthscale", theta[1], rough ? "lower" : "upper");
            CHECK_MSG(contains(model, want), "%s", model);
            free(model);
            free(hits);

            /* Forced onto other bounds (set_hyper clamps into the box): the
             * constant mean at +10, the signal variance at its floor. */
            size_t nh = bo_gp_n_hyper(gp);
            CHECK(nh == 5);
            double forced[5];
            memcpy(forced, theta, sizeof forced);
            forced[2] = -50.0; /* log signal variance */
            forced[4] = 50.0;  /* mean */
            CHECK(bo_gp_set_hyper(gp, forced) == BO_OK);
            text = printed_warnings(NULL, &cfg, e, gp, &printed);
            CHECK(printed == 3);
            snprintf(want, sizeof want, "warning: model: log_signal_var = %.6g is at its lower "
                     "bound %.6g: the signal sd (%.6g) is the smallest allowed",
                     lo[2], lo[2], sqrt(bo_gp_signal_var(gp)));
            CHECK_MSG(contains(text, want), "want '%s' in '%s'", want, text);
            snprintf(want, sizeof want, "warning: model: mean = 10 is at its upper bound 10: "
                     "the constant mean (%.6g) is at the edge of its range",
                     bo_gp_mean_value(gp, 0));
            CHECK_MSG(contains(text, want), "want '%s' in '%s'", want, text);
        }
        free(record);
        bo_engine_destroy(e);
        bo_config_cleanup(&cfg);
    }
}

/* A two-source run whose map is forced to its edge, and noise to its
 * ceiling: the sources are named. */
static double two_sources(const double *x, size_t source, bo_rng *noise)
{
    (void)noise;
    double hf = (x[0] - 0.4) * (x[0] - 0.4);
    return source == 0 ? hf : 0.8 * hf + 0.1 * x[0];
}

static void test_bound_warnings_sources(void)
{
    bo_config cfg;
    if (load_config("mf.yaml",
                    "name: mf\n"
                    "seed: 1\n"
                    "objective: {plugin: " BO_BINARY_DIR "/plugins/forrester_mf.so}\n"
                    "inputs:\n"
                    "  - {name: x, lower: 0, upper: 1}\n"
                    "sources:\n"
                    "  - {name: HF, cost: 5, initial: 4}\n"
                    "  - {name: LF, cost: 1, initial: 8}\n"
                    "target: HF\n"
                    "model: {noise: per_source, mean: per_source}\n"
                    "acquisition: {type: mfca}\n"
                    "budget: {max_evaluations: 14}\n",
                    &cfg) != 0)
        return;
    bo_engine *e = engine_for(&cfg);
    seen *record = calloc(1, sizeof *record);
    bo_gp *gp = NULL;
    if (e && record) {
        run_engine(&cfg, e, two_sources, 14, record, 1);
        gp = bo_engine_fit_final(e);
    }
    CHECK(gp != NULL);
    if (gp) {
        /* x, signal, noise[HF], noise[LF], mean[LF], latent 2 x 2. */
        size_t nh = bo_gp_n_hyper(gp);
        CHECK(nh == 9);
        double theta[9];
        bo_gp_get_hyper(gp, theta);
        theta[3] = 50.0;  /* LF's log noise variance */
        theta[4] = -50.0; /* LF's mean */
        theta[7] = 50.0;  /* LF's first latent coordinate */
        CHECK(bo_gp_set_hyper(gp, theta) == BO_OK);
        size_t printed;
        char *text = printed_warnings("", &cfg, e, gp, &printed);
        CHECK(printed == 3);
        CHECK_MSG(contains(text, "log_noise_var[1] = 2.30259 is at its upper bound 2.30259: "
                                 "the noise sd of LF ("), "%s", text);
        CHECK_MSG(contains(text, "mean[1] = -10 is at its lower bound -10: the mean of LF ("),
                  "%s", text);
        CHECK_MSG(contains(text, "latent[1][0] = 4 is at its upper bound 4: the latent point "
                                 "of source LF is at the edge of the fidelity map"), "%s", text);
    }
    free(record);
    bo_engine_destroy(e);
    bo_config_cleanup(&cfg);
}

/* ---- report.html in headless Chromium ---- */

static const char *chromium_path(void)
{
    const char *env = getenv("BO_TEST_CHROMIUM");
    return env && *env ? env : "/usr/bin/chromium";
}

/* Waits for pid up to seconds; kills it (and says so) after that. */
static int wait_with_deadline(pid_t pid, double seconds)
{
    struct timespec step = {0, 50 * 1000 * 1000};
    for (double waited = 0; waited < seconds; waited += 0.05) {
        int status;
        pid_t got = waitpid(pid, &status, WNOHANG);
        if (got == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (got < 0)
            return -1;
        nanosleep(&step, NULL);
    }
    kill(pid, SIGKILL);
    test_wait_exit(pid);
    fprintf(stderr, "chromium did not finish within %g s\n", seconds);
    return -1;
}

/* Loads page in headless Chromium, lets its scripts run, and returns the
 * DOM it dumps (caller frees; "" on failure). */
static char *chromium_dom(const char *page)
{
    static int profile = 0;
    char url[1200], user_data[600], user_data_arg[700], out[600], err[600];
    snprintf(url, sizeof url, "file://%s", page);
    snprintf(user_data, sizeof user_data, "%s/chromium-profile-%d", tmpdir, profile++);
    snprintf(user_data_arg, sizeof user_data_arg, "--user-data-dir=%s", user_data);
    path_in(out, sizeof out, "chromium-out.txt");
    path_in(err, sizeof err, "chromium-err.txt");
    mkdir(user_data, 0700);
    const char *args[16];
    size_t n = 0;
    /* Chromium's sandbox refuses to run as root (CI containers). */
    if (geteuid() == 0)
        args[n++] = "--no-sandbox";
    const char *common[] = {"--headless", "--disable-gpu", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", user_data_arg, "--virtual-time-budget=10000",
                            "--dump-dom", url};
    for (size_t i = 0; i < sizeof common / sizeof *common; i++)
        args[n++] = common[i];
    args[n] = NULL;
    int code = wait_with_deadline(test_spawn(chromium_path(), args, out, err), 120.0);
    CHECK_MSG(code == 0, "chromium exited with %d (stderr in %s)", code, err);
    return test_read_text(out);
}

/* The attribute's value in the dumped <body ...> tag, or -1. */
static long body_attr(const char *dom, const char *attr)
{
    const char *body = strstr(dom, "<body");
    if (!body)
        return -1;
    const char *end = strchr(body, '>');
    char key[80];
    snprintf(key, sizeof key, "%s=\"", attr);
    const char *at = strstr(body, key);
    if (!at || (end && at > end))
        return -1;
    return strtol(at + strlen(key), NULL, 10);
}

/* 1 when every src= and href= of the page is a relative path inside its
 * folder (no scheme, no absolute path, no way up), and there is at least
 * one: the page loads nothing from elsewhere. */
static int only_relative_links(const char *html)
{
    const char *attrs[] = {" src=\"", " href=\""};
    size_t links = 0;
    for (size_t a = 0; a < 2; a++) {
        for (const char *p = strstr(html, attrs[a]); p; p = strstr(p + 1, attrs[a])) {
            const char *v = p + strlen(attrs[a]);
            size_t len = strcspn(v, "\"");
            char value[512];
            snprintf(value, sizeof value, "%.*s", (int)len, v);
            if (strchr(value, ':') || value[0] == '/' || strstr(value, "..")) {
                fprintf(stderr, "report.html links to '%s'\n", value);
                return 0;
            }
            links++;
        }
    }
    return links > 0;
}

/* Replays the run folder's history into a fresh engine, as --resume does. */
static bo_engine *replay(const char *run_dir, bo_config *cfg)
{
    char path[1200], err[512];
    snprintf(path, sizeof path, "%s/config.yaml", run_dir);
    bo_config_init(cfg);
    bo_status st = bo_config_load(path, cfg, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    if (st != BO_OK)
        return NULL;
    bo_engine *e = engine_for(cfg);
    if (!e)
        return NULL;
    const char *names[4];
    size_t d = cfg->n_inputs;
    for (size_t j = 0; j < d && j < 4; j++)
        names[j] = cfg->inputs[j].name;
    bo_history_row *rows = NULL;
    size_t n = 0;
    snprintf(path, sizeof path, "%s/history.csv", run_dir);
    st = bo_history_read(path, names, d, &rows, &n, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    double lo[4], hi[4], u[4];
    int ls[4];
    box_of(cfg, lo, hi, ls);
    for (size_t i = 0; st == BO_OK && i < n; i++) {
        size_t s = bo_config_source_index(cfg, rows[i].source);
        CHECK(s != SIZE_MAX);
        CHECK(bo_design_from_user(rows[i].x, 1, d, lo, hi, ls, u, NULL, 0) == BO_OK);
        CHECK(bo_engine_observe(e, u, s, rows[i].y, rows[i].status == BO_HISTORY_OK,
                                rows[i].phase == BO_HISTORY_INIT) == BO_OK);
    }
    bo_history_rows_free(rows);
    return e;
}

static int run_bo_run(const char *config, const char *out_dir)
{
    char out[600], err[600];
    path_in(out, sizeof out, "bo-run-out.txt");
    path_in(err, sizeof err, "bo-run-err.txt");
    const char *args[] = {config, "--out", out_dir, "--quiet", NULL};
    int code = test_wait_exit(test_spawn(BO_BINARY_DIR "/bo-run", args, out, err));
    CHECK_MSG(code == 0, "bo-run %s exited with %d", config, code);
    return code;
}

static void test_html_report(void)
{
    if (access(chromium_path(), X_OK) != 0) {
        CHECK_MSG(0, "%s not found: report.html is tested in headless Chromium; install it "
                     "with scripts/setup-deps.sh (Debian package chromium) or point "
                     "BO_TEST_CHROMIUM at a Chromium binary", chromium_path());
        return;
    }
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        CHECK_MSG(0, "gnuplot not found: the report's figure needs it (scripts/setup-deps.sh)");
        return;
    }
    /* A real multi-fidelity run of bo-run, small: PNG figure. */
    char config[512], run_dir[512], page[600], png[600];
    path_in(config, sizeof config, "forrester.yaml");
    test_write_text(config,
                    "name: forrester-report\n"
                    "seed: 2\n"
                    "objective: {plugin: " BO_BINARY_DIR "/plugins/forrester_mf.so}\n"
                    "inputs:\n"
                    "  - {name: x, lower: 0, upper: 1}\n"
                    "sources:\n"
                    "  - {name: HF, cost: 5, initial: 3}\n"
                    "  - {name: LF, cost: 1, initial: 6}\n"
                    "target: HF\n"
                    "model: {noise: per_source, mean: per_source}\n"
                    "acquisition: {type: mfca, target_ei: true}\n"
                    "budget: {max_evaluations: 14}\n"
                    "output: {plot: png}\n");
    path_in(run_dir, sizeof run_dir, "run-forrester");
    if (run_bo_run(config, run_dir) != 0)
        return;
    bo_config cfg;
    bo_engine *e = replay(run_dir, &cfg);
    bo_gp *gp = e ? bo_engine_fit_final(e) : NULL;
    CHECK(gp != NULL);
    if (gp) {
        char err[512];
        bo_status st = bo_report_write_html(run_dir, &cfg, e, gp, "max_evaluations reached",
                                            err, sizeof err);
        CHECK_MSG(st == BO_OK, "%s", err);
        snprintf(page, sizeof page, "%s/report.html", run_dir);
        snprintf(png, sizeof png, "%s/convergence.png", run_dir);
        char *html = test_read_text(page);
        /* Self-contained: no address outside the folder, no style sheet or
         * script fetched. */
        CHECK(only_relative_links(html));
        CHECK(!contains(html, "<link") && !contains(html, "<script src"));
        CHECK(contains(html, "<img src=\"convergence.png\""));
        CHECK(contains(html, "<h2>Fidelity map</h2>"));
        CHECK(contains(html, "max_evaluations reached"));
        CHECK(contains(html, "<pre># bo-run configuration as resolved"));
        CHECK(contains(html, "name: &quot;forrester-report&quot;") ||
              contains(html, "name: forrester-report"));
        /* The numbers are the model's: length-scale in the input's units,
         * the recommendation, the LF's latent distance. */
        bo_run_recommendation rec;
        bo_run_recommendation_init(&rec);
        CHECK(bo_run_recommend(&cfg, e, gp, &rec, err, sizeof err) == BO_OK);
        char want[256];
        snprintf(want, sizeof want, "<td class=\"num\">%.10g (%.3g)</td></tr>",
                 rec.recommended_mean, rec.recommended_sd);
        CHECK_MSG(contains(html, want), "%s", want);
        double ell;
        bo_run_lengthscales(&cfg, gp, &ell);
        snprintf(want, sizeof want, "<td class=\"num\">%.6g</td>", ell);
        CHECK_MSG(contains(html, want), "%s", want);
        double z0[2], z1[2];
        bo_run_latent(gp, 0, z0);
        bo_run_latent(gp, 1, z1);
        /* The map as bo_gp_latent gives it, roundoff written as 0. */
        double raw[2];
        bo_gp_latent(gp, 1, raw);
        for (int k = 0; k < 2; k++)
            CHECK(z1[k] == (fabs(raw[k]) < 1e-12 ? 0.0 : raw[k]));
        CHECK(z0[0] == 0.0 && z0[1] == 0.0 && !signbit(z0[0]) && !signbit(z0[1]));
        double dist = hypot(z1[0] - z0[0], z1[1] - z0[1]);
        snprintf(want, sizeof want, "<tr><td>LF</td><td class=\"num\">%.4g</td>"
                 "<td class=\"num\">%.4g</td><td class=\"num\">%.4g</td>", z1[0], z1[1], dist);
        CHECK_MSG(contains(html, want), "%s", want);
        bo_run_recommendation_cleanup(&rec);
        free(html);

        /* Rendered: the inline script saw the one figure decoded. */
        char *dom = chromium_dom(page);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_TOTAL_ATTR) == 1, "%.300s", dom);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_DECODED_ATTR) == 1, "%.300s", dom);
        CHECK(!contains(dom, "<p class=\"missing\">"));
        free(dom);

        /* Broken figure (not a PNG any more) and then none at all: the
         * page must notice, or the check above proves nothing. */
        test_write_text(png, "not a png\n");
        dom = chromium_dom(page);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_DECODED_ATTR) == 0, "%.300s", dom);
        CHECK(contains(dom, "<p class=\"missing\">figure missing or unreadable: "
                            "convergence.png</p>"));
        free(dom);
        remove(png);
        dom = chromium_dom(page);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_DECODED_ATTR) == 0, "%.300s", dom);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_TOTAL_ATTR) == 1, "%.300s", dom);
        free(dom);

        /* Written again without the figure: the page says why instead. */
        CHECK(bo_report_write_html(run_dir, &cfg, e, gp, NULL, err, sizeof err) == BO_OK);
        html = test_read_text(page);
        CHECK(!contains(html, "<img"));
        CHECK(contains(html, "No figure: there is no convergence.png in this folder"));
        free(html);
        char tmp[700];
        snprintf(tmp, sizeof tmp, "%s.tmp", page);
        CHECK(!test_path_exists(tmp));
    }
    bo_engine_destroy(e);
    bo_config_cleanup(&cfg);

    /* A single-source run with an SVG figure: decoded too, and no map. */
    path_in(config, sizeof config, "branin.yaml");
    test_write_text(config,
                    "name: branin-report\n"
                    "seed: 1\n"
                    "objective: {plugin: " BO_BINARY_DIR "/plugins/branin.so}\n"
                    "inputs:\n"
                    "  - {name: x1, lower: -5, upper: 10}\n"
                    "  - {name: x2, lower: 0, upper: 15}\n"
                    "initial_design: {method: lhs, size: 6}\n"
                    "budget: {max_evaluations: 10}\n"
                    "output: {plot: svg}\n");
    path_in(run_dir, sizeof run_dir, "run-branin");
    if (run_bo_run(config, run_dir) != 0)
        return;
    e = replay(run_dir, &cfg);
    gp = e ? bo_engine_fit_final(e) : NULL;
    CHECK(gp != NULL);
    if (gp) {
        char err[512];
        CHECK(bo_report_write_html(run_dir, &cfg, e, gp, NULL, err, sizeof err) == BO_OK);
        snprintf(page, sizeof page, "%s/report.html", run_dir);
        char *html = test_read_text(page);
        CHECK(contains(html, "<img src=\"convergence.svg\""));
        CHECK(only_relative_links(html));
        CHECK(!contains(html, "Fidelity map"));
        free(html);
        char *dom = chromium_dom(page);
        CHECK_MSG(body_attr(dom, BO_REPORT_IMAGES_DECODED_ATTR) == 1, "%.300s", dom);
        free(dom);
    }
    bo_engine_destroy(e);
    bo_config_cleanup(&cfg);
}

int main(void)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_hyper_bounds();
    test_noisy_recommendation();
    test_noiseless_recommendation();
    test_bound_warnings();
    test_bound_warnings_sources();
    test_html_report();
    int failed = CHECK_DONE();
    /* BO_TEST_KEEP=1 keeps the run folders and reports to look at. */
    if (!failed && !getenv("BO_TEST_KEEP")) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    } else {
        fprintf(stderr, "files kept in %s\n", tmpdir);
    }
    return failed;
}
