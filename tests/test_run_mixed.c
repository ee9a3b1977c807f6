/* Whole runs over integer and categorical inputs: the plugin
 * (tests/plugins/mixed_levels.c) checks every point and level name it is
 * given; history.csv holds level names and integers and reads back; a run
 * extended with --resume equals one made in one go; two workers never
 * evaluate a point twice; a command receives NAME=LEVEL arguments and
 * BO_INPUT_NAME=LEVEL variables; a history naming a level the config does
 * not have is refused by --resume, naming the row; two sources with a
 * categorical input. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bo/io/history.h"
#include "tests/check.h"
#include "tests/test_bo_run.h"
#include "tests/test_files.h"

static const char *const input_names[] = {"x", "n", "material"};
static const char *const material[] = {"steel", "al, 6061", "titanium"};
static const size_t n_levels[] = {0, 0, 3};
static const char *const *const level_names[] = {NULL, NULL, material};

/* The rows of DIR/history.csv of a run with these inputs and levels. */
static int read_run(const char *dir, const char *const *names, size_t n_inputs,
                    const bo_history_levels *levels, bo_history_row **rows, size_t *n)
{
    char path[2200], err[512];
    snprintf(path, sizeof path, "%s/history.csv", dir);
    bo_status st =
        bo_history_read_levels(path, names, n_inputs, levels, NULL, 0, rows, n, err, sizeof err);
    CHECK_MSG(st == BO_OK, "%s", err);
    return st == BO_OK ? 0 : -1;
}

/* Writes an executable script NAME into the test folder; its path to path. */
static void write_script(char *path, size_t len, const char *name, const char *text)
{
    path_in(path, len, name);
    write_file(path, "%s", text);
    chmod(path, 0755);
}

static const char inputs_yaml[] =
    "inputs:\n"
    "  - {name: x, lower: 0, upper: 1}\n"
    "  - {name: n, type: integer, lower: -2, upper: 4}\n"
    "  - {name: material, type: categorical, levels: [steel, 'al, 6061', titanium]}\n";

static void write_plugin_config(const char *file, int evaluations, int workers)
{
    char path[512];
    path_in(path, sizeof path, file);
    write_file(path,
               "name: mixed\n"
               "seed: 4\n"
               "objective: {plugin: %s/test-plugins/mixed_levels.so}\n"
               "%s"
               "initial_design: {size: 6}\n"
               "evaluation: {workers: %d}\n"
               "budget: {max_evaluations: %d}\n"
               "output: {plot: svg}\n",
               BO_BINARY_DIR, inputs_yaml, workers, evaluations);
}

static int read_rows(const char *dir, bo_history_row **rows, size_t *n)
{
    bo_history_levels levels = {n_levels, level_names};
    return read_run(dir, input_names, 3, &levels, rows, n);
}

/* Every row ok (the plugin checked what it got), integers and level
 * indices in range, no point twice; returns the best y. */
static double check_rows(const bo_history_row *rows, size_t n)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const double *x = rows[i].x;
        CHECK_MSG(rows[i].status == BO_HISTORY_OK, "row %zu: %s", i + 1, rows[i].message);
        CHECK_MSG(x[1] == floor(x[1]) && x[1] >= -2 && x[1] <= 4, "row %zu: n = %g", i + 1, x[1]);
        CHECK_MSG(x[2] == floor(x[2]) && x[2] >= 0 && x[2] <= 2, "row %zu: material %g", i + 1,
                  x[2]);
        for (size_t k = 0; k < i; k++)
            CHECK_MSG(memcmp(rows[k].x, x, 3 * sizeof *x) != 0, "rows %zu and %zu: one point",
                      k + 1, i + 1);
        if (rows[i].status == BO_HISTORY_OK && rows[i].y < best)
            best = rows[i].y;
    }
    return best;
}

/* text with its first ",steel," or ",titanium," turned into ",gold,"
 * (malloc'd), or NULL when it has neither. */
static char *replace_level(const char *text)
{
    const char *from = ",steel,";
    const char *at = strstr(text, from);
    if (!at) {
        from = ",titanium,";
        at = strstr(text, from);
    }
    if (!at)
        return NULL;
    size_t head = (size_t)(at - text), n = strlen(text);
    char *out = malloc(n + 8);
    if (!out)
        return NULL;
    memcpy(out, text, head);
    strcpy(out + head, ",gold,");
    strcat(out, at + strlen(from));
    return out;
}

static void test_plugin_runs(void)
{
    char cfg12[512], cfg20[512], cfg_k2[512], once[512], resumed[512], two[512];
    write_plugin_config("m12.yaml", 12, 1);
    write_plugin_config("m20.yaml", 20, 1);
    write_plugin_config("k2.yaml", 14, 2);
    path_in(cfg12, sizeof cfg12, "m12.yaml");
    path_in(cfg20, sizeof cfg20, "m20.yaml");
    path_in(cfg_k2, sizeof cfg_k2, "k2.yaml");
    path_in(once, sizeof once, "once");
    path_in(resumed, sizeof resumed, "resumed");
    path_in(two, sizeof two, "two");
    CHECK(bo_run((const char *[]){cfg20, "--out", once, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg12, "--out", resumed, "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg20, "--out", resumed, "--resume", "--quiet", NULL}) == 0);
    CHECK(bo_run((const char *[]){cfg_k2, "--out", two, "--quiet", NULL}) == 0);

    bo_history_row *a = NULL, *b = NULL, *c = NULL;
    size_t na = 0, nb = 0, nc = 0;
    if (read_rows(once, &a, &na) == 0 && read_rows(resumed, &b, &nb) == 0) {
        CHECK(na == 20 && nb == 20);
        double best = check_rows(a, na);
        /* The optimum is 0 at (0.3, 1, titanium); 14 model-based steps
         * find the level and the integer. */
        CHECK_MSG(best < 0.05, "best %g after 20 evaluations", best);
        for (size_t i = 0; i < na && i < nb; i++)
            CHECK_MSG(a[i].eval == b[i].eval && memcmp(a[i].x, b[i].x, 3 * sizeof(double)) == 0 &&
                          a[i].y == b[i].y,
                      "row %zu differs between the run in one go and the resumed one", i + 1);
    }
    if (read_rows(two, &c, &nc) == 0) {
        CHECK(nc == 14);
        check_rows(c, nc);
    }
    bo_history_rows_free(a);
    bo_history_rows_free(b);
    bo_history_rows_free(c);

    /* bo-gp fits the history as it is: the level column is categorical. */
    char path[700], fit_out[512], fit_err[512], model_path[700];
    path_in(fit_out, sizeof fit_out, "fit.txt");
    path_in(fit_err, sizeof fit_err, "fit-err.txt");
    snprintf(path, sizeof path, "%s/history.csv", once);
    snprintf(model_path, sizeof model_path, "%s/history.model", once);
    CHECK(test_wait_exit(test_spawn(BO_BINARY_DIR "/bo-gp",
                                    (const char *[]){"fit", path, "-o", model_path, NULL},
                                    fit_out, fit_err)) == 0);
    char *fit = test_read_text(fit_out);
    CHECK_MSG(fit && strstr(fit, "material  categorical, 3 levels") &&
                  strstr(fit, "latent map of 'material'"),
              "%s", fit ? fit : "");
    free(fit);

    /* The file holds the names, quoted where they hold a comma. */
    char *text = test_read_text(path);
    CHECK(text && strncmp(text, "eval,phase,source,x,n,material,y,", 33) == 0);
    CHECK(text && (strstr(text, ",titanium,") || strstr(text, ",steel,") ||
                   strstr(text, ",\"al, 6061\",")));
    free(text);

    /* A level the config does not name: --resume refuses, naming the row. */
    snprintf(path, sizeof path, "%s/history.csv", resumed);
    text = test_read_text(path);
    char *edited = text ? replace_level(text) : NULL;
    CHECK(edited != NULL);
    if (edited) {
        test_write_text(path, edited);
        char cfg24[512];
        write_plugin_config("m24.yaml", 24, 1);
        path_in(cfg24, sizeof cfg24, "m24.yaml");
        CHECK(bo_run((const char *[]){cfg24, "--out", resumed, "--resume", "--quiet", NULL}) == 2);
        char err_path[512];
        path_in(err_path, sizeof err_path, "err.txt");
        char *err = test_read_text(err_path);
        CHECK_MSG(err && strstr(err, "value 'gold' is not one of its levels"), "%s",
                  err ? err : "");
        free(err);
        free(edited);
    }
    free(text);
}

/* A command: the script checks that the argument and the variable agree
 * and prints y from the level's name. */
static void test_command(void)
{
    char script[512], cfg[512], out[512];
    write_script(script, sizeof script, "objective.sh",
               "#!/bin/sh\n"
               "for a in \"$@\"; do case \"$a\" in\n"
               "  material=*) m=\"${a#material=}\";;\n"
               "  n=*) n=\"${a#n=}\";;\n"
               "esac; done\n"
               "[ \"$m\" = \"$BO_INPUT_material\" ] ||\n"
               "  { echo \"arg $m env $BO_INPUT_material\" >&2; exit 3; }\n"
               "case \"$m\" in\n"
               "  steel) echo $((n * n + 20));;\n"
               "  'al, 6061') echo $((n * n + 10));;\n"
               "  titanium) echo $((n * n));;\n"
               "  *) echo \"unknown level '$m'\" >&2; exit 4;;\n"
               "esac\n");
    path_in(cfg, sizeof cfg, "command.yaml");
    write_file(cfg,
               "name: mixed_command\n"
               "seed: 2\n"
               "objective: {command: [%s]}\n"
               "inputs:\n"
               "  - {name: n, type: integer, lower: -3, upper: 3}\n"
               "  - {name: material, type: categorical, levels: [steel, 'al, 6061', titanium]}\n"
               "initial_design: {size: 5}\n"
               "budget: {max_evaluations: 12}\n"
               "output: {plot: svg}\n",
               script);
    path_in(out, sizeof out, "command");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    static const char *const names[] = {"n", "material"};
    static const size_t nl[] = {0, 3};
    static const char *const *const ln[] = {NULL, material};
    bo_history_levels levels = {nl, ln};
    bo_history_row *rows = NULL;
    size_t n = 0;
    read_run(out, names, 2, &levels, &rows, &n);
    int found_zero = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(rows[i].status == BO_HISTORY_OK, "row %zu: %s", i + 1, rows[i].message);
        double k = rows[i].x[0], level = rows[i].x[1];
        double want = k * k + (level == 0 ? 20 : level == 1 ? 10 : 0);
        CHECK_MSG(rows[i].y == want, "row %zu: y %g for n %g, level %g", i + 1, rows[i].y, k,
                  rows[i].x[1]);
        found_zero |= rows[i].y == 0;
    }
    /* 21 points in all; 12 evaluations find (0, titanium). */
    CHECK(n == 12 && found_zero);
    bo_history_rows_free(rows);
}

/* Sources and a categorical input together (GP+'s multi-fidelity setting
 * with categorical variables): MFCA chooses among two sources of a command
 * whose levels shift y; both sources are evaluated and the target's best
 * lies at the best level. */
static void test_multi_fidelity(void)
{
    char script[512], cfg[512], out[512];
    write_script(script, sizeof script, "mf.sh",
               "#!/bin/sh\n"
               "for a in \"$@\"; do case \"$a\" in\n"
               "  x=*) x=\"${a#x=}\";; m=*) m=\"${a#m=}\";; source=*) s=\"${a#source=}\";;\n"
               "esac; done\n"
               "case \"$m\" in a) o=1;; b) o=0;; c) o=2;; *) exit 4;; esac\n"
               "if [ \"$s\" = HF ]; then c=0.3; d=0; else c=0.35; d=0.1; fi\n"
               "awk -v x=\"$x\" -v o=\"$o\" -v c=\"$c\" -v d=\"$d\" "
               "'BEGIN { print (x - c) ^ 2 + o + d }'\n");
    path_in(cfg, sizeof cfg, "mf.yaml");
    write_file(cfg,
               "name: mixed_mf\n"
               "seed: 1\n"
               "objective: {command: [%s]}\n"
               "inputs:\n"
               "  - {name: x, lower: 0, upper: 1}\n"
               "  - {name: m, type: categorical, levels: [a, b, c]}\n"
               "sources:\n"
               "  - {name: HF, cost: 1, initial: 4}\n"
               "  - {name: LF, cost: 0.1, initial: 8}\n"
               "target: HF\n"
               "acquisition: {type: mfca}\n"
               "budget: {max_cost: 12}\n"
               "output: {plot: svg}\n",
               script);
    path_in(out, sizeof out, "mf");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    static const char *const names[] = {"x", "m"};
    static const char *const abc[] = {"a", "b", "c"};
    static const size_t nl[] = {0, 3};
    static const char *const *const ln[] = {NULL, abc};
    bo_history_levels levels = {nl, ln};
    bo_history_row *rows = NULL;
    size_t n = 0;
    read_run(out, names, 2, &levels, &rows, &n);
    size_t n_lf = 0, n_hf = 0;
    double best = INFINITY, best_level = -1;
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(rows[i].status == BO_HISTORY_OK, "row %zu: %s", i + 1, rows[i].message);
        int hf = strcmp(rows[i].source, "HF") == 0;
        n_hf += (size_t)hf;
        n_lf += (size_t)!hf;
        if (hf && rows[i].y < best) {
            best = rows[i].y;
            best_level = rows[i].x[1];
        }
    }
    CHECK_MSG(n_lf > 8 && n_hf > 4, "%zu LF and %zu HF evaluations", n_lf, n_hf);
    CHECK_MSG(best < 1e-3 && best_level == 1, "best HF %g at level %g", best, best_level);
    bo_history_rows_free(rows);
    char path[700];
    snprintf(path, sizeof path, "%s/model.txt", out);
    char *model = test_read_text(path);
    CHECK(model && strstr(model, "level_latent:") && strstr(model, "\n  m:\n    a: [0, 0]\n"));
    free(model);
}

/* model.latent shared with two categorical inputs: one map over their six
 * combinations, each written in model.txt as its levels joined by '/'. */
static void test_shared_map(void)
{
    char script[512], cfg[512], out[512];
    write_script(script, sizeof script, "two.sh",
               "#!/bin/sh\n"
               "for a in \"$@\"; do case \"$a\" in\n"
               "  x=*) x=\"${a#x=}\";; p=*) p=\"${a#p=}\";; q=*) q=\"${a#q=}\";;\n"
               "esac; done\n"
               "case \"$p$q\" in ux) o=0;; uy) o=1;; uz) o=3;; vx) o=2;; vy) o=1;; vz) o=0.5;; "
               "*) exit 4;; esac\n"
               "awk -v x=\"$x\" -v o=\"$o\" 'BEGIN { print (x - 0.5) ^ 2 + o }'\n");
    path_in(cfg, sizeof cfg, "shared.yaml");
    write_file(cfg,
               "name: shared\n"
               "objective: {command: [%s]}\n"
               "inputs:\n"
               "  - {name: x, lower: 0, upper: 1}\n"
               "  - {name: p, type: categorical, levels: [u, v]}\n"
               "  - {name: q, type: categorical, levels: [x, y, z]}\n"
               "model: {latent: shared}\n"
               "initial_design: {size: 6}\n"
               "budget: {max_evaluations: 14}\n"
               "output: {plot: svg}\n",
               script);
    path_in(out, sizeof out, "shared");
    CHECK(bo_run((const char *[]){cfg, "--out", out, "--quiet", NULL}) == 0);
    char path[700];
    snprintf(path, sizeof path, "%s/model.txt", out);
    char *model = test_read_text(path);
    CHECK_MSG(model && strstr(model, "  shared:   # the combinations of p q\n    u/x: [0, 0]\n") &&
                  strstr(model, "\n    v/z: ["),
              "%s", model ? model : "");
    free(model);
}

/* mpirun -n 3: the worker ranks load the plugin, which checks the level
 * names they pass; rank 0 writes them to the history. */
static void test_mpi(void)
{
    if (system("command -v mpirun >/dev/null 2>&1") != 0) {
        printf("mpirun not installed: MPI run with categorical inputs not tested\n");
        return;
    }
    char cfg[512], out[512], outtxt[512], errtxt[512];
    write_plugin_config("mpi.yaml", 12, 1);
    path_in(cfg, sizeof cfg, "mpi.yaml");
    path_in(out, sizeof out, "mpi");
    path_in(outtxt, sizeof outtxt, "mpi-out.txt");
    path_in(errtxt, sizeof errtxt, "mpi-err.txt");
    /* MPI's own libraries keep memory to the end: leak reports from them
     * are not ours. */
    const char *args[] = {"--allow-run-as-root", "--oversubscribe", "-n", "3",
                          "-x", "ASAN_OPTIONS=detect_leaks=0",
                          BO_BINARY_DIR "/bo-run", cfg, "--out", out, "--quiet", NULL};
    int code = test_wait_exit(test_spawn("/usr/bin/mpirun", args, outtxt, errtxt));
    char *err = test_read_text(errtxt);
    CHECK_MSG(code == 0, "mpirun exit %d: %s", code, err ? err : "");
    free(err);
    bo_history_row *rows = NULL;
    size_t n = 0;
    if (read_rows(out, &rows, &n) == 0) {
        CHECK(n == 12);
        check_rows(rows, n);
        size_t by_workers = 0;
        for (size_t i = 0; i < n; i++)
            by_workers += rows[i].worker == 1 || rows[i].worker == 2;
        CHECK(by_workers == n);
    }
    bo_history_rows_free(rows);
}

/* An all-discrete space smaller than the budget: each of its 6 points is
 * evaluated once, even with an initial design of 8, then the run stops. */
static void test_exhausted_space(void)
{
    char script[512], cfg[512], out[512];
    write_script(script, sizeof script, "small.sh",
                 "#!/bin/sh\n"
                 "for a in \"$@\"; do case \"$a\" in\n"
                 "  n=*) n=\"${a#n=}\";; m=*) m=\"${a#m=}\";;\n"
                 "esac; done\n"
                 "case \"$m\" in a) o=0;; b) o=1;; *) exit 4;; esac\n"
                 "echo $((n * n + o))\n");
    path_in(cfg, sizeof cfg, "small.yaml");
    write_file(cfg,
               "name: small\n"
               "objective: {command: [%s]}\n"
               "inputs:\n"
               "  - {name: n, type: integer, lower: 0, upper: 2}\n"
               "  - {name: m, type: categorical, levels: [a, b]}\n"
               "initial_design: {size: 8}\n"
               "evaluation: {workers: 2}\n"
               "budget: {max_evaluations: 10}\n"
               "output: {plot: svg}\n",
               script);
    path_in(out, sizeof out, "small");
    CHECK(bo_run((const char *[]){cfg, "--out", out, NULL}) == 0);
    char path[600];
    path_in(path, sizeof path, "out.txt");
    char *said = test_read_text(path);
    CHECK_MSG(said && strstr(said, "every point of the input space has been evaluated after 6 "
                                   "evaluations"), "%s", said ? said : "");
    free(said);
    static const char *const names[] = {"n", "m"};
    static const char *const ab[] = {"a", "b"};
    static const size_t nl[] = {0, 2};
    static const char *const *const ln[] = {NULL, ab};
    bo_history_levels levels = {nl, ln};
    bo_history_row *rows = NULL;
    size_t n = 0;
    if (read_run(out, names, 2, &levels, &rows, &n) == 0) {
        CHECK(n == 6);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < i; k++)
                CHECK(memcmp(rows[i].x, rows[k].x, 2 * sizeof(double)) != 0);
    }
    bo_history_rows_free(rows);
}

int main(void)
{
    if (test_make_tmpdir("bo_test_run_mixed") != 0)
        return 1;
    test_multi_fidelity();
    test_shared_map();
    test_plugin_runs();
    test_command();
    test_exhausted_space();
    test_mpi();
    return test_finish(CHECK_DONE());
}
