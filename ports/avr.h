/* ports/avr.h - the AVR port (avr-libc): ATmega328P first (Arduino Uno/Nano).
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "avr.h"                 // F_CPU set (-DF_CPU=16000000UL)
 *
 *     coop_board_init();               // tick timer, UART, sei()
 *     ... spawn tasks, coop_loop_run(&loop) ...
 *
 * Clock: a 1 ms tick (COOP_TICK_HZ) from a hardware timer in CTC mode,
 * derived from F_CPU (the build stops if the tick cannot be exact).
 * COOP_AVR_TICK_TIMER picks the timer: 0 (default), 2 (8-bit) or 1 (16-bit,
 * for clocks like 20 MHz that no 8-bit divider splits into whole ms).
 * Reading the multi-byte tick masks interrupts for 4 cycles.
 * Critical section: SREG saved, cli, SREG restored; inlined (no call).
 * Idle: called masked by the loop, it sleeps in IDLE mode (the timer keeps
 * running) with `sei; sleep`: the instruction after sei always runs, so an
 * interrupt between the loop's last check and the sleep ends the sleep
 * instead of being lost. It sleeps again after each tick until the deadline
 * or until an interrupt posted something. coop_port_wake has nothing to do:
 * any interrupt ends `sleep`.
 *
 * Defaults chosen for a 2 KB chip (each can be set before including this):
 *   COOP_TICK_BITS 16        2-byte time: a single wait up to 32.7 s (longer
 *                            sleeps are chained by the library); 32 works too
 *   COOP_COUNT_BITS 16       flag/counter counts
 *   COOP_WHEEL_LEVELS 0      no wheel: sleeping tasks in one list sorted by
 *                            wake-up time (10 bytes of RAM; a sleep walks the
 *                            sleepers from the latest, cheap for a few tasks,
 *                            and the CPU wakes only when a task is due). For
 *                            dozens of sleepers, a wheel: e.g. SLOT_BITS 2,
 *                            LEVELS 3 (48 B of list heads)
 *   COOP_ASSERT              no message strings (they would sit in RAM):
 *                            coop_avr_assert_line records the first failing
 *                            line and the failing call returns its error code
 *
 * The board (coop/board.h), Arduino Uno pins (COOP_AVR_PIN(port, bit)):
 *   BOARD_LED1    PB5 (D13, the on-board LED)    BOARD_LED2    PB4 (D12)
 *   BOARD_BUTTON1 PD2 (D2, INT0)                 BOARD_BUTTON2 PD3 (D3, INT1)
 *   BOARD_BUTTON3 PD4 (D4)                       BOARD_BUTTON4 PD5 (D5)
 *   Buttons connect the pin to ground; inputs use the internal pull-up.
 *   coop_board_printf writes a line to USART0 (TX on D1) at COOP_AVR_BAUD,
 *   with a small formatter: %d %u %x %c %s %%, l for long (no width);
 *   coop_board_puts writes a line as it is, without linking the formatter.
 *
 * Interrupts: write the ISR yourself and hand off to a coop object, or use
 * the one-liners below; then enable the source:
 *     static coop_flag_t button;
 *     COOP_AVR_ISR_FLAG(INT0_vect, &button);      // ISR(INT0_vect) sets it
 *     coop_flag_init(&button);
 *     coop_avr_int_enable(0, COOP_AVR_FALLING);   // INT0 on PD2
 *     coop_avr_pcint_enable(BOARD_BUTTON3);       // PCINT2_vect on change
 * Or, with COOP_PIN_IRQS 1, the board API's coop_pin_on_edge: the port then
 * defines INT0_vect, INT1_vect and PCINT0..2_vect itself (so you may not) and
 * keeps a callback per pin (24 pointers: 59 bytes of RAM in all). PD2 and PD3
 * use INT0/INT1, sensing the chosen edge in hardware (both edges: the ISR
 * reads the pin for the level). Every other pin of ports B, C, D uses its
 * pin-change interrupt: the ISR compares the port with its last reading, so
 * two edges closer together than the ISR's start (a few us) look like none.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_AVR_H
#define COOP_PORT_AVR_H

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdbool.h>
#include <stdint.h>

#ifndef F_CPU
#error "coop avr port: define F_CPU (e.g. -DF_CPU=16000000UL)"
#endif

#ifndef COOP_TICK_BITS
#define COOP_TICK_BITS 16
#endif
#ifndef COOP_COUNT_BITS
#define COOP_COUNT_BITS 16
#endif
#ifndef COOP_WHEEL_LEVELS
#define COOP_WHEEL_LEVELS 0
#endif
#ifndef COOP_ASSERT
#define COOP_ASSERT(expr, msg) ((expr) ? (void)0 : coop_avr_assert_fail(__LINE__))
#endif

/* The critical section, inlined: save SREG, mask; put SREG back. */
#define COOP_PORT_ATOMIC 0
#define COOP_IRQ_STATE_TYPE uint8_t
#define COOP_PORT_HAS_PUTS 1 /* coop_board_puts without the formatter */
static inline uint8_t coop_priv_avr_irq_save(void)
{
    uint8_t s = SREG;
    cli(); /* also a compiler memory barrier */
    return s;
}
static inline void coop_priv_avr_irq_restore(uint8_t s)
{
    __asm__ __volatile__("" ::: "memory");
    SREG = s;
}
#define COOP_PORT_IRQ_SAVE() coop_priv_avr_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_priv_avr_irq_restore(s)

#ifdef __cplusplus
extern "C" {
#endif
/* First COOP_ASSERT failure's line (0: none), and how many failed. */
extern volatile uint16_t coop_avr_assert_line;
extern volatile uint8_t coop_avr_asserts;
void coop_avr_assert_fail(uint16_t line);
#ifdef __cplusplus
}
#endif

#include "coop.h"

/* main() hands the CPU to the loop and, if it returns, returns to exit():
 * nobody needs the registers it would save (OS_main: AVR blink2 15 bytes of
 * stack and 60 of flash less). Define COOP_AVR_NO_OS_MAIN to leave main as
 * it is (C++ sketches keep theirs: the Arduino core owns main). */
#if !defined(__cplusplus) && !defined(COOP_AVR_NO_OS_MAIN)
int main(void) __attribute__((OS_main));
#endif

/* COOP_CONFIG: COOP_AVR_TICK_TIMER, 0, 1 or 2, 0. The timer that makes the tick. */
#ifndef COOP_AVR_TICK_TIMER
#define COOP_AVR_TICK_TIMER 0
#endif
/* COOP_CONFIG: COOP_AVR_BAUD, long, 115200. USART0 speed of coop_board_printf. */
#ifndef COOP_AVR_BAUD
#define COOP_AVR_BAUD 115200UL
#endif

/* Pins: port letter and bit, e.g. COOP_AVR_PIN('B', 5). Ports PINx, DDRx,
 * PORTx sit 3 bytes apart from the first port on; the pin keeps the port's
 * index in bits 3..7 and the bit in 0..2. */
#ifdef PINA
#define COOP_PRIV_AVR_FIRST 'A'
#define COOP_PRIV_AVR_PIN0 PINA
#else
#define COOP_PRIV_AVR_FIRST 'B'
#define COOP_PRIV_AVR_PIN0 PINB
#endif
#define COOP_AVR_PIN(port, bit) ((coop_pin_t)((((port) - COOP_PRIV_AVR_FIRST) << 3) | (bit)))

#define BOARD_LED1 COOP_AVR_PIN('B', 5)
#define BOARD_LED2 COOP_AVR_PIN('B', 4)
#define BOARD_BUTTON1 COOP_AVR_PIN('D', 2)
#define BOARD_BUTTON2 COOP_AVR_PIN('D', 3)
#define BOARD_BUTTON3 COOP_AVR_PIN('D', 4)
#define BOARD_BUTTON4 COOP_AVR_PIN('D', 5)

/* External interrupt sense (EICRA ISCn1:ISCn0). */
enum { COOP_AVR_LOW = 0, COOP_AVR_CHANGE = 1, COOP_AVR_FALLING = 2, COOP_AVR_RISING = 3 };

/* One-line ISRs that hand an interrupt to a coop object. */
#define COOP_AVR_ISR_FLAG(vector, flag) \
    ISR(vector) { coop_flag_set(flag); }
#define COOP_AVR_ISR_COUNTER(vector, counter) \
    ISR(vector) { coop_counter_add((counter), 1); }

#ifdef __cplusplus
extern "C" {
#endif
/* Start the tick timer (coop_board_init does it; call it if you do not use
 * the board API) and enable interrupts. */
void coop_avr_clock_start(void);
/* INTn (n = 0: PD2, 1: PD3) on `sense`; a stale request is cleared first.
 * Write ISR(INT0_vect) (or COOP_AVR_ISR_FLAG) for it. */
void coop_avr_int_enable(uint8_t n, uint8_t sense);
void coop_avr_int_disable(uint8_t n);
/* Pin-change interrupt on `pin` (any edge): PCINT0_vect for port B,
 * PCINT1_vect for C, PCINT2_vect for D (ATmega48/88/168/328 layout). */
void coop_avr_pcint_enable(coop_pin_t pin);
void coop_avr_pcint_disable(coop_pin_t pin);
#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_AVR_IMPLEMENTED
#define COOP_PORT_AVR_IMPLEMENTED

#include <stdarg.h>

/* ---------------------------------------------------------------- clock */
/* The smallest prescaler whose count fits the timer and divides exactly. */
#define COOP_PRIV_AVR_DIV (F_CPU / COOP_TICK_HZ)
#if COOP_AVR_TICK_TIMER == 1
#define COOP_PRIV_AVR_TOP 65536UL
#else
#define COOP_PRIV_AVR_TOP 256UL
#endif
#define COOP_PRIV_AVR_FITS(p) (COOP_PRIV_AVR_DIV % (p) == 0 && COOP_PRIV_AVR_DIV / (p) <= COOP_PRIV_AVR_TOP)
#if COOP_PRIV_AVR_FITS(1)
#define COOP_PRIV_AVR_PRE 1
#elif COOP_PRIV_AVR_FITS(8)
#define COOP_PRIV_AVR_PRE 8
#elif COOP_AVR_TICK_TIMER == 2 && COOP_PRIV_AVR_FITS(32)
#define COOP_PRIV_AVR_PRE 32
#elif COOP_PRIV_AVR_FITS(64)
#define COOP_PRIV_AVR_PRE 64
#elif COOP_AVR_TICK_TIMER == 2 && COOP_PRIV_AVR_FITS(128)
#define COOP_PRIV_AVR_PRE 128
#elif COOP_PRIV_AVR_FITS(256)
#define COOP_PRIV_AVR_PRE 256
#elif COOP_PRIV_AVR_FITS(1024)
#define COOP_PRIV_AVR_PRE 1024
#else
#error "coop avr port: no prescaler of this timer divides F_CPU into exact ticks; try COOP_AVR_TICK_TIMER 1"
#endif
#define COOP_PRIV_AVR_OCR (COOP_PRIV_AVR_DIV / COOP_PRIV_AVR_PRE - 1)

/* Clock-select bits per prescaler: timers 0 and 1 share them, timer 2 has its own. */
#if COOP_AVR_TICK_TIMER == 2
#define COOP_PRIV_AVR_CS (COOP_PRIV_AVR_PRE == 1 ? 1 : COOP_PRIV_AVR_PRE == 8 ? 2 : COOP_PRIV_AVR_PRE == 32 ? 3 : \
                          COOP_PRIV_AVR_PRE == 64 ? 4 : COOP_PRIV_AVR_PRE == 128 ? 5 : COOP_PRIV_AVR_PRE == 256 ? 6 : 7)
#else
#define COOP_PRIV_AVR_CS (COOP_PRIV_AVR_PRE == 1 ? 1 : COOP_PRIV_AVR_PRE == 8 ? 2 : COOP_PRIV_AVR_PRE == 64 ? 3 : \
                          COOP_PRIV_AVR_PRE == 256 ? 4 : 5)
#endif

static volatile coop_tick_t coop_priv_avr_ticks;

#if COOP_AVR_TICK_TIMER == 0
ISR(TIMER0_COMPA_vect)
#elif COOP_AVR_TICK_TIMER == 1
ISR(TIMER1_COMPA_vect)
#elif COOP_AVR_TICK_TIMER == 2
ISR(TIMER2_COMPA_vect)
#else
#error "coop avr port: COOP_AVR_TICK_TIMER must be 0, 1 or 2"
#endif
{
    coop_priv_avr_ticks++;
}

void coop_avr_clock_start(void)
{
#if COOP_AVR_TICK_TIMER == 0
    TCCR0A = _BV(WGM01); /* CTC, TOP = OCR0A */
    OCR0A = COOP_PRIV_AVR_OCR;
    TCNT0 = 0;
    TCCR0B = COOP_PRIV_AVR_CS;
    TIMSK0 = _BV(OCIE0A);
#elif COOP_AVR_TICK_TIMER == 1
    TCCR1A = 0;
    OCR1A = COOP_PRIV_AVR_OCR;
    TCNT1 = 0;
    TCCR1B = _BV(WGM12) | COOP_PRIV_AVR_CS; /* CTC, TOP = OCR1A */
    TIMSK1 = _BV(OCIE1A);
#else
    TCCR2A = _BV(WGM21);
    OCR2A = COOP_PRIV_AVR_OCR;
    TCNT2 = 0;
    TCCR2B = COOP_PRIV_AVR_CS;
    TIMSK2 = _BV(OCIE2A);
#endif
    set_sleep_mode(SLEEP_MODE_IDLE); /* the timer must keep running while asleep */
    sei();
}

coop_tick_t coop_port_now(void)
{
    uint8_t s = coop_priv_avr_irq_save(); /* a 2- or 4-byte read is not atomic */
    coop_tick_t t = coop_priv_avr_ticks;
    coop_priv_avr_irq_restore(s);
    return t;
}

void coop_port_wake(void)
{
    /* nothing: the interrupt that calls this has already ended `sleep` */
}

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    /* masked (the loop checked its inbox under the same mask) */
    for (;;) {
        if (has_deadline && coop_tick_reached(coop_priv_avr_ticks, deadline))
            return true;
        sleep_enable();
        sei();
        sleep_cpu(); /* runs even if an interrupt is pending: it then ends at once */
        sleep_disable();
        cli();
        if (coop_priv_inbox != NULL)
            return true; /* an interrupt posted work */
    }
}

volatile uint16_t coop_avr_assert_line;
volatile uint8_t coop_avr_asserts;

void coop_avr_assert_fail(uint16_t line)
{
    if (coop_avr_assert_line == 0)
        coop_avr_assert_line = line;
    if (coop_avr_asserts != 0xff)
        coop_avr_asserts++;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    (void)msg;
    (void)file;
    coop_avr_assert_fail((uint16_t)line);
}

/* ---------------------------------------------------------------- interrupts */
void coop_avr_int_enable(uint8_t n, uint8_t sense)
{
    uint8_t s = coop_priv_avr_irq_save();
    uint8_t shift = (uint8_t)(2 * n);
    EICRA = (uint8_t)((EICRA & ~(3u << shift)) | ((sense & 3u) << shift));
    EIFR = (uint8_t)_BV(n); /* a stale request from before */
    EIMSK |= (uint8_t)_BV(n);
    coop_priv_avr_irq_restore(s);
}

void coop_avr_int_disable(uint8_t n)
{
    EIMSK &= (uint8_t)~_BV(n);
}

void coop_avr_pcint_enable(coop_pin_t pin)
{
    uint8_t port = (uint8_t)(pin >> 3) + (uint8_t)(COOP_PRIV_AVR_FIRST - 'B'); /* B:0 C:1 D:2 */
    uint8_t s = coop_priv_avr_irq_save();
    (&PCMSK0)[port] |= (uint8_t)_BV(pin & 7);
    PCIFR = (uint8_t)_BV(port);
    PCICR |= (uint8_t)_BV(port);
    coop_priv_avr_irq_restore(s);
}

void coop_avr_pcint_disable(coop_pin_t pin)
{
    uint8_t port = (uint8_t)(pin >> 3) + (uint8_t)(COOP_PRIV_AVR_FIRST - 'B');
    uint8_t s = coop_priv_avr_irq_save();
    (&PCMSK0)[port] &= (uint8_t)~_BV(pin & 7);
    coop_priv_avr_irq_restore(s);
}

/* ---------------------------------------------------------------- pins */
/* Not inlined: a pin's register and mask take ~40 bytes to work out, which
 * LTO would copy into every call (a call costs ~8). */
#define COOP_PRIV_AVR_PIN_FN __attribute__((noinline))

/* PINx of pin's port; DDRx is [1], PORTx [2]. */
static volatile uint8_t *coop_priv_avr_regs(coop_pin_t pin)
{
    return &COOP_PRIV_AVR_PIN0 + 3 * (pin >> 3);
}

/* PORTx/DDRx bits change with a read-modify-write: mask it, an ISR may
 * change other bits of the same register. */
static void coop_priv_avr_bit(volatile uint8_t *reg, uint8_t mask, bool set)
{
    uint8_t s = coop_priv_avr_irq_save();
    if (set)
        *reg |= mask;
    else
        *reg &= (uint8_t)~mask;
    coop_priv_avr_irq_restore(s);
}

COOP_PRIV_AVR_PIN_FN void coop_pin_output(coop_pin_t pin, bool value)
{
    volatile uint8_t *r = coop_priv_avr_regs(pin);
    uint8_t mask = (uint8_t)_BV(pin & 7);
    coop_priv_avr_bit(r + 2, mask, value);
    coop_priv_avr_bit(r + 1, mask, true);
}

/* On an input, PORTx is the pull-up: writing it would switch the pull-up
 * silently. Like the other ports, assert and leave the pin as it is. */
COOP_PRIV_AVR_PIN_FN void coop_pin_write(coop_pin_t pin, bool value)
{
    volatile uint8_t *r = coop_priv_avr_regs(pin);
    uint8_t mask = (uint8_t)_BV(pin & 7);
    if (!(r[1] & mask)) {
        COOP_ASSERT(0, "coop_pin_write: the pin is not an output (call coop_pin_output first)");
        return;
    }
    coop_priv_avr_bit(r + 2, mask, value);
}

void coop_pin_toggle(coop_pin_t pin)
{
    volatile uint8_t *r = coop_priv_avr_regs(pin);
    uint8_t mask = (uint8_t)_BV(pin & 7);
    if (!(r[1] & mask)) {
        COOP_ASSERT(0, "coop_pin_toggle: the pin is not an output (call coop_pin_output first)");
        return;
    }
    *r = mask; /* writing 1 to PINx toggles PORTx */
}

COOP_PRIV_AVR_PIN_FN void coop_pin_input(coop_pin_t pin, int pull)
{
    volatile uint8_t *r = coop_priv_avr_regs(pin);
    uint8_t mask = (uint8_t)_BV(pin & 7);
    COOP_ASSERT(pull != COOP_PULL_DOWN, "coop avr: no pull-down on AVR");
    coop_priv_avr_bit(r + 1, mask, false);
    coop_priv_avr_bit(r + 2, mask, pull == COOP_PULL_UP);
}

bool coop_pin_read(coop_pin_t pin)
{
    return (*coop_priv_avr_regs(pin) & _BV(pin & 7)) != 0;
}

/* ---------------------------------------------------------------- edges */
#if COOP_PIN_IRQS
#if COOP_PRIV_AVR_FIRST != 'B' || !defined(PCMSK2) || !defined(INT1_vect)
#error "coop avr port: COOP_PIN_IRQS supports the ATmega48/88/168/328 layout (ports B, C, D)"
#endif
/* Pins 0..23 are PB0..PD7; PD2/PD3 are INT0/INT1. */
#define COOP_PRIV_AVR_INT0_PIN COOP_AVR_PIN('D', 2)
static coop_pin_edge_cb coop_priv_avr_isr[24];
static uint8_t coop_priv_avr_rise[3], coop_priv_avr_fall[3]; /* PCINT: edges wanted, per port */
static uint8_t coop_priv_avr_last[3];                        /* PCINT: each port's last reading */
static uint8_t coop_priv_avr_int_edges[2];                   /* INT0/INT1: COOP_EDGE_* */

static void coop_priv_avr_int(uint8_t n)
{
    coop_pin_t pin = (coop_pin_t)(COOP_PRIV_AVR_INT0_PIN + n);
    uint8_t e = coop_priv_avr_int_edges[n];
    bool level = e == COOP_EDGE_BOTH ? (PIND & _BV(2 + n)) != 0 : e == COOP_EDGE_RISING;
    coop_priv_avr_isr[pin](pin, level);
}
ISR(INT0_vect) { coop_priv_avr_int(0); }
ISR(INT1_vect) { coop_priv_avr_int(1); }

/* A pin change on port (0: B, 1: C, 2: D): one call per changed pin wanted. */
static void coop_priv_avr_pcint(uint8_t port)
{
    uint8_t now = *coop_priv_avr_regs((coop_pin_t)(port << 3));
    uint8_t changed = (uint8_t)(now ^ coop_priv_avr_last[port]);
    uint8_t bit;
    coop_priv_avr_last[port] = now;
    changed &= (uint8_t)((now & coop_priv_avr_rise[port]) | (~now & coop_priv_avr_fall[port]));
    for (bit = 0; changed != 0; bit++, changed >>= 1)
        if (changed & 1u) {
            coop_pin_t pin = (coop_pin_t)((port << 3) | bit);
            coop_priv_avr_isr[pin](pin, (now >> bit) & 1u);
        }
}
ISR(PCINT0_vect) { coop_priv_avr_pcint(0); }
ISR(PCINT1_vect) { coop_priv_avr_pcint(1); }
ISR(PCINT2_vect) { coop_priv_avr_pcint(2); }
#endif

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
#if COOP_PIN_IRQS
    uint8_t port = (uint8_t)(pin >> 3), mask = (uint8_t)_BV(pin & 7), s;
    COOP_ASSERT(edges >= 0 && edges <= COOP_EDGE_BOTH, "bad edges");
    if (pin >= 24 || pin == COOP_AVR_PIN('C', 7) || edges < 0 || edges > COOP_EDGE_BOTH)
        return COOP_EINVAL; /* no such pin (PC7 does not exist) */
    if (edges == 0)
        isr = NULL;
    s = coop_priv_avr_irq_save();
    if (pin == COOP_PRIV_AVR_INT0_PIN || pin == COOP_PRIV_AVR_INT0_PIN + 1) {
        uint8_t n = (uint8_t)(pin - COOP_PRIV_AVR_INT0_PIN);
        coop_avr_int_disable(n);
        coop_priv_avr_isr[pin] = isr;
        coop_priv_avr_int_edges[n] = (uint8_t)edges;
        if (isr != NULL) /* sense: both edges, falling, rising */
            coop_avr_int_enable(n, edges == COOP_EDGE_BOTH ? COOP_AVR_CHANGE
                                   : edges == COOP_EDGE_FALLING ? COOP_AVR_FALLING : COOP_AVR_RISING);
    } else {
        coop_priv_avr_isr[pin] = isr;
        coop_priv_avr_rise[port] = (uint8_t)((coop_priv_avr_rise[port] & ~mask) |
                                             (isr != NULL && (edges & COOP_EDGE_RISING) ? mask : 0));
        coop_priv_avr_fall[port] = (uint8_t)((coop_priv_avr_fall[port] & ~mask) |
                                             (isr != NULL && (edges & COOP_EDGE_FALLING) ? mask : 0));
        /* the level now, so that the first change is told right */
        coop_priv_avr_last[port] = (uint8_t)((coop_priv_avr_last[port] & ~mask) |
                                             (*coop_priv_avr_regs(pin) & mask));
        /* not coop_avr_pcint_enable: it would clear a change pending on
         * another pin of the port; a stale request finds no change here */
        if (isr != NULL) {
            (&PCMSK0)[port] |= mask;
            PCICR |= (uint8_t)_BV(port);
        } else {
            (&PCMSK0)[port] &= (uint8_t)~mask;
        }
    }
    coop_priv_avr_irq_restore(s);
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
static void coop_priv_avr_putc(char c)
{
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = (uint8_t)c;
}

static void coop_priv_avr_puts(const char *s)
{
    while (*s != '\0')
        coop_priv_avr_putc(*s++);
}

/* The line end as two putc's: a "\r\n" literal would take 3 bytes of RAM
 * (avr-gcc keeps string literals in RAM). */
static void coop_priv_avr_eol(void)
{
    coop_priv_avr_putc('\r');
    coop_priv_avr_putc('\n');
}

void coop_board_puts(const char *line)
{
    coop_priv_avr_puts(line);
    coop_priv_avr_eol();
}

void coop_board_init(void)
{
    /* U2X: 115200 Bd at 16 MHz is 2.1 % off (at 1x: 3.5 %) */
    UBRR0 = (uint16_t)((F_CPU + 4 * COOP_AVR_BAUD) / (8 * COOP_AVR_BAUD) - 1);
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8N1 */
    UCSR0B = _BV(TXEN0);
    coop_avr_clock_start();
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons here */
}

void coop_board_printf(const char *fmt, ...)
{
    va_list ap;
    char buf[11]; /* 4294967295 */
    va_start(ap, fmt);
    for (; *fmt != '\0'; fmt++) {
        bool is_long = false;
        unsigned long v;
        uint8_t base = 10, i = sizeof buf;
        if (*fmt != '%' || fmt[1] == '\0') {
            coop_priv_avr_putc(*fmt);
            continue;
        }
        if (*++fmt == 'l') {
            is_long = true;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            coop_priv_avr_puts(va_arg(ap, const char *));
            continue;
        case 'c':
            coop_priv_avr_putc((char)va_arg(ap, int));
            continue;
        case 'd':
            if (is_long) {
                long n = va_arg(ap, long);
                v = (unsigned long)n;
                if (n < 0) {
                    coop_priv_avr_putc('-');
                    v = 0ul - v;
                }
            } else {
                int n = va_arg(ap, int);
                v = (unsigned long)(long)n;
                if (n < 0) {
                    coop_priv_avr_putc('-');
                    v = 0ul - v;
                }
            }
            break;
        case 'x':
            base = 16;
            /* fall through */
        case 'u':
            v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            break;
        default: /* %% and anything unknown: the character itself */
            coop_priv_avr_putc(*fmt);
            continue;
        }
        do {
            uint8_t d = (uint8_t)(v % base);
            buf[--i] = (char)(d < 10 ? '0' + d : 'a' - 10 + d);
            v /= base;
        } while (v != 0);
        while (i < sizeof buf)
            coop_priv_avr_putc(buf[i++]);
    }
    va_end(ap);
    coop_priv_avr_eol();
}

#endif /* COOP_PORT_AVR_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_AVR_H */
