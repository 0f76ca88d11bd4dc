/* Instructions on the ISR side (flag set, counter add, ring push, call post)
 * and from a flag set to the first instruction of the task waiting on it
 * while the loop sleeps. Virtual-clock port; both flavours of the ISR-side
 * atomicity: the port's critical section (as on the chips; here the virtual
 * port's save/restore functions) and GCC atomics (as on the host).
 */
// BENCH_VARIANTS: -DCOOP_PORT_ATOMIC=0 | -DCOOP_PORT_ATOMIC=1
#define COOP_IMPLEMENTATION
#include "virtual.h"

#include "bench.h"

#define N 100000L

static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint32_t, 64);
static coop_call_t call;
static void call_fn(coop_call_t *c) { (void)c; }

/* Empty the inbox by hand, as the loop would, without running anything. */
static void forget_posts(void)
{
    coop_priv_inbox = NULL;
    flag.call.posted = 0;
    counter.call.posted = 0;
    ring.call.posted = 0;
    call.posted = 0;
}

static coop_loop_t loop;
static coop_task_t waiter;
static long wakes;

static coop_status_t waiter_fn(coop_task_t *task)
{
    ASYNC(task);
    while (wakes < N) {
        AWAIT_FLAG(&flag);
        BENCH_PAUSE(); /* first instruction of the task after the wait */
        wakes++;
    }
    ASYNC_END;
}

/* The "interrupt" during idle: start counting, set the flag. */
static void isr_during_idle(void)
{
    BENCH_RESUME();
    coop_flag_set(&flag);
}

int main(void)
{
    long i;
    uint32_t rec = 0;

    coop_flag_init(&flag);
    coop_counter_init(&counter);
    coop_call_init(&call, call_fn);

    /* baseline: the loop and the hand reset of the inbox */
    BENCH_BEGIN();
    for (i = 0; i < N; i++)
        forget_posts();
    BENCH_END("_reset", N);

    /* each set is the first since the loop ran: it posts the flag's call */
    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        coop_flag_set(&flag);
        forget_posts();
    }
    BENCH_END_MINUS("ISR: flag set (posts)", N, "_reset");

    /* a burst: the call is posted already, the set only counts */
    coop_flag_set(&flag);
    BENCH_BEGIN();
    for (i = 0; i < N; i++)
        coop_flag_set(&flag);
    BENCH_END("ISR: flag set (already posted)", N);
    forget_posts();

    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        coop_counter_add(&counter, 1);
        forget_posts();
    }
    BENCH_END_MINUS("ISR: counter add (posts)", N, "_reset");

    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        coop_ring_push(&ring, &rec);
        ring.tail = ring.head; /* the consumer keeps up */
        forget_posts();
    }
    BENCH_END_MINUS("ISR: ring push, 4-byte record (posts)", N, "_reset");

    BENCH_BEGIN();
    for (i = 0; i < N; i++) {
        coop_call_post(&call);
        forget_posts();
    }
    BENCH_END_MINUS("ISR: call post", N, "_reset");

    /* flag set in an interrupt while the loop sleeps -> the waiting task */
    coop_flag_take(&flag);
    forget_posts();
    coop_virtual_set(0);
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &waiter, waiter_fn);
    coop_virtual_on_idle = isr_during_idle;
    BENCH_ZERO();
    coop_loop_run(&loop);
    BENCH_REPORT("flag set in ISR -> waiting task runs (loop idle)", wakes);
    return wakes == N ? 0 : 1;
}
