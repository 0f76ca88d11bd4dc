/* Compiled (not run) by `make compile-matrix` with every compiler, both
 * back ends and both tick widths: every public macro once, so that each
 * compiler's warnings (fallthrough, pedantic, C++ jumps) see their expansion. */
#include "coop.h"

struct child {
    coop_lc_t lc;
    int out;
};

static coop_status_t child_fn(struct child *c)
{
    ASYNC(c);
    c->out = 1;
    YIELD();
    if (c->out > 5)
        ASYNC_RETURN();
    FINALLY;
    c->out = 0;
    ASYNC_END;
}

struct job {
    coop_task_t task;
    coop_task_t *others[2];
    struct child child;
    int n;
    int rc;
    size_t first;
    uint16_t rec;
};

static coop_flag_t flag;
static coop_counter_t counter;
COOP_RING_DEFINE(ring, uint16_t, 4);
static coop_event_t event;
static coop_lock_t lock;
static coop_sem_t sem;
COOP_QUEUE_DEFINE(queue, uint16_t, 4);

coop_status_t compile_job_fn(coop_task_t *task);
coop_status_t compile_job_fn(coop_task_t *task)
{
    struct job *j = COOP_CONTAINER_OF(task, struct job, task);
    ASYNC(task);
    AWAIT(j->n > 0);
    YIELD(); YIELD(); /* two resume points on one line */
    AWAIT_CALL(&j->child, child_fn(&j->child));
    AWAIT_SLEEP_MS(250);
    AWAIT_SLEEP_TICKS(3);
    AWAIT_SLEEP_UNTIL(coop_tick_add(coop_loop_now(coop_task_loop(task)), 10));
    AWAIT_DELAY_MS(25);
    AWAIT_DELAY_TICKS(-1); /* a negative length: no wait */
    AWAIT_JOIN(j->others[0]);
    AWAIT_GATHER(j->others, 2);
    AWAIT_ANY(j->others, 2, j->first);
    AWAIT_FLAG(&flag);
    AWAIT_FOR(j->rc, 10, AWAIT_COUNTER(&counter));
    AWAIT_FOR_TICKS(j->rc, 10, AWAIT_RING(&ring));
    AWAIT_FOR(j->rc, 10, AWAIT_EVENT(&event));
    AWAIT_LOCK(&lock);
    (void)coop_lock_release(&lock);
    AWAIT_FOR(j->rc, 0, AWAIT_SEM(&sem));
    AWAIT_PUT(&queue, &j->rec);
    AWAIT_FOR(j->rc, 10, AWAIT_GET(&queue, &j->rec));
    AWAIT_FOR(j->rc, 10, AWAIT_JOIN(j->others[1]));
    AWAIT_CALL_FOR(j->rc, 20, &j->child, child_fn(&j->child));
    SHIELD_BEGIN();
    AWAIT_SLEEP_MS(5);
    SHIELD_END();
    COOP_YIELD();
    FINALLY;
    j->n = 0;
    ASYNC_END;
}
