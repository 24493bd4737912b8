# reset-cost: FLR latency, prepare and done durations, for make bench's
# report (reset-cost/report.sh), which compares the kernels.
include "judge";
def hist_median($ev; $dev; $kind):
	($ev | records("hist") | map(select(.device == $dev and .hist == $kind))[0].buckets // []) as $h |
	([$h[].count] | add // 0) as $n |
	if $n == 0 then null else
	reduce $h[] as $b ({seen: 0, v: null};
		if .v == null and .seen + $b.count >= $n / 2 then .v = ($b.low + $b.high + 1) / 2
		else .seen += $b.count end) | .v end;
def checks($run; $p; $expect):
	check("atsflr exit"; $run.rc.resets; eq(0)),
	check_shown("resets"; $run.resets.reset.ok; at_least(10)),
	check_shown("reset_p50_ns"; $run.resets.reset.p50_ns; reported),
	check("reset_mean_ns"; $run.resets.reset.mean_ns; reported),
	# the log2 bucket's middle
	check_shown("prepare_median_ns"; hist_median($run.atstrace; $p.dev; "prepare"); reported),
	check_shown("done_median_ns"; hist_median($run.atstrace; $p.dev; "done"); reported);
