/* tests/model/counter_sat.pml - a spin model of the saturating count with
 * several producers and one taker, in the GCC-atomics flavour
 * (COOP_PORT_ATOMIC 1: the host and gpiod ports, where producers are
 * threads and signal handlers).
 *
 * What is modelled (keep in sync with these lines; numbers as of 46b7529):
 *   include/coop/irq.h  coop_priv_sat_add (109-127), COOP_PORT_ATOMIC
 *                         branch: old = relaxed load; loop { room = MAX -
 *                         old; add = min(n, room) } while a weak CAS of old
 *                         -> old + add fails (a failure reloads old);
 *                         returns n - add;
 *                       coop_priv_count_add (130-136): excess = sat_add(c,
 *                         n); if excess, sat_add(over, excess), whose own
 *                         excess is dropped (the sticky count saturates);
 *                       coop_priv_count_take (139-150): exchange with 0.
 *   These are coop_flag_set / coop_counter_add and coop_flag_take /
 *   coop_counter_take. The critical-section flavour (COOP_PORT_ATOMIC 0)
 *   does each in one masked step, indivisible by construction: not modelled.
 *
 * MAX is COOP_COUNT_MAX made small (default 3). P producers (2) each make up
 * to K adds (2) of 1 or 2, and may stop at any time; one taker takes the
 * count whenever it likes, or stops. Each __atomic operation is one step; the
 * steps of all contexts interleave freely, a superset of a signal handler
 * preempting a thread (which runs to its end first), so one pass covers
 * "ISR + thread". Memory is sequentially consistent in spin: this checks the
 * read-modify-write logic, not the memory orders.
 *
 * Checked (tests/model/run.sh runs spin on each; safety, -DNOCLAIM):
 *   (i)  at every write, the count and the overflow count never exceed MAX;
 *   (ii) when nothing can move any more (spin's timeout: every producer and
 *        the taker have finished): everything added is accounted for,
 *        added == taken + count + overflows + dropped, where dropped is
 *        what the saturated overflow count itself could not hold (ghost).
 *
 * Variants (-D...): the correct model must verify, each BUG_ must fail.
 *   BUG_LOAD_ADD_STORE  sat_add as load, add, store without the CAS loop:
 *                       two producers, one add lost (ii).
 *   BUG_STALE_ROOM      the room computed once, before the CAS loop, not
 *                       again after a failed CAS: the count passes MAX (i).
 *   BUG_TAKE_SPLIT      count_take as a load then a store of 0: an add in
 *                       between is lost (ii).
 *   WITNESS_SATURATED   (must fail) asserts that nothing was dropped: the
 *                       overflow count itself saturates in some run, so
 *                       (ii) is checked where it is hardest.
 *   MAX=k, P=k, K=k     sizes.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef MAX
#define MAX 3
#endif
#ifndef P
#define P 2
#endif
#ifndef K
#define K 2
#endif

byte count;             /* flag->sets, counter->count */
byte over;              /* ->overflows */
byte added;             /* ghost: n of every add begun */
byte taken;             /* ghost: the sum of the takes */
byte dropped;           /* ghost: what over could not hold */

/* ex = coop_priv_sat_add(&var, n) */
inline sat_add(var, n, ex)
{
#if defined(BUG_LOAD_ADD_STORE)
    old = var;                              /* BUG: load, */
    room = MAX - old;
    add = (n < room -> n : room);
    atomic { var = old + add; assert(var <= MAX) } /* then store */
#else
    old = var;                              /* __atomic_load_n, relaxed */
#ifdef BUG_STALE_ROOM
    room = MAX - old;                       /* BUG: the room of the first */
    add = (n < room -> n : room);           /* load only */
#endif
    do
    ::
#ifndef BUG_STALE_ROOM
        room = MAX - old;                   /* room = COOP_COUNT_MAX - old */
        add = (n < room -> n : room);       /* add = n < room ? n : room */
#endif
        if
        :: atomic {                         /* the CAS succeeds */
               var == old -> var = old + add;
               assert(var <= MAX)           /* (i) */
           };
           break
        :: atomic { old = var }             /* it fails (var moved), or */
        fi                                  /* fails spuriously (weak) */
    od;
#endif
    ex = n - add;
    old = 0;
    room = 0;
    add = 0
}

proctype producer()
{
    byte k, n, old, room, add, excess, lost;
    do
    :: k < K ->
        atomic {
            k++;
            if
            :: n = 1
            :: n = 2
            fi;
            added = added + n
        };
        /* coop_priv_count_add(&count, &over, n) */
        sat_add(count, n, excess);
        if
        :: excess != 0 ->
            sat_add(over, excess, lost);
            atomic { dropped = dropped + lost; lost = 0 }
        :: else -> skip
        fi;
        n = 0;
        excess = 0
    :: break                                /* it may stop at any time */
    od
}

/* n = coop_flag_take / coop_counter_take, as often as it likes */
active proctype taker()
{
    byte v;
    do
#ifdef BUG_TAKE_SPLIT
    :: v = count;                           /* BUG: load, */
       atomic { count = 0; taken = taken + v; v = 0 } /* then store 0 */
#else
    :: atomic { taken = taken + count; count = 0 } /* __atomic_exchange_n(c, 0) */
#endif
    :: break
    od
}

init
{
    byte i;
    atomic {
        do
        :: i < P -> run producer(); i++
        :: else -> break
        od
    }
}

active proctype monitor()
{
    timeout ->
    assert(added == taken + count + over + dropped); /* (ii) */
#ifdef WITNESS_SATURATED
    assert(dropped == 0)                    /* must fail: both counts saturate */
#endif
}
