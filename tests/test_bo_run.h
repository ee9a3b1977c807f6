#ifndef BO_TESTS_TEST_BO_RUN_H
#define BO_TESTS_TEST_BO_RUN_H

/* Whole runs of the bo-run program from a test: a temporary folder for the
 * configs and run folders, files written into it, and bo-run started with
 * its stdout and stderr in tmpdir/out.txt and tmpdir/err.txt. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
