/* ports/host_board.h - the host port's board: the terminal is the board.
 * Part of ports/host.h (include that): the LEDs drawn in a status line, the
 * buttons pressed with the keys 1..4 or by a script, their edges as
 * interrupts, coop_board_printf. ports/host.h is the port's contract (idle,
 * assert) on the POSIX base (ports/posix.h); this file is what the idle asks
 * of the board: coop_priv_host_poll (take in keys and due events),
 * coop_priv_host_next_event_ns (when the next is due), coop_priv_host_keys_fd
 * (the keyboard to watch) and coop_priv_host_read_keys (it was readable).
 *
 * The board (same contract on every port):
 *   pins     BOARD_LED1 = 1, BOARD_LED2 = 2, BOARD_BUTTON1..4 = 3..6 (the
 *            guide's D1..D6); any pin below COOP_HOST_PINS may be used.
 *   buttons  active low with a pull-up: a pressed button reads false.
 *   output   stdout a terminal: one status line redrawn in place, for example
 *              LED1 (*)  LED2 ( )   buttons 1[ ] 2[x] 3[ ] 4[ ]   keys 1-4, q quits
 *            and coop_board_printf lines scroll above it. stdout a file or a
 *            pipe: a timeline (ms since coop_board_init), one line per LED
 *            change or message, flushed at once (so `| tee log` is live)
 *              [    250 ms] LED1 off
 *              [    260 ms] LED1 interval is now 600 ms
 * Keyboard (stdin a terminal, program in the foreground): coop_board_init
 * puts the terminal in raw mode (no echo, keys unbuffered; output processing
 * kept). Keys 1..4 press BUTTON1..4 for COOP_HOST_PRESS_MS, q quits (exit
 * status 0), Ctrl-C ends the program by SIGINT (as a shell's Ctrl-C would:
 * status 130 in the shell), Ctrl-\ by SIGQUIT, Ctrl-Z suspends. The terminal
 * is restored on every way out: return from main or exit() (atexit), q,
 * Ctrl-C, SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGABRT (restored, then the signal is
 * raised again with its default action), and a failed COOP_ASSERT.
 * Scripts (stdin not a terminal): coop_board_demo_script("500:1 900:q") plays
 * keys at their times, in ms after coop_board_init: "T:K" items separated
 * by spaces, K one of 1 2 3 4 q, or "T:K~" for a press with contact bounce
 * (coop/board.h). A key while its button is down holds it longer. Each
 * played key prints "key 1 (BUTTON1)" (typed keys too, when stdout is a
 * timeline), or "key 1 (BUTTON1, bouncing)".
 * With a person at the keyboard the demo script is not played. The
 * environment variable COOP_HOST_KEYS, if set, replaces the demo script and
 * is played in every case (also in a terminal, and without a demo script).
 *
 * Edge interrupts (COOP_PIN_IRQS 1, coop_pin_on_edge): BUTTON1..4, the only
 * pins whose level changes here (other pins: COOP_EINVAL). Each change of a
 * button's level (a press, its release, each chatter of a bouncy press, at
 * its time: idle wakes for them) is queued and the port raises a real signal,
 * COOP_HOST_EDGE_SIGNAL (default SIGUSR2: attach your own interrupts to
 * others), whose handler calls the edge handlers on the loop's thread,
 * outside the critical section: as soon as interrupts are unmasked (the
 * loop's idle usually detects the edge with signals blocked, so the handler
 * runs when idle returns; a task reading a pin may see it run inside
 * coop_pin_read).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_HOST_BOARD_H
#define COOP_PORT_HOST_BOARD_H

#ifndef COOP_PORT_HOST_H
#error "ports/host_board.h is part of the host port: #include \"host.h\""
#endif

/* COOP_CONFIG: COOP_HOST_PRESS_MS, int, 100. How long a key holds its button down. */
#ifndef COOP_HOST_PRESS_MS
#define COOP_HOST_PRESS_MS 100
#endif
/* COOP_CONFIG: COOP_HOST_PINS, int, 32. Pins 0..COOP_HOST_PINS-1 exist. */
#ifndef COOP_HOST_PINS
#define COOP_HOST_PINS 32
#endif
#if COOP_HOST_PINS < 7 || COOP_HOST_PINS > 256
#error "coop host port: COOP_HOST_PINS must be between 7 and 256"
#endif

/* The board (coop/board.h): two LEDs and four buttons, like the guide's D1..D6. */
#define BOARD_LED1 ((coop_pin_t)1)
#define BOARD_LED2 ((coop_pin_t)2)
#define BOARD_BUTTON1 ((coop_pin_t)3)
#define BOARD_BUTTON2 ((coop_pin_t)4)
#define BOARD_BUTTON3 ((coop_pin_t)5)
#define BOARD_BUTTON4 ((coop_pin_t)6)

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_HOST_BOARD_IMPLEMENTED
#define COOP_PORT_HOST_BOARD_IMPLEMENTED

#include <stdlib.h>
#include <termios.h>

enum { COOP_PRIV_PIN_UNUSED, COOP_PRIV_PIN_OUT, COOP_PRIV_PIN_IN };

static struct coop_priv_host {
    uint64_t board_ns;        /* the board's zero: the first coop_board_init */
    bool inited;              /* the terminal was looked at */
    bool kbd;                 /* keys come from a terminal on stdin */
    bool tty_out;             /* stdout shows a status line */
    bool from_env;            /* the script is COOP_HOST_KEYS */
    uint8_t mode[COOP_HOST_PINS];
    uint8_t pull[COOP_HOST_PINS];
    bool value[COOP_HOST_PINS];
    struct {                  /* BUTTONn's last press: coop_priv_board_press() */
        bool active;          /* pressed, or still chattering */
        bool bouncy;
        uint64_t press_ns;    /* when it began */
        uint32_t hold_ms;     /* how long it is held */
        uint32_t done_ms;     /* edges: its changes up to here are reported */
    } btn[4];
    unsigned shown;           /* pressed buttons the status line shows */
    const char *script;       /* the items after the next one */
    bool has_next;            /* the next scripted key: */
    bool next_bouncy;
    uint64_t next_ms;
    char next_key;
} coop_priv_host;

/* Read by the signal handlers, hence volatile sig_atomic_t. */
static volatile sig_atomic_t coop_priv_host_raw;    /* termios to restore */
static volatile sig_atomic_t coop_priv_host_cursor; /* cursor hidden */
static struct termios coop_priv_host_orig;

/* Give the terminal back. Async-signal-safe (handlers call it), idempotent. */
static void coop_priv_host_restore(void)
{
    if (coop_priv_host_raw) {
        coop_priv_host_raw = 0;
        tcsetattr(STDIN_FILENO, TCSANOW, &coop_priv_host_orig);
    }
    if (coop_priv_host_cursor) {
        static const char show[] = "\033[?25h\n"; /* cursor on, leave the status line */
        ssize_t r;
        coop_priv_host_cursor = 0;
        r = write(STDOUT_FILENO, show, sizeof show - 1);
        (void)r;
    }
}

static void coop_priv_host_at_exit(void)
{
    fflush(stdout);
    coop_priv_host_restore();
}

/* Installed with SA_RESETHAND: the signal's default action is back when the
 * handler runs, and the raised signal is delivered when it returns. */
static void coop_priv_host_on_signal(int sig)
{
    coop_priv_host_restore();
    raise(sig);
}

static void coop_priv_host_raw_mode(void)
{
    struct termios raw = coop_priv_host_orig;
    raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ISIG | IEXTEN);
    raw.c_iflag &= (tcflag_t) ~(IXON | ICRNL);
    raw.c_cc[VMIN] = 0; /* read() returns at once, with what there is */
    raw.c_cc[VTIME] = 0;
    coop_priv_host_raw = 1; /* before the change: restoring early is harmless */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
        coop_priv_host_raw = 0;
}

static const char *coop_priv_host_name(coop_pin_t pin, char *buf, size_t size)
{
    if (pin == BOARD_LED1 || pin == BOARD_LED2)
        snprintf(buf, size, "LED%u", (unsigned)(pin - BOARD_LED1 + 1));
    else if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4)
        snprintf(buf, size, "BUTTON%u", (unsigned)(pin - BOARD_BUTTON1 + 1));
    else
        snprintf(buf, size, "D%u", (unsigned)pin);
    return buf;
}

/* Is BUTTONn (b = n - 1) down at time `ns` (not before its last press)?
 * *next_ms as coop_priv_board_press. */
static bool coop_priv_host_down(unsigned b, uint64_t ns, uint32_t *next_ms)
{
    *next_ms = 0;
    if (!coop_priv_host.btn[b].active)
        return false;
    return coop_priv_board_press((uint32_t)((ns - coop_priv_host.btn[b].press_ns) / COOP_PRIV_POSIX_NS_PER_MS),
                                 coop_priv_host.btn[b].hold_ms, coop_priv_host.btn[b].bouncy, next_ms);
}

/* Buttons (bit n = BUTTON n+1) pressed at time `ns`. */
static unsigned coop_priv_host_pressed(uint64_t ns)
{
    unsigned b, set = 0;
    uint32_t next;
    for (b = 0; b < 4; b++)
        if (coop_priv_host_down(b, ns, &next))
            set |= 1u << b;
    return set;
}

static void coop_priv_host_status(void)
{
    char line[512], name[16];
    size_t n = 0;
    unsigned pin;
    bool inputs = false;
    unsigned pressed = coop_priv_host_pressed(coop_priv_posix_ns());

    coop_priv_host.shown = pressed;
    n += (size_t)snprintf(line + n, sizeof line - n, "\r\033[K");
    for (pin = 0; pin < COOP_HOST_PINS && n < sizeof line - 64; pin++) {
        if (coop_priv_host.mode[pin] == COOP_PRIV_PIN_OUT) {
            bool on = coop_priv_host.value[pin];
            n += (size_t)snprintf(line + n, sizeof line - n, "%s \033[1;%um(%c)\033[0m  ",
                                  coop_priv_host_name((coop_pin_t)pin, name, sizeof name),
                                  31u + (pin + 5u) % 6u, on ? '*' : ' '); /* LED1 red, LED2 green, ... */
        } else if (coop_priv_host.mode[pin] == COOP_PRIV_PIN_IN) {
            inputs = true;
        }
    }
    if (inputs) {
        n += (size_t)snprintf(line + n, sizeof line - n, " buttons");
        for (pin = 0; pin < COOP_HOST_PINS && n < sizeof line - 64; pin++) {
            if (coop_priv_host.mode[pin] != COOP_PRIV_PIN_IN)
                continue;
            if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4) {
                bool down = (pressed >> (pin - BOARD_BUTTON1)) & 1u;
                n += (size_t)snprintf(line + n, sizeof line - n, " %u%s", pin - BOARD_BUTTON1 + 1u,
                                      down ? "\033[7m[x]\033[0m" : "[ ]");
            } else {
                n += (size_t)snprintf(line + n, sizeof line - n, " D%u", pin);
            }
        }
    }
    if (coop_priv_host.kbd && n < sizeof line - 64)
        n += (size_t)snprintf(line + n, sizeof line - n, "   keys 1-4, q quits");
    fputs(line, stdout);
    fflush(stdout);
}

/* One line for the user: above the status line, or on the timeline. */
static void coop_priv_host_line(const char *text)
{
    if (coop_priv_host.tty_out) {
        printf("\r\033[K%s\n", text);
        coop_priv_host_status();
    } else {
        printf("[%7lu ms] %s\n",
               (unsigned long)((coop_priv_posix_ns() - coop_priv_host.board_ns) / COOP_PRIV_POSIX_NS_PER_MS), text);
        fflush(stdout);
    }
}

/* Raise `sig` now, even inside the critical section (which blocks it). */
static void coop_priv_host_raise(int sig)
{
    sigset_t one, old;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, &old);
    raise(sig);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Ctrl-C and Ctrl-\: end the way the terminal would have ended us. */
static void coop_priv_host_die(int sig)
{
    fflush(stdout);
    coop_priv_host_restore();
    signal(sig, SIG_DFL);
    coop_priv_host_raise(sig);
    exit(128 + sig); /* not reached */
}

/* ---------------------------------------------------------------- edges */
#if COOP_PIN_IRQS
/* COOP_CONFIG: COOP_HOST_EDGE_SIGNAL, int, SIGUSR2. The signal that delivers pin edges. */
#ifndef COOP_HOST_EDGE_SIGNAL
#define COOP_HOST_EDGE_SIGNAL SIGUSR2
#endif
/* Written by the loop's thread with every signal blocked; the signal handler
 * runs on the same thread only when they are not: never both at once. */
static struct {
    coop_pin_edge_cb isr[4];  /* BUTTON1..4's handlers */
    uint8_t edges[4];         /* COOP_EDGE_RISING | COOP_EDGE_FALLING */
    bool level[4];            /* the level of the last edge */
    bool installed;           /* the signal handler is */
    struct { uint8_t b; bool level; } queue[64];
    volatile unsigned head, tail; /* head: the loop's, tail: the handler's */
} coop_priv_host_edge;

static void coop_priv_host_edge_signal(int sig)
{
    int saved = errno;
    (void)sig;
    while (coop_priv_host_edge.tail != coop_priv_host_edge.head) {
        unsigned i = coop_priv_host_edge.tail % 64u;
        coop_pin_edge_cb isr = coop_priv_host_edge.isr[coop_priv_host_edge.queue[i].b];
        coop_pin_t pin = (coop_pin_t)(BOARD_BUTTON1 + coop_priv_host_edge.queue[i].b);
        bool level = coop_priv_host_edge.queue[i].level;
        coop_priv_host_edge.tail = coop_priv_host_edge.tail + 1u; /* not ++: deprecated on volatile in C++20 */
        if (isr != NULL)
            isr(pin, level);
    }
    errno = saved;
}

static bool coop_priv_host_level(coop_pin_t pin, uint64_t ns);

/* BUTTONn's level may have changed at `ns`: if it did and its handler wants
 * the edge, queue it and raise the signal. True if queued. */
static bool coop_priv_host_edge_at(unsigned b, uint64_t ns)
{
    bool level;
    coop_irq_state_t s;
    if (coop_priv_host_edge.isr[b] == NULL)
        return false;
    level = coop_priv_host_level((coop_pin_t)(BOARD_BUTTON1 + b), ns);
    if (level == coop_priv_host_edge.level[b])
        return false;
    coop_priv_host_edge.level[b] = level;
    if ((coop_priv_host_edge.edges[b] & (level ? COOP_EDGE_RISING : COOP_EDGE_FALLING)) == 0)
        return false;
    s = coop_port_irq_save(); /* the handler must not run while we queue */
    if (coop_priv_host_edge.head - coop_priv_host_edge.tail < 64u) {
        unsigned i = coop_priv_host_edge.head % 64u;
        coop_priv_host_edge.queue[i].b = (uint8_t)b;
        coop_priv_host_edge.queue[i].level = level;
        coop_priv_host_edge.head = coop_priv_host_edge.head + 1u;
        raise(COOP_HOST_EDGE_SIGNAL); /* pending until the mask goes */
    }
    coop_port_irq_restore(s);
    return true;
}

/* Queue BUTTONn's edges up to `ns`, each at its own time. True if any. */
static bool coop_priv_host_edges_upto(unsigned b, uint64_t ns)
{
    bool any = false;
    uint32_t next;
    while (coop_priv_host.btn[b].active && coop_priv_host_edge.isr[b] != NULL) {
        uint64_t when;
        (void)coop_priv_board_press(coop_priv_host.btn[b].done_ms, coop_priv_host.btn[b].hold_ms,
                                    coop_priv_host.btn[b].bouncy, &next);
        when = coop_priv_host.btn[b].press_ns + (uint64_t)next * COOP_PRIV_POSIX_NS_PER_MS;
        if (next == 0 || when > ns)
            break;
        coop_priv_host.btn[b].done_ms = next;
        any |= coop_priv_host_edge_at(b, when);
    }
    return any;
}

/* When the next edge of a button with a handler is due; false if none. */
static bool coop_priv_host_next_edge(uint64_t *when)
{
    unsigned b;
    bool any = false;
    for (b = 0; b < 4; b++) {
        uint32_t next;
        uint64_t t;
        if (!coop_priv_host.btn[b].active || coop_priv_host_edge.isr[b] == NULL)
            continue;
        (void)coop_priv_board_press(coop_priv_host.btn[b].done_ms, coop_priv_host.btn[b].hold_ms,
                                    coop_priv_host.btn[b].bouncy, &next);
        t = coop_priv_host.btn[b].press_ns + (uint64_t)next * COOP_PRIV_POSIX_NS_PER_MS;
        if (next != 0 && (!any || t < *when)) {
            *when = t;
            any = true;
        }
    }
    return any;
}
#else
#define coop_priv_host_edge_at(b, ns) false
#define coop_priv_host_edges_upto(b, ns) false
#endif

/* A key, from the keyboard or the script (then `at_ns` is its script time). */
static void coop_priv_host_key(int key, uint64_t at_ns, bool scripted, bool bouncy)
{
    char text[48];
    if (key >= '1' && key <= '4') {
        unsigned b = (unsigned)(key - '1');
        uint32_t dt;
        (void)coop_priv_host_edges_upto(b, at_ns); /* what happened before this key */
        dt = (uint32_t)((at_ns - coop_priv_host.btn[b].press_ns) / COOP_PRIV_POSIX_NS_PER_MS);
        if (coop_priv_host.btn[b].active && dt < coop_priv_host.btn[b].hold_ms) {
            coop_priv_host.btn[b].hold_ms = dt + COOP_HOST_PRESS_MS; /* still down: held longer */
        } else {
            coop_priv_host.btn[b].active = true;
            coop_priv_host.btn[b].bouncy = bouncy;
            coop_priv_host.btn[b].press_ns = at_ns;
            coop_priv_host.btn[b].hold_ms = COOP_HOST_PRESS_MS;
            coop_priv_host.btn[b].done_ms = 0;
            (void)coop_priv_host_edge_at(b, at_ns);
        }
        if (scripted || !coop_priv_host.tty_out) { /* typed keys too, on a timeline */
            snprintf(text, sizeof text, "key %c (BUTTON%c%s)", key, key, bouncy ? ", bouncing" : "");
            coop_priv_host_line(text);
        }
    } else if (key == 'q' || key == 'Q') {
        if (scripted || !coop_priv_host.tty_out)
            coop_priv_host_line("key q (quit)");
        exit(0);
    } else if (key == 0x03) {
        coop_priv_host_die(SIGINT);
    } else if (key == 0x1c) {
        coop_priv_host_die(SIGQUIT);
    } else if (key == 0x1a && coop_priv_host_raw) {
        fflush(stdout);
        coop_priv_host_restore(); /* Ctrl-Z: suspend like a cooked terminal */
        coop_priv_host_raise(SIGTSTP);
        coop_priv_host_raw_mode(); /* continued */
        if (coop_priv_host.tty_out) {
            fputs("\033[?25l", stdout);
            coop_priv_host_cursor = 1;
            coop_priv_host_status();
        }
    }
}

/* The next "T:K" item of *s (coop_board_script_next): 1 with an event (2:
 * a bouncy press), 0 at the end. Malformed items are skipped (with a warning
 * when `warn`). */
static int coop_priv_host_parse(const char **s, uint64_t *ms, char *key, bool warn)
{
    for (;;) {
        uint32_t t = 0;
        const char *bad = *s;
        int r = coop_board_script_next(s, &t, key, &bad);
        if (r > 0)
            *ms = t;
        if (r >= 0)
            return r;
        if (warn)
            fprintf(stderr, "coop host: key script: skipping \"%.*s\" (want T:K or T:K~, K one of 1 2 3 4 q)\n",
                    (int)(*s - bad), bad);
    }
}

/* Read the next item of the script into next_*. */
static void coop_priv_host_next(void)
{
    int r = coop_priv_host_parse(&coop_priv_host.script, &coop_priv_host.next_ms,
                                 &coop_priv_host.next_key, false);
    coop_priv_host.has_next = r != 0;
    coop_priv_host.next_bouncy = r == 2;
}

static void coop_priv_host_set_script(const char *script)
{
    const char *p = script;
    uint64_t ms;
    char key;
    while (coop_priv_host_parse(&p, &ms, &key, true) != 0) {
    } /* warn about every bad item now */
    coop_priv_host.script = script;
    coop_priv_host_next();
}

/* When the next scripted key is due, in the clock's nanoseconds. */
static uint64_t coop_priv_host_event_ns(void)
{
    return coop_priv_host.board_ns + coop_priv_host.next_ms * COOP_PRIV_POSIX_NS_PER_MS;
}

/* Read the keys typed so far. `after_select`: stdin was reported readable,
 * so reading nothing means end of file (hang-up): stop reading it. */
static bool coop_priv_host_read_keys(bool after_select)
{
    unsigned char buf[32];
    ssize_t n, i;
    if (!coop_priv_host_raw) {
        /* a signal handler gave the terminal back (canonical mode: a read
         * would wait for a whole line) and the signal is about to end us */
        coop_priv_host.kbd = false;
        return false;
    }
    n = read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0) {
        if (errno != EINTR && errno != EAGAIN)
            coop_priv_host.kbd = false;
        return false;
    }
    if (n == 0) {
        if (after_select)
            coop_priv_host.kbd = false;
        return false;
    }
    for (i = 0; i < n; i++)
        coop_priv_host_key(buf[i], coop_priv_posix_ns(), false, false);
    return true;
}

/* Take in keys and due script events (and the edges up to now); end the
 * presses that are over; redraw what changed. True if any. */
static bool coop_priv_host_poll(void)
{
    bool any = false;
    unsigned b;
    uint64_t now;
    if (coop_priv_host.kbd)
        any = coop_priv_host_read_keys(false);
    while (coop_priv_host.has_next && coop_priv_posix_ns() >= coop_priv_host_event_ns()) {
        coop_priv_host_key(coop_priv_host.next_key, coop_priv_host_event_ns(), true,
                           coop_priv_host.next_bouncy);
        coop_priv_host_next();
        any = true;
    }
    now = coop_priv_posix_ns();
    for (b = 0; b < 4; b++) {
        uint32_t next;
        any |= coop_priv_host_edges_upto(b, now);
        if (!coop_priv_host_down(b, now, &next) && next == 0)
            coop_priv_host.btn[b].active = false; /* released, done chattering */
    }
    if (coop_priv_host.tty_out && coop_priv_host_pressed(now) != coop_priv_host.shown)
        coop_priv_host_status();
    return any;
}

/* For the idle: the keyboard's descriptor, or -1. */
static int coop_priv_host_keys_fd(void)
{
    return coop_priv_host.kbd ? STDIN_FILENO : -1;
}

/* For the idle: when the board's next event is due (a scripted key, a
 * button's edge), in the clock's ns; false if none. */
static bool coop_priv_host_next_event_ns(uint64_t *when)
{
    bool any = coop_priv_host.has_next;
    if (any)
        *when = coop_priv_host_event_ns();
#if COOP_PIN_IRQS
    {
        uint64_t edge = 0;
        if (coop_priv_host_next_edge(&edge) && (!any || edge < *when)) {
            *when = edge; /* a button's edge is due: be there */
            any = true;
        }
    }
#endif
    return any;
}

void coop_board_init(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT };
    const char *env, *term;
    unsigned i;

    uint64_t now_ns = coop_priv_posix_ns(); /* the clock starts now (if it has not yet) */
    for (i = 0; i < COOP_HOST_PINS; i++) {
        coop_priv_host.mode[i] = COOP_PRIV_PIN_UNUSED;
        coop_priv_host.value[i] = false;
    }
    if (coop_priv_host.inited)
        return;
    coop_priv_host.inited = true;
    coop_priv_host.board_ns = now_ns; /* scripts and the timeline count from here */

    term = getenv("TERM");
    coop_priv_host.tty_out = isatty(STDOUT_FILENO) && !(term != NULL && strcmp(term, "dumb") == 0);
    coop_priv_host.kbd = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() &&
                         tcgetattr(STDIN_FILENO, &coop_priv_host_orig) == 0;
    if (coop_priv_host.kbd || coop_priv_host.tty_out) {
        atexit(coop_priv_host_at_exit);
        for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
            struct sigaction old;
            if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL)
                continue; /* keep an ignored SIGHUP (nohup) ignored */
            coop_priv_posix_handle(sigs[i], coop_priv_host_on_signal, SA_RESETHAND);
        }
    }
    if (coop_priv_host.kbd) {
        coop_priv_host_raw_mode();
        coop_priv_host.kbd = coop_priv_host_raw != 0;
    }
    if (coop_priv_host.tty_out) {
        fputs("\033[?25l", stdout); /* hide the cursor while the status line is drawn */
        fflush(stdout);
        coop_priv_host_cursor = 1;
    }
    env = getenv("COOP_HOST_KEYS");
    if (env != NULL) {
        coop_priv_host.from_env = true;
        coop_priv_host_set_script(env);
    }
}

void coop_board_demo_script(const char *script)
{
    if (coop_priv_host.from_env || coop_priv_host.kbd || script == NULL)
        return; /* COOP_HOST_KEYS wins; a person at the keyboard plays instead */
    coop_priv_host_set_script(script);
}

static bool coop_priv_host_pin_ok(coop_pin_t pin)
{
    COOP_ASSERT(pin < COOP_HOST_PINS, "coop host: no such pin (raise COOP_HOST_PINS)");
    return pin < COOP_HOST_PINS;
}

static void coop_priv_host_set(coop_pin_t pin, bool value)
{
    char text[40], name[16];
    if (coop_priv_host.value[pin] == value)
        return;
    coop_priv_host.value[pin] = value;
    COOP_VCD_PIN(pin, value, coop_priv_host_name(pin, name, sizeof name)); /* ports/vcd.h */
    if (coop_priv_host.tty_out) {
        coop_priv_host_status();
    } else {
        snprintf(text, sizeof text, "%s %s", coop_priv_host_name(pin, name, sizeof name),
                 value ? "on" : "off");
        coop_priv_host_line(text);
    }
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    if (!coop_priv_host_pin_ok(pin))
        return;
    coop_priv_host.mode[pin] = COOP_PRIV_PIN_OUT;
    coop_priv_host_set(pin, value);
#if COOP_VCD
    {
        char name[16]; /* its first level, even when it is the default one */
        COOP_VCD_PIN(pin, value, coop_priv_host_name(pin, name, sizeof name));
    }
#endif
    if (coop_priv_host.tty_out)
        coop_priv_host_status();
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    if (!coop_priv_host_pin_ok(pin))
        return;
    COOP_ASSERT(coop_priv_host.mode[pin] == COOP_PRIV_PIN_OUT,
                "coop_pin_write: the pin is not an output (call coop_pin_output first)");
    if (coop_priv_host.mode[pin] == COOP_PRIV_PIN_OUT)
        coop_priv_host_set(pin, value);
}

void coop_pin_toggle(coop_pin_t pin)
{
    if (coop_priv_host_pin_ok(pin))
        coop_pin_write(pin, !coop_priv_host.value[pin]);
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    if (!coop_priv_host_pin_ok(pin))
        return;
    coop_priv_host.mode[pin] = COOP_PRIV_PIN_IN;
    coop_priv_host.pull[pin] = (uint8_t)pull;
    coop_priv_host.value[pin] = false;
    if (coop_priv_host.tty_out)
        coop_priv_host_status();
}

/* A pin's level at time `ns`. */
static bool coop_priv_host_level(coop_pin_t pin, uint64_t ns)
{
    uint32_t next;
    if (coop_priv_host.mode[pin] == COOP_PRIV_PIN_OUT)
        return coop_priv_host.value[pin];
    if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4 &&
        coop_priv_host_down((unsigned)(pin - BOARD_BUTTON1), ns, &next))
        return false; /* the button connects the pin to ground */
    return coop_priv_host.pull[pin] == COOP_PULL_UP;
}

bool coop_pin_read(coop_pin_t pin)
{
    if (!coop_priv_host_pin_ok(pin))
        return false;
    coop_priv_host_poll();
    return coop_priv_host_level(pin, coop_priv_posix_ns());
}

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
#if COOP_PIN_IRQS
    unsigned b = (unsigned)(pin - BOARD_BUTTON1);
    coop_irq_state_t s;
    COOP_ASSERT(edges >= 0 && edges <= COOP_EDGE_BOTH,
                "coop_pin_on_edge: edges is not COOP_EDGE_RISING, _FALLING or _BOTH");
    if (pin < BOARD_BUTTON1 || pin > BOARD_BUTTON4 || edges < 0 || edges > COOP_EDGE_BOTH)
        return COOP_EINVAL; /* only the buttons' levels change here */
    if (!coop_priv_host_edge.installed) {
        if (coop_priv_posix_handle(COOP_HOST_EDGE_SIGNAL, coop_priv_host_edge_signal, SA_RESTART) != 0)
            return COOP_EINVAL;
        coop_priv_host_edge.installed = true;
    }
    coop_priv_host_poll(); /* the edges before: to the old handler */
    s = coop_port_irq_save();
    coop_priv_host_edge.isr[b] = edges != 0 ? isr : NULL;
    coop_priv_host_edge.edges[b] = (uint8_t)edges;
    coop_priv_host_edge.level[b] = coop_priv_host_level(pin, coop_priv_posix_ns());
    if (coop_priv_host.btn[b].active) /* its changes so far are in the level */
        coop_priv_host.btn[b].done_ms =
            (uint32_t)((coop_priv_posix_ns() - coop_priv_host.btn[b].press_ns) / COOP_PRIV_POSIX_NS_PER_MS);
    coop_port_irq_restore(s);
    return COOP_OK;
#else
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(0, "coop_pin_on_edge: define COOP_PIN_IRQS 1 before including the port");
    return COOP_EINVAL;
#endif
}

void coop_board_printf(const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    coop_priv_posix_vline(text, sizeof text, fmt, ap);
    va_end(ap);
    coop_priv_host_line(text);
}

#endif /* COOP_PORT_HOST_BOARD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_HOST_BOARD_H */
