/* tests/rp2040/sdk/include/hardware/address_mapped.h - stand-in (see
 * ../pico.h): the atomic set/clear aliases of the APB registers (datasheet
 * 2.1.2: +0x2000 sets the written bits, +0x3000 clears them). As in the
 * SDK, for APB/AHB registers only: SIO and the Cortex-M0+ registers (PPB)
 * have no aliases.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_ADDRESS_MAPPED_H
#define COOP_STANDIN_ADDRESS_MAPPED_H

#include "pico.h"

static inline void hw_set_bits(io_rw_32 *addr, uint32_t mask)
{
    *(io_rw_32 *)((uintptr_t)addr | 0x2000u) = mask;
}

static inline void hw_clear_bits(io_rw_32 *addr, uint32_t mask)
{
    *(io_rw_32 *)((uintptr_t)addr | 0x3000u) = mask;
}

#endif
