# gate-losses: each loss path forced on a real kernel is counted in the
# summary's health and named in the verdict, which is INCONCLUSIVE.
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | $run.err.atstrace as $err |
	check("test limits in force"; $err; matches("test limits in force")),
	check("workload's hot resets that succeeded"; $run.hot.reset.ok; at_least(1)),
	check_shown("atstrace exit"; $run.rc.atstrace; eq(3)),
	check_shown("verdict"; $s.verdict; eq("INCONCLUSIVE")),
	((["counts_full", "windows_full", "bus_slots_full", "inflight_no_record", "hists_full"][]) as $h |
		check("health: \($h)"; $s.health[$h]; at_least(1))),
	# the verdict names each one, in the words of its health row
	((["not counted (device table full)", "windows not opened", "bus resets not tracked",
	  "not tracked in flight", "histogram samples lost"][]) as $words |
		check("the verdict names: \($words)"; $err; matches($words | gsub("[()]"; ".")))),
	# the lean hook (no --hist): a unit past those whose queues it reads
	($run.atstrace_lean | summary_record) as $l |
	check("lean hook: VT-d in flight read from the queues"; $l.vtd_queue != null; eq(true)),
	check("lean hook: FLRs that succeeded"; $run.lean_flr.reset.ok; at_least(1)),
	check_shown("lean hook: atstrace exit"; $run.rc.atstrace_lean; eq(3)),
	check("lean hook: health: vtd_units_full"; $l.health.vtd_units_full; at_least(1)),
	check("lean hook: the verdict names the unread queue"; $run.err.atstrace_lean;
	      matches("units past the rings atstrace reads"));
