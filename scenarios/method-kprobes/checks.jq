# method-kprobes: reset methods hooked by kprobe pairs (test knob) see the
# same windows as the oracle. $expect: "flagged" (no bracketing: the
# methods' windows are all there is, and invalidations reach them) or
# "clean".
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	check("the plan: pcie_flr by kprobes"; $run.text.probes;
	      matches("reset_method +kprobe\\+ret +pcie_flr +attach \\(kprobes")),
	check("the test knob is said"; $run.err.atstrace; matches("reset methods by kprobe")),
	check_shown("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	check("FLR storm resets that succeeded"; $run.atsflr.reset.ok; at_least(1)),
	agrees_with_oracle(""; $s; $run.oracle; $p.dev),
	check("function windows, at least the sysfs resets"; $a | function_windows; at_least($p.sysfs_resets)),
	only($expect; "flagged"; check("in-window invalidations"; $a.in_window; at_least(1))),
	check("tool health: what atstrace lost or could not see";
	      $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	oracle_kept_up($run.oracle);
