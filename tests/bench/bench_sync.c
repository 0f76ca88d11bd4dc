/* Instructions of the task-to-task objects (coop/sync.h): an uncontended
 * lock + release, a semaphore take + release, a queue put + get of a 4-byte
 * record (all from inside a task, nothing waits), and an event set that wakes
 * one waiting task (the set alone, and set -> first instruction of the
 * woken task). Virtual-clock port, default configuration.
 */
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include "bench.h"

#define N 100000L

static coop_loop_t loop;
static coop_task_t runner, waiter, setter;
static coop_lock_t lock;
static coop_sem_t sem;
COOP_QUEUE_DEFINE(queue, uint32_t, 8);
static coop_event_t event;
static volatile long sink;
static long rounds, wakes;

static coop_status_t runner_fn(coop_task_t *task)
{
    long i;
    uint32_t in = 1, out = 0;
    ASYNC(task);
    BENCH_BEGIN();
    for (i = 0; i < N; i++)
        sink = i;
    BENCH_END("_loop", N);
    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        sink = i;
        (void)coop_lock_try(&lock);
        (void)coop_lock_release(&lock);
    }
    BENCH_END_MINUS("lock try + release, uncontended", N, "_loop");
    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        sink = i;
        (void)coop_sem_try(&sem);
        (void)coop_sem_release(&sem);
    }
    BENCH_END_MINUS("semaphore try + release, uncontended", N, "_loop");
    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        sink = i;
        (void)coop_queue_try_put(&queue, &in);
        (void)coop_queue_try_get(&queue, &out);
    }
    BENCH_END_MINUS("queue put + get, 4-byte record", N, "_loop");
    sink = (long)out;
    ASYNC_END;
}

/* The waiter waits on the event; the setter yields (the waiter is parked
 * again), then sets it. Phase "set": only the set is counted. Phase "wake":
 * counted from the set to the waiter's first instruction after its wait. */
static int wake_phase;

static coop_status_t waiter_fn(coop_task_t *task)
{
    ASYNC(task);
    while (wakes < N) {
        AWAIT_EVENT(&event);
        if (wake_phase)
            BENCH_PAUSE(); /* the first instruction after the wait */
        wakes++;
        coop_event_clear(&event);
    }
    ASYNC_END;
}

static coop_status_t setter_fn(coop_task_t *task)
{
    ASYNC(task);
    for (rounds = 0; rounds < N; rounds++) {
        YIELD();
        BENCH_RESUME();
        coop_event_set(&event);
        if (!wake_phase)
            BENCH_PAUSE();
        YIELD();
    }
    ASYNC_END;
}

static void run_event_phase(int phase)
{
    wake_phase = phase;
    wakes = 0;
    BENCH_ZERO();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &waiter, waiter_fn);
    coop_task_spawn(&loop, &setter, setter_fn);
    coop_loop_run(&loop);
}

int main(void)
{
    coop_lock_init(&lock);
    (void)coop_sem_init(&sem, 1, 1);
    coop_event_init(&event);

    coop_loop_init(&loop);
    coop_task_spawn(&loop, &runner, runner_fn);
    coop_loop_run(&loop);

    run_event_phase(0);
    BENCH_REPORT("event set, one task waiting", N);
    run_event_phase(1);
    BENCH_REPORT("event set -> woken task's first instruction", N);
    return wakes == N ? 0 : 1;
}
