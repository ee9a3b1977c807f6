#include "gp/gp_kernel.h"

#include <string.h>

const bo_kernel_info bo_kernel_registry[] = {
    {"sqexp", BO_KERNEL_SQEXP},
    {"matern32", BO_KERNEL_MATERN32},
    {"matern52", BO_KERNEL_MATERN52},
    {"rough_rbf", BO_KERNEL_ROUGH_RBF},
    {NULL, BO_KERNEL_SQEXP},
};

int bo_kernel_from_name(const char *name, bo_kernel_kind *kind)
{
    if (!name)
        return -1;
    for (const bo_kernel_info *k = bo_kernel_registry; k->name; k++) {
        if (strcmp(k->name, name) == 0) {
            if (kind)
                *kind = k->kind;
            return 0;
        }
    }
    return -1;
}

const char *bo_kernel_name(bo_kernel_kind kind)
{
    for (const bo_kernel_info *k = bo_kernel_registry; k->name; k++)
        if (k->kind == kind)
            return k->name;
    return "?";
}
