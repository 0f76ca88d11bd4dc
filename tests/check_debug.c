/* COOP_DEBUG: a loop you can look into (issue 16). With COOP_DEBUG 1 (the
 * unit variant debug-goto-16): coop_loop_dump_to describes the loop and each
 * task it spawned (name, state, what it waits on and until when, where it
 * resumes, how it ended), and the loop counts its passes and the ticks it
 * slept; coop_loop_run_main (asyncio.run) cancels what main leaves; the trace
 * hooks (COOP_TRACE_*) see each wake-up, run, return and idle. With COOP_DEBUG 0 (every other variant): nothing of it is in a task
 * (its struct ends with its timer). */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "virtual.h"

#if COOP_DEBUG

#define T0 ((coop_tick_t)2000)

static coop_loop_t loop;
static coop_event_t ev;
static struct dtask {
    coop_task_t task;
    int rc, line;
} blink, consumer, idle_one, ended, fresh;

static coop_status_t blink_fn(coop_task_t *task)
{
    struct dtask *d = COOP_CONTAINER_OF(task, struct dtask, task);
    ASYNC(task);
    d->line = __LINE__; AWAIT_SLEEP_TICKS(100); /* (one line: the dump names it) */
    ASYNC_END;
}

static coop_status_t consumer_fn(coop_task_t *task)
{
    struct dtask *d = COOP_CONTAINER_OF(task, struct dtask, task);
    ASYNC(task);
    d->line = __LINE__; AWAIT_FOR(d->rc, 50, AWAIT_EVENT(&ev));
    ASYNC_END;
}

static coop_status_t ended_fn(coop_task_t *task)
{
    ASYNC(task);
    YIELD();
    ASYNC_END_RC(-5);
}

static coop_status_t forever_fn(coop_task_t *task)
{
    struct dtask *d = COOP_CONTAINER_OF(task, struct dtask, task);
    ASYNC(task);
    d->line = __LINE__; AWAIT_EVENT(&ev);
    ASYNC_END;
}

static coop_status_t stopper_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_TICKS(10);
    coop_loop_stop(&loop);
    ASYNC_END;
}

static coop_status_t short_sleep_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_TICKS(5);
    ASYNC_END;
}

static char lines[8][200];
static int nlines;
static void capture(const char *line, void *ctx)
{
    ck_assert_ptr_eq(ctx, &nlines);
    if (nlines < 8)
        (void)snprintf(lines[nlines], sizeof lines[nlines], "%s", line);
    nlines++;
}

/* the dump's line for a task, by its label */
static const char *line_of(const char *label)
{
    int i;
    for (i = 1; i < nlines && i < 8; i++)
        if (strncmp(lines[i] + 2, label, strlen(label)) == 0)
            return lines[i];
    return "";
}

static void setup(void)
{
    coop_virtual_set(T0);
    ck_assert_int_eq(coop_loop_init(&loop), COOP_OK);
    memset(&ev, 0, sizeof ev);
    coop_event_init(&ev);
    memset(&blink, 0, sizeof blink);
    memset(&consumer, 0, sizeof consumer);
    memset(&idle_one, 0, sizeof idle_one);
    memset(&ended, 0, sizeof ended);
    memset(&fresh, 0, sizeof fresh);
    nlines = 0;
}

START_TEST(test_dump)
{
    char want[200];
    coop_task_set_name(&blink.task, "blink");
    coop_task_set_name(&consumer.task, "consumer");
    coop_task_set_name(&ended.task, "ended");
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, blink_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &consumer.task, consumer_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &ended.task, ended_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &idle_one.task, forever_fn), COOP_OK); /* unnamed */
    ck_assert_int_eq(coop_loop_run_until(&loop, T0 + 10), COOP_ETIMEDOUT);
    coop_task_set_name(&fresh.task, "fresh");
    ck_assert_int_eq(coop_task_spawn(&loop, &fresh.task, forever_fn), COOP_OK); /* not run yet */
    coop_loop_dump_to(&loop, capture, &nlines);
    ck_assert_int_eq(nlines, 6);
    (void)snprintf(want, sizeof want, "loop at tick %lu: 4 alive, ", (unsigned long)(T0 + 10));
    ck_assert_msg(strncmp(lines[0], want, strlen(want)) == 0, "%s", lines[0]);
    ck_assert_msg(strstr(lines[0], ", 10 ticks asleep") != NULL, "%s", lines[0]);
    (void)snprintf(want, sizeof want, "  blink: sleeping until tick %lu, resumes at tests/check_debug.c:%d",
                   (unsigned long)(T0 + 100), blink.line);
    ck_assert_str_eq(line_of("blink"), want);
    (void)snprintf(want, sizeof want, "  consumer: waiting on queue %p, deadline tick %lu, resumes at "
                   "tests/check_debug.c:%d", (void *)&ev.waiters, (unsigned long)(T0 + 50), consumer.line);
    ck_assert_str_eq(line_of("consumer"), want);
    ck_assert_str_eq(line_of("ended"), "  ended: done, result -5");
    ck_assert_str_eq(line_of("fresh"), "  fresh: ready, not started");
    (void)snprintf(want, sizeof want, "  task %p: waiting on queue %p, resumes at tests/check_debug.c:%d",
                   (void *)&idle_one.task, (void *)&ev.waiters, idle_one.line);
    ck_assert_str_eq(line_of("task "), want);
    /* newest first: fresh, then the order of the first spawns reversed */
    ck_assert_str_eq(lines[1], line_of("fresh"));
    ck_assert_str_eq(lines[5], line_of("blink"));
    /* a cancel under way shows; a task spawned again is listed once */
    ck_assert_int_eq(coop_task_cancel(&consumer.task), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &ended.task, ended_fn), COOP_OK);
    nlines = 0;
    coop_loop_dump_to(&loop, capture, &nlines);
    ck_assert_int_eq(nlines, 6);
    ck_assert_msg(strstr(line_of("consumer"), ", being cancelled") != NULL, "%s", line_of("consumer"));
    coop_event_set(&ev);
    ck_assert_int_eq(coop_loop_run(&loop), COOP_OK);
    nlines = 0;
    coop_loop_dump_to(&loop, capture, &nlines);
    ck_assert_str_eq(line_of("consumer"), "  consumer: cancelled, result -6");
    (void)snprintf(want, sizeof want, "loop at tick %lu: 0 alive, ", (unsigned long)(T0 + 100));
    ck_assert_msg(strncmp(lines[0], want, strlen(want)) == 0, "%s", lines[0]);
    ck_assert_msg(strstr(lines[0], ", 100 ticks asleep") != NULL, "%s", lines[0]);
}
END_TEST


/* asyncio.run(main()): the program ends when main does; the tasks left are
 * cancelled and their FINALLY sections run (COOP_TASK_LIST, on with
 * COOP_DEBUG). */
static int forever_fins;
static coop_status_t sleeper_forever_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;)
        AWAIT_SLEEP_TICKS(7);
    FINALLY;
    forever_fins++;
    ASYNC_END;
}
static coop_status_t main_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_SLEEP_TICKS(30);
    ASYNC_END_RC(-9);
}
START_TEST(test_run_main)
{
    forever_fins = 0;
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, sleeper_forever_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &consumer.task, forever_fn), COOP_OK); /* waits for ev */
    ck_assert_int_eq(coop_task_spawn(&loop, &ended.task, main_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_main(&loop, &ended.task), -9);
    ck_assert_uint_eq(coop_now(), T0 + 30);
    ck_assert_int_eq(forever_fins, 1);
    ck_assert_int_eq(coop_task_result(&blink.task), COOP_ECANCELED);
    ck_assert_int_eq(coop_task_result(&consumer.task), COOP_ECANCELED);
    /* stopped before main ends: the others are left as they are */
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, sleeper_forever_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &ended.task, main_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &fresh.task, stopper_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_main(&loop, &ended.task), COOP_ESTOPPED);
    ck_assert_int_eq(coop_task_result(&blink.task), COOP_EAGAIN);
    ck_assert_int_eq(coop_loop_run_main(&loop, &ended.task), -9);
    ck_assert_int_eq(forever_fins, 2);
}
END_TEST

/* ---------------------------------------------------------------- trace hooks
 * tests/trace_hooks.h points COOP_TRACE_* here in this variant. */
#include "trace_hooks.h"
static char trace[64];
static const coop_task_t *trace_task[64];
static int trace_status[64];
static int ntrace;
static bool tracing;
void test_trace(char what, const struct coop_task *task, int status)
{
    if (!tracing || ntrace >= 63)
        return;
    trace_task[ntrace] = task;
    trace_status[ntrace] = status;
    trace[ntrace++] = what;
    trace[ntrace] = 0;
}

static coop_status_t yield_twice_fn(coop_task_t *task)
{
    ASYNC(task);
    YIELD();
    ASYNC_END_RC(-3);
}

/* A spawned (woken), B spawned; pass 1 runs A (it sleeps: WAITING) and B
 * (it yields); pass 2 runs B, which ends with -3; the loop idles to tick 5,
 * A's timer wakes it, A runs and ends. */
START_TEST(test_trace_hooks)
{
    static const char want[] = "WWRERERE" "IiWRE";
    ck_assert_int_eq(coop_task_spawn(&loop, &fresh.task, stopper_fn), COOP_OK); /* (unused: fresh) */
    ck_assert_int_eq(coop_task_cancel(&fresh.task), COOP_OK); /* never runs */
    ck_assert_int_eq(coop_loop_run(&loop), COOP_OK);
    tracing = true;
    ntrace = 0;
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, short_sleep_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &ended.task, yield_twice_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&loop), COOP_OK);
    tracing = false;
    ck_assert_str_eq(trace, want);
    ck_assert_ptr_eq(trace_task[0], &blink.task);
    ck_assert_ptr_eq(trace_task[1], &ended.task);
    ck_assert_ptr_eq(trace_task[2], &blink.task);
    ck_assert_int_eq(trace_status[3], COOP_WAITING);
    ck_assert_ptr_eq(trace_task[4], &ended.task);
    ck_assert_int_eq(trace_status[5], COOP_YIELDED);
    ck_assert_int_eq((int8_t)trace_status[7], -3); /* done, with its result */
    ck_assert_ptr_eq(trace_task[10], &blink.task); /* woken by its timer */
    ck_assert_int_eq(trace_status[12], COOP_DONE);
}
END_TEST

/* A blocking run: a task that runs longer than loop.run_max between two
 * resume points is reported when it returns (COOP_DEBUG_RUN_MAX_MS sets
 * run_max; 0, the default, checks nothing). */
static int overrun_asserts;
static char overrun_msg[200];
static void record_overrun(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    overrun_asserts++;
    (void)snprintf(overrun_msg, sizeof overrun_msg, "%s", msg);
}

static coop_status_t blocking_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_virtual_advance(30); /* work within the limit */
    YIELD();
    coop_virtual_advance(120); /* a blocking delay of 120 ticks */
    YIELD();
    coop_virtual_advance(100); /* exactly the limit: not over it */
    ASYNC_END;
}

START_TEST(test_blocking_run)
{
    ck_assert_uint_eq(loop.run_max, coop_ticks_from_ms(COOP_DEBUG_RUN_MAX_MS));
    loop.run_max = 0; /* off: nothing is checked */
    overrun_asserts = 0;
    coop_virtual_on_assert = record_overrun;
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, blocking_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&loop), COOP_OK);
    ck_assert_int_eq(overrun_asserts, 0);
    ck_assert_uint_eq(loop.overruns, 0);

    loop.run_max = 100;
    coop_task_set_name(&blink.task, "blocker");
    ck_assert_int_eq(coop_task_spawn(&loop, &blink.task, blocking_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&loop), COOP_OK);
    coop_virtual_on_assert = NULL;
    ck_assert_int_eq(overrun_asserts, 1);
    ck_assert_ptr_nonnull(strstr(overrun_msg, "COOP_DEBUG_RUN_MAX_MS"));
    ck_assert_uint_eq(loop.overruns, 1);
    ck_assert_ptr_eq(loop.overran, &blink.task);
    ck_assert_uint_eq(loop.overran_ticks, 120);
    coop_loop_dump_to(&loop, capture, &nlines);
    ck_assert_int_ge(nlines, 2);
    ck_assert_msg(strstr(lines[1], "1 task runs over run_max") != NULL &&
                      strstr(lines[1], "the last: blocker, 120 ticks without a resume point") != NULL,
                  "dump's overrun line: %s", lines[1]);
}
END_TEST

#else /* COOP_DEBUG 0 */

/* Nothing of the debug build is in a task: its struct ends with its timer
 * (padding aside; nested deadlines' levels next, with COOP_DEADLINE_NEST >
 * 1), and naming a task compiles to nothing. */
START_TEST(test_no_debug_fields)
{
    coop_task_t t;
#if COOP_DEADLINE_NEST > 1
    size_t end = offsetof(coop_task_t, dl) + sizeof t.dl;
#else
    size_t end = offsetof(coop_task_t, timer) + sizeof(coop_timer_t);
#endif
    memset(&t, 0, sizeof t);
    coop_task_set_name(&t, "unused");
    ck_assert_uint_lt(sizeof(coop_task_t) - end, sizeof(void *));
    ck_assert_uint_eq(t.state, 0);
}
END_TEST

#endif

Suite *coop_debug_suite(void);
Suite *coop_debug_suite(void)
{
    Suite *s = suite_create("debug");
    TCase *tc = tcase_create("dump");
#if COOP_DEBUG
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_dump);
    tcase_add_test(tc, test_run_main);
    tcase_add_test(tc, test_trace_hooks);
    tcase_add_test(tc, test_blocking_run);
#else
    tcase_add_test(tc, test_no_debug_fields);
#endif
    suite_add_tcase(s, tc);
    return s;
}
