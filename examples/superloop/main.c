/* examples/superloop - two LEDs with a blocking delay: it DOESN'T WORK, on purpose.
 *
 * The C twin of "Blinking LEDs without asyncio / Two LEDs" in the Adafruit
 * guide "Cooperative Multitasking in CircuitPython with asyncio", the listing
 * marked "DOESN'T WORK": blink(D1, 0.25, 10), then blink(D2, 0.1, 20), each
 * with time.sleep. The second LED blinks only after the first one has
 * finished: LED1 from 0 to 5000 ms, LED2 from 5000 to 9000 ms, "done" at
 * 9000 ms (the guide prints nothing; the line shows when it ends). blink2 is
 * the same with tasks: both LEDs at once, done at 5000 ms.
 *
 *   guide (Python, no asyncio)       here (C, no tasks)
 *   time.sleep(interval)             delay_ms(interval_ms)
 *   blink(board.D1, 0.25, 10)        blink(BOARD_LED1, 250, 10)
 *
 * How delay_ms blocks, on every port. A busy wait on the clock
 * (`while (coop_port_now() < end) {}`) would do on a chip, but on the
 * virtual clock time only moves when the loop sleeps, so it would spin
 * forever (the port stops it with an assert after 1,000,000 reads), and
 * coop_virtual_advance exists on no board. So delay_ms sleeps in the port's
 * own idle, the call the loop makes when it has nothing to do: until the
 * deadline the CPU does nothing else (AVR: sleep mode; Cortex-M: WFI; the
 * PC: pselect/ppoll), and on the virtual clock the idle jumps the clock to
 * the deadline, so the run's timeline is exact. That is what time.sleep
 * and Arduino's delay() are: the program stops, and nothing else runs. It
 * uses the port contract (coop_port_now, coop_port_idle inside the critical
 * section), not the loop: there are no tasks here.
 *
 * The same file builds for every port: `make run EX=superloop`.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* time.sleep(): block for `ms`. Nothing else runs meanwhile. */
static void delay_ms(uint32_t ms)
{
    coop_tick_t end = coop_tick_add(coop_port_now(), coop_ticks_from_ms(ms));
    while (!coop_tick_reached(coop_port_now(), end)) {
        coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
        (void)coop_port_idle(true, end); /* may return early (a key, an interrupt): look again */
        COOP_PORT_IRQ_RESTORE(s);
    }
}

/* The guide's blink(): a plain function, so it returns only when done. */
static void blink(coop_pin_t pin, uint32_t interval_ms, unsigned count)
{
    unsigned i;
    coop_pin_output(pin, false);
    for (i = 0; i < count; i++) {
        coop_pin_write(pin, true);
        delay_ms(interval_ms);
        coop_pin_write(pin, false);
        delay_ms(interval_ms);
    }
}

int main(void)
{
    coop_board_init();
    blink(BOARD_LED1, 250, 10);
    /* DOESN'T WORK: the second LED blinks only after the first one is finished. */
    blink(BOARD_LED2, 100, 20);
    coop_board_puts("done");
    return 0;
}
