/* tests/avr/keys.c - three keys on three kinds of interrupt, debounced exactly.
 *
 * Key 0 on PD2 (INT0), key 1 on PD3 (INT1), key 2 on PD4 (PCINT20, the
 * port-D pin-change vector), all any-edge, active low, debounce 20 ms. Each
 * handler reports its pin's level with coop_port_now() to coop_keys_edge;
 * coop_keys_edge_spawn's task debounces; a consumer prints each event:
 *     key K P|R TICK
 * With -DBUSY a task wakes every 20 ticks from tick 1000 to 1500 and works
 * 0.9 ms (writing GPIOR1 = 1 when it starts, 2 when it ends), ahead of the
 * edge task, so a release edge 3000 cycles into such a tick comes while it
 * works: the edge task sees it before it handles that tick's deadline. The
 * events must be the same with and without it. The firmware restarts the
 * tick clock at 0 with GPIOR0 = 0x5a, the harness's origin.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include <util/delay.h>

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

static coop_loop_t loop;
static coop_keys_t keys;
static coop_keys_slot_t slots[3];
static coop_keys_event_t queue[16];
static coop_keys_task_t debouncer;
static coop_task_t consumer;

ISR(INT0_vect) { coop_keys_edge(&keys, 0, (PIND & _BV(PD2)) != 0, coop_port_now()); }
ISR(INT1_vect) { coop_keys_edge(&keys, 1, (PIND & _BV(PD3)) != 0, coop_port_now()); }
ISR(PCINT2_vect) { coop_keys_edge(&keys, 2, (PIND & _BV(PD4)) != 0, coop_port_now()); }

static coop_status_t consumer_fn(coop_task_t *task)
{
    coop_keys_event_t ev;
    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);
        while (coop_keys_get(&keys, &ev))
            coop_board_printf("key %u %c %u", ev.key, ev.kind == COOP_KEYS_PRESSED ? 'P' : 'R',
                              (unsigned)ev.time);
    }
    ASYNC_END;
}

#ifdef BUSY
static coop_task_t busy;
static coop_tick_t busy_at;
static coop_status_t busy_fn(coop_task_t *task)
{
    ASYNC(task);
    for (busy_at = 1000; busy_at <= 1500; busy_at = (coop_tick_t)(busy_at + 20)) {
        AWAIT_SLEEP_UNTIL(busy_at);
        GPIOR1 = 1;
        _delay_us(900);
        GPIOR1 = 2;
    }
    ASYNC_END;
}
#endif

int main(void)
{
    coop_board_init();
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON3, COOP_PULL_UP);
    coop_keys_init(&keys, slots, 3, queue, 16, false, 20);
    cli(); /* tick 0 starts now: the harness's origin */
    coop_priv_avr_ticks = 0;
    TCNT0 = 0;
    TIFR0 = _BV(OCF0A);
    GPIOR0 = 0x5a;
    sei();
    coop_loop_init(&loop);
#ifdef BUSY
    coop_task_spawn(&loop, &busy, busy_fn); /* first: its timers come first */
#endif
    coop_keys_edge_spawn(&loop, &debouncer, &keys);
    coop_task_spawn(&loop, &consumer, consumer_fn);
    coop_avr_int_enable(0, COOP_AVR_CHANGE);
    coop_avr_int_enable(1, COOP_AVR_CHANGE);
    coop_avr_pcint_enable(BOARD_BUTTON3);
    coop_loop_run(&loop);
    return 0;
}
