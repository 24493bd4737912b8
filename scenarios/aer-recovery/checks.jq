# aer-recovery: a fatal AER error on the switch's upstream port, recovered by
# a secondary bus reset of the root port, under traffic. The recovery's bus
# reset opens a recovery window on every device below the root port, until
# pcie_do_recovery() returns (behind a switch the devices are unreachable
# until the port drivers restore it). $expect: "flagged" (the kernel brackets
# no error recovery: invalidations reach the devices inside that window, the
# upstream gap; 15-265 in the runs seen) or "clean" (the series: every device
# blocked for the recovery and restored once its path is back). "observed":
# the exit status must only match what was counted.
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
	($run.churn.devices | map({(.bdf): .}) | add // {}) as $vmm |
	check_shown("VFIO error interrupts the VMM got"; $vmm[$p.dev].error_irq.signals; at_least(1)),
	# aer-endpoint: a device on another downstream port is outside the recovery
	(if ($p.outside // "") != "" then
		($s.devices[$p.outside] // {}) as $out |
		check_shown("outside the recovering port: recovery windows, invalidations meanwhile";
		      [$out.windows.recovery // 0, ($out.invalidations // 0) > 0]; eq([0, true])),
		check("outside the recovering port: VFIO error interrupts"; $vmm[$p.outside].error_irq.signals; eq(0))
	else empty end),
	($run.oracle.devices[$p.dev] // {}) as $o |
	# the recovery lasts ~40 ms, and the traffic mostly waits it out: on a
	# kernel that lets invalidations in, a run whose traffic sent none inside
	# it (the oracle saw none) shows nothing: a SKIP (exercised below), not
	# a pass; its exit must then only match what was counted
	(($o.in_recovery // 0) > 0) as $hit |
	check_shown("atstrace exit"; $run.rc.atstrace;
	      eq((if $expect == "flagged" and ($hit | not) then null else {flagged: 1, clean: 0}[$expect] end)
		 // (if ($a | flagged) > 0 then 1 else 0 end))),
	# the recovery's bus reset opens a recovery window, not a plain bus one
	check_shown("recovery windows of the device, atstrace vs oracle"; $a.windows.recovery // 0;
	      eq($run.oracle.devices[$p.dev].recovery_windows)),
	check("recovery windows of the device"; $a.windows.recovery // 0; at_least(1)),
	check("plain bus windows of the device"; $a.windows.secondary_bus // 0; eq(0)),
	check_shown("recoveries atstrace saw"; [$s.recoveries, $s.recovery_windows]; eq([1, 1])),
	check("bus resets, atstrace vs oracle"; $s.bus_resets; eq($run.oracle.bus_resets)),
	check_shown("in-window invalidations in the recovery, atstrace vs oracle"; $a.in_recovery // 0;
	      between(($o.in_recovery // 0) - ($o.edge_in // 0); ($o.in_recovery // 0) + ($o.edge_out // 0))),
	(agrees_with_oracle(""; $s; $run.oracle; $p.dev) | select(.name | test("^windows") | not)),
	only($expect; "flagged"; exercised($hit;
		"the traffic sent no invalidation into the recovery window (the oracle saw none)";
		check_shown("invalidations flagged in the recovery"; $a | flagged; at_least(1)),
		check("the verdict tells error recovery apart";
		      $run.err.atstrace // ""; matches("in error recovery: a reset no software asked for")))),
	# the series: no invalidation reaches a device between the bus reset and its restore
	only($expect; "clean"; check_shown("invalidations in the recovery window (bracketed: none)";
		$a.in_recovery // 0; eq(0))),
	# the series blocks every endpoint for the recovery and restores each
	# once its path is back: ATS on again in the device's own register
	only($expect; "clean"; check_shown("the recovery bracketed the device"; $a.windows.bracket // 0; at_least(1))),
	only($expect; "clean"; check_shown("ATS enabled after recovery, per endpoint";
		$run.ats_after | map_values(test("^enable=1 ")); eq($run.ats_after | map_values(true)))),
	check_shown("endpoints whose ATS was read after recovery"; $run.ats_after | length; eq(3)),
	check_shown("the NIC pings on its own driver afterwards"; $run.net_after.after.ping_exit; eq(0)),
	# a bracketing kernel that leaves recovery unbracketed (upstream) is told so
	check_shown("unbracketed resets of the device"; $a.unbracketed_resets // 0;
	      if $run.oracle.window_mode == "bracketing" and $expect != "clean" then at_least(1) else eq(0) end),
	check("tool health: what atstrace lost or could not see";
	      $s.health | if . == null then null else with_entries(select(.value != 0)) end; eq({})),
	oracle_kept_up($run.oracle);
