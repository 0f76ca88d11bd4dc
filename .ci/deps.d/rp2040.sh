#!/usr/bin/env bash
# npm for `make test-rp2040` (npm ci of rp2040js). Debian ships npm as its own
# package; a NodeSource nodejs bundles npm and conflicts with Debian's npm
# package (installing that would replace the machine's Node.js). So: nothing
# to do when an npm is on PATH, otherwise Debian's npm (which brings Debian's
# nodejs with it).
#   check    (not root) exit 1 and print the command if npm is missing
#   install  (root) apt-get install npm if npm is missing
set -euo pipefail
command -v npm >/dev/null 2>&1 && exit 0
case "${1:-check}" in
  install)
    echo "deps rp2040: installing npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
    ;;
  *)
    echo "deps rp2040: npm is missing; run as root: apt-get update && apt-get install -y --no-install-recommends npm"
    exit 1
    ;;
esac
