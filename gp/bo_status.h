#ifndef BO_GP_BO_STATUS_H
#define BO_GP_BO_STATUS_H

/* The one status code shared by every bo-run library. Append-only: a value
 * once released keeps its number. LAPACKE's info, libyaml's 0/1 and NLopt's
 * result codes are converted to these at the boundary where they are met. */
typedef enum bo_status {
    BO_OK = 0,
    BO_ENOMEM,      /* an allocation failed */
    BO_EINVAL,      /* an argument or a value in the input makes no sense */
    BO_ENUMERIC,    /* numerical failure that jitter/rescaling could not fix */
    BO_EIO,         /* reading or writing a file failed */
    BO_EPARSE,      /* malformed text: YAML, CSV, a number */
    BO_EPLUGIN,     /* a plugin could not be loaded or refused to start */
    BO_EEVAL,       /* an objective evaluation failed */
    BO_ETIMEOUT,    /* an objective evaluation ran past its time limit */
    BO_EOPTIM,      /* an optimiser (NLopt) failed and left nothing usable */
    BO_ESTATE       /* a call made in the wrong state (e.g. predict before fit) */
} bo_status;

#include <stddef.h>

/* A static English description of a status; never NULL. */
const char *bo_strerror(bo_status status);

/* The libraries' one way of reporting into a caller's message buffer:
 * formats into buf (len bytes, truncated; nothing when buf is NULL or len
 * is 0). bo_error_msg returns status, so an error path is one statement. */
void bo_msg(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bo_status bo_error_msg(char *buf, size_t len, bo_status status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
