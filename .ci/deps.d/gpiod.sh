#!/usr/bin/env bash
# Linux gpiod port (tests/gpiod): libgpiod v2 comes from <codename>-backports,
# which the test bench unpacks into build/ with `apt-get download` (it never
# replaces the system's libgpiod). This makes apt know that suite, with the
# same archive address the machine's own sources use for the main suite.
#   check    (not root) exit 1 and print what to do if the suite is unknown
#   install  (root) add it (a .sources file next to the others) and update
set -euo pipefail

. /etc/os-release
codename=${VERSION_CODENAME:-}
[ -n "$codename" ] || { echo "deps gpiod: no VERSION_CODENAME in /etc/os-release"; exit 1; }
suite="$codename-backports"
target=/etc/apt/sources.list.d/coop-backports.sources

known() {
    grep -rqsE "^[^#]*\b$suite\b" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

# The URI of the first source that carries the main suite (deb822 or one-line).
main_uri() {
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        awk -v s="$codename" '
            /^[[:space:]]*$/ { if (uri != "" && hit && !src) { print uri; exit } uri = ""; hit = 0; src = 0; next }
            /^Types:/  { src = ($0 !~ /(^|[[:space:]])deb([[:space:]]|$)/) }
            /^URIs:/   { uri = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) hit = 1 }
            END { if (uri != "" && hit && !src) print uri }' "$f" | head -n 1
    done | head -n 1
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -e "$f" ] || continue
        awk -v s="$codename" '$1 == "deb" { u = $2; d = $3; if ($2 ~ /^\[/) { for (i = 2; i <= NF && $i !~ /\]$/; i++); u = $(i + 1); d = $(i + 2) }
                                            if (d == s) { print u; exit } }' "$f"
    done | head -n 1
}

case "${1:-check}" in
check)
    if known; then exit 0; fi
    echo "deps gpiod: apt does not know $suite (libgpiod v2 for tests/gpiod)"
    echo "deps gpiod: run as root:  bash $0 install"
    exit 1
    ;;
install)
    if known; then exit 0; fi
    uri=$(main_uri)
    [ -n "$uri" ] || { echo "deps gpiod: found no apt source for $codename to derive $suite from"; exit 1; }
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    {
        echo "# added by coop .ci/deps.d/gpiod.sh: libgpiod v2 for the gpiod port's tests"
        echo "Types: deb"
        echo "URIs: $uri"
        echo "Suites: $suite"
        echo "Components: main"
        [ -e "$keyring" ] && echo "Signed-By: $keyring"
    } > "$target"
    echo "deps gpiod: added $suite ($target)"
    apt-get update -qq
    ;;
*)
    echo "usage: $0 check|install"; exit 2 ;;
esac
