/* tests/rp2040/sdk/include/hardware/structs/timer.h - stand-in (see
 * ../../pico.h): the TIMER block (datasheet 4.6.5).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_STANDIN_STRUCTS_TIMER_H
#define COOP_STANDIN_STRUCTS_TIMER_H

#include "pico.h"

typedef struct {
    io_wo_32 timehw;   /* 0x00 */
    io_wo_32 timelw;   /* 0x04 */
    io_ro_32 timehr;   /* 0x08 */
    io_ro_32 timelr;   /* 0x0c */
    io_rw_32 alarm[4]; /* 0x10: fires when the low 32 bits of the time equal it */
    io_rw_32 armed;    /* 0x20: armed alarms; write 1 to disarm */
    io_ro_32 timerawh; /* 0x24: raw time, no latching */
    io_ro_32 timerawl; /* 0x28 */
    io_rw_32 dbgpause; /* 0x2c */
    io_rw_32 pause;    /* 0x30 */
    io_rw_32 intr;     /* 0x34: raw interrupts; write 1 to clear */
    io_rw_32 inte;     /* 0x38 */
    io_rw_32 intf;     /* 0x3c */
    io_ro_32 ints;     /* 0x40 */
} timer_hw_t;

#define timer_hw ((timer_hw_t *)TIMER_BASE)

#endif
