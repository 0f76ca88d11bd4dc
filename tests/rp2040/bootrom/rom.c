/* tests/rp2040/bootrom/rom.c - a stand-in boot ROM for the rp2040js emulator.
 *
 * rp2040js emulates the chip but ships no boot ROM, and Raspberry Pi's is not
 * ours to copy: this is a small one of our own, enough to start the images
 * coop tests (stand-in SDK images and real pico-sdk ones):
 *   - reset, as the chip boots from flash: the image's first 256 bytes
 *     (boot2) are copied to SRAM at 0x20041f00, their CRC-32 checked (the
 *     last 4 bytes: polynomial 0x04c11db7, MSB first, initial value
 *     0xffffffff, no final xor, over the first 252, as pico-sdk's boot2
 *     carries it) and
 *     boot2 entered there with lr = 0, the stack below 0x20041f00; boot2
 *     installs the image's vector table and enters its reset handler. A
 *     wrong CRC stops the run: bkpt 0x45, the CRC found in r0 (a chip would
 *     fall back to USB boot). rp2040js reads flash through XIP without the
 *     QSPI set-up a real boot2 does (it emulates the SSI registers enough
 *     for pico-sdk's boot2 to run);
 *   - the ROM header the SDK reads: magic 'M' 'u' 1, version 3 at 0x13,
 *     16-bit pointers to the function table (0x14), the data table (0x16)
 *     and the lookup function (0x18);
 *   - the ROM functions the SDK's runtime looks up when it links its
 *     ROM-backed mem_ops and bit_ops: memset 'MS', memset4 'S4', memcpy 'MC',
 *     memcpy44 'C4', clz32 'L3', ctz32 'T3', popcount32 'P3', reverse32 'R3'.
 *     Other functions (flash, USB boot) are absent: the lookup returns
 *     NULL, as the real ROM does for a code it does not know;
 *   - the data the SDK's runtime looks up: the float and double tables
 *     ('SF', 'SD', 32 entries each, the layout of pico-sdk's
 *     pico/bootrom/sf_table.h). Add, subtract, multiply, divide, int and
 *     unsigned to float or double, float to double, double to float, and
 *     float or double to int and unsigned are served by libgcc's soft float
 *     (IEEE 754, round to nearest; the chip's ROM flushes denormals to
 *     zero, and its float2int rounds a negative value down where libgcc's
 *     truncates: the SDK's C conversions only send it values >= 0, but a
 *     direct float2int() call of a negative value differs; out of range the
 *     ROM saturates). Every other entry (the ROM's own compares, sqrt, sin,
 *     cos, tan, exp, ln, atan2, the fixed-point and 64-bit conversions)
 *     stops the run when called:
 *     bkpt 0x46, r0 = 0x100 for SF or 0x200 for SD plus the entry's offset.
 *     A data look-up of any other code stops the run too: bkpt 0x44, the
 *     code in r0 (rather than return NULL, from which the SDK would copy
 *     the ROM's first bytes as a table).
 * rom_head.S lays out the vectors, the header and the tables; this file has
 * the code. Built with -ffreestanding -fno-builtin so that these loops stay
 * loops.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#define FLASH_BASE 0x10000000u
#define BOOT2_SRAM 0x20041f00u

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

/* CRC-32 as the ROM checks boot2: polynomial 0x04c11db7, MSB first,
 * initial value 0xffffffff, no final xor. */
static uint32_t rom_crc32(const volatile uint8_t *p, uint32_t n)
{
    uint32_t crc = 0xffffffffu, i;
    while (n-- != 0) {
        crc ^= (uint32_t)*p++ << 24;
        for (i = 0; i < 8; i++)
            crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
    return crc;
}

__attribute__((noreturn)) static void rom_stop(uint32_t r0, int why)
{
    if (why == 0x45)
        __asm__ volatile("mov r0, %0\n\tbkpt 0x45" : : "r"(r0) : "r0");
    else if (why == 0x44)
        __asm__ volatile("mov r0, %0\n\tbkpt 0x44" : : "r"(r0) : "r0");
    for (;;)
        __asm__ volatile("bkpt 1");
}

void rom_reset(void)
{
    const volatile uint32_t *flash = (const volatile uint32_t *)FLASH_BASE;
    volatile uint32_t *boot2 = (volatile uint32_t *)BOOT2_SRAM;
    uint32_t i, crc;
    for (i = 0; i < 64; i++)
        boot2[i] = flash[i];
    crc = rom_crc32((const volatile uint8_t *)boot2, 252);
    if (crc != boot2[63])
        rom_stop(crc, 0x45);
    __asm__ volatile("movs r0, #0\n\tmov lr, r0\n\tbx %0" : : "r"(BOOT2_SRAM | 1u) : "r0", "lr");
    for (;;) {
    }
}

void rom_fault(void)
{
    for (;;)
        __asm__ volatile("bkpt 1");
}

/* A table is (code, 16-bit address) pairs ending in 0; functions are
 * returned with the Thumb bit set. A data code we do not serve stops the
 * run (see above). */
void *rom_table_lookup(const uint16_t *table, uint32_t code)
{
    const uint16_t *t;
    for (t = table; t[0] != 0; t += 2)
        if (t[0] == code)
            return (void *)(uintptr_t)(t[1] | (table == rom_funcs ? 1u : 0u));
    if (table != rom_funcs)
        rom_stop(code, 0x44);
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
