#include "bo/report/run_report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bo_status bo_run_write_model(const char *path, const bo_config *cfg, const bo_engine *engine,
                             const bo_gp *gp, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
    fprintf(f, "# Gaussian-process model of run '%s' fitted to all successful evaluations.\n",
            cfg->name);
    if (!gp) {
        fprintf(f, "no model: fewer than one successful evaluation, or the fit failed\n");
    } else {
        size_t d = cfg->n_inputs;
        int flip = cfg->goal == BO_CONFIG_MAXIMIZE;
        fprintf(f, "kernel: %s\n", bo_kernel_name(cfg->model.kernel));
        fprintf(f, "observations: %zu\n", bo_gp_n(gp));
        fprintf(f, "log_marginal_likelihood: %.10g\n", bo_gp_log_marginal_likelihood(gp));
        if (flip)
            fprintf(f, "# goal is maximize: the model is of -y, so means are of -y\n");
        double *ell = malloc(d * sizeof *ell);
        if (ell) {
            /* The GP works on the unit cube: scale back by each input's width. */
            bo_gp_lengthscales(gp, ell);
            fprintf(f, "lengthscales:   # in the input's units (log-scaled: natural-log units)\n");
            for (size_t j = 0; j < d; j++) {
                const bo_config_input *in = &cfg->inputs[j];
                double width = in->scale == BO_CONFIG_SCALE_LOG ? log(in->upper / in->lower)
                                                                 : in->upper - in->lower;
                fprintf(f, "  %s: %.6g\n", in->name, ell[j] * width);
            }
            free(ell);
        }
        fprintf(f, "signal_sd: %.6g\n", sqrt(bo_gp_signal_var(gp)));
        fprintf(f, "sources:\n");
        double zt[2] = {0, 0};
        size_t gt;
        if (bo_engine_model_source(engine, cfg->target, &gt) == 0)
            bo_gp_latent(gp, gt, zt);
        for (size_t s = 0; s < cfg->n_sources; s++) {
            size_t gs;
            if (bo_engine_model_source(engine, s, &gs) != 0)
                continue;
            double z[2];
            bo_gp_latent(gp, gs, z);
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
            for (size_t i = 0; i < nh; i++) {
                char name[64];
                fprintf(f, "  %s: %.17g\n", bo_gp_hyper_name(gp, i, name, sizeof name), theta[i]);
            }
            free(theta);
        }
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return BO_EIO;
    }
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
