/* coop_blink2.ino - examples/blink2 as an Arduino IDE sketch (Arduino Uno).
 *
 * LED1 (D13, the on-board LED) blinks 10 times at 0.25 s, LED2 (D12) 20
 * times at 0.1 s, each in its own task; when both have finished, "done" goes
 * out on Serial (115200 Bd) and the CPU stops. tests/arduino/run.sh builds
 * it with arduino-builder and checks it in simavr (make test-arduino).
 *
 * The sketch folder holds coop next to this file: avr.h (from ports/) and
 * coop.h at the top, the coop/ folder of include/ beside them:
 *     coop_blink2/coop_blink2.ino  avr.h  coop.h  coop/config.h ...
 * Only this file defines COOP_IMPLEMENTATION (another .ino or .cpp of the
 * sketch includes "avr.h" without it).
 *
 * Timers: the Arduino core keeps Timer0 for millis(), micros(), delay() and
 * the PWM of D5/D6, so coop's 1 ms tick runs on Timer2. Timer2 is then
 * coop's: no analogWrite() on D3/D11 and no tone() (tone() also defines
 * Timer2's interrupt: the link would fail). millis() keeps counting (the
 * sketch checks it against coop's clock), but a task waits with
 * AWAIT_SLEEP_MS, never with delay(), which would stall every task.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#define COOP_AVR_TICK_TIMER 2
#include "avr.h"

/* A blink task and its arguments; state that must survive an AWAIT lives
 * here, not in locals. */
struct blink {
    coop_task_t task;
    coop_pin_t pin;
    uint32_t interval_ms;
    uint8_t count;
    uint8_t i;
};

static coop_loop_t main_loop; /* not "loop": that is the sketch's loop() */
static struct blink led1, led2;
static coop_task_t *const leds[] = { &led1.task, &led2.task };
static coop_task_t main_task;
static unsigned long start_ms; /* millis() when coop's clock started */

static coop_status_t blink_fn(coop_task_t *task)
{
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    coop_pin_output(b->pin, false);
    for (b->i = 0; b->i < b->count; b->i++) {
        coop_pin_write(b->pin, true);
        AWAIT_SLEEP_MS(b->interval_ms);
        coop_pin_write(b->pin, false);
        AWAIT_SLEEP_MS(b->interval_ms);
    }
    ASYNC_END;
}

static coop_status_t main_fn(coop_task_t *task)
{
    long drift;

    ASYNC(task);
    coop_task_spawn(&main_loop, &led1.task, blink_fn);
    coop_task_spawn(&main_loop, &led2.task, blink_fn);
    AWAIT_GATHER(leds, 2); /* until both have finished */
    /* the core's clock (Timer0) kept time next to coop's (Timer2) */
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
    led1.pin = BOARD_LED1;
    led1.interval_ms = 250;
    led1.count = 10;
    led2.pin = BOARD_LED2;
    led2.interval_ms = 100;
    led2.count = 20;

    Serial.begin(115200);
    coop_avr_clock_start(); /* the 1 ms tick on Timer2; interrupts on */
    start_ms = millis();
    coop_loop_init(&main_loop);
    coop_task_spawn(&main_loop, &main_task, main_fn);
    coop_loop_run(&main_loop); /* returns when every task has ended */

    /* Nothing left to run: let Serial send what it holds, then stop the CPU
     * (a sleep with interrupts off never ends; simavr ends the run there). */
    Serial.flush();
    cli();
    sleep_enable();
    sleep_cpu();
}

void loop()
{
    /* never reached: setup() runs the tasks to the end */
}
