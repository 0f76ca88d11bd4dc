/* examples/countio - count a button's presses with an interrupt and an edge counter.
 *
 * The C twin of "Handling Interrupts with countio" in the Adafruit guide
 * "Cooperative Multitasking in CircuitPython with asyncio". countio counts a
 * pin's edges in the background with an interrupt; a task looks at the count
 * now and then and acts on it. Two pieces:
 *   the counter     coop_edges_attach makes BUTTON1 an input and has the
 *                   port's pin interrupt add 1 to the counter at each falling
 *                   edge (a press pulls the pin low): no interrupt handler of
 *                   our own, as with countio
 *   the task        catch_interrupt sleeps until the count is above zero,
 *                   takes it (reads it and sets it back to 0 in one step),
 *                   adds it to the running total and prints both
 *
 *   guide (CircuitPython)                     here (C, coop)
 *   countio.Counter(pin)                      coop_edges_attach(&interrupt, pin, COOP_EDGE_FALLING,
 *     (edge=Edge.FALL by default)                               COOP_PULL_UP)
 *   if interrupt.count > 0:                   AWAIT_EDGES(&interrupt)
 *       interrupt.count = 0                   n = coop_edges_take(&interrupt)
 *   await asyncio.sleep(0)                    (not needed: AWAIT_EDGES sleeps)
 *   asyncio.create_task(catch_interrupt(..))  coop_task_spawn(&loop, &interrupt_task, catch_interrupt)
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
 * Without it coop_edges_attach does not compile (a message names the option).
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

/* countio.Counter: the interrupt adds, the task takes. The task's state is
 * static: a coroutine's locals do not survive an AWAIT. */
static coop_edges_t interrupt;
static coop_count_t n;       /* the edges taken this time */
static unsigned long total;  /* edges counted since the start */

static coop_status_t catch_interrupt(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_EDGES(&interrupt);      /* sleeps until the count is above zero */
        n = coop_edges_take(&interrupt); /* read and reset: interrupt.count = 0 */
        total += n;
        coop_pin_toggle(BOARD_LED1);  /* something to see on a board */
        coop_board_printf("interrupt: %u falling edge(s), %lu in all", (unsigned)n, total);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static coop_task_t interrupt_task;

int main(void)
{
    coop_board_init();
    coop_board_demo_script(DEMO_SCRIPT);
    coop_pin_output(BOARD_LED1, false);
    if (coop_edges_attach(&interrupt, BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP) != COOP_OK)
        return 1; /* BUTTON1 cannot interrupt on this board */
    coop_board_printf("press BUTTON1: each falling edge is counted");
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &interrupt_task, catch_interrupt);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
}
