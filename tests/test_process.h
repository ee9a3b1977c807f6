#ifndef BO_TESTS_TEST_PROCESS_H
#define BO_TESTS_TEST_PROCESS_H

/* Running the project's programs from tests: one place that starts a
 * program with its stdout and stderr in files and collects its status. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
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

#endif
