/* examples/interval_one_led - one blinking LED whose rate two buttons change.
 *
 * The C twin of "Communicating Between Tasks / Control One Blinking LED" in
 * the Adafruit guide "Cooperative Multitasking in CircuitPython with asyncio"
 * (its next program, with two LEDs, is examples/interval_buttons). Two tasks
 * share `interval` (the guide's Interval class) and know nothing else of
 * each other:
 *   blink     toggles LED1, then sleeps interval.ms (500 ms at first), forever
 *   monitor   BUTTON1 lengthens the interval by 100 ms, BUTTON2 shortens it
 *             (never below 100 ms); it prints the new value
 * The buttons are read as keypad.Keys reads them: every 20 ms (its default
 * interval), no debounce beyond that, so a change comes at the first scan
 * after the press, and the blink takes it at its next sleep.
 *
 *   guide (CircuitPython asyncio)                 here (C, coop)
 *   class Interval, Interval(0.5)                 struct interval, { 500 } (ms)
 *   keypad.Keys((pin_slower, pin_faster),         coop_keys_init(&keys, slots, 2, queue, 8, false, 0)
 *               value_when_pressed=False, ...)      + coop_keys_poll_spawn(..., 20, ...)
 *   key_event = keys.events.get()                 AWAIT_KEYS(&keys); coop_keys_get(&keys, &ev)
 *   await asyncio.sleep(0)                        (not needed: AWAIT_KEYS sleeps until an event)
 *   led.value = not led.value                     coop_pin_toggle(BOARD_LED1)
 *   await asyncio.sleep(interval.value)           AWAIT_SLEEP_MS(interval.ms)
 *   await asyncio.gather(led_task, interval_task) coop_loop_run: forever, as neither task ends
 *
 * On the host: `make run EX=interval_one_led`; keys 1 and 2 are the buttons.
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
 * Faster five times (the last finds 100 ms, the least), slower twice, quit.
 * Keys fall between the 20 ms scans, so a change shows at the next scan. */
#define DEMO_SCRIPT "605:2 1005:2 1405:2 1805:2 2205:2 2605:1 3005:1 3605:q"

/* What the two tasks share. No lock: a task is never interrupted between two
 * AWAITs, so what it writes there is whole before another task reads it. */
struct interval {
    uint32_t ms;
};
static struct interval interval = { 500 }; /* start blinking 0.5 s on, 0.5 s off */

/* Blink LED1 forever, at the rate `interval` says. */
static coop_status_t blink_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_pin_output(BOARD_LED1, false);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        AWAIT_SLEEP_MS(interval.ms); /* read again at every turn */
    }
    ASYNC_END;
}

/* The two buttons (keypad.Keys): per-key state, a queue of 8 events, a scanner. */
static coop_keys_t keys;
static coop_keys_slot_t slots[2];
static coop_keys_event_t queue[8];
static const coop_pin_t pins[2] = { BOARD_BUTTON1, BOARD_BUTTON2 }; /* slower, faster */
static coop_keys_task_t scanner;
static coop_keys_event_t ev; /* a static: it must outlive the AWAIT */

static coop_status_t monitor_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);
        while (coop_keys_get(&keys, &ev)) {
            if (ev.kind != COOP_KEYS_PRESSED)
                continue;
            if (ev.key == 0)
                interval.ms += 100; /* lengthen the interval */
            else
                interval.ms = interval.ms >= 200 ? interval.ms - 100 : 100; /* shorten it */
            coop_board_printf("interval is now %lu ms", (unsigned long)interval.ms);
        }
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t led_task, interval_task;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP); /* active low */
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    coop_keys_init(&keys, slots, 2, queue, 8, false, 0); /* pressed reads low; no debounce */
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &led_task, blink_fn);
    coop_keys_poll_spawn(&loop, &scanner, &keys, 20, coop_keys_read_pins, pins);
    coop_task_spawn(&loop, &interval_task, monitor_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1; /* runs forever: no task ends */
}
