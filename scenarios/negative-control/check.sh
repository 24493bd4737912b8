#!/bin/bash
# Host-side judge of the negative control. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
dev=0000:01:00.0
disk=0000:02:00.0
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --arg disk "$disk" \
	--argjson fio_rc "$(cat "$run/fio.rc")" \
	--slurpfile ats "$run/atstrace.json" \
	--slurpfile ora "$run/oracle.json" \
	--slurpfile fio "$run/fio.json" 'include "verdict";
	
	($ats | map(select(.type == "summary")) | .[0]) as $s |
	missed_slack($ora[0]; $s) as $slack |
	{
	  fio_exit: $fio_rc,
	  fio_io: ($fio[0].jobs[0].read.total_ios + $fio[0].jobs[0].write.total_ios),
	  disk: {invalidations: ($s.devices[$disk].invalidations // 0),
	         flagged: (($s.devices[$disk].in_window // 0) + ($s.devices[$disk].in_flight_at_open // 0)),
	         oracle_invalidations: ($ora[0].devices[$disk].devtlb_descriptors // 0),
	         oracle_flagged: (($ora[0].devices[$disk].in_window // 0) + ($ora[0].devices[$disk].in_flight_at_open // 0))},
	  reset_device_windows: (($s.devices[$dev].windows // {}) | add // 0),
	  missed_submissions: {oracle: $ora[0].qi_submit_missed, atstrace: $s.submit_recursion_misses}
	} as $obs |
	{fio_exit: 0, disk: {invalidations: "> 0, == oracle (but for submissions either missed)", flagged: 0, oracle_flagged: 0},
	 reset_device_windows: "> 0"} as $exp |
	[ (if $obs.fio_exit != 0 or $obs.fio_io < 1 then "fio did no I/O (exit \($obs.fio_exit))" else empty end),
	  (if $obs.disk.invalidations < 1 then "no invalidation to the disk: the control tested nothing" else empty end),
	  (if ($obs.disk.invalidations - $obs.disk.oracle_invalidations | fabs) > $slack then "disk invalidations: atstrace \($obs.disk.invalidations), oracle \($obs.disk.oracle_invalidations)" else empty end),
	  (if $obs.disk.flagged != 0 then "atstrace flagged \($obs.disk.flagged) of the disk invalidations" else empty end),
	  (if $obs.disk.oracle_flagged != 0 then "the oracle put \($obs.disk.oracle_flagged) disk invalidations in a window" else empty end),
	  (if $obs.reset_device_windows < 1 then "no reset window on \($dev)" else empty end)
	] as $bad |
	verdict($bad; "\($obs.disk.invalidations) disk invalidations during \($obs.reset_device_windows) reset windows of the other device, none flagged"; $obs; $exp)'
