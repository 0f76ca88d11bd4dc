/* examples/blink1 - blink one LED with a task.
 *
 * The C twin of "Blinking LEDs with asyncio / One LED" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio": a task blinks
 * LED1 ten times, 0.25 s on and 0.25 s off; the main task starts it, waits
 * for it to finish and prints "done".
 *
 *   guide (Python asyncio)           here (C, coop)
 *   async def blink(...)             coop_status_t blink_fn(coop_task_t *)
 *   await asyncio.sleep(0.25)        AWAIT_SLEEP_MS(250)
 *   asyncio.create_task(blink(...))  coop_task_spawn(&loop, &led.task, blink_fn)
 *   await asyncio.gather(led_task)   AWAIT_JOIN(&led.task)
 *   asyncio.run(main())              coop_loop_run(&loop)
 *
 * The same file builds for every port: `make run EX=blink1` (host), or with
 * -DCOOP_PORT='"virtual.h"' for the virtual clock (instant, exact timeline).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* A blink task and its arguments. A coroutine's locals do not survive an
 * AWAIT, so everything it needs after one (the loop counter too) lives here. */
struct blink {
    coop_task_t task;     /* the task itself: the loop hands blink_fn a pointer to it */
    coop_pin_t pin;
    uint32_t interval_ms;
    uint8_t count;
    uint8_t i;            /* the loop counter */
};

static coop_status_t blink_fn(coop_task_t *task)
{
    /* From the task back to the struct around it. */
    struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);

    ASYNC(task);
    coop_pin_output(b->pin, false);
    for (b->i = 0; b->i < b->count; b->i++) {
        coop_pin_write(b->pin, true);
        AWAIT_SLEEP_MS(b->interval_ms); /* don't forget the AWAIT: other tasks run meanwhile */
        coop_pin_write(b->pin, false);
        AWAIT_SLEEP_MS(b->interval_ms);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct blink led1; /* main fills in what it blinks, before it runs */
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&loop, &led1.task, blink_fn); /* it starts running soon */
    AWAIT_JOIN(&led1.task);                       /* until it has finished */
    coop_board_puts("done");
    ASYNC_END;
}

int main(void)
{
    led1.pin = BOARD_LED1;  /* LED1, */
    led1.interval_ms = 250; /* 250 ms on, 250 ms off, */
    led1.count = 10;        /* 10 times */
    coop_board_init();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1; /* until every task has ended */
}
