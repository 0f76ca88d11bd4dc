/* tests/avr/stress.c - INT0 edges into a counter, a flag and a ring; nothing lost.
 *
 * The harness toggles PD2 (INT0, any edge) 10^5 times at pseudo-random cycle
 * offsets, then pulls PD3 (INT1) low. Each INT0 interrupt adds 1 to a
 * counter, sets a flag and pushes a sequence byte into a 16-record ring.
 * Three tasks consume them; the ring's consumer is slow on purpose (8
 * records, then 1 ms asleep) so the ring overflows under bursts. On INT1 the
 * report task drains what is left and prints one line:
 *     stress isr=N counter=N flag=N pushed=N popped=N over=N
 * which the harness checks: counter = flag = isr = edges injected, and
 * pushed + over = isr, popped = pushed. Then it stops (cli; sleep).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

#include "../stress_check.h" /* loop, counter, flag, ring; counter_fn, ring_fn */

static coop_flag_t report;

static volatile uint32_t isr_count, pushed; /* written by the ISR only */
static uint8_t seq;

ISR(INT0_vect)
{
    isr_count++;
    coop_counter_add(&counter, 1);
    coop_flag_set(&flag);
    if (coop_ring_push(&ring, &seq))
        pushed++;
    seq++;
}

COOP_AVR_ISR_FLAG(INT1_vect, &report)

static uint8_t last_seq;

static coop_task_t counter_task, flag_task, ring_task, report_task;

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        flag_total += coop_flag_count(&flag);
    }
    ASYNC_END;
}

/* The records are seq, which counts every interrupt, also those whose
 * push found the ring full: no record may come twice in a row. */
static bool stress_record_ok(uint8_t v)
{
    bool ok = popped == 0 || v != last_seq;
    last_seq = v;
    return ok;
}

static coop_status_t report_fn(coop_task_t *task)
{
    uint32_t isr, push;
    ASYNC(task);
    AWAIT_FLAG(&report);
    cli();
    isr = isr_count;
    push = pushed;
    sei();
    counter_total += coop_counter_take(&counter);
    flag_total += coop_flag_take(&flag);
    while (coop_ring_count(&ring) != 0)
        pop_one();
    coop_board_printf("stress isr=%lu counter=%lu flag=%lu pushed=%lu popped=%lu over=%lu",
                      (unsigned long)isr, (unsigned long)counter_total, (unsigned long)flag_total,
                      (unsigned long)push, (unsigned long)popped,
                      (unsigned long)coop_ring_overflows(&ring));
    coop_board_printf("flag overflows=%u counter overflows=%u order errors=%lu asserts=%u",
                      (unsigned)coop_flag_overflows(&flag), (unsigned)coop_counter_overflows(&counter),
                      (unsigned long)order_errors, (unsigned)coop_avr_asserts);
    cli();
    sleep_enable();
    sleep_cpu(); /* with interrupts off: simavr stops here */
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_counter_init(&counter);
    coop_flag_init(&flag);
    coop_flag_init(&report);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &report_task, report_fn);
    coop_avr_int_enable(0, COOP_AVR_CHANGE);
    coop_avr_int_enable(1, COOP_AVR_FALLING);
    coop_loop_run(&loop);
    return 0;
}
