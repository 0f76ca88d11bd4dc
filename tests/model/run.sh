#!/usr/bin/env bash
# Model-check the ISR <-> loop protocols with spin, one model each:
#   flag_idle.pml    the flag / idle hand-off (no lost wake-up, no lost set);
#   call_inbox.pml   coop_call_post and the loop's drain of the inbox;
#   ring.pml         coop_ring_push / coop_ring_pop, one producer, one task;
#   counter_sat.pml  the saturating count's CAS loop and take, two producers.
# The top of each .pml says which lines of which header it follows.
#
# Each check builds spin's verifier (pan) for one variant of a model and
# searches its whole state space (full state storage, -b: running out of
# depth is an error, so a pass is exhaustive; so is running out of memory,
# -DMEMLIM):
#   safety   pan built with -DNOCLAIM: assertions and end states;
#   ltl:P    pan -a -A -N P: acceptance cycles of the LTL property P
#            (-A: the monitor's assertions are ignored, so P alone decides).
# A correct variant must verify with 0 errors (and, for safety, reach every
# statement but a looping process's end: no vacuous pass); each BUG_ variant
# must fail, and for the reason expected (the assertion named, or an
# acceptance cycle). The work happens in a temporary directory under build/.
# Usage: run.sh [model...] (default: all four). Prints one line per check
# and "model: N passed, M failed"; exits non-zero on a failure or when spin
# or gcc is missing (Debian: apt-get install spin gcc).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

BUILD=${BUILD:-build}
MODELS=${*:-flag_idle call_inbox ring counter_sat}
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
ACCEPT='acceptance cycle'
PAN_CFLAGS=(-w -DMEMLIM=1024) # MB: a model grown too big fails, the machine is shared

# build MODEL NAME DEFINES...: spin -a and the verifiers of tests/model/MODEL.pml
# in $TMP/MODEL/NAME (pan_ltl only when the model has LTL properties)
build() {
  local model=$1 name=$1/$2
  shift 2
  local dir=$TMP/$name
  mkdir -p "$dir"
  cp "tests/model/$model.pml" "$dir/model.pml"
  if ! (cd "$dir" && spin "$@" -a model.pml >spin.log 2>&1 &&
        gcc "${PAN_CFLAGS[@]}" -DNOCLAIM -o pan_safety pan.c >>spin.log 2>&1 &&
        { ! grep -q '^ltl ' model.pml || gcc "${PAN_CFLAGS[@]}" -o pan_ltl pan.c >>spin.log 2>&1; }); then
    echo "FAIL $name: could not build the verifier"
    sed 's/^/     /' "$dir/spin.log"
    return 1
  fi
}

# check NAME MODE EXPECT: NAME as MODEL/NAME; MODE safety or ltl:PROP; EXPECT
# pass, or an ERE the verifier's report must match (the error it must find).
check() {
  local name=$1 mode=$2 expect=$3
  local dir=$TMP/$name out label figures errors
  label="$name $mode"
  if [ ! -x "$dir/pan_safety" ] || { [ "$mode" != safety ] && [ ! -x "$dir/pan_ltl" ]; }; then
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
  elif printf '%s\n' "$out" | grep -q 'MEMLIM'; then
    why="search not exhaustive (memory limit)"
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

flag_idle() {
  local ASSERT_WAKE='assertion violated +!\(\(sleeping&&'    # (i)
  local ASSERT_CONSUMED='assertion violated +\(consumed==fired\)' # (ii)
  # the correct model, critical-section flavour (COOP_PORT_ATOMIC 0)
  build flag_idle correct
  check flag_idle/correct safety pass
  check flag_idle/correct ltl:no_lost_wakeup pass
  check flag_idle/correct ltl:all_consumed pass
  build flag_idle correct-N5 -DN=5
  check flag_idle/correct-N5 safety pass
  check flag_idle/correct-N5 ltl:no_lost_wakeup pass
  check flag_idle/correct-N5 ltl:all_consumed pass
  # the unmasked inbox check at the top of the loop is only a hint
  build flag_idle hint-may-miss -DHINT_MAY_MISS
  check flag_idle/hint-may-miss safety pass
  # the GCC-atomics flavour with a posting thread (host port)
  build flag_idle thread -DFLAVOUR_THREAD
  check flag_idle/thread safety pass
  check flag_idle/thread ltl:no_lost_wakeup pass
  check flag_idle/thread ltl:all_consumed pass

  # the bugs spin must find
  build flag_idle bug-split-sleep -DBUG_SPLIT_SLEEP
  check flag_idle/bug-split-sleep safety "$ASSERT_WAKE"
  check flag_idle/bug-split-sleep ltl:no_lost_wakeup "$ACCEPT"
  check flag_idle/bug-split-sleep ltl:all_consumed "$ACCEPT"
  build flag_idle bug-late-unpost -DBUG_LATE_UNPOST
  check flag_idle/bug-late-unpost safety "$ASSERT_WAKE"
  check flag_idle/bug-late-unpost ltl:no_lost_wakeup "$ACCEPT"
  check flag_idle/bug-late-unpost ltl:all_consumed "$ACCEPT"
  build flag_idle bug-take-unmasked -DBUG_TAKE_UNMASKED
  check flag_idle/bug-take-unmasked safety "$ASSERT_CONSUMED"
  check flag_idle/bug-take-unmasked ltl:no_lost_wakeup pass # a lost set, not a lost wake-up
  check flag_idle/bug-take-unmasked ltl:all_consumed "$ACCEPT"
  build flag_idle bug-wake-first -DFLAVOUR_THREAD -DBUG_WAKE_FIRST
  check flag_idle/bug-wake-first safety "$ASSERT_WAKE"
  check flag_idle/bug-wake-first ltl:no_lost_wakeup "$ACCEPT"
  check flag_idle/bug-wake-first ltl:all_consumed "$ACCEPT"
}

call_inbox() {
  local LOST='assertion violated +\(seen\[c\]==cnt\[c\]\)'      # (i)
  local TWICE='assertion violated +!\(queued\[c\]\)'             # (iv)
  local PUSH_LOST='assertion violated +\((seen\[c\]==cnt\[c\]|runs\[c\]==links\[c\])\)' # (i) or (ii)
  # one core, the posts under the mask (COOP_PORT_ATOMIC 0)
  build call_inbox correct
  check call_inbox/correct safety pass
  build call_inbox correct-N3 -DN=3
  check call_inbox/correct-N3 safety pass
  # GCC atomics: the CAS push, the exchange unpost (COOP_PORT_ATOMIC 1)
  build call_inbox thread -DFLAVOUR_THREAD
  check call_inbox/thread safety pass
  build call_inbox thread-N3 -DFLAVOUR_THREAD -DN=3
  check call_inbox/thread-N3 safety pass
  # the bugs spin must find
  build call_inbox bug-late-unpost -DBUG_LATE_UNPOST
  check call_inbox/bug-late-unpost safety "$LOST"
  build call_inbox bug-next-after-unpost -DBUG_NEXT_AFTER_UNPOST
  check call_inbox/bug-next-after-unpost safety "$TWICE"
  build call_inbox bug-racy-push -DFLAVOUR_THREAD -DBUG_RACY_PUSH
  check call_inbox/bug-racy-push safety "$PUSH_LOST"
  build call_inbox bug-store-unpost -DFLAVOUR_THREAD -DBUG_STORE_UNPOST
  check call_inbox/bug-store-unpost safety "$LOST"
}

ring() {
  local TORN='assertion violated +ready\[s\]'             # (i)
  local ORDER='assertion violated +\(rec\[i\]==e\)'      # (ii)
  local REFUSED='assertion violated +was_full'             # (iii)
  # the producer an ISR on one core
  build ring correct
  check ring/correct safety pass
  build ring correct-cap4 -DCAP=4 -DN=7 -DR=3
  check ring/correct-cap4 safety pass
  # the producer a thread (COOP_PORT_ATOMIC 1)
  build ring thread -DFLAVOUR_THREAD
  check ring/thread safety pass
  build ring thread-cap4 -DFLAVOUR_THREAD -DCAP=4 -DN=7
  check ring/thread-cap4 safety pass
  # the bugs spin must find
  build ring bug-publish-early -DFLAVOUR_THREAD -DBUG_PUBLISH_EARLY
  check ring/bug-publish-early safety "$TORN"
  build ring bug-free-early -DBUG_FREE_EARLY
  check ring/bug-free-early safety "$ORDER"
  build ring bug-full-late -DBUG_FULL_LATE
  check ring/bug-full-late safety "$ORDER"
  build ring bug-full-early -DBUG_FULL_EARLY
  check ring/bug-full-early safety "$REFUSED"
}

counter_sat() {
  local OVER_MAX='assertion violated +\(count<=3\)'          # (i)
  local LOST='assertion violated +\(added==\(\(\(taken\+count\)\+over\)\+dropped\)\)' # (ii)
  build counter_sat correct
  check counter_sat/correct safety pass
  build counter_sat correct-K3 -DK=3
  check counter_sat/correct-K3 safety pass
  # not vacuous: the overflow count itself saturates in some run
  build counter_sat witness-saturated -DWITNESS_SATURATED
  check counter_sat/witness-saturated safety 'assertion violated +\(dropped==0\)'
  # the bugs spin must find
  build counter_sat bug-load-add-store -DBUG_LOAD_ADD_STORE
  check counter_sat/bug-load-add-store safety "$LOST"
  build counter_sat bug-stale-room -DBUG_STALE_ROOM
  check counter_sat/bug-stale-room safety "$OVER_MAX"
  build counter_sat bug-take-split -DBUG_TAKE_SPLIT
  check counter_sat/bug-take-split safety "$LOST"
}

for m in $MODELS; do
  case $m in
    flag_idle | call_inbox | ring | counter_sat) "$m" ;;
    *)
      echo "FAIL $m: no such model (flag_idle call_inbox ring counter_sat)"
      failed=$((failed + 1))
      ;;
  esac
done

echo "model: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
