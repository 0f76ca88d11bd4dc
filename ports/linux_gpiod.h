/* ports/linux_gpiod.h - the Linux GPIO port: real lines through the kernel's
 * GPIO character device (libgpiod v2, or v1 as in Debian 12), tickless.
 * A Raspberry Pi or any Linux board runs the same examples as the chips.
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "linux_gpiod.h"         // first, before any system header
 *
 *     coop_board_init();               // reads --chip, --led1, ... (below)
 *     coop_pin_output(BOARD_LED1, false);
 *     ... spawn tasks, coop_loop_run(&loop) ...
 *
 *     cc -Iinclude -Iports prog.c $(pkg-config --cflags --libs libgpiod)
 *
 * The port is three files. ports/posix.h: the clock, the critical section,
 * signals as interrupts and the wake, shared with ports/host.h. This header:
 * the idle and the asserts, the rest of the contract (what a porter reads).
 * ports/linux_gpiod_board.h, included here: the board (lines, chips, the
 * command line, --trace, edges), which the idle asks for the descriptors of
 * the lines that detect edges.
 *
 * Clock: CLOCK_MONOTONIC, in ticks (COOP_TICK_HZ) since the first use of the
 * clock; the kernel stamps edges with the same clock.
 *
 * IDLE: ppoll on the edge lines' descriptors, an eventfd (coop_port_wake
 * from another thread: ports/posix.h) and a timerfd armed at the deadline
 * tick's first ns (absolute CLOCK_MONOTONIC: ppoll's own timeout would add a
 * slack of 0.1 % of the wait, 250 us to a 250 ms sleep), with the signal mask
 * from before the loop's critical section: a signal between "nothing to do"
 * and the sleep is delivered inside ppoll and ends it (as the host port's
 * pselect).
 * An idle board makes no system call until a deadline, an edge, a signal or
 * a post from another thread: no CPU, no tick. With no deadline, no edge
 * line and no interrupt source it returns false (COOP_EDEADLK).
 * coop_gpiod_stats() counts the sleeps, what ended them, the edges and how
 * late the deadline wake-ups came (--trace prints it at exit).
 *
 * Edges are the interrupts of this port: the idle finds a line's descriptor
 * readable and delivers its events (ports/linux_gpiod_board.h).
 *
 * Signals as interrupts, as on the host port: coop_gpiod_irq_attach(signo,
 * isr); a thread that posts calls coop_gpiod_irq_source() first. The
 * critical section blocks every signal; ISR objects use GCC/Clang atomics
 * (COOP_PORT_ATOMIC 1; 0 works against signals too).
 *
 * The implementation needs _GNU_SOURCE (ppoll): this header defines it when
 * nothing else chose a feature set, which works only if it is included before
 * any system header (or compile with -D_GNU_SOURCE).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_LINUX_GPIOD_H
#define COOP_PORT_LINUX_GPIOD_H

#if defined(COOP_IMPLEMENTATION) && !defined(_GNU_SOURCE)
#if defined(_POSIX_C_SOURCE) || defined(_XOPEN_SOURCE) || defined(_DEFAULT_SOURCE) || defined(_BSD_SOURCE)
#error "coop gpiod port: the implementation needs _GNU_SOURCE (ppoll): define it, or include linux_gpiod.h first"
#endif
#define _GNU_SOURCE 1
#endif

#ifndef COOP_PIN_TYPE
#define COOP_PIN_TYPE uint16_t /* board pins 1..6 and COOP_GPIOD_LINE(0..0xfeff) */
#endif
#define COOP_PRIV_POSIX_LINUX 1 /* an eventfd wake; none on the loop's own thread */
#include "posix.h"           /* coop.h, the clock, the critical section, the wake */

#ifdef __cplusplus
extern "C" {
#endif
/* Deliver the edges queued so far, without sleeping (loop side). */
void coop_gpiod_poll(void);
/* Signals as interrupts (as ports/host.h): COOP_OK or COOP_EINVAL. */
int coop_gpiod_irq_attach(int signo, void (*isr)(int signo));
void coop_gpiod_irq_source(void);
#ifdef __cplusplus
}
#endif

#include "linux_gpiod_board.h" /* the lines, the command line, the edges */

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_LINUX_GPIOD_IMPLEMENTED
#define COOP_PORT_LINUX_GPIOD_IMPLEMENTED

#include <sys/timerfd.h>

static struct coop_priv_gpiod_idle {
    int timer1;    /* timerfd + 1 (0: none yet or none to be had): the deadline */
    uint64_t armed; /* the timerfd's absolute CLOCK_MONOTONIC ns, 0: disarmed */
    bool fired;    /* the last wait saw the timerfd expire */
} coop_priv_gpiod_idle;

/* The wake and the deadline's descriptors (board init, an irq source or the
 * first idle: the loop's thread). */
static void coop_priv_gpiod_wake_fd(void)
{
    coop_priv_posix_wake_open();
    if (coop_priv_gpiod_idle.timer1 == 0)
        coop_priv_gpiod_idle.timer1 = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC) + 1;
}

void coop_gpiod_irq_source(void)
{
    coop_priv_gpiod_wake_fd();
    coop_priv_posix_irq_source();
}

int coop_gpiod_irq_attach(int signo, void (*isr)(int signo))
{
    return coop_priv_posix_irq_attach(signo, isr, "coop_gpiod_irq_attach: isr is NULL");
}

/* Wait (timeout NULL: until something happens) on the wake fd, the deadline's
 * timerfd and the edge lines with signal mask `mask` (NULL: as it is), then
 * deliver what came. The number of ready descriptors, or -1 (a signal). */
static int coop_priv_gpiod_wait(const struct timespec *timeout, const sigset_t *mask)
{
    struct pollfd fds[2 + COOP_GPIOD_MAX_PINS];
    int owner[2 + COOP_GPIOD_MAX_PINS];
    nfds_t n = 0;
    int i, r;
    coop_priv_gpiod_idle.fired = false;
    if (coop_priv_posix_wake_fd() >= 0) {
        fds[n].fd = coop_priv_posix_wake_fd();
        fds[n].events = POLLIN;
        owner[n++] = -1;
    }
    if (coop_priv_gpiod_idle.armed != 0) {
        fds[n].fd = coop_priv_gpiod_idle.timer1 - 1;
        fds[n].events = POLLIN;
        owner[n++] = -2;
    }
    n = coop_priv_gpiod_edge_fds(fds, owner, n);
    r = ppoll(fds, n, timeout, mask);
    if (r <= 0)
        return r;
    for (i = 0; i < (int)n; i++) {
        if ((fds[i].revents & (POLLIN | POLLERR | POLLHUP)) == 0)
            continue;
        if (owner[i] == -2) {
            uint64_t count;
            ssize_t rd = read(fds[i].fd, &count, sizeof count); /* expired: disarmed by itself */
            (void)rd;
            coop_priv_gpiod_idle.armed = 0;
            coop_priv_gpiod_idle.fired = true;
        } else if (owner[i] < 0) {
            coop_priv_posix_wake_take();
            coop_priv_gpiod.stats.by_wake++;
        } else if (fds[i].revents & POLLIN) { /* a read with nothing queued would block */
            coop_priv_gpiod.stats.by_edge++;
            coop_priv_gpiod_edges(&coop_priv_gpiod.pins[owner[i]]);
        }
    }
    return r;
}

void coop_gpiod_poll(void)
{
    struct timespec zero = { 0, 0 };
    coop_irq_state_t s = coop_port_irq_save();
    (void)coop_priv_gpiod_wait(&zero, NULL);
    coop_port_irq_restore(s);
}

/* Arm the deadline's timerfd at `abs_ns` (CLOCK_MONOTONIC), or disarm it
 * (0); `armed` says what it holds (a disarm counts even if the call failed;
 * with no timerfd it stays 0: ppoll's timeout then). */
static void coop_priv_gpiod_arm(uint64_t abs_ns)
{
    struct itimerspec it;
    if (coop_priv_gpiod_idle.timer1 <= 0 || coop_priv_gpiod_idle.armed == abs_ns)
        return;
    memset(&it, 0, sizeof it);
    it.it_value = coop_priv_posix_timespec(abs_ns);
    if (timerfd_settime(coop_priv_gpiod_idle.timer1 - 1, abs_ns != 0 ? TFD_TIMER_ABSTIME : 0, &it, NULL) == 0 ||
        abs_ns == 0)
        coop_priv_gpiod_idle.armed = abs_ns;
}

/* Sleep until the deadline (a timerfd armed at the deadline tick's first ns,
 * CLOCK_MONOTONIC, absolute: ppoll's own timeout would add a slack of 0.1 %
 * of the wait, 250 us for a 250 ms sleep), an edge, a wake or a signal. */
bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    uint64_t now_ns = coop_priv_posix_ns();
    struct timespec rel, *timeout = NULL;
    coop_priv_posix_held_t held;
    uint64_t target = 0;
    int r;
    if (!has_deadline && !coop_priv_gpiod_has_edges() && coop_priv_posix.sources == 0)
        return false; /* nothing could ever wake us */
    coop_priv_gpiod_wake_fd();
    if (has_deadline) {
        if (!coop_priv_posix_deadline_ns(deadline, now_ns, &target) || target <= now_ns)
            return true;
        coop_priv_gpiod_arm(coop_priv_posix.t0 + target);
        if (coop_priv_gpiod_idle.armed == 0) { /* no timerfd: ppoll's timeout, relative to now */
            rel = coop_priv_posix_timespec(target - now_ns);
            timeout = &rel;
        }
    } else {
        coop_priv_gpiod_arm(0); /* disarm: no deadline now */
    }
    /* called with every signal blocked: ppoll unblocks them and sleeps in
     * one step (ports/posix.h) */
    coop_priv_gpiod.stats.sleeps++;
    r = coop_priv_gpiod_wait(timeout, coop_priv_posix_unmask_begin(&held));
    coop_priv_posix_unmask_end(&held);
    coop_priv_gpiod.stats.wakeups++;
    if (r == 0 || coop_priv_gpiod_idle.fired) {
        uint64_t late = coop_priv_posix_ns() - target;
        uint32_t us = late < 4000000000000u ? (uint32_t)(late / 1000u) : 0xffffffffu;
        coop_priv_gpiod.stats.timeouts++;
        coop_priv_gpiod.stats.late_sum_us += us;
        if (us > coop_priv_gpiod.stats.late_max_us)
            coop_priv_gpiod.stats.late_max_us = us;
    } else if (r < 0) {
        coop_priv_gpiod.stats.by_signal++;
    }
    return true;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    fflush(stdout);
    fprintf(stderr, "%s:%d: %s\n", file, line, msg);
    coop_gpiod_release_all();
    abort();
}

#endif /* COOP_PORT_LINUX_GPIOD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_LINUX_GPIOD_H */
