#!/usr/bin/env bash
# tests/port_kit.sh - the porting kit's headers build as promised (make test-port-kit).
#
#   ports/template.h  as it is, refuses to build, and its error lists what to
#                     write; with COOP_TEMPLATE_STUB, every example links against
#                     it on the PC (gcc C99, and press_alert as g++ C++11: the
#                     skeleton defines every function the library and the
#                     board API need) and blink1 compiles for Cortex-M0+ and AVR
#   ports/cortex_m.h  compiles (with COOP_IMPLEMENTATION) for M0+, M3, M4 and
#                     M7 as C99, C11 and C++11, with 16- and 32-bit ticks, and
#                     COOP_PORT_ATOMIC 1 on the ARMv7-M cores; refuses a
#                     non-Cortex-M target and COOP_PORT_ATOMIC 1 on ARMv6-M
# (The Cortex-M port's behaviour is tested in qemu by make test-m0.)
# Warnings are errors. Prints one line per group and "port kit: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}/port-kit
mkdir -p "$BUILD"
WARN=(-Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# refused NAME TEXT COMPILER...: compiling stdin must fail with TEXT in the error
refused() {
  local name=$1 text=$2 out; shift 2
  if out=$("$@" 2>&1); then
    fail "refused: $name: it compiled"
  elif ! grep -qF -- "$text" <<<"$out"; then
    fail "refused: $name: the error does not say \"$text\":"
    sed 's/^/     /' <<<"$out" | head -5
  else
    ok "refused: $name"
  fi
}

# ---------------------------------------------------------------- template.h
refused "ports/template.h as it is" "ports/template.h is a skeleton: copy it to ports/<chip>.h" \
  gcc -std=c99 "${WARN[@]}" -Iinclude -Iports -fsyntax-only -x c - <<<'#include "template.h"'

n=0; bad=0
# build CC... -- SOURCE OUT: one build, its errors shown
build() {
  local cc=() out
  while [ "$1" != -- ]; do cc+=("$1"); shift; done
  if ! out=$("${cc[@]}" "${WARN[@]}" -Iinclude -Iports -DCOOP_TEMPLATE_STUB '-DCOOP_PORT="template.h"' "$2" \
             -o "$3" 2>&1); then
    bad=$((bad + 1)); echo "     ${cc[*]} $2:"; sed 's/^/       /' <<<"$out" | head -10
  fi
  n=$((n + 1))
}
for main in examples/*/main.c; do
  build gcc -std=c99 -- "$main" "$BUILD/$(basename "$(dirname "$main")")"
done
build g++ -x c++ -std=c++11 -- examples/press_alert/main.c "$BUILD/press_alert-cxx"
build arm-none-eabi-gcc -std=c99 -mcpu=cortex-m0plus -mthumb -Os -c -- examples/blink1/main.c "$BUILD/blink1-m0.o"
build avr-gcc -std=c99 -mmcu=atmega328p -Os -c -- examples/blink1/main.c "$BUILD/blink1-avr.o"
if [ "$bad" -eq 0 ]; then
  ok "ports/template.h stubbed: every example links (C99; press_alert as C++11), blink1 compiles for M0+ and AVR ($n builds)"
else
  fail "ports/template.h stubbed: $bad of $n builds failed"
fi

# ---------------------------------------------------------------- cortex_m.h
n=0; bad=0
for cfg in "cortex-m0plus gcc -x c -std=c99 -DCOOP_TICK_BITS=32" "cortex-m0plus g++ -x c++ -std=c++11 -DCOOP_TICK_BITS=16" \
           "cortex-m3 gcc -x c -std=c11 -DCOOP_TICK_BITS=16" "cortex-m3 g++ -x c++ -std=c++11 -DCOOP_PORT_ATOMIC=1" \
           "cortex-m4 gcc -x c -std=c99 -DCOOP_PORT_ATOMIC=1" "cortex-m7 gcc -x c -std=c99 -DCOOP_TICK_BITS=32" \
           "cortex-m7 g++ -x c++ -std=c++11 -DCOOP_TICK_BITS=16"; do
  read -r cpu cc flags <<<"$cfg"
  # shellcheck disable=SC2086  # the flags are words
  if ! out=$(arm-none-eabi-$cc $flags -mcpu=$cpu -mthumb -Os "${WARN[@]}" -Iinclude -Iports -DCOOP_IMPLEMENTATION \
             -c -o /dev/null - <<<'#include "cortex_m.h"' 2>&1); then
    bad=$((bad + 1)); echo "     $cpu $cc $flags:"; sed 's/^/       /' <<<"$out" | head -10
  fi
  n=$((n + 1))
done
if [ "$bad" -eq 0 ]; then
  ok "ports/cortex_m.h compiles for M0+/M3/M4/M7, C99/C11/C++11, 16/32-bit ticks, LDREX on v7-M ($n builds)"
else
  fail "ports/cortex_m.h: $bad of $n builds failed"
fi
refused "ports/cortex_m.h on the PC" "build for a Cortex-M" \
  gcc -std=c99 "${WARN[@]}" -Iinclude -Iports -fsyntax-only -x c - <<<'#include "cortex_m.h"'
refused "ports/cortex_m.h with COOP_PORT_ATOMIC 1 on ARMv6-M" "needs LDREXB/STREXB" \
  arm-none-eabi-gcc -std=c99 -mcpu=cortex-m0plus -mthumb "${WARN[@]}" -Iinclude -Iports -DCOOP_PORT_ATOMIC=1 \
  -fsyntax-only -x c - <<<'#include "cortex_m.h"'

echo "port kit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
