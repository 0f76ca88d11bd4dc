/* The trace hooks the debug unit variant compiles in (tests/virtual_impl.c
 * includes this before coop; tests/check_debug.c records and checks). */
#ifndef COOP_TEST_TRACE_HOOKS_H
#define COOP_TEST_TRACE_HOOKS_H
#include <stdbool.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
struct coop_task;
void test_trace(char what, const struct coop_task *task, int status);
#ifdef __cplusplus
}
#endif
#ifndef COOP_CONFIG_H /* before coop (virtual_impl.c): the hooks; after it, only the prototype */
#define COOP_TRACE_WAKE(task) test_trace('W', (task), 0)
#define COOP_TRACE_RUN(task) test_trace('R', (task), 0)
#define COOP_TRACE_RAN(task, status) test_trace('E', (task), (int)(status))
#define COOP_TRACE_IDLE(asleep) test_trace((asleep) ? 'I' : 'i', 0, 0)
#endif
#endif
