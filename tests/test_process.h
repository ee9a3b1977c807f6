#ifndef BO_TESTS_TEST_PROCESS_H
#define BO_TESTS_TEST_PROCESS_H

/* Running the project's programs from tests: one place that starts a
 * program with its stdout and stderr in files and collects its status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Starts `program` with the NULL-terminated args (without the program name,
 * at most 30), stdout to out_path and stderr to err_path. Returns the child's
 * pid, or -1 when it cannot fork. In the child, 125 means the output files
 * could not be opened and 127 that the program could not be run. */
static inline pid_t test_spawn(const char *program, const char *const *args,
                               const char *out_path, const char *err_path)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = program;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    fflush(NULL); /* the child must not write the parent's buffers again */
    pid_t pid = fork();
    if (pid == 0) {
        int fo = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fo < 0 || fe < 0)
            _exit(125);
        dup2(fo, STDOUT_FILENO);
        dup2(fe, STDERR_FILENO);
        execv(program, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits for pid: its exit status, 128 + the signal that killed it, or -1
 * when it cannot be waited for. */
static inline int test_wait_exit(pid_t pid)
{
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Descriptors open in this process (of the first 1024): a test compares the
 * count before and after to find leaks. */
static inline int test_count_open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

/* True when this process has no child left, running or zombie. */
static inline int test_no_children(void)
{
    return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

/* True once pid no longer runs, waiting up to 2 s for a kill to land. A
 * killed process whose parent has not reaped it yet is a zombie and counts
 * as gone: reaping orphans is init's business, and some containers' init
 * never does it. */
static inline int test_process_gone(long pid)
{
    for (int i = 0; i < 200; i++) {
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            return 1;
        char path[64], buf[256];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *f = fopen(path, "r");
        if (f != NULL) {
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = '\0';
            const char *paren = strrchr(buf, ')');
            if (paren != NULL && (paren[2] == 'Z' || paren[2] == 'X'))
                return 1;
        }
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

#endif
