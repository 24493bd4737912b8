#!/bin/bash
# Host-side judge of the FLR storm. Usage: check.sh RUN_DIR
# ATSTRACE_EXPECT (from scenarios/e2e.list): "flagged" when the kernel lets
# invalidations reach the device inside its reset windows, "clean" when it
# brackets resets.
set -euo pipefail
run=$1
dev=0000:01:00.0
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --arg expect "$expect" \
	--argjson rc "$(cat "$run/atstrace.rc")" \
	--slurpfile ev "$run/atstrace.ndjson" \
	--slurpfile ora "$run/oracle.json" \
	--slurpfile flr "$run/atsflr.json" 'include "verdict";
	
	($ev | map(select(.type == "summary")) | .[0]) as $s |
	($s.devices[$dev] // {}) as $a | ($ora[0].devices[$dev] // {}) as $o |
	($ev | map(select(.type == "hist" and .device == $dev and .kind == "inv_latency")) | .[0]) as $h |
	($ev | map(select(.type == "invalidation" and .device == $dev))) as $flagged |
	{
	  atstrace_exit: $rc, verdict: $s.verdict,
	  resets_ok: $flr[0].reset.ok,
	  atstrace: {invalidations: ($a.invalidations // 0), in_window: ($a.in_window // 0),
	             in_flight_at_open: ($a.in_flight_at_open // 0),
	             windows: (($a.windows // {}) | add // 0)},
	  oracle: {invalidations: ($o.devtlb_descriptors // 0), in_window: ($o.in_window // 0),
	           in_flight_at_open: ($o.in_flight_at_open // 0), windows: ($o.windows // 0),
	           edge_in: ($o.edge_in // 0), edge_out: ($o.edge_out // 0)},
	  latency_hist_samples: ([$h.buckets[]?.count] | add // 0),
	  submissions: ($a.submissions // 0),
	  flagged_events: ($flagged | length),
	  flagged_with_stack: ($flagged | map(select(.stack)) | length),
	  ringbuf_drops: $s.ringbuf_drops, events_shed: $s.events_shed,
	  oracle_overrun: $ora[0].overrun,
	  missed_submissions: {oracle: ($ora[0].qi_submit_missed // 0), atstrace: ($s.submit_recursion_misses // 0)}
	} as $obs |
	missed_slack($ora[0]; $s) as $slack |
	{
	  atstrace_exit: (if $expect == "flagged" then 1 else 0 end),
	  atstrace: "invalidations (but for submissions either observer missed) and windows equal to the oracle; in_window + in_flight_at_open within the oracle sum minus edge_in, plus edge_out",
	  in_window: (if $expect == "flagged" then "> 0" else 0 end),
	  latency_hist_samples: "== submissions", ringbuf_drops: 0,
	  flagged_events: "+ events_shed == in_window + in_flight_at_open",
	  oracle_overrun: 0
	} as $exp |
	[ (if $obs.atstrace_exit != $exp.atstrace_exit then "atstrace exited \($obs.atstrace_exit), expected \($exp.atstrace_exit)" else empty end),
	  ($obs.atstrace.in_window + $obs.atstrace.in_flight_at_open) as $asum |
	  ($obs.oracle.in_window + $obs.oracle.in_flight_at_open) as $osum |
	  (if ($obs.atstrace.invalidations - $obs.oracle.invalidations | fabs) > $slack then "atstrace counted \($obs.atstrace.invalidations) invalidations, the oracle \($obs.oracle.invalidations)" else empty end),
	  (if $obs.atstrace.windows != $obs.oracle.windows then "atstrace counted \($obs.atstrace.windows) windows, the oracle \($obs.oracle.windows)" else empty end),
	  (if $asum < $osum - $obs.oracle.edge_in or $asum > $osum + $obs.oracle.edge_out then "atstrace flagged \($asum), the oracle \($osum) (edge band -\($obs.oracle.edge_in)/+\($obs.oracle.edge_out))" else empty end),
	  (if $expect == "flagged" and $obs.atstrace.in_window < 1 then "no in-window invalidation on a kernel that does not bracket resets" else empty end),
	  (if $expect == "clean" and ($obs.atstrace.in_window + $obs.atstrace.in_flight_at_open) != 0 then "in-window invalidations on a bracketing kernel" else empty end),
	  (if $obs.atstrace.windows < 5 then "only \($obs.atstrace.windows) reset windows" else empty end),
	  (if $obs.latency_hist_samples != $obs.submissions then "latency histogram holds \($obs.latency_hist_samples) samples for \($obs.submissions) submissions" else empty end),
	  (if $obs.ringbuf_drops != 0 then "\($obs.ringbuf_drops) events lost to a full ring buffer" else empty end),
	  (if $obs.flagged_events + $obs.events_shed != ($obs.atstrace.in_window + $obs.atstrace.in_flight_at_open) then "\($obs.flagged_events) flagged events (+\($obs.events_shed) shed) for \($obs.atstrace.in_window + $obs.atstrace.in_flight_at_open) counted" else empty end),
	  (if $expect == "flagged" and $obs.flagged_with_stack < 1 then "no flagged invalidation carried a stack" else empty end),
	  (if $obs.oracle_overrun != 0 then "the oracle lost events" else empty end)
	] as $bad |
	verdict($bad; "atstrace \($s.verdict) (exit \($rc)): \($obs.atstrace.in_window)+\($obs.atstrace.in_flight_at_open) flagged of \($obs.atstrace.invalidations), oracle \($obs.oracle.in_window)+\($obs.oracle.in_flight_at_open) (edge band -\($obs.oracle.edge_in)/+\($obs.oracle.edge_out)), windows \($obs.atstrace.windows)=\($obs.oracle.windows)"; $obs; $exp)'
