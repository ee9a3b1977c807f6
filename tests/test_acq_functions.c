/* Acquisition formulas without a GP: the special functions against
 * independent values (40-digit references, libm's long-double erfc, the
 * asymptotic series), log h(z) finite and increasing down to z = -1e6, every
 * acquisition at hand-computed points, finite-difference checks of every
 * partial derivative, and the registry's round trips. */
#define BO_TEST_PI 3.14159265358979323846
#include <float.h>
#include <math.h>
#include <string.h>

#include "acquisition/acquisition.h"
#include "acquisition/normal.h"
#include "tests/check.h"

/* Reference values computed with mpmath at 50 digits:
 * erfcx(x) = erfc(x) exp(x^2), log Phi(z), log(phi(z) + z Phi(z)). */
static const double erfcx_ref[][2] = {
    {-3, 16205.988853999586625},   {-0.5, 1.9523604891825570933},
    {0, 1.0},                      {0.1, 0.89645697996912664193},
    {0.5, 0.61569034419292587487}, {1, 0.42758357615580700441},
    {2.5, 0.21080636406114358065}, {4, 0.13699945762506138989},
    {7, 0.07980005432915293349},   {11.9, 0.047245232484087669952},
    {12.1, 0.046469607339835010325}, {30, 0.018795888861416751497},
    {1e3, 0.0005641893014533876542}, {1e8, 5.6418958354775625874e-9},
};
static const double logcdf_ref[][2] = {
    {5, -2.8665161296376359338e-7}, {1, -0.17275377902344988953},
    {0, -0.69314718055994530942},   {-1, -1.8410216450092635058},
    {-5, -15.064998393988725736},   {-20, -203.91715537109726394},
    {-37.5, -707.66898931750719107}, {-40, -804.60844201375378817},
    {-100, -5005.5242086942050886}, {-1e3, -500007.82669481218431},
    {-1e5, -5000000012.4318639983},
};
static const double logh_ref[][2] = {
    {10, 2.302585092994045684},     {2, 0.69738354578822831219},
    {0, -0.91893853320467274178},   {-0.5, -1.6205162643873199193},
    {-1, -2.4851210257126413368},   {-2, -4.7687835239171141569},
    {-5, -16.744301162660990143},   {-9.9, -54.538591240015211628},
    {-14, -104.21209475021380903},  {-14.5, -111.40627414748852357},
    {-30, -457.72465376059800405},  {-100, -5010.1295788002497923},
    {-1e3, -500014.73445209115845}, {-1e6, -500000000028.54995965},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_special_functions(void)
{
    /* 4e-15 relative: a few ulps of the Chebyshev sum and the final division. */
    for (size_t i = 0; i < NELEM(erfcx_ref); i++)
        CHECK_CLOSE(bo_erfcx(erfcx_ref[i][0]), erfcx_ref[i][1], 4e-15, 0.0);
    /* Against long-double libm over the range where erfc does not underflow;
     * the reference's own error is ~1e-18, so 1e-14 leaves room for ours. */
    for (double x = -5.0; x <= 26.0; x += 0.01) {
        long double ref = expl((long double)x * x) * erfcl((long double)x);
        CHECK_CLOSE(bo_erfcx(x), (double)ref, 1e-14, 0.0);
    }
    /* Far out only the series is left: sqrt(pi) x erfcx(x) = 1 - 1/(2x^2) +
     * 3/(4x^4) - ..., the next term 15/(8x^6) ~ 2e-24 at x = 1e4; six
     * roundings on the two sides allow 8e-16. */
    for (double x = 1e4; x < 1e200; x *= 1e7) {
        double s = sqrt(BO_TEST_PI) * x * bo_erfcx(x);
        double r = 0.5 / (x * x);
        CHECK_CLOSE(s, 1.0 - r + 3.0 * r * r, 8e-16, 0.0);
    }
    CHECK(isinf(bo_erfcx(-30.0)) && bo_erfcx(-30.0) > 0);
    CHECK(isnan(bo_erfcx(NAN)));

    /* pdf at hand points: phi(0) = 1/sqrt(2 pi), phi(1) = phi(0) e^-1/2. */
    CHECK_CLOSE(bo_normal_pdf(0.0), 0.3989422804014326779, 1e-16, 0.0);
    CHECK_CLOSE(bo_normal_pdf(-1.0), 0.3989422804014326779 * exp(-0.5), 2e-16, 0.0);
    CHECK_CLOSE(bo_normal_pdf(30.0), 0.3989422804014326779 * exp(-450.0), 1e-15, 0.0);
    CHECK(bo_normal_cdf(0.0) == 0.5);
    for (double z = -37.0; z <= 8.0; z += 0.01) {
        long double ref = 0.5L * erfcl(-(long double)z / sqrtl(2.0L));
        CHECK_CLOSE(bo_normal_cdf(z), (double)ref, 1e-14, 0.0);
        if (z < 5.0) /* log of a value known to ~1e-14, not close to 1 */
            CHECK_CLOSE(bo_normal_logcdf(z), (double)logl(ref), 1e-14, 1e-15);
    }
    for (size_t i = 0; i < NELEM(logcdf_ref); i++)
        CHECK_CLOSE(bo_normal_logcdf(logcdf_ref[i][0]), logcdf_ref[i][1], 1e-14, 0.0);
    CHECK(bo_normal_logcdf(-1e200) == -DBL_MAX);

    for (size_t i = 0; i < NELEM(logh_ref); i++)
        CHECK_CLOSE(bo_ei_log_h(logh_ref[i][0], NULL), logh_ref[i][1], 1e-14, 0.0);
    /* Where h is a normal double, log h must agree with the log of h computed
     * the plain way in long double (whose cancellation at z = -37 costs about
     * log10(z^2) ~ 3 of its 19 digits). */
    for (double z = -37.0; z <= 20.0; z += 0.05) {
        long double zl = z;
        long double pdf = expl(-0.5L * zl * zl) / sqrtl(2.0L * (long double)BO_TEST_PI);
        long double cdf = 0.5L * erfcl(-zl / sqrtl(2.0L));
        long double h = pdf + zl * cdf;
        CHECK_CLOSE(bo_ei_log_h(z, NULL), (double)logl(h), 1e-13, 1e-14);
        CHECK_CLOSE(bo_ei_h(z), (double)h, 4e-13, 0.0);
    }
    /* Finite, strictly increasing and with a positive finite slope from
     * z = -1e6 up to z = 10 on a geometric grid (steps of 0.1% at least, far
     * above the ~1e-14 relative error). */
    double prev = -INFINITY;
    int monotone = 1, finite = 1;
    for (double mag = 1e6; mag > 1e-3; mag /= 1.001) {
        double slope;
        double v = bo_ei_log_h(-mag, &slope);
        finite &= isfinite(v) && isfinite(slope) && slope > 0.0;
        monotone &= v > prev;
        prev = v;
    }
    for (double z = 0.0; z <= 10.0; z += 0.01) {
        double v = bo_ei_log_h(z, NULL);
        monotone &= v > prev;
        prev = v;
    }
    CHECK(finite);
    CHECK(monotone);
    CHECK(bo_ei_log_h(-1e160, NULL) == -DBL_MAX);

    /* d log h / dz = Phi/h against central differences with step 1e-6 |z|
     * (truncation ~ (1e-6)^2 relative; rounding eps |log h| / step). */
    const double zs[] = {3.0, 0.5, -0.99, -1.01, -3.0, -9.9, -10.1, -14.2, -50.0, -1e3, -1e5};
    for (size_t i = 0; i < NELEM(zs); i++) {
        double z = zs[i], slope;
        bo_ei_log_h(z, &slope);
        double step = 1e-6 * fmax(1.0, fabs(z));
        double fd = (bo_ei_log_h(z + step, NULL) - bo_ei_log_h(z - step, NULL)) / (2 * step);
        double tol = 1e-7 + 4 * DBL_EPSILON * fabs(bo_ei_log_h(z, NULL)) / step / fabs(slope);
        CHECK_CLOSE(slope, fd, tol, 0.0);
    }
}

static bo_acq_options options(bo_acq_kind kind, bo_acq_goal goal)
{
    bo_acq_options o;
    bo_acq_options_default(&o);
    o.kind = kind;
    o.goal = goal;
    return o;
}

static void test_hand_values(void)
{
    const double phi0 = 0.3989422804014326779; /* 1/sqrt(2 pi) */
    const double phi1 = 0.24197072451914336999;
    const double Phi1 = 0.84134474606854293108;
    bo_acq_options ei_min = options(BO_ACQ_EI, BO_ACQ_MINIMIZE);
    bo_acq_options ei_max = options(BO_ACQ_EI, BO_ACQ_MAXIMIZE);
    /* z = 0: EI = sigma phi(0), PI = 1/2. */
    CHECK_CLOSE(bo_acq_value(&ei_min, 0, 1.0, 2.0, 1.0, NULL, NULL), 2 * phi0, 1e-15, 0);
    CHECK_CLOSE(bo_acq_value(&ei_max, 0, 1.0, 2.0, 1.0, NULL, NULL), 2 * phi0, 1e-15, 0);
    /* z = 1: minimise with mu one sigma below best, maximise one above:
     * EI = sigma (phi(1) + Phi(1)). */
    CHECK_CLOSE(bo_acq_value(&ei_min, 0, 0.0, 1.0, 1.0, NULL, NULL), phi1 + Phi1, 1e-15, 0);
    CHECK_CLOSE(bo_acq_value(&ei_max, 0, 3.0, 0.5, 2.5, NULL, NULL), 0.5 * (phi1 + Phi1),
                1e-15, 0);
    /* z = -1: phi(1) - Phi(-1). */
    CHECK_CLOSE(bo_acq_value(&ei_min, 0, 2.0, 1.0, 1.0, NULL, NULL), phi1 - (1 - Phi1), 1e-14,
                0);
    bo_acq_options lei = options(BO_ACQ_LOGEI, BO_ACQ_MINIMIZE);
    CHECK_CLOSE(bo_acq_value(&lei, 0, 1.0, 2.0, 1.0, NULL, NULL), log(2 * phi0), 1e-15, 0);
    bo_acq_options pi_min = options(BO_ACQ_PI, BO_ACQ_MINIMIZE);
    bo_acq_options pi_max = options(BO_ACQ_PI, BO_ACQ_MAXIMIZE);
    CHECK(bo_acq_value(&pi_min, 0, 1.0, 2.0, 1.0, NULL, NULL) == 0.5);
    CHECK_CLOSE(bo_acq_value(&pi_min, 0, 0.0, 1.0, 1.0, NULL, NULL), Phi1, 1e-15, 0);
    CHECK_CLOSE(bo_acq_value(&pi_max, 0, 0.0, 1.0, 1.0, NULL, NULL), 1 - Phi1, 1e-14, 0);
    /* UCB: minimise scores -(mu - beta sigma), maximise mu + beta sigma. */
    bo_acq_options ucb_min = options(BO_ACQ_UCB, BO_ACQ_MINIMIZE);
    bo_acq_options ucb_max = options(BO_ACQ_UCB, BO_ACQ_MAXIMIZE);
    ucb_max.beta = 3.0;
    CHECK(bo_acq_value(&ucb_min, 0, 3.0, 2.0, 0.0, NULL, NULL) == 1.0);
    CHECK(bo_acq_value(&ucb_max, 0, 3.0, 2.0, 0.0, NULL, NULL) == 9.0);

    /* MFCA with costs {4, 2}, target 0, best 1. */
    const double cost[2] = {4.0, 2.0};
    bo_acq_options mf = options(BO_ACQ_MFCA, BO_ACQ_MINIMIZE);
    mf.n_sources = 2;
    mf.cost = cost;
    CHECK_CLOSE(bo_acq_value(&mf, 0, 0.5, 0.3, 1.0, NULL, NULL), 0.125, 1e-15, 0);
    /* Other source: sigma phi(z)/c with z = (1 - 0.5)/0.5 = 1. */
    CHECK_CLOSE(bo_acq_value(&mf, 1, 0.5, 0.5, 1.0, NULL, NULL), 0.5 * phi1 / 2.0, 1e-15, 0);
    mf.mfca_target_ei = 1; /* EI(z = 1, sigma = 1) / 4 */
    CHECK_CLOSE(bo_acq_value(&mf, 0, 0.0, 1.0, 1.0, NULL, NULL), (phi1 + Phi1) / 4, 1e-15, 0);
    mf.mfca_target_ei = 0;
    mf.goal = BO_ACQ_MAXIMIZE; /* mirrored: (mu - best) / c */
    CHECK_CLOSE(bo_acq_value(&mf, 0, 0.5, 0.3, 1.0, NULL, NULL), -0.125, 1e-15, 0);
    CHECK_CLOSE(bo_acq_value(&mf, 1, 1.5, 0.5, 1.0, NULL, NULL), 0.5 * phi1 / 2.0, 1e-15, 0);
    CHECK(bo_acq_sigma_includes_noise(&mf, 1) && !bo_acq_sigma_includes_noise(&mf, 0));
    CHECK(!bo_acq_sigma_includes_noise(&ei_min, 1));

    /* A zero sigma is floored, never a division by zero. */
    CHECK(isfinite(bo_acq_value(&lei, 0, 2.0, 0.0, 1.0, NULL, NULL)));
    CHECK_CLOSE(bo_acq_value(&ei_min, 0, 0.0, 0.0, 1.0, NULL, NULL), 1.0, 1e-15, 0);
}

/* log EI = log(EI) wherever EI is a normal double, with EI computed
 * independently in long double as sigma (phi(z) + z Phi(z)) (its cancellation
 * costs log10(z^2) <= 4 of 19 digits here); and log EI finite where EI
 * underflows. */
static void test_logei_matches_ei(void)
{
    bo_acq_options ei = options(BO_ACQ_EI, BO_ACQ_MINIMIZE);
    bo_acq_options lei = options(BO_ACQ_LOGEI, BO_ACQ_MINIMIZE);
    int compared = 0, underflowed = 0;
    for (double sigma = 1e-3; sigma < 1e3; sigma *= 3.7)
        for (double mu = -50.0; mu <= 50.0; mu += 0.37) {
            double v = bo_acq_value(&ei, 0, mu, sigma, 1.0, NULL, NULL);
            double lv = bo_acq_value(&lei, 0, mu, sigma, 1.0, NULL, NULL);
            CHECK(isfinite(lv));
            long double z = ((long double)1.0 - mu) / sigma;
            long double h = expl(-0.5L * z * z) / sqrtl(2.0L * (long double)BO_TEST_PI) +
                            z * 0.5L * erfcl(-z / sqrtl(2.0L));
            long double ref = sigma * h;
            if (ref >= DBL_MIN && z > -100.0L) {
                compared++;
                /* z = (best - mu)/sigma is rounded in double; EI's relative
                 * sensitivity to z is ~z^2, so that rounding alone allows
                 * 2 eps z^2. On top, 1e-13 for bo_ei_h's ~2.3 digits lost
                 * below u = 10. */
                double zd = (double)z, zt = 4.5e-16 * zd * zd;
                CHECK_CLOSE(lv, (double)logl(ref), 1e-14, 1e-13 + zt);
                CHECK_CLOSE(v, (double)ref, 1e-13 + zt, 0.0);
            } else if (v == 0.0) {
                underflowed++;
                CHECK(lv < log(DBL_MIN));
            }
        }
    CHECK(compared > 1000);
    CHECK(underflowed > 100);
}

/* Central differences in mu and sigma for every kind and goal. Steps are
 * 1e-6 of the scale; tolerance 1e-6 relative plus 1e-9 absolute covers the
 * O(step^2) truncation and rounding of values of order one. */
static void test_partials(void)
{
    const double cost[2] = {3.0, 0.5};
    const double pts[][3] = {/* mu, sigma, best */
                             {0.3, 1.0, 0.0}, {-0.4, 0.2, 0.0}, {2.0, 0.5, 1.0},
                             {10.0, 1.0, 0.0}, {-10.0, 1.0, 0.0}, {1.0, 1.0, 1.0}};
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++)
        for (int goal = 0; goal < 2; goal++)
            for (size_t src = 0; src < 2; src++)
                for (int tei = 0; tei < 2; tei++)
                    for (size_t p = 0; p < NELEM(pts); p++) {
                        bo_acq_options o = options(row->kind, (bo_acq_goal)goal);
                        o.n_sources = 2;
                        o.cost = cost;
                        o.mfca_target_ei = tei;
                        double mu = pts[p][0], s = pts[p][1], b = pts[p][2];
                        double dmu, ds;
                        bo_acq_value(&o, src, mu, s, b, &dmu, &ds);
                        double h = 1e-6;
                        double fmu = (bo_acq_value(&o, src, mu + h, s, b, NULL, NULL) -
                                      bo_acq_value(&o, src, mu - h, s, b, NULL, NULL)) /
                                     (2 * h);
                        double hs = 1e-6 * s;
                        double fs = (bo_acq_value(&o, src, mu, s + hs, b, NULL, NULL) -
                                     bo_acq_value(&o, src, mu, s - hs, b, NULL, NULL)) /
                                    (2 * hs);
                        CHECK_MSG(fabs(dmu - fmu) <= 1e-9 + 1e-6 * fabs(fmu),
                                  "%s goal %d src %zu pt %zu: dmu %g fd %g", row->name, goal,
                                  src, p, dmu, fmu);
                        CHECK_MSG(fabs(ds - fs) <= 1e-9 + 1e-6 * fabs(fs),
                                  "%s goal %d src %zu pt %zu: dsigma %g fd %g", row->name,
                                  goal, src, p, ds, fs);
                    }
}

static void test_registry(void)
{
    size_t rows = 0;
    for (const bo_acq_info *row = bo_acq_registry; row->name; row++, rows++) {
        bo_acq_kind k;
        CHECK(bo_acq_from_name(row->name, &k) == 0 && k == row->kind);
        CHECK(strcmp(bo_acq_name(row->kind), row->name) == 0);
        CHECK(row->value != NULL && row->summary != NULL);
    }
    CHECK(rows == 5);
    const char *names[] = {"ei", "logei", "pi", "ucb", "mfca"};
    for (size_t i = 0; i < NELEM(names); i++) {
        bo_acq_kind k;
        CHECK(bo_acq_from_name(names[i], &k) == 0);
    }
    bo_acq_kind k = BO_ACQ_PI;
    CHECK(bo_acq_from_name("EI ", &k) == -1 && k == BO_ACQ_PI);
    CHECK(bo_acq_from_name(NULL, &k) == -1);
    CHECK(strcmp(bo_acq_name((bo_acq_kind)99), "?") == 0);
    CHECK(bo_acq_is_multi_source(BO_ACQ_MFCA) && !bo_acq_is_multi_source(BO_ACQ_EI));
    bo_acq_options bad = options((bo_acq_kind)99, BO_ACQ_MINIMIZE);
    double dmu = 0, ds = 0;
    CHECK(isnan(bo_acq_value(&bad, 0, 0.0, 1.0, 0.0, &dmu, &ds)) && isnan(dmu) && isnan(ds));
}

int main(void)
{
    test_special_functions();
    test_hand_values();
    test_logei_matches_ei();
    test_partials();
    test_registry();
    return CHECK_DONE();
}
