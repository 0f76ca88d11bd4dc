/* tests/avr/latency.c - INT0 edge -> waiting task, as a distribution.
 *
 * The harness pulls PD2 low (INT0, falling edge) at pseudo-random cycles,
 * each a few ms after the last and at any phase of the 1 ms tick, and
 * releases it in between. The handler sets a flag (OBJECTS=1) or also adds to
 * a counter and pushes into a ring, each awaited by its own task
 * (OBJECTS=3). The flag's task writes GPIOR2 first thing when it wakes; the
 * harness takes the cycles from the edge to that write. The loop sleeps
 * between edges (nothing else is due), as a button or sensor would find it.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

#ifndef OBJECTS
#define OBJECTS 1
#endif

static coop_loop_t loop;
static coop_flag_t flag;
static coop_task_t flag_task;
#if OBJECTS > 1
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint8_t, 8);
static coop_task_t counter_task, ring_task;
static uint8_t seq;
static uint16_t taken, popped;
#endif

ISR(INT0_vect)
{
    coop_flag_set(&flag);
#if OBJECTS > 1
    coop_counter_add(&counter, 1);
    (void)coop_ring_push(&ring, &seq);
    seq++;
#endif
}

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        GPIOR2 = 1;
    }
    ASYNC_END;
}

#if OBJECTS > 1
static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        taken = (uint16_t)(taken + coop_counter_take(&counter));
    }
    ASYNC_END;
}

static coop_status_t ring_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        if (coop_ring_pop(&ring, &v))
            popped++;
    }
    ASYNC_END;
}
#endif

int main(void)
{
    coop_board_init();
    coop_flag_init(&flag);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &flag_task, flag_fn);
#if OBJECTS > 1
    coop_counter_init(&counter);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
#endif
    coop_avr_int_enable(0, COOP_AVR_FALLING);
    coop_loop_run(&loop);
    return 0;
}
