#ifndef BO_TESTS_TEST_GP_GRADIENT_H
#define BO_TESTS_TEST_GP_GRADIENT_H

/* The finite-difference check of the GP's hyperparameter gradient, shared
 * by the test programs that build GPs of different kinds. */
#include "gp/gp.h"
#include "tests/check.h"

#include <math.h>
#include <string.h>

/* Checks g, the analytic gradient of the negative log posterior at theta
 * (nh hyperparameters), against central differences with step 1e-5, one
 * coordinate at a time; tp is scratch room for nh values. A failure names
 * label and the hyperparameter, since the place it reports is this file. */
static inline void test_check_nlp_gradient(bo_gp *gp, const double *theta, const double *g,
                                           double *tp, size_t nh, const char *label)
{
    for (size_t j = 0; j < nh; j++) {
        double h = 1e-5;
        memcpy(tp, theta, nh * sizeof *tp);
        tp[j] = theta[j] + h;
        double fp = bo_gp_neg_log_posterior(gp, tp, NULL);
        tp[j] = theta[j] - h;
        double fm = bo_gp_neg_log_posterior(gp, tp, NULL);
        double fd = (fp - fm) / (2.0 * h);
        char name[64];
        bo_gp_hyper_name(gp, j, name, sizeof name);
        CHECK_MSG(fabs(fd - g[j]) <= 1e-6 + 1e-5 * fabs(fd), "%s: d/d %s: analytic %.10g fd %.10g",
                  label, name, g[j], fd);
    }
}

#endif
