#!/bin/bash
# Host-side summary of the bench. Usage: check.sh RUN_DIR
# Prints the verdict JSON; the figures go to RUN_DIR/bench.json.
set -euo pipefail
run=$1
jq -n --slurpfile rows "$run/bench.ndjson" --slurpfile floor "$run/floor.json" \
	--slurpfile stats "$run/stats.ndjson" --slurpfile storm "$run/storm.ndjson" '
	def mean(f): (map(f) | add) / length;
	($rows | group_by(.mode) | map({(.[0].mode): {unmaps_per_s: mean(.unmaps_per_s), iops: mean(.iops),
	                                              runs: length}}) | add) as $m |
	def ratio(mode; k): ($m[mode][k] / $m.none[k]);
	($stats | map(select(.type == "program_stats")) | .[0].programs) as $progs |
	($progs | map(select(.name == "vtd_submit_fentry")) | .[0]) as $sub |
	($progs | map(select(.name == "vtd_complete_fexit")) | .[0]) as $cmp |
	($floor[0].programs[0]) as $fl |
	($storm | map(select(.type == "summary")) | .[0]) as $st |
	{
	  modes: $m,
	  ratio_vs_untraced: {
	    atstrace: {unmaps: ratio("atstrace"; "unmaps_per_s"), iops: ratio("atstrace"; "iops")},
	    atstrace_hist: {unmaps: ratio("hist"; "unmaps_per_s"), iops: ratio("hist"; "iops")},
	    bpftrace: {unmaps: ratio("bpftrace"; "unmaps_per_s"), iops: ratio("bpftrace"; "iops")}
	  },
	  cost_vs_bpftrace: {
	    unmaps: ((1 - ratio("atstrace"; "unmaps_per_s")) / (1 - ratio("bpftrace"; "unmaps_per_s"))),
	    iops: ((1 - ratio("atstrace"; "iops")) / (1 - ratio("bpftrace"; "iops")))
	  },
	  per_run_ns: {floor_fentry: $fl.ns_per_run, vtd_submit_fentry: $sub.ns_per_run,
	               vtd_complete_fexit: $cmp.ns_per_run,
	               recursion_misses: ([$progs[].recursion_misses] | add)},
	  storm: {flagged: ([$st.devices[] | .in_window + .in_flight_at_open] | add),
	          events: ($storm | map(select(.type == "invalidation")) | length),
	          events_shed: $st.events_shed, ringbuf_drops: $st.ringbuf_drops}
	} as $b |
	$b | . + {
	  targets: {
	    atstrace_throughput_ge_0_98: ([.ratio_vs_untraced.atstrace.unmaps, .ratio_vs_untraced.atstrace.iops] | min >= 0.98),
	    atstrace_cost_le_half_bpftrace: ([.cost_vs_bpftrace.unmaps, .cost_vs_bpftrace.iops] | max <= 0.5),
	    zero_drops: (.storm.ringbuf_drops == 0)
	  }
	}' >"$run/bench.json"
jq '{verdict: (if .storm.ringbuf_drops == 0 and .storm.events + .storm.events_shed == .storm.flagged and .per_run_ns.floor_fentry > 0
               then "pass" else "fail" end),
     reason: "unmaps x\(.ratio_vs_untraced.atstrace.unmaps * 1000 | round / 1000) with atstrace, x\(.ratio_vs_untraced.bpftrace.unmaps * 1000 | round / 1000) with bpftrace; \(.per_run_ns.vtd_submit_fentry | round) ns/run vs floor \(.per_run_ns.floor_fentry | round) ns; ring buffer drops \(.storm.ringbuf_drops)",
     observed: ., expected: {ringbuf_drops: 0, "events + events_shed == flagged": true}}' "$run/bench.json"
