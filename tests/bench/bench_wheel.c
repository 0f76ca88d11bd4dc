/* Instructions per timer-wheel operation, at 10^3, 10^5 and 10^6 timers
 * with deadlines uniform in [1, 2^20) ticks (seeded LCG, computed before
 * the measured phases), default configuration:
 *   insert               coop_wheel_insert of N idle timers, empty wheel
 *   cancel               coop_timer_cancel of the N armed timers
 *   expiry, tickless     the N timers re-armed, then the loop the scheduler
 *                        runs (next, advance to it, pop everything) until the
 *                        wheel is empty: Ir of the whole loop / N
 *   expiry, one advance  the N timers re-armed, one advance over the whole
 *                        range (a long sleep), then pop everything: Ir / N
 * Insert and cancel subtract a baseline phase: the same loop, computing the
 * same arguments, without the wheel call. Everything is one translation
 * unit, as in a program that includes the implementation: the compiler may
 * inline the wheel's functions into these loops.
 */
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define RANGE (1ul << 20)

/* Keep a value alive (in a register) without generating any code. */
#define BENCH_USE(x) __asm__ volatile("" : : "r"(x))

static uint64_t lcg_state = 0x2545f4914f6cdd1dull;

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(lcg_state >> 32);
}

static coop_wheel_t wheel;

static void arm_all(coop_timer_t *t, const coop_tick_t *d, unsigned long n, coop_tick_t now)
{
    unsigned long i;
    for (i = 0; i < n; i++)
        coop_wheel_insert(&wheel, &t[i], coop_tick_add(now, d[i]));
}

static void check_count(unsigned long got, unsigned long want, const char *what)
{
    if (got != want) {
        fprintf(stderr, "bench_wheel: %s: %lu timers expired, expected %lu\n", what, got, want);
        exit(1);
    }
}

static void bench_n(unsigned long n)
{
    coop_timer_t *t = (coop_timer_t *)calloc(n, sizeof *t);
    coop_tick_t *d = (coop_tick_t *)malloc(n * sizeof *d);
    const coop_tick_t now = 0;
    char name[64], base[40];
    unsigned long i, popped;
    coop_tick_t when;

    if (t == NULL || d == NULL) {
        fprintf(stderr, "bench_wheel: out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++)
        d[i] = (coop_tick_t)(1 + lcg_next() % (RANGE - 1));
    coop_wheel_init(&wheel, now);

    /* insert */
    snprintf(base, sizeof base, "_insert loop, %lu", n);
    BENCH_BEGIN();
    for (i = 0; i < n; i++) {
        BENCH_USE(&t[i]);
        BENCH_USE(coop_tick_add(now, d[i]));
    }
    BENCH_END(base, n);
    snprintf(name, sizeof name, "wheel insert, %lu timers", n);
    BENCH_BEGIN();
    for (i = 0; i < n; i++)
        coop_wheel_insert(&wheel, &t[i], coop_tick_add(now, d[i]));
    BENCH_END_MINUS(name, n, base);

    /* cancel */
    snprintf(base, sizeof base, "_cancel loop, %lu", n);
    BENCH_BEGIN();
    for (i = 0; i < n; i++)
        BENCH_USE(&t[i]);
    BENCH_END(base, n);
    snprintf(name, sizeof name, "wheel cancel, %lu timers", n);
    BENCH_BEGIN();
    for (i = 0; i < n; i++)
        coop_timer_cancel(&t[i]);
    BENCH_END_MINUS(name, n, base);
    for (i = 0, popped = 0; i < n; i++)
        popped += coop_timer_armed(&t[i]);
    check_count(popped, 0, "cancel (still armed)");

    /* expiry: the tickless loop */
    arm_all(t, d, n, now);
    popped = 0;
    snprintf(name, sizeof name, "wheel expiry, tickless, %lu timers", n);
    BENCH_BEGIN();
    while (coop_wheel_next(&wheel, &when)) {
        coop_wheel_advance(&wheel, when);
        while (coop_wheel_pop(&wheel) != NULL)
            popped++;
    }
    BENCH_END(name, n);
    check_count(popped, n, "expiry");

    /* expiry after a long sleep: one advance */
    arm_all(t, d, n, wheel.now);
    popped = 0;
    snprintf(name, sizeof name, "wheel expiry, one advance, %lu timers", n);
    BENCH_BEGIN();
    coop_wheel_advance(&wheel, coop_tick_add(wheel.now, (uint32_t)RANGE));
    while (coop_wheel_pop(&wheel) != NULL)
        popped++;
    BENCH_END(name, n);
    check_count(popped, n, "long sleep");

    free(d);
    free(t);
}

int main(void)
{
    bench_n(1000);
    bench_n(100000);
    bench_n(1000000);
    return 0;
}
