/* PollFromLoop - coop's tasks run from the sketch's own loop().
 *
 * A sketch that already has work in loop() keeps it there and lets coop run
 * its tasks from it: each coop_loop_poll runs what is due (the timers whose
 * time has come, the tasks they woke, once each) and returns at once. Here
 * a task blinks the on-board LED (D13) every 250 ms while loop() echoes what
 * arrives on Serial (115200 Bd), a stand-in for the sketch's own work.
 *
 * What it costs: the CPU no longer sleeps inside coop, and a task wakes as
 * late as the turn of loop() that polls, so loop() must come round often
 * (never delay() in it). A sketch whose work all fits in tasks runs them
 * from setup() with coop_loop_run instead, which sleeps between ticks (see
 * Blink2). coop_loop_idle_ticks(&tasks) says how many ticks nothing is due,
 * for a sketch that wants to sleep by itself.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include <coop_arduino.h>

const uint8_t LED1 = LED_BUILTIN; /* D13 on an Uno */

static coop_loop_t tasks; /* not "loop": that is the sketch's loop() */
static coop_task_t blinker;

static coop_status_t blink_fn(coop_task_t *task)
{
    ASYNC(task);
    pinMode(LED1, OUTPUT);
    for (;;) {
        digitalWrite(LED1, !digitalRead(LED1));
        AWAIT_SLEEP_MS(250);
    }
    ASYNC_END;
}

void setup()
{
    Serial.begin(115200);
    coop_avr_clock_start(); /* coop's 1 ms tick on Timer2 */
    coop_loop_init(&tasks);
    coop_task_spawn(&tasks, &blinker, blink_fn);
}

void loop()
{
    coop_loop_poll(&tasks); /* what is due, once; never sleeps */

    /* the sketch's own work */
    if (Serial.available() > 0) {
        Serial.print("got ");
        Serial.println((char)Serial.read());
    }
}
