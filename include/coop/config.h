/* coop/config.h - every compile-time option of coop, in one place.
 *
 * Set an option by defining it before the first #include of coop (or with -D on
 * the command line). Each option is tested with #if, so -Wundef catches typos,
 * and an invalid combination stops the build with a sentence saying why.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_CONFIG_H
#define COOP_CONFIG_H

/* COOP_CONFIG: COOP_TICK_BITS, int, 32. Width of coop_tick_t: 32 or 16.
 * 16-bit ticks make timers and tasks smaller on 8-bit chips; a single wait is
 * then limited to half the tick range (32767 ticks) and longer sleeps are
 * chained by the library. */
#ifndef COOP_TICK_BITS
#define COOP_TICK_BITS 32
#endif
#if COOP_TICK_BITS != 32 && COOP_TICK_BITS != 16
#error "coop: COOP_TICK_BITS must be 32 or 16"
#endif

/* COOP_CONFIG: COOP_TICK_HZ, int, 1000. Ticks per second of the port's clock. */
#ifndef COOP_TICK_HZ
#define COOP_TICK_HZ 1000
#endif
#if COOP_TICK_HZ < 1 || COOP_TICK_HZ > 1000000
#error "coop: COOP_TICK_HZ must be between 1 and 1000000"
#endif

/* COOP_CONFIG: COOP_LC, COOP_LC_SWITCH or COOP_LC_GOTO, COOP_LC_SWITCH.
 * How a coroutine remembers where it stopped. SWITCH is portable C99 (Duff's
 * device); GOTO uses GCC/Clang computed goto and allows AWAIT inside a switch.
 * Both store a 2-byte coop_lc_t and behave identically otherwise. SWITCH is
 * also the cheaper one where measured (make bench): x86-64 14 vs 20
 * instructions a yield+resume; Cortex-M0+ (GCC 12, -Os) 15 vs 22 with one
 * resume point, 25 vs 23.8 with 4 or more, where GCC dispatches a switch
 * through __gnu_thumb1_case_uqi (-fno-jump-tables makes that 17.3 and 19.5
 * with 4 and 8 points). GOTO pays for a label difference computed at run
 * time (GCC does not fold &&a - &&b on Thumb-1) and for the range test that
 * keeps FINALLY and DONE apart from resume offsets. */
#define COOP_LC_SWITCH 1
#define COOP_LC_GOTO 2
#ifndef COOP_LC
#define COOP_LC COOP_LC_SWITCH
#endif
#if COOP_LC != COOP_LC_SWITCH && COOP_LC != COOP_LC_GOTO
#error "coop: COOP_LC must be COOP_LC_SWITCH or COOP_LC_GOTO"
#endif
#if COOP_LC == COOP_LC_GOTO && !defined(__GNUC__)
#error "coop: COOP_LC_GOTO needs GCC or Clang (computed goto); use COOP_LC_SWITCH"
#endif

/* COOP_CONFIG: COOP_WHEEL_SLOT_BITS, int, 6. Each level of the timer wheel has
 * 2^COOP_WHEEL_SLOT_BITS slots (1..6). Fewer slots save RAM on small chips. */
#ifndef COOP_WHEEL_SLOT_BITS
#define COOP_WHEEL_SLOT_BITS 6
#endif
#if COOP_WHEEL_SLOT_BITS < 1 || COOP_WHEEL_SLOT_BITS > 6
#error "coop: COOP_WHEEL_SLOT_BITS must be between 1 and 6"
#endif

/* COOP_CONFIG: COOP_WHEEL_LEVELS, int, enough to cover COOP_TICK_BITS.
 * Levels of the timer wheel; COOP_WHEEL_LEVELS * COOP_WHEEL_SLOT_BITS must
 * cover COOP_TICK_BITS (checked). 0: no wheel, one list of timers sorted by expiry
 * (insert walks the armed timers from the latest: O(n); 6 bytes of RAM on
 * AVR and the least code; the AVR port's default, for chips with a few tasks). */
#ifndef COOP_WHEEL_LEVELS
#define COOP_WHEEL_LEVELS ((COOP_TICK_BITS + COOP_WHEEL_SLOT_BITS - 1) / COOP_WHEEL_SLOT_BITS)
#endif
#if COOP_WHEEL_LEVELS < 0 || COOP_WHEEL_LEVELS > 32
#error "coop: COOP_WHEEL_LEVELS must be between 0 (a sorted list) and 32"
#endif
#if COOP_WHEEL_LEVELS > 0 && COOP_WHEEL_SLOT_BITS * (COOP_WHEEL_LEVELS - 1) >= COOP_TICK_BITS
#error "coop: too many wheel levels: the top level would start beyond the tick width"
#endif
/* A wheel must cover the tick width: a top level that laps would visit a far
 * timer's slot once per lap, O(distance / span) work per advance (one slot
 * bit and one level: a 2-tick span, a billion visits for a long sleep). To
 * save RAM, take fewer slot bits with more levels, or no wheel at all. */
#if COOP_WHEEL_LEVELS > 0 && COOP_WHEEL_SLOT_BITS * COOP_WHEEL_LEVELS < COOP_TICK_BITS
#error "coop: COOP_WHEEL_SLOT_BITS * COOP_WHEEL_LEVELS must be at least COOP_TICK_BITS (a wheel that laps costs a slot visit per lap); for less RAM use fewer slot bits with more levels, or COOP_WHEEL_LEVELS 0 (a sorted list)"
#endif

/* COOP_CONFIG: COOP_WHEEL_SCAN_MAX, int, 8. When the loop goes idle and the
 * earliest timers sit in a higher wheel level, up to this many of them are
 * scanned to sleep until the exact deadline instead of the slot's start. */
#ifndef COOP_WHEEL_SCAN_MAX
#define COOP_WHEEL_SCAN_MAX 8
#endif

/* COOP_CONFIG: COOP_COUNT_BITS, int, 32. Width of coop_count_t, the counts of
 * flags, counters and overflows (16 on 8-bit chips saves RAM and time). */
#ifndef COOP_COUNT_BITS
#define COOP_COUNT_BITS 32
#endif
#if COOP_COUNT_BITS != 32 && COOP_COUNT_BITS != 16
#error "coop: COOP_COUNT_BITS must be 32 or 16"
#endif

/* COOP_CONFIG: COOP_PIN_IRQS, 0 or 1, 0. 1: the port provides edge interrupts
 * (coop_pin_on_edge) and owns the chip's pin-interrupt vectors (see coop/board.h). */
#ifndef COOP_PIN_IRQS
#define COOP_PIN_IRQS 0
#endif
#if COOP_PIN_IRQS != 0 && COOP_PIN_IRQS != 1
#error "coop: COOP_PIN_IRQS must be 0 or 1"
#endif

/* COOP_CONFIG: COOP_EDGES_ATTACH_MAX, 1..255, 4. Counters that
 * coop_edges_attach can attach at once (one per pin). */
#ifndef COOP_EDGES_ATTACH_MAX
#define COOP_EDGES_ATTACH_MAX 4
#endif
#if COOP_EDGES_ATTACH_MAX < 1 || COOP_EDGES_ATTACH_MAX > 255
#error "coop: COOP_EDGES_ATTACH_MAX must be 1..255"
#endif

/* COOP_CONFIG: COOP_DEBUG, 0 or 1, 0. 1: a loop you can look into. Each task
 * keeps a name (coop_task_set_name), the file and line where it will resume,
 * and joins its loop's list of tasks, which coop_loop_dump (coop/board.h) or
 * coop_loop_dump_to (coop/sched.h) print, one line a task: name, state, what
 * it waits on and until when, resume point. The loop counts its passes and
 * the ticks it slept. 0: none of this is compiled (no byte of RAM or flash);
 * coop_task_set_name compiles to nothing. */
#ifndef COOP_DEBUG
#define COOP_DEBUG 0
#endif
#if COOP_DEBUG != 0 && COOP_DEBUG != 1
#error "coop: COOP_DEBUG must be 0 or 1"
#endif

/* COOP_CONFIG: COOP_DEBUG_RUN_MAX_MS, ms, 0. With COOP_DEBUG 1: a task that
 * runs longer than this from one resume point to the next (a blocking delay,
 * a long loop without YIELD) is reported when it returns: COOP_ASSERT says so,
 * the loop counts it and coop_loop_dump names the task and how long it ran.
 * It sets the loop's run_max (ticks) at coop_loop_init; a debug program may
 * change that field. 0: not checked (two clock reads a task run when on). */
#ifndef COOP_DEBUG_RUN_MAX_MS
#define COOP_DEBUG_RUN_MAX_MS 0
#endif

/* COOP_CONFIG: COOP_TASK_LIST, 0 or 1, COOP_DEBUG. 1: the loop keeps a list
 * of the tasks spawned on it (one pointer more per task), which
 * coop_loop_run_main needs (asyncio.run: when main ends, the tasks left are
 * cancelled) and coop_loop_dump walks. 0: no list, no byte of it. */
#ifndef COOP_TASK_LIST
#define COOP_TASK_LIST COOP_DEBUG
#endif
#if COOP_TASK_LIST != 0 && COOP_TASK_LIST != 1
#error "coop: COOP_TASK_LIST must be 0 or 1"
#endif
#if COOP_DEBUG && !COOP_TASK_LIST
#error "coop: COOP_DEBUG 1 needs COOP_TASK_LIST 1 (coop_loop_dump walks the list)"
#endif

/* COOP_CONFIG: COOP_DEADLINE_NEST, int, 1. How deep deadlines nest in a task
 * (1..8): AWAIT_FOR and AWAIT_CALL_FOR inside AWAIT_CALL_FOR's child, as
 * asyncio.timeout() inside another (a per-byte timeout inside a whole
 * exchange's). The earliest deadline wins; each level reports its own
 * expiry. 1: one deadline at a time (a nested one asserts and runs under the
 * outer one), and no byte of RAM or flash for nesting. N > 1: each task keeps
 * N levels of (tick, 2 bytes) plus 2 bytes: 14 bytes a task with N = 3 and
 * 16-bit ticks. */
#ifndef COOP_DEADLINE_NEST
#define COOP_DEADLINE_NEST 1
#endif
#if COOP_DEADLINE_NEST < 1 || COOP_DEADLINE_NEST > 8
#error "coop: COOP_DEADLINE_NEST must be between 1 and 8"
#endif

/* COOP_CONFIG: COOP_TRACE_WAKE(task), COOP_TRACE_RUN(task),
 * COOP_TRACE_RAN(task, status), COOP_TRACE_IDLE(asleep), macros, nothing.
 * Trace hooks: define any of them (before the first #include of coop, in the
 * file that defines COOP_IMPLEMENTATION) to see the loop work: WAKE when a
 * task is made ready (spawned, its timer fired, an object or a cancel woke
 * it), RUN just before the loop runs a task, RAN when it came back (status:
 * COOP_YIELDED, COOP_WAITING, or done: COOP_DONE or a result), IDLE(true)
 * before the loop asks the port to sleep and IDLE(false) after. They run in
 * the loop, not in interrupts. Left undefined they compile to nothing. */
#ifndef COOP_TRACE_WAKE
#define COOP_TRACE_WAKE(task) ((void)0)
#endif
#ifndef COOP_TRACE_RUN
#define COOP_TRACE_RUN(task) ((void)0)
#endif
#ifndef COOP_TRACE_RAN
#define COOP_TRACE_RAN(task, status) ((void)0)
#endif
#ifndef COOP_TRACE_IDLE
#define COOP_TRACE_IDLE(asleep) ((void)0)
#endif

/* COOP_CONFIG: COOP_NO_SHORT_NAMES, flag, off. Define it to get only the
 * prefixed macros (COOP_AWAIT, ...) and not the short ones (AWAIT, ...). */

/* COOP_CONFIG: COOP_ASSERT(expr, msg), macro, calls coop_port_assert_fail.
 * Misuse (NULL arguments, spawning a running task, joining oneself, ...) trips
 * COOP_ASSERT with a message; if the handler returns, the call returns its
 * error code. Define COOP_ASSERT as empty-ish to drop the messages:
 *   #define COOP_ASSERT(expr, msg) ((void)0)
 * The port defines coop_port_assert_fail (print and stop, or blink and stop). */
#ifdef __cplusplus
extern "C" {
#endif
/* Provided by the port: report a broken rule or misuse. May return. */
void coop_port_assert_fail(const char *msg, const char *file, int line);
#ifdef __cplusplus
}
#endif
#ifndef COOP_ASSERT
#define COOP_ASSERT(expr, msg) \
    ((expr) ? (void)0 : coop_port_assert_fail((msg), __FILE__, __LINE__))
#endif

/* COOP_PRIV_REFUSE(bad, rc, msg): if `bad`, the assert with its message and
 * `return rc` (empty for a void function), on one test of `bad`. */
#define COOP_PRIV_REFUSE(bad, rc, msg) \
    do {                               \
        if (bad) {                     \
            COOP_ASSERT(0, msg);       \
            return rc;                 \
        }                              \
    } while (0)

/* COOP_PRIV_STATIC_ASSERT(cond, name): a compile-time check whose failure
 * message contains `name` (an identifier that says what is wrong). */
#if (defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L) || \
    (defined(__cplusplus) && __cplusplus >= 201103L)
#ifdef __cplusplus
#define COOP_PRIV_STATIC_ASSERT(cond, name) static_assert(cond, #name)
#else
#define COOP_PRIV_STATIC_ASSERT(cond, name) _Static_assert(cond, #name)
#endif
#elif defined(__GNUC__)
#define COOP_PRIV_STATIC_ASSERT(cond, name) \
    typedef char coop_priv_##name[(cond) ? 1 : -1] __attribute__((unused))
#else
#define COOP_PRIV_STATIC_ASSERT(cond, name) typedef char coop_priv_##name[(cond) ? 1 : -1]
#endif

#endif /* COOP_CONFIG_H */
