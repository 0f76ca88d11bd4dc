/* examples/blink2 - blink two LEDs at once, each with its own task.
 *
 * The C twin of "Blinking LEDs with asyncio / Two LEDs" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio": LED1 blinks 10
 * times at 0.25 s, LED2 20 times at 0.1 s, both starting together; when both
 * have finished, main prints "done" (after 5 s, when LED1 ends).
 *
 * blink_fn is the same as in blink1: two tasks are just two structs. The
 * guide's point holds here too: the tasks do not know about each other, and
 * each keeps its own time because AWAIT_SLEEP_MS lets the other one run.
 *
 *   guide (Python asyncio)                      here (C, coop)
 *   asyncio.gather(led1_task, led2_task)        AWAIT_GATHER(leds, 2)
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* A blink task and its arguments; state that must survive an AWAIT lives
 * here, not in locals. */
struct blink {
    coop_task_t task;
    coop_pin_t pin;
    uint32_t interval_ms;
    uint8_t count;
    uint8_t i;
};

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

static coop_loop_t loop;
static struct blink led1, led2; /* main fills in what they blink, before they run */
static coop_task_t *const leds[] = { &led1.task, &led2.task };
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&loop, &led1.task, blink_fn);
    coop_task_spawn(&loop, &led2.task, blink_fn);
    AWAIT_GATHER(leds, 2); /* until both have finished */
    coop_board_puts("done");
    ASYNC_END;
}

int main(void)
{
    led1.pin = BOARD_LED1;
    led1.interval_ms = 250;
    led1.count = 10;
    led2.pin = BOARD_LED2;
    led2.interval_ms = 100;
    led2.count = 20;
    coop_board_init();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
