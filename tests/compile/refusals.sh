#!/usr/bin/env bash
# config.h must refuse what cannot work, at compile time and with a sentence
# that says why: each case below must FAIL to compile, and its error must
# contain the text given. (A case that compiles is a refusal that was lost.)
# Then the compiler warnings that catch a local used across an AWAIT (below).
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

# Ground rule 1 (locals do not survive a resume point), as docs/tutorial.md
# states it: a local set before an AWAIT and read after it is read unset after
# the resume, and the compilers say so. Measured with gcc 12 and clang 14:
# gcc -Wmaybe-uninitialized (on with -Wall, and with -Wextra) and clang
# -Wuninitialized (on with -Wall; not with -Wextra alone) warn with both back
# ends at -O0, -Og, -O2 and -Os. A local initialised where it is declared,
# before ASYNC, is reset at each resume instead, and no compiler warns: checked
# too, so that the tutorial's "nothing warns" stays true.
# verdict STATUS OK-TEXT FAIL-TEXT: print and count one case (STATUS 0: ok)
verdict() {
  if [ "$1" -eq 0 ]; then
    echo "ok   $2"; passed=$((passed + 1))
  else
    echo "FAIL $3"; failed=$((failed + 1))
  fi
}
lost=$(mktemp --suffix=.c)
lost2=$(mktemp --suffix=.c)
reset=$(mktemp --suffix=.c)
trap 'rm -f "$lost" "$lost2" "$reset"' EXIT
cat >"$lost" <<'SNIPPET'
#include "virtual.h"
coop_status_t count_fn(coop_task_t *task);
coop_status_t count_fn(coop_task_t *task)
{
    int n;
    ASYNC(task);
    n = coop_pin_read(BOARD_BUTTON1) ? 1 : 2;
    AWAIT_SLEEP_MS(10);
    coop_board_printf("n is %d", n);
    ASYNC_END;
}
SNIPPET
# the same with the local declared where it is set, inside the body
cat >"$lost2" <<'SNIPPET'
#include "virtual.h"
coop_status_t count_fn(coop_task_t *task);
coop_status_t count_fn(coop_task_t *task)
{
    ASYNC(task);
    {
        int n = coop_pin_read(BOARD_BUTTON1) ? 1 : 2;
        AWAIT_SLEEP_MS(10);
        coop_board_printf("n is %d", n);
    }
    ASYNC_END;
}
SNIPPET
cat >"$reset" <<'SNIPPET'
#include "virtual.h"
coop_status_t count_fn(coop_task_t *task);
coop_status_t count_fn(coop_task_t *task)
{
    int n = 0;
    ASYNC(task);
    for (;;) {
        n++;
        AWAIT_SLEEP_MS(10);
        coop_board_printf("n is %d", n);
    }
    ASYNC_END;
}
SNIPPET
# compiler | flags | the warning that must appear
warn_cases=(
  "gcc|-Wall|may be used uninitialized [-Wmaybe-uninitialized]"
  "gcc|-Wextra|may be used uninitialized [-Wmaybe-uninitialized]"
  "clang|-Wall|is uninitialized when used here [-Wuninitialized]"
)
for c in "${warn_cases[@]}"; do
  IFS='|' read -r cc wflags text <<<"$c"
  command -v "$cc" >/dev/null || { echo "FAIL warns: $cc is not installed"; failed=$((failed + 1)); continue; }
  for lc in SWITCH GOTO; do
    for o in -O0 -Og -O2 -Os; do
      for src in "$lost" "$lost2"; do
        where="set after ASYNC"
        [ "$src" = "$lost2" ] && where="declared with its value after ASYNC"
        name="a local across an AWAIT ($where): $cc $wflags $o COOP_LC_$lc"
        # shellcheck disable=SC2086
        out=$($cc -std=c99 $wflags $o -Iinclude -Iports -DCOOP_LC=COOP_LC_$lc -c -o /dev/null "$src" 2>&1)
        grep -qF "$text" <<<"$out"
        verdict $? "warns: $name" "warns: $name: no \"$text\""
      done
    done
  done
done
for cc in gcc clang; do
  command -v "$cc" >/dev/null || continue
  for lc in SWITCH GOTO; do
    out=$($cc -std=c99 -Wall -Wextra -Werror -O2 -Iinclude -Iports -DCOOP_LC=COOP_LC_$lc -c -o /dev/null "$reset" 2>&1)
    verdict $? "silent: a local reset at each resume, $cc -Wall -Wextra -O2 COOP_LC_$lc (no compiler catches it)" \
      "silent: $cc COOP_LC_$lc now warns about a local reset at each resume (docs/tutorial.md says none does): $(grep -m1 -E 'warning|error' <<<"$out")"
  done
done
echo "refusals: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
