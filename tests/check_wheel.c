/* Unit tests of the timer wheel (coop/wheel.h).
 *
 * The centre is a reference model: a plain array with, per timer, its state
 * (idle, armed, expired-not-popped), its expiry and the sequence number of
 * its last arming. A seeded LCG drives a million operations on a wheel and on
 * the model (insert, move, cancel, past deadline, advance, next, pop) across
 * many tick wraps; every pop is compared with the model's expected order:
 * by expiry, then FIFO by arming order (the wheel's documented contract).
 * coop_wheel_next is checked against the model too: never earlier than now,
 * never later than the earliest timer, and exactly the earliest expiry when
 * that timer's slot is in level 0 or holds at most COOP_WHEEL_SCAN_MAX
 * timers, else exactly the slot's start (the placement is recomputed from
 * the DESIGN comment, independently of wheel.h's code).
 * Targeted tests cover the tickless loop, a long sleep, and the edge cases,
 * each from several start ticks around the wrap.
 *
 * Everything is derived from COOP_TICK_BITS, COOP_WHEEL_SLOT_BITS and
 * COOP_WHEEL_LEVELS, so the file holds for any configuration it is built
 * with (config.h refuses wheels that do not cover the tick width). */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef WHEEL_STATS
#include <stdio.h>
#endif

#include "virtual.h"

/* ------------------------------------------------------------------ helpers */

#define TICK_BITS ((unsigned)(sizeof(coop_tick_t) * 8u))
#define TICK_MAX ((coop_tick_t)-1)
#define TICK_HALF ((coop_tick_t)(COOP_TICK_MAX_WAIT + 1u))
#define WB ((unsigned)COOP_WHEEL_SLOT_BITS)
#define WL ((unsigned)COOP_WHEEL_LEVELS)
#define WS (1u << WB)
/* COOP_WHEEL_LEVELS 0: the sorted list, whose coop_wheel_next is always exact */
#define LIST (COOP_WHEEL_LEVELS == 0)

/* A cheap failure check for hot loops: Check's ck_assert records a mark
 * point (a write to its pipe) on every success. */
#define REQUIRE(cond, ...)               \
    do {                                 \
        if (!(cond))                     \
            ck_abort_msg(__VA_ARGS__);   \
    } while (0)

/* 64-bit LCG (Knuth's MMIX constants); the high half is the output. */
typedef struct {
    uint64_t s;
} lcg_t;

static void lcg_seed(lcg_t *g, uint64_t seed)
{
    g->s = seed * 2862933555777941757ull + 3037000493ull;
}

static uint32_t lcg_next(lcg_t *g)
{
    g->s = g->s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(g->s >> 32);
}

/* Uniform in [0, n), n > 0. */
static uint32_t lcg_below(lcg_t *g, uint32_t n)
{
    return (uint32_t)(((uint64_t)lcg_next(g) * n) >> 32);
}

static coop_tick_t add(coop_tick_t t, uint32_t n)
{
    return (coop_tick_t)(t + (coop_tick_t)n);
}

static coop_tick_t sub(coop_tick_t t, uint32_t n)
{
    return (coop_tick_t)(t - (coop_tick_t)n);
}

/* Ticks from a to b going forward (b - a mod 2^N). */
static uint32_t fwd(coop_tick_t a, coop_tick_t b)
{
    return (uint32_t)(coop_tick_t)(b - a);
}

/* The start ticks every targeted test runs from. */
static coop_tick_t start_at(unsigned i)
{
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return TICK_MAX;                        /* one before the wrap */
    case 3: return (coop_tick_t)(TICK_MAX - 99u);
    case 4: return COOP_TICK_MAX_WAIT;
    case 5: return TICK_HALF;
    case 6: return (coop_tick_t)0x5a5a5a5aUL;       /* ragged low bits */
    case 7: return (coop_tick_t)(TICK_MAX - 250u);
    default: return (coop_tick_t)0xfffff000UL;      /* level-aligned */
    }
}
#define N_STARTS 9u

/* The spec's placement (DESIGN in wheel.h), computed independently: the
 * level of the highest B-bit group in which the expiry differs from now
 * (capped at the top level), and the slot numbered by that group. */
static unsigned spec_level(coop_tick_t expires, coop_tick_t now)
{
    uint32_t x = (uint32_t)(coop_tick_t)(expires ^ now);
    unsigned hb = 0, level;
    while (hb + 1u < 32u && (x >> (hb + 1u)) != 0u)
        hb++;
    level = hb / WB;
    if (LIST)
        return 0; /* every timer is "level 0": exact */
    return level + 1u < WL + 1u ? level : WL - 1u;
}

static unsigned spec_slot(coop_tick_t expires, unsigned level)
{
    return (unsigned)((uint32_t)expires >> (WB * level)) & (WS - 1u);
}

/* The start of the level-k slot holding `expires`: expires with its low
 * B*k bits cleared. */
static coop_tick_t spec_slot_start(coop_tick_t expires, unsigned level)
{
    uint32_t mask = (WB * level >= 32u) ? 0xffffffffu : ((1u << (WB * level)) - 1u);
    return (coop_tick_t)((uint32_t)expires & ~mask);
}

/* The horizon of random deadlines and steps: the longest wait. */
static uint32_t far_limit(void)
{
    return COOP_TICK_MAX_WAIT;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static void setup(void)
{
    coop_virtual_set(0);
    coop_virtual_on_assert = NULL;
}

static void teardown(void)
{
    coop_virtual_on_assert = NULL;
}

static coop_timer_t *pop(coop_wheel_t *w)
{
    return coop_wheel_pop(w);
}

/* ---------------------------------------------------------- reference model */

enum { ST_IDLE, ST_ARMED, ST_DUE };

#define NT 2048u                 /* timers in the model's pool */
#define POOL 4096u               /* timers for the bulk tests */
#define HEAP_CAP (8u * NT)
#define DUEQ_CAP (4u * NT)

struct mtimer {
    int state;
    coop_tick_t expires;
    uint32_t seq;               /* order of the last arming */
};

/* The model's priority index: armed timers by (expiry, seq). Entries whose
 * seq no longer matches the array (moved, cancelled) are stale and skipped.
 * Every entry expires within (now, now + COOP_TICK_MAX_WAIT], where the
 * wrap-safe comparison is a total order. */
struct hent {
    coop_tick_t expires;
    uint32_t seq;
    uint32_t idx;
};

/* The expected pop order: expired-not-popped timers, in order. */
struct qent {
    uint32_t idx;
    uint32_t seq;
};

static coop_wheel_t W;
static coop_timer_t tmr[POOL];
static struct mtimer md[NT];
static struct hent heap[HEAP_CAP];
static size_t heap_n;
static struct qent dueq[DUEQ_CAP];
static size_t due_head, due_tail;
static uint32_t gseq;
static unsigned n_armed, n_due;
static coop_tick_t mnow;

static void m_reset(coop_tick_t now)
{
    unsigned i;
    for (i = 0; i < POOL; i++)
        coop_timer_init(&tmr[i]);
    for (i = 0; i < NT; i++) {
        md[i].state = ST_IDLE;
        md[i].expires = 0;
        md[i].seq = 0;
    }
    heap_n = 0;
    due_head = due_tail = 0;
    gseq = 0;
    n_armed = n_due = 0;
    mnow = now;
    coop_wheel_init(&W, now);
}

static void m_set_state(uint32_t i, int st)
{
    if (md[i].state == ST_ARMED)
        n_armed--;
    else if (md[i].state == ST_DUE)
        n_due--;
    md[i].state = st;
    if (st == ST_ARMED)
        n_armed++;
    else if (st == ST_DUE)
        n_due++;
}

static int hent_less(const struct hent *a, const struct hent *b)
{
    coop_stick_t d = coop_tick_diff(a->expires, b->expires);
    return d < 0 || (d == 0 && a->seq < b->seq);
}

static int hent_valid(const struct hent *e)
{
    return md[e->idx].state == ST_ARMED && md[e->idx].seq == e->seq;
}

static void heap_down(size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        struct hent tmp;
        if (l < heap_n && hent_less(&heap[l], &heap[m]))
            m = l;
        if (r < heap_n && hent_less(&heap[r], &heap[m]))
            m = r;
        if (m == i)
            return;
        tmp = heap[i];
        heap[i] = heap[m];
        heap[m] = tmp;
        i = m;
    }
}

static void heap_pop_root(void)
{
    heap[0] = heap[--heap_n];
    heap_down(0);
}

/* Drop stale entries, then heapify what is left. */
static void heap_rebuild(void)
{
    size_t i, n = 0;
    for (i = 0; i < heap_n; i++)
        if (hent_valid(&heap[i]))
            heap[n++] = heap[i];
    heap_n = n;
    for (i = heap_n / 2; i-- > 0;)
        heap_down(i);
}

static void heap_push(uint32_t idx)
{
    size_t i;
    if (heap_n == HEAP_CAP)
        heap_rebuild();
    i = heap_n++;
    heap[i].expires = md[idx].expires;
    heap[i].seq = md[idx].seq;
    heap[i].idx = idx;
    while (i > 0 && hent_less(&heap[i], &heap[(i - 1) / 2])) {
        struct hent tmp = heap[i];
        heap[i] = heap[(i - 1) / 2];
        heap[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

/* The earliest armed timer's index, or -1. */
static long m_earliest(void)
{
    while (heap_n > 0 && !hent_valid(&heap[0]))
        heap_pop_root();
    return heap_n > 0 ? (long)heap[0].idx : -1;
}

/* Arm timer i on the wheel and in the model. */
static void m_insert(uint32_t i, coop_tick_t expires)
{
    coop_wheel_insert(&W, &tmr[i], expires);
    md[i].seq = ++gseq;
    md[i].expires = expires;
    if (coop_tick_diff(expires, mnow) <= 0) {
        /* due at the next pop, after what is already due */
        m_set_state(i, ST_DUE);
        dueq[due_tail].idx = i;
        dueq[due_tail].seq = md[i].seq;
        due_tail++;
    } else {
        m_set_state(i, ST_ARMED);
        heap_push(i);
    }
    REQUIRE(coop_timer_armed(&tmr[i]), "timer %u not armed after insert", i);
}

static void m_cancel(uint32_t i)
{
    coop_timer_cancel(&tmr[i]);
    m_set_state(i, ST_IDLE);
    REQUIRE(!coop_timer_armed(&tmr[i]), "timer %u armed after cancel", i);
}

/* Advance the wheel to `to`, the model first: every armed timer with
 * expires <= to, by expiry then arming order, becomes due. Returns how many.
 * A wheel with no armed timer jumps to `to`, however far. */
static unsigned m_advance(coop_tick_t to)
{
    unsigned n = 0;
    if (n_armed == 0) {
        heap_n = 0; /* only stale entries */
        mnow = to;
    } else if (coop_tick_diff(to, mnow) >= 0) {
        uint32_t span = fwd(mnow, to);
        while (heap_n > 0 && fwd(mnow, heap[0].expires) <= span) {
            struct hent e = heap[0];
            heap_pop_root();
            if (md[e.idx].state == ST_ARMED && md[e.idx].seq == e.seq) {
                m_set_state(e.idx, ST_DUE);
                dueq[due_tail].idx = e.idx;
                dueq[due_tail].seq = e.seq;
                due_tail++;
                n++;
            }
        }
        mnow = to;
    }
    coop_wheel_advance(&W, to);
    REQUIRE(W.now == mnow, "wheel now %lu, expected %lu", (unsigned long)W.now,
            (unsigned long)mnow);
    return n;
}

/* Pop one timer from the wheel and compare with the model. Returns 0 when
 * both are empty. */
static int m_pop_one(void)
{
    coop_timer_t *p = coop_wheel_pop(&W);
    struct qent *q;
    uint32_t i;
    while (due_head < due_tail && !(md[dueq[due_head].idx].state == ST_DUE &&
                                    md[dueq[due_head].idx].seq == dueq[due_head].seq))
        due_head++;
    if (due_head == due_tail) {
        REQUIRE(p == NULL, "popped timer %ld (expires %lu) at %lu, expected none",
                (long)(p - tmr), p ? (unsigned long)p->expires : 0ul, (unsigned long)mnow);
        REQUIRE(n_due == 0, "model: %u due", n_due);
        due_head = due_tail = 0;
        return 0;
    }
    q = &dueq[due_head++];
    REQUIRE(p != NULL, "popped nothing at %lu, expected timer %lu (expires %lu)",
            (unsigned long)mnow, (unsigned long)q->idx, (unsigned long)md[q->idx].expires);
    i = (uint32_t)(p - tmr);
    REQUIRE(i == q->idx,
            "at %lu popped timer %lu (expires %lu, seq %lu), expected %lu (expires %lu, seq %lu)",
            (unsigned long)mnow, (unsigned long)i, (unsigned long)md[i].expires,
            (unsigned long)md[i].seq, (unsigned long)q->idx,
            (unsigned long)md[q->idx].expires, (unsigned long)md[q->idx].seq);
    REQUIRE(!coop_timer_armed(p), "popped timer %lu still armed", (unsigned long)i);
    m_set_state(i, ST_IDLE);
    return 1;
}

static unsigned m_drain(void)
{
    unsigned n = 0;
    while (m_pop_one())
        n++;
    return n;
}

/* coop_wheel_next against the model and the spec. */
static void m_check_next(coop_tick_t *when_out, bool *has_out)
{
    coop_tick_t when = 0;
    bool has = coop_wheel_next(&W, &when);
    *has_out = has;
    *when_out = when;
    if (n_due > 0) {
        REQUIRE(has && when == mnow, "next with due timers: %d %lu, now %lu", (int)has,
                (unsigned long)when, (unsigned long)mnow);
    } else if (n_armed == 0) {
        REQUIRE(!has, "next on an empty wheel returned %lu", (unsigned long)when);
    } else {
        long e = m_earliest();
        coop_tick_t earliest;
        unsigned level;
        REQUIRE(has, "next: false with %u armed", n_armed);
        REQUIRE(e >= 0, "model: no earliest");
        earliest = md[e].expires;
        REQUIRE(fwd(mnow, when) >= 1 && fwd(mnow, when) <= fwd(mnow, earliest),
                "next %lu out of (now %lu, earliest %lu]", (unsigned long)when,
                (unsigned long)mnow, (unsigned long)earliest);
        level = spec_level(earliest, mnow);
        {
            unsigned slot = spec_slot(earliest, level), count = 0, i;
            coop_tick_t expect;
            for (i = 0; level > 0 && i < NT; i++) /* level 0: exact anyway */
                if (md[i].state == ST_ARMED && spec_level(md[i].expires, mnow) == level &&
                    spec_slot(md[i].expires, level) == slot)
                    count++;
            expect = (level == 0 || count <= COOP_WHEEL_SCAN_MAX)
                         ? earliest
                         : spec_slot_start(earliest, level);
            REQUIRE(when == expect,
                    "next %lu, expected %lu (now %lu, earliest %lu, level %u, %u in slot)",
                    (unsigned long)when, (unsigned long)expect, (unsigned long)mnow,
                    (unsigned long)earliest, level, count);
        }
    }
}

static void m_check_armed_all(void)
{
    unsigned i;
    for (i = 0; i < NT; i++)
        REQUIRE(coop_timer_armed(&tmr[i]) == (md[i].state != ST_IDLE),
                "timer %u: armed %d, model state %d", i, (int)coop_timer_armed(&tmr[i]),
                md[i].state);
}

/* A deadline ahead of now: mostly small, some up to the horizon. */
static uint32_t rand_delta(lcg_t *g)
{
    uint32_t far = far_limit();
    uint32_t r = lcg_below(g, 100);
    uint32_t d;
    if (r < 25)
        return 1 + lcg_below(g, min_u32(64, far));
    if (r < 45)
        return 1 + lcg_below(g, min_u32(4096, far));
    if (r < 90) {
        unsigned b = lcg_below(g, TICK_BITS); /* log-uniform */
        d = 1 + (lcg_next(g) & ((1u << b) - 1u));
        return d > far ? far : d;
    }
    if (r < 97)
        return far - lcg_below(g, min_u32(64, far));
    return far;
}

/* A deadline on or next to the start of a higher-level slot, where timers
 * cascade and expire on the very tick of the cascade. */
static coop_tick_t rand_boundary(lcg_t *g, coop_tick_t now)
{
    unsigned k = WL > 1 ? 1 + lcg_below(g, WL - 1) : 0;
    uint32_t j = 1 + lcg_below(g, WS);
    uint32_t shift = WB * k;
    coop_tick_t e = (coop_tick_t)((((uint32_t)now >> shift) + j) << shift);
    e = (coop_tick_t)(e + (coop_tick_t)lcg_below(g, 3) - 1);
    if (fwd(now, e) < 1 || fwd(now, e) > far_limit())
        e = add(now, 1 + lcg_below(g, min_u32(64, far_limit())));
    return e;
}

/* An armed timer if a few random picks find one, else any timer. */
static uint32_t pick_armed(lcg_t *g)
{
    uint32_t i = lcg_below(g, NT);
    int tries;
    for (tries = 0; tries < 8 && md[i].state != ST_ARMED; tries++)
        i = lcg_below(g, NT);
    return i;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* An advance: often 0 or 1 tick, mostly small (scaled to the horizon, so
 * that far timers live for hundreds of operations), rarely (1 in 2000) as
 * far as the horizon, which expires nearly everything and, with 32-bit
 * ticks, crosses the wrap every few times. */
static uint32_t rand_step(lcg_t *g)
{
    uint32_t far = far_limit();
    uint32_t small = clamp_u32(far / 512u, 1, 63), mid = clamp_u32(far / 512u, 1, 4096);
    uint32_t r = lcg_below(g, 2000);
    if (r < 200)
        return 0;
    if (r < 600)
        return 1;
    if (r < 1200)
        return 2 + lcg_below(g, small);
    if (r < 1999)
        return 1 + lcg_below(g, mid);
    return 1 + lcg_below(g, far);
}

#define MODEL_OPS 1000000u

START_TEST(test_model_random)
{
    lcg_t g;
    uint32_t op;
    unsigned long wraps = 0, expiries = 0, next_checks = 0, nexts_exact = 0, jumps = 0;
    unsigned max_armed = 0;
    unsigned long armed_sum = 0;

    lcg_seed(&g, 0xc00f);
    m_reset(sub(0, 3000u)); /* a little before the wrap */
    for (op = 0; op < MODEL_OPS; op++) {
        uint32_t r = lcg_below(&g, 1000), i;
        coop_tick_t before = mnow;
        if (due_tail > DUEQ_CAP - NT - 2)
            expiries += m_drain();
        if (r < 370) { /* insert (or move) any timer */
            i = lcg_below(&g, NT);
            m_insert(i, add(mnow, rand_delta(&g)));
        } else if (r < 390) { /* move an armed timer */
            i = pick_armed(&g);
            m_insert(i, add(mnow, rand_delta(&g)));
        } else if (r < 420) { /* on a slot boundary */
            i = lcg_below(&g, NT);
            m_insert(i, rand_boundary(&g, mnow));
        } else if (r < 530) { /* cancel any timer (maybe idle or due) */
            m_cancel(lcg_below(&g, NT));
        } else if (r < 540) { /* cancel an armed timer */
            m_cancel(pick_armed(&g));
        } else if (r < 570) { /* a deadline at or before now */
            i = lcg_below(&g, NT);
            m_insert(i, sub(mnow, lcg_below(&g, 4) ? lcg_below(&g, 8)
                                                    : lcg_below(&g, COOP_TICK_MAX_WAIT + 1u)));
        } else if (r < 610) { /* pop one */
            expiries += (unsigned long)m_pop_one();
        } else if (r < 660) { /* next, then maybe advance to it or just before */
            coop_tick_t when;
            bool has;
            m_check_next(&when, &has);
            next_checks++;
            if (has && n_due == 0) {
                uint32_t a = lcg_below(&g, 3);
                if (a == 0) {
                    REQUIRE(m_advance(sub(when, 1)) == 0, "advance to next-1 expired timers");
                } else if (a == 1) {
                    long e = m_earliest();
                    if (e >= 0 && md[e].expires == when)
                        nexts_exact++;
                    m_advance(when);
                    expiries += m_drain();
                }
            }
        } else if (n_armed == 0 && lcg_below(&g, 2)) { /* empty: jump anywhere */
            m_advance(add(mnow, lcg_next(&g)));
            jumps++;
        } else { /* advance, then usually pop everything */
            m_advance(add(mnow, rand_step(&g)));
            if (lcg_below(&g, 8) != 0)
                expiries += m_drain();
        }
        if (mnow < before && fwd(before, mnow) <= COOP_TICK_MAX_WAIT)
            wraps++;
        if ((op & 1023u) == 0)
            m_check_armed_all();
        if (n_armed > max_armed)
            max_armed = n_armed;
        armed_sum += n_armed;
    }
    expiries += m_drain();
    m_check_armed_all();
#ifdef WHEEL_STATS
    fprintf(stderr, "wraps %lu expiries %lu max_armed %u avg_armed %lu nexts %lu exact %lu "
            "jumps %lu\n", wraps, expiries, max_armed, armed_sum / MODEL_OPS, next_checks,
            nexts_exact, jumps);
#endif
    /* the run covered what it claims to cover */
    ck_assert_uint_ge(wraps, TICK_BITS == 16 ? 100u : 10u);
    ck_assert_uint_ge(expiries, MODEL_OPS / 10u);
    ck_assert_uint_ge(max_armed, 150u);
    ck_assert_uint_ge(armed_sum / MODEL_OPS, 80u);
    ck_assert_uint_ge(next_checks, MODEL_OPS / 50u);
    ck_assert_uint_ge(nexts_exact, 100u);
}
END_TEST

/* ------------------------------------------------------------ targeted tests */

/* Checks for the targeted tests, which loop over start ticks: a failure
 * names the start tick (and is cheap: see REQUIRE). */
static coop_tick_t g_start;

#define CHECK(cond) REQUIRE(cond, "start %lu: '%s' failed", (unsigned long)g_start, #cond)

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        unsigned long a_ = (unsigned long)(a), b_ = (unsigned long)(b);                 \
        REQUIRE(a_ == b_, "start %lu: %s == %lu, expected %s == %lu",                   \
                (unsigned long)g_start, #a, a_, #b, b_);                                \
    } while (0)

/* pointers into the pool print as indices */
#define CHECK_PTR(a, b)                                                                 \
    do {                                                                                \
        const coop_timer_t *a_ = (a), *b_ = (b);                                        \
        REQUIRE(a_ == b_, "start %lu: %s is timer %ld, expected %s, timer %ld",         \
                (unsigned long)g_start, #a, tidx(a_), #b, tidx(b_));                    \
    } while (0)

/* A timer's index in the pool, -1 for NULL or a timer outside it. */
static long tidx(const coop_timer_t *p)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)tmr;
    if (p == NULL || a < b || a >= b + sizeof tmr)
        return -1;
    return (long)((a - b) / sizeof tmr[0]);
}

static void for_each_start(void (*fn)(unsigned si))
{
    unsigned i;
    for (i = 0; i < N_STARTS; i++) {
        g_start = start_at(i);
        fn(i);
    }
}

/* The expiries of a set of timers, sorted as the wheel must pop them. */
struct exp_ent {
    coop_tick_t rel;  /* expires - now at arming */
    uint32_t idx;     /* arming order */
};

static int exp_cmp(const void *a, const void *b)
{
    const struct exp_ent *x = (const struct exp_ent *)a;
    const struct exp_ent *y = (const struct exp_ent *)b;
    if (x->rel != y->rel)
        return x->rel < y->rel ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx ? 1 : 0);
}

#define NSPREAD 3000u
static struct exp_ent spread[NSPREAD];

/* Arm NSPREAD pool timers over the whole range (clusters on equal ticks),
 * in index order; fill `spread` in expected pop order. */
static void arm_spread(lcg_t *g, coop_tick_t now)
{
    uint32_t i;
    for (i = 0; i < NSPREAD; i++) {
        uint32_t d;
        if (i > 0 && lcg_below(g, 8) == 0)
            d = spread[lcg_below(g, i)].rel; /* same tick as an earlier one */
        else if (lcg_below(g, 2))
            d = 1 + lcg_below(g, far_limit());
        else
            d = rand_delta(g);
        coop_wheel_insert(&W, &tmr[i], add(now, d));
        spread[i].rel = (coop_tick_t)d;
        spread[i].idx = i;
    }
    qsort(spread, NSPREAD, sizeof spread[0], exp_cmp);
}

/* Drive the wheel only with next/advance: every timer expires exactly on its
 * tick, in order, and the loop makes at most timers x L + L wake-ups. */
static void tickless_loop_exact(unsigned si)
{
    lcg_t g;
    coop_tick_t start = start_at(si), when;
    uint32_t k = 0, wakeups = 0;

    lcg_seed(&g, 77 + (uint64_t)si);
    m_reset(start);
    arm_spread(&g, start);
    while (coop_wheel_next(&W, &when)) {
        coop_timer_t *p;
        REQUIRE(k < NSPREAD, "start %lu: next true with all timers popped",
                (unsigned long)g_start);
        REQUIRE(fwd(start, when) >= fwd(start, W.now) && when != W.now,
                "start %lu: next %lu not after now %lu", (unsigned long)g_start,
                (unsigned long)when, (unsigned long)W.now);
        REQUIRE(fwd(start, when) <= spread[k].rel,
                "start %lu: next %lu later than the earliest timer %lu", (unsigned long)g_start,
                (unsigned long)when, (unsigned long)add(start, spread[k].rel));
        coop_wheel_advance(&W, when);
        REQUIRE(W.now == when, "start %lu: now %lu after advancing to %lu",
                (unsigned long)g_start, (unsigned long)W.now, (unsigned long)when);
        wakeups++;
        while ((p = pop(&W)) != NULL) {
            uint32_t i = (uint32_t)(p - tmr);
            REQUIRE(k < NSPREAD, "start %lu: too many pops", (unsigned long)g_start);
            REQUIRE(i == spread[k].idx, "start %lu: pop #%lu: timer %lu, expected %lu",
                    (unsigned long)g_start, (unsigned long)k, (unsigned long)i,
                    (unsigned long)spread[k].idx);
            REQUIRE(W.now == p->expires, "start %lu: timer %lu expired at %lu, its tick is %lu",
                    (unsigned long)g_start, (unsigned long)i, (unsigned long)W.now,
                    (unsigned long)p->expires);
            k++;
        }
    }
    CHECK_EQ(k, NSPREAD);
    CHECK_PTR(pop(&W), NULL);
    if (!LIST)
        CHECK(wakeups <= NSPREAD * WL + WL);
}

/* After a long sleep, one advance expires everything, in order. */
static void long_sleep(unsigned si)
{
    lcg_t g;
    coop_tick_t start = start_at(si), end = add(start, COOP_TICK_MAX_WAIT), when;
    uint32_t k, mid = NSPREAD / 3;
    coop_timer_t *p;

    lcg_seed(&g, 1234 + (uint64_t)si);
    m_reset(start);
    arm_spread(&g, start);
    /* half of the starts sleep in two steps */
    if (si % 2) {
        coop_wheel_advance(&W, add(start, spread[mid].rel - 1u));
        for (k = 0; k < NSPREAD && spread[k].rel < spread[mid].rel; k++) {
            p = pop(&W);
            REQUIRE(p != NULL, "start %lu: pop #%lu: none", (unsigned long)g_start,
                    (unsigned long)k);
            REQUIRE((uint32_t)(p - tmr) == spread[k].idx,
                    "start %lu: pop #%lu: timer %lu, expected %lu", (unsigned long)g_start,
                    (unsigned long)k, (unsigned long)(p - tmr), (unsigned long)spread[k].idx);
        }
        CHECK_PTR(pop(&W), NULL);
    } else {
        k = 0;
    }
    coop_wheel_advance(&W, end);
    CHECK_EQ(W.now, end);
    for (; k < NSPREAD; k++) {
        p = pop(&W);
        REQUIRE(p != NULL, "start %lu: pop #%lu: none", (unsigned long)g_start, (unsigned long)k);
        REQUIRE((uint32_t)(p - tmr) == spread[k].idx,
                "start %lu: pop #%lu: timer %lu, expected %lu", (unsigned long)g_start,
                (unsigned long)k, (unsigned long)(p - tmr), (unsigned long)spread[k].idx);
        REQUIRE(!coop_timer_armed(p), "start %lu: popped timer armed", (unsigned long)g_start);
    }
    CHECK_PTR(pop(&W), NULL);
    CHECK(!coop_wheel_next(&W, &when));
}

static void init_at_start(unsigned si)
{
    coop_tick_t start = start_at(si), when = 0;
    coop_wheel_t w;
    coop_timer_t t;

    coop_timer_init(&t);
    coop_wheel_init(&w, start);
    CHECK_EQ(w.now, start);
    CHECK(!coop_wheel_next(&w, &when));
    CHECK_PTR(coop_wheel_pop(&w), NULL);
    coop_wheel_advance(&w, start); /* zero step */
    CHECK_EQ(w.now, start);
    coop_wheel_advance(&w, add(start, 1000));
    CHECK_EQ(w.now, add(start, 1000));
    CHECK(!coop_wheel_next(&w, &when));
    CHECK_PTR(coop_wheel_pop(&w), NULL);

    /* the next tick: level 0, exact in every configuration */
    coop_wheel_insert(&w, &t, add(w.now, 1));
    CHECK(coop_timer_armed(&t));
    CHECK(coop_wheel_next(&w, &when));
    CHECK_EQ(when, add(start, 1001));
    coop_wheel_advance(&w, add(start, 1000)); /* not yet */
    CHECK_PTR(coop_wheel_pop(&w), NULL);
    coop_wheel_advance(&w, add(start, 1001));
    CHECK_PTR(coop_wheel_pop(&w), &t);
    CHECK(!coop_timer_armed(&t));
    CHECK_PTR(coop_wheel_pop(&w), NULL);
    CHECK(!coop_wheel_next(&w, &when));
}

static void cancel_never_armed(unsigned si)
{
    coop_wheel_t w;
    coop_timer_t zeroed, inited, other;
    coop_tick_t start = start_at(si), when;

    memset(&zeroed, 0, sizeof zeroed);
    memset(&inited, 0xa5, sizeof inited);
    coop_timer_init(&inited);
    coop_timer_init(&other);
    CHECK(!coop_timer_armed(&zeroed));
    CHECK(!coop_timer_armed(&inited));
    coop_timer_cancel(&zeroed);
    coop_timer_cancel(&inited);
    CHECK(!coop_timer_armed(&zeroed));
    CHECK(!coop_timer_armed(&inited));

    coop_wheel_init(&w, start);
    coop_wheel_insert(&w, &other, add(start, 5));
    coop_timer_cancel(&zeroed); /* leaves the wheel alone */
    coop_timer_cancel(&inited);
    CHECK(coop_timer_armed(&other));
    CHECK(coop_wheel_next(&w, &when));
    CHECK(fwd(start, when) >= 1 && fwd(start, when) <= 5);
    coop_wheel_advance(&w, add(start, 5));
    CHECK_PTR(coop_wheel_pop(&w), &other);
    CHECK_PTR(coop_wheel_pop(&w), NULL);

    /* cancel twice, and cancel after the pop: no-ops */
    coop_wheel_insert(&w, &other, add(w.now, 7));
    coop_timer_cancel(&other);
    coop_timer_cancel(&other);
    CHECK(!coop_timer_armed(&other));
    CHECK(!coop_wheel_next(&w, &when));
    coop_wheel_advance(&w, add(w.now, 100));
    CHECK_PTR(coop_wheel_pop(&w), NULL);
    coop_wheel_insert(&w, &other, add(w.now, 1));
    coop_wheel_advance(&w, add(w.now, 1));
    CHECK_PTR(coop_wheel_pop(&w), &other);
    coop_timer_cancel(&other);
    CHECK(!coop_timer_armed(&other));
    CHECK_PTR(coop_wheel_pop(&w), NULL);
}

/* Expired timers not yet popped can be cancelled: first, middle, last. */
static void cancel_expired_not_popped(unsigned si)
{
    coop_tick_t start = start_at(si), when;
    coop_tick_t tick = add(start, 300);
    unsigned i;

    m_reset(start);
    for (i = 0; i < 6; i++)
        coop_wheel_insert(&W, &tmr[i], tick);
    coop_wheel_insert(&W, &tmr[6], add(start, 299)); /* expires first */
    coop_wheel_insert(&W, &tmr[7], add(start, 301)); /* stays armed */
    coop_wheel_advance(&W, tick);
    /* expired list: 6 0 1 2 3 4 5 */
    coop_timer_cancel(&tmr[6]); /* first */
    coop_timer_cancel(&tmr[2]); /* middle */
    coop_timer_cancel(&tmr[5]); /* last */
    CHECK(!coop_timer_armed(&tmr[6]));
    CHECK(!coop_timer_armed(&tmr[2]));
    CHECK(!coop_timer_armed(&tmr[5]));
    CHECK(coop_timer_armed(&tmr[0]));
    CHECK(coop_wheel_next(&W, &when)); /* due timers: now */
    CHECK_EQ(when, tick);
    CHECK_PTR(pop(&W), &tmr[0]);
    CHECK_PTR(pop(&W), &tmr[1]);
    coop_timer_cancel(&tmr[4]); /* between pops */
    CHECK_PTR(pop(&W), &tmr[3]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(coop_timer_armed(&tmr[7]));
    /* cancel everything left: empty */
    coop_timer_cancel(&tmr[7]);
    CHECK(!coop_wheel_next(&W, &when));
    coop_wheel_advance(&W, add(tick, 5000));
    CHECK_PTR(pop(&W), NULL);
}

/* Re-inserting an expired, not popped timer moves it out of the expired
 * list (to the wheel, or to the end of the list for a past deadline). */
static void reinsert_expired_not_popped(unsigned si)
{
    coop_tick_t start = start_at(si), when;
    coop_tick_t tick = add(start, 3);

    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], tick);
    coop_wheel_insert(&W, &tmr[1], tick);
    coop_wheel_insert(&W, &tmr[2], tick);
    coop_wheel_advance(&W, tick);
    coop_wheel_insert(&W, &tmr[0], add(tick, 7)); /* back to the wheel */
    coop_wheel_insert(&W, &tmr[1], tick);         /* "now": to the end */
    CHECK(coop_timer_armed(&tmr[0]));
    CHECK_PTR(pop(&W), &tmr[2]);
    CHECK_PTR(pop(&W), &tmr[1]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(coop_timer_armed(&tmr[0]));
    CHECK(coop_wheel_next(&W, &when));
    CHECK(fwd(tick, when) >= 1 && fwd(tick, when) <= 7);
    coop_wheel_advance(&W, add(tick, 6));
    CHECK_PTR(pop(&W), NULL);
    coop_wheel_advance(&W, add(tick, 7));
    CHECK_PTR(pop(&W), &tmr[0]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(!coop_wheel_next(&W, &when));
}

/* Deadlines at or before now expire at the next pop, in arming order, ahead
 * of what the next advance expires; no advance needed. */
static void past_deadlines(unsigned si)
{
    coop_tick_t start = start_at(si), when;

    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], add(start, 1)); /* future */
    coop_wheel_insert(&W, &tmr[1], start);
    coop_wheel_insert(&W, &tmr[2], sub(start, 1));
    coop_wheel_insert(&W, &tmr[3], sub(start, COOP_TICK_MAX_WAIT));
    coop_wheel_insert(&W, &tmr[4], sub(start, 1000));
    CHECK(coop_timer_armed(&tmr[3]));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, start);
    CHECK_PTR(pop(&W), &tmr[1]);
    CHECK_PTR(pop(&W), &tmr[2]);
    coop_wheel_insert(&W, &tmr[5], start);
    coop_wheel_advance(&W, add(start, 1)); /* without popping the rest */
    CHECK_PTR(pop(&W), &tmr[3]);
    CHECK_PTR(pop(&W), &tmr[4]);
    CHECK_PTR(pop(&W), &tmr[5]);
    CHECK_PTR(pop(&W), &tmr[0]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(!coop_wheel_next(&W, &when));
}

/* Timers on one tick pop in arming order, whatever level each was armed in
 * and however many times it cascaded; re-arming moves a timer to the end. */
static void same_tick_fifo(unsigned si)
{
    coop_tick_t start = start_at(si), when;
    uint32_t far = COOP_TICK_MAX_WAIT < 30000u ? COOP_TICK_MAX_WAIT : 30000u;
    coop_tick_t tick = add(start, far);
    unsigned i, n = 24;
    int tickless = (si % 2) != 0;

    m_reset(start);
    coop_wheel_insert(&W, &tmr[n], sub(tick, 1));
    coop_wheel_insert(&W, &tmr[n + 1], add(tick, 1));
    for (i = 0; i < n; i++) {
        coop_wheel_insert(&W, &tmr[i], tick);
        /* ever closer to the tick: each arming lands a level lower or so */
        coop_wheel_advance(&W, sub(tick, (uint32_t)(far >> (i + 1)) + 2u));
        CHECK_PTR(pop(&W), NULL);
    }
    CHECK_EQ(W.now, sub(tick, 2));
    coop_wheel_insert(&W, &tmr[3], tick); /* moves to the end */
    if (tickless) {
        while (coop_wheel_next(&W, &when) && when != tick) {
            coop_wheel_advance(&W, when);
            if (when == sub(tick, 1))
                CHECK_PTR(pop(&W), &tmr[n]);
            REQUIRE(pop(&W) == NULL, "start %lu: a timer expired at %lu", (unsigned long)g_start,
                    (unsigned long)when);
        }
        CHECK_EQ(when, tick);
        CHECK(!coop_timer_armed(&tmr[n]));
    } else {
        coop_wheel_advance(&W, add(tick, 1));
        CHECK_PTR(pop(&W), &tmr[n]);
    }
    if (tickless)
        coop_wheel_advance(&W, tick);
    for (i = 0; i < n; i++)
        if (i != 3) {
            coop_timer_t *p = pop(&W);
            CHECK_PTR(p, &tmr[i]);
        }
    CHECK_PTR(pop(&W), &tmr[3]);
    if (!tickless)
        CHECK_PTR(pop(&W), &tmr[n + 1]);
    CHECK_PTR(pop(&W), NULL);
}

/* A timer exactly COOP_TICK_MAX_WAIT ahead fires on its tick. */
static void max_wait(unsigned si)
{
    coop_tick_t start = start_at(si), when;
    coop_tick_t last = add(start, COOP_TICK_MAX_WAIT);

    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], last);
    coop_wheel_insert(&W, &tmr[1], sub(last, 1));
    coop_wheel_insert(&W, &tmr[2], add(start, 1));
    coop_wheel_advance(&W, sub(last, 2));
    CHECK_PTR(pop(&W), &tmr[2]);
    CHECK_PTR(pop(&W), NULL);
    coop_wheel_advance(&W, sub(last, 1));
    CHECK_PTR(pop(&W), &tmr[1]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, last);
    coop_wheel_advance(&W, last);
    CHECK_PTR(pop(&W), &tmr[0]);
    CHECK_PTR(pop(&W), NULL);

    /* tickless, from a fresh wheel: exactly on the tick */
    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], last);
    while (coop_wheel_next(&W, &when)) {
        coop_timer_t *p;
        coop_wheel_advance(&W, when);
        p = pop(&W);
        if (p != NULL) {
            CHECK_PTR(p, &tmr[0]);
            CHECK_EQ(W.now, last);
        }
    }
    CHECK_EQ(W.now, last);
    CHECK(!coop_timer_armed(&tmr[0]));

    /* and armed as the wheel's own time moved in between */
    m_reset(start);
    coop_wheel_advance(&W, add(start, 12345u % COOP_TICK_MAX_WAIT));
    coop_wheel_insert(&W, &tmr[0], add(W.now, COOP_TICK_MAX_WAIT));
    coop_wheel_advance(&W, add(W.now, COOP_TICK_MAX_WAIT - 1u));
    CHECK_PTR(pop(&W), NULL);
    coop_wheel_advance(&W, add(W.now, 1));
    CHECK_PTR(pop(&W), &tmr[0]);
}

/* A wheel with no armed timer jumps to the target of an advance, however
 * far (more than half the tick range): empty from the start, emptied by
 * cancels (stale occupancy bits), or with only expired timers left. */
static void empty_jump(unsigned si)
{
    coop_tick_t start = start_at(si), to, when;
    uint32_t far = (uint32_t)TICK_HALF + (uint32_t)TICK_HALF / 2u; /* 3/4 of the range */

    m_reset(start);
    to = add(start, far);
    coop_wheel_advance(&W, to);
    CHECK_EQ(W.now, to);
    coop_wheel_insert(&W, &tmr[0], add(to, 5));
    coop_wheel_advance(&W, add(to, 4));
    CHECK_PTR(pop(&W), NULL);
    coop_wheel_advance(&W, add(to, 5));
    CHECK_PTR(pop(&W), &tmr[0]);

    /* emptied by cancels: the occupancy bits are stale */
    coop_wheel_insert(&W, &tmr[1], add(W.now, 1000));
    coop_wheel_insert(&W, &tmr[2], add(W.now, 3));
    coop_wheel_insert(&W, &tmr[3], add(W.now, COOP_TICK_MAX_WAIT));
    coop_timer_cancel(&tmr[1]);
    coop_timer_cancel(&tmr[2]);
    coop_timer_cancel(&tmr[3]);
    to = add(W.now, far);
    coop_wheel_advance(&W, to);
    CHECK_EQ(W.now, to);
    CHECK(!coop_wheel_next(&W, &when));
    coop_wheel_insert(&W, &tmr[1], add(to, 1));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(to, 1));
    coop_wheel_advance(&W, add(to, 1));
    CHECK_PTR(pop(&W), &tmr[1]);

    /* only an expired, not popped timer: it stays, and pops */
    coop_wheel_insert(&W, &tmr[2], W.now);
    to = add(W.now, far);
    coop_wheel_advance(&W, to);
    CHECK_EQ(W.now, to);
    CHECK_PTR(pop(&W), &tmr[2]);
    CHECK_PTR(pop(&W), NULL);

    /* timers expire on the way, then the emptied wheel jumps the rest */
    coop_wheel_insert(&W, &tmr[4], add(W.now, 10));
    to = add(W.now, 20);
    coop_wheel_advance(&W, to);
    CHECK_EQ(W.now, to);
    CHECK_PTR(pop(&W), &tmr[4]);
}

/* coop_wheel_next's exactness: exact for a timer in level 0 or in a slot
 * with at most COOP_WHEEL_SCAN_MAX timers, else the slot's start; never later
 * than the earliest timer. (The header says "among the first SCAN_MAX of its
 * slot"; the code, and this test, count the whole slot.) */
static void next_exact(unsigned si)
{
    coop_tick_t start = start_at(si), when, e, now;
    unsigned level, i;

    /* a single timer 250 ticks ahead */
    m_reset(start);
    e = add(start, 250);
    coop_wheel_insert(&W, &tmr[0], e);
    CHECK(coop_wheel_next(&W, &when));
    level = spec_level(e, start);
    (void)level;
    CHECK_EQ(when, e);
#if COOP_WHEEL_SLOT_BITS == 6 && COOP_WHEEL_LEVELS == (COOP_TICK_BITS + 5) / 6
    CHECK_EQ(when, e); /* the default configuration */
#endif
    coop_wheel_advance(&W, sub(when, 1));
    CHECK_PTR(pop(&W), NULL);

    /* COOP_WHEEL_SCAN_MAX, then one more, in one level-1 slot: the earliest
     * armed last. now's groups 0 and 1 are 0; the slot is group 1 = S-1. */
    if (WL < 2)
        return;
    now = (coop_tick_t)((uint32_t)start & ~((1u << (2 * WB)) - 1u));
    e = add(now, (WS - 1u) * WS + 1u);
    for (i = 0; i <= COOP_WHEEL_SCAN_MAX; i++) {
        coop_tick_t slot_start = (coop_tick_t)(e - 1u);
        unsigned k;
        m_reset(now);
        for (k = 0; k < i; k++)
            coop_wheel_insert(&W, &tmr[k], add(e, (WS > 2 ? 1u + k % (WS - 2u) : 0u)));
        coop_wheel_insert(&W, &tmr[i], e);
        level = spec_level(e, now);
        CHECK_EQ(level, 1);
        CHECK(coop_wheel_next(&W, &when));
        CHECK_EQ(when, i + 1u <= COOP_WHEEL_SCAN_MAX ? e : slot_start);
        coop_wheel_advance(&W, sub(when, 1));
        CHECK_PTR(pop(&W), NULL);
        coop_wheel_advance(&W, when);
        if (when == e) /* with 2 slots, all the timers are on e */
            CHECK_PTR(pop(&W), WS > 2 ? &tmr[i] : &tmr[0]);
        else
            CHECK_PTR(pop(&W), NULL);
    }
}

/* Advance one tick at a time from now to e: nothing pops before e, then t
 * (NULL: nothing) pops at e. */
static void step_to(coop_tick_t e, const coop_timer_t *t)
{
    while (W.now != e) {
        coop_wheel_advance(&W, add(W.now, 1));
        if (W.now != e)
            REQUIRE(pop(&W) == NULL, "start %lu: a timer popped at %lu, before %lu",
                    (unsigned long)g_start, (unsigned long)W.now, (unsigned long)e);
    }
    CHECK_PTR(pop(&W), t);
}

/* The wheel caches the tick of its earliest work (DESIGN): an advance that
 * stops short of it is a compare and a store. Each way the cache could go
 * stale: an insert earlier than the cached tick, the cached timer cancelled,
 * an advance past several slots at once, an empty wheel carried across
 * wraps (its cache then lags behind now), each timer checked to pop on its
 * exact tick, advancing one tick at a time. */
static void due_cache(unsigned si)
{
    coop_tick_t start = start_at(si), when;
    const uint32_t far = min_u32(COOP_TICK_MAX_WAIT, 20000u);
    unsigned i;

    /* an insert earlier than the cached earliest: a lower level, then the
     * same or a lower level, after advances that stopped short */
    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], add(start, far));
    CHECK(coop_wheel_next(&W, &when));
    CHECK(fwd(start, when) <= far && when != start);
    coop_wheel_advance(&W, add(start, 1));
    CHECK_PTR(pop(&W), NULL);
    coop_wheel_insert(&W, &tmr[1], add(start, 4));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(start, 4));
    step_to(add(start, 4), &tmr[1]);
    coop_wheel_insert(&W, &tmr[2], add(start, far / 2u + 1u));
    coop_wheel_insert(&W, &tmr[3], add(start, far / 4u));
    step_to(add(start, far / 4u), &tmr[3]);
    step_to(add(start, far / 2u + 1u), &tmr[2]);
    step_to(add(start, far), &tmr[0]);
    CHECK(!coop_wheel_next(&W, &when));

    /* the earliest timer cancelled: next and advance find the next one */
    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], add(start, 100));
    coop_wheel_insert(&W, &tmr[1], add(start, far));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(start, 100));
    coop_timer_cancel(&tmr[0]);
    CHECK(coop_wheel_next(&W, &when));
    CHECK(when != add(start, 100) && fwd(start, when) <= far);
    coop_wheel_insert(&W, &tmr[2], add(start, 200));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(start, 200));
    step_to(add(start, 200), &tmr[2]);
    coop_wheel_insert(&W, &tmr[3], add(start, 300));
    coop_timer_cancel(&tmr[3]);
    step_to(add(start, 400), NULL);
    coop_timer_cancel(&tmr[1]);
    CHECK(!coop_wheel_next(&W, &when));
    coop_wheel_advance(&W, add(start, far + 1u));
    CHECK_PTR(pop(&W), NULL);
    CHECK_EQ(W.now, add(start, far + 1u));

    /* advance short of the earliest, then past several at once */
    m_reset(start);
    coop_wheel_insert(&W, &tmr[0], add(start, 100));
    coop_wheel_insert(&W, &tmr[1], add(start, 101));
    coop_wheel_insert(&W, &tmr[2], add(start, far));
    coop_wheel_advance(&W, add(start, 50));
    CHECK_PTR(pop(&W), NULL);
    CHECK_EQ(W.now, add(start, 50));
    coop_wheel_insert(&W, &tmr[3], add(start, 60));
    step_to(add(start, 60), &tmr[3]);
    coop_wheel_advance(&W, add(start, far / 2u));
    CHECK_EQ(W.now, add(start, far / 2u));
    CHECK_PTR(pop(&W), &tmr[0]);
    CHECK_PTR(pop(&W), &tmr[1]);
    CHECK_PTR(pop(&W), NULL);
    CHECK(coop_wheel_next(&W, &when));
    CHECK(fwd(W.now, when) <= fwd(W.now, add(start, far)) && when != W.now);
    step_to(add(start, far), &tmr[2]);

    /* an empty wheel carried across wraps by far advances, each one short
     * of its cached tick or past it; then a timer pops on its tick */
    m_reset(start);
    for (i = 0; i < 8u; i++) {
        coop_tick_t to = add(W.now, i % 2u ? COOP_TICK_MAX_WAIT : (uint32_t)TICK_HALF / 2u + i);
        coop_wheel_advance(&W, to);
        CHECK_EQ(W.now, to);
        CHECK(!coop_wheel_next(&W, &when));
        CHECK_PTR(pop(&W), NULL);
    }
    coop_wheel_insert(&W, &tmr[0], add(W.now, 10));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(W.now, 10));
    step_to(when, &tmr[0]);

    /* an empty wheel's cached tick left 1 ahead of now: a timer armed
     * beyond it is still found, by next and by advance */
    m_reset(start);
    coop_wheel_advance(&W, add(start, COOP_TICK_MAX_WAIT - 1u));
    coop_wheel_insert(&W, &tmr[0], add(W.now, 10));
    CHECK(coop_wheel_next(&W, &when));
    CHECK_EQ(when, add(W.now, 10));
    step_to(when, &tmr[0]);
    coop_wheel_advance(&W, add(W.now, COOP_TICK_MAX_WAIT));
    coop_wheel_insert(&W, &tmr[1], add(W.now, far));
    coop_wheel_advance(&W, add(W.now, 2));
    CHECK_PTR(pop(&W), NULL);
    step_to(add(W.now, far - 2u), &tmr[1]);

    /* what sched.h does after a stall: advance COOP_TICK_MAX_WAIT (the
     * wheel holds only an expired timer), then set now to the clock, more
     * than half the range ahead; a timer armed next pops on its tick, or in
     * the first advance that reaches it, however far that one goes */
    for (i = 0; i < 4u; i++) {
        static const uint32_t ahead[4] = {1u, 100u, 5000u, 0u};
        const uint32_t x = ahead[i] ? (uint32_t)TICK_HALF + ahead[i] : (uint32_t)TICK_MAX;
        m_reset(start);
        coop_wheel_insert(&W, &tmr[2], start);
        coop_wheel_advance(&W, add(start, COOP_TICK_MAX_WAIT));
        CHECK_PTR(pop(&W), &tmr[2]);
        W.now = add(start, x);
        coop_wheel_insert(&W, &tmr[0], add(W.now, 50));
        coop_wheel_advance(&W, add(W.now, COOP_TICK_MAX_WAIT));
        CHECK_PTR(pop(&W), &tmr[0]);
        coop_wheel_insert(&W, &tmr[1], add(W.now, 7));
        step_to(add(W.now, 7), &tmr[1]);
    }
}

/* Each targeted test runs from every start tick (one forked test each, not
 * one per start: forks are slow under valgrind). */
START_TEST(test_tickless_loop_exact)
{
    for_each_start(tickless_loop_exact);
}
END_TEST

START_TEST(test_long_sleep)
{
    for_each_start(long_sleep);
}
END_TEST

START_TEST(test_init_at_start)
{
    for_each_start(init_at_start);
}
END_TEST

START_TEST(test_cancel_never_armed)
{
    for_each_start(cancel_never_armed);
}
END_TEST

START_TEST(test_cancel_expired_not_popped)
{
    for_each_start(cancel_expired_not_popped);
}
END_TEST

START_TEST(test_reinsert_expired_not_popped)
{
    for_each_start(reinsert_expired_not_popped);
}
END_TEST

START_TEST(test_past_deadlines)
{
    for_each_start(past_deadlines);
}
END_TEST

START_TEST(test_same_tick_fifo)
{
    for_each_start(same_tick_fifo);
}
END_TEST

START_TEST(test_max_wait)
{
    for_each_start(max_wait);
}
END_TEST

START_TEST(test_empty_jump)
{
    for_each_start(empty_jump);
}
END_TEST

START_TEST(test_next_exact)
{
    for_each_start(next_exact);
}
END_TEST

START_TEST(test_due_cache)
{
    for_each_start(due_cache);
}
END_TEST

Suite *coop_wheel_suite(void)
{
    Suite *s = suite_create("wheel");
    TCase *tc;

    tc = tcase_create("edges");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_at_start);
    tcase_add_test(tc, test_cancel_never_armed);
    tcase_add_test(tc, test_cancel_expired_not_popped);
    tcase_add_test(tc, test_reinsert_expired_not_popped);
    tcase_add_test(tc, test_past_deadlines);
    tcase_add_test(tc, test_same_tick_fifo);
    tcase_add_test(tc, test_max_wait);
    tcase_add_test(tc, test_next_exact);
    tcase_add_test(tc, test_empty_jump);
    tcase_add_test(tc, test_due_cache);
    suite_add_tcase(s, tc);

    tc = tcase_create("bulk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tickless_loop_exact);
    tcase_add_test(tc, test_long_sleep);
    suite_add_tcase(s, tc);

    tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60); /* ~1 s natively; sanitizers are slower */
    tcase_add_test(tc, test_model_random);
    suite_add_tcase(s, tc);

    return s;
}
