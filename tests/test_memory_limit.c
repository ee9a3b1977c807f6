/* objective.memory_limit: the key's forms and its errors at their
 * line:column, and whole runs in which an evaluation that tries to take
 * 20 GiB (an isolated plugin, a python3 command) is held to the limit,
 * recorded as failed with its message, and the run goes on. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/config/config.h"
#include "bo/io/history.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x0", "x1"};

/* Loads a config whose objective section ends with `objective_tail`;
 * returns its status, the limit in *bytes and the message in err. */
static bo_status load_with(const char *objective_tail, unsigned long long *bytes, char *err,
                           size_t errlen)
{
    char path[512];
    path_in(path, sizeof path, "limit.yaml");
    write_file(path,
               "name: limit\n"
               "objective:\n"
               "  plugin: %s/test-plugins/flaky.so\n"
               "%s"
               "inputs:\n"
               "  - {name: x0, lower: 0, upper: 1}\n"
               "  - {name: x1, lower: 0, upper: 1}\n"
               "budget: {max_evaluations: 10}\n",
               BO_BINARY_DIR, objective_tail);
    bo_config cfg;
    bo_config_init(&cfg);
    err[0] = '\0';
    bo_status st = bo_config_load(path, &cfg, err, errlen);
    *bytes = cfg.objective.memory_limit;
    if (st == BO_OK) {
        /* The resolved config (the run folder's config.yaml) loads back to
         * the same limit. */
        char resolved[512];
        path_in(resolved, sizeof resolved, "limit-resolved.yaml");
        FILE *f = fopen(resolved, "w");
        CHECK(f && bo_config_write_resolved(&cfg, f) == BO_OK);
        if (f)
            fclose(f);
        bo_config again;
        bo_config_init(&again);
        char err2[512];
        CHECK_MSG(bo_config_load(resolved, &again, err2, sizeof err2) == BO_OK, "%s", err2);
        CHECK(again.objective.memory_limit == cfg.objective.memory_limit);
        bo_config_cleanup(&again);
    }
    bo_config_cleanup(&cfg);
    return st;
}

static void test_config_key(void)
{
    static const struct {
        const char *text;
        unsigned long long bytes;
    } good[] = {
        {"512MiB", 536870912ULL}, {"4GiB", 4294967296ULL}, {"\"1.5 GiB\"", 1610612736ULL},
        {"2GB", 2000000000ULL},   {"1048576", 1048576ULL}, {"3 TiB", 3298534883328ULL},
        {"0", 0ULL},              {"1MiB", 1048576ULL},
    };
    char tail[256], err[1024];
    unsigned long long bytes = 99;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(tail, sizeof tail, "  memory_limit: %s\n", good[i].text);
        CHECK_MSG(load_with(tail, &bytes, err, sizeof err) == BO_OK, "%s: %s", good[i].text,
                  err);
        CHECK_MSG(bytes == good[i].bytes, "%s: %llu", good[i].text, bytes);
    }
    CHECK(load_with("", &bytes, err, sizeof err) == BO_OK && bytes == 0);

    static const struct {
        const char *text, *expect;
    } bad[] = {
        {"-1GiB", "limit.yaml:4:17: objective.memory_limit: expected a byte count"},
        {"4 GiBs", "limit.yaml:4:17: objective.memory_limit: unknown unit 'GiBs'"},
        {"100KiB", "limit.yaml:4:17: objective.memory_limit: 100KiB is less than 1MiB"},
        {"1e30", "limit.yaml:4:17: objective.memory_limit: 1e30 is out of range"},
        {"[4GiB]", "limit.yaml:4:17: objective.memory_limit: expected a byte count"},
        {"", "limit.yaml:4:16: objective.memory_limit: expected a byte count"},
        {"0x100000", "limit.yaml:4:17: objective.memory_limit: expected a byte count"},
        {"inf", "limit.yaml:4:17: objective.memory_limit: expected a byte count"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(tail, sizeof tail, "  memory_limit: %s\n", bad[i].text);
        CHECK_MSG(load_with(tail, &bytes, err, sizeof err) == BO_EINVAL, "%s accepted",
                  bad[i].text);
        CHECK_MSG(strstr(err, bad[i].expect) != NULL, "%s: %s", bad[i].text, err);
    }
    /* In-process, a limit would hold bo-run itself: refused at its place. */
    CHECK(load_with("  isolate: false\n  memory_limit: 1GiB\n", &bytes, err, sizeof err) ==
          BO_EINVAL);
    CHECK_MSG(strstr(err, "limit.yaml:5:17: objective.memory_limit: cannot be enforced with "
                          "objective.isolate: false") != NULL,
              "%s", err);
}

/* The limit is how evaluations run, not what they compute: --resume may
 * change it (a run stopped by it continues with more), a plain comparison
 * names it. */
static void test_resume_may_change_it(void)
{
    char path[512], err[512];
    bo_config a, b;
    bo_config_init(&a);
    bo_config_init(&b);
    unsigned long long bytes = 0;
    CHECK(load_with("  memory_limit: 1GiB\n", &bytes, err, sizeof err) == BO_OK);
    path_in(path, sizeof path, "limit.yaml");
    CHECK(bo_config_load(path, &a, err, sizeof err) == BO_OK);
    CHECK(load_with("  memory_limit: 2GiB\n", &bytes, err, sizeof err) == BO_OK);
    CHECK(bo_config_load(path, &b, err, sizeof err) == BO_OK);
    char what[128] = "";
    CHECK(!bo_config_equal(&a, &b, what, sizeof what));
    CHECK_MSG(strstr(what, "objective.memory_limit") != NULL, "%s", what);
    CHECK(bo_config_equal_ignoring(&a, &b, BO_CONFIG_IGNORE_EVALUATION, what, sizeof what));
    bo_config_cleanup(&a);
    bo_config_cleanup(&b);
}

/* A 20-evaluation run in which every evaluation at x0 > 0.7 tries to take
 * 20 GiB under a 1 GiB limit. */
static void check_run(const char *label, const char *objective, const char *expect)
{
    char cfg[512], out[512];
    snprintf(cfg, sizeof cfg, "%s/%s.yaml", tmpdir, label);
    snprintf(out, sizeof out, "%s/run-%s", tmpdir, label);
    write_file(cfg,
               "name: %s\n"
               "seed: 3\n"
               "objective:\n"
               "%s"
               "  memory_limit: 1GiB\n"
               "  timeout: 60\n"
               "inputs:\n"
               "  - {name: x0, lower: 0, upper: 1}\n"
               "  - {name: x1, lower: 0, upper: 1}\n"
               "initial_design: {method: lhs, size: 8}\n"
               "budget: {max_evaluations: 20}\n"
               "output: {plot: none}\n",
               label, objective);
    int code = bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL});
    CHECK_MSG(code == 0, "%s: exit %d", label, code);
    char hist[600], err[512];
    snprintf(hist, sizeof hist, "%s/history.csv", out);
    bo_history_row *rows = NULL;
    size_t n = 0, failed = 0;
    CHECK_MSG(bo_history_read(hist, input_names, 2, &rows, &n, err, sizeof err) == BO_OK,
              "%s: %s", label, err);
    CHECK_MSG(n == 20, "%s: %zu rows", label, n);
    for (size_t i = 0; i < n; i++) {
        int greedy = rows[i].x[0] > 0.7;
        CHECK_MSG(rows[i].status == (greedy ? BO_HISTORY_FAILED : BO_HISTORY_OK),
                  "%s: row %zu at x0 = %g", label, i + 1, rows[i].x[0]);
        if (!greedy)
            continue;
        failed++;
        CHECK_MSG(strstr(rows[i].message, expect) != NULL, "%s: row %zu: '%s'", label, i + 1,
                  rows[i].message);
    }
    CHECK_MSG(failed >= 1, "%s: no evaluation tried to take the memory", label);
    bo_history_rows_free(rows);
}

static void test_runs(void)
{
    char plugin[512];
    snprintf(plugin, sizeof plugin,
             "  plugin: %s/test-plugins/flaky.so\n  params: {mode: hog, hog_gib: 20}\n",
             BO_BINARY_DIR);
    /* malloc returns NULL and the plugin says so; under ASan its allocator
     * ends the child instead (status 1) and bo-run names the limit: both say
     * "memory". Without
     * the limit reaching the child the plugin answers "no address-space
     * limit", which fails this. */
    check_run("plugin", plugin, "memory");

    char script[512];
    path_in(script, sizeof script, "greedy.py");
    write_file(script,
               "import sys\n"
               "x = dict(a.split('=') for a in sys.argv[1:])\n"
               "x0, x1 = float(x['x0']), float(x['x1'])\n"
               "if x0 > 0.7:\n"
               "    block = bytearray(20 << 30)\n"
               "print((x0 - 0.3) ** 2 + (x1 - 0.6) ** 2)\n");
    char command[700];
    snprintf(command, sizeof command, "  command: [python3, %s]\n", script);
    check_run("command", command, "MemoryError");
}

int main(void)
{
    if (test_make_tmpdir("bo_test_memory_limit") != 0)
        return 1;
    test_config_key();
    test_resume_may_change_it();
    test_runs();
    return CHECK_DONE();
}
