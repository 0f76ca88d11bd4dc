#!/usr/bin/env bash
# arduino/mklib.sh - write coop as an Arduino library (make arduino-lib).
#
#     bash arduino/mklib.sh [DIR]       DIR defaults to build/arduino-lib/coop
#
# DIR then holds an Arduino library (the 1.5 library format), ready to be
# copied (or zipped: Sketch > Include Library > Add .ZIP Library) into the
# sketchbook's libraries/ folder:
#   library.properties    from arduino/library.properties.in, version from VERSION,
#                         url from $COOP_URL (empty if unset: fill it in to publish)
#   keywords.txt          arduino/keywords.txt (the IDE's highlighting)
#   src/coop_arduino.h    the header a sketch includes (arduino/coop_arduino.h)
#   src/coop_avr.h        ports/avr.h under a name no other library takes
#   src/coop.h, src/coop/*.h   include/ as it is
#   examples/<Name>/<Name>.ino  arduino/examples
#   LICENSE
#
# Why a generated library rather than library.properties and src/ at the
# repository's root: the Arduino format fixes the name examples/, and there
# the repository keeps examples/<name>/main.c, the C twin of each guide
# program for every port. The IDE opens a library's examples/<Name>/ as
# sketches, and arduino-builder compiles every .c of a sketch folder beside
# its .ino: main.c's main() would meet the Arduino core's (and with no .ino
# the IDE lists nothing). Renaming examples/ would move what every other port
# builds and documents. src/ would have to be stub headers forwarding to
# include/ and ports/ (Arduino takes a library's headers from src/ only),
# with ports/avr.h under a new name, since a bare avr.h collides with other
# libraries (the issue: "fatal error: avr.h" from a plain clone). Generating
# keeps one copy of every header, the repository's layout as it is, and the
# Arduino names (coop_arduino.h, coop_avr.h, CamelCase examples) where only
# Arduino sees them. Its price: a clone is not a library until `make
# arduino-lib` has run; a release ships the generated folder (zipped), and
# make test-arduino builds every example from it, so it cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${1:-build/arduino-lib/coop}
VERSION=$(tr -d ' \n' <VERSION)
case $VERSION in
  [0-9]*.[0-9]*.[0-9]*) ;;
  *) echo "arduino/mklib.sh: VERSION is '$VERSION', not MAJOR.MINOR.PATCH" >&2; exit 1 ;;
esac

rm -rf "$DIR"
mkdir -p "$DIR/src/coop" "$DIR/examples"
sed -e "s|@VERSION@|$VERSION|" -e "s|@URL@|${COOP_URL:-}|" arduino/library.properties.in >"$DIR/library.properties"
cp arduino/keywords.txt LICENSE "$DIR/"
cp arduino/coop_arduino.h include/coop.h "$DIR/src/"
cp ports/avr.h "$DIR/src/coop_avr.h"
cp include/coop/*.h "$DIR/src/coop/"
for ex in arduino/examples/*/; do
  cp -R "${ex%/}" "$DIR/examples/"
done
echo "arduino/mklib.sh: coop $VERSION as an Arduino library in $DIR"
