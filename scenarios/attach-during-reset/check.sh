#!/bin/bash
# Host-side judge of attach-during-reset. Usage: check.sh RUN_DIR
# EXPECT: bracketed (the series: replaces refused inside windows, the only
# driver attaches during an FLR are the block and the restore) or
# unbracketed (replaces go through in the middle of FLRs).
set -euo pipefail
run=$1
dev=0000:01:00.0
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
trace=$(awk -v dev="$dev" -f "$(dirname "$0")/../lib/reset-trace.awk" "$run/oracle.trace")
jq -n -L "$(dirname "$0")/../lib" --arg expect "$expect" --arg dev "$dev" --argjson rc "$(cat "$run/atsflr.rc")" \
	--argjson t "$trace" --slurpfile flr "$run/atsflr.json" \
	--slurpfile at "$run/atstrace.json" --argjson at_rc "$(cat "$run/atstrace.rc")" 'include "verdict";
	
	$flr[0] as $f |
	($at | map(select(.type == "summary")) | .[0].devices["\($dev)"] // {}) as $a |
	{
	  atsflr_exit: $rc, resets_ok: $f.reset.ok, replaces_ok: $f.replace.ok,
	  replace_errors: $f.replace.errors, trace: $t,
	  atstrace: {exit: $at_rc, attach_busy: ($a.attach_busy // -1),
	             windows: ([$a.windows // {} | to_entries[] | .value] | add // 0)}
	} as $obs |
	($f.replace.errors.EBUSY // 0) as $ebusy |
	([$f.replace.errors | to_entries[] | select(.key != "EBUSY") | .value] | add // 0) as $other |
	(if $expect == "bracketed" then
	  {replace_ebusy: "> 0, each one seen by the kernel as a refusal inside a bracket (prepare entry to done end)",
	   attaches_in_window: 0, attaches_in_bracket_other: "0 (between prepare and done, only prepare blocks and done restores)",
	   attaches_block_restore: ">= 1 each (not always equal: a transition that must succeed may move the group to or from its blocking domain inside a window, leaving done nothing to restore or prepare nothing to block)",
	   replaces_ok: "> 0 (outside windows)"}
	 else
	  {replace_ebusy: 0, attaches_in_flr: "> 0 (replaces land in the middle of FLRs)"} end) as $exp |
	[ (if $rc != 0 then "atsflr exited \($rc)" else empty end),
	  (if $obs.resets_ok < 5 then "only \($obs.resets_ok) resets" else empty end),
	  (if $other > 0 then "replace failed with errors other than EBUSY: \($obs.replace_errors)" else empty end),
	  (if $t.flrs != $t.flrs_ok or $t.flrs < 5 then "FLRs traced \($t.flrs), succeeded \($t.flrs_ok)" else empty end),
	  (if $obs.atstrace.exit != 0 then "atstrace exited \($obs.atstrace.exit)" else empty end),
	  (if $obs.atstrace.attach_busy != $ebusy then "atstrace counted \($obs.atstrace.attach_busy) refused attaches, atsflr got \($ebusy) EBUSY" else empty end),
	  (if $expect == "bracketed" then
	     (if $ebusy < 1 then "no replace was refused" else empty end),
	     (if $t.rejected != $ebusy then "\($ebusy) EBUSY returned, \($t.rejected) refusals traced" else empty end),
	     (if $t.rejected_outside_bracket != 0 then "\($t.rejected_outside_bracket) refusals outside a bracket (prepare entry to done end)" else empty end),
	     (if $t.attaches_in_window != 0 then "\($t.attaches_in_window) driver attaches inside windows" else empty end),
	     (if $t.attaches_in_bracket_other != 0 then "\($t.attaches_in_bracket_other) driver attaches inside brackets other than block and restore" else empty end),
	     (if $t.attaches_block < 1 or $t.attaches_restore < 1 then "\($t.attaches_block) blocks, \($t.attaches_restore) restores" else empty end),
	     (if $t.windows != $t.flrs or $t.dones != $t.windows or $t.depth_at_end != 0 then "windows \($t.windows), dones \($t.dones), FLRs \($t.flrs), depth at end \($t.depth_at_end)" else empty end),
	     (if $obs.atstrace.windows != $t.windows then "atstrace saw \($obs.atstrace.windows) windows, the oracle \($t.windows)" else empty end),
	     (if $obs.replaces_ok < 1 then "no replace succeeded" else empty end)
	   else
	     (if $ebusy != 0 then "\($ebusy) replaces refused on a kernel without the series" else empty end),
	     (if $t.attaches_in_flr < 1 then "no replace landed inside an FLR: the run proved nothing" else empty end)
	   end)
	] as $bad |
	verdict($bad; if $expect == "bracketed" then
	  "\($ebusy) replaces refused (all inside brackets, \($t.rejected) traced, atstrace \($obs.atstrace.attach_busy)), \($obs.replaces_ok) went through; driver attaches during \($t.flrs) FLRs: \($t.attaches_block) blocks, \($t.attaches_restore) restores, nothing else"
	 else "\($t.attaches_in_flr) driver attaches inside \($t.flrs) FLRs, none refused" end; $obs; $exp)'
