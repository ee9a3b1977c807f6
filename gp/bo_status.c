#include "gp/bo_status.h"

#include <stdarg.h>
#include <stdio.h>

const char *bo_strerror(bo_status status)
{
    /* No default: -Wswitch then flags a status added without a message. */
    switch (status) {
    case BO_OK: return "success";
    case BO_ENOMEM: return "out of memory";
    case BO_EINVAL: return "invalid argument";
    case BO_ENUMERIC: return "numerical failure";
    case BO_EIO: return "input/output error";
    case BO_EPARSE: return "parse error";
    case BO_EPLUGIN: return "plugin error";
    case BO_EEVAL: return "evaluation failed";
    case BO_ETIMEOUT: return "evaluation timed out";
    case BO_EOPTIM: return "optimiser failed";
    case BO_ESTATE: return "call made in the wrong state";
    }
    return "unknown status";
}

static void vmsg(char *buf, size_t len, const char *fmt, va_list ap)
{
    if (buf && len > 0)
        vsnprintf(buf, len, fmt, ap);
}

void bo_msg(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(buf, len, fmt, ap);
    va_end(ap);
}

bo_status bo_error_msg(char *buf, size_t len, bo_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(buf, len, fmt, ap);
    va_end(ap);
    return status;
}
