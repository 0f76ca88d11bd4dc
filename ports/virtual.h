/* ports/virtual.h - a port whose clock only moves when the loop idles.
 *
 * For tests (ours and yours): time-based behaviour becomes deterministic and
 * instant. When no task is ready, the loop's idle jumps the clock straight to
 * the next deadline; nothing real is slept. A loop in which every task waits
 * with no deadline can never wake here, so the loop ends with COOP_EDEADLK.
 *
 *     #define COOP_IMPLEMENTATION
 *     #include "virtual.h"
 *     coop_virtual_set(0xffffff9c);        // start 100 ticks before the wrap
 *     coop_loop_init(&loop);
 *     ... spawn ...
 *     coop_loop_run(&loop);                // runs "minutes" in microseconds
 *
 * A task that polls with YIELD() in a loop (`while (!ready) YIELD();`) keeps
 * the loop from idling, so here time would never pass and the poll would
 * never end. After COOP_VIRTUAL_BUSY_READS reads of the clock (1,000,000:
 * many passes) with no idle between them, one assert says so (a task that
 * only yields keeps the loop busy: wait on a flag, an event or a sleep
 * instead); from then on the clock moves one tick every that many reads, as
 * a real clock moves while a CPU polls, so such a program ends as on a chip.
 *
 * Asserts: coop_virtual_on_assert, if set, receives every COOP_ASSERT failure
 * and returns (the failing call then returns its error code); if NULL, the
 * message is printed to stderr and the program aborts.
 *
 * The board (the same contract as every port, see ports/host.h): pins in an
 * array, BOARD_LED1 = 1, BOARD_LED2 = 2, BOARD_BUTTON1..4 = 3..6, buttons
 * active low with a pull-up. Every LED change, coop_board_printf line and
 * played key is printed to stdout with the virtual time since
 * coop_board_init, so an example's output is an exact timeline:
 *     [    250 ms] LED1 off
 * coop_board_demo_script("500:1 900:2~ 1400:q") plays keys at their virtual
 * times (ms after coop_board_init): '1'..'4' hold BUTTON1..4 down for
 * COOP_VIRTUAL_PRESS_MS (a key while its button is down holds it longer),
 * "2~" with contact bounce (coop/board.h), 'q' prints "key q (quit)" and
 * exits with status 0. The loop's idle stops at the next scripted key too,
 * so the clock never jumps over one. With no script, idle behaves as
 * described above.
 * For tests: coop_virtual_pin_drive() drives an input from outside (bounce,
 * a sensor), coop_virtual_pin_get() reads any pin's level, and
 * coop_virtual_board_quiet = true stops the printing.
 *
 * Edge interrupts (COOP_PIN_IRQS 1, coop_pin_on_edge): any pin. Every change
 * of its level is an edge: a scripted press or release (each chatter of a
 * bouncy one, at its own tick: idle stops there) and coop_virtual_pin_drive.
 * The handler runs as an interrupt: at once when "interrupts" are unmasked
 * (coop_virtual_masked false), else queued and run when they are unmasked
 * again or during the next idle (like coop_virtual_on_idle, after it). So a
 * drive from a test, from coop_virtual_on_idle or from a task runs the
 * handler inside coop_virtual_pin_drive, with the clock at the edge's tick.
 *
 * Interrupts: none of its own. coop_virtual_on_idle, if set, is called as an
 * interrupt that fires while the loop sleeps (after the clock has moved to
 * the deadline, with "interrupts" unmasked): a test sets flags or posts calls
 * there. With no deadline, the loop ends with COOP_EDEADLK only if the hook
 * posted nothing. The critical section is a masked/unmasked state that the
 * tests can inspect (coop_virtual_masked); coop_virtual_wakes counts
 * coop_port_wake calls. ISR objects use the critical-section flavour here
 * (COOP_PORT_ATOMIC 0, like the chips) unless the build sets it to 1.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_VIRTUAL_H
#define COOP_PORT_VIRTUAL_H

#include "vcd.h" /* COOP_VCD 1: record the run as a VCD file (ports/vcd.h) */
#include "coop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The virtual clock. */
void coop_virtual_set(coop_tick_t now);
void coop_virtual_advance(uint32_t ticks);
/* Times the loop idled, and the deadlines it idled to (for tests). */
extern uint32_t coop_virtual_idles;
/* Assert hook (see above). */
extern void (*coop_virtual_on_assert)(const char *msg, const char *file, int line);
/* The task that kept the loop from idling when the busy check fired (the
 * running one, or the first that yielded in the last pass), or NULL. */
extern const struct coop_task *coop_virtual_busy_task;
/* An "interrupt" during each idle (see above), the mask, and the wakes. */
extern void (*coop_virtual_on_idle)(void);
extern volatile bool coop_virtual_masked;
extern uint32_t coop_virtual_wakes;

#ifdef __cplusplus
}
#endif

/* ---------------------------------------------------------------- the board */

/* COOP_CONFIG: COOP_VIRTUAL_PRESS_MS, int, 100. How long a scripted key holds its button. */
#ifndef COOP_VIRTUAL_PRESS_MS
#define COOP_VIRTUAL_PRESS_MS 100
#endif
/* COOP_CONFIG: COOP_VIRTUAL_PINS, int, 32. Pins 0..COOP_VIRTUAL_PINS-1 exist. */
#ifndef COOP_VIRTUAL_PINS
#define COOP_VIRTUAL_PINS 32
#endif
#if COOP_VIRTUAL_PINS < 7 || COOP_VIRTUAL_PINS > 256
#error "coop virtual port: COOP_VIRTUAL_PINS must be between 7 and 256"
#endif

/* The board (coop/board.h): the host port's pins. */
#define BOARD_LED1 ((coop_pin_t)1)
#define BOARD_LED2 ((coop_pin_t)2)
#define BOARD_BUTTON1 ((coop_pin_t)3)
#define BOARD_BUTTON2 ((coop_pin_t)4)
#define BOARD_BUTTON3 ((coop_pin_t)5)
#define BOARD_BUTTON4 ((coop_pin_t)6)

#ifdef __cplusplus
extern "C" {
#endif

/* Drive input `pin` from outside: level 0 or 1, or -1 to let it float back
 * to its pull (a pressed scripted button still reads 0). A change of the
 * level is an edge for coop_pin_on_edge. */
void coop_virtual_pin_drive(coop_pin_t pin, int level);
/* The level of any pin: an output's value, an input as coop_pin_read sees it. */
bool coop_virtual_pin_get(coop_pin_t pin);
/* true: print nothing (LED changes, printf lines, keys). Not reset by init. */
extern bool coop_virtual_board_quiet;

#ifdef __cplusplus
}
#endif

#ifdef COOP_IMPLEMENTATION
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static coop_tick_t coop_virtual_now;
#ifndef COOP_VIRTUAL_BUSY_READS
#define COOP_VIRTUAL_BUSY_READS 1000000ul
#endif
static unsigned long coop_priv_vbusy_reads; /* clock reads since the last idle */
static bool coop_priv_vbusy_told;

uint32_t coop_virtual_idles;
void (*coop_virtual_on_assert)(const char *msg, const char *file, int line);
const struct coop_task *coop_virtual_busy_task;

void coop_virtual_set(coop_tick_t now)
{
    coop_virtual_now = now;
    coop_priv_vbusy_reads = 0;
    coop_priv_vbusy_told = false;
    coop_virtual_busy_task = NULL;
}

void coop_virtual_advance(uint32_t ticks)
{
    coop_virtual_now = coop_tick_add(coop_virtual_now, ticks);
}

coop_tick_t coop_port_now(void)
{
    if (++coop_priv_vbusy_reads >= COOP_VIRTUAL_BUSY_READS) {
        const coop_loop_t *l = coop_priv_running;
        coop_priv_vbusy_reads = 0;
        if (!coop_priv_vbusy_told) {
            const coop_task_t *t = l == NULL ? NULL : l->current != NULL ? l->current : l->ready;
            coop_virtual_busy_task = t;
#if !defined(__AVR__) /* (on the AVR's unit tests the strings would sit in its 2 KB of RAM) */
#if COOP_DEBUG
            if (t != NULL && t->name != NULL)
                coop_board_printf("coop virtual: task %s keeps the loop busy (it never waits)", t->name);
            else
#endif
            if (t != NULL)
                coop_board_printf("coop virtual: task %p keeps the loop busy (it never waits; "
                                  "name it with coop_task_set_name in a COOP_DEBUG build)",
                                  (const void *)t);
#endif
        }
        COOP_ASSERT(coop_priv_vbusy_told,
                    "coop virtual: the loop has not idled for COOP_VIRTUAL_BUSY_READS clock "
                    "reads, so time does not pass: a task polls with YIELD() in a loop (wait "
                    "on a flag, an event or a sleep instead); the clock now creeps a tick per "
                    "COOP_VIRTUAL_BUSY_READS reads");
        coop_priv_vbusy_told = true;
        coop_virtual_now = coop_tick_add(coop_virtual_now, 1u);
    }
    return coop_virtual_now;
}

/* ---------------------------------------------------------------- the board */
bool coop_virtual_board_quiet;

enum { COOP_PRIV_VPIN_UNUSED, COOP_PRIV_VPIN_OUT, COOP_PRIV_VPIN_IN };

/* A scripted press of BUTTONn: the level is coop_priv_board_press() of the
 * time since `press`. */
struct coop_priv_vpress {
    bool active;                           /* pressed, or still chattering */
    bool bouncy;
    coop_tick_t press;                     /* when it began */
    uint32_t hold_ms;                      /* how long it is held */
    uint32_t done_ms;                      /* edges: changes up to here are reported */
};

static struct coop_priv_vboard {
    coop_tick_t t0;                        /* board time 0 */
    uint8_t mode[COOP_VIRTUAL_PINS];
    uint8_t pull[COOP_VIRTUAL_PINS];
    bool value[COOP_VIRTUAL_PINS];         /* outputs */
    uint8_t drive[COOP_VIRTUAL_PINS];      /* inputs: 0 floating, 1 driven low, 2 high */
    struct coop_priv_vpress btn[4];        /* BUTTON1..4 as the script presses them */
    const char *script;                    /* the items after the next one */
    bool has_next;                         /* the next scripted key: */
    bool next_bouncy;
    coop_tick_t next_tick;
    char next_key;
#if COOP_PIN_IRQS
    coop_pin_edge_cb isr[COOP_VIRTUAL_PINS];
    uint8_t edges[COOP_VIRTUAL_PINS];      /* COOP_EDGE_RISING | COOP_EDGE_FALLING */
    bool level[COOP_VIRTUAL_PINS];         /* the level of the last edge */
    struct { coop_pin_t pin; bool level; } queue[32]; /* edges waiting for an unmask */
    uint8_t head, tail;
    bool delivering;                       /* inside a handler: no nesting */
#endif
} coop_priv_vboard;

static unsigned long coop_priv_vboard_ms(void)
{
    coop_tick_t ticks = (coop_tick_t)(coop_virtual_now - coop_priv_vboard.t0);
    return (unsigned long)((uint64_t)ticks * 1000u / COOP_TICK_HZ);
}

static void coop_priv_vboard_line(const char *text)
{
    if (coop_virtual_board_quiet)
        return;
    printf("[%7lu ms] %s\n", coop_priv_vboard_ms(), text);
    fflush(stdout);
}

static const char *coop_priv_vboard_name(coop_pin_t pin, char *buf, size_t size)
{
    if (pin == BOARD_LED1 || pin == BOARD_LED2)
        snprintf(buf, size, "LED%u", (unsigned)(pin - BOARD_LED1 + 1));
    else if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4)
        snprintf(buf, size, "BUTTON%u", (unsigned)(pin - BOARD_BUTTON1 + 1));
    else
        snprintf(buf, size, "D%u", (unsigned)pin);
    return buf;
}

#if COOP_VCD
/* The recorder's clock (reading coop_port_now would count as a busy read). */
static unsigned long coop_priv_vboard_us(void)
{
    coop_tick_t ticks = (coop_tick_t)(coop_virtual_now - coop_priv_vboard.t0);
    return (unsigned long)((unsigned long long)ticks * 1000000u / COOP_TICK_HZ);
}

static void coop_priv_vboard_vcd(coop_pin_t pin, bool level)
{
    char name[16];
    COOP_VCD_PIN(pin, level, coop_priv_vboard_name(pin, name, sizeof name));
}
#else
#define coop_priv_vboard_vcd(pin, level) ((void)0)
#endif

/* The next "T:K" item of *s (coop_board_script_next): 1, or 2 for a bouncy
 * press ("T:K~"); 0 at the end. Malformed ones are skipped, with a warning
 * when `warn`. */
static int coop_priv_vboard_parse(const char **s, uint32_t *ms, char *key, bool warn)
{
    for (;;) {
        const char *bad = *s;
        int r = coop_board_script_next(s, ms, key, &bad);
        if (r >= 0)
            return r;
        if (warn)
            fprintf(stderr, "coop virtual: key script: skipping \"%.*s\" (want T:K or T:K~, K one of 1 2 3 4 q)\n",
                    (int)(*s - bad), bad);
    }
}

static void coop_priv_vboard_next(void)
{
    uint32_t ms = 0;
    int r = coop_priv_vboard_parse(&coop_priv_vboard.script, &ms, &coop_priv_vboard.next_key, false);
    coop_priv_vboard.has_next = r != 0;
    coop_priv_vboard.next_bouncy = r == 2;
    coop_priv_vboard.next_tick = coop_tick_add(coop_priv_vboard.t0, coop_ticks_from_ms(ms));
}

/* ms from tick a to the later tick t. */
static uint32_t coop_priv_vboard_ms_between(coop_tick_t a, coop_tick_t t)
{
    return (uint32_t)((uint64_t)(coop_tick_t)(t - a) * 1000u / COOP_TICK_HZ);
}

/* Is BUTTONn (b = n - 1) held down by the script at tick t (not before its
 * press)? *next_ms as coop_priv_board_press. */
static bool coop_priv_vboard_down(unsigned b, coop_tick_t t, uint32_t *next_ms)
{
    const struct coop_priv_vpress *p = &coop_priv_vboard.btn[b];
    *next_ms = 0;
    if (!p->active)
        return false;
    return coop_priv_board_press(coop_priv_vboard_ms_between(p->press, t), p->hold_ms, p->bouncy,
                                 next_ms);
}

/* A pin's level at tick t (the script's buttons at t, the rest as now). */
static bool coop_priv_vboard_level_at(coop_pin_t pin, coop_tick_t t)
{
    uint32_t next;
    if (coop_priv_vboard.mode[pin] == COOP_PRIV_VPIN_OUT)
        return coop_priv_vboard.value[pin];
    if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4 &&
        coop_priv_vboard_down((unsigned)(pin - BOARD_BUTTON1), t, &next))
        return false; /* the button connects the pin to ground */
    if (coop_priv_vboard.drive[pin] != 0)
        return coop_priv_vboard.drive[pin] == 2;
    return coop_priv_vboard.pull[pin] == COOP_PULL_UP;
}

#if COOP_PIN_IRQS
/* Run the queued edge handlers, if "interrupts" are unmasked. */
static void coop_priv_vboard_deliver(void)
{
    if (coop_virtual_masked || coop_priv_vboard.delivering)
        return;
    coop_priv_vboard.delivering = true;
    while (coop_priv_vboard.tail != coop_priv_vboard.head) {
        unsigned i = coop_priv_vboard.tail++ & 31u;
        coop_pin_t pin = coop_priv_vboard.queue[i].pin;
        coop_pin_edge_cb isr = coop_priv_vboard.isr[pin];
        if (isr != NULL)
            isr(pin, coop_priv_vboard.queue[i].level);
    }
    coop_priv_vboard.delivering = false;
}

/* The level of `pin` (with a handler) may have changed at tick t: queue the
 * edge if it did and the handler wants it. */
static void coop_priv_vboard_edge(coop_pin_t pin, coop_tick_t t)
{
    bool level;
    uint8_t want;
    if (coop_priv_vboard.isr[pin] == NULL)
        return;
    level = coop_priv_vboard_level_at(pin, t);
    if (level == coop_priv_vboard.level[pin])
        return;
    coop_priv_vboard.level[pin] = level;
    coop_priv_vboard_vcd(pin, level);
    want = level ? COOP_EDGE_RISING : COOP_EDGE_FALLING;
    if ((coop_priv_vboard.edges[pin] & want) == 0)
        return;
    COOP_ASSERT((uint8_t)(coop_priv_vboard.head - coop_priv_vboard.tail) < 32u,
                "coop virtual: 32 edges wait for an unmask; this one is dropped");
    if ((uint8_t)(coop_priv_vboard.head - coop_priv_vboard.tail) >= 32u)
        return;
    coop_priv_vboard.queue[coop_priv_vboard.head & 31u].pin = pin;
    coop_priv_vboard.queue[coop_priv_vboard.head & 31u].level = level;
    coop_priv_vboard.head++;
}

/* Queue the edges of BUTTONn's scripted press up to tick t, each at its tick. */
static void coop_priv_vboard_edges_upto(unsigned b, coop_tick_t t)
{
    struct coop_priv_vpress *p = &coop_priv_vboard.btn[b];
    coop_pin_t pin = (coop_pin_t)(BOARD_BUTTON1 + b);
    uint32_t next;
    while (p->active && coop_priv_vboard.isr[pin] != NULL) {
        coop_tick_t when;
        (void)coop_priv_board_press(p->done_ms, p->hold_ms, p->bouncy, &next);
        if (next == 0)
            return;
        when = coop_tick_add(p->press, coop_ticks_from_ms(next));
        if (coop_tick_after(when, t))
            return;
        p->done_ms = next;
        coop_priv_vboard_edge(pin, when);
    }
}

/* The tick of the next scripted edge of a pin with a handler; false if none. */
static bool coop_priv_vboard_next_edge(coop_tick_t *when)
{
    unsigned b;
    bool any = false;
    for (b = 0; b < 4; b++) {
        const struct coop_priv_vpress *p = &coop_priv_vboard.btn[b];
        uint32_t next;
        coop_tick_t t;
        if (!p->active || coop_priv_vboard.isr[BOARD_BUTTON1 + b] == NULL)
            continue;
        (void)coop_priv_board_press(p->done_ms, p->hold_ms, p->bouncy, &next);
        if (next == 0)
            continue;
        t = coop_tick_add(p->press, coop_ticks_from_ms(next));
        if (!any || coop_tick_after(*when, t))
            *when = t;
        any = true;
    }
    return any;
}
#else
#define coop_priv_vboard_edges_upto(b, t) ((void)0)
#define coop_priv_vboard_edge(pin, t) ((void)0)
#define coop_priv_vboard_deliver() ((void)0)
#endif

/* Play every scripted key due at the virtual now; end the presses that are
 * over; queue (and, if unmasked, deliver) the edges. */
static void coop_priv_vboard_play(void)
{
    unsigned b;
    while (coop_priv_vboard.has_next &&
           coop_tick_reached(coop_virtual_now, coop_priv_vboard.next_tick)) {
        coop_tick_t at = coop_priv_vboard.next_tick;
        char key = coop_priv_vboard.next_key;
        char text[48];
        struct coop_priv_vpress *p;
        uint32_t dt;
        if (key == 'q') {
            coop_priv_vboard_line("key q (quit)");
            exit(0);
        }
        b = (unsigned)(key - '1');
        p = &coop_priv_vboard.btn[b];
        coop_priv_vboard_edges_upto(b, at); /* what happened before this key */
        dt = coop_priv_vboard_ms_between(p->press, at);
        if (p->active && dt < p->hold_ms) {
            p->hold_ms = dt + COOP_VIRTUAL_PRESS_MS; /* still down: held longer */
        } else {
            p->active = true;
            p->bouncy = coop_priv_vboard.next_bouncy;
            p->press = at;
            p->hold_ms = COOP_VIRTUAL_PRESS_MS;
            p->done_ms = 0;
            coop_priv_vboard_edge((coop_pin_t)(BOARD_BUTTON1 + b), at);
        }
        snprintf(text, sizeof text, "key %c (BUTTON%c%s)", key, key,
                 coop_priv_vboard.next_bouncy ? ", bouncing" : "");
        coop_priv_vboard_line(text);
        coop_priv_vboard_next();
    }
    for (b = 0; b < 4; b++) {
        uint32_t next;
        coop_priv_vboard_edges_upto(b, coop_virtual_now);
        if (!coop_priv_vboard_down(b, coop_virtual_now, &next) && next == 0)
            coop_priv_vboard.btn[b].active = false; /* released, done chattering */
    }
    coop_priv_vboard_deliver();
}

void coop_board_init(void)
{
    unsigned i;
    coop_priv_vboard.t0 = coop_virtual_now;
    for (i = 0; i < COOP_VIRTUAL_PINS; i++) {
        coop_priv_vboard.mode[i] = COOP_PRIV_VPIN_UNUSED;
        coop_priv_vboard.pull[i] = COOP_PULL_NONE;
        coop_priv_vboard.value[i] = false;
        coop_priv_vboard.drive[i] = 0;
    }
    for (i = 0; i < 4; i++)
        coop_priv_vboard.btn[i].active = false;
    coop_priv_vboard.script = NULL;
    coop_priv_vboard.has_next = false;
#if COOP_VCD
    coop_vcd_begin(coop_priv_vboard_us);
#endif
#if COOP_PIN_IRQS
    for (i = 0; i < COOP_VIRTUAL_PINS; i++)
        coop_priv_vboard.isr[i] = NULL;
    coop_priv_vboard.head = coop_priv_vboard.tail = 0;
#endif
}

void coop_board_demo_script(const char *script)
{
    const char *p = script;
    uint32_t ms;
    char key;
    if (script == NULL) {
        coop_priv_vboard.has_next = false;
        return;
    }
    while (coop_priv_vboard_parse(&p, &ms, &key, true) != 0) {
    } /* warn about every bad item now */
    coop_priv_vboard.script = script;
    coop_priv_vboard_next();
}

static bool coop_priv_vboard_pin_ok(coop_pin_t pin)
{
    COOP_ASSERT(pin < COOP_VIRTUAL_PINS, "coop virtual: no such pin (raise COOP_VIRTUAL_PINS)");
    return pin < COOP_VIRTUAL_PINS;
}

static void coop_priv_vboard_set(coop_pin_t pin, bool value)
{
    char text[40], name[16];
    if (coop_priv_vboard.value[pin] == value)
        return;
    coop_priv_vboard.value[pin] = value;
    coop_priv_vboard_vcd(pin, value);
    snprintf(text, sizeof text, "%s %s", coop_priv_vboard_name(pin, name, sizeof name),
             value ? "on" : "off");
    coop_priv_vboard_line(text);
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return;
    coop_priv_vboard.mode[pin] = COOP_PRIV_VPIN_OUT;
    coop_priv_vboard_set(pin, value);
    coop_priv_vboard_vcd(pin, value);
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return;
    COOP_ASSERT(coop_priv_vboard.mode[pin] == COOP_PRIV_VPIN_OUT,
                "coop_pin_write: the pin is not an output (call coop_pin_output first)");
    if (coop_priv_vboard.mode[pin] == COOP_PRIV_VPIN_OUT)
        coop_priv_vboard_set(pin, value);
}

void coop_pin_toggle(coop_pin_t pin)
{
    if (coop_priv_vboard_pin_ok(pin))
        coop_pin_write(pin, !coop_priv_vboard.value[pin]);
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return;
    coop_priv_vboard.mode[pin] = COOP_PRIV_VPIN_IN;
    coop_priv_vboard.pull[pin] = (uint8_t)pull;
    coop_priv_vboard.value[pin] = false;
    coop_priv_vboard_vcd(pin, coop_priv_vboard_level_at(pin, coop_virtual_now));
}

bool coop_pin_read(coop_pin_t pin)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return false;
    coop_priv_vboard_play(); /* the clock may have been moved by hand */
    coop_priv_vboard_vcd(pin, coop_priv_vboard_level_at(pin, coop_virtual_now));
    return coop_priv_vboard_level_at(pin, coop_virtual_now);
}

void coop_virtual_pin_drive(coop_pin_t pin, int level)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return;
    coop_priv_vboard_play(); /* the script's edges before this one */
    coop_priv_vboard.drive[pin] = (uint8_t)(level < 0 ? 0 : level != 0 ? 2 : 1);
    coop_priv_vboard_vcd(pin, coop_priv_vboard_level_at(pin, coop_virtual_now));
    coop_priv_vboard_edge(pin, coop_virtual_now);
    coop_priv_vboard_deliver();
}

bool coop_virtual_pin_get(coop_pin_t pin)
{
    if (!coop_priv_vboard_pin_ok(pin))
        return false;
    coop_priv_vboard_play();
    return coop_priv_vboard_level_at(pin, coop_virtual_now);
}

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
#if COOP_PIN_IRQS
    coop_irq_state_t s;
    bool ok = pin < COOP_VIRTUAL_PINS && edges >= 0 && edges <= COOP_EDGE_BOTH;
    COOP_ASSERT(ok, "coop_pin_on_edge: no such pin, or edges is not COOP_EDGE_RISING, _FALLING or _BOTH");
    if (!ok)
        return COOP_EINVAL;
    coop_priv_vboard_play(); /* the edges before: to the old handler */
    s = COOP_PORT_IRQ_SAVE();
    coop_priv_vboard.isr[pin] = edges != 0 ? isr : NULL;
    coop_priv_vboard.edges[pin] = (uint8_t)edges;
    coop_priv_vboard.level[pin] = coop_priv_vboard_level_at(pin, coop_virtual_now);
    if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4) {
        struct coop_priv_vpress *p = &coop_priv_vboard.btn[pin - BOARD_BUTTON1];
        if (p->active) /* its changes so far are in the level */
            p->done_ms = coop_priv_vboard_ms_between(p->press, coop_virtual_now);
    }
    COOP_PORT_IRQ_RESTORE(s);
    return COOP_OK;
#else
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(0, "coop_pin_on_edge: define COOP_PIN_IRQS 1 before including the port");
    return COOP_EINVAL;
#endif
}

void coop_board_printf(const char *fmt, ...)
{
    char text[256];
    size_t n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    coop_priv_vboard_line(text);
}

/* ---------------------------------------------------------------- idle */
void (*coop_virtual_on_idle)(void);
volatile bool coop_virtual_masked;
uint32_t coop_virtual_wakes;

coop_irq_state_t coop_port_irq_save(void)
{
    coop_irq_state_t was = coop_virtual_masked;
    coop_virtual_masked = true;
    return was;
}

void coop_port_irq_restore(coop_irq_state_t state)
{
    coop_virtual_masked = state != 0;
#if COOP_PIN_IRQS
    if (!coop_virtual_masked && coop_priv_vboard.head != coop_priv_vboard.tail)
        coop_priv_vboard_deliver(); /* edges that came while masked */
#endif
}

void coop_port_wake(void)
{
    coop_virtual_wakes++;
}

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    COOP_ASSERT(coop_virtual_masked, "coop virtual: idle called with interrupts unmasked "
                                     "(the loop must check and sleep inside the critical section)");
    coop_virtual_idles++;
    coop_priv_vbusy_reads = 0;
    if (coop_priv_vboard.has_next &&
        (!has_deadline || coop_tick_after(deadline, coop_priv_vboard.next_tick))) {
        deadline = coop_priv_vboard.next_tick; /* stop at the next scripted key */
        has_deadline = true;
    }
#if COOP_PIN_IRQS
    {
        coop_tick_t edge = 0;
        if (coop_priv_vboard_next_edge(&edge) && (!has_deadline || coop_tick_after(deadline, edge))) {
            deadline = edge; /* and at the next edge of a pin with a handler */
            has_deadline = true;
        }
    }
#endif
    if (has_deadline && coop_tick_after(deadline, coop_virtual_now))
        coop_virtual_now = deadline;
    if (coop_virtual_on_idle != NULL) { /* an interrupt while asleep */
        coop_virtual_masked = false;
        coop_virtual_on_idle();
        coop_virtual_masked = true;
    }
    if (!has_deadline)
        return coop_priv_inbox != NULL; /* else nothing can ever wake the loop */
    coop_priv_vboard_play();
#if COOP_PIN_IRQS
    coop_virtual_masked = false; /* the edges' interrupts, while asleep */
    coop_priv_vboard_deliver();
    coop_virtual_masked = true;
#endif
    return true;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    if (coop_virtual_on_assert != NULL) {
        coop_virtual_on_assert(msg, file, line);
        return;
    }
    fprintf(stderr, "%s:%d: %s\n", file, line, msg);
    abort();
}
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_VIRTUAL_H */
