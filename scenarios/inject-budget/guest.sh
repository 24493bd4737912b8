#!/bin/bash
# The most aggressive settings allowed (10 ms per completion, 500 ms per CPU
# per second) under the FLR storm with two map/unmap threads: the budget
# holds and the guest stays responsive (the runner fails the scenario on any
# soft lockup, RCU stall or hung task in the kernel log).
set -u
. "$ATSTRACE_REPO/scenarios/lab/guest-lib.sh"

dev=0000:01:00.0
bind_vfio "$dev"
start=$(date +%s%N)
"$BIN/atstrace" --quiet --json --inject-cap 10ms --inject-delay 10ms --inject-budget 500ms \
	--assert --min-resets 1 -- "$BIN/atsflr" --threads 2 --duration 5 \
	--output "$RESULTS/flr.json" "$dev" >"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$RESULTS/elapsed-ms"
nproc >"$RESULTS/cpus"
# the budget binds: 20 ms per CPU per second admits two 10 ms delays
start=$(date +%s%N)
"$BIN/atstrace" --quiet --json --inject-cap 10ms --inject-delay 10ms --inject-budget 20ms \
	--assert --min-resets 1 -- "$BIN/atsflr" --duration 3 \
	--output "$RESULTS/flr-small.json" "$dev" >"$RESULTS/atstrace-small.ndjson" 2>"$RESULTS/atstrace-small.err"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$RESULTS/elapsed-small-ms"
