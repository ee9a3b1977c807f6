/* bo-gp: fit a Gaussian-process emulator to a CSV table, predict with it,
 * and measure its accuracy on a test table. See docs/bo-gp.md.
 *
 * Exit status: 0 success, 1 a runtime failure (the fit failed, the model
 * could not be written), 2 bad usage or bad input (options, CSV, model). */
#define _POSIX_C_SOURCE 200809L

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/classifier_file.h"
#include "bo/io/csv.h"
#include "bo/io/initial_data.h"
#include "bo/io/latent_plot.h"
#include "bo/io/model_file.h"
#include "gp/gp.h"
#include "gp/gpc.h"
#include "gp/gp_calibrate.h"
#include "gp/gp_sensitivity.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* The project's version (CMakeLists.txt's project(); test_bo_gp_cli checks
 * that the two agree). */


#define ERRLEN 1024

static const char usage_main[] =
    "Usage: bo-gp COMMAND [ARGS]\n"
    "\n"
    "Gaussian-process emulator for tables of data.\n"
    "\n"
    "Commands:\n"
    "  fit TRAIN.csv -o MODEL [options]   fit a GP and save it to MODEL\n"
    "  predict MODEL POINTS.csv [--grad]  print mean,sd (and gradient) as CSV\n"
    "  eval MODEL TEST.csv                print NRMSE and NIS on a test table\n"
    "  sobol MODEL [--samples N]          print Sobol indices of the posterior mean\n"
    "  latent MODEL -o FIG.png            draw the latent maps (levels, sources)\n"
    "  calibrate SIM.csv FIELD.csv --theta NAMES   estimate calibration parameters\n"
    "\n"
    "TRAIN.csv may be a bo-run history.csv as it is.\n"
    "Run 'bo-gp COMMAND --help' for a command's options, 'bo-gp --version' for\n"
    "the version.\n";

static const char usage_fit[] =
    "Usage: bo-gp fit TRAIN.csv -o MODEL [options]\n"
    "\n"
    "Fits a GP (MAP hyperparameters, or see --fit) to TRAIN.csv and writes\n"
    "MODEL, a text file. Inputs are all columns except the response, the noise\n"
    "column and the source column. Prints the hyperparameters in the data's\n"
    "units and the log marginal likelihood.\n"
    "\n"
    "A bo-run history.csv (header eval,phase,source,...) is read as it is: the\n"
    "inputs are its input columns, the response y, the sources the source\n"
    "column; failed evaluations are skipped.\n"
    "\n"
    "Options:\n"
    "  -o, --output MODEL     model file to write (required)\n"
    "  --kernel K             matern52 (default), matern32, sqexp, rough_rbf\n"
    "  --noise learn|VALUE    learn the noise variance (default), or fix it to\n"
    "                         VALUE (a variance, in y units squared)\n"
    "  --noise-col NAME       column of known per-point noise standard deviations;\n"
    "                         used as given, plus a learned term with --noise learn\n"
    "  --y NAME               the response column (default: the last column)\n"
    "  --source-col NAME      column of source labels (multi-fidelity data)\n"
    "  --target-source LABEL  the target source (default: the first label seen)\n"
    "  --mean M               zero, constant, per_source (default: constant, or\n"
    "                         per_source with several sources)\n"
    "  --categorical A,B      make these input columns categorical (their values\n"
    "                         are level names, compared as text); a column with\n"
    "                         no numeric cell is categorical without it\n"
    "  --latent M             per_input (default: a latent map per categorical\n"
    "                         input) or shared (one map over their combinations)\n"
    "  --restarts N           random starts of the hyperparameter fit\n"
    "  --seed N               seed of the random starts (default 1)\n"
    "  --fit F                map (default): maximise the posterior; or\n"
    "                         interval_score: also penalise the interval score of\n"
    "                         the leave-one-out predictions (GP+'s fit for\n"
    "                         multi-fidelity BO; see docs/gp.md)\n"
    "  --fit-weight W         the penalty's weight with --fit interval_score\n"
    "                         (default 0.08, GP+'s): W |log posterior| per unit\n"
    "                         of normalised interval score\n"
    "  --class-col C          fit a GP classifier of success instead: column C\n"
    "                         holds 1/0, true/false, ok/failed or success/failure\n"
    "                         (any case), every other column is an input; predict\n"
    "                         then prints P(success)\n"
    "  -h, --help             show this help\n";

static const char usage_predict[] =
    "Usage: bo-gp predict MODEL POINTS.csv [--grad]\n"
    "\n"
    "Prints CSV on stdout: mean,sd per row of POINTS.csv, where sd is the\n"
    "standard deviation of the latent function f (without observation noise).\n"
    "With a classifier model (fit to a label column) it prints p_success instead.\n"
    "POINTS.csv needs the model's input columns by name; other columns are\n"
    "ignored, except the model's source column, which selects the source\n"
    "(the target source when it is absent).\n"
    "\n"
    "A categorical input's cells must be levels the model was fitted with.\n"
    "\n"
    "Options:\n"
    "  --grad      add dmean_<input> columns: the gradient of the mean (for\n"
    "              continuous inputs only)\n"
    "  -h, --help  show this help\n";

static const char usage_eval[] =
    "Usage: bo-gp eval MODEL TEST.csv\n"
    "\n"
    "Predicts the rows of TEST.csv (which needs the input columns and the\n"
    "response column) and prints NRMSE = RMSE / sd(y) and NIS, the interval\n"
    "score of the central 95% interval of y (noise included) divided by sd(y).\n"
    "Lower is better for both.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help\n";

static const char usage_sobol[] =
    "Usage: bo-gp sobol MODEL [--samples N] [--draws K] [--seed N]\n"
    "\n"
    "Prints CSV on stdout: input,first_order,total, the Sobol indices of the\n"
    "model's posterior mean (of the target source) for inputs independent and\n"
    "uniform on the model's input box, a categorical input's levels equally\n"
    "likely, by Monte Carlo with N (d + 2) predictions.\n"
    "With --draws, two more columns first_order_sd,total_sd: the indices' sd\n"
    "over K joint posterior draws of f, on the first min(N, 4000 / (d + 2))\n"
    "base samples.\n"
    "With categorical inputs, then a blank line and a second table,\n"
    "input,levels,latent_distance: per categorical input, the mean distance\n"
    "between its levels' points in its latent map (GP+'s measure; levels at\n"
    "distance d correlate by exp(-d^2), so 0 means the levels act alike). Not\n"
    "given under a shared latent map (a note on stderr instead).\n"
    "\n"
    "Options:\n"
    "  --samples N  base samples (default 10000, at least 2)\n"
    "  --draws K    posterior draws for the spread (2 to 1000; default none)\n"
    "  --seed N     seed of the samples and draws (default 1)\n"
    "  -h, --help   show this help\n";

static const char usage_latent[] =
    "Usage: bo-gp latent MODEL -o FIG.png\n"
    "\n"
    "Draws the model's latent maps with gnuplot, one panel per map: the\n"
    "sources' fidelity map (with several sources) and the map of each\n"
    "categorical input (or the shared one), each level a labelled point;\n"
    "two levels at distance d correlate by exp(-d^2). FIG.gp and FIG.dat are\n"
    "written beside it. Prints CSV on stdout: map,level,z1,z2.\n"
    "\n"
    "Options:\n"
    "  -o, --output FIG.png  the figure (required)\n"
    "  -h, --help            show this help\n";

/* ---- argument parsing ---- */

typedef struct option_spec {
    const char *long_name;      /* "--kernel" */
    const char *short_name;     /* "-o" or NULL */
    int takes_value;
    const char **value;         /* where the value goes (takes_value) */
    int *flag;                  /* set to 1 when present (no value) */
} option_spec;

/* Parses argv against specs; positional arguments go to pos (at most
 * max_pos). Returns -1 when --help was asked for, 0 on success, 2 after
 * printing a usage error. */
static int parse_args(const char *cmd, int argc, char **argv, const option_spec *specs,
                      const char **pos, size_t max_pos, size_t *n_pos)
{
    int i;
    *n_pos = 0;
    for (i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const option_spec *spec = NULL;
        const char *inline_value = NULL;
        size_t k, name_len;

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            return -1;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            if (*n_pos == max_pos) {
                fprintf(stderr, "bo-gp %s: unexpected argument '%s'\n", cmd, arg);
                return EXIT_USAGE;
            }
            pos[(*n_pos)++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            fprintf(stderr, "bo-gp %s: '--' is not supported\n", cmd);
            return EXIT_USAGE;
        }
        name_len = strlen(arg);
        if (arg[1] == '-' && strchr(arg, '=') != NULL) {
            inline_value = strchr(arg, '=') + 1;
            name_len = (size_t)(inline_value - 1 - arg);
        }
        for (k = 0; specs[k].long_name != NULL; k++) {
            if ((strlen(specs[k].long_name) == name_len &&
                 strncmp(specs[k].long_name, arg, name_len) == 0) ||
                (specs[k].short_name != NULL && inline_value == NULL &&
                 strcmp(specs[k].short_name, arg) == 0)) {
                spec = &specs[k];
                break;
            }
        }
        if (spec == NULL) {
            fprintf(stderr, "bo-gp %s: unknown option '%.*s'\n", cmd, (int)name_len, arg);
            return EXIT_USAGE;
        }
        if (!spec->takes_value) {
            if (inline_value != NULL) {
                fprintf(stderr, "bo-gp %s: option %s takes no value\n", cmd,
                        spec->long_name);
                return EXIT_USAGE;
            }
            *spec->flag = 1;
            continue;
        }
        if (inline_value == NULL) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bo-gp %s: option %s needs a value\n", cmd, spec->long_name);
                return EXIT_USAGE;
            }
            inline_value = argv[++i];
        }
        *spec->value = inline_value;
    }
    return 0;
}

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "bo-gp %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'bo-gp %s --help'.\n", cmd);
    return EXIT_USAGE;
}

/* The preamble every subcommand shares: parses argv against specs into
 * exactly n_pos positional arguments (expected says which, for the
 * error). Returns 1 when the subcommand is to go on; 0 when it is to end
 * with *status: after --help printed usage (EXIT_OK) or after a usage
 * error that points at --help. */
static int parse_command(const char *cmd, const char *usage, int argc, char **argv,
                         const option_spec *specs, const char **pos, size_t n_pos,
                         const char *expected, int *status)
{
    size_t found;
    int rc = parse_args(cmd, argc, argv, specs, pos, n_pos, &found);
    if (rc == -1) {
        fputs(usage, stdout);
        *status = EXIT_OK;
        return 0;
    }
    if (rc != 0) {
        fprintf(stderr, "Try 'bo-gp %s --help'.\n", cmd);
        *status = rc;
        return 0;
    }
    if (found != n_pos) {
        *status = usage_error(cmd, "%s", expected);
        return 0;
    }
    return 1;
}

static int parse_count(const char *text, unsigned long long *value)
{
    char *end = NULL;
    if (text[0] < '0' || text[0] > '9') {
        return -1;
    }
    errno = 0;
    *value = strtoull(text, &end, 10);
    return errno != 0 || *end != '\0' ? -1 : 0;
}

/* Flushes stdout at the end of a subcommand: a full disk or a closed pipe
 * is an error, not a silently short table. Returns the exit code. */
static int finish_output(const char *cmd)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "bo-gp %s: writing the output failed: %s\n", cmd, strerror(errno));
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Writes a CSV field, quoted when it holds a comma, a quote or blanks at
 * its ends. */
static void put_csv_field(const char *text)
{
    size_t len = strlen(text);
    int quote = strpbrk(text, ",\"\r\n") != NULL ||
                (len > 0 && (text[0] == ' ' || text[len - 1] == ' '));
    if (!quote) {
        fputs(text, stdout);
        return;
    }
    putchar('"');
    for (; *text != '\0'; text++) {
        if (*text == '"') {
            putchar('"');
        }
        putchar(*text);
    }
    putchar('"');
}

static char *copy_string(const char *s)
{
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (c != NULL) {
        memcpy(c, s, len);
    }
    return c;
}

/* ---- fit ---- */

typedef struct fit_args {
    const char *train, *output, *kernel, *noise, *restarts, *y, *noise_col, *source_col,
        *target_source, *mean, *seed, *class_col, *categorical, *latent, *fit, *fit_weight;
} fit_args;

/* Fills the options of m from the command line; 0 or EXIT_USAGE. */
static int fit_options(const fit_args *a, bo_model_file *m, int has_sources)
{
    bo_gp_options *o = &m->opt;
    unsigned long long count;

    if (bo_kernel_from_name(a->kernel, &o->kernel) != 0) {
        char names[256] = "";
        size_t k;
        for (k = 0; bo_kernel_registry[k].name != NULL; k++) {
            if (k > 0) {
                strncat(names, ", ", sizeof names - strlen(names) - 1);
            }
            strncat(names, bo_kernel_registry[k].name, sizeof names - strlen(names) - 1);
        }
        fprintf(stderr, "bo-gp fit: unknown kernel '%s' (one of: %s)\n", a->kernel, names);
        return EXIT_USAGE;
    }
    if (a->mean == NULL) {
        o->mean = has_sources ? BO_MEAN_PER_SOURCE : BO_MEAN_CONSTANT;
    } else if (bo_model_mean_from_name(a->mean, &o->mean) != 0) {
        return usage_error("fit", "unknown mean '%s' (zero, constant, per_source)", a->mean);
    }
    if (o->mean == BO_MEAN_PER_SOURCE && !has_sources) {
        return usage_error("fit", "--mean per_source needs %s", "a source column with "
                                                               "several sources");
    }
    o->learn_extra_noise = 0;
    if (a->noise_col != NULL) {
        o->noise = BO_NOISE_KNOWN;
        if (a->noise != NULL) {
            if (strcmp(a->noise, "learn") != 0) {
                return usage_error("fit", "with --noise-col, --noise can only be 'learn' "
                                          "(an extra learned term), not '%s'",
                                   a->noise);
            }
            o->learn_extra_noise = 1;
        }
    } else if (a->noise == NULL || strcmp(a->noise, "learn") == 0) {
        o->noise = has_sources ? BO_NOISE_PER_SOURCE : BO_NOISE_LEARN;
    } else {
        double var;
        if (bo_parse_double(a->noise, &var) != BO_NUMBER_OK || var < 0) {
            return usage_error("fit", "--noise needs 'learn' or a variance >= 0, not '%s'",
                               a->noise);
        }
        o->noise = BO_NOISE_FIXED;
        o->fixed_noise_var = var;
    }
    if (a->restarts != NULL) {
        if (parse_count(a->restarts, &count) != 0 || count > 100000) {
            return usage_error("fit", "--restarts needs a count (0 to 100000), not '%s'",
                               a->restarts);
        }
        o->restarts = (size_t)count;
    }
    if (a->latent == NULL || strcmp(a->latent, "per_input") == 0) {
        o->latent_mode = BO_LATENT_PER_VARIABLE;
    } else if (strcmp(a->latent, "shared") == 0) {
        o->latent_mode = BO_LATENT_SHARED;
    } else {
        return usage_error("fit", "--latent needs per_input or shared, not '%s'", a->latent);
    }
    if (a->fit == NULL || strcmp(a->fit, "map") == 0) {
        o->fit_criterion = BO_FIT_MAP;
    } else if (strcmp(a->fit, "interval_score") == 0) {
        o->fit_criterion = BO_FIT_INTERVAL_SCORE;
    } else {
        return usage_error("fit", "--fit needs map or interval_score, not '%s'", a->fit);
    }
    if (a->fit_weight != NULL) {
        double w;
        if (o->fit_criterion != BO_FIT_INTERVAL_SCORE) {
            return usage_error("fit", "%s", "--fit-weight applies only with --fit interval_score");
        }
        if (bo_parse_double(a->fit_weight, &w) != BO_NUMBER_OK || !(w > 0.0) || !isfinite(w)) {
            return usage_error("fit", "--fit-weight needs a finite number > 0, not '%s'",
                               a->fit_weight);
        }
        o->fit_is_weight = w;
    }
    if (a->seed != NULL) {
        if (parse_count(a->seed, &count) != 0) {
            return usage_error("fit", "--seed needs a non-negative integer, not '%s'",
                               a->seed);
        }
        o->seed = (uint64_t)count;
    } else {
        o->seed = 1;
    }
    return 0;
}

/* The box is the data's range; a constant column gets a unit-scale box
 * around its value so that scaling stays finite. */
static void set_box_from_data(bo_model_file *m)
{
    size_t dim = m->opt.dim, n = m->n, i, j;
    for (j = 0; j < dim; j++) {
        double lo = m->X[j], hi = m->X[j];
        for (i = 1; i < n; i++) {
            lo = fmin(lo, m->X[i * dim + j]);
            hi = fmax(hi, m->X[i * dim + j]);
        }
        if (!(hi > lo)) {
            double half = 0.5 * fmax(1.0, fabs(lo));
            lo -= half;
            hi += half;
        }
        m->lower[j] = lo;
        m->upper[j] = hi;
    }
}

/* A bo-run history.csv starts with these columns (bo/io/history.h). */
static int is_history(const bo_csv *t)
{
    return bo_csv_n_cols(t) >= 3 && strcmp(bo_csv_name(t, 0), "eval") == 0 &&
           strcmp(bo_csv_name(t, 1), "phase") == 0 && strcmp(bo_csv_name(t, 2), "source") == 0;
}

/* Reads a bo-run history into m: inputs and sources found from the header
 * and the rows (bo/io/initial_data.h), failed rows skipped, and sources
 * that only failed dropped (a source without data has nothing to fit).
 * Returns 0 or EXIT_USAGE (EXIT_RUNTIME when memory runs out). */
static int fit_load_history(const fit_args *a, bo_model_file *m)
{
    char err[ERRLEN];
    bo_initial_data_spec found = {0};  /* no names: inputs and sources from the file */
    bo_initial_data data;
    size_t *source_of = NULL, *kept = NULL;   /* data's source -> m's, m's -> data's */
    size_t n_ok, ns = 0, i, j, k, s;
    int rc = EXIT_USAGE;
    bo_status st;

    /* The history fixes the roles of its columns: its categorical inputs
     * are those whose cells are level names. */
    if (a->categorical != NULL) {
        fprintf(stderr, "bo-gp fit: %s is a bo-run history.csv, whose categorical inputs "
                        "are the columns of level names; drop --categorical\n", a->train);
        return EXIT_USAGE;
    }
    if ((a->y != NULL && strcmp(a->y, "y") != 0) ||
        (a->source_col != NULL && strcmp(a->source_col, "source") != 0) || a->noise_col != NULL) {
        fprintf(stderr, "bo-gp fit: %s is a bo-run history.csv: its response is y and its "
                        "sources the source column, and it has no noise column; drop --y, "
                        "--source-col and --noise-col\n", a->train);
        return EXIT_USAGE;
    }
    st = bo_initial_data_read(a->train, &found, &data, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        return st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    n_ok = data.n_rows - data.n_failed;
    if (n_ok == 0) {
        fprintf(stderr, "bo-gp fit: %s: no successful evaluation to fit (%zu failed)\n",
                a->train, data.n_failed);
        goto done;
    }
    source_of = malloc(data.n_sources * sizeof *source_of);
    kept = malloc(data.n_sources * sizeof *kept);
    if (source_of == NULL || kept == NULL) {
        goto oom;
    }
    for (s = 0; s < data.n_sources; s++) {
        source_of[s] = SIZE_MAX;
    }
    for (i = 0; i < data.n_rows; i++) {
        if (!data.failed[i] && source_of[data.source[i]] == SIZE_MAX) {
            kept[ns] = data.source[i];
            source_of[data.source[i]] = ns++;
        }
    }
    if (bo_model_file_alloc(m, data.n_inputs, ns, n_ok, 0) != BO_OK) {
        goto oom;
    }
    m->opt.target_source = 0;
    if (a->target_source != NULL) {
        for (k = 0; k < ns && strcmp(data.source_names[kept[k]], a->target_source) != 0; k++) {
        }
        if (k == ns) {
            fprintf(stderr, "bo-gp fit: --target-source '%s' is not a source with a successful "
                            "evaluation in %s\n", a->target_source, a->train);
            goto done;
        }
        m->opt.target_source = k;
    }
    for (j = 0; j < data.n_inputs; j++) {
        if ((m->input_names[j] = copy_string(data.input_names[j])) == NULL) {
            goto oom;
        }
    }
    for (k = 0; k < ns; k++) {
        if ((m->source_names[k] = copy_string(data.source_names[kept[k]])) == NULL) {
            goto oom;
        }
    }
    if ((m->response_name = copy_string("y")) == NULL ||
        (m->source_column = copy_string("source")) == NULL) {
        goto oom;
    }
    for (i = 0, k = 0; i < data.n_rows; i++) {
        if (data.failed[i]) {
            continue;
        }
        memcpy(&m->X[k * data.n_inputs], &data.x[i * data.n_inputs],
               data.n_inputs * sizeof *m->X);
        m->y[k] = data.y[i];
        m->source[k] = source_of[data.source[i]];
        k++;
    }
    set_box_from_data(m);
    for (j = 0; data.n_levels != NULL && j < data.n_inputs; j++) {
        size_t L = data.n_levels[j];
        if (L == 0)
            continue;
        if (L > BO_GP_MAX_LEVELS) {
            fprintf(stderr, "bo-gp fit: %s: column '%s': more than %d levels, too many for a "
                            "categorical input\n", a->train, data.input_names[j],
                    BO_GP_MAX_LEVELS);
            goto done;
        }
        if (bo_model_file_set_categorical(m, j, L) != BO_OK)
            goto oom;
        for (k = 0; k < L; k++)
            if ((m->level_names[j][k] = copy_string(data.level_names[j][k])) == NULL)
                goto oom;
        /* As for a CSV's categorical column: the index range, not a scale. */
        m->lower[j] = 0.0;
        m->upper[j] = (double)L;
    }
    printf("%s: a bo-run history: %zu evaluations, %zu failed skipped\n", a->train,
           data.n_rows, data.n_failed);
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "bo-gp fit: out of memory\n");
    rc = EXIT_RUNTIME;
done:
    free(source_of);
    free(kept);
    bo_initial_data_cleanup(&data);
    return rc;
}

/* Which input columns are categorical: those --categorical names (each
 * must be an input column), and those in which no cell is a number.
 * Returns 0 or EXIT_USAGE after a message. */
static int categorical_columns(const fit_args *a, const bo_csv *t, const size_t *input_cols,
                               size_t dim, int *is_cat)
{
    size_t n = bo_csv_n_rows(t), i, j;
    if (a->categorical != NULL) {
        const char *p = a->categorical;
        while (*p != '\0') {
            size_t len = strcspn(p, ","), col;
            char name[512];
            if (len == 0 || len >= sizeof name) {
                return usage_error("fit", "--categorical needs column names separated by "
                                          "commas, not '%s'", a->categorical);
            }
            memcpy(name, p, len);
            name[len] = '\0';
            for (j = 0; j < dim && strcmp(bo_csv_name(t, input_cols[j]), name) != 0; j++) {
            }
            if (j == dim) {
                fprintf(stderr, "bo-gp fit: --categorical: '%s' is not an input column of %s%s\n",
                        name, bo_csv_path(t), bo_csv_find(t, name, &col)
                                                  ? " (it is the response, noise or source column)"
                                                  : "");
                return EXIT_USAGE;
            }
            is_cat[j] = 1;
            p += len;
            if (*p == ',') {
                p++;
                if (*p == '\0') {
                    return usage_error("fit", "--categorical: '%s' ends with a comma",
                                       a->categorical);
                }
            }
        }
    }
    for (j = 0; j < dim; j++) {
        int any_number = 0, any_text = 0;
        for (i = 0; i < n && !any_number; i++) {
            double v;
            bo_number_error ne = bo_parse_double(bo_csv_cell(t, i, input_cols[j]), &v);
            any_number |= ne == BO_NUMBER_OK || ne == BO_NUMBER_RANGE || ne == BO_NUMBER_NONFINITE;
            any_text |= ne == BO_NUMBER_SYNTAX;
        }
        if (!any_number && any_text) {
            is_cat[j] = 1;
        }
    }
    return 0;
}

/* Input j of m (CSV column col) as a categorical input: its levels are the
 * distinct cell texts in order of first appearance, X gets level indices.
 * Returns 0, EXIT_USAGE after a message, or EXIT_RUNTIME. */
static int fit_levels(const bo_csv *t, size_t col, bo_model_file *m, size_t j)
{
    size_t n = bo_csv_n_rows(t), i, k, L = 0, dim = m->opt.dim;
    const char **names = malloc(n * sizeof *names);
    int rc = EXIT_USAGE;
    if (names == NULL) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        return EXIT_RUNTIME;
    }
    for (i = 0; i < n; i++) {
        const char *cell = bo_csv_cell(t, i, col);
        if (cell[0] == '\0') {
            fprintf(stderr, "%s: line %zu, column '%s': empty cell in a categorical column "
                            "(a level needs a name)\n",
                    bo_csv_path(t), bo_csv_line(t, i), bo_csv_name(t, col));
            goto done;
        }
        for (k = 0; k < L && strcmp(names[k], cell) != 0; k++) {
        }
        if (k == L) {
            if (L == BO_GP_MAX_LEVELS) {
                fprintf(stderr, "%s: column '%s': more than %d levels, too many for a "
                                "categorical input\n",
                        bo_csv_path(t), bo_csv_name(t, col), BO_GP_MAX_LEVELS);
                goto done;
            }
            names[L++] = cell;
        }
        m->X[i * dim + j] = (double)k;
    }
    rc = EXIT_RUNTIME;
    if (bo_model_file_set_categorical(m, j, L) != BO_OK) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        goto done;
    }
    for (k = 0; k < L; k++) {
        if ((m->level_names[j][k] = copy_string(names[k])) == NULL) {
            fprintf(stderr, "bo-gp fit: out of memory\n");
            goto done;
        }
    }
    rc = 0;
done:
    free(names);
    return rc;
}

/* Reads the table into m: column roles, numbers, source labels, the box.
 * Returns 0 or EXIT_USAGE (or EXIT_RUNTIME when memory runs out). */
static int fit_load(const fit_args *a, const bo_csv *t, bo_model_file *m)
{
    char err[ERRLEN];
    size_t n = bo_csv_n_rows(t), cols = bo_csv_n_cols(t);
    size_t y_col, noise_col = 0, source_col = 0, dim = 0, ns = 0, i, j, k;
    int has_noise = a->noise_col != NULL, has_source = a->source_col != NULL;
    size_t *input_cols = NULL, *label_of_row = NULL;
    const char **labels = NULL;
    int *is_cat = NULL;
    int rc = EXIT_USAGE;

    if (a->y != NULL) {
        if (bo_csv_require(t, a->y, &y_col, err, sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp fit: --y: %s\n", err);
            return EXIT_USAGE;
        }
    } else {
        y_col = cols - 1;
    }
    if (has_noise && bo_csv_require(t, a->noise_col, &noise_col, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp fit: --noise-col: %s\n", err);
        return EXIT_USAGE;
    }
    if (has_source &&
        bo_csv_require(t, a->source_col, &source_col, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp fit: --source-col: %s\n", err);
        return EXIT_USAGE;
    }
    if ((has_noise && noise_col == y_col) || (has_source && source_col == y_col) ||
        (has_noise && has_source && noise_col == source_col)) {
        fprintf(stderr, "bo-gp fit: the response, noise and source columns must differ\n");
        return EXIT_USAGE;
    }
    input_cols = malloc(cols * sizeof *input_cols);
    labels = malloc(n * sizeof *labels);
    label_of_row = malloc(n * sizeof *label_of_row);
    if (input_cols == NULL || labels == NULL || label_of_row == NULL) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (j = 0; j < cols; j++) {
        if (j != y_col && !(has_noise && j == noise_col) && !(has_source && j == source_col)) {
            input_cols[dim++] = j;
        }
    }
    if (dim == 0) {
        fprintf(stderr, "%s: no input columns: the table needs at least one column besides "
                        "the response%s\n",
                bo_csv_path(t), has_noise || has_source ? ", noise and source columns" : "");
        goto done;
    }
    is_cat = calloc(dim, sizeof *is_cat);
    if (is_cat == NULL) {
        goto oom;
    }
    if (categorical_columns(a, t, input_cols, dim, is_cat) != 0) {
        goto done;
    }
    /* Source labels become indices in order of first appearance. */
    for (i = 0; i < n; i++) {
        const char *label = has_source ? bo_csv_cell(t, i, source_col) : "data";
        if (label[0] == '\0') {
            fprintf(stderr, "%s: line %zu, column '%s': empty source label\n", bo_csv_path(t),
                    bo_csv_line(t, i), a->source_col);
            goto done;
        }
        for (k = 0; k < ns && strcmp(labels[k], label) != 0; k++) {
        }
        if (k == ns) {
            labels[ns++] = label;
        }
        label_of_row[i] = k;
    }
    if (bo_model_file_alloc(m, dim, ns, n, has_noise) != BO_OK) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    m->opt.target_source = 0;
    if (a->target_source != NULL) {
        for (k = 0; k < ns && strcmp(labels[k], a->target_source) != 0; k++) {
        }
        if (k == ns || !has_source) {
            fprintf(stderr, "bo-gp fit: --target-source '%s' is not a label of the %s\n",
                    a->target_source,
                    has_source ? "source column" : "data (no --source-col given)");
            goto done;
        }
        m->opt.target_source = k;
    }
    for (j = 0; j < dim; j++) {
        m->input_names[j] = copy_string(bo_csv_name(t, input_cols[j]));
        if (m->input_names[j] == NULL) {
            goto oom;
        }
    }
    for (k = 0; k < ns; k++) {
        m->source_names[k] = copy_string(labels[k]);
        if (m->source_names[k] == NULL) {
            goto oom;
        }
    }
    m->response_name = copy_string(bo_csv_name(t, y_col));
    if (m->response_name == NULL ||
        (has_noise && (m->noise_column = copy_string(a->noise_col)) == NULL) ||
        (has_source && (m->source_column = copy_string(a->source_col)) == NULL)) {
        goto oom;
    }
    for (j = 0; j < dim; j++) {
        if (is_cat[j] && (rc = fit_levels(t, input_cols[j], m, j)) != 0) {
            goto done;
        }
    }
    rc = EXIT_USAGE;
    for (i = 0; i < n; i++) {
        for (j = 0; j < dim; j++) {
            if (is_cat[j]) {
                continue; /* fit_levels filled it */
            }
            if (bo_csv_number(t, i, input_cols[j], &m->X[i * dim + j], err, sizeof err) !=
                BO_OK) {
                fprintf(stderr, "%s\n", err);
                fprintf(stderr, "(a column of labels is a categorical input: name it with "
                                "--categorical '%s')\n", bo_csv_name(t, input_cols[j]));
                goto done;
            }
        }
        if (bo_csv_number(t, i, y_col, &m->y[i], err, sizeof err) != BO_OK) {
            fprintf(stderr, "%s\n", err);
            goto done;
        }
        if (has_noise) {
            double sd;
            if (bo_csv_number(t, i, noise_col, &sd, err, sizeof err) != BO_OK) {
                fprintf(stderr, "%s\n", err);
                goto done;
            }
            if (sd < 0) {
                fprintf(stderr, "%s: line %zu, column '%s': noise sd %g is negative\n",
                        bo_csv_path(t), bo_csv_line(t, i), a->noise_col, sd);
                goto done;
            }
            m->noise_var[i] = sd * sd;
        }
        m->source[i] = label_of_row[i];
    }
    set_box_from_data(m);
    for (j = 0; j < dim; j++) {
        if (m->n_levels[j] > 0) {
            /* Not used for scaling: the range of the level indices, as
             * the model file gives it back. */
            m->lower[j] = 0.0;
            m->upper[j] = (double)m->n_levels[j];
        }
    }
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "bo-gp fit: out of memory\n");
    rc = EXIT_RUNTIME;
done:
    free(is_cat);
    free(input_cols);
    free(labels);
    free(label_of_row);
    return rc;
}

static int fit_classifier(const fit_args *a);

static int cmd_fit(int argc, char **argv)
{
    fit_args a;
    const char *pos[1];
    option_spec specs[] = {
        {"--output", "-o", 1, &a.output, NULL},
        {"--kernel", NULL, 1, &a.kernel, NULL},
        {"--noise", NULL, 1, &a.noise, NULL},
        {"--restarts", NULL, 1, &a.restarts, NULL},
        {"--y", NULL, 1, &a.y, NULL},
        {"--noise-col", NULL, 1, &a.noise_col, NULL},
        {"--source-col", NULL, 1, &a.source_col, NULL},
        {"--target-source", NULL, 1, &a.target_source, NULL},
        {"--mean", NULL, 1, &a.mean, NULL},
        {"--seed", NULL, 1, &a.seed, NULL},
        {"--class-col", NULL, 1, &a.class_col, NULL},
        {"--categorical", NULL, 1, &a.categorical, NULL},
        {"--latent", NULL, 1, &a.latent, NULL},
        {"--fit", NULL, 1, &a.fit, NULL},
        {"--fit-weight", NULL, 1, &a.fit_weight, NULL},
        {NULL, NULL, 0, NULL, NULL},
    };
    char err[ERRLEN];
    bo_csv *table = NULL;
    bo_model_file m;
    bo_gp *gp = NULL;
    bo_gp_options defaults;
    int rc;
    bo_status st;

    memset(&a, 0, sizeof a);
    a.kernel = "matern52";
    if (!parse_command("fit", usage_fit, argc, argv, specs, pos, 1,
                       "expected one training CSV file", &rc)) {
        return rc;
    }
    if (a.output == NULL) {
        return usage_error("fit", "%s", "-o MODEL is required");
    }
    a.train = pos[0];
    if (a.class_col)
        return fit_classifier(&a);

    bo_model_file_init(&m);
    st = bo_csv_read(a.train, &table, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        return st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    rc = is_history(table) ? fit_load_history(&a, &m) : fit_load(&a, table, &m);
    if (rc != 0) {
        goto done;
    }
    bo_gp_options_default(&defaults, m.opt.dim);
    defaults.n_sources = m.opt.n_sources;
    defaults.target_source = m.opt.target_source;
    defaults.lower = m.lower;
    defaults.upper = m.upper;
    defaults.n_levels = m.n_levels;
    m.opt = defaults;
    rc = fit_options(&a, &m, m.opt.n_sources > 1);
    if (rc != 0) {
        goto done;
    }

    gp = bo_gp_create(&m.opt, err, sizeof err);
    if (gp == NULL) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        rc = EXIT_USAGE;
        goto done;
    }
    st = bo_gp_set_data(gp, m.n, m.X, m.source, m.y, m.noise_var);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s: %s\n", a.train, bo_gp_errmsg(gp));
        rc = EXIT_USAGE;
        goto done;
    }
    st = bo_gp_fit(gp, NULL);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: the fit failed: %s (%s)\n", bo_gp_errmsg(gp),
                bo_strerror(st));
        rc = EXIT_RUNTIME;
        goto done;
    }
    if (bo_model_file_capture(&m, gp) != BO_OK) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    st = bo_model_file_write(&m, gp, a.output, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        rc = EXIT_RUNTIME;
        goto done;
    }
    printf("fitted %zu points, %zu input%s, %zu source%s; kernel %s, mean %s, noise %s\n",
           m.n, m.opt.dim, m.opt.dim == 1 ? "" : "s", m.opt.n_sources,
           m.opt.n_sources == 1 ? "" : "s", bo_kernel_name(m.opt.kernel),
           bo_model_mean_name(m.opt.mean), bo_model_noise_name(m.opt.noise));
    if (m.opt.fit_criterion == BO_FIT_INTERVAL_SCORE) {
        printf("fit: MAP penalised by the leave-one-out interval score, weight %g\n",
               m.opt.fit_is_weight > 0.0 ? m.opt.fit_is_weight : BO_GP_FIT_IS_WEIGHT);
    }
    {
        size_t j, n_cat = 0;
        for (j = 0; j < m.opt.dim; j++) {
            n_cat += m.n_levels[j] > 0;
        }
        if (n_cat > 0) {
            printf("categorical inputs: %zu, latent map %s\n", n_cat,
                   m.opt.latent_mode == BO_LATENT_SHARED ? "shared" : "per input");
        }
    }
    bo_model_file_summary(&m, gp, stdout, "");
    printf("model written to %s\n", a.output);
    rc = finish_output("fit");
done:
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
    bo_csv_destroy(table);
    return rc;
}

/* ---- fit --class-col: the GP classifier ---- */

/* The label spellings --class-col accepts, compared without case. The
 * first four mean success, the rest failure; "ok" and "failed" are
 * bo-run's history statuses. */
static const char *const success_words[] = {"1", "true", "ok", "success"};
static const char *const failure_words[] = {"0", "false", "failed", "failure"};

static int same_word(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 0x20) != (*b | 0x20))
            return 0;
    return *a == *b;
}

/* 1 success, 0 failure, -1 neither. */
static int parse_label(const char *text)
{
    for (size_t k = 0; k < sizeof success_words / sizeof success_words[0]; k++) {
        if (same_word(text, success_words[k]))
            return 1;
        if (same_word(text, failure_words[k]))
            return 0;
    }
    return -1;
}

static int fit_classifier(const fit_args *a)
{
    const char *not_for_classifier[][2] = {
        {a->y, "--y"},           {a->noise, "--noise"},   {a->noise_col, "--noise-col"},
        {a->source_col, "--source-col"}, {a->target_source, "--target-source"},
        {a->mean, "--mean"},     {a->restarts, "--restarts"}, {a->seed, "--seed"},
        {a->fit, "--fit"},       {a->fit_weight, "--fit-weight"},
    };
    for (size_t k = 0; k < sizeof not_for_classifier / sizeof not_for_classifier[0]; k++)
        if (not_for_classifier[k][0])
            return usage_error("fit", "%s does not apply with --class-col (the classifier's fit "
                               "has fixed starts and no noise)", not_for_classifier[k][1]);
    if (a->categorical || a->latent)
        return usage_error("fit", "%s does not apply with --class-col (the classifier takes "
                           "numeric inputs only)", a->categorical ? "--categorical" : "--latent");
    bo_kernel_kind kernel;
    if (bo_kernel_from_name(a->kernel, &kernel) != 0 || kernel == BO_KERNEL_ROUGH_RBF)
        return usage_error("fit", "--class-col: kernel '%s' is not one of matern52, matern32, "
                           "sqexp", a->kernel);
    char err[ERRLEN];
    bo_csv *t = NULL;
    bo_status st = bo_csv_read(a->train, &t, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        return st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    bo_classifier_file c;
    bo_classifier_file_init(&c);
    bo_gpc *g = NULL;
    size_t *cols = NULL;
    int rc = EXIT_USAGE;
    size_t label_col, n = bo_csv_n_rows(t), n_cols = bo_csv_n_cols(t);
    if (bo_csv_require(t, a->class_col, &label_col, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp fit: --class-col: %s\n", err);
        goto done;
    }
    if (n_cols < 2 || n == 0) {
        fprintf(stderr, "bo-gp fit: %s: needs at least one input column beside '%s' and one "
                "data row\n", a->train, a->class_col);
        goto done;
    }
    size_t dim = n_cols - 1;
    st = bo_classifier_file_alloc(&c, dim, n);
    cols = malloc(dim * sizeof *cols);
    if (st != BO_OK || !cols || !(c.label_name = copy_string(a->class_col))) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t j = 0, k = 0; j < n_cols; j++) {
        if (j == label_col)
            continue;
        cols[k] = j;
        if (!(c.input_names[k] = copy_string(bo_csv_name(t, j)))) {
            fprintf(stderr, "bo-gp fit: out of memory\n");
            rc = EXIT_RUNTIME;
            goto done;
        }
        k++;
    }
    if (bo_csv_numbers(t, dim, cols, c.X, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        goto done;
    }
    size_t n_success = 0;
    for (size_t i = 0; i < n; i++) {
        int label = parse_label(bo_csv_cell(t, i, label_col));
        if (label < 0) {
            fprintf(stderr, "bo-gp fit: %s:%zu:%zu: column '%s': '%s' is not a label: success "
                    "is 1, true, ok or success, failure 0, false, failed or failure\n",
                    a->train, bo_csv_line(t, i), bo_csv_cell_column(t, i, label_col),
                    a->class_col, bo_csv_cell(t, i, label_col));
            goto done;
        }
        c.success[i] = label;
        n_success += (size_t)label;
    }
    /* The box the classifier scales by: the data's range, as for the GP. */
    for (size_t j = 0; j < dim; j++) {
        double lo = c.X[j], hi = c.X[j];
        for (size_t i = 1; i < n; i++) {
            lo = fmin(lo, c.X[i * dim + j]);
            hi = fmax(hi, c.X[i * dim + j]);
        }
        if (!(hi > lo)) {
            double half = 0.5 * fmax(1.0, fabs(lo));
            lo -= half;
            hi += half;
        }
        c.lower[j] = lo;
        c.upper[j] = hi;
    }
    c.kernel = kernel;
    bo_gpc_options o;
    bo_gpc_options_default(&o, dim);
    o.kernel = kernel;
    o.lower = c.lower;
    o.upper = c.upper;
    g = bo_gpc_create(&o, err, sizeof err);
    if (!g) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        rc = EXIT_RUNTIME;
        goto done;
    }
    st = bo_gpc_set_data(g, n, c.X, c.success);
    if (st == BO_OK)
        st = bo_gpc_fit(g);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: the classifier's fit failed: %s (%s)\n", bo_gpc_errmsg(g),
                bo_strerror(st));
        rc = EXIT_RUNTIME;
        goto done;
    }
    c.n_hyper = bo_gpc_n_hyper(g);
    if (!(c.theta = malloc(c.n_hyper * sizeof *c.theta))) {
        fprintf(stderr, "bo-gp fit: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    bo_gpc_get_hyper(g, c.theta);
    st = bo_classifier_file_write(&c, a->output, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp fit: %s\n", err);
        rc = EXIT_RUNTIME;
        goto done;
    }
    printf("fitted a classifier of '%s' to %zu points (%zu successes, %zu failures), %zu "
           "input%s; kernel %s\n",
           a->class_col, n, n_success, n - n_success, dim, dim == 1 ? "" : "s",
           bo_kernel_name(kernel));
    double *ell = c.X; /* reused after the write: dim values suffice */
    bo_gpc_lengthscales(g, ell);
    for (size_t j = 0; j < dim; j++)
        printf("  length-scale %s = %.6g\n", c.input_names[j], ell[j]);
    printf("  P(success) far from the data = %.6g\n", bo_gpc_prior_success(g));
    printf("  approximate log marginal likelihood = %.6g\n", bo_gpc_log_marginal_likelihood(g));
    printf("model written to %s\n", a->output);
    rc = finish_output("fit");
done:
    free(cols);
    bo_gpc_destroy(g);
    bo_classifier_file_cleanup(&c);
    bo_csv_destroy(t);
    return rc;
}

/* predict with a classifier file: P(success) per row of POINTS.csv. */
static int predict_classifier(const char *model, const char *points, int grad)
{
    if (grad)
        return usage_error("predict", "%s", "--grad is for a regression model; this is a "
                           "classifier (bo-gp fit --class-col)");
    char err[ERRLEN];
    bo_classifier_file c;
    bo_classifier_file_init(&c);
    bo_gpc *g = NULL;
    bo_csv *t = NULL;
    size_t *cols = NULL;
    double *X = NULL;
    int rc = EXIT_USAGE;
    bo_status st = bo_classifier_file_read(&c, model, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp predict: %s\n", err);
        return st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    st = bo_classifier_file_build(&c, &g, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp predict: %s: %s\n", model, err);
        rc = st == BO_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
        goto done;
    }
    st = bo_csv_read(points, &t, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp predict: %s\n", err);
        rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    size_t n = bo_csv_n_rows(t), dim = c.dim;
    cols = malloc(dim * sizeof *cols);
    X = malloc((n ? n : 1) * dim * sizeof *X);
    if (!cols || !X) {
        fprintf(stderr, "bo-gp predict: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    for (size_t j = 0; j < dim; j++)
        if (bo_csv_require(t, c.input_names[j], &cols[j], err, sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp predict: %s\n", err);
            goto done;
        }
    if (bo_csv_numbers(t, dim, cols, X, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp predict: %s\n", err);
        goto done;
    }
    puts("p_success");
    for (size_t i = 0; i < n; i++) {
        double p;
        st = bo_gpc_predict(g, X + i * dim, &p, NULL, NULL);
        if (st != BO_OK) {
            fprintf(stderr, "bo-gp predict: %s: line %zu: prediction failed: %s\n", points,
                    bo_csv_line(t, i), bo_gpc_errmsg(g));
            rc = EXIT_RUNTIME;
            goto done;
        }
        printf("%.17g\n", p);
    }
    rc = finish_output("predict");
done:
    free(cols);
    free(X);
    bo_csv_destroy(t);
    bo_gpc_destroy(g);
    bo_classifier_file_cleanup(&c);
    return rc;
}

/* ---- predict and eval ---- */

/* Loads the model and rebuilds its GP. Returns 0, or an exit code after a
 * message. */
static int load_model(const char *cmd, const char *path, bo_model_file *m, bo_gp **gp)
{
    char err[ERRLEN];
    if (bo_classifier_file_is(path)) {
        fprintf(stderr, "bo-gp %s: %s is a classifier (bo-gp fit --class-col); only "
                "'bo-gp predict' reads it\n", cmd, path);
        return EXIT_USAGE;
    }
    bo_status st = bo_model_file_read(m, path, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp %s: %s\n", cmd, err);
        return st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
    }
    st = bo_model_file_build(m, gp, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp %s: %s: %s\n", cmd, path, err);
        return st == BO_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
    }
    return 0;
}

/* Gathers the inputs (by the model's names) and the source of every row of
 * t into X (n-by-dim) and source. Returns 0 or EXIT_USAGE after a message. */
static int load_points(const char *cmd, const bo_model_file *m, const bo_csv *t, double *X,
                       size_t *source)
{
    char err[ERRLEN];
    size_t n = bo_csv_n_rows(t), dim = m->opt.dim, i, j, s, source_col = 0;
    int has_source = m->source_column != NULL &&
                     bo_csv_find(t, m->source_column, &source_col);
    size_t *cols = malloc(dim * sizeof *cols);
    int rc = EXIT_USAGE;

    if (cols == NULL) {
        fprintf(stderr, "bo-gp %s: out of memory\n", cmd);
        return EXIT_RUNTIME;
    }
    for (j = 0; j < dim; j++) {
        if (bo_csv_require(t, m->input_names[j], &cols[j], err, sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp %s: %s\n", cmd, err);
            goto done;
        }
    }
    for (i = 0; i < n; i++) {
        for (j = 0; j < dim; j++) {
            const char *cell;
            size_t l;
            if (m->n_levels[j] == 0) {
                if (bo_csv_number(t, i, cols[j], &X[i * dim + j], err, sizeof err) != BO_OK) {
                    fprintf(stderr, "bo-gp %s: %s\n", cmd, err);
                    goto done;
                }
                continue;
            }
            cell = bo_csv_cell(t, i, cols[j]);
            for (l = 0; l < m->n_levels[j] && strcmp(m->level_names[j][l], cell) != 0; l++) {
            }
            if (l == m->n_levels[j]) {
                fprintf(stderr, "bo-gp %s: %s: line %zu, column '%s': '%s' is not a level of "
                                "the model's categorical input (levels:",
                        cmd, bo_csv_path(t), bo_csv_line(t, i), m->input_names[j], cell);
                for (l = 0; l < m->n_levels[j] && l < 20; l++) {
                    fprintf(stderr, "%s '%s'", l > 0 ? "," : "", m->level_names[j][l]);
                }
                fprintf(stderr, "%s)\n", m->n_levels[j] > 20 ? ", ..." : "");
                goto done;
            }
            X[i * dim + j] = (double)l;
        }
    }
    for (i = 0; i < n; i++) {
        source[i] = m->opt.target_source;
        if (!has_source) {
            continue;
        }
        for (s = 0; s < m->opt.n_sources; s++) {
            if (strcmp(m->source_names[s], bo_csv_cell(t, i, source_col)) == 0) {
                break;
            }
        }
        if (s == m->opt.n_sources) {
            fprintf(stderr, "bo-gp %s: %s: line %zu, column '%s': '%s' is not a source of "
                            "the model\n",
                    cmd, bo_csv_path(t), bo_csv_line(t, i), m->source_column,
                    bo_csv_cell(t, i, source_col));
            goto done;
        }
        source[i] = s;
    }
    rc = 0;
done:
    free(cols);
    return rc;
}

/* Predicts every row, one block per source: mean, var_f and var_y (any but
 * mean may be NULL). Returns 0 or EXIT_RUNTIME after a message. */
static int predict_rows(const char *cmd, bo_gp *gp, size_t n, size_t dim, const double *X,
                        const size_t *source, size_t n_sources, double *mean, double *var_f,
                        double *var_y)
{
    double *Xs = malloc(n * dim * sizeof *Xs);
    double *ms = malloc(n * sizeof *ms), *fs = malloc(n * sizeof *fs),
           *ys = malloc(n * sizeof *ys);
    size_t *rows = malloc(n * sizeof *rows);
    size_t s, i, count;
    int rc = EXIT_RUNTIME;

    if (Xs == NULL || ms == NULL || fs == NULL || ys == NULL || rows == NULL) {
        fprintf(stderr, "bo-gp %s: out of memory\n", cmd);
        goto done;
    }
    for (s = 0; s < n_sources; s++) {
        bo_status st;
        count = 0;
        for (i = 0; i < n; i++) {
            if (source[i] == s) {
                memcpy(&Xs[count * dim], &X[i * dim], dim * sizeof *Xs);
                rows[count++] = i;
            }
        }
        if (count == 0) {
            continue;
        }
        st = bo_gp_predict_block(gp, count, Xs, s, ms, fs, ys);
        if (st != BO_OK) {
            fprintf(stderr, "bo-gp %s: prediction failed: %s\n", cmd, bo_gp_errmsg(gp));
            goto done;
        }
        for (i = 0; i < count; i++) {
            mean[rows[i]] = ms[i];
            if (var_f != NULL) {
                var_f[rows[i]] = fs[i];
            }
            if (var_y != NULL) {
                var_y[rows[i]] = ys[i];
            }
        }
    }
    rc = 0;
done:
    free(Xs);
    free(ms);
    free(fs);
    free(ys);
    free(rows);
    return rc;
}

static int cmd_predict(int argc, char **argv)
{
    const char *pos[2];
    size_t n = 0, dim, i, j;
    int grad = 0, rc;
    option_spec specs[] = {
        {"--grad", NULL, 0, NULL, &grad},
        {NULL, NULL, 0, NULL, NULL},
    };
    char err[ERRLEN];
    bo_model_file m;
    bo_gp *gp = NULL;
    bo_csv *t = NULL;
    double *X = NULL, *mean = NULL, *var_f = NULL, *dmean = NULL;
    size_t *source = NULL;
    bo_status st;

    if (!parse_command("predict", usage_predict, argc, argv, specs, pos, 2,
                       "expected MODEL and POINTS.csv", &rc)) {
        return rc;
    }
    if (bo_classifier_file_is(pos[0]))
        return predict_classifier(pos[0], pos[1], grad);
    bo_model_file_init(&m);
    rc = load_model("predict", pos[0], &m, &gp);
    if (rc != 0) {
        goto done;
    }
    st = bo_csv_read(pos[1], &t, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp predict: %s\n", err);
        rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    n = bo_csv_n_rows(t);
    dim = m.opt.dim;
    X = malloc(n * dim * sizeof *X);
    source = malloc(n * sizeof *source);
    mean = malloc(n * sizeof *mean);
    var_f = malloc(n * sizeof *var_f);
    dmean = malloc(dim * sizeof *dmean);
    if (X == NULL || source == NULL || mean == NULL || var_f == NULL || dmean == NULL) {
        fprintf(stderr, "bo-gp predict: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    rc = load_points("predict", &m, t, X, source);
    if (rc != 0) {
        goto done;
    }
    if (!grad) {
        rc = predict_rows("predict", gp, n, dim, X, source, m.opt.n_sources, mean, var_f,
                          NULL);
        if (rc != 0) {
            goto done;
        }
    }
    fputs("mean,sd", stdout);
    if (grad) {
        for (j = 0; j < dim; j++) {
            if (m.n_levels[j] > 0) {
                continue; /* no gradient along a categorical input */
            }
            fputs(",", stdout);
            /* The prefix joins the name inside one field. */
            {
                size_t len = strlen(m.input_names[j]);
                char *field = malloc(len + 7);
                if (field == NULL) {
                    fprintf(stderr, "bo-gp predict: out of memory\n");
                    rc = EXIT_RUNTIME;
                    goto done;
                }
                memcpy(field, "dmean_", 6);
                memcpy(field + 6, m.input_names[j], len + 1);
                put_csv_field(field);
                free(field);
            }
        }
    }
    putchar('\n');
    for (i = 0; i < n; i++) {
        if (grad) {
            st = bo_gp_predict_grad(gp, &X[i * dim], source[i], &mean[i], &var_f[i], dmean,
                                    NULL);
            if (st != BO_OK) {
                fprintf(stderr, "bo-gp predict: %s: line %zu: prediction failed: %s\n",
                        pos[1], bo_csv_line(t, i), bo_gp_errmsg(gp));
                rc = EXIT_RUNTIME;
                goto done;
            }
        }
        printf("%.17g,%.17g", mean[i], sqrt(fmax(var_f[i], 0.0)));
        if (grad) {
            for (j = 0; j < dim; j++) {
                if (m.n_levels[j] == 0) {
                    printf(",%.17g", dmean[j]);
                }
            }
        }
        putchar('\n');
    }
    rc = finish_output("predict");
done:
    free(X);
    free(source);
    free(mean);
    free(var_f);
    free(dmean);
    bo_csv_destroy(t);
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
    return rc;
}

static int cmd_eval(int argc, char **argv)
{
    const char *pos[2];
    size_t n = 0, i, y_col, noise_col = 0;
    int rc, has_noise;
    option_spec specs[] = {
        {NULL, NULL, 0, NULL, NULL},
    };
    char err[ERRLEN];
    bo_model_file m;
    bo_gp *gp = NULL;
    bo_csv *t = NULL;
    double *X = NULL, *y = NULL, *mean = NULL, *var_y = NULL, *sd = NULL;
    size_t *source = NULL;
    bo_status st;
    double nrmse, nis;
    size_t covered = 0;

    if (!parse_command("eval", usage_eval, argc, argv, specs, pos, 2,
                       "expected MODEL and TEST.csv", &rc)) {
        return rc;
    }
    bo_model_file_init(&m);
    rc = load_model("eval", pos[0], &m, &gp);
    if (rc != 0) {
        goto done;
    }
    st = bo_csv_read(pos[1], &t, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp eval: %s\n", err);
        rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    rc = EXIT_USAGE;
    if (bo_csv_require(t, m.response_name, &y_col, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp eval: %s\n", err);
        goto done;
    }
    has_noise = m.noise_column != NULL && bo_csv_find(t, m.noise_column, &noise_col);
    n = bo_csv_n_rows(t);
    X = malloc(n * m.opt.dim * sizeof *X);
    y = malloc(n * sizeof *y);
    source = malloc(n * sizeof *source);
    mean = malloc(n * sizeof *mean);
    var_y = malloc(n * sizeof *var_y);
    sd = malloc(n * sizeof *sd);
    if (X == NULL || y == NULL || source == NULL || mean == NULL || var_y == NULL ||
        sd == NULL) {
        fprintf(stderr, "bo-gp eval: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    rc = load_points("eval", &m, t, X, source);
    if (rc != 0) {
        goto done;
    }
    rc = EXIT_USAGE;
    if (bo_csv_numbers(t, 1, &y_col, y, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp eval: %s\n", err);
        goto done;
    }
    rc = predict_rows("eval", gp, n, m.opt.dim, X, source, m.opt.n_sources, mean, NULL,
                      var_y);
    if (rc != 0) {
        goto done;
    }
    for (i = 0; i < n; i++) {
        /* Known per-point noise of a test row adds to the model's own noise
         * term (the learned extra term, or none). */
        if (has_noise) {
            double noise_sd;
            if (bo_csv_number(t, i, noise_col, &noise_sd, err, sizeof err) != BO_OK) {
                fprintf(stderr, "bo-gp eval: %s\n", err);
                rc = EXIT_USAGE;
                goto done;
            }
            var_y[i] += noise_sd * noise_sd;
        }
        sd[i] = sqrt(fmax(var_y[i], 0.0));
        /* 1.959963984540054 is the 97.5% point of the standard normal. */
        if (fabs(y[i] - mean[i]) <= 1.959963984540054 * sd[i]) {
            covered++;
        }
    }
    nrmse = bo_gp_nrmse(n, y, mean);
    nis = bo_gp_nis(n, y, mean, sd, 0.05);
    printf("points: %zu\n", n);
    printf("NRMSE: %.6g\n", nrmse);
    printf("NIS (95%%): %.6g\n", nis);
    printf("95%% interval coverage: %.4g\n", (double)covered / (double)n);
    rc = finish_output("eval");
done:
    free(X);
    free(y);
    free(source);
    free(mean);
    free(var_y);
    free(sd);
    bo_csv_destroy(t);
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
    return rc;
}

/* After the Sobol table, for a model with categorical inputs: a blank line
 * and a second CSV table, input,levels,latent_distance, GP+'s measure
 * (bo_gp_level_distance) per categorical input. Under a shared map no
 * distance belongs to one input: a note on stderr instead. A model with
 * only continuous inputs prints nothing more. */
static int print_level_distances(bo_gp *gp, const bo_model_file *m, const char *path)
{
    size_t j, n_categorical = 0;
    for (j = 0; j < m->opt.dim; j++) {
        n_categorical += bo_gp_n_levels(gp, j) > 0;
    }
    if (n_categorical == 0) {
        return EXIT_OK;
    }
    if (m->opt.latent_mode == BO_LATENT_SHARED) {
        fprintf(stderr, "bo-gp sobol: %s: note: the categorical inputs share one latent map "
                        "(fit --latent shared), so no latent distance is given per input\n",
                path);
        return EXIT_OK;
    }
    printf("\ninput,levels,latent_distance\n");
    for (j = 0; j < m->opt.dim; j++) {
        double distance;
        if (bo_gp_n_levels(gp, j) == 0) {
            continue;
        }
        if (bo_gp_level_distance(gp, j, &distance) != BO_OK) {
            fprintf(stderr, "bo-gp sobol: %s: %s\n", path, bo_gp_errmsg(gp));
            return EXIT_RUNTIME;
        }
        put_csv_field(m->input_names[j]);
        printf(",%zu,%.6f\n", bo_gp_n_levels(gp, j), distance);
    }
    return EXIT_OK;
}

static int cmd_sobol(int argc, char **argv)
{
    const char *pos[1], *samples_text = NULL, *seed_text = NULL, *draws_text = NULL;
    size_t j;
    unsigned long long samples = 10000, seed = 1, draws = 0;
    int rc;
    option_spec specs[] = {
        {"--samples", NULL, 1, &samples_text, NULL},
        {"--seed", NULL, 1, &seed_text, NULL},
        {"--draws", NULL, 1, &draws_text, NULL},
        {NULL, NULL, 0, NULL, NULL},
    };
    bo_model_file m;
    bo_gp *gp = NULL;
    double *first = NULL, *total = NULL, *spread = NULL;
    bo_status st;

    if (!parse_command("sobol", usage_sobol, argc, argv, specs, pos, 1,
                       "expected one MODEL file", &rc)) {
        return rc;
    }
    /* The cap keeps the three sample matrices within memory a user expects
     * (10^8 samples of 10 inputs would be 24 GB). */
    if (samples_text != NULL &&
        (parse_count(samples_text, &samples) != 0 || samples < 2 || samples > 10000000)) {
        return usage_error("sobol", "--samples needs a count (2 to 10000000), not '%s'",
                           samples_text);
    }
    if (seed_text != NULL && parse_count(seed_text, &seed) != 0) {
        return usage_error("sobol", "--seed needs a non-negative integer, not '%s'",
                           seed_text);
    }
    if (draws_text != NULL &&
        (parse_count(draws_text, &draws) != 0 || draws < 2 || draws > 1000)) {
        return usage_error("sobol", "--draws needs a count (2 to 1000), not '%s'",
                           draws_text);
    }
    bo_model_file_init(&m);
    rc = load_model("sobol", pos[0], &m, &gp);
    if (rc != 0) {
        goto done;
    }
    first = malloc(m.opt.dim * sizeof *first);
    total = malloc(m.opt.dim * sizeof *total);
    if (first == NULL || total == NULL) {
        fprintf(stderr, "bo-gp sobol: out of memory\n");
        rc = EXIT_RUNTIME;
        goto done;
    }
    st = bo_gp_sobol(gp, m.opt.target_source, m.lower, m.upper, (size_t)samples,
                     (uint64_t)seed, first, total, NULL);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp sobol: %s: %s\n", pos[0], bo_gp_errmsg(gp));
        rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    if (draws > 0) {
        /* The joint draw is cubic in its points: the spread uses as many of
         * the base samples as bo_gp_sobol_draws allows. */
        size_t cap = 4000 / (m.opt.dim + 2), n_draw_samples = (size_t)samples;
        if (n_draw_samples > cap) {
            n_draw_samples = cap;
        }
        spread = malloc(4 * m.opt.dim * sizeof *spread);
        if (spread == NULL) {
            fprintf(stderr, "bo-gp sobol: out of memory\n");
            rc = EXIT_RUNTIME;
            goto done;
        }
        st = bo_gp_sobol_draws(gp, m.opt.target_source, m.lower, m.upper, n_draw_samples,
                               (size_t)draws, (uint64_t)seed, spread, spread + m.opt.dim,
                               spread + 2 * m.opt.dim, spread + 3 * m.opt.dim);
        if (st != BO_OK) {
            fprintf(stderr, "bo-gp sobol: %s: %s\n", pos[0], bo_gp_errmsg(gp));
            rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
            goto done;
        }
    }
    printf(spread ? "input,first_order,total,first_order_sd,total_sd\n"
                  : "input,first_order,total\n");
    for (j = 0; j < m.opt.dim; j++) {
        put_csv_field(m.input_names[j]);
        printf(",%.6f,%.6f", first[j], total[j]);
        if (spread != NULL) {
            printf(",%.6f,%.6f", spread[m.opt.dim + j], spread[3 * m.opt.dim + j]);
        }
        printf("\n");
    }
    rc = print_level_distances(gp, &m, pos[0]);
    if (rc == EXIT_OK) {
        rc = finish_output("sobol");
    }
done:
    free(first);
    free(total);
    free(spread);
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
    return rc;
}

static int cmd_latent(int argc, char **argv)
{
    const char *pos[1], *output = NULL;
    size_t p, l;
    int rc, drawn = 0;
    option_spec specs[] = {
        {"--output", "-o", 1, &output, NULL},
        {NULL, NULL, 0, NULL, NULL},
    };
    char err[ERRLEN];
    bo_model_file m;
    bo_gp *gp = NULL;
    bo_status st;

    if (!parse_command("latent", usage_latent, argc, argv, specs, pos, 1,
                       "expected one MODEL file", &rc)) {
        return rc;
    }
    if (output == NULL) {
        return usage_error("latent", "%s", "-o FIG.png is required");
    }
    bo_model_file_init(&m);
    rc = load_model("latent", pos[0], &m, &gp);
    if (rc != 0) {
        goto done;
    }
    st = bo_latent_plot(&m, gp, output, &drawn, err, sizeof err);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp latent: %s: %s\n", pos[0], err);
        rc = st == BO_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
        goto done;
    }
    printf("map,level,z1,z2\n");
    if (m.opt.n_sources > 1) {
        for (l = 0; l < m.opt.n_sources; l++) {
            double z[2];
            bo_gp_latent(gp, l, z);
            put_csv_field("sources");
            putchar(',');
            put_csv_field(m.source_names[l]);
            printf(",%.10g,%.10g\n", z[0] + 0.0, z[1] + 0.0);
        }
    }
    for (p = 0; p < bo_gp_n_latent_maps(gp); p++) {
        size_t input = bo_gp_latent_map_input(gp, p);
        for (l = 0; l < bo_gp_latent_map_levels(gp, p); l++) {
            char label[512];
            double z[2];
            bo_gp_level_latent(gp, p, l, z);
            put_csv_field(input < m.opt.dim ? m.input_names[input] : "shared");
            putchar(',');
            put_csv_field(bo_model_file_level_label(&m, p, l, label, sizeof label));
            printf(",%.10g,%.10g\n", z[0] + 0.0, z[1] + 0.0);
        }
    }
    if (!drawn) {
        fprintf(stderr, "bo-gp latent: gnuplot is not installed: wrote the data and script "
                        "beside %s but not the figure\n", output);
    }
    rc = finish_output("latent");
done:
    bo_gp_destroy(gp);
    bo_model_file_cleanup(&m);
    return rc;
}

/* ---- calibrate ---- */

static const char usage_calibrate[] =
    "Usage: bo-gp calibrate SIM.csv FIELD.csv --theta NAME[,NAME...] [options]\n"
    "\n"
    "Estimates a computer model's calibration parameters from field (or\n"
    "high-fidelity) observations. SIM.csv holds simulator runs: the inputs,\n"
    "the calibration inputs named by --theta and the response. FIELD.csv holds\n"
    "observations with the same inputs and response but no calibration\n"
    "columns. One GP over both (two sources, each with its latent point) is\n"
    "fitted jointly with theta by MAP, theta's prior uniform on its bounds.\n"
    "Prints parameter,estimate[,sd],lower,upper, then the GP's summary.\n"
    "\n"
    "Options:\n"
    "  --theta NAMES          the calibration columns of SIM.csv (required)\n"
    "  --bounds LO:HI,...     theta's box, one LO:HI per name (default: the\n"
    "                         range of each column in SIM.csv)\n"
    "  --posterior            add each parameter's posterior sd (Laplace\n"
    "                         approximation at the MAP)\n"
    "  -o, --output MODEL     write the fitted GP; its field rows hold theta's\n"
    "                         estimate, sources 'simulation' and 'field'\n"
    "  --y NAME               the response column (default: SIM.csv's last)\n"
    "  --kernel K             matern52 (default), matern32, sqexp, rough_rbf\n"
    "  --starts N             starting values of theta (default 8)\n"
    "  --seed N               seed of the starts (default 1)\n"
    "  -h, --help             show this help\n";

/* Splits a comma-separated list in place; at most max items. Returns the
 * count, or 0 when an item is empty or there are too many. */
static size_t split_list(char *text, char **items, size_t max)
{
    size_t count = 0;
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (*p == '\0' || count == max) {
            return 0;
        }
        items[count++] = p;
        if (comma == NULL) {
            return count;
        }
        p = comma + 1;
    }
}

#define CALIB_MAX_THETA 64

static int cmd_calibrate(int argc, char **argv)
{
    const char *output = NULL, *theta_arg = NULL, *bounds_arg = NULL, *y_name = NULL;
    const char *kernel = "matern52", *starts_arg = NULL, *seed_arg = NULL;
    int posterior = 0;
    option_spec specs[] = {
        {"--output", "-o", 1, &output, NULL},
        {"--theta", NULL, 1, &theta_arg, NULL},
        {"--bounds", NULL, 1, &bounds_arg, NULL},
        {"--posterior", NULL, 0, NULL, &posterior},
        {"--y", NULL, 1, &y_name, NULL},
        {"--kernel", NULL, 1, &kernel, NULL},
        {"--starts", NULL, 1, &starts_arg, NULL},
        {"--seed", NULL, 1, &seed_arg, NULL},
        {NULL, NULL, 0, NULL, NULL},
    };
    const char *pos[2];
    size_t q = 0, dx = 0, i, j, k;
    char err[ERRLEN];
    char *theta_copy = NULL, *bounds_copy = NULL;
    char *theta_names[CALIB_MAX_THETA], *bound_items[CALIB_MAX_THETA];
    size_t theta_cols[CALIB_MAX_THETA], *x_cols = NULL, *field_cols = NULL;
    double tlo[CALIB_MAX_THETA], thi[CALIB_MAX_THETA], est[CALIB_MAX_THETA],
        sd[CALIB_MAX_THETA];
    bo_csv *sim = NULL, *field = NULL;
    bo_model_file m;
    bo_gp_calib *c = NULL;
    unsigned long long count;
    size_t starts = 0, y_sim, y_field, ns, nf;
    bo_kernel_kind kind = BO_KERNEL_MATERN52;
    bo_status st;
    int rc;

    bo_model_file_init(&m);
    if (!parse_command("calibrate", usage_calibrate, argc, argv, specs, pos, 2,
                       "expected SIM.csv and FIELD.csv", &rc)) {
        return rc;
    }
    if (theta_arg == NULL) {
        return usage_error("calibrate", "%s", "--theta NAME[,NAME...] is required");
    }
    rc = EXIT_USAGE;
    if (bo_kernel_from_name(kernel, &kind) != 0) {
        usage_error("calibrate", "unknown kernel '%s' (matern52, matern32, sqexp, rough_rbf)",
                    kernel);
        goto done;
    }
    if (starts_arg != NULL && (parse_count(starts_arg, &count) != 0 || count < 1 ||
                               count > 1000)) {
        usage_error("calibrate", "--starts needs a count from 1 to 1000, not '%s'", starts_arg);
        goto done;
    }
    starts = starts_arg != NULL ? (size_t)count : 0;
    if (seed_arg != NULL && parse_count(seed_arg, &count) != 0) {
        usage_error("calibrate", "--seed needs a non-negative integer, not '%s'", seed_arg);
        goto done;
    }
    theta_copy = copy_string(theta_arg);
    if (theta_copy == NULL) {
        goto oom;
    }
    q = split_list(theta_copy, theta_names, CALIB_MAX_THETA);
    if (q == 0) {
        usage_error("calibrate", "--theta needs column names separated by commas (at most 64), "
                    "not '%s'", theta_arg);
        goto done;
    }
    st = bo_csv_read(pos[0], &sim, err, sizeof err);
    if (st == BO_OK) {
        st = bo_csv_read(pos[1], &field, err, sizeof err);
    }
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp calibrate: %s\n", err);
        rc = st == BO_ENOMEM ? EXIT_RUNTIME : EXIT_USAGE;
        goto done;
    }
    /* Column roles: SIM's response, its theta columns, the rest inputs. */
    if (y_name != NULL) {
        if (bo_csv_require(sim, y_name, &y_sim, err, sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp calibrate: --y: %s\n", err);
            goto done;
        }
    } else {
        y_sim = bo_csv_n_cols(sim) - 1;
    }
    for (k = 0; k < q; k++) {
        if (bo_csv_require(sim, theta_names[k], &theta_cols[k], err, sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp calibrate: --theta: %s\n", err);
            goto done;
        }
        if (theta_cols[k] == y_sim) {
            fprintf(stderr, "bo-gp calibrate: --theta: '%s' is the response column\n",
                    theta_names[k]);
            goto done;
        }
        for (j = 0; j < k; j++) {
            if (theta_cols[j] == theta_cols[k]) {
                fprintf(stderr, "bo-gp calibrate: --theta: '%s' is named twice\n",
                        theta_names[k]);
                goto done;
            }
        }
    }
    x_cols = malloc(2 * bo_csv_n_cols(sim) * sizeof *x_cols);
    if (x_cols == NULL) {
        goto oom;
    }
    field_cols = x_cols + bo_csv_n_cols(sim);
    for (j = 0; j < bo_csv_n_cols(sim); j++) {
        int is_theta = 0;
        for (k = 0; k < q; k++) {
            is_theta |= theta_cols[k] == j;
        }
        if (j != y_sim && !is_theta) {
            x_cols[dx++] = j;
        }
    }
    if (dx == 0) {
        fprintf(stderr, "%s: no input columns besides the response and the calibration "
                        "columns\n", bo_csv_path(sim));
        goto done;
    }
    /* FIELD: the same inputs and response by name, no theta, nothing else. */
    for (j = 0; j < dx; j++) {
        if (bo_csv_require(field, bo_csv_name(sim, x_cols[j]), &field_cols[j], err,
                           sizeof err) != BO_OK) {
            fprintf(stderr, "bo-gp calibrate: %s (an input of %s)\n", err, bo_csv_path(sim));
            goto done;
        }
    }
    if (bo_csv_require(field, bo_csv_name(sim, y_sim), &y_field, err, sizeof err) != BO_OK) {
        fprintf(stderr, "bo-gp calibrate: %s (the response of %s)\n", err, bo_csv_path(sim));
        goto done;
    }
    for (j = 0; j < bo_csv_n_cols(field); j++) {
        int known = j == y_field;
        for (k = 0; k < dx && !known; k++) {
            known = field_cols[k] == j;
        }
        if (!known) {
            int is_theta = 0;
            for (k = 0; k < q; k++) {
                is_theta |= strcmp(bo_csv_name(field, j), theta_names[k]) == 0;
            }
            fprintf(stderr, "%s:%zu:%zu: column '%s' %s\n", bo_csv_path(field),
                    bo_csv_header_line(field), bo_csv_name_column(field, j),
                    bo_csv_name(field, j),
                    is_theta ? "is a calibration input: field data must not have it (it is "
                               "what is estimated)"
                             : "is not an input or the response of the simulation data");
            goto done;
        }
    }
    ns = bo_csv_n_rows(sim);
    nf = bo_csv_n_rows(field);
    if (ns == 0 || nf == 0) {
        fprintf(stderr, "%s: no data rows\n", bo_csv_path(ns == 0 ? sim : field));
        goto done;
    }
    if (bo_model_file_alloc(&m, dx + q, 2, ns + nf, 0) != BO_OK) {
        goto oom;
    }
    for (i = 0; i < ns + nf; i++) {
        const bo_csv *t = i < ns ? sim : field;
        size_t r = i < ns ? i : i - ns;
        double *x = m.X + i * (dx + q);
        for (j = 0; j < dx; j++) {
            if (bo_csv_number(t, r, i < ns ? x_cols[j] : field_cols[j], &x[j], err,
                              sizeof err) != BO_OK) {
                fprintf(stderr, "%s\n", err);
                goto done;
            }
        }
        for (k = 0; k < q; k++) {
            x[dx + k] = NAN;
            if (i < ns && bo_csv_number(t, r, theta_cols[k], &x[dx + k], err, sizeof err) !=
                              BO_OK) {
                fprintf(stderr, "%s\n", err);
                goto done;
            }
        }
        if (bo_csv_number(t, r, i < ns ? y_sim : y_field, &m.y[i], err, sizeof err) !=
            BO_OK) {
            fprintf(stderr, "%s\n", err);
            goto done;
        }
        m.source[i] = i < ns ? 0 : 1;
    }
    /* Theta's box: --bounds, or the simulator's range of each column. */
    for (k = 0; k < q; k++) {
        tlo[k] = thi[k] = m.X[dx + k];
        for (i = 1; i < ns; i++) {
            tlo[k] = fmin(tlo[k], m.X[i * (dx + q) + dx + k]);
            thi[k] = fmax(thi[k], m.X[i * (dx + q) + dx + k]);
        }
    }
    if (bounds_arg != NULL) {
        bounds_copy = copy_string(bounds_arg);
        if (bounds_copy == NULL) {
            goto oom;
        }
        if (split_list(bounds_copy, bound_items, CALIB_MAX_THETA) != q) {
            fprintf(stderr, "bo-gp calibrate: --bounds needs one LO:HI per calibration "
                            "input (%zu), separated by commas, not '%s'\n", q, bounds_arg);
            goto done;
        }
        for (k = 0; k < q; k++) {
            char *colon = strchr(bound_items[k], ':');
            if (colon != NULL) {
                *colon = '\0';
            }
            if (colon == NULL || bo_parse_double(bound_items[k], &tlo[k]) != BO_NUMBER_OK ||
                bo_parse_double(colon + 1, &thi[k]) != BO_NUMBER_OK || !(tlo[k] < thi[k])) {
                fprintf(stderr, "bo-gp calibrate: --bounds: item %zu (for '%s') must be LO:HI "
                                "with finite numbers, LO < HI\n", k + 1, theta_names[k]);
                goto done;
            }
        }
    } else {
        for (k = 0; k < q; k++) {
            if (!(tlo[k] < thi[k])) {
                fprintf(stderr, "%s: column '%s' is constant (%g): give its range with "
                                "--bounds\n", bo_csv_path(sim), theta_names[k], tlo[k]);
                goto done;
            }
        }
    }
    /* The GP's box: the inputs' range over both files, theta's over the
     * simulator and its bounds (the field rows' theta columns are unknown
     * until the fit). */
    for (j = 0; j < dx + q; j++) {
        double lo = INFINITY, hi = -INFINITY;
        for (i = 0; i < (j < dx ? ns + nf : ns); i++) {
            lo = fmin(lo, m.X[i * (dx + q) + j]);
            hi = fmax(hi, m.X[i * (dx + q) + j]);
        }
        if (j >= dx) {
            lo = fmin(lo, tlo[j - dx]);
            hi = fmax(hi, thi[j - dx]);
        }
        if (!(hi > lo)) {
            double half = 0.5 * fmax(1.0, fabs(lo));
            lo -= half;
            hi += half;
        }
        m.lower[j] = lo;
        m.upper[j] = hi;
    }
    bo_gp_options_default(&m.opt, dx + q);
    m.opt.kernel = kind;
    m.opt.n_sources = 2;
    m.opt.target_source = 1;
    m.opt.mean = BO_MEAN_PER_SOURCE;
    m.opt.noise = BO_NOISE_PER_SOURCE;
    m.opt.lower = m.lower;
    m.opt.upper = m.upper;
    m.opt.seed = seed_arg != NULL ? (uint64_t)count : 1;
    for (j = 0; j < dx + q; j++) {
        const char *name = j < dx ? bo_csv_name(sim, x_cols[j]) : theta_names[j - dx];
        if ((m.input_names[j] = copy_string(name)) == NULL) {
            goto oom;
        }
    }
    if ((m.source_names[0] = copy_string("simulation")) == NULL ||
        (m.source_names[1] = copy_string("field")) == NULL ||
        (m.source_column = copy_string("source")) == NULL ||
        (m.response_name = copy_string(bo_csv_name(sim, y_sim))) == NULL) {
        goto oom;
    }
    c = bo_gp_calib_create(&m.opt, q, tlo, thi, err, sizeof err);
    if (c == NULL) {
        fprintf(stderr, "bo-gp calibrate: %s\n", err);
        goto done;
    }
    st = bo_gp_calib_set_data(c, m.n, m.X, m.source, m.y);
    if (st != BO_OK) {
        /* Rows count simulation first, then field. */
        fprintf(stderr, "bo-gp calibrate: %s (rows 1-%zu are %s, %zu-%zu %s)\n",
                bo_gp_calib_errmsg(c), ns, bo_csv_path(sim), ns + 1, ns + nf,
                bo_csv_path(field));
        goto done;
    }
    st = bo_gp_calib_fit(c, starts);
    if (st != BO_OK) {
        fprintf(stderr, "bo-gp calibrate: the fit failed: %s (%s)\n", bo_gp_calib_errmsg(c),
                bo_strerror(st));
        rc = EXIT_RUNTIME;
        goto done;
    }
    bo_gp_calib_theta(c, est);
    if (posterior) {
        int edge = 0, conditional = 0;
        st = bo_gp_calib_posterior(c, sd, NULL, &edge, &conditional);
        if (st != BO_OK) {
            fprintf(stderr, "bo-gp calibrate: %s (%s)\n", bo_gp_calib_errmsg(c),
                    bo_strerror(st));
            rc = EXIT_RUNTIME;
            goto done;
        }
        if (conditional) {
            fprintf(stderr, "bo-gp calibrate: warning: the posterior is flat or not concave "
                            "in some hyperparameter at the optimum: the sd is theta's "
                            "conditional given the hyperparameters (smaller than the "
                            "marginal)\n");
        }
        if (edge) {
            fprintf(stderr, "bo-gp calibrate: warning: an estimate is on its bound, where "
                            "the Laplace approximation does not apply: its sd is nan\n");
        }
    }
    printf("parameter,estimate%s,lower,upper\n", posterior ? ",sd" : "");
    for (k = 0; k < q; k++) {
        put_csv_field(theta_names[k]);
        printf(",%.17g", est[k]);
        if (posterior) {
            printf(",%.17g", sd[k]);
        }
        printf(",%.17g,%.17g\n", tlo[k], thi[k]);
    }
    /* The field rows of the model hold the estimate. */
    for (i = ns; i < ns + nf; i++) {
        memcpy(m.X + i * (dx + q) + dx, est, q * sizeof *est);
    }
    printf("calibrated %zu parameter%s from %zu simulation runs and %zu field observations; "
           "kernel %s; neg log posterior %.6g\n",
           q, q == 1 ? "" : "s", ns, nf, bo_kernel_name(m.opt.kernel),
           bo_gp_calib_neg_log_posterior_at_fit(c));
    if (bo_model_file_capture(&m, bo_gp_calib_model(c)) != BO_OK) {
        goto oom;
    }
    bo_model_file_summary(&m, bo_gp_calib_model(c), stdout, "");
    if (output != NULL) {
        st = bo_model_file_write(&m, bo_gp_calib_model(c), output, err, sizeof err);
        if (st != BO_OK) {
            fprintf(stderr, "bo-gp calibrate: %s\n", err);
            rc = EXIT_RUNTIME;
            goto done;
        }
        printf("model written to %s\n", output);
    }
    rc = finish_output("calibrate");
    goto done;
oom:
    fprintf(stderr, "bo-gp calibrate: out of memory\n");
    rc = EXIT_RUNTIME;
done:
    bo_gp_calib_destroy(c);
    bo_model_file_cleanup(&m);
    bo_csv_destroy(sim);
    bo_csv_destroy(field);
    free(x_cols);
    free(theta_copy);
    free(bounds_copy);
    return rc;
}

/* The same rule as bo-run's (docs/gp.md, "BLAS threads"): one OpenBLAS
 * thread unless OPENBLAS_NUM_THREADS says otherwise. Measured with
 * bench_gp on a busy 2-core machine: a fit with two threads took 7x as
 * long at n = 100, 1.3x at n = 400 and the same at n = 800 and 1600. */
static void choose_blas_threads(void)
{
    if (!getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
}

int main(int argc, char **argv)
{
    const char *cmd;

    choose_blas_threads();

    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("bo-gp %s\n", BO_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "fit") == 0) {
        return cmd_fit(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "predict") == 0) {
        return cmd_predict(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "eval") == 0) {
        return cmd_eval(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "sobol") == 0) {
        return cmd_sobol(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "latent") == 0) {
        return cmd_latent(argc - 2, argv + 2);
    }
    if (strcmp(cmd, "calibrate") == 0) {
        return cmd_calibrate(argc - 2, argv + 2);
    }
    fprintf(stderr, "bo-gp: unknown command '%s'\n", cmd);
    fputs(usage_main, stderr);
    return EXIT_USAGE;
}
