/* Unit tests of the tick arithmetic (coop/time.h): wrap-safe differences and
 * comparisons around the wrap (just below/above 0) and around the half range,
 * for whichever COOP_TICK_BITS the variant is built with. The expected values
 * are computed independently in 64-bit arithmetic modulo 2^COOP_TICK_BITS. */
#include <check.h>
#include <string.h>
#include <stdint.h>

#include "virtual.h"

/* Bounds derived from the type, not restated from time.h. */
#define TICK_BITS ((int)(sizeof(coop_tick_t) * 8u))
#define TICK_MAX ((coop_tick_t)-1)                         /* 2^N - 1 */
#define TICK_HALF ((coop_tick_t)(COOP_TICK_MAX_WAIT + 1u)) /* 2^(N-1) */
#define TICK_MOD ((uint64_t)TICK_MAX + 1u)                 /* 2^N */

/* (b + d) mod 2^N for a signed d, in 64 bits. */
static coop_tick_t ref_add(coop_tick_t b, int64_t d)
{
    int64_t m = (int64_t)TICK_MOD;
    int64_t r = ((int64_t)b + d) % m;
    if (r < 0)
        r += m;
    return (coop_tick_t)r;
}

/* The bases the loops start from: both sides of 0 and of the half range. */
static coop_tick_t base_at(int i)
{
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return TICK_MAX;
    case 3: return (coop_tick_t)(TICK_MAX - 99u);
    case 4: return COOP_TICK_MAX_WAIT;
    case 5: return TICK_HALF;
    case 6: return (coop_tick_t)(TICK_HALF + 1u);
    case 7: return (coop_tick_t)(COOP_TICK_MAX_WAIT - 99u);
    default: return (coop_tick_t)0x1234u;
    }
}
#define N_BASES 9

/* Offsets d with |d| <= COOP_TICK_MAX_WAIT: unambiguous distances. */
static int64_t offset_at(int i)
{
    int64_t w = (int64_t)COOP_TICK_MAX_WAIT;
    switch (i) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return 2;
    case 4: return 100;
    case 5: return -100;
    case 6: return w;
    case 7: return -w;
    case 8: return w - 1;
    case 9: return -(w - 1);
    case 10: return w / 2;
    default: return -(w / 3);
    }
}
#define N_OFFSETS 12

START_TEST(test_tick_width)
{
    ck_assert_int_eq((int)(sizeof(coop_tick_t) * 8u), COOP_TICK_BITS);
    ck_assert_uint_eq(sizeof(coop_stick_t), sizeof(coop_tick_t));
    ck_assert(TICK_BITS == 16 || TICK_BITS == 32);
    /* the type is unsigned and wraps, its signed twin is signed */
    ck_assert(TICK_MAX > 0);
    ck_assert((coop_stick_t)-1 < 0);
    /* COOP_TICK_MAX_WAIT is half the range minus one: 2^(N-1) - 1 */
    ck_assert_uint_eq((uint64_t)COOP_TICK_MAX_WAIT, (TICK_MOD / 2u) - 1u);
    ck_assert_uint_eq((uint64_t)COOP_TICK_MAX_WAIT * 2u + 1u, (uint64_t)TICK_MAX);
}
END_TEST

START_TEST(test_add_wraps)
{
    ck_assert_uint_eq(coop_tick_add(TICK_MAX, 1), 0);
    ck_assert_uint_eq(coop_tick_add(TICK_MAX, 2), 1);
    ck_assert_uint_eq(coop_tick_add((coop_tick_t)(TICK_MAX - 9u), 20), 10);
    ck_assert_uint_eq(coop_tick_add(0, 0), 0);
    ck_assert_uint_eq(coop_tick_add(TICK_MAX, 0), TICK_MAX);
    ck_assert_uint_eq(coop_tick_add(COOP_TICK_MAX_WAIT, 1), TICK_HALF);
    ck_assert_uint_eq(coop_tick_add(TICK_HALF, COOP_TICK_MAX_WAIT), TICK_MAX);
    ck_assert_uint_eq(coop_tick_add(TICK_HALF, TICK_HALF), 0);
    /* n is uint32_t: UINT32_MAX is -1 modulo 2^16 and 2^32 alike */
    ck_assert_uint_eq(coop_tick_add(5, UINT32_MAX), 4);
    ck_assert_uint_eq(coop_tick_add(0, UINT32_MAX), TICK_MAX);
    /* n beyond the tick range reduces modulo 2^N */
    ck_assert_uint_eq(coop_tick_add(7, 0x10005u), ref_add(7, (int64_t)(0x10005u % TICK_MOD)));
    ck_assert_uint_eq(coop_tick_add(7, 0xFFFFFFF0u), ref_add(7, (int64_t)(0xFFFFFFF0u % TICK_MOD)));
}
END_TEST

START_TEST(test_diff_around_zero)
{
    ck_assert_int_eq(coop_tick_diff(0, TICK_MAX), 1);
    ck_assert_int_eq(coop_tick_diff(TICK_MAX, 0), -1);
    ck_assert_int_eq(coop_tick_diff(2, (coop_tick_t)(TICK_MAX - 2u)), 5);
    ck_assert_int_eq(coop_tick_diff((coop_tick_t)(TICK_MAX - 2u), 2), -5);
    ck_assert_int_eq(coop_tick_diff(0, 0), 0);
    ck_assert_int_eq(coop_tick_diff(TICK_MAX, TICK_MAX), 0);
    ck_assert_int_eq(coop_tick_diff(99, (coop_tick_t)(TICK_MAX - 99u)), 199);
}
END_TEST

START_TEST(test_diff_around_half_range)
{
    int64_t w = (int64_t)COOP_TICK_MAX_WAIT;
    ck_assert_int_eq(coop_tick_diff(COOP_TICK_MAX_WAIT, 0), w);
    ck_assert_int_eq(coop_tick_diff(0, COOP_TICK_MAX_WAIT), -w);
    ck_assert_int_eq(coop_tick_diff(TICK_HALF, COOP_TICK_MAX_WAIT), 1);
    ck_assert_int_eq(coop_tick_diff(COOP_TICK_MAX_WAIT, TICK_HALF), -1);
    /* exactly half the range apart is ambiguous: the difference is the most
     * negative value, so neither time counts as "after" the other */
    ck_assert_int_eq(coop_tick_diff(TICK_HALF, 0), -w - 1);
    ck_assert_int_eq(coop_tick_diff(0, TICK_HALF), -w - 1);
    ck_assert(!coop_tick_after(TICK_HALF, 0));
    ck_assert(!coop_tick_after(0, TICK_HALF));
    /* one more than half: reads as MAX_WAIT the other way round */
    ck_assert_int_eq(coop_tick_diff((coop_tick_t)(TICK_HALF + 1u), 0), -w);
    ck_assert(coop_tick_after(0, (coop_tick_t)(TICK_HALF + 1u)));
    ck_assert(!coop_tick_after((coop_tick_t)(TICK_HALF + 1u), 0));
}
END_TEST

/* Every base x every offset: add, diff, after and reached agree with the
 * 64-bit reference, whichever side of the wrap the two times fall on. */
START_TEST(test_compare_matrix)
{
    int i, j;
    for (i = 0; i < N_BASES; i++) {
        coop_tick_t b = base_at(i);
        for (j = 0; j < N_OFFSETS; j++) {
            int64_t d = offset_at(j);
            coop_tick_t t = ref_add(b, d);
            /* coop_tick_add takes a uint32_t: a negative d as its modulo-2^N twin */
            uint32_t n = (uint32_t)(((d % (int64_t)TICK_MOD) + (int64_t)TICK_MOD) % (int64_t)TICK_MOD);

            ck_assert_msg(coop_tick_add(b, n) == t, "add base %d offset %d", i, j);
            ck_assert_msg((int64_t)coop_tick_diff(t, b) == d, "diff(t,b) base %d offset %d", i, j);
            ck_assert_msg((int64_t)coop_tick_diff(b, t) == -d, "diff(b,t) base %d offset %d", i, j);
            ck_assert_msg(coop_tick_after(t, b) == (d > 0), "after(t,b) base %d offset %d", i, j);
            ck_assert_msg(coop_tick_after(b, t) == (d < 0), "after(b,t) base %d offset %d", i, j);
            ck_assert_msg(coop_tick_reached(t, b) == (d >= 0), "reached(t,b) base %d offset %d", i, j);
            ck_assert_msg(coop_tick_reached(b, t) == (d <= 0), "reached(b,t) base %d offset %d", i, j);
        }
    }
}
END_TEST

START_TEST(test_reached_and_after_at_deadline)
{
    int i;
    for (i = 0; i < N_BASES; i++) {
        coop_tick_t dl = base_at(i);
        coop_tick_t before = ref_add(dl, -1);
        coop_tick_t later = ref_add(dl, 1);
        ck_assert(!coop_tick_reached(before, dl));
        ck_assert(coop_tick_reached(dl, dl));
        ck_assert(coop_tick_reached(later, dl));
        ck_assert(!coop_tick_after(dl, dl));
        ck_assert(coop_tick_after(later, dl));
        ck_assert(!coop_tick_after(before, dl));
        /* the farthest deadline still in the future, and just past it */
        ck_assert(!coop_tick_reached(dl, coop_tick_add(dl, COOP_TICK_MAX_WAIT)));
        ck_assert(coop_tick_reached(coop_tick_add(dl, COOP_TICK_MAX_WAIT), dl));
    }
    /* a deadline just after the wrap, clock just before it */
    ck_assert(!coop_tick_reached(TICK_MAX, 0));
    ck_assert(!coop_tick_reached((coop_tick_t)(TICK_MAX - 4u), 5));
    ck_assert(coop_tick_reached(5, 5));
    ck_assert(coop_tick_reached(6, 5));
}
END_TEST

/* A clock that runs across the wrap, one tick at a time, towards a deadline
 * set 100 ticks before the wrap for 250 ticks. */
START_TEST(test_walk_across_wrap)
{
    coop_tick_t start = (coop_tick_t)(TICK_MAX - 99u);
    coop_tick_t dl = coop_tick_add(start, 250);
    coop_tick_t now = start;
    int steps = 0;
    ck_assert_uint_eq(dl, 150);
    while (!coop_tick_reached(now, dl)) {
        ck_assert(coop_tick_after(dl, now));
        ck_assert_int_eq(coop_tick_diff(dl, now), 250 - steps);
        now = coop_tick_add(now, 1);
        steps++;
        ck_assert_int_le(steps, 250);
    }
    ck_assert_int_eq(steps, 250);
    ck_assert_uint_eq(now, dl);
}
END_TEST

/* coop_ticks_from_ms: every build here uses COOP_TICK_HZ 1000, where it is the
 * identity. The rounding-up branch (other rates) is checked against its
 * promise (never shorter than asked, and by less than one tick) only when the
 * variant is built with another COOP_TICK_HZ. */
START_TEST(test_ticks_from_ms)
{
    static const uint32_t ms[] = {0u, 1u, 2u, 999u, 1000u, 1001u, 12345u, 65535u, 65536u, 86400000u};
    size_t i;
#if COOP_TICK_HZ == 1000
    for (i = 0; i < sizeof ms / sizeof ms[0]; i++)
        ck_assert_uint_eq(coop_ticks_from_ms(ms[i]), ms[i]);
    ck_assert_uint_eq(coop_ticks_from_ms(UINT32_MAX), UINT32_MAX);
#else
    uint32_t prev = 0;
    for (i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        uint64_t exact_num = (uint64_t)ms[i] * (uint64_t)COOP_TICK_HZ; /* ticks * 1000 */
        uint64_t t;
        if (exact_num / 1000u >= UINT32_MAX)
            break; /* beyond what a uint32_t tick count holds */
        t = coop_ticks_from_ms(ms[i]);
        ck_assert_uint_ge(t, prev);
        ck_assert_uint_ge(t * 1000u, exact_num);              /* not shorter */
        ck_assert(t == 0 || (t - 1u) * 1000u < exact_num);    /* by less than a tick */
        prev = (uint32_t)t;
    }
#endif
}
END_TEST

/* Above 1000 ticks a second, ms whose ticks do not fit 32 bits assert and
 * give the longest time there is (before: they wrapped, and at 1 MHz
 * AWAIT_SLEEP_MS(4300000) ended after 5.03 s). */
#if COOP_TICK_HZ > 1000
static int from_ms_asserts;
static void count_assert(const char *msg, const char *file, int line)
{
    (void)file;
    (void)line;
    ck_assert_msg(strstr(msg, "too long") != NULL, "unexpected assert: %s", msg);
    from_ms_asserts++;
}
#endif

START_TEST(test_ticks_from_ms_overflow)
{
#if COOP_TICK_HZ > 1000
    uint32_t ms, last_ok = (uint32_t)(((uint64_t)UINT32_MAX * 1000u) / COOP_TICK_HZ);
    coop_virtual_on_assert = count_assert;
    from_ms_asserts = 0;
    /* the largest ms that fits, and every one above it up to the top */
    ck_assert_uint_le((uint64_t)coop_ticks_from_ms(last_ok), UINT32_MAX);
    ck_assert_int_eq(from_ms_asserts, 0);
    for (ms = last_ok + 1u; ms != 0; ms = ms > UINT32_MAX / 2u ? (ms == UINT32_MAX ? 0 : UINT32_MAX) : ms * 2u) {
        ck_assert_uint_eq(coop_ticks_from_ms(ms), UINT32_MAX);
    }
    ck_assert_uint_eq(coop_ticks_from_ms(4300000u), UINT32_MAX);
    ck_assert_int_ge(from_ms_asserts, 2);
    coop_virtual_on_assert = NULL;
#else
    /* at or below 1000 ticks a second every uint32_t ms fits */
    ck_assert_uint_le(coop_ticks_from_ms(UINT32_MAX), UINT32_MAX);
#endif
}
END_TEST

Suite *coop_time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("ticks");
    tcase_add_test(tc, test_tick_width);
    tcase_add_test(tc, test_add_wraps);
    tcase_add_test(tc, test_diff_around_zero);
    tcase_add_test(tc, test_diff_around_half_range);
    tcase_add_test(tc, test_compare_matrix);
    tcase_add_test(tc, test_reached_and_after_at_deadline);
    tcase_add_test(tc, test_walk_across_wrap);
    tcase_add_test(tc, test_ticks_from_ms);
    tcase_add_test(tc, test_ticks_from_ms_overflow);
    suite_add_tcase(s, tc);
    return s;
}
