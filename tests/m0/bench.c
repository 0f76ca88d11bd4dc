/* tests/m0/bench.c - Thumb instructions per yield+resume and per dispatch,
 * counted in qemu -M microbit with -icount shift=0.
 *
 * Method: with -icount shift=0 qemu advances its virtual clock by exactly
 * 1 ns per guest instruction, and the nRF51's TIMER0 counts that clock at
 * 16 MHz: one count = 62.5 instructions. Each phase runs N = 10^5 times
 * between two TIMER0 captures: one count over the phase is 0.000625
 * instruction per op (printed to 0.001). The clock is calibrated first
 * on an assembly loop of exactly 2N instructions (m0_bench_spin); the
 * captures cost a constant, measured on an empty phase and subtracted.
 * Drivers in drive.S have a known count (3 instructions a call besides the
 * call itself), so a figure is "instructions from the caller's blx to its
 * return, both included".
 *
 * Phases:
 *   empty     a function that returns COOP_YIELDED: the call floor (3: blx, movs, bx)
 *   yield1    a coroutine with one resume point, yielding forever (the x86
 *             and AVR benches' figure): resume + yield
 *   yield4    a coroutine with four resume points in a loop (the switch
 *             back end then dispatches through a case table), yield8: eight
 *   ISR side  flag set (first since the loop ran: posts the flag's call;
 *             minus a phase that only empties the inbox by hand), flag set
 *             and counter add in a burst (already posted: count only), ring
 *             push+pop, with the port's PRIMASK critical sections; minus
 *             the call of an empty function (3)
 *   dispatch  coop_loop_run with 2 tasks that yield until N dispatches are
 *             done: per dispatch, the task's resume+yield included
 * Prints "bench m0 <phase> <instructions per op>" and sizeof of the objects.
 * The exit status is 0 only if the calibration found 2.000 +- 0.002 per
 * subs+bne (62.5 instructions a count, +- 0.1 %) and no COOP_ASSERT failed.
 * SysTick keeps ticking (once per 10^6 instructions here): its handler adds
 * a few instructions per phase, under 0.001 per op.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "m0_board.h"

#define N 100000u
#define M0_TIMER0 0x40008000u

typedef coop_status_t (*m0_bench_fn)(void *arg);
void m0_bench_drive(m0_bench_fn fn, void *arg, uint32_t n);
void m0_bench_spin(uint32_t n);

struct spin {
    coop_lc_t lc;
};

__attribute__((noinline)) static coop_status_t empty_fn(void *arg)
{
    (void)arg;
    return COOP_YIELDED;
}

__attribute__((noinline)) static coop_status_t yield1_fn(void *arg)
{
    struct spin *s = (struct spin *)arg;
    ASYNC(s);
    for (;;)
        YIELD();
    ASYNC_END;
}

__attribute__((noinline)) static coop_status_t yield4_fn(void *arg)
{
    struct spin *s = (struct spin *)arg;
    ASYNC(s);
    for (;;) {
        YIELD();
        YIELD();
        YIELD();
        YIELD();
    }
    ASYNC_END;
}

__attribute__((noinline)) static coop_status_t yield8_fn(void *arg)
{
    struct spin *s = (struct spin *)arg;
    ASYNC(s);
    for (;;) {
        YIELD();
        YIELD();
        YIELD();
        YIELD();
        YIELD();
        YIELD();
        YIELD();
        YIELD();
    }
    ASYNC_END;
}

static uint32_t timer0_capture(void)
{
    M0_TIMER_CAPTURE(M0_TIMER0, 0) = 1u;
    return M0_TIMER_CC(M0_TIMER0, 0);
}

static uint32_t capture_cost; /* counts of an empty phase, x1000 */

/* counts x 1000 spent by one run of phase(arg) */
#define PHASE(result, stmt)                                  \
    do {                                                     \
        uint32_t t0_ = timer0_capture();                     \
        stmt;                                                \
        (result) = (timer0_capture() - t0_) * 1000u - capture_cost; \
    } while (0)

static void print_fixed(const char *label, uint32_t milli)
{
    unsigned long frac = milli % 1000u; /* the formatter has no widths */
    coop_board_printf("bench m0 %s %lu.%s%lu", label, (unsigned long)(milli / 1000u),
                      frac < 10 ? "00" : frac < 100 ? "0" : "", frac);
}

/* instructions per op x 1000, from counts x 1000 over n ops (62.5 a count) */
static uint32_t per_op(uint32_t counts_milli, uint32_t n)
{
    return (uint32_t)(((uint64_t)counts_milli * 125u / 2u + n / 2u) / n);
}

/* ISR side, with this port's PRIMASK critical sections (COOP_PORT_ATOMIC 0) */
static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint32_t, 64);

/* Empty the inbox by hand, as the loop would, without running anything. */
static void forget_posts(void)
{
    coop_priv_inbox = NULL;
    flag.call.posted = 0;
    counter.call.posted = 0;
    ring.call.posted = 0;
}

__attribute__((noinline)) static coop_status_t reset_op(void *arg)
{
    (void)arg;
    forget_posts();
    return COOP_YIELDED;
}

__attribute__((noinline)) static coop_status_t flag_set_posting(void *arg)
{
    (void)arg;
    coop_flag_set(&flag);
    forget_posts();
    return COOP_YIELDED;
}

__attribute__((noinline)) static coop_status_t flag_set_burst(void *arg)
{
    (void)arg;
    coop_flag_set(&flag);
    return COOP_YIELDED;
}

__attribute__((noinline)) static coop_status_t counter_add_burst(void *arg)
{
    (void)arg;
    coop_counter_add(&counter, 1);
    return COOP_YIELDED;
}

__attribute__((noinline)) static coop_status_t ring_push_pop(void *arg)
{
    uint32_t v = 7;
    (void)arg;
    (void)coop_ring_push(&ring, &v);
    (void)coop_ring_pop(&ring, &v);
    return COOP_YIELDED;
}

static coop_loop_t loop;
static coop_task_t t1, t2;
static int32_t budget;

static coop_status_t yielder(coop_task_t *task)
{
    ASYNC(task);
    while (--budget > 0)
        YIELD();
    ASYNC_END;
}

int main(void)
{
    static struct spin s;
    uint32_t c, cal, base, empty;

    M0_TIMER_MODE(M0_TIMER0) = 0u;
    M0_TIMER_BITMODE(M0_TIMER0) = 3u;
    M0_TIMER_PRESCALER(M0_TIMER0) = 0u;
    M0_TIMER_CLEAR(M0_TIMER0) = 1u;
    M0_TIMER_START(M0_TIMER0) = 1u;
    coop_board_init(); /* SysTick runs: once per 10^6 instructions here */

    capture_cost = 0;
    PHASE(c, (void)0);
    capture_cost = c;
    /* calibration: 2N instructions must read as 2N / 62.5 counts */
    PHASE(cal, m0_bench_spin(N));
    cal = per_op(cal, N);
    print_fixed("calibration:subs+bne_loop_(2.000_expected)", cal);

    PHASE(c, m0_bench_drive(empty_fn, &s, N));
    empty = per_op(c, N) - 3000u;
    print_fixed("call_of_an_empty_function_(blx..bx)", empty);
    s.lc = 0;
    PHASE(c, m0_bench_drive(yield1_fn, &s, N));
    print_fixed("yield+resume,_1_resume_point_(blx..return)", per_op(c, N) - 3000u);
    s.lc = 0;
    PHASE(c, m0_bench_drive(yield4_fn, &s, N));
    print_fixed("yield+resume,_4_resume_points_(blx..return)", per_op(c, N) - 3000u);
    s.lc = 0;
    PHASE(c, m0_bench_drive(yield8_fn, &s, N));
    print_fixed("yield+resume,_8_resume_points_(blx..return)", per_op(c, N) - 3000u);

    coop_flag_init(&flag);
    coop_counter_init(&counter);
    PHASE(base, m0_bench_drive(reset_op, NULL, N));
    PHASE(c, m0_bench_drive(flag_set_posting, NULL, N));
    print_fixed("ISR:_flag_set,_first_since_the_loop_ran_(posts)", per_op(c - base, N));
    coop_flag_set(&flag);
    PHASE(c, m0_bench_drive(flag_set_burst, NULL, N));
    print_fixed("ISR:_flag_set,_burst_(already_posted)", per_op(c, N) - 3000u - empty);
    coop_counter_add(&counter, 1);
    PHASE(c, m0_bench_drive(counter_add_burst, NULL, N));
    print_fixed("ISR:_counter_add,_burst", per_op(c, N) - 3000u - empty);
    coop_ring_push(&ring, &c);
    PHASE(c, m0_bench_drive(ring_push_pop, NULL, N));
    print_fixed("ring_push+pop_of_4_bytes,_burst", per_op(c, N) - 3000u - empty);
    forget_posts();

    coop_loop_init(&loop);
    coop_task_spawn(&loop, &t1, yielder);
    coop_task_spawn(&loop, &t2, yielder);
    budget = (int32_t)N;
    PHASE(c, coop_loop_run(&loop));
    print_fixed("scheduler_dispatch,_2_yielding_tasks", per_op(c, N));

    coop_board_printf("bench m0 sizeof(coop_task_t) %u", (unsigned)sizeof(coop_task_t));
    coop_board_printf("bench m0 sizeof(coop_timer_t) %u", (unsigned)sizeof(coop_timer_t));
    coop_board_printf("bench m0 sizeof(coop_loop_t) %u", (unsigned)sizeof(coop_loop_t));
    coop_board_printf("bench m0 sizeof(coop_flag_t) %u", (unsigned)sizeof(coop_flag_t));
    return cal >= 1998u && cal <= 2002u && coop_cortex_m_asserts == 0 ? 0 : 1;
}
