/* coop/keys.h - debounced keys with an event queue (keypad), edge counters (countio).
 *
 * CircuitPython's keypad and countio for C. A coop_keys_t debounces up to 16
 * keys and queues what they did, with timestamps: pressed, released, and (each
 * off until you give it a time) long press, double click and auto-repeat. It
 * is fed either by polling (a task reads the raw levels every few ms) or by
 * edge interrupts (the ISR only records the edge; the debouncing runs in the
 * loop). A coop_edges_t counts a pin's rising and/or falling edges.
 *
 *     static coop_keys_slot_t slots[2];                // 2 keys: per-key state
 *     static coop_keys_event_t queue[8];               // room for 8 events
 *     static const coop_pin_t pins[2] = { BOARD_BUTTON1, BOARD_BUTTON2 };
 *     coop_keys_init(&keys, slots, 2, queue, 8, false, 20); // active low, 20 ms
 *     coop_keys_set_long(&keys, 800);                  // optional: long press
 *     coop_keys_poll_spawn(&loop, &scanner, &keys, 5, coop_keys_read_pins, pins);
 *
 *     ASYNC(task);                                     // in your task:
 *     for (;;) {
 *         AWAIT_KEYS(&keys);                           // until an event is queued
 *         while (coop_keys_get(&keys, &ev))            // keypad's events.get()
 *             if (ev.kind == COOP_KEYS_PRESSED && ev.key == 0) ...;
 *     }
 *
 * Fed by interrupts instead (the ISR stays O(1): three stores and a post):
 *     ISR(INT0_vect) { coop_keys_edge(&keys, 0, PIND & _BV(PD2), coop_port_now()); }
 *     coop_keys_edge_spawn(&loop, &debouncer, &keys); // no polling at all
 *
 * DEBOUNCE, judged from timestamps only. Each edge has a tick: the time the
 * ISR gave coop_keys_edge, or (polling) the first scan that saw the new level.
 * A level that begins at an edge stamped t counts if the key's next edge is
 * stamped t + debounce or later ("debounce 20 ms" at 1 ms ticks: the stamps
 * of the edge that began the level and of the one that ended it are at least
 * 20 ticks apart; a level still there at t + 20 is counted then). Shorter
 * levels (a glitch, contact bounce) are ignored, however many edges they
 * have. So a pulse whose edges are stamped 3020 and 3040 is a press at 3040
 * and, if the key then stays up, a release at 3060; stamped 3020 and 3039, it
 * is nothing; edges within one tick share its stamp and make a level of 0
 * ticks. The event's time is the start of the level + debounce: it does not
 * depend on when a task noticed, so it is exact and repeatable, whether the
 * edge task ran before or after the edge that ends a level, in the same tick
 * or later. With interrupts this holds while the loop takes the edges at
 * least once every `debounce` ticks (the edge task is woken by each edge;
 * only a task that blocks the loop longer breaks it, see TWO WAYS), and for
 * stamps that reach coop_keys_edge before the clock passes stamp + debounce
 * (an ISR's coop_port_now() always does). Debounce 0 takes every level as
 * the loop takes it.
 *
 * EVENTS (coop_keys_event_t: time, key, kind), queued in time order:
 *   COOP_KEYS_PRESSED   the key went down (debounced)
 *   COOP_KEYS_RELEASED  it went up; always follows its PRESSED, whatever else
 *                       (LONG, REPEAT) happened in between
 *   COOP_KEYS_LONG      once per press, at press + long time, if still down
 *   COOP_KEYS_DOUBLE    right after the PRESSED of a second press that came
 *                       less than the double-click time after the first press;
 *                       a third quick press starts a new pair. A press that
 *                       became a long press or repeated is no click.
 *   COOP_KEYS_REPEAT    at press + repeat delay, then every repeat period until
 *                       the key is released
 * Events due at the same tick come in the order LONG, REPEAT, then the
 * PRESSED/RELEASED (so a key released exactly at press + long time was a long
 * press), lower key numbers first. A full queue drops the new event and counts
 * it (coop_keys_overflows, sticky until coop_keys_clear, like keypad's
 * EventQueue.overflowed): the oldest events are kept.
 *
 * TWO WAYS TO FEED IT (use one per object):
 *  - polling: coop_keys_scan(keys, now, levels, &next) is the whole debouncer
 *    as a pure function of its state and the raw levels (bit i = key i's pin
 *    level); call it every few ms from any task, or let coop_keys_poll_spawn
 *    run a task that does, reading the pins through a callback
 *    (coop_keys_read_pins reads coop_pin_t pins with coop_pin_read).
 *  - interrupts: the ISR calls coop_keys_edge (@isr_ok) with the key, the
 *    pin's new level and the time; it only records the key's latest level and
 *    time and posts a call. coop_keys_update(keys, now, &next) then debounces
 *    in the loop; coop_keys_edge_spawn runs a task that calls it when an edge
 *    arrives or a deadline is due. Per key the ISR keeps only its latest edge
 *    and the last level that held for the debounce time (judged at the edge
 *    that ended it, from the two stamps), so it never overflows and stays
 *    O(1); the cost is that if two levels each held for the debounce time
 *    while the loop was blocked (no task switch for longer than `debounce`
 *    ticks), only the later one is seen. Report a key's level once at start
 *    if it may already be pressed.
 *    While a deadline is pending (debounce, long press, repeat, double-click
 *    window) the edge task wakes at least every `debounce` ticks (1 if 0) so
 *    that it handles a new edge in time; with nothing pending it sleeps until
 *    the next edge.
 *
 * Times are given in ms and kept in ticks, at most COOP_KEYS_MAX_TICKS (32767)
 * each. Times of the queue are coop_tick_t and wrap like every tick.
 *
 * KEYPAD (keypad.Keys, the whole of it in one definition): a coop_keys_t,
 * its slots, its queue, its pins and the task that scans them, all static:
 *
 *     // keypad.Keys((BUTTON1, BUTTON2), value_when_pressed=False, pull=True,
 *     //             interval=0.020, max_events=8)
 *     COOP_KEYPAD_DEFINE(keys, false, true, 20, 8, BOARD_BUTTON1, BOARD_BUTTON2);
 *     coop_keypad_spawn(&loop, &keys);      // sets the pins up, scans from now on
 *     AWAIT_KEY_EVENT(&keys, &ev);          // in a task: the next event, sleeping
 *                                           // until there is one (events.get())
 *
 * COOP_KEYPAD_DEFINE(name, value_when_pressed, pull, interval_ms, max_events,
 * pins...) takes keypad.Keys' arguments in its order: value_when_pressed
 * (the pin level of a pressed key), pull (true: a pull-up, or a pull-down
 * when value_when_pressed is true; false: none), interval_ms (keypad's
 * `interval`, default 0.020 s there: the time between scans), max_events
 * (the queue, a power of two, 1..128; keypad's default is 64, a lot of RAM on
 * a small chip), then 1..16 pins. A macro rather than a struct with a fixed
 * maximum of keys: the slots and the queue are sized for this keypad (a
 * 16-key struct would carry 15 unused slots of 4 ticks each for one button:
 * 240 bytes with 32-bit ticks, 120 with 16-bit ones), the key count comes
 * from the pin list, and a wrong count, queue size or interval stops the
 * build with a message naming it. It defines `name` (a const coop_keypad_t)
 * and name_pins, name_slots, name_events, name_state: static objects, at
 * file scope or in a function.
 * DEBOUNCE as keypad's default (debounce_threshold=1) does it: none beyond
 * the scan. A level that differs from the scan before is an event, stamped
 * with that scan's tick: a contact bounce shorter than `interval` is seen by
 * at most one scan (one event, at most one scan late), and a press shorter
 * than `interval` is reported only if a scan falls inside it. (For a hold
 * time on top, use a coop_keys_t with a debounce, as above.)
 * KEYS HELD AT START-UP: as keypad does in CircuitPython 9 (its reset()
 * documentation says to call reset() after creating a Keys to learn the keys
 * held at start-up), the first scan takes the levels as they are: a key
 * already held is pressed (coop_keys_pressed) without a PRESSED event (nor a
 * LONG), and its release is a RELEASED event. coop_keypad_reset(&kp) is
 * keypad's reset(): every key is taken as released, so that a key held now
 * gives a PRESSED event at the next scan; called right after
 * coop_keypad_spawn, the first scan reports every key held at start-up (as
 * keypad's first scan did in CircuitPython 7). The keypad's coop_keys_t
 * (coop_keypad_keys) takes coop_keys_set_long, _double and _repeat,
 * coop_keys_pressed, coop_keys_overflows and coop_keys_clear.
 *
 * EDGE COUNTER (countio.Counter): coop_edges_init(&e, COOP_EDGE_RISING /
 * COOP_EDGE_FALLING / COOP_EDGE_BOTH); the ISR calls coop_edges_report(&e,
 * level) with the pin's new level (@isr_ok); a task AWAIT_EDGES(&e), then
 * n = coop_edges_take(&e) reads and clears. Built on coop_counter_t (irq.h):
 * saturates at COOP_COUNT_MAX and counts the excess in coop_edges_overflows.
 * Or with no ISR of yours, countio.Counter(pin, edge=Edge.FALL, pull=...):
 *     coop_edges_attach(&e, BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP);
 * makes the pin an input with that pull, initialises the counter and has the
 * port's pin interrupt (coop_pin_on_edge) report each edge to it; that needs
 * COOP_PIN_IRQS 1 (coop/board.h; a file that defines COOP_IMPLEMENTATION
 * without it and calls coop_edges_attach does not compile, and elsewhere the
 * call asserts with a message naming the option). Up to COOP_EDGES_ATTACH_MAX
 * (4) counters, one per pin; coop_edges_detach(&e) ends it (countio's
 * deinit). The port's handler finds the counter by pin in that small table.
 *
 * Memory (caller-owned, nothing allocated): coop_keys_t, plus per key a
 * coop_keys_slot_t (4 ticks), plus the queue (capacity events of a tick and 2
 * bytes; capacity a power of two, 1..128). The helper task coop_keys_task_t
 * is a coop_task_t and 4 more fields. A coop_edges_t is a coop_counter_t and a
 * byte. A keypad adds to its coop_keys_t and queue the helper task, its
 * pins (const) and a coop_keypad_t of 4 pointers and 6 bytes (const). The
 * attach table (only with COOP_PIN_IRQS 1, and only linked in when
 * coop_edges_attach is called) is COOP_EDGES_ATTACH_MAX pointers and pins.
 * Nothing here except coop_keys_edge and coop_edges_report may be called
 * from an ISR.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_KEYS_H
#define COOP_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atomic.h"
#include "board.h"
#include "config.h"
#include "irq.h"
#include "sched.h"
#include "time.h"

/* Keys per coop_keys_t, and the longest time (debounce, long, ...) in ticks. */
#define COOP_KEYS_MAX 16
#define COOP_KEYS_MAX_TICKS 0x7fffu

/* One bit per key: bit i is key i. */
typedef uint16_t coop_keys_bits_t;

/* coop_keys_event_t.kind */
enum {
    COOP_KEYS_PRESSED = 1,
    COOP_KEYS_RELEASED = 2,
    COOP_KEYS_LONG = 3,
    COOP_KEYS_DOUBLE = 4,
    COOP_KEYS_REPEAT = 5
};

/* What a key did, and when (see EVENTS above). */
typedef struct coop_keys_event {
    coop_tick_t time; /* the instant it became true (not when it was read) */
    uint8_t key;      /* 0 .. nkeys - 1 */
    uint8_t kind;     /* COOP_KEYS_PRESSED, ... */
} coop_keys_event_t;

/* Per-key state, an array of nkeys that you own (coop_keys_init). */
typedef struct coop_keys_slot {
    volatile coop_tick_t since; /* when the raw level last changed (the ISR's, fed by edges) */
    volatile coop_tick_t held;  /* edges: the start of the last level that held (the ISR's) */
    coop_tick_t press;          /* when the last press was confirmed */
    coop_tick_t repeat;         /* the next auto-repeat, while pressed */
} coop_keys_slot_t;

typedef struct coop_keys {
    coop_ring_t events;                   /* the event queue */
    coop_call_t call;                     /* posted by coop_keys_edge */
    coop_waitq_t waiters;                 /* the edge task waiting for edges */
    coop_keys_slot_t *slot;
    volatile coop_keys_bits_t isr_down;   /* edges: each key's last reported level, 1 = down */
    volatile coop_keys_bits_t isr_dirty;  /* edges: keys with edges not yet taken */
    volatile coop_keys_bits_t isr_held;   /* edges: keys with a held level not yet taken */
    volatile coop_keys_bits_t isr_hdown;  /* edges: that level, 1 = down */
    coop_keys_bits_t hold;                /* edges: a held level to confirm first */
    coop_keys_bits_t hold_down;           /* its level */
    coop_keys_bits_t raw;                 /* raw levels as the debouncer last saw them, 1 = down */
    coop_keys_bits_t state;               /* debounced: 1 = pressed */
    coop_keys_bits_t longed;              /* the long press of this press was reported */
    coop_keys_bits_t armed;               /* a first click that may become a double click */
    uint16_t debounce;                    /* times in ticks; 0 = off */
    uint16_t long_ticks;
    uint16_t double_ticks;
    uint16_t repeat_delay;
    uint16_t repeat_period;
    uint8_t nkeys;
    uint8_t when_pressed;                 /* the pin level of a pressed key */
} coop_keys_t;

/* Reads the raw pin levels of nkeys keys: bit i = key i's level. `arg` is
 * what you gave coop_keys_poll_spawn. Called in the loop, not in an ISR. */
typedef coop_keys_bits_t (*coop_keys_read_cb)(const void *arg, uint8_t nkeys);

/* The ready-made task that feeds a coop_keys_t (poll or edge). */
typedef struct coop_keys_task {
    coop_task_t task;
    coop_keys_t *keys;
    coop_keys_read_cb read; /* polling: reads the levels */
    const void *arg;
    uint16_t interval;      /* polling: ticks between scans */
} coop_keys_task_t;

/* coop_edges_init's mode: which edges count. */
/* Which edges count: board.h's COOP_EDGE_RISING, COOP_EDGE_FALLING or
 * COOP_EDGE_BOTH, the names coop_pin_on_edge takes. COOP_EDGES_RISE/FALL/BOTH
 * are their old names, kept so that existing code builds. */
enum { COOP_EDGES_RISE = COOP_EDGE_RISING, COOP_EDGES_FALL = COOP_EDGE_FALLING, COOP_EDGES_BOTH = COOP_EDGE_BOTH };

typedef struct coop_edges {
    coop_counter_t counter;
    uint8_t mode;
} coop_edges_t;

/* A keypad's state (COOP_KEYPAD_DEFINE makes it; yours to leave alone). */
typedef struct coop_keypad_state {
    coop_keys_t keys;         /* the debouncer (debounce 0) and its queue */
    coop_keys_task_t scanner; /* the task that scans the pins */
    uint8_t prime;            /* the next scan takes the levels as they are */
} coop_keypad_state_t;

/* A keypad (keypad.Keys): made by COOP_KEYPAD_DEFINE, const. */
typedef struct coop_keypad {
    coop_keypad_state_t *state;
    const coop_pin_t *pins;
    coop_keys_slot_t *slots;
    coop_keys_event_t *events;
    uint16_t interval_ms;
    uint8_t nkeys;
    uint8_t max_events;
    uint8_t value_when_pressed;
    uint8_t pull;             /* 1: pull against value_when_pressed */
} coop_keypad_t;

/* COOP_KEYPAD_DEFINE(name, value_when_pressed, pull, interval_ms,
 * max_events, pins...): see KEYPAD above. interval_ms and max_events must be
 * constants; the pins too at file scope. */
#define COOP_KEYPAD_DEFINE(name, value_when_pressed, pull, interval_ms, max_events, ...)          \
    static const coop_pin_t name##_pins[] = { __VA_ARGS__ };                                   \
    COOP_PRIV_STATIC_ASSERT(sizeof(name##_pins) / sizeof(coop_pin_t) <= COOP_KEYS_MAX,          \
                            name##_keypad_has_more_than_16_pins);                              \
    COOP_PRIV_STATIC_ASSERT((max_events) >= 1 && (max_events) <= 128 &&                       \
                                ((max_events) & ((max_events) - 1)) == 0,                      \
                            name##_keypad_max_events_must_be_a_power_of_two_1_to_128);         \
    COOP_PRIV_STATIC_ASSERT((interval_ms) >= 1 && (interval_ms) <= 32767,                      \
                            name##_keypad_interval_ms_must_be_1_to_32767);                     \
    static coop_keys_slot_t name##_slots[sizeof(name##_pins) / sizeof(coop_pin_t)];           \
    static coop_keys_event_t name##_events[(max_events)];                                     \
    static coop_keypad_state_t name##_state;                                                  \
    static const coop_keypad_t name = { &name##_state, name##_pins, name##_slots,             \
                                        name##_events, (uint16_t)(interval_ms),               \
                                        (uint8_t)(sizeof(name##_pins) / sizeof(coop_pin_t)),  \
                                        (uint8_t)(max_events),                                \
                                        (uint8_t)((value_when_pressed) ? 1 : 0),              \
                                        (uint8_t)((pull) ? 1 : 0) }

/* coop_edges_attach without COOP_PIN_IRQS in the file that holds the
 * implementation: a compile-time error at the call (GCC, Clang). */
#if defined(COOP_IMPLEMENTATION) && !COOP_PIN_IRQS && defined(__has_attribute)
#if __has_attribute(error)
#define COOP_PRIV_NEEDS_PIN_IRQS \
    __attribute__((error("coop_edges_attach needs COOP_PIN_IRQS 1 (#define it before including the port)")))
#endif
#endif
#ifndef COOP_PRIV_NEEDS_PIN_IRQS
#define COOP_PRIV_NEEDS_PIN_IRQS
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Prepare `keys` (before spawning its task or enabling its interrupt): every
 * key released, long press, double click and repeat off.
 *   slots    nkeys coop_keys_slot_t that you own (per-key state)
 *   nkeys    1..COOP_KEYS_MAX
 *   events   the queue's storage: `capacity` events, a power of two, 1..128
 *   value_when_pressed  the pin level of a pressed key (false: active low,
 *            a button to ground with a pull-up, as on the boards)
 *   debounce_ms  how long a level must stay before it counts (0: no debounce)
 * Returns COOP_OK, or COOP_EINVAL (NULL, nkeys or capacity out of range,
 * debounce over COOP_KEYS_MAX_TICKS ticks). */
int coop_keys_init(coop_keys_t *keys, coop_keys_slot_t *slots, uint8_t nkeys,
                   coop_keys_event_t *events, size_t capacity, bool value_when_pressed,
                   uint32_t debounce_ms);

/* A COOP_KEYS_LONG event when a press lasts long_ms (0: off). Loop side; a
 * change applies to the presses under way too. COOP_OK, or COOP_EINVAL (NULL,
 * over COOP_KEYS_MAX_TICKS ticks). */
int coop_keys_set_long(coop_keys_t *keys, uint32_t long_ms);

/* A COOP_KEYS_DOUBLE event when a press comes less than double_ms after the
 * previous press of the same key (0: off). COOP_OK, or COOP_EINVAL as above. */
int coop_keys_set_double(coop_keys_t *keys, uint32_t double_ms);

/* COOP_KEYS_REPEAT events while a key is held: the first delay_ms after the
 * press, then every period_ms (delay_ms 0: off; period_ms must then be at
 * least 1 tick). Applies from the next press. COOP_OK, or COOP_EINVAL (NULL,
 * a zero period with a delay, a time over COOP_KEYS_MAX_TICKS ticks). */
int coop_keys_set_repeat(coop_keys_t *keys, uint32_t delay_ms, uint32_t period_ms);

/* Polling: the debouncer. `levels` are the raw pin levels read at `now`
 * (bit i = key i; bits beyond nkeys ignored). Queues every event due up to
 * `now`. Deterministic: the same calls give the same events. Returns true
 * with *next (if next is not NULL) set to the next tick at which something is
 * due even if no level changes (a debounce, a long press, a repeat, the end
 * of a double-click window); false if nothing is. Loop side. */
bool coop_keys_scan(coop_keys_t *keys, coop_tick_t now, coop_keys_bits_t levels,
                    coop_tick_t *next);

/* Interrupts: take the edges coop_keys_edge recorded and queue every event
 * due up to `now`. Returns like coop_keys_scan. Call it again at *next, or
 * earlier (within `debounce` ticks: see TWO WAYS) once an edge has come, or
 * let coop_keys_edge_spawn's task do it. Loop side. */
bool coop_keys_update(coop_keys_t *keys, coop_tick_t now, coop_tick_t *next);

/* Spawn a task that scans `keys` at once and then every interval_ms
 * (1..COOP_KEYS_MAX_TICKS ticks), with levels = read(arg, nkeys).
 * COOP_OK; COOP_EINVAL (NULL, bad interval); COOP_EBUSY (the task is alive).
 * Stop it with coop_task_cancel(&kt->task). */
int coop_keys_poll_spawn(coop_loop_t *loop, coop_keys_task_t *kt, coop_keys_t *keys,
                         uint32_t interval_ms, coop_keys_read_cb read, const void *arg);

/* Spawn a task that runs coop_keys_update whenever coop_keys_edge recorded
 * an edge or a deadline is due. COOP_OK; COOP_EINVAL (NULL); COOP_EBUSY. */
int coop_keys_edge_spawn(coop_loop_t *loop, coop_keys_task_t *kt, coop_keys_t *keys);

/* The oldest queued event into *ev: true, or false if none. Task side (one
 * consumer). */
bool coop_keys_get(coop_keys_t *keys, coop_keys_event_t *ev);

/* Drop every queued event and reset the overflow count. Loop side. */
void coop_keys_clear(coop_keys_t *keys);

/* The loop-side half of coop_keys_edge: wakes the edge task. */
void coop_priv_keys_posted(coop_call_t *call);
/* Used by coop_keys_edge_spawn's task: COOP_DONE once an edge is recorded. */
coop_status_t coop_priv_keys_wait(coop_keys_t *keys);

/* Events queued and not yet taken. */
static inline unsigned coop_keys_count(const coop_keys_t *keys)
{
    return coop_ring_count(&keys->events);
}

/* Events dropped because the queue was full (sticky until coop_keys_clear). */
static inline coop_count_t coop_keys_overflows(const coop_keys_t *keys)
{
    return coop_ring_overflows(&keys->events);
}

/* true while `key` is pressed (debounced). */
static inline bool coop_keys_pressed(const coop_keys_t *keys, uint8_t key)
{
    return key < keys->nkeys && ((keys->state >> key) & 1u) != 0;
}

/* @isr_ok Record an edge of `key`: its pin now reads `level`, since `now`
 * (the ISR's time, e.g. coop_port_now()). O(1): stores the key's level and
 * time, marks it, posts a call; earlier unprocessed edges of the key are
 * superseded (only the latest level matters to a debouncer). One ISR per key;
 * several ISRs may feed one object. A key beyond nkeys trips COOP_ASSERT and
 * is ignored. */
COOP_PRIV_ISR_INLINE void coop_keys_edge(coop_keys_t *keys, uint8_t key, bool level, coop_tick_t now)
{
    coop_keys_bits_t bit;
    bool down;
    COOP_PRIV_REFUSE(key >= keys->nkeys, , "coop_keys_edge: no such key");
    bit = (coop_keys_bits_t)(1u << key);
    down = level == (keys->when_pressed != 0);
#if COOP_PORT_ATOMIC
    /* The level this edge ends held for the debounce time (judged from the
     * two stamps alone): keep its start and level for the loop, which may
     * not have seen it yet (see DEBOUNCE). One writer per key: the plain
     * reads of since and of this key's bit are our own. Then the edge: time,
     * then level, then the mark (release): the loop takes the mark, then
     * reads the level, then the time (acquire), so it never pairs a level
     * with an older time; a newer one only delays, and its mark follows. */
    {
        coop_tick_t prev = __atomic_load_n(&keys->slot[key].since, __ATOMIC_RELAXED);
        if (keys->debounce != 0 && (coop_tick_t)(now - prev) >= keys->debounce) {
            __atomic_store_n(&keys->slot[key].held, prev, __ATOMIC_RELAXED);
            if (__atomic_load_n(&keys->isr_down, __ATOMIC_RELAXED) & bit)
                (void)__atomic_fetch_or(&keys->isr_hdown, bit, __ATOMIC_RELEASE);
            else
                (void)__atomic_fetch_and(&keys->isr_hdown, (coop_keys_bits_t)~bit,
                                         __ATOMIC_RELEASE);
            (void)__atomic_fetch_or(&keys->isr_held, bit, __ATOMIC_RELEASE);
        }
    }
    __atomic_store_n(&keys->slot[key].since, now, __ATOMIC_RELAXED);
    if (down)
        (void)__atomic_fetch_or(&keys->isr_down, bit, __ATOMIC_RELEASE);
    else
        (void)__atomic_fetch_and(&keys->isr_down, (coop_keys_bits_t)~bit, __ATOMIC_RELEASE);
    (void)__atomic_fetch_or(&keys->isr_dirty, bit, __ATOMIC_RELEASE);
#else
    {
        coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
        coop_tick_t prev = keys->slot[key].since;
        if (keys->debounce != 0 && (coop_tick_t)(now - prev) >= keys->debounce) {
            keys->slot[key].held = prev; /* the level this edge ends held: see DEBOUNCE */
            keys->isr_hdown = (coop_keys_bits_t)((keys->isr_hdown & (coop_keys_bits_t)~bit) |
                                                 (keys->isr_down & bit));
            keys->isr_held = (coop_keys_bits_t)(keys->isr_held | bit);
        }
        keys->slot[key].since = now;
        if (down)
            keys->isr_down = (coop_keys_bits_t)(keys->isr_down | bit);
        else
            keys->isr_down = (coop_keys_bits_t)(keys->isr_down & (coop_keys_bits_t)~bit);
        keys->isr_dirty = (coop_keys_bits_t)(keys->isr_dirty | bit);
        COOP_PORT_IRQ_RESTORE(s);
    }
#endif
    coop_call_post(&keys->call);
}

/* A coop_keys_read_cb for coop_keys_poll_spawn: `arg` is an array of nkeys
 * coop_pin_t (inputs already set up), read with coop_pin_read. */
static inline coop_keys_bits_t coop_keys_read_pins(const void *arg, uint8_t nkeys)
{
    const coop_pin_t *pins = (const coop_pin_t *)arg;
    coop_keys_bits_t bits = 0;
    uint8_t i;
    for (i = 0; i < nkeys; i++)
        if (coop_pin_read(pins[i]))
            bits = (coop_keys_bits_t)(bits | (1u << i));
    return bits;
}

/* ---------------------------------------------------------------- edges */

/* Prepare an edge counter (before enabling its interrupt): count 0; mode
 * COOP_EDGE_RISING, COOP_EDGE_FALLING or COOP_EDGE_BOTH. COOP_OK or
 * COOP_EINVAL (NULL, another mode). */
int coop_edges_init(coop_edges_t *edges, uint8_t mode);

/* Attach `edges` to input `pin` (countio.Counter(pin, edge=mode,
 * pull=pull)): coop_edges_init(edges, mode), coop_pin_input(pin, pull), and
 * the port's interrupt on the pin's `mode` edges reports each to the counter
 * (coop_pin_on_edge; needs COOP_PIN_IRQS 1). Loop side, before the edges
 * matter: an edge of the pin before this call is not counted.
 * COOP_OK; COOP_EINVAL (NULL, a bad mode, COOP_PIN_IRQS 0, each with an
 * assert; or, quietly, a pin that cannot interrupt on this board, as
 * coop_pin_on_edge says); COOP_EBUSY (edges or pin already attached);
 * COOP_ERANGE (COOP_EDGES_ATTACH_MAX counters attached already). */
int coop_edges_attach(coop_edges_t *edges, coop_pin_t pin, uint8_t mode,
                      int pull) COOP_PRIV_NEEDS_PIN_IRQS;

/* Stop counting (countio's deinit): the pin's interrupt off, the counter
 * left as it is. COOP_OK, or COOP_EINVAL (not attached). Loop side. */
int coop_edges_detach(coop_edges_t *edges);

/* @isr_ok An edge: the pin now reads `level` (true: a rising edge, false: a
 * falling one). Counted, and the waiter woken, if the mode counts it. */
COOP_PRIV_ISR_INLINE void coop_edges_report(coop_edges_t *edges, bool level)
{
    if ((edges->mode & (level ? COOP_EDGE_RISING : COOP_EDGE_FALLING)) != 0)
        coop_counter_add(&edges->counter, 1);
}

/* Read the count and reset it to 0, in one step. Task side. */
static inline coop_count_t coop_edges_take(coop_edges_t *edges)
{
    return coop_counter_take(&edges->counter);
}

/* The count, left as it is. */
static inline coop_count_t coop_edges_read(const coop_edges_t *edges)
{
    return coop_counter_read(&edges->counter);
}

/* Edges lost because the count saturated at COOP_COUNT_MAX (sticky). */
static inline coop_count_t coop_edges_overflows(const coop_edges_t *edges)
{
    return coop_counter_overflows(&edges->counter);
}

/* ---------------------------------------------------------------- keypad */

/* Set the keypad's pins up (inputs, with its pull), prepare its coop_keys_t
 * (debounce 0: keypad's) and spawn the task that scans the pins now (the
 * first scan, see KEYS HELD AT START-UP) and then every interval_ms.
 * COOP_OK; COOP_EINVAL (NULL, an interval over COOP_KEYS_MAX_TICKS ticks);
 * COOP_EBUSY (its task is alive). Stop it with coop_keypad_stop. */
int coop_keypad_spawn(coop_loop_t *loop, const coop_keypad_t *kp);

/* Stop scanning (the task is cancelled; the queue stays). */
void coop_keypad_stop(const coop_keypad_t *kp);

/* keypad's reset(): take every key as released, so that a key held now is a
 * PRESSED event at the next scan. After coop_keypad_spawn. Loop side. */
void coop_keypad_reset(const coop_keypad_t *kp);

/* Used by AWAIT_KEY_EVENT: COOP_DONE with the oldest event in *ev. */
coop_status_t coop_priv_keypad_get(const coop_keypad_t *kp, coop_keys_event_t *ev);

/* The keypad's coop_keys_t (long press, double click, repeat, pressed,
 * overflows, clear: the coop_keys_* calls). */
static inline coop_keys_t *coop_keypad_keys(const coop_keypad_t *kp)
{
    return &kp->state->keys;
}

#ifdef __cplusplus
}
#endif

/* AWAIT_KEYS(keys): until an event is queued (then take it with
 * coop_keys_get). AWAIT_EDGES(edges): until the count is above zero (then
 * take it with coop_edges_take). AWAIT_KEY_EVENT(kp, ev): until a keypad
 * (COOP_KEYPAD_DEFINE) has an event, then the oldest into *ev (keypad's
 * events.get(), but it sleeps until there is one); kp and ev are evaluated
 * at each resume, as AWAIT's condition is. Between ASYNC and ASYNC_END of a
 * task; one task takes a queue's events. */
#define COOP_AWAIT_KEYS(keys) COOP_AWAIT_RING(&(keys)->events)
#define COOP_AWAIT_EDGES(edges) COOP_AWAIT_COUNTER(&(edges)->counter)
#define COOP_AWAIT_KEY_EVENT(kp, ev) \
    COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_keypad_get((kp), (ev)))

#ifndef COOP_NO_SHORT_NAMES
#if defined(AWAIT_KEYS) || defined(AWAIT_EDGES) || defined(AWAIT_KEY_EVENT)
#error "coop: a short macro name (AWAIT_KEYS, AWAIT_EDGES, AWAIT_KEY_EVENT) is already defined elsewhere; define COOP_NO_SHORT_NAMES and use the COOP_ names"
#endif
#define AWAIT_KEYS(keys) COOP_AWAIT_KEYS(keys)
#define AWAIT_EDGES(edges) COOP_AWAIT_EDGES(edges)
#define AWAIT_KEY_EVENT(kp, ev) COOP_AWAIT_KEY_EVENT(kp, ev)
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_KEYS_IMPLEMENTED
#define COOP_KEYS_IMPLEMENTED

/* What is due for a key, in the order that breaks ties at one tick. */
enum {
    COOP_PRIV_KEYS_NONE,
    COOP_PRIV_KEYS_LONG,
    COOP_PRIV_KEYS_REPEAT,
    COOP_PRIV_KEYS_WINDOW, /* the double-click window closes */
    COOP_PRIV_KEYS_CONFIRM /* the raw level has held for the debounce time */
};

/* ms to ticks, false if over COOP_KEYS_MAX_TICKS. */
static bool coop_priv_keys_ticks(uint32_t ms, uint16_t *ticks)
{
    uint32_t t = coop_ticks_from_ms(ms);
    if (ms > 0x7fffffffUL || t > COOP_KEYS_MAX_TICKS)
        return false;
    *ticks = (uint16_t)t;
    return true;
}

int coop_keys_init(coop_keys_t *keys, coop_keys_slot_t *slots, uint8_t nkeys,
                   coop_keys_event_t *events, size_t capacity, bool value_when_pressed,
                   uint32_t debounce_ms)
{
    uint16_t debounce = 0;
    uint8_t i;
    bool ok = keys != NULL && slots != NULL && nkeys >= 1 && nkeys <= COOP_KEYS_MAX &&
              coop_priv_keys_ticks(debounce_ms, &debounce);
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keys_init: need keys, slots, 1..16 keys and a debounce of at most "
                     "32767 ticks");
    if (coop_ring_init(&keys->events, events, sizeof(coop_keys_event_t), capacity) != COOP_OK)
        return COOP_EINVAL; /* it has asserted */
    coop_call_init(&keys->call, coop_priv_keys_posted);
    coop_waitq_init(&keys->waiters);
    keys->slot = slots;
    for (i = 0; i < nkeys; i++) {
        slots[i].since = 0;
        slots[i].held = 0;
        slots[i].press = 0;
        slots[i].repeat = 0;
    }
    keys->isr_down = 0;
    keys->isr_dirty = 0;
    keys->isr_held = 0;
    keys->isr_hdown = 0;
    keys->hold = 0;
    keys->hold_down = 0;
    keys->raw = 0;
    keys->state = 0;
    keys->longed = 0;
    keys->armed = 0;
    keys->debounce = debounce;
    keys->long_ticks = 0;
    keys->double_ticks = 0;
    keys->repeat_delay = 0;
    keys->repeat_period = 0;
    keys->nkeys = nkeys;
    keys->when_pressed = value_when_pressed ? 1u : 0u;
    return COOP_OK;
}

int coop_keys_set_long(coop_keys_t *keys, uint32_t long_ms)
{
    uint16_t t = 0;
    bool ok = keys != NULL && coop_priv_keys_ticks(long_ms, &t);
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keys_set_long: keys is NULL or the time is over 32767 ticks");
    keys->long_ticks = t;
    return COOP_OK;
}

int coop_keys_set_double(coop_keys_t *keys, uint32_t double_ms)
{
    uint16_t t = 0;
    bool ok = keys != NULL && coop_priv_keys_ticks(double_ms, &t);
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keys_set_double: keys is NULL or the time is over 32767 ticks");
    keys->double_ticks = t;
    if (t == 0)
        keys->armed = 0;
    return COOP_OK;
}

int coop_keys_set_repeat(coop_keys_t *keys, uint32_t delay_ms, uint32_t period_ms)
{
    uint16_t d = 0, p = 0;
    bool ok = keys != NULL && coop_priv_keys_ticks(delay_ms, &d) &&
              coop_priv_keys_ticks(period_ms, &p) && (d == 0 || p != 0);
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keys_set_repeat: keys is NULL, a time is over 32767 ticks, or the "
                     "period is 0 with a delay");
    keys->repeat_delay = d;
    keys->repeat_period = p;
    return COOP_OK;
}

/* A tick an ISR may write (a slot's since or held), read whole. */
static coop_tick_t coop_priv_keys_load(const volatile coop_tick_t *p)
{
#if COOP_PORT_ATOMIC
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    coop_tick_t t = *p;
    COOP_PORT_IRQ_RESTORE(s);
    return t;
#endif
}

/* The earliest thing due for key i and its tick (*when), or NONE. Ties go to
 * the first in the enum's order. */
static uint8_t coop_priv_keys_due(const coop_keys_t *keys, uint8_t i, coop_tick_t *when)
{
    coop_keys_bits_t bit = (coop_keys_bits_t)(1u << i);
    const coop_keys_slot_t *s = &keys->slot[i];
    uint8_t what = COOP_PRIV_KEYS_NONE;
    coop_tick_t t;
    if (keys->state & bit) {
        if (keys->long_ticks != 0 && !(keys->longed & bit)) {
            what = COOP_PRIV_KEYS_LONG;
            *when = coop_tick_add(s->press, keys->long_ticks);
        }
        if (keys->repeat_delay != 0 &&
            (what == COOP_PRIV_KEYS_NONE || coop_tick_after(*when, s->repeat))) {
            what = COOP_PRIV_KEYS_REPEAT;
            *when = s->repeat;
        }
    }
    if (keys->armed & bit) {
        t = coop_tick_add(s->press, keys->double_ticks);
        if (what == COOP_PRIV_KEYS_NONE || coop_tick_after(*when, t)) {
            what = COOP_PRIV_KEYS_WINDOW;
            *when = t;
        }
    }
    if ((keys->hold | (keys->raw ^ keys->state)) & bit) {
        /* a held level the loop has not confirmed yet comes first: it began
         * before the raw level did */
        t = coop_tick_add(coop_priv_keys_load((keys->hold & bit) ? &s->held : &s->since),
                          keys->debounce);
        if (what == COOP_PRIV_KEYS_NONE || coop_tick_after(*when, t)) {
            what = COOP_PRIV_KEYS_CONFIRM;
            *when = t;
        }
    }
    return what;
}

static void coop_priv_keys_emit(coop_keys_t *keys, uint8_t i, uint8_t kind, coop_tick_t when)
{
    coop_keys_event_t ev;
    ev.time = when;
    ev.key = i;
    ev.kind = kind;
    (void)coop_ring_push(&keys->events, &ev); /* full: counted in the ring's overflows */
}

/* Do what is due for key i at `when`. */
static void coop_priv_keys_apply(coop_keys_t *keys, uint8_t i, uint8_t what, coop_tick_t when)
{
    coop_keys_bits_t bit = (coop_keys_bits_t)(1u << i);
    coop_keys_bits_t nbit = (coop_keys_bits_t)~bit;
    coop_keys_slot_t *s = &keys->slot[i];
    if (what == COOP_PRIV_KEYS_LONG) {
        coop_priv_keys_emit(keys, i, COOP_KEYS_LONG, when);
        keys->longed = (coop_keys_bits_t)(keys->longed | bit);
        keys->armed = (coop_keys_bits_t)(keys->armed & nbit); /* a long press is no click */
    } else if (what == COOP_PRIV_KEYS_REPEAT) {
        coop_priv_keys_emit(keys, i, COOP_KEYS_REPEAT, when);
        s->repeat = coop_tick_add(when, keys->repeat_period);
        keys->armed = (coop_keys_bits_t)(keys->armed & nbit);
    } else if (what == COOP_PRIV_KEYS_WINDOW) {
        keys->armed = (coop_keys_bits_t)(keys->armed & nbit);
    } else if (((keys->hold & bit) ? keys->hold_down : keys->raw) & bit) { /* CONFIRM: pressed */
        keys->hold = (coop_keys_bits_t)(keys->hold & nbit);
        keys->state = (coop_keys_bits_t)(keys->state | bit);
        coop_priv_keys_emit(keys, i, COOP_KEYS_PRESSED, when);
        if (keys->armed & bit) { /* the window is still open: it closes at a tie */
            coop_priv_keys_emit(keys, i, COOP_KEYS_DOUBLE, when);
            keys->armed = (coop_keys_bits_t)(keys->armed & nbit);
        } else if (keys->double_ticks != 0) {
            keys->armed = (coop_keys_bits_t)(keys->armed | bit);
        }
        s->press = when;
        s->repeat = coop_tick_add(when, keys->repeat_delay);
        keys->longed = (coop_keys_bits_t)(keys->longed & nbit);
    } else { /* CONFIRM: released */
        keys->hold = (coop_keys_bits_t)(keys->hold & nbit);
        keys->state = (coop_keys_bits_t)(keys->state & nbit);
        coop_priv_keys_emit(keys, i, COOP_KEYS_RELEASED, when);
    }
}

/* Queue everything due up to `now`, oldest first across keys. */
static bool coop_priv_keys_advance(coop_keys_t *keys, coop_tick_t now, coop_tick_t *next)
{
    for (;;) {
        uint8_t i, what, best = COOP_PRIV_KEYS_NONE, best_i = 0;
        coop_tick_t t = 0, best_t = 0;
        for (i = 0; i < keys->nkeys; i++) {
            what = coop_priv_keys_due(keys, i, &t);
            if (what != COOP_PRIV_KEYS_NONE &&
                (best == COOP_PRIV_KEYS_NONE || coop_tick_after(best_t, t))) {
                best = what;
                best_i = i;
                best_t = t;
            }
        }
        if (best == COOP_PRIV_KEYS_NONE)
            return false;
        if (coop_tick_after(best_t, now)) {
            if (next != NULL)
                *next = best_t;
            return true;
        }
        coop_priv_keys_apply(keys, best_i, best, best_t);
    }
}

static coop_keys_bits_t coop_priv_keys_mask(const coop_keys_t *keys)
{
    return (coop_keys_bits_t)(0xffffu >> (16u - keys->nkeys));
}

bool coop_keys_scan(coop_keys_t *keys, coop_tick_t now, coop_keys_bits_t levels,
                    coop_tick_t *next)
{
    coop_keys_bits_t down, changed;
    uint8_t i;
    COOP_PRIV_REFUSE(keys == NULL, false, "coop_keys_scan: keys is NULL");
    down = (coop_keys_bits_t)((keys->when_pressed ? levels : (coop_keys_bits_t)~levels) &
                              coop_priv_keys_mask(keys));
    changed = (coop_keys_bits_t)(down ^ keys->raw);
    /* the old levels held until now: what they made due up to now comes
     * first (a level seen by scans `debounce` ticks apart counts) */
    if (changed != 0)
        (void)coop_priv_keys_advance(keys, now, NULL);
    for (i = 0; changed != 0; i++, changed = (coop_keys_bits_t)(changed >> 1))
        if (changed & 1u)
            keys->slot[i].since = now; /* the first scan that saw the new level */
    keys->raw = down;
    return coop_priv_keys_advance(keys, now, next);
}

bool coop_keys_update(coop_keys_t *keys, coop_tick_t now, coop_tick_t *next)
{
    coop_keys_bits_t dirty, held, hdown;
    /* (assert, then test: as one COOP_PRIV_REFUSE, avr-gcc 5.4 -Os inlines
     * this function into its callers, 314 bytes more in press_alert) */
    COOP_ASSERT(keys != NULL, "coop_keys_update: keys is NULL");
    if (keys == NULL)
        return false;
#if COOP_PORT_ATOMIC
    held = __atomic_exchange_n(&keys->isr_held, (coop_keys_bits_t)0, __ATOMIC_ACQUIRE);
    hdown = __atomic_load_n(&keys->isr_hdown, __ATOMIC_ACQUIRE);
    dirty = __atomic_exchange_n(&keys->isr_dirty, (coop_keys_bits_t)0, __ATOMIC_ACQUIRE);
    if (dirty != 0)
        keys->raw = __atomic_load_n(&keys->isr_down, __ATOMIC_ACQUIRE);
#else
    {
        coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
        held = keys->isr_held;
        hdown = keys->isr_hdown;
        keys->isr_held = 0;
        dirty = keys->isr_dirty;
        keys->isr_dirty = 0;
        if (dirty != 0)
            keys->raw = keys->isr_down;
        COOP_PORT_IRQ_RESTORE(s);
    }
#endif
    /* held levels that change the debounced state: confirmed first, at their
     * start + debounce (a held level equal to the state is already counted) */
    held = (coop_keys_bits_t)(held & (hdown ^ keys->state));
    keys->hold = (coop_keys_bits_t)((keys->hold & (coop_keys_bits_t)~held) | held);
    keys->hold_down = (coop_keys_bits_t)((keys->hold_down & (coop_keys_bits_t)~held) |
                                         (hdown & held));
    return coop_priv_keys_advance(keys, now, next);
}

void coop_priv_keys_posted(coop_call_t *call)
{
    coop_keys_t *keys = COOP_CONTAINER_OF(call, coop_keys_t, call);
    if (COOP_PRIV_LOAD(&keys->isr_dirty) != 0)
        coop_priv_wake_first(&keys->waiters);
}

coop_status_t coop_priv_keys_wait(coop_keys_t *keys)
{
    /* an edge from here on posts the call, which runs after this task has
     * parked: it cannot be missed (a torn read of the mask only parks it) */
    if (COOP_PRIV_LOAD(&keys->isr_dirty) != 0)
        return coop_priv_woke();
    return coop_priv_wait_in(&keys->waiters);
}

static coop_status_t coop_priv_keys_poll_fn(coop_task_t *task)
{
    coop_keys_task_t *kt = COOP_CONTAINER_OF(task, coop_keys_task_t, task);
    COOP_ASYNC(task);
    for (;;) {
        (void)coop_keys_scan(kt->keys, coop_now(),
                             kt->read(kt->arg, kt->keys->nkeys), NULL);
        COOP_AWAIT_SLEEP_TICKS(kt->interval);
    }
    COOP_ASYNC_END;
}

/* coop_keys_update now: -1 when nothing is pending, else the ticks to its
 * next deadline (0 if due). Kept out of the coroutine body: a local whose
 * address is taken there (&next) makes gcc -O0 -fsanitize=address (its
 * use-after-scope marks meet the switch) warn "control reaches end". */
static coop_stick_t coop_priv_keys_update_now(coop_keys_t *keys)
{
    coop_tick_t now = coop_now(), next = 0;
    coop_stick_t d;
    if (!coop_keys_update(keys, now, &next))
        return -1;
    d = coop_tick_diff(next, now);
    return d > 0 ? d : 0;
}

static coop_status_t coop_priv_keys_edge_fn(coop_task_t *task)
{
    coop_keys_task_t *kt = COOP_CONTAINER_OF(task, coop_keys_task_t, task);
    coop_stick_t d = 0;
    int rc = 0;
    COOP_ASYNC(task);
    for (;;) {
        d = coop_priv_keys_update_now(kt->keys);
        if (d >= 0) {
            /* a deadline (debounce, long press, repeat) is pending: wait for
             * it or for the next edge, whichever comes first */
            COOP_AWAIT_FOR_TICKS(rc, (uint32_t)d,
                                 COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_keys_wait(kt->keys)));
            (void)rc; /* either way: update again */
        } else {
            COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_keys_wait(kt->keys));
        }
    }
    COOP_ASYNC_END;
}

int coop_keys_poll_spawn(coop_loop_t *loop, coop_keys_task_t *kt, coop_keys_t *keys,
                         uint32_t interval_ms, coop_keys_read_cb read, const void *arg)
{
    uint16_t interval = 0;
    bool ok = loop != NULL && kt != NULL && keys != NULL && read != NULL &&
              coop_priv_keys_ticks(interval_ms, &interval) && interval != 0;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keys_poll_spawn: need a loop, a task, keys, a read callback and an "
                     "interval of 1..32767 ticks");
    if (COOP_PRIV_TASK_STATE(&kt->task) != COOP_TASK_IDLE && !coop_task_done(&kt->task))
        return coop_task_spawn(loop, &kt->task, coop_priv_keys_poll_fn); /* asserts: EBUSY */
    kt->keys = keys;
    kt->read = read;
    kt->arg = arg;
    kt->interval = interval;
    return coop_task_spawn(loop, &kt->task, coop_priv_keys_poll_fn);
}

int coop_keys_edge_spawn(coop_loop_t *loop, coop_keys_task_t *kt, coop_keys_t *keys)
{
    bool ok = loop != NULL && kt != NULL && keys != NULL;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL, "coop_keys_edge_spawn: need a loop, a task and keys");
    if (COOP_PRIV_TASK_STATE(&kt->task) != COOP_TASK_IDLE && !coop_task_done(&kt->task))
        return coop_task_spawn(loop, &kt->task, coop_priv_keys_edge_fn); /* asserts: EBUSY */
    kt->keys = keys;
    kt->read = NULL;
    kt->arg = NULL;
    kt->interval = 0;
    return coop_task_spawn(loop, &kt->task, coop_priv_keys_edge_fn);
}

bool coop_keys_get(coop_keys_t *keys, coop_keys_event_t *ev)
{
    COOP_PRIV_REFUSE(keys == NULL || ev == NULL, false,
                     "coop_keys_get: keys and ev must not be NULL");
    return coop_ring_pop(&keys->events, ev);
}

void coop_keys_clear(coop_keys_t *keys)
{
    coop_keys_event_t ev;
    COOP_PRIV_REFUSE(keys == NULL, , "coop_keys_clear: keys is NULL");
    while (coop_ring_pop(&keys->events, &ev)) {
    }
    keys->events.overflows = 0; /* its producer is the loop too: no race */
}

int coop_edges_init(coop_edges_t *edges, uint8_t mode)
{
    bool ok = edges != NULL && mode >= COOP_EDGE_RISING && mode <= COOP_EDGE_BOTH;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_edges_init: need edges and COOP_EDGE_RISING, _FALLING or _BOTH");
    coop_counter_init(&edges->counter);
    edges->mode = mode;
    return COOP_OK;
}

/* ---------------------------------------------------------------- attach */

#if COOP_PIN_IRQS
/* Attached counters: the port's pin handler finds a pin's counter here. */
static struct coop_priv_edges_at {
    coop_edges_t *edges; /* NULL: a free entry */
    coop_pin_t pin;
} coop_priv_edges_at[COOP_EDGES_ATTACH_MAX];

static void coop_priv_edges_isr(coop_pin_t pin, bool level)
{
    uint8_t i;
    for (i = 0; i < COOP_EDGES_ATTACH_MAX; i++)
        if (coop_priv_edges_at[i].edges != NULL && coop_priv_edges_at[i].pin == pin) {
            coop_edges_report(coop_priv_edges_at[i].edges, level);
            return;
        }
}

/* The entry of `edges` (or of `pin`, if edges is NULL), or -1. */
static int coop_priv_edges_find(const coop_edges_t *edges, coop_pin_t pin)
{
    int i;
    for (i = 0; i < COOP_EDGES_ATTACH_MAX; i++)
        if (coop_priv_edges_at[i].edges != NULL &&
            (edges != NULL ? coop_priv_edges_at[i].edges == edges
                           : coop_priv_edges_at[i].pin == pin))
            return i;
    return -1;
}

/* Set entry i (edges NULL: free it) as one step against the pin handler. */
static void coop_priv_edges_set(int i, coop_edges_t *edges, coop_pin_t pin)
{
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    coop_priv_edges_at[i].edges = edges;
    coop_priv_edges_at[i].pin = pin;
    COOP_PORT_IRQ_RESTORE(s);
}

int coop_edges_attach(coop_edges_t *edges, coop_pin_t pin, uint8_t mode, int pull)
{
    int i, rc;
    COOP_PRIV_REFUSE(edges == NULL, COOP_EINVAL, "coop_edges_attach: edges is NULL");
    COOP_PRIV_REFUSE(coop_priv_edges_find(edges, 0) >= 0 || coop_priv_edges_find(NULL, pin) >= 0,
                     COOP_EBUSY, "coop_edges_attach: the counter or the pin is attached already");
    rc = coop_edges_init(edges, mode); /* asserts a bad mode */
    if (rc != COOP_OK)
        return rc;
    for (i = 0; i < COOP_EDGES_ATTACH_MAX && coop_priv_edges_at[i].edges != NULL; i++) {
    }
    COOP_PRIV_REFUSE(i == COOP_EDGES_ATTACH_MAX, COOP_ERANGE,
                     "coop_edges_attach: COOP_EDGES_ATTACH_MAX counters are attached already");
    coop_pin_input(pin, pull);
    coop_priv_edges_set(i, edges, pin);
    rc = coop_pin_on_edge(pin, mode, coop_priv_edges_isr);
    if (rc != COOP_OK)
        coop_priv_edges_set(i, NULL, 0);
    return rc;
}

int coop_edges_detach(coop_edges_t *edges)
{
    int i = coop_priv_edges_find(edges, 0);
    COOP_PRIV_REFUSE(edges == NULL || i < 0, COOP_EINVAL, "coop_edges_detach: not attached");
    (void)coop_pin_on_edge(coop_priv_edges_at[i].pin, 0, NULL);
    coop_priv_edges_set(i, NULL, 0);
    return COOP_OK;
}
#else
/* Kept a call (not inlined) so that the error attribute sees it. */
#if defined(__clang__)
__attribute__((noinline))
#elif defined(__GNUC__)
__attribute__((noinline, noclone))
#endif
int coop_edges_attach(coop_edges_t *edges, coop_pin_t pin, uint8_t mode, int pull)
{
    (void)edges;
    (void)pin;
    (void)mode;
    (void)pull;
    COOP_ASSERT(0, "coop_edges_attach: define COOP_PIN_IRQS 1 before including the port");
    return COOP_EINVAL;
}

int coop_edges_detach(coop_edges_t *edges)
{
    (void)edges;
    COOP_ASSERT(0, "coop_edges_detach: define COOP_PIN_IRQS 1 before including the port");
    return COOP_EINVAL;
}
#endif

/* ---------------------------------------------------------------- keypad */

/* One scan of a keypad: the first (prime) takes the levels as they are. */
static void coop_priv_keypad_scan(coop_keypad_state_t *st)
{
    coop_keys_t *keys = &st->keys;
    coop_keys_bits_t levels = st->scanner.read(st->scanner.arg, keys->nkeys);
    coop_tick_t now = coop_now();
    uint8_t i;
    if (st->prime) {
        st->prime = 0;
        keys->raw = (coop_keys_bits_t)((keys->when_pressed ? levels : (coop_keys_bits_t)~levels) &
                                       coop_priv_keys_mask(keys));
        keys->state = keys->raw;
        keys->longed = keys->raw; /* no LONG for a press that was not reported */
        for (i = 0; i < keys->nkeys; i++) {
            keys->slot[i].since = now;
            keys->slot[i].press = now;
            keys->slot[i].repeat = coop_tick_add(now, keys->repeat_delay);
        }
        return;
    }
    (void)coop_keys_scan(keys, now, levels, NULL);
}

static coop_status_t coop_priv_keypad_fn(coop_task_t *task)
{
    coop_keys_task_t *kt = COOP_CONTAINER_OF(task, coop_keys_task_t, task);
    COOP_ASYNC(task);
    for (;;) {
        coop_priv_keypad_scan(COOP_CONTAINER_OF(kt, coop_keypad_state_t, scanner));
        COOP_AWAIT_SLEEP_TICKS(kt->interval);
    }
    COOP_ASYNC_END;
}

int coop_keypad_spawn(coop_loop_t *loop, const coop_keypad_t *kp)
{
    coop_keypad_state_t *st;
    uint16_t interval = 0;
    uint8_t i;
    int rc;
    bool ok = loop != NULL && kp != NULL && kp->state != NULL &&
              coop_priv_keys_ticks(kp->interval_ms, &interval) && interval != 0;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_keypad_spawn: need a loop, a keypad (COOP_KEYPAD_DEFINE) and an "
                     "interval of 1..32767 ticks");
    st = kp->state;
    if (COOP_PRIV_TASK_STATE(&st->scanner.task) != COOP_TASK_IDLE &&
        !coop_task_done(&st->scanner.task))
        return coop_task_spawn(loop, &st->scanner.task, coop_priv_keypad_fn); /* asserts: EBUSY */
    for (i = 0; i < kp->nkeys; i++)
        coop_pin_input(kp->pins[i], !kp->pull                ? COOP_PULL_NONE
                                    : kp->value_when_pressed ? COOP_PULL_DOWN
                                                             : COOP_PULL_UP);
    rc = coop_keys_init(&st->keys, kp->slots, kp->nkeys, kp->events, kp->max_events,
                        kp->value_when_pressed != 0, 0);
    if (rc != COOP_OK)
        return rc;
    st->scanner.keys = &st->keys;
    st->scanner.read = coop_keys_read_pins;
    st->scanner.arg = kp->pins;
    st->scanner.interval = interval;
    st->prime = 1;
    return coop_task_spawn(loop, &st->scanner.task, coop_priv_keypad_fn);
}

void coop_keypad_stop(const coop_keypad_t *kp)
{
    COOP_PRIV_REFUSE(kp == NULL, , "coop_keypad_stop: kp is NULL");
    (void)coop_task_cancel(&kp->state->scanner.task);
}

void coop_keypad_reset(const coop_keypad_t *kp)
{
    coop_keys_t *keys;
    COOP_PRIV_REFUSE(kp == NULL, , "coop_keypad_reset: kp is NULL");
    keys = &kp->state->keys;
    keys->raw = 0;
    keys->state = 0;
    keys->hold = 0;
    keys->longed = 0;
    keys->armed = 0;
    kp->state->prime = 0;
}

coop_status_t coop_priv_keypad_get(const coop_keypad_t *kp, coop_keys_event_t *ev)
{
    coop_status_t st = coop_priv_ring_wait(&kp->state->keys.events);
    if (st == COOP_DONE)
        (void)coop_ring_pop(&kp->state->keys.events, ev); /* one consumer: it is there */
    return st;
}

#endif /* COOP_KEYS_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_KEYS_H */
