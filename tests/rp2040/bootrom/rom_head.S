/* tests/rp2040/bootrom/rom_head.S - the stand-in boot ROM's fixed layout
 * (see rom.c): vectors at 0, the header at 0x10, the tables.
 *
 * SPDX-License-Identifier: MIT
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .rom_head, "a"
    .word 0x20042000            /* initial stack: the top of SRAM */
    .word rom_reset             /* reset (a Thumb function: bit 0 set) */
    .word rom_fault             /* NMI */
    .word rom_fault             /* HardFault */
    .byte 'M', 'u', 1           /* 0x10: magic */
    .byte 3                     /* 0x13: ROM version (as RP2040-B2's) */
    .hword rom_funcs            /* 0x14: function table */
    .hword rom_data             /* 0x16: data table */
    .hword rom_table_lookup + 1 /* 0x18: the lookup function, Thumb */
    .hword 0

    .section .rodata.rom_tables, "a"
    .balign 2
    .global rom_funcs
rom_funcs:
    .byte 'M', 'S'
    .hword rom_memset
    .byte 'S', '4'
    .hword rom_memset4
    .byte 'M', 'C'
    .hword rom_memcpy
    .byte 'C', '4'
    .hword rom_memcpy44
    .byte 'L', '3'
    .hword rom_clz32
    .byte 'T', '3'
    .hword rom_ctz32
    .byte 'P', '3'
    .hword rom_popcount32
    .byte 'R', '3'
    .hword rom_reverse32
    .hword 0
rom_data:
    .hword 0
