#ifndef BO_BENCH_BENCH_PROBLEMS_H
#define BO_BENCH_BENCH_PROBLEMS_H

/* The clock and the test problems the benchmarks time (bench_gp,
 * bench_engine, bench_parallel): Hartmann-6 (single fidelity) and a
 * five-source 8-input response shaped like the Borehole's. */
#include <math.h>
#include <stddef.h>
#include <time.h>

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline double hartmann6(const double *x)
{
    static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    static const double c[4] = {1.0, 1.2, 3.0, 3.2};
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = 0.0;
        for (int j = 0; j < 6; j++)
            e += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
        s -= c[i] * exp(-e);
    }
    return s;
}

/* A smooth 8-input response with source-dependent bias, shaped like the
 * Borehole's: the sources are correlated but not copies. */
static inline double mf_response(const double *x, size_t source)
{
    double base = 0.0;
    for (int j = 0; j < 8; j++)
        base += sin(3.0 * x[j] + 0.5 * j) * (1.0 + 0.1 * j);
    base += 2.0 * x[0] * x[3] - x[1] * x[1];
    double bias = source == 0 ? 0.0 : 0.3 * (double)source * (x[2] - 0.5) + 0.1 * (double)source;
    return base + bias;
}

#endif
