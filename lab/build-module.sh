#!/bin/bash
# Builds a lab test module against a built lab kernel tree.
# Usage: build-module.sh KERNEL SOURCE.c   (KERNEL: a name under build/kernels
# with a .tree). Output: build/modules/KERNEL/NAME.ko, rebuilt only when the
# source or the kernel changed. Scenarios that need a module say which
# kernels have it (Debian's kernels have no tree here).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
[ $# -eq 2 ] || die "usage: build-module.sh KERNEL SOURCE.c"
k=$1 src=$2
name=$(basename "$src" .c)
tree=$top/build/kernels/$k.tree
[ -d "$tree" ] || die "module: no kernel tree for $k (run 'make kernel')"
[ -f "$src" ] || die "module: no source $src"
out=$top/build/modules/$k/$name
ko=$top/build/modules/$k/$name.ko
if [ -f "$ko" ] && [ "$ko" -nt "$src" ] && [ "$ko" -nt "$tree/vmlinux.symvers" ]; then
	exit 0
fi
rm -rf "$out" && mkdir -p "$out"
cp "$src" "$out/"
echo "obj-m := $name.o" >"$out/Kbuild"
# an arm64 lab kernel's module is cross-built like the kernel
cross=()
! grep -qx 'CONFIG_ARM64=y' "$tree/.config" || cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
make -C "$tree" "${cross[@]}" M="$out" KBUILD_EXTRA_SYMBOLS="$tree/vmlinux.symvers" modules \
	>"$out/build.log" 2>&1 || { tail -20 "$out/build.log" >&2; die "module: $name build failed for $k"; }
[ -f "$out/$name.ko" ] || die "module: no $name.ko for $k"
cp "$out/$name.ko" "$ko"
