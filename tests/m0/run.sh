#!/usr/bin/env bash
# tests/m0/run.sh - Cortex-M tests (ports/cortex_m.h) in qemu-system-arm, and
# the M0+ bench.
#
#   tests/m0/run.sh          make test-m0: on the M0+ (-M microbit): unit tests
#                            (both COOP_LC back ends, 16/32-bit ticks, small
#                            wheels, C and C++), the port's conformance checks,
#                            the real-interrupt stress, storms, blink1; then the
#                            same on the M3 (-M mps2-an385), M4 (mps2-an386) and
#                            M7 (mps2-an500), in fewer configurations, plus the
#                            LDREX/STREX flavour (COOP_PORT_ATOMIC 1)
#   tests/m0/run.sh m0       only the M0+ part;  run.sh v7m: only M3/M4/M7
#   tests/m0/run.sh bench    make bench-m0: Thumb instructions per yield+resume
#                            and per dispatch, bytes per object, flash/RAM
#
# Firmware: arm-none-eabi-gcc -mcpu=cortex-m0plus (m3, m4, m7) -mthumb -Os,
# warnings as errors, newlib-nano; startup, vectors, linker scripts and
# semihosting in tests/m0 (our own), the machine chosen in m0.h. The
# verdict is qemu's exit status, set by the firmware through semihosting
# (SYS_EXIT_EXTENDED); its console output goes to qemu's stderr. Tests run with
# -icount shift=4,sleep=off: 16 ns of virtual time per instruction (62.5 MIPS),
# deterministic, and idle time is skipped. The bench runs with -icount shift=0:
# 1 ns per instruction, so the nRF51's 16 MHz TIMER0 counts instructions.
# Every qemu run is under `timeout`.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}/m0
mkdir -p "$BUILD"

missing=()
for tool in arm-none-eabi-gcc arm-none-eabi-g++ arm-none-eabi-size qemu-system-arm timeout; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ] && ! arm-none-eabi-gcc -print-file-name=nano.specs | grep -q /; then
  missing+=("nano.specs (libnewlib-arm-none-eabi)")
fi
if [ ${#missing[@]} -ne 0 ]; then
  echo "m0: missing ${missing[*]} (make deps installs gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)"
  exit 1
fi

WARN=(-Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow)
# machine MACHINE CPU: the target of the builds and runs below (M0CC, LINK, QEMU)
machine() {
  local mdef=() ld=tests/m0/m0.ld
  if [ "$1" != microbit ]; then mdef=(-DM0_MACHINE_MPS2); ld=tests/m0/mps2.ld; fi
  ARCH=(-mcpu="$2" -mthumb)
  # shellcheck disable=SC2054  # commas inside one argument
  LINK=(--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections -T "$ld")
  M0CC=(arm-none-eabi-gcc "${ARCH[@]}" -Os -std=c99 "${WARN[@]}" -ffunction-sections -fdata-sections
        -Iinclude -Iports -Itests/m0 "${mdef[@]}")
  # shellcheck disable=SC2054
  QEMU=(qemu-system-arm -M "$1" -display none -monitor none -serial none
        -semihosting-config enable=on,target=native)
}
machine microbit cortex-m0plus

# build NAME SOURCES... [-- FLAGS...]: $BUILD/NAME.elf with M0CC
build() {
  local name=$1; shift
  local srcs=() flags=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  flags=("$@")
  "${M0CC[@]}" "${flags[@]}" "${srcs[@]}" tests/m0/startup.c "${LINK[@]}" -o "$BUILD/$name.elf"
}

# qemu_run ELF ICOUNT_SHIFT LOG SECONDS: exit status of the firmware (124: timeout)
qemu_run() {
  local rc=0
  timeout "$4" "${QEMU[@]}" -icount "shift=$2,sleep=off" -kernel "$1" >"$3" 2>&1 || rc=$?
  return $rc
}

if [ "${1:-}" = bench ]; then
  echo "== Cortex-M0+ (qemu -M microbit, arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion) -Os): Thumb instructions"
  printf '%-56s %12s %12s %16s\n' "instructions per op (blx to return, both counted)" "switch" "goto" "switch,"
  printf '%-56s %12s %12s %16s\n' "" "" "" "-fno-jump-tables"
  declare -A fig
  for v in switch goto nojt; do
    case $v in
      switch) f=(-DCOOP_LC=COOP_LC_SWITCH) ;;
      goto)   f=(-DCOOP_LC=COOP_LC_GOTO) ;;
      nojt)   f=(-DCOOP_LC=COOP_LC_SWITCH -fno-jump-tables) ;;
    esac
    build "bench-$v" tests/m0/bench.c tests/m0/drive.S -- "${f[@]}"
    if ! qemu_run "$BUILD/bench-$v.elf" 0 "$BUILD/bench-$v.log" 30; then
      echo "bench-m0: $v failed (calibration or asserts):"; sed 's/^/  /' "$BUILD/bench-$v.log"; exit 1
    fi
    while read -r _ _ key val; do fig[$v.$key]=$val; done < <(grep '^bench m0 ' "$BUILD/bench-$v.log")
  done
  for key in calibration:subs+bne_loop_\(2.000_expected\) call_of_an_empty_function_\(blx..bx\) \
             yield+resume,_1_resume_point_\(blx..return\) yield+resume,_4_resume_points_\(blx..return\) \
             yield+resume,_8_resume_points_\(blx..return\) scheduler_dispatch,_2_yielding_tasks \
             ISR:_flag_set,_first_since_the_loop_ran_\(posts\) ISR:_flag_set,_burst_\(already_posted\) \
             ISR:_counter_add,_burst ring_push+pop_of_4_bytes,_burst; do
    printf '%-56s %12s %12s %16s\n' "${key//_/ }" "${fig[switch.$key]}" "${fig[goto.$key]}" "${fig[nojt.$key]}"
  done
  echo "(qemu -icount shift=0: 1 instruction = 1 ns of virtual time; the nRF51 TIMER0 at 16 MHz counts it,"
  echo " 62.5 instructions a count, over 10^5 ops, capture cost subtracted; calibrated on a subs+bne loop."
  echo " Reproduce: $BUILD/bench-switch.elf etc., built by tests/m0/run.sh bench, run with"
  echo " ${QEMU[*]} -icount shift=0,sleep=off -kernel $BUILD/bench-switch.elf)"

  echo
  printf '%-44s %8s %8s %8s %8s\n' "bytes (sizeof) on Cortex-M0+" "task" "timer" "loop" "flag"
  for cfg in "32 32-bit_ticks,_default_wheel" "16 16-bit_ticks,_default_wheel" \
             "16list 16-bit_ticks,_sorted_list,_16-bit_counts -DCOOP_WHEEL_LEVELS=0 -DCOOP_COUNT_BITS=16"; do
    read -r tag label flags <<< "$cfg"
    # shellcheck disable=SC2086
    build "sizes-$tag" tests/m0/bench.c tests/m0/drive.S -- -DCOOP_TICK_BITS=${tag%list} $flags
    qemu_run "$BUILD/sizes-$tag.elf" 0 "$BUILD/sizes-$tag.log" 30 || { cat "$BUILD/sizes-$tag.log"; exit 1; }
    sz() { sed -n "s/^bench m0 sizeof(coop_$1_t) //p" "$BUILD/sizes-$tag.log"; }
    printf '%-44s %8s %8s %8s %8s\n' "${label//_/ }" "$(sz task)" "$(sz timer)" "$(sz loop)" "$(sz flag)"
  done

  echo
  printf '%-60s %8s %8s %8s\n' "flash/RAM on the bare-metal M0+ port (-Os -flto)" "text" "data" "bss"
  for cfg in default small; do
    case $cfg in
      default) f=(); label="defaults (32-bit ticks, wheel 6x6)" ;;
      small)   f=(-DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0 -DCOOP_COUNT_BITS=16)
               label="16-bit ticks, sorted list (AVR's defaults)" ;;
    esac
    for ex in blink1 blink2; do
      "${M0CC[@]}" -flto "${f[@]}" '-DCOOP_PORT="m0_board.h"' "examples/$ex/main.c" tests/m0/startup.c "${LINK[@]}" \
        -o "$BUILD/$ex-$cfg.elf"
      arm-none-eabi-size "$BUILD/$ex-$cfg.elf" | awk -v n="examples/$ex, $label" 'NR==2{printf "%-60s %8d %8d %8d\n", n, $1, $2, $3}'
    done
  done
  echo "(text includes the vector table (192 B), start-up, semihosting and the test board's text formatter;"
  echo " bss: the loop with its timer wheel or list, the tasks, the port's variables; stack not included)"
  exit 0
fi

passed=0; failed=0
t0=$(date +%s)
# check NAME ELF SHIFT SECONDS WANT_RC PATTERN: run, compare the exit status and the output
check() {
  local name=$1 elf=$2 shift=$3 secs=$4 want=$5 pattern=$6 rc=0 log
  log="$BUILD/$(printf '%s' "$1" | tr -c 'A-Za-z0-9_.+-' '_').log"
  qemu_run "$elf" "$shift" "$log" "$secs" || rc=$?
  if [ "$rc" -eq "$want" ] && grep -q -- "$pattern" "$log"; then
    passed=$((passed + 1))
    echo "  ok   $name: $(grep -- "$pattern" "$log" | head -1)"
  else
    failed=$((failed + 1))
    echo "  FAIL $name (qemu exit status $rc, want $want; output:)"
    sed 's/^/       /' "$log"
  fi
}

# unit NAME FLAGS...: the core unit tests on the virtual clock
unit() {
  local name=$1; shift
  build "unit-$name" tests/m0/unit.c -- "$@" -DCOOP_VIRTUAL_PINS=8
  check "unit $name" "$BUILD/unit-$name.elf" 4 300 0 " 0 failed"
}
# port NAME FLAGS...: the port's conformance checks (tests/m0/port.c), and
# its tick read in the code: coop_port_now must load the tick with a single
# LDR (or LDRH/LDRB), which no interrupt can split on any Cortex-M; two loads
# (halves, LDRD, LDM) could be split. (port.c's clock check catches a split
# read only where qemu takes the interrupt between the loads: it did on the
# M0 and M7 images, never on the M3 one, so the code is read as well.)
port() {
  local name=$1 loads; shift
  build "port-$name" tests/m0/port.c -- -DCOOP_TICK_HZ=10000 "$@"
  check "port $name" "$BUILD/port-$name.elf" 4 300 0 "^port: .* 0 failed"
  # (the image inlines it; the object keeps its out-of-line body, the same code)
  "${M0CC[@]}" -DCOOP_TICK_HZ=10000 "$@" -c tests/m0/port.c -o "$BUILD/port-$name.o"
  loads=$(arm-none-eabi-objdump -d --no-show-raw-insn "$BUILD/port-$name.o" |
          awk '/<coop_port_now>:/ { f = 1; next } /^$/ { f = 0 } f && $2 ~ /^(ld|pop)/ && $0 !~ /\[pc/ { print $2 }' |
          tr '\n' ' ')
  if [[ $loads =~ ^ldr[bh]?(\.w)?\ $ ]]; then
    passed=$((passed + 1))
    echo "  ok   port $name: coop_port_now reads the tick with one load ($loads)"
  else
    failed=$((failed + 1))
    echo "  FAIL port $name: coop_port_now does not read the tick with one LDR (loads: ${loads:-none}):"
    arm-none-eabi-objdump -d "$BUILD/port-$name.o" | awk '/<coop_port_now>:/ { f = 1 } /^$/ { f = 0 } f' | sed 's/^/       /'
  fi
}
# stress NAME FLAGS...: flag, counter and ring from interrupts (tests/m0/stress.c)
stress() {
  local name=$1; shift
  build "stress-$name" tests/m0/stress.c -- "$@"
  check "stress $name" "$BUILD/stress-$name.elf" 4 600 0 "^stress .*ms:"
}
# storm NAME: storms beside blinkers: every blink on its tick, no consumer
# starved, the clock exact, exact counts (tests/m0/storm.c)
storm() {
  build "storm-$1" tests/m0/storm.c --
  check "storm $1 (alarm at 10k..100k edges/s and bursts)" "$BUILD/storm-$1.elf" 4 600 0 "^storm: .* 0 failed"
}
# blink1 NAME: examples/blink1 on the test board: 10 blinks of 250 ms, "done", main returns 0
blink1() {
  "${M0CC[@]}" -flto '-DCOOP_PORT="m0_board.h"' examples/blink1/main.c tests/m0/startup.c "${LINK[@]}" \
    -o "$BUILD/blink1-$1.elf"
  check "examples/blink1 on $1" "$BUILD/blink1-$1.elf" 4 300 0 "^done"
}

part=${1:-all}
if [ "$part" = all ] || [ "$part" = m0 ]; then
  echo "== Cortex-M0+ in qemu -M microbit: unit tests, port conformance, real-interrupt stress, storms, blink1"
  machine microbit cortex-m0plus
  unit switch-32 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32
  unit switch-16 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=16
  unit goto-32 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=32
  unit goto-16 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16
  unit switch-16-wheel2x8 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_SLOT_BITS=2 -DCOOP_WHEEL_LEVELS=8 \
    -DCOOP_COUNT_BITS=16
  unit goto-32-wheel4x8 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=32 -DCOOP_WHEEL_SLOT_BITS=4 -DCOOP_WHEEL_LEVELS=8
  unit goto-16-list -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0 -DCOOP_COUNT_BITS=16

  # the same tests compiled as C++11 (startup.c stays C)
  arm-none-eabi-g++ -x c++ -std=c++11 -fno-exceptions -fno-rtti "${ARCH[@]}" -Os "${WARN[@]}" -ffunction-sections \
    -fdata-sections -Iinclude -Iports -Itests/m0 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16 -DCOOP_VIRTUAL_PINS=8 \
    -c tests/m0/unit.c -o "$BUILD/unit-cxx.o"
  "${M0CC[@]}" -c tests/m0/startup.c -o "$BUILD/startup.o"
  arm-none-eabi-g++ "${ARCH[@]}" "$BUILD/unit-cxx.o" "$BUILD/startup.o" "${LINK[@]}" -o "$BUILD/unit-cxx-goto-16.elf"
  check "unit c++11 goto-16" "$BUILD/unit-cxx-goto-16.elf" 4 300 0 " 0 failed"

  # negative control: a failing check must make qemu exit 1
  build unit-forced-fail tests/m0/unit.c -- -DCOOP_M0_FORCE_FAIL -DCOOP_VIRTUAL_PINS=8
  check "unit with a forced failure exits 1" "$BUILD/unit-forced-fail.elf" 4 300 1 " 1 failed"

  port m0-32 -DCOOP_TICK_BITS=32
  port m0-16 -DCOOP_TICK_BITS=16
  # the port (and its board) compiled as C++11 too
  arm-none-eabi-g++ -x c++ -std=c++11 -fno-exceptions -fno-rtti "${ARCH[@]}" -Os "${WARN[@]}" -Iinclude -Iports \
    -Itests/m0 -DCOOP_TICK_HZ=10000 -fsyntax-only tests/m0/port.c

  stress switch-32 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32
  stress switch-16 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=16
  stress goto-32 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=32
  stress goto-16 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16
  stress switch-16-list -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0 -DCOOP_COUNT_BITS=16
  storm m0
  blink1 m0
fi

if [ "$part" = all ] || [ "$part" = v7m ]; then
  # ARMv7-M: the same port and tests; COOP_PORT_ATOMIC 1 (LDREX/STREX) as well. The
  # M3 runs them all; the M4 and M7 (the same code but for scheduling) a subset
  echo "== Cortex-M3 in qemu -M mps2-an385: unit tests, port conformance, stress, storms, blink1"
  machine mps2-an385 cortex-m3
  unit m3-switch-32 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32
  unit m3-goto-16 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16
  port m3-32 -DCOOP_TICK_BITS=32
  port m3-16 -DCOOP_TICK_BITS=16
  port m3-32-ldrex -DCOOP_TICK_BITS=32 -DCOOP_PORT_ATOMIC=1
  stress m3-switch-32 -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32
  stress m3-goto-16 -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=16
  stress m3-switch-32-ldrex -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32 -DCOOP_PORT_ATOMIC=1
  storm m3
  blink1 m3
  for mc in "m4 mps2-an386 cortex-m4" "m7 mps2-an500 cortex-m7"; do
    read -r core qm cpu <<< "$mc"
    echo "== Cortex-${core^^} in qemu -M $qm: unit tests, port conformance, stress, blink1"
    machine "$qm" "$cpu"
    unit "$core-switch-32" -DCOOP_LC=COOP_LC_SWITCH -DCOOP_TICK_BITS=32
    port "$core-32" -DCOOP_TICK_BITS=32
    port "$core-16-ldrex" -DCOOP_TICK_BITS=16 -DCOOP_PORT_ATOMIC=1
    stress "$core-goto-32-ldrex" -DCOOP_LC=COOP_LC_GOTO -DCOOP_TICK_BITS=32 -DCOOP_PORT_ATOMIC=1
    blink1 "$core"
  done
fi

echo "test-m0: $passed passed, $failed failed ($(( $(date +%s) - t0 )) s)"
[ "$failed" -eq 0 ]
