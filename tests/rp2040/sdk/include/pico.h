/* tests/rp2040/sdk/include/pico.h - stand-in for pico-sdk's pico.h: the base
 * types and the few platform calls coop's RP2040 port uses.
 *
 * This directory is NOT pico-sdk: it is a minimal implementation, written
 * for coop's CI, of exactly the pico-sdk calls ports/rp2040.h makes (same
 * names and signatures), register-level on the RP2040's documented
 * peripherals (RP2040 datasheet), so the port builds and runs in the rp2040js
 * emulator without the SDK. Real projects use the real pico-sdk.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_PICO_H
#define COOP_STANDIN_PICO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned int uint;
typedef volatile uint32_t io_rw_32;
typedef const volatile uint32_t io_ro_32;
typedef volatile uint32_t io_wo_32;

/* RP2040 address map (datasheet 2.2) */
#define RESETS_BASE 0x4000c000u
#define IO_BANK0_BASE 0x40014000u
#define PADS_BANK0_BASE 0x4001c000u
#define UART0_BASE 0x40034000u
#define TIMER_BASE 0x40054000u
#define WATCHDOG_BASE 0x40058000u
#define SIO_BASE 0xd0000000u
#define PPB_BASE 0xe0000000u

#define SIO_CPUID_OFFSET 0x000u
#define SIO_SPINLOCK0_OFFSET 0x100u

#ifdef __cplusplus
extern "C" {
#endif

/* The number of the core running this code (SIO CPUID). */
static inline uint get_core_num(void)
{
    return (uint)*(io_ro_32 *)(SIO_BASE + SIO_CPUID_OFFSET);
}

/* Print a message (stdio) and stop this core. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#ifdef __cplusplus
}
#endif

#endif
