#!/bin/bash
# Attach during reset: the device moves between two iommufd IOASes every
# 2 ms (VFIO_DEVICE_ATTACH_IOMMUFD_PT replace) while VFIO_DEVICE_RESET runs
# in a loop and map/unmap traffic goes on. The oracle records the FLRs, the
# brackets and every IOMMU driver attach (iommu:attach_device_to_domain),
# plus the series' refusals (iommu:dev_reset_attach_rejected) where present;
# atstrace runs alongside and must count the same refusals and windows.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
bind_vfio "$dev"
ORACLE_TRACEPOINTS="iommu/attach_device_to_domain iommu/dev_reset_prepare iommu/dev_reset_done iommu/dev_reset_attach_rejected" \
	oracle_start
# atstrace counts the refusals too (the series' tracepoint, tp_btf)
atstrace_start --quiet -D "$dev"
log "replace every 2 ms during an FLR storm on $dev"
# a 10 ms pause between resets leaves replaces room outside the windows
# (back to back, about 1% of them landed outside; one run had none)
"$BIN/atsflr" --mode iommufd --replace-interval 2ms --reset-interval 10ms --duration 3 \
	--output "$RESULTS/atsflr.json" "$dev" 2>"$RESULTS/atsflr.err"
echo $? >"$RESULTS/atsflr.rc"
atstrace_stop
oracle_stop
log "done: atsflr exited $(cat "$RESULTS/atsflr.rc")"
