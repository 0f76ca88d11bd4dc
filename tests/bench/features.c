/* tests/bench/features.c - size probes: what each feature adds in flash and RAM.
 *
 * One source, one program per build: -DFEAT_<NAME> picks it (tests/bench/
 * features.sh builds every one for the ATmega328P with ports/avr.h and for the
 * Cortex-M0+ with ports/cortex_m.h and the test board tests/m0/m0_board.h, and
 * prints the table). Every program does real work with its feature, so nothing is
 * optimised away:
 *
 *   FEAT_EMPTY     the port alone: coop_board_init() and an empty for (;;)
 *   FEAT_BASE      the minimal program: loop + two tasks that toggle an LED
 *                  and AWAIT_SLEEP_MS (500 / 300 ms: the harness's W3 blink)
 *   every other    BASE with task 2 (and, for a producer, task 1) rewritten
 *                  to use one feature, with the objects the feature needs
 *
 * The table shows BASE over EMPTY, and each feature over BASE; a delta
 * includes the feature's objects (a child task, a queue's records ...).
 * FEAT_EDGES_PIN and FEAT_EDGES_ATTACH are built with COOP_PIN_IRQS 1 (the
 * port's pin-interrupt handlers are in both): an edge counter fed by an ISR
 * of ours through coop_pin_on_edge, and the same with coop_edges_attach.
 * FEAT_CALL_FOR and FEAT_NEST are one program (an AWAIT_CALL_FOR around a
 * child coroutine whose wait has an AWAIT_FOR of its own) built with
 * COOP_DEADLINE_NEST 1 (the inner deadline is refused: it runs under the
 * outer one) and 3 (both levels): their difference is what nesting costs.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#if defined(FEAT_EDGES_PIN) || defined(FEAT_EDGES_ATTACH)
#define COOP_PIN_IRQS 1
#endif
#if defined(FEAT_NEST)
#define COOP_DEADLINE_NEST 3
#define FEAT_CALL_FOR
#elif defined(FEAT_CALL_FOR)
#define COOP_DEADLINE_NEST 1
#endif
#include COOP_PORT

/* An interrupt of the chip for the ISR-side probes, enabled by probe_irq_on()
 * (AVR: INT0; M0+: SWI0, the test machine's spare interrupt). */
#if defined(__AVR__)
#define PROBE_ISR() ISR(INT0_vect)
#define probe_irq_on() coop_avr_int_enable(0, COOP_AVR_FALLING)
#define probe_irq_level() coop_pin_read(BOARD_BUTTON1)
#else
#define PROBE_ISR() void m0_swi_handler(void)
#define probe_irq_on() m0_swi_enable()
#define probe_irq_level() coop_pin_read(BOARD_BUTTON1)
#endif

#ifndef FEAT_EMPTY
static coop_loop_t loop;
static coop_task_t t1, t2;
static uint8_t n1; /* task 1's blinks */
#endif

/* ---- each feature: its objects, task 1's extra step (T1_STEP), task 2's body */
#if defined(FEAT_JOIN) || defined(FEAT_GATHER)
static coop_task_t child;
static coop_status_t child_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_pin_toggle(BOARD_LED2);
    AWAIT_SLEEP_MS(300);
    ASYNC_END;
}
#define T2_BODY                                        \
    coop_task_spawn(&loop, &child, child_fn);          \
    T2_WAIT;
#ifdef FEAT_JOIN
#define T2_WAIT AWAIT_JOIN(&child)
#else
static coop_task_t *const children[] = { &child };
#define T2_WAIT AWAIT_GATHER(children, 1)
#endif

#elif defined(FEAT_CANCEL) /* task 1 cancels task 2 at its 10th blink; 2's FINALLY runs */
#define T1_STEP                                        \
    if (n1 == 10) (void)coop_task_cancel(&t2);
#define T2_BODY                                        \
    coop_pin_toggle(BOARD_LED2);                       \
    AWAIT_SLEEP_MS(300);
#define T2_FINALLY                                     \
    FINALLY;                                           \
    coop_pin_write(BOARD_LED2, false);

#elif defined(FEAT_DEADLINE) /* a 300 ms deadline on a 500 ms wait */
static int rc;
#define T2_BODY                                        \
    AWAIT_FOR(rc, 300, AWAIT_SLEEP_MS(500));           \
    if (rc == COOP_ETIMEDOUT) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_CALL_FOR) /* 400 ms around a child; its 200 ms wait on 150 ms sleeps */
static int rc;
struct sub { coop_lc_t lc; int rc; };
static struct sub sub;
static coop_status_t sub_fn(struct sub *s)
{
    ASYNC(s);
    for (;;) {
        AWAIT_FOR(s->rc, 200, AWAIT_SLEEP_MS(150));
        coop_pin_toggle(BOARD_LED2);
    }
    ASYNC_END;
}
#define T2_BODY                                        \
    AWAIT_CALL_FOR(rc, 400, &sub, sub_fn(&sub));       \
    if (rc == COOP_ETIMEDOUT) coop_pin_toggle(BOARD_LED1);

#elif defined(FEAT_EVENT)
static coop_event_t ev;
#define T1_INIT (void)coop_event_init(&ev);
#define T1_STEP coop_event_set(&ev);
#define T2_BODY                                        \
    AWAIT_EVENT(&ev);                                  \
    coop_event_clear(&ev);                             \
    coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_LOCK) /* both tasks hold the lock while they sleep */
static coop_lock_t lock;
#define T1_INIT (void)coop_lock_init(&lock);
#define T1_STEP                                        \
    AWAIT_LOCK(&lock);                                 \
    AWAIT_SLEEP_MS(10);                                \
    (void)coop_lock_release(&lock);
#define T2_BODY                                        \
    AWAIT_LOCK(&lock);                                 \
    coop_pin_toggle(BOARD_LED2);                       \
    AWAIT_SLEEP_MS(300);                               \
    (void)coop_lock_release(&lock);

#elif defined(FEAT_SEM)
static coop_sem_t sem;
#define T1_INIT (void)coop_sem_init(&sem, 1, 1);
#define T1_STEP                                        \
    AWAIT_SEM(&sem);                                   \
    AWAIT_SLEEP_MS(10);                                \
    (void)coop_sem_release(&sem);
#define T2_BODY                                        \
    AWAIT_SEM(&sem);                                   \
    coop_pin_toggle(BOARD_LED2);                       \
    AWAIT_SLEEP_MS(300);                               \
    (void)coop_sem_release(&sem);

#elif defined(FEAT_QUEUE) /* task 1 puts its blink count, task 2 gets it */
COOP_QUEUE_DEFINE(q, uint8_t, 4);
static uint8_t got;
#define T1_STEP AWAIT_PUT(&q, &n1);
#define T2_BODY                                        \
    AWAIT_GET(&q, &got);                               \
    if (got & 1u) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_FLAG)
COOP_FLAG_DEFINE(flag);
PROBE_ISR() { coop_flag_set(&flag); }
#define T1_INIT (void)probe_irq_on();
#define T2_BODY                                        \
    AWAIT_FLAG(&flag);                                 \
    if (coop_flag_take(&flag)) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_COUNTER)
COOP_COUNTER_DEFINE(counter);
PROBE_ISR() { coop_counter_add(&counter, 1); }
#define T1_INIT (void)probe_irq_on();
#define T2_BODY                                        \
    AWAIT_COUNTER(&counter);                           \
    if (coop_counter_take(&counter) > 1) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_RING)
COOP_RING_DEFINE(ring, uint8_t, 4);
static uint8_t isr_n, popped;
PROBE_ISR()
{
    isr_n++;
    (void)coop_ring_push(&ring, &isr_n);
}
#define T1_INIT (void)probe_irq_on();
#define T2_BODY                                        \
    AWAIT_RING(&ring);                                 \
    while (coop_ring_pop(&ring, &popped))              \
        if (popped & 1u) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_KEYS) /* one button, polled every 5 ms, 20 ms debounce */
static coop_keys_t keys;
static coop_keys_slot_t slots[1];
static coop_keys_event_t events[4];
static coop_keys_task_t scanner;
static const coop_pin_t pins[1] = { BOARD_BUTTON1 };
static coop_keys_event_t kev;
#define T1_INIT                                                        \
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);                       \
    (void)coop_keys_init(&keys, slots, 1, events, 4, false, 20);       \
    (void)coop_keys_poll_spawn(&loop, &scanner, &keys, 5, coop_keys_read_pins, pins);
#define T2_BODY                                        \
    AWAIT_KEYS(&keys);                                 \
    while (coop_keys_get(&keys, &kev))                 \
        if (kev.kind == COOP_KEYS_PRESSED) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_EDGES) /* falling edges of an interrupt pin, counted */
static coop_edges_t edges;
PROBE_ISR() { coop_edges_report(&edges, probe_irq_level()); }
#define T1_INIT                                        \
    (void)coop_edges_init(&edges, COOP_EDGE_FALLING);    \
    (void)probe_irq_on();
#define T2_BODY                                        \
    AWAIT_EDGES(&edges);                               \
    if (coop_edges_take(&edges) > 1) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_KEYPAD) /* keypad.Keys: one button scanned every 20 ms */
COOP_KEYPAD_DEFINE(keys, false, true, 20, 4, BOARD_BUTTON1);
static coop_keys_event_t kev;
#define T1_INIT (void)coop_keypad_spawn(&loop, &keys);
#define T2_BODY                                        \
    AWAIT_KEY_EVENT(&keys, &kev);                      \
    if (kev.kind == COOP_KEYS_PRESSED) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_EDGES_PIN) /* COOP_PIN_IRQS 1: the port's pin interrupt, an ISR of ours */
static coop_edges_t edges;
static void edge_isr(coop_pin_t pin, bool level)
{
    (void)pin;
    coop_edges_report(&edges, level);
}
#define T1_INIT                                                        \
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);                       \
    (void)coop_edges_init(&edges, COOP_EDGE_FALLING);                  \
    (void)coop_pin_on_edge(BOARD_BUTTON1, COOP_EDGE_FALLING, edge_isr);
#define T2_BODY                                        \
    AWAIT_EDGES(&edges);                               \
    if (coop_edges_take(&edges) > 1) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_EDGES_ATTACH) /* COOP_PIN_IRQS 1: the same with coop_edges_attach */
static coop_edges_t edges;
#define T1_INIT (void)coop_edges_attach(&edges, BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP);
#define T2_BODY                                        \
    AWAIT_EDGES(&edges);                               \
    if (coop_edges_take(&edges) > 1) coop_pin_toggle(BOARD_LED2);

#elif defined(FEAT_BASE) || defined(FEAT_EMPTY)
#define T2_BODY                                        \
    coop_pin_toggle(BOARD_LED2);                       \
    AWAIT_SLEEP_MS(300);
#else
#error "features.c: build with one -DFEAT_<NAME> (see the top of this file)"
#endif

#ifndef T1_INIT
#define T1_INIT
#endif
#ifndef T1_STEP
#define T1_STEP
#endif
#ifndef T2_FINALLY
#define T2_FINALLY
#endif

#ifndef FEAT_EMPTY
static coop_status_t t1_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        n1++;
        T1_STEP
        AWAIT_SLEEP_MS(500);
    }
    ASYNC_END;
}

static coop_status_t t2_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        T2_BODY
    }
    T2_FINALLY
    ASYNC_END;
}
#endif

int main(void)
{
    coop_board_init();
#ifdef FEAT_EMPTY
    for (;;) {
    }
#else
    coop_pin_output(BOARD_LED1, false);
    coop_pin_output(BOARD_LED2, false);
    (void)coop_loop_init(&loop);
    T1_INIT
    (void)coop_task_spawn(&loop, &t1, t1_fn);
    (void)coop_task_spawn(&loop, &t2, t2_fn);
    return coop_loop_run(&loop) == COOP_OK ? 0 : 1;
#endif
}
