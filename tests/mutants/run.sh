#!/bin/bash
# Seeded bugs: does the suite kill them? (make mutants; make test runs --check)
#
#   run.sh [NAME...]   build each mutant (all when none named), run what its
#                      patch lists under "Run:", print the table
#                      (build/results/mutants.md and .json)
#   run.sh --check     every mutant still applies and its changed files
#                      still compile (cheap: no kernel is linked, no VM)
#
# A mutant is a patch with a header: "What:" (what a real author could have
# got wrong) and one "Run:" line per attempt to kill it, tried in order until
# one does: "unit" (the host's unit tests) or "SCENARIO MACHINE KERNEL[:EXPECT]"
# as in scenarios/e2e.list. A run kills the mutant when its verdict is fail
# (the first failing checks are named); a mutant no run kills SURVIVED.
#  - tests/mutants/series/*.patch apply on top of kernel-patch/6.12/ (the cached
#    lab-6.12 or lab-6.12-arm64 tree): each is built in a scratch copy of
#    that tree (one copy per tree, kept in the cache; only what the mutant
#    touches is rebuilt, then the patch is reversed) and booted as the
#    kernel "mutant-NAME";
#  - tests/mutants/atstrace/*.patch apply to this repository: each is built
#    in a copy of the repository's files, whose lab runs the mutated tools.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
cd "$top" || exit 2

mdir=$top/tests/mutants
results=$top/build/results
check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi

# the header's fields of a mutant
what_of() { sed -n 's/^What: //p;/^---/q' "$1" | head -1; }
runs_of() { sed -n 's/^Run: //p;/^---/q' "$1"; }
# the kernel a series mutant boots on: its first kernel run's (lab-6.12 by default)
base_of() {
	local k
	k=$(runs_of "$1" | awk '$1 != "unit" { sub(/:.*/, "", $3); print $3; exit }')
	echo "${k:-lab-6.12}"
}
files_of() { sed -n 's|^+++ b/||p' "$1"; }

mutants=()
if [ $# -gt 0 ]; then
	for n in "$@"; do
		f=$(ls "$mdir"/series/"$n".patch "$mdir"/atstrace/"$n".patch 2>/dev/null | head -1)
		[ -n "$f" ] || die "mutants: no mutant '$n'"
		mutants+=("$f")
	done
else
	mapfile -t mutants < <(ls "$mdir"/series/*.patch "$mdir"/atstrace/*.patch)
fi

# A copy of the repository's files as they are now (tracked and new, not
# ignored), with this checkout's kernels, modules and caches linked in.
repo_copy() { # DIR
	local d=$1
	rm -rf "$d" && mkdir -p "$d/build"
	git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$d" 2>/dev/null
	for x in kernels modules; do
		[ ! -e "$top/build/$x" ] || ln -s "$top/build/$x" "$d/build/$x"
	done
}

# --check, series: the mutant applies to its tree and each file it changes
# compiles with the tree's own command for that object (from its .cmd file),
# into a temporary object; the tree is not touched.
check_series() { # PATCH
	local p=$1 k tree tmp f obj cmd rc=0
	k=$(base_of "$p")
	tree=$top/build/kernels/$k.tree
	[ -d "$tree" ] || { echo "  no tree for $k (make kernel)"; return 1; }
	tmp=$(mktemp -d)
	mkdir -p "$tmp/src"
	for f in $(files_of "$p"); do mkdir -p "$tmp/src/$(dirname "$f")"; cp "$tree/$f" "$tmp/src/$f"; done
	if ! patch -d "$tmp/src" -p1 --quiet --forward --fuzz=0 <"$p" >"$tmp/patch.log" 2>&1; then
		echo "  does not apply on $k: $(head -1 "$tmp/patch.log")"
		rm -rf "$tmp"
		return 1
	fi
	for f in $(files_of "$p"); do
		case $f in *.c) ;; *) continue ;; esac
		obj=${f%.c}.o
		cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$tree/$(dirname "$obj")/.$(basename "$obj").cmd" | sed 's/[[:space:]]*$//')
		[ -n "$cmd" ] || { echo "  no build command for $obj in $k"; rc=1; continue; }
		# the same command, on the mutated copy, with no dependency file
		cmd=${cmd//-Wp,-MMD,$(dirname "$obj")\/.$(basename "$obj").d/}
		cmd=${cmd/ -o $obj / -o $tmp/out.o }
		cmd="${cmd% $f} -I$(dirname "$f") $tmp/src/$f"
		if ! (cd "$tree" && eval "$cmd") >"$tmp/cc.log" 2>&1; then
			echo "  $f does not compile on $k:"
			grep -m3 -E 'error' "$tmp/cc.log" | sed 's/^/    /'
			rc=1
		fi
	done
	rm -rf "$tmp"
	return $rc
}

# --check, atstrace: the mutant applies to the repository and the tools build
check_atstrace() { # PATCH
	local p=$1 d rc=0
	d=$(mktemp -d)
	repo_copy "$d"
	if ! patch -d "$d" -p1 --quiet --forward --fuzz=0 <"$p" >"$d/patch.log" 2>&1; then
		echo "  does not apply: $(head -1 "$d/patch.log")"
		rc=1
	elif ! make -C "$d" -s tools >"$d/build.log" 2>&1; then
		echo "  does not build:"
		grep -m3 error "$d/build.log" | sed 's/^/    /'
		rc=1
	fi
	rm -rf "$d"
	return $rc
}

if [ $check = 1 ]; then
	ok=0 bad=0
	for p in "${mutants[@]}"; do
		n=$(basename "$p" .patch)
		if [ -z "$(what_of "$p")" ]; then
			echo "mutant $n: no What: line"
			bad=$((bad + 1))
			continue
		fi
		case $p in
		*/series/*) check_series "$p" ;;
		*) check_atstrace "$p" ;;
		esac
		if [ $? = 0 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); echo "mutant $n: FAILED"; fi
	done
	echo "mutants: $ok apply and build, $bad do not"
	[ $bad = 0 ]
	exit
fi

# ----------------------------------------------------------------- full run

# One scratch copy per base tree, in the cache; a mutant left applied by an
# interrupted run is reversed first.
scratch_tree() { # KERNEL -> path
	local k=$1 src key dir
	src=$(readlink -f "$top/build/kernels/$k.tree")
	key=${src##*/tree-}
	dir=$(atstrace_cache)/mutants/tree-$key
	if [ ! -f "$dir/.atstrace-scratch" ]; then
		progress "mutants: copying the $k tree for mutants (once: ~3 GB)" >&2
		rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
		cp -a "$src" "$dir" && touch "$dir/.atstrace-scratch" || die "mutants: cannot copy $src"
	fi
	if [ -s "$dir/.mutant" ]; then
		patch -d "$dir" -p1 -R --quiet <"$dir/.mutant" >/dev/null 2>&1 ||
			die "mutants: cannot reverse the mutant left in $dir"
		: >"$dir/.mutant"
	fi
	echo "$dir"
}

# build a series mutant into build/kernels/mutant-NAME
build_series() { # PATCH NAME
	local p=$1 n=$2 k tree arch image cross=() kd
	k=$(base_of "$p")
	tree=$(scratch_tree "$k") || return 1
	arch=x86 image=arch/x86/boot/bzImage
	if grep -qx 'CONFIG_ARM64=y' "$tree/.config"; then
		arch=arm64 image=arch/arm64/boot/Image
		cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	fi
	# all or nothing: a patch that half applies would stay in the scratch tree
	patch -d "$tree" -p1 --quiet --forward --fuzz=0 --dry-run <"$p" >/dev/null 2>&1 || return 2
	patch -d "$tree" -p1 --quiet --forward --fuzz=0 <"$p" || return 2
	cp "$p" "$tree/.mutant"
	make -C "$tree" "${cross[@]}" -j"$(nproc)" "$(basename "$image")" >"$work/$n/build.log" 2>&1
	local rc=$?
	kd=$top/build/kernels/mutant-$n
	rm -rf "$kd" && mkdir -p "$kd"
	if [ $rc = 0 ]; then
		cp "$tree/$image" "$tree/.config" "$tree/System.map" "$kd/"
		printf '{"name":"mutant-%s","arch":"%s","mutant_of":"%s"}\n' "$n" "$arch" "$k" >"$kd/info.json"
		# the base kernel's test modules (same version and configuration)
		rm -rf "$top/build/modules/mutant-$n"
		[ ! -d "$top/build/modules/$k" ] || cp -r "$top/build/modules/$k" "$top/build/modules/mutant-$n"
		rm -f "$top/build/lab/initramfs-mutant-$n.cpio.gz"
	fi
	patch -d "$tree" -p1 -R --quiet <"$p" >/dev/null && : >"$tree/.mutant"
	return $rc
}

# the first failing checks of a verdict, for the table
killers() { jq -r '[.checks[]? | select(.ok == false) | .name] | .[:2] | join("; ")' "$1" 2>/dev/null; }

work=$results/mutants
rm -rf "$work" && mkdir -p "$work"
: >"$results/mutants.ndjson"
t0=$SECONDS
for p in "${mutants[@]}"; do
	n=$(basename "$p" .patch)
	kind=atstrace
	case $p in */series/*) kind=series ;; esac
	mkdir -p "$work/$n"
	progress "mutants: $n ($kind): $(what_of "$p")"
	start=$SECONDS killed= by= status=
	repo=$top
	if [ $kind = series ]; then
		build_series "$p" "$n"
		case $? in
		0) ;;
		2) status="does not apply" ;;
		*) status="does not build" ;;
		esac
	else
		repo=$work/$n/repo
		repo_copy "$repo"
		if ! patch -d "$repo" -p1 --quiet --forward --fuzz=0 <"$p" >"$work/$n/patch.log" 2>&1; then
			status="does not apply"
		elif ! make -C "$repo" -s all >"$work/$n/build.log" 2>&1; then
			status="does not build"
		fi
	fi
	while [ -z "$status" ] && IFS= read -r run; do
		[ -n "$run" ] || continue
		if [ "$run" = unit ]; then
			make -C "$repo" -s tests >/dev/null 2>&1
			# the host's test binaries (not their .d dependency files)
			if ! (cd "$repo" && find build/tests -maxdepth 1 -type f -name 'test_*' ! -name '*.d' -print0 |
				xargs -0 tests/run-unit-tests.sh) >"$work/$n/unit.log" 2>&1; then
				killed=unit
				by=$(grep -m2 -E '\[  FAILED  \] [a-z_]|exited' "$work/$n/unit.log" | sed 's/.*FAILED  \] //' | paste -sd';' -)
				break
			fi
			continue
		fi
		read -r scenario machine spec <<<"$run"
		k=${spec%%:*} expect=
		[ "$spec" = "$k" ] || expect=${spec#*:}
		[ $kind = series ] && k=mutant-$n
		out=$work/$n/$scenario@$k
		"$repo/lab/run.sh" --machine "$machine" --expect "$expect" --out "$out" "$k" "$scenario" \
			>"$work/$n/$scenario.log" 2>&1
		v=$(jq -r '.verdict // empty' "$out/verdict.json" 2>/dev/null)
		if [ "$v" = fail ]; then
			killed="$scenario@${spec%%:*}${expect:+:$expect}"
			by=$(killers "$out/verdict.json")
			[ -n "$by" ] || by=$(jq -r '.reason' "$out/verdict.json")
			break
		elif [ "$v" != pass ]; then
			status="run failed to judge: $scenario ($(tail -1 "$work/$n/$scenario.log"))"
		fi
	done < <(runs_of "$p")
	[ -n "$status" ] || status=$([ -n "$killed" ] && echo killed || echo SURVIVED)
	[ $kind = series ] && rm -rf "$top/build/kernels/mutant-$n" "$top/build/modules/mutant-$n" \
		"$top/build/lab/initramfs-mutant-$n.cpio.gz"
	[ $kind = series ] || rm -rf "$repo"
	progress "mutants: $n: $status${killed:+ by $killed}${by:+ ($by)}, $((SECONDS - start)) s"
	jq -cn --arg n "$n" --arg k "$kind" --arg w "$(what_of "$p")" --arg s "$status" \
		--arg by "$killed" --arg checks "$by" --argjson secs $((SECONDS - start)) \
		'{mutant: $n, kind: $k, what: $w, status: $s, killed_by: $by, checks: $checks, seconds: $secs}' \
		>>"$results/mutants.ndjson"
done

{
	echo "Mutants of $(date -u +%Y-%m-%d) at $(git rev-parse --short HEAD), $((SECONDS - t0)) s:"
	echo
	echo "| mutant | what it gets wrong | result | killed by (run: first failing checks) |"
	echo "|---|---|---|---|"
	jq -r '"| \(.kind)/\(.mutant) | \(.what) | \(.status) | \(if .killed_by != "" then "\(.killed_by): \(.checks)" else "" end) |"' \
		"$results/mutants.ndjson"
} | tee "$results/mutants.md"
jq -s '{date: (now | todate), mutants: .}' "$results/mutants.ndjson" >"$results/mutants.json"
survived=$(jq -s 'map(select(.status != "killed")) | length' "$results/mutants.ndjson")
echo "mutants: $(jq -s 'map(select(.status == "killed")) | length' "$results/mutants.ndjson") killed, $survived not"
