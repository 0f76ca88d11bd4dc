/* examples/cancel_alert - a press starts a 5-second alert, a second press cancels it.
 *
 * The C twin of the home practice of the MicroPython session "Interrupts and
 * Async: Safe Handoffs to the Event Loop" (Raspberry Pi Pico 2 W, section
 * 12): "the first button press starts a 5-second blinking alert, a second
 * button press during the alert cancels it, the LED indicates the current
 * state".
 *   - BUTTON1's interrupt hands each edge to the loop (coop_keys_edge), where
 *     it is debounced into presses: a bouncing press is one press, so it
 *     cannot start an alert and cancel it at once
 *   - a press with no alert running starts one: a task that blinks LED1
 *     (250 ms on, 250 ms off) for 5 s, then ends by itself
 *   - a press during the alert cancels that task (coop_task_cancel): it never
 *     resumes where it was; its FINALLY section runs instead, turns LED1 off
 *     and says how long the alert ran
 *   - a press after the alert has ended (or was cancelled) starts a new one
 * LED1 is the state: blinking while an alert runs, off otherwise.
 *
 *   Python asyncio (a solution of the exercise)   here (C, coop)
 *   button.irq(handler=button_isr)                coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_BOTH, button_isr)
 *   debounce with time.ticks_diff()               coop_keys_init(..., DEBOUNCE_MS) + coop_keys_edge_spawn
 *   alert = asyncio.create_task(blink_alert())    coop_task_spawn(&loop, &alert.task, alert_fn)
 *   if alert and not alert.done():                if (coop_task_result(&alert.task) == COOP_EAGAIN)
 *       alert.cancel()                                coop_task_cancel(&alert.task)
 *   try: ... finally: led.off()                   FINALLY; coop_pin_write(BOARD_LED1, false)
 *   except asyncio.CancelledError:                FINALLY, with a->over still false
 *   await asyncio.sleep_ms(250)                   AWAIT_SLEEP_MS(BLINK_MS)
 *
 * No exception is thrown here: a cancelled task jumps to its FINALLY
 * section, which runs however the task ends (like Python's finally), and
 * tells the two cases apart by what the body recorded (a->over). The task is
 * the same struct each time: a task that has ended, normally or cancelled,
 * can be spawned again.
 *
 * On the host, in a terminal, press 1 (and again within 5 s to cancel).
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
 * A press starts an alert, a press cancels it (LED1 on at that moment), a
 * bouncing press starts one that runs its 5 s, a press starts one more, a
 * press cancels it (LED1 off at that moment), quit. */
#define DEMO_SCRIPT "300:1 1425:1 1800:1~ 7000:1 7375:1 7600:q"

#define DEBOUNCE_MS 20 /* a level must hold this long to count */
#define ALERT_MS 5000  /* how long an alert blinks */
#define BLINK_MS 250   /* LED1 on this long, then off this long */
#define BLINKS (ALERT_MS / (2 * BLINK_MS))

/* The debouncer (one key) and its event queue, fed by the interrupt. */
static coop_keys_t keys;
static coop_keys_slot_t slot[1];
static coop_keys_event_t queue[8];
static coop_keys_task_t debouncer; /* runs the debouncing in the loop */

/* The interrupt handler: BUTTON1 changed. Records the level and the time. */
static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    coop_keys_edge(&keys, 0, level, coop_port_now());
}

/* A tick time as ms (ticks wrap: only differences count). */
static unsigned long ms_between(coop_tick_t from, coop_tick_t to)
{
    return (unsigned long)((coop_tick_t)(to - from) * 1000ul / COOP_TICK_HZ);
}

/* ---------------------------------------------------------------- the alert */
struct alert {
    coop_task_t task;
    coop_tick_t start;
    uint8_t blink;  /* the blink under way, 0..9 */
    bool over;      /* the body ran to its end (not cancelled) */
};

static coop_status_t alert_fn(coop_task_t *task)
{
    struct alert *a = COOP_CONTAINER_OF(task, struct alert, task);

    ASYNC(task);
    a->start = coop_now();
    a->over = false;
    coop_board_printf("alert: LED1 blinks for %u ms", (unsigned)ALERT_MS);
    for (a->blink = 0; a->blink < BLINKS; a->blink++) {
        coop_pin_write(BOARD_LED1, true);
        AWAIT_SLEEP_MS(BLINK_MS); /* a cancel lands here (or below): */
        coop_pin_write(BOARD_LED1, false);
        AWAIT_SLEEP_MS(BLINK_MS); /* the task goes to FINALLY instead */
    }
    a->over = true;
    FINALLY; /* runs however the task ends: normally, or cancelled */
    coop_pin_write(BOARD_LED1, false); /* off in any case */
    if (a->over)
        coop_board_printf("alert: over after %lu ms", ms_between(a->start, coop_now()));
    else
        coop_board_printf("alert: cancelled after %lu ms, in blink %u of %u; LED1 off",
                          ms_between(a->start, coop_now()), (unsigned)a->blink + 1u,
                          (unsigned)BLINKS);
    ASYNC_END;
}

/* ---------------------------------------------------------------- the button */
static coop_loop_t loop;
static struct alert alert;

struct watcher {
    coop_task_t task;
    coop_keys_event_t ev;
};

/* Each press starts the alert, or cancels it if it runs. */
static coop_status_t watcher_fn(coop_task_t *task)
{
    struct watcher *w = COOP_CONTAINER_OF(task, struct watcher, task);

    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&keys);
        while (coop_keys_get(&keys, &w->ev)) {
            if (w->ev.kind != COOP_KEYS_PRESSED)
                continue;
            if (coop_task_result(&alert.task) == COOP_EAGAIN) { /* alive */
                coop_board_printf("press: cancel the alert");
                coop_task_cancel(&alert.task); /* its FINALLY runs next */
            } else { /* never started, over, or cancelled */
                coop_board_printf("press: start the alert");
                coop_task_spawn(&loop, &alert.task, alert_fn);
            }
        }
    }
    ASYNC_END;
}

static struct watcher watcher;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    /* the objects the interrupt touches, before it is enabled */
    coop_keys_init(&keys, slot, 1, queue, 8, false, DEBOUNCE_MS); /* active low */
    if (coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_BOTH, button_isr) != COOP_OK) {
        coop_board_printf("BUTTON1 cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("press BUTTON1: an alert for %u ms; press again to cancel it",
                      (unsigned)ALERT_MS);
    coop_loop_init(&loop);
    coop_keys_edge_spawn(&loop, &debouncer, &keys);
    coop_task_spawn(&loop, &watcher.task, watcher_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
