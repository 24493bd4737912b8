#!/bin/bash
# Hot reset (VFIO_DEVICE_PCI_HOT_RESET: a secondary bus reset of the root
# port above 0000:01:00.0) under map/unmap traffic, traced by atstrace and
# the oracle. No kernel brackets bus resets yet, upstream included.
set -u
. "$ATSTRACE_REPO/scenarios/lab/guest-lib.sh"

dev=0000:01:00.0
bind_vfio "$dev"
oracle_start
log "atstrace --assert: 3 s hot-reset storm on $dev"
"$BIN/atstrace" --json --assert --min-resets 3 -- \
	"$BIN/atsflr" --mode legacy --reset hot --duration 3 --output "$RESULTS/atsflr.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
oracle_stop
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
