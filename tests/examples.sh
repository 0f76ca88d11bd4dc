#!/usr/bin/env bash
# Run the examples and check their timelines.
#
# Virtual port (build/virtual/<name>, built with -DCOOP_PORT='"virtual.h"'):
# the clock is exact, so LED edges are asserted to the millisecond. The pin
# interrupt examples are checked against what their scripts' keys make the
# pin do (a "~" key bounces: the pin changes at +0 +1 +3 +5 +8 ms after the
# press and after the release, 100 ms later): every edge reported at its own
# tick, bounces counted once where the example debounces.
# Host port (build/host/<name>, stdin /dev/null so the demo scripts play):
# the real clock on a machine that may be loaded, so nothing here asserts how
# late a line is printed: a run must exit 0 by its script's q, with the
# events in the order the virtual run has them and counts the script allows
# whatever the lateness (a late loop may merge or cut short what the
# virtual clock times exactly); times are asserted only where the program
# cannot be early (a periodic LED's edge never before its due time), or
# against ticks the program itself printed. `timeout` only catches a hang.
# Task communication (producer_consumer, cancel_alert, rainbow): on the
# virtual clock every line is checked against a model of the example built
# from its script's keys (queue order and counts, the producer's waits and
# consumer 2's timeouts at their ticks; the alert's LED edges, the cancel at
# the press; every pixel of every rainbow frame, the frames' ticks and steps);
# on the host the same models run without the tick checks (the same events in
# the same order; cancel_alert: the alerts' own tick counts and LED1 edges
# agree), started in the background at once since they take 5-8 s.
# Missing binaries are built with make. Prints "examples: N passed, M failed"
# and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

IRQ_EXAMPLES="countio keypad button_flag async_button debounced_counter irq_alert press_alert ir_alert"
SYNC_EXAMPLES="producer_consumer cancel_alert rainbow"

need=()
for b in virtual/superloop virtual/blink1 virtual/blink2 virtual/interval_buttons host/interval_buttons \
         virtual/interval_one_led host/interval_one_led \
         $(for e in $IRQ_EXAMPLES $SYNC_EXAMPLES; do echo "virtual/$e host/$e"; done); do
  [ -x "$BUILD/$b" ] || need+=("$BUILD/$b")
done
if [ ${#need[@]} -gt 0 ]; then
  make --no-print-directory -s "${need[@]}" || { echo "examples: could not build ${need[*]}"; exit 1; }
fi

# the task communication examples take 5-8 s on the real clock: start them
# now (at most 32 MB of output each; the timeout only catches a hang)
HOST_TIMEOUT=${HOST_TIMEOUT:-120}
for e in $SYNC_EXAMPLES; do
  ( ulimit -f 32768; timeout "$HOST_TIMEOUT" "$BUILD/host/$e" >"$TMP/host_$e.log" 2>&1 </dev/null; echo $? >"$TMP/host_$e.rc" ) &
done

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

# A blinking LED: `n` edges, the i-th at from + i*period (from: 0 unless
# given), on/off alternating from on, then "done" at `done` as the last line.
BLINK="$PARSE"'
{ parse($0) }
t >= 0 && (text == led " on" || text == led " off") {
  want = (edges % 2 == 0) ? led " on" : led " off"
  if (text != want) print "FAIL: edge " edges " of " led " is \"" text "\", want \"" want "\""
  if (t != from + edges * period) print "FAIL: edge " edges " of " led " at " t " ms, want " from + edges * period
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
# +100 ms, BUTTON2/4 -100 ms, min 100), the message shows the right value,
# and each LED blinks with the interval in force when its edge before
# happened (the log's order is the program's). exact=1 (virtual clock): the
# change 10 ms after its key, every LED period equal to that interval, the
# first edge at 0. exact=0 (host): the change after its key; no edge before
# its due time, the sum of the intervals in force before it (the blink's
# sleeps count from the tick they were due, so lateness does not add up).
# Both: each LED blinked at two intervals at least (the changes showed).
# leds=1 (interval_one_led): LED1 only, keys 1-2, "interval is now N ms";
# scan=20: buttons read as keypad does, so exact changes come at the first
# 20 ms scan at or after the key, not 10 ms after it.
INTERVALS="$PARSE"'
BEGIN { iv["LED1"] = 500; want["LED1"] = 500; if (leds != 1) { iv["LED2"] = 1000; want["LED2"] = 1000 } }
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
text ~ /^(LED[12] )?interval is now [0-9]+ ms$/ {
  l = (text ~ /^LED2/) ? "LED2" : "LED1"; n = split(text, w, " "); v = w[n - 1] + 0
  i = nc[l]++
  if (i >= np[l]) { print "FAIL: " text " at " t " ms without a key"; next }
  if (v != pend_v[l, i]) print "FAIL: " text " at " t " ms, want " pend_v[l, i] " ms"
  d = t - pend_t[l, i]
  dw = scan ? scan * int((pend_t[l, i] + scan - 1) / scan) - pend_t[l, i] : 10
  if (exact && d != dw) print "FAIL: " l " interval changed " d " ms after its key (at " t " ms), want " dw
  iv[l] = v; changes++
  next
}
text ~ /^LED[12] (on|off)$/ {
  l = substr(text, 1, 4)
  s = (text ~ /on$/) ? "on" : "off"
  if (l in last_t) {
    gap = t - last_t[l]; due[l] += in_force[l]
    if (exact && gap != in_force[l])
      print "FAIL: " l " " s " at " t " ms, " gap " ms after its previous edge, want " in_force[l]
    if (t < due[l]) print "FAIL: " l " " s " at " t " ms, before it was due at " due[l] " ms"
    if (!((l, in_force[l]) in seen)) { seen[l, in_force[l]] = 1; periods[l]++ }
    if (s == last_s[l]) print "FAIL: " l " " s " twice in a row at " t " ms"
  } else if (s != "on" || (exact && t != 0)) {
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
# superloop: the blocking delay of the guide's "DOESN'T WORK": LED2 starts
# only when LED1 has finished, so the run takes 9 s where blink2 takes 5.
log=$TMP/superloop.log
run superloop "$log" "$BUILD/virtual/superloop" &&
  check "superloop: LED1 20 edges 250 ms apart from 0, done at 9000 ms" "$log" "$BLINK" -v led=LED1 -v n=20 -v period=250 -v done=9000 &&
  check "superloop: LED2 40 edges 100 ms apart from 5000 ms (after LED1), done at 9000 ms" "$log" "$BLINK" -v led=LED2 -v n=40 -v period=100 -v from=5000 -v done=9000

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
    -v exact=1

log=$TMP/interval_one_led.log
run interval_one_led "$log" "$BUILD/virtual/interval_one_led" &&
  check "interval_one_led: the interval changes at the 20 ms scan after each key, LED1's period follows exactly" "$log" \
    "$INTERVALS" -v exact=1 -v leds=1 -v scan=20

# ---------------------------------------------------------------- pin interrupts
# Shared awk for the scripted keys of BUTTON1: each key line calls key(t,
# bouncy), which records a press at t held 100 ms (ps[i], pe[i], pb[i]: start,
# release, bouncing; i = 1..np), or makes the press under way last until
# t + 100 (a key while the button is down). In END, edges() lists every level
# change of the pin in et[i], el[i] (time, level 0/1), i = 1..ne.
KEYS="$PARSE"'
function key(at, bouncy) {
  if (np > 0 && at < pe[np]) { pe[np] = at + 100; return }
  np++; ps[np] = at; pe[np] = at + 100; pb[np] = bouncy
}
function edges(   i, j, n, o) {
  n = split("0 1 3 5 8", o, " ")
  ne = 0
  for (i = 1; i <= np; i++) {
    for (j = 1; j <= (pb[i] ? n : 1); j++) { ne++; et[ne] = ps[i] + o[j]; el[ne] = (j % 2 == 1) ? 0 : 1 }
    for (j = 1; j <= (pb[i] ? n : 1); j++) { ne++; et[ne] = pe[i] + o[j]; el[ne] = (j % 2 == 1) ? 1 : 0 }
  }
}
{ parse($0) }
t >= 0 && text ~ /^key 1 \(BUTTON1(, bouncing)?\)$/ { key(t, text ~ /bouncing/) }
t >= 0 && text == "key q (quit)" { quit = t }
t >= 0 { lastline = text }
function common_end() {
  if (quit == "") print "FAIL: no \"key q (quit)\""
  if (lastline != "key q (quit)") print "FAIL: the last line is \"" lastline "\", want key q (quit)"
}'

# countio: one "interrupt" line per falling edge, at the edge's tick, with
# the running total; LED1 toggles with each; `total` edges in all.
COUNTIO="$KEYS"'
t >= 0 && text ~ /^interrupt: [0-9]+ falling edge\(s\), [0-9]+ in all$/ {
  split(text, w, " "); n = w[2] + 0
  got += n; lines[++nl] = t; tot[nl] = w[5] + 0; cnt[nl] = n
}
t >= 0 && text ~ /^LED1 (on|off)$/ { led[++nled] = t }
END {
  edges()
  for (i = 1; i <= ne; i++) if (el[i] == 0) fall[++nf] = et[i]
  k = 0
  for (i = 1; i <= nl; i++) {
    k += cnt[i]
    if (cnt[i] != 1) print "FAIL: " cnt[i] " edges taken at once at " lines[i] " ms (each comes on its own tick here)"
    if (k > nf) { print "FAIL: more falling edges counted (" k ") than the keys made (" nf ")"; break }
    if (lines[i] != fall[k]) print "FAIL: falling edge " k " counted at " lines[i] " ms, want " fall[k]
    if (tot[i] != k) print "FAIL: total " tot[i] " at " lines[i] " ms, want " k
    if (led[i] != lines[i]) print "FAIL: LED1 toggle " i " at " led[i] " ms, want " lines[i]
  }
  if (got != nf || nf != total) print "FAIL: " got " falling edges counted, the keys made " nf ", want " total
  if (nled != nl) print "FAIL: " nled " LED1 toggles for " nl " counts"
  common_end()
}'

# keypad (keypad.Keys: a scan every `scan` ms from 0, no further debounce):
# each scan sees the pin as every edge up to and including its tick left it;
# a level that differs from the scan before is an event, stamped with this
# scan's tick and printed then. So a bounce shorter than a scan is seen by
# at most one scan: one event, at most one scan late. The events, in order,
# at those ticks; `events` in all (the script's presses, checked).
KEYPAD="$KEYS"'
t >= 0 && text ~ /^pin went (low|high) \((pressed|released) at [0-9]+ ms\)$/ {
  n++
  split(text, w, " "); stamp = w[6] + 0
  gk[n] = (text ~ /low/) ? "low" : "high"; gt[n] = t
  if (stamp != t) print "FAIL: event " n " stamped " stamp " ms but printed at " t " ms"
}
END {
  edges()
  level = 1; seen = 1; k = 1
  for (s = 0; s < quit; s += scan) {
    while (k <= ne && et[k] <= s) level = el[k++]
    if (level != seen) { nw++; wt[nw] = s; wk[nw] = level ? "high" : "low"; seen = level }
  }
  for (i = 1; i <= n || i <= nw; i++) {
    if (i > n) { print "FAIL: no event " i " (pin went " wk[i] " at " wt[i] " ms)"; break }
    if (i > nw) { print "FAIL: event " i " (pin went " gk[i] " at " gt[i] " ms), want nothing more"; break }
    if (gk[i] != wk[i] || gt[i] != wt[i]) print "FAIL: event " i " is pin went " gk[i] " at " gt[i] " ms, want " wk[i] " at " wt[i]
  }
  if (nw != events) print "FAIL: the script makes " nw " events, the check expects " events
  common_end()
}'

# debounced_counter: the first falling edge of each press counts (at its
# tick: "Press count: N", LED1 toggles); every later one within 200 ms of
# it is "bounce ignored (D ms after the press)" at its own tick.
DEBOUNCED="$KEYS"'
t >= 0 && text ~ /^Press count: [0-9]+$/ { nc++; ct[nc] = t; cv[nc] = substr(text, 14) + 0; ev[++nev] = t; ek[nev] = "count" }
t >= 0 && text ~ /^bounce ignored \([0-9]+ ms after the press\)$/ { split(text, w, " "); ev[++nev] = t; ek[nev] = "bounce"; ed[nev] = substr(w[3], 2) + 0 }
t >= 0 && text ~ /^LED1 (on|off)$/ { led[++nled] = t }
END {
  edges()
  last = -1000000
  for (i = 1; i <= ne; i++) {
    if (el[i] != 0) continue
    k++
    if (k > nev) { print "FAIL: no line for the falling edge at " et[i] " ms"; continue }
    if (ev[k] != et[i]) print "FAIL: falling edge " k " handled at " ev[k] " ms, want " et[i]
    if (et[i] - last > 200) {
      counted++; last = et[i]
      if (ek[k] != "count") print "FAIL: the falling edge at " et[i] " ms is a new press, got a bounce"
      else if (cv[counted] != counted) print "FAIL: count " cv[counted] " at " et[i] " ms, want " counted
      if (led[counted] != et[i]) print "FAIL: LED1 toggle " counted " at " led[counted] " ms, want " et[i]
    } else {
      bounces++
      if (ek[k] != "bounce") print "FAIL: the falling edge at " et[i] " ms is a bounce, got a count"
      else if (ed[k] != et[i] - last) print "FAIL: bounce at " et[i] " ms said " ed[k] " ms, want " et[i] - last
    }
  }
  if (nev != k) print "FAIL: " nev " lines for " k " falling edges"
  if (nc != np || np != presses) print "FAIL: " nc " presses counted for " np " presses, want " presses
  if (bounces != want_bounces) print "FAIL: " bounces " bounces ignored, want " want_bounces
  if (nled != nc) print "FAIL: " nled " LED1 toggles for " nc " counts"
  common_end()
}'

# irq_alert: LED1 toggles every 700 ms from 0; a press (its first falling
# edge) when no alert runs starts one: "Event detected" and LED2 on/off at
# +0, +100, ... +500; edges during an alert (bounces, presses) are absorbed.
IRQ_ALERT="$KEYS"'
t >= 0 && text == "Event detected: starting alert" { al[++na] = t }
t >= 0 && text ~ /^LED2 (on|off)$/ { l2[++n2] = t; l2s[n2] = text }
t >= 0 && text ~ /^LED1 (on|off)$/ {
  if (t != n1 * 700) print "FAIL: LED1 edge " n1 " at " t " ms, want " n1 * 700
  if (text != ((n1 % 2 == 0) ? "LED1 on" : "LED1 off")) print "FAIL: LED1 edge " n1 " is " text
  n1++
}
END {
  edges()
  busy = -1
  for (i = 1; i <= ne; i++)
    if (el[i] == 0 && et[i] >= busy) { want[++nwant] = et[i]; busy = et[i] + 600 }
  if (na != nwant || nwant != alerts) print "FAIL: " na " alerts, want " nwant " (the check expects " alerts ")"
  for (i = 1; i <= na && i <= nwant; i++) {
    if (al[i] != want[i]) print "FAIL: alert " i " at " al[i] " ms, want " want[i]
    for (j = 0; j < 6; j++) {
      k = 6 * (i - 1) + j + 1
      if (l2[k] != want[i] + 100 * j || l2s[k] != ((j % 2 == 0) ? "LED2 on" : "LED2 off"))
        print "FAIL: LED2 edge " k " is " l2s[k] " at " l2[k] " ms, want " ((j % 2 == 0) ? "on" : "off") " at " want[i] + 100 * j
    }
  }
  if (n2 != 6 * na) print "FAIL: " n2 " LED2 edges for " na " alerts"
  if (n1 < 5) print "FAIL: only " n1 " LED1 edges"
  common_end()
}'

# press_alert (edges debounced 20 ms, long press 600 ms): a press is
# confirmed 20 ms after its last press edge, released 20 ms after its last
# release edge; "long press" at confirm + 600 if still held (then the press
# does not count), else "press N" at the release; each press owes 3 LED2
# flashes (on 100, off 100), played back to back; a long press resets N.
PRESS_ALERT="$KEYS"'
t >= 0 && text ~ /^press [0-9]+$/ { ev[++nev] = t; evs[nev] = text }
t >= 0 && text == "long press: counter reset to 0" { ev[++nev] = t; evs[nev] = text }
t >= 0 && text ~ /^LED2 (on|off)$/ { l2[++n2] = t; l2s[n2] = text }
t >= 0 && text ~ /^LED1 (on|off)$/ {
  if (t != n1 * 500) print "FAIL: LED1 edge " n1 " at " t " ms, want " n1 * 500
  n1++
}
END {
  for (i = 1; i <= np; i++) {
    down = ps[i] + (pb[i] ? 8 : 0) + 20; up = pe[i] + (pb[i] ? 8 : 0) + 20
    if (up > down + 600) { w[++nw] = down + 600; ws[nw] = "long press: counter reset to 0"; n = 0; longs++ }
    else {
      w[++nw] = up; ws[nw] = "press " ++n
      start = (up > free) ? up : free
      for (j = 0; j < 3; j++) { f[++nf] = start + 200 * j }
      free = start + 600
    }
  }
  if (nev != nw) print "FAIL: " nev " events, want " nw
  for (i = 1; i <= nw && i <= nev; i++)
    if (ev[i] != w[i] || evs[i] != ws[i]) print "FAIL: event " i " is \"" evs[i] "\" at " ev[i] " ms, want \"" ws[i] "\" at " w[i]
  if (n2 != 2 * nf) print "FAIL: " n2 " LED2 edges, want " 2 * nf " (3 flashes per press)"
  for (i = 1; i <= nf && 2 * i <= n2; i++)
    if (l2[2 * i - 1] != f[i] || l2[2 * i] != f[i] + 100 || l2s[2 * i - 1] != "LED2 on")
      print "FAIL: flash " i " is " l2s[2 * i - 1] " at " l2[2 * i - 1] " ms, off at " l2[2 * i] ", want on at " f[i] ", off at " f[i] + 100
  if (nw != events || longs != 1) print "FAIL: the script gives " nw " events and " longs " long press(es), the check expects " events " and 1"
  common_end()
}'

# ir_alert: the pin rises at each release; a rise when no alert runs starts
# one ("Alert!!! ... (N)", LED2 on, off 400 ms later); rises during an alert
# are absorbed; LED1 toggles every 250 ms from 0.
IR_ALERT="$KEYS"'
t >= 0 && text ~ /^Alert!!! something is near \([0-9]+\)$/ { al[++na] = t; split(text, w, "("); an[na] = w[2] + 0 }
t >= 0 && text ~ /^LED2 (on|off)$/ { l2[++n2] = t; l2s[n2] = text }
t >= 0 && text ~ /^LED1 (on|off)$/ {
  if (t != n1 * 250) print "FAIL: LED1 edge " n1 " at " t " ms, want " n1 * 250
  n1++
}
END {
  edges()
  busy = -1
  for (i = 1; i <= ne; i++)
    if (el[i] == 1 && et[i] >= busy) { want[++nwant] = et[i]; busy = et[i] + 400 }
  if (na != nwant || nwant != alerts) print "FAIL: " na " alerts, want " nwant " (the check expects " alerts ")"
  for (i = 1; i <= na && i <= nwant; i++) {
    if (al[i] != want[i] || an[i] != i) print "FAIL: alert " an[i] " at " al[i] " ms, want alert " i " at " want[i]
    if (l2[2 * i - 1] != want[i] || l2[2 * i] != want[i] + 400 || l2s[2 * i - 1] != "LED2 on" || l2s[2 * i] != "LED2 off")
      print "FAIL: LED2 of alert " i ": " l2s[2 * i - 1] " at " l2[2 * i - 1] ", " l2s[2 * i] " at " l2[2 * i] " ms, want on at " want[i] " for 400 ms"
  }
  if (n2 != 2 * na) print "FAIL: " n2 " LED2 edges for " na " alerts"
  common_end()
}'

# seq NAME GOT-TIMES GOT-TEXTS NGOT WANT-TIMES WANT-TEXTS NWANT: the first
# difference between two timelines of one kind of line, in order.
SEQ='
function seq(name, gt_, gs_, ng_, wt_, ws_, nw_,   i) {
  for (i = 1; i <= ng_ || i <= nw_; i++) {
    if (i > ng_) { print "FAIL: no " name " " i " (\"" ws_[i] "\" at " wt_[i] " ms)"; return }
    if (i > nw_) { print "FAIL: " name " " i " \"" gs_[i] "\" at " gt_[i] " ms, want nothing more"; return }
    if (gt_[i] != wt_[i] || gs_[i] != ws_[i]) { print "FAIL: " name " " i " is \"" gs_[i] "\" at " gt_[i] " ms, want \"" ws_[i] "\" at " wt_[i]; return }
  }
}'

# button_flag: the main loop turns every `poll` ms from 0; a turn that finds
# a falling edge since the turn before (up to and including its own tick:
# bounces too) toggles LED1 and prints "Button pressed: LED toggled" there.
BUTTON_FLAG="$KEYS$SEQ"'
t >= 0 && text ~ /^LED1 (on|off)$/ { nl++; lt[nl] = t; ls[nl] = text }
t >= 0 && text == "Button pressed: LED toggled" { nm++; mt[nm] = t; ms[nm] = text }
END {
  edges()
  k = 1
  for (s = 0; s < quit; s += poll) {
    hit = 0
    while (k <= ne && et[k] <= s) { if (el[k] == 0) hit = 1; k++ }
    if (hit) { nw++; wt[nw] = s; wm[nw] = "Button pressed: LED toggled"; ws[nw] = (nw % 2) ? "LED1 on" : "LED1 off" }
  }
  seq("toggle message", mt, ms, nm, wt, wm, nw)
  seq("LED1 edge", lt, ls, nl, wt, ws, nw)
  if (nw != toggles) print "FAIL: the script makes " nw " toggles, the check expects " toggles
  common_end()
}'

# async_button: the blink task toggles LED1 every `blink` ms from 0; the
# button task looks at the flag every `look` ms from 0, and `hold` + `look`
# ms after a look that found it set; a look finds it set if a falling edge
# came since the look before (up to and including its own tick: bounces
# too): "Button pressed!", and LED1 on (a line only if it was off). main
# prints "Running async event loop..." every `beat` ms from `beat`. Each
# kind of line in order at its ticks (kinds at one tick in either order); a
# press seen on a blink tick is refused (the order of the two would decide).
ASYNC_BUTTON="$KEYS$SEQ"'
t >= 0 && text == "Button pressed!" { pn++; pt[pn] = t; ps_[pn] = text }
t >= 0 && text == "Running async event loop..." { rn++; rt[rn] = t; rs[rn] = text }
t >= 0 && text ~ /^LED1 (on|off)$/ { ln++; lt[ln] = t; ls[ln] = text }
END {
  edges()
  k = 1
  for (s = 0; s < quit; ) {
    hit = 0
    while (k <= ne && et[k] <= s) { if (el[k] == 0) hit = 1; k++ }
    if (hit) { wpn++; wpt[wpn] = s; wps[wpn] = "Button pressed!"; s += hold + look } else s += look
  }
  for (s = beat; s < quit; s += beat) { wrn++; wrt[wrn] = s; wrs[wrn] = "Running async event loop..." }
  level = 0; i = 1
  for (b = 0; b < quit || i <= wpn; ) {
    if (i <= wpn && wpt[i] == b) print "FAIL: the press seen at " b " ms meets a blink toggle: move its key"
    if (i <= wpn && (b >= quit || wpt[i] < b)) {
      if (!level) { level = 1; wln++; wlt[wln] = wpt[i]; wls[wln] = "LED1 on" }
      i++
    } else {
      level = !level; wln++; wlt[wln] = b; wls[wln] = level ? "LED1 on" : "LED1 off"; b += blink
    }
  }
  seq("press", pt, ps_, pn, wpt, wps, wpn)
  seq("heartbeat line", rt, rs, rn, wrt, wrs, wrn)
  seq("LED1 edge", lt, ls, ln, wlt, wls, wln)
  if (wpn != presses) print "FAIL: the script makes " wpn " presses seen, the check expects " presses
  common_end()
}'

echo "== pin interrupt examples on the virtual port (exact times, bounces)"
log=$TMP/countio.log
run countio "$log" "$BUILD/virtual/countio" &&
  check "countio: every falling edge counted at its tick (a bouncy press counts 5), 8 in all" "$log" "$COUNTIO" -v total=8

log=$TMP/keypad.log
run keypad "$log" "$BUILD/virtual/keypad" &&
  check "keypad: a scan every 20 ms, each level change an event at the scan that saw it, a bounce once" "$log" "$KEYPAD" \
    -v scan=20 -v events=6

log=$TMP/button_flag.log
run button_flag "$log" "$BUILD/virtual/button_flag" &&
  check "button_flag: each 20 ms turn that finds a falling edge toggles LED1, bounces too (7 toggles for 4 presses)" "$log" \
    "$BUTTON_FLAG" -v poll=20 -v toggles=7

log=$TMP/async_button.log
run async_button "$log" "$BUILD/virtual/async_button" &&
  check "async_button: blink every 500 ms, the flag looked at every 10 ms (110 after a press), a beat every 1000 ms" "$log" \
    "$ASYNC_BUTTON" -v blink=500 -v look=10 -v hold=100 -v beat=1000 -v presses=4

log=$TMP/debounced_counter.log
run debounced_counter "$log" "$BUILD/virtual/debounced_counter" &&
  check "debounced_counter: 4 presses counted at their first edge, 12 bounces ignored" "$log" "$DEBOUNCED" \
    -v presses=4 -v want_bounces=12

log=$TMP/irq_alert.log
run irq_alert "$log" "$BUILD/virtual/irq_alert" &&
  check "irq_alert: 3 alerts of 3 LED2 flashes at the presses, heartbeat unbroken, bounces absorbed" "$log" \
    "$IRQ_ALERT" -v alerts=3

log=$TMP/press_alert.log
run press_alert "$log" "$BUILD/virtual/press_alert" &&
  check "press_alert: presses counted at release + 20 ms, 3 flashes each, a long press resets" "$log" \
    "$PRESS_ALERT" -v events=5

log=$TMP/ir_alert.log
run ir_alert "$log" "$BUILD/virtual/ir_alert" &&
  check "ir_alert: an alert at each rising edge, none during one" "$log" "$IR_ALERT" -v alerts=3

# ---------------------------------------------------------------- task communication (sync.h, cancel)
# These awk programs model each example from its script's keys, in log order
# (one thread: the log's order is the program's). exact=1 (virtual clock)
# adds the ticks; exact=0 (host) checks the same events in the same order.

# producer_consumer: puts #1..#readings then 2 end records; the gets take them
# in order, each once (FIFO across both consumers), with the right values; the
# printed queue counts follow every put and get (never above cap); "queue
# full" only when it is; pauses and resumes alternate and stop the puts (but
# for one already waiting on the full queue). exact: a pause or resume at its
# key + 20 ms; the producer tries every `period` ms from its last put (or at
# the resume if paused then): a put at that tick, or "queue full" there and
# the put at the first get after it; a consumer gets at the end of its work
# (`work` after its last get), or, if it had to wait, at the put of that very
# record; consumer 2 times out exactly `timeout` ms after it began to wait,
# with nothing queued, and never gets a record later than that; "done" when
# the last consumer ends.
PRODUCER="$PARSE"'
function sensor(n,   v) { v = 200 + (n * 37) % 50; return int(v / 10) "." (v % 10) " C" }
function attempt(a,   i) {
  for (i = 1; i <= npause; i++)
    if (a >= ps[i] && (!(i in pe) || a < pe[i])) {
      if (!(i in pe)) { print "FAIL: the producer went on at " a " ms inside the pause from " ps[i] " ms"; return a }
      return pe[i]
    }
  return a
}
function getcheck(c, n) {
  if (t < ready[c]) print "FAIL: consumer " c " took record " n " at " t " ms, busy until " ready[c]
  else if (t > ready[c] && t != putt[n])
    print "FAIL: consumer " c " took record " n " at " t " ms; it waited from " ready[c] " ms, so it must get it when it is put (" putt[n] " ms)"
  if (c == 2 && t > ready[c] + timeout)
    print "FAIL: consumer 2 took record " n " at " t " ms; it began to wait at " ready[c] " ms and should have timed out at " ready[c] + timeout
}
{ parse($0) }
t < 0 { next }
{ lastline = text }
text == "key 1 (BUTTON1)" { key[++nk] = t; next }
text ~ /^BUTTON1: producer (paused|resumed)$/ {
  nb++
  if (text != "BUTTON1: producer " ((nb % 2) ? "paused" : "resumed")) print "FAIL: \"" text "\" at " t " ms: pauses and resumes must alternate, from a pause"
  if (exact && t != key[nb] + 20) print "FAIL: \"" text "\" at " t " ms, want " key[nb] + 20 " (its key + 20 ms)"
  if (nb % 2) { npause++; ps[npause] = t; paused = 1; inflight = waiting } else { pe[npause] = t; paused = 0 }
  next
}
text == "producer: queue full, waits" {
  fulls++
  if (cnt != cap) print "FAIL: \"queue full\" at " t " ms with " cnt " records queued, want " cap
  a = attempt(nput == 0 ? 0 : lastput + period)
  if (exact && t != a) print "FAIL: \"queue full\" at " t " ms, want it at the attempt at " a " ms"
  waiting = 1; freed = -1
  next
}
text ~ /^put #[0-9]+ \([0-9]+ queued\)$/ {
  n = substr(text, 6) + 0; k = substr(text, index(text, "(") + 1) + 0
  nput++; cnt++
  if (n != nput) print "FAIL: put #" n " at " t " ms, want #" nput
  if (k != cnt || cnt > cap) print "FAIL: put #" n " at " t " ms says " k " queued, want " cnt " (capacity " cap ")"
  if (paused && !inflight) print "FAIL: put #" n " at " t " ms while the producer is paused"
  if (paused) inflight = 0
  if (exact) {
    if (waiting) { if (t != freed) print "FAIL: put #" n " at " t " ms, want " freed " ms (the first get after \"queue full\")" }
    else { a = attempt(nput == 1 ? 0 : lastput + period); if (t != a) print "FAIL: put #" n " at " t " ms, want " a }
  }
  waiting = 0; putt[nput] = t; lastput = t
  next
}
text ~ /^put end \([0-9]+ queued\)$/ {
  nend++; cnt++; k = substr(text, index(text, "(") + 1) + 0
  if (nput != readings) print "FAIL: an end record at " t " ms after " nput " readings, want " readings
  if (k != cnt || cnt > cap) print "FAIL: end record " nend " at " t " ms says " k " queued, want " cnt
  a = (nend == 1) ? lastput + period : lastput
  if (exact && t != a && !(t > a && lastget == t)) print "FAIL: end record " nend " at " t " ms, want " a " ms (or at a get that made room)"
  putt[readings + nend] = t; lastput = t
  next
}
text ~ /^consumer [12] got #[0-9]+: [0-9]+\.[0-9] C \([0-9]+ queued\)$/ {
  c = substr(text, 10, 1) + 0; n = substr(text, index(text, "#") + 1) + 0
  v = substr(text, index(text, ": ") + 2); sub(/ \(.*/, "", v)
  k = substr(text, index(text, "(") + 1) + 0
  ng++; cnt--
  if (n != ng) print "FAIL: consumer " c " got #" n " at " t " ms, want #" ng " (first in, first out)"
  if (n > nput) print "FAIL: consumer " c " got #" n " at " t " ms before it was put"
  if (v != sensor(n)) print "FAIL: #" n " reads " v ", want " sensor(n)
  if (k != cnt || cnt < 0) print "FAIL: consumer " c " got #" n " at " t " ms leaving " k " queued, want " cnt
  if (exact) getcheck(c, n)
  ready[c] = t + work; took[c]++; lastget = t
  if (waiting && freed < 0) freed = t
  next
}
text ~ /^consumer [12]: no reading for [0-9]+ ms \(timed out\)$/ {
  c = substr(text, 10, 1) + 0; touts[c]++
  if (c != 2) print "FAIL: consumer " c " timed out at " t " ms; only consumer 2 waits with a deadline"
  if (substr(text, 28) + 0 != timeout) print "FAIL: \"" text "\", want " timeout " ms"
  if (exact && t != ready[c] + timeout) print "FAIL: consumer " c " timed out at " t " ms, want " ready[c] + timeout " (" timeout " ms after it began to wait)"
  if (exact && cnt != 0) print "FAIL: consumer " c " timed out at " t " ms with " cnt " records queued"
  ready[c] = t
  next
}
text ~ /^consumer [12]: end of the readings, [0-9]+ taken$/ {
  c = substr(text, 10, 1) + 0; m = substr(text, index(text, ", ") + 2) + 0
  ng++; cnt--; ends[c]++
  if (ng <= readings) print "FAIL: consumer " c " ended at " t " ms on record " ng ", before the end records"
  if (cnt < 0) print "FAIL: consumer " c " ended at " t " ms on an end record never put"
  if (exact) getcheck(c, ng)
  if (m != took[c]) print "FAIL: consumer " c " says " m " taken, it printed " took[c]
  lastend = t; lastget = t
  next
}
text ~ /^done: consumer 1 took [0-9]+, consumer 2 took [0-9]+$/ {
  split(text, w, " "); dones++
  if (w[5] + 0 != took[1] || w[9] + 0 != took[2]) print "FAIL: \"" text "\", the consumers printed " took[1] " and " took[2]
  if (took[1] + took[2] != readings) print "FAIL: " took[1] + took[2] " readings taken, want " readings
  if (exact && t != lastend) print "FAIL: done at " t " ms, want " lastend " (when the last consumer ended)"
  next
}
END {
  if (nput != readings || nend != 2) print "FAIL: " nput " readings and " nend " end records put, want " readings " and 2"
  if (ng != readings + 2 || cnt != 0) print "FAIL: " ng " records taken, want " readings + 2 "; " cnt " left in the queue"
  if (ends[1] != 1 || ends[2] != 1) print "FAIL: the consumers ended " ends[1] + 0 " and " ends[2] + 0 " times, want once each"
  if (took[1] < 1 || took[2] < 1) print "FAIL: consumer 1 took " took[1] + 0 ", consumer 2 " took[2] + 0 ": both must work"
  if (fulls < 1) print "FAIL: the queue was never full (the producer never waited)"
  if (touts[2] < 1) print "FAIL: consumer 2 never timed out"
  if (nb != 2) print "FAIL: " nb + 0 " pause/resume lines, want 2"
  if (dones != 1 || lastline !~ /^done: /) print "FAIL: the last line is \"" lastline "\", want done (once)"
}'

# cancel_alert: the alerts the script's presses make (a press counts at its
# last press edge + debounce: +0 or +8 for a bouncy one, + 20): a press with
# no alert running starts one (LED1 on/off every `blink` ms, 2 * blinks
# edges, "over" after 2 * blinks * blink ms); a press during one cancels it:
# "cancel", LED1 off if it was on, "cancelled after N ms, in blink B" at the
# press. Every press/alert/LED1 line is compared, in order, with the model;
# exact: at its tick; host: within `tol` ms, and N too.
CANCEL="$PARSE"'
function expect(tt, s) { nw++; wt[nw] = tt; ws[nw] = s }
function edges(s, upto,   k, e) {
  for (k = 0; k < 2 * blinks; k++) {
    e = s + blink * k
    if (e >= upto) break
    expect(e, (k % 2 == 0) ? "LED1 on" : "LED1 off")
  }
}
{ parse($0) }
t < 0 { next }
{ lastline = text }
text ~ /^key 1 \(BUTTON1(, bouncing)?\)$/ { np++; press[np] = t + (text ~ /bouncing/ ? 8 : 0) + debounce; next }
text == "key q (quit)" { quit = t; next }
text ~ /^(press: |alert: |LED1 (on|off)$)/ { ng++; gt[ng] = t; gs[ng] = text }
END {
  if (quit == "" || lastline != "key q (quit)") print "FAIL: the last line is \"" lastline "\", want key q (quit)"
  run = 0; dur = 2 * blinks * blink
  for (i = 1; i <= np + 1; i++) {
    p = (i <= np) ? press[i] : quit
    if (run && p >= s + dur) { edges(s, s + dur); expect(s + dur, "alert: over after " dur " ms"); run = 0; overs++ }
    if (i > np) { if (run) edges(s, p); break }
    if (run) {
      edges(s, p)
      expect(p, "press: cancel the alert")
      if ((p - s) % (2 * blink) < blink) expect(p, "LED1 off")
      expect(p, "alert: cancelled after " p - s " ms, in blink " int((p - s) / (2 * blink)) + 1 " of " blinks "; LED1 off")
      run = 0; cancels++
    } else {
      expect(p, "press: start the alert")
      expect(p, "alert: LED1 blinks for " dur " ms")
      s = p; run = 1; starts++
    }
  }
  if (starts != want_starts || cancels != want_cancels || overs != want_overs)
    print "FAIL: the script makes " starts " alerts, " cancels " cancels, " overs " ends; the check expects " want_starts ", " want_cancels ", " want_overs
  for (i = 1; i <= nw || i <= ng; i++) {
    if (i > ng) { print "FAIL: no \"" ws[i] "\" (want it at " wt[i] " ms)"; break }
    if (i > nw) { print "FAIL: \"" gs[i] "\" at " gt[i] " ms, want nothing more"; break }
    a = gs[i]; b = ws[i]
    if (!exact && match(a, /after [0-9]+ ms/) && match(b, /after [0-9]+ ms/)) {
      na = substr(a, index(a, "after ") + 6) + 0; nb = substr(b, index(b, "after ") + 6) + 0
      if (na - nb < -tol || na - nb > tol) print "FAIL: \"" a "\": " na " ms, want " nb " +- " tol
      sub(/after [0-9]+ ms/, "after N ms", a); sub(/after [0-9]+ ms/, "after N ms", b)
    }
    if (a != b) { print "FAIL: line " i ": \"" gs[i] "\" at " gt[i] " ms, want \"" ws[i] "\" at " wt[i] " ms"; break }
    d = gt[i] - wt[i]
    if (exact ? d != 0 : (d < -tol || d > tol)) { print "FAIL: \"" gs[i] "\" at " gt[i] " ms, want " wt[i] " ms"; break }
  }
}'

# rainbow: the controls the script's keys give (each at the first `scan`
# tick at or after its key: BUTTON1 reverses from the next cycle, BUTTON2
# adds `step` ms to the wait, BUTTON3 takes it off, never below `minw`),
# announced in order; every pixel i of every frame is
# colorwheel((i * 256 / pixels + j) & 255); frames come in cycles of 128:
# j = 0, 2, ... 254, or 255, 253, ... 1 if the direction in force at the
# cycle's first frame is reversed. exact: the first frame at 0 ms, each next
# one `show` + the wait in force at the one before later (in force: the
# log's order, the program's), the messages at their ticks, none missing
# before the quit.
RAINBOW="$PARSE"'
function hex(v) { return sprintf("%02x", v) }
function wheel(p,   u) {
  if (p < 85) { u = p * 3; return hex(255 - u) hex(u) "00" }
  if (p < 170) { u = (p - 85) * 3; return "00" hex(255 - u) hex(u) }
  u = (p - 170) * 3; return hex(u) "00" hex(255 - u)
}
BEGIN { mwait = wait0; cwait = wait0 }
{ parse($0) }
t < 0 { next }
{ lastline = text }
text ~ /^key [1-3] \(BUTTON[1-3]\)$/ {
  k = substr(text, 5, 1) + 0; nk++; et[nk] = scan * int((t + scan - 1) / scan)
  if (k == 1) { mrev = !mrev; em[nk] = "BUTTON1: " (mrev ? "reversed" : "forward") " from the next cycle" }
  else if (k == 2) { mwait += step; em[nk] = "BUTTON2: slower, wait " mwait " ms" }
  else { mwait = (mwait >= minw + step) ? mwait - step : minw; em[nk] = "BUTTON3: faster, wait " mwait " ms" }
  erev[nk] = mrev; ewait[nk] = mwait
  next
}
text ~ /^BUTTON[1-3]: / {
  nm++
  if (nm > nk) { print "FAIL: \"" text "\" at " t " ms without a key"; next }
  if (text != em[nm]) print "FAIL: \"" text "\" at " t " ms, want \"" em[nm] "\""
  if (exact && t != et[nm]) print "FAIL: \"" text "\" at " t " ms, want " et[nm] " (the first " scan " ms scan after its key)"
  crev = erev[nm]; cwait = ewait[nm]
  next
}
text ~ /^ring j=[0-9]+: / {
  n = split(text, w, " "); j = substr(w[2], 3) + 0
  fk = nf % 128; nf++
  if (fk == 0) rev = crev
  if (n != 2 + pixels) print "FAIL: frame " nf " at " t " ms has " n - 2 " pixels, want " pixels
  for (i = 0; i < pixels; i++) {
    want = wheel((int(i * 256 / pixels) + j) % 256)
    if (w[3 + i] != want) { print "FAIL: frame " nf " (j=" j ") at " t " ms: pixel " i " is " w[3 + i] ", want " want; break }
  }
  wj = rev ? 255 - 2 * fk : 2 * fk
  if (j != wj) print "FAIL: frame " nf " at " t " ms has j=" j ", want " wj " (frame " fk " of a " (rev ? "reversed" : "forward") " cycle)"
  if (nf == 1) {
    if (exact && t != 0) print "FAIL: the first frame at " t " ms, want 0 ms"
  } else if (exact && t != pt + show + pwait) {
    print "FAIL: frame " nf " (j=" j ") at " t " ms, want " pt + show + pwait " (" show " + " pwait " ms after the frame before)"
  }
  if (rev) backs++
  pt = t; pwait = cwait
  next
}
text == "key q (quit)" { quit = t }
END {
  if (nm != nk) print "FAIL: " nk " keys, " nm " control messages"
  if (nf < minframes) print "FAIL: " nf " frames, want at least " minframes
  if (!backs) print "FAIL: no frame was drawn reversed"
  if (quit == "" || lastline != "key q (quit)") print "FAIL: the last line is \"" lastline "\", want key q (quit)"
  else if (exact && pt + show + pwait < quit) print "FAIL: the last frame at " pt " ms; the next was due at " pt + show + pwait " ms, before the quit at " quit
}'

# cancel_alert on the host: the same grammar, judged on the ticks the program
# printed rather than on when it printed them (a late press may land in
# another blink, or after the alert's end: the virtual run pins those). Each
# press line starts an alert ("alert: LED1 blinks ...", LED1 on/off
# alternating from on) or cancels the running one; an alert ends "over
# after N ms" (N >= 2 * blinks * blink, all 2 * blinks edges shown) or, right
# after a cancel, "cancelled after N ms, in blink B" with its 2B-1 or 2B
# edges shown, "LED1 off" between exactly when it was on (2B-1), and N at
# least the sleeps it completed (the sleeps are due-based ticks: never
# early). Each press starts or cancels: as many as the keys, but a press
# in the debounce when q comes may be cut (one less).
CANCEL_HOST="$PARSE"'
{ parse($0) }
t < 0 { next }
{ lastline = text }
text ~ /^key 1 \(BUTTON1(, bouncing)?\)$/ { np++; next }
text == "key q (quit)" { quit = t; next }
text == "press: start the alert" {
  if (run) print "FAIL: \"" text "\" at " t " ms while an alert runs"
  starts++; want_begin = 1; next
}
text ~ /^alert: LED1 blinks for [0-9]+ ms$/ {
  if (!want_begin) print "FAIL: \"" text "\" at " t " ms without a press"
  if (substr(text, 24) + 0 != dur) print "FAIL: \"" text "\", want " dur " ms"
  want_begin = 0; run = 1; c = 0; offs = 0; next
}
text == "press: cancel the alert" {
  if (!run) print "FAIL: \"" text "\" at " t " ms with no alert running"
  cancels++; cancelling = 1; next
}
text == "LED1 on" || text == "LED1 off" {
  if (!run) { print "FAIL: \"" text "\" at " t " ms outside an alert"; next }
  if (cancelling) {
    if (text != "LED1 off" || c % 2 != 1 || offs++) print "FAIL: \"" text "\" at the cancel (at " t " ms) after " c " LED1 edges"
    next
  }
  if (text != ((c % 2 == 0) ? "LED1 on" : "LED1 off")) print "FAIL: LED1 edge " c + 1 " of an alert is \"" text "\" at " t " ms"
  c++
  if (c > 2 * blinks) print "FAIL: " c " LED1 edges in one alert, want " 2 * blinks
  next
}
text ~ /^alert: over after [0-9]+ ms$/ {
  n = substr(text, 19) + 0
  if (!run || cancelling) print "FAIL: \"" text "\" at " t " ms: no alert runs, or it was cancelled"
  if (n < dur || c != 2 * blinks) print "FAIL: \"" text "\" after " c " LED1 edges, want " 2 * blinks " edges and " dur " ms at least"
  run = 0; overs++; next
}
text ~ /^alert: cancelled after [0-9]+ ms, in blink [0-9]+ of [0-9]+; LED1 off$/ {
  split(text, w, " "); n = w[4] + 0; b = w[8] + 0
  if (!cancelling) print "FAIL: \"" text "\" at " t " ms without a cancel"
  if (w[10] + 0 != blinks || b < 1 || b > blinks) print "FAIL: \"" text "\": blink " b " of " w[10] ", want 1.." blinks " of " blinks
  if (c != 2 * b - 1 && c != 2 * b) print "FAIL: \"" text "\" after " c " LED1 edges, want " 2 * b - 1 " or " 2 * b
  if (c % 2 == 1 && !offs) print "FAIL: \"" text "\": LED1 was on and no \"LED1 off\" came"
  if (n < 2 * blink * (b - 1) + (c % 2 == 0 ? blink : 0)) print "FAIL: \"" text "\": " n " ms is less than the " c - 1 " sleeps of " blink " ms it completed"
  run = 0; cancelling = 0; next
}
/^alert: / || /^press: / { print "FAIL: unexpected \"" text "\" at " t " ms" }
END {
  if (quit == "" || lastline != "key q (quit)") print "FAIL: the last line is \"" lastline "\", want key q (quit)"
  if (starts + cancels > np || starts + cancels < np - 1) print "FAIL: " starts " starts and " cancels " cancels for " np " presses"
  if (starts < 1 || cancels < 1) print "FAIL: " starts " starts, " cancels " cancels: want both"
  if (cancelling || want_begin) print "FAIL: the run ended inside a cancel or a start"
}'

# capped COMMAND...: at most 10 s and 32 MB of output (a broken example may spin)
capped() { ( ulimit -f 32768; exec timeout 60 "$@" ) }

echo "== task communication examples on the virtual port (queue, timeouts, cancel, shared controls)"
log=$TMP/producer_consumer.log
run producer_consumer "$log" capped "$BUILD/virtual/producer_consumer" &&
  check "producer_consumer: FIFO through a queue of 4, producer waits when full, consumer 2 times out in the pause, exact ticks" \
    "$log" "$PRODUCER" -v exact=1 -v readings=24 -v cap=4 -v period=100 -v work=300 -v timeout=500

log=$TMP/cancel_alert.log
run cancel_alert "$log" capped "$BUILD/virtual/cancel_alert" &&
  check "cancel_alert: a press starts a 5 s alert, a press during it cancels it (FINALLY: LED1 off), exact ticks" \
    "$log" "$CANCEL" -v exact=1 -v debounce=20 -v blink=250 -v blinks=10 -v want_starts=3 -v want_cancels=2 -v want_overs=1

log=$TMP/rainbow.log
run rainbow "$log" capped "$BUILD/virtual/rainbow" &&
  check "rainbow: every pixel of every frame, a frame every 1 + wait ms (wait 0, +-1 ms), reversed from the next cycle, exact ticks" \
    "$log" "$RAINBOW" -v exact=1 -v pixels=24 -v show=1 -v wait0=0 -v step=1 -v minw=0 -v scan=20 -v minframes=3000

# the pin interrupt examples and interval_one_led on the host run in the background meanwhile
for e in $IRQ_EXAMPLES interval_one_led; do
  ( timeout "$HOST_TIMEOUT" "$BUILD/host/$e" >"$TMP/host_$e.log" 2>&1 </dev/null; echo $? >"$TMP/host_$e.rc" ) &
done

echo "== interval_buttons on the host port (real clock, stdin /dev/null: the demo script plays)"
log=$TMP/interval_host.log
start=$(date +%s%N)
run "host interval_buttons" "$log" timeout "$HOST_TIMEOUT" "$BUILD/host/interval_buttons" && {
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  check "host interval_buttons: ended by its script's q in ${ms} ms (not before 4000)" "$log" \
    'END { if (ms < 4000) print "FAIL: ran " ms " ms, want 4000 at least (q is at 4000)" }' -v ms="$ms"
  check "host interval_buttons: LEDs, keys and interval changes on the timeline" "$log" '
    /\] LED1 on$/ { a++ } /\] LED2 on$/ { b++ } /\] LED1 interval is now [0-9]+ ms$/ { c++ }
    /\] LED2 interval is now [0-9]+ ms$/ { d++ } /\] key [1-4] \(BUTTON[1-4]\)$/ { k++ }
    END { if (!a || !b || !c || !d || !k) print "FAIL: LED1 on " a ", LED2 on " b ", LED1 changes " c ", LED2 changes " d ", keys " k }'
  check "host interval_buttons: the same changes in order, no LED edge before its due time" "$log" "$INTERVALS" \
    -v exact=0
}

echo "== pin interrupt examples on the host port (real signals; run in parallel, stdin /dev/null)"
wait
# the same kinds of events as on the virtual clock, counted. A late loop
# takes edges together (a bounce, or a release and the next press, then
# look like one level change) and a late press may fall inside or outside an
# alert or a debounce window: where that changes a count, the range is what
# the script's presses allow for any lateness (the virtual run pins the
# exact counts). Totals kept by the program (countio) are exact.
host_count() { # NAME REGEX MIN [MAX]
  local n
  n=$(grep -cE "^\[ *[0-9]+ ms\] $2\$" "$TMP/host_$1.log")
  [ "$n" -ge "$3" ] && [ "$n" -le "${4:-$3}" ] || echo "FAIL: $n lines /$2/, want $3${4:+..$4}"
}
# host_order NAME AWK: the awk program's FAIL lines about the log's order
host_order() { awk "$2" "$TMP/host_$1.log"; }
for e in $IRQ_EXAMPLES; do
  rc=$(cat "$TMP/host_$e.rc" 2>/dev/null || echo "none")
  if [ "$rc" != 0 ]; then
    echo "FAIL host $e: exit status $rc"
    sed 's/^/     /' "$TMP/host_$e.log" | tail -5
    failed=$((failed + 1))
    continue
  fi
  case $e in
    countio) out=$(host_count countio 'interrupt: [0-9]+ falling edge\(s\), [0-9]+ in all' 4 8
                   grep 'in all$' "$TMP/host_countio.log" | tail -1 | grep -q ', 8 in all$' ||
                     echo "FAIL: the total is not 8") ;;
    keypad) out=$(host_count keypad 'pin went low \(pressed at [0-9]+ ms\)' 1 3; host_count keypad 'pin went high \(released at [0-9]+ ms\)' 1 3
                  host_order keypad '/pin went (low|high)/ { s = ($0 ~ /low/) ? "low" : "high"; if (s == last) print "FAIL: \"pin went " s "\" twice in a row"; last = s; n++ }
                                     END { if (last != "high") print "FAIL: the last event is not a release" }') ;;
    button_flag) out=$(host_count button_flag 'Button pressed: LED toggled' 1 12
                  host_order button_flag '/\] LED1 (on|off)$/ { if ($NF != ((k % 2) ? "off" : "on")) print "FAIL: LED1 edge " k + 1 " is " $NF; k++ }
                                          /\] Button pressed: LED toggled$/ { m++; if (m != k) print "FAIL: toggle message " m " after " k " LED1 edges" }') ;;
    async_button) out=$(host_count async_button 'Button pressed!' 1 7
                  host_order async_button '/\] Running async event loop\.\.\.$/ { n++; split($0, w, /[][ ]+/); if (w[2] + 0 < 1000 * n) print "FAIL: heartbeat " n " at " w[2] " ms, before it was due at " 1000 * n }
                                           /\] key q \(quit\)$/ { split($0, w, /[][ ]+/); q = w[2] + 0 }
                                           END { if (n < 1 || n > int(q / 1000)) print "FAIL: " n " heartbeats before the quit at " q " ms" }') ;;
    debounced_counter) out=$(host_count debounced_counter 'Press count: [0-9]+' 1 4; host_count debounced_counter 'bounce ignored \([0-9]+ ms after the press\)' 0 12
                  host_order debounced_counter '/\] Press count: [0-9]+$/ { n++; if ($NF + 0 != n) print "FAIL: \"" $0 "\", want count " n }') ;;
    irq_alert) out=$(host_count irq_alert 'Event detected: starting alert' 1 4
                  host_order irq_alert '/\] Event detected: starting alert$/ { if (k % 6) print "FAIL: an alert began after " k % 6 " of the last one'"'"'s 6 LED2 edges"; a++ }
                                        /\] LED2 (on|off)$/ { if ($NF != ((k % 2) ? "off" : "on")) print "FAIL: LED2 edge " k + 1 " is " $NF; k++ }
                                        END { if (k > 6 * a || k < 6 * a - 5) print "FAIL: " k " LED2 edges for " a " alerts" }') ;;
    press_alert) out=$(host_count press_alert 'press [0-9]+' 1 5; host_count press_alert 'long press: counter reset to 0' 0 1
                  host_order press_alert '/\] press [0-9]+$/ { n++; if ($NF + 0 != n) print "FAIL: \"" $0 "\", want press " n }
                                          /\] long press: counter reset to 0$/ { n = 0 }
                                          /\] LED2 (on|off)$/ { if ($NF != ((k % 2) ? "off" : "on")) print "FAIL: LED2 edge " k + 1 " is " $NF; k++ }
                                          /\] press [0-9]+$/ { p++ }
                                          END { if (k > 6 * p) print "FAIL: " k " LED2 edges for " p " presses (3 flashes each)" }') ;;
    ir_alert) out=$(host_count ir_alert 'Alert!!! something is near \([0-9]+\)' 1 3
                  host_order ir_alert '/\] Alert!!! something is near \([0-9]+\)$/ { a++; if ($0 !~ "\\(" a "\\)$") print "FAIL: \"" $0 "\", want (" a ")"; if (k != 2 * (a - 1)) print "FAIL: alert " a " began after " k " LED2 edges, want " 2 * (a - 1) }
                                       /\] LED2 (on|off)$/ { if ($NF != ((k % 2) ? "off" : "on")) print "FAIL: LED2 edge " k + 1 " is " $NF; k++ }
                                       END { if (k != 2 * a && k != 2 * a - 1) print "FAIL: " k " LED2 edges for " a " alerts" }') ;;
  esac
  out="$out$(tail -1 "$TMP/host_$e.log" | grep -q '\] key q (quit)$' || echo "FAIL: the last line is not key q (quit)")"
  if [ -z "$out" ]; then
    echo "ok   host $e: exit 0, the same kinds of events in a consistent order, counts the script allows"
    passed=$((passed + 1))
  else
    echo "FAIL host $e"
    echo "$out" | sed 's/^/     /'
    failed=$((failed + 1))
  fi
done

echo "== interval_one_led on the host port (real clock, stdin /dev/null; it ran beside the ones above)"
rc=$(cat "$TMP/host_interval_one_led.rc" 2>/dev/null || echo "none")
if [ "$rc" != 0 ]; then
  echo "FAIL host interval_one_led: exit status $rc"
  failed=$((failed + 1))
else
  check "host interval_one_led: exit 0; the same changes in order, no LED edge before its due time" \
    "$TMP/host_interval_one_led.log" "$INTERVALS" -v exact=0 -v leds=1 -v scan=20
fi

echo "== task communication examples on the host port (real clock, stdin /dev/null): the same events"
for e in $SYNC_EXAMPLES; do
  rc=$(cat "$TMP/host_$e.rc" 2>/dev/null || echo "none")
  if [ "$rc" != 0 ]; then
    echo "FAIL host $e: exit status $rc"
    sed 's/^/     /' "$TMP/host_$e.log" | tail -5
    failed=$((failed + 1))
    continue
  fi
  case $e in
    producer_consumer)
      check "host producer_consumer: exit 0; FIFO, counts, full queue, pause, timeouts, clean end" "$TMP/host_$e.log" \
        "$PRODUCER" -v exact=0 -v readings=24 -v cap=4 -v period=100 -v work=300 -v timeout=500 ;;
    cancel_alert)
      check "host cancel_alert: exit 0; starts and cancels, each alert's LED1 edges agree with its own ticks" "$TMP/host_$e.log" \
        "$CANCEL_HOST" -v dur=5000 -v blink=250 -v blinks=10 ;;
    rainbow)
      check "host rainbow: exit 0; every pixel of every frame, the same controls in the same order" "$TMP/host_$e.log" \
        "$RAINBOW" -v exact=0 -v pixels=24 -v show=1 -v wait0=0 -v step=1 -v minw=0 -v scan=20 -v minframes=10 ;;
  esac
done

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
