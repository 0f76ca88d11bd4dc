/* tests/unit_core.h - the core tests that run on the chips themselves.
 *
 * One body for every chip bench (not Check): the timer wheel across the tick
 * wrap (in-order, exact, FIFO within a tick, cancels), scheduler sleeps exact
 * to the tick across the wrap (chained long sleeps included), yield order,
 * gather, cancel, and the ISR objects (flag, counter, ring) set from an
 * "interrupt" while the loop idles, all on the virtual-clock port.
 *
 * The including file: includes virtual.h (with COOP_IMPLEMENTATION) and
 * <string.h> first, defines UNIT_PRINT_FAIL(line, text) (text is a string
 * literal: the failed condition) and then calls unit_core_run(); `passed`
 * and `failed` hold the verdict. Written for 16-bit int (AVR) and 32-bit.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_UNIT_CORE_H
#define COOP_TESTS_UNIT_CORE_H

#ifndef UNIT_PRINT_FAIL
#error "unit_core.h: define UNIT_PRINT_FAIL(line, text) first"
#endif

static unsigned passed, failed;
#define CHECK(cond)                                                  \
    do {                                                             \
        if (cond) {                                                  \
            passed++;                                                \
        } else {                                                     \
            failed++;                                                \
            UNIT_PRINT_FAIL(__LINE__, #cond);                        \
        }                                                            \
    } while (0)

static uint16_t asserts;
static void on_assert(const char *msg, const char *file, int line)
{
    (void)msg;
    (void)file;
    (void)line;
    asserts++;
}

static uint32_t rng = 0x2545f491u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* ------------------------------------------------------------ wheel */
#define NT 32
static coop_wheel_t wheel;
static coop_timer_t timers[NT];
static bool cancelled[NT];

static unsigned timer_index(const coop_timer_t *t)
{
    return (unsigned)(t - timers);
}

/* Timers at random times up to 3000 ticks after a start 1000 ticks before
 * the wrap; every 7th cancelled; the wheel advanced by `step` (0: random
 * jumps of 1..200). Every live timer pops once, at its tick (or in the jump
 * that reaches it), in time order, FIFO within a tick. */
static void test_wheel(unsigned step)
{
    const coop_tick_t start = (coop_tick_t)(0u - 1000u);
    coop_tick_t to = start, prev_to = start;
    unsigned i, popped = 0, live = 0, bad_time = 0, bad_order = 0, twice = 0;
    bool seen[NT];
    coop_tick_t last_exp = start;
    unsigned last_idx = 0;
    coop_wheel_init(&wheel, start);
    for (i = 0; i < NT; i++) {
        coop_timer_init(&timers[i]);
        coop_wheel_insert(&wheel, &timers[i], coop_tick_add(start, 1 + rnd() % 3000u));
        seen[i] = false;
        cancelled[i] = false;
    }
    for (i = 0; i < NT; i += 7) {
        coop_timer_cancel(&timers[i]);
        cancelled[i] = true;
    }
    for (i = 0; i < NT; i++)
        live += !cancelled[i];
    while (coop_tick_diff(to, start) < 3100) {
        coop_timer_t *t;
        to = coop_tick_add(to, step ? step : 1 + rnd() % 200u);
        coop_wheel_advance(&wheel, to);
        while ((t = coop_wheel_pop(&wheel)) != NULL) {
            unsigned k = timer_index(t);
            popped++;
            if (seen[k] || cancelled[k])
                twice++;
            seen[k] = true;
            if (!(coop_tick_after(t->expires, prev_to) && !coop_tick_after(t->expires, to)))
                bad_time++;
            if (popped > 1 && (coop_tick_after(last_exp, t->expires) ||
                               (last_exp == t->expires && last_idx > k)))
                bad_order++;
            last_exp = t->expires;
            last_idx = k;
        }
        prev_to = to;
    }
    CHECK(popped == live);
    CHECK(twice == 0);
    CHECK(bad_time == 0);
    CHECK(bad_order == 0);
    CHECK(!coop_wheel_next(&wheel, &to));
}

/* ------------------------------------------------------------ scheduler */
static coop_loop_t loop;

struct ticker {
    coop_task_t task;
    uint16_t period;
    uint8_t n, i;
    coop_tick_t start;
    uint8_t late; /* wakes not exactly at start + i * period */
};

static coop_status_t ticker_fn(coop_task_t *task)
{
    struct ticker *t = COOP_CONTAINER_OF(task, struct ticker, task);
    ASYNC(task);
    t->start = coop_loop_now(&loop);
    for (t->i = 1; t->i <= t->n; t->i++) {
        AWAIT_SLEEP_TICKS(t->period);
        if (coop_loop_now(&loop) != coop_tick_add(t->start, (uint32_t)t->i * t->period))
            t->late++;
    }
    ASYNC_END;
}

static struct ticker tick_a, tick_b, tick_c;

static void test_sleep_exact(void)
{
    tick_a.period = 7;
    tick_a.n = 50;
    tick_b.period = 11;
    tick_b.n = 40;
    tick_c.period = 250;
    tick_c.n = 4;
    coop_virtual_set((coop_tick_t)(0u - 300u));
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &tick_a.task, ticker_fn);
    coop_task_spawn(&loop, &tick_b.task, ticker_fn);
    coop_task_spawn(&loop, &tick_c.task, ticker_fn);
    CHECK(coop_loop_run(&loop) == COOP_OK);
    CHECK(tick_a.late == 0 && tick_b.late == 0 && tick_c.late == 0);
    CHECK(coop_port_now() == coop_tick_add((coop_tick_t)(0u - 300u), 1000u));
}

struct sleeper {
    coop_task_t task;
    uint32_t ticks;
    coop_tick_t woke;
};

static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct sleeper *s = COOP_CONTAINER_OF(task, struct sleeper, task);
    ASYNC(task);
    AWAIT_SLEEP_TICKS(s->ticks);
    s->woke = coop_loop_now(&loop);
    ASYNC_END;
}

static struct sleeper long_sleep;

/* 100000 ticks: three chained waits with 16-bit ticks, across two wraps. */
static void test_long_sleep(void)
{
    const coop_tick_t start = (coop_tick_t)(0u - 5u);
    long_sleep.ticks = 100000ul;
    coop_virtual_set(start);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &long_sleep.task, sleeper_fn);
    CHECK(coop_loop_run(&loop) == COOP_OK);
    CHECK(long_sleep.woke == coop_tick_add(start, 100000ul));
    CHECK(coop_virtual_idles >= (COOP_TICK_BITS == 16 ? 4u : 1u));
}

static char order[16];
static uint8_t norder;
struct yielder {
    coop_task_t task;
    char name;
    uint8_t i;
};
static coop_status_t yielder_fn(coop_task_t *task)
{
    struct yielder *y = COOP_CONTAINER_OF(task, struct yielder, task);
    ASYNC(task);
    for (y->i = 0; y->i < 3; y->i++) {
        if (norder < sizeof order - 1)
            order[norder++] = y->name;
        YIELD();
    }
    ASYNC_END;
}
static struct yielder ya, yb;
static struct sleeper s1, s2, s3;
static coop_task_t *const gathered[] = { &s1.task, &s2.task, &s3.task };
static coop_task_t gather_task;
static coop_tick_t gather_done;

static coop_status_t gather_fn(coop_task_t *task)
{
    ASYNC(task);
    s1.ticks = 30;
    s2.ticks = 10;
    s3.ticks = 20;
    coop_task_spawn(&loop, &s1.task, sleeper_fn);
    coop_task_spawn(&loop, &s2.task, sleeper_fn);
    coop_task_spawn(&loop, &s3.task, sleeper_fn);
    coop_task_cancel(&s3.task); /* ends cancelled, gather still completes */
    AWAIT_GATHER(gathered, 3);
    gather_done = coop_loop_now(&loop);
    ASYNC_END;
}

static void test_yield_gather_cancel(void)
{
    const coop_tick_t start = (coop_tick_t)(0u - 15u);
    ya.name = 'A';
    yb.name = 'B';
    norder = 0;
    coop_virtual_set(start);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &ya.task, yielder_fn);
    coop_task_spawn(&loop, &yb.task, yielder_fn);
    coop_task_spawn(&loop, &gather_task, gather_fn);
    CHECK(coop_loop_run(&loop) == COOP_OK);
    order[norder] = '\0';
    CHECK(strcmp(order, "ABABAB") == 0);
    CHECK(gather_done == coop_tick_add(start, 30));
    CHECK(s2.woke == coop_tick_add(start, 10));
    CHECK(coop_task_result(&s3.task) == COOP_ECANCELED);
    CHECK(coop_task_result(&s1.task) == COOP_OK);
}

/* ------------------------------------------------------------ ISR objects */
static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint8_t, 16);
static uint8_t idle_calls;
static coop_count_t woke_with[4], counted;
static uint8_t nwoke, popped[20], npopped;
static coop_task_t flag_task, counter_task, ring_task;

static void isr_on_idle(void) /* an "interrupt" while the loop sleeps */
{
    uint8_t i;
    idle_calls++;
    if (idle_calls == 1) {
        coop_flag_set(&flag);
        coop_flag_set(&flag); /* twice before the task runs: one wake, count 2 */
    } else if (idle_calls == 2) {
        coop_counter_add(&counter, 5);
        coop_counter_add(&counter, 2);
    } else if (idle_calls == 3) {
        for (i = 0; i < 20; i++)
            (void)coop_ring_push(&ring, &i); /* 16 fit, 4 overflow */
    } else if (idle_calls == 4) {
        coop_flag_set(&flag);
    }
}

static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    coop_flag_set(&flag); /* set before the wait: no sleep needed */
    AWAIT_FLAG(&flag);
    woke_with[nwoke++] = coop_flag_count(&flag);
    AWAIT_FLAG(&flag);
    woke_with[nwoke++] = coop_flag_count(&flag);
    AWAIT_FLAG(&flag);
    woke_with[nwoke++] = coop_flag_count(&flag);
    ASYNC_END;
}

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_COUNTER(&counter);
    counted = coop_counter_take(&counter);
    ASYNC_END;
}

static coop_status_t ring_fn(coop_task_t *task)
{
    ASYNC(task);
    AWAIT_RING(&ring);
    while (coop_ring_pop(&ring, &popped[npopped]))
        npopped++;
    ASYNC_END;
}

static void test_isr_objects(void)
{
    uint8_t i;
    bool in_order = true;
    coop_virtual_set((coop_tick_t)(0u - 2u));
    coop_flag_init(&flag);
    coop_counter_init(&counter);
    coop_virtual_on_idle = isr_on_idle;
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    CHECK(coop_loop_run(&loop) == COOP_OK);
    coop_virtual_on_idle = NULL;
    CHECK(nwoke == 3 && woke_with[0] == 1 && woke_with[1] == 2 && woke_with[2] == 1);
    CHECK(counted == 7);
    CHECK(npopped == 16 && coop_ring_overflows(&ring) == 4);
    for (i = 0; i < npopped; i++)
        in_order = in_order && popped[i] == i;
    CHECK(in_order);
    CHECK(coop_flag_overflows(&flag) == 0 && !coop_flag_is_set(&flag));
}

static void unit_core_run(void)
{
    coop_virtual_board_quiet = true;
    coop_virtual_on_assert = on_assert;
    test_wheel(1);
    test_wheel(0);
    test_sleep_exact();
    test_long_sleep();
    test_yield_gather_cancel();
    test_isr_objects();
    CHECK(asserts == 0);
}

#endif /* COOP_TESTS_UNIT_CORE_H */
