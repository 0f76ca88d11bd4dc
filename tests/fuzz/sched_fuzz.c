/* libFuzzer target: random scheduler programs on the virtual clock.
 *
 * The input gives NT tasks a program each (up to PROG steps): sleep k ticks
 * (short, or chained past COOP_TICK_MAX_WAIT), yield, wait on an event or a
 * flag, set or clear an event, set a flag, cancel, spawn, join or gather other
 * tasks, and AWAIT_FOR_TICKS on an event or a flag. Every task's FINALLY may
 * sleep too. "Interrupts" set flags while the loop idles (coop_virtual_on_idle).
 * The clock starts before the tick wrap or anywhere; the harness keeps an
 * absolute 64-bit time beside it (the virtual clock jumps at most
 * COOP_TICK_MAX_WAIT in one idle while a timer is armed).
 *
 * Checked, with the public API and the virtual port only:
 *  - a sleep of k ticks resumes exactly k ticks after it began (k 0: the same
 *    tick); tasks whose sleeps end on the same tick resume in the order their
 *    timers were armed (FIFO; a chained sleep's last link counts);
 *  - AWAIT_FOR: COOP_ETIMEDOUT exactly at its deadline, COOP_OK no later;
 *  - tasks woken by one coop_event_set resume in the order they began to
 *    wait, and before those of a later set;
 *  - after AWAIT_JOIN / AWAIT_GATHER the tasks have ended;
 *  - coop_task_cancel's result (COOP_OK or COOP_EALREADY) as the model expects;
 *  - FINALLY runs once per spawn that ran (a spawn cancelled before it ran
 *    runs nothing, its FINALLY neither), and every task that ended ran it; its
 *    coop_task_result is COOP_ECANCELED iff it was cancelled;
 *  - every flag set (by tasks and "interrupts") is consumed by an AWAIT_FLAG
 *    (coop_flag_count) or still counted in the flag at the end;
 *  - the loop ends: COOP_OK with no task alive, or COOP_EDEADLK with the
 *    remaining tasks all waiting; a bound on task resumes and idles catches a
 *    hang.
 * A failed check prints what differed and aborts (a libFuzzer crash).
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT 6               /* tasks */
#define PROG 8             /* steps in a task's program */
#define NEV 2              /* events */
#define NFL 2              /* flags */
#define NISR 8             /* flag sets by "interrupts" */
#define MAX_SPAWNS 3       /* per task: keeps every program finite */
#define MAX_RESUMES 200000 /* far above what NT * MAX_SPAWNS finite programs need */
#define MAX_IDLES 2000000  /* a hang guard */

enum { OP_SLEEP, OP_YIELD, OP_WAIT_EVENT, OP_SET_EVENT, OP_WAIT_FLAG, OP_SET_FLAG,
       OP_CANCEL, OP_SPAWN, OP_JOIN, OP_FOR, OP_COUNT };

struct step {
    uint8_t op, a, b;
};

struct ft {
    coop_task_t task;
    int id;
    struct step prog[PROG];
    int len;
    uint8_t fin_sleep;
    /* across resume points */
    int pc;
    struct step s;
    uint32_t k;
    uint64_t start, expect;
    int rc;
    coop_task_t *group[NT];
    size_t ngroup;
    /* the model, per spawn */
    int spawns, fins, unstarted; /* unstarted: spawns cancelled before they ran */
    bool alive, started, in_fin, cancel_ok, maybe_cancelled, gathering;
};

struct sleep_key {          /* the order in which timers of one tick pop */
    uint64_t wake, last_ins, start, seq;
};

static coop_loop_t loop;
static struct ft T[NT];
static coop_event_t ev[NEV];
static coop_flag_t fl[NFL];
static uint64_t ev_sets[NEV];
static uint64_t ev_last_set[NEV], ev_last_park[NEV];
static uint64_t fl_sets[NFL], fl_consumed[NFL];
static struct { uint32_t idle; uint8_t flag; } isr[NISR];
static int nisr;
static uint64_t abs_now;    /* the virtual clock, unwrapped */
static coop_tick_t last_port;
static uint64_t gseq;
static unsigned long resumes, idles;
static struct sleep_key last_wake;

static void fail(const char *what, long a, long b)
{
    fprintf(stderr, "sched_fuzz: %s (%ld, %ld) at %llu\n", what, a, b, (unsigned long long)abs_now);
    abort();
}

#define CHECK(cond, what, a, b) \
    do {                        \
        if (!(cond))            \
            fail((what), (long)(a), (long)(b)); \
    } while (0)

static void on_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "sched_fuzz: unexpected COOP_ASSERT %s:%d: %s\n", file, line, msg);
    abort();
}

/* the loop's time, unwrapped: the clock moves only in idle (below) */
static uint64_t now_abs(void)
{
    CHECK(coop_loop_now(&loop) == (coop_tick_t)abs_now, "loop time is not the virtual clock's",
          coop_loop_now(&loop), (coop_tick_t)abs_now);
    return abs_now;
}

static void on_idle(void)
{
    int i;
    coop_tick_t now = coop_port_now();
    abs_now += (coop_tick_t)(now - last_port);
    last_port = now;
    CHECK(++idles <= MAX_IDLES, "the loop idles without end", idles, 0);
    for (i = 0; i < nisr; i++)
        if (isr[i].idle == idles) {
            coop_flag_set(&fl[isr[i].flag]);
            fl_sets[isr[i].flag]++;
        }
}

/* -DSCHED_FUZZ_TRACE: print every step (to read a crash input) */
#ifdef SCHED_FUZZ_TRACE
#define TRACE(...) fprintf(stderr, __VA_ARGS__)
#else
#define TRACE(...) ((void)0)
#endif

static struct ft *ft_of(coop_task_t *task)
{
    return COOP_CONTAINER_OF(task, struct ft, task);
}

static bool key_less(const struct sleep_key *x, const struct sleep_key *y)
{
    if (x->wake != y->wake)
        return x->wake < y->wake;
    if (x->last_ins != y->last_ins)
        return x->last_ins < y->last_ins;
    if (x->start != y->start)
        return x->start < y->start;
    return x->seq < y->seq;
}

/* A sleep where an off-by-one would show: around a wheel level's slot width
 * or span (2^(6j), 2^(2j), ...) and the longest single wait. */
static uint32_t boundary(unsigned n)
{
    static const uint32_t b[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 257,
                                  4095, 4096, 4097, 65535, 65536, 65537, COOP_TICK_MAX_WAIT - 1,
                                  COOP_TICK_MAX_WAIT, COOP_TICK_MAX_WAIT + 1,
                                  2u * COOP_TICK_MAX_WAIT, 2u * COOP_TICK_MAX_WAIT + 1 };
    return b[n % (sizeof b / sizeof b[0])];
}

static void sleep_begins(struct ft *f, uint32_t k)
{
    f->k = k;
    f->start = now_abs();
    f->expect = f->start + k;
    f->rc = (int)++gseq;
}

static void sleep_ends(struct ft *f)
{
    struct sleep_key key;
    CHECK(now_abs() == f->expect, "a sleep did not end on its tick (task, ticks late)", f->id,
          (long)(now_abs() - f->expect));
    if (f->k == 0)
        return; /* a yield */
    key.wake = f->expect;
    key.last_ins = f->start + (uint64_t)COOP_TICK_MAX_WAIT * ((f->k - 1u) / COOP_TICK_MAX_WAIT);
    key.start = f->start;
    key.seq = (uint64_t)f->rc;
    if (last_wake.wake == key.wake)
        CHECK(key_less(&last_wake, &key), "sleeps ending on one tick resumed out of order (task, seq)",
              f->id, (long)key.seq);
    last_wake = key;
}

/* A gather of a task that is (or may be) cancelled cancels the tasks it
 * gathers when it resumes, and theirs in turn: they may end cancelled. */
static void gather_cancels(struct ft *x)
{
    size_t i;
    if (!x->gathering)
        return;
    for (i = 0; i < x->ngroup; i++) {
        struct ft *g = ft_of(x->group[i]);
        if (!g->maybe_cancelled) {
            g->maybe_cancelled = true;
            gather_cancels(g);
        }
    }
}

/* Expected result of cancelling x now; the model is updated on COOP_OK. */
static void do_cancel(struct ft *x)
{
    int rc = coop_task_cancel(&x->task);
    TRACE("  cancel %d: %d\n", x->id, rc);
    if (!x->alive || x->in_fin || x->cancel_ok) {
        CHECK(rc == COOP_EALREADY, "cancel: expected COOP_EALREADY (task, rc)", x->id, rc);
        return;
    }
    if (x->maybe_cancelled)
        CHECK(rc == COOP_OK || rc == COOP_EALREADY, "cancel: unexpected result (task, rc)", x->id, rc);
    else
        CHECK(rc == COOP_OK, "cancel: expected COOP_OK (task, rc)", x->id, rc);
    if (rc == COOP_OK) {
        x->cancel_ok = true;
        gather_cancels(x);
    }
}

static coop_status_t task_fn(coop_task_t *task);

/* A spawn cancelled before it ran ends, with no code of it run, when the
 * loop dispatches it: the model takes that end from the task's state. */
static void sync_unstarted(struct ft *x)
{
    if (x->alive && !x->started && (x->cancel_ok || x->maybe_cancelled) && coop_task_done(&x->task))
        x->alive = false;
}

static void do_spawn(struct ft *x)
{
    int i;
    size_t k;
    CHECK(coop_task_spawn(&loop, &x->task, task_fn) == COOP_OK, "spawn failed (task)", x->id, 0);
    if (x->spawns > 0 && !x->started)
        x->unstarted++; /* the last spawn ended before it ran: no FINALLY */
    x->spawns++;
    x->alive = true;
    x->started = false;
    x->in_fin = x->cancel_ok = x->maybe_cancelled = x->gathering = false;
    /* a cancelled gather that has not yet resumed cancels its tasks then,
     * this spawn of x too */
    for (i = 0; i < NT; i++)
        for (k = 0; (T[i].cancel_ok || T[i].maybe_cancelled) && T[i].gathering && k < T[i].ngroup; k++)
            if (T[i].group[k] == &x->task)
                x->maybe_cancelled = true;
}

/* the other tasks named by mask that have been spawned */
static void pick_group(struct ft *f, unsigned mask)
{
    int i;
    f->ngroup = 0;
    for (i = 0; i < NT; i++)
        if ((mask >> i) & 1u && i != f->id && T[i].spawns > 0)
            f->group[f->ngroup++] = &T[i].task;
}

static coop_status_t task_fn(coop_task_t *task)
{
    struct ft *f = ft_of(task);
    CHECK(++resumes <= MAX_RESUMES, "tasks run without end", (long)resumes, f->id);
    ASYNC(task);
    f->started = true;
    for (f->pc = 0; f->pc < f->len; f->pc++) {
        f->s = f->prog[f->pc];
        TRACE("%llu: task %d step %d: op %d a %u b %u\n", (unsigned long long)abs_now, f->id, f->pc,
              f->s.op, f->s.a, f->s.b);
        if (f->s.op == OP_SLEEP) {
            if (f->s.a & 1u)
                sleep_begins(f, (uint32_t)f->s.b * 300u + f->s.a); /* up to ~76500: chained with 16-bit ticks */
            else if (f->s.a & 2u)
                sleep_begins(f, boundary(f->s.b));
            else
                sleep_begins(f, f->s.b & 31u);
            AWAIT_SLEEP_TICKS(f->k);
            sleep_ends(f);
        } else if (f->s.op == OP_YIELD) {
            f->start = now_abs();
            YIELD();
            CHECK(now_abs() == f->start, "time moved during a yield (task)", f->id, 0);
        } else if (f->s.op == OP_WAIT_EVENT) {
            f->k = f->s.a % NEV;
            f->expect = 0;
            if (!coop_event_is_set(&ev[f->k])) {
                f->expect = ev_sets[f->k] + 1; /* the set that will wake it */
                f->start = ++gseq;
            }
            AWAIT_EVENT(&ev[f->k]);
            if (f->expect != 0) {
                uint64_t e = f->k;
                CHECK(ev_sets[e] >= f->expect, "an event wait ended with no set (task)", f->id, 0);
                CHECK(f->expect > ev_last_set[e] ||
                          (f->expect == ev_last_set[e] && f->start > ev_last_park[e]),
                      "event waiters resumed out of order (task, set)", f->id, (long)f->expect);
                ev_last_set[e] = f->expect;
                ev_last_park[e] = f->start;
            }
        } else if (f->s.op == OP_SET_EVENT) {
            if (f->s.b & 1u) {
                coop_event_clear(&ev[f->s.a % NEV]);
            } else {
                ev_sets[f->s.a % NEV]++;
                coop_event_set(&ev[f->s.a % NEV]);
            }
        } else if (f->s.op == OP_WAIT_FLAG) {
            AWAIT_FLAG(&fl[f->s.a % NFL]);
            CHECK(coop_flag_count(&fl[f->s.a % NFL]) >= 1, "AWAIT_FLAG consumed no set (task)", f->id, 0);
            fl_consumed[f->s.a % NFL] += coop_flag_count(&fl[f->s.a % NFL]);
        } else if (f->s.op == OP_SET_FLAG) {
            fl_sets[f->s.a % NFL]++;
            coop_flag_set(&fl[f->s.a % NFL]);
        } else if (f->s.op == OP_CANCEL) {
            if (f->s.a % NT != (unsigned)f->id && T[f->s.a % NT].spawns > 0)
                do_cancel(&T[f->s.a % NT]);
        } else if (f->s.op == OP_SPAWN) {
            struct ft *x = &T[f->s.a % NT];
            sync_unstarted(x);
            if (!x->alive && x->spawns < MAX_SPAWNS)
                do_spawn(x);
        } else if (f->s.op == OP_JOIN) {
            pick_group(f, f->s.a);
            if (f->ngroup > 0) {
                f->gathering = (f->s.b & 1u) != 0;
                if (f->maybe_cancelled)
                    gather_cancels(f);
                if (f->s.b & 1u)
                    AWAIT_GATHER(f->group, f->ngroup);
                else
                    AWAIT_JOIN(f->group[0]);
                f->gathering = false;
                for (f->k = 0; f->k < (f->s.b & 1u ? f->ngroup : 1u); f->k++)
                    CHECK(coop_task_done(f->group[f->k]), "a joined task is alive (task, other)", f->id,
                          ft_of(f->group[f->k])->id);
            }
        } else if (f->s.op == OP_FOR) {
            f->k = f->s.b & 15u;
            f->start = now_abs();
            if (f->s.a & 1u) {
                AWAIT_FOR_TICKS(f->rc, f->k, AWAIT_FLAG(&fl[(f->s.a >> 1) % NFL]));
                if (f->rc == COOP_OK)
                    fl_consumed[(f->s.a >> 1) % NFL] += coop_flag_count(&fl[(f->s.a >> 1) % NFL]);
            } else {
                AWAIT_FOR_TICKS(f->rc, f->k, AWAIT_EVENT(&ev[(f->s.a >> 1) % NEV]));
            }
            CHECK(f->rc == COOP_OK || f->rc == COOP_ETIMEDOUT, "AWAIT_FOR: result (task, rc)", f->id, f->rc);
            if (f->rc == COOP_ETIMEDOUT)
                CHECK(now_abs() == f->start + f->k, "AWAIT_FOR: timed out off its deadline (task, late)",
                      f->id, (long)(now_abs() - f->start - f->k));
            else
                CHECK(now_abs() <= f->start + f->k, "AWAIT_FOR: succeeded after its deadline (task, late)",
                      f->id, (long)(now_abs() - f->start - f->k));
        }
    }
    FINALLY;
    TRACE("%llu: task %d FINALLY\n", (unsigned long long)abs_now, f->id);
    f->fins++;
    CHECK(f->started, "FINALLY of a spawn that never ran (task, runs)", f->id, f->fins);
    CHECK(f->fins == f->spawns - f->unstarted, "FINALLY ran twice in one spawn (task, runs)", f->id, f->fins);
    f->in_fin = true;
    f->gathering = false;
    if (f->fin_sleep & 1u) {
        sleep_begins(f, f->fin_sleep >> 1);
        AWAIT_SLEEP_TICKS(f->k);
        sleep_ends(f);
    }
    f->in_fin = false;
    f->alive = false;
    ASYNC_END;
}

static const uint8_t *in;
static size_t left;

static unsigned byte(void)
{
    if (left == 0)
        return 0;
    left--;
    return *in++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int i, rc;
    unsigned mask, c;
    uint64_t start;
    in = data;
    left = size;

    c = byte();
    if (c < 128)
        start = ((uint64_t)1 << COOP_TICK_BITS) - 1 - (c * 97u); /* before the wrap */
    else
        start = (uint64_t)byte() << (COOP_TICK_BITS - 8) | c;
    coop_priv_running = NULL;
    coop_virtual_on_assert = on_assert;
    coop_virtual_on_idle = on_idle;
    coop_virtual_board_quiet = true;
    coop_virtual_set((coop_tick_t)start);
    last_port = (coop_tick_t)start;
    abs_now = start;
    coop_virtual_idles = 0;
    memset(&loop, 0, sizeof loop);
    coop_loop_init(&loop);
    memset(T, 0, sizeof T);
    memset(ev_sets, 0, sizeof ev_sets);
    memset(ev_last_set, 0, sizeof ev_last_set);
    memset(ev_last_park, 0, sizeof ev_last_park);
    memset(fl_sets, 0, sizeof fl_sets);
    memset(fl_consumed, 0, sizeof fl_consumed);
    memset(&last_wake, 0, sizeof last_wake);
    gseq = 0;
    resumes = idles = 0;
    /* a run may end with tasks still waiting (COOP_EDEADLK): the objects
     * start zeroed, or their init would refuse to strand those waiters */
    memset(ev, 0, sizeof ev);
    memset(fl, 0, sizeof fl);
    for (i = 0; i < NEV; i++)
        coop_event_init(&ev[i]);
    for (i = 0; i < NFL; i++)
        coop_flag_init(&fl[i]);

    mask = byte() | 1u;
    for (i = 0; i < NT; i++) {
        int k;
        T[i].id = i;
        T[i].len = (int)(byte() % (PROG + 1));
        T[i].fin_sleep = (uint8_t)byte();
        for (k = 0; k < T[i].len; k++) {
            T[i].prog[k].op = (uint8_t)(byte() % OP_COUNT);
            T[i].prog[k].a = (uint8_t)byte();
            T[i].prog[k].b = (uint8_t)byte();
        }
    }
    for (nisr = 0; nisr < NISR && left >= 2; nisr++) {
        isr[nisr].idle = byte() % 64u + 1u;
        isr[nisr].flag = (uint8_t)(byte() % NFL);
    }
    for (i = 0; i < NT; i++)
        if ((mask >> i) & 1u)
            do_spawn(&T[i]);

    rc = coop_loop_run(&loop);

    CHECK(rc == COOP_OK || rc == COOP_EDEADLK, "coop_loop_run: result", rc, 0);
    CHECK((rc == COOP_OK) == (loop.alive == 0), "coop_loop_run: result and tasks alive", rc, (long)loop.alive);
    {
        size_t alive = 0;
        for (i = 0; i < NT; i++) {
            struct ft *f = &T[i];
            int r = coop_task_result(&f->task);
            if (f->spawns == 0) {
                CHECK(r == COOP_EINVAL, "a task never spawned has a result (task, rc)", i, r);
                continue;
            }
            sync_unstarted(f);
            if (f->alive) {
                alive++;
                CHECK(r == COOP_EAGAIN, "a task the model thinks alive has ended (task, rc)", i, r);
                CHECK(f->fins == f->spawns - f->unstarted - (f->in_fin ? 0 : 1),
                      "FINALLY count of a waiting task", i, f->fins);
                continue;
            }
            /* a spawn cancelled before it ran runs nothing, its FINALLY neither */
            CHECK(f->fins == f->spawns - f->unstarted - (f->started ? 0 : 1),
                  "an ended task did not run its FINALLY once a spawn it ran (task, runs)", i, f->fins);
            CHECK(f->started || r == COOP_ECANCELED, "a task that never ran ended not cancelled (task, rc)",
                  i, r);
            if (f->cancel_ok)
                CHECK(r == COOP_ECANCELED, "a cancelled task did not end cancelled (task, rc)", i, r);
            else if (!f->maybe_cancelled)
                CHECK(r == COOP_OK, "a task ended cancelled with no cancel (task, rc)", i, r);
            else
                CHECK(r == COOP_OK || r == COOP_ECANCELED, "a gathered task's result (task, rc)", i, r);
        }
        CHECK(alive == loop.alive, "tasks alive: model and loop differ", (long)alive, (long)loop.alive);
    }
    for (i = 0; i < NFL; i++) {
        uint64_t still = coop_flag_take(&fl[i]);
        CHECK(coop_flag_overflows(&fl[i]) == 0, "flag overflowed", i, 0);
        CHECK(fl_sets[i] == fl_consumed[i] + still, "flag sets lost or counted twice (sets, consumed+left)",
              (long)fl_sets[i], (long)(fl_consumed[i] + still));
    }
    coop_virtual_on_idle = NULL;
    return 0;
}
