#define _POSIX_C_SOURCE 200809L
/* realpath, used to compute the expected absolute paths independently. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bo/config/config.h"
#include "bo/io/history.h"
#include "tests/check.h"

#define DATA BO_SOURCE_DIR "/tests/data/config"
#define TMP BO_BINARY_DIR "/test_config_tmp"

/* ------------------------------------------------------------------ */
/* The malformed corpus: each file, the status, the place and the key   */
/* the message must name, and a piece of what it must say.             */

typedef struct bad_case {
    const char *file;
    bo_status status;
    size_t line, column;
    const char *key;        /* NULL: no key (whole-file and YAML syntax errors) */
    const char *says;
} bad_case;

static const bad_case bad_cases[] = {
    /* Unclosed flow collections: the bracket's place, not where libyaml
     * happened to stop; other syntax errors: where it stopped. */
    {"syntax_unclosed.yaml", BO_EPARSE, 2, 9, NULL, "YAML syntax error: the '[' opened here is never closed (expected ',' or ']'"},
    {"unclosed_brace_at_end.yaml", BO_EPARSE, 3, 9, NULL, "the '{' opened here is never closed (expected ',' or '}'"},
    {"unclosed_brace_next_key.yaml", BO_EPARSE, 1, 12, NULL, "the '{' opened here is never closed"},
    {"unclosed_brace_in_list.yaml", BO_EPARSE, 3, 5, NULL, "the '{' opened here is never closed"},
    {"unclosed_brace_wrong_bracket.yaml", BO_EPARSE, 2, 38, NULL, "did not find expected ',' or '}' while parsing a flow mapping; the parser stopped at ']'"},
    {"missing_comma_in_line.yaml", BO_EPARSE, 1, 42, NULL, "the parser stopped at 'b'"},
    {"missing_comma_across_lines.yaml", BO_EPARSE, 4, 3, NULL, "expected ',' or ']' while parsing a flow sequence; the parser stopped at '{'"},
    {"bad_indent.yaml", BO_EPARSE, 3, 2, NULL, "did not find expected key while parsing a block mapping; the parser stopped at 'i'"},
    {"tab_indent.yaml", BO_EPARSE, 2, 1, NULL, "tabs cannot indent YAML"},
    {"unknown_key.yaml", BO_EINVAL, 5, 1, "sead", "unknown key; did you mean 'seed'?"},
    {"nested_typo.yaml", BO_EINVAL, 5, 3, "model.kernal", "did you mean 'kernel'?"},
    {"misplaced_key.yaml", BO_EINVAL, 4, 1, "kernel", "'kernel' belongs in model:"},
    {"string_for_number.yaml", BO_EINVAL, 4, 32, "inputs[1].upper", "expected a number, got 'abc'"},
    {"map_for_list.yaml", BO_EINVAL, 3, 3, "inputs", "expected a list of inputs"},
    {"lower_ge_upper.yaml", BO_EINVAL, 4, 32, "inputs[1].upper", "expected a number > lower (5), got 5"},
    {"log_nonpositive.yaml", BO_EINVAL, 4, 12, "inputs[0].lower", "> 0 with scale: log, got 0"},
    {"duplicate_input.yaml", BO_EINVAL, 5, 12, "inputs[2].name", "unique name, got 'x' again"},
    {"target_not_source.yaml", BO_EINVAL, 7, 9, "target", "got 'HG'; did you mean 'HF'?"},
    {"both_plugin_command.yaml", BO_EINVAL, 3, 12, "objective.command", "exactly one of plugin or command, got both"},
    {"neither_plugin_command.yaml", BO_EINVAL, 2, 3, "objective", "got neither"},
    {"missing_inputs.yaml", BO_EINVAL, 1, 1, "inputs", "missing; expected a list of inputs"},
    {"empty.yaml", BO_EINVAL, 1, 1, NULL, "the file is empty"},
    {"comments_only.yaml", BO_EINVAL, 1, 1, NULL, "the file is empty"},
    {"negative_budget.yaml", BO_EINVAL, 5, 13, "budget.max_cost", "expected a number > 0, got '-5'"},
    {"explore_budget_negative.yaml", BO_EINVAL, 10, 19, "acquisition.explore_budget", "expected a number >= 0, got '-1'"},
    {"unknown_kernel.yaml", BO_EINVAL, 4, 17, "model.kernel", "got 'matern25'; did you mean 'matern52'?"},
    {"unknown_acquisition.yaml", BO_EINVAL, 5, 9, "acquisition.type", "expected one of ei, logei, pi, ucb, mfca, got 'thompson'"},
    {"seed_float.yaml", BO_EINVAL, 1, 7, "seed", "expected a non-negative integer, got '1.5'"},
    {"seed_negative.yaml", BO_EINVAL, 1, 7, "seed", "expected a non-negative integer, got '-3'"},
    {"duplicate_key.yaml", BO_EPARSE, 5, 1, "objective", "duplicate key (first given at line 1, column 1)"},
    {"no_budget_limit.yaml", BO_EINVAL, 5, 3, "budget", "expected max_evaluations or max_cost"},
    {"missing_budget.yaml", BO_EINVAL, 1, 1, "budget", "missing; expected a mapping with max_evaluations"},
    {"failure_model_unknown.yaml", BO_EINVAL, 6, 18, "acquisition.failure_model", "expected one of gpc, radius, none, got 'classifier'"},
    {"output_transform_unknown.yaml", BO_EINVAL, 6, 21, "model.output_transform", "expected one of auto, none, got 'log'"},
    {"stall_explore_ucb.yaml", BO_EINVAL, 6, 18, "acquisition.stall_explore", "works with acquisition type ei or logei, not 'ucb'"},
    {"mfca_single_source.yaml", BO_EINVAL, 4, 21, "acquisition.type", "got 'mfca' (it needs two or more sources:)"},
    {"target_missing.yaml", BO_EINVAL, 5, 3, "target", "missing; expected the name of the source to optimise"},
    {"duplicate_source.yaml", BO_EINVAL, 6, 12, "sources[1].name", "unique name, got 'HF' again"},
    {"zero_cost.yaml", BO_EINVAL, 6, 22, "sources[1].cost", "expected a number > 0, got '0'"},
    {"initial_over_budget.yaml", BO_EINVAL, 5, 9, "initial_design.size", "needs 20 evaluations, more than budget.max_evaluations (10)"},
    {"initial_over_cost.yaml", BO_EINVAL, 8, 20, "budget.max_cost", "expected at least the initial design's cost (520"},
    {"target_no_initial.yaml", BO_EINVAL, 5, 36, "sources[0].initial", "at least 1 initial point on the target source 'HF'"},
    {"params_nested.yaml", BO_EINVAL, 4, 11, "objective.params.mesh", "expected a single value"},
    {"command_not_list.yaml", BO_EINVAL, 2, 12, "objective.command", "expected a list of strings"},
    {"root_list.yaml", BO_EINVAL, 1, 1, NULL, "expected a mapping"},
    {"bad_bool.yaml", BO_EINVAL, 3, 12, "objective.isolate", "expected true or false, got 'maybe'"},
    {"bad_run_name.yaml", BO_EINVAL, 1, 7, "name", "got 'runs/../oops'"},
    {"input_name_not_identifier.yaml", BO_EINVAL, 3, 12, "inputs[0].name", "expected an identifier"},
    {"missing_upper.yaml", BO_EINVAL, 4, 5, "inputs[1].upper", "missing; expected a number"},
    {"pool_below_starts.yaml", BO_EINVAL, 4, 33, "acquisition.pool", "at least acquisition.starts (20)"},
    {"noise_typo.yaml", BO_EINVAL, 5, 10, "model.noise", "got 'lern'; did you mean 'learn'?"},
    /* A number too large is out of range, not "not a number"; an empty
     * list or mapping is called empty. */
    {"huge_number.yaml", BO_EINVAL, 3, 32, "inputs[0].upper", "'1e999' is out of range: numbers are at most 1.8e+308 in magnitude"},
    {"noise_out_of_range.yaml", BO_EINVAL, 3, 16, "model.noise", "'-1e999' is out of range"},
    {"seed_too_large.yaml", BO_EINVAL, 1, 7, "seed", "'18446744073709551616' is out of range: integers here are at most 18446744073709551615"},
    {"empty_inputs.yaml", BO_EINVAL, 2, 9, "inputs", "expected a list of inputs, each {name, lower, upper}, got an empty list"},
    {"sources_empty_map.yaml", BO_EINVAL, 3, 10, "sources", "expected a list of sources, each {name, cost}, got an empty mapping"},
    {"nan_bound.yaml", BO_EINVAL, 3, 22, "inputs[0].lower", "expected a number, got 'nan'"},
    {"undefined_alias.yaml", BO_EPARSE, 3, 5, NULL, "alias '*first' names no anchor"},
    {"two_documents.yaml", BO_EPARSE, 5, 1, NULL, "a second document"},
    {"input_name_reserved.yaml", BO_EINVAL, 4, 12, "inputs[1].name", "'cost' names a column of history.csv; choose another name (reserved: eval, phase, source, y, status, message, cost, cum_cost, best, acq, suggest_seconds, eval_seconds, worker, started, finished, feasible)"},
    {"workers_in_process.yaml", BO_EINVAL, 3, 23, "evaluation.workers", "expected 1 with objective.isolate: false, got 4: a plugin called in-process evaluates one point at a time"},
    {"workers_zero.yaml", BO_EINVAL, 4, 12, "evaluation.workers", "expected an integer from 1 to 100000, got '0'"},
    {"workers_typo.yaml", BO_EINVAL, 3, 14, "evaluation.worker", "unknown key; did you mean 'workers'?"},
    {"launcher_with_plugin.yaml", BO_EINVAL, 3, 13, "objective.launcher", "works with a command objective only"},
    {"launcher_not_list.yaml", BO_EINVAL, 3, 13, "objective.launcher", "expected a list of strings: a program and its arguments put before the command, got 'srun -N1'"},
    {"launcher_empty_program.yaml", BO_EINVAL, 3, 14, "objective.launcher[0]", "expected the program to run, got ''"},
    {"initial_data_empty.yaml", BO_EINVAL, 3, 15, "initial_data", "expected the path of a CSV file, got an empty string"},
    {"initial_data_list.yaml", BO_EINVAL, 3, 15, "initial_data", "expected text, got a list"},
    {"input_type.yaml", BO_EINVAL, 4, 42, "inputs[1].levels", "one level ('a'): a categorical input needs at least two"},
    {"sobol_too_many_dims.yaml", BO_EINVAL, 4, 11, "initial_design.method", "expected lhs or random for 33 inputs"},
};

static int config_is_empty(const bo_config *cfg)
{
    return cfg->path == NULL && cfg->dir == NULL && cfg->name == NULL && cfg->inputs == NULL &&
           cfg->n_inputs == 0 && cfg->sources == NULL && cfg->n_sources == 0 &&
           cfg->objective.plugin == NULL && cfg->objective.command == NULL &&
           cfg->objective.params == NULL;
}

static void test_bad_corpus(void)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case *c = &bad_cases[i];
        char path[PATH_MAX], err[512], prefix[PATH_MAX + 64];
        bo_config cfg;
        snprintf(path, sizeof path, "%s/bad/%s", DATA, c->file);
        bo_status status = bo_config_load(path, &cfg, err, sizeof err);
        CHECK_MSG(status == c->status, "%s: status %d, want %d (%s)", c->file, (int)status,
                  (int)c->status, err);
        if (c->key)
            snprintf(prefix, sizeof prefix, "%s:%zu:%zu: %s: ", path, c->line, c->column, c->key);
        else
            snprintf(prefix, sizeof prefix, "%s:%zu:%zu: ", path, c->line, c->column);
        CHECK_MSG(strncmp(err, prefix, strlen(prefix)) == 0, "%s: message '%s' does not start '%s'",
                  c->file, err, prefix);
        CHECK_MSG(strstr(err, c->says) != NULL, "%s: message '%s' lacks '%s'", c->file, err, c->says);
        CHECK_MSG(strchr(err, '\n') == NULL, "%s: message spans lines", c->file);
        /* A syntax error names one place, the one in front. */
        CHECK_MSG(!strstr(err, "YAML syntax error") || !strstr(err + strlen(prefix), "line "),
                  "%s: message names a second place: %s", c->file, err);
        CHECK_MSG(config_is_empty(&cfg), "%s: config not left empty after failure", c->file);
        bo_config_cleanup(&cfg);
    }
}

/* Failures outside the corpus: a missing file, tiny or absent buffers. */
static void test_other_failures(void)
{
    bo_config cfg;
    char err[256];
    const char *missing = TMP "/does-not-exist.yaml";
    CHECK(bo_config_load(missing, &cfg, err, sizeof err) == BO_EIO);
    CHECK(strstr(err, missing) != NULL);
    CHECK(strstr(err, "cannot open") != NULL);
    CHECK(config_is_empty(&cfg));

    /* A directory opens on Linux but cannot be read as a file. */
    CHECK(bo_config_load(TMP, &cfg, err, sizeof err) == BO_EIO);
    CHECK(config_is_empty(&cfg));

    /* The message is truncated to the buffer, never overflowing it. */
    char small[16];
    memset(small, 'X', sizeof small);
    CHECK(bo_config_load(DATA "/bad/seed_float.yaml", &cfg, small, 12) == BO_EINVAL);
    CHECK(strlen(small) == 11);
    CHECK(small[12] == 'X');
    CHECK(bo_config_load(DATA "/bad/seed_float.yaml", &cfg, NULL, 0) == BO_EINVAL);
    CHECK(bo_config_load(DATA "/bad/tab_indent.yaml", &cfg, NULL, 0) == BO_EPARSE);

    /* cleanup is idempotent and accepts NULL. */
    bo_config_cleanup(&cfg);
    bo_config_cleanup(&cfg);
    bo_config_cleanup(NULL);
}

/* ------------------------------------------------------------------ */
/* Good configs, field by field.                                        */

static char *abs_dir(const char *dir)
{
    char *p = realpath(dir, NULL);
    CHECK(p != NULL);
    return p;
}

static int has_text(const char *got, const char *want)
{
    return got && want && strcmp(got, want) == 0;
}

static void test_spec_example(void)
{
    bo_config cfg;
    char err[512];
    bo_status status = bo_config_load(DATA "/good/spec_full.yaml", &cfg, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    char *dir = abs_dir(DATA "/good");
    char want[PATH_MAX + 64];

    CHECK(has_text(cfg.dir, dir));
    CHECK(has_text(cfg.path, DATA "/good/spec_full.yaml"));
    CHECK(has_text(cfg.name, "borehole-mf"));
    CHECK(cfg.seed == 7);
    CHECK(cfg.goal == BO_CONFIG_MINIMIZE);
    snprintf(want, sizeof want, "%s/../plugins/borehole_mf.so", dir);
    CHECK(has_text(cfg.objective.plugin, want));
    CHECK(cfg.objective.command == NULL && cfg.objective.n_command == 0);
    CHECK(cfg.objective.n_params == 1);
    CHECK(has_text(cfg.objective.params[0].key, "noise_sd"));
    CHECK(has_text(cfg.objective.params[0].value, "2.0"));   /* text as written */
    CHECK(cfg.objective.timeout == 0.0);
    CHECK(cfg.objective.isolate == 1);

    CHECK(cfg.n_inputs == 2 && bo_config_dim(&cfg) == 2);
    CHECK(has_text(cfg.inputs[0].name, "Tu"));
    CHECK(cfg.inputs[0].lower == 100.0 && cfg.inputs[0].upper == 1000.0);
    CHECK(cfg.inputs[0].scale == BO_CONFIG_SCALE_LINEAR);
    CHECK(has_text(cfg.inputs[1].name, "r"));
    CHECK(cfg.inputs[1].lower == 100.0 && cfg.inputs[1].upper == 10000.0);
    CHECK(cfg.inputs[1].scale == BO_CONFIG_SCALE_LOG);

    CHECK(cfg.n_sources == 2);
    CHECK(has_text(cfg.sources[0].name, "HF"));
    CHECK(cfg.sources[0].cost == 1000.0 && cfg.sources[0].initial == 5);
    CHECK(has_text(cfg.sources[1].name, "LF1"));
    CHECK(cfg.sources[1].cost == 100.0 && cfg.sources[1].initial == 5);
    CHECK(cfg.target == 0 && bo_config_target_index(&cfg) == 0);
    CHECK(bo_config_source_index(&cfg, "LF1") == 1);
    CHECK(bo_config_source_index(&cfg, "LF2") == SIZE_MAX);
    CHECK(bo_config_initial_evaluations(&cfg) == 10);
    CHECK(bo_config_initial_cost(&cfg) == 5 * 1000.0 + 5 * 100.0);

    CHECK(cfg.model.kernel == BO_KERNEL_MATERN52);
    CHECK(cfg.model.noise == BO_NOISE_LEARN && cfg.model.noise_var == 0.0);
    CHECK(cfg.model.mean == BO_MEAN_CONSTANT);
    CHECK(cfg.model.restarts == 8);
    CHECK(cfg.model.output_transform == BO_OUTPUT_TRANSFORM_AUTO);
    CHECK(cfg.acquisition.type == BO_ACQ_MFCA);
    CHECK(cfg.acquisition.starts == 16);
    CHECK(cfg.acquisition.pool == 1000);
    CHECK(cfg.acquisition.beta == 2.0);
    CHECK(cfg.initial_design.method == BO_DESIGN_LHS);
    CHECK(cfg.initial_design.size == 10);
    CHECK(cfg.budget.max_evaluations == 200);
    CHECK(cfg.budget.max_cost == 40000.0);
    CHECK(cfg.budget.max_no_improvement == 25);
    CHECK(cfg.budget.has_target_value == 1 && cfg.budget.target_value == 3.99);
    CHECK(cfg.output.plot == BO_PLOT_PNG);
    free(dir);
    bo_config_cleanup(&cfg);
    CHECK(config_is_empty(&cfg));
}

static void test_minimal_defaults(void)
{
    bo_config cfg;
    char err[512];
    bo_status status = bo_config_load(DATA "/good/minimal.yaml", &cfg, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    char *dir = abs_dir(DATA "/good");
    char want[PATH_MAX + 64];

    CHECK(has_text(cfg.name, "minimal"));              /* the file's name */
    CHECK(cfg.seed == 0);
    CHECK(cfg.goal == BO_CONFIG_MINIMIZE);
    snprintf(want, sizeof want, "%s/branin.so", dir);
    CHECK(has_text(cfg.objective.plugin, want));
    CHECK(cfg.objective.command == NULL);
    CHECK(cfg.objective.n_params == 0 && cfg.objective.params == NULL);
    CHECK(cfg.objective.timeout == 0.0);
    CHECK(cfg.objective.isolate == 1);
    CHECK(cfg.n_inputs == 2);
    CHECK(cfg.inputs[0].lower == -5.0 && cfg.inputs[0].upper == 10.0);
    CHECK(cfg.inputs[0].scale == BO_CONFIG_SCALE_LINEAR);
    CHECK(cfg.inputs[1].scale == BO_CONFIG_SCALE_LINEAR);
    CHECK(cfg.n_sources == 1);
    CHECK(has_text(cfg.sources[0].name, "f"));
    CHECK(cfg.sources[0].cost == 1.0);
    CHECK(cfg.target == 0);
    CHECK(cfg.model.kernel == BO_KERNEL_MATERN52);
    CHECK(cfg.model.noise == BO_NOISE_LEARN);
    CHECK(cfg.model.mean == BO_MEAN_CONSTANT);
    CHECK(cfg.model.restarts == 5);
    CHECK(cfg.acquisition.type == BO_ACQ_LOGEI);
    CHECK(cfg.acquisition.starts == 10);
    CHECK(cfg.acquisition.pool == 1000);
    CHECK(cfg.acquisition.beta == 2.0);
    CHECK(cfg.acquisition.target_ei == 0);
    CHECK(cfg.acquisition.explore_budget == 0.25);
    CHECK(cfg.acquisition.stall_explore == 1);
    CHECK(cfg.acquisition.failure_model == BO_FAILURE_GPC);
    CHECK(cfg.initial_design.method == BO_DESIGN_LHS);
    /* max(5, 2 dim + 1) with dim 2. */
    CHECK(cfg.initial_design.size == 5);
    CHECK(cfg.sources[0].initial == 5);
    CHECK(cfg.budget.max_evaluations == 50);
    CHECK(cfg.budget.max_cost == HUGE_VAL);
    CHECK(cfg.budget.max_no_improvement == SIZE_MAX);
    CHECK(cfg.budget.has_target_value == 0);
    CHECK(cfg.output.plot == BO_PLOT_PNG);
    CHECK(cfg.evaluation.workers == 1);
    CHECK(cfg.objective.launcher == NULL && cfg.objective.n_launcher == 0);
    CHECK(cfg.initial_data == NULL);
    free(dir);
    bo_config_cleanup(&cfg);
}

static void test_command_config(void)
{
    bo_config cfg;
    char err[512];
    bo_status status = bo_config_load(DATA "/good/command.yaml", &cfg, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    char *dir = abs_dir(DATA "/good");
    char want[PATH_MAX + 64];

    CHECK(has_text(cfg.name, "sim_v2.1"));
    CHECK(cfg.seed == UINT64_MAX);
    CHECK(cfg.goal == BO_CONFIG_MAXIMIZE);
    CHECK(cfg.objective.plugin == NULL);
    CHECK(cfg.objective.n_command == 4);
    /* "./bin/simulate.sh" is relative to the config's folder. */
    snprintf(want, sizeof want, "%s/bin/simulate.sh", dir);
    CHECK(has_text(cfg.objective.command[0], want));
    CHECK(has_text(cfg.objective.command[1], "--mesh"));
    CHECK(has_text(cfg.objective.command[2], "fine"));
    CHECK(has_text(cfg.objective.command[3], ""));
    CHECK(cfg.objective.command[4] == NULL);
    /* A launcher whose program has no '/' is left for PATH, like a command. */
    CHECK(cfg.objective.n_launcher == 3);
    CHECK(has_text(cfg.objective.launcher[0], "srun"));
    CHECK(has_text(cfg.objective.launcher[2], "-n1"));
    CHECK(cfg.objective.launcher[3] == NULL);
    CHECK(cfg.evaluation.workers == 3);
    snprintf(want, sizeof want, "%s/data/previous.csv", dir);
    CHECK(has_text(cfg.initial_data, want));
    CHECK(cfg.objective.n_params == 3);
    CHECK(has_text(cfg.objective.params[0].key, "solver"));
    CHECK(has_text(cfg.objective.params[0].value, "gmres"));
    CHECK(has_text(cfg.objective.params[1].key, "tol"));
    CHECK(has_text(cfg.objective.params[1].value, "1e-8"));
    CHECK(has_text(cfg.objective.params[2].value, "two words"));
    CHECK(cfg.objective.timeout == 90.5);
    CHECK(cfg.objective.isolate == 0);
    CHECK(cfg.inputs[0].scale == BO_CONFIG_SCALE_LOG);
    CHECK(cfg.inputs[0].lower == 0.1);
    CHECK(cfg.inputs[0].upper == 123456789.123456789);
    CHECK(cfg.inputs[1].lower == -1e-300);
    CHECK(cfg.inputs[1].upper == 3.0000000000000004);
    CHECK(has_text(cfg.inputs[1].name, "_t2"));
    CHECK(cfg.n_sources == 2 && cfg.target == 0);
    CHECK(cfg.sources[0].cost == 7.25);
    CHECK(cfg.sources[0].initial == 5);     /* default: initial_design.size */
    CHECK(cfg.sources[1].initial == 12);
    CHECK(cfg.model.kernel == BO_KERNEL_ROUGH_RBF);
    CHECK(cfg.model.noise == BO_NOISE_FIXED && cfg.model.noise_var == 0.01);
    CHECK(cfg.model.mean == BO_MEAN_PER_SOURCE);
    CHECK(cfg.model.restarts == 1);
    CHECK(cfg.acquisition.type == BO_ACQ_UCB);
    CHECK(cfg.acquisition.starts == 3 && cfg.acquisition.pool == 64);
    CHECK(cfg.acquisition.beta == 0.5);
    CHECK(cfg.initial_design.method == BO_DESIGN_SOBOL);
    CHECK(cfg.budget.max_evaluations == SIZE_MAX);
    CHECK(cfg.budget.max_cost == 1e6);
    CHECK(cfg.budget.has_target_value == 1 && cfg.budget.target_value == -2.5);
    CHECK(cfg.output.plot == BO_PLOT_NONE);
    CHECK(bo_config_initial_evaluations(&cfg) == 17);
    CHECK_CLOSE(bo_config_initial_cost(&cfg), 5 * 7.25 + 12 * 0.1, 1e-15, 0.0); /* one rounding */
    free(dir);
    bo_config_cleanup(&cfg);
}

/* ------------------------------------------------------------------ */
/* Configs written by the test: computed defaults and path resolution.  */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot write %s", path);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

static bo_status load_text(const char *file, const char *text, bo_config *cfg, char *err,
                           size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", TMP, file);
    write_file(path, text);
    return bo_config_load(path, cfg, err, errlen);
}

static void test_computed_defaults(void)
{
    bo_config cfg;
    char err[512];

    /* One input: the floor of 5 points. */
    CHECK(load_text("d1.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "budget: {max_cost: 100}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.initial_design.size == 5);
    CHECK(cfg.budget.max_evaluations == SIZE_MAX && cfg.budget.max_cost == 100.0);
    bo_config_cleanup(&cfg);

    /* Four inputs: 2 * 4 + 1 = 9. */
    const char *four =
        "objective: {plugin: p.so}\n"
        "inputs: [{name: a, lower: 0, upper: 1}, {name: b, lower: 0, upper: 1},\n"
        "         {name: c, lower: 0, upper: 1}, {name: d, lower: 0, upper: 1}]\n";
    char text[1024];
    snprintf(text, sizeof text, "%sbudget: {max_evaluations: 40}\n", four);
    CHECK(load_text("d4.yaml", text, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.initial_design.size == 9);
    CHECK(cfg.sources[0].initial == 9);
    bo_config_cleanup(&cfg);

    /* A budget smaller than the default design: the default shrinks to it. */
    snprintf(text, sizeof text, "%sbudget: {max_evaluations: 6}\n", four);
    CHECK(load_text("d4small.yaml", text, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.initial_design.size == 6);
    bo_config_cleanup(&cfg);

    /* A cost budget caps the default design too: 7 points of cost 1. */
    snprintf(text, sizeof text, "%sbudget: {max_cost: 7.5}\n", four);
    CHECK(load_text("d4cost.yaml", text, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.initial_design.size == 7);
    bo_config_cleanup(&cfg);

    /* ... and on two sources, a round of one point each costs 11: 50 / 11 -> 4. */
    CHECK(load_text("mfcost.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "sources: [{name: hi, cost: 10}, {name: lo, cost: 1}]\n"
                    "target: hi\n"
                    "budget: {max_cost: 50}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.initial_design.size == 4);
    CHECK(bo_config_initial_cost(&cfg) == 44.0);
    bo_config_cleanup(&cfg);

    /* Two sources sharing 7 evaluations: 3 each by default; mfca by default;
     * a large starts raises the default pool to match. */
    CHECK(load_text("mf.yaml",
                    "objective: {command: [python3, sim.py]}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "sources: [{name: hi, cost: 10}, {name: lo, cost: 1}]\n"
                    "target: lo\n"
                    "acquisition: {starts: 2000, explore_budget: 0.1}\n"
                    "budget: {max_evaluations: 7}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK_MSG(cfg.initial_design.size == 3, "size %zu", cfg.initial_design.size);
    CHECK(cfg.sources[0].initial == 3 && cfg.sources[1].initial == 3);
    CHECK(cfg.target == 1);
    CHECK(cfg.acquisition.type == BO_ACQ_MFCA);
    CHECK(cfg.acquisition.pool == 2000);
    CHECK(cfg.acquisition.explore_budget == 0.1); /* and round_trip below keeps it */
    CHECK(cfg.acquisition.stall_explore == 0);    /* its default is for EI only */
    /* A program without '/' is left for PATH lookup; arguments are untouched. */
    CHECK(has_text(cfg.objective.command[0], "python3"));
    CHECK(has_text(cfg.objective.command[1], "sim.py"));
    bo_config_cleanup(&cfg);

    /* Single source named explicitly as the implicit one, absolute plugin
     * path kept, anchors and aliases, YAML booleans in other spellings. */
    CHECK(load_text("my config.v2.yml",
                    "objective: {plugin: /opt/plug.so, isolate: no}\n"
                    "inputs:\n"
                    "  - {name: x, lower: &lo -2, upper: 2}\n"
                    "  - {name: x2, lower: *lo, upper: 3}\n"
                    "target: f\n"
                    "acquisition: {stall_explore: no, failure_model: none}\n"
                    "budget: {max_evaluations: 9, max_no_improvement: 4}\n", &cfg, err,
                    sizeof err) == BO_OK);
    CHECK_MSG(has_text(cfg.name, "my_config.v2"), "name '%s'", cfg.name);
    CHECK(has_text(cfg.objective.plugin, "/opt/plug.so"));
    CHECK(cfg.objective.isolate == 0);
    CHECK(cfg.inputs[1].lower == -2.0);
    CHECK(cfg.budget.max_no_improvement == 4);
    CHECK(cfg.acquisition.stall_explore == 0); /* and round_trip below keeps it */
    CHECK(cfg.acquisition.failure_model == BO_FAILURE_NONE); /* likewise */
    bo_config_cleanup(&cfg);

    /* A launcher's program with '/' is relative to the config's folder;
     * an isolated plugin may run several evaluations at once; an empty
     * launcher is none, even beside a plugin; an absolute initial_data is
     * kept. */
    CHECK(load_text("launch.yaml",
                    "objective: {command: [./sim, a], launcher: [tools/launch.sh, --one]}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "initial_data: /data/old runs.csv\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    {
        char *tmp_dir = abs_dir(TMP);
        char want[PATH_MAX + 64];
        snprintf(want, sizeof want, "%s/tools/launch.sh", tmp_dir);
        CHECK(has_text(cfg.objective.launcher[0], want));
        CHECK(has_text(cfg.objective.launcher[1], "--one"));
        CHECK(has_text(cfg.initial_data, "/data/old runs.csv"));
        free(tmp_dir);
    }
    bo_config_cleanup(&cfg);
    CHECK(load_text("workers.yaml",
                    "objective: {plugin: p.so, launcher: []}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "evaluation: {workers: 8}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.evaluation.workers == 8 && cfg.objective.isolate == 1);
    CHECK(cfg.objective.launcher == NULL && cfg.objective.n_launcher == 0);
    bo_config_cleanup(&cfg);

    /* The implicit source has no other name. */
    CHECK(load_text("badtarget.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "target: HF\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK(strstr(err, ":3:9: target: expected 'f'") != NULL);
    CHECK(config_is_empty(&cfg));
}

/* A config given by a relative path resolves against the working folder. */
static void test_relative_config_path(void)
{
    char cwd[PATH_MAX], want[PATH_MAX + 64], err[512];
    bo_config cfg;
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    write_file(TMP "/rel.yaml",
               "objective: {command: [sub/run.sh, ./x]}\n"
               "inputs: [{name: x, lower: 0, upper: 1}]\n"
               "budget: {max_evaluations: 9}\n");
    CHECK(chdir(TMP) == 0);
    bo_status status = bo_config_load("rel.yaml", &cfg, err, sizeof err);
    CHECK(chdir(cwd) == 0);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    char *dir = abs_dir(TMP);
    CHECK(has_text(cfg.dir, dir));
    snprintf(want, sizeof want, "%s/sub/run.sh", dir);
    CHECK(has_text(cfg.objective.command[0], want));
    CHECK(has_text(cfg.objective.command[1], "./x"));   /* arguments are never rewritten */
    CHECK(has_text(cfg.name, "rel"));
    free(dir);
    bo_config_cleanup(&cfg);
}

/* ------------------------------------------------------------------ */
/* Round trip through bo_config_write_resolved.                          */

static char *resolved_text(const bo_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    if (!f)
        return NULL;
    CHECK(bo_config_write_resolved(cfg, f) == BO_OK);
    fclose(f);
    return buf;
}

static void round_trip(const char *path)
{
    bo_config a, b;
    char err[512], what[128];
    bo_status status = bo_config_load(path, &a, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s", err);
    if (status != BO_OK)
        return;
    /* Written into another folder: relative paths would break here. */
    char out[PATH_MAX];
    snprintf(out, sizeof out, "%s/resolved/config.yaml", TMP);
    mkdir(TMP "/resolved", 0777);
    FILE *f = fopen(out, "w");
    CHECK(f != NULL);
    if (!f) {
        bo_config_cleanup(&a);
        return;
    }
    CHECK(bo_config_write_resolved(&a, f) == BO_OK);
    fclose(f);
    status = bo_config_load(out, &b, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s: reloading the resolved config: %s", path, err);
    if (status == BO_OK) {
        CHECK_MSG(bo_config_equal(&a, &b, what, sizeof what), "%s: round trip changed %s", path,
                  what);
        /* The resolved text is a fixed point. */
        char *ta = resolved_text(&a), *tb = resolved_text(&b);
        CHECK(ta && tb && strcmp(ta, tb) == 0);
        free(ta);
        free(tb);
        bo_config_cleanup(&b);
    }
    bo_config_cleanup(&a);
}

static void test_round_trips(void)
{
    round_trip(DATA "/good/spec_full.yaml");
    round_trip(DATA "/good/minimal.yaml");
    round_trip(DATA "/good/command.yaml");
    round_trip(TMP "/mf.yaml");
    round_trip(TMP "/my config.v2.yml");
    round_trip(TMP "/launch.yaml");
    round_trip(TMP "/workers.yaml");

    /* Characters that cannot stand as they are between double quotes: NEL,
     * LINE and PARAGRAPH SEPARATOR are line breaks to YAML (a command path
     * with NEL came back with a space, found by fuzz_config), C1 controls and
     * U+FFFE/U+FFFF are refused by libyaml. Written as escapes, they come
     * back as they were; other characters are written as they are. */
    bo_config cfg;
    char err[512];
    CHECK(load_text("escapes.yaml",
                    "objective:\n"
                    "  command: [\"./a\\Nb.sh\", \"\\L\\P\"]\n"
                    "  params: {c1: \"\\x80\\x9f\", odd: \"\\uFFFE\\uFFFF\", bom: \"\\uFEFF\",\n"
                    "           text: \"é ✓ \\x01 \\\" \\\\ \\t\"}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "budget: {max_evaluations: 10}\n",
                    &cfg, err, sizeof err) == BO_OK);
    if (cfg.objective.n_params == 4) {
        CHECK(strstr(cfg.objective.command[0], "/a\xC2\x85" "b.sh") != NULL);
        CHECK(strcmp(cfg.objective.command[1], "\xE2\x80\xA8\xE2\x80\xA9") == 0);
        CHECK(strcmp(cfg.objective.params[0].value, "\xC2\x80\xC2\x9F") == 0);
        CHECK(strcmp(cfg.objective.params[1].value, "\xEF\xBF\xBE\xEF\xBF\xBF") == 0);
        char *text = resolved_text(&cfg);
        CHECK(text != NULL && strstr(text, "b.sh\", \"\\L\\P\"]") != NULL &&
              strstr(text, "\"\\x80\\x9f\"") != NULL &&
              strstr(text, "\"\\uFFFE\\uFFFF\"") != NULL &&
              strstr(text, "\"\xEF\xBB\xBF\"") != NULL && strstr(text, "\"é ✓ ") != NULL);
        free(text);
    }
    bo_config_cleanup(&cfg);
    round_trip(TMP "/escapes.yaml");
}

/* bo_config_equal must notice a change in any field, or the round trip
 * test above could not fail. */
static void test_equal_detects_changes(void)
{
    bo_config a, b;
    char err[512], what[256];
    CHECK(bo_config_load(DATA "/good/command.yaml", &a, err, sizeof err) == BO_OK);
    CHECK(bo_config_load(DATA "/good/command.yaml", &b, err, sizeof err) == BO_OK);
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 1 && what[0] == '\0');

    /* Each change is seen by bo_config_equal, and by
     * bo_config_equal_ignoring unless the change is in a group it ignores:
     * group is the flag that hides it, 0 for the keys that always count. */
    const unsigned all = BO_CONFIG_IGNORE_BUDGET | BO_CONFIG_IGNORE_EVALUATION;
#define MUTATE(field, value, key, group)                                            \
    do {                                                                            \
        b.field = value;                                                            \
        CHECK_MSG(bo_config_equal(&a, &b, what, sizeof what) == 0, "%s unnoticed", key); \
        CHECK_MSG(strcmp(what, key) == 0, "changed %s, reported %s", key, what);    \
        CHECK_MSG(bo_config_equal_ignoring(&a, &b, all & ~(unsigned)(group), what,   \
                                           sizeof what) == 0 && strcmp(what, key) == 0, \
                  "%s unnoticed when ignoring the other groups (%s)", key, what);   \
        CHECK_MSG(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == ((group) != 0), \
                  "%s: ignoring budget and evaluation gave '%s'", key, what);       \
        b.field = a.field; /* a and b were equal */                                 \
    } while (0)
    MUTATE(seed, 3, "seed", 0);
    MUTATE(goal, BO_CONFIG_MINIMIZE, "goal", 0);
    MUTATE(objective.timeout, 1.0, "objective.timeout", 0);
    MUTATE(objective.isolate, 1, "objective.isolate", 0);
    MUTATE(objective.n_launcher, 2, "objective.launcher", BO_CONFIG_IGNORE_EVALUATION);
    MUTATE(inputs[1].upper, 3.0, "inputs[1]", 0);
    MUTATE(inputs[0].scale, BO_CONFIG_SCALE_LINEAR, "inputs[0]", 0);
    MUTATE(sources[1].cost, 0.5, "sources[1]", 0);
    MUTATE(target, 1, "target", 0);
    MUTATE(model.kernel, BO_KERNEL_SQEXP, "model.kernel", 0);
    MUTATE(model.noise_var, 0.02, "model.noise", 0);
    MUTATE(model.mean, BO_MEAN_ZERO, "model.mean", 0);
    MUTATE(model.restarts, 2, "model.restarts", 0);
    MUTATE(model.output_transform, BO_OUTPUT_TRANSFORM_NONE, "model.output_transform", 0);
    MUTATE(model.fit, BO_FIT_INTERVAL_SCORE, "model.fit", 0);
    MUTATE(model.fit_weight, 0.5, "model.fit", 0);
    MUTATE(acquisition.type, BO_ACQ_EI, "acquisition.type", 0);
    MUTATE(acquisition.starts, 4, "acquisition.starts", 0);
    MUTATE(acquisition.pool, 65, "acquisition.pool", 0);
    MUTATE(acquisition.beta, 0.25, "acquisition.beta", 0);
    MUTATE(acquisition.target_ei, 1, "acquisition.target_ei", 0);
    MUTATE(acquisition.explore_budget, 1.0, "acquisition.explore_budget", 0);
    MUTATE(acquisition.stall_explore, 1, "acquisition.stall_explore", 0);
    MUTATE(acquisition.trust_region, 1, "acquisition.trust_region", 0);
    MUTATE(acquisition.failure_model, BO_FAILURE_NONE, "acquisition.failure_model", 0);
    MUTATE(initial_design.method, BO_DESIGN_LHS, "initial_design.method", 0);
    MUTATE(budget.max_evaluations, 10, "budget.max_evaluations", BO_CONFIG_IGNORE_BUDGET);
    MUTATE(budget.max_cost, 2e6, "budget.max_cost", BO_CONFIG_IGNORE_BUDGET);
    MUTATE(budget.max_no_improvement, 3, "budget.max_no_improvement", BO_CONFIG_IGNORE_BUDGET);
    MUTATE(budget.target_value, -2.0, "budget.target_value", BO_CONFIG_IGNORE_BUDGET);
    MUTATE(budget.has_target_value, 0, "budget.target_value", BO_CONFIG_IGNORE_BUDGET);
    MUTATE(output.plot, BO_PLOT_SVG, "output.plot", 0);
    MUTATE(evaluation.workers, 1, "evaluation.workers", BO_CONFIG_IGNORE_EVALUATION);
    /* The initial design counts always; ignoring the budget, the message
     * says how to keep the run's design. */
    b.initial_design.size = 6;
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 0);
    CHECK(strcmp(what, "initial_design.size") == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, BO_CONFIG_IGNORE_EVALUATION, what, sizeof what) == 0);
    CHECK(strcmp(what, "initial_design.size") == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, BO_CONFIG_IGNORE_BUDGET, what, sizeof what) == 0);
    CHECK_MSG(strstr(what, "initial_design.size (the run has 5, this config 6; when not written "
                           "it follows the budget: write initial_design.size: 5 to keep the "
                           "run's)"), "%s", what);
    b.initial_design.size = a.initial_design.size;
    b.sources[1].initial = 13;
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 0);
    CHECK(strcmp(what, "sources[1]") == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK_MSG(strstr(what, "sources[1] (the run has 12, this config 13; when not written it "
                           "follows the budget: write initial: 12"), "%s", what);
    b.sources[1].initial = a.sources[1].initial;
#undef MUTATE
    /* Text fields, changed in place (the structs own them): each counts
     * whatever is ignored, except the launcher under IGNORE_EVALUATION. */
    b.objective.params[1].value[0] = 'X';
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 0);
    CHECK(strstr(what, "objective.params") != NULL);
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK(strstr(what, "objective.params") != NULL);
    b.objective.params[1].value[0] = '1';
    b.objective.command[2][0] = 'F';
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 0);
    CHECK(strcmp(what, "objective.command[2]") == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK(strcmp(what, "objective.command[2]") == 0);
    b.objective.command[2][0] = 'f';
    b.objective.launcher[1][1] = 'M';
    CHECK(bo_config_equal(&a, &b, what, sizeof what) == 0);
    CHECK(strcmp(what, "objective.launcher[1]") == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, BO_CONFIG_IGNORE_BUDGET, what, sizeof what) == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, BO_CONFIG_IGNORE_EVALUATION, what, sizeof what) == 1);
    b.objective.launcher[1][1] = 'N';
    b.inputs[1].name[0] = 'T';
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK(strcmp(what, "inputs[1]") == 0);
    b.inputs[1].name[0] = '_';
    b.initial_data[0] = 'X';
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK(strcmp(what, "initial_data") == 0);
    b.initial_data[0] = '/';
    b.name[0] = 'S';
    CHECK(bo_config_equal(&a, &b, NULL, 0) == 0);
    CHECK(bo_config_equal_ignoring(&a, &b, all, what, sizeof what) == 0);
    CHECK(strcmp(what, "name") == 0);
    b.name[0] = 's';
    CHECK(bo_config_equal(&a, &b, NULL, 0) == 1);
    CHECK(bo_config_equal_ignoring(&a, &b, all, NULL, 0) == 1);
    bo_config_cleanup(&a);
    bo_config_cleanup(&b);
}

/* Where keys are written, for messages after loading: values' places,
 * list entries by index, nothing for a default. */
static void test_places(void)
{
    bo_config cfg;
    char err[512];
    size_t line = 0, column = 0;
    CHECK(bo_config_load(DATA "/good/command.yaml", &cfg, err, sizeof err) == BO_OK);
    CHECK(bo_config_place(&cfg, "budget.max_cost", &line, &column) == 1);
    CHECK_MSG(line == 37 && column == 13, "budget.max_cost at %zu:%zu", line, column);
    CHECK(bo_config_place(&cfg, "inputs[1].upper", &line, &column) == 1);
    CHECK_MSG(line == 19 && column == 40, "inputs[1].upper at %zu:%zu", line, column);
    CHECK(bo_config_place(&cfg, "initial_data", &line, &column) == 1);
    CHECK_MSG(line == 42 && column == 15, "initial_data at %zu:%zu", line, column);
    CHECK(bo_config_place(&cfg, "evaluation.workers", &line, &column) == 1);
    CHECK_MSG(line == 41 && column == 23, "evaluation.workers at %zu:%zu", line, column);
    /* A whole section is a key too. */
    CHECK(bo_config_place(&cfg, "model", &line, &column) == 1);
    CHECK_MSG(line == 25 && column == 3, "model at %zu:%zu", line, column);
    line = column = 0;
    CHECK(bo_config_place(&cfg, "budget.max_evaluations", &line, &column) == 0);
    CHECK(bo_config_place(&cfg, "no.such.key", &line, &column) == 0);
    CHECK(line == 0 && column == 0);
    bo_config_cleanup(&cfg);
    CHECK(cfg.places == NULL && cfg.n_places == 0);
}

/* The warnings bo-run prints at --check and at the start of a run. */
static size_t warnings_of(const char *file, const char *text, char *buf, size_t len)
{
    bo_config cfg;
    char err[512];
    bo_status status = load_text(file, text, &cfg, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s: %s", file, err);
    if (status != BO_OK)
        return SIZE_MAX;
    size_t n = bo_config_warnings(&cfg, buf, len);
    bo_config_cleanup(&cfg);
    return n;
}

static void test_warnings(void)
{
    char buf[2048], want[PATH_MAX + 128];
    const char *three =
        "objective: {plugin: p.so}\n"
        "inputs: [{name: a, lower: 0, upper: 1}, {name: b, lower: 0, upper: 1},\n"
        "         {name: c, lower: 0, upper: 1}]\n";
    char text[1024];

    /* Three inputs want 7 initial points; a budget of 5 takes them all. */
    snprintf(text, sizeof text, "%sbudget:\n  max_evaluations: 5\n", three);
    CHECK(warnings_of("warn_evals.yaml", text, buf, sizeof buf) == 1);
    snprintf(want, sizeof want, "%s/warn_evals.yaml:5:20: budget.max_evaluations: warning: the "
             "budget leaves no model-based step: the initial design takes all 5 evaluations "
             "(initial_design.size not written: its default for 3 inputs, 7, cut to 5 to fit "
             "the budget)", TMP);
    CHECK_MSG(strncmp(buf, want, strlen(want)) == 0, "got '%s', want '%s'", buf, want);
    CHECK(buf[strlen(buf) - 1] == '\n' && strchr(buf, '\n') == buf + strlen(buf) - 1);

    /* One step left: no warning. */
    snprintf(text, sizeof text, "%sbudget:\n  max_evaluations: 8\n", three);
    CHECK(warnings_of("warn_none.yaml", text, buf, sizeof buf) == 0 && buf[0] == '\0');

    /* A written size is named with its place. */
    snprintf(text, sizeof text, "%sinitial_design: {size: 10}\nbudget: {max_evaluations: 10}\n",
             three);
    CHECK(warnings_of("warn_size.yaml", text, buf, sizeof buf) == 1);
    CHECK_MSG(strstr(buf, "warn_size.yaml:5:27: budget.max_evaluations: warning: ") &&
              strstr(buf, "(initial_design.size 10 at line 4, column 24)"), "%s", buf);

    /* Cost: seven points of cost 1 spend max_cost 7 exactly. */
    snprintf(text, sizeof text, "%sinitial_design: {size: 7}\nbudget: {max_cost: 7}\n", three);
    CHECK(warnings_of("warn_cost.yaml", text, buf, sizeof buf) == 1);
    CHECK_MSG(strstr(buf, "warn_cost.yaml:5:20: budget.max_cost: warning: the budget leaves no "
                          "model-based step: the initial design costs 7 of max_cost 7") &&
              strstr(buf, "on source 'f', costs 1; raise max_cost to at least 8"), "%s", buf);
    snprintf(text, sizeof text, "%sinitial_design: {size: 7}\nbudget: {max_cost: 8}\n", three);
    CHECK(warnings_of("warn_cost_ok.yaml", text, buf, sizeof buf) == 0);

    /* Two sources, 4 points each (cost 44 of 50): MFCA can still afford a
     * cheap point; the single-fidelity baseline, evaluating the target
     * (cost 10) only, cannot. */
    const char *mf =
        "objective: {plugin: p.so}\n"
        "inputs: [{name: x, lower: 0, upper: 1}]\n"
        "sources: [{name: hi, cost: 10}, {name: lo, cost: 1}]\n"
        "target: hi\n"
        "budget: {max_cost: 50}\n";
    CHECK(warnings_of("warn_mf.yaml", mf, buf, sizeof buf) == 0);
    snprintf(text, sizeof text, "%sacquisition: {type: ei}\n", mf);
    CHECK(warnings_of("warn_sf.yaml", text, buf, sizeof buf) == 1);
    CHECK_MSG(strstr(buf, "on source 'hi', costs 10; raise max_cost to at least 54") &&
              strstr(buf, ", per source unless sources[i].initial says otherwise"), "%s", buf);

    /* Constraints steer the search now: no warning about them. */
    snprintf(text, sizeof text, "%sbudget: {max_evaluations: 20}\nconstraints: [{name: mass, upper: 3}]\n", three);
    CHECK_MSG(warnings_of("warn_constraints.yaml", text, buf, sizeof buf) == 0, "%s", buf);

    /* Both limits spent: two warnings, two lines; a short buffer keeps the
     * count, stays terminated and within its size; no buffer at all. */
    snprintf(text, sizeof text, "%sbudget: {max_evaluations: 5, max_cost: 5}\n", three);
    CHECK(warnings_of("warn_both.yaml", text, buf, sizeof buf) == 2);
    CHECK(strstr(buf, "budget.max_evaluations: warning") && strstr(buf, "budget.max_cost: warning"));
    char small[40];
    memset(small, 'X', sizeof small);
    CHECK(warnings_of("warn_both.yaml", text, small, 30) == 2);
    CHECK(strlen(small) == 29 && small[30] == 'X');
    CHECK(warnings_of("warn_both.yaml", text, NULL, 0) == 2);
}

/* Writing to a full device fails and says so. */
static void test_write_failure(void)
{
    bo_config cfg;
    char err[512];
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        return;   /* not Linux: nothing to provoke with */
    CHECK(bo_config_load(DATA "/good/spec_full.yaml", &cfg, err, sizeof err) == BO_OK);
    CHECK(bo_config_write_resolved(&cfg, full) == BO_EIO);
    fclose(full);
    bo_config_cleanup(&cfg);
}

/* Every prefix of the SPEC example, and the example with any one byte
 * deleted, must load or fail cleanly with a placed message: no crash, no
 * leak (under the sanitizer build), no status other than these three. */
static void test_damaged_files(void)
{
    FILE *f = fopen(DATA "/good/spec_full.yaml", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static char text[8192];
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    CHECK(n > 0 && n < sizeof text);
    const char *path = TMP "/damaged.yaml";
    size_t ok = 0, failed = 0, misplaced = 0;
    for (size_t cut = 0; cut <= n; cut++) {
        for (int delete_one = 0; delete_one < 2; delete_one++) {
            FILE *out = fopen(path, "wb");
            CHECK(out != NULL);
            if (!out)
                return;
            fwrite(text, 1, cut, out);
            if (delete_one && cut < n)
                fwrite(text + cut + 1, 1, n - cut - 1, out);
            fclose(out);
            bo_config cfg;
            char err[512];
            bo_status status = bo_config_load(path, &cfg, err, sizeof err);
            if (status == BO_OK) {
                ok++;
                bo_config_cleanup(&cfg);
                continue;
            }
            failed++;
            CHECK(status == BO_EINVAL || status == BO_EPARSE);
            size_t line = 0, column = 0;
            size_t plen = strlen(path);
            if (strncmp(err, path, plen) != 0 ||
                sscanf(err + plen, ":%zu:%zu: ", &line, &column) != 2 || line < 1 || column < 1)
                misplaced++;
        }
    }
    CHECK_MSG(misplaced == 0, "%zu failures without FILE:LINE:COLUMN", misplaced);
    /* Both outcomes occur: the full file loads, an early cut does not. */
    CHECK(ok > 0 && failed > 0);
}

/* ------------------------------------------------------------------ */
/* Large and deep documents: refused or read in time linear (or n log n) */
/* in their size (each case once took seconds or minutes).              */

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A growable text for the generated configs. */
static char *big_text;
static size_t big_len, big_cap;

static void big_add(const char *fmt, ...)
{
    char piece[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(piece, sizeof piece, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (big_len + (size_t)n + 1 > big_cap) {
        big_cap = 2 * (big_len + (size_t)n + 1);
        big_text = realloc(big_text, big_cap);
        if (!big_text)
            abort();
    }
    memcpy(big_text + big_len, piece, (size_t)n + 1);
    big_len += (size_t)n;
}

static void test_large_documents(void)
{
    bo_config cfg;
    char err[512];

    /* Flow collections 40,000 deep: libyaml needs time quadratic in the
     * depth (6 s here, far more under ASan); the loader stops at the first
     * collection past BO_YAML_MAX_DEPTH (64, the root mapping counted), the
     * 64th '[' at column 8 + 64. */
    big_len = 0;
    big_add("inputs: ");
    for (int i = 0; i < 40000; i++)
        big_add("[");
    for (int i = 0; i < 40000; i++)
        big_add("]");
    big_add("\n");
    CHECK(load_text("deep.yaml", big_text, &cfg, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, "deep.yaml:1:72: YAML syntax error: a list nested more than 64 deep") !=
                  NULL, "%s", err);
    CHECK(config_is_empty(&cfg));
    /* The same with mappings, and nesting up to the limit is read. */
    big_len = 0;
    big_add("objective: {plugin: p.so, params: ");
    for (int i = 0; i < 70; i++)
        big_add("{a%d: ", i);
    CHECK(load_text("deep_map.yaml", big_text, &cfg, err, sizeof err) == BO_EPARSE);
    CHECK_MSG(strstr(err, ":1:") && strstr(err, "a mapping nested more than 64 deep"), "%s",
              err);
    big_len = 0;
    big_add("objective: {plugin: p.so, params: {a: ");
    for (int i = 0; i < 61; i++)
        big_add("[");
    for (int i = 0; i < 61; i++)
        big_add("]");
    big_add("}}\n");
    CHECK(load_text("deep_ok.yaml", big_text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, "objective.params.a: expected a single value"), "%s", err);

    /* 100,000 keys in one mapping and 50,000 aliases: the duplicate-key
     * check and the anchor lookup searched every key and node before, which
     * took minutes for this file; now well under a second (ten allowed, for
     * sanitizers and a busy machine). The last key repeats the first. */
    for (int dup = 0; dup < 2; dup++) {
        big_len = 0;
        big_add("objective:\n  plugin: p.so\n  params:\n");
        for (int i = 0; i < 100000; i++)
            big_add("    k%d: &a%d v%d\n", i, i % 50000, i);
        for (int i = 0; i < 50000; i++)
            big_add("    c%d: *a%d\n", i, i);
        if (dup)
            big_add("    k0: again\n");
        big_add("inputs:\n  - {name: x, lower: 0, upper: 1}\nbudget: {max_evaluations: 10}\n");
        double start = seconds_now();
        bo_status status = load_text("many.yaml", big_text, &cfg, err, sizeof err);
        double took = seconds_now() - start;
        CHECK_MSG(took < 10.0, "150,000 keys read in %.1f s", took);
        if (dup) {
            CHECK(status == BO_EPARSE);
            CHECK_MSG(strstr(err, "many.yaml:150004:5: k0: duplicate key (first given at line 4, "
                                  "column 5)") != NULL, "%s", err);
            continue;
        }
        CHECK_MSG(status == BO_OK, "%s", err);
        CHECK(cfg.objective.n_params == 150000);
        if (cfg.objective.n_params == 150000) {
            /* An alias means the latest node of its anchor: &a0 is given to
             * k0 and again to k50000. */
            CHECK(strcmp(cfg.objective.params[100000].key, "c0") == 0);
            CHECK(strcmp(cfg.objective.params[100000].value, "v50000") == 0);
            CHECK(strcmp(cfg.objective.params[149999].value, "v99999") == 0);
        }
        bo_config_cleanup(&cfg);
    }

    /* 60,000 inputs and 60,000 sources: their names were checked for
     * repeats by comparing every pair (15 s for 90,000), and the places of
     * their keys kept in a list grown one entry at a time (7 minutes under
     * ASan, where realloc always moves); a repeat at the end still names
     * the first entry of that name. */
    for (int sources = 0; sources < 2; sources++) {
        for (int dup = 0; dup < 2; dup++) {
            big_len = 0;
            big_add("objective: {plugin: p.so}\n");
            if (sources) {
                big_add("inputs: [{name: x, lower: 0, upper: 1}]\nsources:\n");
                for (int i = 0; i < 60000; i++)
                    big_add("  - {name: s%d, cost: 1, initial: 1}\n", dup && i == 59999 ? 17 : i);
                big_add("target: s0\nbudget: {max_evaluations: 100000}\n");
            } else {
                big_add("inputs:\n");
                for (int i = 0; i < 60000; i++)
                    big_add("  - {name: x%d, lower: 0, upper: 1}\n", dup && i == 59999 ? 17 : i);
                big_add("initial_design: {size: 5}\nbudget: {max_evaluations: 10}\n");
            }
            double start = seconds_now();
            bo_status status = load_text("many_names.yaml", big_text, &cfg, err, sizeof err);
            double took = seconds_now() - start;
            CHECK_MSG(took < 10.0, "60,000 %s read in %.1f s", sources ? "sources" : "inputs",
                      took);
            if (!dup) {
                CHECK_MSG(status == BO_OK, "%s", err);
                CHECK(sources ? cfg.n_sources == 60000 : cfg.n_inputs == 60000);
                bo_config_cleanup(&cfg);
                continue;
            }
            CHECK(status == BO_EINVAL);
            CHECK_MSG(strstr(err, sources ? "sources[59999].name: expected a unique name, got "
                                            "'s17' again (sources[17])"
                                          : "inputs[59999].name: expected a unique name, got "
                                            "'x17' again (inputs[17])") != NULL,
                      "%s", err);
        }
    }
    free(big_text);
    big_text = NULL;
    big_len = big_cap = 0;
}

/* Every row of the modules' registries is a name the config accepts, writes
 * back and suggests: adding a kernel, acquisition, design or plot format is
 * one row in its module, with nothing to add here or in the config. */
typedef struct registry_key {
    const char *section, *key;
    size_t offset;                  /* of the int-sized enum in bo_config */
} registry_key;

/* A two-source config with one key of one section set to name. */
static bo_status load_with(const registry_key *rk, const char *name, bo_config *cfg, char *err,
                           size_t errlen)
{
    char text[1024];
    snprintf(text, sizeof text,
             "objective: {plugin: p.so}\n"
             "inputs: [{name: x, lower: 0, upper: 1}, {name: x2, lower: 0, upper: 1}]\n"
             "sources: [{name: HF, cost: 10}, {name: LF, cost: 1}]\n"
             "target: HF\n"
             "budget: {max_evaluations: 40}\n"
             "%s: {%s: %s}\n", rk->section, rk->key, name);
    return load_text("registry.yaml", text, cfg, err, errlen);
}

static int enum_at(const bo_config *cfg, size_t offset)
{
    int v;
    memcpy(&v, (const char *)cfg + offset, sizeof v);
    return v;
}

static void check_registry_name(const registry_key *rk, const char *name, int value)
{
    bo_config cfg;
    char err[512], line[128];
    bo_status status = load_with(rk, name, &cfg, err, sizeof err);
    CHECK_MSG(status == BO_OK, "%s.%s: %s refused: %s", rk->section, rk->key, name, err);
    if (status != BO_OK)
        return;
    CHECK_MSG(enum_at(&cfg, rk->offset) == value, "%s.%s: %s read as %d, want %d", rk->section,
              rk->key, name, enum_at(&cfg, rk->offset), value);
    char *text = resolved_text(&cfg);
    snprintf(line, sizeof line, "\n  %s: %s\n", rk->key, name);
    CHECK_MSG(text && strstr(text, line), "%s.%s: resolved config lacks '%s'", rk->section,
              rk->key, name);
    free(text);
    bo_config_cleanup(&cfg);

    /* The last two letters swapped: a one-edit typo of this name and, in
     * these registries, of no other. */
    char typo[64], want[128];
    size_t n = strlen(name);
    CHECK(n >= 2 && n < sizeof typo);
    memcpy(typo, name, n + 1);
    typo[n - 2] = name[n - 1];
    typo[n - 1] = name[n - 2];
    snprintf(want, sizeof want, "got '%s'; did you mean '%s'?", typo, name);
    status = load_with(rk, typo, &cfg, err, sizeof err);
    CHECK_MSG(status == BO_EINVAL && strstr(err, want), "%s.%s: %s gave '%s', want '%s'",
              rk->section, rk->key, typo, err, want);
}

/* The "expected one of" list is the registry, in its order. */
static void check_listed(const registry_key *rk, const char *const *names, size_t n)
{
    bo_config cfg;
    char err[512], want[256];
    size_t used = (size_t)snprintf(want, sizeof want, "expected one of");
    for (size_t i = 0; i < n && used < sizeof want; i++)
        used += (size_t)snprintf(want + used, sizeof want - used, "%s %s", i ? "," : "", names[i]);
    snprintf(want + used, sizeof want - used, ", got 'zzzzzz'");
    CHECK(load_with(rk, "zzzzzz", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, want) != NULL, "%s.%s: '%s' lacks '%s'", rk->section, rk->key, err,
              want);
}

#define LIST_REGISTRY(rk, registry, value_member)                                      \
    do {                                                                               \
        const char *names[32];                                                         \
        size_t n = 0;                                                                  \
        for (; registry[n].name; n++) {                                                \
            check_registry_name(&(rk), registry[n].name, (int)registry[n].value_member); \
            if (n < 32)                                                                \
                names[n] = registry[n].name;                                           \
        }                                                                              \
        CHECK(n >= 2 && n <= 32);                                                      \
        check_listed(&(rk), names, n);                                                 \
    } while (0)

static void test_registries(void)
{
    const registry_key kernel = {"model", "kernel", offsetof(bo_config, model.kernel)};
    const registry_key acq = {"acquisition", "type", offsetof(bo_config, acquisition.type)};
    const registry_key design = {"initial_design", "method",
                                 offsetof(bo_config, initial_design.method)};
    const registry_key plot = {"output", "plot", offsetof(bo_config, output.plot)};
    LIST_REGISTRY(kernel, bo_kernel_registry, kind);
    LIST_REGISTRY(acq, bo_acq_registry, kind);
    LIST_REGISTRY(design, bo_design_registry, method);
    LIST_REGISTRY(plot, bo_plot_format_registry, format);

    /* The single-source rule reads the registry's multi_source flag, and the
     * alternatives it offers are the registry's single-source rows. */
    char single[200] = "";
    size_t used = 0, total = 0, listed = 0;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++)
        total += row->multi_source ? 0 : 1;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++)
        if (!row->multi_source) {
            used += (size_t)snprintf(single + used, sizeof single - used, "%s%s",
                                     listed == 0 ? "" : listed + 1 == total ? " or " : ", ",
                                     row->name);
            listed++;
        }
    size_t n_multi = 0;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++) {
        if (!row->multi_source)
            continue;
        n_multi++;
        bo_config cfg;
        char text[512], err[512], want[300];
        snprintf(text, sizeof text,
                 "objective: {plugin: p.so}\n"
                 "inputs: [{name: x, lower: 0, upper: 1}]\n"
                 "budget: {max_evaluations: 20}\n"
                 "acquisition: {type: %s}\n", row->name);
        snprintf(want, sizeof want,
                 "expected %s for a single source, got '%s' (it needs two or more sources:)",
                 single, row->name);
        CHECK(load_text("multi_single.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
        CHECK_MSG(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
    }
    CHECK(n_multi >= 1);
}

/* Every column history.csv writes besides the inputs is refused as an
 * input name, and the message lists every one of them: the list follows the
 * header bo_history_create writes, whatever columns history.c adds. */
static void test_reserved_input_names(void)
{
    const char *const inputs[] = {"x"};
    bo_history *history = NULL;
    char err[512];
    const char *path = TMP "/reserved_history.csv";
    CHECK(bo_history_create(path, inputs, 1, BO_HISTORY_OVERWRITE | BO_HISTORY_NO_SYNC,
                            &history, err, sizeof err) == BO_OK);
    bo_history_destroy(history);
    char header[1024] = "";
    FILE *f = fopen(path, "r");
    CHECK(f != NULL && fgets(header, sizeof header, f) != NULL);
    if (f)
        fclose(f);
    header[strcspn(header, "\r\n")] = '\0';
    size_t n_reserved = 0;
    for (char *name = strtok(header, ","); name; name = strtok(NULL, ",")) {
        if (strcmp(name, "x") == 0)
            continue;
        n_reserved++;
        bo_config cfg;
        char text[512], want[128];
        snprintf(text, sizeof text,
                 "objective: {plugin: p.so}\n"
                 "inputs: [{name: x, lower: 0, upper: 1}, {name: %s, lower: 0, upper: 1}]\n"
                 "budget: {max_evaluations: 9}\n", name);
        CHECK_MSG(load_text("reserved.yaml", text, &cfg, err, sizeof err) == BO_EINVAL,
                  "input name %s accepted", name);
        snprintf(want, sizeof want, "inputs[1].name: '%s' names a column of history.csv", name);
        CHECK_MSG(strstr(err, want), "%s: %s", name, err);
        /* Every reserved name is in the list, delimited as a whole word. */
        const char *list = strstr(err, "(reserved: ");
        char word[64];
        int found = 0;
        for (const char *p = list ? list + 11 : ""; *p && *p != ')';) {
            size_t n = strcspn(p, ",)");
            snprintf(word, sizeof word, "%.*s", (int)n, p);
            found |= strcmp(word, name) == 0;
            p += n;
            p += strspn(p, ", ");
        }
        CHECK_MSG(found, "'%s' missing from the reserved list: %s", name, err);
    }
    CHECK(n_reserved >= 15);
    /* Case matters, as it does for CSV headers: Y is a name like any other. */
    bo_config cfg;
    CHECK(load_text("reserved.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: Y, lower: 0, upper: 1}, {name: costs, lower: 0, upper: 1}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    bo_config_cleanup(&cfg);
}

/* inputs[i].type: real (the default), integer and categorical entries,
 * each mistake at its line and column; anything else is not a type. */
static void expect_input_error(const char *inputs, const char *where)
{
    bo_config cfg;
    char err[512], text[512];
    snprintf(text, sizeof text,
             "objective: {plugin: p.so}\n"
             "inputs:\n%s"
             "budget: {max_evaluations: 9}\n", inputs);
    CHECK(load_text("input_type.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, where) != NULL, "want '%s' in: %s", where, err);
}

static void test_input_types(void)
{
    bo_config cfg;
    char err[512];
    CHECK(load_text("input_type.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1, type: real}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    bo_config_cleanup(&cfg);
    CHECK(load_text("input_type.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1, type: continuous}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":2:46: inputs[0].type: expected real, integer or categorical, got "
                          "'continuous'"), "%s", err);
    /* At the top level, type still belongs in acquisition:. */
    CHECK(load_text("input_type.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "type: ei\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":3:1: type: unknown key here; 'type' belongs in acquisition:"), "%s",
              err);
    CHECK(load_text("input_typo.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1, tpye: real}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, "inputs[0].tpye: unknown key; did you mean 'type'?"), "%s", err);
    /* Well-formed integer and categorical entries: read as written, and
     * through the resolved config and back unchanged. */
    const char *mixed = "objective: {plugin: p.so}\n"
                        "inputs:\n"
                        "  - {name: n, type: integer, lower: -2, upper: 12}\n"
                        "  - {name: x, lower: 0, upper: 1}\n"
                        "  - {name: material, type: categorical, levels: [steel, 'al, 6061', ti]}\n"
                        "budget: {max_evaluations: 9}\n";
    CHECK(load_text("input_type.yaml", mixed, &cfg, err, sizeof err) == BO_OK);
    if (cfg.n_inputs == 3) {
        CHECK(cfg.inputs[0].kind == BO_VAR_INTEGER && cfg.inputs[0].lower == -2 &&
              cfg.inputs[0].upper == 12 && cfg.inputs[0].levels == NULL);
        CHECK(cfg.inputs[1].kind == BO_VAR_REAL);
        CHECK(cfg.inputs[2].kind == BO_VAR_CATEGORICAL && cfg.inputs[2].n_levels == 3 &&
              cfg.inputs[2].lower == 0 && cfg.inputs[2].upper == 2);
        CHECK(cfg.inputs[2].n_levels == 3 && strcmp(cfg.inputs[2].levels[1], "al, 6061") == 0);
        size_t line = 0, column = 0;
        CHECK(bo_config_place(&cfg, "inputs[2].levels", &line, &column) && line == 5 &&
              column == 49);
        char *text = resolved_text(&cfg);
        bo_config again;
        CHECK(text && load_text("resolved.yaml", text, &again, err, sizeof err) == BO_OK);
        char what[128] = "";
        CHECK_MSG(text && bo_config_equal(&cfg, &again, what, sizeof what), "%s", what);
        /* Another level list is another run. */
        free(again.inputs[2].levels[2]);
        again.inputs[2].levels[2] = strdup("titanium");
        CHECK(!bo_config_equal(&cfg, &again, what, sizeof what) &&
              strcmp(what, "inputs[2]") == 0);
        bo_config_cleanup(&again);
        free(text);
    }
    bo_config_cleanup(&cfg);
    /* acquisition.enumerate: 64 unless given, at least 1. */
    CHECK(load_text("enumerate.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: m, type: categorical, levels: [a, b]}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.acquisition.enumerate == 64);
    bo_config_cleanup(&cfg);
    CHECK(load_text("enumerate.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: m, type: categorical, levels: [a, b]}]\n"
                    "acquisition: {enumerate: 0}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":3:26: acquisition.enumerate: expected an integer from 1"), "%s", err);
    /* model.latent: shared, within its combinations. */
    CHECK(load_text("latent.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: m, type: categorical, levels: [a, b]}]\n"
                    "model: {latent: shared}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.model.latent == BO_LATENT_SHARED);
    bo_config_cleanup(&cfg);
    {
        char text[4096] = "objective: {plugin: p.so}\ninputs:\n";
        for (int k = 0; k < 2; k++) {
            strcat(text, k ? "  - {name: m2, type: categorical, levels: [" :
                             "  - {name: m1, type: categorical, levels: [");
            for (int l = 0; l < 40; l++) {
                char level[16];
                snprintf(level, sizeof level, "%sl%d", l ? ", " : "", l);
                strcat(text, level);
            }
            strcat(text, "]}\n");
        }
        strcat(text, "model: {latent: shared}\nbudget: {max_evaluations: 9}\n");
        CHECK(load_text("latent.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
        CHECK_MSG(strstr(err, ":5:17: model.latent: shared needs at most 1024 combinations"),
                  "%s", err);
    }
    expect_input_error("  - {name: m, type: categorical, levels: [steel]}\n",
                       ":3:42: inputs[0].levels: one level ('steel'): a categorical input "
                       "needs at least two");
    expect_input_error("  - {name: m, type: categorical, levels: [a, b]}\n"
                       "  - {name: m, type: integer, lower: 0, upper: 3}\n",
                       ":4:12: inputs[1].name: expected a unique name, got 'm' again");
    /* Each mistake at its place. */
    expect_input_error("  - {name: n, type: integer, lower: 1.5, upper: 12}\n",
                       ":3:37: inputs[0].lower: expected an integer (an integer input's bounds "
                       "are integers), got '1.5'");
    expect_input_error("  - {name: n, type: integer, lower: 1, upper: 1e30}\n",
                       ":3:47: inputs[0].upper: expected an integer");
    expect_input_error("  - {name: n, type: integer, lower: 5, upper: 5}\n",
                       ":3:47: inputs[0].upper: expected an integer > lower (5), got 5");
    expect_input_error("  - {name: n, type: integer, lower: 1}\n",
                       ":3:5: inputs[0].upper: missing; expected an integer");
    expect_input_error("  - {name: n, type: integer, lower: 1, upper: 4, scale: log}\n",
                       ":3:50: inputs[0].scale: not a key of an integer input; expected one of "
                       "name, type, lower, upper");
    expect_input_error("  - {name: 2n, type: integer, lower: 1, upper: 4}\n",
                       ":3:12: inputs[0].name: expected an identifier");
    expect_input_error("  - {name: m, type: categorical, levels: []}\n",
                       ":3:42: inputs[0].levels: expected a non-empty list of level names, got an "
                       "empty list");
    expect_input_error("  - {name: m, type: categorical}\n",
                       ":3:5: inputs[0].levels: missing; expected a list of level names");
    expect_input_error("  - {name: m, type: categorical, levels: steel}\n",
                       ":3:42: inputs[0].levels: expected a non-empty list of level names, got "
                       "'steel'");
    expect_input_error("  - name: m\n"
                       "    type: categorical\n"
                       "    levels:\n"
                       "      - steel\n"
                       "      - titanium\n"
                       "      - steel\n",
                       ":8:9: inputs[0].levels[2]: expected a level name not given before, got "
                       "'steel' again (levels[0])");
    expect_input_error("  - {name: m, type: categorical, levels: [a, '', b]}\n",
                       ":3:46: inputs[0].levels[1]: expected a level name (text), got ''");
    expect_input_error("  - {name: m, type: categorical, levels: [a, b], lower: 0}\n",
                       ":3:50: inputs[0].lower: not a key of a categorical input; expected one "
                       "of name, type, levels");
}

/* goal: the British spellings read as the American ones, and the resolved
 * config writes the American one (so resume compares like with like). */
static void test_goal_spellings(void)
{
    static const struct {
        const char *written, *resolved;
        bo_config_goal goal;
    } spellings[] = {{"maximise", "maximize", BO_CONFIG_MAXIMIZE},
                     {"minimise", "minimize", BO_CONFIG_MINIMIZE},
                     {"maximize", "maximize", BO_CONFIG_MAXIMIZE},
                     {"minimize", "minimize", BO_CONFIG_MINIMIZE}};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        bo_config cfg;
        char text[512], err[512], line[64];
        snprintf(text, sizeof text,
                 "goal: %s\n"
                 "objective: {plugin: p.so}\n"
                 "inputs: [{name: x, lower: 0, upper: 1}]\n"
                 "budget: {max_evaluations: 9}\n", spellings[i].written);
        bo_status status = load_text("goal.yaml", text, &cfg, err, sizeof err);
        CHECK_MSG(status == BO_OK, "goal %s: %s", spellings[i].written, err);
        if (status != BO_OK)
            continue;
        CHECK(cfg.goal == spellings[i].goal);
        char *resolved = resolved_text(&cfg);
        snprintf(line, sizeof line, "\ngoal: %s\n", spellings[i].resolved);
        CHECK_MSG(resolved && strstr(resolved, line), "goal %s not written as %s",
                  spellings[i].written, spellings[i].resolved);
        free(resolved);
        bo_config_cleanup(&cfg);
    }
    /* A typo of either spelling still gets its suggestion. */
    bo_config cfg;
    char err[512];
    CHECK(load_text("goal.yaml",
                    "goal: maximse\n"
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":1:7: goal: ") && strstr(err, "did you mean 'maximise'?"), "%s", err);
}

/* The config's own names: every name maps back to its value. */
static void test_names(void)
{
    CHECK(strcmp(bo_config_goal_name(BO_CONFIG_MAXIMIZE), "maximize") == 0);
    CHECK(strcmp(bo_config_goal_name(BO_CONFIG_MINIMIZE), "minimize") == 0);
    CHECK(strcmp(bo_config_scale_name(BO_CONFIG_SCALE_LOG), "log") == 0);
    CHECK(strcmp(bo_config_scale_name(BO_CONFIG_SCALE_LINEAR), "linear") == 0);
    CHECK(strcmp(bo_config_mean_name(BO_MEAN_PER_SOURCE), "per_source") == 0);
    CHECK(strcmp(bo_config_mean_name(BO_MEAN_ZERO), "zero") == 0);
    CHECK(strcmp(bo_config_mean_name(BO_MEAN_CONSTANT), "constant") == 0);
    CHECK(strcmp(bo_config_goal_name((bo_config_goal)99), "?") == 0);
    CHECK(strcmp(bo_config_mean_name((bo_gp_mean)99), "?") == 0);
}

/* constraints: parsed with absent bounds infinite, written back and
 * compared; every mistake refused at its line and column. */
static void test_constraints(void)
{
    const char *head = "name: c\nobjective: {plugin: p.so}\n"
                       "inputs: [{name: x, lower: 0, upper: 1}]\n"
                       "budget: {max_evaluations: 9}\n";
    char text[1024], err[512], what[128];
    bo_config cfg, other;
    snprintf(text, sizeof text,
             "%sconstraints: [{name: stress, upper: 250}, {name: mass, lower: 1},\n"
             "              {name: t, lower: -1, upper: 2.5}]\n", head);
    bo_status st = load_text("constraints.yaml", text, &cfg, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    if (st == BO_OK) {
        CHECK(cfg.n_constraints == 3);
        CHECK(strcmp(cfg.constraints[0].name, "stress") == 0 &&
              cfg.constraints[0].lower == -HUGE_VAL && cfg.constraints[0].upper == 250.0);
        CHECK(cfg.constraints[1].lower == 1.0 && cfg.constraints[1].upper == HUGE_VAL);
        CHECK(cfg.constraints[2].lower == -1.0 && cfg.constraints[2].upper == 2.5);
        CHECK(bo_config_constraint_holds(&cfg.constraints[0], 250.0));
        CHECK(!bo_config_constraint_holds(&cfg.constraints[0], 250.5));
        CHECK(!bo_config_constraint_holds(&cfg.constraints[1], 0.5));
        CHECK(!bo_config_constraint_holds(&cfg.constraints[2], NAN));
        round_trip(TMP "/constraints.yaml");
        /* A changed bound is a different run (--resume refuses it). */
        snprintf(text, sizeof text,
                 "%sconstraints: [{name: stress, upper: 251}, {name: mass, lower: 1},\n"
                 "              {name: t, lower: -1, upper: 2.5}]\n", head);
        CHECK(load_text("constraints2.yaml", text, &other, err, sizeof err) == BO_OK);
        CHECK(!bo_config_equal(&cfg, &other, what, sizeof what) &&
              strcmp(what, "constraints[0]") == 0);
        bo_config_cleanup(&other);
        snprintf(text, sizeof text, "%s", head);
        CHECK(load_text("constraints3.yaml", text, &other, err, sizeof err) == BO_OK);
        CHECK(!bo_config_equal(&cfg, &other, what, sizeof what) &&
              strcmp(what, "constraints") == 0);
        bo_config_cleanup(&other);
        bo_config_cleanup(&cfg);
    }
    static const struct {
        const char *list, *want;
    } bad[] = {
        {"[{name: s}]", ":5:15: constraints[0]: expected lower, upper or both for 's', got neither"},
        {"[{name: s, lower: 2, upper: 1}]",
         ":5:42: constraints[0].upper: expected a number > lower (2), got 1"},
        {"[{name: s, lower: 1, upper: 1}]", "constraints[0].upper: expected a number > lower"},
        {"[{name: s, upper: 1}, {name: s, lower: 0}]",
         ":5:43: constraints[1].name: expected a unique name, got 's' again (constraints[0])"},
        {"[{name: x, upper: 1}]",
         ":5:22: constraints[0].name: 'x' is the name of inputs[0]"},
        {"[{name: feasible, upper: 1}]",
         "constraints[0].name: 'feasible' names a column of history.csv"},
        {"[{name: y, upper: 1}]", "constraints[0].name: 'y' names a column of history.csv"},
        {"[{name: 2s, upper: 1}]", "constraints[0].name: expected an identifier"},
        {"[{name: s, upper: abc}]", "constraints[0].upper"},
        {"[{name: s, upper: .inf}]", "constraints[0].upper"},
        {"[{name: s, uper: 1}]", "constraints[0]"},
        {"[{upper: 1}]", "constraints[0]"},
        {"[]", ":5:14: constraints: expected a list of output constraints"},
        {"{name: s}", "constraints: expected a list of output constraints"},
        {"[{name: a, upper: 1}, {name: b, upper: 1}, {name: c, upper: 1}, {name: d, upper: 1}, "
         "{name: e, upper: 1}, {name: f, upper: 1}, {name: g, upper: 1}, {name: h, upper: 1}, "
         "{name: i, upper: 1}, {name: j, upper: 1}, {name: k, upper: 1}, {name: l, upper: 1}, "
         "{name: m, upper: 1}, {name: n, upper: 1}, {name: o, upper: 1}, {name: p, upper: 1}, "
         "{name: q, upper: 1}]", ":5:14: constraints: expected at most 16 constraints, got 17"},
    };
    /* With initial_data (resolved after the walk) the constraints stay. */
    snprintf(text, sizeof text, "%sinitial_data: old.csv\nconstraints: [{name: stress, upper: 1}]\n",
             head);
    st = load_text("constraints_data.yaml", text, &cfg, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    if (st == BO_OK) {
        CHECK(cfg.n_constraints == 1 && strcmp(cfg.constraints[0].name, "stress") == 0);
        bo_config_cleanup(&cfg);
    }
    /* The library has no way to receive outputs yet: refused, not ignored. */
    snprintf(text, sizeof text, "inputs: [{name: x, lower: 0, upper: 1}]\n"
                                "constraints: [{name: s, upper: 1}]\n");
    st = bo_config_load_text(text, strlen(text), "options", BO_CONFIG_LIBRARY, &cfg, err,
                             sizeof err);
    CHECK(st == BO_EINVAL);
    CHECK_MSG(strstr(err, "options:2:14: constraints: output constraints are not supported by "
                          "the library"), "%s", err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%sconstraints: %s\n", head, bad[i].list);
        st = load_text("bad_constraints.yaml", text, &cfg, err, sizeof err);
        CHECK_MSG(st == BO_EINVAL, "case %zu (%s) accepted", i, bad[i].list);
        CHECK_MSG(strstr(err, bad[i].want), "case %zu: %s", i, err);
    }
}

/* model.fit and model.fit_weight: the default, GP+'s weight, the engine
 * options they become, the resolved text, and each mistake at its place. */
static void test_model_fit(void)
{
    bo_config cfg;
    char err[512];
    static const char head[] = "objective: {plugin: p.so}\n"
                               "inputs: [{name: x, lower: 0, upper: 1}]\n"
                               "budget: {max_evaluations: 9}\n";
    char text[1024];
    bo_engine_options eo;
    double costs[1];
    size_t initial[1], n_values[1];
    bo_var_kind kind[1];

    CHECK(load_text("fit.yaml", head, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.model.fit == BO_FIT_MAP && cfg.model.fit_weight == 0.0);
    bo_config_engine_options(&cfg, &eo, costs, initial, kind, n_values);
    CHECK(eo.fit_criterion == BO_FIT_MAP);
    char *resolved = resolved_text(&cfg);
    CHECK(resolved && strstr(resolved, "  fit: map\n") && !strstr(resolved, "fit_weight"));
    free(resolved);
    bo_config_cleanup(&cfg);

    snprintf(text, sizeof text, "%smodel: {fit: interval_score}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.model.fit == BO_FIT_INTERVAL_SCORE && cfg.model.fit_weight == BO_GP_FIT_IS_WEIGHT);
    bo_config_cleanup(&cfg);

    snprintf(text, sizeof text, "%smodel: {fit: interval_score, fit_weight: 0.25}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.model.fit == BO_FIT_INTERVAL_SCORE && cfg.model.fit_weight == 0.25);
    bo_config_engine_options(&cfg, &eo, costs, initial, kind, n_values);
    CHECK(eo.fit_criterion == BO_FIT_INTERVAL_SCORE && eo.fit_weight == 0.25);
    resolved = resolved_text(&cfg);
    CHECK(resolved && strstr(resolved, "  fit: interval_score\n  fit_weight: 0.25\n"));
    bo_config again;
    if (resolved) {
        CHECK(load_text("fit-resolved.yaml", resolved, &again, err, sizeof err) == BO_OK);
        char what[128] = "";
        CHECK_MSG(bo_config_equal(&cfg, &again, what, sizeof what), "%s", what);
        bo_config_cleanup(&again);
    }
    free(resolved);
    bo_config_cleanup(&cfg);

    snprintf(text, sizeof text, "%smodel: {fit: interval}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":4:14: model.fit: expected one of map, interval_score, got "
                          "'interval'"),
              "%s", err);
    snprintf(text, sizeof text, "%smodel: {fit_weight: 0.1}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":4:21: model.fit_weight: applies only with model.fit: interval_score"),
              "%s", err);
    snprintf(text, sizeof text, "%smodel: {fit: interval_score, fit_weight: 0}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":4:42: model.fit_weight: expected a number > 0"), "%s", err);
    snprintf(text, sizeof text, "%smodel: {fit: interval_score, fit_weight: -1}\n", head);
    CHECK(load_text("fit.yaml", text, &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":4:42: model.fit_weight: expected a number > 0"), "%s", err);
}

/* acquisition.trust_region: false unless given; true reaches the engine
 * and is refused, at its place, where the region has no single real box. */
static void test_trust_region_key(void)
{
    bo_config cfg;
    char err[512];
    bo_engine_options eo;
    double costs[2];
    size_t initial[2], n_values[1];
    bo_var_kind kind[1];
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    CHECK(cfg.acquisition.trust_region == 0);
    bo_config_cleanup(&cfg);
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "acquisition: {trust_region: true}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    bo_config_engine_options(&cfg, &eo, costs, initial, kind, n_values);
    CHECK(cfg.acquisition.trust_region == 1 && eo.trust_region == 1);
    char *resolved = resolved_text(&cfg);
    CHECK(resolved && strstr(resolved, "  trust_region: true\n"));
    free(resolved);
    bo_config_cleanup(&cfg);
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "sources: [{name: hi, cost: 10}, {name: lo, cost: 1}]\n"
                    "target: hi\n"
                    "acquisition: {trust_region: true}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":5:29: acquisition.trust_region: works with one source, real inputs "
                          "and no constraints; this problem has more than one source"),
              "%s", err);
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: m, type: categorical, levels: [a, b]}]\n"
                    "acquisition: {trust_region: true}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":3:29: acquisition.trust_region: ") &&
                  strstr(err, "has integer or categorical inputs"),
              "%s", err);
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: x, lower: 0, upper: 1}]\n"
                    "constraints: [{name: mass, upper: 3}]\n"
                    "acquisition: {trust_region: true}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_EINVAL);
    CHECK_MSG(strstr(err, ":4:29: acquisition.trust_region: ") &&
                  strstr(err, "has output constraints"),
              "%s", err);
    /* false is always allowed. */
    CHECK(load_text("tr.yaml",
                    "objective: {plugin: p.so}\n"
                    "inputs: [{name: m, type: categorical, levels: [a, b]}]\n"
                    "acquisition: {trust_region: false}\n"
                    "budget: {max_evaluations: 9}\n", &cfg, err, sizeof err) == BO_OK);
    bo_config_cleanup(&cfg);
}

int main(void)
{
    mkdir(TMP, 0777);
    test_bad_corpus();
    test_other_failures();
    test_spec_example();
    test_minimal_defaults();
    test_command_config();
    test_computed_defaults();
    test_relative_config_path();
    test_round_trips();
    test_equal_detects_changes();
    test_write_failure();
    test_places();
    test_warnings();
    test_damaged_files();
    test_large_documents();
    test_registries();
    test_goal_spellings();
    test_input_types();
    test_reserved_input_names();
    test_names();
    test_constraints();
    test_model_fit();
    test_trust_region_key();
    return CHECK_DONE();
}
