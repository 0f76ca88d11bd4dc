/* tests/m0/port_m0.h - a bare-metal ARMv6-M port, for the M0+ tests in qemu.
 *
 * Not a product port (ports/rp2040.h is that): the smallest port that shows
 * the Cortex-M0+ specifics on qemu's microbit machine (nRF51822), so the
 * core runs there under real interrupts:
 *   clock     SysTick from the 16 MHz core clock, one tick = 1 ms
 *             (COOP_TICK_HZ); the tick is one aligned word, read without a mask
 *   critical  PRIMASK saved, `cpsid i`; restored with `msr primask`: nestable,
 *   section   inlined, 3 instructions. COOP_PORT_ATOMIC 0: on ARMv6-M GCC's
 *             __atomic is a libcall with no library or a plain ldrb/strb
 *   idle      entered masked; WFI with PRIMASK still set wakes on any pending
 *             interrupt without taking it, then `cpsie i; isb; cpsid i` lets
 *             it run: an interrupt after the loop's last check is never lost.
 *             It sleeps again after each tick until the deadline or until an
 *             interrupt posted something
 *   wake      nothing: any interrupt ends WFI
 *   asserts   counted (coop_m0_asserts, first line in coop_m0_assert_line)
 *             and printed on the semihosting console; the call returns its
 *             error code
 *   board     LED1/LED2 = P0.13/P0.14, BUTTON1..4 = P0.17, P0.26, P0.1, P0.2
 *             (GPIO registers, no pin interrupts); coop_board_printf writes a
 *             line to the semihosting console (small formatter: %d %u %x %c %s
 *             %%, l for long)
 *
 *     #define COOP_IMPLEMENTATION
 *     #include "port_m0.h"            // -Iinclude -Itests/m0
 *     coop_board_init();               // SysTick on, interrupts on
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_PORT_M0_H
#define COOP_TESTS_PORT_M0_H

#include <stdbool.h>
#include <stdint.h>

#include "m0.h"

#define COOP_PORT_ATOMIC 0
#define COOP_IRQ_STATE_TYPE uint32_t
static inline uint32_t coop_priv_m0_irq_save(void)
{
    uint32_t s;
    __asm__ __volatile__("mrs %0, primask\n\tcpsid i" : "=r"(s)::"memory");
    return s;
}
static inline void coop_priv_m0_irq_restore(uint32_t s)
{
    __asm__ __volatile__("msr primask, %0" ::"r"(s) : "memory");
}
#define COOP_PORT_IRQ_SAVE() coop_priv_m0_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_priv_m0_irq_restore(s)

#include "coop.h"

#define BOARD_LED1 ((coop_pin_t)13)
#define BOARD_LED2 ((coop_pin_t)14)
#define BOARD_BUTTON1 ((coop_pin_t)17)
#define BOARD_BUTTON2 ((coop_pin_t)26)
#define BOARD_BUTTON3 ((coop_pin_t)1)
#define BOARD_BUTTON4 ((coop_pin_t)2)

#ifdef __cplusplus
extern "C" {
#endif
/* Start SysTick (coop_board_init does it) and unmask interrupts. */
void coop_m0_clock_start(void);
/* SysTick interrupts so far (the tick before any wrap of coop_tick_t). */
extern volatile uint32_t coop_m0_ticks;
/* Called from the SysTick handler after the tick moved, if set (tests). */
extern void (*coop_m0_on_tick)(void);
/* COOP_ASSERT failures: how many, the first one's line. */
extern volatile uint32_t coop_m0_asserts;
extern volatile int coop_m0_assert_line;
/* The SysTick vector (startup.c's weak name), defined by the implementation. */
void m0_systick_handler(void);
#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_TESTS_PORT_M0_IMPLEMENTED
#define COOP_TESTS_PORT_M0_IMPLEMENTED

#include <stdarg.h>

#if M0_HCLK_HZ % COOP_TICK_HZ != 0 || M0_HCLK_HZ / COOP_TICK_HZ > 0x1000000
#error "coop m0 port: COOP_TICK_HZ must divide 16 MHz into at most 2^24 cycles"
#endif

volatile uint32_t coop_m0_ticks;
void (*coop_m0_on_tick)(void);
volatile uint32_t coop_m0_asserts;
volatile int coop_m0_assert_line;

void m0_systick_handler(void)
{
    coop_m0_ticks++;
    if (coop_m0_on_tick != NULL)
        coop_m0_on_tick();
}

void coop_m0_clock_start(void)
{
    M0_SYST_CSR = 0;
    M0_SYST_RVR = M0_HCLK_HZ / COOP_TICK_HZ - 1u;
    M0_SYST_CVR = 0;
    M0_SYST_CSR = 7u; /* core clock, interrupt, enable */
    __asm__ __volatile__("cpsie i" ::: "memory");
}

coop_tick_t coop_port_now(void)
{
    return (coop_tick_t)coop_m0_ticks; /* one aligned word: a single ldr */
}

void coop_port_wake(void)
{
    /* nothing: the interrupt that calls this has already ended WFI */
}

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    /* masked: the loop checked its inbox under the same PRIMASK */
    for (;;) {
        if (has_deadline && coop_tick_reached((coop_tick_t)coop_m0_ticks, deadline))
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
    if (coop_m0_asserts++ == 0)
        coop_m0_assert_line = line;
    m0_puts("coop assert: ");
    m0_puts(msg);
    m0_puts(" (");
    m0_puts(file);
    m0_puts(")\n");
}

/* ---------------------------------------------------------------- board */
void coop_board_init(void)
{
    coop_m0_clock_start();
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons here */
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    coop_pin_write(pin, value);
    M0_GPIO_PIN_CNF(pin) = 1u; /* output, input buffer connected */
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    if (value)
        M0_GPIO_OUTSET = 1u << pin;
    else
        M0_GPIO_OUTCLR = 1u << pin;
}

void coop_pin_toggle(coop_pin_t pin)
{
    coop_pin_write(pin, (M0_GPIO_OUT & (1u << pin)) == 0);
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    /* PULL field (bits 3:2): 0 none, 1 down, 3 up */
    M0_GPIO_PIN_CNF(pin) = pull == COOP_PULL_UP ? 3u << 2 : pull == COOP_PULL_DOWN ? 1u << 2 : 0u;
}

bool coop_pin_read(coop_pin_t pin)
{
    if (M0_GPIO_PIN_CNF(pin) & 1u)
        return (M0_GPIO_OUT & (1u << pin)) != 0;
    return (M0_GPIO_IN & (1u << pin)) != 0;
}

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(COOP_PIN_IRQS, "coop_pin_on_edge: define COOP_PIN_IRQS 1");
    return COOP_EINVAL; /* the test port has no pin interrupts */
}

void coop_board_printf(const char *fmt, ...)
{
    char out[200], num[11];
    unsigned n = 0;
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt != '\0' && n < sizeof out - 2; fmt++) {
        bool is_long = false;
        unsigned long v;
        unsigned base = 10, i = sizeof num;
        const char *s;
        if (*fmt != '%' || fmt[1] == '\0') {
            out[n++] = *fmt;
            continue;
        }
        if (*++fmt == 'l') {
            is_long = true;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            for (s = va_arg(ap, const char *); *s != '\0' && n < sizeof out - 2; s++)
                out[n++] = *s;
            continue;
        case 'c':
            out[n++] = (char)va_arg(ap, int);
            continue;
        case 'd': {
            long d = is_long ? va_arg(ap, long) : (long)va_arg(ap, int);
            v = (unsigned long)d;
            if (d < 0) {
                out[n++] = '-';
                v = 0ul - v;
            }
            break;
        }
        case 'x':
            base = 16;
            /* fall through */
        case 'u':
            v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            break;
        default:
            out[n++] = *fmt;
            continue;
        }
        do {
            unsigned d = (unsigned)(v % base);
            num[--i] = (char)(d < 10 ? '0' + d : 'a' - 10 + d);
            v /= base;
        } while (v != 0);
        while (i < sizeof num && n < sizeof out - 2)
            out[n++] = num[i++];
    }
    va_end(ap);
    out[n++] = '\n';
    out[n] = '\0';
    m0_puts(out);
}

#endif /* COOP_TESTS_PORT_M0_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_TESTS_PORT_M0_H */
