/* tests/m0/startup.c - reset, vector table, semihosting and the few newlib
 * system calls the test images use (write, exit, sbrk comes from libnosys),
 * for every test machine of m0.h (ARMv6-M and ARMv7-M alike).
 *
 * Reset copies .data, zeroes .bss, runs main() and ends qemu with main's
 * return value as the exit status. Any fault or unclaimed interrupt prints
 * its vector number and exits with 99. Interrupt handlers are weak names a
 * test image defines: SysTick_Handler (CMSIS's name: ports/cortex_m.h
 * defines it), m0_alarm_handler and m0_swi_handler (the machine's alarm
 * and spare interrupts, at their IRQ numbers).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "m0.h"

/* Semihosting call: r0 = operation, r1 = argument; BKPT 0xAB on ARMv6-M. */
static int m0_semihost(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ __volatile__("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void m0_puts(const char *s)
{
    (void)m0_semihost(0x04, s); /* SYS_WRITE0 */
}

void m0_exit(int code)
{
    uint32_t block[2];
    block[0] = 0x20026u; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint32_t)code;
    for (;;)
        (void)m0_semihost(0x20, block); /* SYS_EXIT_EXTENDED: qemu exits with `code` */
}

/* newlib: stdout and stderr go to the semihosting console. */
int _write(int fd, const char *buf, int len);
int _write(int fd, const char *buf, int len)
{
    char chunk[65];
    int done = 0;
    (void)fd;
    while (done < len) {
        int n = len - done < 64 ? len - done : 64;
        memcpy(chunk, buf + done, (size_t)n);
        chunk[n] = '\0';
        m0_puts(chunk);
        done += n;
    }
    return len;
}

__attribute__((noreturn)) void _exit(int code);
void _exit(int code)
{
    m0_exit(code);
}

/* ---------------------------------------------------------------- vectors */
extern uint32_t m0_data_start[], m0_data_end[], m0_data_load[], m0_bss_start[], m0_bss_end[];
extern uint32_t m0_stack_top[];

void m0_reset(void);
void m0_default_handler(void);

/* the loops stay loops (GCC would call memcpy/memset: 300 bytes of flash) */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void m0_reset(void)
{
    uint32_t *src = m0_data_load, *dst = m0_data_start;
    while (dst < m0_data_end)
        *dst++ = *src++;
    for (dst = m0_bss_start; dst < m0_bss_end; dst++)
        *dst = 0;
    m0_exit(main());
}

void m0_default_handler(void)
{
    static const char hex[] = "0123456789abcdef";
    char num[4];
    uint32_t ipsr;
    __asm__ __volatile__("mrs %0, ipsr" : "=r"(ipsr));
    num[0] = hex[(ipsr >> 4) & 15u];
    num[1] = hex[ipsr & 15u];
    num[2] = '\n';
    num[3] = '\0';
    m0_puts("m0: unexpected exception, vector 0x");
    m0_puts(num);
    m0_exit(99);
}

#define M0_WEAK __attribute__((weak, alias("m0_default_handler")))
void m0_hardfault_handler(void) M0_WEAK;
void m0_svc_handler(void) M0_WEAK;
void m0_pendsv_handler(void) M0_WEAK;
void SysTick_Handler(void) M0_WEAK;
void m0_alarm_handler(void) M0_WEAK;
void m0_swi_handler(void) M0_WEAK;

volatile uint32_t m0_alarm_due;

typedef void (*m0_handler_t)(void);
struct m0_vectors {
    uint32_t *stack_top;
    m0_handler_t handler[15 + 32];
};

#define D m0_default_handler
/* external interrupt n: the machine's alarm, its spare one, or nobody's */
#define IRQ(n) ((n) == M0_IRQ_ALARM ? m0_alarm_handler : (n) == M0_IRQ_SWI ? m0_swi_handler : D)
#define IRQ8(n) IRQ(n), IRQ(n + 1), IRQ(n + 2), IRQ(n + 3), IRQ(n + 4), IRQ(n + 5), IRQ(n + 6), IRQ(n + 7)
__attribute__((section(".vectors"), used)) const struct m0_vectors m0_vectors = {
    m0_stack_top,
    {
        m0_reset, D /* NMI */, m0_hardfault_handler, D, D, D, D, D, D, D, /* 1..10 */
        m0_svc_handler, D, D, m0_pendsv_handler, SysTick_Handler,         /* 11..15 */
        IRQ8(0u), IRQ8(8u), IRQ8(16u), IRQ8(24u)                          /* IRQ 0..31 */
    }
};
