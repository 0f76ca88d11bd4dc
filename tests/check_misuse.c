/* Misuse of the scheduler API (coop/sched.h): every misuse returns its
 * documented error code AND trips COOP_ASSERT with a message saying what went
 * wrong. A recording hook (coop_virtual_on_assert) keeps the messages; with
 * no hook, misuse aborts. Benign cases (cancelling an ended task) do not
 * assert. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)500)
#define MAX_MSGS 8

/* ------------------------------------------------------ the recording hook */

static int hook_calls;
static char hook_msg[MAX_MSGS][256]; /* the first MAX_MSGS messages */
static int hook_line;
static char hook_file[256];

static void record_assert(const char *msg, const char *file, int line)
{
    if (hook_calls < MAX_MSGS) {
        strncpy(hook_msg[hook_calls], msg != NULL ? msg : "(null)", sizeof hook_msg[0] - 1);
        hook_msg[hook_calls][sizeof hook_msg[0] - 1] = '\0';
    }
    strncpy(hook_file, file != NULL ? file : "", sizeof hook_file - 1);
    hook_file[sizeof hook_file - 1] = '\0';
    hook_line = line;
    hook_calls++;
}

static void hook_reset(void)
{
    hook_calls = 0;
    hook_line = 0;
    memset(hook_msg, 0, sizeof hook_msg);
    memset(hook_file, 0, sizeof hook_file);
}

/* Exactly one assert since the last check, whose message contains `text`;
 * then forget it. */
#define EXPECT_ASSERT(text)                                                           \
    do {                                                                              \
        ck_assert_msg(hook_calls == 1, "expected one COOP_ASSERT (\"%s\"), got %d%s%s", \
                      (text), hook_calls, hook_calls > 0 ? ": " : "", hook_msg[0]);   \
        ck_assert_msg(strstr(hook_msg[0], (text)) != NULL,                            \
                      "COOP_ASSERT message \"%s\" lacks \"%s\"", hook_msg[0], (text)); \
        ck_assert_int_gt(hook_line, 0);                                               \
        ck_assert(hook_file[0] != '\0');                                              \
        hook_reset();                                                                 \
    } while (0)

#define EXPECT_NO_ASSERT()                                                           \
    do {                                                                             \
        ck_assert_msg(hook_calls == 0, "unexpected COOP_ASSERT: %s", hook_msg[0]);   \
    } while (0)

/* ------------------------------------------------------------ fixture */

struct job {
    coop_task_t task;
    int id;
    int calls;
    int step;
    int rc;
    int rc2;
    int rc3;
    int done;
    coop_task_t *other;
    coop_loop_t *other_loop;
};

static coop_loop_t g_loop;
static coop_loop_t g_loop2;
static struct job J[4];
static int order[16];
static int norder;

static void setup(void)
{
    int k;
    coop_priv_running = NULL;
    coop_virtual_on_assert = record_assert;
    coop_virtual_set(T0);
    coop_virtual_idles = 0;
    hook_reset();
    memset(J, 0, sizeof J);
    for (k = 0; k < 4; k++)
        J[k].id = k;
    memset(order, 0, sizeof order);
    norder = 0;
    memset(&g_loop, 0, sizeof g_loop);
    memset(&g_loop2, 0, sizeof g_loop2);
    coop_loop_init(&g_loop2);
    coop_loop_init(&g_loop); /* the last one initialised is the program's loop */
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

static void note(int id)
{
    ck_assert_int_lt(norder, 16);
    order[norder++] = id;
}

/* ------------------------------------------------------------ task bodies */

static coop_status_t sleep100_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(100);
    j->done = 1;
    ASYNC_END;
}

static coop_status_t noop_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->done = 1;
    ASYNC_END;
}

static coop_status_t join_other_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_JOIN(j->other);
    j->done = 1;
    ASYNC_END;
}

static coop_status_t cancel_self_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->rc = coop_task_cancel(task);
    YIELD(); /* still alive and scheduled */
    j->done = 1;
    ASYNC_END;
}

static coop_status_t join_self_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->rc = coop_task_join(task);
    j->step = 1;
    AWAIT_JOIN(task); /* asserts, and does not wait forever */
    j->step = 2;
    j->done = 1;
    ASYNC_END;
}

static coop_status_t run_inside_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->rc = coop_loop_run(coop_task_loop(task));
    j->rc2 = coop_loop_run_until(coop_task_loop(task), coop_loop_now(coop_task_loop(task)));
    j->rc3 = coop_loop_run(j->other_loop);
    AWAIT_SLEEP_TICKS(10); /* the loop still works */
    j->done = 1;
    ASYNC_END;
}

/* Returns COOP_WAITING without parking (first call), then ends. */
static coop_status_t waiting_liar_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    note(j->id);
    return j->calls++ == 0 ? COOP_WAITING : COOP_DONE;
}

/* Returns a status that does not exist (first call), then ends. */
static coop_status_t bad_status_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    note(j->id);
    return j->calls++ == 0 ? (coop_status_t)7 : COOP_DONE;
}

static coop_status_t yield_once_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    note(j->id);
    YIELD();
    note(j->id);
    ASYNC_END;
}

static coop_status_t gather_null_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_GATHER((coop_task_t *const *)NULL, 2);
    j->done = 1;
    ASYNC_END;
}

/* A plain coroutine (not a task) that sleeps: only a task may. */
struct co {
    coop_lc_t lc;
    int step;
};

static coop_status_t sleepy_co(struct co *c)
{
    ASYNC(c);
    c->step = 1;
    AWAIT_SLEEP_MS(10);
    c->step = 2;
    AWAIT_SLEEP_UNTIL(coop_tick_add(T0, 10));
    c->step = 3;
    ASYNC_END;
}

/* ------------------------------------------- issue 12: misuse, defined results */

/* A task that initialises loops while its own loop runs: refused, and its
 * loop goes on (before: alive underflowed and the run ended COOP_EDEADLK). */
static coop_status_t init_inside_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    j->rc = coop_loop_init(coop_task_loop(task));
    j->rc2 = coop_loop_init(j->other_loop);
    AWAIT_SLEEP_TICKS(10); /* its sleep is not stranded */
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_loop_init_inside_task)
{
    J[0].other_loop = &g_loop2;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, init_inside_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, sleep100_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_EBUSY);
    ck_assert_int_eq(J[0].rc2, COOP_EBUSY);
    ck_assert_int_eq(hook_calls, 2);
    ck_assert(strstr(hook_msg[0], "a loop is running") != NULL);
    ck_assert(strstr(hook_msg[1], "a loop is running") != NULL);
    hook_reset();
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(J[1].done, 1);
    ck_assert_uint_eq(g_loop.alive, 0);
    ck_assert_uint_eq(coop_port_now(), coop_tick_add(T0, 100));
    ck_assert(coop_priv_loop == &g_loop);
    /* outside a run, a loop can be initialised again */
    ck_assert_int_eq(coop_loop_init(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_loop_init(NULL), COOP_EINVAL);
    EXPECT_ASSERT("loop is NULL");
}
END_TEST

/* Objects that were zeroed and never initialised. */
static coop_flag_t zero_flag;
static coop_counter_t zero_counter;
static coop_ring_t zero_ring;
/* ... and the compile-time initialised ones */
COOP_FLAG_DEFINE(def_flag);
COOP_COUNTER_DEFINE(def_counter);
struct has_flag {
    int x;
    coop_flag_t f;
};
static struct has_flag member = { 1, COOP_FLAG_INITIALIZER };

static coop_status_t await_zero_flag_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_FLAG(&zero_flag); /* asserts at each resume, never parks */
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_zeroed_irq_objects)
{
    memset(&zero_flag, 0, sizeof zero_flag);
    memset(&zero_counter, 0, sizeof zero_counter);
    memset(&zero_ring, 0, sizeof zero_ring);
    /* an ISR sets them before anyone called init: the loop's drain refuses
     * each post with an assert (before: a call through a NULL pointer) */
    coop_flag_set(&zero_flag);
    coop_counter_add(&zero_counter, 3);
    (void)coop_ring_push(&zero_ring, &member);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, noop_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(hook_calls, 3);
    ck_assert(strstr(hook_msg[0], "before its init") != NULL);
    ck_assert(strstr(hook_msg[1], "before its init") != NULL);
    ck_assert(strstr(hook_msg[2], "before its init") != NULL);
    hook_reset();
    ck_assert(coop_priv_inbox == NULL);

    /* a wait on one: asserted, and it does not park where nothing wakes it */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, await_zero_flag_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, coop_tick_add(coop_loop_now(&g_loop), 0)),
                     COOP_ETIMEDOUT);
    ck_assert_int_ge(hook_calls, 1);
    ck_assert(strstr(hook_msg[0], "never initialised") != NULL);
    hook_reset();
    /* initialised late, the same wait works */
    ck_assert_int_eq(coop_flag_init(&zero_flag), COOP_OK);
    coop_flag_set(&zero_flag);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[1].done, 1);
    EXPECT_NO_ASSERT();
}
END_TEST

static coop_status_t await_def_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_FLAG(&def_flag);
    j->rc = (int)coop_flag_count(&def_flag);
    AWAIT_COUNTER(&def_counter);
    j->rc2 = (int)coop_counter_take(&def_counter);
    AWAIT_FLAG(&member.f);
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_defined_irq_objects)
{
    /* static initialisers: usable with no init call, from the first set */
    coop_flag_set(&def_flag);
    coop_flag_set(&def_flag);
    coop_counter_add(&def_counter, 5);
    coop_flag_set(&member.f);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, await_def_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, 2);
    ck_assert_int_eq(J[0].rc2, 5);
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(member.x, 1);
    EXPECT_NO_ASSERT();
}
END_TEST

/* Re-initialising objects that tasks wait on: refused, the waiters are kept
 * (before: they were stranded, the run ended COOP_EDEADLK, and the lock's
 * holder got a misleading COOP_EPERM). */
static coop_event_t re_ev;
static coop_lock_t re_lock;
static coop_sem_t re_sem;
static coop_flag_t re_flag;
COOP_QUEUE_DEFINE(re_q, int, 1);
enum { RE_HOLDER, RE_LOCKER, RE_EVENT, RE_SEM, RE_FLAG, RE_INIT, RE_N };
static struct job RE[RE_N];

static coop_status_t re_fn(coop_task_t *task)
{
    static const int v = 42;
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->id == RE_HOLDER || j->id == RE_LOCKER) {
        AWAIT_LOCK(&re_lock);
        YIELD();
        YIELD();
        j->rc = coop_lock_release(&re_lock);
    } else if (j->id == RE_EVENT) {
        AWAIT_EVENT(&re_ev);
    } else if (j->id == RE_SEM) {
        AWAIT_SEM(&re_sem);
        AWAIT_GET(&re_q, &j->rc2);
    } else if (j->id == RE_FLAG) {
        AWAIT_FLAG(&re_flag);
    } else {
        YIELD(); /* every other task has parked */
        j->rc = coop_event_init(&re_ev) + coop_lock_init(&re_lock) * 10 +
                coop_sem_init(&re_sem, 0, 1) * 100 + coop_flag_init(&re_flag) * 1000;
        coop_event_set(&re_ev);
        j->step = coop_sem_release(&re_sem);
        coop_flag_set(&re_flag);
        YIELD(); /* the semaphore's waiter takes its unit, then waits for a record */
        YIELD();
        j->rc2 = coop_queue_init(&re_q, re_q_storage, sizeof(int), 1);
        j->rc3 = coop_queue_try_put(&re_q, &v);
    }
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_reinit_with_waiters)
{
    int k;
    ck_assert_int_eq(coop_event_init(&re_ev), COOP_OK);
    ck_assert_int_eq(coop_lock_init(&re_lock), COOP_OK);
    ck_assert_int_eq(coop_sem_init(&re_sem, 0, 1), COOP_OK);
    ck_assert_int_eq(coop_flag_init(&re_flag), COOP_OK);
    memset(RE, 0, sizeof RE);
    for (k = 0; k < RE_N; k++) {
        RE[k].id = k;
        ck_assert_int_eq(coop_task_spawn(&g_loop, &RE[k].task, re_fn), COOP_OK);
    }
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(RE[RE_INIT].rc, COOP_EBUSY * 1111);
    ck_assert_int_eq(RE[RE_INIT].rc2, COOP_EBUSY);
    ck_assert_int_eq(hook_calls, 5);
    for (k = 0; k < 5; k++)
        ck_assert_msg(strstr(hook_msg[k], "tasks wait on") != NULL, "%s", hook_msg[k]);
    hook_reset();
    for (k = 0; k < RE_N; k++)
        ck_assert_int_eq(RE[k].done, 1);
    ck_assert_int_eq(RE[RE_HOLDER].rc, COOP_OK);
    ck_assert_int_eq(RE[RE_LOCKER].rc, COOP_OK);
    ck_assert_int_eq(RE[RE_INIT].step, COOP_OK);
    ck_assert_int_eq(RE[RE_INIT].rc3, COOP_OK);
    ck_assert_int_eq(RE[RE_SEM].rc2, 42);
}
END_TEST

/* The loop not run for longer than COOP_TICK_MAX_WAIT with timers armed:
 * detected, counted and asserted; the timers fire at once, not a wrap late. */
#define STALL ((uint32_t)COOP_TICK_MAX_WAIT + 7233u) /* 40000 with 16-bit ticks */

static coop_status_t blocker_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    coop_virtual_advance(STALL); /* a task that blocks the loop that long */
    j->done = 1;
    ASYNC_END;
}

static coop_status_t sleep100_at_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_TICKS(100);
    j->rc = (int)(coop_tick_t)(coop_now() - T0);
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_stall_beyond_max_wait)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, sleep100_at_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, blocker_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("not run for more than COOP_TICK_MAX_WAIT");
    ck_assert_uint_eq(coop_loop_stalls(&g_loop), 1);
    /* the sleeper woke in the first pass after the stall */
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_uint_eq((coop_tick_t)J[0].rc, (coop_tick_t)STALL);
    ck_assert_uint_eq(coop_virtual_idles, 0);
}
END_TEST

/* A long idle with nothing armed is no stall: a flag set after 40000 ticks. */
static coop_flag_t late_flag;
static void set_late_flag(void)
{
    if (late_flag.sets != 0 || J[0].step != 0)
        return; /* once */
    J[0].step = 1;
    coop_virtual_advance(STALL);
    coop_flag_set(&late_flag);
}

static coop_status_t await_late_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    AWAIT_FLAG(&late_flag);
    AWAIT_SLEEP_TICKS(100); /* and the loop's time is right after it */
    j->rc = (int)(coop_tick_t)(coop_now() - T0);
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_long_idle_is_no_stall)
{
    coop_flag_init(&late_flag);
    coop_virtual_on_idle = set_late_flag;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, await_late_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    coop_virtual_on_idle = NULL;
    EXPECT_NO_ASSERT();
    ck_assert_uint_eq(coop_loop_stalls(&g_loop), 0);
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_uint_eq((coop_tick_t)J[0].rc, (coop_tick_t)(STALL + 100u));
}
END_TEST

/* A length that a signed expression made negative: no wait (asyncio's
 * sleep(-1) and wait_for(timeout=-1)); before: 49.7 days. */
static coop_status_t negative_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    int minus_one = -1;
    long minus_big = -100000L;
    j->calls++;
    ASYNC(task);
    AWAIT_SLEEP_MS(minus_one);
    j->step = (int)(coop_tick_t)(coop_now() - T0) + 1;
    AWAIT_SLEEP_TICKS(minus_big);
    AWAIT_FOR(j->rc, minus_one, AWAIT_FLAG(&late_flag));
    j->rc2 = (int)(coop_tick_t)(coop_now() - T0);
    j->done = 1;
    ASYNC_END;
}

START_TEST(test_negative_lengths)
{
    coop_flag_init(&late_flag);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, negative_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, yield_once_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(J[0].step, 1);  /* it woke on the same tick */
    ck_assert_int_eq(J[0].rc, COOP_ETIMEDOUT); /* a poll */
    ck_assert_int_eq(J[0].rc2, 0);
    /* sleep(-1) yields like sleep(0): J[1] ran between */
    ck_assert_int_eq(norder, 2);
}
END_TEST

/* ---------------------------------------------------------------- tests */

START_TEST(test_null_arguments)
{
    coop_loop_init(NULL);
    EXPECT_ASSERT("loop is NULL");

    ck_assert_int_eq(coop_loop_run(NULL), COOP_EINVAL);
    EXPECT_ASSERT("loop is NULL");
    ck_assert_int_eq(coop_loop_run_until(NULL, T0), COOP_EINVAL);
    EXPECT_ASSERT("loop is NULL");

    ck_assert_int_eq(coop_task_spawn(NULL, &J[0].task, noop_fn), COOP_EINVAL);
    EXPECT_ASSERT("must not be NULL");
    ck_assert_int_eq(coop_task_spawn(&g_loop, NULL, noop_fn), COOP_EINVAL);
    EXPECT_ASSERT("must not be NULL");
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, NULL), COOP_EINVAL);
    EXPECT_ASSERT("must not be NULL");
    /* nothing was spawned */
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EINVAL);
    ck_assert_uint_eq(g_loop.alive, 0);
    ck_assert(g_loop.ready == NULL);

    ck_assert_int_eq(coop_task_cancel(NULL), COOP_EINVAL);
    EXPECT_ASSERT("task is NULL");
    ck_assert_int_eq(coop_task_join(NULL), COOP_EINVAL);
    EXPECT_ASSERT("task is NULL");

    /* the loop is still usable */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_spawn_alive)
{
    /* ready (spawned, not run yet) */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, sleep100_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, sleep100_fn), COOP_EBUSY);
    EXPECT_ASSERT("alive");
    ck_assert_uint_eq(g_loop.alive, 1);

    /* sleeping */
    ck_assert_int_eq(coop_loop_run_until(&g_loop, T0), COOP_ETIMEDOUT);
    ck_assert_uint_eq(COOP_PRIV_TASK_STATE(&J[0].task), COOP_TASK_SLEEPING);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, noop_fn), COOP_EBUSY);
    EXPECT_ASSERT("alive");

    /* waiting (in a join) */
    J[1].other = &J[0].task;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, join_other_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, coop_tick_add(T0, 1)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(COOP_PRIV_TASK_STATE(&J[1].task), COOP_TASK_WAITING);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, noop_fn), COOP_EBUSY);
    EXPECT_ASSERT("alive");

    /* the refused spawns changed nothing: both end on time, once */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(J[1].calls, 2);
    ck_assert_int_eq(J[1].done, 1);
    ck_assert_uint_eq(coop_port_now(), coop_tick_add(T0, 100));
    ck_assert_uint_eq(g_loop.alive, 0);

    /* ended: spawning again is fine */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, noop_fn), COOP_OK);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
}
END_TEST

START_TEST(test_cancel_never_spawned)
{
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EINVAL);
    EXPECT_ASSERT("never spawned");
    ck_assert_uint_eq(J[0].task.state, COOP_TASK_IDLE);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_EINVAL);
}
END_TEST

START_TEST(test_cancel_self)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, cancel_self_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_EBUSY);
    EXPECT_ASSERT("cannot cancel itself");
    /* not cancelled: it ran on to the end */
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_join_self)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, join_self_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_EDEADLK);
    /* two asserts: coop_task_join(self), then AWAIT_JOIN(self) */
    ck_assert_int_eq(hook_calls, 2);
    ck_assert(strstr(hook_msg[0], "cannot join itself") != NULL);
    ck_assert(strstr(hook_msg[1], "cannot join itself") != NULL);
    hook_reset();
    /* AWAIT_JOIN(self) did not wait forever: it went on at once */
    ck_assert_int_eq(J[0].step, 2);
    ck_assert_int_eq(J[0].calls, 1);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_join_outside_task)
{
    /* joining needs a task to park: from main, on an alive task */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, noop_fn), COOP_OK);
    ck_assert_int_eq(coop_task_join(&J[0].task), COOP_EINVAL);
    EXPECT_ASSERT("no task is running");
    ck_assert(g_loop.ready == &J[0].task); /* not parked anywhere */
    ck_assert(g_loop.joiners.last == NULL);
    /* a never-spawned task */
    ck_assert_int_eq(coop_task_join(&J[1].task), COOP_EINVAL);
    EXPECT_ASSERT("never spawned");
    /* an ended task: fine, from anywhere */
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_join(&J[0].task), COOP_OK);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_run_inside_task)
{
    J[0].other_loop = &g_loop2;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, run_inside_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(J[0].rc, COOP_EBUSY);
    ck_assert_int_eq(J[0].rc2, COOP_EBUSY);
    ck_assert_int_eq(J[0].rc3, COOP_EBUSY);
    ck_assert_int_eq(hook_calls, 3);
    ck_assert(strstr(hook_msg[0], "already running") != NULL);
    ck_assert(strstr(hook_msg[1], "already running") != NULL);
    ck_assert(strstr(hook_msg[2], "already running") != NULL);
    hook_reset();
    /* the refused runs left the running loop intact */
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_uint_eq(coop_port_now(), coop_tick_add(T0, 10));
    ck_assert(coop_priv_running == NULL);
    ck_assert_uint_eq(g_loop.running, 0);
    ck_assert_uint_eq(g_loop2.running, 0);
    /* one loop at a time: g_loop2 was initialised before g_loop */
    ck_assert_int_eq(coop_loop_run(&g_loop2), COOP_EINVAL);
    EXPECT_ASSERT("not the program's loop");
    ck_assert_int_eq(coop_task_spawn(&g_loop2, &J[1].task, noop_fn), COOP_EINVAL);
    EXPECT_ASSERT("not the program's loop");
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_EINVAL); /* never spawned */
    /* initialised again, it is the program's loop and runs */
    coop_loop_init(&g_loop2);
    ck_assert_int_eq(coop_task_spawn(&g_loop2, &J[1].task, noop_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop2), COOP_OK);
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_OK);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_waiting_without_parking)
{
    /* W returns COOP_WAITING without waiting on anything: asserted, and
     * treated as a yield (it runs again, behind Y) */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, waiting_liar_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, yield_once_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("without waiting");
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(norder, 4);
    ck_assert_int_eq(order[0], 0);
    ck_assert_int_eq(order[1], 1);
    ck_assert_int_eq(order[2], 0);
    ck_assert_int_eq(order[3], 1);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
    ck_assert_uint_eq(g_loop.idles, 0);
}
END_TEST

START_TEST(test_unknown_status)
{
    /* a status that is not DONE/YIELDED/WAITING: one assert, a yield */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, bad_status_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, yield_once_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("unknown status");
    ck_assert_int_eq(J[0].calls, 2);
    ck_assert_int_eq(norder, 4);
    ck_assert_int_eq(order[2], 0);
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);
}
END_TEST

START_TEST(test_await_outside_task)
{
    /* the scheduler's AWAIT forms in a coroutine the loop does not run */
    struct co c;
    memset(&c, 0, sizeof c);
    ck_assert_uint_eq(sleepy_co(&c), COOP_YIELDED);
    EXPECT_ASSERT("no task is running");
    ck_assert_int_eq(c.step, 1);
    ck_assert_uint_eq(sleepy_co(&c), COOP_YIELDED);
    EXPECT_ASSERT("no task is running");
    ck_assert_int_eq(c.step, 2);
    ck_assert_uint_eq(sleepy_co(&c), COOP_DONE);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(c.step, 3);
    ck_assert_uint_eq(coop_port_now(), T0); /* nothing slept */
}
END_TEST

START_TEST(test_gather_null)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, gather_null_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_ASSERT("tasks is NULL");
    ck_assert_int_eq(J[0].done, 1);
    ck_assert_int_eq(J[0].calls, 1);
}
END_TEST

START_TEST(test_cancel_ended_is_benign)
{
    /* documented benign race: COOP_EALREADY without an assert */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[0].task, noop_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[0].task), COOP_EALREADY);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(coop_task_result(&J[0].task), COOP_OK);

    /* being cancelled already, and cancelled-and-ended */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[1].task, sleep100_fn), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_EALREADY);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    ck_assert_int_eq(coop_task_cancel(&J[1].task), COOP_EALREADY);
    EXPECT_NO_ASSERT();
    ck_assert_int_eq(coop_task_result(&J[1].task), COOP_ECANCELED);
}
END_TEST

START_TEST(test_strerror)
{
    static const int codes[12] = {COOP_OK,      COOP_EINVAL,   COOP_EBUSY,     COOP_EAGAIN,
                                  COOP_EDEADLK, COOP_EALREADY, COOP_ECANCELED, COOP_ETIMEDOUT,
                                  COOP_EPERM,   COOP_ERANGE,   COOP_ESHUTDOWN, COOP_ESTOPPED};
    static const int unknown[5] = {1, -12, 100, -1000, INT32_MIN};
    const char *unknown_text = coop_strerror(-12);
    int a, b;
    ck_assert_str_eq(unknown_text, "unknown error");
    for (a = 0; a < 12; a++) {
        const char *s = coop_strerror(codes[a]);
        ck_assert_ptr_nonnull(s);
        ck_assert_uint_gt(strlen(s), 0);
        ck_assert_str_ne(s, unknown_text);
        for (b = 0; b < a; b++)
            ck_assert_str_ne(s, coop_strerror(codes[b]));
    }
    for (a = 0; a < 5; a++)
        ck_assert_str_eq(coop_strerror(unknown[a]), "unknown error");
    /* the codes themselves: 0 and distinct negatives */
    ck_assert_int_eq(COOP_OK, 0);
    for (a = 1; a < 8; a++)
        ck_assert_int_lt(codes[a], 0);
    EXPECT_NO_ASSERT();
}
END_TEST

START_TEST(test_abort_without_hook)
{
    /* no hook: the port prints the message and aborts (this runs in a
     * forked child: keep its message out of the test output) */
    coop_virtual_on_assert = NULL;
    if (freopen("/dev/null", "w", stderr) == NULL)
        ck_abort_msg("cannot silence stderr");
    coop_task_cancel(NULL);
    ck_abort_msg("misuse did not abort");
}
END_TEST

Suite *coop_misuse_suite(void);
Suite *coop_misuse_suite(void)
{
    Suite *s = suite_create("misuse");
    TCase *tc = tcase_create("misuse");
    const char *fork_env = getenv("CK_FORK");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_null_arguments);
    tcase_add_test(tc, test_spawn_alive);
    tcase_add_test(tc, test_cancel_never_spawned);
    tcase_add_test(tc, test_cancel_self);
    tcase_add_test(tc, test_join_self);
    tcase_add_test(tc, test_join_outside_task);
    tcase_add_test(tc, test_run_inside_task);
    tcase_add_test(tc, test_waiting_without_parking);
    tcase_add_test(tc, test_unknown_status);
    tcase_add_test(tc, test_await_outside_task);
    tcase_add_test(tc, test_gather_null);
    tcase_add_test(tc, test_cancel_ended_is_benign);
    tcase_add_test(tc, test_strerror);
    tcase_add_test(tc, test_loop_init_inside_task);
    tcase_add_test(tc, test_zeroed_irq_objects);
    tcase_add_test(tc, test_defined_irq_objects);
    tcase_add_test(tc, test_reinit_with_waiters);
    tcase_add_test(tc, test_stall_beyond_max_wait);
    tcase_add_test(tc, test_long_idle_is_no_stall);
    tcase_add_test(tc, test_negative_lengths);
    /* an abort would end the whole runner without fork (CK_FORK=no, as
     * under valgrind): only with fork */
    if (fork_env == NULL || strcmp(fork_env, "no") != 0)
        tcase_add_test_raise_signal(tc, test_abort_without_hook, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}
