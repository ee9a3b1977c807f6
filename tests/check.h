#ifndef BO_TESTS_CHECK_H
#define BO_TESTS_CHECK_H

/* A minimal test harness: each CHECK records a failure with its place and goes
 * on, so one run reports every broken assertion; CHECK_DONE() prints the
 * summary line and is the test program's exit status. */
#include <math.h>
#include <stdio.h>

static int check_failures_;
static int check_count_;

#define CHECK(cond) \
    do { \
        check_count_++; \
        if (!(cond)) { \
            check_failures_++; \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        } \
    } while (0)

#define CHECK_MSG(cond, ...) \
    do { \
        check_count_++; \
        if (!(cond)) { \
            check_failures_++; \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fputc('\n', stderr); \
        } \
    } while (0)

/* |a - b| <= abs_tol + rel_tol * max(|a|, |b|); NaN never passes. */
#define CHECK_CLOSE(a, b, rel_tol, abs_tol) \
    do { \
        double check_a_ = (a), check_b_ = (b); \
        double check_scale_ = fmax(fabs(check_a_), fabs(check_b_)); \
        check_count_++; \
        if (!(fabs(check_a_ - check_b_) <= (abs_tol) + (rel_tol) * check_scale_)) { \
            check_failures_++; \
            fprintf(stderr, "%s:%d: CHECK_CLOSE failed: %s = %.17g, %s = %.17g\n", \
                    __FILE__, __LINE__, #a, check_a_, #b, check_b_); \
        } \
    } while (0)

#define CHECK_DONE() \
    (printf("%d checks, %d failed\n", check_count_, check_failures_), \
     check_failures_ == 0 ? 0 : 1)

#endif
