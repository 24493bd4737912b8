#!/bin/bash
# Host-side judge of inject-storm. Usage: check.sh RUN_DIR
# ATSTRACE_EXPECT: "flagged" (no bracketing: injection raises the in-flight
# count) or "clean" (bracketing: zero with and without).
set -euo pipefail
run=$1
dev=0000:01:00.0
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --arg expect "$expect" \
	--slurpfile b "$run/atstrace-base.ndjson" --slurpfile i "$run/atstrace-inject.ndjson" \
	--slurpfile fi "$run/flr-inject.json" \
	--argjson rcb "$(cat "$run/atstrace-base.rc")" --argjson rci "$(cat "$run/atstrace-inject.rc")" 'include "verdict";
	
	def s(x): x | map(select(.type == "summary")) | .[0];
	def d(x): s(x).devices[$dev];
	{
	  base: {exit: $rcb, in_window: d($b).in_window, in_flight_at_open: d($b).in_flight_at_open,
	         windows: (d($b).windows | add)},
	  inject: {exit: $rci, in_window: d($i).in_window, in_flight_at_open: d($i).in_flight_at_open,
	           windows: (d($i).windows | add), delayed: s($i).injection.delayed,
	           injected_ms: (s($i).injection.injected_ns / 1e6)}
	} as $obs |
	# a delayed invalidation is in flight injected_ms of the run: that share
	# of the windows should open on one, beyond what happens anyway
	($obs.inject.windows * $obs.inject.injected_ms / ($fi[0].elapsed_s * 1000)) as $expected_extra |
	(if $expect == "flagged" then
	  {exit: 1, in_flight_at_open: "with injection - without >= max(5, a quarter of windows x injected share)"}
	 else {exit: 0, in_window: 0, in_flight_at_open: 0} end) as $exp |
	[ (if $obs.inject.delayed < 1 then "nothing was delayed" else empty end),
	  (if $expect == "flagged" then
	     (if $obs.base.exit != 1 or $obs.inject.exit != 1 then "atstrace exited \($obs.base.exit)/\($obs.inject.exit), expected 1" else empty end),
	     (if $obs.inject.in_flight_at_open - $obs.base.in_flight_at_open < ([5, $expected_extra / 4] | max) then "in flight at open: \($obs.base.in_flight_at_open) without, \($obs.inject.in_flight_at_open) with injection (about \($expected_extra | round) more expected)" else empty end)
	   else
	     (if $obs.base.exit != 0 or $obs.inject.exit != 0 then "atstrace exited \($obs.base.exit)/\($obs.inject.exit), expected 0" else empty end),
	     (if ($obs.inject.in_window + $obs.inject.in_flight_at_open + $obs.base.in_window + $obs.base.in_flight_at_open) != 0 then "flagged invalidations on a bracketing kernel" else empty end)
	   end)
	] as $bad |
	verdict($bad; "in flight at open: \($obs.base.in_flight_at_open) without injection, \($obs.inject.in_flight_at_open) with (about \($expected_extra | round) more expected) (\($obs.inject.delayed) delayed, \($obs.inject.injected_ms | round) ms); in-window \($obs.base.in_window) / \($obs.inject.in_window)"; $obs; $exp)'
