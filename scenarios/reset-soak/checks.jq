# reset-soak: many resets from many tasks under atstrace --assert. $expect:
# "flagged" (no bracketing: in-window invalidations, exit 1) or "clean".
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a |
	($run.oracle.devices[$p.dev] // {}) as $o |
	check_shown("sysfs resets that succeeded"; $run.text.sysfs_resets_ok; eq($p.sysfs_resets)),
	check("VFIO session exit"; $run.rc.churn; eq(0)),
	check_shown("VFIO FLRs that succeeded"; $run.churn.reset.ok; at_least(1)),
	check_shown("IOAS replaces that succeeded"; $run.churn.replace.ok; at_least(1)),
	check_shown("hot resets that succeeded"; $run.hot.reset.ok; at_least(1)),
	check_shown("atstrace exit"; $run.rc.atstrace; eq({flagged: 1, clean: 0}[$expect])),
	agrees_with_oracle(""; $s; $run.oracle; $p.dev),
	check("function windows, at least one per reset"; $a | function_windows; at_least($p.sysfs_resets)),
	vtd_queue_read($s; 1),
	check_shown("tool health: what atstrace lost or could not see"; $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	oracle_kept_up($run.oracle);
