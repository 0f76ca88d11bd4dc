/* Host-port tests: the real clock, sleeping without burning CPU, the terminal
 * given back on every way out, and scripted keys. Built by `make test-host`
 * with tests/host_impl.c (the port's implementation) and the runner.
 *
 * Exit statuses chosen by the port, asserted here:
 *   'q' typed             exit status 0
 *   Ctrl-C typed (0x03)   killed by SIGINT (a shell reports 130), terminal restored
 *   SIGTERM, SIGHUP       killed by that signal, terminal restored
 *   failed COOP_ASSERT    killed by SIGABRT, terminal restored, message on stderr
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* openpty, login_tty, setenv in strict C99 */
#endif

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

#include "host.h"

/* ------------------------------------------------------------ helpers */

static long long wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Voluntary context switches so far: each time the process slept in the
 * kernel (and only then: being preempted on a loaded machine is counted
 * apart, as involuntary). "Did it sleep?" without asking how long it took. */
static long vcsw(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_nvcsw;
}

/* Hang detectors, not budgets: a loaded machine is slow, never this slow. */
#define HANG_MS 60000

static long long cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ((long long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec +
           ru.ru_stime.tv_usec;
}

/* Wait up to `ms` for output on `fd` and append it to buf (kept
 * NUL-terminated). 1: read some; 0: nothing came; -1: end of file. */
static int drain(int fd, char *buf, size_t cap, size_t *len, int ms)
{
    struct pollfd p;
    ssize_t n;
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    if (poll(&p, 1, ms) <= 0)
        return 0;
    if (*len + 1 >= cap) { /* full: keep the tail */
        memmove(buf, buf + cap / 2, *len - cap / 2);
        *len -= cap / 2;
    }
    n = read(fd, buf + *len, cap - 1 - *len);
    if (n <= 0)
        return -1;
    *len += (size_t)n;
    buf[*len] = '\0';
    return 1;
}

/* Wait up to `ms` for the child to end, reading its output meanwhile. */
static int wait_child(pid_t pid, int fd, char *buf, size_t cap, size_t *len, int ms, int *status)
{
    long long end = wall_us() + (long long)ms * 1000;
    while (wall_us() < end) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (drain(fd, buf, cap, len, 10) < 0)
            usleep(1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, status, 0);
    return 0;
}

/* ------------------------------------------------------------ (a) sleeping */

struct sleeper {
    coop_task_t task;
    uint32_t period_ms;
    uint32_t count;
    uint32_t wakes;
    uint32_t early;     /* woke before the deadline on the real clock */
    coop_tick_t due;
};

static coop_status_t sleeper_fn(coop_task_t *task)
{
    struct sleeper *s = COOP_CONTAINER_OF(task, struct sleeper, task);
    coop_tick_t now;
    ASYNC(task);
    while (s->wakes < s->count) {
        /* the first sleep counts from the pass's time; each later one from
         * the tick the task was due (periodic sleeps do not drift, so a late
         * wake-up does not move the next deadline) */
        s->due = coop_tick_add(s->wakes == 0 ? coop_loop_now(coop_task_loop(task)) : s->due,
                               coop_ticks_from_ms(s->period_ms));
        AWAIT_SLEEP_MS(s->period_ms);
        now = coop_port_now();
        if (!coop_tick_reached(now, s->due) || !coop_tick_reached(coop_loop_now(coop_task_loop(task)), s->due))
            s->early++;
        s->wakes++;
    }
    ASYNC_END;
}

/* Three tasks sleep 20/50/100 ms periods for 1 s of real time: the process
 * must sleep in the kernel (CPU < 5 % of wall time, at most one idle per
 * distinct wake time), wake each task the right number of times, and never
 * before its deadline. How late it wakes is the machine's business: not
 * asserted (a loaded machine wakes it late, and late wakes merge idles). */
START_TEST(test_sleep_uses_no_cpu)
{
    static coop_loop_t loop;
    static struct sleeper s[3];
    static const uint32_t periods[3] = { 20, 50, 100 };
    long long w0, c0, wall, cpu;
    int i, rc;

    memset(s, 0, sizeof s);
    coop_loop_init(&loop);
    for (i = 0; i < 3; i++) {
        s[i].period_ms = periods[i];
        s[i].count = 1000u / periods[i];
        ck_assert_int_eq(coop_task_spawn(&loop, &s[i].task, sleeper_fn), COOP_OK);
    }
    w0 = wall_us();
    c0 = cpu_us();
    rc = coop_loop_run(&loop);
    cpu = cpu_us() - c0;
    wall = wall_us() - w0;
    ck_assert_int_eq(rc, COOP_OK);
    for (i = 0; i < 3; i++) {
        ck_assert_uint_eq(s[i].wakes, 1000u / periods[i]);
        ck_assert_uint_eq(s[i].early, 0);
    }
    ck_assert_msg(wall >= 1000000 && wall < HANG_MS * 1000LL, "ran %lld us, want 1 s at least", wall);
    ck_assert_msg(cpu * 20 < wall, "CPU %lld us in %lld us of wall time (>= 5 %%)", cpu, wall);
    /* 80 wakes at no more than 60 distinct times (fewer when late wakes
     * merge): a port that returned from idle without sleeping would idle
     * thousands of times */
    ck_assert_msg(loop.idles >= 1 && loop.idles <= 90, "idled %u times", (unsigned)loop.idles);
}
END_TEST

/* Idle sleeps until the deadline's tick and not less; a deadline reached
 * already returns at once: without sleeping (no voluntary context switch,
 * however long a loaded machine takes to get there). */
START_TEST(test_idle_until_deadline)
{
    coop_tick_t t0 = coop_port_now(), deadline = coop_tick_add(t0, coop_ticks_from_ms(30));
    long long w0 = wall_us();
    long v0 = vcsw();
    ck_assert(coop_port_idle(true, deadline));
    while (!coop_tick_reached(coop_port_now(), deadline)) /* may return early: then again */
        ck_assert(coop_port_idle(true, deadline));
    ck_assert(wall_us() - w0 >= 29000);
    ck_assert_msg(vcsw() > v0, "idle reached a deadline 30 ms away without sleeping");
    v0 = vcsw();
    ck_assert(coop_port_idle(true, t0)); /* in the past */
    ck_assert(coop_port_idle(true, coop_port_now()));
    ck_assert_msg(vcsw() == v0, "idle slept %ld times for a deadline already reached", vcsw() - v0);
}
END_TEST

struct joiner {
    coop_task_t task;
    coop_task_t *other;
};

static coop_status_t joiner_fn(coop_task_t *task)
{
    struct joiner *j = COOP_CONTAINER_OF(task, struct joiner, task);
    ASYNC(task);
    AWAIT_JOIN(j->other);
    ASYNC_END;
}

/* No deadline, no keyboard, no script: nothing can wake the loop, so idle
 * says so at once, without sleeping, and the loop ends with COOP_EDEADLK. */
START_TEST(test_idle_without_wake_source)
{
    static coop_loop_t loop;
    static struct joiner a, b;
    long v0 = vcsw();
    ck_assert(!coop_port_idle(false, 0));
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.other = &b.task;
    b.other = &a.task;
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &a.task, joiner_fn);
    coop_task_spawn(&loop, &b.task, joiner_fn);
    ck_assert_int_eq(coop_loop_run(&loop), COOP_EDEADLK);
    ck_assert_msg(vcsw() == v0, "slept %ld times with nothing that could wake it", vcsw() - v0);
}
END_TEST

/* ------------------------------------------------------------ (b) terminal */

static coop_loop_t pty_loop;
static coop_task_t pty_task;

/* In the child: blink LED1, and trip an assert when BUTTON4 (key 4) is pressed. */
static coop_status_t pty_blink_fn(coop_task_t *task)
{
    ASYNC(task);
    for (;;) {
        coop_pin_toggle(BOARD_LED1);
        COOP_ASSERT(coop_pin_read(BOARD_BUTTON4), "pty child: asserting on purpose");
        AWAIT_SLEEP_MS(20);
    }
    ASYNC_END;
}

static void pty_child(void)
{
    coop_board_init();
    coop_pin_output(BOARD_LED1, false);
    coop_pin_input(BOARD_BUTTON4, COOP_PULL_UP);
    coop_board_printf("ready");
    coop_loop_init(&pty_loop);
    coop_task_spawn(&pty_loop, &pty_task, pty_blink_fn);
    coop_loop_run(&pty_loop);
    _exit(3); /* the loop never ends by itself */
}

static const tcflag_t lflags = ICANON | ECHO | ISIG | IEXTEN;

/* Run pty_child on a new pseudo-terminal (openpty + fork + login_tty, which
 * is forkpty with the slave kept open here to read its modes afterwards),
 * wait for "ready", check raw mode, deliver `keys` (or `sig` when keys is
 * NULL), and return the exit status; the modes must then be the original ones. */
static int pty_run(const char *keys, int sig, char *out, size_t cap)
{
    int master, slave, status = 0;
    struct termios before, during, after;
    size_t len = 0;
    pid_t pid;
    long long end;

    out[0] = '\0';
    ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
    ck_assert_int_eq(tcgetattr(slave, &before), 0);
    ck_assert((before.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT };
        struct rlimit nocore;
        size_t i;
        /* a fork keeps the handlers Check's runner installed (its SIGTERM
         * handler kills the test's process group); a real program starts
         * with the defaults, and the port only takes over default ones */
        for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
            signal(sigs[i], SIG_DFL);
        nocore.rlim_cur = 0;
        nocore.rlim_max = 0;
        setrlimit(RLIMIT_CORE, &nocore); /* the SIGABRT case */
        alarm(2 * HANG_MS / 1000);       /* never outlive a failed test */
        close(master);
        if (login_tty(slave) != 0)
            _exit(90);
        pty_child();
    }
    end = wall_us() + HANG_MS * 1000LL;
    while (strstr(out, "ready") == NULL && wall_us() < end)
        drain(master, out, cap, &len, 20);
    ck_assert_msg(strstr(out, "ready") != NULL, "the child never got ready: \"%s\"", out);
    ck_assert_int_eq(tcgetattr(slave, &during), 0);
    ck_assert_msg((during.c_lflag & (ICANON | ECHO)) == 0, "raw mode not set");
    drain(master, out, cap, &len, 60); /* let it blink a little */
    if (keys != NULL)
        ck_assert_int_eq(write(master, keys, strlen(keys)), (int)strlen(keys));
    else
        kill(pid, sig);
    ck_assert_msg(wait_child(pid, master, out, cap, &len, HANG_MS, &status), "the child did not end");
    while (drain(master, out, cap, &len, 0) > 0) {
    }
    ck_assert_int_eq(tcgetattr(slave, &after), 0);
    ck_assert_msg((after.c_lflag & lflags) == (before.c_lflag & lflags), "local modes not restored");
    ck_assert_msg(after.c_iflag == before.c_iflag, "input modes not restored");
    ck_assert_msg(after.c_oflag == before.c_oflag, "output modes not restored");
    ck_assert_int_eq(after.c_cc[VMIN], before.c_cc[VMIN]);
    ck_assert_int_eq(after.c_cc[VTIME], before.c_cc[VTIME]);
    /* the status line was drawn and the cursor shown again */
    ck_assert_msg(strstr(out, "LED1") != NULL, "no status line in \"%s\"", out);
    ck_assert_msg(strstr(out, "\033[?25h") != NULL, "cursor not shown again");
    close(master);
    close(slave);
    return status;
}

static char pty_out[16384];

START_TEST(test_terminal_q)
{
    int st = pty_run("q", 0, pty_out, sizeof pty_out);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", (unsigned)st);
}
END_TEST

START_TEST(test_terminal_ctrl_c)
{
    int st = pty_run("\003", 0, pty_out, sizeof pty_out);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status 0x%x", (unsigned)st);
}
END_TEST

START_TEST(test_terminal_sigterm)
{
    int st = pty_run(NULL, SIGTERM, pty_out, sizeof pty_out);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status 0x%x", (unsigned)st);
}
END_TEST

START_TEST(test_terminal_sighup)
{
    int st = pty_run(NULL, SIGHUP, pty_out, sizeof pty_out);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP, "status 0x%x", (unsigned)st);
}
END_TEST

START_TEST(test_terminal_assert)
{
    int st = pty_run("4", 0, pty_out, sizeof pty_out);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status 0x%x", (unsigned)st);
    ck_assert_msg(strstr(pty_out, "check_host.c:") != NULL &&
                      strstr(pty_out, ": pty child: asserting on purpose") != NULL,
                  "no file:line: message in \"%s\"", pty_out);
}
END_TEST

/* ------------------------------------------------------------ (c) scripts */

static coop_loop_t script_loop;
struct watcher {
    coop_task_t task;
    unsigned shown; /* bit b: BUTTON b+1 seen pressed */
};
static struct watcher watcher;

/* In the child: report every change of the four buttons, sampled each ms. */
static coop_status_t watch_fn(coop_task_t *task)
{
    struct watcher *w = COOP_CONTAINER_OF(task, struct watcher, task);
    unsigned b, pressed;
    ASYNC(task);
    for (;;) {
        pressed = 0;
        for (b = 0; b < 4; b++)
            if (!coop_pin_read((coop_pin_t)(BOARD_BUTTON1 + b)))
                pressed |= 1u << b;
        for (b = 0; b < 4; b++)
            if (((pressed ^ w->shown) >> b) & 1u)
                coop_board_printf("BUTTON%u %s", b + 1, ((pressed >> b) & 1u) ? "down" : "up");
        w->shown = pressed;
        AWAIT_SLEEP_MS(1);
    }
    ASYNC_END;
}

static void script_child(const char *script)
{
    unsigned b;
    coop_board_init();
    coop_board_demo_script(script);
    for (b = 0; b < 4; b++)
        coop_pin_input((coop_pin_t)(BOARD_BUTTON1 + b), COOP_PULL_UP);
    coop_pin_input(10, COOP_PULL_DOWN);
    coop_pin_output(BOARD_LED1, true);
    /* released buttons read high (pull-up), a pulled-down pin low, an output its value */
    coop_board_printf("pins %s", coop_pin_read(BOARD_BUTTON1) && !coop_pin_read(10) &&
                                         coop_pin_read(BOARD_LED1) ? "ok" : "wrong");
    coop_pin_toggle(BOARD_LED1);
    coop_loop_init(&script_loop);
    coop_task_spawn(&script_loop, &watcher.task, watch_fn);
    coop_loop_run(&script_loop);
    _exit(3);
}

/* Run script_child with stdin /dev/null and stdout+stderr into a pipe. */
static int script_run(const char *script, const char *env, char *out, size_t cap)
{
    int fds[2], status = 0;
    size_t len = 0;
    pid_t pid;
    out[0] = '\0';
    ck_assert_int_eq(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        alarm(2 * HANG_MS / 1000);
        close(fds[0]);
        if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
            _exit(90);
        if (env != NULL)
            setenv("COOP_HOST_KEYS", env, 1);
        else
            unsetenv("COOP_HOST_KEYS");
        script_child(script);
    }
    close(fds[1]);
    ck_assert_msg(wait_child(pid, fds[0], out, cap, &len, HANG_MS, &status), "the child did not end");
    while (drain(fds[0], out, cap, &len, 100) > 0) {
    }
    close(fds[0]);
    return status;
}

/* The time of the first timeline line whose text is `text` after position
 * `from`; -1 if none. Checks the "[%7lu ms] " format on the way. */
static long line_time(const char *out, const char *text, const char **from)
{
    const char *p = from != NULL && *from != NULL ? *from : out;
    size_t n = strlen(text);
    while ((p = strstr(p, text)) != NULL) {
        const char *bol = p;
        while (bol > out && bol[-1] != '\n')
            bol--;
        if (p - bol == 13 && bol[0] == '[' && strncmp(bol + 8, " ms] ", 5) == 0 &&
            (p[n] == '\n' || p[n] == '\0')) {
            if (from != NULL)
                *from = p + n;
            return strtol(bol + 1, NULL, 10);
        }
        p += n;
    }
    return -1;
}

static char script_out[16384];

/* Keys play at their times (never early) and in order, each holds its button
 * for COOP_HOST_PRESS_MS (its release is never early either), malformed items
 * are skipped with a warning, q exits 0. Lines print when the loop gets to
 * them: on a loaded machine late, so only order and "not before" are
 * asserted. */
START_TEST(test_script_timing)
{
    static const long at[4] = { 40, 120, 200, 280 };
    static const char *const keys[4] = { "key 1 (BUTTON1)", "key 2 (BUTTON2)", "key 3 (BUTTON3)",
                                         "key 4 (BUTTON4)" };
    static const char *const downs[4] = { "BUTTON1 down", "BUTTON2 down", "BUTTON3 down", "BUTTON4 down" };
    static const char *const ups[4] = { "BUTTON1 up", "BUTTON2 up", "BUTTON3 up", "BUTTON4 up" };
    const char *pos = NULL;
    long t, q;
    int i;
    int st = script_run("40:1 bad 120:2 200:3  7x:4 280:4 400:q", NULL, script_out, sizeof script_out);

    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x: %s", (unsigned)st, script_out);
    ck_assert_msg(strstr(script_out, "skipping \"bad\"") != NULL, "%s", script_out);
    ck_assert_msg(strstr(script_out, "skipping \"7x:4\"") != NULL, "%s", script_out);
    ck_assert_msg(strstr(script_out, "pins ok") != NULL, "%s", script_out);
    /* LED1 on, then off, before the first key */
    pos = NULL;
    ck_assert_msg(line_time(script_out, "LED1 on", &pos) >= 0 && line_time(script_out, "LED1 off", &pos) >= 0 &&
                      line_time(script_out, keys[0], &pos) >= 0,
                  "want LED1 on, LED1 off, then %s: %s", keys[0], script_out);
    pos = NULL;
    for (i = 0; i < 4; i++) {
        const char *key_pos, *down_pos;
        t = line_time(script_out, keys[i], &pos); /* in order */
        ck_assert_msg(t >= at[i], "%s at %ld, want %ld or later: %s", keys[i], t, at[i], script_out);
        key_pos = pos;
        down_pos = key_pos;
        t = line_time(script_out, downs[i], &down_pos); /* after its key */
        ck_assert_msg(t >= at[i], "%s at %ld, want %ld or later, after its key: %s", downs[i], t, at[i],
                      script_out);
        t = line_time(script_out, ups[i], &down_pos); /* after it went down */
        ck_assert_msg(t >= at[i] + COOP_HOST_PRESS_MS, "%s at %ld, want %ld or later, after it went down: %s",
                      ups[i], t, at[i] + COOP_HOST_PRESS_MS, script_out);
    }
    q = line_time(script_out, "key q (quit)", &pos);
    ck_assert_msg(q >= 400, "quit at %ld, want 400 or later, after key 4", q);
    ck_assert_msg(pos != NULL && strchr(pos, '[') == NULL, "output after quit: %s", pos);
}
END_TEST

/* COOP_HOST_KEYS replaces the demo script. */
START_TEST(test_script_env_replaces)
{
    long t;
    int st = script_run("10:1 500:q", "30:2 90:q", script_out, sizeof script_out);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x: %s", (unsigned)st, script_out);
    ck_assert_msg(strstr(script_out, "BUTTON1") == NULL, "the demo script played: %s", script_out);
    t = line_time(script_out, "BUTTON2 down", NULL);
    ck_assert_msg(t >= 30, "BUTTON2 down at %ld, want 30 or later: %s", t, script_out);
    t = line_time(script_out, "key q (quit)", NULL);
    ck_assert_msg(t >= 90, "quit at %ld, want 90 or later: %s", t, script_out);
}
END_TEST

Suite *coop_host_suite(void)
{
    Suite *s = suite_create("host");
    TCase *tc = tcase_create("clock");
    tcase_set_timeout(tc, 3 * HANG_MS / 1000);
    tcase_add_test(tc, test_sleep_uses_no_cpu);
    tcase_add_test(tc, test_idle_until_deadline);
    tcase_add_test(tc, test_idle_without_wake_source);
    suite_add_tcase(s, tc);

    tc = tcase_create("terminal");
    tcase_set_timeout(tc, 3 * HANG_MS / 1000);
    tcase_add_test(tc, test_terminal_q);
    tcase_add_test(tc, test_terminal_ctrl_c);
    tcase_add_test(tc, test_terminal_sigterm);
    tcase_add_test(tc, test_terminal_sighup);
    tcase_add_test(tc, test_terminal_assert);
    suite_add_tcase(s, tc);

    tc = tcase_create("script");
    tcase_set_timeout(tc, 3 * HANG_MS / 1000);
    tcase_add_test(tc, test_script_timing);
    tcase_add_test(tc, test_script_env_replaces);
    suite_add_tcase(s, tc);
    return s;
}
