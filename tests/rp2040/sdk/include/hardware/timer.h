/* tests/rp2040/sdk/include/hardware/timer.h - stand-in (see ../pico.h): the
 * 64-bit microsecond timer and its four alarms.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_TIMER_H
#define COOP_STANDIN_TIMER_H

#include "hardware/structs/timer.h"
#include "pico.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Microseconds since boot (the raw registers, read high-low-high). */
uint64_t time_us_64(void);
/* Claim a hardware alarm nobody has claimed: its number, or -1 (with
 * required: panic) if none is left. */
int hardware_alarm_claim_unused(bool required);

#ifdef __cplusplus
}
#endif

#endif
