# flr-unhooked: an FLR with no traced reset method around it. $expect:
#   unbracketed  a kernel without bracketing: its window is unseen,
#                flr_unhooked counts it and the run is INCONCLUSIVE, naming
#                it (a PASS here is the false PASS of a kernel that inlined
#                pcie_flr())
#   bracketed    the bracket decides; the FLR ran outside one, so it is an
#                unbracketed reset and --fail-unbracketed FAILs
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | $run.err.atstrace as $err |
	($s.devices[$p.dev] // {}) as $d |
	check("sysfs reset exit"; $run.rc.sysfs; eq(0)),
	check("insmod exit"; $run.rc.insmod; eq(0)),
	check("map/unmap traffic exit"; $run.rc.churn; eq(0)),
	check("invalidations of the device"; $d.invalidations; at_least(1)),
	check("the module's FLR write"; $run.text.dmesg; matches("atsbareflr: flr=0")),
	check("function windows of the sysfs reset"; $d | function_windows; at_least(1)),
	(only($expect; "unbracketed";
		check_shown("atstrace exit"; $run.rc.atstrace; eq(3)),
		check_shown("health: flr_unhooked"; $s.health.flr_unhooked; eq(1)),
		check("the verdict names it"; $err; matches("1 FLRs with no traced reset method")))),
	(only($expect; "bracketed";
		check_shown("atstrace exit"; $run.rc.atstrace; eq(1)),
		check("health: flr_unhooked"; $s.health.flr_unhooked; eq(0)),
		check_shown("unbracketed resets of the device"; $d.unbracketed_resets; eq(1))));
