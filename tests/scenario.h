/* tests/scenario.h - scenarios of tasks on the virtual clock, for the Check
 * unit tests (tests/check_sync.c, tests/check_timeout.c, ...).
 *
 * A scenario is a few tasks on one loop, started at a known tick (T0 of the
 * test file): each sleeps, waits, takes or gives, and logs what it did with
 * the tick it did it at. The test runs the loop to its end, then checks the
 * log: who did what, in which order, at which tick. The clock moves only when
 * the loop idles, straight to the next deadline (ports/virtual.h), so every
 * tick is exact and no test depends on the machine's speed.
 *
 * Jobs. A job is one task and its parameters and results: the test file
 * defines `struct job` (what its task bodies need: delays, counts, results)
 * before it includes this header, with at least these members:
 *     coop_task_t task;              spawn(k, fn) spawns J[k].task with fn
 *     int id;                        its index in J[] (scenario_reset sets it)
 *     int body, fin;                 the actor sets them (below); free otherwise
 *     const struct step *script;     the actor's script, its length, and the
 *     size_t nsteps, k;              step it is at (free in other jobs)
 * and defines SCENARIO_NJOBS, the number of jobs (SCENARIO_MAX_EV, the log's
 * size, is 512 unless it defines it too). Here are then the jobs J[], the loop
 * g_loop, and job_of(task), the job whose task that is (in a task body:
 * `struct job *j = job_of(task);`, and j's members keep the task's state
 * across its resume points).
 *
 * The log. log_ev(id, what, val) appends (id, what, val, tick of the pass,
 * coop_now()); `what` is the file's own enum, `val` whatever that entry
 * needs (an rc, a record). Checks: expect_ev(k, ...) the k-th entry;
 * EXPECT_EV(id, what, val, n) task id logged `what` exactly once, with val at
 * T0 + n; find_ev / count_ev; select_ev(what, ...) every entry of one kind in
 * log order (ids, values, ticks). Ticks are given as offsets from the
 * scenario's start: at(n) is the tick T0 + n.
 *
 * The actor. spawn_actor(k, script, n, act) spawns J[k] running a script of
 * n steps {at, act, arg}: for each step it sleeps until T0 + at (the steps
 * of one tick run in one pass, in order), then calls act(actor, step), the
 * file's function that does the step (set, release, cancel, ...) and usually
 * logs it; act returns false to end the actor there (a task others join). At
 * the script's end the actor sets body; its FINALLY adds 1 to fin.
 *
 * Asserts. scenario_reset() installs a hook that fails the test on any
 * COOP_ASSERT. A test of misuse calls scenario_record_asserts() after it:
 * asserts are then counted (hook_calls) and their messages kept (hook_msg),
 * and EXPECT_ASSERTS(n, text) / EXPECT_ASSERT(text) / EXPECT_NO_ASSERT()
 * check and clear them.
 *
 * Writing a scenario:
 *     #define T0 ((coop_tick_t)1000)
 *     struct job { coop_task_t task; int id; int body, fin; uint32_t delay;
 *                  const struct step *script; size_t nsteps, k; };
 *     #define SCENARIO_NJOBS 4
 *     #include "scenario.h"
 *     static void setup(void) { scenario_reset(T0); coop_event_init(&ev); }
 *     static coop_status_t waiter_fn(coop_task_t *task)
 *     {
 *         struct job *j = job_of(task);
 *         ASYNC(task);
 *         AWAIT_SLEEP_TICKS(j->delay);
 *         log_ev(j->id, EV_WAIT, 0);
 *         AWAIT_EVENT(&ev);
 *         log_ev(j->id, EV_DONE, 0);
 *         ASYNC_END;
 *     }
 *     static bool act(struct job *a, const struct step *s)
 *     {
 *         coop_event_set(&ev);
 *         log_ev(a->id, EV_SET, s->arg);
 *         return true;
 *     }
 *     START_TEST(test_set_wakes_both)
 *     {
 *         static const struct step script[] = {{5, A_SET, 0}};
 *         J[1].delay = 2;
 *         spawn(0, waiter_fn);
 *         spawn(1, waiter_fn);
 *         spawn_actor(3, script, 1, act);
 *         ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
 *         EXPECT_EV(0, EV_DONE, 0, 5);
 *         EXPECT_EV(1, EV_DONE, 0, 5);
 *     }
 *     END_TEST
 * with tcase_add_checked_fixture(tc, setup, scenario_teardown). A test that
 * runs a second scenario calls the file's reset again first (every piece of
 * state is reset there, so the tests are also right with CK_FORK=no).
 */
#ifndef COOP_TESTS_SCENARIO_H
#define COOP_TESTS_SCENARIO_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#ifndef SCENARIO_NJOBS
#error "tests/scenario.h: define struct job and SCENARIO_NJOBS before including it"
#endif
#ifndef SCENARIO_MAX_EV
#define SCENARIO_MAX_EV 512
#endif
#define SCENARIO_MAX_MSGS 8

/* One step of the actor's script: at T0 + at, do act (the file's codes). */
struct step {
    uint32_t at;
    int act;
    int arg;
};

/* One entry of the log. */
struct ev {
    int id;
    int what;
    int val;
    coop_tick_t tick;
};

static coop_loop_t g_loop;
static struct job J[SCENARIO_NJOBS];
static struct ev evs[SCENARIO_MAX_EV];
static size_t nev;
static coop_tick_t g_t0;            /* the scenario's start: at(0) */
static const char *g_scenario = ""; /* named in expect_ev's and EXPECT_EV's failures */

/* --------------------------------------------------------------- asserts */

static int hook_calls;
static char hook_msg[SCENARIO_MAX_MSGS][200];

static inline void scenario_fail_on_assert(const char *msg, const char *file, int line)
{
    ck_abort_msg("unexpected COOP_ASSERT at %s:%d: %s", file, line, msg);
}

static inline void scenario_record_assert(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    if (hook_calls < SCENARIO_MAX_MSGS) {
        strncpy(hook_msg[hook_calls], msg != NULL ? msg : "(null)", sizeof hook_msg[0] - 1);
        hook_msg[hook_calls][sizeof hook_msg[0] - 1] = '\0';
    }
    hook_calls++;
}

/* From now on, count asserts and keep their messages instead of failing. */
static inline void scenario_record_asserts(void)
{
    hook_calls = 0;
    memset(hook_msg, 0, sizeof hook_msg);
    coop_virtual_on_assert = scenario_record_assert;
}

/* Exactly n asserts since the last check, each message containing text. */
#define EXPECT_ASSERTS(n, text)                                                            \
    do {                                                                                   \
        int k_;                                                                            \
        ck_assert_msg(hook_calls == (n), "expected %d COOP_ASSERT(s) (\"%s\"), got %d%s%s", \
                      (n), (text), hook_calls, hook_calls > 0 ? ": " : "", hook_msg[0]);   \
        for (k_ = 0; k_ < (n) && k_ < SCENARIO_MAX_MSGS; k_++)                             \
            ck_assert_msg(strstr(hook_msg[k_], (text)) != NULL,                            \
                          "COOP_ASSERT message \"%s\" lacks \"%s\"", hook_msg[k_], (text)); \
        hook_calls = 0;                                                                    \
        memset(hook_msg, 0, sizeof hook_msg);                                              \
    } while (0)
#define EXPECT_ASSERT(text) EXPECT_ASSERTS(1, text)
#define EXPECT_NO_ASSERT()                                                             \
    ck_assert_msg(hook_calls == 0, "unexpected COOP_ASSERT (%d): %s", hook_calls, hook_msg[0])

/* ------------------------------------------------------- setup, teardown */

/* Every piece of the scenario's state back to the start, the clock at
 * `start`, a fresh loop, asserts failing the test. */
static inline void scenario_reset(coop_tick_t start)
{
    int k;
    coop_priv_running = NULL;
    coop_priv_inbox = NULL;
    coop_virtual_on_assert = scenario_fail_on_assert;
    coop_virtual_on_idle = NULL;
    coop_virtual_masked = false;
    coop_virtual_set(start);
    coop_virtual_idles = 0;
    g_t0 = start;
    hook_calls = 0;
    memset(hook_msg, 0, sizeof hook_msg);
    memset(J, 0, sizeof J);
    for (k = 0; k < SCENARIO_NJOBS; k++)
        J[k].id = k;
    memset(evs, 0, sizeof evs);
    nev = 0;
    memset(&g_loop, 0, sizeof g_loop);
    coop_loop_init(&g_loop);
}

static inline void scenario_teardown(void)
{
    coop_priv_running = NULL;
    coop_priv_inbox = NULL;
    coop_virtual_on_assert = NULL;
}

/* ------------------------------------------------------------------ jobs */

static inline struct job *job_of(coop_task_t *task)
{
    return COOP_CONTAINER_OF(task, struct job, task);
}

/* The tick T0 + n. */
static inline coop_tick_t at(uint32_t n)
{
    return coop_tick_add(g_t0, n);
}

static inline void spawn(int k, coop_task_fn fn)
{
    ck_assert_int_eq(coop_task_spawn(&g_loop, &J[k].task, fn), COOP_OK);
}

/* ------------------------------------------------------------------- log */

static inline void log_ev(int id, int what, int val)
{
    ck_assert_uint_lt(nev, SCENARIO_MAX_EV);
    evs[nev].id = id;
    evs[nev].what = what;
    evs[nev].val = val;
    evs[nev].tick = coop_now();
    nev++;
}

/* The index of the first entry (id, what), or -1. */
static inline int find_ev(int id, int what)
{
    size_t k;
    for (k = 0; k < nev; k++)
        if (evs[k].id == id && evs[k].what == what)
            return (int)k;
    return -1;
}

static inline int count_ev(int id, int what)
{
    size_t k;
    int n = 0;
    for (k = 0; k < nev; k++)
        n += evs[k].id == id && evs[k].what == what;
    return n;
}

/* Entry k is (id, what, val) at T0 + n. */
static inline void expect_ev(size_t k, int id, int what, int val, uint32_t n)
{
    ck_assert_msg(k < nev, "%s event %u: only %u logged", g_scenario, (unsigned)k, (unsigned)nev);
    ck_assert_msg(evs[k].id == id && evs[k].what == what && evs[k].val == val &&
                      evs[k].tick == at(n),
                  "%s%sevent %u: got (task %d, what %d, value %d, T0%+ld), expected (%d, %d, "
                  "%d, T0+%lu)",
                  g_scenario, *g_scenario != '\0' ? ": " : "", (unsigned)k, evs[k].id, evs[k].what, evs[k].val,
                  (long)coop_tick_diff(evs[k].tick, g_t0), id, what, val, (unsigned long)n);
}

/* Task id logged `what` exactly once, with value val at tick T0 + n. */
#define EXPECT_EV(id_, what_, val_, n_)                                                        \
    do {                                                                                       \
        int e_ = find_ev((id_), (what_));                                                      \
        ck_assert_msg(e_ >= 0, "%s: task %d never logged event %d", g_scenario, (id_), (what_)); \
        ck_assert_msg(count_ev((id_), (what_)) == 1, "%s: task %d logged event %d %d times",     \
                      g_scenario, (id_), (what_), count_ev((id_), (what_)));                   \
        ck_assert_msg(evs[e_].val == (val_) && evs[e_].tick == at(n_),                         \
                      "%s: task %d event %d: value %d at T0%+ld, expected %d at T0+%lu",       \
                      g_scenario, (id_), (what_), evs[e_].val,                                 \
                      (long)coop_tick_diff(evs[e_].tick, g_t0), (val_), (unsigned long)(n_));  \
    } while (0)

/* The entries of one kind in log order, as ids / values / ticks (T0 + n:
 * n); any of the three may be NULL. Returns how many (at most max). */
static inline size_t select_ev(int what, int *ids, int *vals, uint32_t *ticks, size_t max)
{
    size_t k, m = 0;
    for (k = 0; k < nev && m < max; k++) {
        if (evs[k].what != what)
            continue;
        if (ids != NULL)
            ids[m] = evs[k].id;
        if (vals != NULL)
            vals[m] = evs[k].val;
        if (ticks != NULL)
            ticks[m] = (uint32_t)coop_tick_diff(evs[k].tick, g_t0);
        m++;
    }
    return m;
}

static inline void expect_ints(const int *got, const int *want, size_t n, const char *what)
{
    size_t k;
    for (k = 0; k < n; k++)
        ck_assert_msg(got[k] == want[k], "%s[%u]: %d, expected %d", what, (unsigned)k, got[k],
                      want[k]);
}

/* ----------------------------------------------------------------- actor */

typedef bool scenario_act_fn(struct job *actor, const struct step *s);
static scenario_act_fn *scenario_act;

static inline coop_status_t scenario_actor_fn(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    for (j->k = 0; j->k < j->nsteps; j->k++) {
        if (coop_tick_after(at(j->script[j->k].at), coop_now()))
            AWAIT_SLEEP_UNTIL(at(j->script[j->k].at));
        if (!scenario_act(j, &j->script[j->k]))
            ASYNC_RETURN();
    }
    j->body = 1;
    FINALLY;
    j->fin++;
    ASYNC_END;
}

/* Spawn J[k] as the actor running script (n steps), each step done by act. */
static inline void spawn_actor(int k, const struct step *script, size_t n, scenario_act_fn *act)
{
    scenario_act = act;
    J[k].script = script;
    J[k].nsteps = n;
    spawn(k, scenario_actor_fn);
}

#endif
