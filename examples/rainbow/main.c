/* examples/rainbow - a NeoPixel rainbow whose direction and speed three buttons change.
 *
 * The C twin of "Controlling NeoPixels" in the Adafruit guide "Cooperative
 * Multitasking in CircuitPython with asyncio": a ring of 24 NeoPixels shows
 * a rainbow that turns; BUTTON1 reverses its direction, BUTTON2 slows it
 * down and BUTTON3 speeds it up (the guide's A1, A2, A3). Two tasks share a
 * `struct controls` (the guide's Controls class) and nothing else:
 *   rainbow_cycle    draws cycles of 128 frames (pixel i gets colorwheel(
 *                    i * 256 / 24 + j)): j = 0, 2, ... 254, or, if
 *                    controls.reverse is set when a cycle begins, j = 255,
 *                    253, ... 1; after each frame it sleeps SHOW_MS +
 *                    controls.wait_ms
 *   monitor_buttons  takes the presses of the three buttons (scanned as
 *                    keypad.Keys scans them: every 20 ms, no debounce beyond
 *                    that) and changes controls
 * The ring has no NeoPixels here: each frame is drawn in the terminal as a
 * ring of 24 coloured cells (ANSI colours, redrawn in place) when the host
 * port writes to a terminal, and as one line of text everywhere else (a file
 * or pipe on the host, the virtual port, a board's serial line):
 *     ring j=0: ff0000 e11e00 c03f00 9f6000 ... 00ff00 ...
 *
 *   guide (CircuitPython asyncio)              here (C, coop)
 *   class Controls: reverse, wait              struct controls { bool reverse; uint32_t wait_ms; }
 *   for j in range(255, -1, -2) if controls.reverse else range(0, 256, 2):
 *                                              rb->rev = controls.reverse; for (rb->k = 0; rb->k < 128; ...)
 *   colorwheel(rc_index & 255)                 colorwheel((uint8_t)(i * 256 / NUM_PIXELS + j))
 *   pixels[i] = ...; pixels.show()             ring[i] = ...; ring_show(ring, j)
 *   await asyncio.sleep(controls.wait)         AWAIT_SLEEP_MS(SHOW_MS + controls.wait_ms)
 *   controls.wait + 0.001, max(0.0, ... - 0.001)   wait_ms + 1, wait_ms - 1 down to 0
 *   keypad.Keys((A1, A2, A3), value_when_pressed=False, pull=True)
 *                                              coop_keys_init(&keys, slots, 3, ..., false, 0)
 *                                                + coop_keys_poll_spawn(..., 20, ...)
 *   key_event = keys.events.get()              AWAIT_KEYS(&keys); coop_keys_get(&keys, &m->ev)
 *   await asyncio.sleep(0)                     (not needed: AWAIT_KEYS sleeps until a press)
 *   asyncio.gather(buttons_task, animation_task)  AWAIT_GATHER(tasks, 2)
 *
 * The guide's numbers: the wait starts at 0 and each press changes it by
 * 1 ms (never below 0); a reverse applies from the next cycle of 128 frames,
 * the cycle under way ends first. On the board a frame also takes time of
 * its own: pixels.show() sends 24 x 24 bits at 800 kHz and the ring latches
 * them (about 0.8 ms). This ring has no wire, so that time is a sleep of
 * SHOW_MS (1 ms, a tick) before the guide's wait: a frame every 1 + wait ms.
 * Without it a wait of 0 would be a bare YIELD: the loop would draw frames
 * without pause and never sleep. Colours are at full brightness (the guide dims the
 * ring to 3%), computed in integers. In a terminal the ring is redrawn at
 * most every REDRAW_MS; a file, a pipe or a board's serial line gets every
 * frame.
 *
 * On the host, in a terminal: keys 1, 2, 3 are the buttons, q quits.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* Keys at ms after start, for runs without a person at the keyboard (the
 * host with stdin not a terminal, the virtual port); hardware ignores it.
 * Reverse; slower twice; faster four times (the last two find the wait at
 * 0, its minimum); forward again; quit. A press counts at the first 20 ms
 * scan after its key. */
#define DEMO_SCRIPT "1005:1 1505:2 2005:2 2505:3 3005:3 3505:3 3805:3 4005:1 4505:q"

#define NUM_PIXELS 24
#define CYCLE_FRAMES 128 /* j = 0, 2, ... 254 (or back from 255) */
#define SHOW_MS 1        /* a frame's time on the wire (pixels.show()) */
#define WAIT_START_MS 0  /* the guide's wait between frames, at first ... */
#define WAIT_STEP_MS 1   /* ... a press of BUTTON2 / BUTTON3 changes it by this */
#define WAIT_MIN_MS 0
#define SCAN_MS 20       /* keypad.Keys(interval=0.020): the buttons are read this often */
#define REDRAW_MS 20     /* a terminal shows a frame at most this often */

/* What the two tasks share (the guide's Controls). No lock is needed: a task
 * is never interrupted between two AWAITs. */
struct controls {
    bool reverse;
    uint32_t wait_ms;
};

static struct controls controls;

/* ---------------------------------------------------------------- colours */

/* A colour as 0xRRGGBB. */
typedef uint32_t rgb_t;

/* The rainbow: red at 0, green at 85, blue at 170, back to red at 255, each
 * channel moving by 3 a step (CircuitPython's rainbowio.colorwheel). */
static rgb_t colorwheel(uint8_t pos)
{
    unsigned up, down;
    if (pos < 85) {
        up = pos * 3u;
        down = 255u - up;
        return ((rgb_t)down << 16) | ((rgb_t)up << 8);
    }
    if (pos < 170) {
        up = (pos - 85u) * 3u;
        down = 255u - up;
        return ((rgb_t)down << 8) | (rgb_t)up;
    }
    up = (pos - 170u) * 3u;
    down = 255u - up;
    return ((rgb_t)up << 16) | (rgb_t)down;
}

/* ---------------------------------------------------------------- drawing */

/* Write `c` as 6 hex digits at p (the boards' printf has no %06x). */
static char *put_hex(char *p, rgb_t c)
{
    static const char digits[] = "0123456789abcdef";
    int shift;
    for (shift = 20; shift >= 0; shift -= 4)
        *p++ = digits[(c >> shift) & 0xfu];
    return p;
}

/* One frame as one line: "ring j=N: rrggbb rrggbb ...". */
static void ring_show_text(const rgb_t *ring, uint8_t j)
{
    char line[NUM_PIXELS * 7 + 1];
    char *p = line;
    unsigned i;
    for (i = 0; i < NUM_PIXELS; i++) {
        p = put_hex(p, ring[i]);
        *p++ = ' ';
    }
    p[-1] = '\0';
    coop_board_printf("ring j=%u: %s", (unsigned)j, line);
}

#if defined(COOP_PORT_HOST_H)
/* The host port writing to a terminal: the ring drawn in colour. Pixels go
 * round an 8 x 8 square without its corners, clockwise from the top left:
 * 0..5 along the top, 6..11 down the right side, 12..17 back along the
 * bottom, 18..23 up the left side (2 characters a cell, so it looks round).
 * Each frame is 8 lines redrawn in place (the cursor goes back up 8 lines),
 * under whatever the example printed last; the port keeps its status line
 * (LEDs, buttons) below. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RING_ROWS 8

static bool ring_fresh = true; /* draw the next frame below, not over, the last line */
static bool ring_24bit;        /* the terminal shows 24-bit colour (else 256 colours) */

static bool ring_in_colour(void)
{
    static int answer = -1;
    if (answer < 0) {
        const char *term = getenv("TERM");
        const char *ct = getenv("COLORTERM");
        answer = isatty(STDOUT_FILENO) && term != NULL && strcmp(term, "dumb") != 0;
        ring_24bit = ct != NULL && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0);
    }
    return answer != 0;
}

/* The pixel at row r, column c of the square, or -1 for none. */
static int ring_pixel_at(int r, int c)
{
    if (r == 0 && c >= 1 && c <= 6)
        return c - 1;
    if (c == 7 && r >= 1 && r <= 6)
        return 6 + (r - 1);
    if (r == 7 && c >= 1 && c <= 6)
        return 12 + (6 - c);
    if (c == 0 && r >= 1 && r <= 6)
        return 18 + (6 - r);
    return -1;
}

/* A cell's background colour escape: 24-bit, or the nearest of the 6x6x6
 * cube of the 256-colour palette (levels 0, 95, 135, 175, 215, 255). */
static char *put_cell(char *p, size_t room, rgb_t c)
{
    unsigned r = (unsigned)(c >> 16) & 0xffu, g = (unsigned)(c >> 8) & 0xffu, b = (unsigned)c & 0xffu;
    int n;
    if (ring_24bit) {
        n = snprintf(p, room, "\033[48;2;%u;%u;%um  \033[0m", r, g, b);
    } else {
        unsigned r6 = r < 48 ? 0 : r < 115 ? 1 : (r - 35) / 40;
        unsigned g6 = g < 48 ? 0 : g < 115 ? 1 : (g - 35) / 40;
        unsigned b6 = b < 48 ? 0 : b < 115 ? 1 : (b - 35) / 40;
        n = snprintf(p, room, "\033[48;5;%um  \033[0m", 16u + 36u * r6 + 6u * g6 + b6);
    }
    return p + (n > 0 && (size_t)n < room ? (size_t)n : 0);
}

static void ring_show_colour(const rgb_t *ring, uint8_t j)
{
    char line[200];
    char middle[24];
    int r, c;
    for (r = 0; r < RING_ROWS; r++) {
        char *p = line, *end = line + sizeof line;
        if (r == 0 && !ring_fresh)
            p += snprintf(p, (size_t)(end - p), "\033[%dA", RING_ROWS); /* back over the last frame */
        middle[0] = '\0';
        if (r == 3)
            snprintf(middle, sizeof middle, "  %s", controls.reverse ? "<< back" : "forward >>");
        else if (r == 4)
            snprintf(middle, sizeof middle, " wait %lu ms", (unsigned long)controls.wait_ms);
        else if (r == 5)
            snprintf(middle, sizeof middle, "   j=%u", (unsigned)j);
        for (c = 0; c < RING_ROWS; c++) {
            int px = ring_pixel_at(r, c);
            if (px >= 0) {
                p = put_cell(p, (size_t)(end - p), ring[px]);
            } else if (c == 1 && middle[0] != '\0') {
                p += snprintf(p, (size_t)(end - p), "%-12.12s", middle); /* the inside: 6 cells */
                c = 6;
            } else {
                p += snprintf(p, (size_t)(end - p), "  ");
            }
        }
        coop_board_printf("%s", line);
    }
    ring_fresh = false;
}

/* A terminal cannot show a frame every ms: at most one every REDRAW_MS. */
static void ring_show(const rgb_t *ring, uint8_t j)
{
    static coop_tick_t last;
    static bool drawn;
    if (!ring_in_colour()) {
        ring_show_text(ring, j);
    } else if (!drawn || coop_tick_diff(coop_now(), last) >= (coop_stick_t)coop_ticks_from_ms(REDRAW_MS)) {
        drawn = true;
        last = coop_now();
        ring_show_colour(ring, j);
    }
}

/* A message: printed above, the next frame below it. */
#define say(...)                          \
    do {                                  \
        coop_board_printf(__VA_ARGS__);   \
        ring_fresh = true;                \
    } while (0)
#else
#define ring_show ring_show_text
#define say coop_board_printf
#endif

/* ---------------------------------------------------------------- the tasks */
struct rainbow {
    coop_task_t task;
    rgb_t ring[NUM_PIXELS]; /* the frame: pixels[] */
    uint8_t k;              /* the frame in its cycle, 0..127 */
    bool rev;               /* this cycle goes back (from 255) */
};

static coop_status_t rainbow_cycle_fn(coop_task_t *task)
{
    struct rainbow *rb = COOP_CONTAINER_OF(task, struct rainbow, task);
    unsigned i; /* no AWAIT while they are used: locals are fine */
    uint8_t j;

    ASYNC(task);
    for (;;) {
        rb->rev = controls.reverse; /* the direction, for a whole cycle */
        for (rb->k = 0; rb->k < CYCLE_FRAMES; rb->k++) {
            /* 2 at a time, as the guide, to speed the cycle up a bit */
            j = (uint8_t)(rb->rev ? 255u - 2u * rb->k : 2u * rb->k);
            for (i = 0; i < NUM_PIXELS; i++)
                rb->ring[i] = colorwheel((uint8_t)(i * 256u / NUM_PIXELS + j)); /* & 255 */
            ring_show(rb->ring, j);
            AWAIT_SLEEP_MS(SHOW_MS + controls.wait_ms); /* the wait is read again every frame */
        }
    }
    ASYNC_END;
}

/* The three buttons, scanned every 20 ms by `scanner` (keypad.Keys). */
static coop_keys_t keys;
static coop_keys_slot_t slots[3];
static coop_keys_event_t key_queue[8];
static const coop_pin_t pins[3] = { BOARD_BUTTON1, BOARD_BUTTON2, BOARD_BUTTON3 };
static coop_keys_task_t scanner;

struct monitor {
    coop_task_t task;
    coop_keys_event_t ev;
};

static coop_status_t monitor_buttons_fn(coop_task_t *task)
{
    struct monitor *m = COOP_CONTAINER_OF(task, struct monitor, task);

    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys); /* the loop sleeps until a key event */
        while (coop_keys_get(&keys, &m->ev)) {
            if (m->ev.kind != COOP_KEYS_PRESSED)
                continue;
            if (m->ev.key == 0) {
                controls.reverse = !controls.reverse;
                say("BUTTON1: %s from the next cycle", controls.reverse ? "reversed" : "forward");
            } else if (m->ev.key == 1) {
                controls.wait_ms += WAIT_STEP_MS; /* lengthen the wait */
                say("BUTTON2: slower, wait %lu ms", (unsigned long)controls.wait_ms);
            } else {
                controls.wait_ms = controls.wait_ms >= WAIT_MIN_MS + WAIT_STEP_MS
                                       ? controls.wait_ms - WAIT_STEP_MS
                                       : WAIT_MIN_MS; /* shorten it */
                say("BUTTON3: faster, wait %lu ms", (unsigned long)controls.wait_ms);
            }
        }
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct rainbow rainbow;
static struct monitor monitor;
static coop_task_t *const tasks[] = { &monitor.task, &rainbow.task };
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&loop, &monitor.task, monitor_buttons_fn);
    coop_task_spawn(&loop, &rainbow.task, rainbow_cycle_fn);
    AWAIT_GATHER(tasks, 2); /* forever: neither ever ends */
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON3, COOP_PULL_UP);
    coop_keys_init(&keys, slots, 3, key_queue, 8, false, 0); /* active low, no debounce */
    controls.reverse = false;
    controls.wait_ms = WAIT_START_MS;
    say("BUTTON1 reverses the rainbow, BUTTON2 slows it down, BUTTON3 speeds it up");
    coop_loop_init(&loop);
    coop_keys_poll_spawn(&loop, &scanner, &keys, SCAN_MS, coop_keys_read_pins, pins);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
