/* tests/rp2040/pin_assert.c - writing a pin that is not an output asserts
 * on the RP2040 as on the other ports: LED1 (an output) is written and
 * toggled first, with no assert; then BUTTON1 (an input) is written, and the
 * port's assert panics with the message (the harness reads it on UART0).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "rp2040.h"

int main(void)
{
    coop_board_init();
    coop_pin_output(BOARD_LED1, false);
    coop_pin_write(BOARD_LED1, true);
    coop_pin_toggle(BOARD_LED1);
    coop_board_puts("outputs written");
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_write(BOARD_BUTTON1, true); /* asserts: never returns */
    coop_board_puts("input written");
    return 0;
}
