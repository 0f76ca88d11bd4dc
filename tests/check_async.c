/* Unit tests of the coroutine macros (coop/async.h, coop/lc.h) without the
 * scheduler: each coroutine is called directly, as a loop would, and the
 * statuses, the order of the body's side effects (a trace string) and the
 * state struct are asserted after every call.
 *
 * Built in every unit variant, so each test runs under both back ends
 * (COOP_LC_SWITCH, COOP_LC_GOTO), as C and as C++. */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "virtual.h"

/* ------------------------------------------------------------------ helpers */

/* The order in which the coroutine bodies ran, one character per step. */
static char trace[128];
static size_t trace_len;

static void tr(char c)
{
    if (trace_len + 1 < sizeof trace) {
        trace[trace_len++] = c;
        trace[trace_len] = '\0';
    }
}

/* The recording COOP_ASSERT hook (coop_virtual_on_assert). */
static int assert_count;
static char assert_msg[256];

static void record_assert(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    assert_count++;
    strncpy(assert_msg, msg != NULL ? msg : "(null)", sizeof assert_msg - 1);
    assert_msg[sizeof assert_msg - 1] = '\0';
}

/* Counters of macro argument evaluations. */
static int ctx_evals;

static void reset_globals(void)
{
    trace[0] = '\0';
    trace_len = 0;
    assert_count = 0;
    assert_msg[0] = '\0';
    ctx_evals = 0;
    coop_virtual_on_assert = NULL;
}

static void setup(void)
{
    reset_globals();
}

static void teardown(void)
{
    reset_globals();
}

/* ------------------------------------------------- ASYNC / YIELD / ASYNC_END */

struct seq {
    coop_lc_t lc;
};

static coop_status_t seq_fn(struct seq *s)
{
    ASYNC(s);
    tr('a');
    YIELD();
    tr('b');
    YIELD();
    tr('c');
    ASYNC_END;
}

START_TEST(test_yield_sequence)
{
    struct seq s;
    memset(&s, 0, sizeof s); /* lc == 0 is "start": a zeroed struct is ready */

    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_int_eq(seq_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "a");
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_int_eq(seq_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "ab");
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_int_eq(seq_fn(&s), COOP_DONE);
    ck_assert_str_eq(trace, "abc");
    ck_assert(COOP_CO_DONE(&s));

    /* After DONE: stays DONE, the body never runs again. */
    ck_assert_int_eq(seq_fn(&s), COOP_DONE);
    ck_assert_int_eq(seq_fn(&s), COOP_DONE);
    ck_assert_str_eq(trace, "abc");
    ck_assert(COOP_CO_DONE(&s));

    /* COOP_CO_INIT starts it over from the top. */
    COOP_CO_INIT(&s);
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_int_eq(seq_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "abca");
}
END_TEST

static coop_status_t empty_fn(struct seq *s)
{
    ASYNC(s);
    ASYNC_END;
}

/* Resume points as the very first and very last statements of the body. */
static coop_status_t edges_fn(struct seq *s)
{
    ASYNC(s);
    YIELD();
    tr('m');
    YIELD();
    ASYNC_END;
}

START_TEST(test_empty_and_edge_resume_points)
{
    struct seq s;
    COOP_CO_INIT(&s);
    ck_assert_int_eq(empty_fn(&s), COOP_DONE);
    ck_assert(COOP_CO_DONE(&s));
    ck_assert_int_eq(empty_fn(&s), COOP_DONE);

    COOP_CO_INIT(&s);
    ck_assert_int_eq(edges_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "");
    /* a resume point is never read as "finished" or "go to FINALLY" (with the
     * goto back end a label merged with the top may legitimately be 0 = START) */
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_uint_ne(s.lc, COOP_PRIV_LC_FINALLY);
    ck_assert_int_eq(edges_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "m");
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_uint_ne(s.lc, COOP_PRIV_LC_FINALLY);
    ck_assert_int_eq(edges_fn(&s), COOP_DONE);
    ck_assert_str_eq(trace, "m");
    ck_assert(COOP_CO_DONE(&s));
}
END_TEST

/* -------------------------------------------- state lives in the struct only */

struct counter {
    coop_lc_t lc;
    int i;
    int log[8];
};

static coop_status_t counter_fn(struct counter *m)
{
    int local; /* no initialiser (rule 6); recomputed after every resume (rule 1) */
    ASYNC(m);
    for (m->i = 0; m->i < 4; m->i++) {
        local = m->i * 10 + 1;
        m->log[m->i] = local;
        YIELD();
    }
    ASYNC_END;
}

START_TEST(test_struct_fields_survive)
{
    struct counter m;
    int calls;
    memset(&m, 0, sizeof m);

    for (calls = 0; calls < 4; calls++) {
        ck_assert_int_eq(counter_fn(&m), COOP_YIELDED);
        ck_assert_int_eq(m.i, calls); /* the loop counter survived each YIELD */
        ck_assert_int_eq(m.log[calls], calls * 10 + 1);
        ck_assert_int_eq(m.log[calls + 1], 0);
    }
    ck_assert_int_eq(counter_fn(&m), COOP_DONE);
    ck_assert_int_eq(m.i, 4);
    ck_assert_int_eq(m.log[0], 1);
    ck_assert_int_eq(m.log[3], 31);
    ck_assert_int_eq(m.log[4], 0);
}
END_TEST

START_TEST(test_two_instances_are_independent)
{
    struct counter a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);

    ck_assert_int_eq(counter_fn(&a), COOP_YIELDED);
    ck_assert_int_eq(counter_fn(&a), COOP_YIELDED);
    ck_assert_int_eq(counter_fn(&a), COOP_YIELDED);
    ck_assert_int_eq(counter_fn(&b), COOP_YIELDED);
    ck_assert_int_eq(a.i, 2);
    ck_assert_int_eq(b.i, 0);
    ck_assert_int_eq(counter_fn(&a), COOP_YIELDED);
    ck_assert_int_eq(counter_fn(&a), COOP_DONE);
    ck_assert_int_eq(b.i, 0);
    ck_assert_int_eq(b.log[1], 0);
    ck_assert_int_eq(counter_fn(&b), COOP_YIELDED);
    ck_assert_int_eq(b.i, 1);
    ck_assert_int_eq(b.log[1], 11);
    ck_assert(COOP_CO_DONE(&a));
    ck_assert(!COOP_CO_DONE(&b));
}
END_TEST

/* ------------------------------------------ two resume points on one line */

/* clang-format off */
static coop_status_t oneline_fn(struct seq *s)
{
    ASYNC(s);
    tr('1'); YIELD(); tr('2'); YIELD(); tr('3');
    YIELD(); YIELD();
    tr('4');
    ASYNC_END;
}
/* clang-format on */

START_TEST(test_two_resume_points_on_one_line)
{
    struct seq s;
    coop_lc_t first, second, third;
    COOP_CO_INIT(&s);

    ck_assert_int_eq(oneline_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "1");
    first = s.lc;
    ck_assert_int_eq(oneline_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "12");
    second = s.lc;
    ck_assert_int_eq(oneline_fn(&s), COOP_YIELDED);
    ck_assert_str_eq(trace, "123");
    third = s.lc;
    ck_assert_int_eq(oneline_fn(&s), COOP_YIELDED); /* second YIELD of `YIELD(); YIELD();` */
    ck_assert_str_eq(trace, "123");
    ck_assert_uint_ne(s.lc, third);
    ck_assert_uint_ne(first, second);
    ck_assert_uint_ne(second, third);
    ck_assert_int_eq(oneline_fn(&s), COOP_DONE);
    ck_assert_str_eq(trace, "1234");
}
END_TEST

/* -------------------------------------------------------------------- AWAIT */

struct aw {
    coop_lc_t lc;
    int ready;
    int evals;
};

static int aw_cond(struct aw *a)
{
    a->evals++;
    return a->ready;
}

static coop_status_t aw_fn(struct aw *a)
{
    ASYNC(a);
    tr('<');
    AWAIT(aw_cond(a));
    tr('>');
    ASYNC_END;
}

START_TEST(test_await_polls_condition)
{
    struct aw a;
    int i;
    memset(&a, 0, sizeof a);

    for (i = 1; i <= 3; i++) {
        ck_assert_int_eq(aw_fn(&a), COOP_YIELDED);
        ck_assert_int_eq(a.evals, i); /* re-evaluated exactly once per call */
        ck_assert_str_eq(trace, "<"); /* code before AWAIT does not run again */
    }
    a.ready = 1;
    ck_assert_int_eq(aw_fn(&a), COOP_DONE);
    ck_assert_int_eq(a.evals, 4);
    ck_assert_str_eq(trace, "<>");
    ck_assert_int_eq(aw_fn(&a), COOP_DONE);
    ck_assert_int_eq(a.evals, 4); /* not evaluated once finished */
    ck_assert_str_eq(trace, "<>");
}
END_TEST

START_TEST(test_await_true_does_not_suspend)
{
    struct aw a;
    memset(&a, 0, sizeof a);
    a.ready = 1;
    ck_assert_int_eq(aw_fn(&a), COOP_DONE);
    ck_assert_int_eq(a.evals, 1);
    ck_assert_str_eq(trace, "<>");
}
END_TEST

/* --------------------------------------------------------------- AWAIT_CALL */

struct child {
    coop_lc_t lc;
    int arg;
    int result;
    int runs;
    int k;
};

static coop_status_t child_fn(struct child *c)
{
    ASYNC(c);
    c->runs++;
    tr('c');
    for (c->k = 0; c->k < 2; c->k++) {
        YIELD();
        tr('.');
    }
    c->result = c->arg * 3 + 1;
    tr('r');
    ASYNC_END;
}

struct parent {
    coop_lc_t lc;
    struct child c;
    int k;
    int got[2];
};

static coop_status_t parent_fn(struct parent *p)
{
    ASYNC(p);
    tr('P');
    p->c.arg = 7;
    AWAIT_CALL(&p->c, child_fn(&p->c));
    p->got[0] = p->c.result;
    tr('p');
    ASYNC_END;
}

START_TEST(test_await_call_runs_child_to_end)
{
    struct parent p;
    memset(&p, 0, sizeof p);

    ck_assert_int_eq(parent_fn(&p), COOP_YIELDED);
    ck_assert_str_eq(trace, "Pc");
    ck_assert_int_eq(parent_fn(&p), COOP_YIELDED);
    ck_assert_str_eq(trace, "Pc.");
    ck_assert_int_eq(p.got[0], 0);
    ck_assert_int_eq(parent_fn(&p), COOP_DONE);
    ck_assert_str_eq(trace, "Pc..rp");
    ck_assert_int_eq(p.got[0], 22); /* the child's result, read through its ctx */
    ck_assert_int_eq(p.c.runs, 1);
    ck_assert(COOP_CO_DONE(&p.c));
    ck_assert_int_eq(parent_fn(&p), COOP_DONE);
    ck_assert_str_eq(trace, "Pc..rp");
}
END_TEST

START_TEST(test_await_call_resets_stale_child)
{
    struct parent p;
    memset(&p, 0, sizeof p);

    /* The child was left in the middle of its body by an earlier call... */
    ck_assert_int_eq(child_fn(&p.c), COOP_YIELDED);
    ck_assert_str_eq(trace, "c");
    /* ...AWAIT_CALL starts it from the top anyway. */
    ck_assert_int_eq(parent_fn(&p), COOP_YIELDED);
    ck_assert_str_eq(trace, "cPc");
    ck_assert_int_eq(p.c.runs, 2);
    ck_assert_int_eq(parent_fn(&p), COOP_YIELDED);
    ck_assert_int_eq(parent_fn(&p), COOP_DONE);
    ck_assert_str_eq(trace, "cPc..rp");
    ck_assert_int_eq(p.got[0], 22);
}
END_TEST

static coop_status_t parent_twice_fn(struct parent *p)
{
    ASYNC(p);
    for (p->k = 0; p->k < 2; p->k++) {
        p->c.arg = 10 + p->k;
        tr('P');
        AWAIT_CALL(&p->c, child_fn(&p->c));
        p->got[p->k] = p->c.result;
    }
    tr('p');
    ASYNC_END;
}

START_TEST(test_await_call_same_child_twice)
{
    struct parent p;
    int yields = 0;
    coop_status_t st;
    memset(&p, 0, sizeof p);

    /* A child that has already finished once (lc == done)... */
    p.c.arg = 1;
    while (child_fn(&p.c) != COOP_DONE)
        ;
    ck_assert(COOP_CO_DONE(&p.c));
    ck_assert_int_eq(p.c.runs, 1);
    trace[0] = '\0';
    trace_len = 0;

    /* ...is run again, in full, each time AWAIT_CALL is reached. */
    while ((st = parent_twice_fn(&p)) == COOP_YIELDED)
        yields++;
    ck_assert_int_eq(st, COOP_DONE);
    ck_assert_int_eq(yields, 4);
    ck_assert_str_eq(trace, "Pc..rPc..rp");
    ck_assert_int_eq(p.c.runs, 3);
    ck_assert_int_eq(p.got[0], 31);
    ck_assert_int_eq(p.got[1], 34);
}
END_TEST

/* Three levels: top -> mid -> leaf, each with its own work after the call. */
struct leaf {
    coop_lc_t lc;
    int v;
};
struct mid {
    coop_lc_t lc;
    struct leaf leaf;
    int v;
};
struct top {
    coop_lc_t lc;
    struct mid mid;
    int v;
};

static coop_status_t leaf_fn(struct leaf *l)
{
    ASYNC(l);
    tr('L');
    YIELD();
    tr('l');
    l->v = 5;
    ASYNC_END;
}

static coop_status_t mid_fn(struct mid *m)
{
    ASYNC(m);
    tr('M');
    AWAIT_CALL(&m->leaf, leaf_fn(&m->leaf));
    m->v = m->leaf.v * 10;
    YIELD();
    tr('m');
    ASYNC_END;
}

static coop_status_t top_fn(struct top *t)
{
    ASYNC(t);
    tr('T');
    AWAIT_CALL(&t->mid, mid_fn(&t->mid));
    t->v = t->mid.v + 1;
    tr('t');
    ASYNC_END;
}

START_TEST(test_await_call_nested_three_levels)
{
    struct top t;
    memset(&t, 0, sizeof t);

    ck_assert_int_eq(top_fn(&t), COOP_YIELDED); /* the leaf's YIELD */
    ck_assert_str_eq(trace, "TML");
    ck_assert_int_eq(top_fn(&t), COOP_YIELDED); /* the mid's YIELD */
    ck_assert_str_eq(trace, "TMLl");
    ck_assert_int_eq(t.mid.v, 50);
    ck_assert_int_eq(t.v, 0);
    ck_assert_int_eq(top_fn(&t), COOP_DONE);
    ck_assert_str_eq(trace, "TMLlmt");
    ck_assert_int_eq(t.v, 51);
    ck_assert(COOP_CO_DONE(&t.mid.leaf));
    ck_assert(COOP_CO_DONE(&t.mid));
    ck_assert(COOP_CO_DONE(&t));
}
END_TEST

/* Status propagation: a leaf suspending with COOP_WAITING (as the scheduler's
 * AWAIT_SLEEP does, through the same private COOP_PRIV_SUSPEND) and then with
 * COOP_YIELDED; both must reach the top unchanged through two AWAIT_CALLs. */
struct wleaf {
    coop_lc_t lc;
};
struct wmid {
    coop_lc_t lc;
    struct wleaf leaf;
};
struct wtop {
    coop_lc_t lc;
    struct wmid mid;
};

static coop_status_t wleaf_fn(struct wleaf *l)
{
    ASYNC(l);
    tr('w');
    COOP_PRIV_SUSPEND(COOP_PRIV_ID, COOP_WAITING);
    tr('y');
    YIELD();
    tr('d');
    ASYNC_END;
}

static coop_status_t wmid_fn(struct wmid *m)
{
    ASYNC(m);
    AWAIT_CALL(&m->leaf, wleaf_fn(&m->leaf));
    tr('m');
    ASYNC_END;
}

static coop_status_t wtop_fn(struct wtop *t)
{
    ASYNC(t);
    AWAIT_CALL(&t->mid, wmid_fn(&t->mid));
    tr('t');
    ASYNC_END;
}

START_TEST(test_await_call_status_propagates)
{
    struct wtop t;
    struct wmid m;
    memset(&t, 0, sizeof t);
    memset(&m, 0, sizeof m);

    ck_assert_int_eq(wtop_fn(&t), COOP_WAITING);
    ck_assert_str_eq(trace, "w");
    ck_assert_int_eq(wtop_fn(&t), COOP_YIELDED);
    ck_assert_str_eq(trace, "wy");
    ck_assert_int_eq(wtop_fn(&t), COOP_DONE);
    ck_assert_str_eq(trace, "wydmt");

    /* one level, same statuses */
    trace[0] = '\0';
    trace_len = 0;
    ck_assert_int_eq(wmid_fn(&m), COOP_WAITING);
    ck_assert_int_eq(wmid_fn(&m), COOP_YIELDED);
    ck_assert_int_eq(wmid_fn(&m), COOP_DONE);
    ck_assert_str_eq(trace, "wydm");
}
END_TEST

/* ------------------------------------------------------------- ASYNC_RETURN */

struct ret {
    coop_lc_t lc;
    int early_at;
    int fin;
};

static coop_status_t ret_fn(struct ret *r)
{
    ASYNC(r);
    tr('a');
    if (r->early_at == 1)
        ASYNC_RETURN();
    tr('b');
    YIELD();
    tr('c');
    if (r->early_at == 2)
        ASYNC_RETURN();
    tr('d');
    FINALLY;
    r->fin++;
    tr('F');
    ASYNC_END;
}

START_TEST(test_async_return_before_first_yield)
{
    struct ret r;
    memset(&r, 0, sizeof r);
    r.early_at = 1;
    ck_assert_int_eq(ret_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "aF");
    ck_assert_int_eq(r.fin, 1);
    ck_assert(COOP_CO_DONE(&r));
    ck_assert_int_eq(ret_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "aF");
    ck_assert_int_eq(r.fin, 1);
}
END_TEST

START_TEST(test_async_return_after_resume)
{
    struct ret r;
    memset(&r, 0, sizeof r);
    r.early_at = 2;
    ck_assert_int_eq(ret_fn(&r), COOP_YIELDED);
    ck_assert_str_eq(trace, "ab");
    ck_assert_int_eq(ret_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "abcF");
    ck_assert_int_eq(r.fin, 1);
    ck_assert_int_eq(ret_fn(&r), COOP_DONE);
    ck_assert_int_eq(r.fin, 1);
}
END_TEST

static coop_status_t ret_nofin_fn(struct ret *r)
{
    ASYNC(r);
    tr('a');
    YIELD();
    if (r->early_at != 0)
        ASYNC_RETURN();
    tr('b');
    ASYNC_END;
}

START_TEST(test_async_return_without_finally)
{
    struct ret r;
    memset(&r, 0, sizeof r);
    coop_virtual_on_assert = record_assert;
    r.early_at = 1;
    ck_assert_int_eq(ret_nofin_fn(&r), COOP_YIELDED);
    ck_assert_int_eq(ret_nofin_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "a");
    ck_assert(COOP_CO_DONE(&r));
    ck_assert_int_eq(ret_nofin_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "a");
    ck_assert_int_eq(assert_count, 0);

    r.early_at = 0;
    COOP_CO_INIT(&r);
    ck_assert_int_eq(ret_nofin_fn(&r), COOP_YIELDED);
    ck_assert_int_eq(ret_nofin_fn(&r), COOP_DONE);
    ck_assert_str_eq(trace, "aab");
    ck_assert_int_eq(assert_count, 0);
}
END_TEST

/* ------------------------------------------------------------------ FINALLY */

struct fin {
    coop_lc_t lc;
    int f1;
    int f2;
};

static coop_status_t fin_fn(struct fin *f)
{
    ASYNC(f);
    tr('a');
    YIELD();
    tr('b');
    YIELD();
    tr('c');
    FINALLY;
    f->f1++;
    tr('F');
    ASYNC_END;
}

START_TEST(test_finally_on_normal_end)
{
    struct fin f;
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(fin_fn(&f), COOP_YIELDED);
    ck_assert_int_eq(fin_fn(&f), COOP_YIELDED);
    ck_assert_int_eq(f.f1, 0);
    ck_assert_int_eq(fin_fn(&f), COOP_DONE);
    ck_assert_str_eq(trace, "abcF");
    ck_assert_int_eq(f.f1, 1);
    ck_assert_int_eq(fin_fn(&f), COOP_DONE);
    ck_assert_int_eq(f.f1, 1);
}
END_TEST

START_TEST(test_finally_on_cancel)
{
    struct fin f;
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(fin_fn(&f), COOP_YIELDED);
    ck_assert_str_eq(trace, "a");
    COOP_CO_CANCEL(&f);
    ck_assert(!COOP_CO_DONE(&f));
    ck_assert_int_eq(fin_fn(&f), COOP_DONE); /* straight to FINALLY: no 'b', no 'c' */
    ck_assert_str_eq(trace, "aF");
    ck_assert_int_eq(f.f1, 1);
    ck_assert(COOP_CO_DONE(&f));
    ck_assert_int_eq(fin_fn(&f), COOP_DONE);
    ck_assert_str_eq(trace, "aF");
    ck_assert_int_eq(f.f1, 1);
}
END_TEST

START_TEST(test_cancel_before_start)
{
    struct fin f;
    memset(&f, 0, sizeof f);
    COOP_CO_CANCEL(&f);
    ck_assert(!COOP_CO_DONE(&f));
    ck_assert_int_eq(fin_fn(&f), COOP_DONE); /* the body never runs, FINALLY does */
    ck_assert_str_eq(trace, "F");
    ck_assert_int_eq(f.f1, 1);
}
END_TEST

START_TEST(test_cancel_after_done_stays_done)
{
    struct fin f;
    memset(&f, 0, sizeof f);
    while (fin_fn(&f) != COOP_DONE)
        ;
    ck_assert_str_eq(trace, "abcF");
    ck_assert(COOP_CO_DONE(&f));
    COOP_CO_CANCEL(&f);
    ck_assert(COOP_CO_DONE(&f));
    ck_assert_int_eq(fin_fn(&f), COOP_DONE);
    ck_assert_str_eq(trace, "abcF"); /* FINALLY does not run a second time */
    ck_assert_int_eq(f.f1, 1);
}
END_TEST

static coop_status_t finy_fn(struct fin *f)
{
    ASYNC(f);
    tr('a');
    YIELD();
    tr('b');
    FINALLY;
    f->f1++;
    tr('F');
    YIELD();
    f->f2++;
    tr('G');
    ASYNC_END;
}

START_TEST(test_finally_with_yield)
{
    struct fin f;
    memset(&f, 0, sizeof f);
    /* normal end */
    ck_assert_int_eq(finy_fn(&f), COOP_YIELDED);
    ck_assert_str_eq(trace, "a");
    ck_assert_int_eq(finy_fn(&f), COOP_YIELDED);
    ck_assert_str_eq(trace, "abF");
    ck_assert(!COOP_CO_DONE(&f));
    ck_assert_int_eq(finy_fn(&f), COOP_DONE);
    ck_assert_str_eq(trace, "abFG");
    ck_assert_int_eq(f.f1, 1);
    ck_assert_int_eq(f.f2, 1);

    /* cancelled in the body */
    memset(&f, 0, sizeof f);
    trace[0] = '\0';
    trace_len = 0;
    ck_assert_int_eq(finy_fn(&f), COOP_YIELDED);
    COOP_CO_CANCEL(&f);
    ck_assert_int_eq(finy_fn(&f), COOP_YIELDED);
    ck_assert_str_eq(trace, "aF");
    ck_assert_int_eq(finy_fn(&f), COOP_DONE);
    ck_assert_str_eq(trace, "aFG");
    ck_assert_int_eq(f.f1, 1);
    ck_assert_int_eq(f.f2, 1);
}
END_TEST

/* ----------------------------------------------- macro argument side effects */

static struct seq *count_seq(struct seq *s)
{
    ctx_evals++;
    return s;
}

static struct child *count_child(struct child *c)
{
    ctx_evals++;
    return c;
}

static coop_status_t seq_counted_fn(struct seq *s)
{
    ASYNC(count_seq(s));
    tr('a');
    YIELD();
    tr('b');
    YIELD();
    tr('c');
    ASYNC_END;
}

START_TEST(test_async_evaluates_ctx_once)
{
    struct seq s;
    COOP_CO_INIT(&s);
    ck_assert_int_eq(seq_counted_fn(&s), COOP_YIELDED);
    ck_assert_int_eq(ctx_evals, 1);
    ck_assert_int_eq(seq_counted_fn(&s), COOP_YIELDED);
    ck_assert_int_eq(ctx_evals, 2);
    ck_assert_int_eq(seq_counted_fn(&s), COOP_DONE);
    ck_assert_int_eq(ctx_evals, 3);
    ck_assert_int_eq(seq_counted_fn(&s), COOP_DONE);
    ck_assert_int_eq(ctx_evals, 4);
    ck_assert_str_eq(trace, "abc");
}
END_TEST

static coop_status_t parent_counted_fn(struct parent *p)
{
    ASYNC(p);
    for (p->k = 0; p->k < 2; p->k++) {
        AWAIT_CALL(count_child(&p->c), child_fn(&p->c));
        p->got[p->k] = ctx_evals;
    }
    ASYNC_END;
}

START_TEST(test_await_call_evaluates_ctx_once_per_reach)
{
    struct parent p;
    int calls = 0;
    memset(&p, 0, sizeof p);

    ck_assert_int_eq(parent_counted_fn(&p), COOP_YIELDED);
    calls++;
    ck_assert_int_eq(ctx_evals, 1);
    while (parent_counted_fn(&p) == COOP_YIELDED)
        calls++;
    calls++;
    ck_assert_int_eq(calls, 5); /* the child yielded twice per run */
    ck_assert_int_eq(p.c.runs, 2);
    ck_assert_int_eq(p.got[0], 1); /* not evaluated again while the child ran */
    ck_assert_int_eq(p.got[1], 2);
    ck_assert_int_eq(ctx_evals, 2);
}
END_TEST

START_TEST(test_state_macros_evaluate_ctx_once)
{
    struct seq s;
    bool done;
    s.lc = 1234;

    COOP_CO_INIT(count_seq(&s));
    ck_assert_int_eq(ctx_evals, 1);
    ck_assert_uint_eq(s.lc, 0);

    done = COOP_CO_DONE(count_seq(&s));
    ck_assert_int_eq(ctx_evals, 2);
    ck_assert(!done);

    while (seq_fn(&s) != COOP_DONE)
        ;
    done = COOP_CO_DONE(count_seq(&s));
    ck_assert_int_eq(ctx_evals, 3);
    ck_assert(done);

    /* house style: every argument of a statement macro is evaluated once */
    COOP_CO_INIT(&s);
    ctx_evals = 0;
    COOP_CO_CANCEL(count_seq(&s));
    ck_assert_int_eq(ctx_evals, 1);
    ck_assert(!COOP_CO_DONE(&s));
    ck_assert_int_eq(seq_fn(&s), COOP_DONE); /* cancelled: the body does not run */
    ck_assert_str_eq(trace, "abc");
}
END_TEST

/* ---------------------------------------- a resume point inside a user switch */

struct sw {
    coop_lc_t lc;
    int sel;
    int before;
    int after;
};

static coop_status_t sw_fn(struct sw *s)
{
    ASYNC(s);
    switch (s->sel) {
    case 0:
        s->before++;
        YIELD();
        s->after++;
        break;
    default:
        s->before += 100;
        break;
    }
    ASYNC_END;
}

START_TEST(test_yield_inside_user_switch)
{
    struct sw s;
    memset(&s, 0, sizeof s);
    coop_virtual_on_assert = record_assert;

    ck_assert_int_eq(sw_fn(&s), COOP_YIELDED);
    ck_assert_int_eq(s.before, 1);
    ck_assert_int_eq(assert_count, 0);
#if COOP_LC == COOP_LC_SWITCH
    /* The YIELD's case label belongs to the user's switch: the resume point
     * cannot be found, COOP_ASSERT says so, and the coroutine ends. */
    ck_assert_int_eq(sw_fn(&s), COOP_DONE);
    ck_assert_int_eq(assert_count, 1);
    ck_assert_ptr_ne(strstr(assert_msg, "resume point not found"), NULL);
    ck_assert_int_eq(s.after, 0);
    ck_assert(COOP_CO_DONE(&s));
    ck_assert_int_eq(sw_fn(&s), COOP_DONE);
    ck_assert_int_eq(assert_count, 1);
#else
    /* Computed goto: the resume point is a label, the user's switch is no problem. */
    ck_assert_int_eq(sw_fn(&s), COOP_DONE);
    ck_assert_int_eq(assert_count, 0);
    ck_assert_int_eq(s.after, 1);
    ck_assert_int_eq(s.before, 1);
    ck_assert(COOP_CO_DONE(&s));
#endif

    /* A path through the switch that does not suspend is fine in both. */
    memset(&s, 0, sizeof s);
    s.sel = 1;
    ck_assert_int_eq(sw_fn(&s), COOP_DONE);
    ck_assert_int_eq(s.before, 100);
    ck_assert_int_eq(assert_count, COOP_LC == COOP_LC_SWITCH ? 1 : 0);
}
END_TEST

#if COOP_LC == COOP_LC_SWITCH
START_TEST(test_corrupt_state_is_caught)
{
    struct seq s;
    coop_virtual_on_assert = record_assert;
    s.lc = 0x7777; /* no resume point has this number */
    ck_assert_int_eq(seq_fn(&s), COOP_DONE);
    ck_assert_int_eq(assert_count, 1);
    ck_assert_ptr_ne(strstr(assert_msg, "resume point not found"), NULL);
    ck_assert_str_eq(trace, "");
    ck_assert(COOP_CO_DONE(&s));
}
END_TEST
#endif

/* Without a hook, COOP_ASSERT prints and aborts (run forked, expects SIGABRT). */
START_TEST(test_assert_without_hook_aborts)
{
#if COOP_LC == COOP_LC_SWITCH
    struct sw s;
    memset(&s, 0, sizeof s);
    coop_virtual_on_assert = NULL;
    ck_assert_int_eq(sw_fn(&s), COOP_YIELDED);
    (void)sw_fn(&s); /* resume point not found: abort() */
#else
    /* the goto back end has no run-time check to trip: trip COOP_ASSERT itself */
    coop_virtual_on_assert = NULL;
    COOP_ASSERT(trace_len > 0, "coop: test assert");
#endif
    ck_abort_msg("COOP_ASSERT returned without a hook");
}
END_TEST

/* ------------------------------------------------------------------ sizes */

struct only_lc {
    coop_lc_t lc;
};

START_TEST(test_state_is_two_bytes)
{
    ck_assert_uint_eq(sizeof(coop_lc_t), 2);
    ck_assert_uint_eq(sizeof(struct only_lc), 2);
    ck_assert_uint_eq(sizeof(struct seq), 2);
}
END_TEST

/* ------------------------------------------------------------------ suite */

/* Check runs a test that expects a signal only usefully in fork mode: with
 * CK_FORK=no (valgrind) the abort would end the whole runner. Same rule as
 * Check's own srunner_fork_status() for CK_FORK_GETENV. */
static int check_forks(void)
{
    const char *env = getenv("CK_FORK");
    return env == NULL || strcmp(env, "no") != 0;
}

Suite *coop_async_suite(void)
{
    Suite *s = suite_create("async");
    TCase *tc;

    tc = tcase_create("yield");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_yield_sequence);
    tcase_add_test(tc, test_empty_and_edge_resume_points);
    tcase_add_test(tc, test_struct_fields_survive);
    tcase_add_test(tc, test_two_instances_are_independent);
    tcase_add_test(tc, test_two_resume_points_on_one_line);
    tcase_add_test(tc, test_state_is_two_bytes);
    suite_add_tcase(s, tc);

    tc = tcase_create("await");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_await_polls_condition);
    tcase_add_test(tc, test_await_true_does_not_suspend);
    suite_add_tcase(s, tc);

    tc = tcase_create("await_call");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_await_call_runs_child_to_end);
    tcase_add_test(tc, test_await_call_resets_stale_child);
    tcase_add_test(tc, test_await_call_same_child_twice);
    tcase_add_test(tc, test_await_call_nested_three_levels);
    tcase_add_test(tc, test_await_call_status_propagates);
    suite_add_tcase(s, tc);

    tc = tcase_create("return_finally");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_async_return_before_first_yield);
    tcase_add_test(tc, test_async_return_after_resume);
    tcase_add_test(tc, test_async_return_without_finally);
    tcase_add_test(tc, test_finally_on_normal_end);
    tcase_add_test(tc, test_finally_on_cancel);
    tcase_add_test(tc, test_cancel_before_start);
    tcase_add_test(tc, test_cancel_after_done_stays_done);
    tcase_add_test(tc, test_finally_with_yield);
    suite_add_tcase(s, tc);

    tc = tcase_create("side_effects");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_async_evaluates_ctx_once);
    tcase_add_test(tc, test_await_call_evaluates_ctx_once_per_reach);
    tcase_add_test(tc, test_state_macros_evaluate_ctx_once);
    suite_add_tcase(s, tc);

    tc = tcase_create("misuse");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_yield_inside_user_switch);
#if COOP_LC == COOP_LC_SWITCH
    tcase_add_test(tc, test_corrupt_state_is_caught);
#endif
    if (check_forks())
        tcase_add_test_raise_signal(tc, test_assert_without_hook_aborts, SIGABRT);
    suite_add_tcase(s, tc);

    return s;
}
