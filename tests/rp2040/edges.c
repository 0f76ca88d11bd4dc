/* tests/rp2040/edges.c - edge interrupts on any pin, and idle without lost wake-ups (rp2040js).
 *
 * The harness (tests/rp2040/harness.mjs, mode "edges") drives thousands of
 * edges on three pins at pseudo-random times, many while the loop sleeps:
 *   GP2  rising edges   -> a counter (coop_counter_add), awaited by a task
 *   GP3  falling edges  -> a flag (coop_flag_set), its sets counted by a task
 *   GP4  both edges     -> a counter and a ring of levels, popped by a task
 *                          that checks the levels alternate
 *   GP6  falling edge   -> the report flag
 * Meanwhile a task sleeps random 1..7 ms deadlines and checks that it runs
 * within a tick of its deadline (a lost alarm would make it late until the
 * next edge, up to 3 ms).
 * Each ISR checks the level it is given. On the report flag the firmware
 * prints one line and returns 0 from main:
 *   edges rise=R fall=F both=B levels=L wakes=W late=N asserts=A
 * where B counts the GP4 edges taken from the ring plus those it dropped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

static volatile unsigned edges_asserts;
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : (void)edges_asserts++)
#define COOP_IMPLEMENTATION
#define COOP_PIN_IRQS 1
#include "rp2040.h"

#define PIN_RISE 2
#define PIN_FALL 3
#define PIN_BOTH 4
#define PIN_REPORT 6

static coop_counter_t rises, boths;
static coop_flag_t falls, report;
COOP_RING_DEFINE(levels, uint8_t, 16);
static volatile unsigned long bad_levels; /* an ISR given the wrong level */

static void rise_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    if (!level)
        bad_levels++;
    coop_counter_add(&rises, 1);
}

static void fall_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    if (level)
        bad_levels++;
    coop_flag_set(&falls);
}

static void both_isr(coop_pin_t pin, bool level)
{
    uint8_t v = level ? 1u : 0u;
    (void)pin;
    coop_counter_add(&boths, 1);
    (void)coop_ring_push(&levels, &v);
}

static void report_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&report);
}

static unsigned long n_rise, n_fall, n_popped, wakes, late;
static uint8_t last_level; /* GP4 starts low */

static coop_status_t rise_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&rises);
        n_rise += coop_counter_take(&rises);
    }
    ASYNC_END;
}

static coop_status_t fall_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&falls);
        n_fall += coop_flag_count(&falls);
    }
    ASYNC_END;
}

static coop_status_t both_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&levels);
        while (coop_ring_pop(&levels, &v)) {
            if (v == last_level)
                bad_levels++; /* levels of successive edges must alternate */
            last_level = v;
            n_popped++;
        }
    }
    ASYNC_END;
}

/* Random sleeps; each wake must come in its deadline's tick. */
struct sleeper {
    coop_task_t task;
    uint32_t rng;
    coop_tick_t deadline;
};

static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct sleeper *s = COOP_CONTAINER_OF(task, struct sleeper, task);
    ASYNC(task);
    for (;;) {
        s->rng = s->rng * 1664525u + 1013904223u;
        s->deadline = coop_tick_add(coop_now(), 1u + (s->rng >> 24) % 7u);
        AWAIT_SLEEP_UNTIL(s->deadline);
        wakes++;
        if (coop_tick_diff(coop_port_now(), s->deadline) > 1)
            late++; /* more than a tick: the alarm or a wake was lost */
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t rise_task, fall_task, both_task, report_task;
static struct sleeper sleeper;

static coop_status_t report_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_FLAG(&report);
    AWAIT_SLEEP_MS(2); /* the last edges' tasks have run */
    printf("edges rise=%lu fall=%lu both=%lu levels=%lu wakes=%lu late=%lu asserts=%u\n", n_rise, n_fall,
           n_popped + (unsigned long)coop_ring_overflows(&levels), bad_levels, wakes, late, edges_asserts);
    exit(0);
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_counter_init(&rises);
    coop_counter_init(&boths);
    coop_flag_init(&falls);
    coop_flag_init(&report);
    coop_pin_input(PIN_RISE, COOP_PULL_NONE);
    coop_pin_input(PIN_FALL, COOP_PULL_NONE);
    coop_pin_input(PIN_BOTH, COOP_PULL_DOWN);
    coop_pin_input(PIN_REPORT, COOP_PULL_UP);
    if (coop_pin_on_edge(PIN_RISE, COOP_EDGE_RISING, rise_isr) != COOP_OK ||
        coop_pin_on_edge(PIN_FALL, COOP_EDGE_FALLING, fall_isr) != COOP_OK ||
        coop_pin_on_edge(PIN_BOTH, COOP_EDGE_BOTH, both_isr) != COOP_OK ||
        coop_pin_on_edge(PIN_REPORT, COOP_EDGE_FALLING, report_isr) != COOP_OK ||
        coop_pin_on_edge(30, COOP_EDGE_FALLING, report_isr) != COOP_EINVAL)
        return 3;
    sleeper.rng = 1u;
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &rise_task, rise_fn);
    coop_task_spawn(&loop, &fall_task, fall_fn);
    coop_task_spawn(&loop, &both_task, both_fn);
    coop_task_spawn(&loop, &sleeper.task, sleeper_fn);
    coop_task_spawn(&loop, &report_task, report_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
