/* Blink2 - blink two LEDs at once, each with its own task.
 *
 * The on-board LED (D13) blinks 10 times at 0.25 s, an LED on D12 20 times
 * at 0.1 s, both starting together; when both have finished, "done" goes out
 * on Serial (115200 Bd). The tasks do not know about each other: each keeps
 * its own time because AWAIT_SLEEP_MS lets the other one run (where delay()
 * would stop both). coop's example blink2 (examples/blink2/main.c) as a
 * sketch: the Adafruit guide's "Cooperative Multitasking in CircuitPython
 * with asyncio", Two LEDs.
 *
 * The tasks run to their end from setup(): coop_loop_run puts the CPU to
 * sleep between the LEDs' edges and returns when every task has ended, so
 * loop() is never reached. (PollFromLoop runs tasks from loop() instead.)
 *
 * The core's millis() keeps counting on Timer0 beside coop's clock on
 * Timer2: the sketch prints "done" only if the two agree.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include <coop_arduino.h>

const uint8_t LED1 = LED_BUILTIN; /* D13 on an Uno */
const uint8_t LED2 = 12;

/* A blink task and its arguments; state that must survive an AWAIT lives
 * here, not in locals. */
struct blink {
    coop_task_t task;
    uint8_t pin;
    uint16_t interval_ms;
    uint8_t count;
    uint8_t i;
};

static coop_loop_t tasks; /* not "loop": that is the sketch's loop() */
static struct blink led1, led2; /* setup() fills in what they blink */
static coop_task_t *const leds[] = { &led1.task, &led2.task };
static coop_task_t main_task;
static unsigned long start_ms; /* millis() when coop's clock started */

static coop_status_t blink_fn(coop_task_t *task)
{
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    pinMode(b->pin, OUTPUT);
    for (b->i = 0; b->i < b->count; b->i++) {
        digitalWrite(b->pin, HIGH);
        AWAIT_SLEEP_MS(b->interval_ms);
        digitalWrite(b->pin, LOW);
        AWAIT_SLEEP_MS(b->interval_ms);
    }
    ASYNC_END;
}

static coop_status_t main_fn(coop_task_t *task)
{
    long drift;

    ASYNC(task);
    coop_task_spawn(&tasks, &led1.task, blink_fn);
    coop_task_spawn(&tasks, &led2.task, blink_fn);
    AWAIT_GATHER(leds, 2); /* until both have finished */
    drift = (long)(millis() - start_ms) - (long)coop_now();
    if (drift >= -2 && drift <= 2) {
        Serial.println("done");
    } else {
        Serial.print("millis() and coop_now() differ by ");
        Serial.println(drift);
    }
    ASYNC_END;
}

void setup()
{
    led1.pin = LED1;
    led1.interval_ms = 250;
    led1.count = 10;
    led2.pin = LED2;
    led2.interval_ms = 100;
    led2.count = 20;

    Serial.begin(115200);
    coop_avr_clock_start(); /* coop's 1 ms tick on Timer2 */
    start_ms = millis();
    coop_loop_init(&tasks);
    coop_task_spawn(&tasks, &main_task, main_fn);
    coop_loop_run(&tasks); /* returns when every task has ended */

    /* Nothing left to run: let Serial send what it holds, then stop the CPU
     * (a sleep with interrupts off never ends). */
    Serial.flush();
    cli();
    sleep_enable();
    sleep_cpu();
}

void loop()
{
    /* never reached: setup() runs the tasks to their end */
}
