/* tests/m0/m0.h - what every M0+ test image shares: the registers it touches,
 * semihosting (console and exit code), and the startup's hooks.
 *
 * Target: qemu-system-arm -M microbit (nRF51822, Cortex-M0 core; we build
 * for -mcpu=cortex-m0plus, whose Thumb subset is the same ARMv6-M). Run with
 * -semihosting-config enable=on,target=native: m0_exit(code) ends qemu with
 * that exit status (SYS_EXIT_EXTENDED), m0_puts writes to qemu's stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_M0_H
#define COOP_TESTS_M0_H

#include <stdint.h>

#define M0_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System control space (ARMv6-M) */
#define M0_SYST_CSR M0_REG(0xE000E010u)  /* SysTick control: 1 enable, 2 tickint, 4 cpu clock */
#define M0_SYST_RVR M0_REG(0xE000E014u)  /* reload */
#define M0_SYST_CVR M0_REG(0xE000E018u)  /* current (counts down, 24 bits) */
#define M0_NVIC_ISER M0_REG(0xE000E100u) /* set-enable, one bit per IRQ */
#define M0_NVIC_ICER M0_REG(0xE000E180u) /* clear-enable */
#define M0_NVIC_ISPR M0_REG(0xE000E200u) /* set-pending: a software interrupt */
#define M0_NVIC_ICPR M0_REG(0xE000E280u) /* clear-pending */
#define M0_NVIC_IPR(n) M0_REG(0xE000E400u + 4u * ((n) / 4u)) /* 4 IRQs a word, top 2 bits each */
#define M0_SHPR3 M0_REG(0xE000ED20u)     /* bits 31:30 SysTick priority, 23:22 PendSV */

/* nRF51 */
#define M0_HCLK_HZ 16000000u
#define M0_IRQ_TIMER0 8u
#define M0_IRQ_TIMER1 9u
#define M0_IRQ_TIMER2 10u
#define M0_IRQ_SWI0 20u
#define M0_TIMER1 0x40009000u
#define M0_TIMER_START(t) M0_REG((t) + 0x000u)
#define M0_TIMER_STOP(t) M0_REG((t) + 0x004u)
#define M0_TIMER_CLEAR(t) M0_REG((t) + 0x00Cu)
#define M0_TIMER_CAPTURE(t, n) M0_REG((t) + 0x040u + 4u * (n))
#define M0_TIMER_COMPARE(t, n) M0_REG((t) + 0x140u + 4u * (n))
#define M0_TIMER_INTENSET(t) M0_REG((t) + 0x304u)
#define M0_TIMER_INTENCLR(t) M0_REG((t) + 0x308u)
#define M0_TIMER_MODE(t) M0_REG((t) + 0x504u)
#define M0_TIMER_BITMODE(t) M0_REG((t) + 0x508u)      /* 3: 32 bits */
#define M0_TIMER_PRESCALER(t) M0_REG((t) + 0x510u)    /* 16 MHz >> n */
#define M0_TIMER_CC(t, n) M0_REG((t) + 0x540u + 4u * (n))
#define M0_GPIO_OUTSET M0_REG(0x50000508u)
#define M0_GPIO_OUTCLR M0_REG(0x5000050Cu)
#define M0_GPIO_IN M0_REG(0x50000510u)
#define M0_GPIO_OUT M0_REG(0x50000504u)
#define M0_GPIO_PIN_CNF(n) M0_REG(0x50000700u + 4u * (n))

#ifdef __cplusplus
extern "C" {
#endif

/* Semihosting: write a string to the console; end the run with `code`. */
void m0_puts(const char *s);
__attribute__((noreturn)) void m0_exit(int code);
/* Set by the test before main returns anything else: main's return value is
 * the exit code (startup.c calls m0_exit with it). A fault exits with 99. */
int main(void);

#ifdef __cplusplus
}
#endif

#endif /* COOP_TESTS_M0_H */
