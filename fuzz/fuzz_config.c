/* The YAML config loader (bo/config/config.h): bo_config_load on any bytes.
 * Besides the sanitizers' reports, it checks what the header promises:
 * every failure comes with a message and leaves the config empty; a config
 * that loads has its warnings computed without harm and survives
 * bo_config_write_resolved and a second load unchanged (bo_config_equal). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bo/config/config.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = bo_fuzz_file("fuzz.yaml", data, size);
    bo_config cfg;
    char err[512];
    bo_status status = bo_config_load(path, &cfg, err, sizeof err);
    if (status != BO_OK) {
        if (err[0] == '\0')
            bo_fuzz_fail("bo_config_load failed (%s) without a message", bo_strerror(status));
        if (cfg.path != NULL || cfg.inputs != NULL || cfg.n_inputs != 0 || cfg.places != NULL)
            bo_fuzz_fail("bo_config_load failed but left content in the config");
        return 0;
    }
    char warnings[1024];
    bo_config_warnings(&cfg, warnings, sizeof warnings);

    const char *resolved = bo_fuzz_path("resolved.yaml");
    FILE *out = fopen(resolved, "w");
    if (out == NULL || bo_config_write_resolved(&cfg, out) != BO_OK || fclose(out) != 0)
        bo_fuzz_fail("cannot write the resolved config %s", resolved);
    bo_config again;
    status = bo_config_load(resolved, &again, err, sizeof err);
    if (status != BO_OK)
        bo_fuzz_fail("the resolved config does not load again: %s", err);
    char what[256];
    if (!bo_config_equal(&cfg, &again, what, sizeof what))
        bo_fuzz_fail("the resolved config loads as another one: %s differs", what);
    bo_config_cleanup(&again);
    bo_config_cleanup(&cfg);
    return 0;
}
