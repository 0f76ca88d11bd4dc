/* tests/m0/unit.c - core tests on the emulated Cortex-M0+ (not Check).
 *
 * The tests of unit_core.h (wheel across the tick wrap, exact sleeps, yield
 * order, gather, cancel, flag/counter/ring from an "interrupt" during idle),
 * compiled by arm-none-eabi-gcc for ARMv6-M (no divide, no CLZ, Thumb-1) and
 * run in qemu -M microbit on the virtual-clock port. run.sh builds it for both
 * COOP_LC back ends, 16/32-bit ticks, small wheels and a sorted list, as C99
 * and C++11. Prints failures, then "N passed, M failed" on the semihosting
 * console; the exit status (qemu's, through semihosting) is 0 only if all
 * passed. COOP_M0_FORCE_FAIL adds a failing check (run.sh's negative control).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <stdio.h>
#include <string.h>

#include "m0.h"

#define UNIT_PRINT_FAIL(line, text) printf("FAIL line %d: %s\n", (line), (text))
#include "../unit_core.h"

int main(void)
{
    unit_core_run();
#ifdef COOP_M0_FORCE_FAIL
    CHECK(passed == 0); /* the verdict must say "failed" */
#endif
    printf("unit tests, %s, %d-bit ticks, ", COOP_LC == COOP_LC_GOTO ? "COOP_LC_GOTO" : "COOP_LC_SWITCH",
           COOP_TICK_BITS);
    if (COOP_WHEEL_LEVELS == 0)
        printf("sorted timer list: ");
    else
        printf("wheel %d bits x %d levels: ", COOP_WHEEL_SLOT_BITS, COOP_WHEEL_LEVELS);
    printf("%u passed, %u failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
