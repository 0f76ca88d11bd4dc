/* tests/m0/stress.c - real interrupts on the emulated Cortex-M0+: a flag, a
 * counter and a ring hammered from a software-pended NVIC interrupt while
 * tasks consume them; nothing may be lost.
 *
 * Interrupt sources (nRF51 in qemu -M microbit, -icount: deterministic):
 *   SWI0     priority 0 (highest): the hand-off under test: +1 to a counter,
 *            set a flag, push a sequence byte into a 16-record ring. Pended
 *            through NVIC->ISPR by TIMER1's handler (so it nests inside it) and
 *            by the busy task, from task code
 *   SysTick  priority 1: the 1 ms tick; also adds 1 to a counter each tick,
 *            so SWI0 preempts it inside coop calls (between the post's steps)
 *   TIMER1   priority 2: compare events at pseudo-random intervals of 1..96 us
 *            (16 to 1535 counts of 16 MHz); each one pends SWI0
 * SWI0 is the highest on purpose: qemu 7.2 does not take an interrupt that a
 * higher-priority handler pended when that handler returns, nor wake WFI for
 * it; it waits for the next exception (measured: with SWI0 below TIMER1, every
 * other pend waited for the next TIMER1 interrupt). Real ARMv6-M tail-chains
 * it. Pended from a lower priority or from thread code, qemu takes it at once.
 * Tasks: one consumer per object (the ring's sleeps 1 ms every 8 records, so
 * bursts overflow it), a tick consumer, and a busy task that spins a random
 * number of cycles, yields or sleeps, so interrupts land anywhere: in tasks,
 * in the loop, in critical sections, in the idle's WFI.
 * After STRESS_MS the report task stops TIMER1, lets the consumers settle
 * (5 ms) and checks, exactly:
 *   counter consumed = flag sets consumed = SWI0 runs; ring pushed + overflows
 *   = SWI0 runs and popped = pushed, in sequence; ticks consumed = SysTick
 *   interrupts; nothing left unconsumed after the settle (no lost wake-up);
 *   the flag's worst wake latency < 0.5 ms (a coarse bound: measured 50-60 us);
 *   enough interrupts, overflows and idles that the
 *   test means something; no COOP_ASSERT.
 * Before that, the port alone: nested critical sections, idle to a deadline
 * (returns masked, on the tick), and the lost wake-up itself: SWI0 pended
 * while masked, just before idle, must end the idle at once, on the same
 * tick (an idle that unmasks before its WFI runs the handler there and then
 * sleeps to the next tick: this check fails, the stress counts do not).
 * Prints the figures and "N passed, M failed"; exit status 0 only if all passed.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "port_m0.h"

#include "../stress_check.h" /* loop, counter, flag, ring; counter_fn, ring_fn */

#ifndef STRESS_MS
#define STRESS_MS 1500u
#endif

static coop_counter_t tick_counter;

/* written by the interrupts only */
static volatile uint32_t swi_runs, pushed, timer_irqs;
static volatile uint32_t flag_since; /* TIMER1 time of the oldest unconsumed set, +1 (0: none) */
static uint32_t isr_rng = 0x9e3779b9u;

static uint32_t xorshift(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static uint32_t timer1_now(void)
{
    M0_TIMER_CAPTURE(M0_TIMER1, 1) = 1u;
    return M0_TIMER_CC(M0_TIMER1, 1);
}

static void pend_swi0(void)
{
    M0_NVIC_ISPR = 1u << M0_IRQ_SWI0;
}

void m0_irq9_handler(void); /* TIMER1 */
void m0_irq9_handler(void)
{
    uint32_t next, now;
    M0_TIMER_COMPARE(M0_TIMER1, 0) = 0u;
    timer_irqs++;
    next = M0_TIMER_CC(M0_TIMER1, 0) + 16u + xorshift(&isr_rng) % 1520u;
    now = timer1_now();
    if ((int32_t)(next - now) < 8)
        next = now + 8u; /* a late handler (preempted): do not miss the compare */
    M0_TIMER_CC(M0_TIMER1, 0) = next;
    pend_swi0();
}

void m0_irq20_handler(void); /* SWI0: the hand-off */
void m0_irq20_handler(void)
{
    swi_runs++;
    coop_counter_add(&counter, 1);
    if (flag_since == 0)
        flag_since = timer1_now() | 1u;
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
static unsigned passed, failed;

#define CHECK(cond)                                          \
    do {                                                     \
        if (cond) {                                          \
            passed++;                                        \
        } else {                                             \
            failed++;                                        \
            coop_board_printf("FAIL line %d: %s", __LINE__, #cond); \
        }                                                    \
    } while (0)

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        {
            uint32_t s = coop_priv_m0_irq_save(), since = flag_since, lat;
            flag_since = 0;
            coop_priv_m0_irq_restore(s);
            lat = timer1_now() - since;
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
            pend_swi0(); /* from task code: the handler runs right here */
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
    uint32_t s, swi, push, ticks, left_counter, left_flag, left_ring, left_ticks, irqs;
    ASYNC(task);
    AWAIT_SLEEP_MS(STRESS_MS);
    M0_TIMER_INTENCLR(M0_TIMER1) = 1u << 16;
    M0_NVIC_ICER = 1u << M0_IRQ_TIMER1;
    M0_TIMER_STOP(M0_TIMER1) = 1u;
    coop_task_cancel(&busy_task);
    AWAIT_SLEEP_MS(5); /* the last SWI0 runs; every consumer catches up */

    s = coop_priv_m0_irq_save();
    swi = swi_runs;
    push = pushed;
    irqs = timer_irqs;
    ticks = coop_m0_ticks - tick_base;
    left_ticks = coop_counter_take(&tick_counter);
    coop_priv_m0_irq_restore(s);
    left_counter = coop_counter_take(&counter);
    left_flag = coop_flag_take(&flag);
    left_ring = coop_ring_count(&ring);
    counter_total += left_counter;
    flag_total += left_flag;
    tick_total += left_ticks;
    while (coop_ring_count(&ring) != 0)
        pop_one();

    coop_board_printf("stress %s %d-bit ticks, %u ms: swi0=%lu (timer1 irqs %lu) counter=%lu flag=%lu "
                      "pushed=%lu popped=%lu over=%lu ticks=%lu/%lu idles=%lu worst flag latency=%lu us",
                      COOP_LC == COOP_LC_GOTO ? "goto" : "switch", COOP_TICK_BITS, STRESS_MS,
                      (unsigned long)swi, (unsigned long)irqs, (unsigned long)counter_total,
                      (unsigned long)flag_total, (unsigned long)push, (unsigned long)popped,
                      (unsigned long)coop_ring_overflows(&ring), (unsigned long)tick_total,
                      (unsigned long)ticks, (unsigned long)loop.idles,
                      (unsigned long)(worst_latency / 16u));
    CHECK(counter_total == swi);
    CHECK(flag_total == swi);
    CHECK(push + coop_ring_overflows(&ring) == swi);
    CHECK(popped == push && order_errors == 0);
    CHECK(tick_total == ticks);
    CHECK(left_counter == 0 && left_flag == 0 && left_ring == 0 && left_ticks == 0);
    CHECK(worst_latency < 8000u); /* 0.5 ms of TIMER1's 16 MHz */
    CHECK(swi > STRESS_MS * 10u && swi >= irqs);
    CHECK(coop_ring_overflows(&ring) > 0);
    CHECK(loop.idles > STRESS_MS / 2u);
    CHECK(coop_flag_overflows(&flag) == 0 && coop_counter_overflows(&counter) == 0);
    CHECK(coop_m0_asserts == 0);
    coop_board_printf("stress: %u passed, %u failed", passed, failed);
    m0_exit(failed == 0 ? 0 : 1);
    ASYNC_END;
}

static uint32_t primask(void)
{
    uint32_t p;
    __asm__ __volatile__("mrs %0, primask" : "=r"(p));
    return p;
}

/* The port itself, before the loop runs: the critical section nests, idle
 * returns masked at its deadline, and a pending interrupt (raised while
 * masked, before the idle) ends an idle without a deadline at once. */
static void port_checks(void)
{
    uint32_t a, b, t0;
    coop_status_t r;
    a = coop_priv_m0_irq_save();
    b = coop_priv_m0_irq_save();
    CHECK(a == 0 && b == 1 && primask() == 1);
    coop_priv_m0_irq_restore(b);
    CHECK(primask() == 1);
    coop_priv_m0_irq_restore(a);
    CHECK(primask() == 0);

    t0 = coop_m0_ticks;
    a = coop_priv_m0_irq_save();
    r = coop_port_idle(true, (coop_tick_t)(t0 + 3u));
    CHECK(r && primask() == 1 && coop_m0_ticks - t0 == 3u);
    coop_priv_m0_irq_restore(a);

    a = coop_priv_m0_irq_save();
    pend_swi0(); /* "between the loop's check and its sleep" */
    t0 = coop_m0_ticks;
    r = coop_port_idle(false, 0);
    CHECK(r && primask() == 1 && swi_runs == 1 && coop_priv_inbox != NULL && coop_m0_ticks == t0);
    coop_priv_m0_irq_restore(a);
}

int main(void)
{
    uint32_t s;
    coop_counter_init(&counter);
    coop_counter_init(&tick_counter);
    coop_flag_init(&flag);

    /* priorities (ARMv6-M: the top 2 bits): SWI0 0, SysTick 1, TIMER1 2 */
    M0_SHPR3 = (M0_SHPR3 & 0x00ffffffu) | (0x40u << 24);
    M0_NVIC_IPR(M0_IRQ_TIMER1) = (M0_NVIC_IPR(M0_IRQ_TIMER1) & ~(0xffu << 8)) | (0x80u << 8);
    M0_NVIC_IPR(M0_IRQ_SWI0) = (M0_NVIC_IPR(M0_IRQ_SWI0) & ~0xffu) | 0x00u;
    M0_NVIC_ISER = 1u << M0_IRQ_SWI0;
    coop_board_init(); /* SysTick, interrupts on */
    port_checks();
    s = coop_priv_m0_irq_save();
    coop_m0_on_tick = on_tick;
    tick_base = coop_m0_ticks;
    coop_priv_m0_irq_restore(s);

    coop_loop_init(&loop);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &tick_task, tick_fn);
    coop_task_spawn(&loop, &busy_task, busy_fn);
    coop_task_spawn(&loop, &report_task, report_fn);

    /* TIMER1: 32-bit timer at 16 MHz, compare 0 interrupts */
    M0_TIMER_MODE(M0_TIMER1) = 0u;
    M0_TIMER_BITMODE(M0_TIMER1) = 3u;
    M0_TIMER_PRESCALER(M0_TIMER1) = 0u;
    M0_TIMER_CLEAR(M0_TIMER1) = 1u;
    M0_TIMER_CC(M0_TIMER1, 0) = 1000u;
    M0_TIMER_INTENSET(M0_TIMER1) = 1u << 16;
    M0_NVIC_ISER = 1u << M0_IRQ_TIMER1;
    M0_TIMER_START(M0_TIMER1) = 1u;

    coop_loop_run(&loop);
    coop_board_printf("stress: the loop ended before the report");
    return 2;
}
