/* A simulation code that tunes itself with libbo, in-process: a damped
 * spring-mass system (x'' + c x' + k x = 0, x(0) = 1, x'(0) = 0) integrated
 * with RK4, whose stiffness k and damping c are chosen to bring the mass
 * to rest fastest: the objective is the integral of x^2 over 10 s. The
 * optimiser asks for (k, c), the simulation runs, the result is told.
 *
 *   cc $(pkg-config --cflags bo) simulation.c -o simulation $(pkg-config --libs bo) -lm
 *   ./simulation [evaluations]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bo/bo.h"

/* The integral of x(t)^2 for t in [0, 10], by RK4 with step 1e-3. */
static double simulate(double k, double c)
{
    double x = 1.0, v = 0.0, h = 1e-3, integral = 0.0;
    for (int step = 0; step < 10000; step++) {
        double k1x = v, k1v = -c * v - k * x;
        double k2x = v + 0.5 * h * k1v, k2v = -c * (v + 0.5 * h * k1v) - k * (x + 0.5 * h * k1x);
        double k3x = v + 0.5 * h * k2v, k3v = -c * (v + 0.5 * h * k2v) - k * (x + 0.5 * h * k2x);
        double k4x = v + h * k3v, k4v = -c * (v + h * k3v) - k * (x + h * k3x);
        integral += h * x * x;
        x += h / 6.0 * (k1x + 2 * k2x + 2 * k3x + k4x);
        v += h / 6.0 * (k1v + 2 * k2v + 2 * k3v + k4v);
    }
    return integral;
}

int main(int argc, char **argv)
{
    int evaluations = argc > 1 ? atoi(argv[1]) : 25;
    if (evaluations < 1) {
        fprintf(stderr, "usage: simulation [evaluations >= 1]\n");
        return 2;
    }
    bo_options *options = bo_options_new();
    if (!options)
        return 1;
    bo_optimizer *opt = NULL;
    if (bo_options_add_input(options, "stiffness", 0.5, 20.0, 1) != BO_SUCCESS ||
        bo_options_add_input(options, "damping", 0.1, 10.0, 0) != BO_SUCCESS ||
        bo_options_set(options, "seed", "4") != BO_SUCCESS ||
        bo_options_set(options, "initial_design.size", "8") != BO_SUCCESS ||
        bo_optimizer_new(options, &opt) != BO_SUCCESS) {
        fprintf(stderr, "simulation: %s\n", bo_options_error(options));
        bo_options_free(options);
        return 2;
    }
    bo_options_free(options);
    printf("libbo %s\n", bo_version());
    for (int i = 0; i < evaluations; i++) {
        double x[2];
        bo_ask_info info = BO_ASK_INFO_INIT;
        if (bo_optimizer_ask(opt, x, &info) != BO_SUCCESS ||
            bo_optimizer_tell(opt, x, info.source, simulate(x[0], x[1])) != BO_SUCCESS) {
            fprintf(stderr, "simulation: %s\n", bo_optimizer_error(opt));
            bo_optimizer_free(opt);
            return 1;
        }
    }
    double best, at[2];
    bo_optimizer_best(opt, &best, at);
    printf("best: stiffness %.6g, damping %.6g: integral of x^2 %.6g after %zu runs\n", at[0],
           at[1], best, bo_optimizer_n_observations(opt));
    bo_optimizer_free(opt);
    return 0;
}
