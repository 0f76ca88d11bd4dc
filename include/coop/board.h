/* coop/board.h - the board API every port provides, so one example main.c
 * runs on every board: pins, a line of text, scripted button presses.
 *
 * The library never calls these; examples and your firmware do. Each port
 * (ports/<name>.h) implements them and names its pins BOARD_LED1, BOARD_LED2,
 * BOARD_BUTTON1..BOARD_BUTTON4. Buttons are active low with a pull-up, like
 * CircuitPython's keypad.Keys(value_when_pressed=False, pull=True): a pressed
 * button reads false.
 *
 *     coop_board_init();
 *     coop_pin_output(BOARD_LED1, false);
 *     coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
 *     if (!coop_pin_read(BOARD_BUTTON1)) coop_pin_toggle(BOARD_LED1);
 *     coop_board_printf("interval is now %u ms", ms);
 *     coop_board_puts("done");                   // a line, no formatting
 *
 * A port whose pins need another type defines COOP_PIN_TYPE before including
 * coop.h (default uint8_t).
 *
 * EDGE INTERRUPTS. coop_pin_on_edge(pin, COOP_EDGE_FALLING, isr) makes the
 * pin interrupt: isr(pin, level) runs as an interrupt handler on each such
 * edge, with the pin's level after it (false after a falling edge). Like any
 * ISR it may call only the @isr_ok functions (coop_flag_set,
 * coop_counter_add, coop_edges_report, coop_keys_edge, coop_ring_push,
 * coop_call_post) and hands the rest to a task:
 *
 *     #define COOP_PIN_IRQS 1                    // before the port, see below
 *     static coop_flag_t pressed;
 *     static void button_isr(coop_pin_t pin, bool level) { coop_flag_set(&pressed); }
 *     coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
 *     coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, button_isr);
 *
 * A chip has a few interrupt vectors for its pins, and the port's handlers
 * must own them to call your isr: a program that uses coop_pin_on_edge says so
 * with COOP_PIN_IRQS 1 (before including the port, in the file that defines
 * COOP_IMPLEMENTATION). Without it the vectors stay yours for ISR(...) of your
 * own, no RAM is spent on callbacks, and coop_pin_on_edge fails on every port.
 * What each port does:
 *   avr      INT0/INT1 for PD2/PD3 (BUTTON1/2), with the edge chosen in
 *            hardware; pin-change interrupts (PCINT0..2) for the other pins,
 *            where the ISR reads the port to tell the edge; edges closer
 *            together than the ISR's run (a few us) may merge
 *   host     BUTTON1..4: the key presses (keyboard, script) raise a real
 *            signal (COOP_HOST_EDGE_SIGNAL, default SIGUSR2) whose handler
 *            calls isr, on the loop's thread, when interrupts are unmasked
 *   virtual  any pin: scripted presses and coop_virtual_pin_drive; isr runs
 *            at once if "interrupts" are unmasked, else when they are
 *
 * The PC ports (host, virtual) also play a key script for runs where nobody is
 * at the keyboard: "T:K T:K ...", T in ms after coop_board_init, K one of
 * 1 2 3 4 (press BUTTON1..4 for a moment) or q (quit); "T:K~" presses with
 * contact bounce: the contacts chatter for COOP_BOARD_BOUNCE_MS (8 ms) after
 * the press and after the release (down at +0, up +1, down +3, up +5, down
 * +8; the release mirrors it), so a bouncy press has 3 falling and 2 rising
 * edges, and its release 3 rising and 2 falling. coop_board_script_next reads
 * one item; board ports ignore the script.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_BOARD_H
#define COOP_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#if COOP_DEBUG
#include "sched.h" /* coop_loop_dump */
#endif

#ifndef COOP_PIN_TYPE
#define COOP_PIN_TYPE uint8_t
#endif
typedef COOP_PIN_TYPE coop_pin_t;

enum { COOP_PULL_NONE, COOP_PULL_UP, COOP_PULL_DOWN };

/* Edges: coop_pin_on_edge's and coop_edges_init's (keys.h). */
enum { COOP_EDGE_RISING = 1, COOP_EDGE_FALLING = 2, COOP_EDGE_BOTH = 3 };

/* A pin's edge interrupt handler: `level` is the pin's level after the edge. */
typedef void (*coop_pin_edge_cb)(coop_pin_t pin, bool level);

/* COOP_PIN_IRQS: see coop/config.h. */

/* How long a bouncy scripted press chatters (PC ports), in ms. */
#define COOP_BOARD_BOUNCE_MS 8

#if defined(__GNUC__)
#define COOP_PRIV_PRINTF_FMT(f, a) __attribute__((format(printf, f, a)))
#else
#define COOP_PRIV_PRINTF_FMT(f, a)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Set up the board (clock, pins, console). Call once, first. */
void coop_board_init(void);
/* Make `pin` an output driving `value`. */
void coop_pin_output(coop_pin_t pin, bool value);
void coop_pin_write(coop_pin_t pin, bool value);
void coop_pin_toggle(coop_pin_t pin);
/* Make `pin` an input with COOP_PULL_NONE, COOP_PULL_UP or COOP_PULL_DOWN. */
void coop_pin_input(coop_pin_t pin, int pull);
/* An input's level (a pressed button reads false), or an output's value. */
bool coop_pin_read(coop_pin_t pin);
/* Call isr(pin, level) from interrupt context on each edge of input `pin`
 * that `edges` selects (COOP_EDGE_RISING, COOP_EDGE_FALLING, COOP_EDGE_BOTH);
 * edges 0 or a NULL isr turns the pin's interrupt off. Set the pin up as an
 * input first. isr may only call @isr_ok functions. COOP_OK; COOP_EINVAL for a
 * pin that cannot interrupt on this board (quietly: a program may fall back
 * to polling it), and, with an assert, for bad edges or COOP_PIN_IRQS 0. Call
 * it from the loop's side, not from an ISR. */
int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr);
/* One line of text for the user (no '\n' needed). */
void coop_board_printf(const char *fmt, ...) COOP_PRIV_PRINTF_FMT(1, 2);
/* One line of text as it is: coop_board_printf without a formatter (on AVR
 * that leaves out ~500 bytes of flash when nothing else formats). */
void coop_board_puts(const char *line);
#if COOP_DEBUG
/* Print the loop and each of its tasks over the board's text output, one
 * line each (coop_loop_dump_to, coop/sched.h; COOP_DEBUG 1 only). */
void coop_loop_dump(coop_loop_t *loop);
#endif
/* Keys to play when nobody is at the keyboard (PC ports); the string must
 * stay valid. Board ports ignore it. */
void coop_board_demo_script(const char *script);

/* Read the next item of a key script at *s and move *s past it: 1 with *ms
 * and *key set; 2 the same for a bouncy press ("T:K~"); 0 at the end; -1 for
 * a malformed item, skipped, whose text is [*bad, *s) so the caller can
 * report it. */
int coop_board_script_next(const char **s, uint32_t *ms, char *key, const char **bad);

/* For the PC ports: a scripted press, as a function of time. Is the button
 * down dt_ms after the press began, held hold_ms, bouncing or not? *next_ms:
 * when it next changes (ms after the press), 0 if never. */
bool coop_priv_board_press(uint32_t dt_ms, uint32_t hold_ms, bool bouncy, uint32_t *next_ms);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_BOARD_IMPLEMENTED
#define COOP_BOARD_IMPLEMENTED

#ifndef COOP_PORT_HAS_PUTS /* a port with a cheaper one defines it */
void coop_board_puts(const char *line)
{
    coop_board_printf("%s", line);
}
#endif

#if COOP_DEBUG
static void coop_priv_dump_line(const char *line, void *ctx)
{
    (void)ctx;
    coop_board_puts(line);
}

void coop_loop_dump(coop_loop_t *loop)
{
    coop_loop_dump_to(loop, coop_priv_dump_line, NULL);
}
#endif

static bool coop_priv_script_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == ',';
}

int coop_board_script_next(const char **s, uint32_t *ms, char *key, const char **bad)
{
    const char *p = *s;
    uint32_t t = 0;
    int digits = 0;
    while (coop_priv_script_sep(*p))
        p++;
    if (*p == '\0') {
        *s = p;
        return 0;
    }
    *bad = p;
    while (*p >= '0' && *p <= '9' && digits < 9) {
        t = t * 10u + (uint32_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits > 0 && p[0] == ':' && ((p[1] >= '1' && p[1] <= '4') || p[1] == 'q') &&
        (p[2] == '\0' || coop_priv_script_sep(p[2]))) {
        *ms = t;
        *key = p[1];
        *s = p + 2;
        return 1;
    }
    if (digits > 0 && p[0] == ':' && p[1] >= '1' && p[1] <= '4' && p[2] == '~' &&
        (p[3] == '\0' || coop_priv_script_sep(p[3]))) {
        *ms = t;
        *key = p[1];
        *s = p + 3;
        return 2;
    }
    while (*p != '\0' && !coop_priv_script_sep(*p))
        p++;
    *s = p;
    return -1;
}

bool coop_priv_board_press(uint32_t dt_ms, uint32_t hold_ms, bool bouncy, uint32_t *next_ms)
{
    /* the level toggles at these ms after the press, and after the release */
    static const uint8_t chatter[] = { 0, 1, 3, 5, COOP_BOARD_BOUNCE_MS };
    unsigned n = bouncy && hold_ms > COOP_BOARD_BOUNCE_MS ? 5u : 1u;
    unsigned toggles = 0, phase, i;
    *next_ms = 0;
    for (phase = 0; phase < 2; phase++) {
        for (i = 0; i < n; i++) {
            uint32_t t = (phase != 0 ? hold_ms : 0u) + chatter[i]; /* increasing */
            if (t <= dt_ms)
                toggles++;
            else if (*next_ms == 0)
                *next_ms = t;
        }
    }
    return (toggles & 1u) != 0;
}

#endif /* COOP_BOARD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_BOARD_H */
