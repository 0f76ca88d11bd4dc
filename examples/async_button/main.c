/* examples/async_button - a blink task and a button task share one LED; an interrupt sets the flag.
 *
 * The C twin of "Hands-On: Event Loop with LED and Button" (Code: Async
 * Button Response) in the MicroPython session "Interrupts and Async: Safe
 * Handoffs to the Event Loop" (Raspberry Pi Pico 2 W):
 *   the interrupt   BUTTON1's falling edge (a press) sets a flag
 *   blink_task      toggles LED1 every 500 ms, forever
 *   button_task     every 10 ms: if the flag is set, clear it, print "Button
 *                   pressed!", turn LED1 on and sleep 100 ms
 *   main            starts both, then prints "Running async event loop..."
 *                   every second
 *
 *   guide (MicroPython, uasyncio)                 here (C, coop)
 *   button_event = True (in button_isr)           coop_flag_set(&button_event)
 *   button.irq(trigger=Pin.IRQ_FALLING, ...)      coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, ...)
 *   if button_event: button_event = False         if (coop_flag_take(&button_event))
 *   led.on()                                      coop_pin_write(BOARD_LED1, true)
 *   await asyncio.sleep_ms(100)                   AWAIT_SLEEP_MS(100)
 *   asyncio.create_task(blink_task())             coop_task_spawn(&loop, &blinker, blink_task_fn)
 *   asyncio.run(main())                           coop_loop_run(&loop)
 *
 * The timing is the guide's: the button task looks at the flag every 10 ms
 * (every 110 ms after a press), so a press shows at its next look, and each
 * falling edge sets the flag, bounces too: a bouncing press can show twice
 * (the demo's second press does). The two tasks share LED1 without knowing
 * of each other: a press turns it on, the blink turns it off again at its
 * next toggle, or back on. examples/irq_alert waits on the flag instead of
 * looking (AWAIT_FLAG wakes at the edge and sleeps otherwise).
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
 * Three presses, each while the blink has LED1 off (each turns it on, and
 * the blink's next toggle turns it off: the blink's phase flips); the second
 * bounces and shows twice; quit. None is seen on a tick the blink toggles. */
#define DEMO_SCRIPT "1605:1 2213:1~ 3505:1 4200:q"

static coop_flag_t button_event; /* set by the interrupt */

static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&button_event);
}

static coop_status_t blink_task_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        AWAIT_SLEEP_MS(500);
    }
    ASYNC_END;
}

static coop_status_t button_task_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        if (coop_flag_take(&button_event)) {
            coop_board_printf("Button pressed!");
            coop_pin_write(BOARD_LED1, true);
            AWAIT_SLEEP_MS(100);
        }
        AWAIT_SLEEP_MS(10);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t blinker, button, main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&loop, &blinker, blink_task_fn);
    coop_task_spawn(&loop, &button, button_task_fn);
    for (;;) {
        AWAIT_SLEEP_MS(1000);
        coop_board_printf("Running async event loop...");
    }
    ASYNC_END;
}

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
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &main_task, main_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
