/* tests/rp2040/sdk/boot2.S - the stand-in SDK's second-stage boot (boot2):
 * the first 256 bytes of a flash image, where pico-sdk puts its boot2.
 *
 * The boot ROM (on the chip, and our stand-in, tests/rp2040/bootrom)
 * copies these 256 bytes to SRAM at 0x20041f00, checks the CRC-32 in the
 * last 4 (the one pico-sdk's boot2 carries: polynomial 0x04c11db7, MSB
 * first, initial value 0xffffffff, no final xor, over the first 252 bytes)
 * and enters them at 0x20041f00 with lr = 0 and its stack below 0x20041f00.
 * A real boot2 sets up the QSPI flash interface for fast XIP reads;
 * rp2040js reads flash through XIP without it, so this one only does what
 * every boot2 does last, entered from the ROM (lr = 0): point VTOR at the
 * image's vector table (0x10000100), load MSP from it and jump to its reset
 * handler. Position-independent: it runs from SRAM.
 *
 * The CRC below is of this file's code as assembled (a fixed byte pattern:
 * no relocations, the rest zeros); the ROM recomputes it on every boot and
 * stops with bkpt 0x45 (the sum it found in r0) when it differs, so a change
 * here must come with the new sum.
 *
 * SPDX-License-Identifier: MIT
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .boot2, "ax"
    .global coop_standin_boot2
    .type coop_standin_boot2, %function
coop_standin_boot2:
    ldr r0, 1f                  /* the image's vector table */
    ldr r1, 2f                  /* VTOR */
    str r0, [r1]
    ldmia r0!, {r1, r2}         /* initial stack, reset handler */
    msr msp, r1
    bx r2
    .balign 4
1:  .word 0x10000100
2:  .word 0xe000ed08
    .space 252 - (. - coop_standin_boot2)
    .word 0xa2b98c5a            /* CRC-32 of the 252 bytes above */
