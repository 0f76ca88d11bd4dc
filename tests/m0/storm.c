/* tests/m0/storm.c - interrupt storms beside blinkers on an emulated
 * Cortex-M (ports/cortex_m.h on the machines of m0.h): nobody starves, every
 * blink on its tick, the clock exact.
 *
 * The storm: the machine's alarm interrupt (nRF51 TIMER1's compare, MPS2
 * CMSDK timer 0; priority 2), one "edge" per
 * interrupt, at fixed rates (10k, 33k, 50k, 100k edges/s) and in bursts. Its
 * handler sets a flag, and adds to a counter (odd edges) or pushes into a
 * 16-record ring (even edges); in the "flag only" phase it only sets the flag
 * (the repro). It then moves the compare one period on; if that
 * moment has already passed (the handler ran late), the edges due meanwhile
 * are merged into the next one and counted, as a pin's single pending flag
 * would merge them. SysTick (the 1 ms tick) has priority 1, above the storm:
 * on Cortex-M the tick can outrank a storm (on AVR INT0 outranks it).
 * Tasks: blink_a (every 5 ticks) and blink_b (every 3), on absolute
 * deadlines, each noting how many ticks late it ran by the port's clock; a
 * counter, a flag and a ring task (the flag's works until the next edge has
 * come, at most 50 us; the ring's pops what was there when it woke), each
 * noting its longest gap between two runs (the stamp's time) while a
 * fixed-rate storm feeds it, or from a burst's first edge to its run; a
 * director that runs the phases (300 ms each, 20 ms quiet between) and
 * checks after each: blinkers at most `late` ticks late (0 but where noted),
 * consumers' waits under STARVE_BOUND_US, the port's clock against the
 * stamp (+- 1 tick). Rates are written in counts of 16 MHz (the nRF51's) and
 * scaled to the machine's stamp (T16). At the end: flag sets taken = handler runs, counter = adds,
 * ring consumed + overflowed = offered; no COOP_ASSERT. Prints a line per
 * phase and "N passed, M failed"; exit status 0 only if all passed.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "m0_board.h"

#include "check.h"

#define PHASE_MS 300u
#define QUIET_MS 20u
#define STARVE_BOUND_US 2000u

static coop_loop_t loop;
static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint8_t, 16);

/* n counts of 16 MHz in the machine's stamp counts */
#define T16(n) ((n) * M0_STAMP_PER_US / 16u)

struct phase {
    const char *name;
    uint32_t period;  /* counts of 16 MHz between edges (in a burst) */
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
 * while the alarm is off) */
static volatile const struct phase *cur;
static volatile uint32_t runs, added, offered, pushed, merged, edges;
static volatile uint32_t burst_i, burst_at, burst_first;
static uint8_t seq;

void m0_alarm_handler(void) /* one edge */
{
    const struct phase *p = (const struct phase *)cur;
    uint32_t next, now, at = m0_alarm_due;
    m0_alarm_ack();
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
    next = at + T16(p->period);
    if (p->burst != 0 && ++burst_i == p->burst) {
        burst_i = 0;
        burst_at += T16(p->every);
        next = burst_at;
    }
    now = m0_stamp();
    while ((int32_t)(next - now) < 8) { /* due already: merged into the next */
        merged++;
        edges++;
        if (p->burst != 0 && ++burst_i == p->burst) {
            burst_i = 0;
            burst_at += T16(p->every);
            next = burst_at;
        } else {
            next += T16(p->period);
        }
    }
    m0_alarm_at(next);
}

/* ---------------------------------------------------------------- tasks */
/* per phase, reset by the director */
static uint32_t late_a, late_b, wakes_a, wakes_b;
static uint32_t last_run[3], wait_max[3], seen_burst[3];
static uint32_t flag_total, counter_total, popped;

static void ran(unsigned i)
{
    uint32_t now = m0_stamp(), w;
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
        work_t0 = m0_stamp();
        while (runs == work_runs && m0_stamp() - work_t0 < T16(800u)) {
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
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    cur = p;
    burst_i = 0;
    last_run[0] = last_run[1] = last_run[2] = 0;
    wait_max[0] = wait_max[1] = wait_max[2] = 0;
    late_a = late_b = wakes_a = wakes_b = 0;
    t1_start = m0_stamp();
    ticks_start = coop_cortex_m_ticks;
    runs_start = runs;
    merged_start = merged;
    edges_start = edges;
    burst_at = t1_start + T16(100u);
    burst_first = 0;
    m0_alarm_at(burst_at);
    m0_alarm_on();
    COOP_PORT_IRQ_RESTORE(s);
}

static void storm_stop(void)
{
    m0_alarm_off();
}

/* Starvation watchdog (SysTick): the director, a timer-woken task, must
 * begin each phase; if it has not for 3 phases' time, the storm has taken
 * the loop: report and end the run (exit 3). */
static volatile uint32_t director_alive;
static void watchdog(void)
{
    if (coop_cortex_m_ticks - director_alive > 3u * (PHASE_MS + QUIET_MS)) {
        storm_stop();
        m0_puts("storm: FAIL: the director has not run for 3 phases: starved\n");
        m0_exit(3);
    }
}

static coop_status_t director_fn(coop_task_t *task)
{
    coop_irq_state_t s;
    uint32_t t1, ticks, n_runs, n_merged, n_edges;
    long lost;
    unsigned k;
    uint8_t v;
    ASYNC(task);
    for (ph = 0; ph < NPHASES; ph++) {
        director_alive = coop_cortex_m_ticks;
        storm_start(&phases[ph]);
        AWAIT_SLEEP_MS(PHASE_MS);
        s = COOP_PORT_IRQ_SAVE();
        storm_stop();
        t1 = m0_stamp() - t1_start;
        ticks = coop_cortex_m_ticks - ticks_start;
        n_runs = runs - runs_start;
        n_merged = merged - merged_start;
        n_edges = edges - edges_start;
        COOP_PORT_IRQ_RESTORE(s);
        lost = (long)(t1 / (1000u * M0_STAMP_PER_US)) - (long)ticks;
        coop_board_printf("storm m0 %s: edges %lu, handler ran %lu, merged %lu; clock lost %ld ticks (%lu us, %lu ticks)",
                          phases[ph].name, (unsigned long)n_edges, (unsigned long)n_runs,
                          (unsigned long)n_merged, lost, (unsigned long)(t1 / M0_STAMP_PER_US), (unsigned long)ticks);
        coop_board_printf("storm m0   blinkers late at most %lu, %lu ticks (%lu, %lu wakes); longest wait, us: "
                          "counter %lu flag %lu ring %lu", (unsigned long)late_a, (unsigned long)late_b,
                          (unsigned long)wakes_a, (unsigned long)wakes_b, (unsigned long)(wait_max[0] / M0_STAMP_PER_US),
                          (unsigned long)(wait_max[1] / M0_STAMP_PER_US), (unsigned long)(wait_max[2] / M0_STAMP_PER_US));
        CHECK(lost >= -1 && lost <= 1);
        CHECK(late_a <= phases[ph].late && late_b <= phases[ph].late);
        CHECK(wakes_a >= PHASE_MS / 5u - 1u && wakes_b >= PHASE_MS / 3u - 1u);
        for (k = 0; k < 3; k++)
            if (!phases[ph].light || k == 1)
                CHECK(wait_max[k] != 0 && wait_max[k] < STARVE_BOUND_US * M0_STAMP_PER_US);
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
    CHECK(coop_cortex_m_asserts == 0);
    coop_board_printf("storm: %u passed, %u failed", passed, failed);
    m0_exit(failed == 0 ? 0 : 1);
    ASYNC_END;
}

int main(void)
{
    coop_counter_init(&counter);
    coop_flag_init(&flag);
    m0_irq_priority(-1, 1); /* SysTick above the storm */
    m0_irq_priority(M0_IRQ_ALARM, 2);
    coop_board_init(); /* SysTick, interrupts on */
    director_alive = coop_cortex_m_ticks;
    m0_on_tick = watchdog;
    m0_timers_start(); /* the alarm is turned on per phase */

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
