#ifndef BO_OBJECTIVE_PROC_H
#define BO_OBJECTIVE_PROC_H

/* Small process helpers shared by the plugin host and the command objective
 * (internal to bo/; the driver uses bo/objective.h). */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "gp/bo_status.h" /* bo_msg */

/* Seconds on the monotonic clock: deadlines survive wall-clock changes. */
double bo_proc_now(void);
/* Descriptors of the host's own files (history, journal, state, lock)
 * that a forked child must not keep: an evaluation's child that writes to a
 * stray descriptor would otherwise write into history.csv, and a child
 * outliving a killed bo-run would hold the run folder. Registered by the
 * run (at most BO_PROC_HOST_FDS of them); every child bo-run forks calls
 * bo_proc_close_host_fds first thing. A process-wide list because fork
 * copies the whole process: the children are the process's, not a
 * module's. bo_proc_close_host_fds is async-signal-safe. */
enum { BO_PROC_HOST_FDS = 16 };
void bo_proc_hold_from_children(int fd);
void bo_proc_release_from_children(int fd);
void bo_proc_close_host_fds(void);

/* The wall clock: seconds since the Unix epoch (for timestamps, not for
 * durations). */
double bo_proc_wall(void);

/* True when timeout_seconds sets a limit (> 0 and finite). */
bool bo_proc_has_limit(double timeout_seconds);

/* Milliseconds from now to deadline for poll(), clamped to [0, cap_ms];
 * cap_ms < 0 means no cap. A deadline of +Inf yields cap_ms (-1: forever). */
int bo_proc_poll_ms(double deadline, int cap_ms);

/* Limits this process's address space (RLIMIT_AS) to bytes, so that an
 * allocation past it fails (malloc returns NULL, mmap ENOMEM) instead of
 * taking the machine's memory. For a forked child before it evaluates or
 * execs; async-signal-safe. 0 does nothing. Returns 0 or -1 with errno. */
int bo_proc_limit_memory(unsigned long long bytes);

/* BO_OK when bo_proc_limit_memory(bytes) can succeed here (not above the
 * hard limit the system gives this process); else BO_EINVAL with a message. */
bo_status bo_proc_check_memory_limit(unsigned long long bytes, char *err, size_t errlen);

/* "512 MiB", "20 GiB", "1536 bytes": a byte count for messages. */
void bo_proc_bytes_text(unsigned long long bytes, char *buf, size_t len);

/* "signal 11 (Segmentation fault)". */
void bo_proc_signal_text(int sig, char *buf, size_t len);

/* Sets FD_CLOEXEC; returns 0 or -1 with errno. */
int bo_proc_cloexec(int fd);

/* pipe() with both ends close-on-exec; returns 0 or -1 with errno set and
 * nothing left open. */
int bo_proc_pipe(int fds[2]);

/* Closes *fd if it is open and marks it closed (-1). */
void bo_proc_close(int *fd);

/* Waits for pid to end until `deadline` (monotonic seconds, +Inf = no
 * limit); past it, sends SIGKILL to the process (or its whole group when
 * kill_group) and waits. Always reaps pid. Returns true when pid ended by
 * itself, false when it had to be killed; *wstatus gets the wait status. */
bool bo_proc_reap(pid_t pid, double deadline, bool kill_group, int *wstatus);

/* For a child that leads its own process group: waits until it exits (at
 * most until deadline, then kills it), kills whatever else is left in its
 * group (processes it forked), and reaps it. Returns true when it ended by
 * itself. */
bool bo_proc_reap_group(pid_t pid, double deadline, int *wstatus);

/* A buffer that keeps only the last `cap` bytes appended to it. */
typedef struct bo_proc_tail {
    char *data;     /* NUL-terminated, len bytes (allocated 2 * cap + 1) */
    size_t len;
    size_t cap;
    bool truncated; /* some earlier bytes were dropped */
} bo_proc_tail;

/* Returns 0, or -1 when out of memory. */
int bo_proc_tail_init(bo_proc_tail *tail, size_t cap);
void bo_proc_tail_cleanup(bo_proc_tail *tail);
void bo_proc_tail_append(bo_proc_tail *tail, const char *bytes, size_t n);

/* Finds the last line of text that is not blank; trims surrounding spaces,
 * tabs, CR. Returns a pointer into text and its length in *n (NULL when all
 * lines are blank). */
const char *bo_proc_last_line(const char *text, size_t len, size_t *n);

/* Copies at most max_chars of line into buf for quoting in a message,
 * replacing control characters with '?' and marking a cut with "...". */
void bo_proc_quote(const char *line, size_t n, size_t max_chars, char *buf, size_t len);

#endif
