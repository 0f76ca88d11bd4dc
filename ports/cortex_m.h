/* ports/cortex_m.h - a generic Cortex-M port: M0, M0+, M3, M4, M7 (ARMv6-M,
 * ARMv7-M, ARMv7E-M), bare metal or beside a vendor SDK.
 *
 * The contract only (docs/porting.md): clock, critical section, idle, wake,
 * asserts. The board (coop/board.h: pins, a line of text) differs per chip,
 * so it is yours: a few functions in your board file, which includes this
 * one. tests/m0/m0_board.h is a complete example for two boards (the BBC
 * micro:bit's nRF51 and Arm's MPS2).
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "cortex_m.h"
 *
 *     void coop_board_init(void)       // your board file
 *     {
 *         ... clocks, pins, UART ...
 *         coop_cortex_m_start(SystemCoreClock); // SysTick, then interrupts on
 *     }
 *     void coop_board_printf(const char *fmt, ...) { ... one line to your UART ... }
 *
 * Clock: SysTick interrupts COOP_TICK_HZ times a second (1 ms by default),
 * counted in a 32-bit word (coop_cortex_m_ticks). coop_port_now() reads that
 * word with one LDR: an aligned word access is single-copy atomic on every
 * Cortex-M and only the SysTick handler writes it, so the read needs no mask
 * (with 16-bit ticks it returns the low half). If your SDK owns SysTick (say
 * for HAL_GetTick), define COOP_CORTEX_M_SYSTICK 0 and call
 * coop_cortex_m_tick() from that handler (or any timer's) COOP_TICK_HZ times
 * a second.
 *
 * Critical section: PRIMASK saved, `cpsid i`; restored with `msr primask`:
 * nestable, inlined, 3 instructions. It masks every interrupt but NMI and
 * HardFault, so those two must not call coop. COOP_PORT_ATOMIC is 0 on every
 * core: on ARMv6-M GCC's __atomic is a call to a libatomic that does not
 * exist, or a plain load/store; on ARMv7-M it would be LDREX/STREX, which
 * work (COOP_PORT_ATOMIC 1 is allowed there, and tested), but the loop needs
 * the PRIMASK section anyway to sleep without losing a wake-up, and the
 * section is shorter than an exclusive loop.
 *
 * Idle: entered with PRIMASK set (the loop checked its inbox under it).
 * `dsb; wfi` with PRIMASK still set: WFI wakes on any pending interrupt
 * without taking it, so one that came after the loop's check ends the sleep
 * instead of being lost. Then `cpsie i; isb; cpsid i` lets the pending
 * handlers run (they may post), and idle returns if something was posted,
 * else it sleeps again after each tick until the deadline's tick. (Mask with
 * BASEPRI instead and WFI would not wake for the masked interrupts: sleep
 * with PRIMASK set and BASEPRI cleared.) SysTick keeps running: the CPU wakes
 * once a tick; it is not a tickless port.
 *
 * Wake: nothing to do; any interrupt ends WFI.
 *
 * Asserts: COOP_ASSERT failures are counted (coop_cortex_m_asserts, the
 * first one's line in coop_cortex_m_assert_line), their message printed with
 * coop_board_puts, and the failing call returns its error code.
 *
 * Options (define before including this):
 * COOP_CONFIG: COOP_CORTEX_M_SYSTICK, 0 or 1, 1. 1: coop_cortex_m_start
 *   programs SysTick and the port defines its handler; 0: you call
 *   coop_cortex_m_tick() from your tick interrupt.
 * COOP_CONFIG: COOP_CORTEX_M_SYSTICK_HANDLER, name, SysTick_Handler. The
 *   vector's name in your start-up code (CMSIS: SysTick_Handler).
 * COOP_CONFIG: COOP_CORTEX_M_ON_TICK(), macro, empty. Runs in the tick
 *   interrupt after the count moved (a watchdog, a test hook).
 *
 * Tested (make test-m0) in qemu: -M microbit (Cortex-M0, built for the M0+),
 * -M mps2-an385 (M3), -M mps2-an386 (M4), -M mps2-an500 (M7): the core unit
 * tests, the port's conformance checks (tests/m0/port.c), an interrupt stress
 * (tests/m0/stress.c), and on the M0+ and M3 storms beside blinkers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_CORTEX_M_H
#define COOP_PORT_CORTEX_M_H

#include <stdbool.h>
#include <stdint.h>

#if !defined(__arm__) || !defined(__ARM_ARCH_PROFILE) || __ARM_ARCH_PROFILE != 'M'
#error "coop cortex_m port: build for a Cortex-M (e.g. -mcpu=cortex-m0plus -mthumb, or cortex-m3, -m4, -m7)"
#endif

#ifndef COOP_PORT_ATOMIC
#define COOP_PORT_ATOMIC 0
#endif
#if COOP_PORT_ATOMIC && !(defined(__ARM_FEATURE_LDREX) && (__ARM_FEATURE_LDREX & 1))
#error "coop cortex_m port: COOP_PORT_ATOMIC 1 needs LDREXB/STREXB (ARMv7-M: M3, M4, M7); use 0 on ARMv6-M"
#endif
#ifndef COOP_CORTEX_M_SYSTICK
#define COOP_CORTEX_M_SYSTICK 1
#endif
#ifndef COOP_CORTEX_M_SYSTICK_HANDLER
#define COOP_CORTEX_M_SYSTICK_HANDLER SysTick_Handler
#endif
#ifndef COOP_CORTEX_M_ON_TICK
#define COOP_CORTEX_M_ON_TICK() ((void)0)
#endif

/* The critical section, inlined: save PRIMASK, mask; put PRIMASK back. */
#define COOP_IRQ_STATE_TYPE uint32_t
static inline uint32_t coop_priv_cortex_m_irq_save(void)
{
    uint32_t s;
    __asm__ __volatile__("mrs %0, primask\n\tcpsid i" : "=r"(s)::"memory");
    return s;
}
static inline void coop_priv_cortex_m_irq_restore(uint32_t s)
{
    __asm__ __volatile__("msr primask, %0" ::"r"(s) : "memory");
}
#define COOP_PORT_IRQ_SAVE() coop_priv_cortex_m_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_priv_cortex_m_irq_restore(s)

#include "coop.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Ticks since start (the tick before any wrap of coop_tick_t). Written by
 * the tick interrupt only; a test may preset it before coop_cortex_m_start. */
extern volatile uint32_t coop_cortex_m_ticks;
/* COOP_ASSERT failures: how many, and the first one's line. */
extern volatile uint32_t coop_cortex_m_asserts;
extern volatile int coop_cortex_m_assert_line;
/* @isr_ok The tick interrupt's work: count one tick. */
void coop_cortex_m_tick(void);
#if COOP_CORTEX_M_SYSTICK
void COOP_CORTEX_M_SYSTICK_HANDLER(void);
#endif
#ifdef __cplusplus
}
#endif

/* With COOP_CORTEX_M_SYSTICK 1: start SysTick at COOP_TICK_HZ from its
 * clock, the core clock `cpu_hz` (which COOP_TICK_HZ must divide into at
 * most 2^24 cycles), then unmask interrupts. With 0: only unmask. COOP_OK;
 * COOP_EINVAL (with an assert) for a clock SysTick cannot divide exactly.
 * Inlined: with a constant clock the division is done by the compiler
 * (ARMv6-M has no divide instruction). */
static inline int coop_cortex_m_start(uint32_t cpu_hz)
{
#if COOP_CORTEX_M_SYSTICK
    uint32_t reload = cpu_hz / COOP_TICK_HZ;
    COOP_PRIV_REFUSE(cpu_hz % COOP_TICK_HZ != 0 || reload == 0 || reload > 0x1000000u, COOP_EINVAL,
                     "coop_cortex_m_start: COOP_TICK_HZ must divide the core clock into 1..2^24 cycles");
    *(volatile uint32_t *)0xE000E010u = 0;          /* SYST_CSR: off */
    *(volatile uint32_t *)0xE000E014u = reload - 1; /* SYST_RVR */
    *(volatile uint32_t *)0xE000E018u = 0;          /* SYST_CVR: a full first tick */
    *(volatile uint32_t *)0xE000E010u = 7u;         /* core clock, interrupt, enable */
#else
    (void)cpu_hz;
#endif
    __asm__ __volatile__("cpsie i" ::: "memory");
    return COOP_OK;
}

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_CORTEX_M_IMPLEMENTED
#define COOP_PORT_CORTEX_M_IMPLEMENTED

volatile uint32_t coop_cortex_m_ticks;
volatile uint32_t coop_cortex_m_asserts;
volatile int coop_cortex_m_assert_line;

void coop_cortex_m_tick(void)
{
    coop_cortex_m_ticks = coop_cortex_m_ticks + 1u; /* the only writer */
    COOP_CORTEX_M_ON_TICK();
}

#if COOP_CORTEX_M_SYSTICK
void COOP_CORTEX_M_SYSTICK_HANDLER(void)
{
    coop_cortex_m_tick();
}
#endif

coop_tick_t coop_port_now(void)
{
    return (coop_tick_t)coop_cortex_m_ticks; /* one aligned word: a single LDR */
}

void coop_port_wake(void)
{
    /* nothing: the interrupt that calls this has already ended WFI */
}

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    /* masked: the loop checked its inbox under the same PRIMASK */
    for (;;) {
        if (has_deadline && coop_tick_reached((coop_tick_t)coop_cortex_m_ticks, deadline))
            return true;
        /* WFI wakes on a pending interrupt even with PRIMASK set (it is not
         * taken yet); one that came after the loop's check is pending now */
        __asm__ __volatile__("dsb\n\twfi" ::: "memory");
        __asm__ __volatile__("cpsie i\n\tisb\n\tcpsid i" ::: "memory"); /* let it run */
        if (coop_priv_inbox != NULL)
            return true; /* an interrupt posted work */
    }
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    (void)file;
    if (coop_cortex_m_asserts == 0)
        coop_cortex_m_assert_line = line;
    coop_cortex_m_asserts = coop_cortex_m_asserts + 1u;
    coop_board_puts(msg); /* not printf: a program that formats nothing links no formatter */
}

#endif /* COOP_PORT_CORTEX_M_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_CORTEX_M_H */
