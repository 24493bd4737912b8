#!/bin/bash
# make bench, reset cost: reads the reset-cost runs of both kernels (rounds
# alternate between them) and prints the ratio of mean FLR latencies,
# patched over vanilla (the median is only known to within a 1/16-octave
# bucket, ~4 ms at 110 ms), with the prepare and done durations.
# Usage: report.sh DIR  (DIR/<kernel>-<round>/verdict.json) -> DIR/reset-cost.json
set -euo pipefail
dir=$1
jq -s '
	map({kernel: (.kernel), o: .observed}) |
	group_by(.kernel) | map({key: .[0].kernel, value: {
		rounds: length,
		reset_mean_ms: (map(.o.reset_mean_ns) | add / length / 1e6),
		reset_p50_ms: (map(.o.reset_p50_ns) | add / length / 1e6),
		resets: (map(.o.resets) | add),
		prepare_us: (map(.o.prepare_median_ns // empty) | if length > 0 then add / length / 1000 else null end),
		done_us: (map(.o.done_median_ns // empty) | if length > 0 then add / length / 1000 else null end)}}) |
	from_entries | . as $k |
	{kernels: $k,
	 ratio_patched_over_vanilla: ($k["lab-6.12"].reset_mean_ms / $k["lab-6.12-vanilla"].reset_mean_ms)}' \
	"$dir"/*/verdict.json >"$dir/reset-cost.json"
jq -r '"reset cost (mean FLR latency via VFIO_DEVICE_RESET, \(.kernels["lab-6.12"].rounds) rounds per kernel, alternating boots):",
	"  lab-6.12-vanilla  \(.kernels["lab-6.12-vanilla"].reset_mean_ms * 1000 | round / 1000) ms (\(.kernels["lab-6.12-vanilla"].resets) resets)",
	"  lab-6.12          \(.kernels["lab-6.12"].reset_mean_ms * 1000 | round / 1000) ms (\(.kernels["lab-6.12"].resets) resets)",
	"  ratio patched / vanilla: \(.ratio_patched_over_vanilla * 10000 | round / 10000)",
	"  prepare and done: median in the log2 bucket around \(.kernels["lab-6.12"].prepare_us // 0 | round) and \(.kernels["lab-6.12"].done_us // 0 | round) us (atstrace --hist)"' "$dir/reset-cost.json"
