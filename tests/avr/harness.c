/* tests/avr/harness.c - run AVR firmware in simavr and check it, cycle by cycle.
 *
 *     harness MODE firmware.elf
 *
 * MODE says what the firmware is and what to assert:
 *   blink1, blink2   the examples: LED edges exact to the tick, the number of
 *                    blinks, "done" on the UART, the CPU asleep > 95 %
 *   buttons          examples/interval_buttons: bouncing presses change an
 *                    interval once per press (UART and LED periods)
 *   irq_alert        examples/irq_alert: INT0 presses (one bouncing) start one
 *                    alert each, LED2 flashes on time, LED1 keeps its beat
 *   press_alert      examples/press_alert: INT0 on both edges into the keys
 *                    debouncer: clean, bouncing and long presses (a long
 *                    press resets the count), LED2 flashes per press
 *   stress           tests/avr/stress.c: 10^5 INT0 edges at pseudo-random
 *                    cycle offsets; nothing lost (counter, flag, ring)
 *   storm            tests/avr/storm.c: INT0 storms at 10k..100k edges/s and
 *                    bursts beside two blinkers and counter, flag and ring
 *                    tasks: each toggle in its tick, no task starved, edges
 *                    merged by the hardware counted per rate
 *   keys, keys_busy  tests/avr/keys.c (without, with -DBUSY): three keys on
 *                    INT0, INT1 and a pin change; chatter, exact and short
 *                    pulses, edges near tick boundaries: events and ticks
 *   wrap             tests/avr/wrap.c: 80 s on the real tick, across the
 *                    16-bit wrap: chained 40 s sleeps and a blinker exact
 *   latency1/3       tests/avr/latency.c (a flag; a flag, counter and ring):
 *                    INT0 edge -> task cycles, min/median/p99/max
 *   unit             tests/avr/unit.c, tests/avr/pins.c: parses "N passed,
 *                    M failed"
 *   bench            tests/avr/bench.c: cycles between GPIOR0 markers, and
 *                    from an INT0 edge to the task's first instruction
 * Prints "ok ..." / "FAIL ..." lines (and "bench ..." rows); exits 1 on any
 * failure. The simulated time runs as fast as the host can: avr->sleep is
 * replaced by a function that only counts the cycles slept.
 *
 * Firmware without an AVR_MCU section (the examples) runs as an atmega328p
 * at 16 MHz.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avr_ioport.h"
#include "avr_uart.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_interrupts.h"
#include "sim_irq.h"
#include "sim_cycle_timers.h"

#define F_HZ 16000000ull
#define MS(x) ((uint64_t)(x) * (F_HZ / 1000u)) /* cycles in x ms */

static avr_t *avr;
static int failures;
static int checks;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    checks++;
    if (!ok)
        failures++;
}

/* ------------------------------------------------------------ sleep */
static uint64_t slept; /* cycles spent in `sleep` */

static void sleep_fast(avr_t *a, avr_cycle_count_t how_long)
{
    (void)a;
    slept += how_long + 1; /* the core adds 1 + how_long to avr->cycle */
}

/* ------------------------------------------------------------ pins */
#define MAX_EDGES 200000
struct edge {
    uint64_t cycle;
    char port;
    uint8_t bit, level;
};
static struct edge edges[MAX_EDGES];
static size_t nedges;

struct watch {
    char port;
    uint8_t bit;
};

static void pin_changed(struct avr_irq_t *irq, uint32_t value, void *param)
{
    const struct watch *w = (const struct watch *)param;
    (void)irq;
    if (nedges < MAX_EDGES) {
        edges[nedges].cycle = avr->cycle;
        edges[nedges].port = w->port;
        edges[nedges].bit = w->bit;
        edges[nedges].level = (uint8_t)(value & 1);
        nedges++;
    }
}

static void watch_pin(char port, uint8_t bit)
{
    struct watch *w = (struct watch *)malloc(sizeof *w);
    w->port = port;
    w->bit = bit;
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit), pin_changed, w);
}

/* Drive an input from outside. SET_EXTERNAL first: without it, any write to
 * PORTx re-raises a pulled-up input to 1 over what we drive. */
static uint8_t ext_mask[8], ext_value[8];

static void drive(char port, uint8_t bit, int level)
{
    int i = port - 'A';
    avr_ioport_external_t e;
    ext_mask[i] |= (uint8_t)(1u << bit);
    if (level)
        ext_value[i] |= (uint8_t)(1u << bit);
    else
        ext_value[i] &= (uint8_t) ~(1u << bit);
    e.name = (unsigned long)port;
    e.mask = ext_mask[i];
    e.value = ext_value[i];
    avr_ioctl(avr, AVR_IOCTL_IOPORT_SET_EXTERNAL(port), &e);
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ(port), bit), (uint32_t)level);
}

/* Scheduled input changes, in cycle order (a sorted script). */
struct input {
    uint64_t cycle;
    char port;
    uint8_t bit, level;
};
#define MAX_INPUTS 4096
static struct input inputs[MAX_INPUTS];
static size_t ninputs, next_input;

static void input_at(uint64_t cycle, char port, uint8_t bit, int level)
{
    if (ninputs < MAX_INPUTS) {
        inputs[ninputs].cycle = cycle;
        inputs[ninputs].port = port;
        inputs[ninputs].bit = bit;
        inputs[ninputs].level = (uint8_t)level;
        ninputs++;
    }
}

static avr_cycle_count_t input_timer(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)param;
    (void)when;
    while (next_input < ninputs && inputs[next_input].cycle <= a->cycle) {
        drive(inputs[next_input].port, inputs[next_input].bit, inputs[next_input].level);
        next_input++;
    }
    return next_input < ninputs ? inputs[next_input].cycle : 0;
}

static void inputs_start(void)
{
    if (ninputs > 0)
        avr_cycle_timer_register(avr, inputs[0].cycle > avr->cycle ? inputs[0].cycle - avr->cycle : 1,
                                 input_timer, NULL);
}

/* A button press with contact bounce: `n` bounces over the first `bounce`
 * cycles of the press and of the release, then `hold` cycles down. */
static uint32_t rng = 12345u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void press(uint64_t at, char port, uint8_t bit, uint64_t hold, uint64_t bounce, int n)
{
    int i;
    uint64_t t = at;
    for (i = 0; i < n; i++) { /* down, up, down, ... */
        input_at(t, port, bit, 0);
        t += 1 + rnd() % (bounce / (2 * (uint64_t)n));
        input_at(t, port, bit, 1);
        t += 1 + rnd() % (bounce / (2 * (uint64_t)n));
    }
    input_at(t, port, bit, 0);
    t = at + hold;
    for (i = 0; i < n; i++) {
        input_at(t, port, bit, 1);
        t += 1 + rnd() % (bounce / (2 * (uint64_t)n));
        input_at(t, port, bit, 0);
        t += 1 + rnd() % (bounce / (2 * (uint64_t)n));
    }
    input_at(t, port, bit, 1);
}

/* ------------------------------------------------------------ UART */
static char uart[65536];
static size_t nuart;

static void uart_out(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    if (nuart < sizeof uart - 1) {
        char c = (char)(value & 0xff);
        if (c != '\r')
            uart[nuart++] = c;
        uart[nuart] = '\0';
    }
}

/* ------------------------------------------------------------ markers */
/* The firmware writes phase numbers to GPIOR0; each write is recorded. */
#define GPIOR0_ADDR 0x3e /* data-space address (I/O 0x1e) */
#define MAX_MARKS 64
static uint64_t mark_cycle[MAX_MARKS];
static uint8_t mark_value[MAX_MARKS];
static size_t nmarks;

static void marker_write(avr_t *a, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)param;
    a->data[addr] = v;
    if (nmarks < MAX_MARKS) {
        mark_cycle[nmarks] = a->cycle;
        mark_value[nmarks] = v;
        nmarks++;
    }
}

/* ------------------------------------------------------------ running */
static avr_t *load(const char *path)
{
    elf_firmware_t f;
    memset(&f, 0, sizeof f);
    if (elf_read_firmware(path, &f) != 0) {
        fprintf(stderr, "harness: cannot read %s\n", path);
        exit(2);
    }
    if (f.mmcu[0] == '\0')
        strcpy(f.mmcu, "atmega328p");
    if (f.frequency == 0)
        f.frequency = (uint32_t)F_HZ;
    avr = avr_make_mcu_by_name(f.mmcu);
    if (avr == NULL) {
        fprintf(stderr, "harness: unknown mcu %s\n", f.mmcu);
        exit(2);
    }
    avr_init(avr);
    avr_load_firmware(avr, &f);
    avr->log = LOG_NONE;
    avr->sleep = sleep_fast;
    {
        uint32_t flags = 0;
        avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
        flags &= ~(uint32_t)AVR_UART_FLAG_STDIO;
        avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    }
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), uart_out, NULL);
    avr_register_io_write(avr, GPIOR0_ADDR, marker_write, NULL);
    return avr;
}

/* Stack use, sampled after every instruction: the lowest stack pointer seen
 * (RAMEND - sp_min bytes at most during the run), and a bound that does not
 * depend on when interrupts happened to come: the deepest stack outside
 * interrupts plus the deepest interrupt frame (one level: no ISR of ours
 * re-enables interrupts). */
#define SPL_ADDR 0x5d /* data-space addresses of SPL, SPH */
#define SPH_ADDR 0x5e
#define RAMEND_ADDR 0x8ffu /* atmega328p */
static unsigned sp_min = 0xffff, sp_min_main = 0xffff, isr_frame_max, sp_before_isr;

/* Run until the firmware stops (sleep or `rjmp .` with interrupts off: the
 * end of main) or `limit` cycles have passed. Returns the end state. */
static int run(uint64_t limit)
{
    int state = cpu_Running;
    while (avr->cycle < limit) {
        unsigned sp;
        state = avr_run(avr);
        sp = (unsigned)avr->data[SPL_ADDR] | (unsigned)avr->data[SPH_ADDR] << 8;
        if (sp < sp_min)
            sp_min = sp;
        if (avr->interrupts.running_ptr == 0) {
            sp_before_isr = sp;
            if (sp < sp_min_main)
                sp_min_main = sp;
        } else if (sp <= sp_before_isr && sp_before_isr - sp > isr_frame_max) {
            isr_frame_max = sp_before_isr - sp;
        }
        if (state == cpu_Done || state == cpu_Crashed)
            break;
        if (!avr->sreg[S_I] && avr->flash[avr->pc] == 0xff && avr->flash[avr->pc + 1] == 0xcf) {
            state = cpu_Done; /* exit(): cli; rjmp . */
            break;
        }
    }
    return state;
}

/* Edges of one pin, in order: real changes only (the pin starts low; simavr
 * also reports the first write of a level it already had). */
static size_t pin_edges(char port, uint8_t bit, struct edge *out, size_t max)
{
    size_t i, n = 0;
    uint8_t level = 0;
    for (i = 0; i < nedges && n < max; i++)
        if (edges[i].port == port && edges[i].bit == bit && edges[i].level != level) {
            level = edges[i].level;
            out[n++] = edges[i];
        }
    return n;
}

static struct edge sel[MAX_EDGES];

/* A blinking pin: `n` on-edges, each half period `half_ms` long, exact to
 * +-1 tick; the first edge at `first_ms` (+-1 tick) after the start. */
static void check_blink(const char *name, char port, uint8_t bit, unsigned n, unsigned half_ms)
{
    size_t k = pin_edges(port, bit, sel, MAX_EDGES), i;
    unsigned on = 0;
    int64_t worst = 0;
    for (i = 0; i < k; i++)
        on += sel[i].level;
    check(on == n && k == 2 * n, "%s: %u blinks (%zu edges; want %u blinks, %u edges)", name, on, k, n, 2 * n);
    for (i = 1; i < k; i++) {
        int64_t d = (int64_t)(sel[i].cycle - sel[i - 1].cycle) - (int64_t)MS(half_ms);
        if (d < 0)
            d = -d;
        if (d > worst)
            worst = d;
    }
    check(k > 1 && worst <= (int64_t)MS(1),
          "%s: every half period is %u ms +- 1 tick (worst deviation %lld cycles = %.3f ms)", name,
          half_ms, (long long)worst, (double)worst / (double)MS(1));
}

static uint64_t mark(uint8_t v);

static void check_sleep(const char *name, double min_fraction)
{
    double f = (double)slept / (double)avr->cycle;
    check(f > min_fraction, "%s: asleep %.2f %% of %llu cycles (want > %.0f %%)", name, 100.0 * f,
          (unsigned long long)avr->cycle, 100.0 * min_fraction);
}

/* ------------------------------------------------------------ modes */
static void mode_blink(int two)
{
    int state;
    watch_pin('B', 5);
    watch_pin('B', 4);
    state = run(MS(7000));
    check(state == cpu_Done, "%s: main returned (the loop ended) after %.1f ms", two ? "blink2" : "blink1",
          (double)avr->cycle / (double)MS(1));
    check_blink(two ? "blink2 LED1" : "blink1 LED1", 'B', 5, 10, 250);
    if (two)
        check_blink("blink2 LED2", 'B', 4, 20, 100);
    check(strcmp(uart, "done\n") == 0, "UART printed \"done\" (got \"%s\")", uart);
    {
        /* "done" after the last LED1 edge, which ends the 5 s */
        size_t k = pin_edges('B', 5, sel, MAX_EDGES);
        check(k > 0 && avr->cycle >= sel[k - 1].cycle, "done after the last blink");
    }
    check_sleep(two ? "blink2" : "blink1", 0.95);
}

/* Interval of an LED: cycles between its edges after `from`. */
static uint64_t led_period_after(uint8_t bit, uint64_t from)
{
    size_t k = pin_edges('B', bit, sel, MAX_EDGES), i;
    for (i = 1; i + 1 < k; i++)
        if (sel[i].cycle > from)
            return sel[i + 1].cycle - sel[i].cycle;
    return 0;
}

static void check_period(const char *what, uint64_t cycles, unsigned ms)
{
    int64_t d = (int64_t)cycles - (int64_t)MS(ms);
    check(d >= -(int64_t)MS(1) && d <= (int64_t)MS(1), "%s (%.3f ms, +- 1 tick)", what,
          (double)cycles / (double)MS(1));
}

static void mode_buttons(void)
{
    /* BUTTON1..4 = PD2..PD5; the demo script's presses, with bounce */
    static const struct {
        unsigned ms;
        uint8_t bit;
    } script[] = { { 600, 3 }, { 1200, 3 }, { 1800, 5 }, { 2400, 5 }, { 3000, 2 }, { 3400, 4 } };
    static const char *const want[] = { "LED1 interval is now 400 ms", "LED1 interval is now 300 ms",
                                        "LED2 interval is now 900 ms", "LED2 interval is now 800 ms",
                                        "LED1 interval is now 400 ms", "LED2 interval is now 900 ms" };
    size_t i;
    char expect[512];
    int state;
    watch_pin('B', 5);
    watch_pin('B', 4);
    for (i = 0; i < 4; i++)
        drive('D', (uint8_t)(2 + i), 1); /* released */
    for (i = 0; i < sizeof script / sizeof script[0]; i++)
        press(MS(script[i].ms), 'D', script[i].bit, MS(100), MS(5), 4);
    inputs_start();
    state = run(MS(4000));
    check(state != cpu_Crashed, "buttons: ran 4 s");
    strcpy(expect, "BUTTON1/BUTTON2: LED1 slower/faster, BUTTON3/BUTTON4: LED2 slower/faster\n");
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        strcat(expect, want[i]);
        strcat(expect, "\n");
    }
    check(strcmp(uart, expect) == 0, "buttons: one interval change per bouncing press (UART: \"%s\")", uart);
    /* LED periods follow: LED1 500 -> 400 (after 600 ms) -> 300; LED2 1000 -> 900 -> 800 */
    check_period("buttons: LED1 toggles every 500 ms at first", led_period_after(5, MS(100)), 500);
    check_period("buttons: LED1 every 300 ms after two faster presses", led_period_after(5, MS(1500)), 300);
    check_period("buttons: LED2 every 800 ms after two faster presses", led_period_after(4, MS(2600)), 800);
    check_sleep("buttons", 0.90);
}

/* stress: INT0 (PD2) any-edge, each edge a pseudo-random gap after the last;
 * then INT1 (PD3) falling asks the firmware for its report. */
static unsigned long stress_edges, stress_target = 100000, int0_runs;
static int pd2_level = 1;
static uint64_t gap_min = 400, gap_max = 2500;

static avr_cycle_count_t stress_timer(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)param;
    (void)a;
    if (stress_edges < stress_target) {
        pd2_level = !pd2_level;
        drive('D', 2, pd2_level);
        stress_edges++;
        /* mostly spread out; one gap in 16 is a burst of back-to-back edges */
        if ((rnd() & 15) == 0)
            return when + gap_min;
        return when + gap_min + rnd() % (gap_max - gap_min);
    }
    drive('D', 3, 0); /* report */
    return 0;
}

static void int0_running(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    if (value)
        int0_runs++;
}

static void mode_stress(void)
{
    unsigned long isr = 0, counter = 0, flag = 0, pushed = 0, popped = 0, over = 0;
    const char *line;
    int state, n;
    drive('D', 2, 1);
    drive('D', 3, 1);
    avr_irq_register_notify(avr_get_interrupt_irq(avr, 1 /* INT0 */) + AVR_INT_IRQ_RUNNING, int0_running, NULL);
    run(MS(5)); /* let it set up */
    avr_cycle_timer_register(avr, 100, stress_timer, NULL);
    state = run(avr->cycle + MS(20000));
    check(state == cpu_Done, "stress: firmware reported and stopped (%.0f ms simulated)",
          (double)avr->cycle / (double)MS(1));
    line = strstr(uart, "stress ");
    n = line ? sscanf(line, "stress isr=%lu counter=%lu flag=%lu pushed=%lu popped=%lu over=%lu", &isr, &counter,
                      &flag, &pushed, &popped, &over)
             : 0;
    check(n == 6, "stress: report parsed (UART: \"%s\")", uart);
    check(stress_edges == stress_target && int0_runs == stress_edges,
          "stress: %lu INT0 edges injected, %lu INT0 interrupts ran", stress_edges, int0_runs);
    check(isr == int0_runs, "stress: firmware ISR count %lu", isr);
    check(counter == isr, "stress: counter total %lu == interrupts", counter);
    check(flag == isr, "stress: flag sets consumed %lu == interrupts", flag);
    check(pushed + over == isr && popped == pushed,
          "stress: ring produced %lu = consumed %lu + overflowed %lu (of %lu)", pushed, popped, over, isr);
    check(over > 0 && pushed > 0, "stress: the ring both overflowed and delivered (over %lu)", over);
    {
        unsigned long fo = 1, co = 1, oe = 1, as = 1;
        line = strstr(uart, "flag overflows=");
        n = line ? sscanf(line, "flag overflows=%lu counter overflows=%lu order errors=%lu asserts=%lu", &fo, &co,
                          &oe, &as)
                 : 0;
        check(n == 4 && fo == 0 && co == 0 && oe == 0 && as == 0,
              "stress: no saturated count, no record popped twice, no COOP_ASSERT");
    }
}

/* ------------------------------------------------------------ storm */
/* tests/avr/storm.c. Phases of INT0 edges (PD2 toggled): a fixed rate, or
 * bursts of `burst` edges `spacing` cycles apart every `period` cycles; with
 * `light` the harness holds PD4 high and the handler only sets the flag. In
 * each phase: edges injected, INT0 interrupts run (the rest were merged by
 * the hardware's single pending flag), the share of the CPU inside INT0, each
 * blinker toggle's tick against the tick it was due (from the cycle of the
 * pin change and the firmware's tick origin), and how long each consumer
 * task waited: the longest gap between two of its runs (GPIOR1 writes) while
 * a fixed-rate storm feeds it, or from a burst's first edge to its next run.
 * A judged phase fails if a blinker is more than `late` ticks late or a
 * consumer waited longer than STARVE_BOUND_MS. */
#define GPIOR1_ADDR 0x4a /* data-space address (I/O 0x2a) */
#define TICK_CYCLES 16000u
#define NTASKS 6
#define STARVE_BOUND_MS 2
#define QUIET_MS 50 /* between phases */

struct phase {
    const char *name;
    unsigned ms;      /* duration */
    uint32_t spacing; /* cycles between edges (in a burst) */
    unsigned burst;   /* edges per burst; 0: a fixed rate */
    uint32_t period;  /* cycles between burst starts */
    int light;        /* the handler only sets the flag */
    int judged;       /* 0: figures only (the handler alone saturates the CPU) */
    unsigned late;    /* ticks a blinker may be late */
};
struct measured {
    uint64_t start, end, isr_cycles;
    unsigned long injected, runs, nruns[NTASKS];
    uint64_t wait[NTASKS];   /* consumers: the longest wait */
    unsigned late[NTASKS];   /* blinkers: the most ticks late */
    long lost;               /* ticks the clock lost (tick interrupts held off for a whole tick) */
    unsigned toggles[NTASKS];
};
static const struct phase phases[] = {
    { "10k edges/s", 300, 1600, 0, 0, 0, 1, 0 },
    { "33k edges/s", 300, 485, 0, 0, 0, 1, 0 },
    /* 1 tick: a timer's task joins the run queue behind the consumers that
     * yielded in the pass before, so it waits up to two passes, ~1.4 ms here
     * with 34 % of the CPU left (0 ticks once timer-woken tasks go first) */
    { "50k edges/s", 300, 320, 0, 0, 0, 1, 1 },
    /* figures only: the handler needs 96 % of the CPU, and INT0 outranks the
     * tick's interrupt, so the clock itself loses ticks */
    { "100k edges/s", 300, 160, 0, 0, 0, 0, 0 },
    { "100k edges/s, flag only", 300, 160, 0, 0, 1, 1, 0 },
    { "bursts: 32 at 100k/s every 2 ms", 200, 160, 32, 32000, 0, 1, 0 },
    { "bursts: 16 at 400k/s every 1 ms", 200, 40, 16, 16000, 0, 1, 0 },
};
#define NPHASES (sizeof phases / sizeof phases[0])
static struct measured meas[NPHASES];

static size_t cur_phase;
static unsigned burst_i;
static uint64_t burst_start;
static uint64_t origin; /* the cycle of tick 0 (GPIOR0 = 0x5a) */
static uint64_t last_run[NTASKS], burst_seen[NTASKS], burst_first;
/* The port's clock: the cycle at which each tick interrupt (TIMER0_COMPA)
 * began, from the origin on; tick n of the firmware begins at tick_cycle[n-1]. */
#define MAX_TICKS 20000
static uint64_t tick_cycle[MAX_TICKS];
static size_t nticks;

static void tick_running(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    if (value && nticks < MAX_TICKS)
        tick_cycle[nticks++] = avr->cycle;
}

/* Tick interrupts begun up to cycle c. */
static uint64_t ticks_upto(uint64_t c)
{
    size_t lo = 0, hi = nticks;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (tick_cycle[mid] <= c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The firmware's tick at cycle c: tick interrupts begun since the origin. */
static uint64_t tick_at(uint64_t c)
{
    return ticks_upto(c) - ticks_upto(origin);
}
static int storm_done;

static int in_phase(size_t i, uint64_t c)
{
    return meas[i].start != 0 && c > meas[i].start && (meas[i].end == 0 || c <= meas[i].end);
}

static void gpior1_write(avr_t *a, avr_io_addr_t addr, uint8_t v, void *param)
{
    size_t i;
    (void)param;
    a->data[addr] = v;
    if (v == 0 || v >= NTASKS)
        return;
    for (i = 0; i < NPHASES; i++) {
        struct measured *m = &meas[i];
        if (!in_phase(i, a->cycle))
            continue;
        m->nruns[v]++;
        if (v >= 3 && phases[i].burst == 0 && a->cycle > m->start + MS(1) && last_run[v] != 0 &&
            a->cycle - last_run[v] > m->wait[v])
            m->wait[v] = a->cycle - last_run[v]; /* the storm feeds it all along */
        if (v >= 3 && phases[i].burst != 0 && burst_first != 0 && burst_seen[v] != burst_first) {
            burst_seen[v] = burst_first; /* its first run since this burst began */
            if (a->cycle - burst_first > m->wait[v])
                m->wait[v] = a->cycle - burst_first;
        }
    }
    last_run[v] = a->cycle;
}

static uint64_t int0_entered;
static size_t started; /* phases begun */
static void storm_int0_running(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    /* an interrupt belongs to the phase begun last (its edges' phase: a
     * late one may run in the quiet gap after it) */
    if (value) {
        int0_runs++;
        int0_entered = avr->cycle;
        if (started != 0)
            meas[started - 1].runs++;
    } else if (started != 0 && int0_entered != 0) {
        meas[started - 1].isr_cycles += avr->cycle - int0_entered;
    }
}

static avr_cycle_count_t storm_timer(avr_t *a, avr_cycle_count_t when, void *param)
{
    const struct phase *p;
    struct measured *m;
    (void)param;
    if (cur_phase >= NPHASES) {
        drive('D', 3, 0); /* report */
        storm_done = 1;
        return 0;
    }
    p = &phases[cur_phase];
    m = &meas[cur_phase];
    if (m->start == 0) {
        drive('D', 4, p->light);
        m->start = a->cycle;
        started = cur_phase + 1;
        burst_i = 0;
        burst_start = a->cycle;
    }
    if (a->cycle >= m->start + MS(p->ms)) {
        m->end = a->cycle;
        cur_phase++;
        return when + MS(QUIET_MS);
    }
    if (p->burst != 0 && burst_i == 0)
        burst_first = a->cycle;
    pd2_level = !pd2_level;
    drive('D', 2, pd2_level);
    m->injected++;
    stress_edges++;
    if (p->burst == 0 || ++burst_i < p->burst)
        return when + p->spacing;
    burst_i = 0;
    burst_start += p->period;
    return burst_start > when ? burst_start : when + 1;
}

/* Each toggle of a blinker (every `period` ticks from tick 0) against its
 * due tick, per phase: a toggle belongs to the firmware's tick in which it
 * happened (tick interrupts seen so far). */
static void blinker_ticks(uint8_t id, uint8_t bit, unsigned period, unsigned *off_tick)
{
    size_t k = pin_edges('B', bit, sel, MAX_EDGES), i, ph;
    for (i = 0; i < k; i++) {
        uint64_t due = (uint64_t)period * (i + 1);
        uint64_t in = tick_at(sel[i].cycle);
        unsigned late = in > due ? (unsigned)(in - due) : 0;
        if (in < due)
            late = 99; /* early: a wheel error */
        if (late != 0)
            (*off_tick)++;
        for (ph = 0; ph < NPHASES; ph++)
            if (in_phase(ph, sel[i].cycle)) {
                meas[ph].toggles[id]++;
                if (late > meas[ph].late[id])
                    meas[ph].late[id] = late;
            }
    }
}

static void mode_storm(void)
{
    static const char *const task_name[NTASKS] = { "", "blink_a", "blink_b", "counter", "flag", "ring" };
    unsigned long isr = 0, counter = 0, flag = 0, pushed = 0, popped = 0, over = 0, added = 0, offered = 0;
    unsigned late_a = 99, late_b = 99, wakes_a = 0, wakes_b = 0, asserts = 99, off_a = 0, off_b = 0;
    const char *line;
    size_t i, t;
    int state, n;
    watch_pin('B', 5);
    watch_pin('B', 4);
    drive('D', 2, 1);
    drive('D', 3, 1);
    drive('D', 4, 0);
    avr_register_io_write(avr, GPIOR1_ADDR, gpior1_write, NULL);
    avr_irq_register_notify(avr_get_interrupt_irq(avr, 1 /* INT0 */) + AVR_INT_IRQ_RUNNING,
                            storm_int0_running, NULL);
    avr_irq_register_notify(avr_get_interrupt_irq(avr, 14 /* TIMER0_COMPA */) + AVR_INT_IRQ_RUNNING,
                            tick_running, NULL);
    run(MS(5)); /* set up: the tick origin is written */
    origin = mark(0x5a);
    check(origin != 0, "storm: the firmware marked its tick origin");
    avr_cycle_timer_register(avr, MS(20), storm_timer, NULL);
    state = run(avr->cycle + MS(5000));
    check(state == cpu_Done && storm_done, "storm: firmware reported and stopped (%.0f ms simulated)",
          (double)avr->cycle / (double)MS(1));
    for (i = 0; i < NPHASES; i++) /* the clock: ticks it counted against cycles elapsed */
        meas[i].lost = (long)((meas[i].end - meas[i].start) / TICK_CYCLES) -
                       (long)(tick_at(meas[i].end) - tick_at(meas[i].start));
    blinker_ticks(1, 5, 5, &off_a);
    blinker_ticks(2, 4, 3, &off_b);
    for (i = 0; i < NPHASES; i++) {
        const struct phase *p = &phases[i];
        struct measured *m = &meas[i];
        int ok = 1;
        printf("     %-32s edges %5lu, INT0 ran %5lu, merged %5lu (%4.1f %%), INT0 %4.1f %% of the CPU "
               "(%3.0f cycles a run)\n", p->name, m->injected, m->runs, m->injected - m->runs,
               m->injected ? 100.0 * (double)(m->injected - m->runs) / (double)m->injected : 0.0,
               100.0 * (double)m->isr_cycles / (double)(m->end - m->start),
               m->runs ? (double)m->isr_cycles / (double)m->runs : 0.0);
        printf("     %-32s clock lost %ld ticks; blinkers late at most %u, %u ticks (%u, %u toggles); "
               "longest wait, ms:", "", m->lost, m->late[1], m->late[2], m->toggles[1], m->toggles[2]);
        for (t = 3; t < NTASKS; t++) {
            printf(" %s %.2f (%lu runs)", task_name[t], (double)m->wait[t] / (double)MS(1), m->nruns[t]);
            if ((!p->light || t == 4) && (m->nruns[t] == 0 || m->wait[t] > MS(STARVE_BOUND_MS)))
                ok = 0; /* (flag only: the counter and the ring are not fed) */
        }
        printf("\n");
        for (t = 1; t <= 2; t++)
            if (m->toggles[t] == 0 || m->late[t] > p->late)
                ok = 0;
        if (m->lost > 1 || m->lost < -1) /* (a phase's ends cut ticks: +-1) */
            ok = 0;
        if (p->judged)
            check(ok, "storm: %s: clock exact, blinkers at most %u tick late, consumers waited at most %u ms",
                  p->name, p->late, STARVE_BOUND_MS);
    }
    line = strstr(uart, "storm isr=");
    n = line ? sscanf(line, "storm isr=%lu flag=%lu added=%lu counter=%lu offered=%lu pushed=%lu popped=%lu "
                      "over=%lu", &isr, &flag, &added, &counter, &offered, &pushed, &popped, &over)
             : 0;
    check(n == 8, "storm: report parsed (UART: \"%s\")", uart);
    check(isr == int0_runs, "storm: firmware ISR count %lu == INT0 runs %lu", isr, int0_runs);
    check(flag == isr && counter == added && added + offered <= isr,
          "storm: flag %lu == interrupts %lu, counter %lu == adds %lu", flag, isr, counter, added);
    check(pushed + over == offered && popped == pushed,
          "storm: ring offered %lu = consumed %lu + overflowed %lu", offered, popped, over);
    line = strstr(uart, "storm late_a=");
    n = line ? sscanf(line, "storm late_a=%u late_b=%u wakes_a=%u wakes_b=%u asserts=%u", &late_a, &late_b,
                      &wakes_a, &wakes_b, &asserts)
             : 0;
    check(n == 5 && asserts == 0 && late_a < 99 && late_b < 99, "storm: no COOP_ASSERT; by the port's clock "
          "the blinkers were late at most %u, %u ticks (%u, %u wakes; %u, %u toggles off their tick)",
          late_a, late_b, wakes_a, wakes_b, off_a, off_b);
}

/* wrap: tests/avr/wrap.c, 80.5 s on the real Timer0 tick (16-bit ticks wrap
 * at 65.536 s): two chained 40 s sleeps end 40 000 and 80 000 ms after
 * their start (+- 1 tick, in cycles), the loop's ticks say the same across
 * the wrap, and LED1's 1000 ms half periods stay exact through it. */
static void mode_wrap(void)
{
    unsigned t0 = 0, t1 = 0, t2 = 0;
    const char *line;
    uint64_t m0, m1, m2;
    int state, n;
    watch_pin('B', 5);
    state = run(MS(82000));
    check(state == cpu_Done, "wrap: firmware stopped after %.1f s simulated", (double)avr->cycle / (double)F_HZ);
    m0 = mark(0x11);
    m1 = mark(0x12);
    m2 = mark(0x13);
    check(m0 && m1 > m0 && m2 > m1, "wrap: the sleeps began and ended (markers)");
    if (m0 && m1 > m0 && m2 > m1) {
        int64_t d1 = (int64_t)(m1 - m0) - (int64_t)MS(40000), d2 = (int64_t)(m2 - m0) - (int64_t)MS(80000);
        check(d1 > -(int64_t)MS(1) && d1 < (int64_t)MS(1) && d2 > -(int64_t)MS(1) && d2 < (int64_t)MS(1),
              "wrap: the chained 40 s sleeps ended at %.3f and %.3f s (+- 1 tick)", (double)(m1 - m0) / (double)F_HZ,
              (double)(m2 - m0) / (double)F_HZ);
    }
    line = strstr(uart, "wrap t0=");
    n = line ? sscanf(line, "wrap t0=%u t1=%u t2=%u", &t0, &t1, &t2) : 0;
    check(n == 3 && ((t1 - t0) & 0xffffu) == 40000u && ((t2 - t0) & 0xffffu) == (80000u & 0xffffu) &&
              t2 < t1,
          "wrap: the loop's ticks %u -> %u -> %u: 40000 apart each, across the wrap (UART: \"%s\")", t0, t1, t2,
          uart);
    check_blink("wrap LED1", 'B', 5, 40, 1000);
}

/* latency: tests/avr/latency.c. LAT_N falling edges on PD2, each 2..4 ms
 * after the last at a pseudo-random cycle (any phase of the tick); the
 * cycles from each edge to the flag task's GPIOR2 write, as min, median,
 * p99 and max. `what` names the firmware's handler. */
#define GPIOR2_ADDR 0x4b /* data-space address (I/O 0x2b) */
#define LAT_N 1000
static uint64_t lat_edge[LAT_N], lat[LAT_N];
static size_t lat_sent, lat_got;

static void gpior2_write(avr_t *a, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)param;
    a->data[addr] = v;
    if (lat_got < lat_sent && lat_got < LAT_N)
        lat[lat_got] = a->cycle - lat_edge[lat_got];
    lat_got++;
}

static avr_cycle_count_t lat_timer(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)param;
    if (pd2_level == 0) { /* release, then the next edge */
        pd2_level = 1;
        drive('D', 2, 1);
        return lat_sent < LAT_N ? when + MS(2) + rnd() % MS(2) : 0;
    }
    lat_edge[lat_sent++] = a->cycle;
    pd2_level = 0;
    drive('D', 2, 0);
    return when + MS(1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void mode_latency(const char *what)
{
    drive('D', 2, 1);
    pd2_level = 1;
    avr_register_io_write(avr, GPIOR2_ADDR, gpior2_write, NULL);
    run(MS(10));
    avr_cycle_timer_register(avr, MS(1) + 333, lat_timer, NULL);
    run(avr->cycle + MS(4 * LAT_N + 100));
    check(lat_sent == LAT_N && lat_got == LAT_N, "latency: %zu edges, %zu task wakes", lat_sent, lat_got);
    if (lat_got == LAT_N) {
        qsort(lat, LAT_N, sizeof lat[0], cmp_u64);
        printf("bench avr  INT0 edge -> waiting task, %-15s cycles: min %llu, median %llu, p99 %llu, max %llu "
               "(%d edges)\n", what, (unsigned long long)lat[0], (unsigned long long)lat[LAT_N / 2],
               (unsigned long long)lat[LAT_N * 99 / 100], (unsigned long long)lat[LAT_N - 1], LAT_N);
    }
}

/* keys: tests/avr/keys.c (BUSY or not). Edges are placed by tick (from the
 * firmware's origin) and a cycle offset into it, at least 300 cycles from a
 * tick boundary so that each edge's stamp is known; the expected events
 * follow the rule of coop/keys.h from those stamps. */
#define KT(tick, off) (origin + (uint64_t)(tick) * TICK_CYCLES + (uint64_t)(off))
static uint64_t busy_from[64], busy_to[64];
static size_t nbusy;

static void busy_write(avr_t *a, avr_io_addr_t addr, uint8_t v, void *param)
{
    (void)param;
    a->data[addr] = v;
    if (v == 1 && nbusy < 64)
        busy_from[nbusy] = a->cycle;
    else if (v == 2 && nbusy < 64)
        busy_to[nbusy++] = a->cycle;
}

static int during_busy(uint64_t c)
{
    size_t i;
    for (i = 0; i < nbusy; i++)
        if (c > busy_from[i] && c < busy_to[i])
            return 1;
    return 0;
}

static void mode_keys(int busy)
{
    static const char want[] = "key 0 P 1040\nkey 1 P 1040\nkey 0 R 1060\nkey 1 R 1150\n"
                               "key 2 P 1220\nkey 2 R 1240\nkey 0 P 1419\nkey 0 R 1439\n";
    uint64_t c;
    unsigned t;
    int state, lvl = 1;
    drive('D', 2, 1);
    drive('D', 3, 1);
    drive('D', 4, 1);
    avr_register_io_write(avr, GPIOR1_ADDR, busy_write, NULL);
    run(MS(5));
    origin = mark(0x5a);
    check(origin != 0, "keys: the firmware marked its tick origin");
    /* keys 0 and 1 pressed in one tick; key 0 released exactly 20 ticks
     * later, 3000 cycles into tick 1040 (during the busy task's work) */
    input_at(KT(1020, 3000), 'D', 2, 0);
    input_at(KT(1020, 5000), 'D', 3, 0);
    input_at(KT(1021, 3000), 'D', 4, 0); /* key 2: 19 ticks, nothing */
    input_at(KT(1040, 3000), 'D', 2, 1);
    input_at(KT(1040, 4000), 'D', 4, 1);
    /* key 1: released with 30 ms of chatter, an edge every 50 us (20 a tick),
     * only on release */
    for (c = KT(1100, 3000); c < KT(1130, 3000); c += 800) {
        lvl = !lvl;
        input_at(c, 'D', 3, lvl == 0 ? 1 : 0);
    }
    input_at(KT(1130, 3000), 'D', 3, 1);
    /* key 2: exactly 20 ticks, released during the busy task's work */
    input_at(KT(1200, 3000), 'D', 4, 0);
    input_at(KT(1220, 3000), 'D', 4, 1);
    /* at the tick boundary: 300 cycles after tick 1300 began, 300 before
     * tick 1320 (stamp 1319): 19 ticks, nothing; then 300 before 1400 (stamp
     * 1399) and 300 before 1420 (stamp 1419): 20 ticks, a press */
    input_at(KT(1300, 300), 'D', 2, 0);
    input_at(KT(1320, 0) - 300, 'D', 2, 1);
    input_at(KT(1400, 0) - 300, 'D', 2, 0);
    input_at(KT(1420, 0) - 300, 'D', 2, 1);
    inputs_start();
    state = run(origin + MS(1600));
    check(state != cpu_Crashed, "keys: ran to tick 1600");
    check(strcmp(uart, want) == 0, "keys: %s, every event at its tick (UART: \"%s\")",
          busy ? "with a busy task due on the release ticks" : "without a busy task", uart);
    if (busy) {
        t = (unsigned)nbusy;
        check(t == 26 && during_busy(KT(1040, 3000)) && during_busy(KT(1220, 3000)),
              "keys: the busy task ran %u times, and was working when keys 0 and 2 were released", t);
    }
}

static void mode_unit(void)
{
    unsigned long passed = 0, failed = 0;
    const char *line;
    int state = run(MS(60000));
    check(state == cpu_Done, "unit: firmware ended (%.0f ms simulated)", (double)avr->cycle / (double)MS(1));
    line = strstr(uart, " passed, ");
    while (line != NULL && line > uart && line[-1] >= '0' && line[-1] <= '9')
        line--;
    if (line == NULL || sscanf(line, "%lu passed, %lu failed", &passed, &failed) != 2) {
        check(0, "unit: no \"N passed, M failed\" line (UART: \"%s\")", uart);
        return;
    }
    if (failed != 0)
        printf("%s", uart);
    check(passed > 0 && failed == 0, "unit: %lu passed, %lu failed", passed, failed);
}

/* bench: GPIOR0 markers (tests/avr/bench.c): 1/2 around N empty calls
 * (baseline), 3/4 around N coroutine calls, 5/6 around the dispatch loop;
 * then the firmware sleeps waiting on an INT0 flag and writes 7 first thing
 * when it wakes: we pull PD2 low at a known cycle. */
static uint64_t edge_cycle;
static avr_cycle_count_t edge_timer(avr_t *a, avr_cycle_count_t when, void *param)
{
    (void)a;
    (void)param;
    edge_cycle = avr->cycle;
    drive('D', 2, 0);
    return when * 0;
}

static uint64_t mark(uint8_t v)
{
    size_t i;
    for (i = 0; i < nmarks; i++)
        if (mark_value[i] == v)
            return mark_cycle[i];
    return 0;
}

static void mode_bench(void)
{
    unsigned long n_yield = 0, n_disp = 0, n_base = 0;
    const char *line;
    drive('D', 2, 1);
    run(MS(200)); /* the firmware measures, then sleeps on the flag */
    line = strstr(uart, "bench ");
    check(line != NULL && sscanf(line, "bench base=%lu yield=%lu dispatch=%lu", &n_base, &n_yield, &n_disp) == 3,
          "bench: parameters (UART: \"%s\")", uart);
    avr_cycle_timer_register(avr, MS(3) + 1234, edge_timer, NULL); /* mid-tick, asleep */
    run(avr->cycle + MS(10));
    if (n_base && n_yield && n_disp && mark(6)) {
        double base = (double)(mark(2) - mark(1)) / (double)n_base;
        double y = (double)(mark(4) - mark(3)) / (double)n_yield;
        double d = (double)(mark(6) - mark(5)) / (double)n_disp;
        printf("bench avr  %-58s %8.1f\n", "call of an empty noinline function (baseline), cycles", base);
        printf("bench avr  %-58s %8.1f\n", "yield+resume (call, resume, yield, return), cycles", y);
        printf("bench avr  %-58s %8.1f\n", "yield+resume minus the baseline, cycles", y - base);
        printf("bench avr  %-58s %8.1f\n", "scheduler dispatch, 2 yielding tasks, cycles", d);
    }
    check(mark(7) != 0 && edge_cycle != 0, "bench: the task woke on the INT0 edge");
    if (mark(7) && edge_cycle)
        printf("bench avr  %-58s %8llu\n", "INT0 edge -> first instruction of the waiting task, cycles",
               (unsigned long long)(mark(7) - edge_cycle));
}

/* examples/irq_alert: a bouncing press on PD2 (INT0, falling edge, the
 * port's coop_pin_on_edge) at 1000 ms and a clean one at 2500 ms each flash
 * LED2 (PB4) 3 times, 100 ms on and off, from the press on; the bounces
 * start no second alert; LED1 (PB5) keeps toggling every 700 ms. */
static void mode_irq_alert(void)
{
    static const unsigned at[2] = { 1000, 2500 };
    size_t k, i, n2;
    int ok = 1;
    watch_pin('B', 5);
    watch_pin('B', 4);
    drive('D', 2, 1);
    press(MS(at[0]), 'D', 2, MS(100), MS(5), 4);
    press(MS(at[1]), 'D', 2, MS(100), MS(5), 1);
    inputs_start();
    run(MS(3500));
    check(strcmp(uart, "Interrupt + async demo ready\nEvent detected: starting alert\n"
                       "Event detected: starting alert\n") == 0,
          "irq_alert: one alert per press (UART: \"%s\")", uart);
    n2 = pin_edges('B', 4, sel, MAX_EDGES);
    check(n2 == 12, "irq_alert: LED2 has 12 edges (got %zu, want 6 per alert)", n2);
    for (k = 0; k < 2 && n2 == 12; k++)
        for (i = 0; i < 6; i++) {
            int64_t d = (int64_t)sel[6 * k + i].cycle - (int64_t)MS(at[k] + 100 * i);
            /* the first edge comes after the UART line (~3 ms at 115200 Bd) */
            if (d < -(int64_t)MS(1) || d > (int64_t)MS(i == 0 ? 10 : 1)) {
                printf("LED2 edge %zu of alert %zu: %lld cycles off\n", i, k, (long long)d);
                ok = 0;
            }
        }
    check(ok, "irq_alert: LED2 edges at press + 100, ..., 500 ms (+- 1 tick), the first after the UART line");
    check_period("irq_alert: LED1 toggles every 700 ms during the alerts", led_period_after(5, MS(900)), 700);
    check_sleep("irq_alert", 0.95);
}

/* press_alert: BUTTON1 (PD2, INT0 on both edges) through the keys debouncer:
 * a clean press, a bouncing one, a clean one, a press held 800 ms (a long
 * press: the counter resets, no count), one more press. Each counted press
 * flashes LED2 three times (100 ms on, 100 ms off). */
static void mode_press_alert(void)
{
    static const char want[] = "press BUTTON1 to count, hold it 600 ms to reset\n"
                               "press 1\npress 2\npress 3\n"
                               "long press: counter reset to 0\n"
                               "press 1\n";
    size_t k;
    int state;
    watch_pin('B', 5);
    watch_pin('B', 4);
    drive('D', 2, 1); /* released */
    press(MS(500), 'D', 2, MS(100), MS(1), 1);    /* clean: no bounce */
    press(MS(1000), 'D', 2, MS(100), MS(6), 4);   /* 4 bounces each way */
    press(MS(1500), 'D', 2, MS(120), MS(4), 2);
    press(MS(2200), 'D', 2, MS(800), MS(6), 3);   /* long: held past 600 ms */
    press(MS(3600), 'D', 2, MS(100), MS(6), 3);
    inputs_start();
    state = run(MS(4500));
    check(state != cpu_Crashed, "press_alert: ran 4.5 s");
    check(strcmp(uart, want) == 0, "press_alert: 4 presses counted once each, the long press resets "
                                    "(UART: \"%s\")", uart);
    /* LED2: 3 flashes per counted press = 6 edges each, 4 presses; none
     * for the long press */
    k = pin_edges('B', 4, sel, MAX_EDGES);
    check(k == 24, "press_alert: LED2 made %zu edges (want 24: 3 flashes x 4 presses)", k);
    check_period("press_alert: LED1 heartbeat every 500 ms", led_period_after(5, MS(1000)), 500);
    check_sleep("press_alert", 0.90);
}

int main(int argc, char **argv)
{
    const char *mode;
    if (argc != 3) {
        fprintf(stderr, "usage: harness blink1|blink2|buttons|irq_alert|press_alert|stress|storm|keys|keys_busy|wrap|latency1|latency3|unit|bench firmware.elf\n");
        return 2;
    }
    mode = argv[1];
    load(argv[2]);
    if (strcmp(mode, "blink1") == 0)
        mode_blink(0);
    else if (strcmp(mode, "blink2") == 0)
        mode_blink(1);
    else if (strcmp(mode, "buttons") == 0)
        mode_buttons();
    else if (strcmp(mode, "irq_alert") == 0)
        mode_irq_alert();
    else if (strcmp(mode, "press_alert") == 0)
        mode_press_alert();
    else if (strcmp(mode, "stress") == 0)
        mode_stress();
    else if (strcmp(mode, "latency1") == 0)
        mode_latency("1 object");
    else if (strcmp(mode, "latency3") == 0)
        mode_latency("3 objects");
    else if (strcmp(mode, "keys") == 0)
        mode_keys(0);
    else if (strcmp(mode, "keys_busy") == 0)
        mode_keys(1);
    else if (strcmp(mode, "wrap") == 0)
        mode_wrap();
    else if (strcmp(mode, "storm") == 0)
        mode_storm();
    else if (strcmp(mode, "unit") == 0)
        mode_unit();
    else if (strcmp(mode, "bench") == 0)
        mode_bench();
    else {
        fprintf(stderr, "harness: unknown mode %s\n", mode);
        return 2;
    }
    if (sp_min <= RAMEND_ADDR) /* the crt starts SP at RAMEND; a push stores, then decrements */
        printf("stack %s: %u bytes at most seen, bound %u (deepest outside interrupts %u + "
               "deepest interrupt frame %u)\n", mode, RAMEND_ADDR - sp_min,
               RAMEND_ADDR - sp_min_main + isr_frame_max, RAMEND_ADDR - sp_min_main, isr_frame_max);
    printf("%s %s: %d checks, %d failed\n", mode, argv[2], checks, failures);
    return failures == 0 ? 0 : 1;
}
