/* coop.h - cooperative multitasking for microcontrollers, header-only C.
 *
 * Include this (or a port header from ports/, which includes it). In exactly
 * one .c file of your program, define COOP_IMPLEMENTATION before including a
 * port, so the library's and the port's functions are compiled there once:
 *
 *     #define COOP_IMPLEMENTATION
 *     #include "host.h"            // or avr.h, ...: the port for your board
 *
 * Options: coop/config.h. The pieces, each with its manual at its top:
 *   coop/async.h   ASYNC, AWAIT, YIELD, child coroutines (no scheduler needed)
 *   coop/sched.h   the loop: tasks, spawn, run, sleep, join, gather, cancel,
 *                  deferred calls posted by interrupts
 *   coop/irq.h     what an interrupt may touch: flag, counter, ring
 *   coop/sync.h    task to task: event, lock, semaphore, queue
 *   coop/atomic.h  how the ports make those safe (atomics or masking)
 *   coop/wheel.h   the timer wheel under the sleeps
 *   coop/time.h    ticks and wrap-safe comparisons
 *   coop/board.h   the board API the ports provide (pins, text, key scripts)
 *   coop/keys.h    debounced keys + event queue (keypad), edge counters (countio)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_H
#define COOP_H

#define COOP_VERSION_MAJOR 0
#define COOP_VERSION_MINOR 1
#define COOP_VERSION_PATCH 0

#include "coop/config.h"
#include "coop/time.h"
#include "coop/lc.h"
#include "coop/async.h"
#include "coop/wheel.h"
#include "coop/atomic.h"
#include "coop/sched.h"
#include "coop/irq.h"
#include "coop/sync.h"
#include "coop/board.h"
#include "coop/keys.h"

#endif /* COOP_H */
