#ifndef BO_OBJECTIVE_COMMAND_H
#define BO_OBJECTIVE_COMMAND_H

/* The external-command objective behind bo_objective_open_command (internal
 * to bo/: the driver uses bo/objective.h, whose comments give the contract
 * a command sees). */

#include <signal.h>
#include <stddef.h>

#include "bo/bo_plugin.h"
#include "gp/bo_status.h"

typedef struct bo_command bo_command;

/* Copies every string; checks argv[0] is an executable file now.
 * Returns BO_OK, BO_EINVAL, BO_EPLUGIN or BO_ENOMEM with err set. */
bo_status bo_command_create(bo_command **out, const char *const *argv, size_t argc,
                            const char *const *input_names, size_t dim,
                            const char *const *source_names, size_t n_sources,
                            double timeout_seconds, char *err, size_t errlen);

/* Runs the command once; see bo_objective_evaluate_call and, for cancel
 * (may be NULL), bo_objective_set_cancel. call is not NULL. */
bo_status bo_command_evaluate(bo_command *cmd, const double *x, size_t source,
                              const bo_plugin_call *call,
                              const volatile sig_atomic_t *cancel, double *y, char *msg,
                              size_t msglen);

/* NULL is a no-op. */
void bo_command_destroy(bo_command *cmd);

/* argv[0] as given. */
const char *bo_command_name(const bo_command *cmd);

#endif
