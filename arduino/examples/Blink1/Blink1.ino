/* Blink1 - blink one LED with a task.
 *
 * A task blinks the on-board LED (D13) ten times, 0.25 s on and 0.25 s off;
 * the main task starts it, waits for it to finish and prints "done" on
 * Serial (115200 Bd). coop's example blink1 (examples/blink1/main.c) as a
 * sketch: the Adafruit guide's "Cooperative Multitasking in CircuitPython
 * with asyncio", One LED.
 *
 *   guide (Python asyncio)           here (coop)
 *   async def blink(...)             coop_status_t blink_fn(coop_task_t *)
 *   await asyncio.sleep(0.25)        AWAIT_SLEEP_MS(250)
 *   asyncio.create_task(blink(...))  coop_task_spawn(&tasks, &led1.task, blink_fn)
 *   await asyncio.gather(led_task)   AWAIT_JOIN(&led1.task)
 *   asyncio.run(main())              coop_loop_run(&tasks)
 *
 * The tasks run to their end from setup(): coop_loop_run puts the CPU to
 * sleep until the next edge is due and returns when every task has ended,
 * so loop() is never reached.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include <coop_arduino.h>

const uint8_t LED1 = LED_BUILTIN; /* D13 on an Uno */

/* A blink task and its arguments. A coroutine's locals do not survive an
 * AWAIT, so everything it needs after one (the loop counter too) lives here. */
struct blink {
    coop_task_t task; /* the task itself: the loop hands blink_fn a pointer to it */
    uint8_t pin;
    uint16_t interval_ms;
    uint8_t count;
    uint8_t i; /* the loop counter */
};

static coop_status_t blink_fn(coop_task_t *task)
{
    /* From the task back to the struct around it. */
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    pinMode(b->pin, OUTPUT);
    for (b->i = 0; b->i < b->count; b->i++) {
        digitalWrite(b->pin, HIGH);
        AWAIT_SLEEP_MS(b->interval_ms); /* never delay(): other tasks run meanwhile */
        digitalWrite(b->pin, LOW);
        AWAIT_SLEEP_MS(b->interval_ms);
    }
    ASYNC_END;
}

static coop_loop_t tasks; /* not "loop": that is the sketch's loop() */
static struct blink led1; /* setup() fills in what it blinks */
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&tasks, &led1.task, blink_fn); /* it starts running soon */
    AWAIT_JOIN(&led1.task);                        /* until it has finished */
    Serial.println("done");
    ASYNC_END;
}

void setup()
{
    led1.pin = LED1;        /* the on-board LED, */
    led1.interval_ms = 250; /* 250 ms on, 250 ms off, */
    led1.count = 10;        /* 10 times */

    Serial.begin(115200);
    coop_avr_clock_start(); /* coop's 1 ms tick on Timer2 */
    coop_loop_init(&tasks);
    coop_task_spawn(&tasks, &main_task, main_fn);
    coop_loop_run(&tasks); /* until every task has ended */

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
