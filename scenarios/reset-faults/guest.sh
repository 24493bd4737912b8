#!/bin/bash
# Kernel fault injection inside the reset path (make test-debug, on the
# lockdep + KASAN + kmemleak kernel with the fault-injection framework):
# while VFIO map/unmap traffic runs on the device, failslab fails every
# allocation made below __pci_dev_reset_iommu_done() (its stack-trace
# filter), so the restore attach of a reset's done fails (VT-d allocates
# the domain's per-IOMMU record there). Stages, each marked in the trace:
#  clean    3 sysfs resets, nothing injected
#  fault    1 sysfs reset with the fault on: the reset itself completes,
#           the restore fails ("DMA stays blocked"), ATS stays off
#  recover  the fault off, 1 sysfs reset: its done restores the device
#  after    3 sysfs resets, nothing injected
# atstrace runs throughout (--json); the oracle watches; at the end
# kmemleak is scanned for anything left by the failed restore.
# On VT-d nothing can fail inside prepare (its blocked domain is static,
# the blocked attach allocates nothing): only done's side is injected.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV resets=3
fs=/sys/kernel/debug/failslab
[ -d "$fs" ] || fail "no $fs (the debug kernel's fault injection)"
dmesg -c >/dev/null

# [start, end) of a function's text from kallsyms (its next symbol's start)
fn_range() {
	local start
	start=$(awk -v f="$1" '$3 == f { print $1; exit }' /proc/kallsyms)
	[ -n "$start" ] || fail "no $1 in kallsyms"
	echo "0x$start 0x$(awk -v s="$start" '{ print $1 }' /proc/kallsyms | sort -u |
		awk -v s="$start" '$1 > s { print; exit }')"
}
read -r rs re <<<"$(fn_range __pci_dev_reset_iommu_done)"
echo "$rs $re" >"$RESULTS/fault-range.txt"
fault() { # on|off
	if [ "$1" = on ]; then
		echo N >"$fs/ignore-gfp-wait"
		echo N >"$fs/task-filter"
		echo "$rs" >"$fs/require-start"
		echo "$re" >"$fs/require-end"
		echo 32 >"$fs/stacktrace-depth"
		echo 2 >"$fs/verbose"
		echo 1 >"$fs/interval"
		echo -1 >"$fs/times"
		echo 100 >"$fs/probability"
	else
		echo 0 >"$fs/probability"
	fi
}
stage() { # name count
	local i
	echo "reset-faults-stage $1" >"$TRACEFS/trace_marker"
	for i in $(seq "$2"); do
		if echo 1 >"/sys/bus/pci/devices/$dev/reset" 2>>"$RESULTS/reset.err"; then
			echo "$1 ok" >>"$RESULTS/resets.txt"
		else
			echo "$1 failed" >>"$RESULTS/resets.txt"
		fi
		sleep 0.2
	done
	ats_ctrl "$dev" >"$RESULTS/ats-$1.txt"
}

bind_vfio "$dev"
ORACLE_TRACEPOINTS="iommu/dev_reset_prepare iommu/dev_reset_done" oracle_start
atstrace_start
churn_start 60 "$dev"
stage clean "$resets"
fault on
stage fault 1
fault off
stage recover 1
stage after "$resets"
# (the VFIO close that ends the traffic resets the device once more)
echo "reset-faults-stage end" >"$TRACEFS/trace_marker"
churn_stop
atstrace_stop
oracle_stop
dmesg >"$RESULTS/dmesg-stages.txt"
# what the failed restore left behind, if anything: two scans (kmemleak
# reports an object only once it stayed unreferenced across a scan)
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$RESULTS/kmemleak.txt"
else
	echo "no kmemleak" >"$RESULTS/kmemleak.txt"
fi
log "done"
