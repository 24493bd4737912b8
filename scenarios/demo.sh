#!/bin/bash
# make demo: the main job on the built-in lab. Builds what it needs, runs the
# VFIO FLR storm on an unpatched 6.12 and on the newest upstream kernel, and
# prints, side by side, how many device-TLB invalidations reached the device
# while it was being reset.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lab/common.sh
. "$top/lab/common.sh"
cd "$top" || exit 2

step() { progress "demo: $*"; }
t0=$SECONDS
step "1/4 building the tools"
make -s all || die "demo: step 1 (build) failed"
step "2/4 lab kernels (cached: seconds; cold: ~15 min on 2 cores)"
lab/kernel/build.sh || die "demo: step 2 (kernel build) failed"
step "3/4 Debian kernels and initramfs images"
make -s lab || die "demo: step 3 (lab set-up) failed"

kernels="lab-6.12-vanilla:flagged lab-6.12:clean debian-upstream:clean"
step "4/4 FLR storm with and without delay injection under atstrace --assert --hist, on: lab-6.12-vanilla lab-6.12 debian-upstream (~60 s each under TCG)"
for spec in $kernels; do
	k=${spec%%:*}
	lab/run.sh --expect "${spec#*:}" --out "build/results/demo/$k" "$k" inject-storm
	rc=$?
	[ $rc = 0 ] || [ $rc = 77 ] || die "demo: the lab run on $k failed (build/results/demo/$k/verdict.json)"
done

echo
echo "VFIO FLR storm: 8 s of DMA map/unmap (100/s) on 0000:01:00.0, ATS on, while another"
echo "thread resets it with VFIO_DEVICE_RESET; once as is, once with every ATC invalidation's"
echo "completion delayed 5 ms (atstrace --inject-delay 5ms), each under atstrace --assert --hist."
echo
printf '%-18s %-8s %-7s %6s %8s %9s %9s %8s  %s\n' KERNEL BRACKET DELAY RESETS ATC-INVS IN-WINDOW IN-FLIGHT DELAYED VERDICT
for spec in $kernels; do
	k=${spec%%:*}
	d=build/results/demo/$k
	if [ "$(jq -r .verdict "$d/verdict.json")" = skip ]; then
		printf '%-18s SKIP: %s\n' "$k" "$(jq -r .reason "$d/verdict.json")"
		continue
	fi
	for mode in base inject; do
		jq -r --arg k "$k" --arg m "$mode" '
			map(select(.type == "summary")) | .[0] as $s | ($s.devices[] | select(.device == "0000:01:00.0")) as $d |
			[$k, (if ($d.windows.bracket // 0) > 0 then "yes" else "no" end),
			 (if $m == "base" then "none" else "5 ms" end), ($d.windows | add),
			 $d.invalidations, $d.in_window, $d.in_flight_at_open, $s.injection.delayed,
			 "\($s.verdict) (exit \($s.exit_code))"] | @tsv' --slurp "$d/atstrace-$mode.ndjson" |
		while IFS=$'\t' read -r a b c e f g h i j; do
			printf '%-18s %-8s %-7s %6s %8s %9s %9s %8s  %s\n' "$a" "$b" "$c" "$e" "$f" "$g" "$h" "$i" "$j"
		done
	done
done
for spec in $kernels; do
	k=${spec%%:*}
	d=build/results/demo/$k
	[ -f "$d/atstrace-inject.ndjson" ] || continue
	for mode in base inject; do
		echo
		echo "$k, $( [ $mode = base ] && echo "no delay" || echo "5 ms delay"): ATC invalidation latency, submit to complete"
		jq -r 'select(.type == "hist" and .hist == "inv_latency" and .device == "0000:01:00.0") |
			(.buckets | map(.count) | max) as $max | .buckets[] |
			"  \(.low | tostring | (" " * (10 - length)) + .) -> \(.high | tostring | (" " * (10 - length)) + .) ns : \(.count | tostring | (" " * (6 - length)) + .) |\((.count * 40 / $max | floor) as $n | if $n > 0 then "*" * $n else "" end)"' \
			"$d/atstrace-$mode.ndjson"
	done
done
cat <<EOT

IN-WINDOW: ATC invalidations submitted while the device was inside its reset
window; IN-FLIGHT: submitted before the window opened and not complete when it
did. PCIe lets a device ignore invalidations while it resets: on real hardware
each of these risks an ATS invalidation timeout. On 6.12 nothing stops them,
and delaying completions (a slow device) leaves more of them in flight when a
reset starts. lab-6.12 is the same kernel with kernel-patch/6.12/ (our series),
and debian-upstream brackets resets too: pci_dev_reset_iommu_prepare() moves
the device to a blocked domain first, draining what is in flight: zero, with
or without delay.
Demo took $((SECONDS - t0)) s; full results in build/results/demo/.
EOT
