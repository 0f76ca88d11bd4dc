#!/usr/bin/env bash
# config.h must refuse what cannot work, at compile time and with a sentence
# that says why: each case below must FAIL to compile, and its error must
# contain the text given. (A case that compiles is a refusal that was lost.)
# Prints one line per case and "refusals: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
CC=${CC:-gcc}
passed=0
failed=0
# name | flags | text the error must contain
cases=(
  "wheel 1 bit x 1 level (laps)|-DCOOP_WHEEL_SLOT_BITS=1 -DCOOP_WHEEL_LEVELS=1|must be at least COOP_TICK_BITS"
  "wheel 2 bits x 3 levels, 16-bit ticks (laps)|-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=3|must be at least COOP_TICK_BITS"
  "wheel 4 bits x 2 levels, 32-bit ticks (laps)|-DCOOP_WHEEL_SLOT_BITS=4 -DCOOP_WHEEL_LEVELS=2|must be at least COOP_TICK_BITS"
  "wheel levels beyond the tick width|-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=6 -DCOOP_WHEEL_LEVELS=4|too many wheel levels"
  "tick bits 24|-DCOOP_TICK_BITS=24|COOP_TICK_BITS must be 32 or 16"
  "tick rate 0|-DCOOP_TICK_HZ=0|COOP_TICK_HZ must be between"
  "slot bits 7|-DCOOP_WHEEL_SLOT_BITS=7|COOP_WHEEL_SLOT_BITS must be between"
)
# and the same header compiles where the geometry covers the tick width
ok_cases=(
  "-DCOOP_WHEEL_SLOT_BITS=1"
  "-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8"
  "-DCOOP_WHEEL_SLOT_BITS=4 -DCOOP_WHEEL_LEVELS=8"
  "-DCOOP_WHEEL_LEVELS=0"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name flags text <<<"$c"
  # shellcheck disable=SC2086
  if out=$(printf '#include "coop.h"\n' | $CC -std=c99 -Iinclude $flags -c -o /dev/null -x c - 2>&1); then
    echo "FAIL refused: $name: it compiled"
    failed=$((failed + 1))
  elif ! grep -qF "$text" <<<"$out"; then
    echo "FAIL refused: $name: the error does not say \"$text\":"
    sed 's/^/     /' <<<"$out" | head -5
    failed=$((failed + 1))
  else
    echo "ok   refused: $name"
    passed=$((passed + 1))
  fi
done
for flags in "${ok_cases[@]}"; do
  # shellcheck disable=SC2086
  if printf '#include "coop.h"\n' | $CC -std=c99 -Iinclude $flags -c -o /dev/null -x c - 2>/dev/null; then
    echo "ok   accepted: $flags"
    passed=$((passed + 1))
  else
    echo "FAIL accepted: $flags: did not compile"
    failed=$((failed + 1))
  fi
done
echo "refusals: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
