#!/bin/bash
# Builds the initramfs for one lab kernel: static busybox (the kernel's
# architecture's), the lab's init and,
# for Debian's kernels, the modules the lab needs (decompressed, in load
# order). Usage: initramfs.sh KERNEL  ->  build/lab/initramfs-KERNEL.cpio.gz
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

name=${1:?usage: initramfs.sh KERNEL}
kdir=$top/build/kernels/$name
out=$top/build/lab/initramfs-$name.cpio.gz
[ -e "$kdir" ] || die "lab: kernel $name is not built or fetched (run 'make kernel lab')"

# Modules the lab loads when the kernel has them as modules (the lab kernel
# builds them in): the 9p share, VFIO, the virtio disk and NIC (a NIC back on
# its own driver after a test must move packets).
WANT="9p 9pnet_virtio vfio_pci vfio_iommu_type1 virtio_blk virtio_net"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,proc,sys,dev,modules,host}
# an arm64 kernel's guest takes the arm64 guest root's busybox
if [ "$(jq -r '.arch // "x86"' "$kdir/info.json" 2>/dev/null)" = arm64 ]; then
	cp "$("$top/lab/arm64-rootfs.sh")/bin/busybox" "$work/bin/busybox"
else
	cp /bin/busybox "$work/bin/busybox"
fi
cp "$top/lab/init" "$work/init"
chmod +x "$work/init"

if [ -d "$kdir/modules" ]; then
	moddir=$kdir/modules
	: >"$work/modules.order"
	for want in $WANT; do
		# modules.dep lists a module's whole closure; modprobe loads it
		# from the end backwards, then the module itself.
		line=$(awk -v w="$want" '{
			n = $1; sub(/:$/, "", n); b = n; sub(/.*\//, "", b); sub(/\.ko.*/, "", b);
			gsub(/-/, "_", b); if (b == w) { print; exit } }' "$moddir/modules.dep")
		[ -n "$line" ] || continue
		set -- $line
		first=${1%:}
		shift
		list=("$first")
		for dep in "$@"; do list=("$dep" "${list[@]}"); done
		for m in "${list[@]}"; do
			base=$(basename "$m")
			base=${base%.xz}
			base=${base%.zst}
			grep -qx "$base" "$work/modules.order" && continue
			case "$m" in
			*.xz) xz -dc "$moddir/$m" >"$work/modules/$base" ;;
			*.zst) zstd -qdc "$moddir/$m" >"$work/modules/$base" ;;
			*) cp "$moddir/$m" "$work/modules/$base" ;;
			esac
			echo "$base" >>"$work/modules.order"
		done
	done
fi

mkdir -p "$(dirname "$out")"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
