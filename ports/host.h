/* ports/host.h - the host port: POSIX (Linux, macOS), the real clock, and a
 * board made of the terminal: LEDs drawn in a status line, buttons pressed
 * with the keys 1..4.
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .c file
 *     #include "host.h"                // first, before any system header
 *
 *     coop_board_init();
 *     coop_pin_output(BOARD_LED1, false);
 *     ... spawn tasks, coop_loop_run(&loop) ...
 *
 * Clock: CLOCK_MONOTONIC, in ticks (COOP_TICK_HZ) since the first use of the
 * clock (coop_board_init or coop_port_now); coop_tick_t wraps naturally.
 * Idle: sleeps in the kernel (pselect) until the deadline's tick has begun,
 * the next scripted key, a key press, an interrupt or a wake: never early,
 * never a busy wait. With no deadline and nothing that could wake it (no
 * keyboard, no script left, no interrupt source) it returns false and the
 * loop ends with COOP_EDEADLK.
 *
 * Interrupts are POSIX signals: coop_host_irq_attach(SIGUSR1, isr) makes isr
 * an interrupt handler (it may call the @isr_ok functions: coop_flag_set,
 * coop_counter_add, coop_ring_push, coop_call_post). The critical section
 * (coop_port_irq_save) blocks every signal; the loop's idle sleeps in
 * pselect with the mask from before it, so a signal between "nothing to do"
 * and the sleep is delivered inside pselect and ends it: no lost wake-up.
 * Another thread may play a second core: call coop_host_irq_source() before
 * starting the thread and before coop_loop_run; the thread then calls the
 * same @isr_ok functions; coop_port_wake writes to a pipe that idle's
 * pselect watches. ISR objects use GCC/Clang atomics
 * (COOP_PORT_ATOMIC 1); a build may set COOP_PORT_ATOMIC 0 to run the
 * chips' critical-section flavour against signals instead (not threads).
 *
 * The port is three files. ports/posix.h: the clock, the critical section,
 * signals as interrupts and the wake, shared with ports/linux_gpiod.h. This
 * header: the idle and the asserts, the rest of the contract (what a porter
 * reads). ports/host_board.h, included here: the board (LEDs in a status
 * line, keys and scripts as buttons, their edges as interrupts), which the
 * idle asks for its next event and its keyboard.
 *
 * Asserts: the terminal is restored, "file:line: message" goes to stderr and
 * the program aborts.
 *
 * The implementation needs POSIX.1-2008: ports/posix.h defines
 * _POSIX_C_SOURCE when nothing else chose a feature set, which works only if
 * this header is included before any system header (or compile with
 * -D_DEFAULT_SOURCE / gnu99).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_HOST_H
#define COOP_PORT_HOST_H

#include "vcd.h"   /* COOP_VCD 1: record the run (ports/vcd.h) */
#include "posix.h" /* coop.h, the clock, the critical section, the wake */

#ifdef __cplusplus
extern "C" {
#endif
/* Make `isr` the interrupt handler of signal `signo` (see above). COOP_OK, or
 * COOP_EINVAL when the signal cannot be caught. */
int coop_host_irq_attach(int signo, void (*isr)(int signo));
/* Something outside the loop (a thread) will post or set ISR objects: idle
 * with no deadline then waits for it instead of reporting a deadlock. Call it
 * from the loop's thread, before starting that thread and coop_loop_run. */
void coop_host_irq_source(void);
#ifdef __cplusplus
}
#endif

#include "host_board.h" /* the pins, the terminal, the keys */

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_HOST_IMPLEMENTED
#define COOP_PORT_HOST_IMPLEMENTED

#include <sys/select.h>

void coop_host_irq_source(void)
{
    coop_priv_posix_irq_source();
}

int coop_host_irq_attach(int signo, void (*isr)(int signo))
{
    return coop_priv_posix_irq_attach(signo, isr, "coop_host_irq_attach: isr is NULL");
}

/* Sleep in pselect until the deadline's tick, the board's next event, a key,
 * a wake or a signal. */
bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    uint64_t now_ns, event = 0, target = 0;
    bool has_target = false;
    struct timespec rel;
    coop_priv_posix_held_t held;
    fd_set in;
    int keys, wake, nfds = 0, r;

    if (coop_priv_host_poll())
        return true; /* a key came in: let the loop look */
    now_ns = coop_priv_posix_ns();
    if (has_deadline) {
        if (!coop_priv_posix_deadline_ns(deadline, now_ns, &target))
            return true;
        has_target = true;
    }
    if (coop_priv_host_next_event_ns(&event) && (!has_target || event < target)) {
        target = event;
        has_target = true;
    }
    keys = coop_priv_host_keys_fd();
    if (!has_target && keys < 0 && coop_priv_posix.sources == 0)
        return false; /* nothing could ever wake us */
    if (has_target) {
        if (target <= now_ns)
            return true;
        rel = coop_priv_posix_timespec(target - now_ns);
    }
    /* called with every signal blocked (coop_port_irq_save): pselect
     * unblocks them and sleeps in one step. The timeout is relative to a
     * clock read just now, so it never ends early. */
    FD_ZERO(&in);
    if (keys >= 0) {
        FD_SET(keys, &in);
        nfds = keys + 1;
    }
    wake = coop_priv_posix_wake_fd();
    if (wake >= 0) {
        FD_SET(wake, &in);
        if (wake >= nfds)
            nfds = wake + 1;
    }
    r = pselect(nfds, &in, NULL, NULL, has_target ? &rel : NULL, coop_priv_posix_unmask_begin(&held));
    coop_priv_posix_unmask_end(&held);
    if (r > 0 && wake >= 0 && FD_ISSET(wake, &in))
        coop_priv_posix_wake_take();
    if (r > 0 && keys >= 0 && FD_ISSET(keys, &in))
        coop_priv_host_read_keys(true);
    coop_priv_host_poll();
    return true;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    fflush(stdout);
    coop_priv_host_restore();
    fprintf(stderr, "%s:%d: %s\n", file, line, msg);
    abort();
}

#endif /* COOP_PORT_HOST_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_HOST_H */
