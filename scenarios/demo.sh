#!/bin/bash
# make demo: the main job on the built-in lab. Builds what it needs, runs the
# VFIO FLR storm on an unpatched 6.12 and on the newest upstream kernel, and
# prints, side by side, how many device-TLB invalidations reached the device
# while it was being reset.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scenarios/lib/common.sh
. "$top/scenarios/lib/common.sh"
cd "$top" || exit 2

step() { progress "demo: $*"; }
t0=$SECONDS
step "1/4 building the tools"
make -s all || die "demo: step 1 (build) failed"
step "2/4 lab kernels (cached: seconds; cold: ~15 min on 2 cores)"
scenarios/kernel/build.sh || die "demo: step 2 (kernel build) failed"
step "3/4 Debian kernels and initramfs images"
make -s lab || die "demo: step 3 (lab set-up) failed"

kernels="lab-6.12-vanilla:flagged debian-6.12:flagged debian-upstream:clean"
step "4/4 FLR storm under atstrace --assert on: lab-6.12-vanilla debian-6.12 debian-upstream (~40 s each under TCG)"
for spec in $kernels; do
	k=${spec%%:*}
	scenarios/lab/run.sh --expect "${spec#*:}" --out "build/results/demo/$k" "$k" flr-storm
	rc=$?
	[ $rc = 0 ] || [ $rc = 77 ] || die "demo: the lab run on $k failed (build/results/demo/$k/verdict.json)"
done

echo
echo "VFIO FLR storm: 3 s of DMA map/unmap on 0000:01:00.0 (ATS on) while another"
echo "thread resets it with VFIO_DEVICE_RESET, under atstrace --assert --hist."
echo
printf '%-18s %-8s %6s %9s %10s %10s %9s %s\n' KERNEL BRACKET RESETS ATC-INVS ORACLE-IN ATSTRACE-IN IN-FLIGHT VERDICT
for spec in $kernels; do
	k=${spec%%:*}
	d=build/results/demo/$k
	if [ "$(jq -r .verdict "$d/verdict.json")" = skip ]; then
		printf '%-18s SKIP: %s\n' "$k" "$(jq -r .reason "$d/verdict.json")"
		continue
	fi
	printf '%-18s %-8s %6s %9s %10s %10s %9s %s\n' "$k" \
		"$(jq -r 'if .window_mode == "bracketing" then "yes" else "no" end' "$d/oracle.json")" \
		"$(jq .reset.ok "$d/atsflr.json")" \
		"$(jq .observed.atstrace.invalidations "$d/verdict.json")" \
		"$(jq .observed.oracle.in_window "$d/verdict.json")" \
		"$(jq .observed.atstrace.in_window "$d/verdict.json")" \
		"$(jq .observed.atstrace.in_flight_at_open "$d/verdict.json")" \
		"$(jq -r '"\(.observed.verdict) (exit \(.observed.atstrace_exit))"' "$d/verdict.json")"
done
for spec in $kernels; do
	k=${spec%%:*}
	d=build/results/demo/$k
	[ -f "$d/atstrace.ndjson" ] || continue
	echo
	echo "$k: ATC invalidation latency, submit to complete (atstrace --hist)"
	jq -r 'select(.type == "hist" and .kind == "inv_latency" and .device == "0000:01:00.0") |
		.buckets[] | "  \(.low) -> \(.high) ns: \(.count)"' "$d/atstrace.ndjson"
done
cat <<EOT

ORACLE-IN / ATSTRACE-IN: device-TLB invalidations submitted while the device
was inside its reset window, counted by the tracefs oracle and by atstrace
(they may differ by a few at window edges, see README). On 6.12 the window is
the FLR itself; upstream's pci_dev_reset_iommu_prepare() moves the device to
a blocked domain first, so nothing reaches it. PCIe lets a device ignore
invalidations during a reset: on real hardware each in-window one risks an
ATS invalidation timeout. atstrace --assert exits 1 on any of them.
Demo took $((SECONDS - t0)) s; results in build/results/demo/.
EOT
