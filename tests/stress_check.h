/* tests/stress_check.h - the consumers of the interrupt stress tests on the
 * chips (tests/m0/stress.c in qemu, tests/avr/stress.c in simavr).
 *
 * In both, an interrupt adds 1 to `counter`, sets `flag` and pushes a
 * sequence byte into `ring` (16 records), over and over; tasks consume them,
 * and at the end the totals must match the interrupts' counts exactly.
 * Here are the objects, the totals and two of the consumers:
 *   counter_fn  takes the counter's count each time it wakes: counter_total.
 *   ring_fn     pops one record each time it wakes, and sleeps 1 ms every 8
 *               records (a slow consumer: bursts overflow the ring); pop_one()
 *               (also for the final drain) counts popped, and order_errors
 *               where stress_record_ok(v), the file's own check of the
 *               record against the ones before, says no.
 * The file defines `static bool stress_record_ok(uint8_t v)` (popped is the
 * number of records popped before v), its interrupts, its flag consumer
 * (flag_total) and its report. Include it after the port.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_STRESS_CHECK_H
#define COOP_TESTS_STRESS_CHECK_H

static coop_loop_t loop;
static coop_counter_t counter;
static coop_flag_t flag;
COOP_RING_DEFINE(ring, uint8_t, 16);

static uint32_t counter_total, flag_total, popped, order_errors;

static bool stress_record_ok(uint8_t v);

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        counter_total += coop_counter_take(&counter);
    }
    ASYNC_END;
}

static void pop_one(void)
{
    uint8_t v;
    if (coop_ring_pop(&ring, &v)) {
        if (!stress_record_ok(v))
            order_errors++;
        popped++;
    }
}

static uint8_t batch;
static coop_status_t ring_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        pop_one();
        if (++batch == 8) {
            batch = 0;
            AWAIT_SLEEP_MS(1); /* slow consumer: bursts overflow the ring */
        }
    }
    ASYNC_END;
}

#endif
