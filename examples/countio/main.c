/* examples/countio - count a button's presses with an interrupt and an edge counter.
 *
 * The C twin of "Handling Interrupts with countio" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio". countio counts a
 * pin's edges in the background with an interrupt; a task looks at the count
 * now and then and acts on it. Two pieces:
 *   the interrupt   each falling edge of BUTTON1 (a press pulls the pin low)
 *                   runs button_isr, which adds 1 to an edge counter and
 *                   returns: a few instructions, nothing else
 *   the task        catch_interrupt sleeps until the count is above zero,
 *                   takes it (reads it and sets it back to 0 in one step),
 *                   adds it to the running total and prints both
 *
 *   guide (CircuitPython)                     here (C, coop)
 *   countio.Counter(pin, edge=Edge.FALL)      coop_edges_init(&edges, COOP_EDGE_FALLING)
 *     (the interrupt is inside countio)       coop_pin_on_edge(pin, COOP_EDGE_FALLING, button_isr)
 *   if interrupt.count > 0:                   AWAIT_EDGES(&edges)
 *       interrupt.count = 0                   n = coop_edges_take(&edges)
 *   await asyncio.sleep(0)                    (not needed: AWAIT_EDGES sleeps)
 *
 * The guide's task polls the count with sleep(0), so the CPU never rests;
 * AWAIT_EDGES lets it sleep until the interrupt comes. Edges that come while
 * the task is busy are not lost: they wait in the counter, and the next take
 * returns them all.
 *
 * countio counts every edge, contact bounce included. The demo's third press
 * bounces (its script item ends in '~'): its contacts close with 3 falling
 * edges and open with 2 more, so that one press counts 5. To count presses
 * rather than edges, debounce: examples/keypad (keys.h) or
 * examples/debounced_counter.
 *
 * COOP_PIN_IRQS 1 below says that this program takes pin interrupts: on a
 * chip the port then owns the pin-interrupt vectors (AVR: INT0, INT1, PCINT).
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
 * Two clean presses, a bouncing one, a clean one, quit. */
#define DEMO_SCRIPT "500:1 1200:1 2000:1~ 2800:1 3400:q"

/* The counter the interrupt feeds: countio.Counter. Set up before the
 * interrupt is enabled; afterwards the ISR adds and the task takes. */
static coop_edges_t edges;

/* The interrupt handler: BUTTON1 went low. It runs in interrupt context, so
 * it only reports the edge (coop_edges_report is @isr_ok, O(1)). */
static void button_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    coop_edges_report(&edges, level); /* level false: a falling edge, counted */
}

/* The task that catches the interrupts. Its state lives in the struct: a
 * coroutine's locals do not survive an AWAIT. */
struct catcher {
    coop_task_t task;
    unsigned long total; /* edges counted since the start */
};

static coop_status_t catch_interrupt_fn(coop_task_t *task)
{
    struct catcher *c = COOP_CONTAINER_OF(task, struct catcher, task);
    coop_count_t n;

    ASYNC(task);
    for (;;) {
        AWAIT_EDGES(&edges);       /* sleeps until the count is above zero */
        n = coop_edges_take(&edges); /* read and reset: interrupt.count = 0 */
        c->total += n;
        coop_pin_toggle(BOARD_LED1); /* something to see on a board */
        coop_board_printf("interrupt: %u falling edge(s), %lu in all", (unsigned)n, c->total);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct catcher catcher;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_edges_init(&edges, COOP_EDGE_FALLING); /* before the interrupt can fire */
    if (coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, button_isr) != COOP_OK) {
        coop_board_printf("BUTTON1 cannot interrupt on this board");
        return 1;
    }
    coop_board_printf("press BUTTON1: each falling edge is counted");
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &catcher.task, catch_interrupt_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
