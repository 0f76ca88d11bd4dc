/* Instructions per yield+resume (a coroutine called in a loop) and per
 * scheduler dispatch (tasks that only yield), on the virtual-clock port so
 * the clock read is a memory load, not a system call.
 */
// BENCH_VARIANTS: -DCOOP_LC=COOP_LC_SWITCH | -DCOOP_LC=COOP_LC_GOTO
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include <stdlib.h>

#include "bench.h"

struct spin {
    coop_lc_t lc;
};

/* A coroutine that yields forever: one resume and one yield per call. */
__attribute__((noinline)) static coop_status_t spin_fn(struct spin *s)
{
    ASYNC(s);
    for (;;)
        YIELD();
    ASYNC_END;
}

static long budget;

static coop_status_t yielder(coop_task_t *task)
{
    ASYNC(task);
    while (--budget > 0)
        YIELD();
    ASYNC_END;
}

static void bench_dispatch(size_t ntasks, long dispatches, const char *name)
{
    coop_task_t *tasks = (coop_task_t *)calloc(ntasks, sizeof *tasks);
    coop_loop_t loop;
    size_t i;
    coop_loop_init(&loop);
    for (i = 0; i < ntasks; i++)
        coop_task_spawn(&loop, &tasks[i], yielder);
    /* every dispatch takes one from the shared budget: the task that takes
     * the last one ends, and so does every other task at its next turn */
    budget = dispatches;
    BENCH_BEGIN();
    coop_loop_run(&loop);
    BENCH_END(name, dispatches - budget);
    free(tasks);
}

int main(void)
{
    struct spin s = {0};
    long i;
    const long n = 1000000;

    BENCH_BEGIN();
    for (i = 0; i < n; i++)
        spin_fn(&s);
    BENCH_END("yield+resume (call, resume, yield, return)", n);

    bench_dispatch(2, 1000000, "dispatch, 2 tasks");
    bench_dispatch(100, 1000000, "dispatch, 100 tasks");
    bench_dispatch(10000, 1000000, "dispatch, 10000 tasks");
    return 0;
}
