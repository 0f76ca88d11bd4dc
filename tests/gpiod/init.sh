#!/bin/busybox sh
# tests/gpiod/init.sh - PID 1 of the qemu guest (busybox): load gpio-sim,
# make a simulated chip through configfs, run the gpiod port's tests (or its
# bench) against both libgpiod APIs, print a verdict line on the serial
# console, power off. tests/gpiod/run.sh reads the verdict.
#
# The simulated chip: 8 lines; line 4 is named BTN3.
#   0 LED1  1 LED2  2 BUTTON1  3 BUTTON2  4 BUTTON3 (by name)  5 BUTTON4  6, 7 spare
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs none /sys/kernel/debug 2>/dev/null

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
    echo "COOP-GPIOD-VERDICT: $1 ($passed passed, $failed failed)"
    sync
    poweroff -f
}

mode=test
for a in $(cat /proc/cmdline); do
    case "$a" in coop.mode=*) mode=${a#coop.mode=} ;; esac
done

insmod /mod/configfs.ko || finish "FAIL: configfs.ko did not load"
insmod /mod/gpio-sim.ko || finish "FAIL: gpio-sim.ko did not load"
mount -t configfs none /sys/kernel/config || finish "FAIL: no configfs"
d=/sys/kernel/config/gpio-sim/coop
mkdir $d $d/bank0 && echo 8 > $d/bank0/num_lines && mkdir $d/bank0/line4 &&
    echo BTN3 > $d/bank0/line4/name && echo 1 > $d/live || finish "FAIL: cannot make the simulated chip"
chip=$(cat $d/bank0/chip_name)
sim=/sys/devices/platform/$(cat $d/dev_name)/$chip
[ -e /dev/$chip ] || finish "FAIL: no /dev/$chip"
echo "coop-gpiod: kernel $(uname -r), simulated chip $chip ($sim)"
args="--chip $chip --led1 0 --led2 1 --button1 2 --button2 3 --button3 BTN3 --button4 5"

# the lines coop holds now (debugfs lists requested lines with their consumer)
held() { n=$(grep -c '\bcoop\b' /sys/kernel/debug/gpio 2>/dev/null); echo "${n:-0}"; }

# pull line $1: one of up/down
pull() { echo "pull-$2" > $sim/sim_gpio$1/pull; }

# a bouncy press of line $1 (down 0 +1 up +3 down ...), from the shell: slower
# than the C tests' child, still all inside the examples' debounce time
bouncy_press() {
    pull $1 down; usleep 1000; pull $1 up; usleep 2000; pull $1 down; usleep 2000
    pull $1 up; usleep 3000; pull $1 down
}
bouncy_release() {
    pull $1 up; usleep 1000; pull $1 down; usleep 2000; pull $1 up; usleep 2000
    pull $1 down; usleep 3000; pull $1 up
}

if [ "$mode" = bench ]; then
    for v in 1 2; do
        pull 2 up
        /bin/gpiod_test_v$v --bench --sim $sim $args > /tmp/t.log 2>&1
        cat /tmp/t.log
        passed=$((passed + $(grep -c '^ok' /tmp/t.log))); failed=$((failed + $(grep -c '^FAIL' /tmp/t.log)))
    done
    [ $failed -eq 0 ] && finish PASS
    finish FAIL
fi

for v in 1 2; do
    echo "== libgpiod v$v: port tests (tests/gpiod/gpiod_test.c)"
    /bin/gpiod_test_v$v --sim $sim $args > /tmp/t.log 2>&1
    rc=$?
    cat /tmp/t.log
    p=$(grep -c '^ok' /tmp/t.log); f=$(grep -c '^FAIL' /tmp/t.log)
    passed=$((passed + p)); failed=$((failed + f))
    if [ $rc -ne 0 ] && [ $f -eq 0 ]; then bad "v$v: gpiod_test exited with $rc"; fi
    [ "$(held)" = 0 ] && ok "v$v: nothing left requested after the tests exit" ||
        bad "v$v: lines still requested: $(grep coop /sys/kernel/debug/gpio)"

    echo "== libgpiod v$v: examples/blink1 --trace"
    # LED1 changes 20 times after its first "off", one ppoll wake-up per
    # change, none before its deadline (the port's own count reads an early
    # one as 4294967295 us late). How late is printed, and bounded only to
    # catch a hang (1 s): a loaded host stalls the emulated CPU.
    for attempt in 1 2 3; do
        /bin/blink1_v$v $args --trace > /tmp/b.log 2>&1
        rc=$?
        cat /tmp/b.log
        awk -v v=$v -v last=$attempt '
            /\] LED1 (on|off)$/ { t = substr($0, 2, index($0, " ms]") - 2) + 0
                                  if (n > 1) { d = t - p - 250; if (d < 0) d = -d; if (d > worst) worst = d }
                                  p = t; n++ }
            /^coop gpiod: .* wake-ups / { for (i = 1; i <= NF; i++) { if ($(i) == "wake-ups" && w == "") w = $(i - 1)
                                                                       if ($(i) == "average,") mean = $(i - 3)
                                                                       if ($(i) ~ /^most/) late = $(i - 3) } }
            END { ok = (n == 21 && w >= 20 && w <= 21 && late != "" && late < 1000000 && worst < 1000)
                  if (!ok && last < 3) { print "info: blink1 missed a deadline (host stalled?): again"; exit 2 }
                  printf "%s v%d: blink1: %d LED1 changes, periods 250 ms within %d us; %d ppoll wake-ups, none early, %s us late at most (%s on average)\n",
                         ok ? "ok  " : "FAIL", v, n - 1, worst * 1000, w, late, mean; exit !ok }' /tmp/b.log
        r=$?
        [ $r -eq 2 ] && continue
        [ $r -eq 0 ] && passed=$((passed + 1)) || failed=$((failed + 1))
        break
    done
    grep -q '\] done$' /tmp/b.log && [ $rc -eq 0 ] && ok "v$v: blink1 prints done and exits 0" ||
        bad "v$v: blink1 did not end well (status $rc)"

    echo "== libgpiod v$v: examples/debounced_counter --trace (bouncy presses from the shell)"
    pull 2 up
    /bin/debounced_counter_v$v $args --trace > /tmp/d.log 2>&1 &
    pid=$!
    usleep 300000
    bouncy_press 2; usleep 100000; bouncy_release 2
    usleep 400000
    pull 2 down; usleep 100000; pull 2 up
    usleep 300000
    kill $pid; wait $pid 2>/dev/null
    cat /tmp/d.log
    # Judged by the example's rule on what it saw, not on the shell's timing
    # (a loaded host stretches the shell's sleeps: a bounce 243 ms after the
    # press is a new press by that rule): counts go 1, 2, ... one at a time,
    # at least the two presses meant; an ignored bounce comes at most
    # DEBOUNCE_MS (200) after the press, a counted press more than that after
    # the one before (less 50 ms: these are the times of the lines).
    if awk '
        /\] Press count: / { t = substr($0, 2, index($0, " ms]") - 2) + 0; c = $NF + 0
                             if (c != n + 1) bad = bad " count " c " after " n
                             if (n > 0 && t - last < 150) bad = bad " press " c " " t - last " ms after the one before"
                             n = c; last = t }
        /bounce ignored \(/ { b++; ms = $0; sub(/.*ignored \(/, "", ms); ms += 0
                              if (ms > 200) bad = bad " a bounce " ms " ms after the press ignored" }
        END { if (n < 2 || b < 1) bad = bad " " n " presses, " b " bounces ignored"
              if (bad != "") { print "info: " bad; exit 1 } }' /tmp/d.log; then
        ok "v$v: debounced_counter: presses counted one by one, bounces within 200 ms ignored, by the example's rule"
    else
        bad "v$v: debounced_counter: wrong counts"
    fi

    echo "== libgpiod v$v: examples/irq_alert --trace (a press)"
    pull 2 up
    /bin/irq_alert_v$v $args --trace > /tmp/i.log 2>&1 &
    pid=$!
    usleep 300000
    pull 2 down; usleep 50000; pull 2 up
    usleep 1000000
    kill $pid; wait $pid 2>/dev/null
    cat /tmp/i.log
    n2=$(grep -c '\] LED2 on$' /tmp/i.log)
    ne=$(grep -c 'Event detected: starting alert' /tmp/i.log)
    n1=$(grep -c '\] LED1 o' /tmp/i.log)
    [ "$ne" = 1 ] && [ "$n2" = 3 ] && [ "$n1" -ge 2 ] &&
        ok "v$v: irq_alert: one press, one alert, LED2 flashes 3 times, LED1 keeps its beat ($n1 changes)" ||
        bad "v$v: irq_alert: $ne alerts, $n2 LED2 flashes, $n1 LED1 changes"
    [ "$(held)" = 0 ] && ok "v$v: nothing left requested after the examples (exit and kill)" ||
        bad "v$v: lines still requested: $(grep coop /sys/kernel/debug/gpio)"

    echo "== libgpiod v$v: errors of the examples"
    /bin/blink1_v$v $args --chip gpiochip7 > /tmp/e.log 2>&1
    rc=$?
    cat /tmp/e.log
    [ $rc -eq 1 ] && grep -q 'gpiochip7' /tmp/e.log && ok "v$v: blink1 --chip gpiochip7: exit 1, names the chip" ||
        bad "v$v: blink1 with no such chip: status $rc"
    /bin/blink1_v$v --chip $chip > /tmp/e.log 2>&1
    rc=$?
    cat /tmp/e.log
    [ $rc -eq 1 ] && grep -q 'LED1 has no line: give --led1' /tmp/e.log && ok "v$v: blink1 without --led1: exit 1, says what to give" ||
        bad "v$v: blink1 without --led1: status $rc"
done

[ $failed -eq 0 ] && [ $passed -gt 0 ] && finish PASS
finish FAIL
