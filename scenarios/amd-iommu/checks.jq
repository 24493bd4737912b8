# amd-iommu: the AMD-Vi programs run, but QEMU offers no ATS: the run must
# prove nothing (exit 3) and inject nothing, never pass.
include "judge";
def checks($run; $p; $expect):
	($run.atstrace | summary_record) as $s |
	($run.atstrace | records("program_stats")[0].programs // []) as $progs |
	def runs($n): $progs | map(select(.name == $n))[0].run_cnt // 0;
	def plan_rows($re): $run.text.plan | split("\n") | map(select(test($re) and test(" attach"))) | length;
	([$s.devices[]? | windows_total] | add // 0) as $windows |
	($run.atsflr.devices[0].ats_before.enabled // null) as $ats |
	check("AMD-Vi units"; $run.facts.iommus | map(select(startswith("ivhd"))) | length; at_least(1)),
	check("--list-probes: exit"; $run.rc.plan; eq(0)),
	check("AMD-Vi rows that attach"; plan_rows("__iommu_queue_command_sync|amd_iommu_domain_flush_pages"); eq(2)),
	check("VT-d rows that attach"; plan_rows("qi_submit"); eq(0)),
	check_shown("AMD submission program runs"; runs("amd_submit_fentry"); at_least(1)),
	check_shown("AMD completion program runs"; runs("amd_complete_pages_fexit"); at_least(1)),
	check_shown("FLRs that succeeded"; $run.atsflr.reset.ok // 0; at_least($p.min_resets)),
	check_shown("windows, against the FLRs"; $windows; at_least($run.atsflr.reset.ok // 0)),
	check_shown("ATS enabled"; $ats; reported),
	([$s.devices[]?.invalidations] | add // 0) as $invs |
	if $ats == true then
		check("invalidations with ATS on"; $invs; at_least(1)),
		check("atstrace exit with ATS on"; $run.rc.atstrace; between(0; 1))
	else
		check("atstrace exit without ATS (proved nothing)"; $run.rc.atstrace; eq(3)),
		check("invalidations without ATS"; $invs; eq(0)),
		check("completions delayed without ATS"; $s.injection.delayed // -1; eq(0))
	end;
