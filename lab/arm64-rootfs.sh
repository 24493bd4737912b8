#!/bin/bash
# The arm64 lab guest's root: Debian's own arm64 packages of the machine's
# release (bash, jq, bpftool, iproute2, ... and busybox for the
# initramfs), laid out by debootstrap's first stage and dpkg-deb -x of every
# package it fetched. No maintainer script runs (nothing here executes an
# arm64 program); the links their update-alternatives calls would make are
# made here, and the guest needs nothing else they set up. Cached; the
# guest mounts it read-only over 9p and chroots into it, with the
# repository bound at /repo (lab/init).
#
#   arm64-rootfs.sh          prints the root's path (made on first use, ~1 min)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

# Bump when what goes into the root changes.
LAYOUT=2
PKGS=bash,busybox-static,jq,bpftool,iproute2,kmod,procps,pciutils,bc,iputils-ping,fio

cache=$(atstrace_cache)/arm64
cache_entry "$cache" rootfs "$LAYOUT $PKGS"
root=$entry
command -v debootstrap >/dev/null || die "arm64: debootstrap is missing (run 'make deps')"
uri=$(mirror_uri) || true
[ -n "$uri" ] || die "arm64: no Debian mirror in the machine's apt configuration"

progress "arm64: guest root: debootstrap --foreign --arch=arm64 $suite (~1 min)"
rm -rf "$root.tmp"
debootstrap --foreign --arch=arm64 --variant=minbase --include="$PKGS" \
	"$suite" "$root.tmp" "$uri" >"$cache/rootfs.log" 2>&1 ||
	die "arm64: debootstrap failed: $(tail -1 "$cache/rootfs.log")"
for deb in "$root.tmp"/var/cache/apt/archives/*.deb; do
	dpkg-deb -x "$deb" "$root.tmp" || die "arm64: cannot unpack $(basename "$deb")"
	# the links a postinst would make with update-alternatives (awk, which)
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst 2>/dev/null |
		grep -o 'update-alternatives --install /[^ $"]* [^ $"]* /[^ $"]*' |
		while read -r _ _ link _ target; do
			[ -e "$root.tmp$link" ] || [ -L "$root.tmp$link" ] || ln -s "$target" "$root.tmp$link"
		done || true # most packages have none
done
rm -f "$root.tmp"/var/cache/apt/archives/*.deb
# mount points lab/init uses: the repository, the host's root (for the
# paths build/ links to), and the guest's own writable space
mkdir -p "$root.tmp/repo" "$root.tmp/hostfs" "$root.tmp/run"
for f in busybox jq bash bpftool awk; do
	[ -x "$root.tmp/bin/$f" ] || [ -x "$root.tmp/usr/bin/$f" ] || [ -x "$root.tmp/usr/sbin/$f" ] ||
		die "arm64: $f is missing from the guest root"
done
touch "$root.tmp/.complete"
rm -rf "$root"
mv "$root.tmp" "$root"
find "$cache" -maxdepth 1 -name 'rootfs-*' ! -name "rootfs-$entry_key" -exec rm -rf {} +
progress "arm64: guest root $root ($(du -sh "$root" | cut -f1))"
echo "$root"
