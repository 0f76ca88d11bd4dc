#!/usr/bin/env bash
# tests/fuzz/run.sh - run the libFuzzer builds of mk/fuzz.mk.
#
#   run.sh test BIN...     make test-fuzz: each build replays its target's
#                          committed corpus (tests/fuzz/corpus/<target>, every
#                          input once), then fuzzes for FUZZ_SHORT_SECONDS (1)
#   run.sh fuzz BIN...     make fuzz: each build fuzzes for FUZZ_SECONDS (60)
#   run.sh corpus BIN...   make fuzz-corpus: merge the committed corpus and
#                          build/fuzz/work into a new minimal corpus (-merge=1,
#                          build after build) and replace the committed one
#
# A build's target is its name up to the first '-' (wheel-b6-32: wheel).
# New inputs go to $FUZZ_B/work/<target> (test: $FUZZ_B/short/<build>,
# emptied first), never to the committed corpus; a
# crash input to $FUZZ_B/artifacts/, libFuzzer's output to $FUZZ_B/log/.
# The verdict is libFuzzer's exit status: non-zero on a crash, a failed check
# (abort), a sanitizer report or a leak. Time bounds only end the runs: the
# per-input limit (-timeout) is far above any input's run time, so only a
# hang can trip it.
set -euo pipefail
cd "$(dirname "$0")/../.."

FUZZ_B=${FUZZ_B:-build/fuzz}
mode=$1
shift
mkdir -p "$FUZZ_B/work" "$FUZZ_B/artifacts" "$FUZZ_B/log"
OPTS=(-max_len=512 -timeout=120 -rss_limit_mb=2048 -artifact_prefix="$FUZZ_B/artifacts/")

# run BIN LOG ARGS...: libFuzzer with its output in LOG; on failure, its tail
run() {
  local bin=$1 log=$2
  shift 2
  if ! "$FUZZ_B/$bin" "${OPTS[@]}" "$@" >"$log" 2>&1; then
    echo "FAILED: $bin $* (log: $log)"
    grep -a -E '^(wheel_fuzz|sched_fuzz):|ERROR: |SUMMARY|Test unit written' "$log" | head -20
    tail -5 "$log"
    return 1
  fi
}

case "$mode" in
test)
  for bin in "$@"; do
    target=${bin%%-*}
    corpus=tests/fuzz/corpus/$target
    n=$(find "$corpus" -type f | wc -l)
    [ "$n" -gt 0 ] || { echo "fuzz: no corpus in $corpus"; exit 1; }
    run "$bin" "$FUZZ_B/log/$bin.replay" -runs=0 "$corpus"
    # new inputs to an empty scratch directory: the run starts from the
    # committed corpus alone, whatever make fuzz has collected in work/
    rm -rf "$FUZZ_B/short/$bin"
    mkdir -p "$FUZZ_B/short/$bin"
    run "$bin" "$FUZZ_B/log/$bin.short" -max_total_time="${FUZZ_SHORT_SECONDS:-1}" \
        "$FUZZ_B/short/$bin" "$corpus"
    runs=$(grep -a -o 'Done [0-9]* runs' "$FUZZ_B/log/$bin.short" | grep -o '[0-9]*' || echo '?')
    printf 'fuzz: %-16s %3d corpus inputs ok, %s new runs ok\n' "$bin" "$n" "$runs"
  done
  ;;
fuzz)
  for bin in "$@"; do
    target=${bin%%-*}
    mkdir -p "$FUZZ_B/work/$target"
    echo "fuzz: $bin for ${FUZZ_SECONDS:-60} s"
    run "$bin" "$FUZZ_B/log/$bin.fuzz" -max_total_time="${FUZZ_SECONDS:-60}" \
        "$FUZZ_B/work/$target" "tests/fuzz/corpus/$target"
    grep -a -E '^(Done|#[0-9]+ *DONE)' "$FUZZ_B/log/$bin.fuzz" | tail -1
  done
  ;;
corpus)
  for target in $(printf '%s\n' "$@" | sed 's/-.*//' | sort -u); do
    new=$FUZZ_B/merged/$target
    rm -rf "$new"
    mkdir -p "$new" "$FUZZ_B/work/$target" "tests/fuzz/corpus/$target"
    for bin in "$@"; do
      [ "${bin%%-*}" = "$target" ] || continue
      run "$bin" "$FUZZ_B/log/$bin.merge" -merge=1 -use_counters=0 "$new" "tests/fuzz/corpus/$target" "$FUZZ_B/work/$target"
    done
    rm -rf "tests/fuzz/corpus/$target"
    cp -r "$new" "tests/fuzz/corpus/$target"
    echo "fuzz: tests/fuzz/corpus/$target: $(find "$new" -type f | wc -l) inputs, $(du -sk "$new" | cut -f1) KB"
  done
  ;;
*)
  echo "usage: $0 test|fuzz|corpus BIN..."
  exit 2
  ;;
esac
