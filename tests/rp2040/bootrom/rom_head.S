/* tests/rp2040/bootrom/rom_head.S - the stand-in boot ROM's fixed layout
 * (see rom.c): vectors at 0, the header at 0x10, the tables, the float and
 * double tables with their traps.
 *
 * SPDX-License-Identifier: MIT
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .rom_head, "a"
    .word 0x20041f00            /* initial stack: below boot2's copy in SRAM */
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
    .byte 'S', 'F'
    .hword rom_sf_table
    .byte 'S', 'D'
    .hword rom_sd_table
    .hword 0

/* The float (SF) and double (SD) tables: 32 entries each at the offsets of
 * pico-sdk's pico/bootrom/sf_table.h; the byte two before a table is its
 * number of entries (the SDK checks it). Served entries are libgcc's
 * __aeabi_* functions (the same registers in and out); the others trap. */
    .balign 4
    .byte 0, 0, 32, 0           /* table - 2: 32 entries */
rom_sf_table:
    .word __aeabi_fadd             /* 0x00 add */
    .word __aeabi_fsub             /* 0x04 sub */
    .word __aeabi_fmul             /* 0x08 mul */
    .word __aeabi_fdiv             /* 0x0c div */
    .word rom_sf_trap_10           /* 0x10 cmp_fast */
    .word rom_sf_trap_14           /* 0x14 cmp_fast_flags */
    .word rom_sf_trap_18           /* 0x18 sqrt */
    .word __aeabi_f2iz             /* 0x1c 2int */
    .word rom_sf_trap_20           /* 0x20 2fix */
    .word __aeabi_f2uiz            /* 0x24 2uint */
    .word rom_sf_trap_28           /* 0x28 2ufix */
    .word __aeabi_i2f              /* 0x2c int2 */
    .word rom_sf_trap_30           /* 0x30 fix2 */
    .word __aeabi_ui2f             /* 0x34 uint2 */
    .word rom_sf_trap_38           /* 0x38 ufix2 */
    .word rom_sf_trap_3c           /* 0x3c cos */
    .word rom_sf_trap_40           /* 0x40 sin */
    .word rom_sf_trap_44           /* 0x44 tan */
    .word rom_sf_trap_48           /* 0x48 sincos */
    .word rom_sf_trap_4c           /* 0x4c exp */
    .word rom_sf_trap_50           /* 0x50 ln */
    .word rom_sf_trap_54           /* 0x54 cmp_basic */
    .word rom_sf_trap_58           /* 0x58 atan2 */
    .word rom_sf_trap_5c           /* 0x5c int642 */
    .word rom_sf_trap_60           /* 0x60 fix642 */
    .word rom_sf_trap_64           /* 0x64 uint642 */
    .word rom_sf_trap_68           /* 0x68 ufix642 */
    .word rom_sf_trap_6c           /* 0x6c 2int64 */
    .word rom_sf_trap_70           /* 0x70 2fix64 */
    .word rom_sf_trap_74           /* 0x74 2uint64 */
    .word rom_sf_trap_78           /* 0x78 2ufix64 */
    .word __aeabi_f2d              /* 0x7c 2double / 2float */
    .balign 4
    .byte 0, 0, 32, 0           /* table - 2: 32 entries */
rom_sd_table:
    .word __aeabi_dadd             /* 0x00 add */
    .word __aeabi_dsub             /* 0x04 sub */
    .word __aeabi_dmul             /* 0x08 mul */
    .word __aeabi_ddiv             /* 0x0c div */
    .word rom_sd_trap_10           /* 0x10 cmp_fast */
    .word rom_sd_trap_14           /* 0x14 cmp_fast_flags */
    .word rom_sd_trap_18           /* 0x18 sqrt */
    .word __aeabi_d2iz             /* 0x1c 2int */
    .word rom_sd_trap_20           /* 0x20 2fix */
    .word __aeabi_d2uiz            /* 0x24 2uint */
    .word rom_sd_trap_28           /* 0x28 2ufix */
    .word __aeabi_i2d              /* 0x2c int2 */
    .word rom_sd_trap_30           /* 0x30 fix2 */
    .word __aeabi_ui2d             /* 0x34 uint2 */
    .word rom_sd_trap_38           /* 0x38 ufix2 */
    .word rom_sd_trap_3c           /* 0x3c cos */
    .word rom_sd_trap_40           /* 0x40 sin */
    .word rom_sd_trap_44           /* 0x44 tan */
    .word rom_sd_trap_48           /* 0x48 sincos */
    .word rom_sd_trap_4c           /* 0x4c exp */
    .word rom_sd_trap_50           /* 0x50 ln */
    .word rom_sd_trap_54           /* 0x54 cmp_basic */
    .word rom_sd_trap_58           /* 0x58 atan2 */
    .word rom_sd_trap_5c           /* 0x5c int642 */
    .word rom_sd_trap_60           /* 0x60 fix642 */
    .word rom_sd_trap_64           /* 0x64 uint642 */
    .word rom_sd_trap_68           /* 0x68 ufix642 */
    .word rom_sd_trap_6c           /* 0x6c 2int64 */
    .word rom_sd_trap_70           /* 0x70 2fix64 */
    .word rom_sd_trap_74           /* 0x74 2uint64 */
    .word rom_sd_trap_78           /* 0x78 2ufix64 */
    .word __aeabi_d2f              /* 0x7c 2double / 2float */

/* A trap: r1 = the entry's offset, then r0 = 0x100 (SF) or 0x200 (SD) +
 * offset and bkpt 0x46, where the harness stops and says which. */
    .text
    .macro trap table, base, off
    .thumb_func
rom_\table\()_trap_\off:
    movs r1, #0x\off
    movs r0, #\base
    b rom_float_trap
    .endm
    trap sf, 1, 10
    trap sf, 1, 14
    trap sf, 1, 18
    trap sf, 1, 20
    trap sf, 1, 28
    trap sf, 1, 30
    trap sf, 1, 38
    trap sf, 1, 3c
    trap sf, 1, 40
    trap sf, 1, 44
    trap sf, 1, 48
    trap sf, 1, 4c
    trap sf, 1, 50
    trap sf, 1, 54
    trap sf, 1, 58
    trap sf, 1, 5c
    trap sf, 1, 60
    trap sf, 1, 64
    trap sf, 1, 68
    trap sf, 1, 6c
    trap sf, 1, 70
    trap sf, 1, 74
    trap sf, 1, 78
    trap sd, 2, 10
    trap sd, 2, 14
    trap sd, 2, 18
    trap sd, 2, 20
    trap sd, 2, 28
    trap sd, 2, 30
    trap sd, 2, 38
    trap sd, 2, 3c
    trap sd, 2, 40
    trap sd, 2, 44
    trap sd, 2, 48
    trap sd, 2, 4c
    trap sd, 2, 50
    trap sd, 2, 54
    trap sd, 2, 58
    trap sd, 2, 5c
    trap sd, 2, 60
    trap sd, 2, 64
    trap sd, 2, 68
    trap sd, 2, 6c
    trap sd, 2, 70
    trap sd, 2, 74
    trap sd, 2, 78
    .thumb_func
rom_float_trap:
    lsls r0, r0, #8
    adds r0, r0, r1
    bkpt 0x46
    b rom_float_trap

