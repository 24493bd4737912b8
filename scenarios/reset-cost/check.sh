#!/bin/bash
# Host-side judge of reset-cost: the runs happened; the figures are for
# make bench's report (scenarios/reset-cost/report.sh). Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
dev=0000:01:00.0
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --argjson rc "$(cat "$run/resets.rc")" \
	--slurpfile r "$run/resets.json" --slurpfile ev "$run/atstrace.ndjson" 'include "verdict";
	
	def hist($k): $ev | map(select(.type == "hist" and .device == $dev and .kind == $k)) | .[0].buckets // [];
	def median($h): ([$h[].count] | add // 0) as $n |
		if $n == 0 then null else
		(reduce $h[] as $b ({seen: 0, v: null}; if .v == null and .seen + $b.count >= ($n / 2) then .v = ($b.low + $b.high + 1) / 2 else .seen += $b.count end) | .v) end;
	{
	  resets: $r[0].reset.ok, reset_p50_ns: $r[0].reset.p50_ns, reset_mean_ns: $r[0].reset.mean_ns,
	  prepare_median_ns: median(hist("prepare")), done_median_ns: median(hist("done")),
	  prepare_count: ([hist("prepare")[].count] | add // 0)
	} as $obs |
	{resets: ">= 10"} as $exp |
	[ (if $rc != 0 or $obs.resets < 10 then "atsflr exited \($rc) after \($obs.resets) resets" else empty end) ] as $bad |
	verdict($bad; "\($obs.resets) FLRs, median \($obs.reset_p50_ns / 1e6 * 100 | round / 100) ms; prepare ~\(($obs.prepare_median_ns // 0) / 1000 | round) us, done ~\(($obs.done_median_ns // 0) / 1000 | round) us (log2 bucket mid)"; $obs; $exp)'
