#!/bin/bash
# --timeline during an FLR storm with a few injected delays: the Trace Event
# Format file holds what atstrace's own summary counts, track by track, and
# every flagged invalidation lies inside a reset-window slice of its device.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV min_resets=5 inject_max=20
bind_vfio "$dev"
log "atstrace --timeline --assert: 3 s FLR storm on $dev, unmaps at 300/s"
"$BIN/atstrace" --json --quiet --timeline "$RESULTS/timeline.json" --inject-delay 100us \
	--inject-max "$inject_max" --assert --min-resets "$min_resets" -- \
	"$BIN/atsflr" --rate 300 --duration 3 --output "$RESULTS/atsflr.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc")"
