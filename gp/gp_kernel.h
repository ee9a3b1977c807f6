#ifndef BO_GP_GP_KERNEL_H
#define BO_GP_GP_KERNEL_H

/* Stationary ARD input kernels r(x, x') with r(x, x) = 1, written as a
 * function of the scaled squared distance so one code path serves them all.
 * The registry is a static table with a sentinel: adding a kernel is adding
 * an enum value and a row. */

#include <stddef.h>

typedef enum bo_kernel_kind {
    BO_KERNEL_SQEXP = 0,    /* exp(-d2/2), d2 = sum (dx_i / l_i)^2 */
    BO_KERNEL_MATERN32,     /* (1 + sqrt(3) d) exp(-sqrt(3) d) */
    BO_KERNEL_MATERN52,     /* (1 + sqrt(5) d + 5 d^2 / 3) exp(-sqrt(5) d) */
    BO_KERNEL_ROUGH_RBF     /* GP+: exp(-sum 10^omega_i dx_i^2) */
} bo_kernel_kind;

typedef struct bo_kernel_info {
    const char *name;       /* the name used in configs and on the command line */
    bo_kernel_kind kind;
} bo_kernel_info;

/* The registry, terminated by a row whose name is NULL. */
extern const bo_kernel_info bo_kernel_registry[];

/* Looks a kernel up by name; returns 0 and sets *kind, or -1 if unknown. */
int bo_kernel_from_name(const char *name, bo_kernel_kind *kind);
/* The registry name of a kernel; "?" for a value not in the table. */
const char *bo_kernel_name(bo_kernel_kind kind);

#endif
