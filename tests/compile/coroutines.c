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
};

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
    AWAIT_JOIN(j->others[0]);
    AWAIT_GATHER(j->others, 2);
    COOP_YIELD();
    FINALLY;
    j->n = 0;
    ASYNC_END;
}
