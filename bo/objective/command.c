#define _POSIX_C_SOURCE 200809L

#include "bo/objective/command.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/objective/proc.h"

/* The process environment; POSIX defines it but declares it in no header
 * without _GNU_SOURCE-style extensions. */
extern char **environ;

/* How much of the command's output is kept: y is on the last line, and the
 * end of stderr explains a failure. */
enum { BO_COMMAND_STDOUT_KEEP = 64 * 1024, BO_COMMAND_STDERR_KEEP = 4 * 1024 };

/* Quoted excerpts of output in messages are cut to this many characters. */
enum { BO_COMMAND_QUOTE_CHARS = 160 };

/* After the command exits, stray processes of its group are killed; its
 * pipes then close at once unless something escaped the group (setsid).
 * Stop reading after this long so such an escapee cannot stall the run. */
static const double drain_grace_seconds = 0.5;

struct bo_command {
    char **argv;            /* argc strings */
    size_t argc;
    char **input_names;     /* dim strings */
    size_t dim;
    char **source_names;    /* n_sources strings, NULL when single fidelity */
    size_t n_sources;
    double timeout;
    unsigned long long memory_limit;    /* bytes, 0 = none */
    char **output_names;    /* n_outputs constraint outputs read as NAME=VALUE lines */
    size_t n_outputs;
};

static void free_strings(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static char **copy_strings(const char *const *v, size_t n)
{
    char **c = calloc(n > 0 ? n : 1, sizeof *c);
    if (c == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        c[i] = malloc(len);
        if (c[i] == NULL) {
            free_strings(c, i);
            return NULL;
        }
        memcpy(c[i], v[i], len);
    }
    return c;
}

static bool is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Looks argv[0] up as execvp will; writes why not to err. */
static bool command_runnable(const char *cmd, char *err, size_t errlen)
{
    if (strchr(cmd, '/') != NULL) {
        struct stat st;
        if (stat(cmd, &st) != 0) {
            bo_msg(err, errlen, "command %s: %s", cmd, strerror(errno));
            return false;
        }
        if (!S_ISREG(st.st_mode) || access(cmd, X_OK) != 0) {
            bo_msg(err, errlen, "command %s: not an executable file", cmd);
            return false;
        }
        return true;
    }
    const char *path = getenv("PATH");
    if (path == NULL || path[0] == '\0')
        path = "/bin:/usr/bin";
    size_t cmd_len = strlen(cmd);
    char *candidate = malloc(strlen(path) + cmd_len + 2);
    if (candidate == NULL) {
        bo_msg(err, errlen, "command %s: out of memory", cmd);
        return false;
    }
    bool found = false;
    for (const char *dir = path; !found;) {
        const char *colon = strchr(dir, ':');
        size_t dir_len = colon != NULL ? (size_t)(colon - dir) : strlen(dir);
        /* An empty PATH entry means the current directory. */
        if (dir_len == 0) {
            memcpy(candidate, cmd, cmd_len + 1);
        } else {
            memcpy(candidate, dir, dir_len);
            candidate[dir_len] = '/';
            memcpy(candidate + dir_len + 1, cmd, cmd_len + 1);
        }
        found = is_executable_file(candidate);
        if (colon == NULL)
            break;
        dir = colon + 1;
    }
    free(candidate);
    if (!found)
        bo_msg(err, errlen, "command %s: not found in PATH", cmd);
    return found;
}

static bool valid_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '=') == NULL;
}

bo_status bo_command_create(bo_command **out, const char *const *argv, size_t argc,
                            const char *const *input_names, size_t dim,
                            const char *const *source_names, size_t n_sources,
                            double timeout_seconds, char *err, size_t errlen)
{
    *out = NULL;
    if (argv == NULL || argc == 0 || argv[0] == NULL || argv[0][0] == '\0') {
        bo_msg(err, errlen, "command: empty command line");
        return BO_EINVAL;
    }
    for (size_t i = 0; i < argc; i++) {
        if (argv[i] == NULL) {
            bo_msg(err, errlen, "command: argument %zu is NULL", i);
            return BO_EINVAL;
        }
    }
    if (dim == 0 || input_names == NULL) {
        bo_msg(err, errlen, "command %s: no inputs", argv[0]);
        return BO_EINVAL;
    }
    for (size_t i = 0; i < dim; i++) {
        if (!valid_name(input_names[i])) {
            bo_msg(err, errlen,
                   "command %s: input %zu: name must be non-empty "
                   "and without '='",
                   argv[0], i);
            return BO_EINVAL;
        }
    }
    if (source_names == NULL && n_sources > 1) {
        bo_msg(err, errlen, "command %s: %zu sources but no source names", argv[0], n_sources);
        return BO_EINVAL;
    }
    if (source_names == NULL)
        n_sources = 0;
    for (size_t i = 0; i < n_sources; i++) {
        if (source_names[i] == NULL || source_names[i][0] == '\0') {
            bo_msg(err, errlen, "command %s: source %zu: empty name", argv[0], i);
            return BO_EINVAL;
        }
    }
    if (!command_runnable(argv[0], err, errlen))
        return BO_EPLUGIN;

    bo_command *cmd = calloc(1, sizeof *cmd);
    if (cmd == NULL)
        goto nomem;
    cmd->argc = argc;
    cmd->dim = dim;
    cmd->n_sources = n_sources;
    cmd->timeout = timeout_seconds;
    cmd->argv = copy_strings(argv, argc);
    if (cmd->argv == NULL)
        goto nomem;
    cmd->input_names = copy_strings(input_names, dim);
    if (cmd->input_names == NULL)
        goto nomem;
    if (n_sources > 0) {
        cmd->source_names = copy_strings(source_names, n_sources);
        if (cmd->source_names == NULL)
            goto nomem;
    }
    *out = cmd;
    return BO_OK;

nomem:
    bo_command_destroy(cmd);
    bo_msg(err, errlen, "command %s: out of memory", argv[0]);
    return BO_ENOMEM;
}

void bo_command_destroy(bo_command *cmd)
{
    if (cmd == NULL)
        return;
    free_strings(cmd->argv, cmd->argc);
    free_strings(cmd->input_names, cmd->dim);
    free_strings(cmd->source_names, cmd->n_sources);
    free_strings(cmd->output_names, cmd->n_outputs);
    free(cmd);
}

void bo_command_set_memory_limit(bo_command *cmd, unsigned long long bytes)
{
    cmd->memory_limit = bytes;
}

const char *bo_command_name(const bo_command *cmd)
{
    return cmd->argv[0];
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static char *format_string(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Everything the child needs, built before fork: between fork and exec the
 * child may only make async-signal-safe calls (no malloc). */
typedef struct launch {
    char **argv;        /* NULL-terminated; entries from owned_from on are ours */
    size_t owned_from;
    size_t n_argv;
    char **envp;        /* NULL-terminated; entries from env_owned_from on are ours */
    size_t env_owned_from;
    size_t n_env;
    unsigned long long memory_limit;
} launch;

static void launch_cleanup(launch *l)
{
    if (l->argv != NULL) {
        for (size_t i = l->owned_from; i < l->n_argv; i++)
            free(l->argv[i]);
        free(l->argv);
    }
    if (l->envp != NULL) {
        for (size_t i = l->env_owned_from; i < l->n_env; i++)
            free(l->envp[i]);
        free(l->envp);
    }
}

static bool inherited_bo_variable(const char *entry)
{
    return strncmp(entry, "BO_INPUT_", 9) == 0 || strncmp(entry, "BO_SOURCE=", 10) == 0 ||
           strncmp(entry, "BO_SEED=", 8) == 0 || strncmp(entry, "BO_EVAL=", 8) == 0 ||
           strncmp(entry, "BO_WORKER=", 10) == 0;
}

/* BO_SEED, BO_EVAL and BO_WORKER: what evaluate_call tells a plugin. */
enum { CALL_VARIABLES = 3 };

static bool launch_build(launch *l, const bo_command *cmd, const double *x, size_t source,
                         const bo_plugin_call *call)
{
    size_t extra = cmd->dim + (cmd->n_sources > 0 ? 1 : 0);
    memset(l, 0, sizeof *l);
    l->memory_limit = cmd->memory_limit;

    l->argv = calloc(cmd->argc + extra + 1, sizeof *l->argv);
    if (l->argv == NULL)
        return false;
    for (size_t i = 0; i < cmd->argc; i++)
        l->argv[i] = cmd->argv[i];
    l->owned_from = l->n_argv = cmd->argc;
    /* A categorical input passes its level's name, not its index. */
    const char *const *level =
        call != NULL && call->struct_size >= sizeof *call ? call->level_names : NULL;
    for (size_t i = 0; i < cmd->dim; i++) {
        l->argv[l->n_argv] = level && level[i]
                                 ? format_string("%s=%s", cmd->input_names[i], level[i])
                                 : format_string("%s=%.17g", cmd->input_names[i], x[i]);
        if (l->argv[l->n_argv] == NULL)
            return false;
        l->n_argv++;
    }
    if (cmd->n_sources > 0) {
        l->argv[l->n_argv] = format_string("source=%s", cmd->source_names[source]);
        if (l->argv[l->n_argv] == NULL)
            return false;
        l->n_argv++;
    }

    size_t n_inherited = 0;
    for (char **e = environ; e != NULL && *e != NULL; e++)
        n_inherited++;
    l->envp = calloc(n_inherited + extra + CALL_VARIABLES + 1, sizeof *l->envp);
    if (l->envp == NULL)
        return false;
    for (size_t i = 0; i < n_inherited; i++) {
        if (!inherited_bo_variable(environ[i]))
            l->envp[l->n_env++] = environ[i];
    }
    l->env_owned_from = l->n_env;
    for (size_t i = 0; i < cmd->dim; i++) {
        l->envp[l->n_env] =
            level && level[i] ? format_string("BO_INPUT_%s=%s", cmd->input_names[i], level[i])
                              : format_string("BO_INPUT_%s=%.17g", cmd->input_names[i], x[i]);
        if (l->envp[l->n_env] == NULL)
            return false;
        l->n_env++;
    }
    if (cmd->n_sources > 0) {
        l->envp[l->n_env] = format_string("BO_SOURCE=%s", cmd->source_names[source]);
        if (l->envp[l->n_env] == NULL)
            return false;
        l->n_env++;
    }
    char *calls[CALL_VARIABLES] = {format_string("BO_SEED=%llu", call->seed),
                                   format_string("BO_EVAL=%zu", call->eval),
                                   format_string("BO_WORKER=%zu", call->worker)};
    bool ok = true;
    for (size_t i = 0; i < CALL_VARIABLES; i++) {
        if (calls[i] == NULL)
            ok = false;
        else
            l->envp[l->n_env++] = calls[i];
    }
    return ok;
}

/* Moves *fd to a number >= 3 (keeping close-on-exec), so that the child's
 * dup2 onto 0, 1, 2 can never overwrite a descriptor it still needs; this
 * matters only when the program runs with a standard stream closed. */
static int lift_fd(int *fd)
{
    if (*fd >= 3)
        return 0;
    int lifted = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
    if (lifted < 0)
        return -1;
    close(*fd);
    *fd = lifted;
    return 0;
}

/* In the child after fork: async-signal-safe calls only. */
static void exec_child(const launch *l, int stdin_fd, int stdout_fd, int stderr_fd,
                       int status_fd)
{
    bo_proc_close_host_fds();
    setpgid(0, 0);
    if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0)
        goto fail;
    /* An ignored SIGPIPE and blocked signals survive exec; a simulator
     * expects the defaults. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGPIPE, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Before exec: the program and whatever it starts share the limit. */
    if (bo_proc_limit_memory(l->memory_limit) != 0)
        goto fail;
    environ = l->envp;
    execvp(l->argv[0], l->argv);
fail:;
    int code = errno;
    ssize_t ignored = write(status_fd, &code, sizeof code);
    (void)ignored;
    _exit(127);
}

typedef struct run_result {
    bool timed_out;
    bool cancelled;
    int wstatus;
    int exec_errno;     /* non-zero: exec failed with this errno */
} run_result;

/* Reads stdout and stderr until the command exits (and its pipes close) or
 * the deadline passes; see drain_grace_seconds. */
static void collect_output(pid_t pid, int *out_fd, int *err_fd, double deadline,
                           const volatile sig_atomic_t *cancel, bo_proc_tail *out,
                           bo_proc_tail *err, run_result *res)
{
    bool exited = false;
    double grace_end = INFINITY;
    int nap_ms = 1;
    char buf[4096];

    for (;;) {
        if (!exited) {
            siginfo_t si;
            memset(&si, 0, sizeof si);
            /* WNOWAIT leaves the leader a zombie, so its pid, and with it
             * the process-group id, cannot be reused while strays are
             * killed. */
            if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0
                && si.si_pid == pid) {
                exited = true;
                kill(-pid, SIGKILL);
                grace_end = bo_proc_now() + drain_grace_seconds;
            }
        }
        bool reading = *out_fd >= 0 || *err_fd >= 0;
        if (exited && !reading)
            return;
        if (!exited && cancel != NULL && *cancel) {
            res->cancelled = true;
            return;
        }
        double now = bo_proc_now();
        if (!exited && now >= deadline) {
            res->timed_out = true;
            return;
        }
        if (exited && now >= grace_end)
            return;

        /* Without a SIGCHLD handler the leader's exit is noticed by
         * checking between polls: while output flows, every 50 ms; once
         * the pipes closed, with a nap that grows from 1 ms. */
        struct pollfd pfds[2];
        int *which[2];
        nfds_t n = 0;
        if (*out_fd >= 0) {
            pfds[n] = (struct pollfd){ *out_fd, POLLIN, 0 };
            which[n++] = out_fd;
        }
        if (*err_fd >= 0) {
            pfds[n] = (struct pollfd){ *err_fd, POLLIN, 0 };
            which[n++] = err_fd;
        }
        int cap = reading ? 50 : nap_ms;
        if (!reading && nap_ms < 50)
            nap_ms *= 2;
        int ready = poll(n > 0 ? pfds : NULL, n, bo_proc_poll_ms(exited ? grace_end : deadline, cap));
        if (ready <= 0)
            continue;
        for (nfds_t i = 0; i < n; i++) {
            if (pfds[i].revents == 0)
                continue;
            ssize_t r = read(pfds[i].fd, buf, sizeof buf);
            if (r > 0)
                bo_proc_tail_append(which[i] == out_fd ? out : err, buf, (size_t)r);
            else if (r == 0 || errno != EINTR)
                bo_proc_close(which[i]);
        }
    }
}

/* Appends `; stderr: "last line"` to msg when the command wrote to stderr. */
static void add_stderr_line(char *msg, size_t msglen, const bo_proc_tail *err)
{
    size_t n;
    const char *line = bo_proc_last_line(err->data, err->len, &n);
    if (line == NULL || msg == NULL || msglen == 0)
        return;
    char quoted[BO_COMMAND_QUOTE_CHARS + 4];
    bo_proc_quote(line, n, BO_COMMAND_QUOTE_CHARS, quoted, sizeof quoted);
    size_t used = strlen(msg);
    bo_msg(msg + used, msglen - used, "; stderr: \"%s\"", quoted);
}

bo_status bo_command_parse_output(bo_proc_tail *out, double *y, char *msg, size_t msglen)
{
    size_t n;
    const char *line = bo_proc_last_line(out->data, out->len, &n);
    if (line == NULL) {
        bo_msg(msg, msglen,
               "command printed nothing on stdout (expected y "
               "on the last line)");
        return BO_EEVAL;
    }
    char quoted[BO_COMMAND_QUOTE_CHARS + 4];
    bo_proc_quote(line, n, BO_COMMAND_QUOTE_CHARS, quoted, sizeof quoted);
    /* strtod must consume the whole trimmed line; an embedded NUL byte
     * stops it early and so counts as garbage too. */
    out->data[(size_t)(line - out->data) + n] = '\0';
    char *end;
    double value = strtod(line, &end);
    bool whole = end == line + n;
    if (!whole) {
        bo_msg(msg, msglen, "command's last output line is not a number: \"%s\"", quoted);
        return BO_EEVAL;
    }
    if (!isfinite(value)) {
        bo_msg(msg, msglen, "command printed a non-finite value: \"%s\"", quoted);
        return BO_EEVAL;
    }
    *y = value;
    return BO_OK;
}

/* The span [*start, *start + *n) trimmed of spaces, tabs and CR. */
static void trim_span(const char **start, size_t *n)
{
    while (*n > 0 && (**start == ' ' || **start == '\t' || **start == '\r'))
        (*start)++, (*n)--;
    while (*n > 0 && ((*start)[*n - 1] == ' ' || (*start)[*n - 1] == '\t' ||
                      (*start)[*n - 1] == '\r'))
        (*n)--;
}

/* Reads one output's value (the text after '=') into *value: 1 when it is
 * one finite number, else 0 with the text quoted. */
static int parse_output_value(const char *v, size_t n, double *value, char *quoted,
                              size_t quoted_len)
{
    trim_span(&v, &n);
    bo_proc_quote(v, n, BO_COMMAND_QUOTE_CHARS, quoted, quoted_len);
    char text[64];
    if (n == 0 || n >= sizeof text)
        return 0;
    memcpy(text, v, n);
    text[n] = '\0';
    char *end;
    *value = strtod(text, &end);
    return end == text + n && isfinite(*value);
}

bo_status bo_command_parse_outputs(bo_proc_tail *out, const char *const *names, size_t n_names,
                                   double *y, double *outputs, char *msg, size_t msglen)
{
    /* Per name: 0 no line NAME=VALUE yet, 1 the last one read, 2 the last
     * one was not a number (quoted). */
    int seen[BO_COMMAND_MAX_OUTPUTS];
    char quoted[BO_COMMAND_MAX_OUTPUTS][BO_COMMAND_QUOTE_CHARS + 4];
    *y = NAN;
    if (n_names > BO_COMMAND_MAX_OUTPUTS)
        n_names = BO_COMMAND_MAX_OUTPUTS;
    for (size_t k = 0; k < n_names; k++) {
        seen[k] = 0;
        outputs[k] = NAN;
    }
    char *data = out->data;
    size_t len = out->len;
    for (size_t pos = 0; n_names > 0 && pos < len;) {
        char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *line = data + pos;
        size_t n = end - pos;
        trim_span(&line, &n);
        const char *eq = n > 0 ? memchr(line, '=', n) : NULL;
        size_t key_len = eq ? (size_t)(eq - line) : 0;
        while (key_len > 0 && (line[key_len - 1] == ' ' || line[key_len - 1] == '\t'))
            key_len--;
        for (size_t k = 0; eq != NULL && k < n_names; k++) {
            size_t name_len = strlen(names[k]);
            if (key_len != name_len || memcmp(line, names[k], name_len) != 0)
                continue;
            double value;
            int ok = parse_output_value(eq + 1, (size_t)(line + n - (eq + 1)), &value,
                                        quoted[k], sizeof quoted[k]);
            seen[k] = ok ? 1 : 2;
            outputs[k] = ok ? value : NAN;
            /* Blanked, so that y is read from the last line that is not an
             * output. */
            memset(data + pos, ' ', end - pos);
            break;
        }
        pos = end + 1;
    }
    bo_status status = bo_command_parse_output(out, y, msg, msglen);
    if (status != BO_OK)
        return status;
    for (size_t k = 0; k < n_names; k++) {
        if (seen[k] != 1)
            *y = NAN;
        if (seen[k] == 0) {
            bo_msg(msg, msglen, "command printed no line %s=VALUE for the constraint output %s",
                   names[k], names[k]);
            return BO_EEVAL;
        }
        if (seen[k] == 2) {
            bo_msg(msg, msglen, "constraint output %s: \"%s\" is not a finite number",
                   names[k], quoted[k]);
            return BO_EEVAL;
        }
    }
    return BO_OK;
}

bo_status bo_command_set_outputs(bo_command *cmd, const char *const *names, size_t n,
                                 char *err, size_t errlen)
{
    if (n > BO_COMMAND_MAX_OUTPUTS)
        return bo_error_msg(err, errlen, BO_EINVAL, "at most %d constraint outputs, not %zu",
                            BO_COMMAND_MAX_OUTPUTS, n);
    for (size_t k = 0; k < n; k++)
        if (names[k] == NULL || !valid_name(names[k]))
            return bo_error_msg(err, errlen, BO_EINVAL, "constraint output %zu has no valid name",
                                k + 1);
    char **copy = n > 0 ? copy_strings(names, n) : NULL;
    if (n > 0 && copy == NULL)
        return bo_error_msg(err, errlen, BO_ENOMEM, "out of memory");
    free_strings(cmd->output_names, cmd->n_outputs);
    cmd->output_names = copy;
    cmd->n_outputs = n;
    return BO_OK;
}

bo_status bo_command_evaluate(bo_command *cmd, const double *x, size_t source,
                              const bo_plugin_call *call,
                              const volatile sig_atomic_t *cancel, double *y, double *outputs,
                              char *msg, size_t msglen)
{
    bo_status status = BO_EIO;
    launch l;
    bo_proc_tail out = { 0 }, err = { 0 };
    int null_fd = -1, out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
    int status_pipe[2] = { -1, -1 };
    run_result res = { false, false, 0, 0 };
    double start = bo_proc_now();
    double deadline = bo_proc_has_limit(cmd->timeout) ? start + cmd->timeout : INFINITY;

    *y = NAN;
    bo_msg(msg, msglen, "%s", "");
    if (!launch_build(&l, cmd, x, source, call)
        || bo_proc_tail_init(&out, BO_COMMAND_STDOUT_KEEP) != 0
        || bo_proc_tail_init(&err, BO_COMMAND_STDERR_KEEP) != 0) {
        bo_msg(msg, msglen, "command %s: out of memory", cmd->argv[0]);
        status = BO_ENOMEM;
        goto done;
    }
    null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || bo_proc_pipe(out_pipe) != 0 || bo_proc_pipe(err_pipe) != 0
        || bo_proc_pipe(status_pipe) != 0 || lift_fd(&null_fd) != 0
        || lift_fd(&out_pipe[1]) != 0 || lift_fd(&err_pipe[1]) != 0
        || lift_fd(&status_pipe[1]) != 0) {
        bo_msg(msg, msglen, "command %s: cannot set up pipes: %s", cmd->argv[0], strerror(errno));
        goto done;
    }
    pid_t pid = fork();
    if (pid < 0) {
        bo_msg(msg, msglen, "command %s: cannot fork: %s", cmd->argv[0], strerror(errno));
        goto done;
    }
    if (pid == 0)
        exec_child(&l, null_fd, out_pipe[1], err_pipe[1], status_pipe[1]);

    /* Both sides set the group, so it exists before either relies on it. */
    setpgid(pid, pid);
    bo_proc_close(&null_fd);
    bo_proc_close(&out_pipe[1]);
    bo_proc_close(&err_pipe[1]);
    bo_proc_close(&status_pipe[1]);

    /* The status pipe closes at a successful exec or carries exec's errno. */
    ssize_t r;
    do {
        r = read(status_pipe[0], &res.exec_errno, sizeof res.exec_errno);
    } while (r < 0 && errno == EINTR);
    if (r != (ssize_t)sizeof res.exec_errno)
        res.exec_errno = 0;
    bo_proc_close(&status_pipe[0]);

    if (res.exec_errno == 0)
        collect_output(pid, &out_pipe[0], &err_pipe[0], deadline, cancel, &out, &err, &res);
    if (res.timed_out || res.cancelled)
        kill(-pid, SIGKILL);
    bo_proc_reap(pid, INFINITY, true, &res.wstatus);

    status = BO_EEVAL;
    if (res.exec_errno != 0) {
        bo_msg(msg, msglen, "cannot run command %s: %s", cmd->argv[0], strerror(res.exec_errno));
    } else if (res.cancelled) {
        bo_msg(msg, msglen, "command interrupted (process group killed)");
    } else if (res.timed_out) {
        bo_msg(msg, msglen, "command timed out after %g s (process group killed)", cmd->timeout);
        status = BO_ETIMEOUT;
    } else if (WIFSIGNALED(res.wstatus)) {
        char sig[96];
        bo_proc_signal_text(WTERMSIG(res.wstatus), sig, sizeof sig);
        bo_msg(msg, msglen, "command killed by %s", sig);
        if (cmd->memory_limit > 0) {
            char limit[64];
            size_t used = strlen(msg);
            bo_proc_bytes_text(cmd->memory_limit, limit, sizeof limit);
            bo_msg(msg + used, msglen - used, " (under a memory limit of %s)", limit);
        }
    } else if (!WIFEXITED(res.wstatus)) {
        bo_msg(msg, msglen, "command ended abnormally (wait status %d)", res.wstatus);
    } else if (WEXITSTATUS(res.wstatus) != 0) {
        bo_msg(msg, msglen, "command exited with status %d", WEXITSTATUS(res.wstatus));
    } else {
        status = bo_command_parse_outputs(&out, (const char *const *)cmd->output_names,
                                          cmd->n_outputs, y, outputs, msg, msglen);
    }
    if (status != BO_OK && res.exec_errno == 0)
        add_stderr_line(msg, msglen, &err);

done:
    bo_proc_close(&null_fd);
    bo_proc_close(&out_pipe[0]);
    bo_proc_close(&out_pipe[1]);
    bo_proc_close(&err_pipe[0]);
    bo_proc_close(&err_pipe[1]);
    bo_proc_close(&status_pipe[0]);
    bo_proc_close(&status_pipe[1]);
    bo_proc_tail_cleanup(&out);
    bo_proc_tail_cleanup(&err);
    launch_cleanup(&l);
    return status;
}
