/* The one Check runner. Each tests/check_<module>.c exports
 * Suite *coop_<module>_suite(void); suites.h lists them. Built once per
 * variant (back end, tick width, sanitizer, C or C++): see the Makefile. */
#include <check.h>
#include <stdlib.h>

#include "suites.h"

#define COOP_SUITE(name) Suite *coop_##name##_suite(void);
#if defined(COOP_TEST_STRESS)
COOP_STRESS_SUITES
#elif defined(COOP_TEST_HOST)
COOP_HOST_SUITES
#else
COOP_UNIT_SUITES
#endif
#undef COOP_SUITE

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    int failed;
#define COOP_SUITE(name) srunner_add_suite(sr, coop_##name##_suite());
#if defined(COOP_TEST_STRESS)
    COOP_STRESS_SUITES
#elif defined(COOP_TEST_HOST)
    COOP_HOST_SUITES
#else
    COOP_UNIT_SUITES
#endif
#undef COOP_SUITE
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
