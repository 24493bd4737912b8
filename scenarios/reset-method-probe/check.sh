#!/bin/bash
# Host-side judge of reset-method-probe. Usage: check.sh RUN_DIR
# EXPECT: none (no bracket while probing: the series) or brackets (the kernel
# blocks and unblocks a live device on a probe: upstream 7.x's known wart).
set -euo pipefail
run=$1
dev=0000:01:00.0
expect=${ATSTRACE_EXPECT:?no expectation given for this kernel}
# the events of the task writing reset_method (the guest's bash), between
# the markers: a VFIO open or close may reset the device meanwhile
probing() { awk '/probe-start/ { on = 1; next } /probe-end/ { on = 0 } on && $1 ~ /^bash-/' "$run/oracle.trace"; }
seg=$(probing | awk -v dev=$dev -f "$(dirname "$0")/../lib/reset-trace.awk")
preps=$(probing | grep -c ' prep: .*bus=1 devfn=0$' || true)
jq -n -L "$(dirname "$0")/../lib" --arg expect "$expect" --argjson seg "$seg" --argjson preps "$preps" \
	--rawfile writes "$run/writes" --rawfile before "$run/methods-before" --rawfile after "$run/methods-after" \
	--argjson churn_rc "$(cat "$run/churn.rc")" 'include "verdict";
	
	{
	  writes: ($writes | split("\n") | map(select(. != "") | split("=") | {(.[0]): (.[1] | tonumber)}) | add),
	  methods_before: ($before | rtrimstr("\n")), methods_after: ($after | rtrimstr("\n")),
	  prepares_while_probing: $preps, attaches_while_probing: $seg.attaches,
	  flrs_while_probing: $seg.flrs, churn_exit: $churn_rc
	} as $obs |
	{writes: "flr, bus and default accepted", methods_after: "== methods_before",
	 flrs_while_probing: 0,
	 prepares_while_probing: (if $expect == "none" then 0 else "> 0" end),
	 attaches_while_probing: (if $expect == "none" then 0 else "> 0" end)} as $exp |
	[ (if $obs.writes.flr != 0 or $obs.writes.bus != 0 or $obs.writes.default != 0 then "writes refused: \($obs.writes)" else empty end),
	  (if $obs.methods_after != $obs.methods_before then "reset_method not restored: \($obs.methods_after)" else empty end),
	  (if $obs.churn_exit != 0 then "churn exited \($obs.churn_exit)" else empty end),
	  (if $obs.flrs_while_probing != 0 then "\($obs.flrs_while_probing) FLRs while probing" else empty end),
	  (if $expect == "none" then
	     (if $preps != 0 or $obs.attaches_while_probing != 0 then "probing bracketed the device: \($preps) prepares, \($obs.attaches_while_probing) attaches" else empty end)
	   else
	     (if $preps < 1 then "no bracket while probing (expected upstream to bracket on probe)" else empty end)
	   end)
	] as $bad |
	verdict($bad; "\($obs.writes | length) reset_method writes: \($preps) prepares, \($obs.attaches_while_probing) IOMMU attaches"; $obs; $exp)'
