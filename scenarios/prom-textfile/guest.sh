#!/bin/bash
# atstrace for fleets: --prom-textfile during a VFIO FLR storm, rewritten
# every 500 ms. Snapshots of the file taken while it runs (each one whole:
# atstrace replaces it by rename) and the last one go back to the host,
# whose derive.sh runs the real consumers on them: promtool check metrics,
# Debian's prometheus-node-exporter reading the textfile directory and
# prometheus scraping it, then PromQL over its HTTP API.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=$LAB_DEV min_resets=5
bind_vfio "$dev"
mkdir -p "$RESULTS/snapshots"
log "atstrace --prom-textfile --assert: 4 s FLR storm on $dev"
"$BIN/atstrace" --json --quiet --hist --prom-textfile /run/tmp/atstrace.prom \
	--prom-interval 500ms --assert --min-resets "$min_resets" -- \
	"$BIN/atsflr" --duration 4 --output "$RESULTS/atsflr.json" "$dev" \
	>"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err" &
pid=$!
n=0
while kill -0 $pid 2>/dev/null; do
	sleep 0.7
	[ -f /run/tmp/atstrace.prom ] || continue
	n=$((n + 1))
	cp /run/tmp/atstrace.prom "$RESULTS/snapshots/$(printf %03d $n).prom"
done
wait $pid
echo $? >"$RESULTS/atstrace.rc"
cp /run/tmp/atstrace.prom "$RESULTS/snapshots/final.prom"
ls /run/tmp/atstrace.prom* >"$RESULTS/left-behind.txt" 2>&1
log "done: atstrace exited $(cat "$RESULTS/atstrace.rc"), $n snapshots"
