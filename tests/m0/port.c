/* tests/m0/port.c - port conformance: the contract of docs/porting.md,
 * checked on ports/cortex_m.h in qemu, one rule at a time, before any task
 * runs (tests/m0/stress.c and storm.c then run the loop under interrupts).
 *
 * Built with COOP_TICK_HZ 10000 (100 us ticks: many ticks, wraps and sleeps
 * in little simulated time), 16- or 32-bit ticks. Interrupts: the machine's
 * spare one (priority 0), SysTick (1), the alarm (2); the spare one's and
 * the alarm's handlers post a call (coop_call_post, as flags and counters
 * do), so coop_priv_inbox says whether an interrupt has posted.
 *   critical   COOP_PORT_IRQ_SAVE masks: an interrupt pended inside does not
 *   section    run until the outermost restore, then exactly once; nested
 *              saves restore the state they found (PRIMASK read back too)
 *   clock      coop_port_now() moves. The tick read is atomic: with SysTick
 *              stopped, the alarm calls coop_cortex_m_tick() at a random
 *              moment of a tight loop of reads, 4000 times, from just before
 *              the 16- and 32-bit wraps; a hook makes both halves of the count
 *              move on each tick (+0x10001), so every read must return the
 *              value before or after the tick, and a read in two halves that
 *              a tick splits (the defect) returns one off by 0x10000. (With
 *              the real SysTick landing where it will, qemu hardly ever split
 *              such a read: the alarm's random moments do, ~1 tick in 10.)
 *   idle to a  called masked, it returns masked (an interrupt pended after
 *   deadline   it does not run before the restore) exactly on the deadline's
 *              tick, not later
 *   the lost   an interrupt pended under the mask just before idle (after the
 *   wake-up    loop's last look at its inbox) ends the idle at once, on the
 *              same tick: an idle that unmasks before it sleeps lets the
 *              handler run there and then sleeps to the next tick
 *   wake       the alarm posting 250 us into a 40-tick idle ends it on
 *              that tick (the alarm's tick is 1 or 2: while the CPU sleeps,
 *              qemu 7.2 with -icount sleep=off lets the other timers run two
 *              SysTick periods per period, measured on both machines)
 *   asserts    coop_port_assert_fail returns, and the call that failed
 *              returns its error code
 * The idle checks call idle again while it returns early with nothing posted
 * and the deadline not reached, as the loop does (the contract allows it).
 * Prints failures and "port: N passed, M failed"; exit status 0 only if all
 * passed.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "m0_board.h"

#include "check.h"

#ifndef CLOCK_TRIALS
#define CLOCK_TRIALS 4000u /* ticks the clock's reader sees */
#endif

static coop_loop_t loop;
static coop_call_t swi_call, alarm_call;
static volatile uint32_t swi_runs, alarm_runs, calls_run;
static volatile bool alarm_ticks; /* the alarm is the tick (check_clock) */
static volatile coop_tick_t alarm_now; /* coop_port_now() in the alarm's handler */

static void call_fn(coop_call_t *call)
{
    (void)call;
    calls_run++;
}

void m0_swi_handler(void)
{
    swi_runs++;
    coop_call_post(&swi_call);
}

void m0_alarm_handler(void)
{
    m0_alarm_ack();
    m0_alarm_off(); /* one shot */
    alarm_runs++;
    if (alarm_ticks) {
        coop_cortex_m_tick(); /* @isr_ok, from any interrupt */
        return;
    }
    alarm_now = coop_port_now(); /* @isr_ok */
    coop_call_post(&alarm_call);
    coop_port_wake(); /* @isr_ok; a second wake is harmless */
}

static uint32_t primask(void)
{
    uint32_t p;
    __asm__ __volatile__("mrs %0, primask" : "=r"(p));
    return p;
}

/* Run what the interrupts posted (a loop with no task drains its inbox). */
static void drain(void)
{
    coop_loop_run(&loop);
}

/* Wait for the start of a tick, so a check has the whole tick to itself. */
static coop_tick_t fresh_tick(void)
{
    coop_tick_t t = coop_port_now();
    while (coop_port_now() == t) {
    }
    return coop_port_now();
}

/* Idle as the loop does (masked): again while nothing was posted and the
 * deadline has not come. */
static bool idle_as_the_loop(bool has_deadline, coop_tick_t deadline)
{
    for (;;) {
        if (coop_priv_inbox != NULL)
            return true;
        if (has_deadline && coop_tick_reached(coop_port_now(), deadline))
            return true;
        if (!coop_port_idle(has_deadline, deadline))
            return false;
    }
}

static void check_critical_section(void)
{
    coop_irq_state_t a, b;
    uint32_t runs = swi_runs;
    CHECK(primask() == 0);
    a = COOP_PORT_IRQ_SAVE();
    m0_swi_pend();
    __asm__ __volatile__("dsb\n\tisb" ::: "memory");
    CHECK(swi_runs == runs && primask() == 1);
    b = COOP_PORT_IRQ_SAVE();
    COOP_PORT_IRQ_RESTORE(b); /* nested: stays masked */
    __asm__ __volatile__("isb" ::: "memory");
    CHECK(swi_runs == runs && primask() == 1);
    COOP_PORT_IRQ_RESTORE(a);
    __asm__ __volatile__("isb" ::: "memory");
    CHECK(swi_runs == runs + 1u && primask() == 0);
    drain();
    CHECK(calls_run == 1u);
}

/* ---------------------------------------------------------------- clock */
/* The SysTick hook: both halves of the count move on every tick (+0x10001),
 * so a read in two halves that a tick splits returns a value that is none
 * of the count's. With 16-bit ticks the clock is the low half: +1. */
static void both_halves(void)
{
    coop_cortex_m_ticks = coop_cortex_m_ticks + 0x10000u; /* (the tick interrupt: the only writer) */
}

static coop_tick_t successor(coop_tick_t v)
{
    return (coop_tick_t)(v + 0x10001u);
}

static uint32_t rng = 0x2545f491u;
static volatile uint32_t sink;

static void check_clock(void)
{
    coop_irq_state_t s;
    coop_tick_t prev, v;
    uint32_t reads = 0, wraps = 0, bad = 0, trial, given, i;
    prev = coop_port_now();
    for (i = 0; i < 1000000u && coop_port_now() == prev; i++) {
    }
    CHECK(coop_port_now() != prev); /* it runs */

    /* SysTick off; the alarm calls the tick function instead, each time at
     * a random moment of a tight loop of reads */
    s = COOP_PORT_IRQ_SAVE();
    M0_SYST_CSR = 0;
    M0_ICSR = 1u << 25; /* PENDSTCLR: no SysTick left pending */
    coop_cortex_m_ticks = 0xfffffff0u; /* 16 ticks before the 16- and 32-bit wraps */
    m0_on_tick = both_halves;
    alarm_ticks = true;
    COOP_PORT_IRQ_RESTORE(s);
    prev = coop_port_now();
    for (trial = 0; trial < CLOCK_TRIALS && bad < 10u; trial++) {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        given = alarm_runs;
        m0_alarm_at(m0_stamp() + 16u + (rng & 31u));
        m0_alarm_on();
        for (i = (rng >> 8) & 15u; i != 0; i--) /* a pause of 0..15 turns */
            sink = i;
        do {
            v = coop_port_now();
            reads++;
            if (v != prev && v != successor(prev) && bad++ < 3u)
                coop_board_printf("  tick read 0x%lx after 0x%lx (next 0x%lx)", (unsigned long)v,
                                  (unsigned long)prev, (unsigned long)successor(prev));
        } while (alarm_runs == given);
        v = coop_port_now();
        if (v != successor(prev) && bad++ < 3u)
            coop_board_printf("  tick read 0x%lx after one tick from 0x%lx", (unsigned long)v, (unsigned long)prev);
        if (v < prev)
            wraps++;
        prev = v;
    }
    s = COOP_PORT_IRQ_SAVE();
    alarm_ticks = false;
    m0_on_tick = NULL;
    COOP_PORT_IRQ_RESTORE(s);
    (void)coop_cortex_m_start(M0_HCLK_HZ); /* SysTick again */
    coop_board_printf("  clock: %lu ticks at random moments, %lu reads, %lu wraps, %lu bad",
                      (unsigned long)trial, (unsigned long)reads, (unsigned long)wraps, (unsigned long)bad);
    CHECK(bad == 0);
    CHECK(trial == CLOCK_TRIALS && wraps >= 1u); /* across the tick type's wrap */
}

/* ---------------------------------------------------------------- idle */
static void check_idle_deadline(void)
{
    coop_irq_state_t s;
    coop_tick_t t0, deadline;
    uint32_t runs;
    bool r;
    t0 = fresh_tick();
    s = COOP_PORT_IRQ_SAVE();
    deadline = coop_tick_add(t0, 3);
    r = idle_as_the_loop(true, deadline);
    CHECK(r && coop_port_now() == deadline); /* on the tick, not later */
    CHECK(primask() == 1);
    runs = swi_runs;
    m0_swi_pend();
    __asm__ __volatile__("dsb\n\tisb" ::: "memory");
    CHECK(swi_runs == runs); /* still masked */
    COOP_PORT_IRQ_RESTORE(s);
    __asm__ __volatile__("isb" ::: "memory");
    CHECK(swi_runs == runs + 1u);
    drain();
}

static void check_lost_wakeup(bool has_deadline)
{
    coop_irq_state_t s;
    coop_tick_t t0;
    uint32_t runs = swi_runs, calls = calls_run;
    bool r;
    t0 = fresh_tick();
    s = COOP_PORT_IRQ_SAVE();
    /* the loop has looked at its inbox (empty) ... */
    CHECK(coop_priv_inbox == NULL);
    m0_swi_pend(); /* ... and now an interrupt comes, before the sleep */
    r = coop_port_idle(has_deadline, coop_tick_add(t0, 40)); /* once: it must not sleep */
    CHECK(r && swi_runs == runs + 1u && coop_priv_inbox != NULL);
    CHECK(coop_port_now() == t0); /* at once: on the same tick */
    CHECK(primask() == 1);
    COOP_PORT_IRQ_RESTORE(s);
    drain();
    CHECK(calls_run == calls + 1u);
}

static void check_wake(void)
{
    coop_irq_state_t s;
    coop_tick_t t0;
    uint32_t runs = alarm_runs;
    bool r;
    t0 = fresh_tick();
    s = COOP_PORT_IRQ_SAVE();
    /* 2.5 ticks (100 us each) from now, by the stamp's clock */
    m0_alarm_at(m0_stamp() + 250u * M0_STAMP_PER_US);
    m0_alarm_on();
    r = idle_as_the_loop(true, coop_tick_add(t0, 40));
    CHECK(r && alarm_runs == runs + 1u && coop_priv_inbox != NULL);
    /* it slept, and it woke on the alarm's tick (which one: see above) */
    CHECK(coop_tick_diff(alarm_now, t0) >= 1 && coop_tick_diff(alarm_now, t0) <= 3);
    CHECK(coop_port_now() == alarm_now);
    CHECK(primask() == 1);
    COOP_PORT_IRQ_RESTORE(s);
    drain();
}

static void check_assert(void)
{
    coop_board_printf("  asserts: the next line is the one expected");
    uint32_t n = coop_cortex_m_asserts;
    int rc = coop_loop_run(NULL); /* misuse: asserts, then returns its code */
    CHECK(rc == COOP_EINVAL && coop_cortex_m_asserts == n + 1u);
    /* the board: writing a pin that is not an output asserts, as on every port */
    coop_board_printf("  pins: the next line is the one expected");
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_write(BOARD_BUTTON1, true);
    CHECK(coop_cortex_m_asserts == n + 2u);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_write(BOARD_LED1, true);
    coop_pin_toggle(BOARD_LED1);
    CHECK(coop_cortex_m_asserts == n + 2u); /* an output: no assert */
}

int main(void)
{
    coop_call_init(&swi_call, call_fn);
    coop_call_init(&alarm_call, call_fn);
    m0_irq_priority(M0_IRQ_SWI, 0);
    m0_irq_priority(-1, 1); /* SysTick */
    m0_irq_priority(M0_IRQ_ALARM, 2);
    m0_swi_enable();
    m0_timers_start();
    coop_board_init(); /* SysTick at COOP_TICK_HZ, interrupts on */
    coop_loop_init(&loop);

    check_critical_section();
    check_clock();
    coop_loop_init(&loop); /* (the clock jumped) */
    check_idle_deadline();
    check_lost_wakeup(true);
    check_lost_wakeup(false);
    check_wake();
    check_assert();
    CHECK(coop_cortex_m_asserts == 2u); /* check_assert's own */

    coop_board_printf("port: %s (%s), %d-bit ticks%s: %u passed, %u failed", m0_core(), M0_MACHINE, COOP_TICK_BITS,
                      COOP_PORT_ATOMIC ? ", LDREX/STREX" : "", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
