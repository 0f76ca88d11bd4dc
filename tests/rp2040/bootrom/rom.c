/* tests/rp2040/bootrom/rom.c - a stand-in boot ROM for the rp2040js emulator.
 *
 * rp2040js emulates the chip but ships no boot ROM, and Raspberry Pi's is not
 * ours to copy: this is a small one of our own, enough to start the images
 * coop tests (stand-in SDK images and real pico-sdk ones):
 *   - reset: boot2 is skipped (rp2040js reads flash through XIP with no
 *     QSPI set-up), the image's vector table at 0x10000100 is installed
 *     (VTOR, MSP) and its reset handler entered, as boot2 would;
 *   - the ROM header the SDK reads: magic 'M' 'u' 1, version 3 at 0x13,
 *     16-bit pointers to the function table (0x14), the data table (0x16)
 *     and the lookup function (0x18);
 *   - the ROM functions the SDK's runtime looks up when it links its
 *     ROM-backed mem_ops and bit_ops: memset 'MS', memset4 'S4', memcpy 'MC',
 *     memcpy44 'C4', clz32 'L3', ctz32 'T3', popcount32 'P3', reverse32 'R3'.
 *     Everything else (the ROM's soft-float tables, flash and USB-boot
 *     functions) is absent: the lookup returns NULL.
 * rom_head.S lays out the vectors, the header and the tables; this file has
 * the code. Built with -ffreestanding -fno-builtin so that these loops stay
 * loops.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#define VTOR (*(volatile uint32_t *)0xe000ed08u)
#define IMAGE_VECTORS 0x10000100u

void rom_reset(void);
void rom_fault(void);
void *rom_table_lookup(const uint16_t *table, uint32_t code);
uint8_t *rom_memset(uint8_t *p, uint8_t c, uint32_t n);
uint32_t *rom_memset4(uint32_t *p, uint8_t c, uint32_t n);
uint8_t *rom_memcpy(uint8_t *dst, const uint8_t *src, uint32_t n);
uint32_t *rom_memcpy44(uint32_t *dst, const uint32_t *src, uint32_t n);
uint32_t rom_clz32(uint32_t x);
uint32_t rom_ctz32(uint32_t x);
uint32_t rom_popcount32(uint32_t x);
uint32_t rom_reverse32(uint32_t x);
extern const uint16_t rom_funcs[];

void rom_reset(void)
{
    const volatile uint32_t *vt = (const volatile uint32_t *)IMAGE_VECTORS;
    VTOR = IMAGE_VECTORS;
    __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(vt[0]), "r"(vt[1]));
}

void rom_fault(void)
{
    for (;;)
        __asm__ volatile("bkpt 1");
}

/* A table is (code, 16-bit address) pairs ending in 0; functions are
 * returned with the Thumb bit set. */
void *rom_table_lookup(const uint16_t *table, uint32_t code)
{
    const uint16_t *t;
    for (t = table; t[0] != 0; t += 2)
        if (t[0] == code)
            return (void *)(uintptr_t)(t[1] | (table == rom_funcs ? 1u : 0u));
    return (void *)0;
}

uint8_t *rom_memset(uint8_t *p, uint8_t c, uint32_t n)
{
    uint8_t *d = p;
    while (n-- != 0)
        *d++ = c;
    return p;
}

uint32_t *rom_memset4(uint32_t *p, uint8_t c, uint32_t n)
{
    (void)rom_memset((uint8_t *)p, c, n);
    return p;
}

uint8_t *rom_memcpy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
    uint8_t *d = dst;
    while (n-- != 0)
        *d++ = *src++;
    return dst;
}

uint32_t *rom_memcpy44(uint32_t *dst, const uint32_t *src, uint32_t n)
{
    (void)rom_memcpy((uint8_t *)dst, (const uint8_t *)src, n);
    return dst;
}

uint32_t rom_clz32(uint32_t x)
{
    uint32_t n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

uint32_t rom_ctz32(uint32_t x)
{
    uint32_t n = 0;
    if (x == 0)
        return 32;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
}

uint32_t rom_popcount32(uint32_t x)
{
    uint32_t n = 0;
    for (; x != 0; x &= x - 1)
        n++;
    return n;
}

uint32_t rom_reverse32(uint32_t x)
{
    uint32_t r = 0, i;
    for (i = 0; i < 32; i++) {
        r = (r << 1) | (x & 1u);
        x >>= 1;
    }
    return r;
}
