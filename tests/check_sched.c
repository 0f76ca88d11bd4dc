/* Scheduler tests (coop/sched.h) on the virtual clock (ports/virtual.h):
 * order and fairness, exact sleeps, tick wrap, chained long sleeps, join and
 * gather, cancel, re-spawn, run/run_until/deadlock, idling, many tasks.
 *
 * The virtual clock only moves when the loop idles, straight to the next
 * deadline, so every tick below is exact. Tasks log (id, step, tick) events
 * with the tick read from coop_loop_now(coop_task_loop(task)). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)1000) /* the clock when every test starts */
#define MAX_EV 4096
#define NJOBS 16

struct ev {
    int id;
    int step;
    coop_tick_t tick;
};

/* One task and everything it needs across resume points. */
struct job {
    coop_task_t task;
    int id;
    int n;              /* steps, periods, ... */
    int i;              /* a loop counter that survives resume points */
    uint32_t ticks;     /* a sleep length */
    coop_tick_t when;   /* a deadline */
    coop_tick_t when2;  /* a second deadline */
    int calls;          /* times the task function was entered */
    int body;           /* reached the end of its body */
    int cleanup;        /* times its FINALLY section started */
    int cleaned;        /* times its FINALLY section completed */
    int rc;             /* a return code the task observed */
    int rc2;            /* another one */
    coop_tick_t tick;   /* when something of interest happened */
    coop_task_t *other; /* a task to spawn, join or cancel */
    coop_task_t *others[NJOBS];
    size_t nothers;
    coop_flag_t flag;   /* for a wait that ends at once */
};



static coop_loop_t g_loop;
static struct job J[NJOBS];
static struct ev evs[MAX_EV];
static size_t nev;

static void unexpected_assert(const char *msg, const char *file, int line)
{
    ck_abort_msg("unexpected COOP_ASSERT at %s:%d: %s", file, line, msg);
}

/* Reset every piece of global state (also right with CK_FORK=no). */
static void reset(coop_tick_t start)
{
    int k;
    coop_priv_running = NULL;
    coop_virtual_on_assert = unexpected_assert;
    coop_virtual_set(start);
    coop_virtual_idles = 0;
    memset(J, 0, sizeof J);
    for (k = 0; k < NJOBS; k++)
        J[k].id = k;
    memset(evs, 0, sizeof evs);
    nev = 0;
    memset(&g_loop, 0, sizeof g_loop);
    coop_loop_init(&g_loop);
}

static void setup(void)
{
    reset(T0);
}

static void teardown(void)
{
    coop_priv_running = NULL;
    coop_virtual_on_assert = NULL;
}

static struct job *job_of(coop_task_t *task)
{
    return COOP_CONTAINER_OF(task, struct job, task);
}

static void log_ev(struct job *j, int step)
{
    ck_assert_uint_lt(nev, MAX_EV);
    evs[nev].id = j->id;
    evs[nev].step = step;
    evs[nev].tick = coop_loop_now(coop_task_loop(&j->task));
    nev++;
}

static void spawn(int k, coop_task_fn fn)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[k].task, fn), COOP_OK);
}

/* T0 + n, wrapping */
static coop_tick_t t0_plus(uint32_t n)
{
    return coop_tick_add(T0, n);
}

static void expect_ev(size_t k, int id, int step, coop_tick_t tick)
{
    ck_assert_uint_lt(k, nev);
    ck_assert_msg(evs[k].id == id && evs[k].step == step && evs[k].tick == tick,
                  "event %u: got (%d, %d, tick %lu), expected (%d, %d, tick %lu)", (unsigned)k,
                  evs[k].id, evs[k].step, (unsigned long)evs[k].tick, id, step,
                  (unsigned long)tick);
}

/* ------------------------------------------------------------ task bodies */

/* Logs steps 0..n, yielding between them. At step 0, spawns `other` (if set)
 * with the same body. */
static coop_status_t yielder_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    for (j->i = 0;; j->i++) {
        log_ev(j, j->i);
        if (j->i == 0 && j->other != NULL)
            ck_assert_int_eq(coop_task_spawn(coop_task_loop(task), j->other, yielder_fn), COOP_OK);
        if (j->i == j->n)
            break;
        YIELD();
    }
    j->body = 1;
    ASYNC_END;
}

/* Like yielder_fn, with AWAIT_SLEEP_MS(0) instead of YIELD. */
static coop_status_t sleep0_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    for (j->i = 0;; j->i++) {
        log_ev(j, j->i);
        if (j->i == j->n)
            break;
        AWAIT_SLEEP_MS(0);
    }
    ASYNC_END;
}

/* n times: sleep `ticks` ms, log. */
static coop_status_t blink_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    for (j->i = 0; j->i < j->n; j->i++) {
        AWAIT_SLEEP_MS(j->ticks);
        log_ev(j, j->i);
    }
    j->body = 1;
    ASYNC_END;
}

/* Sleep until `when`, then until `when2`, log. */
static coop_status_t until2_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_UNTIL(j->when);
    AWAIT_SLEEP_UNTIL(j->when2);
    log_ev(j, 0);
    ASYNC_END;
}

/* Sleep `ticks` ticks once (AWAIT_SLEEP_TICKS), log. */
static coop_status_t sleep_ticks_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(j->ticks);
    log_ev(j, 0);
    j->body = 1;
    ASYNC_END;
}

/* Ends at once. */
static coop_status_t noop_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->body = 1;
    ASYNC_END;
}

/* Sleep `ticks` (0: none), then AWAIT_JOIN(other), log the result it sees. */
static coop_status_t joiner_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    if (j->ticks != 0)
        AWAIT_SLEEP_TICKS(j->ticks);
    AWAIT_JOIN(j->other);
    j->rc = coop_task_result(j->other);
    log_ev(j, 0);
    j->body = 1;
    FINALLY;
    j->cleanup++;
    ASYNC_END;
}

/* AWAIT_GATHER(others, nothers), log. */
static coop_status_t gather_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_GATHER(j->others, j->nothers);
    log_ev(j, 0);
    j->body = 1;
    ASYNC_END;
}

/* Log, sleep `ticks`, set body; FINALLY: log step 1, count. */
static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    log_ev(j, 0);
    AWAIT_SLEEP_TICKS(j->ticks);
    j->body = 1;
    FINALLY;
    j->cleanup++;
    log_ev(j, 1);
    ASYNC_END;
}

/* Sleep `ticks`, cancel `others` (rc of the first cancel in rc), log. */
static coop_status_t canceller_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    size_t k;
    j->calls++;
    ASYNC(task);
    if (j->ticks != 0)
        AWAIT_SLEEP_TICKS(j->ticks);
    for (k = 0; k < j->nothers; k++) {
        int rc = coop_task_cancel(j->others[k]);
        if (k == 0)
            j->rc = rc;
        else
            ck_assert_int_eq(rc, COOP_OK);
    }
    log_ev(j, 0);
    ASYNC_END;
}

/* Sleeps 1000 ticks; cleanup sleeps 50 ticks. */
static coop_status_t slow_cleanup_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(1000);
    j->body = 1;
    FINALLY;
    j->cleanup++;
    log_ev(j, 1);
    AWAIT_SLEEP_TICKS(50);
    j->cleaned++;
    log_ev(j, 2);
    ASYNC_END;
}

/* At +10 cancel `other` (rc), at +20 cancel it again (rc2). */
static coop_status_t double_cancel_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(10);
    j->rc = coop_task_cancel(j->other);
    AWAIT_SLEEP_TICKS(10);
    j->rc2 = coop_task_cancel(j->other);
    ASYNC_END;
}

/* Join `other`, spawn it again, join it again. */
static coop_status_t restarter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_JOIN(j->other);
    log_ev(j, 0);
    j->rc = coop_task_spawn(coop_task_loop(task), j->other, yielder_fn);
    AWAIT_JOIN(j->other);
    log_ev(j, 1);
    ASYNC_END;
}

/* Sleep `ticks`, then record coop_task_result(other) in rc. */
static coop_status_t peek_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_TICKS(j->ticks);
    j->rc = coop_task_result(j->other);
    ASYNC_END;
}

/* ------------------------------------------------------- order, fairness */

START_TEST(test_yield_order)
{
    J[0].n = 1;
    J[1].n = 3;
    J[2].n = 2;
    spawn(0, yielder_fn);
    spawn(1, yielder_fn);
    spawn(2, yielder_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 9);
    /* each pass: the tasks still running, in spawn order */
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 1, 0, T0);
    expect_ev(2, 2, 0, T0);
    expect_ev(3, 0, 1, T0);
    expect_ev(4, 1, 1, T0);
    expect_ev(5, 2, 1, T0);
    expect_ev(6, 1, 2, T0);
    expect_ev(7, 2, 2, T0);
    expect_ev(8, 1, 3, T0);
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(J[1].calls, 4);
    ck_assert_int_eq(J[2].calls, 3);
    ck_assert_uint_eq(g_loop.alive, 0);
    ck_assert_uint_eq(g_loop.idles, 0);
    ck_assert_uint_eq(coop_virtual_idles, 0);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
}
END_TEST

START_TEST(test_spawn_from_task)
{
    /* B spawns D at its first step: D is queued behind A (which yielded
     * before), ahead of B and C (which yield after). */
    J[0].n = 2;
    J[1].n = 2;
    J[1].other = &J[3].task;
    J[2].n = 2;
    J[3].n = 1;
    spawn(0, yielder_fn);
    spawn(1, yielder_fn);
    spawn(2, yielder_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 11);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 1, 0, T0);
    expect_ev(2, 2, 0, T0);
    expect_ev(3, 0, 1, T0);
    expect_ev(4, 3, 0, T0);
    expect_ev(5, 1, 1, T0);
    expect_ev(6, 2, 1, T0);
    expect_ev(7, 0, 2, T0);
    expect_ev(8, 3, 1, T0);
    expect_ev(9, 1, 2, T0);
    expect_ev(10, 2, 2, T0);
}
END_TEST

START_TEST(test_sleep0_is_yield)
{
    /* A sleeps 0 between steps, B yields: the same interleaving as two
     * yielders; the clock does not move until C's 5-tick sleep. */
    J[0].n = 3;
    J[1].n = 3;
    J[2].ticks = 5;
    spawn(0, sleep0_fn);
    spawn(1, yielder_fn);
    spawn(2, sleep_ticks_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 9);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 1, 0, T0);
    expect_ev(2, 0, 1, T0);
    expect_ev(3, 1, 1, T0);
    expect_ev(4, 0, 2, T0);
    expect_ev(5, 1, 2, T0);
    expect_ev(6, 0, 3, T0);
    expect_ev(7, 1, 3, T0);
    expect_ev(8, 2, 0, t0_plus(5));
    ck_assert_int_eq(J[0].calls, 4);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(coop_virtual_idles, 1);
}
END_TEST

/* ------------------------------------------------------------ sleeping */

START_TEST(test_blink_two_leds)
{
    /* the guide's two LEDs: 250 ms x 10 and 100 ms x 20, concurrently */
    size_t k = 0;
    uint32_t tick;
    uint32_t wake_ticks = 0;
    int s0 = 0, s1 = 0;
    J[0].ticks = 250;
    J[0].n = 10;
    J[1].ticks = 100;
    J[1].n = 20;
    spawn(0, blink_fn);
    spawn(1, blink_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 30);
    /* both due: LED 0 first, its timer was armed earlier */
    for (tick = 1; tick <= 2500; tick++) {
        int due = 0;
        if (tick % 250 == 0 && s0 < 10) {
            expect_ev(k++, 0, s0++, t0_plus(tick));
            due = 1;
        }
        if (tick % 100 == 0 && s1 < 20) {
            expect_ev(k++, 1, s1++, t0_plus(tick));
            due = 1;
        }
        wake_ticks += (uint32_t)due;
    }
    ck_assert_uint_eq(k, 30);
    ck_assert_uint_eq(coop_port_now(), t0_plus(2500));
    ck_assert_uint_eq(coop_loop_now(&g_loop), t0_plus(2500));
    /* one idle per distinct wake tick: never while a task was ready */
    ck_assert_uint_eq(wake_ticks, 26);
    ck_assert_uint_eq(g_loop.idles, wake_ticks);
    ck_assert_uint_eq(coop_virtual_idles, wake_ticks);
}
END_TEST

/* Timers due on one tick wake in the order they were armed, whatever wheel
 * level they were armed in (the target is 5000 ticks after the start). */
static const uint32_t arm_at[8] = {4990, 0, 4096, 100, 4999, 4095, 3000, 4000};
static const int arm_order[8] = {1, 3, 6, 7, 5, 2, 0, 4}; /* ids sorted by arm_at */

START_TEST(test_same_tick_arming_order)
{
    static const coop_tick_t starts[3] = {T0, (coop_tick_t)(0 - 3000), (coop_tick_t)(0 - 4996)};
    int s, k;
    for (s = 0; s < 3; s++) {
        reset(starts[s]);
        for (k = 0; k < 8; k++) {
            J[k].when = coop_tick_add(starts[s], arm_at[k]);
            J[k].when2 = coop_tick_add(starts[s], 5000);
            spawn(k, until2_fn);
        }
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        ck_assert_uint_eq(nev, 8);
        for (k = 0; k < 8; k++)
            expect_ev((size_t)k, arm_order[k], 0, coop_tick_add(starts[s], 5000));
    }
}
END_TEST

START_TEST(test_sleep_until_and_ticks)
{
    /* until a future tick; until a past one and until now (no wait, no
     * idle); AWAIT_SLEEP_TICKS */
    J[0].when = t0_plus(123);
    J[0].when2 = t0_plus(100);
    spawn(0, until2_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    expect_ev(0, 0, 0, t0_plus(123));
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_int_eq(J[0].calls, 3); /* start, wake at 123, one pass for the past deadline */

    reset(T0);
    J[0].when = T0;
    J[0].when2 = (coop_tick_t)(T0 - 1);
    spawn(0, until2_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    expect_ev(0, 0, 0, T0);
    ck_assert_uint_eq(g_loop.idles, 0);
    ck_assert_uint_eq(coop_port_now(), T0);

    reset(T0);
    J[0].ticks = 77;
    J[1].ticks = 1;
    spawn(0, sleep_ticks_fn);
    spawn(1, sleep_ticks_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 2);
    expect_ev(0, 1, 0, t0_plus(1));
    expect_ev(1, 0, 0, t0_plus(77));
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_uint_eq(g_loop.idles, 2);
}
END_TEST

/* ------------------------------------------------------------- tick wrap */

START_TEST(test_tick_wrap)
{
    /* 100 ticks before the wrap; periodic sleepers run across it: the
     * longest (COOP_TICK_MAX_WAIT x 6) crosses it 3 times with 16- and with
     * 32-bit ticks, the 250-tick one 4 times (16-bit) or once (32-bit). */
    const coop_tick_t start = (coop_tick_t)(0 - 100);
    const uint32_t period[3] = {250, 1000, (uint32_t)COOP_TICK_MAX_WAIT};
    const int count[3] = {800, 200, 6};
    int k;
    size_t e;
    uint64_t longest = 0;
    reset(start);
    ck_assert_uint_eq(sizeof(coop_tick_t) * 8, COOP_TICK_BITS);
    for (k = 0; k < 3; k++) {
        J[k].ticks = period[k];
        J[k].n = count[k];
        spawn(k, blink_fn);
    }
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1006);
    for (k = 0; k < 3; k++) {
        coop_tick_t prev = start;
        int seen = 0;
        uint32_t wraps = 0;
        uint64_t total = (uint64_t)period[k] * (uint64_t)count[k];
        uint64_t expected_wraps = ((uint64_t)start + total) >> COOP_TICK_BITS;
        for (e = 0; e < nev; e++) {
            if (evs[e].id != k)
                continue;
            ck_assert_int_eq(evs[e].step, seen);
            ck_assert_msg(coop_tick_diff(evs[e].tick, prev) == (coop_stick_t)period[k],
                          "task %d step %d: woke %ld ticks after the previous wake, not %lu", k,
                          seen, (long)coop_tick_diff(evs[e].tick, prev),
                          (unsigned long)period[k]);
            if (evs[e].tick < prev)
                wraps++;
            prev = evs[e].tick;
            seen++;
        }
        ck_assert_int_eq(seen, count[k]);
        ck_assert_uint_eq(prev, (coop_tick_t)((uint64_t)start + total));
        ck_assert_uint_eq(wraps, expected_wraps);
        ck_assert_uint_ge(wraps, 1);
        if (total > longest)
            longest = total;
    }
    ck_assert_uint_eq(coop_port_now(), (coop_tick_t)((uint64_t)start + longest));
}
END_TEST

/* ------------------------------------------------------ chained sleeps */

START_TEST(test_long_sleep_chained)
{
    /* longer than one wait: the library chains them; the task is not
     * resumed in between and wakes exactly at start + duration */
    static const coop_tick_t starts[2] = {T0, (coop_tick_t)(0 - 100)};
    const uint32_t max = (uint32_t)COOP_TICK_MAX_WAIT;
    const uint32_t dur[4] = {100000u, max + max / 2u, max, max + 1u};
    int s, k;
    for (s = 0; s < 2; s++) {
        reset(starts[s]);
        for (k = 0; k < 4; k++) {
            J[k].ticks = dur[k];
            spawn(k, sleep_ticks_fn);
        }
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        ck_assert_uint_eq(nev, 4);
        for (k = 0; k < 4; k++) {
            size_t e;
            for (e = 0; e < nev && evs[e].id != k; e++)
                ;
            ck_assert_uint_lt(e, nev);
            ck_assert_msg(evs[e].tick == (coop_tick_t)(starts[s] + dur[k]),
                          "sleep of %lu ticks from %lu woke at %lu, expected %lu",
                          (unsigned long)dur[k], (unsigned long)starts[s],
                          (unsigned long)evs[e].tick,
                          (unsigned long)(coop_tick_t)(starts[s] + dur[k]));
            ck_assert_int_eq(J[k].calls, 2);
        }
    }
}
END_TEST

/* Busy for `ticks` ticks of the clock (the loop sees a late pass). */
static coop_status_t busy_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_SLEEP_TICKS(j->ticks);
    coop_virtual_advance((uint32_t)j->n);
    ASYNC_END;
}

START_TEST(test_long_sleep_chained_late_link)
{
    /* A pass that runs long makes the loop reach the link of a chained
     * sleep late; the sleep must still end at start + duration (no drift:
     * the remaining time counts from the link's tick, not from the late
     * pass). */
    const uint32_t dur = (uint32_t)COOP_TICK_MAX_WAIT + (uint32_t)COOP_TICK_MAX_WAIT / 2u;
    J[0].ticks = dur;
    J[1].ticks = (uint32_t)COOP_TICK_MAX_WAIT - 5u;
    J[1].n = 10; /* busy until MAX_WAIT + 5 */
    spawn(0, sleep_ticks_fn);
    spawn(1, busy_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    ck_assert_msg(evs[0].tick == t0_plus(dur), "woke at T0 + %lu, expected T0 + %lu",
                  (unsigned long)(coop_tick_t)(evs[0].tick - T0), (unsigned long)dur);
    ck_assert_int_eq(J[0].calls, 2);

    /* the late pass overruns the whole rest of the sleep (3 ticks): the
     * task wakes in the very pass that follows, not 3 ticks after it */
    reset(T0);
    J[0].ticks = (uint32_t)COOP_TICK_MAX_WAIT + 3u;
    J[1].ticks = (uint32_t)COOP_TICK_MAX_WAIT - 5u;
    J[1].n = 15; /* busy until MAX_WAIT + 10 */
    spawn(0, sleep_ticks_fn);
    spawn(1, busy_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    ck_assert_msg(evs[0].tick == t0_plus((uint32_t)COOP_TICK_MAX_WAIT + 10u),
                  "woke at T0 + %lu, expected T0 + MAX_WAIT + 10 = %lu",
                  (unsigned long)(coop_tick_t)(evs[0].tick - T0),
                  (unsigned long)COOP_TICK_MAX_WAIT + 10ul);
    ck_assert_int_eq(J[0].calls, 2);
}
END_TEST

/* Sleep, then an AWAIT_FOR that ends at once (a set flag), then sleep
 * again: both sleeps are `ticks` long. */
static coop_status_t timed_then_sleep_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    coop_flag_init(&j->flag);
    AWAIT_SLEEP_TICKS(j->ticks);
    log_ev(j, 0);
    coop_flag_set(&j->flag);
    AWAIT_FOR(j->rc, 1000, AWAIT_FLAG(&j->flag));
    AWAIT_SLEEP_TICKS(j->ticks);
    log_ev(j, 1);
    ASYNC_END;
}

START_TEST(test_periodic_late_pass)
{
    /* A task woken by its own sleep's timer and sleeping again counts from
     * that timer's tick, not from a late pass: a wake-up 15 ticks late (the
     * busy task holds the loop from 190 to 215) does not shift the later
     * ones (100, 215, 300, 400, 500). */
    J[0].ticks = 100;
    J[0].n = 5;
    J[1].ticks = 190;
    J[1].n = 25;
    spawn(0, blink_fn);
    spawn(1, busy_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 5);
    expect_ev(0, 0, 0, t0_plus(100));
    expect_ev(1, 0, 1, t0_plus(215));
    expect_ev(2, 0, 2, t0_plus(300));
    expect_ev(3, 0, 3, t0_plus(400));
    expect_ev(4, 0, 4, t0_plus(500));

    /* late by more than a period (the loop is held until 320): the missed
     * wake-up comes in the very next pass, then the beat goes on */
    reset(T0);
    J[0].ticks = 100;
    J[0].n = 5;
    J[1].ticks = 190;
    J[1].n = 130;
    spawn(0, blink_fn);
    spawn(1, busy_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 5);
    expect_ev(0, 0, 0, t0_plus(100));
    expect_ev(1, 0, 1, t0_plus(320));
    expect_ev(2, 0, 2, t0_plus(320));
    expect_ev(3, 0, 3, t0_plus(400));
    expect_ev(4, 0, 4, t0_plus(500));

    /* a deadline in between re-arms the timer: the sleep after it counts
     * from the pass's time again (not from the deadline's tick) */
    reset(T0);
    J[2].ticks = 100;
    spawn(2, timed_then_sleep_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 2);
    expect_ev(0, 2, 0, t0_plus(100));
    expect_ev(1, 2, 1, t0_plus(200));
}
END_TEST

/* ------------------------------------------------------- join, gather */

START_TEST(test_join_running)
{
    /* W sleeps 300; three joiners all wake at 300, in the order they
     * joined; a peek at 100 sees W alive */
    int k;
    J[0].ticks = 300;
    spawn(0, sleep_ticks_fn);
    for (k = 1; k <= 3; k++) {
        J[k].other = &J[0].task;
        spawn(k, joiner_fn);
    }
    J[4].ticks = 100;
    J[4].other = &J[0].task;
    spawn(4, peek_fn);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EAGAIN);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 4);
    expect_ev(0, 0, 0, t0_plus(300));
    expect_ev(1, 1, 0, t0_plus(300));
    expect_ev(2, 2, 0, t0_plus(300));
    expect_ev(3, 3, 0, t0_plus(300));
    for (k = 1; k <= 3; k++) {
        ck_assert_int_eq(J[k].calls, 3); /* start, the peeker's end at 100, W's end */
        ck_assert_int_eq(J[k].rc, COOP_OK);
        ck_assert_int_eq(J[k].cleanup, 1);
    }
    ck_assert_int_eq(J[4].rc, COOP_EAGAIN);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_uint_eq(coop_port_now(), t0_plus(300));
}
END_TEST

START_TEST(test_join_finished)
{
    /* joining a task that has ended continues at once */
    spawn(0, noop_fn);
    J[1].ticks = 10;
    J[1].other = &J[0].task;
    spawn(1, joiner_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    expect_ev(0, 1, 0, t0_plus(10));
    ck_assert_int_eq(J[1].calls, 2); /* start, wake from the sleep: no wait in the join */
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_uint_eq(g_loop.idles, 1);
    /* and from outside any task, joining an ended task is fine */
    ck_assert_int_eq(coop_task_join(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_gather)
{
    /* durations 10, 30, 20: the gatherer wakes when the last ends, at 30 */
    int k;
    const uint32_t d[3] = {10, 30, 20};
    for (k = 0; k < 3; k++) {
        J[k].ticks = d[k];
        spawn(k, sleep_ticks_fn);
        J[3].others[k] = &J[k].task;
    }
    J[3].nothers = 3;
    spawn(3, gather_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 4);
    expect_ev(0, 0, 0, t0_plus(10));
    expect_ev(1, 2, 0, t0_plus(20));
    expect_ev(2, 1, 0, t0_plus(30));
    expect_ev(3, 3, 0, t0_plus(30));
    ck_assert_uint_eq(coop_port_now(), t0_plus(30));

    /* the last to end first in the array: one wake only */
    reset(T0);
    for (k = 0; k < 3; k++) {
        J[k].ticks = k == 0 ? 60 : d[k];
        spawn(k, sleep_ticks_fn);
        J[3].others[k] = &J[k].task;
    }
    J[3].nothers = 3;
    spawn(3, gather_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 4);
    expect_ev(3, 3, 0, t0_plus(60));
    /* joiners share one queue: every end wakes them to look again (its
     * start, then the ends at 20, 30 and 60) */
    ck_assert_int_eq(J[3].calls, 4);

    /* all ended already, and an empty gather: no wait */
    reset(T0);
    spawn(0, noop_fn);
    spawn(1, noop_fn);
    J[2].others[0] = &J[0].task;
    J[2].others[1] = &J[1].task;
    J[2].nothers = 2;
    J[3].nothers = 0;
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    spawn(2, gather_fn);
    spawn(3, gather_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 2);
    expect_ev(0, 2, 0, T0);
    expect_ev(1, 3, 0, T0);
    ck_assert_int_eq(J[2].calls, 1);
    ck_assert_int_eq(J[3].calls, 1);
}
END_TEST

START_TEST(test_task_result)
{
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EINVAL); /* never spawned */
    ck_assert_int_eq(coop_task_result(NULL), COOP_EINVAL);
    J[0].ticks = 10;
    spawn(0, sleep_ticks_fn);
    spawn(1, sleeper_fn);
    J[1].ticks = 10;
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EAGAIN);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_EAGAIN); /* cleanup pending */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_ECANCELED);
    ck_assert(coop_task_done(&J[0].task));
    ck_assert(coop_task_done(&J[1].task));
}
END_TEST

/* ------------------------------------------------------------- cancel */

START_TEST(test_cancel_sleeping)
{
    /* S sleeps 1000, C cancels it at 10: S never resumes after its sleep,
     * its FINALLY runs in the next pass, and its timer is gone (the loop
     * ends at 10 without idling to 1000) */
    J[0].ticks = 1000;
    spawn(0, sleeper_fn);
    J[1].ticks = 10;
    J[1].others[0] = &J[0].task;
    J[1].nothers = 1;
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_uint_eq(nev, 3);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 1, 0, t0_plus(10));
    expect_ev(2, 0, 1, t0_plus(10));
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(J[0].cleanup, 1);
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_uint_eq(coop_port_now(), t0_plus(10));
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(coop_virtual_idles, 1);
    ck_assert(!coop_timer_armed(&J[0].task.timer));
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EALREADY); /* finished */
}
END_TEST

START_TEST(test_cancel_chained_sleep)
{
    /* cancelled in the middle of a chained long sleep: no link re-arms it */
    J[0].ticks = (uint32_t)COOP_TICK_MAX_WAIT + (uint32_t)COOP_TICK_MAX_WAIT / 2u;
    spawn(0, sleeper_fn);
    J[1].ticks = (uint32_t)COOP_TICK_MAX_WAIT + 10u;
    J[1].others[0] = &J[0].task;
    J[1].nothers = 1;
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(J[0].cleanup, 1);
    ck_assert_uint_eq(coop_port_now(), t0_plus((uint32_t)COOP_TICK_MAX_WAIT + 10u));
}
END_TEST

START_TEST(test_cancel_ready)
{
    /* never run: nothing of it runs, its FINALLY neither (asyncio: a task
     * cancelled before it starts runs no code) */
    J[0].ticks = 10;
    spawn(0, sleeper_fn);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EALREADY); /* being cancelled */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 0);
    ck_assert_int_eq(J[0].calls, 1); /* its function is called once, and returns at once */
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(J[0].cleanup, 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_uint_eq(g_loop.idles, 0);

    /* a task without FINALLY, cancelled while it waits in the run queue
     * after a yield: it never runs again */
    reset(T0);
    J[0].n = 5;
    spawn(0, yielder_fn);
    J[1].others[0] = &J[0].task;
    J[1].nothers = 1;
    spawn(1, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_uint_eq(nev, 2);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 1, 0, T0);
    ck_assert_int_eq(J[0].calls, 2); /* the second call only ends it */
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
}
END_TEST

START_TEST(test_cancel_joiner)
{
    /* T sleeps 100; five tasks join it; at 10 the first, the middle and the
     * last joiner are cancelled: they leave T's joiners (their FINALLY runs
     * at 10); the two others wake at 100, once */
    int k;
    J[0].ticks = 100;
    spawn(0, sleep_ticks_fn);
    for (k = 1; k <= 5; k++) {
        J[k].other = &J[0].task;
        spawn(k, joiner_fn);
    }
    J[6].ticks = 10;
    J[6].others[0] = &J[1].task;
    J[6].others[1] = &J[3].task;
    J[6].others[2] = &J[5].task;
    J[6].nothers = 3;
    spawn(6, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[6].rc, COOP_OK);
    ck_assert_uint_eq(nev, 4);
    expect_ev(0, 6, 0, t0_plus(10));
    expect_ev(1, 0, 0, t0_plus(100));
    expect_ev(2, 2, 0, t0_plus(100));
    expect_ev(3, 4, 0, t0_plus(100));
    for (k = 1; k <= 5; k++) {
        /* start, then FINALLY (cancelled) or the look at 10 (when the
         * cancelled joiners ended) and the wake at 100 */
        ck_assert_int_eq(J[k].calls, k % 2 == 0 ? 3 : 2);
        ck_assert_int_eq(J[k].cleanup, 1);
        ck_assert_int_eq(J[k].body, k % 2 == 0);
        ck_assert_int_eq(coop_task_result(&J[k].task), k % 2 == 0 ? COOP_OK : COOP_ECANCELED);
    }
    ck_assert_uint_eq(coop_port_now(), t0_plus(100));
}
END_TEST

START_TEST(test_cancel_finally_sleeps)
{
    /* T's cleanup sleeps 50: cancelled at 10, it cleans up until 60; a
     * second cancel at 20 returns COOP_EALREADY and changes nothing; its
     * joiner wakes at 60 and sees COOP_ECANCELED */
    spawn(0, slow_cleanup_fn);
    J[1].other = &J[0].task;
    spawn(1, double_cancel_fn);
    J[2].other = &J[0].task;
    spawn(2, joiner_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_int_eq(J[1].rc2, COOP_EALREADY);
    ck_assert_uint_eq(nev, 3);
    expect_ev(0, 0, 1, t0_plus(10));
    expect_ev(1, 0, 2, t0_plus(60));
    expect_ev(2, 2, 0, t0_plus(60));
    ck_assert_int_eq(J[0].body, 0);
    ck_assert_int_eq(J[0].cleanup, 1);
    ck_assert_int_eq(J[0].cleaned, 1);
    ck_assert_int_eq(J[2].rc, COOP_ECANCELED);
    ck_assert_int_eq(J[2].calls, 3); /* start, the canceller's end at 20, T's end */
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EALREADY);
    ck_assert_uint_eq(coop_port_now(), t0_plus(60));
}
END_TEST

/* Body ends at +5, then its FINALLY sleeps 50 (cleanup from +5 to +55). */
static coop_status_t quick_body_slow_cleanup_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(5);
    j->body = 1;
    FINALLY;
    j->cleanup++;
    AWAIT_SLEEP_TICKS(50);
    j->cleaned++;
    log_ev(j, 2);
    ASYNC_END;
}

START_TEST(test_cancel_during_normal_finally)
{
    /* the body ended normally and the FINALLY section sleeps: cancels at +10
     * and +20 return COOP_EALREADY, the section runs once to its end and the
     * task ends normally (COOP_OK, not cancelled) */
    spawn(0, quick_body_slow_cleanup_fn);
    J[1].other = &J[0].task;
    spawn(1, double_cancel_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_EALREADY);
    ck_assert_int_eq(J[1].rc2, COOP_EALREADY);
    ck_assert_int_eq(J[0].body, 1);
    ck_assert_int_eq(J[0].cleanup, 1);
    ck_assert_int_eq(J[0].cleaned, 1);
    ck_assert_uint_eq(nev, 1);
    expect_ev(0, 0, 2, t0_plus(55));
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_long_gap_before_run)
{
    /* the loop is set up, then more than half the tick range passes before
     * it runs (40 s with 16-bit ticks): its time must catch up, so a 100-tick
     * sleep still wakes 100 ticks after the run began */
    const uint32_t gap = (uint32_t)COOP_TICK_MAX_WAIT + 1000u;
    J[0].ticks = 100;
    spawn(0, sleep_ticks_fn);
    coop_virtual_advance(gap);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 1);
    expect_ev(0, 0, 0, t0_plus(gap + 100u));
}
END_TEST

START_TEST(test_cancel_wakes_joiners)
{
    /* joiners of a task cancelled while it sleeps wake in the pass after
     * its FINALLY and see COOP_ECANCELED */
    int k;
    J[0].ticks = 1000;
    spawn(0, sleeper_fn);
    for (k = 1; k <= 2; k++) {
        J[k].other = &J[0].task;
        spawn(k, joiner_fn);
    }
    J[3].ticks = 25;
    J[3].others[0] = &J[0].task;
    J[3].nothers = 1;
    spawn(3, canceller_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 5);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 3, 0, t0_plus(25));
    expect_ev(2, 0, 1, t0_plus(25));
    expect_ev(3, 1, 0, t0_plus(25));
    expect_ev(4, 2, 0, t0_plus(25));
    ck_assert_int_eq(J[1].rc, COOP_ECANCELED);
    ck_assert_int_eq(J[2].rc, COOP_ECANCELED);
    ck_assert_uint_eq(coop_port_now(), t0_plus(25));
}
END_TEST

START_TEST(test_cancel_finished)
{
    spawn(0, noop_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EALREADY);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK); /* unchanged */
    ck_assert_uint_eq(g_loop.alive, 0);
}
END_TEST

/* ------------------------------------------------------------ respawn */

START_TEST(test_respawn)
{
    /* a finished task spawned again runs from the top */
    J[0].n = 2;
    spawn(0, yielder_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    J[0].body = 0;
    spawn(0, yielder_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 6);
    expect_ev(0, 0, 0, T0);
    expect_ev(1, 0, 1, T0);
    expect_ev(2, 0, 2, T0);
    expect_ev(3, 0, 0, T0);
    expect_ev(4, 0, 1, T0);
    expect_ev(5, 0, 2, T0);
    ck_assert_int_eq(J[0].body, 1);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);

    /* a cancelled task too, and from inside a task after joining it */
    reset(T0);
    J[0].n = 1;
    spawn(0, yielder_fn);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_OK);
    J[1].other = &J[0].task;
    spawn(1, restarter_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_OK);
    ck_assert_uint_eq(nev, 4);
    expect_ev(0, 1, 0, T0);
    expect_ev(1, 0, 0, T0);
    expect_ev(2, 0, 1, T0);
    expect_ev(3, 1, 1, T0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_uint_eq(g_loop.alive, 0);
}
END_TEST

/* ------------------------------------------------- run, run_until, deadlock */

START_TEST(test_run_until)
{
    int k;
    J[0].ticks = 100;
    J[0].n = 10;
    spawn(0, blink_fn);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, t0_plus(350)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(coop_port_now(), t0_plus(350));
    ck_assert_uint_eq(coop_loop_now(&g_loop), t0_plus(350));
    ck_assert_uint_eq(nev, 3);
    ck_assert_uint_eq(g_loop.alive, 1);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EAGAIN);
    /* a deadline on a wake tick: that tick's tasks have run */
    ck_assert_int_eq(coop_loop_run_until(&g_loop, t0_plus(500)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(nev, 5);
    ck_assert_uint_eq(coop_port_now(), t0_plus(500));
    /* the rest runs on, on time */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 10);
    for (k = 0; k < 10; k++)
        expect_ev((size_t)k, 0, k, t0_plus(100u * (uint32_t)(k + 1)));
    ck_assert_uint_eq(coop_port_now(), t0_plus(1000));

    /* every task ends before the deadline: COOP_OK, the clock stops there */
    reset(T0);
    J[0].ticks = 100;
    J[0].n = 3;
    spawn(0, blink_fn);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, t0_plus(5000)), COOP_OK);
    ck_assert_uint_eq(nev, 3);
    ck_assert_uint_eq(coop_port_now(), t0_plus(300));

    /* a deadline reached with only yielding tasks: one pass, then timeout */
    reset(T0);
    J[0].n = 3;
    spawn(0, yielder_fn);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, T0), COOP_ETIMEDOUT);
    ck_assert_uint_eq(nev, 1);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 4);
    ck_assert_uint_eq(coop_port_now(), T0);
}
END_TEST

START_TEST(test_deadlock)
{
    /* A joins B, B joins C, C joins A: nothing can ever end */
    J[0].other = &J[1].task;
    J[1].other = &J[2].task;
    J[2].other = &J[0].task;
    spawn(0, joiner_fn);
    spawn(1, joiner_fn);
    spawn(2, joiner_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_EDEADLK);
    ck_assert_uint_eq(nev, 0);
    ck_assert_uint_eq(g_loop.alive, 3);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(coop_port_now(), T0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EAGAIN);

    /* the same cycle beside a sleeper: the deadlock shows once it ends */
    reset(T0);
    J[0].other = &J[1].task;
    J[1].other = &J[0].task;
    J[2].ticks = 100;
    spawn(0, joiner_fn);
    spawn(1, joiner_fn);
    spawn(2, sleep_ticks_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_EDEADLK);
    ck_assert_uint_eq(nev, 1);
    expect_ev(0, 2, 0, t0_plus(100));
    ck_assert_uint_eq(g_loop.idles, 2);
    ck_assert_uint_eq(coop_port_now(), t0_plus(100));

    /* cancelling one member breaks the cycle */
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].rc, COOP_ECANCELED);
    ck_assert_int_eq(J[0].cleanup, 1);
    ck_assert_int_eq(J[0].body, 0);
}
END_TEST

/* ------------------------------------------------------------------ idling */

START_TEST(test_idle_only_when_nothing_ready)
{
    /* Y yields 50 times while S sleeps 10: the clock does not move until Y
     * is done; then one idle, to S's deadline */
    size_t e;
    J[0].n = 50;
    spawn(0, yielder_fn);
    J[1].ticks = 10;
    spawn(1, sleep_ticks_fn);
    J[2].ticks = 10;
    spawn(2, sleep_ticks_fn);
    J[3].ticks = 20;
    spawn(3, sleep_ticks_fn);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(nev, 54);
    for (e = 0; e < 51; e++)
        expect_ev(e, 0, (int)e, T0);
    expect_ev(51, 1, 0, t0_plus(10));
    expect_ev(52, 2, 0, t0_plus(10));
    expect_ev(53, 3, 0, t0_plus(20));
    ck_assert_uint_eq(g_loop.idles, 2);
    ck_assert_uint_eq(coop_virtual_idles, 2);

    /* nothing spawned: no idle at all */
    reset(T0);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_uint_eq(g_loop.idles, 0);
}
END_TEST

/* ------------------------------------------------------------ many tasks */

#define MANY 1000
#define ROUNDS 3

struct many_job {
    coop_task_t task;
    int id;
    int round;
    coop_tick_t expected;
};

struct wake {
    int id;
    int round;
    uint32_t armed; /* sequence number of the sleep's arming */
    coop_tick_t expected;
    coop_tick_t tick;
};

static struct many_job M[MANY];
static uint32_t many_dur[MANY][ROUNDS];
static uint32_t many_armed[MANY];
static struct wake wakes[MANY * ROUNDS];
static size_t nwakes;
static uint32_t arm_seq;

static coop_status_t many_fn(coop_task_t *task)
{
    struct many_job *m = COOP_CONTAINER_OF(task, struct many_job, task);
    ASYNC(task);
    for (m->round = 0; m->round < ROUNDS; m->round++) {
        m->expected = coop_tick_add(coop_loop_now(coop_task_loop(task)), many_dur[m->id][m->round]);
        many_armed[m->id] = arm_seq++;
        AWAIT_SLEEP_TICKS(many_dur[m->id][m->round]);
        ck_assert_uint_lt(nwakes, MANY * ROUNDS);
        wakes[nwakes].id = m->id;
        wakes[nwakes].round = m->round;
        wakes[nwakes].armed = many_armed[m->id];
        wakes[nwakes].expected = m->expected;
        wakes[nwakes].tick = coop_loop_now(coop_task_loop(task));
        nwakes++;
    }
    ASYNC_END;
}

START_TEST(test_many_tasks)
{
    /* 1000 tasks x 3 sleeps of pseudo-random lengths (a few long, across
     * wheel levels; many collide on one tick): each wakes exactly at its
     * deadline, wakes come in time order, and within one tick in the order
     * the sleeps were armed */
    static const coop_tick_t starts[2] = {T0, (coop_tick_t)(0 - 2000)};
    uint32_t seed = 12345u;
    int s, k, r;
    size_t e;
    for (s = 0; s < 2; s++) {
        reset(starts[s]);
        memset(M, 0, sizeof M);
        memset(wakes, 0, sizeof wakes);
        nwakes = 0;
        arm_seq = 0;
        for (k = 0; k < MANY; k++) {
            for (r = 0; r < ROUNDS; r++) {
                uint32_t x;
                seed = seed * 1664525u + 1013904223u;
                x = seed >> 8;
                many_dur[k][r] = (x & 7u) == 0 ? 1u + (x >> 3) % 20000u : 1u + (x >> 3) % 3000u;
            }
            M[k].id = k;
            ck_assert_int_eq(coop_task_spawn(&g_loop, &M[k].task, many_fn), COOP_OK);
        }
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        ck_assert_uint_eq(nwakes, MANY * ROUNDS);
        {
            int same_tick = 0;
            for (e = 0; e < nwakes; e++) {
                const struct wake *w = &wakes[e];
                ck_assert_msg(w->tick == w->expected,
                              "task %d round %d woke at %lu, expected %lu", w->id, w->round,
                              (unsigned long)w->tick, (unsigned long)w->expected);
                if (e > 0) {
                    const struct wake *p = &wakes[e - 1];
                    coop_stick_t d = coop_tick_diff(w->tick, p->tick);
                    ck_assert_int_ge(d, 0);
                    if (d == 0) {
                        same_tick++;
                        ck_assert_msg(p->armed < w->armed,
                                      "tick %lu: task %d (armed #%lu) woke before task %d "
                                      "(armed #%lu)",
                                      (unsigned long)w->tick, p->id, (unsigned long)p->armed,
                                      w->id, (unsigned long)w->armed);
                    }
                }
            }
            ck_assert_int_gt(same_tick, 100); /* the order check did check something */
        }
        for (k = 0; k < MANY; k++)
            ck_assert_int_eq(coop_task_result(&M[k].task), COOP_OK);
    }
}
END_TEST

Suite *coop_sched_suite(void);
Suite *coop_sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc;

    tc = tcase_create("order");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_yield_order);
    tcase_add_test(tc, test_spawn_from_task);
    tcase_add_test(tc, test_sleep0_is_yield);
    suite_add_tcase(s, tc);

    tc = tcase_create("sleep");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_blink_two_leds);
    tcase_add_test(tc, test_same_tick_arming_order);
    tcase_add_test(tc, test_sleep_until_and_ticks);
    tcase_add_test(tc, test_tick_wrap);
    tcase_add_test(tc, test_long_sleep_chained);
    tcase_add_test(tc, test_long_sleep_chained_late_link);
    tcase_add_test(tc, test_periodic_late_pass);
    suite_add_tcase(s, tc);

    tc = tcase_create("join");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_join_running);
    tcase_add_test(tc, test_join_finished);
    tcase_add_test(tc, test_gather);
    tcase_add_test(tc, test_task_result);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cancel_sleeping);
    tcase_add_test(tc, test_cancel_chained_sleep);
    tcase_add_test(tc, test_cancel_ready);
    tcase_add_test(tc, test_cancel_joiner);
    tcase_add_test(tc, test_cancel_finally_sleeps);
    tcase_add_test(tc, test_cancel_during_normal_finally);
    tcase_add_test(tc, test_long_gap_before_run);
    tcase_add_test(tc, test_cancel_wakes_joiners);
    tcase_add_test(tc, test_cancel_finished);
    tcase_add_test(tc, test_respawn);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_run_until);
    tcase_add_test(tc, test_deadlock);
    tcase_add_test(tc, test_idle_only_when_nothing_ready);
    tcase_add_test(tc, test_many_tasks);
    suite_add_tcase(s, tc);

    return s;
}
