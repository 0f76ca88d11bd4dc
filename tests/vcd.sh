#!/usr/bin/env bash
# Pictures from real runs (mk/docs.mk): make test-vcd runs this after building
# $BUILD/vcd/<example>.vcd and .svg for each of $DOCS_IMG.
#  1. blink2's recording (virtual clock, COOP_VCD 1) keeps blink2's timing and
#     each LED edge is made while its task runs (tests/vcd_check.py);
#  2. every docs/img/<example>.svg is byte for byte a fresh drawing of a fresh
#     recording (run `make docs` after changing an example, the recorder or
#     tools/vcd2svg.py), so the pictures cannot go stale;
#  3. rsvg-convert renders each one to $BUILD/vcd/<example>.png (look at them);
#  4. ports/vcd.h with COOP_VCD 1 compiles as C++, the recording is off
#     without the COOP_VCD variable, and a program built without COOP_VCD 1
#     has no recorder symbol.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DOCS_IMG=${DOCS_IMG:-$(ls docs/img/*.svg | sed "s|docs/img/||; s|\.svg$||" | tr "\n" " ")}   # make passes mk/docs.mk's list
failed=0
pass() { echo "  ok: $1"; }
fail() { echo "  FAILED: $1"; failed=$((failed + 1)); }

if out=$(python3 tests/vcd_check.py "$BUILD/vcd/blink2.vcd"); then pass "$out"; else echo "$out"; fail "blink2's recording"; fi

for e in $DOCS_IMG; do
  if [ ! -f "docs/img/$e.svg" ]; then
    fail "docs/img/$e.svg is missing (make docs)"
  elif ! cmp -s "docs/img/$e.svg" "$BUILD/vcd/$e.svg"; then
    diff "docs/img/$e.svg" "$BUILD/vcd/$e.svg" | head -6
    fail "docs/img/$e.svg differs from a fresh one: run make docs and look at it"
  else
    pass "docs/img/$e.svg is fresh"
  fi
  if rsvg-convert "docs/img/$e.svg" -o "$BUILD/vcd/$e.png" && [ -s "$BUILD/vcd/$e.png" ]; then
    pass "rsvg-convert renders docs/img/$e.svg ($BUILD/vcd/$e.png)"
  else
    fail "rsvg-convert cannot render docs/img/$e.svg"
  fi
done

flags=(-Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow -Iinclude -Iports '-DCOOP_PORT="virtual.h"' -DCOOP_VCD=1)
if g++ -x c++ -std=c++11 "${flags[@]}" -fsyntax-only examples/blink2/main.c &&
   clang++ -x c++ -std=c++17 "${flags[@]}" -DCOOP_DEBUG=1 -fsyntax-only examples/irq_alert/main.c; then
  pass "COOP_VCD 1 compiles as C++11/17"
else
  fail "COOP_VCD 1 does not compile as C++"
fi
rm -rf "$BUILD/vcd/off" && mkdir -p "$BUILD/vcd/off"
if (cd "$BUILD/vcd/off" && env -u COOP_VCD ../bin/blink2 > /dev/null) && [ -z "$(ls -A "$BUILD/vcd/off")" ]; then
  pass "no COOP_VCD variable: the program runs and writes no file"
else
  fail "blink2 built to record fails or writes a file without COOP_VCD"
fi
if gcc -std=c99 -O2 -Iinclude -Iports '-DCOOP_PORT="virtual.h"' examples/blink2/main.c -o "$BUILD/vcd/blink2-off" &&
   off=$(nm "$BUILD/vcd/blink2-off") && on=$(nm "$BUILD/vcd/bin/blink2") &&
   ! grep -qi vcd <<< "$off" && grep -q coop_vcd_task <<< "$on"; then
  pass "COOP_VCD 0: no recorder symbol in blink2 (COOP_VCD 1: coop_vcd_task is there)"
else
  fail "COOP_VCD 0 leaves recorder code in blink2"
fi

# the host port records too: blink2 on the real clock (its script mode, stdin not a terminal)
if gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 -Iinclude -Iports '-DCOOP_PORT="host.h"' -DCOOP_VCD=1 examples/blink2/main.c -o "$BUILD/vcd/blink2-host" &&
   COOP_VCD="$BUILD/vcd/blink2-host.vcd" COOP_VCD_NAMES="main led1 led2" timeout 60 "$BUILD/vcd/blink2-host" </dev/null >/dev/null &&
   out=$(python3 tests/vcd_check.py --real-clock "$BUILD/vcd/blink2-host.vcd"); then
  pass "host: $out"
else
  echo "${out:-}"; fail "blink2 recorded on the host port"
fi
if [ $failed -ne 0 ]; then echo "vcd: $failed failed"; exit 1; fi
echo "vcd: all passed"
