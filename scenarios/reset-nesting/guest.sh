#!/bin/bash
# Nesting, an unbalanced done and a device that is not ready after its
# reset, driven through the lab's test module (atsnest.ko, built against
# lab-6.12 only) on 0000:01:00.0 while VFIO map/unmap traffic runs:
#  nest        outer prepare, pcie_flr() (which brackets itself), 200 ms
#              wait, outer done: one block, one restore, blocked throughout
#  unbalanced  two dones without a prepare: one warning, nothing changes
#  unready     prepare + done_unready: the device stays blocked, a VFIO
#              open of its group is refused (-EBUSY)
#  recover     a reset that completes: DMA and ATS are back, the group opens
# Each stage is marked in the trace (trace_marker) for the judge.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
module_path atsnest
bind_vfio "$dev"
stage() { # name
	echo "atsnest-stage $1" >"$TRACEFS/trace_marker"
	insmod "$mod" bdf="$dev" stage="$1" 2>>"$RESULTS/insmod.err"
	echo "$1 $?" >>"$RESULTS/insmod.rc"
	rmmod atsnest 2>/dev/null
}
open_group() { # name: a 1 s VFIO session on the device's group
	"$BIN/atsflr" --mode legacy --reset none --duration 1 --output "$RESULTS/open-$1.json" "$dev" \
		2>"$RESULTS/open-$1.err"
	echo $? >"$RESULTS/open-$1.rc"
}

ORACLE_TRACEPOINTS="iommu/attach_device_to_domain iommu/dev_reset_prepare iommu/dev_reset_done iommu/dev_reset_attach_rejected" \
	oracle_start
churn_start 5 "$dev"
stage nest
stage unbalanced
churn_wait
echo "atsnest-stage idle" >"$TRACEFS/trace_marker"
stage unready
open_group blocked
stage recover
open_group recovered
echo "atsnest-stage end" >"$TRACEFS/trace_marker"
oracle_stop
log "done"
