/* coop/wheel.h - hierarchical timer wheel: O(1) insert and cancel, tickless.
 *
 * The scheduler keeps every sleeping task's timer here; you only need this
 * header directly to build your own timers. Timers are intrusive nodes you
 * own (no allocation); each fires exactly on its tick.
 *
 *     coop_wheel_t w;  coop_timer_t t;
 *     coop_wheel_init(&w, now);
 *     coop_wheel_insert(&w, &t, coop_tick_add(now, 250));
 *     ...
 *     coop_wheel_advance(&w, coop_port_now());
 *     while ((tp = coop_wheel_pop(&w)) != NULL) { ... t expired ... }
 *
 * DESIGN (B = COOP_WHEEL_SLOT_BITS, L = COOP_WHEEL_LEVELS, S = 2^B slots a level)
 *
 *   level  slot width   span of the level      defaults (B=6, 32-bit ticks, L=6)
 *   0      1 tick       S ticks                64 ticks
 *   1      S ticks      S^2 ticks              4096 ticks
 *   k      S^k ticks    S^(k+1) ticks          ...
 *   L-1    S^(L-1)      all the rest           2^30 ticks a slot, 4 slots used
 *
 *   A timer goes to the level of the highest B-bit group in which its expiry
 *   differs from the wheel's `now`, and to the slot numbered by that group.
 *   Level 0 slots therefore hold timers of one exact tick.
 *   When `now` reaches the start of a level-k slot, its timers move down to a
 *   lower level (or expire if due that very tick): each timer moves at most
 *   L-1 times in its life, never repeatedly at one level (no re-cascading).
 *   Slots are FIFO lists, so timers due on the same tick expire in the order
 *   they were inserted.
 *   Insert: one msb (on cores with a count-leading-zeros instruction, a
 *   table by that bit gives the level, its shift and its first slot), a list
 *   append and a compare with the cache (below). Cancel: a list unlink (the
 *   slot's occupancy bit is cleared lazily, when a search meets the empty
 *   slot; the cache is left as it is).
 *   Advance: jumps from occupied slot to occupied slot, found with per-level
 *   occupancy bitmaps; no work for ticks where nothing is due (tickless), and
 *   after a long sleep at most (timers x L + L) slot visits.
 *   The cache: `due`, a tick before which advance has no work (a lower bound
 *   of the earliest occupied slot's start), and `due_slot`, that slot when
 *   known (NULL: due is only a bound). An advance to a tick before due is two
 *   compares and a store: no search, however many levels. Insert lowers due
 *   (and sets due_slot) when its timer's slot starts earlier. A cancel that
 *   empties due_slot leaves a bound that is still right; the next advance
 *   reaching due, or coop_wheel_next, sees the empty slot and searches. An
 *   advance that reaches due visits the slot and finds the next work from
 *   there: after a level-0 slot, the next bit of level 0 (and a level-1
 *   slot's timers go to level 0 with no level search: both shortcuts are left
 *   out of builds optimised for size); after a higher slot with one timer,
 *   that timer's new slot (or, when the advance's target reaches its tick, it
 *   expires at once: lower levels are empty and the rest of its level is
 *   later, so no order is broken); else a search from level 0 (below the top
 *   level, a timer's slot always follows now's, so the search masks, with no
 *   rotation). An empty wheel's due is now + COOP_TICK_MAX_WAIT: a shorter
 *   idle advance is two compares, a longer one a search that finds nothing.
 *   due stays less than half the range ahead of now, so signed differences
 *   order the ticks (wrap-safe with 16-bit ticks), with one exception: after
 *   a stall, sched.h sets now itself, on an empty wheel, to a clock up to a
 *   whole range ahead, which can leave due behind now. So the compare also
 *   asks that due be ahead of now; if not, the advance searches, and the
 *   search sets due right again.
 *   Range: a timer may expire up to COOP_TICK_MAX_WAIT (half the tick range)
 *   after `now`. L*B covers COOP_TICK_BITS (config.h refuses less: a top
 *   level that lapped would cost a visit per lap), so no timer laps.
 *   Lateness: none. A timer expires during the first advance whose target
 *   reaches its tick, and that advance reports it at exactly that tick.
 *   RAM: L * S list heads + L bitmaps + the cache, a tick and a pointer
 *   (sizeof grows by 8 bytes on x86-64 and on M0+ with 32-bit ticks, by 0 on
 *   M0+ with 16-bit ticks, where it fills padding).
 *
 * Nothing here is ISR-safe: only the loop's context touches the wheel.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_WHEEL_H
#define COOP_WHEEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "time.h"

#define COOP_WHEEL_SLOTS (1u << COOP_WHEEL_SLOT_BITS)

#if COOP_WHEEL_SLOT_BITS == 6
typedef uint64_t coop_wheel_bits_t;
#elif COOP_WHEEL_SLOT_BITS == 5
typedef uint32_t coop_wheel_bits_t;
#elif COOP_WHEEL_SLOT_BITS == 4
typedef uint16_t coop_wheel_bits_t;
#else
typedef uint8_t coop_wheel_bits_t;
#endif

/* A doubly linked list node; a list head is a node that points to itself. */
typedef struct coop_link {
    struct coop_link *next;
    struct coop_link *prev;
} coop_link_t;

/* A timer. Zero-initialised (or after coop_timer_init) it is not armed. */
typedef struct coop_timer {
    coop_link_t link;      /* next == NULL: not armed */
    coop_tick_t expires;   /* the tick it fires on */
} coop_timer_t;

#if COOP_WHEEL_LEVELS > 0
typedef struct coop_wheel {
    coop_link_t slot[COOP_WHEEL_LEVELS * COOP_WHEEL_SLOTS];
    coop_link_t expired;                              /* due, not yet popped */
    coop_tick_t now;                                  /* processed up to here */
    coop_tick_t due;       /* advance has no work before this tick (DESIGN) */
    coop_link_t *due_slot; /* the slot that starts at due, or NULL */
    coop_wheel_bits_t occupied[COOP_WHEEL_LEVELS];    /* may have stale 1s */
} coop_wheel_t;
#else
/* COOP_WHEEL_LEVELS 0: the same API over one list sorted by expiry. */
typedef struct coop_wheel {
    coop_tick_t now;
    coop_link_t armed;   /* earliest first; FIFO among equal expiries */
    coop_link_t expired; /* due, not yet popped */
} coop_wheel_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Start an empty wheel at time `now`. */
void coop_wheel_init(coop_wheel_t *w, coop_tick_t now);

/* Arm `t` to expire at `expires`, which must be at most COOP_TICK_MAX_WAIT
 * after the wheel's now; a time at or before now expires at the next
 * coop_wheel_pop. Re-arming an armed timer moves it. */
void coop_wheel_insert(coop_wheel_t *w, coop_timer_t *t, coop_tick_t expires);

/* Process every tick up to and including `to`: due timers move to the
 * expired list, in expiry order (FIFO within a tick). While timers are armed,
 * `to` must be less than half the tick range after now (the loop guarantees
 * it: it never sleeps past the next deadline); an empty wheel jumps to `to`
 * whatever the distance. */
void coop_wheel_advance(coop_wheel_t *w, coop_tick_t to);

/* Take the next expired timer, or NULL. It is no longer armed. */
coop_timer_t *coop_wheel_pop(coop_wheel_t *w);

/* The earliest tick at which coop_wheel_advance has work to do: false when
 * no timer is armed. Exact when the earliest timer is in level 0, or its slot
 * holds at most COOP_WHEEL_SCAN_MAX timers; otherwise the start of its slot
 * (earlier than the timer, never later). Reads the wheel's cache (DESIGN):
 * O(1) unless cancels emptied the cached slot. */
bool coop_wheel_next(coop_wheel_t *w, coop_tick_t *when);

static inline void coop_timer_init(coop_timer_t *t)
{
    t->link.next = NULL;
    t->link.prev = NULL;
}

static inline bool coop_timer_armed(const coop_timer_t *t)
{
    return t->link.next != NULL;
}

/* Disarm `t` (armed, expired-not-popped, or not armed: all fine). O(1). */
static inline void coop_timer_cancel(coop_timer_t *t)
{
    coop_link_t *n = t->link.next;
    if (n != NULL) {
        coop_link_t *p = t->link.prev;
        p->next = n;
        n->prev = p;
        t->link.next = NULL;
    }
}

#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_WHEEL_IMPLEMENTED
#define COOP_WHEEL_IMPLEMENTED

#if COOP_WHEEL_LEVELS == 0
/* The sorted list (COOP_WHEEL_LEVELS 0): armed timers by expiry, all later
 * than now (so expiries compare through coop_tick_diff), FIFO among equal
 * ones; advance moves the due ones, in order, to the expired list. */
static coop_timer_t *coop_priv_timer_of(coop_link_t *n)
{
    return (coop_timer_t *)(void *)((char *)n - offsetof(coop_timer_t, link));
}

static void coop_priv_link_after(coop_link_t *p, coop_link_t *n)
{
    n->prev = p;
    n->next = p->next;
    p->next->prev = n;
    p->next = n;
}

void coop_wheel_init(coop_wheel_t *w, coop_tick_t now)
{
    w->now = now;
    w->armed.next = w->armed.prev = &w->armed;
    w->expired.next = w->expired.prev = &w->expired;
}

void coop_wheel_insert(coop_wheel_t *w, coop_timer_t *t, coop_tick_t expires)
{
    coop_link_t *p;
    coop_timer_cancel(t);
    t->expires = expires;
    if (coop_tick_diff(expires, w->now) <= 0) {
        p = w->expired.prev;
    } else {
        p = w->armed.prev; /* from the latest: a periodic timer goes last */
        while (p != &w->armed && coop_tick_after(coop_priv_timer_of(p)->expires, expires))
            p = p->prev;
    }
    coop_priv_link_after(p, &t->link);
}

void coop_wheel_advance(coop_wheel_t *w, coop_tick_t to)
{
    coop_link_t *n;
    while ((n = w->armed.next) != &w->armed &&
           !coop_tick_after(coop_priv_timer_of(n)->expires, to)) {
        coop_timer_cancel(coop_priv_timer_of(n));
        coop_priv_link_after(w->expired.prev, n);
    }
    w->now = to;
}

coop_timer_t *coop_wheel_pop(coop_wheel_t *w)
{
    coop_link_t *n = w->expired.next;
    if (n == &w->expired)
        return NULL;
    coop_timer_cancel(coop_priv_timer_of(n));
    return coop_priv_timer_of(n);
}

bool coop_wheel_next(coop_wheel_t *w, coop_tick_t *when)
{
    if (w->expired.next != &w->expired)
        *when = w->now;
    else if (w->armed.next != &w->armed)
        *when = coop_priv_timer_of(w->armed.next)->expires;
    else
        return false;
    return true;
}

#else /* the wheel */

#define COOP_PRIV_S COOP_WHEEL_SLOTS
#define COOP_PRIV_B COOP_WHEEL_SLOT_BITS
#define COOP_PRIV_L COOP_WHEEL_LEVELS

#if defined(__GNUC__) && !defined(__AVR__) && !defined(__ARM_ARCH_6M__) && \
    !(defined(__ARM_ARCH) && __ARM_ARCH < 5)
#define COOP_PRIV_FAST_CLZ 1
#else
#define COOP_PRIV_FAST_CLZ 0
#endif

/* Two shortcuts of the expiry path that cost code (M0+: ~200 bytes) for
 * speed with many timers: left out when the build optimises for size. */
#if defined(__OPTIMIZE_SIZE__)
#define COOP_PRIV_WHEEL_SHORTCUTS 0
#else
#define COOP_PRIV_WHEEL_SHORTCUTS 1
#endif

#if defined(__GNUC__)
#define COOP_PRIV_WHEEL_NOINLINE __attribute__((noinline))
#else
#define COOP_PRIV_WHEEL_NOINLINE
#endif

static void coop_priv_list_init(coop_link_t *h)
{
    h->next = h;
    h->prev = h;
}

static void coop_priv_list_append(coop_link_t *h, coop_link_t *n)
{
    coop_link_t *last = h->prev;
    n->next = h;
    n->prev = last;
    last->next = n;
    h->prev = n;
}

#if COOP_PRIV_FAST_CLZ
/* By i, the highest bit in which a timer's expiry differs from now: the
 * timer's level, its shift (level * B) and its first slot (level * S);
 * loads are cheaper than the products. */
typedef struct coop_priv_wheel_lv {
    unsigned short first; /* level * S: the level's first slot */
    unsigned char level, shift;
} coop_priv_wheel_lv_t;
#define COOP_PRIV_LV_(i) ((i) / COOP_PRIV_B < COOP_PRIV_L ? (i) / COOP_PRIV_B : COOP_PRIV_L - 1)
#define COOP_PRIV_LV(i) \
    {COOP_PRIV_S * COOP_PRIV_LV_(i), COOP_PRIV_LV_(i), COOP_PRIV_B * COOP_PRIV_LV_(i)}
#define COOP_PRIV_LV4(i) \
    COOP_PRIV_LV(i), COOP_PRIV_LV(i + 1), COOP_PRIV_LV(i + 2), COOP_PRIV_LV(i + 3)
static const coop_priv_wheel_lv_t coop_priv_wheel_lv_of_bit[32] = {
    COOP_PRIV_LV4(0),  COOP_PRIV_LV4(4),  COOP_PRIV_LV4(8),  COOP_PRIV_LV4(12),
    COOP_PRIV_LV4(16), COOP_PRIV_LV4(20), COOP_PRIV_LV4(24), COOP_PRIV_LV4(28)};
#undef COOP_PRIV_LV4
#undef COOP_PRIV_LV
#undef COOP_PRIV_LV_
#endif

/* Put armed timer t (its expiry later than now) in its slot; returns the
 * slot and sets *start to the tick at which advance visits it. */
static inline coop_link_t *coop_priv_wheel_place(coop_wheel_t *w, coop_timer_t *t,
                                             coop_tick_t *start)
{
    coop_tick_t e = t->expires;
    unsigned level, shift, slot, first;
    coop_link_t *h, *last;
#if COOP_PRIV_FAST_CLZ
    const unsigned bit = 31u ^ (unsigned)__builtin_clz((unsigned)(coop_tick_t)(e ^ w->now));
    const coop_priv_wheel_lv_t *lv = &coop_priv_wheel_lv_of_bit[bit];
    level = lv->level;
    shift = lv->shift;
    first = lv->first;
#else
    coop_tick_t x = (coop_tick_t)(e ^ w->now);
    level = 0;
    while (x >= COOP_PRIV_S && level < COOP_PRIV_L - 1) {
        x = (coop_tick_t)(x >> COOP_PRIV_B);
        level++;
    }
    shift = level * COOP_PRIV_B;
    first = level * COOP_PRIV_S;
#endif
    e = (coop_tick_t)(e >> shift);
    slot = (unsigned)e & (COOP_PRIV_S - 1);
    *start = (coop_tick_t)(e << shift);
    h = &w->slot[first + slot];
    /* append; this order keeps the compiler from pairing the two stores
     * into the node through a vector register (x86: 4 instructions, not 2) */
    t->link.next = h;
    last = h->prev;
    t->link.prev = last;
    last->next = &t->link;
    h->prev = &t->link;
    w->occupied[level] |= (coop_wheel_bits_t)((coop_wheel_bits_t)1 << slot);
    return h;
}

void coop_wheel_init(coop_wheel_t *w, coop_tick_t now)
{
    unsigned i;
    w->now = now;
    w->due = (coop_tick_t)(now + COOP_TICK_MAX_WAIT);
    w->due_slot = NULL;
    for (i = 0; i < COOP_PRIV_L; i++)
        w->occupied[i] = 0;
    for (i = 0; i < COOP_PRIV_L * COOP_PRIV_S; i++)
        coop_priv_list_init(&w->slot[i]);
    coop_priv_list_init(&w->expired);
}

void coop_wheel_insert(coop_wheel_t *w, coop_timer_t *t, coop_tick_t expires)
{
    coop_tick_t start;
    coop_link_t *h;
    coop_timer_cancel(t);
    t->expires = expires;
    if (coop_tick_diff(expires, w->now) <= 0) {
        coop_priv_list_append(&w->expired, &t->link);
        return;
    }
    h = coop_priv_wheel_place(w, t, &start);
    if (coop_tick_diff(start, w->due) < 0) { /* before all other work: the earliest */
        w->due = start;
        w->due_slot = h;
    }
}

static unsigned coop_priv_ctz(coop_wheel_bits_t v)
{
#if defined(__GNUC__) && !defined(__AVR__) && COOP_WHEEL_SLOT_BITS == 6
    return (unsigned)__builtin_ctzll(v);
#elif defined(__GNUC__) && !defined(__AVR__)
    return (unsigned)__builtin_ctz((unsigned)v);
#else
    unsigned n = 0;
    while (!(v & 1u)) {
        v = (coop_wheel_bits_t)(v >> 1);
        n++;
    }
    return n;
#endif
}

/* Make the cache exact: find the earliest occupied slot (the lowest level
 * with one holds the earliest work; in it, the first occupied slot after
 * now's own, which never holds a timer: a timer's expiry differs from now in
 * its level's bits). Below the top level a timer's slot is always after
 * now's (the bits above agree), so a bit at or before now's is stale, and
 * is left alone; the top level wraps around with the tick. Stale bits met
 * on the way are cleared. On an empty wheel, due = now + half the range,
 * no slot, and the result is false. */
static bool coop_priv_wheel_find(coop_wheel_t *w)
{
    unsigned k;
    for (k = 0; k < COOP_PRIV_L; k++) {
        const unsigned shift = COOP_PRIV_B * k;
        coop_tick_t base;
        unsigned pos;
        if (w->occupied[k] == 0)
            continue; /* (an empty level costs a test; AVR: no call, ~170 cycles) */
        base = (coop_tick_t)(w->now >> shift);
        pos = (unsigned)base & (COOP_PRIV_S - 1);
        for (;;) {
            coop_wheel_bits_t r = w->occupied[k];
            unsigned d, slot;
            if (k < COOP_PRIV_L - 1) {
                r = (coop_wheel_bits_t)((coop_wheel_bits_t)(r >> pos) >> 1);
            } else {
                const unsigned s = (pos + 1) & (COOP_PRIV_S - 1);
                if (s != 0)
                    r = (coop_wheel_bits_t)((r >> s) | (r << (COOP_PRIV_S - s)));
#if COOP_WHEEL_SLOT_BITS <= 2 /* the bitmap type is wider than the slots */
                r = (coop_wheel_bits_t)(r & ((1u << COOP_PRIV_S) - 1u));
#endif
            }
            if (r == 0)
                break; /* nothing at this level */
            d = coop_priv_ctz(r) + 1;
            slot = (pos + d) & (COOP_PRIV_S - 1);
            if (w->slot[k * COOP_PRIV_S + slot].next == &w->slot[k * COOP_PRIV_S + slot]) {
                w->occupied[k] &= (coop_wheel_bits_t)~((coop_wheel_bits_t)1 << slot);
                continue; /* stale */
            }
            w->due = (coop_tick_t)((coop_tick_t)(base + d) << shift);
            w->due_slot = &w->slot[k * COOP_PRIV_S + slot];
            return true;
        }
    }
    w->due = (coop_tick_t)(w->now + COOP_TICK_MAX_WAIT);
    w->due_slot = NULL;
    return false;
}

/* The cache names a slot that still holds a timer (a cancel may empty it). */
static bool coop_priv_wheel_exact(const coop_wheel_t *w)
{
    const coop_link_t *h = w->due_slot;
    return h != NULL && h->next != h;
}

/* advance when the cache says work may be due by `to`: visit the occupied
 * slots in time order up to `to`, and leave the cache exact. */
static COOP_PRIV_WHEEL_NOINLINE void coop_priv_wheel_run(coop_wheel_t *w, coop_tick_t to)
{
    if (coop_priv_wheel_exact(w) || coop_priv_wheel_find(w)) {
        for (;;) {
            const coop_tick_t start = w->due;
            coop_link_t *h = w->due_slot;
            const unsigned index = (unsigned)(h - w->slot);
            coop_link_t *first, *last;
            if (coop_tick_after(start, to)) {
                if (coop_tick_after(to, w->now))
                    w->now = to;
                return;
            }
            first = h->next;
            last = h->prev;
            h->next = h->prev = h;
            w->now = start;
            w->occupied[index / COOP_PRIV_S] &=
                (coop_wheel_bits_t)~((coop_wheel_bits_t)1 << (index % COOP_PRIV_S));
            if (index < COOP_PRIV_S) {
                /* level 0 holds timers of one tick, this one: splice the
                 * whole slot onto the expired list, in order */
                coop_link_t *tail = w->expired.prev;
                tail->next = first;
                first->prev = tail;
                last->next = &w->expired;
                w->expired.prev = last;
#if COOP_PRIV_WHEEL_SHORTCUTS
                {
                    /* the next occupied slot of level 0, if any, is the
                     * earliest work (index is now's own slot) */
                    const coop_wheel_bits_t r =
                        (coop_wheel_bits_t)((coop_wheel_bits_t)(w->occupied[0] >> index) >> 1);
                    if (r != 0) {
                        const unsigned d = coop_priv_ctz(r) + 1;
                        if (h[d].next != &h[d]) {
                            w->due = (coop_tick_t)(start + d);
                            w->due_slot = h + d;
                            continue;
                        }
                    }
                }
            } else if (COOP_PRIV_L > 1 && index < 2 * COOP_PRIV_S && first != last) {
                /* level 1: every timer moves to level 0 (or is due now) */
                coop_link_t *n = first;
                last->next = NULL;
                do {
                    coop_timer_t *t = (coop_timer_t *)(void *)((char *)n - offsetof(coop_timer_t, link));
                    n = n->next;
                    if (t->expires == start) {
                        coop_priv_list_append(&w->expired, &t->link);
                    } else {
                        const unsigned slot = (unsigned)t->expires & (COOP_PRIV_S - 1);
                        coop_link_t *h0 = &w->slot[slot], *l0;
                        t->link.next = h0; /* (the order of coop_priv_wheel_place) */
                        l0 = h0->prev;
                        t->link.prev = l0;
                        l0->next = &t->link;
                        h0->prev = &t->link;
                        w->occupied[0] |= (coop_wheel_bits_t)((coop_wheel_bits_t)1 << slot);
                    }
                } while (n != NULL);
#endif
            } else if (first == last) {
                /* One timer. The levels below this slot's are empty (it was
                 * the earliest work) and other slots of its level start
                 * after its span, so: due by `to`, it expires now (timers of
                 * one tick share a slot: no order to keep); otherwise it
                 * moves down and its new slot is the earliest work. */
                coop_timer_t *t = (coop_timer_t *)(void *)((char *)first - offsetof(coop_timer_t, link));
                if (coop_tick_after(t->expires, to)) {
                    coop_tick_t s;
                    w->due_slot = coop_priv_wheel_place(w, t, &s);
                    w->due = s;
                    continue;
                }
                coop_priv_list_append(&w->expired, first);
            } else {
                /* sort the slot's timers: due now, or to a lower level */
                coop_link_t *n = first;
                last->next = NULL;
                do {
                    coop_timer_t *t = (coop_timer_t *)(void *)((char *)n - offsetof(coop_timer_t, link));
                    coop_tick_t s;
                    n = n->next;
                    if (t->expires == start)
                        coop_priv_list_append(&w->expired, &t->link);
                    else
                        (void)coop_priv_wheel_place(w, t, &s);
                } while (n != NULL);
            }
            if (!coop_priv_wheel_find(w))
                break;
        }
    }
    /* empty: jump, however far (an idle longer than half the tick range,
     * possible with 16-bit ticks, must not leave now behind) */
    w->now = to;
    w->due = (coop_tick_t)(to + COOP_TICK_MAX_WAIT);
}

void coop_wheel_advance(coop_wheel_t *w, coop_tick_t to)
{
    /* nothing due by `to`: two compares and a store (the second: due is
     * ahead of now, which sched.h may have set itself: see DESIGN) */
    if (coop_tick_diff(to, w->due) < 0 && coop_tick_diff(w->due, w->now) > 0)
        w->now = to;
    else
        coop_priv_wheel_run(w, to);
}

coop_timer_t *coop_wheel_pop(coop_wheel_t *w)
{
    coop_link_t *n = w->expired.next;
    if (n == &w->expired)
        return NULL;
    w->expired.next = n->next;
    n->next->prev = &w->expired;
    n->next = NULL;
    return (coop_timer_t *)(void *)((char *)n - offsetof(coop_timer_t, link));
}

bool coop_wheel_next(coop_wheel_t *w, coop_tick_t *when)
{
    if (w->expired.next != &w->expired) {
        *when = w->now;
        return true;
    }
    if (!coop_priv_wheel_exact(w) && !coop_priv_wheel_find(w))
        return false;
    *when = w->due;
#if COOP_WHEEL_LEVELS > 1 /* one level: every slot is level 0 (and the top) */
    if (w->due_slot >= &w->slot[COOP_PRIV_S]) {
        /* a higher level: its slot holds the earliest timers; find the first */
        const coop_link_t *h = w->due_slot;
        const coop_link_t *n = h->next;
        coop_stick_t best = 0;
        unsigned seen = 0;
        if (n == h->prev) { /* one timer (the usual case when timers are few) */
            *when = ((const coop_timer_t *)(const void *)((const char *)n -
                                                          offsetof(coop_timer_t, link)))->expires;
            return true;
        }
        for (; n != h; n = n->next) {
            const coop_timer_t *t =
                (const coop_timer_t *)(const void *)((const char *)n - offsetof(coop_timer_t, link));
            coop_stick_t d = coop_tick_diff(t->expires, w->now);
            if (++seen > COOP_WHEEL_SCAN_MAX)
                return true; /* too many to scan: wake at the slot's start */
            if (seen == 1 || d < best)
                best = d;
        }
        *when = coop_tick_add(w->now, (uint32_t)best);
    }
#endif
    return true;
}

#endif /* COOP_WHEEL_LEVELS */
#endif /* COOP_WHEEL_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_WHEEL_H */
