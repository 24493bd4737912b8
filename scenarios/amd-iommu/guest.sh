#!/bin/bash
# atstrace on an AMD-Vi machine (QEMU's amd-iommu). The plan must pick the
# AMD rows, every program must load, and during a traced FLR storm with
# --inject-delay the AMD submission and completion programs must run.
# QEMU's AMD IOMMU offers no ATS to the guest driver, so no device-TLB
# command is ever queued here: the run must say it proved nothing (exit 3)
# and inject nothing, rather than pass. Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
guest_facts >"$RESULTS/facts.json"
# without interrupt remapping VFIO type1 must be told it may go on (the amd
# machine has it; kept for a machine without)
p=/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts
[ -w "$p" ] && echo 1 >"$p"
params min_resets=5
bind_vfio "$dev"
"$BIN/atstrace" --list-probes >"$RESULTS/plan.txt" 2>&1
echo $? >"$RESULTS/plan.rc"
log "atstrace --assert --inject-delay 100us: 3 s FLR storm on $dev"
"$BIN/atstrace" --json --stats --assert --min-resets "$min_resets" --inject-delay 100us -- \
	"$BIN/atsflr" --mode legacy --duration 3 --output "$RESULTS/atsflr.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
