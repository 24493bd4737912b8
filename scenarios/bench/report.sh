#!/bin/bash
# Prints build/results/bench.json as the table docs/performance.md carries.
set -euo pipefail
jq -r '
	def pct: . * 1000 | round / 10 | tostring + "%";
	def r3: . * 1000 | round / 1000 | tostring;
	"| mode | VFIO unmaps/s | ratio | fio IOPS | ratio | unmap p50 | added | read p50 | added |",
	"|---|---|---|---|---|---|---|---|---|",
	(.modes as $m | ["none", "atstrace", "hist", "bpftrace"][] as $k |
	 "| \($k) | \($m[$k].unmaps_per_s | round) | \(($m[$k].unmaps_per_s / $m.none.unmaps_per_s) | r3) | \($m[$k].iops | round) | \(($m[$k].iops / $m.none.iops) | r3) | \($m[$k].unmap_p50_ns | round) ns | \($m[$k].unmap_p50_ns - $m.none.unmap_p50_ns | round) ns | \($m[$k].read_p50_ns | round) ns | \($m[$k].read_p50_ns - $m.none.read_p50_ns | round) ns |"),
	"",
	"(medians over \(.modes.none.runs) rounds)",
	"paired with the same round'"'"'s untraced run, unmaps: atstrace \(.paired_ratio.atstrace.unmaps.median | r3) (\(.paired_ratio.atstrace.unmaps.min | r3)-\(.paired_ratio.atstrace.unmaps.max | r3)), --hist \(.paired_ratio.atstrace_hist.unmaps.median | r3) (\(.paired_ratio.atstrace_hist.unmaps.min | r3)-\(.paired_ratio.atstrace_hist.unmaps.max | r3)), bpftrace \(.paired_ratio.bpftrace.unmaps.median | r3) (\(.paired_ratio.bpftrace.unmaps.min | r3)-\(.paired_ratio.bpftrace.unmaps.max | r3))",
	"noise floor: the untraced runs alone spread by \(.untraced_spread.unmaps | pct) (unmaps) and \(.untraced_spread.iops | pct) (IOPS) of their mean",
	def r3n: if . == null then "n/a (bpftrace showed no cost)" else r3 end;
	"atstrace cost / bpftrace cost: unmaps \(.cost_vs_bpftrace.unmaps | r3n), IOPS \(.cost_vs_bpftrace.iops | r3n); added unmap latency \(.added_latency_ns.atstrace.unmap | round) ns vs \(.added_latency_ns.bpftrace.unmap | round) ns",
	def ns: if type == "number" then (round | tostring) + " ns" else "n/a (never ran)" end;
	"per-run: vtd_submit_fentry \(.per_run_ns.vtd_submit_fentry | ns), vtd_complete_fexit \(.per_run_ns.vtd_complete_fexit | ns), empty fentry floor \(.per_run_ns.floor_fentry | ns), bpftrace kprobe \(.per_run_ns.bpftrace_kprobe | ns); recursion misses \(.per_run_ns.recursion_misses)",
	"storm: \(.storm.flagged) flagged invalidations, \(.storm.events) reported one by one, \(.storm.events_shed) shed, ring buffer drops \(.storm.ringbuf_drops)",
	"targets: \(.targets)"' "$1"
