/* IntervalButtons - two blinking LEDs whose rates buttons change.
 *
 * coop's example interval_buttons (examples/interval_buttons/main.c) as a
 * sketch: the Adafruit guide's "Cooperative Multitasking in CircuitPython
 * with asyncio", Communicating Between Tasks / Control Two Blinking LEDs.
 * Four tasks run forever:
 *   blink LED1   toggles LED1 (D13), then sleeps interval1 (500 ms at first)
 *   blink LED2   toggles LED2 (D12), then sleeps interval2 (1000 ms at first)
 *   monitor 1    BUTTON1 (D2): LED1 slower (+100 ms), BUTTON2 (D3): faster
 *   monitor 2    BUTTON3 (D4): LED2 slower, BUTTON4 (D5): faster (never below 100 ms)
 * Each change is printed on Serial (115200 Bd). A blink task and its monitor
 * share one `struct interval` (the guide's Interval class) and otherwise know
 * nothing about each other. No race is possible: a task is never interrupted
 * between two AWAITs, so what it writes there is complete before any other
 * task reads it.
 *
 * Buttons connect the pin to ground (INPUT_PULLUP: pressed reads LOW). Each
 * monitor samples its two buttons every 10 ms and takes a press when two
 * samples in a row agree, so contact bounce shorter than 10 ms is ignored.
 *
 * The tasks never end: setup() runs them for ever with coop_loop_run, which
 * lets the CPU sleep between samples; loop() is never reached.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include <coop_arduino.h>

const uint8_t LED1 = LED_BUILTIN; /* D13 on an Uno */
const uint8_t LED2 = 12;
const uint8_t BUTTON1 = 2, BUTTON2 = 3, BUTTON3 = 4, BUTTON4 = 5;

/* The value a blink task and a monitor task share. */
struct interval {
    const char *name; /* "LED1": for messages */
    uint16_t ms;
};

/* Blink a pin for ever; the interval struct sets the pace. */
struct blink {
    coop_task_t task;
    uint8_t pin;
    struct interval *interval;
};

static coop_status_t blink_fn(coop_task_t *task)
{
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    pinMode(b->pin, OUTPUT);
    for (;;) {
        digitalWrite(b->pin, !digitalRead(b->pin));
        AWAIT_SLEEP_MS(b->interval->ms); /* read again at every turn */
    }
    ASYNC_END;
}

/* One push button, sampled every 10 ms. It changes state only when two
 * samples in a row agree. */
struct button {
    uint8_t pin;
    bool last;   /* the previous sample: true = pressed */
    bool stable; /* the debounced state */
};

/* Take a sample; true once per press, when the press becomes stable. */
static bool button_pressed(struct button *btn)
{
    bool down = digitalRead(btn->pin) == LOW;
    bool pressed = false;
    if (down == btn->last && down != btn->stable) {
        btn->stable = down;
        pressed = down;
    }
    btn->last = down;
    return pressed;
}

static void print_interval(const struct interval *iv)
{
    Serial.print(iv->name);
    Serial.print(" interval is now ");
    Serial.print(iv->ms);
    Serial.println(" ms");
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
    pinMode(m->slower.pin, INPUT_PULLUP);
    pinMode(m->faster.pin, INPUT_PULLUP);
    for (;;) {
        if (button_pressed(&m->slower)) {
            m->interval->ms += 100;
            print_interval(m->interval);
        }
        if (button_pressed(&m->faster)) {
            m->interval->ms = m->interval->ms >= 200 ? m->interval->ms - 100 : 100;
            print_interval(m->interval);
        }
        AWAIT_SLEEP_MS(10); /* let the other tasks run until the next sample */
    }
    ASYNC_END;
}

static coop_loop_t tasks; /* not "loop": that is the sketch's loop() */
static struct interval interval1 = { "LED1", 500 }; /* name, ms */
static struct interval interval2 = { "LED2", 1000 };
static struct blink led1, led2;           /* setup() fills in their pins and intervals */
static struct monitor monitor1, monitor2; /* and their buttons */

void setup()
{
    led1.pin = LED1;
    led1.interval = &interval1;
    led2.pin = LED2;
    led2.interval = &interval2;
    monitor1.slower.pin = BUTTON1; /* BUTTON1 slows LED1 down, */
    monitor1.faster.pin = BUTTON2; /* BUTTON2 speeds it up */
    monitor1.interval = &interval1;
    monitor2.slower.pin = BUTTON3; /* the same for LED2 */
    monitor2.faster.pin = BUTTON4;
    monitor2.interval = &interval2;

    Serial.begin(115200);
    Serial.println("BUTTON1/BUTTON2: LED1 slower/faster, BUTTON3/BUTTON4: LED2 slower/faster");
    coop_avr_clock_start(); /* coop's 1 ms tick on Timer2 */
    coop_loop_init(&tasks);
    coop_task_spawn(&tasks, &led1.task, blink_fn);
    coop_task_spawn(&tasks, &led2.task, blink_fn);
    coop_task_spawn(&tasks, &monitor1.task, monitor_fn);
    coop_task_spawn(&tasks, &monitor2.task, monitor_fn);
    coop_loop_run(&tasks); /* for ever: none of the tasks ever ends */
}

void loop()
{
    /* never reached */
}
