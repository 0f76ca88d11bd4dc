#!/usr/bin/env bash
# tests/gpiod/fetch.sh - unpack Debian packages for the gpiod test bench into
# build/, with `apt-get download` (the machine's own apt sources; nothing is
# installed, nothing is kept outside build/).
#   fetch.sh libgpiod2 DIR   libgpiod v2 headers + static library from
#                            <codename>-backports into DIR/usr (.ci/deps.d/gpiod.sh
#                            makes apt know that suite)
#   fetch.sh kernel DIR      the Debian kernel whose headers are installed
#                            (linux-headers-amd64): DIR/vmlinuz, DIR/configfs.ko,
#                            DIR/kver (its release, e.g. 6.1.0-56-amd64)
set -euo pipefail
what=$1 dir=$2
mkdir -p "$dir/deb"
dl() { # download package $1 into $dir/deb (once), print the .deb's path
    local f
    f=$(ls "$dir"/deb/"${2:-$1}"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$f" ]; then
        (cd "$dir/deb" && apt-get download -q=2 "$1" >/dev/null 2>&1) ||
            (cd "$dir/deb" && apt-get download "$1") >&2 ||
            { echo "fetch: apt-get download $1 failed (apt-get update? .ci/deps.d/gpiod.sh install?)" >&2; exit 1; }
        f=$(ls "$dir"/deb/"${2:-$1}"_*.deb | head -n 1)
    fi
    echo "$f"
}

case "$what" in
libgpiod2)
    . /etc/os-release
    deb=$(dl "libgpiod-dev/$VERSION_CODENAME-backports" libgpiod-dev)
    rm -rf "$dir/usr"
    dpkg-deb -x "$deb" "$dir"
    pc=$(find "$dir/usr" -name libgpiod.pc | head -n 1)
    ver=$(sed -n 's/^Version: *//p' "$pc")
    case "$ver" in 2.*) ;; *) echo "fetch: $deb is libgpiod $ver, not 2.x" >&2; exit 1 ;; esac
    a=$(find "$dir/usr" -name libgpiod.a | head -n 1)
    ln -sf "$(cd "$(dirname "$a")" && pwd)/libgpiod.a" "$dir/libgpiod.a"
    echo "fetch: libgpiod $ver in $dir/usr"
    ;;
kernel)
    # linux-headers-amd64 depends on exactly one linux-headers-<release> (= version)
    dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
        { echo "fetch: linux-headers-amd64 is not installed" >&2; exit 1; }
    kver=$(echo "$dep" | sed -n 's/.*linux-headers-\([^ ,]*\) (= \([^)]*\)).*/\1/p')
    version=$(echo "$dep" | sed -n 's/.*linux-headers-\([^ ,]*\) (= \([^)]*\)).*/\2/p')
    srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
    [ -n "$kver" ] || { echo "fetch: cannot tell the kernel release from linux-headers-amd64 ($dep)" >&2; exit 1; }
    if [ "$srcver" != "$version" ]; then
        echo "fetch: linux-source-6.1 is $srcver but the headers are $version: gpio-sim must be built from the" >&2
        echo "fetch: same release (run: apt-get install linux-source-6.1=$version linux-headers-amd64=$version)" >&2
        exit 1
    fi
    if [ ! -e "$dir/kver" ] || [ "$(cat "$dir/kver")" != "$kver" ] || [ ! -e "$dir/vmlinuz" ]; then
        deb=$(dl "linux-image-$kver=$version" "linux-image-$kver")
        rm -rf "$dir/x"
        mkdir -p "$dir/x"
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir/x" "./boot/vmlinuz-$kver" \
            "./lib/modules/$kver/kernel/fs/configfs/configfs.ko"
        mv "$dir/x/boot/vmlinuz-$kver" "$dir/vmlinuz"
        mv "$dir/x/lib/modules/$kver/kernel/fs/configfs/configfs.ko" "$dir/configfs.ko"
        rm -rf "$dir/x"
        echo "$kver" > "$dir/kver"
    fi
    echo "fetch: kernel $kver ($version) in $dir"
    ;;
*)
    echo "usage: $0 libgpiod2|kernel DIR" >&2; exit 2 ;;
esac
