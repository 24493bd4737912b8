# reset-nesting: the test module drives the series' API by hand (stages in
# guest.sh); each stage's module line in dmesg reports what it saw (key=value).
# $expect "noats": an IOMMU that never enables ATS (QEMU's SMMUv3): ATS stays
# off throughout and there is no device-TLB invalidation; the brackets, the
# blocked domain, the refusals and the recovery are judged as everywhere.
include "judge";
def stage_line($dmesg; $stage):
	[$dmesg | scan("atsnest: \($stage) .*")] | last // "" |
	split(" ") | map(select(test("=")) | split("=") | {(.[0]): (.[1] | tonumber)}) | add // {};
def count($dmesg; $re): [$dmesg | scan($re)] | length;
def checks($run; $p; $expect):
	$run.text.dmesg as $d | $run.stage_nest as $t |
	stage_line($d; "nest") as $n | stage_line($d; "unbalanced") as $u |
	stage_line($d; "unready") as $r | stage_line($d; "recover") as $v |
	($run.oracle.devices[$p.dev] // {}) as $o | ($expect == "noats") as $noats |
	check("insmod exit per stage"; $run.rc.insmod | split("\n") | map(split(" ") | {(.[0]): (.[1] | tonumber)}) | add;
	      eq({nest: 0, unbalanced: 0, unready: 0, recover: 0})),
	check("churn exit"; $run.rc.churn; eq(0)),
	check("nest: prepare and pcie_flr results"; [$n.prepare, $n.flr]; eq([0, 0])),
	check("nest: ATS enabled before, after the inner done, late, after"; [$n.ats_before, $n.ats_after_inner_done, $n.ats_late, $n.ats_after];
	      eq(if $noats then [0, 0, 0, 0] else [1, 0, 0, 1] end)),
	check_shown("nest: bracket depth reached"; $t.tp_max_depth; eq(2)),
	check_shown("nest: blocks, restores, attaches inside the window"; [$t.attaches_block, $t.attaches_restore, $t.attaches_in_window]; eq([1, 1, 0])),
	check("nest: outer windows, depth at the end"; [$t.windows, $t.depth_at_end]; eq([1, 0])),
	check_shown("unbalanced: warnings for two unbalanced dones"; count($d; "unbalanced IOMMU reset done"); eq(1)),
	# a WARN (scenarios/reset-nesting/splats lets exactly this one through)
	check("unbalanced: kernel WARNINGs from done"; count($d; "WARNING: [^\n]* [_a-z]*pci_dev_reset_iommu_done"); eq(1)),
	check("unbalanced: the warning's backtrace names the caller"; $d; matches("atsnest_init\\+0x")),
	check("unbalanced: ATS after, against before"; $u.ats_after; eq($u.ats_before)),
	check("unbalanced: refused dones traced"; $run.stage_unbalanced.tp_done_errors; eq(2)),
	check("unready: ATS enabled after"; $r.ats_after; eq(0)),
	check("unready: messages"; count($d; "not ready after reset; DMA stays blocked"); eq(1)),
	check_shown("unready: VFIO open exit"; $run.rc.open_blocked; eq(2)),
	check("unready: VFIO open error"; $run.err.open_blocked; matches("busy")),
	check("recover: ATS enabled after"; $v.ats_after; eq(if $noats then 0 else 1 end)),
	check("recover: messages"; count($d; "ready after reset; DMA restored"); eq(1)),
	check("recover: VFIO session exit"; $run.rc.open_recovered; eq(0)),
	check_shown("recover: ATS enabled after the VFIO open"; $run.open_recovered.devices[0].ats_after.enabled; eq($noats | not)),
	# blocked through the outer bracket and from unready to recover
	check("oracle: device-TLB invalidations inside windows"; $o | flagged; eq(0)),
	if $noats then
		check("oracle: device-TLB invalidations (none without ATS)"; $o.devtlb_descriptors // 0; eq(0)),
		check("oracle: IOMMU command lists seen (it was watching)"; $run.oracle.smmu_cmdq.lists; at_least(1))
	else
		check("oracle: device-TLB invalidations"; $o.devtlb_descriptors // 0; at_least(1))
	end;
