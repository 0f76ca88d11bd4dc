/* tests/m0/stress.c - real interrupts on an emulated Cortex-M
 * (ports/cortex_m.h on the machines of m0.h): a flag, a counter and a ring
 * hammered from a software-pended NVIC interrupt while tasks consume them;
 * nothing may be lost.
 *
 * Interrupt sources (qemu with -icount: deterministic):
 *   spare    priority 0 (highest; nRF51 SWI0, MPS2 IRQ 30): the hand-off
 *            under test: +1 to a counter, set a flag, push a sequence byte
 *            into a 16-record ring. Pended through NVIC->ISPR by the alarm's
 *            handler (so it nests inside it) and by the busy task, from task
 *            code
 *   SysTick  priority 1: the 1 ms tick; also adds 1 to a counter each tick,
 *            so the spare one preempts it inside coop calls (between the
 *            post's steps)
 *   alarm    priority 2: at pseudo-random intervals of 1..96 us (nRF51
 *            TIMER1, MPS2 CMSDK timer 0); each one pends the spare one
 * The spare one is the highest on purpose: qemu 7.2 does not take an
 * interrupt that a higher-priority handler pended when that handler returns,
 * nor wake WFI for it; it waits for the next exception (measured on the
 * nRF51: with SWI0 below TIMER1, every other pend waited for the next TIMER1
 * interrupt). Real hardware tail-chains it. Pended from a lower priority or
 * from thread code, qemu takes it at once.
 * Tasks: one consumer per object (the ring's sleeps 1 ms every 8 records, so
 * bursts overflow it), a tick consumer, and a busy task that spins a random
 * number of cycles, yields or sleeps, so interrupts land anywhere: in tasks,
 * in the loop, in critical sections, in the idle's WFI.
 * After STRESS_MS the report task stops the alarm, lets the consumers settle
 * (5 ms) and checks, exactly:
 *   counter consumed = flag sets consumed = spare runs; ring pushed +
 *   overflows = spare runs and popped = pushed, in sequence; ticks consumed =
 *   SysTick interrupts; nothing left unconsumed after the settle (no lost
 *   wake-up); the flag's worst wake latency < 0.5 ms (a coarse bound:
 *   measured 50-60 us); enough interrupts, overflows and idles that the test
 *   means something; no COOP_ASSERT.
 * The port's own checks (critical section, idle, the lost wake-up before
 * the sleep, the tick read) are tests/m0/port.c.
 * Prints the figures and "N passed, M failed"; exit status 0 only if all passed.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "m0_board.h"

#include "check.h"

#include "../stress_check.h" /* loop, counter, flag, ring; counter_fn, ring_fn */

#ifndef STRESS_MS
#define STRESS_MS 1500u
#endif

static coop_counter_t tick_counter;

/* written by the interrupts only */
static volatile uint32_t swi_runs, pushed, timer_irqs;
static volatile uint32_t flag_since; /* stamp of the oldest unconsumed set, +1 (0: none) */
static uint32_t isr_rng = 0x9e3779b9u;

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

void m0_alarm_handler(void)
{
    uint32_t next, now;
    m0_alarm_ack();
    timer_irqs++;
    next = m0_alarm_due + M0_STAMP_PER_US + xorshift(&isr_rng) % (95u * M0_STAMP_PER_US);
    now = m0_stamp();
    if ((int32_t)(next - now) < 8)
        next = now + 8u; /* a late handler (preempted): do not miss the alarm */
    m0_alarm_at(next);
    m0_swi_pend();
}

void m0_swi_handler(void) /* the hand-off */
{
    swi_runs++;
    coop_counter_add(&counter, 1);
    if (flag_since == 0)
        flag_since = m0_stamp() | 1u;
    coop_flag_set(&flag);
    if (coop_ring_push(&ring, (const void *)&pushed)) /* little-endian: the low byte */
        pushed++;
}

static void on_tick(void) /* in the SysTick handler */
{
    coop_counter_add(&tick_counter, 1);
}

/* ---------------------------------------------------------------- tasks */
static uint32_t tick_total;
static uint32_t worst_latency, tick_base;
static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        {
            coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
            uint32_t since = flag_since, lat;
            flag_since = 0;
            COOP_PORT_IRQ_RESTORE(s);
            lat = m0_stamp() - since;
            if ((int32_t)lat < 0)
                lat = 0; /* read in the same count as the set: since's +1 marker */
            if (since != 0 && lat > worst_latency)
                worst_latency = lat;
        }
        flag_total += coop_flag_count(&flag);
    }
    ASYNC_END;
}

/* The records are the low bytes of pushed: 0, 1, 2, ... exactly. */
static bool stress_record_ok(uint8_t v)
{
    return v == (uint8_t)popped;
}

static coop_status_t tick_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&tick_counter);
        tick_total += coop_counter_take(&tick_counter);
    }
    ASYNC_END;
}

static uint32_t task_rng = 0x2545f491u;
static volatile uint32_t sink;
static coop_status_t busy_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        uint32_t r = xorshift(&task_rng), i;
        for (i = r % 64u; i != 0; i--) /* up to ~400 instructions */
            sink += i;
        if ((r >> 8) % 16u == 0)
            m0_swi_pend(); /* from task code: the handler runs right here */
        if ((r >> 12) % 4u == 0)
            AWAIT_SLEEP_MS((r >> 16) % 3u); /* 0 is a yield */
        else
            YIELD();
    }
    ASYNC_END;
}

static coop_task_t counter_task, flag_task, ring_task, tick_task, busy_task, report_task;

static coop_status_t report_fn(coop_task_t *task)
{
    coop_irq_state_t s;
    uint32_t swi, push, ticks, left_counter, left_flag, left_ring, left_ticks, irqs;
    ASYNC(task);
    AWAIT_SLEEP_MS(STRESS_MS);
    m0_alarm_off();
    coop_task_cancel(&busy_task);
    AWAIT_SLEEP_MS(5); /* the last hand-off runs; every consumer catches up */

    s = COOP_PORT_IRQ_SAVE();
    swi = swi_runs;
    push = pushed;
    irqs = timer_irqs;
    ticks = coop_cortex_m_ticks - tick_base;
    left_ticks = coop_counter_take(&tick_counter);
    COOP_PORT_IRQ_RESTORE(s);
    left_counter = coop_counter_take(&counter);
    left_flag = coop_flag_take(&flag);
    left_ring = coop_ring_count(&ring);
    counter_total += left_counter;
    flag_total += left_flag;
    tick_total += left_ticks;
    while (coop_ring_count(&ring) != 0)
        pop_one();

    coop_board_printf("stress %s %d-bit ticks%s, %u ms: spare irq=%lu (alarms %lu) counter=%lu flag=%lu "
                      "pushed=%lu popped=%lu over=%lu ticks=%lu/%lu idles=%lu worst flag latency=%lu us",
                      COOP_LC == COOP_LC_GOTO ? "goto" : "switch", COOP_TICK_BITS,
                      COOP_PORT_ATOMIC ? ", LDREX/STREX" : "", STRESS_MS,
                      (unsigned long)swi, (unsigned long)irqs, (unsigned long)counter_total,
                      (unsigned long)flag_total, (unsigned long)push, (unsigned long)popped,
                      (unsigned long)coop_ring_overflows(&ring), (unsigned long)tick_total,
                      (unsigned long)ticks, (unsigned long)loop.idles,
                      (unsigned long)(worst_latency / M0_STAMP_PER_US));
    CHECK(counter_total == swi);
    CHECK(flag_total == swi);
    CHECK(push + coop_ring_overflows(&ring) == swi);
    CHECK(popped == push && order_errors == 0);
    CHECK(tick_total == ticks);
    CHECK(left_counter == 0 && left_flag == 0 && left_ring == 0 && left_ticks == 0);
    CHECK(worst_latency < 500u * M0_STAMP_PER_US); /* 0.5 ms */
    CHECK(swi > STRESS_MS * 10u && swi >= irqs);
    CHECK(coop_ring_overflows(&ring) > 0);
    CHECK(loop.idles > STRESS_MS / 2u);
    CHECK(coop_flag_overflows(&flag) == 0 && coop_counter_overflows(&counter) == 0);
    CHECK(coop_cortex_m_asserts == 0);
    coop_board_printf("stress: %u passed, %u failed", passed, failed);
    m0_exit(failed == 0 ? 0 : 1);
    ASYNC_END;
}

int main(void)
{
    coop_irq_state_t s;
    coop_counter_init(&counter);
    coop_counter_init(&tick_counter);
    coop_flag_init(&flag);

    m0_irq_priority(M0_IRQ_SWI, 0);
    m0_irq_priority(-1, 1); /* SysTick */
    m0_irq_priority(M0_IRQ_ALARM, 2);
    m0_swi_enable();
    coop_board_init(); /* SysTick, interrupts on */
    s = COOP_PORT_IRQ_SAVE();
    m0_on_tick = on_tick;
    tick_base = coop_cortex_m_ticks;
    COOP_PORT_IRQ_RESTORE(s);

    coop_loop_init(&loop);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &tick_task, tick_fn);
    coop_task_spawn(&loop, &busy_task, busy_fn);
    coop_task_spawn(&loop, &report_task, report_fn);

    m0_timers_start();
    m0_alarm_at(m0_stamp() + 60u * M0_STAMP_PER_US);
    m0_alarm_on();

    coop_loop_run(&loop);
    coop_board_printf("stress: the loop ended before the report");
    return 2;
}
