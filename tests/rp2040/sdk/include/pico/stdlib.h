/* tests/rp2040/sdk/include/pico/stdlib.h - stand-in for pico-sdk's
 * pico/stdlib.h (see ../pico.h): GPIO, time, stdio.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_PICO_STDLIB_H
#define COOP_STANDIN_PICO_STDLIB_H

#include <stdio.h>

#include "hardware/gpio.h"
#include "hardware/timer.h"
#include "pico.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Set up stdio: here UART0 (GP0 TX, GP1 RX), 115200 Bd 8N1, "\n" sent as
 * "\r\n" as the SDK does by default. printf, vprintf, puts and putchar are
 * the stand-in's own (like the SDK's pico_printf), writing to it. */
bool stdio_init_all(void);

#ifdef __cplusplus
}
#endif

#endif
