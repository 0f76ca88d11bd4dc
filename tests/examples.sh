#!/usr/bin/env bash
# Run the examples and check their timelines.
#
# Virtual port (build/virtual/<name>, built with -DCOOP_PORT='"virtual.h"'):
# the clock is exact, so LED edges are asserted to the millisecond.
# Host port (build/host/interval_buttons, stdin /dev/null so its demo script
# plays): the real clock, asserted with a tolerance for scheduling noise.
# Missing binaries are built with make. Prints "examples: N passed, M failed"
# and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

need=()
for b in virtual/blink1 virtual/blink2 virtual/interval_buttons host/interval_buttons; do
  [ -x "$BUILD/$b" ] || need+=("$BUILD/$b")
done
if [ ${#need[@]} -gt 0 ]; then
  make --no-print-directory -s "${need[@]}" || { echo "examples: could not build ${need[*]}"; exit 1; }
fi

# check NAME LOG AWK-PROGRAM [awk -v assignments...]: the program prints
# "FAIL: ..." lines for what is wrong; none means the check passed.
check() {
  local name=$1 log=$2 prog=$3
  shift 3
  local out
  out=$(awk "$@" "$prog" "$log" 2>&1)
  if [ -z "$out" ]; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    echo "$out" | sed 's/^/     /'
    echo "     log: $(wc -l <"$log") lines; first lines:"
    head -5 "$log" | sed 's/^/       /'
    failed=$((failed + 1))
  fi
}

# run NAME LOG COMMAND...: run it, and count a non-zero exit as a failure.
run() {
  local name=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 </dev/null
  local rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL $name: exit status $rc"
    failed=$((failed + 1))
    return 1
  fi
  return 0
}

# Shared awk: split "[   1234 ms] text" into t and text (other lines: t = -1).
PARSE='
function parse(line) {
  if (match(line, /^\[ *[0-9]+ ms\] /)) {
    t = substr(line, 2, RLENGTH - 6) + 0
    text = substr(line, RLENGTH + 1)
  } else {
    t = -1; text = line
  }
}'

# A blinking LED: `n` edges, the i-th at i*period, on/off alternating from on,
# then "done" at `done` as the last line.
BLINK="$PARSE"'
{ parse($0) }
t >= 0 && (text == led " on" || text == led " off") {
  want = (edges % 2 == 0) ? led " on" : led " off"
  if (text != want) print "FAIL: edge " edges " of " led " is \"" text "\", want \"" want "\""
  if (t != edges * period) print "FAIL: edge " edges " of " led " at " t " ms, want " edges * period
  edges++
}
t >= 0 && text == "done" { done_at = t; done_n++ }
{ last = $0 }
END {
  if (edges != n) print "FAIL: " led " has " edges " edges, want " n
  if (done_n != 1 || done_at != done) print "FAIL: \"done\" " done_n " times, at " done_at " ms, want once at " done
  if (last !~ /\] done$/) print "FAIL: the last line is \"" last "\", want done"
}'

# interval_buttons: every scripted key changes its LED interval (BUTTON1/3
# +100 ms, BUTTON2/4 -100 ms, min 100) within [dlo, dhi] ms of the key, the
# message shows the right value, and every LED period equals the interval in
# force when the edge before it happened (+ lo..hi ms of tolerance).
INTERVALS="$PARSE"'
BEGIN { iv["LED1"] = 500; iv["LED2"] = 1000; want["LED1"] = 500; want["LED2"] = 1000 }
{ parse($0) }
t < 0 { next }
text ~ /^key [1-4] \(BUTTON[1-4]\)$/ {
  k = substr(text, 5, 1) + 0
  l = (k <= 2) ? "LED1" : "LED2"
  if (k % 2 == 1) want[l] += 100; else want[l] = (want[l] >= 200) ? want[l] - 100 : 100
  pend_t[l, np[l]++] = t; pend_v[l, np[l] - 1] = want[l]
  keys++
  next
}
text ~ /^LED[12] interval is now [0-9]+ ms$/ {
  l = substr(text, 1, 4); split(text, w, " "); v = w[5] + 0
  i = nc[l]++
  if (i >= np[l]) { print "FAIL: " text " at " t " ms without a key"; next }
  if (v != pend_v[l, i]) print "FAIL: " text " at " t " ms, want " pend_v[l, i] " ms"
  d = t - pend_t[l, i]
  if (d < dlo || d > dhi) print "FAIL: " l " interval changed " d " ms after its key (at " t " ms), want " dlo ".." dhi
  iv[l] = v; changes++
  next
}
text ~ /^LED[12] (on|off)$/ {
  l = substr(text, 1, 4)
  s = (text ~ /on$/) ? "on" : "off"
  if (l in last_t) {
    gap = t - last_t[l]
    if (gap < in_force[l] + lo || gap > in_force[l] + hi)
      print "FAIL: " l " " s " at " t " ms, " gap " ms after its previous edge, want " in_force[l]
    if (!((l, gap) in seen)) { seen[l, gap] = 1; periods[l]++ }
    if (s == last_s[l]) print "FAIL: " l " " s " twice in a row at " t " ms"
  } else if (s != "on" || t > hi) {
    print "FAIL: the first edge of " l " is " s " at " t " ms, want on at 0"
  }
  last_t[l] = t; last_s[l] = s; in_force[l] = iv[l]; edges[l]++
  next
}
text == "key q (quit)" { quit = t }
{ lastline = text }
END {
  if (keys == 0) print "FAIL: no scripted keys in the log"
  if (changes != keys) print "FAIL: " keys " keys but " changes " interval changes"
  if (quit == "") print "FAIL: no \"key q (quit)\""
  if (lastline != "key q (quit)") print "FAIL: the last line is \"" lastline "\", want key q (quit)"
  for (l in iv) {
    if (edges[l] < 4) print "FAIL: " l " has only " edges[l] " edges"
    if (periods[l] < 2) print "FAIL: " l " blinked at only " periods[l] " period(s): the changes did not show"
  }
}'

echo "== examples on the virtual port (exact times)"
log=$TMP/blink1.log
run blink1 "$log" "$BUILD/virtual/blink1" &&
  check "blink1: LED1 20 edges 250 ms apart, done at 5000 ms" "$log" "$BLINK" -v led=LED1 -v n=20 -v period=250 -v done=5000 &&
  check "blink1: no LED2" "$log" '/LED2/ { print "FAIL: " $0 }'

log=$TMP/blink2.log
run blink2 "$log" "$BUILD/virtual/blink2" &&
  check "blink2: LED1 20 edges 250 ms apart, done at 5000 ms" "$log" "$BLINK" -v led=LED1 -v n=20 -v period=250 -v done=5000 &&
  check "blink2: LED2 40 edges 100 ms apart, done at 5000 ms" "$log" "$BLINK" -v led=LED2 -v n=40 -v period=100 -v done=5000

log=$TMP/interval_virtual.log
run interval_buttons "$log" "$BUILD/virtual/interval_buttons" &&
  check "interval_buttons: intervals change 10 ms after each key, LED periods follow exactly" "$log" "$INTERVALS" \
    -v dlo=10 -v dhi=10 -v lo=0 -v hi=0

echo "== interval_buttons on the host port (real clock, stdin /dev/null: the demo script plays)"
log=$TMP/interval_host.log
start=$(date +%s%N)
run "host interval_buttons" "$log" timeout 10 "$BUILD/host/interval_buttons" && {
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  check "host interval_buttons: ended by its script's q in ${ms} ms" "$log" \
    'END { if (ms < 3900 || ms > 8000) print "FAIL: ran " ms " ms, want about 4000" }' -v ms="$ms"
  check "host interval_buttons: LEDs, keys and interval changes on the timeline" "$log" '
    /\] LED1 on$/ { a++ } /\] LED2 on$/ { b++ } /\] LED1 interval is now [0-9]+ ms$/ { c++ }
    /\] LED2 interval is now [0-9]+ ms$/ { d++ } /\] key [1-4] \(BUTTON[1-4]\)$/ { k++ }
    END { if (!a || !b || !c || !d || !k) print "FAIL: LED1 on " a ", LED2 on " b ", LED1 changes " c ", LED2 changes " d ", keys " k }'
  check "host interval_buttons: the same timeline within scheduling noise" "$log" "$INTERVALS" \
    -v dlo=10 -v dhi=80 -v lo=-5 -v hi=60
}

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
