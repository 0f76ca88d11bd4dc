/* PressAlert - count presses, flash an alert for each, reset with a long press.
 *
 * coop's example press_alert (examples/press_alert/main.c) as a sketch: the
 * "Practical Exercise: Build a Press-to-Alert Device" (with its optional
 * long press) of the MicroPython session "Interrupts and Async: Safe
 * Handoffs to the Event Loop":
 *   - an interrupt records each change of BUTTON1 (D2, both edges)
 *   - the tasks debounce them (bounces are ignored) into presses
 *   - each press adds 1 to a counter, prints it on Serial (115200 Bd) and
 *     flashes LED2 (D12) 3 times
 *   - holding the button for LONG_MS resets the counter (the long press)
 *   - LED1 (D13) keeps a heartbeat: the sketch stays responsive throughout
 * The button connects D2 to ground (INPUT_PULLUP).
 *
 * The interrupt (attachInterrupt, CHANGE) only hands the edge over:
 * coop_keys_edge stores the pin's new level and the time, in a few
 * microseconds. The debouncing runs in a task that coop_keys_edge_spawn
 * starts: a level counts once it has held DEBOUNCE_MS, and a press still
 * held LONG_MS after it began queues a LONG event. A press counts when it is
 * released, and only if it did not become a long press. The flashes are a
 * task of their own that the counter task only feeds (3 more per press), so
 * quick presses queue their flashes instead of cutting each other short.
 *
 * The tasks never end: setup() runs them for ever with coop_loop_run, which
 * sleeps until a tick or the button's interrupt; loop() is never reached.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include <coop_arduino.h>

const uint8_t LED1 = LED_BUILTIN; /* D13 on an Uno */
const uint8_t LED2 = 12;
const uint8_t BUTTON1 = 2; /* INT0 on an Uno */

#define DEBOUNCE_MS 20 /* a level must hold this long to count */
#define LONG_MS 600    /* a press held this long is a long press */
#define HEARTBEAT_MS 500
#define FLASHES 3 /* per press */
#define FLASH_MS 100

/* The debouncer (one key) and its event queue. */
static coop_keys_t keys;
static coop_keys_slot_t slot[1];
static coop_keys_event_t queue[8];
static coop_keys_task_t debouncer; /* runs the debouncing in the loop */

/* The interrupt handler: BUTTON1 changed. Only records the new level and
 * when (coop_port_now may be called from an interrupt). */
static void button_isr()
{
    coop_keys_edge(&keys, 0, digitalRead(BUTTON1) == HIGH, coop_port_now());
}

/* The alert: flashes LED2 while flashes are owed. */
struct alert {
    coop_task_t task;
    coop_flag_t more; /* set when flashes are added */
    unsigned pending; /* flashes still owed */
};

static coop_status_t alert_fn(coop_task_t *task)
{
    struct alert *a = COOP_CONTAINER_OF(task, struct alert, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&a->more);
        while (a->pending > 0) {
            a->pending--;
            digitalWrite(LED2, HIGH);
            AWAIT_SLEEP_MS(FLASH_MS);
            digitalWrite(LED2, LOW);
            AWAIT_SLEEP_MS(FLASH_MS);
        }
    }
    ASYNC_END;
}

/* The counter: turns key events into presses and resets. */
struct counter {
    coop_task_t task;
    struct alert *alert;
    unsigned long presses;
    bool was_long; /* the press under way became a long press */
    coop_keys_event_t ev;
};

static coop_status_t counter_fn(coop_task_t *task)
{
    struct counter *c = COOP_CONTAINER_OF(task, struct counter, task);

    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);
        while (coop_keys_get(&keys, &c->ev)) {
            if (c->ev.kind == COOP_KEYS_PRESSED) {
                c->was_long = false;
            } else if (c->ev.kind == COOP_KEYS_LONG) {
                c->was_long = true;
                c->presses = 0;
                c->alert->pending = 0; /* and no more flashes */
                Serial.println("long press: counter reset to 0");
            } else if (c->ev.kind == COOP_KEYS_RELEASED && !c->was_long) {
                c->presses++;
                Serial.print("press ");
                Serial.println(c->presses);
                c->alert->pending += FLASHES;
                coop_flag_set(&c->alert->more);
            }
        }
    }
    ASYNC_END;
}

/* The heartbeat. */
static coop_status_t heartbeat_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        digitalWrite(LED1, !digitalRead(LED1));
        AWAIT_SLEEP_MS(HEARTBEAT_MS);
    }
    ASYNC_END;
}

static coop_loop_t tasks; /* not "loop": that is the sketch's loop() */
static struct alert alert;
static struct counter counter; /* setup() points it at the alert */
static coop_task_t heartbeat;

void setup()
{
    counter.alert = &alert;
    Serial.begin(115200);
    pinMode(LED1, OUTPUT);
    pinMode(LED2, OUTPUT);
    pinMode(BUTTON1, INPUT_PULLUP);
    /* the objects the interrupt touches, before it is enabled */
    coop_keys_init(&keys, slot, 1, queue, 8, false, DEBOUNCE_MS); /* active low */
    coop_keys_set_long(&keys, LONG_MS);
    coop_flag_init(&alert.more);
    coop_avr_clock_start(); /* coop's 1 ms tick on Timer2 */
    attachInterrupt(digitalPinToInterrupt(BUTTON1), button_isr, CHANGE);
    Serial.print("press BUTTON1 to count, hold it ");
    Serial.print(LONG_MS);
    Serial.println(" ms to reset");
    coop_loop_init(&tasks);
    coop_keys_edge_spawn(&tasks, &debouncer, &keys);
    coop_task_spawn(&tasks, &counter.task, counter_fn);
    coop_task_spawn(&tasks, &alert.task, alert_fn);
    coop_task_spawn(&tasks, &heartbeat, heartbeat_fn);
    coop_loop_run(&tasks); /* for ever: none of the tasks ever ends */
}

void loop()
{
    /* never reached */
}
