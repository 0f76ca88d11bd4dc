/* tests/avr/unit.c - the core tests of tests/unit_core.h on the simulated AVR.
 *
 * Compiled by avr-gcc (16-bit int, 16-bit pointers, no CLZ) and run in simavr
 * on the virtual-clock port: the wheel across the tick wrap, exact sleeps,
 * yield order, gather, cancel, flag/counter/ring set from an "interrupt"
 * while the loop idles (tests/m0/unit.c runs the same body on Cortex-M0+).
 * Built three times by run.sh: 16-bit ticks with a small wheel (2 bits x 3
 * levels) and with the sorted timer list (the port's default), 32-bit ticks
 * with a 16-slot wheel. Prints failures (their text in flash), then "N
 * passed, M failed" on USART0, then stops (cli; sleep), which ends simavr.
 *
 * SPDX-License-Identifier: MIT
 */
/* no message or file name strings: they would sit in the 2 KB of RAM */
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : coop_port_assert_fail("", "", __LINE__))
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/pgmspace.h>
#include <avr/sleep.h>
#include <stdio.h>
#include <string.h>

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

static int uart_putc(char c, FILE *f)
{
    (void)f;
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = (uint8_t)c;
    return 0;
}
static FILE uart_file = FDEV_SETUP_STREAM(uart_putc, NULL, _FDEV_SETUP_WRITE);

#define UNIT_PRINT_FAIL(line, text) printf_P(PSTR("FAIL line %d: %S\n"), (line), PSTR(text))
#include "../unit_core.h"

int main(void)
{
    UBRR0 = 16;
    UCSR0A = _BV(U2X0);
    UCSR0B = _BV(TXEN0);
    stdout = &uart_file;
    unit_core_run();

    printf_P(PSTR("unit tests, %d-bit ticks, wheel %d bits x %d levels: "), COOP_TICK_BITS,
             COOP_WHEEL_SLOT_BITS, COOP_WHEEL_LEVELS);
    printf_P(PSTR("%u passed, %u failed\n"), passed, failed);
    cli();
    sleep_enable();
    sleep_cpu(); /* interrupts off: simavr ends */
    return 0;
}
