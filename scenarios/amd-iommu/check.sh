#!/bin/bash
# Host-side judge of the AMD-Vi run. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
rc() { cat "$run/$1" 2>/dev/null || echo -1; }
jq -n -L "$(dirname "$0")/../lib" 'include "verdict";
	($facts[0] // {}) as $f | ($flr[0] // {}) as $a |
	($trace | map(select(.type == "summary")) | .[0] // {}) as $s |
	($trace | map(select(.type == "program_stats")) | .[0].programs // []) as $p |
	def runs($n): ($p | map(select(.name == $n)) | .[0].run_cnt // 0);
	{
	  iommus: $f.iommus,
	  plan_rc: $plan_rc,
	  plan_amd_rows: ($plan | split("\n") | map(select(test("__iommu_queue_command_sync|amd_iommu_domain_flush_pages") and test(" attach"))) | length),
	  plan_vtd_rows: ($plan | split("\n") | map(select(test("qi_submit_sync") and test(" attach"))) | length),
	  atstrace_rc: $rc,
	  verdict: $s.verdict,
	  ats_enabled: ($a.devices[0].ats_before.enabled // null),
	  flrs: ($a.reset.ok // 0),
	  windows: ([$s.devices[]?.windows | to_entries[] | .value] | add // 0),
	  invalidations: ([$s.devices[]?.invalidations] | add // 0),
	  delayed: ($s.injection.delayed // -1),
	  amd_submit_runs: runs("amd_submit_fentry"),
	  amd_complete_runs: runs("amd_complete_pages_fexit"),
	  err: ($err | .[-300:])
	} as $obs |
	{iommus: "ivhd*", plan: "AMD rows attach, no VT-d row", program_runs: "> 0 each",
	 windows: ">= FLRs", without_ats: "exit 3, 0 invalidations, 0 delayed"} as $exp |
	[ (if ($obs.iommus | map(select(startswith("ivhd"))) | length) == 0 then "no AMD-Vi unit: \($obs.iommus)" else empty end),
	  (if $obs.plan_rc != 0 or $obs.plan_amd_rows != 2 or $obs.plan_vtd_rows != 0 then "plan: exit \($obs.plan_rc), \($obs.plan_amd_rows) AMD rows, \($obs.plan_vtd_rows) VT-d rows" else empty end),
	  (if $obs.amd_submit_runs == 0 or $obs.amd_complete_runs == 0 then "AMD programs did not run: submit \($obs.amd_submit_runs), complete \($obs.amd_complete_runs) (\($obs.err))" else empty end),
	  (if $obs.flrs < 5 or $obs.windows < $obs.flrs then "\($obs.windows) windows for \($obs.flrs) FLRs" else empty end),
	  (if $obs.ats_enabled == true then
	     (if $obs.invalidations == 0 or ($obs.atstrace_rc != 0 and $obs.atstrace_rc != 1) then "ATS on but \($obs.invalidations) invalidations, exit \($obs.atstrace_rc)" else empty end)
	   else
	     (if $obs.atstrace_rc != 3 or $obs.invalidations != 0 or $obs.delayed != 0 then "without ATS: exit \($obs.atstrace_rc), \($obs.invalidations) invalidations, \($obs.delayed) delayed" else empty end)
	   end)
	] as $bad |
	verdict($bad; "AMD-Vi: plan and programs load; \($obs.amd_submit_runs) commands and \($obs.amd_complete_runs) flush completions traced, \($obs.windows) windows for \($obs.flrs) FLRs; ATS \(if $obs.ats_enabled then "on" else "off (QEMU): exit \($obs.atstrace_rc), nothing to judge, nothing injected" end)"; $obs; $exp)' \
	--slurpfile facts "$run/facts.json" --slurpfile flr "$run/atsflr.json" \
	--slurpfile trace "$run/atstrace.ndjson" --rawfile plan "$run/plan.txt" \
	--rawfile err "$run/atstrace.err" \
	--argjson plan_rc "$(rc plan.rc)" --argjson rc "$(rc atstrace.rc)"
