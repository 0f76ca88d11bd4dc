#!/usr/bin/env bash
# Compile every ```c block of README.md and docs/*.md, and run the README's
# first one (make test-docs).
#
# What a block is compiled as, decided by its text (a block that is not C, or
# is not meant to compile, is fenced as ```text, ```sh, ... and not read):
#   program       it has `int main`: compiled as written and linked, against
#                 ports/virtual.h (-DCOOP_PORT='"virtual.h"', as the examples)
#   file          it has an #include (and no main): compiled as written (-c);
#                 one that includes avr.h or rp2040.h is compiled for that chip
#                 (avr-gcc; arm-none-eabi-gcc with the stand-in pico-sdk of
#                 tests/rp2040/sdk, as make rp2040)
#   declarations  no #include, and a `{` at the start of a line (a function
#                 definition, house style): compiled at file scope after the
#                 prelude below; a static function it does not call is allowed
#   coroutine     any other block: lines from inside a coroutine, compiled as
#                 the body of `coop_status_t docs_fragment(coop_task_t *task)`
#                 after the prelude, between ASYNC(task) and ASYNC_END unless
#                 the block has its own ASYNC
# The prelude includes ports/virtual.h and declares the few names that the
# fragments use as the text around them describes them (PRELUDE below: a
# fragment that needs another one fails until it is declared there). Every
# block is compiled by gcc -std=c99 with the Makefile's warnings as errors
# (the cross compilers for chip files), with #line so that an error names
# the .md file and its line.
#
# The README's first block must be a program. It is run on the virtual clock
# (exact ticks): its timeline must be LED1 toggled 10 times every 250 ms and
# LED2 10 times every 100 ms from 0, on first, in this order (LED1 before LED2
# on the same tick: spawn order), and nothing else, exit status 0. It is also
# built as written (host.h, the PC) and run on the real clock: exit status 0,
# the same edges per LED, none before its due time (a loaded machine may make
# one late; `timeout` only catches a hang).
# Prints "docs: N blocks compiled, ..." and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CC="gcc -std=c99"
WARN="-Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow"
INC="-Iinclude -Iports"
HOST_TIMEOUT=${HOST_TIMEOUT:-60}

PRELUDE='#include "virtual.h"
#ifndef ISR
#define ISR(vector) void vector(void) /* avr-libc'"'"'s interrupt handler; a function here */
#endif
struct reading { int value; };                                  /* README: the queue */
struct producer { coop_task_t task; struct reading r; };
struct consumer { coop_task_t task; struct reading r; int rc; };
extern struct producer *p;
extern struct consumer *c;
extern unsigned presses;                                        /* README: interrupts */
struct alert { coop_task_t task; uint8_t blink; bool over; };   /* docs/asyncio.md: FINALLY */
extern struct alert *a;'

# Cut the ```c blocks out: $TMP/b<N>.c holds block N's lines, index lines are
# "N file line" (line: the block's first line of code).
awk -v dir="$TMP" '
FNR == 1 { fence = "" }
fence == "" && /^```/ {
  fence = ($0 ~ /^```c([ \t].*)?$/) ? "c" : "other"
  if (fence == "c") { n++; out = dir "/b" n ".c"; printf "" > out; print n, FILENAME, FNR + 1 }
  next
}
fence != "" && /^```[ \t]*$/ { if (fence == "c") close(out); fence = ""; next }
fence == "c" { print > out }
END { if (fence != "") { print "docs: an unclosed fence in " FILENAME > "/dev/stderr"; exit 1 } }
' README.md docs/*.md >"$TMP/index" || exit 1

failed=0
compiled=0
first_ok=0
declare -A kind

# wrap N FILE LINE: write $TMP/w<N>.c, the compilation unit for block N, and set kind[N]
wrap() {
  local n=$1 file=$2 line=$3 b="$TMP/b$1.c" w="$TMP/w$1.c"
  if grep -q 'int main' "$b"; then
    kind[$n]=program
  elif grep -q '^[[:space:]]*#[[:space:]]*include' "$b"; then
    kind[$n]="file"
  elif grep -q '^{' "$b"; then
    kind[$n]=declarations
  else
    kind[$n]=coroutine
  fi
  case ${kind[$n]} in
    program|file)
      { printf '#line %d "%s"\n' "$line" "$file"; cat "$b"; } >"$w" ;;
    declarations)
      { printf '%s\n#line %d "%s"\n' "$PRELUDE" "$line" "$file"; cat "$b"; } >"$w" ;;
    coroutine)
      local own=0
      grep -q 'ASYNC(' "$b" && own=1
      { printf '%s\ncoop_status_t docs_fragment(coop_task_t *task);\n' "$PRELUDE"
        printf 'coop_status_t docs_fragment(coop_task_t *task)\n{\n'
        [ $own = 1 ] || printf 'ASYNC(task);\n'
        printf '#line %d "%s"\n' "$line" "$file"; cat "$b"
        [ $own = 1 ] || printf 'ASYNC_END;\n'
        printf '}\n'; } >"$w" ;;
  esac
}

# compile N: block N's compilation, in the background; its verdict in $TMP/c<N>.{log,rc}
compile() {
  local n=$1 w="$TMP/w$1.c" cmd
  case ${kind[$n]} in
    program) cmd="$CC $WARN $INC '-DCOOP_PORT=\"virtual.h\"' $w -o $TMP/p$n" ;;
    file)
      if grep -q '#[[:space:]]*include[[:space:]]*"avr.h"' "$w"; then
        cmd="avr-gcc -std=c99 -mmcu=atmega328p -DF_CPU=16000000UL -Os $WARN $INC -c $w -o $TMP/o$n.o"
      elif grep -q '#[[:space:]]*include[[:space:]]*"rp2040.h"' "$w"; then
        cmd="arm-none-eabi-gcc -std=c99 -mcpu=cortex-m0plus -mthumb -Os $WARN $INC -Itests/rp2040/sdk/include -c $w -o $TMP/o$n.o"
      else
        cmd="$CC $WARN $INC -c $w -o $TMP/o$n.o"
      fi ;;
    declarations) cmd="$CC $WARN -Wno-unused-function $INC -c $w -o $TMP/o$n.o" ;;
    coroutine) cmd="$CC $WARN $INC -c $w -o $TMP/o$n.o" ;;
  esac
  ( eval "$cmd" >"$TMP/c$n.log" 2>&1; echo $? >"$TMP/c$n.rc" ) &
}

while read -r n file line; do
  wrap "$n" "$file" "$line"
done <"$TMP/index"

# the README's first block, as written: host.h, the real clock (2.5 s), in the background
read -r first _ first_line < <(awk '$2 == "README.md"' "$TMP/index" | head -1)
if [ -z "${first:-}" ] || [ "${kind[$first]}" != program ]; then
  echo "FAIL README.md: the first \`\`\`c block is not a program (int main)"
  exit 1
fi
( $CC $WARN $INC "$TMP/w$first.c" -o "$TMP/host" >"$TMP/host.build" 2>&1 || { echo build >"$TMP/host.rc"; exit; }
  timeout "$HOST_TIMEOUT" "$TMP/host" >"$TMP/host.log" 2>&1 </dev/null; echo $? >"$TMP/host.rc" ) &
while read -r n file line; do
  compile "$n"
done <"$TMP/index"
wait

while read -r n file line; do
  if [ "$(cat "$TMP/c$n.rc")" = 0 ]; then
    compiled=$((compiled + 1))
  else
    echo "FAIL $file:$line: the \`\`\`c block (compiled as a ${kind[$n]}) does not compile"
    sed 's/^/     /' "$TMP/c$n.log" | head -20
    failed=$((failed + 1))
  fi
done <"$TMP/index"

# The first example on the virtual clock: the exact timeline.
for led in "1 250" "2 100"; do
  set -- $led
  for i in 0 1 2 3 4 5 6 7 8 9; do
    echo "$((i * $2)) $1 $([ $((i % 2)) = 0 ] && echo on || echo off)"
  done
done | sort -n -k1,1 -k2,2 | awk '{ printf "[%7d ms] LED%d %s\n", $1, $2, $3 }' >"$TMP/want"
if [ -x "$TMP/p$first" ]; then
  "$TMP/p$first" >"$TMP/virtual.log" 2>&1 </dev/null
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "FAIL README.md:$first_line: the first example exits with status $rc on the virtual clock"
    sed 's/^/     /' "$TMP/virtual.log" | tail -5
    failed=$((failed + 1))
  elif ! diff -u "$TMP/want" "$TMP/virtual.log" >"$TMP/virtual.diff"; then
    echo "FAIL README.md:$first_line: the first example's timeline on the virtual clock (- wanted, + got):"
    tail -n +3 "$TMP/virtual.diff" | sed 's/^/     /' | head -30
    failed=$((failed + 1))
  else
    echo "ok   README.md:$first_line: the first example on the virtual clock: LED1 every 250 ms, LED2 every 100 ms, 10 toggles each"
    first_ok=$((first_ok + 1))
  fi
fi

# The same, as written on the PC: exit 0; per LED the same edges, on first,
# each at or after its due time.
rc=$(cat "$TMP/host.rc" 2>/dev/null || echo none)
if [ "$rc" = build ]; then
  echo "FAIL README.md:$first_line: the first example does not build as written (host.h)"
  sed 's/^/     /' "$TMP/host.build" | head -20
  failed=$((failed + 1))
elif [ "$rc" != 0 ]; then
  echo "FAIL README.md:$first_line: the first example exits with status $rc on the PC (host.h)"
  sed 's/^/     /' "$TMP/host.log" | tail -5
  failed=$((failed + 1))
else
  out=$(awk '
    BEGIN { period["LED1"] = 250; period["LED2"] = 100 }
    match($0, /^\[ *[0-9]+ ms\] LED[12] (on|off)$/) {
      t = substr($0, 2) + 0; split($0, w, "] "); split(w[2], e, " "); l = e[1]
      want = (n[l] % 2 == 0) ? "on" : "off"
      if (e[2] != want) print "FAIL: edge " n[l] " of " l " is " e[2] ", want " want
      if (t < n[l] * period[l]) print "FAIL: " l " " e[2] " at " t " ms, before it was due at " n[l] * period[l]
      n[l]++; next
    }
    { print "FAIL: unexpected line: " $0 }
    END { for (l in period) if (n[l] != 10) print "FAIL: " l " has " n[l] + 0 " edges, want 10" }
  ' "$TMP/host.log")
  if [ -n "$out" ]; then
    echo "FAIL README.md:$first_line: the first example on the PC (host.h, real clock)"
    echo "$out" | sed 's/^/     /'
    failed=$((failed + 1))
  else
    echo "ok   README.md:$first_line: the first example as written on the PC: exit 0, the same edges, none early"
    first_ok=$((first_ok + 1))
  fi
fi

total=$(wc -l <"$TMP/index")
echo "docs: $compiled of $total \`\`\`c blocks compiled ($(for n in "${!kind[@]}"; do echo "${kind[$n]}"; done | sort | uniq -c | awk '{ printf "%s%d %s", (NR > 1 ? ", " : ""), $1, $2 }')), first example run $first_ok of 2, $failed failed"
[ "$failed" -eq 0 ]
