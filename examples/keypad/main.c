/* examples/keypad - pin transitions as timestamped events, scanned as keypad does.
 *
 * The C twin of "Handling Interrupts with keypad" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio": keypad watches a
 * pin in the background and queues an event each time the pin goes low (the
 * button is pressed) or high again (released); a task takes the events and
 * prints them. As the guide says, keypad does not use interrupts: it scans
 * the pin every few milliseconds. Here too: COOP_KEYPAD_DEFINE makes the
 * keypad (its pins, its event queue and the task that scans), and
 * coop_keypad_spawn starts the scans, every 20 ms (keypad.Keys' default
 * interval=0.020).
 *
 *   guide (CircuitPython)                          here (C, coop/keys.h)
 *   keypad.Keys((pin,), value_when_pressed=False)  COOP_KEYPAD_DEFINE(keys, false, true, 20, 8, pin)
 *     (pull=True, interval=0.020: the defaults;      (value_when_pressed, pull, interval_ms,
 *      max_events=64)                                  max_events, pins)
 *     (keypad scans in the background)             coop_keypad_spawn(&loop, &keys)
 *   event = keys.events.get()                      AWAIT_KEY_EVENT(&keys, &event)
 *   if event: ... await asyncio.sleep(0)             (sleeps until there is an event)
 *   event.pressed / event.released                 event.kind == COOP_KEYS_PRESSED / _RELEASED
 *   event.timestamp                                event.time (ticks, 1 ms each, from 0 at start)
 *   asyncio.create_task(catch_pin_transitions(..)) coop_task_spawn(&loop, &task, catch_pin_transitions)
 *
 * Debouncing, as keypad does it by default: none beyond the scan interval.
 * Each scan compares the pin with the scan before; a change is an event,
 * stamped with that scan's time. A contact that bounces for less than 20 ms
 * is seen by at most one scan mid-bounce: the press (or release) is reported
 * once, at most one scan late, never twice. A press shorter than 20 ms is
 * reported if a scan falls inside it, else missed, as with keypad. A button
 * held down when the program starts is no press (keypad's behaviour in
 * CircuitPython 9); its release is an event. coop_keypad_reset(&keys) right
 * after the spawn reports it as a press instead (keypad's reset()).
 *
 * The queue holds 8 events (keypad's max_events is 64 by default; RAM is
 * scarce on a small chip). To feed a queue from a pin interrupt instead of
 * scanning, see examples/press_alert (coop_pin_on_edge + coop_keys_edge).
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

/* keypad.Keys((BUTTON1,), value_when_pressed=False, pull=True,
 *             interval=0.020, max_events=8) */
COOP_KEYPAD_DEFINE(keys, false, true, 20, 8, BOARD_BUTTON1);

/* The event being handled: a task's locals do not survive an AWAIT. */
static coop_keys_event_t event;

/* A tick time as ms (from 0 at start, as every port's clock). */
#define MS(t) ((unsigned long)(t) * 1000ul / COOP_TICK_HZ)

static coop_status_t catch_pin_transitions(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_KEY_EVENT(&keys, &event); /* event = keys.events.get(), when there is one */
        if (event.kind == COOP_KEYS_PRESSED)
            coop_board_printf("pin went low (pressed at %lu ms)", MS(event.time));
        else if (event.kind == COOP_KEYS_RELEASED)
            coop_board_printf("pin went high (released at %lu ms)", MS(event.time));
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t interrupt_task;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_loop_init(&loop);
    coop_keypad_spawn(&loop, &keys); /* sets BUTTON1 up and scans it from now on */
    coop_task_spawn(&loop, &interrupt_task, catch_pin_transitions);
    coop_board_printf("press BUTTON1: its transitions are printed");
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
