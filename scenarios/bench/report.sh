#!/bin/bash
# Prints build/results/bench.json as the table docs/performance.md carries.
set -euo pipefail
jq -r '
	def pct: . * 1000 | round / 10 | tostring + "%";
	def r3: . * 1000 | round / 1000 | tostring;
	"| mode | VFIO unmaps/s | ratio | fio IOPS | ratio |",
	"|---|---|---|---|---|",
	(.modes as $m | ["none", "atstrace", "hist", "bpftrace"][] as $k |
	 "| \($k) | \($m[$k].unmaps_per_s | round) | \(($m[$k].unmaps_per_s / $m.none.unmaps_per_s) | r3) | \($m[$k].iops | round) | \(($m[$k].iops / $m.none.iops) | r3) |"),
	"",
	"atstrace cost / bpftrace cost: unmaps \(.cost_vs_bpftrace.unmaps | r3), IOPS \(.cost_vs_bpftrace.iops | r3)",
	"per-run: vtd_submit_fentry \(.per_run_ns.vtd_submit_fentry | round) ns, vtd_complete_fexit \(.per_run_ns.vtd_complete_fexit | round) ns, empty fentry floor \(.per_run_ns.floor_fentry | round) ns; recursion misses \(.per_run_ns.recursion_misses)",
	"storm: \(.storm.flagged) flagged invalidations, \(.storm.events) reported one by one, \(.storm.events_shed) shed, ring buffer drops \(.storm.ringbuf_drops)",
	"targets: \(.targets)"' "$1"
