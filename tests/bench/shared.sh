#!/usr/bin/env bash
# tests/bench/shared.sh - the shared harness, run on this checkout (part of make bench).
#
# Runs ../shared/bench/run.sh all (SHARED=dir picks another copy of shared/):
# coop measured with the same drivers, flags and tools as the peer libraries
# whose figures are in ../shared/bench/README.md, beside the hand-written
# floors. Its tables are printed as they come; then the targets of issue 14
# (all in this harness) with the measured figure and met/missed. Builds and
# callgrind dumps stay in build/bench/shared. W2 runs at 10^3 and 10^6 timers
# (the expiry target is flat within 2x between the two). Exits non-zero if
# run.sh fails; a missed target is reported, not a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${SHARED:-../shared}
if [ ! -x "$shared/bench/run.sh" ]; then
  echo "bench: $shared/bench/run.sh not found: the shared harness sits at ../shared beside the"
  echo "       checkout (or give its folder: make bench SHARED=/path/to/shared)"
  exit 1
fi
out=${BUILD:-build}/bench/shared
case $out in /*) ;; *) out=$PWD/$out ;; esac
rm -rf "$out"; mkdir -p "$out"
log=$out/run.txt
echo "== shared harness: $shared/bench/run.sh all (OUT=$out; peers' figures: $shared/bench/README.md)"
if ! OUT=$out W2_N="1000 1000000" nice "$shared/bench/run.sh" all 2>&1 | tee "$log"; then
  echo "bench: $shared/bench/run.sh all failed (its output above; builds in $out)"
  exit 1
fi

# fig SECTION WORKLOAD [COLUMN]: a figure from run.sh's tables (column 1: coop, 2: floor)
fig() {
  awk -v s="$1" -v w="$2" -v c="${3:-1}" '
    /^== / { sec = $0; next }
    index(sec, s) && substr($0, 1, length(w)) == w && substr($0, length(w) + 1, 1) == " " {
      n = split($0, f, / +/); print f[n - 3 + c]; found = 1; exit }
    END { if (!found) exit 1 }' "$log"
}
# target LABEL FIGURE LIMIT: met if FIGURE <= LIMIT
target() {
  [ -n "$2" ] || { echo "bench: no figure for \"$1\" in $log (did run.sh change its rows?)"; exit 1; }
  awk -v l="$1" -v f="$2" -v t="$3" 'BEGIN {
    printf "%-66s %9s %9s  %s\n", l, f, "<= " t, (f + 0 <= t + 0 ? "met" : "missed") }'
}
X=x86-64; A="AVR ATmega328P"; M="Cortex-M0+"; W3A="W3 2-LED blink, AVR"
echo
echo "== issue 14 targets, shared harness (coop at $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '%-66s %9s %9s  %s\n' "workload" "coop" "target" ""
target "W1a bare yield+resume, x86 Ir (best peer: async.h 13.0)" "$(fig "$X" "W1a bare coroutine, switch back end (floor-call)")" 13.0
target "W1b bare yield+resume, x86 Ir (best peer: pt-addrlabels 17.4)" "$(fig "$X" "W1b bare coroutine, switch back end (floor-call)")" 17.4
target "W1a bare, AVR cycles (best peer: async.h 55.5)" "$(fig "$A" "W1a bare coroutine, switch back end (floor-call)")" 55.5
target "W1b bare, AVR cycles (best peer: protothreads 67.4)" "$(fig "$A" "W1b bare coroutine, switch back end (floor-call)")" 67.4
target "W1a bare, M0+ instructions (best peer: async.h 23.25)" "$(fig "$M" "W1a bare coroutine, switch back end (floor-call)")" 23.25
target "W1b bare, M0+ instructions (best peer: pt-addrlabels 30.25)" "$(fig "$M" "W1b bare coroutine, switch back end (floor-call)")" 30.25
for n in 100 10,000; do
  target "W1a scheduler dispatch, $n tasks, x86 Ir" "$(fig "$X" "W1a coop_loop_run, $n tasks (floor-call)")" 22
done
target "W3 loop + avr.h, 2 sleeping tasks, -flto, AVR flash (2 x floor)" \
  "$(fig "$W3A" "loop + avr.h, 2 sleeping tasks, -flto (floor_sched_avr), flash")" 764
big=1000000; small=1000
target "W2 N=10^6 insert, x86 Ir" "$(fig "$X" "W2 N=$big insert (heap)")" 50
target "W2 N=10^6 cancel, x86 Ir" "$(fig "$X" "W2 N=$big cancel 90% random order (heap)")" 20
target "W2 N=10^6 tick with nothing due, x86 Ir" "$(fig "$X" "W2 N=$big tick on an empty queue (heap)")" 30
e6=$(fig "$X" "W2 N=$big expiry per timer, tickless loop (heap)")
e3=$(fig "$X" "W2 N=$small expiry per timer, tickless loop (heap)")
target "W2 N=10^6 expiry per timer, tickless loop, x86 Ir" "$e6" 150
target "W2 N=$small expiry per timer, tickless loop, x86 Ir" "$e3" 150
target "W2 expiry flat: larger / smaller of N=$small and N=$big" \
  "$(awk -v a="$e3" -v b="$e6" 'BEGIN { printf "%.2f", (a > b ? a / b : b / a) }')" 2
echo "(other targets of issue 14 (blink2 size, RAM, INT0 latency) are coop's own benches: make bench-avr)"
