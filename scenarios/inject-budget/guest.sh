#!/bin/bash
# The most aggressive settings allowed (10 ms per completion, 500 ms per CPU
# per second) under the FLR storm with two map/unmap threads: the budget
# holds and the guest stays responsive (the runner fails the scenario on any
# soft lockup, RCU stall or hung task in the kernel log).
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0
bind_vfio "$dev"
start=$(date +%s%N)
params delay_ms=10 budget_ms=500 small_budget_ms=20
"$BIN/atstrace" --quiet --json --inject-cap "${delay_ms}ms" --inject-delay "${delay_ms}ms" --inject-budget "${budget_ms}ms" \
	--assert --min-resets 1 -- "$BIN/atsflr" --threads 2 --duration 5 \
	--output "$RESULTS/flr.json" "$dev" >"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$RESULTS/elapsed-ms"
params cpus="$(nproc)"
# the budget binds: 20 ms per CPU per second admits two 10 ms delays a second
start=$(date +%s%N)
"$BIN/atstrace" --quiet --json --inject-cap "${delay_ms}ms" --inject-delay "${delay_ms}ms" --inject-budget "${small_budget_ms}ms" \
	--assert --min-resets 1 -- "$BIN/atsflr" --duration 3 \
	--output "$RESULTS/flr-small.json" "$dev" >"$RESULTS/atstrace-small.ndjson" 2>"$RESULTS/atstrace-small.err"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$RESULTS/elapsed-small-ms"
