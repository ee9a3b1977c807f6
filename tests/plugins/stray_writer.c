/* A plugin that writes a line to every descriptor it may have inherited
 * (3 to 255) before answering: if the host's history or state file were
 * among them, the line would land in history.csv. */
#define _POSIX_C_SOURCE 200809L

#include <unistd.h>

#include "bo/bo_plugin.h"

static int stray_evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                          char *err, size_t errlen)
{
    (void)state;
    (void)source;
    (void)err;
    (void)errlen;
    static const char line[] = "99,bo,f,0,0,0,ok,,1,1,0,,0,0,1,0,0\n";
    for (int fd = 3; fd < 256; fd++) {
        ssize_t ignored = write(fd, line, sizeof line - 1);
        (void)ignored;
    }
    double s = 0.0;
    for (size_t i = 0; i < dim; i++)
        s += (x[i] - 0.3) * (x[i] - 0.3);
    *y = s;
    return 0;
}

static const bo_plugin stray_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "stray_writer",
    .evaluate = stray_evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &stray_plugin;
}
