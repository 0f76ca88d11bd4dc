/* Nested deadlines (COOP_DEADLINE_NEST, coop/sched.h's AWAIT_FOR), on the
 * virtual clock: asyncio.timeout() inside another, the UART exchange of
 * issue 13 (a per-byte timeout inside a whole-exchange timeout).
 *
 * The unit variants build this file with COOP_DEADLINE_NEST 1 (the default:
 * a nested deadline asserts and runs under the outer one) and 3 (see the
 * Makefile's UNIT_VARIANTS). Each scenario logs (who, what, value, tick) and
 * the test checks the whole log, in order, with its ticks. Every scenario
 * starts 50 ticks before the tick counter wraps, so it runs across the wrap.
 *
 * What asyncio does, for each nested case (CPython 3.12+, asyncio.timeout
 * and wait_for): the earliest deadline wins; an inner one that expires first
 * raises TimeoutError at its own `async with` and the code goes on; an outer
 * one cancels the task, the CancelledError passes the inner block unchanged,
 * and only the outer block turns it into TimeoutError; on a tie the outer
 * one wins (its callback was scheduled first).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "virtual.h"

#define T0 ((coop_tick_t)(0u - 50u))

/* A child coroutine's state. */
struct co {
    coop_lc_t lc;
    int rc, byte, n;
};

struct job {
    coop_task_t task;
    int id;
    int body, fin;
    const struct step *script;
    size_t nsteps, k;
    int rc, mode;
    struct co c1, c2, c3;
};
#define SCENARIO_NJOBS 3
#define MAIN 0
#define ACTOR 2
#include "scenario.h"

/* What a line says. */
enum {
    N_OUTER = 1, /* the outermost AWAIT_CALL_FOR's rc */
    N_L1,        /* level 1's AWAIT_CALL_FOR rc (in c1) */
    N_BYTE,      /* an inner AWAIT_FOR got a byte (val) */
    N_INNER,     /* an inner AWAIT_FOR's rc, when not COOP_OK */
    N_FIN1,      /* c1's FINALLY */
    N_FIN2,      /* c2's FINALLY (val: the rc of a wait there) */
    N_FIN3,
    N_AFTER,     /* code after a wait or a shield */
    N_NEVER,     /* code that a cancel must skip */
    N_PUT,       /* the actor put a byte */
    N_SET,       /* the actor set an event */
    N_CAUGHT     /* AWAIT_CALL_CATCH's rc */
};

/* One expected line: `id` said `what` with `val` at T0 + at. */
struct line {
    int id, what, val;
    uint32_t at;
};

static void expect_log(const struct line *w, size_t n, const char *name)
{
    size_t k;
    g_scenario = name;
    for (k = 0; k < n; k++)
        expect_ev(k, w[k].id, w[k].what, w[k].val, w[k].at);
    ck_assert_msg(nev == n, "%s: %u lines logged, %u expected (line %u: who %d, what %d, %d)",
                  name, (unsigned)nev, (unsigned)n, (unsigned)n, nev > n ? evs[n].id : -1,
                  nev > n ? evs[n].what : -1, nev > n ? evs[n].val : 0);
}
#define EXPECT_LOG(w) expect_log((w), sizeof(w) / sizeof((w)[0]), __func__)

COOP_QUEUE_DEFINE(rx, int, 4);
static coop_event_t ev, never;

static void setup(void)
{
    scenario_reset(T0);
    memset(&rx, 0, sizeof rx);
    ck_assert_int_eq(coop_queue_init(&rx, rx_storage, sizeof(int), 4), COOP_OK);
    memset(&ev, 0, sizeof ev);
    memset(&never, 0, sizeof never);
    ck_assert_int_eq(coop_event_init(&ev), COOP_OK);
    ck_assert_int_eq(coop_event_init(&never), COOP_OK);
}

#if COOP_DEADLINE_NEST > 1
/* The actor: arg > 0 puts that byte; 0 sets ev; -1 cancels MAIN. */
static bool act(struct job *a, const struct step *s)
{
    if (s->arg > 0) {
        ck_assert_int_eq(coop_queue_try_put(&rx, &s->arg), COOP_OK);
        log_ev(a->id, N_PUT, s->arg);
    } else if (s->arg == 0) {
        coop_event_set(&ev);
        log_ev(a->id, N_SET, 0);
    } else {
        ck_assert_int_eq(coop_task_cancel(&J[MAIN].task), COOP_OK);
    }
    return true;
}

/* -------------------------------------------------------- the UART exchange */

/* Receive bytes, each within 10 ticks of the one before; stop at the first
 * late one (mode 1) or never (mode 0: until the outer deadline). */
static coop_status_t receive(struct job *j, struct co *c)
{
    ASYNC(c);
    for (;;) {
        AWAIT_FOR_TICKS(c->rc, 10, AWAIT_GET(&rx, &c->byte));
        if (c->rc != COOP_OK) {
            log_ev(j->id, N_INNER, c->rc);
            if (j->mode == 1)
                ASYNC_RETURN();
        } else {
            log_ev(j->id, N_BYTE, c->byte);
        }
    }
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t exchange_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, j->mode == 1 ? 100 : 25, &j->c1, receive(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    if (j->mode == 0) { /* again, now with the inner deadline first */
        j->mode = 1;
        AWAIT_CALL_FOR(j->rc, 100, &j->c1, receive(j, &j->c1));
        log_ev(j->id, N_OUTER, j->rc);
    }
    ASYNC_END;
}

/* The inner deadline first: a byte at 5 and 12, none within 10 ticks after:
 * the inner AWAIT_FOR reports its own expiry at 22, the child goes on and
 * returns; the outer deadline (100) is not reached: COOP_OK. */
START_TEST(test_inner_first)
{
    static const struct step script[] = {{5, 0, 1}, {12, 0, 2}, {40, 0, 3}};
    static const struct line exp[] = {
        {ACTOR, N_PUT, 1, 5},  {MAIN, N_BYTE, 1, 5},   {ACTOR, N_PUT, 2, 12},
        {MAIN, N_BYTE, 2, 12}, {MAIN, N_INNER, COOP_ETIMEDOUT, 22},
        {MAIN, N_FIN1, 0, 22}, {MAIN, N_OUTER, COOP_OK, 22}, {ACTOR, N_PUT, 3, 40},
    };
    J[MAIN].mode = 1;
    spawn(MAIN, exchange_main);
    spawn_actor(ACTOR, script, 3, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* The outer deadline first: bytes every 8 ticks keep the inner one from
 * expiring; at 25 the outer one cancels the child in its inner wait (no
 * inner rc: the wait never returns), only the outer reports ETIMEDOUT. Then
 * a second exchange on the same task: its levels start clean (the byte of
 * 32, then the inner expiry at 42). */
START_TEST(test_outer_first)
{
    static const struct step script[] = {{8, 0, 1}, {16, 0, 2}, {24, 0, 3}, {32, 0, 4}};
    static const struct line exp[] = {
        {ACTOR, N_PUT, 1, 8},   {MAIN, N_BYTE, 1, 8},
        {ACTOR, N_PUT, 2, 16},  {MAIN, N_BYTE, 2, 16},
        {ACTOR, N_PUT, 3, 24},  {MAIN, N_BYTE, 3, 24},
        {MAIN, N_FIN1, 0, 25},  {MAIN, N_OUTER, COOP_ETIMEDOUT, 25},
        {ACTOR, N_PUT, 4, 32},  {MAIN, N_BYTE, 4, 32},
        {MAIN, N_INNER, COOP_ETIMEDOUT, 42}, {MAIN, N_FIN1, 0, 42},
        {MAIN, N_OUTER, COOP_OK, 42},
    };
    spawn(MAIN, exchange_main);
    spawn_actor(ACTOR, script, 4, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* ------------------------------------------------------- ties, sleeps, depth */

/* c1 under the outer deadline: mode 0, an inner AWAIT_FOR of 20 on an event
 * never set (a tie with the outer 20); mode 1, an inner AWAIT_FOR of 10
 * around a sleep of 100, then a plain sleep of 100. */
static coop_status_t tie_child(struct job *j, struct co *c)
{
    ASYNC(c);
    if (j->mode == 0) {
        AWAIT_FOR_TICKS(c->rc, 20, AWAIT_EVENT(&never));
        log_ev(j->id, N_INNER, c->rc);
    } else {
        AWAIT_FOR_TICKS(c->rc, 10, AWAIT_SLEEP_TICKS(100));
        log_ev(j->id, N_INNER, c->rc);
        AWAIT_SLEEP_TICKS(100);
        log_ev(j->id, N_NEVER, 0);
    }
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t tie_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, j->mode == 0 ? 20 : 30, &j->c1, tie_child(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* Both at 20: the outer one wins, as in asyncio; the inner wait never
 * returns. */
START_TEST(test_tie_outer_wins)
{
    static const struct line exp[] = {
        {MAIN, N_FIN1, 0, 20}, {MAIN, N_OUTER, COOP_ETIMEDOUT, 20},
    };
    spawn(MAIN, tie_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* A sleep under an inner deadline ends at it (ETIMEDOUT at 10); the plain
 * sleep after it is cut by the outer deadline at 30, and the code after that
 * sleep never runs. */
START_TEST(test_sleeps_cut_by_each_level)
{
    static const struct line exp[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 10}, {MAIN, N_FIN1, 0, 30},
        {MAIN, N_OUTER, COOP_ETIMEDOUT, 30},
    };
    J[MAIN].mode = 1;
    spawn(MAIN, tie_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* Three levels: main's AWAIT_CALL_FOR (mode 0: 100, mode 1: 40) around c1,
 * c1's AWAIT_CALL_FOR of 50 around c2, c2's AWAIT_FOR of 30 on an event
 * never set, then a sleep of 100. */
static coop_status_t lvl2(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_FOR_TICKS(c->rc, 30, AWAIT_EVENT(&never));
    log_ev(j->id, N_INNER, c->rc);
    AWAIT_SLEEP_TICKS(100);
    log_ev(j->id, N_NEVER, 2);
    FINALLY;
    log_ev(j->id, N_FIN2, 0);
    ASYNC_END;
}

static coop_status_t lvl1(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_CALL_FOR(c->rc, 50, &j->c2, lvl2(j, &j->c2));
    log_ev(j->id, N_L1, c->rc);
    AWAIT_SLEEP_TICKS(10);
    log_ev(j->id, N_AFTER, 1);
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t three_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, j->mode == 0 ? 100 : 40, &j->c1, lvl1(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* Each level reports its own expiry: c2's AWAIT_FOR at 30, c1's
 * AWAIT_CALL_FOR at 50 (c2 cancelled in its sleep), and main's is OK. With
 * main's deadline at 40 instead, it cuts both inner levels at 40: c1's rc is
 * never set and only main reports ETIMEDOUT. */
START_TEST(test_three_levels)
{
    static const struct line exp[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 30}, {MAIN, N_FIN2, 0, 50},
        {MAIN, N_L1, COOP_ETIMEDOUT, 50},    {MAIN, N_AFTER, 1, 60},
        {MAIN, N_FIN1, 0, 60},               {MAIN, N_OUTER, COOP_OK, 60},
    };
    static const struct line exp_outer[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 30}, {MAIN, N_FIN2, 0, 40},
        {MAIN, N_FIN1, 0, 40},               {MAIN, N_OUTER, COOP_ETIMEDOUT, 40},
    };
    spawn(MAIN, three_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
    setup();
    J[MAIN].mode = 1;
    spawn(MAIN, three_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp_outer);
}
END_TEST

/* ------------------------------------------------------ shields and FINALLY */

/* Under main's AWAIT_CALL_FOR of 20: a shield around an inner AWAIT_FOR of
 * 50 on ev (mode 0: set at 40) or of 30 on an event never set (mode 1). */
static coop_status_t shield_child(struct job *j, struct co *c)
{
    ASYNC(c);
    SHIELD_BEGIN();
    if (j->mode == 0)
        AWAIT_FOR_TICKS(c->rc, 50, AWAIT_EVENT(&ev));
    else
        AWAIT_FOR_TICKS(c->rc, 30, AWAIT_EVENT(&never));
    log_ev(j->id, N_INNER, c->rc);
    SHIELD_END();
    log_ev(j->id, N_AFTER, 0);
    AWAIT_SLEEP_TICKS(5);
    log_ev(j->id, N_NEVER, 0);
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t shield_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, 20, &j->c1, shield_child(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* The shield holds the outer expiry (20) while the inner wait keeps its own
 * deadline: the event at 40 ends it with COOP_OK; after the shield, the next
 * wait is where the child is cancelled (at 40, the code after the sleep
 * never runs). With the inner deadline at 30 and no event, the inner one
 * reports its own expiry inside the shield. */
START_TEST(test_shield_holds_outer)
{
    static const struct step script[] = {{40, 0, 0}};
    static const struct line exp[] = {
        {ACTOR, N_SET, 0, 40}, {MAIN, N_INNER, COOP_OK, 40}, {MAIN, N_AFTER, 0, 40},
        {MAIN, N_FIN1, 0, 40}, {MAIN, N_OUTER, COOP_ETIMEDOUT, 40},
    };
    static const struct line exp_inner[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 30}, {MAIN, N_AFTER, 0, 30},
        {MAIN, N_FIN1, 0, 30},               {MAIN, N_OUTER, COOP_ETIMEDOUT, 30},
    };
    spawn(MAIN, shield_main);
    spawn_actor(ACTOR, script, 1, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
    setup();
    J[MAIN].mode = 1;
    spawn(MAIN, shield_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp_inner);
}
END_TEST

/* c2 waits forever; its FINALLY waits on ev with a deadline of its own. */
static coop_status_t fin_lvl2(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_EVENT(&never);
    log_ev(j->id, N_NEVER, 2);
    FINALLY;
    AWAIT_FOR_TICKS(c->rc, 15, AWAIT_EVENT(&ev));
    log_ev(j->id, N_FIN2, c->rc);
    ASYNC_END;
}

static coop_status_t fin_lvl1(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_CALL_FOR(c->rc, 100, &j->c2, fin_lvl2(j, &j->c2));
    log_ev(j->id, N_L1, c->rc);
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t fin_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, 20, &j->c1, fin_lvl1(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* main's deadline (20) cancels c1 and c2 through c1's level (100, not
 * reached). c2's FINALLY starts a deadline of 15: the cleanup's own wait
 * keeps it (TimeoutError at 35), then the cancel goes on up: c1's FINALLY,
 * main's ETIMEDOUT at 35; c1's rc is never set. */
START_TEST(test_finally_keeps_its_deadline)
{
    static const struct line exp[] = {
        {MAIN, N_FIN2, COOP_ETIMEDOUT, 35}, {MAIN, N_FIN1, 0, 35},
        {MAIN, N_OUTER, COOP_ETIMEDOUT, 35},
    };
    spawn(MAIN, fin_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* c1 ends normally at 5; its FINALLY waits with a deadline of its own (30)
 * under main's AWAIT_CALL_FOR of 20. */
static coop_status_t fin_end_child(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_SLEEP_TICKS(5);
    FINALLY;
    AWAIT_FOR_TICKS(c->rc, 30, AWAIT_EVENT(&never));
    log_ev(j->id, N_FIN1, c->rc);
    ASYNC_END;
}

static coop_status_t fin_end_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, 20, &j->c1, fin_end_child(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* A FINALLY section is not cut by the outer deadline (20): its own wait
 * times out at 35, and the child has then ended by itself, so main's rc is
 * COOP_OK (nothing was cancelled; asyncio's timeout() reports no error for
 * a block that ends without being cancelled either). */
START_TEST(test_finally_not_cut)
{
    static const struct line exp[] = {
        {MAIN, N_FIN1, COOP_ETIMEDOUT, 35}, {MAIN, N_OUTER, COOP_OK, 35},
    };
    spawn(MAIN, fin_end_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* main's AWAIT_CALL_FOR(20) > c1's AWAIT_CALL_FOR(100) > c2: a shield around
 * an AWAIT_FOR(50) on ev (set at 40), then a wait (mode 0) or a sleep
 * (mode 1) after the shield. */
static coop_status_t shield_lvl2(struct job *j, struct co *c)
{
    ASYNC(c);
    SHIELD_BEGIN();
    AWAIT_FOR_TICKS(c->rc, 50, AWAIT_EVENT(&ev));
    log_ev(j->id, N_INNER, c->rc);
    SHIELD_END();
    log_ev(j->id, N_AFTER, 0);
    if (j->mode == 0)
        AWAIT_EVENT(&never);
    else
        AWAIT_SLEEP_TICKS(5);
    log_ev(j->id, N_NEVER, 0);
    FINALLY;
    log_ev(j->id, N_FIN2, 0);
    ASYNC_END;
}

static coop_status_t shield_lvl1(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_CALL_FOR(c->rc, 100, &j->c2, shield_lvl2(j, &j->c2));
    log_ev(j->id, N_L1, c->rc);
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t shield2_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, 20, &j->c1, shield_lvl1(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* The outer expiry (20) held by a shield two levels down: after the shield
 * (40) the child's next wait or sleep is where main's level cancels both
 * children (c1's rc is never set). */
START_TEST(test_shield_under_inner_level)
{
    static const struct step script[] = {{40, 0, 0}};
    static const struct line exp[] = {
        {ACTOR, N_SET, 0, 40}, {MAIN, N_INNER, COOP_OK, 40}, {MAIN, N_AFTER, 0, 40},
        {MAIN, N_FIN2, 0, 40}, {MAIN, N_FIN1, 0, 40},        {MAIN, N_OUTER, COOP_ETIMEDOUT, 40},
    };
    int mode;
    for (mode = 0; mode < 2; mode++) {
        setup();
        J[MAIN].mode = mode;
        spawn(MAIN, shield2_main);
        spawn_actor(ACTOR, script, 1, act);
        ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
        EXPECT_LOG(exp);
    }
}
END_TEST

/* ----------------------------------------------------------- task cancel */

static coop_status_t cancel_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_CATCH(j->rc, &j->c1, lvl1(j, &j->c1));
    log_ev(j->id, N_CAUGHT, j->rc);
    /* three levels again: all COOP_DEADLINE_NEST of them are free */
    AWAIT_CALL_FOR(j->rc, 100, &j->c1, lvl1(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* A cancel of the task at 15 (inside c2's AWAIT_FOR, under c1's level of
 * 50): the FINALLY sections run innermost first and AWAIT_CALL_CATCH takes
 * it. No level of before is left: the same three levels again nest in full
 * and keep their ticks past 50 (c2's expiry at 45, c1's at 65, main's OK). */
START_TEST(test_task_cancel_clears_levels)
{
    static const struct step script[] = {{15, 0, -1}};
    static const struct line exp[] = {
        {MAIN, N_FIN2, 0, 15},               {MAIN, N_FIN1, 0, 15},
        {MAIN, N_CAUGHT, COOP_ECANCELED, 15}, {MAIN, N_INNER, COOP_ETIMEDOUT, 45},
        {MAIN, N_FIN2, 0, 65},               {MAIN, N_L1, COOP_ETIMEDOUT, 65},
        {MAIN, N_AFTER, 1, 75},              {MAIN, N_FIN1, 0, 75},
        {MAIN, N_OUTER, COOP_OK, 75},
    };
    spawn(MAIN, cancel_main);
    spawn_actor(ACTOR, script, 1, act);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
}
END_TEST

/* ------------------------------------------------------------------ misuse */

/* AWAIT_FOR inside AWAIT_FOR's own wait is refused (nesting is through
 * AWAIT_CALL_FOR's child): it asserts and runs under the outer deadline. */
static coop_status_t in_wait_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_FOR_TICKS(j->rc, 30, AWAIT_FOR_TICKS(j->c1.rc, 10, AWAIT_EVENT(&never)));
    log_ev(j->id, N_INNER, j->c1.rc);
    log_ev(j->id, N_OUTER, j->rc);
    AWAIT_FOR_TICKS(j->rc, 5, AWAIT_EVENT(&never)); /* and the task is clean after */
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

START_TEST(test_in_wait_refused)
{
    static const struct line exp[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 30}, {MAIN, N_OUTER, COOP_ETIMEDOUT, 30},
        {MAIN, N_OUTER, COOP_ETIMEDOUT, 35},
    };
    scenario_record_asserts();
    spawn(MAIN, in_wait_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
    EXPECT_ASSERT("not in AWAIT_FOR's wait");
}
END_TEST
#endif /* COOP_DEADLINE_NEST > 1 */

/* One level more than COOP_DEADLINE_NEST (with 1: any nesting) asserts and
 * runs under the level around it. Levels: main's AWAIT_CALL_FOR(100) > c1's
 * (50) > c2's AWAIT_FOR(30) with COOP_DEADLINE_NEST 3: all three are kept,
 * so the test goes one deeper with c2's wait inside a c3 level. */
static coop_status_t deep3(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_FOR_TICKS(c->rc, 5, AWAIT_EVENT(&never));
    log_ev(j->id, N_INNER, c->rc);
    FINALLY;
    log_ev(j->id, N_FIN3, 0);
    ASYNC_END;
}

#if COOP_DEADLINE_NEST > 1
static coop_status_t deep2(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_CALL_FOR(c->rc, 30, &j->c3, deep3(j, &j->c3));
    log_ev(j->id, N_AFTER, c->rc);
    FINALLY;
    log_ev(j->id, N_FIN2, 0);
    ASYNC_END;
}
#endif

static coop_status_t deep_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
#if COOP_DEADLINE_NEST == 1
    AWAIT_CALL_FOR(j->rc, 20, &j->c3, deep3(j, &j->c3));
#else
    AWAIT_CALL_FOR(j->rc, 20, &j->c2, deep2(j, &j->c2));
#endif
    log_ev(j->id, N_OUTER, j->rc);
    AWAIT_FOR_TICKS(j->rc, 5, AWAIT_EVENT(&never)); /* the task is clean after */
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* With COOP_DEADLINE_NEST 1, deep3's AWAIT_FOR(5) inside main's
 * AWAIT_CALL_FOR(20) asserts and runs under it: the wait ends at 20, when
 * the child is cancelled. A deadline of the task's own afterwards works
 * (no second assert). With a deeper COOP_DEADLINE_NEST the same three levels
 * nest: deep3's own expiry at 5 (test_depth_limit refuses a level). */
START_TEST(test_refused_runs_under_outer)
{
#if COOP_DEADLINE_NEST == 1
    static const struct line exp[] = {
        {MAIN, N_FIN3, 0, 20}, {MAIN, N_OUTER, COOP_ETIMEDOUT, 20},
        {MAIN, N_OUTER, COOP_ETIMEDOUT, 25},
    };
    scenario_record_asserts();
    spawn(MAIN, deep_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
    EXPECT_ASSERT("one deadline at a time");
#else
    /* 3 levels, none refused: deep3's own expiry at 5 */
    static const struct line exp[] = {
        {MAIN, N_INNER, COOP_ETIMEDOUT, 5}, {MAIN, N_FIN3, 0, 5}, {MAIN, N_AFTER, COOP_OK, 5},
        {MAIN, N_FIN2, 0, 5},               {MAIN, N_OUTER, COOP_OK, 5},
        {MAIN, N_OUTER, COOP_ETIMEDOUT, 10},
    };
    spawn(MAIN, deep_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
#endif
}
END_TEST

#if COOP_DEADLINE_NEST == 3
/* A fourth level with COOP_DEADLINE_NEST 3: deep3's AWAIT_FOR(5) inside
 * AWAIT_CALL_FOR(20) > (30) > (40) asserts and runs under the (40) level
 * around it, which ends it at 40 by cancelling deep3. */
static coop_status_t deep1(struct job *j, struct co *c)
{
    ASYNC(c);
    AWAIT_CALL_FOR(c->rc, 40, &j->c2, deep2(j, &j->c2));
    log_ev(j->id, N_L1, c->rc);
    FINALLY;
    log_ev(j->id, N_FIN1, 0);
    ASYNC_END;
}

static coop_status_t deep4_main(coop_task_t *task)
{
    struct job *j = job_of(task);
    ASYNC(task);
    AWAIT_CALL_FOR(j->rc, 100, &j->c1, deep1(j, &j->c1));
    log_ev(j->id, N_OUTER, j->rc);
    ASYNC_END;
}

/* main 100 > deep1 40 > deep2 30 > deep3's AWAIT_FOR(5): refused; runs under
 * deep2's 30, which cancels deep3 at 30. */
START_TEST(test_depth_limit)
{
    static const struct line exp[] = {
        {MAIN, N_FIN3, 0, 30}, {MAIN, N_AFTER, COOP_ETIMEDOUT, 30}, {MAIN, N_FIN2, 0, 30},
        {MAIN, N_L1, COOP_OK, 30}, {MAIN, N_FIN1, 0, 30}, {MAIN, N_OUTER, COOP_OK, 30},
    };
    scenario_record_asserts();
    spawn(MAIN, deep4_main);
    ck_assert_int_eq(coop_loop_run(&g_loop), COOP_OK);
    EXPECT_LOG(exp);
    EXPECT_ASSERT("nest COOP_DEADLINE_NEST deep");
}
END_TEST
#endif

Suite *coop_nest_suite(void);
Suite *coop_nest_suite(void)
{
    Suite *s = suite_create("nest");
    TCase *tc = tcase_create("nest");
    tcase_add_checked_fixture(tc, setup, scenario_teardown);
#if COOP_DEADLINE_NEST > 1
    tcase_add_test(tc, test_inner_first);
    tcase_add_test(tc, test_outer_first);
    tcase_add_test(tc, test_tie_outer_wins);
    tcase_add_test(tc, test_sleeps_cut_by_each_level);
    tcase_add_test(tc, test_three_levels);
    tcase_add_test(tc, test_shield_holds_outer);
    tcase_add_test(tc, test_finally_keeps_its_deadline);
    tcase_add_test(tc, test_finally_not_cut);
    tcase_add_test(tc, test_shield_under_inner_level);
    tcase_add_test(tc, test_task_cancel_clears_levels);
    tcase_add_test(tc, test_in_wait_refused);
#endif
#if COOP_DEADLINE_NEST == 3
    tcase_add_test(tc, test_depth_limit);
#endif
    tcase_add_test(tc, test_refused_runs_under_outer);
    suite_add_tcase(s, tc);
    return s;
}
