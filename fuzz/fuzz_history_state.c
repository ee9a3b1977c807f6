/* The engine-state file reader behind --resume (bo/io/history.h,
 * bo_history_state_*): bo_history_state_read on any bytes, with no limit on
 * the eval and with a small one, then bo_history_state_open_append (which
 * drops a torn line and every line from the first past the limit) and a
 * read of what it kept. Checks: a failure has a message and returns
 * nothing; a line found is within the limit; a reopened file still reads,
 * and holds no line past the limit. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bo/io/history.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct state_line {
    bo_status status;
    int found;
    size_t eval, n_values;
    double *values;
} state_line;

static state_line read_state(const char *path, size_t max_eval)
{
    state_line s;
    char err[512] = "";
    s.status = bo_history_state_read(path, max_eval, &s.found, &s.eval, &s.values, &s.n_values,
                                     err, sizeof err);
    if (s.status != BO_OK && (err[0] == '\0' || s.found || s.values != NULL))
        bo_fuzz_fail("bo_history_state_read failed (%s) with a line or without a message",
                     bo_strerror(s.status));
    if (s.status == BO_OK && s.found && s.eval > max_eval)
        bo_fuzz_fail("found eval %zu past the limit %zu", s.eval, max_eval);
    if (s.status == BO_OK && !s.found && (s.eval != 0 || s.values != NULL || s.n_values != 0))
        bo_fuzz_fail("nothing found, yet eval %zu and %zu values", s.eval, s.n_values);
    if ((s.values == NULL) != (s.n_values == 0))
        bo_fuzz_fail("%zu values at %p", s.n_values, (void *)s.values);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bo_fuzz_file("engine_state.txt", data, size);
    /* A limit the seed files cross: their evals run 1, 2, ... */
    const size_t limit = 5;
    state_line all = read_state(path, SIZE_MAX);
    state_line some = read_state(path, limit);
    free(all.values);
    if (some.status != BO_OK) {
        free(some.values);
        return 0;
    }
    bo_history_state *state = NULL;
    char err[512] = "";
    bo_status status = bo_history_state_open_append(path, limit, BO_HISTORY_NO_SYNC, &state, err,
                                                    sizeof err);
    if (status != BO_OK)
        bo_fuzz_fail("bo_history_state_open_append refuses a file that reads: %s", err);
    bo_history_state_destroy(state);
    state_line kept = read_state(path, SIZE_MAX);
    if (kept.status != BO_OK)
        bo_fuzz_fail("the reopened file does not read");
    if (kept.found && kept.eval > limit)
        bo_fuzz_fail("reopening with limit %zu kept eval %zu", limit, kept.eval);
    free(kept.values);
    free(some.values);
    return 0;
}
