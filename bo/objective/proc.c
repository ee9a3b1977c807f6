#define _POSIX_C_SOURCE 200809L

#include "bo/objective/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double bo_proc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int host_fds[BO_PROC_HOST_FDS];
static size_t n_host_fds;

void bo_proc_hold_from_children(int fd)
{
    if (fd >= 0 && n_host_fds < BO_PROC_HOST_FDS)
        host_fds[n_host_fds++] = fd;
}

void bo_proc_release_from_children(int fd)
{
    for (size_t i = 0; i < n_host_fds; i++)
        if (host_fds[i] == fd) {
            host_fds[i] = host_fds[--n_host_fds];
            return;
        }
}

void bo_proc_close_host_fds(void)
{
    for (size_t i = 0; i < n_host_fds; i++)
        close(host_fds[i]);
    /* This process's copy of the list is now stale: its numbers may be
     * reused by descriptors it opens next (a runner's pipes), which its own
     * children must keep. */
    n_host_fds = 0;
}

double bo_proc_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bo_proc_limit_memory(unsigned long long bytes)
{
    if (bytes == 0)
        return 0;
    struct rlimit lim;
    if (getrlimit(RLIMIT_AS, &lim) != 0)
        return -1;
    lim.rlim_cur = (rlim_t)bytes;
    return setrlimit(RLIMIT_AS, &lim);
}

bo_status bo_proc_check_memory_limit(unsigned long long bytes, char *err, size_t errlen)
{
    struct rlimit lim;
    if (bytes == 0 || getrlimit(RLIMIT_AS, &lim) != 0 || lim.rlim_max == RLIM_INFINITY ||
        (rlim_t)bytes <= lim.rlim_max)
        return BO_OK;
    char want[64], hard[64];
    bo_proc_bytes_text(bytes, want, sizeof want);
    bo_proc_bytes_text((unsigned long long)lim.rlim_max, hard, sizeof hard);
    return bo_error_msg(err, errlen, BO_EINVAL, "a memory limit of %s is above the %s this "
                        "system allows bo-run's processes (ulimit -H -v)", want, hard);
}

void bo_proc_bytes_text(unsigned long long bytes, char *buf, size_t len)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    int u = -1;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    if (u < 0)
        snprintf(buf, len, "%llu bytes", bytes);
    else
        snprintf(buf, len, "%.4g %s", v, units[u]);
}

bool bo_proc_has_limit(double timeout_seconds)
{
    return timeout_seconds > 0.0 && isfinite(timeout_seconds);
}

int bo_proc_poll_ms(double deadline, int cap_ms)
{
    if (isinf(deadline))
        return cap_ms;
    double left_ms = ceil((deadline - bo_proc_now()) * 1000.0);
    if (!(left_ms > 0.0))
        return 0;
    if (cap_ms >= 0 && left_ms > (double)cap_ms)
        return cap_ms;
    if (left_ms > (double)INT_MAX)
        return INT_MAX;
    return (int)left_ms;
}

void bo_proc_signal_text(int sig, char *buf, size_t len)
{
    const char *name = strsignal(sig);
    if (name != NULL)
        bo_msg(buf, len, "signal %d (%s)", sig, name);
    else
        bo_msg(buf, len, "signal %d", sig);
}

int bo_proc_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0)
        return -1;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

int bo_proc_pipe(int fds[2])
{
    /* pipe2(O_CLOEXEC) is not in POSIX.1-2008; this program forks from one
     * thread, so setting the flag right after is enough. */
    if (pipe(fds) != 0)
        return -1;
    if (bo_proc_cloexec(fds[0]) != 0 || bo_proc_cloexec(fds[1]) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        fds[0] = fds[1] = -1;
        errno = saved;
        return -1;
    }
    return 0;
}

void bo_proc_close(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static pid_t wait_retrying(pid_t pid, int *wstatus, int options)
{
    pid_t r;
    do {
        r = waitpid(pid, wstatus, options);
    } while (r < 0 && errno == EINTR);
    return r;
}

bool bo_proc_reap(pid_t pid, double deadline, bool kill_group, int *wstatus)
{
    int status = 0;
    if (isinf(deadline)) {
        wait_retrying(pid, &status, 0);
        *wstatus = status;
        return true;
    }
    /* No SIGCHLD handler (it would be global state): poll with a short,
     * growing sleep. Children normally end within the first few naps. */
    long nap_ns = 200000;
    for (;;) {
        pid_t r = wait_retrying(pid, &status, WNOHANG);
        if (r == pid || r < 0) {
            *wstatus = status;
            return true;
        }
        double left = deadline - bo_proc_now();
        if (left <= 0.0)
            break;
        double nap = fmin(left, (double)nap_ns * 1e-9);
        struct timespec ts = { (time_t)nap, (long)((nap - floor(nap)) * 1e9) };
        nanosleep(&ts, NULL);
        if (nap_ns < 20000000)
            nap_ns *= 2;
    }
    kill(kill_group ? -pid : pid, SIGKILL);
    wait_retrying(pid, &status, 0);
    *wstatus = status;
    return false;
}

bool bo_proc_reap_group(pid_t pid, double deadline, int *wstatus)
{
    bool by_itself = true;
    long nap_ns = 200000;
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        /* WNOWAIT leaves the leader a zombie: its pid, and so the group's
         * id, cannot be reused while the group's strays are killed. */
        int r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
        if (r != 0 && errno == EINTR)
            continue;
        if (r != 0 || si.si_pid == pid)
            break;
        double left = deadline - bo_proc_now();
        if (left <= 0.0) {
            by_itself = false;
            break;
        }
        double nap = fmin(left, (double)nap_ns * 1e-9);
        struct timespec ts = { (time_t)nap, (long)((nap - floor(nap)) * 1e9) };
        nanosleep(&ts, NULL);
        if (nap_ns < 20000000)
            nap_ns *= 2;
    }
    kill(-pid, SIGKILL);
    int status = 0;
    wait_retrying(pid, &status, 0);
    *wstatus = status;
    return by_itself;
}

int bo_proc_tail_init(bo_proc_tail *tail, size_t cap)
{
    tail->data = malloc(2 * cap + 1);
    tail->len = 0;
    tail->cap = cap;
    tail->truncated = false;
    if (tail->data == NULL)
        return -1;
    tail->data[0] = '\0';
    return 0;
}

void bo_proc_tail_cleanup(bo_proc_tail *tail)
{
    free(tail->data);
    tail->data = NULL;
    tail->len = 0;
}

void bo_proc_tail_append(bo_proc_tail *tail, const char *bytes, size_t n)
{
    if (n >= tail->cap) {
        /* Only the end of this chunk can survive. */
        tail->truncated = tail->truncated || n > tail->cap || tail->len > 0;
        memcpy(tail->data, bytes + (n - tail->cap), tail->cap);
        tail->len = tail->cap;
        tail->data[tail->len] = '\0';
        return;
    }
    if (tail->len + n > 2 * tail->cap) {
        /* Keep the last cap - n bytes so the data fits; the buffer's
         * double size makes this memmove rare (amortised O(1) per byte). */
        size_t keep = tail->cap - n;
        memmove(tail->data, tail->data + (tail->len - keep), keep);
        tail->len = keep;
        tail->truncated = true;
    }
    memcpy(tail->data + tail->len, bytes, n);
    tail->len += n;
    tail->data[tail->len] = '\0';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

const char *bo_proc_last_line(const char *text, size_t len, size_t *n)
{
    size_t end = len;
    while (end > 0) {
        /* Skip blanks (including newlines) back to the end of the line. */
        while (end > 0 && is_blank(text[end - 1]))
            end--;
        if (end == 0)
            break;
        size_t start = end;
        while (start > 0 && text[start - 1] != '\n')
            start--;
        while (start < end && is_blank(text[start]))
            start++;
        if (start < end) {
            *n = end - start;
            return text + start;
        }
        end = start;
    }
    *n = 0;
    return NULL;
}

void bo_proc_quote(const char *line, size_t n, size_t max_chars, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return;
    size_t take = n < max_chars ? n : max_chars;
    if (take > len - 1)
        take = len - 1;
    for (size_t i = 0; i < take; i++) {
        unsigned char c = (unsigned char)line[i];
        buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    buf[take] = '\0';
    if (take < n && take + 4 <= len - 1)
        memcpy(buf + take, "...", 4);
}
