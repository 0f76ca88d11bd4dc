/* Cancellation through child coroutines (coop/async.h, coop/sched.h).
 *
 * A task that waits inside AWAIT_CALL is cancelled: the cancel reaches the
 * innermost coroutine first, at its resume point; each coroutine's FINALLY
 * runs before its caller's, the task's own last (asyncio's CancelledError
 * rising through the awaits). A coroutine already in its FINALLY is not
 * started over; cleanup coroutines called from a FINALLY run to their end;
 * a shield in a child holds the cancel until its end; a task cancelled before
 * it ever ran skips its body. Every step is logged with its tick. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)500)
#define MAX_EV 64

enum { E_BODY = 1, E_FIN, E_FIN_END, E_STEP };

struct ev {
    char who;
    int what;
    coop_tick_t tick;
};
static struct ev evs[MAX_EV];
static size_t nev;

static void log_ev(char who, int what)
{
    ck_assert_uint_lt(nev, MAX_EV);
    evs[nev].who = who;
    evs[nev].what = what;
    evs[nev].tick = coop_now();
    nev++;
}

static void expect(size_t k, char who, int what, uint32_t at)
{
    ck_assert_uint_lt(k, nev);
    ck_assert_msg(evs[k].who == who && evs[k].what == what &&
                      evs[k].tick == coop_tick_add(T0, at),
                  "event %u: got (%c, %d, T0 + %ld), expected (%c, %d, T0 + %lu)", (unsigned)k,
                  evs[k].who, evs[k].what, (long)coop_tick_diff(evs[k].tick, T0), who, what,
                  (unsigned long)at);
}

/* A coroutine of the chain. `sleep`: its body sleeps that long (then logs
 * E_BODY); `fin_sleep`: its FINALLY sleeps that long; `call`: it first calls
 * the next coroutine of the chain; `helper`: its FINALLY calls that one
 * (a cleanup coroutine). `shield`: its sleep is shielded. */
struct co {
    coop_lc_t lc;
    char name;
    uint32_t sleep;
    uint32_t fin_sleep;
    int shield;
    struct co *call;
    struct co *helper;
};

static coop_status_t co_fn(struct co *c)
{
    ASYNC(c);
    if (c->call != NULL)
        AWAIT_CALL(c->call, co_fn(c->call));
    if (c->shield)
        SHIELD_BEGIN();
    AWAIT_SLEEP_TICKS(c->sleep);
    log_ev(c->name, E_BODY);
    if (c->shield)
        SHIELD_END();
    FINALLY;
    log_ev(c->name, E_FIN);
    if (c->fin_sleep != 0)
        AWAIT_SLEEP_TICKS(c->fin_sleep);
    if (c->helper != NULL)
        AWAIT_CALL(c->helper, co_fn(c->helper));
    log_ev(c->name, E_FIN_END);
    ASYNC_END;
}

/* The task: calls its chain's first coroutine, then logs 'T'. */
static struct {
    coop_task_t task;
    struct co *first;
} T;

static coop_status_t task_fn(coop_task_t *task)
{
    (void)task;
    ASYNC(task);
    AWAIT_CALL(T.first, co_fn(T.first));
    log_ev('T', E_BODY);
    FINALLY;
    log_ev('T', E_FIN);
    ASYNC_END;
}

/* The canceller: cancels T at `at`. */
static struct {
    coop_task_t task;
    uint32_t at;
    int rc;
} K;

static coop_status_t canceller_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_TICKS(K.at);
    K.rc = coop_task_cancel(&T.task);
    ASYNC_END;
}

static coop_loop_t g_loop;
static struct co A, B, H, G;

static void setup(void)
{
    coop_virtual_on_assert = NULL;
    coop_virtual_set(T0);
    coop_loop_init(&g_loop);
    memset(&T, 0, sizeof T);
    memset(&K, 0, sizeof K);
    memset(&A, 0, sizeof A);
    memset(&B, 0, sizeof B);
    memset(&H, 0, sizeof H);
    memset(&G, 0, sizeof G);
    A.name = 'A';
    B.name = 'B';
    H.name = 'H';
    G.name = 'G';
    nev = 0;
    coop_priv_cancels = 0;
    coop_priv_call_depth = 0;
}

static void teardown(void)
{
    coop_virtual_on_assert = NULL;
}

static void run(uint32_t cancel_at)
{
    T.first = &A;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, task_fn), COOP_OK);
    K.at = cancel_at;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &K.task, canceller_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(K.rc, COOP_OK);
    ck_assert_int_eq(coop_task_result(&T.task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_priv_cancels, 0); /* every cancel unwound */
    ck_assert_uint_eq(coop_priv_call_depth, 0);
}

START_TEST(test_cancel_unwinds_children_innermost_first)
{
    /* T -> A -> B, B sleeps 100; cancelled at 10: B's, A's, then T's
     * FINALLY, all at 10; no body runs on */
    A.call = &B;
    B.sleep = 100;
    A.sleep = 100;
    run(10);
    ck_assert_uint_eq(nev, 5);
    expect(0, 'B', E_FIN, 10);
    expect(1, 'B', E_FIN_END, 10);
    expect(2, 'A', E_FIN, 10);
    expect(3, 'A', E_FIN_END, 10);
    expect(4, 'T', E_FIN, 10);
    ck_assert_uint_eq(coop_now(), coop_tick_add(T0, 10));
}
END_TEST

START_TEST(test_finally_that_waits_keeps_its_callers_waiting)
{
    /* B's FINALLY sleeps 40: A's and T's wait for it (run at 50) */
    A.call = &B;
    B.sleep = 100;
    B.fin_sleep = 40;
    run(10);
    ck_assert_uint_eq(nev, 5);
    expect(0, 'B', E_FIN, 10);
    expect(1, 'B', E_FIN_END, 50);
    expect(2, 'A', E_FIN, 50);
    expect(3, 'A', E_FIN_END, 50);
    expect(4, 'T', E_FIN, 50);
}
END_TEST

START_TEST(test_child_in_its_finally_is_not_started_over)
{
    /* B ended its body at 5 and sleeps 40 in its FINALLY when the cancel
     * comes at 10: that FINALLY runs once, to its end at 45; then A's and
     * T's (A's body never runs on) */
    A.call = &B;
    B.sleep = 5;
    B.fin_sleep = 40;
    A.sleep = 100;
    run(10);
    ck_assert_uint_eq(nev, 6);
    expect(0, 'B', E_BODY, 5);
    expect(1, 'B', E_FIN, 5);
    expect(2, 'B', E_FIN_END, 45);
    expect(3, 'A', E_FIN, 45);
    expect(4, 'A', E_FIN_END, 45);
    expect(5, 'T', E_FIN, 45);
}
END_TEST

START_TEST(test_cleanup_coroutines_run_to_their_end)
{
    /* A's FINALLY calls H, which calls G (sleeps 5), then sleeps 5 itself:
     * the cancel that unwound B and A does not cut H or G short */
    A.call = &B;
    B.sleep = 100;
    A.helper = &H;
    H.call = &G;
    G.sleep = 5;
    H.sleep = 5;
    run(10);
    ck_assert_uint_eq(nev, 11);
    expect(0, 'B', E_FIN, 10);
    expect(1, 'B', E_FIN_END, 10);
    expect(2, 'A', E_FIN, 10);
    expect(3, 'G', E_BODY, 15);
    expect(4, 'G', E_FIN, 15);
    expect(5, 'G', E_FIN_END, 15);
    expect(6, 'H', E_BODY, 20);
    expect(7, 'H', E_FIN, 20);
    expect(8, 'H', E_FIN_END, 20);
    expect(9, 'A', E_FIN_END, 20);
    expect(10, 'T', E_FIN, 20);
}
END_TEST

START_TEST(test_shield_in_a_child_holds_the_cancel)
{
    /* B's sleep of 50 is shielded: the cancel at 10 waits for it; then
     * B's, A's and T's FINALLY at 50 */
    A.call = &B;
    B.sleep = 50;
    B.shield = 1;
    A.sleep = 100;
    run(10);
    ck_assert_uint_eq(nev, 6);
    expect(0, 'B', E_BODY, 50);
    expect(1, 'B', E_FIN, 50);
    expect(2, 'B', E_FIN_END, 50);
    expect(3, 'A', E_FIN, 50);
    expect(4, 'A', E_FIN_END, 50);
    expect(5, 'T', E_FIN, 50);
}
END_TEST

START_TEST(test_cancel_before_the_first_run_skips_the_body)
{
    /* cancelled right after spawn: the body (and its children) never run */
    T.first = &A;
    A.sleep = 5;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, task_fn), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&T.task), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    expect(0, 'T', E_FIN, 0);
    ck_assert_int_eq(coop_task_result(&T.task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_priv_cancels, 0);
}
END_TEST

START_TEST(test_three_deep_and_the_task_goes_on_after_none)
{
    /* T -> A -> B -> G (G sleeps 100): four FINALLY sections, innermost
     * first; T's body after the call never runs */
    A.call = &B;
    B.call = &G;
    G.sleep = 100;
    run(7);
    ck_assert_uint_eq(nev, 7);
    expect(0, 'G', E_FIN, 7);
    expect(1, 'G', E_FIN_END, 7);
    expect(2, 'B', E_FIN, 7);
    expect(3, 'B', E_FIN_END, 7);
    expect(4, 'A', E_FIN, 7);
    expect(5, 'A', E_FIN_END, 7);
    expect(6, 'T', E_FIN, 7);
}
END_TEST

/* Child tasks gathered by the task: cancelling the task cancels them (the
 * gather's, as asyncio.gather does); each logs its FINALLY. */
static struct kid {
    coop_task_t task;
    char name;
} kids[2];
static coop_task_t *const kid_tasks[2] = {&kids[0].task, &kids[1].task};

static coop_status_t kid_fn(coop_task_t *task)
{
    struct kid *k = COOP_CONTAINER_OF(task, struct kid, task);
    ASYNC(task);
    AWAIT_SLEEP_TICKS(100);
    log_ev(k->name, E_BODY);
    FINALLY;
    log_ev(k->name, E_FIN);
    ASYNC_END;
}

static coop_status_t gathering_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_task_spawn(&g_loop, &kids[0].task, kid_fn);
    coop_task_spawn(&g_loop, &kids[1].task, kid_fn);
    AWAIT_GATHER(kid_tasks, 2);
    log_ev('T', E_BODY);
    FINALLY;
    log_ev('T', E_FIN);
    ASYNC_END;
}

START_TEST(test_cancelled_gather_cancels_its_tasks)
{
    /* T gathers two tasks that sleep 100; T is cancelled at 10: T's FINALLY
     * at 10, and both children's (cancelled by the gather) at 10 */
    memset(kids, 0, sizeof kids);
    kids[0].name = 'x';
    kids[1].name = 'y';
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, gathering_fn), COOP_OK);
    K.at = 10;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &K.task, canceller_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 3);
    expect(0, 'T', E_FIN, 10);
    expect(1, 'x', E_FIN, 10);
    expect(2, 'y', E_FIN, 10);
    ck_assert_int_eq(coop_task_result(&kids[0].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_result(&kids[1].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_result(&T.task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_now(), coop_tick_add(T0, 10));
}
END_TEST

/* The task calls its chain under a deadline of `ms`, then logs its rc. */
static int call_rc;
static uint32_t call_ms;
static coop_status_t timed_task_fn(coop_task_t *task)
{
    (void)task;
    ASYNC(task);
    AWAIT_CALL_FOR(call_rc, call_ms, T.first, co_fn(T.first));
    log_ev('T', E_BODY);
    FINALLY;
    log_ev('T', E_FIN);
    ASYNC_END;
}

START_TEST(test_call_for_deadline_unwinds_grandchildren)
{
    /* T -> AWAIT_CALL_FOR(20 ms) A -> B, B sleeps 100: at 20 B's FINALLY,
     * then A's; the cancel stops there: rc COOP_ETIMEDOUT, T goes on */
    T.first = &A;
    A.call = &B;
    B.sleep = 100;
    A.sleep = 100;
    call_ms = 20;
    call_rc = 99;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, timed_task_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(call_rc, COOP_ETIMEDOUT);
    ck_assert_uint_eq(nev, 6);
    expect(0, 'B', E_FIN, 20);
    expect(1, 'B', E_FIN_END, 20);
    expect(2, 'A', E_FIN, 20);
    expect(3, 'A', E_FIN_END, 20);
    expect(4, 'T', E_BODY, 20);
    expect(5, 'T', E_FIN, 20);
    ck_assert_int_eq(coop_task_result(&T.task), COOP_OK);
    ck_assert_uint_eq(coop_priv_cancels, 0);
}
END_TEST

START_TEST(test_call_for_in_time_and_then_cancelled)
{
    /* the chain ends in time (B and A sleep 5 each: rc OK at 10); a cancel
     * of T while it later waits in the chain again is the task's */
    T.first = &A;
    A.call = &B;
    B.sleep = 5;
    A.sleep = 5;
    call_ms = 50;
    call_rc = 99;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, timed_task_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(call_rc, COOP_OK);
    ck_assert_uint_eq(nev, 8);
    expect(0, 'B', E_BODY, 5);
    expect(3, 'A', E_BODY, 10);
    expect(6, 'T', E_BODY, 10);
    expect(7, 'T', E_FIN, 10);
    ck_assert_uint_eq(coop_priv_cancels, 0);

    /* cancelled at 3, under the deadline: the task's cancel goes all the
     * way up (B, A, then T's FINALLY; T's body never runs on) */
    setup();
    T.first = &A;
    A.call = &B;
    B.sleep = 100;
    call_ms = 50;
    call_rc = 99;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, timed_task_fn), COOP_OK);
    K.at = 3;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &K.task, canceller_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 5);
    expect(0, 'B', E_FIN, 3);
    expect(2, 'A', E_FIN, 3);
    expect(4, 'T', E_FIN, 3);
    ck_assert_int_eq(call_rc, 99); /* AWAIT_CALL_FOR never ended */
    ck_assert_int_eq(coop_task_result(&T.task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_priv_cancels, 0);
}
END_TEST

Suite *coop_cascade_suite(void);
Suite *coop_cascade_suite(void)
{
    Suite *s = suite_create("cascade");
    TCase *tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cancel_unwinds_children_innermost_first);
    tcase_add_test(tc, test_finally_that_waits_keeps_its_callers_waiting);
    tcase_add_test(tc, test_child_in_its_finally_is_not_started_over);
    tcase_add_test(tc, test_cleanup_coroutines_run_to_their_end);
    tcase_add_test(tc, test_shield_in_a_child_holds_the_cancel);
    tcase_add_test(tc, test_cancel_before_the_first_run_skips_the_body);
    tcase_add_test(tc, test_three_deep_and_the_task_goes_on_after_none);
    tcase_add_test(tc, test_cancelled_gather_cancels_its_tasks);
    tcase_add_test(tc, test_call_for_deadline_unwinds_grandchildren);
    tcase_add_test(tc, test_call_for_in_time_and_then_cancelled);
    suite_add_tcase(s, tc);
    return s;
}
