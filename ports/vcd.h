/* ports/vcd.h - record a run of a PC port as a VCD file (GTKWave opens it).
 *
 * Build with COOP_VCD 1 (-DCOOP_VCD=1) and run with the environment
 * variable COOP_VCD naming the file:
 *
 *     gcc -DCOOP_VCD=1 '-DCOOP_PORT="virtual.h"' -Iinclude -Iports examples/blink2/main.c
 *     COOP_VCD=blink2.vcd COOP_VCD_NAMES="main led1 led2" ./a.out
 *     gtkwave blink2.vcd
 *     python3 tools/vcd2svg.py blink2.vcd > blink2.svg    # or: make docs
 *
 * A port includes this header before coop.h (ports/virtual.h does); it uses
 * the loop's trace hooks (COOP_TRACE_*, coop/config.h), so a program that
 * records cannot define them itself. Without COOP_VCD 1 this header defines
 * nothing but COOP_VCD 0 and the port's hook macro: no code, no data.
 *
 * What the file holds ($timescale 1 us; time 0 is coop_board_init on the
 * virtual port, the first event elsewhere):
 *   coop.tasks.<name>  2 bits per task, in the order the tasks were first
 *                      made ready (spawned): 0 waiting (on a timer or an
 *                      object), 1 ready, 2 running, z not spawned yet or
 *                      ended. <name>: coop_task_set_name's (COOP_DEBUG 1),
 *                      else the next word of COOP_VCD_NAMES, else task<N>.
 *   coop.pins.<name>   1 bit per pin the program used: outputs as written,
 *                      inputs as the port saw them change (LED1, BUTTON1, D7)
 *   coop.asleep        1 while the loop is in the port's idle
 * On the virtual clock a task runs in no time: running, its pin changes and
 * waiting again share one timestamp, in that order (a glitch in GTKWave;
 * tools/vcd2svg.py draws it as a mark).
 *
 * Pins: a port that knows when a pin changes calls coop_vcd_pin (the virtual
 * port does, and coop_vcd_begin with its clock at coop_board_init). For any
 * other port the recorder reads pins 0..COOP_VCD_SAMPLE_PINS-1 with
 * coop_pin_read just before and just after each task runs (the PC boards'
 * numbering: LED1 = 1, LED2 = 2, BUTTON1..4 = 3..6), so a change a task makes
 * is recorded while it runs, and a change from an interrupt when the next task
 * runs; its clock is coop_port_now. The file is written when the program
 * exits (atexit: return from main or exit()) or at coop_vcd_end; an abort
 * loses it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_VCD
#define COOP_VCD 0
#endif
#if COOP_VCD != 0 && COOP_VCD != 1
#error "coop: COOP_VCD must be 0 or 1"
#endif

#if !COOP_VCD
#define COOP_VCD_PIN(pin, level, name) ((void)0)
#elif !defined(COOP_PORT_VCD_H)
#define COOP_PORT_VCD_H

#if defined(COOP_TRACE_WAKE) || defined(COOP_TRACE_RUN) || defined(COOP_TRACE_RAN) || \
    defined(COOP_TRACE_IDLE)
#error "coop: COOP_VCD 1 records through the trace hooks: do not define COOP_TRACE_* as well"
#endif
/* The POSIX feature set the PC ports ask for (ports/posix.h), chosen before
 * the first system header: this one may come first. */
#if defined(COOP_IMPLEMENTATION) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
    !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_BSD_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

/* COOP_CONFIG: COOP_VCD_TASKS, int, 16. Tasks recorded (later ones are not). */
#ifndef COOP_VCD_TASKS
#define COOP_VCD_TASKS 16
#endif
/* COOP_CONFIG: COOP_VCD_PINS, int, 64. Pins 0..COOP_VCD_PINS-1 can be recorded. */
#ifndef COOP_VCD_PINS
#define COOP_VCD_PINS 64
#endif
/* COOP_CONFIG: COOP_VCD_SAMPLE_PINS, int, 7. Pins read around each run when
 * the port does not report its pins (see above); 0: none. */
#ifndef COOP_VCD_SAMPLE_PINS
#define COOP_VCD_SAMPLE_PINS 7
#endif

struct coop_task;
#ifdef __cplusplus
extern "C" {
#endif
/* The loop's side (the trace hooks below). */
void coop_vcd_task(const struct coop_task *task, int what, int status);
void coop_vcd_idle(int asleep);
/* A port's side: start recording (if the environment variable COOP_VCD names
 * a file) with time 0 now on `clock` (NULL: coop_port_now), and report a
 * pin's level `level` (0/1) at the clock's now; `name` is copied at the pin's
 * first report. Repeated levels are ignored. */
void coop_vcd_begin(unsigned long (*clock_us)(void));
void coop_vcd_pin(unsigned pin, int level, const char *name);
/* Write the file now (also done at exit); later events are not recorded. */
void coop_vcd_end(void);
#ifdef __cplusplus
}
#endif

#define COOP_TRACE_WAKE(task) coop_vcd_task((task), 'W', 0)
#define COOP_TRACE_RUN(task) coop_vcd_task((task), 'R', 0)
#define COOP_TRACE_RAN(task, status) coop_vcd_task((task), 'E', (int)(status))
#define COOP_TRACE_IDLE(asleep) coop_vcd_idle((asleep) ? 1 : 0)
#define COOP_VCD_PIN(pin, level, name) coop_vcd_pin((unsigned)(pin), (level) ? 1 : 0, (name))

#include "coop.h"

#ifdef COOP_IMPLEMENTATION
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COOP_PRIV_VCD_UNSEEN, COOP_PRIV_VCD_OFF, COOP_PRIV_VCD_ON, COOP_PRIV_VCD_DONE };

static struct coop_priv_vcd {
    int mode;                          /* COOP_PRIV_VCD_*: UNSEEN until the first event */
    bool exact;                        /* the port reports its pins */
    FILE *body;                        /* the value changes, until the end */
    const char *path;
    unsigned long (*clock_us)(void);   /* NULL: coop_port_now */
    unsigned long t0;                  /* us */
    unsigned long stamp;               /* the last #time written */
    bool stamped;
    int asleep;
    unsigned ntasks;
    const struct coop_task *task[COOP_VCD_TASKS];
    char tstate[COOP_VCD_TASKS];       /* '0' waiting, '1' ready, '2' running, 'z' */
    signed char pin[COOP_VCD_PINS];    /* -1: never reported, else the level */
    char pin_name[COOP_VCD_PINS][12];
} coop_priv_vcd;

static unsigned long coop_priv_vcd_now(void)
{
    if (coop_priv_vcd.clock_us != NULL)
        return coop_priv_vcd.clock_us();
    return (unsigned long)((unsigned long long)coop_port_now() * 1000000u / COOP_TICK_HZ);
}

/* Start a value change at the clock's now (never before the last one). */
static void coop_priv_vcd_stamp(void)
{
    unsigned long t = coop_priv_vcd_now() - coop_priv_vcd.t0;
    if (coop_priv_vcd.stamped && (long)(t - coop_priv_vcd.stamp) <= 0)
        return;
    coop_priv_vcd.stamp = t;
    coop_priv_vcd.stamped = true;
    fprintf(coop_priv_vcd.body, "#%lu\n", t);
}

static void coop_priv_vcd_at_exit(void)
{
    coop_vcd_end();
}

static void coop_priv_vcd_start(unsigned long (*clock_us)(void))
{
    unsigned i;
    const char *path = getenv("COOP_VCD");
    coop_priv_vcd.mode = COOP_PRIV_VCD_OFF;
    if (path == NULL || path[0] == '\0')
        return;
    coop_priv_vcd.body = tmpfile();
    if (coop_priv_vcd.body == NULL) {
        fprintf(stderr, "coop vcd: no temporary file: not recording\n");
        return;
    }
    coop_priv_vcd.path = path;
    coop_priv_vcd.clock_us = clock_us;
    coop_priv_vcd.t0 = coop_priv_vcd_now();
    coop_priv_vcd.stamped = false;
    coop_priv_vcd.asleep = 0;
    for (i = 0; i < COOP_VCD_PINS; i++)
        coop_priv_vcd.pin[i] = -1;
    coop_priv_vcd.mode = COOP_PRIV_VCD_ON;
    atexit(coop_priv_vcd_at_exit);
}

void coop_vcd_begin(unsigned long (*clock_us)(void))
{
    if (coop_priv_vcd.mode == COOP_PRIV_VCD_UNSEEN)
        coop_priv_vcd_start(clock_us);
    coop_priv_vcd.exact = true;
}

static bool coop_priv_vcd_on(void)
{
    if (coop_priv_vcd.mode == COOP_PRIV_VCD_UNSEEN)
        coop_priv_vcd_start(NULL);
    return coop_priv_vcd.mode == COOP_PRIV_VCD_ON;
}

static void coop_priv_vcd_set_pin(unsigned pin, int level, const char *name)
{
    if (pin >= COOP_VCD_PINS || coop_priv_vcd.pin[pin] == level)
        return;
    if (coop_priv_vcd.pin[pin] < 0)
        snprintf(coop_priv_vcd.pin_name[pin], sizeof coop_priv_vcd.pin_name[pin], "%s", name);
    coop_priv_vcd.pin[pin] = (signed char)level;
    coop_priv_vcd_stamp();
    fprintf(coop_priv_vcd.body, "%dP%u\n", level, pin);
}

void coop_vcd_pin(unsigned pin, int level, const char *name)
{
    if (coop_priv_vcd_on())
        coop_priv_vcd_set_pin(pin, level, name);
}

/* Ports that do not report pins: read the PC boards' pins. */
static void coop_priv_vcd_sample(void)
{
#if COOP_VCD_SAMPLE_PINS > 0
    static const char *const names[] = { "D0", "LED1", "LED2", "BUTTON1", "BUTTON2", "BUTTON3", "BUTTON4" };
    unsigned pin;
    char name[12];
    if (coop_priv_vcd.exact)
        return;
    for (pin = 0; pin < COOP_VCD_SAMPLE_PINS && pin < COOP_VCD_PINS; pin++) {
        int level = coop_pin_read((coop_pin_t)pin) ? 1 : 0;
        if (coop_priv_vcd.pin[pin] < 0 && level == 0)
            continue; /* a pin is recorded from its first high: unused ones stay out */
        if (pin < sizeof names / sizeof names[0])
            snprintf(name, sizeof name, "%s", names[pin]);
        else
            snprintf(name, sizeof name, "D%u", pin);
        coop_priv_vcd_set_pin(pin, level, name);
    }
#endif
}

void coop_vcd_task(const struct coop_task *task, int what, int status)
{
    unsigned i;
    char s;
    if (!coop_priv_vcd_on())
        return;
    for (i = 0; i < coop_priv_vcd.ntasks && coop_priv_vcd.task[i] != task; i++) {
    }
    if (i == coop_priv_vcd.ntasks) {
        if (i == COOP_VCD_TASKS)
            return; /* no lane left */
        coop_priv_vcd.task[i] = task;
        coop_priv_vcd.tstate[i] = 'z';
        coop_priv_vcd.ntasks++;
    }
    if (what == 'W') {
        s = '1';
    } else if (what == 'R') {
        s = '2';
        coop_priv_vcd_sample(); /* what changed before it runs is not its doing */
    } else {
        coop_priv_vcd_sample(); /* what it changed, while it still runs */
        if (status == (int)COOP_YIELDED)
            s = '1';
        else if (status == (int)COOP_WAITING)
            s = COOP_PRIV_TASK_STATE(task) == COOP_TASK_READY ? '1' : '0'; /* woken while it ran */
        else
            s = 'z'; /* ended */
    }
    if (coop_priv_vcd.tstate[i] == s)
        return;
    coop_priv_vcd.tstate[i] = s;
    coop_priv_vcd_stamp();
    if (s == 'z')
        fprintf(coop_priv_vcd.body, "bzz T%u\n", i);
    else
        fprintf(coop_priv_vcd.body, "b%s T%u\n", s == '0' ? "0" : s == '1' ? "1" : "10", i);
}

void coop_vcd_idle(int asleep)
{
    if (!coop_priv_vcd_on() || coop_priv_vcd.asleep == asleep)
        return;
    coop_priv_vcd.asleep = asleep;
    coop_priv_vcd_stamp();
    fprintf(coop_priv_vcd.body, "%dI\n", asleep);
}

/* The i-th word of COOP_VCD_NAMES into buf (false if there is none). */
static bool coop_priv_vcd_word(unsigned i, char *buf, size_t size)
{
    const char *s = getenv("COOP_VCD_NAMES");
    size_t n;
    if (s == NULL)
        return false;
    for (;;) {
        s += strspn(s, " ,");
        n = strcspn(s, " ,");
        if (n == 0)
            return false;
        if (i-- == 0)
            break;
        s += n;
    }
    snprintf(buf, size, "%.*s", (int)n, s);
    return true;
}

static void coop_priv_vcd_task_name(unsigned i, char *buf, size_t size)
{
    char *p;
#if COOP_DEBUG
    const coop_task_t *t = (const coop_task_t *)coop_priv_vcd.task[i];
    if (t->name != NULL && t->name[0] != '\0')
        snprintf(buf, size, "%s", t->name);
    else
#endif
    if (!coop_priv_vcd_word(i, buf, size))
        snprintf(buf, size, "task%u", i + 1);
    for (p = buf; *p != '\0'; p++) /* a VCD name is one word */
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '$')
            *p = '_';
}

void coop_vcd_end(void)
{
    FILE *out;
    unsigned i;
    unsigned long end;
    char name[40];
    int c;
    if (coop_priv_vcd.mode != COOP_PRIV_VCD_ON)
        return;
    coop_priv_vcd.mode = COOP_PRIV_VCD_DONE; /* (no pin reads here: a read may exit, as q does) */
    end = coop_priv_vcd_now() - coop_priv_vcd.t0;
    out = fopen(coop_priv_vcd.path, "w");
    if (out == NULL) {
        fprintf(stderr, "coop vcd: cannot write %s\n", coop_priv_vcd.path);
        fclose(coop_priv_vcd.body);
        return;
    }
    fprintf(out, "$version coop ports/vcd.h $end\n"
                 "$comment tasks: 0 waiting, 1 ready, 2 running, z not spawned or ended $end\n"
                 "$timescale 1 us $end\n"
                 "$scope module coop $end\n"
                 "$scope module tasks $end\n");
    for (i = 0; i < coop_priv_vcd.ntasks; i++) {
        coop_priv_vcd_task_name(i, name, sizeof name);
        fprintf(out, "$var reg 2 T%u %s $end\n", i, name);
    }
    fprintf(out, "$upscope $end\n$scope module pins $end\n");
    for (i = 0; i < COOP_VCD_PINS; i++)
        if (coop_priv_vcd.pin[i] >= 0)
            fprintf(out, "$var wire 1 P%u %s $end\n", i, coop_priv_vcd.pin_name[i]);
    fprintf(out, "$upscope $end\n"
                 "$var wire 1 I asleep $end\n"
                 "$upscope $end\n"
                 "$enddefinitions $end\n"
                 "$dumpvars\n");
    for (i = 0; i < coop_priv_vcd.ntasks; i++)
        fprintf(out, "bzz T%u\n", i);
    for (i = 0; i < COOP_VCD_PINS; i++)
        if (coop_priv_vcd.pin[i] >= 0)
            fprintf(out, "xP%u\n", i);
    fprintf(out, "0I\n$end\n");
    rewind(coop_priv_vcd.body);
    while ((c = getc(coop_priv_vcd.body)) != EOF)
        putc(c, out);
    fclose(coop_priv_vcd.body);
    if (!coop_priv_vcd.stamped || (long)(end - coop_priv_vcd.stamp) > 0)
        fprintf(out, "#%lu\n", end); /* where the run ended */
    if (fclose(out) != 0)
        fprintf(stderr, "coop vcd: cannot write %s\n", coop_priv_vcd.path);
}
#endif /* COOP_IMPLEMENTATION */
#endif /* COOP_VCD */
