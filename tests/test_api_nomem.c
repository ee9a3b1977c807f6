/* libbo when memory runs out: the N-th allocation made by a whole ask/tell
 * session (options, optimizer, the design, fits, acquisitions, predictions)
 * is made to fail, for every N in turn. Every call must then return
 * BO_ERR_NOMEM (or another failure) with a message, never crash; and after
 * the failure the session goes on: a failed ask, tell or predict succeeds
 * when retried. (How many sessions then differ from the clean one is printed: a suggestion whose
 * fit failed half-way may start the retry from other hyperparameters.)
 *
 * The allocator is replaced by this program's own malloc/calloc/realloc
 * (the executable's definitions take precedence over the C library's for
 * every library in the process, the static modules and OpenBLAS, NLopt
 * and libyaml included); they forward to glibc's __libc_* entry points
 * and fail the chosen call. Under AddressSanitizer, which owns malloc, the
 * test has nothing to replace and says so. */
#define _GNU_SOURCE

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bo/bo.h"

#if defined(__SANITIZE_ADDRESS__)
#define NOMEM_TEST_SKIPPED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NOMEM_TEST_SKIPPED 1
#endif
#endif

#ifndef NOMEM_TEST_SKIPPED

#include "tests/check.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

/* 0: nothing fails. Otherwise the allocation numbered fail_at (1-based,
 * counted from arming) returns NULL, once. */
static unsigned long alloc_count, alloc_fail_at;
static int alloc_failed;

static int alloc_should_fail(void)
{
    if (alloc_fail_at == 0)
        return 0;
    if (++alloc_count != alloc_fail_at)
        return 0;
    alloc_failed = 1;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size)
{
    return alloc_should_fail() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    return alloc_should_fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    /* realloc(p, 0) frees; failing it would not be running out of memory. */
    if (size > 0 && alloc_should_fail())
        return NULL;
    return __libc_realloc(p, size);
}

/* Starts counting from 0 with allocation n to fail (0: stops counting,
 * and alloc_count keeps the count reached). */
static void arm(unsigned long n)
{
    if (n != 0) {
        alloc_count = 0;
        alloc_failed = 0;
    }
    alloc_fail_at = n;
}

#define N_EVALS 14
#define DIM 2

static double branin(const double *x)
{
    const double pi = 3.14159265358979323846;
    double b = 5.1 / (4.0 * pi * pi), c = 5.0 / pi, t = 1.0 / (8.0 * pi);
    double u = x[1] - b * x[0] * x[0] + c * x[0] - 6.0;
    return u * u + 10.0 * (1.0 - t) * cos(x[0]) + 10.0;
}

typedef struct session {
    double x[N_EVALS][DIM];
    double best;
    double mean, sd;
    size_t told;
    size_t model_based; /* asks answered by maximising the acquisition */
} session;

/* A failure is acceptable when it is reported: not success, and a message
 * in the handle. Counts the ones that were not BO_ERR_NOMEM. */
static size_t not_nomem;

static int reported(bo_result r, const char *message, unsigned long n, const char *call)
{
    if (r == BO_SUCCESS)
        return 0;
    CHECK_MSG(message && message[0] != '\0', "allocation %lu: %s failed (%s) with no message", n,
              call, bo_result_string(r));
    if (r != BO_ERR_NOMEM) {
        not_nomem++;
        if (not_nomem <= 5)
            fprintf(stderr, "note: allocation %lu: %s: %s: %s\n", n, call, bo_result_string(r),
                    message ? message : "");
    }
    return 1;
}

/* One session with allocation n failing (0: none). Returns 1 when the
 * session completed (after retries), 0 when it was given up because the
 * options or the optimizer could not be made (which is then reported). */
static int run_session(unsigned long n, session *out)
{
    arm(n);
    bo_options *o = bo_options_new();
    if (!o) {
        arm(0);
        return 0;
    }
    int ok = 1;
    const char *keys[][2] = {{"seed", "3"},
                             {"acquisition.type", "logei"},
                             {"acquisition.pool", "128"},
                             {"acquisition.starts", "2"},
                             {"initial_design.size", "5"}};
    bo_result r = bo_options_add_input(o, "x1", -5.0, 10.0, 0);
    ok = ok && !reported(r, bo_options_error(o), n, "bo_options_add_input");
    r = ok ? bo_options_add_input(o, "x2", 0.0, 15.0, 0) : BO_SUCCESS;
    ok = ok && !reported(r, bo_options_error(o), n, "bo_options_add_input");
    for (size_t k = 0; ok && k < sizeof keys / sizeof keys[0]; k++) {
        r = bo_options_set(o, keys[k][0], keys[k][1]);
        ok = !reported(r, bo_options_error(o), n, "bo_options_set");
    }
    bo_optimizer *opt = NULL;
    if (ok) {
        r = bo_optimizer_new(o, &opt);
        ok = !reported(r, bo_options_error(o), n, "bo_optimizer_new");
        CHECK(ok == (opt != NULL));
    }
    bo_options_free(o);
    if (!ok) {
        arm(0);
        return 0;
    }
    /* From here on a failed call is retried: the failure happens once. */
    out->told = 0;
    out->model_based = 0;
    for (size_t i = 0; i < N_EVALS; i++) {
        bo_ask_info info = BO_ASK_INFO_INIT;
        for (int attempt = 0; attempt < 2; attempt++) {
            r = bo_optimizer_ask(opt, out->x[i], &info);
            if (!reported(r, bo_optimizer_error(opt), n, "bo_optimizer_ask"))
                break;
        }
        CHECK_MSG(r == BO_SUCCESS, "allocation %lu: ask %zu failed twice: %s", n, i + 1,
                  bo_optimizer_error(opt));
        if (r != BO_SUCCESS)
            break;
        out->model_based += !info.initial && isfinite(info.acquisition);
        double y = branin(out->x[i]);
        for (int attempt = 0; attempt < 2; attempt++) {
            r = bo_optimizer_tell(opt, out->x[i], info.source, y);
            if (!reported(r, bo_optimizer_error(opt), n, "bo_optimizer_tell"))
                break;
        }
        CHECK_MSG(r == BO_SUCCESS, "allocation %lu: tell %zu failed twice: %s", n, i + 1,
                  bo_optimizer_error(opt));
        if (r != BO_SUCCESS)
            break;
        out->told++;
    }
    const double probe[DIM] = {3.0, 2.5};
    for (int attempt = 0; attempt < 2; attempt++) {
        r = bo_optimizer_predict(opt, 1, probe, 0, &out->mean, &out->sd);
        if (!reported(r, bo_optimizer_error(opt), n, "bo_optimizer_predict"))
            break;
    }
    CHECK_MSG(r == BO_SUCCESS, "allocation %lu: predict failed twice: %s", n,
              bo_optimizer_error(opt));
    r = bo_optimizer_best(opt, &out->best, NULL);
    CHECK(r == BO_SUCCESS);
    bo_optimizer_free(opt);
    arm(0);
    return 1;
}

int main(void)
{
    session clean, s;
    /* A clean session first: it is the reference, and the libraries' own
     * one-time set-up (OpenBLAS, NLopt) happens outside the sweep. */
    CHECK(run_session(0, &clean) == 1);
    CHECK(clean.told == N_EVALS);
    /* The sweep must reach fits and acquisitions, not only the design. */
    CHECK_MSG(clean.model_based >= 3, "%zu model-based suggestions", clean.model_based);
    /* Counting without failing: how many allocations a session makes. */
    CHECK(run_session(~0ul, &s) == 1);
    unsigned long total = alloc_count;
    printf("a session makes %lu allocations\n", total);
    CHECK(total > 60);

    /* Every allocation of the session in turn (about a thousand sessions,
     * a second or two). */
    size_t sessions = 0, completed = 0, differing = 0;
    for (unsigned long n = 1; n <= total; n++) {
        memset(&s, 0, sizeof s);
        int done = run_session(n, &s);
        sessions++;
        if (!done)
            continue;
        completed++;
        int same = s.told == clean.told &&
                   memcmp(s.x, clean.x, sizeof s.x) == 0 && s.best == clean.best &&
                   s.mean == clean.mean && s.sd == clean.sd;
        differing += !same;
    }
    printf("%zu sessions with one allocation failing: %zu completed after retrying, "
           "%zu gave up at the options or the optimizer; %zu failures were not BO_ERR_NOMEM; "
           "%zu completed sessions differ from the clean one\n",
           sessions, completed, sessions - completed, not_nomem, differing);
    return CHECK_DONE();
}

#else

int main(void)
{
    printf("test_api_nomem: skipped under AddressSanitizer, which owns malloc\n");
    return 0;
}

#endif
