/* Keys tests (coop/keys.h) on the virtual clock (ports/virtual.h): the
 * debouncer as a pure function (recorded bounce patterns, polarity, glitches,
 * long press, double click, auto-repeat, the event queue's overflow, 16 keys,
 * late processing), then in the loop: the polling task reading the board's
 * buttons, the edge task fed from the idle hook ("interrupts"), and the edge
 * counter, counted from the idle hook too. Then the keypad (COOP_KEYPAD_DEFINE:
 * keypad.Keys' scans, the keys held at start-up, reset) and the edge counter
 * attached to a pin (coop_edges_attach: driven pins; with COOP_PIN_IRQS 1 in
 * the build, else its refusal).
 *
 * Patterns are (ms, level) arrays, ms after BASE, which sits 300 ticks before
 * the tick wrap so that every pattern runs across it (16- and 32-bit ticks).
 * Every expected time was worked out by hand from the rule in keys.h: an
 * event's time is the start of the steady level + debounce (polling: the
 * first scan that saw it; edges: the last edge). */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "virtual.h"
#include "coop/keys.h"

#define BASE ((coop_tick_t)(0u - 300u))
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_REC 512

#define P COOP_KEYS_PRESSED
#define R COOP_KEYS_RELEASED
#define LONG COOP_KEYS_LONG
#define DBL COOP_KEYS_DOUBLE
#define REP COOP_KEYS_REPEAT

/* From `ms` on the raw levels are `bits` (bit i = key i). */
struct lv {
    uint32_t ms;
    coop_keys_bits_t bits;
};

/* An event we expect: at BASE + ms, key, kind. */
struct want {
    uint32_t ms;
    uint8_t key;
    uint8_t kind;
};

/* An event we got, and the tick at which it was taken from the queue. */
struct rec {
    coop_tick_t time;
    uint8_t key;
    uint8_t kind;
    coop_tick_t at;
};

/* A change the idle hook makes at BASE + ms: key (or pin) `key` to `level`. */
struct step {
    uint32_t ms;
    uint8_t key;
    uint8_t level;
};

static coop_keys_t K, K2;
static coop_keys_slot_t slots[COOP_KEYS_MAX], slots2[COOP_KEYS_MAX];
/* exactly 3 slots, and memory right after them that nothing may touch */
static struct {
    coop_keys_slot_t slot[3];
    unsigned char canary[64];
} three;
static coop_keys_event_t queue[64], queue2[64];
static struct rec recs[MAX_REC];
static size_t nrec;
static int asserts;

static coop_loop_t g_loop;
static coop_keys_task_t g_feeder;
static coop_task_t g_consumer, g_clock, g_counters[3], g_source;
static coop_edges_t E[3];
/* keypad.Keys((BUTTON1, BUTTON2), value_when_pressed=False, pull=True,
 * interval=0.020, max_events=8) */
COOP_KEYPAD_DEFINE(KP, false, true, 20, 8, BOARD_BUTTON1, BOARD_BUTTON2);
static coop_keys_event_t kp_ev;
static int assert_irqs; /* asserts whose message names COOP_PIN_IRQS */
static coop_count_t e_total[3];
static coop_tick_t e_wakes[3][16];
static size_t e_nwakes[3];

/* The idle hook's script. */
static const struct step *g_steps;
static size_t g_nsteps, g_applied, g_clock_i;
static bool g_late_ok; /* apply steps that are due (polling) or only exact ones (edges) */
static void (*g_action)(const struct step *s);

static coop_tick_t at(uint32_t ms)
{
    return coop_tick_add(BASE, ms);
}

static long rel(coop_tick_t t)
{
    return (long)coop_tick_diff(t, BASE);
}

static void unexpected_assert(const char *msg, const char *file, int line)
{
    ck_abort_msg("unexpected COOP_ASSERT at %s:%d: %s", file, line, msg);
}

static void counting_assert(const char *msg, const char *file, int line)
{
    (void)msg;
    (void)file;
    (void)line;
    asserts++;
}

#if !COOP_PIN_IRQS
static void counting_assert_irqs(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    asserts++;
    if (strstr(msg, "COOP_PIN_IRQS 1") != NULL)
        assert_irqs++;
}
#endif

static void reset(void)
{
    coop_priv_running = NULL;
    coop_priv_inbox = NULL;
    coop_virtual_on_assert = unexpected_assert;
    coop_virtual_on_idle = NULL;
    coop_virtual_masked = false;
    coop_virtual_set(BASE);
    coop_virtual_idles = 0;
    coop_virtual_wakes = 0;
    coop_virtual_board_quiet = true;
    coop_board_init();
    memset(&K, 0, sizeof K);
    memset(&K2, 0, sizeof K2);
    memset(slots, 0, sizeof slots);
    memset(slots2, 0, sizeof slots2);
    memset(&three, 0, sizeof three);
    memset(three.canary, 0xa5, sizeof three.canary);
    memset(recs, 0, sizeof recs);
    nrec = 0;
    asserts = 0;
    memset(&g_loop, 0, sizeof g_loop);
    memset(&g_feeder, 0, sizeof g_feeder);
    memset(&g_consumer, 0, sizeof g_consumer);
    memset(&g_clock, 0, sizeof g_clock);
    memset(&g_source, 0, sizeof g_source);
    memset(g_counters, 0, sizeof g_counters);
    memset(E, 0, sizeof E);
    memset(e_total, 0, sizeof e_total);
    memset(e_wakes, 0, sizeof e_wakes);
    memset(e_nwakes, 0, sizeof e_nwakes);
    memset(&KP_state, 0, sizeof KP_state);
    memset(KP_slots, 0, sizeof KP_slots);
    memset(KP_events, 0, sizeof KP_events);
    memset(&kp_ev, 0, sizeof kp_ev);
    assert_irqs = 0;
    g_steps = NULL;
    g_nsteps = g_applied = g_clock_i = 0;
    g_late_ok = false;
    g_action = NULL;
}

static void setup(void)
{
    reset();
}

static void teardown(void)
{
    coop_priv_running = NULL;
    coop_priv_inbox = NULL;
    coop_virtual_on_assert = NULL;
    coop_virtual_on_idle = NULL;
    coop_virtual_board_quiet = false;
}

/* Take every queued event of k, noting that it was taken at tick `now`. */
static void drain(coop_keys_t *k, coop_tick_t now)
{
    coop_keys_event_t ev;
    while (coop_keys_get(k, &ev)) {
        ck_assert_uint_lt(nrec, MAX_REC);
        recs[nrec].time = ev.time;
        recs[nrec].key = ev.key;
        recs[nrec].kind = ev.kind;
        recs[nrec].at = now;
        nrec++;
    }
}

static const char *kind_name(unsigned kind)
{
    switch (kind) {
    case COOP_KEYS_PRESSED: return "PRESSED";
    case COOP_KEYS_RELEASED: return "RELEASED";
    case COOP_KEYS_LONG: return "LONG";
    case COOP_KEYS_DOUBLE: return "DOUBLE";
    case COOP_KEYS_REPEAT: return "REPEAT";
    default: return "?";
    }
}

/* The recorded events are exactly `w`; with `on_time`, each was also taken
 * from the queue at its own tick (delivered when it became true). */
static void expect_events(const struct want *w, size_t n, bool on_time)
{
    size_t k;
    bool ok = nrec == n;
    for (k = 0; ok && k < n; k++)
        ok = recs[k].time == at(w[k].ms) && recs[k].key == w[k].key &&
             recs[k].kind == w[k].kind && (!on_time || recs[k].at == recs[k].time);
    if (!ok) {
        for (k = 0; k < nrec; k++)
            fprintf(stderr, "  got %2u: key %u %-8s at %ld (taken at %ld)\n", (unsigned)k,
                    recs[k].key, kind_name(recs[k].kind), rel(recs[k].time), rel(recs[k].at));
        for (k = 0; k < n; k++)
            fprintf(stderr, "  want %2u: key %u %-8s at %lu\n", (unsigned)k, w[k].key,
                    kind_name(w[k].kind), (unsigned long)w[k].ms);
    }
    ck_assert_msg(ok, "events differ (%u got, %u expected): see above", (unsigned)nrec,
                  (unsigned)n);
}

static coop_keys_bits_t levels_at(const struct lv *p, size_t n, coop_keys_bits_t initial,
                                  uint32_t ms)
{
    coop_keys_bits_t bits = initial;
    size_t i;
    for (i = 0; i < n && p[i].ms <= ms; i++)
        bits = p[i].bits;
    return bits;
}

/* Scan k every `step` ms from `from` to `to` (inclusive) with the levels of
 * the pattern; take the events after each scan if `take`. */
static void scan_run(coop_keys_t *k, const struct lv *p, size_t n, coop_keys_bits_t initial,
                     uint32_t from, uint32_t to, uint32_t step, bool take)
{
    uint32_t ms;
    for (ms = from; ms <= to; ms += step) {
        (void)coop_keys_scan(k, at(ms), levels_at(p, n, initial, ms), NULL);
        if (take)
            drain(k, at(ms));
    }
}

static void init_keys(coop_keys_t *k, coop_keys_slot_t *s, uint8_t n, coop_keys_event_t *q,
                      size_t cap, bool when_pressed, uint32_t debounce_ms)
{
    ck_assert_int_eq(coop_keys_init(k, s, n, q, cap, when_pressed, debounce_ms), COOP_OK);
}

/* ------------------------------------------------------------ debounce */

/* Contact bounce at the press and at the release, active low (a button to
 * ground with a pull-up: 1 = released). */
static const struct lv bounce_low[] = {
    { 100, 0 }, { 101, 1 }, { 102, 0 }, { 103, 1 }, { 104, 0 }, /* steady low from 104 */
    { 300, 1 }, { 301, 0 }, { 302, 1 }, { 304, 0 }, { 305, 1 }, /* steady high from 305 */
};
static const struct want bounce_events[] = { { 114, 0, P }, { 315, 0, R } };

START_TEST(test_bounce_active_low)
{
    init_keys(&K, slots, 1, queue, 16, false, 10);
    scan_run(&K, bounce_low, NELEM(bounce_low), 1, 0, 600, 1, true);
    expect_events(bounce_events, NELEM(bounce_events), true);
    ck_assert(!coop_keys_pressed(&K, 0));
    ck_assert_uint_eq(coop_keys_overflows(&K), 0);
}
END_TEST

/* The same recording with the levels inverted (a button to Vcc with a
 * pull-down), read by an active-high object, gives the same two events; read
 * by an active-low object, the idle-low line is a key held down from the
 * start. */
START_TEST(test_bounce_active_high)
{
    struct lv high[NELEM(bounce_low)];
    static const struct want wrong[] = { { 10, 0, P }, { 114, 0, R }, { 315, 0, P } };
    size_t i;
    for (i = 0; i < NELEM(bounce_low); i++) {
        high[i].ms = bounce_low[i].ms;
        high[i].bits = (coop_keys_bits_t)(bounce_low[i].bits ^ 1u);
    }
    init_keys(&K, slots, 1, queue, 16, true, 10);
    scan_run(&K, high, NELEM(high), 0, 0, 600, 1, true);
    expect_events(bounce_events, NELEM(bounce_events), true);

    nrec = 0;
    init_keys(&K2, slots2, 1, queue2, 16, false, 10);
    scan_run(&K2, high, NELEM(high), 0, 0, 600, 1, true);
    expect_events(wrong, NELEM(wrong), true);
    ck_assert(coop_keys_pressed(&K2, 0));
}
END_TEST

/* Glitches shorter than the debounce time (one of 9 ms, a burst of edges)
 * give nothing; a level seen by scans exactly 10 ms apart held for the
 * debounce time: a press (at its first scan + 10, the scan that sees it gone),
 * as is 11 ms. */
START_TEST(test_glitch_ignored)
{
    static const struct lv glitches[] = {
        { 100, 0 }, { 109, 1 },                         /* 9 ms */
        { 200, 0 }, { 202, 1 }, { 203, 0 }, { 205, 1 }, /* a burst */
        { 300, 0 }, { 310, 1 },                         /* exactly 10 ms: a press */
        { 400, 0 }, { 411, 1 },                         /* 11 ms: a press */
    };
    static const struct want press[] = { { 310, 0, P }, { 320, 0, R },
                                         { 410, 0, P }, { 421, 0, R } };
    init_keys(&K, slots, 1, queue, 16, false, 10);
    scan_run(&K, glitches, 6, 1, 0, 299, 1, true);
    ck_assert_uint_eq(nrec, 0);
    scan_run(&K, glitches, NELEM(glitches), 1, 300, 600, 1, true);
    expect_events(press, NELEM(press), true);
}
END_TEST

/* Debounce 0: every level counts at the scan that sees it. */
START_TEST(test_no_debounce)
{
    static const struct lv p[] = { { 100, 0 }, { 101, 1 }, { 105, 0 }, { 200, 1 } };
    static const struct want w[] = {
        { 100, 0, P }, { 101, 0, R }, { 105, 0, P }, { 200, 0, R },
    };
    init_keys(&K, slots, 1, queue, 16, false, 0);
    scan_run(&K, p, NELEM(p), 1, 0, 300, 1, true);
    expect_events(w, NELEM(w), true);
}
END_TEST

/* What coop_keys_scan says is due next: the debounce, the end of the
 * double-click window, the long press; nothing while all is quiet. */
START_TEST(test_scan_next)
{
    coop_tick_t next = 0;
    static const struct want w[] = { { 110, 0, P }, { 610, 0, LONG }, { 710, 0, R } };
    init_keys(&K, slots, 1, queue, 16, false, 10);
    ck_assert_int_eq(coop_keys_set_long(&K, 500), COOP_OK);
    ck_assert_int_eq(coop_keys_set_double(&K, 300), COOP_OK);
    ck_assert(!coop_keys_scan(&K, at(0), 1, &next));
    ck_assert(coop_keys_scan(&K, at(100), 0, &next));
    ck_assert_int_eq(rel(next), 110);
    ck_assert(coop_keys_scan(&K, at(105), 0, &next));
    ck_assert_int_eq(rel(next), 110); /* the level began at 100 */
    ck_assert(!coop_keys_pressed(&K, 0));
    ck_assert(coop_keys_scan(&K, at(110), 0, &next));
    ck_assert(coop_keys_pressed(&K, 0));
    ck_assert_int_eq(rel(next), 410); /* the double-click window closes */
    ck_assert(coop_keys_scan(&K, at(410), 0, &next));
    ck_assert_int_eq(rel(next), 610); /* the long press */
    ck_assert(!coop_keys_scan(&K, at(610), 0, &next)); /* held, nothing more due */
    ck_assert(coop_keys_scan(&K, at(700), 1, &next));
    ck_assert_int_eq(rel(next), 710);
    ck_assert(!coop_keys_scan(&K, at(710), 1, &next));
    ck_assert(!coop_keys_pressed(&K, 0));
    drain(&K, at(710));
    expect_events(w, NELEM(w), false);
}
END_TEST

/* ------------------------------------------------------------ long, double, repeat */

START_TEST(test_long_press)
{
    static const struct lv p[] = {
        { 100, 0 }, { 102, 1 }, { 103, 0 }, { 900, 1 }, /* held 800 ms */
        { 1000, 0 }, { 1300, 1 },                       /* 300 ms: no long press */
        { 2000, 0 }, { 2500, 1 },                       /* released exactly at press + 500 */
    };
    static const struct want w[] = {
        { 113, 0, P }, { 613, 0, LONG }, { 910, 0, R },
        { 1010, 0, P }, { 1310, 0, R },
        { 2010, 0, P }, { 2510, 0, LONG }, { 2510, 0, R },
    };
    init_keys(&K, slots, 1, queue, 16, false, 10);
    ck_assert_int_eq(coop_keys_set_long(&K, 500), COOP_OK);
    scan_run(&K, p, NELEM(p), 1, 0, 3000, 1, true);
    expect_events(w, NELEM(w), true);
}
END_TEST

START_TEST(test_double_click)
{
    static const struct lv p[] = {
        /* two quick clicks: presses at 110 and 260 */
        { 100, 0 }, { 150, 1 }, { 250, 0 }, { 300, 1 },
        /* two slow clicks: presses 400 ms apart */
        { 1000, 0 }, { 1050, 1 }, { 1400, 0 }, { 1450, 1 },
        /* four quick clicks: two pairs */
        { 2000, 0 }, { 2050, 1 }, { 2100, 0 }, { 2150, 1 },
        { 2200, 0 }, { 2250, 1 }, { 2300, 0 }, { 2350, 1 },
        /* the second press exactly the window (300 ms) after the first: too late */
        { 3000, 0 }, { 3050, 1 }, { 3300, 0 }, { 3350, 1 },
        /* a long first press is no click */
        { 4000, 0 }, { 4250, 1 }, { 4270, 0 }, { 4290, 1 },
    };
    static const struct want w[] = {
        { 110, 0, P }, { 160, 0, R }, { 260, 0, P }, { 260, 0, DBL }, { 310, 0, R },
        { 1010, 0, P }, { 1060, 0, R }, { 1410, 0, P }, { 1460, 0, R },
        { 2010, 0, P }, { 2060, 0, R }, { 2110, 0, P }, { 2110, 0, DBL }, { 2160, 0, R },
        { 2210, 0, P }, { 2260, 0, R }, { 2310, 0, P }, { 2310, 0, DBL }, { 2360, 0, R },
        { 3010, 0, P }, { 3060, 0, R }, { 3310, 0, P }, { 3360, 0, R },
        { 4010, 0, P }, { 4210, 0, LONG }, { 4260, 0, R }, { 4280, 0, P }, { 4300, 0, R },
    };
    init_keys(&K, slots, 1, queue, 32, false, 10);
    ck_assert_int_eq(coop_keys_set_double(&K, 300), COOP_OK);
    ck_assert_int_eq(coop_keys_set_long(&K, 200), COOP_OK);
    scan_run(&K, p, NELEM(p), 1, 0, 5000, 1, true);
    expect_events(w, NELEM(w), true);
}
END_TEST

START_TEST(test_repeat)
{
    static const struct lv p[] = { { 100, 0 }, { 850, 1 }, { 851, 0 }, { 853, 1 },
                                   { 1000, 0 }, { 1300, 1 } };
    static const struct want w[] = {
        { 110, 0, P }, { 510, 0, REP }, { 610, 0, REP }, { 710, 0, REP }, { 810, 0, REP },
        { 863, 0, R }, { 1010, 0, P }, { 1310, 0, R }, /* released before the delay */
    };
    init_keys(&K, slots, 1, queue, 16, false, 10);
    ck_assert_int_eq(coop_keys_set_repeat(&K, 400, 100), COOP_OK);
    scan_run(&K, p, NELEM(p), 1, 0, 2000, 1, true);
    expect_events(w, NELEM(w), true);
}
END_TEST

/* Long press and repeat together: the long press falls between two repeats
 * (long 650), or on a repeat's tick (long 600: LONG comes first). */
START_TEST(test_repeat_with_long)
{
    static const struct lv p[] = { { 100, 0 }, { 850, 1 }, { 1000, 0 }, { 1750, 1 } };
    static const struct want w[] = {
        { 110, 0, P }, { 510, 0, REP }, { 610, 0, REP }, { 710, 0, REP }, { 760, 0, LONG },
        { 810, 0, REP }, { 860, 0, R },
        { 1010, 0, P }, { 1410, 0, REP }, { 1510, 0, REP }, { 1610, 0, LONG },
        { 1610, 0, REP }, { 1710, 0, REP }, { 1760, 0, R },
    };
    init_keys(&K, slots, 1, queue, 32, false, 10);
    ck_assert_int_eq(coop_keys_set_repeat(&K, 400, 100), COOP_OK);
    ck_assert_int_eq(coop_keys_set_long(&K, 650), COOP_OK);
    scan_run(&K, p, NELEM(p), 1, 0, 999, 1, true);
    ck_assert_int_eq(coop_keys_set_long(&K, 600), COOP_OK);
    scan_run(&K, p, NELEM(p), 1, 1000, 2000, 1, true);
    expect_events(w, NELEM(w), true);
}
END_TEST

/* ------------------------------------------------------------ the queue */

/* A full queue keeps its oldest events and counts the dropped ones; the count
 * stays (sticky) until coop_keys_clear. */
START_TEST(test_overflow)
{
    static const struct lv p[] = { { 100, 0 }, { 150, 1 }, { 200, 0 }, { 250, 1 },
                                   { 300, 0 }, { 350, 1 }, { 400, 0 }, { 450, 1 } };
    static const struct want oldest[] = { { 110, 0, P }, { 160, 0, R }, { 210, 0, P },
                                          { 260, 0, R } };
    static const struct want later[] = { { 410, 0, P }, { 460, 0, R } };
    init_keys(&K, slots, 1, queue, 4, false, 10);
    scan_run(&K, p, 6, 1, 0, 399, 1, false); /* 6 events, nobody takes them */
    ck_assert_uint_eq(coop_keys_count(&K), 4);
    ck_assert_uint_eq(coop_keys_overflows(&K), 2);
    drain(&K, at(399));
    expect_events(oldest, NELEM(oldest), false);
    ck_assert_uint_eq(coop_keys_overflows(&K), 2); /* sticky */
    nrec = 0;
    scan_run(&K, p, NELEM(p), 1, 400, 500, 1, true);
    expect_events(later, NELEM(later), false);
    ck_assert_uint_eq(coop_keys_overflows(&K), 2);
    scan_run(&K, p, 6, 1, 600, 1000, 1, false); /* nothing: the key stays up */
    ck_assert_uint_eq(coop_keys_count(&K), 0);
    (void)coop_keys_scan(&K, at(1001), 0, NULL);
    (void)coop_keys_scan(&K, at(1020), 0, NULL); /* a press queued */
    ck_assert_uint_eq(coop_keys_count(&K), 1);
    coop_keys_clear(&K);
    ck_assert_uint_eq(coop_keys_count(&K), 0);
    ck_assert_uint_eq(coop_keys_overflows(&K), 0);
}
END_TEST

/* ------------------------------------------------------------ many keys */

/* 16 keys, active high: key i down during [100 + 7i, 400 + 11i). Events come
 * in time order across keys. A 3-key active-low object (with exactly 3 slots)
 * fed the same three keys with noise on the 13 bits it does not own reports
 * the same for its keys and touches nothing beyond its slots. */
static coop_keys_bits_t sixteen_levels(uint32_t ms)
{
    coop_keys_bits_t bits = 0;
    unsigned i;
    for (i = 0; i < 16; i++)
        if (ms >= 100 + 7 * i && ms < 400 + 11 * i)
            bits = (coop_keys_bits_t)(bits | (1u << i));
    return bits;
}

START_TEST(test_sixteen_keys)
{
    struct want w[32];
    uint32_t ms;
    unsigned i;
    init_keys(&K, slots, 16, queue, 64, true, 10);
    init_keys(&K2, three.slot, 3, queue2, 64, false, 10);
    for (ms = 0; ms <= 800; ms++) {
        coop_keys_bits_t b = sixteen_levels(ms);
        coop_keys_bits_t noise = (ms & 1) ? 0xaaa8u : 0x5550u;
        (void)coop_keys_scan(&K, at(ms), b, NULL);
        (void)coop_keys_scan(&K2, at(ms), (coop_keys_bits_t)(((~b) & 7u) | noise), NULL);
        drain(&K, at(ms));
    }
    for (i = 0; i < 16; i++) {
        w[i].ms = 110 + 7 * i;
        w[i].key = (uint8_t)i;
        w[i].kind = P;
        w[16 + i].ms = 410 + 11 * i;
        w[16 + i].key = (uint8_t)i;
        w[16 + i].kind = R;
    }
    expect_events(w, 32, true);

    nrec = 0;
    drain(&K2, at(800));
    {
        static const struct want w3[] = { { 110, 0, P }, { 117, 1, P }, { 124, 2, P },
                                           { 410, 0, R }, { 421, 1, R }, { 432, 2, R } };
        expect_events(w3, NELEM(w3), false);
    }
    for (i = 0; i < sizeof three.canary; i++) /* the noise bits wrote no slot of theirs */
        ck_assert_uint_eq(three.canary[i], 0xa5);
}
END_TEST

/* ------------------------------------------------------------ edges, no loop */

/* coop_keys_edge with explicit times, coop_keys_update at chosen times: the
 * last edge + debounce is the press. Processed late, events are replayed in
 * time order: a key's release before the long press that would have come
 * later, and across keys (key 1's press before key 0's, although key 0 was
 * reported first and has the lower number). */
START_TEST(test_update_edges)
{
    coop_tick_t next = 0;
    static const struct want w[] = {
        { 113, 0, P }, { 210, 0, R },
        { 1205, 1, P }, { 1210, 0, P }, { 1410, 1, R }, { 1710, 0, LONG },
    };
    init_keys(&K, slots, 2, queue, 16, false, 10);
    ck_assert_int_eq(coop_keys_set_long(&K, 500), COOP_OK);
    ck_assert(!coop_keys_update(&K, at(0), &next));
    coop_keys_edge(&K, 0, false, at(100));
    ck_assert(coop_keys_update(&K, at(100), &next));
    ck_assert_int_eq(rel(next), 110);
    coop_keys_edge(&K, 0, true, at(102));
    coop_keys_edge(&K, 0, false, at(103));
    ck_assert(coop_keys_update(&K, at(105), &next));
    ck_assert_int_eq(rel(next), 113); /* the last edge + 10 */
    ck_assert(!coop_keys_pressed(&K, 0));
    ck_assert(coop_keys_update(&K, at(113), &next));
    ck_assert(coop_keys_pressed(&K, 0));
    ck_assert_int_eq(rel(next), 613); /* the long press */
    coop_keys_edge(&K, 0, true, at(200));
    ck_assert(!coop_keys_update(&K, at(1000), &next)); /* late: released at 210, no long */
    coop_keys_edge(&K, 0, false, at(1200));
    coop_keys_edge(&K, 1, false, at(1195));
    ck_assert(coop_keys_update(&K, at(1300), &next));
    ck_assert_int_eq(rel(next), 1705); /* key 1's long press, if it is still down */
    coop_keys_edge(&K, 1, true, at(1400));
    ck_assert(!coop_keys_update(&K, at(2000), &next));
    drain(&K, at(2000));
    expect_events(w, NELEM(w), false);

    /* active high: a true level is a press */
    nrec = 0;
    init_keys(&K2, slots2, 1, queue2, 16, true, 10);
    coop_keys_edge(&K2, 0, true, at(3000));
    ck_assert(coop_keys_update(&K2, at(3000), &next));
    ck_assert_int_eq(rel(next), 3010);
    ck_assert(!coop_keys_update(&K2, at(3010), &next)); /* called at *next, as it asks */
    ck_assert(coop_keys_pressed(&K2, 0));
    coop_keys_edge(&K2, 0, false, at(3100));
    ck_assert(coop_keys_update(&K2, at(3100), &next));
    ck_assert(!coop_keys_update(&K2, at(3200), &next));
    drain(&K2, at(3200));
    {
        static const struct want high[] = { { 3010, 0, P }, { 3110, 0, R } };
        expect_events(high, NELEM(high), false);
    }
}
END_TEST

/* ------------------------------------------------------------ in the loop */

/* The idle hook: an "interrupt" while the loop sleeps. Applies the script's
 * steps that are due now (g_late_ok) or exactly now (an edge must be reported
 * at its own time: the clock task makes the loop stop there). */
static void idle_hook(void)
{
    coop_tick_t now = coop_port_now();
    while (g_applied < g_nsteps) {
        coop_tick_t t = at(g_steps[g_applied].ms);
        if (coop_tick_after(t, now))
            break;
        ck_assert_msg(g_late_ok || t == now, "step %u at %lu missed (now %ld)",
                      (unsigned)g_applied, (unsigned long)g_steps[g_applied].ms, rel(now));
        g_action(&g_steps[g_applied]);
        g_applied++;
    }
}

/* Sleeps until each step's time so that the loop idles (and the hook fires)
 * exactly there. */
static coop_status_t clock_fn(coop_task_t *task)
{
    ASYNC(task);
    for (g_clock_i = 0; g_clock_i < g_nsteps; g_clock_i++)
        AWAIT_SLEEP_UNTIL(at(g_steps[g_clock_i].ms));
    ASYNC_END;
}

/* Takes K's events as they come, noting the loop's time. */
static coop_status_t consumer_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_KEYS(&K);
        drain(&K, coop_loop_now(coop_task_loop(task)));
    }
    ASYNC_END;
}

static void drive_pin(const struct step *s)
{
    coop_virtual_pin_drive((coop_pin_t)(BOARD_BUTTON1 + s->key), s->level);
}

/* An edge interrupt: the pin changes, the ISR reads it and reports it. */
static void edge_isr(const struct step *s)
{
    coop_pin_t pin = (coop_pin_t)(BOARD_BUTTON1 + s->key);
    coop_virtual_pin_drive(pin, s->level);
    coop_keys_edge(&K, s->key, coop_pin_read(pin), coop_port_now());
}

static const coop_pin_t buttons[2] = { BOARD_BUTTON1, BOARD_BUTTON2 };

/* The polling task reads BOARD_BUTTON1/2 every 5 ms through
 * coop_keys_read_pins; the hook moves the pins (bounce included) between
 * scans. A scan sees the level of the last change before it. */
START_TEST(test_poll_task_buttons)
{
    static const struct step s[] = {
        { 98, 0, 0 }, { 101, 0, 1 }, { 103, 0, 0 }, { 104, 0, 1 }, { 107, 0, 0 },
        { 200, 1, 0 }, { 250, 1, 1 },
        { 400, 0, 1 }, { 402, 0, 0 }, { 406, 0, 1 },
    };
    /* scans at 0, 5, ...: key 0 low at 100, high at 105 (104), low from 110
     * (107): pressed at 110 + 20; high at 400, low at 405 (402), high from
     * 410: released at 430. Key 1: 200 -> 220, 250 -> 270. */
    static const struct want w[] = { { 130, 0, P }, { 220, 1, P }, { 270, 1, R },
                                     { 430, 0, R } };
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    init_keys(&K, slots, 2, queue, 16, false, 20);
    g_steps = s;
    g_nsteps = NELEM(s);
    g_late_ok = true;
    g_action = drive_pin;
    coop_virtual_on_idle = idle_hook;
    coop_loop_init(&g_loop);
    ck_assert_int_eq(coop_keys_poll_spawn(&g_loop, &g_feeder, &K, 5, coop_keys_read_pins, buttons),
                     COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_consumer, consumer_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(600)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(g_applied, NELEM(s));
    expect_events(w, NELEM(w), true);
    ck_assert_int_eq(coop_task_cancel(&g_feeder.task), COOP_OK);
}
END_TEST

/* Edges from the idle hook (interrupts), debounced by the edge task: one press
 * and one release for each bounce pattern, at last edge + debounce, each
 * delivered on its own tick, although the task was sleeping towards key 0's
 * long press when key 1's edges came; key 1's glitch gives nothing. */
START_TEST(test_edge_task_irq)
{
    static const struct step s[] = {
        { 100, 0, 0 }, { 101, 0, 1 }, { 102, 0, 0 }, { 103, 0, 1 }, { 104, 0, 0 },
        { 203, 1, 0 }, { 260, 1, 1 },
        { 500, 0, 1 }, { 501, 0, 0 }, { 503, 0, 1 },
        { 600, 1, 0 }, { 605, 1, 1 },                 /* a 5 ms glitch */
    };
    static const struct want w[] = { { 114, 0, P }, { 213, 1, P }, { 270, 1, R },
                                     { 414, 0, LONG }, { 513, 0, R } };
    coop_pin_input(BOARD_BUTTON1, COOP_PULL_UP);
    coop_pin_input(BOARD_BUTTON2, COOP_PULL_UP);
    init_keys(&K, slots, 2, queue, 16, false, 10);
    ck_assert_int_eq(coop_keys_set_long(&K, 300), COOP_OK);
    g_steps = s;
    g_nsteps = NELEM(s);
    g_action = edge_isr;
    coop_virtual_on_idle = idle_hook;
    coop_loop_init(&g_loop);
    ck_assert_int_eq(coop_keys_edge_spawn(&g_loop, &g_feeder, &K), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_consumer, consumer_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_clock, clock_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(1000)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(g_applied, NELEM(s));
    expect_events(w, NELEM(w), true);
    /* with nothing pending the edge task waits for an edge, not a timer */
    ck_assert_uint_eq(COOP_PRIV_TASK_STATE(&g_feeder.task), COOP_TASK_WAITING);
}
END_TEST

/* ------------------------------------------------------------ exact at the tick */

/* The same pulse, with the update before and after the release edge within
 * its tick: press at 3020, release at 3040, debounce 20. The level held for
 * 20 ticks by the stamps, so it counts both ways, at the same times; 19 ticks
 * do not count either way. */
START_TEST(test_update_equal_pulse)
{
    coop_tick_t next = 0;
    unsigned late;
    for (late = 0; late < 2; late++) {
        static const struct want w[] = { { 3040, 0, P }, { 3060, 0, R } };
        memset(slots, 0, sizeof slots);
        init_keys(&K, slots, 1, queue, 16, false, 20);
        nrec = 0;
        coop_keys_edge(&K, 0, false, at(3020));
        ck_assert(coop_keys_update(&K, at(3020), &next));
        if (!late) /* the loop handles tick 3040 before the edge comes */
            (void)coop_keys_update(&K, at(3040), &next);
        coop_keys_edge(&K, 0, true, at(3040));
        ck_assert(coop_keys_update(&K, at(3040), &next));
        ck_assert_int_eq(rel(next), 3060);
        ck_assert(!coop_keys_update(&K, at(3100), &next));
        drain(&K, at(3100));
        expect_events(w, NELEM(w), false);

        /* 19 ticks: nothing, however late the update */
        nrec = 0;
        coop_keys_edge(&K, 0, false, at(3200));
        (void)coop_keys_update(&K, at(3200), &next);
        if (!late)
            (void)coop_keys_update(&K, at(3219), &next);
        coop_keys_edge(&K, 0, true, at(3219));
        ck_assert(!coop_keys_update(&K, late ? at(3300) : at(3219), &next));
        drain(&K, at(3300));
        ck_assert_uint_eq(nrec, 0);
    }
}
END_TEST

/* Three keys fed by interrupts, debounce 20 ms: two pressed on the same tick,
 * one an exact 20 ms pulse (the repro), one with 30 ms of 50 us
 * chatter on release only (20 edges a tick), one 19 ms pulse (nothing), an
 * exact pulse on another key later, a glitch in the tick before a deadline,
 * and a release that ends exactly at the debounce time. Every edge is stamped
 * with its tick (coop_port_now()), as an ISR does.
 * Run 0: the edges come late in their tick, after the edge task handled the
 * tick's deadline (the source task yields first). Run 1: a busy task is due
 * on every one of those ticks, before the edge task, and the edges come
 * during its work (0.9 ms on a chip: it calls the ISR itself), so the edge
 * task only sees them afterwards. Events and their times are the same, each
 * delivered on its own tick. Old code: run 1 drops the exact pulses. */
struct kstep {
    uint32_t ms;
    uint8_t key;
    uint8_t level; /* the level after the last edge of this tick */
    uint8_t edges; /* edges in this tick, alternating, the last to `level` */
};
static struct kstep kscript[96];
static size_t nkscript, kscript_i;
static bool g_busy;
static uint32_t g_busy_runs;

static void kstep_add(uint32_t ms, uint8_t key, uint8_t level, uint8_t edges)
{
    ck_assert_uint_lt(nkscript, NELEM(kscript));
    kscript[nkscript].ms = ms;
    kscript[nkscript].key = key;
    kscript[nkscript].level = level;
    kscript[nkscript].edges = edges;
    nkscript++;
}

/* The steps in time order (keys' steps of one tick together). Levels are pin
 * levels: 0 = pressed (active low). */
static void build_kscript(void)
{
    uint32_t ms;
    nkscript = 0;
    kstep_add(3020, 0, 0, 1);                /* key 0 and key 1 pressed on one tick */
    kstep_add(3020, 1, 0, 1);
    kstep_add(3021, 2, 0, 1);                /* key 2: 19 ms, nothing */
    kstep_add(3040, 0, 1, 1);                /* key 0 released: exactly 20 ms */
    kstep_add(3040, 2, 1, 1);
    for (ms = 3100; ms < 3130; ms++)         /* key 1: 30 ms of chatter, 20 edges a tick */
        kstep_add(ms, 1, 0, 20);
    kstep_add(3130, 1, 1, 1);                /* then released for good */
    kstep_add(3200, 2, 0, 1);                /* key 2: exactly 20 ms */
    kstep_add(3220, 2, 1, 1);
    kstep_add(3300, 0, 0, 1);                /* key 0 pressed; a glitch in tick 3319, */
    kstep_add(3319, 0, 0, 2);                /* one tick before its deadline */
    kstep_add(3359, 0, 1, 1);
    kstep_add(3400, 0, 0, 1);                /* key 0: pressed 20 ms, released 20 ms */
    kstep_add(3420, 0, 1, 1);
    kstep_add(3440, 0, 0, 1);
    kstep_add(3500, 0, 1, 1);
}

/* An interrupt per edge: the pin moves, the ISR reads it and reports it. */
static void kscript_apply_tick(coop_tick_t now)
{
    while (kscript_i < nkscript && at(kscript[kscript_i].ms) == now) {
        const struct kstep *k = &kscript[kscript_i++];
        coop_pin_t pin = (coop_pin_t)(BOARD_BUTTON1 + k->key);
        unsigned e;
        for (e = 0; e < k->edges; e++) {
            uint8_t level = (uint8_t)(k->level ^ ((k->edges - 1u - e) & 1u));
            coop_virtual_pin_drive(pin, level);
            coop_keys_edge(&K, k->key, coop_pin_read(pin), coop_port_now());
        }
    }
}

/* Run 0: the edge source, late in each tick. Run 1: the busy task, due on
 * each tick, the edges arriving during its work. */
static coop_status_t source_fn(coop_task_t *task)
{
    ASYNC(task);
    while (kscript_i < nkscript) {
        AWAIT_SLEEP_UNTIL(at(kscript[kscript_i].ms));
        if (g_busy) {
            g_busy_runs++;
        } else {
            YIELD(); /* every task due on this tick runs first */
        }
        kscript_apply_tick(coop_loop_now(coop_task_loop(task)));
    }
    ASYNC_END;
}

START_TEST(test_keys_storm_busy)
{
    static const struct want w[] = {
        { 3040, 0, P }, { 3040, 1, P }, { 3060, 0, R }, { 3150, 1, R },
        { 3220, 2, P }, { 3240, 2, R }, { 3339, 0, P }, { 3379, 0, R },
        { 3420, 0, P }, { 3440, 0, R }, { 3460, 0, P }, { 3520, 0, R },
    };
    unsigned k;
    build_kscript();
    kscript_i = 0;
    g_busy = _i != 0;
    g_busy_runs = 0;
    for (k = 0; k < 3; k++)
        coop_pin_input((coop_pin_t)(BOARD_BUTTON1 + k), COOP_PULL_UP);
    init_keys(&K, slots, 3, queue, 64, false, 20);
    coop_loop_init(&g_loop);
    /* the source (busy task) first: its timers come before the edge task's */
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_source, source_fn), COOP_OK);
    ck_assert_int_eq(coop_keys_edge_spawn(&g_loop, &g_feeder, &K), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_consumer, consumer_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(4000)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(kscript_i, nkscript);
    ck_assert_uint_eq(g_busy_runs, g_busy ? 43u : 0u); /* one run per tick with edges */
    expect_events(w, NELEM(w), true);
    ck_assert_uint_eq(coop_keys_overflows(&K), 0);
}
END_TEST

/* ------------------------------------------------------------ edge counter */

START_TEST(test_edges_count)
{
    static const uint8_t levels[] = { 1, 0, 1, 0, 1, 1 }; /* 4 rising, 2 falling */
    static const uint8_t modes[3] = { COOP_EDGES_RISE, COOP_EDGES_FALL, COOP_EDGES_BOTH };
    static const coop_count_t want[3] = { 4, 2, 6 };
    unsigned m, i;
    for (m = 0; m < 3; m++) {
        ck_assert_int_eq(coop_edges_init(&E[m], modes[m]), COOP_OK);
        for (i = 0; i < NELEM(levels); i++)
            coop_edges_report(&E[m], levels[i] != 0);
        ck_assert_uint_eq(coop_edges_read(&E[m]), want[m]);
        ck_assert_uint_eq(coop_edges_read(&E[m]), want[m]); /* read leaves it */
        ck_assert_uint_eq(coop_edges_take(&E[m]), want[m]);
        ck_assert_uint_eq(coop_edges_read(&E[m]), 0);       /* take clears */
        ck_assert_uint_eq(coop_edges_take(&E[m]), 0);
        ck_assert_uint_eq(coop_edges_overflows(&E[m]), 0);
    }
}
END_TEST

static coop_status_t counter_fn(coop_task_t *task)
{
    unsigned m = (unsigned)(task - g_counters);
    ASYNC(task);
    for (;;) {
        AWAIT_EDGES(&E[m]);
        ck_assert_uint_lt(e_nwakes[m], 16);
        e_wakes[m][e_nwakes[m]++] = coop_loop_now(coop_task_loop(task));
        e_total[m] += coop_edges_take(&E[m]);
    }
    ASYNC_END;
}

/* A pin's edges reported from the idle hook, three at once at 300 (a burst
 * between two task switches): rise, fall and both count 3, 3 and 6, and each
 * counting task wakes exactly when its edges came. */
static void edges_isr(const struct step *s)
{
    unsigned m;
    for (m = 0; m < 3; m++)
        coop_edges_report(&E[m], s->level != 0);
}

START_TEST(test_edges_irq)
{
    static const struct step s[] = { { 100, 0, 1 }, { 200, 0, 0 }, { 300, 0, 1 },
                                     { 300, 0, 0 }, { 300, 0, 1 }, { 400, 0, 0 } };
    static const uint8_t modes[3] = { COOP_EDGE_RISING, COOP_EDGE_FALLING, COOP_EDGE_BOTH };
    static const coop_count_t total[3] = { 3, 3, 6 };
    static const uint32_t wakes[3][4] = { { 100, 300 }, { 200, 300, 400 },
                                          { 100, 200, 300, 400 } };
    static const size_t nwakes[3] = { 2, 3, 4 };
    unsigned m, i;
    for (m = 0; m < 3; m++)
        ck_assert_int_eq(coop_edges_init(&E[m], modes[m]), COOP_OK);
    g_steps = s;
    g_nsteps = NELEM(s);
    g_action = edges_isr;
    coop_virtual_on_idle = idle_hook;
    coop_loop_init(&g_loop);
    for (m = 0; m < 3; m++)
        ck_assert_int_eq(coop_task_spawn(&g_loop, &g_counters[m], counter_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_clock, clock_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(1000)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(g_applied, NELEM(s));
    for (m = 0; m < 3; m++) {
        ck_assert_uint_eq(e_total[m], total[m]);
        ck_assert_uint_eq(coop_edges_read(&E[m]), 0);
        ck_assert_uint_eq(e_nwakes[m], nwakes[m]);
        for (i = 0; i < nwakes[m]; i++)
            ck_assert_int_eq(rel(e_wakes[m][i]), (long)wakes[m][i]);
    }
}
END_TEST

/* ------------------------------------------------------------ keypad */

/* Takes KP's events with AWAIT_KEY_EVENT, one per resume, noting the time. */
static coop_status_t keypad_consumer_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        AWAIT_KEY_EVENT(&KP, &kp_ev);
        ck_assert_uint_lt(nrec, MAX_REC);
        recs[nrec].time = kp_ev.time;
        recs[nrec].key = kp_ev.key;
        recs[nrec].kind = kp_ev.kind;
        recs[nrec].at = coop_loop_now(coop_task_loop(task));
        nrec++;
    }
    ASYNC_END;
}

static void run_keypad(const struct step *s, size_t n, uint32_t until_ms)
{
    g_steps = s;
    g_nsteps = n;
    g_late_ok = true;
    g_action = drive_pin;
    coop_virtual_on_idle = idle_hook;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_consumer, keypad_consumer_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_clock, clock_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(until_ms)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(g_applied, n);
}

/* keypad.Keys' scans: every 20 ms from the spawn (BASE), no debounce beyond
 * them; each change an event stamped with the scan that saw it and taken at
 * that tick. A bounce is seen once; an 8 ms press between two scans is
 * missed, a 10 ms one with a scan inside is a press and a release; changes
 * of both keys seen by one scan are two events, key 0 first. */
START_TEST(test_keypad_scans)
{
    static const struct step s[] = {
        { 105, 0, 0 },                               /* press: scan 120 */
        { 300, 0, 1 }, { 303, 0, 0 }, { 308, 0, 1 }, /* bouncy release: scan 300 only */
        { 410, 1, 0 }, { 418, 1, 1 },                /* 8 ms between scans 400 and 420 */
        { 455, 1, 0 }, { 465, 1, 1 },                /* 10 ms around scan 460 */
        { 590, 1, 0 }, { 595, 0, 0 },                /* both seen by scan 600 */
    };
    static const struct want w[] = { { 120, 0, P }, { 300, 0, R }, { 460, 1, P },
                                     { 480, 1, R }, { 600, 0, P }, { 600, 1, P } };
    coop_loop_init(&g_loop);
    ck_assert_int_eq(coop_keypad_spawn(&g_loop, &KP), COOP_OK);
    run_keypad(s, NELEM(s), 700);
    expect_events(w, NELEM(w), true);
    ck_assert(coop_keys_pressed(coop_keypad_keys(&KP), 0));
    ck_assert(coop_keys_pressed(coop_keypad_keys(&KP), 1));
    ck_assert_uint_eq(coop_keys_overflows(coop_keypad_keys(&KP)), 0);
    coop_keypad_stop(&KP); /* cancelled at its next resume: no scan at 720 */
    coop_virtual_pin_drive(BOARD_BUTTON1, 1);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(760)), COOP_ETIMEDOUT);
    ck_assert(coop_task_done(&KP_state.scanner.task));
    ck_assert_uint_eq(nrec, NELEM(w));
}
END_TEST

/* The spawn set the pins up as inputs with pull-ups (pull=True, active
 * low): undriven, they read high. */
START_TEST(test_keypad_pins)
{
    coop_loop_init(&g_loop);
    coop_pin_output(BOARD_BUTTON1, false);
    coop_pin_output(BOARD_BUTTON2, false);
    ck_assert(!coop_virtual_pin_get(BOARD_BUTTON1));
    ck_assert_int_eq(coop_keypad_spawn(&g_loop, &KP), COOP_OK);
    ck_assert(coop_virtual_pin_get(BOARD_BUTTON1));
    ck_assert(coop_virtual_pin_get(BOARD_BUTTON2));
    ck_assert_uint_eq(KP_state.keys.nkeys, 2);
    ck_assert_uint_eq(KP_state.scanner.interval, coop_ticks_from_ms(20));
    ck_assert_uint_eq(KP_state.keys.debounce, 0);
}
END_TEST

/* A key held when scanning starts (keypad since CircuitPython 9): pressed,
 * with no PRESSED and no LONG; its release is an event. _i 1: the same with
 * coop_keypad_reset right after the spawn (keypad's reset()): the first scan
 * reports it, at the spawn's tick, and it is a long press (100 ms). */
START_TEST(test_keypad_held_at_start)
{
    static const struct step s[] = { { 150, 0, 1 }, { 205, 1, 0 }, { 245, 1, 1 } };
    static const struct want quiet[] = { { 160, 0, R }, { 220, 1, P }, { 260, 1, R } };
    static const struct want told[] = { { 0, 0, P }, { 100, 0, LONG }, { 160, 0, R },
                                        { 220, 1, P }, { 260, 1, R } };
    coop_loop_init(&g_loop);
    coop_virtual_pin_drive(BOARD_BUTTON1, 0); /* held down from before the start */
    ck_assert_int_eq(coop_keypad_spawn(&g_loop, &KP), COOP_OK);
    ck_assert_int_eq(coop_keys_set_long(coop_keypad_keys(&KP), 100), COOP_OK);
    if (_i == 1)
        coop_keypad_reset(&KP);
    run_keypad(s, NELEM(s), 400);
    if (_i == 1)
        expect_events(told, NELEM(told), true);
    else
        expect_events(quiet, NELEM(quiet), true);
}
END_TEST

/* The same, asking in between: before its release, the quiet key is pressed
 * and nothing is queued; a reset then makes it a press at the next scan. */
START_TEST(test_keypad_held_pressed)
{
    static const struct step s[] = { { 100, 0, 1 } };
    coop_loop_init(&g_loop);
    coop_virtual_pin_drive(BOARD_BUTTON1, 0);
    ck_assert_int_eq(coop_keypad_spawn(&g_loop, &KP), COOP_OK);
    g_steps = s;
    g_nsteps = NELEM(s);
    g_late_ok = true;
    g_action = drive_pin;
    coop_virtual_on_idle = idle_hook;
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_clock, clock_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(50)), COOP_ETIMEDOUT);
    ck_assert(coop_keys_pressed(coop_keypad_keys(&KP), 0));
    ck_assert(!coop_keys_pressed(coop_keypad_keys(&KP), 1));
    ck_assert_uint_eq(coop_keys_count(coop_keypad_keys(&KP)), 0);
    /* reset now: the next scan (60) reports the key as a new press */
    coop_keypad_reset(&KP);
    ck_assert(!coop_keys_pressed(coop_keypad_keys(&KP), 0));
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(70)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(coop_keys_count(coop_keypad_keys(&KP)), 1);
    ck_assert(coop_keys_get(coop_keypad_keys(&KP), &kp_ev));
    ck_assert_int_eq(rel(kp_ev.time), 60);
    ck_assert_uint_eq(kp_ev.key, 0);
    ck_assert_uint_eq(kp_ev.kind, P);
}
END_TEST

/* ------------------------------------------------------------ attach */

#if COOP_PIN_IRQS
/* coop_edges_attach: BUTTON1 falling (E[0]), BUTTON2 rising (E[1]), driven
 * pins; the port's handler reports each edge to its pin's counter at its
 * tick. After coop_edges_detach(&E[0]) BUTTON1's edges count no more. */
static void attach_step(const struct step *st)
{
    if (st->key == 9) {
        ck_assert_int_eq(coop_edges_detach(&E[0]), COOP_OK);
        return;
    }
    drive_pin(st);
}

START_TEST(test_edges_attach)
{
    static const struct step s[] = { { 100, 0, 0 }, { 200, 0, 1 }, { 250, 1, 0 },
                                     { 300, 0, 0 }, { 300, 0, 1 }, { 300, 0, 0 },
                                     { 350, 1, 1 }, { 400, 9, 0 }, { 500, 0, 1 },
                                     { 600, 0, 0 } };
    static const uint32_t wakes0[] = { 100, 300 };
    unsigned i;
    ck_assert_int_eq(coop_edges_attach(&E[0], BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_OK);
    ck_assert_int_eq(coop_edges_attach(&E[1], BOARD_BUTTON2, COOP_EDGE_RISING, COOP_PULL_UP),
                     COOP_OK);
    ck_assert(coop_virtual_pin_get(BOARD_BUTTON1)); /* an input, pulled up */
    g_steps = s;
    g_nsteps = NELEM(s);
    g_action = attach_step;
    coop_virtual_on_idle = idle_hook;
    coop_loop_init(&g_loop);
    for (i = 0; i < 2; i++)
        ck_assert_int_eq(coop_task_spawn(&g_loop, &g_counters[i], counter_fn), COOP_OK);
    ck_assert_int_eq(coop_task_spawn(&g_loop, &g_clock, clock_fn), COOP_OK);
    ck_assert_int_eq(coop_loop_run_until(&g_loop, at(1000)), COOP_ETIMEDOUT);
    ck_assert_uint_eq(g_applied, NELEM(s));
    ck_assert_uint_eq(e_total[0], 3); /* 100, 300, 300; not 600 (detached) */
    ck_assert_uint_eq(e_nwakes[0], NELEM(wakes0));
    for (i = 0; i < NELEM(wakes0); i++)
        ck_assert_int_eq(rel(e_wakes[0][i]), (long)wakes0[i]);
    ck_assert_uint_eq(e_total[1], 1); /* 350 only: the fall at 250 is not counted */
    ck_assert_uint_eq(e_nwakes[1], 1);
    ck_assert_int_eq(rel(e_wakes[1][0]), 350);
    ck_assert_int_eq(coop_edges_detach(&E[1]), COOP_OK);
}
END_TEST

/* One counter per pin, one pin per counter, COOP_EDGES_ATTACH_MAX at once. */
START_TEST(test_edges_attach_misuse)
{
    static coop_edges_t more[COOP_EDGES_ATTACH_MAX + 1];
    unsigned i;
    coop_virtual_on_assert = counting_assert;
    ck_assert_int_eq(coop_edges_attach(NULL, BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_EINVAL);
    ck_assert_int_eq(coop_edges_attach(&E[0], BOARD_BUTTON1, 0, COOP_PULL_UP), COOP_EINVAL);
    ck_assert_int_eq(asserts, 2);
    ck_assert_int_eq(coop_edges_attach(&E[0], BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_OK);
    ck_assert_int_eq(coop_edges_attach(&E[0], BOARD_BUTTON2, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_EBUSY);
    ck_assert_int_eq(coop_edges_attach(&E[1], BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_EBUSY);
    ck_assert_int_eq(asserts, 4);
    ck_assert_int_eq(coop_edges_detach(&E[0]), COOP_OK);
    ck_assert_int_eq(coop_edges_detach(&E[0]), COOP_EINVAL);
    ck_assert_int_eq(asserts, 5);
    for (i = 0; i < COOP_EDGES_ATTACH_MAX; i++)
        ck_assert_int_eq(coop_edges_attach(&more[i], (coop_pin_t)(BOARD_BUTTON1 + i),
                                           COOP_EDGE_BOTH, COOP_PULL_UP), COOP_OK);
    ck_assert_int_eq(coop_edges_attach(&more[i], (coop_pin_t)(BOARD_BUTTON1 + i),
                                       COOP_EDGE_BOTH, COOP_PULL_UP), COOP_ERANGE);
    ck_assert_int_eq(asserts, 6);
    for (i = 0; i < COOP_EDGES_ATTACH_MAX; i++)
        ck_assert_int_eq(coop_edges_detach(&more[i]), COOP_OK);
    ck_assert_int_eq(asserts, 6);
}
END_TEST
#else
/* Without COOP_PIN_IRQS the port has no pin handler: attach (and detach)
 * refuse with an assert that names the option, and change nothing. */
START_TEST(test_edges_attach_needs_irqs)
{
    coop_virtual_on_assert = counting_assert_irqs;
    ck_assert_int_eq(coop_edges_attach(&E[0], BOARD_BUTTON1, COOP_EDGE_FALLING, COOP_PULL_UP),
                     COOP_EINVAL);
    ck_assert_int_eq(coop_edges_detach(&E[0]), COOP_EINVAL);
    ck_assert_int_eq(asserts, 2);
    ck_assert_int_eq(assert_irqs, 2);
}
END_TEST
#endif

/* ------------------------------------------------------------ misuse */

START_TEST(test_misuse)
{
    coop_keys_event_t ev;
    coop_virtual_on_assert = counting_assert;
    ck_assert_int_eq(coop_keys_init(NULL, slots, 1, queue, 4, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, NULL, 1, queue, 4, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 0, queue, 4, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 17, queue, 4, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 1, queue, 3, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 1, queue, 256, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 1, NULL, 4, false, 10), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_init(&K, slots, 1, queue, 4, false, 40000), COOP_EINVAL);
    ck_assert_int_eq(asserts, 8);
    ck_assert_int_eq(coop_keys_init(&K, slots, 2, queue, 4, false, 10), COOP_OK);
    ck_assert_int_eq(coop_keys_set_long(&K, 40000), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_set_double(NULL, 100), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_set_repeat(&K, 100, 0), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_set_repeat(&K, 0, 0), COOP_OK); /* off */
    ck_assert_int_eq(asserts, 11);
    ck_assert_int_eq(coop_edges_init(&E[0], 0), COOP_EINVAL);
    ck_assert_int_eq(coop_edges_init(&E[0], 4), COOP_EINVAL);
    ck_assert_int_eq(asserts, 13);
    coop_loop_init(&g_loop);
    ck_assert_int_eq(coop_keys_poll_spawn(&g_loop, &g_feeder, &K, 0, coop_keys_read_pins, buttons),
                     COOP_EINVAL);
    ck_assert_int_eq(coop_keys_poll_spawn(&g_loop, &g_feeder, &K, 5, NULL, buttons), COOP_EINVAL);
    ck_assert_int_eq(coop_keys_edge_spawn(&g_loop, NULL, &K), COOP_EINVAL);
    ck_assert_int_eq(asserts, 16);
    ck_assert_int_eq(coop_keys_edge_spawn(&g_loop, &g_feeder, &K), COOP_OK);
    ck_assert_int_eq(coop_keys_edge_spawn(&g_loop, &g_feeder, &K), COOP_EBUSY);
    ck_assert_int_eq(asserts, 17);
    /* an edge of a key the object does not have: asserts, changes nothing */
    coop_keys_edge(&K, 2, false, at(5));
    ck_assert_int_eq(asserts, 18);
    ck_assert_uint_eq(K.isr_dirty, 0);
    ck_assert(!coop_keys_pressed(&K, 2));
    ck_assert(!coop_keys_get(&K, &ev));
    ck_assert_int_eq(asserts, 18);
}
END_TEST

Suite *coop_keys_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc;

    tc = tcase_create("debounce");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_bounce_active_low);
    tcase_add_test(tc, test_bounce_active_high);
    tcase_add_test(tc, test_glitch_ignored);
    tcase_add_test(tc, test_no_debounce);
    tcase_add_test(tc, test_scan_next);
    tcase_add_test(tc, test_sixteen_keys);
    suite_add_tcase(s, tc);

    tc = tcase_create("gestures");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_long_press);
    tcase_add_test(tc, test_double_click);
    tcase_add_test(tc, test_repeat);
    tcase_add_test(tc, test_repeat_with_long);
    tcase_add_test(tc, test_overflow);
    suite_add_tcase(s, tc);

    tc = tcase_create("edges");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_update_edges);
    tcase_add_test(tc, test_poll_task_buttons);
    tcase_add_test(tc, test_edge_task_irq);
    tcase_add_test(tc, test_update_equal_pulse);
    tcase_add_loop_test(tc, test_keys_storm_busy, 0, 2);
    tcase_add_test(tc, test_edges_count);
    tcase_add_test(tc, test_edges_irq);
    tcase_add_test(tc, test_misuse);
    suite_add_tcase(s, tc);

    tc = tcase_create("keypad");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_keypad_scans);
    tcase_add_test(tc, test_keypad_pins);
    tcase_add_loop_test(tc, test_keypad_held_at_start, 0, 2);
    tcase_add_test(tc, test_keypad_held_pressed);
#if COOP_PIN_IRQS
    tcase_add_test(tc, test_edges_attach);
    tcase_add_test(tc, test_edges_attach_misuse);
#else
    tcase_add_test(tc, test_edges_attach_needs_irqs);
#endif
    suite_add_tcase(s, tc);
    return s;
}
