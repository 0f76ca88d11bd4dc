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
 * SEV must end core 0's sleep at once, not at its next deadline.
 *
 * Both cores also divide on the SIO hardware divider, through its registers
 * (as the real SDK's `/` and `%` do; the stand-in SDK divides in software):
 * core 1 all through its busy-waits, core 0 for its sleeper's deadlines and
 * for the sleeper's time reading (microseconds / 1000, as the port's clock
 * does with the real SDK). Each result is checked against a software
 * division. The chip has one divider per core; an emulator that shares one
 * between the cores lets core 1's operands land in core 0's division: wrong
 * quotients, and the sleeper's wake-up judged late or early.
 *
 * At the end core 0 prints
 *   dualcore sets=S taken=T added=A worst_us=W wakes=K late=L asserts=X
 *            div0=D0 bad0=B0 div1=D1 bad1=B1
 * (one line; D: divisions by that core, B: results that were wrong) and
 * returns 0.
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

/* The SIO hardware divider of the core running this (datasheet 2.3.1.5):
 * writing the dividend and the divisor starts it, the result is ready 8
 * cycles later (CSR.READY), read the remainder before the quotient. Only
 * this program's thread code uses it (no ISR of ours divides), so it needs
 * no save and restore around interrupts. */
#define DIV_REG(off) (*(volatile uint32_t *)(0xd0000000u + (off)))
#define DIV_UDIVIDEND DIV_REG(0x060u)
#define DIV_UDIVISOR DIV_REG(0x064u)
#define DIV_QUOTIENT DIV_REG(0x070u)
#define DIV_REMAINDER DIV_REG(0x074u)
#define DIV_CSR DIV_REG(0x078u)
static volatile uint32_t divs[2], divs_bad[2]; /* per core */

/* n / d on this core's divider; *rem gets n % d. Checked against a
 * software division (the count of wrong results per core). */
static uint32_t hw_udiv(uint32_t n, uint32_t d, uint32_t *rem)
{
    uint32_t q, r, core = get_core_num() & 1u;
    DIV_UDIVIDEND = n;
    DIV_UDIVISOR = d;
    while ((DIV_CSR & 1u) == 0) {
    }
    r = DIV_REMAINDER;
    q = DIV_QUOTIENT;
    divs[core]++;
    if (q != n / d || r != n % d)
        divs_bad[core]++;
    if (rem != NULL)
        *rem = r;
    return q;
}

void core1_main(void);
void core1_main(void)
{
    uint32_t rng = 7u, i;
    while (!core1_go) {
    }
    for (i = 0; i < N; i++) {
        uint32_t start = timer_hw->timerawl, gap, waited;
        rng = rng * 1664525u + 1013904223u;
        (void)hw_udiv(rng >> 8, 980u, &gap);
        gap += 20u;
        do {
            waited = timer_hw->timerawl - start;
            (void)hw_udiv(rng ^ waited, 1u + (waited & 0xffu), NULL);
        } while (waited < gap);
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
    printf("dualcore sets=%lu taken=%lu added=%lu worst_us=%lu wakes=%lu late=%lu asserts=%u "
           "div0=%lu bad0=%lu div1=%lu bad1=%lu\n",
           (unsigned long)core1_sets, taken, counted, worst_us, wakes, late, dual_asserts,
           (unsigned long)divs[0], (unsigned long)divs_bad[0], (unsigned long)divs[1],
           (unsigned long)divs_bad[1]);
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
    uint32_t rng, ms;
    coop_tick_t deadline;
};

static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct sleeper *s = COOP_CONTAINER_OF(task, struct sleeper, task);
    ASYNC(task);
    for (;;) {
        s->rng = s->rng * 1664525u + 1013904223u;
        (void)hw_udiv(s->rng >> 24, 7u, &s->ms);
        s->deadline = coop_tick_add(coop_now(), 1u + s->ms);
        AWAIT_SLEEP_UNTIL(s->deadline);
        wakes++;
        /* the time in ms through the divider, as the port's clock with the
         * real SDK (the low 32 bits of the microseconds: the run is short) */
        s->ms = hw_udiv(timer_hw->timerawl, 1000u, NULL);
        if (coop_tick_diff((coop_tick_t)s->ms, s->deadline) > 1 ||
            coop_tick_diff((coop_tick_t)s->ms, s->deadline) < 0)
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
