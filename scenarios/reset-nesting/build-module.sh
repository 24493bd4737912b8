#!/bin/bash
# Builds the lab's test module (atsnest.ko) against a built lab kernel tree.
# Usage: build-module.sh KERNEL   (a name under build/kernels with a .tree)
# Output: build/modules/KERNEL/atsnest.ko. Kernels without the series'
# API (the vanilla build, Debian's) get no module: scenarios that need it
# run on lab-6.12 only.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
k=${1:?usage: build-module.sh KERNEL}
tree=$top/build/kernels/$k.tree
[ -d "$tree" ] || die "module: no kernel tree for $k (run 'make kernel')"
out=$top/build/modules/$k
rm -rf "$out" && mkdir -p "$out"
cp "$top/scenarios/reset-nesting/atsnest.c" "$top/scenarios/reset-nesting/Kbuild" "$out/"
make -C "$tree" M="$out" KBUILD_EXTRA_SYMBOLS="$tree/vmlinux.symvers" modules \
	>"$out/build.log" 2>&1 || { tail -20 "$out/build.log" >&2; die "module: atsnest build failed for $k"; }
[ -f "$out/atsnest.ko" ] || die "module: no atsnest.ko for $k"
