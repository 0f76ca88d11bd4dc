/* tests/rp2040/dualcore.c - core 1 sets a flag and a counter, the loop on core 0 sleeps (rp2040js).
 *
 * rp2040js runs one core; the harness (mode dualcore) adds a second one: a
 * second instance of its Cortex-M0+ that starts at core1_main (its address
 * from the ELF) on the same memory and SIO (spinlocks), with SIO CPUID
 * reading 1 and SEV setting the other core's event register, as on the chip.
 *
 * Core 1 sets `from_core1` and adds to `added` N times, at pseudo-random gaps
 * of 20..1000 us (busy-waiting on the timer: every instruction of both cores
 * is emulated, so the run is kept short), in coop's critical section (PRIMASK + the spinlock) like
 * any @isr_ok caller; it notes when the first set core 0 has not yet seen
 * was made. Core 0 runs the loop:
 * a task awaits the flag, another the counter, a third sleeps random 1..7 ms
 * deadlines (so core 0 is often between its check and its WFE when core 1
 * posts). Each wake measures how long the oldest set it answers waited:
 * SEV must end core 0's sleep at once, not at its next deadline. At the end
 * core 0 prints
 *   dualcore sets=S taken=T added=A worst_us=W wakes=K late=L asserts=X
 * and returns 0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

static volatile unsigned dual_asserts;
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : (void)dual_asserts++)
#define COOP_IMPLEMENTATION
#include "rp2040.h"

#define N 1000u

static coop_flag_t from_core1;
static coop_counter_t added;
static volatile uint32_t core1_go;       /* core 0: the objects are ready */
static volatile uint32_t core1_sets;     /* core 1: sets done */
static volatile uint32_t pending_since;  /* the time of the first set core 0 has
                                          * not yet seen (| 1; 0: none), kept
                                          * in coop's cross-core critical section */

void core1_main(void);
void core1_main(void)
{
    uint32_t rng = 7u, i;
    while (!core1_go) {
    }
    for (i = 0; i < N; i++) {
        uint32_t start = timer_hw->timerawl, gap;
        rng = rng * 1664525u + 1013904223u;
        gap = 20u + (rng >> 8) % 980u;
        while (timer_hw->timerawl - start < gap) {
        }
        {
            coop_irq_state_t st = COOP_PORT_IRQ_SAVE();
            if (pending_since == 0)
                pending_since = timer_hw->timerawl | 1u;
            COOP_PORT_IRQ_RESTORE(st);
        }
        coop_flag_set(&from_core1);
        coop_counter_add(&added, 1);
        core1_sets = i + 1;
    }
    for (;;)
        __wfe();
}
/* core1_main's address, read by main so that the linker keeps both (the
 * harness finds core1_main in the ELF) */
void (*volatile const core1_entry)(void) = core1_main;

static unsigned long taken, counted, worst_us, wakes, late;

/* How long the oldest set this wake answers has waited. */
static void measure(void)
{
    coop_irq_state_t st = COOP_PORT_IRQ_SAVE();
    uint32_t since = pending_since;
    pending_since = 0;
    COOP_PORT_IRQ_RESTORE(st);
    if (since != 0 && timer_hw->timerawl - since > worst_us)
        worst_us = timer_hw->timerawl - since;
}

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    while (taken < N) {
        AWAIT_FLAG(&from_core1);
        measure();
        taken += coop_flag_count(&from_core1);
    }
    AWAIT_SLEEP_MS(5); /* the counter's last add */
    printf("dualcore sets=%lu taken=%lu added=%lu worst_us=%lu wakes=%lu late=%lu asserts=%u\n",
           (unsigned long)core1_sets, taken, counted, worst_us, wakes, late, dual_asserts);
    exit(0);
    ASYNC_END;
}

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&added);
        counted += coop_counter_take(&added);
    }
    ASYNC_END;
}

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
            late++;
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t flag_task, counter_task;
static struct sleeper sleeper;

int main(void)
{
    if (core1_entry == NULL)
        return 2;
    coop_board_init();
    coop_flag_init(&from_core1);
    coop_counter_init(&added);
    sleeper.rng = 3u;
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &sleeper.task, sleeper_fn);
    core1_go = 1;
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
