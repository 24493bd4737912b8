# inject-global: the total budget binds where the per-CPU ones would not.
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record | .injection) as $inj |
	(($run.text.elapsed_ms / 1000 | ceil) + 1) as $seconds |
	check("vCPUs"; $p.cpus; eq(4)),
	check("map/unmap threads' resets that succeeded"; $run.flr.reset.ok; at_least(1)),
	check("atstrace exit (not a tool error)"; $run.rc.atstrace; ne(2)),
	check_shown("completions delayed"; $inj.delayed; at_least(1)),
	check_shown("delays refused by the total budget"; $inj.over_total_budget; at_least(1)),
	# one delay more per CPU: a spin reserved at the end of a second
	check_shown("injected ms"; $inj.injected_ns / 1e6;
		at_most($p.total_budget_ms * $seconds + $p.delay_ms * $p.cpus));
