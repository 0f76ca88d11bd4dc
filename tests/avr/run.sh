#!/usr/bin/env bash
# tests/avr/run.sh - build the AVR firmware and the simavr harness, run the checks.
#
#   tests/avr/run.sh          make test-avr: examples, stress, unit tests in simavr
#   tests/avr/run.sh bench    make bench's AVR section: sizes, cycle counts, the edge -> task
#                             latency distribution, the storm figures
#
# Firmware: atmega328p at 16 MHz, -Os, C99, warnings as errors. Test firmware
# carries an AVR_MCU section (simavr reads the chip and clock from it); it
# must be linked far away (--section-start=.mmcu=0x910000), or it lands
# between .text and .data and simavr loads .data at the wrong flash address.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}/avr-test
mkdir -p "$BUILD"
SIMAVR_INC=$(pkg-config --variable=includedir simavr 2>/dev/null || echo /usr/include)/simavr
AVRCC=(avr-gcc -mmcu=atmega328p -DF_CPU=16000000UL -Os -std=c99 -Wall -Wextra -Wpedantic -Werror -Wundef
       -ffunction-sections -fdata-sections -Wl,--gc-sections -Iinclude -Iports)
MMCU=(-Wl,--undefined=_mmcu,--section-start=.mmcu=0x910000 -I"$SIMAVR_INC/avr")

gcc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow -isystem "$SIMAVR_INC" \
    tests/avr/harness.c -o "$BUILD/harness" $(pkg-config --libs simavr) -lelf

for ex in blink1 blink2 interval_buttons irq_alert press_alert; do
  "${AVRCC[@]}" -flto '-DCOOP_PORT="avr.h"' "examples/$ex/main.c" -o "$BUILD/$ex.elf"
done
"${AVRCC[@]}" "${MMCU[@]}" tests/avr/stress.c -o "$BUILD/stress.elf"
"${AVRCC[@]}" "${MMCU[@]}" tests/avr/storm.c -o "$BUILD/storm.elf"
"${AVRCC[@]}" "${MMCU[@]}" tests/avr/wrap.c -o "$BUILD/wrap.elf"
"${AVRCC[@]}" "${MMCU[@]}" tests/avr/keys.c -o "$BUILD/keys.elf"
# pins.c checks that the assert it sees is coop_pin_write's: its line in avr.h
write_assert_line=$(grep -n '"coop_pin_write: the pin is not an output' ports/avr.h | cut -d: -f1)
"${AVRCC[@]}" "${MMCU[@]}" -DWRITE_ASSERT_LINE="${write_assert_line:-0}" tests/avr/pins.c -o "$BUILD/pins.elf"
"${AVRCC[@]}" "${MMCU[@]}" -DBUSY tests/avr/keys.c -o "$BUILD/keys-busy.elf"
"${AVRCC[@]}" "${MMCU[@]}" -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8 \
    -DCOOP_VIRTUAL_PINS=8 tests/avr/unit.c -o "$BUILD/unit-16.elf"
"${AVRCC[@]}" "${MMCU[@]}" -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0 \
    -DCOOP_VIRTUAL_PINS=8 tests/avr/unit.c -o "$BUILD/unit-16-list.elf"
"${AVRCC[@]}" "${MMCU[@]}" -DCOOP_TICK_BITS=32 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=16 \
    -DCOOP_VIRTUAL_PINS=8 -DCOOP_LC=COOP_LC_GOTO tests/avr/unit.c -o "$BUILD/unit-32-goto.elf"
"${AVRCC[@]}" "${MMCU[@]}" tests/avr/bench.c -o "$BUILD/bench.elf"
for n in 1 3; do
  "${AVRCC[@]}" "${MMCU[@]}" -DOBJECTS=$n tests/avr/latency.c -o "$BUILD/latency-$n.elf"
done

H="$BUILD/harness"
if [ "${1:-}" = bench ]; then
  # flash: code + the data's initial values; static RAM: data + bss; stack:
  # the harness's bound (deepest outside interrupts + deepest interrupt frame)
  printf '%-44s %8s %8s %8s %8s\n' "AVR atmega328p 16 MHz (avr-gcc -Os -flto)" "flash" "static" "stack" "RAM"
  for ex in blink1:blink1 blink2:blink2 interval_buttons:buttons; do # example:harness mode
    name=${ex%%:*}; mode=${ex##*:}
    stack=$("$H" "$mode" "$BUILD/$name.elf" | sed -n 's/^stack .* bound \([0-9]*\) .*/\1/p')
    [ -n "$stack" ] || { echo "bench-avr: no stack figure from the harness for $name"; exit 1; }
    avr-size "$BUILD/$name.elf" | awk -v n="examples/$name" -v st="$stack" \
      'NR==2{printf "%-44s %8d %8d %8d %8d\n", n, $1 + $2, $2 + $3, st, $2 + $3 + st}'
  done
  "$H" bench "$BUILD/bench.elf" | sed -n 's/^bench avr  //p'
  for n in 1 3; do "$H" latency$n "$BUILD/latency-$n.elf" | sed -n 's/^bench avr  //p'; done
  echo "INT0 storms beside two blinkers and three consumers (harness storm $BUILD/storm.elf): per phase,"
  echo "edges merged by the hardware's one pending flag, the handler's share of the CPU, lateness and waits"
  "$H" storm "$BUILD/storm.elf" | grep -E '^     ' | sed 's/^     /  /'
  echo "(cycles: simavr, $BUILD/harness bench $BUILD/bench.elf; RAM = data + bss + the stack bound of a run in simavr)"
  exit 0
fi

passed=0; failed=0
t0=$(date +%s)
# What a program does not use is not linked: blink2 cancels nothing, sets no
# deadline and formats nothing; press_alert (the keys debouncer waits with
# AWAIT_FOR, and it prints numbers) is the control that links them.
linked() { avr-nm "$1" | grep -qE " $2(\.|\$)"; }
link_ok=1
for sym in coop_priv_cancel_lands coop_priv_cancel_after_call coop_priv_timed_fired coop_board_printf; do
  if linked "$BUILD/blink2.elf" "$sym"; then echo "  FAIL blink2 links $sym, which it never uses"; link_ok=0; fi
done
for sym in coop_priv_timed_fired coop_board_printf; do
  if ! linked "$BUILD/press_alert.elf" "$sym"; then echo "  FAIL press_alert does not link $sym (the check above would pass for nothing)"; link_ok=0; fi
done
if linked "$BUILD/blink2.elf" coop_priv_sleep && [ "$link_ok" = 1 ]; then
  passed=$((passed + 1)); echo "  ok   link: blink2 carries no cancel, deadline or formatter code; press_alert does"
else
  failed=$((failed + 1)); echo "  FAIL link: unused features linked (or avr-nm saw nothing)"
fi
runit() { # mode elf
  if "$H" "$1" "$2" >"$BUILD/$1.$(basename "$2" .elf).log" 2>&1; then
    passed=$((passed + 1)); grep -E '^(ok|FAIL)' "$BUILD/$1.$(basename "$2" .elf).log" | sed 's/^/  /'
  else
    failed=$((failed + 1)); sed 's/^/  /' "$BUILD/$1.$(basename "$2" .elf).log"
  fi
}
echo "== AVR in simavr: examples (LED edges, UART, sleep), stress, storms, the tick wrap, keys, pin asserts, unit tests"
runit blink1 "$BUILD/blink1.elf"
runit blink2 "$BUILD/blink2.elf"
runit buttons "$BUILD/interval_buttons.elf"
runit irq_alert "$BUILD/irq_alert.elf"
runit press_alert "$BUILD/press_alert.elf"
runit stress "$BUILD/stress.elf"
runit storm "$BUILD/storm.elf"
runit wrap "$BUILD/wrap.elf"
runit keys "$BUILD/keys.elf"
runit keys_busy "$BUILD/keys-busy.elf"
runit unit "$BUILD/pins.elf"
runit unit "$BUILD/unit-16.elf"
runit unit "$BUILD/unit-16-list.elf"
runit unit "$BUILD/unit-32-goto.elf"
echo "test-avr: $passed passed, $failed failed ($(( $(date +%s) - t0 )) s)"
[ "$failed" -eq 0 ]
