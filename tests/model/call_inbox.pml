/* tests/model/call_inbox.pml - a spin model of the call inbox: posts from
 * interrupts or threads, the drain in the loop.
 *
 * What is modelled (keep in sync with these lines; numbers as of 46b7529):
 *   include/coop/sched.h  struct coop_call (next, fn, posted; 176-180);
 *                         coop_call_post (302-320): xchg_u8(&posted, 1); if
 *                           it was 0, push the call on coop_priv_inbox, by a
 *                           weak CAS loop (COOP_PORT_ATOMIC 1) or under the
 *                           mask (COOP_PORT_ATOMIC 0); coop_port_wake is
 *                           left out (flag_idle.pml checks the wake-up);
 *                         coop_priv_drain (500-533): take the inbox (xchg
 *                           with NULL, or under the mask), reverse it, then per
 *                           call: next = fifo->next; posted = 0 (an exchange
 *                           with COOP_PORT_ATOMIC, a store without); fn;
 *                         coop_loop_run's unmasked check of the inbox
 *                           before the drain (1056-1057; the sleep is
 *                           flag_idle.pml's).
 *   include/coop/atomic.h coop_priv_xchg_u8 (71-82: one indivisible step).
 *
 * NC calls (default 2: a flag's and a ring's, say) and P posters (2) that
 * post up to N times each (2), any call each time, and may stop at any
 * time. Before each post the poster adds one to the call's count (cnt[c]:
 * the flag's sets, the ring's head); fn reads it (seen[c]) as
 * coop_priv_flag_posted reads the flag. Each atomic step below is one
 * indivisible operation of the C (an __atomic builtin, or a masked section);
 * the steps of different contexts interleave freely. On one core an
 * interrupt runs to its end before the code it preempted goes on, so free
 * interleaving is a superset of what one core can do (it also covers nested
 * interrupts, as on Cortex-M): a pass holds for both flavours. The memory
 * model is spin's, sequentially consistent: it checks the protocol, not the
 * memory orders, except in BUG_STORE_UNPOST below.
 *
 * Checked (tests/model/run.sh runs spin on each; safety, -DNOCLAIM):
 *   when nothing can move any more (spin's timeout: the posters have
 *   finished and the loop waits for the inbox) the monitor asserts, per call,
 *     (i)   no post lost: fn last read the count after the last add
 *           (seen == cnt); as any post may be a poster's last, every post is
 *           followed by a run of fn that starts after it;
 *     (ii)  posts coalesce: each push gave exactly one run (runs == links),
 *           and a push happens only for a post that found posted at 0;
 *     (iii) nothing left: inbox empty, posted 0;
 *   and at every push: (iv) the call is not linked twice (not already in
 *   the inbox nor in the drain's list, ghost `queued`) and the inbox is an
 *   acyclic list of at most NC calls; the drain's reversal walks at most NC.
 *
 * Variants (-D...): the correct model must verify, each BUG_ must fail.
 *   FLAVOUR_THREAD        COOP_PORT_ATOMIC 1: the push is the CAS loop (a
 *                         weak CAS: it may also fail spuriously), the
 *                         unpost an exchange. Without: COOP_PORT_ATOMIC 0.
 *   BUG_LATE_UNPOST       the drain clears posted after fn: a post between
 *                         fn's read and the clear is skipped, never run (i).
 *   BUG_NEXT_AFTER_UNPOST the drain reads fifo->next after clearing posted:
 *                         a post in between links the call again while the
 *                         drain still walks it (iv).
 *   BUG_RACY_PUSH         (with FLAVOUR_THREAD) the push as load head,
 *                         link, store, no CAS: two posters, one push lost (i).
 *   BUG_STORE_UNPOST      (with FLAVOUR_THREAD) the unpost as a plain store,
 *                         which sched.h's drain says must be an exchange.
 *                         Under sequential consistency a store and an
 *                         exchange are the same step, so spin cannot see
 *                         this bug alone: the variant adds an x86-TSO store
 *                         buffer of one entry for that store (it reaches
 *                         memory later, at any time, at the latest before the
 *                         loop's next locked operation; fn's load of the
 *                         count does not wait for it). A poster then still
 *                         finds posted at 1 after fn has read its old
 *                         count, and skips its post (i).
 *   NC=k, P=k, N=k        sizes (defaults 2, 2, 2).
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef NC
#define NC 2
#endif
#ifndef P
#define P 2
#endif
#ifndef N
#define N 2
#endif

/* calls are 1..NC, 0 is NULL */
byte inbox;             /* coop_priv_inbox */
byte next[NC + 1];      /* call->next */
bool posted[NC + 1];    /* call->posted */
byte cnt[NC + 1];       /* the count the poster adds to before it posts */
byte seen[NC + 1];      /* what fn read of it, last time it ran */
byte runs[NC + 1];      /* runs of fn */
byte links[NC + 1];     /* pushes on the inbox */
bool queued[NC + 1];    /* ghost: linked, and the drain has not moved past it */
#ifdef BUG_STORE_UNPOST
byte sb;                /* the store buffer: a call whose posted = 0 is not yet in memory */
#endif

/* (iv) at a push, with the new head linked: the inbox is a list of at most
 * NC calls that ends in NULL */
inline inbox_acyclic()
{
    w = inbox;
    k = 0;
    do
    :: w != 0 -> k++; assert(k <= NC); w = next[w]
    :: else -> break
    od;
    k = 0
}

/* ------------------------------------------------------------------ posters */
/* cnt[c]++; coop_call_post(&call[c]), at most N times */
proctype poster()
{
    byte c, old, head, n, w, k;
    do
    :: n < N ->
        atomic {                            /* the object's own add (sat_add, */
            n++;                            /* counter_sat.pml) on a call */
            c = 1;                          /* chosen freely */
            do
            :: c < NC -> c++
            :: break
            od;
            cnt[c]++
        };
        atomic { old = posted[c]; posted[c] = true }; /* coop_priv_xchg_u8 */
        if
        :: !old ->
#if defined(FLAVOUR_THREAD) && !defined(BUG_RACY_PUSH)
            head = inbox;                   /* __atomic_load_n, relaxed */
            do
            :: next[c] = head;              /* call->next = head */
                if
                :: atomic {                 /* the CAS succeeds */
                       inbox == head -> inbox = c;
                       assert(!queued[c]);  /* (iv) not linked twice */
                       queued[c] = true;
                       links[c]++;
                       inbox_acyclic()
                   };
                   break
                :: atomic { head = inbox }  /* it fails (another push moved */
                fi                          /* the head) or fails spuriously */
            od
#elif defined(FLAVOUR_THREAD)
            head = inbox;                   /* BUG: load the head, */
            next[c] = head;                 /* link, */
            atomic {                        /* then store, no CAS */
                inbox = c;
                assert(!queued[c]);
                queued[c] = true;
                links[c]++;
                inbox_acyclic()
            }
#else
            atomic {                        /* under the mask: */
                next[c] = inbox;            /* call->next = coop_priv_inbox */
                inbox = c;                  /* coop_priv_inbox = call */
                assert(!queued[c]);
                queued[c] = true;
                links[c]++;
                inbox_acyclic()
            }
#endif
        :: else -> skip                     /* posted already: coalesced */
        fi;
        old = false;
        head = 0;
        c = 0
    :: break                                /* it may stop at any time */
    od
}

/* ------------------------------------------------------------------ loop */
/* posted = 0 for the call at the head of the drain's list */
inline unpost()
{
#if defined(BUG_STORE_UNPOST)
    sb == 0 -> sb = fifo                    /* BUG: a plain store, buffered */
#else
    posted[fifo] = false                    /* FLAVOUR_THREAD: __atomic_exchange_n */
#endif                                      /* else: fifo->posted = 0 */
}

/* fifo->fn(fifo): reads the count (coop_flag_is_set) */
inline fn()
{
    atomic { seen[fifo] = cnt[fifo]; runs[fifo]++ }
}

/* list = fifo->next: the drain is done with this node's link */
inline step_next()
{
    atomic { nx = next[fifo]; queued[fifo] = false }
}

active proctype loop()
{
    byte list, fifo, nx, k;

end_wait:
    do
    :: inbox != 0 ->                        /* COOP_PRIV_LOAD(&coop_priv_inbox) */
        /* coop_priv_drain */
#ifdef BUG_STORE_UNPOST
        sb == 0;                            /* the exchange below is locked: */
#endif                                      /* the store buffer drains first */
        atomic { list = inbox; inbox = 0 }; /* exchange with NULL / masked */
        /* Reverse the stack into call order. One step: no other context
         * writes the next of a call in the list, since its posted stays 1
         * until the loop below clears it ((iv) checks that premise). */
        d_step {
            k = 0;
            do
            :: list != 0 ->
                k++;
                assert(k <= NC);            /* acyclic */
                nx = next[list];
                next[list] = fifo;
                fifo = list;
                list = nx
            :: else -> break
            od;
            k = 0;
            nx = 0
        };
        do
        :: fifo != 0 ->
#if defined(BUG_LATE_UNPOST)
            step_next();
            fn();                           /* BUG: run fn first, */
            unpost();                       /* then clear posted */
#elif defined(BUG_NEXT_AFTER_UNPOST)
            unpost();
            step_next();                    /* BUG: read next after the unpost */
            fn();
#else
            step_next();                    /* next = fifo->next */
            unpost();                       /* a post from here on runs it again */
            fn();
#endif
            fifo = nx;
            nx = 0
        :: else -> break
        od
    od
}

#ifdef BUG_STORE_UNPOST
/* The store buffer reaches memory at any time. */
active proctype store_buffer()
{
end_drain:
    do
    :: atomic { sb != 0 -> posted[sb] = false; sb = 0 }
    od
}
#endif

/* ------------------------------------------------------------------ checks */
init
{
    byte i;
    atomic {
        i = 0;
        do
        :: i < P -> run poster(); i++
        :: else -> break
        od
    }
}

active proctype monitor()
{
    byte c;
    timeout ->
    assert(inbox == 0);                     /* (iii) */
    c = 1;
    do
    :: c <= NC ->
        assert(seen[c] == cnt[c]);          /* (i) no post lost */
        assert(runs[c] == links[c]);        /* (ii) one run per push */
        assert(!posted[c]);                 /* (iii) */
        c++
    :: else -> break
    od
}
