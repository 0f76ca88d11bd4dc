/* tests/m0/m0_board.h - the test board: ports/cortex_m.h (the port under
 * test) plus the board API (coop/board.h) for the test machines of m0.h.
 *
 * A board file as a user of ports/cortex_m.h writes one: the port does the
 * clock, critical section, idle and wake; this file adds the pins and a
 * line of text, and starts the port in coop_board_init. Besides:
 *   tick hook  m0_on_tick, if set, runs in the SysTick handler after the
 *              tick moved (COOP_CORTEX_M_ON_TICK): tests count ticks with it
 *   console    coop_board_printf writes a line to the semihosting console
 *              (small formatter: %d %u %x %c %s %%, l for long);
 *              coop_board_puts one as it is, without the formatter
 *   microbit   LED1/LED2 = P0.13/P0.14, BUTTON1..4 = P0.17, P0.26, P0.1,
 *              P0.2 (GPIO registers, no pin interrupts)
 *   mps2       LED1/LED2 = the FPGA's LED0/LED1 (pins 0, 1); BUTTON1/2 =
 *              its push buttons PB0/PB1 (pins 2, 3; qemu never presses
 *              them); BUTTON3/4 (pins 4, 5) read released
 *
 *     #define COOP_IMPLEMENTATION
 *     #include "m0_board.h"            // -Iinclude -Iports -Itests/m0
 *     coop_board_init();               // SysTick on, interrupts on
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_M0_BOARD_H
#define COOP_TESTS_M0_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "m0.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Called from the SysTick handler after the tick moved, if set (tests). */
extern void (*volatile m0_on_tick)(void);
#ifdef __cplusplus
}
#endif
#define COOP_CORTEX_M_ON_TICK()               \
    do {                                      \
        void (*m0_hook)(void) = m0_on_tick;   \
        if (m0_hook != NULL)                  \
            m0_hook();                        \
    } while (0)

#define COOP_PORT_HAS_PUTS 1 /* coop_board_puts without the formatter */
#include "cortex_m.h"

#ifndef M0_MACHINE_MPS2
#define BOARD_LED1 ((coop_pin_t)13)
#define BOARD_LED2 ((coop_pin_t)14)
#define BOARD_BUTTON1 ((coop_pin_t)17)
#define BOARD_BUTTON2 ((coop_pin_t)26)
#define BOARD_BUTTON3 ((coop_pin_t)1)
#define BOARD_BUTTON4 ((coop_pin_t)2)
#else
#define BOARD_LED1 ((coop_pin_t)0)
#define BOARD_LED2 ((coop_pin_t)1)
#define BOARD_BUTTON1 ((coop_pin_t)2)
#define BOARD_BUTTON2 ((coop_pin_t)3)
#define BOARD_BUTTON3 ((coop_pin_t)4)
#define BOARD_BUTTON4 ((coop_pin_t)5)
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_TESTS_M0_BOARD_IMPLEMENTED
#define COOP_TESTS_M0_BOARD_IMPLEMENTED

#include <stdarg.h>

void (*volatile m0_on_tick)(void);

/* ---------------------------------------------------------------- board */
void coop_board_init(void)
{
    (void)coop_cortex_m_start(M0_HCLK_HZ);
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons here */
}

#ifndef M0_MACHINE_MPS2
static void m0_pin_set(coop_pin_t pin, bool value)
{
    if (value)
        M0_GPIO_OUTSET = 1u << pin;
    else
        M0_GPIO_OUTCLR = 1u << pin;
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    m0_pin_set(pin, value); /* the level first: no glitch when it turns output */
    M0_GPIO_PIN_CNF(pin) = 1u; /* output, input buffer connected */
}

/* Writing a pin that is not an output asserts, as on every port. */
void coop_pin_write(coop_pin_t pin, bool value)
{
    COOP_ASSERT(M0_GPIO_PIN_CNF(pin) & 1u,
                "coop_pin_write: the pin is not an output (call coop_pin_output first)");
    m0_pin_set(pin, value);
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
#else
void coop_pin_output(coop_pin_t pin, bool value)
{
    COOP_ASSERT(pin <= BOARD_LED2, "coop_pin_output: only the LEDs are outputs on this board");
    coop_pin_write(pin, value);
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    uint32_t s;
    COOP_ASSERT(pin <= BOARD_LED2,
                "coop_pin_write: the pin is not an output (only the LEDs are outputs on this board)");
    s = coop_priv_cortex_m_irq_save();
    if (pin <= BOARD_LED2)
        M0_FPGAIO_LED = value ? M0_FPGAIO_LED | 1u << pin : M0_FPGAIO_LED & ~(1u << pin);
    coop_priv_cortex_m_irq_restore(s);
}

void coop_pin_toggle(coop_pin_t pin)
{
    coop_pin_write(pin, !coop_pin_read(pin));
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    (void)pin;
    (void)pull; /* the buttons have their own pull-ups */
}

bool coop_pin_read(coop_pin_t pin)
{
    if (pin <= BOARD_LED2)
        return (M0_FPGAIO_LED & (1u << pin)) != 0;
    if (pin <= BOARD_BUTTON2)
        return (M0_REG(0x40028008u) & (1u << (pin - BOARD_BUTTON1))) == 0; /* pressed: 1 */
    return true;
}
#endif

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(COOP_PIN_IRQS, "coop_pin_on_edge: define COOP_PIN_IRQS 1");
    return COOP_EINVAL; /* the test port has no pin interrupts */
}

void coop_board_puts(const char *line)
{
    m0_puts(line);
    m0_puts("\n");
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

#endif /* COOP_TESTS_M0_BOARD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_TESTS_M0_BOARD_H */
