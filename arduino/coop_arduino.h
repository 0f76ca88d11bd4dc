/* coop_arduino.h - coop in an Arduino sketch (AVR boards: Uno and Nano tested in
 * simavr; Mega builds; ATmega32U4 boards (Leonardo) are not supported yet).
 *
 *     #define COOP_IMPLEMENTATION      // in exactly one .ino or .cpp of the sketch
 *     #include <coop_arduino.h>
 *
 *     void setup() {
 *         coop_avr_clock_start();      // coop's 1 ms tick on Timer2
 *         coop_loop_init(&tasks);      // a coop loop must not be named "loop"
 *         ... spawn tasks ...
 *         coop_loop_run(&tasks);       // sleeps between ticks; or, from loop():
 *     }                                // coop_loop_poll(&tasks) (never sleeps)
 *
 * This is the header the library's root offers (library.properties: includes).
 * It is coop's AVR port (coop_avr.h, ports/avr.h in coop's repository) with
 * the tick moved to Timer2: the Arduino core keeps Timer0 for millis(),
 * micros(), delay() and the PWM of D5/D6. Timer2 is then coop's: no tone()
 * (it defines Timer2's interrupt too: the link fails) and no analogWrite()
 * on D3/D11. COOP_AVR_TICK_TIMER 1 moves the tick to Timer1 instead (then
 * no Servo library, no analogWrite() on D9/D10).
 *
 * A task waits with AWAIT_SLEEP_MS, never with delay() (delay() stalls every
 * task). Options (COOP_TICK_BITS, COOP_PIN_IRQS, ...) are set with #define
 * before this include, in the file that defines COOP_IMPLEMENTATION and in
 * every other file of the sketch that includes it, alike.
 *
 * The library is generated from coop's repository by `make arduino-lib`
 * (build/arduino-lib/coop); its examples are in File > Examples > coop.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef COOP_ARDUINO_H
#define COOP_ARDUINO_H

#ifndef __AVR__
#error "coop_arduino.h: coop's Arduino library supports AVR boards (library.properties: architectures=avr)"
#endif

/* COOP_CONFIG: COOP_AVR_TICK_TIMER, 1 or 2, 2 here. Timer0 is the core's. */
#ifndef COOP_AVR_TICK_TIMER
#define COOP_AVR_TICK_TIMER 2
#endif
#if COOP_AVR_TICK_TIMER == 0
#error "coop_arduino.h: Timer0 runs the Arduino core's millis() and delay(): use COOP_AVR_TICK_TIMER 2 or 1"
#endif

#include <avr/io.h>
#if (COOP_AVR_TICK_TIMER == 2 && !defined(TCCR2A)) || !defined(UDR0)
#error "coop_arduino.h: coop's AVR port needs Timer2 (or Timer1: COOP_AVR_TICK_TIMER 1) and USART0; this chip lacks one (ATmega32U4 boards: Leonardo, Micro, are not supported yet)"
#endif

#include "coop_avr.h"

#endif /* COOP_ARDUINO_H */
