#!/bin/bash
# make bench's figures from a bench run's raw rounds, into RUN_DIR/figures.json
# (report.sh prints them). Usage: figures.sh RUN_DIR
set -euo pipefail
run=$1
jq -n --slurpfile rows "$run/bench.ndjson" --slurpfile floor "$run/floor.json" \
	--slurpfile bt "$run/bpftrace-progs.json" \
	--slurpfile stats "$run/stats.ndjson" --slurpfile storm "$run/storm.ndjson" '
	# medians over the rounds: one descheduled vCPU moves a mean, not a median
	def median(f): map(f) | sort | if length % 2 == 1 then .[length / 2 | floor]
	                              else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	($rows | group_by(.mode) | map({(.[0].mode): {unmaps_per_s: median(.unmaps_per_s),
	                                              iops: median(.iops),
	                                              unmap_p50_ns: median(.unmap_p50_ns),
	                                              read_p50_ns: median(.read_p50_ns),
	                                              runs: length}}) | add) as $m |
	def ratio(mode; k): ($m[mode][k] / $m.none[k]);
	# each mode against the untraced run of the same round (drift cancels),
	# and how far the untraced runs alone spread: the noise floor of the lab
	def paired(mode; k): [$rows | group_by(.round)[] |
	                      (map(select(.mode == mode))[0][k] / map(select(.mode == "none"))[0][k])] |
	                     sort | {median: (if length % 2 == 1 then .[length / 2 | floor]
	                                      else (.[length / 2 - 1] + .[length / 2]) / 2 end),
	                             min: min, max: max};
	def spread(k): [$rows[] | select(.mode == "none") | .[k]] | (max - min) / (add / length);
	def added(mode; k): ($m[mode][k] - $m.none[k]);
	($stats | map(select(.type == "program_stats")) | .[0].programs) as $progs |
	($progs | map(select(.name == "vtd_submit_fentry")) | .[0]) as $sub |
	($progs | map(select(.name == "vtd_complete_fexit")) | .[0]) as $cmp |
	($floor[0].programs[0]) as $fl |
	# bpftrace names its programs after the probe: the qi_submit_sync kprobe
	($bt[0] | map(select(.type == "kprobe" and (.name | test("qi_sub"))
	                     and (.run_cnt // 0) > 0)) | .[0] // {}) as $btp |
	($storm | map(select(.type == "summary")) | .[0]) as $st |
	{
	  modes: $m,
	  ratio_vs_untraced: {
	    atstrace: {unmaps: ratio("atstrace"; "unmaps_per_s"), iops: ratio("atstrace"; "iops")},
	    atstrace_hist: {unmaps: ratio("hist"; "unmaps_per_s"), iops: ratio("hist"; "iops")},
	    bpftrace: {unmaps: ratio("bpftrace"; "unmaps_per_s"), iops: ratio("bpftrace"; "iops")}
	  },
	  # null when bpftrace itself showed no cost: noise, nothing to divide by
	  cost_vs_bpftrace: {
	    unmaps: (if ratio("bpftrace"; "unmaps_per_s") < 1
	             then (1 - ratio("atstrace"; "unmaps_per_s")) / (1 - ratio("bpftrace"; "unmaps_per_s"))
	             else null end),
	    iops: (if ratio("bpftrace"; "iops") < 1
	           then (1 - ratio("atstrace"; "iops")) / (1 - ratio("bpftrace"; "iops")) else null end)
	  },
	  paired_ratio: {
	    atstrace: {unmaps: paired("atstrace"; "unmaps_per_s"), iops: paired("atstrace"; "iops")},
	    atstrace_hist: {unmaps: paired("hist"; "unmaps_per_s"), iops: paired("hist"; "iops")},
	    bpftrace: {unmaps: paired("bpftrace"; "unmaps_per_s"), iops: paired("bpftrace"; "iops")}
	  },
	  untraced_spread: {unmaps: spread("unmaps_per_s"), iops: spread("iops")},
	  # the time each operation gains, from median latencies (less noisy
	  # than throughput on a shared host)
	  added_latency_ns: {
	    atstrace: {unmap: added("atstrace"; "unmap_p50_ns"), read: added("atstrace"; "read_p50_ns")},
	    atstrace_hist: {unmap: added("hist"; "unmap_p50_ns"), read: added("hist"; "read_p50_ns")},
	    bpftrace: {unmap: added("bpftrace"; "unmap_p50_ns"), read: added("bpftrace"; "read_p50_ns")}
	  },
	  # a program that never ran has no cost to report
	  per_run_ns: {floor_fentry: (if ($fl.run_cnt // 0) > 0 then $fl.ns_per_run else null end),
	               vtd_submit_fentry: (if ($sub.run_cnt // 0) > 0 then $sub.ns_per_run else null end),
	               vtd_complete_fexit: (if ($cmp.run_cnt // 0) > 0 then $cmp.ns_per_run else null end),
	               bpftrace_kprobe: (if ($btp.run_cnt // 0) > 0 then $btp.run_time_ns / $btp.run_cnt else null end),
	               recursion_misses: ([$progs[].recursion_misses] | add)},
	  storm: {flagged: ([$st.devices[] | .in_window + .in_flight_at_open] | add),
	          events: ($storm | map(select(.type == "invalidation")) | length),
	          events_shed: $st.events_shed, ringbuf_drops: $st.ringbuf_drops}
	} as $b |
	$b | . + {
	  targets: {
	    atstrace_throughput_ge_0_98: ([.ratio_vs_untraced.atstrace.unmaps, .ratio_vs_untraced.atstrace.iops] | min >= 0.98),
	    atstrace_cost_le_half_bpftrace: (if [.cost_vs_bpftrace.unmaps, .cost_vs_bpftrace.iops] | any(. == null)
	                                     then null
	                                     else [.cost_vs_bpftrace.unmaps, .cost_vs_bpftrace.iops] | max <= 0.5 end),
	    atstrace_programs_le_half_bpftrace: (.per_run_ns.bpftrace_kprobe != null and
	      .per_run_ns.vtd_submit_fentry != null and .per_run_ns.vtd_complete_fexit != null and
	      .per_run_ns.vtd_submit_fentry + .per_run_ns.vtd_complete_fexit <= 0.5 * .per_run_ns.bpftrace_kprobe),
	    atstrace_latency_le_half_bpftrace: (.added_latency_ns.bpftrace.unmap > 0 and
	      .added_latency_ns.atstrace.unmap <= 0.5 * .added_latency_ns.bpftrace.unmap),
	    zero_drops: (.storm.ringbuf_drops == 0)
	  }
	}' >"$run/figures.json"
