/* The initial_data reader (bo/io/initial_data.h): bo_initial_data_read on
 * any bytes with three specs: bo-run's (the inputs x1 and x2 with bounds,
 * sources HF and LF, HF the default), bo-gp fit's (nothing named: inputs
 * and sources are what the table holds) and names without bounds or
 * sources. Checks the header's promises: a failure has a message and leaves
 * the struct empty; rows read have finite inputs within the bounds, y finite
 * exactly when the row did not fail, sources in range, and a line each. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bo/io/initial_data.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_with(const char *path, const bo_initial_data_spec *spec)
{
    bo_initial_data d;
    char err[512] = "";
    bo_status status = bo_initial_data_read(path, spec, &d, err, sizeof err);
    if (status != BO_OK) {
        if (err[0] == '\0' || d.n_rows != 0 || d.x != NULL || d.input_names != NULL ||
            d.source_names != NULL)
            bo_fuzz_fail("bo_initial_data_read failed (%s) without a message or left rows",
                         bo_strerror(status));
        return;
    }
    if (d.n_rows == 0 || d.n_inputs == 0 || d.n_sources == 0 ||
        (spec->input_names != NULL && d.n_inputs != spec->n_inputs) ||
        (spec->source_names != NULL && d.n_sources != spec->n_sources))
        bo_fuzz_fail("%zu rows, %zu inputs, %zu sources", d.n_rows, d.n_inputs, d.n_sources);
    size_t failed = 0, line = 0;
    for (size_t i = 0; i < d.n_rows; i++) {
        for (size_t k = 0; k < d.n_inputs; k++) {
            double v = d.x[i * d.n_inputs + k];
            if (!isfinite(v) ||
                (spec->lower != NULL && !(v >= spec->lower[k] && v <= spec->upper[k])))
                bo_fuzz_fail("row %zu: input %zu is %g", i, k, v);
        }
        if (d.failed[i] ? !isnan(d.y[i]) : !isfinite(d.y[i]))
            bo_fuzz_fail("row %zu: failed %d with y %g", i, d.failed[i], d.y[i]);
        failed += d.failed[i];
        if (d.source[i] >= d.n_sources || d.message[i] == NULL || d.line[i] <= line)
            bo_fuzz_fail("row %zu: source %zu of %zu, line %zu after %zu", i, d.source[i],
                         d.n_sources, d.line[i], line);
        line = d.line[i];
    }
    if (failed != d.n_failed)
        bo_fuzz_fail("%zu failed rows counted as %zu", failed, d.n_failed);
    bo_initial_data_cleanup(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const inputs[] = {"x1", "x2"};
    static const double lower[] = {-5, 0}, upper[] = {10, 15};
    static const char *const sources[] = {"HF", "LF"};
    const char *path = bo_fuzz_file("initial.csv", data, size);

    /* x2 categorical as well: level names read into indices. */
    static const char *const x2_levels[] = {"a", "b", "c"};
    static const size_t n_levels[] = {0, 3};
    static const char *const *const level_names[] = {NULL, x2_levels};
    static const double level_upper[] = {10, 2};
    const bo_initial_data_spec run = {.input_names = inputs, .n_inputs = 2, .lower = lower,
                                      .upper = upper, .source_names = sources, .n_sources = 2};
    const bo_initial_data_spec fit = {0};
    const bo_initial_data_spec names_only = {.input_names = inputs, .n_inputs = 2};
    const bo_initial_data_spec mixed = {.input_names = inputs, .n_inputs = 2, .lower = lower,
                                        .upper = level_upper, .source_names = sources,
                                        .n_sources = 2, .n_levels = n_levels,
                                        .level_names = level_names};
    read_with(path, &run);
    read_with(path, &fit);
    read_with(path, &names_only);
    read_with(path, &mixed);
    return 0;
}
