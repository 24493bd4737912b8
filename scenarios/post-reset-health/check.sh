#!/bin/bash
# Host-side judge of post-reset-health. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
jq -n -L "$(dirname "$0")/../lib" --slurpfile b "$run/net-before.json" --slurpfile a "$run/net-after.json" \
	--slurpfile flr "$run/flr.json" --slurpfile hot "$run/hot.json" \
	--argjson sysfs "$(cat "$run/sysfs-resets-ok")" 'include "verdict";
	
	{
	  resets_ok: {flr: $flr[0].reset.ok, hot: $hot[0].reset.ok, sysfs: $sysfs},
	  before: $b[0].before, after: $a[0].after
	} as $obs |
	def moved($x): $x.gateway_lladdr != "" and $x.rx_packets > 0 and $x.tx_packets > 0;
	{resets_ok: {flr: "> 0", hot: "> 0", sysfs: 3},
	 after: {driver: "virtio-pci", ats: "enable=1, STU as before", gateway_lladdr: "learnt (ARP reply received)",
	         rx_packets: "> 0", tx_packets: "> 0"}} as $exp |
	[ (if $obs.resets_ok.flr < 1 or $obs.resets_ok.hot < 1 or $obs.resets_ok.sysfs != 3 then "resets: \($obs.resets_ok)" else empty end),
	  (if ($obs.before | moved(.)) | not then "the NIC moved no packets even before any reset: the check proves nothing (\($obs.before))" else empty end),
	  (if $obs.after.driver != "virtio-pci" then "after: bound to \($obs.after.driver)" else empty end),
	  (if ($obs.after.ats | startswith("enable=1")) | not then "after: ATS \($obs.after.ats)" else empty end),
	  (if $obs.after.ats != $obs.before.ats then "after: ATS control \($obs.after.ats), before \($obs.before.ats)" else empty end),
	  (if ($obs.after | moved(.)) | not then "after: no packets through the NIC (\($obs.after))" else empty end)
	] as $bad |
	verdict($bad; "after \($obs.resets_ok.flr) FLRs, \($obs.resets_ok.hot) hot and \($obs.resets_ok.sysfs) sysfs resets: ATS \($obs.after.ats), gateway \($obs.after.gateway_lladdr), ping exit \($obs.after.ping_exit), rx \($obs.after.rx_packets)/tx \($obs.after.tx_packets)"; $obs; $exp)'
