#!/usr/bin/env bash
# tests/packaging/run.sh - make test-packaging: coop taken the ways a project
# takes a library, each built with warnings as errors and run.
#
#   library.json   PlatformIO's manifest: fields, version = VERSION, every
#                  path it names (library_json.py)
#   make install   PREFIX=build/packaging/prefix (PICO_SDK_PATH set in the
#                  environment, which must not matter): exactly the headers (ports
#                  in include/coop/ports), the CMake package, coop.pc and the
#                  docs; again with another PREFIX and a DESTDIR: the same files
#                  under DESTDIR only, and coop.pc names the prefix, not DESTDIR
#   pkg-config     coop.pc only (PKG_CONFIG_LIBDIR: no system .pc files):
#                  --validate, --modversion = VERSION, the two -I dirs; the
#                  consumer built with `cc $(pkg-config --cflags coop)`
#   find_package   the installed package (CMAKE_PREFIX_PATH, found there and
#                  nowhere else), coop_VERSION = VERSION; the version file
#                  accepts MAJOR.MINOR and VERSION EXACT, refuses the next
#                  minor and major (and, for 0.x, the previous minor)
#   add_subdirectory  this checkout; the project's install installs nothing
#                  of coop's
#   FetchContent   an archive of this checkout's files (tracked and untracked,
#                  not ignored) at a file:// URL with its SHA-256
#   pico-sdk       coop's CMakeLists.txt as today with "the SDK" (pico-sdk/:
#                  a CMake stand-in over tests/rp2040/sdk): as the top-level
#                  project (blink1 builds for the Cortex-M0+, its main.c with
#                  warnings as errors and COOP_PORT set; tests/rp2040's edges
#                  is a target)
#                  and by add_subdirectory after pico_sdk_init (pico-app/),
#                  which installs nothing
# The consumer (consumer/main.c, on ports/virtual.h) must print
#   coop consumer (<way>): b@70 a@100 b@140 a@200 b@210 a@300
# and exit 0. CMake runs with -Werror=dev. Everything goes to
# $BUILD/packaging (emptied first); nothing is fetched from a network. The
# sections run side by side, each in its own directories.
# Prints "packaging: N checks passed" or each failure, and exits 1 on any.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) B="$BUILD/packaging" ;; *) B="$ROOT/$BUILD/packaging" ;; esac
MAKE=${MAKE:-make}
VERSION=$(cat VERSION)
EXPECT_RUN="b@70 a@100 b@140 a@200 b@210 a@300"
CMAKE=(cmake -Werror=dev)
C=tests/packaging/consumer

ok() { echo "  ok: $*"; }
no() { echo "  FAILED: $*"; }
# run LOG CMD...: the command's output goes to LOG, shown if it fails
run() {
  local log=$1; shift
  if "$@" >"$log" 2>&1; then return 0; fi
  echo "  ($* failed; its output:)"; sed 's/^/    /' "$log" | tail -30
  return 1
}
# consumer WAY BINARY: runs it and checks its line
consumer() {
  local out rc
  out=$("$2"); rc=$?
  if [ $rc -eq 0 ] && [ "$out" = "coop consumer ($1): $EXPECT_RUN" ]; then
    ok "$1: the consumer runs: $out"
  else
    no "$1: the consumer printed '$out' (status $rc), expected 'coop consumer ($1): $EXPECT_RUN'"
  fi
}

missing=""
for tool in cmake pkg-config python3 gcc tar sha256sum arm-none-eabi-gcc; do
  command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  echo "packaging: missing:$missing (make deps installs them)"
  exit 1
fi
rm -rf "$B"
mkdir -p "$B"

library_json() {
echo "-- library.json"
if python3 tests/packaging/library_json.py; then ok "library.json"; else no "library.json"; fi
}

installed() {
echo "-- make install"
# what must be installed, from this checkout's files
{
  for f in include/*.h include/coop/*.h; do echo "include/${f#include/}"; done
  for f in ports/*.h; do echo "include/coop/ports/${f#ports/}"; done
  printf '%s\n' share/cmake/coop/coopConfig.cmake share/cmake/coop/coopConfigVersion.cmake \
    share/cmake/coop/coopTargets.cmake share/pkgconfig/coop.pc \
    share/doc/coop/LICENSE share/doc/coop/README.md share/doc/coop/CHANGELOG.md
} | sort >"$B/expected"
P="$B/prefix"
# (PICO_SDK_PATH set, as on a pico-sdk developer's machine: the install is still the plain one)
if PICO_SDK_PATH=/nonexistent run "$B/install.log" "$MAKE" --no-print-directory install BUILD="$BUILD/packaging/make" PREFIX="$P"; then
  (cd "$P" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$B/installed"
  if diff -u "$B/expected" "$B/installed" >"$B/install.diff"; then
    ok "make install PREFIX=$BUILD/packaging/prefix: $(wc -l <"$B/expected") files, as expected"
  else
    no "make install: not the expected files:"; sed 's/^/    /' "$B/install.diff"
  fi
else
  no "make install PREFIX=$P"
fi
# DESTDIR: a prefix inside $B too, so that an install that ignores DESTDIR
# lands where it is seen and does no harm
S="$B/stage"
Q="$B/destdir-prefix"
if run "$B/destdir.log" "$MAKE" --no-print-directory install BUILD="$BUILD/packaging/make" PREFIX="$Q" DESTDIR="$S"; then
  (cd "$S" && find . -type f -o -type l | sed 's|^\./||' | sort) >"$B/staged"
  pc_prefix=$(sed -n 's/^prefix=//p' "$S$Q/share/pkgconfig/coop.pc" 2>/dev/null)
  if ! sed "s|^|${Q#/}/|" "$B/expected" | diff -u - "$B/staged" >"$B/destdir.diff"; then
    no "make install DESTDIR: not the expected files:"; sed 's/^/    /' "$B/destdir.diff"
  elif [ -e "$Q" ]; then
    no "make install DESTDIR=...: wrote to the prefix itself ($Q)"
  elif [ "$pc_prefix" != "$Q" ]; then
    no "make install DESTDIR: coop.pc says prefix=$pc_prefix, not $Q"
  else
    ok "make install PREFIX=$BUILD/packaging/destdir-prefix DESTDIR=...: the same files under DESTDIR, coop.pc names the prefix"
  fi
else
  no "make install PREFIX=$Q DESTDIR=$S"
fi

echo "-- pkg-config"
export PKG_CONFIG_LIBDIR="$P/share/pkgconfig" PKG_CONFIG_PATH=""
cflags=$(pkg-config --cflags coop 2>&1 | sed 's/ *$//')
if ! pkg-config --validate coop; then
  no "pkg-config --validate coop"
elif [ "$(pkg-config --modversion coop)" != "$VERSION" ]; then
  no "pkg-config --modversion coop: $(pkg-config --modversion coop), VERSION says $VERSION"
elif [ "$cflags" != "-I$P/include -I$P/include/coop/ports" ]; then
  no "pkg-config --cflags coop: '$cflags', expected '-I$P/include -I$P/include/coop/ports'"
else
  ok "pkg-config: coop $VERSION, --cflags $cflags"
fi
# shellcheck disable=SC2086 # the flags are words
if run "$B/pkg-config.log" gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -Wundef -Wshadow $cflags \
      '-DCONSUMER_VIA="pkg-config"' tests/packaging/consumer/main.c -o "$B/consumer-pkg-config"; then
  consumer pkg-config "$B/consumer-pkg-config"
else
  no "pkg-config: the consumer does not build"
fi
unset PKG_CONFIG_LIBDIR PKG_CONFIG_PATH

echo "-- find_package"
if run "$B/find_package.log" "${CMAKE[@]}" -S "$C" -B "$B/find_package" -DCOOP_VIA=find_package \
      -DCMAKE_PREFIX_PATH="$P" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCOOP_EXPECT_VERSION="$VERSION" &&
   run "$B/find_package.log" cmake --build "$B/find_package"; then
  found=$(sed -n 's/^coop_DIR:PATH=//p' "$B/find_package/CMakeCache.txt")
  if [ "$found" = "$P/share/cmake/coop" ]; then
    ok "find_package(coop $VERSION): found in $BUILD/packaging/prefix/share/cmake/coop"
  else
    no "find_package(coop): found in $found, not $P/share/cmake/coop"
  fi
  consumer find_package "$B/find_package/consumer"
else
  no "find_package: the consumer does not configure or build"
fi
major=${VERSION%%.*}; rest=${VERSION#*.}; minor=${rest%%.*}
requests="$major.$minor:TRUE $VERSION/exact:TRUE $major.$((minor + 1)):FALSE $((major + 1)).0:FALSE"
if [ "$major" = 0 ] && [ "$minor" -gt 0 ]; then requests="$requests 0.$((minor - 1)):FALSE"; fi
for r in $requests; do
  req=${r%%:*}; want=${r##*:}; exact=OFF
  case $req in */exact) req=${req%/exact}; exact=ON ;; esac
  if run "$B/version.log" "${CMAKE[@]}" -S tests/packaging/version -B "$B/version-$req-$exact" \
        -DCMAKE_PREFIX_PATH="$P" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCOOP_REQUEST="$req" -DCOOP_EXACT=$exact; then
    got=$(sed -n 's/^-- coop found: \([A-Z]*\).*/\1/p' "$B/version.log")
    what="find_package(coop $req$([ $exact = ON ] && echo ' EXACT')) with coop $VERSION installed"
    if [ "$got" = "$want" ]; then ok "$what: found $got"; else no "$what: found '$got', expected $want"; fi
  else
    no "the version request $req"
  fi
done
}

via_add_subdirectory() {
echo "-- add_subdirectory"
if run "$B/add_subdirectory.log" "${CMAKE[@]}" -S "$C" -B "$B/add_subdirectory" -DCOOP_VIA=add_subdirectory \
      -DCOOP_SOURCE_DIR="$ROOT" &&
   run "$B/add_subdirectory.log" cmake --build "$B/add_subdirectory" &&
   run "$B/add_subdirectory.log" cmake --install "$B/add_subdirectory" --prefix "$B/add_subdirectory-prefix"; then
  consumer add_subdirectory "$B/add_subdirectory/consumer"
  if [ -e "$B/add_subdirectory-prefix" ]; then
    no "add_subdirectory: the project's install installed coop's files: $(find "$B/add_subdirectory-prefix" -type f | head -3)"
  else
    ok "add_subdirectory: the project's install installs nothing of coop's (COOP_INSTALL is off)"
  fi
else
  no "add_subdirectory: the consumer does not configure or build"
fi
}

via_fetchcontent() {
echo "-- FetchContent"
archive="$B/coop-$VERSION.tar.gz"
git ls-files -co --exclude-standard | while read -r f; do [ -f "$f" ] && echo "$f"; done >"$B/files"
if [ -s "$B/files" ] && grep -qx CMakeLists.txt "$B/files" &&
   tar -czf "$archive" --transform "s|^|coop-$VERSION/|" -T "$B/files"; then
  sha=$(sha256sum "$archive" | cut -d' ' -f1)
  if run "$B/FetchContent.log" "${CMAKE[@]}" -S "$C" -B "$B/FetchContent" -DCOOP_VIA=FetchContent \
        -DCOOP_URL="file://$archive" -DCOOP_SHA256="$sha" -DFETCHCONTENT_QUIET=OFF &&
     run "$B/FetchContent.log" cmake --build "$B/FetchContent"; then
    if [ -f "$B/FetchContent/_deps/coop-src/VERSION" ]; then
      ok "FetchContent: coop-$VERSION.tar.gz ($(wc -l <"$B/files") files) unpacked in _deps/coop-src"
    else
      no "FetchContent: no _deps/coop-src/VERSION"
    fi
    consumer FetchContent "$B/FetchContent/consumer"
  else
    no "FetchContent: the consumer does not configure or build"
  fi
else
  no "FetchContent: no archive of this checkout (git ls-files, tar)"
fi
}

SDK="$ROOT/tests/packaging/pico-sdk"
pico_top_level() {
echo "-- pico-sdk top-level (the stand-in SDK of tests/packaging/pico-sdk)"
if run "$B/pico.log" "${CMAKE[@]}" -S . -B "$B/pico" -DPICO_SDK_PATH="$SDK" &&
   run "$B/pico.log" cmake --build "$B/pico" --target blink1; then
  flags=$(cat "$B/pico/examples/blink1/CMakeFiles/blink1.dir/flags.make")
  if [ ! -s "$B/pico/examples/blink1/blink1.bin" ]; then
    no "pico-sdk top-level: no blink1.bin"
  elif ! grep -q '^edges:' <(cmake --build "$B/pico" --target help 2>/dev/null | sed 's/^\.\.\. //; s/ .*//; s/$/:/'); then
    no "pico-sdk top-level: no target edges (tests/rp2040)"
  elif ! grep -q -- '-Werror' <<<"$flags" || ! grep -q 'COOP_PORT=\\"rp2040.h\\"' <<<"$flags"; then
    no "pico-sdk top-level: blink1's main.c without -Werror or COOP_PORT=\"rp2040.h\""
  else
    ok "pico-sdk top-level: blink1 built for the Cortex-M0+, edges (tests/rp2040) a target ($(arm-none-eabi-size "$B/pico/examples/blink1/blink1.elf" | awk 'NR==2 {print $1 " B of code"}'))"
  fi
else
  no "pico-sdk top-level: does not configure or build"
fi
}

pico_app() {
echo "-- pico-sdk add_subdirectory (the stand-in SDK)"
if run "$B/pico-app.log" "${CMAKE[@]}" -S tests/packaging/pico-app -B "$B/pico-app" -DPICO_SDK_PATH="$SDK" \
      -DCOOP_SOURCE_DIR="$ROOT" &&
   run "$B/pico-app.log" cmake --build "$B/pico-app" &&
   run "$B/pico-app.log" cmake --install "$B/pico-app" --prefix "$B/pico-app-prefix"; then
  if [ ! -s "$B/pico-app/app.bin" ]; then
    no "pico-sdk add_subdirectory: no app.bin"
  elif [ -e "$B/pico-app-prefix" ]; then
    no "pico-sdk add_subdirectory: cmake --install installed coop's files: $(find "$B/pico-app-prefix" -type f | head -3)"
  else
    ok "pico-sdk add_subdirectory(coop) after pico_sdk_init(): app (blink1) built, nothing installed"
  fi
else
  no "pico-sdk add_subdirectory: does not configure or build"
fi
}

# the sections run side by side (each in its own directories), their
# reports are printed in this order
sections="library_json installed via_add_subdirectory via_fetchcontent pico_top_level pico_app"
declare -A pid
for s in $sections; do
  ( start=$SECONDS; "$s"; rc=$?; echo "  ($s: $((SECONDS - start)) s)"; exit $rc ) >"$B/$s.out" 2>&1 &
  pid[$s]=$!
done
for s in $sections; do
  wait "${pid[$s]}" || echo "  FAILED: the section $s stopped (status $?)" >>"$B/$s.out"
  cat "$B/$s.out"
done
passed=$(cat "$B"/*.out | grep -c '^  ok: ')
failed=$(cat "$B"/*.out | grep -c '^  FAILED: ')
if [ "$failed" -ne 0 ]; then
  echo "packaging: $failed failed, $passed passed"
  exit 1
fi
echo "packaging: $passed checks passed"
