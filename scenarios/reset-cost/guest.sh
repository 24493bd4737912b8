#!/bin/bash
# What the bracket costs a reset: VFIO_DEVICE_RESET (FLR) back to back on
# 0000:01:00.0 with a trickle of DMA mapping, untraced (reset latency from
# atsflr), then the same under atstrace --hist for the prepare and done
# durations where the kernel has them. make bench runs it on lab-6.12 and
# lab-6.12-vanilla, alternately, and compares.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
bind_vfio "$dev"
"$BIN/atsflr" --mode legacy --rate 1 --duration 8 \
	--output "$RESULTS/resets.json" "$dev" 2>"$RESULTS/resets.err"
echo $? >"$RESULTS/resets.rc"
"$BIN/atstrace" --quiet --json --hist --assert --min-resets 1 -- \
	"$BIN/atsflr" --mode legacy --rate 1 --duration 4 --output "$RESULTS/traced.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
log "done"
