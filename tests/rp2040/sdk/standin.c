/* tests/rp2040/sdk/standin.c - the stand-in pico-sdk's code (see
 * include/pico.h): startup, vector table, interrupts, GPIO, timer, stdio.
 *
 * NOT pico-sdk: written for coop's CI from the RP2040 datasheet, so that
 * ports/rp2040.h builds and runs in rp2040js without the SDK. Link it with
 * memmap.ld. The image starts with boot2 (boot2.S: 256 bytes with their
 * CRC, entered by the boot ROM from SRAM, as on the chip) and its vector
 * table at 0x10000100, like an SDK image.
 *
 * Ending: main's return (or exit) executes `bkpt 0` with the status in r0;
 * a fault `bkpt 1`; panic() prints "PANIC: ..." and executes `bkpt 2`. The
 * harness stops there.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hardware/address_mapped.h"
#include "hardware/gpio.h"
#include "hardware/irq.h"
#include "hardware/structs/scb.h"
#include "hardware/sync.h"
#include "hardware/timer.h"
#include "pico.h"
#include "pico/stdlib.h"

#define REG(addr) (*(io_rw_32 *)(addr))

/* ---------------------------------------------------------------- startup */
extern uint32_t __data_lma[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
int main(void);

void coop_standin_reset(void);
void coop_standin_fault(void);
void coop_standin_unhandled(void);

/* The flash vector table: stack, reset, the 14 system exceptions, 32 IRQs.
 * Reset copies it to RAM, where irq_set_exclusive_handler edits it. */
#define NVECTORS 48
typedef void (*vector_t)(void);
__attribute__((section(".vectors"), used)) static const vector_t flash_vectors[NVECTORS] = {
    (vector_t)(uintptr_t)__stack_top, coop_standin_reset, coop_standin_fault, coop_standin_fault,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
    coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled, coop_standin_unhandled,
};
static vector_t ram_vectors[NVECTORS] __attribute__((aligned(256)));

/* RESETS bits (datasheet 2.14.3) */
#define RESET_IO_BANK0 (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_TIMER (1u << 21)
#define RESET_UART0 (1u << 22)

__attribute__((noreturn)) static void stop(uint32_t status)
{
    __asm__ volatile("mov r0, %0\n\tbkpt 0" : : "r"(status) : "r0");
    for (;;) {
    }
}

void coop_standin_reset(void)
{
    uint32_t *src = __data_lma, *dst = __data_start;
    uint32_t need = RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER | RESET_UART0;
    unsigned i;
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __bss_end; dst++)
        *dst = 0;
    for (i = 0; i < NVECTORS; i++)
        ram_vectors[i] = flash_vectors[i];
    scb_hw->vtor = (uint32_t)(uintptr_t)ram_vectors;
    /* the timer counts watchdog ticks: 1 us from the 12 MHz reference */
    REG(WATCHDOG_BASE + 0x2cu) = 12u | (1u << 9);
    hw_clear_bits(&REG(RESETS_BASE + 0x0u), need);
    while ((REG(RESETS_BASE + 0x8u) & need) != need) {
    }
    stop((uint32_t)main());
}

void coop_standin_fault(void)
{
    __asm__ volatile("bkpt 1");
    for (;;) {
    }
}

void coop_standin_unhandled(void)
{
    __asm__ volatile("bkpt 3");
    for (;;) {
    }
}

void exit(int status)
{
    stop((uint32_t)status);
}

/* ---------------------------------------------------------------- irq */
#define NVIC_ISER REG(0xe000e100u)
#define NVIC_ICER REG(0xe000e180u)
#define NVIC_ICPR REG(0xe000e280u)

void irq_set_exclusive_handler(uint num, irq_handler_t handler)
{
    ram_vectors[16 + num] = handler;
}

void irq_set_enabled(uint num, bool enabled)
{
    if (enabled) {
        NVIC_ICPR = 1u << num;
        NVIC_ISER = 1u << num;
    } else {
        NVIC_ICER = 1u << num;
    }
}

/* ---------------------------------------------------------------- timer */
uint64_t time_us_64(void)
{
    uint32_t hi = timer_hw->timerawh, lo;
    for (;;) {
        uint32_t again;
        lo = timer_hw->timerawl;
        again = timer_hw->timerawh;
        if (again == hi)
            break;
        hi = again;
    }
    return ((uint64_t)hi << 32) | lo;
}

static uint8_t alarms_claimed;

int hardware_alarm_claim_unused(bool required)
{
    int n;
    uint32_t s = save_and_disable_interrupts();
    for (n = 0; n < 4; n++)
        if (!(alarms_claimed & (1u << n))) {
            alarms_claimed |= (uint8_t)(1u << n);
            break;
        }
    restore_interrupts(s);
    if (n == 4) {
        if (required)
            panic("No alarms available");
        return -1;
    }
    return n;
}

/* ---------------------------------------------------------------- gpio */
#define IO_CTRL(g) REG(IO_BANK0_BASE + 8u * (g) + 4u)
#define IO_INTR(g) REG(IO_BANK0_BASE + 0xf0u + 4u * ((g) / 8u))
#define IO_INTE(core, g) REG(IO_BANK0_BASE + ((core) ? 0x130u : 0x100u) + 4u * ((g) / 8u))
#define IO_INTS(core, i) REG(IO_BANK0_BASE + ((core) ? 0x150u : 0x120u) + 4u * (i))
#define PADS(g) REG(PADS_BANK0_BASE + 4u + 4u * (g))
#define PADS_OD (1u << 7)
#define PADS_IE (1u << 6)
#define PADS_PUE (1u << 3)
#define PADS_PDE (1u << 2)
#define FUNC_SIO 5u
#define FUNC_UART 2u

void gpio_init(uint gpio)
{
    COOP_STANDIN_SIO_GPIO_OE_CLR = 1u << gpio;
    COOP_STANDIN_SIO_GPIO_OUT_CLR = 1u << gpio;
    hw_set_bits(&PADS(gpio), PADS_IE);
    hw_clear_bits(&PADS(gpio), PADS_OD);
    IO_CTRL(gpio) = FUNC_SIO;
}

void gpio_set_pulls(uint gpio, bool up, bool down)
{
    hw_clear_bits(&PADS(gpio), PADS_PUE | PADS_PDE);
    hw_set_bits(&PADS(gpio), (up ? PADS_PUE : 0u) | (down ? PADS_PDE : 0u));
}

static gpio_irq_callback_t gpio_callbacks[2];

static void gpio_irq_handler(void)
{
    uint core = get_core_num();
    uint i, g;
    for (i = 0; i < 4; i++) {
        uint32_t events8 = IO_INTS(core, i);
        for (g = 8 * i; events8 != 0; g++, events8 >>= 4) {
            uint32_t events = events8 & 0xfu;
            if (events == 0)
                continue;
            IO_INTR(g) = events << (4u * (g % 8u)); /* edges are write-1-to-clear */
            if (gpio_callbacks[core] != NULL)
                gpio_callbacks[core](g, events);
        }
    }
}

void gpio_set_irq_enabled(uint gpio, uint32_t event_mask, bool enabled)
{
    uint core = get_core_num();
    uint32_t bits = event_mask << (4u * (gpio % 8u));
    IO_INTR(gpio) = bits; /* stale edges */
    if (enabled)
        hw_set_bits(&IO_INTE(core, gpio), bits);
    else
        hw_clear_bits(&IO_INTE(core, gpio), bits);
}

void gpio_set_irq_enabled_with_callback(uint gpio, uint32_t event_mask, bool enabled,
                                        gpio_irq_callback_t callback)
{
    gpio_callbacks[get_core_num()] = callback;
    irq_set_exclusive_handler(IO_IRQ_BANK0, gpio_irq_handler);
    gpio_set_irq_enabled(gpio, event_mask, enabled);
    if (enabled)
        irq_set_enabled(IO_IRQ_BANK0, true);
}

/* ---------------------------------------------------------------- stdio */
#define UART_DR REG(UART0_BASE + 0x000u)
#define UART_FR REG(UART0_BASE + 0x018u)
#define UART_IBRD REG(UART0_BASE + 0x024u)
#define UART_FBRD REG(UART0_BASE + 0x028u)
#define UART_LCR_H REG(UART0_BASE + 0x02cu)
#define UART_CR REG(UART0_BASE + 0x030u)
#define UART_FR_TXFF (1u << 5)

static bool stdio_ready;

bool stdio_init_all(void)
{
    /* 115200 Bd from a 125 MHz clk_peri: 125e6 / (16 * 115200) = 67.817 */
    UART_IBRD = 67;
    UART_FBRD = 52;
    UART_LCR_H = (3u << 5) | (1u << 4); /* 8 bits, FIFOs on */
    UART_CR = (1u << 0) | (1u << 8) | (1u << 9); /* UARTEN, TXE, RXE */
    IO_CTRL(0) = FUNC_UART;
    IO_CTRL(1) = FUNC_UART;
    stdio_ready = true;
    return true;
}

static void out_raw(char c)
{
    if (!stdio_ready)
        return;
    while (UART_FR & UART_FR_TXFF) {
    }
    UART_DR = (uint8_t)c;
}

static void out(char c)
{
    if (c == '\n')
        out_raw('\r');
    out_raw(c);
}

#undef putchar
int putchar(int c)
{
    out((char)c);
    return (unsigned char)c;
}

int puts(const char *s)
{
    while (*s != '\0')
        out(*s++);
    out('\n');
    return 1;
}

/* A small printf: %d %i %u %x %c %s %%, with l, a width and 0-padding. */
int vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    for (; *fmt != '\0'; fmt++) {
        char buf[24];
        unsigned i = sizeof buf, width = 0, longs = 0;
        char pad = ' ';
        unsigned long v = 0;
        bool neg = false;
        unsigned base = 10;
        if (*fmt != '%') {
            out(*fmt);
            n++;
            continue;
        }
        fmt++;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10u + (unsigned)(*fmt++ - '0');
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long x = longs != 0 ? va_arg(ap, long) : va_arg(ap, int);
            neg = x < 0;
            v = neg ? 0ul - (unsigned long)x : (unsigned long)x;
            break;
        }
        case 'x':
        case 'X':
            base = 16;
            /* fall through */
        case 'u':
            v = longs != 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            break;
        case 'c':
            out((char)va_arg(ap, int));
            n++;
            continue;
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t len = strlen(s);
            for (; width > len; width--, n++)
                out(' ');
            for (; *s != '\0'; s++, n++)
                out(*s);
            continue;
        }
        case '\0':
            return n;
        default:
            out(*fmt);
            n++;
            continue;
        }
        do {
            unsigned d = (unsigned)(v % base);
            buf[--i] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
            v /= base;
        } while (v != 0);
        if (neg)
            buf[--i] = '-';
        for (; width > sizeof buf - i; width--, n++)
            out(pad);
        for (; i < sizeof buf; i++, n++)
            out(buf[i]);
    }
    return n;
}

int printf(const char *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    (void)save_and_disable_interrupts();
    if (!stdio_ready)
        (void)stdio_init_all();
    printf("PANIC: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    for (;;)
        __asm__ volatile("bkpt 2");
}
