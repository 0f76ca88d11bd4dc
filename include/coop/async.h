/* coop/async.h - stackless coroutines: ASYNC, AWAIT, YIELD, child coroutines.
 *
 * A coroutine is a C function that can stop in the middle and, when called
 * again, carry on where it stopped. Its only memory is a 2-byte coop_lc_t
 * named `lc` inside a struct you own (a coop_task_t has one):
 *
 *     struct blinker { coop_lc_t lc; int i; };      // a child coroutine's state
 *
 *     coop_status_t blink3(struct blinker *b)
 *     {
 *         ASYNC(b);                                 // resume where b->lc says
 *         for (b->i = 0; b->i < 3; b->i++) {        // b->i survives, a local would not
 *             led_toggle();
 *             YIELD();                              // stop here; next call continues
 *         }
 *         ASYNC_END;                                // returns COOP_DONE
 *     }
 *
 * GROUND RULES (break one and the compiler may not tell you):
 *  1. Locals do not survive AWAIT/YIELD/SLEEP. Keep every value that must live
 *     across a resume point in the coroutine's struct (b->i above).
 *  2. With the default COOP_LC_SWITCH back end, never put a resume point inside
 *     a `switch` of your own: use if/else there (or build with COOP_LC_GOTO).
 *     Caught at run time: COOP_ASSERT "resume point not found".
 *  3. Resume points only in the coroutine's own body, between ASYNC and
 *     ASYNC_END, never in a function it calls: call child coroutines with
 *     AWAIT_CALL instead.
 *  4. Blocking calls (delay loops, sleep()) stop every task: use the AWAIT forms.
 *  5. AWAIT's condition and AWAIT_CALL's call are evaluated again at each resume
 *     (that is how they wait); keep them free of side effects. All other macro
 *     arguments are evaluated exactly once.
 *  6. C++: a resume point may not jump over an initialised declaration; declare
 *     without initialiser or keep the value in the struct (rule 1).
 *  7. FINALLY stands at the top level of the body, as ASYNC and ASYNC_END do
 *     (it ends the body's block and opens the cleanup's; a resume point knows
 *     from that which side it is on, and a cancel only reaches the body).
 *
 * Statuses a coroutine returns (coop_status_t): COOP_DONE (0, finished),
 * COOP_YIELDED (run me again soon), COOP_WAITING (parked on a timer or a wait
 * queue; something will wake me).
 *
 * Macros (short name = COOP_ prefixed name; define COOP_NO_SHORT_NAMES to get
 * only the prefixed ones):
 *   ASYNC(ctx)           start of the body; ctx points to a struct with `lc`
 *   ASYNC_END            end of the body: the coroutine returns COOP_DONE
 *   YIELD()              let every other ready task run once, then continue
 *   AWAIT(cond)          continue when cond is true; polls: the task is
 *                        resumed at every pass of the loop until then
 *   AWAIT_CALL(ctx, call) run a child coroutine to the end: ctx is the child's
 *                        state (its lc is reset here), call is e.g. child(ctx)
 *   ASYNC_RETURN()       end now (the FINALLY section still runs)
 *   FINALLY              start of the cleanup section (at the top level of the
 *                        body, like ASYNC and ASYNC_END): runs when the body ends,
 *                        returns early, or the task is cancelled
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_ASYNC_H
#define COOP_ASYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "lc.h"

typedef uint8_t coop_status_t;
#define COOP_DONE ((coop_status_t)0)
#define COOP_YIELDED ((coop_status_t)1)
#define COOP_WAITING ((coop_status_t)2)
/* A coroutine that ended with a negative result (ASYNC_END_RC) returns the
 * result as a status with this bit set: done, too. */
#define COOP_PRIV_DONE_RC 0x80u

#ifdef __cplusplus
extern "C" {
#endif
/* Cancellation reaches a coroutine at its resume points (coop/sched.h keeps
 * these): coop_priv_cancels counts the tasks whose cancel has not yet
 * unwound to their own FINALLY; coop_priv_deliver is 1 while such a task
 * runs and its cancel may be delivered (a resume point before a FINALLY then
 * sends its coroutine there, setting it to 2 until that FINALLY starts, when
 * coop_priv_delivered_hook books it); coop_priv_call_depth is how deep below
 * its task the running coroutine is (AWAIT_CALL counts it). After a child
 * ends, coop_priv_cancel_hook says whether its caller goes to its FINALLY
 * too (the cancel unwinding). */
extern size_t coop_priv_cancels;
extern uint8_t coop_priv_deliver;
extern uint8_t coop_priv_call_depth;
extern void (*coop_priv_delivered_hook)(void);
extern bool (*coop_priv_cancel_hook)(void);
#ifdef __cplusplus
}
#endif

/* Reset a child coroutine's state so the next call starts from the top. */
#define COOP_CO_INIT(ctx) ((void)((ctx)->lc = COOP_PRIV_LC_START))
/* true once a coroutine has run to its end. */
#define COOP_CO_DONE(ctx) ((ctx)->lc == COOP_PRIV_LC_DONE)
/* Make the next call of a child coroutine run its FINALLY section and end (a
 * finished one stays finished). Cancelling a child that is already inside its
 * FINALLY section starts that section again: cancel a child once. */
#define COOP_CO_CANCEL(ctx) coop_priv_co_cancel(&(ctx)->lc)
static inline void coop_priv_co_cancel(coop_lc_t *lc)
{
    if (*lc != COOP_PRIV_LC_DONE)
        *lc = COOP_PRIV_LC_FINALLY;
}

/* The body is a block whose coop_priv_fin says, at compile time, whether a
 * resume point is in the FINALLY section (1) or before it (0): FINALLY ends
 * the body's block and opens the section's. So FINALLY must stand at the top
 * level of the body, as ASYNC and ASYNC_END do. */
#define COOP_ASYNC(ctx)                                          \
    coop_lc_t *const COOP_PRIV_LCP = &(ctx)->lc;                 \
    COOP_PRIV_LC_BEGIN() {                                       \
        enum { coop_priv_fin = 0 }

#define COOP_ASYNC_END } COOP_PRIV_LC_END()
/* ASYNC_END_RC(rc): ASYNC_END for a task that ends with a result. `rc` is
 * evaluated when the coroutine ends (after its FINALLY section), so it is
 * usually a field of the task's struct: COOP_OK or a negative code (-1 to
 * -128; COOP_E* or the program's own). coop_task_result then returns it
 * (a cancelled task's is COOP_ECANCELED whatever rc says), and
 * AWAIT_GATHER_FIRST_ERROR stops at it. In a child coroutine (AWAIT_CALL)
 * the result is not kept: the call just ends. */
#define COOP_ASYNC_END_RC(rc) } COOP_PRIV_LC_END_RC(rc)

#define COOP_FINALLY                                             \
    }                                                            \
    COOP_PRIV_LC_FINALLY_LABEL();                                \
    {                                                            \
        enum { coop_priv_fin = 1 }

#define COOP_ASYNC_RETURN()                                      \
    do {                                                         \
        *COOP_PRIV_LCP = COOP_PRIV_LC_FINALLY;                   \
        goto coop_priv_top;                                      \
    } while (0)

/* At a resume point before FINALLY: a cancel of the task that has not yet
 * reached a coroutine sends this one to its FINALLY section. */
#if defined(__GNUC__)
#define COOP_PRIV_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define COOP_PRIV_UNLIKELY(x) (x)
#endif
#define COOP_PRIV_CANCEL_POINT()                                 \
    do {                                                         \
        if (!coop_priv_fin && COOP_PRIV_UNLIKELY(coop_priv_deliver != 0)) { \
            coop_priv_deliver = 2;                               \
            COOP_ASYNC_RETURN();                                 \
        }                                                        \
    } while (0)

/* Suspend with `status`, continue here at the next call. */
#define COOP_PRIV_SUSPEND(n, status)                             \
    do {                                                         \
        COOP_PRIV_LC_MARK(n);                                    \
        return (status);                                         \
        COOP_PRIV_LC_LABEL(n);                                   \
        COOP_PRIV_CANCEL_POINT();                                \
    } while (0)

#define COOP_YIELD() COOP_PRIV_SUSPEND(COOP_PRIV_ID, COOP_YIELDED)

#define COOP_PRIV_AWAIT(n, cond)                                 \
    do {                                                         \
        COOP_PRIV_LC_MARK(n);                                    \
        COOP_PRIV_LC_LABEL_FT(n);                                \
        COOP_PRIV_CANCEL_POINT();                                \
        if (!(cond))                                             \
            return COOP_YIELDED;                                 \
    } while (0)
#define COOP_AWAIT(cond) COOP_PRIV_AWAIT(COOP_PRIV_ID, cond)

/* Park-style wait: `op` is evaluated at each resume and returns COOP_DONE when
 * the wait is over, otherwise the status to suspend with (it has parked the
 * task where something will wake it). Used by the scheduler's AWAIT forms. */
#define COOP_PRIV_AWAIT_OP(n, op) COOP_PRIV_AWAIT_OP_OR(n, op, (void)0)
/* The same; `on_cancel` runs when a cancel of the task reaches this wait
 * (AWAIT_GATHER cancels the tasks it gathers, as asyncio.gather does). */
#define COOP_PRIV_AWAIT_OP_OR(n, op, on_cancel)                  \
    do {                                                         \
        coop_status_t coop_priv_st;                              \
        COOP_PRIV_LC_MARK(n);                                    \
        COOP_PRIV_LC_LABEL_FT(n);                                \
        if (!coop_priv_fin && COOP_PRIV_UNLIKELY(coop_priv_deliver != 0)) \
            on_cancel;                                           \
        COOP_PRIV_CANCEL_POINT();                                \
        coop_priv_st = (op);                                     \
        if (coop_priv_st != COOP_DONE)                           \
            return coop_priv_st;                                 \
    } while (0)

/* A child coroutine: resumed (not cancelled here) at each resume, one level
 * deeper; a cancel reaches the innermost coroutine first and each one's
 * FINALLY runs before its caller's. A child called from a FINALLY section is
 * cleanup: a pending cancel does not reach into it. */
#define COOP_PRIV_AWAIT_CALL(n, ctx, call) COOP_PRIV_AWAIT_CALL_X(n, ctx, call, coop_priv_cancel_hook())
/* `after`: whether the caller goes to its FINALLY once the child has ended
 * while a cancel is under way (AWAIT_CALL_FOR stops its deadline's there). */
#define COOP_PRIV_AWAIT_CALL_X(n, ctx, call, after)                    \
    do {                                                         \
        coop_status_t coop_priv_st;                              \
        uint8_t coop_priv_deliver_was;                           \
        COOP_CO_INIT(ctx);                                       \
        COOP_PRIV_LC_MARK(n);                                    \
        COOP_PRIV_LC_LABEL_FT(n);                                \
        coop_priv_deliver_was = coop_priv_deliver;               \
        if (coop_priv_fin)                                       \
            coop_priv_deliver = 0;                               \
        coop_priv_call_depth++;                                  \
        coop_priv_st = (call);                                   \
        coop_priv_call_depth--;                                  \
        if (coop_priv_fin)                                       \
            coop_priv_deliver = coop_priv_deliver_was;           \
        if (coop_priv_st != COOP_DONE && !(coop_priv_st & COOP_PRIV_DONE_RC)) \
            return coop_priv_st;                                 \
        if (!coop_priv_fin && COOP_PRIV_UNLIKELY(coop_priv_cancels != 0) && \
            (after))                                             \
            COOP_ASYNC_RETURN();                                 \
    } while (0)
#define COOP_AWAIT_CALL(ctx, call) COOP_PRIV_AWAIT_CALL(COOP_PRIV_ID, ctx, call)

#ifndef COOP_NO_SHORT_NAMES
#if defined(ASYNC) || defined(ASYNC_END) || defined(ASYNC_END_RC) || defined(ASYNC_RETURN) || \
    defined(AWAIT) || defined(AWAIT_CALL) || defined(YIELD) || defined(FINALLY)
#error "coop: a short macro name (ASYNC, ASYNC_END, ASYNC_END_RC, ASYNC_RETURN, AWAIT, AWAIT_CALL, YIELD, FINALLY) is already defined elsewhere; define COOP_NO_SHORT_NAMES and use the COOP_ names"
#endif
#define ASYNC(ctx) COOP_ASYNC(ctx)
#define ASYNC_END COOP_ASYNC_END
#define ASYNC_END_RC(rc) COOP_ASYNC_END_RC(rc)
#define ASYNC_RETURN() COOP_ASYNC_RETURN()
#define FINALLY COOP_FINALLY
#define YIELD() COOP_YIELD()
#define AWAIT(cond) COOP_AWAIT(cond)
#define AWAIT_CALL(ctx, call) COOP_AWAIT_CALL(ctx, call)
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_ASYNC_IMPLEMENTED
#define COOP_ASYNC_IMPLEMENTED
uint8_t coop_priv_lc_end(coop_lc_t *lc)
{
    COOP_ASSERT(*lc == COOP_PRIV_LC_START || *lc == COOP_PRIV_LC_FINALLY ||
                    *lc == COOP_PRIV_LC_DONE,
                "coop: resume point not found (AWAIT or YIELD inside a switch "
                "statement? use if/else there, or COOP_LC_GOTO)");
    if (coop_priv_deliver == 2) /* a cancel sent it here, and it has no FINALLY */
        coop_priv_delivered_hook();
    *lc = COOP_PRIV_LC_DONE;
    return COOP_DONE;
}
uint8_t coop_priv_lc_end_rc(coop_lc_t *lc, int rc)
{
    COOP_ASSERT(rc <= 0 && rc >= -128,
                "ASYNC_END_RC: a result is COOP_OK or a negative code (-1 to -128); it ends as -1");
    (void)coop_priv_lc_end(lc);
    if (rc > 0 || rc < -128)
        rc = -1;
    return (uint8_t)(rc & 0xff);
}
void (*coop_priv_finally_hook)(coop_lc_t *lc);
#if COOP_DEBUG
const char *coop_priv_where_file;
uint16_t coop_priv_where_line;
#endif
size_t coop_priv_cancels;
uint8_t coop_priv_deliver;
uint8_t coop_priv_call_depth;
void (*coop_priv_delivered_hook)(void);
bool (*coop_priv_cancel_hook)(void);
void coop_priv_finally(coop_lc_t *lc)
{
    if (coop_priv_deliver == 2) /* a cancel sent it here */
        coop_priv_delivered_hook();
    if (coop_priv_finally_hook != NULL)
        coop_priv_finally_hook(lc);
}
#if COOP_LC == COOP_LC_GOTO
coop_lc_t coop_priv_lc_far(void)
{
    COOP_ASSERT(0, "coop: a resume point is too far from the top of its coroutine "
                   "(over 32 KiB, or moved to another section by GCC's hot/cold "
                   "splitting: build with -fno-reorder-blocks-and-partition, or use "
                   "COOP_LC_SWITCH); the coroutine ends at its next call");
    return COOP_PRIV_LC_FINALLY;
}
#endif
#endif /* COOP_ASYNC_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_ASYNC_H */
