#ifndef BO_TESTS_TEST_BO_RUN_H
#define BO_TESTS_TEST_BO_RUN_H

/* Whole runs of the bo-run program from a test: a temporary folder for the
 * configs and run folders, files written into it, bo-run started with its
 * stdout and stderr in tmpdir/out.txt and tmpdir/err.txt, histories
 * compared, and the folder removed when every check passed. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/history.h"
#include "tests/test_process.h"

static char tmpdir[128];

/* Makes /tmp/<name>_XXXXXX; 0 on success. */
static inline int test_make_tmpdir(const char *name)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/%s_XXXXXX", name);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* The test program's exit status: result, after removing tmpdir when it is
 * 0 (a failed test keeps its outputs and says where). */
static inline int test_finish(int result)
{
    if (result == 0) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmpdir);
    } else {
        fprintf(stderr, "outputs kept in %s\n", tmpdir);
    }
    return result;
}

/* Two history rows of a two-input run equal in every column but the
 * timings (NaN equal to NaN). */
static inline int same_rows(const bo_history_row *a, const bo_history_row *b)
{
    int same = a->eval == b->eval && a->phase == b->phase && strcmp(a->source, b->source) == 0 &&
               a->status == b->status && strcmp(a->message, b->message) == 0 &&
               a->cost == b->cost && a->cum_cost == b->cum_cost;
    same &= memcmp(a->x, b->x, 2 * sizeof(double)) == 0;
    same &= (isnan(a->y) && isnan(b->y)) || a->y == b->y;
    same &= (isnan(a->best) && isnan(b->best)) || a->best == b->best;
    same &= (isnan(a->acq) && isnan(b->acq)) || a->acq == b->acq;
    return same;
}

static inline void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static inline void write_file(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void write_file(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* Starts bo-run with the given arguments (NULL-terminated). */
static inline pid_t start_bo_run(const char *const *args)
{
    char out[512], err[512];
    path_in(out, sizeof out, "out.txt");
    path_in(err, sizeof err, "err.txt");
    return test_spawn(BO_BINARY_DIR "/bo-run", args, out, err);
}

static inline int bo_run(const char *const *args)
{
    return test_wait_exit(start_bo_run(args));
}

#endif
