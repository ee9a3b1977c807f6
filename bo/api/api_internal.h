/* The handles of libbo (bo/bo.h), shared by options.c and optimizer.c. */
#ifndef BO_API_API_INTERNAL_H
#define BO_API_API_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bo/bo.h"
#include "bo/config/config.h"
#include "bo/engine/engine.h"
#include "gp/bo_status.h"
#include "gp/gp.h"

/* Messages are at most this long, like the engine's. */
#define BO_API_ERRLEN 1024

typedef struct bo_api_key {
    char *path;             /* "acquisition.type" */
    char *value;            /* YAML text on one line */
} bo_api_key;

typedef struct bo_api_input {
    char name[128];
    double lower, upper;
    int log_scale;
} bo_api_input;

struct bo_options {
    bo_api_key *keys;       /* in the order first set */
    size_t n_keys, cap_keys;
    bo_api_input *inputs;
    size_t n_inputs, cap_inputs;
    char *file;             /* a config file giving every option, or NULL */
    int have_seed;
    uint64_t seed;
    char err[BO_API_ERRLEN];
};

/* Formats into buf and returns result. */
bo_result bo_apii_fail(char *buf, size_t len, bo_result result, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The public result of an internal status. */
bo_result bo_apii_result(bo_status status);
/* Loads the config the options describe into *cfg (BO_CONFIG_LIBRARY);
 * the message goes into o->err. */
bo_result bo_apii_load_config(bo_options *o, bo_config *cfg);

#endif
