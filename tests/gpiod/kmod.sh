#!/usr/bin/env bash
# Build the kernel's GPIO simulator (gpio-sim) as an out-of-tree module for
# the Debian kernel whose headers are installed (linux-headers-amd64), from
# the sources of the same release (linux-source-6.1, a Debian package).
# Debian's kernel has neither CONFIG_GPIO_SIM nor CONFIG_IRQ_SIM, so both go
# into one module, build/gpiod/kmod/gpio-sim.ko. irq_sim.c calls
# irq_to_desc(), which the kernel does not export to modules:
# generic_handle_irq() does the same job through an exported function.
#   usage: tests/gpiod/kmod.sh OUTDIR KVER    (KVER e.g. 6.1.0-56-amd64)
set -euo pipefail
out=$1 kver=$2
hdr=/usr/src/linux-headers-$kver
tarball=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null || true)
[ -d "$hdr" ] || { echo "kmod: no $hdr (install linux-headers-amd64)"; exit 1; }
[ -n "$tarball" ] || { echo "kmod: no /usr/src/linux-source-6.1.tar.xz (install linux-source-6.1)"; exit 1; }

mkdir -p "$out"
if [ ! -e "$out/src.stamp" ] || [ "$tarball" -nt "$out/src.stamp" ]; then
    tar -xJf "$tarball" -C "$out" --strip-components=1 \
        linux-source-6.1/drivers/gpio/gpio-sim.c linux-source-6.1/drivers/gpio/gpiolib.h \
        linux-source-6.1/kernel/irq/irq_sim.c
    mv "$out/drivers/gpio/gpio-sim.c" "$out/drivers/gpio/gpiolib.h" "$out/kernel/irq/irq_sim.c" "$out/"
    rm -rf "$out/drivers" "$out/kernel"
    grep -q 'handle_simple_irq(irq_to_desc(irqnum))' "$out/irq_sim.c" ||
        { echo "kmod: irq_sim.c has changed: no irq_to_desc() call to replace"; exit 1; }
    sed -i 's/handle_simple_irq(irq_to_desc(irqnum))/generic_handle_irq(irqnum)/' "$out/irq_sim.c"
    printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$out/Kbuild"
    mv "$out/gpio-sim.c" "$out/gpio-sim-main.c"
    touch "$out/src.stamp"
fi
make -s -C "$hdr" M="$(cd "$out" && pwd)" -j2 modules
ls -l "$out/gpio-sim.ko"
