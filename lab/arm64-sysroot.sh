#!/bin/bash
# The arm64 libraries a static atstrace links against (libbpf, libelf,
# zlib) and the unit tests' cmocka (run under qemu-aarch64 by make check),
# from Debian's own arm64 packages of the machine's release: fetched
# download only over the machine's own apt sources with private state
# (apt_arm64 in common.sh), unpacked with dpkg-deb into a sysroot in the cache.
# The system's apt sources and dpkg's architecture list stay untouched; the
# C library itself comes from libc6-dev-arm64-cross (make deps).
#
#   arm64-sysroot.sh          prints the sysroot's path (made on first use)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

# Bump when what goes into the sysroot changes.
LAYOUT=2
PKGS="libbpf-dev libbpf1 libelf-dev libelf1 zlib1g-dev zlib1g libcmocka-dev libcmocka0"

cache=$(atstrace_cache)/arm64
cache_entry "$cache" sysroot "$LAYOUT $PKGS"
root=$entry

conf=$cache/apt
rm -rf "$conf/dl" && mkdir -p "$conf/dl"
progress "arm64: reading the arm64 package index of the machine's apt sources (private state)"
apt_arm64 "$conf" -q update >"$conf/update.log" 2>&1 &&
	! grep -q '^E: ' "$conf/update.log" ||
	die "arm64: apt-get update failed: $(grep -m1 '^E: ' "$conf/update.log" || tail -1 "$conf/update.log")"
progress "arm64: downloading $PKGS (download only)"
# shellcheck disable=SC2086
(cd "$conf/dl" && apt_arm64 "$conf" -q download $PKGS >/dev/null 2>"$conf/dl.log") ||
	die "arm64: download failed: $(tail -1 "$conf/dl.log")"
rm -rf "$root.tmp" && mkdir -p "$root.tmp"
for deb in "$conf"/dl/*.deb; do
	dpkg-deb -x "$deb" "$root.tmp"
done
for lib in libbpf.a libelf.a libz.a libcmocka.so; do
	[ -f "$root.tmp/usr/lib/aarch64-linux-gnu/$lib" ] ||
		die "arm64: $lib is not in the downloaded packages"
done
# what went in, for the record
for deb in "$conf"/dl/*.deb; do
	dpkg-deb -f "$deb" Package Version | paste -sd' '
done >"$root.tmp/.packages"
touch "$root.tmp/.complete"
rm -rf "$root"
mv "$root.tmp" "$root"
# sysroots of an older recipe
find "$cache" -maxdepth 1 -name 'sysroot-*' ! -name "sysroot-$entry_key" -exec rm -rf {} +
rm -rf "$conf/dl"
progress "arm64: sysroot $root"
echo "$root"
