/* ports/rp2040.h - the RP2040 port (pico-sdk): Raspberry Pi Pico, both cores.
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "rp2040.h"              // pulls in pico/stdlib.h
 *
 *     coop_board_init();               // stdio, the wake-up alarm, pins' IRQ
 *     ... spawn tasks, coop_loop_run(&loop) ...
 *
 * In a pico-sdk project: add_subdirectory(coop) and
 * target_link_libraries(app coop) (the INTERFACE library of coop's
 * CMakeLists.txt adds include/ and ports/ and links pico_stdlib).
 *
 * Clock: the SDK's 64-bit microsecond timer (time_us_64), divided into 1 ms
 * ticks (COOP_TICK_HZ must divide 10^6; 16 <= COOP_TICK_HZ). ARMv6-M has no
 * divide instruction: the 64-bit division is done as three 32-bit ones by a
 * 16-bit constant, which pico-sdk runs on the SIO hardware divider. The tick
 * keeps only its low COOP_TICK_BITS, so it wraps like any coop tick.
 *
 * Critical section (COOP_PORT_IRQ_SAVE): PRIMASK saved and set (interrupts
 * off on this core), then a hardware spinlock (COOP_RP2040_SPINLOCK,
 * default PICO_SPINLOCK_ID_OS1, which the SDK reserves for an OS) against
 * the other core. Nestable: the lock's owner core is recorded, and a nested
 * save on the same core only masks. gcc -Os keeps the two out of line:
 * 19 and 15 Thumb instructions on the usual path (not nested), a DMB each.
 * Never C11/GCC atomics: on Cortex-M0+ they are plain loads and stores or
 * calls to libatomic functions that do not exist (COOP_PORT_ATOMIC 0).
 *
 * Idle (coop_port_idle), called by the loop with the critical section held,
 * after it found its inbox empty. It must sleep without losing a post that
 * comes after that check:
 *   1. arm a timer alarm (a claimed hardware alarm, its IRQ enabled) at the
 *      start of the deadline's tick; if that time has already passed, return;
 *   2. release the spinlock but keep PRIMASK set, and WFE. WFE returns at
 *      once if the core's event register is set, and the register is set by
 *        - SEV on the other core: coop_port_wake, after core 1 linked a post
 *          into the inbox under the spinlock, so after our check;
 *        - any interrupt of this core becoming pending, even masked: the
 *          port sets SCR.SEVONPEND. An interrupt that came after the check
 *          (while PRIMASK held it off) has set the register already;
 *        - the alarm's interrupt (the same rule), at the deadline;
 *   3. clear PRIMASK for a moment (with an ISB, so that pending interrupts
 *      run their handlers there, which may post), set it again, and sleep
 *      again unless the inbox has something or the deadline's tick has begun;
 *   4. take the spinlock again and return, masked, as the loop expects.
 * So a post between the loop's check and the WFE leaves the event register
 * set and the WFE falls through: never lost. Wake-ups that turn out to be
 * nothing (events left from an earlier interrupt's return) just go round.
 * coop_port_wake is SEV: it is what makes a flag set, a counter add or a
 * ring push from core 1 (its code or its ISRs) wake a loop asleep on core 0,
 * and the other way round. A loop runs on one core; @isr_ok functions may
 * be called from either core and from any ISR. The alarm's interrupt is
 * enabled on the core that ran coop_rp2040_init (coop_board_init): run the
 * loop there (checked by an assert in idle).
 *
 * The board (coop/board.h), Raspberry Pi Pico (GPn = pin n):
 *   BOARD_LED1    GP25 (the Pico's on-board LED)   BOARD_LED2    GP15
 *   BOARD_BUTTON1 GP14 (the MicroPython guide's button: GP14 to GND)
 *   BOARD_BUTTON2 GP13    BOARD_BUTTON3 GP12    BOARD_BUTTON4 GP11
 *   GP11..GP15 are the physical pins 15..20 beside GND (pin 18). Buttons
 *   connect the pin to ground and use the internal pull-up. Any GPIO 0..29
 *   may be used as a coop_pin_t. On a Pico W the LED hangs off the wireless
 *   chip, not GP25: define BOARD_LED1 to another GPIO before including this.
 *   coop_board_printf prints a line with the SDK's printf (stdio: UART0 on
 *   GP0/GP1 at 115200 Bd, or USB, as the CMake target enables).
 *
 * Edge interrupts (COOP_PIN_IRQS 1, coop_pin_on_edge): any GPIO 0..29,
 * rising, falling or both, through the SDK's GPIO interrupt callback
 * (gpio_set_irq_enabled_with_callback) on the core that calls
 * coop_pin_on_edge: the port owns that core's GPIO callback (one per core
 * in the SDK), so do not set another one. The hardware latches each kind of
 * edge: edges closer together than the interrupt's entry (a few
 * microseconds) merge, but a rise and a fall latched together are both
 * reported, in the order the pin's level tells.
 *
 * Asserts: COOP_ASSERT calls the SDK's panic() with the message (printed on
 * stdio, then the core stops).
 *
 * Tested (make test-rp2040) in the rp2040js emulator, built against
 * tests/rp2040/sdk and, by hand, against pico-sdk 2.2.0: blink timing to the
 * ms (also across the wrap of 32- and 16-bit ticks, and sleeps of 83 min),
 * bouncy buttons, edges on four pins with every edge counted while the loop
 * sleeps on random deadlines, and a second core (rp2040js has one; the test
 * harness adds another) setting a flag and a counter: each set wakes the
 * loop within 30 us, none is lost.
 *
 * SDK calls used (tests/rp2040/sdk implements exactly these for the CI
 * build): time_us_64, hardware_alarm_claim_unused, timer_hw, hw_set_bits,
 * irq_set_exclusive_handler, irq_set_enabled, scb_hw,
 * save_and_disable_interrupts, restore_interrupts, spin_lock_instance,
 * spin_lock_unsafe_blocking, spin_unlock_unsafe, get_core_num, __wfe, __sev,
 * __isb, gpio_init, gpio_set_dir, gpio_put, gpio_get, gpio_xor_mask,
 * gpio_get_dir, gpio_get_out_level, gpio_set_pulls, gpio_set_irq_enabled,
 * gpio_set_irq_enabled_with_callback, stdio_init_all, vprintf, printf, panic.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_RP2040_H
#define COOP_PORT_RP2040_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hardware/gpio.h"
#include "hardware/irq.h"
#include "hardware/structs/scb.h"
#include "hardware/sync.h"
#include "hardware/timer.h"
#include "pico/stdlib.h"

/* COOP_CONFIG: COOP_RP2040_SPINLOCK, int, PICO_SPINLOCK_ID_OS1 (14). The
 * hardware spinlock of coop's critical section. */
#ifndef COOP_RP2040_SPINLOCK
#define COOP_RP2040_SPINLOCK PICO_SPINLOCK_ID_OS1
#endif

/* The critical section, inlined: PRIMASK, then the spinlock unless this core
 * holds it already. The state is the old PRIMASK (bit 0) and "nested" (bit 1). */
#define COOP_PORT_ATOMIC 0
#define COOP_IRQ_STATE_TYPE uint32_t
#define COOP_PRIV_RP2040_NOBODY 0xffu

#ifdef __cplusplus
extern "C" {
#endif
/* The core that holds coop's spinlock, or COOP_PRIV_RP2040_NOBODY. Written
 * only by the holder, so a core reads its own number here only if it holds it. */
extern volatile uint8_t coop_priv_rp2040_owner;
#ifdef __cplusplus
}
#endif

static inline uint32_t coop_priv_rp2040_irq_save(void)
{
    uint32_t s = save_and_disable_interrupts();
    uint8_t core = (uint8_t)get_core_num();
    if (coop_priv_rp2040_owner == core)
        return s | 2u; /* nested on this core: the lock is ours already */
    spin_lock_unsafe_blocking(spin_lock_instance(COOP_RP2040_SPINLOCK));
    coop_priv_rp2040_owner = core;
    return s;
}

static inline void coop_priv_rp2040_irq_restore(uint32_t s)
{
    if ((s & 2u) == 0) {
        coop_priv_rp2040_owner = COOP_PRIV_RP2040_NOBODY;
        spin_unlock_unsafe(spin_lock_instance(COOP_RP2040_SPINLOCK));
    }
    restore_interrupts(s & 1u);
}
#define COOP_PORT_IRQ_SAVE() coop_priv_rp2040_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_priv_rp2040_irq_restore(s)
/* The other core may produce into a ring: its record copy must be visible
 * before the index that publishes it (coop/atomic.h COOP_PRIV_FENCE). */
#define COOP_PORT_FENCE() __asm__ __volatile__("dmb" ::: "memory")

#include "coop.h"

#if 1000000L % COOP_TICK_HZ != 0 || 1000000L / COOP_TICK_HZ > 65535L
#error "coop rp2040 port: COOP_TICK_HZ must divide 1000000 into at most 65535 us per tick"
#endif
#define COOP_PRIV_RP2040_US_PER_TICK ((uint32_t)(1000000L / COOP_TICK_HZ))

#ifndef BOARD_LED1
#define BOARD_LED1 ((coop_pin_t)25)
#endif
#ifndef BOARD_LED2
#define BOARD_LED2 ((coop_pin_t)15)
#endif
#ifndef BOARD_BUTTON1
#define BOARD_BUTTON1 ((coop_pin_t)14)
#endif
#ifndef BOARD_BUTTON2
#define BOARD_BUTTON2 ((coop_pin_t)13)
#endif
#ifndef BOARD_BUTTON3
#define BOARD_BUTTON3 ((coop_pin_t)12)
#endif
#ifndef BOARD_BUTTON4
#define BOARD_BUTTON4 ((coop_pin_t)11)
#endif

#ifdef __cplusplus
extern "C" {
#endif
/* Claim the wake-up alarm and set the core up for race-free sleep (SEVONPEND).
 * coop_board_init calls it, and so does the first idle if nobody did; call
 * it yourself on the core that runs the loop if that is not the core that
 * first idles. */
void coop_rp2040_init(void);
/* The hardware alarm coop sleeps on (-1 before coop_rp2040_init). */
int coop_rp2040_alarm(void);
#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_RP2040_IMPLEMENTED
#define COOP_PORT_RP2040_IMPLEMENTED

volatile uint8_t coop_priv_rp2040_owner = COOP_PRIV_RP2040_NOBODY;
static int coop_priv_rp2040_alarm_num = -1;
static uint8_t coop_priv_rp2040_core; /* the core whose NVIC has the alarm's IRQ */

/* ---------------------------------------------------------------- clock */
/* us / US_PER_TICK, its low 32 bits, and the remainder: long division of
 * the 64-bit count in 16-bit digits (each step divides a 32-bit number). */
static uint32_t coop_priv_rp2040_ticks(uint64_t us, uint32_t *rem)
{
    const uint32_t d = COOP_PRIV_RP2040_US_PER_TICK;
    uint32_t lo = (uint32_t)us;
    uint32_t x = (((uint32_t)(us >> 32) % d) << 16) | (lo >> 16);
    uint32_t q = x / d;
    x = ((x % d) << 16) | (lo & 0xffffu);
    *rem = x % d;
    return (q << 16) + x / d;
}

coop_tick_t coop_port_now(void)
{
    uint32_t rem;
    return (coop_tick_t)coop_priv_rp2040_ticks(time_us_64(), &rem);
}

static void coop_priv_rp2040_alarm_isr(void)
{
    /* the wake-up is all it is for: clear it (the return sets the event) */
    timer_hw->intr = 1u << coop_priv_rp2040_alarm_num;
}

void coop_rp2040_init(void)
{
    if (coop_priv_rp2040_alarm_num >= 0)
        return;
    coop_priv_rp2040_alarm_num = hardware_alarm_claim_unused(true);
    coop_priv_rp2040_core = (uint8_t)get_core_num();
    irq_set_exclusive_handler(TIMER_IRQ_0 + (unsigned)coop_priv_rp2040_alarm_num,
                              coop_priv_rp2040_alarm_isr);
    hw_set_bits(&timer_hw->inte, 1u << coop_priv_rp2040_alarm_num);
    irq_set_enabled(TIMER_IRQ_0 + (unsigned)coop_priv_rp2040_alarm_num, true);
    /* a masked interrupt becoming pending sets the event register: WFE with
     * PRIMASK set then cannot sleep through it. (A read-modify-write: the
     * Cortex-M0+ registers have no atomic set alias; only this core writes
     * its SCR.) */
    scb_hw->scr |= M0PLUS_SCR_SEVONPEND_BITS;
}

int coop_rp2040_alarm(void)
{
    return coop_priv_rp2040_alarm_num;
}

void coop_port_wake(void)
{
    __sev(); /* sets the event register of both cores */
}

/* Longest sleep per alarm, in ticks: its 32-bit target must stay ahead of
 * the timer (about 17.9 minutes with 1 ms ticks). */
#define COOP_PRIV_RP2040_MAX_SLEEP ((int32_t)(0x3fffffffL / (int32_t)COOP_PRIV_RP2040_US_PER_TICK))

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    /* the critical section is held: PRIMASK set, the spinlock ours */
    spin_lock_t *lock = spin_lock_instance(COOP_RP2040_SPINLOCK);
    uint8_t core = coop_priv_rp2040_owner;
    uint32_t bit;
    if (coop_priv_rp2040_alarm_num < 0)
        coop_rp2040_init();
    COOP_ASSERT(core == coop_priv_rp2040_core,
                "coop rp2040: the loop sleeps on another core than coop_rp2040_init ran on");
    bit = 1u << coop_priv_rp2040_alarm_num;
    coop_priv_rp2040_owner = COOP_PRIV_RP2040_NOBODY;
    spin_unlock_unsafe(lock); /* the other core may post (and SEV) from here on */
    for (;;) {
        if (has_deadline) {
            uint32_t rem, target;
            uint64_t us = time_us_64();
            int32_t d = coop_tick_diff(deadline, (coop_tick_t)coop_priv_rp2040_ticks(us, &rem));
            if (d <= 0)
                break;
            if (d > COOP_PRIV_RP2040_MAX_SLEEP)
                d = COOP_PRIV_RP2040_MAX_SLEEP; /* wake early, sleep again */
            /* the first microsecond of the deadline's tick */
            target = (uint32_t)us - rem + (uint32_t)d * COOP_PRIV_RP2040_US_PER_TICK;
            timer_hw->alarm[coop_priv_rp2040_alarm_num] = target;
            if ((int32_t)(timer_hw->timerawl - target) >= 0) {
                timer_hw->armed = bit; /* passed while arming: it would fire in 72 min */
                continue;              /* the tick has begun: the check above ends it */
            }
        }
        __wfe(); /* PRIMASK set: returns on SEV, on any interrupt pending, or at once */
        restore_interrupts(0); /* pending handlers run here (the ISB makes sure they */
        __isb();               /* have, before PRIMASK is set again) ... */
        (void)save_and_disable_interrupts(); /* ... and may have posted */
        if (coop_priv_inbox != NULL)
            break;
    }
    if (has_deadline)
        timer_hw->armed = bit; /* disarm (a no-op if it fired) */
    spin_lock_unsafe_blocking(lock);
    coop_priv_rp2040_owner = core;
    return true;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    panic("coop: %s (%s:%d)", msg, file, line);
}

/* ---------------------------------------------------------------- pins */
void coop_pin_output(coop_pin_t pin, bool value)
{
    gpio_init(pin);
    gpio_put(pin, value);
    gpio_set_dir(pin, GPIO_OUT);
}

/* Writing a pin that is not an output asserts, as on every port (the SIO
 * would only latch the level for a later coop_pin_output). */
void coop_pin_write(coop_pin_t pin, bool value)
{
    COOP_ASSERT(gpio_get_dir(pin) != 0,
                "coop_pin_write: the pin is not an output (call coop_pin_output first)");
    gpio_put(pin, value); /* SIO set/clear registers: no read-modify-write */
}

void coop_pin_toggle(coop_pin_t pin)
{
    COOP_ASSERT(gpio_get_dir(pin) != 0,
                "coop_pin_toggle: the pin is not an output (call coop_pin_output first)");
    gpio_xor_mask(1u << pin);
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    gpio_init(pin); /* SIO function, input */
    gpio_set_pulls(pin, pull == COOP_PULL_UP, pull == COOP_PULL_DOWN);
}

bool coop_pin_read(coop_pin_t pin)
{
    return gpio_get_dir(pin) ? gpio_get_out_level(pin) : gpio_get(pin);
}

/* ---------------------------------------------------------------- edges */
#if COOP_PIN_IRQS
static coop_pin_edge_cb coop_priv_rp2040_isr[30];

/* The SDK's GPIO callback (it has acknowledged the edges). */
static void coop_priv_rp2040_gpio(uint gpio, uint32_t events)
{
    coop_pin_edge_cb isr = gpio < 30 ? coop_priv_rp2040_isr[gpio] : NULL;
    const uint32_t both = GPIO_IRQ_EDGE_RISE | GPIO_IRQ_EDGE_FALL;
    if (isr == NULL)
        return;
    events &= both;
    if (events == both) { /* two edges latched: the level now tells which came last */
        bool level = gpio_get(gpio);
        isr((coop_pin_t)gpio, !level);
        isr((coop_pin_t)gpio, level);
    } else if (events != 0) {
        isr((coop_pin_t)gpio, events == GPIO_IRQ_EDGE_RISE);
    }
}
#endif

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
#if COOP_PIN_IRQS
    uint32_t events;
    COOP_ASSERT(edges >= 0 && edges <= COOP_EDGE_BOTH, "coop_pin_on_edge: bad edges");
    if (pin >= 30 || edges < 0 || edges > COOP_EDGE_BOTH)
        return COOP_EINVAL;
    if (isr == NULL)
        edges = 0;
    events = ((edges & COOP_EDGE_RISING) ? (uint32_t)GPIO_IRQ_EDGE_RISE : 0u) |
             ((edges & COOP_EDGE_FALLING) ? (uint32_t)GPIO_IRQ_EDGE_FALL : 0u);
    gpio_set_irq_enabled(pin, GPIO_IRQ_EDGE_RISE | GPIO_IRQ_EDGE_FALL, false);
    coop_priv_rp2040_isr[pin] = events != 0 ? isr : NULL;
    if (events != 0) /* clears stale edges, then enables */
        gpio_set_irq_enabled_with_callback(pin, events, true, coop_priv_rp2040_gpio);
    return COOP_OK;
#else
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(0, "coop_pin_on_edge: define COOP_PIN_IRQS 1");
    return COOP_EINVAL;
#endif
}

/* ---------------------------------------------------------------- board */
void coop_board_init(void)
{
    stdio_init_all();
    coop_rp2040_init();
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons here */
}

void coop_board_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

#endif /* COOP_PORT_RP2040_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_RP2040_H */
