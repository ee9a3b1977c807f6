#ifndef BO_TESTS_TEST_FILES_H
#define BO_TESTS_TEST_FILES_H

/* File helpers shared by the test programs that write fixtures and read
 * back what a program wrote. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Writes text to path (replacing it); silently does nothing when the file
 * cannot be opened, which the reading side then reports. */
static inline void test_write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* The whole file as a NUL-terminated string (caller frees); "" when it
 * cannot be read, so callers can strstr() without a NULL check. */
static inline char *test_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return calloc(1, 1);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc((size_t)(n > 0 ? n : 0) + 1, 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

/* The file's first 64 KiB as a string in a buffer that the next call
 * reuses; "" when it cannot be read. For short outputs a test inspects at
 * once (a program's stdout or stderr). */
static inline const char *test_slurp(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    size_t got = 0;
    if (f != NULL) {
        got = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[got] = '\0';
    return buf;
}

static inline int test_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

#endif
