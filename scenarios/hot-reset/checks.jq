# hot-reset: VFIO hot resets, then reset_subordinate writes under traffic.
# $expect: "flagged" (bus resets not bracketed) or "clean" (the series).
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | $run.text.subordinate_ok as $sub |
	check_shown("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	check_shown("hot resets that succeeded"; $run.atsflr.reset.ok; at_least(1)),
	check_shown("reset_subordinate writes that succeeded"; $sub; eq($p.subordinate_writes)),
	check("churn exit during the reset_subordinate writes"; $run.rc.churn; eq(0)),
	check("unmaps during the reset_subordinate writes"; $run.churn.unmap.ok; at_least(1)),
	check_shown("bus resets traced"; $s.bus_resets; at_least([1, ($run.atsflr.reset.ok // 0) + ($sub // 0)] | max)),
	check("bus resets, atstrace vs oracle"; $s.bus_resets; eq($run.oracle.bus_resets)),
	check("bus window events"; $run.atstrace | records("bus_window") | length; eq($s.bus_resets)),
	check("bus windows of the device, atstrace vs oracle"; $s.devices[$p.dev].windows.secondary_bus // 0;
	      eq($run.oracle.devices[$p.dev].bus_windows)),
	(agrees_with_oracle(""; $s; $run.oracle; $p.dev) | select(.name | test("^windows") | not)),
	only($expect; "flagged"; check("invalidations flagged inside bus resets"; $s.devices[$p.dev] | flagged; at_least(1))),
	vtd_queue_read($s; 1),
	no_ringbuf_drops($s),
	check_shown("atstrace verdict"; $s.verdict; reported);
