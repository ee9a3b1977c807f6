#include "gp/bo_status.h"

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
