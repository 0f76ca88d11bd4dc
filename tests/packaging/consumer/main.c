/* tests/packaging/consumer/main.c - a program that uses coop as an installed
 * or fetched package (make test-packaging builds it four ways: find_package,
 * pkg-config, add_subdirectory, FetchContent).
 *
 * Two tasks sleep on the virtual clock (ports/virtual.h: instant, exact):
 * "a" every 100 ms three times, "b" every 70 ms three times. It prints how
 * it was built (CONSUMER_VIA) and the wakes in order with their times:
 *     coop consumer (find_package): b@70 a@100 b@140 a@200 b@210 a@300
 * and exits 0 when the loop ended with every task done.
 *
 * SPDX-License-Identifier: MIT
 */
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <stdio.h>

#ifndef CONSUMER_VIA
#define CONSUMER_VIA "?"
#endif

struct sleeper {
    coop_task_t task;
    char name;
    uint32_t period_ms;
    uint8_t i;
};

static coop_loop_t loop;
static struct sleeper a, b;
static coop_tick_t start;
static char line[128];
static size_t used;

static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct sleeper *s = COOP_CONTAINER_OF(task, struct sleeper, task);

    ASYNC(task);
    for (s->i = 0; s->i < 3; s->i++) {
        AWAIT_SLEEP_MS(s->period_ms);
        used += (size_t)snprintf(line + used, sizeof line - used, " %c@%lu", s->name,
                                 (unsigned long)(coop_tick_t)(coop_now() - start));
    }
    ASYNC_END;
}

int main(void)
{
    int rc;

    a.name = 'a';
    a.period_ms = 100;
    b.name = 'b';
    b.period_ms = 70;
    coop_loop_init(&loop);
    start = coop_now();
    coop_task_spawn(&loop, &a.task, sleeper_fn);
    coop_task_spawn(&loop, &b.task, sleeper_fn);
    rc = coop_loop_run(&loop);
    printf("coop consumer (%s):%s\n", CONSUMER_VIA, line);
    return rc == COOP_OK ? 0 : 1;
}
