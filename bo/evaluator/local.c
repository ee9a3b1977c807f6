/* Local workers: one forked runner process per evaluation. Reusing the
 * objective's own one-at-a-time code in a runner keeps every fault
 * behaviour (isolation, timeouts, process groups, messages) identical with
 * one worker or many, at the price of one fork per evaluation, which is
 * nothing beside a simulator's minutes. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bo/evaluator/evaluator.h"
#include "bo/evaluator/evaluator_internal.h"
#include "bo/objective/proc.h"

/* What a runner writes back: one record, smaller than PIPE_BUF, so a single
 * write delivers it whole. */
/* Marks a real answer (a plugin writing to descriptors it does not own must
 * not pass garbage off as a result). */
#define RUNNER_ANSWER_MAGIC 0x626f2d72756e6e72ULL /* "bo-runnr" */

typedef struct runner_answer {
    unsigned long long magic;
    bo_status status;
    double y;
    double outputs[BO_OBJECTIVE_MAX_OUTPUTS];
    double started, finished, seconds;
    char msg[BO_EVALUATION_MSG_LEN];
} runner_answer;

typedef struct local_slot {
    pid_t pid;                  /* runner, 0 when none */
    int fd;                     /* read end of its answer pipe, -1 when none */
    runner_answer answer;
    size_t got;                 /* bytes of answer read so far */
    bo_evaluation inline_result; /* in-process mode: the result, done at submit */
} local_slot;

typedef struct local_impl {
    bo_objective *obj;
    int in_process;             /* the plugin runs here: evaluated at submit */
    local_slot *slots;
} local_impl;

/* SIGINT/SIGTERM in a runner: cancel its evaluation through the
 * objective's own flag, which kills the plugin child or the command's
 * process group and reaps it. */
static volatile sig_atomic_t runner_cancelled;

static void runner_on_signal(int sig)
{
    (void)sig;
    runner_cancelled = 1;
}

static void run_objective(bo_objective *obj, const double *x, size_t source,
                          const bo_plugin_call *call, runner_answer *a)
{
    memset(a, 0, sizeof *a);
    double t0 = bo_proc_now();
    a->started = bo_proc_wall();
    a->y = NAN;
    for (size_t k = 0; k < BO_OBJECTIVE_MAX_OUTPUTS; k++)
        a->outputs[k] = NAN;
    a->status = bo_objective_evaluate_outputs(obj, x, source, call, &a->y, a->outputs, a->msg,
                                              sizeof a->msg);
    a->seconds = bo_proc_now() - t0;
    a->finished = bo_proc_wall();
    if (a->status != BO_OK)
        a->y = NAN;
}

/* The runner, after fork: evaluate, answer, leave without the parent's
 * atexit handlers (its stdio was flushed before the fork). */
static void runner_main(bo_objective *obj, const double *x, size_t source,
                        const bo_plugin_call *call, int answer_fd)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = runner_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bo_objective_set_cancel(obj, &runner_cancelled);
    /* The objective's own children (an isolated plugin, a command) must
     * not hold this runner's answer pipe. */
    bo_proc_hold_from_children(answer_fd);
    runner_answer a;
    run_objective(obj, x, source, call, &a);
    a.magic = RUNNER_ANSWER_MAGIC;
    const char *p = (const char *)&a;
    size_t left = sizeof a;
    while (left > 0) {
        ssize_t w = write(answer_fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(125);
        p += w;
        left -= (size_t)w;
    }
    _exit(0);
}

static bo_status local_submit(bo_evaluator *ev, size_t i, const double *x, size_t source,
                              const bo_plugin_call *call, char *err, size_t errlen)
{
    local_impl *impl = ev->impl;
    local_slot *slot = &impl->slots[i];
    if (impl->in_process) {
        runner_answer a;
        run_objective(impl->obj, x, source, call, &a);
        bo_evaluation *r = &slot->inline_result;
        r->status = a.status;
        r->y = a.y;
        memcpy(r->outputs, a.outputs, sizeof r->outputs);
        r->started = a.started;
        r->finished = a.finished;
        r->seconds = a.seconds;
        memcpy(r->msg, a.msg, sizeof r->msg);
        return BO_OK;
    }
    int fds[2];
    if (bo_proc_pipe(fds) != 0)
        return bo_error_msg(err, errlen, BO_EIO, "cannot create a pipe for a worker: %s",
                            strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        return bo_error_msg(err, errlen, BO_EIO, "cannot fork a worker: %s", strerror(saved));
    }
    if (pid == 0) {
        bo_proc_close_host_fds();
        close(fds[0]);
        runner_main(impl->obj, x, source, call, fds[1]);
    }
    close(fds[1]);
    slot->pid = pid;
    slot->fd = fds[0];
    slot->got = 0;
    return BO_OK;
}

/* The runner ended without a whole answer: say how. */
static void describe_death(int wstatus, bo_evaluation *out)
{
    out->status = BO_EIO;
    out->y = NAN;
    for (size_t k = 0; k < BO_OBJECTIVE_MAX_OUTPUTS; k++)
        out->outputs[k] = NAN;
    if (WIFSIGNALED(wstatus)) {
        char sig[96];
        bo_proc_signal_text(WTERMSIG(wstatus), sig, sizeof sig);
        bo_msg(out->msg, sizeof out->msg, "worker process died with %s", sig);
    } else {
        bo_msg(out->msg, sizeof out->msg, "worker process exited with status %d without "
               "answering", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
    }
}

/* Reads what slot i's pipe holds; 1 when it is done (answer or death). */
static int local_read(local_slot *slot, bo_evaluation *out)
{
    ssize_t r = read(slot->fd, (char *)&slot->answer + slot->got, sizeof slot->answer - slot->got);
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (r > 0) {
        slot->got += (size_t)r;
        if (slot->got < sizeof slot->answer)
            return 0;
    }
    bo_proc_close(&slot->fd);
    int wstatus = 0;
    bo_proc_reap(slot->pid, INFINITY, false, &wstatus);
    slot->pid = 0;
    if (slot->got < sizeof slot->answer) {
        describe_death(wstatus, out);
        return 1;
    }
    const runner_answer *a = &slot->answer;
    if (a->magic != RUNNER_ANSWER_MAGIC) {
        out->status = BO_EIO;
        out->y = NAN;
        bo_msg(out->msg, sizeof out->msg, "a worker's answer was garbled");
        return 1;
    }
    out->status = a->status;
    out->y = a->y;
    memcpy(out->outputs, a->outputs, sizeof out->outputs);
    out->started = a->started;
    out->finished = a->finished;
    out->seconds = a->seconds;
    memcpy(out->msg, a->msg, sizeof out->msg);
    out->msg[sizeof out->msg - 1] = '\0';
    return 1;
}

static int local_wait(bo_evaluator *ev, double timeout_seconds,
                      const volatile sig_atomic_t *interrupt, size_t *which, bo_evaluation *out)
{
    local_impl *impl = ev->impl;
    if (impl->in_process) {
        /* The one slot finished at submit. */
        *which = 0;
        *out = impl->slots[0].inline_result;
        return 1;
    }
    double deadline = timeout_seconds < 0 ? INFINITY : bo_proc_now() + timeout_seconds;
    struct pollfd *pfds = malloc(ev->workers * sizeof *pfds);
    size_t *slot_of = malloc(ev->workers * sizeof *slot_of);
    int done = 0;
    if (!pfds || !slot_of) {
        free(pfds);
        free(slot_of);
        return 0;
    }
    /* With an interrupt flag, wake up now and then: a signal that lands just
     * before poll would otherwise go unnoticed until an answer comes. */
    int cap_ms = interrupt ? 100 : -1;
    while (!done) {
        if (interrupt && *interrupt)
            break;
        nfds_t n = 0;
        for (size_t i = 0; i < ev->workers; i++)
            if (ev->slots[i].busy && impl->slots[i].fd >= 0) {
                pfds[n] = (struct pollfd){impl->slots[i].fd, POLLIN, 0};
                slot_of[n++] = i;
            }
        if (n == 0)
            break;
        int ready = poll(pfds, n, bo_proc_poll_ms(deadline, cap_ms));
        if (ready < 0 && errno != EINTR)
            break;
        for (nfds_t k = 0; ready > 0 && k < n && !done; k++) {
            if (pfds[k].revents == 0)
                continue;
            if (local_read(&impl->slots[slot_of[k]], out)) {
                *which = slot_of[k];
                done = 1;
            }
        }
        if (!done && bo_proc_now() >= deadline)
            break;
    }
    free(pfds);
    free(slot_of);
    return done;
}

/* Asks the runner to cancel (it kills and reaps what it started), then
 * makes sure it is gone. */
static void local_cancel(bo_evaluator *ev, size_t i)
{
    local_impl *impl = ev->impl;
    local_slot *slot = &impl->slots[i];
    if (impl->in_process || slot->pid == 0)
        return;
    kill(slot->pid, SIGTERM);
    int wstatus;
    /* The objective notices its flag within 100 ms; a runner that does not
     * leave in a few seconds is killed outright. */
    bo_proc_reap(slot->pid, bo_proc_now() + 5.0, false, &wstatus);
    slot->pid = 0;
    bo_proc_close(&slot->fd);
}

static void local_destroy(bo_evaluator *ev)
{
    local_impl *impl = ev->impl;
    free(impl->slots);
    free(impl);
}

static const bo_evaluator_ops local_ops = {local_submit, local_wait, local_cancel, local_destroy};

bo_evaluator *bo_evaluator_local(bo_objective *obj, size_t workers, char *err, size_t errlen)
{
    if (!obj || workers == 0) {
        bo_msg(err, errlen, "evaluator: an objective and at least one worker are needed");
        return NULL;
    }
    if (bo_objective_in_process(obj) && workers > 1) {
        bo_msg(err, errlen, "evaluator: a plugin run in this process (isolate: false) "
               "evaluates one point at a time, not %zu", workers);
        return NULL;
    }
    local_impl *impl = calloc(1, sizeof *impl);
    if (impl)
        impl->slots = calloc(workers, sizeof *impl->slots);
    bo_evaluator *ev = impl && impl->slots ? bo_evaluatori_new(&local_ops, workers, impl) : NULL;
    if (!ev) {
        if (impl)
            free(impl->slots);
        free(impl);
        bo_msg(err, errlen, "evaluator: out of memory");
        return NULL;
    }
    impl->obj = obj;
    impl->in_process = bo_objective_in_process(obj);
    for (size_t i = 0; i < workers; i++)
        impl->slots[i].fd = -1;
    return ev;
}
