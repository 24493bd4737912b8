#!/bin/bash
# Checks the two series of kernel-patch/ the way a maintainer receives them:
#   6.12      kernel-patch/6.12/, onto Debian's linux-source-6.12
#   upstream  kernel-patch/upstream/, onto Debian unstable's linux-source-7.2
# For each:
#  1. git am of every patch onto a git tree of its source (the cover letter
#     is skipped, as git am does);
#  2. scripts/checkpatch.pl --strict --no-signoff on every patch: no error,
#     warning or check. The tree has no history, so checkpatch cannot look
#     commit ids up (UNKNOWN_COMMIT_ID is ignored for that reason only):
#     check-commit-refs.py checks every cited upstream commit, id and
#     subject, against kernel-patch/upstream-commits instead;
#  3. scripts/kernel-doc -Wall on every C file the series changes: no more
#     warnings after the series than before it;
#  4. the lab kernel builds after every patch (incrementally, from a copy of
#     the built vanilla tree), without a compiler warning; patches touching
#     drivers/iommu or iommu.h are also compiled for arm64 (defconfig,
#     drivers/iommu, SMMUv3 included) when aarch64-linux-gnu-gcc is there.
# Usage: check-series.sh [6.12|upstream]   (make series-check: both). Work
# space in the cache.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
work=$(atstrace_cache)/series-check
trap 'rm -rf "$work"' EXIT
fail=0
arm64=
command -v aarch64-linux-gnu-gcc >/dev/null && arm64=1
GIT=(git -c user.name=check -c user.email=check@localhost)

# check SERIES PATCHDIR TARBALL SOURCE VANILLA_TREE
check() {
	local series=$1 dir=$2 tarball=$3 source=$4 base=$5 p name t0 msg f before after
	local -a patches files
	mapfile -t patches < <(find "$dir" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
	[ ${#patches[@]} -gt 0 ] || die "series $series: no patches in ${dir#"$top"/}"
	[ -d "$base" ] || die "series $series: $base is missing (make series-check builds it)"
	rm -rf "$work" && mkdir -p "$work"

	progress "series $series: git am of ${#patches[@]} patches onto $source"
	mkdir "$work/git"
	tar -xJf "$tarball" -C "$work/git" --strip-components=1
	(cd "$work/git" && git init -q && git add -f -A . && "${GIT[@]}" commit -q -m base &&
		"${GIT[@]}" am -q "${patches[@]}") || die "series $series: git am failed"
	progress "series $series: git am applied all ${#patches[@]} patches"

	for p in "${patches[@]}"; do
		if ! out=$(cd "$work/git" && scripts/checkpatch.pl --strict --no-signoff -q \
				--ignore UNKNOWN_COMMIT_ID "$p" 2>&1) || [ -n "$out" ]; then
			echo "$out" >&2
			echo "series $series: checkpatch: $(basename "$p") is not clean" >&2
			fail=1
		fi
	done
	[ $fail = 0 ] && progress "series $series: checkpatch --strict --no-signoff clean on every patch"
	if out=$("$top/lab/kernel/check-commit-refs.py" "$top/kernel-patch/upstream-commits" "${patches[@]}"); then
		progress "series $series: $out"
	else
		echo "$out" >&2
		fail=1
	fi

	mapfile -t files < <(cd "$work/git" && git diff --name-only HEAD~${#patches[@]} HEAD -- '*.c' '*.h')
	for f in "${files[@]}"; do
		before=$(cd "$work/git" && git show "HEAD~${#patches[@]}:$f" >"$work/before.c" 2>/dev/null &&
			scripts/kernel-doc -none -Wall "$work/before.c" 2>&1 | wc -l) || before=0
		after=$(cd "$work/git" && scripts/kernel-doc -none -Wall "$f" 2>&1 | wc -l)
		if [ "$after" -gt "$before" ]; then
			(cd "$work/git" && scripts/kernel-doc -none -Wall "$f") >&2 || true
			echo "series $series: kernel-doc: $f has $after warnings, $before before the series" >&2
			fail=1
		fi
	done
	progress "series $series: kernel-doc checked on ${#files[@]} files the series changes"

	if [ -n "$arm64" ]; then
		mkdir "$work/arm64-src" "$work/arm64"
		tar -xJf "$tarball" -C "$work/arm64-src" --strip-components=1
		make -s -C "$work/arm64-src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- O="$work/arm64" defconfig >/dev/null
	else
		progress "series $series: aarch64-linux-gnu-gcc missing: SMMUv3 not compiled"
	fi

	cp -a "$(readlink -f "$base")" "$work/x86"
	for p in "${patches[@]}"; do
		name=$(basename "$p")
		patch -d "$work/x86" -p1 --quiet <"$p" || die "series $series: $name does not apply"
		t0=$SECONDS
		if ! make -C "$work/x86" -j"$(nproc)" bzImage >"$work/build.log" 2>&1; then
			tail -20 "$work/build.log" >&2
			die "series $series: the lab kernel does not build with $name"
		fi
		if grep -E '(warning|error):' "$work/build.log" >&2; then
			echo "series $series: compiler warnings with $name" >&2
			fail=1
		fi
		msg="series $series: $name builds (x86 lab config, $((SECONDS - t0)) s"
		if [ -n "$arm64" ]; then
			patch -d "$work/arm64-src" -p1 --quiet <"$p" ||
				die "series $series: $name does not apply (arm64 tree)"
			if grep -qE '^\+\+\+ b/(drivers/iommu/|include/linux/iommu.h)' "$p"; then
				if ! make -C "$work/arm64-src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- O="$work/arm64" \
					-j"$(nproc)" drivers/iommu/ >"$work/arm64.log" 2>&1; then
					tail -20 "$work/arm64.log" >&2
					die "series $series: drivers/iommu does not build for arm64 with $name"
				fi
				grep -E '(warning|error):' "$work/arm64.log" >&2 &&
					{ echo "series $series: arm64 warnings with $name" >&2; fail=1; }
				msg+=", drivers/iommu for arm64 incl. SMMUv3"
			fi
		fi
		progress "$msg)"
	done
}

want=${1:-all}
case "$want" in all | 6.12 | upstream) ;; *) die "usage: check-series.sh [6.12|upstream]" ;; esac
case "$want" in
all | 6.12)
	check 6.12 "$top/kernel-patch/6.12" /usr/src/linux-source-6.12.tar.xz \
		"linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)" \
		"$top/build/kernels/lab-6.12-vanilla.tree"
	;;&
all | upstream)
	out=$("$top/lab/kernel/fetch-source.sh" linux-source-7.2) || die "series upstream: $out"
	read -r tarball ver <<<"$out"
	check upstream "$top/kernel-patch/upstream" "$tarball" "linux-source-7.2 $ver" \
		"$top/build/kernels/lab-7.2-vanilla.tree"
	;;
esac
[ $fail = 0 ] || die "series: not clean"
progress "series: all checks passed"
