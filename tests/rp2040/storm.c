/* tests/rp2040/storm.c - GPIO interrupt storms beside blinking tasks on the
 * RP2040 (rp2040js): nobody starves, every blink on its tick, exact counts.
 *
 * The harness (tests/rp2040/harness.mjs, mode "storm") toggles GP2 at fixed
 * rates (10k, 33k, 50k, 100k edges/s) and in bursts, holds GP3 high for the
 * "flag only" phase, then pulls GP6 low for the report. GP2 has a both-edge
 * interrupt (coop_pin_on_edge, IO_IRQ_BANK0 through the SDK's GPIO
 * callback); each edge the port reports calls storm_isr, which toggles GP13
 * (so the harness counts the edges software saw) and sets a flag, then adds
 * 1 to a counter (odd edges) or pushes a byte into a 16-record ring (even
 * edges); with GP3 high it only sets the flag (the repro: a flag
 * task under a 100k edges/s storm). Beside them:
 *   blink_a  GP8 toggles every 5 ticks, blink_b GP9 every 3, on absolute
 *            deadlines (AWAIT_SLEEP_UNTIL): each toggle belongs to one tick
 *            (the timer's millisecond), which the harness checks; the task
 *            also notes how late it ran by the port's clock (must be 0)
 *   counter  AWAIT_COUNTER, take; toggles GP10 each run
 *   flag     AWAIT_FLAG, count; toggles GP11; then works until the next
 *            edge has come (at most 50 us), so that a storm sets its flag
 *            again within every run: without AWAIT_FLAG's turn of the loop
 *            it would never let the others run
 *   ring     AWAIT_RING, then pops the records that were there when it woke
 *            (not "until empty", which a storm can keep from ending); GP12
 * The harness keeps each consumer's longest wait from its pin. On each
 * falling edge of GP6 (in a quiet time) the firmware prints two lines: the
 * totals so far, and the blinkers' lateness (ticks, by the port's clock)
 * since the last report, and their wakes so far:
 *     storm isr=N flag=N added=N counter=N offered=N pushed=N popped=N over=N
 *     storm late_a=N late_b=N wakes_a=N wakes_b=N asserts=N
 * It runs on until the harness stops it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

static volatile unsigned storm_asserts;
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : (void)storm_asserts++)
#define COOP_IMPLEMENTATION
#define COOP_PIN_IRQS 1
#include "rp2040.h"

#define PIN_STORM 2
#define PIN_LIGHT 3
#define PIN_REPORT 6
#define PIN_BLINK_A 8
#define PIN_BLINK_B 9
#define PIN_COUNTER 10
#define PIN_FLAG 11
#define PIN_RING 12
#define PIN_ISR 13

static coop_loop_t loop;
static coop_counter_t counter;
static coop_flag_t flag, report;
COOP_RING_DEFINE(ring, uint8_t, 16);

static volatile uint32_t isr_count, added, offered, pushed; /* written by the ISR only */
static uint8_t seq;

static void storm_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_pin_toggle(PIN_ISR);
    isr_count++;
    coop_flag_set(&flag);
    if (gpio_get(PIN_LIGHT))
        return;
    if ((++seq & 1u) != 0) {
        coop_counter_add(&counter, 1);
        added++;
    } else {
        offered++;
        if (coop_ring_push(&ring, &seq))
            pushed++;
    }
}

static void report_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&report);
}

/* ---------------------------------------------------------------- tasks */
/* A blinker: toggles its pin every `period` ticks on absolute deadlines and
 * notes how late it ran by the port's clock. */
struct blinker {
    coop_task_t task;
    coop_tick_t next;
    uint32_t late, wakes;
    uint8_t period;
    coop_pin_t pin;
};
static struct blinker blink_a = { .period = 5, .pin = PIN_BLINK_A };
static struct blinker blink_b = { .period = 3, .pin = PIN_BLINK_B };

static coop_status_t blink_fn(coop_task_t *task)
{
    struct blinker *b = COOP_CONTAINER_OF(task, struct blinker, task);
    coop_stick_t late;
    ASYNC(task);
    for (;;) {
        b->next = coop_tick_add(b->next, b->period);
        AWAIT_SLEEP_UNTIL(b->next);
        coop_pin_toggle(b->pin);
        late = coop_tick_diff(coop_port_now(), b->next);
        if (late > 0 && (uint32_t)late > b->late)
            b->late = (uint32_t)late;
        b->wakes++;
    }
    ASYNC_END;
}

static uint32_t counter_total, flag_total, popped;

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        coop_pin_toggle(PIN_COUNTER);
        counter_total += coop_counter_take(&counter);
    }
    ASYNC_END;
}

static uint32_t work_runs, work_t0;
static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        coop_pin_toggle(PIN_FLAG);
        flag_total += coop_flag_count(&flag);
        work_runs = isr_count;
        work_t0 = timer_hw->timerawl;
        while (isr_count == work_runs && timer_hw->timerawl - work_t0 < 50u) {
        }
    }
    ASYNC_END;
}

static uint8_t ring_n;
static coop_status_t ring_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        coop_pin_toggle(PIN_RING);
        for (ring_n = (uint8_t)coop_ring_count(&ring); ring_n != 0; ring_n--)
            if (coop_ring_pop(&ring, &v))
                popped++;
    }
    ASYNC_END;
}

/* A report on each report edge: the totals so far, and the blinkers' lateness
 * since the last report (then reset). */
static coop_status_t report_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&report);
        AWAIT_SLEEP_MS(2); /* the consumers have taken the last edges */
        counter_total += coop_counter_take(&counter);
        flag_total += coop_flag_take(&flag);
        while (coop_ring_pop(&ring, &v))
            popped++;
        printf("storm isr=%lu flag=%lu added=%lu counter=%lu offered=%lu pushed=%lu popped=%lu over=%lu\n",
               (unsigned long)isr_count, (unsigned long)flag_total, (unsigned long)added,
               (unsigned long)counter_total, (unsigned long)offered, (unsigned long)pushed,
               (unsigned long)popped, (unsigned long)coop_ring_overflows(&ring));
        printf("storm late_a=%lu late_b=%lu wakes_a=%lu wakes_b=%lu asserts=%u\n", (unsigned long)blink_a.late,
               (unsigned long)blink_b.late, (unsigned long)blink_a.wakes, (unsigned long)blink_b.wakes,
               storm_asserts);
        blink_a.late = blink_b.late = 0;
    }
    ASYNC_END;
}

static coop_task_t counter_task, flag_task, ring_task, report_task;

int main(void)
{
    static const coop_pin_t outs[] = { PIN_BLINK_A, PIN_BLINK_B, PIN_COUNTER, PIN_FLAG, PIN_RING, PIN_ISR };
    unsigned i;
    coop_board_init();
    coop_counter_init(&counter);
    coop_flag_init(&flag);
    coop_flag_init(&report);
    for (i = 0; i < sizeof outs / sizeof outs[0]; i++)
        coop_pin_output(outs[i], false);
    coop_pin_input(PIN_STORM, COOP_PULL_NONE);
    coop_pin_input(PIN_LIGHT, COOP_PULL_NONE);
    coop_pin_input(PIN_REPORT, COOP_PULL_UP);
    if (coop_pin_on_edge(PIN_STORM, COOP_EDGE_BOTH, storm_isr) != COOP_OK ||
        coop_pin_on_edge(PIN_REPORT, COOP_EDGE_FALLING, report_isr) != COOP_OK)
        return 3;
    coop_loop_init(&loop);
    blink_a.next = blink_b.next = coop_loop_now(&loop);
    coop_task_spawn(&loop, &blink_a.task, blink_fn);
    coop_task_spawn(&loop, &blink_b.task, blink_fn);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &report_task, report_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
