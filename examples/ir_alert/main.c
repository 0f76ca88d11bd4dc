/* examples/ir_alert - an IR proximity sensor's rising edge raises an alert.
 *
 * The C twin of "An Interrupt in MicroPython" (ESP8266/ESP32): an IR
 * reflective sensor's OUT pin goes high when something comes near; instead
 * of checking the pin in every turn of the main loop (and missing what
 * happens during its delays), an interrupt on the pin's rising edge reports
 * it. Here:
 *   the interrupt   a rising edge of the sensor pin sets a flag (the
 *                   article's handler only records the pin, too)
 *   alert task      waits for the flag, prints "Alert!!!" and lights LED2
 *                   for ALERT_MS
 *   the main work   LED1 blinks: the program does other things meanwhile,
 *                   and never spends a moment checking the sensor
 *
 *   article (MicroPython)                          here (C, coop)
 *   alertPin = mc.Pin(5, mc.Pin.IN)                coop_pin_input(SENSOR_PIN, COOP_PULL_UP)
 *   alertPin.irq(trigger=mc.Pin.IRQ_RISING,        coop_pin_on_edge(SENSOR_PIN, COOP_EDGE_RISING,
 *                handler=alert_interrupt)                           sensor_isr)
 *   def alert_interrupt(pin): interrupt_pin = pin  coop_flag_set(&near)
 *   (main loop) ... print("Alert!!!")              AWAIT_FLAG(&near); coop_board_printf("Alert!!! ...")
 *
 * Wiring: the sensor's OUT to BUTTON1's pin (D2 on an Arduino Uno: INT0),
 * VCC and GND to the board's. The pull-up keeps the pin high when nothing
 * is connected. On the PC ports key 1 stands in for the sensor: it pulls the
 * pin low for a moment, and the pin rising again is the edge that alerts
 * (100 ms after the key).
 *
 * Rising edges during an alert belong to it (a sensor's output may flicker
 * at the edge of its range): the task clears the flag when the alert ends.
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
 * The pin rises 100 ms after each key: at 600, 1400, 1600 (during the second
 * alert) and 2300 ms; quit. */
#define DEMO_SCRIPT "500:1 1300:1 1500:1 2200:1 2900:q"

#define SENSOR_PIN BOARD_BUTTON1
#define ALERT_MS 400 /* LED2 stays on this long */
#define BLINK_MS 250 /* the main work: LED1 */

static coop_flag_t near; /* set by the interrupt: something came near */

static void sensor_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    (void)level; /* always true: only rising edges were asked for */
    coop_flag_set(&near);
}

/* The alert task. */
struct alert {
    coop_task_t task;
    unsigned long alerts;
};

static coop_status_t alert_fn(coop_task_t *task)
{
    struct alert *a = COOP_CONTAINER_OF(task, struct alert, task);

    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&near);
        a->alerts++;
        coop_board_printf("Alert!!! something is near (%lu)", a->alerts);
        coop_pin_write(BOARD_LED2, true);
        AWAIT_SLEEP_MS(ALERT_MS);
        coop_pin_write(BOARD_LED2, false);
        (void)coop_flag_take(&near); /* edges during the alert were part of it */
    }
    ASYNC_END;
}

/* The program's other work. */
static coop_status_t blink_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        AWAIT_SLEEP_MS(BLINK_MS);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct alert alert;
static coop_task_t blink;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_output(BOARD_LED2, false);
    coop_pin_input(SENSOR_PIN, COOP_PULL_UP);
    coop_flag_init(&near); /* before the interrupt can set it */
    if (coop_pin_on_edge(SENSOR_PIN, COOP_EDGE_RISING, sensor_isr) != COOP_OK) {
        coop_board_printf("the sensor pin cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("watching the sensor");
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &alert.task, alert_fn);
    coop_task_spawn(&loop, &blink, blink_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
