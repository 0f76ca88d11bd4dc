#!/usr/bin/env bash
# tests/arduino/run.sh - coop in an Arduino IDE sketch folder (make test-arduino).
#
# Builds tests/arduino/coop_blink2 (examples/blink2 as a sketch) the way the
# Arduino IDE does: a sketch folder with coop copied into it (avr.h and
# coop.h at the top, coop/*.h in coop/), compiled by arduino-builder (the
# IDE's builder) with Debian's official AVR core for an Uno (16 MHz
# atmega328p). Then checks:
#   - the sketch and coop's headers compile without a warning under the
#     core's C++ flags with -warnings all (-Wall -Wextra, gnu++11);
#   - the vectors: coop's tick is TIMER2_COMPA, the core keeps TIMER0_OVF
#     (millis), nobody took TIMER0_COMPA;
#   - in simavr (tests/avr/harness.c, mode blink2): LED edges on PB5/PB4
#     exact to the tick, "done" on the UART (the sketch prints it only if
#     millis() kept time next to coop's clock), the CPU asleep > 95 %.
# Prints avr-size of the Arduino build. Everything under build/arduino.
# With CI=true a missing tool is a failure, otherwise the test is skipped.
#
# Paths of the Debian packages (arduino-core-avr, arduino-builder), each one
# may be overridden from the environment:
#   ARDUINO_HARDWARE   the folder holding arduino/avr/boards.txt
#   ARDUINO_BUILDER_PLATFORM  the builder's own platform.txt (the ctags tool)
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
OUT=$BUILD/arduino
SKETCH_NAME=coop_blink2
HARNESS_SRC=${HARNESS_SRC:-tests/avr/harness.c}
ARDUINO_HARDWARE=${ARDUINO_HARDWARE:-/usr/share/arduino/hardware}
ARDUINO_BUILDER_PLATFORM=${ARDUINO_BUILDER_PLATFORM:-/usr/share/arduino-builder}

missing() {
  if [ "${CI:-}" = true ]; then
    echo "  FAIL test-arduino: $1 (CI=true: nothing may be skipped; make deps installs .ci/deps.d/arduino.list)"
    exit 1
  fi
  echo "  SKIP test-arduino: $1 (make deps installs .ci/deps.d/arduino.list)"
  exit 0
}
for tool in arduino-builder arduino-ctags avr-g++ avr-size avr-nm gcc pkg-config; do
  command -v "$tool" >/dev/null 2>&1 || missing "no $tool"
done
[ -f "$ARDUINO_HARDWARE/arduino/avr/boards.txt" ] || missing "no Arduino AVR core in $ARDUINO_HARDWARE (arduino-core-avr)"
[ -f "$ARDUINO_BUILDER_PLATFORM/platform.txt" ] || missing "no $ARDUINO_BUILDER_PLATFORM/platform.txt (arduino-builder)"
pkg-config --exists simavr 2>/dev/null || missing "no simavr development files (libsimavr-dev)"

# The lead runs other builds: arduino-builder compiles the core on every CPU,
# so keep it (and the compilers it starts) on one.
one_cpu=()
if command -v taskset >/dev/null 2>&1; then
  cpu=$(taskset -pc $$ 2>/dev/null | sed -n 's/.*: *\([0-9]*\).*/\1/p')
  [ -n "$cpu" ] && one_cpu=(taskset -c "$cpu")
fi

passed=0; failed=0
t0=$(date +%s)
ok()   { passed=$((passed + 1)); echo "  ok   $*"; }
fail() { failed=$((failed + 1)); echo "  FAIL $*"; }

echo "== coop in an Arduino IDE sketch folder: arduino-builder, arduino:avr:uno, simavr"

# -------------------------------------------------------------- sketch folder
rm -rf "$OUT"
mkdir -p "$OUT/$SKETCH_NAME/coop" "$OUT/build"
cp "tests/arduino/$SKETCH_NAME/$SKETCH_NAME.ino" include/coop.h ports/avr.h "$OUT/$SKETCH_NAME/"
cp include/coop/*.h "$OUT/$SKETCH_NAME/coop/"
ABS_OUT=$(cd "$OUT" && pwd) # arduino-builder wants absolute paths

# Debian 12's arduino-core-avr (1.8.7) does not compile with Debian 12's
# avr-gcc 5.4: WString.cpp uses DECIMAL_DIG, which gcc 5's <float.h> defines
# for C99 but not for C++11. Give it the compiler's own value, only if needed.
prefs=()
if printf '#include <float.h>\nint d = DECIMAL_DIG;\n' |
   timeout 60 avr-g++ -x c++ -std=gnu++11 -mmcu=atmega328p -E - 2>/dev/null | grep -q 'd = DECIMAL_DIG;'; then
  echo "  note avr-g++ $(avr-g++ -dumpversion): no DECIMAL_DIG in C++11, the core's WString.cpp needs" \
       "-DDECIMAL_DIG=__DECIMAL_DIG__ (added as compiler.cpp.extra_flags)"
  prefs=(-prefs=compiler.cpp.extra_flags=-DDECIMAL_DIG=__DECIMAL_DIG__)
fi

builder=(arduino-builder -compile -hardware "$ARDUINO_HARDWARE" -hardware "$ARDUINO_BUILDER_PLATFORM"
         -tools "$ARDUINO_BUILDER_PLATFORM" -fqbn arduino:avr:uno -warnings all -verbose
         ${prefs[@]+"${prefs[@]}"} -build-path "$ABS_OUT/build" "$ABS_OUT/$SKETCH_NAME")
echo "  ${builder[*]}"
ELF=$OUT/build/$SKETCH_NAME.ino.elf
if timeout 300 ${one_cpu[@]+"${one_cpu[@]}"} "${builder[@]}" >"$OUT/build.log" 2>&1 && [ -f "$ELF" ]; then
  ok "arduino-builder built the sketch ($OUT/build.log)"
else
  fail "arduino-builder failed: $OUT/build.log"
  sed 's/^/    /' "$OUT/build.log" | grep -v '^    "/' | tail -30
  echo "test-arduino: $passed passed, $failed failed"
  exit 1
fi

# Warnings from anything but the core's own files (its new.cpp has some):
# the sketch, avr.h, coop.h and coop/*.h, and the LTO link.
ours=$(grep -E 'warning:' "$OUT/build.log" | grep -vF "$ARDUINO_HARDWARE/" || true)
if [ -z "$ours" ] && grep -q -- '-Wall -Wextra -std=gnu++11' "$OUT/build.log" &&
   grep -q -- "$SKETCH_NAME.ino.cpp\" -o" "$OUT/build.log"; then
  ok "no warning from the sketch or coop's headers (avr-g++ -std=gnu++11 -Wall -Wextra -fpermissive -flto)"
else
  fail "warnings from the sketch or coop (or the sketch was not compiled with -Wall -Wextra):"
  printf '%s\n' "$ours" | sed 's/^/    /'
fi

# Vectors: coop's tick on Timer2, the core's millis() on Timer0's overflow.
vectors=$(avr-nm "$ELF" | awk '$2 == "T" && $3 ~ /^__vector_[0-9]+$/ { print $3 }' | sort -V | tr '\n' ' ' | sed 's/ $//')
has() { case " $vectors " in *" $1 "*) return 0 ;; esac; return 1; }
if has __vector_7 && has __vector_16 && ! has __vector_14; then
  ok "vectors: TIMER2_COMPA (coop's tick) and TIMER0_OVF (millis) defined, TIMER0_COMPA free ($vectors)"
else
  fail "vectors: want __vector_7 (TIMER2_COMPA) and __vector_16 (TIMER0_OVF), not __vector_14 (got: $vectors)"
fi

# -------------------------------------------------------------- simavr
# Our own harness binary (make -j check may rebuild build/avr-test/harness
# while this runs).
SIMAVR_INC=$(pkg-config --variable=includedir simavr 2>/dev/null || echo /usr/include)/simavr
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
if ! timeout 120 gcc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow -isystem "$SIMAVR_INC" \
     "$HARNESS_SRC" -o "$OUT/harness" $(pkg-config --libs simavr) -lelf; then
  fail "could not build the simavr harness from $HARNESS_SRC"
  echo "test-arduino: $passed passed, $failed failed"
  exit 1
fi
if timeout 120 "$OUT/harness" blink2 "$ELF" >"$OUT/blink2.log" 2>&1; then
  ok "simavr, harness mode blink2 ($OUT/blink2.log):"
  grep -E '^(ok|FAIL)' "$OUT/blink2.log" | sed 's/^/    /'
else
  rc=$?
  [ "$rc" = 124 ] && echo "    (the harness timed out after 120 s)"
  fail "simavr, harness mode blink2 (exit $rc):"
  sed 's/^/    /' "$OUT/blink2.log"
fi

# -------------------------------------------------------------- sizes
echo "  size: the Arduino build (core: init(), millis ISR, Serial) against examples/blink2 (avr-gcc -Os -flto, no core)"
{
  avr-size "$ELF" | awk -v n="arduino $SKETCH_NAME (arduino:avr:uno)" 'NR==2{printf "    %-44s text %6d  data %4d  bss %4d\n", n, $1, $2, $3}'
  if [ -f "$BUILD/avr-test/blink2.elf" ]; then
    avr-size "$BUILD/avr-test/blink2.elf" | awk -v n="examples/blink2 ($BUILD/avr-test)" 'NR==2{printf "    %-44s text %6d  data %4d  bss %4d\n", n, $1, $2, $3}'
  fi
}

echo "test-arduino: $passed passed, $failed failed ($(( $(date +%s) - t0 )) s)"
[ "$failed" -eq 0 ]
