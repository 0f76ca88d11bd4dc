#!/usr/bin/env bash
# tests/rp2040/run.sh - run the RP2040 firmware in rp2040js (make test-rp2040),
# or print the sizes (make bench-rp2040). mk/rp2040.mk builds the images first.
#
#   tests/rp2040/run.sh test    npm ci into build/rp2040/js, then each image
#                               in tests/rp2040/harness.mjs (under timeout)
#   tests/rp2040/run.sh bench   arm-none-eabi-size of the examples
#   tests/rp2040/run.sh sdk DIR the same tests on images built with the real
#                               pico-sdk (DIR: the CMake build directory of the
#                               top-level CMakeLists.txt; make test-rp2040-sdk)
#
# npm installs rp2040js by name and version from the registry npm is set up
# with, checked against the integrity hash in tests/rp2040/package-lock.json
# (the lock file names no download address). With CI=true a missing node or
# npm is a failure; otherwise the test is skipped with the command to run.
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${BUILD:-build}/rp2040

# flash: the image's bytes after the 256-byte boot2 area (code, read-only
# data, .data's initial values); RAM: .data + .bss (the stack is not counted)
sizes() { # elf -> "flash ram"
  arm-none-eabi-size -A -d "$1" | awk '
    $1 == ".text" || $1 == ".rodata" || $1 == ".binary_info" || $1 == ".ARM.exidx" { flash += $2 }
    $1 == ".data" || $1 == ".ram_vector_table" { flash += ($1 == ".data") ? $2 : 0; ram += $2 }
    $1 == ".bss" { ram += $2 }
    END { print flash + 0, ram + 0 }'
}

if [ "${1:-}" = bench ]; then
  read -r f0 r0 < <(sizes "$DIR/empty.elf")
  printf '%-40s %8s %8s   %s\n' "RP2040 Cortex-M0+ (gcc -Os, stand-in SDK)" "flash" "RAM" "minus an empty main (flash/RAM)"
  printf '%-40s %8d %8d\n' "tests/rp2040/empty.c (startup only)" "$f0" "$r0"
  for elf in "$DIR"/*.elf; do
    ex=$(basename "$elf" .elf)
    case "$ex" in bootrom|edges|storm|empty|long_sleep|dualcore|dualring|floats|pin_assert|blink2_tick16) continue ;; esac
    read -r f r < <(sizes "$DIR/$ex.elf")
    printf '%-40s %8d %8d   %6d / %d\n' "examples/$ex" "$f" "$r" $((f - f0)) $((r - r0))
  done
  echo "(flash: .text + .rodata + .data, without the 256-B boot2 area; RAM: .data + .bss, the stack not counted;"
  echo " arm-none-eabi-size -A $DIR/<example>.elf. The stand-in's own GPIO/IRQ/UART code and small printf are"
  echo " in the examples' share; with the real pico-sdk the floor is larger (runtime, clocks, stdio): see docs/benchmarks.md)"
  exit 0
fi

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    if [ "${CI:-}" = true ]; then echo "test-rp2040: $tool is missing (Debian packages nodejs, npm)"; exit 1; fi
    echo "test-rp2040: SKIPPED: $tool is missing; install the Debian packages nodejs and npm (make deps)"
    exit 0
  fi
done

JS="$DIR/js"
mkdir -p "$JS"
# npm ci again only when the lock file changed
if ! cmp -s tests/rp2040/package-lock.json "$JS/package-lock.json" || [ ! -e "$JS/node_modules/rp2040js/package.json" ]; then
  cp tests/rp2040/package.json tests/rp2040/package-lock.json "$JS/"
  echo "npm ci (rp2040js, as pinned by tests/rp2040/package-lock.json)"
  (cd "$JS" && timeout 300 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
fi

TWINS=${TWINS:-blink1 blink2 interval_buttons countio keypad debounced_counter irq_alert press_alert ir_alert}
IMG() { echo "$DIR/$1.bin"; }       # an example's image
TIMG() { echo "$DIR/$1.bin"; }      # a test firmware's image (tests/rp2040/*.c)
if [ "${1:-}" = sdk ]; then
  SDKDIR=${2:?usage: tests/rp2040/run.sh sdk CMAKE_BUILD_DIR}
  IMG() { echo "$SDKDIR/examples/$1/$1.bin"; }
  TIMG() { echo "$SDKDIR/tests/rp2040/$1.bin"; }
  echo "images built with pico-sdk in $SDKDIR"
fi

passed=0; failed=0
t0=$(date +%s)
run() { # label mode image [twin: name script virtual-log]; env as the caller sets it
  local label=$1 log="$DIR/run-$1.log"
  shift
  if timeout 300 node tests/rp2040/harness.mjs "$1" "$2" "$DIR/bootrom.bin" "$JS" "${@:3}" >"$log" 2>&1; then
    passed=$((passed + 1)); sed 's/^/  /' "$log"
  else
    failed=$((failed + 1)); sed 's/^/  /' "$log"; echo "  FAILED: $label ($2)"
  fi
}
run blink1 blink1 "$(IMG blink1)"
run blink2 blink2 "$(IMG blink2)"
# across the wrap of 32-bit ticks (2^32 ms), and of 16-bit ones (2^16 ms)
COOP_RP2040_START_MS=$((4294967296 - 2000)) run blink2-wrap32 blink2 "$(IMG blink2)"
COOP_RP2040_START_MS=$((65536 - 2000)) run blink2-tick16-wrap blink2 "$(TIMG blink2_tick16)"
run debounced_counter debounced_counter "$(IMG debounced_counter)"
run irq_alert irq_alert "$(IMG irq_alert)"
run long_sleep long_sleep "$(TIMG long_sleep)"
run edges edges "$(TIMG edges)"
# GPIO interrupt storms (10k..100k edges/s, bursts) beside two blinkers and
# a counter, a flag and a ring task: every blink on its tick, no consumer
# starved, exact counts; the edges merged and the handler's share per phase
run storm storm "$(TIMG storm)"
# float and double maths, and the boot ROM's float tables called as the SDK does
run floats floats "$(TIMG floats)"
# coop_pin_write on a pin that is not an output: the port's assert, as on every port
run pin_assert pin_assert "$(TIMG pin_assert)"
# a second core (the harness adds it) sets a flag and a counter: SEV wakes the loop
entry=0x$(arm-none-eabi-nm "$(TIMG dualcore | sed 's/\.bin$/.elf/')" | awk '$3 == "core1_main" { print $1 }')
run dualcore dualcore "$(TIMG dualcore)" "$entry"
# core 1 pushes records into a ring, core 0's task pops them
ring_entry=0x$(arm-none-eabi-nm "$(TIMG dualring | sed 's/\.bin$/.elf/')" | awk '$3 == "core1_main" { print $1 }')
run dualring dualring "$(TIMG dualring)" "$ring_entry"
# every example against its own timeline on the virtual clock (build/virtual/<name>,
# made by the Makefile), with its demo key script played on the buttons
for ex in $TWINS; do
  img=$(IMG "$ex")
  [ -e "$img" ] || continue
  script=$(sed -n 's/^#define DEMO_SCRIPT "\(.*\)"$/\1/p' "examples/$ex/main.c")
  timeout 30 "${BUILD:-build}/virtual/$ex" </dev/null >"$DIR/$ex.virtual.log" 2>&1 || true
  run "twin-$ex" twin "$img" "$ex" "$script" "$DIR/$ex.virtual.log"
done
# the negative control: with the emulator's SEVONPEND left out, a masked edge
# between the idle's check and its WFE sleeps on, and the edges test must see it
log="$DIR/run-edges-no-sevonpend.log"
if COOP_RP2040_NO_SEVONPEND=1 timeout 300 node tests/rp2040/harness.mjs edges "$(TIMG edges)" "$DIR/bootrom.bin" "$JS" \
     >"$log" 2>&1; then
  failed=$((failed + 1)); echo "  FAIL edges without SEVONPEND: the lost wake-ups went unnoticed"
elif grep -qE '^FAIL edges: (GP|each|timed)' "$log"; then
  passed=$((passed + 1)); echo "  ok   edges without SEVONPEND (negative control): $(grep -c '^FAIL' "$log") checks fail, as they must"
else
  failed=$((failed + 1)); sed 's/^/  /' "$log"; echo "  FAIL edges without SEVONPEND: failed for another reason"
fi
# and with SEV left a no-op, core 1's sets must be found to wake core 0 late
log="$DIR/run-dualcore-no-sev.log"
if COOP_RP2040_NO_SEV=1 timeout 300 node tests/rp2040/harness.mjs dualcore "$(TIMG dualcore)" "$DIR/bootrom.bin" "$JS" "$entry" \
     >"$log" 2>&1; then
  failed=$((failed + 1)); echo "  FAIL dualcore without SEV: the late wake-ups went unnoticed"
elif grep -q '^FAIL dualcore: each set woke core 0 at once' "$log"; then
  passed=$((passed + 1)); echo "  ok   dualcore without SEV (negative control): $(grep '^FAIL dualcore: each' "$log" | sed 's/.*: worst/worst/')"
else
  failed=$((failed + 1)); sed 's/^/  /' "$log"; echo "  FAIL dualcore without SEV: failed for another reason"
fi
# and with one divider shared by both cores (rp2040js as it is), core 1's
# divisions must be found to corrupt core 0's (its own, its clock reading; in
# the real SDK's images core 0's time keeping too, which hangs the firmware)
log="$DIR/run-dualcore-shared-divider.log"
if COOP_RP2040_SHARED_DIVIDER=1 timeout 300 node tests/rp2040/harness.mjs dualcore "$(TIMG dualcore)" "$DIR/bootrom.bin" "$JS" "$entry" \
     >"$log" 2>&1; then
  failed=$((failed + 1)); echo "  FAIL dualcore with a shared divider: the corrupted divisions went unnoticed"
elif grep -q "^FAIL dualcore: each core's hardware divider" "$log"; then
  passed=$((passed + 1)); echo "  ok   dualcore with a shared divider (negative control): $(grep "^FAIL dualcore: each core's" "$log" | sed 's/.*: core 0/core 0/')"
elif grep -q "^FAIL dualcore: firmware reported and returned 0 (still running)" "$log"; then
  passed=$((passed + 1)); echo "  ok   dualcore with a shared divider (negative control): the firmware never finished"
else
  failed=$((failed + 1)); sed 's/^/  /' "$log"; echo "  FAIL dualcore with a shared divider: failed for another reason"
fi
echo "test-rp2040: $passed passed, $failed failed ($(( $(date +%s) - t0 )) s)"
[ "$failed" -eq 0 ]
