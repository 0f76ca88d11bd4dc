/* tests/m0/drive.S - bench drivers with a known instruction count (ARMv6-M).
 *
 * m0_bench_drive(fn, arg, n): calls fn(arg) n times (n >= 1). Per call the
 * driver itself executes exactly 3 instructions (mov r0, subs, bne) besides
 * the call instruction (blx), so instructions per call of fn, counting its
 * blx and its return, = (instructions of the loop) / n - 3.
 * m0_bench_spin(n): 2n instructions (subs, bne), to calibrate the clock.
 *
 * SPDX-License-Identifier: MIT
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb
    .text

    .global m0_bench_drive
    .type m0_bench_drive, %function
    .thumb_func
m0_bench_drive:
    push {r4, r5, r6, lr}
    mov r4, r0
    mov r5, r1
    mov r6, r2
1:  mov r0, r5
    blx r4
    subs r6, #1
    bne 1b
    pop {r4, r5, r6, pc}
    .size m0_bench_drive, . - m0_bench_drive

    .global m0_bench_spin
    .type m0_bench_spin, %function
    .thumb_func
m0_bench_spin:
1:  subs r0, #1
    bne 1b
    bx lr
    .size m0_bench_spin, . - m0_bench_spin
