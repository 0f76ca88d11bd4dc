/* ports/posix.h - the POSIX base of the host and Linux gpiod ports: the
 * clock, the critical section, signals as interrupts and the wake. Not a port
 * by itself: ports/host.h and ports/linux_gpiod.h include it and add their
 * idle and their board (include one of them, not this).
 *
 * Clock: CLOCK_MONOTONIC in ticks (COOP_TICK_HZ) since its first use;
 * coop_tick_t wraps naturally.
 * Interrupts are POSIX signals. The critical section (coop_port_irq_save)
 * blocks every signal on the loop's thread and nests; the port's idle sleeps
 * in one call that restores the mask from before it and sleeps in one step
 * (pselect, ppoll: coop_priv_posix_unmask_begin/_end around it), so a signal
 * between "nothing to do" and the sleep is delivered inside that call and
 * ends it: no lost wake-up. coop_priv_posix_irq_attach makes a handler of a
 * signal; another thread may post too (it is announced first:
 * coop_priv_posix_irq_source). coop_port_wake writes to a descriptor that the
 * idle watches. ISR objects use GCC/Clang atomics (COOP_PORT_ATOMIC 1; 0 runs
 * the chips' critical-section flavour, against signals only).
 *
 * The wake, two flavours (the port chooses before including this header):
 *   COOP_PRIV_POSIX_LINUX 0 (ports/host.h, also macOS): a self-pipe, written by
 *     every wake, also from a handler on the loop's own thread (where
 *     pselect is emulated in user space, a signal just before the sleep is
 *     not an EINTR: the pipe still ends the sleep).
 *   COOP_PRIV_POSIX_LINUX 1 (ports/linux_gpiod.h): an eventfd; a wake on the
 *     loop's own thread writes nothing (its handlers ran either before the
 *     loop's inbox check or inside ppoll, which they end with EINTR).
 *
 * The implementation needs POSIX.1-2008: this header defines _POSIX_C_SOURCE
 * when nothing else chose a feature set, which works only if the port is
 * included before any system header.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_POSIX_H
#define COOP_PORT_POSIX_H

#if defined(COOP_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_BSD_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdbool.h>
#include <stdint.h>

#ifndef COOP_PORT_ATOMIC
#define COOP_PORT_ATOMIC 1
#endif
#ifndef COOP_PRIV_POSIX_LINUX
#define COOP_PRIV_POSIX_LINUX 0
#endif
#include "coop.h"

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_POSIX_IMPLEMENTED
#define COOP_PORT_POSIX_IMPLEMENTED

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if COOP_PRIV_POSIX_LINUX
#include <sys/eventfd.h>
#endif

#define COOP_PRIV_POSIX_NS_PER_S 1000000000u
#define COOP_PRIV_POSIX_NS_PER_MS 1000000u

/* Zero-initialised: descriptors are stored + 1 (0: none). The helpers below
 * are static inline: a port need not use each. */
static struct coop_priv_posix {
    bool started;                  /* t0 is set */
    uint64_t t0;                   /* CLOCK_MONOTONIC ns of tick 0 */
    int depth;                     /* coop_port_irq_save nesting */
    sigset_t before;               /* the mask before the outermost save */
    int wake_r1, wake_w1;          /* coop_port_wake -> the idle (+ 1) */
    volatile sig_atomic_t sources; /* handlers or threads that may post */
    bool has_loop;                 /* loop_thread is set */
    pthread_t loop_thread;         /* the thread that runs the loop */
} coop_priv_posix;

/* CLOCK_MONOTONIC now, in ns. @isr_ok */
static inline uint64_t coop_priv_posix_abs_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * COOP_PRIV_POSIX_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* ns since the clock's zero (set by the first call). */
static inline uint64_t coop_priv_posix_ns(void)
{
    uint64_t now = coop_priv_posix_abs_ns();
    if (!coop_priv_posix.started) {
        coop_priv_posix.t0 = now;
        coop_priv_posix.started = true;
    }
    return now - coop_priv_posix.t0;
}

coop_tick_t coop_port_now(void)
{
    return (coop_tick_t)coop_ticks_from_ns(coop_priv_posix_ns());
}

coop_irq_state_t coop_port_irq_save(void)
{
    if (coop_priv_posix.depth == 0) {
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &coop_priv_posix.before); /* first, then depth */
    }
    coop_priv_posix.depth++;
    return (coop_irq_state_t)(coop_priv_posix.depth - 1);
}

void coop_port_irq_restore(coop_irq_state_t state)
{
    coop_priv_posix.depth = (int)state;
    if (state == 0) /* depth first: no handler runs until the mask goes */
        pthread_sigmask(SIG_SETMASK, &coop_priv_posix.before, NULL);
}

/* The idle's sleep is called masked and unmasks for its duration. A handler
 * that runs inside interrupted no critical section: it must see depth 0, so
 * that its own coop_port_irq_save masks for real (handlers of different
 * signals nest, and COOP_PORT_ATOMIC 0 relies on the mask). That save
 * overwrites `before`: keep ours aside. _begin returns the mask to sleep with
 * (NULL: keep it as it is); _end after the call, masked again. */
typedef struct coop_priv_posix_held {
    int depth;
    sigset_t before;
} coop_priv_posix_held_t;

static inline const sigset_t *coop_priv_posix_unmask_begin(coop_priv_posix_held_t *held)
{
    held->depth = coop_priv_posix.depth;
    held->before = coop_priv_posix.before;
    coop_priv_posix.depth = 0;
    return held->depth > 0 ? &held->before : NULL;
}

static inline void coop_priv_posix_unmask_end(const coop_priv_posix_held_t *held)
{
    coop_priv_posix.depth = held->depth; /* masked again: no handler runs now */
    coop_priv_posix.before = held->before;
}

/* *target = the clock's ns at which the deadline's tick begins, as seen at
 * `now_ns`; false if it has begun (the idle returns at once). */
static inline bool coop_priv_posix_deadline_ns(coop_tick_t deadline, uint64_t now_ns, uint64_t *target)
{
    uint64_t now_t = coop_ticks_from_ns(now_ns);
    coop_stick_t d = coop_tick_diff(deadline, (coop_tick_t)now_t);
    if (d <= 0)
        return false;
    *target = coop_tick_start_ns(now_t + (uint64_t)d);
    return true;
}

static inline struct timespec coop_priv_posix_timespec(uint64_t ns)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ns / COOP_PRIV_POSIX_NS_PER_S);
    ts.tv_nsec = (long)(ns % COOP_PRIV_POSIX_NS_PER_S);
    return ts;
}

/* Make the wake descriptor (once) and take the caller's thread as the loop's:
 * call it from the loop's thread. */
static inline void coop_priv_posix_wake_open(void)
{
#if COOP_PRIV_POSIX_LINUX
    if (coop_priv_posix.wake_r1 == 0)
        coop_priv_posix.wake_w1 = coop_priv_posix.wake_r1 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) + 1;
#else
    int fds[2], i;
    if (coop_priv_posix.wake_r1 == 0 && pipe(fds) == 0) {
        for (i = 0; i < 2; i++) {
            fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
            fcntl(fds[i], F_SETFD, FD_CLOEXEC);
        }
        coop_priv_posix.wake_r1 = fds[0] + 1;
        coop_priv_posix.wake_w1 = fds[1] + 1;
    }
#endif
    if (!coop_priv_posix.has_loop) {
        coop_priv_posix.loop_thread = pthread_self();
        coop_priv_posix.has_loop = true;
    }
}

/* The descriptor the idle watches for wakes, or -1. */
static inline int coop_priv_posix_wake_fd(void)
{
    return coop_priv_posix.wake_r1 - 1;
}

/* It was readable: take the wakes (what they announced is in the inbox). */
static inline void coop_priv_posix_wake_take(void)
{
    uint64_t buf[8];
    while (read(coop_priv_posix.wake_r1 - 1, buf, sizeof buf) > 0) {
    }
}

void coop_port_wake(void)
{
#if COOP_PRIV_POSIX_LINUX
    if (coop_priv_posix.has_loop && pthread_equal(pthread_self(), coop_priv_posix.loop_thread))
        return;
#endif
    if (coop_priv_posix.wake_w1 > 0) {
        int saved = errno; /* called from signal handlers */
        uint64_t one = 1;
        ssize_t w = write(coop_priv_posix.wake_w1 - 1, &one, sizeof one); /* full: a wake is pending anyway */
        (void)w;
        errno = saved;
    }
}

/* Something outside the loop may post: the idle waits for it. */
static inline void coop_priv_posix_irq_source(void)
{
    coop_priv_posix_wake_open(); /* called from the loop's thread, before the source starts */
    coop_priv_posix.sources = coop_priv_posix.sources + 1; /* not ++: deprecated on volatile in C++20 */
}

/* sigaction(signo) with handler `fn` and `flags`, no signal blocked beside
 * signo: 0, or -1 (errno). */
static inline int coop_priv_posix_handle(int signo, void (*fn)(int signo), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    return sigaction(signo, &sa, NULL);
}

/* `isr` becomes the interrupt handler of signal `signo` (`null_msg`: the
 * assert when isr is NULL). COOP_OK, or COOP_EINVAL. */
static inline int coop_priv_posix_irq_attach(int signo, void (*isr)(int signo), const char *null_msg)
{
    COOP_ASSERT(isr != NULL, null_msg);
    (void)null_msg; /* COOP_ASSERT may be defined empty */
    if (isr == NULL)
        return COOP_EINVAL;
    coop_priv_posix_irq_source();
    return coop_priv_posix_handle(signo, isr, SA_RESTART) == 0 ? COOP_OK : COOP_EINVAL;
}

/* coop_board_printf's line: formatted into text (cut at `size`), without
 * its trailing newlines. */
static inline void coop_priv_posix_vline(char *text, size_t size, const char *fmt, va_list ap)
{
    size_t n;
    vsnprintf(text, size, fmt, ap);
    n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
}

#endif /* COOP_PORT_POSIX_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_POSIX_H */
