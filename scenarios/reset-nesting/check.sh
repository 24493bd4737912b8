#!/bin/bash
# Host-side judge of reset-nesting (lab-6.12 only). Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
dev=0000:01:00.0
lib=$(dirname "$0")/../lib
# the trace of one stage: from its marker to the next one
segment() { awk -v s="atsnest-stage $1" '/atsnest-stage / { on = index($0, s) > 0; next } on' "$run/oracle.trace"; }
# the module's own reset events (a VFIO close may reset the device meanwhile);
# invalidations from every task
mine() { awk '!/ (prep|prep_r|done|flr|flr_r|attach_device_to_domain|dev_reset_[a-z_]*): / || $1 ~ /^insmod-/'; }
nest=$(segment nest | mine | awk -v dev=$dev -f "$lib/reset-trace.awk")
unbal=$(segment unbalanced | mine | awk -v dev=$dev -f "$lib/reset-trace.awk")
line() { grep -o "atsnest: $1 .*" "$run/dmesg.txt" | tail -1; }
kv() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
n=$(line nest); u=$(line unbalanced); r=$(line unready); v=$(line recover)
jq -n -L "$lib" --argjson nest "$nest" --argjson unbal "$unbal" \
	--arg n "$n" --arg u "$u" --arg r "$r" --arg v "$v" \
	--rawfile rcs "$run/insmod.rc" \
	--argjson churn_rc "$(cat "$run/churn.rc")" \
	--argjson blocked_rc "$(cat "$run/open-blocked.rc")" --rawfile blocked_err "$run/open-blocked.err" \
	--argjson recovered_rc "$(cat "$run/open-recovered.rc")" \
	--argjson warnings "$(grep -c 'unbalanced IOMMU reset done' "$run/dmesg.txt" || true)" \
	--argjson unready_msgs "$(grep -c 'not ready after reset; DMA stays blocked' "$run/dmesg.txt" || true)" \
	--argjson ready_msgs "$(grep -c 'ready after reset; DMA restored' "$run/dmesg.txt" || true)" \
	--slurpfile ora "$run/oracle.json" --slurpfile rec "$run/open-recovered.json" 'include "verdict";
	
	def kv($s): $s | split(" ") | map(select(test("=")) | split("=") | {(.[0]): (.[1] | tonumber)}) | add // {};
	{
	  insmod: ($rcs | split("\n") | map(select(. != "") | split(" ") | {(.[0]): (.[1] | tonumber)}) | add),
	  nest: (kv($n) + {trace: $nest}),
	  unbalanced: (kv($u) + {warnings: $warnings, trace_done_errors: $unbal.tp_done_errors, trace_dones: $unbal.dones}),
	  unready: (kv($r) + {messages: $unready_msgs, vfio_open_exit: $blocked_rc,
	            vfio_open_error: ($blocked_err | split("\n") | map(select(. != "")) | last)}),
	  recover: (kv($v) + {messages: $ready_msgs, vfio_open_exit: $recovered_rc,
	            ats_after_open: $rec[0].devices[0].ats_after.enabled}),
	  churn_exit: $churn_rc,
	  oracle: ($ora[0].devices["0000:01:00.0"] // {} |
	           {devtlb: (.devtlb_descriptors // 0), windows: (.windows // 0),
	            flagged: ((.in_window // 0) + (.in_flight_at_open // 0))})
	} as $obs |
	{insmod: "0 for every stage",
	 nest: {prepare: 0, flr: 0, ats_before: 1, ats_after_inner_done: 0, ats_late: 0, ats_after: 1,
	        trace: "depth 2 reached; one block, one restore; no attach and no device-TLB invalidation inside the outer window"},
	 unbalanced: {warnings: 1, ats_before: "== ats_after", trace_done_errors: 2},
	 unready: {ats_after: 0, messages: 1, vfio_open_exit: "2 (EBUSY)"},
	 recover: {ats_after: 1, messages: 1, vfio_open_exit: 0, ats_after_open: true},
	 oracle: {flagged: "0 over the whole run (blocked through the outer bracket and from unready to recover)",
	          devtlb: "> 0"}} as $exp |
	$obs.nest.trace as $t |
	[ ($obs.insmod | to_entries[] | select(.value != 0) | "insmod stage=\(.key) failed (\(.value))"),
	  (if $obs.churn_exit != 0 then "map/unmap churn exited \($obs.churn_exit)" else empty end),
	  (if $obs.nest.prepare != 0 or $obs.nest.flr != 0 then "nest: prepare \($obs.nest.prepare), flr \($obs.nest.flr)" else empty end),
	  (if $obs.nest.ats_before != 1 or $obs.nest.ats_after_inner_done != 0 or $obs.nest.ats_late != 0 or $obs.nest.ats_after != 1 then "nest: ATS enabled before/after inner done/late/after = \($obs.nest.ats_before)/\($obs.nest.ats_after_inner_done)/\($obs.nest.ats_late)/\($obs.nest.ats_after), expected 1/0/0/1" else empty end),
	  (if $t.tp_max_depth != 2 then "nest: depth reached \($t.tp_max_depth), expected 2" else empty end),
	  (if $t.attaches_block != 1 or $t.attaches_restore != 1 or $t.attaches_in_window != 0 then "nest: \($t.attaches_block) blocks, \($t.attaches_restore) restores, \($t.attaches_in_window) attaches inside the window" else empty end),
	  (if $t.windows != 1 or $t.depth_at_end != 0 then "nest: \($t.windows) outer windows, depth at end \($t.depth_at_end)" else empty end),
	  (if $obs.unbalanced.warnings != 1 then "unbalanced: \($obs.unbalanced.warnings) warnings for two unbalanced dones, expected one" else empty end),
	  (if $obs.unbalanced.ats_before != $obs.unbalanced.ats_after then "unbalanced: ATS changed" else empty end),
	  (if $obs.unbalanced.trace_done_errors != 2 then "unbalanced: \($obs.unbalanced.trace_done_errors) refused dones traced" else empty end),
	  (if $obs.unready.ats_after != 0 or $obs.unready.messages != 1 then "unready: ATS \($obs.unready.ats_after), \($obs.unready.messages) messages" else empty end),
	  (if $obs.unready.vfio_open_exit != 2 or ($obs.unready.vfio_open_error // "" | test("busy"; "i") | not) then "unready: VFIO open was not refused with EBUSY: exit \($obs.unready.vfio_open_exit) \($obs.unready.vfio_open_error)" else empty end),
	  (if $obs.recover.ats_after != 1 or $obs.recover.messages != 1 then "recover: ATS \($obs.recover.ats_after), \($obs.recover.messages) messages" else empty end),
	  (if $obs.recover.vfio_open_exit != 0 or $obs.recover.ats_after_open != true then "recover: VFIO session exit \($obs.recover.vfio_open_exit), ATS \($obs.recover.ats_after_open)" else empty end),
	  (if $obs.oracle.flagged != 0 then "the oracle counted \($obs.oracle.flagged) device-TLB invalidations inside windows" else empty end),
	  (if $obs.oracle.devtlb < 1 then "no device-TLB invalidation at all: the churn proved nothing" else empty end)
	] as $bad |
	verdict($bad; "nest: depth 2, one block + one restore, ATS off until the outer done; unbalanced: 1 warning for 2 dones; unready: blocked, VFIO open refused; recover: DMA back, ATS on"; $obs; $exp)'
