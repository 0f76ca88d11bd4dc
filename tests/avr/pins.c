/* tests/avr/pins.c - writing a pin that is not an output asserts (ports/avr.h).
 *
 * On AVR, PORTx of an input pin is its pull-up: a coop_pin_write or
 * coop_pin_toggle there would switch the pull-up silently. The port asserts
 * instead, as the host and virtual ports do, and leaves the pin alone. Here,
 * on the real port (its COOP_ASSERT records the first failing line in
 * coop_avr_assert_line and counts failures in coop_avr_asserts):
 *   - write and toggle on an output: no assert, PORTx follows;
 *   - write true to an input without pull, write false to one with its
 *     pull-up, toggle an input: one assert each, PORTx and DDRx unchanged;
 *   - the first recorded line is coop_pin_write's assert (run.sh passes its
 *     line in ports/avr.h as -DWRITE_ASSERT_LINE);
 *   - once the pin is an output again, writes work and assert nothing.
 * Prints "pins: N passed, M failed" on USART0 (harness mode unit), then
 * stops (cli; sleep).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

#ifndef WRITE_ASSERT_LINE
#error "tests/avr/pins.c: run.sh defines WRITE_ASSERT_LINE (coop_pin_write's assert in ports/avr.h)"
#endif

static unsigned passed, failed;

static void check(bool ok, unsigned id)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        coop_board_printf("FAIL check %u (asserts=%u line=%u PORTD=%x DDRD=%x)", id,
                          (unsigned)coop_avr_asserts, (unsigned)coop_avr_assert_line, (unsigned)PORTD,
                          (unsigned)DDRD);
    }
}

int main(void)
{
    coop_board_init();

    /* an output: write and toggle work, nothing asserts */
    coop_pin_output(BOARD_LED1, false);
    coop_pin_write(BOARD_LED1, true);
    check((PORTB & _BV(PB5)) != 0 && coop_avr_asserts == 0, 1);
    coop_pin_toggle(BOARD_LED1);
    check((PORTB & _BV(PB5)) == 0 && coop_avr_asserts == 0, 2);

    /* an input without pull: writing true would switch the pull-up on */
    coop_pin_input(BOARD_BUTTON3, COOP_PULL_NONE);
    coop_pin_write(BOARD_BUTTON3, true);
    check(coop_avr_asserts == 1 && coop_avr_assert_line == WRITE_ASSERT_LINE, 3);
    check((PORTD & _BV(PD4)) == 0 && (DDRD & _BV(PD4)) == 0, 4);

    /* an input with its pull-up: writing false would switch it off */
    coop_pin_input(BOARD_BUTTON4, COOP_PULL_UP);
    coop_pin_write(BOARD_BUTTON4, false);
    check(coop_avr_asserts == 2 && (PORTD & _BV(PD5)) != 0 && (DDRD & _BV(PD5)) == 0, 5);

    /* toggle on an input: writing PINx would toggle the pull-up */
    coop_pin_toggle(BOARD_BUTTON3);
    check(coop_avr_asserts == 3 && (PORTD & _BV(PD4)) == 0, 6);
    check(coop_avr_assert_line == WRITE_ASSERT_LINE, 7); /* still the first failure's line */

    /* an output again: writes work, no more asserts */
    coop_pin_output(BOARD_BUTTON3, false);
    coop_pin_write(BOARD_BUTTON3, true);
    check(coop_avr_asserts == 3 && (PORTD & _BV(PD4)) != 0 && (DDRD & _BV(PD4)) != 0, 8);

    coop_board_printf("pins: %u passed, %u failed", passed, failed);
    cli();
    sleep_enable();
    sleep_cpu(); /* with interrupts off: simavr stops here */
    return 0;
}
