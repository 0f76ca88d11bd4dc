/* Deadlines and cancellation where asyncio defines the answer (issue 13):
 * each test is a case asyncio's documentation or MicroPython's asyncio tests
 * pin down, run on the virtual clock (tests/scenario.h), and names the asyncio
 * behaviour it checks. docs/asyncio.md maps each asyncio call to coop.
 *
 * Covered here: a sleep inside AWAIT_FOR (wait_for(sleep(x), t)); a shield
 * inside and around AWAIT_CALL_FOR; AWAIT_CALL_FOR with 0 (wait_for(coro, 0):
 * the coroutine never runs); a wait ended by a destroy inside AWAIT_FOR;
 * run_until at a deadline runs what the deadline's tasks woke; loop.stop()
 * and run_until_complete(task); a cancel taken with AWAIT_CALL_CATCH
 * (except CancelledError + uncancel(), Task.cancelling()); a task's result
 * (ASYNC_END_RC) and the gather that stops at the first failure. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)2000)

struct child { /* a child coroutine's state */
    coop_lc_t lc;
    int id;
    uint32_t ms, ms2;
};
struct job {
    coop_task_t task;
    int id;
    int body, fin;
    const struct step *script;
    size_t nsteps, k;
    int rc;
    uint32_t ms, ms2; /* lengths the task's body uses */
    struct child child;
};
#define SCENARIO_NJOBS 4
#define SCENARIO_MAX_EV 64
#include "scenario.h"

enum { E_SLEPT = 1, E_RC, E_CHILD_A, E_CHILD_B, E_CHILD_FIN, E_WOKE, E_SET };

static coop_event_t ev;
COOP_QUEUE_DEFINE(q, int, 2);

static void setup(void)
{
    scenario_reset(T0);
    memset(&ev, 0, sizeof ev);
    coop_event_init(&ev);
    memset(&q, 0, sizeof q);
    ck_assert_int_eq(coop_queue_init(&q, q_storage, sizeof(int), 2), COOP_OK);
}

/* ------------------------------------------------ a sleep inside AWAIT_FOR */

/* wait_for(sleep(ms), timeout=ms2): asyncio raises TimeoutError when the
 * timeout comes first; the sleep ends at the deadline. */
static coop_status_t for_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_FOR(j->rc, j->ms2, AWAIT_SLEEP_MS(j->ms));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}

START_TEST(test_for_sleep)
{
    J[0].ms = 100; /* cut at 10 */
    J[0].ms2 = 10;
    J[1].ms = 10; /* ends first */
    J[1].ms2 = 100;
    J[2].ms = 5; /* a poll */
    J[2].ms2 = 0;
    J[3].ms = 30; /* ends on the deadline's tick: the deadline was first */
    J[3].ms2 = 30;
    spawn(0, for_sleep_fn);
    spawn(1, for_sleep_fn);
    spawn(2, for_sleep_fn);
    spawn(3, for_sleep_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_RC, COOP_ETIMEDOUT, 10);
    EXPECT_EV(1, E_RC, COOP_OK, 10);
    EXPECT_EV(2, E_RC, COOP_ETIMEDOUT, 0);
    EXPECT_EV(3, E_RC, COOP_ETIMEDOUT, 30);
}
END_TEST

/* -------------------------------------- shields and AWAIT_CALL_FOR's cancel */

/* The child: a sleep of ms inside a shield, then one of ms2 outside it. */
static coop_status_t shielded_child(struct job *j)
{
    struct child *c = &j->child;
    ASYNC(c);
    SHIELD_BEGIN();
    AWAIT_SLEEP_MS(c->ms);
    log_ev(c->id, E_CHILD_A, 0);
    SHIELD_END();
    AWAIT_SLEEP_MS(c->ms2);
    log_ev(c->id, E_CHILD_B, 0);
    FINALLY;
    log_ev(c->id, E_CHILD_FIN, 0);
    ASYNC_END;
}

static coop_status_t call_shielded_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    AWAIT_CALL_FOR(j->rc, j->ms, &j->child, shielded_child(j));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}

/* asyncio.shield inside wait_for's coroutine: the timeout's cancel waits for
 * the shielded part, whose sleep keeps its length (before: it ended at the
 * deadline and the code after it ran 90 ms early); then the cancel comes. */
START_TEST(test_shield_inside_call_for)
{
    J[0].ms = 10;
    J[0].child.ms = 100;
    J[0].child.ms2 = 50;
    spawn(0, call_shielded_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_CHILD_A, 0, 100);
    ck_assert_int_eq(find_ev(0, E_CHILD_B), -1);
    EXPECT_EV(0, E_CHILD_FIN, 0, 100);
    EXPECT_EV(0, E_RC, COOP_ETIMEDOUT, 100);
}
END_TEST

/* The child: two sleeps. */
static coop_status_t two_sleeps_child(struct job *j)
{
    struct child *c = &j->child;
    ASYNC(c);
    AWAIT_SLEEP_MS(c->ms);
    log_ev(c->id, E_CHILD_A, 0);
    AWAIT_SLEEP_MS(c->ms2);
    log_ev(c->id, E_CHILD_B, 0);
    FINALLY;
    log_ev(c->id, E_CHILD_FIN, 0);
    ASYNC_END;
}

static coop_status_t shield_around_call_for_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    SHIELD_BEGIN();
    AWAIT_CALL_FOR(j->rc, j->ms, &j->child, two_sleeps_child(j));
    log_ev(j->id, E_RC, j->rc);
    SHIELD_END();
    ASYNC_END;
}

/* AWAIT_CALL_FOR inside a shield: the shield holds the deadline's cancel as
 * it holds any, so the child's sleeps keep their length and it ends
 * normally; the result says what happened: COOP_OK (before: the first sleep
 * ended at the deadline, and the caller got COOP_ETIMEDOUT from a child that
 * had finished). */
START_TEST(test_call_for_inside_shield)
{
    J[0].ms = 10;
    J[0].child.ms = 100;
    J[0].child.ms2 = 100;
    spawn(0, shield_around_call_for_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_CHILD_A, 0, 100);
    EXPECT_EV(0, E_CHILD_B, 0, 200);
    EXPECT_EV(0, E_CHILD_FIN, 0, 200);
    EXPECT_EV(0, E_RC, COOP_OK, 200);
}
END_TEST

/* ----------------------------------------------- AWAIT_CALL_FOR with 0 */

static coop_status_t call_for_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    AWAIT_CALL_FOR(j->rc, j->ms, &j->child, two_sleeps_child(j));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}

/* wait_for(coro, 0): the coroutine never runs and TimeoutError comes at
 * once (before: the child's first sleep of 37 ticks was armed as an
 * ordinary one, so the "poll" took 37 ticks). */
START_TEST(test_call_for_zero)
{
    J[0].ms = 0;
    J[0].child.ms = 37;
    J[0].child.ms2 = 60000;
    J[1].ms = 50; /* the same with time to spare: it ends normally */
    J[1].child.ms = 37;
    J[1].child.ms2 = 3;
    spawn(0, call_for_fn);
    spawn(1, call_for_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_RC, COOP_ETIMEDOUT, 0);
    ck_assert_int_eq(count_ev(0, E_CHILD_A) + count_ev(0, E_CHILD_FIN), 0);
    EXPECT_EV(1, E_CHILD_B, 0, 40);
    EXPECT_EV(1, E_RC, COOP_OK, 40);
}
END_TEST

/* ----------------------------------------------------- destroy while waiting */

static coop_status_t for_event_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_FOR(j->rc, 100, AWAIT_EVENT(&ev));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}

static coop_status_t for_get_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->ms = 0xdead;
    AWAIT_FOR(j->rc, 100, AWAIT_GET(&q, &j->ms));
    log_ev(j->id, E_RC, j->rc);
    log_ev(j->id, E_WOKE, (int)j->ms);
    ASYNC_END;
}

static coop_status_t destroyer_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_MS(5);
    coop_event_destroy(&ev);
    coop_queue_destroy(&q);
    ASYNC_END;
}

/* A wait ended by a destroy returns a code of its own: COOP_ESHUTDOWN (asyncio
 * 3.13's Queue.shutdown: QueueShutDown), never COOP_OK with nothing taken. */
START_TEST(test_destroy_under_for)
{
    scenario_record_asserts();
    spawn(0, for_event_fn);
    spawn(1, for_get_fn);
    spawn(2, destroyer_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_RC, COOP_ESHUTDOWN, 5);
    EXPECT_EV(1, E_RC, COOP_ESHUTDOWN, 5);
    EXPECT_EV(1, E_WOKE, 0xdead, 5); /* its record is untouched */
    EXPECT_ASSERTS(2, "destroyed");
}
END_TEST

/* ---------------------------------------------- run_until at its deadline */

static coop_status_t setter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(10);
    coop_event_set(&ev);
    log_ev(j->id, E_SET, 0);
    ASYNC_END;
}

static coop_status_t waiter_then_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_EVENT(&ev);
    log_ev(j->id, E_WOKE, 0);
    AWAIT_SLEEP_MS(1000);
    ASYNC_END;
}

static coop_status_t yielder_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_MS(10); /* (before: it would keep the virtual clock from moving) */
    for (;;)
        YIELD();
    ASYNC_END;
}

/* loop.run_until_complete(sleep(10)): what is due at 10, and what that
 * readies at 10, runs before it returns (before: B, woken by A's set at
 * tick 10, ran only in a second run_until(10)). A task that only yields does
 * not keep it from returning. */
START_TEST(test_run_until_runs_what_it_woke)
{
    spawn(0, setter_fn);
    spawn(1, waiter_then_sleep_fn);
    spawn(2, yielder_fn);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(10)), COOP_ETIMEDOUT);
    EXPECT_EV(0, E_SET, 0, 10);
    EXPECT_EV(1, E_WOKE, 0, 10);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
}
END_TEST

/* ------------------------------------------------------------ loop control */

enum { E_STOP = 20, E_LATER, E_OTHER };

static coop_status_t stopper_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(10);
    coop_loop_stop(coop_task_loop(task));
    log_ev(j->id, E_STOP, 0);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, E_LATER, 0);
    ASYNC_END;
}

static coop_status_t sleeper_ms_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, E_OTHER, 0);
    ASYNC_END;
}

/* loop.stop(): the run returns before its next pass; the tasks stay as they
 * are, and the next run goes on with them. */
START_TEST(test_loop_stop)
{
    J[1].ms = 15;
    spawn(0, stopper_fn);
    spawn(1, sleeper_ms_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_ESTOPPED);
    ck_assert_uint_eq(coop_now(), at(10));
    EXPECT_EV(0, E_STOP, 0, 10);
    ck_assert_int_eq(nev, 1);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK); /* run again */
    EXPECT_EV(1, E_OTHER, 0, 15);
    EXPECT_EV(0, E_LATER, 0, 20);
    /* asked before a run: it returns before its first pass */
    spawn(2, sleeper_ms_fn);
    coop_loop_stop(&g_loop);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_ESTOPPED);
    ck_assert_int_eq(count_ev(2, E_OTHER), 0);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(2, E_OTHER), 1);
}
END_TEST

/* loop.run_until_complete(task): until that task ends, with its result; the
 * others go on at the next run. */
START_TEST(test_run_task)
{
    J[0].ms = 10;
    J[1].ms = 100;
    J[2].ms = 50;
    spawn(0, sleeper_ms_fn);
    spawn(1, sleeper_ms_fn);
    spawn(2, sleeper_ms_fn);
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[0].task), COOP_OK);
    ck_assert_uint_eq(coop_now(), at(10));
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_EAGAIN);
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[2].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[0].task), COOP_OK); /* ended already */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(1, E_OTHER, 0, 100);
    scenario_record_asserts();
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[3].task), COOP_EINVAL);
    EXPECT_ASSERT("never spawned");
}
END_TEST

/* -------------------------------------------- two sleeps, two clocks */

enum { E_TICK = 30 };

/* A periodic task whose every turn works 3 ticks before it sleeps 10: with
 * AWAIT_SLEEP_TICKS it wakes every 10 ticks exactly (the work is absorbed:
 * drift-free, for blinking); with AWAIT_DELAY_TICKS (asyncio.sleep: counts
 * from the call) every 13. */
static coop_status_t worker_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->k = 0; j->k < 4; j->k++) {
        coop_virtual_advance(3); /* work that takes 3 ticks */
        if (j->ms == 0)
            AWAIT_SLEEP_TICKS(10);
        else
            AWAIT_DELAY_TICKS(10);
        log_ev(j->id, E_TICK, (int)j->k);
    }
    ASYNC_END;
}

START_TEST(test_sleep_and_delay)
{
    static const uint32_t sleep_at[4] = {10, 20, 30, 40}, delay_at[4] = {13, 26, 39, 52};
    int k;
    J[0].ms = 0; /* AWAIT_SLEEP_TICKS */
    spawn(0, worker_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    for (k = 0; k < 4; k++)
        expect_ev((size_t)k, 0, E_TICK, k, sleep_at[k]);
    setup();
    J[0].ms = 1; /* AWAIT_DELAY_TICKS */
    spawn(0, worker_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    for (k = 0; k < 4; k++)
        expect_ev((size_t)k, 0, E_TICK, k, delay_at[k]);
}
END_TEST

/* ------------------------------------------- a cancel the task takes */

enum { E_CAUGHT = 40, E_CANCEL_RC, E_CANCELLING, E_INNER_FIN, E_TURN, E_ENDED };

/* The grandchild: sleeps ms2; logs its FINALLY. */
struct inner {
    coop_lc_t lc;
    int id;
    uint32_t ms;
};
static struct inner inners[SCENARIO_NJOBS];

static coop_status_t inner_child(struct inner *c)
{
    ASYNC(c);
    AWAIT_SLEEP_MS(c->ms);
    FINALLY;
    log_ev(c->id, E_INNER_FIN, 0);
    ASYNC_END;
}

/* The child: awaits the grandchild (if ms2), or sleeps ms; its FINALLY
 * sleeps ms2 when told to (fin_ms) and logs. */
static uint32_t child_fin_ms;
static coop_status_t catch_child(struct job *j)
{
    struct child *c = &j->child;
    ASYNC(c);
    if (c->ms2 != 0) {
        inners[c->id].id = c->id;
        inners[c->id].ms = c->ms2;
        AWAIT_CALL(&inners[c->id], inner_child(&inners[c->id]));
    } else {
        AWAIT_SLEEP_MS(c->ms);
    }
    log_ev(c->id, E_CHILD_A, 0);
    FINALLY;
    if (child_fin_ms != 0)
        AWAIT_SLEEP_MS(child_fin_ms);
    log_ev(c->id, E_CHILD_FIN, 0);
    ASYNC_END;
}

/* A retry loop that survives cancels: j->ms2 turns of the child under
 * AWAIT_CALL_CATCH, each logging its rc; then a sleep of 5; then the end. */
static coop_status_t catcher_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    for (j->k = 0; j->k < j->ms2; j->k++) {
        AWAIT_CALL_CATCH(j->rc, &j->child, catch_child(j));
        log_ev(j->id, j->rc == COOP_ECANCELED ? E_CAUGHT : E_TURN, j->rc);
        log_ev(j->id, E_CANCELLING, coop_task_cancelling(task));
    }
    AWAIT_SLEEP_MS(5);
    log_ev(j->id, E_ENDED, 0);
    FINALLY;
    j->fin++;
    ASYNC_END;
}

enum { A_CANCEL = 1 };
static bool cancel_act(struct job *a, const struct step *s)
{
    int rc = coop_task_cancel(&J[s->arg].task);
    log_ev(a->id, E_CANCEL_RC, rc);
    log_ev(a->id, E_CANCELLING, coop_task_cancelling(&J[s->arg].task));
    return true;
}

/* try: await child() except CancelledError: ... (and Task.uncancel()): the
 * child's FINALLY runs, then the task goes on with COOP_ECANCELED and ends
 * normally; a second cancel is taken the same way (asyncio: cancel() is True
 * again once the task uncancelled), and a turn with no cancel is COOP_OK. */
START_TEST(test_catch_cancel)
{
    static const struct step script[] = {{10, A_CANCEL, 0}, {20, A_CANCEL, 0}};
    J[0].child.ms = 100;
    J[0].ms2 = 3; /* three turns: cancelled at 10, at 20, then a full one */
    spawn(0, catcher_fn);
    spawn_actor(3, script, 2, cancel_act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(0, 3, E_CANCEL_RC, COOP_OK, 10);
    expect_ev(1, 3, E_CANCELLING, 1, 10);
    expect_ev(2, 0, E_CHILD_FIN, 0, 10); /* the child's FINALLY first */
    expect_ev(3, 0, E_CAUGHT, COOP_ECANCELED, 10);
    expect_ev(4, 0, E_CANCELLING, 0, 10);
    expect_ev(5, 3, E_CANCEL_RC, COOP_OK, 20); /* not EALREADY: it was taken */
    expect_ev(6, 3, E_CANCELLING, 1, 20);
    expect_ev(7, 0, E_CHILD_FIN, 0, 20);
    expect_ev(8, 0, E_CAUGHT, COOP_ECANCELED, 20);
    expect_ev(9, 0, E_CANCELLING, 0, 20);
    expect_ev(10, 0, E_CHILD_A, 0, 120);
    expect_ev(11, 0, E_CHILD_FIN, 0, 120);
    expect_ev(12, 0, E_TURN, COOP_OK, 120);
    expect_ev(13, 0, E_CANCELLING, 0, 120);
    expect_ev(14, 0, E_ENDED, 0, 125);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK); /* ended normally */
    ck_assert_int_eq(J[0].fin, 1);
}
END_TEST

/* The cancel reaches the innermost coroutine first: the grandchild's FINALLY,
 * then the child's, then the catch. A cancel that comes while the child is
 * in its FINALLY (which sleeps 10) lets that section finish, then is taken. */
START_TEST(test_catch_unwinds_children)
{
    static const struct step script[] = {{10, A_CANCEL, 0}};
    J[0].child.ms2 = 100; /* through the grandchild */
    J[0].ms2 = 1;
    spawn(0, catcher_fn);
    spawn_actor(3, script, 1, cancel_act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(2, 0, E_INNER_FIN, 0, 10);
    expect_ev(3, 0, E_CHILD_FIN, 0, 10);
    expect_ev(4, 0, E_CAUGHT, COOP_ECANCELED, 10);
    EXPECT_EV(0, E_ENDED, 0, 15);
    ck_assert_int_eq(count_ev(0, E_CHILD_A), 0);

    setup();
    {
        static const struct step late[] = {{105, A_CANCEL, 0}};
        J[0].child.ms = 100; /* ends at 100; its FINALLY sleeps to 110 */
        J[0].ms2 = 1;
        child_fin_ms = 10;
        spawn(0, catcher_fn);
        spawn_actor(3, late, 1, cancel_act);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        child_fin_ms = 0;
        EXPECT_EV(0, E_CHILD_A, 0, 100);
        EXPECT_EV(0, E_CHILD_FIN, 0, 110); /* its sleep kept its length */
        EXPECT_EV(0, E_CAUGHT, COOP_ECANCELED, 110);
        EXPECT_EV(0, E_ENDED, 0, 115);
    }
}
END_TEST

/* A cancel held by a shield in the child (shielded_child, above) is taken
 * once the shield ends. */
static coop_status_t shield_catcher_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    AWAIT_CALL_CATCH(j->rc, &j->child, shielded_child(j));
    log_ev(j->id, E_CAUGHT, j->rc);
    AWAIT_SLEEP_MS(5);
    log_ev(j->id, E_ENDED, 0);
    ASYNC_END;
}
START_TEST(test_catch_after_shield)
{
    static const struct step script[] = {{10, A_CANCEL, 0}};
    J[0].child.ms = 30;
    J[0].child.ms2 = 100;
    spawn(0, shield_catcher_fn);
    spawn_actor(3, script, 1, cancel_act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_CHILD_A, 0, 30); /* the shielded sleep kept its length */
    ck_assert_int_eq(count_ev(0, E_CHILD_B), 0);
    EXPECT_EV(0, E_CHILD_FIN, 0, 30);
    EXPECT_EV(0, E_CAUGHT, COOP_ECANCELED, 30);
    EXPECT_EV(0, E_ENDED, 0, 35);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

/* A catch does not take AWAIT_CALL_FOR's timeout (asyncio's wait_for would
 * have its CancelledError caught here and never time out): the deadline's
 * cancel passes through the catch to its own AWAIT_CALL_FOR. */
struct outer {
    coop_lc_t lc;
    int rc;
    struct job *j;
};
static struct outer outer0;
static coop_status_t outer_catching(struct outer *o)
{
    ASYNC(o);
    AWAIT_CALL_CATCH(o->rc, &o->j->child, catch_child(o->j));
    log_ev(o->j->id, E_CAUGHT, o->rc); /* never: the timeout is not taken */
    FINALLY;
    log_ev(o->j->id, E_INNER_FIN, 1);
    ASYNC_END;
}

static coop_status_t timed_catcher_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    outer0.j = j;
    AWAIT_CALL_FOR(j->rc, 10, &outer0, outer_catching(&outer0));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}

START_TEST(test_catch_lets_timeout_through)
{
    J[0].child.ms = 100;
    spawn(0, timed_catcher_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(0, 0, E_CHILD_FIN, 0, 10);
    expect_ev(1, 0, E_INNER_FIN, 1, 10);
    expect_ev(2, 0, E_RC, COOP_ETIMEDOUT, 10);
    ck_assert_int_eq(count_ev(0, E_CAUGHT), 0);
}
END_TEST

/* A cancel taken inside AWAIT_CALL_FOR's child ends that deadline too (the
 * documented limit: one deadline at a time, and the cancel took it): the
 * child goes on past it and the AWAIT_CALL_FOR ends with COOP_OK. */
static struct outer outer1;
static coop_status_t outer_catch_then_sleep(struct outer *o)
{
    ASYNC(o);
    AWAIT_CALL_CATCH(o->rc, &o->j->child, catch_child(o->j));
    log_ev(o->j->id, E_CAUGHT, o->rc);
    AWAIT_SLEEP_MS(100);
    log_ev(o->j->id, E_TURN, 0);
    ASYNC_END;
}
static coop_status_t timed_catch_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    outer1.j = j;
    AWAIT_CALL_FOR(j->rc, 50, &outer1, outer_catch_then_sleep(&outer1));
    log_ev(j->id, E_RC, j->rc);
    ASYNC_END;
}
START_TEST(test_catch_ends_call_for_deadline)
{
    static const struct step script[] = {{10, A_CANCEL, 0}};
    J[0].child.ms = 100;
    spawn(0, timed_catch_sleep_fn);
    spawn_actor(3, script, 1, cancel_act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_CHILD_FIN, 0, 10);
    EXPECT_EV(0, E_CAUGHT, COOP_ECANCELED, 10);
    EXPECT_EV(0, E_TURN, 0, 110);
    EXPECT_EV(0, E_RC, COOP_OK, 110);
}
END_TEST

/* Without the catch, the same cancel ends the task as cancelled (the
 * control for the tests above). */
static coop_status_t plain_caller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.id = j->id;
    AWAIT_CALL(&j->child, catch_child(j));
    log_ev(j->id, E_TURN, 0);
    FINALLY;
    j->fin++;
    ASYNC_END;
}

START_TEST(test_uncaught_cancel_ends_task)
{
    static const struct step script[] = {{10, A_CANCEL, 0}};
    J[0].child.ms = 100;
    spawn(0, plain_caller_fn);
    spawn_actor(3, script, 1, cancel_act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(0, E_CHILD_FIN, 0, 10);
    ck_assert_int_eq(count_ev(0, E_TURN), 0);
    ck_assert_int_eq(J[0].fin, 1);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_cancelling(&J[0].task), 0); /* ended */
}
END_TEST

/* ------------------------------------------ task results, first-error gather */

enum { E_RESULT = 60, E_GATHERED, E_WORK_FIN };

/* Sleeps ms, then ends with ASYNC_END_RC(rc) (rc is set at the start: a
 * FINALLY runs, then the result is read). */
static coop_status_t result_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(j->ms);
    FINALLY;
    log_ev(j->id, E_WORK_FIN, 0);
    j->fin++;
    ASYNC_END_RC(j->rc);
}

/* A child that ends with a result: its caller just goes on. */
static coop_status_t result_child(struct child *c)
{
    ASYNC(c);
    AWAIT_SLEEP_MS(c->ms);
    ASYNC_END_RC(COOP_EPERM);
}
static coop_status_t result_caller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->child.ms = 5;
    AWAIT_CALL(&j->child, result_child(&j->child));
    log_ev(j->id, E_CHILD_A, 0);
    ASYNC_END;
}

/* `return value` of a task (here an error code): coop_task_result and
 * loop.run_until_complete give it; a cancelled task's is COOP_ECANCELED. */
START_TEST(test_task_result)
{
    static const struct step script[] = {{5, A_CANCEL, 2}};
    J[0].ms = 10;
    J[0].rc = -42;
    J[1].ms = 10;
    J[1].rc = COOP_OK;
    J[2].ms = 10;
    J[2].rc = -43; /* cancelled at 5 */
    spawn(0, result_fn);
    spawn(1, result_fn);
    spawn(2, result_fn);
    spawn_actor(3, script, 1, cancel_act);
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[0].task), -42);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[0].task), -42);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[2].task), COOP_ECANCELED);
    ck_assert_int_eq(J[0].fin + J[1].fin + J[2].fin, 3);
    /* spawned again, a task's old result is gone */
    J[0].rc = COOP_OK;
    spawn(0, result_fn);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EAGAIN);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    /* a child's result does not end its caller */
    spawn(1, result_caller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(count_ev(1, E_CHILD_A), 1);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
    /* a positive result is refused: one assert, and it ends as -1 */
    scenario_record_asserts();
    J[2].ms = 1;
    J[2].rc = 3;
    spawn(2, result_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("negative code");
    ck_assert_int_eq(coop_task_result(&J[2].task), -1);
}
END_TEST

/* The gatherer: AWAIT_GATHER_FIRST_ERROR over J[0..2], logs rc. */
static coop_task_t *const group[3] = { &J[0].task, &J[1].task, &J[2].task };
static coop_status_t group_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_GATHER_FIRST_ERROR(j->rc, group, 3);
    log_ev(j->id, E_GATHERED, j->rc);
    ASYNC_END;
}

/* asyncio.TaskGroup (and gather's first exception): the first task to fail
 * gives the result and the others are cancelled; the wait lasts until
 * their FINALLY sections have run. With no failure, COOP_OK at the last end. */
START_TEST(test_gather_first_error)
{
    J[0].ms = 10;
    J[0].rc = COOP_OK;
    J[1].ms = 20;
    J[1].rc = -42; /* fails at 20 */
    J[2].ms = 100;
    J[2].rc = COOP_OK;
    spawn(0, result_fn);
    spawn(1, result_fn);
    spawn(2, result_fn);
    spawn(3, group_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(1, E_WORK_FIN, 0, 20);
    EXPECT_EV(2, E_WORK_FIN, 0, 20); /* cancelled at 20, not run to 100 */
    EXPECT_EV(3, E_GATHERED, -42, 20);
    ck_assert_int_eq(find_ev(3, E_GATHERED), (int)nev - 1); /* after C's FINALLY */
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[2].task), COOP_ECANCELED);

    setup(); /* no failure: COOP_OK when the last one ends */
    J[0].ms = 10;
    J[1].ms = 20;
    J[2].ms = 30;
    J[0].rc = J[1].rc = J[2].rc = COOP_OK;
    spawn(0, result_fn);
    spawn(1, result_fn);
    spawn(2, result_fn);
    spawn(3, group_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(3, E_GATHERED, COOP_OK, 30);
}
END_TEST

/* A task of the group cancelled from outside counts as a failure
 * (asyncio.gather: "treated as if it raised CancelledError"). */
static coop_status_t group_canceller_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_MS(5);
    (void)coop_task_cancel(&J[2].task);
    ASYNC_END;
}
static coop_task_t canceller;
START_TEST(test_gather_first_error_cancelled)
{
    J[0].ms = 10;
    J[1].ms = 20;
    J[2].ms = 30;
    J[0].rc = J[1].rc = J[2].rc = COOP_OK;
    spawn(0, result_fn);
    spawn(1, result_fn);
    spawn(2, result_fn);
    spawn(3, group_fn);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &canceller, group_canceller_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_EV(3, E_GATHERED, COOP_ECANCELED, 5);
    ck_assert_int_eq(count_ev(0, E_WORK_FIN) + count_ev(1, E_WORK_FIN) + count_ev(2, E_WORK_FIN), 3);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_ECANCELED);
}
END_TEST

/* ------------------------------------------ a turn from the program's own loop */

enum { E_POLLED = 70 };

static coop_status_t poll_blink_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->k = 0; j->k < 3; j->k++) {
        log_ev(j->id, E_POLLED, (int)j->k);
        AWAIT_SLEEP_TICKS(10);
    }
    ASYNC_END;
}

/* A super-loop (Arduino's loop()) calls coop_loop_poll: each call runs what
 * is due by the clock, once, and never sleeps (the virtual clock moves only
 * when the test moves it); coop_loop_idle_ticks says how long nothing is due. */
START_TEST(test_loop_poll)
{
    int turns = 0;
    spawn(0, poll_blink_fn);
    ck_assert_uint_eq(coop_loop_idle_ticks(&g_loop), 0); /* ready */
    ck_assert_int_eq(coop_loop_poll(&g_loop), COOP_EAGAIN);
    EXPECT_EV(0, E_POLLED, 0, 0);
    ck_assert_uint_eq(coop_loop_idle_ticks(&g_loop), 10);
    ck_assert_int_eq(coop_loop_poll(&g_loop), COOP_EAGAIN); /* nothing due: nothing runs */
    ck_assert_uint_eq(coop_port_now(), at(0));
    ck_assert_int_eq(count_ev(0, E_POLLED), 1);
    coop_virtual_advance(4);
    ck_assert_int_eq(coop_loop_poll(&g_loop), COOP_EAGAIN);
    ck_assert_uint_eq(coop_loop_idle_ticks(&g_loop), 6);
    while (coop_loop_poll(&g_loop) == COOP_EAGAIN && turns++ < 100)
        coop_virtual_advance(1); /* the program's loop: a tick a turn */
    ck_assert_int_eq(count_ev(0, E_POLLED), 3);
    expect_ev(1, 0, E_POLLED, 1, 10);
    expect_ev(2, 0, E_POLLED, 2, 20);
    ck_assert_int_eq(coop_loop_poll(&g_loop), COOP_OK); /* all ended */
    ck_assert_uint_eq(coop_loop_idle_ticks(&g_loop), COOP_TICK_MAX_WAIT);
    /* not from inside a task */
    scenario_record_asserts();
    ck_assert_int_eq(coop_loop_poll(NULL), COOP_EINVAL);
    EXPECT_ASSERT("loop is NULL");
}
END_TEST

/* ------------------------------------ a task that polls with YIELD() */

enum { E_SEEN = 80 };
static int busy_flag;

static coop_status_t busy_poller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    while (!busy_flag)
        YIELD(); /* the guide's `while not flag: await asyncio.sleep(0)` */
    log_ev(j->id, E_SEEN, 0);
    ASYNC_END;
}

static coop_status_t busy_setter_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_TICKS(3);
    busy_flag = 1;
    ASYNC_END;
}

/* On the virtual clock time passes only when the loop idles, and a poller
 * never lets it: one assert names the mistake, then the clock creeps (a tick
 * per COOP_VIRTUAL_BUSY_READS reads, 20000 in the unit tests), so the setter
 * wakes and the program ends as it would on a chip, never before tick 3. */
START_TEST(test_busy_yield)
{
    busy_flag = 0;
    scenario_record_asserts();
    spawn(0, busy_poller_fn);
    spawn(1, busy_setter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("polls with YIELD()");
    EXPECT_EV(0, E_SEEN, 0, 3);
    ck_assert_ptr_eq(coop_virtual_busy_task, &J[0].task); /* the poller, not the setter */
}
END_TEST

Suite *coop_asyncio_suite(void);
Suite *coop_asyncio_suite(void)
{
    Suite *s = suite_create("asyncio");
    TCase *tc = tcase_create("deadlines");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    tcase_add_test(tc, test_for_sleep);
    tcase_add_test(tc, test_shield_inside_call_for);
    tcase_add_test(tc, test_call_for_inside_shield);
    tcase_add_test(tc, test_call_for_zero);
    tcase_add_test(tc, test_destroy_under_for);
    tcase_add_test(tc, test_run_until_runs_what_it_woke);
    tcase_add_test(tc, test_loop_stop);
    tcase_add_test(tc, test_run_task);
    tcase_add_test(tc, test_sleep_and_delay);
    tcase_add_test(tc, test_catch_cancel);
    tcase_add_test(tc, test_catch_unwinds_children);
    tcase_add_test(tc, test_catch_lets_timeout_through);
    tcase_add_test(tc, test_catch_after_shield);
    tcase_add_test(tc, test_catch_ends_call_for_deadline);
    tcase_add_test(tc, test_uncaught_cancel_ends_task);
    tcase_add_test(tc, test_task_result);
    tcase_add_test(tc, test_gather_first_error);
    tcase_add_test(tc, test_gather_first_error_cancelled);
    tcase_add_test(tc, test_loop_poll);
    tcase_add_test(tc, test_busy_yield);
    suite_add_tcase(s, tc);
    return s;
}
