# reset-faults: failslab fails the allocations below a reset's done (the
# restore attach) under VFIO traffic; the device stays blocked visibly, the
# next reset restores it, nothing oopses or leaks, atstrace agrees with the
# oracle (stages in guest.sh; run.sh fails any splat).
include "judge";
def count($t; $re): [$t | scan($re)] | length;
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s | $run.stages as $st | $run.faults as $f |
	($run.text.dmesg_stages // "") as $d | ($run.text.resets // "") as $r |
	check("sysfs resets: every one succeeded (the reset itself is not refused)";
	      [count($r; "ok"), count($r; "failed")]; eq([2 * $p.resets + 2, 0])),
	check("clean: dones restored, none failed"; $st.clean; eq({"0": $p.resets})),
	check_shown("fault: failures injected, below __pci_dev_reset_iommu_done, in the domain attach";
	      [$f.injected, $f.below_done, $f.in_domain_attach]; .[0] as $n | eq([$n, $n, $n])),
	check("fault: at least one failure injected"; $f.injected; at_least(1)),
	check("fault: the done's restore failed with ENOMEM"; $st.fault; eq({"-12": 1})),
	check("fault: the kernel says DMA stays blocked";
	      count($d; "failed to restore IOMMU domain after reset: -12; DMA stays blocked"); eq(1)),
	check("fault: ATS off while blocked"; $run.text.ats_fault; matches("^enable=0 ")),
	check("recover: the next reset's done restores the device"; $st.recover; eq({"0": 1})),
	check("recover: ATS on again"; $run.text.ats_recover; matches("^enable=1 ")),
	check("after: dones restored, none failed"; $st.after; eq({"0": $p.resets})),
	check("after: ATS on"; $run.text.ats_after; matches("^enable=1 ")),
	check("VFIO traffic through it all (churn exit)"; $run.rc.churn; eq(0)),
	check("atstrace exit (stopped by SIGINT)"; $run.rc.atstrace; eq(0)),
	agrees_with_oracle(""; $s; $run.oracle; $p.dev),
	oracle_kept_up($run.oracle),
	check("kmemleak ran"; ($run.text.kmemleak // "no kmemleak") | startswith("no kmemleak"); eq(false)),
	check("kmemleak: unreferenced objects allocated in the IOMMU or PCI reset code";
	      count($run.text.kmemleak // ""; "(iommu|pci_reset|pci_dev_reset|domain_attach)[a-z_]*\\+0x"); eq(0));
