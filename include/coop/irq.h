/* coop/irq.h - the only objects an interrupt may touch: flag, counter, ring.
 *
 * An interrupt must stay short and hand its work to a task. These objects are
 * that hand-off: the ISR side of each is O(1), never blocks, never walks a
 * list (@isr_ok below), and a task awaits the other side while the loop
 * sleeps. A set, add or push made before the task waits, while it waits, or
 * several times before it runs is never lost.
 *
 *     static coop_flag_t button;                    // MicroPython ThreadSafeFlag
 *     ISR(INT0_vect) { coop_flag_set(&button); }    // interrupt: one call
 *
 *     ASYNC(task);                                  // in a task:
 *     for (;;) {
 *         AWAIT_FLAG(&button);                      // sleeps until set; clears it
 *         presses += coop_flag_count(&button);      // sets since the last wake
 *     }
 *
 *   flag     coop_flag_set (ISR); AWAIT_FLAG waits until set and clears it;
 *            coop_flag_count tells how many sets that wake consumed.
 *   counter  coop_counter_add (ISR), like CircuitPython's countio;
 *            coop_counter_take reads and clears in one step; AWAIT_COUNTER
 *            waits until the count is above zero (without taking it).
 *   ring     coop_ring_push (ISR) of small fixed-size records, one producer;
 *            coop_ring_pop in the task; AWAIT_RING waits until not empty.
 *            A full ring drops the new record and counts it in a sticky
 *            overflow counter (like keypad's EventQueue.overflowed).
 *   call     coop_call_post (ISR, coop/sched.h): run a function in the loop
 *            soon, like micropython.schedule. To run a task instead, let the
 *            task wait on a flag.
 *
 * FAIRNESS UNDER STORMS: AWAIT_FLAG, AWAIT_COUNTER and AWAIT_RING always let
 * the loop run once. If the object is ready when the task reaches the wait,
 * the task goes to the back of the run queue (as if it had waited and been
 * woken at once): timers fire and every other ready task runs before it takes
 * what is there. A task `for (;;) { AWAIT_FLAG(&f); work(); }` whose
 * interrupt sets f again during work() therefore never starves the others.
 * (asyncio's ThreadSafeFlag.wait returns at once when set; but an interrupt,
 * unlike a task, never stops setting it.) Sets made meanwhile add up.
 * The rule works at the AWAIT: a consumer that loops on its own, as
 * `while (coop_ring_pop(&r, &rec)) ...`, never reaches one while the producer
 * keeps up. Take what was there when the task woke and await again:
 *     AWAIT_RING(&r);
 *     for (r_task->n = coop_ring_count(&r); r_task->n > 0; r_task->n--) {
 *         coop_ring_pop(&r, &r_task->rec); ...
 *     }
 *
 * Every object is counted, nothing is lost silently: a flag's and a counter's
 * counts saturate at COOP_COUNT_MAX and count the excess in `overflows`; a
 * ring counts the records it dropped.
 *
 * ISR RULES (the guides' "ISR should be very short, fast, safe"):
 *  - in an ISR call only @isr_ok functions, on objects initialised before the
 *    interrupt was enabled;
 *  - one producer per ring (one ISR, or one thread on the host);
 *  - never call a task-side function (take, pop, await) from an ISR.
 *
 * Memory: each object holds a coop_call_t (2 pointers and a byte) and a wait
 * queue (1 pointer); a ring also its storage (COOP_RING_DEFINE).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_IRQ_H
#define COOP_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atomic.h"
#include "config.h"
#include "sched.h"

#if COOP_COUNT_BITS == 32
typedef uint32_t coop_count_t;
#define COOP_COUNT_MAX ((coop_count_t)0xffffffffUL)
#else
typedef uint16_t coop_count_t;
#define COOP_COUNT_MAX ((coop_count_t)0xffffU)
#endif

typedef struct coop_flag {
    coop_call_t call;                /* posted by set: wakes the waiter */
    volatile coop_count_t sets;      /* sets not yet consumed */
    volatile coop_count_t overflows; /* sets beyond COOP_COUNT_MAX, sticky */
    coop_count_t taken;              /* sets the last wake consumed */
    coop_waitq_t waiters;
} coop_flag_t;

typedef struct coop_counter {
    coop_call_t call;
    volatile coop_count_t count;
    volatile coop_count_t overflows; /* adds beyond COOP_COUNT_MAX, sticky */
    coop_waitq_t waiters;
} coop_counter_t;

typedef struct coop_ring {
    coop_call_t call;
    uint8_t *buf;
    uint16_t record_size;
    uint8_t mask;                    /* capacity - 1; capacity a power of 2, <= 128 */
    volatile uint8_t head;           /* records pushed, mod 256 (the producer's) */
    volatile uint8_t tail;           /* records popped, mod 256 (the consumer's) */
    volatile coop_count_t overflows; /* records dropped because the ring was full */
    coop_waitq_t waiters;
} coop_ring_t;

#ifdef __cplusplus
extern "C" {
#endif

/* Prepare an object (before enabling the interrupt that uses it): COOP_OK,
 * COOP_EINVAL, or COOP_EBUSY if tasks wait on it (as coop/sync.h's), or define
 * it initialised at compile time: COOP_FLAG_DEFINE(name), COOP_COUNTER_DEFINE(name),
 * COOP_RING_DEFINE(name, type, capacity) (static objects), or, for a member
 * of a struct of yours, `= COOP_FLAG_INITIALIZER` / COOP_COUNTER_INITIALIZER.
 * A zeroed object that was never initialised is refused with an assert where
 * it is first used (its set or add is dropped, its wait does not park). */
int coop_flag_init(coop_flag_t *flag);
int coop_counter_init(coop_counter_t *counter);
#define COOP_FLAG_INITIALIZER \
    { { NULL, coop_priv_flag_posted, 0 }, 0, 0, 0, COOP_PRIV_WAITQ_INITIALIZER }
#define COOP_COUNTER_INITIALIZER \
    { { NULL, coop_priv_counter_posted, 0 }, 0, 0, COOP_PRIV_WAITQ_INITIALIZER }
#define COOP_FLAG_DEFINE(name) static coop_flag_t name = COOP_FLAG_INITIALIZER
#define COOP_COUNTER_DEFINE(name) static coop_counter_t name = COOP_COUNTER_INITIALIZER
/* storage: capacity * record_size bytes; capacity a power of two, 1..128.
 * COOP_OK or COOP_EINVAL. COOP_RING_DEFINE does both for a static ring. */
int coop_ring_init(coop_ring_t *ring, void *storage, size_t record_size, size_t capacity);

/* The loop-side half of each object: wakes its first waiter. */
void coop_priv_flag_posted(coop_call_t *call);
void coop_priv_counter_posted(coop_call_t *call);
void coop_priv_ring_posted(coop_call_t *call);

/* Add n to *c, saturating at COOP_COUNT_MAX; returns what did not fit. One
 * indivisible step against interrupts (and threads, with COOP_PORT_ATOMIC). */
COOP_PRIV_ISR_INLINE coop_count_t coop_priv_sat_add(volatile coop_count_t *c, coop_count_t n)
{
    coop_count_t add;
#if COOP_PORT_ATOMIC
    coop_count_t old = __atomic_load_n(c, __ATOMIC_RELAXED);
    do {
        coop_count_t room = (coop_count_t)(COOP_COUNT_MAX - old);
        add = n < room ? n : room;
    } while (!__atomic_compare_exchange_n(c, &old, (coop_count_t)(old + add), true,
                                          __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    coop_count_t room = (coop_count_t)(COOP_COUNT_MAX - *c);
    add = n < room ? n : room;
    *c = (coop_count_t)(*c + add);
    COOP_PORT_IRQ_RESTORE(s);
#endif
    return (coop_count_t)(n - add);
}

/* Add n to *c; what does not fit is counted in *over (itself saturating). */
COOP_PRIV_ISR_INLINE void coop_priv_count_add(volatile coop_count_t *c, volatile coop_count_t *over,
                                       coop_count_t n)
{
    coop_count_t excess = coop_priv_sat_add(c, n);
    if (excess != 0)
        (void)coop_priv_sat_add(over, excess);
}

/* Read *c and set it to 0, in one step. */
static inline coop_count_t coop_priv_count_take(volatile coop_count_t *c)
{
#if COOP_PORT_ATOMIC
    return __atomic_exchange_n(c, (coop_count_t)0, __ATOMIC_ACQ_REL);
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    coop_count_t v = *c;
    *c = 0;
    COOP_PORT_IRQ_RESTORE(s);
    return v;
#endif
}

/* Read *c whole (a multi-byte count on an 8-bit chip needs the mask). */
static inline coop_count_t coop_priv_count_read(const volatile coop_count_t *c)
{
#if COOP_PORT_ATOMIC
    return __atomic_load_n(c, __ATOMIC_ACQUIRE);
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    coop_count_t v = *c;
    COOP_PORT_IRQ_RESTORE(s);
    return v;
#endif
}

/* ---------------------------------------------------------------- flag */

/* @isr_ok Set the flag: its waiter (if any) wakes; sets before that add up. */
COOP_PRIV_ISR_INLINE void coop_flag_set(coop_flag_t *flag)
{
    coop_priv_count_add(&flag->sets, &flag->overflows, 1);
    coop_call_post(&flag->call);
}

/* true while sets wait to be consumed. Task side. */
static inline bool coop_flag_is_set(const coop_flag_t *flag)
{
    return coop_priv_count_read(&flag->sets) != 0;
}

/* Consume the sets without waiting: their number (0 if none). Task side. */
static inline coop_count_t coop_flag_take(coop_flag_t *flag)
{
    return coop_priv_count_take(&flag->sets);
}

/* The sets the last AWAIT_FLAG consumed (at least 1). Task side. */
static inline coop_count_t coop_flag_count(const coop_flag_t *flag)
{
    return flag->taken;
}

/* Sets lost because the count saturated (sticky). */
static inline coop_count_t coop_flag_overflows(const coop_flag_t *flag)
{
    return coop_priv_count_read(&flag->overflows);
}

/* ---------------------------------------------------------------- counter */

/* @isr_ok Add n (an edge, a pulse) to the counter. */
COOP_PRIV_ISR_INLINE void coop_counter_add(coop_counter_t *counter, coop_count_t n)
{
    coop_priv_count_add(&counter->count, &counter->overflows, n);
    coop_call_post(&counter->call);
}

/* Read the count and reset it to 0, in one step. Task side. */
static inline coop_count_t coop_counter_take(coop_counter_t *counter)
{
    return coop_priv_count_take(&counter->count);
}

/* The count, left as it is. */
static inline coop_count_t coop_counter_read(const coop_counter_t *counter)
{
    return coop_priv_count_read(&counter->count);
}

/* Adds lost because the count saturated (sticky). */
static inline coop_count_t coop_counter_overflows(const coop_counter_t *counter)
{
    return coop_priv_count_read(&counter->overflows);
}

/* ---------------------------------------------------------------- ring */

/* @isr_ok Copy one record in; false (and one more overflow) when full. One
 * producer only. */
COOP_PRIV_ISR_INLINE bool coop_ring_push(coop_ring_t *ring, const void *record)
{
    uint8_t head = ring->head; /* only this producer writes head */
    uint8_t tail = COOP_PRIV_LOAD(&ring->tail);
    uint16_t i;
    size_t at;
    if ((uint8_t)(head - tail) > ring->mask) {
        (void)coop_priv_sat_add(&ring->overflows, 1);
        coop_call_post(&ring->call); /* wake the consumer: it is behind */
        return false;
    }
    /* (indexed, not a pointer made first: a zeroed ring's NULL buffer is
     * never offset, its post is refused by the loop) */
    at = (size_t)(head & ring->mask) * ring->record_size;
    COOP_PRIV_FENCE(); /* the slot is free (tail read) before it is written */
    for (i = 0; i < ring->record_size; i++)
        ring->buf[at + i] = ((const uint8_t *)record)[i];
    COOP_PRIV_FENCE(); /* the copy is done before head publishes it */
    COOP_PRIV_STORE(&ring->head, (uint8_t)(head + 1));
    coop_call_post(&ring->call);
    return true;
}

/* Copy the oldest record out: false when empty. Task side, one consumer. */
static inline bool coop_ring_pop(coop_ring_t *ring, void *record)
{
    uint8_t tail = ring->tail; /* only this consumer writes tail */
    uint8_t head = COOP_PRIV_LOAD(&ring->head);
    uint16_t i;
    size_t at;
    if (head == tail)
        return false;
    at = (size_t)(tail & ring->mask) * ring->record_size;
    COOP_PRIV_FENCE(); /* the record is read after head said it is there */
    for (i = 0; i < ring->record_size; i++)
        ((uint8_t *)record)[i] = ring->buf[at + i];
    COOP_PRIV_FENCE(); /* the copy is done before tail frees the slot */
    COOP_PRIV_STORE(&ring->tail, (uint8_t)(tail + 1));
    return true;
}

/* Records waiting. */
static inline unsigned coop_ring_count(const coop_ring_t *ring)
{
    return (uint8_t)(COOP_PRIV_LOAD(&ring->head) - COOP_PRIV_LOAD(&ring->tail));
}

/* Records dropped because the ring was full (sticky). */
static inline coop_count_t coop_ring_overflows(const coop_ring_t *ring)
{
    return coop_priv_count_read(&ring->overflows);
}

/* A static ring of `capacity` records of `type`, initialised at compile time;
 * capacity must be a power of two from 1 to 128 (checked). */
#define COOP_RING_DEFINE(name, type, capacity)                                          \
    COOP_PRIV_STATIC_ASSERT((capacity) >= 1 && (capacity) <= 128 &&                     \
                                ((capacity) & ((capacity) - 1)) == 0,                    \
                            name##_capacity_must_be_a_power_of_two_up_to_128);           \
    static type name##_storage[(capacity)];                                             \
    static coop_ring_t name = { { NULL, coop_priv_ring_posted, 0 },                     \
                                (uint8_t *)(void *)name##_storage, (uint16_t)sizeof(type), \
                                (uint8_t)((capacity) - 1), 0, 0, 0, COOP_PRIV_WAITQ_INITIALIZER }

/* Used by the AWAIT forms below. */
coop_status_t coop_priv_flag_wait(coop_flag_t *flag);
coop_status_t coop_priv_counter_wait(coop_counter_t *counter);
coop_status_t coop_priv_ring_wait(coop_ring_t *ring);

#ifdef __cplusplus
}
#endif

#define COOP_AWAIT_FLAG(flag) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_flag_wait(flag))
#define COOP_AWAIT_COUNTER(counter) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_counter_wait(counter))
#define COOP_AWAIT_RING(ring) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_ring_wait(ring))

#ifndef COOP_NO_SHORT_NAMES
#if defined(AWAIT_FLAG) || defined(AWAIT_COUNTER) || defined(AWAIT_RING)
#error "coop: a short macro name (AWAIT_FLAG, AWAIT_COUNTER, AWAIT_RING) is already defined elsewhere; define COOP_NO_SHORT_NAMES and use the COOP_ names"
#endif
#define AWAIT_FLAG(flag) COOP_AWAIT_FLAG(flag)
#define AWAIT_COUNTER(counter) COOP_AWAIT_COUNTER(counter)
#define AWAIT_RING(ring) COOP_AWAIT_RING(ring)
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_IRQ_IMPLEMENTED
#define COOP_IRQ_IMPLEMENTED

int coop_flag_init(coop_flag_t *flag)
{
    COOP_PRIV_REFUSE(flag == NULL, COOP_EINVAL, "coop_flag_init: flag is NULL");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&flag->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    coop_call_init(&flag->call, coop_priv_flag_posted);
    flag->sets = 0;
    flag->overflows = 0;
    flag->taken = 0;
    coop_waitq_init(&flag->waiters);
    return COOP_OK;
}

int coop_counter_init(coop_counter_t *counter)
{
    COOP_PRIV_REFUSE(counter == NULL, COOP_EINVAL, "coop_counter_init: counter is NULL");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&counter->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    coop_call_init(&counter->call, coop_priv_counter_posted);
    counter->count = 0;
    counter->overflows = 0;
    coop_waitq_init(&counter->waiters);
    return COOP_OK;
}

int coop_ring_init(coop_ring_t *ring, void *storage, size_t record_size, size_t capacity)
{
    bool ok = ring != NULL && storage != NULL && record_size >= 1 && record_size <= 0xffffu &&
              capacity >= 1 && capacity <= 128 && (capacity & (capacity - 1)) == 0;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL,
                     "coop_ring_init: need a ring, storage, a record size of 1..65535 and a "
                     "capacity that is a power of two from 1 to 128");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&ring->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    coop_call_init(&ring->call, coop_priv_ring_posted);
    ring->buf = (uint8_t *)storage;
    ring->record_size = (uint16_t)record_size;
    ring->mask = (uint8_t)(capacity - 1);
    ring->head = 0;
    ring->tail = 0;
    ring->overflows = 0;
    coop_waitq_init(&ring->waiters);
    return COOP_OK;
}

void coop_priv_flag_posted(coop_call_t *call)
{
    coop_flag_t *flag = COOP_CONTAINER_OF(call, coop_flag_t, call);
    if (coop_flag_is_set(flag))
        coop_priv_wake_first(&flag->waiters);
}

void coop_priv_counter_posted(coop_call_t *call)
{
    coop_counter_t *counter = COOP_CONTAINER_OF(call, coop_counter_t, call);
    if (coop_counter_read(counter) != 0)
        coop_priv_wake_all(&counter->waiters); /* awaiting "count > 0" is a condition */
}

void coop_priv_ring_posted(coop_call_t *call)
{
    coop_ring_t *ring = COOP_CONTAINER_OF(call, coop_ring_t, call);
    if (coop_ring_count(ring) != 0)
        coop_priv_wake_first(&ring->waiters);
}

/* Fairness under interrupt storms: a wait on a flag, counter or ring that
 * is ready when reached still lets the loop run once. The task goes to the
 * back of the run queue, marked as woken by q (as if it had waited and
 * been woken at once); when it runs again it takes what is there. So a task
 * `for (;;) { AWAIT_FLAG(&f); ... }` whose interrupt sets f again within
 * each turn lets timers fire and every other task run between turns.
 * coop_priv_irq_turn: true when the running task may take now (q woke it,
 * or it was sent to the back once already); coop_priv_irq_defer sends it. */
static bool coop_priv_irq_turn(const coop_waitq_t *q)
{
    return coop_priv_woken(coop_task_current(), q);
}

static coop_status_t coop_priv_irq_defer(coop_waitq_t *q)
{
    coop_task_t *self = coop_task_current();
    if (self == NULL)
        return coop_priv_wait_in(q); /* (asserts: only a task can wait) */
    self->u.q.waitq = q;
    return COOP_YIELDED;
}

/* A wait on an object whose call has no function: never initialised. */
static coop_status_t coop_priv_uninit_wait(void)
{
    COOP_ASSERT(0, "coop: AWAIT_FLAG/COUNTER/RING on an object that was never initialised "
                   "(coop_flag_init, COOP_FLAG_DEFINE, coop_ring_init, ...)");
    return COOP_YIELDED; /* never parks where no post could wake it */
}

coop_status_t coop_priv_flag_wait(coop_flag_t *flag)
{
    coop_count_t n;
    if (COOP_PRIV_UNLIKELY(flag->call.fn == NULL))
        return coop_priv_uninit_wait();
    if (coop_priv_irq_turn(&flag->waiters)) { /* woken by a set: take (one step) */
        n = coop_flag_take(flag);
        if (n != 0) {
            flag->taken = n;
            return coop_priv_woke();
        }
    } else if (coop_flag_is_set(flag)) {
        return coop_priv_irq_defer(&flag->waiters);
    }
    /* a set from here on posts the flag's call, which runs after this task
     * has returned to the loop, parked: it cannot be missed */
    return coop_priv_wait_in(&flag->waiters);
}

coop_status_t coop_priv_counter_wait(coop_counter_t *counter)
{
    if (COOP_PRIV_UNLIKELY(counter->call.fn == NULL))
        return coop_priv_uninit_wait();
    if (coop_counter_read(counter) != 0)
        return coop_priv_irq_turn(&counter->waiters) ? coop_priv_woke()
                                                    : coop_priv_irq_defer(&counter->waiters);
    return coop_priv_wait_in(&counter->waiters);
}

coop_status_t coop_priv_ring_wait(coop_ring_t *ring)
{
    if (COOP_PRIV_UNLIKELY(ring->call.fn == NULL))
        return coop_priv_uninit_wait();
    if (coop_ring_count(ring) != 0)
        return coop_priv_irq_turn(&ring->waiters) ? coop_priv_woke()
                                                 : coop_priv_irq_defer(&ring->waiters);
    return coop_priv_wait_in(&ring->waiters);
}

#endif /* COOP_IRQ_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_IRQ_H */
