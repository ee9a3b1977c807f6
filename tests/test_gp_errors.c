/* Every error path of the GP and kernel registry: invalid options, bad data
 * naming the row, calls in the wrong state, each with a message. */
#include "gp/gp.h"
#include "tests/check.h"

#include <string.h>

static int contains(const char *s, const char *part)
{
    return s && strstr(s, part) != NULL;
}

static void bad_options(void)
{
    char err[256];
    bo_gp_options opt;
    double lo[2] = {0.0, 1.0}, hi[2] = {1.0, 1.0};

    bo_gp_options_default(&opt, 0);
    err[0] = '\0';
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "dim"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.lower = lo;
    opt.upper = hi;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "input 1") && contains(err, "lower"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.lower = lo;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "both lower and upper"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.kernel = (bo_kernel_kind)99;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "kernel") && contains(err, "99"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.mean = (bo_gp_mean)7;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "mean"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.noise = (bo_gp_noise)7;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "noise"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.n_sources = 2;
    opt.target_source = 2;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "target_source"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.n_sources = 0;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "n_sources"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.noise = BO_NOISE_FIXED;
    opt.fixed_noise_var = -1.0;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "fixed_noise_var"), "message: %s", err);

    bo_gp_options_default(&opt, 2);
    opt.noise_floor = NAN;
    CHECK(bo_gp_create(&opt, err, sizeof err) == NULL);
    CHECK_MSG(contains(err, "noise_floor"), "message: %s", err);

    CHECK(bo_gp_create(NULL, err, sizeof err) == NULL);
    /* A NULL buffer is allowed. */
    bo_gp_options_default(&opt, 0);
    CHECK(bo_gp_create(&opt, NULL, 0) == NULL);
    bo_gp_destroy(NULL);
}

static void bad_data_and_state(void)
{
    bo_gp_options opt;
    bo_gp_options_default(&opt, 2);
    opt.n_sources = 2;
    bo_gp *gp = bo_gp_create(&opt, NULL, 0);
    CHECK(gp != NULL);
    CHECK(strcmp(bo_gp_errmsg(gp), "") == 0);
    double X[8] = {0, 0, 1, 1, 0.5, NAN, 0.2, 0.3}, y[4] = {1, 2, 3, 4}, nv[4] = {0, 0, 0, 0};
    size_t src[4] = {0, 1, 0, 1};
    double x[2] = {0.5, 0.5}, m, v, theta[16];

    /* Predict before any fit. */
    CHECK(bo_gp_predict(gp, x, 0, &m, &v, NULL) == BO_ESTATE);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "not fitted"), "message: %s", bo_gp_errmsg(gp));
    CHECK(bo_gp_predict_block(gp, 1, x, 0, &m, &v, NULL) == BO_ESTATE);
    CHECK(bo_gp_predict_grad(gp, x, 0, &m, &v, NULL, NULL) == BO_ESTATE);
    CHECK(bo_gp_predict_gradient_dist(gp, x, 0, theta, theta + 2) == BO_ESTATE);
    CHECK(bo_gp_sample(gp, 1, x, 0, 1, 1, &m) == BO_ESTATE);
    CHECK(bo_gp_fit(gp, NULL) == BO_ESTATE);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "no data"), "message: %s", bo_gp_errmsg(gp));
    CHECK(bo_gp_condition(gp) == BO_ESTATE);
    bo_gp_get_hyper(gp, theta);
    CHECK(isnan(bo_gp_neg_log_posterior(gp, theta, NULL)));
    CHECK(contains(bo_gp_errmsg(gp), "no data"));
    CHECK(isnan(bo_gp_log_marginal_likelihood(gp)));

    /* Non-finite x, named by row and column. */
    CHECK(bo_gp_set_data(gp, 4, X, src, y, NULL) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "row 2") && contains(bo_gp_errmsg(gp), "x[1]"),
              "message: %s", bo_gp_errmsg(gp));
    X[5] = 0.7;
    y[3] = INFINITY;
    CHECK(bo_gp_set_data(gp, 4, X, src, y, NULL) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "row 3") && contains(bo_gp_errmsg(gp), "y"),
              "message: %s", bo_gp_errmsg(gp));
    y[3] = 4.0;
    src[1] = 2;
    CHECK(bo_gp_set_data(gp, 4, X, src, y, NULL) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "row 1") && contains(bo_gp_errmsg(gp), "source"),
              "message: %s", bo_gp_errmsg(gp));
    src[1] = 1;
    CHECK(bo_gp_set_data(gp, 4, X, src, y, nv) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "noise_var given"), "message: %s", bo_gp_errmsg(gp));
    /* The failed calls left no data behind. */
    CHECK(bo_gp_n(gp) == 0);

    CHECK(bo_gp_set_data(gp, 4, X, src, y, NULL) == BO_OK);
    CHECK(bo_gp_predict(gp, x, 0, &m, &v, NULL) == BO_ESTATE); /* data, but not conditioned */
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    CHECK(bo_gp_predict(gp, x, 0, &m, &v, NULL) == BO_OK);
    CHECK(strcmp(bo_gp_errmsg(gp), "") == 0);
    CHECK(bo_gp_predict(gp, x, 2, &m, &v, NULL) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "source 2"));
    double xbad[2] = {NAN, 0.0};
    CHECK(bo_gp_predict(gp, xbad, 0, &m, &v, NULL) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "x[0]"));
    double Xb[4] = {0.1, 0.1, 0.2, INFINITY}, mb[2];
    CHECK(bo_gp_predict_block(gp, 2, Xb, 0, mb, NULL, NULL) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "point 1"), "message: %s", bo_gp_errmsg(gp));
    CHECK(bo_gp_sample(gp, 2, Xb, 0, 1, 1, mb) == BO_EINVAL);
    CHECK(bo_gp_add_point(gp, xbad, 0, 1.0, 0.0) == BO_EINVAL);
    CHECK(bo_gp_add_point(gp, x, 0, NAN, 0.0) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "y"));
    CHECK(bo_gp_add_point(gp, x, 5, 1.0, 0.0) == BO_EINVAL);
    CHECK(bo_gp_n(gp) == 4);
    bo_gp_get_hyper(gp, theta);
    theta[0] = NAN;
    CHECK(bo_gp_set_hyper(gp, theta) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "theta[0]"));
    CHECK(bo_gp_fit(gp, theta) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "theta_warm[0]"));
    /* Accessors out of range. */
    CHECK(isnan(bo_gp_noise_var(gp, 2)));
    CHECK(isnan(bo_gp_mean_value(gp, 2)));
    char name[32];
    CHECK(strcmp(bo_gp_hyper_name(gp, 1000, name, sizeof name), "?") == 0);
    bo_gp_destroy(gp);

    /* Known noise needs the variances, and they must be >= 0. */
    bo_gp_options_default(&opt, 2);
    opt.noise = BO_NOISE_KNOWN;
    gp = bo_gp_create(&opt, NULL, 0);
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, NULL) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "needs noise_var"));
    nv[2] = -1.0;
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, nv) == BO_EINVAL);
    CHECK_MSG(contains(bo_gp_errmsg(gp), "row 2"), "message: %s", bo_gp_errmsg(gp));
    nv[2] = 0.0;
    CHECK(bo_gp_set_data(gp, 4, X, NULL, y, nv) == BO_OK);
    CHECK(bo_gp_fit(gp, NULL) == BO_OK);
    CHECK(bo_gp_add_point(gp, x, 0, 1.0, -0.5) == BO_EINVAL);
    CHECK(contains(bo_gp_errmsg(gp), "noise variance"));
    bo_gp_destroy(gp);
}

static void registry(void)
{
    static const char *const names[] = {"sqexp", "matern32", "matern52", "rough_rbf"};
    size_t count = 0;
    for (const bo_kernel_info *k = bo_kernel_registry; k->name; k++) {
        bo_kernel_kind kind;
        CHECK(bo_kernel_from_name(k->name, &kind) == 0);
        CHECK(kind == k->kind);
        CHECK(strcmp(bo_kernel_name(k->kind), k->name) == 0);
        CHECK(strcmp(k->name, names[count]) == 0);
        count++;
    }
    CHECK(count == 4);
    bo_kernel_kind kind = BO_KERNEL_SQEXP;
    CHECK(bo_kernel_from_name("matern72", &kind) == -1);
    CHECK(bo_kernel_from_name(NULL, &kind) == -1);
    CHECK(strcmp(bo_kernel_name((bo_kernel_kind)42), "?") == 0);
}

int main(void)
{
    bad_options();
    bad_data_and_state();
    registry();
    return CHECK_DONE();
}
