/* tests/model/flag_idle.pml - a spin model of the flag / idle hand-off.
 *
 * What is modelled: one interrupt that calls coop_flag_set at most N times,
 * one task that loops on AWAIT_FLAG, and the loop (coop_priv_run) with its
 * inbox drain and its idle handshake, in the critical-section flavour
 * (COOP_PORT_ATOMIC 0: one core; AVR, Cortex-M0+, the virtual port). The C
 * it follows (include/coop/...):
 *
 *   irq.h    coop_flag_set = coop_priv_count_add(&sets) + coop_call_post;
 *            coop_priv_flag_wait = coop_flag_take, else coop_priv_wait_in;
 *            coop_priv_flag_posted = if coop_flag_is_set: wake_first(waiters).
 *   sched.h  coop_call_post (xchg posted; if it was 0 push on the inbox under
 *            the mask and coop_port_wake), coop_priv_drain (take the inbox under
 *            the mask; per call: posted = 0, then fn), coop_priv_pass,
 *            coop_priv_run (unmasked inbox check, drain, run the ready task,
 *            else IRQ_SAVE; if the inbox is empty coop_port_idle; RESTORE).
 *   port     coop_port_idle unmasks and sleeps in one step (AVR sei; sleep,
 *            WFI with PRIMASK set, pselect with the old mask); an interrupt
 *            ends the sleep; idle returns masked.
 *
 * One core: the ISR preempts the loop at any statement boundary where
 * interrupts are unmasked and runs to its end (one atomic step here). Every
 * loop statement below is a point the ISR may fall between, except inside
 * "masked = true ... masked = false", where it cannot run. The counts and
 * the one-entry inbox are small enough here to be read and written whole.
 *
 * Checked (tests/model/run.sh runs spin on each):
 *   safety (compiled with -DNOCLAIM): when nothing can move any more (spin's
 *     timeout: the ISR has finished and the loop sleeps) the monitor asserts
 *     (i)   no lost wake-up: the loop does not sleep with work pending
 *           (a set not consumed, or a call in the inbox),
 *     (ii)  every set was consumed: consumed == fired,
 *     (iii) the task is not parked in the wait queue while sets > 0;
 *     and the ISR asserts that a call is never pushed twice on the inbox.
 *   ltl no_lost_wakeup: never, from some point on, asleep with work pending.
 *   ltl all_consumed:   infinitely often consumed == fired.
 *
 * Variants (-D...): the correct model must verify, each BUG_ must fail.
 *   BUG_SPLIT_SLEEP    idle checks the inbox, unmasks, then sleeps as
 *                      separate steps (the race of DESIGN 4.1).
 *   BUG_LATE_UNPOST    the drain clears posted after running the call.
 *   BUG_TAKE_UNMASKED  coop_flag_take reads and clears sets without the mask.
 *   HINT_MAY_MISS      (must verify; safety only, as it adds a loop that
 *                      never drains) the unmasked inbox check at the top of
 *                      the loop may read either answer whatever the inbox
 *                      holds (a torn 16-bit pointer read on AVR while the
 *                      ISR pushes): correctness must not rest on it.
 *   FLAVOUR_THREAD     COOP_PORT_ATOMIC 1 on the host, the poster being a
 *                      thread (coop_host_irq_source): its steps interleave
 *                      with the loop's whatever the mask; each __atomic
 *                      operation is one step; idle is pselect on the wake
 *                      pipe, which keeps a wake written before it sleeps.
 *                      Sequentially consistent: spin checks the protocol,
 *                      not the memory orders.
 *   BUG_WAKE_FIRST     (with FLAVOUR_THREAD) the thread writes the wake pipe
 *                      before it pushes the call.
 *   N=k                the ISR fires at most k times (default 3); it may
 *                      also stop at any time, so every count up to k is
 *                      covered.
 *
 * SPDX-License-Identifier: MIT
 */

#ifndef N
#define N 3
#endif

bool masked;            /* interrupts masked: COOP_PORT_IRQ_SAVE .. RESTORE */
bool sleeping;          /* the loop is asleep inside coop_port_idle */
byte sets;              /* flag->sets: sets not yet consumed */
bool posted;            /* flag->call.posted */
byte inbox;             /* calls in coop_priv_inbox (only the flag's call exists) */
bool task_ready = true; /* in the run queue: spawned before coop_loop_run */
bool task_waiting;      /* parked in flag->waiters */
byte fired;             /* coop_flag_set calls so far */
byte consumed;          /* sets the task has taken (the sum of flag->taken) */
#ifdef FLAVOUR_THREAD
bool pipe;              /* bytes in the wake pipe (a full pipe stays full) */
#endif

#define pending (sets > 0 || inbox > 0)

/* ------------------------------------------------------------------ ISR */
#ifndef FLAVOUR_THREAD
/* ISR(...) { coop_flag_set(&flag); } at most N times, whenever unmasked. */
active proctype isr()
{
    do
    :: atomic {
           !masked && fired < N ->          /* runs only while unmasked */
           fired++;
           sets++;                          /* coop_priv_count_add(&flag->sets, ..., 1) */
           if                               /* coop_call_post: */
           :: !posted ->                    /* xchg_u8(&call->posted, 1) == 0 */
               posted = true;
               assert(inbox == 0);          /* never pushed twice */
               inbox++                      /* call->next = inbox; inbox = call */
           :: else ->
               posted = true
           fi;
           sleeping = false                 /* coop_port_wake(); any interrupt */
       }                                    /* ends the sleep */
    :: break                                /* it may stop firing at any time */
    od
}
#else
/* A thread: coop_flag_set(&flag) at most N times, any time. */
active proctype isr()
{
    bool old;
    do
    :: fired < N ->
        atomic { fired++; sets++ };         /* sat_add: the successful CAS */
        atomic { old = posted; posted = true }; /* __atomic_exchange_n */
#ifdef BUG_WAKE_FIRST
        pipe = true;                        /* BUG: wake first, */
#endif
        if
        :: !old ->
            atomic {                        /* the successful CAS of the push */
                assert(inbox == 0);
                inbox++
            };
#ifndef BUG_WAKE_FIRST
            pipe = true                     /* coop_port_wake: write(pipe), only */
#else                                       /* when this post linked the call */
            skip
#endif
        :: else -> skip                     /* posted already: no wake needed */
        fi;
        old = false
    :: break
    od
}
#endif

/* ------------------------------------------------------------------ loop */

/* coop_priv_flag_posted, run by the drain in the loop's context */
inline flag_posted()
{
#ifndef FLAVOUR_THREAD
    masked = true;                          /* coop_flag_is_set: count_read */
    is_set = (sets != 0);                   /* under the mask */
    masked = false;
#else
    is_set = (sets != 0);                   /* __atomic_load_n */
#endif
    if
    :: is_set ->
        if                                  /* coop_priv_wake_first(&waiters) */
        :: task_waiting -> task_waiting = false; task_ready = true
        :: else -> skip                     /* q->last == NULL: nobody waits */
        fi
    :: else -> skip
    fi;
    is_set = false
}

/* coop_priv_drain */
inline drain()
{
#ifndef FLAVOUR_THREAD
    masked = true;                          /* COOP_PORT_IRQ_SAVE */
    list = inbox;                           /* list = coop_priv_inbox */
    inbox = 0;                              /* coop_priv_inbox = NULL */
    masked = false;                         /* COOP_PORT_IRQ_RESTORE */
#else
    atomic { list = inbox; inbox = 0 };     /* __atomic_exchange_n(&inbox, NULL) */
#endif
    if
    :: list > 0 ->                          /* the one call of the list */
#ifndef BUG_LATE_UNPOST
        posted = false;                     /* COOP_PRIV_STORE(&fifo->posted, 0) */
        flag_posted();                      /* fifo->fn(fifo) */
#else
        flag_posted();                      /* BUG: run the call first, */
        posted = false;                     /* then clear posted */
#endif
        list = 0
    :: else -> skip
    fi
}

/* coop_priv_pass with the one task, whose body is
 *     for (;;) { AWAIT_FLAG(&flag); use coop_flag_count(&flag); maybe YIELD(); }
 * A woken task resumes at AWAIT_FLAG and calls coop_priv_flag_wait again
 * (COOP_PRIV_AWAIT_OP). */
inline pass()
{
    task_ready = false;                     /* the pass takes the run queue */
    do
    :: /* coop_priv_flag_wait: n = coop_flag_take(flag) */
#if defined(BUG_TAKE_UNMASKED)
        n = sets;                           /* BUG: read, (an ISR fits here) */
        sets = 0;                           /* then clear */
#elif defined(FLAVOUR_THREAD)
        atomic { n = sets; sets = 0 };      /* __atomic_exchange_n(c, 0) */
#else
        masked = true;                      /* coop_priv_count_take: SAVE */
        n = sets;                           /* v = *c */
        sets = 0;                           /* *c = 0 */
        masked = false;                     /* RESTORE */
#endif
        if
        :: n != 0 ->                        /* flag->taken = n; COOP_DONE */
            consumed = consumed + n;
            n = 0;
            if
            :: skip                         /* straight back to AWAIT_FLAG */
            :: task_ready = true; break     /* YIELD(): queued for the next pass */
            fi
        :: else ->                          /* coop_priv_wait_in(&flag->waiters) */
            task_waiting = true;
            break                           /* returns COOP_WAITING */
        fi
    od
}

active proctype loop()
{
    byte n;      /* the task's coop_count_t n */
    byte list;   /* the drain's list */
    bool is_set; /* flag_posted's coop_flag_is_set */

    do
    :: /* if (COOP_PRIV_LOAD(&coop_priv_inbox) != NULL) coop_priv_drain(); */
#ifndef HINT_MAY_MISS
        if
        :: inbox != 0 -> drain()
        :: else -> skip
        fi;
#else
        if                                  /* a torn read may see anything: */
        :: drain()                          /* not NULL (drain finds it empty), */
        :: skip                             /* or NULL, whatever the inbox holds */
        fi;
#endif
        /* coop_priv_expire: no timers in this model */
        if
        :: task_ready -> pass()             /* loop->ready != NULL */
        :: else ->                          /* alive != 0: the idle handshake */
            masked = true;                  /* s = COOP_PORT_IRQ_SAVE() */
            if
            :: inbox == 0 ->                /* COOP_PRIV_LOAD(&coop_priv_inbox) == NULL */
#if defined(FLAVOUR_THREAD)
                atomic {                    /* coop_port_idle: pselect with the */
                    masked = false;         /* old mask, on the wake pipe */
                    sleeping = true
                };
end_sleep:      pipe -> sleeping = false;   /* returns once the pipe has bytes */
                pipe = false;               /* read them all */
#elif defined(BUG_SPLIT_SLEEP)
                masked = false;             /* BUG: unmask, (an ISR fits here) */
                sleeping = true;            /* then sleep */
end_sleep:      !sleeping;
#else
                atomic {                    /* coop_port_idle: unmask and sleep */
                    masked = false;         /* in one step */
                    sleeping = true
                };
end_sleep:      !sleeping;                  /* until an interrupt ends it */
#endif
                masked = true               /* idle returns masked */
            :: else -> skip                 /* woke = true: go round again */
            fi;
            masked = false                  /* COOP_PORT_IRQ_RESTORE(s) */
        fi
    od
}

/* ------------------------------------------------------------------ checks */
/* When nothing can move any more, the ISR has finished and the loop sleeps
 * for good: by then every set must have reached the task. */
active proctype monitor()
{
    timeout ->
    assert(sleeping);                       /* the only place the loop stops */
    assert(!(sleeping && pending));         /* (i) no lost wake-up */
    assert(consumed == fired);              /* (ii) every set consumed */
    assert(!(task_waiting && sets > 0))     /* (iii) not parked with sets */
}

ltl no_lost_wakeup { !<>[](sleeping && pending) }
ltl all_consumed { []<>(consumed == fired) }
