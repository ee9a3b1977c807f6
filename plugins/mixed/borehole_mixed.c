/* Borehole-Mixed, as an optimisation problem (GP+'s Appendix A.2 setting):
 * the Borehole water-flow function with its inputs r_w and H_l made
 * categorical, five levels each standing for five hidden values drawn once
 * uniformly in the inputs' ranges (numpy default_rng(20241), sorted: level
 * r1 is the smallest r_w, h1 the smallest H_l). The other six inputs are
 * real. Minimised: the flow is least at the smallest r_w level, the
 * largest H_l level and a corner of the real box.
 *
 * Inputs, in config order:
 *   encoding: levels (default)  rw {r1..r5}, r, Tu, Hu, Tl, Hl {h1..h5}, L, Kw
 *   encoding: onehot            rw_1..rw_5, r, Tu, Hu, Tl, hl_1..hl_5, L, Kw
 * With onehot each categorical input is five real inputs in [0, 1] and the
 * level is the largest of them (the first on a tie): the continuous
 * relaxation one-hot BO uses. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/mixed/mixed_plugin.h"

static const double rw_value[5] = {0.08009544935958528, 0.10502135204423921,
                                   0.11258705991625613, 0.11747473182371024,
                                   0.12555269591730778};
static const double hl_value[5] = {727.7651569285792, 728.7292383414327, 750.0646931937101,
                                   756.4042937730626, 805.9008085659311};

static double borehole(double rw, double r, double tu, double hu, double tl, double hl,
                       double L, double kw)
{
    double lr = log(r / rw);
    return 2.0 * 3.14159265358979323846 * tu * (hu - hl) /
           (lr * (1.0 + 2.0 * L * tu / (lr * rw * rw * kw) + tu / tl));
}

static int level_of(double x, char *err, size_t errlen)
{
    if (!(x >= 0 && x <= 4 && x == floor(x))) {
        snprintf(err, errlen, "borehole_mixed: %g is not a level index 0..4", x);
        return -1;
    }
    return (int)x;
}

static int init(void **state, const bo_plugin_param *params, size_t n_params, size_t dim,
                size_t n_sources, char *err, size_t errlen)
{
    (void)n_sources;
    return mixed_init("borehole_mixed", 8, 16, state, params, n_params, dim, err, errlen);
}

static int evaluate(void *state, const double *x, size_t dim, size_t source, double *y,
                    char *err, size_t errlen)
{
    (void)dim;
    (void)source;
    int rw, hl;
    if (*(int *)state) {
        rw = mixed_argmax(x, 5);
        hl = mixed_argmax(x + 9, 5);
        *y = borehole(rw_value[rw], x[5], x[6], x[7], x[8], hl_value[hl], x[14], x[15]);
        return 0;
    }
    if ((rw = level_of(x[0], err, errlen)) < 0 || (hl = level_of(x[5], err, errlen)) < 0)
        return 1;
    *y = borehole(rw_value[rw], x[1], x[2], x[3], x[4], hl_value[hl], x[6], x[7]);
    return 0;
}

static const bo_plugin borehole_mixed_plugin = {
    .abi_version = BO_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(bo_plugin),
    .name = "borehole_mixed",
    .init = init,
    .evaluate = evaluate,
};

const bo_plugin *bo_plugin_entry(void)
{
    return &borehole_mixed_plugin;
}
