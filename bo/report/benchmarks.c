/* The known-optimum table. Every row must agree with its plugin's comment
 * and code; tests/test_benchmarks.c loads each plugin and checks the value at
 * argopt, the bounds against a dense random sample, and the source count.
 * Optima that the literature gives to 5-6 digits were refined here by a
 * local search from the published argmin, so that the tabulated value is the
 * function's value at the tabulated point to ~1e-12. */
#include "bo/report/benchmarks.h"

#include <math.h>
#include <string.h>

#define BO_BENCHMARK_PI 3.14159265358979323846

static const bo_benchmark bo_benchmark_table[] = {
    {.name = "branin",
     .title = "Branin-Hoo, 2-D, three global minima",
     .dim = 2,
     .input_names = {"x1", "x2"},
     .lower = {-5.0, 0.0},
     .upper = {10.0, 15.0},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 5.0 / (4.0 * BO_BENCHMARK_PI), /* 0.397887... exactly at these points */
     .argopt = {BO_BENCHMARK_PI, 2.275}},
    {.name = "hartmann3",
     .title = "Hartmann 3-D",
     .dim = 3,
     .input_names = {"x1", "x2", "x3"},
     .lower = {0.0, 0.0, 0.0},
     .upper = {1.0, 1.0, 1.0},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = -3.862779787332662,
     .argopt = {0.11458888294257702, 0.555648895518425, 0.8525469863544303}},
    {.name = "hartmann6",
     .title = "Hartmann 6-D",
     .dim = 6,
     .input_names = {"x1", "x2", "x3", "x4", "x5", "x6"},
     .lower = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
     .upper = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = -3.3223680114155147,
     .argopt = {0.20168951114798317, 0.1500106925806985, 0.47687397425303096,
                0.27533243253747586, 0.3116516170507762, 0.6573005366448423}},
    {.name = "ackley5",
     .title = "Ackley 5-D, minimum shifted to (6.4, -11.7, 3.1, 17.9, -4.6)",
     .dim = 5,
     .input_names = {"x1", "x2", "x3", "x4", "x5"},
     .lower = {-32.768, -32.768, -32.768, -32.768, -32.768},
     .upper = {32.768, 32.768, 32.768, 32.768, 32.768},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 0.0,
     .argopt = {6.4, -11.7, 3.1, 17.9, -4.6}},
    {.name = "levy",
     .title = "Levy 4-D",
     .dim = 4,
     .input_names = {"x1", "x2", "x3", "x4"},
     .lower = {-10.0, -10.0, -10.0, -10.0},
     .upper = {10.0, 10.0, 10.0, 10.0},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 0.0,
     .argopt = {1.0, 1.0, 1.0, 1.0}},
    {.name = "rosenbrock",
     .title = "Rosenbrock 4-D",
     .dim = 4,
     .input_names = {"x1", "x2", "x3", "x4"},
     .lower = {-2.048, -2.048, -2.048, -2.048},
     .upper = {2.048, 2.048, 2.048, 2.048},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 0.0,
     .argopt = {1.0, 1.0, 1.0, 1.0}},
    {.name = "noisy_sine",
     .title = "sin(x) + sin(10x/3) + Gaussian noise, 1-D (optimum of the noise-free part)",
     .dim = 1,
     .input_names = {"x"},
     .lower = {2.7},
     .upper = {7.5},
     .n_sources = 1,
     .source_names = {"HF"},
     .source_costs = {1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = -1.8995993491521137,
     .argopt = {5.145735291553677}},
    {.name = "borehole_mf",
     .title = "Borehole, 8-D, 5 sources (GP+)",
     .dim = 8,
     .input_names = {"Tu", "Hu", "Hl", "r", "rw", "Tl", "L", "Kw"},
     .lower = {100.0, 990.0, 700.0, 100.0, 0.05, 10.0, 1000.0, 6000.0},
     .upper = {1000.0, 1110.0, 820.0, 10000.0, 0.15, 500.0, 2000.0, 12000.0},
     .n_sources = 5,
     .source_names = {"HF", "LF1", "LF2", "LF3", "LF4"},
     .source_costs = {1000.0, 100.0, 10.0, 100.0, 10.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 3.985463803284515,
     .argopt = {100.0, 990.0, 820.0, 10000.0, 0.05, 10.0, 2000.0, 6000.0}},
    {.name = "wing_mf",
     .title = "Wing weight, 10-D, 4 sources (GP+)",
     .dim = 10,
     .input_names = {"Sw", "Wfw", "A", "Lambda", "q", "taper", "tc", "Nz", "Wdg", "Wp"},
     .lower = {150.0, 220.0, 6.0, -10.0, 16.0, 0.5, 0.08, 2.5, 1700.0, 0.025},
     .upper = {200.0, 300.0, 10.0, 10.0, 45.0, 1.0, 0.18, 6.0, 2500.0, 0.08},
     .n_sources = 4,
     .source_names = {"HF", "LF1", "LF2", "LF3"},
     .source_costs = {1000.0, 100.0, 10.0, 1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = 123.25367170091785,
     .argopt = {150.0, 220.0, 6.0, 0.0, 16.0, 0.5, 0.18, 2.5, 1700.0, 0.025}},
    {.name = "forrester_mf",
     .title = "Forrester, 1-D, 2 sources",
     .dim = 1,
     .input_names = {"x"},
     .lower = {0.0},
     .upper = {1.0},
     .n_sources = 2,
     .source_names = {"HF", "LF"},
     .source_costs = {5.0, 1.0},
     .goal = BO_BENCHMARK_MINIMIZE,
     .optimum_known = 1,
     .optimum = -6.0207400557670825,
     .argopt = {0.7572487585134906}},
    {.name = "currin_mf",
     .title = "Currin exponential, 2-D, 2 sources (maximise)",
     .dim = 2,
     .input_names = {"x1", "x2"},
     .lower = {0.0, 0.0},
     .upper = {1.0, 1.0},
     .n_sources = 2,
     .source_names = {"HF", "LF"},
     .source_costs = {10.0, 1.0},
     .goal = BO_BENCHMARK_MAXIMIZE,
     .optimum_known = 1,
     .optimum = 13.798722044728434,
     .argopt = {13.0 / 60.0, 0.0}},
    {.name = "park_mf",
     .title = "Park (1991), 4-D, 2 sources (maximise)",
     .dim = 4,
     .input_names = {"x1", "x2", "x3", "x4"},
     .lower = {0.0, 0.0, 0.0, 0.0},
     .upper = {1.0, 1.0, 1.0, 1.0},
     .n_sources = 2,
     .source_names = {"HF", "LF"},
     .source_costs = {10.0, 1.0},
     .goal = BO_BENCHMARK_MAXIMIZE,
     .optimum_known = 1,
     .optimum = 25.589254158606547,
     .argopt = {1.0, 1.0, 1.0, 1.0}},
    {.name = NULL}, /* sentinel */
};

const bo_benchmark *bo_benchmark_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (const bo_benchmark *b = bo_benchmark_table; b->name != NULL; b++)
        if (strcmp(b->name, name) == 0)
            return b;
    return NULL;
}

size_t bo_benchmark_count(void)
{
    size_t n = 0;
    while (bo_benchmark_table[n].name != NULL)
        n++;
    return n;
}

const bo_benchmark *bo_benchmark_at(size_t i)
{
    return i < bo_benchmark_count() ? &bo_benchmark_table[i] : NULL;
}

double bo_benchmark_regret(const bo_benchmark *benchmark, double best)
{
    if (benchmark == NULL || !benchmark->optimum_known)
        return NAN;
    return benchmark->goal == BO_BENCHMARK_MAXIMIZE ? benchmark->optimum - best
                                                    : best - benchmark->optimum;
}

const char *bo_benchmark_goal_name(bo_benchmark_goal goal)
{
    switch (goal) {
    case BO_BENCHMARK_MINIMIZE:
        return "minimize";
    case BO_BENCHMARK_MAXIMIZE:
        return "maximize";
    }
    return "unknown";
}

bo_status bo_benchmark_goal_parse(const char *text, bo_benchmark_goal *goal)
{
    if (text == NULL)
        return BO_EINVAL;
    if (strcmp(text, "minimize") == 0) {
        *goal = BO_BENCHMARK_MINIMIZE;
        return BO_OK;
    }
    if (strcmp(text, "maximize") == 0) {
        *goal = BO_BENCHMARK_MAXIMIZE;
        return BO_OK;
    }
    return BO_EINVAL;
}
