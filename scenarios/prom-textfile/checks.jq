# prom-textfile: atstrace's Prometheus textfile, read by promtool, node_exporter
# and prometheus (derive.sh), answers what atstrace's own summary says.
# $expect: "flagged" (the kernel lets invalidations into windows) or "clean".
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	($run.atstrace | records("hist") | map(select(.device == $p.dev and .hist == "inv_latency"))) as $h |
	$run.promql as $q |
	check("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	check_shown("textfiles written while it ran"; $run.monotonic.files - 1; at_least(3)),
	check("promtool check metrics: files it refused"; [$run.promtool[] | select(.rc != 0) | .file]; eq([])),
	check("promtool check metrics: files read"; $run.promtool | length; eq($run.monotonic.files)),
	check("counters that went down from one textfile to the next"; $run.monotonic.went_down; eq([])),
	check("no temporary file left behind"; $run.text.left_behind; eq("/run/tmp/atstrace.prom")),
	check("prometheus scraped node_exporter"; $q.up; eq(1)),
	check("node_exporter read the textfile without error"; $q.textfile_scrape_error; eq(0)),
	check_shown("PromQL: in-window invalidations, against atstrace's summary"; $q.in_window;
	      eq($a.in_window)),
	only($expect; "flagged"; check("in-window invalidations"; $a.in_window; at_least(1))),
	check_shown("PromQL: invalidations, against atstrace's summary"; $q.invalidations; eq($a.invalidations)),
	check("PromQL: reset windows, against atstrace's summary"; $q.windows; eq($a | windows_total)),
	check("PromQL: latency histogram count, against atstrace's --hist"; $q.latency_count;
	      eq([$h[].buckets[].count] | add)),
	check("PromQL: latency histogram sum (s), against atstrace's --hist (ns)"; $q.latency_sum;
	      eq(([$h[].sum_ns] | add) / 1e9)),
	check("PromQL: atstrace healthy"; $q.healthy; eq(1));
