/* tests/rp2040/floats.c - float and double maths in a coop task, and the boot ROM's float tables (rp2040js).
 *
 * A task sums 1/k^2 for k = 1..N in float and in double, with a 1 ms sleep
 * every 100 terms (the sums live in the task's state across the sleeps),
 * and converts between int, float and double. It prints the results' bit
 * patterns; the harness (mode floats) computes the same sums in JavaScript
 * (double, and float through Math.fround: IEEE 754, round to nearest) and
 * wants the same bits.
 *
 * Built against the stand-in SDK, the maths is libgcc's soft float: this
 * shows that the emulated Cortex-M0+ runs it right, not what the real SDK
 * does (its `+` and `*` go through tables it copies from the boot ROM at
 * start: rom_data_lookup('SF') and ('SD')). So the firmware also looks the
 * tables up in the boot ROM as the SDK does (the ROM header's data table
 * and lookup function), checks their size byte (the SDK asserts it), and
 * calls the entries the stand-in ROM serves (add, subtract, multiply,
 * divide, int and unsigned to float or double and back, float to double,
 * double to float) on pseudo-random operands, wanting the bits libgcc gives. With the
 * real SDK (make test-rp2040-sdk) the same source runs its maths through
 * the ROM's tables (checked by hand with pico-sdk 2.2.0: the same bits);
 * an entry the stand-in ROM does not serve (sqrt, sin, exp, ...) stops the
 * run with a message naming it.
 *
 * At the end it prints
 *   floats f=F d=DH:DL i=I u=U back=B rom=R bad=X size=S
 * (F: the float sum's bits, DH:DL the double's, I: (int)(-1000 * d),
 * U: (unsigned)(1000 * f), B: (double)(float) round trips that differed,
 * R: ROM calls made, X: their results that differed, S: the tables' size
 * bytes, SF*256+SD) and returns 0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define COOP_IMPLEMENTATION
#include "rp2040.h"

#define N 1000u

/* ---------------------------------------------------------------- ROM tables */
/* The boot ROM's header (RP2040 datasheet 2.8.3): 16-bit pointers to the
 * data table at 0x16 and to the lookup function at 0x18. The base is read
 * from a volatile so that the compiler does not see a constant address. */
static volatile uintptr_t rom_base = 0;
typedef void *(*rom_lookup_fn)(const uint16_t *table, uint32_t code);

static const uint32_t *rom_table(char a, char b)
{
    const volatile uint16_t *head = (const volatile uint16_t *)rom_base;
    rom_lookup_fn lookup = (rom_lookup_fn)(uintptr_t)head[0x18 / 2];
    return (const uint32_t *)lookup((const uint16_t *)(uintptr_t)head[0x16 / 2],
                                    (uint32_t)a | ((uint32_t)b << 8));
}

typedef float (*ff_ff)(float, float);
typedef double (*dd_dd)(double, double);
typedef float (*f_i)(int32_t);
typedef float (*f_u)(uint32_t);
typedef double (*d_i)(int32_t);
typedef double (*d_u)(uint32_t);
typedef double (*d_f)(float);
typedef float (*f_d)(double);
typedef int32_t (*i_f)(float);
typedef uint32_t (*u_f)(float);
typedef int32_t (*i_d)(double);
typedef uint32_t (*u_d)(double);

static unsigned long rom_calls, rom_bad;

static void same_f(float got, float want)
{
    uint32_t g, w;
    memcpy(&g, &got, 4);
    memcpy(&w, &want, 4);
    rom_calls++;
    if (g != w)
        rom_bad++;
}

static void same_u(uint32_t got, uint32_t want)
{
    rom_calls++;
    if (got != want)
        rom_bad++;
}

static void same_d(double got, double want)
{
    uint64_t g, w;
    memcpy(&g, &got, 8);
    memcpy(&w, &want, 8);
    rom_calls++;
    if (g != w)
        rom_bad++;
}

static unsigned rom_check(void)
{
    const uint32_t *sf = rom_table('S', 'F'), *sd = rom_table('S', 'D');
    uint32_t rng = 5u;
    unsigned i;
    if (sf == NULL || sd == NULL)
        return 0;
    for (i = 0; i < 200; i++) {
        int32_t n, m;
        float x, y;
        double u, v;
        rng = rng * 1664525u + 1013904223u;
        n = (int32_t)rng >> (rng & 15u);
        rng = rng * 1664525u + 1013904223u;
        m = (int32_t)(rng | 1u) >> (8u + (rng & 15u));
        x = (float)n / 3.0f;
        y = (float)m * 0.7f;
        u = (double)n / 7.0;
        v = (double)m * 1.3;
        same_f(((ff_ff)sf[0x00 / 4])(x, y), x + y);
        same_f(((ff_ff)sf[0x04 / 4])(x, y), x - y);
        same_f(((ff_ff)sf[0x08 / 4])(x, y), x * y);
        same_f(((ff_ff)sf[0x0c / 4])(x, y), x / y);
        same_f(((f_i)sf[0x2c / 4])(n), (float)n);
        same_f(((f_u)sf[0x34 / 4])((uint32_t)n), (float)(uint32_t)n);
        same_d(((d_f)sf[0x7c / 4])(x), (double)x);
        same_d(((dd_dd)sd[0x00 / 4])(u, v), u + v);
        same_d(((dd_dd)sd[0x04 / 4])(u, v), u - v);
        same_d(((dd_dd)sd[0x08 / 4])(u, v), u * v);
        same_d(((dd_dd)sd[0x0c / 4])(u, v), u / v);
        same_d(((d_i)sd[0x2c / 4])(n), (double)n);
        same_d(((d_u)sd[0x34 / 4])((uint32_t)n), (double)(uint32_t)n);
        same_f(((f_d)sd[0x7c / 4])(u), (float)u);
        /* to int and unsigned: values >= 0 (the SDK sends only those to
         * float2int; the chip's ROM rounds negative ones down) */
        x = (float)(rng >> 9) / 7.0f;
        u = (double)(rng >> 1) / 3.0;
        same_u((uint32_t)((i_f)sf[0x1c / 4])(x), (uint32_t)(int32_t)x);
        same_u(((u_f)sf[0x24 / 4])(x), (uint32_t)x);
        same_u((uint32_t)((i_d)sd[0x1c / 4])(u), (uint32_t)(int32_t)u);
        same_u(((u_d)sd[0x24 / 4])(u), (uint32_t)u);
    }
    /* the byte two before each table: its number of entries (>= 32) */
    return ((unsigned)((const uint8_t *)sf)[-2] << 8) | ((const uint8_t *)sd)[-2];
}

/* ---------------------------------------------------------------- the task */
struct sums {
    coop_task_t task;
    uint32_t k;
    float f;
    double d;
};

static coop_status_t sums_fn(coop_task_t *task)
{
    struct sums *s = COOP_CONTAINER_OF(task, struct sums, task);
    ASYNC(task);
    for (s->k = 1; s->k <= N; s->k++) {
        s->f += 1.0f / ((float)s->k * (float)s->k);
        s->d += 1.0 / ((double)s->k * (double)s->k);
        if (s->k % 100u == 0)
            AWAIT_SLEEP_MS(1);
    }
    ASYNC_END;
}

static coop_loop_t loop;
static struct sums sums;

int main(void)
{
    uint32_t fb, dh, dl, k, back = 0;
    uint64_t db;
    unsigned size;
    coop_board_init();
    coop_loop_init(&loop);
    coop_task_spawn(&loop, &sums.task, sums_fn);
    if (coop_loop_run(&loop) != COOP_OK)
        return 1;
    for (k = 1; k < 1000u; k++) { /* float -> double -> float keeps the value */
        float x = 1.0f / (float)k;
        if ((float)(double)x != x)
            back++;
    }
    size = rom_check();
    memcpy(&fb, &sums.f, 4);
    memcpy(&db, &sums.d, 8);
    dh = (uint32_t)(db >> 32);
    dl = (uint32_t)db;
    printf("floats f=%08lx d=%08lx:%08lx i=%ld u=%lu back=%lu rom=%lu bad=%lu size=%u\n",
           (unsigned long)fb, (unsigned long)dh, (unsigned long)dl, (long)(int32_t)(-1000.0 * sums.d),
           (unsigned long)(uint32_t)(1000.0f * sums.f), (unsigned long)back, rom_calls, rom_bad,
           size);
    return 0;
}
