#!/bin/bash
# Host-side judge of the atsflr scenario. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
jq -s -L "$(dirname "$0")/../lib" --argjson iommufd "$(cat "$run/has_iommufd")" 'include "verdict";
	
	(map({(.name): .}) | add) as $c |
	def rc($n): $c[$n].rc;
	def err($n): $c[$n].stderr;
	{
	  no_such_device: {rc: rc("no_such_device"), stderr: err("no_such_device")},
	  bad_bdf: {rc: rc("bad_bdf"), stderr: err("bad_bdf")},
	  bad_option: {rc: rc("bad_option"), stderr: err("bad_option")},
	  not_vfio: {rc: rc("not_vfio"), stderr: err("not_vfio")},
	  legacy: {rc: rc("legacy"), resets: $c.legacy.report.reset.ok, unmaps: $c.legacy.report.unmap.ok},
	  iommufd: {rc: rc("iommufd"), stderr: err("iommufd"),
	            resets: ($c.iommufd.report.reset.ok // 0), unmaps: ($c.iommufd.report.unmap.ok // 0)},
	  hot_reset: {rc: rc("hot_reset"), resets: $c.hot_reset.report.reset.ok,
	              errors: $c.hot_reset.report.reset.errors},
	  replace: {rc: rc("replace"), stderr: err("replace"),
	            replaces: ($c.replace.report.replace.ok // 0), replace_errors: ($c.replace.report.replace.errors // {})},
	  kernel_has_iommufd: $iommufd
	} as $obs |
	{
	  errors: "exit 2 with a message naming the problem",
	  legacy: "exit 0, resets and unmaps > 0", hot_reset: "exit 0, hot resets > 0",
	  iommufd: (if $iommufd then "exit 0, resets and unmaps > 0" else "exit 2: no iommufd" end),
	  replace: (if $iommufd then "exit 0, replaces > 0" else "exit 2: no iommufd" end)
	} as $exp |
	[ (if $obs.no_such_device.rc != 2 or ($obs.no_such_device.stderr | test("no such PCI device") | not) then "missing device not reported" else empty end),
	  (if $obs.bad_bdf.rc != 2 or ($obs.bad_bdf.stderr | test("BDF") | not) then "malformed BDF not reported" else empty end),
	  (if $obs.bad_option.rc != 2 or ($obs.bad_option.stderr | test("unknown option") | not) then "unknown option not reported" else empty end),
	  (if $obs.not_vfio.rc != 2 or ($obs.not_vfio.stderr | test("vfio-pci") | not) then "device not on vfio-pci not reported" else empty end),
	  (if $obs.legacy.rc != 0 or $obs.legacy.resets < 1 or $obs.legacy.unmaps < 1 then "legacy mode did not run" else empty end),
	  (if $obs.hot_reset.rc != 0 or $obs.hot_reset.resets < 1 then "hot reset did not run: \($obs.hot_reset.errors)" else empty end),
	  (if $iommufd then
	     (if $obs.iommufd.rc != 0 or $obs.iommufd.resets < 1 or $obs.iommufd.unmaps < 1 then "iommufd mode did not run: \($obs.iommufd.stderr)" else empty end),
	     (if $obs.replace.rc != 0 or $obs.replace.replaces < 1 then "replace did not run: \($obs.replace.stderr)" else empty end)
	   else
	     (if $obs.iommufd.rc != 2 or ($obs.iommufd.stderr | test("iommufd") | not) then "missing iommufd not reported" else empty end),
	     (if $obs.replace.rc != 2 then "replace without iommufd not refused" else empty end)
	   end)
	] as $bad |
	verdict($bad; "errors reported with exit 2; every mode this kernel offers ran"; $obs; $exp)' "$run/cases.ndjson"
