# inject-latency: exactly --inject-max completions delayed by the request;
# the median unmap latency and the histogram move by it.
include "judge";
def hist($ev; $dev): $ev | records("hist") | map(select(.device == $dev and .hist == "inv_latency"))[0].buckets // [];
def share_above($h; $ns): ([$h[] | select(.low >= $ns) | .count] | add // 0) / ([$h[].count] | add);
def checks($run; $p; $expect):
	($run.atstrace_inject | summary_record) as $s | $s.injection as $inj |
	$run.flr_base.unmap as $base | $run.flr_inject.unmap as $inject |
	($s.devices[$p.dev].submissions) as $subs |
	([$inj.delayed, 1] | max) as $n | ($inj.injected_ns / $n / 1000) as $spun_us |
	check_shown("completions delayed"; $inj.delayed; eq([$p.inject_max, $subs] | min)),
	# so that the median unmap is a delayed one
	check("share of unmaps delayed"; ([$inj.delayed, $inject.ok] | min) / $inject.ok; at_least(0.55)),
	# a spin overshoots when the host deschedules the vCPU
	check_shown("mean delay, us"; $spun_us; between($p.delay_us; 2 * $p.delay_us)),
	check_shown("median unmap latency shift, us"; ($inject.p50_ns - $base.p50_ns) / 1000;
	      between(0.7 * $p.delay_us; 1.5 * $spun_us)),
	check("histogram share above 131 us: rise"; share_above(hist($run.atstrace_inject; $p.dev); 131072) -
		share_above(hist($run.atstrace_base; $p.dev); 131072); at_least(0.8 * ([$inj.delayed, $subs] | min) / $subs));
