/* coop/time.h - the tick type and wrap-safe time arithmetic.
 *
 * A tick is one period of the port's clock (1 ms unless COOP_TICK_HZ says
 * otherwise). coop_tick_t wraps around: after 2^32 ticks (49.7 days at 1 kHz),
 * or 2^16 (65.5 s) with COOP_TICK_BITS 16. Never compare two ticks with < or >:
 * use coop_tick_after() and friends, which look at the signed difference and
 * are right as long as the two times are less than half the range apart.
 *
 *     coop_tick_t deadline = coop_tick_add(now, 250);
 *     if (coop_tick_reached(now, deadline)) ...
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TIME_H
#define COOP_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

#if COOP_TICK_BITS == 32
typedef uint32_t coop_tick_t;   /* a point in time, in ticks; wraps */
typedef int32_t coop_stick_t;   /* a signed difference of two ticks */
#define COOP_TICK_MAX_WAIT ((coop_tick_t)0x7fffffffUL)
#else
typedef uint16_t coop_tick_t;
typedef int16_t coop_stick_t;
#define COOP_TICK_MAX_WAIT ((coop_tick_t)0x7fffU)
#endif
/* COOP_TICK_MAX_WAIT: the longest single wait; longer sleeps are chained. */

#ifdef __cplusplus
extern "C" {
#endif

/* a - b as a signed number of ticks (positive when a is later). */
static inline coop_stick_t coop_tick_diff(coop_tick_t a, coop_tick_t b)
{
    return (coop_stick_t)(coop_tick_t)(a - b);
}

/* true when a is strictly later than b. */
static inline bool coop_tick_after(coop_tick_t a, coop_tick_t b)
{
    return coop_tick_diff(a, b) > 0;
}

/* true when now has reached (or passed) deadline. */
static inline bool coop_tick_reached(coop_tick_t now, coop_tick_t deadline)
{
    return coop_tick_diff(now, deadline) >= 0;
}

/* t + n ticks, wrapping. */
static inline coop_tick_t coop_tick_add(coop_tick_t t, uint32_t n)
{
    return (coop_tick_t)(t + (coop_tick_t)n);
}

/* Milliseconds to ticks, rounded up so that a sleep is never shorter than
 * asked. Above 1000 ticks a second, ms whose ticks do not fit 32 bits (at
 * COOP_TICK_HZ 1000000: over 4294967 ms, 71 minutes) assert, then give the
 * longest sleep there is (0xffffffff ticks). */
static inline uint32_t coop_ticks_from_ms(uint32_t ms)
{
#if COOP_TICK_HZ == 1000
    return ms;
#elif COOP_TICK_HZ < 1000
    return (ms / 1000u) * (uint32_t)COOP_TICK_HZ +
           ((ms % 1000u) * (uint32_t)COOP_TICK_HZ + 999u) / 1000u;
#else
    uint64_t t = (uint64_t)(ms / 1000u) * COOP_TICK_HZ +
                 ((uint64_t)(ms % 1000u) * COOP_TICK_HZ + 999u) / 1000u;
    COOP_PRIV_REFUSE(t > 0xffffffffu, 0xffffffffu,
                     "coop: a time in ms is too long for 32-bit ticks at this COOP_TICK_HZ "
                     "(at most 0xffffffff ticks; the longest is used)");
    return (uint32_t)t;
#endif
}

/* A length in ms or ticks as a macro receives it (AWAIT_SLEEP_MS(x),
 * AWAIT_FOR(rc, x, ...): any integer type): a negative one is 0 (asyncio:
 * no wait), one beyond 32 bits asserts and is the longest there is. With an
 * unsigned argument of 32 bits or less, the compiler drops both tests. */
static inline uint32_t coop_priv_length(long long v)
{
    if (v <= 0)
        return 0;
    COOP_PRIV_REFUSE(v > 0xffffffffLL, 0xffffffffu,
                     "coop: a sleep or timeout longer than 0xffffffff ms or ticks (the longest is used)");
    return (uint32_t)v;
}

/* For ports whose clock counts nanoseconds (host, Linux gpiod): the tick a
 * nanosecond time falls in, and the first nanosecond of tick t (rounded up,
 * so a sleep to it never ends inside the tick before). */
static inline uint64_t coop_ticks_from_ns(uint64_t ns)
{
    return ns / 1000000000u * COOP_TICK_HZ + ns % 1000000000u * COOP_TICK_HZ / 1000000000u;
}
static inline uint64_t coop_tick_start_ns(uint64_t t)
{
    return t / COOP_TICK_HZ * 1000000000u +
           (t % COOP_TICK_HZ * 1000000000u + COOP_TICK_HZ - 1) / COOP_TICK_HZ;
}

#ifdef __cplusplus
}
#endif

#endif /* COOP_TIME_H */
