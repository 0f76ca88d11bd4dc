/* Interrupt hand-off tests (coop/irq.h and the loop's inbox in coop/sched.h)
 * on the virtual clock (ports/virtual.h): flag, counter, ring and coop_call_t.
 *
 * "Interrupts" are calls made from test code, from tasks (an interrupt that
 * fires while a task runs), or from coop_virtual_on_idle, which the virtual
 * port calls during each idle, after the clock has jumped to the deadline,
 * with "interrupts" unmasked: an interrupt that fires while the loop sleeps.
 * Everything is deterministic, so wake ticks and idle counts are exact.
 *
 * The idle hook also checks, at every idle, what must hold whenever the loop
 * goes to sleep: interrupts were unmasked for the "ISR"; no post was pending
 * (the loop checks its inbox with interrupts masked before it sleeps); and no
 * task is waiting on an object whose count is nonzero (a waiter left sleeping
 * with its flag set is a lost wake-up). end_checks() repeats these after each
 * scenario.
 *
 * Runs with both ISR-side flavours: COOP_PORT_ATOMIC 0 (the virtual port's
 * default, a critical section) and 1 (GCC __atomic builtins). */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

/* An assertion for hot loops: Check's ck_assert records every passing check
 * (a pipe write per check when tests fork); this only calls into Check when
 * it fails. */
#define FAST_CHECK(cond, ...)            \
    do {                                 \
        if (!(cond))                     \
            ck_abort_msg(__VA_ARGS__);   \
    } while (0)

/* Every test starts 20 ticks before the clock wraps (16- and 32-bit ticks). */
#define T0 ((coop_tick_t)(0u - 20u))
#define NJOBS 6
#define NOBJ 2
#define NCALLS 4
#define MAXWAKE 8
#define MAXIDLE 16
#define MAXLOG 64

enum { ON_FLAG, ON_COUNTER, ON_RING };


/* One task and everything it needs across resume points. */
struct job {
    coop_task_t task;
    int id;
    int kind;                             /* ON_FLAG, ON_COUNTER, ON_RING */
    int obj;                              /* which G.flag/G.counter/G.ring */
    int n;                                /* waits to do */
    int i;                                /* the wait in progress */
    int take;                             /* counter: take after waking (else read) */
    uint32_t pre_sleep;                   /* ticks to sleep before the first wait */
    void (*after_wake)(struct job *j);    /* runs in the task after each wake */
    coop_task_t *other;                   /* a task to cancel or to observe */
    int rc;                               /* what a cancel returned */
    int woke;                             /* waits completed */
    coop_tick_t tick[MAXWAKE];            /* loop time of each wake */
    uint32_t idles[MAXWAKE];              /* loop idles at each wake */
    coop_count_t got[MAXWAKE];            /* flag count, counter take/read, records popped */
    unsigned seq[MAXWAKE];                /* global order of each wake */
    int other_state;                      /* a state observed by after_wake */
    int masked_seen;                      /* ran with interrupts masked (must stay 0) */
    int cleanup;                          /* its FINALLY section ran */
    int calls;                            /* times its function was called */
    int yields;                           /* yields after the last wait */
};

/* A deferred call with a log. */
struct callrec {
    coop_call_t call;
    int id;
    int runs;
    int repost_left;                      /* post itself again this many times */
    void (*action)(struct callrec *c);    /* runs after each run that did not repost */
    coop_tick_t tick[MAXWAKE];
    uint32_t idles[MAXWAKE];
    unsigned seq[MAXWAKE];
    int masked_seen;
};

/* The objects, the tasks and the logs of one test. */
static struct world {
    coop_flag_t flag[NOBJ];
    coop_counter_t counter[NOBJ];
    coop_ring_t ring[NOBJ];
    uint8_t ring_buf[NOBJ][4 * 16];       /* 4 records of up to 16 bytes */
    struct job job[NJOBS];
    struct callrec calls[NCALLS];
    unsigned seq;                         /* wakes and call runs, in order */
    uint8_t popped[MAXLOG];               /* first byte of every record popped */
    unsigned npopped;
    int order[MAXLOG];                    /* ids of calls in the order they ran */
    unsigned norder;
} G;

/* What the idle hook does and what it saw. */
static struct hook_log {
    void (*action)(uint32_t idle_no);     /* the test's interrupt, idle_no from 1 */
    unsigned entries;
    unsigned masked_at_entry;             /* the "ISR" ran masked: must stay 0 */
    unsigned pending_at_entry;            /* the loop slept with a post pending: 0 */
    unsigned sleepers_set;                /* tasks asleep on a set object: 0 */
    unsigned masked_after;                /* a post left interrupts masked: 0 */
    unsigned loop_idles_mismatch;         /* loop->idles != the port's idle count: 0 */
    coop_tick_t tick[MAXIDLE];            /* the clock at each idle */
} H;

/* Scripts: what the hook does at idle no (1-based; index 0 unused), or at
 * the first idle on a given tick. */
static struct hook_script {
    int kind;
    int obj;
    uint8_t fires[MAXIDLE];               /* events to fire at each idle */
    uint8_t value;                        /* counter increment / record value */
    uint8_t post[MAXIDLE];                /* bit k: post G.calls[k] at this idle */
    coop_tick_t at;                       /* at the first idle on this tick, */
    uint8_t at_fires;                     /* fire this many events */
    unsigned at_done;                     /* times it did */
} S;

static coop_loop_t g_loop;

/* The recording assert hook (for the tests that provoke asserts). */
static struct {
    unsigned count;
    char msg[160];
} A;

static void unexpected_assert(const char *msg, const char *file, int line)
{
    ck_abort_msg("unexpected COOP_ASSERT at %s:%d: %s", file, line, msg);
}

static void record_assert(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    A.count++;
    strncpy(A.msg, msg, sizeof A.msg - 1);
    A.msg[sizeof A.msg - 1] = '\0';
}

/* --------------------------------------------------------- the invariant */

static bool object_is_set(const coop_waitq_t *q)
{
    int k;
    for (k = 0; k < NOBJ; k++) {
        if (q == &G.flag[k].waiters)
            return coop_flag_is_set(&G.flag[k]);
        if (q == &G.counter[k].waiters)
            return coop_counter_read(&G.counter[k]) != 0;
        if (q == &G.ring[k].waiters)
            return coop_ring_count(&G.ring[k]) != 0;
    }
    return false;
}

/* Tasks WAITING on an object whose count is nonzero: a lost wake-up. */
static unsigned waiting_on_set(void)
{
    unsigned bad = 0;
    int k;
    for (k = 0; k < NJOBS; k++) {
        const coop_task_t *t = &G.job[k].task;
        if (COOP_PRIV_TASK_STATE(t) == COOP_TASK_WAITING && object_is_set(t->u.q.waitq))
            bad++;
    }
    return bad;
}

/* ------------------------------------------------------------ the hook */

static void idle_hook(void)
{
    uint32_t no = g_loop.idles; /* this idle's number, from 1 */
    if (H.entries < MAXIDLE)
        H.tick[H.entries] = coop_port_now();
    H.entries++;
    if (coop_virtual_masked)
        H.masked_at_entry++;
    if (coop_priv_inbox != NULL)
        H.pending_at_entry++;
    if (no != coop_virtual_idles)
        H.loop_idles_mismatch++;
    H.sleepers_set += waiting_on_set();
    if (H.action != NULL)
        H.action(no);
    if (coop_virtual_masked)
        H.masked_after++;
}

/* ------------------------------------------------------------ fixture */

static void reset(void)
{
    int k;
    coop_priv_running = NULL;
    coop_priv_inbox = NULL; /* a loop that ended with calls pending leaves them here */
    coop_virtual_on_assert = unexpected_assert;
    coop_virtual_on_idle = idle_hook;
    coop_virtual_masked = false;
    coop_virtual_wakes = 0;
    coop_virtual_idles = 0;
    coop_virtual_set(T0);
    memset(&G, 0, sizeof G);
    memset(&H, 0, sizeof H);
    memset(&A, 0, sizeof A);
    memset(&S, 0, sizeof S);
    memset(&g_loop, 0, sizeof g_loop);
    for (k = 0; k < NOBJ; k++) {
        coop_flag_init(&G.flag[k]);
        coop_counter_init(&G.counter[k]);
        ck_assert_int_eq(coop_ring_init(&G.ring[k], G.ring_buf[k], 1, 4), COOP_OK);
    }
    for (k = 0; k < NJOBS; k++)
        G.job[k].id = k;
    for (k = 0; k < NCALLS; k++)
        G.calls[k].id = k;
    coop_loop_init(&g_loop);
}

static void setup(void)
{
    reset();
}

static void teardown(void)
{
    coop_priv_running = NULL;
    coop_priv_inbox = NULL;
    coop_virtual_on_assert = NULL;
    coop_virtual_on_idle = NULL;
    coop_virtual_masked = false;
}

/* What must hold after every scenario (and held at every idle). */
static void end_checks(void)
{
    ck_assert_uint_eq(H.masked_at_entry, 0);
    ck_assert_uint_eq(H.masked_after, 0);
    ck_assert_uint_eq(H.pending_at_entry, 0);
    ck_assert_msg(H.sleepers_set == 0, "the loop slept %u time(s) with a task waiting on a "
                                       "set object (lost wake-up)", H.sleepers_set);
    ck_assert_uint_eq(H.loop_idles_mismatch, 0);
    ck_assert_uint_eq(g_loop.idles, coop_virtual_idles);
    ck_assert_uint_eq(H.entries, coop_virtual_idles);
    ck_assert_uint_eq(waiting_on_set(), 0);
    ck_assert(!coop_virtual_masked);
    ck_assert_ptr_eq(coop_priv_running, NULL);
}

static coop_tick_t t0_plus(uint32_t n)
{
    return coop_tick_add(T0, n);
}

static int run(void)
{
    return coop_loop_run(&g_loop);
}

/* ------------------------------------------------------------ task bodies */

static struct job *job_of(coop_task_t *task)
{
    return COOP_CONTAINER_OF(task, struct job, task);
}

static void spawn(int k, coop_task_fn fn)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &G.job[k].task, fn), COOP_OK);
}

/* Log a wake of j: time, idles, order, and what it got. */
static void record_wake(struct job *j)
{
    int w = j->woke;
    ck_assert_int_lt(w, MAXWAKE);
    j->tick[w] = coop_loop_now(coop_task_loop(&j->task));
    j->idles[w] = coop_task_loop(&j->task)->idles;
    j->seq[w] = ++G.seq;
    if (coop_virtual_masked)
        j->masked_seen++;
    if (j->kind == ON_FLAG) {
        j->got[w] = coop_flag_count(&G.flag[j->obj]);
    } else if (j->kind == ON_COUNTER) {
        coop_counter_t *c = &G.counter[j->obj];
        j->got[w] = j->take ? coop_counter_take(c) : coop_counter_read(c);
    } else {
        coop_ring_t *r = &G.ring[j->obj];
        uint8_t rec[16];
        coop_count_t n = 0;
        while (coop_ring_pop(r, rec)) {
            ck_assert_uint_lt(G.npopped, MAXLOG);
            G.popped[G.npopped++] = rec[0];
            n++;
        }
        j->got[w] = n;
    }
    j->woke++;
}

/* Sleep pre_sleep (if any), then n times: await the object, record the wake,
 * run after_wake; then yield `yields` times. FINALLY counts. */
static coop_status_t waiter_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    j->calls++;
    ASYNC(task);
    if (j->pre_sleep != 0)
        AWAIT_SLEEP_TICKS(j->pre_sleep);
    for (j->i = 0; j->i < j->n; j->i++) {
        if (j->kind == ON_FLAG) {
            AWAIT_FLAG(&G.flag[j->obj]);
        } else if (j->kind == ON_COUNTER) {
            AWAIT_COUNTER(&G.counter[j->obj]);
        } else {
            AWAIT_RING(&G.ring[j->obj]);
        }
        record_wake(j);
        if (j->after_wake != NULL)
            j->after_wake(j);
    }
    for (j->i = 0; j->i < j->yields; j->i++)
        YIELD();
    FINALLY;
    j->cleanup++;
    ASYNC_END;
}

/* Log the time of j's wake (a task that waits on no object). */
static void record_time(struct job *j)
{
    ck_assert_int_lt(j->woke, MAXWAKE);
    j->tick[j->woke] = coop_loop_now(coop_task_loop(&j->task));
    j->idles[j->woke] = coop_task_loop(&j->task)->idles;
    j->seq[j->woke] = ++G.seq;
    j->woke++;
}

/* Sleep pre_sleep (if any), run after_wake once, end. */
static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    if (j->pre_sleep != 0)
        AWAIT_SLEEP_TICKS(j->pre_sleep);
    record_time(j);
    if (j->after_wake != NULL)
        j->after_wake(j);
    ASYNC_END;
}

static struct job *waiter(int k, int kind, int obj, int n)
{
    struct job *j = &G.job[k];
    j->kind = kind;
    j->obj = obj;
    j->n = n;
    spawn(k, waiter_fn);
    return j;
}

static struct job *sleeper(int k, uint32_t ticks)
{
    struct job *j = &G.job[k];
    j->pre_sleep = ticks;
    spawn(k, sleeper_fn);
    return j;
}

/* The "ISR" side of each kind, on object obj: one event. */
static void fire(int kind, int obj, uint8_t value)
{
    if (kind == ON_FLAG)
        coop_flag_set(&G.flag[obj]);
    else if (kind == ON_COUNTER)
        coop_counter_add(&G.counter[obj], value);
    else
        ck_assert(coop_ring_push(&G.ring[obj], &value));
}

static coop_count_t pending(int kind, int obj)
{
    if (kind == ON_FLAG)
        return G.flag[obj].sets; /* the sets not yet consumed */
    if (kind == ON_COUNTER)
        return coop_counter_read(&G.counter[obj]);
    return (coop_count_t)coop_ring_count(&G.ring[obj]);
}

/* Wake w of j happened at `tick`, after `idles` idles, and got `got`. */
static void expect_wake(const struct job *j, int w, coop_tick_t tick, uint32_t idles,
                        coop_count_t got)
{
    ck_assert_int_lt(w, j->woke);
    ck_assert_msg(j->tick[w] == tick && j->idles[w] == idles && j->got[w] == got,
                  "task %d wake %d: tick %lu idles %lu got %lu, expected tick %lu idles %lu "
                  "got %lu",
                  j->id, w, (unsigned long)j->tick[w], (unsigned long)j->idles[w],
                  (unsigned long)j->got[w], (unsigned long)tick, (unsigned long)idles,
                  (unsigned long)got);
    ck_assert_int_eq(j->masked_seen, 0);
}

/* ------------------------------------------------------------ hook actions */

static void scripted(uint32_t no)
{
    unsigned k;
    if (S.at_fires != 0 && S.at_done == 0 && coop_port_now() == S.at) {
        S.at_done++;
        for (k = 0; k < S.at_fires; k++)
            fire(S.kind, S.obj, (uint8_t)(S.value + k));
    }
    if (no >= MAXIDLE)
        return;
    for (k = 0; k < S.fires[no]; k++)
        fire(S.kind, S.obj, (uint8_t)(S.value + k));
    for (k = 0; k < NCALLS; k++)
        if (S.post[no] & (1u << k))
            coop_call_post(&G.calls[k].call);
}

static void script(int kind, int obj, uint8_t value)
{
    memset(&S, 0, sizeof S);
    S.kind = kind;
    S.obj = obj;
    S.value = value;
    H.action = scripted;
}

/* ================================================================ set/wait/wake
 * Each ordering runs for each object kind (the loop in each test). */

static const char *kind_name(int kind)
{
    return kind == ON_FLAG ? "flag" : kind == ON_COUNTER ? "counter" : "ring";
}

/* A set before the task waits: no idle, the task continues at once. Two
 * ways: before the loop runs, and from a task that runs first in the pass
 * (an interrupt while that task runs). */
static void set_from_task(struct job *j)
{
    fire(j->kind, j->obj, 5);
}

START_TEST(test_set_before_wait)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w;
        reset();
        script(kind, 0, 5);
        fire(kind, 0, 5);                 /* before the loop runs */
        ck_assert_uint_eq(coop_virtual_wakes, 1);
        w = waiter(0, kind, 0, 1);
        w->take = 1;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_msg(w->woke == 1, "%s", kind_name(kind));
        expect_wake(w, 0, T0, 0, kind == ON_COUNTER ? 5 : 1);
        ck_assert_uint_eq(g_loop.idles, 0);
        ck_assert_uint_eq(pending(kind, 0), 0);
        ck_assert_int_eq(w->cleanup, 1);
        end_checks();

        reset();
        script(kind, 0, 5);
        G.job[0].obj = 0;
        G.job[0].kind = kind;
        G.job[0].after_wake = set_from_task; /* job 0 sets, then job 1 waits */
        spawn(0, sleeper_fn);
        w = waiter(1, kind, 0, 1);
        w->take = 1;
        ck_assert_int_eq(run(), COOP_OK);
        expect_wake(w, 0, T0, 0, kind == ON_COUNTER ? 5 : 1);
        ck_assert_uint_eq(g_loop.idles, 0);
        ck_assert_uint_eq(pending(kind, 0), 0);
        end_checks();
    }
}
END_TEST

/* A set during the wait: the loop idled with the task parked, the hook sets
 * at the deadline of another task, the waiter wakes in the next pass at that
 * tick. Then without any deadline: the clock does not move. */
START_TEST(test_set_during_wait)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w, *s;
        reset();
        script(kind, 0, 7);
        S.at = t0_plus(30); /* across the wrap */
        S.at_fires = 1;
        w = waiter(0, kind, 0, 1);
        w->take = 1;
        s = sleeper(1, 30);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_msg(w->woke == 1, "%s", kind_name(kind));
        expect_wake(w, 0, t0_plus(30), 1, kind == ON_COUNTER ? 7 : 1);
        ck_assert_uint_eq(S.at_done, 1);
        ck_assert_int_eq(s->woke, 1);
        ck_assert_uint_eq(s->tick[0], t0_plus(30));
        ck_assert_uint_lt(w->seq[0], s->seq[0]); /* woken by the post, drained first */
        ck_assert_uint_eq(g_loop.idles, 1);
        ck_assert_uint_eq(H.entries, g_loop.idles);
        ck_assert_uint_eq(H.tick[g_loop.idles - 1], t0_plus(30)); /* the last idle */
        ck_assert_uint_eq(coop_virtual_wakes, 1);
        end_checks();

        /* no deadline: three waits, one set at each of three idles */
        reset();
        script(kind, 0, 7);
        S.fires[1] = S.fires[2] = S.fires[3] = 1;
        w = waiter(0, kind, 0, 3);
        w->take = 1;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(w->woke, 3);
        expect_wake(w, 0, T0, 1, kind == ON_COUNTER ? 7 : 1);
        expect_wake(w, 1, T0, 2, kind == ON_COUNTER ? 7 : 1);
        expect_wake(w, 2, T0, 3, kind == ON_COUNTER ? 7 : 1);
        ck_assert_uint_eq(g_loop.idles, 3);
        ck_assert_uint_eq(pending(kind, 0), 0);
        end_checks();
    }
}
END_TEST

/* Several sets before the task runs: one wake that consumes them all
 * (flag count = sets, counter take = sum, ring: every record, in order). */
START_TEST(test_several_sets_before_run)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w;
        unsigned k;
        reset();
        script(kind, 0, 0);
        for (k = 0; k < 3; k++)
            fire(kind, 0, (uint8_t)(10 + k));
        ck_assert_uint_eq(coop_virtual_wakes, 1); /* only the first post links the call */
        w = waiter(0, kind, 0, 1);
        w->take = 1;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(w->woke, 1);
        expect_wake(w, 0, T0, 0, kind == ON_COUNTER ? 10 + 11 + 12 : 3);
        if (kind == ON_RING) {
            ck_assert_uint_eq(G.npopped, 3);
            ck_assert_uint_eq(G.popped[0], 10);
            ck_assert_uint_eq(G.popped[1], 11);
            ck_assert_uint_eq(G.popped[2], 12);
        }
        ck_assert_uint_eq(pending(kind, 0), 0);
        end_checks();
    }
}
END_TEST

/* Two sets in one idle: one wake, both consumed; then one set at the next
 * idle: a wake that consumes one. */
START_TEST(test_two_sets_one_idle)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w;
        reset();
        script(kind, 0, 20);
        S.fires[1] = 2;
        S.fires[2] = 1;
        w = waiter(0, kind, 0, 2);
        w->take = 1;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(w->woke, 2);
        expect_wake(w, 0, T0, 1, kind == ON_COUNTER ? 20 + 21 : 2);
        expect_wake(w, 1, T0, 2, kind == ON_COUNTER ? 20 : 1);
        ck_assert_uint_eq(g_loop.idles, 2);
        ck_assert_uint_eq(coop_virtual_wakes, 2); /* one per idle: the 2nd set found it posted */
        if (kind == ON_RING) {
            ck_assert_uint_eq(G.npopped, 3);
            ck_assert_uint_eq(G.popped[0], 20);
            ck_assert_uint_eq(G.popped[1], 21);
            ck_assert_uint_eq(G.popped[2], 20);
        }
        end_checks();
    }
}
END_TEST

/* A set while the task runs between two awaits (an interrupt during the
 * task): the second await continues at once, without an idle. */
static void fire_own(struct job *j)
{
    if (j->woke == 1)
        fire(j->kind, j->obj, 3);
}

START_TEST(test_set_between_awaits)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w;
        reset();
        script(kind, 0, 9);
        S.fires[1] = 1;
        w = waiter(0, kind, 0, 2);
        w->take = 1;
        w->after_wake = fire_own;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(w->woke, 2);
        expect_wake(w, 0, T0, 1, kind == ON_COUNTER ? 9 : 1);
        expect_wake(w, 1, T0, 1, kind == ON_COUNTER ? 3 : 1);
        ck_assert_uint_eq(g_loop.idles, 1);
        ck_assert_uint_eq(coop_virtual_wakes, 2);
        end_checks();
    }
}
END_TEST

/* A set from the hook while no task waits on the object (the task sleeps on
 * a timer): kept for later, nothing lost; the await then continues at once. */
static void note_no_waiter(uint32_t no)
{
    (void)no;
    if (coop_port_now() != t0_plus(10))
        return; /* a small wheel's intermediate wake */
    S.at_done++;
    ck_assert_ptr_eq(G.flag[0].waiters.last, NULL);
    ck_assert_ptr_eq(G.counter[0].waiters.last, NULL);
    ck_assert_ptr_eq(G.ring[0].waiters.last, NULL);
    ck_assert_int_eq(COOP_PRIV_TASK_STATE(&G.job[0].task), COOP_TASK_SLEEPING);
    fire(S.kind, 0, 4);
    fire(S.kind, 0, 5);
}

START_TEST(test_set_with_no_waiter_is_kept)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *w;
        reset();
        script(kind, 0, 0);
        H.action = note_no_waiter;
        w = waiter(0, kind, 0, 1);
        w->take = 1;
        w->pre_sleep = 10;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(w->woke, 1);
        ck_assert_uint_eq(S.at_done, 1);
        expect_wake(w, 0, t0_plus(10), 1, kind == ON_COUNTER ? 9 : 2);
        ck_assert_uint_eq(H.entries, 1);
        if (kind == ON_RING) {
            ck_assert_uint_eq(G.npopped, 2);
            ck_assert_uint_eq(G.popped[0], 4);
            ck_assert_uint_eq(G.popped[1], 5);
        }
        end_checks();
    }
}
END_TEST

/* Two tasks wait on one flag (or ring): FIFO. The first waiter gets the set,
 * the second keeps waiting; the first, waiting again, queues behind the
 * second. Two sets in one idle both go to the first waiter. */
static void note_other_state(struct job *j)
{
    if (j->woke == 1)
        j->other_state = COOP_PRIV_TASK_STATE(j->other);
}

START_TEST(test_two_waiters_fifo)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind += 2) {
        struct job *a, *b;
        reset();
        script(kind, 0, 1);
        S.fires[1] = S.fires[2] = S.fires[3] = 1;
        a = waiter(0, kind, 0, 2);
        b = waiter(1, kind, 0, 1);
        a->other = &b->task;
        a->after_wake = note_other_state;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(a->woke, 2);
        ck_assert_int_eq(b->woke, 1);
        ck_assert_int_eq(a->other_state, COOP_TASK_WAITING); /* b kept waiting */
        expect_wake(a, 0, T0, 1, 1);
        expect_wake(b, 0, T0, 2, 1);
        expect_wake(a, 1, T0, 3, 1);
        ck_assert_uint_eq(g_loop.idles, 3);
        end_checks();

        /* two sets in one idle: the first waiter takes both */
        reset();
        script(kind, 0, 1);
        S.fires[1] = 2;
        S.fires[2] = 1;
        a = waiter(0, kind, 0, 1);
        b = waiter(1, kind, 0, 1);
        a->other = &b->task;
        a->after_wake = note_other_state;
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(a->other_state, COOP_TASK_WAITING);
        expect_wake(a, 0, T0, 1, 2);
        expect_wake(b, 0, T0, 2, 1);
        end_checks();
    }
}
END_TEST

/* AWAIT_COUNTER is a condition: one add wakes every waiter (FIFO order, same
 * pass) and none of them takes; a second await continues at once. */
START_TEST(test_counter_wakes_all_without_taking)
{
    struct job *a, *b, *c;
    script(ON_COUNTER, 0, 2);
    S.fires[1] = 1; /* idle 1: add 2 */
    a = waiter(0, ON_COUNTER, 0, 2);
    b = waiter(1, ON_COUNTER, 0, 1);
    c = waiter(2, ON_COUNTER, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(a->woke, 2);
    expect_wake(a, 0, T0, 1, 2);
    expect_wake(b, 0, T0, 1, 2);
    expect_wake(c, 0, T0, 1, 2);
    expect_wake(a, 1, T0, 1, 2); /* not taken: the second await is immediate */
    ck_assert_uint_lt(a->seq[0], b->seq[0]);
    ck_assert_uint_lt(b->seq[0], c->seq[0]);
    ck_assert_uint_eq(coop_counter_read(&G.counter[0]), 2);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(coop_virtual_wakes, 1);
    /* the invariant holds with a nonzero count because nobody waits */
    ck_assert_ptr_eq(G.counter[0].waiters.last, NULL);
    end_checks();
}
END_TEST

/* An add of 0 posts and wakes the loop but wakes no waiter (the count is 0). */
static void add_zero_then_one(uint32_t no)
{
    if (no == 1) {
        coop_counter_add(&G.counter[0], 0);
    } else if (no == 2) {
        ck_assert_int_eq(COOP_PRIV_TASK_STATE(&G.job[0].task), COOP_TASK_WAITING);
        coop_counter_add(&G.counter[0], 1);
    }
}

START_TEST(test_counter_add_zero_wakes_nobody)
{
    struct job *w;
    H.action = add_zero_then_one;
    w = waiter(0, ON_COUNTER, 0, 1);
    w->take = 1;
    ck_assert_int_eq(run(), COOP_OK);
    expect_wake(w, 0, T0, 2, 1);
    ck_assert_uint_eq(g_loop.idles, 2);
    ck_assert_uint_eq(coop_virtual_wakes, 2); /* an add of 0 still wakes the loop */
    end_checks();
}
END_TEST

/* A set that a task consumed (take, pop) before the loop ran the object's
 * call wakes nobody: the waiters are not resumed for nothing and keep their
 * places (FIFO). */
static void fire_and_consume(struct job *j)
{
    uint8_t rec;
    fire(j->kind, j->obj, 2);
    if (j->kind == ON_FLAG)
        ck_assert_uint_eq(coop_flag_take(&G.flag[j->obj]), 1);
    else if (j->kind == ON_COUNTER)
        ck_assert_uint_eq(coop_counter_take(&G.counter[j->obj]), 2);
    else
        ck_assert(coop_ring_pop(&G.ring[j->obj], &rec));
}

START_TEST(test_consumed_set_wakes_nobody)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *a, *b, *p;
        reset();
        script(kind, 0, 1);
        S.fires[1] = S.fires[2] = 1;
        a = waiter(0, kind, 0, 1);
        b = waiter(1, kind, 0, 1);
        p = &G.job[2];
        p->kind = kind;
        p->after_wake = fire_and_consume; /* in pass 1, after a and b wait */
        spawn(2, sleeper_fn);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_msg(a->calls == 2 && b->calls == 2, "%s: resumed for nothing (%d, %d calls)",
                      kind_name(kind), a->calls, b->calls);
        expect_wake(a, 0, T0, 1, 1);
        /* a counter wakes both (a condition; neither takes), the others FIFO */
        expect_wake(b, 0, T0, kind == ON_COUNTER ? 1 : 2, 1);
        ck_assert_uint_eq(g_loop.idles, kind == ON_COUNTER ? 1 : 2);
        end_checks();
    }
}
END_TEST

/* ================================================================ saturation */

START_TEST(test_counter_saturates)
{
    coop_counter_t *c = &G.counter[0];
    struct job *w;
    coop_counter_add(c, COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_read(c), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_overflows(c), 0);
    coop_counter_add(c, 1);
    coop_counter_add(c, 4);
    ck_assert_uint_eq(coop_counter_read(c), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_overflows(c), 5);
    w = waiter(0, ON_COUNTER, 0, 1);
    w->take = 1;
    ck_assert_int_eq(run(), COOP_OK);
    expect_wake(w, 0, T0, 0, COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_read(c), 0);
    ck_assert_uint_eq(coop_counter_overflows(c), 5); /* sticky */
    coop_counter_add(c, 3);
    ck_assert_uint_eq(coop_counter_take(c), 3);
    /* a partial fit: MAX - 2 then 5 keeps MAX and counts 3 */
    coop_counter_add(c, (coop_count_t)(COOP_COUNT_MAX - 2));
    coop_counter_add(c, 5);
    ck_assert_uint_eq(coop_counter_read(c), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_overflows(c), 5 + 3);
    /* the overflow count saturates too */
    coop_counter_add(c, COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_overflows(c), COOP_COUNT_MAX);
    coop_counter_add(c, 1);
    ck_assert_uint_eq(coop_counter_overflows(c), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_take(c), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_counter_take(c), 0);
    coop_priv_inbox = NULL; /* the posts above: no loop runs them */
    end_checks();
}
END_TEST

/* A flag adds 1 per set: to reach COOP_COUNT_MAX without 2^32 sets the test
 * puts the count near it by writing the flag's `sets` (and `overflows`)
 * fields directly, then sets through the API. */
START_TEST(test_flag_saturates)
{
    coop_flag_t *f = &G.flag[0];
    struct job *w;
    int k;
    f->sets = (coop_count_t)(COOP_COUNT_MAX - 2);
    for (k = 0; k < 5; k++)
        coop_flag_set(f);
    ck_assert(coop_flag_is_set(f));
    ck_assert_uint_eq(f->sets, COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_flag_overflows(f), 3);
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    expect_wake(w, 0, T0, 0, COOP_COUNT_MAX);
    ck_assert(!coop_flag_is_set(f));
    ck_assert_uint_eq(coop_flag_take(f), 0);
    ck_assert_uint_eq(coop_flag_overflows(f), 3); /* sticky */
    coop_flag_set(f);
    ck_assert_uint_eq(coop_flag_take(f), 1);
    ck_assert_uint_eq(coop_flag_overflows(f), 3);
    /* the overflow count saturates too */
    f->sets = COOP_COUNT_MAX;
    f->overflows = (coop_count_t)(COOP_COUNT_MAX - 1);
    coop_flag_set(f);
    coop_flag_set(f);
    coop_flag_set(f);
    ck_assert_uint_eq(coop_flag_overflows(f), COOP_COUNT_MAX);
    ck_assert_uint_eq(coop_flag_take(f), COOP_COUNT_MAX);
    coop_priv_inbox = NULL;
    end_checks();
}
END_TEST

/* ================================================================ ring */

/* Full ring: the NEW record is dropped and counted (sticky, pop never resets
 * it); capacities 1, 2 and 128. */
START_TEST(test_ring_full_drops_new)
{
    static const size_t caps[3] = { 1, 2, 128 };
    static uint8_t buf[128 * 3];
    int c;
    for (c = 0; c < 3; c++) {
        coop_ring_t r;
        size_t cap = caps[c], k;
        uint8_t rec[3];
        uint32_t w0;
        memset(&r, 0, sizeof r);
        ck_assert_int_eq(coop_ring_init(&r, buf, 3, cap), COOP_OK);
        ck_assert_uint_eq(coop_ring_count(&r), 0);
        ck_assert(!coop_ring_pop(&r, rec));
        w0 = coop_virtual_wakes;
        for (k = 0; k < cap + 3; k++) {
            bool ok;
            rec[0] = (uint8_t)k;
            rec[1] = (uint8_t)(k * 3);
            rec[2] = (uint8_t)~k;
            ok = coop_ring_push(&r, rec);
            ck_assert_msg(ok == (k < cap), "cap %u: push %u returned %d", (unsigned)cap,
                          (unsigned)k, ok);
            /* the first push links the ring's call and wakes; full or not,
             * the later ones find it posted (the loop has not run) */
            ck_assert_uint_eq(coop_virtual_wakes, w0 + 1);
            ck_assert_uint_eq(r.call.posted, 1);
        }
        ck_assert_uint_eq(coop_ring_count(&r), cap);
        ck_assert_uint_eq(coop_ring_overflows(&r), 3);
        for (k = 0; k < cap; k++) {
            ck_assert(coop_ring_pop(&r, rec));
            ck_assert_uint_eq(rec[0], (uint8_t)k); /* the first ones were kept */
            ck_assert_uint_eq(rec[1], (uint8_t)(k * 3));
            ck_assert_uint_eq(rec[2], (uint8_t)~k);
        }
        ck_assert(!coop_ring_pop(&r, rec));
        ck_assert_uint_eq(coop_ring_overflows(&r), 3); /* sticky */
        rec[0] = 200;
        ck_assert(coop_ring_push(&r, rec));
        ck_assert_uint_eq(coop_ring_count(&r), 1);
        ck_assert(coop_ring_pop(&r, rec));
        ck_assert_uint_eq(rec[0], 200);
        ck_assert_uint_eq(coop_ring_overflows(&r), 3);
        coop_priv_inbox = NULL; /* r's posts: no loop runs them, and r goes away */
    }
}
END_TEST

/* More than 256 records through each capacity and record size: the 8-bit
 * head/tail indices wrap; FIFO order and the full check hold across the wrap. */
START_TEST(test_ring_indices_wrap)
{
    static const size_t caps[3] = { 1, 2, 128 };
    static const size_t sizes[3] = { 1, 3, 16 };
    static uint8_t buf[128 * 16];
    int c, z;
    for (c = 0; c < 3; c++) {
        for (z = 0; z < 3; z++) {
            coop_ring_t r;
            size_t cap = caps[c], size = sizes[z];
            uint32_t pushed = 0, popped = 0, dropped = 0, round;
            uint8_t rec[16];
            size_t b;
            memset(&r, 0, sizeof r);
            ck_assert_int_eq(coop_ring_init(&r, buf, size, cap), COOP_OK);
            for (round = 0; pushed < 600; round++) {
                /* push a batch (1..cap records), pop all but one or all */
                size_t batch = 1 + (size_t)(round * 7) % cap, k;
                for (k = 0; k < batch && coop_ring_count(&r) < cap; k++) {
                    for (b = 0; b < size; b++)
                        rec[b] = (uint8_t)(pushed * 31u + b * 7u);
                    FAST_CHECK(coop_ring_push(&r, rec), "push %lu refused", (unsigned long)pushed);
                    pushed++;
                    FAST_CHECK(coop_ring_count(&r) == pushed - popped, "count %u after push %lu",
                               coop_ring_count(&r), (unsigned long)pushed);
                }
                if (coop_ring_count(&r) == cap) { /* full at any wrap position */
                    FAST_CHECK(!coop_ring_push(&r, rec), "push into a full ring accepted");
                    dropped++;
                    FAST_CHECK(coop_ring_overflows(&r) == dropped, "overflows %lu, expected %lu",
                               (unsigned long)coop_ring_overflows(&r), (unsigned long)dropped);
                    FAST_CHECK(coop_ring_count(&r) == cap, "count %u when full",
                               coop_ring_count(&r));
                }
                while (coop_ring_count(&r) > (round & 1u)) {
                    memset(rec, 0xee, sizeof rec);
                    FAST_CHECK(coop_ring_pop(&r, rec), "pop %lu refused", (unsigned long)popped);
                    for (b = 0; b < size; b++)
                        FAST_CHECK(rec[b] == (uint8_t)(popped * 31u + b * 7u),
                                   "cap %u size %u: record %lu byte %u", (unsigned)cap,
                                   (unsigned)size, (unsigned long)popped, (unsigned)b);
                    for (; b < sizeof rec; b++)
                        FAST_CHECK(rec[b] == 0xee, "pop wrote past the record (byte %u)",
                                   (unsigned)b);
                    popped++;
                    FAST_CHECK(coop_ring_count(&r) == pushed - popped, "count %u after pop %lu",
                               coop_ring_count(&r), (unsigned long)popped);
                }
            }
            while (coop_ring_pop(&r, rec))
                popped++;
            ck_assert_uint_eq(popped, pushed);
            ck_assert_uint_ge(pushed, 600);
            /* fill it where the indices are now (past two wraps), once more */
            for (b = 0; b < cap; b++) {
                rec[0] = (uint8_t)b;
                FAST_CHECK(coop_ring_push(&r, rec), "refill push %u refused", (unsigned)b);
                pushed++;
            }
            ck_assert(!coop_ring_push(&r, rec));
            dropped++;
            ck_assert_uint_eq(coop_ring_count(&r), cap);
            for (b = 0; b < cap; b++) {
                FAST_CHECK(coop_ring_pop(&r, rec) && rec[0] == (uint8_t)b, "refill pop %u",
                           (unsigned)b);
                popped++;
            }
            ck_assert(!coop_ring_pop(&r, rec));
            ck_assert_uint_eq(r.head, (uint8_t)pushed); /* wrapped more than twice */
            ck_assert_uint_eq(r.tail, (uint8_t)popped);
            ck_assert_uint_eq(coop_ring_overflows(&r), dropped);
            coop_priv_inbox = NULL;
        }
    }
}
END_TEST

/* COOP_RING_DEFINE: a static ring, initialised at compile time (no init
 * call), that a task can await. */
struct rec16 {
    uint8_t b[16];
};
COOP_RING_DEFINE(def_ring, struct rec16, 8);

static struct {
    coop_task_t task;
    int woke;
    uint32_t idles;
    unsigned popped;
    uint8_t first[8];
} D;

static coop_status_t def_ring_fn(coop_task_t *task)
{
    struct rec16 rec;
    ASYNC(task);
    AWAIT_RING(&def_ring);
    D.woke++;
    D.idles = coop_task_loop(task)->idles;
    while (coop_ring_pop(&def_ring, &rec)) {
        ck_assert_uint_lt(D.popped, 8);
        D.first[D.popped++] = rec.b[0];
        ck_assert_uint_eq(rec.b[15], (uint8_t)(rec.b[0] ^ 0x5a));
    }
    ASYNC_END;
}

static void push_def(uint32_t no)
{
    struct rec16 rec;
    uint8_t k;
    if (no != 1)
        return;
    for (k = 0; k < 3; k++) {
        memset(&rec, 0, sizeof rec);
        rec.b[0] = (uint8_t)(40 + k);
        rec.b[15] = (uint8_t)(rec.b[0] ^ 0x5a);
        ck_assert(coop_ring_push(&def_ring, &rec));
    }
}

START_TEST(test_ring_define)
{
    /* what the compile-time initialiser set (the test leaves the ring empty:
     * head == tail, so it also holds when tests do not fork) */
    ck_assert_ptr_eq((void *)def_ring.buf, (void *)def_ring_storage);
    ck_assert_uint_eq(def_ring.record_size, sizeof(struct rec16));
    ck_assert_uint_eq(def_ring.mask, 7);
    ck_assert_uint_eq(sizeof def_ring_storage, 8 * sizeof(struct rec16));
    ck_assert_uint_eq(coop_ring_count(&def_ring), 0);
    ck_assert_uint_eq(coop_ring_overflows(&def_ring), 0);
    ck_assert(def_ring.call.fn == coop_priv_ring_posted);
    ck_assert_uint_eq(def_ring.call.posted, 0);
    ck_assert_ptr_eq(def_ring.waiters.last, NULL);
    memset(&D, 0, sizeof D);
    H.action = push_def;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &D.task, def_ring_fn), COOP_OK);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(D.woke, 1);
    ck_assert_uint_eq(D.idles, 1);
    ck_assert_uint_eq(D.popped, 3);
    ck_assert_uint_eq(D.first[0], 40);
    ck_assert_uint_eq(D.first[1], 41);
    ck_assert_uint_eq(D.first[2], 42);
    ck_assert_uint_eq(coop_ring_count(&def_ring), 0);
    ck_assert_uint_eq(def_ring.call.posted, 0);
    ck_assert_ptr_eq(def_ring.waiters.last, NULL);
    end_checks();
}
END_TEST

/* coop_ring_init rejects what it cannot use, with COOP_EINVAL and an assert
 * message, and leaves the ring as it was. */
START_TEST(test_ring_init_rejects)
{
    static uint8_t buf[256 * 4];
    static const size_t bad_caps[5] = { 0, 3, 129, 255, 256 };
    coop_ring_t r;
    int k;
    coop_virtual_on_assert = record_assert;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(coop_ring_init(&r, buf, 4, 16), COOP_OK);
    ck_assert_uint_eq(A.count, 0);
    for (k = 0; k < 5; k++) {
        A.count = 0;
        A.msg[0] = '\0';
        ck_assert_int_eq(coop_ring_init(&r, buf, 4, bad_caps[k]), COOP_EINVAL);
        ck_assert_msg(A.count == 1, "capacity %u: %u asserts", (unsigned)bad_caps[k], A.count);
        ck_assert_ptr_ne(strstr(A.msg, "coop_ring_init"), NULL);
        ck_assert_uint_eq(r.mask, 15); /* untouched */
        ck_assert_uint_eq(r.record_size, 4);
    }
    A.count = 0;
    ck_assert_int_eq(coop_ring_init(&r, NULL, 4, 16), COOP_EINVAL);
    ck_assert_uint_eq(A.count, 1);
    ck_assert_ptr_eq((void *)r.buf, (void *)buf);
    A.count = 0;
    ck_assert_int_eq(coop_ring_init(&r, buf, 0, 16), COOP_EINVAL);
    ck_assert_uint_eq(A.count, 1);
    A.count = 0;
    ck_assert_int_eq(coop_ring_init(&r, buf, 65536, 1), COOP_EINVAL);
    ck_assert_uint_eq(A.count, 1);
    A.count = 0;
    ck_assert_int_eq(coop_ring_init(NULL, buf, 4, 16), COOP_EINVAL);
    ck_assert_uint_eq(A.count, 1);
    /* the limits themselves are accepted */
    A.count = 0;
    ck_assert_int_eq(coop_ring_init(&r, buf, 1, 128), COOP_OK);
    ck_assert_int_eq(coop_ring_init(&r, buf, 1, 1), COOP_OK);
    ck_assert_uint_eq(A.count, 0);
}
END_TEST

/* ================================================================ calls */

static void call_fn(coop_call_t *call)
{
    struct callrec *c = COOP_CONTAINER_OF(call, struct callrec, call);
    ck_assert_int_lt(c->runs, MAXWAKE);
    ck_assert_ptr_eq(coop_priv_running, &g_loop); /* in the loop's context */
    c->tick[c->runs] = coop_loop_now(&g_loop);
    c->idles[c->runs] = g_loop.idles;
    c->seq[c->runs] = ++G.seq;
    c->runs++;
    if (coop_virtual_masked)
        c->masked_seen++;
    ck_assert_uint_lt(G.norder, MAXLOG);
    G.order[G.norder++] = c->id;
    if (c->repost_left > 0) {
        c->repost_left--;
        coop_call_post(call);
    } else if (c->action != NULL) {
        c->action(c);
    }
}

static void init_calls(void)
{
    int k;
    for (k = 0; k < NCALLS; k++)
        coop_call_init(&G.calls[k].call, call_fn);
}

/* Posts made before the call runs coalesce into one run, whoever posts. */
static void set_flag0(struct callrec *c)
{
    (void)c;
    coop_flag_set(&G.flag[0]);
}

static void post_call1(struct job *j)
{
    (void)j;
    coop_call_post(&G.calls[1].call);
    coop_call_post(&G.calls[1].call);
}

START_TEST(test_call_posts_coalesce)
{
    struct job *w;
    init_calls();
    coop_call_post(&G.calls[0].call);
    coop_call_post(&G.calls[0].call);
    coop_call_post(&G.calls[0].call);
    ck_assert_uint_eq(coop_virtual_wakes, 1); /* the first post links and wakes */
    ck_assert_ptr_eq(coop_priv_inbox, &G.calls[0].call);
    ck_assert_ptr_eq(G.calls[0].call.next, NULL); /* in the inbox once */
    ck_assert_int_eq(run(), COOP_OK);              /* no task: the loop still drains */
    ck_assert_int_eq(G.calls[0].runs, 1);
    ck_assert_ptr_eq(coop_priv_inbox, NULL);
    ck_assert_uint_eq(G.calls[0].call.posted, 0);
    end_checks();

    /* posted before the run: it runs at the first drain and sets the flag
     * before the waiter waits; then a task posts it twice: one more run */
    reset();
    init_calls();
    G.calls[1].action = set_flag0;
    coop_call_post(&G.calls[1].call);
    G.job[1].after_wake = post_call1;
    spawn(1, sleeper_fn);
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[1].runs, 2); /* the task's post came after the run */
    ck_assert_uint_eq(G.calls[1].idles[1], 0);
    /* the waiter found the flag set and let the loop run once first (the
     * fairness rule): the second run set it again, and it took both */
    expect_wake(w, 0, T0, 0, 2);
    ck_assert_uint_eq(g_loop.idles, 0);
    end_checks();
}
END_TEST

static void post_three(uint32_t no)
{
    if (no == 1) {
        coop_call_post(&G.calls[1].call);
        coop_call_post(&G.calls[1].call);
        coop_call_post(&G.calls[1].call);
    }
}

START_TEST(test_call_posts_coalesce_in_idle)
{
    struct job *w;
    init_calls();
    G.calls[1].action = set_flag0;
    H.action = post_three;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[1].runs, 1);
    ck_assert_uint_eq(G.calls[1].idles[0], 1);
    expect_wake(w, 0, T0, 1, 1);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(coop_virtual_wakes, 2); /* the first of 3 posts, and the flag's set */
    end_checks();
}
END_TEST

/* An interrupt ends an idle early, after the start of the wheel slot that
 * holds the next timer but before the timer's tick (a sleep of 200 ticks
 * from 1000, in level 1 of the default wheel, whose slot starts at 1152;
 * the loop asked the port to sleep until 1200 exactly): after it the loop
 * brings the wheel to the interrupt's time, and the timer still fires on its
 * tick, not a lap of its level later (moving the wheel's time without an
 * advance would leave the timer's slot behind). */
static void early_interrupt(uint32_t no)
{
    if (no == 1) {
        coop_virtual_set(1180); /* the idle ends at 1180, not at 1200 */
        coop_call_post(&G.calls[0].call);
    }
}

START_TEST(test_interrupt_after_a_slot_start)
{
    coop_virtual_set(1000);
    coop_loop_init(&g_loop);
    init_calls();
    H.action = early_interrupt;
    sleeper(1, 200);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 1);
    ck_assert_uint_eq(G.job[1].tick[0], 1200);
    end_checks();
}
END_TEST

/* A post made from inside its own fn runs it once more, before the loop
 * sleeps: the loop checks its inbox (masked) before each idle. A chain of
 * four runs from one post in an idle costs no extra idle. */
START_TEST(test_call_repost_from_fn)
{
    struct job *w;
    int k;
    init_calls();
    script(ON_FLAG, 0, 0);
    S.post[1] = 1u << 0;
    G.calls[0].repost_left = 3;
    G.calls[0].action = set_flag0;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 4);
    for (k = 0; k < 4; k++)
        ck_assert_uint_eq(G.calls[0].idles[k], 1); /* all after idle 1, none later */
    expect_wake(w, 0, T0, 1, 1);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(H.pending_at_entry, 0);
    end_checks();

    /* before the run, with a sleeping task keeping the loop alive: the
     * second run happens at once, not at the sleeper's deadline */
    reset();
    init_calls();
    G.calls[0].repost_left = 1;
    sleeper(1, 25);
    coop_call_post(&G.calls[0].call);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 2);
    ck_assert_uint_eq(G.calls[0].tick[1], T0);
    ck_assert_uint_eq(G.calls[0].idles[1], 0);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(G.job[1].tick[0], t0_plus(25));
    end_checks();
}
END_TEST

/* The same with no task alive: the loop runs the repost before it returns
 * (the call is not left pending in the inbox for a later coop_loop_run). A
 * call posted by the last task as it ends runs too. */
static void post_call0(struct job *j)
{
    (void)j;
    coop_call_post(&G.calls[0].call);
}

START_TEST(test_call_repost_with_no_task)
{
    init_calls();
    G.calls[0].repost_left = 1;
    coop_call_post(&G.calls[0].call);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 2);
    ck_assert_ptr_eq(coop_priv_inbox, NULL);
    ck_assert_uint_eq(G.calls[0].call.posted, 0);
    ck_assert_uint_eq(g_loop.idles, 0);
    end_checks();

    reset();
    init_calls();
    G.calls[0].repost_left = 2;
    G.job[0].after_wake = post_call0;
    spawn(0, sleeper_fn);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 3);
    ck_assert_ptr_eq(coop_priv_inbox, NULL);
    end_checks();
}
END_TEST

/* Calls run in post order (FIFO), a coalesced post keeping its first place;
 * from test code and from the idle hook. */
START_TEST(test_call_fifo)
{
    struct job *w;
    init_calls();
    coop_call_post(&G.calls[2].call);
    coop_call_post(&G.calls[0].call);
    coop_call_post(&G.calls[3].call);
    coop_call_post(&G.calls[1].call);
    coop_call_post(&G.calls[0].call); /* coalesced: stays second */
    G.calls[2].action = set_flag0;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    expect_wake(w, 0, T0, 0, 1); /* call 2 set the flag before the task waited */
    ck_assert_uint_eq(G.norder, 4);
    ck_assert_int_eq(G.order[0], 2);
    ck_assert_int_eq(G.order[1], 0);
    ck_assert_int_eq(G.order[2], 3);
    ck_assert_int_eq(G.order[3], 1);
    end_checks();

    /* posted from the hook */
    reset();
    init_calls();
    script(ON_FLAG, 0, 0);
    S.post[1] = (1u << 3) | (1u << 1) | (1u << 0); /* posted as 0, 1, 3 */
    S.post[2] = 1u << 2;
    G.calls[2].action = set_flag0;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    expect_wake(w, 0, T0, 2, 1);
    ck_assert_uint_eq(G.norder, 4);
    ck_assert_int_eq(G.order[0], 0);
    ck_assert_int_eq(G.order[1], 1);
    ck_assert_int_eq(G.order[2], 3);
    ck_assert_int_eq(G.order[3], 2);
    ck_assert_uint_eq(G.calls[0].idles[0], 1);
    ck_assert_uint_eq(G.calls[2].idles[0], 2);
    end_checks();
}
END_TEST

/* With no deadline and no task ready, a call posted from the hook keeps the
 * loop alive (the virtual idle returns true because the inbox is not empty);
 * with no post the loop ends with COOP_EDEADLK. */
START_TEST(test_call_keeps_loop_alive)
{
    struct job *w;
    init_calls();
    script(ON_FLAG, 0, 0);
    S.post[1] = S.post[2] = S.post[3] = 1u << 0;
    S.fires[4] = 1;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(G.calls[0].runs, 3);
    ck_assert_uint_eq(G.calls[0].idles[0], 1);
    ck_assert_uint_eq(G.calls[0].idles[1], 2);
    ck_assert_uint_eq(G.calls[0].idles[2], 3);
    expect_wake(w, 0, T0, 4, 1);
    ck_assert_uint_eq(g_loop.idles, 4);
    end_checks();

    /* the same loop with no post: deadlock at the first idle */
    reset();
    init_calls();
    script(ON_FLAG, 0, 0);
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_EDEADLK);
    ck_assert_int_eq(w->woke, 0);
    ck_assert_int_eq(COOP_PRIV_TASK_STATE(&w->task), COOP_TASK_WAITING);
    ck_assert_uint_eq(g_loop.idles, 1);
    ck_assert_uint_eq(H.entries, 1);
    end_checks();

    /* posts stop after idle 2: deadlock at idle 3 */
    reset();
    init_calls();
    script(ON_FLAG, 0, 0);
    S.post[1] = S.post[2] = 1u << 0;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert_int_eq(run(), COOP_EDEADLK);
    ck_assert_int_eq(G.calls[0].runs, 2);
    ck_assert_uint_eq(g_loop.idles, 3);
    end_checks();
}
END_TEST

/* ================================================================ the race */

/* The loop checks the inbox with interrupts masked and only then sleeps:
 * the virtual idle asserts it was called masked (the assert hook fails the
 * test otherwise); the "ISR" runs unmasked; a post inside it leaves the mask
 * as it was (the critical section nests); tasks and calls run unmasked; the
 * loop never sleeps with a post pending (posts from calls that run right
 * before an idle are the only ones that could be pending then). */
static void post_and_check_mask(uint32_t no)
{
    ck_assert(!coop_virtual_masked);
    if (no <= 3) {
        coop_call_post(&G.calls[0].call);
        ck_assert(!coop_virtual_masked);
        coop_flag_set(&G.flag[1]); /* nobody waits on flag 1 */
        ck_assert(!coop_virtual_masked);
    } else {
        coop_flag_set(&G.flag[0]);
    }
}

static void chain_to_call1(struct callrec *c)
{
    (void)c;
    coop_call_post(&G.calls[1].call); /* pending when this drain ends */
}

START_TEST(test_idle_masked_no_pending_post)
{
    struct job *w;
    int k;
    init_calls();
    G.calls[0].action = chain_to_call1;
    G.calls[1].repost_left = 1;
    H.action = post_and_check_mask;
    w = waiter(0, ON_FLAG, 0, 1);
    ck_assert(!coop_virtual_masked);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert(!coop_virtual_masked);
    expect_wake(w, 0, T0, 4, 1);
    ck_assert_int_eq(G.calls[0].runs, 3);
    /* call 1: posted by call 0 each time (3), plus one repost of its own */
    ck_assert_int_eq(G.calls[1].runs, 4);
    for (k = 0; k < 3; k++)
        ck_assert_uint_eq(G.calls[0].idles[k], (uint32_t)(k + 1));
    ck_assert_uint_eq(G.calls[1].idles[0], 1);
    ck_assert_uint_eq(G.calls[1].idles[1], 1); /* the repost ran before idle 2 */
    ck_assert_int_eq(G.calls[0].masked_seen + G.calls[1].masked_seen, 0);
    /* idles == the idles the hook drove, not one more: every post made
     * between a drain and the sleep was seen by the masked check */
    ck_assert_uint_eq(g_loop.idles, 4);
    ck_assert_uint_eq(H.entries, 4);
    ck_assert_uint_eq(coop_flag_take(&G.flag[1]), 3);
    end_checks();
}
END_TEST

/* ================================================================ wakes */

/* An ISR-side operation calls coop_port_wake exactly when it links its call
 * into the inbox (the first post since the loop last ran that call): later
 * ones need none, since the loop checks the inbox, masked, before it sleeps.
 * A full ring's push links the call too (its consumer is behind). */
START_TEST(test_isr_ops_wake_when_linking)
{
    uint32_t w0;
    uint8_t rec = 1;
    init_calls();
    w0 = coop_virtual_wakes;
    coop_flag_set(&G.flag[0]);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 1);
    coop_flag_set(&G.flag[0]); /* already posted */
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 1);
    coop_counter_add(&G.counter[0], 2);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 2);
    coop_counter_add(&G.counter[0], 0);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 2);
    ck_assert(coop_ring_push(&G.ring[0], &rec));
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 3);
    ck_assert(coop_ring_push(&G.ring[0], &rec));
    ck_assert(coop_ring_push(&G.ring[0], &rec));
    ck_assert(coop_ring_push(&G.ring[0], &rec));
    ck_assert(!coop_ring_push(&G.ring[0], &rec)); /* full: posted already */
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 3);
    coop_call_post(&G.calls[0].call);
    coop_call_post(&G.calls[0].call);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 4);
    /* the inbox holds each object once, newest first */
    ck_assert_ptr_eq(coop_priv_inbox, &G.calls[0].call);
    ck_assert_ptr_eq(G.calls[0].call.next, &G.ring[0].call);
    ck_assert_ptr_eq(G.ring[0].call.next, &G.counter[0].call);
    ck_assert_ptr_eq(G.counter[0].call.next, &G.flag[0].call);
    ck_assert_ptr_eq(G.flag[0].call.next, NULL);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_ptr_eq(coop_priv_inbox, NULL);
    ck_assert_int_eq(G.calls[0].runs, 1);
    ck_assert_uint_eq(G.flag[0].call.posted | G.counter[0].call.posted |
                          G.ring[0].call.posted | G.calls[0].call.posted,
                      0);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 4); /* the loop itself never wakes */
    /* the objects kept their counts for a later waiter */
    ck_assert_uint_eq(coop_flag_take(&G.flag[0]), 2);
    ck_assert_uint_eq(coop_counter_take(&G.counter[0]), 2);
    ck_assert_uint_eq(coop_ring_count(&G.ring[0]), 4);
    ck_assert_uint_eq(coop_ring_overflows(&G.ring[0]), 1);
    /* drained: the next set links the flag's call again, and wakes */
    coop_flag_set(&G.flag[0]);
    ck_assert_uint_eq(coop_virtual_wakes, w0 + 5);
    ck_assert_uint_eq(coop_flag_take(&G.flag[0]), 1);
    coop_priv_inbox = NULL;
    G.flag[0].call.posted = 0;
    end_checks();
}
END_TEST

/* ================================================================ cancel */

/* Cancel a task waiting on each object: it leaves the wait queue (a later
 * set does not touch it and wakes the next waiter; the object keeps what
 * nobody took), its FINALLY runs. */
static void cancel_then_fire(struct job *j)
{
    j->rc = coop_task_cancel(j->other);
    j->other_state = COOP_PRIV_TASK_STATE(j->other);
    fire(G.job[0].kind, 0, 6);
}

START_TEST(test_cancel_waiter)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *a, *b, *x;
        reset();
        a = waiter(0, kind, 0, 1);
        b = waiter(1, kind, 0, 1);
        b->take = 1;
        x = &G.job[2];
        x->pre_sleep = 10;
        x->other = &a->task;
        x->after_wake = cancel_then_fire;
        spawn(2, sleeper_fn);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(x->rc, COOP_OK);
        ck_assert_int_eq(x->other_state, COOP_TASK_READY); /* out of the wait queue */
        ck_assert_int_eq(a->woke, 0);
        ck_assert_int_eq(a->cleanup, 1);
        ck_assert_int_eq(coop_task_result(&a->task), COOP_ECANCELED);
        ck_assert_msg(b->woke == 1, "%s: the next waiter did not wake", kind_name(kind));
        expect_wake(b, 0, t0_plus(10), 1, kind == ON_COUNTER ? 6 : 1);
        ck_assert_int_eq(b->cleanup, 1);
        ck_assert_int_eq(coop_task_result(&b->task), COOP_OK);
        ck_assert_uint_eq(pending(kind, 0), 0);
        end_checks();

        /* the only waiter cancelled: the set after it is kept */
        reset();
        a = waiter(0, kind, 0, 1);
        x = &G.job[2];
        x->pre_sleep = 10;
        x->other = &a->task;
        x->after_wake = cancel_then_fire;
        spawn(2, sleeper_fn);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(x->rc, COOP_OK);
        ck_assert_int_eq(a->woke, 0);
        ck_assert_int_eq(a->cleanup, 1);
        ck_assert_int_eq(coop_task_result(&a->task), COOP_ECANCELED);
        ck_assert_uint_eq(pending(kind, 0), kind == ON_COUNTER ? 6 : 1);
        ck_assert_ptr_eq(G.flag[0].waiters.last, NULL);
        ck_assert_ptr_eq(G.counter[0].waiters.last, NULL);
        ck_assert_ptr_eq(G.ring[0].waiters.last, NULL);
        ck_assert_ptr_eq(a->task.u.q.waitq, NULL);
        end_checks();
    }
}
END_TEST

/* The middle of three waiters cancelled from a call (the loop's context):
 * the other two keep their order. */
static void cancel_job1(struct callrec *c)
{
    (void)c;
    ck_assert_int_eq(coop_task_cancel(&G.job[1].task), COOP_OK);
}

START_TEST(test_cancel_middle_waiter)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind += 2) {
        struct job *a, *b, *c;
        reset();
        init_calls();
        script(kind, 0, 1);
        S.post[1] = 1u << 0;
        S.fires[2] = 1;
        S.fires[3] = 1;
        G.calls[0].action = cancel_job1;
        a = waiter(0, kind, 0, 1);
        b = waiter(1, kind, 0, 1);
        c = waiter(2, kind, 0, 1);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_int_eq(b->woke, 0);
        ck_assert_int_eq(b->cleanup, 1);
        expect_wake(a, 0, T0, 2, 1);
        expect_wake(c, 0, T0, 3, 1);
        end_checks();
    }
}
END_TEST

/* A waiter woken by a set and cancelled before it ran (here by a call that
 * an interrupt posted in the same idle, after the set) never consumes the
 * set: the next waiter must get it, not sleep with the object set. */
static void cancel_job0(struct callrec *c)
{
    (void)c;
    ck_assert_int_eq(coop_task_cancel(&G.job[0].task), COOP_OK);
}

START_TEST(test_cancel_woken_waiter_passes_the_wake)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind++) {
        struct job *a, *b;
        int rc;
        reset();
        init_calls();
        script(kind, 0, 8);
        S.fires[1] = 1;        /* fired first, so its call drains first ... */
        S.post[1] = 1u << 0;   /* ... then this call cancels the woken waiter */
        G.calls[0].action = cancel_job0;
        a = waiter(0, kind, 0, 1);
        b = waiter(1, kind, 0, 1);
        b->take = 1;
        rc = run();
        ck_assert_int_eq(a->woke, 0);
        ck_assert_int_eq(a->cleanup, 1);
        ck_assert_int_eq(coop_task_result(&a->task), COOP_ECANCELED);
        ck_assert_msg(b->woke == 1 && rc == COOP_OK,
                      "%s: the second waiter was left asleep with the object set (run: %s)",
                      kind_name(kind), coop_strerror(rc));
        expect_wake(b, 0, T0, 1, kind == ON_COUNTER ? 8 : 1);
        end_checks();
    }
}
END_TEST

/* A task woken by an object that has since run (and consumed the wake) is
 * cancelled while it is ready again (after a YIELD): nothing is passed on,
 * the other waiter is not resumed for nothing. */
static void cancel_ready_job0(struct job *j)
{
    j->rc = coop_task_cancel(&G.job[0].task);
    j->other_state = COOP_PRIV_TASK_STATE(&G.job[1].task);
    fire(j->kind, 0, 1); /* now wake the other waiter for real */
}

START_TEST(test_cancel_after_consuming_passes_nothing)
{
    int kind;
    for (kind = ON_FLAG; kind <= ON_RING; kind += 2) {
        struct job *a, *b, *c;
        reset();
        script(kind, 0, 1);
        S.at = t0_plus(5);
        S.at_fires = 1;
        a = waiter(0, kind, 0, 1);
        a->yields = 3;
        b = waiter(1, kind, 0, 1);
        c = &G.job[2];
        c->kind = kind;
        c->pre_sleep = 5; /* wakes in the pass where a consumed, after a */
        c->after_wake = cancel_ready_job0;
        spawn(2, sleeper_fn);
        ck_assert_int_eq(run(), COOP_OK);
        ck_assert_uint_eq(S.at_done, 1);
        expect_wake(a, 0, t0_plus(5), 1, 1);
        ck_assert_int_eq(c->rc, COOP_OK);
        ck_assert_int_eq(a->cleanup, 1);
        ck_assert_int_eq(coop_task_result(&a->task), COOP_ECANCELED);
        ck_assert_int_eq(c->other_state, COOP_TASK_WAITING); /* b not woken by the cancel */
        ck_assert_int_eq(b->calls, 2);                       /* started, woke once */
        expect_wake(b, 0, t0_plus(5), 1, 1);
        end_checks();
    }
}
END_TEST

/* ------------------------------------------------------------ fairness */

/* An interrupt storm: a task whose interrupt sets its object again within
 * every turn of its loop (each turn takes a tick of work) must not starve a
 * blinker that sleeps 5 ticks: the blinker wakes on its ticks exactly.
 * Before the rule, a wait on a ready flag returned at once and the storm
 * task never gave the loop back (the blinker first ran after the storm). */
#define STORM_TURNS 200
static struct {
    int kind;
    int turns;
    coop_count_t got;
    coop_task_t storm, blink;
    int wakes;
    coop_tick_t wake[64];
} ST;

static void storm_irq(void) /* what the interrupt does, once a tick */
{
    static const uint8_t rec = 7;
    if (ST.kind == ON_FLAG)
        coop_flag_set(&G.flag[0]);
    else if (ST.kind == ON_COUNTER)
        coop_counter_add(&G.counter[0], 1);
    else
        (void)coop_ring_push(&G.ring[0], &rec);
}

static coop_status_t storm_fn(coop_task_t *task)
{
    uint8_t rec;
    ASYNC(task);
    storm_irq();
    for (ST.turns = 0; ST.turns < STORM_TURNS; ST.turns++) {
        if (ST.kind == ON_FLAG) {
            AWAIT_FLAG(&G.flag[0]);
            ST.got += coop_flag_count(&G.flag[0]);
        } else if (ST.kind == ON_COUNTER) {
            AWAIT_COUNTER(&G.counter[0]);
            ST.got += coop_counter_take(&G.counter[0]);
        } else {
            AWAIT_RING(&G.ring[0]);
            while (coop_ring_pop(&G.ring[0], &rec))
                ST.got++;
        }
        coop_virtual_advance(1); /* a tick of work, during which... */
        storm_irq();             /* ...the interrupt comes again */
    }
    ASYNC_END;
}

static coop_status_t blink5_fn(coop_task_t *task)
{
    ASYNC(task);
    while (ST.wakes < 64 && ST.turns < STORM_TURNS) {
        AWAIT_SLEEP_TICKS(5);
        ST.wake[ST.wakes++] = coop_now();
    }
    ASYNC_END;
}

START_TEST(test_storm_does_not_starve)
{
    int i, kind = _i;
    reset();
    coop_virtual_on_idle = NULL;
    memset(&ST, 0, sizeof ST);
    ST.kind = kind;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &ST.storm, storm_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &ST.blink, blink5_fn), COOP_OK);
    ck_assert_int_eq(run(), COOP_OK);
    ck_assert_int_eq(ST.turns, STORM_TURNS);
    /* nothing lost: every interrupt was consumed (ring: 4 deep, one a turn) */
    ck_assert_uint_eq(ST.got, STORM_TURNS); /* the last interrupt's set is still there */
    ck_assert_int_ge(ST.wakes, STORM_TURNS / 5 - 1);
    for (i = 0; i < ST.wakes; i++)
        ck_assert_msg(ST.wake[i] == coop_tick_add(T0, 5u * (uint32_t)(i + 1)),
                      "kind %d: blinker wake %d at T0+%ld, expected T0+%d", kind, i,
                      (long)coop_tick_diff(ST.wake[i], T0), 5 * (i + 1));
    ck_assert_uint_eq(g_loop.idles, 0); /* the storm never let it sleep */
}
END_TEST

Suite *coop_irq_suite(void);
Suite *coop_irq_suite(void)
{
    Suite *s = suite_create("irq");
    TCase *tc;

    tc = tcase_create("fairness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_storm_does_not_starve, ON_FLAG, ON_RING + 1);
    suite_add_tcase(s, tc);

    tc = tcase_create("orderings");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_set_before_wait);
    tcase_add_test(tc, test_set_during_wait);
    tcase_add_test(tc, test_several_sets_before_run);
    tcase_add_test(tc, test_two_sets_one_idle);
    tcase_add_test(tc, test_set_between_awaits);
    tcase_add_test(tc, test_set_with_no_waiter_is_kept);
    tcase_add_test(tc, test_two_waiters_fifo);
    tcase_add_test(tc, test_counter_wakes_all_without_taking);
    tcase_add_test(tc, test_counter_add_zero_wakes_nobody);
    tcase_add_test(tc, test_consumed_set_wakes_nobody);
    suite_add_tcase(s, tc);

    tc = tcase_create("saturation");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_counter_saturates);
    tcase_add_test(tc, test_flag_saturates);
    suite_add_tcase(s, tc);

    tc = tcase_create("ring");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ring_full_drops_new);
    tcase_add_test(tc, test_ring_indices_wrap);
    tcase_add_test(tc, test_ring_define);
    tcase_add_test(tc, test_ring_init_rejects);
    suite_add_tcase(s, tc);

    tc = tcase_create("call");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_call_posts_coalesce);
    tcase_add_test(tc, test_call_posts_coalesce_in_idle);
    tcase_add_test(tc, test_call_repost_from_fn);
    tcase_add_test(tc, test_interrupt_after_a_slot_start);
    tcase_add_test(tc, test_call_repost_with_no_task);
    tcase_add_test(tc, test_call_fifo);
    tcase_add_test(tc, test_call_keeps_loop_alive);
    suite_add_tcase(s, tc);

    tc = tcase_create("race");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_idle_masked_no_pending_post);
    tcase_add_test(tc, test_isr_ops_wake_when_linking);
    suite_add_tcase(s, tc);

    tc = tcase_create("cancel");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_cancel_waiter);
    tcase_add_test(tc, test_cancel_middle_waiter);
    tcase_add_test(tc, test_cancel_woken_waiter_passes_the_wake);
    tcase_add_test(tc, test_cancel_after_consuming_passes_nothing);
    suite_add_tcase(s, tc);

    return s;
}
