/* tests/rp2040/sdk/include/hardware/irq.h - stand-in (see ../pico.h): the
 * NVIC and a vector table in RAM (the SDK's model: handlers set at run time).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_IRQ_H
#define COOP_STANDIN_IRQ_H

#include "pico.h"

/* RP2040 interrupt numbers (datasheet 2.3.2) */
#define TIMER_IRQ_0 0
#define TIMER_IRQ_1 1
#define TIMER_IRQ_2 2
#define TIMER_IRQ_3 3
#define IO_IRQ_BANK0 13
#define UART0_IRQ 20

typedef void (*irq_handler_t)(void);

#ifdef __cplusplus
extern "C" {
#endif

/* Make `handler` the only handler of interrupt `num` on this core. */
void irq_set_exclusive_handler(uint num, irq_handler_t handler);
/* Enable or disable interrupt `num` in this core's NVIC (a stale pending
 * request is cleared first when enabling). */
void irq_set_enabled(uint num, bool enabled);

#ifdef __cplusplus
}
#endif

#endif
