#ifndef BO_ENGINE_DESIGN_H
#define BO_ENGINE_DESIGN_H

/* Initial designs: n points in the unit cube [0,1]^d, and the map between the
 * unit cube and the user's units (linear or logarithmic per input).
 *
 * Every design is a pure function of (method, n, d, seed): the same arguments
 * give the same points on every platform, different seeds give different
 * points. The engine works in the unit cube and maps to user units only at
 * the objective and in the history.
 *
 * The registry is a static table with a sentinel: adding a method is adding
 * an enum value, a row and a case in bo_design_generate. */

#include <stddef.h>
#include <stdint.h>

#include "acquisition/mixed_search.h"
#include "gp/bo_status.h"

typedef enum bo_design_method {
    /* Maximin Latin hypercube: in every dimension each of the n strata
     * [k/n, (k+1)/n) holds exactly one point, placed uniformly at random
     * within its stratum; among such designs one with a large minimum
     * pairwise distance is chosen (best of several random ones, then
     * coordinate swaps that keep the strata, within a fixed work budget). */
    BO_DESIGN_LHS = 0,
    /* The first n points of a scrambled Sobol sequence (acquisition/sobol.h)
     * in d <= BO_SOBOL_MAX_DIM dimensions; stratified like an LHS in every
     * dimension when n is a power of two. */
    BO_DESIGN_SOBOL,
    /* Independent uniform points. */
    BO_DESIGN_RANDOM
} bo_design_method;

typedef struct bo_design_info {
    const char *name;        /* the name used in configs: "lhs", "sobol", ... */
    bo_design_method method;
} bo_design_info;

/* The registry, terminated by a row whose name is NULL. */
extern const bo_design_info bo_design_registry[];

/* Looks a method up by name (exact, case-sensitive); returns 0 and sets
 * *method, or -1 if the name is unknown (or NULL). */
int bo_design_from_name(const char *name, bo_design_method *method);
/* The registry name of a method; "?" for a value not in the table. */
const char *bo_design_name(bo_design_method method);

/* Writes n points of the design into out (n*d doubles, row-major: point i is
 * out[i*d .. i*d+d-1]), every coordinate in [0, 1]. n = 0 writes nothing and
 * succeeds (out may then be NULL).
 * Returns BO_OK; BO_EINVAL for d = 0, an unknown method, out NULL with n > 0,
 * or d beyond what the method supports (Sobol); BO_ENOMEM if its workspace
 * cannot be allocated. On error a message is written to err (err_size bytes,
 * always NUL-terminated; err may be NULL) and out is unspecified. */
bo_status bo_design_generate(bo_design_method method, size_t n, size_t d, uint64_t seed,
                             double *out, char *err, size_t err_size);

/* Smallest pairwise Euclidean distance among n points of dimension d
 * (row-major); +INFINITY when n < 2. The maximin criterion, exposed so
 * callers and tests can compare designs. */
double bo_design_min_distance(const double *points, size_t n, size_t d);
/* Squared Euclidean distance between two d-vectors. */
double bo_design_squared_distance(const double *a, const double *b, size_t d);

/* Maps n unit-cube points to user units and back. Input j has bounds
 * lower[j] < upper[j] (finite); log_scale (may be NULL = all linear) nonzero
 * means the input is uniform in log(x), which needs lower[j] > 0.
 *
 * to_user: u in [0,1] -> x in [lower, upper]; u = 0 and u = 1 give the bounds
 * exactly and results are clamped into the bounds, so rounding never hands an
 * objective a value outside them.
 * from_user: the inverse; x must be finite and within [lower, upper].
 *
 * The round trip u -> x -> u is exact to a few units in the last place, not
 * bit for bit. A caller that must replay a run from its history (where x is
 * stored in user units) should therefore keep u' = from_user(to_user(u)), not
 * u, as the point it evaluated: the history then reproduces u' exactly.
 *
 * in and out may be the same array. Returns BO_OK, or BO_EINVAL with a
 * message naming the input (and for from_user the point) for bad bounds or an
 * out-of-range value; out is then unspecified. */
bo_status bo_design_to_user(const double *unit, size_t n, size_t d, const double *lower,
                            const double *upper, const int *log_scale, double *user,
                            char *err, size_t err_size);
bo_status bo_design_from_user(const double *user, size_t n, size_t d, const double *lower,
                              const double *upper, const int *log_scale, double *unit,
                              char *err, size_t err_size);

/* Mixed inputs (kind NULL = every input real: the two functions above).
 * A real input maps as above. An integer or categorical input j is held by
 * the engine as an index k in {0, 1, ..., upper[j] - lower[j]}: to_user
 * gives lower[j] + k, from_user the inverse (a categorical input has lower
 * 0 and upper L - 1, so its user value is the level index, as plugins
 * receive it). Both need integer bounds and integer values in range for
 * such inputs, and log_scale 0 there. Exact both ways. */
bo_status bo_design_to_user_kinds(const double *unit, size_t n, size_t d, const double *lower,
                                  const double *upper, const int *log_scale,
                                  const bo_var_kind *kind, double *user, char *err,
                                  size_t err_size);
bo_status bo_design_from_user_kinds(const double *user, size_t n, size_t d,
                                    const double *lower, const double *upper,
                                    const int *log_scale, const bo_var_kind *kind,
                                    double *unit, char *err, size_t err_size);

/* Turns n points of a unit-cube design into the engine's coordinates of
 * mixed inputs: a discrete input j (kind not BO_VAR_REAL) with n_values[j]
 * values gets index floor(u * n_values[j]) (u = 1 gives the last), so each
 * value owns an equal share of [0, 1] and a stratified design stays
 * stratified over the values. Real inputs are left alone; kind NULL leaves
 * every input alone. */
void bo_design_discretize(double *points, size_t n, size_t d, const bo_var_kind *kind,
                          const size_t *n_values);

#endif
