/* ports/template.h - a port skeleton: copy it to ports/<your chip>.h and
 * write each TODO. docs/porting.md says what each piece must guarantee and
 * how to test the port; ports/cortex_m.h and ports/avr.h are complete ports
 * of this shape to read beside it.
 *
 * As it is, it stops the build with the list of what to write. Defined
 * COOP_TEMPLATE_STUB compiles it with placeholder bodies (make test-port-kit
 * does, to keep the skeleton complete: every example links against it); a
 * placeholder that runs reports itself through coop_port_assert_fail.
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "mychip.h"              // your copy of this file
 *
 *     coop_board_init();               // the tick, pins, console; interrupts on
 *     ... spawn tasks, coop_loop_run(&loop) ...
 *
 * What to write, in this order (each has a TODO below):
 *   1. the critical section: COOP_PORT_IRQ_SAVE/RESTORE, inlined, nestable
 *   2. the clock: a timer interrupt COOP_TICK_HZ times a second that counts
 *      ticks, and coop_port_now() that reads the count atomically
 *   3. idle: coop_port_idle(), sleeping and unmasking in one step
 *   4. wake: coop_port_wake() (often nothing)
 *   5. asserts: coop_port_assert_fail()
 *   6. the board: coop_board_init, the pin functions, coop_pin_on_edge,
 *      coop_board_printf, and the BOARD_LED1.. BOARD_BUTTON4 pins
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_TEMPLATE_H /* TODO: COOP_PORT_<CHIP>_H */
#define COOP_PORT_TEMPLATE_H

#ifndef COOP_TEMPLATE_STUB
#error "ports/template.h is a skeleton: copy it to ports/<chip>.h and write its TODOs (1 critical section COOP_PORT_IRQ_SAVE/RESTORE, 2 clock: tick interrupt + coop_port_now, 3 coop_port_idle, 4 coop_port_wake, 5 coop_port_assert_fail, 6 board: coop_board_init, pins, coop_board_printf); then delete this #error. docs/porting.md says what each must do."
#endif

#include <stdbool.h>
#include <stdint.h>
/* TODO: your chip's or SDK's headers */

/* How the interrupt side of coop is made safe (coop/atomic.h): 0 with the
 * critical section below, for a single-core chip (the usual choice: GCC's
 * __atomic is missing or not atomic on many small cores); 1 with GCC
 * __atomic builtins, only where they are lock-free and link. */
#ifndef COOP_PORT_ATOMIC
#define COOP_PORT_ATOMIC 0
#endif

/* 1. The critical section, inlined. save: remember whether interrupts were
 * enabled, disable them, return what was; restore: put that back (so
 * sections nest). Both are compiler barriers ("memory" clobbers). */
#define COOP_IRQ_STATE_TYPE uint32_t
static inline uint32_t coop_priv_template_irq_save(void)
{
    uint32_t s = 0;
    /* TODO: s = <interrupts enabled?>; <disable interrupts>;
     *   Cortex-M: mrs s, primask; cpsid i   AVR: s = SREG; cli()
     *   RISC-V:   csrrci s, mstatus, 8 (MIE) */
    return s;
}
static inline void coop_priv_template_irq_restore(uint32_t s)
{
    (void)s;
    /* TODO: put the state back: Cortex-M: msr primask, s   AVR: SREG = s */
}
#define COOP_PORT_IRQ_SAVE() coop_priv_template_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_priv_template_irq_restore(s)

/* Your defaults for coop's options (each may be set before including this):
 * e.g. COOP_TICK_BITS 16 and COOP_WHEEL_LEVELS 0 on a chip with 2 KB RAM. */

#include "coop.h"

/* 6. The board's pins (coop/board.h): two LEDs, four buttons to ground.
 * TODO: your pin numbers (COOP_PIN_TYPE before coop.h if uint8_t is not enough). */
#define BOARD_LED1 ((coop_pin_t)0)
#define BOARD_LED2 ((coop_pin_t)1)
#define BOARD_BUTTON1 ((coop_pin_t)2)
#define BOARD_BUTTON2 ((coop_pin_t)3)
#define BOARD_BUTTON3 ((coop_pin_t)4)
#define BOARD_BUTTON4 ((coop_pin_t)5)

#ifdef __cplusplus
extern "C" {
#endif
/* 2. The tick interrupt's work (@isr_ok): call it from your timer's
 * interrupt handler COOP_TICK_HZ times a second. */
void coop_template_tick(void);
/* COOP_ASSERT failures: how many, and the first one's line. */
extern volatile uint32_t coop_template_asserts;
extern volatile int coop_template_assert_line;
#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_TEMPLATE_IMPLEMENTED
#define COOP_PORT_TEMPLATE_IMPLEMENTED

#include <stdarg.h>

/* A placeholder that runs reports itself (delete with the last TODO). */
#define COOP_TEMPLATE_TODO(what) coop_port_assert_fail("ports/template.h: not written: " what, __FILE__, __LINE__)

/* ---------------------------------------------------------------- clock */
/* The tick count: written by the tick interrupt only. */
static volatile uint32_t coop_priv_template_ticks;

void coop_template_tick(void)
{
    coop_priv_template_ticks = coop_priv_template_ticks + 1u;
    /* TODO: clear the timer's interrupt flag here, or in your handler */
}

static void coop_priv_template_clock_start(void)
{
    /* TODO: a timer interrupting COOP_TICK_HZ times a second (exactly: the
     * build or an assert should refuse a clock it cannot divide), whose
     * handler calls coop_template_tick(); then enable interrupts */
    COOP_TEMPLATE_TODO("the tick timer (coop_priv_template_clock_start)");
}

/* 2. @isr_ok The time in ticks. The read must be atomic: a count wider than
 * the CPU's single-copy atomic access (AVR: anything over a byte) is read
 * inside the critical section, or twice until two reads agree. */
coop_tick_t coop_port_now(void)
{
    /* TODO: on a 32-bit CPU one aligned word load is atomic, as here; on an
     * 8- or 16-bit one: s = COOP_PORT_IRQ_SAVE(); t = ticks; RESTORE(s) */
    return (coop_tick_t)coop_priv_template_ticks;
}

/* 4. @isr_ok Make a sleeping coop_port_idle return. Called by coop_flag_set
 * and the other @isr_ok posts after they linked work into the loop's inbox,
 * from interrupts (and, on a multi-core chip, from the other core). */
void coop_port_wake(void)
{
    /* TODO: nothing when any interrupt ends the sleep (AVR sleep, Cortex-M
     * WFI); SEV when idle sleeps in WFE or another core posts */
}

/* 3. Sleep until `deadline` (if has_deadline) or until an interrupt posted
 * something. The loop calls this masked (COOP_PORT_IRQ_SAVE), after it found
 * its inbox empty, and expects it back masked. Return true (false only when
 * nothing can ever wake the loop: it then ends with COOP_EDEADLK). */
bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    for (;;) {
        if (has_deadline && coop_tick_reached((coop_tick_t)coop_priv_template_ticks, deadline))
            return true;
        /* TODO: unmask and sleep in ONE step, then mask again, so that an
         * interrupt already pending (it came after the loop's check) ends the
         * sleep at once instead of running just before it:
         *   AVR:      sleep_enable(); sei(); sleep_cpu(); sleep_disable(); cli();
         *             (the instruction after sei always runs)
         *   Cortex-M: dsb; wfi (PRIMASK still set: a pending interrupt ends
         *             WFI without being taken); cpsie i; isb; cpsid i
         *   RISC-V:   wfi with mstatus.MIE clear (a pending enabled interrupt
         *             ends it); then set and clear MIE
         * Never "unmask; sleep": the interrupt runs in between and the sleep
         * waits for the next one. Without a tick interrupt (a tickless port),
         * arm a wake-up timer for the deadline first. */
        COOP_TEMPLATE_TODO("the sleep in coop_port_idle");
        if (coop_priv_inbox != NULL)
            return true; /* an interrupt posted work */
#ifdef COOP_TEMPLATE_STUB
        return true; /* (a placeholder must not spin) */
#endif
    }
}

/* 5. A broken rule (COOP_ASSERT): report it. It may return: the failing call
 * then returns its error code. */
volatile uint32_t coop_template_asserts;
volatile int coop_template_assert_line;

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    if (coop_template_asserts == 0)
        coop_template_assert_line = line;
    coop_template_asserts = coop_template_asserts + 1u;
    (void)msg;
    (void)file;
    /* TODO: print it (coop_board_printf("coop assert: %s (%s:%d)", ...)), or
     * blink, or stop in a debugger; not from inside coop_board_printf itself */
}

/* ---------------------------------------------------------------- board */
/* 6. The board API (coop/board.h); the examples use all of it. */
void coop_board_init(void)
{
    /* TODO: clocks, console (UART), then the tick; interrupts on last */
    coop_priv_template_clock_start();
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons: nothing to play */
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    (void)pin;
    (void)value;
    COOP_TEMPLATE_TODO("coop_pin_output (write the value first, then make it an output)");
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    (void)pin;
    (void)value;
    COOP_TEMPLATE_TODO("coop_pin_write (assert if the pin is not an output)");
}

void coop_pin_toggle(coop_pin_t pin)
{
    coop_pin_write(pin, !coop_pin_read(pin));
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    (void)pin;
    (void)pull;
    COOP_TEMPLATE_TODO("coop_pin_input (COOP_PULL_NONE, COOP_PULL_UP, COOP_PULL_DOWN)");
}

bool coop_pin_read(coop_pin_t pin)
{
    (void)pin;
    COOP_TEMPLATE_TODO("coop_pin_read (an input's level, an output's value)");
    return true;
}

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
    (void)pin;
    (void)edges;
    (void)isr;
    /* TODO, optional: with COOP_PIN_IRQS 1, own the pin-interrupt vectors and
     * call isr(pin, level) from them (coop/board.h). Without: */
    COOP_ASSERT(COOP_PIN_IRQS, "coop_pin_on_edge: define COOP_PIN_IRQS 1");
    return COOP_EINVAL;
}

void coop_board_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* TODO: format and write one line, with its '\n', to your console (a
     * vsnprintf into a buffer and a UART loop; or your SDK's vprintf) */
    (void)fmt;
    va_end(ap);
}

#undef COOP_TEMPLATE_TODO

#endif /* COOP_PORT_TEMPLATE_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_TEMPLATE_H */
