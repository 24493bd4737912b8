#!/bin/bash
# Host-side judge of inject-kill. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
jq -n -L "$(dirname "$0")/../lib" --argjson during "$(cat "$run/links-during")" --argjson after "$(cat "$run/links-after")" \
	--argjson ms "$(cat "$run/detach-ms")" --argjson progs "$(cat "$run/progs-after")" \
	--argjson freed "$(cat "$run/freed-ms")" \
	--slurpfile b "$run/flr-before.json" --slurpfile d "$run/flr-during.json" \
	--slurpfile a "$run/flr-after.json" 'include "verdict";
	
	{
	  links_while_running: $during, links_after_kill: $after, links_gone_ms: $ms,
	  programs_after_kill: $progs, programs_freed_ms: $freed,
	  unmap_mean_us: {before: ($b[0].unmap.mean_ns / 1000), during: ($d[0].unmap.mean_ns / 1000),
	                  after: ($a[0].unmap.mean_ns / 1000)},
	  unmap_median_us: {before: ($b[0].unmap.p50_ns / 1000), during: ($d[0].unmap.p50_ns / 1000),
	                    after: ($a[0].unmap.p50_ns / 1000)}
	} as $obs |
	{unmap_median_us: "during >= before + 700; in the half second right after the kill <= before + 100 (or 1.5x)",
	 links_after_kill: 0, programs_after_kill: 0,
	 links_gone_ms: "reported (the kernel tears tracing links down one by one; seconds under TCG)"} as $exp |
	[ (if $obs.links_while_running < 1 then "no link was attached while running" else empty end),
	  (if $obs.links_after_kill != 0 then "\($obs.links_after_kill) links left \($obs.links_gone_ms) ms after kill -9" else empty end),
	  (if $obs.programs_after_kill != 0 then "\($obs.programs_after_kill) programs left \($obs.programs_freed_ms) ms after kill -9" else empty end),
	  (if $obs.unmap_median_us.during < $obs.unmap_median_us.before + 700 then "injection did not slow unmaps: median \($obs.unmap_median_us)" else empty end),
	  (if $obs.unmap_median_us.after > ([$obs.unmap_median_us.before + 100, 1.5 * $obs.unmap_median_us.before] | max) then "latency not back to baseline: median \($obs.unmap_median_us)" else empty end)
	] as $bad |
	verdict($bad; "injection stopped at once (heartbeat); links gone \($obs.links_gone_ms) ms, programs freed \($obs.programs_freed_ms) ms after kill -9; median unmap latency \($obs.unmap_median_us.before | round) -> \($obs.unmap_median_us.during | round) -> \($obs.unmap_median_us.after | round) us"; $obs; $exp)'
