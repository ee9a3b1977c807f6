#ifndef BO_ACQUISITION_MIXED_SEARCH_H
#define BO_ACQUISITION_MIXED_SEARCH_H

/* Maximising an acquisition over a mixed space: real, integer and
 * categorical variables. bo_acq_maximize uses it when its options carry a
 * space (the engine's discrete inputs); the GP side is gp/gp.h's
 * categorical inputs.
 *
 * The scorer (maximize.h) sees every variable in one vector of dim
 * doubles: a real or integer variable as its value, a categorical one as
 * its level index 0 .. L-1. Integers are searched on the continuous axis
 * (the GP models them there) and rounded in the answer.
 *
 * Strategy: with at most max_enumerate combinations of levels, every
 * combination gets the continuous maximiser over the other variables
 * (bo_acq_maximize_scorer) and the best is kept. With more, a local search
 * from several starts alternates the continuous maximiser (levels held)
 * with moves of one categorical variable to another level (the continuous
 * values held), while either improves. Starts are the best distinct
 * combinations of a random pool of mixed points. Seeded: same inputs and
 * seed, same answer. A point within the duplicate tolerance of an excluded
 * row (same levels, integers equal, reals within tolerance) is never
 * returned. */

#include <stddef.h>
#include <stdint.h>

#include "acquisition/maximize.h"
#include "gp/bo_status.h"

typedef enum bo_var_kind {
    BO_VAR_REAL = 0,
    BO_VAR_INTEGER,         /* bounds are integers; answers are integers */
    BO_VAR_CATEGORICAL      /* a level index below n_levels */
} bo_var_kind;

typedef struct bo_mixed_space {
    size_t dim;
    const bo_var_kind *kind;    /* dim values */
    const double *lower;        /* dim values; used for real and integer */
    const double *upper;
    const size_t *n_levels;     /* dim values; used for categorical (>= 1) */
} bo_mixed_space;

typedef struct bo_mixed_options {
    size_t max_enumerate;   /* enumerate when the combinations are at most
                               this many (default 64; 0 = always search) */
    size_t starts;          /* local-search starts (default 6) */
    size_t pool_size;       /* random mixed points scored to pick the starts
                               (default 1024) */
    size_t max_rounds;      /* alternations per start (default 20) */
    bo_acq_maximizer_options inner; /* the continuous maximiser's options
                               (lower, upper, extra starts and seed are set
                               per call); default bo_acq_maximizer_options_default
                               with pool 256 and 3 starts */
    uint64_t seed;
} bo_mixed_options;

void bo_mixed_options_default(bo_mixed_options *opt);

/* The number of combinations of levels of space (1 without categorical
 * variables), SIZE_MAX when it overflows. */
size_t bo_mixed_combinations(const bo_mixed_space *space);

/* Maximises scorer (scorer->dim == space->dim) over space, avoiding the
 * n_exclude rows of exclude (n_exclude-by-dim). Writes the point to x and
 * its value to *value; *n_scored (may be NULL) gets the number of
 * continuous searches and level moves tried. Errors: BO_EINVAL (a bad
 * space or options, message in errbuf), BO_ENOMEM, the scorer's, BO_EOPTIM
 * when every point found was excluded. */
bo_status bo_mixed_maximize(const bo_acq_scorer *scorer, const bo_mixed_space *space,
                            const bo_mixed_options *opt, size_t n_exclude,
                            const double *exclude, double *x, double *value,
                            size_t *n_scored, char *errbuf, size_t errlen);

#endif
