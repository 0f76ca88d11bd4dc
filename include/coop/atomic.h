/* coop/atomic.h - the few operations an interrupt and the loop share.
 *
 * Private to coop (irq.h and the loop use it); documented because a port
 * chooses how it works, with one option:
 *
 *   COOP_PORT_ATOMIC 1   GCC/Clang __atomic builtins: lock-free and safe
 *                        against signal handlers and other threads. For
 *                        Linux and the host (C11 atomics in effect).
 *   COOP_PORT_ATOMIC 0   the port's critical section around plain accesses:
 *                        single-core chips where __atomic is missing or not
 *                        atomic (avr-gcc leaves it unlinked; on Cortex-M0+ it
 *                        is a plain load/store or an unlinkable libcall).
 *
 * Every port provides the critical section either way, because the loop also
 * needs it to go to sleep without losing a wake-up (DESIGN: check for work
 * with interrupts masked, then sleep and unmask in one step):
 *
 *   coop_irq_state_t coop_port_irq_save(void);   mask, return the old state
 *   void coop_port_irq_restore(coop_irq_state_t); put it back (nestable)
 *   void coop_port_wake(void);                    @isr_ok: make idle return
 *
 * A port may define COOP_PORT_IRQ_SAVE()/COOP_PORT_IRQ_RESTORE(s) and
 * COOP_IRQ_STATE_TYPE before including coop.h to inline them (AVR: SREG).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_ATOMIC_H
#define COOP_ATOMIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* COOP_CONFIG: COOP_PORT_ATOMIC, 0 or 1, 0. Set by the port (see above). */
#ifndef COOP_PORT_ATOMIC
#define COOP_PORT_ATOMIC 0
#endif
#if COOP_PORT_ATOMIC && !defined(__GNUC__)
#error "coop: COOP_PORT_ATOMIC needs GCC or Clang __atomic builtins"
#endif

#ifndef COOP_IRQ_STATE_TYPE
#define COOP_IRQ_STATE_TYPE unsigned
#endif
typedef COOP_IRQ_STATE_TYPE coop_irq_state_t;

#ifdef __cplusplus
extern "C" {
#endif

#ifndef COOP_PORT_IRQ_SAVE
coop_irq_state_t coop_port_irq_save(void);
void coop_port_irq_restore(coop_irq_state_t state);
#define COOP_PORT_IRQ_SAVE() coop_port_irq_save()
#define COOP_PORT_IRQ_RESTORE(s) coop_port_irq_restore(s)
#endif
void coop_port_wake(void);

/* The ISR side of coop is always inlined: a call from an ISR makes the
 * compiler save every call-clobbered register around the whole ISR (AVR: 12
 * push/pop pairs, ~50 cycles on every interrupt). */
#if defined(__GNUC__)
#define COOP_PRIV_ISR_INLINE static inline __attribute__((always_inline))
#else
#define COOP_PRIV_ISR_INLINE static inline
#endif

/* *p = v, returning the old value, as one indivisible step. */
COOP_PRIV_ISR_INLINE uint8_t coop_priv_xchg_u8(volatile uint8_t *p, uint8_t v)
{
#if COOP_PORT_ATOMIC
    return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);
#else
    coop_irq_state_t s = COOP_PORT_IRQ_SAVE();
    uint8_t old = *p;
    *p = v;
    COOP_PORT_IRQ_RESTORE(s);
    return old;
#endif
}

/* Read a value another context writes (acquire), and publish one (release). */
#if COOP_PORT_ATOMIC
#define COOP_PRIV_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define COOP_PRIV_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#else
/* single core: volatile accesses, which the compiler keeps in order; a
 * multi-byte value must be read inside a critical section by the caller */
#define COOP_PRIV_LOAD(p) (*(p))
#define COOP_PRIV_STORE(p, v) ((void)(*(p) = (v)))
#endif

/* Keep the plain memory accesses before it before, and those after it after
 * (a ring's record copy against the volatile index that publishes it: the
 * compiler may move a plain access across a volatile one). With
 * COOP_PORT_ATOMIC the acquire/release of COOP_PRIV_LOAD/STORE does this.
 * Otherwise a compiler barrier, or the port's COOP_PORT_FENCE() where the
 * hardware can reorder too (a second core: RP2040 defines it as `dmb`). */
#if COOP_PORT_ATOMIC
#define COOP_PRIV_FENCE() ((void)0)
#elif defined(COOP_PORT_FENCE)
#define COOP_PRIV_FENCE() COOP_PORT_FENCE()
#elif defined(__GNUC__)
#define COOP_PRIV_FENCE() __asm__ __volatile__("" ::: "memory")
#else
void coop_priv_fence(void); /* an opaque call: the compiler keeps order around it */
#define COOP_PRIV_FENCE() coop_priv_fence()
#define COOP_PRIV_FENCE_CALL 1
#endif

#ifdef __cplusplus
}
#endif

#if defined(COOP_IMPLEMENTATION) && defined(COOP_PRIV_FENCE_CALL) && !defined(COOP_ATOMIC_IMPLEMENTED)
#define COOP_ATOMIC_IMPLEMENTED
void coop_priv_fence(void)
{
}
#endif

#endif /* COOP_ATOMIC_H */
