#!/bin/bash
# The VFIO FLR storm under atstrace --assert: map/unmap threads plus a
# VFIO_DEVICE_RESET loop on the machine's ATS NIC (0000:01:00.0 below a root
# port, 0000:03:00.0 behind the switch), traced by atstrace (with --hist)
# and, independently, by the tracefs oracle. Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV min_resets=5
bind_vfio "$dev"
oracle_start
log "atstrace --assert: 3 s FLR storm on $dev"
"$BIN/atstrace" --json --hist --assert --min-resets "$min_resets" --stacks 3 -- \
	"$BIN/atsflr" --duration 3 --output "$RESULTS/atsflr.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
oracle_stop
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
