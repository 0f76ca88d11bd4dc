#!/usr/bin/env bash
# make bench-core: build every tests/bench/bench_*.c, run it under callgrind,
# and print one row per phase: instructions per operation (x86-64, gcc -O2);
# then object sizes, then what each feature adds in flash and RAM on AVR and
# Cortex-M0+ (tests/bench/features.sh).
# A bench file may list build variants on a line "// BENCH_VARIANTS: a | b",
# each a set of compiler flags; without it, one build with no extra flags.
# Each row can be reproduced with the command printed under the table.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=build/bench
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "bench: valgrind missing (make deps)"; exit 1; }

CC=${CC:-gcc}
CFLAGS="-std=c99 -O2 -g -Wall -Wextra -Wpedantic -Werror -Iinclude -Iports -Itests/bench"

printf '%-44s %-28s %10s %10s\n' "x86-64 (gcc -O2, callgrind)" "variant" "ops" "Ir/op"
printf '%-44s %-28s %10s %10s\n' "----" "----" "----" "----"
cmds=()
for src in tests/bench/bench_*.c; do
  name=$(basename "$src" .c)
  variants=$(sed -n 's|^// BENCH_VARIANTS: *||p' "$src")
  [ -n "$variants" ] || variants="default"
  IFS='|' read -ra vs <<< "$variants"
  for v in "${vs[@]}"; do
    v=$(echo "$v" | xargs)
    flags=""; [ "$v" = "default" ] || flags="$v"
    tag=$(echo "$v" | tr -c 'A-Za-z0-9_=\n' '_' | sed 's/_\+/_/g; s/^_//; s/_$//')
    bin="$out/$name.$tag"
    $CC $CFLAGS $flags "$src" -o "$bin"
    rm -f "$out"/callgrind.out."$name.$tag".*
    valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/callgrind.out.$name.$tag.%p" \
      "$bin" >/dev/null 2>"$out/$name.$tag.log" || { cat "$out/$name.$tag.log"; exit 1; }
    cmds+=("$CC $CFLAGS $flags $src -o $bin && valgrind --tool=callgrind --collect-atstart=no $bin")
    # each dump: "desc: Trigger: Client Request: name|ops|baseline" and "summary: Ir"
    for f in $(ls "$out"/callgrind.out."$name.$tag".* | sort -t. -k5,5n -k6,6n); do
      awk '/^desc: Trigger: Client Request: /{sub(/^desc: Trigger: Client Request: /,""); d=$0}
           /^summary: /{s=$2} END{print d "|" s}' "$f"
    done | awk -F'|' -v variant="$v" '
      { ir[$1] = $4; ops[$1] = $2; base = $3;
        net = $4; if (base != "" && (base in ir)) net = $4 - ir[base];
        if ($2 > 0 && substr($1, 1, 1) != "_")
          printf "%-44s %-28s %10d %10.1f\n", $1, variant, $2, net / $2 }'
  done
done
echo
echo "Each row: (instructions of the phase - its baseline phase, if any) / ops. Reproduce one build with:"
for c in "${cmds[@]}"; do echo "  $c"; done

# ------------------------------------------------------------------ sizes
echo
printf '%-36s %8s %8s %8s %8s %8s\n' "bytes (sizeof)" "task" "timer" "lc" "loop" "wheel"
printf '%-36s %8s %8s %8s %8s %8s\n' "----" "----" "----" "----" "----" "----"
size_row() { # label, compiler+flags, nm
  local label=$1 cc=$2 nm=$3 obj="$out/sizes.o"
  $cc -Iinclude -c tests/bench/sizes.c -o "$obj"
  local -A sz
  while read -r _ size _ name; do sz[$name]=$((16#$size)); done < <($nm -S "$obj" | grep coop_sizeof_)
  printf '%-36s %8s %8s %8s %8s %8s\n' "$label" "${sz[coop_sizeof_task]}" "${sz[coop_sizeof_timer]}" \
    "${sz[coop_sizeof_lc]}" "${sz[coop_sizeof_loop]}" "${sz[coop_sizeof_wheel]}"
}
for bits in 32 16; do
  size_row "x86-64, $bits-bit ticks" "gcc -DCOOP_TICK_BITS=$bits" nm
  size_row "AVR atmega328p, $bits-bit ticks" "avr-gcc -mmcu=atmega328p -Os -DCOOP_TICK_BITS=$bits" avr-nm
  size_row "Cortex-M0+, $bits-bit ticks" "arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os -DCOOP_TICK_BITS=$bits" arm-none-eabi-nm
done
size_row "AVR, ports/avr.h defaults (16, list)" "avr-gcc -mmcu=atmega328p -Os -DCOOP_TICK_BITS=16 -DCOOP_WHEEL_LEVELS=0" avr-nm
echo
printf '%-36s %8s %8s %8s %8s %8s\n' "bytes (sizeof)" "flag" "event" "lock" "sem" "queue"
printf '%-36s %8s %8s %8s %8s %8s\n' "----" "----" "----" "----" "----" "----"
sync_row() { # label, compiler+flags, nm
  local label=$1 cc=$2 nm=$3 obj="$out/sizes.o"
  $cc -Iinclude -c tests/bench/sizes.c -o "$obj"
  local -A sz
  while read -r _ size _ name; do sz[$name]=$((16#$size)); done < <($nm -S "$obj" | grep coop_sizeof_)
  printf '%-36s %8s %8s %8s %8s %8s\n' "$label" "${sz[coop_sizeof_flag]}" "${sz[coop_sizeof_event]}" \
    "${sz[coop_sizeof_lock]}" "${sz[coop_sizeof_sem]}" "${sz[coop_sizeof_queue]}"
}
sync_row "x86-64" "gcc" nm
sync_row "AVR atmega328p" "avr-gcc -mmcu=atmega328p -Os" avr-nm
sync_row "Cortex-M0+" "arm-none-eabi-gcc -mcpu=cortex-m0plus -mthumb -Os" arm-none-eabi-nm
echo "(default wheel: COOP_WHEEL_SLOT_BITS=6; the AVR port's default: no wheel, COOP_WHEEL_LEVELS=0;"
echo " a queue's records are extra; sizes from: <cc> -Iinclude -c tests/bench/sizes.c && nm -S)"

# ------------------------------------------------------------------ flash/RAM per feature
echo
bash tests/bench/features.sh
