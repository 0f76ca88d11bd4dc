/* ports/linux_gpiod_board.h - the Linux gpiod port's board: GPIO lines
 * through the kernel's character device (libgpiod v2, or v1 as in Debian 12),
 * mapped to the board's pins from the command line, with the kernel's edge
 * detection as pin interrupts. Part of ports/linux_gpiod.h (include that),
 * which holds the contract (idle, asserts) on the POSIX base (ports/posix.h).
 * What the idle asks of this file: coop_priv_gpiod_has_edges (a line to
 * watch), coop_priv_gpiod_edge_fds (their descriptors) and
 * coop_priv_gpiod_edges (deliver a line's queued edges).
 *
 * libgpiod: v1 (1.5, 1.6) or v2 (2.x), chosen at compile time from gpiod.h
 * (v1's header defines GPIOD_LINE_BULK_MAX_LINES, v2's does not), or forced
 * with -DCOOP_GPIOD_API=1 or 2 (for example from `pkg-config --modversion
 * libgpiod`). The same program text builds against both.
 *
 * PINS. BOARD_LED1, BOARD_LED2, BOARD_BUTTON1..4 (pins 1..6) are mapped to
 * lines at run time, from the program's command line, which
 * coop_board_init reads itself from /proc/self/cmdline, so the examples keep
 * their `int main(void)`:
 *     --chip CHIP        the default chip: gpiochip0 (default), or a path
 *                        such as /dev/gpiochip4
 *     --led1 LINE  --led2 LINE  --button1 LINE ... --button4 LINE
 *                        LINE is an offset on the chip (17) or a line name
 *                        (GPIO17 on a Raspberry Pi), optionally CHIP:LINE
 *     --debounce-ms N    the kernel's debounce on the buttons' edges (v2; v1
 *                        has none and says so once)
 *     --trace            a timeline on stdout: "[  250.013 ms] LED1 on" for
 *                        each output change, and the idle statistics at exit
 * Each option may also come from the environment: COOP_GPIOD_CHIP,
 * COOP_GPIOD_LED1, ..., COOP_GPIOD_BUTTON4, COOP_GPIOD_DEBOUNCE_MS,
 * COOP_GPIOD_TRACE (the command line wins). Other arguments are left alone
 * (the program may have its own). COOP_GPIOD_LINE(n) is line n of the
 * default chip, usable as a pin without any option; coop_gpiod_map() maps a
 * pin in code.
 *   Raspberry Pi (4 and earlier: the header's GPIOs are gpiochip0; Pi 5: the
 *   RP1's lines, gpiochip0 on current kernels, gpiochip4 on older ones; see
 *   `gpiodetect`, `gpioinfo`):
 *     ./blink1 --led1 GPIO17
 *     ./debounced_counter --led1 17 --button1 27
 *   A user in group `gpio` (Raspberry Pi OS) may open /dev/gpiochip*;
 *   elsewhere add a udev rule or run as root.
 *
 * Each pin in use is one line request (one file descriptor). Outputs keep
 * their value in the request; an input is requested with its bias:
 * COOP_PULL_UP, COOP_PULL_DOWN, COOP_PULL_NONE (bias disabled). Buttons are
 * active low with a pull-up, as on every board: a pressed button reads false.
 * Nothing is left requested on exit: every request and chip is released at
 * exit() and on return from main (atexit), and the kernel releases what a
 * killed process held.
 *
 * ERRORS. The board API returns nothing, so a failed request (no such chip,
 * no such line, line busy, permission) prints one line naming the pin, chip
 * and line, e.g.
 *     coop gpiod: LED1 (gpiochip0 line 17): line busy (used by "sysfs")
 * and exits with status 1 (COOP_GPIOD_EXIT_ON_ERROR 0: it only records the
 * error, see coop_gpiod_error). The coop_gpiod_* calls below return the error
 * instead: COOP_EBUSY (line busy), COOP_GPIOD_ENODEV (no such chip or line),
 * COOP_GPIOD_EACCES (permission), COOP_EINVAL (bad argument, not supported),
 * COOP_GPIOD_EIO (anything else).
 *
 * EDGE INTERRUPTS (COOP_PIN_IRQS 1, coop_pin_on_edge): the kernel detects
 * the edges (rising, falling, both; with its debounce where set) and queues
 * them with a timestamp. The "interrupt" is the loop's idle finding a line's
 * descriptor readable: it reads the events and calls isr(pin, level) for
 * each, in order, on the loop's thread with interrupts masked, as an ISR
 * runs on a chip: isr may only call @isr_ok functions. Inside isr,
 * coop_gpiod_edge_ns() / coop_gpiod_edge_ticks() give the kernel's
 * timestamp of that edge (feed it to coop_keys_edge for an exact debounce)
 * and coop_gpiod_edge_seqno() its sequence number. A loop that never idles
 * (tasks that only yield) delays edges: such a task may call
 * coop_gpiod_poll(). Edges the kernel dropped (its queue holds 16 per line)
 * are counted in coop_gpiod_stats()->lost (v2, from the sequence numbers).
 *
 * coop_board_printf writes a line to stdout (with the timeline's time under
 * --trace). coop_board_demo_script is ignored: real buttons here.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_PORT_LINUX_GPIOD_BOARD_H
#define COOP_PORT_LINUX_GPIOD_BOARD_H

#ifndef COOP_PORT_LINUX_GPIOD_H
#error "ports/linux_gpiod_board.h is part of the Linux gpiod port: #include \"linux_gpiod.h\""
#endif

/* COOP_CONFIG: COOP_GPIOD_MAX_PINS, int, 16. Pins (line requests) in use at once. */
#ifndef COOP_GPIOD_MAX_PINS
#define COOP_GPIOD_MAX_PINS 16
#endif
/* COOP_CONFIG: COOP_GPIOD_MAX_CHIPS, int, 4. Chips open at once. */
#ifndef COOP_GPIOD_MAX_CHIPS
#define COOP_GPIOD_MAX_CHIPS 4
#endif
/* COOP_CONFIG: COOP_GPIOD_EXIT_ON_ERROR, 0 or 1, 1. A failed board call prints and exits(1). */
#ifndef COOP_GPIOD_EXIT_ON_ERROR
#define COOP_GPIOD_EXIT_ON_ERROR 1
#endif
/* COOP_CONFIG: COOP_GPIOD_CONSUMER, string, "coop". The consumer name of the requests. */
#ifndef COOP_GPIOD_CONSUMER
#define COOP_GPIOD_CONSUMER "coop"
#endif
#if COOP_GPIOD_MAX_PINS < 1 || COOP_GPIOD_MAX_PINS > 64 || COOP_GPIOD_MAX_CHIPS < 1
#error "coop gpiod port: COOP_GPIOD_MAX_PINS must be 1..64 and COOP_GPIOD_MAX_CHIPS at least 1"
#endif

/* The board (coop/board.h): lines chosen on the command line (see above). */
#define BOARD_LED1 ((coop_pin_t)1)
#define BOARD_LED2 ((coop_pin_t)2)
#define BOARD_BUTTON1 ((coop_pin_t)3)
#define BOARD_BUTTON2 ((coop_pin_t)4)
#define BOARD_BUTTON3 ((coop_pin_t)5)
#define BOARD_BUTTON4 ((coop_pin_t)6)
/* Line n (offset) of the default chip, as a pin. */
#define COOP_GPIOD_LINE(n) ((coop_pin_t)(0x100u + (unsigned)(n)))

/* Errors beyond coop's own (sched.h); COOP_EBUSY is "line busy". */
#define COOP_GPIOD_ENODEV (-20) /* no such chip or line */
#define COOP_GPIOD_EACCES (-21) /* permission denied */
#define COOP_GPIOD_EIO (-22)    /* any other failure of the kernel or libgpiod */

/* What the idle did (coop_gpiod_stats; ports/linux_gpiod.h counts, --trace
 * prints it at exit). */
typedef struct coop_gpiod_idle_stats {
    uint32_t sleeps;   /* ppoll calls that slept (or would have) */
    uint32_t wakeups;  /* ... that returned */
    uint32_t timeouts; /* ... at their deadline */
    uint32_t by_edge;  /* ... because a line had edges */
    uint32_t by_wake;  /* ... because of coop_port_wake (a post from a thread or handler) */
    uint32_t by_signal;/* ... because a signal handler ran (EINTR) */
    uint32_t edges;    /* edge events read and delivered */
    uint32_t lost;     /* edges the kernel dropped (v2: gaps in line sequence numbers) */
    uint32_t late_max_us; /* the latest wake-up after a deadline's first ns, in us */
    uint64_t late_sum_us; /* summed over the `timeouts` wake-ups */
} coop_gpiod_stats_t;

#ifdef __cplusplus
extern "C" {
#endif
/* Map `pin` to `line` (an offset "17" or a name "GPIO17", optionally
 * "CHIP:LINE") on `chip` (NULL: the default chip). Releases the pin's current
 * request. COOP_OK or COOP_EINVAL (bad pin, too many pins). */
int coop_gpiod_map(coop_pin_t pin, const char *chip, const char *line);
/* The default chip (before any request). COOP_OK, COOP_GPIOD_ENODEV, COOP_GPIOD_EACCES... */
int coop_gpiod_open(const char *chip);
/* The board calls, returning what went wrong (COOP_OK or an error above). */
int coop_gpiod_output(coop_pin_t pin, bool value);
int coop_gpiod_input(coop_pin_t pin, int pull);
int coop_gpiod_write(coop_pin_t pin, bool value);
/* Read an input or output: 0 or 1, or a negative error. */
int coop_gpiod_read(coop_pin_t pin);
/* The kernel's debounce on an input's edges, in ms (0: none). v2 only:
 * COOP_EINVAL with v1. Applies now if the pin is an input, else at its request. */
int coop_gpiod_set_debounce_ms(coop_pin_t pin, uint32_t ms);
/* Release one pin's line (it becomes unused) or everything (also at exit). */
void coop_gpiod_release(coop_pin_t pin);
void coop_gpiod_release_all(void);
/* The last error: its code (COOP_OK if none) and message (pin, chip, line, cause). */
int coop_gpiod_error(const char **message);
/* Inside an edge isr: the kernel's timestamp of the edge (CLOCK_MONOTONIC
 * ns; in ticks of coop_port_now) and its sequence number on the line. */
uint64_t coop_gpiod_edge_ns(void);
coop_tick_t coop_gpiod_edge_ticks(void);
unsigned long coop_gpiod_edge_seqno(void);
/* CLOCK_MONOTONIC now, in ns (the clock of the edges' timestamps). @isr_ok */
uint64_t coop_gpiod_now_ns(void);
/* Counts of the idle since start (or since coop_gpiod_stats_reset). */
const coop_gpiod_stats_t *coop_gpiod_stats(void);
void coop_gpiod_stats_reset(void);
/* "1" or "2": the libgpiod API this build uses. */
const char *coop_gpiod_api(void);
#ifdef __cplusplus
}
#endif

/* ------------------------------------------------------------------------ */
#ifdef COOP_IMPLEMENTATION
#ifndef COOP_PORT_LINUX_GPIOD_BOARD_IMPLEMENTED
#define COOP_PORT_LINUX_GPIOD_BOARD_IMPLEMENTED

#include <gpiod.h>
#include <poll.h>
#include <stdlib.h>

#ifndef COOP_GPIOD_API
#ifdef GPIOD_LINE_BULK_MAX_LINES
#define COOP_GPIOD_API 1
#else
#define COOP_GPIOD_API 2
#endif
#endif
#if COOP_GPIOD_API != 1 && COOP_GPIOD_API != 2
#error "coop gpiod port: COOP_GPIOD_API must be 1 or 2"
#endif

enum { COOP_PRIV_GPIOD_UNUSED, COOP_PRIV_GPIOD_OUT, COOP_PRIV_GPIOD_IN };

struct coop_priv_gpiod_chip {
    char path[64];
#if COOP_GPIOD_API == 2
    struct gpiod_chip *chip;
#else
    struct gpiod_chip *chip;
#endif
};

struct coop_priv_gpiod_pin {
    bool mapped;          /* has a chip and line */
    coop_pin_t pin;
    char chip[64];        /* "" : the default chip */
    char line[32];        /* offset or name */
    int chip_i;           /* resolved: index in chips, -1 before */
    unsigned offset;      /* resolved */
    uint8_t mode;         /* COOP_PRIV_GPIOD_* */
    uint8_t pull;
    uint8_t edges;        /* COOP_EDGE_*, 0: none */
    bool value;           /* an output's value */
    uint32_t debounce_us;
    coop_pin_edge_cb isr;
    int fd;               /* the request's descriptor while it detects edges, else -1 */
    unsigned long seqno;  /* the last edge's line sequence number */
#if COOP_GPIOD_API == 2
    struct gpiod_line_request *req;
#else
    struct gpiod_line *line_h;
    bool requested;
#endif
};

static struct coop_priv_gpiod {
    uint64_t board_ns;                           /* coop_board_init: the timeline's zero */
    bool inited, trace, warned_debounce;
    char default_chip[64];
    uint32_t debounce_ms;                        /* --debounce-ms: for the buttons */
    struct coop_priv_gpiod_chip chips[COOP_GPIOD_MAX_CHIPS];
    struct coop_priv_gpiod_pin pins[COOP_GPIOD_MAX_PINS];
    int err;
    char msg[256];
    uint64_t edge_ns;                            /* the edge being delivered */
    unsigned long edge_seqno;
    coop_gpiod_stats_t stats;
#if COOP_GPIOD_API == 2
    struct gpiod_edge_event_buffer *events;
#endif
} coop_priv_gpiod;

static void coop_priv_gpiod_wake_fd(void); /* linux_gpiod.h: the idle's descriptors */

/* ---------------------------------------------------------------- time, stats */
uint64_t coop_gpiod_edge_ns(void)
{
    return coop_priv_gpiod.edge_ns;
}

coop_tick_t coop_gpiod_edge_ticks(void)
{
    (void)coop_priv_posix_ns(); /* t0 set */
    return (coop_tick_t)coop_ticks_from_ns(coop_priv_gpiod.edge_ns - coop_priv_posix.t0);
}

unsigned long coop_gpiod_edge_seqno(void)
{
    return coop_priv_gpiod.edge_seqno;
}

uint64_t coop_gpiod_now_ns(void)
{
    return coop_priv_posix_abs_ns();
}

const coop_gpiod_stats_t *coop_gpiod_stats(void)
{
    return &coop_priv_gpiod.stats;
}

void coop_gpiod_stats_reset(void)
{
    memset(&coop_priv_gpiod.stats, 0, sizeof coop_priv_gpiod.stats);
}

const char *coop_gpiod_api(void)
{
    return COOP_GPIOD_API == 2 ? "2" : "1";
}

/* ---------------------------------------------------------------- errors */
static const char *coop_priv_gpiod_pin_name(coop_pin_t pin, char *buf, size_t size)
{
    if (pin == BOARD_LED1 || pin == BOARD_LED2)
        snprintf(buf, size, "LED%u", (unsigned)(pin - BOARD_LED1 + 1));
    else if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4)
        snprintf(buf, size, "BUTTON%u", (unsigned)(pin - BOARD_BUTTON1 + 1));
    else if (pin >= 0x100u)
        snprintf(buf, size, "LINE%u", (unsigned)(pin - 0x100u));
    else
        snprintf(buf, size, "pin %u", (unsigned)pin);
    return buf;
}

static const char *coop_priv_gpiod_chip_of(const struct coop_priv_gpiod_pin *p)
{
    return p != NULL && p->chip[0] != '\0' ? p->chip : coop_priv_gpiod.default_chip;
}

/* Record an error (code from errno when err is 0) for pin slot p (may be
 * NULL: the chip alone); returns the code. */
static int coop_priv_gpiod_fail(struct coop_priv_gpiod_pin *p, const char *chip, int err, int errnum,
                                const char *fmt, ...) COOP_PRIV_PRINTF_FMT(5, 6);
static int coop_priv_gpiod_fail(struct coop_priv_gpiod_pin *p, const char *chip, int err, int errnum,
                                const char *fmt, ...)
{
    char name[16], what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (err == 0) {
        switch (errnum) {
        case EBUSY: err = COOP_EBUSY; break;
        case ENOENT: case ENODEV: case ENXIO: err = COOP_GPIOD_ENODEV; break;
        case EACCES: case EPERM: err = COOP_GPIOD_EACCES; break;
        case EINVAL: err = COOP_EINVAL; break;
        default: err = COOP_GPIOD_EIO; break;
        }
    }
    if (p != NULL)
        snprintf(coop_priv_gpiod.msg, sizeof coop_priv_gpiod.msg, "coop gpiod: %s (%s line %s): %s",
                 coop_priv_gpiod_pin_name(p->pin, name, sizeof name), chip, p->line, what);
    else
        snprintf(coop_priv_gpiod.msg, sizeof coop_priv_gpiod.msg, "coop gpiod: %s: %s", chip, what);
    coop_priv_gpiod.err = err;
    return err;
}

int coop_gpiod_error(const char **message)
{
    if (message != NULL)
        *message = coop_priv_gpiod.err != COOP_OK ? coop_priv_gpiod.msg : "";
    return coop_priv_gpiod.err;
}

/* A board call failed: tell, and end the program (COOP_GPIOD_EXIT_ON_ERROR). */
static void coop_priv_gpiod_board_fail(int rc)
{
    if (rc == COOP_OK)
        return;
    fflush(stdout);
    fprintf(stderr, "%s\n", coop_priv_gpiod.msg);
#if COOP_GPIOD_EXIT_ON_ERROR
    exit(1);
#endif
}

static const char *coop_priv_gpiod_errtext(int errnum)
{
    switch (errnum) {
    case EBUSY: return "line busy";
    case ENOENT: case ENODEV: case ENXIO: return "no such chip";
    case EACCES: case EPERM: return "permission denied (a group that may open /dev/gpiochip*, or root)";
    default: return strerror(errnum);
    }
}

/* ---------------------------------------------------------------- chips */
static void coop_priv_gpiod_path(const char *chip, char *buf, size_t size)
{
    if (chip[0] == '/')
        snprintf(buf, size, "%s", chip);
    else if (chip[0] >= '0' && chip[0] <= '9')
        snprintf(buf, size, "/dev/gpiochip%s", chip); /* "0": gpiochip0 */
    else
        snprintf(buf, size, "/dev/%s", chip);
}

/* The index of the chip `name` (opened now if needed), or an error (< 0)
 * recorded for slot p. */
static int coop_priv_gpiod_chip_index(struct coop_priv_gpiod_pin *p, const char *name)
{
    char path[64];
    int i, free_i = -1;
    coop_priv_gpiod_path(name, path, sizeof path);
    for (i = 0; i < COOP_GPIOD_MAX_CHIPS; i++) {
        if (coop_priv_gpiod.chips[i].chip != NULL && strcmp(coop_priv_gpiod.chips[i].path, path) == 0)
            return i;
        if (coop_priv_gpiod.chips[i].chip == NULL && free_i < 0)
            free_i = i;
    }
    if (free_i < 0)
        return coop_priv_gpiod_fail(p, name, COOP_EINVAL, 0, "too many chips (raise COOP_GPIOD_MAX_CHIPS)");
    coop_priv_gpiod.chips[free_i].chip = gpiod_chip_open(path);
    if (coop_priv_gpiod.chips[free_i].chip == NULL) {
        int e = errno;
        return coop_priv_gpiod_fail(p, name, 0, e, "cannot open %s: %s", path, coop_priv_gpiod_errtext(e));
    }
    snprintf(coop_priv_gpiod.chips[free_i].path, sizeof coop_priv_gpiod.chips[free_i].path, "%s", path);
    return free_i;
}

int coop_gpiod_open(const char *chip)
{
    int i;
    if (chip == NULL || chip[0] == '\0' || strlen(chip) >= sizeof coop_priv_gpiod.default_chip)
        return coop_priv_gpiod_fail(NULL, "?", COOP_EINVAL, 0, "no chip named");
    snprintf(coop_priv_gpiod.default_chip, sizeof coop_priv_gpiod.default_chip, "%s", chip);
    i = coop_priv_gpiod_chip_index(NULL, chip);
    return i < 0 ? i : COOP_OK;
}

/* ---------------------------------------------------------------- pins */
/* The pin's slot; a COOP_GPIOD_LINE(n) pin gets one on first use. NULL if none. */
static struct coop_priv_gpiod_pin *coop_priv_gpiod_slot(coop_pin_t pin)
{
    int i, free_i = -1;
    for (i = 0; i < COOP_GPIOD_MAX_PINS; i++) {
        if (coop_priv_gpiod.pins[i].mapped && coop_priv_gpiod.pins[i].pin == pin)
            return &coop_priv_gpiod.pins[i];
        if (!coop_priv_gpiod.pins[i].mapped && free_i < 0)
            free_i = i;
    }
    if (pin >= 0x100u && free_i >= 0) {
        struct coop_priv_gpiod_pin *p = &coop_priv_gpiod.pins[free_i];
        memset(p, 0, sizeof *p);
        p->mapped = true;
        p->pin = pin;
        p->chip_i = -1;
        p->fd = -1;
        snprintf(p->line, sizeof p->line, "%u", (unsigned)(pin - 0x100u));
        return p;
    }
    return NULL;
}

/* The pin's slot, or NULL with the error recorded. */
static struct coop_priv_gpiod_pin *coop_priv_gpiod_get(coop_pin_t pin)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    if (p == NULL) {
        char name[16];
        coop_priv_gpiod_pin_name(pin, name, sizeof name);
        if (pin >= BOARD_LED1 && pin <= BOARD_BUTTON4)
            coop_priv_gpiod_fail(NULL, coop_priv_gpiod.default_chip, COOP_GPIOD_ENODEV, 0,
                                 "%s has no line: give --%s%u LINE", name, pin <= BOARD_LED2 ? "led" : "button",
                                 pin <= BOARD_LED2 ? (unsigned)(pin - BOARD_LED1 + 1)
                                                   : (unsigned)(pin - BOARD_BUTTON1 + 1));
        else
            coop_priv_gpiod_fail(NULL, coop_priv_gpiod.default_chip, COOP_GPIOD_ENODEV, 0,
                                 "%s has no line (map it with coop_gpiod_map)", name);
    }
    return p;
}

/* Resolve chip and offset of slot p. COOP_OK or an error. */
static int coop_priv_gpiod_resolve(struct coop_priv_gpiod_pin *p)
{
    const char *chip = coop_priv_gpiod_chip_of(p);
    char *end;
    unsigned long off;
    int i;
    if (p->chip_i >= 0)
        return COOP_OK;
    i = coop_priv_gpiod_chip_index(p, chip);
    if (i < 0)
        return i;
    off = strtoul(p->line, &end, 10);
    if (end != p->line && *end == '\0') {
        p->offset = (unsigned)off;
    } else {
#if COOP_GPIOD_API == 2
        int o = gpiod_chip_get_line_offset_from_name(coop_priv_gpiod.chips[i].chip, p->line);
        if (o < 0)
            return coop_priv_gpiod_fail(p, chip, COOP_GPIOD_ENODEV, 0, "no line of that name on the chip");
        p->offset = (unsigned)o;
#else
        struct gpiod_line *l = gpiod_chip_find_line(coop_priv_gpiod.chips[i].chip, p->line);
        if (l == NULL)
            return coop_priv_gpiod_fail(p, chip, COOP_GPIOD_ENODEV, 0, "no line of that name on the chip");
        p->offset = gpiod_line_offset(l);
#endif
    }
    p->chip_i = i;
    return COOP_OK;
}

/* Who holds the line (for the busy message). */
static void coop_priv_gpiod_consumer(struct coop_priv_gpiod_pin *p, char *buf, size_t size)
{
    struct gpiod_chip *chip = coop_priv_gpiod.chips[p->chip_i].chip;
    const char *c = NULL;
    buf[0] = '\0';
#if COOP_GPIOD_API == 2
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip, p->offset);
    if (info != NULL) {
        c = gpiod_line_info_get_consumer(info);
        if (c != NULL)
            snprintf(buf, size, " (used by \"%s\")", c);
        gpiod_line_info_free(info);
    }
#else
    struct gpiod_line *l = gpiod_chip_get_line(chip, p->offset);
    if (l != NULL && gpiod_line_update(l) == 0) {
        c = gpiod_line_consumer(l);
        if (c != NULL)
            snprintf(buf, size, " (used by \"%s\")", c);
    }
#endif
}

static void coop_priv_gpiod_drop(struct coop_priv_gpiod_pin *p)
{
#if COOP_GPIOD_API == 2
    if (p->req != NULL)
        gpiod_line_request_release(p->req);
    p->req = NULL;
#else
    if (p->requested)
        gpiod_line_release(p->line_h);
    p->requested = false;
    p->line_h = NULL;
#endif
    p->fd = -1;
    p->seqno = 0; /* a new request's edges are numbered from 1 again */
    p->mode = COOP_PRIV_GPIOD_UNUSED;
}

/* (Re)request slot p's line as it is described (mode, value, pull, edges,
 * debounce). COOP_OK or an error. */
static int coop_priv_gpiod_request(struct coop_priv_gpiod_pin *p, uint8_t mode)
{
    const char *chipname = coop_priv_gpiod_chip_of(p);
    int rc = coop_priv_gpiod_resolve(p), e;
    char who[96];
    coop_irq_state_t s;
    if (rc != COOP_OK)
        return rc;
    s = coop_port_irq_save(); /* the idle must not read a half-made request */
    coop_priv_gpiod_drop(p);
#if COOP_GPIOD_API == 2
    {
        struct gpiod_line_settings *ls = gpiod_line_settings_new();
        struct gpiod_line_config *lc = gpiod_line_config_new();
        struct gpiod_request_config *rc2 = gpiod_request_config_new();
        int ok = ls != NULL && lc != NULL && rc2 != NULL;
        if (ok && mode == COOP_PRIV_GPIOD_OUT) {
            ok = gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT) == 0 &&
                 gpiod_line_settings_set_output_value(ls, p->value ? GPIOD_LINE_VALUE_ACTIVE
                                                                   : GPIOD_LINE_VALUE_INACTIVE) == 0;
        } else if (ok) {
            ok = gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_INPUT) == 0 &&
                 gpiod_line_settings_set_bias(ls, p->pull == COOP_PULL_UP     ? GPIOD_LINE_BIAS_PULL_UP
                                                  : p->pull == COOP_PULL_DOWN ? GPIOD_LINE_BIAS_PULL_DOWN
                                                                              : GPIOD_LINE_BIAS_DISABLED) == 0;
            if (ok && p->edges != 0) {
                ok = gpiod_line_settings_set_edge_detection(ls, p->edges == COOP_EDGE_BOTH ? GPIOD_LINE_EDGE_BOTH
                                                                : p->edges == COOP_EDGE_RISING ? GPIOD_LINE_EDGE_RISING
                                                                                               : GPIOD_LINE_EDGE_FALLING) == 0 &&
                     gpiod_line_settings_set_event_clock(ls, GPIOD_LINE_CLOCK_MONOTONIC) == 0;
                gpiod_line_settings_set_debounce_period_us(ls, p->debounce_us);
            }
        }
        if (ok) {
            gpiod_request_config_set_consumer(rc2, COOP_GPIOD_CONSUMER);
            ok = gpiod_line_config_add_line_settings(lc, &p->offset, 1, ls) == 0;
        }
        errno = 0;
        if (ok)
            p->req = gpiod_chip_request_lines(coop_priv_gpiod.chips[p->chip_i].chip, rc2, lc);
        e = errno;
        gpiod_line_settings_free(ls);
        gpiod_line_config_free(lc);
        gpiod_request_config_free(rc2);
        if (p->req != NULL && p->edges != 0 && mode == COOP_PRIV_GPIOD_IN)
            p->fd = gpiod_line_request_get_fd(p->req);
        rc = p->req != NULL ? COOP_OK : -1;
    }
#else
    {
        struct gpiod_line_request_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.consumer = COOP_GPIOD_CONSUMER;
        if (mode == COOP_PRIV_GPIOD_OUT) {
            cfg.request_type = GPIOD_LINE_REQUEST_DIRECTION_OUTPUT;
        } else {
            cfg.request_type = p->edges == 0                ? GPIOD_LINE_REQUEST_DIRECTION_INPUT
                               : p->edges == COOP_EDGE_BOTH   ? GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES
                               : p->edges == COOP_EDGE_RISING ? GPIOD_LINE_REQUEST_EVENT_RISING_EDGE
                                                              : GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE;
            cfg.flags = p->pull == COOP_PULL_UP     ? GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
                        : p->pull == COOP_PULL_DOWN ? GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN
                                                    : GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
        }
        errno = 0;
        p->line_h = gpiod_chip_get_line(coop_priv_gpiod.chips[p->chip_i].chip, p->offset);
        if (p->line_h != NULL && gpiod_line_request(p->line_h, &cfg, p->value ? 1 : 0) == 0)
            p->requested = true;
        e = errno;
        if (p->requested && p->edges != 0 && mode == COOP_PRIV_GPIOD_IN)
            p->fd = gpiod_line_event_get_fd(p->line_h);
        rc = p->requested ? COOP_OK : -1;
    }
#endif
    if (rc == COOP_OK)
        p->mode = mode;
    coop_port_irq_restore(s);
    if (rc == COOP_OK)
        return COOP_OK;
    if (e == 0)
        e = EIO;
    if (e == EBUSY) {
        coop_priv_gpiod_consumer(p, who, sizeof who);
        return coop_priv_gpiod_fail(p, chipname, COOP_EBUSY, e, "line busy%s", who);
    }
    if (e == EINVAL)
        return coop_priv_gpiod_fail(p, chipname, COOP_GPIOD_ENODEV, e,
                                    "cannot request the line (no such offset on the chip, or a setting it does not support)");
    return coop_priv_gpiod_fail(p, chipname, 0, e, "cannot request the line: %s", coop_priv_gpiod_errtext(e));
}

static void coop_priv_gpiod_trace(coop_pin_t pin, bool value)
{
    char name[16];
    uint64_t dt;
    if (!coop_priv_gpiod.trace)
        return;
    dt = coop_priv_posix_ns() - coop_priv_gpiod.board_ns;
    printf("[%7lu.%03lu ms] %s %s\n", (unsigned long)(dt / 1000000u), (unsigned long)(dt / 1000u % 1000u),
           coop_priv_gpiod_pin_name(pin, name, sizeof name), value ? "on" : "off");
    fflush(stdout);
}

int coop_gpiod_map(coop_pin_t pin, const char *chip, const char *line)
{
    struct coop_priv_gpiod_pin *p;
    const char *colon;
    int i;
    if (line == NULL || line[0] == '\0' || pin == 0)
        return coop_priv_gpiod_fail(NULL, "?", COOP_EINVAL, 0, "coop_gpiod_map: no pin or no line");
    colon = strrchr(line, ':');
    p = NULL;
    for (i = 0; i < COOP_GPIOD_MAX_PINS; i++)
        if (coop_priv_gpiod.pins[i].mapped && coop_priv_gpiod.pins[i].pin == pin)
            p = &coop_priv_gpiod.pins[i];
    for (i = 0; p == NULL && i < COOP_GPIOD_MAX_PINS; i++)
        if (!coop_priv_gpiod.pins[i].mapped)
            p = &coop_priv_gpiod.pins[i];
    if (p == NULL)
        return coop_priv_gpiod_fail(NULL, "?", COOP_EINVAL, 0, "too many pins (raise COOP_GPIOD_MAX_PINS)");
    if (p->mapped)
        coop_priv_gpiod_drop(p);
    memset(p, 0, sizeof *p);
    p->pin = pin;
    p->chip_i = -1;
    p->fd = -1;
    if (colon != NULL) { /* CHIP:LINE */
        size_t n = (size_t)(colon - line);
        if (n >= sizeof p->chip)
            n = sizeof p->chip - 1;
        memcpy(p->chip, line, n);
        p->chip[n] = '\0';
        line = colon + 1;
    } else if (chip != NULL) {
        snprintf(p->chip, sizeof p->chip, "%s", chip);
    }
    snprintf(p->line, sizeof p->line, "%s", line);
    if (pin >= BOARD_BUTTON1 && pin <= BOARD_BUTTON4)
        p->debounce_us = coop_priv_gpiod.debounce_ms * 1000u;
    p->mapped = true;
    return COOP_OK;
}

int coop_gpiod_output(coop_pin_t pin, bool value)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_get(pin);
    int rc;
    if (p == NULL)
        return coop_priv_gpiod.err;
    p->value = value;
    p->edges = 0;
    p->isr = NULL;
    if (p->mode == COOP_PRIV_GPIOD_OUT)
        rc = coop_gpiod_write(pin, value);
    else
        rc = coop_priv_gpiod_request(p, COOP_PRIV_GPIOD_OUT);
    if (rc == COOP_OK)
        coop_priv_gpiod_trace(pin, value);
    return rc;
}

int coop_gpiod_write(coop_pin_t pin, bool value)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    int r;
    if (p == NULL || p->mode != COOP_PRIV_GPIOD_OUT) {
        char name[16];
        return coop_priv_gpiod_fail(NULL, coop_priv_gpiod.default_chip, COOP_EINVAL, 0,
                                    "%s is not an output (call coop_pin_output first)",
                                    coop_priv_gpiod_pin_name(pin, name, sizeof name));
    }
#if COOP_GPIOD_API == 2
    r = gpiod_line_request_set_value(p->req, p->offset, value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
#else
    r = gpiod_line_set_value(p->line_h, value ? 1 : 0);
#endif
    if (r != 0) {
        int e = errno;
        return coop_priv_gpiod_fail(p, coop_priv_gpiod_chip_of(p), 0, e, "cannot set the value: %s", strerror(e));
    }
    if (p->value != value) {
        p->value = value;
        coop_priv_gpiod_trace(pin, value);
    }
    return COOP_OK;
}

int coop_gpiod_input(coop_pin_t pin, int pull)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_get(pin);
    if (p == NULL)
        return coop_priv_gpiod.err;
    if (pull != COOP_PULL_NONE && pull != COOP_PULL_UP && pull != COOP_PULL_DOWN)
        return coop_priv_gpiod_fail(p, coop_priv_gpiod_chip_of(p), COOP_EINVAL, 0, "bad pull %d", pull);
    p->pull = (uint8_t)pull;
    p->edges = 0;
    p->isr = NULL;
    return coop_priv_gpiod_request(p, COOP_PRIV_GPIOD_IN);
}

int coop_gpiod_read(coop_pin_t pin)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    int v;
    if (p == NULL || p->mode == COOP_PRIV_GPIOD_UNUSED) {
        char name[16];
        return coop_priv_gpiod_fail(NULL, coop_priv_gpiod.default_chip, COOP_EINVAL, 0,
                                    "%s is not set up (coop_pin_input or coop_pin_output first)",
                                    coop_priv_gpiod_pin_name(pin, name, sizeof name));
    }
    if (p->mode == COOP_PRIV_GPIOD_OUT)
        return p->value;
#if COOP_GPIOD_API == 2
    v = (int)gpiod_line_request_get_value(p->req, p->offset);
#else
    v = gpiod_line_get_value(p->line_h);
#endif
    if (v < 0) {
        int e = errno;
        return coop_priv_gpiod_fail(p, coop_priv_gpiod_chip_of(p), 0, e, "cannot read the value: %s", strerror(e));
    }
    return v != 0;
}

int coop_gpiod_set_debounce_ms(coop_pin_t pin, uint32_t ms)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_get(pin);
    if (p == NULL)
        return coop_priv_gpiod.err;
#if COOP_GPIOD_API == 1
    if (ms != 0)
        return coop_priv_gpiod_fail(p, coop_priv_gpiod_chip_of(p), COOP_EINVAL, 0,
                                    "libgpiod v1 has no debounce (build with libgpiod v2)");
#endif
    p->debounce_us = ms * 1000u;
    if (p->mode == COOP_PRIV_GPIOD_IN)
        return coop_priv_gpiod_request(p, COOP_PRIV_GPIOD_IN);
    return COOP_OK;
}

void coop_gpiod_release(coop_pin_t pin)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    if (p != NULL) {
        coop_irq_state_t s = coop_port_irq_save();
        coop_priv_gpiod_drop(p);
        p->isr = NULL;
        p->edges = 0;
        coop_port_irq_restore(s);
    }
}

void coop_gpiod_release_all(void)
{
    int i;
    coop_irq_state_t s = coop_port_irq_save();
    for (i = 0; i < COOP_GPIOD_MAX_PINS; i++) {
        coop_priv_gpiod_drop(&coop_priv_gpiod.pins[i]);
        coop_priv_gpiod.pins[i].isr = NULL;
        coop_priv_gpiod.pins[i].edges = 0;
        coop_priv_gpiod.pins[i].chip_i = -1;
    }
    for (i = 0; i < COOP_GPIOD_MAX_CHIPS; i++) {
        if (coop_priv_gpiod.chips[i].chip != NULL)
            gpiod_chip_close(coop_priv_gpiod.chips[i].chip);
        coop_priv_gpiod.chips[i].chip = NULL;
    }
#if COOP_GPIOD_API == 2
    if (coop_priv_gpiod.events != NULL)
        gpiod_edge_event_buffer_free(coop_priv_gpiod.events);
    coop_priv_gpiod.events = NULL;
#endif
    coop_port_irq_restore(s);
}

/* ---------------------------------------------------------------- edges */
/* Read slot p's queued edges and call its isr for each (interrupts masked). */
static void coop_priv_gpiod_edges(struct coop_priv_gpiod_pin *p)
{
#if COOP_GPIOD_API == 2
    int n, i;
    if (coop_priv_gpiod.events == NULL)
        coop_priv_gpiod.events = gpiod_edge_event_buffer_new(16);
    if (coop_priv_gpiod.events == NULL || p->req == NULL)
        return;
    n = gpiod_line_request_read_edge_events(p->req, coop_priv_gpiod.events, 16);
    for (i = 0; i < n; i++) {
        struct gpiod_edge_event *ev = gpiod_edge_event_buffer_get_event(coop_priv_gpiod.events, (unsigned long)i);
        unsigned long seq = gpiod_edge_event_get_line_seqno(ev);
        bool level = gpiod_edge_event_get_event_type(ev) == GPIOD_EDGE_EVENT_RISING_EDGE;
        if (seq > p->seqno + 1) /* from 0: edges dropped before the first read count too */
            coop_priv_gpiod.stats.lost += (uint32_t)(seq - p->seqno - 1);
        p->seqno = seq;
        coop_priv_gpiod.edge_ns = gpiod_edge_event_get_timestamp_ns(ev);
        coop_priv_gpiod.edge_seqno = seq;
        coop_priv_gpiod.stats.edges++;
        if (p->isr != NULL)
            p->isr(p->pin, level);
    }
#else
    struct gpiod_line_event ev[16];
    int n, i;
    if (!p->requested)
        return;
    n = gpiod_line_event_read_multiple(p->line_h, ev, 16);
    for (i = 0; i < n; i++) {
        bool level = ev[i].event_type == GPIOD_LINE_EVENT_RISING_EDGE;
        p->seqno++;
        coop_priv_gpiod.edge_ns = (uint64_t)ev[i].ts.tv_sec * COOP_PRIV_POSIX_NS_PER_S + (uint64_t)ev[i].ts.tv_nsec;
        coop_priv_gpiod.edge_seqno = p->seqno;
        coop_priv_gpiod.stats.edges++;
        if (p->isr != NULL)
            p->isr(p->pin, level);
    }
#endif
}

int coop_pin_on_edge(coop_pin_t pin, int edges, coop_pin_edge_cb isr)
{
#if COOP_PIN_IRQS
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    int rc;
    COOP_ASSERT(edges >= 0 && edges <= COOP_EDGE_BOTH,
                "coop_pin_on_edge: edges is not COOP_EDGE_RISING, _FALLING or _BOTH");
    if (edges < 0 || edges > COOP_EDGE_BOTH)
        return COOP_EINVAL;
    if (p == NULL || p->mode != COOP_PRIV_GPIOD_IN) {
        char name[16];
        return coop_priv_gpiod_fail(NULL, coop_priv_gpiod.default_chip, COOP_EINVAL, 0,
                                    "coop_pin_on_edge: %s is not an input (coop_pin_input first)",
                                    coop_priv_gpiod_pin_name(pin, name, sizeof name));
    }
    if (isr == NULL)
        edges = 0;
    if (p->edges == (uint8_t)edges && p->isr == isr)
        return COOP_OK;
    if (p->edges == (uint8_t)edges) { /* same request: only the handler changes */
        coop_irq_state_t s = coop_port_irq_save();
        p->isr = isr;
        coop_port_irq_restore(s);
        return COOP_OK;
    }
    p->edges = (uint8_t)edges;
    p->isr = isr;
    p->seqno = 0;
    if (p->debounce_us != 0 && COOP_GPIOD_API == 1) {
        p->debounce_us = 0;
        if (!coop_priv_gpiod.warned_debounce)
            fprintf(stderr, "coop gpiod: libgpiod v1 has no debounce: --debounce-ms ignored\n");
        coop_priv_gpiod.warned_debounce = true;
    }
    rc = coop_priv_gpiod_request(p, COOP_PRIV_GPIOD_IN);
    if (rc != COOP_OK) {
        p->edges = 0;
        p->isr = NULL;
    }
    return rc;
#else
    (void)pin;
    (void)edges;
    (void)isr;
    COOP_ASSERT(0, "coop_pin_on_edge: define COOP_PIN_IRQS 1 before including the port");
    return COOP_EINVAL;
#endif
}

/* For the idle: is a line detecting edges? */
static bool coop_priv_gpiod_has_edges(void)
{
    bool edges = false;
    int i;
    for (i = 0; i < COOP_GPIOD_MAX_PINS; i++)
        edges |= coop_priv_gpiod.pins[i].mapped && coop_priv_gpiod.pins[i].fd >= 0;
    return edges;
}

/* For the idle: add those lines' descriptors to fds[n..] (owner: their
 * slots); the new count. */
static nfds_t coop_priv_gpiod_edge_fds(struct pollfd *fds, int *owner, nfds_t n)
{
    int i;
    for (i = 0; i < COOP_GPIOD_MAX_PINS; i++) {
        if (coop_priv_gpiod.pins[i].mapped && coop_priv_gpiod.pins[i].fd >= 0) {
            fds[n].fd = coop_priv_gpiod.pins[i].fd;
            fds[n].events = POLLIN;
            owner[n++] = i;
        }
    }
    return n;
}

/* ---------------------------------------------------------------- board */
static void coop_priv_gpiod_at_exit(void)
{
    if (coop_priv_gpiod.trace) {
        const coop_gpiod_stats_t *st = &coop_priv_gpiod.stats;
        uint64_t dt = coop_priv_posix_ns() - coop_priv_gpiod.board_ns;
        printf("coop gpiod: %lu ms, %lu sleeps, %lu wake-ups (%lu at a deadline, %lu by edges, %lu by wakes, "
               "%lu by signals), %lu edges, %lu lost; deadline wake-ups late by %lu us on average, %lu us at most\n",
               (unsigned long)(dt / 1000000u), (unsigned long)st->sleeps, (unsigned long)st->wakeups,
               (unsigned long)st->timeouts, (unsigned long)st->by_edge, (unsigned long)st->by_wake,
               (unsigned long)st->by_signal, (unsigned long)st->edges, (unsigned long)st->lost,
               (unsigned long)(st->timeouts != 0 ? st->late_sum_us / st->timeouts : 0u), (unsigned long)st->late_max_us);
    }
    fflush(stdout);
    coop_gpiod_release_all();
}

/* The value of option `name` ("--led1 17" or "--led1=17", the last one
 * wins) in the program's arguments, else of `env`; NULL if neither. */
static const char *coop_priv_gpiod_opt(const char *args, size_t len, const char *name, const char *env)
{
    const char *a = args, *end = args + len, *found = NULL;
    size_t k = strlen(name);
    while (a < end) {
        size_t n = strlen(a);
        if (strcmp(a, name) == 0 && a + n + 1 < end)
            found = a + n + 1;
        else if (strncmp(a, name, k) == 0 && a[k] == '=')
            found = a + k + 1;
        a += n + 1;
    }
    return found != NULL ? found : getenv(env);
}

/* Is the flag `name` among the arguments, or `env` set (not to "" or "0")? */
static bool coop_priv_gpiod_flag(const char *args, size_t len, const char *name, const char *env)
{
    const char *a = args, *end = args + len, *v;
    for (; a < end; a += strlen(a) + 1)
        if (strcmp(a, name) == 0)
            return true;
    v = getenv(env);
    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

void coop_board_init(void)
{
    static char args[4096];
    static const char *const names[6] = { "--led1", "--led2", "--button1", "--button2", "--button3", "--button4" };
    static const char *const envs[6] = { "COOP_GPIOD_LED1", "COOP_GPIOD_LED2", "COOP_GPIOD_BUTTON1",
                                         "COOP_GPIOD_BUTTON2", "COOP_GPIOD_BUTTON3", "COOP_GPIOD_BUTTON4" };
    size_t len = 0;
    const char *v;
    int fd, i, rc;

    coop_priv_gpiod.board_ns = coop_priv_posix_ns(); /* the clock starts now (if it has not yet) */
    if (coop_priv_gpiod.inited)
        return;
    coop_priv_gpiod.inited = true;
    atexit(coop_priv_gpiod_at_exit);
    coop_priv_gpiod_wake_fd();

    fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t r;
        while (len < sizeof args - 1 && (r = read(fd, args + len, sizeof args - 1 - len)) > 0)
            len += (size_t)r;
        close(fd);
    }
    args[len] = '\0';
    if (len > 0) { /* skip the program's name */
        size_t n = strlen(args) + 1;
        memmove(args, args + n, len - n + 1);
        len -= n;
    }
    coop_priv_gpiod.trace = coop_priv_gpiod_flag(args, len, "--trace", "COOP_GPIOD_TRACE");
    v = coop_priv_gpiod_opt(args, len, "--debounce-ms", "COOP_GPIOD_DEBOUNCE_MS");
    if (v != NULL)
        coop_priv_gpiod.debounce_ms = (uint32_t)strtoul(v, NULL, 10);
    v = coop_priv_gpiod_opt(args, len, "--chip", "COOP_GPIOD_CHIP");
    rc = coop_gpiod_open(v != NULL ? v : "gpiochip0");
    coop_priv_gpiod_board_fail(rc);
    for (i = 0; i < 6; i++) {
        v = coop_priv_gpiod_opt(args, len, names[i], envs[i]);
        if (v != NULL)
            coop_priv_gpiod_board_fail(coop_gpiod_map((coop_pin_t)(BOARD_LED1 + i), NULL, v));
    }
}

void coop_board_demo_script(const char *script)
{
    (void)script; /* real buttons here */
}

void coop_pin_output(coop_pin_t pin, bool value)
{
    coop_priv_gpiod_board_fail(coop_gpiod_output(pin, value));
}

void coop_pin_write(coop_pin_t pin, bool value)
{
    coop_priv_gpiod_board_fail(coop_gpiod_write(pin, value));
}

void coop_pin_toggle(coop_pin_t pin)
{
    struct coop_priv_gpiod_pin *p = coop_priv_gpiod_slot(pin);
    coop_priv_gpiod_board_fail(coop_gpiod_write(pin, p != NULL ? !p->value : true));
}

void coop_pin_input(coop_pin_t pin, int pull)
{
    coop_priv_gpiod_board_fail(coop_gpiod_input(pin, pull));
}

bool coop_pin_read(coop_pin_t pin)
{
    int v = coop_gpiod_read(pin);
    coop_priv_gpiod_board_fail(v < 0 ? v : COOP_OK);
    return v > 0;
}

void coop_board_printf(const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    coop_priv_posix_vline(text, sizeof text, fmt, ap);
    va_end(ap);
    if (coop_priv_gpiod.trace) {
        uint64_t dt = coop_priv_posix_ns() - coop_priv_gpiod.board_ns;
        printf("[%7lu.%03lu ms] %s\n", (unsigned long)(dt / 1000000u), (unsigned long)(dt / 1000u % 1000u), text);
    } else {
        printf("%s\n", text);
    }
    fflush(stdout);
}

#endif /* COOP_PORT_LINUX_GPIOD_BOARD_IMPLEMENTED */
#endif /* COOP_IMPLEMENTATION */

#endif /* COOP_PORT_LINUX_GPIOD_BOARD_H */
