/* tests/rp2040/sdk/include/hardware/structs/scb.h - stand-in (see
 * ../../pico.h): the Cortex-M0+ system control block (ARMv6-M ARM B3.2).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_STRUCTS_SCB_H
#define COOP_STANDIN_STRUCTS_SCB_H

#include "pico.h"

typedef struct {
    io_ro_32 cpuid; /* 0xe000ed00 */
    io_rw_32 icsr;
    io_rw_32 vtor;
    io_rw_32 aircr;
    io_rw_32 scr;   /* 0xe000ed10 */
} armv6m_scb_hw_t;

#define M0PLUS_CPUID_OFFSET 0x0000ed00u
#define M0PLUS_SCR_SEVONPEND_BITS 0x00000010u

#define scb_hw ((armv6m_scb_hw_t *)(PPB_BASE + M0PLUS_CPUID_OFFSET))

#endif
