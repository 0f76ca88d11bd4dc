/* Task-to-task objects (coop/sync.h) on the virtual clock (ports/virtual.h):
 *
 *   event      set wakes every waiter, first come first served; a set then a
 *              clear before they run still wakes them; is_set / clear; a set
 *              event does not wait; destroyed: waits end with an assert.
 *   lock       FIFO hand-off: a task that releases and re-acquires at once
 *              does not overtake a waiter; try, EDEADLK, EPERM, owner.
 *   semaphore  count and max, FIFO, release past max (COOP_ERANGE), init.
 *   queue      FIFO records of 1, 3 and 17 bytes, full and empty at the
 *              edges, the storage's end (wrap, no byte outside it), put and
 *              get waiters in order, try_put/try_get, COOP_QUEUE_DEFINE,
 *              zero-sized and destroyed queues.
 *   handoff    a unit kept for a woken waiter that is cancelled before it
 *              runs passes to the next waiter, or is free again.
 *
 * Misuse is recorded by a coop_virtual_on_assert hook: each misuse must
 * assert once with a message saying what went wrong, and return its code.
 * Tasks log (id, what, value, tick), the tick of the pass (coop_now()); the
 * jobs, the log, the actor and the assert hook are tests/scenario.h's. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)3000)
#define ACT 7 /* the actor's job */

/* What a log entry says. */
enum {
    EV_WAIT = 1, /* starts to wait */
    EV_DONE,     /* the wait ended (event: value is_set; queue: the record's first byte) */
    EV_ACQ,      /* lock/semaphore taken (value: 1 if the owner is right / the count) */
    EV_REL,      /* released (value: rc) */
    EV_TRY,      /* a try right after the release (value: rc) */
    EV_FIN,      /* FINALLY started */
    EV_ACT       /* the actor did something (value: its rc); + the action */
};

/* The actor's actions. */
enum { A_EV_SET = 1, A_EV_CLEAR, A_EV_DESTROY, A_Q_DESTROY, A_LOCK_REL, A_LOCK_TRY, A_SEM_REL,
       A_SEM_TRY, A_PUT, A_GET, A_CANCEL };

struct job {
    coop_task_t task;
    int id;
    uint32_t delay;      /* sleep before the wait */
    uint32_t hold;       /* hold the lock / a unit that long (0: keep it) */
    uint32_t gap;        /* queue: sleep after each record */
    int n;               /* queue: records to put or get */
    int i;
    int again;           /* lock: try and wait again right after the release */
    int body;
    int fin;
    uint8_t base;        /* putter: the first record's first byte */
    uint8_t rec[17];
    const struct step *script;
    size_t nsteps;
    size_t k;
    uint8_t got[8];      /* the actor's gets */
    int ngot;
};
#define SCENARIO_NJOBS 8
#include "scenario.h"

static struct {
    coop_event_t ev;
    coop_lock_t lock;
    coop_sem_t sem;
    coop_queue_t q;
    uint8_t q_buf[17 * 8];
    uint8_t canary[16]; /* right after q_buf: a queue must never touch it */
} G;

static void reset(void)
{
    scenario_reset(T0);
    scenario_record_asserts();
    memset(&G, 0, sizeof G);
    memset(G.canary, 0x5a, sizeof G.canary);
    coop_event_init(&G.ev);
    coop_lock_init(&G.lock);
    ck_assert_int_eq(coop_sem_init(&G.sem, 0, 5), COOP_OK);
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 1, 2), COOP_OK);
}

static void setup(void)
{
    reset();
}

/* ------------------------------------------------------------ task bodies */

static coop_status_t ev_waiter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    log_ev(j->id, EV_WAIT, 0);
    AWAIT_EVENT(&G.ev);
    j->body = 1;
    log_ev(j->id, EV_DONE, coop_event_is_set(&G.ev));
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

/* Wait for the lock, hold it `hold` ticks, release; if `again`: try at once,
 * then wait for it again. FINALLY releases it if held. */
static coop_status_t locker_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    log_ev(j->id, EV_WAIT, 0);
    AWAIT_LOCK(&G.lock);
    log_ev(j->id, EV_ACQ, G.lock.owner == task && coop_lock_locked(&G.lock));
    if (j->hold == 0)
        ASYNC_RETURN(); /* keeps it */
    AWAIT_SLEEP_TICKS(j->hold);
    log_ev(j->id, EV_REL, coop_lock_release(&G.lock));
    if (j->again) {
        log_ev(j->id, EV_TRY, coop_lock_try(&G.lock));
        AWAIT_LOCK(&G.lock);
        log_ev(j->id, EV_ACQ, G.lock.owner == task);
        log_ev(j->id, EV_REL, coop_lock_release(&G.lock));
    }
    j->body = 1;
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

/* Wait for a unit; log the count left; hold it `hold` ticks and release. */
static coop_status_t sem_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    log_ev(j->id, EV_WAIT, 0);
    AWAIT_SEM(&G.sem);
    log_ev(j->id, EV_ACQ, coop_sem_count(&G.sem));
    if (j->hold != 0) {
        AWAIT_SLEEP_TICKS(j->hold);
        log_ev(j->id, EV_REL, coop_sem_release(&G.sem));
    }
    j->body = 1;
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

/* Get n records of G.q, sleeping `gap` after each; log each first byte. */
static coop_status_t getter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    for (j->i = 0; j->i < j->n; j->i++) {
        log_ev(j->id, EV_WAIT, j->i);
        AWAIT_GET(&G.q, j->rec);
        log_ev(j->id, EV_DONE, j->rec[0]);
        if (j->gap != 0)
            AWAIT_SLEEP_TICKS(j->gap);
    }
    j->body = 1;
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

/* Put n records base, base+1, ... (every byte of a record the same),
 * sleeping `gap` after each; log each. */
static coop_status_t putter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->delay != 0)
        AWAIT_SLEEP_TICKS(j->delay);
    for (j->i = 0; j->i < j->n; j->i++) {
        memset(j->rec, j->base + j->i, sizeof j->rec);
        log_ev(j->id, EV_WAIT, j->rec[0]);
        AWAIT_PUT(&G.q, j->rec);
        log_ev(j->id, EV_DONE, j->rec[0]);
        if (j->gap != 0)
            AWAIT_SLEEP_TICKS(j->gap);
    }
    j->body = 1;
    FINALLY;
    j->fin++;
    log_ev(j->id, EV_FIN, 0);
    ASYNC_END;
}

static int do_action(struct job *j, const struct step *s)
{
    uint8_t rec[17];
    switch (s->act) {
    case A_EV_SET: coop_event_set(&G.ev); return COOP_OK;
    case A_EV_CLEAR: coop_event_clear(&G.ev); return COOP_OK;
    case A_EV_DESTROY: coop_event_destroy(&G.ev); return COOP_OK;
    case A_Q_DESTROY: coop_queue_destroy(&G.q); return COOP_OK;
    case A_LOCK_REL: return coop_lock_release(&G.lock);
    case A_LOCK_TRY: return coop_lock_try(&G.lock);
    case A_SEM_REL: return coop_sem_release(&G.sem);
    case A_SEM_TRY: return coop_sem_try(&G.sem);
    case A_PUT:
        memset(rec, s->arg, sizeof rec);
        return coop_queue_try_put(&G.q, rec);
    case A_GET: {
        int rc;
        memset(rec, 0, sizeof rec);
        rc = coop_queue_try_get(&G.q, rec);
        if (rc == COOP_OK && j->ngot < 8)
            j->got[j->ngot++] = rec[0];
        return rc;
    }
    case A_CANCEL: return coop_task_cancel(&J[s->arg].task);
    default: ck_abort_msg("unknown action %d", s->act); return COOP_EINVAL;
    }
}

/* The actor's step: do it, log its rc. */
static bool act(struct job *j, const struct step *s)
{
    log_ev(j->id, EV_ACT + s->act, do_action(j, s));
    return true;
}

/* The actor's rc for its m-th action of type a. */
static int act_rc(int a, int m)
{
    size_t k;
    for (k = 0; k < nev; k++)
        if (evs[k].id == ACT && evs[k].what == EV_ACT + a && m-- == 0)
            return evs[k].val;
    ck_abort_msg("the actor never did action %d", a);
    return 1;
}

/* ------------------------------------------------------------ event */

START_TEST(test_event_basics)
{
    /* is_set / set / clear outside tasks; a waiter on a set event goes on in
     * the same pass (T0, no idle) and the event stays set */
    ck_assert(!coop_event_is_set(&G.ev));
    coop_event_set(&G.ev);
    ck_assert(coop_event_is_set(&G.ev));
    coop_event_set(&G.ev); /* twice: still just set */
    ck_assert(coop_event_is_set(&G.ev));
    coop_event_clear(&G.ev);
    ck_assert(!coop_event_is_set(&G.ev));
    coop_event_clear(&G.ev);
    ck_assert(!coop_event_is_set(&G.ev));
    coop_event_set(&G.ev);
    spawn(0, ev_waiter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(0, 0, EV_WAIT, 0, 0);
    expect_ev(1, 0, EV_DONE, 1, 0);
    ck_assert_uint_eq(g_loop.idles, 0);
    ck_assert(coop_event_is_set(&G.ev));
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_event_wakes_all_fifo)
{
    /* four waiters start waiting at +3, +1, +2, +1 (ids 0..3): one set at
     * +5 wakes all of them at +5, in the order they came (1, 3, 2, 0) */
    static const uint32_t delays[4] = {3, 1, 2, 1};
    static const struct step script[] = {{5, A_EV_SET, 0}};
    static const int order[4] = {1, 3, 2, 0};
    int ids[8];
    uint32_t ticks[8];
    int k;
    for (k = 0; k < 4; k++) {
        J[k].delay = delays[k];
        spawn(k, ev_waiter_fn);
    }
    spawn_actor(ACT, script, 1, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(select_ev(EV_DONE, ids, NULL, ticks, 8), 4);
    expect_ints(ids, order, 4, "wake order");
    for (k = 0; k < 4; k++) {
        ck_assert_uint_eq(ticks[k], 5);
        ck_assert_int_eq(J[k].body, 1);
    }
    ck_assert_ptr_eq(G.ev.waiters.last, NULL);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_event_set_clear_before_run)
{
    /* set then clear in one pass (+5), before the two waiters run: they
     * still return (at +5, seeing it clear). A waiter that comes at +6
     * waits for the next set (+9). A waiter cancelled after the set and
     * before it runs takes nothing from the others: J[1] still returns. */
    static const struct step script[] = {
        {5, A_EV_SET, 0}, {5, A_EV_CLEAR, 0}, {5, A_CANCEL, 3}, {9, A_EV_SET, 0}};
    J[2].delay = 6;
    spawn(0, ev_waiter_fn);
    spawn(3, ev_waiter_fn);
    spawn(1, ev_waiter_fn);
    spawn(2, ev_waiter_fn);
    spawn_actor(ACT, script, 4, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(act_rc(A_CANCEL, 0), COOP_OK);
    expect_ev(0, 0, EV_WAIT, 0, 0);
    expect_ev(1, 3, EV_WAIT, 0, 0);
    expect_ev(2, 1, EV_WAIT, 0, 0);
    expect_ev(3, ACT, EV_ACT + A_EV_SET, COOP_OK, 5);
    expect_ev(4, ACT, EV_ACT + A_EV_CLEAR, COOP_OK, 5);
    expect_ev(5, ACT, EV_ACT + A_CANCEL, COOP_OK, 5);
    expect_ev(6, 0, EV_DONE, 0, 5);
    expect_ev(7, 0, EV_FIN, 0, 5);
    expect_ev(8, 3, EV_FIN, 0, 5);
    expect_ev(9, 1, EV_DONE, 0, 5);
    expect_ev(10, 1, EV_FIN, 0, 5);
    expect_ev(11, 2, EV_WAIT, 0, 6);
    expect_ev(12, ACT, EV_ACT + A_EV_SET, COOP_OK, 9);
    expect_ev(13, 2, EV_DONE, 1, 9);
    ck_assert_int_eq(coop_task_result(&J[3].task), COOP_ECANCELED);
    ck_assert_int_eq(J[3].body, 0);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_event_destroyed)
{
    /* two waiters; the event is destroyed at +5: both wake at +5 and each
     * wait ends with an assert; setting it, or waiting on it, asserts too
     * (a wait then ends at once) */
    static const struct step script[] = {{5, A_EV_DESTROY, 0}, {6, A_EV_SET, 0}};
    spawn(0, ev_waiter_fn);
    spawn(1, ev_waiter_fn);
    J[2].delay = 7;
    spawn(2, ev_waiter_fn);
    spawn_actor(ACT, script, 2, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(0, EV_DONE), 1);
    ck_assert_int_eq(count_ev(1, EV_DONE), 1);
    expect_ev(2, ACT, EV_ACT + A_EV_DESTROY, COOP_OK, 5);
    expect_ev(3, 0, EV_DONE, 0, 5);
    expect_ev(5, 1, EV_DONE, 0, 5);
    expect_ev(8, 2, EV_WAIT, 0, 7);
    expect_ev(9, 2, EV_DONE, 0, 7); /* no wait */
    ck_assert_int_eq(hook_calls, 4); /* two wakes, the set, the late wait */
    ck_assert_ptr_nonnull(strstr(hook_msg[0], "destroyed"));
    ck_assert_ptr_nonnull(strstr(hook_msg[1], "destroyed"));
    ck_assert_ptr_nonnull(strstr(hook_msg[2], "coop_event_set"));
    ck_assert_ptr_nonnull(strstr(hook_msg[3], "destroyed"));
    hook_calls = 0;

    /* a never-initialised (zeroed) event: the wait asserts and ends */
    reset();
    memset(&G.ev, 0, sizeof G.ev);
    spawn(0, ev_waiter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(1, 0, EV_DONE, 0, 0);
    EXPECT_ASSERT("not initialised");
}
END_TEST

/* ------------------------------------------------------------ lock */

START_TEST(test_lock_fifo_fairness)
{
    /* J[0] takes the lock at T0 and holds it 5; J[1] and J[2] queue at +1
     * and +2. At +5 J[0] releases and at once tries again (COOP_EAGAIN: the
     * lock is kept for J[1]) and waits again, behind J[2]. The lock goes
     * 0, 1, 2, 0, each holding it 2, with no overtaking. */
    int ids[8], vals[8];
    uint32_t ticks[8];
    static const int order[4] = {0, 1, 2, 0};
    static const uint32_t when[4] = {0, 5, 7, 9};
    J[0].hold = 5;
    J[0].again = 1;
    J[1].delay = 1;
    J[1].hold = 2;
    J[2].delay = 2;
    J[2].hold = 2;
    spawn(0, locker_fn);
    spawn(1, locker_fn);
    spawn(2, locker_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(select_ev(EV_ACQ, ids, vals, ticks, 8), 4);
    expect_ints(ids, order, 4, "lock order");
    ck_assert_int_eq(vals[0] & vals[1] & vals[2] & vals[3], 1); /* owner == self each time */
    ck_assert_uint_eq(ticks[0], when[0]);
    ck_assert_uint_eq(ticks[1], when[1]);
    ck_assert_uint_eq(ticks[2], when[2]);
    ck_assert_uint_eq(ticks[3], when[3]);
    ck_assert_uint_eq(select_ev(EV_TRY, ids, vals, ticks, 8), 1);
    ck_assert_int_eq(vals[0], COOP_EAGAIN);
    ck_assert_uint_eq(ticks[0], 5);
    ck_assert_uint_eq(select_ev(EV_REL, NULL, vals, NULL, 8), 4);
    ck_assert_int_eq(vals[0] | vals[1] | vals[2] | vals[3], COOP_OK);
    ck_assert(!coop_lock_locked(&G.lock));
    ck_assert_uint_eq(G.lock.waiters.woken, 0);
    EXPECT_NO_ASSERT();
}
END_TEST

/* Misuse by a task: step by step (no resume point between). */
static coop_status_t lock_misuse_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->id == 0) {
        log_ev(0, EV_TRY, coop_lock_try(&G.lock));         /* OK */
        log_ev(0, EV_TRY, coop_lock_try(&G.lock));         /* EDEADLK, no assert */
        log_ev(0, EV_ACQ, G.lock.owner == task);
        AWAIT_LOCK(&G.lock);                               /* asserts, no wait */
        log_ev(0, EV_WAIT, hook_calls);
        YIELD();                                           /* J[1] runs */
        log_ev(0, EV_REL, coop_lock_release(&G.lock));     /* OK */
        log_ev(0, EV_REL, coop_lock_release(&G.lock));     /* EPERM: unheld */
    } else {
        log_ev(1, EV_TRY, coop_lock_try(&G.lock));         /* EAGAIN: J[0] holds it */
        log_ev(1, EV_REL, coop_lock_release(&G.lock));     /* EPERM: not the owner */
        log_ev(1, EV_ACQ, G.lock.owner == &J[0].task);     /* still J[0]'s */
    }
    ASYNC_END;
}

START_TEST(test_lock_misuse)
{
    int vals[8];
    spawn(0, lock_misuse_fn);
    spawn(1, lock_misuse_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(select_ev(EV_TRY, NULL, vals, NULL, 8), 3);
    ck_assert_int_eq(vals[0], COOP_OK);
    ck_assert_int_eq(vals[1], COOP_EDEADLK);
    ck_assert_int_eq(vals[2], COOP_EAGAIN);
    ck_assert_uint_eq(select_ev(EV_WAIT, NULL, vals, NULL, 8), 1);
    ck_assert_int_eq(vals[0], 1); /* AWAIT_LOCK by the owner asserted once */
    ck_assert_uint_eq(select_ev(EV_REL, NULL, vals, NULL, 8), 3);
    ck_assert_int_eq(vals[0], COOP_EPERM); /* J[1], not the owner */
    ck_assert_int_eq(vals[1], COOP_OK);
    ck_assert_int_eq(vals[2], COOP_EPERM); /* unheld */
    ck_assert_uint_eq(select_ev(EV_ACQ, NULL, vals, NULL, 8), 2);
    ck_assert_int_eq(vals[0] & vals[1], 1);
    ck_assert_int_eq(hook_calls, 3);
    ck_assert_ptr_nonnull(strstr(hook_msg[0], "holds the lock already"));
    ck_assert_ptr_nonnull(strstr(hook_msg[1], "does not hold"));
    ck_assert_ptr_nonnull(strstr(hook_msg[2], "does not hold"));
    hook_calls = 0;
    ck_assert(!coop_lock_locked(&G.lock));

    /* outside a task */
    ck_assert_int_eq(coop_lock_try(&G.lock), COOP_EINVAL);
    EXPECT_ASSERT("not in a task");
    ck_assert_int_eq(coop_lock_release(&G.lock), COOP_EPERM);
    EXPECT_ASSERT("does not hold");
    ck_assert_int_eq(coop_lock_release(NULL), COOP_EPERM);
    EXPECT_ASSERT("does not hold");
}
END_TEST

/* ------------------------------------------------------------ semaphore */

START_TEST(test_sem_init_and_range)
{
    coop_sem_t s;
    memset(&s, 0, sizeof s); /* an init reads the alive byte: never stack garbage */
    ck_assert_int_eq(coop_sem_init(&s, 3, 2), COOP_EINVAL);
    EXPECT_ASSERT("count <= max");
    ck_assert_int_eq(coop_sem_init(&s, 0, 0), COOP_EINVAL);
    EXPECT_ASSERT("max >= 1");
    ck_assert_int_eq(coop_sem_init(NULL, 0, 1), COOP_EINVAL);
    EXPECT_ASSERT("count <= max");
    ck_assert_int_eq(coop_sem_init(&s, 65535, 65535), COOP_OK);
    ck_assert_uint_eq(coop_sem_count(&s), 65535);
    ck_assert_int_eq(coop_sem_release(&s), COOP_ERANGE);
    EXPECT_ASSERT("count at max");

    /* 2 of 3: two tries, then COOP_EAGAIN; three releases, the fourth is past
     * the maximum (COOP_ERANGE, the count stays 3) */
    ck_assert_int_eq(coop_sem_init(&s, 2, 3), COOP_OK);
    ck_assert_uint_eq(coop_sem_count(&s), 2);
    ck_assert_int_eq(coop_sem_try(&s), COOP_OK);
    ck_assert_int_eq(coop_sem_try(&s), COOP_OK);
    ck_assert_int_eq(coop_sem_try(&s), COOP_EAGAIN);
    ck_assert_uint_eq(coop_sem_count(&s), 0);
    ck_assert_int_eq(coop_sem_release(&s), COOP_OK);
    ck_assert_int_eq(coop_sem_release(&s), COOP_OK);
    ck_assert_int_eq(coop_sem_release(&s), COOP_OK);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(coop_sem_release(&s), COOP_ERANGE);
    EXPECT_ASSERT("count at max");
    ck_assert_uint_eq(coop_sem_count(&s), 3);
    ck_assert_int_eq(coop_sem_try(NULL), COOP_EINVAL);
    EXPECT_ASSERT("NULL");
}
END_TEST

START_TEST(test_sem_fifo_no_barging)
{
    /* three waiters queue at +2, +1, +3 (ids 0, 1, 2); one release at +5
     * goes to J[1]; two releases at +6 go to J[0] and J[2], and a try by
     * the actor right after them is COOP_EAGAIN (both units kept for the
     * woken waiters); a release at +7 with nobody waiting stays (count 1) */
    static const uint32_t delays[3] = {2, 1, 3};
    static const struct step script[] = {{5, A_SEM_REL, 0}, {6, A_SEM_REL, 0},
                                          {6, A_SEM_REL, 0}, {6, A_SEM_TRY, 0},
                                          {7, A_SEM_REL, 0}};
    static const int order[3] = {1, 0, 2};
    int ids[8], vals[8];
    uint32_t ticks[8];
    int k;
    for (k = 0; k < 3; k++) {
        J[k].delay = delays[k];
        spawn(k, sem_fn);
    }
    spawn_actor(ACT, script, 5, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(select_ev(EV_ACQ, ids, vals, ticks, 8), 3);
    expect_ints(ids, order, 3, "semaphore order");
    ck_assert_uint_eq(ticks[0], 5);
    ck_assert_uint_eq(ticks[1], 6);
    ck_assert_uint_eq(ticks[2], 6);
    ck_assert_int_eq(vals[0], 0); /* the count each saw after taking its unit */
    ck_assert_int_eq(vals[1], 1);
    ck_assert_int_eq(vals[2], 0);
    ck_assert_int_eq(act_rc(A_SEM_TRY, 0), COOP_EAGAIN);
    ck_assert_uint_eq(coop_sem_count(&G.sem), 1);
    ck_assert_uint_eq(G.sem.waiters.woken, 0);
    ck_assert_int_eq(coop_sem_try(&G.sem), COOP_OK);
    EXPECT_NO_ASSERT();
}
END_TEST

/* ------------------------------------------------------------ queue */

START_TEST(test_queue_init_errors)
{
    coop_queue_t q;
    uint8_t buf[8];
    uint8_t r = 0;
    memset(&q, 0, sizeof q);
    ck_assert_int_eq(coop_queue_init(&q, buf, 0, 4), COOP_EINVAL);
    EXPECT_ASSERT("record size");
    ck_assert_int_eq(coop_queue_init(&q, buf, 2, 0), COOP_EINVAL);
    EXPECT_ASSERT("capacity");
    ck_assert_int_eq(coop_queue_init(&q, NULL, 2, 4), COOP_EINVAL);
    EXPECT_ASSERT("storage");
    ck_assert_int_eq(coop_queue_init(NULL, buf, 2, 4), COOP_EINVAL);
    EXPECT_ASSERT("storage");
    ck_assert_int_eq(coop_queue_init(&q, buf, 1, 65536), COOP_EINVAL);
    EXPECT_ASSERT("65535");
    ck_assert_int_eq(coop_queue_init(&q, buf, 65536, 1), COOP_EINVAL);
    EXPECT_ASSERT("65535");
    /* a queue whose init failed refuses records */
    ck_assert_int_eq(coop_queue_try_put(&q, &r), COOP_EINVAL);
    EXPECT_ASSERT("not initialised");
    ck_assert_int_eq(coop_queue_try_get(&q, &r), COOP_EINVAL);
    EXPECT_ASSERT("not initialised");
    ck_assert_int_eq(coop_queue_init(&q, buf, 2, 4), COOP_OK);
    ck_assert_int_eq(coop_queue_try_put(&q, NULL), COOP_EINVAL);
    EXPECT_ASSERT("no record");
    EXPECT_NO_ASSERT();
}
END_TEST

/* Put/get records of `size` bytes through a queue of `cap` records in
 * G.q_buf, `rounds` times `burst` in, `burst` out (burst <= cap), checking
 * every byte, the full and empty edges, and that nothing outside
 * cap * size bytes of storage is written. */
static void queue_roundtrip(size_t size, size_t cap, int rounds, int burst)
{
    uint8_t in[17], out[17];
    unsigned seq = 0, want = 0;
    int r, b;
    size_t k;
    memset(G.q_buf, 0xee, sizeof G.q_buf);
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, size, cap), COOP_OK);
    ck_assert_int_eq(coop_queue_try_get(&G.q, out), COOP_EAGAIN); /* empty */
    /* fill to the edge */
    for (k = 0; k < cap; k++) {
        for (b = 0; b < (int)size; b++)
            in[b] = (uint8_t)(seq * 31u + (unsigned)b);
        seq++;
        ck_assert_int_eq(coop_queue_try_put(&G.q, in), COOP_OK);
    }
    ck_assert_uint_eq(coop_queue_count(&G.q), cap);
    ck_assert_int_eq(coop_queue_try_put(&G.q, in), COOP_EAGAIN); /* full */
    ck_assert_uint_eq(coop_queue_count(&G.q), cap);
    /* drain to the edge */
    for (k = 0; k < cap; k++) {
        memset(out, 0, sizeof out);
        ck_assert_int_eq(coop_queue_try_get(&G.q, out), COOP_OK);
        for (b = 0; b < (int)size; b++)
            ck_assert_uint_eq(out[b], (uint8_t)(want * 31u + (unsigned)b));
        want++;
    }
    ck_assert_int_eq(coop_queue_try_get(&G.q, out), COOP_EAGAIN);
    ck_assert_uint_eq(coop_queue_count(&G.q), 0);
    /* bursts that go round the end of the storage */
    for (r = 0; r < rounds; r++) {
        int i;
        for (i = 0; i < burst; i++) {
            for (b = 0; b < (int)size; b++)
                in[b] = (uint8_t)(seq * 31u + (unsigned)b);
            seq++;
            ck_assert_int_eq(coop_queue_try_put(&G.q, in), COOP_OK);
        }
        for (i = 0; i < burst; i++) {
            memset(out, 0, sizeof out);
            ck_assert_int_eq(coop_queue_try_get(&G.q, out), COOP_OK);
            for (b = 0; b < (int)size; b++)
                ck_assert_msg(out[b] == (uint8_t)(want * 31u + (unsigned)b),
                              "record %u byte %d: %u", want, b, out[b]);
            if (size < sizeof out)
                ck_assert_uint_eq(out[size], 0); /* no byte more was copied */
            want++;
        }
    }
    for (k = cap * size; k < sizeof G.q_buf; k++)
        ck_assert_msg(G.q_buf[k] == 0xee, "byte %u past the storage was written", (unsigned)k);
    for (k = 0; k < sizeof G.canary; k++)
        ck_assert_uint_eq(G.canary[k], 0x5a);
}

START_TEST(test_queue_fifo_edges)
{
    queue_roundtrip(1, 1, 5, 1);
    queue_roundtrip(1, 2, 7, 2);
    queue_roundtrip(3, 5, 11, 3);  /* 3-byte records, bursts misaligned with 5 */
    queue_roundtrip(17, 7, 13, 4); /* 17-byte records */
    queue_roundtrip(17, 8, 9, 8);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_queue_producer_consumer)
{
    /* a producer puts 6 records into a queue of 2 records of 3 bytes; the
     * consumer starts at +10 and takes one every 3 ticks. Records arrive in
     * order, each put that found the queue full ends when a get freed its
     * slot, in the same tick */
    int vals[8];
    uint32_t ticks[8];
    static const int recs[6] = {40, 41, 42, 43, 44, 45};
    static const uint32_t put_at[6] = {0, 0, 10, 13, 16, 19};
    static const uint32_t get_at[6] = {10, 13, 16, 19, 22, 25};
    int k;
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 3, 2), COOP_OK);
    J[0].n = 6;
    J[0].base = 40;
    J[1].n = 6;
    J[1].delay = 10;
    J[1].gap = 3;
    spawn(0, putter_fn);
    spawn(1, getter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 6 + 6 + 6 + 6 + 2); /* WAIT, DONE each record, FIN each task */
    {
        size_t k2, m = 0;
        for (k2 = 0; k2 < nev; k2++) {
            if (evs[k2].id != 0 || evs[k2].what != EV_DONE)
                continue;
            vals[m] = evs[k2].val;
            ticks[m++] = (uint32_t)coop_tick_diff(evs[k2].tick, g_t0);
        }
        ck_assert_uint_eq(m, 6);
    }
    for (k = 0; k < 6; k++) {
        ck_assert_int_eq(vals[k], recs[k]);
        ck_assert_msg(ticks[k] == put_at[k], "put %d at +%u, expected +%u", k, ticks[k],
                      put_at[k]);
    }
    {
        size_t k2, m = 0;
        for (k2 = 0; k2 < nev; k2++) {
            if (evs[k2].id != 1 || evs[k2].what != EV_DONE)
                continue;
            vals[m] = evs[k2].val;
            ticks[m++] = (uint32_t)coop_tick_diff(evs[k2].tick, g_t0);
        }
        ck_assert_uint_eq(m, 6);
    }
    for (k = 0; k < 6; k++) {
        ck_assert_int_eq(vals[k], recs[k]);
        ck_assert_msg(ticks[k] == get_at[k], "get %d at +%u, expected +%u", k, ticks[k],
                      get_at[k]);
    }
    ck_assert_uint_eq(J[1].rec[1], 45); /* every byte of the 3 */
    ck_assert_uint_eq(J[1].rec[2], 45);
    ck_assert_uint_eq(J[1].rec[3], 0);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_queue_getters_fifo)
{
    /* three getters queue at +3, +1, +2 on an empty queue of 4; at +5 the
     * actor puts 3 records and at once tries to get one: COOP_EAGAIN (all
     * are kept for the woken getters). They get 60, 61, 62 in the order they
     * came (1, 2, 0), at +5 */
    static const uint32_t delays[3] = {3, 1, 2};
    static const struct step script[] = {
        {5, A_PUT, 60}, {5, A_PUT, 61}, {5, A_PUT, 62}, {5, A_GET, 0}};
    static const int order[3] = {1, 2, 0};
    static const int recs[3] = {60, 61, 62};
    int ids[8], vals[8];
    uint32_t ticks[8];
    int k;
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 1, 4), COOP_OK);
    for (k = 0; k < 3; k++) {
        J[k].delay = delays[k];
        J[k].n = 1;
        spawn(k, getter_fn);
    }
    spawn_actor(ACT, script, 4, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(act_rc(A_PUT, 0) | act_rc(A_PUT, 1) | act_rc(A_PUT, 2), COOP_OK);
    ck_assert_int_eq(act_rc(A_GET, 0), COOP_EAGAIN);
    ck_assert_uint_eq(select_ev(EV_DONE, ids, vals, ticks, 8), 3);
    expect_ints(ids, order, 3, "getter order");
    expect_ints(vals, recs, 3, "records");
    for (k = 0; k < 3; k++)
        ck_assert_uint_eq(ticks[k], 5);
    ck_assert_uint_eq(coop_queue_count(&G.q), 0);
    ck_assert_uint_eq(G.q.getters.woken, 0);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_queue_putters_fifo)
{
    /* a full queue of 2 (100, 101); putters of 70 and 80 queue at +2 and +1.
     * At +5 the actor gets two records (100, 101) and at once tries to put
     * one: COOP_EAGAIN (both free slots are kept for the woken putters).
     * The queue then holds 80, 70: the putters' order. */
    static const struct step script[] = {{5, A_GET, 0}, {5, A_GET, 0}, {5, A_PUT, 99}};
    uint8_t r;
    int ids[8];
    static const int order[2] = {1, 0};
    for (r = 100; r < 102; r++)
        ck_assert_int_eq(coop_queue_try_put(&G.q, &r), COOP_OK);
    J[0].delay = 2;
    J[0].n = 1;
    J[0].base = 70;
    J[1].delay = 1;
    J[1].n = 1;
    J[1].base = 80;
    spawn(0, putter_fn);
    spawn(1, putter_fn);
    spawn_actor(ACT, script, 3, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[ACT].ngot, 2);
    ck_assert_uint_eq(J[ACT].got[0], 100);
    ck_assert_uint_eq(J[ACT].got[1], 101);
    ck_assert_int_eq(act_rc(A_PUT, 0), COOP_EAGAIN);
    ck_assert_uint_eq(select_ev(EV_DONE, ids, NULL, NULL, 8), 2);
    expect_ints(ids, order, 2, "putter order");
    ck_assert_uint_eq(coop_queue_count(&G.q), 2);
    ck_assert_int_eq(coop_queue_try_get(&G.q, &r), COOP_OK);
    ck_assert_uint_eq(r, 80);
    ck_assert_int_eq(coop_queue_try_get(&G.q, &r), COOP_OK);
    ck_assert_uint_eq(r, 70);
    ck_assert_uint_eq(G.q.putters.woken, 0);
    EXPECT_NO_ASSERT();
}
END_TEST

/* 17 bytes: an odd size, no padding */
struct rec17 {
    uint8_t b[17];
};
COOP_QUEUE_DEFINE(static_q, struct rec17, 4);

static coop_status_t static_getter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < j->n; j->i++) {
        AWAIT_GET(&static_q, j->rec);
        log_ev(j->id, EV_DONE, j->rec[0] + j->rec[16]);
    }
    ASYNC_END;
}

START_TEST(test_queue_define)
{
    /* a static queue from COOP_QUEUE_DEFINE is ready without init: 4
     * records of 17 bytes, FIFO, full at 4; a task waits on it */
    struct rec17 r;
    int k;
    while (coop_queue_try_get(&static_q, &r) == COOP_OK) /* (CK_FORK=no: empty it) */
        ;
    ck_assert_uint_eq(sizeof(struct rec17), 17);
    ck_assert_uint_eq(static_q.record_size, 17);
    ck_assert_uint_eq(static_q.capacity, 4);
    ck_assert_uint_eq(coop_queue_count(&static_q), 0);
    ck_assert_uint_eq(sizeof static_q_storage, 4 * 17);
    for (k = 0; k < 5; k++) {
        memset(&r, 10 + k, sizeof r);
        ck_assert_int_eq(coop_queue_try_put(&static_q, &r), k < 4 ? COOP_OK : COOP_EAGAIN);
    }
    for (k = 0; k < 4; k++) {
        memset(&r, 0, sizeof r);
        ck_assert_int_eq(coop_queue_try_get(&static_q, &r), COOP_OK);
        ck_assert_uint_eq(r.b[0], 10 + k);
        ck_assert_uint_eq(r.b[16], 10 + k);
    }
    J[0].n = 2;
    spawn(0, static_getter_fn);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(3)), COOP_ETIMEDOUT); /* it waits */
    memset(&r, 7, sizeof r);
    ck_assert_int_eq(coop_queue_try_put(&static_q, &r), COOP_OK);
    memset(&r, 8, sizeof r);
    ck_assert_int_eq(coop_queue_try_put(&static_q, &r), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(0, 0, EV_DONE, 14, 3);
    expect_ev(1, 0, EV_DONE, 16, 3);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_queue_zero_sized)
{
    /* a queue of zero records (or of zero-byte records): init fails with
     * COOP_EINVAL and an assert; a get or put on it ends at once with an
     * assert instead of waiting forever */
    uint8_t r = 1;
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 1, 0), COOP_EINVAL);
    EXPECT_ASSERT("capacity");
    J[0].n = 1;
    spawn(0, getter_fn);
    J[1].n = 1;
    spawn(1, putter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].body, 1);
    ck_assert_int_eq(J[1].body, 1);
    ck_assert_uint_eq(coop_port_now(), T0);
    EXPECT_ASSERTS(2, "not initialised or was destroyed");
    ck_assert_int_eq(coop_queue_try_put(&G.q, &r), COOP_EINVAL);
    EXPECT_ASSERT("not initialised");

    reset();
    ck_assert_int_eq(coop_queue_init(&G.q, G.q_buf, 0, 2), COOP_EINVAL);
    EXPECT_ASSERT("record size");
    J[0].n = 1;
    spawn(0, getter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].body, 1);
    EXPECT_ASSERT("not initialised or was destroyed");
}
END_TEST

START_TEST(test_queue_destroyed)
{
    /* two getters wait on an empty queue; destroyed at +5: both wake at +5,
     * each wait ends with an assert; a try_put afterwards asserts too */
    static const struct step script[] = {{5, A_Q_DESTROY, 0}, {6, A_PUT, 1}};
    int ids[8];
    uint32_t ticks[8];
    J[0].n = 1;
    J[1].n = 1;
    spawn(0, getter_fn);
    spawn(1, getter_fn);
    spawn_actor(ACT, script, 2, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(select_ev(EV_DONE, ids, NULL, ticks, 8), 2);
    ck_assert_int_eq(ids[0], 0);
    ck_assert_int_eq(ids[1], 1);
    ck_assert_uint_eq(ticks[0], 5);
    ck_assert_uint_eq(ticks[1], 5);
    ck_assert_int_eq(act_rc(A_PUT, 0), COOP_EINVAL);
    EXPECT_ASSERTS(3, "not initialised or was destroyed");

    /* a putter waiting on a full queue, destroyed at +5 */
    reset();
    {
        static const struct step script2[] = {{5, A_Q_DESTROY, 0}};
        uint8_t r = 9;
        ck_assert_int_eq(coop_queue_try_put(&G.q, &r), COOP_OK);
        ck_assert_int_eq(coop_queue_try_put(&G.q, &r), COOP_OK);
        J[0].n = 1;
        J[0].base = 3;
        spawn(0, putter_fn);
        spawn_actor(ACT, script2, 1, act);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        expect_ev(2, 0, EV_DONE, 3, 5);
        ck_assert_uint_eq(coop_queue_count(&G.q), 2); /* its record did not go in */
        EXPECT_ASSERT("not initialised or was destroyed");
    }
}
END_TEST

/* Get one record, then log whether the wake mark is still on the task. */
static coop_status_t marked_getter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_GET(&G.q, j->rec);
    log_ev(j->id, EV_DONE, task->u.q.waitq != NULL);
    ASYNC_END;
}

START_TEST(test_queue_destroyed_woken_getter)
{
    /* Two getters wait; at +5 the actor puts a record (kept for J[0],
     * woken) and destroys the queue in the same pass. J[0]'s wait ends with
     * the assert and consumes its wake: no mark of the queue stays on the
     * task (u.q.waitq) and the queue counts no woken getter. (Found by this
     * test: the misuse path of the queue's wait ops returned COOP_DONE
     * without coop_priv_woke(), so a later cancel of J[0] while ready would
     * have decremented the queue's count and woken one of its getters.) */
    static const struct step script[] = {{5, A_PUT, 4}, {5, A_Q_DESTROY, 0}};
    spawn(0, marked_getter_fn);
    spawn(1, marked_getter_fn);
    spawn_actor(ACT, script, 2, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERTS(2, "not initialised or was destroyed");
    ck_assert_int_eq(count_ev(0, EV_DONE), 1);
    ck_assert_int_eq(count_ev(1, EV_DONE), 1);
    ck_assert_msg(G.q.getters.woken == 0, "the destroyed queue still counts %u woken getter(s)",
                  (unsigned)G.q.getters.woken);
    ck_assert_msg(evs[nev - 2].val == 0 && evs[nev - 1].val == 0,
                  "a getter kept its wake mark after its wait ended");
}
END_TEST

/* Many waiters: more than 255 woken at once. */
#define NMANY 300
static struct job many[NMANY];
static uint8_t many_buf[NMANY * 2];

static coop_status_t many_getter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_GET(&G.q, j->rec);
    j->body = 1;
    ASYNC_END;
}

/* At +5: put NMANY records 0, 1, ... (2 bytes each), then try a get. */
static coop_status_t many_putter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    int k;
    uint8_t r[2];
    ASYNC(task);
    AWAIT_SLEEP_TICKS(5);
    for (k = 0; k < NMANY; k++) {
        r[0] = (uint8_t)(k & 0xff);
        r[1] = (uint8_t)(k >> 8);
        if (coop_queue_try_put(&G.q, r) != COOP_OK)
            j->fin = 1000 + k; /* (never: room for all) */
    }
    j->body = coop_queue_try_get(&G.q, r); /* all kept for the woken getters */
    ASYNC_END;
}

START_TEST(test_queue_many_getters)
{
    /* More than 255 waiters woken in one pass. 300 getters wait on an empty
     * queue of 300; at +5 the actor puts 300 records and then tries to get
     * one: COOP_EAGAIN (all are kept for the woken getters), and each getter
     * gets its own record, in order. (This failed while coop_waitq_t.woken
     * was a uint8_t: the count of kept records wrapped, 300 -> 44, the
     * actor's get barged and a woken getter found nothing: the loop ended
     * in COOP_EDEADLK.) */
    int k;
    memset(many, 0, sizeof many);
    ck_assert_int_eq(coop_queue_init(&G.q, many_buf, 2, NMANY), COOP_OK);
    for (k = 0; k < NMANY; k++)
        ck_assert_int_eq(coop_task_spawn(&g_loop, &many[k].task, many_getter_fn), COOP_OK);
    spawn(0, many_putter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].fin, 0);
    ck_assert_msg(J[0].body == COOP_EAGAIN,
                  "a get after waking %d getters barged (rc %d): the woken count wrapped", NMANY,
                  J[0].body);
    for (k = 0; k < NMANY; k++) {
        ck_assert_int_eq(many[k].body, 1);
        ck_assert_msg(many[k].rec[0] + 256 * many[k].rec[1] == k, "getter %d got record %d", k,
                      many[k].rec[0] + 256 * many[k].rec[1]);
    }
    ck_assert_uint_eq(coop_queue_count(&G.q), 0);
    ck_assert_uint_eq(G.q.getters.woken, 0);
    EXPECT_NO_ASSERT();
}
END_TEST

/* ------------------------------------------------------------ handoff */

/* Per kind (lock, semaphore, queue put, queue get): how the actor gives a
 * unit, and how it tries to take one. */
static const int handoff_give[4] = {A_LOCK_REL, A_SEM_REL, A_GET, A_PUT};
static const int handoff_try[4] = {A_LOCK_TRY, A_SEM_TRY, A_PUT, A_GET};
static const char *const handoff_name[4] = {"lock", "semaphore", "queue put", "queue get"};

static void handoff_setup(int kind)
{
    uint8_t r;
    coop_task_fn fn = kind == 0 ? locker_fn : kind == 1 ? sem_fn : kind == 2 ? putter_fn
                                                                               : getter_fn;
    if (kind == 0)
        G.lock.owner = &J[ACT].task; /* the actor holds the lock */
    if (kind == 2)
        for (r = 100; r < 102; r++)
            ck_assert_int_eq(coop_queue_try_put(&G.q, &r), COOP_OK); /* full */
    J[0].n = 1;
    J[0].base = 50;
    J[1].n = 1;
    J[1].base = 51;
    J[1].delay = 1; /* behind J[0] */
    spawn(0, fn);
    spawn(1, fn);
}

START_TEST(test_handoff_cancel_passes_on)
{
    /* J[0] and J[1] wait; at +5 the actor gives one unit (it is kept for
     * J[0], woken) and cancels J[0] in the same pass, before it runs: the
     * unit passes to J[1], who gets it at +5. J[0] runs only its FINALLY. */
    int kind = _i;
    struct step script[2];
    script[0].at = 5;
    script[0].act = handoff_give[kind];
    script[0].arg = 77;
    script[1].at = 5;
    script[1].act = A_CANCEL;
    script[1].arg = 0;
    handoff_setup(kind);
    spawn_actor(ACT, script, 2, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(act_rc(handoff_give[kind], 0), COOP_OK);
    ck_assert_int_eq(act_rc(A_CANCEL, 0), COOP_OK);
    ck_assert_msg(count_ev(0, kind < 2 ? EV_ACQ : EV_DONE) == 0,
                  "%s: the cancelled waiter took the unit", handoff_name[kind]);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_int_eq(J[0].fin, 1);
    ck_assert_msg(count_ev(1, kind < 2 ? EV_ACQ : EV_DONE) == 1,
                  "%s: the next waiter did not get the unit (lost)", handoff_name[kind]);
    ck_assert_uint_eq(evs[nev - 1].tick, at(5));
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
    if (kind == 0)
        ck_assert_ptr_eq(G.lock.owner, &J[1].task);
    if (kind == 1)
        ck_assert_uint_eq(coop_sem_count(&G.sem), 0);
    if (kind == 2) {
        uint8_t r;
        ck_assert_uint_eq(coop_queue_count(&G.q), 2);
        ck_assert_int_eq(coop_queue_try_get(&G.q, &r), COOP_OK);
        ck_assert_int_eq(coop_queue_try_get(&G.q, &r), COOP_OK);
        ck_assert_uint_eq(r, 51); /* J[1]'s record, after 101 */
    }
    if (kind == 3) {
        ck_assert_uint_eq(J[1].rec[0], 77);
        ck_assert_uint_eq(coop_queue_count(&G.q), 0);
    }
    ck_assert_uint_eq(G.lock.waiters.woken + G.sem.waiters.woken + G.q.putters.woken +
                          G.q.getters.woken,
                      0);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_handoff_cancel_frees_unit)
{
    /* one waiter; at +5 the actor gives a unit, tries to take it back
     * (COOP_EAGAIN: kept for the woken waiter), cancels the waiter, tries
     * again: COOP_OK (no waiter is left: the unit is free again) */
    int kind = _i;
    struct step script[4];
    int k;
    for (k = 0; k < 4; k++) {
        script[k].at = 5;
        script[k].arg = 33;
    }
    script[0].act = handoff_give[kind];
    script[1].act = handoff_try[kind];
    script[2].act = A_CANCEL;
    script[2].arg = 0;
    script[3].act = handoff_try[kind];
    handoff_setup(kind);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK); /* one waiter only */
    spawn_actor(ACT, script, 4, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(act_rc(handoff_give[kind], 0), COOP_OK);
    ck_assert_int_eq(act_rc(handoff_try[kind], 0), COOP_EAGAIN);
    ck_assert_int_eq(act_rc(A_CANCEL, 0), COOP_OK);
    ck_assert_msg(act_rc(handoff_try[kind], 1) == COOP_OK,
                  "%s: the unit kept for the cancelled waiter was not freed", handoff_name[kind]);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_int_eq(count_ev(0, kind < 2 ? EV_ACQ : EV_DONE), 0);
    if (kind == 0)
        ck_assert_ptr_eq(G.lock.owner, &J[ACT].task);
    if (kind == 1)
        ck_assert_uint_eq(coop_sem_count(&G.sem), 0);
    if (kind == 2)
        ck_assert_uint_eq(coop_queue_count(&G.q), 2);
    if (kind == 3) {
        ck_assert_int_eq(J[ACT].ngot, 1);
        ck_assert_uint_eq(J[ACT].got[0], 33);
    }
    ck_assert_uint_eq(G.lock.waiters.woken + G.sem.waiters.woken + G.q.putters.woken +
                          G.q.getters.woken,
                      0);
    EXPECT_NO_ASSERT();
}
END_TEST

Suite *coop_sync_suite(void);
Suite *coop_sync_suite(void)
{
    Suite *s = suite_create("sync");
    TCase *tc;

    tc = tcase_create("event");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_event_basics);
    tcase_add_test(tc, test_event_wakes_all_fifo);
    tcase_add_test(tc, test_event_set_clear_before_run);
    tcase_add_test(tc, test_event_destroyed);
    suite_add_tcase(s, tc);

    tc = tcase_create("lock");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_lock_fifo_fairness);
    tcase_add_test(tc, test_lock_misuse);
    suite_add_tcase(s, tc);

    tc = tcase_create("semaphore");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_sem_init_and_range);
    tcase_add_test(tc, test_sem_fifo_no_barging);
    suite_add_tcase(s, tc);

    tc = tcase_create("queue");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_queue_init_errors);
    tcase_add_test(tc, test_queue_fifo_edges);
    tcase_add_test(tc, test_queue_producer_consumer);
    tcase_add_test(tc, test_queue_getters_fifo);
    tcase_add_test(tc, test_queue_putters_fifo);
    tcase_add_test(tc, test_queue_define);
    tcase_add_test(tc, test_queue_zero_sized);
    tcase_add_test(tc, test_queue_destroyed);
    tcase_add_test(tc, test_queue_many_getters);
    tcase_add_test(tc, test_queue_destroyed_woken_getter);
    suite_add_tcase(s, tc);

    tc = tcase_create("handoff");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_loop_test(tc, test_handoff_cancel_passes_on, 0, 4);
    tcase_add_loop_test(tc, test_handoff_cancel_frees_unit, 0, 4);
    suite_add_tcase(s, tc);

    return s;
}
