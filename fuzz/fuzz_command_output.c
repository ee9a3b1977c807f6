/* The command objective's output parser (bo/objective/command.h,
 * bo_command_parse_output): what a command prints, kept by the tail buffer
 * of bo/objective/proc.h as bo_command_evaluate keeps it, and y read from
 * its last line. The first two bytes choose the buffer's size and the size
 * of the pieces the rest arrives in (a pipe delivers output in pieces);
 * the rest is the output. Checks: the buffer holds exactly the end of the
 * output, at least min(output, size) bytes of it, and says whether it cut
 * anything; y is finite when read, and a refusal says why. The same
 * output is then read again with two constraint outputs (stress, mass):
 * on success y and both outputs are finite, on failure y is NaN and the
 * message says why. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bo/objective/command.h"
#include "bo/objective/proc.h"
#include "fuzz/fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 64 KiB is what bo_command_evaluate keeps of stdout; the smaller sizes
     * make inputs of a few KiB overflow the buffer. */
    static const size_t caps[] = {64 * 1024, 1, 2, 7, 64, 160, 1000};
    if (size < 2)
        return 0;
    size_t cap = caps[data[0] % (sizeof caps / sizeof caps[0])];
    size_t piece = 1 + data[1];
    const char *output = (const char *)data + 2;
    size_t len = size - 2;

    bo_proc_tail tail;
    if (bo_proc_tail_init(&tail, cap) != 0)
        return 0;
    for (size_t at = 0; at < len; at += piece)
        bo_proc_tail_append(&tail, output + at, len - at < piece ? len - at : piece);
    size_t want = len < cap ? len : cap;
    if (tail.len < want || tail.len > 2 * cap || tail.truncated != (tail.len < len) ||
        memcmp(tail.data, output + (len - tail.len), tail.len) != 0 ||
        tail.data[tail.len] != '\0')
        bo_fuzz_fail("the tail keeps %zu bytes (truncated %d) of %zu with room for %zu",
                     tail.len, (int)tail.truncated, len, cap);

    double y = NAN;
    char msg[512] = "";
    bo_proc_tail again;
    if (bo_proc_tail_init(&again, cap) != 0) {
        bo_proc_tail_cleanup(&tail);
        return 0;
    }
    bo_proc_tail_append(&again, tail.data, tail.len);
    bo_status status = bo_command_parse_output(&tail, &y, msg, sizeof msg);
    if (status == BO_OK ? !isfinite(y) : status != BO_EEVAL || msg[0] == '\0')
        bo_fuzz_fail("parse_output: %s, y %g, message '%s'", bo_strerror(status), y, msg);
    bo_proc_tail_cleanup(&tail);

    static const char *const names[] = {"stress", "mass"};
    double outputs[2];
    y = 0.0;
    msg[0] = '\0';
    status = bo_command_parse_outputs(&again, names, 2, &y, outputs, msg, sizeof msg);
    if (status == BO_OK ? !isfinite(y) || !isfinite(outputs[0]) || !isfinite(outputs[1])
                        : status != BO_EEVAL || msg[0] == '\0' || !isnan(y))
        bo_fuzz_fail("parse_outputs: %s, y %g, outputs %g %g, message '%s'",
                     bo_strerror(status), y, outputs[0], outputs[1], msg);
    bo_proc_tail_cleanup(&again);
    return 0;
}
