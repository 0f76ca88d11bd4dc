/* tests/avr/wrap.c - the real Timer0 tick across the 16-bit wrap.
 *
 * 16-bit ticks wrap every 65.536 s. Two chained sleeps of 40 s each (longer
 * than the 32767 ticks one wait can span: the library chains them) end at
 * 40 s and 80 s, across the wrap; LED1 (PB5) toggles every 1000 ms on
 * absolute deadlines all along. Each sleep's end writes GPIOR0 (0x11 at the
 * start, 0x12, 0x13), so the harness times them in cycles; the UART line
 *     wrap t0=N t1=N t2=N
 * gives the ticks the loop saw. Then, at 80.5 s, the firmware stops (cli;
 * sleep).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

static coop_loop_t loop;
static coop_task_t sleeper, blinker;
static coop_tick_t t0, t1, t2, next;

static coop_status_t sleeper_fn(coop_task_t *task)
{
    ASYNC(task);
    t0 = coop_now();
    GPIOR0 = 0x11;
    AWAIT_SLEEP_MS(40000);
    GPIOR0 = 0x12;
    t1 = coop_now();
    AWAIT_SLEEP_MS(40000);
    GPIOR0 = 0x13;
    t2 = coop_now();
    AWAIT_SLEEP_MS(500); /* LED1's toggle at 80 s too */
    coop_board_printf("wrap t0=%u t1=%u t2=%u", (unsigned)t0, (unsigned)t1, (unsigned)t2);
    cli();
    sleep_enable();
    sleep_cpu(); /* with interrupts off: simavr stops here */
    ASYNC_END;
}

static coop_status_t blinker_fn(coop_task_t *task)
{
    ASYNC(task);
    next = coop_now();
    for (;;) {
        next = coop_tick_add(next, 1000);
        AWAIT_SLEEP_UNTIL(next);
        coop_pin_toggle(BOARD_LED1);
    }
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_pin_output(BOARD_LED1, false);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &sleeper, sleeper_fn);
    coop_task_spawn(&loop, &blinker, blinker_fn);
    coop_loop_run(&loop);
    return 0;
}
