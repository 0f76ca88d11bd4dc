/* tests/rp2040/sdk/include/hardware/sync.h - stand-in (see ../pico.h):
 * interrupt masking, events, and the SIO hardware spinlocks (datasheet
 * 2.3.1.3: reading a lock claims it, non-zero if it was free; writing
 * releases it).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_SYNC_H
#define COOP_STANDIN_SYNC_H

#include "hardware/address_mapped.h"
#include "pico.h"

typedef volatile uint32_t spin_lock_t;

#define PICO_SPINLOCK_ID_OS1 14
#define PICO_SPINLOCK_ID_OS2 15

static inline void __sev(void)
{
    __asm__ volatile("sev");
}

static inline void __wfe(void)
{
    __asm__ volatile("wfe");
}

static inline void __dmb(void)
{
    __asm__ volatile("dmb" : : : "memory");
}

static inline void __isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

/* PRIMASK (1: interrupts were masked), then mask them. */
static inline uint32_t save_and_disable_interrupts(void)
{
    uint32_t status;
    __asm__ volatile("mrs %0, PRIMASK\n\tcpsid i" : "=r"(status) : : "memory");
    return status;
}

static inline void restore_interrupts(uint32_t status)
{
    __asm__ volatile("msr PRIMASK, %0" : : "r"(status) : "memory");
}

static inline spin_lock_t *spin_lock_instance(uint lock_num)
{
    return (spin_lock_t *)(SIO_BASE + SIO_SPINLOCK0_OFFSET + lock_num * 4u);
}

/* Claim the lock (interrupts must be masked by the caller). */
static inline void spin_lock_unsafe_blocking(spin_lock_t *lock)
{
    while (*lock == 0) {
    }
    __dmb();
}

static inline void spin_unlock_unsafe(spin_lock_t *lock)
{
    __dmb();
    *lock = 0;
}

#endif
