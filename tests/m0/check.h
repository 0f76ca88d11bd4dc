/* tests/m0/check.h - the checks of the Cortex-M test images (port.c,
 * stress.c, storm.c): CHECK(cond) counts passed and failed, and prints
 * each failure with its line through coop_board_printf. Include it after
 * the board (m0_board.h).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_M0_CHECK_H
#define COOP_TESTS_M0_CHECK_H

static unsigned passed, failed;

#define CHECK(cond)                                                 \
    do {                                                            \
        if (cond) {                                                 \
            passed++;                                               \
        } else {                                                    \
            failed++;                                               \
            coop_board_printf("FAIL line %d: %s", __LINE__, #cond); \
        }                                                           \
    } while (0)

#endif /* COOP_TESTS_M0_CHECK_H */
