/* tests/avr/storm.c - interrupt storms beside blinking tasks: nobody starves.
 *
 * The harness toggles PD2 (INT0, any edge) at fixed rates (10k, 33k, 50k and
 * 100k edges/s) and in bursts, then pulls PD3 (INT1) low for the report. Each
 * INT0 interrupt sets a flag, and adds 1 to a counter (even edges) or pushes
 * a byte into a 16-record ring (odd edges); with PD4 high it only sets the
 * flag. Beside them:
 *   blink_a  LED1 (PB5) toggles every 5 ticks, blink_b LED2 (PB4) every 3,
 *            on absolute deadlines (AWAIT_SLEEP_UNTIL): each toggle belongs
 *            to one tick, which the harness checks from the cycle of the pin
 *            change; the task also notes how late (in ticks of the port's
 *            clock) it ran, which must be 0
 *   counter  AWAIT_COUNTER, take
 *   flag     AWAIT_FLAG, count
 *   ring     AWAIT_RING, then pops the records that were there when it woke
 * Each task writes its number to GPIOR1 when it runs; the harness keeps the
 * longest gap between two runs of each task during each storm (the bound).
 * At start the firmware restarts the tick clock at 0 and writes 0x5a to
 * GPIOR0 in the same breath: tick n begins n * 16000 cycles after that write.
 *
 * Report (one line each):
 *     storm isr=N flag=N added=N counter=N offered=N pushed=N popped=N over=N
 *     storm late_a=N late_b=N wakes_a=N wakes_b=N asserts=N
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

static coop_loop_t loop;
static coop_counter_t counter;
static coop_flag_t flag, report;
COOP_RING_DEFINE(ring, uint8_t, 16);

static volatile uint32_t isr_count, added, offered, pushed; /* written by the ISR only */
static uint8_t seq;

/* Every edge sets the flag; even edges add to the counter, odd ones push
 * into the ring. While the harness holds PD4 high the handler only sets the
 * flag (the repro: a flag task under a 100k edges/s storm). */
ISR(INT0_vect)
{
    isr_count++;
    coop_flag_set(&flag);
    if (PIND & _BV(PD4))
        return;
    if ((++seq & 1u) == 0) {
        coop_counter_add(&counter, 1);
        added++;
    } else {
        offered++;
        if (coop_ring_push(&ring, &seq))
            pushed++;
    }
}

COOP_AVR_ISR_FLAG(INT1_vect, &report)

static uint32_t counter_total, flag_total, popped;
static uint16_t wakes_a, wakes_b, late_a, late_b;
static coop_tick_t next_a, next_b;

static coop_task_t blink_a, blink_b, counter_task, flag_task, ring_task, report_task;

#define RAN(id) (GPIOR1 = (id))

static uint16_t lateness(coop_tick_t due)
{
    coop_stick_t d = coop_tick_diff(coop_port_now(), due);
    return d > 0 ? (uint16_t)d : 0u;
}

static coop_status_t blink_a_fn(coop_task_t *task)
{
    uint16_t l;
    ASYNC(task);
    for (;;) {
        next_a = coop_tick_add(next_a, 5);
        AWAIT_SLEEP_UNTIL(next_a);
        coop_pin_toggle(BOARD_LED1);
        RAN(1);
        l = lateness(next_a);
        if (l > late_a)
            late_a = l;
        wakes_a++;
    }
    ASYNC_END;
}

static coop_status_t blink_b_fn(coop_task_t *task)
{
    uint16_t l;
    ASYNC(task);
    for (;;) {
        next_b = coop_tick_add(next_b, 3);
        AWAIT_SLEEP_UNTIL(next_b);
        coop_pin_toggle(BOARD_LED2);
        RAN(2);
        l = lateness(next_b);
        if (l > late_b)
            late_b = l;
        wakes_b++;
    }
    ASYNC_END;
}

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        RAN(3);
        counter_total += coop_counter_take(&counter);
    }
    ASYNC_END;
}

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        RAN(4);
        flag_total += coop_flag_count(&flag);
    }
    ASYNC_END;
}

/* Pops what was there when it woke, not "until empty": a storm that
 * refills the ring as fast as it drains would keep `while (pop)` inside one
 * turn forever (livelock: no AWAIT is reached, so no rule of the loop can
 * help). Build with -DSTORM_DRAIN_ALL to see it. */
#ifndef STORM_DRAIN_ALL
static uint8_t ring_n;
#endif
static coop_status_t ring_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        RAN(5);
#ifdef STORM_DRAIN_ALL
        while (coop_ring_pop(&ring, &v))
            popped++;
#else
        for (ring_n = (uint8_t)coop_ring_count(&ring); ring_n != 0; ring_n--)
            if (coop_ring_pop(&ring, &v))
                popped++;
#endif
    }
    ASYNC_END;
}

static coop_status_t report_fn(coop_task_t *task)
{
    uint32_t isr, add, offer, push;
    uint8_t v;
    ASYNC(task);
    AWAIT_FLAG(&report);
    cli();
    isr = isr_count;
    add = added;
    offer = offered;
    push = pushed;
    sei();
    counter_total += coop_counter_take(&counter);
    flag_total += coop_flag_take(&flag);
    while (coop_ring_pop(&ring, &v))
        popped++;
    coop_board_printf("storm isr=%lu flag=%lu added=%lu counter=%lu offered=%lu pushed=%lu popped=%lu "
                      "over=%lu", (unsigned long)isr, (unsigned long)flag_total, (unsigned long)add,
                      (unsigned long)counter_total, (unsigned long)offer, (unsigned long)push,
                      (unsigned long)popped, (unsigned long)coop_ring_overflows(&ring));
    coop_board_printf("storm late_a=%u late_b=%u wakes_a=%u wakes_b=%u asserts=%u", late_a, late_b,
                      wakes_a, wakes_b, (unsigned)coop_avr_asserts);
    cli();
    sleep_enable();
    sleep_cpu(); /* with interrupts off: simavr stops here */
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_pin_output(BOARD_LED1, false);
    coop_pin_output(BOARD_LED2, false);
    coop_counter_init(&counter);
    coop_flag_init(&flag);
    coop_flag_init(&report);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON3, COOP_PULL_UP); /* PD4: high = flag only */
    cli(); /* tick 0 starts now: the harness's origin */
    coop_priv_avr_ticks = 0;
    TCNT0 = 0;
    TIFR0 = _BV(OCF0A);
    GPIOR0 = 0x5a;
    sei();
    coop_loop_init(&loop);
    next_a = next_b = coop_loop_now(&loop);
    coop_task_spawn(&loop, &blink_a, blink_a_fn);
    coop_task_spawn(&loop, &blink_b, blink_b_fn);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &report_task, report_fn);
    coop_avr_int_enable(0, COOP_AVR_CHANGE);
    coop_avr_int_enable(1, COOP_AVR_FALLING);
    coop_loop_run(&loop);
    return 0;
}
