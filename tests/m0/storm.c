/* tests/m0/storm.c - interrupt storms beside blinkers on the emulated
 * Cortex-M0+: nobody starves, every blink on its tick, the clock exact.
 *
 * The storm: TIMER1's compare interrupt (priority 1), one "edge" per
 * interrupt, at fixed rates (10k, 33k, 50k, 100k edges/s) and in bursts. Its
 * handler sets a flag, and adds to a counter (odd edges) or pushes into a
 * 16-record ring (even edges); in the "flag only" phase it only sets the flag
 * (the repro). It then moves the compare one period on; if that
 * moment has already passed (the handler ran late), the edges due meanwhile
 * are merged into the next one and counted, as a pin's single pending flag
 * would merge them. SysTick (the 1 ms tick) has priority 0, above the storm:
 * on Cortex-M the tick can outrank a storm (on AVR INT0 outranks it).
 * Tasks: blink_a (every 5 ticks) and blink_b (every 3), on absolute
 * deadlines, each noting how many ticks late it ran by the port's clock; a
 * counter, a flag and a ring task (the flag's works until the next edge has
 * come, at most 50 us; the ring's pops what was there when it woke), each
 * noting its longest gap between two runs (TIMER1 time) while a
 * fixed-rate storm feeds it, or from a burst's first edge to its run; a
 * director that runs the phases (300 ms each, 20 ms quiet between) and
 * checks after each: blinkers at most `late` ticks late (0 but where noted),
 * consumers' waits under STARVE_BOUND_US, the port's clock against TIMER1
 * (+- 1 tick). At the end: flag sets taken = handler runs, counter = adds,
 * ring consumed + overflowed = offered; no COOP_ASSERT. Prints a line per
 * phase and "N passed, M failed"; exit status 0 only if all passed.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "port_m0.h"

#define PHASE_MS 300u
#define QUIET_MS 20u
#define STARVE_BOUND_US 2000u

static coop_loop_t loop;
static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint8_t, 16);

struct phase {
    const char *name;
    uint32_t period;  /* TIMER1 counts (16 MHz) between edges (in a burst) */
    uint32_t burst;   /* edges per burst; 0: a fixed rate */
    uint32_t every;   /* counts between burst starts */
    uint8_t light;    /* the handler only sets the flag */
    uint8_t late;     /* ticks a blinker may be late */
};
static const struct phase phases[] = {
    { "10k edges/s", 1600u, 0u, 0u, 0u, 0u },
    { "33k edges/s", 485u, 0u, 0u, 0u, 0u },
    { "50k edges/s", 320u, 0u, 0u, 0u, 0u },
    { "100k edges/s", 160u, 0u, 0u, 0u, 0u },
    { "100k edges/s, flag only", 160u, 0u, 0u, 1u, 0u },
    /* (bursts every 1 ms: with 2 ms between TIMER1 compares and the CPU
     * asleep in between, qemu 7.2's nRF51 timer counted 582 ms while SysTick
     * counted 300 under -icount shift=4,sleep=off) */
    { "bursts: 32 at 100k/s every 1 ms", 160u, 32u, 16000u, 0u, 0u },
    { "bursts: 16 at 400k/s every 1 ms", 40u, 16u, 16000u, 0u, 0u },
};
#define NPHASES (sizeof phases / sizeof phases[0])

/* the storm's state: written by the handler (and set up by the director
 * while TIMER1 is stopped) */
static volatile const struct phase *cur;
static volatile uint32_t runs, added, offered, pushed, merged, edges;
static volatile uint32_t burst_i, burst_at, burst_first;
static uint8_t seq;

static uint32_t timer1_now(void)
{
    M0_TIMER_CAPTURE(M0_TIMER1, 1) = 1u;
    return M0_TIMER_CC(M0_TIMER1, 1);
}

void m0_irq9_handler(void); /* TIMER1: one edge */
void m0_irq9_handler(void)
{
    const struct phase *p = (const struct phase *)cur;
    uint32_t next, now, at = M0_TIMER_CC(M0_TIMER1, 0);
    M0_TIMER_COMPARE(M0_TIMER1, 0) = 0u;
    if (p->burst != 0 && burst_i == 0)
        burst_first = at; /* a burst begins */
    runs++;
    edges++;
    coop_flag_set(&flag);
    if (!p->light) {
        if ((++seq & 1u) != 0) {
            coop_counter_add(&counter, 1);
            added++;
        } else {
            offered++;
            if (coop_ring_push(&ring, &seq))
                pushed++;
        }
    }
    next = at + p->period;
    if (p->burst != 0 && ++burst_i == p->burst) {
        burst_i = 0;
        burst_at += p->every;
        next = burst_at;
    }
    now = timer1_now();
    while ((int32_t)(next - now) < 8) { /* due already: merged into the next */
        merged++;
        edges++;
        if (p->burst != 0 && ++burst_i == p->burst) {
            burst_i = 0;
            burst_at += p->every;
            next = burst_at;
        } else {
            next += p->period;
        }
    }
    M0_TIMER_CC(M0_TIMER1, 0) = next;
}

/* ---------------------------------------------------------------- tasks */
static unsigned passed, failed;

#define CHECK(cond)                                          \
    do {                                                     \
        if (cond) {                                          \
            passed++;                                        \
        } else {                                             \
            failed++;                                        \
            coop_board_printf("FAIL line %d: %s", __LINE__, #cond); \
        }                                                    \
    } while (0)

/* per phase, reset by the director */
static uint32_t late_a, late_b, wakes_a, wakes_b;
static uint32_t last_run[3], wait_max[3], seen_burst[3];
static uint32_t flag_total, counter_total, popped;

static void ran(unsigned i)
{
    uint32_t now = timer1_now(), w;
    if (cur != NULL && cur->burst == 0) {
        w = now - last_run[i];
        if (last_run[i] != 0 && w > wait_max[i])
            wait_max[i] = w;
    } else if (cur != NULL && burst_first != 0 && seen_burst[i] != burst_first) {
        seen_burst[i] = burst_first; /* its first run since this burst began */
        w = now - burst_first;
        if ((int32_t)w > 0 && w > wait_max[i])
            wait_max[i] = w;
    }
    last_run[i] = now;
}

static coop_tick_t next_a, next_b;

static uint32_t lateness(coop_tick_t due)
{
    coop_stick_t d = coop_tick_diff(coop_port_now(), due);
    return d > 0 ? (uint32_t)d : 0u;
}

static coop_status_t blink_a_fn(coop_task_t *task)
{
    uint32_t l;
    ASYNC(task);
    for (;;) {
        next_a = coop_tick_add(next_a, 5);
        AWAIT_SLEEP_UNTIL(next_a);
        l = lateness(next_a);
        if (l > late_a)
            late_a = l;
        wakes_a++;
    }
    ASYNC_END;
}

static coop_status_t blink_b_fn(coop_task_t *task)
{
    uint32_t l;
    ASYNC(task);
    for (;;) {
        next_b = coop_tick_add(next_b, 3);
        AWAIT_SLEEP_UNTIL(next_b);
        l = lateness(next_b);
        if (l > late_b)
            late_b = l;
        wakes_b++;
    }
    ASYNC_END;
}

static coop_status_t counter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_COUNTER(&counter);
        ran(0);
        counter_total += coop_counter_take(&counter);
    }
    ASYNC_END;
}

/* Its work lasts until the next edge has come (at most 50 us), so the storm
 * sets the flag again during its turn: without the loop's turn at AWAIT_FLAG
 * it would never let the others run. */
static uint32_t work_runs, work_t0;
static coop_status_t flag_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_FLAG(&flag);
        ran(1);
        flag_total += coop_flag_count(&flag);
        work_runs = runs;
        work_t0 = timer1_now();
        while (runs == work_runs && timer1_now() - work_t0 < 800u) {
        }
    }
    ASYNC_END;
}

static uint8_t ring_n;
static coop_status_t ring_fn(coop_task_t *task)
{
    uint8_t v;
    ASYNC(task);
    for (;;) {
        AWAIT_RING(&ring);
        ran(2);
        for (ring_n = (uint8_t)coop_ring_count(&ring); ring_n != 0; ring_n--)
            if (coop_ring_pop(&ring, &v))
                popped++;
    }
    ASYNC_END;
}

static coop_task_t blink_a, blink_b, counter_task, flag_task, ring_task, director;
static size_t ph;
static uint32_t t1_start, ticks_start, runs_start, merged_start, edges_start;

static void storm_start(const struct phase *p)
{
    uint32_t s = coop_priv_m0_irq_save();
    cur = p;
    burst_i = 0;
    last_run[0] = last_run[1] = last_run[2] = 0;
    wait_max[0] = wait_max[1] = wait_max[2] = 0;
    late_a = late_b = wakes_a = wakes_b = 0;
    t1_start = timer1_now();
    ticks_start = coop_m0_ticks;
    runs_start = runs;
    merged_start = merged;
    edges_start = edges;
    burst_at = t1_start + 100u;
    burst_first = 0;
    M0_TIMER_CC(M0_TIMER1, 0) = burst_at;
    M0_TIMER_COMPARE(M0_TIMER1, 0) = 0u;
    M0_NVIC_ICPR = 1u << M0_IRQ_TIMER1;
    M0_TIMER_INTENSET(M0_TIMER1) = 1u << 16;
    coop_priv_m0_irq_restore(s);
}

static void storm_stop(void)
{
    M0_TIMER_INTENCLR(M0_TIMER1) = 1u << 16;
    M0_NVIC_ICPR = 1u << M0_IRQ_TIMER1;
}

/* Starvation watchdog (SysTick): the director, a timer-woken task, must
 * begin each phase; if it has not for 3 phases' time, the storm has taken
 * the loop: report and end the run (exit 3). */
static volatile uint32_t director_alive;
static void watchdog(void)
{
    if (coop_m0_ticks - director_alive > 3u * (PHASE_MS + QUIET_MS)) {
        storm_stop();
        m0_puts("storm: FAIL: the director has not run for 3 phases: starved\n");
        m0_exit(3);
    }
}

static coop_status_t director_fn(coop_task_t *task)
{
    uint32_t s, t1, ticks, n_runs, n_merged, n_edges;
    long lost;
    unsigned k;
    uint8_t v;
    ASYNC(task);
    for (ph = 0; ph < NPHASES; ph++) {
        director_alive = coop_m0_ticks;
        storm_start(&phases[ph]);
        AWAIT_SLEEP_MS(PHASE_MS);
        s = coop_priv_m0_irq_save();
        storm_stop();
        t1 = timer1_now() - t1_start;
        ticks = coop_m0_ticks - ticks_start;
        n_runs = runs - runs_start;
        n_merged = merged - merged_start;
        n_edges = edges - edges_start;
        coop_priv_m0_irq_restore(s);
        lost = (long)(t1 / 16000u) - (long)ticks;
        coop_board_printf("storm m0 %s: edges %lu, handler ran %lu, merged %lu; clock lost %ld ticks (%lu us, %lu ticks)",
                          phases[ph].name, (unsigned long)n_edges, (unsigned long)n_runs,
                          (unsigned long)n_merged, lost, (unsigned long)(t1 / 16u), (unsigned long)ticks);
        coop_board_printf("storm m0   blinkers late at most %lu, %lu ticks (%lu, %lu wakes); longest wait, us: "
                          "counter %lu flag %lu ring %lu", (unsigned long)late_a, (unsigned long)late_b,
                          (unsigned long)wakes_a, (unsigned long)wakes_b, (unsigned long)(wait_max[0] / 16u),
                          (unsigned long)(wait_max[1] / 16u), (unsigned long)(wait_max[2] / 16u));
        CHECK(lost >= -1 && lost <= 1);
        CHECK(late_a <= phases[ph].late && late_b <= phases[ph].late);
        CHECK(wakes_a >= PHASE_MS / 5u - 1u && wakes_b >= PHASE_MS / 3u - 1u);
        for (k = 0; k < 3; k++)
            if (!phases[ph].light || k == 1)
                CHECK(wait_max[k] != 0 && wait_max[k] < STARVE_BOUND_US * 16u);
        AWAIT_SLEEP_MS(QUIET_MS); /* the consumers catch up */
    }
    counter_total += coop_counter_take(&counter);
    flag_total += coop_flag_take(&flag);
    while (coop_ring_pop(&ring, &v))
        popped++;
    coop_board_printf("storm m0 totals: handler runs %lu, flag %lu, adds %lu counter %lu,", (unsigned long)runs,
                      (unsigned long)flag_total, (unsigned long)added, (unsigned long)counter_total);
    coop_board_printf("storm m0   ring offered %lu pushed %lu popped %lu over %lu",
                      (unsigned long)offered, (unsigned long)pushed, (unsigned long)popped, (unsigned long)coop_ring_overflows(&ring));
    CHECK(flag_total == runs);
    CHECK(counter_total == added);
    CHECK(pushed + coop_ring_overflows(&ring) == offered && popped == pushed);
    CHECK(coop_m0_asserts == 0);
    coop_board_printf("storm: %u passed, %u failed", passed, failed);
    m0_exit(failed == 0 ? 0 : 1);
    ASYNC_END;
}

int main(void)
{
    coop_counter_init(&counter);
    coop_flag_init(&flag);
    /* priorities (ARMv6-M: the top 2 bits): SysTick 1, TIMER1 2 */
    M0_SHPR3 = (M0_SHPR3 & 0x00ffffffu) | (0x40u << 24);
    M0_NVIC_IPR(M0_IRQ_TIMER1) = (M0_NVIC_IPR(M0_IRQ_TIMER1) & ~(0xffu << 8)) | (0x80u << 8);
    coop_board_init(); /* SysTick, interrupts on */
    director_alive = coop_m0_ticks;
    coop_m0_on_tick = watchdog;

    /* TIMER1: 32-bit timer at 16 MHz, compare 0 interrupts (enabled per phase) */
    M0_TIMER_MODE(M0_TIMER1) = 0u;
    M0_TIMER_BITMODE(M0_TIMER1) = 3u;
    M0_TIMER_PRESCALER(M0_TIMER1) = 0u;
    M0_TIMER_CLEAR(M0_TIMER1) = 1u;
    M0_NVIC_ISER = 1u << M0_IRQ_TIMER1;
    M0_TIMER_START(M0_TIMER1) = 1u;

    coop_loop_init(&loop);
    next_a = next_b = coop_loop_now(&loop);
    coop_task_spawn(&loop, &blink_a, blink_a_fn);
    coop_task_spawn(&loop, &blink_b, blink_b_fn);
    coop_task_spawn(&loop, &counter_task, counter_fn);
    coop_task_spawn(&loop, &flag_task, flag_fn);
    coop_task_spawn(&loop, &ring_task, ring_fn);
    coop_task_spawn(&loop, &director, director_fn);
    coop_loop_run(&loop);
    coop_board_printf("storm: the loop ended before the report");
    return 2;
}
