/* bo-study: aggregates convergence studies (many bo-run folders per label)
 * into median and quartile curves, a summary and a gnuplot figure.
 * Exit status: 0 done, 1 outputs could not be written, 2 bad usage or bad
 * run data (missing folder, no runs, a config or history that does not
 * parse, runs of different problems under one label). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bo/report/study.h"

#define EXIT_DONE 0
#define EXIT_WRITE 1
#define EXIT_USAGE 2
#define MAX_EVALS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bo-study aggregate --out DIR [--evals 10,20,50,100] [--tol 0.01]\n"
            "                 [--cost-points 200] [--time-bucket 100] [--no-plot]\n"
            "                 LABEL=RUNS_DIR [LABEL=RUNS_DIR ...]\n"
            "  Each RUNS_DIR holds one bo-run output folder per seed (any names).\n"
            "  Writes DIR/cost_curve.csv, eval_curve.csv, runs.csv (each run's final\n"
            "  value), summary.txt (also printed),\n"
            "  study.gp, study_eval.dat, study_cost.dat and study.png (with gnuplot);\n"
            "  when every label is the same benchmark with a known optimum also the best\n"
            "  target value against cost: study_value.gp, study_value.dat, study_value.png.\n"
            "  --evals        target-source evaluation counts for the regret table\n"
            "                 (evaluations count the target only; cost counts every source)\n"
            "  --tol          relative tolerance to the optimum for cost-to-tolerance\n"
            "  --cost-points  points of the cumulative-cost grid\n"
            "  --time-bucket  history rows per bucket of the time-per-iteration table\n"
            "  --no-plot      write the plot's data and script but do not run gnuplot\n"
            "See docs/study.md for the definitions.\n");
}

static int parse_size(const char *text, size_t *out)
{
    if (!text || !*text || *text == '-' || *text == '+')
        return -1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || v == 0 || v > (unsigned long long)SIZE_MAX / 2)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_evals(const char *text, size_t *evals, size_t *n)
{
    char buf[1024];
    if (!text || strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    *n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*n == MAX_EVALS || parse_size(tok, &evals[*n]) != 0)
            return -1;
        (*n)++;
    }
    return *n > 0 ? 0 : -1;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[4096];
    int len = snprintf(buf, sizeof buf, "%s", path);
    if (len <= 0 || (size_t)len >= sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat sb;
    return stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode) ? 0 : -1;
}

static int aggregate(int argc, char **argv)
{
    bo_study_options opt;
    bo_study_options_default(&opt);
    size_t evals[MAX_EVALS];
    const char *out_dir = NULL;
    bo_study *study = NULL;
    int draw = 1;
    const char **label_args = calloc((size_t)argc, sizeof *label_args);
    size_t n_labels = 0;
    if (!label_args) {
        fprintf(stderr, "bo-study: out of memory\n");
        return EXIT_WRITE;
    }
    int code = EXIT_DONE;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            goto done;
        } else if (strcmp(a, "--out") == 0 && value) {
            out_dir = value;
            i++;
        } else if (strcmp(a, "--evals") == 0 && value) {
            if (parse_evals(value, evals, &opt.n_evals) != 0) {
                fprintf(stderr, "bo-study: --evals: expected positive integers separated by "
                                "commas, got '%s'\n", value);
                code = EXIT_USAGE;
                goto done;
            }
            opt.evals = evals;
            i++;
        } else if (strcmp(a, "--tol") == 0 && value) {
            char *end = NULL;
            errno = 0;
            opt.tol = strtod(value, &end);
            if (errno != 0 || end == value || *end != '\0' || !(opt.tol > 0.0)) {
                fprintf(stderr, "bo-study: --tol: expected a positive number, got '%s'\n", value);
                code = EXIT_USAGE;
                goto done;
            }
            i++;
        } else if (strcmp(a, "--cost-points") == 0 && value) {
            if (parse_size(value, &opt.cost_points) != 0 || opt.cost_points < 2) {
                fprintf(stderr, "bo-study: --cost-points: expected an integer >= 2, got '%s'\n",
                        value);
                code = EXIT_USAGE;
                goto done;
            }
            i++;
        } else if (strcmp(a, "--time-bucket") == 0 && value) {
            if (parse_size(value, &opt.time_bucket) != 0) {
                fprintf(stderr, "bo-study: --time-bucket: expected a positive integer, got '%s'\n",
                        value);
                code = EXIT_USAGE;
                goto done;
            }
            i++;
        } else if (strcmp(a, "--no-plot") == 0) {
            draw = 0;
        } else if (a[0] == '-') {
            fprintf(stderr, "bo-study: unknown option or missing value: %s\n", a);
            usage(stderr);
            code = EXIT_USAGE;
            goto done;
        } else if (!strchr(a, '=')) {
            fprintf(stderr, "bo-study: expected LABEL=RUNS_DIR, got '%s'\n", a);
            code = EXIT_USAGE;
            goto done;
        } else {
            label_args[n_labels++] = a;
        }
    }
    if (!out_dir || n_labels == 0) {
        fprintf(stderr, "bo-study: aggregate needs --out DIR and at least one LABEL=RUNS_DIR\n");
        usage(stderr);
        code = EXIT_USAGE;
        goto done;
    }

    char err[1024];
    study = bo_study_create(&opt, err, sizeof err);
    if (!study) {
        fprintf(stderr, "bo-study: %s\n", err);
        code = EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < n_labels && code == EXIT_DONE; i++) {
        char label[256];
        const char *eq = strchr(label_args[i], '=');
        size_t len = (size_t)(eq - label_args[i]);
        if (len >= sizeof label) {
            fprintf(stderr, "bo-study: label too long in '%s'\n", label_args[i]);
            code = EXIT_USAGE;
            break;
        }
        memcpy(label, label_args[i], len);
        label[len] = '\0';
        if (bo_study_add(study, label, eq + 1) != BO_OK) {
            fprintf(stderr, "bo-study: %s\n", bo_study_errmsg(study));
            code = EXIT_USAGE;
        }
    }
    if (code == EXIT_DONE && bo_study_compute(study) != BO_OK) {
        fprintf(stderr, "bo-study: %s\n", bo_study_errmsg(study));
        code = EXIT_USAGE;
    }
    if (code == EXIT_DONE && make_dirs(out_dir) != 0) {
        fprintf(stderr, "bo-study: %s: cannot create the output folder: %s\n", out_dir,
                strerror(errno));
        code = EXIT_WRITE;
    }
    if (code == EXIT_DONE && bo_study_write_outputs(study, out_dir) != BO_OK) {
        fprintf(stderr, "bo-study: %s\n", bo_study_errmsg(study));
        code = EXIT_WRITE;
    }
    if (code == EXIT_DONE) {
        bo_study_write_summary(study, stdout);
        int drawn = 0, value = bo_study_has_value_figure(study);
        bo_status drew = draw ? bo_study_draw(study, out_dir, &drawn) : BO_OK;
        if (drew != BO_OK)
            /* The tables are written; a figure that fails is a warning. */
            fprintf(stderr, "bo-study: warning: %s\n", bo_study_errmsg(study));
        else if (draw && !drawn)
            fprintf(stderr, "bo-study: warning: gnuplot not found; the plot's data and script "
                            "are in %s (run gnuplot study.gp%s there)\n",
                    out_dir, value ? " and gnuplot study_value.gp" : "");
        printf("\noutputs in %s/: summary.txt, cost_curve.csv, eval_curve.csv, runs.csv, "
               "study.gp%s%s%s\n",
               out_dir, drawn ? ", study.png" : "", value ? ", study_value.gp" : "",
               value && drawn && drew == BO_OK ? ", study_value.png" : "");
    }
done:
    bo_study_destroy(study);
    free(label_args);
    return code;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("bo-study %s\n", BO_VERSION);
        return EXIT_DONE;
    }
    if (argc < 2 || strcmp(argv[1], "aggregate") != 0) {
        fprintf(stderr, "bo-study: expected the command 'aggregate'%s%s\n",
                argc >= 2 ? ", got " : "", argc >= 2 ? argv[1] : "");
        usage(stderr);
        return EXIT_USAGE;
    }
    return aggregate(argc, argv);
}
