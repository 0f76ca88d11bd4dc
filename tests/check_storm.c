/* Storm and fairness on the host (issue 17): an interrupt source that never
 * stops beside a 5-tick blinker, judged by counts and ticks, never by speed.
 * Built into the stress runner (tests/runner.c -DCOOP_TEST_STRESS, with
 * tests/check_stress.c): the signal test in the atomic and the irqsave
 * variants, the thread test in the atomic one and under ThreadSanitizer.
 *
 *   signals  a thread sends SIGUSR1 to the loop thread back to back; its
 *            handler sets a flag, and adds to a counter (odd runs) or pushes
 *            into a 16-record ring (even runs).
 *   thread   the thread itself (a second core) sets, adds and pushes.
 * Beside them: a flag task that, after each wake, works until the next
 * interrupt has come (so `for (;;) { AWAIT_FLAG; work; }` never finds the
 * flag clear, whatever the OS does with the threads), a counter task, a ring
 * task that
 * pops what was there when it woke, and a blinker that sleeps to absolute
 * deadlines 5 ticks apart and records, at each wake, its deadline, the
 * port's tick and the flag task's runs so far.
 *
 * The storm stops only when the blinker has woken BLINKS times (or at the
 * hang guard, STORM_GUARD_S, which fails the test): the blinker must reach
 * its wakes while the storm runs, each at or after its own deadline, in
 * order, with the flag task running in between (a storm, not a pause). If a
 * ready object let its task go on without a turn of the loop, the flag task
 * would keep the loop forever and only the guard would end the storm. Then
 * every count is checked exactly: flag sets taken = handler runs, counter =
 * adds, ring consumed + overflowed = offered. The lateness of the wakes
 * (ticks after the deadline) is printed, not judged: the OS may stop the
 * loop thread on a loaded machine.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* pthread_kill, nanosleep */
#endif

#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host.h"

#define BLINKS 200        /* blinker wakes the storm must last */
#define PERIOD 5          /* ticks */
#ifndef STORM_GUARD_S
#define STORM_GUARD_S 60u /* hang guard only */
#endif

#define GET(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define PUB(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static coop_loop_t loop;
static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint8_t, 16);
static coop_task_t blinker, flag_task, counter_task, ring_task;
static pthread_t loop_thread;

static struct {
    /* producer side (the handler on the loop thread, or the thread) */
    uint64_t runs, added, offered, pushed, sent;
    uint8_t seq;
    /* consumers */
    uint64_t flag_total, flag_runs, counter_total, popped;
    /* the blinker */
    coop_tick_t due[BLINKS], woke[BLINKS];
    uint64_t flag_runs_at[BLINKS];
    int wakes;
    int wakes_in_storm; /* of them, while the storm ran */
    int done;      /* the blinker has its wakes: stop the storm */
    int stopped;   /* the storm has stopped */
    int guard_hit; /* ... because of the hang guard */
} S;

/* One interrupt. `runs` is published last: a task that sees it grow finds
 * the flag set. */
static void produce(void)
{
    uint64_t n = GET(S.runs) + 1;
    coop_flag_set(&flag);
    if (n & 1u) {
        coop_counter_add(&counter, 1);
        PUB(S.added, GET(S.added) + 1);
    } else {
        PUB(S.offered, GET(S.offered) + 1);
        if (coop_ring_push(&ring, &S.seq))
            PUB(S.pushed, GET(S.pushed) + 1);
        S.seq++;
    }
    PUB(S.runs, n);
}

static void isr_usr1(int signo)
{
    (void)signo;
    produce();
}

static uint64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

static void *storm_thread(void *arg)
{
    int use_signals = *(const int *)arg;
    uint64_t t0 = now_s();
    while (!GET(S.done)) {
        if (now_s() - t0 > STORM_GUARD_S) {
            PUB(S.guard_hit, 1);
            break;
        }
        if (use_signals) {
            pthread_kill(loop_thread, SIGUSR1);
            PUB(S.sent, GET(S.sent) + 1);
        } else {
            produce();
        }
    }
    PUB(S.stopped, 1);
    if (!use_signals)
        coop_port_wake();
    return NULL;
}

/* Its work lasts until the next interrupt has come (or the storm is over),
 * so the flag is set again whenever it reaches AWAIT_FLAG, however the OS
 * schedules the threads. */
static uint64_t work_from;
static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        S.flag_total += coop_flag_count(&flag);
        PUB(S.flag_runs, S.flag_runs + 1);
        work_from = GET(S.runs);
        while (GET(S.runs) == work_from && !GET(S.stopped))
            sched_yield(); /* (lets the storm's thread have this CPU) */
    }
    ASYNC_END;
}

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        S.counter_total += coop_counter_take(&counter);
    }
    ASYNC_END;
}

static unsigned ring_n;
static coop_status_t ring_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        for (ring_n = coop_ring_count(&ring); ring_n != 0; ring_n--)
            if (coop_ring_pop(&ring, &v))
                S.popped++;
    }
    ASYNC_END;
}

static coop_tick_t next;
static coop_status_t blinker_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    next = coop_now();
    while (S.wakes < BLINKS) {
        next = coop_tick_add(next, PERIOD);
        AWAIT_SLEEP_UNTIL(next);
        S.due[S.wakes] = next;
        S.woke[S.wakes] = coop_port_now();
        S.flag_runs_at[S.wakes] = S.flag_runs;
        S.wakes++;
        if (!GET(S.stopped))
            S.wakes_in_storm++;
    }
    PUB(S.done, 1);
    while (!GET(S.stopped))
        AWAIT_SLEEP_TICKS(1);
    /* the storm is over: take what is left, end the consumers */
    S.counter_total += coop_counter_take(&counter);
    S.flag_total += coop_flag_take(&flag);
    while (coop_ring_pop(&ring, &v))
        S.popped++;
    (void)coop_task_cancel(&flag_task);
    (void)coop_task_cancel(&counter_task);
    (void)coop_task_cancel(&ring_task);
    ASYNC_END;
}

static void run_storm(const char *name, int use_signals)
{
    pthread_t th;
    int rc, k, in_order = 1, interleaved = 0;
    long worst = 0;
    memset(&S, 0, sizeof S);
    memset(&loop, 0, sizeof loop);
    memset(&blinker, 0, sizeof blinker);
    memset(&flag_task, 0, sizeof flag_task);
    memset(&counter_task, 0, sizeof counter_task);
    memset(&ring_task, 0, sizeof ring_task);
    ck_assert_int_eq(coop_flag_init(&flag), COOP_OK);
    ck_assert_int_eq(coop_counter_init(&counter), COOP_OK);
    ck_assert_int_eq(coop_ring_init(&ring, ring_storage, 1, 16), COOP_OK);
    loop_thread = pthread_self();
    if (use_signals)
        ck_assert_int_eq(coop_host_irq_attach(SIGUSR1, isr_usr1), COOP_OK);
    else
        coop_host_irq_source(); /* before the thread starts */
    coop_loop_init(&loop);
    ck_assert_int_eq(coop_task_spawn(&loop, &flag_task, flag_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &counter_task, counter_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &ring_task, ring_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&loop, &blinker, blinker_fn), COOP_OK);
    ck_assert_int_eq(pthread_create(&th, NULL, storm_thread, &use_signals), 0);
    rc = coop_loop_run(&loop);
    pthread_join(th, NULL);
    ck_assert_msg(rc == COOP_OK, "coop_loop_run: %s", coop_strerror(rc));
    for (k = 0; k < S.wakes; k++) {
        long late = (long)coop_tick_diff(S.woke[k], S.due[k]);
        if (late < 0 || (k > 0 && coop_tick_diff(S.due[k], S.due[k - 1]) != PERIOD))
            in_order = 0;
        if (late > worst)
            worst = late;
        if (k > 0 && S.flag_runs_at[k] > S.flag_runs_at[k - 1])
            interleaved++;
    }
    printf("  storm (%s): %llu handler runs (%llu signals sent), flag task ran %llu times; blinker woke "
           "%d times, at most %ld ticks after its deadline; %d of its periods saw the flag task run\n",
           name, (unsigned long long)S.runs, (unsigned long long)S.sent, (unsigned long long)S.flag_runs,
           S.wakes, worst, interleaved);
    ck_assert_msg(!S.guard_hit && S.wakes_in_storm == BLINKS,
                  "%s: the blinker woke %d of %d times in %u s of storm: starved", name,
                  S.wakes_in_storm, BLINKS, STORM_GUARD_S);
    ck_assert_int_eq(S.wakes, BLINKS);
    ck_assert_msg(in_order, "%s: a wake before its deadline, or deadlines not %d ticks apart", name,
                  PERIOD);
    ck_assert_msg(interleaved > 0 && S.flag_runs > 0, "%s: the flag task never ran between two blinks",
                  name);
    ck_assert_msg(S.flag_total == S.runs, "%s: flag sets taken %llu != handler runs %llu", name,
                  (unsigned long long)S.flag_total, (unsigned long long)S.runs);
    ck_assert_msg(S.counter_total == S.added, "%s: counter %llu != adds %llu", name,
                  (unsigned long long)S.counter_total, (unsigned long long)S.added);
    ck_assert_msg(S.popped + coop_ring_overflows(&ring) == S.offered && S.popped == S.pushed,
                  "%s: ring popped %llu + overflowed %llu != offered %llu", name,
                  (unsigned long long)S.popped, (unsigned long long)coop_ring_overflows(&ring),
                  (unsigned long long)S.offered);
    if (use_signals)
        signal(SIGUSR1, SIG_IGN); /* (the storm is over) */
}

#ifndef COOP_STRESS_THREADS_ONLY
START_TEST(test_storm_signals)
{
    run_storm("signals", 1);
}
END_TEST
#endif

#if COOP_PORT_ATOMIC /* (the critical-section flavour is safe against signals, not threads) */
START_TEST(test_storm_thread)
{
    run_storm("thread", 0);
}
END_TEST
#endif

Suite *coop_storm_suite(void)
{
    Suite *s = suite_create("storm");
    TCase *tc = tcase_create("storm");
    tcase_set_timeout(tc, 2 * STORM_GUARD_S + 30);
#ifndef COOP_STRESS_THREADS_ONLY
    tcase_add_test(tc, test_storm_signals);
#endif
#if COOP_PORT_ATOMIC
    tcase_add_test(tc, test_storm_thread);
#endif
    suite_add_tcase(s, tc);
    return s;
}
