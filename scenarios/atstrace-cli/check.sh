#!/bin/bash
# Host-side judge of atstrace's command-line contract. Usage: check.sh RUN_DIR
set -euo pipefail
# EXPECT "series": the kernel carries kernel-patch/, whose tracepoints the
# plan must prefer (tp_btf) and the verifier must see.
run=$1
jq -s -L "$(dirname "$0")/../lib" --arg expect "${ATSTRACE_EXPECT:-}" 'include "verdict";
	
	(map({(.name): .}) | add) as $c |
	{
	  list_probes: {rc: $c.list_probes.rc,
	                plan_rows: ($c.list_probes.out | split("\n") | map(select(test(" attach"))) | length),
	                missing_required: ($c.list_probes.out | test("MISSING \\(required\\)")),
	                tp_btf_rows: ($c.list_probes.out | split("\n") | map(select(test("^[a-z_]+ +tp_btf +dev_reset_[a-z_]+ +attach$"))) | length)},
	  verify: {rc: $c.verify.rc,
	           programs: ([$c.verify.out | capture("verified: (?<n>[0-9]+) programs")][0].n // "0" | tonumber),
	           in_object: ([$c.verify.out | capture("programs of (?<n>[0-9]+)")][0].n // "0" | tonumber),
	           smmu: ($c.verify.out | test("smmu_submit_fentry") and test("smmu_complete_fexit")),
	           unverified: ([$c.verify.out | capture("not verified [^:]*: (?<n>[0-9]+)")][0].n // "-1" | tonumber),
	           tracepoint_programs_unverified: ($c.verify.out | test("not verified[^\n]*_tp")),
	           err: ($c.verify.err | .[-300:])},
	  unknown_option: {rc: $c.unknown_option.rc, err: $c.unknown_option.err},
	  bad_device: {rc: $c.bad_device.rc, err: $c.bad_device.err},
	  bad_duration: {rc: $c.bad_duration.rc, err: $c.bad_duration.err},
	  no_privileges: {rc: $c.no_privileges.rc, err: $c.no_privileges.err},
	  vacuous: {rc: $c.vacuous.rc, out: $c.vacuous.out},
	  command_missing: {rc: $c.command_missing.rc},
	  programs_left_attached: ($c.bpf_left_behind.out | gsub("\\s"; "") | tonumber? // -1)
	} as $obs |
	{list_probes: "exit 0, required rows attach", verify: "exit 0, every program of the object verified or named as not verifiable here (tracepoint or driver absent), SMMUv3 against a stand-in", errors: "exit 2 with a message",
	 vacuous: "exit 3, INCONCLUSIVE verdict", programs_left_attached: 0} as $exp |
	[ (if $obs.list_probes.rc != 0 or $obs.list_probes.plan_rows < 5 or $obs.list_probes.missing_required then "probe plan: exit \($obs.list_probes.rc), \($obs.list_probes.plan_rows) rows attach" else empty end),
	  (if $obs.verify.rc != 0 or $obs.verify.in_object == 0 or $obs.verify.programs + $obs.verify.unverified != $obs.verify.in_object or ($obs.verify.smmu | not) then "--verify: exit \($obs.verify.rc), \($obs.verify.programs) programs: \($obs.verify.err)" else empty end),
	  (if $expect == "series" and ($obs.list_probes.tp_btf_rows != 2 or $obs.verify.tracepoint_programs_unverified) then "the series: \($obs.list_probes.tp_btf_rows) tp_btf rows attach (want 2), its tracepoint programs not all verified" else empty end),
	  (if $obs.unknown_option.rc != 2 or ($obs.unknown_option.err | test("unknown option") | not) then "unknown option not reported" else empty end),
	  (if $obs.bad_device.rc != 2 or ($obs.bad_device.err | test("invalid device") | not) then "malformed BDF not reported" else empty end),
	  (if $obs.bad_duration.rc != 2 or ($obs.bad_duration.err | test("invalid duration") | not) then "malformed duration not reported" else empty end),
	  (if $obs.no_privileges.rc != 2 or ($obs.no_privileges.err | test("permission denied") | not) then "missing privileges not reported: \($obs.no_privileges.err)" else empty end),
	  (if $obs.vacuous.rc != 3 or ($obs.vacuous.out | test("INCONCLUSIVE") | not) then "a run with no reset did not exit 3" else empty end),
	  (if $obs.command_missing.rc != 2 then "--assert without a command not refused" else empty end),
	  (if $obs.programs_left_attached != 0 then "programs left attached after exit: \($obs.programs_left_attached)" else empty end)
	] as $bad |
	verdict($bad; "plan resolves; \($obs.verify.programs) programs pass the verifier; errors exit 2 with a message; a vacuous run exits 3; nothing left attached"; $obs; $exp)' "$run/cases.ndjson"
