/* examples/button_flag - a button interrupt sets a flag; the main loop toggles the LED.
 *
 * The C twin of "Hands-On: Button Interrupt Basics" in the MicroPython
 * session "Interrupts and Async: Safe Handoffs to the Event Loop" (Raspberry
 * Pi Pico 2 W), the session's first program:
 *   the interrupt   BUTTON1's falling edge (a press) sets a flag, nothing more
 *   the main loop   every 20 ms: if the flag is set, clear it, toggle LED1 and
 *                   print "Button pressed: LED toggled"
 *
 *   guide (MicroPython)                           here (C, coop)
 *   button_pressed = True (in button_isr)         coop_flag_set(&button_pressed)
 *   button.irq(trigger=Pin.IRQ_FALLING, ...)      coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, ...)
 *   if button_pressed: button_pressed = False     if (coop_flag_take(&button_pressed))
 *   led.toggle()                                  coop_pin_toggle(BOARD_LED1)
 *   while True: ... time.sleep_ms(20)             for (;;) { ... AWAIT_SLEEP_MS(20); } in a task
 *
 * The main loop is a task: its sleep is the loop's, so the board sleeps in
 * it (and the PC ports can play the demo's keys). The flag is a coop_flag_t
 * rather than a bool: coop_flag_take reads and clears it in one step, so an
 * edge between the guide's check and its clear is not lost.
 *
 * The timing is the guide's: an edge is seen at the next 20 ms turn, and
 * every falling edge sets the flag, bounces too. A bouncing press whose
 * edges fall on both sides of a turn toggles the LED twice, and its release
 * may bounce low again (the demo's second press toggles three times). The
 * session's next program debounces: examples/debounced_counter.
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
 * A clean press; a bouncing one across a turn (at 1020 ms); a bouncing one
 * inside a turn; a clean one; quit. The loop turns at 0, 20, 40, ... ms. */
#define DEMO_SCRIPT "505:1 1013:1~ 1505:1~ 2005:1 2500:q"

static coop_flag_t button_pressed; /* set by the interrupt */

static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&button_pressed);
}

static coop_status_t main_loop_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        if (coop_flag_take(&button_pressed)) {
            coop_pin_toggle(BOARD_LED1);
            coop_board_printf("Button pressed: LED toggled");
        }
        AWAIT_SLEEP_MS(20);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t main_loop;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);          /* the LED */
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP); /* the button, to ground */
    coop_flag_init(&button_pressed);             /* before the interrupt can set it */
    if (coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, button_isr) != COOP_OK) {
        coop_board_printf("BUTTON1 cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("Press the button to toggle the LED");
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &main_loop, main_loop_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
