#!/bin/bash
# Host-side judge of the hot-reset scenario. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
dev=0000:01:00.0
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --arg expect "$expect" \
	--argjson rc "$(cat "$run/atstrace.rc")" \
	--slurpfile ev "$run/atstrace.ndjson" \
	--slurpfile ora "$run/oracle.json" \
	--slurpfile flr "$run/atsflr.json" --argjson sub "$(cat "$run/subordinate-ok" 2>/dev/null || echo null)" \
	--arg suberr "$(cat "$run/subordinate.err" 2>/dev/null)" \
	--argjson churn_rc "$(cat "$run/churn.rc" 2>/dev/null || echo null)" \
	--slurpfile churn "$run/churn.json" 'include "verdict";
	
	($ev | map(select(.type == "summary")) | .[0]) as $s |
	($s.devices[$dev] // {}) as $a | ($ora[0].devices[$dev] // {}) as $o |
	{
	  atstrace_exit: $rc, verdict: $s.verdict,
	  hot_resets_ok: $flr[0].reset.ok, subordinate_resets_ok: $sub,
	  unmaps_during_subordinate_resets: {exit: $churn_rc, ok: $churn[0].unmap.ok},
	  atstrace: {bus_resets: $s.bus_resets, invalidations: ($a.invalidations // 0),
	             flagged: (($a.in_window // 0) + ($a.in_flight_at_open // 0))},
	  oracle: {bus_resets: $ora[0].bus_resets, invalidations: ($o.devtlb_descriptors // 0),
	           flagged: (($o.in_window // 0) + ($o.in_flight_at_open // 0)),
	           edge_in: ($o.edge_in // 0), edge_out: ($o.edge_out // 0)},
	  bus_window_events: ($ev | map(select(.type == "bus_window")) | length),
	  ringbuf_drops: $s.ringbuf_drops,
	  missed_submissions: {oracle: ($ora[0].qi_submit_missed // 0), atstrace: ($s.submit_recursion_misses // 0)}
	} as $obs |
	missed_slack($ora[0]; $s) as $slack |
	{atstrace_exit: (if $expect == "flagged" then 1 else 0 end),
	 bus_resets: "== oracle, >= hot resets + reset_subordinate writes, == bus_window events",
	 subordinate_resets_ok: 5, unmaps_during_subordinate_resets: "exit 0, > 0", invalidations: "== oracle",
	 flagged: "within the oracle edge band"} as $exp |
	[ (if $obs.atstrace_exit != $exp.atstrace_exit then "atstrace exited \($obs.atstrace_exit), expected \($exp.atstrace_exit)" else empty end),
	  (if $obs.hot_resets_ok < 1 then "no hot reset succeeded" else empty end),
	  (if $sub != 5 then "reset_subordinate: \($sub) of 5 writes succeeded: \($suberr[-200:])" else empty end),
	  (if $churn_rc != 0 or $churn[0].unmap.ok < 1 then "no DMA traffic during the reset_subordinate writes: \($obs.unmaps_during_subordinate_resets)" else empty end),
	  (if $obs.atstrace.bus_resets < $obs.hot_resets_ok + ($sub // 0) then "\($obs.atstrace.bus_resets) bus resets traced for \($obs.hot_resets_ok) hot resets + \($sub) reset_subordinate" else empty end),
	  (if $obs.atstrace.bus_resets != $obs.oracle.bus_resets or $obs.atstrace.bus_resets < 1 then "bus resets: atstrace \($obs.atstrace.bus_resets), oracle \($obs.oracle.bus_resets)" else empty end),
	  (if $obs.ringbuf_drops != 0 then "\($obs.ringbuf_drops) events lost to a full ring buffer" else empty end),
	  (if $obs.bus_window_events != $obs.atstrace.bus_resets then "\($obs.bus_window_events) bus window events for \($obs.atstrace.bus_resets) bus resets" else empty end),
	  (if ($obs.atstrace.invalidations - $obs.oracle.invalidations | fabs) > $slack then "invalidations: atstrace \($obs.atstrace.invalidations), oracle \($obs.oracle.invalidations)" else empty end),
	  (if $obs.atstrace.flagged < $obs.oracle.flagged - $obs.oracle.edge_in or $obs.atstrace.flagged > $obs.oracle.flagged + $obs.oracle.edge_out then "flagged: atstrace \($obs.atstrace.flagged), oracle \($obs.oracle.flagged) (-\($obs.oracle.edge_in)/+\($obs.oracle.edge_out))" else empty end),
	  (if $expect == "flagged" and $obs.atstrace.flagged < 1 then "no invalidation flagged inside a bus reset" else empty end)
	] as $bad |
	verdict($bad; "atstrace \($s.verdict) (exit \($rc)): \($obs.atstrace.bus_resets) bus resets (\($obs.hot_resets_ok) hot, \($sub) reset_subordinate), \($obs.atstrace.flagged) flagged (oracle \($obs.oracle.flagged))"; $obs; $exp)'
