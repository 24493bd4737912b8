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

kernels="lab-6.12-vanilla debian-6.12 debian-upstream"
step "4/4 FLR storm in the lab on: $kernels (~30 s each under TCG)"
for k in $kernels; do
	scenarios/lab/run.sh --out "build/results/demo/$k" "$k" smoke
	rc=$?
	[ $rc = 0 ] || [ $rc = 77 ] || die "demo: the lab run on $k failed (build/results/demo/$k)"
done

echo
echo "VFIO FLR storm: 3 s of DMA map/unmap on 0000:01:00.0 (ATS on) while another"
echo "thread resets it with VFIO_DEVICE_RESET. Counted by the tracefs oracle:"
echo
printf '%-18s %-8s %7s %9s %11s %10s %10s\n' KERNEL BRACKET RESETS UNMAPS DEVTLB-INVS IN-WINDOW IN-FLIGHT
for k in $kernels; do
	d=build/results/demo/$k
	if [ "$(jq -r .verdict "$d/verdict.json")" = skip ]; then
		printf '%-18s SKIP: %s\n' "$k" "$(jq -r .reason "$d/verdict.json")"
		continue
	fi
	jq -r --arg k "$k" '.devices["0000:01:00.0"] as $d |
		[$k, (if .window_mode == "bracketing" then "yes" else "no" end)] | @tsv' "$d/oracle.json" |
	{
		IFS=$'\t' read -r name br
		printf '%-18s %-8s %7s %9s %11s %10s %10s\n' "$name" "$br" \
			"$(jq .reset.ok "$d/atsflr.json")" "$(jq .unmap.ok "$d/atsflr.json")" \
			"$(jq '.devices["0000:01:00.0"].devtlb_descriptors' "$d/oracle.json")" \
			"$(jq '.devices["0000:01:00.0"].in_window' "$d/oracle.json")" \
			"$(jq '.devices["0000:01:00.0"].in_flight_at_open' "$d/oracle.json")"
	}
done
cat <<EOT

IN-WINDOW: device-TLB invalidations submitted while the device was inside its
reset window (6.12: the reset method's span; upstream: from the return of
pci_dev_reset_iommu_prepare() to pci_dev_reset_iommu_done()). PCIe lets a
device ignore these during a reset, so on real hardware each one risks an ATS
invalidation timeout. IN-FLIGHT: submitted before a window opened and not yet
completed when it did. atstrace counted the same device-TLB invalidations
(build/results/demo/*/atstrace.json). Demo took $((SECONDS - t0)) s.
EOT
