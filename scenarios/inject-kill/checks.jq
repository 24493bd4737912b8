# inject-kill: kill -9 of atstrace mid-injection: unmap latency is back to
# baseline at once (the heartbeat), every link and program goes away.
include "judge";
def checks($run; $p; $expect):
	($run.flr_before.unmap.p50_ns / 1000) as $before |
	check("links while running"; $run.text.links_during; at_least(1)),
	check("links left after kill -9"; $run.text.links_after; eq(0)),
	check("programs left after kill -9"; $run.text.progs_after; eq(0)),
	# the kernel tears tracing links down one by one: seconds under TCG
	check_shown("ms until the links were gone"; $run.text.detach_ms; reported),
	check_shown("ms until the programs were freed"; $run.text.freed_ms; reported),
	check_shown("median unmap latency while injecting, us"; $run.flr_during.unmap.p50_ns / 1000;
	      at_least($before + 0.7 * $p.delay_ms * 1000)),
	check_shown("median unmap latency in the half second after the kill, us"; $run.flr_after.unmap.p50_ns / 1000;
	      at_most([$before + 100, 1.5 * $before] | max));
