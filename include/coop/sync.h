/* coop/sync.h - task <-> task: event, lock, semaphore, queue.
 *
 * asyncio's Event, Lock, Semaphore/BoundedSemaphore and Queue, with fixed
 * memory you own. Task side only: an interrupt hands work over through
 * coop/irq.h (flag, counter, ring) instead.
 *
 *     static coop_event_t ready;    static coop_lock_t bus;
 *     COOP_QUEUE_DEFINE(samples, uint16_t, 8);          // 8 records of 2 bytes
 *
 *     coop_event_init(&ready);  coop_lock_init(&bus);
 *     ...in a producer task:
 *         AWAIT_LOCK(&bus);  read_sensor(&p->value);  coop_lock_release(&bus);
 *         AWAIT_PUT(&samples, &p->value);               // waits while full
 *         coop_event_set(&ready);                       // every waiter wakes
 *     ...in a consumer task:
 *         AWAIT_FOR(c->rc, 500, AWAIT_GET(&samples, &c->value));
 *         if (c->rc == COOP_ETIMEDOUT) ...              // nothing for 500 ms
 *
 *   event      set, clear, is_set; AWAIT_EVENT returns once the event is set
 *              (every waiter wakes on a set, even if it is cleared before
 *              they run).
 *   lock       AWAIT_LOCK, coop_lock_try, coop_lock_release (by its owner).
 *   semaphore  counting, with a maximum: AWAIT_SEM, coop_sem_try,
 *              coop_sem_release (COOP_ERANGE past the maximum, as asyncio's
 *              BoundedSemaphore).
 *   queue      bounded, records of one size in storage you supply:
 *              AWAIT_PUT waits while full, AWAIT_GET while empty;
 *              coop_queue_try_put / try_get return COOP_EAGAIN instead.
 *
 * FAIRNESS: waiters are served first come, first served. A release, a put or
 * a get that wakes a waiter keeps what it freed for that waiter until it has
 * run (coop_waitq_t.woken): a task that comes later cannot take it first,
 * however the tasks yield. If the woken task is cancelled meanwhile, what it
 * was kept passes to the next waiter.
 *
 * TIMEOUTS AND CANCELLATION: any AWAIT here works inside AWAIT_FOR (see
 * coop/sched.h): COOP_OK, or COOP_ETIMEDOUT having taken nothing. A task
 * cancelled while it waits leaves the queue at once and goes to its FINALLY
 * section (release there what it holds).
 *
 * MISUSE has a defined result: releasing a lock the task does not hold
 * (COOP_EPERM), a semaphore past its maximum (COOP_ERANGE), a queue of zero
 * records or size (COOP_EINVAL), waiting on a destroyed event or queue (the
 * wait ends at once, with an assert; inside AWAIT_FOR its result is
 * COOP_ESHUTDOWN): each also asserts with a message.
 *
 * Memory (AVR / Cortex-M0+ / x86-64, make bench): event 6 / 12 / 24 bytes,
 * lock 6 / 12 / 24, semaphore 8 / 12 / 24, queue 19 / 32 / 56 plus its
 * records. Nothing here is ISR-safe.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_SYNC_H
#define COOP_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "sched.h"

/* The objects' `alive` byte: set by init, cleared by destroy. */
#define COOP_PRIV_SYNC_ALIVE 0xa5u

typedef struct coop_event {
    coop_waitq_t waiters;
    uint8_t set;
    uint8_t alive;
} coop_event_t;

typedef struct coop_lock {
    coop_task_t *owner;
    coop_waitq_t waiters;
} coop_lock_t;

typedef struct coop_sem {
    uint16_t count;
    uint16_t max;
    coop_waitq_t waiters;
} coop_sem_t;

typedef struct coop_queue {
    uint8_t *buf;
    uint16_t record_size;
    uint16_t capacity;  /* records */
    uint16_t head;      /* the oldest record */
    uint16_t count;
    coop_waitq_t getters;
    coop_waitq_t putters;
    uint8_t alive;
} coop_queue_t;

/* A static queue `name` of `capacity` records of `type`, ready to use
 * (coop_queue_init is not needed). */
#define COOP_QUEUE_DEFINE(name, type, capacity)                                         \
    static type name##_storage[(capacity) > 0 ? (capacity) : 1];                        \
    COOP_PRIV_STATIC_ASSERT((capacity) > 0 && (capacity) <= 65535 && sizeof(type) <= 65535, \
                            name##_queue_capacity_1_to_65535);                           \
    static coop_queue_t name = { (uint8_t *)name##_storage, (uint16_t)sizeof(type),     \
                                 (uint16_t)(capacity), 0, 0, COOP_PRIV_WAITQ_INITIALIZER, \
                                 COOP_PRIV_WAITQ_INITIALIZER,                             \
                                 COOP_PRIV_SYNC_ALIVE }

#ifdef __cplusplus
extern "C" {
#endif

/* Each init returns COOP_OK, COOP_EINVAL (NULL, bad sizes), or COOP_EBUSY
 * for an object that tasks wait on (initialising it again would strand them
 * in its old queue): initialise an object once, before the tasks use it;
 * static (zeroed) memory or memory you zeroed is fine, stack garbage is not
 * (an init reads the wait queue's `alive` byte: valgrind reports a read of
 * garbage, and a garbage 0xa5 there would be taken for waiters). */

/* ---- event (asyncio.Event) */
int coop_event_init(coop_event_t *ev);
/* Set it: every waiting task wakes (in the next pass). */
void coop_event_set(coop_event_t *ev);
void coop_event_clear(coop_event_t *ev);
static inline bool coop_event_is_set(const coop_event_t *ev)
{
    return ev->set != 0;
}
/* End the event: waiters wake (their wait ends, with an assert). */
void coop_event_destroy(coop_event_t *ev);

/* ---- lock (asyncio.Lock) */
int coop_lock_init(coop_lock_t *lock);
/* Take it if that needs no wait: COOP_OK, COOP_EAGAIN (held, or kept for a
 * woken waiter), COOP_EDEADLK (the caller holds it already). */
int coop_lock_try(coop_lock_t *lock);
/* Release it (by the task that holds it): COOP_OK, COOP_EPERM. */
int coop_lock_release(coop_lock_t *lock);
static inline bool coop_lock_locked(const coop_lock_t *lock)
{
    return lock->owner != NULL;
}

/* ---- semaphore (asyncio.BoundedSemaphore) */
/* count units now, at most max (1..65535); COOP_EINVAL if count > max or max 0. */
int coop_sem_init(coop_sem_t *sem, uint16_t count, uint16_t max);
/* Take a unit if that needs no wait: COOP_OK or COOP_EAGAIN. */
int coop_sem_try(coop_sem_t *sem);
/* Give a unit back: COOP_OK, or COOP_ERANGE when it already holds max. */
int coop_sem_release(coop_sem_t *sem);
static inline uint16_t coop_sem_count(const coop_sem_t *sem)
{
    return sem->count;
}

/* ---- queue (asyncio.Queue, bounded) */
/* storage: capacity * record_size bytes. COOP_OK or COOP_EINVAL. */
int coop_queue_init(coop_queue_t *q, void *storage, size_t record_size, size_t capacity);
/* Copy a record in / out if that needs no wait: COOP_OK or COOP_EAGAIN. */
int coop_queue_try_put(coop_queue_t *q, const void *record);
int coop_queue_try_get(coop_queue_t *q, void *record);
static inline uint16_t coop_queue_count(const coop_queue_t *q)
{
    return q->count;
}
/* End the queue: waiters wake (their wait ends, with an assert). */
void coop_queue_destroy(coop_queue_t *q);

/* Used by the AWAIT forms below. */
coop_status_t coop_priv_event_wait(coop_event_t *ev);
coop_status_t coop_priv_lock_wait(coop_lock_t *lock);
coop_status_t coop_priv_sem_wait(coop_sem_t *sem);
coop_status_t coop_priv_queue_put(coop_queue_t *q, const void *record);
coop_status_t coop_priv_queue_get(coop_queue_t *q, void *record);

#ifdef __cplusplus
}
#endif

#define COOP_AWAIT_EVENT(ev) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_event_wait(ev))
#define COOP_AWAIT_LOCK(lock) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_lock_wait(lock))
#define COOP_AWAIT_SEM(sem) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_sem_wait(sem))
#define COOP_AWAIT_PUT(q, record) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_queue_put((q), (record)))
#define COOP_AWAIT_GET(q, record) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_queue_get((q), (record)))

#ifndef COOP_NO_SHORT_NAMES
#if defined(AWAIT_EVENT) || defined(AWAIT_LOCK) || defined(AWAIT_SEM) || defined(AWAIT_PUT) || \
    defined(AWAIT_GET)
#error "coop: a short macro name (AWAIT_EVENT, AWAIT_LOCK, AWAIT_SEM, AWAIT_PUT, AWAIT_GET) is already defined elsewhere; define COOP_NO_SHORT_NAMES and use the COOP_ names"
#endif
#define AWAIT_EVENT(ev) COOP_AWAIT_EVENT(ev)
#define AWAIT_LOCK(lock) COOP_AWAIT_LOCK(lock)
#define AWAIT_SEM(sem) COOP_AWAIT_SEM(sem)
#define AWAIT_PUT(q, record) COOP_AWAIT_PUT(q, record)
#define AWAIT_GET(q, record) COOP_AWAIT_GET(q, record)
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_SYNC_IMPLEMENTED
#define COOP_SYNC_IMPLEMENTED

/* May `self` (the running task, or NULL outside tasks) take one of `units`
 * free units guarded by q now? Yes if q woke it for one, or if nobody waits
 * and a unit is left beyond those kept for tasks q woke. */
static bool coop_priv_may_take(const coop_waitq_t *q, uint16_t units, const coop_task_t *self)
{
    if (units == 0)
        return false;
    if (coop_priv_woken(self, q))
        return true;
    return q->last == NULL && units > q->woken;
}

/* self took what it waited for: its wake (if any) is used. */
static void coop_priv_took(coop_task_t *self)
{
    if (self != NULL && self->u.q.waitq != NULL)
        coop_priv_consume_wake(self);
}

/* ---------------------------------------------------------------- event */
int coop_event_init(coop_event_t *ev)
{
    COOP_PRIV_REFUSE(ev == NULL, COOP_EINVAL, "coop_event_init: event is NULL");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&ev->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    coop_waitq_init(&ev->waiters);
    ev->set = 0;
    ev->alive = COOP_PRIV_SYNC_ALIVE;
    return COOP_OK;
}

void coop_event_set(coop_event_t *ev)
{
    COOP_PRIV_REFUSE(ev == NULL || ev->alive != COOP_PRIV_SYNC_ALIVE, ,
                     "coop_event_set: not an initialised event");
    ev->set = 1;
    coop_priv_wake_all(&ev->waiters);
}

void coop_event_clear(coop_event_t *ev)
{
    if (ev != NULL)
        ev->set = 0;
}

void coop_event_destroy(coop_event_t *ev)
{
    if (ev == NULL)
        return;
    ev->alive = 0;
    coop_priv_wake_all(&ev->waiters); /* they find it destroyed */
}

coop_status_t coop_priv_event_wait(coop_event_t *ev)
{
    bool ok = ev != NULL && ev->alive == COOP_PRIV_SYNC_ALIVE;
    COOP_ASSERT(ok, "AWAIT_EVENT: the event is not initialised, or was destroyed");
    if (!ok)
        return coop_priv_wait_failed(ev == NULL ? COOP_EINVAL : COOP_ESHUTDOWN);
    if (ev->set || coop_priv_woken(coop_task_current(), &ev->waiters))
        return coop_priv_woke();
    return coop_priv_wait_in(&ev->waiters);
}

/* ---------------------------------------------------------------- lock */
int coop_lock_init(coop_lock_t *lock)
{
    COOP_PRIV_REFUSE(lock == NULL, COOP_EINVAL, "coop_lock_init: lock is NULL");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&lock->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    lock->owner = NULL;
    coop_waitq_init(&lock->waiters);
    return COOP_OK;
}

int coop_lock_try(coop_lock_t *lock)
{
    coop_task_t *self = coop_task_current();
    COOP_PRIV_REFUSE(lock == NULL || self == NULL, COOP_EINVAL,
                     "coop_lock_try: no lock, or not in a task");
    if (lock->owner == self)
        return COOP_EDEADLK;
    if (lock->owner != NULL || !coop_priv_may_take(&lock->waiters, 1, self))
        return COOP_EAGAIN;
    lock->owner = self;
    coop_priv_took(self);
    return COOP_OK;
}

int coop_lock_release(coop_lock_t *lock)
{
    coop_task_t *self = coop_task_current();
    COOP_PRIV_REFUSE(lock == NULL || lock->owner == NULL || lock->owner != self, COOP_EPERM,
                     "coop_lock_release: the running task does not hold the lock");
    lock->owner = NULL;
    if (lock->waiters.last != NULL)
        coop_priv_wake_first(&lock->waiters); /* kept for it: nobody takes it first */
    return COOP_OK;
}

coop_status_t coop_priv_lock_wait(coop_lock_t *lock)
{
    int rc = coop_lock_try(lock);
    COOP_ASSERT(rc != COOP_EDEADLK, "AWAIT_LOCK: the task holds the lock already");
    if (rc != COOP_EAGAIN)
        return coop_priv_woke(); /* taken (or misuse: asserted); any wake is used */
    return coop_priv_wait_in(&lock->waiters);
}

/* ---------------------------------------------------------------- semaphore */
int coop_sem_init(coop_sem_t *sem, uint16_t count, uint16_t max)
{
    bool ok = sem != NULL && max != 0 && count <= max;
    COOP_PRIV_REFUSE(!ok, COOP_EINVAL, "coop_sem_init: need 0 <= count <= max and max >= 1");
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&sem->waiters), COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    sem->count = count;
    sem->max = max;
    coop_waitq_init(&sem->waiters);
    return COOP_OK;
}

int coop_sem_try(coop_sem_t *sem)
{
    coop_task_t *self = coop_task_current();
    COOP_PRIV_REFUSE(sem == NULL, COOP_EINVAL, "coop_sem_try: sem is NULL");
    if (!coop_priv_may_take(&sem->waiters, sem->count, self))
        return COOP_EAGAIN;
    sem->count--;
    coop_priv_took(self);
    return COOP_OK;
}

int coop_sem_release(coop_sem_t *sem)
{
    COOP_PRIV_REFUSE(sem == NULL || sem->count >= sem->max, COOP_ERANGE,
                     "coop_sem_release: released more often than acquired (count at max)");
    sem->count++;
    if (sem->waiters.last != NULL && sem->waiters.woken < sem->count)
        coop_priv_wake_first(&sem->waiters);
    return COOP_OK;
}

coop_status_t coop_priv_sem_wait(coop_sem_t *sem)
{
    int rc = coop_sem_try(sem);
    if (rc != COOP_EAGAIN)
        return coop_priv_woke();
    return coop_priv_wait_in(&sem->waiters);
}

/* ---------------------------------------------------------------- queue */
int coop_queue_init(coop_queue_t *q, void *storage, size_t record_size, size_t capacity)
{
    bool ok = q != NULL && storage != NULL && record_size >= 1 && capacity >= 1 &&
              (record_size | capacity) <= (size_t)0xffffu; /* (a 16-bit size_t: always) */
    COOP_ASSERT(ok, "coop_queue_init: need storage, a record size and a capacity of 1..65535");
    if (!ok) {
        if (q != NULL)
            q->alive = 0; /* waits on it end at once */
        return COOP_EINVAL;
    }
    COOP_PRIV_REFUSE(coop_priv_waitq_busy(&q->getters) || coop_priv_waitq_busy(&q->putters),
                     COOP_EBUSY, COOP_PRIV_REINIT_MSG);
    q->buf = (uint8_t *)storage;
    q->record_size = (uint16_t)record_size;
    q->capacity = (uint16_t)capacity;
    q->head = 0;
    q->count = 0;
    coop_waitq_init(&q->getters);
    coop_waitq_init(&q->putters);
    q->alive = COOP_PRIV_SYNC_ALIVE;
    return COOP_OK;
}

static bool coop_priv_queue_ok(const coop_queue_t *q, const void *record)
{
    bool ok = q != NULL && record != NULL && q->alive == COOP_PRIV_SYNC_ALIVE;
    COOP_ASSERT(ok, "coop queue: no record, or the queue is not initialised or was destroyed");
    return ok;
}

int coop_queue_try_put(coop_queue_t *q, const void *record)
{
    coop_task_t *self = coop_task_current();
    uint16_t tail;
    if (!coop_priv_queue_ok(q, record))
        return COOP_EINVAL;
    if (!coop_priv_may_take(&q->putters, (uint16_t)(q->capacity - q->count), self))
        return COOP_EAGAIN;
    tail = (uint16_t)(q->head + q->count); /* no division: a wrap is one subtraction */
    if (tail >= q->capacity)
        tail = (uint16_t)(tail - q->capacity);
    memcpy(q->buf + (size_t)tail * q->record_size, record, q->record_size);
    q->count++;
    coop_priv_took(self);
    if (q->getters.last != NULL && q->getters.woken < q->count)
        coop_priv_wake_first(&q->getters); /* the record is kept for it */
    return COOP_OK;
}

int coop_queue_try_get(coop_queue_t *q, void *record)
{
    coop_task_t *self = coop_task_current();
    if (!coop_priv_queue_ok(q, record))
        return COOP_EINVAL;
    if (!coop_priv_may_take(&q->getters, q->count, self))
        return COOP_EAGAIN;
    memcpy(record, q->buf + (size_t)q->head * q->record_size, q->record_size);
    q->head = (uint16_t)(q->head + 1u == q->capacity ? 0u : q->head + 1u);
    q->count--;
    coop_priv_took(self);
    if (q->putters.last != NULL && q->putters.woken < (uint16_t)(q->capacity - q->count))
        coop_priv_wake_first(&q->putters); /* the free slot is kept for it */
    return COOP_OK;
}

void coop_queue_destroy(coop_queue_t *q)
{
    if (q == NULL)
        return;
    q->alive = 0;
    coop_priv_wake_all(&q->getters);
    coop_priv_wake_all(&q->putters);
}

/* A put or get that ended with rc: done, failed (a destroyed queue: asserted,
 * and AWAIT_FOR's result is COOP_ESHUTDOWN), or wait in wq. */
static coop_status_t coop_priv_queue_wait(coop_queue_t *q, int rc, coop_waitq_t *wq)
{
    if (rc == COOP_OK)
        return coop_priv_woke();
    if (rc != COOP_EAGAIN)
        return coop_priv_wait_failed(q != NULL && q->alive != COOP_PRIV_SYNC_ALIVE ? COOP_ESHUTDOWN
                                                                                   : rc);
    return coop_priv_wait_in(wq);
}

coop_status_t coop_priv_queue_put(coop_queue_t *q, const void *record)
{
    return coop_priv_queue_wait(q, coop_queue_try_put(q, record), &q->putters);
}

coop_status_t coop_priv_queue_get(coop_queue_t *q, void *record)
{
    return coop_priv_queue_wait(q, coop_queue_try_get(q, record), &q->getters);
}

#endif /* COOP_SYNC_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_SYNC_H */
