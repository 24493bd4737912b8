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
# --hist-by kind in interval mode (1 s), stopped by SIGINT after the
# workload: the intervals' histograms and the last partial one add up to
# the final summary; then --hist-by vendor under --assert
start=$(date +%s.%N)
"$BIN/atstrace" --json --quiet --hist-by kind 1 >"$RESULTS/hist-kind.ndjson" \
	2>"$RESULTS/hist-kind.err" &
pid=$!
for i in $(seq 600); do grep -q '^atstrace: tracing' "$RESULTS/hist-kind.err" && break; sleep 0.1; done
"$BIN/atsflr" --rate 300 --duration 3 --output "$RESULTS/atsflr-kind.json" "$dev" 2>/dev/null
sleep 0.5
kill -INT $pid
wait $pid
echo $? >"$RESULTS/hist-kind.rc"
log "hist-by kind: $(grep -c '"type":"summary"' "$RESULTS/hist-kind.ndjson") summaries in $(echo "$(date +%s.%N) - $start" | bc) s"
"$BIN/atstrace" --json --quiet --hist-by vendor --assert --min-resets 1 -- \
	"$BIN/atsflr" --rate 300 --duration 2 --output "$RESULTS/atsflr-vendor.json" "$dev" \
	>"$RESULTS/hist-vendor.ndjson" 2>"$RESULTS/hist-vendor.err"
echo $? >"$RESULTS/hist-vendor.rc"
