/* examples/debounced_counter - the interrupt records a press, the loop debounces and counts.
 *
 * The C twin of "Hands-On: Debounced Interrupt Counter" in the MicroPython
 * session "Interrupts and Async: Safe Handoffs to the Event Loop" (Raspberry
 * Pi Pico 2 W). A mechanical button bounces: one press closes and opens the
 * contacts a few times within milliseconds, and each falling edge is an
 * interrupt. The guide's rule: debounce in the main loop, not in the ISR.
 *   the interrupt   each falling edge of BUTTON1 sets a flag: that is all
 *   the task        waits for the flag; a press that comes more than
 *                   DEBOUNCE_MS after the last counted one is a new press
 *                   (count it, toggle LED1, print the count); an edge sooner
 *                   than that is the same press bouncing (ignore it)
 *
 *   guide (MicroPython)                             here (C, coop)
 *   button_event = True (in button_isr)             coop_flag_set(&button_event)
 *   button.irq(trigger=Pin.IRQ_FALLING, ...)        coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, ...)
 *   while True: if button_event: ...                AWAIT_FLAG(&button_event)  (sleeps, clears it)
 *   now = time.ticks_ms()                           now = coop_now()
 *   time.ticks_diff(now, last_press_time)           coop_tick_diff(now, c->last_press)
 *   time.sleep_ms(10)                               (not needed: AWAIT_FLAG sleeps)
 *
 * The flag (MicroPython's ThreadSafeFlag) replaces the guide's global
 * boolean: setting it wakes the task, and a set that comes between the
 * task's check and its sleep cannot be lost.
 *
 * This debouncer looks only at time, as the guide's does: it also ignores a
 * real second press within DEBOUNCE_MS, and a release that bounces more than
 * DEBOUNCE_MS after the press would count again (the demo's presses are held
 * 100 ms). keys.h debounces on the pin's level instead: examples/keypad.
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
 * Bouncing presses ('~') and a clean one, then quit. */
#define DEMO_SCRIPT "500:1~ 1000:1 1500:1~ 2000:1~ 2500:q"

#define DEBOUNCE_MS 200 /* the guide's debounce_ms */

/* Set by the interrupt, taken by the task. */
static coop_flag_t button_event;

/* The interrupt handler: BUTTON1 went low. Only records it. */
static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&button_event);
}

/* The counting task and what it remembers between wake-ups. */
struct counter {
    coop_task_t task;
    unsigned long presses;  /* press_count */
    coop_tick_t last_press; /* last_press_time, valid once counted is true */
    bool counted;           /* a press has been counted */
    coop_stick_t since;     /* ticks since the last counted press */
};

static coop_status_t counter_fn(coop_task_t *task)
{
    struct counter *c = COOP_CONTAINER_OF(task, struct counter, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&button_event); /* the ISR saw at least one falling edge */
        c->since = coop_tick_diff(coop_now(), c->last_press);
        /* ticks wrap (16-bit ticks every 65.5 s): a negative difference is a
         * press long ago, not a future one */
        if (!c->counted || c->since < 0 || c->since > (coop_stick_t)coop_ticks_from_ms(DEBOUNCE_MS)) {
            c->counted = true;
            c->last_press = coop_now();
            c->presses++;
            coop_pin_toggle(BOARD_LED1);
            coop_board_printf("Press count: %lu", c->presses);
        } else {
            coop_board_printf("bounce ignored (%ld ms after the press)",
                              (long)c->since * 1000L / COOP_TICK_HZ);
        }
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct counter counter;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_flag_init(&button_event); /* before the interrupt can set it */
    if (coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, button_isr) != COOP_OK) {
        coop_board_printf("BUTTON1 cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("Press the button");
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &counter.task, counter_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
