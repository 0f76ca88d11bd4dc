/* tests/bench/bench.h - instruction counts per operation, with callgrind.
 *
 * A bench program marks phases; tests/bench/run.sh runs it under
 * `valgrind --tool=callgrind --collect-atstart=no` and turns every phase into a
 * table row: name, operations, instructions per operation.
 *
 *     BENCH_BEGIN();
 *     for (i = 0; i < n; i++) op();
 *     BENCH_END("wheel insert", n);            // row: Ir of the phase / n
 *
 * A phase's count includes the loop around the operation; a bench subtracts a
 * baseline phase (the same loop without the operation) where that matters,
 * with BENCH_END_MINUS. Run natively (not under callgrind) the macros do
 * nothing and the program is just a smoke test.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_BENCH_H
#define COOP_BENCH_H

#include <stdio.h>
#include <valgrind/callgrind.h>

/* Row names go to the dump's description; run.sh parses "<name>|<ops>|<baseline>". */
#define BENCH_BEGIN()                   \
    do {                                \
        CALLGRIND_ZERO_STATS;           \
        CALLGRIND_TOGGLE_COLLECT;       \
    } while (0)

#define BENCH_END_MINUS(name, ops, baseline_name)                                   \
    do {                                                                            \
        char bench_desc_[160];                                                      \
        CALLGRIND_TOGGLE_COLLECT;                                                   \
        snprintf(bench_desc_, sizeof bench_desc_, "%s|%lu|%s", (name),            \
                 (unsigned long)(ops), (baseline_name));                            \
        CALLGRIND_DUMP_STATS_AT(bench_desc_);                                       \
    } while (0)

#define BENCH_END(name, ops) BENCH_END_MINUS(name, ops, "")

/* For a measurement made of many short intervals: BENCH_ZERO() once, then
 * BENCH_RESUME()/BENCH_PAUSE() around each interval, BENCH_REPORT at the end. */
#define BENCH_ZERO() CALLGRIND_ZERO_STATS
#define BENCH_RESUME() CALLGRIND_TOGGLE_COLLECT
#define BENCH_PAUSE() CALLGRIND_TOGGLE_COLLECT
#define BENCH_REPORT(name, ops)                                                     \
    do {                                                                            \
        char bench_desc_[160];                                                      \
        snprintf(bench_desc_, sizeof bench_desc_, "%s|%lu|", (name), (unsigned long)(ops)); \
        CALLGRIND_DUMP_STATS_AT(bench_desc_);                                       \
    } while (0)

#endif
