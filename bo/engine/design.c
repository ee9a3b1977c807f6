#include "bo/engine/design.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acquisition/sobol.h"
#include "gp/rng.h"

const bo_design_info bo_design_registry[] = {
    {"lhs", BO_DESIGN_LHS},
    {"sobol", BO_DESIGN_SOBOL},
    {"random", BO_DESIGN_RANDOM},
    {NULL, BO_DESIGN_LHS},
};

int bo_design_from_name(const char *name, bo_design_method *method)
{
    if (name == NULL)
        return -1;
    for (const bo_design_info *row = bo_design_registry; row->name != NULL; row++) {
        if (strcmp(row->name, name) == 0) {
            *method = row->method;
            return 0;
        }
    }
    return -1;
}

const char *bo_design_name(bo_design_method method)
{
    for (const bo_design_info *row = bo_design_registry; row->name != NULL; row++) {
        if (row->method == method)
            return row->name;
    }
    return "?";
}

double bo_design_squared_distance(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t k = 0; k < d; k++) {
        double t = a[k] - b[k];
        s += t * t;
    }
    return s;
}

double bo_design_min_distance(const double *points, size_t n, size_t d)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double s = bo_design_squared_distance(points + i * d, points + j * d, d);
            if (s < best)
                best = s;
        }
    return sqrt(best);
}

/* ---- Latin hypercube ---------------------------------------------------- */

/* The work budget (in pair-coordinate operations, roughly flops) shared by
 * the candidate search and the swap phase: a few tens of milliseconds, so
 * that the design costs nothing next to one simulator run yet is the same on
 * every machine (a time limit would make the result depend on load). */
#define LHS_WORK_BUDGET 30000000.0
#define LHS_MAX_CANDIDATES 32
/* Above this size (or when one pass over all pairs would eat a quarter of
 * the budget) the n*n distance matrix of the swap phase is not worth its
 * memory and set-up; such designs keep the best random candidate. */
#define LHS_MAX_SWAP_POINTS 2048

static void lhs_random(bo_rng *rng, size_t n, size_t d, size_t *perm, double *x)
{
    for (size_t k = 0; k < d; k++) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)bo_rng_below(rng, (uint64_t)i + 1);
            size_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < n; i++)
            x[i * d + k] = ((double)perm[i] + bo_rng_uniform(rng)) / (double)n;
    }
}

/* The Morris-Mitchell term of one pair, with p = 20 on squared distances
 * scaled so that the closest pair of the starting design is at 1: large p
 * makes the sum behave like the minimum distance while still rewarding
 * moves that widen the second- and third-closest pairs. The floor keeps the
 * power finite for (practically impossible) near-coincident points. */
static double phi_term(double scaled_d2)
{
    double q = 1.0 / fmax(scaled_d2, 1e-20);
    double q2 = q * q;
    double q4 = q2 * q2;
    double q8 = q4 * q4;
    return q8 * q2;
}

static void closest_pair(const double *dist2, size_t n, size_t *a, size_t *b, double *value)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (dist2[i * n + j] < best) {
                best = dist2[i * n + j];
                *a = i;
                *b = j;
            }
    *value = best;
}

static void distance_row(const double *x, size_t n, size_t d, double scale, size_t i,
                         double *dist2)
{
    for (size_t m = 0; m < n; m++) {
        double s =
            m == i ? 0.0 : scale * bo_design_squared_distance(x + i * d, x + m * d, d);
        dist2[i * n + m] = s;
        dist2[m * n + i] = s;
    }
}

/* Swaps coordinate k between a point of the closest pair and another random
 * point, keeping the swap when the Morris-Mitchell sum drops, until the
 * budget is spent or no swap helps any more. Swapping values
 * within one coordinate keeps every point in its stratum set, so the design
 * stays a Latin hypercube throughout. Writes the design with the largest
 * minimum distance seen into x. */
static void lhs_swap_improve(bo_rng *rng, size_t n, size_t d, double *x, double *best_x,
                             double *dist2, double work_budget)
{
    double start = bo_design_min_distance(x, n, d);
    if (!(start > 0.0 && 1.0 / (start * start) < INFINITY))
        return; /* coincident points: no scale to measure swaps against */
    double scale = 1.0 / (start * start);
    for (size_t i = 0; i < n; i++)
        distance_row(x, n, d, scale, i, dist2);
    size_t a = 0, b = 1;
    double best_min, current_min;
    closest_pair(dist2, n, &a, &b, &current_min);
    best_min = current_min;
    memcpy(best_x, x, n * d * sizeof *x);

    /* Once every swap that moves the closest pair has most likely been tried
     * without success, the design is a local optimum: stop early rather than
     * spend the rest of the budget. */
    size_t stall_limit = 4 * n * d, stalled = 0;
    double work = 0.0;
    while (work < work_budget && stalled < stall_limit) {
        size_t i = (bo_rng_u64(rng) & 1u) ? a : b;
        size_t j = (size_t)bo_rng_below(rng, (uint64_t)n - 1);
        if (j >= i)
            j++;
        size_t k = (size_t)bo_rng_below(rng, (uint64_t)d);
        double xi = x[i * d + k], xj = x[j * d + k];
        double delta = 0.0;
        for (size_t m = 0; m < n; m++) {
            if (m == i || m == j)
                continue;
            double xm = x[m * d + k];
            double ti = (xi - xm) * (xi - xm), tj = (xj - xm) * (xj - xm);
            double old_im = dist2[i * n + m], old_jm = dist2[j * n + m];
            double new_im = old_im + scale * (tj - ti), new_jm = old_jm + scale * (ti - tj);
            delta += phi_term(new_im) - phi_term(old_im) + phi_term(new_jm) - phi_term(old_jm);
        }
        work += 4.0 * (double)n;
        if (!(delta < 0.0)) {
            stalled++;
            continue;
        }
        stalled = 0;
        x[i * d + k] = xj;
        x[j * d + k] = xi;
        /* Rebuilding the two rows from coordinates, not by the increments
         * above, keeps rounding from accumulating over many swaps. */
        distance_row(x, n, d, scale, i, dist2);
        distance_row(x, n, d, scale, j, dist2);
        closest_pair(dist2, n, &a, &b, &current_min);
        work += 2.0 * (double)(n * d) + 0.5 * (double)n * (double)n;
        if (current_min > best_min) {
            best_min = current_min;
            memcpy(best_x, x, n * d * sizeof *x);
        }
    }
    memcpy(x, best_x, n * d * sizeof *x);
}

static bo_status lhs_generate(size_t n, size_t d, uint64_t seed, double *out, char *err,
                              size_t err_size)
{
    bo_rng rng;
    bo_rng_init(&rng, seed);
    bo_status status = BO_ENOMEM;
    size_t *perm = malloc(n * sizeof *perm);
    double *candidate = malloc(n * d * sizeof *candidate);
    double *spare = NULL, *dist2 = NULL;
    if (perm == NULL || candidate == NULL)
        goto done;

    lhs_random(&rng, n, d, perm, out);
    if (n < 3) {
        /* With two points every LHS swap leaves their distance unchanged. */
        status = BO_OK;
        goto done;
    }

    double pair_work = 0.5 * (double)n * (double)(n - 1) * (double)d;
    double candidates = floor(0.5 * LHS_WORK_BUDGET / pair_work);
    if (candidates > LHS_MAX_CANDIDATES)
        candidates = LHS_MAX_CANDIDATES;
    double best = candidates >= 2.0 ? bo_design_min_distance(out, n, d) : 0.0;
    for (int c = 1; c < (int)candidates; c++) {
        lhs_random(&rng, n, d, perm, candidate);
        double m = bo_design_min_distance(candidate, n, d);
        if (m > best) {
            best = m;
            memcpy(out, candidate, n * d * sizeof *out);
        }
    }

    if (n <= LHS_MAX_SWAP_POINTS && pair_work <= 0.25 * LHS_WORK_BUDGET) {
        spare = candidate;
        candidate = NULL;
        dist2 = malloc(n * n * sizeof *dist2);
        if (dist2 == NULL)
            goto done;
        lhs_swap_improve(&rng, n, d, out, spare, dist2, 0.5 * LHS_WORK_BUDGET);
    }
    status = BO_OK;

done:
    free(perm);
    free(candidate);
    free(spare);
    free(dist2);
    if (status != BO_OK)
        return bo_error_msg(err, err_size, status,
                            "design lhs: cannot allocate workspace for "
                            "%zu points in %zu dimensions",
                            n, d);
    return status;
}

/* ---- dispatch ------------------------------------------------------------ */

bo_status bo_design_generate(bo_design_method method, size_t n, size_t d, uint64_t seed,
                             double *out, char *err, size_t err_size)
{
    if (d == 0)
        return bo_error_msg(err, err_size, BO_EINVAL, "design %s: dimension must be at least 1",
                            bo_design_name(method));
    if (n == 0)
        return BO_OK;
    if (out == NULL)
        return bo_error_msg(err, err_size, BO_EINVAL, "design %s: no output array",
                            bo_design_name(method));
    if (n > SIZE_MAX / d / sizeof(double))
        return bo_error_msg(err, err_size, BO_EINVAL,
                            "design %s: %zu points in %zu dimensions "
                            "is too large",
                            bo_design_name(method), n, d);
    switch (method) {
    case BO_DESIGN_LHS:
        return lhs_generate(n, d, seed, out, err, err_size);
    case BO_DESIGN_SOBOL: {
        if (d > BO_SOBOL_MAX_DIM)
            return bo_error_msg(err, err_size, BO_EINVAL,
                                "design sobol: %zu dimensions, at most "
                                "%d supported (use lhs)",
                                d, BO_SOBOL_MAX_DIM);
        /* Scrambled, and starting at the first point: skipping points would
         * break the stratification that the first 2^m points have. */
        bo_sobol *sobol = bo_sobol_create(d, 1, seed);
        if (sobol == NULL)
            return bo_error_msg(err, err_size, BO_ENOMEM, "design sobol: out of memory");
        for (size_t i = 0; i < n; i++)
            bo_sobol_next(sobol, out + i * d);
        bo_sobol_destroy(sobol);
        return BO_OK;
    }
    case BO_DESIGN_RANDOM: {
        bo_rng rng;
        bo_rng_init(&rng, seed);
        for (size_t i = 0; i < n * d; i++)
            out[i] = bo_rng_uniform(&rng);
        return BO_OK;
    }
    }
    return bo_error_msg(err, err_size, BO_EINVAL, "design: unknown method %d", (int)method);
}

/* ---- unit cube <-> user units --------------------------------------------- */

static bo_status check_bounds(size_t d, const double *lower, const double *upper,
                              const int *log_scale, char *err, size_t err_size)
{
    if (lower == NULL || upper == NULL)
        return bo_error_msg(err, err_size, BO_EINVAL, "design map: bounds missing");
    for (size_t j = 0; j < d; j++) {
        double lo = lower[j], hi = upper[j];
        if (!(isfinite(lo) && isfinite(hi) && lo < hi && isfinite(hi - lo)))
            return bo_error_msg(err, err_size, BO_EINVAL,
                                "inputs[%zu]: need finite bounds with "
                                "lower < upper, got lower %.17g, upper %.17g",
                                j, lo, hi);
        if (log_scale != NULL && log_scale[j] && !(lo > 0.0))
            return bo_error_msg(err, err_size, BO_EINVAL,
                                "inputs[%zu]: log scale needs "
                                "lower > 0, got lower %.17g",
                                j, lo);
    }
    return BO_OK;
}

/* Interpolates from whichever end is nearer, so both ends are hit exactly
 * and the rounding error stays relative to the nearer bound. */
static double interpolate(double a, double b, double u)
{
    if (u <= 0.5)
        return a + u * (b - a);
    return b - (1.0 - u) * (b - a);
}

static double unit_fraction(double a, double b, double x)
{
    double w = b - a;
    if (x - a <= b - x)
        return (x - a) / w;
    return 1.0 - (b - x) / w;
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int is_discrete(const bo_var_kind *kind, size_t j)
{
    return kind != NULL && kind[j] != BO_VAR_REAL;
}

/* An integer or categorical input's bounds: integers, linear scale. */
static bo_status check_discrete_bounds(size_t d, const double *lower, const double *upper,
                                       const int *log_scale, const bo_var_kind *kind,
                                       char *err, size_t err_size)
{
    for (size_t j = 0; j < d; j++)
        if (is_discrete(kind, j) && (lower[j] != floor(lower[j]) || upper[j] != floor(upper[j]) ||
                                     (log_scale != NULL && log_scale[j])))
            return bo_error_msg(err, err_size, BO_EINVAL,
                                "inputs[%zu]: an integer or categorical input needs integer "
                                "bounds on a linear scale, got lower %.17g, upper %.17g",
                                j, lower[j], upper[j]);
    return BO_OK;
}

bo_status bo_design_to_user(const double *unit, size_t n, size_t d, const double *lower,
                            const double *upper, const int *log_scale, double *user,
                            char *err, size_t err_size)
{
    return bo_design_to_user_kinds(unit, n, d, lower, upper, log_scale, NULL, user, err,
                                   err_size);
}

bo_status bo_design_to_user_kinds(const double *unit, size_t n, size_t d, const double *lower,
                                  const double *upper, const int *log_scale,
                                  const bo_var_kind *kind, double *user, char *err,
                                  size_t err_size)
{
    bo_status status = check_bounds(d, lower, upper, log_scale, err, err_size);
    if (status == BO_OK)
        status = check_discrete_bounds(d, lower, upper, log_scale, kind, err, err_size);
    if (status != BO_OK)
        return status;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double u = unit[i * d + j], lo = lower[j], hi = upper[j];
            if (is_discrete(kind, j)) {
                if (!(u >= 0.0 && u <= hi - lo && u == floor(u)))
                    return bo_error_msg(err, err_size, BO_EINVAL,
                                        "point %zu, inputs[%zu]: index %.17g is not one of "
                                        "0 .. %.17g",
                                        i, j, u, hi - lo);
                user[i * d + j] = lo + u;
                continue;
            }
            if (!(u >= 0.0 && u <= 1.0))
                return bo_error_msg(err, err_size, BO_EINVAL,
                                    "point %zu, inputs[%zu]: unit "
                                    "value %.17g outside [0, 1]",
                                    i, j, u);
            double x;
            if (u == 0.0)
                x = lo;
            else if (u == 1.0)
                x = hi;
            else if (log_scale != NULL && log_scale[j])
                x = exp(interpolate(log(lo), log(hi), u));
            else
                x = interpolate(lo, hi, u);
            user[i * d + j] = clamp(x, lo, hi);
        }
    return BO_OK;
}

bo_status bo_design_from_user(const double *user, size_t n, size_t d, const double *lower,
                              const double *upper, const int *log_scale, double *unit,
                              char *err, size_t err_size)
{
    return bo_design_from_user_kinds(user, n, d, lower, upper, log_scale, NULL, unit, err,
                                     err_size);
}

bo_status bo_design_from_user_kinds(const double *user, size_t n, size_t d,
                                    const double *lower, const double *upper,
                                    const int *log_scale, const bo_var_kind *kind,
                                    double *unit, char *err, size_t err_size)
{
    bo_status status = check_bounds(d, lower, upper, log_scale, err, err_size);
    if (status == BO_OK)
        status = check_discrete_bounds(d, lower, upper, log_scale, kind, err, err_size);
    if (status != BO_OK)
        return status;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < d; j++) {
            double x = user[i * d + j], lo = lower[j], hi = upper[j];
            if (!(x >= lo && x <= hi))
                return bo_error_msg(err, err_size, BO_EINVAL,
                                    "point %zu, inputs[%zu]: value "
                                    "%.17g outside [%.17g, %.17g]",
                                    i, j, x, lo, hi);
            if (is_discrete(kind, j)) {
                if (x != floor(x))
                    return bo_error_msg(err, err_size, BO_EINVAL,
                                        "point %zu, inputs[%zu]: value %.17g is not an "
                                        "integer",
                                        i, j, x);
                unit[i * d + j] = x - lo;
                continue;
            }
            double u;
            if (x == lo)
                u = 0.0;
            else if (x == hi)
                u = 1.0;
            else if (log_scale != NULL && log_scale[j])
                u = unit_fraction(log(lo), log(hi), log(x));
            else
                u = unit_fraction(lo, hi, x);
            unit[i * d + j] = clamp(u, 0.0, 1.0);
        }
    return BO_OK;
}

void bo_design_discretize(double *points, size_t n, size_t d, const bo_var_kind *kind,
                          const size_t *n_values)
{
    if (kind == NULL)
        return;
    for (size_t j = 0; j < d; j++) {
        if (kind[j] == BO_VAR_REAL)
            continue;
        double m = (double)n_values[j];
        for (size_t i = 0; i < n; i++) {
            double k = floor(points[i * d + j] * m);
            points[i * d + j] = k < 0.0 ? 0.0 : k > m - 1.0 ? m - 1.0 : k;
        }
    }
}
