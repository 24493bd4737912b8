#!/bin/bash
# Host-side judge of atstrace's command-line contract. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
jq -s -L "$(dirname "$0")/../lib" 'include "verdict";
	
	(map({(.name): .}) | add) as $c |
	{
	  list_probes: {rc: $c.list_probes.rc,
	                plan_rows: ($c.list_probes.out | split("\n") | map(select(test(" attach"))) | length),
	                missing_required: ($c.list_probes.out | test("MISSING \\(required\\)"))},
	  unknown_option: {rc: $c.unknown_option.rc, err: $c.unknown_option.err},
	  bad_device: {rc: $c.bad_device.rc, err: $c.bad_device.err},
	  bad_duration: {rc: $c.bad_duration.rc, err: $c.bad_duration.err},
	  no_privileges: {rc: $c.no_privileges.rc, err: $c.no_privileges.err},
	  vacuous: {rc: $c.vacuous.rc, out: $c.vacuous.out},
	  command_missing: {rc: $c.command_missing.rc},
	  programs_left_attached: ($c.bpf_left_behind.out | gsub("\\s"; "") | tonumber? // -1)
	} as $obs |
	{list_probes: "exit 0, required rows attach", errors: "exit 2 with a message",
	 vacuous: "exit 3, INCONCLUSIVE verdict", programs_left_attached: 0} as $exp |
	[ (if $obs.list_probes.rc != 0 or $obs.list_probes.plan_rows < 5 or $obs.list_probes.missing_required then "probe plan: exit \($obs.list_probes.rc), \($obs.list_probes.plan_rows) rows attach" else empty end),
	  (if $obs.unknown_option.rc != 2 or ($obs.unknown_option.err | test("unknown option") | not) then "unknown option not reported" else empty end),
	  (if $obs.bad_device.rc != 2 or ($obs.bad_device.err | test("invalid device") | not) then "malformed BDF not reported" else empty end),
	  (if $obs.bad_duration.rc != 2 or ($obs.bad_duration.err | test("invalid duration") | not) then "malformed duration not reported" else empty end),
	  (if $obs.no_privileges.rc != 2 or ($obs.no_privileges.err | test("permission denied") | not) then "missing privileges not reported: \($obs.no_privileges.err)" else empty end),
	  (if $obs.vacuous.rc != 3 or ($obs.vacuous.out | test("INCONCLUSIVE") | not) then "a run with no reset did not exit 3" else empty end),
	  (if $obs.command_missing.rc != 2 then "--assert without a command not refused" else empty end),
	  (if $obs.programs_left_attached != 0 then "programs left attached after exit: \($obs.programs_left_attached)" else empty end)
	] as $bad |
	verdict($bad; "plan resolves; errors exit 2 with a message; a vacuous run exits 3; nothing left attached"; $obs; $exp)' "$run/cases.ndjson"
