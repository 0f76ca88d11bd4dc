/* tests/avr/bench.c - AVR cycle counts, read by the harness from GPIOR0 writes.
 *
 * Each phase is framed by two writes of a marker number to GPIOR0 (1 cycle
 * each); the harness records the cycle of every write:
 *   1..2  N calls of a noinline function that returns at once (the loop
 *         and call overhead: the baseline)
 *   3..4  N calls of a coroutine that yields forever: call, resume, yield,
 *         return (as tests/bench/bench_core.c on x86)
 *   5..6  coop_loop_run with 2 tasks that yield until N dispatches are done
 *   7     first instruction of a task that waited on a flag set by INT0,
 *         while the loop slept: the harness pulls PD2 low at a known cycle
 * The port's defaults (16-bit ticks, small wheel) apply.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "avr.h"

#include "avr_mcu_section.h"
AVR_MCU(F_CPU, "atmega328p");

#define N 1000

struct spin {
    coop_lc_t lc;
};

__attribute__((noinline)) static coop_status_t spin_fn(struct spin *s)
{
    ASYNC(s);
    for (;;)
        YIELD();
    ASYNC_END;
}

__attribute__((noinline)) static coop_status_t empty_fn(struct spin *s)
{
    __asm__ __volatile__("" ::"r"(s) : "memory");
    return COOP_YIELDED;
}

static coop_loop_t loop;
static coop_task_t t1, t2, waiter;
static int budget;
static coop_flag_t edge;

COOP_AVR_ISR_FLAG(INT0_vect, &edge)

static coop_status_t yielder(coop_task_t *task)
{
    ASYNC(task);
    while (--budget > 0)
        YIELD();
    ASYNC_END;
}

static coop_status_t waiter_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_FLAG(&edge);
    GPIOR0 = 7; /* the first instruction after the wait */
    coop_board_printf("woke");
    ASYNC_END;
}

int main(void)
{
    static struct spin s;
    int i;
    coop_board_init();

    GPIOR0 = 1;
    for (i = 0; i < N; i++)
        empty_fn(&s);
    GPIOR0 = 2;

    GPIOR0 = 3;
    for (i = 0; i < N; i++)
        spin_fn(&s);
    GPIOR0 = 4;

    coop_loop_init(&loop);
    coop_task_spawn(&loop, &t1, yielder);
    coop_task_spawn(&loop, &t2, yielder);
    budget = N;
    GPIOR0 = 5;
    coop_loop_run(&loop);
    GPIOR0 = 6;

    coop_board_printf("bench base=%u yield=%u dispatch=%u", N, N, N - budget);
    coop_flag_init(&edge);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_avr_int_enable(0, COOP_AVR_FALLING);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &waiter, waiter_fn);
    coop_loop_run(&loop);
    cli();
    sleep_enable();
    sleep_cpu();
    return 0;
}
