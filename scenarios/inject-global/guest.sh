#!/bin/bash
# Injection with every CPU submitting (four vCPUs, four map/unmap threads):
# the budget of all CPUs together holds the injected time, whatever each
# CPU's own budget allows; no soft lockup, RCU stall or hung task (the
# runner checks the kernel log). Judged on the host by checks.jq.
set -u
. "$ATSTRACE_REPO/lab/guest-lib.sh"

params dev=0000:01:00.0 delay_ms=5 cpu_budget_ms=500 total_budget_ms=100 cpus="$(nproc)"
bind_vfio "$dev"
start=$(date +%s%N)
"$BIN/atstrace" --quiet --json --inject-cap "${delay_ms}ms" --inject-delay "${delay_ms}ms" \
	--inject-budget "${cpu_budget_ms}ms" --inject-total-budget "${total_budget_ms}ms" \
	--assert --min-resets 1 -- "$BIN/atsflr" --threads "$cpus" --duration 4 \
	--output "$RESULTS/flr.json" "$dev" >"$RESULTS/atstrace.ndjson" 2>"$RESULTS/atstrace.err"
echo $? >"$RESULTS/atstrace.rc"
echo $(( ($(date +%s%N) - start) / 1000000 )) >"$RESULTS/elapsed-ms"
