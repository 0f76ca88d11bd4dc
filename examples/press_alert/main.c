/* examples/press_alert - count presses, flash an alert for each, reset with a long press.
 *
 * The C twin of the "Practical Exercise: Build a Press-to-Alert Device" (with
 * its optional long press) in the MicroPython session "Interrupts and Async:
 * Safe Handoffs to the Event Loop" (Raspberry Pi Pico 2 W):
 *   - a button interrupt records each change of BUTTON1 (both edges)
 *   - the loop debounces them (bounces are ignored) into presses
 *   - each press adds 1 to a counter, prints it and flashes LED2 3 times
 *   - holding the button for LONG_MS resets the counter (the long press)
 *   - LED1 keeps a heartbeat: the system stays responsive throughout
 *
 * The interrupt only hands the edge over: coop_keys_edge stores the pin's new
 * level and the time, O(1). The debouncing runs in the loop, in a task that
 * coop_keys_edge_spawn starts: a level counts once it has held DEBOUNCE_MS,
 * and a press still held LONG_MS after it began queues a LONG event.
 *
 *   guide (exercise)                     here (C, coop)
 *   ISR sets button_event = True         coop_keys_edge(&keys, 0, level, coop_port_now())
 *   debounce using time.ticks_ms()       coop_keys_init(..., DEBOUNCE_MS) + coop_keys_edge_spawn
 *   "long press" detection in the loop   coop_keys_set_long(&keys, LONG_MS): a COOP_KEYS_LONG event
 *   async task checks the event          AWAIT_KEYS(&keys); coop_keys_get(&keys, &ev)
 *
 * A press counts when it is released, and only if it did not become a long
 * press: so a long press resets the counter without adding to it first. The
 * flashes are a task of their own that the counter task only feeds (3 more
 * flashes per press), so quick presses queue their flashes instead of cutting
 * each other short.
 *
 * On the host, hold key 1 down for a long press: the terminal repeats the key
 * and each repeat holds BUTTON1 down longer (the first 100 ms count as a
 * short press of their own before the repeats begin).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#define COOP_PIN_IRQS 1
#ifndef COOP_PORT
#define COOP_PORT "host.h"
#endif
#include COOP_PORT

/* Keys at ms after start, for runs without a person at the keyboard (the
 * host with stdin not a terminal, the virtual port); hardware ignores it.
 * Three presses (one bouncing), a long press (keys 90 ms apart hold the
 * button down from 2200 to 2930 ms), a press, quit. */
#define DEMO_SCRIPT "500:1 1000:1~ 1300:1 2200:1 2290:1 2380:1 2470:1 2560:1 2650:1 2740:1 2830:1 3300:1 4000:q"

#define DEBOUNCE_MS 20  /* a level must hold this long to count */
#define LONG_MS 600     /* a press held this long is a long press */
#define HEARTBEAT_MS 500
#define FLASHES 3       /* per press */
#define FLASH_MS 100

/* The debouncer (one key) and its event queue. */
static coop_keys_t keys;
static coop_keys_slot_t slot[1];
static coop_keys_event_t queue[8];
static coop_keys_task_t debouncer; /* runs the debouncing in the loop */

/* The interrupt handler: BUTTON1 changed. Only records the new level and
 * when (coop_port_now is @isr_ok). */
static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    coop_keys_edge(&keys, 0, level, coop_port_now());
}

/* The alert: flashes LED2 while flashes are owed. */
struct alert {
    coop_task_t task;
    coop_flag_t more;  /* set when flashes are added */
    unsigned pending;  /* flashes still owed */
};

static coop_status_t alert_fn(coop_task_t *task)
{
    struct alert *a = COOP_CONTAINER_OF(task, struct alert, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&a->more);
        while (a->pending > 0) {
            a->pending--;
            coop_pin_write(BOARD_LED2, true);
            AWAIT_SLEEP_MS(FLASH_MS);
            coop_pin_write(BOARD_LED2, false);
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
    bool was_long;         /* the press under way became a long press */
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
                coop_board_printf("long press: counter reset to 0");
            } else if (c->ev.kind == COOP_KEYS_RELEASED && !c->was_long) {
                c->presses++;
                coop_board_printf("press %lu", c->presses);
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
        coop_pin_toggle(BOARD_LED1);
        AWAIT_SLEEP_MS(HEARTBEAT_MS);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct alert alert;
static struct counter counter; /* main points it at the alert */
static coop_task_t heartbeat;

int main(void)
{
    counter.alert = &alert;
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_output(BOARD_LED2, false);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    /* the objects the interrupt touches, before it is enabled */
    coop_keys_init(&keys, slot, 1, queue, 8, false, DEBOUNCE_MS); /* active low */
    coop_keys_set_long(&keys, LONG_MS);
    coop_flag_init(&alert.more);
    if (coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_BOTH, button_isr) != COOP_OK) {
        coop_board_printf("BUTTON1 cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("press BUTTON1 to count, hold it %u ms to reset", (unsigned)LONG_MS);
    coop_loop_init(&loop);
    coop_keys_edge_spawn(&loop, &debouncer, &keys);
    coop_task_spawn(&loop, &counter.task, counter_fn);
    coop_task_spawn(&loop, &alert.task, alert_fn);
    coop_task_spawn(&loop, &heartbeat, heartbeat_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
