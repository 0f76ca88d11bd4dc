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
 *   Insert: one msb and a list append. Cancel: a list unlink (the slot's
 *   occupancy bit is cleared lazily, when a search meets the empty slot).
 *   Advance: jumps from occupied slot to occupied slot, found with per-level
 *   occupancy bitmaps; no work for ticks where nothing is due (tickless), and
 *   after a long sleep at most (timers x L + L) slot visits.
 *   Range: a timer may expire up to COOP_TICK_MAX_WAIT (half the tick range)
 *   after `now`. L*B covers COOP_TICK_BITS (config.h refuses less: a top
 *   level that lapped would cost a visit per lap), so no timer laps.
 *   Lateness: none. A timer expires during the first advance whose target
 *   reaches its tick, and that advance reports it at exactly that tick.
 *   RAM: L * S list heads + L bitmaps (B=6: 6 * 64 * 2 pointers + 48 bytes).
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
    coop_tick_t now;                                  /* processed up to here */
    coop_wheel_bits_t occupied[COOP_WHEEL_LEVELS];    /* may have stale 1s */
    coop_link_t slot[COOP_WHEEL_LEVELS * COOP_WHEEL_SLOTS];
    coop_link_t expired;                              /* due, not yet popped */
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
 * holds at most COOP_WHEEL_SCAN_MAX timers; otherwise the start of its slot (earlier than the timer, never later). */
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

/* Level for a timer whose expiry differs from now in the bits of x (x != 0). */
static unsigned coop_priv_wheel_level(coop_tick_t x)
{
    unsigned level;
#if COOP_PRIV_FAST_CLZ
    level = (unsigned)(31 - __builtin_clz((unsigned)x)) / COOP_PRIV_B;
#else
    level = 0;
    while (x >= COOP_PRIV_S) {
        x = (coop_tick_t)(x >> COOP_PRIV_B);
        level++;
    }
#endif
    return level < COOP_PRIV_L ? level : COOP_PRIV_L - 1;
}

static void coop_priv_wheel_place(coop_wheel_t *w, coop_timer_t *t)
{
    unsigned level = coop_priv_wheel_level((coop_tick_t)(t->expires ^ w->now));
    unsigned slot = (unsigned)(t->expires >> (COOP_PRIV_B * level)) & (COOP_PRIV_S - 1);
    coop_priv_list_append(&w->slot[level * COOP_PRIV_S + slot], &t->link);
    w->occupied[level] |= (coop_wheel_bits_t)((coop_wheel_bits_t)1 << slot);
}

void coop_wheel_init(coop_wheel_t *w, coop_tick_t now)
{
    unsigned i;
    w->now = now;
    for (i = 0; i < COOP_PRIV_L; i++)
        w->occupied[i] = 0;
    for (i = 0; i < COOP_PRIV_L * COOP_PRIV_S; i++)
        coop_priv_list_init(&w->slot[i]);
    coop_priv_list_init(&w->expired);
}

void coop_wheel_insert(coop_wheel_t *w, coop_timer_t *t, coop_tick_t expires)
{
    coop_timer_cancel(t);
    t->expires = expires;
    if (coop_tick_diff(expires, w->now) <= 0)
        coop_priv_list_append(&w->expired, &t->link);
    else
        coop_priv_wheel_place(w, t);
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

/* The next occupied slot of level k after now's own slot (a timer is never
 * in now's own slot of its level: its expiry differs from now there). Stale occupancy bits are cleared on the way. Returns the slot's index in
 * w->slot and its start time, or false when the level is empty. */
static bool coop_priv_wheel_first(coop_wheel_t *w, unsigned k, unsigned *index,
                                  coop_tick_t *start)
{
    const unsigned shift = COOP_PRIV_B * k;
    const coop_tick_t base = (coop_tick_t)(w->now >> shift);
    const unsigned pos = (unsigned)base & (COOP_PRIV_S - 1);
    const unsigned s = (pos + 1) & (COOP_PRIV_S - 1);

    for (;;) {
        coop_wheel_bits_t bits = w->occupied[k];
        coop_wheel_bits_t r;
        unsigned d, slot;
        if (bits == 0)
            return false;
        r = s ? (coop_wheel_bits_t)((bits >> s) | (bits << (COOP_PRIV_S - s))) : bits;
#if COOP_WHEEL_SLOT_BITS <= 2 /* the bitmap type is wider than the slots */
        r = (coop_wheel_bits_t)(r & ((1u << COOP_PRIV_S) - 1u));
#endif
        d = coop_priv_ctz(r) + 1;
        slot = (pos + d) & (COOP_PRIV_S - 1);
        if (w->slot[k * COOP_PRIV_S + slot].next == &w->slot[k * COOP_PRIV_S + slot]) {
            w->occupied[k] &= (coop_wheel_bits_t)~((coop_wheel_bits_t)1 << slot);
            continue;
        }
        *index = k * COOP_PRIV_S + slot;
        *start = (coop_tick_t)((coop_tick_t)(base + d) << shift);
        return true;
    }
}

/* The lowest level with an occupied slot holds the earliest work. */
static bool coop_priv_wheel_earliest(coop_wheel_t *w, unsigned *index, coop_tick_t *start)
{
    unsigned k;
    for (k = 0; k < COOP_PRIV_L; k++)
        if (w->occupied[k] != 0 && coop_priv_wheel_first(w, k, index, start))
            return true; /* the test first: an empty level costs no call (AVR: ~170 cycles) */
    return false;
}

void coop_wheel_advance(coop_wheel_t *w, coop_tick_t to)
{
    unsigned index;
    coop_tick_t start;

    for (;;) {
        coop_link_t *h, *first, *last;
        if (!coop_priv_wheel_earliest(w, &index, &start)) {
            /* empty: jump, however far (an idle longer than half the tick
             * range, possible with 16-bit ticks, must not leave now behind) */
            w->now = to;
            return;
        }
        if (coop_tick_after(start, to))
            break;
        h = &w->slot[index];
        first = h->next;
        last = h->prev;
        coop_priv_list_init(h);
        w->now = start;
        w->occupied[index / COOP_PRIV_S] &=
            (coop_wheel_bits_t)~((coop_wheel_bits_t)1 << (index % COOP_PRIV_S));
        if (index < COOP_PRIV_S) {
            /* level 0 holds timers of one tick, this one: splice the whole
             * slot onto the expired list, in order */
            coop_link_t *tail = w->expired.prev;
            tail->next = first;
            first->prev = tail;
            last->next = &w->expired;
            w->expired.prev = last;
        } else {
            /* sort the slot's timers: due now, or to a lower level */
            coop_link_t *n = first;
            last->next = NULL;
            while (n != NULL) {
                coop_timer_t *t = (coop_timer_t *)(void *)((char *)n - offsetof(coop_timer_t, link));
                coop_link_t *next = n->next;
                if (t->expires == start)
                    coop_priv_list_append(&w->expired, n);
                else
                    coop_priv_wheel_place(w, t);
                n = next;
            }
        }
        if (start == to)
            break; /* every other slot starts after now */
    }
    if (coop_tick_after(to, w->now))
        w->now = to;
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
    unsigned index;
    coop_tick_t start;

    if (w->expired.next != &w->expired) {
        *when = w->now;
        return true;
    }
    if (!coop_priv_wheel_earliest(w, &index, &start))
        return false;
    *when = start;
#if COOP_WHEEL_LEVELS > 1 /* one level: every slot is level 0 (and the top) */
    if (index >= COOP_PRIV_S) {
        /* a higher level: its slot holds the earliest timers; find the first */
        const coop_link_t *h = &w->slot[index];
        const coop_link_t *n = h->next;
        coop_stick_t best = 0;
        unsigned seen = 0;
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
