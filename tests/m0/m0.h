/* tests/m0/m0.h - what every Cortex-M test image shares: the core registers
 * it touches, semihosting (console and exit code), the startup's hooks, and
 * the test machine: a free-running stamp counter, an alarm interrupt at a
 * stamp, and a spare interrupt that software pends.
 *
 * Machines (run.sh picks one; the core registers are the same on all):
 *   microbit  (default) qemu -M microbit: nRF51822, a Cortex-M0 (we build
 *             for -mcpu=cortex-m0plus, whose Thumb subset is the same
 *             ARMv6-M), 16 MHz. Stamp and alarm: TIMER1 at 16 MHz, CC[1]
 *             captures, CC[0] compares (IRQ 9). Spare: SWI0 (IRQ 20).
 *   mps2      -DM0_MACHINE_MPS2: qemu -M mps2-an385 (Cortex-M3), mps2-an386
 *             (M4), mps2-an500 (M7), 25 MHz. Stamp: CMSDK timer 1, a
 *             free-running down-counter read inverted. Alarm: CMSDK timer 0
 *             (IRQ 8), loaded with the distance to the stamp wanted. Spare:
 *             IRQ 30 (no device drives it).
 * Run with -semihosting-config enable=on,target=native: m0_exit(code) ends
 * qemu with that exit status (SYS_EXIT_EXTENDED), m0_puts writes to qemu's
 * stderr.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_TESTS_M0_H
#define COOP_TESTS_M0_H

#include <stdint.h>

#define M0_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System control space (ARMv6-M and ARMv7-M alike) */
#define M0_SYST_CSR M0_REG(0xE000E010u)  /* SysTick control: 1 enable, 2 tickint, 4 cpu clock */
#define M0_SYST_RVR M0_REG(0xE000E014u)  /* reload */
#define M0_SYST_CVR M0_REG(0xE000E018u)  /* current (counts down, 24 bits) */
#define M0_NVIC_ISER M0_REG(0xE000E100u) /* set-enable, one bit per IRQ */
#define M0_NVIC_ICER M0_REG(0xE000E180u) /* clear-enable */
#define M0_NVIC_ISPR M0_REG(0xE000E200u) /* set-pending: a software interrupt */
#define M0_NVIC_ICPR M0_REG(0xE000E280u) /* clear-pending */
#define M0_NVIC_IPR(n) M0_REG(0xE000E400u + 4u * ((n) / 4u)) /* 4 IRQs a word, top bits each */
#define M0_SHPR3 M0_REG(0xE000ED20u)     /* bits 31:24 SysTick priority, 23:16 PendSV */
#define M0_CPUID M0_REG(0xE000ED00u)
#define M0_ICSR M0_REG(0xE000ED04u)      /* bit 25: clear a pending SysTick */

#ifndef M0_MACHINE_MPS2
/* nRF51 */
#define M0_MACHINE "microbit"
#define M0_HCLK_HZ 16000000u
#define M0_STAMP_PER_US 16u
#define M0_IRQ_ALARM 9u /* TIMER1 */
#define M0_IRQ_SWI 20u  /* SWI0 */
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
#else
/* MPS2 (AN385/AN386/AN500): CMSDK APB timers at 25 MHz */
#define M0_MACHINE "mps2"
#define M0_HCLK_HZ 25000000u
#define M0_STAMP_PER_US 25u
#define M0_IRQ_ALARM 8u /* CMSDK timer 0 */
#define M0_IRQ_SWI 30u  /* no device */
#define M0_CMSDK_TIMER0 0x40000000u
#define M0_CMSDK_TIMER1 0x40001000u
#define M0_CMSDK_CTRL(t) M0_REG((t) + 0x0u) /* 1 enable, 8 interrupt enable */
#define M0_CMSDK_VALUE(t) M0_REG((t) + 0x4u)
#define M0_CMSDK_RELOAD(t) M0_REG((t) + 0x8u)
#define M0_CMSDK_INT(t) M0_REG((t) + 0xCu) /* status; write 1 to clear */
#define M0_FPGAIO_LED M0_REG(0x40028000u)  /* LED0..1 */
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Semihosting: write a string to the console; end the run with `code`. */
void m0_puts(const char *s);
__attribute__((noreturn)) void m0_exit(int code);
/* main's return value is the exit code (startup.c calls m0_exit with it).
 * A fault exits with 99. */
int main(void);

/* The test machine's interrupt handlers, weak in startup.c: a test image
 * that uses the alarm or the spare interrupt defines them. */
void m0_alarm_handler(void);
void m0_swi_handler(void);
/* The stamp the alarm was last set for (m0_alarm_at). */
extern volatile uint32_t m0_alarm_due;

#ifdef __cplusplus
}
#endif

/* Exception priority, 0 (highest) .. 3 (lowest), in the top 2 bits (all an
 * ARMv6-M core has); irq -1 is SysTick. */
static inline void m0_irq_priority(int irq, unsigned level)
{
    if (irq < 0) {
        M0_SHPR3 = (M0_SHPR3 & 0x00ffffffu) | ((uint32_t)level << 30);
    } else {
        unsigned shift = 8u * ((unsigned)irq % 4u);
        M0_NVIC_IPR((unsigned)irq) = (M0_NVIC_IPR((unsigned)irq) & ~(0xffu << shift)) | ((uint32_t)level << (shift + 6u));
    }
}

/* The core that runs, from CPUID's part number. */
static inline const char *m0_core(void)
{
    switch ((M0_CPUID >> 4) & 0xfffu) {
    case 0xc20u: return "Cortex-M0";
    case 0xc60u: return "Cortex-M0+";
    case 0xc23u: return "Cortex-M3";
    case 0xc24u: return "Cortex-M4";
    case 0xc27u: return "Cortex-M7";
    default: return "Cortex-M?";
    }
}

/* The spare interrupt (M0_IRQ_SWI): enable it; make it pending. */
static inline void m0_swi_enable(void)
{
    M0_NVIC_ISER = 1u << M0_IRQ_SWI;
}
static inline void m0_swi_pend(void)
{
    M0_NVIC_ISPR = 1u << M0_IRQ_SWI;
}

#ifndef M0_MACHINE_MPS2
/* The stamp: a free-running 32-bit count, M0_STAMP_PER_US a microsecond. */
static inline uint32_t m0_stamp(void)
{
    M0_TIMER_CAPTURE(M0_TIMER1, 1) = 1u;
    return M0_TIMER_CC(M0_TIMER1, 1);
}
/* Start the stamp; the alarm's interrupt enabled in the NVIC, off at its source. */
static inline void m0_timers_start(void)
{
    M0_TIMER_MODE(M0_TIMER1) = 0u;
    M0_TIMER_BITMODE(M0_TIMER1) = 3u;
    M0_TIMER_PRESCALER(M0_TIMER1) = 0u;
    M0_TIMER_CLEAR(M0_TIMER1) = 1u;
    M0_NVIC_ISER = 1u << M0_IRQ_ALARM;
    M0_TIMER_START(M0_TIMER1) = 1u;
}
/* The alarm fires at stamp `at`, which must be at least 8 counts ahead. */
static inline void m0_alarm_at(uint32_t at)
{
    m0_alarm_due = at;
    M0_TIMER_CC(M0_TIMER1, 0) = at;
}
/* In the alarm's handler, first: clear the event. */
static inline void m0_alarm_ack(void)
{
    M0_TIMER_COMPARE(M0_TIMER1, 0) = 0u;
}
static inline void m0_alarm_on(void)
{
    M0_TIMER_COMPARE(M0_TIMER1, 0) = 0u;
    M0_NVIC_ICPR = 1u << M0_IRQ_ALARM;
    M0_TIMER_INTENSET(M0_TIMER1) = 1u << 16;
}
static inline void m0_alarm_off(void)
{
    M0_TIMER_INTENCLR(M0_TIMER1) = 1u << 16;
    M0_NVIC_ICPR = 1u << M0_IRQ_ALARM;
}
#else
static inline uint32_t m0_stamp(void)
{
    return ~M0_CMSDK_VALUE(M0_CMSDK_TIMER1);
}
static inline void m0_timers_start(void)
{
    M0_CMSDK_CTRL(M0_CMSDK_TIMER1) = 0u;
    M0_CMSDK_RELOAD(M0_CMSDK_TIMER1) = 0xffffffffu; /* also sets the value */
    M0_CMSDK_CTRL(M0_CMSDK_TIMER1) = 1u;
    M0_CMSDK_CTRL(M0_CMSDK_TIMER0) = 0u;
    M0_CMSDK_RELOAD(M0_CMSDK_TIMER0) = 0xffffffffu; /* after firing: not again for 171 s */
    M0_CMSDK_INT(M0_CMSDK_TIMER0) = 1u;
    M0_CMSDK_CTRL(M0_CMSDK_TIMER0) = 1u;
    M0_NVIC_ISER = 1u << M0_IRQ_ALARM;
}
static inline void m0_alarm_at(uint32_t at)
{
    int32_t d = (int32_t)(at - m0_stamp());
    m0_alarm_due = at;
    M0_CMSDK_VALUE(M0_CMSDK_TIMER0) = d > 0 ? (uint32_t)d : 1u; /* fires going 1 -> 0 */
}
static inline void m0_alarm_ack(void)
{
    M0_CMSDK_INT(M0_CMSDK_TIMER0) = 1u;
}
static inline void m0_alarm_on(void)
{
    M0_CMSDK_INT(M0_CMSDK_TIMER0) = 1u;
    M0_NVIC_ICPR = 1u << M0_IRQ_ALARM;
    M0_CMSDK_CTRL(M0_CMSDK_TIMER0) = 1u | 8u;
}
static inline void m0_alarm_off(void)
{
    M0_CMSDK_CTRL(M0_CMSDK_TIMER0) = 1u;
    M0_CMSDK_INT(M0_CMSDK_TIMER0) = 1u;
    M0_NVIC_ICPR = 1u << M0_IRQ_ALARM;
}
#endif

#endif /* COOP_TESTS_M0_H */
