#!/bin/bash
# Multi-device group: two virtio functions of one slot (multifunction
# machine), which QEMU's intel-iommu puts in one IOMMU group, both on
# vfio-pci in one container with map/unmap churn.
#  A: only function 0 is reset (VFIO_DEVICE_RESET): no device-TLB
#     invalidation to it inside its windows, while function 1 keeps getting
#     its own (it is not blocked).
#  B: both functions reset at the same time (sysfs reset, in pairs) under
#     churn: the oracle's windows and the brackets balance on each.
#  C: afterwards a new container opens the group and DMA maps work on both,
#     with ATS enabled: nothing was left blocked.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params f0=0000:01:00.0 f1=0000:01:00.1 reset_pairs=6
bind_vfio $f0
bind_vfio $f1
for f in $f0 $f1; do basename "$(readlink /sys/bus/pci/devices/$f/iommu_group)"; done >"$RESULTS/groups"

ORACLE_TRACEPOINTS="iommu/dev_reset_prepare iommu/dev_reset_done" oracle_start
log "A: FLR storm on $f0 only, churn on both"
"$BIN/atsflr" --mode legacy --reset-device $f0 --duration 3 --output "$RESULTS/atsflr-a.json" \
	$f0 $f1 2>"$RESULTS/atsflr-a.err"
echo $? >"$RESULTS/atsflr-a.rc"
oracle_stop
mv "$RESULTS/oracle.trace" "$RESULTS/oracle-a.trace" 2>/dev/null
mv "$RESULTS/oracle-kprobe-profile.txt" "$RESULTS/oracle-a-kprobe-profile.txt"
mv "$RESULTS/oracle-overrun.txt" "$RESULTS/oracle-a-overrun.txt"

ORACLE_TRACEPOINTS="iommu/dev_reset_prepare iommu/dev_reset_done" oracle_start
log "B: both functions reset together, churn on both"
churn_start 4 $f0 $f1
ok=0
for i in $(seq "$reset_pairs"); do
	echo 1 >/sys/bus/pci/devices/$f0/reset & p0=$!
	echo 1 >/sys/bus/pci/devices/$f1/reset & p1=$!
	wait $p0 && ok=$((ok + 1))
	wait $p1 && ok=$((ok + 1))
done
churn_wait
echo $ok >"$RESULTS/concurrent-resets-ok"
oracle_stop

log "C: a new container on the group after all resets"
"$BIN/atsflr" --mode legacy --reset none --duration 1 --output "$RESULTS/atsflr-c.json" \
	$f0 $f1 2>"$RESULTS/atsflr-c.err"
echo $? >"$RESULTS/atsflr-c.rc"
log "done"
