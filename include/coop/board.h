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
 *
 * A port whose pins need another type defines COOP_PIN_TYPE before including
 * coop.h (default uint8_t).
 *
 * The PC ports (host, virtual) also play a key script for runs where nobody is
 * at the keyboard: "T:K T:K ...", T in ms after coop_board_init, K one of
 * 1 2 3 4 (press BUTTON1..4 for a moment) or q (quit). coop_board_script_next
 * reads one item; board ports ignore the script.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_BOARD_H
#define COOP_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#ifndef COOP_PIN_TYPE
#define COOP_PIN_TYPE uint8_t
#endif
typedef COOP_PIN_TYPE coop_pin_t;

enum { COOP_PULL_NONE, COOP_PULL_UP, COOP_PULL_DOWN };

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
/* One line of text for the user (no '\n' needed). */
void coop_board_printf(const char *fmt, ...) COOP_PRIV_PRINTF_FMT(1, 2);
/* Keys to play when nobody is at the keyboard (PC ports); the string must
 * stay valid. Board ports ignore it. */
void coop_board_demo_script(const char *script);

/* Read the next item of a key script at *s and move *s past it: 1 with *ms
 * and *key set; 0 at the end; -1 for a malformed item, skipped, whose text is
 * [*bad, *s) so the caller can report it. */
int coop_board_script_next(const char **s, uint32_t *ms, char *key, const char **bad);

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_BOARD_IMPLEMENTED
#define COOP_BOARD_IMPLEMENTED

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
    while (*p != '\0' && !coop_priv_script_sep(*p))
        p++;
    *s = p;
    return -1;
}

#endif /* COOP_BOARD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_BOARD_H */
