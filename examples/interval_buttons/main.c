/* examples/interval_buttons - two blinking LEDs whose rates buttons change.
 *
 * The C twin of "Communicating Between Tasks / Control Two Blinking LEDs" in
 * the Adafruit guide "Cooperative Multitasking in CircuitPython with asyncio".
 * Four tasks run forever:
 *   blink LED1   toggles LED1, then sleeps interval1 (500 ms at first)
 *   blink LED2   toggles LED2, then sleeps interval2 (1000 ms at first)
 *   monitor 1    BUTTON1: LED1 slower (+100 ms), BUTTON2: LED1 faster (-100 ms)
 *   monitor 2    BUTTON3: LED2 slower, BUTTON4: LED2 faster (never below 100 ms)
 * A blink task and its monitor share one `struct interval` (the guide's
 * Interval class) and otherwise know nothing about each other. No race is
 * possible: a task is never interrupted between two AWAITs, so what it
 * writes there is complete before any other task can read it.
 *
 * Buttons are active low with a pull-up, like the guide's
 * keypad.Keys(..., value_when_pressed=False, pull=True). Where the guide lets
 * keypad scan them, each monitor samples its two buttons every 10 ms itself
 * (and sleeps in between, so the CPU sleeps too).
 *
 * On the host: `make demo`. In a terminal, keys 1..4 press BUTTON1..4 and q
 * quits; otherwise (stdin not a terminal) the demo script below plays.
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
 * LED1 faster twice, LED2 faster twice, then LED1 and LED2 slower once, quit. */
#define DEMO_SCRIPT "600:2 1200:2 1800:4 2400:4 3000:1 3400:3 4000:q"

/* The value a blink task and a monitor task share. */
struct interval {
    const char *name; /* "LED1": for messages */
    uint32_t ms;
};

/* Blink a pin forever; the interval struct sets the pace. */
struct blink {
    coop_task_t task;
    coop_pin_t pin;
    struct interval *interval;
};

static coop_status_t blink_fn(coop_task_t *task)
{
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    coop_pin_output(b->pin, false);
    for (;;) {
        coop_pin_toggle(b->pin);
        AWAIT_SLEEP_MS(b->interval->ms); /* read again at every turn */
    }
    ASYNC_END;
}

/* One push button, sampled every 10 ms. It changes state only when two
 * samples in a row agree, so contact bounce shorter than 10 ms is ignored. */
struct button {
    coop_pin_t pin;
    bool last;   /* the previous sample: true = pressed */
    bool stable; /* the debounced state */
};

/* Take a sample; true once per press, when the press becomes stable. */
static bool button_pressed(struct button *btn)
{
    bool down = !coop_pin_read(btn->pin); /* active low: pressed reads false */
    bool pressed = false;
    if (down == btn->last && down != btn->stable) {
        btn->stable = down;
        pressed = down;
    }
    btn->last = down;
    return pressed;
}

/* Watch two buttons: one lengthens the interval, the other shortens it. */
struct monitor {
    coop_task_t task;
    struct button slower;
    struct button faster;
    struct interval *interval;
};

static coop_status_t monitor_fn(coop_task_t *task)
{
    struct monitor *m = COOP_CONTAINER_OF(task, struct monitor, task);

    ASYNC(task);
    coop_pin_input(m->slower.pin, COOP_PULL_UP);
    coop_pin_input(m->faster.pin, COOP_PULL_UP);
    for (;;) {
        if (button_pressed(&m->slower)) {
            m->interval->ms += 100;
            coop_board_printf("%s interval is now %lu ms", m->interval->name,
                              (unsigned long)m->interval->ms);
        }
        if (button_pressed(&m->faster)) {
            m->interval->ms = m->interval->ms >= 200 ? m->interval->ms - 100 : 100;
            coop_board_printf("%s interval is now %lu ms", m->interval->name,
                              (unsigned long)m->interval->ms);
        }
        AWAIT_SLEEP_MS(10); /* let the other tasks run until the next sample */
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct interval interval1 = { "LED1", 500 }; /* name, ms */
static struct interval interval2 = { "LED2", 1000 };
static struct blink led1, led2;         /* main fills in their pins and intervals */
static struct monitor monitor1, monitor2; /* and their buttons */
static coop_task_t *const tasks[] = { &led1.task, &led2.task, &monitor1.task, &monitor2.task };
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_board_printf("BUTTON1/BUTTON2: LED1 slower/faster, BUTTON3/BUTTON4: LED2 slower/faster");
    coop_task_spawn(&loop, &led1.task, blink_fn);
    coop_task_spawn(&loop, &led2.task, blink_fn);
    coop_task_spawn(&loop, &monitor1.task, monitor_fn);
    coop_task_spawn(&loop, &monitor2.task, monitor_fn);
    AWAIT_GATHER(tasks, 4); /* forever: none of them ever ends */
    ASYNC_END;
}

int main(void)
{
    led1.pin = BOARD_LED1;
    led1.interval = &interval1;
    led2.pin = BOARD_LED2;
    led2.interval = &interval2;
    monitor1.slower.pin = BOARD_BUTTON1; /* BUTTON1 slows LED1 down, */
    monitor1.faster.pin = BOARD_BUTTON2; /* BUTTON2 speeds it up */
    monitor1.interval = &interval1;
    monitor2.slower.pin = BOARD_BUTTON3; /* the same for LED2 */
    monitor2.faster.pin = BOARD_BUTTON4;
    monitor2.interval = &interval2;
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
