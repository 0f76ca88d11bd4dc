#!/usr/bin/env bash
# Install the Debian packages that `make check` needs, by name. As root it runs
# apt-get; otherwise it prints the exact command and fails. Nothing else is
# downloaded. Add a package here when a test starts to need it: every one a
# test uses, by its own name, since we install with --no-install-recommends
# (what a listed package only Recommends is not installed on a fresh machine).
set -euo pipefail

packages=(
  make gcc g++ clang pkg-config check valgrind       # host build and unit tests
  libclang-rt-dev      # clang's sanitizer runtimes (clang-14 only Recommends them): test-sanitize's
                       # clang ASan+UBSan build, test-stress's ThreadSanitizer build
  gcc-avr avr-libc binutils-avr                      # AVR compile checks
  gcc-arm-none-eabi libnewlib-arm-none-eabi          # Cortex-M0+ compile checks
  spin                                               # model checking (tests/model)
  simavr libsimavr-dev libelf-dev                    # AVR simulator tests (tests/avr)
)

# each port's test bench lists its own packages in .ci/deps.d/<port>.list
# (one name per line, # starts a comment)
here=$(dirname "$0")
for list in "$here"/deps.d/*.list; do
  [ -e "$list" ] || continue
  while read -r p _; do
    case "$p" in ''|'#'*) continue ;; esac
    packages+=("$p")
  done < "$list"
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# a port may need more than packages by name (another suite of the same
# archive, say): .ci/deps.d/<port>.sh runs first, with "check" or "install"
for hook in "$here"/deps.d/*.sh; do
  [ -e "$hook" ] || continue
  if [ "$(id -u)" -eq 0 ]; then bash "$hook" install; else bash "$hook" check; fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "deps: missing packages: ${missing[*]}"
  echo "deps: run as root:  $cmd"
  exit 1
fi
