#!/bin/bash
# Builds the lab kernels from Debian's linux-source-6.12 (or -7.2) and caches
# them outside the clone, keyed by what went into them.
#
#   build.sh            build lab-6.12-vanilla, then lab-6.12 (with kernel-patch/6.12/)
#   build.sh vanilla    only the unpatched kernel
#   KERNEL_SOURCE=7.2   lab-7.2-vanilla and lab-7.2 (with kernel-patch/upstream/),
#                       from Debian unstable's linux-source-7.2, downloaded
#                       (never installed) through the private apt configuration
#                       of lab/common.sh's apt_unstable; when unstable cannot
#                       be reached, build/kernels/lab-7.2*.skip says why
#   KERNEL_PATCHES=0    lab-6.12 is built without the series (same as vanilla)
#   KERNEL_FLAVOR=debug lab-6.12-debug(-vanilla): lab.config + debug.config
#                       (lockdep, KASAN), for make test-debug
#   KERNEL_ARCH=arm64   lab-6.12-arm64(-vanilla) for the arm64 machine (QEMU's
#                       virt board, SMMUv3): lab.config with arm64.config,
#                       cross-built with Debian's gcc-aarch64-linux-gnu
#
# The patched tree starts as a copy of the built vanilla tree (timestamps kept),
# so make rebuilds only what the series touches. Results are linked from
# build/kernels/<name> for the lab runner.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"

# Bump when the way a kernel is built changes in a way that alters its output.
RECIPE=1
snap=$(mktemp -d)
trap 'rm -rf "$snap"' EXIT
fragments=("$top/lab/kernel/lab.config")
sfx= arch=x86 image=arch/x86/boot/bzImage cross=() cc=gcc ld=ld
case "${KERNEL_ARCH:-x86}" in
x86) ;;
arm64)
	# lab.config without the options arm64.config names, then arm64.config
	awk 'NR == FNR { if (match($0, /CONFIG_[A-Za-z0-9_]+/))
			named[substr($0, RSTART, RLENGTH)] = 1; next }
	     !(match($0, /CONFIG_[A-Za-z0-9_]+/) && substr($0, RSTART, RLENGTH) in named)' \
		"$top/lab/kernel/arm64.config" "$top/lab/kernel/lab.config" >"$snap/lab-arm64.config"
	fragments=("$snap/lab-arm64.config" "$top/lab/kernel/arm64.config")
	sfx=-arm64 arch=arm64 image=arch/arm64/boot/Image
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	cc=aarch64-linux-gnu-gcc ld=aarch64-linux-gnu-ld
	command -v $cc >/dev/null || die "kernel: $cc is missing (run 'make deps')"
	;;
*) die "kernel: unknown KERNEL_ARCH '$KERNEL_ARCH' (x86 or arm64)" ;;
esac
case "${KERNEL_FLAVOR:-}" in
'') ;;
debug) fragments+=("$top/lab/kernel/debug.config"); sfx+=-debug ;;
*) die "kernel: unknown KERNEL_FLAVOR '$KERNEL_FLAVOR' (debug or none)" ;;
esac
want=${1:-all}
case "${KERNEL_SOURCE:-6.12}" in
6.12)
	series=6.12 patchdir=$top/kernel-patch/6.12 srcpkg=linux-source-6.12
	tarball=/usr/src/linux-source-6.12.tar.xz
	[ -r "$tarball" ] || die "kernel: $tarball is missing (run 'make deps')"
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	;;
7.2)
	if [ "$arch" != x86 ] || [ -n "${KERNEL_FLAVOR:-}" ]; then
		die "kernel: KERNEL_SOURCE=7.2 is built for x86 without a flavor only"
	fi
	series=7.2 patchdir=$top/kernel-patch/upstream srcpkg=linux-source-7.2
	mkdir -p "$top/build/kernels"
	if ! out=$("$top/lab/kernel/fetch-source.sh" "$srcpkg"); then
		progress "kernel: SKIP lab-7.2, lab-7.2-vanilla: $out"
		for n in lab-7.2 lab-7.2-vanilla; do
			echo "$out" >"$top/build/kernels/$n.skip"
			rm -f "$top/build/kernels/$n" "$top/build/kernels/$n.tree"
		done
		exit 0
	fi
	read -r tarball srcver <<<"$out"
	rm -f "$top/build/kernels/lab-7.2.skip" "$top/build/kernels/lab-7.2-vanilla.skip"
	;;
*) die "kernel: unknown KERNEL_SOURCE '$KERNEL_SOURCE' (6.12 or 7.2)" ;;
esac

series_patches() {
	[ "${KERNEL_PATCHES:-1}" = 0 ] && return 0
	find "$patchdir" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
		! -name '0000-*' 2>/dev/null | sort
}

toolver="$($cc -dumpfullversion) $(pahole --version) $($ld --version | head -1)"
# x86's key reads as it did before arm64 (its cached builds stay valid)
archkey=
[ "$arch" = x86 ] || archkey="arch $arch"
# 6.12's key reads as it did before 7.2 (its cached builds stay valid)
srckey=
[ "$series" = 6.12 ] || srckey="package $srcpkg"
vkey=$( { echo "recipe $RECIPE"; echo "source $srcver"; echo "tools $toolver";
	  [ -z "$srckey" ] || echo "$srckey";
	  [ -z "$archkey" ] || echo "$archkey";
	  cat "${fragments[@]}"; } | sha256sum | cut -c1-16)
# The patches as they are now: the key and the build must see the same text,
# even if kernel-patch/ changes while a build runs.
mapfile -t patches < <(series_patches)
for p in "${patches[@]}"; do cp "$p" "$snap/"; done
mapfile -t patches < <(find "$snap" -name '*.patch' | sort)
if [ ${#patches[@]} -gt 0 ]; then
	pkey=$( { echo "$vkey"; cat "${patches[@]}"; } | sha256sum | cut -c1-16)
else
	pkey=$vkey
fi

cache=$(atstrace_cache)/kernel
mkdir -p "$cache" "$top/build/kernels"
exec 9>"$cache/.lock"
flock 9

# Copy the build products the lab needs into out/ (an atomic rename makes the
# cache entry appear only once it is complete).
install_products() { # tree key name
	local tree=$1 key=$2 out=$cache/out-$2
	if [ ! -d "$out" ]; then
		rm -rf "$out.tmp" && mkdir -p "$out.tmp"
		cp "$tree/$image" "$tree/.config" "$tree/System.map" \
			"$out.tmp/"
		printf '{"name":"%s","arch":"%s","key":"%s","source":"%s %s","patches":%d}\n' \
			"$3" "$arch" "$key" "$srcpkg" "$srcver" "$4" >"$out.tmp/info.json"
		mv "$out.tmp" "$out"
	fi
	# what an out-of-tree module build needs (the lab's test module)
	[ -f "$tree/scripts/module.lds" ] ||
		make -C "$tree" "${cross[@]}" modules_prepare >/dev/null 2>&1 ||
		die "kernel: make modules_prepare failed in $tree"
	touch "$out" "$tree"
	ln -sfn "$out" "$top/build/kernels/$3"
	ln -sfn "$tree" "$top/build/kernels/$3.tree"
}

# make with progress: one line every 30 s with the number of objects built.
run_make() { # tree log
	local tree=$1 log=$2 start=$SECONDS last=$SECONDS pid
	make -C "$tree" "${cross[@]}" -j"$(nproc)" "$(basename "$image")" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 2
		if (( SECONDS - last >= 30 )); then
			last=$SECONDS
			progress "kernel: $(grep -c '^  CC ' "$log" || true) files compiled," \
				"$((SECONDS - start)) s (log: $log)"
		fi
	done
	if ! wait "$pid"; then
		tail -n 30 "$log" >&2
		die "kernel: build failed, see $log"
	fi
	progress "kernel: built in $((SECONDS - start)) s"
}

build_vanilla() {
	local tree=$cache/tree-$vkey
	if [ -f "$tree/.atstrace-done" ]; then
		progress "kernel: lab-$series$sfx-vanilla cached ($vkey)"
	else
		progress "kernel: building lab-$series$sfx-vanilla ($vkey) from $srcpkg $srcver;" \
			"cold build takes ~12 min on 2 cores"
		rm -rf "$tree" && mkdir -p "$tree"
		progress "kernel: unpacking $tarball"
		tar -xJf "$tarball" -C "$tree" --strip-components=1
		make -C "$tree" "${cross[@]}" allnoconfig >/dev/null
		(cd "$tree" && env "${cross[@]}" scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null)
		make -C "$tree" "${cross[@]}" olddefconfig >/dev/null
		check_fragment "$tree/.config"
		run_make "$tree" "$cache/build-$vkey.log"
		touch "$tree/.atstrace-done"
	fi
	install_products "$tree" "$vkey" "lab-$series$sfx-vanilla" 0
}

# Every option the fragment sets must survive olddefconfig, or the lab is not
# the machine we think it is.
check_fragment() {
	local cfg=$1 line bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		grep -qx "$line" "$cfg" || { echo "kernel: fragment option lost: $line" >&2; bad=1; }
	done < <(cat "${fragments[@]}")
	[ $bad = 0 ] || die "kernel: config fragment does not apply cleanly"
}

build_patched() {
	local tree=$cache/tree-$pkey base=$cache/tree-$vkey p
	if [ "$pkey" = "$vkey" ]; then
		progress "kernel: no patches in ${patchdir#"$top"/} (or KERNEL_PATCHES=0):" \
			"lab-$series$sfx is the vanilla build"
		install_products "$base" "$vkey" "lab-$series$sfx" 0
		return
	fi
	if [ -f "$tree/.atstrace-done" ]; then
		progress "kernel: lab-$series$sfx cached ($pkey, ${#patches[@]} patches)"
	else
		progress "kernel: building lab-$series$sfx ($pkey): ${#patches[@]} patches on the vanilla objects"
		rm -rf "$tree"
		cp -a "$base" "$tree"
		rm -f "$tree/.atstrace-done"
		for p in "${patches[@]}"; do
			patch -d "$tree" -p1 --quiet --forward <"$p" ||
				die "kernel: $(basename "$p") does not apply"
		done
		make -C "$tree" "${cross[@]}" olddefconfig >/dev/null
		run_make "$tree" "$cache/build-$pkey.log"
		touch "$tree/.atstrace-done"
	fi
	install_products "$tree" "$pkey" "lab-$series$sfx" ${#patches[@]}
}

# Builds of other inputs (older fragments or series) left for two days
# unused are removed: each tree is ~3 GB.
prune_cache() {
	local d key
	for d in "$cache"/tree-* "$cache"/out-*; do
		[ -e "$d" ] || continue
		key=${d##*-}
		[ "$key" = "$vkey" ] || [ "$key" = "$pkey" ] && continue
		if [ -z "$(find "$d" -maxdepth 0 -mtime -2)" ]; then
			progress "kernel: removing the unused cache entry $(basename "$d")"
			rm -rf "$d" "$cache/build-$key.log"
		fi
	done
}

case "$want" in
all) build_vanilla; build_patched; prune_cache ;;
vanilla) build_vanilla ;;
*) die "kernel: unknown target '$want' (all or vanilla)" ;;
esac
