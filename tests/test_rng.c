/* The RNG: reproducible streams, derived streams independent of each other,
 * and moments of the uniform and normal draws within sampling error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gp/bo_status.h"
#include "gp/rng.h"
#include "tests/check.h"

int main(void)
{
    bo_rng a, b;
    bo_rng_init(&a, 42);
    bo_rng_init(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= bo_rng_u64(&a) == bo_rng_u64(&b);
    CHECK(same);

    bo_rng_init_derived(&a, 7, 1, 3);
    bo_rng_init_derived(&b, 7, 1, 4);
    CHECK(bo_rng_u64(&a) != bo_rng_u64(&b));

    /* Mean of N uniforms: sd 1/sqrt(12 N) ~ 9e-4 at N = 1e5; 5 sd margin. */
    enum { N = 100000 };
    bo_rng_init(&a, 1);
    double s = 0.0, s1 = 0.0, s2 = 0.0;
    for (int i = 0; i < N; i++) {
        double u = bo_rng_uniform(&a);
        CHECK(u >= 0.0 && u < 1.0);
        s += u;
        double z = bo_rng_normal(&a);
        s1 += z;
        s2 += z * z;
    }
    CHECK_CLOSE(s / N, 0.5, 0.0, 5 * 9.2e-4);
    /* Normal mean sd 1/sqrt(N) ~ 3.2e-3; variance sd sqrt(2/N) ~ 4.5e-3. */
    CHECK_CLOSE(s1 / N, 0.0, 0.0, 5 * 3.2e-3);
    CHECK_CLOSE(s2 / N, 1.0, 0.0, 5 * 4.5e-3);

    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 30000; i++)
        counts[bo_rng_below(&a, 3)]++;
    for (int k = 0; k < 3; k++)
        CHECK(abs(counts[k] - 10000) < 5 * 82); /* binomial sd ~ 82 */

    CHECK(strcmp(bo_strerror(BO_OK), "success") == 0);
    CHECK(strlen(bo_strerror(BO_ESTATE)) > 0);
    return CHECK_DONE();
}
