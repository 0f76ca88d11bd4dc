#!/usr/bin/env bash
# Model-check the flag / idle hand-off (tests/model/flag_idle.pml) with spin.
#
# Each check builds spin's verifier (pan) for one variant of the model and
# searches its whole state space (full state storage, -b: running out of
# depth is an error, so a pass is exhaustive):
#   safety   pan built with -DNOCLAIM: assertions and end states;
#   ltl:P    pan -a -A -N P: acceptance cycles of the LTL property P
#            (-A: the monitor's assertions are ignored, so P alone decides).
# The correct model must verify with 0 errors (and reach every statement but
# the loop's end: no vacuous pass); each BUG_ variant must fail, and for the
# reason expected (the assertion named, or an acceptance cycle). The work
# happens in a temporary directory under build/. Prints one line per check
# and "model: N passed, M failed"; exits non-zero on a failure or when spin
# or gcc is missing (Debian: apt-get install spin gcc).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
MODEL=${MODEL:-tests/model/flag_idle.pml}
for tool in spin gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "model: $tool not found (Debian package: $tool)"
    exit 1
  fi
done
mkdir -p "$BUILD" || exit 1
TMP=$(mktemp -d "$BUILD/model.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

passed=0
failed=0
ASSERT_WAKE='assertion violated +!\(\(sleeping&&'    # (i)
ASSERT_CONSUMED='assertion violated +\(consumed==fired\)' # (ii)
ACCEPT='acceptance cycle'

# build NAME DEFINES...: spin -a and two verifiers in $TMP/NAME
build() {
  local name=$1
  shift
  local dir=$TMP/$name
  mkdir -p "$dir"
  cp "$MODEL" "$dir/model.pml"
  if ! (cd "$dir" && spin "$@" -a model.pml >spin.log 2>&1 &&
        gcc -w -DNOCLAIM -o pan_safety pan.c >>spin.log 2>&1 &&
        gcc -w -o pan_ltl pan.c >>spin.log 2>&1); then
    echo "FAIL $name: could not build the verifier"
    sed 's/^/     /' "$dir/spin.log"
    return 1
  fi
}

# check NAME MODE EXPECT: MODE safety or ltl:PROP; EXPECT pass, or an ERE the
# verifier's report must match (the error it must find).
check() {
  local name=$1 mode=$2 expect=$3
  local dir=$TMP/$name out label figures errors
  label="$name $mode"
  if [ ! -x "$dir/pan_safety" ]; then
    echo "FAIL $label: no verifier"
    failed=$((failed + 1))
    return
  fi
  if [ "$mode" = safety ]; then
    out=$(cd "$dir" && ./pan_safety -b -m100000 -w20 2>&1)
  else
    out=$(cd "$dir" && ./pan_ltl -a -A -b -m100000 -w20 -N "${mode#ltl:}" 2>&1)
  fi
  errors=$(printf '%s\n' "$out" | sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' | head -1)
  figures="$(printf '%s\n' "$out" | sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1 states/p' | head -1),"
  figures="$figures depth $(printf '%s\n' "$out" | sed -n 's/.*depth reached \([0-9][0-9]*\).*/\1/p' | head -1),"
  figures="$figures errors ${errors:-?}"
  local why=""
  if [ -z "$errors" ]; then
    why="no verifier report"
  elif printf '%s\n' "$out" | grep -q 'max search depth too small'; then
    why="search not exhaustive (depth limit)"
  elif [ "$expect" = pass ]; then
    if [ "$errors" != 0 ]; then
      why="expected 0 errors: $(printf '%s\n' "$out" | grep -m1 -E 'pan:1:|error' || true)"
    elif [ "$mode" = safety ]; then
      # every statement reached, but the loop's end (it loops forever)
      local unreached
      unreached=$(printf '%s\n' "$out" | grep -E '^[[:space:]]+model\.pml:[0-9]+, state' |
                  grep -v '"-end-"' || true)
      [ -n "$unreached" ] && why="statements never reached: $unreached"
    fi
  else
    if [ "$errors" = 0 ]; then
      why="expected an error ($expect), spin found none"
    elif ! printf '%s\n' "$out" | grep -qE "$expect"; then
      why="expected an error matching '$expect', got: $(printf '%s\n' "$out" | grep -m1 'pan:1:')"
    else
      figures="$figures: $(printf '%s\n' "$out" | sed -n 's/^pan:1: \(.*\) (at depth.*/\1/p' | head -1)"
    fi
  fi
  if [ -z "$why" ]; then
    echo "ok   $label ($figures)"
    passed=$((passed + 1))
  else
    echo "FAIL $label ($figures)"
    echo "     $why"
    failed=$((failed + 1))
  fi
}

# the correct model, critical-section flavour (COOP_PORT_ATOMIC 0)
build correct
check correct safety pass
check correct ltl:no_lost_wakeup pass
check correct ltl:all_consumed pass
build correct-N5 -DN=5
check correct-N5 safety pass
check correct-N5 ltl:no_lost_wakeup pass
check correct-N5 ltl:all_consumed pass
# the unmasked inbox check at the top of the loop is only a hint
build hint-may-miss -DHINT_MAY_MISS
check hint-may-miss safety pass
# the GCC-atomics flavour with a posting thread (host port)
build thread -DFLAVOUR_THREAD
check thread safety pass
check thread ltl:no_lost_wakeup pass
check thread ltl:all_consumed pass

# the bugs spin must find
build bug-split-sleep -DBUG_SPLIT_SLEEP
check bug-split-sleep safety "$ASSERT_WAKE"
check bug-split-sleep ltl:no_lost_wakeup "$ACCEPT"
check bug-split-sleep ltl:all_consumed "$ACCEPT"
build bug-late-unpost -DBUG_LATE_UNPOST
check bug-late-unpost safety "$ASSERT_WAKE"
check bug-late-unpost ltl:no_lost_wakeup "$ACCEPT"
check bug-late-unpost ltl:all_consumed "$ACCEPT"
build bug-take-unmasked -DBUG_TAKE_UNMASKED
check bug-take-unmasked safety "$ASSERT_CONSUMED"
check bug-take-unmasked ltl:no_lost_wakeup pass # a lost set, not a lost wake-up
check bug-take-unmasked ltl:all_consumed "$ACCEPT"
build bug-wake-first -DFLAVOUR_THREAD -DBUG_WAKE_FIRST
check bug-wake-first safety "$ASSERT_WAKE"
check bug-wake-first ltl:no_lost_wakeup "$ACCEPT"
check bug-wake-first ltl:all_consumed "$ACCEPT"

echo "model: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
