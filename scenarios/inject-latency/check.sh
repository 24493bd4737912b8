#!/bin/bash
# Host-side judge of inject-latency. Usage: check.sh RUN_DIR
set -euo pipefail
run=$1
dev=0000:01:00.0
delay_ns=$(( $(sed 's/us$//' "$run/delay") * 1000 ))
jq -n -L "$(dirname "$0")/../lib" --arg dev "$dev" --argjson delay "$delay_ns" \
	--slurpfile b "$run/atstrace-base.ndjson" --slurpfile i "$run/atstrace-inject.ndjson" \
	--slurpfile fb "$run/flr-base.json" --slurpfile fi "$run/flr-inject.json" 'include "verdict";
	
	def summary(x): x | map(select(.type == "summary")) | .[0];
	def hist(x): x | map(select(.type == "hist" and .device == $dev and .kind == "inv_latency")) | .[0].buckets;
	def at_least(h; t): [h[] | select(.low >= t) | .count] | add // 0;
	def total(h): [h[].count] | add // 0;
	(summary($i).injection) as $inj |
	(summary($i).devices[$dev].submissions) as $subs |
	{
	  delayed: $inj.delayed, injected_ms: ($inj.injected_ns / 1e6),
	  submissions_inject: $subs,
	  unmap_mean_us: {base: ($fb[0].unmap.mean_ns / 1000), inject: ($fi[0].unmap.mean_ns / 1000)},
	  unmap_median_us: {base: ($fb[0].unmap.p50_ns / 1000), inject: ($fi[0].unmap.p50_ns / 1000)},
	  unmap_shift_us: (($fi[0].unmap.p50_ns - $fb[0].unmap.p50_ns) / 1000),
	  delayed_share: (([$inj.delayed, $fi[0].unmap.ok] | min) / $fi[0].unmap.ok),
	  injected_per_unmap_us: ($inj.injected_ns / 1000 / $fi[0].unmap.ok),
	  hist_share_above_131us: {base: (at_least(hist($b); 131072) / total(hist($b))),
	                           inject: (at_least(hist($i); 131072) / total(hist($i)))},
	  mean_injected_us: ($inj.injected_ns / ([$inj.delayed, 1] | max) / 1000)
	} as $obs |
	{delayed: "== min(--inject-max 1000, submissions)",
	 delayed_share: ">= 0.55 (so the median unmap is a delayed one)",
	 unmap_shift_us: "median moves >= 0.7 x the request, <= 1.5 x mean_injected_us (the spin measured)",
	 mean_injected_us: "delay .. 2 x delay (a spin overshoots when the host deschedules the vCPU)",
	 hist_share_above_131us: "moves up by the delayed share"} as $exp |
	[ (if $obs.delayed != ([1000, $subs] | min) then "delayed \($obs.delayed), expected \([1000, $subs] | min)" else empty end),
	  (if $obs.delayed_share < 0.55 then "only \($obs.delayed_share * 100 | round)% of unmaps delayed: the median cannot show the delay" else empty end),
	  (if $obs.unmap_shift_us < 0.7 * $delay / 1000 or $obs.unmap_shift_us > 1.5 * $obs.mean_injected_us then "median unmap latency moved \($obs.unmap_shift_us) us, expected \($delay / 1000) us (\($obs.mean_injected_us) us spun per delay)" else empty end),
	  (if $obs.mean_injected_us < $delay / 1000 or $obs.mean_injected_us > 2 * $delay / 1000 then "each delay lasted \($obs.mean_injected_us) us on average" else empty end),
	  (if $obs.hist_share_above_131us.inject - $obs.hist_share_above_131us.base < 0.8 * ([$obs.delayed, $subs] | min) / $subs then "the latency histogram did not move: \($obs.hist_share_above_131us)" else empty end)
	] as $bad |
	verdict($bad; "\($obs.delayed) completions delayed \($obs.mean_injected_us * 10 | round / 10) us each; median unmap latency +\($obs.unmap_shift_us | round) us (requested +\($delay / 1000 | round))"; $obs; $exp)'
