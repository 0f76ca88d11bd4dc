/* coop/sched.h - the loop: tasks, run queue, spawn/run/join/gather/cancel, sleep.
 *
 * A task is a coroutine (coop/async.h) the loop runs for you. Tasks and the
 * loop are objects you own, usually static; nothing is allocated.
 *
 *     struct blink { coop_task_t task; uint32_t ms; uint8_t i; };
 *
 *     static coop_status_t blink_fn(coop_task_t *task)
 *     {
 *         struct blink *b = COOP_CONTAINER_OF(task, struct blink, task);
 *         ASYNC(task);
 *         for (b->i = 0; b->i < 10; b->i++) {
 *             led_toggle();
 *             AWAIT_SLEEP_MS(b->ms);
 *         }
 *         ASYNC_END;
 *     }
 *
 *     static coop_loop_t loop;
 *     static struct blink b1 = { .ms = 250 };
 *     coop_loop_init(&loop);
 *     coop_task_spawn(&loop, &b1.task, blink_fn);
 *     coop_loop_run(&loop);                    // until every task has ended
 *
 * Scheduling: the loop runs in passes. A pass runs, once each and in order,
 * the tasks that were ready when it began; a task that yields, or that a
 * timer or another task wakes, runs in the next pass, behind every task
 * already waiting (FIFO: no task starves another). Between passes the loop
 * reads the port's clock and expires due timers; when no task is ready it
 * asks the timer wheel for the next deadline and lets the port sleep until
 * then (coop_port_idle).
 *
 * One loop at a time: a program's loop is the one coop_loop_init made last;
 * tasks keep no pointer to it (coop_task_loop, coop_now find it).
 *
 * Time inside a pass is the time the pass began (coop_loop_now). A task
 * that its own sleep's timer woke, due on tick T, and that sleeps 250 ms
 * before it waits on anything else, wakes again on T + 250 exactly, however
 * late the pass began or long it took: periodic tasks do not drift (if that
 * tick has passed already, it runs in the next pass). Any other sleep counts
 * from the pass's time. AWAIT_DELAY_MS counts from the call instead (the
 * clock read then), as asyncio.sleep does: work before it is not absorbed.
 *
 * Macros for use between ASYNC and ASYNC_END of a task (or of a child
 * coroutine that a task awaits with AWAIT_CALL):
 *   AWAIT_SLEEP_MS(ms)      sleep; 0 means YIELD (asyncio.sleep(0))
 *   AWAIT_SLEEP_TICKS(n)    the same in ticks
 *   AWAIT_SLEEP_UNTIL(t)    until tick t (no wait if t has passed)
 *   AWAIT_DELAY_MS(ms)      sleep counted from the call, as asyncio.sleep
 *   AWAIT_DELAY_TICKS(n)    does (the work before it is not absorbed: a
 *                           loop of work + delay drifts by the work)
 *   AWAIT_JOIN(task)        until `task` has ended (normally or cancelled)
 *   AWAIT_GATHER(tasks, n)  until every task of the array has ended (if
 *                           the waiting task is cancelled, they are too)
 *   AWAIT_GATHER_FIRST_ERROR(rc, tasks, n)  the same, but the first task
 *                           that fails (ASYNC_END_RC, or cancelled) sets rc
 *                           and has the others cancelled (TaskGroup)
 *   AWAIT_ANY(tasks, n, i)  until one of them has ended (i: its index)
 *   AWAIT_FOR(rc, ms, AWAIT_x(...))   any wait with a deadline: rc is
 *                           COOP_OK or COOP_ETIMEDOUT (AWAIT_FOR_TICKS too)
 *   AWAIT_CALL_FOR(rc, ms, ctx, call) a child coroutine with a deadline
 *   AWAIT_CALL_CATCH(rc, ctx, call)   a child coroutine that a cancel of the
 *                           task ends (its FINALLY runs); then rc is
 *                           COOP_ECANCELED and the task goes on, uncancelled
 *   SHIELD_BEGIN() ... SHIELD_END()   a cancel waits for the section's end
 * (tasks that join or gather wait in one queue of the loop, and every end of
 * a task wakes them to look again: 2 bytes less per task, for a few extra
 * resumes where tasks end often)
 *
 * Nothing here is ISR-safe: interrupts hand work to tasks through coop/irq.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_SCHED_H
#define COOP_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "async.h"
#include "atomic.h"
#include "config.h"
#include "time.h"
#include "wheel.h"

/* Error codes: commands return COOP_OK (0) or one of these (< 0). */
#define COOP_OK 0
#define COOP_EINVAL (-1)    /* a NULL or invalid argument */
#define COOP_EBUSY (-2)     /* the task is alive (spawning it again, or cancelling itself) */
#define COOP_EAGAIN (-3)    /* not yet: the caller must wait (and was registered to be woken) */
#define COOP_EDEADLK (-4)   /* the wait could never end (a task joining itself) */
#define COOP_EALREADY (-5)  /* already ended, or already being cancelled */
#define COOP_ECANCELED (-6) /* the task was cancelled */
#define COOP_ETIMEDOUT (-7) /* the deadline came first */
#define COOP_EPERM (-8)     /* not the owner (releasing a lock another task holds) */
#define COOP_ERANGE (-9)    /* past a maximum (releasing a full semaphore) */
#define COOP_ESHUTDOWN (-10) /* the object waited on was destroyed (or never initialised) */
#define COOP_ESTOPPED (-11)  /* the loop returned because coop_loop_stop asked it to */

/* A pointer to the struct that contains `ptr` as its member `member`. */
#define COOP_CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

typedef struct coop_task coop_task_t;
typedef struct coop_loop coop_loop_t;
typedef coop_status_t (*coop_task_fn)(coop_task_t *task);

/* A FIFO of waiting tasks: a circular list through coop_task.u.q.next, kept
 * by its last task (last->u.q.next is the first). Empty when last is NULL.
 * `woken` counts the tasks woken one at a time (coop_priv_wake_first) that
 * have not yet taken what they were woken for: objects that hand a unit to
 * the woken task (lock, semaphore, queue) keep that many units for them, so
 * no task that comes later takes them first. */
typedef struct coop_waitq {
    coop_task_t *last;
    uint16_t woken; /* at most the tasks there are (65535 at most) */
    uint8_t alive;  /* COOP_PRIV_WAITQ_ALIVE once initialised */
} coop_waitq_t;
#define COOP_PRIV_WAITQ_ALIVE 0xa5u
/* An empty queue, for the objects' compile-time initialisers. */
#define COOP_PRIV_WAITQ_INITIALIZER { 0, 0, COOP_PRIV_WAITQ_ALIVE }

static inline void coop_waitq_init(coop_waitq_t *q)
{
    q->last = 0;
    q->woken = 0;
    q->alive = COOP_PRIV_WAITQ_ALIVE;
}

/* An initialised q in which tasks wait, or that woke tasks which have not
 * yet run: an object's init must not reset it (the objects' inits refuse
 * with COOP_EBUSY). Memory that was never initialised (a stack object's
 * garbage) looks initialised only if its `alive` byte happens to be 0xa5. */
static inline bool coop_priv_waitq_busy(const coop_waitq_t *q)
{
    return q->alive == COOP_PRIV_WAITQ_ALIVE && (q->last != 0 || q->woken != 0);
}
#define COOP_PRIV_REINIT_MSG \
    "coop: initialising an object that tasks wait on (they would be stranded); init it once"

/* Task states (coop_task.state, low 3 bits; the bits above are below). */
enum {
    COOP_TASK_IDLE = 0,     /* never spawned (a zeroed task) */
    COOP_TASK_READY = 1,    /* in the run queue, or running */
    COOP_TASK_SLEEPING = 2, /* its timer is armed */
    COOP_TASK_WAITING = 3,  /* in a wait queue */
    COOP_TASK_DONE = 4,     /* ended normally */
    COOP_TASK_CANCELED = 5  /* ended by coop_task_cancel */
};
/* coop_loop.running */
#define COOP_PRIV_LOOP_RUNNING 0x01u
#define COOP_PRIV_LOOP_STOP 0x02u
/* coop_task.flags */
#define COOP_PRIV_TASK_CLEANUP 0x80u /* cancelled: ends as COOP_TASK_CANCELED */
#define COOP_PRIV_TASK_FINALLY 0x40u /* inside its FINALLY section: no more cancels */
#define COOP_PRIV_TASK_HANDOFF 0x20u /* woken one at a time (counted in waitq.woken) */
#define COOP_PRIV_TASK_TIMED 0x10u   /* inside AWAIT_FOR: the timer holds the deadline */
#define COOP_PRIV_TASK_EXPIRED 0x08u /* AWAIT_FOR's deadline has passed */
#define COOP_PRIV_TASK_SHIELD 0x04u  /* inside COOP_SHIELD: a cancel waits for its end */
#define COOP_PRIV_TASK_CALL 0x02u    /* the deadline is AWAIT_CALL_FOR's */
#define COOP_PRIV_TASK_NESTED 0x01u  /* a deadline inside another, refused: runs under it */
#define COOP_PRIV_TASK_DEADLINE \
    (COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED | COOP_PRIV_TASK_CALL | COOP_PRIV_TASK_NESTED)
/* coop_task.state's top bit: its own sleep's timer woke it, at timer.expires
 * (a sleep it starts before it waits on anything counts from that tick, so
 * a late wake-up does not shift the next one: periodic tasks do not drift) */
#define COOP_PRIV_TASK_ON_TIME 0x80u
/* A cancel that has not yet reached a coroutine of the task (it does at the
 * innermost resume point before a FINALLY); then UNWIND says how far the
 * cancel has come back up: the FINALLY of the coroutine at call depth
 * UNWIND - 1 runs, and when it ends its caller's goes next (0: none). */
#define COOP_PRIV_TASK_PENDING 0x40u
#define COOP_PRIV_TASK_UNWIND_SHIFT 3u
#define COOP_PRIV_TASK_UNWIND_MASK 0x38u
#define COOP_PRIV_TASK_UNWIND_MAX 7u  /* so children nest 6 deep at most */
#define COOP_PRIV_TASK_STATE(t) ((uint8_t)((t)->state & 0x07u))

#if COOP_DEADLINE_NEST > 1
/* One level of nested deadlines (COOP_DEADLINE_NEST): the current level's
 * flags live in coop_task.flags, an outer level's here while it waits. */
struct coop_priv_dl {
    coop_tick_t at; /* its own deadline */
    uint8_t flags;  /* an outer level's COOP_PRIV_TASK_DEADLINE bits; COOP_PRIV_DL_FIN */
    uint8_t depth;  /* coop_priv_call_depth of the coroutine that started it */
};
#define COOP_PRIV_DL_FIN 0x80u /* started in a FINALLY section: no outer deadline cuts it */
#endif

/* A task: 16 bytes on AVR (16-bit ticks), 28 on Cortex-M0+, 56 on x86-64,
 * its timer included. What a task does not need while it sleeps shares its
 * bytes with what it needs only then (u). */
struct coop_task {
    union {
        struct {
            coop_task_t *next;   /* run queue or wait queue link */
            coop_waitq_t *waitq; /* the queue this task waits in, if WAITING; if
                                  * READY, the queue whose wake it has not yet
                                  * consumed (a cancel then passes that wake on
                                  * to the next waiter; coop_priv_woke clears it) */
        } q;
        uint32_t sleep_left;     /* while SLEEPING: ticks still to sleep after this timer */
    } u;
    coop_task_fn fn;
    coop_lc_t lc;                /* where the task's coroutine resumes */
    uint8_t state;               /* COOP_TASK_* */
    uint8_t flags;               /* COOP_PRIV_TASK_*; once ended, its result as an
                                  * int8_t (ASYNC_END_RC; COOP_OK): no flag is read
                                  * after the end, and a spawn clears them */
    coop_timer_t timer;          /* sleeps, and AWAIT_FOR's deadline */
#if COOP_DEADLINE_NEST > 1
    uint8_t dl_n;                /* deadlines under way below the current one */
    uint8_t dl_cut;              /* 1 + the level whose expiry cancels its child at
                                  * the task's next resume (0: none) */
    struct coop_priv_dl dl[COOP_DEADLINE_NEST]; /* the levels, outermost first */
#endif
#if COOP_TASK_LIST
    coop_task_t *all_next;       /* the loop's list of the tasks it ever ran */
#endif
#if COOP_DEBUG
    const char *name;            /* coop_task_set_name, or NULL */
    const char *file;            /* where its innermost coroutine resumes */
    uint16_t line;
#endif
};

/* A deferred call (micropython.schedule): an interrupt posts it, the loop
 * calls its function soon, in the loop's context (where tasks may be woken,
 * spawned, cancelled). Posts made before the call runs coalesce into one run;
 * a post made while it runs gives one more run. Flags, counters and rings
 * (coop/irq.h) are built on it. */
typedef struct coop_call coop_call_t;
typedef void (*coop_call_fn)(coop_call_t *call);
struct coop_call {
    coop_call_t *next;      /* in the loop's inbox while posted */
    coop_call_fn fn;
    volatile uint8_t posted;
};

/* The loop. A program has one loop at a time: the one coop_loop_init made
 * last (tasks keep no pointer to it; initialising another abandons the tasks
 * of the one before). */
struct coop_loop {
    coop_task_t *ready;        /* run queue for the next pass */
    coop_task_t **ready_tail;  /* where the next ready task is linked */
    coop_task_t *current;      /* the task running now, or NULL */
    coop_waitq_t joiners;      /* tasks waiting for some task to end (join,
                                * gather): every end wakes them to look again */
    size_t alive;              /* spawned and not yet ended */
    uint8_t running;           /* COOP_PRIV_LOOP_RUNNING: inside coop_loop_run;
                                * COOP_PRIV_LOOP_STOP: coop_loop_stop asked */
    unsigned idles;            /* times the loop asked the port to sleep (wraps) */
    unsigned wakes;            /* tasks made ready by a timer, an object or a spawn (wraps) */
    unsigned stalls;           /* times it found the clock over COOP_TICK_MAX_WAIT
                                * ticks ahead with timers armed (coop_loop_stalls) */
    coop_wheel_t wheel;        /* sleeping tasks; wheel.now is the loop's time */
#if COOP_TASK_LIST
    coop_task_t *all;          /* every task spawned on it, newest first */
#endif
#if COOP_DEBUG
    unsigned long passes;      /* passes run */
    unsigned long asleep;      /* ticks spent in the port's idle */
    uint32_t run_max;          /* ticks a task may run between resume points before
                                * it is reported (0: not checked); coop_loop_init
                                * sets COOP_DEBUG_RUN_MAX_MS, a program may change it */
    unsigned overruns;         /* task runs over run_max */
    const coop_task_t *overran; /* the last task that did, and for how long */
    uint32_t overran_ticks;
#endif
};

#ifdef __cplusplus
extern "C" {
#endif

/* The loop that is running now (NULL outside coop_loop_run), and the
 * program's loop (the last one initialised). */
extern coop_loop_t *coop_priv_running;
extern coop_loop_t *coop_priv_loop;

/* Provided by the port (see ports/): the clock, and sleeping until a deadline
 * (has_deadline false: until something wakes the loop). The loop calls idle
 * inside coop_port_irq_save(), after finding nothing to do: the port must
 * unmask interrupts and sleep in one step (AVR: sei; sleep. Cortex-M: WFI
 * with PRIMASK set. POSIX: pselect/ppoll with the old signal mask) and return
 * masked again, so an interrupt between the check and the sleep cannot be
 * lost. Idle may return early; it returns false only when the port knows
 * nothing can ever wake the loop (the virtual clock with no deadline and
 * nothing posted): the loop then ends with COOP_EDEADLK. */
coop_tick_t coop_port_now(void); /* @isr_ok: interrupts may time-stamp with it */
bool coop_port_idle(bool has_deadline, coop_tick_t deadline);

/* Prepare a loop; its time starts at coop_port_now(). COOP_OK; COOP_EINVAL
 * for NULL; COOP_EBUSY while a loop runs (from inside a task: it would
 * abandon the running loop's tasks, the caller among them). */
int coop_loop_init(coop_loop_t *loop);

/* Run until every spawned task has ended. COOP_OK; COOP_EBUSY when called
 * from inside a running loop; COOP_EINVAL for NULL; COOP_EDEADLK when every
 * task waits and the port says nothing can wake them. */
int coop_loop_run(coop_loop_t *loop);

/* Run until every task has ended (COOP_OK) or the clock reaches `deadline`
 * (COOP_ETIMEDOUT; timers due at `deadline` have fired and their tasks run,
 * and so have the tasks those woke, until a pass wakes nobody: a task that
 * only yields runs once there). */
int coop_loop_run_until(coop_loop_t *loop, coop_tick_t deadline);

/* How often the loop was not serviced for more than COOP_TICK_MAX_WAIT
 * ticks (32767 with 16-bit ticks: 32.7 s at 1 kHz) while timers were armed:
 * a task that blocked, or interrupts masked that long. Each time asserts;
 * then every armed timer fires at once, late (the clock cannot say by how
 * many laps; the next timer would otherwise wait for a whole wrap). A stall
 * of a whole tick range (65536 ticks with 16-bit ticks) cannot be seen at all. */
static inline unsigned coop_loop_stalls(const coop_loop_t *loop)
{
    return loop->stalls;
}

/* Run until `task` has ended, and return how it ended (coop_task_result:
 * COOP_OK, COOP_ECANCELED); the other tasks stay as they are, and the loop
 * can be run again (asyncio's loop.run_until_complete(task)). Also
 * COOP_ESTOPPED, COOP_EDEADLK, and COOP_EINVAL for a task never spawned. */
int coop_loop_run_task(coop_loop_t *loop, const coop_task_t *task);

/* Run from a main loop of the program's own (Arduino's loop(), a vendor
 * SDK's super-loop): one turn of the loop, without sleeping. It runs the
 * calls interrupts posted, fires the timers that are due by the port's
 * clock, and runs each task that is then ready once (one pass), then
 * returns: COOP_EAGAIN while tasks are alive, COOP_OK once every task has
 * ended; COOP_EBUSY inside a running loop, COOP_EINVAL for NULL or not the
 * program's loop. The CPU no longer sleeps inside coop: call it often (a
 * task's wake-up is as late as the turn of your loop that calls it), and
 * sleep yourself for coop_loop_idle_ticks() if you want to. */
int coop_loop_poll(coop_loop_t *loop);

/* Ticks from the loop's time until something is due: 0 if a task is ready
 * or an interrupt posted a call, the ticks to the next timer, or
 * COOP_TICK_MAX_WAIT if no timer is armed (only an interrupt can wake a
 * task then). For a program that polls and sleeps by itself. */
uint32_t coop_loop_idle_ticks(coop_loop_t *loop);

#if COOP_TASK_LIST
/* asyncio.run(main()): run until `main` (spawned) has ended, then cancel
 * every other task of the loop that is still alive and run until they have
 * ended too (their FINALLY sections run); returns main's result
 * (coop_task_result), or what stopped the run (COOP_ESTOPPED, COOP_EDEADLK).
 * Needs COOP_TASK_LIST 1 (the loop's list of tasks). */
int coop_loop_run_main(coop_loop_t *loop, coop_task_t *main_task);
#else
#define coop_loop_run_main(loop, main_task) coop_loop_run_main_needs_COOP_TASK_LIST_1(loop, main_task)
#endif

/* Ask the running loop to return, before its next pass, with COOP_ESTOPPED
 * (asyncio's loop.stop()): from a task, or from a call an interrupt posted.
 * The tasks stay as they are; the next run goes on with them. Asked
 * before a run, that run returns before its first pass. */
void coop_loop_stop(coop_loop_t *loop);

/* The loop's time: the tick at which the current pass began. */
static inline coop_tick_t coop_loop_now(const coop_loop_t *loop)
{
    return loop->wheel.now;
}

/* The program loop's time (coop_loop_now of the last loop initialised). */
static inline coop_tick_t coop_now(void)
{
    return coop_priv_loop->wheel.now;
}

/* The loop a task belongs to: the program's loop. */
static inline coop_loop_t *coop_task_loop(const coop_task_t *task)
{
    (void)task;
    return coop_priv_loop;
}

/* Make `task` run `fn` from the start in the next pass. The task must not be
 * alive (idle, done or cancelled are fine: a task can be spawned again).
 * COOP_OK; COOP_EINVAL for NULL; COOP_EBUSY if alive. */
int coop_task_spawn(coop_loop_t *loop, coop_task_t *task, coop_task_fn fn);

/* Cancel `task`: it never resumes where it waited; when it is next
 * dispatched (in this pass if it is queued in it, else in the next) the
 * cancel reaches its innermost coroutine: if the task waits inside
 * AWAIT_CALL, the child's FINALLY runs first, then each caller's, then the
 * task's own (a coroutine already in its FINALLY finishes that section, and
 * coroutines called from a FINALLY run to their end); then it ends as
 * COOP_TASK_CANCELED and its joiners wake. A task that never ran runs
 * nothing, its FINALLY neither (asyncio: a task cancelled before it
 * starts). Removes it from its timer or wait queue. COOP_OK; COOP_EALREADY if it has
 * ended, is being cancelled, or is already inside its FINALLY section (which
 * then runs to its end once: no assert, a benign race); COOP_EINVAL for NULL
 * or a never-spawned task; COOP_EBUSY for the running task itself (end it
 * with ASYNC_RETURN()). */
int coop_task_cancel(coop_task_t *task);

/* Register the current task to be woken when `task` ends. COOP_OK if it has
 * ended already; COOP_EAGAIN if the current task must now wait (return
 * COOP_WAITING, as AWAIT_JOIN does); COOP_EDEADLK for joining oneself;
 * COOP_EINVAL for NULL, a never-spawned task, or no current task. */
int coop_task_join(coop_task_t *task);

/* How `task` ended: COOP_OK (normally; or the result it ended with, see
 * ASYNC_END_RC), COOP_ECANCELED, COOP_EAGAIN (still alive), COOP_EINVAL
 * (never spawned, or NULL). */
int coop_task_result(const coop_task_t *task);

static inline bool coop_task_done(const coop_task_t *task)
{
    return COOP_PRIV_TASK_STATE(task) >= COOP_TASK_DONE;
}

/* asyncio's Task.cancelling(): 1 while a cancel of `task` is under way (it
 * unwinds to a FINALLY, or an AWAIT_CALL_CATCH will take it), else 0. A task
 * whose cancel was caught is no longer cancelling, and can be cancelled
 * again. */
static inline int coop_task_cancelling(const coop_task_t *task)
{
    return task != NULL && !coop_task_done(task) && (task->flags & COOP_PRIV_TASK_CLEANUP) != 0;
}

/* Name a task for coop_loop_dump (COOP_DEBUG 1; otherwise nothing is kept
 * and this compiles to nothing). `name` must outlive the task (a literal). */
#if COOP_DEBUG
#define coop_task_set_name(task, name_) ((void)((task)->name = (name_)))
#else
#define coop_task_set_name(task, name_) ((void)(task), (void)(name_))
#endif

#if COOP_DEBUG
/* Describe the loop (one line: passes, wake-ups, idles, ticks asleep), then
 * each task it ever spawned (name or address, state, what it waits on and
 * until which tick, where it resumes, or how it ended), newest first: each
 * line goes to out(line, ctx), NUL-terminated, no newline. */
void coop_loop_dump_to(coop_loop_t *loop, void (*out)(const char *line, void *ctx), void *ctx);
#endif

/* The running task, or NULL outside a task. */
static inline coop_task_t *coop_task_current(void)
{
    return coop_priv_running ? coop_priv_running->current : NULL;
}

/* A short English text for an error code (COOP_OK included). */
const char *coop_strerror(int err);

/* The inbox: calls posted by interrupts, not yet run (for ports and tests). */
extern coop_call_t *volatile coop_priv_inbox;

/* Prepare a call: fn(call) will run in the loop after each coop_call_post. */
void coop_call_init(coop_call_t *call, coop_call_fn fn);

/* @isr_ok Ask the running loop to call call->fn soon. O(1): wait-free on
 * single-core ports, lock-free with threads (COOP_PORT_ATOMIC). Only the post
 * that links the call into the inbox wakes the port (coop_port_wake); later
 * ones find it posted, and the loop checks the inbox before it sleeps. */
COOP_PRIV_ISR_INLINE void coop_call_post(coop_call_t *call)
{
    if (coop_priv_xchg_u8(&call->posted, 1) == 0) {
#if COOP_PORT_ATOMIC
        coop_call_t *head = __atomic_load_n(&coop_priv_inbox, __ATOMIC_RELAXED);
        do {
            call->next = head;
        } while (!__atomic_compare_exchange_n(&coop_priv_inbox, &head, call, true,
                                              __ATOMIC_RELEASE, __ATOMIC_RELAXED));
#else
        coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
        call->next = coop_priv_inbox;
        coop_priv_inbox = call;
        COOP_PORT_IRQ_RESTORE(s);
#endif
        coop_port_wake(); /* only when linked: a call already in the inbox is
                           * seen by the loop's masked check before it sleeps */
    }
}

/* Used by the AWAIT forms below. */
coop_status_t coop_priv_sleep(uint32_t ticks);
coop_status_t coop_priv_sleep_until(coop_tick_t when);
coop_status_t coop_priv_delay(uint32_t ticks);
bool coop_priv_sleep_again(void);
coop_status_t coop_priv_join(coop_task_t *task);
coop_status_t coop_priv_gather(coop_task_t *const *tasks, size_t n);
coop_status_t coop_priv_any(coop_task_t *const *tasks, size_t n, size_t *index);
coop_status_t coop_priv_gather_first_error(coop_task_t *const *tasks, size_t n, int *rc);
/* Wait queues, for the objects built on the loop (irq.h, sync.h).
 * coop_priv_wait_in parks the current task at the end of q and returns
 * COOP_WAITING (COOP_YIELDED with an assert outside a task). Inside AWAIT_FOR
 * whose deadline has passed it does not park: it returns COOP_DONE (the wait
 * op gives up; AWAIT_FOR's result is COOP_ETIMEDOUT), or COOP_YIELDED under
 * AWAIT_CALL_FOR (the caller cancels the child at its next resume).
 * coop_priv_wake_first wakes q's first task and counts it in q->woken until
 * its wait op calls coop_priv_woke (a cancel passes such a wake on to the
 * next waiter); coop_priv_wake_all wakes every task (FIFO). A woken task's
 * u.q.waitq says which queue woke it (coop_priv_woken). */
coop_status_t coop_priv_wait_in(coop_waitq_t *q);
void coop_priv_wake_first(coop_waitq_t *q);
void coop_priv_wake_all(coop_waitq_t *q);
/* A wait op calls this when its task has what it waited for: the wake is
 * consumed (a cancel no longer passes it on). Returns COOP_DONE. */
coop_status_t coop_priv_woke(void);
/* A wait op calls this when its wait ends without what it waited for (the
 * object was destroyed): COOP_DONE, and AWAIT_FOR's result is `rc`. */
coop_status_t coop_priv_wait_failed(int rc);
/* true if q woke task t (the running task, or NULL) and t has not yet
 * consumed the wake */
static inline bool coop_priv_woken(const coop_task_t *t, const coop_waitq_t *q)
{
    return t != NULL && COOP_PRIV_TASK_STATE(t) == COOP_TASK_READY && t->u.q.waitq == q;
}

/* AWAIT_FOR / AWAIT_CALL_FOR: start a deadline `ticks` ahead (how:
 * COOP_PRIV_DL_CALL, the wait is a child coroutine's; COOP_PRIV_DL_IN_FINALLY,
 * started in a FINALLY section), and end it: COOP_OK or COOP_ETIMEDOUT. */
#define COOP_PRIV_DL_CALL 1u
#define COOP_PRIV_DL_IN_FINALLY 2u
void coop_priv_deadline_start(uint32_t ticks, uint8_t how);
int coop_priv_deadline_end(void);
/* AWAIT_CALL_FOR, before each call of its child: once the deadline has
 * passed, the child is cancelled (a cancel that reaches its innermost
 * coroutine and unwinds to it, whose FINALLY sections run without the
 * deadline); after the child has ended, that cancel stops here. */
void coop_priv_deadline_reaches_child(coop_lc_t *child);
bool coop_priv_deadline_after_call(void);
/* AWAIT_CALL_CATCH, after its child ended while a cancel is under way:
 * false (the caller goes on) when it was the task's cancel, which stops
 * here; coop_priv_catch_end then says COOP_ECANCELED (else COOP_OK). */
bool coop_priv_catch_after_call(void);
int coop_priv_catch_end(void);
/* COOP_SHIELD_BEGIN / COOP_SHIELD_END; the latter is true if a cancel came
 * meanwhile (the task then goes to its FINALLY section). */
void coop_priv_shield_begin(void);
bool coop_priv_shield_end(void);

/* Cancel every task of the array that is alive. Returns how many were
 * cancelled now. (A task cancelled while in AWAIT_GATHER cancels the tasks
 * it gathers by itself; its FINALLY may AWAIT_GATHER them to wait for their
 * ends.) */
size_t coop_task_cancel_all(coop_task_t *const *tasks, size_t n);

/* Features a program pays for only when it uses them. The loop reaches the
 * code of cancels and of deadlines through pointers that only their entry
 * points set (coop_task_cancel, AWAIT_FOR, AWAIT_CALL_FOR): a program that
 * never cancels and sets no deadline does not link that code (AVR blink2:
 * about 760 bytes, 390 of them a gather's cancel). Until then the flags they
 * test are never set, so the pointers are never followed while NULL. */
extern size_t (*coop_priv_cancel_all_fn)(coop_task_t *const *tasks, size_t n);
/* The deadline's share of a timer that fired, of a sleep and of a wait, for a
 * task inside AWAIT_FOR / AWAIT_CALL_FOR (COOP_PRIV_TASK_TIMED or EXPIRED). */
struct coop_priv_timed_ops {
    void (*fired)(coop_task_t *t, uint8_t state);
    coop_status_t (*sleep)(coop_task_t *t, uint32_t ticks);
    coop_status_t (*wait)(coop_task_t *t);
};
extern const struct coop_priv_timed_ops *coop_priv_timed;
static inline void coop_priv_gather_cancelled(coop_task_t *const *tasks, size_t n)
{
    if (coop_priv_cancel_all_fn != NULL)
        (void)coop_priv_cancel_all_fn(tasks, n);
}

#ifdef __cplusplus
}
#endif

/* A sleep: the task wakes when its timer fires. (A cancel also wakes it;
 * in a FINALLY section, where the cancel does not stop it, it sleeps on.) */
#define COOP_PRIV_SLEEP(n, start)                                \
    do {                                                         \
        COOP_PRIV_SUSPEND(n, start);                             \
        if (coop_priv_fin && COOP_PRIV_UNLIKELY(coop_priv_cancels != 0) && coop_priv_sleep_again()) \
            return COOP_WAITING;                                 \
    } while (0)
#define COOP_AWAIT_SLEEP_TICKS(ticks) \
    COOP_PRIV_SLEEP(COOP_PRIV_ID, coop_priv_sleep(coop_priv_length(ticks)))
#define COOP_AWAIT_SLEEP_MS(ms) \
    COOP_PRIV_SLEEP(COOP_PRIV_ID, coop_priv_sleep(coop_ticks_from_ms(coop_priv_length(ms))))
#define COOP_AWAIT_SLEEP_UNTIL(tick) COOP_PRIV_SLEEP(COOP_PRIV_ID, coop_priv_sleep_until(tick))
#define COOP_AWAIT_DELAY_TICKS(ticks) \
    COOP_PRIV_SLEEP(COOP_PRIV_ID, coop_priv_delay(coop_priv_length(ticks)))
#define COOP_AWAIT_DELAY_MS(ms) \
    COOP_PRIV_SLEEP(COOP_PRIV_ID, coop_priv_delay(coop_ticks_from_ms(coop_priv_length(ms))))
#define COOP_AWAIT_JOIN(task) COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_join(task))
#define COOP_AWAIT_GATHER(tasks, n)                                    \
    COOP_PRIV_AWAIT_OP_OR(COOP_PRIV_ID, coop_priv_gather((tasks), (n)),     \
                          coop_priv_gather_cancelled((tasks), (n)))
/* AWAIT_GATHER_FIRST_ERROR(rc, tasks, n): AWAIT_GATHER that stops at the
 * first failure (asyncio.TaskGroup; gather's default raises the first error).
 * rc (an int lvalue that outlives the wait: a field of the task's struct)
 * becomes COOP_OK if every task ended with COOP_OK. As soon as the waiting
 * task sees one that ended otherwise (its result, or COOP_ECANCELED; the
 * lowest index if it sees several), rc is that task's result and the others
 * are cancelled; the wait still lasts until they have all ended, so their
 * FINALLY sections have run when it returns. Cancelling the waiting task
 * cancels them, as AWAIT_GATHER does. */
#define COOP_AWAIT_GATHER_FIRST_ERROR(rc, tasks, n)                     \
    do {                                                               \
        (rc) = COOP_OK;                                                \
        COOP_PRIV_AWAIT_OP_OR(COOP_PRIV_ID,                            \
                              coop_priv_gather_first_error((tasks), (n), &(rc)), \
                              coop_priv_gather_cancelled((tasks), (n))); \
    } while (0)
#define COOP_AWAIT_ANY(tasks, n, index) \
    COOP_PRIV_AWAIT_OP(COOP_PRIV_ID, coop_priv_any((tasks), (n), &(index)))

/* AWAIT_FOR(rc, ms, AWAIT_x(...)): the wait, with a deadline. rc (an int
 * lvalue) becomes COOP_OK if the wait ended in time, COOP_ETIMEDOUT if the
 * deadline came first (what the wait would have given, it did not take).
 * Any wait of coop works inside: flags, counters, rings, keys, events,
 * locks, semaphores, queues, join, gather, any. A cancel wins over the
 * deadline: a task cancelled while it waits goes to its FINALLY section. At
 * most COOP_TICK_MAX_WAIT ticks (32.7 s with 16-bit ticks; longer asserts
 * and is clamped); 0 polls: the wait gives up at once unless it can end now.
 * Nested deadlines (COOP_DEADLINE_NEST > 1, coop/config.h): inside
 * AWAIT_CALL_FOR's child, AWAIT_FOR and AWAIT_CALL_FOR start deadlines of
 * their own, COOP_DEADLINE_NEST levels deep. The earliest wins (the outer one
 * on a tie), and each level reports its own expiry: an inner one that comes
 * first ends its own wait (ETIMEDOUT) and the child goes on; an outer one that
 * comes first cancels its whole child at the task's next resume, inner waits
 * included (their rc is not set), and only its own rc is COOP_ETIMEDOUT.
 * Code in a shield or in a FINALLY section is not cut: an outer expiry waits
 * for its end while the deadlines started there keep theirs (such a section
 * must end within COOP_TICK_MAX_WAIT ticks of that expiry, 32.7 s with 16-bit
 * ticks, or the expiry reads as ahead and is missed). With
 * COOP_DEADLINE_NEST 1 (the default), or deeper than it, or inside
 * AWAIT_FOR's own wait, a deadline inside another asserts and runs under the
 * outer one. AWAIT_FOR_TICKS(rc, ticks, wait): the same in ticks. */
#define COOP_AWAIT_FOR(rc, ms, wait) \
    COOP_PRIV_AWAIT_FOR(rc, coop_ticks_from_ms(coop_priv_length(ms)), wait)
#define COOP_AWAIT_FOR_TICKS(rc, ticks, wait) COOP_PRIV_AWAIT_FOR(rc, coop_priv_length(ticks), wait)
#define COOP_PRIV_DL_HOW(call) ((uint8_t)((call) | (coop_priv_fin ? COOP_PRIV_DL_IN_FINALLY : 0u)))
#define COOP_PRIV_AWAIT_FOR(rc, ticks, wait)                           \
    do {                                                               \
        coop_priv_deadline_start((ticks), COOP_PRIV_DL_HOW(0u));       \
        wait;                                                          \
        (rc) = coop_priv_deadline_end();                               \
    } while (0)

/* AWAIT_CALL_FOR(rc, ms, ctx, call): AWAIT_CALL with a deadline. When the
 * deadline comes first, the child is cancelled as a task is, with the child
 * coroutines it awaits: their FINALLY sections run (with no deadline),
 * innermost first; the cancel stops here and rc is COOP_ETIMEDOUT (asyncio's
 * wait_for on a coroutine). Sleeps in the child end at the deadline too. */
#define COOP_AWAIT_CALL_FOR(rc, ms, ctx, call)                         \
    do {                                                               \
        coop_priv_deadline_start(coop_ticks_from_ms(coop_priv_length(ms)), \
                                 COOP_PRIV_DL_HOW(COOP_PRIV_DL_CALL));    \
        COOP_PRIV_AWAIT_CALL_X(COOP_PRIV_ID, ctx,                      \
            (coop_priv_deadline_reaches_child(&(ctx)->lc), (call)),    \
            coop_priv_deadline_after_call());                          \
        (rc) = coop_priv_deadline_end();                               \
    } while (0)

/* AWAIT_CALL_CATCH(rc, ctx, call): AWAIT_CALL that takes a cancel of the task
 * (asyncio's `try: await coro() except CancelledError:`). A cancel that comes
 * while the child runs unwinds the child as usual (its FINALLY sections run,
 * innermost first), then stops here: rc is COOP_ECANCELED, the task is no
 * longer being cancelled (asyncio's uncancel()) and goes on after the macro;
 * it can be cancelled again. Otherwise rc is COOP_OK once the child ended.
 * Only a cancel of the task is taken: AWAIT_CALL_FOR's deadline, whose cancel
 * stops at its own AWAIT_CALL_FOR, passes through. A cancel taken inside
 * AWAIT_CALL_FOR's child also ends that deadline (the child goes on without
 * one). In a FINALLY section nothing cancels the child: rc is COOP_OK. */
#define COOP_AWAIT_CALL_CATCH(rc, ctx, call)                           \
    do {                                                               \
        COOP_PRIV_AWAIT_CALL_X(COOP_PRIV_ID, ctx, call, coop_priv_catch_after_call()); \
        (rc) = coop_priv_catch_end();                                  \
    } while (0)

/* COOP_SHIELD_BEGIN(); ... COOP_SHIELD_END(); A cancel that comes between
 * them waits for the end of the section (waits inside go on as usual), then
 * the task goes to its FINALLY section (asyncio.shield). Not nested. */
#define COOP_SHIELD_BEGIN() coop_priv_shield_begin()
#define COOP_SHIELD_END()                                              \
    do {                                                               \
        if (coop_priv_shield_end())                                    \
            COOP_ASYNC_RETURN();                                       \
    } while (0)

#ifndef COOP_NO_SHORT_NAMES
#if defined(AWAIT_SLEEP_MS) || defined(AWAIT_SLEEP_TICKS) || defined(AWAIT_SLEEP_UNTIL) || \
    defined(AWAIT_JOIN) || defined(AWAIT_GATHER) || defined(AWAIT_GATHER_FIRST_ERROR) || \
    defined(AWAIT_ANY) || defined(AWAIT_FOR) || \
    defined(AWAIT_DELAY_MS) || defined(AWAIT_DELAY_TICKS) || \
    defined(AWAIT_FOR_TICKS) || defined(AWAIT_CALL_FOR) || defined(AWAIT_CALL_CATCH) || \
    defined(SHIELD_BEGIN) || defined(SHIELD_END)
#error "coop: a short macro name (AWAIT_SLEEP_MS, AWAIT_SLEEP_TICKS, AWAIT_SLEEP_UNTIL, AWAIT_DELAY_MS, AWAIT_DELAY_TICKS, AWAIT_JOIN, AWAIT_GATHER, AWAIT_GATHER_FIRST_ERROR, AWAIT_ANY, AWAIT_FOR, AWAIT_FOR_TICKS, AWAIT_CALL_FOR, AWAIT_CALL_CATCH, SHIELD_BEGIN, SHIELD_END) is already defined elsewhere; define COOP_NO_SHORT_NAMES and use the COOP_ names"
#endif
#define AWAIT_SLEEP_MS(ms) COOP_AWAIT_SLEEP_MS(ms)
#define AWAIT_SLEEP_TICKS(ticks) COOP_AWAIT_SLEEP_TICKS(ticks)
#define AWAIT_SLEEP_UNTIL(tick) COOP_AWAIT_SLEEP_UNTIL(tick)
#define AWAIT_DELAY_MS(ms) COOP_AWAIT_DELAY_MS(ms)
#define AWAIT_DELAY_TICKS(ticks) COOP_AWAIT_DELAY_TICKS(ticks)
#define AWAIT_JOIN(task) COOP_AWAIT_JOIN(task)
#define AWAIT_GATHER(tasks, n) COOP_AWAIT_GATHER(tasks, n)
#define AWAIT_GATHER_FIRST_ERROR(rc, tasks, n) COOP_AWAIT_GATHER_FIRST_ERROR(rc, tasks, n)
#define AWAIT_ANY(tasks, n, index) COOP_AWAIT_ANY(tasks, n, index)
#define AWAIT_FOR(rc, ms, wait) COOP_AWAIT_FOR(rc, ms, wait)
#define AWAIT_FOR_TICKS(rc, ticks, wait) COOP_AWAIT_FOR_TICKS(rc, ticks, wait)
#define AWAIT_CALL_FOR(rc, ms, ctx, call) COOP_AWAIT_CALL_FOR(rc, ms, ctx, call)
#define AWAIT_CALL_CATCH(rc, ctx, call) COOP_AWAIT_CALL_CATCH(rc, ctx, call)
#define SHIELD_BEGIN() COOP_SHIELD_BEGIN()
#define SHIELD_END() COOP_SHIELD_END()
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#if COOP_DEBUG
#include <stdio.h> /* snprintf: coop_loop_dump_to */
#endif
/* The loop's steps (drain the inbox, fire timers, run a pass) are inlined
 * into each function that runs the loop: with a second caller
 * (coop_loop_poll) GCC moved them out of coop_priv_run's hot path, which cost
 * AVR 48 cycles a dispatch and 90 an edge -> task (make bench-avr). A
 * program that does not call coop_loop_poll links only one copy. */
#if defined(__GNUC__)
#define COOP_PRIV_LOOP_STEP static inline __attribute__((always_inline))
#else
#define COOP_PRIV_LOOP_STEP static inline
#endif
#ifndef COOP_SCHED_IMPLEMENTED
#define COOP_SCHED_IMPLEMENTED

coop_loop_t *coop_priv_running;
coop_loop_t *coop_priv_loop;
size_t (*coop_priv_cancel_all_fn)(coop_task_t *const *tasks, size_t n);
const struct coop_priv_timed_ops *coop_priv_timed;
coop_call_t *volatile coop_priv_inbox;

void coop_call_init(coop_call_t *call, coop_call_fn fn)
{
    COOP_ASSERT(call != NULL && fn != NULL, "coop_call_init: call and fn must not be NULL");
    if (call == NULL)
        return;
    call->next = NULL;
    call->fn = fn;
    call->posted = 0;
}

/* Run every posted call, oldest post first. */
COOP_PRIV_LOOP_STEP void coop_priv_drain(void)
{
    coop_call_t *list, *fifo = NULL;
#if COOP_PORT_ATOMIC
    list = __atomic_exchange_n(&coop_priv_inbox, (coop_call_t *)NULL, __ATOMIC_ACQUIRE);
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    list = coop_priv_inbox;
    coop_priv_inbox = NULL;
    COOP_PORT_IRQ_RESTORE(s);
#endif
    while (list != NULL) { /* the inbox is a stack: reverse it */
        coop_call_t *next = list->next;
        list->next = fifo;
        fifo = list;
        list = next;
    }
    while (fifo != NULL) {
        coop_call_t *next = fifo->next;
        if (COOP_PRIV_UNLIKELY(fifo->fn == NULL)) { /* zeroed, never initialised */
            COOP_ASSERT(0, "coop: an interrupt object (flag, counter, ring, call) was set before "
                           "its init (coop_flag_init, COOP_FLAG_DEFINE, ...): its post is dropped");
            (void)coop_priv_xchg_u8(&fifo->posted, 0);
            fifo = next;
            continue;
        }
        /* A post from here on runs it again. With threads this must be an
         * exchange, not a store: a poster that still finds `posted` set
         * skips its post, so fn must see what that poster stored before it;
         * the exchange reads the poster's value and synchronises with it.
         * After a release store, fn's load may overtake the store (x86 lets
         * a load pass an earlier store) and miss the poster's count. */
        /* With a critical section (COOP_PORT_ATOMIC 0), an exchange too: a
         * plain store could land between another core's read and write of
         * its own exchange (RP2040: core 1 read 1, core 0 stored 0, core 1
         * wrote 1 back and skipped its post; every post after it too). */
        (void)coop_priv_xchg_u8(&fifo->posted, 0);
        fifo->fn(fifo);
        fifo = next;
    }
}

static void coop_priv_set_state(coop_task_t *t, uint8_t state)
{
    /* keeps a cancel's progress, clears ON_TIME */
    t->state = (uint8_t)((t->state & (COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)) | state);
}

static void coop_priv_cancel_arrives(coop_task_t *t);
static bool coop_priv_rearm(coop_task_t *t);

/* The task's cancel has unwound (or it ended): it no longer counts. */
static void coop_priv_unwound(coop_task_t *t)
{
    if (t->state & (COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)) {
        t->state &= (uint8_t)~(COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK);
        coop_priv_cancels--;
        coop_priv_deliver = 0; /* (t is the running task) */
    }
}


/* The cancel of t (running, at call depth coop_priv_call_depth) reaches
 * this coroutine, which goes to its FINALLY: book it. */
static void coop_priv_cancel_lands(coop_task_t *t)
{
    unsigned here = (unsigned)coop_priv_call_depth + 1u;
    COOP_ASSERT(here <= COOP_PRIV_TASK_UNWIND_MAX,
                "coop_task_cancel: child coroutines nest too deep (6 at most) to unwind");
    if (here > COOP_PRIV_TASK_UNWIND_MAX)
        here = COOP_PRIV_TASK_UNWIND_MAX;
    coop_priv_deliver = 0;
    coop_priv_cancel_arrives(t);
    t->state = (uint8_t)((t->state & ~(COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)) |
                         (here << COOP_PRIV_TASK_UNWIND_SHIFT));
}

/* async.h: a resume point sent its coroutine to FINALLY (coop_priv_deliver 2). */
static void coop_priv_cancel_delivered(void)
{
    coop_task_t *t = coop_task_current();
    coop_priv_deliver = 0;
    if (t != NULL && (t->state & COOP_PRIV_TASK_PENDING))
        coop_priv_cancel_lands(t);
}

/* async.h, after a child of the running coroutine ended: its FINALLY next?
 * Yes if the cancel is still pending and may be delivered (the child was in
 * its FINALLY when it came), or if the child's FINALLY was the cancel's. */
static bool coop_priv_cancel_after_call(void)
{
    coop_task_t *t = coop_task_current();
    unsigned here = (unsigned)coop_priv_call_depth + 1u;
    if (t == NULL || (t->flags & COOP_PRIV_TASK_SHIELD))
        return false;
    if ((t->state & COOP_PRIV_TASK_PENDING) && coop_priv_deliver == 1) {
        coop_priv_cancel_lands(t);
        return true;
    }
    if (((t->state & COOP_PRIV_TASK_UNWIND_MASK) >> COOP_PRIV_TASK_UNWIND_SHIFT) != here + 1u)
        return false;
    t->state = (uint8_t)((t->state & ~COOP_PRIV_TASK_UNWIND_MASK) |
                         (here << COOP_PRIV_TASK_UNWIND_SHIFT));
    return true;
}

/* A cancel is under way from now on: link the code that delivers it. */
static void coop_priv_cancels_on(void)
{
    coop_priv_delivered_hook = coop_priv_cancel_delivered;
    coop_priv_cancel_hook = coop_priv_cancel_after_call;
    coop_priv_cancel_all_fn = coop_task_cancel_all; /* for the gathers it reaches */
}

/* Queue t for the next pass. Its waitq field is the caller's business: a
 * task leaving a sleep must have it cleared (coop_priv_make_ready_new). */
static void coop_priv_make_ready(coop_task_t *t)
{
    coop_loop_t *loop = coop_priv_loop;
    coop_priv_set_state(t, COOP_TASK_READY);
    *loop->ready_tail = t;
    loop->ready_tail = &t->u.q.next;
    loop->wakes++;
    COOP_TRACE_WAKE(t);
}

/* t leaves a sleep (or starts): sleep_left shared its waitq field. */
static void coop_priv_make_ready_new(coop_task_t *t)
{
    t->u.q.waitq = NULL;
    coop_priv_make_ready(t);
}

static void coop_priv_waitq_push(coop_waitq_t *q, coop_task_t *t)
{
    if (q->last == NULL) {
        t->u.q.next = t;
    } else {
        t->u.q.next = q->last->u.q.next;
        q->last->u.q.next = t;
    }
    q->last = t;
}

static void coop_priv_waitq_remove(coop_waitq_t *q, coop_task_t *t)
{
    coop_task_t *prev = q->last;
    if (prev == NULL)
        return;
    while (prev->u.q.next != t) {
        prev = prev->u.q.next;
        if (prev == q->last)
            return; /* not in this queue */
    }
    if (prev == t) {
        q->last = NULL; /* t was alone */
    } else {
        prev->u.q.next = t->u.q.next;
        if (q->last == t)
            q->last = prev;
    }
}

/* Wake every task in q, first to last, into the next pass. */
void coop_priv_wake_all(coop_waitq_t *q)
{
    coop_task_t *last = q->last;
    coop_task_t *t;
    if (last == NULL)
        return;
    q->last = NULL;
    t = last->u.q.next;
    for (;;) {
        coop_task_t *next = t->u.q.next;
        t->u.q.waitq = q; /* woken by q (an event's waiters return even if it
                           * is cleared before they run) */
        coop_priv_make_ready(t);
        if (t == last)
            break;
        t = next;
    }
}

/* The running task, woken by a queue, consumes the wake. */
static void coop_priv_consume_wake(coop_task_t *t)
{
    if (t->flags & COOP_PRIV_TASK_HANDOFF) {
        t->u.q.waitq->woken--;
        t->flags &= (uint8_t)~COOP_PRIV_TASK_HANDOFF;
    }
    t->u.q.waitq = NULL;
}

/* Set by a wait that ended without what it waited for; AWAIT_FOR reports
 * it (coop_priv_deadline_end) and clears it. */
static int8_t coop_priv_wait_rc;

coop_status_t coop_priv_wait_failed(int rc)
{
    coop_priv_wait_rc = (int8_t)rc;
    return coop_priv_woke();
}

coop_status_t coop_priv_woke(void)
{
    coop_task_t *self = coop_task_current();
    if (self != NULL)
        coop_priv_consume_wake(self);
    return COOP_DONE;
}

void coop_priv_wake_first(coop_waitq_t *q)
{
    coop_task_t *last = q->last;
    coop_task_t *t;
    if (last == NULL)
        return;
    t = last->u.q.next;
    if (t == last)
        q->last = NULL;
    else
        last->u.q.next = t->u.q.next;
    t->u.q.waitq = q; /* woken by q: until its wait op runs (coop_priv_woke) */
    t->flags |= COOP_PRIV_TASK_HANDOFF;
    q->woken++;
    coop_priv_make_ready(t);
}

coop_status_t coop_priv_wait_in(coop_waitq_t *q)
{
    coop_task_t *self = coop_task_current();
    COOP_PRIV_REFUSE(self == NULL, COOP_YIELDED, "coop: only a task can wait (no task is running)");
    coop_priv_consume_wake(self); /* woken, and waiting again: the wake is used */
    if (self->flags & (COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED)) {
        coop_status_t st = coop_priv_timed->wait(self); /* (set by AWAIT_FOR) */
        if (st != COOP_WAITING)
            return st;
    }
    coop_priv_waitq_push(q, self);
    self->u.q.waitq = q;
    coop_priv_set_state(self, COOP_TASK_WAITING);
    return COOP_WAITING;
}

/* A coroutine entered its FINALLY section: if it is a task's own (not a child
 * coroutine's), cancelling the task no longer restarts the section. */
static void coop_priv_task_finally(coop_lc_t *lc)
{
    coop_task_t *t = coop_task_current();
    if (t != NULL && lc == &t->lc) {
        t->flags |= COOP_PRIV_TASK_FINALLY;
        coop_priv_unwound(t); /* the cancel is home */
    }
}

int coop_loop_init(coop_loop_t *loop)
{
    COOP_PRIV_REFUSE(loop == NULL, COOP_EINVAL, "coop_loop_init: loop is NULL");
    COOP_PRIV_REFUSE(coop_priv_running != NULL, COOP_EBUSY,
                     "coop_loop_init: a loop is running (a task must not start a loop)");
    coop_priv_finally_hook = coop_priv_task_finally;
    coop_priv_cancels = 0;
    coop_priv_deliver = 0;
    coop_priv_call_depth = 0;
    loop->ready = NULL;
    loop->ready_tail = &loop->ready;
    loop->current = NULL;
    coop_waitq_init(&loop->joiners);
    loop->alive = 0;
    loop->running = 0;
    loop->idles = 0;
    loop->wakes = 0;
    loop->stalls = 0;
#if COOP_TASK_LIST
    loop->all = NULL; /* (the tasks of a loop before are forgotten) */
#endif
#if COOP_DEBUG
    loop->passes = 0;
    loop->asleep = 0;
    loop->run_max = coop_ticks_from_ms(COOP_DEBUG_RUN_MAX_MS);
    loop->overruns = 0;
    loop->overran = NULL;
    loop->overran_ticks = 0;
#endif
    coop_wheel_init(&loop->wheel, coop_port_now());
    coop_priv_loop = loop;
    return COOP_OK;
}

int coop_task_spawn(coop_loop_t *loop, coop_task_t *t, coop_task_fn fn)
{
    COOP_PRIV_REFUSE(loop == NULL || t == NULL || fn == NULL, COOP_EINVAL,
                     "coop_task_spawn: loop, task and fn must not be NULL");
    COOP_PRIV_REFUSE(loop != coop_priv_loop, COOP_EINVAL,
                     "coop_task_spawn: not the program's loop (the last coop_loop_init'ed)");
    COOP_PRIV_REFUSE(!(COOP_PRIV_TASK_STATE(t) == COOP_TASK_IDLE || coop_task_done(t)), COOP_EBUSY,
                     "coop_task_spawn: the task is alive (spawned and not ended)");
    t->fn = fn;
    t->lc = COOP_PRIV_LC_START;
    t->state = COOP_TASK_IDLE;
    t->flags = 0;
    coop_timer_init(&t->timer);
#if COOP_DEADLINE_NEST > 1
    t->dl_n = 0;
    t->dl_cut = 0;
#endif
#if COOP_TASK_LIST
    {
        coop_task_t *k = loop->all;
        while (k != NULL && k != t)
            k = k->all_next;
        if (k == NULL) { /* not yet in the list (spawned again: it is) */
            t->all_next = loop->all;
            loop->all = t;
        }
    }
#endif
#if COOP_DEBUG
    t->file = NULL;
    t->line = 0;
#endif
    loop->alive++;
    coop_priv_make_ready_new(t);
    return COOP_OK;
}

int coop_task_cancel(coop_task_t *t)
{
    unsigned state;
    COOP_PRIV_REFUSE(t == NULL, COOP_EINVAL, "coop_task_cancel: task is NULL");
    state = COOP_PRIV_TASK_STATE(t);
    COOP_PRIV_REFUSE(state == COOP_TASK_IDLE, COOP_EINVAL, "coop_task_cancel: the task was never spawned");
    if (state >= COOP_TASK_DONE ||
        (t->flags & (COOP_PRIV_TASK_CLEANUP | COOP_PRIV_TASK_FINALLY)))
        return COOP_EALREADY;
    coop_priv_cancels_on();
    if (t->flags & COOP_PRIV_TASK_SHIELD) {
        /* COOP_SHIELD_END delivers it */
        t->flags |= COOP_PRIV_TASK_CLEANUP;
        t->state |= COOP_PRIV_TASK_PENDING;
        coop_priv_cancels++;
        return COOP_OK;
    }
    COOP_PRIV_REFUSE(t == coop_task_current(), COOP_EBUSY,
                     "coop_task_cancel: a task cannot cancel itself; end it with ASYNC_RETURN()");
    t->flags |= COOP_PRIV_TASK_CLEANUP;
    t->state &= (uint8_t)~COOP_PRIV_TASK_ON_TIME; /* FINALLY's sleeps count from now */
    if (t->lc == COOP_PRIV_LC_START) {
        /* never ran: nothing of it runs, its FINALLY neither (asyncio: a task
         * cancelled before it starts runs no code); it ends as cancelled at
         * its turn in the run queue */
        t->lc = COOP_PRIV_LC_DONE;
        return COOP_OK;
    }
    /* It goes to the FINALLY of its innermost coroutine when it resumes
     * (child coroutines first, then their callers', then its own). If that
     * coroutine is in its FINALLY already, it finishes that section: a
     * sleep or a deadline there goes on to its tick (timer.expires). */
    if (!(t->state & (COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)))
        coop_priv_cancels++; /* (else AWAIT_CALL_FOR's deadline counted it) */
    t->state |= COOP_PRIV_TASK_PENDING;
    coop_timer_cancel(&t->timer);
    if (state == COOP_TASK_SLEEPING) {
        coop_priv_make_ready_new(t);
    } else if (state == COOP_TASK_WAITING) {
        coop_priv_waitq_remove(t->u.q.waitq, t);
        coop_priv_make_ready_new(t);
    } else if (t->u.q.waitq != NULL) {
        /* READY, woken by an object: a wake meant for one task passes on to
         * the object's next waiter now (a wait in a FINALLY waits again) */
        coop_waitq_t *q = t->u.q.waitq;
        bool handoff = (t->flags & COOP_PRIV_TASK_HANDOFF) != 0;
        coop_priv_consume_wake(t);
        if (handoff)
            coop_priv_wake_first(q);
    }
    return COOP_OK;
}

/* The cancel reaches a coroutine of t, which goes to its FINALLY: any
 * deadline it waited under is over. */
static void coop_priv_cancel_arrives(coop_task_t *t)
{
    coop_timer_cancel(&t->timer);
    if (t->flags & COOP_PRIV_TASK_CLEANUP) { /* (AWAIT_CALL_FOR's own cancel keeps CALL) */
        t->flags &= (uint8_t)~COOP_PRIV_TASK_DEADLINE;
#if COOP_DEADLINE_NEST > 1
        t->dl_n = 0; /* every level: FINALLY sections run with none */
        t->dl_cut = 0;
#endif
    }
}

/* A cancel woke t's timer off: re-arm it at its tick if that is still ahead
 * (for a wait in a FINALLY that the cancel does not stop). */
static bool coop_priv_rearm(coop_task_t *t)
{
    if (coop_timer_armed(&t->timer) ||
        coop_tick_diff(t->timer.expires, coop_priv_loop->wheel.now) <= 0)
        return false;
    coop_wheel_insert(&coop_priv_loop->wheel, &t->timer, t->timer.expires);
    return true;
}

bool coop_priv_sleep_again(void)
{
    coop_task_t *t = coop_task_current();
    if (t == NULL || !(t->state & COOP_PRIV_TASK_PENDING) || (t->flags & COOP_PRIV_TASK_TIMED) ||
        !coop_priv_rearm(t))
        return false;
    coop_priv_set_state(t, COOP_TASK_SLEEPING); /* woken by a cancel in a FINALLY: sleep on */
    return true;
}

int coop_task_join(coop_task_t *t)
{
    coop_task_t *self = coop_task_current();
    COOP_PRIV_REFUSE(t == NULL, COOP_EINVAL, "coop_task_join: task is NULL");
    COOP_PRIV_REFUSE(COOP_PRIV_TASK_STATE(t) == COOP_TASK_IDLE, COOP_EINVAL,
                     "coop_task_join: the task was never spawned");
    if (coop_task_done(t))
        return COOP_OK;
    COOP_PRIV_REFUSE(self == NULL, COOP_EINVAL,
                     "coop_task_join: only a task can wait (no task is running)");
    COOP_PRIV_REFUSE(self == t, COOP_EDEADLK,
                     "coop_task_join: a task cannot join itself (it would wait forever)");
    (void)coop_priv_wait_in(&coop_priv_loop->joiners);
    return COOP_EAGAIN;
}

int coop_task_result(const coop_task_t *t)
{
    if (t == NULL || COOP_PRIV_TASK_STATE(t) == COOP_TASK_IDLE)
        return COOP_EINVAL;
    if (COOP_PRIV_TASK_STATE(t) == COOP_TASK_DONE)
        return (int8_t)t->flags; /* (the result, once ended) */
    if (COOP_PRIV_TASK_STATE(t) == COOP_TASK_CANCELED)
        return COOP_ECANCELED;
    return COOP_EAGAIN;
}

/* join, gather and any: COOP_EAGAIN from coop_task_join parked the task, or
 * (inside an expired AWAIT_FOR) it gave up: coop_priv_wait_in's status. */
static coop_status_t coop_priv_join_status(int rc)
{
    coop_task_t *self = coop_task_current();
    if (rc != COOP_EAGAIN)
        return coop_priv_woke();
    if (COOP_PRIV_TASK_STATE(self) == COOP_TASK_WAITING)
        return COOP_WAITING;
    return (self->flags & COOP_PRIV_TASK_CALL) ? COOP_YIELDED : COOP_DONE;
}

coop_status_t coop_priv_join(coop_task_t *t)
{
    return coop_priv_join_status(coop_task_join(t));
}

coop_status_t coop_priv_gather(coop_task_t *const *tasks, size_t n)
{
    size_t i;
    COOP_ASSERT(tasks != NULL || n == 0, "AWAIT_GATHER: tasks is NULL");
    for (i = 0; tasks != NULL && i < n; i++) {
        int rc = coop_task_join(tasks[i]);
        if (rc == COOP_EAGAIN)
            return coop_priv_join_status(rc);
    }
    return coop_priv_woke();
}

coop_status_t coop_priv_any(coop_task_t *const *tasks, size_t n, size_t *index)
{
    size_t i;
    COOP_ASSERT(tasks != NULL && n != 0, "AWAIT_ANY: no tasks (it would wait forever)");
    if (tasks == NULL || n == 0) {
        *index = 0;
        return COOP_DONE;
    }
    for (i = 0; i < n; i++) {
        if (coop_task_done(tasks[i])) {
            *index = i;
            return coop_priv_woke();
        }
    }
    *index = n; /* none yet (stays n if an AWAIT_FOR gives up) */
    return coop_priv_join_status(coop_task_join(tasks[0]));
}

coop_status_t coop_priv_gather_first_error(coop_task_t *const *tasks, size_t n, int *rc)
{
    size_t i;
    for (i = 0; *rc == COOP_OK && tasks != NULL && i < n; i++) {
        int r = coop_task_result(tasks[i]);
        if (r != COOP_OK && r != COOP_EAGAIN && r != COOP_EINVAL) {
            *rc = r; /* the first failure: the others are cancelled */
            (void)coop_task_cancel_all(tasks, n);
        }
    }
    return coop_priv_gather(tasks, n);
}

size_t coop_task_cancel_all(coop_task_t *const *tasks, size_t n)
{
    size_t i, k = 0;
    for (i = 0; tasks != NULL && i < n; i++)
        if (tasks[i] != NULL && COOP_PRIV_TASK_STATE(tasks[i]) != COOP_TASK_IDLE &&
            coop_task_cancel(tasks[i]) == COOP_OK)
            k++;
    return k;
}

/* Arm t to wake `ticks` after `from` (at most COOP_TICK_MAX_WAIT a link). */
static void coop_priv_arm(coop_task_t *t, coop_tick_t from, uint32_t ticks)
{
    uint32_t chunk = ticks < COOP_TICK_MAX_WAIT ? ticks : COOP_TICK_MAX_WAIT;
    t->u.sleep_left = ticks - chunk;
    coop_wheel_insert(&coop_priv_loop->wheel, &t->timer, coop_tick_add(from, chunk));
}

coop_status_t coop_priv_sleep(uint32_t ticks)
{
    coop_task_t *t = coop_task_current();
    COOP_PRIV_REFUSE(t == NULL, COOP_YIELDED, "AWAIT_SLEEP: no task is running (sleep only inside a task)");
    if (ticks == 0)
        return COOP_YIELDED;
    if (t->flags & COOP_PRIV_TASK_TIMED)
        return coop_priv_timed->sleep(t, ticks); /* (set by AWAIT_CALL_FOR) */
    /* woken by its own sleep's timer: count from that tick (a late pass
     * does not shift the period); else from the pass's time */
    coop_priv_arm(t, (t->state & COOP_PRIV_TASK_ON_TIME) ? t->timer.expires
                                                         : coop_priv_loop->wheel.now, ticks);
    coop_priv_set_state(t, COOP_TASK_SLEEPING);
    return COOP_WAITING;
}

coop_status_t coop_priv_delay(uint32_t ticks)
{
    coop_stick_t d;
    COOP_PRIV_REFUSE(coop_task_current() == NULL, COOP_YIELDED,
                     "AWAIT_DELAY: no task is running (sleep only inside a task)");
    if (ticks == 0)
        return COOP_YIELDED;
    /* from the pass's time plus what the pass has taken so far: from now */
    d = coop_tick_diff(coop_port_now(), coop_priv_loop->wheel.now);
    if (d > 0)
        ticks = ticks > 0xffffffffu - (uint32_t)d ? 0xffffffffu : ticks + (uint32_t)d;
    coop_task_current()->state &= (uint8_t)~COOP_PRIV_TASK_ON_TIME;
    return coop_priv_sleep(ticks);
}

coop_status_t coop_priv_sleep_until(coop_tick_t when)
{
    coop_task_t *t = coop_task_current();
    coop_stick_t d;
    COOP_PRIV_REFUSE(t == NULL, COOP_YIELDED,
                     "AWAIT_SLEEP_UNTIL: no task is running (sleep only inside a task)");
    t->state &= (uint8_t)~COOP_PRIV_TASK_ON_TIME; /* absolute: from the pass's time */
    d = coop_tick_diff(when, coop_priv_loop->wheel.now);
    return coop_priv_sleep(d > 0 ? (uint32_t)d : 0u);
}

/* A task came back from its coroutine with something other than YIELDED. */
static void coop_priv_settle(coop_loop_t *loop, coop_task_t *t, coop_status_t st)
{
    if ((int8_t)st <= 0) { /* COOP_DONE, or a result (COOP_PRIV_DONE_RC set) */
        uint8_t was = t->state;
        t->state = (t->flags & COOP_PRIV_TASK_CLEANUP) ? COOP_TASK_CANCELED : COOP_TASK_DONE;
        t->flags = st; /* its result (COOP_DONE: COOP_OK); no flag is set any more */
        if (was & (COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)) {
            coop_priv_cancels--; /* its cancel was under way (coop_priv_unwound) */
            coop_priv_deliver = 0;
        }
        coop_timer_cancel(&t->timer);
        loop->alive--;
        coop_priv_wake_all(&loop->joiners); /* each joiner looks whether its task ended */
        return;
    }
    if (st != COOP_WAITING || COOP_PRIV_TASK_STATE(t) == COOP_TASK_READY) {
        COOP_ASSERT(0, st != COOP_WAITING ? "coop: a task returned an unknown status"
                                          : "coop: a task returned COOP_WAITING without waiting "
                                            "on anything (it would never run again)");
        coop_priv_make_ready(t); /* defined result: treat it as a yield */
    }
}

#if COOP_DEBUG
/* t ran from `from` to now without reaching a resume point: too long? */
static void coop_priv_run_check(coop_loop_t *loop, const coop_task_t *t, coop_tick_t from)
{
    uint32_t took = (uint32_t)(coop_tick_t)(coop_port_now() - from);
    if (took <= loop->run_max)
        return;
    loop->overruns++;
    loop->overran = t;
    loop->overran_ticks = (uint32_t)took;
    COOP_ASSERT(0, "coop: a task ran longer than COOP_DEBUG_RUN_MAX_MS (loop.run_max) without reaching a "
                   "resume point (a blocking delay? wait with AWAIT_SLEEP_MS; coop_loop_dump "
                   "names it)");
}
#endif

/* Run every task that is ready now, once. */
COOP_PRIV_LOOP_STEP void coop_priv_pass(coop_loop_t *loop)
{
    coop_task_t *t = loop->ready;
    *loop->ready_tail = NULL;
    loop->ready = NULL;
    loop->ready_tail = &loop->ready;
#if COOP_DEBUG
    loop->passes++;
#endif
    while (t != NULL) {
        coop_task_t *next = t->u.q.next;
        coop_status_t st;
        loop->current = t;
        if (COOP_PRIV_UNLIKELY(coop_priv_cancels != 0)) /* may its cancel reach it now? */
            coop_priv_deliver = (uint8_t)((t->state & COOP_PRIV_TASK_PENDING) &&
                                          !(t->flags & COOP_PRIV_TASK_SHIELD));
#if COOP_DEBUG
        coop_priv_where_file = NULL;
#endif
        COOP_TRACE_RUN(t);
#if COOP_DEBUG
        if (loop->run_max != 0) {
            coop_tick_t from = coop_port_now();
            st = t->fn(t);
            coop_priv_run_check(loop, t, from);
        } else {
            st = t->fn(t);
        }
#else
        st = t->fn(t);
#endif
        COOP_TRACE_RAN(t, st);
#if COOP_DEBUG
        t->file = coop_priv_where_file; /* the last resume point marked (NULL: it ended) */
        t->line = coop_priv_where_line;
#endif
        if (st == COOP_YIELDED) {
            *loop->ready_tail = t;
            loop->ready_tail = &t->u.q.next;
        } else {
            coop_priv_settle(loop, t, st);
        }
        t = next;
    }
    loop->current = NULL;
    coop_priv_deliver = 0; /* (only a task's run may deliver its cancel) */
}

/* The clock is more than COOP_TICK_MAX_WAIT ahead of the loop (it reads as
 * behind): if timers are armed, the loop was stalled (coop_loop_stalls).
 * Each armed timer is due within COOP_TICK_MAX_WAIT of the loop's time, so
 * advancing that far fires them all, late but not a lap late; the wheel is
 * then empty and its time can jump to the clock's. Returns where to advance. */
static coop_tick_t coop_priv_stalled(coop_loop_t *loop, coop_tick_t now)
{
    coop_tick_t when;
    if (!coop_wheel_next(&loop->wheel, &when))
        return now; /* nothing armed (a long idle with no deadline): nothing is late */
    loop->stalls++;
    COOP_ASSERT(0, "coop: the loop was not run for more than COOP_TICK_MAX_WAIT ticks "
                   "(a task blocked, or interrupts were masked): its timers fire late");
    return coop_tick_add(loop->wheel.now, COOP_TICK_MAX_WAIT);
}

/* Bring the wheel to the port's time and wake the tasks whose timers fired. */
COOP_PRIV_LOOP_STEP void coop_priv_expire(coop_loop_t *loop)
{
    coop_timer_t *tm;
    coop_tick_t now = coop_port_now();
    if (now != loop->wheel.now) { /* every armed timer is later than wheel.now */
        coop_tick_t to = now;
        if (COOP_PRIV_UNLIKELY(coop_tick_diff(now, loop->wheel.now) < 0))
            to = coop_priv_stalled(loop, now);
        coop_wheel_advance(&loop->wheel, to);
        loop->wheel.now = now; /* (after a stall: nothing is armed any more) */
    }
    while ((tm = coop_wheel_pop(&loop->wheel)) != NULL) {
        coop_task_t *t = COOP_CONTAINER_OF(tm, coop_task_t, timer);
        uint8_t state = COOP_PRIV_TASK_STATE(t);
        if (t->flags & COOP_PRIV_TASK_TIMED) {
            coop_priv_timed->fired(t, state); /* (set by AWAIT_FOR) */
        } else if (state == COOP_TASK_SLEEPING) {
            if (t->u.sleep_left != 0) {
                /* a chained long sleep: the rest counts from this link's
                 * tick, not from a late pass, so the sleep does not drift */
                coop_priv_arm(t, tm->expires, t->u.sleep_left);
            } else {
                coop_priv_make_ready_new(t);
                t->state |= COOP_PRIV_TASK_ON_TIME;
            }
        }
    }
}

/* Run the loop; bounded: until `deadline` too; until (not NULL): until that
 * task has ended too, returning its result. */
static int coop_priv_run(coop_loop_t *loop, bool bounded, coop_tick_t deadline,
                         const coop_task_t *until)
{
    coop_loop_t *outer = coop_priv_running;
    int rc = COOP_OK;

    COOP_PRIV_REFUSE(loop == NULL, COOP_EINVAL, "coop_loop_run: loop is NULL");
    COOP_PRIV_REFUSE((loop->running & COOP_PRIV_LOOP_RUNNING) || outer != NULL, COOP_EBUSY,
                     "coop_loop_run: a loop is already running (tasks must not run a loop)");
    COOP_PRIV_REFUSE(loop != coop_priv_loop, COOP_EINVAL,
                     "coop_loop_run: not the program's loop (the last coop_loop_init'ed)");
    loop->running |= COOP_PRIV_LOOP_RUNNING;
    coop_priv_running = loop;
    for (;;) {
        unsigned wakes;
        if (COOP_PRIV_LOAD(&coop_priv_inbox) != NULL)
            coop_priv_drain();
        coop_priv_expire(loop);
        if (until != NULL && coop_task_done(until)) {
            rc = coop_task_result(until);
            break;
        }
        if (loop->running & COOP_PRIV_LOOP_STOP) {
            rc = COOP_ESTOPPED;
            break;
        }
        wakes = loop->wakes;
        if (loop->ready != NULL) {
            coop_priv_pass(loop);
        } else if (loop->alive == 0) {
            if (COOP_PRIV_LOAD(&coop_priv_inbox) != NULL)
                continue; /* a call posted during the drain: run it before returning */
            break;
        } else {
            coop_tick_t when = 0;
            bool has = coop_wheel_next(&loop->wheel, &when);
            if (bounded && coop_tick_reached(loop->wheel.now, deadline)) {
                rc = COOP_ETIMEDOUT;
                break;
            }
            if (bounded && (!has || coop_tick_after(when, deadline))) {
                when = deadline;
                has = true;
            }
            {
                /* check the inbox with interrupts masked, then let the port
                 * sleep and unmask in one step: no post can slip between */
                coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
                bool woke = true;
                if (COOP_PRIV_LOAD(&coop_priv_inbox) == NULL) {
#if COOP_DEBUG
                    coop_tick_t before = coop_port_now();
#endif
                    loop->idles++;
                    COOP_TRACE_IDLE(true);
                    woke = coop_port_idle(has, when);
                    COOP_TRACE_IDLE(false);
#if COOP_DEBUG
                    loop->asleep += (unsigned long)(coop_tick_t)(coop_port_now() - before);
#endif
                }
                COOP_PORT_IRQ_RESTORE(s);
                if (!woke) {
                    rc = COOP_EDEADLK;
                    break;
                }
            }
            continue;
        }
        if (bounded && coop_tick_reached(loop->wheel.now, deadline) && loop->alive != 0 &&
            loop->wakes == wakes) {
            /* what was due at the deadline has run, and what that woke
             * too (a pass that woke nobody: only yields are left) */
            rc = COOP_ETIMEDOUT;
            break;
        }
    }
    coop_priv_running = NULL;
    loop->running = 0; /* (a stop asked is used up) */
    return rc;
}

/* ------------------------------------------------ deadlines (AWAIT_FOR) */
#if COOP_DEADLINE_NEST > 1
/* Nested deadlines. The levels are a stack in the task (dl[0..dl_n]); the
 * current one's flags are t->flags' COOP_PRIV_TASK_DEADLINE bits, an outer
 * one's are saved in dl[i].flags. An outer level is always AWAIT_CALL_FOR's
 * (a deadline inside AWAIT_FOR's wait is refused), and its AWAIT_CALL_FOR is
 * the only one at its call depth (dl[i].depth), which is how that macro knows
 * whose flags it reads. One rule places the timer (coop_priv_dl_settle, after
 * every change of the stack and of a shield): it holds the earliest deadline
 * that can cut the code running now, the current level's own or an outer
 * one's. An outer one cannot cut code in a shield or in a FINALLY section (of
 * its own level or one above), nor code of a level whose child is already
 * being cancelled; its expiry is then found when the stack next changes. */
/* Place the timer, and latch the outer deadlines that have come: the
 * outermost that may cut the running code sets dl_cut (the next wait or
 * sleep yields; at the task's next resume that level's AWAIT_CALL_FOR drops
 * the levels above it and cancels its child). */
static void coop_priv_dl_settle(coop_task_t *t)
{
    coop_tick_t now = coop_priv_loop->wheel.now;
    unsigned i = t->dl_n;
    bool cuts = (t->flags & (COOP_PRIV_TASK_SHIELD | COOP_PRIV_TASK_TIMED)) == COOP_PRIV_TASK_TIMED;
    bool has = false;
    coop_tick_t next = 0;
    t->dl_cut = 0;
    coop_timer_cancel(&t->timer);
    if ((t->flags & (COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED)) == COOP_PRIV_TASK_TIMED) {
        if (coop_tick_reached(now, t->dl[i].at)) {
            t->flags |= COOP_PRIV_TASK_EXPIRED; /* came while a level above ran */
        } else {
            next = t->dl[i].at;
            has = true;
        }
    }
    while (i-- > 0) {
        uint8_t f;
        if (t->dl[i + 1].flags & COOP_PRIV_DL_FIN)
            cuts = false; /* the level above runs in a FINALLY section */
        f = t->dl[i].flags;
        if ((f & (COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED)) == COOP_PRIV_TASK_TIMED &&
            coop_tick_reached(now, t->dl[i].at))
            t->dl[i].flags = f = (uint8_t)(f | COOP_PRIV_TASK_EXPIRED);
        if (!cuts || !(f & COOP_PRIV_TASK_TIMED))
            continue;
        if (f & COOP_PRIV_TASK_EXPIRED) {
            t->dl_cut = (uint8_t)(i + 1u); /* the outermost wins */
        } else if (!has || coop_tick_after(next, t->dl[i].at)) {
            next = t->dl[i].at;
            has = true;
        }
    }
    if (t->dl_cut != 0 || !has)
        return;
    coop_wheel_insert(&coop_priv_loop->wheel, &t->timer, next);
}

/* The timer fired at a deadline: true if it was an outer level's (it cuts:
 * the task is made ready, to be cancelled at its resume). */
static bool coop_priv_dl_fired(coop_task_t *t, uint8_t state)
{
    if (t->dl_n == 0)
        return false;
    coop_priv_dl_settle(t);
    if (t->dl_cut == 0)
        return false; /* the current level's own (settle latched it) */
    if (state == COOP_TASK_WAITING)
        coop_priv_waitq_remove(t->u.q.waitq, t);
    if (state == COOP_TASK_WAITING || state == COOP_TASK_SLEEPING)
        coop_priv_make_ready_new(t);
    return true;
}

/* AWAIT_CALL_FOR at call depth `here`, resuming its child: if its level's
 * expiry cuts, the levels above it are dropped (their code is about to be
 * cancelled) and its level is the current one again. (An AWAIT_CALL_FOR
 * that reads another level's due flags cancels the same coroutines: a
 * cancel goes to the innermost one, and coop_priv_deadline_after_call stops
 * it at the level's own macro.) */
static void coop_priv_dl_cut_here(coop_task_t *t, unsigned here)
{
    unsigned k = t->dl_cut;
    if (k != 0 && t->dl[k - 1u].depth == here) {
        t->dl_n = (uint8_t)(k - 1u);
        t->dl_cut = 0;
        t->flags = (uint8_t)((t->flags & ~COOP_PRIV_TASK_DEADLINE) |
                             (t->dl[k - 1u].flags & COOP_PRIV_TASK_DEADLINE));
        t->dl[k - 1u].flags &= COOP_PRIV_DL_FIN;
    }
}
#define COOP_PRIV_DL_CUTS(t) ((t)->dl_cut != 0)
#else
#define COOP_PRIV_DL_CUTS(t) false
#endif

/* A timer of a task under a deadline fired: the deadline, or a sleep under it. */
static void coop_priv_timed_fired(coop_task_t *t, uint8_t state)
{
    if (state == COOP_TASK_SLEEPING) {
        coop_tick_t deadline = (coop_tick_t)t->u.sleep_left;
        if (t->timer.expires != deadline) {
            coop_wheel_insert(&coop_priv_loop->wheel, &t->timer, deadline); /* the sleep ended */
            coop_priv_make_ready_new(t);
            return;
        }
    }
#if COOP_DEADLINE_NEST > 1
    if (coop_priv_dl_fired(t, state))
        return;
#endif
    if (state == COOP_TASK_SLEEPING) {
        t->flags |= COOP_PRIV_TASK_EXPIRED;
        if (!(t->flags & COOP_PRIV_TASK_CALL)) /* AWAIT_FOR's sleep was cut: */
            t->flags &= (uint8_t)~COOP_PRIV_TASK_TIMED; /* it gave up (ETIMEDOUT) */
        coop_priv_make_ready_new(t);
    } else {
        t->flags |= COOP_PRIV_TASK_EXPIRED;
        if (state == COOP_TASK_WAITING) {
            coop_priv_waitq_remove(t->u.q.waitq, t);
            coop_priv_make_ready_new(t);
        }
    }
}

/* A sleep under a deadline: the timer holds the deadline; the sleep ends at
 * the earlier of the two, and keeps the deadline in sleep_left meanwhile.
 * AWAIT_FOR's own sleep that the deadline cuts gives up (COOP_ETIMEDOUT). A
 * sleep in AWAIT_CALL_FOR's child is cut too (the child is then cancelled),
 * unless the task is inside a shield: there it keeps its length, and the
 * child is cancelled at its first resume after the shield. */
static coop_status_t coop_priv_timed_sleep(coop_task_t *t, uint32_t ticks)
{
    coop_tick_t deadline = t->timer.expires;
    coop_stick_t d = coop_tick_diff(deadline, coop_priv_loop->wheel.now);
    bool shielded = (t->flags & (COOP_PRIV_TASK_CALL | COOP_PRIV_TASK_SHIELD)) ==
                    (COOP_PRIV_TASK_CALL | COOP_PRIV_TASK_SHIELD);
    if (COOP_PRIV_DL_CUTS(t))
        return COOP_YIELDED; /* an outer deadline has come: cancelled at the resume */
    if ((t->flags & COOP_PRIV_TASK_EXPIRED) && !shielded) {
        if (!(t->flags & COOP_PRIV_TASK_CALL))
            t->flags &= (uint8_t)~COOP_PRIV_TASK_TIMED; /* a poll: gave up (ETIMEDOUT) */
        return COOP_YIELDED; /* (AWAIT_CALL_FOR: the caller cancels the child at its resume) */
    }
    t->u.sleep_left = deadline;
    if (shielded || (d > 0 && ticks < (uint32_t)d))
        coop_wheel_insert(&coop_priv_loop->wheel, &t->timer,
                          coop_tick_add(coop_priv_loop->wheel.now, ticks));
    coop_priv_set_state(t, COOP_TASK_SLEEPING);
    return COOP_WAITING;
}

/* A wait under a deadline, before it parks: COOP_WAITING (park), or give up. */
static coop_status_t coop_priv_timed_wait(coop_task_t *t)
{
    if (COOP_PRIV_DL_CUTS(t))
        return COOP_YIELDED; /* an outer deadline has come: cancelled at the resume */
    if ((t->state & COOP_PRIV_TASK_PENDING) &&
        (t->flags & (COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED)) == COOP_PRIV_TASK_TIMED &&
        !coop_priv_rearm(t))
        t->flags |= COOP_PRIV_TASK_EXPIRED; /* a cancel took its deadline's timer */
    if (!(t->flags & COOP_PRIV_TASK_EXPIRED))
        return COOP_WAITING;
    if (t->flags & COOP_PRIV_TASK_CALL) /* AWAIT_CALL_FOR cancels the child at */
        return (t->flags & COOP_PRIV_TASK_SHIELD) ? COOP_WAITING /* its first resume */
                                                  : COOP_YIELDED; /* after a shield */
    t->flags &= (uint8_t)~COOP_PRIV_TASK_TIMED; /* gave up: ETIMEDOUT */
    return COOP_DONE;
}

static const struct coop_priv_timed_ops coop_priv_timed_ops_ = {
    coop_priv_timed_fired, coop_priv_timed_sleep, coop_priv_timed_wait
};

void coop_priv_deadline_start(uint32_t ticks, uint8_t how)
{
    coop_task_t *t = coop_task_current();
    COOP_PRIV_REFUSE(t == NULL, , "AWAIT_FOR: no task is running");
    if (t->flags & COOP_PRIV_TASK_DEADLINE) {
#if COOP_DEADLINE_NEST > 1
        bool nests = (t->flags & (COOP_PRIV_TASK_CALL | COOP_PRIV_TASK_NESTED)) == COOP_PRIV_TASK_CALL &&
                     t->dl_n + 1u < COOP_DEADLINE_NEST;
        COOP_ASSERT(nests, "AWAIT_FOR: deadlines nest COOP_DEADLINE_NEST deep, inside "
                           "AWAIT_CALL_FOR's child (not in AWAIT_FOR's wait); this one "
                           "runs under the outer one");
        if (nests) {
            t->dl[t->dl_n].flags = (uint8_t)((t->dl[t->dl_n].flags & COOP_PRIV_DL_FIN) |
                                             (t->flags & COOP_PRIV_TASK_DEADLINE));
            t->dl_n++;
            t->flags &= (uint8_t)~COOP_PRIV_TASK_DEADLINE;
        } else
#else
        COOP_ASSERT(0, "AWAIT_FOR: one deadline at a time (this one is inside another; it "
                       "runs under the outer one; COOP_DEADLINE_NEST lets them nest)");
#endif
        {
            t->flags |= COOP_PRIV_TASK_NESTED;
            return;
        }
    }
    COOP_ASSERT(ticks <= COOP_TICK_MAX_WAIT, "AWAIT_FOR: the timeout is longer than "
                                             "COOP_TICK_MAX_WAIT ticks (clamped)");
    if (ticks > COOP_TICK_MAX_WAIT)
        ticks = COOP_TICK_MAX_WAIT;
    coop_priv_timed = &coop_priv_timed_ops_;
    coop_priv_wait_rc = COOP_OK;
    t->state &= (uint8_t)~COOP_PRIV_TASK_ON_TIME; /* the timer now holds the deadline */
    t->flags |= (uint8_t)(COOP_PRIV_TASK_TIMED | ((how & COOP_PRIV_DL_CALL) ? COOP_PRIV_TASK_CALL : 0u));
    if (ticks == 0)
        t->flags |= COOP_PRIV_TASK_EXPIRED; /* poll */
#if COOP_DEADLINE_NEST > 1
    t->dl[t->dl_n].at = coop_tick_add(coop_priv_loop->wheel.now, ticks);
    t->dl[t->dl_n].flags = (how & COOP_PRIV_DL_IN_FINALLY) ? COOP_PRIV_DL_FIN : 0u;
    t->dl[t->dl_n].depth = coop_priv_call_depth;
    coop_priv_dl_settle(t);
#else
    (void)how;
    if (ticks != 0)
        coop_wheel_insert(&coop_priv_loop->wheel, &t->timer,
                          coop_tick_add(coop_priv_loop->wheel.now, ticks));
#endif
}

int coop_priv_deadline_end(void)
{
    coop_task_t *t = coop_task_current();
    uint8_t f;
    bool late;
    if (t == NULL)
        return COOP_EINVAL;
    f = t->flags;
    if (f & COOP_PRIV_TASK_CALL)
        late = !(f & COOP_PRIV_TASK_TIMED); /* the child was cancelled */
    else
        late = (f & COOP_PRIV_TASK_EXPIRED) && !(f & COOP_PRIV_TASK_TIMED); /* gave up */
    if (f & COOP_PRIV_TASK_NESTED) {
        t->flags &= (uint8_t)~COOP_PRIV_TASK_NESTED; /* the outer one goes on */
#if COOP_DEADLINE_NEST > 1
    } else if (t->dl_n != 0) {
        t->dl_n--; /* back to the outer level */
        t->flags = (uint8_t)((t->flags & ~COOP_PRIV_TASK_DEADLINE) |
                             (t->dl[t->dl_n].flags & COOP_PRIV_TASK_DEADLINE));
        t->dl[t->dl_n].flags &= COOP_PRIV_DL_FIN;
        coop_priv_dl_settle(t);
#endif
    } else {
        coop_timer_cancel(&t->timer);
        t->flags &= (uint8_t)~COOP_PRIV_TASK_DEADLINE;
    }
    if (coop_priv_wait_rc != COOP_OK) {
        int rc = coop_priv_wait_rc;
        coop_priv_wait_rc = COOP_OK;
        return rc;
    }
    return late ? COOP_ETIMEDOUT : COOP_OK;
}

void coop_priv_deadline_reaches_child(coop_lc_t *child)
{
    coop_task_t *t = coop_task_current();
    const uint8_t due = COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED | COOP_PRIV_TASK_CALL;
#if COOP_DEADLINE_NEST > 1
    if (t != NULL)
        coop_priv_dl_cut_here(t, coop_priv_call_depth - 1u);
#endif
    if (t == NULL || (t->flags & due) != due || (t->flags & COOP_PRIV_TASK_SHIELD))
        return; /* (a shield holds the deadline's cancel as it holds any) */
    if (*child == COOP_PRIV_LC_START) {
        /* the child has not run (a deadline of 0): it never does, as an
         * asyncio task cancelled before it starts; CALL alone: ETIMEDOUT */
        *child = COOP_PRIV_LC_DONE;
        t->flags &= (uint8_t)~(COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED);
        return;
    }
    /* the child's FINALLY sections run with no deadline; CALL alone says
     * "timed out" (coop_priv_deadline_end) */
    t->flags &= (uint8_t)~(COOP_PRIV_TASK_TIMED | COOP_PRIV_TASK_EXPIRED);
    coop_priv_cancels_on();
    if (!(t->state & (COOP_PRIV_TASK_PENDING | COOP_PRIV_TASK_UNWIND_MASK)))
        coop_priv_cancels++;
    t->state |= COOP_PRIV_TASK_PENDING;
    coop_priv_deliver = 1;
}

bool coop_priv_deadline_after_call(void)
{
    coop_task_t *t = coop_task_current();
    if (t != NULL && !(t->flags & COOP_PRIV_TASK_CLEANUP) &&
#if COOP_DEADLINE_NEST > 1
        t->dl[t->dl_n].depth == coop_priv_call_depth && /* its own level */
#endif
        (t->flags & (COOP_PRIV_TASK_CALL | COOP_PRIV_TASK_TIMED)) == COOP_PRIV_TASK_CALL) {
        coop_priv_unwound(t); /* the deadline's cancel stops at AWAIT_CALL_FOR */
        t->flags &= (uint8_t)~COOP_PRIV_TASK_NESTED; /* (a refused one inside is over) */
        return false;
    }
    return coop_priv_cancel_after_call();
}

/* Set when AWAIT_CALL_CATCH took a cancel; its next statement reads it
 * (coop_priv_catch_end), before any other task runs. */
static uint8_t coop_priv_caught;

bool coop_priv_catch_after_call(void)
{
    coop_task_t *t = coop_task_current();
    if (!coop_priv_cancel_after_call())
        return false; /* no cancel has come back up to here */
    if (!(t->flags & COOP_PRIV_TASK_CLEANUP))
        return true; /* AWAIT_CALL_FOR's deadline: on to its own AWAIT_CALL_FOR */
    /* the task's cancel would go on into the caller's FINALLY: it stops here */
    t->flags &= (uint8_t)~COOP_PRIV_TASK_CLEANUP;
    coop_priv_unwound(t);
    coop_priv_caught = 1;
    return false;
}

int coop_priv_catch_end(void)
{
    if (!coop_priv_caught)
        return COOP_OK;
    coop_priv_caught = 0;
    return COOP_ECANCELED;
}

void coop_priv_shield_begin(void)
{
    coop_task_t *t = coop_task_current();
    COOP_ASSERT(t != NULL && !(t->flags & COOP_PRIV_TASK_SHIELD),
                "COOP_SHIELD_BEGIN: outside a task, or inside another shield");
    if (t != NULL) {
        t->flags |= COOP_PRIV_TASK_SHIELD;
#if COOP_DEADLINE_NEST > 1
        if (t->dl_n != 0)
            coop_priv_dl_settle(t); /* outer deadlines no longer cut */
#endif
    }
}

bool coop_priv_shield_end(void)
{
    coop_task_t *t = coop_task_current();
    if (t == NULL)
        return false;
    t->flags &= (uint8_t)~COOP_PRIV_TASK_SHIELD;
#if COOP_DEADLINE_NEST > 1
    if (t->dl_n != 0)
        coop_priv_dl_settle(t); /* outer deadlines cut again (one may have come) */
#endif
    if (!(t->state & COOP_PRIV_TASK_PENDING))
        return false;
    coop_priv_cancel_lands(t); /* the cancel that came meanwhile */
    return true;
}

int coop_loop_run(coop_loop_t *loop)
{
    return coop_priv_run(loop, false, 0, NULL);
}

int coop_loop_run_until(coop_loop_t *loop, coop_tick_t deadline)
{
    return coop_priv_run(loop, true, deadline, NULL);
}

int coop_loop_run_task(coop_loop_t *loop, const coop_task_t *task)
{
    COOP_PRIV_REFUSE(task == NULL || COOP_PRIV_TASK_STATE(task) == COOP_TASK_IDLE, COOP_EINVAL,
                     "coop_loop_run_task: the task is NULL or was never spawned");
    return coop_priv_run(loop, false, 0, task);
}

int coop_loop_poll(coop_loop_t *loop)
{
    COOP_PRIV_REFUSE(loop == NULL, COOP_EINVAL, "coop_loop_poll: loop is NULL");
    COOP_PRIV_REFUSE((loop->running & COOP_PRIV_LOOP_RUNNING) || coop_priv_running != NULL, COOP_EBUSY,
                     "coop_loop_poll: a loop is running (tasks must not run a loop)");
    COOP_PRIV_REFUSE(loop != coop_priv_loop, COOP_EINVAL,
                     "coop_loop_poll: not the program's loop (the last coop_loop_init'ed)");
    loop->running |= COOP_PRIV_LOOP_RUNNING;
    coop_priv_running = loop;
    if (COOP_PRIV_LOAD(&coop_priv_inbox) != NULL)
        coop_priv_drain();
    coop_priv_expire(loop);
    if (loop->ready != NULL)
        coop_priv_pass(loop);
    coop_priv_running = NULL;
    loop->running &= (uint8_t)~COOP_PRIV_LOOP_RUNNING; /* (a stop asked stays for coop_loop_run) */
    return loop->alive == 0 ? COOP_OK : COOP_EAGAIN;
}

uint32_t coop_loop_idle_ticks(coop_loop_t *loop)
{
    coop_tick_t when;
    coop_stick_t d;
    COOP_PRIV_REFUSE(loop == NULL, 0u, "coop_loop_idle_ticks: loop is NULL");
    if (loop->ready != NULL || COOP_PRIV_LOAD(&coop_priv_inbox) != NULL)
        return 0u;
    if (!coop_wheel_next(&loop->wheel, &when))
        return COOP_TICK_MAX_WAIT;
    d = coop_tick_diff(when, loop->wheel.now);
    return d > 0 ? (uint32_t)d : 0u;
}

#if COOP_TASK_LIST
int coop_loop_run_main(coop_loop_t *loop, coop_task_t *main_task)
{
    int rc = coop_loop_run_task(loop, main_task);
    coop_task_t *t;
    if (main_task == NULL || !coop_task_done(main_task))
        return rc; /* the run ended another way (stopped, deadlock, misuse) */
    for (t = loop->all; t != NULL; t = t->all_next)
        if (!coop_task_done(t) && COOP_PRIV_TASK_STATE(t) != COOP_TASK_IDLE)
            (void)coop_task_cancel(t);
    {
        int end = coop_loop_run(loop);
        if (end != COOP_OK)
            return end;
    }
    return coop_task_result(main_task);
}
#endif

#if COOP_DEBUG
void coop_loop_dump_to(coop_loop_t *loop, void (*out)(const char *line, void *ctx), void *ctx)
{
    static const char *const states[] = { "idle", "ready", "sleeping", "waiting",
                                           "done", "cancelled", "?", "?" };
    char line[192];
    const coop_task_t *t;
    COOP_PRIV_REFUSE(loop == NULL || out == NULL, , "coop_loop_dump_to: loop or out is NULL");
    (void)snprintf(line, sizeof line, "loop at tick %lu: %u alive, %lu passes, %u wake-ups, %u idles, "
                                      "%lu ticks asleep", (unsigned long)loop->wheel.now,
                   (unsigned)loop->alive, loop->passes, loop->wakes, loop->idles, loop->asleep);
    out(line, ctx);
    if (loop->overruns != 0) {
        (void)snprintf(line, sizeof line, "  %u task runs over run_max (COOP_DEBUG_RUN_MAX_MS); the last: %s, "
                                          "%lu ticks without a resume point", loop->overruns,
                       loop->overran->name != NULL ? loop->overran->name : "(no name)",
                       (unsigned long)loop->overran_ticks);
        out(line, ctx);
    }
    for (t = loop->all; t != NULL; t = t->all_next) {
        unsigned state = COOP_PRIV_TASK_STATE(t);
        char label[40], what[96] = "";
        if (t->name != NULL)
            (void)snprintf(label, sizeof label, "%s", t->name);
        else
            (void)snprintf(label, sizeof label, "task %p", (const void *)t);
        if (state >= COOP_TASK_DONE)
            (void)snprintf(what, sizeof what, ", result %d", coop_task_result(t));
        else if (state == COOP_TASK_SLEEPING)
            (void)snprintf(what, sizeof what, " until tick %lu", (unsigned long)t->timer.expires);
        else if (state == COOP_TASK_WAITING && coop_timer_armed(&t->timer))
            (void)snprintf(what, sizeof what, " on queue %p, deadline tick %lu", (void *)t->u.q.waitq,
                           (unsigned long)t->timer.expires);
        else if (state == COOP_TASK_WAITING)
            (void)snprintf(what, sizeof what, " on queue %p", (void *)t->u.q.waitq);
        if (state >= COOP_TASK_DONE || t->file == NULL)
            (void)snprintf(line, sizeof line, "  %s: %s%s%s%s", label, states[state], what,
                           coop_task_cancelling(t) ? ", being cancelled" : "",
                           state < COOP_TASK_DONE && t->lc == COOP_PRIV_LC_START ? ", not started" : "");
        else
            (void)snprintf(line, sizeof line, "  %s: %s%s%s, resumes at %s:%u", label, states[state], what,
                           coop_task_cancelling(t) ? ", being cancelled" : "", t->file, (unsigned)t->line);
        out(line, ctx);
    }
}
#endif

void coop_loop_stop(coop_loop_t *loop)
{
    COOP_PRIV_REFUSE(loop == NULL, , "coop_loop_stop: loop is NULL");
    loop->running |= COOP_PRIV_LOOP_STOP;
}

const char *coop_strerror(int err)
{
    switch (err) {
    case COOP_OK: return "ok";
    case COOP_EINVAL: return "invalid argument";
    case COOP_EBUSY: return "task is alive";
    case COOP_EAGAIN: return "not yet: wait";
    case COOP_EDEADLK: return "the wait could never end";
    case COOP_EALREADY: return "already ended or being cancelled";
    case COOP_ECANCELED: return "cancelled";
    case COOP_ETIMEDOUT: return "timed out";
    case COOP_EPERM: return "not the owner";
    case COOP_ERANGE: return "past the maximum";
    case COOP_ESHUTDOWN: return "the object was destroyed";
    case COOP_ESTOPPED: return "the loop was stopped";
    default: return "unknown error";
    }
}

#endif /* COOP_SCHED_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_SCHED_H */
