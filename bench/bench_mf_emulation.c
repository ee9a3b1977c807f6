/* Multi-fidelity emulation on the 4-source Wing weight function (GP+'s
 * emulation study): does one GP over (x, source) with a learned latent map
 * predict the high-fidelity source better than a GP fitted to the HF points
 * alone?
 *
 * Per seed: a Latin hypercube of n_hf HF points and one of n_lf points per
 * low-fidelity source (each its own seed) in the wing_mf box, evaluated
 * through the plugin with noise sd 0.5 / 1 / 1.5 / 2 on HF / LF1 / LF2 / LF3;
 * (a) the MF GP on all data (per-source noise and mean, target HF) and (b) a
 * single-source GP (constant mean, learned noise) on the HF points alone are
 * fitted, and both predict n_test uniform points evaluated noise-free on HF.
 *
 * The MAP fit of the MF GP has local optima on these data (see
 * docs/evidence-mf-emulation.md), the worst-placed one merging LF1 with HF
 * and taking LF1's bias for HF noise, so each model is fitted `fits` times with
 * options seeds 100 seed, 100 seed + 1, ...: "first" is what one bo_gp_fit
 * call gives (what bo-gp and the BO engine use), "best" the fit with the
 * smallest negative log posterior -- chosen on the training data alone, never
 * on the test points. Both models get the same treatment.
 *
 * Printed per seed: NRMSE (RMSE / population sd of the true values) of the
 * HF-only GP and of the MF GP, first and best fit, the ratios MF / HF-only,
 * the negative log posteriors of the two MF fits, the best MF fit's fidelity
 * map (latent distance of each LF source to HF: 0 = the same function up to
 * its mean, large = unrelated) and learned noise sd per source, the first MF
 * fit's LF1 distance and HF noise sd, how many of the MF fits merged LF1
 * with HF, the HF-only GP's noise sd, and the total fit seconds; then the
 * medians and whether the median ratio is <= 0.5, the acceptance criterion
 * of the multi-fidelity work.
 *
 * Usage: bench_mf_emulation [seeds [fits [n_hf [n_lf [n_test [kernel]]]]]]
 *        defaults 10 8 50 100 2000 matern52 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bo/report/benchmarks.h"
#include "bo/bo_plugin.h"
#include "bo/engine/design.h"
#include "gp/gp.h"

#define N_SOURCES 4
#define MAX_SEEDS 100
#define MAX_FITS 64
#define MAX_HYPER 64
/* An MF fit whose LF1 latent point lies closer than this to HF has merged the
 * two sources (the local optimum described above): such fits land at
 * 0.001-0.035, fits at the better optimum at 0.07-0.14. */
#define MERGED_DIST 0.05
#define MAX_FITS 64
#define BO_BENCH_MAX_HYPER 64

/* GP+'s emulation study: noise sd per source, HF first. */
static const char *const noise_sd_text[N_SOURCES] = {"0.5", "1", "1.5", "2"};
static const char *const noise_key[N_SOURCES] = {"noise_sd_HF", "noise_sd_LF1",
                                                  "noise_sd_LF2", "noise_sd_LF3"};

typedef struct plugin_lib {
    void *handle;
    const bo_plugin *plugin;
} plugin_lib;

/* One fitted GP and what it scores. */
typedef struct fit_result {
    double nrmse;             /* on the noise-free HF test points */
    double neg_log_posterior; /* at the fitted hyperparameters */
    double seconds;           /* bo_gp_set_data and bo_gp_fit */
    double latent_dist[N_SOURCES]; /* of each source to HF (MF only; [0] = 0) */
    double noise_sd[N_SOURCES];    /* learned, y units ([0] only for HF-only) */
} fit_result;

typedef struct seed_result {
    fit_result mf_first, mf_best, hf_first, hf_best;
    double seconds_mf, seconds_hf; /* all fits of each model */
    size_t mf_merged, hf_merged;   /* fits that merged LF1 with HF */
} seed_result;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int plugin_load(plugin_lib *lib)
{
    const char *path = BO_BINARY_DIR "/plugins/wing_mf.so";
    lib->plugin = NULL;
    lib->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib->handle == NULL) {
        fprintf(stderr, "bench_mf_emulation: dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    void *sym = dlsym(lib->handle, BO_PLUGIN_ENTRY_SYMBOL);
    if (sym == NULL) {
        fprintf(stderr, "bench_mf_emulation: dlsym %s: %s\n", path, dlerror());
        dlclose(lib->handle);
        return 1;
    }
    const bo_plugin *(*entry)(void);
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer, as POSIX allows */
    lib->plugin = entry();
    if (lib->plugin->abi_version != BO_PLUGIN_ABI_VERSION) {
        fprintf(stderr, "bench_mf_emulation: %s: ABI %u, expected %u\n", path,
                lib->plugin->abi_version, (unsigned)BO_PLUGIN_ABI_VERSION);
        dlclose(lib->handle);
        return 1;
    }
    return 0;
}

/* A plugin state: noisy (the study's sds, noise realisation `seed`) or
 * noise-free (no params: every sd defaults to 0). NULL on failure. */
static void *plugin_start(const bo_plugin *p, int noisy, unsigned long long seed)
{
    char seed_text[32];
    snprintf(seed_text, sizeof seed_text, "%llu", seed);
    bo_plugin_param params[N_SOURCES + 1];
    size_t n = 0;
    if (noisy) {
        for (size_t s = 0; s < N_SOURCES; s++)
            params[n++] = (bo_plugin_param){noise_key[s], noise_sd_text[s]};
        params[n++] = (bo_plugin_param){"seed", seed_text};
    }
    void *state = NULL;
    char err[256] = "";
    if (p->init != NULL && p->init(&state, params, n, p->dim, N_SOURCES, err, sizeof err) != 0) {
        fprintf(stderr, "bench_mf_emulation: init: %s\n", err);
        return NULL;
    }
    return state;
}

static int plugin_eval(const bo_plugin *p, void *state, size_t n, const double *X, size_t dim,
                       size_t source, double *y)
{
    char err[256] = "";
    for (size_t i = 0; i < n; i++) {
        if (p->evaluate(state, X + i * dim, dim, source, &y[i], err, sizeof err) != 0) {
            fprintf(stderr, "bench_mf_emulation: evaluate: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* n points of `method` in the benchmark's box, in user units. */
static int design_points(bo_design_method method, size_t n, const bo_benchmark *b,
                         uint64_t seed, double *X)
{
    char err[256];
    if (bo_design_generate(method, n, b->dim, seed, X, err, sizeof err) != BO_OK ||
        bo_design_to_user(X, n, b->dim, b->lower, b->upper, NULL, X, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bench_mf_emulation: design: %s\n", err);
        return 1;
    }
    return 0;
}

/* Fits a GP with `opt` to (X, source, y), predicts HF at the test points and
 * fills *r. Returns 0, or 1 with a message on stderr. */
static int fit_and_score(const bo_gp_options *opt, size_t n, const double *X,
                         const size_t *source, const double *y, size_t n_test,
                         const double *X_test, const double *y_test, double *mean,
                         fit_result *r)
{
    char err[512] = "";
    bo_gp *gp = bo_gp_create(opt, err, sizeof err);
    if (gp == NULL) {
        fprintf(stderr, "bench_mf_emulation: bo_gp_create: %s\n", err);
        return 1;
    }
    double theta[MAX_HYPER];
    double t0 = now();
    int ok = bo_gp_set_data(gp, n, X, source, y, NULL) == BO_OK && bo_gp_fit(gp, NULL) == BO_OK;
    r->seconds = now() - t0;
    if (!ok || bo_gp_n_hyper(gp) > MAX_HYPER ||
        bo_gp_predict_block(gp, n_test, X_test, 0, mean, NULL, NULL) != BO_OK) {
        fprintf(stderr, "bench_mf_emulation: fit or predict: %s\n", bo_gp_errmsg(gp));
        bo_gp_destroy(gp);
        return 1;
    }
    bo_gp_get_hyper(gp, theta);
    r->neg_log_posterior = bo_gp_neg_log_posterior(gp, theta, NULL);
    r->nrmse = bo_gp_nrmse(n_test, y_test, mean);
    double z_hf[2];
    bo_gp_latent(gp, 0, z_hf);
    for (size_t s = 0; s < N_SOURCES; s++) {
        double z[2] = {z_hf[0], z_hf[1]};
        if (s < opt->n_sources)
            bo_gp_latent(gp, s, z);
        r->latent_dist[s] = hypot(z[0] - z_hf[0], z[1] - z_hf[1]);
        r->noise_sd[s] = s < opt->n_sources ? sqrt(bo_gp_noise_var(gp, s)) : NAN;
    }
    bo_gp_destroy(gp);
    return 0;
}

/* n_fits fits with options seeds seed0, seed0 + 1, ...: *first gets the
 * first one, *best the one with the smallest negative log posterior,
 * *seconds the time of all and *n_merged how many put LF1 within
 * MERGED_DIST of HF (0 for a single-source model).
 * Returns 0, or 1 on failure. */
static int fit_best_of(const bo_gp_options *opt, size_t n_fits, uint64_t seed0, size_t n,
                       const double *X, const size_t *source, const double *y, size_t n_test,
                       const double *X_test, const double *y_test, double *mean,
                       fit_result *first, fit_result *best, double *seconds,
                       size_t *n_merged)
{
    *seconds = 0.0;
    *n_merged = 0;
    for (size_t k = 0; k < n_fits; k++) {
        bo_gp_options o = *opt;
        o.seed = seed0 + k;
        fit_result r;
        if (fit_and_score(&o, n, X, source, y, n_test, X_test, y_test, mean, &r) != 0)
            return 1;
        *seconds += r.seconds;
        *n_merged += opt->n_sources > 1 && r.latent_dist[1] < MERGED_DIST;
        if (k == 0)
            *first = r;
        if (k == 0 || r.neg_log_posterior < best->neg_log_posterior)
            *best = r;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(size_t n, const double *v)
{
    double *w = malloc(n * sizeof *w);
    if (w == NULL)
        return NAN;
    memcpy(w, v, n * sizeof *w);
    qsort(w, n, sizeof *w, cmp_double);
    double m = n % 2 ? w[n / 2] : 0.5 * (w[n / 2 - 1] + w[n / 2]);
    free(w);
    return m;
}

static int parse_size(const char *text, size_t lo, size_t hi, size_t *out)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || v < lo || v > hi)
        return 1;
    *out = (size_t)v;
    return 0;
}

/* One seed of the study. Returns 0 and fills *r, or 1 on failure. */
static int run_seed(const bo_plugin *p, const bo_benchmark *b, bo_kernel_kind kernel,
                    unsigned long long seed, size_t n_fits, size_t n_hf, size_t n_lf,
                    size_t n_test, seed_result *r)
{
    const size_t dim = b->dim;
    const size_t n = n_hf + (N_SOURCES - 1) * n_lf;
    double *X = malloc(n * dim * sizeof *X);
    double *y = malloc(n * sizeof *y);
    size_t *source = malloc(n * sizeof *source);
    double *X_test = malloc(n_test * dim * sizeof *X_test);
    double *y_test = malloc(n_test * sizeof *y_test);
    double *mean = malloc(n_test * sizeof *mean);
    void *noisy = plugin_start(p, 1, seed);
    void *clean = plugin_start(p, 0, seed);
    int rc = 1;
    if (X == NULL || y == NULL || source == NULL || X_test == NULL || y_test == NULL ||
        mean == NULL || noisy == NULL || clean == NULL)
        goto done;

    /* One LHS per source, each with its own seed, as a designer would draw
     * them; HF rows first, so the HF-only GP takes the first n_hf rows. */
    size_t row = 0;
    for (size_t s = 0; s < N_SOURCES; s++) {
        size_t m = s == 0 ? n_hf : n_lf;
        if (design_points(BO_DESIGN_LHS, m, b, seed * 1000u + s, X + row * dim) != 0 ||
            plugin_eval(p, noisy, m, X + row * dim, dim, s, y + row) != 0)
            goto done;
        for (size_t i = 0; i < m; i++)
            source[row + i] = s;
        row += m;
    }
    if (design_points(BO_DESIGN_RANDOM, n_test, b, seed * 1000u + 999u, X_test) != 0 ||
        plugin_eval(p, clean, n_test, X_test, dim, 0, y_test) != 0)
        goto done;

    bo_gp_options opt;
    bo_gp_options_default(&opt, dim);
    opt.kernel = kernel;
    opt.lower = b->lower;
    opt.upper = b->upper;
    bo_gp_options opt_mf = opt;
    opt_mf.n_sources = N_SOURCES;
    opt_mf.target_source = 0;
    opt_mf.mean = BO_MEAN_PER_SOURCE;
    opt_mf.noise = BO_NOISE_PER_SOURCE;
    if (fit_best_of(&opt_mf, n_fits, seed * 100u, n, X, source, y, n_test, X_test, y_test,
                    mean, &r->mf_first, &r->mf_best, &r->seconds_mf, &r->mf_merged) != 0 ||
        fit_best_of(&opt, n_fits, seed * 100u, n_hf, X, NULL, y, n_test, X_test, y_test, mean,
                    &r->hf_first, &r->hf_best, &r->seconds_hf, &r->hf_merged) != 0)
        goto done;
    rc = 0;
done:
    if (noisy != NULL && p->fini != NULL)
        p->fini(noisy);
    if (clean != NULL && p->fini != NULL)
        p->fini(clean);
    free(X);
    free(y);
    free(source);
    free(X_test);
    free(y_test);
    free(mean);
    return rc;
}

int main(int argc, char **argv)
{
    size_t n_seeds = 10, n_fits = 8, n_hf = 50, n_lf = 100, n_test = 2000;
    bo_kernel_kind kernel = BO_KERNEL_MATERN52;
    if ((argc > 1 && parse_size(argv[1], 1, MAX_SEEDS, &n_seeds) != 0) ||
        (argc > 2 && parse_size(argv[2], 1, MAX_FITS, &n_fits) != 0) ||
        (argc > 3 && parse_size(argv[3], 2, 100000, &n_hf) != 0) ||
        (argc > 4 && parse_size(argv[4], 1, 100000, &n_lf) != 0) ||
        (argc > 5 && parse_size(argv[5], 2, 1000000, &n_test) != 0) ||
        (argc > 6 && bo_kernel_from_name(argv[6], &kernel) != 0) || argc > 7) {
        fprintf(stderr, "usage: bench_mf_emulation [seeds (1..%d) [fits (1..%d) [n_hf [n_lf "
                        "[n_test [kernel]]]]]]\n", MAX_SEEDS, MAX_FITS);
        return 2;
    }
    const bo_benchmark *b = bo_benchmark_find("wing_mf");
    if (b == NULL || b->n_sources != N_SOURCES) {
        fprintf(stderr, "bench_mf_emulation: wing_mf missing from the benchmark table\n");
        return 1;
    }
    plugin_lib lib;
    if (plugin_load(&lib) != 0)
        return 1;

    printf("Wing weight, %zu-D: %zu HF + %zu per LF source (LF1 LF2 LF3), noise sd "
           "%s/%s/%s/%s, %zu noise-free HF test points, kernel %s, %zu fit(s) per model\n",
           b->dim, n_hf, n_lf, noise_sd_text[0], noise_sd_text[1], noise_sd_text[2],
           noise_sd_text[3], n_test, bo_kernel_name(kernel), n_fits);
    printf("%4s | %8s | %8s %6s %8s | %8s %6s %8s | %-17s | %-19s | %-11s | %6s | %5s | %-9s\n",
           "", "HF-only", "MF first", "", "", "MF best", "", "", "best MF: latent", "best MF: noise sd",
           "first MF", "merged", "HFo", "seconds");
    printf("%4s | %8s | %8s %6s %8s | %8s %6s %8s | %5s %5s %5s | %4s %4s %4s %4s | %5s %5s | %6s | %5s | %4s %4s\n",
           "seed", "NRMSE", "NRMSE", "ratio", "-logpost", "NRMSE", "ratio", "-logpost", "LF1",
           "LF2", "LF3", "HF", "LF1", "LF2", "LF3", "dLF1", "sdHF", "fits", "sd", "MF", "HFo");

    double hf[MAX_SEEDS], mf_first[MAX_SEEDS], mf_best[MAX_SEEDS];
    double ratio_first[MAX_SEEDS], ratio_best[MAX_SEEDS], dist[N_SOURCES][MAX_SEEDS];
    size_t done = 0, merged = 0;
    int failed = 0;
    for (size_t k = 0; k < n_seeds; k++) {
        seed_result r;
        unsigned long long seed = (unsigned long long)k + 1u;
        if (run_seed(lib.plugin, b, kernel, seed, n_fits, n_hf, n_lf, n_test, &r) != 0) {
            fprintf(stderr, "bench_mf_emulation: seed %llu failed\n", seed);
            failed = 1;
            continue;
        }
        hf[done] = r.hf_best.nrmse;
        mf_first[done] = r.mf_first.nrmse;
        mf_best[done] = r.mf_best.nrmse;
        /* Each MF fit against the HF-only fit of the same rank. */
        ratio_first[done] = r.mf_first.nrmse / r.hf_first.nrmse;
        ratio_best[done] = r.mf_best.nrmse / r.hf_best.nrmse;
        for (size_t s = 0; s < N_SOURCES; s++)
            dist[s][done] = r.mf_best.latent_dist[s];
        const fit_result *f = &r.mf_first, *m = &r.mf_best;
        printf("%4llu | %8.5f | %8.5f %6.3f %8.1f | %8.5f %6.3f %8.1f | %5.3f %5.3f %5.3f | "
               "%4.2f %4.2f %4.2f %4.2f | %5.3f %5.2f | %2zu/%-3zu | %5.2f | %4.1f %4.1f\n",
               seed, r.hf_best.nrmse, f->nrmse, ratio_first[done], f->neg_log_posterior,
               m->nrmse, ratio_best[done], m->neg_log_posterior, m->latent_dist[1],
               m->latent_dist[2], m->latent_dist[3], m->noise_sd[0], m->noise_sd[1],
               m->noise_sd[2], m->noise_sd[3], f->latent_dist[1], f->noise_sd[0], r.mf_merged,
               n_fits, r.hf_best.noise_sd[0], r.seconds_mf, r.seconds_hf);
        fflush(stdout);
        merged += r.mf_merged;
        done++;
    }
    if (done > 0) {
        double med_first = median(done, ratio_first), med_best = median(done, ratio_best);
        printf("median over %zu seeds: NRMSE HF-only %.5f, MF first fit %.5f (ratio %.3f), "
               "MF best of %zu fits %.5f (ratio %.3f); best map: LF1 %.3f LF2 %.3f LF3 %.3f\n",
               done, median(done, hf), median(done, mf_first), med_first, n_fits,
               median(done, mf_best), med_best, median(done, dist[1]), median(done, dist[2]),
               median(done, dist[3]));
        printf("MF fits that merged LF1 with HF (latent distance < %g): %zu of %zu\n",
               MERGED_DIST, merged, done * n_fits);
        printf("median ratio <= 0.5: first fit %s, best of %zu fits %s\n",
               med_first <= 0.5 ? "yes" : "NO", n_fits, med_best <= 0.5 ? "yes" : "NO");
    }
    dlclose(lib.handle);
    return failed ? 1 : 0;
}
