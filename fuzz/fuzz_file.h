#ifndef BO_FUZZ_FUZZ_FILE_H
#define BO_FUZZ_FUZZ_FILE_H

/* What every harness shares. The parsers under test read files by path, so
 * each run writes the fuzzer's bytes to a file in a private folder made on
 * the first call and removed at exit: under $BO_FUZZ_TMPDIR when set, else
 * /dev/shm when it can be written (in memory: twenty times the executions
 * per second of a disk), else $TMPDIR or /tmp. A broken invariant is
 * reported with bo_fuzz_fail, which aborts: libFuzzer then saves the input
 * as a crash. */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The folder, "" until made, and the files named in it. */
static char bo_fuzz_dir_[2048];
static char bo_fuzz_paths_[4][sizeof bo_fuzz_dir_ + 64];
static size_t bo_fuzz_n_paths_;

static inline void bo_fuzz_remove_files_(void)
{
    for (size_t i = 0; i < bo_fuzz_n_paths_; i++)
        unlink(bo_fuzz_paths_[i]);
    rmdir(bo_fuzz_dir_);
}

static inline void bo_fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* The path of file `name` in the private folder; the same pointer for the
 * same name on every call (at most four names per harness). */
static inline const char *bo_fuzz_path(const char *name)
{
    if (bo_fuzz_dir_[0] == '\0') {
        const char *tmp = getenv("BO_FUZZ_TMPDIR");
        if (tmp == NULL || tmp[0] == '\0')
            tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
        snprintf(bo_fuzz_dir_, sizeof bo_fuzz_dir_, "%s/bo-fuzz-XXXXXX",
                 tmp && tmp[0] ? tmp : "/tmp");
        if (mkdtemp(bo_fuzz_dir_) == NULL) {
            perror(bo_fuzz_dir_);
            abort();
        }
        atexit(bo_fuzz_remove_files_);
    }
    char path[sizeof bo_fuzz_paths_[0]];
    if (strlen(name) >= 60)
        bo_fuzz_fail("bo_fuzz_path: name too long (%s)", name);
    snprintf(path, sizeof path, "%s/%s", bo_fuzz_dir_, name);
    for (size_t i = 0; i < bo_fuzz_n_paths_; i++)
        if (strcmp(bo_fuzz_paths_[i], path) == 0)
            return bo_fuzz_paths_[i];
    if (bo_fuzz_n_paths_ == sizeof bo_fuzz_paths_ / sizeof bo_fuzz_paths_[0])
        bo_fuzz_fail("bo_fuzz_path: more than four files (%s)", name);
    memcpy(bo_fuzz_paths_[bo_fuzz_n_paths_], path, sizeof path);
    return bo_fuzz_paths_[bo_fuzz_n_paths_++];
}

/* Writes size bytes to file `name` (replacing it) and returns its path. */
static inline const char *bo_fuzz_file(const char *name, const uint8_t *data, size_t size)
{
    const char *path = bo_fuzz_path(name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

#endif
