/* coop/lc.h - local continuations: how a coroutine remembers where it stopped.
 *
 * Private to coop; users write ASYNC/AWAIT (coop/async.h), never these.
 * A local continuation is a 2-byte coop_lc_t. Three values are reserved:
 * START (0: zeroed state starts from the top), FINALLY (go to the cleanup
 * section: cancel or early return) and DONE. Every other value is a resume
 * point.
 *
 * Back end COOP_LC_SWITCH (default, any C99 compiler): the coroutine body sits
 * inside one switch; a resume point is a `case N:` label and the stored value
 * is N = __COUNTER__ + 3 (__LINE__ + 3 where __COUNTER__ is missing: then two
 * resume points on one line fail to compile with "duplicate case value").
 * Consequence: a resume point inside a user `switch` belongs to that switch.
 * The coroutine then cannot find it on resume and COOP_ASSERT says so.
 *
 * Back end COOP_LC_GOTO (GCC/Clang): a resume point is a label; the stored
 * value is its distance in bytes from a base label at the top of the body, so
 * it still fits 16 bits (functions up to 32 KiB) and resuming is one indirect
 * jump. AWAIT inside a user switch works. FINALLY and DONE are then 0x8001 and
 * 0x8002, distances no function under 32 KiB can have; a resume label the
 * compiler merged with the base label has distance 0, which is START and
 * resumes at the same address, so it is right too.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_LC_H
#define COOP_LC_H

#include <stdint.h>

#include "config.h"

typedef uint16_t coop_lc_t;

#define COOP_PRIV_LC_START 0u
#if COOP_LC == COOP_LC_SWITCH
#define COOP_PRIV_LC_FINALLY 1u
#define COOP_PRIV_LC_DONE 2u
#else
#define COOP_PRIV_LC_FINALLY 0x8001u
#define COOP_PRIV_LC_DONE 0x8002u
#endif

#define COOP_PRIV_CAT2(a, b) a##b
#define COOP_PRIV_CAT(a, b) COOP_PRIV_CAT2(a, b)

/* A fresh number for each resume point. */
#ifdef __COUNTER__
#define COOP_PRIV_ID __COUNTER__
#else
#define COOP_PRIV_ID __LINE__
#endif

/* Fallthrough marker for -Wimplicit-fallthrough where a case label follows code. */
#if defined(__cplusplus) && __cplusplus >= 201703L
#define COOP_PRIV_FALLTHROUGH [[fallthrough]]
#elif defined(__has_attribute)
#if __has_attribute(fallthrough)
#define COOP_PRIV_FALLTHROUGH __attribute__((fallthrough))
#endif
#endif
#ifndef COOP_PRIV_FALLTHROUGH
#define COOP_PRIV_FALLTHROUGH ((void)0)
#endif

/* The pointer to the running coroutine's continuation. Its name is the error
 * message a compiler prints when AWAIT/YIELD is used without ASYNC before it. */
#define COOP_PRIV_LCP coop_lc_AWAIT_needs_ASYNC_first

/* COOP_DEBUG: every resume point also records where it is (the innermost one
 * a task stopped at is the last recorded before the task returns). */
#if COOP_DEBUG
#ifdef __cplusplus
extern "C" {
#endif
extern const char *coop_priv_where_file;
extern uint16_t coop_priv_where_line;
#ifdef __cplusplus
}
#endif
#define COOP_PRIV_LC_WHERE() \
    (coop_priv_where_file = __FILE__, coop_priv_where_line = (uint16_t)__LINE__)
#else
#define COOP_PRIV_LC_WHERE() ((void)0)
#endif

#if COOP_LC == COOP_LC_SWITCH

#define COOP_PRIV_LC_BEGIN()                                                  \
    coop_priv_top:                                                            \
    switch (*COOP_PRIV_LCP) {                                                 \
    case COOP_PRIV_LC_START:

#define COOP_PRIV_LC_MARK(n) (COOP_PRIV_LC_WHERE(), *COOP_PRIV_LCP = (coop_lc_t)((n) + 3u))
/* LABEL follows a return; LABEL_FT follows code that runs into it. */
#define COOP_PRIV_LC_LABEL(n) case (n) + 3u:
#define COOP_PRIV_LC_LABEL_FT(n) \
    COOP_PRIV_FALLTHROUGH;       \
    case (n) + 3u:

#else /* COOP_LC_GOTO */

#define COOP_PRIV_LC_BEGIN()                                                  \
    coop_priv_top:                                                            \
    if ((coop_lc_t)(*COOP_PRIV_LCP - COOP_PRIV_LC_FINALLY) > 1u) {            \
        __extension__({                                                       \
            goto *(void *)((char *)&&coop_priv_base + (int16_t)*COOP_PRIV_LCP); \
        });                                                                   \
    }                                                                         \
    switch (*COOP_PRIV_LCP) {                                                 \
    case COOP_PRIV_LC_START:                                                  \
    coop_priv_base:

/* The distance must fit in 16 bits and miss FINALLY and DONE: it does not when
 * the function is over 32 KiB or when GCC's hot/cold splitting
 * (-freorder-blocks-and-partition, on at -O2) moved the resume point to
 * another section. Then COOP_ASSERT says so and the coroutine ends (FINALLY)
 * at its next call, instead of jumping to a wrong address. The check (3
 * instructions a suspend) is compiled only where that splitting can happen:
 * GCC optimising for speed; not clang, not -Os (the usual firmware build). */
#define COOP_PRIV_LC_MARK(n)                                                  \
    (COOP_PRIV_LC_WHERE(),                                                    \
     *COOP_PRIV_LCP = coop_priv_lc_offset(__extension__(                      \
         (char *)&&COOP_PRIV_CAT(coop_priv_l, n) - (char *)&&coop_priv_base)))
#define COOP_PRIV_LC_LABEL(n) COOP_PRIV_CAT(coop_priv_l, n):
#define COOP_PRIV_LC_LABEL_FT(n) COOP_PRIV_LC_LABEL(n)

#endif

/* Start of the cleanup section: reached by falling off the body, by an early
 * return (lc = FINALLY) or by cancellation (lc = FINALLY). */
#define COOP_PRIV_LC_FINALLY_LABEL()   \
    COOP_PRIV_FALLTHROUGH;             \
    case COOP_PRIV_LC_FINALLY:         \
        coop_priv_finally(COOP_PRIV_LCP)

/* End of the body. The body runs into it with lc = DONE; the switch jumps to
 * `default` for lc = FINALLY without a cleanup section, for lc = DONE, and for
 * a resume point it could not find, which coop_priv_lc_end reports. It is a
 * tail call so that the rare path costs the hot path no saved register. */
#define COOP_PRIV_LC_END()                                                    \
    *COOP_PRIV_LCP = COOP_PRIV_LC_DONE;                                       \
    COOP_PRIV_FALLTHROUGH;                                                    \
    default:                                                                  \
        return coop_priv_lc_end(COOP_PRIV_LCP);                               \
    }                                                                         \
    if (0) goto coop_priv_top
/* The same, ending with a result (ASYNC_END_RC): every way to the end
 * returns it, folded into the status (coop_priv_lc_end_rc). */
#define COOP_PRIV_LC_END_RC(rc)                                               \
    *COOP_PRIV_LCP = COOP_PRIV_LC_DONE;                                       \
    COOP_PRIV_FALLTHROUGH;                                                    \
    default:                                                                  \
        return coop_priv_lc_end_rc(COOP_PRIV_LCP, (rc));                      \
    }                                                                         \
    if (0) goto coop_priv_top

#ifdef __cplusplus
extern "C" {
#endif
#if COOP_LC == COOP_LC_GOTO
__attribute__((noinline)) coop_lc_t coop_priv_lc_far(void);
static inline coop_lc_t coop_priv_lc_offset(long d)
{
#if !defined(__clang__) && !defined(__OPTIMIZE_SIZE__)
    /* fits int16_t and is neither 0x8000, FINALLY (0x8001) nor DONE (0x8002) */
    if (__builtin_expect((unsigned long)(d + 32765) > 65532ul, 0))
        return coop_priv_lc_far();
#endif
    return (coop_lc_t)d;
}
#endif
/* Entered a FINALLY section (by any path): tells the scheduler, through
 * coop_priv_finally_hook, so that a cancel cannot start the section again. */
void coop_priv_finally(coop_lc_t *lc);
extern void (*coop_priv_finally_hook)(coop_lc_t *lc);
/* Ends a coroutine: asserts lc is START, FINALLY or DONE, sets DONE, returns
 * COOP_DONE (0).
 * Never inlined: the hot path of every coroutine stays free of the assert. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
uint8_t coop_priv_lc_end(coop_lc_t *lc);
/* The same for ASYNC_END_RC: the status is the result as an int8_t (COOP_OK
 * is COOP_DONE; a negative result has the top bit set, which no other status
 * has); a positive or out-of-range result asserts and becomes -1. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
uint8_t coop_priv_lc_end_rc(coop_lc_t *lc, int rc);
#ifdef __cplusplus
}
#endif

#endif /* COOP_LC_H */
