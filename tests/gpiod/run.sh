#!/usr/bin/env bash
# tests/gpiod/run.sh - boot a Debian kernel under qemu with a busybox
# initramfs that loads gpio-sim and runs the gpiod port's tests (or bench)
# against the real GPIO character device; read the verdict from the serial
# console (qemu's exit status is not the verdict).
#   run.sh test|bench      (make test-gpiod / make bench-gpiod build what it needs first)
# Environment: COOP_GPIOD_ACCEL=kvm to use KVM (default tcg: nested KVM may hang).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-test}
B=build/gpiod
kdir=$B/kernel

bash tests/gpiod/fetch.sh kernel "$kdir" >/dev/null
kver=$(cat "$kdir/kver")
bash tests/gpiod/kmod.sh "$B/kmod" "$kver" >/dev/null

# the initramfs: busybox, the two modules, the static test programs and examples
root=$B/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,mod,proc,sys,dev,tmp}
cp /bin/busybox "$root/bin/busybox"
cp "$kdir/configfs.ko" "$B/kmod/gpio-sim.ko" "$root/mod/"
for v in 1 2; do
    cp "$B/v$v/gpiod_test" "$root/bin/gpiod_test_v$v"
    for ex in blink1 debounced_counter irq_alert; do
        cp "$B/v$v/$ex" "$root/bin/${ex}_v$v"
    done
done
cp tests/gpiod/init.sh "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$B/initramfs.cpio.gz"

accel=${COOP_GPIOD_ACCEL:-tcg}
log=$B/guest-$mode.log
echo "== qemu-system-x86_64 ($accel), kernel $kver, gpio-sim built out of tree: $mode"
start=$(date +%s)
set +e
timeout 900 qemu-system-x86_64 -accel "$accel" -m 256 -smp 1 -nographic -no-reboot -nic none \
    -kernel "$kdir/vmlinuz" -initrd "$B/initramfs.cpio.gz" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 coop.mode=$mode" </dev/null 2>&1 |
    tr -d '\r' | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g' > "$log"
qrc=${PIPESTATUS[0]}
set -e
# the guest's own lines (the firmware's banner and the power-off are noise)
grep -a -v -e '^SeaBIOS' -e '^Booting from' -e 'reboot: Power down' -e '^$' -e '^iPXE' "$log" || true
verdict=$(grep -a '^COOP-GPIOD-VERDICT:' "$log" | tail -n 1 || true)
echo "guest: $(( $(date +%s) - start )) s, qemu status $qrc"
case "$verdict" in
"COOP-GPIOD-VERDICT: PASS"*)
    echo "$mode-gpiod: ${verdict#COOP-GPIOD-VERDICT: PASS (}" | sed "s/)$//"
    exit 0 ;;
"")
    [ "$qrc" = 124 ] && echo "$mode-gpiod: FAILED: the guest timed out (900 s) without a verdict" ||
        echo "$mode-gpiod: FAILED: no verdict from the guest (log: $log)"
    exit 1 ;;
*)
    echo "$mode-gpiod: FAILED: ${verdict#COOP-GPIOD-VERDICT: }"
    exit 1 ;;
esac
