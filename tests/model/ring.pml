/* tests/model/ring.pml - a spin model of the ring: one producer (an ISR, or
 * a thread on the host), one consumer task.
 *
 * What is modelled (keep in sync with these lines; numbers as of 46b7529):
 *   include/coop/irq.h  struct coop_ring (mask, head, tail mod 256,
 *                         overflows; lines 80-89);
 *                       coop_ring_push (229-246): head = own head, tail =
 *                         COOP_PRIV_LOAD; full when (uint8_t)(head - tail) >
 *                         mask: overflows + 1; else copy record_size bytes
 *                         into slot head & mask, then COOP_PRIV_STORE head+1;
 *                       coop_ring_pop (249-262): tail = own tail, head =
 *                         COOP_PRIV_LOAD; empty when equal; else copy the
 *                         slot out, then COOP_PRIV_STORE tail+1;
 *                       the task's "while (pop) use; AWAIT_RING" (AWAIT_RING
 *                         waits until coop_ring_count != 0).
 *   Left out: the push's coop_call_post and the wake-up (call_inbox.pml and
 *   flag_idle.pml), the saturation of overflows (counter_sat.pml).
 *
 * A ring of CAP records (default 2) of R bytes (2). The producer tries N
 * pushes (5); record k (1..N) is R bytes of value k. head and tail start at
 * START (254), so the pushes cross the uint8_t wrap. Each byte copied is a
 * step of its own. In the default flavour the producer is an interrupt on
 * one core: a push is one indivisible step that may fall between any two
 * steps of the task. FLAVOUR_THREAD: the producer is a thread
 * (COOP_PORT_ATOMIC 1), its steps interleave with the task's. Spin's memory
 * is sequentially consistent: this checks the protocol (what is published
 * when), not the memory orders of COOP_PRIV_LOAD / STORE.
 *
 * Checked (tests/model/run.sh runs spin on each; safety, -DNOCLAIM):
 *   (i)   no record is read before it is fully written: each byte the task
 *         copies belongs to a slot whose last write was a whole record
 *         (ghost `ready`);
 *   (ii)  every record popped is the next one pushed and not dropped, whole:
 *         its bytes all equal the number of the oldest accepted record not
 *         yet popped (records come out once each, in order, none skipped);
 *   (iii) a push is refused only when the ring really holds CAP records
 *         (ghost `inring`: published minus freed, counted apart from the
 *         indexes);
 *   (iv)  when nothing can move any more (spin's timeout: the producer has
 *         finished and the task waits on an empty ring): popped + overflows
 *         == pushes tried, and the ring is empty.
 *
 * Variants (-D...): the correct model must verify, each BUG_ must fail.
 *   BUG_PUBLISH_EARLY  (with FLAVOUR_THREAD) the push stores head before
 *                      the copy: the task reads a slot being written (i).
 *                      On one core the ISR's push is indivisible, so only
 *                      a second context (a thread, the other core) shows it.
 *   BUG_FREE_EARLY     the pop stores tail before its copy: the producer
 *                      overwrites the slot being read (ii).
 *   BUG_FULL_LATE      the full test one late ((uint8_t)(head - tail) >
 *                      mask + 1): a push overwrites the oldest record (ii).
 *   BUG_FULL_EARLY     the full test one early (>= mask): a push is refused
 *                      with a slot free (iii).
 *   CAP=k, R=k, N=k, START=k  sizes (CAP a power of two).
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef CAP
#define CAP 2
#endif
#ifndef R
#define R 2
#endif
#ifndef N
#define N 5
#endif
#ifndef START
#define START 254
#endif
#define MASK (CAP - 1)
#define U8(x) ((x) & 255)       /* (uint8_t) */

byte head = START;      /* ring->head: records pushed, mod 256 */
byte tail = START;      /* ring->tail: records popped, mod 256 */
byte buf[CAP * R];      /* the storage */
byte overflows;         /* ring->overflows */
byte tried;             /* ghost: pushes tried */
byte popped;            /* ghost: records popped */
byte last;              /* ghost: the number of the last record popped */
int acc;                /* ghost: bit k set when record k was accepted */
byte inring;            /* ghost: records published and not yet freed */
bool ready[CAP];        /* ghost: the slot's last write was a whole record */

#if defined(BUG_FULL_LATE)
#define FULL(h, t) (U8((h) - (t)) > MASK + 1)
#elif defined(BUG_FULL_EARLY)
#define FULL(h, t) (U8((h) - (t)) >= MASK)
#else
#define FULL(h, t) (U8((h) - (t)) > MASK)
#endif

/* ------------------------------------------------------------------ producer */
/* coop_ring_push(&ring, &record k) */
inline push()
{
    h = head;                               /* only the producer writes head */
    atomic { t = tail; was_full = (inring == CAP) }; /* COOP_PRIV_LOAD(&tail) */
    if
    :: FULL(h, t) ->
        overflows++;                        /* coop_priv_sat_add(&overflows, 1) */
        assert(was_full)                    /* (iii) refused only when full */
    :: else ->
        s = h & MASK;
#ifdef BUG_PUBLISH_EARLY
        atomic { head = U8(h + 1); inring++; acc = acc | (1 << k) }; /* BUG */
#endif
        i = 0;
        do
        :: i < R ->                         /* dst[i] = record[i] */
            atomic { buf[s * R + i] = k; ready[s] = (i == R - 1); i++ }
        :: else -> break
        od;
#ifndef BUG_PUBLISH_EARLY
        atomic {                            /* COOP_PRIV_STORE(&head, head + 1): */
            head = U8(h + 1);               /* publish after the copy */
            inring++;
            acc = acc | (1 << k)
        };
#endif
        i = 0;
        s = 0
    fi;
    h = 0;
    t = 0;
    was_full = false
}

active proctype producer()
{
    byte k, h, t, s, i;
    bool was_full;
    do
#ifdef FLAVOUR_THREAD
    :: k < N -> atomic { k++; tried++ }; push()
#else
    :: atomic { k < N -> k++; tried++; push() } /* the ISR: one step */
#endif
    :: break                                /* it may stop at any time */
    od
}

/* ------------------------------------------------------------------ task */
/* for (;;) { while (coop_ring_pop(&ring, &rec)) use(rec); AWAIT_RING(&ring); } */
active proctype task()
{
    byte t, h, s, i, e;
    byte rec[R];
    do
    :: /* coop_ring_pop */
        t = tail;                           /* only the task writes tail */
        h = head;                           /* COOP_PRIV_LOAD(&head) */
        if
        :: h == t ->                        /* empty: false */
end_wait:   U8(head - tail) != 0            /* AWAIT_RING: coop_ring_count != 0 */
        :: else ->
            s = t & MASK;
#ifdef BUG_FREE_EARLY
            atomic { tail = U8(t + 1); inring-- }; /* BUG: free the slot first */
#endif
            i = 0;
            do
            :: i < R ->                     /* record[i] = src[i] */
                atomic {
                    assert(ready[s]);       /* (i) whole before it is read */
                    rec[i] = buf[s * R + i];
                    i++
                }
            :: else -> break
            od;
#ifndef BUG_FREE_EARLY
            atomic { tail = U8(t + 1); inring-- }; /* COOP_PRIV_STORE(&tail, tail + 1) */
#endif
            atomic {                        /* use(rec): check it */
                e = last + 1;               /* the oldest accepted record */
                do                          /* not yet popped */
                :: e <= N && !((acc >> e) & 1) -> e++
                :: else -> break
                od;
                i = 0;
                do
                :: i < R -> assert(rec[i] == e); rec[i] = 0; i++ /* (ii) */
                :: else -> break
                od;
                last = e;
                popped++;
                e = 0;
                i = 0;
                s = 0
            }
        fi;
        t = 0;
        h = 0
    od
}

/* ------------------------------------------------------------------ checks */
active proctype monitor()
{
    timeout ->
    assert(popped + overflows == tried);    /* (iv) */
    assert(head == tail && inring == 0)
}
