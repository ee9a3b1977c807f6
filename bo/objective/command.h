#ifndef BO_OBJECTIVE_COMMAND_H
#define BO_OBJECTIVE_COMMAND_H

/* The external-command objective behind bo_objective_open_command (internal
 * to bo/: the driver uses bo/objective.h, whose comments give the contract
 * a command sees). */

#include <signal.h>
#include <stddef.h>

#include "bo/bo_plugin.h"
#include "bo/objective/proc.h"
#include "gp/bo_status.h"

typedef struct bo_command bo_command;

/* The most constraint outputs a command may be asked for. */
enum { BO_COMMAND_MAX_OUTPUTS = 16 };

/* Copies every string; checks argv[0] is an executable file now.
 * Returns BO_OK, BO_EINVAL, BO_EPLUGIN or BO_ENOMEM with err set. */
bo_status bo_command_create(bo_command **out, const char *const *argv, size_t argc,
                            const char *const *input_names, size_t dim,
                            const char *const *source_names, size_t n_sources,
                            double timeout_seconds, char *err, size_t errlen);

/* Runs the command once; see bo_objective_evaluate_call and, for cancel
 * (may be NULL), bo_objective_set_cancel. call is not NULL. outputs
 * receives the constraint outputs set by bo_command_set_outputs (may be NULL
 * when there are none). */
bo_status bo_command_evaluate(bo_command *cmd, const double *x, size_t source,
                              const bo_plugin_call *call,
                              const volatile sig_atomic_t *cancel, double *y, double *outputs,
                              char *msg, size_t msglen);

/* The names (n <= BO_COMMAND_MAX_OUTPUTS, valid like input names) of the
 * constraint outputs every evaluation must print as NAME=VALUE lines;
 * copied. BO_EINVAL or BO_ENOMEM with err set. */
bo_status bo_command_set_outputs(bo_command *cmd, const char *const *names, size_t n,
                                 char *err, size_t errlen);

/* y and the outputs from what a command printed: for each of the n_names
 * names the last line NAME=VALUE (spaces, tabs and CR around the line, the
 * name and the value are fine) gives its output, which must be one finite number as
 * strtod reads it; those lines are then ignored, and y is read from the
 * rest as bo_command_parse_output reads it. BO_OK with *y and outputs[0..n)
 * set; BO_EEVAL with msg naming the output that is missing or not a number
 * (outputs that were read are kept, the others NaN). n_names 0 is
 * bo_command_parse_output. */
bo_status bo_command_parse_outputs(bo_proc_tail *out, const char *const *names, size_t n_names,
                                   double *y, double *outputs, char *msg, size_t msglen);

/* NULL is a no-op. */
void bo_command_destroy(bo_command *cmd);

/* Limits the address space of each evaluation's process (see
 * bo_objective_set_memory_limit); 0 = none. */
void bo_command_set_memory_limit(bo_command *cmd, unsigned long long bytes);

/* argv[0] as given. */
const char *bo_command_name(const bo_command *cmd);

/* y from what a command printed: the last line of out that is not blank,
 * trimmed of spaces, tabs and CR, must be one finite number as strtod reads
 * it, the whole line. Returns BO_OK with *y set, or BO_EEVAL with msg saying
 * what was printed instead (quoted, cut to a line's worth). out->data may be
 * changed (the line is cut in place). The step of bo_command_evaluate after
 * a clean exit, on its own so that it can be tested without a process
 * (fuzz/fuzz_command_output.c). */
bo_status bo_command_parse_output(bo_proc_tail *out, double *y, char *msg, size_t msglen);

#endif
