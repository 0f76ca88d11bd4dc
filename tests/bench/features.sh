#!/usr/bin/env bash
# tests/bench/features.sh - what each feature adds in flash and RAM (part of make bench).
#
# Builds tests/bench/features.c once per feature (-DFEAT_<NAME>) for
#   AVR   ATmega328P, ports/avr.h (its defaults: 16-bit ticks, sorted timer
#         list), avr-gcc -Os -flto, --gc-sections
#   M0+   Cortex-M0+, ports/cortex_m.h with the test board tests/m0/m0_board.h
#         (library defaults: 32-bit ticks, 6-level wheel), arm-none-eabi-gcc -Os,
#         --gc-sections, newlib-nano, tests/m0's start-up and linker script
# and prints flash (text + data) and RAM (data + bss; no stack) of each
# program: "empty" and "base" in full, every feature as the bytes it adds to
# "base". The probes are described at the top of features.c.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${BUILD:-build}/bench/features
mkdir -p "$out"

for tool in avr-gcc avr-size arm-none-eabi-gcc arm-none-eabi-size; do
  command -v "$tool" >/dev/null || { echo "features: $tool missing (make deps)"; exit 1; }
done

WARN=(-Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow)
# shellcheck disable=SC2054  # commas inside one argument
AVR=(avr-gcc -mmcu=atmega328p -DF_CPU=16000000UL -Os -flto -std=c99 -ffunction-sections -fdata-sections
     -Wl,--gc-sections "${WARN[@]}" -Iinclude -Iports '-DCOOP_PORT="avr.h"')
# shellcheck disable=SC2054
M0=(arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -std=c99 -ffunction-sections -fdata-sections
    "${WARN[@]}" -Iinclude -Iports -Itests/m0 '-DCOOP_PORT="m0_board.h"'
    --specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -T tests/m0/m0.ld)

# feature label (the label says what the probe uses)
FEATURES=(
  "EMPTY|the port alone: board init, empty main loop"
  "BASE|scheduler + sleep: loop, 2 tasks, AWAIT_SLEEP_MS"
  "JOIN|+ join: spawn a child, AWAIT_JOIN"
  "GATHER|+ gather: spawn a child, AWAIT_GATHER"
  "CANCEL|+ cancel + FINALLY: coop_task_cancel"
  "DEADLINE|+ deadline: AWAIT_FOR(rc, ms, AWAIT_SLEEP_MS)"
  "CALL_FOR|+ AWAIT_CALL_FOR on a child with an AWAIT_FOR, NEST 1"
  "NEST|the same with COOP_DEADLINE_NEST 3 (both levels)"
  "EVENT|+ event: set / AWAIT_EVENT / clear"
  "LOCK|+ lock: AWAIT_LOCK / release, 2 tasks"
  "SEM|+ semaphore: AWAIT_SEM / release, 2 tasks"
  "QUEUE|+ queue: AWAIT_PUT / AWAIT_GET, 4 x 1 B"
  "FLAG|+ flag: ISR coop_flag_set, AWAIT_FLAG"
  "COUNTER|+ counter: ISR coop_counter_add, AWAIT_COUNTER"
  "RING|+ ring: ISR coop_ring_push, AWAIT_RING, 4 x 1 B"
  "KEYS|+ keys: 1 key polled (poll task), AWAIT_KEYS"
  "EDGES|+ edges: ISR coop_edges_report, AWAIT_EDGES"
  "KEYPAD|+ keypad: COOP_KEYPAD_DEFINE 1 key, AWAIT_KEY_EVENT"
  "EDGES_PIN|+ edges, COOP_PIN_IRQS 1, coop_pin_on_edge + our ISR"
  "EDGES_ATTACH|the same with coop_edges_attach (no ISR of ours)"
)

# size TOOL ELF -> "flash ram"
size() { "$1" "$2" | awk 'NR == 2 { print $1 + $2, $2 + $3 }'; }

declare -A fl ram
for f in "${FEATURES[@]}"; do
  name=${f%%|*}; lc=$(echo "$name" | tr 'A-Z' 'a-z')
  "${AVR[@]}" -DFEAT_"$name" tests/bench/features.c -o "$out/avr-$lc.elf"
  "${M0[@]}" -DFEAT_"$name" tests/bench/features.c tests/m0/startup.c -o "$out/m0-$lc.elf"
  read -r "fl[avr.$name]" "ram[avr.$name]" < <(size avr-size "$out/avr-$lc.elf")
  read -r "fl[m0.$name]" "ram[m0.$name]" < <(size arm-none-eabi-size "$out/m0-$lc.elf")
done

printf '%-52s %13s %13s\n' "bytes: flash / RAM (data+bss, no stack)" "AVR -flto" "M0+"
printf '%-52s %13s %13s\n' "----" "----" "----"
for f in "${FEATURES[@]}"; do
  name=${f%%|*}; label=${f#*|}
  case $name in
    EMPTY|BASE) a="${fl[avr.$name]} / ${ram[avr.$name]}"; m="${fl[m0.$name]} / ${ram[m0.$name]}" ;;
    *) a="+$(( fl[avr.$name] - fl[avr.BASE] )) / +$(( ram[avr.$name] - ram[avr.BASE] ))"
       m="+$(( fl[m0.$name] - fl[m0.BASE] )) / +$(( ram[m0.$name] - ram[m0.BASE] ))" ;;
  esac
  printf '%-52s %13s %13s\n' "$label" "$a" "$m"
done
echo "(avr-gcc $(avr-gcc -dumpversion), arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion); '+' rows: added to the base"
echo " program, including the feature's objects. Programs: tests/bench/features.c, one -DFEAT_<NAME> each."
echo " Reproduce one (AVR): ${AVR[*]} -DFEAT_QUEUE tests/bench/features.c -o q.elf && avr-size q.elf"
echo " (M0+): ${M0[*]} -DFEAT_QUEUE tests/bench/features.c tests/m0/startup.c -o q.elf && arm-none-eabi-size q.elf)"
