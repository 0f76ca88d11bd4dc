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

static const char *g_case = ""; /* named in expect's failure messages */

static void expect(size_t k, char who, int what, uint32_t at)
{
    ck_assert_uint_lt(k, nev);
    ck_assert_msg(evs[k].who == who && evs[k].what == what &&
                      evs[k].tick == coop_tick_add(T0, at),
                  "%sevent %u: got (%c, %d, T0 + %ld), expected (%c, %d, T0 + %lu)", g_case, (unsigned)k,
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
    g_case = "";
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

/* A chain cancelled: the coroutines' settings (the others stay zero), the
 * tick of the cancel, the whole log expected, and (if not 0) the tick the
 * loop ends at. */
struct co_setting {
    char name;     /* 'A', 'B', 'G' or 'H' */
    uint32_t sleep;
    uint32_t fin_sleep;
    int shield;
    char call;     /* the coroutine it calls first (0: none) */
    char helper;   /* the coroutine its FINALLY calls (0: none) */
};
struct entry {
    char who;
    int what;
    uint32_t at;
};
struct chain_case {
    const char *name;
    struct co_setting co[4];
    uint32_t cancel_at;
    struct entry log[12]; /* up to the first with who 0 */
    uint32_t ends_at;
};

static const struct chain_case chain_cases[] = {
    /* T -> A -> B, B sleeps 100; cancelled at 10: B's, A's, then T's
     * FINALLY, all at 10; no body runs on */
    {"cancel unwinds children innermost first: ",
     {{'A', 100, 0, 0, 'B', 0}, {'B', 100, 0, 0, 0, 0}},
     10,
     {{'B', E_FIN, 10}, {'B', E_FIN_END, 10}, {'A', E_FIN, 10}, {'A', E_FIN_END, 10},
      {'T', E_FIN, 10}},
     10},
    /* B's FINALLY sleeps 40: A's and T's wait for it (run at 50) */
    {"finally that waits keeps its callers waiting: ",
     {{'A', 0, 0, 0, 'B', 0}, {'B', 100, 40, 0, 0, 0}},
     10,
     {{'B', E_FIN, 10}, {'B', E_FIN_END, 50}, {'A', E_FIN, 50}, {'A', E_FIN_END, 50},
      {'T', E_FIN, 50}},
     0},
    /* B ended its body at 5 and sleeps 40 in its FINALLY when the cancel
     * comes at 10: that FINALLY runs once, to its end at 45; then A's and
     * T's (A's body never runs on) */
    {"child in its finally is not started over: ",
     {{'A', 100, 0, 0, 'B', 0}, {'B', 5, 40, 0, 0, 0}},
     10,
     {{'B', E_BODY, 5}, {'B', E_FIN, 5}, {'B', E_FIN_END, 45}, {'A', E_FIN, 45},
      {'A', E_FIN_END, 45}, {'T', E_FIN, 45}},
     0},
    /* A's FINALLY calls H, which calls G (sleeps 5), then sleeps 5 itself:
     * the cancel that unwound B and A does not cut H or G short */
    {"cleanup coroutines run to their end: ",
     {{'A', 0, 0, 0, 'B', 'H'}, {'B', 100, 0, 0, 0, 0}, {'H', 5, 0, 0, 'G', 0},
      {'G', 5, 0, 0, 0, 0}},
     10,
     {{'B', E_FIN, 10}, {'B', E_FIN_END, 10}, {'A', E_FIN, 10}, {'G', E_BODY, 15},
      {'G', E_FIN, 15}, {'G', E_FIN_END, 15}, {'H', E_BODY, 20}, {'H', E_FIN, 20},
      {'H', E_FIN_END, 20}, {'A', E_FIN_END, 20}, {'T', E_FIN, 20}},
     0},
    /* B's sleep of 50 is shielded: the cancel at 10 waits for it; then
     * B's, A's and T's FINALLY at 50 */
    {"shield in a child holds the cancel: ",
     {{'A', 100, 0, 0, 'B', 0}, {'B', 50, 0, 1, 0, 0}},
     10,
     {{'B', E_BODY, 50}, {'B', E_FIN, 50}, {'B', E_FIN_END, 50}, {'A', E_FIN, 50},
      {'A', E_FIN_END, 50}, {'T', E_FIN, 50}},
     0},
    /* T -> A -> B -> G (G sleeps 100): four FINALLY sections, innermost
     * first; T's body after the call never runs */
    {"three deep and the task goes on after none: ",
     {{'A', 0, 0, 0, 'B', 0}, {'B', 0, 0, 0, 'G', 0}, {'G', 100, 0, 0, 0, 0}},
     7,
     {{'G', E_FIN, 7}, {'G', E_FIN_END, 7}, {'B', E_FIN, 7}, {'B', E_FIN_END, 7},
      {'A', E_FIN, 7}, {'A', E_FIN_END, 7}, {'T', E_FIN, 7}},
     0},
};

static struct co *co_named(char name)
{
    switch (name) {
    case 'A': return &A;
    case 'B': return &B;
    case 'G': return &G;
    case 'H': return &H;
    default: return NULL;
    }
}

START_TEST(test_cancel_a_chain)
{
    /* each chain of chain_cases[_i], cancelled: the log, entry by entry */
    const struct chain_case *c = &chain_cases[_i];
    size_t k, n = 0;
    g_case = c->name;
    for (k = 0; k < 4 && c->co[k].name != 0; k++) {
        struct co *co = co_named(c->co[k].name);
        co->sleep = c->co[k].sleep;
        co->fin_sleep = c->co[k].fin_sleep;
        co->shield = c->co[k].shield;
        co->call = co_named(c->co[k].call);
        co->helper = co_named(c->co[k].helper);
    }
    run(c->cancel_at);
    while (n < 12 && c->log[n].who != 0)
        n++;
    ck_assert_msg(nev == n, "%s%u events logged, expected %u", c->name, (unsigned)nev,
                  (unsigned)n);
    for (k = 0; k < n; k++)
        expect(k, c->log[k].who, c->log[k].what, c->log[k].at);
    if (c->ends_at != 0)
        ck_assert_uint_eq(coop_now(), coop_tick_add(T0, c->ends_at));
}
END_TEST

START_TEST(test_cancel_before_the_first_run_runs_nothing)
{
    /* cancelled right after spawn: the body, its children and its FINALLY
     * never run (asyncio: a task cancelled before it starts runs no code) */
    T.first = &A;
    A.sleep = 5;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &T.task, task_fn), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&T.task), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 0);
    ck_assert_int_eq(coop_task_result(&T.task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_priv_cancels, 0);
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
    tcase_add_loop_test(tc, test_cancel_a_chain, 0,
                        (int)(sizeof chain_cases / sizeof chain_cases[0]));
    tcase_add_test(tc, test_cancel_before_the_first_run_runs_nothing);
    tcase_add_test(tc, test_cancelled_gather_cancels_its_tasks);
    tcase_add_test(tc, test_call_for_deadline_unwinds_grandchildren);
    tcase_add_test(tc, test_call_for_in_time_and_then_cancelled);
    suite_add_tcase(s, tc);
    return s;
}
