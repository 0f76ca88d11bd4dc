/* libFuzzer target: the timer wheel (coop/wheel.h) against a reference model.
 *
 * The input is a program of operations on a pool of timers: insert at a
 * distance (near, far, the longest wait, in the past, across the tick wrap),
 * cancel, advance by a step (small, large, or past half the range when the
 * wheel is empty), pop, next, and "advance to next" as the loop does. The
 * model keeps absolute 64-bit times, so it never wraps: a timer armed at
 * absolute time E expires in the first advance whose target reaches E, and
 * the timers of one advance pop in expiry order, FIFO among equal expiries
 * (wheel.h's promise); a timer inserted at or before now pops after those
 * already expired. Checked after every operation: what pops (order, expiry
 * field, never twice, never a cancelled one), coop_timer_armed of every timer,
 * and coop_wheel_next: now while something is expired, else no later than
 * the earliest deadline and after now, exact where wheel.h says it is exact,
 * and reaching the earliest timer takes a bounded number of next/advance hops.
 *
 * Built once per wheel geometry (-DCOOP_WHEEL_SLOT_BITS, -DCOOP_WHEEL_LEVELS,
 * -DCOOP_TICK_BITS): see mk/fuzz.mk. A failed check prints what differed and
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "coop/wheel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NT 16              /* timers in the pool */
#define RANGE ((uint64_t)1 << COOP_TICK_BITS)
#define HALF (RANGE / 2)
/* The farthest insert (config.h refuses wheels that would lap). */
#define MAX_DIST ((int64_t)COOP_TICK_MAX_WAIT)

enum { IDLE, ARMED, EXPIRED };

struct ref {
    int state;
    uint64_t expires;      /* absolute */
    uint64_t seq;          /* insertion order */
};

static coop_wheel_t w;
static coop_timer_t tm[NT];
static struct ref rf[NT];
static int queue[NT];      /* expected pop order of the expired timers */
static int nqueue;
static uint64_t now_abs;
static uint64_t seq;

static const uint8_t *in;
static size_t left;

static void fail(const char *what, long a, long b)
{
    fprintf(stderr, "wheel_fuzz: %s (%ld, %ld) at now %llu (tick %lu)\n", what, a, b,
            (unsigned long long)now_abs, (unsigned long)(coop_tick_t)now_abs);
    abort();
}

#define CHECK(cond, what, a, b) \
    do {                        \
        if (!(cond))            \
            fail((what), (long)(a), (long)(b)); \
    } while (0)

static unsigned byte(void)
{
    if (left == 0)
        return 0;
    left--;
    return *in++;
}

static uint32_t u16(void)
{
    uint32_t lo = byte();
    return lo | (uint32_t)byte() << 8;
}

static uint32_t u32(void)
{
    uint32_t lo = u16();
    return lo | u16() << 16;
}

static coop_tick_t tick(uint64_t abs_time)
{
    return (coop_tick_t)abs_time;
}

static void queue_remove(int i)
{
    int k, n = 0;
    for (k = 0; k < nqueue; k++)
        if (queue[k] != i)
            queue[n++] = queue[k];
    nqueue = n;
}

static int armed_count(void)
{
    int i, n = 0;
    for (i = 0; i < NT; i++)
        n += rf[i].state == ARMED;
    return n;
}

/* the armed timer that expires first (FIFO among equal ones), or -1 */
static int earliest(void)
{
    int i, best = -1;
    for (i = 0; i < NT; i++)
        if (rf[i].state == ARMED &&
            (best < 0 || rf[i].expires < rf[best].expires ||
             (rf[i].expires == rf[best].expires && rf[i].seq < rf[best].seq)))
            best = i;
    return best;
}

static void model_advance(uint64_t to)
{
    int i;
    while ((i = earliest()) >= 0 && rf[i].expires <= to) {
        rf[i].state = EXPIRED;
        queue[nqueue++] = i;
    }
    now_abs = to;
}

static void do_insert(int i, int64_t d)
{
    if (rf[i].state == EXPIRED)
        queue_remove(i);
    rf[i].expires = (uint64_t)((int64_t)now_abs + d);
    rf[i].seq = seq++;
    if (d <= 0) {
        rf[i].state = EXPIRED;
        queue[nqueue++] = i;
    } else {
        rf[i].state = ARMED;
    }
    coop_wheel_insert(&w, &tm[i], tick(rf[i].expires));
}

static void do_cancel(int i)
{
    if (rf[i].state == EXPIRED)
        queue_remove(i);
    rf[i].state = IDLE;
    coop_timer_cancel(&tm[i]);
}

static void do_advance(uint64_t step)
{
    if (armed_count() > 0 && step > COOP_TICK_MAX_WAIT)
        step = COOP_TICK_MAX_WAIT; /* the wheel's contract while armed */
    coop_wheel_advance(&w, tick(now_abs + step));
    model_advance(now_abs + step);
}

static void do_pop(void)
{
    coop_timer_t *t = coop_wheel_pop(&w);
    int i;
    if (nqueue == 0) {
        CHECK(t == NULL, "pop returned a timer, none expected", t ? (long)(t - tm) : -1, -1);
        return;
    }
    i = queue[0];
    CHECK(t != NULL, "pop returned NULL, expected timer", i, (long)rf[i].expires);
    CHECK(t == &tm[i], "pop returned another timer than expected (got, expected)", (long)(t - tm), i);
    CHECK(t->expires == tick(rf[i].expires), "popped timer's expiry field", t->expires,
          tick(rf[i].expires));
    CHECK(!coop_timer_armed(t), "popped timer still armed", i, 0);
    memmove(queue, queue + 1, (size_t)(nqueue - 1) * sizeof queue[0]);
    nqueue--;
    rf[i].state = IDLE;
}

/* coop_wheel_next against the model; returns its answer as an absolute time */
static bool check_next(uint64_t *when_abs)
{
    coop_tick_t when = 0;
    bool has = coop_wheel_next(&w, &when);
    int e = earliest();
    if (nqueue > 0) {
        CHECK(has, "next: false while timers are expired", nqueue, 0);
        CHECK(when == tick(now_abs), "next: not now while timers are expired", when, tick(now_abs));
        *when_abs = now_abs;
        return true;
    }
    if (e < 0) {
        CHECK(!has, "next: true with no timer armed", when, 0);
        return false;
    }
    {
        uint64_t d = (uint64_t)(coop_tick_t)(when - tick(now_abs));
        uint64_t want = rf[e].expires - now_abs;
        CHECK(has, "next: false with a timer armed", e, (long)want);
        CHECK(d > 0 && d <= want, "next: not in (now, earliest] (got, earliest) ticks ahead", (long)d,
              (long)want);
        if (armed_count() <= COOP_WHEEL_SCAN_MAX)
            CHECK(d == want, "next: not exact (got, earliest) ticks ahead", (long)d, (long)want);
        *when_abs = now_abs + d;
    }
    return true;
}

/* The loop's way: next, advance to it, until the earliest timer expires. */
static void do_hop(void)
{
    uint64_t when;
    int e = earliest();
    unsigned hops = 0, bound;
    if (nqueue > 0 || e < 0) {
        (void)check_next(&when);
        return;
    }
    bound = COOP_WHEEL_LEVELS + 2u;
    while (nqueue == 0) {
        CHECK(check_next(&when), "hop: next false with a timer armed", e, 0);
        CHECK(++hops <= bound, "hop: too many next/advance hops to reach the earliest timer", hops,
              bound);
        coop_wheel_advance(&w, tick(when));
        model_advance(when);
    }
    CHECK(now_abs == rf[queue[0]].expires, "hop: the first timer expired off its tick",
          (long)(now_abs - rf[queue[0]].expires), 0);
}

static void check_armed(void)
{
    int i;
    for (i = 0; i < NT; i++)
        CHECK(coop_timer_armed(&tm[i]) == (rf[i].state != IDLE), "coop_timer_armed differs (timer, model state)",
              i, rf[i].state);
}

/* A distance where an off-by-one would show: around each level's slot
 * width and span, and the farthest insert. */
static int64_t boundary(unsigned n)
{
    unsigned level = (n / 3u) % (COOP_WHEEL_LEVELS + 1u);
    int64_t d = (int64_t)1 << (COOP_WHEEL_SLOT_BITS * level);
    if (d > MAX_DIST || n >= 3u * (COOP_WHEEL_LEVELS + 1u))
        d = MAX_DIST;
    d += (int64_t)(n % 3u) - 1; /* -1, 0, +1 */
    if (d < 1)
        d = 1;
    return d > MAX_DIST ? MAX_DIST : d;
}

/* a distance for an insert, by class */
static int64_t distance(void)
{
    unsigned c = byte();
    switch (c & 7u) {
    case 0: return (c & 8u) ? boundary(c >> 4) : (int64_t)(c >> 4); /* at a boundary, or near */
    case 1: return (int64_t)(u16() & 0x3ffu);                       /* a few levels */
    case 2: return (int64_t)(u16() % MAX_DIST) + 1;                 /* anywhere */
    case 3: return MAX_DIST - (int64_t)(c >> 3);                    /* the longest waits */
    case 4: return -(int64_t)(c >> 3);                              /* now or past */
    case 5: return (int64_t)(u32() % MAX_DIST) + 1;                 /* anywhere */
    case 6: {                                                       /* to just after the wrap */
        uint64_t to_wrap = RANGE - (now_abs % RANGE);
        int64_t d = (int64_t)to_wrap + (int64_t)(c >> 3) - 16;
        return d > MAX_DIST ? (int64_t)(c >> 3) + 1 : d;
    }
    default: { /* the same tick as another timer (FIFO) */
        const struct ref *r = &rf[(c >> 3) % NT];
        if (r->state == ARMED)
            return (int64_t)(r->expires - now_abs);
        return 1;
    }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned ops = 0;
    in = data;
    left = size;
    memset(rf, 0, sizeof rf);
    nqueue = 0;
    seq = 0;
    {
        /* start: before the wrap (the interesting case), at 0, or anywhere */
        unsigned c = byte();
        uint64_t start;
        if (c < 128)
            start = RANGE - 1 - (u16() & 0xfffu);
        else if (c < 160)
            start = 0;
        else
            start = u32() % RANGE;
        now_abs = RANGE + start; /* so past times stay positive */
    }
    coop_wheel_init(&w, tick(now_abs));
    {
        int i;
        for (i = 0; i < NT; i++)
            coop_timer_init(&tm[i]);
    }
    while (left > 0 && ops++ < 2000) {
        unsigned op = byte();
        int i = (int)((op >> 4) % NT);
        uint64_t when;
        switch (op & 15u) {
        case 0: case 1: case 2: case 3:
            do_insert(i, distance());
            break;
        case 4:
            do_cancel(i);
            break;
        case 5: case 6:
            do_advance(byte());
            break;
        case 7:
            do_advance(u16());
            break;
        case 8: /* large: past half the range only when nothing is armed */
            do_advance(armed_count() > 0 ? u32() % (COOP_TICK_MAX_WAIT + 1ull)
                                         : u32() + ((uint64_t)(op >> 4) << 32));
            break;
        case 9: case 10:
            do_pop();
            break;
        case 11:
            (void)check_next(&when);
            break;
        case 12: case 13:
            do_hop();
            break;
        default:
            while (nqueue > 0)
                do_pop();
            do_pop();
            break;
        }
        check_armed();
    }
    /* the end: everything armed expires on its tick, in order */
    while (earliest() >= 0 || nqueue > 0) {
        do_hop();
        while (nqueue > 0)
            do_pop();
        check_armed();
    }
    do_pop();
    return 0;
}
