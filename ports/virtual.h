/* ports/virtual.h - a port whose clock only moves when the loop idles.
 *
 * For tests (ours and yours): time-based behaviour becomes deterministic and
 * instant. When no task is ready, the loop's idle jumps the clock straight to
 * the next deadline; nothing real is slept. A loop in which every task waits
 * with no deadline can never wake here, so the loop ends with COOP_EDEADLK.
 *
 *     #define COOP_IMPLEMENTATION
 *     #include "virtual.h"
 *     coop_virtual_set(0xffffff9c);        // start 100 ticks before the wrap
 *     coop_loop_init(&loop);
 *     ... spawn ...
 *     coop_loop_run(&loop);                // runs "minutes" in microseconds
 *
 * Asserts: coop_virtual_on_assert, if set, receives every COOP_ASSERT failure
 * and returns (the failing call then returns its error code); if NULL, the
 * message is printed to stderr and the program aborts.
 *
 * No GPIO: tests drive their own variables.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_VIRTUAL_H
#define COOP_PORT_VIRTUAL_H

#include "coop.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The virtual clock. */
void coop_virtual_set(coop_tick_t now);
void coop_virtual_advance(uint32_t ticks);
/* Times the loop idled, and the deadlines it idled to (for tests). */
extern uint32_t coop_virtual_idles;
/* Assert hook (see above). */
extern void (*coop_virtual_on_assert)(const char *msg, const char *file, int line);

#ifdef __cplusplus
}
#endif

#ifdef COOP_IMPLEMENTATION
#include <stdio.h>
#include <stdlib.h>

static coop_tick_t coop_virtual_now;
uint32_t coop_virtual_idles;
void (*coop_virtual_on_assert)(const char *msg, const char *file, int line);

void coop_virtual_set(coop_tick_t now)
{
    coop_virtual_now = now;
}

void coop_virtual_advance(uint32_t ticks)
{
    coop_virtual_now = coop_tick_add(coop_virtual_now, ticks);
}

coop_tick_t coop_port_now(void)
{
    return coop_virtual_now;
}

bool coop_port_idle(bool has_deadline, coop_tick_t deadline)
{
    coop_virtual_idles++;
    if (!has_deadline)
        return false; /* nothing in a virtual world can wake the loop */
    if (coop_tick_after(deadline, coop_virtual_now))
        coop_virtual_now = deadline;
    return true;
}

void coop_port_assert_fail(const char *msg, const char *file, int line)
{
    if (coop_virtual_on_assert != NULL) {
        coop_virtual_on_assert(msg, file, line);
        return;
    }
    fprintf(stderr, "%s:%d: %s\n", file, line, msg);
    abort();
}
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_VIRTUAL_H */
