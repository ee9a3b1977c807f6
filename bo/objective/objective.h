#ifndef BO_OBJECTIVE_OBJECTIVE_H
#define BO_OBJECTIVE_OBJECTIVE_H

/* The objective: what bo-run evaluates, either a C plugin (bo/bo_plugin.h)
 * loaded with dlopen or an external command run once per evaluation.
 *
 * One handle is driven by one thread at a time. Every evaluation reports
 * through a bo_status and a caller-provided message buffer: BO_OK with a
 * finite y, or a failed evaluation (BO_EEVAL, BO_ETIMEOUT) whose message
 * says what happened, ready to be written to the history. A failed
 * evaluation never leaves a process, a zombie or a file descriptor behind,
 * and the handle stays usable.
 *
 * Messages: every err/msg buffer may be NULL or have length 0 (no message);
 * otherwise it is always NUL-terminated, truncated to fit.
 *
 * Processes: isolated plugin evaluations and command evaluations fork. The
 * parent calls fflush(NULL) before forking a plugin child, so buffered stdio
 * output is not written twice. The caller must not reap children it did not
 * create (no waitpid(-1, ...) and no SIGCHLD set to SIG_IGN), or the exit
 * status needed here is lost. */

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "bo/bo_plugin.h"
#include "gp/bo_status.h"

typedef struct bo_objective bo_objective;

typedef enum bo_objective_kind {
    BO_OBJECTIVE_PLUGIN,
    BO_OBJECTIVE_COMMAND
} bo_objective_kind;

/* Loads the plugin at `path` and starts it.
 *
 * path: the shared object; a path without '/' is taken relative to the
 *   current directory (it is never searched for in the library path).
 * params/n_params: objective.params as key/value strings, handed to the
 *   plugin's init; copied as needed, the caller keeps ownership.
 * dim: number of inputs in the config (>= 1). n_sources: number of sources
 *   in the config (0 or 1 = single fidelity). The plugin's own dim must be 0
 *   or equal; its n_sources must be 0, equal, or the config must be single
 *   fidelity (then only the plugin's source 0 is evaluated).
 * isolate: true runs every evaluation in a forked child, so that a crash,
 *   exit or hang fails that evaluation only; false calls evaluate in this
 *   process (a crash then ends the program, and the timeout is NOT enforced).
 * timeout_seconds: per evaluation limit when isolated; <= 0 or infinite
 *   means no limit.
 *
 * The library is opened with RTLD_NOW | RTLD_LOCAL, its bo_plugin_entry
 * descriptor checked (ABI version, struct size, callbacks, dim, sources) and
 * init called in this process. On success *out owns the library and the
 * plugin state (released by bo_objective_close). On failure *out is NULL,
 * the library is closed and err names the path and the cause (dlerror()
 * text, both ABI versions, or the plugin's init message). Returns BO_OK,
 * BO_EPLUGIN (missing/broken/refusing plugin), BO_EINVAL (bad arguments),
 * BO_ENOMEM. */
bo_status bo_objective_open_plugin(bo_objective **out, const char *path,
                                   const bo_plugin_param *params, size_t n_params,
                                   size_t dim, size_t n_sources, bool isolate,
                                   double timeout_seconds, char *err, size_t errlen);

/* Prepares an external command objective; nothing runs until evaluate.
 *
 * argv: the command and its fixed arguments (argc >= 1 entries). argv[0] is
 *   run with execvp, without a shell: a name without '/' is looked up in
 *   PATH, otherwise it is a path (relative to the current directory). It
 *   must exist and be executable now, or BO_EPLUGIN is returned.
 * input_names: dim names (non-empty, without '=').
 * source_names: n_sources names; or NULL with n_sources 0 or 1 for single
 *   fidelity (then no source is passed to the command).
 * timeout_seconds: per evaluation; <= 0 or infinite means no limit.
 * All strings are copied. Per evaluation the command receives, after its
 * fixed arguments, one argument NAME=VALUE per input (VALUE printed with
 * %.17g, so it reads back exactly) and source=SOURCE; the same values are in
 * the environment as BO_INPUT_NAME and BO_SOURCE (inherited BO_INPUT_* and
 * BO_SOURCE variables are removed first). See bo_objective_evaluate for the
 * output contract. Returns BO_OK, BO_EINVAL, BO_EPLUGIN or BO_ENOMEM with
 * err set; *out is NULL on failure. */
bo_status bo_objective_open_command(bo_objective **out, const char *const *argv,
                                    size_t argc, const char *const *input_names,
                                    size_t dim, const char *const *source_names,
                                    size_t n_sources, double timeout_seconds,
                                    char *err, size_t errlen);

/* Evaluates the objective at x (dim values in user units, in the order of
 * the config's inputs) for source index `source` (0 when single fidelity).
 *
 * Returns BO_OK with a finite *y; BO_EEVAL for a failed evaluation (plugin
 * returned non-zero, crashed, exited without answering, NaN/Inf; command
 * exited non-zero, was killed, printed nothing or no number, could not be
 * started); BO_ETIMEOUT when the time limit passed (the plugin child, or the
 * command's whole process group, is killed with SIGKILL and reaped);
 * BO_EINVAL for a source out of range or NULL arguments; BO_ENOMEM or
 * BO_EIO when the host itself cannot allocate, pipe or fork. *y is NaN
 * whenever the status is not BO_OK. msg receives the reason.
 *
 * Commands: stdin is /dev/null; stdout is read through a pipe (its last
 * 64 KiB kept) and y is the last non-empty line, which must be one number
 * for strtod (spaces, tabs and a CR around it are fine); stderr is captured
 * (last 4 KiB kept) and its last non-empty line is quoted in failure
 * messages; it is not shown otherwise. The command runs in its own process
 * group; when it exits, anything it left running in that group is killed. */
bo_status bo_objective_evaluate(bo_objective *obj, const double *x, size_t source,
                                double *y, char *msg, size_t msglen);

/* The same, telling the objective which evaluation this is: a plugin with
 * evaluate_call receives *call (its seed, eval and worker; see
 * bo/bo_plugin.h), a command finds them in the environment as BO_SEED,
 * BO_EVAL and BO_WORKER (inherited ones are removed first). call NULL gives
 * zeros (bo_objective_evaluate). */
bo_status bo_objective_evaluate_call(bo_objective *obj, const double *x, size_t source,
                                     const bo_plugin_call *call, double *y, char *msg,
                                     size_t msglen);

/* Declares categorical inputs: input j with n_levels[j] > 0 is
 * categorical, its value in x the index of one of names[j][0 ..
 * n_levels[j]) (copied). Every later evaluation then passes the level
 * names: a plugin in its call's level_names (bo/bo_plugin.h), a command
 * as NAME=LEVEL arguments and BO_INPUT_NAME=LEVEL variables in place of
 * the number. An x that is not a level index there fails the evaluation
 * with BO_EINVAL. n_levels NULL: every input numeric (the default).
 * BO_EINVAL for an empty name, BO_ENOMEM. */
bo_status bo_objective_set_levels(bo_objective *obj, const size_t *n_levels,
                                  const char *const *const *names, char *err, size_t errlen);

/* The most constraint outputs one objective gives (bo/bo_plugin.h's limit). */
enum { BO_OBJECTIVE_MAX_OUTPUTS = 16 };

/* Asks every later evaluation for the outputs names[0..n) (the config's
 * constraints, n <= BO_OBJECTIVE_MAX_OUTPUTS; copied). A plugin must declare
 * each of them among its output_names and have evaluate_outputs; a command
 * must print a line NAME=VALUE for each (see bo_command_parse_outputs in
 * command.h). BO_EPLUGIN when the plugin lacks one (err names it and lists
 * what the plugin gives), BO_EINVAL for bad names, BO_ENOMEM. */
bo_status bo_objective_set_outputs(bo_objective *obj, const char *const *names, size_t n,
                                   char *err, size_t errlen);

/* bo_objective_evaluate_call that also returns the outputs asked for by
 * bo_objective_set_outputs in outputs[0..n) (NULL allowed when n is 0).
 * An output that is missing, NaN or infinite fails the evaluation
 * (BO_EEVAL, the message names it); outputs the evaluation gave are
 * kept even then, the others are NaN. */
bo_status bo_objective_evaluate_outputs(bo_objective *obj, const double *x, size_t source,
                                        const bo_plugin_call *call, double *y,
                                        double *outputs, char *msg, size_t msglen);

/* Makes evaluations of obj cancellable: while an isolated plugin child or a
 * command runs, `*flag` is checked at least every 100 ms (and whenever a
 * signal interrupts the wait); once non-zero, the child (the command's whole
 * process group) is killed and reaped, and evaluate returns BO_EEVAL with a
 * message containing "interrupted". Meant for a flag that the program's
 * SIGINT/SIGTERM handler sets: the command runs in its own process group, so
 * the terminal's Ctrl-C does not reach it. The caller, who set the flag,
 * should not record that evaluation as a failure of the objective. NULL
 * (the default) turns this off. In-process plugin evaluations cannot be
 * cancelled. The flag must outlive obj or the next set_cancel call. */
void bo_objective_set_cancel(bo_objective *obj, const volatile sig_atomic_t *flag);

/* Limits the address space of every evaluation's process to bytes
 * (RLIMIT_AS, set in the isolated plugin child or the command's child before
 * it execs, so the command's own children share it): an allocation past it
 * fails there and the evaluation is recorded as failed, where it would
 * otherwise take the machine's memory. A crash of a limited evaluation says
 * what the limit was. 0 (the default) means no limit. BO_EINVAL with a
 * message for an in-process plugin (a limit would apply to the caller) and
 * for a limit above the system's hard limit. */
bo_status bo_objective_set_memory_limit(bo_objective *obj, unsigned long long bytes,
                                        char *err, size_t errlen);

/* Calls the plugin's fini (in this process), closes the library and frees
 * everything. NULL is a no-op. */
void bo_objective_close(bo_objective *obj);

/* The plugin's name (argv[0] of a command, the file name when a plugin
 * gives none); owned by obj, valid until close. */
const char *bo_objective_name(const bo_objective *obj);

bo_objective_kind bo_objective_get_kind(const bo_objective *obj);
/* true for a plugin opened with isolate false: its evaluations run in this
 * process, one at a time, and cannot be cancelled. */
bool bo_objective_in_process(const bo_objective *obj);
size_t bo_objective_dim(const bo_objective *obj);

#endif
