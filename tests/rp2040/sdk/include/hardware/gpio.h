/* tests/rp2040/sdk/include/hardware/gpio.h - stand-in (see ../pico.h): the
 * SIO GPIO registers, IO_BANK0 (function, edge interrupts) and PADS_BANK0
 * (pulls, input enable), datasheet 2.3.1.2 and 2.19.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_GPIO_H
#define COOP_STANDIN_GPIO_H

#include "pico.h"

#define GPIO_OUT 1
#define GPIO_IN 0

enum gpio_irq_level {
    GPIO_IRQ_LEVEL_LOW = 0x1u,
    GPIO_IRQ_LEVEL_HIGH = 0x2u,
    GPIO_IRQ_EDGE_FALL = 0x4u,
    GPIO_IRQ_EDGE_RISE = 0x8u
};

typedef void (*gpio_irq_callback_t)(uint gpio, uint32_t event_mask);

/* SIO registers */
#define COOP_STANDIN_SIO(off) (*(io_rw_32 *)(SIO_BASE + (off)))
#define COOP_STANDIN_SIO_GPIO_IN COOP_STANDIN_SIO(0x004u)
#define COOP_STANDIN_SIO_GPIO_OUT COOP_STANDIN_SIO(0x010u)
#define COOP_STANDIN_SIO_GPIO_OUT_SET COOP_STANDIN_SIO(0x014u)
#define COOP_STANDIN_SIO_GPIO_OUT_CLR COOP_STANDIN_SIO(0x018u)
#define COOP_STANDIN_SIO_GPIO_OUT_XOR COOP_STANDIN_SIO(0x01cu)
#define COOP_STANDIN_SIO_GPIO_OE COOP_STANDIN_SIO(0x020u)
#define COOP_STANDIN_SIO_GPIO_OE_SET COOP_STANDIN_SIO(0x024u)
#define COOP_STANDIN_SIO_GPIO_OE_CLR COOP_STANDIN_SIO(0x028u)

#ifdef __cplusplus
extern "C" {
#endif

/* SIO function, input, output latch 0. */
void gpio_init(uint gpio);
void gpio_set_pulls(uint gpio, bool up, bool down);
/* Enable or disable `events` of `gpio` on this core's IO_BANK0 interrupt
 * (stale edges are cleared first). */
void gpio_set_irq_enabled(uint gpio, uint32_t event_mask, bool enabled);
/* The same, after making `callback` this core's GPIO callback (called with
 * the events, already acknowledged), and enabling IO_IRQ_BANK0. */
void gpio_set_irq_enabled_with_callback(uint gpio, uint32_t event_mask, bool enabled,
                                        gpio_irq_callback_t callback);

static inline bool gpio_get(uint gpio)
{
    return (COOP_STANDIN_SIO_GPIO_IN & (1u << gpio)) != 0;
}

static inline void gpio_put(uint gpio, bool value)
{
    if (value)
        COOP_STANDIN_SIO_GPIO_OUT_SET = 1u << gpio;
    else
        COOP_STANDIN_SIO_GPIO_OUT_CLR = 1u << gpio;
}

static inline void gpio_xor_mask(uint32_t mask)
{
    COOP_STANDIN_SIO_GPIO_OUT_XOR = mask;
}

static inline void gpio_set_dir(uint gpio, bool out)
{
    if (out)
        COOP_STANDIN_SIO_GPIO_OE_SET = 1u << gpio;
    else
        COOP_STANDIN_SIO_GPIO_OE_CLR = 1u << gpio;
}

static inline uint gpio_get_dir(uint gpio)
{
    return (COOP_STANDIN_SIO_GPIO_OE >> gpio) & 1u;
}

static inline bool gpio_get_out_level(uint gpio)
{
    return (COOP_STANDIN_SIO_GPIO_OUT & (1u << gpio)) != 0;
}

#ifdef __cplusplus
}
#endif

#endif
