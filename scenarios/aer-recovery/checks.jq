# aer-recovery: a fatal AER error on the switch's upstream port, recovered by
# a secondary bus reset of the root port, under traffic. $expect: "flagged"
# (the kernel brackets no error recovery: invalidations reach the devices
# while their bus is in reset, the upstream gap, and some always do here) or
# "observed" (the same gap, but so few invalidations land in the short
# window, 1 in the runs seen, that none is possible: the exit status must
# match what was counted).
include "judge";
# seconds from the error's report to the end of recovery, from dmesg
def recovery_seconds($d):
	[$d | scan("\\[ *([0-9.]+)\\][^\n]*AER: Uncorrect[a-z]* \\(Fatal\\) error[^\n]*received")[0] | tonumber] as $a |
	[$d | scan("\\[ *([0-9.]+)\\][^\n]*AER: device recovery successful")[0] | tonumber] as $b |
	if ($a | length) > 0 and ($b | length) > 0 then ($b[0] - $a[0]) * 1000 | round / 1000 else null end;
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | ($s.devices[$p.dev] // {}) as $a | $run.text.dmesg as $d |
	check("the monitor injected it"; $run.text.monitor; matches("OK id: \($p.port) ")),
	check("fatal error reported"; $d; matches("AER: Uncorrect[a-z]* \\(Fatal\\) error")),
	check_shown("recoveries that succeeded"; [$d | scan("AER: device recovery successful")] | length; eq(1)),
	check_shown("recovery time, s"; recovery_seconds($d); at_most(5)),
	check("traffic exit"; $run.rc.churn; eq(0)),
	check_shown("VFIO error interrupts the VMM got"; $run.churn.devices[0].error_irq.signals; at_least(1)),
	check_shown("atstrace exit"; $run.rc.atstrace;
	      eq({flagged: 1, clean: 0}[$expect] // (if ($a | flagged) > 0 then 1 else 0 end))),
	check_shown("bus windows of the device, atstrace vs oracle"; $a.windows.secondary_bus // 0;
	      eq($run.oracle.devices[$p.dev].bus_windows)),
	check("bus windows of the device"; $a.windows.secondary_bus // 0; at_least(1)),
	(agrees_with_oracle(""; $s; $run.oracle; $p.dev) | select(.name | test("^windows") | not)),
	only($expect; "flagged"; check_shown("invalidations flagged in the recovery's bus reset";
		$a | flagged; at_least(1))),
	# the series blocks every endpoint for the recovery and restores each
	# once its path is back: ATS on again in the device's own register
	only($expect; "clean"; check_shown("the recovery bracketed the device"; $a.windows.bracket // 0; at_least(1))),
	only($expect; "clean"; check_shown("ATS enabled after recovery, per endpoint";
		$run.ats_after | map_values(test("^enable=1 ")); eq($run.ats_after | map_values(true)))),
	check_shown("endpoints whose ATS was read after recovery"; $run.ats_after | length; eq(3)),
	check_shown("the NIC pings on its own driver afterwards"; $run.net_after.after.ping_exit; eq(0)),
	check("tool health: what atstrace lost or could not see";
	      $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	oracle_kept_up($run.oracle);
