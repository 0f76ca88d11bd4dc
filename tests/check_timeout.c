/* Deadlines, cancellation and wait-any (coop/sched.h) around every kind of
 * wait of coop (coop/irq.h: flag, counter, ring; coop/sync.h: event, lock,
 * semaphore, queue put and get; coop/sched.h: join, gather, any), on the
 * virtual clock (ports/virtual.h).
 *
 *   for        AWAIT_FOR around each kind: the timeout ends the wait exactly
 *              on the deadline tick, a success one tick before is COOP_OK,
 *              0 ms polls, the deadline holds across the tick wrap, a success
 *              in the pass of the deadline takes what is there (COOP_OK) when
 *              it comes first, a timeout takes nothing, a wake that came
 *              before the deadline is kept however late the waiter runs, and
 *              two waiters of one object lose nothing to a timeout.
 *   call_for   AWAIT_CALL_FOR: in time, cut at the deadline (the child's
 *              FINALLY runs), sleeps in the child end at the deadline.
 *   cancel     cancelling a task in each kind of wait takes it off the wait
 *              queue and the timer; the object's next set goes to the next
 *              waiter; FINALLY runs; SHIELD defers a cancel; cancel_all.
 *   micropython the three asyncio bug classes MicroPython had, each a test.
 *   any        AWAIT_ANY: the first to end, ties in one pass, with a timeout.
 *
 * The clock moves only when the loop idles, straight to the next deadline:
 * every tick below is exact. Tasks log (id, what, value, tick) with the tick
 * of the pass (coop_now()). Timers due on one tick fire in the order they
 * were armed (see check_sched.c), and tasks made ready run in that order: a
 * scenario picks which of two tasks runs first in a pass by spawning it
 * first. The jobs, the log and the actor are tests/scenario.h's. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)2000) /* the clock when a test starts, unless it says */

/* The kinds of wait, in the order of the loop tests' _i. */
enum { K_FLAG, K_COUNTER, K_RING, K_EVENT, K_LOCK, K_SEM, K_PUT, K_GET, K_JOIN, K_GATHER, K_ANY,
       K_COUNT };
static const char *const kind_name[K_COUNT] = {"flag", "counter",   "ring",      "event",
                                               "lock", "semaphore", "queue put", "queue get",
                                               "join", "gather",    "any"};
/* the kinds whose "provide" is the end of a task */
#define IS_TASK_KIND(k) ((k) >= K_JOIN)

/* What a log entry says. */
enum {
    EV_WAIT = 1, /* a waiter starts its wait */
    EV_DONE,     /* ... and its wait ended (value: AWAIT_FOR's rc) */
    EV_FIN,      /* a task's FINALLY section started */
    EV_FIN_END,  /* ... and reached its end */
    EV_PROVIDE,  /* the actor provided a unit (set, release, put, end) */
    EV_CANCEL,   /* the actor cancelled a task (value: the rc) */
    EV_STEP,     /* a child coroutine's sleep ended */
    EV_CFIN,     /* a child coroutine's FINALLY started */
    EV_AFTER     /* something after the wait */
};

/* The actor's steps (struct step's act). */
enum { A_PROVIDE = 1, A_CANCEL, A_ADVANCE, A_EV_SET, A_EV_CLEAR };

/* A child coroutine (AWAIT_CALL_FOR): n sleeps of `sleep` ticks, then (if
 * wait_event) a wait on the event. */
struct child {
    coop_lc_t lc;
    int n;
    int i;
    uint32_t sleep;
    int wait_event;
    int body;
    int fin;
    uint32_t fin_sleep; /* its FINALLY sleeps that long */
};

struct job {
    coop_task_t task;
    int id;
    int kind;            /* K_*: what the waiter waits for */
    int timed;           /* the wait is inside AWAIT_FOR(rc, ms, ...) */
    uint32_t ms;
    uint32_t delay;      /* sleep before the wait (a sleeper: its length) */
    uint32_t after;      /* sleep after the wait */
    uint32_t fin_sleep;  /* its FINALLY section sleeps that long */
    int rc;              /* AWAIT_FOR's result */
    int got;             /* what the wait gave (flag count, record, index) */
    int avail;           /* units of the object left just after the wait */
    int armed_after;     /* its timer was armed just after the wait */
    int body;            /* passed its wait */
    int fin;             /* FINALLY starts */
    int fin_end;         /* FINALLY ends */
    int err;             /* an error code the task stores for its parent */
    int err_set;         /* ... the one it stores */
    size_t index;        /* AWAIT_ANY */
    uint8_t rec;         /* a queue record */
    const struct step *script; /* the actor's */
    size_t nsteps;
    size_t k;
    int act_rc[8];       /* the actor's results, one per step */
    int in_q_before;     /* A_CANCEL: the victim was in its wait queue before */
    int in_q_after;      /* ... and after */
    int armed_before;    /* ... its timer was armed before */
    int armed_after_cancel;
    coop_task_t *tasks[4];
    size_t ntasks;
    size_t cancelled;    /* coop_task_cancel_all's result */
    struct child ch;
};
#define SCENARIO_NJOBS 8
#define SCENARIO_MAX_EV 256
#include "scenario.h"

/* The objects waited on. */
static struct {
    coop_flag_t flag;
    coop_counter_t counter;
    coop_ring_t ring;
    uint8_t ring_buf[4];
    coop_event_t ev;
    coop_lock_t lock;
    coop_sem_t sem;
    coop_queue_t q;
    uint8_t q_buf[2];
} G;

/* Roles in the per-kind scenarios. */
#define A 0  /* the actor: holds the lock at start, provides, is the task joined */
#define W 1  /* the waiter */
#define W2 2 /* a second waiter */
#define H 3  /* a helper task in gather (ends at once or at +1) and any (at +200) */

/* Reset every piece of global state (also right with CK_FORK=no). */
static void reset(coop_tick_t start)
{
    scenario_reset(start);
    memset(&G, 0, sizeof G);
    coop_flag_init(&G.flag);
    coop_counter_init(&G.counter);
    ck_assert_int_eq(coop_ring_init(&G.ring, G.ring_buf, 1, 4), COOP_OK);
    coop_event_init(&G.ev);
    coop_lock_init(&G.lock);
    ck_assert_int_eq(coop_sem_init(&G.sem, 0, 5), COOP_OK);
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 1, 2), COOP_OK);
}

static void setup(void)
{
    g_scenario = "";
    reset(T0);
}

/* --------------------------------------------------- the objects, by kind */

static coop_waitq_t *waitq_of(int kind)
{
    switch (kind) {
    case K_FLAG: return &G.flag.waiters;
    case K_COUNTER: return &G.counter.waiters;
    case K_RING: return &G.ring.waiters;
    case K_EVENT: return &G.ev.waiters;
    case K_LOCK: return &G.lock.waiters;
    case K_SEM: return &G.sem.waiters;
    case K_PUT: return &G.q.putters;
    case K_GET: return &G.q.getters;
    default: return &g_loop.joiners;
    }
}

static int in_waitq(const coop_waitq_t *q, const coop_task_t *t)
{
    const coop_task_t *p = q->last;
    if (p == NULL)
        return 0;
    do {
        p = p->u.q.next;
        if (p == t)
            return 1;
    } while (p != q->last);
    return 0;
}

/* Units a waiter of `kind` could take now (-1: a task kind). */
static int available(int kind)
{
    switch (kind) {
    case K_FLAG: return coop_flag_is_set(&G.flag) ? 1 : 0;
    case K_COUNTER: return (int)coop_counter_read(&G.counter);
    case K_RING: return (int)coop_ring_count(&G.ring);
    case K_EVENT: return coop_event_is_set(&G.ev) ? 1 : 0;
    case K_LOCK: return coop_lock_locked(&G.lock) ? 0 : 1;
    case K_SEM: return (int)coop_sem_count(&G.sem);
    case K_PUT: return (int)(G.q.capacity - coop_queue_count(&G.q));
    case K_GET: return (int)coop_queue_count(&G.q);
    default: return -1;
    }
}

/* After an AWAIT_x of `kind` ended in time: take what it waited for. */
static void consume(struct job *j)
{
    uint8_t v = 0;
    switch (j->kind) {
    case K_FLAG: j->got = (int)coop_flag_count(&G.flag); break;
    case K_COUNTER: j->got = (int)coop_counter_take(&G.counter); break;
    case K_RING: j->got = coop_ring_pop(&G.ring, &v) ? v : -1; break;
    case K_LOCK: j->got = G.lock.owner == &j->task; break;
    case K_GET: j->got = j->rec; break;
    case K_ANY: j->got = (int)j->index; break;
    default: j->got = 1; break;
    }
}

/* The actor gives one unit of `kind` (for the task kinds: returns 1, the
 * actor then ends). */
static int provide(int kind)
{
    uint8_t v = 42;
    log_ev(A, EV_PROVIDE, kind);
    switch (kind) {
    case K_FLAG: coop_flag_set(&G.flag); break;
    case K_COUNTER: coop_counter_add(&G.counter, 1); break;
    case K_RING: ck_assert(coop_ring_push(&G.ring, &v)); break;
    case K_EVENT: coop_event_set(&G.ev); break;
    case K_LOCK: ck_assert_int_eq(coop_lock_release(&G.lock), COOP_OK); break;
    case K_SEM: ck_assert_int_eq(coop_sem_release(&G.sem), COOP_OK); break;
    case K_PUT: ck_assert_int_eq(coop_queue_try_get(&G.q, &v), COOP_OK); break;
    case K_GET: ck_assert_int_eq(coop_queue_try_put(&G.q, &v), COOP_OK); break;
    default: return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ task bodies */

/* Sleep `delay` (if any), wait for `kind` (under AWAIT_FOR if timed), take
 * it, log; sleep `after`. FINALLY: log, sleep fin_sleep, log. */
static coop_status_t waiter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    log_ev(j->id, EV_WAIT, 0);
    j->rc = COOP_OK;
    j->rec = (uint8_t)(10 + j->id);
    j->index = 99;
    if (j->timed) {
        if (j->kind == K_FLAG)
            AWAIT_FOR(j->rc, j->ms, AWAIT_FLAG(&G.flag));
        else if (j->kind == K_COUNTER)
            AWAIT_FOR(j->rc, j->ms, AWAIT_COUNTER(&G.counter));
        else if (j->kind == K_RING)
            AWAIT_FOR(j->rc, j->ms, AWAIT_RING(&G.ring));
        else if (j->kind == K_EVENT)
            AWAIT_FOR(j->rc, j->ms, AWAIT_EVENT(&G.ev));
        else if (j->kind == K_LOCK)
            AWAIT_FOR(j->rc, j->ms, AWAIT_LOCK(&G.lock));
        else if (j->kind == K_SEM)
            AWAIT_FOR(j->rc, j->ms, AWAIT_SEM(&G.sem));
        else if (j->kind == K_PUT)
            AWAIT_FOR(j->rc, j->ms, AWAIT_PUT(&G.q, &j->rec));
        else if (j->kind == K_GET)
            AWAIT_FOR(j->rc, j->ms, AWAIT_GET(&G.q, &j->rec));
        else if (j->kind == K_JOIN)
            AWAIT_FOR(j->rc, j->ms, AWAIT_JOIN(j->tasks[0]));
        else if (j->kind == K_GATHER)
            AWAIT_FOR(j->rc, j->ms, AWAIT_GATHER(j->tasks, j->ntasks));
        else
            AWAIT_FOR(j->rc, j->ms, AWAIT_ANY(j->tasks, j->ntasks, j->index));
    } else {
        if (j->kind == K_FLAG)
            AWAIT_FLAG(&G.flag);
        else if (j->kind == K_COUNTER)
            AWAIT_COUNTER(&G.counter);
        else if (j->kind == K_RING)
            AWAIT_RING(&G.ring);
        else if (j->kind == K_EVENT)
            AWAIT_EVENT(&G.ev);
        else if (j->kind == K_LOCK)
            AWAIT_LOCK(&G.lock);
        else if (j->kind == K_SEM)
            AWAIT_SEM(&G.sem);
        else if (j->kind == K_PUT)
            AWAIT_PUT(&G.q, &j->rec);
        else if (j->kind == K_GET)
            AWAIT_GET(&G.q, &j->rec);
        else if (j->kind == K_JOIN)
            AWAIT_JOIN(j->tasks[0]);
        else if (j->kind == K_GATHER)
            AWAIT_GATHER(j->tasks, j->ntasks);
        else
            AWAIT_ANY(j->tasks, j->ntasks, j->index);
    }
    j->armed_after = coop_timer_armed(&task->timer);
    j->body = 1;
    j->got = -1;
    if (j->rc == COOP_OK)
        consume(j);
    j->avail = available(j->kind);
    log_ev(j->id, EV_DONE, j->rc);
    if (j->after != 0) {
        AWAIT_SLEEP_TICKS(j->after);
        log_ev(j->id, EV_AFTER, 0);
    }
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    if (j->fin_sleep != 0)
        AWAIT_SLEEP_TICKS(j->fin_sleep);
    j->fin_end++;
    log_ev(j->id, EV_FIN_END, 0);
    ASYNC_END;
}

/* The actor's step; A_PROVIDE of a task kind ends the actor. */
static bool act(struct job *j, const struct step *s)
{
    if (s->act == A_PROVIDE) {
        if (provide(j->kind))
            return false;
    } else if (s->act == A_CANCEL) {
        struct job *v = &J[s->arg];
        j->in_q_before = in_waitq(waitq_of(v->kind), &v->task);
        j->armed_before = coop_timer_armed(&v->task.timer);
        j->act_rc[j->k] = coop_task_cancel(&v->task);
        j->in_q_after = in_waitq(waitq_of(v->kind), &v->task);
        j->armed_after_cancel = coop_timer_armed(&v->task.timer);
        log_ev(A, EV_CANCEL, j->act_rc[j->k]);
    } else if (s->act == A_ADVANCE) {
        coop_virtual_advance((uint32_t)s->arg); /* a long pass */
    } else if (s->act == A_EV_SET) {
        coop_event_set(&G.ev);
    } else if (s->act == A_EV_CLEAR) {
        coop_event_clear(&G.ev);
    }
    return true;
}

/* Sleep `delay` ticks (none if 0), store err_set in err, log. FINALLY: log,
 * sleep fin_sleep, log. */
static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    j->err = j->err_set;
    j->body = 1;
    log_ev(j->id, EV_DONE, j->err);
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    if (j->fin_sleep != 0)
        AWAIT_SLEEP_TICKS(j->fin_sleep);
    j->fin_end++;
    log_ev(j->id, EV_FIN_END, 0);
    ASYNC_END;
}

/* --------------------------------------------------- per-kind scenarios */

/* Prepare the scenario "J[W] waits for `kind`; the actor J[A] runs script".
 * The lock starts held by the actor, the queue full for K_PUT; the waiter
 * joins the actor (K_JOIN), gathers {H, A} (H ends at +helper_delay) or
 * waits for any of {H, A} (H ends at +200). waiter_first: the waiter is
 * spawned first, so its deadline is armed before the actor's sleep, and on
 * the tick both fall due the waiter runs first. */
static void scenario(int kind, int waiter_first, int timed, uint32_t ms, const struct step *script,
                     size_t nsteps)
{
    uint8_t v;
    J[A].kind = kind;
    J[W].kind = kind;
    J[W].timed = timed;
    J[W].ms = ms;
    J[W2].kind = kind;
    if (kind == K_LOCK)
        G.lock.owner = &J[A].task; /* held by the actor from the start */
    if (kind == K_PUT) {
        for (v = 100; v < 102; v++)
            ck_assert_int_eq(coop_queue_try_put(&G.q, &v), COOP_OK); /* full */
    }
    J[W].tasks[0] = &J[H].task;
    J[W].tasks[1] = &J[A].task;
    J[W].ntasks = 2;
    if (kind == K_JOIN) {
        J[W].tasks[0] = &J[A].task;
        J[W].ntasks = 1;
    }
    if (kind == K_ANY)
        J[H].delay = 200;
    memcpy(J[W2].tasks, J[W].tasks, sizeof J[W].tasks);
    J[W2].ntasks = J[W].ntasks;
    if (waiter_first) {
        spawn(W, waiter_fn);
        spawn_actor(A, script, nsteps, act);
    } else {
        spawn_actor(A, script, nsteps, act);
        spawn(W, waiter_fn);
    }
    if ((kind == K_GATHER || kind == K_ANY) && coop_task_result(&J[H].task) == COOP_EINVAL)
        spawn(H, sleeper_fn); /* (unless the test spawned it already) */
}

/* J[W]'s wait ended at T0 + n with rc. */
static void expect_done(int kind, int rc, uint32_t n)
{
    const char *sc = g_scenario, *kn = kind_name[kind];
    ck_assert_msg(J[W].body == 1, "%s, %s: the waiter never passed its wait", sc, kn);
    ck_assert_msg(J[W].rc == rc, "%s, %s: rc %d (%s), expected %d", sc, kn, J[W].rc,
                  coop_strerror(J[W].rc), rc);
    EXPECT_EV(W, EV_WAIT, 0, 0);
    EXPECT_EV(W, EV_DONE, rc, n);
    ck_assert_msg(!J[W].armed_after, "%s, %s: the deadline timer is still armed after the wait",
                  sc, kn);
    ck_assert_int_eq(coop_task_result(&J[W].task), COOP_OK);
}

/* What a waiter that got its unit saw: the value, and the units left. */
static void expect_taken(int kind)
{
    static const int got[K_COUNT] = {1, 1, 42, 1, 1, 1, 1, 42, 1, 1, 1};
    const char *sc = g_scenario, *kn = kind_name[kind];
    ck_assert_msg(J[W].got == got[kind], "%s, %s: got %d, expected %d", sc, kn, J[W].got,
                  got[kind]);
    if (!IS_TASK_KIND(kind))
        /* an event stays set; everything else was taken by the waiter */
        ck_assert_msg(J[W].avail == (kind == K_EVENT ? 1 : 0),
                      "%s, %s: %d unit(s) left after the wait", sc, kn, J[W].avail);
}

/* The waiter timed out: it took nothing, then what the actor provided
 * afterwards is still there at the end. */
static void expect_untaken(int kind)
{
    const char *sc = g_scenario, *kn = kind_name[kind];
    ck_assert_msg(J[W].got == -1, "%s, %s: the waiter took %d", sc, kn, J[W].got);
    if (!IS_TASK_KIND(kind))
        ck_assert_msg(available(kind) == 1,
                      "%s, %s: %d unit(s) at the end, expected the 1 provided", sc, kn,
                      available(kind));
    if (kind == K_ANY)
        ck_assert_uint_eq(J[W].index, 2); /* n: none ended in time */
    if (kind == K_PUT)
        ck_assert_uint_eq(coop_queue_count(&G.q), 1); /* the actor's get, not the waiter's put */
    if (kind == K_GET)
        ck_assert_uint_eq(coop_queue_count(&G.q), 1);
}

/* ------------------------------------------------------------ AWAIT_FOR */

/* One AWAIT_FOR scenario: "J[W] waits for a kind under AWAIT_FOR(ms); the
 * actor runs script"; then J[W]'s wait ended at T0 + done_at with rc, and it
 * took the unit (taken) or took nothing (the unit the actor provided is still
 * there at the end). Optional checks (-1: none): the absolute tick of the
 * end, the actor's provide at T0 + provide_at, the waiter's sleep `after`
 * ending at T0 + after_at; none_left: no unit was there at the deadline. */
struct for_case {
    const char *name;
    coop_tick_t start;   /* the clock at the start (T0 unless across the wrap) */
    int waiter_first;    /* the waiter spawned (its deadline armed) first */
    uint32_t ms;
    uint32_t after;
    int helper_first;    /* gather: the helper ends before the waiter polls */
    struct step script[2];
    size_t nsteps;
    int rc;
    uint32_t done_at;
    int taken;
    long done_tick;
    int none_left;
    int provide_at;
    int after_at;
};

#define WRAP5 ((coop_tick_t)(0 - 5)) /* 5 ticks before the wrap (16- or 32-bit ticks) */
static const struct for_case for_cases[] = {
    /* nothing comes before the deadline (the actor provides at +20): the
     * wait ends at T0+10 exactly (not +9, not +11) with COOP_ETIMEDOUT, and
     * what came at +20 is left for others */
    {"timeout at deadline", T0, 0, 10, 0, 0, {{20, A_PROVIDE, 0}}, 1,
     COOP_ETIMEDOUT, 10, 0, -1, 1, 20, -1},
    /* provided at +9, deadline +10: COOP_OK at +9, the unit taken, the
     * deadline disarmed (the waiter then sleeps 5 and wakes at +14) */
    {"success one tick before", T0, 0, 10, 5, 0, {{9, A_PROVIDE, 0}}, 1,
     COOP_OK, 9, 1, -1, 0, -1, 14},
    /* the actor's sleep and the deadline fall due on one tick, the actor's
     * armed first: it provides, then the waiter's wait op finds the unit
     * there and takes it: COOP_OK, although the deadline has passed */
    {"same pass provider first", T0, 0, 10, 0, 0, {{10, A_PROVIDE, 0}}, 1,
     COOP_OK, 10, 1, -1, 0, -1, -1},
    /* the same tick, the waiter's deadline armed first: it runs first, finds
     * nothing, gives up (COOP_ETIMEDOUT) and takes nothing: the unit the
     * actor then provides in that pass stays */
    {"same pass waiter first", T0, 1, 10, 0, 0, {{10, A_PROVIDE, 0}}, 1,
     COOP_ETIMEDOUT, 10, 0, -1, 0, 10, -1},
    /* 0 ms polls: nothing there: COOP_ETIMEDOUT at once (at T0);
     * something there: COOP_OK at once */
    {"poll", T0, 0, 0, 0, 0, {{20, A_PROVIDE, 0}}, 1, COOP_ETIMEDOUT, 0, 0, -1, 0, -1, -1},
    {"poll", T0, 0, 0, 0, 1, {{0, A_PROVIDE, 0}}, 1, COOP_OK, 0, 1, -1, 0, -1, -1},
    /* the clock starts 5 ticks before the wrap: a 10 ms deadline falls on
     * tick 5 after the wrap, exactly; a unit at +9 (tick 4) is taken in time */
    {"across wrap", WRAP5, 0, 10, 0, 0, {{20, A_PROVIDE, 0}}, 1,
     COOP_ETIMEDOUT, 10, 0, 5, 0, -1, -1},
    {"across wrap", WRAP5, 0, 10, 0, 0, {{9, A_PROVIDE, 0}}, 1, COOP_OK, 9, 1, 4, 0, -1, -1},
    /* the unit comes at +5 and wakes the waiter; the pass then takes long
     * (the clock jumps to +15): the deadline (+10) falls due before the
     * waiter runs. The wake came first: the waiter keeps it, COOP_OK at +15 */
    {"woken before deadline runs after", T0, 0, 10, 0, 0,
     {{5, A_ADVANCE, 10}, {5, A_PROVIDE, 0}}, 2, COOP_OK, 15, 1, -1, 0, -1, -1},
};

static void for_scenario(int kind, const struct for_case *c)
{
    g_scenario = c->name;
    reset(c->start);
    J[W].after = c->after;
    if (c->helper_first && kind == K_GATHER) /* the helper ends before the waiter polls */
        spawn(H, sleeper_fn);
    scenario(kind, c->waiter_first, 1, c->ms, c->script, c->nsteps);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_done(kind, c->rc, c->done_at);
    if (c->done_tick >= 0)
        ck_assert_uint_eq(evs[find_ev(W, EV_DONE)].tick, (coop_tick_t)c->done_tick);
    if (c->none_left && !IS_TASK_KIND(kind))
        ck_assert_int_eq(J[W].avail, 0); /* nothing was there at the deadline */
    if (c->taken)
        expect_taken(kind);
    else
        expect_untaken(kind);
    if (c->provide_at >= 0)
        EXPECT_EV(A, EV_PROVIDE, kind, (uint32_t)c->provide_at);
    if (c->after_at >= 0)
        EXPECT_EV(W, EV_AFTER, 0, (uint32_t)c->after_at);
}

START_TEST(test_for_each_kind)
{
    /* every scenario above for the wait kind _i, each from a fresh state */
    size_t c;
    for (c = 0; c < sizeof for_cases / sizeof for_cases[0]; c++)
        for_scenario(_i, &for_cases[c]);
}
END_TEST

START_TEST(test_for_two_waiters_no_loss)
{
    /* lock, semaphore, queue put, queue get (the objects that keep a unit
     * for the waiter they wake): W times out at +10, W2 waits without a
     * deadline, the unit comes at +10. Either order in that pass: W gives
     * up having taken nothing, W2 gets the unit at +10 (nobody barges past
     * W2, the unit is not lost with W) */
    static const int kinds[4] = {K_LOCK, K_SEM, K_PUT, K_GET};
    static const struct step script[] = {{10, A_PROVIDE, 0}};
    int kind = kinds[_i];
    int waiter_first;
    for (waiter_first = 0; waiter_first < 2; waiter_first++) {
        g_scenario = waiter_first ? "two waiters, waiter first" : "two waiters, provider first";
        reset(T0);
        J[W2].delay = 1; /* behind W in the queue */
        scenario(kind, waiter_first, 1, 10, script, 1);
        spawn(W2, waiter_fn);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        expect_done(kind, COOP_ETIMEDOUT, 10);
        ck_assert_int_eq(J[W].got, -1);
        EXPECT_EV(W2, EV_WAIT, 0, 1);
        EXPECT_EV(W2, EV_DONE, COOP_OK, 10);
        ck_assert_int_eq(J[W2].got, kind == K_GET ? 42 : 1);
        ck_assert_int_eq(J[W2].avail, 0);
        ck_assert_uint_eq(G.lock.waiters.woken + G.sem.waiters.woken + G.q.getters.woken +
                              G.q.putters.woken,
                          0);
    }
}
END_TEST

START_TEST(test_for_event_set_clear_then_deadline)
{
    /* an event set and cleared at +5 (the waiter woken), then a long pass:
     * the deadline (+10) falls due before the waiter runs (+15). The set
     * came first: COOP_OK, although the event is clear when it runs */
    static const struct step script[] = {
        {5, A_ADVANCE, 10}, {5, A_EV_SET, 0}, {5, A_EV_CLEAR, 0}};
    g_scenario = "event set and cleared, then the deadline";
    scenario(K_EVENT, 0, 1, 10, script, 3);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_done(K_EVENT, COOP_OK, 15);
    ck_assert_int_eq(J[W].avail, 0); /* clear */
}
END_TEST

/* -------------------------------------------------------- AWAIT_CALL_FOR */

static coop_status_t child_co(struct child *c)
{
    ASYNC(c);
    for (c->i = 0; c->i < c->n; c->i++) {
        AWAIT_SLEEP_TICKS(c->sleep);
        log_ev(job_of(coop_task_current())->id, EV_STEP, c->i);
    }
    if (c->wait_event)
        AWAIT_EVENT(&G.ev);
    c->body = 1;
    FINALLY;
    c->fin++;
    log_ev(job_of(coop_task_current())->id, EV_CFIN, 0);
    if (c->fin_sleep != 0)
        AWAIT_SLEEP_TICKS(c->fin_sleep);
    ASYNC_END;
}

/* AWAIT_CALL_FOR(rc, ms, child), log; sleep `after`, log. */
static coop_status_t caller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, EV_WAIT, 0);
    AWAIT_CALL_FOR(j->rc, j->ms, &j->ch, child_co(&j->ch));
    j->armed_after = coop_timer_armed(&task->timer);
    j->body = 1;
    log_ev(j->id, EV_DONE, j->rc);
    if (j->after != 0) {
        AWAIT_SLEEP_TICKS(j->after);
        log_ev(j->id, EV_AFTER, 0);
    }
    FINALLY;
    j->fin++;
    ASYNC_END;
}

START_TEST(test_call_for_in_time)
{
    /* the child sleeps 5 and ends: COOP_OK at +5, its FINALLY ran once (its
     * normal end), and the deadline is gone (the caller's sleep of 20 ends
     * at +25, not at the old deadline +10) */
    J[0].ms = 10;
    J[0].ch.n = 1;
    J[0].ch.sleep = 5;
    J[0].after = 20;
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_OK);
    EXPECT_EV(0, EV_STEP, 0, 5);
    EXPECT_EV(0, EV_DONE, COOP_OK, 5);
    EXPECT_EV(0, EV_CFIN, 0, 5);
    EXPECT_EV(0, EV_AFTER, 0, 25);
    ck_assert_int_eq(J[0].ch.body, 1);
    ck_assert_int_eq(J[0].ch.fin, 1);
    ck_assert(!J[0].armed_after);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_call_for_cancels_child_at_deadline)
{
    /* the child waits on an event nobody sets: at +10 it is cancelled, its
     * FINALLY runs (and may sleep: 3 more ticks, with no deadline), then rc
     * is COOP_ETIMEDOUT; the caller itself goes on normally */
    J[0].ms = 10;
    J[0].ch.wait_event = 1;
    J[0].ch.fin_sleep = 3;
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_ETIMEDOUT);
    EXPECT_EV(0, EV_CFIN, 0, 10);
    EXPECT_EV(0, EV_DONE, COOP_ETIMEDOUT, 13);
    ck_assert_int_eq(J[0].ch.body, 0);
    ck_assert_int_eq(J[0].ch.fin, 1);
    ck_assert_int_eq(J[0].fin, 1);
    ck_assert_ptr_eq(G.ev.waiters.last, NULL); /* it left the event's queue */
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);

    /* the same without a sleeping FINALLY: rc at +10 exactly */
    reset(T0);
    J[0].ms = 10;
    J[0].ch.wait_event = 1;
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, EV_CFIN, 0, 10);
    EXPECT_EV(0, EV_DONE, COOP_ETIMEDOUT, 10);
}
END_TEST

START_TEST(test_call_for_cuts_long_sleep)
{
    /* the child sleeps 50: the sleep is cut at the deadline +10 exactly, the
     * child never logs its step, its FINALLY runs at +10 */
    J[0].ms = 10;
    J[0].ch.n = 1;
    J[0].ch.sleep = 50;
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(0, EV_STEP), 0);
    EXPECT_EV(0, EV_CFIN, 0, 10);
    EXPECT_EV(0, EV_DONE, COOP_ETIMEDOUT, 10);
    ck_assert_uint_eq(coop_port_now(), at(10)); /* no timer of the sleep was left */
}
END_TEST

START_TEST(test_call_for_short_sleeps_keep_deadline)
{
    /* three sleeps of 4: they end at +4 and +8 on time, the third (due +12)
     * is cut by the deadline at +10; the deadline held across the sleeps */
    J[0].ms = 10;
    J[0].ch.n = 3;
    J[0].ch.sleep = 4;
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(0, EV_STEP), 2);
    ck_assert_uint_eq(evs[find_ev(0, EV_STEP)].tick, at(4));
    ck_assert_uint_eq(evs[find_ev(0, EV_STEP) + 1].tick, at(8));
    EXPECT_EV(0, EV_CFIN, 0, 10);
    EXPECT_EV(0, EV_DONE, COOP_ETIMEDOUT, 10);

    /* two sleeps of 4 then an event set at +9: in time, COOP_OK at +9 */
    reset(T0);
    J[0].ms = 10;
    J[0].ch.n = 2;
    J[0].ch.sleep = 4;
    J[0].ch.wait_event = 1;
    J[0].after = 2;
    {
        static const struct step script[] = {{9, A_EV_SET, 0}};
        spawn_actor(A + 1, script, 1, act);
    }
    spawn(0, caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(0, EV_STEP), 2);
    EXPECT_EV(0, EV_DONE, COOP_OK, 9);
    EXPECT_EV(0, EV_AFTER, 0, 11);
    ck_assert_int_eq(J[0].ch.body, 1);
}
END_TEST

/* ------------------------------------------------------------ cancel */

START_TEST(test_cancel_each_wait)
{
    /* W waits (without, then with a deadline of 10); at +5 the actor cancels
     * it: W leaves the wait queue and its timer at once, its FINALLY runs at
     * +5, it ends COOP_ECANCELED. At +6 the unit comes: it goes to W2, who
     * waited behind W, not to W */
    static const struct step script[] = {{5, A_CANCEL, W}, {6, A_PROVIDE, 0}};
    int kind = _i;
    int timed;
    for (timed = 0; timed < 2; timed++) {
        g_scenario = timed ? "cancel under AWAIT_FOR" : "cancel";
        reset(T0);
        J[W2].delay = 1;
        scenario(kind, 0, timed, 10, script, 2);
        spawn(W2, waiter_fn);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        ck_assert_int_eq(J[A].act_rc[0], COOP_OK);
        ck_assert_msg(J[A].in_q_before, "%s: W was not in the queue before the cancel",
                      kind_name[kind]);
        ck_assert_msg(!J[A].in_q_after, "%s: W is still in the wait queue after the cancel",
                      kind_name[kind]);
        ck_assert_int_eq(J[A].armed_before, timed);
        ck_assert_msg(!J[A].armed_after_cancel, "%s: W's deadline is still armed after the cancel",
                      kind_name[kind]);
        EXPECT_EV(W, EV_WAIT, 0, 0);
        ck_assert_int_eq(count_ev(W, EV_DONE), 0);
        ck_assert_int_eq(J[W].body, 0);
        EXPECT_EV(W, EV_FIN, 0, 5);
        EXPECT_EV(W, EV_FIN_END, 0, 5);
        ck_assert_int_eq(coop_task_result(&J[W].task), COOP_ECANCELED);
        /* (a gather that is cancelled cancels the tasks it gathers, as
         * asyncio's does: the task W and W2 both gather ends at +5) */
        EXPECT_EV(W2, EV_DONE, COOP_OK, kind == K_GATHER ? 5 : 6);
        ck_assert_int_eq(coop_task_result(&J[W2].task), COOP_OK);
        ck_assert_uint_eq(waitq_of(kind)->woken, 0);
    }
}
END_TEST

/* SHIELD_BEGIN; wait for the event (under AWAIT_FOR if timed), or sleep
 * `delay`; log; SHIELD_END; log. */
static coop_status_t shielded_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, EV_WAIT, 0);
    SHIELD_BEGIN();
    j->rc = COOP_OK;
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    else if (j->timed)
        AWAIT_FOR(j->rc, j->ms, AWAIT_EVENT(&G.ev));
    else
        AWAIT_EVENT(&G.ev);
    log_ev(j->id, EV_DONE, j->rc);
    SHIELD_END();
    j->body = 1;
    log_ev(j->id, EV_AFTER, 0);
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

/* Cancel J[arg] at +at (twice: the second is COOP_EALREADY). */
static coop_status_t canceller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_TICKS(j->delay);
    j->act_rc[0] = coop_task_cancel(j->tasks[0]);
    j->act_rc[1] = coop_task_cancel(j->tasks[0]);
    log_ev(j->id, EV_CANCEL, j->act_rc[0]);
    if (j->after != 0) {
        AWAIT_SLEEP_TICKS(j->after);
        coop_event_set(&G.ev);
    }
    ASYNC_END;
}

START_TEST(test_shield_defers_cancel)
{
    /* a cancel at +5 during a shielded event wait: COOP_OK, the wait goes on
     * and ends when the event is set (+8); at SHIELD_END the task goes to
     * its FINALLY (+8), never past it; it ends COOP_ECANCELED */
    J[0].delay = 0;
    J[1].delay = 5;
    J[1].after = 3;
    J[1].tasks[0] = &J[0].task;
    spawn(0, shielded_fn);
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].act_rc[0], COOP_OK);
    ck_assert_int_eq(J[1].act_rc[1], COOP_EALREADY);
    EXPECT_EV(0, EV_DONE, 0, 8);
    ck_assert_int_eq(count_ev(0, EV_AFTER), 0);
    EXPECT_EV(0, EV_FIN, 0, 8);
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);

    /* a shielded sleep of 10, a cancel at +3: the sleep runs to +10 */
    reset(T0);
    J[0].delay = 10;
    J[1].delay = 3;
    J[1].tasks[0] = &J[0].task;
    spawn(0, shielded_fn);
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(1, EV_CANCEL, COOP_OK, 3);
    EXPECT_EV(0, EV_DONE, 0, 10);
    EXPECT_EV(0, EV_FIN, 0, 10);
    ck_assert_int_eq(count_ev(0, EV_AFTER), 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);

    /* a shielded AWAIT_FOR of 10 on an event nobody sets, a cancel at +3:
     * the deadline still ends the wait at +10 (COOP_ETIMEDOUT), then the
     * task goes to its FINALLY */
    reset(T0);
    J[0].timed = 1;
    J[0].ms = 10;
    J[1].delay = 3;
    J[1].tasks[0] = &J[0].task;
    spawn(0, shielded_fn);
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(1, EV_CANCEL, COOP_OK, 3);
    EXPECT_EV(0, EV_DONE, COOP_ETIMEDOUT, 10);
    EXPECT_EV(0, EV_FIN, 0, 10);
    ck_assert_int_eq(count_ev(0, EV_AFTER), 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);

    /* no cancel: the task goes past SHIELD_END */
    reset(T0);
    J[0].delay = 4;
    spawn(0, shielded_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, EV_AFTER, 0, 4);
    EXPECT_EV(0, EV_FIN, 0, 4);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_cancel_all)
{
    /* cancel_all cancels the live tasks of the array (3 sleepers), skips a
     * NULL, a never-spawned and an ended one; a second call finds nothing
     * new to cancel */
    coop_task_t *tasks[6];
    int k;
    for (k = 0; k < 3; k++) {
        J[k].delay = (uint32_t)(10 * (k + 1));
        spawn(k, sleeper_fn);
    }
    spawn(3, sleeper_fn); /* ends in the first pass */
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(1)), COOP_ETIMEDOUT);
    ck_assert_int_eq(coop_task_result(&J[3].task), COOP_OK);
    tasks[0] = &J[0].task;
    tasks[1] = NULL;
    tasks[2] = &J[1].task;
    tasks[3] = &J[4].task; /* never spawned */
    tasks[4] = &J[3].task; /* ended */
    tasks[5] = &J[2].task;
    ck_assert_uint_eq(coop_task_cancel_all(tasks, 6), 3);
    ck_assert_uint_eq(coop_task_cancel_all(tasks, 6), 0);
    ck_assert_uint_eq(coop_task_cancel_all(NULL, 3), 0);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    for (k = 0; k < 3; k++) {
        ck_assert_int_eq(coop_task_result(&J[k].task), COOP_ECANCELED);
        ck_assert_int_eq(J[k].body, 0);
        EXPECT_EV(k, EV_FIN, 0, 1);
    }
    ck_assert_uint_eq(coop_port_now(), at(1)); /* their timers went with them */
}
END_TEST

/* --------------------------------------------- MicroPython's bug classes */

START_TEST(test_mp_wait_for_swallows_cancel)
{
    /* MicroPython bug class 1, "wait_for swallowing a cancel": a task in
     * AWAIT_FOR whose deadline and a cancel arrive in the same pass must end
     * CANCELED with its FINALLY run, and never report COOP_ETIMEDOUT (nor go
     * on after its wait). For every kind of wait: the actor's sleep and the
     * deadline fall due at +10, the actor runs first and cancels, then
     * provides (the unit is not taken by the cancelled task). */
    static const struct step script[] = {{10, A_CANCEL, W}, {10, A_PROVIDE, 0}};
    int kind = _i;
    scenario(kind, 0, 1, 10, script, 2);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[A].act_rc[0], COOP_OK);
    ck_assert_msg(count_ev(W, EV_DONE) == 0, "%s: the cancelled task went on after its wait "
                                             "(rc %d)", kind_name[kind], J[W].rc);
    ck_assert_int_eq(J[W].rc, COOP_OK); /* never set to COOP_ETIMEDOUT */
    EXPECT_EV(W, EV_FIN, 0, 10);
    EXPECT_EV(W, EV_FIN_END, 0, 10);
    ck_assert_int_eq(coop_task_result(&J[W].task), COOP_ECANCELED);
    if (!IS_TASK_KIND(kind))
        ck_assert_int_eq(available(kind), 1);
}
END_TEST

/* Spawn the children J[1..3], gather them; FINALLY: cancel_all, gather. */
static coop_status_t parent_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    size_t k;
    ASYNC(task);
    for (k = 0; k < j->ntasks; k++)
        ck_assert_int_eq(coop_task_spawn(&g_loop, j->tasks[k], sleeper_fn), COOP_OK);
    AWAIT_GATHER(j->tasks, j->ntasks);
    j->body = 1;
    log_ev(j->id, EV_DONE, 0);
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    j->cancelled = coop_task_cancel_all(j->tasks, j->ntasks);
    AWAIT_GATHER(j->tasks, j->ntasks);
    j->fin_end++;
    log_ev(j->id, EV_FIN_END, 0);
    ASYNC_END;
}

START_TEST(test_mp_cancel_gather_cancels_all)
{
    /* MicroPython bug class 2, "cancelling gather cancels only one child":
     * a parent gathering 3 child tasks is cancelled at +5: its gather cancels
     * them all (its FINALLY's coop_task_cancel_all finds none left), and its
     * FINALLY gathers them: every child ends CANCELED with its FINALLY run,
     * and the parent's FINALLY ends only when the last child's (which sleeps
     * 3 ticks) has, at +8 */
    int k;
    for (k = 1; k <= 3; k++) {
        J[0].tasks[k - 1] = &J[k].task;
        J[k].delay = (uint32_t)(100 * k);
    }
    J[3].fin_sleep = 3;
    J[0].ntasks = 3;
    J[4].delay = 5;
    J[4].tasks[0] = &J[0].task;
    spawn(0, parent_fn);
    spawn(4, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[4].act_rc[0], COOP_OK);
    ck_assert_uint_eq(J[0].cancelled, 0); /* the gather had cancelled them */
    for (k = 1; k <= 3; k++) {
        ck_assert_int_eq(coop_task_result(&J[k].task), COOP_ECANCELED);
        ck_assert_int_eq(J[k].body, 0);
        EXPECT_EV(k, EV_FIN, 0, 5);
        EXPECT_EV(k, EV_FIN_END, 0, k == 3 ? 8 : 5);
    }
    ck_assert_int_eq(count_ev(0, EV_DONE), 0);
    EXPECT_EV(0, EV_FIN, 0, 5);
    EXPECT_EV(0, EV_FIN_END, 0, 8);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_port_now(), at(8));
}
END_TEST

/* Gather the tasks; log every child's result and error code. */
static coop_status_t gatherer_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    size_t k;
    ASYNC(task);
    AWAIT_GATHER(j->tasks, j->ntasks);
    for (k = 0; k < j->ntasks; k++) {
        struct job *c = job_of(j->tasks[k]);
        log_ev(c->id, EV_AFTER, coop_task_result(&c->task) * 1000 + c->err);
    }
    j->body = 1;
    log_ev(j->id, EV_DONE, 0);
    ASYNC_END;
}

START_TEST(test_mp_errors_of_children_kept)
{
    /* MicroPython bug class 3, "errors of one child lost": four children:
     * two fail with different codes (stored in their structs) at +3 and +5,
     * one succeeds at +8, one is cancelled at +2. The gather waits for all
     * of them (+8, not the first failure) and sees every outcome. */
    static const int errs[4] = {-100, -200, 0, 0};
    static const uint32_t ends[4] = {5, 3, 8, 50};
    int k;
    for (k = 0; k < 4; k++) {
        J[k].delay = ends[k];
        J[k].err_set = errs[k];
        J[4].tasks[k] = &J[k].task;
        spawn(k, sleeper_fn);
    }
    J[4].ntasks = 4;
    spawn(4, gatherer_fn);
    J[5].delay = 2;
    J[5].tasks[0] = &J[3].task;
    spawn(5, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(4, EV_DONE, 0, 8);
    EXPECT_EV(0, EV_AFTER, COOP_OK * 1000 - 100, 8);
    EXPECT_EV(1, EV_AFTER, COOP_OK * 1000 - 200, 8);
    EXPECT_EV(2, EV_AFTER, COOP_OK * 1000 + 0, 8);
    EXPECT_EV(3, EV_AFTER, COOP_ECANCELED * 1000 + 0, 8);
    EXPECT_EV(3, EV_FIN, 0, 2);
}
END_TEST

/* ------------------------------------------------------------ AWAIT_ANY */

START_TEST(test_any_first_to_end)
{
    /* children end at +7, +3, +5: any gives index 1 at +3 */
    static const uint32_t ends[3] = {7, 3, 5};
    int k;
    for (k = 0; k < 3; k++) {
        J[k].delay = ends[k];
        J[W + 3].tasks[k] = &J[k].task;
        spawn(k, sleeper_fn);
    }
    J[W + 3].kind = K_ANY;
    J[W + 3].ntasks = 3;
    spawn(W + 3, waiter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(W + 3, EV_DONE, COOP_OK, 3);
    ck_assert_uint_eq(J[W + 3].index, 1);
    ck_assert_int_eq(J[W + 3].got, 1);

    /* one ended already (cancelled: it counts as ended): index 2, no wait */
    reset(T0);
    for (k = 0; k < 3; k++) {
        J[k].delay = 10;
        J[W + 3].tasks[k] = &J[k].task;
        spawn(k, sleeper_fn);
    }
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(1)), COOP_ETIMEDOUT);
    ck_assert_int_eq(coop_task_result(&J[2].task), COOP_ECANCELED);
    J[W + 3].kind = K_ANY;
    J[W + 3].ntasks = 3;
    spawn(W + 3, waiter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(W + 3, EV_DONE, COOP_OK, 1);
    ck_assert_uint_eq(J[W + 3].index, 2);
}
END_TEST

START_TEST(test_any_tie_in_one_pass)
{
    /* two children end in one pass (+5): J[0] first, J[1] second; the array
     * lists J[1] first. The waiter wakes once both have ended and reports
     * the lowest index of the ended ones: 0 (J[1]); both are done */
    J[0].delay = 5;
    J[1].delay = 5;
    J[2].delay = 9;
    spawn(0, sleeper_fn);
    spawn(1, sleeper_fn);
    spawn(2, sleeper_fn);
    J[4].tasks[0] = &J[1].task;
    J[4].tasks[1] = &J[0].task;
    J[4].tasks[2] = &J[2].task;
    J[4].ntasks = 3;
    J[4].kind = K_ANY;
    spawn(4, waiter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_lt(find_ev(0, EV_DONE), find_ev(1, EV_DONE)); /* J[0] ended first */
    EXPECT_EV(4, EV_DONE, COOP_OK, 5);
    ck_assert_uint_eq(J[4].index, 0);
    ck_assert_int_lt(find_ev(1, EV_DONE), find_ev(4, EV_DONE));
}
END_TEST

START_TEST(test_any_with_timeout)
{
    /* children end at +7 and +9; AWAIT_FOR 4 ms: COOP_ETIMEDOUT at +4, index
     * n (2); then with 8 ms: COOP_OK at +7, index 0 */
    int k, ms;
    for (ms = 4; ms <= 8; ms += 4) {
        reset(T0);
        for (k = 0; k < 2; k++) {
            J[k].delay = (uint32_t)(7 + 2 * k);
            J[4].tasks[k] = &J[k].task;
            spawn(k, sleeper_fn);
        }
        J[4].ntasks = 2;
        J[4].kind = K_ANY;
        J[4].timed = 1;
        J[4].ms = (uint32_t)ms;
        spawn(4, waiter_fn);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        if (ms == 4) {
            EXPECT_EV(4, EV_DONE, COOP_ETIMEDOUT, 4);
            ck_assert_uint_eq(J[4].index, 2);
        } else {
            EXPECT_EV(4, EV_DONE, COOP_OK, 7);
            ck_assert_uint_eq(J[4].index, 0);
        }
    }
}
END_TEST

Suite *coop_timeout_suite(void);
Suite *coop_timeout_suite(void)
{
    Suite *s = suite_create("timeout");
    TCase *tc;

    tc = tcase_create("for");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_loop_test(tc, test_for_each_kind, 0, K_COUNT);
    tcase_add_loop_test(tc, test_for_two_waiters_no_loss, 0, 4);
    tcase_add_test(tc, test_for_event_set_clear_then_deadline);
    suite_add_tcase(s, tc);

    tc = tcase_create("call_for");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_call_for_in_time);
    tcase_add_test(tc, test_call_for_cancels_child_at_deadline);
    tcase_add_test(tc, test_call_for_cuts_long_sleep);
    tcase_add_test(tc, test_call_for_short_sleeps_keep_deadline);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_loop_test(tc, test_cancel_each_wait, 0, K_COUNT);
    tcase_add_test(tc, test_shield_defers_cancel);
    tcase_add_test(tc, test_cancel_all);
    suite_add_tcase(s, tc);

    tc = tcase_create("micropython");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_loop_test(tc, test_mp_wait_for_swallows_cancel, 0, K_COUNT);
    tcase_add_test(tc, test_mp_cancel_gather_cancels_all);
    tcase_add_test(tc, test_mp_errors_of_children_kept);
    suite_add_tcase(s, tc);

    tc = tcase_create("any");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_any_first_to_end);
    tcase_add_test(tc, test_any_tie_in_one_pass);
    tcase_add_test(tc, test_any_with_timeout);
    suite_add_tcase(s, tc);

    return s;
}
