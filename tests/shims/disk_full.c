/* A full disk for the fault tests, loaded with LD_PRELOAD into bo-run: write()
 * to a regular file fails with ENOSPC, as the kernel does on a full file
 * system, once the process has written BO_DISK_FULL_AFTER bytes to regular
 * files (the write that crosses the limit is cut short at it, as a real one
 * would be), or at once for a file whose path contains BO_DISK_FULL_PATHS.
 * Pipes, terminals and sockets are left alone, so the objective's answers and
 * bo-run's messages still flow. Unset variables mean no limit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long long written_to_files;

static int path_matches(int fd, const char *pattern)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0)
        return 0;
    path[n] = '\0';
    return strstr(path, pattern) != NULL;
}

ssize_t write(int fd, const void *buf, size_t count)
{
    static ssize_t (*real_write)(int, const void *, size_t);
    if (!real_write)
        real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    struct stat sb;
    if (count == 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return real_write(fd, buf, count);
    const char *pattern = getenv("BO_DISK_FULL_PATHS");
    if (pattern && *pattern && path_matches(fd, pattern)) {
        errno = ENOSPC;
        return -1;
    }
    const char *after = getenv("BO_DISK_FULL_AFTER");
    if (after && *after) {
        unsigned long long limit = strtoull(after, NULL, 10);
        if (written_to_files >= limit) {
            errno = ENOSPC;
            return -1;
        }
        if (count > limit - written_to_files)
            count = (size_t)(limit - written_to_files);
    }
    ssize_t n = real_write(fd, buf, count);
    if (n > 0)
        written_to_files += (unsigned long long)n;
    return n;
}
