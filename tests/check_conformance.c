/* Conformance with asyncio, test by test (issue 13, "Evidence").
 *
 * MicroPython's asyncio tests (tests/extmod/asyncio_*.py, with their .exp
 * files, or CPython's output where a test has none) are the checklist: each
 * test here is the C twin of one of them, named in its comment, for every
 * behaviour that coop claims (docs/asyncio.md, README.md's API tables). A
 * Python `print` is a line of the log (tests/scenario.h: who, what, a value,
 * at which tick), and the test asserts the whole log, line by line, as the
 * .exp file lists it, plus the tick of each line: order, counts and ticks.
 * Where coop differs by design (docs/asyncio.md says where), the expected
 * lines are coop's documented ones and the comment says what asyncio prints
 * instead. Where MicroPython's .exp and CPython disagree, the comment says
 * which one coop follows (CPython 3.12+ runs wait_for's coroutine in the
 * awaiting task, as AWAIT_CALL_FOR does; MicroPython runs it as a task).
 * Semaphores, queues, asyncio.wait, a cancel in a finally and shield have no
 * MicroPython test: their twins are small programs of ours whose CPython 3.13
 * output is quoted in the comment.
 *
 * Python's tasks are jobs J[k] whose index is the Python id where the test
 * numbers its tasks; `main` is J[MAIN]. Python's return values travel in the
 * job's struct (j->val); an exception is a negative result (ASYNC_END_RC):
 * ValueError(k) is E_VALUE(k).
 *
 * Findings: a test that shows coop doing other than docs/asyncio.md promises
 * goes to the TCase "known_bugs", which runs only when the environment has
 * COOP_CONFORMANCE_KNOWN_BUGS=1 (so the suite stays green while include/coop
 * is fixed, and the failing twin is one variable away). It is empty now:
 * every difference found is by design (the comments marked "coop differs"),
 * said in docs/asyncio.md or in the header that defines the call; three are
 * said in the header only (marked "not in docs/asyncio.md"): AWAIT_FOR with
 * 0 polls, AWAIT_JOIN's task is not cancelled with its joiner, a cancelled
 * gatherer's tasks are cancelled at its next run.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtual.h"

/* 100 ticks before the tick counter wraps (16 and 32 bits): every scenario
 * runs across the wrap. */
#define T0 ((coop_tick_t)(0u - 100u))

/* A child coroutine's state (AWAIT_CALL, AWAIT_CALL_FOR, AWAIT_CALL_CATCH). */
struct co {
    coop_lc_t lc;
    int id;   /* the id it logs with */
    long ms;  /* how long it sleeps */
    int val;  /* its "return value" */
    int rc;
    int flag;
};

struct job {
    coop_task_t task;
    int id;
    int body, fin;
    const struct step *script;
    size_t nsteps, k;
    long ms;        /* how long it sleeps (negative: no wait, as asyncio.sleep(-1)) */
    int other;      /* another job's index (-1: none) */
    int flag;       /* a mode of the test's (allow a cancel, catch, ...) */
    int rc, val, n, i;
    int what;       /* what yield_loop_fn logs */
    size_t idx;     /* AWAIT_ANY's index */
    coop_tick_t t;  /* a tick it remembers */
    coop_event_t *ev;
    struct co c1, c2, c3;
};
#define SCENARIO_NJOBS 10
#define MAIN 9
#include "scenario.h"

/* ValueError(k): a task's error result. */
#define E_VALUE(k) (-100 - (k))

/* Every job's task, for AWAIT_GATHER / AWAIT_ANY over a range of them. */
static coop_task_t *const jt[SCENARIO_NJOBS] = {&J[0].task, &J[1].task, &J[2].task, &J[3].task,
                                                &J[4].task, &J[5].task, &J[6].task, &J[7].task,
                                                &J[8].task, &J[9].task};

/* ------------------------------------------------------------------ lines */

/* What a line says (a Python print), with its text for the failure dump. */
enum {
    L_START = 1, L_END, L_DONE, L_SAY, L_AFTER_SLEEP, L_MAIN_START, L_MAIN_DONE, L_WORK,
    L_FINISH, L_CANCELS, L_CANCELLED, L_CANCEL, L_SLEEP, L_RC, L_MAIN_SLEEP, L_MAIN_WAIT,
    L_MAIN_CANCEL, L_GOT_CANCELLED, L_TASK2, L_TASK2_DONE, L_TASK2_CANCEL, L_SEP, L_IS_SET,
    L_YIELD, L_SET, L_CLEAR, L_TRUE, L_WAIT, L_TIMEOUT, L_UNLOCK, L_COMPUTE, L_FACTORIAL,
    L_ITEM, L_ERR, L_LOOP_START, L_LOOP, L_RAISE_START, L_RAISE, L_RAISED, L_DONE_FLAG,
    L_GATHER_TASK, L_GATHER_TASK2, L_RUNS, L_EARLY, L_COMPLETE, L_EXCEPTION, L_LOCKED,
    L_HAVE, L_HAVE_AGAIN, L_GOT, L_RELEASE, L_FLAG, L_PUT, L_PRODUCER_DONE, L_GETTER_GOT,
    L_PUTTER_PUT, L_TASK, L_WAIT_TASK, L_RESULT, L_CATCH_START, L_IGNORE, L_CATCH_DONE,
    L_OTHER_START, L_OTHER_CANCEL, L_WFC_START, L_WFC_CANCELLED, L_CANCEL_WAIT_FOR,
    L_AWAITING_STARTED, L_AWAITING_CANCELED, L_GOT_TIMEOUT, L_GOT_CANCELED,
    L_CANCEL_STARTED, L_CANCEL_WAIT, L_WAITING_GOT_CANCELLED, L_TOOK, L_CAUGHT, L_CURRENT,
    L_RUN, L_STOP, L_COMPLETED, L_T0_DONE, L_T2_DONE, L_I, L_ANY, L_PENDING, L_FINALLY,
    L_FINALLY_END, L_NEVER, L_INNER_START, L_INNER_END, L_AFTER, L_CANCELLING, L_MAX
};
static const char *const l_text[L_MAX] = {
    "?", "start", "end", "done", "say", "after sleep", "main start", "main done", "work",
    "finish", "cancels", "cancelled", "cancel", "sleep", "rc", "main sleep", "main wait",
    "main cancel", "main got CancelledError", "task 2", "task 2 done", "task 2 cancel", "----",
    "is_set", "yield", "set event", "clear event", "True", "wait", "TimeoutError",
    "unlocking event", "compute", "factorial", "item", "error", "task_loop start",
    "task_loop loop", "task_raise start", "task_raise raise", "raised", "done()",
    "gather_task", "gather_task2", "task_that_runs", "task_that_finishes_early", "complete",
    "exception", "locked", "task have", "task have again", "got", "release", "lock_flag", "put",
    "producer done", "getter got", "putter put", "task", "wait task", "result",
    "task_catch start", "ignore cancel", "task_catch done", "task_cancel_other start",
    "task_cancel_other cancel", "task_wait_for_cancel start", "task_wait_for_cancel cancelled",
    "cancel wait_for", "awaiting started", "awaiting canceled", "Got timeout error",
    "Got canceled", "cancel started", "cancel wait()", "waiting got cancelled", "took",
    "caught", "current_task", "run", "stop", "work completed", "-> task0 done",
    "-> task2 done", "i", "wait: done", "wait: pending", "finally", "finally end", "never",
    "inner start", "inner end", "after shield", "cancelling()"};

/* Words of L_SAY lines. */
enum { W_SHORT = 1, W_LONG, W_NEGATIVE, W_HELLO, W_WORLD };

/* One expected line: job (or log id) `id` said `what` with `val` at T0 + at. */
struct line {
    int id;
    int what;
    int val;
    uint32_t at;
};

static bool line_is(size_t k, const struct line *w)
{
    return evs[k].id == w->id && evs[k].what == w->what && evs[k].val == w->val &&
           evs[k].tick == at(w->at);
}

static void print_line(const char *side, int id, int what, int val, long tick)
{
    fprintf(stderr, "    %s %2d %-28s %6d  T0%+ld\n", side, id,
            what > 0 && what < L_MAX ? l_text[what] : "?", val, tick);
}

/* The log is exactly these n lines, in this order, at these ticks. On a
 * difference, both are printed to stderr, then the test fails. */
static void expect_lines(const struct line *w, size_t n, const char *name)
{
    size_t k, m;
    g_scenario = name;
    for (k = 0; k < n && k < nev; k++)
        if (!line_is(k, &w[k]))
            break;
    if (k == n && nev == n)
        return;
    fprintf(stderr, "%s: the log differs from line %u on (got, then expected):\n", name,
            (unsigned)k);
    m = nev > n ? nev : n;
    for (k = 0; k < m; k++) {
        if (k < nev)
            print_line("got", evs[k].id, evs[k].what, evs[k].val,
                       (long)coop_tick_diff(evs[k].tick, g_t0));
        if (k < n)
            print_line(k < nev && line_is(k, &w[k]) ? "   " : "exp", w[k].id, w[k].what,
                       w[k].val, (long)w[k].at);
    }
    for (k = 0; k < n && k < nev; k++)
        if (!line_is(k, &w[k]))
            break;
    ck_abort_msg("%s: line %u differs (%u lines logged, %u expected)", name, (unsigned)k,
                 (unsigned)nev, (unsigned)n);
}
#define EXPECT_LINES(w) expect_lines((w), sizeof(w) / sizeof((w)[0]), __func__)

/* Job k's parameters back to a clean start (a job of an ended task). */
static void prep(int k, long ms, int other, int flag)
{
    struct job *p = &J[k];
    p->ms = ms;
    p->other = other;
    p->flag = flag;
    p->body = p->fin = 0;
    p->rc = p->val = p->n = p->i = p->what = 0;
    p->k = 0;
    p->idx = 0;
    p->ev = NULL;
    memset(&p->c1, 0, sizeof p->c1);
    memset(&p->c2, 0, sizeof p->c2);
    memset(&p->c3, 0, sizeof p->c3);
}

/* A child's parameters. */
static void prep_co(struct co *c, int id, long ms)
{
    c->id = id;
    c->ms = ms;
    c->val = c->rc = c->flag = 0;
}

static int run_main(coop_task_fn fn)
{
    spawn(MAIN, fn);
    return coop_loop_run(&g_loop);
}

/* asyncio.run(main()) for the spawned J[MAIN]: main's result, and the tasks
 * left are cancelled and run to their ends. With COOP_TASK_LIST 1 that is
 * coop_loop_run_main (docs/asyncio.md, asyncio.run); else the loop keeps no
 * list of its tasks: coop_loop_run_task, then the test cancels job `rest`
 * (-1: none), the task it knows is left. */
static int asyncio_run(int rest)
{
#if COOP_TASK_LIST
    (void)rest;
    return coop_loop_run_main(&g_loop, &J[MAIN].task);
#else
    int rc = coop_loop_run_task(&g_loop, &J[MAIN].task);
    if (rest >= 0) {
        ck_assert(!coop_task_done(&J[rest].task));
        ck_assert_int_eq(coop_task_cancel(&J[rest].task), COOP_OK);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    }
    return rc;
#endif
}

static coop_event_t ev_a, ev_b, ev_c;
static coop_lock_t lock;
static coop_sem_t sem;
static coop_flag_t tsf;
static coop_call_t set_call, ev_call;
static int lock_flag, idle_posted;
COOP_QUEUE_DEFINE(q, int, 2);

static void setup(void)
{
    int k;
    scenario_reset(T0);
    for (k = 0; k < SCENARIO_NJOBS; k++)
        prep(k, 0, -1, 0);
    memset(&ev_a, 0, sizeof ev_a);
    memset(&ev_b, 0, sizeof ev_b);
    memset(&ev_c, 0, sizeof ev_c);
    ck_assert_int_eq(coop_event_init(&ev_a), COOP_OK);
    ck_assert_int_eq(coop_event_init(&ev_b), COOP_OK);
    ck_assert_int_eq(coop_event_init(&ev_c), COOP_OK);
    memset(&lock, 0, sizeof lock);
    ck_assert_int_eq(coop_lock_init(&lock), COOP_OK);
    memset(&sem, 0, sizeof sem);
    ck_assert_int_eq(coop_sem_init(&sem, 2, 2), COOP_OK);
    memset(&tsf, 0, sizeof tsf);
    ck_assert_int_eq(coop_flag_init(&tsf), COOP_OK);
    memset(&q, 0, sizeof q);
    ck_assert_int_eq(coop_queue_init(&q, q_storage, sizeof(int), 2), COOP_OK);
    lock_flag = 0;
    idle_posted = 0;
}

/* ------------------------------------------------- shared coroutines */

/* delay_print(t, s) of asyncio_basic.py: sleep, then say c->val. */
static coop_status_t delay_print(struct co *c)
{
    ASYNC(c);
    AWAIT_SLEEP_MS(c->ms);
    log_ev(c->id, L_SAY, c->val);
    ASYNC_END;
}

/* task(id, t) of asyncio_wait_for.py as a coroutine: "task start", sleep,
 * "task end", return id * 2. */
static coop_status_t start_end_child(struct co *c)
{
    ASYNC(c);
    log_ev(c->id, L_START, 0);
    AWAIT_SLEEP_MS(c->ms);
    log_ev(c->id, L_END, 0);
    c->val = c->id * 2;
    ASYNC_END;
}

/* A bare sleep. */
static coop_status_t sleep_child(struct co *c)
{
    ASYNC(c);
    AWAIT_SLEEP_MS(c->ms);
    ASYNC_END;
}

/* task(id, t) as a task: "start", sleep j->ms, "end", return id (j->val);
 * ends with j->rc (task_raise: E_VALUE(id)). */
static coop_status_t start_end_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_END, 0);
    j->val = j->id;
    ASYNC_END_RC(j->rc);
}

/* task_raise(id, t): "task_raise start", sleep, "task_raise raise", ValueError(id). */
static coop_status_t raise_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_RAISE_START, 0);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_RAISE, 0);
    ASYNC_END_RC(E_VALUE(j->id));
}

/* A task that never waits: j->n turns, each logging (what, turn) and
 * yielding j->flag times (asyncio.sleep(0)). */
static coop_status_t yield_loop_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < j->n; j->i++) {
        log_ev(j->id, j->what, j->i);
        for (j->k = 0; j->k < (size_t)j->flag; j->k++)
            YIELD();
    }
    ASYNC_END;
}

static void prep_yield_loop(int k, int turns, int what, int yields)
{
    prep(k, 0, -1, yields);
    J[k].n = turns;
    J[k].what = what;
}

/* Log tasks a..a+n-1's results as asyncio.gather(return_exceptions=True)
 * returns them: each value, or its error. */
static void log_results(int a, int n)
{
    int k;
    for (k = a; k < a + n; k++) {
        int r = coop_task_result(&J[k].task);
        if (r == COOP_OK)
            log_ev(MAIN, L_ITEM, J[k].val);
        else
            log_ev(MAIN, L_ERR, r);
    }
}

/* ==================================================== ordering and sleeps */

/* asyncio_basic.py: start; sleep(0.001); after sleep; three coroutines
 * awaited in turn (delay_print 0.2, 0.4, -1): short, long, negative; "took
 * 200 400 0": the ticks below. A negative sleep is no wait (a yield). */
static coop_status_t basic_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(1);
    log_ev(j->id, L_AFTER_SLEEP, 0);
    prep_co(&j->c1, j->id, 200);
    j->c1.val = W_SHORT;
    AWAIT_CALL(&j->c1, delay_print(&j->c1));
    prep_co(&j->c1, j->id, 400);
    j->c1.val = W_LONG;
    AWAIT_CALL(&j->c1, delay_print(&j->c1));
    prep_co(&j->c1, j->id, -1);
    j->c1.val = W_NEGATIVE;
    AWAIT_CALL(&j->c1, delay_print(&j->c1));
    ASYNC_END;
}

START_TEST(test_basic)
{
    static const struct line exp[] = {
        {MAIN, L_START, 0, 0},          {MAIN, L_AFTER_SLEEP, 0, 1},
        {MAIN, L_SAY, W_SHORT, 201},    {MAIN, L_SAY, W_LONG, 601},
        {MAIN, L_SAY, W_NEGATIVE, 601},
    };
    ck_assert_int_eq(run_main(basic_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_basic2.py: main creates a task that sleeps 10 s, sleeps 1 ms,
 * returns 42; print(asyncio.run(main())). .exp: main start, forever start,
 * main done, 42. asyncio.run is asyncio_run() above (the task left is
 * cancelled at main's end); a result is an error code, so 42 is carried as
 * -42. */
static coop_status_t forever_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(10000);
    ASYNC_END;
}

static coop_status_t basic2_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_MAIN_START, 0);
    spawn(1, forever_fn);
    AWAIT_SLEEP_MS(1);
    log_ev(j->id, L_MAIN_DONE, 0);
    ASYNC_END_RC(-42);
}

START_TEST(test_basic2)
{
    static const struct line exp[] = {
        {MAIN, L_MAIN_START, 0, 0}, {1, L_START, 0, 0}, {MAIN, L_MAIN_DONE, 0, 1},
        {MAIN, L_RESULT, -42, 1},
    };
    spawn(MAIN, basic2_main);
    log_ev(MAIN, L_RESULT, asyncio_run(1));
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_now(), at(1)); /* the cancel took no time */
}
END_TEST

/* asyncio_fair.py: two tasks that never wait (sleep(-0.01), sleep(-100))
 * beside two that sleep 100 and 180 ms; main sleeps 450 ms and cancels all.
 * The sleepers keep their ticks although the others are always ready (the
 * virtual clock moves only when the loop idles, so task 1's every turn is a
 * tick of work: the loop never idles, the clock still runs). */
static coop_status_t fair_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    for (;;) {
        if (j->ms > 0)
            log_ev(j->id, L_WORK, 0);
        if (j->flag)
            coop_virtual_advance(1);
        AWAIT_SLEEP_MS(j->ms);
    }
    ASYNC_END;
}

static coop_status_t fair_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, fair_fn);
    spawn(2, fair_fn);
    spawn(3, fair_fn);
    spawn(4, fair_fn);
    AWAIT_SLEEP_MS(450);
    for (j->i = 1; j->i <= 4; j->i++)
        ck_assert_int_eq(coop_task_cancel(&J[j->i].task), COOP_OK);
    log_ev(j->id, L_FINISH, 0);
    ASYNC_END;
}

START_TEST(test_fair)
{
    static const struct line exp[] = {
        {1, L_START, 0, 0},   {2, L_START, 0, 0},   {2, L_WORK, 0, 0},   {3, L_START, 0, 0},
        {3, L_WORK, 0, 0},    {4, L_START, 0, 0},   {2, L_WORK, 0, 100}, {3, L_WORK, 0, 180},
        {2, L_WORK, 0, 200},  {2, L_WORK, 0, 300},  {3, L_WORK, 0, 360}, {2, L_WORK, 0, 400},
        {MAIN, L_FINISH, 0, 450},
    };
    int k;
    prep(1, -10, -1, 1); /* busy: a tick a turn */
    prep(2, 100, -1, 0);
    prep(3, 180, -1, 0);
    prep(4, -100000, -1, 0);
    ck_assert_int_eq(run_main(fair_main), COOP_OK);
    EXPECT_LINES(exp);
    for (k = 1; k <= 4; k++)
        ck_assert_int_eq(coop_task_result(&J[k].task), COOP_ECANCELED);
}
END_TEST

/* asyncio_heaplock.py (its scheduling part: tasks sleeping with sleep_ms
 * beside main): start, 1 0, 2 0, sleep, 1 1, 1 2, 2 1, 1 3, finish. The
 * stream writes are not coop's. */
static coop_status_t count_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < j->n; j->i++) {
        log_ev(j->id, L_I, j->i);
        AWAIT_SLEEP_MS(j->ms);
    }
    ASYNC_END;
}

static coop_status_t heaplock_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    prep(1, 100, -1, 0);
    J[1].n = 4;
    spawn(1, count_sleep_fn);
    prep(2, 250, -1, 0);
    J[2].n = 2;
    spawn(2, count_sleep_fn);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(5);
    log_ev(j->id, L_SLEEP, 0);
    AWAIT_SLEEP_MS(350);
    log_ev(j->id, L_FINISH, 0);
    ASYNC_END;
}

START_TEST(test_heaplock_order)
{
    static const struct line exp[] = {
        {MAIN, L_START, 0, 0}, {1, L_I, 0, 0},   {2, L_I, 0, 0},   {MAIN, L_SLEEP, 0, 5},
        {1, L_I, 1, 100},      {1, L_I, 2, 200}, {2, L_I, 1, 250}, {1, L_I, 3, 300},
        {MAIN, L_FINISH, 0, 355},
    };
    ck_assert_int_eq(run_main(heaplock_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_micropython.py: sleep_ms(1) is short; wait_for_ms(task(1, 5), 50)
 * gives 2; wait_for_ms(task(2, 50), 5) times out. .exp: True, OverflowError,
 * task start 1, task end 1, 2, task start 2, timeout, finish. Not here:
 * OverflowError for a sleep past ticks_add's range (coop chains long sleeps,
 * docs/asyncio.md "Time"). */
static coop_status_t mpy_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->t = coop_now();
    AWAIT_SLEEP_MS(1);
    log_ev(j->id, L_TRUE, coop_tick_diff(coop_now(), j->t) < 100);
    prep_co(&j->c1, 1, 5);
    AWAIT_CALL_FOR(j->rc, 50, &j->c1, start_end_child(&j->c1));
    log_ev(j->id, L_RESULT, j->c1.val);
    prep_co(&j->c1, 2, 50);
    AWAIT_CALL_FOR(j->rc, 5, &j->c1, start_end_child(&j->c1));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, 0);
    log_ev(j->id, L_FINISH, 0);
    ASYNC_END;
}

START_TEST(test_micropython_wait_for_ms)
{
    static const struct line exp[] = {
        {MAIN, L_TRUE, 1, 1},   {1, L_START, 0, 1},      {1, L_END, 0, 6},
        {MAIN, L_RESULT, 2, 6}, {2, L_START, 0, 6},      {MAIN, L_TIMEOUT, 0, 11},
        {MAIN, L_FINISH, 0, 11},
    };
    ck_assert_int_eq(run_main(mpy_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* Wake-up order: tasks whose sleeps end on one tick wake in the order they
 * started sleeping, whatever their lengths (FIFO), behind the tasks already
 * ready; a spawned task starts after its spawner yields (create_task). Our
 * own case (asyncio's timers of one deadline are FIFO too, by sequence). */
static coop_status_t sleep_until_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_END, 0);
    ASYNC_END;
}

static coop_status_t fifo_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(3, sleep_until_fn); /* they start in spawn order, after main yields */
    spawn(1, sleep_until_fn);
    spawn(2, sleep_until_fn);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_SLEEP, 0);
    AWAIT_SLEEP_MS(5); /* 3 (50), 1 (50) and 2 (50) all end at 50 */
    AWAIT_SLEEP_MS(45);
    log_ev(j->id, L_END, 0); /* armed last: wakes last */
    ASYNC_END;
}

START_TEST(test_wake_order_fifo)
{
    static const struct line exp[] = {
        {MAIN, L_YIELD, 0, 0}, {3, L_START, 0, 0}, {1, L_START, 0, 0}, {2, L_START, 0, 0},
        {MAIN, L_SLEEP, 0, 0}, {3, L_END, 0, 50},  {1, L_END, 0, 50},  {2, L_END, 0, 50},
        {MAIN, L_END, 0, 50},
    };
    prep(1, 50, -1, 0);
    prep(2, 50, -1, 0);
    prep(3, 50, -1, 0);
    ck_assert_int_eq(run_main(fifo_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* ================================================================ cancel */

/* asyncio_cancel_fair.py: tasks 0 and 1 cancel each other, each taking the
 * cancel (try/except CancelledError around sleep(0): AWAIT_CALL_CATCH) and
 * going on; task 2 runs beside them. The .exp (CPython's output) lists
 * start/done/cancelled/cancels in this exact order. */
static coop_status_t step_child(struct co *c)
{
    ASYNC(c);
    log_ev(c->id, L_START, 0);
    YIELD();
    log_ev(c->id, L_DONE, 0);
    ASYNC_END;
}

static coop_status_t cancel_fair_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < 3; j->i++) {
        prep_co(&j->c1, j->id, 0);
        AWAIT_CALL_CATCH(j->rc, &j->c1, step_child(&j->c1));
        if (j->rc == COOP_ECANCELED)
            log_ev(j->id, L_CANCELLED, 0);
        if (j->other >= 0) {
            log_ev(j->id, L_CANCELS, j->other);
            (void)coop_task_cancel(&J[j->other].task);
        }
    }
    ASYNC_END;
}

static coop_status_t cancel_fair_main(coop_task_t *task)
{
    ASYNC(task);
    spawn(0, cancel_fair_fn);
    spawn(1, cancel_fair_fn);
    spawn(2, cancel_fair_fn);
    AWAIT_JOIN(&J[2].task);
    ASYNC_END;
}

START_TEST(test_cancel_fair)
{
    static const struct line exp[] = {
        {0, L_START, 0, 0},     {1, L_START, 0, 0},     {2, L_START, 0, 0},
        {0, L_DONE, 0, 0},      {0, L_CANCELS, 1, 0},   {0, L_START, 0, 0},
        {1, L_CANCELLED, 0, 0}, {1, L_CANCELS, 0, 0},   {1, L_START, 0, 0},
        {2, L_DONE, 0, 0},      {2, L_START, 0, 0},     {0, L_CANCELLED, 0, 0},
        {0, L_CANCELS, 1, 0},   {0, L_START, 0, 0},     {1, L_CANCELLED, 0, 0},
        {1, L_CANCELS, 0, 0},   {1, L_START, 0, 0},     {2, L_DONE, 0, 0},
        {2, L_START, 0, 0},     {0, L_CANCELLED, 0, 0}, {0, L_CANCELS, 1, 0},
        {1, L_CANCELLED, 0, 0}, {1, L_CANCELS, 0, 0},   {2, L_DONE, 0, 0},
    };
    prep(0, 0, 1, 0);
    prep(1, 0, 0, 0);
    prep(2, 0, -1, 0);
    ck_assert_int_eq(run_main(cancel_fair_main), COOP_OK);
    EXPECT_LINES(exp);
    /* each took its cancels and ended normally */
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
}
END_TEST

/* asyncio_cancel_fair2.py: three tasks cancel task a while cancel() says
 * True. asyncio: sleep a, sleep b 0, sleep b 1, sleep b 2, cancelled a,
 * done b 0, done b 1, done b 2 (cancel() is True while the task is alive,
 * even when a cancel is pending). coop differs (docs/asyncio.md,
 * task.cancelling()): a second coop_task_cancel while the first is under
 * way is COOP_EALREADY, so b 1 and b 2 stop at once. */
static coop_status_t sleep_a_child(struct co *c)
{
    ASYNC(c);
    for (;;) {
        log_ev(c->id, L_SLEEP, 0);
        YIELD();
    }
    ASYNC_END;
}

static coop_status_t task_a_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    prep_co(&j->c1, j->id, 0);
    AWAIT_CALL_CATCH(j->rc, &j->c1, sleep_a_child(&j->c1));
    if (j->rc == COOP_ECANCELED)
        log_ev(j->id, L_CANCELLED, 0);
    ASYNC_END;
}

static coop_status_t task_b_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    while (coop_task_cancel(&J[j->other].task) == COOP_OK) {
        log_ev(j->id, L_SLEEP, 0);
        YIELD();
    }
    log_ev(j->id, L_DONE, 0);
    ASYNC_END;
}

static coop_status_t cancel_fair2_main(coop_task_t *task)
{
    ASYNC(task);
    spawn(3, task_a_fn);
    spawn(0, task_b_fn);
    spawn(1, task_b_fn);
    spawn(2, task_b_fn);
    AWAIT_JOIN(&J[3].task);
    ASYNC_END;
}

START_TEST(test_cancel_fair2)
{
    static const struct line exp[] = {
        {3, L_SLEEP, 0, 0}, {0, L_SLEEP, 0, 0},     {1, L_DONE, 0, 0},
        {2, L_DONE, 0, 0},  {3, L_CANCELLED, 0, 0}, {0, L_DONE, 0, 0},
    };
    prep(0, 0, 3, 0);
    prep(1, 0, 3, 0);
    prep(2, 0, 3, 0);
    ck_assert_int_eq(run_main(cancel_fair2_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[3].task), COOP_OK); /* it took the cancel */
}
END_TEST

/* asyncio_cancel_self.py: a task cancels itself. .exp: task start, "can't
 * cancel self" (MicroPython raises RuntimeError; CPython allows it). coop:
 * refused, COOP_EBUSY with an assert (docs/asyncio.md: a task ends itself
 * with ASYNC_RETURN()); the task goes on, so main's await returns. */
static coop_status_t cancel_self_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    log_ev(j->id, L_RC, coop_task_cancel(task));
    ASYNC_END;
}

static coop_status_t cancel_self_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, cancel_self_fn);
    AWAIT_JOIN(&J[1].task);
    if (coop_task_result(&J[1].task) == COOP_ECANCELED)
        log_ev(j->id, L_MAIN_CANCEL, 0);
    log_ev(j->id, L_MAIN_DONE, 0);
    ASYNC_END;
}

START_TEST(test_cancel_self)
{
    static const struct line exp[] = {
        {1, L_START, 0, 0}, {1, L_RC, COOP_EBUSY, 0}, {MAIN, L_MAIN_DONE, 0, 0},
    };
    scenario_record_asserts();
    ck_assert_int_eq(run_main(cancel_self_main), COOP_OK);
    EXPECT_LINES(exp);
    EXPECT_ASSERT("cannot cancel itself");
}
END_TEST

/* asyncio_cancel_task.py. task(s, allow_cancel): flag 1, a FINALLY logs
 * "task cancel" and the task ends cancelled (`raise er`); flag 0,
 * AWAIT_CALL_CATCH takes the cancel and the task ends normally. */
static coop_status_t start_sleep_done_child(struct co *c)
{
    ASYNC(c);
    log_ev(c->id, L_START, 0);
    AWAIT_SLEEP_MS(c->ms);
    log_ev(c->id, L_DONE, 0);
    ASYNC_END;
}

static coop_status_t ct_task_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->flag) {
        log_ev(j->id, L_START, 0);
        AWAIT_SLEEP_MS(j->ms);
        log_ev(j->id, L_DONE, 0);
    } else {
        prep_co(&j->c1, j->id, j->ms);
        AWAIT_CALL_CATCH(j->rc, &j->c1, start_sleep_done_child(&j->c1));
        if (j->rc == COOP_ECANCELED)
            log_ev(j->id, L_CANCEL, 0);
    }
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

/* task2(allow_cancel): "task 2", await create_task(task(0.05, allow)),
 * "task 2 done". Awaiting the task is AWAIT_GATHER of one (a cancel of the
 * awaiting task cancels it, as asyncio's `await task` does; AWAIT_JOIN would
 * not); its FINALLY gathers it again, so "task 2 cancel" comes after the
 * inner task's end, as asyncio's CancelledError does. */
static coop_status_t ct_task2_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_TASK2, 0);
    prep(j->other, 50, -1, j->flag);
    spawn(j->other, ct_task_fn);
    AWAIT_GATHER(&jt[j->other], 1);
    log_ev(j->id, L_TASK2_DONE, 0);
    j->body = 1;
    FINALLY;
    if (!j->body) {
        AWAIT_GATHER(&jt[j->other], 1);
        log_ev(j->id, L_TASK2_CANCEL, 0);
    }
    ASYNC_END;
}

static coop_status_t cancel_task_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* cancel a task at once: it never runs */
    prep(1, 2000, -1, 1);
    spawn(1, ct_task_fn);
    log_ev(j->id, L_RC, coop_task_cancel(&J[1].task));
    /* cancel it after it has started */
    prep(2, 2000, -1, 1);
    spawn(2, ct_task_fn);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_RC, coop_task_cancel(&J[2].task));
    log_ev(j->id, L_MAIN_SLEEP, 0);
    AWAIT_SLEEP_MS(10);
    /* cancel it several times */
    prep(3, 2000, -1, 1);
    spawn(3, ct_task_fn);
    AWAIT_SLEEP_MS(10);
    for (j->i = 0; j->i < 4; j->i++)
        log_ev(j->id, L_RC, coop_task_cancel(&J[3].task));
    log_ev(j->id, L_MAIN_SLEEP, 0);
    AWAIT_SLEEP_MS(10);
    /* await a cancelled task */
    log_ev(j->id, L_MAIN_WAIT, 0);
    AWAIT_JOIN(&J[3].task);
    log_ev(j->id, L_GOT_CANCELLED, coop_task_result(&J[3].task));
    /* cancel it after it has ended */
    prep(4, 10, -1, 0);
    spawn(4, ct_task_fn);
    AWAIT_SLEEP_MS(50);
    log_ev(j->id, L_RC, coop_task_cancel(&J[4].task));
    /* nested: task2 awaits task, task2 is cancelled: task, then task2 */
    log_ev(j->id, L_SEP, 0);
    prep(5, 0, 6, 1);
    spawn(5, ct_task2_fn);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_MAIN_CANCEL, 0);
    (void)coop_task_cancel(&J[5].task);
    log_ev(j->id, L_MAIN_SLEEP, 0);
    AWAIT_SLEEP_MS(100);
    /* nested, the inner task takes the cancel */
    log_ev(j->id, L_SEP, 0);
    prep(5, 0, 6, 0);
    spawn(5, ct_task2_fn);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_MAIN_CANCEL, 0);
    (void)coop_task_cancel(&J[5].task);
    log_ev(j->id, L_MAIN_SLEEP, 0);
    AWAIT_SLEEP_MS(100);
    ASYNC_END;
}

/* CPython's output: True / task start / True / main sleep / task cancel /
 * task start / True x4 / main sleep / task cancel / main wait / main got
 * CancelledError / task start / task done / False / ---- / task 2 / task
 * start / main cancel / main sleep / task cancel / task 2 cancel / ---- /
 * task 2 / task start / main cancel / main sleep / task cancel / task 2 done.
 * coop differs twice, by design: a second cancel while the first is under
 * way is COOP_EALREADY (True x4 is OK, EALREADY x3); and a task's cancel is
 * its own, so the inner task that takes the cancel does not save task2,
 * which ends cancelled ("task 2 cancel", not "task 2 done"; docs/asyncio.md:
 * FINALLY cannot swallow a cancel; only AWAIT_CALL_CATCH in task2 could). */
START_TEST(test_cancel_task)
{
    static const struct line exp[] = {
        {MAIN, L_RC, COOP_OK, 0},
        {2, L_START, 0, 0},
        {MAIN, L_RC, COOP_OK, 10},
        {MAIN, L_MAIN_SLEEP, 0, 10},
        {2, L_CANCEL, 0, 10},
        {3, L_START, 0, 20},
        {MAIN, L_RC, COOP_OK, 30},
        {MAIN, L_RC, COOP_EALREADY, 30},
        {MAIN, L_RC, COOP_EALREADY, 30},
        {MAIN, L_RC, COOP_EALREADY, 30},
        {MAIN, L_MAIN_SLEEP, 0, 30},
        {3, L_CANCEL, 0, 30},
        {MAIN, L_MAIN_WAIT, 0, 40},
        {MAIN, L_GOT_CANCELLED, COOP_ECANCELED, 40},
        {4, L_START, 0, 40},
        {4, L_DONE, 0, 50},
        {MAIN, L_RC, COOP_EALREADY, 90},
        {MAIN, L_SEP, 0, 90},
        {5, L_TASK2, 0, 90},
        {6, L_START, 0, 90},
        {MAIN, L_MAIN_CANCEL, 0, 100},
        {MAIN, L_MAIN_SLEEP, 0, 100},
        {6, L_CANCEL, 0, 100},
        {5, L_TASK2_CANCEL, 0, 100},
        {MAIN, L_SEP, 0, 200},
        {5, L_TASK2, 0, 200},
        {6, L_START, 0, 200},
        {MAIN, L_MAIN_CANCEL, 0, 210},
        {MAIN, L_MAIN_SLEEP, 0, 210},
        {6, L_CANCEL, 0, 210},
        {5, L_TASK2_CANCEL, 0, 210}, /* asyncio: task 2 done */
    };
    ck_assert_int_eq(run_main(cancel_task_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_ECANCELED); /* ran nothing */
    ck_assert_int_eq(coop_task_result(&J[6].task), COOP_OK);       /* took it */
    ck_assert_int_eq(coop_task_result(&J[5].task), COOP_ECANCELED);
}
END_TEST

/* Cancelling a task that awaits another task. Our twin (no MicroPython
 * test; asyncio_cancel_task.py's nested case awaits a task it created, see
 * above): outer awaits inner (100 ms), outer is cancelled at 10 ms. CPython
 * 3.13: inner start / inner cancelled / outer cancelled / True True (an
 * awaited task is cancelled with its awaiter). coop differs: AWAIT_JOIN
 * leaves the joined task alone (docs/asyncio.md, cancellation: other tasks
 * are not cancelled with it; AWAIT_GATHER's are), so inner ends at 100 (not
 * in docs/asyncio.md: its `await task` row does not say it). */
static coop_status_t inner_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_INNER_START, 0);
    AWAIT_SLEEP_MS(100);
    log_ev(j->id, L_INNER_END, 0);
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCELLED, 0);
    ASYNC_END;
}

static coop_status_t outer_join_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->flag)
        AWAIT_GATHER(&jt[j->other], 1);
    else
        AWAIT_JOIN(&J[j->other].task);
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCELLED, 0);
    ASYNC_END;
}

static coop_status_t cancel_join_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, inner_fn);
    spawn(2, outer_join_fn);
    AWAIT_SLEEP_MS(10);
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    AWAIT_SLEEP_MS(200);
    log_ev(j->id, L_ERR, coop_task_result(&J[1].task));
    log_ev(j->id, L_ERR, coop_task_result(&J[2].task));
    ASYNC_END;
}

START_TEST(test_cancel_awaiting_a_task)
{
    static const struct line join[] = { /* AWAIT_JOIN: inner goes on */
        {1, L_INNER_START, 0, 0},          {2, L_CANCELLED, 0, 10},
        {1, L_INNER_END, 0, 100},          {MAIN, L_ERR, COOP_OK, 210},
        {MAIN, L_ERR, COOP_ECANCELED, 210},
    };
    /* AWAIT_GATHER of one: inner is cancelled too, as in asyncio; outer's
     * FINALLY runs first here (it does not gather again, as ct_task2_fn's does) */
    static const struct line gather[] = {
        {1, L_INNER_START, 0, 0},          {2, L_CANCELLED, 0, 10},
        {1, L_CANCELLED, 0, 10},           {MAIN, L_ERR, COOP_ECANCELED, 210},
        {MAIN, L_ERR, COOP_ECANCELED, 210},
    };
    prep(2, 0, 1, 0);
    ck_assert_int_eq(run_main(cancel_join_main), COOP_OK);
    EXPECT_LINES(join);
    setup();
    prep(2, 0, 1, 1);
    ck_assert_int_eq(run_main(cancel_join_main), COOP_OK);
    EXPECT_LINES(gather);
}
END_TEST

/* asyncio_cancel_wait_on_finished.py: a task awaiting a task that has just
 * ended (its wake-up pending) is cancelled: it never resumes after the
 * await. .exp (CPython): main sleep, sleep_task sleep, wait_task wait, main
 * sleep, sleep_task wake, main wait, CancelledError(). */
static coop_status_t sleep_task_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_SLEEP, 0);
    YIELD();
    log_ev(j->id, L_END, 0);
    ASYNC_END;
}

static coop_status_t wait_task_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_WAIT, 0);
    AWAIT_JOIN(&J[j->other].task);
    log_ev(j->id, L_END, 0);
    ASYNC_END;
}

static coop_status_t wait_finished_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, sleep_task_fn); /* the argument is created first */
    spawn(2, wait_task_fn);
    log_ev(j->id, L_MAIN_SLEEP, 0);
    YIELD();
    log_ev(j->id, L_MAIN_SLEEP, 0);
    YIELD();
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    log_ev(j->id, L_MAIN_WAIT, 0);
    AWAIT_JOIN(&J[2].task);
    log_ev(j->id, L_ERR, coop_task_result(&J[2].task));
    ASYNC_END;
}

START_TEST(test_cancel_wait_on_finished)
{
    static const struct line exp[] = {
        {MAIN, L_MAIN_SLEEP, 0, 0}, {1, L_SLEEP, 0, 0}, {2, L_WAIT, 0, 0},
        {MAIN, L_MAIN_SLEEP, 0, 0}, {1, L_END, 0, 0},   {MAIN, L_MAIN_WAIT, 0, 0},
        {MAIN, L_ERR, COOP_ECANCELED, 0},
    };
    prep(2, 0, 1, 0);
    ck_assert_int_eq(run_main(wait_finished_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* A cancel inside finally. Our twin (no MicroPython test): try: sleep(0.1)
 * finally: sleep(0.05); cancelled at 10 ms, cancelled again at 30 ms. CPython
 * 3.13: start / cancel True @10 / finally / cancel True @30 / cancelled @30
 * (the second cancel cuts the finally's sleep). coop differs by design
 * (docs/asyncio.md, cancellation): a coroutine in its FINALLY finishes that
 * section and a second cancel is refused (COOP_EALREADY), so the FINALLY's
 * sleep ends at 60. */
static coop_status_t finally_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SLEEP_MS(100);
    log_ev(j->id, L_NEVER, 0);
    FINALLY;
    log_ev(j->id, L_FINALLY, 0);
    AWAIT_SLEEP_MS(50);
    log_ev(j->id, L_FINALLY_END, 0);
    ASYNC_END;
}

/* Shared with the next test: spawn J[1] running twice_fn, cancel it at 10
 * and at 30, then await it. */
static coop_task_fn twice_fn;
static coop_status_t cancel_twice_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, twice_fn);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_RC, coop_task_cancel(&J[1].task));
    log_ev(j->id, L_CANCELLING, coop_task_cancelling(&J[1].task));
    AWAIT_SLEEP_MS(20);
    log_ev(j->id, L_RC, coop_task_cancel(&J[1].task));
    AWAIT_JOIN(&J[1].task);
    log_ev(j->id, L_CANCELLED, coop_task_result(&J[1].task));
    ASYNC_END;
}

START_TEST(test_cancel_inside_finally)
{
    static const struct line exp[] = {
        {1, L_START, 0, 0},           {MAIN, L_RC, COOP_OK, 10},
        {MAIN, L_CANCELLING, 1, 10},  {1, L_FINALLY, 0, 10},
        {MAIN, L_RC, COOP_EALREADY, 30},                            {1, L_FINALLY_END, 0, 60},
        {MAIN, L_CANCELLED, COOP_ECANCELED, 60},
    };
    twice_fn = finally_sleep_fn;
    ck_assert_int_eq(run_main(cancel_twice_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* A cancel inside a shield. Our twin (no MicroPython test): await
 * shield(inner()) where inner sleeps 100 ms, cancelled at 10 ms. CPython
 * 3.13: inner start / cancel True @10 / outer cancelled @10 / ... / inner
 * end @100 (the outer await ends at once, the inner goes on). coop differs
 * by design (docs/asyncio.md, asyncio.shield): the shield is a section of
 * the task, the cancel is held until SHIELD_END, then the task goes to
 * FINALLY; cancelling() is 1 meanwhile, and a second cancel is
 * COOP_EALREADY. */
static coop_status_t shield_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    SHIELD_BEGIN();
    log_ev(j->id, L_INNER_START, 0);
    AWAIT_SLEEP_MS(100);
    log_ev(j->id, L_INNER_END, 0);
    SHIELD_END();
    log_ev(j->id, L_AFTER, 0);
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCELLED, 0);
    ASYNC_END;
}

START_TEST(test_cancel_inside_shield)
{
    static const struct line exp[] = {
        {1, L_INNER_START, 0, 0},       {MAIN, L_RC, COOP_OK, 10},
        {MAIN, L_CANCELLING, 1, 10},    {MAIN, L_RC, COOP_EALREADY, 30},
        {1, L_INNER_END, 0, 100},       {1, L_CANCELLED, 0, 100},
        {MAIN, L_CANCELLED, COOP_ECANCELED, 100},
    };
    twice_fn = shield_fn;
    ck_assert_int_eq(run_main(cancel_twice_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* ============================================================ tasks, gather */

/* asyncio_await_return.py: a coroutine's and a task's return value (42):
 * through the struct (a result is an error code; docs/asyncio.md, `await
 * task`); the task's result is COOP_OK. .exp: 42, 42. */
static coop_status_t foo_child(struct co *c)
{
    ASYNC(c);
    c->val = 42;
    ASYNC_END;
}

static coop_status_t foo_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->val = 42;
    ASYNC_END;
}

static coop_status_t await_return_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL(&j->c1, foo_child(&j->c1));
    log_ev(j->id, L_RESULT, j->c1.val);
    spawn(1, foo_fn);
    AWAIT_JOIN(&J[1].task);
    log_ev(j->id, L_RESULT, J[1].val);
    ASYNC_END;
}

START_TEST(test_await_return)
{
    static const struct line exp[] = {{MAIN, L_RESULT, 42, 0}, {MAIN, L_RESULT, 42, 0}};
    ck_assert_int_eq(run_main(await_return_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
}
END_TEST

/* asyncio_wait_task.py: await a task; one that has ended already, twice;
 * two tasks in parallel ("took 200 200"); a task that raises, awaited at
 * once and 5 yields later. .exp: start, task 1, task 2, ----, start, hello,
 * world, took 200 200, task_raise, ValueError, task_raise, ValueError. */
static coop_status_t say_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_TASK, j->id);
    ASYNC_END;
}

static coop_status_t delay_say_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_SAY, j->val);
    ASYNC_END;
}

static coop_status_t raise_now_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_RAISE_START, 0);
    ASYNC_END_RC(E_VALUE(0));
}

static coop_status_t wait_task_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    spawn(1, say_fn);
    AWAIT_JOIN(&J[1].task);
    spawn(2, say_fn);
    AWAIT_SLEEP_MS(1);
    AWAIT_JOIN(&J[2].task);
    AWAIT_JOIN(&J[2].task);
    log_ev(j->id, L_SEP, 0);
    prep(3, 200, -1, 0);
    J[3].val = W_HELLO;
    spawn(3, delay_say_fn);
    prep(4, 400, -1, 0);
    J[4].val = W_WORLD;
    spawn(4, delay_say_fn);
    log_ev(j->id, L_START, 0);
    j->t = coop_now();
    AWAIT_JOIN(&J[3].task);
    j->n = (int)coop_tick_diff(coop_now(), j->t);
    j->t = coop_now();
    AWAIT_JOIN(&J[4].task);
    log_ev(j->id, L_TOOK, j->n);
    log_ev(j->id, L_TOOK, (int)coop_tick_diff(coop_now(), j->t));
    spawn(5, raise_now_fn);
    AWAIT_JOIN(&J[5].task);
    log_ev(j->id, L_ERR, coop_task_result(&J[5].task));
    spawn(6, raise_now_fn);
    for (j->i = 0; j->i < 5; j->i++)
        YIELD();
    AWAIT_JOIN(&J[6].task);
    log_ev(j->id, L_ERR, coop_task_result(&J[6].task));
    ASYNC_END;
}

START_TEST(test_wait_task)
{
    static const struct line exp[] = {
        {MAIN, L_START, 0, 0},          {1, L_TASK, 1, 0},
        {2, L_TASK, 2, 0},              {MAIN, L_SEP, 0, 1},
        {MAIN, L_START, 0, 1},          {3, L_SAY, W_HELLO, 201},
        {4, L_SAY, W_WORLD, 401},       {MAIN, L_TOOK, 200, 401},
        {MAIN, L_TOOK, 200, 401},       {5, L_RAISE_START, 0, 401},
        {MAIN, L_ERR, E_VALUE(0), 401}, {6, L_RAISE_START, 0, 401},
        {MAIN, L_ERR, E_VALUE(0), 401},
    };
    ck_assert_int_eq(run_main(wait_task_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_task_done.py: Task.done() before, after a yield, after the await,
 * for tasks that end at once or after a sleep, normally or raising. .exp:
 * ==== False / task start / task done / True / True ==== False / task start
 * / False / task done / True ==== False / task start / True / ValueError() /
 * True ==== False / task start / False / ValueError() / True. */
static coop_status_t td_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    if (j->ms >= 0)
        AWAIT_SLEEP_MS(j->ms);
    if (j->rc == COOP_OK)
        log_ev(j->id, L_DONE, 0);
    ASYNC_END_RC(j->rc);
}

static coop_status_t task_done_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 1; j->i <= 4; j->i++) {
        log_ev(j->id, L_SEP, 0);
        prep(j->i, j->i % 2 == 1 ? -1 : 10, -1, 0);
        J[j->i].rc = j->i <= 2 ? COOP_OK : E_VALUE(0);
        spawn(j->i, td_fn);
        log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[j->i].task));
        YIELD();
        log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[j->i].task));
        AWAIT_JOIN(&J[j->i].task);
        if (coop_task_result(&J[j->i].task) != COOP_OK)
            log_ev(j->id, L_ERR, coop_task_result(&J[j->i].task));
        log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[j->i].task));
    }
    ASYNC_END;
}

START_TEST(test_task_done)
{
    static const struct line exp[] = {
        {MAIN, L_SEP, 0, 0},            {MAIN, L_DONE_FLAG, 0, 0},
        {1, L_START, 0, 0},             {1, L_DONE, 0, 0},
        {MAIN, L_DONE_FLAG, 1, 0},      {MAIN, L_DONE_FLAG, 1, 0},
        {MAIN, L_SEP, 0, 0},            {MAIN, L_DONE_FLAG, 0, 0},
        {2, L_START, 0, 0},             {MAIN, L_DONE_FLAG, 0, 0},
        {2, L_DONE, 0, 10},             {MAIN, L_DONE_FLAG, 1, 10},
        {MAIN, L_SEP, 0, 10},           {MAIN, L_DONE_FLAG, 0, 10},
        {3, L_START, 0, 10},            {MAIN, L_DONE_FLAG, 1, 10},
        {MAIN, L_ERR, E_VALUE(0), 10},  {MAIN, L_DONE_FLAG, 1, 10},
        {MAIN, L_SEP, 0, 10},           {MAIN, L_DONE_FLAG, 0, 10},
        {4, L_START, 0, 10},            {MAIN, L_DONE_FLAG, 0, 10},
        {MAIN, L_ERR, E_VALUE(0), 20},  {MAIN, L_DONE_FLAG, 1, 20},
    };
    ck_assert_int_eq(run_main(task_done_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_exception.py: main raising; a task raising, awaited by main (the
 * error goes on up: main ends with it); main raising while a task it created
 * has not run (it never does: asyncio.run, asyncio_run() here, cancels it
 * before it starts). .exp: main start, ValueError 1, main start, task start,
 * ValueError 2, main start, ValueError 3. */
static coop_status_t exc_main1(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_MAIN_START, 0);
    ASYNC_END_RC(E_VALUE(1));
}

static coop_status_t exc_task(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    ASYNC_END_RC(E_VALUE(2));
}

static coop_status_t exc_main2(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_MAIN_START, 0);
    spawn(1, exc_task);
    AWAIT_JOIN(&J[1].task);
    j->rc = coop_task_result(&J[1].task);
    if (j->rc != COOP_OK)
        ASYNC_RETURN();
    log_ev(j->id, L_MAIN_DONE, 0);
    ASYNC_END_RC(j->rc);
}

static coop_status_t exc_main3(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_MAIN_START, 0);
    spawn(2, say_fn);
    ASYNC_END_RC(E_VALUE(3));
}

START_TEST(test_exception)
{
    static const struct line exp[] = {
        {MAIN, L_MAIN_START, 0, 0}, {MAIN, L_CAUGHT, E_VALUE(1), 0},
        {MAIN, L_MAIN_START, 0, 0}, {1, L_START, 0, 0},
        {MAIN, L_CAUGHT, E_VALUE(2), 0}, {MAIN, L_MAIN_START, 0, 0},
        {MAIN, L_CAUGHT, E_VALUE(3), 0},
    };
    spawn(MAIN, exc_main1);
    log_ev(MAIN, L_CAUGHT, asyncio_run(-1));
    spawn(MAIN, exc_main2);
    log_ev(MAIN, L_CAUGHT, asyncio_run(-1));
    spawn(MAIN, exc_main3);
    log_ev(MAIN, L_CAUGHT, asyncio_run(2));
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[2].task), COOP_ECANCELED);
}
END_TEST

/* asyncio_current_task.py: current_task() outside the loop (RuntimeError:
 * coop_task_current() is NULL) and inside a task (itself). .exp:
 * RuntimeError, True, RuntimeError. */
static coop_status_t current_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->val = coop_task_current() == task;
    ASYNC_END;
}

static coop_status_t current_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(1, current_fn);
    YIELD();
    YIELD();
    log_ev(j->id, L_CURRENT, J[1].val);
    ASYNC_END;
}

START_TEST(test_current_task)
{
    static const struct line exp[] = {
        {MAIN, L_CURRENT, 0, 0}, {MAIN, L_CURRENT, 1, 0}, {MAIN, L_CURRENT, 0, 0},
    };
    log_ev(MAIN, L_CURRENT, coop_task_current() != NULL);
    ck_assert_int_eq(run_main(current_main), COOP_OK);
    log_ev(MAIN, L_CURRENT, coop_task_current() != NULL);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_gather.py. factorial(name, n) computes with a sleep of 10 ms a
 * step; task(id, t) and task_raise(id, t) as above; task_loop(id) says
 * "loop" every 100 ms; gather_task(t0, t1) gathers two tasks it creates. */
static coop_status_t factorial_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    j->val = 1;
    for (j->i = 2; j->i <= j->n; j->i++) {
        log_ev(j->id, L_COMPUTE, j->i);
        AWAIT_SLEEP_MS(10);
        j->val *= j->i;
    }
    log_ev(j->id, L_FACTORIAL, j->val);
    ASYNC_END;
}

static coop_status_t task_loop_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_LOOP_START, 0);
    for (;;) {
        AWAIT_SLEEP_MS(100);
        log_ev(j->id, L_LOOP, 0);
    }
    ASYNC_END;
}

static coop_status_t gather_task_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_GATHER_TASK, 0);
    prep(1, j->ms, -1, 0);
    prep(2, j->ms, -1, 0);
    spawn(1, start_end_fn);
    spawn(2, start_end_fn);
    AWAIT_GATHER(&jt[1], 2);
    log_ev(j->id, L_GATHER_TASK2, 0);
    ASYNC_END;
}

static coop_status_t gather_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* a gather with results */
    J[1].n = 2;
    J[2].n = 3;
    J[3].n = 4;
    spawn(1, factorial_fn);
    spawn(2, factorial_fn);
    spawn(3, factorial_fn);
    AWAIT_GATHER(&jt[1], 3);
    log_results(1, 3);
    log_ev(j->id, L_SEP, 0);
    /* a gather of nothing */
    AWAIT_GATHER(&jt[1], 0);
    log_ev(j->id, L_ITEM, 0);
    log_ev(j->id, L_SEP, 0);
    /* return_exceptions: one cancelled, one finishes */
    prep(1, 100, -1, 0);
    prep(2, 100, -1, 0);
    spawn(1, start_end_fn);
    spawn(2, start_end_fn);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    AWAIT_GATHER(&jt[1], 2);
    log_results(1, 2);
    log_ev(j->id, L_SEP, 0);
    /* return_exceptions: one raises, one finishes */
    prep(1, 100, -1, 0);
    prep(2, 100, -1, 0);
    spawn(1, start_end_fn);
    spawn(2, raise_fn);
    AWAIT_GATHER(&jt[1], 2);
    log_results(1, 2);
    log_ev(j->id, L_SEP, 0);
    /* the first error ends the gather */
    prep(1, 0, -1, 0);
    prep(2, 100, -1, 0);
    spawn(1, task_loop_fn);
    spawn(2, raise_fn);
    AWAIT_GATHER_FIRST_ERROR(j->rc, &jt[1], 2);
    log_ev(j->id, L_RAISED, j->rc);
    log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[1].task));
    log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[2].task));
    (void)coop_task_cancel_all(&jt[1], 2);
    AWAIT_SLEEP_MS(200);
    log_ev(j->id, L_SEP, 0);
    /* both raise, one after the other */
    prep(1, 0, -1, 0);
    prep(2, 0, -1, 0);
    spawn(1, raise_fn);
    spawn(2, raise_fn);
    AWAIT_GATHER_FIRST_ERROR(j->rc, &jt[1], 2);
    log_ev(j->id, L_RAISED, j->rc);
    log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[1].task));
    log_ev(j->id, L_DONE_FLAG, coop_task_done(&J[2].task));
    log_ev(j->id, L_SEP, 0);
    /* cancel a gather: its tasks are cancelled too */
    prep(3, 100, -1, 0);
    spawn(3, gather_task_fn);
    AWAIT_SLEEP_MS(50);
    ck_assert_int_eq(coop_task_cancel(&J[3].task), COOP_OK);
    AWAIT_SLEEP_MS(200);
    /* a gather cancelled just as its tasks are created and ending */
    for (j->i = 1; j->i < 4; j->i++) {
        log_ev(j->id, L_SEP, 0);
        prep(3, 0, -1, 0);
        spawn(3, gather_task_fn);
        for (j->n = 0; j->n < j->i; j->n++)
            YIELD();
        (void)coop_task_cancel(&J[3].task);
        AWAIT_SLEEP_MS(200);
    }
    ASYNC_END;
}

/* .exp (MicroPython), with coop's differences:
 *  - "False True" after the first error: asyncio's gather leaves task_loop
 *    running; coop's AWAIT_GATHER_FIRST_ERROR cancels it and returns when it
 *    has ended (docs/asyncio.md, TaskGroup), so "True True".
 *  - a gather cancelled while its tasks start: the .exp has start 1, start 2
 *    (i = 1) and end 1, end 2 (i = 2), as coop (the gatherer's cancel, so the
 *    cancel of its tasks, lands at its next run: docs/asyncio.md, task.cancel).
 *    CPython cancels them within cancel(): "gather_task" alone for i = 1,
 *    and no "end" lines for i = 2 (not in docs/asyncio.md: its gather row
 *    says "as asyncio's gather does", not when). */
START_TEST(test_gather)
{
    static const struct line exp[] = {
        {1, L_COMPUTE, 2, 0},         {2, L_COMPUTE, 2, 0},          {3, L_COMPUTE, 2, 0},
        {1, L_FACTORIAL, 2, 10},      {2, L_COMPUTE, 3, 10},         {3, L_COMPUTE, 3, 10},
        {2, L_FACTORIAL, 6, 20},      {3, L_COMPUTE, 4, 20},         {3, L_FACTORIAL, 24, 30},
        {MAIN, L_ITEM, 2, 30},        {MAIN, L_ITEM, 6, 30},         {MAIN, L_ITEM, 24, 30},
        {MAIN, L_SEP, 0, 30},         {MAIN, L_ITEM, 0, 30},         {MAIN, L_SEP, 0, 30},
        /* return_exceptions, one cancelled */
        {2, L_START, 0, 30},          {2, L_END, 0, 130},
        {MAIN, L_ERR, COOP_ECANCELED, 130},                          {MAIN, L_ITEM, 2, 130},
        {MAIN, L_SEP, 0, 130},
        /* return_exceptions, one raising */
        {1, L_START, 0, 130},         {2, L_RAISE_START, 0, 130},    {1, L_END, 0, 230},
        {2, L_RAISE, 0, 230},         {MAIN, L_ITEM, 1, 230},        {MAIN, L_ERR, E_VALUE(2), 230},
        {MAIN, L_SEP, 0, 230},
        /* the first error */
        {1, L_LOOP_START, 0, 230},    {2, L_RAISE_START, 0, 230},    {1, L_LOOP, 0, 330},
        {2, L_RAISE, 0, 330},         {MAIN, L_RAISED, E_VALUE(2), 330},
        {MAIN, L_DONE_FLAG, 1, 330},  /* asyncio: False */            {MAIN, L_DONE_FLAG, 1, 330},
        {MAIN, L_SEP, 0, 530},
        /* both raise */
        {1, L_RAISE_START, 0, 530},   {2, L_RAISE_START, 0, 530},    {1, L_RAISE, 0, 530},
        {2, L_RAISE, 0, 530},         {MAIN, L_RAISED, E_VALUE(1), 530},
        {MAIN, L_DONE_FLAG, 1, 530},  {MAIN, L_DONE_FLAG, 1, 530},   {MAIN, L_SEP, 0, 530},
        /* a gather cancelled */
        {3, L_GATHER_TASK, 0, 530},   {1, L_START, 0, 530},          {2, L_START, 0, 530},
        /* cancelled after 1, 2, 3 yields */
        {MAIN, L_SEP, 0, 780},        {3, L_GATHER_TASK, 0, 780},    {1, L_START, 0, 780},
        {2, L_START, 0, 780},
        {MAIN, L_SEP, 0, 980},        {3, L_GATHER_TASK, 0, 980},    {1, L_START, 0, 980},
        {2, L_START, 0, 980},         {1, L_END, 0, 980},            {2, L_END, 0, 980},
        {MAIN, L_SEP, 0, 1180},       {3, L_GATHER_TASK, 0, 1180},   {1, L_START, 0, 1180},
        {2, L_START, 0, 1180},        {1, L_END, 0, 1180},           {2, L_END, 0, 1180},
    };
    ck_assert_int_eq(run_main(gather_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_gather_finished_early.py: the tasks have ended (one or both
 * raising) before the gather starts, with or without a task still running,
 * with or without return_exceptions: 8 runs. Without return_exceptions the
 * twin is AWAIT_GATHER_FIRST_ERROR. .exp lines per run below; coop differs
 * in one run by design: (runs, fail, first error) cancels task_that_runs at
 * the gather (TaskGroup), so its lines 2-4 are missing and done() is True. */
static coop_status_t early_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_EARLY, 0);
    coop_event_set(j->ev);
    ASYNC_END_RC(j->flag ? E_VALUE(j->id) : COOP_OK);
}

static coop_status_t early_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, j->n);
    if (j->n & 4) {
        prep_yield_loop(0, 5, L_RUNS, 1);
        spawn(0, yield_loop_fn);
    }
    prep(1, 0, -1, (j->n & 2) != 0);
    J[1].ev = &ev_a;
    prep(2, 0, -1, (j->n & 2) != 0);
    J[2].ev = &ev_b;
    spawn(1, early_fn);
    spawn(2, early_fn);
    AWAIT_EVENT(&ev_a);
    AWAIT_EVENT(&ev_b);
    j->i = (j->n & 4) ? 0 : 1; /* the first task gathered */
    if (j->n & 1) {
        AWAIT_GATHER(&jt[j->i], (size_t)(3 - j->i));
        j->rc = COOP_OK;
    } else {
        AWAIT_GATHER_FIRST_ERROR(j->rc, &jt[j->i], (size_t)(3 - j->i));
        j->val = (j->n & 4) && coop_task_done(&J[0].task);
    }
    if (j->n & 4)
        AWAIT_JOIN(&J[0].task);
    if (j->rc == COOP_OK) {
        log_ev(j->id, L_COMPLETE, 0);
        log_results(j->i, 3 - j->i);
    } else {
        log_ev(j->id, L_EXCEPTION, j->rc);
        log_ev(j->id, L_DONE_FLAG, j->val);
    }
    ASYNC_END;
}

START_TEST(test_gather_finished_early)
{
    static const struct line r0[] = {
        {MAIN, L_START, 0, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0},
    };
    static const struct line r1[] = {
        {MAIN, L_START, 1, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0},
    };
    static const struct line r2[] = {
        {MAIN, L_START, 2, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {MAIN, L_EXCEPTION, E_VALUE(1), 0}, {MAIN, L_DONE_FLAG, 0, 0},
    };
    static const struct line r3[] = {
        {MAIN, L_START, 3, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ERR, E_VALUE(1), 0}, {MAIN, L_ERR, E_VALUE(2), 0},
    };
    static const struct line r4[] = {
        {MAIN, L_START, 4, 0}, {0, L_RUNS, 0, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {0, L_RUNS, 1, 0}, {0, L_RUNS, 2, 0}, {0, L_RUNS, 3, 0}, {0, L_RUNS, 4, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0},
    };
    static const struct line r5[] = {
        {MAIN, L_START, 5, 0}, {0, L_RUNS, 0, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {0, L_RUNS, 1, 0}, {0, L_RUNS, 2, 0}, {0, L_RUNS, 3, 0}, {0, L_RUNS, 4, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ITEM, 0, 0},
    };
    /* asyncio: runs 1..4, then ('exception', ValueError a, False) */
    static const struct line r6[] = {
        {MAIN, L_START, 6, 0}, {0, L_RUNS, 0, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {0, L_RUNS, 1, 0}, {MAIN, L_EXCEPTION, E_VALUE(1), 0}, {MAIN, L_DONE_FLAG, 1, 0},
    };
    static const struct line r7[] = {
        {MAIN, L_START, 7, 0}, {0, L_RUNS, 0, 0}, {1, L_EARLY, 0, 0}, {2, L_EARLY, 0, 0},
        {0, L_RUNS, 1, 0}, {0, L_RUNS, 2, 0}, {0, L_RUNS, 3, 0}, {0, L_RUNS, 4, 0},
        {MAIN, L_COMPLETE, 0, 0}, {MAIN, L_ITEM, 0, 0}, {MAIN, L_ERR, E_VALUE(1), 0},
        {MAIN, L_ERR, E_VALUE(2), 0},
    };
    static const struct line *const runs[8] = {r0, r1, r2, r3, r4, r5, r6, r7};
    static const size_t lens[8] = {
        sizeof r0 / sizeof r0[0], sizeof r1 / sizeof r1[0], sizeof r2 / sizeof r2[0],
        sizeof r3 / sizeof r3[0], sizeof r4 / sizeof r4[0], sizeof r5 / sizeof r5[0],
        sizeof r6 / sizeof r6[0], sizeof r7 / sizeof r7[0]};
    static const char *const names[8] = {"run 0", "run 1", "run 2", "run 3",
                                         "run 4", "run 5", "run 6", "run 7"};
    int k;
    for (k = 0; k < 8; k++) {
        setup();
        J[MAIN].n = k;
        ck_assert_int_eq(run_main(early_main), COOP_OK);
        expect_lines(runs[k], lens[k], names[k]);
    }
}
END_TEST

/* asyncio_wait_for_linked_task.py: tasks that await each other, awaited by
 * main and by run_until_complete(task) (coop_loop_run_task). .exp (twice):
 * task0 work completed, -> task0 done, task1 work completed, task2 work
 * completed, -> task2 done. */
static coop_status_t linked_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->other >= 0)
        AWAIT_JOIN(&J[j->other].task);
    AWAIT_SLEEP_MS(100);
    log_ev(j->id, L_COMPLETED, 0);
    ASYNC_END;
}

static void plan_linked(void)
{
    prep(0, 0, -1, 0);
    prep(1, 0, 0, 0);
    prep(2, 0, 1, 0);
    spawn(0, linked_fn);
    spawn(1, linked_fn);
    spawn(2, linked_fn);
}

static coop_status_t linked_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    plan_linked();
    AWAIT_JOIN(&J[0].task);
    log_ev(j->id, L_T0_DONE, 0);
    AWAIT_JOIN(&J[2].task);
    log_ev(j->id, L_T2_DONE, 0);
    ASYNC_END;
}

START_TEST(test_wait_for_linked_task)
{
    static const struct line exp[] = {
        {0, L_COMPLETED, 0, 100}, {MAIN, L_T0_DONE, 0, 100}, {1, L_COMPLETED, 0, 200},
        {2, L_COMPLETED, 0, 300}, {MAIN, L_T2_DONE, 0, 300},
    };
    ck_assert_int_eq(run_main(linked_main), COOP_OK);
    EXPECT_LINES(exp);
    setup(); /* the sync test: run_until_complete */
    plan_linked();
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[0].task), COOP_OK);
    log_ev(MAIN, L_T0_DONE, 0);
    ck_assert_int_eq(coop_loop_run_task(&g_loop, &J[2].task), COOP_OK);
    log_ev(MAIN, L_T2_DONE, 0);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio.wait(return_when=FIRST_COMPLETED). Our twin (no MicroPython test):
 * three tasks of 30, 10, 20 ms; wait for the first; wait on the other two
 * with a timeout of 5 ms; again without; then on all three. CPython 3.13:
 * start 0, start 1, start 2, end 1, done [1] pending [0, 2] @10, done []
 * pending [0, 2], end 2, done [2] pending [0] @20, done [1, 2] pending 1.
 * coop's AWAIT_ANY gives one index, the lowest that has ended; the timeout is
 * AWAIT_FOR's (COOP_ETIMEDOUT, index n), asyncio.wait returns empty sets. */
static coop_task_t *const pend[2] = {&J[0].task, &J[2].task};

static coop_status_t wait_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(0, start_end_fn);
    spawn(1, start_end_fn);
    spawn(2, start_end_fn);
    AWAIT_ANY(&jt[0], 3, j->idx);
    log_ev(j->id, L_ANY, (int)j->idx);
    for (j->i = 0; j->i < 3; j->i++)
        if (!coop_task_done(&J[j->i].task))
            log_ev(j->id, L_PENDING, j->i);
    AWAIT_FOR(j->rc, 5, AWAIT_ANY(pend, 2, j->idx));
    log_ev(j->id, L_TIMEOUT, j->rc);
    log_ev(j->id, L_ANY, (int)j->idx);
    AWAIT_ANY(pend, 2, j->idx);
    log_ev(j->id, L_ANY, j->idx == 1 ? 2 : 0);
    AWAIT_ANY(&jt[0], 3, j->idx);
    log_ev(j->id, L_ANY, (int)j->idx);
    ASYNC_END;
}

START_TEST(test_wait_first_completed)
{
    static const struct line exp[] = {
        {0, L_START, 0, 0},           {1, L_START, 0, 0},   {2, L_START, 0, 0},
        {1, L_END, 0, 10},            {MAIN, L_ANY, 1, 10}, {MAIN, L_PENDING, 0, 10},
        {MAIN, L_PENDING, 2, 10},     {MAIN, L_TIMEOUT, COOP_ETIMEDOUT, 15},
        {MAIN, L_ANY, 2, 15},         {2, L_END, 0, 20},    {MAIN, L_ANY, 2, 20},
        {MAIN, L_ANY, 1, 20},         {0, L_END, 0, 30},
    };
    prep(0, 30, -1, 0);
    prep(1, 10, -1, 0);
    prep(2, 20, -1, 0);
    ck_assert_int_eq(run_main(wait_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* ================================================================ wait_for */

/* task_catch() of asyncio_wait_for.py, a coroutine (state j->c1): catches a
 * cancel around its sleep of 200 ms (grandchild j->c2). */
static coop_status_t catch_child(struct job *j)
{
    struct co *c = &j->c1;
    ASYNC(c);
    log_ev(c->id, L_CATCH_START, 0);
    prep_co(&j->c2, c->id, 200);
    AWAIT_CALL_CATCH(c->rc, &j->c2, sleep_child(&j->c2));
    if (c->rc == COOP_ECANCELED)
        log_ev(c->id, L_IGNORE, 0);
    log_ev(c->id, L_CATCH_DONE, 0);
    ASYNC_END;
}

/* task_cancel_other(t, other). */
static coop_status_t cancel_other_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_OTHER_START, 0);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_OTHER_CANCEL, 0);
    (void)coop_task_cancel(&J[j->other].task);
    ASYNC_END;
}

/* task_wait_for_cancel(id, t, t_wait) (flag 0: the child is task(j->n,
 * j->ms)) and task_wait_for_cancel_ignore(t_wait) (flag 1: task_catch). */
static coop_status_t wfc_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_WFC_START, 0);
    prep_co(&j->c1, j->flag ? j->id : j->n, j->ms);
    if (j->flag)
        AWAIT_CALL_FOR(j->rc, 2000, &j->c1, catch_child(j));
    else
        AWAIT_CALL_FOR(j->rc, 2000, &j->c1, start_end_child(&j->c1));
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_WFC_CANCELLED, 0);
    ASYNC_END;
}

static coop_status_t wait_for_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* the coroutine ends before the timeout */
    prep_co(&j->c1, 1, 10);
    AWAIT_CALL_FOR(j->rc, 10000, &j->c1, start_end_child(&j->c1));
    log_ev(j->id, L_RESULT, j->c1.val);
    log_ev(j->id, L_SEP, 0);
    /* the timeout comes first: the coroutine is cancelled */
    prep_co(&j->c1, 2, 10000);
    AWAIT_CALL_FOR(j->rc, 10, &j->c1, start_end_child(&j->c1));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, 0);
    log_ev(j->id, L_SEP, 0);
    /* the timeout comes first, the coroutine catches CancelledError */
    prep_co(&j->c1, j->id, 0);
    AWAIT_CALL_FOR(j->rc, 100, &j->c1, catch_child(j));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, 0);
    else
        log_ev(j->id, L_RESULT, 0);
    log_ev(j->id, L_SEP, 0);
    /* the awaited raises (a task: a coroutine's result is not kept) */
    spawn(1, raise_now_fn);
    AWAIT_FOR(j->rc, 1000, AWAIT_JOIN(&J[1].task));
    log_ev(j->id, L_ERR, coop_task_result(&J[1].task));
    log_ev(j->id, L_SEP, 0);
    /* timeout None: wait forever */
    prep_co(&j->c1, 3, 100);
    AWAIT_CALL(&j->c1, start_end_child(&j->c1));
    log_ev(j->id, L_RESULT, j->c1.val);
    log_ev(j->id, L_SEP, 0);
    /* the awaited task is cancelled by another task */
    prep(4, 10000, -1, 0);
    spawn(4, start_end_fn);
    prep(5, 10, 4, 0);
    spawn(5, cancel_other_fn);
    AWAIT_FOR(j->rc, 1000, AWAIT_JOIN(&J[4].task));
    log_ev(j->id, L_ERR, coop_task_result(&J[4].task));
    log_ev(j->id, L_SEP, 0);
    /* wait_for is cancelled */
    prep(6, 1000, -1, 0);
    J[6].n = 4;
    spawn(6, wfc_fn);
    AWAIT_SLEEP_MS(10);
    (void)coop_task_cancel(&J[6].task);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_SEP, 0);
    /* wait_for is cancelled, and the coroutine takes the cancel */
    prep(7, 0, -1, 1);
    spawn(7, wfc_fn);
    AWAIT_SLEEP_MS(10);
    (void)coop_task_cancel(&J[7].task);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_SEP, 0);
    /* wait_for is cancelled as its coroutine ends */
    for (j->i = 1; j->i < 5; j->i++) {
        prep(6, 0, -1, 0);
        J[6].n = 4 + j->i;
        spawn(6, wfc_fn);
        for (j->n = 0; j->n < j->i; j->n++)
            YIELD();
        log_ev(j->id, L_CANCEL_WAIT_FOR, coop_task_cancel(&J[6].task));
        AWAIT_JOIN(&J[6].task);
        if (coop_task_result(&J[6].task) != COOP_OK)
            log_ev(j->id, L_ERR, coop_task_result(&J[6].task));
        log_ev(j->id, L_SEP, 0);
    }
    log_ev(j->id, L_FINISH, 0);
    ASYNC_END;
}

/* asyncio_wait_for.py. coop follows CPython 3.12+ (the coroutine runs in the
 * awaiting task), where MicroPython's .exp (a separate task) differs:
 *  - the wait_for cancelled whose coroutine takes the cancel: the coroutine
 *    goes on to its end and the task is not cancelled (CPython 3.13: no
 *    "task_wait_for_cancel_ignore cancelled"; the .exp has it);
 *  - wait_for cancelled as its coroutine ends: after 1 yield the coroutine
 *    has started (".exp": cancel wait_for before task start 5); after 2 or
 *    more it has ended, so has the task, and the cancel is COOP_EALREADY
 *    (CPython 3.13's `assert not t.done()` fails there; the .exp has the
 *    cancel land).
 * and coop differs by design (docs/asyncio.md, AWAIT_CALL_CATCH): a catch
 * inside the coroutine never takes the timeout's cancel, so task_catch ends
 * at the deadline with TimeoutError (the .exp: ignore cancel, task_catch
 * done, TimeoutError; CPython 3.13: the same, then None). */
START_TEST(test_wait_for)
{
    static const struct line exp[] = {
        {1, L_START, 0, 0},           {1, L_END, 0, 10},             {MAIN, L_RESULT, 2, 10},
        {MAIN, L_SEP, 0, 10},         {2, L_START, 0, 10},           {MAIN, L_TIMEOUT, 0, 20},
        {MAIN, L_SEP, 0, 20},         {MAIN, L_CATCH_START, 0, 20},  {MAIN, L_TIMEOUT, 0, 120},
        {MAIN, L_SEP, 0, 120},        {1, L_RAISE_START, 0, 120},
        {MAIN, L_ERR, E_VALUE(0), 120},                              {MAIN, L_SEP, 0, 120},
        {3, L_START, 0, 120},         {3, L_END, 0, 220},            {MAIN, L_RESULT, 6, 220},
        {MAIN, L_SEP, 0, 220},        {4, L_START, 0, 220},          {5, L_OTHER_START, 0, 220},
        {5, L_OTHER_CANCEL, 0, 230},  {MAIN, L_ERR, COOP_ECANCELED, 230},
        {MAIN, L_SEP, 0, 230},        {6, L_WFC_START, 0, 230},      {4, L_START, 0, 230},
        {6, L_WFC_CANCELLED, 0, 240}, {MAIN, L_SEP, 0, 250},         {7, L_WFC_START, 0, 250},
        {7, L_CATCH_START, 0, 250},   {7, L_IGNORE, 0, 260},         {7, L_CATCH_DONE, 0, 260},
        {MAIN, L_SEP, 0, 270},
        /* cancelled after 1 yield */
        {6, L_WFC_START, 0, 270},     {5, L_START, 0, 270},
        {MAIN, L_CANCEL_WAIT_FOR, COOP_OK, 270},                     {6, L_WFC_CANCELLED, 0, 270},
        {MAIN, L_ERR, COOP_ECANCELED, 270},                          {MAIN, L_SEP, 0, 270},
        /* after 2, 3, 4 yields */
        {6, L_WFC_START, 0, 270},     {6, L_START, 0, 270},          {6, L_END, 0, 270},
        {MAIN, L_CANCEL_WAIT_FOR, COOP_EALREADY, 270},               {MAIN, L_SEP, 0, 270},
        {6, L_WFC_START, 0, 270},     {7, L_START, 0, 270},          {7, L_END, 0, 270},
        {MAIN, L_CANCEL_WAIT_FOR, COOP_EALREADY, 270},               {MAIN, L_SEP, 0, 270},
        {6, L_WFC_START, 0, 270},     {8, L_START, 0, 270},          {8, L_END, 0, 270},
        {MAIN, L_CANCEL_WAIT_FOR, COOP_EALREADY, 270},               {MAIN, L_SEP, 0, 270},
        {MAIN, L_FINISH, 0, 270},
    };
    ck_assert_int_eq(run_main(wait_for_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[7].task), COOP_OK); /* took the cancel */
}
END_TEST

/* asyncio_wait_for_fwd.py: wait() awaits wait_for(awaiting(2, catch_inside),
 * 1) and catches CancelledError (re-raising it unless `catch`); another task
 * cancels wait() at 10 ms. catch: AWAIT_CALL_CATCH; else AWAIT_CALL with a
 * FINALLY. catch_inside: awaiting catches around its sleep and returns. */
static coop_status_t fwd_awaiting(struct job *j)
{
    struct co *c = &j->c2;
    ASYNC(c);
    log_ev(j->id, L_AWAITING_STARTED, 0);
    if (j->flag & 2) {
        prep_co(&j->c3, j->id, 2000);
        AWAIT_CALL_CATCH(c->rc, &j->c3, sleep_child(&j->c3));
        if (c->rc == COOP_ECANCELED)
            log_ev(j->id, L_AWAITING_CANCELED, 0);
    } else {
        AWAIT_SLEEP_MS(2000);
    }
    c->flag = 1;
    FINALLY;
    if (!c->flag)
        log_ev(j->id, L_AWAITING_CANCELED, 0);
    ASYNC_END;
}

static coop_status_t fwd_wait(struct job *j)
{
    struct co *c = &j->c1;
    ASYNC(c);
    prep_co(&j->c2, j->id, 0);
    AWAIT_CALL_FOR(c->rc, 1000, &j->c2, fwd_awaiting(j));
    if (c->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_GOT_TIMEOUT, 0);
    ASYNC_END;
}

static coop_status_t fwd_wait_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    prep_co(&j->c1, j->id, 0);
    if (j->flag & 1) {
        AWAIT_CALL_CATCH(j->rc, &j->c1, fwd_wait(j));
        if (j->rc == COOP_ECANCELED)
            log_ev(j->id, L_GOT_CANCELED, 0);
    } else {
        AWAIT_CALL(&j->c1, fwd_wait(j));
    }
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_GOT_CANCELED, 0);
    ASYNC_END;
}

static coop_status_t fwd_cancel_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_CANCEL_STARTED, 0);
    AWAIT_SLEEP_MS(10);
    log_ev(j->id, L_CANCEL_WAIT, 0);
    (void)coop_task_cancel(&J[1].task);
    ASYNC_END;
}

static coop_status_t fwd_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_SEP, 0);
    spawn(1, fwd_wait_fn);
    spawn(2, fwd_cancel_fn);
    AWAIT_JOIN(&J[1].task);
    if (coop_task_result(&J[1].task) == COOP_ECANCELED)
        log_ev(j->id, L_WAITING_GOT_CANCELLED, 0);
    ASYNC_END;
}

/* coop follows CPython 3.13 (the coroutine runs in wait()'s task, so it
 * starts before the cancelling task, and a cancel reaches it first,
 * innermost first as docs/asyncio.md says; when it takes the cancel, wait()
 * goes on). MicroPython's .exp (wait_for's coroutine a separate task) has
 * "cancel started" first, "Got canceled" before "awaiting canceled" and
 * wait() cancelled in all four runs. */
START_TEST(test_wait_for_fwd)
{
    static const struct line ff[] = { /* catch False, catch_inside False */
        {MAIN, L_SEP, 0, 0},            {1, L_AWAITING_STARTED, 0, 0},
        {2, L_CANCEL_STARTED, 0, 0},    {2, L_CANCEL_WAIT, 0, 10},
        {1, L_AWAITING_CANCELED, 0, 10}, {1, L_GOT_CANCELED, 0, 10},
        {MAIN, L_WAITING_GOT_CANCELLED, 0, 10},
    };
    static const struct line ft[] = { /* catch False, catch_inside True */
        {MAIN, L_SEP, 0, 0},            {1, L_AWAITING_STARTED, 0, 0},
        {2, L_CANCEL_STARTED, 0, 0},    {2, L_CANCEL_WAIT, 0, 10},
        {1, L_AWAITING_CANCELED, 0, 10},
    };
    static const struct line tf[] = { /* catch True, catch_inside False */
        {MAIN, L_SEP, 0, 0},            {1, L_AWAITING_STARTED, 0, 0},
        {2, L_CANCEL_STARTED, 0, 0},    {2, L_CANCEL_WAIT, 0, 10},
        {1, L_AWAITING_CANCELED, 0, 10}, {1, L_GOT_CANCELED, 0, 10},
    };
    J[1].flag = 0;
    ck_assert_int_eq(run_main(fwd_main), COOP_OK);
    EXPECT_LINES(ff);
    setup();
    J[1].flag = 2;
    ck_assert_int_eq(run_main(fwd_main), COOP_OK);
    EXPECT_LINES(ft);
    setup();
    J[1].flag = 3; /* catch True, catch_inside True: as ft */
    ck_assert_int_eq(run_main(fwd_main), COOP_OK);
    EXPECT_LINES(ft);
    setup();
    J[1].flag = 1;
    ck_assert_int_eq(run_main(fwd_main), COOP_OK);
    EXPECT_LINES(tf);
}
END_TEST

/* Nested timeouts (tests/check_nest.c has the rest). asyncio: the inner
 * wait_for times out at 10 and the coroutine goes on; so does coop with
 * COOP_DEADLINE_NEST > 1. With 1 (the default, one deadline at a time) an
 * AWAIT_FOR inside AWAIT_CALL_FOR's child asserts and runs under the outer
 * one (docs/asyncio.md, wait_for). */
static coop_status_t inner_for_child(struct job *j)
{
    struct co *c = &j->c1;
    ASYNC(c);
    AWAIT_FOR(c->rc, 10, AWAIT_EVENT(&ev_a));
    log_ev(j->id, L_TIMEOUT, c->rc);
    FINALLY;
    log_ev(j->id, L_FINALLY, 0);
    ASYNC_END;
}

static coop_status_t nested_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    prep_co(&j->c1, j->id, 0);
    AWAIT_CALL_FOR(j->rc, 100, &j->c1, inner_for_child(j));
    log_ev(j->id, L_RESULT, j->rc);
    ASYNC_END;
}

START_TEST(test_nested_timeout)
{
#if COOP_DEADLINE_NEST > 1
    static const struct line exp[] = {
        {MAIN, L_TIMEOUT, COOP_ETIMEDOUT, 10}, {MAIN, L_FINALLY, 0, 10},
        {MAIN, L_RESULT, COOP_OK, 10},
    };
    ck_assert_int_eq(run_main(nested_main), COOP_OK);
    EXPECT_LINES(exp);
#else
    static const struct line exp[] = {
        {MAIN, L_FINALLY, 0, 100}, {MAIN, L_RESULT, COOP_ETIMEDOUT, 100},
    };
    scenario_record_asserts();
    ck_assert_int_eq(run_main(nested_main), COOP_OK);
    EXPECT_LINES(exp);
    EXPECT_ASSERT("one deadline at a time");
#endif
}
END_TEST

/* ============================================================== the loop */

/* asyncio_loop_stop.py: loop.stop() from a task; run_forever three times.
 * .exp: run 0, start, sleep, run 1, run 2, task, end. */
static coop_status_t ls_task(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_TASK, 0);
    ASYNC_END;
}

static coop_status_t loop_stop_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    coop_loop_stop(coop_task_loop(task));
    coop_loop_stop(coop_task_loop(task)); /* twice: no harm */
    log_ev(j->id, L_SLEEP, 0);
    YIELD();
    coop_loop_stop(coop_task_loop(task));
    spawn(1, ls_task);
    YIELD();
    log_ev(j->id, L_END, 0);
    coop_loop_stop(coop_task_loop(task));
    ASYNC_END;
}

START_TEST(test_loop_stop)
{
    static const struct line exp[] = {
        {MAIN, L_RUN, 0, 0}, {MAIN, L_START, 0, 0}, {MAIN, L_SLEEP, 0, 0}, {MAIN, L_RUN, 1, 0},
        {MAIN, L_RUN, 2, 0}, {1, L_TASK, 0, 0},     {MAIN, L_END, 0, 0},
    };
    int k;
    spawn(MAIN, loop_stop_main);
    for (k = 0; k < 3; k++) {
        log_ev(MAIN, L_RUN, k);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_ESTOPPED);
    }
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK); /* nothing left */
}
END_TEST

/* asyncio_new_event_loop.py: main starts a task, yields once, stops the
 * loop; then a new loop runs the same program, and the old loop's task does
 * not run on (coop_loop_init abandons the tasks of the loop before: the old
 * task is J[1], the new loop's are J[8] and J[2]). .exp: start, task 0,
 * stop, start, task 0, stop. */
static coop_status_t nel_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    prep_yield_loop(j->other, 4, L_TASK, 2);
    spawn(j->other, yield_loop_fn);
    YIELD();
    log_ev(j->id, L_STOP, 0);
    coop_loop_stop(coop_task_loop(task));
    ASYNC_END;
}

START_TEST(test_new_event_loop)
{
    static const struct line exp[] = {
        {MAIN, L_START, 0, 0}, {1, L_TASK, 0, 0}, {MAIN, L_STOP, 0, 0},
        {8, L_START, 0, 0},    {2, L_TASK, 0, 0}, {8, L_STOP, 0, 0},
    };
    J[MAIN].other = 1;
    ck_assert_int_eq(run_main(nel_main), COOP_ESTOPPED);
    ck_assert_int_eq(coop_loop_init(&g_loop), COOP_OK); /* a new loop */
    J[8].other = 2;
    spawn(8, nel_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_ESTOPPED);
    EXPECT_LINES(exp);
}
END_TEST

/* ================================================================ events */

/* asyncio_event.py. task(id, ev): start, print(await ev.wait()), end. */
static coop_status_t ev_task(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_EVENT(j->ev);
    log_ev(j->id, L_TRUE, 1);
    log_ev(j->id, L_END, 0);
    ASYNC_END;
}

static coop_status_t ev_delay_set(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_MS(j->ms);
    log_ev(j->id, L_SET, 0);
    coop_event_set(j->ev);
    ASYNC_END;
}

static void spawn_on(int k, coop_event_t *ev, coop_task_fn fn)
{
    J[k].ev = ev;
    spawn(k, fn);
}

static coop_status_t event_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* set and clear without waiters, is_set() */
    log_ev(j->id, L_IS_SET, coop_event_is_set(&ev_a));
    coop_event_set(&ev_a);
    log_ev(j->id, L_IS_SET, coop_event_is_set(&ev_a));
    coop_event_clear(&ev_a);
    log_ev(j->id, L_IS_SET, coop_event_is_set(&ev_a));
    /* two tasks wait */
    log_ev(j->id, L_SEP, 0);
    spawn_on(1, &ev_a, ev_task);
    spawn_on(2, &ev_a, ev_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_SET, 0);
    coop_event_set(&ev_a);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    /* a task waits on the event that is set */
    log_ev(j->id, L_SEP, 0);
    spawn_on(3, &ev_a, ev_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    /* clear, a task waits, set */
    log_ev(j->id, L_SEP, 0);
    log_ev(j->id, L_CLEAR, 0);
    coop_event_clear(&ev_a);
    spawn_on(4, &ev_a, ev_task);
    YIELD();
    log_ev(j->id, L_SET, 0);
    coop_event_set(&ev_a);
    YIELD();
    /* a waiter cancelled after the set that woke it */
    log_ev(j->id, L_SEP, 0);
    spawn_on(5, &ev_b, ev_task);
    YIELD();
    coop_event_set(&ev_b);
    ck_assert_int_eq(coop_task_cancel(&J[5].task), COOP_OK);
    AWAIT_SLEEP_MS(100);
    /* a waiter cancelled before the set */
    log_ev(j->id, L_SEP, 0);
    spawn_on(6, &ev_c, ev_task);
    YIELD();
    ck_assert_int_eq(coop_task_cancel(&J[6].task), COOP_OK);
    coop_event_set(&ev_c);
    AWAIT_SLEEP_MS(100);
    /* wait_for on the event, set in time */
    log_ev(j->id, L_SEP, 0);
    coop_event_clear(&ev_c);
    J[0].ms = 10;
    spawn_on(0, &ev_c, ev_delay_set);
    AWAIT_FOR(j->rc, 100, AWAIT_EVENT(&ev_c));
    ck_assert_int_eq(j->rc, COOP_OK);
    YIELD();
    /* wait_for on the event, not set in time */
    log_ev(j->id, L_SEP, 0);
    coop_event_clear(&ev_c);
    J[0].ms = 100;
    spawn_on(0, &ev_c, ev_delay_set);
    AWAIT_FOR(j->rc, 10, AWAIT_EVENT(&ev_c));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, 0);
    AWAIT_EVENT(&ev_c);
    ASYNC_END;
}

/* .exp: False True False / ---- / yield / start 1 / start 2 / set event /
 * yield / True / end 1 / True / end 2 / ---- / yield / start 3 / True / end
 * 3 / ---- / clear event / start 4 / set event / True / end 4 / ---- / start
 * 5 / ---- / start 6 / ---- / set event / ---- / TimeoutError / set event. */
START_TEST(test_event)
{
    static const struct line exp[] = {
        {MAIN, L_IS_SET, 0, 0},  {MAIN, L_IS_SET, 1, 0}, {MAIN, L_IS_SET, 0, 0},
        {MAIN, L_SEP, 0, 0},     {MAIN, L_YIELD, 0, 0},  {1, L_START, 0, 0},
        {2, L_START, 0, 0},      {MAIN, L_SET, 0, 0},    {MAIN, L_YIELD, 0, 0},
        {1, L_TRUE, 1, 0},       {1, L_END, 0, 0},       {2, L_TRUE, 1, 0},
        {2, L_END, 0, 0},        {MAIN, L_SEP, 0, 0},    {MAIN, L_YIELD, 0, 0},
        {3, L_START, 0, 0},      {3, L_TRUE, 1, 0},      {3, L_END, 0, 0},
        {MAIN, L_SEP, 0, 0},     {MAIN, L_CLEAR, 0, 0},  {4, L_START, 0, 0},
        {MAIN, L_SET, 0, 0},     {4, L_TRUE, 1, 0},      {4, L_END, 0, 0},
        {MAIN, L_SEP, 0, 0},     {5, L_START, 0, 0},     {MAIN, L_SEP, 0, 100},
        {6, L_START, 0, 100},    {MAIN, L_SEP, 0, 200},  {0, L_SET, 0, 210},
        {MAIN, L_SEP, 0, 210},   {MAIN, L_TIMEOUT, 0, 220}, {0, L_SET, 0, 310},
    };
    ck_assert_int_eq(run_main(event_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_int_eq(coop_task_result(&J[5].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_result(&J[6].task), COOP_ECANCELED);
}
END_TEST

/* asyncio_event_fair.py: tasks that set, clear and wait on one event in a
 * loop do not take over from tasks that yield (their lines carry the turn
 * here). .exp (CPython's): sleep 0,
 * wait 2, sleep 1, wait 3, sleep 0, sleep 1, wait 2, sleep 0, sleep 1, wait
 * 3, sleep 0, sleep 1, wait 2, wait 3, wait 2, wait 3. */
static coop_status_t ev_wait_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < 4; j->i++) {
        coop_event_set(&ev_a);
        coop_event_clear(&ev_a);
        log_ev(j->id, L_WAIT, 0);
        AWAIT_EVENT(&ev_a);
    }
    ASYNC_END;
}

static coop_status_t event_fair_main(coop_task_t *task)
{
    ASYNC(task);
    prep_yield_loop(0, 4, L_SLEEP, 1);
    prep_yield_loop(1, 4, L_SLEEP, 1);
    spawn(0, yield_loop_fn);
    spawn(2, ev_wait_fn);
    spawn(1, yield_loop_fn);
    spawn(3, ev_wait_fn);
    AWAIT_JOIN(&J[2].task);
    coop_event_set(&ev_a);
    ASYNC_END;
}

START_TEST(test_event_fair)
{
    static const struct line exp[] = {
        {0, L_SLEEP, 0, 0}, {2, L_WAIT, 0, 0},  {1, L_SLEEP, 0, 0}, {3, L_WAIT, 0, 0},
        {0, L_SLEEP, 1, 0}, {1, L_SLEEP, 1, 0}, {2, L_WAIT, 0, 0},  {0, L_SLEEP, 2, 0},
        {1, L_SLEEP, 2, 0}, {3, L_WAIT, 0, 0},  {0, L_SLEEP, 3, 0}, {1, L_SLEEP, 3, 0},
        {2, L_WAIT, 0, 0},  {3, L_WAIT, 0, 0},  {2, L_WAIT, 0, 0},  {3, L_WAIT, 0, 0},
    };
    ck_assert_int_eq(run_main(event_fair_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_event_queue.py and asyncio_iterator_event.py: a task waits on an
 * event while no task is ready and no timer armed; the event is set from
 * outside the loop's tasks (micropython.schedule there: a call an interrupt
 * posts here, coop_call_post, while the loop sleeps). The loop must stay
 * alive until then. .exp: main started, foo waiting, asyncio still pending,
 * unlocking event, foo done, main done. */
static void ev_call_fn(coop_call_t *call)
{
    (void)call;
    log_ev(8, L_UNLOCK, 0);
    coop_event_set(&ev_a);
}

static void post_on_idle(void)
{
    if (!idle_posted) {
        idle_posted = 1;
        coop_call_post(&ev_call);
    }
}

static coop_status_t foo_wait_child(struct job *j)
{
    struct co *c = &j->c1;
    ASYNC(c);
    log_ev(j->id, L_WAIT, 0);
    AWAIT_EVENT(&ev_a);
    log_ev(j->id, L_DONE, 0);
    ASYNC_END;
}

static coop_status_t event_idle_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_MAIN_START, 0);
    AWAIT_CALL(&j->c1, foo_wait_child(j));
    log_ev(j->id, L_MAIN_DONE, 0);
    ASYNC_END;
}

START_TEST(test_event_set_while_idle)
{
    static const struct line exp[] = {
        {MAIN, L_MAIN_START, 0, 0}, {MAIN, L_WAIT, 0, 0}, {8, L_UNLOCK, 0, 0},
        {MAIN, L_DONE, 0, 0},       {MAIN, L_MAIN_DONE, 0, 0},
    };
    coop_call_init(&ev_call, ev_call_fn);
    coop_virtual_on_idle = post_on_idle;
    ck_assert_int_eq(run_main(event_idle_main), COOP_OK);
    coop_virtual_on_idle = NULL;
    EXPECT_LINES(exp);
}
END_TEST

/* ================================================================= locks */

/* asyncio_lock.py. task_loop(id): takes and releases the lock 3 times;
 * task_sleep: holds it 200 ms, then takes it again; task_cancel(id,
 * to_cancel): holds it 100 ms, then cancels to_cancel; a cancel while it
 * waits or holds is logged, and its FINALLY releases what it holds (no
 * `async with` here: docs/asyncio.md, Lock). */
static coop_status_t lock_loop_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    for (j->i = 0; j->i < 3; j->i++) {
        AWAIT_LOCK(&lock);
        log_ev(j->id, L_HAVE, j->i);
        ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    }
    log_ev(j->id, L_END, 0);
    ASYNC_END;
}

/* task_sleep as a coroutine of the task that awaits it (state j->c1). */
static coop_status_t lock_sleep_child(struct job *j)
{
    struct co *c = &j->c1;
    ASYNC(c);
    AWAIT_LOCK(&lock);
    log_ev(j->id, L_HAVE, coop_lock_locked(&lock));
    AWAIT_SLEEP_MS(200);
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    log_ev(j->id, L_RELEASE, coop_lock_locked(&lock));
    AWAIT_LOCK(&lock);
    log_ev(j->id, L_HAVE_AGAIN, 0);
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    ASYNC_END;
}

static coop_status_t lock_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL(&j->c1, lock_sleep_child(j));
    ASYNC_END;
}

static coop_status_t lock_cancel_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_LOCK(&lock);
    log_ev(j->id, L_GOT, 0);
    AWAIT_SLEEP_MS(100);
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    log_ev(j->id, L_RELEASE, 0);
    if (j->other >= 0)
        (void)coop_task_cancel(&J[j->other].task);
    j->body = 1;
    FINALLY;
    if (lock.owner == task)
        ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

static coop_status_t lock_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* acquire, release */
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    AWAIT_LOCK(&lock);
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    YIELD();
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    YIELD();
    AWAIT_LOCK(&lock);
    log_ev(j->id, L_HAVE, 0);
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    /* 3 tasks want it */
    log_ev(j->id, L_SEP, 0);
    spawn(1, lock_loop_fn);
    spawn(2, lock_loop_fn);
    spawn(3, lock_loop_fn);
    AWAIT_LOCK(&lock);
    YIELD();
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    AWAIT_JOIN(&J[3].task);
    /* 2 sleeping tasks want it */
    log_ev(j->id, L_SEP, 0);
    spawn(4, lock_sleep_fn);
    AWAIT_SLEEP_MS(100);
    AWAIT_CALL(&j->c1, lock_sleep_child(j));
    /* the first cancels the second, the third still gets it */
    log_ev(j->id, L_SEP, 0);
    prep(0, 0, 1, 0);
    prep(1, 0, -1, 0);
    prep(2, 0, -1, 0);
    spawn(0, lock_cancel_fn);
    spawn(1, lock_cancel_fn);
    spawn(2, lock_cancel_fn);
    AWAIT_SLEEP_MS(300);
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    /* the second and third are cancelled while they wait and hold */
    log_ev(j->id, L_SEP, 0);
    prep(0, 0, -1, 0);
    prep(1, 0, -1, 0);
    prep(2, 0, -1, 0);
    spawn(0, lock_cancel_fn);
    spawn(1, lock_cancel_fn);
    spawn(2, lock_cancel_fn);
    AWAIT_SLEEP_MS(50);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    AWAIT_SLEEP_MS(100);
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    AWAIT_SLEEP_MS(100);
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    ASYNC_END;
}

/* .exp (CPython's): False True False / have lock / ---- / task start 1 2 3 /
 * task have 1 0, 2 0, 3 0, 1 1, 2 1, 3 1, 1 2 / task end 1 / task have 2 2 /
 * task end 2 / task have 3 2 / task end 3 / ---- / task have True / task
 * release False / task have True / task release False / task have again x2
 * / ---- / task got 0 / task release 0 / task cancel 1 / task got 2 / task
 * release 2 / False / ---- / task got 0 / task cancel 1 / task release 0 /
 * task got 2 / task cancel 2 / False. */
START_TEST(test_lock)
{
    static const struct line exp[] = {
        {MAIN, L_LOCKED, 0, 0},     {MAIN, L_LOCKED, 1, 0},     {MAIN, L_LOCKED, 0, 0},
        {MAIN, L_HAVE, 0, 0},       {MAIN, L_SEP, 0, 0},        {1, L_START, 0, 0},
        {2, L_START, 0, 0},         {3, L_START, 0, 0},         {1, L_HAVE, 0, 0},
        {2, L_HAVE, 0, 0},          {3, L_HAVE, 0, 0},          {1, L_HAVE, 1, 0},
        {2, L_HAVE, 1, 0},          {3, L_HAVE, 1, 0},          {1, L_HAVE, 2, 0},
        {1, L_END, 0, 0},           {2, L_HAVE, 2, 0},          {2, L_END, 0, 0},
        {3, L_HAVE, 2, 0},          {3, L_END, 0, 0},           {MAIN, L_SEP, 0, 0},
        {4, L_HAVE, 1, 0},          {4, L_RELEASE, 0, 200},     {MAIN, L_HAVE, 1, 200},
        {MAIN, L_RELEASE, 0, 400},  {4, L_HAVE_AGAIN, 0, 400},  {MAIN, L_HAVE_AGAIN, 0, 400},
        {MAIN, L_SEP, 0, 400},      {0, L_GOT, 0, 400},         {0, L_RELEASE, 0, 500},
        {1, L_CANCEL, 0, 500},      {2, L_GOT, 0, 500},         {2, L_RELEASE, 0, 600},
        {MAIN, L_LOCKED, 0, 700},   {MAIN, L_SEP, 0, 700},      {0, L_GOT, 0, 700},
        {1, L_CANCEL, 0, 750},      {0, L_RELEASE, 0, 800},     {2, L_GOT, 0, 800},
        {2, L_CANCEL, 0, 850},      {MAIN, L_LOCKED, 0, 950},
    };
    ck_assert_int_eq(run_main(lock_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* asyncio_lock_cancel.py: four tasks wait on a lock main holds; two are
 * cancelled while they wait, then main releases: the other two take it in
 * turn, each finding lock_flag False. .exp (CPython's): task 0..3 start,
 * task 1 cancel, task 2 cancel, task 0 lock_flag False, task 0 done, task 3
 * lock_flag False, task 3 done, False. */
static coop_status_t lock_flag_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_LOCK(&lock);
    j->body = 1;
    log_ev(j->id, L_FLAG, lock_flag);
    lock_flag = 1;
    YIELD();
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    lock_flag = 0;
    log_ev(j->id, L_DONE, 0);
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

static coop_status_t lock_cancel_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_LOCK(&lock);
    lock_flag = 1;
    spawn(0, lock_flag_fn);
    spawn(1, lock_flag_fn);
    spawn(2, lock_flag_fn);
    spawn(3, lock_flag_fn);
    YIELD();
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[2].task), COOP_OK);
    ck_assert_int_eq(coop_lock_release(&lock), COOP_OK);
    lock_flag = 0;
    for (j->i = 0; j->i < 4; j->i++)
        YIELD();
    log_ev(j->id, L_LOCKED, coop_lock_locked(&lock));
    ASYNC_END;
}

START_TEST(test_lock_cancel)
{
    static const struct line exp[] = {
        {0, L_START, 0, 0},  {1, L_START, 0, 0},  {2, L_START, 0, 0}, {3, L_START, 0, 0},
        {1, L_CANCEL, 0, 0}, {2, L_CANCEL, 0, 0}, {0, L_FLAG, 0, 0},  {0, L_DONE, 0, 0},
        {3, L_FLAG, 0, 0},   {3, L_DONE, 0, 0},   {MAIN, L_LOCKED, 0, 0},
    };
    ck_assert_int_eq(run_main(lock_cancel_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* ============================================================ semaphores */

/* A semaphore under cancel and timeout. Our twin (no MicroPython test):
 * worker(i, t): start; async with sem: got, sleep t; release (or cancel).
 * BoundedSemaphore(2) and five workers, worker 2 cancelled while it waits;
 * then main holds both units, two workers wait, main releases one and
 * cancels the worker it woke before that runs: the unit passes on; then
 * wait_for(sem.acquire(), 0.01) with no unit, and one release too many.
 * CPython 3.13 (and 3.11): start 0 / got 0 / start 1 / got 1 / start 2 3 4 /
 * cancel 2: True / cancel 2 / release 0 / release 1 / got 3 / got 4 /
 * release 3 / release 4 / ---- / start 5 / start 6 / cancel 5 / got 6 /
 * release 6 / ---- / TimeoutError / ValueError / False. */
static coop_status_t sem_worker_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_START, 0);
    AWAIT_SEM(&sem);
    j->n = 1; /* holds a unit */
    log_ev(j->id, L_GOT, 0);
    AWAIT_SLEEP_MS(j->ms);
    ck_assert_int_eq(coop_sem_release(&sem), COOP_OK);
    j->n = 0;
    log_ev(j->id, L_RELEASE, 0);
    j->body = 1;
    FINALLY;
    if (j->n)
        ck_assert_int_eq(coop_sem_release(&sem), COOP_OK);
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

static coop_status_t sem_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < 5; j->i++) {
        prep(j->i, 100, -1, 0);
        spawn(j->i, sem_worker_fn);
    }
    AWAIT_SLEEP_MS(50);
    log_ev(j->id, L_RC, coop_task_cancel(&J[2].task));
    AWAIT_SLEEP_MS(200);
    log_ev(j->id, L_SEP, 0);
    AWAIT_SEM(&sem);
    AWAIT_SEM(&sem);
    prep(5, 100, -1, 0);
    prep(6, 100, -1, 0);
    spawn(5, sem_worker_fn);
    spawn(6, sem_worker_fn);
    YIELD();
    ck_assert_int_eq(coop_sem_release(&sem), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[5].task), COOP_OK);
    AWAIT_SLEEP_MS(200);
    log_ev(j->id, L_SEP, 0);
    AWAIT_SEM(&sem); /* main holds both again */
    AWAIT_FOR(j->rc, 10, AWAIT_SEM(&sem));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, coop_sem_count(&sem));
    ck_assert_int_eq(coop_sem_release(&sem), COOP_OK);
    ck_assert_int_eq(coop_sem_release(&sem), COOP_OK);
    log_ev(j->id, L_RC, coop_sem_release(&sem)); /* ValueError */
    log_ev(j->id, L_LOCKED, coop_sem_count(&sem) == 0);
    ASYNC_END;
}

START_TEST(test_semaphore)
{
    static const struct line exp[] = {
        {0, L_START, 0, 0},          {0, L_GOT, 0, 0},           {1, L_START, 0, 0},
        {1, L_GOT, 0, 0},            {2, L_START, 0, 0},         {3, L_START, 0, 0},
        {4, L_START, 0, 0},          {MAIN, L_RC, COOP_OK, 50},  {2, L_CANCEL, 0, 50},
        {0, L_RELEASE, 0, 100},      {1, L_RELEASE, 0, 100},     {3, L_GOT, 0, 100},
        {4, L_GOT, 0, 100},          {3, L_RELEASE, 0, 200},     {4, L_RELEASE, 0, 200},
        {MAIN, L_SEP, 0, 250},       {5, L_START, 0, 250},       {6, L_START, 0, 250},
        {5, L_CANCEL, 0, 250},       {6, L_GOT, 0, 250},         {6, L_RELEASE, 0, 350},
        {MAIN, L_SEP, 0, 450},       {MAIN, L_TIMEOUT, 0, 460},
        {MAIN, L_RC, COOP_ERANGE, 460},                          {MAIN, L_LOCKED, 0, 460},
    };
    scenario_record_asserts();
    ck_assert_int_eq(run_main(sem_main), COOP_OK);
    EXPECT_LINES(exp);
    EXPECT_ASSERT("released more often than acquired");
}
END_TEST

/* ================================================================ queues */

/* A queue under cancel and timeout. Our twin (no MicroPython test):
 * Queue(2); a producer of 4 records beside a consumer that takes one every
 * 10 ms; wait_for(q.get(), 0.01) on the empty queue; two getters, the first
 * cancelled after a put woke it (the record passes to the second); a full
 * queue, two putters, the first cancelled while it waits (its record is not
 * put). CPython 3.13 (and 3.11): put 0 / put 1 / put 2 / got 0 / put 3 / got
 * 1 / producer done / got 2 / got 3 / ---- / TimeoutError 0 / ---- / getter
 * 1 cancel / getter 2 got 10 / ---- / putter 1 cancel / 20 / putter 2 put /
 * 21 2 0 / never / 0. The last two lines: wait_for(q.put(30), 0) is
 * TimeoutError in asyncio however free the queue (the coroutine never runs);
 * coop's AWAIT_FOR with 0 polls (sched.h: "the wait gives up at once unless
 * it can end now"), so the put is done and rc is COOP_OK, then 1 record
 * (not in docs/asyncio.md: its wait_for row does not say it; AWAIT_CALL_FOR
 * with 0 does as asyncio, its child never runs).
 * Getters 1 and 2 are J[1] and J[2], putters 1 and 2 are J[3] and J[4]. */
static coop_status_t producer_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < 4; j->i++) {
        log_ev(j->id, L_PUT, j->i);
        AWAIT_PUT(&q, &j->i);
    }
    log_ev(j->id, L_PRODUCER_DONE, 0);
    ASYNC_END;
}

static coop_status_t consumer_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->i = 0; j->i < 4; j->i++) {
        AWAIT_SLEEP_MS(10);
        AWAIT_GET(&q, &j->val);
        log_ev(j->id, L_GOT, j->val);
    }
    ASYNC_END;
}

static coop_status_t getter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_GET(&q, &j->val);
    log_ev(j->id, L_GETTER_GOT, j->val);
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

static coop_status_t putter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_PUT(&q, &j->val);
    log_ev(j->id, L_PUTTER_PUT, 0);
    j->body = 1;
    FINALLY;
    if (!j->body)
        log_ev(j->id, L_CANCEL, 0);
    ASYNC_END;
}

static coop_status_t queue_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    spawn(5, producer_fn);
    spawn(6, consumer_fn);
    AWAIT_GATHER(&jt[5], 2);
    log_ev(j->id, L_SEP, 0);
    AWAIT_FOR(j->rc, 10, AWAIT_GET(&q, &j->val));
    if (j->rc == COOP_ETIMEDOUT)
        log_ev(j->id, L_TIMEOUT, coop_queue_count(&q));
    log_ev(j->id, L_SEP, 0);
    spawn(1, getter_fn);
    spawn(2, getter_fn);
    YIELD();
    j->val = 10;
    ck_assert_int_eq(coop_queue_try_put(&q, &j->val), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    YIELD();
    YIELD();
    log_ev(j->id, L_SEP, 0);
    j->val = 20;
    ck_assert_int_eq(coop_queue_try_put(&q, &j->val), COOP_OK);
    j->val = 21;
    ck_assert_int_eq(coop_queue_try_put(&q, &j->val), COOP_OK);
    J[3].val = 1;
    J[4].val = 2;
    spawn(3, putter_fn);
    spawn(4, putter_fn);
    YIELD();
    ck_assert_int_eq(coop_task_cancel(&J[3].task), COOP_OK);
    YIELD();
    ck_assert_int_eq(coop_queue_try_get(&q, &j->val), COOP_OK);
    log_ev(j->id, L_ITEM, j->val);
    YIELD();
    YIELD();
    ck_assert_int_eq(coop_queue_try_get(&q, &j->val), COOP_OK);
    log_ev(j->id, L_ITEM, j->val);
    ck_assert_int_eq(coop_queue_try_get(&q, &j->val), COOP_OK);
    log_ev(j->id, L_ITEM, j->val);
    log_ev(j->id, L_ITEM, coop_queue_count(&q));
    j->val = 30;
    AWAIT_FOR(j->rc, 0, AWAIT_PUT(&q, &j->val));
    log_ev(j->id, L_RC, j->rc); /* asyncio: TimeoutError */
    log_ev(j->id, L_ITEM, coop_queue_count(&q)); /* asyncio: 0 */
    ASYNC_END;
}

START_TEST(test_queue)
{
    static const struct line exp[] = {
        {5, L_PUT, 0, 0},            {5, L_PUT, 1, 0},            {5, L_PUT, 2, 0},
        {6, L_GOT, 0, 10},           {5, L_PUT, 3, 10},           {6, L_GOT, 1, 20},
        {5, L_PRODUCER_DONE, 0, 20}, {6, L_GOT, 2, 30},           {6, L_GOT, 3, 40},
        {MAIN, L_SEP, 0, 40},        {MAIN, L_TIMEOUT, 0, 50},    {MAIN, L_SEP, 0, 50},
        {1, L_CANCEL, 0, 50},        {2, L_GETTER_GOT, 10, 50},   {MAIN, L_SEP, 0, 50},
        {3, L_CANCEL, 0, 50},        {MAIN, L_ITEM, 20, 50},      {4, L_PUTTER_PUT, 0, 50},
        {MAIN, L_ITEM, 21, 50},      {MAIN, L_ITEM, 2, 50},       {MAIN, L_ITEM, 0, 50},
        {MAIN, L_RC, COOP_OK, 50},   {MAIN, L_ITEM, 1, 50},
    };
    ck_assert_int_eq(run_main(queue_main), COOP_OK);
    EXPECT_LINES(exp);
}
END_TEST

/* ======================================================== ThreadSafeFlag */

/* asyncio_threadsafeflag.py: a task waits on the flag; it is set from the
 * loop; from scheduler context (micropython.schedule: here a call posted as
 * an interrupt would, coop_call_post); before the wait; set, cleared
 * (coop_flag_take), set again. .exp: yield / task 1 / set event / yield /
 * wait task / task 1 done / ---- / yield / task 2 / set event / yield / wait
 * task / task 2 done / ---- / set event / yield / task 3 / task 3 done / wait
 * task / ---- / set event / yield / clear event / yield / yield / task 4 /
 * set event / yield / wait task / task 4 done. coop differs once by design
 * (docs/asyncio.md, ThreadSafeFlag): a wait on a flag that is set already
 * lets the loop run once first, so "wait task" comes before "task 3 done". */
static coop_status_t tsf_task(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    log_ev(j->id, L_TASK, 0);
    AWAIT_FLAG(&tsf);
    log_ev(j->id, L_DONE, 0);
    ASYNC_END;
}

static void set_call_fn(coop_call_t *call)
{
    (void)call;
    coop_flag_set(&tsf);
}

static coop_status_t tsf_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    /* set from within the loop */
    spawn(1, tsf_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_SET, 0);
    coop_flag_set(&tsf);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_WAIT_TASK, 0);
    AWAIT_JOIN(&J[1].task);
    /* set from scheduler (interrupt) context */
    log_ev(j->id, L_SEP, 0);
    spawn(2, tsf_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_SET, 0);
    coop_call_post(&set_call);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_WAIT_TASK, 0);
    AWAIT_JOIN(&J[2].task);
    /* set already */
    log_ev(j->id, L_SEP, 0);
    log_ev(j->id, L_SET, 0);
    coop_flag_set(&tsf);
    spawn(3, tsf_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_WAIT_TASK, 0);
    AWAIT_JOIN(&J[3].task);
    /* set, cleared, set again */
    log_ev(j->id, L_SEP, 0);
    log_ev(j->id, L_SET, 0);
    coop_flag_set(&tsf);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_CLEAR, 0);
    (void)coop_flag_take(&tsf);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    spawn(4, tsf_task);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_SET, 0);
    coop_flag_set(&tsf);
    log_ev(j->id, L_YIELD, 0);
    YIELD();
    log_ev(j->id, L_WAIT_TASK, 0);
    AWAIT_JOIN(&J[4].task);
    ASYNC_END;
}

START_TEST(test_threadsafeflag)
{
    static const struct line exp[] = {
        {MAIN, L_YIELD, 0, 0}, {1, L_TASK, 0, 0},      {MAIN, L_SET, 0, 0},
        {MAIN, L_YIELD, 0, 0}, {MAIN, L_WAIT_TASK, 0, 0}, {1, L_DONE, 0, 0},
        {MAIN, L_SEP, 0, 0},   {MAIN, L_YIELD, 0, 0},  {2, L_TASK, 0, 0},
        {MAIN, L_SET, 0, 0},   {MAIN, L_YIELD, 0, 0},  {MAIN, L_WAIT_TASK, 0, 0},
        {2, L_DONE, 0, 0},     {MAIN, L_SEP, 0, 0},    {MAIN, L_SET, 0, 0},
        {MAIN, L_YIELD, 0, 0}, {3, L_TASK, 0, 0},
        {MAIN, L_WAIT_TASK, 0, 0}, /* asyncio: after task 3 done */
        {3, L_DONE, 0, 0},     {MAIN, L_SEP, 0, 0},    {MAIN, L_SET, 0, 0},
        {MAIN, L_YIELD, 0, 0}, {MAIN, L_CLEAR, 0, 0},  {MAIN, L_YIELD, 0, 0},
        {MAIN, L_YIELD, 0, 0}, {4, L_TASK, 0, 0},      {MAIN, L_SET, 0, 0},
        {MAIN, L_YIELD, 0, 0}, {MAIN, L_WAIT_TASK, 0, 0}, {4, L_DONE, 0, 0},
    };
    coop_call_init(&set_call, set_call_fn);
    ck_assert_int_eq(run_main(tsf_main), COOP_OK);
    EXPECT_LINES(exp);
    ck_assert_uint_eq(coop_flag_count(&tsf), 1);
}
END_TEST

/* ========================================================== the suite */

/* Twins that show coop doing other than docs/asyncio.md says go here
 * (tcase_add_test(tc, ...)): they run only with COOP_CONFORMANCE_KNOWN_BUGS=1
 * in the environment, so the suite stays green until include/coop is fixed.
 * None now. */
static void add_known_bugs(Suite *s)
{
    const char *on = getenv("COOP_CONFORMANCE_KNOWN_BUGS");
    TCase *tc;
    if (on == NULL || strcmp(on, "1") != 0)
        return;
    tc = tcase_create("known_bugs");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    suite_add_tcase(s, tc);
}

Suite *coop_conformance_suite(void);
Suite *coop_conformance_suite(void)
{
    Suite *s = suite_create("conformance");
    TCase *tc = tcase_create("micropython");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
    /* ordering and sleeps */
    tcase_add_test(tc, test_basic);
    tcase_add_test(tc, test_basic2);
    tcase_add_test(tc, test_fair);
    tcase_add_test(tc, test_heaplock_order);
    tcase_add_test(tc, test_micropython_wait_for_ms);
    tcase_add_test(tc, test_wake_order_fifo);
    /* cancel */
    tcase_add_test(tc, test_cancel_fair);
    tcase_add_test(tc, test_cancel_fair2);
    tcase_add_test(tc, test_cancel_self);
    tcase_add_test(tc, test_cancel_task);
    tcase_add_test(tc, test_cancel_wait_on_finished);
    tcase_add_test(tc, test_cancel_awaiting_a_task);
    tcase_add_test(tc, test_cancel_inside_finally);
    tcase_add_test(tc, test_cancel_inside_shield);
    /* tasks, gather, wait */
    tcase_add_test(tc, test_await_return);
    tcase_add_test(tc, test_wait_task);
    tcase_add_test(tc, test_task_done);
    tcase_add_test(tc, test_exception);
    tcase_add_test(tc, test_current_task);
    tcase_add_test(tc, test_gather);
    tcase_add_test(tc, test_gather_finished_early);
    tcase_add_test(tc, test_wait_for_linked_task);
    tcase_add_test(tc, test_wait_first_completed);
    /* wait_for */
    tcase_add_test(tc, test_wait_for);
    tcase_add_test(tc, test_wait_for_fwd);
    tcase_add_test(tc, test_nested_timeout);
    /* the loop */
    tcase_add_test(tc, test_loop_stop);
    tcase_add_test(tc, test_new_event_loop);
    /* events, locks, semaphores, queues, flags */
    tcase_add_test(tc, test_event);
    tcase_add_test(tc, test_event_fair);
    tcase_add_test(tc, test_event_set_while_idle);
    tcase_add_test(tc, test_lock);
    tcase_add_test(tc, test_lock_cancel);
    tcase_add_test(tc, test_semaphore);
    tcase_add_test(tc, test_queue);
    tcase_add_test(tc, test_threadsafeflag);
    suite_add_tcase(s, tc);
    add_known_bugs(s);
    return s;
}
