# inject-budget: delays stay inside the per-CPU budget, a small one binds
# (the runner fails any lockup, stall or hung task).
include "judge";
def seconds_begun($ms): ($ms / 1000 | ceil) + 1;
def checks($run; $p; $expect):
	($run.atstrace | summary_record | .injection) as $inj |
	($run.atstrace_small | summary_record | .injection) as $small |
	check_shown("completions delayed"; $inj.delayed; at_least(1)),
	check_shown("injected ms"; $inj.injected_ns / 1e6;
	      at_most($p.budget_ms * $p.cpus * seconds_begun($run.text.elapsed_ms) + $p.delay_ms * $p.cpus)),
	check("resets that succeeded"; $run.flr.reset.ok; at_least(1)),
	check("atstrace exit (not a tool error)"; $run.rc.atstrace; ne(2)),
	check_shown("small budget: completions delayed"; $small.delayed;
	      between(1; ($p.small_budget_ms / $p.delay_ms) * $p.cpus * seconds_begun($run.text.elapsed_small_ms))),
	check_shown("small budget: delays refused"; $small.over_budget; at_least(1));
