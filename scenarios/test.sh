#!/bin/bash
# make test: the unit tests, then every scenario of scenarios/e2e.list on its
# kernels in the lab. Writes build/results/e2e.json and ends with the line
# "N passed, N failed, N skipped" (unit tests and scenarios together).
#
#   test.sh --debug   make test-debug: the series' scenarios of
#                     scenarios/e2e-debug.list on the lockdep + KASAN build
#                     (KERNEL_FLAVOR=debug); writes build/results/e2e-debug.json
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
cd "$top" || exit 2

results=build/results
mkdir -p "$results"
ALL_KERNELS="lab-6.12 lab-6.12-vanilla debian-6.12 debian-upstream lab-7.2"
list=scenarios/e2e.list name=e2e
if [ "${1:-}" = --debug ]; then
	list=scenarios/e2e-debug.list name=e2e-debug
	export KERNEL_FLAVOR=debug
fi
unit_pass=0 unit_fail=0
e2e_pass=0 e2e_fail=0 e2e_skip=0
t0=$SECONDS

finish() {
	local extra_fail=${1:-0}
	progress "test: done in $((SECONDS - t0)) s"
	echo "$((unit_pass + e2e_pass)) passed, $((unit_fail + e2e_fail + extra_fail)) failed, $e2e_skip skipped"
	[ $((unit_fail + e2e_fail + extra_fail)) -eq 0 ]
	exit $?
}

progress "test: unit tests"
make -s check 2>&1 | tee "$results/unit.log"
[ $name = e2e ] || progress "test: debug kernels (cached: seconds; cold: ~25 min on 2 cores)"
line=$(grep '^unit: ' "$results/unit.log" | tail -1)
unit_pass=$(echo "$line" | sed -n 's/^unit: \([0-9]*\) passed.*/\1/p')
unit_fail=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
unit_skip=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
unit_pass=${unit_pass:-0}
e2e_skip=$((e2e_skip + ${unit_skip:-0}))
[ -n "$line" ] || unit_fail=1
# contrib/systemd's units through systemd-analyze verify: one test
if grep -q '^systemd units: [1-9][0-9]* verified, 0 with complaints$' "$results/unit.log"; then
	unit_pass=$((unit_pass + 1))
else
	unit_fail=$((unit_fail + 1))
fi

# the arm64 builds start and answer like the host's: one test
if grep -q '^arm64 binaries: [1-9][0-9]* agree, 0 differ$' "$results/unit.log"; then
	unit_pass=$((unit_pass + 1))
else
	unit_fail=$((unit_fail + 1))
fi

# Every program the lab's scripts call comes from a package make deps
# installs (or every Debian system has): a fresh machine runs them all.
progress "test: the lab's commands resolve through make deps"
if lab/check-commands.sh >"$results/commands.log" 2>&1; then
	unit_pass=$((unit_pass + 1))
else
	unit_fail=$((unit_fail + 1))
	grep -E '^MISSING|error' "$results/commands.log" >&2
fi
tail -1 "$results/commands.log"

progress "test: building the tools"
make -s all || { echo "error: build failed" >&2; finish 1; }
progress "test: lab kernels (cached: seconds; cold: ~15 min on 2 cores, ~12 more for arm64)"
lab/kernel/build.sh || { echo "error: kernel build failed" >&2; finish 1; }
KERNEL_ARCH=arm64 lab/kernel/build.sh || { echo "error: arm64 kernel build failed" >&2; finish 1; }
if [ $name = e2e ]; then
	progress "test: lab-7.2 kernels (cached: seconds; cold: ~15 min more)"
	KERNEL_SOURCE=7.2 lab/kernel/build.sh || { echo "error: lab-7.2 kernel build failed" >&2; finish 1; }
fi
if [ $name = e2e-debug ]; then
	for k in lab-6.12-debug lab-6.12-arm64-debug; do
		lab/initramfs.sh $k >/dev/null &&
			lab/build-module.sh $k scenarios/reset-nesting/atsnest.c ||
			{ echo "error: debug lab set-up failed ($k)" >&2; finish 1; }
	done
fi
progress "test: Debian kernels and initramfs images"
make -s lab || { echo "error: lab set-up failed" >&2; finish 1; }

# The seeded bugs of make mutants still apply and compile (no VM): one test
if [ $name = e2e ]; then
	progress "test: the seeded bugs (tests/mutants/) apply and compile"
	if tests/mutants/run.sh --check >"$results/mutants-check.log" 2>&1; then
		unit_pass=$((unit_pass + 1))
	else
		unit_fail=$((unit_fail + 1))
		grep -v '^mutants:' "$results/mutants-check.log" >&2
	fi
	tail -1 "$results/mutants-check.log"
fi

verdicts=$results/verdicts-$name.ndjson
: >"$verdicts"
while read -r scenario machine kernels; do
	case "$scenario" in '' | '#'*) continue ;; esac
	[ "$kernels" = all ] && kernels=$ALL_KERNELS
	for spec in $kernels; do
		k=${spec%%:*}
		expect=
		[ "$spec" != "$k" ] && expect=${spec#*:}
		out=$results/runs/$scenario@$k
		[ "$machine" = default ] || out=$out+$machine
		lab/run.sh --machine "$machine" --expect "$expect" --out "$out" "$k" "$scenario"
		rc=$?
		if [ -f "$out/verdict.json" ]; then
			jq -c . "$out/verdict.json" >>"$verdicts"
		else
			jq -cn --arg s "$scenario" --arg k "$k" --arg r "runner exited $rc without a verdict" \
				'{scenario: $s, kernel: $k, verdict: "fail", reason: $r, observed: {}, expected: {}}' \
				>>"$verdicts"
		fi
		case $rc in
		0) e2e_pass=$((e2e_pass + 1)) ;;
		77) e2e_skip=$((e2e_skip + 1)) ;;
		*) e2e_fail=$((e2e_fail + 1)) ;;
		esac
	done
done <"$list"

# A judge must be able to fail: each passing run whose kernel was expected
# to show one thing is judged again, from the same files, as if it had to
# show the opposite (flagged <-> clean, ...), and that verdict must be FAIL.
# It costs no boot; it catches a check that holds whatever the kernel did.
progress "test: judges can fail (passing runs judged against the opposite expectation)"
: >"$results/judges-can-fail.log"
while IFS=$'\t' read -r scenario dir expect; do
	case $expect in
	flagged) other=clean ;; clean) other=flagged ;;
	bracketed) other=unbracketed ;; unbracketed) other=bracketed ;;
	none) other=brackets ;; brackets) other=none ;;
	noats) other=ats ;;
	*) continue ;;
	esac
	v=$(lab/judge/judge.sh "$dir" "$scenario" "$other" 2>/dev/null | jq -r .verdict)
	echo "$scenario ${dir##*/} as $other: ${v:-no verdict}" >>"$results/judges-can-fail.log"
	if [ "$v" = fail ]; then
		unit_pass=$((unit_pass + 1))
	else
		unit_fail=$((unit_fail + 1))
		echo "FAILED judge: $scenario on ${dir##*/} passes as $other too" >&2
	fi
done < <(jq -r 'select(.verdict == "pass" and (.expect // "") != "") | [.scenario, .results, .expect] | @tsv' "$verdicts")

# what each kernel was (package, version, unstable's index date), from the
# lab's info.json files
kinfo=$(for k in build/kernels/*/info.json; do [ -r "$k" ] && cat "$k"; done | jq -sc 'map({(.name): .}) | add // {}')
jq -s --argjson up "$unit_pass" --argjson uf "$unit_fail" --argjson kernels "$kinfo" \
	'{summary: {passed: (map(select(.verdict == "pass")) | length),
	            failed: (map(select(.verdict == "fail")) | length),
	            skipped: (map(select(.verdict == "skip")) | length),
	            unit: {passed: $up, failed: $uf}},
	  kernels: $kernels, runs: .}' "$verdicts" >"$results/$name.json"

echo
printf '%-19s %-32s %-6s %5s  %s\n' SCENARIO KERNEL RESULT SECS REASON
jq -r '.runs[] | [.scenario,
	(.kernel + (if (.machine // "default") != "default" then " (\(.machine))" else "" end)),
	(.verdict | ascii_upcase), (.seconds // 0 | tostring), .reason] | @tsv' \
	"$results/$name.json" | while IFS=$'\t' read -r s k v secs r; do
	printf '%-19s %-32s %-6s %5s  %s\n' "$s" "$k" "$v" "$secs" "$r"
done
jq -r '.kernels | to_entries[] | "kernel \(.key): \(.value.package // .value.source // "?") \(.value.version // "")\(if .value.index_date then " (unstable index of \(.value.index_date))" else "" end)"' \
	"$results/$name.json"
echo "results: $results/$name.json"
# CI keeps only the tail of this output: name every failed run again here,
# with the end of its guest log, so the tail says what went wrong
jq -r '.runs[] | select(.verdict == "fail") |
	"\(.scenario)@\(.kernel)\(if (.machine // "default") != "default" then "+" + .machine else "" end)\t\(.reason)"' \
	"$results/$name.json" | while IFS=$'\t' read -r run r; do
	echo "FAILED $run: $r"
	for log in "$results/runs/$run/judge.err" "$results/runs/$run/console.log"; do
		[ -s "$log" ] || continue
		echo "    (end of $log)"
		tail -n 6 "$log" | cut -c1-200 | sed 's/^/    | /'
		break
	done
done
finish 0
