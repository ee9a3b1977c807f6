/* The multi-fidelity emulator on the 4-source Wing weight function, a small
 * version of bench/bench_mf_emulation.c: for two data seeds, Latin
 * hypercubes of HF and LF points evaluated through the wing_mf plugin with
 * noise sd 0.5 / 1 / 1.5 / 2 (HF / LF1 / LF2 / LF3), the MF GP (per-source
 * noise and mean, target HF) must predict noise-free HF test values with a
 * smaller NRMSE than a GP fitted to the HF points alone, and its fidelity map
 * must put LF3 (the most biased source) farthest from HF.
 *
 * Also checked on the way, so that a pass means what it says: the plugin
 * really adds noise of the requested sd to HF and none to the test values,
 * and bo_gp_nrmse agrees with a direct computation. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/report/benchmarks.h"
#include "bo/bo_plugin.h"
#include "bo/engine/design.h"
#include "gp/gp.h"
#include "tests/check.h"

#define N_SOURCES 4
#define N_HF 40
#define N_LF 80
#define N_TEST 500
#define N_ROWS (N_HF + (N_SOURCES - 1) * N_LF)
/* Fits per model, the lowest negative log posterior kept: one bo_gp_fit on
 * these data ends in a local optimum (LF1 merged with HF, its bias taken for
 * HF noise) in a fair share of its seeds; docs/evidence-mf-emulation.md. */
#define N_FITS 3
#define MAX_HYPER 64

static const char *const noise_keys[N_SOURCES] = {"noise_sd_HF", "noise_sd_LF1", "noise_sd_LF2",
                                                  "noise_sd_LF3"};
static const char *const noise_texts[N_SOURCES] = {"0.5", "1", "1.5", "2"};

static const bo_plugin *load_wing(void **handle)
{
    const char *path = BO_BINARY_DIR "/plugins/wing_mf.so";
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", path, dlerror());
        return NULL;
    }
    void *sym = dlsym(*handle, BO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        fprintf(stderr, "dlsym %s: %s\n", path, dlerror());
        dlclose(*handle);
        *handle = NULL;
        return NULL;
    }
    const bo_plugin *(*entry)(void);
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer, as POSIX allows */
    return entry();
}

/* A plugin state with the study's noise (realisation `seed`), or noise-free. */
static void *wing_start(const bo_plugin *p, int noisy, unsigned seed)
{
    char seed_text[16];
    snprintf(seed_text, sizeof seed_text, "%u", seed);
    bo_plugin_param params[N_SOURCES + 1];
    size_t n = 0;
    if (noisy) {
        for (size_t s = 0; s < N_SOURCES; s++)
            params[n++] = (bo_plugin_param){noise_keys[s], noise_texts[s]};
        params[n++] = (bo_plugin_param){"seed", seed_text};
    }
    void *state = NULL;
    char err[256] = "";
    int rc = p->init(&state, params, n, p->dim, N_SOURCES, err, sizeof err);
    CHECK_MSG(rc == 0, "wing_mf init: %s", err);
    return rc == 0 ? state : NULL;
}

static int wing_eval(const bo_plugin *p, void *state, size_t n, const double *X, size_t source,
                     double *y)
{
    char err[256] = "";
    for (size_t i = 0; i < n; i++) {
        int rc = p->evaluate(state, X + i * p->dim, p->dim, source, &y[i], err, sizeof err);
        CHECK_MSG(rc == 0, "wing_mf evaluate: %s", err);
        if (rc != 0)
            return 1;
    }
    return 0;
}

static int design(bo_design_method method, size_t n, const bo_benchmark *b, uint64_t seed,
                  double *X)
{
    char err[256] = "";
    int ok = bo_design_generate(method, n, b->dim, seed, X, err, sizeof err) == BO_OK &&
             bo_design_to_user(X, n, b->dim, b->lower, b->upper, NULL, X, err, sizeof err) ==
                 BO_OK;
    CHECK_MSG(ok, "design: %s", err);
    return ok ? 0 : 1;
}

/* RMSE / population sd, written out here independently of gp/. */
static double direct_nrmse(size_t n, const double *truth, const double *pred)
{
    double mean = 0.0, ss = 0.0, var = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += truth[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        ss += (truth[i] - pred[i]) * (truth[i] - pred[i]);
        var += (truth[i] - mean) * (truth[i] - mean);
    }
    return sqrt(ss / var);
}

typedef struct fitted {
    double nrmse;
    double neg_log_posterior;
    double latent_dist[N_SOURCES]; /* to HF */
} fitted;

/* N_FITS fits of `opt` (seeds seed0 ...), the one with the lowest negative
 * log posterior scored on the test points. Returns 0, or 1 on failure. */
static int fit_best(const bo_gp_options *opt, uint64_t seed0, size_t n, const double *X,
                    const size_t *source, const double *y, const double *X_test,
                    const double *y_test, double *mean, fitted *best)
{
    best->neg_log_posterior = INFINITY;
    for (size_t k = 0; k < N_FITS; k++) {
        bo_gp_options o = *opt;
        o.seed = seed0 + k;
        char err[256] = "";
        bo_gp *gp = bo_gp_create(&o, err, sizeof err);
        CHECK_MSG(gp != NULL, "bo_gp_create: %s", err);
        if (gp == NULL)
            return 1;
        double theta[MAX_HYPER];
        int ok = bo_gp_set_data(gp, n, X, source, y, NULL) == BO_OK &&
                 bo_gp_fit(gp, NULL) == BO_OK && bo_gp_n_hyper(gp) <= MAX_HYPER &&
                 bo_gp_predict_block(gp, N_TEST, X_test, 0, mean, NULL, NULL) == BO_OK;
        CHECK_MSG(ok, "fit/predict: %s", bo_gp_errmsg(gp));
        if (!ok) {
            bo_gp_destroy(gp);
            return 1;
        }
        bo_gp_get_hyper(gp, theta);
        double nlp = bo_gp_neg_log_posterior(gp, theta, NULL);
        CHECK(isfinite(nlp));
        if (nlp < best->neg_log_posterior) {
            best->neg_log_posterior = nlp;
            best->nrmse = bo_gp_nrmse(N_TEST, y_test, mean);
            /* bo_gp_nrmse against the direct formula: both are a few sums of
             * 500 terms, so they agree to roundoff (1e-12 relative). */
            CHECK_CLOSE(best->nrmse, direct_nrmse(N_TEST, y_test, mean), 1e-12, 0.0);
            double z_hf[2];
            bo_gp_latent(gp, 0, z_hf);
            for (size_t s = 0; s < N_SOURCES; s++) {
                double z[2] = {z_hf[0], z_hf[1]};
                if (s < opt->n_sources)
                    bo_gp_latent(gp, s, z);
                best->latent_dist[s] = hypot(z[0] - z_hf[0], z[1] - z_hf[1]);
            }
        }
        bo_gp_destroy(gp);
    }
    return 0;
}

static void run_seed(const bo_plugin *p, const bo_benchmark *b, unsigned seed)
{
    static double X[N_ROWS * 10], y[N_ROWS], X_test[N_TEST * 10], y_test[N_TEST];
    static double y_clean[N_HF], mean[N_TEST];
    static size_t source[N_ROWS];
    void *noisy = wing_start(p, 1, seed);
    void *clean = wing_start(p, 0, seed);
    if (noisy == NULL || clean == NULL)
        goto done;

    size_t row = 0;
    for (size_t s = 0; s < N_SOURCES; s++) {
        size_t m = s == 0 ? N_HF : N_LF;
        if (design(BO_DESIGN_LHS, m, b, seed * 1000u + s, X + row * 10) != 0 ||
            wing_eval(p, noisy, m, X + row * 10, s, y + row) != 0)
            goto done;
        for (size_t i = 0; i < m; i++)
            source[row + i] = s;
        row += m;
    }
    if (design(BO_DESIGN_RANDOM, N_TEST, b, seed * 1000u + 999u, X_test) != 0 ||
        wing_eval(p, clean, N_TEST, X_test, 0, y_test) != 0 ||
        wing_eval(p, clean, N_HF, X, 0, y_clean) != 0)
        goto done;

    /* The HF noise is what was asked for: the sample sd of 40 N(0, 0.5^2)
     * draws has sd about 0.5 / sqrt(80) = 0.056, so [0.3, 0.7] is a 3.5-sigma
     * band; a plugin that ignored the param would give 0. */
    double ss = 0.0;
    for (size_t i = 0; i < N_HF; i++)
        ss += (y[i] - y_clean[i]) * (y[i] - y_clean[i]);
    double noise_sd = sqrt(ss / N_HF);
    CHECK_MSG(noise_sd > 0.3 && noise_sd < 0.7, "seed %u: HF noise sd %g", seed, noise_sd);

    bo_gp_options opt;
    bo_gp_options_default(&opt, b->dim);
    opt.lower = b->lower;
    opt.upper = b->upper;
    bo_gp_options opt_mf = opt;
    opt_mf.n_sources = N_SOURCES;
    opt_mf.target_source = 0;
    opt_mf.mean = BO_MEAN_PER_SOURCE;
    opt_mf.noise = BO_NOISE_PER_SOURCE;
    fitted mf, hf;
    if (fit_best(&opt_mf, seed * 100u, N_ROWS, X, source, y, X_test, y_test, mean, &mf) != 0 ||
        fit_best(&opt, seed * 100u, N_HF, X, NULL, y, X_test, y_test, mean, &hf) != 0)
        goto done;
    printf("seed %u: NRMSE MF %.5f, HF-only %.5f, ratio %.3f; latent distance to HF: LF1 %.3f "
           "LF2 %.3f LF3 %.3f\n",
           seed, mf.nrmse, hf.nrmse, mf.nrmse / hf.nrmse, mf.latent_dist[1], mf.latent_dist[2],
           mf.latent_dist[3]);

    /* A sanity bound for the baseline: the Wing function is smooth and
     * 40 points in 10-D give an NRMSE near 0.06; 0.2 would mean a broken fit
     * and a comparison against it would prove nothing. */
    CHECK_MSG(hf.nrmse < 0.2, "seed %u: HF-only NRMSE %g", seed, hf.nrmse);
    /* The claim. At the MAP fit the ratio is about 0.4-0.6 on these sizes
     * (the bench's 10-seed median at 50/100 points is below 0.5); the
     * assertion is only that the extra LF data help, not by how much, so a
     * seed-to-seed spread of +-0.2 in the ratio cannot make it flaky. */
    CHECK_MSG(mf.nrmse < hf.nrmse, "seed %u: MF NRMSE %g not below HF-only %g", seed, mf.nrmse,
              hf.nrmse);
    /* LF3 = W(0.9) lacks the paint term and scales with Sw^0.9 instead of
     * Sw^0.758: it is the least HF-like source and must sit farthest. */
    CHECK_MSG(mf.latent_dist[3] > mf.latent_dist[1] && mf.latent_dist[3] > mf.latent_dist[2],
              "seed %u: fidelity map %g %g %g", seed, mf.latent_dist[1], mf.latent_dist[2],
              mf.latent_dist[3]);
done:
    if (noisy != NULL)
        p->fini(noisy);
    if (clean != NULL)
        p->fini(clean);
}

int main(void)
{
    const bo_benchmark *b = bo_benchmark_find("wing_mf");
    CHECK(b != NULL && b->dim == 10 && b->n_sources == N_SOURCES);
    void *handle = NULL;
    const bo_plugin *p = load_wing(&handle);
    CHECK(p != NULL);
    if (b != NULL && p != NULL) {
        CHECK(p->init != NULL && p->evaluate != NULL && p->fini != NULL && p->dim == 10);
        for (unsigned seed = 1; seed <= 2; seed++)
            run_seed(p, b, seed);
    }
    if (handle != NULL)
        dlclose(handle);
    return CHECK_DONE();
}
