#define _POSIX_C_SOURCE 200809L
#include "bo/io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void release(bo_atomic_file *af)
{
    free(af->path);
    free(af->text);
    af->f = NULL;
    af->path = af->text = NULL;
    af->size = 0;
}

FILE *bo_atomic_file_open(bo_atomic_file *af, const char *path, char *err, size_t errlen)
{
    af->text = NULL;
    af->size = 0;
    af->path = strdup(path);
    /* In memory first: the text is then written with plain write() calls,
     * whose errno (ENOSPC, EDQUOT, EIO) is exact, where a stdio stream on the
     * file only keeps an error flag once a buffer fails part-way. */
    af->f = af->path ? open_memstream(&af->text, &af->size) : NULL;
    if (!af->f) {
        release(af);
        bo_msg(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    return af->f;
}

/* The folder entry made by the rename is durable only once the folder is
 * synced; file systems that cannot sync a folder (EINVAL) keep the file's own
 * data synced regardless, so that failure is not reported. */
static void sync_folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

static int write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

bo_status bo_atomic_file_commit(bo_atomic_file *af, char *err, size_t errlen)
{
    int stream_failed = ferror(af->f) != 0;
    if (fclose(af->f) != 0 || stream_failed || !af->text) {
        bo_msg(err, errlen, "%s: out of memory while writing it (left as it was)", af->path);
        af->f = NULL;
        release(af);
        return BO_ENOMEM;
    }
    af->f = NULL;
    size_t len = strlen(af->path);
    char *tmp = malloc(len + sizeof ".tmp");
    if (!tmp) {
        bo_msg(err, errlen, "%s: out of memory", af->path);
        release(af);
        return BO_ENOMEM;
    }
    memcpy(tmp, af->path, len);
    memcpy(tmp + len, ".tmp", sizeof ".tmp");
    /* O_CLOEXEC: an objective started meanwhile must not hold the file. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const char *what = NULL;
    if (fd < 0)
        what = "create";
    else if (write_all(fd, af->text, af->size) != 0)
        what = "write";
    else if (fsync(fd) != 0)
        what = "sync";
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && !what) {
        what = "write";
        e = errno;
    }
    if (!what && rename(tmp, af->path) != 0) {
        what = "rename";
        e = errno;
    }
    bo_status st = BO_OK;
    if (what) {
        bo_msg(err, errlen, "%s: cannot %s %s: %s (%s left as it was)", af->path, what, tmp,
               strerror(e), af->path);
        if (fd >= 0)
            remove(tmp);
        st = BO_EIO;
    } else {
        sync_folder_of(af->path);
    }
    free(tmp);
    release(af);
    return st;
}

void bo_atomic_file_abandon(bo_atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    release(af);
}
