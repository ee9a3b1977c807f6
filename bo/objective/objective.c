#define _POSIX_C_SOURCE 200809L

#include "bo/objective/objective.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/objective/command.h"
#include "bo/objective/proc.h"

/* Size of a version-1 descriptor: later ABI versions may append members, so
 * this is pinned to the last version-1 member rather than sizeof. */
#define BO_PLUGIN_ABI1_SIZE \
    (offsetof(bo_plugin, fini) + sizeof(((bo_plugin *)0)->fini))

/* Message buffer handed to the plugin's callbacks. */
enum { BO_PLUGIN_MSG_LEN = 1024 };

struct bo_objective {
    bo_objective_kind kind;
    char *name;
    size_t dim;
    size_t n_sources;   /* >= 1 */

    /* plugin */
    void *library;
    const bo_plugin *plugin;
    void *state;
    bool initialised;   /* init succeeded (or is NULL): fini is due */
    bool isolate;
    double timeout;
    unsigned long long memory_limit;        /* bytes, 0 = none */
    const volatile sig_atomic_t *cancel;    /* see bo_objective_set_cancel */

    /* command */
    bo_command *command;

    /* outputs asked for (bo_objective_set_outputs): for a plugin, where
     * each is in the plugin's outputs */
    size_t n_wanted;
    size_t wanted_index[BO_OBJECTIVE_MAX_OUTPUTS];
    char *wanted_names[BO_OBJECTIVE_MAX_OUTPUTS];

    /* categorical inputs (bo_objective_set_levels), or NULL: dim entries
     * each; level_now holds the names of the evaluation being made */
    size_t *n_levels;
    char ***levels;
    const char **level_now;
};

/* What an isolated child sends back: one fixed-size record. */
/* Marks a real answer: a plugin that writes to descriptors it does not own
 * (its answer pipe among them) garbles the record, and the host must say so
 * rather than read garbage as a result. */
#define PLUGIN_ANSWER_MAGIC 0x626f2d616e737772ULL /* "bo-answr" */

typedef struct plugin_answer {
    unsigned long long magic;
    int rc;
    double y;
    double outputs[BO_OBJECTIVE_MAX_OUTPUTS];   /* in the plugin's order */
    char msg[BO_PLUGIN_MSG_LEN];
} plugin_answer;

typedef const bo_plugin *(*plugin_entry_fn)(void);

/* A plugin called in this process that calls exit() would end bo-run as if
 * it had finished (status 0 after a few rows). While an in-process
 * evaluate runs, an atexit handler turns that into a loud failure: a
 * message and status 1 (the history, written durably, stays complete and
 * --resume continues). A process-wide flag, as exit() is process-wide. */
static volatile sig_atomic_t in_process_evaluation;

static void exit_during_evaluation(void)
{
    if (!in_process_evaluation)
        return;
    static const char text[] =
        "bo-run: the plugin called exit() during an evaluation (objective.isolate: false); "
        "the run stops. Use isolate: true to record such an evaluation as failed.\n";
    ssize_t ignored = write(STDERR_FILENO, text, sizeof text - 1);
    (void)ignored;
    _exit(1);
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static bo_objective *objective_new(bo_objective_kind kind)
{
    bo_objective *obj = calloc(1, sizeof *obj);
    if (obj != NULL)
        obj->kind = kind;
    return obj;
}

/* The appended evaluate_call member, or NULL when the plugin's descriptor
 * predates it or leaves it unset. */
typedef int (*plugin_evaluate_call_fn)(void *, const double *, size_t, size_t,
                                       const bo_plugin_call *, double *, char *, size_t);
static plugin_evaluate_call_fn plugin_evaluate_call(const bo_plugin *p)
{
    size_t end = offsetof(bo_plugin, evaluate_call) + sizeof p->evaluate_call;
    return p->struct_size >= end ? p->evaluate_call : NULL;
}

/* The appended evaluate_outputs member, or NULL; with it, n_outputs and
 * output_names are there too. */
typedef int (*plugin_evaluate_outputs_fn)(void *, const double *, size_t, size_t,
                                          const bo_plugin_call *, double *, double *, char *,
                                          size_t);
static plugin_evaluate_outputs_fn plugin_evaluate_outputs(const bo_plugin *p)
{
    size_t end = offsetof(bo_plugin, evaluate_outputs) + sizeof p->evaluate_outputs;
    return p->struct_size >= end ? p->evaluate_outputs : NULL;
}

/* Checks the descriptor against this host and the config; on refusal writes
 * the reason (without the path) to err and returns false. */
static bool plugin_acceptable(const bo_plugin *p, size_t dim, size_t n_sources,
                              char *err, size_t errlen)
{
    if (p == NULL) {
        bo_msg(err, errlen, BO_PLUGIN_ENTRY_SYMBOL "() returned NULL");
        return false;
    }
    if (p->abi_version != BO_PLUGIN_ABI_VERSION) {
        bo_msg(err, errlen,
               "built for plugin ABI version %u, but this bo-run uses version %u "
               "(rebuild the plugin against this bo-run's bo/bo_plugin.h)",
               p->abi_version, BO_PLUGIN_ABI_VERSION);
        return false;
    }
    if (p->struct_size < BO_PLUGIN_ABI1_SIZE) {
        bo_msg(err, errlen,
               "descriptor struct_size %zu is smaller than the %zu bytes of "
               "ABI version 1 (set struct_size = sizeof(bo_plugin))",
               p->struct_size, (size_t)BO_PLUGIN_ABI1_SIZE);
        return false;
    }
    if (plugin_evaluate_outputs(p) != NULL) {
        if (p->n_outputs > BO_OBJECTIVE_MAX_OUTPUTS) {
            bo_msg(err, errlen, "descriptor declares %zu outputs, more than the %d this bo-run "
                   "reads", p->n_outputs, BO_OBJECTIVE_MAX_OUTPUTS);
            return false;
        }
        for (size_t k = 0; k < p->n_outputs; k++)
            if (p->output_names == NULL || p->output_names[k] == NULL ||
                p->output_names[k][0] == '\0') {
                bo_msg(err, errlen, "descriptor's output %zu has no name (n_outputs is %zu)",
                       k + 1, p->n_outputs);
                return false;
            }
    }
    if (p->evaluate == NULL && plugin_evaluate_call(p) == NULL &&
        plugin_evaluate_outputs(p) == NULL) {
        bo_msg(err, errlen, "descriptor has no evaluate callback (nor evaluate_call)");
        return false;
    }
    if (p->dim != 0 && p->dim != dim) {
        bo_msg(err, errlen, "declares %zu inputs, the config has %zu", p->dim, dim);
        return false;
    }
    /* A single-fidelity config may use a multi-source plugin: it evaluates
     * the plugin's source 0 (the single-fidelity baseline of a study). */
    if (p->n_sources != 0 && n_sources > 1 && p->n_sources != n_sources) {
        bo_msg(err, errlen, "declares %zu sources, the config has %zu", p->n_sources, n_sources);
        return false;
    }
    return true;
}

bo_status bo_objective_open_plugin(bo_objective **out, const char *path,
                                   const bo_plugin_param *params, size_t n_params,
                                   size_t dim, size_t n_sources, bool isolate,
                                   double timeout_seconds, char *err, size_t errlen)
{
    bo_status status = BO_OK;
    char *local_path = NULL;
    char reason[BO_PLUGIN_MSG_LEN];
    bo_objective *obj = NULL;

    if (out == NULL) {
        bo_msg(err, errlen, "bo_objective_open_plugin: out is NULL");
        return BO_EINVAL;
    }
    *out = NULL;
    if (path == NULL || path[0] == '\0' || dim == 0 || (n_params > 0 && params == NULL)) {
        bo_msg(err, errlen, "bo_objective_open_plugin: %s",
               path == NULL || path[0] == '\0' ? "empty plugin path"
               : dim == 0                      ? "dim is 0"
                                               : "params is NULL");
        return BO_EINVAL;
    }
    obj = objective_new(BO_OBJECTIVE_PLUGIN);
    if (obj == NULL)
        goto nomem;
    obj->dim = dim;
    obj->n_sources = n_sources > 0 ? n_sources : 1;
    obj->isolate = isolate;
    obj->timeout = timeout_seconds;

    /* dlopen searches the library path for a name without '/'; a config
     * names a file, so make it one. */
    if (strchr(path, '/') == NULL) {
        size_t n = strlen(path) + 3;
        local_path = malloc(n);
        if (local_path == NULL)
            goto nomem;
        snprintf(local_path, n, "./%s", path);
    }
    dlerror();
    obj->library = dlopen(local_path != NULL ? local_path : path, RTLD_NOW | RTLD_LOCAL);
    if (obj->library == NULL) {
        const char *why = dlerror();
        bo_msg(err, errlen, "plugin %s: cannot load: %s", path,
               why != NULL ? why : "unknown dlopen error");
        status = BO_EPLUGIN;
        goto fail;
    }
    dlerror();
    void *sym = dlsym(obj->library, BO_PLUGIN_ENTRY_SYMBOL);
    const char *sym_error = dlerror();
    if (sym == NULL) {
        bo_msg(err, errlen, "plugin %s: no " BO_PLUGIN_ENTRY_SYMBOL "(): %s", path,
               sym_error != NULL ? sym_error : "symbol is NULL");
        status = BO_EPLUGIN;
        goto fail;
    }
    /* ISO C has no object-to-function pointer conversion; POSIX guarantees
     * the representations agree, and memcpy says so without a cast. */
    plugin_entry_fn entry;
    _Static_assert(sizeof entry == sizeof sym, "function and data pointers differ in size");
    memcpy(&entry, &sym, sizeof entry);
    obj->plugin = entry();
    if (!plugin_acceptable(obj->plugin, obj->dim, obj->n_sources, reason, sizeof reason)) {
        bo_msg(err, errlen, "plugin %s: %s", path, reason);
        status = BO_EPLUGIN;
        goto fail;
    }
    obj->name = copy_string(obj->plugin->name != NULL && obj->plugin->name[0] != '\0'
                                ? obj->plugin->name : base_name(path));
    if (obj->name == NULL)
        goto nomem;

    if (obj->plugin->init != NULL) {
        reason[0] = '\0';
        int rc = obj->plugin->init(&obj->state, params, n_params, dim, obj->n_sources,
                                   reason, sizeof reason);
        reason[sizeof reason - 1] = '\0';
        if (rc != 0) {
            bo_msg(err, errlen, "plugin %s: init failed (returned %d): %s", path, rc,
                   reason[0] != '\0' ? reason : "no message given");
            status = BO_EPLUGIN;
            goto fail;
        }
    }
    obj->initialised = true;
    free(local_path);
    *out = obj;
    return BO_OK;

nomem:
    bo_msg(err, errlen, "plugin %s: out of memory", path);
    status = BO_ENOMEM;
fail:
    free(local_path);
    bo_objective_close(obj);
    return status;
}

bo_status bo_objective_open_command(bo_objective **out, const char *const *argv,
                                    size_t argc, const char *const *input_names,
                                    size_t dim, const char *const *source_names,
                                    size_t n_sources, double timeout_seconds,
                                    char *err, size_t errlen)
{
    if (out == NULL) {
        bo_msg(err, errlen, "bo_objective_open_command: out is NULL");
        return BO_EINVAL;
    }
    *out = NULL;
    bo_objective *obj = objective_new(BO_OBJECTIVE_COMMAND);
    if (obj == NULL) {
        bo_msg(err, errlen, "command: out of memory");
        return BO_ENOMEM;
    }
    bo_status status = bo_command_create(&obj->command, argv, argc, input_names, dim,
                                         source_names, n_sources, timeout_seconds,
                                         err, errlen);
    if (status != BO_OK) {
        free(obj);
        return status;
    }
    obj->dim = dim;
    obj->n_sources = n_sources > 0 ? n_sources : 1;
    obj->timeout = timeout_seconds;
    *out = obj;
    return BO_OK;
}

/* Turns the plugin's answer into the evaluation's outcome. */
static bo_status plugin_verdict(const bo_objective *obj, const plugin_answer *a, double *y,
                                double *outputs, char *msg, size_t msglen)
{
    for (size_t k = 0; k < obj->n_wanted; k++) {
        double v = a->outputs[obj->wanted_index[k]];
        outputs[k] = isfinite(v) ? v : NAN;
    }
    if (a->rc != 0) {
        bo_msg(msg, msglen, "plugin evaluate failed (returned %d): %s", a->rc,
               a->msg[0] != '\0' ? a->msg : "no message given");
        return BO_EEVAL;
    }
    if (!isfinite(a->y)) {
        bo_msg(msg, msglen, "plugin returned a non-finite value (%g)", a->y);
        return BO_EEVAL;
    }
    for (size_t k = 0; k < obj->n_wanted; k++)
        if (isnan(outputs[k])) {
            bo_msg(msg, msglen, "plugin gave the constraint output %s as %g, not a finite "
                   "number", obj->wanted_names[k], a->outputs[obj->wanted_index[k]]);
            return BO_EEVAL;
        }
    *y = a->y;
    bo_msg(msg, msglen, "%s", "");
    return BO_OK;
}

static void call_plugin(const bo_objective *obj, const double *x, size_t source,
                        const bo_plugin_call *call, plugin_answer *a)
{
    memset(a, 0, sizeof *a);
    a->y = NAN;
    for (size_t k = 0; k < BO_OBJECTIVE_MAX_OUTPUTS; k++)
        a->outputs[k] = NAN;
    plugin_evaluate_outputs_fn with_outputs = plugin_evaluate_outputs(obj->plugin);
    plugin_evaluate_call_fn with_call = plugin_evaluate_call(obj->plugin);
    if (with_outputs != NULL)
        a->rc = with_outputs(obj->state, x, obj->dim, source, call, &a->y, a->outputs, a->msg,
                             sizeof a->msg);
    else if (with_call != NULL)
        a->rc = with_call(obj->state, x, obj->dim, source, call, &a->y, a->msg, sizeof a->msg);
    else
        a->rc = obj->plugin->evaluate(obj->state, x, obj->dim, source, &a->y, a->msg,
                                      sizeof a->msg);
    a->msg[sizeof a->msg - 1] = '\0';
}

static bool write_all(int fd, const void *data, size_t n)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* The child: evaluate, report, leave without running the parent's atexit
 * handlers or flushing its copies of the parent's stdio buffers (they were
 * flushed before fork, so fflush(NULL) only writes the plugin's output). */
static void isolated_child(const bo_objective *obj, const double *x, size_t source,
                           const bo_plugin_call *call, int answer_fd)
{
    plugin_answer a;
    call_plugin(obj, x, source, call, &a);
    a.magic = PLUGIN_ANSWER_MAGIC;
    fflush(NULL);
    _exit(write_all(answer_fd, &a, sizeof a) ? 0 : 125);
}

static bo_status evaluate_isolated(bo_objective *obj, const double *x, size_t source,
                                   const bo_plugin_call *call, double *y, double *outputs,
                                   char *msg, size_t msglen)
{
    int fds[2];
    double start = bo_proc_now();
    double deadline = bo_proc_has_limit(obj->timeout) ? start + obj->timeout : INFINITY;

    fflush(NULL);
    if (bo_proc_pipe(fds) != 0) {
        bo_msg(msg, msglen, "cannot create a pipe for the plugin: %s", strerror(errno));
        return BO_EIO;
    }
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        bo_msg(msg, msglen, "cannot fork for the plugin: %s", strerror(saved));
        return BO_EIO;
    }
    if (pid == 0) {
        /* Its own process group, so that what the plugin forks is killed
         * with it (both sides set it, so it exists before either relies
         * on it). */
        setpgid(0, 0);
        bo_proc_close_host_fds();
        close(fds[0]);
        /* A limit that cannot be set leaves the child unanswering: the
         * evaluation fails rather than run unlimited. */
        if (bo_proc_limit_memory(obj->memory_limit) != 0)
            _exit(126);
        isolated_child(obj, x, source, call, fds[1]);
    }
    setpgid(pid, pid);
    close(fds[1]);

    plugin_answer a;
    size_t got = 0;
    bool timed_out = false, cancelled = false;
    /* With a cancel flag, wake up now and then: a signal that lands just
     * before poll would otherwise go unnoticed until the deadline. */
    int cap_ms = obj->cancel != NULL ? 100 : -1;
    while (got < sizeof a) {
        if (obj->cancel != NULL && *obj->cancel) {
            cancelled = true;
            break;
        }
        struct pollfd pfd = { fds[0], POLLIN, 0 };
        int ready = poll(&pfd, 1, bo_proc_poll_ms(deadline, cap_ms));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0) {
            if (bo_proc_now() >= deadline) {
                timed_out = true;
                break;
            }
            continue;
        }
        ssize_t r = read(fds[0], (char *)&a + got, sizeof a - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;          /* EOF: the child ended without a full answer */
        got += (size_t)r;
    }
    close(fds[0]);

    int wstatus = 0;
    if (timed_out || cancelled) {
        kill(-pid, SIGKILL);
        bo_proc_reap_group(pid, INFINITY, &wstatus);
        if (cancelled) {
            bo_msg(msg, msglen, "plugin evaluation interrupted (killed)");
            return BO_EEVAL;
        }
        bo_msg(msg, msglen, "plugin timed out after %g s (killed)", obj->timeout);
        return BO_ETIMEOUT;
    }
    if (got == sizeof a && a.magic != PLUGIN_ANSWER_MAGIC) {
        bo_proc_reap_group(pid, INFINITY, &wstatus);
        bo_msg(msg, msglen, "plugin's answer was garbled (did it write to a file descriptor it "
               "does not own?)");
        return BO_EEVAL;
    }
    if (got == sizeof a) {
        /* After writing its answer the child only calls _exit, so the
         * wait is short; anything it started is killed then. */
        bo_proc_reap_group(pid, INFINITY, &wstatus);
        a.msg[sizeof a.msg - 1] = '\0';
        return plugin_verdict(obj, &a, y, outputs, msg, msglen);
    }
    /* The pipe closed early: the child died or exited, or closed the pipe
     * and keeps running (then the deadline still applies). */
    if (!bo_proc_reap_group(pid, deadline, &wstatus)) {
        bo_msg(msg, msglen, "plugin timed out after %g s (killed)", obj->timeout);
        return BO_ETIMEOUT;
    }
    if (WIFSIGNALED(wstatus)) {
        char sig[96];
        bo_proc_signal_text(WTERMSIG(wstatus), sig, sizeof sig);
        bo_msg(msg, msglen, "plugin crashed with %s", sig);
    } else if (WIFEXITED(wstatus)) {
        bo_msg(msg, msglen, "plugin process exited with status %d without answering",
               WEXITSTATUS(wstatus));
    } else {
        bo_msg(msg, msglen, "plugin process ended without answering");
    }
    /* Most code that gets NULL from malloc crashes or aborts: say that the
     * limit may be why. */
    if (obj->memory_limit > 0) {
        char limit[64];
        size_t used = strlen(msg);
        bo_proc_bytes_text(obj->memory_limit, limit, sizeof limit);
        bo_msg(msg + used, msglen - used, " (under a memory limit of %s)", limit);
    }
    return BO_EEVAL;
}

bo_status bo_objective_evaluate(bo_objective *obj, const double *x, size_t source,
                                double *y, char *msg, size_t msglen)
{
    return bo_objective_evaluate_call(obj, x, source, NULL, y, msg, msglen);
}

bo_status bo_objective_evaluate_call(bo_objective *obj, const double *x, size_t source,
                                     const bo_plugin_call *call, double *y, char *msg,
                                     size_t msglen)
{
    double ignored[BO_OBJECTIVE_MAX_OUTPUTS];
    return bo_objective_evaluate_outputs(obj, x, source, call, y, ignored, msg, msglen);
}

bo_status bo_objective_set_outputs(bo_objective *obj, const char *const *names, size_t n,
                                   char *err, size_t errlen)
{
    if (obj == NULL || (n > 0 && names == NULL) || n > BO_OBJECTIVE_MAX_OUTPUTS)
        return bo_error_msg(err, errlen, BO_EINVAL, "at most %d constraint outputs, not %zu",
                            BO_OBJECTIVE_MAX_OUTPUTS, n);
    size_t index[BO_OBJECTIVE_MAX_OUTPUTS];
    if (obj->kind == BO_OBJECTIVE_COMMAND) {
        bo_status st = bo_command_set_outputs(obj->command, names, n, err, errlen);
        if (st != BO_OK)
            return st;
        for (size_t k = 0; k < n; k++)
            index[k] = k;
    } else {
        const bo_plugin *p = obj->plugin;
        size_t have = plugin_evaluate_outputs(p) != NULL ? p->n_outputs : 0;
        for (size_t k = 0; k < n; k++) {
            index[k] = SIZE_MAX;
            for (size_t j = 0; j < have; j++)
                if (strcmp(p->output_names[j], names[k]) == 0)
                    index[k] = j;
            if (index[k] != SIZE_MAX)
                continue;
            char list[512] = "";
            size_t used = 0;
            for (size_t j = 0; j < have && used < sizeof list; j++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                         j ? ", " : "", p->output_names[j]);
            if (have == 0)
                return bo_error_msg(err, errlen, BO_EPLUGIN,
                                    "plugin %s gives no outputs besides y (no evaluate_outputs "
                                    "in its descriptor), so the constraint output %s cannot be "
                                    "read", obj->name, names[k]);
            return bo_error_msg(err, errlen, BO_EPLUGIN,
                                "plugin %s gives no output %s (its outputs: %s)", obj->name,
                                names[k], list);
        }
    }
    char *copies[BO_OBJECTIVE_MAX_OUTPUTS];
    for (size_t k = 0; k < n; k++) {
        copies[k] = copy_string(names[k]);
        if (copies[k] == NULL) {
            for (size_t j = 0; j < k; j++)
                free(copies[j]);
            return bo_error_msg(err, errlen, BO_ENOMEM, "out of memory");
        }
    }
    for (size_t k = 0; k < obj->n_wanted; k++)
        free(obj->wanted_names[k]);
    for (size_t k = 0; k < n; k++) {
        obj->wanted_names[k] = copies[k];
        obj->wanted_index[k] = index[k];
    }
    obj->n_wanted = n;
    return BO_OK;
}

bo_status bo_objective_evaluate_outputs(bo_objective *obj, const double *x, size_t source,
                                        const bo_plugin_call *call, double *y,
                                        double *outputs, char *msg, size_t msglen)
{
    bo_plugin_call none = {.struct_size = sizeof none, .seed = 0, .eval = 0, .worker = 0};
    if (obj != NULL && outputs != NULL)
        for (size_t k = 0; k < obj->n_wanted; k++)
            outputs[k] = NAN;
    if (obj != NULL && obj->n_wanted > 0 && outputs == NULL) {
        bo_msg(msg, msglen, "bo_objective_evaluate_outputs: NULL outputs");
        return BO_EINVAL;
    }
    if (call == NULL)
        call = &none;
    if (y != NULL)
        *y = NAN;
    if (obj == NULL || x == NULL || y == NULL) {
        bo_msg(msg, msglen, "bo_objective_evaluate: NULL argument");
        return BO_EINVAL;
    }
    if (source >= obj->n_sources) {
        bo_msg(msg, msglen, "source index %zu out of range (%zu sources)", source, obj->n_sources);
        return BO_EINVAL;
    }
    bo_plugin_call with_levels;
    if (obj->levels != NULL) {
        for (size_t j = 0; j < obj->dim; j++) {
            obj->level_now[j] = NULL;
            if (obj->n_levels[j] == 0)
                continue;
            if (!(x[j] >= 0 && x[j] < (double)obj->n_levels[j] && x[j] == floor(x[j]))) {
                bo_msg(msg, msglen, "input %zu: %.17g is not a level index (0 .. %zu)", j + 1,
                       x[j], obj->n_levels[j] - 1);
                return BO_EINVAL;
            }
            obj->level_now[j] = obj->levels[j][(size_t)x[j]];
        }
        with_levels = *call;
        with_levels.struct_size = sizeof with_levels;
        with_levels.level_names = obj->level_now;
        call = &with_levels;
    }
    switch (obj->kind) {
    case BO_OBJECTIVE_COMMAND:
        return bo_command_evaluate(obj->command, x, source, call, obj->cancel, y, outputs, msg,
                                   msglen);
    case BO_OBJECTIVE_PLUGIN:
        if (obj->isolate)
            return evaluate_isolated(obj, x, source, call, y, outputs, msg, msglen);
        static int exit_guard_registered;
        if (!exit_guard_registered && atexit(exit_during_evaluation) == 0)
            exit_guard_registered = 1;
        plugin_answer a;
        in_process_evaluation = 1;
        call_plugin(obj, x, source, call, &a);
        in_process_evaluation = 0;
        return plugin_verdict(obj, &a, y, outputs, msg, msglen);
    }
    bo_msg(msg, msglen, "bo_objective_evaluate: corrupt objective");
    return BO_EINVAL;
}

bo_status bo_objective_set_memory_limit(bo_objective *obj, unsigned long long bytes,
                                        char *err, size_t errlen)
{
    if (bytes > 0 && obj->kind == BO_OBJECTIVE_PLUGIN && !obj->isolate)
        return bo_error_msg(err, errlen, BO_EINVAL, "a memory limit needs isolated "
                            "evaluations: in-process, it would limit the caller");
    bo_status st = bo_proc_check_memory_limit(bytes, err, errlen);
    if (st != BO_OK)
        return st;
    obj->memory_limit = bytes;
    if (obj->command != NULL)
        bo_command_set_memory_limit(obj->command, bytes);
    return BO_OK;
}

void bo_objective_set_cancel(bo_objective *obj, const volatile sig_atomic_t *flag)
{
    obj->cancel = flag;
}

static void free_levels(bo_objective *obj)
{
    for (size_t j = 0; obj->levels != NULL && j < obj->dim; j++) {
        for (size_t l = 0; obj->levels[j] != NULL && l < obj->n_levels[j]; l++)
            free(obj->levels[j][l]);
        free(obj->levels[j]);
    }
    free(obj->levels);
    free(obj->n_levels);
    free(obj->level_now);
    obj->levels = NULL;
    obj->n_levels = NULL;
    obj->level_now = NULL;
}

bo_status bo_objective_set_levels(bo_objective *obj, const size_t *n_levels,
                                  const char *const *const *names, char *err, size_t errlen)
{
    if (obj == NULL)
        return bo_error_msg(err, errlen, BO_EINVAL, "bo_objective_set_levels: no objective");
    free_levels(obj);
    size_t any = 0;
    for (size_t j = 0; n_levels != NULL && j < obj->dim; j++)
        any += n_levels[j] > 0;
    if (any == 0)
        return BO_OK;
    obj->n_levels = calloc(obj->dim, sizeof *obj->n_levels);
    obj->levels = calloc(obj->dim, sizeof *obj->levels);
    obj->level_now = calloc(obj->dim, sizeof *obj->level_now);
    if (obj->n_levels == NULL || obj->levels == NULL || obj->level_now == NULL) {
        free_levels(obj);
        return bo_error_msg(err, errlen, BO_ENOMEM, "out of memory");
    }
    for (size_t j = 0; j < obj->dim; j++) {
        if (n_levels[j] == 0)
            continue;
        obj->levels[j] = calloc(n_levels[j], sizeof *obj->levels[j]);
        if (obj->levels[j] == NULL) {
            free_levels(obj);
            return bo_error_msg(err, errlen, BO_ENOMEM, "out of memory");
        }
        obj->n_levels[j] = n_levels[j];
        for (size_t l = 0; l < n_levels[j]; l++) {
            if (names == NULL || names[j] == NULL || names[j][l] == NULL || !names[j][l][0]) {
                free_levels(obj);
                return bo_error_msg(err, errlen, BO_EINVAL,
                                    "input %zu: level %zu has no name", j + 1, l + 1);
            }
            obj->levels[j][l] = copy_string(names[j][l]);
            if (obj->levels[j][l] == NULL) {
                free_levels(obj);
                return bo_error_msg(err, errlen, BO_ENOMEM, "out of memory");
            }
        }
    }
    return BO_OK;
}

void bo_objective_close(bo_objective *obj)
{
    if (obj == NULL)
        return;
    free_levels(obj);
    if (obj->initialised && obj->plugin != NULL && obj->plugin->fini != NULL)
        obj->plugin->fini(obj->state);
    if (obj->library != NULL)
        dlclose(obj->library);
    bo_command_destroy(obj->command);
    for (size_t k = 0; k < obj->n_wanted; k++)
        free(obj->wanted_names[k]);
    free(obj->name);
    free(obj);
}

const char *bo_objective_name(const bo_objective *obj)
{
    if (obj == NULL)
        return "";
    if (obj->kind == BO_OBJECTIVE_COMMAND)
        return bo_command_name(obj->command);
    return obj->name;
}

bo_objective_kind bo_objective_get_kind(const bo_objective *obj)
{
    return obj->kind;
}

bool bo_objective_in_process(const bo_objective *obj)
{
    return obj->kind == BO_OBJECTIVE_PLUGIN && !obj->isolate;
}

size_t bo_objective_dim(const bo_objective *obj)
{
    return obj->dim;
}
