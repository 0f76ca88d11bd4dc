#!/usr/bin/env bash
# tests/arduino/run.sh - coop as an Arduino library (make test-arduino).
#
# Generates the library the way `make arduino-lib` does (arduino/mklib.sh)
# into build/arduino/libraries/coop, a sketchbook's libraries/ folder, then
#   - checks its metadata: library.properties has every field of the 1.5
#     library format (name, version, author, maintainer, sentence,
#     paragraph, category, url, architectures; includes), the version is
#     VERSION's, the category is one the IDE knows, `includes` names a
#     header at src/'s root, and every header there is coop-prefixed (no
#     bare avr.h); keywords.txt lines are NAME<TAB>KIND with a kind the IDE
#     knows and a name that exists in the library's headers; every
#     examples/<Name>/ holds <Name>.ino, and the four guide programs are
#     there (Blink1, Blink2, IntervalButtons, PressAlert);
#   - builds every example the way the IDE does: arduino-builder (the IDE's
#     builder) with -libraries, Debian's official AVR core for an Uno (16 MHz
#     atmega328p), -warnings all; the builder must take coop from that
#     libraries/ folder, and no warning may come from the sketch or coop's
#     headers (avr-g++ -std=gnu++11 -Wall -Wextra);
#   - the vectors of each: coop's tick is TIMER2_COMPA, the core keeps
#     TIMER0_OVF (millis), nobody took TIMER0_COMPA;
#   - other boards (architectures=avr): Blink2 builds for the Mega; for the
#     Leonardo (ATmega32U4) it stops at coop_arduino.h's #error, alone;
#   - in simavr (tests/avr/harness.c), Blink2 in mode blink2: LED edges on
#     PB5/PB4 exact to the tick, "done" on the UART (the sketch prints it only
#     if millis() kept time next to coop's clock), the CPU asleep > 95 %;
#     and the other guide programs in their harness modes, which check the
#     same edges, presses and lines as for the C twins (blink1, buttons,
#     press_alert).
# Prints avr-size of each build. Everything under build/arduino.
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
LIB=$OUT/libraries/coop
HARNESS_SRC=${HARNESS_SRC:-tests/avr/harness.c}
ARDUINO_HARDWARE=${ARDUINO_HARDWARE:-/usr/share/arduino/hardware}
ARDUINO_BUILDER_PLATFORM=${ARDUINO_BUILDER_PLATFORM:-/usr/share/arduino-builder}
# examples that must exist, and the harness mode each runs in (- : build only)
GUIDE_EXAMPLES="Blink1:blink1 Blink2:blink2 IntervalButtons:buttons PressAlert:press_alert"

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

echo "== coop as an Arduino library: metadata, every example by arduino-builder (arduino:avr:uno), simavr"

# -------------------------------------------------------------- the library
rm -rf "$OUT"
mkdir -p "$OUT/libraries"
bash arduino/mklib.sh "$LIB" >/dev/null
ABS_OUT=$(cd "$OUT" && pwd) # arduino-builder wants absolute paths

# library.properties: key=value lines; every field of the 1.5 format
problems=()
prop() { sed -n "s/^$1=//p" "$LIB/library.properties" | head -1; }
for key in name version author maintainer sentence paragraph category url architectures includes; do
  if ! grep -q "^$key=" "$LIB/library.properties"; then
    problems+=("no $key")
  elif [ -z "$(prop "$key")" ] && [ "$key" != url ]; then
    problems+=("$key is empty")
  fi
done
[ "$(prop name)" = coop ] || problems+=("name is '$(prop name)', the folder is coop")
[ "$(prop version)" = "$(tr -d ' \n' <VERSION)" ] || problems+=("version '$(prop version)' is not VERSION's ($(tr -d ' \n' <VERSION))")
case "$(prop category)" in
  Display | Communication | "Signal Input/Output" | Sensors | "Device Control" | Timing | "Data Storage" | \
  "Data Processing" | Other) ;;
  *) problems+=("category '$(prop category)' is not one of the IDE's") ;;
esac
for h in $(prop includes | tr ',' ' '); do
  [ -f "$LIB/src/$h" ] || problems+=("includes names $h, which is not in src/")
done
for h in "$LIB"/src/*.h; do
  case $(basename "$h") in coop*.h) ;; *) problems+=("src/$(basename "$h"): not coop-prefixed, may collide") ;; esac
done
if [ ${#problems[@]} -eq 0 ]; then
  url=$(prop url)
  ok "library.properties: coop $(prop version), every 1.5 field, includes=$(prop includes)${url:+, url $url}${url:- (url empty: COOP_URL=... make arduino-lib fills it in)}"
else
  fail "library.properties: $(IFS=';'; echo "${problems[*]}")"
fi

# keywords.txt: NAME<TAB>KIND[<TAB>REF]; the names must exist in the headers
problems=()
n=0
while IFS= read -r line; do
  case $line in '' | '#'*) continue ;; esac
  n=$((n + 1))
  word=${line%%$'\t'*}
  rest=${line#*$'\t'}
  kind=${rest%%$'\t'*}
  if [ "$word" = "$line" ] || [[ "$word" =~ [[:space:]] ]]; then
    problems+=("'$line': not NAME<TAB>KIND"); continue
  fi
  case $kind in KEYWORD1 | KEYWORD2 | KEYWORD3 | LITERAL1 | LITERAL2) ;; *) problems+=("$word: kind '$kind'") ;; esac
  grep -rqw -- "$word" "$LIB/src" || problems+=("$word: in no header of the library")
done <"$LIB/keywords.txt"
if [ ${#problems[@]} -eq 0 ] && [ "$n" -gt 0 ]; then
  ok "keywords.txt: $n names, each NAME<TAB>KIND and found in src/"
else
  fail "keywords.txt ($n names): $(IFS=';'; echo "${problems[*]}")"
fi

# examples/<Name>/<Name>.ino, and the guide programs among them
problems=()
examples=()
for d in "$LIB"/examples/*/; do
  d=${d%/}
  name=$(basename "$d")
  if [ -f "$d/$name.ino" ]; then
    examples+=("$name")
  else
    problems+=("examples/$name holds no $name.ino ($(cd "$d" && ls | tr '\n' ' '))")
  fi
done
for g in $GUIDE_EXAMPLES; do
  [ -f "$LIB/examples/${g%%:*}/${g%%:*}.ino" ] || problems+=("no example ${g%%:*}")
done
if [ ${#problems[@]} -eq 0 ]; then
  ok "examples: ${examples[*]}, each examples/<Name>/<Name>.ino"
else
  fail "examples: $(IFS=';'; echo "${problems[*]}")"
fi

# -------------------------------------------------------------- arduino-builder
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

has() { case " $vectors " in *" $1 "*) return 0 ;; esac; return 1; }
mkdir -p "$OUT/core-cache" # the core is compiled once, for the first example
built=()
for ex in ${examples[@]+"${examples[@]}"}; do
  mkdir -p "$OUT/build/$ex"
  builder=(arduino-builder -compile -hardware "$ARDUINO_HARDWARE" -hardware "$ARDUINO_BUILDER_PLATFORM"
           -tools "$ARDUINO_BUILDER_PLATFORM" -libraries "$ABS_OUT/libraries" -fqbn arduino:avr:uno
           -warnings all -verbose ${prefs[@]+"${prefs[@]}"} -build-cache "$ABS_OUT/core-cache"
           -build-path "$ABS_OUT/build/$ex" "$ABS_OUT/libraries/coop/examples/$ex")
  [ "$ex" = "${examples[0]}" ] && echo "  ${builder[*]}"
  log=$OUT/build/$ex.log
  elf=$OUT/build/$ex/$ex.ino.elf
  if ! timeout 600 ${one_cpu[@]+"${one_cpu[@]}"} "${builder[@]}" >"$log" 2>&1 || [ ! -f "$elf" ]; then
    fail "$ex: arduino-builder failed: $log"
    sed 's/^/    /' "$log" | grep -v '^    "/' | tail -30
    continue
  fi
  built+=("$ex")
  # Warnings from anything but the core's own files (its new.cpp has some):
  # the sketch, coop's headers, and the LTO link.
  ours=$(grep -E 'warning:' "$log" | grep -vF "$ARDUINO_HARDWARE/" || true)
  if [ -z "$ours" ] && grep -q -- '-Wall -Wextra -std=gnu++11' "$log" && grep -q -- "$ex.ino.cpp\" -o" "$log" &&
     grep -q "Using library coop at version $(prop version) in folder: $ABS_OUT/libraries/coop" "$log"; then
    ok "$ex: built with coop from libraries/, no warning from the sketch or coop (-Wall -Wextra, gnu++11)"
  else
    fail "$ex: warnings from the sketch or coop, or not compiled with -Wall -Wextra, or coop not taken from libraries/ ($log):"
    printf '%s\n' "$ours" | sed 's/^/    /'
  fi
  # Vectors: coop's tick on Timer2, the core's millis() on Timer0's overflow.
  vectors=$(avr-nm "$elf" | awk '$2 == "T" && $3 ~ /^__vector_[0-9]+$/ { print $3 }' | sort -V | tr '\n' ' ' | sed 's/ $//')
  if has __vector_7 && has __vector_16 && ! has __vector_14; then
    ok "$ex: vectors: TIMER2_COMPA (coop's tick) and TIMER0_OVF (millis) defined, TIMER0_COMPA free ($vectors)"
  else
    fail "$ex: vectors: want __vector_7 (TIMER2_COMPA) and __vector_16 (TIMER0_OVF), not __vector_14 (got: $vectors)"
  fi
done

# architectures=avr covers every AVR board: the Mega (ATmega2560) must build;
# a chip the port cannot serve must stop at coop_arduino.h's #error (the
# Leonardo's ATmega32U4 has no Timer2, no USART0), not deep in the port.
if [ -f "$LIB/examples/Blink2/Blink2.ino" ]; then
  for fq in arduino:avr:mega:cpu=atmega2560 arduino:avr:leonardo; do
    board=$(echo "$fq" | cut -d: -f3)
    mkdir -p "$OUT/board/$board"
    log=$OUT/board/$board.log
    timeout 600 ${one_cpu[@]+"${one_cpu[@]}"} arduino-builder -compile -hardware "$ARDUINO_HARDWARE" \
      -hardware "$ARDUINO_BUILDER_PLATFORM" -tools "$ARDUINO_BUILDER_PLATFORM" -libraries "$ABS_OUT/libraries" \
      -fqbn "$fq" -warnings all ${prefs[@]+"${prefs[@]}"} -build-path "$ABS_OUT/board/$board" \
      "$ABS_OUT/libraries/coop/examples/Blink2" >"$log" 2>&1 && rc=0 || rc=$?
    errors=$(grep -E 'error:' "$log" || true)
    if [ "$board" = mega ] && [ "$rc" = 0 ] && [ -f "$OUT/board/$board/Blink2.ino.elf" ] &&
       ! grep -E 'warning:' "$log" | grep -qvF "$ARDUINO_HARDWARE/"; then
      ok "Blink2 builds for $fq, no warning from the sketch or coop"
    elif [ "$board" = leonardo ] && [ "$rc" != 0 ] && [ "$(printf '%s\n' "$errors" | grep -c .)" = 1 ] &&
         printf '%s\n' "$errors" | grep -q 'coop_arduino.h:.*error: #error "coop_arduino.h: coop.s AVR port needs Timer2'; then
      ok "Blink2 for $fq stops at coop_arduino.h's #error alone (ATmega32U4: no Timer2, no USART0)"
    else
      fail "Blink2 for $fq (exit $rc; $log):"
      printf '%s\n' "$errors" | head -5 | sed 's/^/    /'
    fi
  done
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
for g in $GUIDE_EXAMPLES; do
  ex=${g%%:*}; mode=${g##*:}
  elf=$OUT/build/$ex/$ex.ino.elf
  [ -f "$elf" ] || continue # its build failed above
  if timeout 120 "$OUT/harness" "$mode" "$elf" >"$OUT/$ex.sim.log" 2>&1; then
    ok "$ex in simavr, harness mode $mode ($OUT/$ex.sim.log):"
    grep -E '^(ok|FAIL)' "$OUT/$ex.sim.log" | sed 's/^/    /'
  else
    rc=$?
    [ "$rc" = 124 ] && echo "    (the harness timed out after 120 s)"
    fail "$ex in simavr, harness mode $mode (exit $rc):"
    sed 's/^/    /' "$OUT/$ex.sim.log"
  fi
done

# -------------------------------------------------------------- sizes
echo "  size: the Arduino builds (core: init(), millis ISR, Serial) against examples/blink2 (avr-gcc -Os -flto, no core)"
{
  for ex in ${built[@]+"${built[@]}"}; do
    avr-size "$OUT/build/$ex/$ex.ino.elf" | awk -v n="arduino $ex (arduino:avr:uno)" \
      'NR==2{printf "    %-44s text %6d  data %4d  bss %4d\n", n, $1, $2, $3}'
  done
  if [ -f "$BUILD/avr-test/blink2.elf" ]; then
    avr-size "$BUILD/avr-test/blink2.elf" | awk -v n="examples/blink2 ($BUILD/avr-test)" 'NR==2{printf "    %-44s text %6d  data %4d  bss %4d\n", n, $1, $2, $3}'
  fi
}

echo "test-arduino: $passed passed, $failed failed ($(( $(date +%s) - t0 )) s)"
[ "$failed" -eq 0 ]
