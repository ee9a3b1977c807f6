#ifndef BO_ACQUISITION_SOBOL_H
#define BO_ACQUISITION_SOBOL_H

/* Sobol low-discrepancy points in [0,1)^dim with the project's own table of
 * direction numbers (BO_SOBOL_MAX_DIM dimensions), optionally scrambled
 * (random linear matrix scramble plus digital shift, derived from a seed) so
 * that different seeds give different, equally uniform point sets. */

#include <stddef.h>
#include <stdint.h>

#define BO_SOBOL_MAX_DIM 32

typedef struct bo_sobol bo_sobol;

/* dim in [1, BO_SOBOL_MAX_DIM]; scramble 0 = plain Sobol (first point is the
 * origin), otherwise scrambled with seed. NULL on bad dim or no memory. */
bo_sobol *bo_sobol_create(size_t dim, int scramble, uint64_t seed);
void bo_sobol_destroy(bo_sobol *sobol);
/* Writes the next point (dim values) into x. */
void bo_sobol_next(bo_sobol *sobol, double *x);
/* Skips n points. */
void bo_sobol_skip(bo_sobol *sobol, uint64_t n);

#endif
