/* libbo's C API (bo/bo.h): a run through the API with the config and seed
 * of a bo-run run, calling the same plugin in-process, gives bo-run's
 * history bit for bit (from the config file and from options set by name);
 * every error path leaves a message that names its cause; pending points,
 * cancel, best and predict behave as documented. */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bo/bo.h"
#include "bo/bo_plugin.h"
#include "bo/io/history.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"

#define CHECK_ERR(result, want, text, substring) \
    CHECK_MSG((result) == (want) && strstr((text), (substring)) != NULL, \
              "result %d (want %d), message '%s' (want '%s' in it)", (int)(result), (int)(want), \
              (text), (substring))

static const char *config_text =
    "name: api-same\n"
    "seed: 5\n"
    "objective:\n"
    "  plugin: %s\n"
    "  params: {noise_sd: 0.05}\n"
    "inputs:\n"
    "  - {name: a, lower: -1, upper: 2}\n"
    "  - {name: b, lower: 0.1, upper: 10, scale: log}\n"
    "acquisition: {type: logei, pool: 256, starts: 4}\n"
    "initial_design: {method: lhs, size: 6}\n"
    "budget: {max_evaluations: 14}\n"
    "output: {plot: none}\n";

/* The plugin bo-run evaluates, opened here to be called in-process. */
typedef struct plugin {
    void *handle;
    const bo_plugin *desc;
    void *state;
} plugin;

static int plugin_open(plugin *p, const char *path)
{
    p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->handle)
        return -1;
    const bo_plugin *(*entry)(void) = NULL;
    *(void **)&entry = dlsym(p->handle, BO_PLUGIN_ENTRY_SYMBOL);
    p->desc = entry ? entry() : NULL;
    bo_plugin_param param = {"noise_sd", "0.05"};
    char err[256];
    p->state = NULL;
    if (!p->desc || p->desc->init(&p->state, &param, 1, 2, 1, err, sizeof err) != 0)
        return -1;
    return 0;
}

static double plugin_eval(const plugin *p, const double *x, uint64_t seed, size_t eval)
{
    bo_plugin_call call = {.struct_size = sizeof call, .seed = seed, .eval = eval, .worker = 1};
    double y = NAN;
    char err[256];
    if (p->desc->evaluate_call(p->state, x, 2, 0, &call, &y, err, sizeof err) != 0)
        return NAN;
    return y;
}

static void plugin_close(plugin *p)
{
    if (p->desc && p->desc->fini)
        p->desc->fini(p->state);
    if (p->handle)
        dlclose(p->handle);
}

/* Drives opt for n evaluations with the plugin and compares each with the
 * history row of the same number. */
static void compare_with_history(bo_optimizer *opt, const plugin *p, const bo_history_row *rows,
                                 size_t n_rows, const char *label)
{
    CHECK_MSG(n_rows == 14, "%s: bo-run wrote %zu rows", label, n_rows);
    size_t same = 0;
    for (size_t i = 0; i < n_rows; i++) {
        double x[2];
        bo_ask_info info = BO_ASK_INFO_INIT;
        if (bo_optimizer_ask(opt, x, &info) != BO_SUCCESS) {
            CHECK_MSG(0, "%s: ask %zu: %s", label, i + 1, bo_optimizer_error(opt));
            return;
        }
        double y = plugin_eval(p, x, bo_optimizer_seed(opt), info.eval);
        CHECK(bo_optimizer_tell(opt, x, info.source, y) == BO_SUCCESS);
        const bo_history_row *r = &rows[i];
        int equal = r->eval == info.eval && memcmp(r->x, x, sizeof x) == 0 &&
                    memcmp(&r->y, &y, sizeof y) == 0 &&
                    (r->phase == BO_HISTORY_INIT) == (info.initial != 0);
        CHECK_MSG(equal, "%s: row %zu: bo-run eval %zu x (%.17g, %.17g) y %.17g; API eval %zu "
                  "x (%.17g, %.17g) y %.17g", label, i + 1, r->eval, r->x[0], r->x[1], r->y,
                  info.eval, x[0], x[1], y);
        same += equal;
    }
    printf("%s: %zu of %zu rows equal bo-run's bit for bit\n", label, same, n_rows);
    double best, at[2];
    CHECK(bo_optimizer_best(opt, &best, at) == BO_SUCCESS);
    double want = INFINITY;
    for (size_t i = 0; i < n_rows; i++)
        want = fmin(want, rows[i].y);
    CHECK(best == want);
}

static void test_same_history_as_bo_run(void)
{
    char cfg[512], out[512];
    path_in(cfg, sizeof cfg, "same.yaml");
    path_in(out, sizeof out, "same-run");
    const char *so = BO_BINARY_DIR "/plugins/example_noisy.so";
    write_file(cfg, config_text, so);
    const char *args[] = {cfg, "--out", out, "--quiet", NULL};
    CHECK(bo_run(args) == 0);
    char history[600];
    snprintf(history, sizeof history, "%s/history.csv", out);
    const char *names[] = {"a", "b"};
    bo_history_row *rows = NULL;
    size_t n_rows = 0;
    char err[512];
    if (bo_history_read(history, names, 2, &rows, &n_rows, err, sizeof err) != 0) {
        CHECK_MSG(0, "%s", err);
        return;
    }
    plugin p = {0};
    CHECK(plugin_open(&p, so) == 0);

    /* The same config file. */
    bo_options *o = bo_options_new();
    bo_optimizer *opt = NULL;
    CHECK(bo_options_read_file(o, cfg) == BO_SUCCESS);
    CHECK_MSG(bo_optimizer_new(o, &opt) == BO_SUCCESS, "%s", bo_options_error(o));
    if (opt)
        compare_with_history(opt, &p, rows, n_rows, "from the config file");
    bo_optimizer_free(opt);
    bo_options_free(o);

    /* The same options set by name; no objective, no budget. */
    o = bo_options_new();
    opt = NULL;
    CHECK(bo_options_set(o, "seed", "5") == BO_SUCCESS);
    CHECK(bo_options_add_input(o, "a", -1, 2, 0) == BO_SUCCESS);
    CHECK(bo_options_add_input(o, "b", 0.1, 10, 1) == BO_SUCCESS);
    CHECK(bo_options_set(o, "acquisition.type", "logei") == BO_SUCCESS);
    CHECK(bo_options_set(o, "acquisition.pool", "256") == BO_SUCCESS);
    CHECK(bo_options_set(o, "acquisition.starts", "4") == BO_SUCCESS);
    CHECK(bo_options_set(o, "initial_design", "{method: lhs, size: 6}") == BO_SUCCESS);
    CHECK_MSG(bo_optimizer_new(o, &opt) == BO_SUCCESS, "%s", bo_options_error(o));
    if (opt)
        compare_with_history(opt, &p, rows, n_rows, "options by name");
    bo_optimizer_free(opt);

    /* Another seed is another run: the comparison above can fail. */
    opt = NULL;
    CHECK(bo_options_set_seed(o, 6) == BO_SUCCESS);
    CHECK(bo_optimizer_new(o, &opt) == BO_SUCCESS);
    if (opt) {
        double x[2];
        CHECK(bo_optimizer_ask(opt, x, NULL) == BO_SUCCESS);
        CHECK(bo_optimizer_seed(opt) == 6);
        CHECK(memcmp(x, rows[0].x, sizeof x) != 0);
    }
    bo_optimizer_free(opt);
    bo_options_free(o);
    plugin_close(&p);
    bo_history_rows_free(rows);
}

/* A small optimizer for the error paths: 2 inputs, 3 design points. */
static bo_optimizer *small(void)
{
    bo_options *o = bo_options_new();
    bo_options_add_input(o, "x1", -5, 10, 0);
    bo_options_add_input(o, "x2", 0, 15, 0);
    bo_options_set(o, "initial_design.size", "3");
    bo_optimizer *opt = NULL;
    bo_optimizer_new(o, &opt);
    bo_options_free(o);
    return opt;
}

static void test_option_errors(void)
{
    bo_options *o = bo_options_new();
    bo_optimizer *opt = (bo_optimizer *)1;
    CHECK(bo_options_error(NULL) != NULL);
    CHECK(bo_options_set(NULL, "seed", "1") == BO_ERR_INVALID);
    CHECK_ERR(bo_options_set(o, NULL, "1"), BO_ERR_INVALID, bo_options_error(o), "path is NULL");
    CHECK_ERR(bo_options_set(o, "seed", NULL), BO_ERR_INVALID, bo_options_error(o),
              "value is NULL");
    CHECK_ERR(bo_options_set(o, "model..kernel", "sqexp"), BO_ERR_INVALID, bo_options_error(o),
              "'model..kernel': expected a key path");
    CHECK_ERR(bo_options_set(o, "9lives", "1"), BO_ERR_INVALID, bo_options_error(o),
              "expected a key path");
    CHECK_ERR(bo_options_set(o, "seed", "1\nobjective: {}"), BO_ERR_INVALID,
              bo_options_error(o), "seed: expected a value on one line");
    CHECK_ERR(bo_options_set(o, "seed", ""), BO_ERR_INVALID, bo_options_error(o),
              "seed: expected a value, got an empty string");
    CHECK(bo_options_set(o, "model.kernel", "sqexp") == BO_SUCCESS);
    CHECK_ERR(bo_options_set(o, "model", "{kernel: sqexp}"), BO_ERR_INVALID, bo_options_error(o),
              "model: clashes with model.kernel");
    CHECK_ERR(bo_options_set(o, "model.kernel.x", "1"), BO_ERR_INVALID, bo_options_error(o),
              "model.kernel.x: clashes with model.kernel");
    CHECK(strcmp(bo_options_error(o), "") != 0);
    CHECK(bo_options_set(o, "model.kernel", "matern32") == BO_SUCCESS);
    CHECK(strcmp(bo_options_error(o), "") == 0);

    CHECK_ERR(bo_options_add_input(o, "1x", 0, 1, 0), BO_ERR_INVALID, bo_options_error(o),
              "inputs[0].name: expected an identifier");
    CHECK_ERR(bo_options_add_input(o, "a-b", 0, 1, 0), BO_ERR_INVALID, bo_options_error(o),
              "inputs[0].name: expected an identifier");
    CHECK_ERR(bo_options_add_input(o, NULL, 0, 1, 0), BO_ERR_INVALID, bo_options_error(o),
              "(NULL)");
    CHECK_ERR(bo_options_add_input(o, "x", 1, 1, 0), BO_ERR_INVALID, bo_options_error(o),
              "inputs[0] (x): expected finite lower < upper, got [1, 1]");
    CHECK_ERR(bo_options_add_input(o, "x", NAN, 1, 0), BO_ERR_INVALID, bo_options_error(o),
              "expected finite lower < upper");

    /* No inputs: bo-run's own message. */
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o),
              "inputs: missing");
    CHECK(opt == NULL);
    CHECK_ERR(bo_optimizer_new(o, NULL), BO_ERR_INVALID, bo_options_error(o), "out is NULL");
    CHECK(bo_optimizer_new(NULL, &opt) == BO_ERR_INVALID);

    /* Values checked by the config loader, named by their key. */
    CHECK(bo_options_add_input(o, "x", 0, 1, 0) == BO_SUCCESS);
    CHECK_ERR(bo_options_set(o, "inputs", "[{name: y, lower: 0, upper: 1}]"), BO_ERR_STATE,
              bo_options_error(o), "inputs: already given by bo_options_add_input");
    CHECK(bo_options_set(o, "acquisition.type", "eii") == BO_SUCCESS);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o),
              "acquisition.type: ");
    CHECK(strstr(bo_options_error(o), "ei") != NULL);
    CHECK(strncmp(bo_options_error(o), "options:", 8) != 0);
    CHECK(bo_options_set(o, "acquisition.type", "ucb") == BO_SUCCESS);
    CHECK(bo_options_set(o, "acquisition.beta", "-1") == BO_SUCCESS);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o),
              "acquisition.beta");
    CHECK(bo_options_set(o, "acquisition.beta", "2") == BO_SUCCESS);
    CHECK(bo_options_set(o, "modle.kernel", "sqexp") == BO_SUCCESS);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o), "modle");
    bo_options_free(o);

    /* Integer and categorical inputs: asked at integers and level indices,
     * other values refused by tell, the levels named. */
    o = bo_options_new();
    CHECK(bo_options_set(o, "inputs",
                         "[{name: x, lower: 0, upper: 1}, "
                         "{name: n, type: integer, lower: -2, upper: 2}, "
                         "{name: m, type: categorical, levels: [a, b, c]}]") == BO_SUCCESS);
    CHECK(bo_options_set(o, "seed", "3") == BO_SUCCESS);
    CHECK_MSG(bo_optimizer_new(o, &opt) == BO_SUCCESS, "%s", bo_options_error(o));
    bo_options_free(o);
    if (opt) {
        CHECK(bo_optimizer_input_kind(opt, 0) == BO_INPUT_REAL &&
              bo_optimizer_input_kind(opt, 1) == BO_INPUT_INTEGER &&
              bo_optimizer_input_kind(opt, 2) == BO_INPUT_CATEGORICAL &&
              bo_optimizer_input_kind(opt, 3) == -1);
        CHECK(bo_optimizer_input_levels(opt, 2) == 3 && bo_optimizer_input_levels(opt, 1) == 0);
        CHECK(strcmp(bo_optimizer_level_name(opt, 2, 1), "b") == 0 &&
              bo_optimizer_level_name(opt, 2, 3) == NULL &&
              bo_optimizer_level_name(opt, 0, 0) == NULL);
        double lo, hi;
        CHECK(bo_optimizer_input_box(opt, 2, &lo, &hi) == BO_SUCCESS && lo == 0 && hi == 2);
        static const double offset[3] = {1.0, 0.0, 0.5};
        for (int k = 0; k < 24; k++) {
            double x[3];
            bo_ask_info info = {.size = sizeof info};
            if (bo_optimizer_ask(opt, x, &info) != BO_SUCCESS) {
                CHECK_MSG(0, "ask %d: %s", k, bo_optimizer_error(opt));
                break;
            }
            CHECK(x[1] == floor(x[1]) && x[1] >= -2 && x[1] <= 2);
            CHECK(x[2] == floor(x[2]) && x[2] >= 0 && x[2] <= 2);
            double y = (x[0] - 0.7) * (x[0] - 0.7) + (x[1] - 1) * (x[1] - 1) + offset[(int)x[2]];
            CHECK(bo_optimizer_tell(opt, x, info.source, y) == BO_SUCCESS);
        }
        double best, at[3];
        CHECK(bo_optimizer_best(opt, &best, at) == BO_SUCCESS);
        CHECK_MSG(best < 0.01 && at[1] == 1 && at[2] == 1, "best %g at (%g, %g, %g)", best,
                  at[0], at[1], at[2]);
        double half[3] = {0.5, 0.5, 1};
        CHECK_ERR(bo_optimizer_tell(opt, half, 0, 1.0), BO_ERR_INVALID, bo_optimizer_error(opt),
                  "tell: n (x[1]) = 0.5 is not an integer");
        double level[3] = {0.5, 1, 1.5};
        CHECK_ERR(bo_optimizer_tell(opt, level, 0, 1.0), BO_ERR_INVALID, bo_optimizer_error(opt),
                  "tell: m (x[2]) = 1.5 is not a level index");
        double mean, sd;
        CHECK(bo_optimizer_predict(opt, 1, at, 0, &mean, &sd) == BO_SUCCESS &&
              fabs(mean - best) < 0.05);
        bo_optimizer_free(opt);
        opt = NULL;
    }

    /* A value that is not YAML: named by the option that holds it. */
    o = bo_options_new();
    CHECK(bo_options_add_input(o, "x", 0, 1, 0) == BO_SUCCESS);
    CHECK(bo_options_set(o, "sources", "[{name: lo, cost: 1}") == BO_SUCCESS);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_PARSE, bo_options_error(o),
              "option sources = [{name: lo, cost: 1}: ");
    bo_options_free(o);

    /* A whole config: from a file; then only the seed changes. */
    o = bo_options_new();
    CHECK(bo_options_set(o, "seed", "2") == BO_SUCCESS);
    CHECK_ERR(bo_options_read_file(o, "x.yaml"), BO_ERR_STATE, bo_options_error(o),
              "x.yaml: options were set before (seed)");
    bo_options_free(o);
    o = bo_options_new();
    CHECK_ERR(bo_options_read_file(o, NULL), BO_ERR_INVALID, bo_options_error(o),
              "expected a file name");
    CHECK(bo_options_read_file(o, "/nonexistent/x.yaml") == BO_SUCCESS);
    CHECK_ERR(bo_options_set(o, "seed", "3"), BO_ERR_STATE, bo_options_error(o),
              "only the seed can be changed");
    CHECK_ERR(bo_options_add_input(o, "x", 0, 1, 0), BO_ERR_STATE, bo_options_error(o),
              "the options come from /nonexistent/x.yaml");
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_IO, bo_options_error(o),
              "/nonexistent/x.yaml: cannot open");
    char path[512];
    path_in(path, sizeof path, "bad.yaml");
    write_file(path, "inputs:\n  - {name: x, lower: 0, upper: 1}\nmodel: {kernel: nope}\n");
    CHECK(bo_options_read_file(o, path) == BO_SUCCESS);
    char where[600];
    snprintf(where, sizeof where, "%s:3:17: model.kernel: ", path);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o), where);
    /* An objective, when written, is still checked. */
    write_file(path, "inputs:\n  - {name: x, lower: 0, upper: 1}\nobjective: {}\n");
    snprintf(where, sizeof where, "%s:3:12: objective: expected exactly one of plugin", path);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o), where);
    /* initial_data that cannot be read names its key's place. */
    write_file(path, "inputs:\n  - {name: x, lower: 0, upper: 1}\ninitial_data: none.csv\n");
    snprintf(where, sizeof where, "%s:3:15: initial_data: ", path);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_IO, bo_options_error(o), where);
    CHECK(strstr(bo_options_error(o), "none.csv: cannot open") != NULL);
    /* initial_data: rows outside the box are refused at their line; good
     * rows are observations before the first ask. */
    char data[512];
    path_in(data, sizeof data, "prior.csv");
    write_file(data, "x,y\n0.25,1.5\n2,1\n");
    write_file(path, "inputs:\n  - {name: x, lower: 0, upper: 1}\ninitial_data: %s\n", data);
    snprintf(where, sizeof where, "%s:3:15: initial_data: ", path);
    CHECK_ERR(bo_optimizer_new(o, &opt), BO_ERR_INVALID, bo_options_error(o), where);
    CHECK(strstr(bo_options_error(o), "prior.csv:3") != NULL);
    write_file(data, "x,y\n0.25,1.5\n0.75,1\n");
    CHECK_MSG(bo_optimizer_new(o, &opt) == BO_SUCCESS, "%s", bo_options_error(o));
    if (opt) {
        double x, y;
        CHECK(bo_optimizer_n_observations(opt) == 2);
        CHECK(bo_optimizer_best(opt, &y, &x) == BO_SUCCESS && y == 1 && x == 0.75);
        bo_ask_info info = BO_ASK_INFO_INIT;
        CHECK(bo_optimizer_ask(opt, &x, &info) == BO_SUCCESS && info.eval == 1 && info.initial);
    }
    bo_optimizer_free(opt);
    opt = NULL;
    bo_options_free(o);
    CHECK(strcmp(bo_result_string(BO_ERR_STATE), "call out of order") == 0);
    CHECK(strcmp(bo_result_string((bo_result)99), "unknown result") == 0);
    CHECK(strcmp(bo_version(), BO_VERSION_STRING) == 0);
    CHECK(strcmp(BO_VERSION_STRING, BO_VERSION) == 0);
}

static void test_call_errors(void)
{
    bo_optimizer *opt = small();
    CHECK(opt != NULL);
    if (!opt)
        return;
    double x[2], y;
    CHECK(bo_optimizer_ask(NULL, x, NULL) == BO_ERR_INVALID);
    CHECK(bo_optimizer_error(NULL) != NULL);
    CHECK_ERR(bo_optimizer_ask(opt, NULL, NULL), BO_ERR_INVALID, bo_optimizer_error(opt),
              "ask: x is NULL");
    bo_ask_info tiny = {0};
    CHECK_ERR(bo_optimizer_ask(opt, x, &tiny), BO_ERR_INVALID, bo_optimizer_error(opt),
              "info->size is 0");
    CHECK(bo_optimizer_best(opt, &y, NULL) == BO_ERR_STATE);
    CHECK_ERR(bo_optimizer_predict(opt, 1, x, 0, &y, NULL), BO_ERR_STATE,
              bo_optimizer_error(opt), "no successful observation");

    double out_of_box[2] = {11, 1}, nan_point[2] = {NAN, 1}, fine[2] = {1, 1};
    CHECK_ERR(bo_optimizer_tell(opt, out_of_box, 0, 1.0), BO_ERR_INVALID,
              bo_optimizer_error(opt), "tell: x1 (x[0]) = 11 is outside its box [-5, 10]");
    CHECK_ERR(bo_optimizer_tell(opt, nan_point, 0, 1.0), BO_ERR_INVALID,
              bo_optimizer_error(opt), "tell: x1 (x[0]) is NaN");
    CHECK_ERR(bo_optimizer_tell(opt, fine, 0, NAN), BO_ERR_INVALID, bo_optimizer_error(opt),
              "tell: y is nan; a failed evaluation is told with bo_optimizer_tell_failed");
    CHECK_ERR(bo_optimizer_tell(opt, fine, 0, INFINITY), BO_ERR_INVALID,
              bo_optimizer_error(opt), "y is inf");
    CHECK_ERR(bo_optimizer_tell(opt, fine, 1, 1.0), BO_ERR_INVALID, bo_optimizer_error(opt),
              "tell: source 1 out of range (1 source)");
    CHECK_ERR(bo_optimizer_tell(opt, NULL, 0, 1.0), BO_ERR_INVALID, bo_optimizer_error(opt),
              "tell: x is NULL");
    CHECK_ERR(bo_optimizer_tell_failed(opt, out_of_box, 0), BO_ERR_INVALID,
              bo_optimizer_error(opt), "tell_failed: x1 (x[0]) = 11");
    CHECK_ERR(bo_optimizer_cancel(opt, fine, 0), BO_ERR_INVALID, bo_optimizer_error(opt),
              "cancel: that point is not pending on source 0 (f)");
    CHECK(bo_optimizer_n_observations(opt) == 0);

    /* Pending points: asked twice, two different design points. */
    double p1[2], p2[2];
    bo_ask_info i1 = BO_ASK_INFO_INIT, i2 = BO_ASK_INFO_INIT;
    CHECK(bo_optimizer_ask(opt, p1, &i1) == BO_SUCCESS);
    CHECK(bo_optimizer_ask(opt, p2, &i2) == BO_SUCCESS);
    CHECK(i1.eval == 1 && i2.eval == 2 && i1.initial && i2.initial);
    CHECK(isnan(i1.acquisition));
    CHECK(memcmp(p1, p2, sizeof p1) != 0);
    CHECK(bo_optimizer_n_pending(opt) == 2);
    CHECK(bo_optimizer_cancel(opt, p2, 0) == BO_SUCCESS);
    CHECK(bo_optimizer_n_pending(opt) == 1);
    CHECK(bo_optimizer_tell_failed(opt, p1, 0) == BO_SUCCESS);
    CHECK(bo_optimizer_n_pending(opt) == 0);
    int ok = 1;
    double got[2];
    CHECK(bo_optimizer_observation(opt, 0, got, NULL, &y, &ok) == BO_SUCCESS);
    CHECK(ok == 0 && isnan(y) && memcmp(got, p1, sizeof got) == 0);
    CHECK(bo_optimizer_observation(opt, 1, got, NULL, &y, &ok) == BO_ERR_INVALID);
    /* A point the caller chose itself is an observation too. */
    CHECK(bo_optimizer_tell(opt, fine, 0, 3.5) == BO_SUCCESS);
    CHECK(bo_optimizer_best(opt, &y, got) == BO_SUCCESS && y == 3.5 && got[0] == 1);

    CHECK_ERR(bo_optimizer_predict(opt, 1, NULL, 0, &y, NULL), BO_ERR_INVALID,
              bo_optimizer_error(opt), "predict: X is NULL");
    CHECK_ERR(bo_optimizer_predict(opt, 1, nan_point, 0, &y, NULL), BO_ERR_INVALID,
              bo_optimizer_error(opt), "predict: point 0, x1 (column 0) is nan");
    CHECK_ERR(bo_optimizer_predict(opt, 1, fine, 2, &y, NULL), BO_ERR_INVALID,
              bo_optimizer_error(opt), "predict: source 2 out of range");

    CHECK(bo_optimizer_dim(opt) == 2 && bo_optimizer_n_sources(opt) == 1);
    CHECK(strcmp(bo_optimizer_input_name(opt, 1), "x2") == 0);
    CHECK(bo_optimizer_input_name(opt, 2) == NULL);
    CHECK(strcmp(bo_optimizer_source_name(opt, 0), "f") == 0);
    /* A caller's older, shorter bo_ask_info: nothing past its size is
     * written. */
    struct {
        bo_ask_info info;
        double guard;
    } older;
    memset(&older, 0xab, sizeof older);
    older.info.size = offsetof(bo_ask_info, source);
    unsigned char pattern[sizeof older];
    memcpy(pattern, &older, sizeof older);
    CHECK(bo_optimizer_ask(opt, x, &older.info) == BO_SUCCESS);
    CHECK(older.info.eval == 3);
    CHECK(memcmp((unsigned char *)&older + offsetof(bo_ask_info, source),
                 pattern + offsetof(bo_ask_info, source),
                 sizeof older - offsetof(bo_ask_info, source)) == 0);
    CHECK(bo_optimizer_cancel(opt, x, 0) == BO_SUCCESS);
    /* NULL handles are refused, not dereferenced. */
    CHECK(bo_optimizer_tell(NULL, x, 0, 1.0) == BO_ERR_INVALID);
    CHECK(bo_optimizer_tell_failed(NULL, x, 0) == BO_ERR_INVALID);
    CHECK(bo_optimizer_cancel(NULL, x, 0) == BO_ERR_INVALID);
    CHECK(bo_optimizer_observation(NULL, 0, x, NULL, NULL, NULL) == BO_ERR_INVALID);
    CHECK(bo_optimizer_best(NULL, &y, x) == BO_ERR_INVALID);
    CHECK(bo_optimizer_predict(NULL, 1, x, 0, &y, NULL) == BO_ERR_INVALID);
    CHECK(bo_optimizer_input_box(NULL, 0, &y, &y) == BO_ERR_INVALID);
    CHECK(bo_optimizer_dim(NULL) == 0 && bo_optimizer_n_sources(NULL) == 0);
    CHECK(bo_optimizer_input_name(NULL, 0) == NULL && bo_optimizer_source_name(NULL, 0) == NULL);
    CHECK(bo_optimizer_n_pending(NULL) == 0 && bo_optimizer_n_observations(NULL) == 0);
    CHECK(bo_options_add_input(NULL, "x", 0, 1, 0) == BO_ERR_INVALID);
    CHECK(bo_options_read_file(NULL, "x.yaml") == BO_ERR_INVALID);
    CHECK(bo_options_set_seed(NULL, 1) == BO_ERR_INVALID);
    CHECK(bo_optimizer_source_name(opt, 1) == NULL);
    double lo, hi;
    CHECK(bo_optimizer_input_box(opt, 1, &lo, &hi) == BO_SUCCESS && lo == 0 && hi == 15);
    CHECK(bo_optimizer_input_box(opt, 2, &lo, &hi) == BO_ERR_INVALID);
    CHECK(bo_optimizer_target_source(opt) == 0);
    bo_optimizer_free(opt);
    bo_optimizer_free(NULL);
    bo_options_free(NULL);
}

/* Predictions: at the observed points of a noise-free quadratic the mean
 * comes back close to the data, and the sd is small there and larger far
 * away; maximisation keeps the user's sign. */
static void test_predict(void)
{
    bo_options *o = bo_options_new();
    bo_options_add_input(o, "x", 0, 1, 0);
    bo_options_set(o, "goal", "maximize");
    bo_options_set(o, "initial_design.size", "6");
    bo_optimizer *opt = NULL;
    CHECK(bo_optimizer_new(o, &opt) == BO_SUCCESS);
    bo_options_free(o);
    if (!opt)
        return;
    double xs[8];
    for (int i = 0; i < 8; i++) {
        CHECK(bo_optimizer_ask(opt, &xs[i], NULL) == BO_SUCCESS);
        CHECK(bo_optimizer_tell(opt, &xs[i], 0, -(xs[i] - 0.3) * (xs[i] - 0.3)) == BO_SUCCESS);
    }
    double mean[8], sd[8];
    CHECK(bo_optimizer_predict(opt, 8, xs, 0, mean, sd) == BO_SUCCESS);
    for (int i = 0; i < 8; i++) {
        CHECK_CLOSE(mean[i], -(xs[i] - 0.3) * (xs[i] - 0.3), 0, 1e-3);
        CHECK(sd[i] < 1e-2);
    }
    double best, at;
    CHECK(bo_optimizer_best(opt, &best, &at) == BO_SUCCESS);
    CHECK(best == -(at - 0.3) * (at - 0.3) && best <= 0);
    bo_optimizer_free(opt);

    /* Predicting between tells leaves the suggestions alone: two
     * optimizers of the same options, one predicting after every tell,
     * ask the same points. */
    bo_optimizer *quiet = NULL, *busy = NULL;
    o = bo_options_new();
    bo_options_add_input(o, "x", 0, 1, 0);
    bo_options_set(o, "initial_design.size", "4");
    CHECK(bo_optimizer_new(o, &quiet) == BO_SUCCESS && bo_optimizer_new(o, &busy) == BO_SUCCESS);
    bo_options_free(o);
    int same = quiet && busy;
    for (int i = 0; same && i < 9; i++) {
        double xq, xb, grid[3] = {0.1, 0.5, 0.9};
        CHECK(bo_optimizer_ask(quiet, &xq, NULL) == BO_SUCCESS);
        CHECK(bo_optimizer_ask(busy, &xb, NULL) == BO_SUCCESS);
        same = xq == xb;
        CHECK(bo_optimizer_tell(quiet, &xq, 0, sin(6 * xq)) == BO_SUCCESS);
        CHECK(bo_optimizer_tell(busy, &xb, 0, sin(6 * xb)) == BO_SUCCESS);
        CHECK(bo_optimizer_predict(busy, 3, grid, 0, mean, sd) == BO_SUCCESS);
    }
    CHECK(same);
    bo_optimizer_free(quiet);
    bo_optimizer_free(busy);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_api") != 0)
        return 1;
    test_option_errors();
    test_call_errors();
    test_predict();
    test_same_history_as_bo_run();
    return CHECK_DONE();
}
