/* examples/irq_alert - a button interrupt starts an alert while a heartbeat keeps blinking.
 *
 * The C twin of "Integrated Project: Interrupt-Triggered Async Task" in the
 * MicroPython session "Interrupts and Async: Safe Handoffs to the Event
 * Loop" (Raspberry Pi Pico 2 W). Three parts:
 *   the interrupt   BUTTON1's falling edge (a press) sets a flag, nothing more
 *   idle_blink      the heartbeat: toggles LED1 every 700 ms, forever
 *   event_watcher   waits for the flag, prints "Event detected: starting
 *                   alert", then awaits alert_flash: LED2 flashes 3 times
 *                   (100 ms on, 100 ms off) while LED1 keeps its beat
 *
 *   guide (MicroPython, uasyncio)                 here (C, coop)
 *   button.irq(trigger=Pin.IRQ_FALLING, ...)      coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, ...)
 *   button_event = True (in button_isr)           coop_flag_set(&button_event)
 *   if button_event: button_event = False         AWAIT_FLAG(&button_event)
 *   await alert_flash()                           AWAIT_CALL(&w->flash, alert_flash(&w->flash))
 *   await asyncio.sleep_ms(100)                   AWAIT_SLEEP_MS(100)
 *   asyncio.create_task(idle_blink())             coop_task_spawn(&loop, &heartbeat.task, idle_blink_fn)
 *
 * alert_flash is a child coroutine, not a task: event_watcher runs it to its
 * end with AWAIT_CALL, as the guide's `await alert_flash()` does. It has its
 * own small state struct (its resume point and loop counter).
 *
 * One alert at a time: presses that come during an alert (and the bounces of
 * the press that started it) are part of that alert, so the watcher clears
 * the flag when the alert ends. The guide's version would flash once more.
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
 * A press, a bouncing press and a press during its alert, a press, quit. */
#define DEMO_SCRIPT "1000:1 2050:1~ 2400:1 3300:1 4150:q"

#define HEARTBEAT_MS 700 /* LED1 toggles this often */
#define FLASHES 3        /* LED2 flashes per alert ... */
#define FLASH_MS 100     /* ... this long on, this long off */

static coop_flag_t button_event; /* set by the interrupt */

static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level;
    coop_flag_set(&button_event);
}

/* The heartbeat. */
static coop_status_t idle_blink_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        AWAIT_SLEEP_MS(HEARTBEAT_MS);
    }
    ASYNC_END;
}

/* The alert, a child coroutine: its state is its resume point and counter. */
struct flash {
    coop_lc_t lc;
    uint8_t i;
};

static coop_status_t alert_flash(struct flash *f)
{
    ASYNC(f);
    for (f->i = 0; f->i < FLASHES; f->i++) {
        coop_pin_write(BOARD_LED2, true);
        AWAIT_SLEEP_MS(FLASH_MS);
        coop_pin_write(BOARD_LED2, false);
        AWAIT_SLEEP_MS(FLASH_MS);
    }
    ASYNC_END;
}

/* The watcher: waits for the interrupt's flag, then runs an alert. */
struct watcher {
    coop_task_t task;
    struct flash flash; /* the child's state, inside the parent's */
};

static coop_status_t event_watcher_fn(coop_task_t *task)
{
    struct watcher *w = COOP_CONTAINER_OF(task, struct watcher, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&button_event);
        coop_board_printf("Event detected: starting alert");
        AWAIT_CALL(&w->flash, alert_flash(&w->flash));
        (void)coop_flag_take(&button_event); /* presses during the alert were part of it */
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t heartbeat;
static struct watcher watcher;
static coop_task_t *const tasks[] = { &heartbeat, &watcher.task };
static coop_task_t main_task;

static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&loop, &heartbeat, idle_blink_fn);
    coop_task_spawn(&loop, &watcher.task, event_watcher_fn);
    coop_board_printf("Interrupt + async demo ready");
    AWAIT_GATHER(tasks, 2); /* forever: neither ever ends */
    ASYNC_END;
}

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_output(BOARD_LED2, false);
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
