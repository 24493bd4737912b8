#!/bin/bash
# Host-side judge of the smoke scenario. Usage: check.sh RUN_DIR
# Prints {"verdict","reason","observed","expected"}.
set -euo pipefail
run=$1
dev=0000:01:00.0
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" \
	--slurpfile facts "$run/facts.json" \
	--slurpfile flr "$run/atsflr.json" \
	--slurpfile ora "$run/oracle.json" \
	--slurpfile ats "$run/atstrace.json" \
	--arg flr_rc "$(cat "$run/atsflr.rc")" 'include "verdict";
	
	($facts[0]) as $f | ($flr[0]) as $w | ($ora[0]) as $o | ($ats | map(select(.type == "summary")) | .[0]) as $a |
	($w.devices[] | select(.bdf == $dev)) as $d |
	{
	  iommu_units: ($f.iommus | length),
	  iommu_groups: $f.iommu_groups,
	  ats_enabled: ($d.ats_before.enabled == true),
	  atsflr_exit: ($flr_rc | tonumber),
	  resets_ok: $w.reset.ok,
	  reset_errors: $w.reset.errors,
	  unmaps_ok: $w.unmap.ok,
	  oracle_qi_submit_calls: $o.qi_submit.calls,
	  oracle_devtlb_to_device: ($o.devices[$dev].devtlb_descriptors // 0),
	  oracle_reset_windows: ($o.devices[$dev].windows // 0),
	  oracle_overrun: $o.overrun,
	  atstrace_devtlb_to_device: ($a.devices[$dev].invalidations // 0),
	  missed_submissions: {oracle: ($o.qi_submit_missed // 0), atstrace: ($a.submit_recursion_misses // 0)}
	} as $obs |
	missed_slack($o; $a) as $slack |
	{
	  iommu_units: ">= 1", ats_enabled: true, atsflr_exit: 0, resets_ok: "> 0",
	  unmaps_ok: "> 0", oracle_devtlb_to_device: "> 0", oracle_reset_windows: "> 0",
	  oracle_overrun: 0, atstrace_devtlb_to_device: "== oracle_devtlb_to_device, but for submissions either missed"
	} as $exp |
	[ (if $obs.iommu_units < 1 then "no IOMMU unit in /sys/class/iommu" else empty end),
	  (if $obs.ats_enabled | not then "ATS is not enabled on \($dev)" else empty end),
	  (if $obs.atsflr_exit != 0 then "atsflr exited \($obs.atsflr_exit)" else empty end),
	  (if $obs.resets_ok < 1 then "no VFIO_DEVICE_RESET succeeded" else empty end),
	  (if $obs.unmaps_ok < 1 then "no DMA unmap succeeded" else empty end),
	  (if $obs.oracle_devtlb_to_device < 1 then "the oracle saw no device-TLB invalidation to \($dev)" else empty end),
	  (if $obs.oracle_reset_windows < 1 then "the oracle saw no reset of \($dev)" else empty end),
	  (if $obs.oracle_overrun != 0 then "the oracle lost \($obs.oracle_overrun) trace events" else empty end),
	  (if ($obs.atstrace_devtlb_to_device - $obs.oracle_devtlb_to_device | fabs) > $slack then "atstrace counted \($obs.atstrace_devtlb_to_device) device-TLB invalidations, the oracle \($obs.oracle_devtlb_to_device)" else empty end)
	] as $bad |
	verdict($bad; "IOMMU on, ATS enabled, FLR storm ran, oracle saw device-TLB invalidations"; $obs; $exp)'
