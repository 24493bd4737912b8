#!/bin/bash
# Checks the series in kernel-patch/ the way a maintainer receives it:
#  1. git am of every patch onto a git tree of Debian's linux-source-6.12
#     (the cover letter is skipped, as git am does);
#  2. scripts/checkpatch.pl --strict --no-signoff on every patch: no error,
#     warning or check;
#  3. the lab kernel builds after every patch (incrementally, from a copy of
#     the built vanilla tree); patches touching SMMUv3 are also compiled for
#     arm64 (defconfig, drivers/iommu) when aarch64-linux-gnu-gcc is there.
# Usage: check-series.sh   (make series-check). Work space in the cache.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
tarball=/usr/src/linux-source-6.12.tar.xz
mapfile -t patches < <(find "$top/kernel-patch" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || die "series: no patches in kernel-patch/"
[ -d "$top/build/kernels/lab-6.12-vanilla.tree" ] || die "series: run 'make kernel' first"
work=$(atstrace_cache)/series-check
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
fail=0

progress "series: git am of ${#patches[@]} patches onto linux-source-6.12"
mkdir "$work/git"
tar -xJf "$tarball" -C "$work/git" --strip-components=1
(cd "$work/git" && git init -q && git add -f -A . && git -c user.name=check -c user.email=check@localhost \
	commit -q -m base && git -c user.name=check -c user.email=check@localhost am -q "${patches[@]}") ||
	die "series: git am failed"
progress "series: git am applied all ${#patches[@]} patches"

for p in "${patches[@]}"; do
	if ! out=$("$work/git/scripts/checkpatch.pl" --strict --no-signoff -q "$p" 2>&1); then
		echo "$out" >&2
		echo "series: checkpatch: $(basename "$p") is not clean" >&2
		fail=1
	elif [ -n "$out" ]; then
		echo "$out" >&2
		echo "series: checkpatch: $(basename "$p") has checks" >&2
		fail=1
	fi
done
[ $fail = 0 ] && progress "series: checkpatch --strict --no-signoff clean on every patch"

arm64=
command -v aarch64-linux-gnu-gcc >/dev/null && arm64=1
if [ -n "$arm64" ]; then
	mkdir "$work/arm64-src" "$work/arm64"
	tar -xJf "$tarball" -C "$work/arm64-src" --strip-components=1
	make -s -C "$work/arm64-src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- O="$work/arm64" defconfig >/dev/null
else
	progress "series: aarch64-linux-gnu-gcc missing: SMMUv3 not compiled"
fi

cp -a "$(readlink -f "$top/build/kernels/lab-6.12-vanilla.tree")" "$work/x86"
for p in "${patches[@]}"; do
	name=$(basename "$p")
	patch -d "$work/x86" -p1 --quiet <"$p" || { echo "series: $name does not apply" >&2; exit 1; }
	t0=$SECONDS
	if ! make -C "$work/x86" -j"$(nproc)" bzImage >"$work/build.log" 2>&1; then
		tail -20 "$work/build.log" >&2
		echo "series: the lab kernel does not build with $name" >&2
		exit 1
	fi
	if grep -E '(warning|error):' "$work/build.log" >&2; then
		echo "series: compiler warnings with $name" >&2
		fail=1
	fi
	msg="series: $name builds (x86 lab config, $((SECONDS - t0)) s"
	if [ -n "$arm64" ]; then
		patch -d "$work/arm64-src" -p1 --quiet <"$p" || { echo "series: $name does not apply (arm64 tree)" >&2; exit 1; }
		if grep -qE '^\+\+\+ b/(drivers/iommu/|include/linux/iommu.h)' "$p"; then
			if ! make -C "$work/arm64-src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- O="$work/arm64" \
				-j"$(nproc)" drivers/iommu/ >"$work/arm64.log" 2>&1; then
				tail -20 "$work/arm64.log" >&2
				echo "series: drivers/iommu does not build for arm64 with $name" >&2
				exit 1
			fi
			grep -E '(warning|error):' "$work/arm64.log" >&2 && { echo "series: arm64 warnings with $name" >&2; fail=1; }
			msg+=", drivers/iommu for arm64 incl. SMMUv3"
		fi
	fi
	msg+=")"
	progress "$msg"
done
[ $fail = 0 ] || die "series: not clean"
progress "series: all checks passed"
