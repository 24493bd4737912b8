#!/bin/bash
# reset_method writes only probe the methods (PCI_RESET_PROBE): the device
# is not reset, so nothing may be bracketed. Writes several method lists to
# 0000:01:00.0's reset_method while VFIO map/unmap traffic runs, between
# two trace markers; the judge counts brackets and IOMMU attaches there.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
sys=/sys/bus/pci/devices/$dev
bind_vfio "$dev"
cat "$sys/reset_method" >"$RESULTS/methods-before"
ORACLE_TRACEPOINTS="iommu/attach_device_to_domain iommu/dev_reset_prepare iommu/dev_reset_done" \
	oracle_start
churn_start 6 "$dev"
echo "probe-start" >"$TRACEFS/trace_marker"
: >"$RESULTS/writes"
for m in flr bus pm "flr bus" device_specific acpi "flr pm bus" default; do
	echo "$m" >"$sys/reset_method" 2>/dev/null
	echo "$m=$?" >>"$RESULTS/writes"
	sleep 0.1
done
echo "probe-end" >"$TRACEFS/trace_marker"
churn_wait
oracle_stop
cat "$sys/reset_method" >"$RESULTS/methods-after"
log "done"
