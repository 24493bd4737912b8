#!/bin/bash
# Host-side judge of group-reset. Usage: check.sh RUN_DIR
# EXPECT: bracketed (the series) or unbracketed (function 0 gets device-TLB
# invalidations inside its reset windows).
set -euo pipefail
run=$1
f0=0000:01:00.0 f1=0000:01:00.1
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
top=$(cd "$(dirname "$0")/../.." && pwd)
lib=$(dirname "$0")/../lib
"$top/build/bin/atsoracle" "$run/oracle-a.trace" >"$run/oracle-a.json"
a_f1=$(awk -v dev=$f0 -v other=$f1 -f "$lib/reset-trace.awk" "$run/oracle-a.trace")
b_f0=$(awk -v dev=$f0 -f "$lib/reset-trace.awk" "$run/oracle.trace")
b_f1=$(awk -v dev=$f1 -f "$lib/reset-trace.awk" "$run/oracle.trace")
jq -n -L "$lib" --arg expect "$expect" --arg f0 $f0 --arg f1 $f1 \
	--rawfile groups "$run/groups" \
	--argjson rc_a "$(cat "$run/atsflr-a.rc")" --argjson rc_b "$(cat "$run/churn.rc")" \
	--argjson rc_c "$(cat "$run/atsflr-c.rc")" --argjson conc "$(cat "$run/concurrent-resets-ok")" \
	--argjson a_f1 "$a_f1" --argjson b_f0 "$b_f0" --argjson b_f1 "$b_f1" \
	--slurpfile oa "$run/oracle-a.json" --slurpfile ob "$run/oracle.json" \
	--slurpfile fa "$run/atsflr-a.json" --slurpfile fc "$run/atsflr-c.json" 'include "verdict";
	
	($groups | split("\n") | map(select(. != ""))) as $g |
	($oa[0].devices[$f0] // {}) as $a0 | ($oa[0].devices[$f1] // {}) as $a1 |
	($ob[0].devices[$f0] // {}) as $b0 | ($ob[0].devices[$f1] // {}) as $b1 |
	{
	  iommu_groups: $g,
	  a: {resets_ok: $fa[0].reset.ok, exit: $rc_a,
	      f0: {windows: ($a0.windows // 0), devtlb: ($a0.devtlb_descriptors // 0),
	           flagged: (($a0.in_window // 0) + ($a0.in_flight_at_open // 0))},
	      f1: {devtlb: ($a1.devtlb_descriptors // 0), windows: ($a1.windows // 0),
	           devtlb_during_f0_windows: $a_f1.other_devtlb_in_window}},
	  b: {exit: $rc_b, concurrent_resets_ok: $conc,
	      f0: {windows: ($b0.windows // 0), flagged: (($b0.in_window // 0) + ($b0.in_flight_at_open // 0)),
	           brackets: {prepare: $b_f0.tp_prepare, done: $b_f0.tp_done, depth_at_end: $b_f0.depth_at_end}},
	      f1: {windows: ($b1.windows // 0), flagged: (($b1.in_window // 0) + ($b1.in_flight_at_open // 0)),
	           brackets: {prepare: $b_f1.tp_prepare, done: $b_f1.tp_done, depth_at_end: $b_f1.depth_at_end}}},
	  c: {exit: $rc_c, unmaps: $fc[0].unmap.ok, unmap_errors: $fc[0].unmap.errors,
	      ats_enabled: [$fc[0].devices[] | .ats_after.enabled]}
	} as $obs |
	{iommu_groups: "one group for both functions",
	 a: {f0: {flagged: (if $expect == "bracketed" then 0 else "> 0" end)},
	     f1: {devtlb_during_f0_windows: "> 0 (function 1 is not blocked)", windows: "<= 2 (VFIO open and close)"}},
	 b: {concurrent_resets_ok: 12, flagged: (if $expect == "bracketed" then 0 else "any" end),
	     brackets: (if $expect == "bracketed" then "prepare == done == windows on each function, depth back to 0" else "none" end)},
	 c: {exit: 0, unmaps: "> 0", ats_enabled: [true, true]}} as $exp |
	[ (if ($g | length) != 2 or $g[0] != $g[1] then "the functions are not in one IOMMU group: \($g)" else empty end),
	  (if $rc_a != 0 or $obs.a.resets_ok < 5 then "A: atsflr exited \($rc_a) with \($obs.a.resets_ok) resets" else empty end),
	  (if $obs.a.f0.windows < 5 then "A: \($obs.a.f0.windows) windows on function 0" else empty end),
	  (if $obs.a.f1.windows > 2 then "A: function 1 had \($obs.a.f1.windows) windows; only VFIO open and close reset it" else empty end),
	  (if $obs.a.f1.devtlb_during_f0_windows < 1 then "A: function 1 got no invalidation while function 0 was in reset" else empty end),
	  (if $rc_b != 0 or $conc != 12 then "B: churn exited \($rc_b), \($conc) of 12 concurrent resets succeeded" else empty end),
	  (if $rc_c != 0 or $obs.c.unmaps < 1 then "C: a new container failed (exit \($rc_c), \($obs.c.unmaps) unmaps)" else empty end),
	  (if $obs.c.ats_enabled != [true, true] then "C: ATS not enabled on both functions: \($obs.c.ats_enabled)" else empty end),
	  (if $expect == "bracketed" then
	     (if $obs.a.f0.flagged != 0 then "A: \($obs.a.f0.flagged) invalidations to function 0 inside its windows" else empty end),
	     (if $obs.b.f0.flagged + $obs.b.f1.flagged != 0 then "B: \($obs.b.f0.flagged) + \($obs.b.f1.flagged) invalidations inside windows" else empty end),
	     ([$obs.b.f0, $obs.b.f1][] | select(.brackets.prepare != .windows or .brackets.done != .windows or .brackets.depth_at_end != 0 or .windows < 6)
	      | "B: brackets out of balance: \(.)")
	   else
	     (if $obs.a.f0.flagged < 1 then "A: no invalidation to function 0 inside its windows: the run proved nothing" else empty end)
	   end)
	] as $bad |
	verdict($bad; "A: \($obs.a.f0.flagged) invalidations to fn0 in its \($obs.a.f0.windows) windows, fn1 got \($obs.a.f1.devtlb_during_f0_windows) meanwhile; B: \($conc) concurrent resets, \($obs.b.f0.flagged + $obs.b.f1.flagged) in-window; C: new container ok, ATS \($obs.c.ats_enabled)"; $obs; $exp)'
