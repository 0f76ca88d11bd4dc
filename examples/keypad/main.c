/* examples/keypad - pin transitions as timestamped events, scanned as keypad does.
 *
 * The C twin of "Handling Interrupts with keypad" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio": keypad watches a
 * pin in the background and queues an event each time the pin goes low (the
 * button is pressed) or high again (released); a task takes the events and
 * prints them. As the guide says, keypad does not use interrupts: it scans
 * the pin every few milliseconds. Here too: coop_keys_poll_spawn starts a
 * task that reads BUTTON1 every 20 ms (keypad.Keys' default interval=0.020).
 *
 *   guide (CircuitPython)                          here (C, coop/keys.h)
 *   keypad.Keys((pin,), value_when_pressed=False)  coop_keys_init(&keys, ..., 1 key, ..., false, 0)
 *     (keypad scans every 20 ms in the background) coop_keys_poll_spawn(&loop, &scanner, &keys, 20, ...)
 *   event = keys.events.get()                      AWAIT_KEYS(&keys); coop_keys_get(&keys, &ev)
 *   event.pressed / event.released                 ev.kind == COOP_KEYS_PRESSED / _RELEASED
 *   event.timestamp                                ev.time (ticks)
 *   await asyncio.sleep(0)                         (not needed: AWAIT_KEYS sleeps)
 *
 * Debouncing, as keypad does it by default: none beyond the scan interval.
 * Each scan compares the pin with the scan before; a change is an event,
 * stamped with that scan's time. A contact that bounces for less than 20 ms
 * is seen by at most one scan mid-bounce: the press (or release) is reported
 * once, at most one scan late, never twice. A press shorter than 20 ms is
 * reported if a scan falls inside it, else missed, as with keypad.
 * coop_keys can debounce further (a level must hold debounce_ms, the last
 * argument of coop_keys_init; examples/press_alert and cancel_alert use 20):
 * keypad.Keys has no such time, so it is 0 here.
 *
 * To feed the same queue from a pin interrupt instead of scanning, see
 * examples/press_alert (coop_pin_on_edge + coop_keys_edge).
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
 * A clean press; a bouncing one whose chatter the scan at 1020 ms catches
 * up (the press shows at 1040, its release at 1140); a press held longer
 * (keys 90 ms apart hold the button down: 1505..1695 ms); quit. Keys fall
 * between scans (every 20 ms from 0), so each scan sees a settled level. */
#define DEMO_SCRIPT "505:1 1013:1~ 1505:1 1595:1 2200:q"

#define SCAN_MS 20    /* keypad.Keys(interval=0.020): how often the pin is read */
#define DEBOUNCE_MS 0 /* keypad.Keys: no debounce beyond the scan */

/* The debouncer and its event queue (keypad.Keys), with room for 8 events. */
static coop_keys_t keys;
static coop_keys_slot_t slot[1];     /* per-key state, one key */
static coop_keys_event_t queue[8];
static const coop_pin_t pins[1] = { BOARD_BUTTON1 };
static coop_keys_task_t scanner;     /* the task that scans the pin */

/* The task that takes the events (the guide's catch_pin_transitions). */
struct watcher {
    coop_task_t task;
    coop_tick_t start; /* time 0 of the printed timestamps */
    coop_keys_event_t ev;
};

/* A tick time as ms since `start` (ticks wrap: only the difference counts). */
static unsigned long ms_since(coop_tick_t start, coop_tick_t t)
{
    return (unsigned long)((coop_tick_t)(t - start) * 1000ul / COOP_TICK_HZ);
}

static coop_status_t catch_pin_transitions_fn(coop_task_t *task)
{
    struct watcher *w = COOP_CONTAINER_OF(task, struct watcher, task);

    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);                   /* sleeps until an event is queued */
        while (coop_keys_get(&keys, &w->ev)) { /* take every queued event */
            if (w->ev.kind == COOP_KEYS_PRESSED)
                coop_board_printf("pin went low (pressed at %lu ms)", ms_since(w->start, w->ev.time));
            else if (w->ev.kind == COOP_KEYS_RELEASED)
                coop_board_printf("pin went high (released at %lu ms)", ms_since(w->start, w->ev.time));
        }
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct watcher watcher;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    /* one key, active low (value_when_pressed=False), no debounce beyond the scans */
    coop_keys_init(&keys, slot, 1, queue, 8, false, DEBOUNCE_MS);
    coop_loop_init(&loop);
    watcher.start = coop_loop_now(&loop);
    coop_keys_poll_spawn(&loop, &scanner, &keys, SCAN_MS, coop_keys_read_pins, pins);
    coop_task_spawn(&loop, &watcher.task, catch_pin_transitions_fn);
    coop_board_printf("press BUTTON1: its transitions are printed");
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
